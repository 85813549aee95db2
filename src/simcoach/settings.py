"""Typed settings read from ``SIMCOACH_*`` environment variables and an optional TOML/env file."""

from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob simcoach reads; built on demand by :func:`get_settings`, never at import time."""

    model_config = SettingsConfigDict(
        env_prefix="SIMCOACH_",
        env_file=None,
        extra="ignore",
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    public_url: str | None = Field(
        default=None,
        description="Base URL clients use to reach this service (for websocket URLs); "
        "defaults to the request's own host.",
    )
    content_dir: Path = Field(
        default_factory=lambda: Path.cwd(),
        description="Folder holding personas/, scenarios/ and rubrics/.",
    )
    database_url: str = Field(
        default="sqlite+aiosqlite:///./simcoach.sqlite3",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///FILE or postgresql+asyncpg://…",
    )
    admin_api_key: SecretStr | None = Field(
        default=None, description="Bootstrap admin API key, stored hashed on start."
    )
    trainer_api_key: SecretStr | None = Field(
        default=None, description="Bootstrap trainer API key, stored hashed on start."
    )
    max_frame_bytes: int = Field(default=16_384, ge=256)
    keep_engine_between_turns: bool = Field(
        default=False,
        description="Keep each connection's engine in memory between turns (less CPU per turn, more memory "
        "per idle session); off: restore it from the database snapshot on every turn.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str = "gpt-4o-mini"
    llm_customer_model: str | None = None
    llm_judge_model: str | None = None
    llm_timeout_s: float = Field(default=30.0, gt=0)
    llm_first_token_timeout_s: float = Field(default=10.0, gt=0)
    llm_temperature: float = Field(default=0.8, ge=0, le=2)
    llm_max_concurrency: int = Field(default=16, ge=1)
    llm_max_retries: int = Field(default=3, ge=0)
    scorer_backend: Literal["offline", "llm", "hybrid"] = "offline"

    @property
    def llm_enabled(self) -> bool:
        """True when an LLM endpoint is configured (a key or a base URL)."""
        return self.llm_api_key is not None or self.llm_base_url is not None


CONFIG_ENV = "SIMCOACH_CONFIG"
"""Environment variable naming a config file, used when no file is passed explicitly."""


class ConfigFileError(ValueError):
    """The config file is missing, unreadable, or names a setting that does not exist."""


def _toml_values(path: Path) -> dict[str, Any]:
    """Settings from a TOML file (``port = 8080``); unknown names are errors, with the closest name."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigFileError(f"{path}: {exc}") from exc
    table = raw.get("simcoach", raw)  # either top-level keys or a [simcoach] table
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = key.lower().removeprefix("simcoach_")
        if name not in Settings.model_fields:
            close = difflib.get_close_matches(name, list(Settings.model_fields), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ConfigFileError(f"{path}: unknown setting '{key}'{hint}")
        values[name] = value
    return values


def get_settings(config_file: Path | None = None) -> Settings:
    """Build settings from ``SIMCOACH_*`` environment variables layered over an optional config file.

    The file is ``config_file`` or else ``$SIMCOACH_CONFIG``: a ``.toml`` file (``port = 8080``, or a
    ``[simcoach]`` table) or a ``KEY=value`` env file (``SIMCOACH_PORT=8080``). Environment variables win.
    """
    if config_file is None and os.environ.get(CONFIG_ENV):
        config_file = Path(os.environ[CONFIG_ENV])
    if config_file is None:
        return Settings()
    if not config_file.is_file():
        raise ConfigFileError(f"config file not found: {config_file}")
    if config_file.suffix == ".toml":
        from_env = {name.lower() for name in os.environ if name.upper().startswith("SIMCOACH_")}
        values = {k: v for k, v in _toml_values(config_file).items() if f"simcoach_{k}" not in from_env}
        return Settings(**values)
    return Settings(_env_file=config_file)
