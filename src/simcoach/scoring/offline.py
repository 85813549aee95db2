"""The offline scorer: deterministic signals → rubric levels → evidence and feedback, no network."""

from __future__ import annotations

from collections.abc import Sequence

from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Scenario
from simcoach.content.vocabulary import SignalKind, members
from simcoach.scoring.feedback import build_feedback
from simcoach.scoring.levels import Judgement, Plan, Sigs, applicable, plans, repeat_peak
from simcoach.scoring.models import ChatTurn, CriterionScore, Signal, Span, TurnAssessment, prebuilt
from simcoach.scoring.signals import TurnInput, prepare
from simcoach.scoring.signals.asides import drop_asides
from simcoach.scoring.signals.deescalation import (
    apology_signals,
    ignored_question,
    support_signals,
    trigger_signals,
)
from simcoach.scoring.signals.gaming import gaming_signals, personalisation_signals, repeated_runs
from simcoach.scoring.signals.mirroring import mirroring_signals
from simcoach.scoring.signals.probing import find_questions, probing_signals
from simcoach.scoring.signals.scenario import scenario_signals

VERSION = "1.0"
K = members(SignalKind)  # plain attributes: see members()
_NEEDS_REVIEW_BELOW = 0.6
_ANSWERS = frozenset(
    {K.explanation, K.time_frame, K.next_step, K.ownership, K.alternative, K.specific_apology}
)


def detect(t: TurnInput) -> list[Signal]:
    """Every signal in the agent turn, in a fixed order (probing, mirroring, de-escalation, gaming)."""
    questions = find_questions(t.agent)
    signals = probing_signals(t, questions)
    signals += mirroring_signals(t, frozenset(q.start for q in questions if q.role == "probe"))
    signals += trigger_signals(t)
    signals += apology_signals(t)
    signals += support_signals(t)
    signals += ignored_question(t, [s for s in signals if s.kind in _ANSWERS])
    signals += personalisation_signals(t)
    signals += gaming_signals(t, signals)
    if t.scenario is not None:
        signals += scenario_signals(t.agent, t.scenario)
    return _drop_false_reflections(t, drop_asides(t.agent, signals))


_NOT_REFLECTING = frozenset(
    {K.blame, K.policy_hiding, K.cant_help, K.dismissive, K.understand_but, K.already_said}
)


def _drop_false_reflections(t: TurnInput, signals: list[Signal]) -> list[Signal]:
    """A restatement used to blame, refuse or explain is not a reflection: drop those in such sentences."""
    blocked: list[tuple[int, int]] = []
    for s in signals:
        if s.kind in _NOT_REFLECTING and s.span is not None:
            sentence = t.agent.sentence_at(s.span.start)
            if sentence is not None:
                blocked.append((sentence.start, sentence.end))
    if not blocked:
        return signals
    return [
        s
        for s in signals
        if not (
            s.kind in (K.content_reflection, K.feeling_reflection)
            and s.span is not None
            and any(lo <= s.span.start < hi for lo, hi in blocked)
        )
    ]


def _discounted(t: TurnInput, signals: list[Signal], kinds: list[SignalKind]) -> set[int]:
    """Indices of positive signals that sit inside a formula pasted from earlier agent turns."""
    repeated = K.repeated_formula
    if repeated not in kinds:
        return set()
    runs = repeated_runs(t)
    out: set[int] = set()
    for i, s in enumerate(signals):
        if s.span is None or kinds[i] is repeated:
            continue
        length = max(1, s.span.end - s.span.start)
        for start, end, _peak in runs:
            inside = max(0, min(end, s.span.end) - max(start, s.span.start))
            if inside >= 0.6 * length:
                out.add(i)
                break
    return out


