"""Measured validity: agreement with human labels beside trivial baselines measured in the same run."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simcoach.content.rubric import Rubric
from simcoach.scoring.models import ChatTurn, TurnAssessment
from simcoach.scoring.offline import OfflineScorer

# The naive rules the research notes measured: '?'; stock reflection stems; "sorry" / "I understand".
BASELINES: dict[str, tuple[str, Callable[[str], bool]]] = {
    "probing": ("contains '?'", lambda text: "?" in text),
    "mirroring": (
        "stock stems ('it sounds like', 'so you', 'what I hear', 'you feel')",
        lambda text: re.search(r"\b(?:it sounds like|so you|what i hear|you feel)\b", text, re.I) is not None,
    ),
    "deescalation": (
        "'sorry' or 'I understand'",
        lambda text: re.search(r"\b(?:sorry|i understand)\b", text, re.I) is not None,
    ),
}


class BadLine(ValueError):
    """A malformed input line, with its 1-based line number."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class Item:
    """One agent turn to score: its id, the conversation before it, the text, and optional labels."""

    id: str
    context: list[ChatTurn]
    text: str
    labels: dict[str, int] = field(default_factory=dict)
    group: str = ""


def parse_item(raw: str, line: int) -> Item:
    """Parse and check one JSONL line of the score-turns / eval format."""
    try:
        data: Any = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BadLine(line, f"not valid JSON ({exc.msg.removesuffix(' at')}, column {exc.colno})") from None
    if not isinstance(data, dict):
        raise BadLine(line, "expected a JSON object")
    item_id, text, context = data.get("id"), data.get("text"), data.get("context", [])
    if not isinstance(item_id, str | int) or isinstance(item_id, bool):
        raise BadLine(line, "'id' must be a string")
    if not isinstance(text, str):
        raise BadLine(line, "'text' must be a string (the agent turn)")
    if not isinstance(context, list):
        raise BadLine(line, "'context' must be a list of {role, text}")
    turns: list[ChatTurn] = []
    for i, turn in enumerate(context):
        if not isinstance(turn, dict) or turn.get("role") not in ("customer", "agent"):
            raise BadLine(line, f"context[{i}] needs role 'customer' or 'agent'")
        if not isinstance(turn.get("text"), str):
            raise BadLine(line, f"context[{i}].text must be a string")
        turns.append(ChatTurn(role=turn["role"], text=turn["text"]))
    labels_raw = data.get("labels") or {}
    labels = {str(k): int(v) for k, v in labels_raw.items() if isinstance(v, int | float)}
    orig = data.get("orig") or {}
    group = str(orig.get("strategy") or orig.get("case") or "") if isinstance(orig, dict) else ""
    return Item(id=str(item_id), context=turns, text=text, labels=labels, group=group)


def read_items(path: Path) -> Iterator[Item | BadLine]:
    """Stream items from a JSONL file one line at a time; a bad line yields a BadLine and reading goes on."""
    with path.open(encoding="utf-8") as handle:
        for n, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                yield parse_item(raw, n)
            except BadLine as exc:
                yield exc


@dataclass(slots=True)
class Confusion:
    """A 2×2 table of predictions against labels."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, pred: bool, gold: bool) -> None:
        """Count one prediction."""
        if pred and gold:
            self.tp += 1
        elif pred:
            self.fp += 1
        elif gold:
            self.fn += 1
        else:
            self.tn += 1

    def metrics(self) -> dict[str, float]:
        """Precision, recall, F1 and Cohen's kappa."""
        n = self.tp + self.fp + self.fn + self.tn
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        kappa = 0.0
        if n:
            po = (self.tp + self.tn) / n
            pe = ((self.tp + self.fp) * (self.tp + self.fn) + (self.fn + self.tn) * (self.fp + self.tn)) / (
                n * n
            )
            kappa = (po - pe) / (1 - pe) if pe < 1 else 0.0
        return {"precision": p, "recall": r, "f1": f1, "kappa": kappa, "n": float(n)}


