"""``simcoach eval --backend llm|hybrid``: the same agreement report as the offline eval, scored async.

The judge is async (it calls a model), so the turns are scored concurrently here (the provider's cap
still bounds requests) and counted exactly as :func:`simcoach.scoring.evaluate.evaluate` counts them.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from simcoach.content.rubric import Rubric
from simcoach.scoring.backend import TurnScorer
from simcoach.scoring.evaluate import BASELINES, BadLine, Confusion, Item, Report, read_items
from simcoach.scoring.models import TurnAssessment


def _count(report: Report, item: Item, result: TurnAssessment) -> None:
    """Add one scored item to the report (the offline eval's rules: level >= 1 counts as positive)."""
    report.items += 1
    group = report.by_group.setdefault(item.group or "(none)", Counter())
    group["_n"] += 1
    for skill in report.skills:
        score = result.scores.get(skill)
        level = score.level if score is not None and score.applicable else 0
        fired = level >= 1
        if fired:
            group[skill] += 1
        if skill not in item.labels:
            continue
        gold = item.labels[skill]
        report.scorer[skill].add(fired, gold >= 1)
        if skill in BASELINES:
            report.baseline[skill].add(BASELINES[skill][1](item.text), gold >= 1)
        report.level_pairs[skill].append((level, gold))


async def evaluate_with(
    scorer: TurnScorer,
    path: Path,
    rubric: Rubric,
    *,
    progress: Callable[[int], None] | None = None,
    concurrency: int = 8,
) -> Report:
    """Score every labelled turn in ``path`` with ``scorer`` and compare with its labels."""
    skills = [c.id for c in rubric.criteria]
    report = Report(
        skills=skills,
        scorer={s: Confusion() for s in skills},
        baseline={s: Confusion() for s in skills},
        by_group={},
        level_pairs={s: [] for s in skills},
        max_levels={c.id: c.max_level for c in rubric.criteria},
        bad_lines=[],
    )
    items: list[Item] = []
    for got in read_items(path):
        if isinstance(got, BadLine):
            report.bad_lines.append(got)
        else:
            items.append(got)
    gate = asyncio.Semaphore(concurrency)
    done = 0

    async def one(item: Item) -> TurnAssessment:
        nonlocal done
        async with gate:
            result = await scorer.assess(
                rubric=rubric, rubric_version=rubric.version, context=item.context, text=item.text
            )
        done += 1
        if progress is not None:
            progress(done)
        return result

    results = await asyncio.gather(*(one(item) for item in items))
    for item, result in zip(items, results, strict=True):
        _count(report, item, result)
    return report


def backend_summary(scorer: TurnScorer) -> str:
    """One line on how the judge did: calls, fallbacks, and for hybrid how many criteria it decided."""
    from simcoach.llm.hybrid import HybridScorer
    from simcoach.llm.judge import LLMJudge

    judge = scorer.judge if isinstance(scorer, HybridScorer) else scorer
    parts: list[str] = []
    if isinstance(judge, LLMJudge):
        parts.append(
            f"judge calls {judge.calls}, turns fallen back to offline {judge.failures}, "
            f"cache hits {judge.cache.hits}, tokens {judge.prompt_tokens} prompt + "
            f"{judge.completion_tokens} completion"
        )
    if isinstance(scorer, HybridScorer):
        parts.append(
            f"criteria decided by the judge {scorer.judged_criteria}, offline {scorer.offline_criteria}"
        )
    return "; ".join(parts)
