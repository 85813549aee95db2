"""``simcoach eval --backend llm|hybrid``: the same agreement report as the offline eval, scored async.

The judge is async (it calls a model), so the turns are scored concurrently here (the provider's cap
still bounds requests) and counted exactly as :func:`simcoach.scoring.evaluate.evaluate` counts them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from simcoach.content.rubric import Rubric
from simcoach.scoring.backend import TurnScorer
from simcoach.scoring.evaluate import BadLine, Item, Report, read_items
from simcoach.scoring.models import TurnAssessment


async def evaluate_with(
    scorer: TurnScorer,
    path: Path,
    rubric: Rubric,
    *,
    progress: Callable[[int], None] | None = None,
    concurrency: int = 8,
) -> Report:
    """Score every labelled turn in ``path`` with ``scorer`` and compare with its labels."""
    report = Report.empty(rubric)
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
        report.count(item, result)
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
