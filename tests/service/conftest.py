"""Fixtures for practice-service tests: a migrated database per backend and a service over test content."""

from __future__ import annotations

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
)

CONTENT = Path(__file__).parents[1] / "api" / "content"
STAFF = Principal(role="trainer", credential_id="t", label="test trainer")


@pytest.fixture
async def practice(database_url: str) -> AsyncIterator[PracticeService]:
    """A practice service on the test content; tables emptied afterwards."""
    db = Database(database_url)
    content = ContentSource(CONTENT)
    assert content.reload().ok
    settings = Settings(database_url=database_url, content_dir=CONTENT)
    try:
        yield PracticeService(db=db, content=content, settings=settings)
    finally:
        await db.dispose()
        await empty_tables(database_url)
