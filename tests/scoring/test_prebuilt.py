"""Spans and signals built without validation are the very models validation would build."""

from __future__ import annotations

from simcoach.content.rubric import Rubric
from simcoach.content.vocabulary import SignalKind
from simcoach.scoring.evaluate import Item, read_items
from simcoach.scoring.models import CriterionScore, Signal, Span, TurnAssessment
from simcoach.scoring.offline import OfflineScorer
from simcoach.scoring.signals import customer_span, customer_view, sig, span
from simcoach.scoring.text import analyse_uncached

from .conftest import DATA


def _same(got: Span | Signal, want: Span | Signal) -> None:
    assert type(got) is type(want)
    assert got == want
    assert got.model_fields_set == want.model_fields_set
    assert got.model_dump_json() == want.model_dump_json()
    assert got.model_dump_json(exclude_unset=True) == want.model_dump_json(exclude_unset=True)
    assert got.__pydantic_extra__ == want.__pydantic_extra__
    assert got.__pydantic_private__ == want.__pydantic_private__


def test_prebuilt_spans_and_signals_equal_validated_ones() -> None:
    a = analyse_uncached("  I'm sorry about the double charge.  ")
    got = span(a, 0, len(a.text), SignalKind.specific_apology)
    want = Span(start=2, end=36, text=a.text[2:36], kind=SignalKind.specific_apology)
    _same(got, want)
    _same(span(a, 2, 7), Span(start=2, end=7, text="I'm s", kind=None))
    view = customer_view("I was charged twice!")
    cust = customer_span(view, 1, 6, 13)
    _same(cust, Span(start=6, end=13, text="charged", source="customer", turn=1))
    for strength, reflects in ((1.0, None), (0.35, [cust]), (2, []), (-1, None)):
        s = sig(SignalKind.content_reflection, a, 2, 9, strength=strength, reflects=reflects, detail="1.0")
        want_sig = Signal(
            kind=SignalKind.content_reflection,
            span=Span(start=2, end=9, text=a.text[2:9], kind=SignalKind.content_reflection),
            strength=max(0.0, min(1.0, strength)),
            reflects=reflects or [],
            detail="1.0",
        )
        _same(s, want_sig)
        assert s.reflects is not reflects  # a list of its own, as validation would copy it


def test_prebuilt_assessments_equal_validated_ones(core: Rubric, qa: Rubric, scorer: OfflineScorer) -> None:
    """The scorer builds its result without validating it: on every labelled turn it is what validation
    would have built from the same data, field for field and in JSON."""
    items = [it for it in read_items(DATA) if isinstance(it, Item)]
    assert len(items) >= 300
    for rubric in (core, qa):
        for it in items:
            got = scorer.score(rubric=rubric, rubric_version=rubric.version, context=it.context, text=it.text)
            # exactly what the scorer validated before it built its result
            want = TurnAssessment.model_validate(
                {
                    "rubric_id": got.rubric_id,
                    "rubric_version": got.rubric_version,
                    "scorer": got.scorer,
                    "text": got.text,
                    "scores": {
                        cid: {name: getattr(score, name) for name in CriterionScore.model_fields}
                        for cid, score in got.scores.items()
                    },
                    "signals": list(got.signals),
                }
            )
            assert got == want, it.id
            assert got.model_fields_set == want.model_fields_set
            assert got.model_dump_json() == want.model_dump_json()
            for cid, score in got.scores.items():
                assert score.model_fields_set == want.scores[cid].model_fields_set, (it.id, cid)
