"""One connection's hold on a live session: accept agent turns, answer them, end the session.

Nothing here outlives a connection, and the database is the truth: every advance is a version-checked
UPDATE, so two connections (on one replica or two) can never both advance a session. The engine is cached
only while this connection's version is still the session's version.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from simcoach.practice import engine_io
from simcoach.practice.errors import Conflict, NotFound
from simcoach.practice.views import json_of
from simcoach.scoring.models import Scorecard, TurnAssessment
from simcoach.sim.engine import PracticeSession
from simcoach.sim.errors import SessionFinished
from simcoach.sim.models import Outcome, OutcomeReached, ReplyComplete, ReplyDelta, StateChanged, TurnAssessed
from simcoach.store import repository as repo
from simcoach.store.db import Database
from simcoach.store.tables import AssessmentRecord, SessionRecord, TurnRecord, utcnow

ATTEMPTS = 3
"""How often a write is retried after losing a race, before reporting a conflict."""


@dataclass(frozen=True)
class Accepted:
    """An agent message that is committed (now or by an earlier send of the same client id)."""

    turn_id: int
    seq: int
    agent_turn: int
    client_message_id: str
    duplicate: bool
    needs_reply: bool


@dataclass(frozen=True)
class TurnCommitted:
    """The customer's reply and everything else the turn produced, all committed."""

    agent_turn: int
    reply_turn_id: int
    seq: int
    reply: ReplyComplete
    assessment: TurnAssessment
    state: StateChanged
    outcome: Outcome | None
    scorecard: Scorecard | None


@dataclass(frozen=True)
class Ended:
    """The session's end, committed."""

    outcome: Outcome
    scorecard: Scorecard | None


async def _load(s: AsyncSession, session_id: str) -> SessionRecord:
    rec = await repo.get_session(s, session_id)
    if rec is None:
        raise NotFound(f"no session '{session_id}'", code="session_not_found")
    return rec


async def build_scorecard(
    s: AsyncSession, rec: SessionRecord, extra: TurnAssessment | None = None
) -> Scorecard:
    """The scorecard from the stored assessments (plus one not yet stored) and overrides."""
    stored = await repo.assessments(s, rec.id)
    items = [TurnAssessment.model_validate(a.assessment) for a in stored]
    turns = [a.turn for a in stored]
    if extra is not None:
        items.append(extra)
        turns.append(rec.turn + 1)
    return engine_io.scorecard(rec, items, turns, await repo.overrides(s, rec.id))


