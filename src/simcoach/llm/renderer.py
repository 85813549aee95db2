"""The LLM customer: the engine decides state, intent and allowed facts; the model only writes the words.

Each reply streams through the guard before any piece is released. A reply that fails the guard, or a
stream that breaks part-way, is regenerated once (after a Restart if pieces went out); if that fails too,
or the provider is unavailable after its retries, the scripted line is spoken with a visible notice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from dataclasses import dataclass

from simcoach.llm import prompts
from simcoach.llm.guardrails import ReplyGuard, Violation, build_guard
from simcoach.providers.base import ChatProvider, ChatRequest
from simcoach.providers.errors import ProviderError, TransientError
from simcoach.sim.models import RenderReport, RenderRequest, Restart

log = logging.getLogger(__name__)

FALLBACK_RENDERER = "scripted (fallback)"
NOTICE_UNAVAILABLE = (
    "The live customer model was unavailable, so the scripted customer spoke this turn; "
    "the conversation carries on."
)
NOTICE_GUARD = "The live customer's reply failed a safety check, so the scripted customer spoke this turn."


@dataclass(frozen=True)
class _Attempt:
    """How one generation ended: text on success, else why it failed."""

    text: str | None
    released: bool
    violation: Violation | None = None
    fault: ProviderError | None = None


class LLMRenderer:
    """Renders the customer's reply with a chat model, guarded, with the scripted line as the net."""

    def __init__(
        self,
        provider: ChatProvider,
        *,
        model: str,
        temperature: float = 0.8,
        reply_deadline_s: float = 60.0,
    ) -> None:
        self.provider = provider
        self.model = model
        self.temperature = temperature
        self.name = f"llm:{model}"
        self.reply_deadline_s = reply_deadline_s
        # One generation plus one regeneration (provider retries for 429/5xx happen inside each).
        self.generations = 2

    def guard_for(self, request: RenderRequest) -> ReplyGuard:
        """The guard for this reply."""
        return reply_guard(request)

    def chat_request(self, request: RenderRequest) -> ChatRequest:
        """The chat request for this reply (only allowed facts are in it)."""
        return ChatRequest(
            model=self.model,
            messages=prompts.customer_messages(request),
            temperature=self.temperature,
            max_tokens=prompts.max_tokens_for(request.persona),
        )

    async def render(self, request: RenderRequest, report: RenderReport) -> AsyncIterator[str | Restart]:
        """Yield the guarded reply piece by piece; Restart and regenerate once; else the scripted line."""
        report.renderer = self.name
        chat = self.chat_request(request)
        guard = self.guard_for(request)
        last = _Attempt(text=None, released=False)
        for generation in range(1, self.generations + 1):
            async with aclosing(self._generate(chat, guard, report)) as gen:
                async for item in gen:
                    if isinstance(item, _Attempt):
                        last = item
                    else:
                        yield item
            if last.text is not None:
                return
            why = last.violation.event() if last.violation else f"fault:{_kind(last.fault)}"
            report.events.append(f"{why} (generation {generation})")
            log.warning("customer reply rejected on turn %s: %s", request.turn, why)
            if last.released:
                yield Restart(reason=why)
            if last.fault is not None and not isinstance(last.fault, TransientError):
                break  # retries exhausted or a permanent error: a regeneration would only wait again
        report.renderer = FALLBACK_RENDERER
        report.notice = NOTICE_GUARD if last.violation else NOTICE_UNAVAILABLE
        report.events.append("fallback:scripted")
        yield request.scripted_line

    async def _generate(
        self, chat: ChatRequest, guard: ReplyGuard, report: RenderReport
    ) -> AsyncGenerator[str | _Attempt, None]:
        """One generation: yield the pieces the guard releases, then how it ended (an _Attempt)."""
        text = ""
        released = 0
        started = time.monotonic()
        try:
            async with aclosing(self.provider.stream(chat, report.events.append)) as stream:
                async for chunk in stream:
                    if chunk.usage is not None:
                        report.prompt_tokens += chunk.usage.prompt_tokens
                        report.completion_tokens += chunk.usage.completion_tokens
                    if not chunk.text:
                        continue
                    text += chunk.text
                    verdict = guard.scan(text)
                    if verdict.violation is not None:
                        yield _Attempt(None, released > 0, violation=verdict.violation)
                        return
                    if verdict.safe_len > released:
                        piece = text[released : verdict.safe_len]
                        released = verdict.safe_len
                        yield piece
                    if time.monotonic() - started > self.reply_deadline_s:
                        raise _TooSlow(f"reply not finished within {self.reply_deadline_s:g}s")
        except ProviderError as exc:
            yield _Attempt(None, released > 0, fault=exc)
            return
        verdict = guard.scan(text, final=True)
        if verdict.violation is not None:
            yield _Attempt(None, released > 0, violation=verdict.violation)
            return
        if len(text) > released:
            yield text[released:]
        yield _Attempt(text=text, released=True)


def reply_guard(request: RenderRequest) -> ReplyGuard:
    """The guard for one reply: persona ceiling, facts still hidden, the customer's own name exempt."""
    return build_guard(
        hostility=request.persona.hostility_ceiling,
        hidden_values=prompts.hidden_values(request),
        allowed_text=prompts.allowed_text(request),
        exempt_words=[request.customer_name],
    )


class _TooSlow(TransientError):
    """The reply kept streaming past the deadline."""

    kind = "too_slow"


def _kind(fault: ProviderError | None) -> str:
    if fault is None:
        return "unknown"
    from simcoach.providers.errors import RetriesExhausted

    if isinstance(fault, RetriesExhausted):
        return f"{fault.last.kind} after {fault.attempts} attempt(s)"
    return fault.kind
