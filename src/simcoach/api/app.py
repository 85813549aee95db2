"""The FastAPI application factory and its lifespan (database, schema check, keys, content)."""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from simcoach import __version__
from simcoach.api import ws
from simcoach.api.errors import register_handlers
from simcoach.api.heap import trim_heap_forever
from simcoach.api.routes import admin, content, health, qa, sessions
from simcoach.api.state import AppState
from simcoach.practice import access
from simcoach.practice.content import ContentSource
from simcoach.practice.reports import Reports
from simcoach.practice.service import PracticeService
from simcoach.settings import Settings
from simcoach.store import migrate
from simcoach.store.db import Database, is_sqlite

log = logging.getLogger("simcoach")


HEAP_TRIM_INTERVAL_S = 1.0
"""How often freed heap pages are handed back to the OS (see api/heap.py)."""

FULL_GC_THRESHOLD = 1000
"""Young (generation 1) collections between two automatic full collections (CPython's default is 10).

A full collection walks every object the open connections hold (~170 each: their coroutine stacks,
protocol and framing objects) and stops the event loop for it: ~60 ms of CPU at 500 connections. With
the default it ran every 3-4 s at 225 turns/s (ten times in the 500-session benchmark), because each
turn's objects that outlive a young collection count towards it. Reference counting frees almost all
garbage at once (a full collection found 6 cyclic objects to free at 500 connections), so letting the
rest wait for a full collection every few minutes kept the memory per idle session the same.
"""

TOKEN_IN_QUERY = re.compile(r"(token=)[^&\s\"']+")


class RedactTokens(logging.Filter):
    """Hide ``?token=`` values in server logs (websocket clients may pass their token in the URL)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's arguments; never drops a record."""
        if isinstance(record.args, tuple):
            record.args = tuple(
                TOKEN_IN_QUERY.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args
            )
        return True


def install_log_redaction() -> None:
    """Attach the token filter to uvicorn's loggers (idempotent)."""
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())


class SchemaNotReady(RuntimeError):
    """The database schema is older than the code; the message says what to run."""


async def open_state(settings: Settings) -> AppState:
    """Connect, check or create the schema, store bootstrap keys and load content."""
    db = Database(settings.database_url)
    if is_sqlite(settings.database_url):
        # The embedded default upgrades itself so 'pip install && simcoach serve' just works.
        status = await migrate.upgrade(db.engine)
    else:
        status = await migrate.schema_status(db.engine)
        if not status.up_to_date:
            await db.dispose()
            raise SchemaNotReady(status.describe())
    generated = await access.bootstrap(
        db,
        admin_key=settings.admin_api_key.get_secret_value() if settings.admin_api_key else None,
        trainer_key=settings.trainer_api_key.get_secret_value() if settings.trainer_api_key else None,
    )
    if generated is not None:
        # Shown once: only its hash is stored.
        sys.stderr.write(
            f"simcoach: generated admin API key (store it now, it is not shown again): {generated}\n"
        )
        sys.stderr.flush()
    source = ContentSource(settings.content_dir)
    result = source.reload()
    if not result.ok:
        log.warning(
            "content in %s did not load: %d error(s); fix them and POST /api/v1/content/reload, or start "
            "from the repository's folder or with --content DIR (SIMCOACH_CONTENT_DIR)",
            settings.content_dir,
            len(result.errors),
        )
        for error in result.errors[:_LOGGED_ERRORS]:
            log.warning("  %s", error)
    practice = PracticeService(db=db, content=source, settings=settings)
    return AppState(
        settings=settings,
        db=db,
        content=source,
        practice=practice,
        reports=Reports(practice),
        schema_revision=status.head,
    )


_LOGGED_ERRORS = 20  # at start-up; the full list is one `simcoach validate` away


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; resources are opened by the lifespan, not at import."""
    settings = settings or Settings()
    install_log_redaction()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = await open_state(settings)
        app.state.simcoach = state
        await state.practice.warm_up()
        # Everything loaded so far (modules, content, mappers) lives for the whole process: keep it out
        # of the cyclic collector's full passes, which otherwise rescan it while thousands of sessions run.
        gc.freeze()
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, FULL_GC_THRESHOLD)
        trimmer = asyncio.create_task(trim_heap_forever(HEAP_TRIM_INTERVAL_S))
        try:
            yield
        finally:
            trimmer.cancel()
            await state.db.dispose()

    app = FastAPI(
        title="simcoach",
        version=__version__,
        summary="Practise hard customer chats against a simulated customer; every agent turn scored.",
        lifespan=lifespan,
    )
    register_handlers(app)
    app.include_router(health.router)
    app.include_router(content.router, prefix="/api/v1")
    app.include_router(sessions.router, prefix="/api/v1")
    app.include_router(qa.router, prefix="/api/v1")
    app.include_router(admin.router, prefix="/api/v1")
    app.include_router(ws.router, prefix="/api/v1")
    return app
