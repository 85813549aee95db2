"""``simcoach play SCENARIO_ID``: practise in the terminal, or feed a script and print JSON events."""

from __future__ import annotations

import asyncio
import json
import secrets
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from simcoach.cli.common import load_content_or_exit, settings_from
from simcoach.content.library import ContentLibrary
from simcoach.settings import Settings
from simcoach.sim.engine import PracticeSession
from simcoach.sim.models import (
    CustomerState,
    EngineEvent,
    OutcomeReached,
    Renderer,
    ReplyComplete,
    ReplyDelta,
    StateChanged,
    TurnAssessed,
)
from simcoach.sim.rules import explain

if TYPE_CHECKING:
    from simcoach.scoring.backend import TurnScorer
    from simcoach.scoring.models import Scorecard

END_COMMANDS = {"/end", "/quit", "/bye"}


class Mode(StrEnum):
    """Coach mode shows scores and the customer's state after every turn; assessment mode does not."""

    coach = "coach"
    assessment = "assessment"


def _renderer(settings: Settings) -> Renderer | None:
    """The LLM customer if one is configured and available, else None (the scripted customer)."""
    try:
        from simcoach.llm.factory import renderer_from_settings
    except ImportError:
        return None
    return renderer_from_settings(settings)


def _scorer(settings: Settings) -> tuple[TurnScorer, str]:
    """The turn scorer from settings, and a name to show."""
    try:
        from simcoach.llm.factory import scorer_from_settings

        scorer: TurnScorer = scorer_from_settings(settings)
    except ImportError:
        from simcoach.scoring.offline import OfflineScorer

        scorer = OfflineScorer()
    name = getattr(scorer, "name", None) or type(scorer).__name__
    return scorer, str(name)


def start_session(
    library: ContentLibrary, scenario_id: str, seed: int, scorer: TurnScorer
) -> PracticeSession:
    """A session for a scenario of the library, with its persona and rubric."""
    try:
        scenario = library.scenarios[scenario_id]
    except KeyError:
        known = ", ".join(sorted(library.scenarios)) or "(none)"
        typer.echo(f"simcoach: no scenario '{scenario_id}'; known: {known}", err=True)
        raise typer.Exit(2) from None
    return PracticeSession.start(
        scenario=scenario,
        persona=library.personas[scenario.item.persona],
        rubric=library.rubrics[scenario.item.rubric],
        seed=seed,
        scorer=scorer,
    )


async def _run_script(
    session: PracticeSession, lines: list[str], renderer: Renderer | None, header: dict[str, object]
) -> None:
    """Feed each script line as an agent turn; print every event as one JSON object per line."""
    typer.echo(json.dumps(header, ensure_ascii=False))
    for line in lines:
        if session.finished:
            break
        async for event in session.submit(line, renderer):
            typer.echo(event.model_dump_json())
    if not session.finished:
        typer.echo(session.end("the script ended").model_dump_json())
    card = _scorecard(session)
    if card is not None:
        typer.echo(json.dumps({"type": "scorecard", **card.model_dump(mode="json")}, ensure_ascii=False))


def _scorecard(session: PracticeSession) -> Scorecard | None:
    """The session's scorecard, if any turn was played."""
    if not session.assessments:
        return None
    from simcoach.scoring.scorecard import build_scorecard

    return build_scorecard(
        rubric=session.rubric,
        rubric_version=session.rubric_version,
        assessments=session.assessments,
        scenario=session.scenario,
    )


def _show_scorecard(console: Console, session: PracticeSession) -> None:
    card = _scorecard(session)
    if card is None:
        return
    verdict = "[green]passed[/]" if card.passed else "[red]not passed[/]"
    console.print(
        f"\n[bold]Scorecard[/]: {card.overall_percent:.0f}% (pass mark {card.pass_mark:.0f}%) {verdict}"
    )
    table = Table(show_header=True)
    table.add_column("criterion")
    table.add_column("score", justify="right")
    for c in card.criteria:
        table.add_row(c.name, "n/a" if c.percent is None else f"{c.percent:.0f}%")
    console.print(table)
    for hit in card.critical_failures:
        console.print(f"[red]critical:[/] {hit.description}")
    for tip in card.improvements:
        console.print(f"• {tip.message} Try: “{tip.better_line}”")


def _script_lines(path: Path) -> list[str]:
    """Agent lines of a script file: one per line, blank lines and '#' comments skipped."""
    raw = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in raw if ln.strip() and not ln.lstrip().startswith("#")]


def _bar(value: float, width: int = 20) -> str:
    filled = round(value * width)
    return "█" * filled + "·" * (width - filled)


def _state_table(before: CustomerState, after: CustomerState) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 1))
    for var in ("anger", "anxiety", "trust", "patience"):
        old, new = float(getattr(before, var)), float(getattr(after, var))
        delta = new - old
        sign = (
            f"[green]{delta:+.2f}[/]"
            if (delta < 0) == (var in ("anger", "anxiety"))
            else f"[red]{delta:+.2f}[/]"
        )
        table.add_row(var, _bar(new), f"{new:.2f}", sign if abs(delta) >= 0.005 else "")
    return table


