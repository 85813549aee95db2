"""Shared helpers: the test content, a stub scorer, and running one engine turn with a renderer."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from simcoach.content.library import ContentLibrary
from simcoach.content.loader import load_library_or_raise
from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Scenario
from simcoach.content.vocabulary import Band, Intent, Reveal
from simcoach.llm.guardrails import ReplyGuard
from simcoach.llm.renderer import LLMRenderer, reply_guard
from simcoach.providers.base import ChatProvider
from simcoach.scoring.models import ChatTurn, CriterionScore, Feedback, TurnAssessment
from simcoach.sim.engine import PracticeSession
from simcoach.sim.models import (
    AllowedFact,
    CustomerState,
    EngineEvent,
    Renderer,
    RenderRequest,
    ReplyComplete,
    ReplyDelta,
)

CONTENT = Path(__file__).parent / "data" / "content"
SCENARIO = "billing-double-charge"


@cache
def library() -> ContentLibrary:
    """The small content set these tests run against (a frozen copy of shipped content)."""
    return load_library_or_raise(CONTENT)


class StubScorer:
    """Scores every criterion at its lowest level with no signals: the engine's state barely moves."""

    name = "stub/1"

    async def assess(
        self,
        *,
        rubric: Rubric,
        rubric_version: str,
        context: Sequence[ChatTurn],
        text: str,
        scenario: Scenario | None = None,
    ) -> TurnAssessment:
        """An assessment with no signals."""
        scores = {
            c.id: CriterionScore(
                criterion_id=c.id,
                level=0,
                max_level=c.max_level,
                confidence=1.0,
                feedback=Feedback(better_line="Tell me more."),
            )
            for c in rubric.criteria
        }
        return TurnAssessment(
            rubric_id=rubric.id, rubric_version=rubric_version, scorer=self.name, text=text, scores=scores
        )


def new_session(seed: int = 7) -> PracticeSession:
    """A fresh session on the test scenario."""
    lib = library()
    scenario = lib.scenarios[SCENARIO]
    return PracticeSession.start(
        scenario=scenario,
        persona=lib.personas[scenario.item.persona],
        rubric=lib.rubrics[scenario.item.rubric],
        seed=seed,
        scorer=StubScorer(),
    )


def renderer(provider: ChatProvider, *, reply_deadline_s: float = 60.0) -> LLMRenderer:
    """An LLM renderer on the test content."""
    return LLMRenderer(provider, model="fake-model", reply_deadline_s=reply_deadline_s)


def request_for(agent_text: str) -> RenderRequest:
    """A render request as the engine would build it for turn 1 of the test scenario."""
    lib = library()
    scenario = lib.scenario(SCENARIO)
    persona = lib.persona(scenario.persona)
    said = [f for f in scenario.facts if f.reveal is Reveal.volunteered]
    return RenderRequest(
        persona=persona,
        scenario=scenario,
        customer_name=scenario.customer_name,
        intent=Intent.pushback,
        band=Band.heated,
        state=CustomerState(anger=0.7, anxiety=0.25, trust=0.2, patience=0.55),
        state_in_words="angry, a little worried, distrustful, impatient",
        reveal_now=[],
        known_so_far=[AllowedFact(id=f.id, topic=f.topic, value=f.value, line=f.say[0]) for f in said],
        agent_text=agent_text,
        recent_turns=[
            ChatTurn(role="customer", text=scenario.opening_lines[0]),
            ChatTurn(role="agent", text=agent_text),
        ],
        scripted_line="Just sort it out.",
        turn=1,
    )


def guard_for(agent_text: str) -> ReplyGuard:
    """The guard the renderer would use for this agent text on turn 1."""
    return reply_guard(request_for(agent_text))


class Turn:
    """Everything one turn emitted, with the reply as the agent would see it."""

    def __init__(self, events: list[EngineEvent]) -> None:
        self.events = events
        self.deltas = [e for e in events if isinstance(e, ReplyDelta)]
        completes = [e for e in events if isinstance(e, ReplyComplete)]
        assert len(completes) == 1, events
        self.reply = completes[0]

    def seen_text(self) -> str:
        """Every piece the agent was ever shown this turn, including pieces later reset."""
        return "".join(d.text for d in self.deltas)

    def segments(self) -> list[str]:
        """The pieces shown between resets, each as one text."""
        out = [""]
        for d in self.deltas:
            if d.reset:
                out.append("")
            out[-1] += d.text
        return out

    def final_text(self) -> str:
        """The reply after applying resets, as a client would show it."""
        text = ""
        for d in self.deltas:
            text = d.text if d.reset else text + d.text
        return text


async def play(session: PracticeSession, agent_text: str, customer: Renderer | None) -> Turn:
    """Submit one agent turn and collect its events."""
    return Turn([e async for e in session.submit(agent_text, customer)])
