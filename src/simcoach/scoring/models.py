"""The scorer's result model, shared by the offline scorer, the LLM judge, the engine and storage."""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from simcoach.content.vocabulary import TRIGGER_SIGNALS, SignalKind

Role = Literal["customer", "agent"]
M = TypeVar("M", bound=BaseModel)
_new = object.__new__
# The models are frozen (their own __setattr__ refuses), so the instance slots are set through their
# descriptors: the same effect as object.__setattr__ without its generic attribute lookup per call
_SLOTS = BaseModel.__dict__
_set_dict = _SLOTS["__dict__"].__set__
_set_fields_set = _SLOTS["__pydantic_fields_set__"].__set__
_set_extra = _SLOTS["__pydantic_extra__"].__set__
_set_private = _SLOTS["__pydantic_private__"].__set__


def prebuilt(cls: type[M], values: dict[str, Any], given: frozenset[str]) -> M:
    """An instance of ``cls`` holding ``values`` without validating them: for values valid by construction.

    ``values`` holds every field as validation would store it and ``given`` the fields a caller would have
    passed (``model_fields_set``). The scorer builds several spans and signals per turn from offsets and
    clamped numbers it computed itself, and validating each cost about as much as building it twice;
    ``tests/scoring/test_prebuilt.py`` checks that the result equals the validated model.
    """
    obj = _new(cls)
    _set_dict(obj, values)
    _set_fields_set(obj, set(given))
    _set_extra(obj, None)
    _set_private(obj, None)
    return obj


class ChatTurn(BaseModel):
    """One message of a conversation, as the scorer sees it."""

    model_config = ConfigDict(frozen=True)

    role: Role
    text: str
    sarcastic: bool = Field(
        default=False,
        description="Set by the simulation when it voiced this customer line as sarcasm: the scorer then "
        "needs no cue in the words to hear it (a transcript leaves it unset).",
    )


class Span(BaseModel):
    """A character range ``[start, end)`` of one message, with the text it covers."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    source: Literal["agent", "customer"] = "agent"
    turn: int | None = Field(
        default=None,
        description="For customer spans: index of the customer message in the context.",
    )
    kind: SignalKind | None = None


class Signal(BaseModel):
    """A behaviour detected in the agent turn, with where it is and how strongly it holds."""

    model_config = ConfigDict(frozen=True)

    kind: SignalKind
    span: Span | None = None
    strength: float = Field(default=1.0, ge=0.0, le=1.0)
    reflects: list[Span] = Field(
        default_factory=list, description="Customer words this signal reflects (mirroring)."
    )
    detail: str = ""

    @property
    def escalates(self) -> bool:
        """Whether this is a trigger: it caps de-escalation at 0 and voids the turn's calming effects.

        A question leading only by its tag ("…, did you?", ``detail: tag``) puts words in the customer's
        mouth but neither blames nor walls: it is no trigger.
        """
        return self.kind in TRIGGER_SIGNALS and not (
            self.kind is SignalKind.leading_question and self.detail == "tag"
        )


class Feedback(BaseModel):
    """What worked, what was missing, and a better line grounded in the customer's last message."""

    model_config = ConfigDict(frozen=True)

    worked: str = ""
    missing: str = ""
    better_line: str

    def render(self) -> str:
        """One readable paragraph: worked / missing / try."""
        parts = [p for p in (self.worked, self.missing) if p]
        parts.append(f"Try: “{self.better_line}”")
        return " ".join(parts)


class CriterionScore(BaseModel):
    """One criterion's result for one agent turn."""

    model_config = ConfigDict(frozen=True)

    criterion_id: str
    level: int = Field(ge=0)
    max_level: int = Field(ge=1)
    applicable: bool = True
    confidence: float = Field(ge=0.0, le=1.0)
    needs_review: bool = False
    evidence: list[Span] = Field(default_factory=list)
    feedback: Feedback
    reason: str = Field(default="", description="Why this level, in one sentence.")


class TurnAssessment(BaseModel):
    """Everything the scorer says about one agent turn."""

    model_config = ConfigDict(frozen=True)

    rubric_id: str
    rubric_version: str
    scorer: str = Field(description="Backend and version, e.g. 'offline/1.0'.")
    text: str
    scores: dict[str, CriterionScore]
    signals: list[Signal] = Field(default_factory=list)
    prompt_tokens: int = Field(default=0, ge=0, description="Model tokens this assessment cost (0 offline).")
    completion_tokens: int = Field(default=0, ge=0)

    def has(self, kind: SignalKind) -> bool:
        """Whether a signal of this kind fired."""
        return any(s.kind is kind for s in self.signals)

    def of(self, kind: SignalKind) -> list[Signal]:
        """All signals of this kind."""
        return [s for s in self.signals if s.kind is kind]


class CriterionSummary(BaseModel):
    """A criterion aggregated over the applicable turns of a session."""

    criterion_id: str
    name: str
    weight: float
    mean_level: float | None = Field(description="None when no turn was applicable.")
    max_level: int
    aggregate: str = Field(
        default="mean",
        description="How percent was computed: 'mean' (mean level of the applicable turns) or 'best' "
        "(the best applicable turn, capped by the lowest turn where one of the criterion's triggers fired).",
    )
    session_level: float | None = Field(
        default=None, description="The level percent is taken from (equal to mean_level for 'mean')."
    )
    percent: float | None
    applicable_turns: int
    overridden: bool = False


class Improvement(BaseModel):
    """A ranked thing to do better, pointing at the turn that shows it."""

    criterion_id: str
    turn: int = Field(
        description="The agent turn, counted from 0 (the assessment frame's agent_turn and an override's "
        "turn count from 1: turn 0 here is agent_turn 1)."
    )
    message: str
    better_line: str


class CriticalFailureHit(BaseModel):
    """A critical failure that fails the session whatever its score."""

    id: str
    description: str
    turn: int | None = Field(
        default=None, description="The agent turn it happened on, from 0 (null: the whole session)."
    )


class Scorecard(BaseModel):
    """The session-level result: per criterion, weighted overall, pass/fail and what to do next."""

    rubric_id: str
    rubric_version: str
    criteria: list[CriterionSummary]
    overall_percent: float
    pass_mark: float
    passed: bool
    critical_failures: list[CriticalFailureHit] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    improvements: list[Improvement] = Field(default_factory=list, max_length=3)
