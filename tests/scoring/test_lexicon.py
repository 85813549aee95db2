"""The team's word lists load as written: YAML must not turn a word into something else."""

from __future__ import annotations

import pytest

from simcoach.scoring.lexicon import LEXICON, word_list
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
