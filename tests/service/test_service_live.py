"""Turn durability at the service level: idempotency, one advancer at a time, exact replay, stored content."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest

from simcoach.practice.content import ContentSource
from simcoach.practice.errors import Conflict
from simcoach.practice.live import LiveSession
from simcoach.practice.results import TurnCommitted
from simcoach.practice.service import PracticeService
from simcoach.scoring.models import TurnAssessment
from simcoach.scoring.offline import OfflineScorer
from simcoach.store import repository as repo
from simcoach.store.tables import OverrideRecord

from .conftest import CONTENT, STAFF

TEXT = "Sorry you were charged twice, that's frustrating. When did the charges appear?"


async def new_session(practice: PracticeService, seed: int = 3) -> str:
    created = await practice.create(
        STAFF, learner="alice", scenario_id="test-double-charge", mode="coach", seed=seed
    )
    return created.session.id


def live(practice: PracticeService, session_id: str) -> LiveSession:
    return LiveSession(practice.db, practice.backends, session_id)


async def answer(session: LiveSession) -> TurnCommitted:
    done = [item async for item in session.reply() if isinstance(item, TurnCommitted)]
    assert len(done) == 1
    return done[0]


async def transcript(practice: PracticeService, session_id: str) -> list[tuple[str, str]]:
    async with practice.db.transaction() as s:
        return [(t.role, t.text) for t in await repo.turns(s, session_id)]


async def test_resend_is_stored_once(practice: PracticeService) -> None:
    sid = await new_session(practice)
    a = live(practice, sid)
    first = await a.accept("m1", TEXT)
    again = await live(practice, sid).accept("m1", TEXT)
    assert (again.turn_id, again.duplicate, again.needs_reply) == (first.turn_id, True, True)
    await answer(a)
    after = await a.accept("m1", TEXT)
    assert (after.duplicate, after.needs_reply) == (True, False)
    assert [r for r, _ in await transcript(practice, sid)] == ["customer", "agent", "customer"]


async def test_second_message_while_pending_is_refused(practice: PracticeService) -> None:
    sid = await new_session(practice)
    await live(practice, sid).accept("m1", TEXT)
    with pytest.raises(Conflict) as refused:
        await live(practice, sid).accept("m2", TEXT)
    assert refused.value.code == "turn_in_flight"


async def test_concurrent_sends_store_exactly_one(practice: PracticeService) -> None:
    sid = await new_session(practice)
    results = await asyncio.gather(
        *(live(practice, sid).accept(f"c{i}", TEXT) for i in range(4)), return_exceptions=True
    )
    accepted = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(accepted) == 1
    assert len(refused) == 3
    assert {r.code for r in refused} <= {"turn_in_flight", "session_conflict"}


async def test_two_connections_cannot_both_answer(practice: PracticeService) -> None:
    sid = await new_session(practice)
    a, b = live(practice, sid), live(practice, sid)
    await a.accept("m1", TEXT)

    async def try_answer(session: LiveSession) -> list[TurnCommitted]:
        return [item async for item in session.reply() if isinstance(item, TurnCommitted)]

    results = await asyncio.gather(try_answer(a), try_answer(b), return_exceptions=True)
    wins = [r for r in results if isinstance(r, list) and r]
    losses = [r for r in results if isinstance(r, Conflict) or r == []]  # lost the race, or came after it
    assert (len(wins), len(losses)) == (1, 1)
    assert all(r.code == "session_conflict" for r in losses if isinstance(r, Conflict))
    assert [r for r, _ in await transcript(practice, sid)] == ["customer", "agent", "customer"]


async def test_unanswered_turn_replays_exactly_after_a_crash(practice: PracticeService) -> None:
    steady, crashed = await new_session(practice, seed=11), await new_session(practice, seed=11)
    s = live(practice, steady)
    for i in range(3):
        await s.accept(f"m{i}", f"{TEXT} ({i})")
        await answer(s)
    c = live(practice, crashed)
    for i in range(3):
        await c.accept(f"m{i}", f"{TEXT} ({i})")
        c = live(practice, crashed)  # the connection (and process memory) is gone after every ack
        await answer(c)
        c = live(practice, crashed)
    assert await transcript(practice, steady) == await transcript(practice, crashed)
    async with practice.db.transaction() as session:
        one, two = await repo.get_session(session, steady), await repo.get_session(session, crashed)
        assert one is not None
        assert two is not None
        assert one.snapshot == two.snapshot


async def test_session_keeps_its_content_after_a_reload(practice: PracticeService, tmp_path: Path) -> None:
    sid = await new_session(practice)
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    persona = content / "personas" / "test-sam.yaml"
    persona.write_text(
        persona.read_text().replace("Sam Test (annoyed, patient)", "Sam Changed"), encoding="utf-8"
    )
    practice.content = ContentSource(content)
    assert practice.content.reload().ok
    s = live(practice, sid)
    await s.accept("m1", TEXT)
    await answer(s)
    fresh = await practice.create(
        STAFF, learner="alice", scenario_id="test-double-charge", mode="coach", seed=3
    )
    old = await practice.get(STAFF, sid)
    assert old.persona.version != fresh.session.persona.version
    async with practice.db.transaction() as session:
        rec = await repo.get_session(session, sid)
        assert rec is not None
        assert rec.persona_json["display_name"] == "Sam Test (annoyed, patient)"


async def test_first_sessions_of_a_new_learner_created_at_once(practice: PracticeService) -> None:
    created = await asyncio.gather(
        *(
            practice.create(STAFF, learner="zoe", scenario_id="test-double-charge", mode="coach", seed=i)
            for i in range(6)
        )
    )
    assert len({c.session.id for c in created}) == 6
    assert {c.session.learner for c in created} == {"zoe"}


async def test_scorecard_of_a_customer_ended_session_counts_each_turn_once(practice: PracticeService) -> None:
    """Regression: when the customer ended the chat, the last turn's assessment was counted twice."""
    sid = await new_session(practice)
    rude = "Calm down. You should have read the terms, that's our policy and there's nothing I can do."
    session = live(practice, sid)
    done: TurnCommitted | None = None
    for i in range(20):
        await session.accept(f"r{i}", rude)
        done = await answer(session)
        if done.outcome is not None:
            break
    assert done is not None
    assert done.outcome is not None, "a rude agent must end the chat"
    assert done.scorecard is not None
    async with practice.db.transaction() as s:
        stored = len(await repo.assessments(s, sid))
        rec = await repo.get_session(s, sid)
    assert stored == done.agent_turn
    assert rec is not None
    assert rec.scorecard is not None
    for criterion in done.scorecard.criteria:
        assert criterion.applicable_turns <= stored, criterion
    assert rec.scorecard == done.scorecard.model_dump(mode="json")


