"""CLI commands for authored content: ``validate``, ``schema`` and ``content list``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from simcoach.cli.common import settings_from
from simcoach.content.errors import ContentError, display_path
from simcoach.content.library import ContentLibrary, Versioned
from simcoach.content.loader import KIND_FOLDERS, check_library, kind_of
from simcoach.content.schemas import SCHEMA_FILES, render_schemas

ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="A KEY=value file of SIMCOACH_* settings.", exists=True)
]
PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(help="Content roots, personas/ scenarios/ rubrics/ folders or single files."),
]


def _context_root(path: Path) -> Path:
    """The content root a path belongs to, so a single scenario still resolves its persona and rubric."""
    resolved = path.resolve()
    if resolved.is_file() and kind_of(resolved) is not None:
        return resolved.parent.parent
    if resolved.name in KIND_FOLDERS:
        return resolved.parent
    return resolved


def _within(target: Path, wanted: list[Path]) -> bool:
    return any(target == w or w in target.parents for w in wanted)


def check_paths(paths: list[Path], cwd: Path) -> tuple[ContentLibrary, list[ContentError]]:
    """Validate ``paths`` in the context of their content roots; report only the asked-for files."""
    missing = [
        ContentError(
            file=str(p), line=1, column=1, field="", message="no such file or folder", hint="check the path"
        )
        for p in paths
        if not p.exists()
    ]
    present = [p for p in paths if p.exists()]
    if not present:
        return ContentLibrary(), missing
    roots = sorted({_context_root(p) for p in present})
    library, errors = check_library(roots, root=cwd)
    wanted = [p.resolve() for p in present]
    errors = [e for e in errors if _within((cwd / e.file).resolve(), wanted) or not Path(e.file).suffix]
    scoped = ContentLibrary(
        personas={k: v for k, v in library.personas.items() if _within(v.source.resolve(), wanted)},
        scenarios={k: v for k, v in library.scenarios.items() if _within(v.source.resolve(), wanted)},
        rubrics={k: v for k, v in library.rubrics.items() if _within(v.source.resolve(), wanted)},
    )
    return scoped, missing + errors


def _items(library: ContentLibrary, cwd: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    tables: tuple[tuple[str, Mapping[str, Versioned[Any]]], ...] = (
        ("persona", library.personas),
        ("scenario", library.scenarios),
        ("rubric", library.rubrics),
    )
    for kind, table in tables:
        for item_id, versioned in sorted(table.items()):
            file = display_path(versioned.source, cwd)
            rows.append({"kind": kind, "id": item_id, "version": versioned.version, "file": file})
    return rows


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _checked(
    paths: list[Path] | None, config: Path | None
) -> tuple[ContentLibrary, list[ContentError], list[dict[str, str]]]:
    """Check the given paths (default: the content folder); the valid library, its errors, its rows."""
    cwd = Path.cwd()
    targets = list(paths) if paths else [settings_from(config).content_dir]
    library, errors = check_paths(targets, cwd)
    return library, errors, _items(library, cwd)


def _counts(library: ContentLibrary) -> dict[str, int]:
    return {
        "personas": len(library.personas),
        "scenarios": len(library.scenarios),
        "rubrics": len(library.rubrics),
    }


def validate(
    paths: PathsArgument = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")] = False,
    config: ConfigOption = None,
) -> None:
    """Check personas, scenarios and rubrics; list every error with file:line:col, exit 1 if any."""
    library, errors, items = _checked(paths, config)
    if as_json:
        payload: dict[str, Any] = {
            "ok": not errors,
            "counts": _counts(library),
            "items": items,
            "errors": [e.model_dump() for e in errors],
        }
        typer.echo(json.dumps(payload, indent=2))
        raise typer.Exit(1 if errors else 0)
    for error in errors:
        typer.echo(str(error))
    if errors:
        files = len({e.file for e in errors})
        typer.echo(f"\n{_plural(len(errors), 'error')} in {_plural(files, 'file')}; fix them and run again.")
        raise typer.Exit(1)
    counts = _counts(library)
    versions = ", ".join(f"{row['id']}@{row['version'][:8]}" for row in items)
    summary = ", ".join(_plural(n, k.removesuffix("s")) for k, n in counts.items())
    typer.echo(f"OK: {summary} valid ({versions})")


def schema(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the *.schema.json files into.")] = Path(
        "schemas"
    ),
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the files in --out are out of date.")
    ] = False,
) -> None:
    """Write JSON Schemas for persona, scenario and rubric files (for editor autocompletion)."""
    rendered = render_schemas()
    stale = [name for name, text in rendered.items() if _read(out / name) != text]
    if check:
        for name in stale:
            typer.echo(f"{out / name} is out of date; run 'simcoach schema --out {out}'")
        raise typer.Exit(1 if stale else 0)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in rendered.items():
        (out / name).write_text(text, encoding="utf-8")
    typer.echo(f"wrote {', '.join(str(out / name) for name in SCHEMA_FILES.values())}")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


content_app = typer.Typer(help="Browse authored content.", no_args_is_help=True)


@content_app.command("list")
def list_content(
    paths: PathsArgument = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    config: ConfigOption = None,
) -> None:
    """List the valid personas, scenarios and rubrics with their content versions."""
    _, errors, items = _checked(paths, config)
    if as_json:
        typer.echo(json.dumps(items, indent=2))
    else:
        for row in items:
            typer.echo(f"{row['kind']:<9} {row['id']:<32} {row['version']}  {row['file']}")
    if errors:
        typer.echo(f"({_plural(len(errors), 'error')} hidden; run 'simcoach validate')", err=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("validate")(validate)
    app.command("schema")(schema)
    app.add_typer(content_app, name="content")
