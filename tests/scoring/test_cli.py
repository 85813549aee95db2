"""The scoring CLI: score-turns streams and reports bad lines, score-transcript reads exports, eval prints."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator
from pathlib import Path

from typer.testing import CliRunner

from simcoach.cli.main import app
from simcoach.cli.scoring_cmds import _score_stream
from simcoach.content.rubric import Rubric
from simcoach.scoring.offline import OfflineScorer

from .conftest import ROOT

runner = CliRunner()
GOOD = {
    "id": "t1",
    "context": [{"role": "customer", "text": "My parcel never arrived and it was a birthday present."}],
    "text": "I'm sorry the present hasn't arrived. I'm sending a replacement today.",
}


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_score_turns_writes_one_result_per_line_and_reports_bad_lines(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "in.jsonl",
        [
            json.dumps(GOOD),
            '{"id": "broken"',
            json.dumps({"id": "no-text", "context": []}),
            json.dumps({**GOOD, "id": "t2", "context": [{"role": "boss", "text": "hi"}]}),
            "",
            json.dumps({**GOOD, "id": "t3"}),
        ],
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app, ["score-turns", str(src), "--out", str(out), "--content", str(ROOT), "--no-progress"]
    )
    assert result.exit_code == 1, result.output
    for line_no in (2, 3, 4):
        assert f"line {line_no}:" in result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["t1", "t3"]
    scores = rows[0]["scores"]
    assert list(scores) == ["probing", "mirroring", "deescalation"]
    for s in scores.values():
        assert set(s) == {"level", "max", "applicable", "confidence", "evidence", "feedback"}
        assert "Try:" in s["feedback"]
    assert scores["deescalation"]["level"] >= 2
    for e in scores["deescalation"]["evidence"]:
        assert GOOD["text"][e["start"] : e["end"]] == e["text"]


def test_score_turns_clean_input_exits_zero_and_unknown_rubric_exits_two(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.jsonl", [json.dumps(GOOD)])
    out = tmp_path / "out.jsonl"
    ok = runner.invoke(
        app, ["score-turns", str(src), "--out", str(out), "--content", str(ROOT), "--no-progress"]
    )
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(
        app, ["score-turns", str(src), "--out", str(out), "--content", str(ROOT), "--rubric", "nope"]
    )
    assert bad.exit_code == 2
    assert "empathy-core" in bad.output


def test_score_turns_streams_one_line_at_a_time(core: Rubric) -> None:
    """Each result is written before the next input line is read, so memory stays flat on huge files."""
    out = io.StringIO()

    def source() -> Iterator[str]:
        for i in range(50):
            assert out.getvalue().count("\n") == i  # everything read so far is already written
            yield json.dumps({**GOOD, "id": f"t{i}"}) + "\n"

    done, bad = asyncio.run(_score_stream(source(), out, OfflineScorer(), core, "1.0", lambda _n: None))  # type: ignore[arg-type]
    assert (done, bad) == (50, [])


def test_score_transcript_reads_json_and_csv(tmp_path: Path) -> None:
    messages = [
        {"role": "customer", "text": "You charged me twice and I'm overdrawn!"},
        {"role": "agent", "text": "So you were charged twice and it's left you overdrawn. That's worrying."},
        {"role": "customer", "text": "Yes. When do I get it back?"},
        {"role": "agent", "text": "I'm refunding the duplicate now; it will be back within 24 hours."},
    ]
    as_json = tmp_path / "chat.json"
    as_json.write_text(json.dumps({"messages": messages}), encoding="utf-8")
    got = runner.invoke(app, ["score-transcript", str(as_json), "--content", str(ROOT), "--json"])
    assert got.exit_code == 0, got.output
    payload = json.loads(got.output)
    assert [t["index"] for t in payload["turns"]] == [1, 3]
    assert payload["scorecard"]["rubric_id"] == "empathy-core"
    as_csv = tmp_path / "chat.csv"
    rows = ["speaker,message"] + [f'{m["role"]},"{m["text"]}"' for m in messages]
    as_csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    table = runner.invoke(app, ["score-transcript", str(as_csv), "--content", str(ROOT)])
    assert table.exit_code == 0, table.output
    assert "Overall" in table.output
    broken = tmp_path / "bad.json"
    broken.write_text('[{"role": "robot", "text": "hi"}]', encoding="utf-8")
    err = runner.invoke(app, ["score-transcript", str(broken), "--content", str(ROOT)])
    assert err.exit_code == 2
    assert "unknown role" in err.output


def test_eval_prints_scorer_and_baseline(tmp_path: Path) -> None:
    data = ROOT / "tests" / "data" / "contact_center_turns.jsonl"
    got = runner.invoke(app, ["eval", str(data), "--content", str(ROOT), "--no-progress"])
    assert got.exit_code == 0, got.output
    assert "contains '?'" in got.output
    assert "| probing |" in got.output
    assert "| deescalation |" in got.output
    assert "weighted κ" in got.output
