"""Websocket frames that go out together leave in one write: a uvicorn protocol with a "more" flag.

A turn answers with several frames at once (with the scripted customer all six: ``ack`` to ``state``).
Each frame written on its own is one ``send`` system call, one TCP segment and one wake-up of the reader;
together they are one of each. A ``websocket.send`` message that carries ``MORE: True`` is framed but
held; the next send without it writes everything held in one call.

This is an ASGI message key that other servers (and Starlette's test client) simply ignore: there every
frame goes out as it is sent, which is what the protocol requires anyway.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.exceptions import InvalidState

MORE = "simcoach.more"
"""Key of a ``websocket.send`` message: true when another frame follows at once (hold this one)."""


class BatchingWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's websockets (sans-I/O) protocol, holding frames sent with ``MORE`` for the next write."""

    async def send(self, message: Any) -> None:
        """Frame a held message without writing it; everything else is uvicorn's own send."""
        if (
            message.get(MORE)
            and message["type"] == "websocket.send"
            and self.handshake_complete
            and self.initial_response is None
            and not self.close_sent
        ):
            if self.disconnected:
                raise ClientDisconnected()
            text, data = message.get("text"), message.get("bytes")
            try:
                # Framed into the connection's output buffer; uvicorn's next write takes it along.
                if data is not None:
                    self.conn.send_binary(data)
                elif text is not None:
                    self.conn.send_text(text.encode())
            except InvalidState:
                raise ClientDisconnected() from None
            return
        await super().send(message)
