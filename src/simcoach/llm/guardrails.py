"""The reply guard: checks the customer's words as they stream, before any piece reaches the agent.

Phrases are matched on word tokens, so "I'm an A.I." and "i m  an ai" are the same. While streaming, the
guard holds back only the tail that could still grow into a forbidden phrase (a hold-back window as long
as the ambiguity), so a break like "as an AI language model" is caught before its forbidden words are
released, and ordinary words, the first word of a reply included, pass without delay.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from simcoach.content.vocabulary import HostilityCeiling
from simcoach.llm import guard_phrases as P

_TOKEN = re.compile(r"[^\W_]+")
_NUMBERISH = re.compile(r"\d[\d.,:/-]*\d|\d{2,}")


class GuardCategory(StrEnum):
    """Why a reply was refused."""

    ai_disclosure = "ai_disclosure"
    instructions = "instructions"
    coaching = "coaching"
    agent_lines = "agent_lines"
    fact_leak = "fact_leak"
    hostility = "hostility"
    empty = "empty"


@dataclass(frozen=True)
class Violation:
    """A refused reply: the category and the words that tripped it."""

    category: GuardCategory
    matched: str

    def event(self) -> str:
        """The event string stored with the turn."""
        return f"guard:{self.category.value} {self.matched!r}"


@dataclass(frozen=True)
class Verdict:
    """The guard's answer for the text so far: a violation, or how much of it may be released."""

    violation: Violation | None
    safe_len: int


@dataclass(frozen=True)
class _Phrase:
    tokens: tuple[str, ...]
    category: GuardCategory

    def token_matches(self, i: int, token: str, *, partial: bool) -> bool:
        """Whether ``token`` fits position ``i``; ``partial`` when the token may still grow."""
        want = self.tokens[i]
        if want.endswith("*"):
            stem = want[:-1]
            return stem.startswith(token) if partial and len(token) < len(stem) else token.startswith(stem)
        return want.startswith(token) if partial else token == want


def _tokens(phrase: str) -> tuple[str, ...]:
    parts = [p for p in re.split(r"[^\w*]+", phrase.lower()) if p]
    return tuple(parts)


def hostility_phrases(ceiling: HostilityCeiling) -> list[str]:
    """Words the persona's hostility ceiling forbids (slurs and personal abuse are always forbidden)."""
    banned = [*P.SWEAR_STRONG, *P.PERSONAL_ABUSE]
    if ceiling is not HostilityCeiling.strong:
        banned += [*P.SWEAR_MILD, *P.COMPANY_INSULTS]
    if ceiling in (HostilityCeiling.none, HostilityCeiling.mild):
        banned += P.SHARP
    if ceiling is HostilityCeiling.none:
        banned += P.RUDE_MILD
    return banned


def hidden_value_phrases(hidden_values: Iterable[str], allowed_text: str) -> list[str]:
    """Phrases revealing a fact not yet allowed: its whole value, and numbers in it not said elsewhere."""
    allowed_tokens = " ".join(_tokens(allowed_text))
    out: list[str] = []
    for value in hidden_values:
        whole = " ".join(_tokens(value))
        if whole and f" {whole} " not in f" {allowed_tokens} ":
            out.append(whole)
        for number in _NUMBERISH.findall(value):
            tokens = " ".join(_tokens(number))
            if tokens and f" {tokens} " not in f" {allowed_tokens} ":
                out.append(tokens)
    return out


