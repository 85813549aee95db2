"""One tokenisation pass per message: tokens with offsets, stems, sentences and content words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

from simcoach.scoring.lexicon import LEXICON

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*|\?")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n+|(?<=[a-z])[;:](?=\s)")
_STEMMER = snowballstemmer.stemmer("english")
_STEM_CACHE: dict[str, str] = {}


def stem(word: str) -> str:
    """The Snowball stem of a lower-case word, cached (the stemmer is pure Python and slow)."""
    got = _STEM_CACHE.get(word)
    if got is None:
        got = _STEMMER.stemWord(word)
        if len(_STEM_CACHE) < 200_000:  # bound memory on very long batch runs
            _STEM_CACHE[word] = got
    return got


@dataclass(slots=True)
class Token:
    """A word of a message: where it is, its lower-case form and stem, and whether it carries content."""

    start: int
    end: int
    low: str
    stem: str
    content: bool
    weight: float


@dataclass(slots=True)
class Sentence:
    """A sentence as a token range plus its character range."""

    start: int
    end: int
    first: int
    last: int  # exclusive token index
    question_mark: bool


@dataclass(slots=True)
class Analysed:
    """A message after the single analysis pass every signal reads from."""

    text: str
    low: str
    tokens: list[Token]
    sentences: list[Sentence]
    content: dict[str, float] = field(default_factory=dict)  # stem -> specificity weight
    lows: frozenset[str] = frozenset()  # every word, lower-cased: cheap gates before costly patterns

    def words(self, sentence: Sentence) -> list[Token]:
        """The word tokens of one sentence (question marks dropped)."""
        return [t for t in self.tokens[sentence.first : sentence.last] if t.low != "?"]

    def sentence_at(self, pos: int) -> Sentence | None:
        """The sentence holding character ``pos``."""
        for s in self.sentences:
            if s.start <= pos < s.end:
                return s
        return None


def _normalise(text: str) -> str:
    """Lower-case with straight apostrophes, always the same length as the input (offsets stay valid)."""
    low = text.lower()
    if len(low) != len(text):  # a few characters (e.g. 'İ') lower-case to two code points
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.replace("’", "'")


_WORD_INFO: dict[str, tuple[str, bool, float]] = {}


def _word_info(low: str) -> tuple[str, bool, float]:
    """(stem, carries content, specificity weight) of a lower-cased word, cached across messages."""
    got = _WORD_INFO.get(low)
    if got is None:
        lex = LEXICON
        base = low.split("'")[0] if "'" in low else low
        # seven characters of the stem: Snowball leaves "diagnosed"/"diagnosis" as diagnos/diagnosi
        st = stem(base)[:7]
        is_content = base not in lex.stopwords and len(base) > 1 and not base.isdigit()
        weight = 0.0
        if is_content:
            weight = 0.4 if (base in lex.generic or st in lex.generic_stems) else 1.0
        got = (st, is_content, weight)
        if len(_WORD_INFO) < 200_000:  # bound memory on very long batch runs
            _WORD_INFO[low] = got
    return got


def analyse_uncached(text: str) -> Analysed:
    """Tokenise, stem and split a message into sentences."""
    low_text = _normalise(text)
    tokens: list[Token] = []
    append = tokens.append
    content: dict[str, float] = {}
    for m in _TOKEN.finditer(low_text):
        low = m.group()
        start, end = m.span()
        if low == "?":
            append(Token(start, end, low, low, False, 0.0))
            continue
        st, is_content, weight = _word_info(low)
        append(Token(start, end, low, st, is_content, weight))
        if is_content and weight > content.get(st, 0.0):
            content[st] = weight
    return Analysed(
        text=text,
        low=low_text,
        tokens=tokens,
        sentences=_split(text, tokens),
        content=content,
        lows=frozenset(t.low for t in tokens),
    )


def _split(text: str, tokens: list[Token]) -> list[Sentence]:
    bounds: list[tuple[int, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if text[pos:end].strip():
            bounds.append((pos, end))
        pos = end
    if text[pos:].strip():
        bounds.append((pos, len(text)))
    sentences: list[Sentence] = []
    ti = 0
    for start, end in bounds:
        first = ti
        while ti < len(tokens) and tokens[ti].start < end:
            ti += 1
        if ti == first:
            continue
        # trim leading whitespace so spans start on a character
        while start < end and text[start].isspace():
            start += 1
        stop = end
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        sentences.append(Sentence(start, stop, first, ti, "?" in text[start:stop]))
    return sentences


@lru_cache(maxsize=4096)
def analyse(text: str) -> Analysed:
    """Cached :func:`analyse_uncached`: a conversation's earlier turns are re-read on every later turn."""
    return analyse_uncached(text)