class LiveSession:
    """Advances one session for one connection."""

    def __init__(self, db: Database, backends: engine_io.Backends, session_id: str) -> None:
        self.db = db
        self.backends = backends
        self.session_id = session_id
        self._engine: PracticeSession | None = None
        self._version: int | None = None

    def _forget(self) -> None:
        self._engine, self._version = None, None

    def _engine_for(self, rec: SessionRecord) -> PracticeSession:
        if self._engine is None or self._version != rec.version:
            self._engine = engine_io.restore(rec, self.backends.scorer)
        return self._engine

    async def accept(self, client_message_id: str, text: str) -> Accepted:
        """Store an agent message once (idempotent per client id), mark it pending, commit, then return."""
        for _ in range(ATTEMPTS):
            try:
                async with self.db.transaction() as s:
                    rec = await _load(s, self.session_id)
                    found = await repo.turn_by_client_id(s, self.session_id, client_message_id)
                    if found is not None:
                        return Accepted(
                            turn_id=found.id,
                            seq=found.seq,
                            agent_turn=found.agent_turn,
                            client_message_id=client_message_id,
                            duplicate=True,
                            needs_reply=rec.pending_turn_id == found.id,
                        )
                    if rec.status == "finished":
                        raise Conflict("the session has ended; start a new one", code="session_finished")
                    if rec.pending_turn_id is not None:
                        raise Conflict(
                            "the customer is still replying to the previous message; resend after the reply",
                            code="turn_in_flight",
                        )
                    turn = await repo.add_turn(
                        s,
                        TurnRecord(
                            session_id=rec.id,
                            seq=rec.next_seq,
                            role="agent",
                            agent_turn=rec.turn + 1,
                            text=text,
                            client_message_id=client_message_id,
                            created_at=utcnow(),
                        ),
                    )
                    cached = self._engine is not None and self._version == rec.version
                    version = await repo.advance(
                        s, rec.id, rec.version, next_seq=rec.next_seq + 1, pending_turn_id=turn.id
                    )
                    accepted = Accepted(
                        turn_id=turn.id,
                        seq=turn.seq,
                        agent_turn=turn.agent_turn,
                        client_message_id=client_message_id,
                        duplicate=False,
                        needs_reply=True,
                    )
                # Committed: keep the cached engine valid only if nobody else moved the session meanwhile.
                self._version = version if cached else None
                return accepted
            except (repo.StaleVersion, repo.IntegrityError):
                self._forget()
        raise Conflict("another connection is advancing this session", code="session_conflict")

    async def reply(self) -> AsyncIterator[ReplyDelta | TurnCommitted]:
        """Answer the pending agent turn, if any: stream the reply, then commit it and yield the result."""
        async with self.db.transaction() as s:
            rec = await _load(s, self.session_id)
            pending = await repo.turn(s, rec.pending_turn_id) if rec.pending_turn_id is not None else None
        if pending is None:
            return
        try:
            engine = self._engine_for(rec)
            assessed: TurnAssessed | None = None
            changed: StateChanged | None = None
            complete: ReplyComplete | None = None
            outcome: Outcome | None = None
            async for event in engine.submit(pending.text, self.backends.renderer):
                if isinstance(event, ReplyDelta):
                    yield event
                elif isinstance(event, TurnAssessed):
                    assessed = event
                elif isinstance(event, StateChanged):
                    changed = event
                elif isinstance(event, ReplyComplete):
                    complete = event
                elif isinstance(event, OutcomeReached):
                    outcome = event.outcome
            if assessed is None or changed is None or complete is None:
                raise RuntimeError("engine ended a turn without assessment, state and reply")
            committed = await self._commit(rec, pending, engine, assessed, changed, complete, outcome)
        except BaseException:
            self._forget()
            raise
        yield committed

    async def _commit(
        self,
        rec: SessionRecord,
        pending: TurnRecord,
        engine: PracticeSession,
        assessed: TurnAssessed,
        changed: StateChanged,
        complete: ReplyComplete,
        outcome: Outcome | None,
    ) -> TurnCommitted:
        try:
            async with self.db.transaction() as s:
                reply = await repo.add_turn(
                    s,
                    TurnRecord(
                        session_id=rec.id,
                        seq=rec.next_seq,
                        role="customer",
                        agent_turn=pending.agent_turn,
                        text=complete.text,
                        intent=str(complete.intent),
                        renderer=complete.renderer,
                        notice=complete.notice,
                        prompt_tokens=complete.prompt_tokens,
                        completion_tokens=complete.completion_tokens,
                        events=list(complete.events),
                        created_at=utcnow(),
                    ),
                )
                await repo.add_assessment(
                    s,
                    AssessmentRecord(
                        session_id=rec.id,
                        turn=pending.agent_turn,
                        agent_turn_id=pending.id,
                        assessment=json_of(assessed.assessment),
                        state=json_of(changed),
                    ),
                )
                values: dict[str, object] = {
                    "next_seq": rec.next_seq + 1,
                    "turn": pending.agent_turn,
                    "pending_turn_id": None,
                    "snapshot": json_of(engine.snapshot()),
                    "prompt_tokens": rec.prompt_tokens + complete.prompt_tokens,
                    "completion_tokens": rec.completion_tokens + complete.completion_tokens,
                }
                card = None
                if outcome is not None:
                    card = await build_scorecard(s, rec, extra=assessed.assessment)
                    values.update(_finish(outcome, card))
                    await repo.add_event(
                        s, kind="session.completed", session_id=rec.id, payload=_event(rec, outcome, card)
                    )
                self._version = await repo.advance(s, rec.id, rec.version, **values)
        except (repo.StaleVersion, repo.IntegrityError):
            self._forget()
            raise Conflict(
                "another connection answered or advanced this session; reload the transcript",
                code="session_conflict",
            ) from None
        return TurnCommitted(
            agent_turn=pending.agent_turn,
            reply_turn_id=reply.id,
            seq=reply.seq,
            reply=complete,
            assessment=assessed.assessment,
            state=changed,
            outcome=outcome,
            scorecard=card,
        )

    async def end(self, reason: str) -> Ended:
        """End the session from the agent's side (idempotent: an ended session returns its outcome)."""
        for _ in range(ATTEMPTS):
            try:
                async with self.db.transaction() as s:
                    rec = await _load(s, self.session_id)
                    if rec.outcome is not None:
                        return Ended(outcome=Outcome.model_validate(rec.outcome), scorecard=stored_card(rec))
                    if rec.pending_turn_id is not None:
                        raise Conflict("wait for the customer's reply before ending", code="turn_in_flight")
                    engine = self._engine_for(rec)
                    outcome = engine.end(reason or "the agent ended the chat").outcome
                    card = await build_scorecard(s, rec)
                    values: dict[str, object] = {
                        "snapshot": json_of(engine.snapshot()),
                        **_finish(outcome, card),
                    }
                    await repo.add_event(
                        s, kind="session.completed", session_id=rec.id, payload=_event(rec, outcome, card)
                    )
                    # Raising here rolls the whole transaction back, event included.
                    self._version = await repo.advance(s, rec.id, rec.version, **values)
                return Ended(outcome=outcome, scorecard=card)
            except (repo.StaleVersion, SessionFinished):
                self._forget()
        raise Conflict("another connection is advancing this session", code="session_conflict")


def stored_card(rec: SessionRecord) -> Scorecard | None:
    """The stored scorecard of a finished session."""
    return Scorecard.model_validate(rec.scorecard) if rec.scorecard else None


def _finish(outcome: Outcome, card: Scorecard) -> dict[str, object]:
    return {
        "status": "finished",
        "outcome": json_of(outcome),
        "outcome_kind": outcome.kind.value,
        "scorecard": json_of(card),
        "ended_at": utcnow(),
    }


def _event(rec: SessionRecord, outcome: Outcome, card: Scorecard) -> dict[str, object]:
    return {
        "session_id": rec.id,
        "learner_id": rec.learner_id,
        "scenario_id": rec.scenario_id,
        "outcome": outcome.kind.value,
        "overall_percent": card.overall_percent,
        "passed": card.passed,
    }
