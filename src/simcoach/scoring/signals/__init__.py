"""Signals: small pure functions over one analysed agent turn and its context, returning spans."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import cast

from simcoach.content.scenario import Scenario
from simcoach.content.vocabulary import SignalKind
from simcoach.scoring.lexicon import LEXICON, NEGATIVE_FAMILIES
from simcoach.scoring.models import ChatTurn, Signal, Span, prebuilt
from simcoach.scoring.signals.literal import literal_feeling_word
from simcoach.scoring.text import Analysed, analyse, analyse_uncached, normalise, words_of

_P = LEXICON.patterns
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_NUMBER = re.compile(r"(?<![\w£$€])#?[A-Za-z]{0,4}-?\d{4,}[A-Za-z0-9-]*\b")
_POSTCODE = re.compile(r"\b[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}\b")
_DATE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{1,2}(?:st|nd|rd|th)? (?:of )?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
    r"|\b(?:jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{1,2}\b",
    re.IGNORECASE,
)
_ADDRESS = re.compile(
    r"\b\d+[a-z]? \w+ (?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|close|way|court)\b", re.I
)
_NAME = re.compile(r"\b(?i:my name is|my name's|i'm called|call me)\s+([A-Z][a-z]{1,20})")
_DIGIT = re.compile(r"\d")
_SHOUT = re.compile(r"\b[A-Z]{4,}\b")
# the customer's words as the agent would say them, so "my bill doubled" and "your bill doubled" compare
_PERSPECTIVE = {
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "i'm": "you're",
    "am": "are",
    "i've": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "myself": "yourself",
}


@dataclass(frozen=True, slots=True)
class CustomerView:
    """What the scorer needs to know about one customer message, computed once per distinct text."""

    a: Analysed
    feelings: tuple[tuple[int, int, str], ...]  # (start, end, family)
    sarcastic: bool
    distressed: bool
    closing: bool
    questions: tuple[tuple[int, int], ...]  # spans of genuine (non-rhetorical) questions
    values: frozenset[str]  # slot types given: number, email, postcode, date, address, name
    name: str | None
    said: tuple[str, ...] = ()  # the words as the agent would say them back ("my" → "your")
    stems: tuple[tuple[str, int, int], ...] = ()  # (stem, start, end) of each content word
    negative_families: frozenset[str] = frozenset()  # families of the negative feelings expressed
    bereaved: bool = False  # a death in the family was mentioned ("my husband died")


# "Lovely. My bill's doubled. Fantastic.": a sentence of cheer and nothing else, beside a complaint
_LONE_CHEER = re.compile(
    r"\W*(?:oh,? )?(?:lovely|fantastic|great|brilliant|perfect|wonderful|marvell?ous|super|terrific|excellent"
    r"|awesome)\W*$"
)


# "I'm not angry, just tired": a negative feeling the customer denies is not one they expressed, and "not
# so happy" is a disappointment ("I can't stop worrying" still worries: the negation governs another verb)
_DENIED = re.compile(r"(?:\bnot|n't|\bnever|\bno longer)\s+(?:(?:even|really|that|so|too|very|at all)\s+)?$")


@lru_cache(maxsize=4096)
def customer_view(text: str) -> CustomerView:
    """Analyse a customer message once: feelings, sarcasm, distress, questions and given values."""
    a = analyse(text)
    low = a.low
    feelings: tuple[tuple[int, int, str], ...] = ()
    if a.may_feel():
        felt = []
        for m in a.feelings():
            if literal_feeling_word(low, m.start(), m.end()):
                continue
            family = LEXICON.family_of(m.group()) or "other"
            if _DENIED.search(low, max(0, m.start() - 16), m.start()):
                if family in NEGATIVE_FAMILIES:
                    continue
                family = "disappointment" if family == "relief" else family
            felt.append((m.start(), m.end(), family))
        feelings = tuple(felt)
    sarcastic = a.search("sarcasm_cue") is not None or (
        len(a.sentences) > 1
        and any(_LONE_CHEER.match(low, s.start, s.end) for s in a.sentences)
        and a.search("complaint_cue") is not None
    )
    negative = frozenset(f for _, _, f in feelings if f in NEGATIVE_FAMILIES)
    complaint = bool(negative)
    bereaved = a.search("bereavement") is not None
    distressed = (
        complaint
        or bereaved
        or sarcastic
        or "!" in text
        or _SHOUT.search(text) is not None
        or a.search("complaint_cue") is not None
    )
    questions: list[tuple[int, int]] = []
    for s in a.sentences:
        seg = low[s.start : s.end]
        if s.question_mark and not _P["rhetorical_customer_question"].search(seg):
            questions.append((s.start, s.end))
    values: set[str] = set()
    if "@" in text and _EMAIL.search(text):
        values.add("email")
    if _DIGIT.search(text):  # every typed value below but names has a digit
        for slot, pattern in (("number", _NUMBER), ("postcode", _POSTCODE), ("address", _ADDRESS)):
            if pattern.search(text):
                values.add(slot)
        if _DATE.search(text):
            values.add("date")
    name_m = _NAME.search(text) if "name" in low or "call" in low else None
    if name_m:
        values.add("name")
    closing = not complaint and not questions and a.search("customer_closing") is not None
    said = tuple(_PERSPECTIVE.get(tok.low, tok.low) for tok in a.tokens if tok.low != "?")
    return CustomerView(
        said=said,
        negative_families=negative,
        stems=tuple((tok.stem, tok.start, tok.end) for tok in a.tokens if tok.content),
        a=a,
        feelings=feelings,
        sarcastic=sarcastic,
        distressed=distressed,
        closing=closing and len(a.tokens) <= 15,
        questions=tuple(questions),
        values=frozenset(values),
        name=name_m.group(1) if name_m else None,
        bereaved=bereaved,
    )


@dataclass(frozen=True, slots=True)
class EarlierTurn:
    """An earlier agent turn: the signals read only its words, so it is not analysed again."""

    text: str
    low: str  # as :func:`~simcoach.scoring.text.normalise` gives it


@dataclass(slots=True)
class TurnInput:
    """The agent turn under assessment and the conversation before it."""

    agent: Analysed
    customers: list[tuple[int, CustomerView]]  # (index in context, view), oldest first
    agents: list[EarlierTurn]  # earlier agent turns, oldest first
    scenario: Scenario | None = None
    customer_name: str | None = None
    cache: dict[str, object] = field(default_factory=dict)

    @property
    def last_customer(self) -> tuple[int, CustomerView] | None:
        """The customer's most recent message, if any."""
        return self.customers[-1] if self.customers else None

    @property
    def recent_customers(self) -> list[tuple[int, CustomerView]]:
        """The customer's last two messages (reflections usually reach back that far)."""
        return self.customers[-2:]

    @property
    def bereaved(self) -> bool:
        """Whether the customer has reported a death in this conversation ("my husband died")."""
        return any(view.bereaved for _, view in self.customers)

    @property
    def recent_stems(self) -> set[str]:
        """Content stems of the customer's last two messages, worked out once per turn (several signals)."""
        got = self.cache.get("recent_stems")
        if got is None:
            got = self.cache["recent_stems"] = {
                st for _, view in self.customers[-2:] for st in view.a.content
            }
        return cast(set[str], got)


