"""Fixtures for API tests: each test runs against SQLite and PostgreSQL, on a fresh schema per session."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from simcoach.api.app import create_app
from simcoach.settings import Settings
from simcoach.sim.models import RenderReport, RenderRequest, Restart
from simcoach.store.testing import (
    empty_tables,
)

CONTENT = Path(__file__).parent / "content"
ADMIN_KEY = "sca_test-admin-key-0000000000000000000000"
TRAINER_KEY = "sck_test-trainer-key-000000000000000000000"


@pytest.fixture
def settings(database_url: str) -> Iterator[Settings]:
    """Settings for one test; the tables are emptied afterwards."""
    yield Settings(
        database_url=database_url,
        content_dir=CONTENT,
        admin_api_key=SecretStr(ADMIN_KEY),
        trainer_api_key=SecretStr(TRAINER_KEY),
    )
    asyncio.run(empty_tables(database_url))


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """An in-process client with the app's lifespan running."""
    with TestClient(create_app(settings)) as c:
        yield c


def auth(key: str) -> dict[str, str]:
    """The Authorization header for a key."""
    return {"Authorization": f"Bearer {key}"}


def start_session(
    client: TestClient, *, key: str = TRAINER_KEY, learner: str = "alice", mode: str = "coach", seed: int = 7
) -> dict[str, Any]:
    """Create a session through the API and return the response body."""
    got = client.post(
        "/api/v1/sessions",
        json={"learner": learner, "scenario": "test-double-charge", "mode": mode, "seed": seed},
        headers=auth(key),
    )
    assert got.status_code == 201, got.text
    body: dict[str, Any] = got.json()
    return body


class GateRenderer:
    """A renderer that holds each reply until the test opens the gate (to observe a turn in flight)."""

    name = "gate"

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.started = threading.Event()

    async def render(self, request: RenderRequest, report: RenderReport) -> AsyncIterator[str | Restart]:
        """Signal the start, wait for the gate, then say the scripted line."""
        self.started.set()
        await asyncio.to_thread(self.gate.wait, 10)
        report.prompt_tokens, report.completion_tokens = 11, 5
        yield request.scripted_line


PRACTICE = "Sorry you were charged twice, that's frustrating. When did the charges appear?"
