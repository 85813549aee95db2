"""Database.run on a SQLite file: inline when the write lock is free, on its own thread when it is not."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from simcoach.store import wal
from simcoach.store.db import Database


def _db(tmp_path: Path) -> tuple[Database, Path]:
    path = tmp_path / "run.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (v INTEGER)")
    return Database(f"sqlite+aiosqlite:///{path}"), path


def _insert(value: int) -> Callable[[Connection], int]:
    def work(conn: Connection) -> int:
        conn.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": value})
        return value

    return work


async def test_run_commits_inline_when_the_write_lock_is_free(tmp_path: Path) -> None:
    db, path = _db(tmp_path)
    try:
        assert await db.run(_insert(1)) == 1
        with sqlite3.connect(path) as check:
            assert check.execute("SELECT v FROM t").fetchall() == [(1,)]
    finally:
        await db.dispose()


async def test_run_waits_off_the_event_loop_while_another_connection_holds_the_write_lock(
    tmp_path: Path,
) -> None:
    db, path = _db(tmp_path)
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        blocker.execute("INSERT INTO t (v) VALUES (0)")
        write = asyncio.create_task(db.run(_insert(2)))
        # The inline attempt fails fast (no busy wait on the event loop) and the write waits on the database
        # thread: the loop keeps serving, so this wait returns with the write still pending.
        done, _ = await asyncio.wait({write}, timeout=0.2)
        assert not done
        blocker.execute("COMMIT")
        assert await write == 2
        with sqlite3.connect(path) as check:
            assert check.execute("SELECT v FROM t ORDER BY rowid").fetchall() == [(0,), (2,)]
    finally:
        blocker.close()
        await db.dispose()


async def test_a_failed_inline_transaction_is_rolled_back(tmp_path: Path) -> None:
    db, path = _db(tmp_path)

    def fails(conn: Connection) -> None:
        conn.execute(text("INSERT INTO t (v) VALUES (3)"))
        raise LookupError("domain error after a write")

    try:
        with pytest.raises(LookupError):
            await db.run(fails)
        assert await db.run(_insert(4)) == 4
        with sqlite3.connect(path) as check:
            assert check.execute("SELECT v FROM t").fetchall() == [(4,)]
    finally:
        await db.dispose()


async def test_the_wal_starts_again_from_the_beginning_under_continuous_inline_writes(tmp_path: Path) -> None:
    """Checkpoints must complete: one that races the inline writer never lets the WAL restart."""
    db, path = _db(tmp_path)
    writes = 0
    try:
        started = time.monotonic()
        while time.monotonic() - started < 0.6 and writes < 50_000:  # several checkpoint intervals
            writes += 1
            await db.run(_insert(writes))
    finally:
        await db.dispose()
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT count(*) FROM t").fetchone() == (writes,)
        _, frames, _ = check.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    # One frame at least per committed write: without restarts the WAL would hold every one of them.
    assert writes > 1000
    assert frames < writes / 4


async def test_a_write_lock_held_for_a_moment_is_waited_for_on_the_event_loop(tmp_path: Path) -> None:
    """Another process's short write: retried inline, not sent to the thread (where it starved)."""
    db, path = _db(tmp_path)
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    ran_on: list[int] = []

    def work(conn: Connection) -> int:
        conn.execute(text("INSERT INTO t (v) VALUES (5)"))
        ran_on.append(threading.get_ident())
        return 5

    try:
        blocker.execute("BEGIN IMMEDIATE")
        asyncio.get_running_loop().call_soon(blocker.execute, "COMMIT")  # released while run() pauses
        assert await db.run(work) == 5
        assert ran_on == [threading.get_ident()]
    finally:
        blocker.close()
        await db.dispose()


async def test_a_checkpoint_copies_on_the_database_thread_and_the_loop_finishes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bulk of a checkpoint (milliseconds) is off the loop; the few frames left are copied on it."""
    ran_on: list[bool] = []  # True: on the event loop's thread
    checkpoint = wal.checkpoint

    def spy(conn: Connection) -> tuple[int, int]:
        ran_on.append(threading.get_ident() == loop_thread)
        return checkpoint(conn)

    loop_thread = threading.get_ident()
    monkeypatch.setattr(wal, "checkpoint", spy)
    db, path = _db(tmp_path)
    try:
        for value in range(wal.CHECKPOINT_EVERY_COMMITS):  # the last commit starts a checkpoint
            await db.run(_insert(value))
        await db.settle()
        assert ran_on == [False, True]
        await db.run(_insert(-1))  # every frame was copied back: this commit starts the WAL again
        with sqlite3.connect(path) as check:
            _, frames, _ = check.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            assert check.execute("SELECT count(*) FROM t").fetchone() == (wal.CHECKPOINT_EVERY_COMMITS + 1,)
        assert frames <= 2
    finally:
        await db.dispose()
