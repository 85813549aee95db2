"""Helpers the CLI commands share: settings and content loading with readable errors."""

from __future__ import annotations

from pathlib import Path

import typer
from pydantic import ValidationError

from simcoach.content.errors import ContentInvalid
from simcoach.content.library import ContentLibrary
from simcoach.content.loader import load_library
from simcoach.settings import ConfigFileError, Settings, get_settings


def settings_from(config: Path | None) -> Settings:
    """Settings from the environment over an optional config file; exit 2 with a message if invalid."""
    try:
        return get_settings(config)
    except ConfigFileError as exc:
        typer.echo(f"simcoach: {exc}", err=True)
        raise typer.Exit(2) from None
    except ValidationError as exc:
        for error in exc.errors():
            name = "SIMCOACH_" + "_".join(str(p) for p in error["loc"]).upper()
            typer.echo(f"simcoach: setting {name}: {error['msg']} (got {error.get('input')!r})", err=True)
        raise typer.Exit(2) from None


def load_content_or_exit(root: Path) -> ContentLibrary:
    """Load the content library, printing every error and exiting 2 if it is invalid."""
    try:
        return load_library([root], root=root)
    except ContentInvalid as exc:
        for error in exc.errors:
            typer.echo(str(error), err=True)
        typer.echo(f"{len(exc.errors)} content error(s); run 'simcoach validate'.", err=True)
        raise typer.Exit(2) from None
