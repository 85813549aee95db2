"""Disclosure: facts by topic (stemmed overlap, not one literal word), trust gates, unknowns."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simcoach.content.loader import load_library
from simcoach.content.vocabulary import Reveal
from simcoach.sim.disclosure import DisclosureIndex, plan, probe_stems
from simcoach.sim.models import CustomerState

REPO = Path(__file__).resolve().parents[2]
LIBRARY = load_library([REPO], root=REPO)
DENNIS = LIBRARY.scenarios["billing-double-charge"].item
INDEX = DisclosureIndex(DENNIS)
GUARDED = CustomerState(anger=0.6, anxiety=0.3, trust=0.2, patience=0.8)
TRUSTING = CustomerState(anger=0.3, anxiety=0.3, trust=0.8, patience=0.8)


def ids(text: str, state: CustomerState = GUARDED, said: tuple[str, ...] = ()) -> list[str]:
    return [f.id for f in plan(INDEX, set(said), state, 0.0, text, None).answered]


def test_question_about_the_topic_in_other_words_reveals_the_fact() -> None:
    assert ids("Which card were the payments taken from?") == ["card-used"]
    assert ids("Could you tell me which bank account you paid with?") == ["card-used"]


def test_inflected_forms_match_by_stem() -> None:
    assert "when-noticed" in ids("When did you first notice the second payment on your statements?")


def test_a_statement_is_not_a_probe() -> None:
    assert ids("Your card was charged twice, I can see that.") == []
    assert probe_stems("I can see the card here.", None) is None


def test_an_unrelated_question_reveals_nothing() -> None:
    assert ids("How is the weather where you are?") == []


def test_asked_facts_need_the_question() -> None:
    p = plan(INDEX, {"double-charge"}, TRUSTING, 0.0, "I'm sorry about this.", None)
    assert all(f.reveal is not Reveal.asked for f in p.reveal_now)


def test_trust_fact_is_deflected_until_trust_is_high_enough() -> None:
    question = "How has this affected you? Has it cost you anything, like a bank fee?"
    guarded = plan(INDEX, {"double-charge"}, GUARDED, 0.0, question, None)
    assert [f.id for f in guarded.deflected] == ["overdraft-fee"]
    assert not guarded.reveal_now
    trusting = plan(INDEX, {"double-charge"}, TRUSTING, 0.0, question, None)
    assert [f.id for f in trusting.answered] == ["overdraft-fee"]


def test_trust_fact_is_volunteered_once_trust_is_high_enough() -> None:
    p = plan(INDEX, {"double-charge"}, TRUSTING, 0.0, "Thank you for bearing with me.", None)
    assert [f.id for f in p.reveal_now] == ["overdraft-fee"]


def test_difficulty_offset_raises_the_trust_needed() -> None:
    state = CustomerState(anger=0.3, anxiety=0.3, trust=0.47, patience=0.8)
    assert plan(INDEX, {"double-charge"}, state, 0.0, "Thanks.", None).reveal_now
    assert not plan(INDEX, {"double-charge"}, state, 0.05, "Thanks.", None).reveal_now


def test_volunteered_fact_comes_without_asking_once() -> None:
    first = plan(INDEX, set(), GUARDED, 0.0, "Hello, thanks for waiting.", None)
    assert [f.id for f in first.reveal_now] == ["double-charge"]
    again = plan(INDEX, {"double-charge"}, GUARDED, 0.0, "Hello, thanks for waiting.", None)
    assert again.reveal_now == []


def test_facts_already_said_are_not_said_again() -> None:
    assert ids("Which card was it?", said=("card-used",)) == []


def test_asking_about_an_unknown_is_noticed() -> None:
    p = plan(INDEX, {"double-charge"}, GUARDED, 0.0, "Do you know why the payment was taken twice?", None)
    assert p.unknown_asked or p.answered  # never a fact the customer does not know
    for fact in p.reveal_now:
        assert fact.id in {f.id for f in DENNIS.facts}


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY.scenarios))
def test_every_asked_fact_is_reachable_by_a_question_about_its_topic(scenario_id: str) -> None:
    scenario = LIBRARY.scenarios[scenario_id].item
    index = DisclosureIndex(scenario)
    for fact in scenario.facts:
        if fact.reveal is Reveal.asked:
            question = f"Could you tell me about {fact.topic}?"
            got = plan(index, set(), GUARDED, 0.0, question, None).answered
            assert fact in got, (fact.id, question)


WORDS = sorted({w for f in DENNIS.facts for w in (f.topic + " " + " ".join(f.keywords)).split()})


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.sampled_from([*WORDS, "the", "you", "did", "?", "tell me", "."]), max_size=14),
    trust=st.floats(min_value=0.0, max_value=1.0),
    said=st.sets(st.sampled_from([f.id for f in DENNIS.facts])),
)
def test_a_fact_is_only_planned_when_its_condition_holds(
    words: list[str], trust: float, said: set[str]
) -> None:
    text = " ".join(words)
    state = CustomerState(anger=0.5, anxiety=0.3, trust=trust, patience=0.8)
    p = plan(INDEX, said, state, 0.0, text, None)
    asking = probe_stems(text, None) is not None
    for fact in p.reveal_now:
        assert fact.id not in said
        if fact.reveal is Reveal.asked:
            assert asking
            assert fact in p.answered
        if fact.reveal is Reveal.trust:
            assert fact.trust_at_least is not None
            assert trust >= fact.trust_at_least
    assert len(p.answered) <= 2
