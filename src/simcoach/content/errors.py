"""Content errors that name the file, line, column and field, say what is wrong and how to fix it."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel


class ContentError(BaseModel):
    """One problem in one authored file."""

    file: str
    line: int
    column: int
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        field = f" {self.field}:" if self.field else ""
        hint = f" — {self.hint}" if self.hint else ""
        return f"{where}:{field} {self.message}{hint}"


class ContentInvalid(Exception):
    """Raised when content cannot be loaded; carries every error found, not just the first."""

    def __init__(self, errors: list[ContentError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def display_path(path: Path, root: Path | None) -> str:
    """The path relative to the content root when possible, for short readable messages."""
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)
