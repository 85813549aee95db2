"""The persona a trainer writes: who the customer is and how the agent's behaviour moves them."""

from __future__ import annotations

import warnings
from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag, model_validator

from simcoach.content.base import ContentModel, Delta, NonEmptyStr, Slug, Unit
from simcoach.content.vocabulary import (
    Archetype,
    Band,
    HostilityCeiling,
    Intent,
    SignalKind,
)


class CuedLine(ContentModel):
    """A line that answers something the agent says ("A credit's nice…"): it fits only after an agent turn
    that says one of its cues."""

    say: NonEmptyStr = Field(description="The line, with placeholders like any other line.")
    after: tuple[NonEmptyStr, ...] = Field(
        min_length=1,
        description="Words or phrases, matched on word stems in any case ('credit' also matches "
        "'credited'). The line is used only after an agent turn that says one of them, while another "
        "line fits.",
    )


def _line_kind(value: Any) -> str:
    # the tags are in angle brackets so error locations can drop them (messages.clean_loc)
    return "<cued>" if isinstance(value, dict | CuedLine) else "<plain>"


Line = Annotated[
    Annotated[NonEmptyStr, Tag("<plain>")] | Annotated[CuedLine, Tag("<cued>")],
    Discriminator(_line_kind),
]
"""A customer line: plain text, or text with the agent's words it answers (``say`` and ``after``)."""

LineBank = dict[Intent, dict[Band, list[Line]]]
"""Lines for the offline scripted customer, keyed by intent then emotional band."""


def line_text(line: str | CuedLine) -> str:
    """The words of a line, cued or not."""
    return line if isinstance(line, str) else line.say


class EmotionalState(ContentModel):
    """The four numbers the engine tracks, each from 0.0 (none) to 1.0 (extreme)."""

    anger: Unit = Field(description="0 calm, 0.5 annoyed, 0.8 furious.")
    anxiety: Unit = Field(description="0 relaxed, 0.5 worried, 0.8 panicking.")
    trust: Unit = Field(description="Trust in this agent: 0 none, 0.5 guarded, 0.8 confiding.")
    patience: Unit = Field(description="Budget left before walking away: 1 full, 0 hangs up.")


class Effect(ContentModel):
    """A change to the emotional state, each component from -1.0 to +1.0."""

    anger: Delta = 0.0
    anxiety: Delta = 0.0
    trust: Delta = 0.0
    patience: Delta = 0.0


class Sensitivity(ContentModel):
    """An agent behaviour (a scorer signal or literal phrases) that moves this persona."""

    id: Slug
    description: NonEmptyStr = Field(
        description="Plain words shown in replays, e.g. 'being told to calm down'."
    )
    signal: SignalKind | None = Field(default=None, description="Scorer signal that triggers it.")
    phrases: list[NonEmptyStr] = Field(
        default_factory=list, description="Case-insensitive phrases in the agent's turn."
    )
    effect: Effect

    @model_validator(mode="after")
    def _one_trigger(self) -> Sensitivity:
        if (self.signal is None) == (not self.phrases):
            raise ValueError("give exactly one of 'signal' or 'phrases'")
        return self


class Dynamics(ContentModel):
    """How this persona's state moves; documented in docs/engine.md."""

    inertia: Unit = Field(
        default=0.15,
        description="Fraction of the gap to baseline closed each quiet turn (higher = moodier).",
    )
    reactivity: float = Field(
        default=1.0, gt=0.0, le=3.0, description="Multiplier on every effect of agent behaviour."
    )
    accept_below_anger: Unit = Field(
        default=0.45, description="Accepts a resolution only when anger is below this."
    )
    supervisor_above_anger: Unit = Field(
        default=0.85, description="Demands a supervisor when anger is above this and trust low."
    )
    supervisor_below_trust: Unit = Field(default=0.2)
    patience_per_turn: Unit = Field(
        default=0.04, description="Patience every agent turn costs, whatever it says."
    )


# 'register' is the authored key; pydantic only warns that it shadows ABCMeta.register on the class.
warnings.filterwarnings("ignore", message='Field name "register" in "SpeechStyle"', category=UserWarning)


class SpeechStyle(ContentModel):
    """How the persona talks, for the renderer and for authors of line banks."""

    register: NonEmptyStr = Field(description="e.g. 'curt, clipped sentences'.")
    verbosity: str = Field(default="medium", pattern="^(terse|medium|verbose)$")
    quirks: list[NonEmptyStr] = Field(default_factory=list)


class Persona(ContentModel):
    """A simulated customer: identity, baseline state, dynamics, sensitivities and line banks."""

    id: Slug
    display_name: NonEmptyStr
    archetype: Archetype
    background: NonEmptyStr
    speech_style: SpeechStyle
    baseline: EmotionalState
    dynamics: Dynamics = Field(default_factory=Dynamics)
    sensitivities: list[Sensitivity] = Field(default_factory=list)
    disclosure_style: NonEmptyStr = Field(
        description="How readily they share details, e.g. 'guarded until the agent owns the problem'."
    )
    locale: str = Field(default="en-GB", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    culture_notes: str = ""
    hostility_ceiling: HostilityCeiling = HostilityCeiling.moderate
    lines: LineBank = Field(default_factory=dict)

    @model_validator(mode="after")
    def _unique_sensitivity_ids(self) -> Persona:
        ids = [s.id for s in self.sensitivities]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate sensitivity id(s): {', '.join(dupes)}")
        return self
