"""Test doubles: a tiny regex scorer so the state rules can be tested without the real scorer."""

from __future__ import annotations

import re
from collections.abc import Sequence

from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Scenario
from simcoach.content.vocabulary import SignalKind
from simcoach.scoring.models import ChatTurn, Feedback, Signal, Span, TurnAssessment

PATTERNS: dict[SignalKind, str] = {
    SignalKind.calm_down: r"calm down",
    SignalKind.blame: r"your fault|you should have",
    SignalKind.policy_hiding: r"policy",
    SignalKind.validation: r"makes sense|understandable",
    SignalKind.feeling_reflection: r"sounds (really )?(frustrating|worrying|stressful)",
    SignalKind.ownership: r"i will|i'll",
    SignalKind.next_step: r"next step|right now",
    SignalKind.open_question: r"^(what|how|when|could you tell)",
    SignalKind.stock_frame: r"i understand your frustration",
}


def signal(kind: SignalKind, text: str = "", detail: str = "", strength: float = 1.0) -> Signal:
    """A signal over the whole of ``text``."""
    span = Span(start=0, end=len(text), text=text, kind=kind) if text else None
    return Signal(kind=kind, span=span, detail=detail, strength=strength)


def assessment(text: str, *signals: Signal, scorer: str = "fake/1") -> TurnAssessment:
    """An assessment with the given signals and no criterion scores."""
    return TurnAssessment(
        rubric_id="r", rubric_version="1.0", scorer=scorer, text=text, scores={}, signals=list(signals)
    )


class RegexScorer:
    """Emits signals by regex and offer/disclosure signals by the scenario's cues; deterministic."""

    name = "regex"

    def __init__(self) -> None:
        self.calls = 0

    async def assess(
        self,
        *,
        rubric: Rubric,
        rubric_version: str,
        context: Sequence[ChatTurn],
        text: str,
        scenario: Scenario | None = None,
    ) -> TurnAssessment:
        """Signals for ``text``."""
        self.calls += 1
        low = text.lower()
        found: list[Signal] = []
        for kind, pattern in PATTERNS.items():
            m = re.search(pattern, low)
            if m:
                found.append(signal(kind, text[m.start() : m.end()]))
        if scenario is not None:
            for offer in scenario.policy.may_offer:
                if any(c.lower() in low for c in offer.cues):
                    found.append(signal(SignalKind.offer_made, detail=offer.id))
        _ = Feedback
        return TurnAssessment(
            rubric_id=rubric.id,
            rubric_version=rubric_version,
            scorer="regex/1",
            text=text,
            scores={},
            signals=found,
        )
