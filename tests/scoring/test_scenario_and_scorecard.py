"""Scenario-bound signals (offers, disclosures) and the session scorecard."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Scenario
from simcoach.content.vocabulary import SignalKind as K
from simcoach.scoring.models import TurnAssessment
from simcoach.scoring.offline import OfflineScorer
from simcoach.scoring.scorecard import build_scorecard

from .conftest import SCENARIO, agent, customer, score

UPSET = [customer("You've charged me twice and I'm overdrawn before rent day!")]


def test_offer_cues_match_tolerantly(qa: Rubric, scenario: Scenario, scorer: OfflineScorer) -> None:
    result = score(scorer, qa, "I'm refunding the duplicated payments now.", UPSET, scenario)
    offers = result.of(K.offer_made)
    assert [s.detail for s in offers] == ["refund"]
    assert offers[0].span is not None
    assert "refunding" in offers[0].span.text
    fee = score(scorer, qa, "We'll also COVER your overdraft fees.", UPSET, scenario)
    assert [s.detail for s in fee.of(K.offer_made)] == ["fee-waiver"]


def test_negated_or_forbidden_offers(qa: Rubric, scenario: Scenario, scorer: OfflineScorer) -> None:
    refused = score(scorer, qa, "I can't refund the duplicate payment, sorry.", UPSET, scenario)
    assert not refused.has(K.offer_made)
    voucher = score(scorer, qa, "How about a gift voucher for your trouble?", UPSET, scenario)
    assert [s.detail for s in voucher.of(K.forbidden_offer)] == ["voucher"]


def test_disclosure_made(qa: Rubric, scenario: Scenario, scorer: OfflineScorer) -> None:
    result = score(scorer, qa, "Just so you know, this chat is recorded.", UPSET, scenario)
    assert [s.detail for s in result.of(K.disclosure_made)] == ["recorded"]
    assert result.scores["disclosure"].level == 1


def _session(
    scorer: OfflineScorer, rubric: Rubric, lines: list[str], scenario: Scenario | None
) -> list[TurnAssessment]:
    context = list(UPSET)
    out = []
    for line in lines:
        out.append(score(scorer, rubric, line, context, scenario))
        context = [*context, customer("Go on.")]
    return out


def test_scorecard_aggregates_passes_and_ranks_improvements(
    qa: Rubric, scenario: Scenario, scorer: OfflineScorer
) -> None:
    good = _session(
        scorer,
        qa,
        [
            "Being charged twice right before rent day is awful, Ian, I'm sorry. This chat is recorded.",
            "I'm refunding the duplicate payment now and you'll see it within 24 hours.",
            "What else has the double charge affected for you this week?",
        ],
        scenario,
    )
    card = build_scorecard(rubric=qa, rubric_version="1.0", assessments=good, scenario=scenario)
    assert not card.critical_failures
    assert 0 <= card.overall_percent <= 100
    assert len(card.improvements) <= 3
    assert all(0 <= imp.turn < len(good) and imp.better_line for imp in card.improvements)
    probing = next(c for c in card.criteria if c.criterion_id == "probing")
    assert probing.applicable_turns == 3


def test_missing_disclosure_and_forbidden_offer_fail_the_session(
    qa: Rubric, scenario: Scenario, scorer: OfflineScorer
) -> None:
    turns = _session(scorer, qa, ["Here's a gift voucher instead.", "Anything else?"], scenario)
    card = build_scorecard(rubric=qa, rubric_version="1.0", assessments=turns, scenario=scenario)
    ids = {hit.id for hit in card.critical_failures}
    assert {"missing-disclosure", "forbidden-offer"} <= ids
    assert not card.passed
    assert next(h for h in card.critical_failures if h.id == "forbidden-offer").turn == 0


def test_calm_down_is_critical_on_the_qa_scorecard(qa: Rubric, scorer: OfflineScorer) -> None:
    turns = [score(scorer, qa, "Calm down, please.", UPSET)]
    card = build_scorecard(rubric=qa, rubric_version="1.0", assessments=turns)
    assert [h.id for h in card.critical_failures] == ["told-to-calm-down"]


def test_not_applicable_turns_are_skipped_and_overrides_apply(core: Rubric, scorer: OfflineScorer) -> None:
    opening = score(scorer, core, "Hi, what's been happening?")  # mirroring and de-escalation n/a here
    later = score(scorer, core, "So you were charged twice and you're worried.", UPSET)
    card = build_scorecard(rubric=core, rubric_version="1.0", assessments=[opening, later])
    mirroring = next(c for c in card.criteria if c.criterion_id == "mirroring")
    assert mirroring.applicable_turns == 1
    assert mirroring.mean_level == 2
    overridden = build_scorecard(
        rubric=core, rubric_version="1.0", assessments=[opening, later], overrides={(1, "mirroring"): 0}
    )
    mirroring = next(c for c in overridden.criteria if c.criterion_id == "mirroring")
    assert mirroring.mean_level == 0
    assert mirroring.overridden
    assert overridden.overall_percent < card.overall_percent


def test_improvements_point_at_the_weakest_turns(core: Rubric, scorer: OfflineScorer) -> None:
    turns = [
        score(scorer, core, "So you were charged twice and you're worried. I'll refund it today.", UPSET),
        score(scorer, core, "Please calm down.", UPSET),
    ]
    card = build_scorecard(rubric=core, rubric_version="1.0", assessments=turns)
    assert card.improvements[0].turn == 1
    assert len({imp.criterion_id for imp in card.improvements}) == len(card.improvements)


def _two_disclosures(say: str | None = None) -> Scenario:
    data = copy.deepcopy(SCENARIO)
    data["required_disclosures"] = [
        {"id": "recorded", "description": "The chat is recorded", "cues": ["this chat is recorded"]},
        {"id": "security", "description": "Do the security check", "cues": ["security check"], "say": say},
    ]
    return Scenario.model_validate(data)


def test_the_disclosure_line_names_one_still_outstanding(qa: Rubric, scorer: OfflineScorer) -> None:
    scenario = _two_disclosures()
    context = [*UPSET, agent("Just so you know, this chat is recorded."), customer("Fine. Bye then.")]
    result = score(scorer, qa, "Thanks for calling.", context, scenario)
    line = result.scores["disclosure"].feedback.better_line
    assert "security check" in line
    assert "recorded" not in line


def test_a_disclosure_made_this_turn_moves_the_line_on(qa: Rubric, scorer: OfflineScorer) -> None:
    result = score(scorer, qa, "Just so you know, this chat is recorded.", UPSET, _two_disclosures())
    line = result.scores["disclosure"].feedback.better_line
    assert "security check" in line
    assert "recorded" not in line


def test_the_disclosure_line_is_the_scenarios_own_words(qa: Rubric, scorer: OfflineScorer) -> None:
    say = "Before we look at your account I need to do a quick security check."
    context = [*UPSET, agent("Just so you know, this chat is recorded."), customer("Fine. Bye then.")]
    result = score(scorer, qa, "Thanks for calling.", context, _two_disclosures(say=say))
    assert result.scores["disclosure"].feedback.better_line == say


def test_a_disclosure_line_must_say_one_of_its_cues() -> None:
    with pytest.raises(ValidationError, match=r"'say' must contain one of the cues"):
        _two_disclosures(say="Let me just check a couple of things first.")
