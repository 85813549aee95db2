"""LLM customer benchmarks against a local fake OpenAI-compatible server, through the real service.

  python bench/bench_llm.py latency      first model token -> websocket client, p50/p99 (target p99 <= 5 ms)
  python bench/bench_llm.py concurrency  200 sessions, cap 16: at most 16 requests open, no turn lost
  python bench/bench_llm.py              both

Three processes, so no GIL is shared: the fake model server, the service (uvicorn, with a probe that
stamps when each reply's first token arrives from the model), and this client. Stamps use
CLOCK_MONOTONIC (time.monotonic_ns), which is comparable across processes on Linux.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
FAKE = ROOT / "tests" / "llm" / "fake_openai.py"
CONTENT = ROOT / "tests" / "llm" / "data" / "content"
SCENARIO = "billing-double-charge"
TRAINER_KEY = "sck_bench-trainer-key-000000000000000000000"
AGENT = "I'm so sorry about the double charge, Dennis. Which card did the payments come from?"
REPLY = "I want this sorted today. It's the business Visa, same as always, no more excuses."


def _serve(port_file: Path) -> None:
    """The service process: the real app, plus a probe recording first-token arrival per reply."""
    import uvicorn

    from simcoach.api.app import create_app
    from simcoach.providers import openai_compat
    from simcoach.providers.base import ChatChunk, ChatRequest, EventSink
    from simcoach.settings import Settings
    from simcoach.store.testing import reset_schema

    arrivals: list[int] = []
    original = openai_compat.OpenAICompatProvider.stream

    async def stream(
        self: openai_compat.OpenAICompatProvider, request: ChatRequest, on_event: EventSink | None = None
    ) -> AsyncGenerator[ChatChunk, None]:
        first = True
        async for chunk in original(self, request, on_event):
            if first and chunk.text:
                arrivals.append(time.monotonic_ns())  # the first token has just arrived from the model
                first = False
            yield chunk

    openai_compat.OpenAICompatProvider.stream = stream  # type: ignore[method-assign]
    settings = Settings()
    asyncio.run(reset_schema(settings.database_url))
    app = create_app(settings)

    async def probe() -> dict[str, list[int]]:
        return {"arrivals": arrivals}

    app.add_api_route("/_bench/arrivals", probe, methods=["GET"])
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    port_file.write_text(str(sock.getsockname()[1]))
    uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="websockets-sansio", backlog=2048)).run(
        sockets=[sock]
    )


class Stack:
    """The fake model server and the service as subprocesses."""

    def __init__(self, cap: int) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="simcoach-bench-"))
        self.fake = subprocess.Popen([sys.executable, str(FAKE)], stdout=subprocess.PIPE, text=True)
        assert self.fake.stdout is not None
        self.fake_port = int(self.fake.stdout.readline())
        env = {
            **os.environ,
            "SIMCOACH_DATABASE_URL": f"sqlite+aiosqlite:///{self.tmp / 'bench.sqlite3'}",
            "SIMCOACH_CONTENT_DIR": str(CONTENT),
            "SIMCOACH_TRAINER_API_KEY": TRAINER_KEY,
            "SIMCOACH_LLM_BASE_URL": f"http://127.0.0.1:{self.fake_port}/v1",
            "SIMCOACH_LLM_MODEL": "fake-model",
            "SIMCOACH_LLM_MAX_CONCURRENCY": str(cap),
            "SIMCOACH_LLM_FIRST_TOKEN_TIMEOUT_S": "30",
            "SIMCOACH_LOG_LEVEL": "warning",
        }
        port_file = self.tmp / "port"
        self.service = subprocess.Popen([sys.executable, __file__, "_serve", str(port_file)], env=env)
        while not port_file.exists() or not port_file.read_text():
            time.sleep(0.05)  # startup of another process; nothing to wait on but the file
        self.url = f"http://127.0.0.1:{int(port_file.read_text())}"
        self.fake_url = f"http://127.0.0.1:{self.fake_port}"

    def close(self) -> None:
        """Stop both processes and remove the run's database directory."""
        for proc in (self.service, self.fake):
            proc.terminate()
            proc.wait(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)

    async def control(self, path: str, body: Any) -> None:
        """Script the fake server."""
        async with httpx.AsyncClient(base_url=self.fake_url) as c:
            (await c.post(path, json=body)).raise_for_status()

    async def sessions(self, n: int) -> list[dict[str, Any]]:
        """Create n sessions through the REST API."""
        async with httpx.AsyncClient(base_url=self.url, timeout=60) as c:
            out = []
            for i in range(n):
                got = await c.post(
                    "/api/v1/sessions",
                    json={"learner": f"bench{i}", "scenario": SCENARIO, "mode": "coach", "seed": i},
                    headers={"Authorization": f"Bearer {TRAINER_KEY}"},
                )
                got.raise_for_status()
                out.append(got.json())
            return out

    def ws(self, created: dict[str, Any]) -> str:
        """The websocket URL of a session."""
        base = self.url.replace("http://", "ws://")
        return f"{base}/api/v1/sessions/{created['session']['id']}/ws?token={created['token']}"


