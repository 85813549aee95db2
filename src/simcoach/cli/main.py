"""Entry point: assembles the sub-commands each feature contributes."""

from __future__ import annotations

import typer

from simcoach.cli import content_cmds, play_cmd, scoring_cmds, serve_cmds

app = typer.Typer(
    name="simcoach",
    help="Practise hard customer conversations; score every agent turn for empathy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
content_cmds.register(app)
scoring_cmds.register(app)
play_cmd.register(app)
serve_cmds.register(app)


def main() -> None:
    """Run the CLI."""
    app()
