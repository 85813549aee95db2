"""Outcomes: each end condition, its order, and the reason it gives."""

from __future__ import annotations

from simcoach.content.persona import Dynamics
from simcoach.content.vocabulary import Difficulty
from simcoach.sim.difficulty import scale_for
from simcoach.sim.models import CustomerState, OutcomeKind
from simcoach.sim.outcomes import OutcomeRules, agent_ended, decide

from .test_fidelity import LIBRARY

SCENARIO = LIBRARY.scenarios["billing-double-charge"].item
RULES = OutcomeRules.build(SCENARIO, Dynamics(), scale_for(Difficulty.standard))


def st(anger: float = 0.5, trust: float = 0.5, patience: float = 0.5) -> CustomerState:
    return CustomerState(anger=anger, anxiety=0.3, trust=trust, patience=patience)


def test_resolved_needs_a_landed_resolving_offer_and_calm() -> None:
    assert decide(RULES, st(anger=0.3), 3, [], 0) is None
    assert decide(RULES, st(anger=0.3), 3, ["credit-bank-fee"], 0) is None  # allowed, not resolving
    assert decide(RULES, st(anger=0.6), 3, ["refund-duplicate"], 0) is None  # too angry to accept
    out = decide(RULES, st(anger=0.3), 3, ["refund-duplicate"], 0)
    assert out is not None
    assert out.kind is OutcomeKind.resolved
    assert "refund-duplicate" in out.reason
    assert out.turn == 3


def test_no_acceptance_on_a_provoking_turn() -> None:
    assert decide(RULES, st(anger=0.3), 3, ["refund-duplicate"], 0, provoked=True) is None


def test_scenario_max_anger_overrides_the_persona() -> None:
    assert SCENARIO.resolution.max_anger == RULES.accept_below_anger


def test_supervisor_after_two_heated_turns_with_low_trust() -> None:
    heated = st(anger=0.95, trust=0.05)
    assert decide(RULES, heated, 2, [], 1) is None
    out = decide(RULES, heated, 3, [], 2)
    assert out is not None
    assert out.kind is OutcomeKind.supervisor
    assert "supervisor" in out.reason


def test_walks_away_after_three_heated_turns_when_trust_is_not_low() -> None:
    out = decide(RULES, st(anger=0.95, trust=0.6), 4, [], 3)
    assert out is not None
    assert out.kind is OutcomeKind.hung_up
    assert "walked away" in out.reason


def test_hangs_up_when_patience_runs_out() -> None:
    out = decide(RULES, st(patience=RULES.hang_up_at_patience), 4, [], 0)
    assert out is not None
    assert out.kind is OutcomeKind.hung_up
    assert "patience" in out.reason


def test_max_turns() -> None:
    out = decide(RULES, st(), RULES.max_turns, [], 0)
    assert out is not None
    assert out.kind is OutcomeKind.max_turns
    assert str(RULES.max_turns) in out.reason


def test_resolution_wins_over_the_turn_limit() -> None:
    out = decide(RULES, st(anger=0.2), RULES.max_turns, ["refund-duplicate"], 0)
    assert out is not None
    assert out.kind is OutcomeKind.resolved


def test_difficulty_moves_the_acceptance_threshold() -> None:
    easy = OutcomeRules.build(SCENARIO, Dynamics(), scale_for(Difficulty.easy))
    hard = OutcomeRules.build(SCENARIO, Dynamics(), scale_for(Difficulty.hard))
    assert easy.accept_below_anger > RULES.accept_below_anger > hard.accept_below_anger


def test_agent_ended() -> None:
    out = agent_ended(5, "the agent ended the chat")
    assert out.kind is OutcomeKind.agent_ended
    assert out.turn == 5
