"""The offline scripted customer: picks and fills lines from the line banks, and streams them.

Lines come from the scenario's bank first, then the persona's, by intent and emotional band; a line
already used in the session is not used again while another line for that intent exists.  Built-in
lines are a last resort.  All randomness comes from the session's :class:`~simcoach.sim.rng.Rng`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from simcoach.content.persona import CuedLine, LineBank, Persona, line_text
from simcoach.content.scenario import Fact, Scenario
from simcoach.content.vocabulary import Band, Intent, SignalKind
from simcoach.scoring.lexicon import LEXICON
from simcoach.sim.fallback_lines import FALLBACK
from simcoach.sim.intents import RELATED
from simcoach.sim.models import RenderReport, RenderRequest, Restart
from simcoach.sim.rng import Rng
from simcoach.sim.text import sentences, stem, words

L = TypeVar("L", str, str | CuedLine)
NEIGHBOURS: dict[Band, tuple[Band, ...]] = {
    Band.calm: (Band.tense, Band.heated),
    Band.tense: (Band.heated, Band.calm),
    Band.heated: (Band.tense, Band.calm),
}
_SLOT = re.compile(r"\{([a-z_]+)\}")
_SPACES = re.compile(r"\s+([.,!?])|\s{2,}")
_GREETING = re.compile(r"^\W*(hi|hello|hey|hiya|good (morning|afternoon|evening)|oh,? hello)\b", re.I)
OPENING_LEAD_SHARE = 0.5
"""How often the persona's own opening line leads the scenario's (when it does not greet already)."""
AGENT_WORDS_MAX = 7
"""How many of the agent's words a sarcastic customer throws back at most."""
STREAM_WORDS = 4
"""Words per streamed piece of a scripted reply."""


# A line that throws a trigger phrase back ("DON'T tell me to calm down…", "'I understand, but.' Everyone
# understands.") answers that trigger only; the scorer's own pattern reads the line. Only phrases a customer
# never says of themselves count: "calm down" in any form, "I understand, but" in quotes ("Sorry, but what
# does that mean?" or "For the last time…" are the customer's own words, not the agent's thrown back).
_THROWN_BACK: tuple[tuple[SignalKind, re.Pattern[str], bool], ...] = (
    (SignalKind.calm_down, LEXICON.patterns["calm_down"], False),
    (SignalKind.understand_but, LEXICON.patterns["understand_but"], True),
)
_QUOTE_MARK = re.compile(r"(?<![a-z])'|'(?![a-z])|\"")  # quote marks, not apostrophes (same length)


# a pick weighs every line of its tiers (≈ 60) against the turn's triggers: the content's lines are few,
# so each answer is kept
@lru_cache(maxsize=8192)
def throws_back_unsaid(line: str, fired: frozenset[SignalKind]) -> bool:
    """Whether a line answers a trigger the agent did not use ("calm down?" when nobody said it)."""
    low = line.lower().replace("’", "'").replace("‘", "'")
    plain = _QUOTE_MARK.sub(" ", low)
    for kind, pattern, quoted in _THROWN_BACK:
        if kind in fired:
            continue
        m = pattern.search(plain)
        if m is not None and (not quoted or low[m.start() - 1 : m.start()] in ("'", '"')):
            return True
    return False


# A line that quotes the agent ("'Engineers are aware.' Well, that's me sorted then.") fits only after an
# agent who said those words; complaint lines quote letters and screens ("It said 'final notice'"), so only
# the intents that answer the agent's last turn are checked
_ANSWERS_AGENT = frozenset({Intent.pushback, Intent.sarcasm, Intent.triggered, Intent.supervisor})
_QUOTED = re.compile(r"(?<![A-Za-z])['\"‘“]([^'\"’”{}]*?[A-Za-z][^'\"’”{}]*?)['\"’”](?![A-Za-z])")


