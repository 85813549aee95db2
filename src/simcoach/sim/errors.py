"""Domain errors of the simulation engine (no transport concerns: the service maps them to responses)."""

from __future__ import annotations


class SimError(Exception):
    """Base class for engine errors."""


class SessionFinished(SimError):
    """An agent turn was submitted to a session that has already ended."""


class SnapshotMismatch(SimError):
    """A snapshot was restored with content (scenario, persona, rubric) of another version or id."""


class TurnInProgress(SimError):
    """An agent turn was submitted while the previous one was still being played."""
