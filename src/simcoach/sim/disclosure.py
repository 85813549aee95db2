"""Disclosure: which scenario facts the customer may state this turn, and which questions they dodge.

A fact is said only when its condition holds: volunteered facts from the start, asked facts when the
agent's probe is about the fact's topic (stemmed overlap with the topic and keywords, not one literal
word), trust facts once trust reaches the threshold.  Unknowns are never stated.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from simcoach.content.scenario import Fact, Scenario
from simcoach.content.vocabulary import Reveal, SignalKind
from simcoach.scoring.models import TurnAssessment
from simcoach.sim.models import CustomerState
from simcoach.sim.text import content_stems, sentences

MATCH_SCORE = 2
"""A probe is about a fact when it scores ≥ 2: one point per shared stem, +1 for a whole keyword
phrase, +1 for a keyword made only of question words ("why", "what was in") said literally."""
BEST_MARGIN = 1
"""Of several facts a probe matches, only those within this many points of the best are answered."""
MAX_ASKED_PER_REPLY = 2
MAX_OFFERED_PER_REPLY = 1
PROBE_SIGNALS = frozenset(
    {
        SignalKind.open_question,
        SignalKind.closed_question,
        SignalKind.elicitation,
        SignalKind.follow_up,
        SignalKind.stacked_questions,
        SignalKind.leading_question,
        SignalKind.reask,
    }
)
_IMPERATIVE_PROBE = re.compile(
    r"\b(tell me|walk me through|talk me through|describe|explain|let me know|share|fill me in|"
    r"help me understand|could you give|can you give|i'd like to know|i need to know)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Terms:
    stems: frozenset[str]
    phrases: tuple[frozenset[str], ...]
    literal: tuple[re.Pattern[str], ...]


@dataclass(slots=True)
class DisclosurePlan:
    """What this reply may reveal and how the customer treats the agent's questions."""

    reveal_now: list[Fact] = field(default_factory=list)
    answered: list[Fact] = field(default_factory=list)
    """Facts stated because the agent asked about them (a subset of reveal_now)."""
    deflected: list[Fact] = field(default_factory=list)
    """Asked about, but trust is not high enough yet."""
    unknown_asked: bool = False
    """The agent asked about something the customer does not know."""
    probed: bool = False


class DisclosureIndex:
    """The scenario's facts and unknowns, pre-stemmed once per session."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.facts = list(scenario.facts)
        self._terms: dict[str, _Terms] = {}
        for fact in self.facts:
            phrases = tuple(p for p in (content_stems(k) for k in fact.keywords) if p)
            stems = content_stems(fact.topic).union(*phrases) if phrases else content_stems(fact.topic)
            # Keywords made only of question words carry meaning as a phrase ("what was in").
            literal = tuple(
                re.compile(r"\b" + re.escape(k.lower()) + r"\b")
                for k in fact.keywords
                if not content_stems(k)
            )
            self._terms[fact.id] = _Terms(stems=stems, phrases=phrases, literal=literal)
        self._unknowns = [content_stems(u) for u in scenario.unknowns]

    def score(self, fact: Fact, stems: frozenset[str], probe: str = "") -> int:
        """How strongly a probe (its stems and lower-case text) points at this fact's topic."""
        terms = self._terms[fact.id]
        overlap = len(terms.stems & stems)
        whole = any(p <= stems for p in terms.phrases)
        literal = any(p.search(probe) for p in terms.literal)
        return overlap + (1 if whole else 0) + (1 if literal else 0)

    def asked_about(self, stems: frozenset[str], probe: str = "") -> list[Fact]:
        """Facts the probe is about, best match first (only those close to the best)."""
        scored = [(self.score(f, stems, probe), i, f) for i, f in enumerate(self.facts)]
        best = max((s for s, _, _ in scored), default=0)
        floor = max(MATCH_SCORE, best - BEST_MARGIN)
        hits = sorted((t for t in scored if t[0] >= floor), key=lambda t: (-t[0], t[1]))
        return [f for _, _, f in hits]

    def asks_unknown(self, stems: frozenset[str]) -> bool:
        """Whether the probe is about something the scenario says the customer does not know."""
        return any(u and len(u & stems) >= min(2, len(u)) for u in self._unknowns)

    def said_in(self, text: str) -> list[str]:
        """Ids of facts whose value appears verbatim in a text (e.g. an authored opening line)."""
        low = text.lower()
        return [f.id for f in self.facts if f.value.lower() in low]


def probe_text(agent_text: str, assessment: TurnAssessment | None) -> str | None:
    """The agent's questions (lower case), or None if the turn asks nothing."""
    asking = [s for s in sentences(agent_text) if s.endswith("?") or _IMPERATIVE_PROBE.search(s)]
    if asking:
        return " ".join(asking).lower()
    if assessment is not None and any(s.kind in PROBE_SIGNALS for s in assessment.signals):
        return agent_text.lower()
    return None


def probe_stems(agent_text: str, assessment: TurnAssessment | None) -> frozenset[str] | None:
    """Stems of the agent's questions, or None if the turn asks nothing."""
    text = probe_text(agent_text, assessment)
    return None if text is None else content_stems(text)


def trust_needed(fact: Fact, trust_offset: float) -> float:
    """The trust a trust-gated fact needs after the difficulty offset."""
    return min(1.0, max(0.0, (fact.trust_at_least or 0.0) + trust_offset))


def allowed(fact: Fact, state: CustomerState, trust_offset: float, asked: bool) -> bool:
    """Whether the fact's condition holds now."""
    if fact.reveal is Reveal.volunteered:
        return True
    if fact.reveal is Reveal.asked:
        return asked
    return state.trust >= trust_needed(fact, trust_offset)


def plan(
    index: DisclosureIndex,
    said: Collection[str],
    state: CustomerState,
    trust_offset: float,
    agent_text: str,
    assessment: TurnAssessment | None,
) -> DisclosurePlan:
    """Decide what this reply reveals, from the agent's probe and the state after the update."""
    out = DisclosurePlan()
    probe = probe_text(agent_text, assessment)
    if probe is not None:
        stems = content_stems(probe)
        out.probed = True
        for fact in index.asked_about(stems, probe):
            if allowed(fact, state, trust_offset, asked=True):
                if fact.id not in said and len(out.answered) < MAX_ASKED_PER_REPLY:
                    out.answered.append(fact)
            elif fact.id not in said:
                out.deflected.append(fact)
        if not out.answered and not out.deflected:
            out.unknown_asked = index.asks_unknown(stems)
    out.reveal_now.extend(out.answered)
    offered = 0
    for fact in index.facts:
        if offered >= MAX_OFFERED_PER_REPLY:
            break
        if fact.id in said or fact in out.reveal_now or fact.reveal is Reveal.asked:
            continue
        if allowed(fact, state, trust_offset, asked=False):
            out.reveal_now.append(fact)
            offered += 1
    return out
