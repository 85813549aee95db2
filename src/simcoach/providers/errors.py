"""Provider failures, sorted into what a retry may fix and what it will not."""

from __future__ import annotations


class ProviderError(Exception):
    """A model call failed; ``kind`` is a short slug stored in turn events."""

    kind = "error"

    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after_s = retry_after_s


class TransientError(ProviderError):
    """A failure a retry may fix: 429, 5xx, timeouts, broken connections."""

    kind = "transient"


class RateLimited(TransientError):
    """HTTP 429; ``retry_after_s`` carries the server's Retry-After when it sent one."""

    kind = "rate_limited"


class ServerError(TransientError):
    """HTTP 5xx."""

    kind = "server_error"


class ProviderTimeout(TransientError):
    """No first token, or no next chunk, in time."""

    kind = "timeout"


class ConnectionFailed(TransientError):
    """The connection failed or dropped."""

    kind = "connection"


class StreamBroken(TransientError):
    """The stream was malformed or ended without a finish reason (cut off)."""

    kind = "stream_broken"


class PermanentError(ProviderError):
    """A failure a retry will not fix: bad key, unknown model, bad request."""

    kind = "permanent"


class RetriesExhausted(ProviderError):
    """Every attempt failed; ``last`` is the final cause."""

    kind = "retries_exhausted"

    def __init__(self, message: str, *, last: ProviderError, attempts: int) -> None:
        super().__init__(message)
        self.last = last
        self.attempts = attempts
