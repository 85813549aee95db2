"""Hybrid scoring: the offline scorer decides clear cases; the judge is asked only where it is unsure."""

from __future__ import annotations

from collections.abc import Sequence

from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Scenario
from simcoach.llm.judge import LLMJudge
from simcoach.scoring.backend import TurnScorer
from simcoach.scoring.models import ChatTurn, CriterionScore, TurnAssessment

DEFAULT_THRESHOLD = 0.6
"""Offline confidence below which the judge is asked (the offline scorer's own needs-review mark)."""


class HybridScorer:
    """Offline first; criteria with low confidence or flagged for review go to the LLM judge."""

    def __init__(self, *, offline: TurnScorer, judge: LLMJudge, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.offline = offline
        self.judge = judge
        self.threshold = threshold
        self.name = f"hybrid/{offline.name}+{judge.name}"
        self.judged_criteria = 0
        self.offline_criteria = 0

    def unsure(self, score: CriterionScore) -> bool:
        """Whether the offline score is not clear enough to stand on its own."""
        return score.needs_review or score.confidence < self.threshold

    async def assess(
        self,
        *,
        rubric: Rubric,
        rubric_version: str,
        context: Sequence[ChatTurn],
        text: str,
        scenario: Scenario | None = None,
    ) -> TurnAssessment:
        """The offline assessment, with its unsure criteria re-scored by the judge when it answers."""
        base = await self.offline.assess(
            rubric=rubric, rubric_version=rubric_version, context=context, text=text, scenario=scenario
        )
        unsure = [c for c in rubric.criteria if c.id in base.scores and self.unsure(base.scores[c.id])]
        self.offline_criteria += len(rubric.criteria) - len(unsure)
        if not unsure:
            return base
        judged = await self.judge.judge(
            rubric=rubric,
            rubric_version=rubric_version,
            criteria=unsure,
            context=context,
            text=text,
            scenario=scenario,
        )
        if judged.scores is None:
            self.offline_criteria += len(unsure)
        else:
            self.judged_criteria += len(judged.scores)
        return judged.applied_to(base, self.name)
