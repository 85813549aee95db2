"""Text helpers shared by disclosure and the rules: tokens, stems, sentences, normalised forms."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[a-z0-9£$€][a-z0-9'’.,£$€-]*[a-z0-9]|[a-z0-9]", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_STEMMER = snowballstemmer.stemmer("english")

# Words too common to say what a question is about; kept short on purpose (question words like
# "when" and "how" are dropped because every probe has one and they would match every fact).
_STOP = """a an the and or but if of to in on at by for with from about as into onto over under is are was
    were be been being am do does did doing have has had having i me my mine we us our you your yours he
    him his she her it its they them their this that these those there here what when where which who whom
    whose why how can could would should will shall may might must just so than then too very also not no
    yes please tell let know okay ok sure right well any some anything something all get got go going
    one like can't cannot don't didn't won't i'm i've i'd you're it's that's there's"""
STOPWORDS: frozenset[str] = frozenset(_STOP.split())


def words(text: str) -> list[str]:
    """Lower-case word tokens (keeps money and dates like '£89.99' and '3rd' together)."""
    return [w.strip(".,").replace("’", "'") for w in _WORD.findall(text.lower())]


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """The English Snowball stem of one lower-case word."""
    return str(_STEMMER.stemWord(word))


def content_stems(text: str) -> frozenset[str]:
    """Stems of the words that carry meaning (stopwords dropped)."""
    return frozenset(stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1)


def sentences(text: str) -> list[str]:
    """The sentences of a message, stripped, empties dropped."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def normalise(text: str) -> str:
    """Lower case, punctuation dropped, spaces collapsed: for spotting text pasted again."""
    return " ".join(words(text))
