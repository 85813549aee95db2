"""WAL checkpoints for the inline SQLite writer: the bulk copied on the database thread, the rest on the loop.

A checkpoint copies the WAL's pages back into the database file and syncs both. Inside a commit on the
event loop (SQLite's automatic checkpoint) that took 1-10 ms every ~25 turns at 500 live sessions, the
largest stalls the loop had. Here a passive checkpoint on the database thread copies almost everything
beside the loop (SQLite runs without the GIL); it never blocks the writer, but the writer keeps appending
meanwhile, and the WAL starts again from the beginning only when a commit finds *every* frame copied. So,
once the thread is done, the loop copies the few frames written meanwhile itself, between two turns, and
the next commit starts the WAL again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

log = logging.getLogger("simcoach.store")

CHECKPOINT_EVERY_COMMITS = 32
"""Inline commits between two checkpoints (~16 turns, a few hundred 4 KiB pages)."""

INLINE_AFTER_COMMITS = 8 * CHECKPOINT_EVERY_COMMITS
"""Commits after which the loop checkpoints at once, if it never had a moment between turns to finish one
(writes with no pause at all): otherwise the WAL would only grow."""


def checkpoint(conn: Connection) -> tuple[int, int]:
    """A passive checkpoint (never waits for a lock): (frames in the WAL, frames copied back)."""
    row = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
    return int(row[1]), int(row[2])


def _on_thread(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return checkpoint(conn)


class Checkpointer:
    """Keeps the inline writer's WAL short without stopping the event loop for long."""

    def __init__(
        self, hot: Engine, thread: ThreadPoolExecutor, inline: Callable[[], Connection | None]
    ) -> None:
        self._hot = hot
        self._thread = thread
        self._inline = inline
        self._commits = 0
        self._running: Future[tuple[int, int]] | None = None

    def committed(self, conn: Connection) -> None:
        """Count an inline commit (on the event loop, between transactions); start a checkpoint when due."""
        self._commits += 1
        if self._commits < CHECKPOINT_EVERY_COMMITS:
            return
        if self._running is None:
            self._start()
        elif self._commits >= INLINE_AFTER_COMMITS:
            self._finish(conn)

    async def settle(self) -> None:
        """Finish the checkpoint in progress, if any: wait for the thread, then copy the rest here."""
        running = self._running
        if running is not None:
            await asyncio.wrap_future(running)
            self._caught_up(running)

    def _start(self) -> None:
        loop = asyncio.get_running_loop()
        running = self._running = self._thread.submit(_on_thread, self._hot)

        def done(_: Future[tuple[int, int]]) -> None:
            # RuntimeError: the loop has closed (shutdown), and nothing is left to checkpoint for.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._caught_up, running)

        running.add_done_callback(done)

    def _caught_up(self, running: Future[tuple[int, int]]) -> None:
        """On the loop, once the thread is done: copy what was written meanwhile (a few frames)."""
        if running is not self._running:
            return  # finished inline meanwhile
        failed = running.exception()
        if failed is not None:  # the data is committed either way; the next checkpoint tries again
            log.warning("WAL checkpoint on the database thread failed: %s", failed)
        conn = self._inline()
        if conn is None or conn.closed:
            self._running, self._commits = None, 0
            return
        self._finish(conn)

    def _finish(self, conn: Connection) -> None:
        self._running, self._commits = None, 0
        try:
            checkpoint(conn)
        except OperationalError as exc:
            log.warning("WAL checkpoint failed: %s", exc)
        finally:
            conn.rollback()  # ends the transaction the pragma opened on the held connection
