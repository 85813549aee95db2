"""The turn-scorer protocol every backend (offline, LLM judge, hybrid) implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Scenario
from simcoach.scoring.models import ChatTurn, TurnAssessment


@runtime_checkable
class TurnScorer(Protocol):
    """Scores one agent turn against a rubric, given the conversation before it."""

    name: str

    async def assess(
        self,
        *,
        rubric: Rubric,
        rubric_version: str,
        context: Sequence[ChatTurn],
        text: str,
        scenario: Scenario | None = None,
    ) -> TurnAssessment:
        """The assessment of ``text`` (the agent turn) after ``context``."""
        ...


BACKENDS = ("offline", "llm", "hybrid")


def resolve_backend(name: str) -> TurnScorer:
    """The scorer for a backend name; the one place the CLI and tools turn a name into a scorer."""
    if name == "offline":
        from simcoach.scoring.offline import OfflineScorer

        return OfflineScorer()
    if name in BACKENDS:
        from simcoach.llm.factory import scorer_for_backend
        from simcoach.settings import get_settings

        return scorer_for_backend(get_settings(), name)
    raise ValueError(f"unknown scorer backend {name!r}; use one of {', '.join(BACKENDS)}")