async def _turn(ws: Any, cmid: str) -> tuple[int | None, dict[str, Any] | None]:
    """One agent turn: when its first reply piece arrived here, and its reply frame (None if ended)."""
    await ws.send(json.dumps({"type": "agent_message", "client_message_id": cmid, "text": AGENT}))
    first: int | None = None
    reply: dict[str, Any] | None = None
    while True:
        frame = json.loads(await ws.recv())
        kind = frame["type"]
        if kind == "reply_delta" and first is None:
            first = time.monotonic_ns()
        elif kind == "reply":
            reply = frame
        elif kind in ("outcome", "error"):
            return first, None  # the customer ended the chat (or the session is over)
        elif kind == "state":
            return first, reply


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def latency(turns: int) -> dict[str, Any]:
    """First model token -> websocket client, one turn at a time (sessions of up to 8 turns)."""
    stack = Stack(cap=16)
    try:
        await stack.control("/_control/default", {"text": REPLY, "delay_s": 0.002})
        per_session = 3
        created = await stack.sessions((turns + per_session - 1) // per_session + 10)
        received: list[int | None] = []
        for c in created:
            async with connect(stack.ws(c)) as ws:
                json.loads(await ws.recv())
                for i in range(per_session):
                    if len(received) >= turns:
                        break
                    first, reply = await _turn(ws, f"t{i}")
                    if first is not None:
                        received.append(first)
                    if reply is None:
                        break
                    assert reply["renderer"] == "llm:fake-model", reply
        async with httpx.AsyncClient(base_url=stack.url) as sc:
            arrivals = (await sc.get("/_bench/arrivals")).json()["arrivals"]
    finally:
        stack.close()
    assert len(arrivals) == len(received), (len(arrivals), len(received))
    ms = [(r - a) / 1e6 for a, r in zip(arrivals, received, strict=True) if r is not None]
    return {
        "turns": len(ms),
        "p50_ms": round(statistics.median(ms), 3),
        "p99_ms": round(_pct(ms, 99), 3),
        "max_ms": round(max(ms), 3),
        "target_p99_ms": 5.0,
    }


async def concurrency(sessions: int, cap: int, turns: int) -> dict[str, Any]:
    """Many sessions at once: requests open at the model never exceed the cap; every turn is answered."""
    stack = Stack(cap=cap)
    try:
        await stack.control("/_control/default", {"text": REPLY, "delay_s": 0.05})
        created = await stack.sessions(sessions)
        started = time.monotonic()

        async def one(c: dict[str, Any]) -> tuple[int, int]:
            asked = answered = 0
            async with connect(stack.ws(c), open_timeout=60) as ws:
                json.loads(await ws.recv())
                for i in range(turns):
                    asked += 1
                    _, reply = await _turn(ws, f"t{i}")
                    if reply is None:
                        break
                    answered += reply["renderer"] == "llm:fake-model"
            return asked, answered

        counts = await asyncio.gather(*(one(c) for c in created))
        elapsed = time.monotonic() - started
        async with httpx.AsyncClient(base_url=stack.fake_url) as fc:
            stats = (await fc.get("/_control/stats")).json()
    finally:
        stack.close()
    return {
        "sessions": sessions,
        "turns": sum(a for a, _ in counts),
        "answered_by_model": sum(n for _, n in counts),
        "lost": sum(a - n for a, n in counts),
        "cap": cap,
        "max_open_requests": stats["max_open"],
        "model_requests": stats["requests"],
        "seconds": round(elapsed, 2),
    }


def main() -> None:
    """Run the chosen benchmarks and print JSON results."""
    if len(sys.argv) == 3 and sys.argv[1] == "_serve":
        _serve(Path(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("which", nargs="?", choices=["latency", "concurrency", "all"], default="all")
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--cap", type=int, default=16)
    parser.add_argument("--session-turns", type=int, default=2)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    if args.which in ("latency", "all"):
        results["first_token_latency"] = asyncio.run(latency(args.turns))
        print(json.dumps(results["first_token_latency"]), flush=True)
    if args.which in ("concurrency", "all"):
        results["concurrency"] = asyncio.run(concurrency(args.sessions, args.cap, args.session_turns))
        print(json.dumps(results["concurrency"]), flush=True)
    ok = True
    if "first_token_latency" in results:
        ok &= results["first_token_latency"]["p99_ms"] <= 5.0
    if "concurrency" in results:
        c = results["concurrency"]
        ok &= c["max_open_requests"] <= c["cap"] and c["lost"] == 0
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
