"""Load personas, scenarios and rubrics from YAML, reporting every error with file, line and field."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from simcoach.content.checks import CHECKS, Problem
from simcoach.content.errors import ContentError, ContentInvalid, display_path
from simcoach.content.library import ContentLibrary, Versioned, content_version
from simcoach.content.messages import clean_loc, describe, fields_at, format_loc, suggest
from simcoach.content.persona import Persona
from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Scenario
from simcoach.kit.yamlmarks import MarkedDocument, PathKey, YamlSyntaxError, parse_marked, tab_indents

Kind = Literal["persona", "scenario", "rubric"]
KIND_FOLDERS: dict[str, Kind] = {"personas": "persona", "scenarios": "scenario", "rubrics": "rubric"}
MODELS: dict[Kind, type[BaseModel]] = {"persona": Persona, "scenario": Scenario, "rubric": Rubric}
YAML_SUFFIXES = (".yaml", ".yml")
_ID_LINE = re.compile(r"^id:\s*['\"]?([A-Za-z0-9_-]+)", re.MULTILINE)

FileResult = tuple[Versioned[BaseModel] | None, MarkedDocument | None, list[ContentError]]


def _error(file: str, line: int, column: int, field: str, message: str, hint: str = "") -> ContentError:
    return ContentError(file=file, line=line, column=column, field=field, message=message, hint=hint)


def _validation_errors(
    exc: ValidationError, model: type[BaseModel], doc: MarkedDocument, file: str, covered: list[Problem]
) -> list[ContentError]:
    raw = exc.errors()
    # "patiance" for "patience" shows up as an unknown key *and* a missing field; say it once
    typo_fixes: set[PathKey] = set()
    for err in raw:
        if err["type"] == "extra_forbidden":
            loc = clean_loc(err["loc"])
            close = suggest(str(loc[-1]), fields_at(model, loc[:-1]))
            if close:
                typo_fixes.add((*loc[:-1], close))
    errors: list[ContentError] = []
    for err in raw:
        loc = clean_loc(err["loc"])
        if err["type"] == "missing" and loc in typo_fixes:
            continue
        if err["type"] == "value_error" and any(p.path[: len(loc)] == loc for p in covered):
            continue  # the same rule, reported with a precise position by content.checks
        if any(p.path == loc for p in covered):
            continue  # content.checks said something more specific about this very value
        message, hint = describe(err, model)
        if err["type"] == "extra_forbidden" or "[key]" in err["loc"]:
            mark = doc.mark_for(loc, key=True)
        elif err["type"] == "missing":
            mark = doc.mark_for(loc[:-1])
        else:
            mark = doc.mark_for(loc)
        errors.append(_error(file, mark.line, mark.column, format_loc(loc), message, hint))
    return errors


def kind_of(path: Path) -> Kind | None:
    """The content kind a file holds, from the folder it sits in."""
    return KIND_FOLDERS.get(path.parent.name)


def _syntax_errors(text: str, file: str) -> tuple[MarkedDocument | None, list[ContentError]]:
    """Parse the text, reporting every tab-indented line and the first YAML error."""
    errors = [
        _error(
            file,
            tab.mark.line,
            tab.mark.column,
            tab.field,
            "indented with a tab",
            "YAML indentation must use spaces, not tabs: replace the tab with spaces",
        )
        for tab in tab_indents(text)
    ]
    try:
        return parse_marked(text), errors
    except YamlSyntaxError as exc:
        if not any(e.line == exc.mark.line for e in errors):
            errors.append(
                _error(
                    file, exc.mark.line, exc.mark.column, exc.field, f"YAML syntax: {exc.message}", exc.hint
                )
            )
        return None, errors


def parse_file(path: Path, kind: Kind, root: Path | None = None) -> FileResult:
    """Parse and validate one file; never raises for bad content, returns its errors instead."""
    file = display_path(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, None, [_error(file, 1, 1, "", f"cannot read the file: {exc}", "save it as UTF-8 text")]
    doc, errors = _syntax_errors(text, file)
    if doc is None or errors:
        return None, doc, errors
    if doc.data is None:
        return (
            None,
            doc,
            [_error(file, 1, 1, "", "the file is empty", f"write a {kind} (see docs/authoring.md)")],
        )
    if not isinstance(doc.data, dict):
        shape = "a list" if isinstance(doc.data, list) else "a single value"
        return (
            None,
            doc,
            [
                _error(
                    file,
                    1,
                    1,
                    "",
                    f"a {kind} file must be a mapping of 'key: value' lines, not {shape}",
                    "start the file with 'id: …' at the left margin, no '- ' (see docs/authoring.md)",
                )
            ],
        )
    problems = CHECKS[kind](doc.data)
    for problem in problems:
        mark = doc.mark_for(problem.path, key=problem.key)
        errors.append(
            _error(file, mark.line, mark.column, format_loc(problem.path), problem.message, problem.hint)
        )
    model = MODELS[kind]
    try:
        item = model.model_validate(doc.data)
    except ValidationError as exc:
        errors.extend(_validation_errors(exc, model, doc, file, problems))
    if errors:
        errors.sort(key=lambda e: (e.line, e.column))
        return None, doc, errors
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


def _guess_id(path: Path, doc: MarkedDocument | None) -> str:
    """The id a file that failed to load meant to declare, so others' references to it stay quiet."""
    if doc is not None and isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
        return str(doc.data["id"])
    try:
        found = _ID_LINE.search(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        found = None
    return found.group(1) if found else path.stem


def check_library(
    paths: Sequence[Path], root: Path | None = None
) -> tuple[ContentLibrary, list[ContentError]]:
    """Load what is valid and collect every error across all files (nothing raised for bad content)."""
    errors: list[ContentError] = []
    buckets: dict[Kind, dict[str, Versioned[Any]]] = {"persona": {}, "scenario": {}, "rubric": {}}
    broken: dict[Kind, set[str]] = {"persona": set(), "scenario": set(), "rubric": set()}
    docs: dict[Path, MarkedDocument] = {}
    files = discover(paths)
    if not files:
        shown = ", ".join(str(p) for p in paths)
        hint = "point at a folder with personas/, scenarios/ and rubrics/ inside"
        return ContentLibrary(), [_error(shown, 1, 1, "", "no content files found", hint)]
    for path, kind in files:
        file = display_path(path, root)
        if kind is None:
            hint = "put it in a folder named personas/, scenarios/ or rubrics/"
            errors.append(
                _error(file, 1, 1, "", "cannot tell whether this is a persona, scenario or rubric", hint)
            )
            continue
        loaded, doc, file_errors = parse_file(path, kind, root)
        errors.extend(file_errors)
        if loaded is None or doc is None:
            broken[kind].update({_guess_id(path, doc), path.stem})
            continue
        docs[path] = doc
        item_id = str(getattr(loaded.item, "id"))  # noqa: B009 - every content model has an id
        existing = buckets[kind].get(item_id)
        if existing is not None:
            mark = doc.mark_for(("id",))
            where = display_path(existing.source, root)
            errors.append(
                _error(
                    file,
                    mark.line,
                    mark.column,
                    "id",
                    f"duplicate {kind} id '{item_id}'",
                    f"already used by {where}; rename one",
                )
            )
            continue
        buckets[kind][item_id] = loaded
    errors.extend(_cross_reference_errors(buckets, broken, docs, root))
    library = ContentLibrary(
        personas=buckets["persona"], scenarios=buckets["scenario"], rubrics=buckets["rubric"]
    )
    return library, errors


def load_library(paths: Sequence[Path], root: Path | None = None) -> ContentLibrary:
    """Load and cross-check content from roots, kind folders or files; raise every error at once."""
    library, errors = check_library(paths, root)
    if errors:
        raise ContentInvalid(errors)
    return library


def _cross_reference_errors(
    buckets: dict[Kind, dict[str, Versioned[Any]]],
    broken: dict[Kind, set[str]],
    docs: dict[Path, MarkedDocument],
    root: Path | None,
) -> list[ContentError]:
    errors: list[ContentError] = []
    refs: tuple[tuple[str, Kind], ...] = (("persona", "persona"), ("rubric", "rubric"))
    for scenario_id in sorted(buckets["scenario"]):
        versioned = buckets["scenario"][scenario_id]
        scenario: Scenario = versioned.item
        doc = docs[versioned.source]
        for field, kind in refs:
            ref = str(getattr(scenario, field))
            if ref in buckets[kind] or ref in broken[kind]:
                continue  # a broken target already has its own errors; don't pile on
            known = sorted(buckets[kind])
            close = suggest(ref, known)
            mark = doc.mark_for((field,))
            folder = f"{kind}s/"
            hint = f"did you mean '{close}'?" if close else f"ids in {folder}: {', '.join(known) or '(none)'}"
            errors.append(
                _error(
                    display_path(versioned.source, root),
                    mark.line,
                    mark.column,
                    field,
                    f"no {kind} with id '{ref}'",
                    hint,
                )
            )
    return errors


def load_library_or_raise(root: Path) -> ContentLibrary:
    """Load the content root the service and CLI use by default."""
    return load_library([root], root=root)


__all__ = [
    "ContentInvalid",
    "check_library",
    "discover",
    "format_loc",
    "kind_of",
    "load_library",
    "load_library_or_raise",
    "parse_file",
]