def judge(
    p: Plan, t: TurnInput, signals: list[Signal], kinds: list[SignalKind], discount: set[int]
) -> Judgement:
    """The criterion's level: the repeated part of a turn earns less the second time, nothing the third."""
    fresh = p.judge(p.criterion, Sigs(signals, kinds, p.allowed, discount), t)
    if not discount:
        return fresh
    peak = repeat_peak(signals)
    if peak >= 2:
        return fresh
    once = p.judge(p.criterion, Sigs(signals, kinds, p.allowed, set()), t)
    if once.level - 1 > fresh.level:
        once.level -= 1
        once.reason = f"{once.reason} (repeated from an earlier turn, so it earns less)"
        return once
    return fresh


def _evidence(j: Judgement) -> list[Span]:
    spans: list[Span] = []
    seen: set[tuple[int, int, str]] = set()
    for s in j.evidence:
        if s.span is not None and (s.span.start, s.span.end, "a") not in seen:
            seen.add((s.span.start, s.span.end, "a"))
            spans.append(s.span)
        for r in s.reflects:
            key = (r.start, r.end, f"c{r.turn}")
            if key not in seen:
                seen.add(key)
                spans.append(r)
    spans.extend(j.spans)
    return spans


_SCORE_FIELDS = frozenset(CriterionScore.model_fields)
# the fields a caller would have passed: the token counts keep their defaults (0 offline)
_ASSESSMENT_GIVEN = frozenset({"rubric_id", "rubric_version", "scorer", "text", "scores", "signals"})


class OfflineScorer:
    """Scores agent turns against a rubric with deterministic, explainable rules (no network, no model)."""

    name = f"offline/{VERSION}"

    def score(
        self,
        *,
        rubric: Rubric,
        rubric_version: str,
        context: Sequence[ChatTurn],
        text: str,
        scenario: Scenario | None = None,
    ) -> TurnAssessment:
        """Assess one agent turn given the conversation before it."""
        t = prepare(context, text, scenario)
        signals = detect(t)
        kinds = [s.kind for s in signals]  # read once: the criteria below ask for them many times
        discount = _discounted(t, signals, kinds)
        scores: dict[str, CriterionScore] = {}
        for p in plans(rubric):
            ok, why_not = applicable(p.criterion, t, signals)
            j = judge(p, t, signals, kinds, discount)
            ok = ok and j.applicable
            level = j.level if ok else 0
            evidence = _evidence(j) if ok and level > 0 else []
            if level > 0 and not any(e.source == "agent" for e in evidence):
                level = 0  # a level above zero must point at the agent's own words
            confidence = round(j.confidence if ok else 0.9, 3)
            values = {
                "criterion_id": p.id,
                "level": level,
                "max_level": p.top,
                "applicable": ok,
                "confidence": confidence,
                "needs_review": ok and confidence < _NEEDS_REVIEW_BELOW,
                "evidence": evidence,
                "feedback": build_feedback(p, j, t, kinds),
                "reason": j.reason if ok else f"Not applicable: {why_not or j.reason}.",
            }
            scores[p.id] = prebuilt(CriterionScore, values, _SCORE_FIELDS)
        # built, not validated (≈ 3 % of a turn): every value is valid by construction, as for the spans and
        # signals; tests/scoring/test_prebuilt.py checks the result equals the validated model on every
        # turn of the contact-center set
        assessment = {
            "rubric_id": rubric.id,
            "rubric_version": rubric_version,
            "scorer": self.name,
            "text": text,
            "scores": scores,
            "signals": signals,
            "prompt_tokens": 0,
            "completion_tokens": 0,
        }
        return prebuilt(TurnAssessment, assessment, _ASSESSMENT_GIVEN)

    async def assess(
        self,
        *,
        rubric: Rubric,
        rubric_version: str,
        context: Sequence[ChatTurn],
        text: str,
        scenario: Scenario | None = None,
    ) -> TurnAssessment:
        """Async form of :meth:`score` so the offline scorer satisfies :class:`TurnScorer`."""
        return self.score(
            rubric=rubric, rubric_version=rubric_version, context=context, text=text, scenario=scenario
        )
