"""The engine API: start, submit's event order, end, finished sessions, renderer fallback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from simcoach.sim.engine import PracticeSession
from simcoach.sim.errors import SessionFinished, TurnInProgress
from simcoach.sim.models import (
    EngineEvent,
    OutcomeKind,
    OutcomeReached,
    RenderReport,
    RenderRequest,
    ReplyComplete,
    ReplyDelta,
    Restart,
    StateChanged,
    TurnAssessed,
)

from .conftest import SessionFactory


async def play(session: PracticeSession, text: str, renderer: object = None) -> list[EngineEvent]:
    """All events of one turn."""
    return [e async for e in session.submit(text, renderer)]  # type: ignore[arg-type]


def test_start_opens_with_the_customer(make_session: SessionFactory) -> None:
    session = make_session()
    assert session.turn == 0
    assert session.history[0].role == "customer"
    assert session.history[0].text == session.opening_text
    assert not session.finished
    assert session.state.anger == pytest.approx(0.7)


async def test_submit_yields_events_in_order(make_session: SessionFactory) -> None:
    session = make_session()
    events = await play(session, "That sounds really frustrating. When did it happen?")
    assert isinstance(events[0], TurnAssessed)
    assert isinstance(events[1], StateChanged)
    deltas = [e for e in events if isinstance(e, ReplyDelta)]
    complete = events[-1]
    assert isinstance(complete, ReplyComplete)
    assert "".join(d.text for d in deltas) == complete.text
    assert complete.renderer == "scripted"
    assert session.turn == 1
    assert [t.role for t in session.history] == ["customer", "agent", "customer"]
    assert session.history[-1].text == complete.text
    assert len(session.assessments) == 1


async def test_finished_session_refuses_turns(make_session: SessionFactory) -> None:
    session = make_session()
    ended = session.end()
    assert ended.outcome.kind is OutcomeKind.agent_ended
    assert session.finished
    with pytest.raises(SessionFinished):
        await play(session, "hello?")
    assert session.end().outcome == ended.outcome


class Broken:
    """A renderer that streams a little, restarts, then fails."""

    name = "llm:test"

    async def render(self, request: RenderRequest, report: RenderReport) -> AsyncIterator[str | Restart]:
        report.renderer = self.name
        report.prompt_tokens = 12
        yield "Half a "
        yield Restart(reason="guard")
        yield "Another "
        raise RuntimeError("stream broke")


class Good:
    """A renderer that says one fixed thing."""

    name = "llm:good"

    async def render(self, request: RenderRequest, report: RenderReport) -> AsyncIterator[str | Restart]:
        report.renderer = self.name
        report.completion_tokens = 3
        report.events.append("guard:ok")
        yield "Fine, "
        yield "go on."


async def test_failing_renderer_falls_back_to_the_scripted_line(make_session: SessionFactory) -> None:
    session = make_session()
    events = await play(session, "When did the charge happen?", Broken())
    deltas = [e for e in events if isinstance(e, ReplyDelta)]
    complete = next(e for e in events if isinstance(e, ReplyComplete))
    assert deltas[1].reset
    assert deltas[1].text == ""
    assert deltas[-1].reset
    assert deltas[-1].text == complete.text
    assert complete.renderer == "scripted"
    assert complete.notice
    assert complete.prompt_tokens == 12
    assert any("stream broke" in e for e in complete.events)
    assert session.history[-1].text == complete.text


async def test_working_renderer_report_is_copied(make_session: SessionFactory) -> None:
    session = make_session()
    events = await play(session, "When did the charge happen?", Good())
    complete = next(e for e in events if isinstance(e, ReplyComplete))
    assert complete.text == "Fine, go on."
    assert complete.renderer == "llm:good"
    assert complete.completion_tokens == 3
    assert complete.events == ["guard:ok"]
    assert session.history[-1].text == "Fine, go on."


async def test_abandoned_stream_still_records_a_reply(make_session: SessionFactory) -> None:
    session = make_session()
    gen = session.submit("When did the charge happen?")
    async for event in gen:
        if isinstance(event, ReplyDelta):
            break
    await gen.aclose()  # type: ignore[attr-defined]
    assert [t.role for t in session.history] == ["customer", "agent", "customer"]
    assert session.turn == 1


async def test_outcome_comes_last(make_session: SessionFactory) -> None:
    session = make_session()
    events: list[EngineEvent] = []
    for line in ["calm down, it is your fault", "calm down, policy is policy", "calm down", "calm down"]:
        events = await play(session, line)
        if session.finished:
            break
    assert session.finished
    assert isinstance(events[-1], OutcomeReached)
    assert events[-1].outcome.kind in {OutcomeKind.supervisor, OutcomeKind.hung_up}


async def test_a_second_turn_waits_for_the_first(make_session: SessionFactory) -> None:
    session = make_session()
    first = session.submit("When did the charge happen?")
    assert isinstance(await anext(first), TurnAssessed)
    with pytest.raises(TurnInProgress):
        await play(session, "Hello?")
    rest = [e async for e in first]
    assert isinstance(rest[-1], ReplyComplete)
    events = await play(session, "Thanks. Which card was it?")
    assert session.turn == 2
    assert isinstance(events[0], TurnAssessed)


async def test_the_scripted_renderer_is_what_none_means(make_session: SessionFactory) -> None:
    from simcoach.sim.scripted import ScriptedRenderer

    a, b = make_session(seed=3), make_session(seed=3)
    for line in ("When did the charge happen?", "That makes sense, I'll sort it right now."):
        plain = [e.model_dump() for e in await play(a, line)]
        explicit = [e.model_dump() for e in await play(b, line, ScriptedRenderer())]
        assert plain == explicit
