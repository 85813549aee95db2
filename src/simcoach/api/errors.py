"""JSON errors with a stable code, a message and the field at fault, for every failure (never a bare 5xx)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from simcoach.practice.errors import PracticeError

log = logging.getLogger("simcoach.api")


class ErrorBody(BaseModel):
    """The error itself."""

    code: str
    message: str
    field: str | None = None


class ErrorResponse(BaseModel):
    """Every non-2xx response body."""

    error: ErrorBody


def error_response(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    """A JSON error response."""
    body = ErrorResponse(error=ErrorBody(code=code, message=message, field=field))
    return JSONResponse(status_code=status, content=body.model_dump())


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
}


def field_of(loc: Sequence[str | int]) -> str | None:
    """A request-validation location as a dotted field path without the 'body'/'query' prefix."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or None


async def _practice_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PracticeError)
    return error_response(exc.status, exc.code, exc.message, exc.field)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    if first.get("type") == "json_invalid":
        # The location is ('body', character offset): name the body and say where the JSON breaks.
        at = first["loc"][-1] if first["loc"] else "?"
        ctx = first.get("ctx")
        reason = ctx.get("error", "invalid JSON") if isinstance(ctx, dict) else "invalid JSON"
        return error_response(
            422, "invalid_json", f"the request body is not valid JSON ({reason} at character {at})", "body"
        )
    message = "; ".join(f"{field_of(e['loc']) or 'body'}: {e['msg']}" for e in errors[:5])
    return error_response(422, "invalid_request", message or str(first["msg"]), field_of(first["loc"]))


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail))


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    # Last resort: log the bug, but keep the JSON shape so clients never parse an HTML 500.
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal_error", "unexpected server error; it has been logged")


def register_handlers(app: FastAPI) -> None:
    """Install the JSON error handlers."""
    app.add_exception_handler(PracticeError, _practice_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
