"""Sessions REST API: create, read, list, transcript, scorecard, overrides and exports."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from simcoach.api.deps import PrincipalDep, StateDep
from simcoach.api.errors import ErrorResponse
from simcoach.practice.reports import ExportRead, OverrideResult, ScorecardRead
from simcoach.practice.service import ListQuery, SessionCreated, SessionList
from simcoach.practice.views import CleanStr, Mode, SessionRead, TranscriptRead

router = APIRouter(
    prefix="/sessions",
    tags=["sessions"],
    responses={
        401: {"model": ErrorResponse},
        403: {"model": ErrorResponse},
        404: {"model": ErrorResponse},
        422: {"model": ErrorResponse},
    },
)


class SessionCreate(BaseModel):
    """Start a practice session for a learner."""

    learner: CleanStr = Field(
        min_length=1, max_length=200, description="External learner id (LMS id, email …)."
    )
    scenario: CleanStr = Field(min_length=1, max_length=64)
    mode: Mode = "coach"
    seed: int | None = Field(default=None, ge=0, le=2**62, description="Fix for a reproducible customer.")


class SessionCreatedRead(SessionCreated):
    """The created session plus the absolute websocket URL to connect to."""

    websocket_url: str


class OverrideCreate(BaseModel):
    """A trainer's override of one criterion on one agent turn."""

    turn: int = Field(ge=1, description="The agent turn (1-based).")
    criterion_id: CleanStr = Field(min_length=1, max_length=64)
    level: int = Field(ge=0, le=10)
    reason: CleanStr = Field(min_length=3, max_length=2000)


def _ws_url(request: Request, state: StateDep, path: str) -> str:
    base = state.settings.public_url or str(request.base_url)
    base = base.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base.removeprefix("https://") + path
    return "ws://" + base.removeprefix("http://") + path


@router.post("", status_code=201, response_model=SessionCreatedRead)
async def create_session(
    body: SessionCreate, request: Request, state: StateDep, principal: PrincipalDep
) -> SessionCreatedRead:
    """Create a session; returns its websocket URL and a trainee token for this learner's sessions."""
    created = await state.practice.create(
        principal, learner=body.learner, scenario_id=body.scenario, mode=body.mode, seed=body.seed
    )
    return SessionCreatedRead(
        **created.model_dump(), websocket_url=_ws_url(request, state, created.websocket_path)
    )


@router.get("", response_model=SessionList)
async def list_sessions(
    state: StateDep,
    principal: PrincipalDep,
    learner: str | None = None,
    scenario: str | None = None,
    outcome: str | None = None,
    status: Literal["active", "finished"] | None = None,
    since: Annotated[datetime | None, Query(description="Created at or after (ISO 8601).")] = None,
    until: Annotated[datetime | None, Query(description="Created before (ISO 8601).")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> SessionList:
    """Sessions, newest first, filtered by learner, scenario, outcome, status and creation date."""
    query = ListQuery(
        learner=learner,
        scenario=scenario,
        outcome=outcome,
        status=status,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    return await state.practice.list(principal, query)


@router.get("/{session_id}", response_model=SessionRead)
async def get_session(session_id: str, state: StateDep, principal: PrincipalDep) -> SessionRead:
    """A session's summary: content versions, mode, state (where visible), outcome, token usage."""
    return await state.practice.get(principal, session_id)


@router.get("/{session_id}/transcript", response_model=TranscriptRead)
async def get_transcript(session_id: str, state: StateDep, principal: PrincipalDep) -> TranscriptRead:
    """Every message with timestamps; per agent turn the scores, evidence, feedback, state and overrides."""
    return await state.reports.transcript(principal, session_id)


@router.get(
    "/{session_id}/scorecard", response_model=ScorecardRead, responses={409: {"model": ErrorResponse}}
)
async def get_scorecard(session_id: str, state: StateDep, principal: PrincipalDep) -> ScorecardRead:
    """The final scorecard, or a provisional one while running (409 for trainees in assessment mode)."""
    return await state.reports.scorecard(principal, session_id)


@router.post("/{session_id}/overrides", status_code=201, response_model=OverrideResult)
async def create_override(
    session_id: str, body: OverrideCreate, state: StateDep, principal: PrincipalDep
) -> OverrideResult:
    """Override one criterion's level on one turn, with a reason (trainer or admin; audited)."""
    return await state.reports.override(
        principal,
        session_id,
        turn=body.turn,
        criterion_id=body.criterion_id,
        level=body.level,
        reason=body.reason,
    )


@router.get(
    "/{session_id}/export",
    response_model=ExportRead,
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
)
async def export_session(
    session_id: str,
    state: StateDep,
    principal: PrincipalDep,
    format: Literal["json", "csv"] = "json",
) -> ExportRead | Response:
    """The session as JSON (transcript, scorecard, overrides) or CSV (one row per turn and criterion)."""
    if format == "csv":
        text = await state.reports.export_csv(principal, session_id)
        return Response(
            content=text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="session-{session_id}.csv"'},
        )
    return await state.reports.export_json(principal, session_id)
