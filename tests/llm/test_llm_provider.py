"""The OpenAI-compatible provider against the fake server: streaming, usage, every fault class."""

from __future__ import annotations

import pytest

from simcoach.providers.base import ChatChunk, ChatMessage, ChatRequest
from simcoach.providers.errors import (
    ConnectionFailed,
    PermanentError,
    RetriesExhausted,
    StreamBroken,
    TransientError,
)
from simcoach.providers.openai_compat import OpenAICompatProvider
from simcoach.providers.retry import parse_retry_after

from .conftest import fast_config
from .fake_openai import Behaviour, FakeOpenAI

REQ = ChatRequest(model="fake-model", messages=[ChatMessage(role="user", content="hi")])


async def collect(provider: OpenAICompatProvider, events: list[str] | None = None) -> list[ChatChunk]:
    sink = events.append if events is not None else None
    return [c async for c in provider.stream(REQ, sink)]


async def test_streams_piece_by_piece_with_usage(fake: FakeOpenAI, provider: OpenAICompatProvider) -> None:
    fake.state.enqueue(Behaviour(text="My card was charged twice.", prompt_tokens=42))
    chunks = await collect(provider)
    texts = [c.text for c in chunks if c.text]
    assert texts == ["My", " card", " was", " charged", " twice."]
    usage = [c.usage for c in chunks if c.usage is not None]
    assert usage[0].prompt_tokens == 42
    assert usage[0].completion_tokens == 5
    assert fake.state.requests[0]["stream_options"] == {"include_usage": True}


async def test_complete_returns_text_and_usage(fake: FakeOpenAI, provider: OpenAICompatProvider) -> None:
    fake.state.enqueue(Behaviour(text='{"a": 1}', prompt_tokens=7, completion_tokens=3))
    result = await provider.complete(REQ)
    assert result.text == '{"a": 1}'
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (7, 3)


@pytest.mark.parametrize(
    "fault",
    [
        Behaviour(kind="status", status=429, retry_after="0.05"),
        Behaviour(kind="status", status=500),
        Behaviour(kind="status", status=503, retry_after="0"),
        Behaviour(kind="hang", first_delay_s=3.0),
        Behaviour(kind="slow_first", first_delay_s=3.0),
        Behaviour(kind="malformed", after_pieces=0),
        Behaviour(kind="cutoff", after_pieces=0),
    ],
    ids=["429", "500", "503", "hang", "slow-first-token", "malformed-first", "cutoff-first"],
)
async def test_faults_before_first_token_are_retried(
    fake: FakeOpenAI, provider: OpenAICompatProvider, fault: Behaviour
) -> None:
    fake.state.enqueue(fault, Behaviour(text="Fine then."))
    events: list[str] = []
    chunks = await collect(provider, events)
    assert "".join(c.text for c in chunks) == "Fine then."
    assert len(events) == 1
    assert events[0].startswith("fault:")


async def test_retry_after_is_honoured(fake: FakeOpenAI, provider: OpenAICompatProvider) -> None:
    fake.state.enqueue(Behaviour(kind="status", status=429, retry_after="0.15"), Behaviour(text="ok"))
    events: list[str] = []
    await collect(provider, events)
    assert "retry in 0.15s" in events[0]


async def test_gives_up_after_retries(fake: FakeOpenAI, provider: OpenAICompatProvider) -> None:
    fake.state.default = Behaviour(kind="status", status=500)
    events: list[str] = []
    with pytest.raises(RetriesExhausted) as info:
        await collect(provider, events)
    assert info.value.attempts == 3
    assert len(fake.state.requests) == 3
    assert events[-1].endswith("giving up")


async def test_permanent_errors_are_not_retried(fake: FakeOpenAI, provider: OpenAICompatProvider) -> None:
    fake.state.default = Behaviour(kind="status", status=401)
    with pytest.raises(PermanentError):
        await collect(provider)
    assert len(fake.state.requests) == 1


@pytest.mark.parametrize("kind", ["malformed", "cutoff", "abort"])
async def test_mid_stream_breaks_raise_after_pieces(
    fake: FakeOpenAI, provider: OpenAICompatProvider, kind: str
) -> None:
    fake.state.enqueue(
        Behaviour.model_validate({"kind": kind, "text": "one two three four", "after_pieces": 2})
    )
    got: list[str] = []

    async def consume() -> None:
        async for chunk in provider.stream(REQ):
            got.append(chunk.text)

    with pytest.raises(TransientError) as info:
        await consume()
    assert isinstance(info.value, StreamBroken | ConnectionFailed)
    assert got == ["one", " two"]
    assert provider.in_flight == 0


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after({"Retry-After": "2"}) == 2.0
    assert parse_retry_after({"retry-after-ms": "250"}) == 0.25
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None
    date = "Wed, 21 Oct 2015 07:28:00 GMT"
    from datetime import UTC, datetime

    assert parse_retry_after({"retry-after": date}, now=datetime(2015, 10, 21, 7, 27, 0, tzinfo=UTC)) == 60.0


async def test_retries_stop_at_the_budget(fake: FakeOpenAI) -> None:
    provider = OpenAICompatProvider(
        fast_config(fake.base_url, max_retries=50, retry_budget_s=0.3, retry_after_cap_s=0.1)
    )
    fake.state.default = Behaviour(kind="status", status=429, retry_after="0.1")
    try:
        with pytest.raises(RetriesExhausted) as info:
            await collect(provider)
    finally:
        await provider.aclose()
    assert 2 <= info.value.attempts <= 5
