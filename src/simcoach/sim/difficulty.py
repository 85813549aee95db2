"""How scenario difficulty scales the state dynamics; the numbers are documented in docs/engine.md."""

from __future__ import annotations

from dataclasses import dataclass

from simcoach.content.vocabulary import Difficulty


@dataclass(frozen=True, slots=True)
class DifficultyScale:
    """Multipliers and offsets one difficulty level applies on top of the persona's dynamics."""

    calming: float
    """Multiplier on every effect that helps (anger/anxiety down, trust/patience up)."""
    escalating: float
    """Multiplier on every effect that hurts (anger/anxiety up, trust/patience down)."""
    patience_cost: float
    """Multiplier on the patience every turn costs."""
    trust_offset: float
    """Added to each trust-gated fact's threshold."""
    accept_offset: float
    """Added to the anger below which the customer accepts a resolution."""


SCALES: dict[Difficulty, DifficultyScale] = {
    Difficulty.easy: DifficultyScale(1.3, 0.8, 0.75, -0.05, 0.05),
    Difficulty.standard: DifficultyScale(1.0, 1.0, 1.0, 0.0, 0.0),
    Difficulty.hard: DifficultyScale(0.7, 1.25, 1.25, 0.05, -0.05),
}


def scale_for(difficulty: Difficulty) -> DifficultyScale:
    """The scale for a difficulty level."""
    return SCALES[difficulty]