def quotes_unsaid(line: str, said: str) -> bool:
    """Whether a line quotes words back that the agent did not say (its quoted content words are not all in
    ``said``); a quoted function word ("a 'no' in a nice jumper") characterises, it quotes nobody."""
    return _quotes_unheard(line, frozenset(words(said)))


def _quotes_unheard(line: str, heard: frozenset[str]) -> bool:
    """:func:`quotes_unsaid` against the agent's words, split once for every line a pick weighs."""
    for m in _QUOTED.finditer(line):
        quoted = [w for w in words(m.group(1)) if w not in LEXICON.stopwords]
        if quoted and not heard.issuperset(quoted):
            return True
    return False


def _cue_unheard(line: str | CuedLine, heard: list[str]) -> bool:
    """Whether a cued line's cues are all missing from the agent's words (as stems, in order)."""
    if isinstance(line, str):
        return False
    return not any(_says(heard, _cue_stems(cue)) for cue in line.after)


@lru_cache(maxsize=4096)
def _cue_stems(cue: str) -> list[str]:
    """A cue's word stems, in order (worked out once per cue: every pick weighs every cued line)."""
    return [stem(w) for w in words(cue)]


def _says(heard: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return n > 0 and any(heard[i : i + n] == phrase for i in range(len(heard) - n + 1))


def _prefer(tiers: list[list[L]], unfit: Callable[[L], bool]) -> list[list[L]]:
    """The tiers without their unfit lines, or all of them unchanged when no line would be left."""
    apt = [[ln for ln in tier if not unfit(ln)] for tier in tiers]
    return apt if any(apt) else tiers


@dataclass(frozen=True, slots=True)
class Composed:
    """A scripted reply and the fact lines it contains."""

    text: str
    fact_lines: dict[str, str]


def fill(template: str, slots: dict[str, str]) -> str:
    """Fill ``{slot}`` placeholders; an unknown slot is dropped rather than shown to the trainee.

    A value that starts a sentence gets a capital letter ("{value}." with "the 3rd" → "The 3rd.").
    """

    def put(m: re.Match[str]) -> str:
        value = slots.get(m.group(1), "")
        before = template[: m.start()].rstrip()
        if value and (not before or before[-1] in ".!?…"):
            value = value[0].upper() + value[1:]
        return value

    text = _SLOT.sub(put, template)
    return _SPACES.sub(lambda m: m.group(1) or " ", text).strip()


_OWN: dict[str, dict[str, str]] = {
    "he": {"he": "I", "his": "my", "him": "me", "himself": "myself"},
    "she": {"she": "I", "her": "my", "hers": "mine", "herself": "myself"},
}
_VERB_FIX = {"is": "am", "was": "was", "has": "have", "does": "do", "goes": "go", "isn't": "am not"}
_LATER = "needs wants has is says thinks knows works lives moves gets feels hopes keeps owes pays uses takes"
_LATER_VERBS = frozenset(_LATER.split())
NOUN_LIKE_WORDS = 10
_WORD_AFTER = r"\b({words})\b(\s+)?([a-z']+)?"


def _agree(verb: str) -> str:
    """A third-person verb as the first person says it ('wants' → 'want', 'is' → 'am')."""
    low = verb.lower()
    if low in _VERB_FIX:
        return _VERB_FIX[low]
    if low.endswith("ies") and len(low) > 4:
        return low[:-3] + "y"
    if re.search(r"(sh|ch|x|ss|zz)es$", low):
        return low[:-2]
    if low.endswith("s") and not low.endswith(("ss", "us", "'s")) and len(low) > 3:
        return low[:-1]
    return verb


def customer_pronoun(texts: Sequence[str]) -> str:
    """'he' or 'she': how the scenario's author refers to the customer in fact values."""
    words_ = [w for t in texts for w in re.findall(r"[a-z]+", t.lower())]
    he = sum(words_.count(w) for w in ("he", "his", "him", "himself"))
    she = sum(words_.count(w) for w in ("she", "her", "hers", "herself"))
    return "she" if she > he else "he"


def first_person(value: str, pronoun: str = "he") -> str:
    """A fact value written about the customer ('he wants his money') as they would say it.

    Only the customer's own pronouns change ("her husband … his account" keeps "his").
    """
    own = _OWN[pronoun]
    pattern = re.compile(_WORD_AFTER.format(words="|".join(own)), re.IGNORECASE)
    subject = next(iter(own))
    changed = False

    def swap(m: re.Match[str]) -> str:
        nonlocal changed
        word, space, nxt = m.group(1), m.group(2) or "", m.group(3) or ""
        low = word.lower()
        if low == subject:
            changed = True
            return "I" + space + (_agree(nxt) if nxt else "")
        if low == "her" and not nxt:
            return "me"  # "told her": the object, not the possessive
        return own[low] + space + nxt

    out = pattern.sub(swap, value)
    if changed:
        # "I … and needs the right drill": later verbs of the same subject agree too.
        out = re.sub(
            r"\b(and|but|then) (\w+)\b",
            lambda m: f"{m.group(1)} {_agree(m.group(2)) if m.group(2) in _LATER_VERBS else m.group(2)}",
            out,
        )
    return out


def noun_like(value: str) -> bool:
    """Whether a value reads as a short phrase that fits any 'It's {value}' template."""
    has_subject = re.search(r"\b(he|she|i|they|we)\b", value, re.IGNORECASE) is not None
    return not has_subject and len(value.split()) <= NOUN_LIKE_WORDS


def _trigrams(text: str) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i : i + 3]) for i in range(len(w) - 2)}


