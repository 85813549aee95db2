"""Benchmark one engine turn (assessment + state update + scripted reply) against scoring alone.

Run: ``/work/venv/bin/python bench/bench_engine.py [--sessions N] [--json]``.

Every shipped scenario is played by a varied scripted agent.  Each turn is split in two timed parts:
the offline scorer's ``assess`` on the session's context (the baseline, measured in the same run on the
same turns), then ``submit`` fed that assessment through a replay scorer, timed to its last event (the
engine's own work: state update, disclosure, outcome, intent, scripted reply, events).  A full engine
turn is the sum.  Both wall-clock and thread CPU time are reported: on a shared machine, wall-clock
tails include time the process was not scheduled at all.  Between turns the session is snapshotted to
JSON and restored from it, as the service does, and that is timed too.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from simcoach.content.loader import load_library
from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Scenario
from simcoach.scoring.models import ChatTurn, TurnAssessment
from simcoach.scoring.offline import OfflineScorer
from simcoach.sim.engine import PracticeSession
from simcoach.sim.models import SessionSnapshot

REPO = Path(__file__).resolve().parents[1]
LINES = (
    "That sounds really frustrating, and it makes sense that you feel let down.",
    "Could you tell me a bit more about what happened and when you noticed it?",
    "I'm going to take ownership of this myself and sort it out for you.",
    "Here's what happens next: I'll check your account now and call you back by 4pm today.",
    "It's completely understandable to be upset after being passed around like that.",
    "Which account or card was it on, and what does the letter or screen say?",
    "I'll make sure nothing gets lost this time; I'll handle it personally.",
    "You need to calm down, it's company policy.",
    "I will personally follow this up first thing tomorrow morning.",
    "Let me reassure you: you won't lose anything while I sort this out.",
)


class Replay:
    """A scorer that returns the assessment it was handed (so the engine's own time can be measured)."""

    name = "replay"

    def __init__(self) -> None:
        self.next: TurnAssessment | None = None

    async def assess(
        self,
        *,
        rubric: Rubric,
        rubric_version: str,
        context: Sequence[ChatTurn],
        text: str,
        scenario: Scenario | None = None,
    ) -> TurnAssessment:
        """The assessment set in ``next``."""
        assert self.next is not None
        return self.next


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


async def run(sessions: int) -> dict[str, float | int | str]:
    """Play ``sessions`` sessions per scenario; time the scorer and the engine on every turn."""
    library = load_library([REPO], root=REPO)
    scorer = OfflineScorer()
    replay = Replay()
    keys = ("scorer", "engine", "turn", "scorer_cpu", "turn_cpu", "persist")
    times: dict[str, list[float]] = {k: [] for k in keys}
    for seed in range(sessions):
        for _, scenario in sorted(library.scenarios.items()):
            rubric = library.rubrics[scenario.item.rubric]
            session = PracticeSession.start(
                scenario=scenario,
                persona=library.personas[scenario.item.persona],
                rubric=rubric,
                seed=seed,
                scorer=replay,
            )
            for i in range(scenario.item.end.max_turns):
                if session.finished:
                    break
                text = LINES[(i + seed) % len(LINES)]
                c0, t0 = time.thread_time(), time.perf_counter()
                replay.next = await scorer.assess(
                    rubric=rubric.item,
                    rubric_version=rubric.version,
                    context=session.history,
                    text=text,
                    scenario=scenario.item,
                )
                c1, t1 = time.thread_time(), time.perf_counter()
                async for _event in session.submit(text):
                    pass
                c2, t2 = time.thread_time(), time.perf_counter()
                # What the service does between turns: snapshot to JSON, then restore from it.
                t3 = time.perf_counter()
                wire = session.snapshot().model_dump_json()
                session = PracticeSession.restore(
                    SessionSnapshot.model_validate_json(wire),
                    scenario=scenario,
                    persona=library.personas[scenario.item.persona],
                    rubric=rubric,
                    scorer=replay,
                )
                times["persist"].append((time.perf_counter() - t3) * 1000)
                times["scorer"].append((t1 - t0) * 1000)
                times["engine"].append((t2 - t1) * 1000)
                times["turn"].append((t2 - t0) * 1000)
                times["scorer_cpu"].append((c1 - c0) * 1000)
                times["turn_cpu"].append((c2 - c0) * 1000)
    out: dict[str, float | int | str] = {"turns": len(times["turn"]), "python": sys.version.split()[0]}
    for key, values in times.items():
        out[f"{key}_p50_ms"] = round(percentile(values, 50), 3)
        out[f"{key}_p99_ms"] = round(percentile(values, 99), 3)
    out["turn_mean_ms"] = round(statistics.fmean(times["turn"]), 3)
    out["ratio_p50"] = round(float(out["turn_p50_ms"]) / float(out["scorer_p50_ms"]), 2)
    out["ratio_p99"] = round(float(out["turn_p99_ms"]) / float(out["scorer_p99_ms"]), 2)
    return out


def main() -> None:
    """Parse arguments, warm up, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="sessions per scenario (default 20)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    asyncio.run(run(2))  # warm caches (stemmer, regexes, pydantic validators)
    gc.collect()
    result = asyncio.run(run(args.sessions))
    if args.json:
        print(json.dumps(result))
        return
    r = result
    print(f"engine turns measured: {r['turns']} (Python {r['python']})")
    print(
        f"engine turn, assess + update + scripted reply: p50 {r['turn_p50_ms']} ms, p99 {r['turn_p99_ms']} ms"
    )
    print(f"  of which the engine's own work: p50 {r['engine_p50_ms']} ms, p99 {r['engine_p99_ms']} ms")
    print(f"baseline, the scorer alone: p50 {r['scorer_p50_ms']} ms, p99 {r['scorer_p99_ms']} ms")
    print(f"ratio turn/scorer: p50 {r['ratio_p50']}x, p99 {r['ratio_p99']}x")
    print(f"snapshot to JSON + restore from it: p50 {r['persist_p50_ms']} ms, p99 {r['persist_p99_ms']} ms")
    print(f"thread CPU time per turn: p50 {r['turn_cpu_p50_ms']} ms, p99 {r['turn_cpu_p99_ms']} ms")
    print(
        "target engine-turn p99 < 2 ms:", "met" if float(r["turn_p99_ms"]) < 2.0 else "NOT met (wall clock)"
    )


if __name__ == "__main__":
    main()
