"""How a session's end is recorded: its scorecard from stored assessments, its columns, its outbox event."""

from __future__ import annotations

from simcoach.practice import engine_io
from simcoach.practice.errors import Conflict, NotFound
from simcoach.practice.results import Ended
from simcoach.practice.views import json_of
from simcoach.scoring.models import Scorecard, TurnAssessment
from simcoach.sim.models import Outcome
from simcoach.store import repository as repo
from simcoach.store import turns as hot
from simcoach.store.db import Database, DbSession, RawJson, SyncConnection
from simcoach.store.tables import utcnow


async def build_scorecard(s: DbSession, session_id: str, content: engine_io.Content) -> Scorecard:
    """The scorecard from the stored assessments and the overrides (in the session's transaction)."""
    return await s.run_sync(lambda sync: scorecard_in(sync.connection(), session_id, content))


def scorecard_in(s: SyncConnection, session_id: str, content: engine_io.Content) -> Scorecard:
    """The scorecard from the stored assessments and the overrides, inside a synchronous transaction."""
    stored = hot.assessments(s, session_id)
    items = [TurnAssessment.model_validate(a) for _, a in stored]
    return engine_io.scorecard(content, items, [t for t, _ in stored], hot.overrides(s, session_id))


def finish_values(outcome: Outcome, card: Scorecard) -> dict[str, object]:
    """The session columns that record its end."""
    return {
        "status": "finished",
        "outcome": json_of(outcome),
        "outcome_kind": outcome.kind.value,
        "scorecard": json_of(card),
        "ended_at": utcnow(),
    }


def event_payload(head: engine_io.HasContentKey, outcome: Outcome, card: Scorecard) -> dict[str, object]:
    """The outbox payload of ``session.completed``."""
    return {
        "session_id": getattr(head, "id", None),
        "learner_id": getattr(head, "learner_id", None),
        "scenario_id": head.scenario_id,
        "outcome": outcome.kind.value,
        "overall_percent": card.overall_percent,
        "passed": card.passed,
    }


async def end_session(db: Database, backends: engine_io.Backends, session_id: str, reason: str) -> Ended:
    """End a session from the agent's side in one transaction; an ended session returns its outcome.

    Raises ``StaleVersion`` (or ``SessionFinished``) when another step won the race: the caller retries.
    """
    async with db.transaction() as s:
        rec = await repo.get_session(s, session_id)
        if rec is None:
            raise NotFound(f"no session '{session_id}'", code="session_not_found")
        if rec.outcome is not None:
            card = Scorecard.model_validate(rec.scorecard) if rec.scorecard else None
            return Ended(outcome=Outcome.model_validate(rec.outcome), scorecard=card)
        if rec.pending_turn_id is not None:
            raise Conflict("wait for the customer's reply before ending", code="turn_in_flight")
        content = engine_io.stored_content(rec)
        engine = engine_io.restore(content, rec.snapshot, backends.scorer)
        outcome = engine.end(reason or "the agent ended the chat").outcome
        card = await build_scorecard(s, rec.id, content)
        values: dict[str, object] = {
            "snapshot": RawJson(engine.snapshot_json(assessments=False)),
            **finish_values(outcome, card),
        }
        await repo.add_event(
            s, kind="session.completed", session_id=rec.id, payload=event_payload(rec, outcome, card)
        )
        # Raising here rolls the whole transaction back, event included.
        await repo.advance(s, rec.id, rec.version, **values)
    return Ended(outcome=outcome, scorecard=card)
