"""The async engine and sessionmaker for SQLite (embedded default) or PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection, Engine, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from simcoach.store.wal import Checkpointer

DbSession = AsyncSession
SyncConnection = Connection
"""A synchronous connection, as the one-thread turn transactions receive it."""
"""The session type repository functions take; callers outside store/ name it from here."""

T = TypeVar("T")

DbConn = AsyncConnection | AsyncSession
"""What the hot-path (Core) functions in turns.py take: a bare connection or an ORM session."""


class RawJson(str):
    """JSON text that is already serialised: written to a JSON column as it is, not encoded again."""

    __slots__ = ()


def is_sqlite(url: str) -> bool:
    """Whether the URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets readers run beside the writer; NORMAL sync survives a killed process (not a power cut);
    # busy_timeout makes a second connection wait for the writer instead of failing at once.
    # A 256 KiB page cache per pooled connection (SQLite's default is 2 MiB): the hot path touches a few
    # index pages per turn, the OS page cache holds the rest, and every pooled connection (each with its
    # own thread under aiosqlite) otherwise grows its cache towards 2 MiB as the file grows.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA cache_size=-256")
    cursor.close()


def dumps(value: Any) -> str:
    """JSON for JSON columns; pydantic models serialise themselves (in Rust, without a dict detour)."""
    if isinstance(value, RawJson):
        return str(value)
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return json.dumps(value)


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    """An async engine with per-backend settings."""
    if is_sqlite(url):
        # No reset-on-return: every transaction() ends in an explicit commit or rollback, and with
        # aiosqlite each redundant ROLLBACK is one more hop to the connection's thread. A small fixed pool
        # (no overflow): one writer at a time anyway, and a burst of connects would otherwise open and close
        # overflow connections, each with its own thread, page cache and heap arena.
        engine = create_async_engine(
            url,
            connect_args={"timeout": 10},
            json_serializer=dumps,
            pool_reset_on_return=None,
            pool_size=4,
            max_overflow=0,
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # No pre-ping (it costs a round trip per checkout, twice a turn); recycle instead, and a failed
    # statement surfaces as a retryable error to the client.
    return create_async_engine(
        url, pool_size=pool_size, max_overflow=pool_size * 2, pool_recycle=300, json_serializer=dumps
    )


def _file_sqlite(url: str) -> bool:
    parsed = make_url(url)
    database = parsed.database or ""
    return (
        parsed.get_backend_name() == "sqlite"
        and database not in ("", ":memory:")
        and "mode=memory" not in str(parsed.query)
    )


def _sqlite_sync_engine(url: str, *, busy_timeout_ms: int, autocheckpoint: int | None) -> Engine:
    """A plain (sync) pysqlite engine on the same file, with one pooled connection."""

    def pragmas(dbapi_conn: Any, record: Any) -> None:
        _sqlite_pragmas(dbapi_conn, record)
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        if autocheckpoint is not None:
            cursor.execute(f"PRAGMA wal_autocheckpoint={autocheckpoint}")
        cursor.close()

    engine = create_sync_engine(
        make_url(url).set(drivername="sqlite+pysqlite"),
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        json_serializer=dumps,
        pool_reset_on_return=None,
        pool_size=1,
        max_overflow=0,
    )
    event.listen(engine, "connect", pragmas)
    return engine


SQLITE_BUSY_CODES = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED (extended codes are masked to these)
INLINE_RETRY_PAUSES_S = (0.0002, 0.0005, 0.001, 0.002, 0.004, 0.008)
"""Pauses between inline attempts while the write lock is taken (~16 ms in all), then the thread waits."""


def _busy(exc: OperationalError) -> bool:
    code = getattr(exc.orig, "sqlite_errorcode", None)
    return isinstance(code, int) and (code & 0xFF) in SQLITE_BUSY_CODES


class Database:
    """Owns the engine and hands out sessions; the composition root creates one per process."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.engine = create_engine(url, pool_size=pool_size)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite file: a turn transaction is a few hundred microseconds of work in the SQLite library (WAL,
        # synchronous=NORMAL: a commit appends to the WAL, no fsync; checkpoints off the loop, see wal.py),
        # so it runs right here on the event loop with the plain driver and never waits: its connection
        # has no busy timeout. If another connection (a REST request, another process) holds the write
        # lock, the same work runs instead on the database thread, which may wait.
        self._inline: Engine | None = None
        self._inline_conn: Connection | None = None
        self._hot: Engine | None = None
        self._hot_thread: ThreadPoolExecutor | None = None
        self._wal: Checkpointer | None = None
        if _file_sqlite(url):
            self._inline = _sqlite_sync_engine(url, busy_timeout_ms=0, autocheckpoint=0)
            self._hot = _sqlite_sync_engine(url, busy_timeout_ms=10_000, autocheckpoint=None)
            self._hot_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="simcoach-sqlite")
            # The inline connection's own automatic checkpoint is off (autocheckpoint=0): see wal.py.
            self._wal = Checkpointer(self._hot, self._hot_thread, lambda: self._inline_conn)

    async def run(self, work: Callable[[Connection], T]) -> T:
        """``work(connection)`` inside one transaction (committed on return, rolled back if it raises).

        ``work`` is plain synchronous Core code. On a SQLite file it runs inline with the plain driver
        (or, when the write lock is taken, on this database's own thread); otherwise through the async
        engine (``run_sync``).
        """
        inline, hot, thread, wal = self._inline, self._hot, self._hot_thread, self._wal
        if inline is None or hot is None or thread is None or wal is None:
            async with self.engine.begin() as aconn:
                return await aconn.run_sync(work)
        for pause in INLINE_RETRY_PAUSES_S:
            conn = self._inline_conn
            if conn is None or conn.closed:
                conn = self._inline_conn = inline.connect()  # held: no pool round trip a transaction
            try:
                with conn.begin():
                    result = work(conn)
            except OperationalError as exc:
                if not _busy(exc):
                    conn.close()  # whatever went wrong, the next transaction starts on a fresh connection
                    self._inline_conn = None
                    raise
            else:
                wal.committed(conn)
                return result
            # Rolled back: another connection (another process, mostly) holds the write lock for a
            # moment. Try again shortly, letting the loop serve meanwhile: SQLite's own busy handler, on
            # the thread, sleeps in growing steps and loses the lock to writers that never wait.
            await asyncio.sleep(pause)
        # Still taken (a long transaction elsewhere): wait for it on the database thread.
        return await self._on_thread(hot, thread, work)

    async def _on_thread(self, hot: Engine, thread: ThreadPoolExecutor, work: Callable[[Connection], T]) -> T:
        def whole() -> T:
            with hot.begin() as conn:
                return work(conn)

        return await asyncio.get_running_loop().run_in_executor(thread, whole)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        async with self.sessionmaker() as session, session.begin():
            yield session

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        """A bare connection inside one transaction (Core only, no ORM session): the turn hot path."""
        async with self.engine.begin() as conn:
            yield conn

    async def settle(self) -> None:
        """Finish any WAL checkpoint in progress (SQLite file; nothing to do otherwise)."""
        if self._wal is not None:
            await self._wal.settle()

    async def dispose(self) -> None:
        """Close every pooled connection (after finishing any checkpoint in progress)."""
        await self.settle()
        if self._inline_conn is not None:
            self._inline_conn.close()
            self._inline_conn = None
        if self._inline is not None:
            self._inline.dispose()
            self._inline = None
        if self._hot is not None and self._hot_thread is not None:
            hot = self._hot
            await asyncio.get_running_loop().run_in_executor(self._hot_thread, hot.dispose)
            self._hot_thread.shutdown(wait=False)
            self._hot, self._hot_thread = None, None
        await self.engine.dispose()
