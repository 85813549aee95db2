"""Streaming the customer's reply through a renderer, with the scripted line as the safety net."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from simcoach.content.vocabulary import Intent
from simcoach.scoring.models import ChatTurn
from simcoach.sim.models import (
    EngineEvent,
    Renderer,
    RenderReport,
    RenderRequest,
    ReplyComplete,
    ReplyDelta,
    Restart,
)
from simcoach.sim.scripted import ScriptedRenderer

SCRIPTED = ScriptedRenderer()
FALLBACK_NOTICE = "The customer's reply came from the scripted lines this turn ({why})."


class EmptyReply(Exception):
    """A renderer finished without saying anything."""


async def stream_reply(
    request: RenderRequest, renderer: Renderer | None, history: list[ChatTurn]
) -> AsyncGenerator[EngineEvent, None]:
    """Yield ReplyDelta pieces then ReplyComplete; the reply is appended to ``history`` exactly once.

    A renderer that raises (or says nothing) is replaced by the scripted line, so the session never
    dies; a consumer that stops listening part-way still leaves the scripted line in the history.
    """
    turn = request.turn
    committed = False
    try:
        if renderer is None:
            renderer = SCRIPTED
        report = RenderReport(renderer=getattr(renderer, "name", "renderer"))
        parts: list[str] = []
        streamed = False
        failure: str | None = None
        try:
            async for item in renderer.render(request, report):
                if isinstance(item, Restart):
                    parts = []
                    yield ReplyDelta(turn=turn, text="", reset=True)
                    streamed = False
                elif item:
                    parts.append(item)
                    streamed = True
                    yield ReplyDelta(turn=turn, text=item)
            if not "".join(parts).strip():
                raise EmptyReply("the renderer returned an empty reply")
        except Exception as exc:  # any renderer fault falls back: the session never dies
            failure = f"{type(exc).__name__}: {exc}"[:200]
            yield ReplyDelta(turn=turn, text=request.scripted_line, reset=streamed)

        if failure is None:
            text = "".join(parts).strip()
            name, notice = report.renderer, report.notice
            events = list(report.events)
        else:
            text = request.scripted_line
            name = "scripted"
            notice = report.notice or FALLBACK_NOTICE.format(why="the live customer failed")
            events = [*report.events, f"renderer_failed: {failure}"]
        history.append(ChatTurn(role="customer", text=text, sarcastic=request.intent is Intent.sarcasm))
        committed = True
        yield ReplyComplete(
            turn=turn,
            text=text,
            intent=request.intent,
            renderer=name,
            notice=notice,
            prompt_tokens=report.prompt_tokens,
            completion_tokens=report.completion_tokens,
            events=events,
        )
    finally:
        if not committed:
            sarcastic = request.intent is Intent.sarcasm
            history.append(ChatTurn(role="customer", text=request.scripted_line, sarcastic=sarcastic))
