"""Scenario-bound signals (offers, disclosures) and the session scorecard."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from simcoach.content.rubric import Aggregate, Rubric
from simcoach.content.scenario import Scenario
from simcoach.content.vocabulary import SignalKind as K
from simcoach.scoring.models import ChatTurn, CriterionSummary, Scorecard, TurnAssessment
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
    ids = [imp.criterion_id for imp in card.improvements]
    # one per criterion first; a criterion repeats only once every one with a gap has its place
    first_repeat = next((i for i, cid in enumerate(ids) if cid in ids[:i]), len(ids))
    assert set(ids[:first_repeat]) == set(ids)


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


def _summary(card: Scorecard, cid: str) -> CriterionSummary:
    return next(c for c in card.criteria if c.criterion_id == cid)


def test_a_best_criterion_counts_the_best_turn_and_a_mean_one_every_turn(
    core: Rubric, scorer: OfflineScorer
) -> None:
    # asking once, well, is probing done: the turn that delivers the fix need not ask again
    turns = [
        score(scorer, core, "What happened when you saw you had been charged twice?", UPSET),
        score(scorer, core, "I'm refunding the duplicate now; you'll see it on your card by Friday.", UPSET),
    ]
    card = build_scorecard(rubric=core, rubric_version="1.0", assessments=turns)
    probing = _summary(card, "probing")
    assert (probing.aggregate, probing.session_level, probing.percent) == ("best", 2, 100.0)
    assert probing.mean_level == 1.0
    assert not any(imp.criterion_id == "probing" for imp in card.improvements)
    deescalation = _summary(card, "deescalation")
    assert deescalation.aggregate == "mean"
    assert deescalation.session_level == deescalation.mean_level


def test_a_trigger_on_another_turn_caps_a_best_criterion(core: Rubric, scorer: OfflineScorer) -> None:
    best_everywhere = core.model_copy(
        update={"criteria": [c.model_copy(update={"aggregate": Aggregate.best}) for c in core.criteria]}
    )
    fine = score(scorer, core, "I'm so sorry you were charged twice; I'm refunding it now, by Friday.", UPSET)
    undone = score(scorer, core, "Please calm down, as I already said it's policy.", UPSET)
    alone = build_scorecard(rubric=best_everywhere, rubric_version="1", assessments=[fine])
    both = build_scorecard(rubric=best_everywhere, rubric_version="1", assessments=[fine, undone])
    assert _summary(alone, "deescalation").percent == 100.0
    assert _summary(both, "deescalation").session_level == 0  # "calm down" undid the fine turn


def test_a_good_conversation_can_pass_the_qa_scorecard(qa: Rubric, scorer: OfflineScorer) -> None:
    # a conversation a QA lead would pass: every skill shown where it was needed, not on every turn
    dennis = "Right. You've taken £64.99 twice on the 3rd of November, I was promised a refund last week."
    lines = [
        (
            dennis,
            "Dennis, I'm really sorry you were charged twice and then let down on the refund - I can "
            "see why you're fed up. This call is recorded for training and quality.",
        ),
        (
            "Go on, then. What happens with the refund?",
            "Before I look at the account, I need to do a quick "
            "security check: could you confirm your date of birth?",
        ),
        ("4th of May 1971.", "Thanks, Dennis. What happened when you called us last time?"),
        (
            "I rang last Tuesday, spoke to a lad called Ryan, never got a reference. Nothing since.",
            "So you were promised it in 48 hours by Ryan and then heard nothing - that must have been "
            "really frustrating. I'm going to refund the duplicate payment to your card right now, and the "
            "refund will reach your card within 3 to 5 working days. I'll email you the refund reference in "
            "10 minutes.",
        ),
    ]
    context: list[ChatTurn] = []
    turns: list[TurnAssessment] = []
    for said, reply in lines:
        context.append(customer(said))
        turns.append(scorer.score(rubric=qa, rubric_version="1", context=list(context), text=reply))
        context.append(agent(reply))
    card = build_scorecard(rubric=qa, rubric_version="1", assessments=turns)
    assert card.passed, [(c.criterion_id, c.percent) for c in card.criteria]


@pytest.mark.parametrize(
    ("said", "reply", "applicable"),
    [
        # a settled message answered plainly: nothing to calm, so no 0 on the scorecard
        (
            "It's Alan Bellamy, account number 7730 1142.",
            "Thank you. Could I check you're the executor?",
            False,
        ),
        # the customer is upset: a plain answer fails to de-escalate
        ("I'm so worried I'll lose the house number!", "Thank you. Could I check you're the executor?", True),
        # the turn calms (or escalates) a settled customer: scored as usual
        ("It's Alan Bellamy, account number 7730 1142.", "I'll transfer the number to you today.", True),
        ("It's Alan Bellamy, account number 7730 1142.", "As I already said, we need the executor.", True),
    ],
)
def test_deescalation_is_not_applicable_to_a_plain_answer_to_a_settled_message(
    said: str, reply: str, applicable: bool, core: Rubric, qa: Rubric, scorer: OfflineScorer
) -> None:
    for rubric in (core, qa):
        got = score(scorer, rubric, reply, [customer(said)]).scores["deescalation"]
        assert got.applicable is applicable, got.reason


def test_a_best_strength_points_at_its_turn(core: Rubric, scorer: OfflineScorer) -> None:
    turns = [
        score(scorer, core, "Thanks for waiting.", UPSET),
        score(scorer, core, "What happened when you saw you had been charged twice?", UPSET),
    ]
    card = build_scorecard(rubric=core, rubric_version="1.0", assessments=turns)
    assert "Probing: 100%, at its best on turn 2." in card.strengths


def test_a_disclosure_never_made_is_no_strength(
    qa: Rubric, scenario: Scenario, scorer: OfflineScorer
) -> None:
    two = scenario.model_copy(
        update={
            "required_disclosures": [
                *scenario.required_disclosures,
                scenario.required_disclosures[0].model_copy(
                    update={"id": "fees", "description": "The fees", "cues": ["there is no fee"]}
                ),
            ]
        }
    )
    turns = _session(
        scorer, qa, ["Sorry about the double charge. This chat is recorded.", "Anything else?"], two
    )
    card = build_scorecard(rubric=qa, rubric_version="1.0", assessments=turns, scenario=two)
    assert [h.id for h in card.critical_failures] == ["missing-disclosure"]
    disclosure = _summary(card, "disclosure")
    assert disclosure.percent == 50.0  # one of the two made: not the 100 % of the turns that made one
    assert not any(s.startswith("Required disclosures") for s in card.strengths)


def test_a_best_criterions_improvement_points_at_its_best_turn(core: Rubric, scorer: OfflineScorer) -> None:
    # the closed question is where an open one would have raised probing; the refund turn needed none
    turns = [
        score(scorer, core, "Is the account overdrawn now?", UPSET),
        score(scorer, core, "I'm refunding the duplicate now; it reaches your card by Friday.", UPSET),
    ]
    card = build_scorecard(rubric=core, rubric_version="1.0", assessments=turns)
    assert _summary(card, "probing").percent == 50.0
    assert [imp.turn for imp in card.improvements if imp.criterion_id == "probing"] == [0]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("I understand.", "a generic acknowledgement"),
        ("The second charge happened because the payment was retried.", "an explanation or an alternative"),
    ],
)
def test_a_level_one_deescalation_says_what_earned_it(
    text: str, why: str, core: Rubric, scorer: OfflineScorer
) -> None:
    got = score(scorer, core, text, UPSET).scores["deescalation"]
    assert got.level == 1
    assert got.reason.startswith(why), got.reason


def test_an_override_moves_a_best_criterion_only_at_its_best_turn(
    core: Rubric, scorer: OfflineScorer
) -> None:
    turns = [
        score(scorer, core, "Is the account overdrawn now?", UPSET),  # a closed question: probing 1
        score(scorer, core, "What happened when you saw you had been charged twice?", UPSET),  # open: 2
    ]
    plain = _summary(build_scorecard(rubric=core, rubric_version="1", assessments=turns), "probing")
    other = build_scorecard(rubric=core, rubric_version="1", assessments=turns, overrides={(0, "probing"): 0})
    best = build_scorecard(rubric=core, rubric_version="1", assessments=turns, overrides={(1, "probing"): 1})
    assert plain.percent == 100.0
    assert _summary(other, "probing").percent == 100.0  # not the best turn: the session level stands
    assert _summary(other, "probing").overridden
    assert _summary(best, "probing").percent == 50.0  # the best turn marked down: the session follows
