"""The team-owned lexicons (YAML beside this file), loaded once and compiled into patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from simcoach.scoring.lexicon.gates import Gate, first_words

NEGATIVE_FAMILIES = frozenset(
    {
        "anger",
        "frustration",
        "anxiety",
        "sadness",
        "disappointment",
        "confusion",
        "exhaustion",
        "shame",
        "inconvenience",
        "struggle",
    }
)


_FAMILY_CACHE: dict[str, str] = {}


def _read(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"lexicon {name} must be a mapping")
    return data


def word_list(name: str, key: str, values: Any) -> list[str]:
    """The entries of one list in a lexicon file, each checked to be a string as written."""
    if not isinstance(values, list):
        raise ValueError(f"lexicon {name}: {key} must be a list")
    for i, value in enumerate(values):
        if not isinstance(value, str):
            # unquoted, YAML reads on/off/yes/no as booleans and numbers as numbers
            raise ValueError(f"lexicon {name}: {key}[{i}] is {value!r}, not a word; write it in quotes")
    return values


# an apostrophe in a pattern that opens a contraction's ending: "you're", "you(?:'re| are)", "don't"
_CONTRACTION = re.compile(r"'(?=(m|re|ve|ll|d|s|t)(?![a-z]))")


def _in_lookbehind(source: str) -> list[bool]:
    """Per character of a pattern, whether it lies inside a look-behind group (escapes and classes read)."""
    inside: list[bool] = []
    groups: list[bool] = []  # per open group: is it a look-behind
    i = 0
    while i < len(source):
        c = source[i]
        width = 2 if c == "\\" else 1
        if c == "[":  # a class runs to the first "]" that is not its first member or escaped
            j = i + 1 + (source[i + 1 : i + 2] == "^")
            j += source[j : j + 1] == "]"
            while j < len(source) and source[j] != "]":
                j += 2 if source[j] == "\\" else 1
            width = j + 1 - i
        elif c == "(":
            groups.append(source.startswith(("(?<=", "(?<!"), i))
        elif c == ")" and groups:
            groups.pop()
        inside.extend([any(groups)] * width)
        i += width
    return inside


def _group_start(source: str, pos: int) -> int:
    """Where the non-capturing group holding ``pos`` opens, or ``pos`` when it is not in one."""
    depth = 0
    for i in range(pos - 1, -1, -1):
        c = source[i]
        if c == ")":
            depth += 1
        elif c == "(" and depth:
            depth -= 1
        elif c == "(":
            return i if source.startswith("(?:", i) else pos
    return pos


def _words_before(source: str, end: int) -> list[str]:
    """The word a pattern spells just before ``end`` ("you'…"), or each word of a group of plain words
    there ("(?:that|it)'…"); none when something else stands there."""
    start = end
    while start > 0 and source[start - 1].isalpha() and source[start - 2 : start - 1] != "\\":
        start -= 1
    if start < end:
        return [source[start:end]]
    if source[end - 1 : end] != ")":
        return []
    opener = _group_start(source, end - 1)
    words = source[opener + 3 : end - 1].split("|")
    return words if source.startswith("(?:", opener) and all(w.isalpha() for w in words) else []


def bare_contractions(source: str, lookalikes: frozenset[str]) -> str:
    """A pattern that also matches its contractions written without the apostrophe ("youre", "dont").

    The word before the apostrophe is read from the pattern text, across a group opening ("you(?:'re|…"):
    when a bare spelling is a word of its own (``lookalikes``: "well", "were"; so "(?:i|we)'ll" too) or the
    word cannot be read there, the apostrophe stays required.
    """

    fixed = _in_lookbehind(source)

    def optional(m: re.Match[str]) -> str:
        end = m.start()
        if fixed[end]:
            return "'"  # a look-behind must keep a fixed width: "(?<!n't )"
        while source.endswith(("(?:", "|"), 0, end):  # an alternative in a group: the word comes before it
            end = _group_start(source, end)
        words = _words_before(source, end)
        return "'" if not words or any(w + m.group(1) in lookalikes for w in words) else "'?"

    return _CONTRACTION.sub(optional, source)


def _compile(source: str) -> re.Pattern[str]:
    """Compile a lexicon pattern for lower-cased text.

    Signals match on lower-cased text, so no IGNORECASE (it makes large alternations 3-5× slower), and a
    leading word boundary becomes a look-behind, which lets the engine skip ahead on the first character.
    """
    if source.startswith("\\b("):
        source = r"(?<![\w'])" + source[2:]
    return re.compile(source)


def _feeling_pattern(entries: list[str]) -> str:
    parts: list[str] = []
    for entry in sorted(entries, key=len, reverse=True):
        if entry.endswith("*"):
            parts.append(re.escape(entry[:-1]) + r"[\w'-]*")
        else:
            parts.append(re.escape(entry))
    return r"\b(?:" + "|".join(parts) + r")\b"


@dataclass(frozen=True)
class Lexicon:
    """Every word list and compiled phrase pattern the signals read."""

    stopwords: frozenset[str]
    generic: frozenset[str]
    generic_stems: frozenset[str]
    second_person: frozenset[str]
    first_person: frozenset[str]
    contraction_lookalikes: frozenset[str]
    spelt_out: dict[str, str]  # a contraction typed without its apostrophe → as written ("didnt" → "didn't")
    patterns: dict[str, re.Pattern[str]]
    feeling: re.Pattern[str]
    feeling_families: dict[str, re.Pattern[str]]
    gates: dict[str, Gate | None]  # per pattern: the words a match can start with (see gates.py)
    feeling_gate: Gate | None  # the same for the feeling pattern

    def compile(self, source: str) -> re.Pattern[str]:
        """Compile a signal module's own pattern: its contractions also match without the apostrophe."""
        return re.compile(bare_contractions(source, self.contraction_lookalikes))

    def pattern(self, name: str) -> re.Pattern[str]:
        """The compiled phrase pattern called ``name`` in phrases.yaml."""
        return self.patterns[name]

    def family_of(self, word: str) -> str | None:
        """The feeling family a matched feeling word belongs to (first listed wins)."""
        got = _FAMILY_CACHE.get(word)
        if got is None:
            got = next((f for f, pat in self.feeling_families.items() if pat.fullmatch(word)), "")
            if len(_FAMILY_CACHE) < 50_000:
                _FAMILY_CACHE[word] = got
        return got or None


