"""Practice sessions: create, read, list, and open one for live play; access rules applied here."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Literal

from pydantic import BaseModel

from simcoach.practice import engine_io
from simcoach.practice.access import Principal, mint_key, store_key
from simcoach.practice.content import ContentSource
from simcoach.practice.errors import Conflict, ContentUnavailable, Forbidden, InvalidInput, NotFound
from simcoach.practice.live import LiveSession
from simcoach.practice.views import (
    MessageRead,
    Mode,
    SessionRead,
    json_of,
    message_read,
    session_read,
)
from simcoach.settings import Settings
from simcoach.sim.engine import PracticeSession
from simcoach.store import repository as repo
from simcoach.store import turns as hot
from simcoach.store.db import Database
from simcoach.store.tables import LearnerRecord, SessionRecord, TurnRecord, utcnow

SESSION_ID = re.compile(r"[0-9a-f]{32}")
log = logging.getLogger("simcoach.practice")


class SessionCreated(BaseModel):
    """A new session, the trainee token that reaches it, and where to connect."""

    session: SessionRead
    token: str
    websocket_path: str


class SessionList(BaseModel):
    """One page of sessions."""

    items: list[SessionRead]
    total: int
    limit: int
    offset: int


class LiveView(BaseModel):
    """What a (re)connecting client is told: the session, the transcript so far and any pending turn."""

    session: SessionRead
    messages: list[MessageRead]
    pending: MessageRead | None


@dataclass(frozen=True)
class ListQuery:
    """Filters and page for listing sessions."""

    learner: str | None = None
    scenario: str | None = None
    outcome: str | None = None
    status: Literal["active", "finished"] | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50
    offset: int = 0


def reveals(principal: Principal, rec: SessionRecord) -> bool:
    """Whether scores and live state may be shown: staff always; trainees in coach mode or after the end."""
    return principal.is_staff or rec.mode == "coach" or rec.status == "finished"


class PracticeService:
    """Creates sessions and hands out live handles; every method checks the caller's access."""

    def __init__(self, *, db: Database, content: ContentSource, settings: Settings) -> None:
        self.db = db
        self.content = content
        self.settings = settings
        self.backends = engine_io.Backends(settings)

    async def warm_up(self) -> None:
        """Play one offline turn on the loaded content before serving (nothing is stored).

        The offline scorer compiles its patterns, and the engine its lookups, on first use: ~18 ms that
        the first turn after a start otherwise pays on the event loop, while every session reconnecting
        to a restarted server waits behind it. Skipped when a model scores (it would be a paid call).
        """
        lib = self.content.library
        if self.settings.scorer_backend != "offline" or not lib.scenarios:
            return
        scenario = next(iter(lib.scenarios.values()))
        try:
            engine = PracticeSession.start(
                scenario=scenario,
                persona=lib.personas[scenario.item.persona],
                rubric=lib.rubrics[scenario.item.rubric],
                seed=0,
                scorer=self.backends.scorer,
            )
            line = "I'm sorry this happened, that sounds frustrating. What happened when you noticed it?"
            async for _ in engine.submit(line):  # the scripted customer: no renderer call
                pass
        except Exception:  # a warm-up never stops the server from starting
            log.warning("warm-up turn failed", exc_info=True)

    async def visible(self, principal: Principal, session_id: str) -> tuple[SessionRecord, str]:
        """The session and its learner's external id, if the caller may see it."""
        if not SESSION_ID.fullmatch(session_id):
            raise NotFound(f"no session '{session_id[:64]}'", field="session_id", code="session_not_found")
        async with self.db.transaction() as s:
            rec = await repo.get_session(s, session_id)
            if rec is None:
                raise NotFound(f"no session '{session_id}'", field="session_id", code="session_not_found")
            if not principal.may_see_learner(rec.learner_id):
                raise Forbidden("this token reaches only its own learner's sessions", field="session_id")
            learner = await repo.learner(s, rec.learner_id)
        return rec, learner.external_id if learner else rec.learner_id

    async def create(
        self, principal: Principal, *, learner: str, scenario_id: str, mode: Mode, seed: int | None
    ) -> SessionCreated:
        """Start a session on the current content; mint a trainee token for its learner."""
        lib = self.content.library
        scenario = lib.scenarios.get(scenario_id)
        if scenario is None:
            if not lib.scenarios:
                raise ContentUnavailable("no content is loaded; fix the content folder and reload")
            known = ", ".join(sorted(lib.scenarios))
            raise InvalidInput(f"no scenario '{scenario_id}'; known: {known}", field="scenario")
        persona = lib.personas[scenario.item.persona]
        rubric = lib.rubrics[scenario.item.rubric]
        async with self.db.transaction() as s:
            found = await repo.learner_by_external_id(s, learner)
        if not principal.is_staff and (found is None or found.id != principal.learner_id):
            raise Forbidden("a trainee token can start sessions only for its own learner", field="learner")
        seed = seed if seed is not None else secrets.randbits(31)
        engine = PracticeSession.start(
            scenario=scenario, persona=persona, rubric=rubric, seed=seed, scorer=self.backends.scorer
        )
        session_id = repo.new_id()
        learner_rec = await self._learner(learner)
        async with self.db.transaction() as s:
            rec = await repo.add_session(
                s,
                SessionRecord(
                    id=session_id,
                    learner_id=learner_rec.id,
                    mode=mode,
                    status="active",
                    seed=seed,
                    scenario_id=scenario.item.id,
                    scenario_version=scenario.version,
                    persona_id=persona.item.id,
                    persona_version=persona.version,
                    rubric_id=rubric.item.id,
                    rubric_version=rubric.version,
                    scenario_json=json_of(scenario.item),
                    persona_json=json_of(persona.item),
                    rubric_json=json_of(rubric.item),
                    version=0,
                    turn=0,
                    next_seq=1,
                    snapshot=json_of(engine.snapshot()),
                    created_at=utcnow(),
                    updated_at=utcnow(),
                ),
            )
            await repo.add_turn(
                s,
                TurnRecord(
                    session_id=session_id,
                    seq=0,
                    role="customer",
                    agent_turn=0,
                    text=engine.opening_text,
                    renderer="scripted",
                    created_at=utcnow(),
                ),
            )
        # Every session gets a fresh trainee token (hashed at rest) that reaches this learner's sessions only.
        token = mint_key("trainee")
        await store_key(
            self.db, role="trainee", key=token, label=f"session {session_id}", learner_id=learner_rec.id
        )
        return SessionCreated(
            session=session_read(rec, learner, reveal=principal.is_staff or mode == "coach"),
            token=token,
            websocket_path=f"/api/v1/sessions/{session_id}/ws",
        )

    async def _learner(self, external_id: str) -> LearnerRecord:
        """The learner, created on first use; two first uses at once both end with the one row."""
        for _ in range(3):
            try:
                async with self.db.transaction() as s:
                    return await repo.ensure_learner(s, external_id)
            except repo.IntegrityError:
                continue  # another request created it between our read and our insert
        raise Conflict("could not create the learner; try again", field="learner")

    async def get(self, principal: Principal, session_id: str) -> SessionRead:
        """One session's summary."""
        rec, learner = await self.visible(principal, session_id)
        return session_read(rec, learner, reveal=reveals(principal, rec))

    async def list(self, principal: Principal, query: ListQuery) -> SessionList:
        """Sessions matching the filters, newest first; a trainee sees only their own."""
        learner_id: str | None = None
        for name in ("learner", "scenario", "outcome"):
            value = getattr(query, name)
            if value is not None and "\x00" in value:
                raise InvalidInput("text must not contain NUL characters", field=name)
        async with self.db.transaction() as s:
            if query.learner is not None:
                found = await repo.learner_by_external_id(s, query.learner)
                if found is None:
                    return SessionList(items=[], total=0, limit=query.limit, offset=query.offset)
                learner_id = found.id
            if not principal.is_staff:
                if learner_id is not None and learner_id != principal.learner_id:
                    raise Forbidden("a trainee token lists only its own sessions", field="learner")
                learner_id = principal.learner_id
            flt = repo.SessionFilter(
                learner_id=learner_id,
                scenario_id=query.scenario,
                outcome=query.outcome,
                status=query.status,
                since=query.since,
                until=query.until,
            )
            rows, total = await repo.list_sessions(s, flt, limit=query.limit, offset=query.offset)
        items = [session_read(r, ext, reveal=reveals(principal, r)) for r, ext in rows]
        return SessionList(items=items, total=total, limit=query.limit, offset=query.offset)

    async def open_live(self, principal: Principal, session_id: str) -> tuple[LiveSession, Mode]:
        """A live handle for a connection and the session's mode, after the access check."""
        if not SESSION_ID.fullmatch(session_id):
            raise NotFound(f"no session '{session_id[:64]}'", field="session_id", code="session_not_found")
        # Small columns only: nothing large is kept per connection.
        head = await self.db.run(partial(hot.head, session_id=session_id))
        if head is None:
            raise NotFound(f"no session '{session_id}'", field="session_id", code="session_not_found")
        if not principal.may_see_learner(head.learner_id):
            raise Forbidden("this token reaches only its own learner's sessions", field="session_id")
        keep = self.settings.keep_engine_between_turns
        mode: Mode = "coach" if head.mode == "coach" else "assessment"
        return LiveSession(self.db, self.backends, session_id, keep_engine=keep), mode

    async def connect(self, principal: Principal, session_id: str) -> tuple[LiveSession, Mode, LiveView]:
        """What a new connection needs, read in one transaction: the live handle, the mode and the view.

        The session is read without its content JSON (the engine reads that when it needs it), and the
        connection keeps only the small handle: the view is sent once and dropped.
        """
        if not SESSION_ID.fullmatch(session_id):
            raise NotFound(f"no session '{session_id[:64]}'", field="session_id", code="session_not_found")
        async with self.db.transaction() as s:
            rec = await repo.get_session(s, session_id, content=False)
            if rec is None:
                raise NotFound(f"no session '{session_id}'", field="session_id", code="session_not_found")
            if not principal.may_see_learner(rec.learner_id):
                raise Forbidden("this token reaches only its own learner's sessions", field="session_id")
            learner = await repo.learner(s, rec.learner_id)
            turns = await repo.turns(s, session_id)
        view = _live_view(principal, rec, learner.external_id if learner else rec.learner_id, turns)
        mode: Mode = "coach" if rec.mode == "coach" else "assessment"
        live = LiveSession(
            self.db,
            self.backends,
            session_id,
            keep_engine=self.settings.keep_engine_between_turns,
            head=hot.head_of(rec),
        )
        return live, mode, view

    async def live_view(self, principal: Principal, session_id: str) -> LiveView:
        """The session and transcript so far, as a reconnecting client needs them."""
        rec, learner = await self.visible(principal, session_id)
        async with self.db.transaction() as s:
            turns = await repo.turns(s, session_id)
        return _live_view(principal, rec, learner, turns)


def _live_view(
    principal: Principal, rec: SessionRecord, learner: str, turns: Sequence[TurnRecord]
) -> LiveView:
    messages = [message_read(t) for t in turns]
    pending = next((m for m in messages if m.turn_id == rec.pending_turn_id), None)
    return LiveView(
        session=session_read(rec, learner, reveal=reveals(principal, rec)),
        messages=messages,
        pending=pending,
    )
