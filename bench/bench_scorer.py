"""Benchmark the offline scorer: turns per second on one core, p50/p99 per turn, against a '?' baseline.

Run: /work/venv/bin/python bench/bench_scorer.py [DATA.jsonl] [--turns N]
With no data file it scores the project's own labelled set (tests/data/contact_center_turns.jsonl),
cycled to N turns. Caches are warmed on a first pass, as in a long batch run.
"""

from __future__ import annotations

import argparse
import itertools
import re
import statistics
import time
from pathlib import Path

from simcoach.content.loader import parse_file
from simcoach.content.rubric import Rubric
from simcoach.scoring.evaluate import Item, read_items
from simcoach.scoring.offline import OfflineScorer

ROOT = Path(__file__).resolve().parents[1]
QUESTION = re.compile(r"\?")


def load(path: Path, limit: int) -> list[Item]:
    """Up to ``limit`` items, cycling the file when it is shorter."""
    items = [it for it in read_items(path) if isinstance(it, Item)]
    return list(itertools.islice(itertools.cycle(items), limit))


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile of a list (nearest rank)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> None:
    """Parse arguments, run the baseline and the scorer, print one Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", nargs="?", type=Path, default=ROOT / "tests/data/contact_center_turns.jsonl")
    parser.add_argument("--turns", type=int, default=20_000)
    parser.add_argument("--rubric", type=Path, default=ROOT / "rubrics/empathy-core.yaml")
    args = parser.parse_args()
    loaded = parse_file(args.rubric, "rubric")[0]
    assert loaded is not None, f"rubric {args.rubric} does not load"
    rubric = loaded.item
    assert isinstance(rubric, Rubric)
    items = load(args.data, args.turns)
    scorer = OfflineScorer()
    for it in items[:2000]:  # warm the stem and analysis caches, as a long batch run would
        scorer.score(rubric=rubric, rubric_version=rubric.version, context=it.context, text=it.text)

    start = time.perf_counter()
    fired = sum(1 for it in items if QUESTION.search(it.text))
    base_s = time.perf_counter() - start

    per_turn: list[float] = []
    start = time.perf_counter()
    for it in items:
        t0 = time.perf_counter()
        scorer.score(rubric=rubric, rubric_version=rubric.version, context=it.context, text=it.text)
        per_turn.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    n = len(items)
    print("| data | turns | turns/s | p50 µs | p99 µs | mean µs | baseline '?' turns/s | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.data.name} | {n} | {n / total:,.0f} | {percentile(per_turn, 50) * 1e6:.0f} | "
        f"{percentile(per_turn, 99) * 1e6:.0f} | {statistics.fmean(per_turn) * 1e6:.0f} | "
        f"{n / base_s:,.0f} | {(n / base_s) / (n / total):,.0f}× slower |"
    )
    _ = fired


if __name__ == "__main__":
    main()
