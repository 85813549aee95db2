"""The served content library, reloadable; a broken reload keeps the last good library serving."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from simcoach.content.errors import ContentError, ContentInvalid
from simcoach.content.library import ContentLibrary
from simcoach.content.loader import load_library


@dataclass(frozen=True)
class ReloadResult:
    """What a (re)load did: whether the new files were taken, and every error if not."""

    ok: bool
    errors: list[ContentError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


class ContentSource:
    """Holds the current library; swaps it atomically only when new content loads cleanly."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.library = ContentLibrary()
        self.errors: list[ContentError] = []
        self.loaded_at: datetime | None = None

    def reload(self) -> ReloadResult:
        """Load the folder again; on errors keep the previous library and report them."""
        try:
            library = load_library([self.root], root=self.root)
        except ContentInvalid as exc:
            self.errors = list(exc.errors)
            return ReloadResult(ok=False, errors=self.errors, counts=self.counts())
        self.library = library
        self.errors = []
        self.loaded_at = datetime.now(UTC)
        return ReloadResult(ok=True, counts=self.counts())

    def counts(self) -> dict[str, int]:
        """How many items of each kind are serving."""
        lib = self.library
        return {"personas": len(lib.personas), "scenarios": len(lib.scenarios), "rubrics": len(lib.rubrics)}
