"""Intent selection: what the customer does with their reply, from the outcome, state and disclosure."""

from __future__ import annotations

from dataclasses import dataclass

from simcoach.content.vocabulary import Archetype, Band, Intent, SignalKind
from simcoach.scoring.models import TurnAssessment
from simcoach.sim.disclosure import DisclosurePlan
from simcoach.sim.models import CustomerState, Outcome, OutcomeKind

PUSHBACK_SIGNALS = frozenset(
    {
        SignalKind.vague_timeline,
        SignalKind.ignored_question,
        SignalKind.cant_help,
        SignalKind.reask,
        SignalKind.hollow_apology,
        SignalKind.repeated_formula,
    }
)
QUOTABLE = frozenset(
    {
        SignalKind.calm_down,
        SignalKind.blame,
        SignalKind.policy_hiding,
        SignalKind.cant_help,
        SignalKind.understand_but,
        SignalKind.literal_sarcasm_reply,
        SignalKind.dismissive,
        SignalKind.vague_timeline,
        SignalKind.stock_frame,
        SignalKind.repeated_formula,
    }
)
"""Signals whose words a customer may throw back at the agent ({agent_words})."""
SOFTEN_AT = 0.05
"""Anger or anxiety falling by at least this much in a turn makes the customer soften."""
SARCASM_SHARE = 0.5
"""A sarcastic persona voices pushback or complaints as sarcasm this share of the time."""

# When a persona and scenario have no line for an intent, these intents say something close enough.
RELATED: dict[Intent, tuple[Intent, ...]] = {
    Intent.opening: (Intent.complaint,),
    Intent.complaint: (Intent.pushback, Intent.triggered),
    Intent.answer: (Intent.acknowledge,),
    Intent.deflect: (Intent.pushback, Intent.unknown),
    Intent.unknown: (Intent.deflect, Intent.pushback),
    Intent.pushback: (Intent.complaint, Intent.triggered),
    Intent.triggered: (Intent.pushback, Intent.complaint),
    Intent.sarcasm: (Intent.pushback, Intent.complaint),
    Intent.soften: (Intent.acknowledge, Intent.accept),
    Intent.accept: (Intent.soften, Intent.acknowledge),
    Intent.hang_up: (Intent.triggered, Intent.pushback),
    Intent.supervisor: (Intent.triggered, Intent.pushback),
    Intent.acknowledge: (Intent.soften, Intent.complaint),
}


@dataclass(frozen=True, slots=True)
class IntentInputs:
    """Everything intent selection looks at for one turn."""

    outcome: Outcome | None
    before: CustomerState
    after: CustomerState
    band: Band
    assessment: TurnAssessment
    provoked: bool
    disclosure: DisclosurePlan
    offer_made: bool
    """A resolving offer was made this turn."""
    archetype: Archetype
    turn: int
    roll: float
    """A uniform draw in [0, 1) from the session RNG (drawn every turn, so replays stay aligned)."""


def _sarcastic(inp: IntentInputs, intent: Intent) -> Intent:
    if inp.archetype is Archetype.sarcastic and inp.band is not Band.calm and inp.roll < SARCASM_SHARE:
        return Intent.sarcasm
    return intent


def choose(inp: IntentInputs) -> Intent:
    """The intent of the customer's reply, by the precedence documented in docs/engine.md."""
    if inp.outcome is not None:
        kind = inp.outcome.kind
        if kind is OutcomeKind.resolved:
            return Intent.accept
        if kind is OutcomeKind.supervisor:
            return Intent.supervisor
        if kind is OutcomeKind.hung_up:
            return Intent.hang_up
        return Intent.acknowledge if inp.band is Band.calm else Intent.hang_up
    if inp.provoked:
        return Intent.triggered
    if inp.disclosure.answered:
        return Intent.answer
    if inp.offer_made:
        return Intent.pushback  # offered, but still too upset to take it
    if any(s.kind in PUSHBACK_SIGNALS for s in inp.assessment.signals):
        return _sarcastic(inp, Intent.pushback)
    if inp.disclosure.deflected:
        return Intent.deflect
    if inp.disclosure.unknown_asked:
        return Intent.unknown
    calmed = max(inp.before.anger - inp.after.anger, inp.before.anxiety - inp.after.anxiety)
    if calmed >= SOFTEN_AT and inp.band is not Band.heated:
        return Intent.soften
    if inp.turn == 1 or inp.band is Band.heated:
        return _sarcastic(inp, Intent.complaint)
    if inp.after.anger > inp.before.anger or inp.after.anxiety > inp.before.anxiety:
        return _sarcastic(inp, Intent.pushback)
    return Intent.acknowledge


def trigger_quote(assessment: TurnAssessment) -> str | None:
    """The words of the first quotable signal, for a customer who throws them back."""
    for sig in assessment.signals:
        if sig.span is not None and sig.kind in QUOTABLE:
            return sig.span.text
    return None
