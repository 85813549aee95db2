"""The rubric a trainer writes: criteria with level scales, signals, examples and a pass mark."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from simcoach.content.base import ContentModel, NonEmptyStr, Slug
from simcoach.content.vocabulary import Measure, NotApplicableWhen, SignalKind


class Level(ContentModel):
    """One step of a criterion's scale, with what it looks like."""

    level: int = Field(ge=0, le=10)
    label: NonEmptyStr
    descriptor: NonEmptyStr


class Examples(ContentModel):
    """Lines a trainer wrote as good and poor; they double as regression tests for the scorer."""

    good: list[NonEmptyStr] = Field(min_length=3)
    poor: list[NonEmptyStr] = Field(min_length=3)


class Aggregate(StrEnum):
    """How a criterion's turn levels become the session's."""

    mean = "mean"  # every applicable turn counts alike: a skill the agent keeps up all call
    best = "best"  # the best applicable turn, capped by any turn that undid it with a trigger


class Criterion(ContentModel):
    """A skill scored on every agent turn."""

    id: Slug
    name: NonEmptyStr
    description: NonEmptyStr
    weight: float = Field(gt=0.0, le=100.0)
    measure: Measure = Field(description="Which offline scorer family computes it.")
    signals: list[SignalKind] = Field(min_length=1, description="Signals it uses as evidence.")
    levels: list[Level] = Field(min_length=2)
    examples: Examples
    not_applicable_when: list[NotApplicableWhen] = Field(default_factory=list)
    aggregate: Aggregate = Field(
        default=Aggregate.mean,
        description="How the session scorecard combines the turns: mean (every applicable turn alike) or "
        "best (the best applicable turn, capped by any turn where one of its trigger signals fired).",
    )

    @property
    def min_level(self) -> int:
        """Lowest level of the scale."""
        return min(lv.level for lv in self.levels)

    @property
    def max_level(self) -> int:
        """Highest level of the scale."""
        return max(lv.level for lv in self.levels)

    @model_validator(mode="after")
    def _scale_is_contiguous(self) -> Criterion:
        got = sorted(lv.level for lv in self.levels)
        want = list(range(0, len(got)))
        if got != want:
            raise ValueError(f"levels must be 0, 1, 2, … with one descriptor each and no gaps; got {got}")
        return self


class CriticalRule(StrEnum):
    """What makes a session fail whatever its score."""

    missing_required_disclosure = "missing_required_disclosure"
    forbidden_offer = "forbidden_offer"
    signal = "signal"


class CriticalFailure(ContentModel):
    """A rule that fails the session whatever the weighted score."""

    id: Slug
    description: NonEmptyStr
    rule: CriticalRule
    signal: SignalKind | None = Field(default=None, description="Required with rule: signal.")

    @model_validator(mode="after")
    def _signal_given(self) -> CriticalFailure:
        if (self.rule is CriticalRule.signal) != (self.signal is not None):
            raise ValueError("'signal' is required with rule: signal and only allowed there")
        return self


class Rubric(ContentModel):
    """A weighted set of criteria with a pass mark (percent of the maximum)."""

    id: Slug
    version: str = Field(pattern=r"^\d+\.\d+(\.\d+)?$", description="e.g. '1.0' or '2.1.0'.")
    title: NonEmptyStr
    description: str = ""
    criteria: list[Criterion] = Field(min_length=1)
    pass_mark: float = Field(ge=0.0, le=100.0, description="Percent of the weighted maximum.")
    critical_failures: list[CriticalFailure] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_criteria(self) -> Rubric:
        ids = [c.id for c in self.criteria]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate criterion id(s): {', '.join(dupes)}")
        return self

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id; KeyError if absent."""
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)
