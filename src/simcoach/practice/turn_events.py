"""What the engine produced for one agent turn, gathered from its events as the reply goes out."""

from __future__ import annotations

from collections.abc import AsyncIterator

from simcoach.practice import engine_io
from simcoach.sim.engine import PracticeSession
from simcoach.sim.models import Outcome, OutcomeReached, ReplyComplete, ReplyDelta, StateChanged, TurnAssessed


class TurnEvents:
    """What the engine produced for one agent turn, gathered from its events."""

    def __init__(self) -> None:
        self.assessed: TurnAssessed | None = None
        self.changed: StateChanged | None = None
        self.complete: ReplyComplete | None = None
        self.outcome: Outcome | None = None

    async def play(
        self, engine: PracticeSession, text: str, backends: engine_io.Backends
    ) -> AsyncIterator[ReplyDelta]:
        """Submit ``text`` and yield the reply's deltas as they should go out; gather everything else."""
        # The scripted customer has its whole line at once: one delta frame, not one per few words.
        # A live (LLM) customer's pieces go out as they arrive.
        held: list[ReplyDelta] | None = [] if backends.renderer is None else None
        async for event in engine.submit(text, backends.renderer):
            if isinstance(event, ReplyDelta):
                if held is None:
                    yield event
                else:
                    held = [event] if event.reset else [*held, event]  # nothing held was sent
            elif isinstance(event, ReplyComplete):
                self.complete = event
                if held:
                    yield ReplyDelta(turn=event.turn, text="".join(d.text for d in held))
            elif isinstance(event, TurnAssessed):
                self.assessed = event
            elif isinstance(event, StateChanged):
                self.changed = event
            elif isinstance(event, OutcomeReached):
                self.outcome = event.outcome

    def done(self) -> tuple[TurnAssessed, StateChanged, ReplyComplete, Outcome | None]:
        """The assessment, state change, reply and outcome; an error if the engine left one out."""
        if self.assessed is None or self.changed is None or self.complete is None:
            raise RuntimeError("engine ended a turn without assessment, state and reply")
        return self.assessed, self.changed, self.complete, self.outcome
