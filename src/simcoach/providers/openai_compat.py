"""The OpenAI-compatible provider: the official async openai client, our retries, a per-process cap."""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, cast

import openai
from openai.types.chat import ChatCompletionChunk, ChatCompletionMessageParam
from pydantic import ValidationError

from simcoach.providers.base import ChatChunk, ChatRequest, ChatResult, EventSink, Usage
from simcoach.providers.errors import (
    ConnectionFailed,
    PermanentError,
    ProviderError,
    ProviderTimeout,
    RateLimited,
    ServerError,
    StreamBroken,
)
from simcoach.providers.retry import Backoff, call_with_retries, parse_retry_after
from simcoach.settings import Settings

# Local servers (vLLM, Ollama, llama.cpp) accept any key; the openai client insists on one.
PLACEHOLDER_KEY = "not-needed"


@dataclass(frozen=True)
class ProviderConfig:
    """Where and how to call the model server."""

    base_url: str | None
    api_key: str | None
    timeout_s: float = 30.0
    first_token_timeout_s: float = 10.0
    max_concurrency: int = 16
    max_retries: int = 3
    backoff_base_s: float = 0.5
    backoff_max_s: float = 8.0
    retry_after_cap_s: float = 20.0
    retry_budget_s: float | None = None
    """No retry starts later than this after the first attempt; None = the request timeout."""

    @classmethod
    def from_settings(cls, settings: Settings) -> ProviderConfig:
        """Read the ``SIMCOACH_LLM_*`` settings."""
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key is not None else None
        return cls(
            base_url=settings.llm_base_url,
            api_key=key,
            timeout_s=settings.llm_timeout_s,
            first_token_timeout_s=settings.llm_first_token_timeout_s,
            max_concurrency=settings.llm_max_concurrency,
            max_retries=settings.llm_max_retries,
        )

    def cache_key(self) -> tuple[object, ...]:
        """Identity of the endpoint and its limits, to share one provider (one cap) per process."""
        return (self.base_url, self.api_key, self.timeout_s, self.first_token_timeout_s, self.max_concurrency)


@dataclass
class _LoopState:
    """Per-event-loop client and cap: asyncio primitives and HTTP pools are bound to one loop."""

    client: openai.AsyncOpenAI
    cap: asyncio.Semaphore
    in_flight: int = 0
    queued: int = 0
    peak_in_flight: int = 0


@dataclass
class _OpenStream:
    """A stream whose first content has arrived, holding a cap slot until closed."""

    stream: openai.AsyncStream[ChatCompletionChunk]
    iterator: AsyncIterator[ChatCompletionChunk]
    buffered: list[ChatChunk] = field(default_factory=list)
    finished: bool = False


