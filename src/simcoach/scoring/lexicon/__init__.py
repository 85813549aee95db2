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
    patterns: dict[str, re.Pattern[str]]
    feeling: re.Pattern[str]
    feeling_families: dict[str, re.Pattern[str]]
    gates: dict[str, Gate | None]  # per pattern: the words a match can start with (see gates.py)
    feeling_gate: Gate | None  # the same for the feeling pattern

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
    patterns = {str(k): _compile(str(v)) for k, v in phrases.items()}
    entries = {str(k): word_list("feelings.yaml", str(k), v) for k, v in feelings.items()}
    families = {k: _compile(_feeling_pattern(v)) for k, v in entries.items()}
    every = _feeling_pattern([e for v in entries.values() for e in v])
    return Lexicon(
        stopwords=frozenset(word_list("words.yaml", "stopwords", words["stopwords"])),
        generic=generic,
        generic_stems=frozenset(stemmer.stemWord(w) for w in generic),
        second_person=frozenset(word_list("words.yaml", "second_person", words["second_person"])),
        first_person=frozenset(word_list("words.yaml", "first_person", words["first_person"])),
        patterns=patterns,
        feeling=_compile(every),
        feeling_families=families,
        gates={str(k): first_words(str(v)) for k, v in phrases.items()},
        feeling_gate=first_words(every),
    )


LEXICON = load_lexicon()


def feeling_entries() -> list[str]:
    """Every entry of feelings.yaml, as written (a trailing * marks a prefix)."""
    return [str(e) for v in _read("feelings.yaml").values() for e in v]
