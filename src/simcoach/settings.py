"""Typed settings read from ``SIMCOACH_*`` environment variables and an optional TOML/env file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

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


def get_settings(config_file: Path | None = None) -> Settings:
    """Build settings from the environment, optionally layered over a ``KEY=value`` env file."""
    if config_file is not None:
        return Settings(_env_file=config_file)
    return Settings()
