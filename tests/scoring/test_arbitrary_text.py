"""Any text in, a valid assessment out: spans index the text and every criterion has a better line."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simcoach.content.rubric import Rubric
from simcoach.scoring.models import ChatTurn
from simcoach.scoring.offline import OfflineScorer

# words that reach the scorer's branches: questions, "but", apologies, feelings, loss, swaps, clause openers
_VOCAB = (
    "I you we my your our it's I'm you're don't can't is are do does did can what why when where how "
    "which time long sorry understand but however and because so feel worried angry stuck torn panic "
    "died loss policy calm down need want to the a charged twice refund never arrived still Priya , . ? ! : ;"
)
_WORDS = st.sampled_from([*_VOCAB.split(), "", "é", "’", "—", "\n", "  ", "12:30", "£45", "x@y.io"])
_TEXT = st.lists(_WORDS, max_size=30).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(customer_texts=st.lists(_TEXT, min_size=0, max_size=3), text=_TEXT)
def test_any_text_scores_with_evidence_inside_it(
    customer_texts: list[str], text: str, core: Rubric, qa: Rubric, scorer: OfflineScorer
) -> None:
    context = [ChatTurn(role="customer", text=c) for c in customer_texts if c.strip()]
    for rubric in (core, qa):
        result = scorer.score(rubric=rubric, rubric_version="1", context=context, text=text)
        for cid, s in result.scores.items():
            assert s.feedback.better_line.strip(), cid
            for e in s.evidence:
                source = text if e.source == "agent" else context[e.turn or 0].text
                assert source[e.start : e.end] == e.text, (cid, e)
