"""Domain errors with a stable code, an HTTP status and the field at fault; the API and websocket map them."""

from __future__ import annotations


class PracticeError(Exception):
    """Base: a client-facing error with a stable ``code``."""

    code = "bad_request"
    status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class NotFound(PracticeError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    code = "not_found"
    status = 404


class Unauthorized(PracticeError):
    """No credential, or an unknown one."""

    code = "unauthorized"
    status = 401


class Forbidden(PracticeError):
    """The credential is valid but may not do this."""

    code = "forbidden"
    status = 403


class Conflict(PracticeError):
    """The request clashes with the session's current state."""

    code = "conflict"
    status = 409


class InvalidInput(PracticeError):
    """A value is well-formed but not acceptable (unknown scenario, level out of range …)."""

    code = "invalid_input"
    status = 422


class ContentUnavailable(PracticeError):
    """The content a request needs is not loaded."""

    code = "content_unavailable"
    status = 503
