"""Outcomes: when a session ends after an agent turn, and the reason given for it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from simcoach.content.persona import Dynamics
from simcoach.content.scenario import Scenario
from simcoach.content.vocabulary import SignalKind
from simcoach.scoring.models import TurnAssessment
from simcoach.sim.difficulty import DifficultyScale
from simcoach.sim.models import CustomerState, Outcome, OutcomeKind

SUPERVISOR_STREAK = 2
"""Turns in a row above the supervisor anger threshold (with trust low) before demanding one."""
WALK_AWAY_STREAK = 3
"""Turns in a row above the supervisor anger threshold after which the customer walks away."""


@dataclass(frozen=True, slots=True)
class OutcomeRules:
    """The thresholds that end a session, from the persona, scenario and difficulty."""

    accept_below_anger: float
    supervisor_above_anger: float
    supervisor_below_trust: float
    supervisor_allowed: bool
    hang_up_at_patience: float
    max_turns: int
    resolving_offers: frozenset[str]
    required_facts: frozenset[str]

    @classmethod
    def build(cls, scenario: Scenario, dynamics: Dynamics, scale: DifficultyScale) -> OutcomeRules:
        """Combine the scenario's end and resolution with the persona's dynamics and difficulty."""
        accept = scenario.resolution.max_anger
        if accept is None:
            accept = dynamics.accept_below_anger
        return cls(
            accept_below_anger=min(1.0, max(0.05, accept + scale.accept_offset)),
            supervisor_above_anger=dynamics.supervisor_above_anger,
            supervisor_below_trust=dynamics.supervisor_below_trust,
            supervisor_allowed=scenario.end.supervisor_demand,
            hang_up_at_patience=scenario.end.hang_up_at_patience,
            max_turns=scenario.end.max_turns,
            resolving_offers=frozenset(scenario.resolution.requires_any_offer),
            required_facts=frozenset(scenario.resolution.requires_facts),
        )

    def is_heated(self, state: CustomerState) -> bool:
        """Whether this turn counts toward the heated streak."""
        return state.anger >= self.supervisor_above_anger


def decide(
    rules: OutcomeRules,
    state: CustomerState,
    turn: int,
    landed_offers: Collection[str],
    heated_streak: int,
    provoked: bool = False,
) -> Outcome | None:
    """The outcome after this turn, if the session ends; checked in the order documented.

    A customer provoked this very turn (told to calm down, blamed…) does not accept it, whatever the offer.
    """
    landed = sorted(set(landed_offers) & rules.resolving_offers)
    if landed and not provoked and state.anger < rules.accept_below_anger:
        return Outcome(
            kind=OutcomeKind.resolved,
            turn=turn,
            reason=(
                f"you offered {', '.join(landed)} and the customer was calm enough to accept "
                f"(anger {state.anger:.2f} < {rules.accept_below_anger:.2f})"
            ),
        )
    if (
        rules.supervisor_allowed
        and heated_streak >= SUPERVISOR_STREAK
        and state.trust < rules.supervisor_below_trust
    ):
        return Outcome(
            kind=OutcomeKind.supervisor,
            turn=turn,
            reason=(
                f"anger stayed above {rules.supervisor_above_anger:.2f} for {heated_streak} turns "
                f"with trust at {state.trust:.2f}, so the customer demanded a supervisor"
            ),
        )
    if state.patience <= rules.hang_up_at_patience:
        return Outcome(
            kind=OutcomeKind.hung_up,
            turn=turn,
            reason=f"the customer's patience ran out ({state.patience:.2f}) and they hung up",
        )
    if heated_streak >= WALK_AWAY_STREAK:
        return Outcome(
            kind=OutcomeKind.hung_up,
            turn=turn,
            reason=(
                f"anger stayed above {rules.supervisor_above_anger:.2f} for {heated_streak} turns "
                "and the customer walked away"
            ),
        )
    if turn >= rules.max_turns:
        return Outcome(
            kind=OutcomeKind.max_turns,
            turn=turn,
            reason=f"the chat reached the scenario's limit of {rules.max_turns} turns without a resolution",
        )
    return None


def agent_ended(turn: int, reason: str) -> Outcome:
    """The outcome when the agent ends the chat."""
    return Outcome(kind=OutcomeKind.agent_ended, turn=turn, reason=reason)


def offers_in(assessment: TurnAssessment, scenario: Scenario) -> list[str]:
    """Allowed offers made this turn, as the scorer detected them (it owns cue matching and negation)."""
    allowed = [o.id for o in scenario.policy.may_offer]
    found = {s.detail for s in assessment.of(SignalKind.offer_made)}
    return [o for o in allowed if o in found]


def disclosures_in(assessment: TurnAssessment, scenario: Scenario) -> list[str]:
    """Required disclosures made this turn, as the scorer detected them."""
    found = {s.detail for s in assessment.of(SignalKind.disclosure_made)}
    return [d.id for d in scenario.required_disclosures if d.id in found]
