"""Retry policy for model calls: transient failures back off, honouring the server's Retry-After."""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
)

from simcoach.providers.base import EventSink
from simcoach.providers.errors import ProviderError, RetriesExhausted, TransientError

T = TypeVar("T")
log = logging.getLogger(__name__)


def parse_retry_after(headers: dict[str, str] | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date)."""
    if not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    if "retry-after-ms" in lowered:
        try:
            return max(0.0, float(lowered["retry-after-ms"]) / 1000.0)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Backoff:
    """Exponential backoff with jitter; a server's Retry-After wins, capped so a turn stays live."""

    def __init__(self, *, base_s: float, max_s: float, retry_after_cap_s: float) -> None:
        self.base_s = base_s
        self.max_s = max_s
        self.retry_after_cap_s = retry_after_cap_s

    def __call__(self, state: RetryCallState) -> float:
        """Seconds to sleep before the next attempt."""
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, ProviderError) and exc.retry_after_s is not None:
            return float(min(exc.retry_after_s, self.retry_after_cap_s))
        exponential = self.base_s * 2.0 ** max(0, state.attempt_number - 1)
        # Jitter spreads 500 sessions retrying together across the window instead of a thundering herd.
        return min(self.max_s, random.uniform(0.5, 1.0) * exponential)


async def call_with_retries(
    attempt: Callable[[], Awaitable[T]],
    *,
    max_retries: int,
    backoff: Backoff,
    on_event: EventSink | None,
    budget_s: float | None = None,
) -> T:
    """Run ``attempt`` until it succeeds, retrying transient errors; raise RetriesExhausted at the end.

    With ``budget_s``, no retry starts after that many seconds from the first attempt: the trainee
    watching "typing" gets the scripted customer instead of an ever longer wait.
    """

    def _before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        if isinstance(exc, ProviderError):
            event = f"fault:{exc.kind} attempt {state.attempt_number}: {exc.message}; retry in {wait:.2f}s"
            log.warning("model call: %s", event)
            if on_event is not None:
                on_event(event)

    retrying = AsyncRetrying(
        stop=stop_after_attempt(max_retries + 1)
        if budget_s is None
        else stop_after_attempt(max_retries + 1) | stop_before_delay(budget_s),
        wait=backoff,
        retry=retry_if_exception_type(TransientError),
        before_sleep=_before_sleep,
        reraise=True,
    )
    attempts = 0
    try:
        async for trial in retrying:
            with trial:
                attempts += 1
                return await attempt()
    except TransientError as exc:
        event = f"fault:{exc.kind} attempt {attempts}: {exc.message}; giving up"
        log.warning("model call: %s", event)
        if on_event is not None:
            on_event(event)
        raise RetriesExhausted(
            f"model call failed after {attempts} attempt(s): {exc.message}", last=exc, attempts=attempts
        ) from exc
    raise AssertionError("unreachable: tenacity either returns or raises")  # pragma: no cover
