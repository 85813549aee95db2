"""Score N never-seen turns once, for counting instructions per turn under callgrind (deterministic).

Wall-clock and CPU time move ±5-10 % on a shared machine; the instruction count does not. Run the script
twice under valgrind, with 313 turns and with none, and divide the difference by 313:

    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/scorer_instructions.py 313
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/scorer_instructions.py 0

(instructions per turn = (Collected₃₁₃ − Collected₀) / 313). Both runs load the same modules and warm the
same word caches, so the difference is the scoring alone. The cyclic garbage collector is off for the whole
run: with it on, where its collections fall moved the count by ≈ 6 % per turn between trees that did the
same scoring work (one lexicon entry more or less shifted them). Its cost is real and stays in the
wall-clock benchmark, which runs with it on.
"""

from __future__ import annotations

import argparse
import gc

from bench_scorer import ROOT, _marked, load
from simcoach.content.loader import parse_file
from simcoach.content.rubric import Rubric
from simcoach.scoring.offline import OfflineScorer


def main() -> None:
    """Warm the caches on the whole set, then score ``turns`` of it again as new text."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("turns", type=int, help="how many fresh turns to score (0 for the baseline run)")
    args = parser.parse_args()
    gc.disable()
    loaded = parse_file(ROOT / "rubrics/empathy-core.yaml", "rubric")[0]
    assert loaded is not None
    assert isinstance(loaded.item, Rubric)
    rubric = loaded.item
    items = load(ROOT / "tests/data/contact_center_turns.jsonl", 313)
    scorer = OfflineScorer()
    for it in items:  # the word caches a long run would have: warmed on other text
        scorer.score(rubric=rubric, rubric_version=rubric.version, context=it.context, text=it.text + " ~")
    for it in [_marked(it, " (q)") for it in items[: args.turns]]:
        scorer.score(rubric=rubric, rubric_version=rubric.version, context=it.context, text=it.text)


if __name__ == "__main__":
    main()
