"""The team's word lists load as written: YAML must not turn a word into something else."""

from __future__ import annotations

import re
from importlib import resources

import pytest
import yaml

from simcoach.scoring.lexicon import LEXICON, bare_contractions, word_list
from simcoach.scoring.text import analyse


def test_yaml_boolean_words_stay_words() -> None:
    # unquoted, YAML 1.1 reads on/off/yes/no as booleans: they must still be stopwords
    assert {"on", "yes", "no"} <= LEXICON.stopwords
    assert not {"True", "False"} & LEXICON.stopwords


def test_a_stopword_carries_no_content() -> None:
    assert [tok.content for tok in analyse("Yes. Hang on.").tokens if tok.low in {"yes", "on"}] == [
        False,
        False,
    ]


def test_a_word_list_entry_that_is_not_a_word_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"words.yaml: stopwords\[1\] is True, not a word"):
        word_list("words.yaml", "stopwords", ["a", True])


@pytest.mark.parametrize(
    ("source", "bare"),
    [
        ("you're sure", "you'?re sure"),
        ("you(?:'re| are|'ve been)", "you(?:'?re| are|'?ve been)"),  # each alternative of the group
        ("(?:do|does)n't", "(?:do|does)n'?t"),
        ("\\bi'm", "\\bi'?m"),  # the escape is not part of the word
        ("we(?:'ll| will)", "we(?:'ll| will)"),  # "well" is a word of its own
        ("i'd like", "i'd like"),  # so is "id"
        ("(?:i|we)'ll", "(?:i|we)'ll"),  # "well" again
        ("(?:that|it)(?:'s| is) not", "(?:that|it)(?:'?s| is) not"),  # each word of the group before
        ("(?:that|\\w+)'s", "(?:that|\\w+)'s"),  # a word the pattern does not spell
        ("(?<!n't )sorry", "(?<!n't )sorry"),  # a look-behind keeps its fixed width
        ("[^']s", "[^']s"),  # a class is no contraction
        ("company's", "company'?s"),
    ],
)
def test_a_pattern_accepts_a_contraction_typed_without_its_apostrophe(source: str, bare: str) -> None:
    assert bare_contractions(source, LEXICON.contraction_lookalikes) == bare


def test_a_contraction_typed_without_its_apostrophe_carries_no_content() -> None:
    # "dont" is "don't": sharing it with the customer is no sign of having listened
    tokens = analyse("I dont know, thats why I cant pay. Youre sure?").tokens
    assert [t.low for t in tokens if t.content] == ["pay"]


def _dead_contractions(source: str) -> list[str]:
    """Alternatives that open with a contraction's ending right after a space: "you (?:are|'re)" asks for
    "you 're", which nobody types, so the alternative can never match."""
    dead = []
    for m in re.finditer(r"'(?:m|re|ve|ll|d|s|t)\b", source):
        i = m.start()
        if source[i - 1] not in "|:":
            continue
        depth, opener = 0, i
        for j in range(i - 1, -1, -1):
            if source[j] == ")":
                depth += 1
            elif source[j] == "(" and depth:
                depth -= 1
            elif source[j] == "(":
                opener = j
                break
        if source[opener - 1 : opener] == " ":
            dead.append(source[max(0, opener - 20) : i + 12])
    return dead


def test_no_phrase_alternative_asks_for_a_space_before_an_apostrophe() -> None:
    phrases = yaml.safe_load(resources.files("simcoach.scoring.lexicon").joinpath("phrases.yaml").read_text())
    dead = {name: _dead_contractions(str(source)) for name, source in phrases.items()}
    assert not {name: found for name, found in dead.items() if found}