@dataclass
class ReplyGuard:
    """Checks one reply, incrementally; build one per reply with :func:`build_guard`."""

    phrases: list[_Phrase]
    forbid_caps: bool
    exempt: frozenset[str] = frozenset()
    _index: dict[str, list[_Phrase]] = field(default_factory=dict, init=False)
    _stars: list[_Phrase] = field(default_factory=list, init=False)
    _longest: int = field(default=1, init=False)

    def __post_init__(self) -> None:
        for phrase in self.phrases:
            first = phrase.tokens[0]
            if first.endswith("*"):
                self._stars.append(phrase)
            else:
                self._index.setdefault(first, []).append(phrase)
            self._longest = max(self._longest, len(phrase.tokens))

    def _starting_with(self, token: str) -> Iterable[_Phrase]:
        yield from self._index.get(token, ())
        yield from self._stars

    def scan(self, text: str, *, final: bool = False) -> Verdict:
        """Check ``text`` (the whole reply so far); ``final`` when no more text will come."""
        matches = list(_TOKEN.finditer(text))
        tokens = [m.group().lower() for m in matches]
        # The last token may still grow unless the stream has ended or a separator follows it.
        open_tail = not final and bool(matches) and matches[-1].end() == len(text)
        complete = len(tokens) - 1 if open_tail else len(tokens)
        violation = self._find_complete(tokens, complete) or self._label_violation(text, final)
        if violation is None and self.forbid_caps:
            violation = self._caps_violation(matches[:complete])
        if violation is None and final and not text.strip():
            violation = Violation(GuardCategory.empty, "")
        if violation is not None:
            return Verdict(violation, 0)
        if final:
            return Verdict(None, len(text))
        hold = min(self._partial_hold(matches, tokens, open_tail), self._label_hold(text))
        if self.forbid_caps and open_tail and _is_shout(matches[-1].group(), partial=True):
            hold = min(hold, matches[-1].start())
        return Verdict(None, hold)

    def _find_complete(self, tokens: list[str], complete: int) -> Violation | None:
        for start in range(complete):
            if tokens[start] in self.exempt:
                continue
            for phrase in self._starting_with(tokens[start]):
                n = len(phrase.tokens)
                if start + n <= complete and all(
                    phrase.token_matches(i, tokens[start + i], partial=False) for i in range(n)
                ):
                    return Violation(phrase.category, " ".join(tokens[start : start + n]))
        return None

    def _partial_hold(self, matches: list[re.Match[str]], tokens: list[str], open_tail: bool) -> int:
        """Where to stop releasing: before the part of the tail that could still complete a phrase.

        The first word of a multi-word phrase is released ("as" of "as an AI", "I" of "I am an AI"):
        alone it is harmless, and the words that would complete the phrase are held. Whole single-word
        phrases (swearing, model names) and hidden numbers are held from their first character (a lone
        letter excepted).
        """
        n = len(tokens)
        hold = len(matches[-1].string) if matches else 0
        for start in range(max(0, n - self._longest), n):
            span = n - start
            lone_letter = span == 1 and open_tail and len(tokens[start]) == 1
            for phrase in self._candidates(tokens[start], open_tail and span == 1):
                if span > len(phrase.tokens) or (span == len(phrase.tokens) and not open_tail):
                    continue
                if not all(
                    phrase.token_matches(i, tokens[start + i], partial=open_tail and start + i == n - 1)
                    for i in range(span)
                ):
                    continue
                if phrase.category is GuardCategory.fact_leak and phrase.tokens[0][:1].isdigit():
                    return matches[start].start()  # even part of a hidden number says too much
                if len(phrase.tokens) == 1:
                    if not lone_letter:
                        hold = min(hold, matches[start].start())
                elif span > 1:
                    hold = min(hold, matches[start + 1].start())
        return hold

    def _candidates(self, token: str, partial: bool) -> Iterable[_Phrase]:
        if not partial:
            yield from self._starting_with(token)
            return
        for first, phrases in self._index.items():
            if first.startswith(token):
                yield from phrases
        yield from self._stars

    def _label_violation(self, text: str, final: bool) -> Violation | None:
        for line in text.splitlines():
            low = line.strip().lower()
            if any(low.startswith(label) for label in P.LABELS):
                return Violation(GuardCategory.agent_lines, low.split(":", 1)[0] + ":")
        return None

    def _label_hold(self, text: str) -> int:
        line_start = text.rfind("\n") + 1
        tail = text[line_start:].lstrip().lower()
        if len(tail) > 1 and any(label.startswith(tail) for label in P.LABELS):
            return line_start
        return len(text)

    def _caps_violation(self, matches: list[re.Match[str]]) -> Violation | None:
        for m in matches:
            if _is_shout(m.group(), partial=False):
                return Violation(GuardCategory.hostility, m.group())
        return None


def _is_shout(word: str, *, partial: bool) -> bool:
    letters = [c for c in word if c.isalpha()]
    minimum = 2 if partial else 3
    return len(letters) >= minimum and word.isupper() and word.lower() not in P.ACRONYMS


def build_guard(
    *,
    hostility: HostilityCeiling = HostilityCeiling.moderate,
    hidden_values: Iterable[str] = (),
    allowed_text: str = "",
    exempt_words: Iterable[str] = (),
) -> ReplyGuard:
    """A guard for one reply: fixed categories plus the persona's ceiling and the facts still hidden."""
    groups: list[tuple[GuardCategory, Iterable[str]]] = [
        (GuardCategory.ai_disclosure, P.AI_DISCLOSURE),
        (GuardCategory.instructions, P.INSTRUCTIONS),
        (GuardCategory.coaching, P.COACHING),
        (GuardCategory.hostility, hostility_phrases(hostility)),
        (GuardCategory.fact_leak, hidden_value_phrases(hidden_values, allowed_text)),
    ]
    phrases = [_Phrase(_tokens(p), cat) for cat, items in groups for p in items if _tokens(p)]
    forbid_caps = hostility in (HostilityCeiling.none, HostilityCeiling.mild)
    # Words in the customer's own name (e.g. "Claude") are not a model name when the customer says them.
    exempt = frozenset(t for w in exempt_words for t in _tokens(w))
    return ReplyGuard(phrases=phrases, forbid_caps=forbid_caps, exempt=exempt)
