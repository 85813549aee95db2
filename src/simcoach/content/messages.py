"""Turn pydantic validation errors into plain messages a trainer can act on."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from simcoach.kit.yamlmarks import PathKey

DOCS = "docs/authoring.md"


def format_loc(loc: Sequence[str | int]) -> str:
    """Render a location as a field path: ``facts[2].reveal``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def clean_loc(loc: Sequence[str | int]) -> PathKey:
    """Drop pydantic's internal location parts (validator names, the ``[key]`` marker, ``<tag>``s of a
    union's members)."""
    return tuple(p for p in loc if not (isinstance(p, str) and p.startswith(("function-", "[key]", "<"))))


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation holds directly or inside list/dict/Optional, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def fields_at(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The allowed keys of the mapping at ``loc`` inside ``model`` (empty if unknown)."""
    current: type[BaseModel] | None = model
    keyed = False  # inside a dict field, whose string parts are its keys ("pushback", "calm")
    for part in loc:
        if current is None:
            return []
        if isinstance(part, int) or (keyed and part not in current.model_fields):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = _model_in(info.annotation)
        keyed = typing.get_origin(info.annotation) is dict
    return list(current.model_fields) if current is not None else []


def suggest(word: str, allowed: Sequence[str]) -> str | None:
    """The closest allowed spelling of ``word``, if one is close enough to be a typo."""
    close = difflib.get_close_matches(word, list(allowed), n=1, cutoff=0.6)
    return close[0] if close else None


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, date | datetime):
        return f"the date {value.isoformat()}"
    return repr(value)


def _allowed_values(error: ErrorDetails) -> list[str]:
    expected = str((error.get("ctx") or {}).get("expected", ""))
    return [part.strip(" '") for part in expected.replace(" or ", ", ").split(",") if part.strip(" '")]


_TYPE_HINTS = {
    "float_parsing": "write a number such as 0.5 (no quotes, no words)",
    "float_type": "write a number such as 0.5",
    "int_parsing": "write a whole number such as 3",
    "int_type": "write a whole number such as 3",
    "int_from_float": "write a whole number such as 3",
    "bool_parsing": "write true or false",
    "bool_type": "write true or false",
    "list_type": "write a list: one '- item' per line, or [a, b]",
    "dict_type": "write a mapping of 'key: value' lines indented under this key",
    "model_type": "write a mapping of 'key: value' lines indented under this key",
    "model_attributes_type": "write a mapping of 'key: value' lines indented under this key",
}

_EXPECTED = {
    "float_parsing": "a number",
    "float_type": "a number",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}

_RANGE_KINDS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def describe(error: ErrorDetails, model: type[BaseModel]) -> tuple[str, str]:
    """A plain message and a fix for one pydantic error."""
    loc = clean_loc(error["loc"])
    kind = error["type"]
    got = error.get("input")
    is_key = "[key]" in error["loc"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = fields_at(model, loc[:-1])
        close = suggest(key, allowed)
        if close:
            return f"unknown key '{key}'", f"did you mean '{close}'?"
        return f"unknown key '{key}'", f"allowed keys here: {', '.join(allowed)}"
    if kind == "missing":
        return f"missing required field '{loc[-1]}'", f"add '{loc[-1]}:' here (see {DOCS})"
    if kind == "enum":
        allowed = _allowed_values(error)
        what = "key" if is_key else "value"
        close = suggest(str(got), allowed)
        lead = f"did you mean '{close}'? " if close else ""
        return f"'{got}' is not an allowed {what} here", f"{lead}allowed: {', '.join(allowed)}"
    if kind == "too_short":
        ctx = error.get("ctx") or {}
        need, have = ctx.get("min_length", "?"), ctx.get("actual_length", 0)
        return f"needs at least {need} item(s), has {have}", f"add {need} or more entries (see {DOCS})"
    if kind == "string_too_short":
        return "must not be empty", "write some text here"
    if kind == "string_type":
        if got is None:
            return "is empty", f"write the text after '{loc[-1] if loc else 'the key'}:'"
        if not isinstance(got, dict | list):
            # YAML reads bare 1.0, true and 2024-05-01 as a number, a boolean and a date
            return f"must be text, got {_shown(got)}", f'put the value in quotes: "{got}"'
        return f"must be text, got {_shown(got)}", "write a single line of text"
    if kind == "string_pattern_mismatch":
        return _pattern_message(loc, got)
    if kind in _RANGE_KINDS:
        return f"{error['msg'].replace('Input should be', 'must be')} (got {_shown(got)})", (
            f"see the allowed range for '{loc[-1] if loc else 'this value'}' in {DOCS}"
        )
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, "), f"fix the values named above (see {DOCS})"
    hint = _TYPE_HINTS.get(kind, "change the value to the expected type or range")
    expected = _EXPECTED.get(kind)
    if expected:
        return f"must be {expected}, got {_shown(got)}", hint
    return f"{error['msg']} (got {_shown(got)})", hint


def _pattern_message(loc: PathKey, got: Any) -> tuple[str, str]:
    field = str(loc[-1]) if loc else ""
    shown = _shown(got)
    if field == "version":
        return f"version {shown} is not like '1.0' or '2.1.0'", 'write it in quotes, e.g. version: "1.0"'
    if field == "locale":
        return (
            f"locale {shown} is not like 'en' or 'en-GB'",
            "use a language code, optionally '-' and a region",
        )
    if field == "verbosity":
        return f"verbosity {shown} is not allowed", "allowed: terse, medium, verbose"
    slug = str(got).strip().lower().replace(" ", "-") if isinstance(got, str) else "my-id"
    return (
        f"{shown} is not a valid id",
        "ids are 2-64 lower-case letters, digits, '-' or '_', starting with a letter or digit, "
        f"e.g. '{slug}'",
    )
