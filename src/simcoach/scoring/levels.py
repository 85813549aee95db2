"""Criteria → levels: each rubric `measure` maps the signals its criterion lists onto the level scale."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import compress

from simcoach.content.rubric import Criterion, Rubric
from simcoach.content.vocabulary import Measure, NotApplicableWhen, SignalKind, members
from simcoach.scoring.lexicon import LEXICON
from simcoach.scoring.models import Signal, Span
from simcoach.scoring.signals import TurnInput, span
from simcoach.scoring.signals.scenario import disclosed_before

K = members(SignalKind)  # plain attributes: see members()
N = members(NotApplicableWhen)


@dataclass(slots=True)
class Judgement:
    """A criterion's level for a turn, the signals that justify it and how sure the scorer is."""

    level: int
    evidence: list[Signal] = field(default_factory=list)
    confidence: float = 0.8
    reason: str = ""
    applicable: bool = True
    spans: list[Span] = field(default_factory=list)  # evidence that is not a signal (e.g. natural delivery)


def _top(c: Criterion) -> int:
    """The criterion's highest level: levels are validated to be 0..N, so it is the count minus one."""
    return len(c.levels) - 1


class Sigs:
    """The turn's signals restricted to what one criterion uses, with anti-gaming discounts applied."""

    __slots__ = ("all", "all_kinds", "fresh", "fresh_kinds")

    def __init__(
        self,
        signals: list[Signal],
        kinds: list[SignalKind],
        allowed: frozenset[SignalKind],
        discount: set[int],
    ) -> None:
        # ``kinds`` holds each signal's kind, read once per turn: a model's attribute costs more than a list's
        # compress/map loop in C: a comprehension builds a function object on every call (3.11)
        self.all = list(compress(signals, map(allowed.__contains__, kinds)))
        self.all_kinds: AbstractSet[SignalKind] = allowed.intersection(kinds)
        # measures ask about many kinds that did not fire: answer those from a set, building no list
        if discount:
            kept = [i for i, k in enumerate(kinds) if k in allowed and i not in discount]
            self.fresh = [signals[i] for i in kept]
            self.fresh_kinds: AbstractSet[SignalKind] = {kinds[i] for i in kept}
        else:  # most turns repeat nothing from earlier turns: share the list instead of filtering twice
            self.fresh = self.all
            self.fresh_kinds = self.all_kinds

    def of(self, *kinds: SignalKind, fresh: bool = True) -> list[Signal]:
        """Signals of these kinds (only undiscounted ones unless ``fresh`` is False)."""
        if (self.fresh_kinds if fresh else self.all_kinds).isdisjoint(kinds):
            return []
        pool = self.fresh if fresh else self.all
        return [s for s in pool if s.kind in kinds]

    def has(self, *kinds: SignalKind, fresh: bool = True) -> bool:
        """Whether any signal of these kinds fired."""
        return not (self.fresh_kinds if fresh else self.all_kinds).isdisjoint(kinds)


def applicable(criterion: Criterion, t: TurnInput, signals: list[Signal]) -> tuple[bool, str]:
    """Whether the criterion applies to this turn, and why not when it does not."""
    last = t.last_customer
    for cond in criterion.not_applicable_when:  # each condition computes only what it needs (speed)
        if cond is N.no_customer_message and last is None:
            return False, "the customer has not said anything yet"
        if (
            cond is N.customer_gave_no_content
            and last is not None
            and not last[1].a.content
            and not last[1].feelings
            and not any(s.kind in _REFLECTIONS for s in signals)  # a recap of earlier messages still counts
        ):
            return False, "the customer's last message had nothing to reflect"
        if (
            cond is N.customer_calm
            and not any(v.distressed for _, v in t.customers)
            and not any(s.escalates for s in signals)
        ):
            return False, "the customer is calm"
        if (
            cond is N.customer_settled
            and last is not None
            and not last[1].distressed
            and not any(s.kind in criterion.signals for s in signals)
        ):
            # "It's Alan Bellamy, account 7730 1142" answered with the next question: nothing to calm
            return False, "the customer's last message was settled and this turn neither calmed nor escalated"
        if cond is N.closing_turn and last is not None and last[1].closing and t.agent.search("closing"):
            return False, "this is the closing of the conversation"
        if cond is N.no_apology_due:
            apologised_now = any(s.kind in (K.specific_apology, K.hollow_apology) for s in signals)
            due = any(v.distressed for _, v in t.customers)
            if not apologised_now and (not due or _apologised_before(t)):
                return False, "no apology is due on this turn"
        no_due = t.scenario is None or not t.scenario.required_disclosures
        if cond is N.no_disclosure_due and no_due:
            return False, "the scenario requires no disclosure"
    return True, ""


