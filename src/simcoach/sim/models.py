"""Engine contract: customer state, events, outcomes, render requests and the session snapshot.

The engine owns the state; a renderer (scripted or LLM) only turns a :class:`RenderRequest` into words.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from enum import StrEnum
from typing import Annotated, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from simcoach.content.persona import Persona
from simcoach.content.scenario import Scenario
from simcoach.content.vocabulary import Band, Intent, SignalKind
from simcoach.scoring.models import ChatTurn, Span, TurnAssessment

StateVariable = Literal["anger", "anxiety", "trust", "patience"]


class CustomerState(BaseModel):
    """The customer's emotional state; every value in [0, 1]."""

    model_config = ConfigDict(frozen=True)

    anger: float = Field(ge=0.0, le=1.0)
    anxiety: float = Field(ge=0.0, le=1.0)
    trust: float = Field(ge=0.0, le=1.0)
    patience: float = Field(ge=0.0, le=1.0)


class StateChange(BaseModel):
    """One recorded change to one variable, with its cause, so a replay can say why."""

    model_config = ConfigDict(frozen=True)

    variable: StateVariable
    delta: float
    cause: str = Field(description="Plain words: 'you reflected the feeling'.")
    signal: SignalKind | None = None
    sensitivity: str | None = Field(default=None, description="Persona sensitivity id, if any.")
    span: Span | None = None


class OutcomeKind(StrEnum):
    """How a session ended."""

    resolved = "resolved"
    hung_up = "hung_up"
    supervisor = "supervisor"
    max_turns = "max_turns"
    agent_ended = "agent_ended"


class Outcome(BaseModel):
    """The end of a session and the reason for it."""

    model_config = ConfigDict(frozen=True)

    kind: OutcomeKind
    reason: str
    turn: int


class TurnAssessed(BaseModel):
    """The scorer's result for the agent turn just submitted."""

    type: Literal["assessment"] = "assessment"
    turn: int
    assessment: TurnAssessment


class StateChanged(BaseModel):
    """The customer's state before and after the agent turn, with every cause."""

    type: Literal["state"] = "state"
    turn: int
    before: CustomerState
    after: CustomerState
    changes: list[StateChange]
    revealed: list[str] = Field(default_factory=list, description="Fact ids newly allowed.")


class ReplyDelta(BaseModel):
    """A piece of the customer's reply, streamed as it is rendered.

    With ``reset`` true the client must discard the pieces received so far for this turn (a renderer
    restarted, e.g. after a guardrail or a broken stream); ``text`` then starts the new reply.
    """

    type: Literal["reply_delta"] = "reply_delta"
    turn: int
    text: str
    reset: bool = False


class ReplyComplete(BaseModel):
    """The customer's whole reply, and who rendered it."""

    type: Literal["reply"] = "reply"
    turn: int
    text: str
    intent: Intent
    renderer: str = Field(description="'scripted' or 'llm:<model>'.")
    notice: str | None = Field(default=None, description="Shown to the trainee, e.g. a fallback.")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    events: list[str] = Field(default_factory=list, description="Guardrail and fault events.")


class OutcomeReached(BaseModel):
    """The session ended."""

    type: Literal["outcome"] = "outcome"
    outcome: Outcome


EngineEvent = Annotated[
    TurnAssessed | StateChanged | ReplyDelta | ReplyComplete | OutcomeReached,
    Field(discriminator="type"),
]


class AllowedFact(BaseModel):
    """A fact the customer may state this turn, with the line the scripted customer would use."""

    id: str
    topic: str
    value: str
    line: str


class RenderRequest(BaseModel):
    """Everything a renderer may use to word the customer's reply; nothing it may not reveal."""

    persona: Persona = Field(description="The persona this session runs (its stored version).")
    scenario: Scenario = Field(
        description="The scenario this session runs. A renderer must word only the facts in "
        "reveal_now and known_so_far; the others are here for the engine's rules, not for prompts."
    )
    customer_name: str
    intent: Intent
    band: Band
    state: CustomerState
    state_in_words: str
    reveal_now: list[AllowedFact] = Field(description="Facts to state in this reply.")
    known_so_far: list[AllowedFact] = Field(description="Facts already said earlier.")
    agent_text: str
    recent_turns: list[ChatTurn]
    scripted_line: str = Field(description="The offline line; the fallback when a renderer fails.")
    turn: int


class Restart(BaseModel):
    """Yielded by a renderer to discard what it streamed so far for this reply and start again."""

    reason: str


class RenderReport(BaseModel):
    """What a renderer reports about one reply: who spoke, notices, token usage, guard events."""

    renderer: str = "scripted"
    notice: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    events: list[str] = Field(default_factory=list)


class Renderer(Protocol):
    """Turns a render request into the customer's words, streamed piece by piece."""

    name: str

    def render(self, request: RenderRequest, report: RenderReport) -> AsyncIterator[str | Restart]:
        """Yield the reply in pieces (or a Restart); fill ``report`` as it goes."""
        ...


class SessionSnapshot(BaseModel):
    """The whole engine state as JSON: restoring it and continuing gives the same events."""

    schema_version: Literal[1] = 1
    scenario_id: str
    scenario_version: str
    persona_id: str
    persona_version: str
    rubric_id: str
    rubric_version: str
    seed: int
    simulated_side: Literal["customer"] = "customer"
    turn: int
    state: CustomerState
    history: list[ChatTurn]
    revealed: list[str]
    used_lines: list[str]
    offers_made: list[str]
    disclosures_made: list[str]
    agent_texts_seen: list[str] = Field(default_factory=list)
    rng_state: int
    heated_streak: int = 0
    outcome: Outcome | None = None
    extra: dict[str, float | int | str | list[str]] = Field(default_factory=dict)
    # Added by the engine (issue 4); defaults keep older snapshots loadable.
    assessments: list[TurnAssessment] = Field(
        default_factory=list, description="The scorer's result for each agent turn so far."
    )
    signal_counts: dict[str, int] = Field(
        default_factory=dict, description="Turns in which each calming signal counted (repeat discount)."
    )
    landed_offers: list[str] = Field(
        default_factory=list, description="Resolving offers made after the required facts were uncovered."
    )
