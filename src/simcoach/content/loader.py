"""Load personas, scenarios and rubrics from YAML, reporting every error with file, line and field."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from simcoach.content.errors import ContentError, ContentInvalid, display_path
from simcoach.content.library import ContentLibrary, Versioned, content_version
from simcoach.content.persona import Persona
from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Scenario
from simcoach.kit.yamlmarks import MarkedDocument, PathKey, YamlSyntaxError, parse_marked

Kind = Literal["persona", "scenario", "rubric"]
KIND_FOLDERS: dict[str, Kind] = {"personas": "persona", "scenarios": "scenario", "rubrics": "rubric"}
MODELS: dict[Kind, type[BaseModel]] = {"persona": Persona, "scenario": Scenario, "rubric": Rubric}
YAML_SUFFIXES = (".yaml", ".yml")


def format_loc(loc: Sequence[str | int]) -> str:
    """Render a pydantic location as a field path: ``facts[2].reveal``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation holds directly or inside list/dict/Optional, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _fields_at(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The allowed keys of the mapping at ``loc`` inside ``model`` (empty if unknown)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return []
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = _model_in(info.annotation)
    return list(current.model_fields) if current is not None else []


def _describe(error: ErrorDetails, model: type[BaseModel]) -> tuple[str, str]:
    """A plain message and a fix for one pydantic error."""
    loc = [p for p in error["loc"] if not isinstance(p, str) or not p.startswith("function-")]
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        if close:
            return f"unknown key '{key}'", f"did you mean '{close[0]}'?"
        return f"unknown key '{key}'", f"allowed keys here: {', '.join(allowed)}"
    if kind == "missing":
        return f"missing required field '{loc[-1]}'", f"add '{loc[-1]}:' (see docs/authoring.md)"
    got = error.get("input")
    shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
    if kind in {"too_short"}:
        return error["msg"], "add more items (see the minimum in docs/authoring.md)"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, "), "fix the values named above"
    if kind == "string_pattern_mismatch":
        return f"{error['msg']} (got {shown})", "use the format shown in docs/authoring.md"
    return f"{error['msg']} (got {shown})", "change the value to the expected type or range"


def _validation_errors(
    exc: ValidationError, model: type[BaseModel], doc: MarkedDocument, file: str
) -> list[ContentError]:
    errors: list[ContentError] = []
    for err in exc.errors():
        loc: PathKey = tuple(p for p in err["loc"] if not isinstance(p, str) or not p.startswith("function-"))
        message, hint = _describe(err, model)
        if err["type"] == "extra_forbidden":
            mark = doc.mark_for(loc, key=True)
        elif err["type"] == "missing":
            mark = doc.mark_for(loc[:-1])
        else:
            mark = doc.mark_for(loc)
        errors.append(
            ContentError(
                file=file,
                line=mark.line,
                column=mark.column,
                field=format_loc(loc),
                message=message,
                hint=hint,
            )
        )
    return errors


def kind_of(path: Path) -> Kind | None:
    """The content kind a file holds, from the folder it sits in."""
    return KIND_FOLDERS.get(path.parent.name)


def parse_file(
    path: Path, kind: Kind, root: Path | None = None
) -> tuple[Versioned[BaseModel] | None, MarkedDocument | None, list[ContentError]]:
    """Parse and validate one file; never raises for bad content, returns its errors instead."""
    file = display_path(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, None, [ContentError(file=file, line=1, column=1, field="", message=str(exc))]
    try:
        doc = parse_marked(text)
    except YamlSyntaxError as exc:
        return (
            None,
            None,
            [
                ContentError(
                    file=file,
                    line=exc.mark.line,
                    column=exc.mark.column,
                    field="",
                    message=f"YAML syntax: {exc.message}",
                    hint=exc.hint,
                )
            ],
        )
    if not isinstance(doc.data, dict):
        return (
            None,
            doc,
            [
                ContentError(
                    file=file,
                    line=1,
                    column=1,
                    field="",
                    message=f"a {kind} file must be a mapping of keys to values",
                    hint="start the file with 'id: …' (see docs/authoring.md)",
                )
            ],
        )
    model = MODELS[kind]
    try:
        item = model.model_validate(doc.data)
    except ValidationError as exc:
        return None, doc, _validation_errors(exc, model, doc, file)
    return Versioned(item=item, version=content_version(item), source=path), doc, []


def discover(paths: Iterable[Path]) -> list[tuple[Path, Kind | None]]:
    """Expand content roots and kind folders into (file, kind) pairs, sorted for stable output."""
    found: list[tuple[Path, Kind | None]] = []
    for path in paths:
        if path.is_file():
            found.append((path, kind_of(path)))
            continue
        if path.name in KIND_FOLDERS:
            folders = [path]
        else:
            folders = [path / name for name in KIND_FOLDERS if (path / name).is_dir()]
        for folder in folders:
            for file in sorted(folder.iterdir()):
                if file.suffix in YAML_SUFFIXES:
                    found.append((file, KIND_FOLDERS[folder.name]))
    return found


def load_library(paths: Sequence[Path], root: Path | None = None) -> ContentLibrary:
    """Load and cross-check content from roots, kind folders or files; raise every error at once."""
    errors: list[ContentError] = []
    buckets: dict[Kind, dict[str, Versioned[Any]]] = {"persona": {}, "scenario": {}, "rubric": {}}
    docs: dict[Path, MarkedDocument] = {}
    files = discover(paths)
    if not files:
        shown = ", ".join(str(p) for p in paths)
        raise ContentInvalid(
            [
                ContentError(
                    file=shown,
                    line=1,
                    column=1,
                    field="",
                    message="no content files found",
                    hint="point at a folder with personas/, scenarios/ and rubrics/ inside",
                )
            ]
        )
    for path, kind in files:
        file = display_path(path, root)
        if kind is None:
            errors.append(
                ContentError(
                    file=file,
                    line=1,
                    column=1,
                    field="",
                    message="cannot tell whether this is a persona, scenario or rubric",
                    hint="put it in a folder named personas/, scenarios/ or rubrics/",
                )
            )
            continue
        loaded, doc, file_errors = parse_file(path, kind, root)
        errors.extend(file_errors)
        if loaded is None or doc is None:
            continue
        docs[path] = doc
        item_id = str(getattr(loaded.item, "id"))  # noqa: B009 - every content model has an id
        existing = buckets[kind].get(item_id)
        if existing is not None:
            mark = doc.mark_for(("id",))
            errors.append(
                ContentError(
                    file=file,
                    line=mark.line,
                    column=mark.column,
                    field="id",
                    message=f"duplicate {kind} id '{item_id}'",
                    hint=f"already used by {display_path(existing.source, root)}; rename one",
                )
            )
            continue
        buckets[kind][item_id] = loaded
    errors.extend(_cross_reference_errors(buckets, docs, root))
    if errors:
        raise ContentInvalid(errors)
    return ContentLibrary(
        personas=buckets["persona"], scenarios=buckets["scenario"], rubrics=buckets["rubric"]
    )


def _cross_reference_errors(
    buckets: dict[Kind, dict[str, Versioned[Any]]],
    docs: dict[Path, MarkedDocument],
    root: Path | None,
) -> list[ContentError]:
    errors: list[ContentError] = []
    for scenario_id in sorted(buckets["scenario"]):
        versioned = buckets["scenario"][scenario_id]
        scenario: Scenario = versioned.item
        doc = docs[versioned.source]
        for field, kind in (("persona", "persona"), ("rubric", "rubric")):
            ref = str(getattr(scenario, field))
            if ref in buckets[kind]:  # type: ignore[index]
                continue
            known = sorted(buckets[kind])  # type: ignore[index]
            close = difflib.get_close_matches(ref, known, n=1, cutoff=0.6)
            mark = doc.mark_for((field,))
            hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(known)}"
            errors.append(
                ContentError(
                    file=display_path(versioned.source, root),
                    line=mark.line,
                    column=mark.column,
                    field=field,
                    message=f"no {kind} with id '{ref}'",
                    hint=hint,
                )
            )
    return errors


def load_library_or_raise(root: Path) -> ContentLibrary:
    """Load the content root the service and CLI use by default."""
    return load_library([root], root=root)


__all__ = [
    "ContentInvalid",
    "discover",
    "format_loc",
    "kind_of",
    "load_library",
    "load_library_or_raise",
    "parse_file",
]
