"""Benchmark the offline scorer: turns per second on one core, p50/p99 per turn, against a '?' baseline.

Run: /work/venv/bin/python bench/bench_scorer.py [DATA.jsonl] [--turns N]
With no data file it scores the project's own labelled set (tests/data/contact_center_turns.jsonl),
cycled to N turns. Caches are warmed on a first pass, as in a long batch run. Throughput is turns per
second of CPU time of this process (one core; the machine is shared, so wall time is noisier); p50/p99 are
wall-clock per turn.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from simcoach.content.loader import parse_file
from simcoach.content.rubric import Rubric
from simcoach.scoring.evaluate import Item, read_items
from simcoach.scoring.models import ChatTurn
from simcoach.scoring.offline import OfflineScorer

ROOT = Path(__file__).resolve().parents[1]
QUESTION = re.compile(r"\?")


def load(path: Path, limit: int) -> list[Item]:
    """Up to ``limit`` items, cycling the file when it is shorter.

    Each cycle marks every message with its cycle number, so no text repeats and no cache can make a
    repeated pass look faster than a real stream of new transcripts.
    """
    items = [it for it in read_items(path) if isinstance(it, Item)]
    out: list[Item] = []
    for n in range(limit):
        it = items[n % len(items)]
        k = n // len(items)
        if k:
            mark = f" [{k}]"
            context = [ChatTurn(role=t.role, text=t.text + mark) for t in it.context]
            it = Item(id=f"{it.id}#{k}", context=context, text=it.text + mark, labels=it.labels)
        out.append(it)
    return out


def _marked(it: Item, mark: str) -> Item:
    context = [ChatTurn(role=t.role, text=t.text + mark) for t in it.context]
    return Item(id=it.id, context=context, text=it.text + mark, labels=it.labels)


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile of a list (nearest rank)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> None:
    """Parse arguments, run the baseline and the scorer, print one Markdown table row per run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", nargs="?", type=Path, default=ROOT / "tests/data/contact_center_turns.jsonl")
    parser.add_argument("--turns", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3, help="timed passes, new text each")
    parser.add_argument("--rubric", type=Path, default=ROOT / "rubrics/empathy-core.yaml")
    args = parser.parse_args()
    loaded = parse_file(args.rubric, "rubric")[0]
    assert loaded is not None, f"rubric {args.rubric} does not load"
    rubric = loaded.item
    assert isinstance(rubric, Rubric)
    items = load(args.data, args.turns)
    scorer = OfflineScorer()
    # warm the word-stem cache on other text, as any long run would; the timed turns are all new
    for it in load(args.data, 2000):
        scorer.score(rubric=rubric, rubric_version=rubric.version, context=it.context, text=it.text + " ~")

    cpu0 = time.process_time()
    fired = sum(1 for it in items if QUESTION.search(it.text))
    base_cpu = max(time.process_time() - cpu0, 1e-9)

    best_cpu = float("inf")
    per_turn: list[float] = []
    for r in range(args.rounds):
        times: list[float] = []
        fresh = [_marked(it, f" ({r})") for it in items]
        cpu0 = time.process_time()
        for it in fresh:
            t0 = time.perf_counter()
            scorer.score(rubric=rubric, rubric_version=rubric.version, context=it.context, text=it.text)
            times.append(time.perf_counter() - t0)
        cpu = time.process_time() - cpu0
        if cpu < best_cpu:
            best_cpu, per_turn = cpu, times
    n = len(items)
    rate = n / best_cpu
    base_rate = n / base_cpu
    print("| data | turns | turns/s (one core, CPU time) | p50 µs | p99 µs | baseline '?' turns/s | ratio |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {args.data.name} | {n:,} | {rate:,.0f} | {percentile(per_turn, 50) * 1e6:.0f} | "
        f"{percentile(per_turn, 99) * 1e6:.0f} | {base_rate:,.0f} | {base_rate / rate:,.0f}× slower |"
    )
    _ = fired


if __name__ == "__main__":
    main()
