"""The shared vocabulary trainers write in YAML: signal kinds, intents, bands, reveal rules.

These enums are the contract between content, the scorer and the engine: a rubric criterion names the
signals it uses, a persona sensitivity names the signal that moves it, and the scorer emits them.
"""

from __future__ import annotations

from enum import Enum, StrEnum
from types import SimpleNamespace
from typing import TypeVar, cast

E = TypeVar("E", bound=Enum)


def members(enum: type[E]) -> type[E]:
    """The enum's members as plain attributes, for reading them in hot code (``K = members(SignalKind)``).

    On Python 3.11 every ``SignalKind.blame`` goes through the enum metaclass's ``__getattr__`` hook even
    though the member is found at once: about ten times a plain attribute's cost, and the scorer reads
    dozens per turn (3.12 drops the hook). Only member access works on the result: iterate, call or
    index the enum class itself.
    """
    return cast(type[E], SimpleNamespace(**enum.__members__))


class SignalKind(StrEnum):
    """A behaviour the offline scorer detects in an agent turn, as a span of its text."""

    # probing
    open_question = "open_question"
    closed_question = "closed_question"
    elicitation = "elicitation"
    stacked_questions = "stacked_questions"
    leading_question = "leading_question"
    follow_up = "follow_up"
    reask = "reask"
    # mirroring
    content_reflection = "content_reflection"
    feeling_reflection = "feeling_reflection"
    understanding_check = "understanding_check"
    stock_frame = "stock_frame"
    parroting = "parroting"
    # de-escalation (positive)
    validation = "validation"
    specific_apology = "specific_apology"
    hollow_apology = "hollow_apology"
    ownership = "ownership"
    next_step = "next_step"
    time_frame = "time_frame"
    reassurance = "reassurance"
    explanation = "explanation"
    alternative = "alternative"
    personalisation = "personalisation"
    # triggers (escalate)
    calm_down = "calm_down"
    blame = "blame"
    policy_hiding = "policy_hiding"
    cant_help = "cant_help"
    already_said = "already_said"
    understand_but = "understand_but"
    literal_sarcasm_reply = "literal_sarcasm_reply"
    dismissive = "dismissive"
    ignored_question = "ignored_question"
    hostile_language = "hostile_language"
    # anti-gaming
    repeated_formula = "repeated_formula"
    repeated_apology = "repeated_apology"
    keyword_stuffing = "keyword_stuffing"
    scripted_delivery = "scripted_delivery"
    # scenario-bound (matched against the scenario's offers and disclosures)
    offer_made = "offer_made"
    forbidden_offer = "forbidden_offer"
    disclosure_made = "disclosure_made"
    vague_timeline = "vague_timeline"


TRIGGER_SIGNALS: frozenset[SignalKind] = frozenset(
    {
        SignalKind.calm_down,
        SignalKind.blame,
        SignalKind.policy_hiding,
        SignalKind.cant_help,
        SignalKind.already_said,
        SignalKind.understand_but,
        SignalKind.literal_sarcasm_reply,
        SignalKind.dismissive,
        SignalKind.hostile_language,
        SignalKind.leading_question,
    }
)
"""Signals that cap de-escalation at 0 for the turn and escalate the customer."""


class Measure(StrEnum):
    """Which family of the offline scorer computes a rubric criterion."""

    probing = "probing"
    mirroring = "mirroring"
    deescalation = "deescalation"
    acknowledgment = "acknowledgment"
    ownership = "ownership"
    personalisation = "personalisation"
    apology = "apology"
    script = "script"
    disclosure = "disclosure"


class NotApplicableWhen(StrEnum):
    """Conditions under which a criterion is marked not applicable for a turn (not scored 0)."""

    no_customer_message = "no_customer_message"
    customer_calm = "customer_calm"
    customer_settled = "customer_settled"
    customer_gave_no_content = "customer_gave_no_content"
    closing_turn = "closing_turn"
    no_apology_due = "no_apology_due"
    no_disclosure_due = "no_disclosure_due"


class Intent(StrEnum):
    """What the simulated customer is doing with a reply; line banks are keyed by it."""

    opening = "opening"
    complaint = "complaint"
    answer = "answer"
    deflect = "deflect"
    unknown = "unknown"
    pushback = "pushback"
    triggered = "triggered"
    sarcasm = "sarcasm"
    soften = "soften"
    accept = "accept"
    hang_up = "hang_up"
    supervisor = "supervisor"
    acknowledge = "acknowledge"


class Band(StrEnum):
    """The customer's emotional band, derived from anger and anxiety; line banks are keyed by it."""

    calm = "calm"
    tense = "tense"
    heated = "heated"


class Reveal(StrEnum):
    """When a scenario fact may be spoken by the customer."""

    volunteered = "volunteered"
    asked = "asked"
    trust = "trust"


class Archetype(StrEnum):
    """The persona's broad type; trainers filter the library by it."""

    irate = "irate"
    anxious = "anxious"
    rude = "rude"
    sarcastic = "sarcastic"
    confused = "confused"
    distressed = "distressed"
    grieving = "grieving"
    demanding = "demanding"
    skeptical = "skeptical"


class HostilityCeiling(StrEnum):
    """The most hostile language the customer may use (a wellbeing limit for the trainee).

    none: never rude; mild: curt and impatient; moderate: sharp, sarcastic, raised voice (caps);
    strong: insults aimed at the company, mild swearing. Slurs and personal abuse are never allowed.
    """

    none = "none"
    mild = "mild"
    moderate = "moderate"
    strong = "strong"


class Difficulty(StrEnum):
    """Scenario difficulty; scales the state dynamics as documented in docs/engine.md."""

    easy = "easy"
    standard = "standard"
    hard = "hard"
