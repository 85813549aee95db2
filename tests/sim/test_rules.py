"""State update rules: bounds, monotonicity, causes, drift, triggers, repetition and difficulty."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simcoach.content.library import ContentLibrary
from simcoach.content.loader import load_library
from simcoach.content.persona import Dynamics, Persona
from simcoach.content.rubric import Rubric
from simcoach.content.vocabulary import TRIGGER_SIGNALS, Band, Difficulty, SignalKind
from simcoach.scoring.models import Signal
from simcoach.sim.difficulty import scale_for
from simcoach.sim.models import CustomerState
from simcoach.sim.rules import (
    SIGNAL_EFFECTS,
    RuleContext,
    TurnUpdate,
    apply_turn,
    band_of,
    is_helpful,
)

from .fakes import assessment, signal

REPO = Path(__file__).resolve().parents[2]
LIBRARY = load_library([REPO], root=REPO)
PERSONAS = sorted(LIBRARY.personas)


def ctx(
    persona: Persona,
    rubric: Rubric,
    difficulty: Difficulty = Difficulty.standard,
    baseline: CustomerState | None = None,
) -> RuleContext:
    """A rule context for a persona."""
    b = persona.baseline
    return RuleContext(
        baseline=baseline
        or CustomerState(anger=b.anger, anxiety=b.anxiety, trust=b.trust, patience=b.patience),
        dynamics=persona.dynamics,
        sensitivities=tuple(persona.sensitivities),
        scale=scale_for(difficulty),
        rubric=rubric,
    )


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return LIBRARY


def any_rubric() -> Rubric:
    return next(iter(LIBRARY.rubrics.values())).item


unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
states = st.builds(CustomerState, anger=unit, anxiety=unit, trust=unit, patience=unit)
kinds = st.sampled_from(list(SignalKind))
signals = st.lists(
    st.builds(
        signal,
        kinds,
        st.sampled_from(["", "calm down", "I understand your frustration"]),
        st.just(""),
        st.floats(min_value=0.0, max_value=1.0),
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(
    state=states,
    sigs=signals,
    persona_id=st.sampled_from(PERSONAS),
    difficulty=st.sampled_from(list(Difficulty)),
    counts=st.integers(0, 5),
)
def test_values_stay_in_range(
    state: CustomerState,
    sigs: list[Signal],
    persona_id: str,
    difficulty: Difficulty,
    counts: int,
) -> None:
    persona = LIBRARY.personas[persona_id].item
    update = apply_turn(
        state,
        ctx(persona, any_rubric(), difficulty),
        assessment("x", *sigs),
        "calm down, happy to help",
        {k.value: counts for k in SignalKind},
        {"i understand your frustration"},
    )
    for var in ("anger", "anxiety", "trust", "patience"):
        assert 0.0 <= getattr(update.state, var) <= 1.0
    for change in update.changes:
        assert change.cause
        assert change.delta != 0.0


def _contrary(persona: Persona, kind: SignalKind) -> bool:
    return any(s.signal is kind and s.effect.anger > 0 for s in persona.sensitivities)


@pytest.mark.parametrize("persona_id", PERSONAS)
@pytest.mark.parametrize(
    "kind", [k for k, e in SIGNAL_EFFECTS.items() if e.anger < 0 or (e.anger == 0 and e.trust > 0)]
)
def test_a_calming_signal_never_raises_anger(persona_id: str, kind: SignalKind) -> None:
    persona = LIBRARY.personas[persona_id].item
    if _contrary(persona, kind):
        pytest.skip("this persona has a contrary sensitivity")
    for anger in (0.0, 0.3, 0.9):
        start = CustomerState(anger=anger, anxiety=0.5, trust=0.3, patience=0.8)
        text = "That makes sense."
        update = apply_turn(
            start, ctx(persona, any_rubric()), assessment(text, signal(kind, text)), text, {}, set()
        )
        assert update.state.anger <= anger + 1e-9, (kind, anger)


@pytest.mark.parametrize("persona_id", PERSONAS)
@pytest.mark.parametrize("kind", sorted(TRIGGER_SIGNALS - {SignalKind.leading_question}))
def test_a_trigger_never_lowers_anger(persona_id: str, kind: SignalKind) -> None:
    persona = LIBRARY.personas[persona_id].item
    start = CustomerState(anger=0.5, anxiety=0.5, trust=0.3, patience=0.8)
    text = "Calm down."
    update = apply_turn(
        start,
        ctx(persona, any_rubric()),
        assessment(text, signal(kind, text), signal(SignalKind.validation, "fair")),
        text,
        {},
        set(),
    )
    assert update.state.anger > 0.5
    assert update.trigger


def test_each_change_names_its_signal_and_span() -> None:
    persona = LIBRARY.personas["irate-dennis"].item
    text = "That makes sense."
    sig = signal(SignalKind.validation, text)
    update = apply_turn(
        persona_state(persona), ctx(persona, any_rubric()), assessment(text, sig), text, {}, set()
    )
    anger = [c for c in update.changes if c.variable == "anger"]
    assert anger
    assert anger[0].signal is SignalKind.validation
    assert anger[0].span == sig.span
    assert "feeling made sense" in anger[0].cause


def persona_state(persona: Persona) -> CustomerState:
    b = persona.baseline
    return CustomerState(anger=b.anger, anxiety=b.anxiety, trust=b.trust, patience=b.patience)


def test_quiet_turns_drift_back_to_baseline() -> None:
    persona = LIBRARY.personas["irate-dennis"].item
    c = ctx(persona, any_rubric())
    state = CustomerState(anger=0.1, anxiety=0.9, trust=0.9, patience=0.9)
    for _ in range(30):
        state = apply_turn(state, c, assessment("ok"), "ok", {}, set()).state
    assert state.anger == pytest.approx(c.baseline.anger, abs=0.02)
    assert state.anxiety == pytest.approx(c.baseline.anxiety, abs=0.02)
    assert state.trust == pytest.approx(c.baseline.trust, abs=0.02)
    assert state.patience < 0.9  # patience is a budget: it only drains


def test_drift_is_recorded_with_its_cause() -> None:
    persona = LIBRARY.personas["irate-dennis"].item
    state = CustomerState(anger=0.1, anxiety=0.5, trust=0.5, patience=0.9)
    update = apply_turn(state, ctx(persona, any_rubric()), assessment("ok"), "ok", {}, set())
    anger = [c for c in update.changes if c.variable == "anger"]
    assert anger[0].delta > 0
    assert "drifted back" in anger[0].cause


def test_repeated_signal_counts_less_each_time() -> None:
    persona = LIBRARY.personas["irate-dennis"].item
    c = ctx(persona, any_rubric())
    start = persona_state(persona)
    text = "That makes sense."
    a = assessment(text, signal(SignalKind.validation, text))
    first = apply_turn(start, c, a, text, {}, set()).state
    third = apply_turn(start, c, a, text, {"validation": 2}, set()).state
    assert start.anger - first.anger > start.anger - third.anger > 0


def test_pasting_the_same_sentence_escalates() -> None:
    persona = LIBRARY.personas["irate-dennis"].item
    c = ctx(persona, any_rubric())
    start = persona_state(persona)
    text = "I understand your frustration with this."
    a = assessment(text, signal(SignalKind.validation, text))
    fresh = apply_turn(start, c, a, text, {}, set())
    pasted = apply_turn(start, c, a, text, {}, set(fresh.sentences))
    assert pasted.state.anger > start.anger > fresh.state.anger
    assert any("same words" in ch.cause for ch in pasted.changes)


def test_persona_sensitivity_by_phrase() -> None:
    persona = LIBRARY.personas["sarcastic-jo"].item
    c = ctx(persona, any_rubric())
    start = persona_state(persona)
    update = apply_turn(start, c, assessment("Happy to help!"), "Happy to help!", {}, set())
    assert update.state.anger > start.anger
    assert "cheerful-padding" in update.sensitivities
    assert any(ch.sensitivity == "cheerful-padding" for ch in update.changes)


def test_sarcastic_persona_reacts_to_literal_answers_more_than_others() -> None:
    rubric = any_rubric()
    text = "Glad to hear it!"
    a = assessment(text, signal(SignalKind.literal_sarcasm_reply, text))
    start = CustomerState(anger=0.4, anxiety=0.3, trust=0.3, patience=0.8)
    jo = apply_turn(start, ctx(LIBRARY.personas["sarcastic-jo"].item, rubric), a, text, {}, set())
    plain = Persona.model_validate(
        {**LIBRARY.personas["sarcastic-jo"].item.model_dump(), "sensitivities": [], "dynamics": Dynamics()}
    )
    other = apply_turn(start, ctx(plain, rubric), a, text, {}, set())
    assert jo.state.anger > other.state.anger > start.anger


@pytest.mark.parametrize("kind", [SignalKind.validation, SignalKind.ownership, SignalKind.offer_made])
def test_harder_difficulty_calms_less_and_escalates_more(kind: SignalKind) -> None:
    persona = LIBRARY.personas["irate-dennis"].item
    start = persona_state(persona)
    calm = {
        d: apply_turn(
            start, ctx(persona, any_rubric(), d), assessment("x", signal(kind, "x")), "x", {}, set()
        )
        for d in Difficulty
    }
    assert (
        calm[Difficulty.easy].state.anger
        < calm[Difficulty.standard].state.anger
        < calm[Difficulty.hard].state.anger
    )
    bad = {
        d: apply_turn(
            start,
            ctx(persona, any_rubric(), d),
            assessment("x", signal(SignalKind.blame, "x")),
            "x",
            {},
            set(),
        )
        for d in Difficulty
    }
    assert (
        bad[Difficulty.easy].state.anger
        < bad[Difficulty.standard].state.anger
        < bad[Difficulty.hard].state.anger
    )


def test_bands() -> None:
    assert band_of(CustomerState(anger=0.1, anxiety=0.1, trust=0.5, patience=1)) is Band.calm
    assert band_of(CustomerState(anger=0.5, anxiety=0.1, trust=0.5, patience=1)) is Band.tense
    assert band_of(CustomerState(anger=0.1, anxiety=0.85, trust=0.5, patience=1)) is Band.heated
    assert band_of(CustomerState(anger=0.75, anxiety=0.1, trust=0.5, patience=1)) is Band.heated


def test_helpfulness_direction() -> None:
    assert is_helpful("anger", -0.1)
    assert is_helpful("trust", 0.1)
    assert not is_helpful("patience", -0.1)


def _reaction(persona_id: str, kind: SignalKind, variable: str) -> float:
    """How much one signal moves a variable for a persona, from the same neutral start."""
    persona = LIBRARY.personas[persona_id].item
    start = CustomerState(anger=0.4, anxiety=0.4, trust=0.4, patience=0.8)
    text = "It should be sorted soon."
    update = apply_turn(
        start, ctx(persona, any_rubric()), assessment(text, signal(kind, text)), text, {}, set()
    )
    return float(getattr(update.state, variable)) - float(getattr(start, variable))


def test_the_anxious_customer_reacts_most_to_vague_timelines() -> None:
    anxious = _reaction("anxious-priya", SignalKind.vague_timeline, "anxiety")
    for other in ("irate-dennis", "rude-marcus", "sarcastic-jo"):
        assert anxious > _reaction(other, SignalKind.vague_timeline, "anxiety"), other


def test_the_irate_customer_reacts_most_to_calm_down() -> None:
    irate = _reaction("irate-dennis", SignalKind.calm_down, "anger")
    for other in ("anxious-priya", "confused-margaret", "grieving-ruth"):
        assert irate > _reaction(other, SignalKind.calm_down, "anger"), other


def test_explain_reads_like_a_replay() -> None:
    from simcoach.sim.models import StateChange
    from simcoach.sim.rules import explain

    change = StateChange(variable="anger", delta=-0.1, cause="you reflected the feeling")
    assert explain(4, change) == "anger fell 0.10 at turn 4 because you reflected the feeling"


def test_a_question_leading_only_by_its_tag_does_not_void_the_calming() -> None:
    """A tag ("…, did you?") puts words in the customer's mouth (a small rise of its own), but unlike a
    loaded question it is no trigger: the specific apology beside it still calms."""
    persona = LIBRARY.personas["irate-dennis"].item
    start = CustomerState(anger=0.6, anxiety=0.5, trust=0.3, patience=0.8)
    text = "I'm sorry we charged you twice. You didn't get a confirmation email, did you?"
    apology = signal(SignalKind.specific_apology, "I'm sorry we charged you twice.")

    def after(leading: Signal) -> TurnUpdate:
        return apply_turn(
            start, ctx(persona, any_rubric()), assessment(text, apology, leading), text, {}, set()
        )

    tagged = after(signal(SignalKind.leading_question, "did you?", detail="tag"))
    loaded = after(signal(SignalKind.leading_question, "did you?"))
    assert not tagged.trigger
    assert loaded.trigger
    assert tagged.state.anger < loaded.state.anger