_REFLECTIONS = frozenset({K.content_reflection, K.feeling_reflection, K.parroting})


def _apologised_before(t: TurnInput) -> bool:
    return any("sorr" in p.low or "apolog" in p.low for p in t.agents)


def probing(c: Criterion, s: Sigs, t: TurnInput) -> Judgement:
    """0 none/leading/re-ask, 1 closed or stacked or unfocused, 2 open and following up."""
    opens = s.of(K.open_question, K.elicitation)
    closed = s.of(K.closed_question)
    bad = s.of(K.leading_question, K.reask)
    if not opens and not closed:
        reason = "leading or repeated question only" if bad else "no question or invitation to talk"
        return Judgement(0, [], 0.85, reason)
    top = _top(c)
    last = t.last_customer
    followed = s.of(K.follow_up)
    no_content = last is None or not last[1].a.content
    conf = max(x.strength for x in opens + closed) * 0.9
    if s.has(K.stacked_questions):
        return Judgement(
            min(1, top), s.of(K.stacked_questions) + opens[:1] + closed[:1], conf, "several questions stacked"
        )
    if opens and followed:
        return Judgement(top, opens[:2] + followed[:1], conf, "an open question that follows the customer")
    if opens and no_content:  # nothing told yet to follow up: the open question is the right move
        why = (
            "an open question that opens the conversation"
            if last is None
            else "an open question that invites the customer to talk"
        )
        return Judgement(top, opens[:2], conf, why)
    if opens:
        return Judgement(
            min(1, top), opens[:2], conf * 0.9, "an open question, but not about what the customer said"
        )
    return Judgement(min(1, top), closed[:2], conf, "a closed question")


def mirroring(c: Criterion, s: Sigs, t: TurnInput) -> Judgement:
    """0 nothing or stock frame, 1 content or feeling reflected, 2 both."""
    content = s.of(K.content_reflection)
    feeling = s.of(K.feeling_reflection)
    parrot = s.of(K.parroting)
    check = s.of(K.understanding_check)
    if s.has(K.keyword_stuffing, fresh=False) and not content:
        return Judgement(0, [], 0.75, "empathy words with nothing of the customer's own")
    n = (1 if content or parrot else 0) + (1 if feeling else 0)
    if n == 0:
        stock = s.has(K.stock_frame, fresh=False)
        return Judgement(
            0, [], 0.7, "a stock frame with no customer content" if stock else "nothing reflected"
        )
    level = min(n, _top(c))
    if parrot and not content:
        level = min(level, 1)
    if level < _top(c) and content and check and max(x.strength for x in content) >= 0.9:
        level += 1
    ev = content[:2] + feeling[:1] + parrot[:1] + check[:1]
    conf = 0.8 if level == _top(c) else 0.65
    reason = {1: "part of the customer's message reflected", 2: "content and feeling reflected"}.get(
        level, ""
    )
    return Judgement(level, ev, conf, reason or "reflection")


def deescalation(c: Criterion, s: Sigs, t: TurnInput) -> Judgement:
    """0 trigger or nothing, 1 generic, 2 specific or owned, 3 specific + owned + timed next step."""
    triggers = [x for x in s.all if x.escalates]
    if triggers:
        return Judgement(0, [], 0.9, f"escalating phrase: {triggers[0].kind.value.replace('_', ' ')}")
    for kind, why in _GAMED.items():
        if s.has(kind, fresh=False):
            return Judgement(0, [], 0.8, why)
    apologies_ok = not s.has(K.repeated_apology, fresh=False)
    specific = [x for x in s.of(K.validation) if x.detail == "specific"] + s.of(K.feeling_reflection)
    if apologies_ok:
        specific += s.of(K.specific_apology)
    generic = [x for x in s.of(K.validation) if x.detail != "specific"] + s.of(K.reassurance, K.stock_frame)
    if apologies_ok:
        generic += s.of(K.hollow_apology)
    if s.has(K.vague_timeline) and _WE_WILL.search(t.agent.low):
        generic += s.of(K.vague_timeline)  # "we'll get back to you soon": vague, but a commitment
    own = s.of(K.ownership)
    step = s.of(K.next_step)
    when = s.of(K.time_frame)
    extra = s.of(K.explanation, K.alternative)
    top = _top(c)
    if specific and own and step and when:
        ev = specific[:1] + own[:1] + step[:1] + when[:1]
        return Judgement(top, ev, 0.85, "acknowledged, owned and committed to a time")
    if specific or own or (extra and generic) or (step and when):
        ev = specific[:1] + own[:1] + step[:1] + when[:1] + generic[:1] + extra[:1]
        return Judgement(min(2, top), ev, 0.75, "specific acknowledgement, ownership or a timed step")
    if generic or extra or step:
        why = (
            "a generic acknowledgement"
            if generic
            else "an explanation or an alternative, with no acknowledgement"
            if extra
            else "a next step, with no time frame or acknowledgement"
        )
        return Judgement(min(1, top), (generic + extra + step)[:2], 0.7, why)
    return Judgement(0, [], 0.7, "nothing that lowers the temperature")


