"""Live-server helpers: run ``python -m simcoach serve`` on a free loopback port, and a websocket client."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from .conftest import ADMIN_KEY, CONTENT, TRAINER_KEY

START_TIMEOUT_S = 30.0
RECV_TIMEOUT_S = 30.0


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """One ``simcoach serve`` process."""

    def __init__(
        self, database_url: str, log_dir: Path, *, port: int | None = None, name: str = "server"
    ) -> None:
        self.database_url = database_url
        self.port = port or free_port()
        self.log_path = log_dir / f"{name}-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        """The HTTP base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_base(self) -> str:
        """The websocket base URL."""
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> Server:
        """Start the process and wait (bounded) until /healthz answers 200."""
        env = {
            **os.environ,
            "SIMCOACH_DATABASE_URL": self.database_url,
            "SIMCOACH_ADMIN_API_KEY": ADMIN_KEY,
            "SIMCOACH_TRAINER_API_KEY": TRAINER_KEY,
            "SIMCOACH_LOG_LEVEL": "warning",
        }
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "simcoach",
                    "serve",
                    "--port",
                    str(self.port),
                    "--content",
                    str(CONTENT),
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_path.read_text()}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)  # polling interval, not synchronisation: the loop ends on a real 200
        self.kill()
        raise RuntimeError(f"server not healthy in {START_TIMEOUT_S}s:\n{self.log_path.read_text()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flush, exactly like a crash."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def create_session(self, learner: str = "alice", *, seed: int = 5, mode: str = "coach") -> dict[str, Any]:
        """Create a session over HTTP."""
        got = httpx.post(
            f"{self.base}/api/v1/sessions",
            json={"learner": learner, "scenario": "test-double-charge", "mode": mode, "seed": seed},
            headers={"Authorization": f"Bearer {TRAINER_KEY}"},
            timeout=10,
        )
        assert got.status_code == 201, got.text
        body: dict[str, Any] = got.json()
        return body

    def transcript(self, session_id: str) -> dict[str, Any]:
        """The stored transcript over HTTP."""
        got = httpx.get(
            f"{self.base}/api/v1/sessions/{session_id}/transcript",
            headers={"Authorization": f"Bearer {TRAINER_KEY}"},
            timeout=10,
        )
        assert got.status_code == 200, got.text
        body: dict[str, Any] = got.json()
        return body


class Client:
    """A protocol client over a real websocket, recording every ack it receives."""

    def __init__(self, conn: ClientConnection) -> None:
        self.conn = conn
        self.acks: list[dict[str, Any]] = []

    @classmethod
    async def open(cls, server: Server, session: dict[str, Any]) -> tuple[Client, dict[str, Any]]:
        """Connect with the session's token; return the client and the session frame."""
        url = f"{server.ws_base}/api/v1/sessions/{session['session']['id']}/ws?token={session['token']}"
        conn = await connect(url, open_timeout=10)
        client = cls(conn)
        hello = await client.recv()
        assert hello["type"] == "session", hello
        return client, hello

    async def recv(self) -> dict[str, Any]:
        """The next frame (bounded wait: a server that never answers fails the test, not CI)."""
        raw = await asyncio.wait_for(self.conn.recv(decode=True), timeout=RECV_TIMEOUT_S)
        frame: dict[str, Any] = json.loads(raw)
        if frame["type"] == "ack":
            self.acks.append(frame)
        return frame

    async def until(self, kind: str) -> list[dict[str, Any]]:
        """Frames up to and including the first of ``kind``."""
        frames = []
        while True:
            frame = await self.recv()
            frames.append(frame)
            if frame["type"] == kind:
                return frames

    async def say(self, cmid: str, text: str) -> None:
        """Send an agent message."""
        await self.conn.send(json.dumps({"type": "agent_message", "client_message_id": cmid, "text": text}))

    async def close(self) -> None:
        """Close the connection."""
        await self.conn.close()
