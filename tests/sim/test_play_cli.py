"""`simcoach play SCENARIO --script FILE`: JSON events, one per line, for trainers and tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simcoach.cli.main import app

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("SIMCOACH_LLM_API_KEY", "SIMCOACH_LLM_BASE_URL", "SIMCOACH_CONFIG"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SIMCOACH_SCORER_BACKEND", "offline")


def _run(args: list[str]) -> list[dict[str, object]]:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_script_prints_json_events(tmp_path: Path) -> None:
    script = tmp_path / "agent.txt"
    script.write_text(
        "# a trainer's check of the scenario\n"
        "That sounds really frustrating. Which card or account did the payments come from?\n"
        "\n"
        "I'm going to take ownership of this myself. Here's what I'll do: refund the duplicate today.\n",
        encoding="utf-8",
    )
    events = _run(["play", "billing-double-charge", "--script", str(script), "--content", str(REPO)])
    header = events[0]
    assert header["type"] == "session"
    assert header["renderer"] == "scripted"
    assert str(header["scorer"]).startswith("offline")
    assert header["opening"]
    types = [e["type"] for e in events[1:]]
    assert types[:2] == ["assessment", "state"]
    assert types.count("assessment") == 2
    assert types.count("reply") == 2
    assert types[-2] == "outcome"
    assert types[-1] == "scorecard"
    assert isinstance(events[-1]["overall_percent"], float)
    replies = [e for e in events if e["type"] == "reply"]
    assert "4417" in str(replies[0]["text"])  # the card was asked about, so it is said


def test_script_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    script = tmp_path / "agent.txt"
    script.write_text("You need to calm down.\nIt's policy.\n", encoding="utf-8")
    args = ["play", "delivery-lost-parcel", "--script", str(script), "--content", str(REPO), "--seed", "5"]
    assert _run(args) == _run(args)


def test_unknown_scenario_exits_2(tmp_path: Path) -> None:
    script = tmp_path / "agent.txt"
    script.write_text("hello\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["play", "no-such", "--script", str(script), "--content", str(REPO)])
    assert result.exit_code == 2
    assert "billing-double-charge" in result.output


def test_interactive_coach_mode_shows_scores_and_state() -> None:
    result = CliRunner().invoke(
        app,
        ["play", "billing-double-charge", "--content", str(REPO), "--seed", "1"],
        input="That sounds really frustrating. Which card did the payments come from?\n/end\n",
    )
    assert result.exit_code == 0, result.output
    assert "customer: scripted" in result.output
    assert "scorer: offline" in result.output
    assert "anger" in result.output
    assert "Turn 1" in result.output
    assert "Ended" in result.output
    assert "Scorecard" in result.output