_GAMED: dict[SignalKind, str] = {
    K.literal_sarcasm_reply: "answered the customer's sarcasm literally",
    K.keyword_stuffing: "empathy keywords stacked with no substance",
    K.scripted_delivery: "a script that could go to any customer",
}
_WE_WILL = LEXICON.compile(r"\b(?:we|i)(?:'ll| will| are going to|'re going to| am going to|'m going to)\b")


def acknowledgment(c: Criterion, s: Sigs, t: TurnInput) -> Judgement:
    """0 ignored or cancelled, 1 generic, 2 feeling and cause named."""
    if s.has(K.understand_but, K.dismissive, fresh=False):
        return Judgement(0, [], 0.85, "the acknowledgement was cancelled or dismissive")
    if s.has(K.keyword_stuffing, fresh=False):
        return Judgement(0, [], 0.8, _GAMED[K.keyword_stuffing])
    specific = [x for x in s.of(K.validation) if x.detail == "specific"] + s.of(
        K.feeling_reflection, K.specific_apology
    )
    if specific:
        return Judgement(_top(c), specific[:2], 0.75, "named the feeling and its cause")
    generic = s.of(K.validation, K.hollow_apology)
    if generic:
        return Judgement(min(1, _top(c)), generic[:1], 0.7, "a generic acknowledgement")
    return Judgement(0, [], 0.7, "the customer's feeling was not acknowledged")


def ownership(c: Criterion, s: Sigs, t: TurnInput) -> Judgement:
    """0 none or passed on, 1 vague, 2 owned action, 3 owned action with a time frame."""
    if s.has(K.cant_help, K.policy_hiding, fresh=False):
        return Judgement(0, [], 0.85, "passed the problem on or hid behind policy")
    own, step, when = s.of(K.ownership), s.of(K.next_step), s.of(K.time_frame)
    top = _top(c)
    if own and when:
        return Judgement(top, own[:1] + step[:1] + when[:1], 0.85, "owned a concrete step with a time frame")
    if own:
        return Judgement(min(2, top), own[:1] + step[:1], 0.75, "owned an action, with no time frame")
    vague = s.of(K.next_step, K.alternative, K.vague_timeline)
    if vague:
        return Judgement(min(1, top), vague[:2], 0.7, "an action, but vague or not owned")
    return Judgement(0, [], 0.75, "nothing about what happens next")


def personalisation(c: Criterion, s: Sigs, t: TurnInput) -> Judgement:
    """0 generic, 1 one specific, 2 name plus specifics or several specifics."""
    if s.has(K.scripted_delivery, fresh=False):
        return Judgement(0, [], 0.75, "reads like a script sent to any customer")
    name = [x for x in s.of(K.personalisation) if x.detail == "name"]
    details = [x for x in s.of(K.personalisation) if x.detail == "details"] + s.of(K.content_reflection)
    n = (1 if name else 0) + (2 if len(details) >= 2 else 1 if details else 0)
    if n == 0:
        return Judgement(0, [], 0.7, "nothing specific to this customer")
    return Judgement(min(n, _top(c)), (name + details)[:3], 0.7, "spoke to this customer's situation")


