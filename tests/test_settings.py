"""Settings come from SIMCOACH_* variables over an optional config file, and are never built at import."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from simcoach.cli.main import app
from simcoach.settings import ConfigFileError, Settings, get_settings

SRC = Path(__file__).resolve().parent.parent / "src" / "simcoach"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No SIMCOACH_* variable from the caller's shell leaks into these tests."""
    for name in list(os.environ):
        if name.upper().startswith("SIMCOACH_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_embedded_defaults(tmp_path: Path) -> None:
    """With nothing set: loopback, port 8000, SQLite in the current folder, content in the current folder."""
    settings = get_settings()
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.content_dir == tmp_path
    assert settings.scorer_backend == "offline"
    assert not settings.llm_enabled


def test_environment_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each field reads SIMCOACH_<FIELD>, typed and validated."""
    monkeypatch.setenv("SIMCOACH_PORT", "9001")
    monkeypatch.setenv("SIMCOACH_LOG_LEVEL", "debug")
    monkeypatch.setenv("SIMCOACH_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv("SIMCOACH_LLM_API_KEY", "sk-secret")
    settings = get_settings()
    assert settings.port == 9001
    assert settings.log_level == "debug"
    assert settings.content_dir == tmp_path / "content"
    assert settings.llm_enabled
    assert "sk-secret" not in repr(settings)


def test_invalid_environment_value_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad value is an error naming the setting, not a silent default."""
    monkeypatch.setenv("SIMCOACH_PORT", "70000")
    with pytest.raises(ValidationError, match="port"):
        get_settings()


def test_env_file_under_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A KEY=value file sets values; a variable in the environment wins over it."""
    env_file = tmp_path / "simcoach.env"
    env_file.write_text("SIMCOACH_PORT=8100\nSIMCOACH_HOST=0.0.0.0\n")
    monkeypatch.setenv("SIMCOACH_PORT", "8200")
    settings = get_settings(env_file)
    assert (settings.host, settings.port) == ("0.0.0.0", 8200)


def test_toml_file_and_simcoach_config_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A .toml file (top-level keys or a [simcoach] table) is found through SIMCOACH_CONFIG too."""
    toml = tmp_path / "simcoach.toml"
    toml.write_text('[simcoach]\nport = 8300\nscorer_backend = "hybrid"\n')
    assert get_settings(toml).port == 8300
    monkeypatch.setenv("SIMCOACH_CONFIG", str(toml))
    monkeypatch.setenv("SIMCOACH_SCORER_BACKEND", "llm")
    settings = get_settings()
    assert (settings.port, settings.scorer_backend) == (8300, "llm")


def test_config_file_mistakes_are_explained(tmp_path: Path) -> None:
    """A misspelt setting suggests the right one; a missing file says so."""
    toml = tmp_path / "simcoach.toml"
    toml.write_text("prot = 8080\n")
    with pytest.raises(ConfigFileError, match="unknown setting 'prot'; did you mean 'port'"):
        get_settings(toml)
    with pytest.raises(ConfigFileError, match="not found"):
        get_settings(tmp_path / "missing.toml")


def test_cli_reports_a_bad_setting_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI turns an invalid setting into one readable line and exit status 2."""
    monkeypatch.setenv("SIMCOACH_PORT", "not-a-port")
    result = CliRunner().invoke(app, ["validate"])
    assert result.exit_code == 2
    assert "SIMCOACH_PORT" in result.output


def test_settings_are_independent_instances(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each call reads the environment afresh: tests can change it and build new settings."""
    first = get_settings()
    monkeypatch.setenv("SIMCOACH_PORT", "8400")
    assert get_settings().port == 8400
    assert first.port == 8000


def _module_level_calls(tree: ast.Module) -> list[str]:
    """Names of functions called by statements that run at import time (outside any def)."""
    names: list[str] = []
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        nodes = (
            [
                n
                for b in statement.body
                for n in ast.walk(b)
                if not isinstance(b, ast.FunctionDef | ast.AsyncFunctionDef)
            ]
            if isinstance(statement, ast.ClassDef)
            else list(ast.walk(statement))
        )
        for node in nodes:
            if isinstance(node, ast.Call):
                func = node.func
                names.append(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
    return names


def test_no_module_builds_settings_at_import_time() -> None:
    """No module calls Settings() or get_settings() at import: settings are injected, so tests swap them."""
    offenders = [
        str(path.relative_to(SRC))
        for path in sorted(SRC.rglob("*.py"))
        if {"Settings", "get_settings"}
        & set(_module_level_calls(ast.parse(path.read_text(encoding="utf-8"))))
    ]
    assert offenders == []
    assert not any(isinstance(v, Settings) for v in vars(__import__("simcoach.settings").settings).values())
