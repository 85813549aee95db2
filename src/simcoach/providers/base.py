"""The one interface every model call goes through: chat requests in, chunks or a result out."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field


class ChatMessage(BaseModel):
    """One message of a chat prompt."""

    model_config = ConfigDict(frozen=True)

    role: Literal["system", "user", "assistant"]
    content: str


class JsonSchemaFormat(BaseModel):
    """Ask for structured output that follows a JSON schema (OpenAI ``response_format``)."""

    name: str = Field(pattern=r"^[a-zA-Z0-9_-]{1,64}$")
    json_schema: dict[str, Any]
    strict: bool = True


class ChatRequest(BaseModel):
    """A chat completion request, independent of any vendor SDK."""

    model: str
    messages: list[ChatMessage]
    temperature: float = Field(default=0.8, ge=0.0, le=2.0)
    max_tokens: int | None = Field(default=None, ge=1)
    response_format: JsonSchemaFormat | None = None


class Usage(BaseModel):
    """Tokens a call consumed, as the server reported them."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class ChatChunk(BaseModel):
    """A piece of a streamed reply; the last chunks may carry only usage or a finish reason."""

    text: str = ""
    usage: Usage | None = None
    finish_reason: str | None = None


class ChatResult(BaseModel):
    """A whole (non-streamed) reply."""

    text: str
    usage: Usage = Field(default_factory=Usage)
    finish_reason: str | None = None


EventSink = Callable[[str], None]
"""Receives fault events (retries, waits) in plain words, to store with the turn."""


class ChatProvider(Protocol):
    """A chat model endpoint: streaming and non-streaming, with its own retry policy and cap."""

    name: str

    def stream(
        self, request: ChatRequest, on_event: EventSink | None = None
    ) -> AsyncGenerator[ChatChunk, None]:
        """Yield the reply as it arrives; transient failures before the first token are retried."""
        ...

    async def complete(self, request: ChatRequest, on_event: EventSink | None = None) -> ChatResult:
        """Return the whole reply; transient failures are retried."""
        ...
