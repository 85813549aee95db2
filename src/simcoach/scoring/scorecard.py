"""The session scorecard: per-criterion aggregates, weighted overall, pass/fail and what to do next."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from simcoach.content.rubric import Aggregate, CriticalRule, Rubric
from simcoach.content.scenario import Scenario
from simcoach.content.vocabulary import Measure, SignalKind
from simcoach.scoring.models import (
    CriterionSummary,
    CriticalFailureHit,
    Improvement,
    Scorecard,
    TurnAssessment,
)

_STRENGTH_AT = 75.0


def _level(
    a: TurnAssessment, turn: int, cid: str, overrides: Mapping[tuple[int, str], int]
) -> tuple[int | None, bool]:
    """(level or None when not applicable, overridden?) for one turn and criterion."""
    score = a.scores.get(cid)
    if (turn, cid) in overrides:
        top = score.max_level if score is not None else overrides[(turn, cid)]
        return max(0, min(top, overrides[(turn, cid)])), True
    if score is None or not score.applicable:
        return None, False
    return score.level, False


def _session_level(
    aggregate: Aggregate, levels: list[int], best: int, undone: list[tuple[int, int]]
) -> float:
    """The criterion's level for the session (``levels`` is not empty; ``best`` is its highest)."""
    if aggregate is Aggregate.best:
        # shown once is shown, unless another turn undid it: "calm down" after a fine apology
        return float(min([best, *(level for level, _ in undone)]))
    return sum(levels) / len(levels)


def _strength(name: str, aggregate: Aggregate, percent: float, applicable: int, best_turn: int) -> str:
    """A strength line: the mean over the turns, or the turn a "best" skill was shown at its best."""
    if aggregate is Aggregate.best:
        return f"{name}: {percent:.0f}%, at its best on turn {best_turn + 1}."
    return f"{name}: {percent:.0f}% over {applicable} turn(s)."


def _best_gap(
    cid: str, order: int, weight: float, share: float, best_turn: int, undone: list[tuple[int, int]]
) -> list[tuple[float, int, int, str]]:
    """A "best" criterion's one gap: at the turn that undid it, else at its best turn (where doing better
    would raise the score); none when it was shown in full."""
    if share >= 1.0:
        return []
    if undone:
        return [(-(1.0 - share) * weight * 1.5, min(undone)[1], order, cid)]
    return [(-(1.0 - share) * weight, best_turn, order, cid)]


def _disclosed_share(assessments: Sequence[TurnAssessment], scenario: Scenario | None) -> float | None:
    """The share of the scenario's required disclosures made so far (None when it requires none)."""
    if scenario is None or not scenario.required_disclosures:
        return None
    made = _disclosures_made(assessments)
    required = scenario.required_disclosures
    return sum(1 for d in required if d.id in made) / len(required)


def _disclosures_made(assessments: Sequence[TurnAssessment]) -> set[str]:
    return {s.detail for a in assessments for s in a.of(SignalKind.disclosure_made)}


def _critical(
    rubric: Rubric, assessments: Sequence[TurnAssessment], scenario: Scenario | None
) -> list[CriticalFailureHit]:
    hits: list[CriticalFailureHit] = []
    for rule in rubric.critical_failures:
        if rule.rule is CriticalRule.missing_required_disclosure:
            if scenario is None or not scenario.required_disclosures:
                continue
            made = _disclosures_made(assessments)
            missing = [d for d in scenario.required_disclosures if d.id not in made]
            if missing:
                names = "; ".join(d.description for d in missing)
                hits.append(CriticalFailureHit(id=rule.id, description=f"{rule.description} ({names})"))
            continue
        kind = SignalKind.forbidden_offer if rule.rule is CriticalRule.forbidden_offer else rule.signal
        for i, a in enumerate(assessments):
            if kind is not None and a.has(kind):
                hits.append(CriticalFailureHit(id=rule.id, description=rule.description, turn=i))
                break
    return hits


