"""State update rules: how one agent turn (the scorer's result) moves the customer's four numbers.

Every number here is documented in docs/engine.md; change both together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from simcoach.content.persona import Dynamics, Sensitivity
from simcoach.content.rubric import Rubric
from simcoach.content.vocabulary import Band, SignalKind
from simcoach.scoring.models import Signal, Span, TurnAssessment
from simcoach.sim.difficulty import DifficultyScale
from simcoach.sim.models import CustomerState, StateChange, StateVariable
from simcoach.sim.text import normalise, sentences

VARIABLES: tuple[StateVariable, ...] = ("anger", "anxiety", "trust", "patience")


@dataclass(frozen=True, slots=True)
class Effect:
    """A base effect of one signal on the four variables, with the cause a replay shows."""

    cause: str
    anger: float = 0.0
    anxiety: float = 0.0
    trust: float = 0.0
    patience: float = 0.0

    def get(self, variable: StateVariable) -> float:
        """The component for one variable."""
        value: float = getattr(self, variable)
        return value


E = Effect
# Base effects per signal, before strength, persona reactivity and difficulty.  Calming rules follow
# service-recovery research: the remedy (offer) moves anger most, then interaction (validation,
# reflection, ownership), then process (next step, time frame).  Escalating rules follow appraisal
# theory: blameworthy acts by the agent (blame, dismissal, being told to calm down) feed anger.
SIGNAL_EFFECTS: dict[SignalKind, Effect] = {
    # calming (the remedy first: it takes the lion's share of a turn's calming budget)
    SignalKind.offer_made: E("you offered a remedy", anger=-0.12, anxiety=-0.08, trust=0.05, patience=0.05),
    SignalKind.validation: E("you told them their feeling made sense", anger=-0.08, trust=0.04),
    SignalKind.feeling_reflection: E("you reflected the feeling", anger=-0.08, anxiety=-0.04, trust=0.05),
    SignalKind.content_reflection: E("you reflected what they told you", anger=-0.04, trust=0.04),
    SignalKind.understanding_check: E("you checked you had understood", trust=0.03),
    SignalKind.specific_apology: E("you apologised for the specific failure", anger=-0.05, trust=0.03),
    SignalKind.ownership: E("you took ownership of the problem", anger=-0.07, trust=0.06),
    SignalKind.next_step: E("you gave a concrete next step", anger=-0.05, anxiety=-0.06, patience=0.03),
    SignalKind.time_frame: E("you gave a clear time frame", anxiety=-0.06, patience=0.02),
    SignalKind.reassurance: E("you reassured them", anxiety=-0.05),
    SignalKind.explanation: E("you explained what happened", anger=-0.03, anxiety=-0.03, trust=0.02),
    SignalKind.alternative: E("you offered an alternative", anger=-0.03, trust=0.02),
    SignalKind.personalisation: E("you spoke to them as a person", trust=0.03),
    SignalKind.open_question: E("you asked an open question and listened", trust=0.02),
    SignalKind.elicitation: E("you invited them to tell you more", trust=0.02),
    SignalKind.follow_up: E("you followed up on what they said", trust=0.02),
    SignalKind.disclosure_made: E("you were open about what they needed to know", trust=0.02),
    # escalating
    SignalKind.calm_down: E("you told them to calm down", anger=0.15, trust=-0.08, patience=-0.05),
    SignalKind.blame: E("you blamed them", anger=0.14, trust=-0.08, patience=-0.05),
    SignalKind.policy_hiding: E("you hid behind policy", anger=0.10, trust=-0.05, patience=-0.06),
    SignalKind.cant_help: E("you said you could not help", anger=0.10, trust=-0.03, patience=-0.07),
    SignalKind.already_said: E("you said you had already told them", anger=0.08, patience=-0.03),
    SignalKind.understand_but: E(
        "you said you understood and then took it back with 'but'", anger=0.06, trust=-0.03
    ),
    SignalKind.literal_sarcasm_reply: E("you answered their sarcasm literally", anger=0.05),
    SignalKind.dismissive: E("you brushed them off", anger=0.10, trust=-0.06, patience=-0.04),
    SignalKind.hostile_language: E("you were hostile", anger=0.18, trust=-0.12, patience=-0.08),
    SignalKind.leading_question: E("you put words in their mouth", anger=0.03, trust=-0.02),
    SignalKind.ignored_question: E("you ignored their question", anger=0.07, trust=-0.03, patience=-0.06),
    SignalKind.vague_timeline: E("you gave a vague timeline", anxiety=0.08, patience=-0.03),
    SignalKind.closed_question: E("you asked a yes/no question", patience=-0.01),
    SignalKind.stacked_questions: E("you fired several questions at once", patience=-0.02),
    SignalKind.reask: E("you asked for something they had already told you", anger=0.05, patience=-0.05),
    SignalKind.hollow_apology: E("your apology sounded hollow", anger=0.02),
    SignalKind.parroting: E("you parroted their words back", anger=0.03, trust=-0.02),
    SignalKind.repeated_formula: E("you pasted the same formula again", anger=0.06, trust=-0.04),
    SignalKind.repeated_apology: E("you apologised again without doing anything", anger=0.03),
    SignalKind.keyword_stuffing: E("your empathy words sounded stuffed in", anger=0.04, trust=-0.04),
    SignalKind.scripted_delivery: E("you sounded scripted", trust=-0.03),
}

REPEAT_DISCOUNT = 0.5
"""A calming signal used in k earlier turns counts 1 / (1 + 0.5·k): technique pasted again wears off."""
TRIGGER_OFFER_FACTOR = 0.5
"""When a trigger fires, the remedy still counts at half; other calming effects count at zero."""
PASTED_AGAIN = Effect("you pasted the same words as in an earlier turn", anger=0.05, trust=-0.04)
TURN_COST_CAUSE = "another turn went by"
DRIFT_CAUSE = "nothing moved it this turn, so it drifted back toward their usual mood"
WELL_JUDGED = Effect("the turn as a whole was well judged", anger=-0.03, trust=0.02)
EMPTY_TURN = Effect("the turn gave them little", patience=-0.03)
MIN_REPEAT_WORDS = 3
PROVOKED_AT = 0.1


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What the rules need about the persona, scenario difficulty and rubric (fixed for a session)."""

    baseline: CustomerState
    dynamics: Dynamics
    sensitivities: tuple[Sensitivity, ...]
    scale: DifficultyScale
    rubric: Rubric


