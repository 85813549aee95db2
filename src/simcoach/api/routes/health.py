"""Liveness and readiness in one: the database answers and the schema is current."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from simcoach.api.deps import StateDep
from simcoach.api.errors import error_response
from simcoach.llm.factory import describe_backends
from simcoach.store import migrate

router = APIRouter(tags=["health"])


class HealthRead(BaseModel):
    """Service health."""

    status: str
    schema_revision: str
    content: dict[str, int]
    content_errors: int
    backends: dict[str, str] = Field(
        description="Who plays the customer and who scores: 'scripted' / 'llm:<model>', "
        "'offline' / 'llm:<model>' / 'hybrid:<model>'."
    )


@router.get("/healthz", response_model=HealthRead, responses={503: {"description": "database down"}})
async def healthz(state: StateDep) -> HealthRead:
    """200 when the database answers with the expected schema; 503 otherwise."""
    status = await migrate.probe(state.db.engine)
    if isinstance(status, str):
        return error_response(503, "database_unavailable", status)  # type: ignore[return-value]
    if not status.up_to_date:
        return error_response(503, "schema_outdated", status.describe())  # type: ignore[return-value]
    return HealthRead(
        status="ok",
        schema_revision=status.head,
        content=state.content.counts(),
        content_errors=len(state.content.errors),
        backends=describe_backends(state.settings),
    )
