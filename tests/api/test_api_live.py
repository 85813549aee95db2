"""End to end over loopback: a live uvicorn process, a real websocket client, SIGKILL and restart."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simcoach.store.testing import empty_tables

from .conftest import PRACTICE
from .live import Client, Server

pytestmark = pytest.mark.slow


@pytest.fixture
def live_db(database_url: str) -> Iterator[str]:
    """The session's database, emptied after the test."""
    yield database_url
    asyncio.run(empty_tables(database_url))


def check_transcript(body: dict[str, Any], acks: list[dict[str, Any]], cmids: list[str]) -> None:
    """Every acknowledged turn is stored once, in order, each answered, nothing else stored."""
    messages = body["messages"]
    assert [m["seq"] for m in messages] == list(range(len(messages)))
    assert [m["role"] for m in messages] == ["customer"] + ["agent", "customer"] * len(cmids)
    agents = [m for m in messages if m["role"] == "agent"]
    assert [m["client_message_id"] for m in agents] == cmids
    stored = {m["client_message_id"]: m["turn_id"] for m in agents}
    for ack in acks:
        assert stored[ack["client_message_id"]] == ack["turn_id"]
    assert [m["agent_turn"] for m in agents] == list(range(1, len(cmids) + 1))


async def test_full_session_over_a_real_socket(live_db: str, tmp_path: Path) -> None:
    server = Server(live_db, tmp_path).start()
    try:
        s = server.create_session()
        client, hello = await Client.open(server, s)
        assert hello["messages"][0]["role"] == "customer"
        for i in range(3):
            await client.say(f"m{i}", PRACTICE)
            frames = await client.until("state")
            assert [f["type"] for f in frames][:2] == ["ack", "customer_typing"]
        await client.conn.send('{"type": "end"}')
        assert [f["type"] for f in await client.until("scorecard")] == ["outcome", "scorecard"]
        await client.close()
        check_transcript(server.transcript(s["session"]["id"]), client.acks, ["m0", "m1", "m2"])
    finally:
        server.kill()


async def test_reconnect_mid_session_and_resend_is_stored_once(live_db: str, tmp_path: Path) -> None:
    server = Server(live_db, tmp_path).start()
    try:
        s = server.create_session()
        client, _ = await Client.open(server, s)
        await client.say("m0", PRACTICE)
        await client.until("reply")
        await client.say("m1", PRACTICE)
        await client.until("ack")
        await client.conn.close()  # dropped before the reply was seen
        again, hello = await Client.open(server, s)
        assert [m["client_message_id"] for m in hello["messages"] if m["role"] == "agent"] == ["m0", "m1"]
        await again.say("m1", PRACTICE)  # the resend a client makes when it never saw the reply
        acked = await again.until("ack")
        assert acked[-1]["duplicate"] is True
        assert acked[-1]["turn_id"] == client.acks[-1]["turn_id"]
        if not any(m["role"] == "customer" and m["agent_turn"] == 2 for m in hello["messages"]):
            await again.until("reply")
        await again.say("m2", PRACTICE)
        await again.until("reply")
        await again.close()
        check_transcript(server.transcript(s["session"]["id"]), client.acks + again.acks, ["m0", "m1", "m2"])
    finally:
        server.kill()


async def finish_turn(client: Client, hello: dict[str, Any], cmid: str, agent_turn: int) -> None:
    """What a reconnecting client does for its last message: resend unless its reply is already stored."""
    answered = any(m["role"] == "customer" and m["agent_turn"] == agent_turn for m in hello["messages"])
    if answered:
        return
    await client.say(cmid, PRACTICE)
    while True:
        frame = await client.recv()
        if frame["type"] == "reply" and frame["agent_turn"] == agent_turn:
            return
        assert frame["type"] != "error", frame


@pytest.mark.parametrize("point", ["after_send", "after_ack", "after_reply"])
async def test_sigkill_at_each_point_then_resume(live_db: str, tmp_path: Path, point: str) -> None:
    server = Server(live_db, tmp_path).start()
    try:
        s = server.create_session()
        client, _ = await Client.open(server, s)
        await client.say("m0", PRACTICE)
        await client.until("reply")
        await client.say("m1", PRACTICE)
        if point == "after_ack":
            await client.until("ack")
        elif point == "after_reply":
            await client.until("reply")
        server.kill()
        await client.conn.close()
        server.start()  # same database, same port: a restart
        again, hello = await Client.open(server, s)
        if hello["pending"] is not None:
            assert hello["pending"]["client_message_id"] == "m1"
        await finish_turn(again, hello, "m1", 2)
        await again.say("m2", PRACTICE)
        await again.until("reply")
        await again.close()
        check_transcript(server.transcript(s["session"]["id"]), client.acks + again.acks, ["m0", "m1", "m2"])
    finally:
        server.kill()