@dataclass(slots=True)
class TurnUpdate:
    """The result of applying one agent turn."""

    state: CustomerState
    changes: list[StateChange]
    fired: list[str]
    """Keys of the calming signals that counted this turn (for the repeat discount next time)."""
    sentences: list[str]
    """Normalised sentences of this agent turn (to spot pasting next time)."""
    trigger: bool
    """Whether a trigger signal fired (calming effects were voided)."""
    provoked: bool
    """Whether the customer reacts to a trigger: a trigger signal or a sensitivity raising anger ≥ 0.1."""
    sensitivities: list[str] = field(default_factory=list)


def band_of(state: CustomerState) -> Band:
    """The emotional band: heated at anger ≥ 0.7 or anxiety ≥ 0.8, calm below 0.35 on both."""
    if state.anger >= 0.7 or state.anxiety >= 0.8:
        return Band.heated
    if state.anger < 0.35 and state.anxiety < 0.35:
        return Band.calm
    return Band.tense


def is_helpful(variable: StateVariable, delta: float) -> bool:
    """Whether a change helps the conversation (anger/anxiety down, trust/patience up)."""
    return delta < 0 if variable in ("anger", "anxiety") else delta > 0


def signal_key(signal: Signal) -> str:
    """The key under which a signal counts for the repeat discount (offers count per offer)."""
    if signal.kind is SignalKind.offer_made:
        return f"{signal.kind.value}:{signal.detail}"
    return signal.kind.value


def turn_quality(assessment: TurnAssessment, rubric: Rubric) -> float | None:
    """The weighted mean of applicable criterion levels as a fraction of their maxima, or None."""
    total = 0.0
    weight_sum = 0.0
    weights = {c.id: c.weight for c in rubric.criteria}
    for cid, score in assessment.scores.items():
        if not score.applicable or score.max_level <= 0:
            continue
        w = weights.get(cid, 1.0)
        total += w * score.level / score.max_level
        weight_sum += w
    return total / weight_sum if weight_sum else None


TURN_CAPS: dict[StateVariable, float] = {"anger": 0.3, "anxiety": 0.3, "trust": 0.25, "patience": 0.1}
"""The most one turn's helpful effects can move each variable (before the difficulty's calming factor);
a perfect turn does not undo a whole grievance at once.  Harmful effects are not capped."""