def load_lexicon() -> Lexicon:
    """Read and compile the lexicons; called once at import."""
    import snowballstemmer

    words = _read("words.yaml")
    phrases = _read("phrases.yaml")
    feelings = _read("feelings.yaml")
    stemmer = snowballstemmer.stemmer("english")
    generic = frozenset(word_list("words.yaml", "generic", words["generic"]))
    lookalikes = frozenset(word_list("words.yaml", "contraction_lookalikes", words["contraction_lookalikes"]))
    contractions = word_list("words.yaml", "contractions", words["contractions"])
    sources = {str(k): bare_contractions(str(v), lookalikes) for k, v in phrases.items()}
    patterns = {k: _compile(v) for k, v in sources.items()}
    entries = {str(k): word_list("feelings.yaml", str(k), v) for k, v in feelings.items()}
    families = {k: _compile(bare_contractions(_feeling_pattern(v), lookalikes)) for k, v in entries.items()}
    every = bare_contractions(_feeling_pattern([e for v in entries.values() for e in v]), lookalikes)
    return Lexicon(
        stopwords=frozenset(word_list("words.yaml", "stopwords", words["stopwords"])),
        generic=generic,
        generic_stems=frozenset(stemmer.stemWord(w) for w in generic),
        second_person=frozenset(word_list("words.yaml", "second_person", words["second_person"])),
        first_person=frozenset(word_list("words.yaml", "first_person", words["first_person"])),
        contraction_lookalikes=lookalikes,
        spelt_out={c.replace("'", ""): c for c in contractions},
        patterns=patterns,
        feeling=_compile(every),
        feeling_families=families,
        gates={k: first_words(v) for k, v in sources.items()},
        feeling_gate=first_words(every),
    )


LEXICON = load_lexicon()
