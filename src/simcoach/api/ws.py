"""The practice websocket: one connection drives one session through the protocol in protocol.py."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from fastapi import APIRouter, WebSocket
from pydantic import BaseModel, ValidationError
from starlette.websockets import WebSocketState

from simcoach.api.errors import field_of
from simcoach.api.protocol import (
    CLIENT_ADAPTER,
    CLIENT_TYPES,
    CLOSE_CODES,
    PROTOCOL_VERSION,
    Ack,
    AgentMessage,
    AssessmentFrame,
    CustomerTyping,
    EndSession,
    ErrorFrame,
    OutcomeFrame,
    Ping,
    Pong,
    ReplyDeltaFrame,
    ReplyFrame,
    ScorecardFrame,
    SessionFrame,
    StateFrame,
)
from simcoach.api.state import AppState
from simcoach.api.wsbatch import MORE
from simcoach.practice.access import Principal, authenticate
from simcoach.practice.errors import PracticeError
from simcoach.practice.live import LiveSession
from simcoach.practice.results import Accepted, TurnCommitted
from simcoach.practice.service import LiveView
from simcoach.scoring.models import TurnAssessment

router = APIRouter(tags=["practice"])
log = logging.getLogger("simcoach.ws")


def hint_of(assessment: TurnAssessment) -> str | None:
    """The better line of the lowest-scoring applicable criterion (the coach-mode hint)."""
    scored = [c for c in assessment.scores.values() if c.applicable and c.level < c.max_level]
    if not scored:
        return None
    worst = min(scored, key=lambda c: c.level / c.max_level)
    return worst.feedback.better_line


def _token(ws: WebSocket) -> str | None:
    header = ws.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return ws.query_params.get("token")


class Connection:
    """One client connection: a reader loop plus at most one turn task."""

    def __init__(self, ws: WebSocket, state: AppState) -> None:
        self.ws = ws
        self.state = state
        self.max_bytes = state.settings.max_frame_bytes
        self._send_lock = asyncio.Lock()
        self._closed = False
        self._task: asyncio.Task[None] | None = None
        self._in_flight: Accepted | None = None
        self._committed = False
        self.live: LiveSession | None = None
        self.principal: Principal | None = None
        self.coach = False

    async def send(self, frame: BaseModel, *frames: BaseModel) -> None:
        """Send frames in order, written together; a vanished client only marks the connection closed.

        The turn still commits when the client is gone. Frames given in one call go out in one write where
        the server supports it (see wsbatch.py), so pass together what is ready together.
        """
        if self._closed:
            return
        texts = [item.model_dump_json() for item in (frame, *frames)]
        last = len(frames)
        async with self._send_lock:
            try:
                for i, text in enumerate(texts):
                    await self.ws.send({"type": "websocket.send", "text": text, MORE: i < last})
            except Exception:  # the peer went away mid-send: nothing to report to it
                self._closed = True

    async def refuse(self, exc: PracticeError) -> None:
        """Send the error and close with the code that goes with it."""
        await self.send(ErrorFrame(code=exc.code, message=exc.message, field=exc.field))
        code = CLOSE_CODES.get(exc.code, 4400)
        if self.ws.client_state is WebSocketState.CONNECTED:
            await self.ws.close(code=code)

    async def serve(self, session_id: str) -> None:
        """Authenticate, send the session frame, then handle frames until the client leaves."""
        wanted = self.ws.query_params.get("protocol")
        if wanted is not None and wanted != str(PROTOCOL_VERSION):
            await self.refuse(
                PracticeError(f"this server speaks protocol {PROTOCOL_VERSION}", code="unsupported_protocol")
            )
            return
        try:
            self.principal = await authenticate(self.state.db, _token(self.ws))
            self.live, mode, view = await self.state.practice.connect(self.principal, session_id)
        except PracticeError as exc:
            await self.refuse(exc)
            return
        self.coach = mode == "coach"
        await self.send_session(view)
        del view  # sent: nothing of the transcript stays with an idle connection
        try:
            await self._read_loop()
        finally:
            self._closed = True
            if self._task is not None:
                # Let a reply in progress finish and commit even though nobody is listening.
                await asyncio.gather(self._task, return_exceptions=True)

    async def send_session(self, view: LiveView | None = None) -> None:
        """The session frame: summary, transcript so far, and any pending turn (whose reply then follows)."""
        assert self.principal is not None
        assert self.live is not None
        if view is None:
            view = await self.state.practice.live_view(self.principal, self.live.session_id)
        await self.send(
            SessionFrame(
                session=view.session,
                messages=view.messages,
                pending=view.pending,
                max_frame_bytes=self.max_bytes,
            )
        )
        pending = view.pending
        if pending is not None and (self._task is None or self._task.done()):
            self._in_flight = Accepted(
                turn_id=pending.turn_id,
                seq=pending.seq,
                agent_turn=pending.agent_turn,
                client_message_id=pending.client_message_id or "",
                duplicate=True,
                needs_reply=True,
            )
            self._committed = False
            self._task = asyncio.create_task(self._run_turn(pending.agent_turn))

    async def _read_loop(self) -> None:
        while not self._closed:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            text: str | None = message.get("text")
            if text is None:
                await self.send(ErrorFrame(code="binary_frame", message="send JSON in text frames"))
                continue
            await self._handle(text)

    async def _handle(self, text: str) -> None:
        if len(text) > self.max_bytes or len(text.encode("utf-8")) > self.max_bytes:
            await self.send(
                ErrorFrame(code="frame_too_large", message=f"frames are limited to {self.max_bytes} bytes")
            )
            return
        try:
            data: Any = json.loads(text)
        except ValueError:
            await self.send(ErrorFrame(code="malformed_frame", message="the frame is not valid JSON"))
            return
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            await self.send(
                ErrorFrame(code="malformed_frame", message="send a JSON object with a string 'type'")
            )
            return
        cmid = data.get("client_message_id") if isinstance(data.get("client_message_id"), str) else None
        if data["type"] not in CLIENT_TYPES:
            known = ", ".join(sorted(CLIENT_TYPES))
            await self.send(
                ErrorFrame(
                    code="unknown_type",
                    message=f"unknown type; known: {known}",
                    field="type",
                    client_message_id=cmid,
                )
            )
            return
        try:
            frame = CLIENT_ADAPTER.validate_python(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = list(first["loc"])
            if loc and loc[0] == data["type"]:
                loc = loc[1:]
            await self.send(
                ErrorFrame(
                    code="invalid_frame", message=first["msg"], field=field_of(loc), client_message_id=cmid
                )
            )
            return
        try:
            if isinstance(frame, AgentMessage):
                await self._agent_message(frame)
            elif isinstance(frame, EndSession):
                await self._end(frame)
            elif isinstance(frame, Ping):
                await self.send(Pong(nonce=frame.nonce))
            # Typing is accepted silently: nothing to store or answer yet.
        except Exception as exc:
            await self._failed(exc, "the server failed this step", cmid)

    async def _failed(self, exc: Exception, internal: str, cmid: str | None = None) -> None:
        """Report a failed step: a practice error with its code, anything else as ``internal_error``."""
        # anything unexpected is logged with its traceback and told to the client as retryable
        if isinstance(exc, PracticeError):
            await self.send(
                ErrorFrame(code=exc.code, message=exc.message, field=exc.field, client_message_id=cmid)
            )
            if exc.code == "session_conflict":
                await self.send_session()
            return
        log.error("websocket step failed: %s", internal, exc_info=exc)
        await self.send(
            ErrorFrame(code="internal_error", message=internal, client_message_id=cmid, retryable=True)
        )

    def _ack(self, accepted: Accepted, duplicate: bool) -> Ack:
        return Ack(
            client_message_id=accepted.client_message_id,
            turn_id=accepted.turn_id,
            seq=accepted.seq,
            agent_turn=accepted.agent_turn,
            duplicate=duplicate,
        )

    async def _busy(self) -> bool:
        """Whether a reply is still being produced (a committed turn finishing its frames is awaited)."""
        if self._task is None or self._task.done():
            return False
        if self._committed:
            # The reply is committed (the client may have seen it); keep frame order by letting it finish.
            await asyncio.gather(self._task, return_exceptions=True)
            return False
        return True

    async def _agent_message(self, frame: AgentMessage) -> None:
        assert self.live is not None
        if await self._busy():
            if self._in_flight is not None and self._in_flight.client_message_id == frame.client_message_id:
                await self.send(self._ack(self._in_flight, duplicate=True))
                return
            await self.send(
                ErrorFrame(
                    code="turn_in_flight",
                    message="the customer is still replying; resend this message after the reply",
                    client_message_id=frame.client_message_id,
                    retryable=True,
                )
            )
            return
        at_once = await self.live.answer_at_once(frame.client_message_id, frame.text)
        if at_once is not None:
            # The message and its whole answer are committed together: every frame of the turn at once.
            accepted, delta, done = at_once
            await self._send_committed(
                done,
                self._ack(accepted, duplicate=False),
                CustomerTyping(agent_turn=done.agent_turn),
                ReplyDeltaFrame(agent_turn=done.agent_turn, text=delta.text, reset=delta.reset),
            )
            return
        accepted = await self.live.accept(frame.client_message_id, frame.text)
        ack = self._ack(accepted, duplicate=accepted.duplicate)
        if not accepted.needs_reply:
            await self.send(ack)
            return
        await self.send(ack, CustomerTyping(agent_turn=accepted.agent_turn))
        self._in_flight, self._committed = accepted, False
        self._task = asyncio.create_task(self._run_turn(accepted.agent_turn, typing_sent=True))

    async def _end(self, frame: EndSession) -> None:
        assert self.live is not None
        if await self._busy():
            await self.send(
                ErrorFrame(code="turn_in_flight", message="wait for the reply before ending", retryable=True)
            )
            return
        ended = await self.live.end(frame.reason)
        card = () if ended.scorecard is None else (ScorecardFrame(scorecard=ended.scorecard),)
        await self.send(OutcomeFrame(outcome=ended.outcome), *card)

    async def _run_turn(self, agent_turn: int, *, typing_sent: bool = False) -> None:
        assert self.live is not None
        if not typing_sent:
            await self.send(CustomerTyping(agent_turn=agent_turn))
        try:
            async for item in self.live.reply():
                if isinstance(item, TurnCommitted):
                    self._committed = True
                    await self._send_committed(item)
                else:
                    await self.send(ReplyDeltaFrame(agent_turn=agent_turn, text=item.text, reset=item.reset))
        except Exception as exc:
            await self._failed(exc, "the reply failed; the message is kept, reconnect to resume")

    async def _send_committed(self, done: TurnCommitted, *before: BaseModel) -> None:
        """The frames of a committed turn, after ``before`` (frames that go out with them)."""
        r = done.reply
        frames: list[BaseModel] = []
        if self.coach:
            s = done.state
            frames += [
                AssessmentFrame(
                    agent_turn=done.agent_turn, assessment=done.assessment, hint=hint_of(done.assessment)
                ),
                StateFrame(agent_turn=done.agent_turn, before=s.before, after=s.after, changes=s.changes),
            ]
        if done.outcome is not None:
            frames.append(OutcomeFrame(outcome=done.outcome))
            if done.scorecard is not None:
                frames.append(ScorecardFrame(scorecard=done.scorecard))
        # The committed turn's frames are ready together: one write.
        await self.send(
            *before,
            ReplyFrame(
                agent_turn=done.agent_turn,
                turn_id=done.reply_turn_id,
                seq=done.seq,
                text=r.text,
                intent=str(r.intent),
                renderer=r.renderer,
                notice=r.notice,
                prompt_tokens=r.prompt_tokens,
                completion_tokens=r.completion_tokens,
            ),
            *frames,
        )


@router.websocket("/sessions/{session_id}/ws")
async def practice_socket(websocket: WebSocket, session_id: str) -> None:
    """Live practice session; see docs/protocol.md. Token: ``Authorization: Bearer`` or ``?token=``."""
    await websocket.accept()
    state: AppState = websocket.app.state.simcoach
    await Connection(websocket, state).serve(session_id)
