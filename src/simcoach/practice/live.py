"""One connection's hold on a live session: accept agent turns, answer them, end the session.

The database is the truth: every advance is ``UPDATE … WHERE version = :seen``, so two connections (on
one replica or two) can never both advance a session. What this connection remembers from its own last
commit (the session's small columns, and the engine if ``keep_engine``) is used only while that version is
still current; any failed version check drops it and the next step reads the database again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from functools import partial
from typing import Any

from simcoach.practice import engine_io
from simcoach.practice.endings import end_session, event_payload, finish_values, scorecard_in
from simcoach.practice.errors import Conflict, NotFound
from simcoach.practice.results import Accepted, Ended, TurnCommitted
from simcoach.practice.turn_events import TurnEvents
from simcoach.scoring.models import Scorecard
from simcoach.sim.engine import PracticeSession
from simcoach.sim.errors import SessionFinished
from simcoach.sim.models import ReplyDelta
from simcoach.store import repository as repo
from simcoach.store import turns as hot
from simcoach.store.db import Database, RawJson, SyncConnection
from simcoach.store.turns import SessionHead, StoredTurn

ATTEMPTS = 3
"""How often a write is retried after losing a race, before reporting a conflict."""


def _conflict() -> Conflict:
    return Conflict(
        "another connection advanced this session; reload the transcript", code="session_conflict"
    )


def _head(s: SyncConnection, session_id: str) -> SessionHead:
    found = hot.head(s, session_id)
    if found is None:
        raise NotFound(f"no session '{session_id}'", code="session_not_found")
    return found


def _content(s: SyncConnection, head: SessionHead) -> engine_io.Content:
    return engine_io.cached_content(head) or engine_io.content_from(
        head, hot.payload(s, head.id, content=True)
    )


def _snapshot_and_content(
    s: SyncConnection, head: SessionHead
) -> tuple[tuple[int, str] | None, dict[str, Any] | None]:
    """The version and snapshot text, and the stored content JSON unless the content cache holds it."""
    # Only reads here; the content cache is looked up again on the event loop (it may be evicted meanwhile).
    data = None if engine_io.cached_content(head) else hot.payload(s, head.id, content=True)
    return hot.snapshot_text(s, head.id), data


class LiveSession:
    """Advances one session for one connection."""

    def __init__(
        self,
        db: Database,
        backends: engine_io.Backends,
        session_id: str,
        *,
        keep_engine: bool = False,
        head: SessionHead | None = None,
    ) -> None:
        self.db = db
        self.backends = backends
        self.session_id = session_id
        self.keep_engine = keep_engine
        # The session's small columns as last read or committed here (``head``: read on connect).
        self._head: SessionHead | None = head
        self._pending: StoredTurn | None = None
        self._engine: PracticeSession | None = None
        # The engine snapshot (JSON text) as of the accept's own version check, read in that same UPDATE;
        # held only while a turn is pending, never while the connection is idle.
        self._snapshot: tuple[int, str] | None = None

    def _forget(self) -> None:
        self._head, self._pending, self._engine, self._snapshot = None, None, None, None

    async def accept(self, client_message_id: str, text: str) -> Accepted:
        """Store an agent message once (idempotent per client id), mark it pending, commit, then return."""
        for _ in range(ATTEMPTS):
            known = self._head
            # Fast path: this connection committed last, so its copy of the head is current unless the
            # version check below says otherwise (and a resent client id fails the unique constraint).
            fast = known is not None and known.status == "active" and known.pending_turn_id is None
            try:
                done = await self.db.run(
                    partial(self._store, known=known if fast else None, cmid=client_message_id, text=text)
                )
            except (repo.StaleVersion, repo.IntegrityError):
                # Lost a race, or the client id is already stored: decide again from the database.
                self._forget()
                continue
            if isinstance(done, Accepted):
                return done
            head, turn_id, version, snapshot = done
            agent_turn = head.turn + 1
            self._head = replace(head, version=version, next_seq=head.next_seq + 1, pending_turn_id=turn_id)
            self._pending = StoredTurn(turn_id, head.next_seq, agent_turn, text, client_message_id)
            self._snapshot = (version, snapshot)
            if not fast:
                self._engine = None  # the head was re-read: a cached engine may be stale
            return Accepted(
                turn_id, head.next_seq, agent_turn, client_message_id, duplicate=False, needs_reply=True
            )
        raise _conflict()

    def _store(
        self, s: SyncConnection, *, known: SessionHead | None, cmid: str, text: str
    ) -> Accepted | tuple[SessionHead, int, int, str]:
        """One accept transaction (on the database thread): a duplicate, or (head, id, version, snapshot)."""
        head = known if known is not None else _head(s, self.session_id)
        if known is None:
            found = hot.turn_by_client_id(s, self.session_id, cmid)
            if found is not None:
                return self._duplicate(found, head)
            if head.status == "finished":
                raise Conflict("the session has ended; start a new one", code="session_finished")
            if head.pending_turn_id is not None:
                raise Conflict(
                    "the customer is still replying; resend this message after the reply",
                    code="turn_in_flight",
                )
        turn_id = hot.add_turn(
            s,
            session_id=self.session_id,
            seq=head.next_seq,
            role="agent",
            agent_turn=head.turn + 1,
            text=text,
            client_message_id=cmid,
        )
        # The version check also hands back the snapshot the reply starts from: no read later.
        version, snapshot = hot.advance_returning_snapshot(
            s, self.session_id, head.version, next_seq=head.next_seq + 1, pending_turn_id=turn_id
        )
        return head, turn_id, version, snapshot

    def _duplicate(self, found: StoredTurn, head: SessionHead) -> Accepted:
        return Accepted(
            turn_id=found.id,
            seq=found.seq,
            agent_turn=found.agent_turn,
            client_message_id=found.client_message_id or "",
            duplicate=True,
            needs_reply=head.pending_turn_id == found.id,
        )

    async def _prepare(self) -> tuple[SessionHead, StoredTurn, PracticeSession] | None:
        """The head, the pending turn and the engine to answer it with; None if nothing is pending."""
        head, pending, engine, snapshot = self._head, self._pending, self._engine, self._snapshot
        self._snapshot = None
        if head is not None and pending is not None and head.pending_turn_id == pending.id:
            if engine is not None:
                return head, pending, engine
            content = engine_io.cached_content(head)
            if snapshot is not None and snapshot[0] == head.version and content is not None:
                # Everything is from this connection's own committed accept: no read needed.
                return head, pending, engine_io.restore(content, snapshot[1], self.backends.scorer)
        mine = head, pending

        def read(
            s: SyncConnection,
        ) -> tuple[SessionHead, StoredTurn, tuple[int, str] | None, dict[str, Any] | None] | None:
            head, pending = mine
            if head is None or pending is None or head.pending_turn_id != pending.id:
                head = _head(s, self.session_id)
                if head.pending_turn_id is None:
                    return None
                pending = hot.stored_turn(s, head.pending_turn_id)
                if pending is None:  # pragma: no cover - the foreign key makes this impossible
                    return None
            return head, pending, *_snapshot_and_content(s, head)

        found = await self.db.run(read)
        if found is None:
            return None
        head, pending, stored, data = found
        engine = await self._restored(head, stored, data)
        if engine is None:
            raise _conflict()
        return head, pending, engine

    async def _restored(
        self, head: SessionHead, stored: tuple[int, str] | None, data: dict[str, Any] | None
    ) -> PracticeSession | None:
        """The engine from a snapshot read by ``_snapshot_and_content``; None (forgetting) if it is stale."""
        if stored is None or stored[0] != head.version:
            self._forget()
            return None
        content = engine_io.cached_content(head)
        if content is None:
            if data is None:  # evicted from the cache since the read: read the content again
                data = await self.db.run(partial(hot.payload, session_id=head.id, content=True))
            content = engine_io.content_from(head, data)
        return engine_io.restore(content, stored[1], self.backends.scorer)

    async def reply(self) -> AsyncIterator[ReplyDelta | TurnCommitted]:
        """Answer the pending agent turn, if any: stream the reply, then commit it and yield the result."""
        prepared = await self._prepare()
        if prepared is None:
            return
        head, pending, engine = prepared
        self._engine = None  # in use: it is ahead of the database until the commit below succeeds
        try:
            turn = TurnEvents()
            async for delta in turn.play(engine, pending.text, self.backends):
                yield delta
            committed = await self._commit(head, pending, engine, turn)
        except (repo.StaleVersion, repo.IntegrityError):
            self._forget()
            raise _conflict() from None
        except BaseException:
            self._forget()
            raise
        if self.keep_engine:
            self._engine = engine
        yield committed

    async def answer_at_once(self, cmid: str, text: str) -> tuple[Accepted, ReplyDelta, TurnCommitted] | None:
        """Store an agent message and its whole answer in one transaction, when that is safe and worth it.

        Only for a customer that answers at once (``Backends.immediate``) and only while this connection's
        own last commit is the session's latest step. The agent turn is committed with everything else, so
        the ``ack`` still follows its commit. None: nothing was stored; take ``accept`` then ``reply``, which
        decide resends, endings and races.
        """
        head = self._head
        if (
            not self.backends.immediate
            or head is None
            or head.status != "active"
            or head.pending_turn_id is not None
        ):
            return None
        engine = self._engine
        if engine is None:
            engine = await self._restored(head, *await self.db.run(partial(_snapshot_and_content, head=head)))
            if engine is None:
                return None
        self._engine = None  # in use: ahead of the database until the commit succeeds
        pending = StoredTurn(0, head.next_seq, head.turn + 1, text, cmid)
        try:
            turn = TurnEvents()
            deltas = [delta async for delta in turn.play(engine, text, self.backends)]
            committed = await self._commit(head, pending, engine, turn, store_agent=True)
        except (repo.StaleVersion, repo.IntegrityError):
            # Another connection advanced the session, or this client id is stored already (a resend).
            self._forget()
            return None
        except BaseException:
            self._forget()
            raise
        if self.keep_engine:
            self._engine = engine
        accepted = Accepted(
            committed.agent_turn_id, pending.seq, pending.agent_turn, cmid, duplicate=False, needs_reply=False
        )
        return (
            accepted,
            ReplyDelta(turn=committed.agent_turn, text="".join(d.text for d in deltas)),
            committed,
        )

    async def _commit(
        self,
        head: SessionHead,
        pending: StoredTurn,
        engine: PracticeSession,
        turn: TurnEvents,
        *,
        store_agent: bool = False,
    ) -> TurnCommitted:
        """Commit the reply, scores and state (and the agent message itself if ``store_agent``) in one hop.

        Raises ``StaleVersion`` or ``IntegrityError`` (after rolling back) when another step won the race.
        """
        assessed, changed, complete, outcome = turn.done()
        # The session's usage counts what the reply cost and what scoring it cost (an LLM judge).
        prompt_tokens = head.prompt_tokens + complete.prompt_tokens + assessed.assessment.prompt_tokens
        completion_tokens = (
            head.completion_tokens + complete.completion_tokens + assessed.assessment.completion_tokens
        )
        reply_seq = pending.seq + 1
        values: dict[str, object] = {
            "next_seq": reply_seq + 1,
            "turn": pending.agent_turn,
            "pending_turn_id": None,
            # Lean: the assessments are stored per turn in their own table, not in every snapshot.
            "snapshot": RawJson(engine.snapshot_json(assessments=False)),
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
        }

        def store(s: SyncConnection) -> tuple[int, int]:
            agent_id = pending.id
            if store_agent:
                agent_id = hot.add_turn(
                    s,
                    session_id=self.session_id,
                    seq=pending.seq,
                    role="agent",
                    agent_turn=pending.agent_turn,
                    text=pending.text,
                    client_message_id=pending.client_message_id,
                )
            reply_id = hot.add_turn(
                s,
                session_id=self.session_id,
                seq=reply_seq,
                role="customer",
                agent_turn=pending.agent_turn,
                text=complete.text,
                intent=str(complete.intent),
                renderer=complete.renderer,
                notice=complete.notice,
                prompt_tokens=complete.prompt_tokens,
                completion_tokens=complete.completion_tokens,
                events=list(complete.events),
            )
            hot.add_assessment(
                s,
                session_id=self.session_id,
                turn=pending.agent_turn,
                agent_turn_id=agent_id,
                # Models go to the JSON columns as they are: the engine's serializer writes them directly.
                assessment=assessed.assessment,
                state=changed,
            )
            return agent_id, reply_id

        def store_all(s: SyncConnection) -> tuple[int, int, int, None]:
            agent_id, reply_id = store(s)
            return agent_id, reply_id, hot.advance(s, self.session_id, head.version, **values), None

        def store_and_finish(s: SyncConnection) -> tuple[int, int, int, Scorecard]:
            # The session ends here: the scorecard and the outbox event in the same one-hop transaction,
            # which holds the write lock only while it runs.
            assert outcome is not None
            agent_id, reply_id = store(s)
            # The assessment is already inserted above, in this transaction: it is read back with the
            # others (passing it again counted the last turn twice).
            card = scorecard_in(s, self.session_id, _content(s, head))
            ended = {**values, **finish_values(outcome, card)}
            payload = event_payload(head, outcome, card)
            hot.add_event(s, kind="session.completed", session_id=self.session_id, payload=payload)
            return agent_id, reply_id, hot.advance(s, self.session_id, head.version, **ended), card

        # The common turn: one transaction, whole, in one hop (inline on SQLite).
        agent_id, reply_id, version, card = await self.db.run(
            store_all if outcome is None else store_and_finish
        )
        self._head = replace(
            head,
            version=version,
            turn=pending.agent_turn,
            next_seq=reply_seq + 1,
            pending_turn_id=None,
            status="finished" if outcome is not None else head.status,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
        )
        self._pending = None
        return TurnCommitted(
            agent_turn=pending.agent_turn,
            agent_turn_id=agent_id,
            reply_turn_id=reply_id,
            seq=reply_seq,
            reply=complete,
            assessment=assessed.assessment,
            state=changed,
            outcome=outcome,
            scorecard=card,
        )

    async def end(self, reason: str) -> Ended:
        """End the session from the agent's side (idempotent: an ended session returns its outcome)."""
        for _ in range(ATTEMPTS):
            self._forget()
            try:
                return await end_session(self.db, self.backends, self.session_id, reason)
            except (repo.StaleVersion, SessionFinished):
                continue
        raise _conflict()
