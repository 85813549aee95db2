"""Alembic environment: runs on a connection handed in by :mod:`simcoach.store.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from simcoach.store.tables import Base

config = context.config
target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    """Run the migrations on an open (sync-facing) connection."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through 'simcoach db upgrade' (simcoach.store.migrate)")
run_on(connection)
