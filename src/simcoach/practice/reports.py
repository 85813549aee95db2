"""Transcripts, scorecards, trainer overrides, exports and QA scoring of uploaded transcripts."""

from __future__ import annotations

import csv
import io
from typing import Literal

from pydantic import BaseModel, Field

from simcoach.practice import engine_io
from simcoach.practice.access import Principal
from simcoach.practice.endings import build_scorecard
from simcoach.practice.errors import Conflict, ContentUnavailable, InvalidInput, NotFound
from simcoach.practice.service import PracticeService, reveals
from simcoach.practice.views import (
    CleanStr,
    OverrideRead,
    TranscriptRead,
    json_of,
    override_read,
    session_read,
    transcript_read,
)
from simcoach.scoring.models import ChatTurn, Scorecard, TurnAssessment
from simcoach.store import repository as repo
from simcoach.store.tables import OverrideRecord, utcnow


class ScorecardRead(BaseModel):
    """The scorecard; ``final`` is false while the session goes on (a provisional card)."""

    session_id: str
    final: bool
    scorecard: Scorecard | None


class OverrideResult(BaseModel):
    """The stored override and the scorecard after it."""

    override: OverrideRead
    scorecard: Scorecard | None


class ExportRead(BaseModel):
    """Everything about a session in one document."""

    transcript: TranscriptRead
    scorecard: Scorecard | None
    overrides: list[OverrideRead]


class QaMessage(BaseModel):
    """One message of an uploaded transcript."""

    role: Literal["customer", "agent"]
    text: CleanStr = Field(min_length=1, max_length=8000)


class QaResult(BaseModel):
    """Per-turn assessments and the scorecard of an uploaded transcript."""

    rubric_id: str
    rubric_version: str
    turns: list[TurnAssessment]
    scorecard: Scorecard


