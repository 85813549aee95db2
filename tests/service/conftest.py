"""Fixtures for practice-service tests: a migrated database per backend and a service over test content."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from simcoach.practice.access import Principal
from simcoach.practice.content import ContentSource
from simcoach.practice.service import PracticeService
from simcoach.settings import Settings
from simcoach.store.db import Database
from simcoach.store.testing import (
    empty_tables,
    postgres_reachable,
    postgres_required,
    postgres_test_url,
    reset_schema,
)

CONTENT = Path(__file__).parents[1] / "api" / "content"
STAFF = Principal(role="trainer", credential_id="t", label="test trainer")


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def service_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A freshly migrated database per backend for this test session."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('svc') / 'simcoach.sqlite3'}"
    else:
        url = postgres_test_url()
        if not postgres_reachable(url):
            if postgres_required():
                pytest.fail(f"PostgreSQL required (SIMCOACH_REQUIRE_POSTGRES=1) but unreachable: {url}")
            pytest.skip(f"PostgreSQL unreachable at {url}")
    asyncio.run(reset_schema(url))
    return url


@pytest.fixture
async def practice(service_db_url: str) -> AsyncIterator[PracticeService]:
    """A practice service on the test content; tables emptied afterwards."""
    db = Database(service_db_url)
    content = ContentSource(CONTENT)
    assert content.reload().ok
    settings = Settings(database_url=service_db_url, content_dir=CONTENT)
    try:
        yield PracticeService(db=db, content=content, settings=settings)
    finally:
        await db.dispose()
        await empty_tables(service_db_url)