def _show_coach(console: Console, assessed: TurnAssessed, changed: StateChanged) -> None:
    """Per-turn scores, the state and the biggest causes."""
    scores = Table(title=f"Turn {assessed.turn}", show_lines=False)
    scores.add_column("criterion")
    scores.add_column("level", justify="right")
    scores.add_column("feedback")
    for cid, score in assessed.assessment.scores.items():
        level = f"{score.level}/{score.max_level}" if score.applicable else "n/a"
        scores.add_row(cid, level, score.feedback.render() if score.applicable else "")
    console.print(scores)
    console.print(_state_table(changed.before, changed.after))
    causes = sorted(changed.changes, key=lambda c: -abs(c.delta))[:4]
    for change in causes:
        console.print(f"  [dim]{explain(changed.turn, change)}[/]")


async def _interactive(
    session: PracticeSession, renderer: Renderer | None, mode: Mode, console: Console
) -> None:
    """Read agent lines from the terminal until the session ends."""
    name = session.scenario.customer_name
    console.print(f"[bold]{session.scenario.title}[/]\n{session.scenario.briefing}\n")
    console.print("[dim]Type your reply; /end to end the chat.[/]\n")
    console.print(f"[bold cyan]{name}:[/] {session.opening_text}")
    if mode is Mode.coach:
        console.print(_state_table(session.state, session.state))
    while not session.finished:
        try:
            text = console.input("[bold green]you>[/] ").strip()
        except (EOFError, KeyboardInterrupt):
            text = "/end"
        if not text:
            continue
        if text in END_COMMANDS:
            ended = session.end()
            console.print(f"[bold]Ended:[/] {ended.outcome.reason}")
            break
        assessed: TurnAssessed | None = None
        speaking = False
        async for event in session.submit(text, renderer):
            if isinstance(event, ReplyDelta) and not speaking:
                console.print(f"[bold cyan]{name}:[/] ", end="")
                speaking = True
            _print_event(console, event)
            if isinstance(event, TurnAssessed):
                assessed = event
            elif isinstance(event, StateChanged) and assessed is not None and mode is Mode.coach:
                _show_coach(console, assessed, event)


def _print_event(console: Console, event: EngineEvent) -> None:
    if isinstance(event, ReplyDelta):
        if event.reset:
            console.print("\n[dim](restarted)[/] ", end="")
        console.print(event.text, end="", markup=False, highlight=False)
    elif isinstance(event, ReplyComplete):
        console.print()
        if event.notice:
            console.print(f"[yellow]{event.notice}[/]")
    elif isinstance(event, OutcomeReached):
        console.print(f"\n[bold]Outcome: {event.outcome.kind.value}[/] — {event.outcome.reason}")


def play(
    scenario_id: Annotated[str, typer.Argument(help="Id of a scenario in the content folder.")],
    seed: Annotated[
        int | None, typer.Option(help="Seed for the customer (default: 0 with --script, else random).")
    ] = None,
    mode: Annotated[
        Mode, typer.Option(help="coach: scores and state each turn; assessment: replies only.")
    ] = (Mode.coach),
    script: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Agent lines, one per line; prints JSON events."),
    ] = None,
    content: Annotated[
        Path | None, typer.Option(help="Folder with personas/, scenarios/ and rubrics/.")
    ] = None,
    config: Annotated[Path | None, typer.Option(help="A settings file.", exists=True)] = None,
) -> None:
    """Practise a scenario against the simulated customer in the terminal."""
    settings = settings_from(config)
    library = load_content_or_exit(content or settings.content_dir)
    scorer, scorer_name = _scorer(settings)
    renderer = _renderer(settings)
    renderer_name = getattr(renderer, "name", "scripted") if renderer is not None else "scripted"
    if seed is None:
        seed = 0 if script is not None else secrets.randbelow(2**31)
    session = start_session(library, scenario_id, seed, scorer)
    if script is not None:
        header: dict[str, object] = {
            "type": "session",
            "scenario": scenario_id,
            "seed": seed,
            "mode": mode.value,
            "renderer": renderer_name,
            "scorer": scorer_name,
            "opening": session.opening_text,
            "state": session.state.model_dump(),
        }
        asyncio.run(_run_script(session, _script_lines(script), renderer, header))
        return
    console = Console()
    console.print(
        f"[dim]customer: {renderer_name} · scorer: {scorer_name} · seed {seed} · {mode.value} mode[/]"
    )
    asyncio.run(_interactive(session, renderer, mode, console))
    _show_scorecard(console, session)


def register(app: typer.Typer) -> None:
    """Add ``play`` to the app."""
    app.command("play")(play)
