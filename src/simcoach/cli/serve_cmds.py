"""CLI commands: ``serve`` (the web service) and ``db upgrade`` / ``db check`` (the schema)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import typer

from simcoach.cli.common import settings_from
from simcoach.llm.factory import describe_backends
from simcoach.settings import Settings

db_app = typer.Typer(help="Database schema: upgrade or check.", no_args_is_help=True)


def _settings(config: Path | None, database_url: str | None) -> Settings:
    settings = settings_from(config)
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    return settings


def serve(
    host: str | None = typer.Option(None, help="Interface to bind (default 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port (default 8000)."),
    content: Path | None = typer.Option(
        None, "--content", help="Folder with personas/, scenarios/, rubrics/."
    ),
    database_url: str | None = typer.Option(None, "--database-url", help="Overrides SIMCOACH_DATABASE_URL."),
    config: Path | None = typer.Option(None, "--config", help="KEY=value env file layered under the env."),
    workers: int = typer.Option(
        1, "--workers", min=1, max=64, help="Processes sharing the port (one per core)."
    ),
) -> None:
    """Run the web service (REST API, websocket practice sessions, OpenAPI docs at /docs)."""
    import uvicorn

    from simcoach.api.app import create_app
    from simcoach.api.wsbatch import BatchingWebSocketProtocol

    settings = _settings(config, database_url)
    updates: dict[str, object] = {}
    if host is not None:
        updates["host"] = host
    if port is not None:
        updates["port"] = port
    if content is not None:
        updates["content_dir"] = content
    settings = settings.model_copy(update=updates)
    backends = describe_backends(settings)
    typer.echo(f"simcoach: customer {backends['customer']}, scorer {backends['scorer']}", err=True)
    _refuse_outdated_schema(settings)
    options: dict[str, object] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        # Frames over max_frame_bytes get a coded error from the app; uvicorn's limit is only a backstop.
        "ws_max_size": max(1 << 20, settings.max_frame_bytes * 16),
        # Chat frames are small: per-message deflate costs CPU per frame and a zlib context per connection
        # (tens of KB per idle session) for little gain.
        "ws_per_message_deflate": False,
        # uvicorn's websockets protocol, writing the frames a turn sends together in one system call.
        "ws": BatchingWebSocketProtocol,
    }
    if workers == 1:
        uvicorn.run(create_app(settings), **options)  # type: ignore[arg-type]
        return
    # Several processes: nothing session-related lives in memory, so they are replicas on one port. Each
    # worker builds its app from the environment, so pass it the settings given on the command line, and
    # prepare the schema and keys once here so the workers do not race to do it.
    _prepare_once(settings)
    os.environ.update(
        {
            "SIMCOACH_DATABASE_URL": settings.database_url,
            "SIMCOACH_CONTENT_DIR": str(settings.content_dir.resolve()),
        }
    )
    uvicorn.run("simcoach.api.app:create_app", factory=True, workers=workers, **options)  # type: ignore[arg-type]


def _prepare_once(settings: Settings) -> None:
    """Create or check the schema and store bootstrap keys (printing a generated admin key once)."""
    from simcoach.api.app import open_state

    async def run() -> None:
        state = await open_state(settings)
        await state.db.dispose()

    asyncio.run(run())


def _refuse_outdated_schema(settings: Settings) -> None:
    """On PostgreSQL, exit with the command to run when migrations are pending (SQLite upgrades itself)."""
    from simcoach.store import migrate
    from simcoach.store.db import Database, is_sqlite

    if is_sqlite(settings.database_url):
        return

    async def check() -> migrate.SchemaStatus:
        db = Database(settings.database_url)
        try:
            return await migrate.schema_status(db.engine)
        finally:
            await db.dispose()

    status = asyncio.run(check())
    if not status.up_to_date:
        typer.echo(f"simcoach: {status.describe()}", err=True)
        raise typer.Exit(2)


@db_app.command("upgrade")
def db_upgrade(
    database_url: str | None = typer.Option(None, "--database-url", help="Overrides SIMCOACH_DATABASE_URL."),
    config: Path | None = typer.Option(None, "--config"),
) -> None:
    """Create or upgrade the schema to this version (idempotent)."""
    from simcoach.store import migrate
    from simcoach.store.db import Database

    settings = _settings(config, database_url)

    async def run() -> str:
        db = Database(settings.database_url)
        try:
            return (await migrate.upgrade(db.engine)).describe()
        finally:
            await db.dispose()

    typer.echo(asyncio.run(run()))


@db_app.command("check")
def db_check(
    database_url: str | None = typer.Option(None, "--database-url", help="Overrides SIMCOACH_DATABASE_URL."),
    config: Path | None = typer.Option(None, "--config"),
) -> None:
    """Say whether the schema is current; exit 1 if a migration is pending."""
    from simcoach.store import migrate
    from simcoach.store.db import Database

    settings = _settings(config, database_url)

    async def run() -> migrate.SchemaStatus:
        db = Database(settings.database_url)
        try:
            return await migrate.schema_status(db.engine)
        finally:
            await db.dispose()

    status = asyncio.run(run())
    typer.echo(status.describe())
    if not status.up_to_date:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``db`` to the CLI."""
    app.command("serve")(serve)
    app.add_typer(db_app, name="db")
