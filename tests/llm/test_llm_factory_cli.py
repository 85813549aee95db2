"""The factory's choices, and ``simcoach play --script`` against a configured (fake) model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pydantic import SecretStr

from simcoach.llm.factory import describe_backends, renderer_from_settings, scorer_for_backend
from simcoach.llm.hybrid import HybridScorer
from simcoach.llm.judge import LLMJudge
from simcoach.llm.renderer import LLMRenderer
from simcoach.scoring.offline import OfflineScorer
from simcoach.settings import Settings

from .fake_openai import Behaviour, FakeOpenAI
from .helpers import CONTENT

REPLY = "Listen, I've been waiting a week for this refund."


def test_no_key_and_no_base_url_is_scripted_and_offline() -> None:
    settings = Settings(scorer_backend="hybrid")
    assert renderer_from_settings(settings) is None
    assert isinstance(scorer_for_backend(settings, "llm"), OfflineScorer)
    assert describe_backends(settings) == {"customer": "scripted", "scorer": "offline"}


def test_configured_endpoint_gives_llm_customer_and_chosen_scorer() -> None:
    settings = Settings(
        llm_base_url="http://127.0.0.1:9/v1", llm_model="m", llm_judge_model="j", scorer_backend="hybrid"
    )
    assert isinstance(renderer_from_settings(settings), LLMRenderer)
    assert isinstance(scorer_for_backend(settings, "llm"), LLMJudge)
    assert isinstance(scorer_for_backend(settings, "hybrid"), HybridScorer)
    assert isinstance(scorer_for_backend(settings, "offline"), OfflineScorer)
    assert describe_backends(settings) == {"customer": "llm:m", "scorer": "hybrid:j"}
    keyed = Settings(llm_api_key=SecretStr("sk-test"), llm_customer_model="c")
    assert describe_backends(keyed) == {"customer": "llm:c", "scorer": "offline"}


def test_play_script_against_the_model(fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.state.default = Behaviour(text=REPLY)
    script = tmp_path / "agent.txt"
    script.write_text("I'm sorry about the double charge. Which card was it?\nI'll raise the refund now.\n")
    env = {
        **os.environ,
        "SIMCOACH_LLM_BASE_URL": fake.base_url,
        "SIMCOACH_LLM_MODEL": "fake-model",
        "SIMCOACH_CONTENT_DIR": str(CONTENT),
    }
    env.pop("SIMCOACH_LLM_API_KEY", None)
    done = subprocess.run(
        [sys.executable, "-m", "simcoach", "play", "billing-double-charge", "--script", str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert events[0]["renderer"] == "llm:fake-model"
    replies = [e for e in events if e["type"] == "reply"]
    assert replies
    assert all(r["renderer"] == "llm:fake-model" and r["text"] == REPLY for r in replies)
    assert len(fake.state.requests) == len(replies)


def test_serve_says_which_customer_and_scorer_serve(tmp_path: Path) -> None:
    """The CLI names the backends before it starts serving (here it stops at the schema check)."""
    env = {
        **os.environ,
        "SIMCOACH_LLM_BASE_URL": "http://127.0.0.1:9/v1",
        "SIMCOACH_LLM_MODEL": "m",
        "SIMCOACH_SCORER_BACKEND": "hybrid",
        # An unreachable PostgreSQL makes serve exit after naming the backends, before binding a port.
        "SIMCOACH_DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:9/none",
    }
    done = subprocess.run(
        [sys.executable, "-m", "simcoach", "serve", "--port", "9"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "customer llm:m, scorer hybrid:m" in done.stderr
