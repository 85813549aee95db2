"""The scripted customer: slot filling, no repeated lines while alternatives exist, streaming pieces."""

from __future__ import annotations

from pathlib import Path

import pytest

from simcoach.content.loader import load_library
from simcoach.content.vocabulary import Band, Intent, SignalKind
from simcoach.sim.rng import Rng, seed_state
from simcoach.sim.scripted import (
    ScriptedCustomer,
    agent_words,
    fill,
    pieces,
    quotes_unsaid,
    throws_back_unsaid,
)

REPO = Path(__file__).resolve().parents[2]
LIBRARY = load_library([REPO], root=REPO)


def customer(scenario_id: str) -> ScriptedCustomer:
    sc = LIBRARY.scenarios[scenario_id].item
    return ScriptedCustomer(sc, LIBRARY.personas[sc.persona].item)


def test_fill_known_and_unknown_slots() -> None:
    assert fill("Hi, {name} here.", {"name": "Jo"}) == "Hi, Jo here."
    assert fill("Hi {nobody} there .", {}) == "Hi there."


def test_agent_words_prefers_the_trigger_phrase() -> None:
    assert agent_words("Please calm down, sir.", "calm down") == "calm down"
    assert agent_words("We are looking into it, I promise. Thanks.") == "We are looking into it"


def test_pieces_join_back_exactly() -> None:
    text = "Right. You've charged me twice this month, and I've still not got it."
    assert "".join(pieces(text)) == text
    assert len(pieces(text)) > 1


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY.scenarios))
@pytest.mark.parametrize("intent", list(Intent))
def test_no_line_repeats_while_an_alternative_exists(scenario_id: str, intent: Intent) -> None:
    c = customer(scenario_id)
    rng = Rng(seed_state(3))
    used: list[str] = []
    available = {line for tier in c._tiers(intent, Band.tense) for line in tier}
    picked = [c.pick(intent, Band.tense, rng, used) for _ in range(len(available))]
    assert len(set(picked)) == len(picked)


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY.scenarios))
def test_every_intent_has_a_line_in_every_band(scenario_id: str) -> None:
    c = customer(scenario_id)
    for intent in Intent:
        for band in Band:
            line = c.pick(intent, band, Rng(1), [])
            assert line.strip()


def test_same_seed_same_lines() -> None:
    c = customer("billing-double-charge")
    a = [c.pick(Intent.complaint, Band.heated, Rng(seed_state(5)), []) for _ in range(3)]
    b = [c.pick(Intent.complaint, Band.heated, Rng(seed_state(5)), []) for _ in range(3)]
    assert a == b


def test_scenario_lines_come_before_the_personas() -> None:
    c = customer("billing-double-charge")
    sc = LIBRARY.scenarios["billing-double-charge"].item
    line = c.pick(Intent.complaint, Band.heated, Rng(9), [])
    assert line in sc.lines[Intent.complaint][Band.heated]


def test_agent_words_never_echo_slot_syntax() -> None:
    assert agent_words("{value} {name} hello there, friend") == "value name hello there"


def test_sarcastic_customer_throws_the_agents_words_back() -> None:
    import asyncio

    from .test_fidelity import start

    async def replies(seed: int) -> list[str]:
        session = start("outage-broadband-deadline", seed)
        out: list[str] = []
        for line in ("We're looking into it and it should be fixed soon.", "Glad to hear it!"):
            out += [e.text for e in [x async for x in session.submit(line)] if e.type == "reply"]
        return out

    texts = [t for seed in range(12) for t in asyncio.run(replies(seed))]
    # "\"Glad to hear\"? Seriously?": the jab quotes the agent (trailing small words trimmed)
    assert any("looking into it" in t.lower() or "glad to hear" in t.lower() for t in texts)


def test_a_line_throwing_back_calm_down_needs_the_agent_to_have_said_it() -> None:
    c = customer("policy-no-late-return")
    calm = "DON'T tell me to calm down over £229 of my money."
    quoted = "'I understand, but.' Everyone understands. Nobody does anything."
    policy = frozenset({SignalKind.policy_hiding})
    picked = {c.pick(Intent.triggered, Band.heated, Rng(seed_state(s)), [], fired=policy) for s in range(60)}
    assert calm not in picked
    assert quoted not in {
        c.pick(Intent.triggered, Band.tense, Rng(seed_state(s)), [], fired=policy) for s in range(60)
    }
    told = frozenset({SignalKind.calm_down})
    assert calm in {
        c.pick(Intent.triggered, Band.heated, Rng(seed_state(s)), [], fired=told) for s in range(60)
    }


def test_only_thrown_back_phrases_count_not_the_customers_own_words() -> None:
    nothing: frozenset[SignalKind] = frozenset()
    assert throws_back_unsaid("DON'T tell me to calm down. You took my money twice.", nothing)
    assert throws_back_unsaid("'I understand, but.' Everyone understands.", nothing)
    assert not throws_back_unsaid("Sorry, but what does that actually mean for me?", nothing)
    assert not throws_back_unsaid("\"{agent_words}\". I'm sorry, but that's not helpful.", nothing)
    assert not throws_back_unsaid("For the last time, it's the 3rd.", nothing)


def jo_pushbacks(said: str) -> set[str]:
    """The tense pushback lines Jo (the broadband outage) may answer ``said`` with, over 80 seeds."""
    c = customer("outage-broadband-deadline")
    none: frozenset[SignalKind] = frozenset()
    rngs = [Rng(seed_state(s)) for s in range(80)]
    return {c.pick(Intent.pushback, Band.tense, rng, [], fired=none, said=said) for rng in rngs}


def test_a_line_quoting_the_agent_needs_the_agent_to_have_said_it() -> None:
    # "Sorry, 'hopefully today'?" after an agent who never said it reads as a broken simulation
    quoting = "Sorry, 'hopefully today'? Is that the technical term?"
    assert quoting not in jo_pushbacks("I'm sorry, that's not good enough. What time did it drop last night?")
    assert quoting in jo_pushbacks("An engineer is on it and it should be back hopefully today.")


def test_only_quoted_agent_words_need_saying() -> None:
    said = "Our engineers are aware of the fault."
    assert not quotes_unsaid("'Engineers are aware.' Well, that's me sorted then.", said)
    assert quotes_unsaid("Sorry, 'hopefully today'? Is that the technical term?", said)
    # a quoted function word characterises the answer, and a slot is filled with the agent's own words
    assert not quotes_unsaid('That sounds like a "no" in a nice jumper.', said)
    assert not quotes_unsaid("\"{agent_words}\". I'm sorry, but that's not helpful.", said)


def test_a_cued_line_waits_for_its_cue() -> None:
    """Jo's "Oh, money off my bill…" answers a credit: it is not said after a turn that offered none, and
    its cue matches on stems ("credited") and as a whole phrase."""
    presumes = "Oh, money off my bill. That'll really help me this afternoon."
    assert presumes not in jo_pushbacks("The engineers are on site and it should be back by 3pm.")
    assert presumes in jo_pushbacks("I've credited your account for the two days you've been without it.")
    assert presumes in jo_pushbacks("There is some money off your next bill for the outage.")
    # with no agent turn to read (an opening, a test), every line stays a candidate
    c = customer("outage-broadband-deadline")
    assert presumes in {c.pick(Intent.pushback, Band.tense, Rng(seed_state(s)), []) for s in range(80)}
