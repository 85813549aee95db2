"""The practice session: the engine owns the customer's state; a renderer only words the reply.

Pure domain code: no web framework, no database.  A session is started from content and a seed, fed
agent turns, and snapshotted as JSON after any turn; restoring the snapshot and continuing gives the
same events as never stopping (with the scripted customer and a deterministic scorer).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator

from simcoach.content.library import Versioned
from simcoach.content.persona import Persona
from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Fact, Scenario
from simcoach.scoring.backend import TurnScorer
from simcoach.scoring.models import ChatTurn, TurnAssessment
from simcoach.sim import disclosure, intents, outcomes
from simcoach.sim.derived import DerivedContent, derived_for
from simcoach.sim.errors import SessionFinished, SnapshotMismatch, TurnInProgress
from simcoach.sim.models import (
    AllowedFact,
    CustomerState,
    EngineEvent,
    Outcome,
    OutcomeReached,
    Renderer,
    RenderRequest,
    SessionSnapshot,
    StateChanged,
    TurnAssessed,
)
from simcoach.sim.render import stream_reply
from simcoach.sim.rng import Rng, seed_state
from simcoach.sim.rules import apply_turn, band_of, state_in_words

RECENT_TURNS = 8
"""How many earlier messages a renderer sees."""


def _detached(snap: SessionSnapshot) -> SessionSnapshot:
    """A copy with its own lists and dicts; their items are immutable models or strings, so sharing them
    is safe and much cheaper than a deep copy (a session carries every assessment)."""

    def own(value: object) -> object:
        if isinstance(value, list):
            return list(value)
        if isinstance(value, dict):
            return {k: own(v) for k, v in value.items()}
        return value

    fields = {k: own(v) for k, v in snap.__dict__.items() if isinstance(v, list | dict)}
    return snap.model_copy(update=fields)


_LEAN = {"assessments"}
"""Snapshot fields a lean snapshot leaves out (stored elsewhere by the caller, never read by a turn)."""


class PracticeSession:
    """One practice chat against a simulated customer; see docs/engine.md."""

    def __init__(self, content: DerivedContent, snap: SessionSnapshot, scorer: TurnScorer) -> None:
        self._c = content
        self._s = snap
        self._scorer = scorer
        self._busy = False

    # ----------------------------------------------------------------- lifecycle

    @classmethod
    def start(
        cls,
        *,
        scenario: Versioned[Scenario],
        persona: Versioned[Persona],
        rubric: Versioned[Rubric],
        seed: int,
        scorer: TurnScorer,
    ) -> PracticeSession:
        """A new session whose history starts with the customer's opening line."""
        content = derived_for(scenario, persona, rubric)
        rng = Rng(seed_state(seed))
        used: list[str] = []
        opening = content.customer.opening(rng, used, band_of(content.rules.baseline))
        snap = SessionSnapshot(
            scenario_id=scenario.item.id,
            scenario_version=scenario.version,
            persona_id=persona.item.id,
            persona_version=persona.version,
            rubric_id=rubric.item.id,
            rubric_version=rubric.version,
            seed=seed,
            turn=0,
            state=content.rules.baseline,
            history=[ChatTurn(role="customer", text=opening)],
            revealed=content.index.said_in(opening),
            used_lines=used,
            offers_made=[],
            disclosures_made=[],
            rng_state=rng.state,
        )
        return cls(content, snap, scorer)

    @classmethod
    def restore(
        cls,
        snapshot: SessionSnapshot,
        *,
        scenario: Versioned[Scenario],
        persona: Versioned[Persona],
        rubric: Versioned[Rubric],
        scorer: TurnScorer,
    ) -> PracticeSession:
        """A session continued from a snapshot; the content must be the same ids and versions."""
        wanted = {
            "scenario": (snapshot.scenario_id, snapshot.scenario_version),
            "persona": (snapshot.persona_id, snapshot.persona_version),
            "rubric": (snapshot.rubric_id, snapshot.rubric_version),
        }
        given = {
            "scenario": (scenario.item.id, scenario.version),
            "persona": (persona.item.id, persona.version),
            "rubric": (rubric.item.id, rubric.version),
        }
        wrong = [
            f"{kind} {given[kind][0]}@{given[kind][1]} (snapshot has {want[0]}@{want[1]})"
            for kind, want in wanted.items()
            if given[kind] != want
        ]
        if wrong:
            raise SnapshotMismatch("cannot restore this session with different content: " + "; ".join(wrong))
        return cls(derived_for(scenario, persona, rubric), _detached(snapshot), scorer)

    def snapshot(self) -> SessionSnapshot:
        """The whole session state (a deep copy, safe to serialise while the session goes on)."""
        return _detached(self._s)

    def snapshot_json(self, *, assessments: bool = True) -> str:
        """The snapshot as JSON text, serialised straight from the live state (no copy).

        With ``assessments=False`` the per-turn assessments are left out: a caller that stores them
        elsewhere (the practice service) keeps the snapshot small. Nothing in a turn reads past
        assessments, so a session restored from it plays on identically; only :attr:`assessments` then
        lists the turns played since the restore.
        """
        if assessments:
            return self._s.model_dump_json()
        return self._s.model_dump_json(exclude=_LEAN)

    def end(self, reason: str = "the agent ended the chat") -> OutcomeReached:
        """End the chat from the agent's side; on a finished session, the existing outcome."""
        if self._s.outcome is None:
            self._s.outcome = outcomes.agent_ended(self._s.turn, reason)
        return OutcomeReached(outcome=self._s.outcome)

    # ----------------------------------------------------------------- properties

    @property
    def turn(self) -> int:
        """Agent turns submitted so far."""
        return self._s.turn

    @property
    def state(self) -> CustomerState:
        """The customer's current state."""
        return self._s.state

    @property
    def outcome(self) -> Outcome | None:
        """How the session ended, or None while it goes on."""
        return self._s.outcome

    @property
    def finished(self) -> bool:
        """Whether the session has ended."""
        return self._s.outcome is not None

    @property
    def history(self) -> list[ChatTurn]:
        """The conversation so far, starting with the customer's opening line."""
        return list(self._s.history)

    @property
    def assessments(self) -> list[TurnAssessment]:
        """The scorer's result for each agent turn so far."""
        return list(self._s.assessments)

    @property
    def opening_text(self) -> str:
        """The customer's opening line."""
        return self._s.history[0].text

    @property
    def scenario(self) -> Scenario:
        """The scenario being played."""
        return self._c.scenario.item

    @property
    def persona(self) -> Persona:
        """The simulated customer's persona."""
        return self._c.persona.item

    @property
    def rubric(self) -> Rubric:
        """The rubric every agent turn is scored against."""
        return self._c.rubric.item

    @property
    def rubric_version(self) -> str:
        """The content version of that rubric."""
        return self._c.rubric.version

    @property
    def revealed(self) -> list[str]:
        """Ids of the facts the customer has stated so far."""
        return list(self._s.revealed)

    # ----------------------------------------------------------------- the turn

    async def submit(self, agent_text: str, renderer: Renderer | None = None) -> AsyncIterator[EngineEvent]:
        """Play one agent turn: assessment, state change, the streamed reply, then any outcome."""
        if self._s.outcome is not None:
            raise SessionFinished(f"the session has ended ({self._s.outcome.kind.value}); start a new one")
        if self._busy:
            raise TurnInProgress("the previous agent turn is still being played; wait for its reply")
        self._busy = True
        turn = self._turn(agent_text, renderer)
        try:
            async for event in turn:
                yield event
        finally:
            await turn.aclose()
            self._busy = False

    async def _turn(self, agent_text: str, renderer: Renderer | None) -> AsyncGenerator[EngineEvent, None]:
        s, c = self._s, self._c
        assessment = await self._scorer.assess(
            rubric=c.rubric.item,
            rubric_version=c.rubric.version,
            context=list(s.history),
            text=agent_text,
            scenario=c.scenario.item,
        )
        if s.outcome is not None:
            raise SessionFinished("the session ended while this turn was being scored")
        turn = s.turn + 1
        before = s.state
        update = apply_turn(before, c.rules, assessment, agent_text, s.signal_counts, set(s.agent_texts_seen))
        after = update.state

        said_before = set(s.revealed)
        offers = outcomes.offers_in(assessment, c.scenario.item)
        required = c.ends.required_facts
        landed_now = [o for o in offers if o in c.ends.resolving_offers and required <= said_before]
        landed = [*s.landed_offers, *(o for o in landed_now if o not in s.landed_offers)]
        streak = s.heated_streak + 1 if c.ends.is_heated(after) else 0
        outcome = outcomes.decide(c.ends, after, turn, landed, streak, update.provoked)

        plan = (
            disclosure.plan(c.index, said_before, after, c.rules.scale.trust_offset, agent_text, assessment)
            if outcome is None
            else disclosure.DisclosurePlan()
        )
        rng = Rng(s.rng_state)
        band = band_of(after)
        intent = intents.choose(
            intents.IntentInputs(
                outcome=outcome,
                before=before,
                after=after,
                band=band,
                assessment=assessment,
                provoked=update.provoked,
                disclosure=plan,
                offer_made=bool(landed_now),
                archetype=c.persona.item.archetype,
                turn=turn,
                roll=rng.random(),
            )
        )
        used = list(s.used_lines)
        facts: list[Fact] = plan.reveal_now
        fired = frozenset(x.kind for x in assessment.signals if x.escalates)
        composed = c.customer.compose(
            intent, band, facts, agent_text, rng, used, quote=intents.trigger_quote(assessment), fired=fired
        )

        # Commit everything but the reply before the first event: a consumer that stops listening
        # mid-stream still leaves a consistent session (the reply is committed in stream_reply).
        known = [self._allowed(f, None) for f in c.index.facts if f.id in said_before]
        agent_turn = ChatTurn(role="agent", text=agent_text)
        request = RenderRequest(
            persona=c.persona.item,
            scenario=c.scenario.item,
            customer_name=c.scenario.item.customer_name,
            intent=intent,
            band=band,
            state=after,
            state_in_words=state_in_words(after),
            reveal_now=[self._allowed(f, composed.fact_lines.get(f.id)) for f in facts],
            known_so_far=known,
            agent_text=agent_text,
            recent_turns=[*s.history[-(RECENT_TURNS - 1) :], agent_turn],
            scripted_line=composed.text,
            turn=turn,
        )
        counts = dict(s.signal_counts)
        for key in update.fired:
            counts[key] = counts.get(key, 0) + 1
        s.turn = turn
        s.state = after
        s.history.append(agent_turn)
        s.assessments.append(assessment)
        s.revealed.extend(f.id for f in facts if f.id not in said_before)
        s.used_lines = used
        s.offers_made.extend(o for o in offers if o not in s.offers_made)
        made = outcomes.disclosures_in(assessment, c.scenario.item)
        s.disclosures_made.extend(d for d in made if d not in s.disclosures_made)
        s.agent_texts_seen.extend(x for x in update.sentences if x not in s.agent_texts_seen)
        s.signal_counts = counts
        s.landed_offers = landed
        s.rng_state = rng.state
        s.heated_streak = streak
        s.outcome = outcome

        yield TurnAssessed(turn=turn, assessment=assessment)
        yield StateChanged(
            turn=turn, before=before, after=after, changes=update.changes, revealed=[f.id for f in facts]
        )
        reply = stream_reply(request, renderer, s.history)
        try:
            async for event in reply:
                yield event
        finally:
            await reply.aclose()  # close now, not at garbage collection, so the reply is committed
        if outcome is not None:
            yield OutcomeReached(outcome=outcome)

    def _allowed(self, fact: Fact, line: str | None) -> AllowedFact:
        if line is None:
            return self._c.known[fact.id]  # built once per session: renderers only read it
        return AllowedFact(id=fact.id, topic=fact.topic, value=fact.value, line=line)
