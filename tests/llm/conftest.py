"""Fixtures: one fake OpenAI-compatible server per test session, reset before each test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest

from simcoach.providers.openai_compat import OpenAICompatProvider, ProviderConfig

from .fake_openai import FakeOpenAI


@pytest.fixture(autouse=True)
def _no_llm_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their own endpoint; a developer's SIMCOACH_LLM_* must not leak in."""
    for name in list(os.environ):
        if name.startswith("SIMCOACH_LLM_") or name == "SIMCOACH_SCORER_BACKEND":
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeOpenAI]:
    """The fake server, started once."""
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture
def fake(fake_server: FakeOpenAI) -> FakeOpenAI:
    """The fake server with an empty script and fresh counters."""
    fake_server.state.reset()
    return fake_server


def fast_config(base_url: str, **overrides: float | int) -> ProviderConfig:
    """Provider settings with short timeouts and backoffs so fault tests run in milliseconds."""
    values: dict[str, float | int] = {
        "timeout_s": 2.0,
        "first_token_timeout_s": 0.5,
        "max_concurrency": 16,
        "max_retries": 2,
        "backoff_base_s": 0.01,
        "backoff_max_s": 0.05,
        "retry_after_cap_s": 0.2,
        "retry_budget_s": 10.0,
    }
    values.update(overrides)
    return ProviderConfig(
        base_url=base_url,
        api_key="test-key",
        timeout_s=float(values["timeout_s"]),
        first_token_timeout_s=float(values["first_token_timeout_s"]),
        max_concurrency=int(values["max_concurrency"]),
        max_retries=int(values["max_retries"]),
        backoff_base_s=float(values["backoff_base_s"]),
        backoff_max_s=float(values["backoff_max_s"]),
        retry_after_cap_s=float(values["retry_after_cap_s"]),
        retry_budget_s=float(values["retry_budget_s"]),
    )


@pytest.fixture
async def provider(fake: FakeOpenAI) -> AsyncIterator[OpenAICompatProvider]:
    """A real provider (real openai client) against the fake server."""
    made = OpenAICompatProvider(fast_config(fake.base_url))
    yield made
    await made.aclose()
