"""One tokenisation pass per message: tokens with offsets, stems, sentences and content words."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer

from simcoach.scoring.lexicon import LEXICON
from simcoach.scoring.lexicon.gates import Branches, Gate, ascii_only, opens

# possessive repeats: the greedy path is the only one a match can take (nothing follows a word that could
# make it back off), and the engine skips saving backtracking points for every word (~15% faster)
_TOKEN = re.compile(r"[A-Za-z0-9]++(?:['’][A-Za-z]++)*+|\?")
# A sentence ends at [.!?…]+ before a space or the end, at newlines, or at ";"/":" after a lower-case letter
# and before a space. Written to start with one character class, so the engine skips ahead to candidate
# characters instead of trying three alternatives at every position (5-6x faster, same matches).
_SENTENCE_END = re.compile(r"[.!?…\n;:](?:(?<=[.!?…])[.!?…]*(?=\s|$)|(?<=\n)\n*|(?<=[a-z][;:])(?=\s))")
_STEMMER = snowballstemmer.stemmer("english")
_STEM_CACHE: dict[str, str] = {}
_FEELINGS = " feelings"  # the feeling pattern's key among the gates (no phrase name holds a space)
_GATES: dict[str, Gate] = {
    key: gate for key, gate in [*LEXICON.gates.items(), (_FEELINGS, LEXICON.feeling_gate)] if gate is not None
}
_ASCII_ONLY = frozenset(key for key, gate in _GATES.items() if ascii_only(gate))
_PATTERNS = LEXICON.patterns
Matcher = Callable[[str, int], "re.Match[str] | None"]
_PATTERN_OF = {key: LEXICON.feeling if key == _FEELINGS else _PATTERNS[key] for key in _GATES}
# per gated pattern, its alternatives with their own gates: at a word, only those it opens are tried
_BRANCHES = {key: Branches.of(pattern) for key, pattern in _PATTERN_OF.items()}


def _gates_of(word: str) -> tuple[tuple[str, Matcher], ...]:
    """The gated patterns that may start at a token ``word`` (its own and, for "you're", those of its base
    "you"), each with the matcher of only the alternatives that may (cached with the word's entry)."""
    bases = (word, word.split("'")[0]) if "'" in word else (word,)
    opened: list[tuple[str, Matcher]] = []
    for key, gate in _GATES.items():
        if opens(gate, bases):
            branches = _BRANCHES[key]
            opened.append((key, (branches.for_word(bases) if branches else _PATTERN_OF[key]).match))
    return tuple(opened)


def stem(word: str) -> str:
    """The Snowball stem of a lower-case word, cached (the stemmer is pure Python and slow)."""
    got = _STEM_CACHE.get(word)
    if got is None:
        got = _STEMMER.stemWord(word)
        if len(_STEM_CACHE) < 200_000:  # bound memory on very long batch runs
            _STEM_CACHE[word] = got
    return got


class Token(NamedTuple):
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
    # every word lower-cased, plus the part before an apostrophe ("you're" → "you"): cheap gates
    lows: frozenset[str] = frozenset()
    # per gated pattern, the offsets where it may start here: where one of its first words starts, in order
    gated: dict[str, list[tuple[int, Matcher]]] = field(default_factory=dict, repr=False, compare=False)

    def words(self, sentence: Sentence) -> list[Token]:
        """The word tokens of one sentence (question marks dropped)."""
        return [t for t in self.tokens[sentence.first : sentence.last] if t.low != "?"]

    def _gated_here(self, key: str) -> bool:
        """Whether a pattern with no candidate offsets here can be skipped: it is gated (on ASCII text only,
        for a gate with a digit), so it cannot match."""
        return key in _GATES and (key not in _ASCII_ONLY or self.low.isascii())

    def search(self, name: str) -> re.Match[str] | None:
        """``LEXICON.patterns[name].search(self.low)``, tried only where one of its first words starts."""
        # a gated pattern begins at a word boundary with one of its first words, so matching at those
        # offsets alone finds the same leftmost match without the engine trying every alternative everywhere
        at = self.gated.get(name)
        if at is None:
            return None if self._gated_here(name) else _PATTERNS[name].search(self.low)
        low = self.low
        for pos, match in at:
            m = match(low, pos)
            if m is not None:
                return m
        return None

    def finditer(self, name: str) -> Iterator[re.Match[str]]:
        """``LEXICON.patterns[name].finditer(self.low)``, tried where :meth:`search` tries.

        Lazy, like ``re.finditer``: a caller that stops at the first usable match does no further work.
        """
        at = self.gated.get(name)
        if at is None:
            return iter(()) if self._gated_here(name) else _PATTERNS[name].finditer(self.low)
        return self._finditer(at)

    def may_feel(self) -> bool:
        """Whether a feeling phrase may start here: one of their first words is present (their gate)."""
        return _FEELINGS in self.gated or not self._gated_here(_FEELINGS)

    def feelings(self) -> Iterator[re.Match[str]]:
        """``LEXICON.feeling.finditer(self.low)``, tried only where a feeling phrase's first word starts."""
        at = self.gated.get(_FEELINGS)
        if at is None:
            return iter(()) if self._gated_here(_FEELINGS) else LEXICON.feeling.finditer(self.low)
        return self._finditer(at)

    def feels_within(self, lo: int, hi: int) -> bool:
        """Whether a feeling phrase lies in ``low[lo:hi]`` (found through the gates, not a search of it)."""
        return self.may_feel() and any(lo <= m.start() and m.end() <= hi for m in self.feelings())

    def _finditer(self, at: list[tuple[int, Matcher]]) -> Iterator[re.Match[str]]:
        low = self.low
        done = 0  # matches do not overlap: the next one starts at or after the end of the last
        for pos, match in at:
            if pos < done:
                continue
            m = match(low, pos)
            if m is not None:
                yield m
                done = max(m.end(), pos + 1)

    def sentence_at(self, pos: int) -> Sentence | None:
        """The sentence holding character ``pos``."""
        for s in self.sentences:
            if s.start <= pos < s.end:
                return s
        return None


def normalise(text: str) -> str:
    """Lower-case with straight apostrophes, always the same length as the input (offsets stay valid).

    An opening single quotation mark becomes a double one: "'under review'" is the phrase "under review",
    while the patterns refuse a word right after an apostrophe (the "t" of "don't").
    """
    low = text.lower()
    if len(low) != len(text):  # a few characters (e.g. 'İ') lower-case to two code points
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    low = low.replace("’", "'").replace("‘", '"')
    if " '" not in low and low[:1] != "'" and "\n'" not in low and "('" not in low:
        return low  # every apostrophe follows a letter or a mark: contractions only (nearly every message)
    at = low.find("'")
    while at != -1:  # a plain scan: most apostrophes are contractions, checked by one character before
        if (at == 0 or low[at - 1] in _BEFORE_QUOTE) and low[at + 1 : at + 2].isalnum():
            low = f'{low[:at]}"{low[at + 1 :]}'
        at = low.find("'", at + 1)
    return low


_BEFORE_QUOTE = frozenset(' \t\n(["')


_QUESTION_INFO = ("?", "?", False, 0.0)
_new_token = tuple.__new__  # a token is a tuple: building it from cached word info is one C call


def _word_info(low: str) -> tuple[str, str, bool, float]:
    """(word, stem, carries content, specificity weight) of a lower-cased word (cached in its entry)."""
    lex = LEXICON
    # "dont" is "don't": its base is "don", however it was typed
    written = lex.spelt_out.get(low, low)
    base = written.split("'")[0] if "'" in written else written
    # seven characters of the stem: Snowball leaves "diagnosed"/"diagnosis" as diagnos/diagnosi
    st = stem(base)[:7]
    is_content = base not in lex.stopwords and len(base) > 1 and not base.isdigit()
    weight = 0.0
    if is_content:
        weight = 0.4 if (base in lex.generic or st in lex.generic_stems) else 1.0
    return (low, st, is_content, weight)


_Entry = tuple[tuple[str, str, bool, float], tuple[tuple[str, Matcher], ...], str]
_WORD_ENTRY: dict[str, _Entry] = {}


def _word_entry(low: str) -> _Entry:
    """Everything one pass needs of a word, cached across messages: its info, the gated patterns it may
    open, and its base before an apostrophe ("you're" → "you"; "" without one)."""
    got = (_word_info(low), _gates_of(low), low.split("'")[0] if "'" in low else "")
    if len(_WORD_ENTRY) < 200_000:  # bound memory on very long batch runs
        _WORD_ENTRY[low] = got
    return got


def words_of(text: str) -> list[str]:
    """The lower-cased words of a message, as :func:`analyse` tokenises them, without analysing it."""
    return [w for w in _TOKEN.findall(normalise(text)) if w != "?"]


def analyse_uncached(text: str) -> Analysed:
    """Tokenise, stem and split a message into sentences, and index where each gated pattern may start."""
    low_text = normalise(text)
    tokens: list[Token] = []
    append = tokens.append
    content: dict[str, float] = {}
    starts: list[int] = []
    lows: set[str] = set()
    # one pass over the words for all the gated patterns (a word opens a few at most): offsets come in
    # order, so each pattern's candidates need no sorting
    # a plain dict, not a defaultdict: the interpreter's fast paths for dict methods skip subclasses, and
    # every pattern search reads this mapping (a defaultdict cost ~6 % more instructions per turn)
    gated: dict[str, list[tuple[int, Matcher]]] = {}
    entry_of, candidates = _WORD_ENTRY.get, gated.get
    for m in _TOKEN.finditer(low_text):
        low = m.group()
        span = m.span()
        at = span[0]
        starts.append(at)
        if low == "?":
            append(_new_token(Token, span + _QUESTION_INFO))
            continue
        got, keys, base = entry_of(low) or _word_entry(low)
        append(_new_token(Token, span + got))
        if got[2] and got[3] > content.get(got[1], 0.0):
            content[got[1]] = got[3]
        lows.add(low)
        if base:
            lows.add(base)
        for key, match in keys:
            where = candidates(key)
            if where is None:
                gated[key] = [(at, match)]
            else:
                where.append((at, match))
    if not low_text.isascii():
        for key in _ASCII_ONLY:  # their gates hold only for ASCII text: these search the whole text
            gated.pop(key, None)
    return Analysed(
        text=text,
        low=low_text,
        tokens=tokens,
        sentences=_split(text, starts),
        content=content,
        lows=frozenset(lows),
        gated=gated,
    )


def _split(text: str, starts: list[int]) -> list[Sentence]:
    """Sentences that hold at least one token (given by its start offset), trimmed of whitespace."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    ends.append(len(text))
    sentences: list[Sentence] = []
    pos = ti = 0
    for end in ends:
        if end <= pos:
            continue
        hi = bisect_left(starts, end, ti)  # tokens starting before the boundary belong to this sentence
        if hi > ti:
            seg = text[pos:end]
            start = pos + len(seg) - len(seg.lstrip())
            stop = pos + len(seg.rstrip())
            sentences.append(Sentence(start, stop, ti, hi, "?" in text[start:stop]))
            ti = hi
        pos = end
    return sentences


@lru_cache(maxsize=4096)
def analyse(text: str) -> Analysed:
    """Cached :func:`analyse_uncached`: a conversation's customer messages are re-read on every later turn."""
    return analyse_uncached(text)
