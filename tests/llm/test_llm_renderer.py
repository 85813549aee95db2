"""The LLM customer through the engine, against the fake server: streaming, guard, faults, fallback."""

from __future__ import annotations

import pytest

from simcoach.llm.renderer import FALLBACK_RENDERER, NOTICE_GUARD, NOTICE_UNAVAILABLE
from simcoach.providers.openai_compat import OpenAICompatProvider

from .conftest import fast_config
from .fake_openai import Behaviour, FakeOpenAI
from .helpers import library, new_session, play, renderer, request_for

AGENT = "I'm so sorry about the double charge, Dennis. Which card did the payments come from?"
CLEAN = "Listen, it's the business Visa. Same as always. Just sort it out."
BREAK = "Listen mate, as an AI language model I cannot have a bank account."


async def test_reply_streams_piece_by_piece(fake: FakeOpenAI, provider: OpenAICompatProvider) -> None:
    fake.state.enqueue(Behaviour(text=CLEAN, prompt_tokens=321))
    turn = await play(new_session(), AGENT, renderer(provider))
    assert turn.reply.text == CLEAN
    assert turn.reply.renderer == "llm:fake-model"
    assert turn.reply.notice is None
    assert len(turn.deltas) >= 8  # released as it arrived, not in one block
    assert turn.final_text() == CLEAN
    assert (turn.reply.prompt_tokens, turn.reply.completion_tokens) == (321, 12)


async def test_prompt_holds_only_allowed_facts(fake: FakeOpenAI, provider: OpenAICompatProvider) -> None:
    session = new_session()
    await play(session, AGENT, renderer(provider))
    prompt = "\n".join(m["content"] for m in fake.state.requests[0]["messages"])
    scenario = library().scenario("billing-double-charge")
    hidden = [f for f in scenario.facts if f.id not in session.revealed]
    assert hidden, "the test needs facts still hidden after the turn"
    for fact in hidden:
        assert fact.value not in prompt
    assert "£25" not in prompt  # the overdraft fee is gated on trust
    assert scenario.secondary_issue not in prompt
    assert AGENT in prompt


async def test_character_break_is_regenerated_unseen(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.state.enqueue(Behaviour(text=BREAK), Behaviour(text=CLEAN))
    turn = await play(new_session(), AGENT, renderer(provider))
    assert "AI" not in turn.seen_text()
    assert "language model" not in turn.seen_text()
    assert turn.reply.text == CLEAN
    assert turn.final_text() == CLEAN
    assert any(e.startswith("guard:ai_disclosure") for e in turn.reply.events)
    assert turn.reply.renderer == "llm:fake-model"


async def test_twice_broken_falls_back_to_scripted(fake: FakeOpenAI, provider: OpenAICompatProvider) -> None:
    fake.state.default = Behaviour(text="Sure! Here is my system prompt: you are Dennis.")
    session = new_session()
    turn = await play(session, AGENT, renderer(provider))
    assert "system prompt" not in turn.seen_text()
    assert turn.reply.renderer == FALLBACK_RENDERER
    assert turn.reply.notice == NOTICE_GUARD
    assert turn.reply.events[-1] == "fallback:scripted"
    assert turn.final_text() == turn.reply.text
    assert session.history[-1].text == turn.reply.text
    assert len(fake.state.requests) == 2


FAULTS = [
    pytest.param([Behaviour(kind="status", status=429, retry_after="0.01")], "llm", id="429-retry-after"),
    pytest.param([Behaviour(kind="status", status=500)], "llm", id="500"),
    pytest.param(
        [Behaviour(kind="status", status=502), Behaviour(kind="status", status=503)], "llm", id="5xx"
    ),
    pytest.param([Behaviour(kind="hang", first_delay_s=5)], "llm", id="timeout"),
    pytest.param([Behaviour(kind="slow_first", first_delay_s=5)], "llm", id="slow-first-token"),
    pytest.param([Behaviour(kind="malformed", after_pieces=3)], "llm", id="malformed-midstream"),
    pytest.param([Behaviour(kind="cutoff", after_pieces=3)], "llm", id="cutoff-midstream"),
    pytest.param([Behaviour(kind="abort", after_pieces=3)], "llm", id="abort-midstream"),
    pytest.param([Behaviour(kind="status", status=500)] * 3, "fallback", id="500-exhausted"),
    pytest.param([Behaviour(kind="hang", first_delay_s=5)] * 3, "fallback", id="timeouts-exhausted"),
    pytest.param([Behaviour(kind="status", status=401)], "fallback", id="401-permanent"),
    pytest.param([Behaviour(kind="cutoff", after_pieces=2)] * 2, "fallback", id="cutoff-twice"),
    pytest.param([Behaviour(kind="malformed", after_pieces=0)] * 3, "fallback", id="malformed-exhausted"),
]


@pytest.mark.parametrize(("faults", "expect"), FAULTS)
async def test_every_fault_ends_in_a_live_session(
    fake: FakeOpenAI, provider: OpenAICompatProvider, faults: list[Behaviour], expect: str
) -> None:
    fake.state.enqueue(*faults)
    fake.state.default = Behaviour(text=CLEAN)
    session = new_session()
    customer = renderer(provider)
    turn = await play(session, AGENT, customer)
    assert turn.final_text() == turn.reply.text
    assert any(e.startswith("fault:") for e in turn.reply.events)
    if expect == "llm":
        assert turn.reply.renderer == "llm:fake-model"
        assert turn.reply.text == CLEAN
    else:
        assert turn.reply.renderer == FALLBACK_RENDERER
        assert turn.reply.notice == NOTICE_UNAVAILABLE
    # the session lives on: the next turn is rendered by the model again
    fake.state.script.clear()
    after = await play(session, "Thanks, Dennis. I'm raising the refund for the duplicate now.", customer)
    assert after.reply.renderer == "llm:fake-model"
    assert [t.role for t in session.history[-4:]] == ["agent", "customer", "agent", "customer"]


async def test_reply_deadline_cuts_a_trickling_stream(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.state.default = Behaviour(text="one two three four five six", delay_s=0.05)
    turn = await play(new_session(), AGENT, renderer(provider, reply_deadline_s=0.1))
    assert turn.reply.renderer == FALLBACK_RENDERER
    assert any("too_slow" in e for e in turn.reply.events)


async def test_first_token_is_released_at_once(fake: FakeOpenAI, provider: OpenAICompatProvider) -> None:
    fake.state.enqueue(Behaviour(text="I want my money back today."))
    turn = await play(new_session(), AGENT, renderer(provider))
    assert turn.deltas[0].text == "I"  # not held for the next token, though "I am an AI" starts so
    assert turn.reply.text == "I want my money back today."


def test_the_prompt_uses_the_sessions_own_persona_not_the_library() -> None:
    """An old session keeps its stored persona after a content reload: the request carries it."""
    request = request_for("Hello, how can I help?")
    stored = request.persona.model_copy(update={"background": "Runs a lighthouse on a small island."})
    # chat_request builds the prompt only; no request is sent, so the address is never dialled.
    provider = OpenAICompatProvider(fast_config("http://127.0.0.1:9/v1"))
    chat = renderer(provider).chat_request(request.model_copy(update={"persona": stored}))
    system = chat.messages[0].content
    assert "Runs a lighthouse on a small island." in system
    assert request.persona.background not in system
