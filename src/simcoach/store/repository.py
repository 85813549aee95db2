"""Queries and version-checked writes; callers own the transaction (``Database.transaction``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from simcoach.store.tables import (
    AssessmentRecord,
    CredentialRecord,
    EventRecord,
    LearnerRecord,
    OverrideRecord,
    SessionRecord,
    TurnRecord,
    utcnow,
)

__all__ = [
    "AssessmentRecord",
    "CredentialRecord",
    "IntegrityError",
    "LearnerRecord",
    "OverrideRecord",
    "SessionFilter",
    "SessionRecord",
    "StaleVersion",
    "TurnRecord",
]


class StaleVersion(Exception):
    """Another writer advanced the session since it was read."""


def new_id() -> str:
    """A random 32-hex-digit id."""
    return uuid.uuid4().hex


# --- learners and credentials -------------------------------------------------------------------


async def learner_by_external_id(db: AsyncSession, external_id: str) -> LearnerRecord | None:
    """The learner with this external id, if any."""
    return (
        await db.execute(select(LearnerRecord).where(LearnerRecord.external_id == external_id))
    ).scalar_one_or_none()


async def ensure_learner(db: AsyncSession, external_id: str) -> LearnerRecord:
    """The learner with this external id, created if new."""
    found = await learner_by_external_id(db, external_id)
    if found is not None:
        return found
    record = LearnerRecord(id=new_id(), external_id=external_id, display_name=external_id)
    db.add(record)
    await db.flush()
    return record


async def learner(db: AsyncSession, learner_id: str) -> LearnerRecord | None:
    """A learner by internal id."""
    return await db.get(LearnerRecord, learner_id)


async def credential_by_hash(db: AsyncSession, key_hash: str) -> CredentialRecord | None:
    """The unrevoked credential with this hash."""
    return (
        await db.execute(
            select(CredentialRecord).where(
                CredentialRecord.key_hash == key_hash, CredentialRecord.revoked_at.is_(None)
            )
        )
    ).scalar_one_or_none()


async def add_credential(
    db: AsyncSession, *, role: str, key_hash: str, learner_id: str | None = None, label: str = ""
) -> CredentialRecord:
    """Store a credential's hash (a no-op returning the existing row if the hash is known)."""
    existing = (
        await db.execute(select(CredentialRecord).where(CredentialRecord.key_hash == key_hash))
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    record = CredentialRecord(id=new_id(), role=role, key_hash=key_hash, learner_id=learner_id, label=label)
    db.add(record)
    await db.flush()
    return record


async def count_credentials(db: AsyncSession, role: str) -> int:
    """How many live credentials have this role."""
    return int(
        (
            await db.execute(
                select(func.count())
                .select_from(CredentialRecord)
                .where(CredentialRecord.role == role, CredentialRecord.revoked_at.is_(None))
            )
        ).scalar_one()
    )


# --- sessions ----------------------------------------------------------------------------------


async def add_session(db: AsyncSession, record: SessionRecord) -> SessionRecord:
    """Insert a new session."""
    db.add(record)
    await db.flush()
    return record


_CONTENT_COLUMNS = (SessionRecord.scenario_json, SessionRecord.persona_json, SessionRecord.rubric_json)


async def get_session(db: AsyncSession, session_id: str, *, content: bool = True) -> SessionRecord | None:
    """A session by id, read fresh from the database; ``content=False`` leaves out the content JSON
    (reading those attributes then raises instead of loading them)."""
    stmt = select(SessionRecord).where(SessionRecord.id == session_id)
    if not content:
        stmt = stmt.options(*(defer(c, raiseload=True) for c in _CONTENT_COLUMNS))
    return (await db.execute(stmt.execution_options(populate_existing=True))).scalar_one_or_none()


@dataclass(frozen=True)
class SessionFilter:
    """Filters for listing sessions; None means any."""

    learner_id: str | None = None
    scenario_id: str | None = None
    outcome: str | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None


async def list_sessions(
    db: AsyncSession, flt: SessionFilter, *, limit: int, offset: int
) -> tuple[list[tuple[SessionRecord, str]], int]:
    """One page of sessions (with the learner's external id), newest first, and the total matching."""
    conds: list[Any] = []
    if flt.learner_id is not None:
        conds.append(SessionRecord.learner_id == flt.learner_id)
    if flt.scenario_id is not None:
        conds.append(SessionRecord.scenario_id == flt.scenario_id)
    if flt.outcome is not None:
        conds.append(SessionRecord.outcome_kind == flt.outcome)
    if flt.status is not None:
        conds.append(SessionRecord.status == flt.status)
    if flt.since is not None:
        conds.append(SessionRecord.created_at >= flt.since)
    if flt.until is not None:
        conds.append(SessionRecord.created_at < flt.until)
    total = (await db.execute(select(func.count()).select_from(SessionRecord).where(*conds))).scalar_one()
    rows = await db.execute(
        select(SessionRecord, LearnerRecord.external_id)
        .join(LearnerRecord, LearnerRecord.id == SessionRecord.learner_id)
        .where(*conds)
        .order_by(SessionRecord.created_at.desc(), SessionRecord.id)
        .limit(limit)
        .offset(offset)
    )
    return [(r[0], r[1]) for r in rows.all()], int(total)


async def advance(db: AsyncSession, session_id: str, seen_version: int, **values: Any) -> int:
    """Bump the session's version if it is still ``seen_version``; raise StaleVersion otherwise."""
    # Core (not ORM-enabled) UPDATE: this runs twice per turn and the ORM path costs milliseconds.
    table = cast(Table, SessionRecord.__table__)
    result = await db.execute(
        update(table)
        .where(table.c.id == session_id, table.c.version == seen_version)
        .values(version=seen_version + 1, updated_at=utcnow(), **values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleVersion(session_id)
    return seen_version + 1


# --- turns, assessments, overrides, events ------------------------------------------------------


async def turns(db: AsyncSession, session_id: str) -> Sequence[TurnRecord]:
    """Every message of a session in transcript order."""
    return list(
        (
            await db.execute(
                select(TurnRecord).where(TurnRecord.session_id == session_id).order_by(TurnRecord.seq)
            )
        ).scalars()
    )


async def turn(db: AsyncSession, turn_id: int) -> TurnRecord | None:
    """One message by id."""
    return await db.get(TurnRecord, turn_id)


async def turn_by_client_id(db: AsyncSession, session_id: str, client_message_id: str) -> TurnRecord | None:
    """The agent message stored under this client message id, if any."""
    return (
        await db.execute(
            select(TurnRecord).where(
                TurnRecord.session_id == session_id, TurnRecord.client_message_id == client_message_id
            )
        )
    ).scalar_one_or_none()


async def add_turn(db: AsyncSession, record: TurnRecord) -> TurnRecord:
    """Insert a message."""
    db.add(record)
    await db.flush()
    return record


async def add_assessment(db: AsyncSession, record: AssessmentRecord) -> None:
    """Insert a turn's assessment."""
    db.add(record)
    await db.flush()


async def assessments(db: AsyncSession, session_id: str) -> Sequence[AssessmentRecord]:
    """Every assessment of a session, by turn."""
    return list(
        (
            await db.execute(
                select(AssessmentRecord)
                .where(AssessmentRecord.session_id == session_id)
                .order_by(AssessmentRecord.turn)
            )
        ).scalars()
    )


async def add_override(db: AsyncSession, record: OverrideRecord) -> OverrideRecord:
    """Record a trainer override."""
    db.add(record)
    await db.flush()
    return record


async def overrides(db: AsyncSession, session_id: str) -> Sequence[OverrideRecord]:
    """Every override of a session, oldest first."""
    return list(
        (
            await db.execute(
                select(OverrideRecord)
                .where(OverrideRecord.session_id == session_id)
                .order_by(OverrideRecord.id)
            )
        ).scalars()
    )


async def set_scorecard(db: AsyncSession, session_id: str, scorecard: dict[str, Any]) -> None:
    """Replace the stored scorecard (after an override); does not advance the conversation."""
    await db.execute(
        update(SessionRecord)
        .where(SessionRecord.id == session_id)
        .values(scorecard=scorecard)
        .execution_options(synchronize_session=False)
    )


async def add_event(db: AsyncSession, *, kind: str, session_id: str | None, payload: dict[str, Any]) -> None:
    """Append a domain event to the outbox, in the caller's transaction."""
    db.add(EventRecord(kind=kind, session_id=session_id, payload=payload))
    await db.flush()


async def events(db: AsyncSession, session_id: str) -> Sequence[EventRecord]:
    """Outbox events of one session."""
    return list(
        (
            await db.execute(
                select(EventRecord).where(EventRecord.session_id == session_id).order_by(EventRecord.id)
            )
        ).scalars()
    )
