"""The async engine and sessionmaker for SQLite (embedded default) or PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from pydantic import BaseModel
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

DbSession = AsyncSession
"""The session type repository functions take; callers outside store/ name it from here."""

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
        # aiosqlite each redundant ROLLBACK is one more hop to the connection's thread.
        engine = create_async_engine(
            url, connect_args={"timeout": 10}, json_serializer=dumps, pool_reset_on_return=None
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # No pre-ping (it costs a round trip per checkout, twice a turn); recycle instead, and a failed
    # statement surfaces as a retryable error to the client.
    return create_async_engine(
        url, pool_size=pool_size, max_overflow=pool_size * 2, pool_recycle=300, json_serializer=dumps
    )


class Database:
    """Owns the engine and hands out sessions; the composition root creates one per process."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.engine = create_engine(url, pool_size=pool_size)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

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

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
