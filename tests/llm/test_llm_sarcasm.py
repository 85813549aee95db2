"""Sarcasm the engine chose is known to the scorer, whatever words the live customer found for it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from simcoach.content.loader import parse_file
from simcoach.content.rubric import Rubric
from simcoach.content.vocabulary import Intent
from simcoach.content.vocabulary import SignalKind as K
from simcoach.scoring.models import ChatTurn
from simcoach.scoring.offline import OfflineScorer
from simcoach.sim.models import RenderReport, RenderRequest, Restart
from simcoach.sim.render import stream_reply

from .helpers import request_for

ROOT = Path(__file__).resolve().parents[2]


class Deadpan:
    """A live customer whose sarcasm carries no cue a word list could hear."""

    name = "llm:deadpan"

    async def render(self, request: RenderRequest, report: RenderReport) -> AsyncIterator[str | Restart]:
        report.renderer = self.name
        yield "Wonderful."


async def _reply(intent: Intent) -> ChatTurn:
    request = request_for("Your refund is being processed.").model_copy(update={"intent": intent})
    history: list[ChatTurn] = []
    async for _ in stream_reply(request, Deadpan(), history):
        pass
    return history[-1]


async def test_the_history_marks_a_line_voiced_as_sarcasm() -> None:
    assert (await _reply(Intent.sarcasm)).sarcastic
    assert not (await _reply(Intent.pushback)).sarcastic


async def test_a_literal_reply_to_marked_sarcasm_is_caught() -> None:
    loaded = parse_file(ROOT / "rubrics/empathy-core.yaml", "rubric")[0]
    assert loaded is not None
    assert isinstance(loaded.item, Rubric)
    rubric = loaded.item
    scorer = OfflineScorer()
    marked = [ChatTurn(role="customer", text="Wonderful.", sarcastic=True)]
    plain = [ChatTurn(role="customer", text="Wonderful.")]
    text = "Glad to hear it! Anything else?"
    got = scorer.score(rubric=rubric, rubric_version=rubric.version, context=marked, text=text)
    assert got.has(K.literal_sarcasm_reply)
    assert got.scores["deescalation"].level == 0
    # the same words from a transcript, with nothing to say they were sarcastic, read as sincere
    sincere = scorer.score(rubric=rubric, rubric_version=rubric.version, context=plain, text=text)
    assert not sincere.has(K.literal_sarcasm_reply)