class _Ledger:
    """Applies changes one by one, clamping and recording the effective delta with its cause."""

    def __init__(self, state: CustomerState, caps: dict[StateVariable, float]) -> None:
        self.values: dict[StateVariable, float] = {v: float(getattr(state, v)) for v in VARIABLES}
        self.changes: list[StateChange] = []
        self.touched: set[StateVariable] = set()
        self.caps = caps
        self.gained: dict[StateVariable, float] = dict.fromkeys(VARIABLES, 0.0)

    def add(
        self,
        variable: StateVariable,
        delta: float,
        cause: str,
        *,
        signal: SignalKind | None = None,
        sensitivity: str | None = None,
        span: Span | None = None,
        counts_as_event: bool = True,
    ) -> None:
        if counts_as_event and is_helpful(variable, delta):
            # Each helpful effect fills part of the turn's budget; later ones get what is left.
            cap, got = self.caps[variable], self.gained[variable]
            size = min(abs(delta) * max(0.0, 1.0 - got / cap), cap - got) if cap > 0 else 0.0
            self.gained[variable] = got + size
            delta = size if delta > 0 else -size
        old = self.values[variable]
        new = round(min(1.0, max(0.0, old + delta)), 4)
        if counts_as_event and abs(delta) > 1e-9:
            self.touched.add(variable)
        self.values[variable] = new
        effective = round(new - old, 4)
        if effective == 0.0:
            return
        self.changes.append(
            StateChange(
                variable=variable,
                delta=effective,
                cause=cause,
                signal=signal,
                sensitivity=sensitivity,
                span=span,
            )
        )

    def state(self) -> CustomerState:
        return CustomerState(**self.values)


def _strongest(signals: Iterable[Signal]) -> dict[str, Signal]:
    """One signal per key (the strongest): three validating phrases in one turn count once."""
    best: dict[str, Signal] = {}
    for s in signals:
        key = signal_key(s)
        if key not in best or s.strength > best[key].strength:
            best[key] = s
    return best


def _repeated_sentences(text: str, seen: set[str]) -> tuple[list[str], set[str]]:
    """This turn's normalised sentences and those of them the agent already sent in earlier turns."""
    mine = [n for n in (normalise(s) for s in sentences(text)) if len(n.split()) >= MIN_REPEAT_WORDS]
    return mine, {n for n in mine if n in seen}


def _in_repeated(span: Span | None, repeated: set[str]) -> bool:
    return span is not None and bool(repeated) and any(normalise(span.text) in r for r in repeated)


