"""How a session's end is recorded: its scorecard from stored assessments, its columns, its outbox event."""

from __future__ import annotations

from simcoach.practice import engine_io
from simcoach.practice.views import json_of
from simcoach.scoring.models import Scorecard, TurnAssessment
from simcoach.sim.models import Outcome
from simcoach.store import turns as hot
from simcoach.store.db import DbSession, SyncConnection
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
