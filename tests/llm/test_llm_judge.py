"""The LLM judge and hybrid scorer against the fake server: schema, verbatim evidence, retry, cache."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Scenario
from simcoach.llm.hybrid import HybridScorer
from simcoach.llm.judge import JudgeCache, JudgeInvalid, LLMJudge, output_schema, parse_output
from simcoach.providers.openai_compat import OpenAICompatProvider
from simcoach.scoring.models import ChatTurn, TurnAssessment
from simcoach.scoring.offline import OfflineScorer

from .fake_openai import Behaviour, FakeOpenAI
from .helpers import StubScorer, library

RUBRIC = library().rubrics["empathy-core"]
CONTEXT = [ChatTurn(role="customer", text="You've taken £64.99 twice. Same day.")]
TEXT = "That sounds really frustrating. Can you walk me through what happened when you spotted it?"


def answer(criteria: Sequence[str], *, level: int = 1, quote: str = "walk me through", **extra: Any) -> str:
    body = {
        cid: {
            "applicable": True,
            "level": level,
            "evidence": [quote],
            "reason": "Because.",
            "better_line": "Hi.",
        }
        for cid in criteria
    }
    for cid, patch in extra.items():
        body[cid.replace("_", "-")].update(patch)
    return json.dumps(body)


def judge(provider: OpenAICompatProvider, fallback: Any = None) -> LLMJudge:
    return LLMJudge(provider, model="judge-model", fallback=fallback or StubScorer(), cache=JudgeCache())


async def assess(scorer: Any, text: str = TEXT) -> TurnAssessment:
    result: TurnAssessment = await scorer.assess(
        rubric=RUBRIC.item, rubric_version=RUBRIC.version, context=CONTEXT, text=text, scenario=None
    )
    return result


def ids() -> list[str]:
    return [c.id for c in RUBRIC.item.criteria]


def test_schema_bounds_every_level_by_its_scale() -> None:
    schema = output_schema(RUBRIC.item.criteria)
    assert schema["additionalProperties"] is False
    assert sorted(schema["required"]) == sorted(ids())
    defs = schema["$defs"]
    for c in RUBRIC.item.criteria:
        ref = schema["properties"][c.id]["$ref"].rsplit("/", 1)[1]
        level = defs[ref]["properties"]["level"]
        assert (level["minimum"], level["maximum"]) == (c.min_level, c.max_level)
        assert defs[ref]["additionalProperties"] is False


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("not json", "schema"),
        (answer(["probing"]), "schema"),  # criteria missing
        (answer(ids(), level=9), "less than or equal"),
        (answer(ids(), quote="walk me thru"), "not found verbatim"),
        (answer(ids(), quote="Same day."), "not found verbatim"),  # a customer quote is not evidence
        (answer(ids(), quote=""), "not found verbatim"),
    ],
)
def test_invalid_outputs_are_refused(raw: str, problem: str) -> None:
    with pytest.raises(JudgeInvalid, match=problem):
        parse_output(raw, RUBRIC.item.criteria, TEXT)


def test_level_above_lowest_needs_a_quote() -> None:
    raw = json.loads(answer(ids()))
    raw["probing"]["evidence"] = []
    with pytest.raises(JudgeInvalid, match="needs at least one quote"):
        parse_output(json.dumps(raw), RUBRIC.item.criteria, TEXT)


async def test_valid_answer_becomes_scores_with_spans(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.state.enqueue(Behaviour(text=answer(ids(), level=2)))
    result = await assess(judge(provider))
    assert result.scorer == "llm:judge-model/judge-1"
    score = result.scores["probing"]
    assert score.level == 2
    span = score.evidence[0]
    assert TEXT[span.start : span.end] == "walk me through"
    body = fake.state.requests[0]
    assert body["temperature"] == 0.0
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert TEXT in body["messages"][1]["content"]


async def test_invalid_then_valid_is_retried_with_the_error(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.state.enqueue(Behaviour(text=answer(ids(), quote="invented words")), Behaviour(text=answer(ids())))
    result = await assess(judge(provider))
    assert result.scorer.startswith("llm:")
    retry_messages = fake.state.requests[1]["messages"]
    assert "not found verbatim" in retry_messages[-1]["content"]


async def test_invalid_twice_falls_back_to_offline(fake: FakeOpenAI, provider: OpenAICompatProvider) -> None:
    fake.state.default = Behaviour(text="{}")
    scorer = judge(provider, OfflineScorer())
    result = await assess(scorer)
    offline = await assess(OfflineScorer())
    assert result.scorer == f"{offline.scorer} (judge fallback)"
    assert result.scores == offline.scores
    assert scorer.failures == 1
    assert len(fake.state.requests) == 2


async def test_unavailable_judge_falls_back(fake: FakeOpenAI, provider: OpenAICompatProvider) -> None:
    fake.state.default = Behaviour(kind="status", status=500)
    result = await assess(judge(provider))
    assert result.scorer.endswith("(judge fallback)")


async def test_signals_come_from_the_offline_scorer(fake: FakeOpenAI, provider: OpenAICompatProvider) -> None:
    fake.state.default = Behaviour(text=answer(ids()))
    result = await assess(judge(provider, OfflineScorer()))
    offline = await assess(OfflineScorer())
    assert result.signals == offline.signals  # the engine's state moves the same whichever backend scores


async def test_cache_by_rubric_version_and_context(fake: FakeOpenAI, provider: OpenAICompatProvider) -> None:
    fake.state.default = Behaviour(text=answer(ids()))
    scorer = judge(provider)
    first = await assess(scorer)
    second = await assess(scorer)
    assert first.scores == second.scores
    assert len(fake.state.requests) == 1
    assert scorer.cache.hits == 1
    # The turn that called the model carries its tokens (for the session's usage); a cache hit costs none.
    assert first.prompt_tokens == fake.state.default.prompt_tokens
    assert first.completion_tokens > 0
    assert (second.prompt_tokens, second.completion_tokens) == (0, 0)
    await scorer.assess(rubric=RUBRIC.item, rubric_version="9.9", context=CONTEXT, text=TEXT, scenario=None)
    assert len(fake.state.requests) == 2


class SureAboutProbing(StubScorer):
    """Offline stand-in: confident about probing, unsure about everything else."""

    async def assess(
        self,
        *,
        rubric: Rubric,
        rubric_version: str,
        context: Sequence[ChatTurn],
        text: str,
        scenario: Scenario | None = None,
    ) -> TurnAssessment:
        base = await super().assess(rubric=rubric, rubric_version=rubric_version, context=context, text=text)
        scores = {
            cid: s.model_copy(update={"confidence": 0.95 if cid == "probing" else 0.3})
            for cid, s in base.scores.items()
        }
        return base.model_copy(update={"scores": scores})


async def test_hybrid_asks_the_judge_only_when_unsure(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    unsure = [i for i in ids() if i != "probing"]
    fake.state.default = Behaviour(text=answer(unsure, level=1))
    hybrid = HybridScorer(offline=SureAboutProbing(), judge=judge(provider))
    result = await assess(hybrid)
    schema = fake.state.requests[0]["response_format"]["json_schema"]["schema"]
    assert sorted(schema["required"]) == sorted(unsure)
    assert result.scores["probing"].level == 0  # kept from the confident offline score
    assert all(result.scores[i].level == 1 for i in unsure)
    assert result.scorer.startswith("hybrid/")
    assert (hybrid.judged_criteria, hybrid.offline_criteria) == (len(unsure), 1)


async def test_hybrid_skips_the_judge_when_all_clear(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    hybrid = HybridScorer(offline=StubScorer(), judge=judge(provider))  # stub: confidence 1.0 everywhere
    result = await assess(hybrid)
    assert result.scorer == StubScorer.name
    assert fake.state.requests == []


async def test_the_judge_is_told_which_line_was_sarcasm(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    # the engine knows a line was voiced as sarcasm; the judge must not read "Wonderful." as good news
    fake.state.default = Behaviour(text=answer(ids()))
    scorer = judge(provider)
    marked = [ChatTurn(role="customer", text="Wonderful.", sarcastic=True)]
    plain = [ChatTurn(role="customer", text="Wonderful.")]
    for context in (marked, plain):
        await scorer.assess(rubric=RUBRIC.item, rubric_version=RUBRIC.version, context=context, text=TEXT)
    assert len(fake.state.requests) == 2  # the mark is part of what the judge saw, so of the cache key
    told, not_told = (r["messages"][1]["content"] for r in fake.state.requests)
    assert "Customer (sarcastic): Wonderful." in told
    assert "Customer: Wonderful." in not_told
