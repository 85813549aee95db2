"""End to end: the real service over a real websocket, its customer played through the real openai client."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simcoach.llm.renderer import FALLBACK_RENDERER

from .fake_openai import Behaviour, FakeOpenAI
from .helpers import CONTENT, SCENARIO
from .service_harness import LiveService, connect, frames_until, say, service_settings

AGENT = "I'm so sorry about the double charge, Dennis. Which card did the payments come from?"
CLEAN = "Listen, it's the business Visa. Same as always. Just sort it out."
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def service(fake_server: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """The service, once for this module, pointed at the fake model."""
    db = tmp_path_factory.mktemp("llm-service") / "simcoach.sqlite3"
    live = LiveService(service_settings(db, CONTENT, fake_server.base_url)).start()
    yield live
    live.stop()


def deltas(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in frames if f["type"] == "reply_delta"]


def shown(frames: list[dict[str, Any]]) -> str:
    """Every piece of text the agent was shown, including pieces later reset."""
    return "".join(f["text"] for f in deltas(frames))


async def test_reply_streams_to_the_websocket_piece_by_piece(fake: FakeOpenAI, service: LiveService) -> None:
    # The fake holds its stream after the first piece until the test has seen that piece arrive.
    fake.state.enqueue(Behaviour(text=CLEAN, hold_after=1, prompt_tokens=300))
    created = await service.new_session(SCENARIO)
    async with connect(service.ws_url(created)) as ws:
        await frames_until(ws, "session")
        await say(ws, "m1", AGENT)
        head = await frames_until(ws, "reply_delta")
        assert [f["type"] for f in head][:2] == ["ack", "customer_typing"]
        assert head[-1]["text"] == "Listen,"
        assert fake.state.held.is_set()  # the rest of the reply has not even been sent yet
        fake.state.release.set()
        rest = await frames_until(ws, "state")
    reply = next(f for f in rest if f["type"] == "reply")
    assert reply["text"] == CLEAN
    assert reply["renderer"] == "llm:fake-model"
    assert "Listen," + shown(rest) == CLEAN
    assert len(deltas(rest)) >= 8
    session_id, token = created["session"]["id"], created["token"]
    transcript = await service.get(f"/api/v1/sessions/{session_id}/transcript", token)
    customer = transcript["messages"][-1]
    assert customer["renderer"] == "llm:fake-model"
    assert customer["usage"] == {"prompt_tokens": 300, "completion_tokens": 12}
    summary = await service.get(f"/api/v1/sessions/{session_id}", token)
    assert summary["usage"]["prompt_tokens"] >= 300


FAULTS = [
    pytest.param([Behaviour(kind="status", status=429, retry_after="0.01")], "llm", id="429"),
    pytest.param([Behaviour(kind="status", status=500)], "llm", id="500"),
    pytest.param([Behaviour(kind="hang", first_delay_s=5)], "llm", id="timeout"),
    pytest.param([Behaviour(kind="slow_first", first_delay_s=5)], "llm", id="slow-first-token"),
    pytest.param([Behaviour(kind="malformed", after_pieces=3)], "llm", id="malformed"),
    pytest.param([Behaviour(kind="cutoff", after_pieces=3)], "llm", id="cutoff"),
    pytest.param(
        [Behaviour(text="Listen mate, as an AI language model I can't.")], "llm", id="character-break"
    ),
    pytest.param([Behaviour(kind="status", status=503, retry_after="0")] * 3, "fallback", id="5xx-exhausted"),
    pytest.param([Behaviour(text="I am an AI.")] * 2, "fallback", id="character-break-twice"),
]


@pytest.mark.parametrize(("faults", "expect"), FAULTS)
async def test_every_fault_ends_in_a_live_session(
    fake: FakeOpenAI, service: LiveService, faults: list[Behaviour], expect: str
) -> None:
    fake.state.enqueue(*faults)
    fake.state.default = Behaviour(text=CLEAN)
    created = await service.new_session(SCENARIO)
    async with connect(service.ws_url(created)) as ws:
        await frames_until(ws, "session")
        await say(ws, "m1", AGENT)
        frames = await frames_until(ws, "state")
        reply = next(f for f in frames if f["type"] == "reply")
        assert "AI" not in shown(frames)  # a character break never reaches the agent
        if expect == "llm":
            assert reply["renderer"] == "llm:fake-model"
            assert reply["text"] == CLEAN
        else:
            assert reply["renderer"] == FALLBACK_RENDERER
            assert reply["notice"]
        # the session lives on
        await say(ws, "m2", "Thanks, Dennis. I'm raising the refund for the duplicate payment now.")
        after = await frames_until(ws, "reply")
        assert after[-1]["renderer"] == "llm:fake-model"
    transcript = await service.get(
        f"/api/v1/sessions/{created['session']['id']}/transcript", created["token"]
    )
    stored = [m for m in transcript["messages"] if m["role"] == "customer"][1]
    assert stored["renderer"] == reply["renderer"]
    assert any(e.startswith(("fault:", "guard:")) for e in stored["events"])


async def test_queued_sessions_see_typing_and_lose_no_turn(fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.state.default = Behaviour(text=CLEAN, delay_s=0.002)
    settings = service_settings(tmp_path / "db.sqlite3", CONTENT, fake.base_url, llm_max_concurrency=2)
    live = LiveService(settings).start()
    try:
        created = [await live.new_session(SCENARIO, learner=f"l{i}") for i in range(8)]

        async def one(c: dict[str, Any]) -> list[dict[str, Any]]:
            async with connect(live.ws_url(c)) as ws:
                await frames_until(ws, "session")
                await say(ws, "m1", AGENT)
                return await frames_until(ws, "state")

        results = await asyncio.gather(*(one(c) for c in created))
    finally:
        live.stop()
    assert fake.state.stats()["max_open"] <= 2
    for frames in results:
        kinds = [f["type"] for f in frames]
        assert kinds.index("customer_typing") < kinds.index("reply_delta")
        assert next(f for f in frames if f["type"] == "reply")["text"] == CLEAN
