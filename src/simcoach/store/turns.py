"""The turn hot path in SQLAlchemy Core: few round trips, no unit of work, no large columns unless asked.

Plain synchronous functions on a :class:`~sqlalchemy.Connection`: callers run a whole transaction of them
through :meth:`Database.run <simcoach.store.db.Database.run>` (one hand-off to the database thread on
SQLite), or from an ORM session with ``await session.run_sync(lambda s: fn(s.connection(), …))``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, Text, bindparam, insert, select, update
from sqlalchemy import cast as cast_

from simcoach.store.repository import StaleVersion
from simcoach.store.tables import (
    AssessmentRecord,
    EventRecord,
    OverrideRecord,
    SessionRecord,
    TurnRecord,
    utcnow,
)

S = cast(Table, SessionRecord.__table__)
T = cast(Table, TurnRecord.__table__)
A = cast(Table, AssessmentRecord.__table__)
O = cast(Table, OverrideRecord.__table__)  # noqa: E741
E = cast(Table, EventRecord.__table__)


@dataclass(frozen=True)
class SessionHead:
    """The small columns of a session: what a turn needs to decide, without the JSON payloads."""

    id: str
    learner_id: str
    mode: str
    status: str
    version: int
    turn: int
    next_seq: int
    pending_turn_id: int | None
    prompt_tokens: int
    completion_tokens: int
    scenario_id: str
    scenario_version: str
    persona_id: str
    persona_version: str
    rubric_id: str
    rubric_version: str


HEAD_COLUMNS = [S.c[name] for name in SessionHead.__dataclass_fields__]


def head_of(rec: SessionRecord) -> SessionHead:
    """The head of a session record already loaded (by the ORM)."""
    return SessionHead(**{name: getattr(rec, name) for name in SessionHead.__dataclass_fields__})


@dataclass(frozen=True)
class StoredTurn:
    """The fields of a stored agent message a turn needs."""

    id: int
    seq: int
    agent_turn: int
    text: str
    client_message_id: str | None


TURN_COLUMNS = [T.c.id, T.c.seq, T.c.agent_turn, T.c.text, T.c.client_message_id]


# Reads are prebuilt too: building a select and its cache key per call cost more than running it.
_HEAD = select(*HEAD_COLUMNS).where(S.c.id == bindparam("sid"))
_PAYLOAD = select(S.c.version, S.c.snapshot).where(S.c.id == bindparam("sid"))
_PAYLOAD_CONTENT = select(
    S.c.version, S.c.snapshot, S.c.scenario_json, S.c.persona_json, S.c.rubric_json
).where(S.c.id == bindparam("sid"))
_SNAPSHOT_TEXT = select(S.c.version, cast_(S.c.snapshot, Text)).where(S.c.id == bindparam("sid"))
_TURN = select(*TURN_COLUMNS).where(T.c.id == bindparam("tid"))
_TURN_BY_CLIENT_ID = select(*TURN_COLUMNS).where(
    T.c.session_id == bindparam("sid"), T.c.client_message_id == bindparam("cmid")
)
_ASSESSMENTS = select(A.c.turn, A.c.assessment).where(A.c.session_id == bindparam("sid")).order_by(A.c.turn)
_OVERRIDES = (
    select(O.c.turn, O.c.criterion_id, O.c.level).where(O.c.session_id == bindparam("sid")).order_by(O.c.id)
)


def head(db: Connection, session_id: str) -> SessionHead | None:
    """The session's small columns, read fresh."""
    row = db.execute(_HEAD, {"sid": session_id}).first()
    return SessionHead(**row._mapping) if row is not None else None


def payload(db: Connection, session_id: str, *, content: bool) -> dict[str, Any]:
    """The engine snapshot (and, if asked, the stored content JSON) of a session."""
    row = db.execute(_PAYLOAD_CONTENT if content else _PAYLOAD, {"sid": session_id}).first()
    return dict(row._mapping) if row is not None else {}


