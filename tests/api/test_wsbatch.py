"""Frames sent with the ``MORE`` flag leave with the next frame, in one write, through a real uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any, cast

import uvicorn
from websockets.asyncio.client import connect

from simcoach.api.wsbatch import MORE, BatchingWebSocketProtocol

WRITES: list[bytes] = []


class _Recording:
    """The real transport, with every write recorded."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def write(self, data: bytes) -> None:
        WRITES.append(data)
        self._inner.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class RecordingProtocol(BatchingWebSocketProtocol):
    """The protocol under test, over a transport that records its writes."""

    def connection_made(self, transport: Any) -> None:
        super().connection_made(cast(asyncio.Transport, _Recording(transport)))


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Accept, then on each text frame "n" send n frames together, then one frame on its own."""
    assert scope["type"] == "websocket"
    await receive()
    await send({"type": "websocket.accept"})
    while (event := await receive())["type"] == "websocket.receive":
        count = int(event["text"])
        for i in range(count):
            await send({"type": "websocket.send", "text": f"batch {i}", MORE: i < count - 1})
        await send({"type": "websocket.send", "text": "alone"})


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def serving() -> AsyncIterator[int]:
    port = _port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            ws=RecordingProtocol,
            ws_per_message_deflate=False,  # as ``simcoach serve`` runs it; frames stay readable here
            lifespan="off",
            log_level="warning",
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        await task


async def test_frames_sent_together_leave_in_one_write_and_in_order() -> None:
    async with serving() as port, connect(f"ws://127.0.0.1:{port}/") as ws:
        WRITES.clear()
        await ws.send("3")
        received = [await ws.recv() for _ in range(4)]
    assert received == ["batch 0", "batch 1", "batch 2", "alone"]
    # The three frames of the batch in the first write, the frame sent alone in the next.
    assert [w.count(b"batch") for w in WRITES[:2]] == [3, 0]
    assert b"alone" in WRITES[1]


async def test_a_frame_sent_alone_is_written_at_once() -> None:
    async with serving() as port, connect(f"ws://127.0.0.1:{port}/") as ws:
        WRITES.clear()
        await ws.send("1")
        received = [await ws.recv() for _ in range(2)]
    assert received == ["batch 0", "alone"]
    assert [w.count(b"batch") + w.count(b"alone") for w in WRITES[:2]] == [1, 1]
