"""The real simcoach service on a loopback port (uvicorn in a thread), configured against a fake model."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from pydantic import SecretStr
from websockets.asyncio.client import ClientConnection, connect

from simcoach.api.app import create_app
from simcoach.settings import Settings
from simcoach.store.testing import reset_schema

TRAINER_KEY = "sck_llm-tests-trainer-key-00000000000000000"


def service_settings(db_path: Path, content: Path, base_url: str, **overrides: Any) -> Settings:
    """Settings for a service whose customer is played by the model at ``base_url``."""
    values: dict[str, Any] = {
        "database_url": f"sqlite+aiosqlite:///{db_path}",
        "content_dir": content,
        "trainer_api_key": SecretStr(TRAINER_KEY),
        "llm_base_url": base_url,
        "llm_model": "fake-model",
        "llm_timeout_s": 5.0,
        "llm_first_token_timeout_s": 0.5,
        "llm_max_retries": 2,
        "llm_max_concurrency": 16,
    }
    values.update(overrides)
    return Settings(**values)


class LiveService:
    """create_app(settings) served by uvicorn on a free loopback port, in a background thread."""

    def __init__(self, settings: Settings) -> None:
        # Migrate in a thread of its own: the caller may already be inside an event loop.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, reset_schema(settings.database_url)).result()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(1024)  # listening now: clients may connect before the thread runs
        self.port: int = self._sock.getsockname()[1]
        config = uvicorn.Config(
            create_app(settings), log_level="warning", ws="websockets-sansio", backlog=1024
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        """The service's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveService:
        """Serve in the background."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.should_exit = True
        self._thread.join(timeout=15)
        self._sock.close()

    async def new_session(self, scenario: str, *, seed: int = 7, learner: str = "alice") -> dict[str, Any]:
        """Create a coach-mode session through the REST API (retrying while the lifespan starts)."""
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as client:
            # The socket already listens: this waits in the backlog until the lifespan has started.
            got = await client.post(
                "/api/v1/sessions",
                json={"learner": learner, "scenario": scenario, "mode": "coach", "seed": seed},
                headers={"Authorization": f"Bearer {TRAINER_KEY}"},
            )
            assert got.status_code == 201, got.text
            body: dict[str, Any] = got.json()
            return body

    async def get(self, path: str, token: str) -> dict[str, Any]:
        """GET a JSON resource with a bearer token."""
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as client:
            got = await client.get(path, headers={"Authorization": f"Bearer {token}"})
            assert got.status_code == 200, got.text
            body: dict[str, Any] = got.json()
            return body

    def ws_url(self, created: dict[str, Any]) -> str:
        """The websocket URL of a created session."""
        return f"ws://127.0.0.1:{self.port}/api/v1/sessions/{created['session']['id']}/ws?token={created['token']}"


async def frames_until(ws: ClientConnection, kind: str) -> list[dict[str, Any]]:
    """Frames up to and including the first of ``kind``."""
    out: list[dict[str, Any]] = []
    while True:
        frame: dict[str, Any] = json.loads(await ws.recv())
        out.append(frame)
        if frame["type"] == kind:
            return out


async def say(ws: ClientConnection, cmid: str, text: str) -> None:
    """Send one agent message."""
    await ws.send(json.dumps({"type": "agent_message", "client_message_id": cmid, "text": text}))


__all__ = ["LiveService", "connect", "frames_until", "say", "service_settings"]
