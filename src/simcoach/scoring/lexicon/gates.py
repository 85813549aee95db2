"""First-word gates: the words a phrase pattern can start with, read from the pattern's parse tree."""

# A pattern that begins at a word boundary can only match where one of those words starts, so a turn
# holding none of them skips the pattern (Python's regex engine tries every alternative at every position).

from __future__ import annotations

import importlib
import re
from typing import Any

# the standard library's own regex parser (no stubs: typed as Any)
sc: Any = importlib.import_module("re._constants")
sp: Any = importlib.import_module("re._parser")
compiler: Any = importlib.import_module("re._compiler")

_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789'")
_LIMIT = 400  # more first words than this: not worth gating
_REPEATS = (sc.MAX_REPEAT, sc.MIN_REPEAT, getattr(sc, "POSSESSIVE_REPEAT", sc.MAX_REPEAT))

Gate = tuple[frozenset[str], tuple[str, ...]]  # whole first words, first-word prefixes
_DIGIT_CLASS = [(sc.CATEGORY, sc.CATEGORY_DIGIT)]
_ZERO_WIDTH = (sc.AT, sc.ASSERT, sc.ASSERT_NOT)


class _Open(Exception):
    """The pattern can start with something no word list describes (a class, \\w, a symbol)."""


def _walk(items: list[Any], prefix: str, out: set[tuple[str, bool]]) -> None:
    """Collect (first word or prefix, is whole word) for the sequence ``items`` after ``prefix``."""
    for i, (op, av) in enumerate(items):
        rest = items[i + 1 :]
        if op is sc.LITERAL:
            c = chr(av)
            if c in _WORD and (prefix or c != "'"):
                prefix += c
                continue
            if prefix:
                out.add((prefix, True))
                return
            raise _Open  # a pattern starting with a symbol or space does not start on a word
        if op is sc.AT:
            if prefix and av in (sc.AT_BOUNDARY, sc.AT_END, sc.AT_END_STRING):
                out.add((prefix, True))
                return
            if prefix:
                raise _Open
            continue
        if op in (sc.ASSERT, sc.ASSERT_NOT):
            continue  # look-arounds consume nothing
        if op is sc.SUBPATTERN:
            _walk(list(av[-1]) + rest, prefix, out)
        elif op is sc.BRANCH:
            for branch in av[1]:
                _walk(list(branch) + rest, prefix, out)
        elif op in _REPEATS:
            low, high, sub = av
            if low == 0:
                _walk(rest, prefix, out)
            if high != 0:
                _walk(list(sub) + rest, prefix, out)
        elif op is sc.IN and av == _DIGIT_CLASS:
            # "\d": a word starting with an ASCII digit ("5pm", "24"), however many digits follow, so each
            # digit is a prefix. \d also matches other scripts' digits, which start no word: callers search
            # a text that is not all ASCII without the gate (see ``ascii_only``)
            for d in "0123456789":
                out.add((prefix + d, False))
        elif op is sc.IN and len(av) <= 4 and all(o is sc.LITERAL and chr(x) in _WORD for o, x in av):
            for _, x in av:
                _walk(rest, prefix + chr(x), out)
        elif prefix:
            out.add((prefix, False))  # "apologi[sz]e": known up to here, so a prefix
        else:
            raise _Open
        if len(out) > _LIMIT:
            raise _Open
        return
    if not prefix:
        raise _Open
    out.add((prefix, False))


def first_words(source: str) -> Gate | None:
    """The gate of a pattern that starts at a word boundary, or None when it cannot be gated."""
    if not source.startswith("\\b("):
        return None  # only boundary-led patterns are known to start where a word starts
    out: set[tuple[str, bool]] = set()
    try:
        _walk(list(sp.parse(source)), "", out)
    except (_Open, RecursionError):
        return None
    whole = frozenset(w for w, is_whole in out if is_whole)
    prefixes = tuple(sorted(w for w, is_whole in out if not is_whole))
    return whole, prefixes


def opens(gate: Gate, bases: tuple[str, ...]) -> bool:
    """Whether a word (or its base before "'") is one of the gate's first words or starts with one of its
    prefixes."""
    whole, prefixes = gate
    return any(b in whole or (prefixes and b.startswith(prefixes)) for b in bases)


def ascii_only(gate: Gate) -> bool:
    """Whether the gate holds only for ASCII text: a first word may start with a digit, and ``\\d`` also
    matches digits of other scripts, which no word starts with."""
    whole, prefixes = gate
    return any(w[:1].isdigit() for w in whole) or any(p[:1].isdigit() for p in prefixes)


class Branches:
    """A gated pattern's top-level alternatives, each with its own gate, to compile only those a word opens.

    At a position where one word starts, an alternative whose gate excludes that word cannot match, so the
    pattern made of the others finds the same match (alternatives keep their order: leftmost-first holds).
    """

    def __init__(self, pattern: re.Pattern[str], tree: Any, at: int, gates: list[Gate]) -> None:
        self.pattern = pattern
        self.tree = tree
        self.at = at
        self.gates = gates
        self._compiled: dict[tuple[int, ...], re.Pattern[str]] = {}

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> Branches | None:
        """The pattern's alternatives, or None when it has no top-level alternation after zero-width
        assertions, or has capturing groups (dropping alternatives would renumber them)."""
        tree = sp.parse(pattern.pattern, pattern.flags)
        items = list(tree)
        at = next((i for i, (op, _) in enumerate(items) if op is sc.BRANCH), None)
        if at is None or tree.state.groups > 1 or any(op not in _ZERO_WIDTH for op, _ in items[:at]):
            return None
        rest = items[at + 1 :]
        gates: list[Gate] = []
        for branch in items[at][1][1]:
            out: set[tuple[str, bool]] = set()
            try:
                _walk(list(branch) + rest, "", out)
            except (_Open, RecursionError):
                return None
            gates.append(
                (frozenset(w for w, whole in out if whole), tuple(sorted(w for w, whole in out if not whole)))
            )
        return cls(pattern, tree, at, gates)

    def for_word(self, bases: tuple[str, ...]) -> re.Pattern[str]:
        """The pattern holding only the alternatives that may start at a word (or its base before "'")."""
        keep = tuple(i for i, gate in enumerate(self.gates) if opens(gate, bases))
        if not keep or len(keep) == len(self.gates):
            return self.pattern
        got = self._compiled.get(keep)
        if got is None:
            items = list(self.tree)
            branches = items[self.at][1][1]
            items[self.at] = (sc.BRANCH, (None, [branches[i] for i in keep]))
            got = compiler.compile(sp.SubPattern(self.tree.state, items), self.pattern.flags)
            self._compiled[keep] = got
        return got
