"""A turn answered at once (scripted customer, offline scorer): message, answer and scores in one commit."""

from __future__ import annotations

from simcoach.practice.live import LiveSession
from simcoach.practice.results import TurnCommitted
from simcoach.practice.service import PracticeService
from simcoach.store import repository as repo
from simcoach.store.tables import AssessmentRecord

from .conftest import STAFF
from .test_service_live import TEXT, answer, new_session

LATER = "So both charges came out on the same day. What happened when you noticed them?"


async def connected(practice: PracticeService, session_id: str) -> LiveSession:
    live, _, _ = await practice.connect(STAFF, session_id)
    return live


async def stored(practice: PracticeService, session_id: str) -> list[tuple[int, str, int, str | None]]:
    async with practice.db.transaction() as s:
        return [(t.seq, t.role, t.agent_turn, t.client_message_id) for t in await repo.turns(s, session_id)]


async def test_a_connected_session_answers_its_next_message_in_one_commit(practice: PracticeService) -> None:
    sid = await new_session(practice)
    live = await connected(practice, sid)
    done = await live.answer_at_once("m1", TEXT)
    assert done is not None
    accepted, delta, committed = done
    assert (accepted.turn_id, accepted.seq, accepted.agent_turn) == (committed.agent_turn_id, 1, 1)
    turns = await stored(practice, sid)
    assert turns[1:] == [(1, "agent", 1, "m1"), (2, "customer", 1, None)]
    assert delta.text == committed.reply.text
    assert (committed.agent_turn, committed.seq) == (1, 2)
    async with practice.db.transaction() as s:
        rec = await repo.get_session(s, sid)
        records = (await s.execute(AssessmentRecord.__table__.select())).all()
    assert rec is not None
    assert (rec.turn, rec.next_seq, rec.pending_turn_id) == (1, 3, None)
    assert [r.agent_turn_id for r in records] == [committed.agent_turn_id]
    again = await live.answer_at_once("m2", LATER)
    assert again is not None
    assert [t[1:] for t in await stored(practice, sid)][3:] == [("agent", 2, "m2"), ("customer", 2, None)]


async def test_a_resend_of_a_stored_message_is_left_to_accept_and_stored_once(
    practice: PracticeService,
) -> None:
    sid = await new_session(practice)
    live = await connected(practice, sid)
    assert await live.answer_at_once("m1", TEXT) is not None
    before = await stored(practice, sid)
    assert await live.answer_at_once("m1", TEXT) is None
    assert await stored(practice, sid) == before
    resent = await live.accept("m1", TEXT)
    assert (resent.duplicate, resent.needs_reply) == (True, False)


async def test_a_session_another_connection_advanced_is_not_answered_from_a_stale_head(
    practice: PracticeService,
) -> None:
    sid = await new_session(practice)
    mine, theirs = await connected(practice, sid), await connected(practice, sid)
    assert await theirs.answer_at_once("t1", TEXT) is not None
    before = await stored(practice, sid)
    assert await mine.answer_at_once("m1", LATER) is None  # its head is one version behind
    assert await stored(practice, sid) == before
    accepted = await mine.accept("m1", LATER)  # the general path reads the session again
    assert accepted.agent_turn == 2
    committed = await answer(mine)
    assert isinstance(committed, TurnCommitted)


async def test_a_live_customer_is_never_answered_at_once(practice: PracticeService) -> None:
    sid = await new_session(practice)
    live = await connected(practice, sid)
    practice.backends.renderer = object()  # type: ignore[assignment]  # any renderer: replies stream
    assert await live.answer_at_once("m1", TEXT) is None
    assert len(await stored(practice, sid)) == 1