def weighted_kappa(pairs: list[tuple[int, int]], top: int) -> float:
    """Quadratic-weighted Cohen's kappa for ordinal levels 0..top."""
    if not pairs or top <= 0:
        return 0.0
    k = top + 1
    obs = [[0.0] * k for _ in range(k)]
    for a, b in pairs:
        obs[min(a, top)][min(b, top)] += 1
    n = float(len(pairs))
    rows = [sum(r) for r in obs]
    cols = [sum(obs[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = ((i - j) ** 2) / ((k - 1) ** 2)
            num += w * obs[i][j]
            den += w * rows[i] * cols[j] / n
    return 1.0 - num / den if den else 1.0


@dataclass(slots=True)
class Report:
    """Everything ``simcoach eval`` prints."""

    skills: list[str]
    scorer: dict[str, Confusion]
    baseline: dict[str, Confusion]
    by_group: dict[str, Counter[str]]  # group -> skill -> fired count (plus "_n")
    level_pairs: dict[str, list[tuple[int, int]]]
    max_levels: dict[str, int]
    bad_lines: list[BadLine]
    items: int = 0

    @classmethod
    def empty(cls, rubric: Rubric) -> Report:
        """A report with nothing counted yet, one row per criterion of ``rubric``."""
        skills = [c.id for c in rubric.criteria]
        return cls(
            skills=skills,
            scorer={s: Confusion() for s in skills},
            baseline={s: Confusion() for s in skills},
            by_group={},
            level_pairs={s: [] for s in skills},
            max_levels={c.id: c.max_level for c in rubric.criteria},
            bad_lines=[],
        )

    def count(self, item: Item, result: TurnAssessment) -> None:
        """Add one scored turn: a criterion counts as fired when applicable at level ≥ 1."""
        self.items += 1
        group = self.by_group.setdefault(item.group or "(none)", Counter())
        group["_n"] += 1
        for skill in self.skills:
            score = result.scores.get(skill)
            level = score.level if score is not None and score.applicable else 0
            fired = level >= 1
            if fired:
                group[skill] += 1
            if skill not in item.labels:
                continue
            gold = item.labels[skill]
            self.scorer[skill].add(fired, gold >= 1)
            if skill in BASELINES:
                self.baseline[skill].add(BASELINES[skill][1](item.text), gold >= 1)
            self.level_pairs[skill].append((level, gold))


def evaluate(path: Path, rubric: Rubric, progress: Callable[[int], None] | None = None) -> Report:
    """Score every labelled turn in ``path`` and compare with its labels (level ≥ 1 counts as positive)."""
    scorer = OfflineScorer()
    report = Report.empty(rubric)
    for item in read_items(path):
        if isinstance(item, BadLine):
            report.bad_lines.append(item)
            continue
        result = scorer.score(
            rubric=rubric, rubric_version=rubric.version, context=item.context, text=item.text
        )
        report.count(item, result)
        if progress is not None:
            progress(report.items)
    return report


def render_markdown(report: Report) -> str:
    """The eval tables as Markdown (what the CLI prints and docs/scoring.md records)."""
    lines = [
        "| skill | n | scorer P | R | F1 | κ | baseline | baseline P | R | F1 | κ |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for skill in report.skills:
        conf = report.scorer[skill]
        if conf.tp + conf.fp + conf.fn + conf.tn == 0:
            continue
        m = conf.metrics()
        name = BASELINES.get(skill, ("—", None))[0]
        b = report.baseline[skill].metrics() if skill in BASELINES else {}
        cells = [f"{m[k]:.2f}" for k in ("precision", "recall", "f1", "kappa")]
        bcells = [f"{b[k]:.2f}" for k in ("precision", "recall", "f1", "kappa")] if b else ["—"] * 4
        lines.append(
            f"| {skill} | {int(m['n'])} | " + " | ".join(cells) + f" | {name} | " + " | ".join(bcells) + " |"
        )
    lines += ["", "Firing rate (level ≥ 1) per original label:", ""]
    lines.append("| label | n | " + " | ".join(report.skills) + " |")
    lines.append("|---|---|" + "---|" * len(report.skills))
    for group in sorted(report.by_group):
        counts = report.by_group[group]
        n = counts["_n"]
        rates = " | ".join(f"{counts[s] / n:.2f}" for s in report.skills)
        lines.append(f"| {group} | {n} | {rates} |")
    graded = [
        s for s in report.skills if report.level_pairs[s] and any(g > 1 for _, g in report.level_pairs[s])
    ]
    if graded:
        lines += ["", "Level agreement (labels with levels):", ""]
        lines.append("| skill | n | exact | within 1 | weighted κ |")
        lines.append("|---|---|---|---|---|")
        for s in graded:
            pairs = report.level_pairs[s]
            exact = sum(1 for a, b in pairs if a == b) / len(pairs)
            near = sum(1 for a, b in pairs if abs(a - b) <= 1) / len(pairs)
            wk = weighted_kappa(pairs, report.max_levels[s])
            lines.append(f"| {s} | {len(pairs)} | {exact:.2f} | {near:.2f} | {wk:.2f} |")
    return "\n".join(lines)
