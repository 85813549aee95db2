"""QA mode: score an uploaded transcript with a rubric, using the same scorer as live sessions."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from simcoach.api.deps import PrincipalDep, StateDep
from simcoach.api.errors import ErrorResponse
from simcoach.practice.reports import QaMessage, QaResult

router = APIRouter(prefix="/qa", tags=["qa"], responses={422: {"model": ErrorResponse}})


class QaRequest(BaseModel):
    """A transcript to score."""

    rubric: str = Field(min_length=1, max_length=64)
    messages: list[QaMessage] = Field(min_length=1, max_length=500)


@router.post("/score", response_model=QaResult)
async def score_transcript(body: QaRequest, state: StateDep, principal: PrincipalDep) -> QaResult:
    """Per-turn scores with evidence and feedback, and the scorecard (trainer or admin)."""
    return await state.reports.qa_score(principal, body.rubric, body.messages)