class OpenAICompatProvider:
    """Chat completions (streaming and not) against any OpenAI-compatible server."""

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config
        self.name = f"openai-compat:{config.base_url or 'api.openai.com'}"
        self._backoff = Backoff(
            base_s=config.backoff_base_s,
            max_s=config.backoff_max_s,
            retry_after_cap_s=config.retry_after_cap_s,
        )
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState] = (
            weakref.WeakKeyDictionary()
        )

    def _state(self) -> _LoopState:
        loop = asyncio.get_running_loop()
        state = self._loops.get(loop)
        if state is None:
            client = openai.AsyncOpenAI(
                base_url=self.config.base_url,
                api_key=self.config.api_key or PLACEHOLDER_KEY,
                timeout=self.config.timeout_s,
                max_retries=0,  # our own policy below: Retry-After honoured, events recorded
            )
            state = _LoopState(client=client, cap=asyncio.Semaphore(self.config.max_concurrency))
            self._loops[loop] = state
        return state

    @property
    def in_flight(self) -> int:
        """Requests open right now on this loop (for metrics and tests)."""
        return self._state().in_flight

    @property
    def queued(self) -> int:
        """Calls waiting for a slot under the cap on this loop."""
        return self._state().queued

    async def aclose(self) -> None:
        """Close this loop's HTTP client."""
        state = self._loops.pop(asyncio.get_running_loop(), None)
        if state is not None:
            await state.client.close()

    async def _acquire(self, state: _LoopState) -> None:
        state.queued += 1
        try:
            await state.cap.acquire()
        finally:
            state.queued -= 1
        state.in_flight += 1
        state.peak_in_flight = max(state.peak_in_flight, state.in_flight)

    def _release(self, state: _LoopState) -> None:
        state.in_flight -= 1
        state.cap.release()

    def _params(self, request: ChatRequest) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": request.model,
            "messages": cast(list[ChatCompletionMessageParam], [m.model_dump() for m in request.messages]),
            "temperature": request.temperature,
        }
        if request.max_tokens is not None:
            params["max_tokens"] = request.max_tokens
        if request.response_format is not None:
            fmt = request.response_format
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": fmt.name, "schema": fmt.json_schema, "strict": fmt.strict},
            }
        return params

    async def stream(
        self, request: ChatRequest, on_event: EventSink | None = None
    ) -> AsyncGenerator[ChatChunk, None]:
        """Yield the reply as it arrives; failures before the first token are retried with backoff."""
        state = self._state()
        opened = await call_with_retries(
            lambda: self._open(request, state),
            max_retries=self.config.max_retries,
            backoff=self._backoff,
            on_event=on_event,
            budget_s=self.config.retry_budget_s or self.config.timeout_s,
        )
        try:
            for chunk in opened.buffered:
                yield chunk
            finished = opened.finished
            while True:
                try:
                    raw = await anext(opened.iterator)
                except StopAsyncIteration:
                    break
                except Exception as exc:
                    raise translate(exc) from exc
                chunk = to_chunk(raw)
                finished = finished or chunk.finish_reason is not None
                yield chunk
            if not finished:
                raise StreamBroken("stream ended without a finish reason (cut off)")
        finally:
            with suppress(Exception):
                await opened.stream.close()
            self._release(state)

    async def _open(self, request: ChatRequest, state: _LoopState) -> _OpenStream:
        """Send the request and wait for the first content under the first-token timeout."""
        await self._acquire(state)
        stream: openai.AsyncStream[ChatCompletionChunk] | None = None
        try:
            async with asyncio.timeout(self.config.first_token_timeout_s):
                stream = await state.client.chat.completions.create(
                    **self._params(request), stream=True, stream_options={"include_usage": True}
                )
                opened = _OpenStream(stream=stream, iterator=aiter(stream))
                while True:
                    try:
                        raw = await anext(opened.iterator)
                    except StopAsyncIteration:
                        raise StreamBroken("stream ended before any content (cut off)") from None
                    chunk = to_chunk(raw)
                    opened.buffered.append(chunk)
                    opened.finished = opened.finished or chunk.finish_reason is not None
                    if chunk.text or opened.finished:
                        break
                return opened
        except BaseException as exc:
            if stream is not None:
                with suppress(Exception):
                    await stream.close()
            self._release(state)
            if isinstance(exc, TimeoutError):
                raise ProviderTimeout(
                    f"no first token within {self.config.first_token_timeout_s:g}s"
                ) from exc
            if isinstance(exc, Exception):
                raise translate(exc) from exc
            raise

    async def complete(self, request: ChatRequest, on_event: EventSink | None = None) -> ChatResult:
        """Return the whole reply; transient failures are retried with backoff."""
        state = self._state()
        return await call_with_retries(
            lambda: self._complete_once(request, state),
            max_retries=self.config.max_retries,
            backoff=self._backoff,
            on_event=on_event,
            budget_s=self.config.retry_budget_s or self.config.timeout_s,
        )

    async def _complete_once(self, request: ChatRequest, state: _LoopState) -> ChatResult:
        await self._acquire(state)
        try:
            async with asyncio.timeout(self.config.timeout_s):
                response = await state.client.chat.completions.create(**self._params(request))
        except TimeoutError as exc:
            raise ProviderTimeout(f"no reply within {self.config.timeout_s:g}s") from exc
        except Exception as exc:
            raise translate(exc) from exc
        finally:
            self._release(state)
        if not response.choices:
            raise StreamBroken("reply had no choices")
        choice = response.choices[0]
        usage = Usage()
        if response.usage is not None:
            usage = Usage(
                prompt_tokens=response.usage.prompt_tokens, completion_tokens=response.usage.completion_tokens
            )
        return ChatResult(text=choice.message.content or "", usage=usage, finish_reason=choice.finish_reason)


def to_chunk(raw: ChatCompletionChunk) -> ChatChunk:
    """Our chunk from the SDK's: the text delta, a finish reason, usage when reported."""
    text = ""
    finish: str | None = None
    if raw.choices:
        choice = raw.choices[0]
        text = choice.delta.content or "" if choice.delta is not None else ""
        finish = choice.finish_reason
    usage = None
    if raw.usage is not None:
        usage = Usage(prompt_tokens=raw.usage.prompt_tokens, completion_tokens=raw.usage.completion_tokens)
    return ChatChunk(text=text, usage=usage, finish_reason=finish)


def translate(exc: Exception) -> ProviderError:
    """Sort an SDK or decoding exception into a retryable or permanent provider error."""
    if isinstance(exc, ProviderError):
        return exc
    if isinstance(exc, openai.APIStatusError):
        headers = dict(exc.response.headers.items())
        retry_after = parse_retry_after(headers)
        status = exc.status_code
        detail = f"HTTP {status}"
        if status == 429:
            return RateLimited(detail, retry_after_s=retry_after)
        if status >= 500 or status == 408:
            return ServerError(detail, retry_after_s=retry_after)
        return PermanentError(f"{detail}: {exc.message}")
    if isinstance(exc, openai.APITimeoutError):
        return ProviderTimeout("request timed out")
    if isinstance(exc, openai.APIConnectionError):
        return ConnectionFailed(f"connection failed: {exc.__cause__ or exc}")
    if isinstance(exc, json.JSONDecodeError | ValidationError | openai.APIError | UnicodeDecodeError):
        return StreamBroken(f"malformed stream: {type(exc).__name__}")
    return StreamBroken(f"unexpected {type(exc).__name__}: {exc}")
