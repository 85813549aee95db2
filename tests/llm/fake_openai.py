"""A scripted OpenAI-compatible chat server for tests and benchmarks, with fault injection per request.

Runs on a free loopback port in a background thread (tests) or a subprocess (benchmarks, so its work does
not share the client's GIL). Control it directly through :class:`FakeState` or over ``/_control/*``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

import uvicorn
from pydantic import BaseModel, Field
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

Kind = Literal["ok", "status", "hang", "malformed", "cutoff", "abort", "slow_first"]


class Behaviour(BaseModel):
    """What the server does for one request."""

    kind: Kind = "ok"
    text: str = "I have been waiting all week for this."
    status: int = 500
    retry_after: str | None = None
    pieces: list[str] | None = Field(default=None, description="Explicit stream pieces; else word by word.")
    delay_s: float = Field(default=0.0, description="Pause between streamed pieces.")
    first_delay_s: float = Field(default=0.0, description="Pause before the first piece (slow_first, hang).")
    after_pieces: int = Field(default=1, description="Pieces sent before malformed/cutoff/abort.")
    hold_after: int | None = Field(default=None, description="Pieces sent before waiting for release.")
    prompt_tokens: int = 50
    completion_tokens: int | None = None

    def split(self) -> list[str]:
        """The pieces to stream: explicit, else word by word with leading spaces like real tokenisers."""
        return self.pieces if self.pieces is not None else re.findall(r"\s*\S+", self.text) or [""]


class FakeState:
    """The script, the default behaviour, the requests seen and open-request counters (thread-safe)."""

    def __init__(self) -> None:
        self.script: deque[Behaviour] = deque()
        self.default = Behaviour()
        self.responder: Callable[[dict[str, Any]], Behaviour] | None = None
        self.requests: list[dict[str, Any]] = []
        self.first_piece_sent_at: list[float] = []
        self.held = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self.open_now = 0
        self.max_open = 0

    def enqueue(self, *behaviours: Behaviour) -> None:
        """Behaviours for the next requests, in order; the default serves after them."""
        self.script.extend(behaviours)

    def reset(self) -> None:
        """Forget script, requests and counters."""
        with self._lock:
            self.script.clear()
            self.default = Behaviour()
            self.responder = None
            self.requests.clear()
            self.first_piece_sent_at.clear()
            self.held.clear()
            self.release.clear()
            self.open_now = 0
            self.max_open = 0

    def next_for(self, body: dict[str, Any]) -> Behaviour:
        """Pop the next scripted behaviour, else ask the responder, else the default."""
        with self._lock:
            self.requests.append(body)
        try:
            return self.script.popleft()
        except IndexError:
            pass
        if self.responder is not None:
            return self.responder(body)
        return self.default

    def opened(self) -> None:
        with self._lock:
            self.open_now += 1
            self.max_open = max(self.max_open, self.open_now)

    def closed(self) -> None:
        with self._lock:
            self.open_now -= 1

    def stats(self) -> dict[str, int]:
        """Counters for assertions."""
        with self._lock:
            return {"requests": len(self.requests), "open_now": self.open_now, "max_open": self.max_open}


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> str:
    payload = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(payload)}\n\n"


def _usage(b: Behaviour, pieces: list[str]) -> dict[str, int]:
    completion = b.completion_tokens if b.completion_tokens is not None else len(pieces)
    return {
        "prompt_tokens": b.prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": b.prompt_tokens + completion,
    }


def build_app(state: FakeState) -> ASGIApp:
    """The Starlette app serving ``/v1/chat/completions`` and ``/_control/*``."""

    async def completions(request: Request) -> Response:
        body = await request.json()
        b = state.next_for(body)
        model = str(body.get("model", "fake"))
        if b.kind == "status":
            headers = {"retry-after": b.retry_after} if b.retry_after is not None else {}
            err = {"error": {"message": f"injected {b.status}", "type": "fake", "code": None}}
            return JSONResponse(err, status_code=b.status, headers=headers)
        if b.kind == "hang":
            await _sleep_unless_disconnected(request, b.first_delay_s or 30.0)
        pieces = b.split()
        if not body.get("stream"):
            text = "".join(pieces)
            return JSONResponse(
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": 0,
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": _usage(b, pieces),
                }
            )
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        return StreamingResponse(_sse(state, b, model, pieces, include_usage), media_type="text/event-stream")

    async def control_script(request: Request) -> Response:
        data = await request.json()
        state.enqueue(*[Behaviour.model_validate(d) for d in data])
        return JSONResponse({"queued": len(state.script)})

    async def control_default(request: Request) -> Response:
        state.default = Behaviour.model_validate(await request.json())
        return JSONResponse({"ok": True})

    async def control_stats(request: Request) -> Response:
        return JSONResponse(state.stats())

    async def control_reset(request: Request) -> Response:
        state.reset()
        return JSONResponse({"ok": True})

    app = Starlette(
        routes=[
            Route("/v1/chat/completions", completions, methods=["POST"]),
            Route("/_control/script", control_script, methods=["POST"]),
            Route("/_control/default", control_default, methods=["POST"]),
            Route("/_control/stats", control_stats, methods=["GET"]),
            Route("/_control/reset", control_reset, methods=["POST"]),
        ]
    )
    return _CountOpen(app, state)


async def _sleep_unless_disconnected(request: Request, seconds: float) -> None:
    """Hang like a stuck server, but stop as soon as the client gives up (keeps shutdown quick)."""

    async def disconnected() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    waiter = asyncio.ensure_future(disconnected())
    try:
        await asyncio.wait_for(asyncio.shield(waiter), timeout=seconds)
    except TimeoutError:
        pass
    finally:
        waiter.cancel()


async def _sse(
    state: FakeState, b: Behaviour, model: str, pieces: list[str], include_usage: bool
) -> AsyncIterator[str]:
    if b.kind == "slow_first" or b.first_delay_s:
        await asyncio.sleep(b.first_delay_s)
    for i, piece in enumerate(pieces):
        if i and b.delay_s:
            await asyncio.sleep(b.delay_s)
        if b.hold_after is not None and i == b.hold_after:
            state.held.set()
            await asyncio.to_thread(state.release.wait, 30)
        if i == b.after_pieces:
            if b.kind == "malformed":
                yield 'data: {"id": "chatcmpl-fake", "choices": [{"delta": {"content": "bro\n\n'
                return
            if b.kind == "cutoff":
                return  # a clean end with no finish reason and no [DONE]
            if b.kind == "abort":
                raise ConnectionResetError("injected abort mid-stream")
        delta: dict[str, Any] = {"content": piece}
        if i == 0:
            delta["role"] = "assistant"
            state.first_piece_sent_at.append(time.perf_counter())
        yield _chunk(model, delta)
    yield _chunk(model, {}, "stop")
    if include_usage:
        yield (
            "data: "
            + json.dumps(
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": model,
                    "choices": [],
                    "usage": _usage(b, pieces),
                }
            )
            + "\n\n"
        )
    yield "data: [DONE]\n\n"


class _CountOpen:
    """Counts requests open on the completions route, from arrival to the last byte or disconnect."""

    def __init__(self, app: ASGIApp, state: FakeState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/v1/chat/completions":
            await self.app(scope, receive, send)
            return
        self.state.opened()
        try:
            await self.app(scope, receive, send)
        finally:
            self.state.closed()


class FakeOpenAI:
    """The fake server on a free loopback port, in a background thread; ``base_url`` for the client."""

    def __init__(self) -> None:
        self.state = FakeState()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        # Listening before the thread starts: clients can connect at once; the kernel queues them.
        self._sock.listen(2048)
        self.port: int = self._sock.getsockname()[1]
        config = uvicorn.Config(
            build_app(self.state),
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
            backlog=2048,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    @property
    def base_url(self) -> str:
        """The ``/v1`` URL to give the openai client."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeOpenAI:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()


def main() -> None:
    """Serve in the foreground (for benchmarks in a subprocess); prints the port on the first line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(2048)
    print(sock.getsockname()[1], flush=True)  # noqa: T201
    config = uvicorn.Config(build_app(FakeState()), log_level="warning", lifespan="off", backlog=2048)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
