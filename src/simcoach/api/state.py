"""The long-lived resources one process owns, created by the lifespan and shared by every request."""

from __future__ import annotations

from dataclasses import dataclass

from simcoach.practice.content import ContentSource
from simcoach.practice.reports import Reports
from simcoach.practice.service import PracticeService
from simcoach.settings import Settings
from simcoach.store.db import Database


@dataclass
class AppState:
    """Settings, database, content and the practice service; nothing per session lives here."""

    settings: Settings
    db: Database
    content: ContentSource
    practice: PracticeService
    reports: Reports
    schema_revision: str
