"""CLI commands for scoring: ``score-turns`` (QA batch), ``score-transcript`` and ``eval``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table

from simcoach.cli.common import settings_from
from simcoach.content.loader import parse_file
from simcoach.content.rubric import Rubric
from simcoach.scoring.backend import BACKENDS, TurnScorer, resolve_backend
from simcoach.scoring.evaluate import BadLine, parse_item
from simcoach.scoring.models import TurnAssessment

ContentOption = Annotated[
    Path | None,
    typer.Option(
        "--content", help="Folder holding rubrics/ (default: the content_dir setting, i.e. the cwd)."
    ),
]
RubricOption = Annotated[str, typer.Option("--rubric", help="Id of the rubric in rubrics/ to score against.")]
BackendOption = Annotated[
    str,
    typer.Option("--backend", help=f"Scorer backend: {', '.join(BACKENDS)} (llm/hybrid need an endpoint)."),
]
ProgressOption = Annotated[
    bool,
    typer.Option("--progress/--no-progress", help="Show a progress bar (on stderr, when it is a terminal)."),
]
_err = Console(stderr=True, soft_wrap=True, highlight=False)  # soft wrap: one message, one line


def load_rubric(content: Path | None, rubric_id: str) -> tuple[Rubric, str]:
    """The rubric with this id from <content>/rubrics/, and its version; exits 2 with the errors if not."""
    root = content if content is not None else settings_from(None).content_dir
    folder = root / "rubrics"
    if not folder.is_dir():
        _err.print(f"[red]error:[/] no rubrics/ folder in {root} (use --content DIR)")
        raise typer.Exit(2)
    known: list[str] = []
    for path in sorted(folder.glob("*.y*ml")):
        loaded, _, errors = parse_file(path, "rubric", root)
        if loaded is None:
            if path.stem == rubric_id:
                for error in errors:
                    _err.print(str(error), markup=False)
                raise typer.Exit(2)
            continue
        rubric = loaded.item
        assert isinstance(rubric, Rubric)
        known.append(rubric.id)
        if rubric.id == rubric_id:
            return rubric, rubric.version
    _err.print(f"[red]error:[/] no rubric '{rubric_id}' in {folder}; known: {', '.join(known) or 'none'}")
    raise typer.Exit(2)


def backend_or_exit(name: str) -> TurnScorer:
    """The scorer for ``--backend``, resolved in one place so new backends plug in there."""
    try:
        return resolve_backend(name)
    except ValueError as exc:
        _err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None


@contextmanager
def byte_progress(path: Path, label: str, enabled: bool) -> Iterator[Callable[[int], None]]:
    """A progress bar over the bytes of a file (streams need no line count up front)."""
    if not enabled or not _err.is_terminal:
        yield lambda _n: None
        return
    columns = (TextColumn(label), BarColumn(), TaskProgressColumn(), TimeRemainingColumn())
    with Progress(*columns, console=_err, transient=True) as progress:
        task = progress.add_task(label, total=max(1, path.stat().st_size))
        yield lambda n: progress.update(task, completed=n)


def turn_record(item_id: str, result: TurnAssessment) -> dict[str, Any]:
    """The score-turns output line for one turn."""
    return {
        "id": item_id,
        "scores": {
            cid: {
                "level": s.level,
                "max": s.max_level,
                "applicable": s.applicable,
                "confidence": s.confidence,
                "evidence": [e.model_dump(mode="json", exclude_none=True) for e in s.evidence],
                "feedback": s.feedback.render(),
            }
            for cid, s in result.scores.items()
        },
    }


async def _score_stream(
    src: TextIO, out: TextIO, scorer: TurnScorer, rubric: Rubric, version: str, tick: Callable[[int], None]
) -> tuple[int, list[BadLine]]:
    done = 0
    bad: list[BadLine] = []
    read = 0
    for n, raw in enumerate(src, 1):
        read += len(raw.encode("utf-8"))
        if not raw.strip():
            continue
        try:
            item = parse_item(raw, n)
        except BadLine as exc:
            bad.append(exc)
            where = escape(f"{getattr(src, 'name', 'input')}:{exc}")
            _err.print(f"[yellow]{where}[/] — skipped")
            continue
        result = await scorer.assess(
            rubric=rubric, rubric_version=version, context=item.context, text=item.text
        )
        out.write(json.dumps(turn_record(item.id, result), ensure_ascii=False) + "\n")
        done += 1
        if done % 256 == 0:
            tick(read)
    tick(read)
    return done, bad


def score_turns(
    input_path: Annotated[Path, typer.Argument(help="JSONL: {id, context: [{role, text}…], text} per line.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write one JSON result per line.")],
    rubric_id: RubricOption = "empathy-core",
    content: ContentOption = None,
    backend: BackendOption = "offline",
    progress: ProgressOption = True,
) -> None:
    """Score every agent turn of a JSONL file (QA mode), streaming; bad lines are reported and skipped."""
    if not input_path.is_file():
        _err.print(f"[red]error:[/] {input_path}: no such file")
        raise typer.Exit(2)
    rubric, version = load_rubric(content, rubric_id)
    scorer = backend_or_exit(backend)
    with (
        input_path.open(encoding="utf-8") as src,
        out.open("w", encoding="utf-8") as dst,
        byte_progress(input_path, "scoring", progress) as tick,
    ):
        done, bad = asyncio.run(_score_stream(src, dst, scorer, rubric, version, tick))
    _err.print(f"scored {done} turn(s) with {scorer.name} against {rubric.id} {version} → {out}")
    if bad:
        _err.print(f"[yellow]{len(bad)} malformed line(s) skipped[/] (first: line {bad[0].line})")
        raise typer.Exit(1)


def score_transcript(
    file: Annotated[Path, typer.Argument(help="A chat export: JSON (list of messages) or CSV (role,text).")],
    rubric_id: RubricOption = "empathy-core",
    content: ContentOption = None,
    backend: BackendOption = "offline",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Score every agent turn of a whole conversation and print the session scorecard."""
    from simcoach.scoring.transcript import TranscriptError, read_transcript, score_conversation

    try:
        turns = read_transcript(file)
    except TranscriptError as exc:
        _err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    rubric, version = load_rubric(content, rubric_id)
    scorer = backend_or_exit(backend)
    scored, card = asyncio.run(score_conversation(scorer, rubric, version, turns))
    if as_json:
        payload = {
            "turns": [{"index": i, **turn_record(str(i), a)} for i, a in scored],
            "scorecard": card.model_dump(mode="json"),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console = Console()
    table = Table(title=f"{file.name}: {len(scored)} agent turn(s), {rubric.title}")
    table.add_column("turn", justify="right")  # agent turns, numbered as the improvements name them
    table.add_column("agent turn", overflow="fold", max_width=60)
    for c in rubric.criteria:
        table.add_column(c.id, justify="center")
    for n, (_, a) in enumerate(scored, 1):
        cells = [f"{s.level}/{s.max_level}" if s.applicable else "n/a" for s in a.scores.values()]
        table.add_row(str(n), a.text, *cells)
    console.print(table)
    verdict = "[green]PASS[/]" if card.passed else "[red]FAIL[/]"
    console.print(f"Overall {card.overall_percent:.1f}% (pass mark {card.pass_mark:.0f}%): {verdict}")
    for hit in card.critical_failures:
        console.print(f"[red]critical:[/] {hit.description}", highlight=False)
    for s in card.strengths:
        console.print(f"[green]strength:[/] {s}", highlight=False)
    for n, imp in enumerate(card.improvements, 1):
        console.print(f"{n}. {imp.message}\n   Try: “{imp.better_line}”", highlight=False)


def eval_cmd(
    data: Annotated[Path, typer.Argument(help="JSONL with {id, context, text, labels: {criterion: level}}.")],
    rubric_id: RubricOption = "empathy-core",
    content: ContentOption = None,
    backend: BackendOption = "offline",
    progress: ProgressOption = True,
) -> None:
    """Agreement with human labels (P, R, F1, κ) beside a trivial baseline, and firing rate per label."""
    from simcoach.scoring.evaluate import evaluate, render_markdown

    if not data.is_file():
        _err.print(f"[red]error:[/] {data}: no such file")
        raise typer.Exit(2)
    rubric, _ = load_rubric(content, rubric_id)
    scorer_name, summary = "offline", ""
    with byte_progress(data, "evaluating", progress) as tick:
        sizes = _line_offsets(data)
        if backend == "offline":
            report = evaluate(data, rubric, progress=lambda n: tick(sizes(n)))
        else:
            # llm/hybrid are async (a model call per turn) and resolve through the LLM factory,
            # which falls back to the offline scorer when no endpoint is configured (see docs/llm.md).
            from simcoach.llm.evaluate import backend_summary, evaluate_with

            scorer = backend_or_exit(backend)
            scorer_name = scorer.name
            report = asyncio.run(evaluate_with(scorer, data, rubric, progress=lambda n: tick(sizes(n))))
            summary = backend_summary(scorer)
    typer.echo(
        f"{data.name}: {report.items} turn(s), rubric {rubric.id} {rubric.version}, scorer {scorer_name}\n"
    )
    typer.echo(render_markdown(report))
    if summary:
        typer.echo(summary)
    for bad in report.bad_lines[:20]:
        _err.print(f"[yellow]{escape(f'{data}:{bad}')}[/] — skipped")
    if report.bad_lines:
        _err.print(f"[yellow]{len(report.bad_lines)} malformed line(s) skipped[/]")


def _line_offsets(path: Path) -> Callable[[int], int]:
    """Approximate bytes read after n items (for the progress bar) from the mean line length."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        sample = handle.read(1 << 16)
    lines = max(1, sample.count(b"\n"))
    mean = len(sample) / lines
    return lambda n: min(size, int(n * mean))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("score-turns")(score_turns)
    app.command("score-transcript")(score_transcript)
    app.command("eval")(eval_cmd)


__all__ = ["load_rubric", "register", "turn_record"]