def prepare(context: Sequence[ChatTurn], text: str, scenario: Scenario | None) -> TurnInput:
    """Analyse the agent turn and its context (customer messages are cached across calls)."""
    customers: list[tuple[int, CustomerView]] = []
    agents: list[EarlierTurn] = []
    name = scenario.customer_name.split()[0] if scenario is not None else None
    for i, turn in enumerate(context):
        if turn.role == "customer":
            view = customer_view(turn.text)
            if turn.sarcastic and not view.sarcastic:
                # the engine chose sarcasm for this line: it knows what no word list can hear in "Wonderful."
                view = replace(view, sarcastic=True, distressed=True)
            customers.append((i, view))
            if name is None and view.name:
                name = view.name
        else:
            agents.append(EarlierTurn(turn.text, normalise(turn.text)))
    # The turn is not cached: it comes back only as an earlier turn, which needs its words alone, and a
    # cached analysis (a token object per word) would stay for the garbage collector to walk, turn after turn
    return TurnInput(
        agent=analyse_uncached(text),
        customers=customers,
        agents=agents,
        scenario=scenario,
        customer_name=name,
    )


def span(a: Analysed, start: int, end: int, kind: SignalKind | None = None) -> Span:
    """An agent-text span, trimmed of surrounding whitespace."""
    while start < end and a.text[start].isspace():
        start += 1
    while end > start and a.text[end - 1].isspace():
        end -= 1
    # offsets into the text, so valid by construction: built without validation (see ``prebuilt``)
    values = {
        "start": start,
        "end": end,
        "text": a.text[start:end],
        "source": "agent",
        "turn": None,
        "kind": kind,
    }
    return prebuilt(Span, values, _AGENT_SPAN)