class Reports:
    """Read and amend finished (or running) sessions; staff-only operations check the role."""

    def __init__(self, practice: PracticeService) -> None:
        self.practice = practice
        self.db = practice.db

    async def transcript(self, principal: Principal, session_id: str) -> TranscriptRead:
        """Every message, grouped per agent turn, with scores, evidence and feedback where visible."""
        rec, learner = await self.practice.visible(principal, session_id)
        show = reveals(principal, rec)
        async with self.db.transaction() as s:
            turns = list(await repo.turns(s, session_id))
            assessments = list(await repo.assessments(s, session_id))
            overrides = list(await repo.overrides(s, session_id))
        return transcript_read(
            session_read(rec, learner, reveal=show), turns, assessments, overrides, reveal=show
        )

    async def scorecard(self, principal: Principal, session_id: str) -> ScorecardRead:
        """The final scorecard, or a provisional one while the session runs (hidden in assessment mode)."""
        rec, _ = await self.practice.visible(principal, session_id)
        if not reveals(principal, rec):
            raise Conflict(
                "assessment mode: the scorecard is shown when the session ends", code="not_available_yet"
            )
        if rec.scorecard is not None:
            return ScorecardRead(
                session_id=rec.id, final=True, scorecard=Scorecard.model_validate(rec.scorecard)
            )
        async with self.db.transaction() as s:
            if not await repo.assessments(s, rec.id):
                return ScorecardRead(session_id=rec.id, final=False, scorecard=None)
            card = await build_scorecard(s, rec.id, engine_io.stored_content(rec))
        return ScorecardRead(session_id=rec.id, final=False, scorecard=card)

    async def override(
        self, principal: Principal, session_id: str, *, turn: int, criterion_id: str, level: int, reason: str
    ) -> OverrideResult:
        """Override one criterion's level on one turn; the original stays stored and the card is rebuilt."""
        principal.require_staff()
        rec, _ = await self.practice.visible(principal, session_id)
        rubric = engine_io.stored_content(rec)[2].item
        try:
            criterion = rubric.criterion(criterion_id)
        except KeyError:
            known = ", ".join(c.id for c in rubric.criteria)
            raise InvalidInput(
                f"no criterion '{criterion_id}' in {rubric.id}; known: {known}", field="criterion_id"
            ) from None
        if not criterion.min_level <= level <= criterion.max_level:
            raise InvalidInput(
                f"level must be {criterion.min_level}..{criterion.max_level} for {criterion_id}",
                field="level",
            )
        async with self.db.transaction() as s:
            found = next((a for a in await repo.assessments(s, rec.id) if a.turn == turn), None)
            if found is None:
                raise NotFound(f"no scored agent turn {turn} in this session", field="turn")
            original = TurnAssessment.model_validate(found.assessment).scores.get(criterion_id)
            stored = await repo.add_override(
                s,
                OverrideRecord(
                    session_id=rec.id,
                    turn=turn,
                    criterion_id=criterion_id,
                    level=level,
                    original_level=original.level if original else None,
                    reason=reason,
                    actor=principal.label or principal.credential_id,
                    actor_role=principal.role,
                    created_at=utcnow(),
                ),
            )
            card: Scorecard | None = await build_scorecard(s, rec.id, engine_io.stored_content(rec))
            if rec.status == "finished" and card is not None:
                await repo.set_scorecard(s, rec.id, json_of(card))
                await repo.add_event(
                    s,
                    kind="session.rescored",
                    session_id=rec.id,
                    payload={"overall_percent": card.overall_percent},
                )
        return OverrideResult(override=override_read(stored), scorecard=card)

    async def export_json(self, principal: Principal, session_id: str) -> ExportRead:
        """The transcript, scorecard and overrides as one JSON document."""
        rec, _ = await self.practice.visible(principal, session_id)
        transcript = await self.transcript(principal, session_id)
        card = await self.scorecard(principal, session_id) if reveals(principal, rec) else None
        overrides = [o for t in transcript.turns for o in t.overrides]
        return ExportRead(
            transcript=transcript, scorecard=card.scorecard if card else None, overrides=overrides
        )

    async def export_csv(self, principal: Principal, session_id: str) -> str:
        """One row per agent turn and criterion (a row with empty scores where hidden)."""
        transcript = await self.transcript(principal, session_id)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [
                "session_id",
                "learner",
                "scenario",
                "agent_turn",
                "agent_text",
                "customer_reply",
                "criterion_id",
                "level",
                "max_level",
                "override_level",
                "confidence",
                "evidence",
                "feedback",
            ]
        )
        sess = transcript.session
        for row in transcript.turns:
            base = [
                sess.id,
                sess.learner,
                sess.scenario.id,
                row.agent_turn,
                row.agent.text,
                row.customer.text if row.customer else "",
            ]
            if row.assessment is None:
                writer.writerow([*base, "", "", "", "", "", "", ""])
                continue
            for cid, score in row.assessment.scores.items():
                latest = [o.level for o in row.overrides if o.criterion_id == cid]
                evidence = " | ".join(sp.text for sp in score.evidence)
                writer.writerow(
                    [
                        *base,
                        cid,
                        score.level,
                        score.max_level,
                        latest[-1] if latest else "",
                        f"{score.confidence:.2f}",
                        evidence,
                        score.feedback.render(),
                    ]
                )
        return out.getvalue()

    async def qa_score(self, principal: Principal, rubric_id: str, messages: list[QaMessage]) -> QaResult:
        """Score each agent message of an uploaded transcript with the live scorer; build the scorecard."""
        principal.require_staff()
        rubric = self.practice.content.library.rubrics.get(rubric_id)
        if rubric is None:
            if not self.practice.content.library.rubrics:
                raise ContentUnavailable("no rubrics are loaded")
            raise InvalidInput(f"no rubric '{rubric_id}'", field="rubric")
        if not any(m.role == "agent" for m in messages):
            raise InvalidInput("the transcript has no agent message to score", field="messages")
        scorer = self.practice.backends.scorer
        context: list[ChatTurn] = []
        results: list[TurnAssessment] = []
        for m in messages:
            if m.role == "agent":
                results.append(
                    await scorer.assess(
                        rubric=rubric.item, rubric_version=rubric.version, context=list(context), text=m.text
                    )
                )
            context.append(ChatTurn(role=m.role, text=m.text))
        from simcoach.scoring.scorecard import build_scorecard as build

        card = build(rubric=rubric.item, rubric_version=rubric.version, assessments=results)
        return QaResult(
            rubric_id=rubric.item.id, rubric_version=rubric.version, turns=results, scorecard=card
        )
