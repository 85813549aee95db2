"""Two replicas on one PostgreSQL: any replica resumes any session; two cannot both advance one."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from simcoach.store.db import is_sqlite
from simcoach.store.testing import empty_tables

from .conftest import PRACTICE
from .live import Client, Server
from .test_api_live import check_transcript

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture
def pg_url(database_url: str) -> Iterator[str]:
    """The PostgreSQL test database (replicas need a shared server database)."""
    if is_sqlite(database_url):
        pytest.skip("replicas share one PostgreSQL")
    yield database_url
    asyncio.run(empty_tables(database_url))


@pytest.fixture
def replicas(pg_url: str, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    """Two running replicas."""
    a = Server(pg_url, tmp_path, name="a").start()
    try:
        b = Server(pg_url, tmp_path, name="b").start()
    except Exception:
        a.kill()
        raise
    try:
        yield a, b
    finally:
        a.kill()
        b.kill()


async def test_session_moves_to_the_other_replica_when_the_first_dies(
    replicas: tuple[Server, Server],
) -> None:
    a, b = replicas
    s = a.create_session()
    on_a, _ = await Client.open(a, s)
    await on_a.say("m0", PRACTICE)
    await on_a.until("reply")
    await on_a.say("m1", PRACTICE)
    await on_a.until("ack")
    a.kill()
    await on_a.conn.close()
    on_b, hello = await Client.open(b, s)
    if not any(m["role"] == "customer" and m["agent_turn"] == 2 for m in hello["messages"]):
        await on_b.say("m1", PRACTICE)
        while (await on_b.recv())["type"] != "reply":
            pass
    await on_b.say("m2", PRACTICE)
    await on_b.until("reply")
    await on_b.close()
    check_transcript(b.transcript(s["session"]["id"]), on_a.acks + on_b.acks, ["m0", "m1", "m2"])


async def test_two_replicas_cannot_both_advance_one_session(replicas: tuple[Server, Server]) -> None:
    a, b = replicas
    s = a.create_session()
    on_a, _ = await Client.open(a, s)
    on_b, _ = await Client.open(b, s)
    await asyncio.gather(on_a.say("from-a", PRACTICE), on_b.say("from-b", PRACTICE))
    first_a, first_b = await asyncio.gather(on_a.recv(), on_b.recv())
    kinds = sorted([first_a["type"], first_b["type"]])
    if kinds == ["ack", "error"]:  # the usual case: both arrive while one turn is in flight
        error = first_a if first_a["type"] == "error" else first_b
        assert error["code"] in {"turn_in_flight", "session_conflict"}
        winner = on_a if first_a["type"] == "ack" else on_b
        await winner.until("reply")
        expected = ["customer", "agent", "customer"]
    else:  # one replica was slow enough that the other's turn was complete: then they ran in turn
        assert kinds == ["ack", "ack"], (first_a, first_b)
        assert first_a["agent_turn"] != first_b["agent_turn"]
        await on_a.until("reply")
        await on_b.until("reply")
        expected = ["customer", "agent", "customer", "agent", "customer"]
    await on_a.close()
    await on_b.close()
    body = a.transcript(s["session"]["id"])
    assert [m["role"] for m in body["messages"]] == expected  # one linear transcript, never a fork
    assert [m["seq"] for m in body["messages"]] == list(range(len(expected)))