def apology(c: Criterion, s: Sigs, t: TurnInput) -> Judgement:
    """0 missing, hollow or repeated, 1 sincere but generic, 2 specific."""
    if s.has(K.repeated_apology, fresh=False):
        return Judgement(0, [], 0.85, "the apology is repeated")
    spec = s.of(K.specific_apology)
    if spec:
        return Judgement(_top(c), spec[:1], 0.8, "apologised for what actually went wrong")
    hollow = s.of(K.hollow_apology)
    if hollow:
        corporate = "inconvenien" in (hollow[0].span.text.lower() if hollow[0].span else "")
        if corporate:
            return Judgement(0, [], 0.75, "a stock 'sorry for the inconvenience'")
        return Judgement(min(1, _top(c)), hollow[:1], 0.7, "an apology that names nothing")
    return Judgement(0, [], 0.7, "no apology where one was due")


def repeat_peak(signals: list[Signal]) -> int:
    """How many earlier turns held the most-repeated formula among ``signals`` (0 when none repeats)."""
    return max((int(x.detail or "1") for x in signals if x.kind is K.repeated_formula), default=0)


def script(c: Criterion, s: Sigs, t: TurnInput) -> Judgement:
    """0 scripted, pasted or stuffed; max natural."""
    bad = s.of(K.scripted_delivery, K.keyword_stuffing, K.repeated_apology, fresh=False)
    reps = s.of(K.repeated_formula, fresh=False)
    covered = sum((x.span.end - x.span.start) for x in reps if x.span)
    # a formula said for the third time is a script however short it is beside the rest of the turn
    third = repeat_peak(reps) >= 2
    if bad or third or (reps and covered >= 0.4 * max(1, len(t.agent.text.strip()))):
        return Judgement(0, [], 0.8, "scripted, repeated or keyword-stuffed delivery")
    ev = t.agent.sentences[:1]
    if not ev:
        return Judgement(0, [], 0.6, "empty turn")
    whole = span(t.agent, ev[0].start, ev[0].end)
    return Judgement(_top(c), [], 0.65, "natural, varied wording", spans=[whole])


def disclosure(c: Criterion, s: Sigs, t: TurnInput) -> Judgement:
    """0 while a required disclosure is outstanding, max once made (this turn or earlier)."""
    made_now = s.of(K.disclosure_made, fresh=False)
    if t.scenario is None:
        return Judgement(0, [], 0.5, "no scenario", applicable=False)
    done = disclosed_before(t) | {x.detail for x in made_now}
    need = {d.id for d in t.scenario.required_disclosures}
    if made_now:
        return Judgement(_top(c), made_now, 0.8, "made a required disclosure")
    if need <= done:
        return Judgement(_top(c), [], 0.8, "all required disclosures already made", applicable=False)
    last = t.last_customer
    closing = last is not None and last[1].closing
    missing = ", ".join(sorted(need - done))
    # before the close a disclosure is not yet due; at the close it is the last chance
    return Judgement(0, [], 0.75, f"outstanding disclosure: {missing}", applicable=closing)


MEASURES: dict[Measure, Callable[[Criterion, Sigs, TurnInput], Judgement]] = {
    Measure.probing: probing,
    Measure.mirroring: mirroring,
    Measure.deescalation: deescalation,
    Measure.acknowledgment: acknowledgment,
    Measure.ownership: ownership,
    Measure.personalisation: personalisation,
    Measure.apology: apology,
    Measure.script: script,
    Measure.disclosure: disclosure,
}


@dataclass(frozen=True, slots=True)
class Plan:
    """What scoring one criterion needs from the rubric, worked out once per rubric instead of every turn."""

    criterion: Criterion
    id: str
    measure: Measure
    judge: Callable[[Criterion, Sigs, TurnInput], Judgement]
    allowed: frozenset[SignalKind]  # the criterion's signal list as a set
    top: int  # its highest level


_PLANS: dict[int, tuple[Rubric, tuple[Plan, ...]]] = {}


def plans(rubric: Rubric) -> tuple[Plan, ...]:
    """The rubric's criteria as plans, computed once per rubric object (rubrics are immutable)."""
    hit = _PLANS.get(id(rubric))
    if hit is None or hit[0] is not rubric:  # the identity check guards against a reused id()
        made = tuple(
            Plan(c, c.id, c.measure, MEASURES[c.measure], frozenset(c.signals), _top(c))
            for c in rubric.criteria
        )
        if len(_PLANS) > 64:
            _PLANS.clear()
        hit = _PLANS[id(rubric)] = (rubric, made)
    return hit[1]