def apply_turn(
    state: CustomerState,
    ctx: RuleContext,
    assessment: TurnAssessment,
    agent_text: str,
    signal_counts: Mapping[str, int],
    seen_sentences: set[str],
) -> TurnUpdate:
    """Apply one agent turn to the state: signals, sensitivities, pasting, quality, cost and drift."""
    led = _Ledger(state, {v: c * ctx.scale.calming for v, c in TURN_CAPS.items()})
    scale = ctx.scale
    react = ctx.dynamics.reactivity
    lowered = agent_text.lower()
    mine, repeated = _repeated_sentences(agent_text, seen_sentences)

    order = {kind: i for i, kind in enumerate(SIGNAL_EFFECTS)}
    best = dict(
        sorted(_strongest(assessment.signals).items(), key=lambda kv: order.get(kv[1].kind, len(order)))
    )
    fired_kinds = {s.kind for s in best.values()}
    sens_hits = [
        s
        for s in ctx.sensitivities
        if (s.signal is not None and s.signal in fired_kinds) or any(p.lower() in lowered for p in s.phrases)
    ]
    # Only the shared trigger signals void calming; a persona's own sore spots provoke a reaction.
    trigger = any(s.escalates for s in best.values())
    provoked = trigger or any(s.effect.anger >= PROVOKED_AT for s in sens_hits)

    def scaled(variable: StateVariable, base: float, factor: float) -> float:
        mult = scale.calming if is_helpful(variable, base) else scale.escalating
        return base * factor * react * mult

    # How much each fired signal's calming effects count this turn: less each time it was used
    # before, nothing when a trigger fired alongside it (bar the remedy), nothing if pasted again.
    calm: dict[SignalKind, float] = {}
    for key, sig in best.items():
        factor = 1.0 / (1.0 + REPEAT_DISCOUNT * signal_counts.get(key, 0))
        if trigger:
            factor *= TRIGGER_OFFER_FACTOR if sig.kind is SignalKind.offer_made else 0.0
        if _in_repeated(sig.span, repeated):
            factor = 0.0
        calm[sig.kind] = max(calm.get(sig.kind, 0.0), factor)

    # 1. The scorer's signals.
    fired: list[str] = []
    for key, sig in best.items():
        effect = SIGNAL_EFFECTS.get(sig.kind)
        if effect is None:
            continue
        calm_factor = calm[sig.kind]
        counted = False
        for var in VARIABLES:
            base = effect.get(var)
            if base == 0.0:
                continue
            helpful = is_helpful(var, base)
            factor = sig.strength * (calm_factor if helpful else 1.0)
            if factor <= 0.0:
                continue
            counted = counted or helpful
            cause = effect.cause
            if helpful and calm_factor < 1.0:
                cause += " (it counts less each time)"
            led.add(var, scaled(var, base, factor), cause, signal=sig.kind, span=sig.span)
        if counted:
            fired.append(key)

    # 2. The persona's own sensitivities (their calming effects wear off and yield to triggers too).
    for sens in sens_hits:
        if sens.signal is not None:
            strength = max(s.strength for s in best.values() if s.kind is sens.signal)
            calm_factor = calm.get(sens.signal, 1.0)
        else:
            strength, calm_factor = 1.0, 0.0 if trigger else 1.0
        for var in VARIABLES:
            base = float(getattr(sens.effect, var))
            if base == 0.0:
                continue
            factor = strength * (calm_factor if is_helpful(var, base) else 1.0)
            if factor > 0.0:
                led.add(var, scaled(var, base, factor), sens.description, sensitivity=sens.id)

    # 3. Pasting the same sentence again (the scorer may miss it across turns; don't double count).
    if repeated and SignalKind.repeated_formula not in fired_kinds:
        for var in VARIABLES:
            base = PASTED_AGAIN.get(var)
            if base != 0.0:
                led.add(var, scaled(var, base, 1.0), PASTED_AGAIN.cause)

    # 4. The turn as a whole, from the criterion levels.
    quality = turn_quality(assessment, ctx.rubric)
    if quality is not None and not trigger and not repeated:
        whole = WELL_JUDGED if quality >= 0.7 else EMPTY_TURN if quality < 0.25 else None
        if whole is not None:
            for var in VARIABLES:
                base = whole.get(var)
                if base != 0.0:
                    led.add(var, scaled(var, base, 1.0), whole.cause)

    # 5. Every turn costs patience; it is a budget, so it never drifts back.
    led.add(
        "patience",
        -ctx.dynamics.patience_per_turn * scale.patience_cost,
        TURN_COST_CAUSE,
        counts_as_event=False,
    )

    # 6. Quiet variables drift back toward the baseline (emotional inertia); after a turn that
    # helped in any way, a feeling does not creep back up (a good question is not "nothing").
    helped = any(is_helpful(ch.variable, ch.delta) for ch in led.changes)
    for var in ("anger", "anxiety", "trust"):
        if var not in led.touched:
            drift = ctx.dynamics.inertia * (float(getattr(ctx.baseline, var)) - led.values[var])
            if helped and not is_helpful(var, drift):
                continue
            led.add(var, drift, DRIFT_CAUSE, counts_as_event=False)

    return TurnUpdate(
        state=led.state(),
        changes=led.changes,
        fired=fired,
        sentences=mine,
        trigger=trigger,
        provoked=provoked,
        sensitivities=[s.id for s in sens_hits],
    )


def state_in_words(state: CustomerState) -> str:
    """A short description of the state for a renderer's prompt."""

    def level(x: float, words: tuple[str, str, str, str]) -> str:
        return words[0] if x < 0.25 else words[1] if x < 0.5 else words[2] if x < 0.75 else words[3]

    return ", ".join(
        (
            level(state.anger, ("calm", "irritated", "angry", "furious")),
            level(state.anxiety, ("relaxed", "a little worried", "worried", "panicking")),
            level(state.trust, ("distrustful", "guarded", "willing to trust", "trusting")),
            level(state.patience, ("about to give up", "running out of patience", "impatient", "patient")),
        )
    )


def explain(turn: int, change: StateChange) -> str:
    """One change in words, for replays: "anger fell 0.10 at turn 4 because you reflected the feeling"."""
    verb = "rose" if change.delta > 0 else "fell"
    return f"{change.variable} {verb} {abs(change.delta):.2f} at turn {turn} because {change.cause}"
