"""Schema migrations: idempotent upgrade, a check that says what to run, refusal of old schemas."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simcoach.api.app import SchemaNotReady, open_state
from simcoach.cli.main import app
from simcoach.settings import Settings
from simcoach.store.db import create_engine
from simcoach.store.migrate import head_revision, schema_status
from simcoach.store.testing import (
    ensure_postgres_database,
    postgres_reachable,
    postgres_required,
    postgres_test_url,
)

runner = CliRunner()


def test_db_upgrade_is_idempotent_and_check_reports(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.sqlite3'}"
    before = runner.invoke(app, ["db", "check", "--database-url", url])
    assert before.exit_code == 1
    assert "run 'simcoach db upgrade'" in before.output
    for _ in range(2):
        done = runner.invoke(app, ["db", "upgrade", "--database-url", url])
        assert done.exit_code == 0, done.output
        assert f"schema up to date (revision {head_revision()})" in done.output
    assert runner.invoke(app, ["db", "check", "--database-url", url]).exit_code == 0


def test_sqlite_default_creates_its_schema_on_start(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'auto.sqlite3'}"

    async def start() -> str | None:
        state = await open_state(Settings(database_url=url, content_dir=tmp_path))
        try:
            return (await schema_status(state.db.engine)).current
        finally:
            await state.db.dispose()

    assert asyncio.run(start()) == head_revision()


@pytest.fixture
def empty_postgres() -> str:
    """An empty PostgreSQL database (no schema)."""
    base = postgres_test_url()
    if not postgres_reachable(base):
        if postgres_required():
            pytest.fail(f"PostgreSQL required but unreachable: {base}")
        pytest.skip("PostgreSQL unreachable")
    url = base.rsplit("/", 1)[0] + "/simcoach_test_empty"

    async def reset() -> None:
        await ensure_postgres_database(url)
        engine = create_engine(url)
        async with engine.begin() as conn:
            from sqlalchemy import text

            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()

    asyncio.run(reset())
    return url


@pytest.mark.postgres
def test_postgres_server_refuses_an_old_schema_and_says_what_to_run(empty_postgres: str) -> None:
    served = runner.invoke(app, ["serve", "--database-url", empty_postgres])
    assert served.exit_code == 2
    assert "run 'simcoach db upgrade'" in served.output

    async def start() -> None:
        await open_state(Settings(database_url=empty_postgres))

    with pytest.raises(SchemaNotReady):
        asyncio.run(start())
    assert runner.invoke(app, ["db", "upgrade", "--database-url", empty_postgres]).exit_code == 0
    assert runner.invoke(app, ["db", "upgrade", "--database-url", empty_postgres]).exit_code == 0
    assert runner.invoke(app, ["db", "check", "--database-url", empty_postgres]).exit_code == 0
