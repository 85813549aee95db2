"""First-word gates skip a pattern only where it cannot match: gated search equals the plain search."""

from __future__ import annotations

import json
import re

from simcoach.scoring.lexicon import LEXICON
from simcoach.scoring.lexicon.gates import Branches, ascii_only, first_words
from simcoach.scoring.text import analyse_uncached

from .conftest import ROOT


def _texts() -> list[str]:
    out: list[str] = []
    for name in ("contact_center_turns.jsonl", "contact_center_holdout.jsonl", "contact_center_blind.jsonl"):
        for line in (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            out.append(item["text"])
            out += [turn["text"] for turn in item.get("context", [])]
    # apostrophes, hyphens and words that only start like a gate word
    out += ["You're right, I'll sort it.", "Your e-mail bounced.", "Apologies, I apologise.", "Yourself?"]
    # gate words glued to letters, digits or underscores, repeated, overlapping, or in curly quotes
    out += [
        "Café sorry, x_sorry 2sorry sorry-sorry. I’ll refund, I'll refund it, I’m sorry I'm sorry.",
        "Sorry sorry sorry, you're you’re right right, booked rebooked booking, I I I'll",
        "I understand your frustration, but I understand. Don't worry, don't worry!",
        # first words that are numbers: digits glued to words, other scripts' digits (which \d matches)
        "By 5pm today, within 24 hours, 3-5 working days, x5pm, _24 hours, 10:30am.",
        "Sorted in ٣ days; ٣ working days, at ३ pm.",
    ]
    return list(dict.fromkeys(out))


def test_gated_search_equals_plain_search() -> None:
    gated = [name for name, gate in LEXICON.gates.items() if gate is not None]
    assert len(gated) >= 30  # most boundary-led patterns can be gated
    for text in _texts():
        a = analyse_uncached(text)
        for name in gated:
            pattern = LEXICON.patterns[name]
            plain = pattern.search(a.low)
            got = a.search(name)
            assert (plain and plain.span()) == (got and got.span()), (name, text)
            assert [m.span() for m in pattern.finditer(a.low)] == [m.span() for m in a.finditer(name)]


def test_gated_feelings_equal_plain_search() -> None:
    assert LEXICON.feeling_gate is not None  # prefixes ("frustrat…") and several-word entries ("fed up")
    texts = [*_texts(), "I'm fed up, frustrated and worn-out; so much going on. Nerve-wracking!", "afraid"]
    for text in texts:
        a = analyse_uncached(text)
        assert [m.span() for m in LEXICON.feeling.finditer(a.low)] == [m.span() for m in a.feelings()], text


def test_first_words_of_a_pattern() -> None:
    gate = first_words(r"\b(?:i'm (?:so )?sorry|apologi[sz]e|we(?:'ll| will) fix|e-?mail|refund\w*)\b")
    assert gate is not None
    whole, prefixes = gate
    assert whole == {"i'm", "we'll", "we", "e", "email", "apologise", "apologize", "refund"}
    assert prefixes == ("refund",)  # "refund", "refunded", "refunding": known only as a prefix
    assert first_words(r"(?:ok|so)") is None  # not boundary-led: may match inside a word
    # a digit class: any word starting with a digit, and only for ASCII text
    whole, prefixes = first_words(r"\b(?:\d+ days|today)\b") or (frozenset(), ())
    assert whole == {"today"}
    assert prefixes == tuple("0123456789")
    assert ascii_only((whole, prefixes))
    assert first_words(r"\b(?:[0-9a-z]+ days|today)\b") is None  # a wider class: no word list


def test_understand_but_never_matches_without_but_or_however() -> None:
    # the trigger pass skips the pattern when neither word is in the turn: sound only if every match holds one
    pattern = LEXICON.patterns["understand_but"]
    texts = [*_texts(), "I understand, BUT no.", "Sorry…but that's it", "I hear you;however, it's policy."]
    for text in texts:
        a = analyse_uncached(text)
        if pattern.search(a.low) is not None:
            assert not {"but", "however"}.isdisjoint(a.lows), text


def test_a_word_tries_only_the_alternatives_it_opens() -> None:
    pattern = re.compile(r"\b(?:i'm (?:so )?sorry|apologi[sz]e|we(?:'ll| will) fix|refund\w*)\b")
    branches = Branches.of(pattern)
    assert branches is not None
    sub = branches.for_word(("we'll", "we"))
    assert sub.match("we'll fix it") is not None
    assert sub.match("we will fix it") is not None
    assert sub.match("i'm sorry") is None  # the alternatives no "we" can start are left out
    assert branches.for_word(("refunded",)).match("refunded") is not None  # a prefix opens its own
    assert branches.for_word(("zebra",)) is pattern  # nothing opened: the whole pattern, never an empty one
    # dropping alternatives would renumber capturing groups: such a pattern is never split
    assert Branches.of(re.compile(r"\b(?:my name is (\w+)|call me (\w+))")) is None
