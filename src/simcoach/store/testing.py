"""Database helpers for tests and benchmarks: find PostgreSQL, reset a schema, empty the tables."""

from __future__ import annotations

import asyncio
import os

from sqlalchemy import text
from sqlalchemy.engine import make_url

from simcoach.store import migrate
from simcoach.store.db import create_engine, is_sqlite
from simcoach.store.tables import Base

DEFAULT_TEST_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/simcoach_test"


def postgres_test_url() -> str:
    """The PostgreSQL URL tests use (SIMCOACH_TEST_POSTGRES_URL or the local default)."""
    return os.environ.get("SIMCOACH_TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES)


def postgres_required() -> bool:
    """Whether an unreachable PostgreSQL fails the tests instead of skipping them."""
    return os.environ.get("SIMCOACH_REQUIRE_POSTGRES") == "1"


async def ensure_postgres_database(url: str) -> None:
    """Create the URL's database if it is missing (connecting to the 'postgres' maintenance db)."""
    import asyncpg

    parsed = make_url(url)
    name = parsed.database
    conn = await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        database="postgres",
        timeout=5,
    )
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def reset_schema(url: str) -> None:
    """Drop everything and migrate from scratch, so a test session starts from a known schema."""
    if not is_sqlite(url):
        await ensure_postgres_database(url)
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            if is_sqlite(url):
                await conn.run_sync(Base.metadata.drop_all)
                await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            else:
                await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


async def empty_tables(url: str) -> None:
    """Delete every row (children first), keeping the schema."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            if is_sqlite(url):
                for table in reversed(Base.metadata.sorted_tables):
                    await conn.execute(table.delete())
            else:
                names = ", ".join(t.name for t in Base.metadata.sorted_tables)
                await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


def postgres_reachable(url: str) -> bool:
    """Whether the PostgreSQL server answers (creating the test database if needed)."""
    try:
        asyncio.run(ensure_postgres_database(url))
    except Exception:  # any failure (refused, auth, timeout) means unreachable for tests
        return False
    return True
