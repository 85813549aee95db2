"""What the engine needs from a scorer; structurally the same as ``simcoach.scoring.backend.TurnScorer``.

Kept here so the engine does not depend on any scorer implementation (any object with this method fits).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Scenario
from simcoach.scoring.models import ChatTurn, TurnAssessment


class TurnScorer(Protocol):
    """Scores one agent turn in the context of the conversation so far."""

    async def assess(
        self,
        *,
        rubric: Rubric,
        rubric_version: str,
        context: Sequence[ChatTurn],
        text: str,
        scenario: Scenario | None = None,
    ) -> TurnAssessment:
        """The assessment of ``text`` given ``context`` (the messages before it)."""
        ...