def agent_words(agent_text: str, quote: str | None = None) -> str:
    """A short piece of the agent's own words to throw back: the trigger phrase, else the first clause."""
    text = quote or agent_text
    text = re.sub(r"[{}<>]", "", text)  # never echo markup or slot syntax back
    if quote:
        return " ".join(text.split()[:AGENT_WORDS_MAX]).strip(" .,!?")
    first = sentences(text)[:1]
    clause = re.split(r"[,;:—–-]\s", first[0])[0] if first else text
    picked = clause.split()[:AGENT_WORDS_MAX]
    return " ".join(picked).strip(" .,!?")


class ScriptedCustomer:
    """Chooses lines for a scenario and persona; the session owns the RNG and the used-line list."""

    def __init__(self, scenario: Scenario, persona: Persona) -> None:
        self.scenario = scenario
        self.persona = persona
        self._banks: tuple[LineBank, ...] = (scenario.lines, persona.lines)
        self.pronoun = customer_pronoun([f.value for f in scenario.facts] + [scenario.secondary_issue])

    def _own(self, intent: Intent, band: Band) -> list[list[str | CuedLine]]:
        """The scenario's then the persona's lines for an intent, this band first then the others."""
        tiers: list[list[str | CuedLine]] = []
        for b in (band, *NEIGHBOURS[band]):
            for bank in self._banks:
                lines = bank.get(intent, {}).get(b, [])
                if lines:
                    tiers.append(list(lines))
        return tiers

    def _tiers(self, intent: Intent, band: Band, with_value: bool = True) -> list[list[str | CuedLine]]:
        tiers = self._own(intent, band)
        builtin = FALLBACK.get(intent, {})
        tiers.extend(list(builtin[b]) for b in (band, *NEIGHBOURS[band]) if builtin.get(b))
        for related in RELATED.get(intent, ()):
            tiers.extend(self._own(related, band))
        if not with_value:
            # With no fact to carry, a line built around {value} would have a hole in it.
            tiers = [[ln for ln in tier if "{value}" not in line_text(ln)] for tier in tiers]
        return tiers

    def pick(
        self,
        intent: Intent,
        band: Band,
        rng: Rng,
        used: list[str],
        with_value: bool = True,
        fired: frozenset[SignalKind] | None = None,
        said: str | None = None,
    ) -> str:
        """A line for the intent and band, avoiding lines already used while any alternative exists, and
        (given the triggers the agent used and what they ``said``) lines that throw back a trigger nobody
        used, quote words the agent never said, or answer cues (``after``) the agent did not say."""
        cued = self._tiers(intent, band, with_value)
        if said is not None:
            said_stems = [stem(w) for w in words(said)]
            cued = _prefer(cued, lambda ln: _cue_unheard(ln, said_stems))
        tiers = [[line_text(ln) for ln in tier] for tier in cued]
        if fired is not None:
            tiers = _prefer(tiers, lambda ln: throws_back_unsaid(ln, fired))
        if said is not None and intent in _ANSWERS_AGENT:
            heard = frozenset(words(said))
            tiers = _prefer(tiers, lambda ln: _quotes_unheard(ln, heard))
        return self._choose(tiers, rng, used)

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

    def opening(self, rng: Rng, used: list[str], band: Band) -> str:
        """The customer's first message: a scenario opening line, sometimes led by the persona's own.

        The persona's opening line (their voice: "Finally. Forty minutes I've been waiting.") leads half
        the time, only when the scenario's line does not greet already and the two share no three words.
        """
        slots = {"name": self.scenario.customer_name}
        line = fill(self._choose([list(self.scenario.opening_lines)], rng, used), slots)
        lead_roll = rng.random()
        own = self.persona.lines.get(Intent.opening, {})
        leads = [line_text(x) for x in own.get(band, [])] or [
            line_text(x) for b in NEIGHBOURS[band] for x in own.get(b, [])
        ]
        if not leads or _GREETING.match(line) or lead_roll >= OPENING_LEAD_SHARE:
            return line
        lead = fill(rng.choice(leads), slots)
        if _trigrams(lead) & _trigrams(line):
            return line
        used.append(lead)
        return f"{lead} {line}"

    def compose(
        self,
        intent: Intent,
        band: Band,
        facts: Sequence[Fact],
        agent_text: str,
        rng: Rng,
        used: list[str],
        quote: str | None = None,
        fired: frozenset[SignalKind] | None = None,
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
            template = (
                self.pick(intent, band, rng, used, fired=fired, said=agent_text)
                if rng.random() < 0.5
                else None
            )
            if template is not None and "{value}" in template and not noun_like(first.value):
                # A whole clause ("he rang last Tuesday…") does not fit a generic template: the
                # scenario's own wording says it, and the persona's line is not used this time.
                used.remove(template)
                template = None
            if template is not None and "{value}" in template:
                text = fill(template, {**slots, "value": first_person(first.value, self.pronoun)})
                parts.append(text)
                fact_lines[first.id] = text
                remaining = remaining[1:]
            elif template is not None:
                parts.append(fill(template, slots))
        else:
            lead = self.pick(
                intent, band, rng, used, with_value=bool(remaining), fired=fired, said=agent_text
            )
            value = (
                first_person(remaining[0].value, self.pronoun) if remaining and "{value}" in lead else None
            )
            parts.append(fill(lead, {**slots, "value": value or ""}))
            if value is not None:
                fact_lines[remaining[0].id] = parts[-1]
                remaining = remaining[1:]
        for fact in remaining:
            say = self._choose([list(fact.say)], rng, used)
            text = fill(say, {**slots, "value": first_person(fact.value, self.pronoun)})
            parts.append(text)
            fact_lines[fact.id] = text
        return Composed(text=" ".join(p for p in parts if p), fact_lines=fact_lines)


def fact_line(fact: Fact, customer_name: str, pronoun: str = "he") -> str:
    """The first authored wording of a fact, filled (for renderers that need an example)."""
    return fill(fact.say[0], {"name": customer_name, "value": first_person(fact.value, pronoun)})


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
