"""Fixtures every test folder may use; feature folders add their own in their own conftest.py."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from simcoach.store.testing import postgres_reachable, postgres_required, postgres_test_url, reset_schema

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
"""A minimal valid persona, scenario and rubric that reference each other."""

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    """A writable copy of the minimal valid content set, for tests that break it on purpose."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A freshly migrated database for this test session, per backend (SQLite file and PostgreSQL).

    Tests that use it empty the tables they filled; the schema is reset once per test session.
    """
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'simcoach.sqlite3'}"
    else:
        url = postgres_test_url()
        if not postgres_reachable(url):
            if postgres_required():
                pytest.fail(f"PostgreSQL required (SIMCOACH_REQUIRE_POSTGRES=1) but unreachable: {url}")
            pytest.skip(f"PostgreSQL unreachable at {url}")
    asyncio.run(reset_schema(url))
    return url
