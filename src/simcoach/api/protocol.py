"""The practice websocket protocol, version 1: every frame both ways as a typed pydantic model.

Documented message by message in docs/protocol.md; a change that breaks a client bumps PROTOCOL_VERSION.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from simcoach.practice.views import CleanStr, MessageRead, SessionRead
from simcoach.scoring.models import Scorecard, TurnAssessment
from simcoach.sim.models import CustomerState, Outcome, StateChange

PROTOCOL_VERSION = 1

ClientMessageId = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:\-]+$")]


class ClientFrame(BaseModel):
    """Base of every client frame: unknown fields are errors, so typos surface at once."""

    model_config = ConfigDict(extra="forbid")


class AgentMessage(ClientFrame):
    """The agent's next message; ``client_message_id`` makes a resend idempotent."""

    type: Literal["agent_message"]
    client_message_id: ClientMessageId
    text: Annotated[CleanStr, Field(min_length=1, max_length=4000)]


class Typing(ClientFrame):
    """The agent is (or stopped) typing; accepted and not answered."""

    type: Literal["typing"]
    active: bool = True


class EndSession(ClientFrame):
    """The agent ends the chat."""

    type: Literal["end"]
    reason: Annotated[CleanStr, Field(max_length=200)] = ""


class Ping(ClientFrame):
    """Keep-alive; answered with ``pong``."""

    type: Literal["ping"]
    nonce: Annotated[str, Field(max_length=64)] | None = None


ClientMessage = Annotated[AgentMessage | Typing | EndSession | Ping, Field(discriminator="type")]
CLIENT_ADAPTER: TypeAdapter[AgentMessage | Typing | EndSession | Ping] = TypeAdapter(ClientMessage)
CLIENT_TYPES = frozenset({"agent_message", "typing", "end", "ping"})


class SessionFrame(BaseModel):
    """First frame on every connection (and after a conflict): the session and the transcript so far."""

    type: Literal["session"] = "session"
    protocol: int = PROTOCOL_VERSION
    session: SessionRead
    messages: list[MessageRead]
    pending: MessageRead | None = Field(
        description="An agent message stored but not yet answered; its reply follows."
    )
    max_frame_bytes: int


class Ack(BaseModel):
    """The agent message is committed; ``turn_id`` is its stored id. Sent again for a resend (duplicate)."""

    type: Literal["ack"] = "ack"
    client_message_id: str
    turn_id: int
    seq: int
    agent_turn: int
    duplicate: bool


class CustomerTyping(BaseModel):
    """The customer has started replying (an LLM customer may take a while to its first words)."""

    type: Literal["customer_typing"] = "customer_typing"
    agent_turn: int


class ReplyDeltaFrame(BaseModel):
    """A piece of the reply; with ``reset`` true, discard the pieces so far and start again from ``text``."""

    type: Literal["reply_delta"] = "reply_delta"
    agent_turn: int
    text: str
    reset: bool = False


class ReplyFrame(BaseModel):
    """The complete reply, committed; ``turn_id`` is its stored id."""

    type: Literal["reply"] = "reply"
    agent_turn: int
    turn_id: int
    seq: int
    text: str
    intent: str
    renderer: str
    notice: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0


class AssessmentFrame(BaseModel):
    """Coach mode only: the agent turn's scores with evidence and feedback, and one hint."""

    type: Literal["assessment"] = "assessment"
    agent_turn: int
    assessment: TurnAssessment
    hint: str | None = Field(description="The better line for the weakest criterion, if any.")


class StateFrame(BaseModel):
    """Coach mode only: the customer's state before and after the turn, with causes."""

    type: Literal["state"] = "state"
    agent_turn: int
    before: CustomerState
    after: CustomerState
    changes: list[StateChange]


class OutcomeFrame(BaseModel):
    """The session ended."""

    type: Literal["outcome"] = "outcome"
    outcome: Outcome


class ScorecardFrame(BaseModel):
    """The session's scorecard, sent after the outcome in both modes."""

    type: Literal["scorecard"] = "scorecard"
    scorecard: Scorecard


class ErrorFrame(BaseModel):
    """A coded error; the connection stays open unless the close code says otherwise."""

    type: Literal["error"] = "error"
    code: str
    message: str
    field: str | None = None
    client_message_id: str | None = None
    retryable: bool = False


class Pong(BaseModel):
    """Answer to ``ping``."""

    type: Literal["pong"] = "pong"
    nonce: str | None = None


ServerMessage = Annotated[
    SessionFrame
    | Ack
    | CustomerTyping
    | ReplyDeltaFrame
    | ReplyFrame
    | AssessmentFrame
    | StateFrame
    | OutcomeFrame
    | ScorecardFrame
    | ErrorFrame
    | Pong,
    Field(discriminator="type"),
]
SERVER_ADAPTER: TypeAdapter[Any] = TypeAdapter(ServerMessage)

ERROR_CODES: dict[str, str] = {
    "frame_too_large": "The frame is over max_frame_bytes (see the session frame); it was ignored.",
    "binary_frame": "Only text frames carrying JSON are accepted.",
    "malformed_frame": "The frame is not a JSON object with a string 'type'.",
    "unknown_type": "The 'type' is not one this protocol version knows.",
    "invalid_frame": "A field is missing or invalid; 'field' names it.",
    "turn_in_flight": "The customer is still replying; the message was not stored. Resend it after 'reply'.",
    "session_finished": "The session has ended; no more agent messages are accepted.",
    "session_conflict": "Another connection advanced this session; a fresh 'session' frame follows.",
    "unauthorized": "Missing or unknown token (close code 4401).",
    "forbidden": "The token does not reach this session (close code 4403).",
    "session_not_found": "No such session (close code 4404).",
    "unsupported_protocol": "The requested protocol version is not served (close code 4400).",
    "internal_error": "The server failed this step; the turn, if acknowledged, is kept. Reconnect to resume.",
}
"""Every error code the websocket sends, with its meaning (rendered into docs/protocol.md)."""

CLOSE_CODES = {
    "unauthorized": 4401,
    "forbidden": 4403,
    "session_not_found": 4404,
    "unsupported_protocol": 4400,
}
