"""Property tests over whole sessions: any agent input keeps the engine consistent and in range."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from simcoach.sim.models import ReplyComplete, StateChanged

from .agents import CALMING_LINES
from .test_fidelity import INJECTIONS, SCENARIOS, start

POOL = [
    *CALMING_LINES,
    *INJECTIONS,
    "",
    "   ",
    "?",
    "You need to calm down.",
    "That's your fault.",
    "It's policy.",
    "Which card or account did you use, and when did you notice?",
    "Ok.",
    "🙂 naïve café — “quotes” {value} {name}",
    "x" * 2000,
]


@settings(max_examples=40, deadline=None)
@given(
    scenario_id=st.sampled_from(SCENARIOS),
    seed=st.integers(min_value=0, max_value=2**31),
    lines=st.lists(st.sampled_from(POOL), min_size=1, max_size=16),
)
def test_any_agent_input_keeps_the_session_consistent(scenario_id: str, seed: int, lines: list[str]) -> None:
    session = start(scenario_id, seed)

    async def go() -> None:
        for n, line in enumerate(lines, start=1):
            if session.finished:
                break
            events = [e async for e in session.submit(line)]
            changed = next(e for e in events if isinstance(e, StateChanged))
            reply = next(e for e in events if isinstance(e, ReplyComplete))
            for var in ("anger", "anxiety", "trust", "patience"):
                assert 0.0 <= getattr(changed.after, var) <= 1.0
            assert reply.text.strip()
            assert "{" not in reply.text
            assert session.turn == n
            assert len(session.history) == 2 * n + 1
            assert session.history[-1].text == reply.text

    asyncio.run(go())
    assert session.turn <= session.scenario.end.max_turns
    if session.turn == session.scenario.end.max_turns:
        assert session.finished
