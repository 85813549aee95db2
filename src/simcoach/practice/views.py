"""Read models the service returns (pydantic), built from store records; the API serves them as is."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from simcoach.scoring.models import Scorecard, TurnAssessment
from simcoach.sim.models import CustomerState, Outcome, StateChanged
from simcoach.store.tables import AssessmentRecord, OverrideRecord, SessionRecord, TurnRecord


def no_nul(value: str) -> str:
    """Reject NUL characters: PostgreSQL cannot store them, so they are refused at the boundary."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL (\\u0000) characters")
    return value


CleanStr = Annotated[str, AfterValidator(no_nul)]
"""A string safe to store in either database."""

Mode = Literal["coach", "assessment"]
Status = Literal["active", "finished"]


class ContentRef(BaseModel):
    """Which content item, at which version, a session runs."""

    id: str
    version: str


class Usage(BaseModel):
    """LLM token usage."""

    prompt_tokens: int = 0
    completion_tokens: int = 0


class SessionRead(BaseModel):
    """A session's summary."""

    id: str
    learner: str
    mode: Mode
    status: Status
    scenario: ContentRef
    persona: ContentRef
    rubric: ContentRef
    turn: int = Field(description="Agent turns answered so far.")
    pending_turn_id: int | None = Field(description="An agent turn stored but not yet answered.")
    state: CustomerState | None = Field(
        description="The customer's state now (null in assessment mode until the end)."
    )
    outcome: Outcome | None
    overall_percent: float | None = None
    passed: bool | None = None
    usage: Usage
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None


class MessageRead(BaseModel):
    """One message of the transcript."""

    turn_id: int
    seq: int
    role: Literal["customer", "agent"]
    agent_turn: int = Field(description="The agent turn this message belongs to (0 = the opening line).")
    text: str
    client_message_id: str | None = None
    created_at: datetime
    renderer: str | None = None
    intent: str | None = None
    notice: str | None = None
    events: list[str] = Field(default_factory=list)
    usage: Usage | None = None


class OverrideRead(BaseModel):
    """A trainer override: who, when, why, and the level it replaced."""

    id: int
    turn: int | None
    criterion_id: str
    level: int
    original_level: int | None
    reason: str
    actor: str
    actor_role: str
    created_at: datetime


class TurnRead(BaseModel):
    """One agent turn with the reply it got, its scores, evidence, feedback and the state change."""

    agent_turn: int
    agent: MessageRead
    customer: MessageRead | None
    assessment: TurnAssessment | None
    state: StateChanged | None
    overrides: list[OverrideRead] = Field(default_factory=list)


class TranscriptRead(BaseModel):
    """The whole conversation, turn by turn."""

    session: SessionRead
    opening: MessageRead | None
    turns: list[TurnRead]
    messages: list[MessageRead]


def session_read(rec: SessionRecord, learner: str, *, reveal: bool) -> SessionRead:
    """Summary of a session; ``reveal`` false hides live state (assessment mode, trainee, not ended)."""
    snap = rec.snapshot
    state = CustomerState.model_validate(snap["state"]) if reveal and "state" in snap else None
    card = rec.scorecard if reveal else None
    return SessionRead(
        id=rec.id,
        learner=learner,
        mode="coach" if rec.mode == "coach" else "assessment",
        status="finished" if rec.status == "finished" else "active",
        scenario=ContentRef(id=rec.scenario_id, version=rec.scenario_version),
        persona=ContentRef(id=rec.persona_id, version=rec.persona_version),
        rubric=ContentRef(id=rec.rubric_id, version=rec.rubric_version),
        turn=rec.turn,
        pending_turn_id=rec.pending_turn_id,
        state=state,
        outcome=Outcome.model_validate(rec.outcome) if rec.outcome else None,
        overall_percent=card.get("overall_percent") if card else None,
        passed=card.get("passed") if card else None,
        usage=Usage(prompt_tokens=rec.prompt_tokens, completion_tokens=rec.completion_tokens),
        created_at=rec.created_at,
        updated_at=rec.updated_at,
        ended_at=rec.ended_at,
    )


def message_read(rec: TurnRecord) -> MessageRead:
    """One stored message."""
    customer = rec.role == "customer"
    return MessageRead(
        turn_id=rec.id,
        seq=rec.seq,
        role="customer" if customer else "agent",
        agent_turn=rec.agent_turn,
        text=rec.text,
        client_message_id=rec.client_message_id,
        created_at=rec.created_at,
        renderer=rec.renderer,
        intent=rec.intent,
        notice=rec.notice,
        events=list(rec.events or []),
        usage=Usage(prompt_tokens=rec.prompt_tokens, completion_tokens=rec.completion_tokens)
        if customer
        else None,
    )


def override_read(rec: OverrideRecord) -> OverrideRead:
    """One stored override."""
    return OverrideRead(
        id=rec.id,
        turn=rec.turn,
        criterion_id=rec.criterion_id,
        level=rec.level,
        original_level=rec.original_level,
        reason=rec.reason,
        actor=rec.actor,
        actor_role=rec.actor_role,
        created_at=rec.created_at,
    )


def transcript_read(
    session: SessionRead,
    turns: list[TurnRecord],
    assessments: list[AssessmentRecord],
    overrides: list[OverrideRecord],
    *,
    reveal: bool,
) -> TranscriptRead:
    """Group messages by agent turn and attach assessments and overrides (hidden unless ``reveal``)."""
    messages = [message_read(t) for t in turns]
    by_turn: dict[int, AssessmentRecord] = {a.turn: a for a in assessments}
    opening = next((m for m in messages if m.agent_turn == 0 and m.role == "customer"), None)
    rows: list[TurnRead] = []
    for msg in messages:
        if msg.role != "agent":
            continue
        reply = next((m for m in messages if m.role == "customer" and m.agent_turn == msg.agent_turn), None)
        found = by_turn.get(msg.agent_turn) if reveal else None
        rows.append(
            TurnRead(
                agent_turn=msg.agent_turn,
                agent=msg,
                customer=reply,
                assessment=TurnAssessment.model_validate(found.assessment) if found else None,
                state=StateChanged.model_validate(found.state) if found and found.state else None,
                overrides=[override_read(o) for o in overrides if o.turn == msg.agent_turn] if reveal else [],
            )
        )
    return TranscriptRead(session=session, opening=opening, turns=rows, messages=messages)


def scorecard_of(rec: SessionRecord) -> Scorecard | None:
    """The stored scorecard, if the session has one."""
    return Scorecard.model_validate(rec.scorecard) if rec.scorecard else None


def json_of(model: BaseModel) -> dict[str, Any]:
    """A model as JSON-safe data for a JSON column."""
    return model.model_dump(mode="json")
