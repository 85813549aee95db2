"""Orchestrates practice sessions over the engine and the store (filled in below)."""

from __future__ import annotations

from simcoach.practice.content import ContentSource
from simcoach.settings import Settings
from simcoach.store.db import Database


class PracticeService:
    """Creates sessions and advances them one committed turn at a time."""

    def __init__(self, *, db: Database, content: ContentSource, settings: Settings) -> None:
        self.db = db
        self.content = content
        self.settings = settings