def snapshot_text(db: Connection, session_id: str) -> tuple[int, str] | None:
    """The session's version and its engine snapshot as JSON text (parsed once, by pydantic, not twice)."""
    row = db.execute(_SNAPSHOT_TEXT, {"sid": session_id}).first()
    return (int(row[0]), str(row[1])) if row is not None else None


def stored_turn(db: Connection, turn_id: int) -> StoredTurn | None:
    """One stored message by id."""
    row = db.execute(_TURN, {"tid": turn_id}).first()
    return StoredTurn(**row._mapping) if row is not None else None


def turn_by_client_id(db: Connection, session_id: str, client_message_id: str) -> StoredTurn | None:
    """The agent message stored under this client id, if any."""
    row = db.execute(_TURN_BY_CLIENT_ID, {"sid": session_id, "cmid": client_message_id}).first()
    return StoredTurn(**row._mapping) if row is not None else None


def assessments(db: Connection, session_id: str) -> list[tuple[int, dict[str, Any]]]:
    """Every stored assessment of a session as (turn, assessment JSON), by turn."""
    return [(int(r.turn), r.assessment) for r in db.execute(_ASSESSMENTS, {"sid": session_id})]


def overrides(db: Connection, session_id: str) -> list[OverrideRecord]:
    """The session's overrides, oldest first, as detached records (turn, criterion and level only)."""
    return [
        OverrideRecord(turn=r.turn, criterion_id=r.criterion_id, level=r.level)
        for r in db.execute(_OVERRIDES, {"sid": session_id})
    ]


def add_event(db: Connection, *, kind: str, session_id: str | None, payload: dict[str, Any]) -> None:
    """Append a domain event to the outbox, in the caller's transaction."""
    db.execute(
        _INSERT_EVENT, {"kind": kind, "session_id": session_id, "payload": payload, "created_at": utcnow()}
    )


# --- prebuilt statements: built (and their cache keys computed) once, executed with a parameter dict ---

_INSERT_TURN = insert(T).returning(T.c.id)
_INSERT_ASSESSMENT = insert(A)
_INSERT_EVENT = insert(E)
_ADVANCE = update(S).where(S.c.id == bindparam("sid"), S.c.version == bindparam("seen"))
_ADVANCE_SNAPSHOT = _ADVANCE.returning(cast_(S.c.snapshot, Text))


def _turn_values(values: dict[str, Any]) -> dict[str, Any]:
    values.setdefault("created_at", utcnow())
    values.setdefault("events", [])
    values.setdefault("prompt_tokens", 0)
    values.setdefault("completion_tokens", 0)
    for name in ("client_message_id", "intent", "renderer", "notice"):
        values.setdefault(name, None)
    return values


def add_turn(db: Connection, **values: Any) -> int:
    """Insert a message with a prebuilt statement; returns its id."""
    result = db.execute(_INSERT_TURN, _turn_values(values))
    return int(result.scalar_one())


def add_assessment(db: Connection, **values: Any) -> None:
    """Insert a turn's assessment with a prebuilt statement."""
    values.setdefault("created_at", utcnow())
    db.execute(_INSERT_ASSESSMENT, values)


def advance(db: Connection, session_id: str, seen_version: int, **values: Any) -> int:
    """Bump the session's version if it is still ``seen_version`` (else StaleVersion); the new version."""
    result = db.execute(
        _ADVANCE,
        {
            "sid": session_id,
            "seen": seen_version,
            "version": seen_version + 1,
            "updated_at": utcnow(),
            **values,
        },
    )
    if result.rowcount != 1:
        raise StaleVersion(session_id)
    return seen_version + 1


def advance_returning_snapshot(
    db: Connection, session_id: str, seen_version: int, **values: Any
) -> tuple[int, str]:
    """:func:`advance`, also returning the (unchanged) engine snapshot as JSON text, in the same statement."""
    row = (
        db.execute(
            _ADVANCE_SNAPSHOT,
            {
                "sid": session_id,
                "seen": seen_version,
                "version": seen_version + 1,
                "updated_at": utcnow(),
                **values,
            },
        )
    ).first()
    if row is None:
        raise StaleVersion(session_id)
    return seen_version + 1, str(row[0])