async def test_a_customer_ended_session_records_its_end_outbox_event_and_overrides_at_once(
    practice: PracticeService,
) -> None:
    """The ending turn stores reply, scorecard (with overrides made so far) and outbox event together."""
    sid = await new_session(practice)
    rude = "Calm down. You should have read the terms, that's our policy and there's nothing I can do."
    session = live(practice, sid)
    await session.accept("r0", rude)
    first = await answer(session)
    assert first.outcome is None
    criterion = next(iter(first.assessment.scores))
    async with practice.db.transaction() as s:
        await repo.add_override(
            s,
            OverrideRecord(
                session_id=sid,
                turn=1,
                criterion_id=criterion,
                level=first.assessment.scores[criterion].max_level,
                reason="trainer check",
                actor="t",
                actor_role="trainer",
            ),
        )
    done = first
    for i in range(1, 20):
        await session.accept(f"r{i}", rude)
        done = await answer(session)
        if done.outcome is not None:
            break
    assert done.outcome is not None
    assert done.scorecard is not None
    assert next(c for c in done.scorecard.criteria if c.criterion_id == criterion).overridden
    async with practice.db.transaction() as s:
        rec = await repo.get_session(s, sid)
        events = await repo.events(s, sid)
    assert rec is not None
    assert rec.status == "finished"
    assert rec.outcome_kind == done.outcome.kind.value
    assert [e.kind for e in events] == ["session.completed"]
    assert events[0].payload["outcome"] == done.outcome.kind.value
    assert events[0].payload["overall_percent"] == done.scorecard.overall_percent


class CostlyScorer(OfflineScorer):
    """The offline scorer, reporting tokens as an LLM judge does for each turn it scores."""

    async def assess(self, **kwargs: Any) -> TurnAssessment:
        result = await super().assess(**kwargs)
        return result.model_copy(update={"prompt_tokens": 100, "completion_tokens": 7})


async def test_session_usage_counts_what_scoring_cost(practice: PracticeService) -> None:
    """Token usage per session includes the judge's tokens, not only the customer's reply."""
    practice.backends.scorer = CostlyScorer()
    sid = await new_session(practice)
    session = live(practice, sid)
    for i in range(2):
        await session.accept(f"u{i}", TEXT)
        done = await answer(session)
        assert (done.assessment.prompt_tokens, done.assessment.completion_tokens) == (100, 7)
    async with practice.db.transaction() as s:
        rec = await repo.get_session(s, sid)
    assert rec is not None
    assert (rec.prompt_tokens, rec.completion_tokens) == (200, 14)


async def test_warm_up_plays_a_turn_without_storing_anything(practice: PracticeService) -> None:
    await practice.warm_up()
    async with practice.db.transaction() as s:
        listed, total = await repo.list_sessions(s, repo.SessionFilter(), limit=10, offset=0)
    assert total == 0
    assert list(listed) == []


async def test_warm_up_with_no_content_loaded_does_nothing(practice: PracticeService, tmp_path: Path) -> None:
    empty = PracticeService(db=practice.db, content=ContentSource(tmp_path), settings=practice.settings)
    await empty.warm_up()