def build_scorecard(
    *,
    rubric: Rubric,
    rubric_version: str,
    assessments: Sequence[TurnAssessment],
    scenario: Scenario | None = None,
    overrides: Mapping[tuple[int, str], int] | None = None,
) -> Scorecard:
    """Aggregate turn assessments (indices are positions in ``assessments``) into a session scorecard."""
    overrides = overrides or {}
    summaries: list[CriterionSummary] = []
    gaps: list[tuple[float, int, int, str]] = []  # (-weighted gap, turn, order, criterion id)
    weighted = 0.0
    total_weight = 0.0
    strengths: list[str] = []
    disclosed = _disclosed_share(assessments, scenario)
    for order, c in enumerate(rubric.criteria):
        levels: list[int] = []
        best, best_turn = -1, -1  # the highest level and the first turn that reached it
        undone: list[tuple[int, int]] = []  # (level, turn) where one of the criterion's triggers fired
        touched = False
        for turn, a in enumerate(assessments):
            level, was_overridden = _level(a, turn, c.id, overrides)
            touched = touched or was_overridden
            if level is None:
                continue
            levels.append(level)
            if level > best:
                best, best_turn = level, turn
            # a turn that escalated (a trigger this criterion watches for) is the more urgent fix
            urgent = any(s.escalates and s.kind in c.signals for s in a.signals)
            if urgent:
                undone.append((level, turn))
            gap = (c.max_level - level) / c.max_level
            if gap > 0 and c.aggregate is Aggregate.mean:  # a "best" criterion offers one gap, below
                gaps.append((-gap * c.weight * (1.5 if urgent else 1.0), turn, order, c.id))
        mean = sum(levels) / len(levels) if levels else None
        value = _session_level(c.aggregate, levels, best, undone) if levels else None
        if value is not None and c.measure is Measure.disclosure and disclosed is not None:
            # the turns score the disclosures they make; one never made caps the session's share
            value = min(value, disclosed * c.max_level)
        percent = round(100.0 * value / c.max_level, 1) if value is not None else None
        if c.aggregate is Aggregate.best and value is not None:
            gaps.extend(_best_gap(c.id, order, c.weight, value / c.max_level, best_turn, undone))
        summaries.append(
            CriterionSummary(
                criterion_id=c.id,
                name=c.name,
                weight=c.weight,
                mean_level=round(mean, 3) if mean is not None else None,
                max_level=c.max_level,
                aggregate=c.aggregate.value,
                session_level=round(value, 3) if value is not None else None,
                percent=percent,
                applicable_turns=len(levels),
                overridden=touched,
            )
        )
        if percent is not None:
            weighted += c.weight * percent
            total_weight += c.weight
            if percent >= _STRENGTH_AT:
                strengths.append(_strength(c.name, c.aggregate, percent, len(levels), best_turn))
    overall = round(weighted / total_weight, 1) if total_weight else 0.0
    critical = _critical(rubric, assessments, scenario)
    return Scorecard(
        rubric_id=rubric.id,
        rubric_version=rubric_version,
        criteria=summaries,
        overall_percent=overall,
        pass_mark=rubric.pass_mark,
        passed=overall >= rubric.pass_mark and not critical,
        critical_failures=critical,
        strengths=strengths,
        improvements=_improvements(rubric, assessments, sorted(gaps)),
    )


def _improvements(
    rubric: Rubric, assessments: Sequence[TurnAssessment], gaps: list[tuple[float, int, int, str]]
) -> list[Improvement]:
    """Top three: the biggest weighted gaps, one per criterion first, each pointing at its turn."""
    chosen: list[tuple[float, int, int, str]] = []
    used: set[str] = set()
    for g in gaps:
        if g[3] not in used:
            chosen.append(g)
            used.add(g[3])
        if len(chosen) == 3:
            break
    for g in gaps:
        if len(chosen) == 3:
            break
        if g not in chosen:
            chosen.append(g)
    out: list[Improvement] = []
    for _, turn, _, cid in chosen:
        score = assessments[turn].scores.get(cid)
        name = rubric.criterion(cid).name
        if score is None:
            continue
        message = score.feedback.missing or score.reason or f"Raise {name}."
        out.append(
            Improvement(
                criterion_id=cid,
                turn=turn,
                message=f"{name} (turn {turn + 1}): {message}",
                better_line=score.feedback.better_line,
            )
        )
    return out
