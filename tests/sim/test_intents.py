"""Intent selection: the documented precedence, one case each."""

from __future__ import annotations

from simcoach.content.vocabulary import Archetype, Band, Intent, SignalKind
from simcoach.sim.disclosure import DisclosurePlan
from simcoach.sim.intents import IntentInputs, choose
from simcoach.sim.models import CustomerState, Outcome, OutcomeKind

from .fakes import assessment, signal
from .test_fidelity import LIBRARY

FACT = LIBRARY.scenarios["billing-double-charge"].item.facts[1]
MID = CustomerState(anger=0.5, anxiety=0.3, trust=0.3, patience=0.7)


def inputs(**kw: object) -> IntentInputs:
    base: dict[str, object] = {
        "outcome": None,
        "before": MID,
        "after": MID,
        "band": Band.tense,
        "assessment": assessment("x"),
        "provoked": False,
        "disclosure": DisclosurePlan(),
        "offer_made": False,
        "archetype": Archetype.irate,
        "turn": 3,
        "roll": 0.9,
    }
    base.update(kw)
    return IntentInputs(**base)  # type: ignore[arg-type]


def test_outcomes_decide_first() -> None:
    for kind, intent in [
        (OutcomeKind.resolved, Intent.accept),
        (OutcomeKind.supervisor, Intent.supervisor),
        (OutcomeKind.hung_up, Intent.hang_up),
        (OutcomeKind.max_turns, Intent.hang_up),
    ]:
        out = Outcome(kind=kind, reason="r", turn=3)
        assert choose(inputs(outcome=out, provoked=True)) is intent


def test_max_turns_when_calm_is_a_quiet_goodbye() -> None:
    out = Outcome(kind=OutcomeKind.max_turns, reason="r", turn=3)
    assert choose(inputs(outcome=out, band=Band.calm)) is Intent.acknowledge


def test_a_trigger_beats_an_answer() -> None:
    plan = DisclosurePlan(reveal_now=[FACT], answered=[FACT])
    assert choose(inputs(provoked=True, disclosure=plan)) is Intent.triggered
    assert choose(inputs(disclosure=plan)) is Intent.answer


def test_offer_while_still_angry_is_pushed_back() -> None:
    assert choose(inputs(offer_made=True)) is Intent.pushback


def test_vague_timeline_is_pushed_back_and_sarcastic_customers_mock_it() -> None:
    vague = assessment("soon", signal(SignalKind.vague_timeline, "soon"))
    assert choose(inputs(assessment=vague)) is Intent.pushback
    sarcastic = inputs(assessment=vague, archetype=Archetype.sarcastic, roll=0.1)
    assert choose(sarcastic) is Intent.sarcasm


def test_deflect_and_unknown() -> None:
    assert choose(inputs(disclosure=DisclosurePlan(deflected=[FACT]))) is Intent.deflect
    assert choose(inputs(disclosure=DisclosurePlan(unknown_asked=True))) is Intent.unknown


def test_soften_when_anger_falls() -> None:
    calmer = CustomerState(anger=0.4, anxiety=0.3, trust=0.4, patience=0.7)
    assert choose(inputs(after=calmer)) is Intent.soften
    assert choose(inputs(after=calmer, band=Band.heated)) is Intent.complaint


def test_first_turn_complains_and_a_worse_turn_pushes_back() -> None:
    assert choose(inputs(turn=1)) is Intent.complaint
    worse = CustomerState(anger=0.55, anxiety=0.3, trust=0.3, patience=0.7)
    assert choose(inputs(after=worse)) is Intent.pushback
    assert choose(inputs()) is Intent.acknowledge