_AGENT_SPAN = frozenset({"start", "end", "text", "kind"})
_CUSTOMER_SPAN = frozenset({"start", "end", "text", "source", "turn"})
_SIGNAL = frozenset({"kind", "span", "strength", "reflects", "detail"})


def customer_span(view: CustomerView, turn: int, start: int, end: int) -> Span:
    """A span of a customer message in the context."""
    values = {
        "start": start,
        "end": end,
        "text": view.a.text[start:end],
        "source": "customer",
        "turn": turn,
        "kind": None,
    }
    return prebuilt(Span, values, _CUSTOMER_SPAN)


def sig(
    kind: SignalKind,
    a: Analysed,
    start: int,
    end: int,
    *,
    strength: float = 1.0,
    reflects: list[Span] | None = None,
    detail: str = "",
) -> Signal:
    """A signal over agent characters ``[start, end)``."""
    values = {
        "kind": kind,
        "span": span(a, start, end, kind),
        "strength": float(max(0.0, min(1.0, strength))),
        "reflects": list(reflects) if reflects else [],
        "detail": detail,
    }
    return prebuilt(Signal, values, _SIGNAL)


def sentence_text(a: Analysed, start: int, end: int) -> str:
    """Lower-case text of a character range."""
    return a.low[start:end]


def repeats_customer(low: str, pos: int, customers: Sequence[Sequence[str]], n: int = 4) -> bool:
    """Whether the agent's next ``n`` words (at least three) from ``pos`` are the customer's own, said back
    ("my" → "your")."""
    said = words_of(low[pos : pos + 48])[:n]
    if len(said) < 3:
        return False
    phrase = " " + " ".join(said) + " "
    return any(phrase in " " + " ".join(words) + " " for words in customers)


def negated_before(low: str, pos: int, window: int = 24) -> bool:
    """Whether a negation word sits just before ``pos`` in the same clause."""
    lo = max(0, pos - window)
    left = low[lo:pos]
    if " and " in left or " so " in left:
        # "that's not good enough and I'm going to fix it": "and"/"so" before a new subject opens a clause
        for m in _NEW_CLAUSE.finditer(low, lo, pos + 12):
            if m.end() <= pos:
                left = low[m.end() : pos]
    for stop in (".", "!", "?", ",", ";", ":", " but ", " - ", " – ", " — "):
        cut = left.rfind(stop)
        if cut >= 0:
            left = left[cut + len(stop) :]
    if "sure" in left or "certain" in left:
        # "I'm not sure why you're shouting" hedges a question, it negates nothing after it (but "I'm not
        # sure I can refund that" doubts the refund); the wh-word may be where the checked phrase begins
        left = _HEDGE.sub(" ", left)
        if _WH.match(low, pos):
            left = _HEDGE_END.sub(" ", left)
    return _P["negation"].search(left) is not None


_NEW_CLAUSE = LEXICON.compile(r" (?:and|so) (?=(?:i|we|i'm|i'll|i've|we're|we'll|we've)\b)")
_WH_WORDS = r"(?:why|what|how|whether|if|when|where|who)\b"
_HEDGE = re.compile(r"\bnot (?:sure|certain) " + _WH_WORDS)
_HEDGE_END = re.compile(r"\bnot (?:sure|certain) *$")
_WH = re.compile(_WH_WORDS)
