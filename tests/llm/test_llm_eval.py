"""``eval --backend llm|hybrid``: the async evaluator counts exactly like the offline eval."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from simcoach.llm.evaluate import backend_summary, evaluate_with
from simcoach.llm.hybrid import HybridScorer
from simcoach.llm.judge import JudgeCache, LLMJudge
from simcoach.providers.openai_compat import OpenAICompatProvider
from simcoach.scoring.evaluate import evaluate
from simcoach.scoring.offline import OfflineScorer

from .fake_openai import Behaviour, FakeOpenAI
from .helpers import CONTENT, library

RUBRIC = library().rubric("empathy-core")
TURNS = [
    ("It sounds like being charged twice has really shaken you. What happened next?", 2),
    ("Calm down, sir.", 0),
    ("I'm sorry about the double charge; I'll refund it today.", 1),
    ("What is your account number?", 1),
]


def write_items(path: Path) -> Path:
    with path.open("w") as out:
        for i, (text, label) in enumerate(TURNS):
            context = [{"role": "customer", "text": "You charged me twice and I'm furious."}]
            labels = {c.id: label for c in RUBRIC.criteria}
            out.write(json.dumps({"id": str(i), "context": context, "text": text, "labels": labels}) + "\n")
        out.write("not json\n")
    return path


def judge_answers(body: dict[str, Any]) -> Behaviour:
    """Answer any judge request: level 1 on every asked criterion, quoting the turn's first word."""
    schema = body["response_format"]["json_schema"]["schema"]
    user = body["messages"][1]["content"]
    text = user.split("<agent_message>\n", 1)[1].split("\n</agent_message>", 1)[0]
    quote = text.split()[0]
    answer = {
        cid: {"applicable": True, "level": 1, "evidence": [quote], "reason": "r", "better_line": "b"}
        for cid in schema["required"]
    }
    return Behaviour(text=json.dumps(answer))


async def test_offline_through_the_async_path_matches_the_offline_eval(tmp_path: Path) -> None:
    data = write_items(tmp_path / "items.jsonl")
    ours = await evaluate_with(OfflineScorer(), data, RUBRIC)
    theirs = evaluate(data, RUBRIC)
    assert ours.items == theirs.items == len(TURNS)
    assert len(ours.bad_lines) == len(theirs.bad_lines) == 1
    assert ours.scorer == theirs.scorer
    assert ours.baseline == theirs.baseline
    assert ours.level_pairs == theirs.level_pairs
    assert ours.by_group == theirs.by_group


async def test_llm_and_hybrid_backends_are_measured(
    fake: FakeOpenAI, provider: OpenAICompatProvider, tmp_path: Path
) -> None:
    fake.state.responder = judge_answers
    data = write_items(tmp_path / "items.jsonl")
    judge = LLMJudge(provider, model="judge-model", fallback=OfflineScorer(), cache=JudgeCache())
    seen: list[int] = []
    report = await evaluate_with(judge, data, RUBRIC, progress=seen.append)
    assert report.items == len(TURNS)
    assert sorted(seen) == [1, 2, 3, 4]
    assert all(level == 1 for pairs in report.level_pairs.values() for level, _ in pairs)
    assert "judge calls 4" in backend_summary(judge)
    hybrid = HybridScorer(offline=OfflineScorer(), judge=judge)
    again = await evaluate_with(hybrid, data, RUBRIC)
    assert again.items == len(TURNS)
    assert "criteria decided by the judge" in backend_summary(hybrid)


def run_eval(data: Path, backend: str, base_url: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SIMCOACH_CONTENT_DIR": str(CONTENT), "SIMCOACH_LLM_MODEL": "judge-model"}
    if base_url is not None:
        env["SIMCOACH_LLM_BASE_URL"] = base_url
    return subprocess.run(
        [sys.executable, "-m", "simcoach", "eval", str(data), "--backend", backend, "--no-progress"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_eval_cli_measures_llm_and_hybrid(fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.state.responder = judge_answers
    data = write_items(tmp_path / "items.jsonl")
    llm = run_eval(data, "llm", fake.base_url)
    assert llm.returncode == 0, llm.stderr
    assert "scorer llm:judge-model/judge-1" in llm.stdout
    assert "judge calls 4, turns fallen back to offline 0" in llm.stdout
    hybrid = run_eval(data, "hybrid", fake.base_url)
    assert hybrid.returncode == 0, hybrid.stderr
    assert "scorer hybrid/offline/" in hybrid.stdout
    assert "criteria decided by the judge" in hybrid.stdout
    offline = run_eval(data, "llm", None)  # no endpoint: the offline scorer serves, and says so
    assert offline.returncode == 0, offline.stderr
    assert "scorer offline/" in offline.stdout
