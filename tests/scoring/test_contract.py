"""The scorer's contract: determinism, evidence that indexes the text, feedback on every turn, protocol."""

from __future__ import annotations

import asyncio
import json

from simcoach.content.rubric import Rubric
from simcoach.scoring.backend import TurnScorer, resolve_backend
from simcoach.scoring.evaluate import Item, read_items
from simcoach.scoring.models import ChatTurn
from simcoach.scoring.offline import OfflineScorer

from .conftest import DATA, agent, customer, score


def _items() -> list[Item]:
    return [it for it in read_items(DATA) if isinstance(it, Item)]


def test_same_input_same_output_across_instances_and_orders(core: Rubric, qa: Rubric) -> None:
    items = _items()[:120]
    first = [
        OfflineScorer()
        .score(rubric=qa, rubric_version="1", context=it.context, text=it.text)
        .model_dump_json()
        for it in items
    ]
    fresh = OfflineScorer()
    second = [
        fresh.score(rubric=qa, rubric_version="1", context=it.context, text=it.text).model_dump_json()
        for it in reversed(items)
    ]
    assert first == list(reversed(second))


def test_every_nonzero_score_has_evidence_that_indexes_the_text(core: Rubric, qa: Rubric) -> None:
    scorer = OfflineScorer()
    for rubric in (core, qa):
        for it in _items():
            result = scorer.score(rubric=rubric, rubric_version="1", context=it.context, text=it.text)
            for cid, s in result.scores.items():
                if s.level > 0:
                    assert any(e.source == "agent" for e in s.evidence), (it.id, cid)
                for e in s.evidence:
                    source = it.text if e.source == "agent" else it.context[e.turn or 0].text
                    if e.source == "customer":
                        assert e.turn is not None
                        assert it.context[e.turn].role == "customer"
                    assert 0 <= e.start < e.end <= len(source)
                    assert source[e.start : e.end] == e.text, (it.id, cid, e)
            for sig in result.signals:
                if sig.span is not None:
                    assert it.text[sig.span.start : sig.span.end] == sig.span.text


def test_every_turn_gets_feedback_with_a_better_line(core: Rubric, qa: Rubric) -> None:
    scorer = OfflineScorer()
    for it in _items():
        result = scorer.score(rubric=qa, rubric_version="1", context=it.context, text=it.text)
        for s in result.scores.values():
            assert s.feedback.better_line.strip()
            assert s.feedback.render().strip()
            assert 0.0 <= s.confidence <= 1.0
            assert s.level <= s.max_level


def test_better_line_is_grounded_in_the_customers_last_message(core: Rubric, scorer: OfflineScorer) -> None:
    context = [customer("My parcel never arrived and it was my daughter's birthday present.")]
    result = score(scorer, core, "Okay.", context)
    line = result.scores["mirroring"].feedback.better_line
    assert "your daughter's birthday present" in line
    assert "my daughter" not in line


def test_not_applicable_is_not_zero(core: Rubric, scorer: OfflineScorer) -> None:
    result = score(scorer, core, "Hello, thanks for getting in touch. What's happened?")
    assert not result.scores["mirroring"].applicable
    assert not result.scores["deescalation"].applicable
    assert result.scores["probing"].applicable
    assert result.scores["probing"].level == 2
    closing = [customer("Great, that's sorted. Thanks so much!")]
    result = score(scorer, core, "You're welcome. Is there anything else I can help with today?", closing)
    assert not result.scores["probing"].applicable


def test_a_summary_after_a_short_reply_is_scored_not_skipped(core: Rubric, scorer: OfflineScorer) -> None:
    context = [
        customer("My parcel never came and I need it for my daughter's party on Friday."),
        agent("I'm sorry to hear that."),
        customer("Ok."),
    ]
    recap = score(
        scorer, core, "So the parcel never arrived and the party is on Friday, is that right?", context
    )
    assert recap.scores["mirroring"].applicable
    assert recap.scores["mirroring"].level >= 1
    # with nothing said back, the "Ok." leaves nothing to reflect: not applicable, rather than 0
    assert not score(scorer, core, "Let me check that for you.", context).scores["mirroring"].applicable


def test_criterion_ids_and_scales_of_empathy_core(core: Rubric, scorer: OfflineScorer) -> None:
    result = score(scorer, core, "What happened?", [customer("It broke.")])
    assert list(result.scores) == ["probing", "mirroring", "deescalation"]
    assert result.scorer == OfflineScorer.name
    assert result.scorer.startswith("offline/")
    assert result.rubric_id == "empathy-core"
    json.loads(result.model_dump_json())


def test_offline_scorer_satisfies_the_protocol(core: Rubric) -> None:
    scorer = resolve_backend("offline")
    assert isinstance(scorer, TurnScorer)
    context = [ChatTurn(role="customer", text="My card was declined twice.")]
    sync = OfflineScorer().score(
        rubric=core, rubric_version="1", context=context, text="Sorry, let me check."
    )
    got = asyncio.run(
        scorer.assess(rubric=core, rubric_version="1", context=context, text="Sorry, let me check.")
    )
    assert got == sync


def test_acknowledgment_applies_to_complaints_not_to_calm_questions(
    qa: Rubric, scorer: OfflineScorer
) -> None:
    calm = score(scorer, qa, "We close at 4pm on Sundays.", [customer("What time do you close on Sundays?")])
    assert not calm.scores["acknowledgment"].applicable
    upset = [customer("The sofa arrived with a big tear in the fabric.")]  # a complaint with no feeling word
    assert score(scorer, qa, "We close at 4pm.", upset).scores["acknowledgment"].applicable
