"""The per-process cap: 200 concurrent LLM sessions, cap 16: at most 16 requests open, no turn lost."""

from __future__ import annotations

import asyncio

from simcoach.providers.openai_compat import OpenAICompatProvider

from .conftest import fast_config
from .fake_openai import Behaviour, FakeOpenAI
from .helpers import new_session, play, renderer

SESSIONS = 200
CAP = 16


async def test_two_hundred_sessions_hold_at_most_the_cap(fake: FakeOpenAI) -> None:
    # Each reply streams for a while, so requests overlap and the cap is what limits them.
    fake.state.default = Behaviour(text="Right. I want this sorted today, no more excuses.", delay_s=0.005)
    provider = OpenAICompatProvider(fast_config(fake.base_url, max_concurrency=CAP, first_token_timeout_s=30))
    customer = renderer(provider)
    sessions = [new_session(seed=i) for i in range(SESSIONS)]
    try:
        turns = await asyncio.gather(
            *(play(s, "I'm sorry about the double charge. Which card was it?", customer) for s in sessions)
        )
    finally:
        await provider.aclose()
    stats = fake.state.stats()
    assert stats["max_open"] <= CAP
    assert stats["max_open"] == CAP  # the cap, not the load, was the limit
    assert stats["requests"] == SESSIONS
    assert all(t.reply.renderer == "llm:fake-model" for t in turns)
    assert all(t.reply.text.startswith("Right.") for t in turns)
    assert all(s.history[-1].role == "customer" for s in sessions)
