"""Snapshot and restore: JSON round trip, identical events after restoring, determinism by seed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace

import pytest

from simcoach.content.library import Versioned
from simcoach.scoring.offline import OfflineScorer
from simcoach.sim.derived import derived_for
from simcoach.sim.engine import PracticeSession
from simcoach.sim.errors import SnapshotMismatch
from simcoach.sim.models import SessionSnapshot

from .agents import bad_agent, calming_agent, good_agent
from .test_fidelity import LIBRARY, SCENARIOS, start


def _dump(events: list[object]) -> list[dict[str, object]]:
    return [e.model_dump(mode="json") for e in events]  # type: ignore[attr-defined]


async def _turns(session: PracticeSession, lines: Iterator[str], n: int) -> list[list[dict[str, object]]]:
    out: list[list[dict[str, object]]] = []
    for line in lines:
        if session.finished or len(out) >= n:
            break
        out.append(_dump([e async for e in session.submit(line)]))
    return out


def _restore(snapshot: SessionSnapshot) -> PracticeSession:
    sc = LIBRARY.scenarios[snapshot.scenario_id]
    return PracticeSession.restore(
        snapshot,
        scenario=sc,
        persona=LIBRARY.personas[snapshot.persona_id],
        rubric=LIBRARY.rubrics[snapshot.rubric_id],
        scorer=OfflineScorer(),
    )


@pytest.mark.parametrize("scenario_id", SCENARIOS)
@pytest.mark.parametrize("agent", [good_agent, bad_agent])
@pytest.mark.parametrize("cut", [0, 1, 2])
@pytest.mark.parametrize("lean", [False, True], ids=["full", "lean"])
def test_restore_mid_session_gives_the_same_events(
    scenario_id: str, agent: object, cut: int, lean: bool
) -> None:
    """Also from the lean snapshot the service stores (past assessments left out: they have a table)."""

    async def go() -> None:
        whole = start(scenario_id, 11)
        lines = list(_take(agent(whole.scenario), 8))  # type: ignore[operator]
        reference = await _turns(whole, iter(lines), 8)

        first = start(scenario_id, 11)
        before = await _turns(first, iter(lines[:cut]), cut)
        wire = first.snapshot_json(assessments=not lean)
        resumed = _restore(SessionSnapshot.model_validate_json(wire))
        assert resumed.history == first.history
        assert resumed.state == first.state
        after = await _turns(resumed, iter(lines[cut:]), 8 - cut)
        assert before + after == reference
        played_since = {"assessments"} if lean else set()
        assert resumed.snapshot().model_dump(exclude=played_since) == whole.snapshot().model_dump(
            exclude=played_since
        )
        assert resumed.assessments == whole.assessments[cut if lean else 0 :]

    asyncio.run(go())


def _take(lines: Iterator[str], n: int) -> Iterator[str]:
    for i, line in enumerate(lines):
        if i >= n:
            return
        yield line


def test_snapshot_is_a_copy() -> None:
    session = start(SCENARIOS[0], 1)
    snap = session.snapshot()
    asyncio.run(_turns(session, iter(["Could you tell me what happened?"]), 1))
    assert snap.turn == 0
    assert len(snap.history) == 1


def test_restore_refuses_other_content_versions() -> None:
    session = start("billing-double-charge", 1)
    snap = session.snapshot()
    sc = LIBRARY.scenarios["billing-double-charge"]
    changed = Versioned(item=sc.item, version="not-the-same", source=sc.source)
    with pytest.raises(SnapshotMismatch, match="scenario"):
        PracticeSession.restore(
            snap,
            scenario=changed,
            persona=LIBRARY.personas[sc.item.persona],
            rubric=LIBRARY.rubrics[sc.item.rubric],
            scorer=OfflineScorer(),
        )
    other = LIBRARY.scenarios["delivery-lost-parcel"]
    with pytest.raises(SnapshotMismatch, match="delivery-lost-parcel"):
        PracticeSession.restore(
            snap,
            scenario=other,
            persona=LIBRARY.personas[sc.item.persona],
            rubric=LIBRARY.rubrics[sc.item.rubric],
            scorer=OfflineScorer(),
        )


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_same_seed_same_session(scenario_id: str) -> None:
    async def go(seed: int) -> list[list[dict[str, object]]]:
        session = start(scenario_id, seed)
        return [[{"opening": session.opening_text}], *await _turns(session, good_agent(session.scenario), 6)]

    assert asyncio.run(go(3)) == asyncio.run(go(3))


def test_seeds_change_the_words() -> None:
    async def replies(seed: int) -> list[str]:
        texts: list[str] = []
        for scenario_id in SCENARIOS:
            session = start(scenario_id, seed)
            texts.append(session.opening_text)
            for turn in await _turns(session, bad_agent(session.scenario), 3):
                texts += [str(e["text"]) for e in turn if e["type"] == "reply"]
        return texts

    a, b = asyncio.run(replies(1)), asyncio.run(replies(2))
    assert a != b
    assert len(a) == len(b)


def test_no_line_repeats_in_a_session_while_alternatives_exist() -> None:
    for scenario_id in SCENARIOS:
        session = start(scenario_id, 4)
        asyncio.run(_turns(session, calming_agent(session.scenario), 14))
        used = session.snapshot().used_lines
        assert len(used) >= 2
        assert len(used) == len(set(used)), scenario_id


def test_snapshot_and_session_do_not_share_containers() -> None:
    session = start("billing-double-charge", 1)
    asyncio.run(_turns(session, iter(["Which card did you pay with?"]), 1))
    snap = session.snapshot()
    snap.history.append(snap.history[0])
    snap.extra["note"] = ["x"]
    snap.signal_counts["validation"] = 99
    assert len(session.history) == 3
    assert "note" not in session.snapshot().extra
    assert session.snapshot().signal_counts.get("validation", 0) != 99
    restored = _restore(snap)
    snap.revealed.append("nope")
    assert "nope" not in restored.revealed


def test_sessions_on_the_same_content_objects_share_what_they_derive_from_it() -> None:
    """Restoring rebuilds nothing derived from the content (rules, disclosure index, lines) per turn."""
    sc = LIBRARY.scenarios[SCENARIOS[0]]
    pe, ru = LIBRARY.personas[sc.item.persona], LIBRARY.rubrics[sc.item.rubric]
    assert derived_for(sc, pe, ru) is derived_for(sc, pe, ru)
    other = replace(sc)  # an equal but distinct content object gets its own
    assert derived_for(other, pe, ru) is not derived_for(sc, pe, ru)
    assert derived_for(other, pe, ru).scenario is other
