"""``simcoach validate``, ``simcoach schema`` and ``simcoach content list`` as a trainer runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simcoach.cli.main import app
from simcoach.content.schemas import render_schemas

REPO_ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run each command from a scratch folder so relative paths and defaults are predictable."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SIMCOACH_CONTENT_DIR", raising=False)


def test_valid_content_prints_one_ok_line_with_counts_and_versions(content_root: Path) -> None:
    """Exit 0 and a one-line summary naming each item with its content version."""
    result = runner.invoke(app, ["validate", str(content_root)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("OK: 1 persona, 1 scenario, 1 rubric valid")
    assert "billing-irate@" in lines[0]


def test_default_path_is_the_content_dir_setting(content_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no PATH, the content folder comes from SIMCOACH_CONTENT_DIR (default: the current folder)."""
    monkeypatch.chdir(content_root)
    assert runner.invoke(app, ["validate"]).exit_code == 0
    monkeypatch.chdir(content_root.parent)
    monkeypatch.setenv("SIMCOACH_CONTENT_DIR", str(content_root))
    assert runner.invoke(app, ["validate"]).exit_code == 0


def test_errors_are_listed_with_a_summary_and_exit_1(
    content_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every error on its own file:line:col line, then a count; exit status 1."""
    monkeypatch.chdir(content_root)
    persona = Path("personas/billing-irate.yaml")
    persona.write_text(persona.read_text().replace("patience: 0.6", "patiance: 0.6"))
    rubric = Path("rubrics/empathy-core.yaml")
    rubric.write_text(rubric.read_text().replace("pass_mark: 60", "pass_mark: lots"))
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert (
        "personas/billing-irate.yaml:15:3: baseline.patiance: "
        "unknown key 'patiance' — did you mean 'patience'?" in result.output
    )
    assert "rubrics/empathy-core.yaml:5:12: pass_mark: must be a number, got 'lots'" in result.output
    assert result.output.rstrip().endswith("2 errors in 2 files; fix them and run again.")


def test_json_output(content_root: Path) -> None:
    """--json gives machine-readable errors with file, line, column, field, message and hint."""
    scenario = content_root / "scenarios" / "double-charge.yaml"
    scenario.write_text(scenario.read_text().replace("persona: billing-irate", "persona: nobody"))
    result = runner.invoke(app, ["validate", "--json", str(content_root)])
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["ok"] is False
    [error] = payload["errors"]
    assert error["field"] == "persona"
    assert error["line"] == 5
    assert error["file"].endswith("scenarios/double-charge.yaml")


def test_single_file_is_checked_against_its_content_root(content_root: Path) -> None:
    """Validating one scenario still resolves its persona and rubric from the folders beside it."""
    result = runner.invoke(app, ["validate", str(content_root / "scenarios" / "double-charge.yaml")])
    assert result.exit_code == 0, result.output


def test_schema_writes_three_files(tmp_path: Path) -> None:
    """`simcoach schema --out DIR` writes one JSON Schema per kind; `--check` then passes."""
    result = runner.invoke(app, ["schema", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["persona.schema.json", "rubric.schema.json", "scenario.schema.json"]
    persona = json.loads((tmp_path / "out" / "persona.schema.json").read_text())
    assert persona["additionalProperties"] is False
    assert "patience" in persona["$defs"]["EmotionalState"]["properties"]
    assert runner.invoke(app, ["schema", "--check", "--out", str(tmp_path / "out")]).exit_code == 0


def test_committed_schemas_are_up_to_date() -> None:
    """schemas/*.schema.json match the models; after a model change run `simcoach schema`."""
    for name, text in render_schemas().items():
        committed = REPO_ROOT / "schemas" / name
        assert committed.read_text(encoding="utf-8") == text, f"{committed} is stale: run 'simcoach schema'"


def test_shipped_content_is_valid() -> None:
    """Every persona, scenario and rubric in the repository loads and its references resolve."""
    result = runner.invoke(app, ["validate", str(REPO_ROOT)])
    assert result.exit_code == 0, result.output


def test_content_list(content_root: Path) -> None:
    """`simcoach content list` shows kind, id, version and file."""
    result = runner.invoke(app, ["content", "list", "--json", str(content_root)])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert {(r["kind"], r["id"]) for r in rows} == {
        ("persona", "billing-irate"),
        ("scenario", "double-charge"),
        ("rubric", "empathy-core"),
    }


def test_single_file_summary_counts_only_that_file(content_root: Path) -> None:
    """The OK line is about the files asked for, not everything beside them."""
    result = runner.invoke(app, ["validate", str(content_root / "scenarios" / "double-charge.yaml")])
    assert "OK: 0 personas, 1 scenario, 0 rubrics valid (double-charge@" in result.output


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    """A path that does not exist is reported, not silently treated as empty."""
    result = runner.invoke(app, ["validate", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "nope:1:1: no such file or folder" in result.output
