"""Chat text often drops apostrophes ("youre", "dont", "im"): the scorer hears the same behaviour."""

from __future__ import annotations

import re

import pytest

from simcoach.content.rubric import Rubric
from simcoach.content.vocabulary import SignalKind as K
from simcoach.scoring.models import ChatTurn
from simcoach.scoring.offline import OfflineScorer
from simcoach.scoring.signals import customer_view

from .conftest import customer, score
from .test_signals import CASES, UPSET, assert_fires

# a contraction whose bare spelling is an ordinary word ("we'll" → "well") is not read into that word
_AMBIGUOUS = re.compile(r"\b(?:we'll|we're|i'll|i'd|we'd|he'll|she'll|she'd)\b", re.IGNORECASE)
BARE = [
    (kind, context, text.replace("'", ""), quote.replace("'", ""))
    for kind, context, text, quote in CASES
    if "'" in text and not _AMBIGUOUS.search(text)
]


@pytest.mark.parametrize(
    ("kind", "context", "text", "quote"), BARE, ids=[f"{c[0].value}-{c[2][:30]}" for c in BARE]
)
def test_a_signal_fires_without_the_apostrophes_too(
    kind: K, context: list[ChatTurn], text: str, quote: str, core: Rubric, scorer: OfflineScorer
) -> None:
    assert_fires(score(scorer, core, text, context), kind, quote)


def test_a_paraphrase_frame_without_its_apostrophe_reflects(core: Rubric, scorer: OfflineScorer) -> None:
    context = [customer("I dont feel like watching tv even. I have no interest")]
    text = "Okay, so youre saying that when you try to focus on tv you are unable to do so?"
    assert score(scorer, core, text, context).of(K.content_reflection)


def test_a_contraction_after_a_group_of_words_is_heard_without_its_apostrophe(
    core: Rubric, scorer: OfflineScorer
) -> None:
    assert score(scorer, core, "Sorry, its not going to happen.", UPSET).of(K.cant_help)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        # "were", "well" and "ill" are words of their own: no "we're"/"we'll"/"I'll" is read into them
        (K.ownership, "They were going to call you back about the refund."),
        (K.ownership, "Well sort of, the refund is with the bank."),
        (K.ownership, "You sound ill with worry about the refund."),
    ],
)
def test_a_word_is_not_read_as_the_contraction_it_spells(
    kind: K, text: str, core: Rubric, scorer: OfflineScorer
) -> None:
    assert not score(scorer, core, text, UPSET).of(kind)


# a phrase in single quotation marks is the same phrase: "'under review'", "'thanks a lot'"
@pytest.mark.parametrize(
    "said",
    [
        "The claim has been 'under review' for a month.",
        "Apparently my parcel was 'delivered'. It's 'missing' as far as I can see.",
    ],
)
def test_a_complaint_in_single_quotes_makes_an_apology_due(
    said: str, qa: Rubric, scorer: OfflineScorer
) -> None:
    assert score(scorer, qa, "Okay.", [customer(said)]).scores["apology"].applicable


def test_sarcasm_and_feelings_in_single_quotes_are_heard() -> None:
    assert customer_view("'Thanks a lot' for nothing.").sarcastic
    assert customer_view("I'm 'worried' doesn't cover it.").negative_families == {"anxiety"}


@pytest.mark.parametrize(
    "said",
    [
        "I ordered a sofa six weeks ago and every time I call I get a different delivery date.",
        "The router keeps dropping in the evenings.",
    ],
)
def test_a_fault_that_repeats_makes_an_apology_due(said: str, qa: Rubric, scorer: OfflineScorer) -> None:
    # "every time I call…", "it keeps dropping": something goes wrong again and again, with no "not" in it
    assert score(scorer, qa, "Okay.", [customer(said)]).scores["apology"].applicable
