"""Schema upgrade and check through Alembic, usable from the CLI and from the server's lifespan."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the migrations shipped inside the package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest migration this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


@dataclass(frozen=True)
class SchemaStatus:
    """Where the database schema is relative to this code."""

    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        """True when no migration is pending."""
        return self.current == self.head

    def describe(self) -> str:
        """One line for logs and the CLI."""
        if self.up_to_date:
            return f"schema up to date (revision {self.head})"
        current = self.current or "empty database"
        return f"schema at {current}, code needs {self.head}: run 'simcoach db upgrade'"


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def schema_status(engine: AsyncEngine) -> SchemaStatus:
    """Read the applied revision."""
    async with engine.connect() as conn:
        current = await conn.run_sync(_current)
    return SchemaStatus(current=current, head=head_revision())


async def probe(engine: AsyncEngine) -> SchemaStatus | str:
    """The schema status, or why the database could not be read (for health checks)."""
    try:
        return await schema_status(engine)
    except (SQLAlchemyError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"[:200]


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


async def upgrade(engine: AsyncEngine) -> SchemaStatus:
    """Apply every pending migration (a no-op when up to date)."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)
    return await schema_status(engine)
