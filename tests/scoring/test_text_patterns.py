"""The tokeniser's hand-tuned patterns match exactly what their plain forms match."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from simcoach.scoring.text import _SENTENCE_END

# the plain form of the sentence-end pattern: what the tuned one must match, span for span
_PLAIN_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)|\n+|(?<=[a-z])[;:](?=\s)")


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="aZ.!?…;:\n \t,'’1é", max_size=40))
def test_sentence_end_matches_plain_form(text: str) -> None:
    got = [m.span() for m in _SENTENCE_END.finditer(text)]
    assert got == [m.span() for m in _PLAIN_SENTENCE_END.finditer(text)]
