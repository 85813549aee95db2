"""The offline scripted customer: picks and fills lines from the line banks, and streams them.

Lines come from the scenario's bank first, then the persona's, by intent and emotional band; a line
already used in the session is not used again while another line for that intent exists.  Built-in
lines are a last resort.  All randomness comes from the session's :class:`~simcoach.sim.rng.Rng`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from simcoach.content.persona import LineBank, Persona
from simcoach.content.scenario import Fact, Scenario
from simcoach.content.vocabulary import Band, Intent
from simcoach.sim.fallback_lines import FALLBACK
from simcoach.sim.intents import RELATED
from simcoach.sim.models import RenderReport, RenderRequest, Restart
from simcoach.sim.rng import Rng
from simcoach.sim.text import sentences, words

NEIGHBOURS: dict[Band, tuple[Band, ...]] = {
    Band.calm: (Band.tense, Band.heated),
    Band.tense: (Band.heated, Band.calm),
    Band.heated: (Band.tense, Band.calm),
}
_SLOT = re.compile(r"\{([a-z_]+)\}")
_SPACES = re.compile(r"\s+([.,!?])|\s{2,}")
AGENT_WORDS_MAX = 7
"""How many of the agent's words a sarcastic customer throws back at most."""
STREAM_WORDS = 4
"""Words per streamed piece of a scripted reply."""


@dataclass(frozen=True, slots=True)
class Composed:
    """A scripted reply and the fact lines it contains."""

    text: str
    fact_lines: dict[str, str]


def fill(template: str, slots: dict[str, str]) -> str:
    """Fill ``{slot}`` placeholders; an unknown slot is dropped rather than shown to the trainee."""
    text = _SLOT.sub(lambda m: slots.get(m.group(1), ""), template)
    return _SPACES.sub(lambda m: m.group(1) or " ", text).strip()


def agent_words(agent_text: str, quote: str | None = None) -> str:
    """A short piece of the agent's own words to throw back: the trigger phrase, else the first clause."""
    if quote:
        return quote.strip(" .,!?")
    first = sentences(agent_text)[:1]
    clause = re.split(r"[,;:—–-]\s", first[0])[0] if first else agent_text
    picked = clause.split()[:AGENT_WORDS_MAX]
    return " ".join(picked).strip(" .,!?")


class ScriptedCustomer:
    """Chooses lines for a scenario and persona; the session owns the RNG and the used-line list."""

    def __init__(self, scenario: Scenario, persona: Persona) -> None:
        self.scenario = scenario
        self.persona = persona
        self._banks: tuple[LineBank, ...] = (scenario.lines, persona.lines)

    def _own(self, intent: Intent, band: Band) -> list[list[str]]:
        """The scenario's then the persona's lines for an intent, this band first then the others."""
        tiers: list[list[str]] = []
        for b in (band, *NEIGHBOURS[band]):
            for bank in self._banks:
                lines = bank.get(intent, {}).get(b, [])
                if lines:
                    tiers.append(list(lines))
        return tiers

    def _tiers(self, intent: Intent, band: Band) -> list[list[str]]:
        tiers = self._own(intent, band)
        builtin = FALLBACK.get(intent, {})
        tiers.extend(list(builtin[b]) for b in (band, *NEIGHBOURS[band]) if builtin.get(b))
        for related in RELATED.get(intent, ()):
            tiers.extend(self._own(related, band))
        return tiers

    def pick(self, intent: Intent, band: Band, rng: Rng, used: list[str]) -> str:
        """A line for the intent and band, avoiding lines already used while any alternative exists."""
        return self._choose(self._tiers(intent, band), rng, used)

    @staticmethod
    def _choose(tiers: Sequence[Sequence[str]], rng: Rng, used: list[str]) -> str:
        seen = set(used)
        for tier in tiers:
            fresh = [line for line in tier if line not in seen]
            if fresh:
                line = rng.choice(fresh)
                used.append(line)
                return line
        # Every line has been used: repeat the one used longest ago from the best tier.
        pool = next((t for t in tiers if t), ["..."])
        last = {line: i for i, line in enumerate(used)}
        line = min(pool, key=lambda candidate: last.get(candidate, -1))
        used.append(line)
        return line

    def opening(self, rng: Rng, used: list[str]) -> str:
        """The customer's first message, from the scenario's opening lines."""
        line = self._choose([list(self.scenario.opening_lines)], rng, used)
        return fill(line, {"name": self.scenario.customer_name})

    def compose(
        self,
        intent: Intent,
        band: Band,
        facts: Sequence[Fact],
        agent_text: str,
        rng: Rng,
        used: list[str],
        quote: str | None = None,
    ) -> Composed:
        """The whole scripted reply: an intent line, with the facts to reveal worded naturally."""
        slots = {"name": self.scenario.customer_name, "agent_words": agent_words(agent_text, quote)}
        fact_lines: dict[str, str] = {}
        parts: list[str] = []
        remaining = list(facts)
        if intent is Intent.answer and remaining:
            # The persona's answer line carries the first fact half the time (their voice), the
            # scenario's own wording the other half; either way no line repeats while fresh ones exist.
            first = remaining[0]
            template = self.pick(intent, band, rng, used) if rng.random() < 0.5 else None
            if template is not None and "{value}" in template:
                text = fill(template, {**slots, "value": first.value})
                parts.append(text)
                fact_lines[first.id] = text
                remaining = remaining[1:]
            elif template is not None:
                parts.append(fill(template, slots))
        else:
            lead = self.pick(intent, band, rng, used)
            value = remaining[0].value if remaining and "{value}" in lead else None
            parts.append(fill(lead, {**slots, "value": value or ""}))
            if value is not None:
                fact_lines[remaining[0].id] = parts[-1]
                remaining = remaining[1:]
        for fact in remaining:
            say = self._choose([list(fact.say)], rng, used)
            text = fill(say, {**slots, "value": fact.value})
            parts.append(text)
            fact_lines[fact.id] = text
        return Composed(text=" ".join(p for p in parts if p), fact_lines=fact_lines)


def fact_line(fact: Fact, customer_name: str) -> str:
    """The first authored wording of a fact, filled (for renderers that need an example)."""
    return fill(fact.say[0], {"name": customer_name, "value": fact.value})


def pieces(text: str, size: int = STREAM_WORDS) -> list[str]:
    """Split a reply into streamable pieces that join back to exactly the reply."""
    tokens = re.findall(r"\S+\s*", text)
    return ["".join(tokens[i : i + size]) for i in range(0, len(tokens), size)] or [text]


class ScriptedRenderer:
    """The offline renderer: streams the engine's scripted line, unchanged, in small pieces."""

    name = "scripted"

    async def render(self, request: RenderRequest, report: RenderReport) -> AsyncIterator[str | Restart]:
        """Yield the scripted line in pieces."""
        report.renderer = self.name
        for piece in pieces(request.scripted_line):
            yield piece


def word_count(text: str) -> int:
    """Words in a reply (used by tests comparing personas)."""
    return len(words(text))
