"""What one step of a live session gives back: an accepted agent turn, a committed reply, an end."""

from __future__ import annotations

from dataclasses import dataclass

from simcoach.scoring.models import Scorecard, TurnAssessment
from simcoach.sim.models import Outcome, ReplyComplete, StateChanged


@dataclass(frozen=True)
class Accepted:
    """An agent message that is committed (now or by an earlier send of the same client id)."""

    turn_id: int
    seq: int
    agent_turn: int
    client_message_id: str
    duplicate: bool
    needs_reply: bool


@dataclass(frozen=True)
class TurnCommitted:
    """The customer's reply and everything else the turn produced, all committed."""

    agent_turn: int
    agent_turn_id: int
    reply_turn_id: int
    seq: int
    reply: ReplyComplete
    assessment: TurnAssessment
    state: StateChanged
    outcome: Outcome | None
    scorecard: Scorecard | None


@dataclass(frozen=True)
class Ended:
    """The session's end, committed."""

    outcome: Outcome
    scorecard: Scorecard | None
