"""The LLM judge: rubric-derived JSON schema with bounded levels, verbatim evidence, cache, offline net.

Mitigations for known judge weaknesses (position/verbosity bias, run-to-run drift): temperature 0, levels
bounded in the schema, every quote checked against the turn, invalid output retried once and then the
offline score used, and results cached by (rubric version, turn context).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from simcoach.content.rubric import Criterion, Rubric
from simcoach.content.scenario import Scenario
from simcoach.llm.prompts import environment
from simcoach.providers.base import ChatMessage, ChatProvider, ChatRequest, JsonSchemaFormat, Usage
from simcoach.providers.errors import ProviderError
from simcoach.scoring.backend import TurnScorer
from simcoach.scoring.models import ChatTurn, CriterionScore, Feedback, Span, TurnAssessment

log = logging.getLogger(__name__)

JUDGE_VERSION = "1"
JUDGE_CONFIDENCE = 0.8
"""Confidence recorded for a validated judge score (its quotes were checked; its level was not)."""
CONTEXT_TURNS = 8


class _JudgedCriterion(BaseModel):
    """Base for one criterion's judged result; ``level`` is added per criterion with its bounds."""

    model_config = ConfigDict(extra="forbid")

    applicable: bool
    evidence: list[str] = Field(description="Exact quotes from the agent's message.")
    reason: str
    better_line: str


def output_model(criteria: Sequence[Criterion]) -> type[BaseModel]:
    """A pydantic model of the judge's answer: one object per criterion, level bounded by its scale."""
    fields: dict[str, Any] = {}
    for c in criteria:
        item = create_model(
            f"Judged_{c.id.replace('-', '_')}",
            __base__=_JudgedCriterion,
            level=(int, Field(ge=c.min_level, le=c.max_level)),
        )
        fields[f"c_{c.id.replace('-', '_')}"] = (item, Field(alias=c.id))
    return create_model("JudgeOutput", __config__=ConfigDict(extra="forbid", populate_by_name=True), **fields)


def output_schema(criteria: Sequence[Criterion]) -> dict[str, Any]:
    """The JSON schema sent as ``response_format`` (bounds appear as minimum/maximum)."""
    return output_model(criteria).model_json_schema(by_alias=True)


class JudgeInvalid(ValueError):
    """The judge's output failed validation; the message says what to fix."""


def parse_output(raw: str, criteria: Sequence[Criterion], text: str) -> dict[str, _JudgedCriterion]:
    """Validate the judge's JSON and check every quote exists in the turn; raise JudgeInvalid."""
    model = output_model(criteria)
    try:
        parsed = model.model_validate_json(_strip_fences(raw))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)
        )
        raise JudgeInvalid(f"output does not match the schema: {problems}") from exc
    out: dict[str, _JudgedCriterion] = {}
    problems_list: list[str] = []
    for c in criteria:
        judged: _JudgedCriterion = getattr(parsed, f"c_{c.id.replace('-', '_')}")
        missing = [q for q in judged.evidence if not q.strip() or q.strip() not in text]
        if missing:
            problems_list.append(f"{c.id}: evidence not found verbatim in the agent's message: {missing}")
        level: int = getattr(judged, "level")  # noqa: B009 - added per criterion by create_model
        if judged.applicable and level > c.min_level and not judged.evidence:
            problems_list.append(f"{c.id}: level {level} needs at least one quote as evidence")
        out[c.id] = judged
    if problems_list:
        raise JudgeInvalid("; ".join(problems_list))
    return out


def _strip_fences(raw: str) -> str:
    """Some servers wrap JSON in a ```json fence even in JSON mode."""
    s = raw.strip()
    if s.startswith("```"):
        s = s.split("\n", 1)[1] if "\n" in s else s
        s = s.rsplit("```", 1)[0]
    return s.strip()


class JudgeCache:
    """An in-process LRU of judged criteria keyed by (rubric version, context); Redis could share it later."""

    def __init__(self, maxsize: int = 4096) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[str, dict[str, CriterionScore]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> dict[str, CriterionScore] | None:
        """The cached scores, refreshed as most recently used."""
        found = self._items.get(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self._items.move_to_end(key)
        return found

    def put(self, key: str, value: dict[str, CriterionScore]) -> None:
        """Store, evicting the least recently used beyond ``maxsize``."""
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.maxsize:
            self._items.popitem(last=False)


SHARED_CACHE = JudgeCache()


def cache_key(
    *,
    model: str,
    rubric: Rubric,
    rubric_version: str,
    criteria: Sequence[str],
    context: Sequence[ChatTurn],
    text: str,
    scenario: Scenario | None,
) -> str:
    """A stable hash of everything the judge sees."""
    payload = {
        "judge": JUDGE_VERSION,
        "model": model,
        "rubric": [rubric.id, rubric_version],
        "criteria": sorted(criteria),
        # a sarcasm mark changes what the judge sees; unmarked turns keep the keys they always had
        "context": [
            [t.role, t.text, *(["sarcastic"] if t.sarcastic else [])] for t in context[-CONTEXT_TURNS:]
        ],
        "text": text,
        "scenario": scenario.primary_issue if scenario is not None else None,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@dataclass(slots=True)
class Judged:
    """What one judge call gave: scores (None when it never answered validly) and the tokens it cost."""

    scores: dict[str, CriterionScore] | None
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def applied_to(self, base: TurnAssessment, scorer_name: str) -> TurnAssessment:
        """``base`` with the judged scores laid over it (or marked as a fallback) and the tokens added."""
        usage = {
            "prompt_tokens": base.prompt_tokens + self.prompt_tokens,
            "completion_tokens": base.completion_tokens + self.completion_tokens,
        }
        if self.scores is None:
            return base.model_copy(update={"scorer": f"{base.scorer} (judge fallback)", **usage})
        return base.model_copy(
            update={"scorer": scorer_name, "scores": {**base.scores, **self.scores}, **usage}
        )


class LLMJudge:
    """A TurnScorer that asks a chat model for levels; signals and the fallback come from ``fallback``."""

    def __init__(
        self,
        provider: ChatProvider,
        *,
        model: str,
        fallback: TurnScorer,
        max_attempts: int = 2,
        cache: JudgeCache | None = None,
    ) -> None:
        self.provider = provider
        self.model = model
        self.fallback = fallback
        self.max_attempts = max(1, max_attempts)
        self.cache = cache if cache is not None else SHARED_CACHE
        self.name = f"llm:{model}/judge-{JUDGE_VERSION}"
        self.failures = 0
        self.calls = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0

    async def assess(
        self,
        *,
        rubric: Rubric,
        rubric_version: str,
        context: Sequence[ChatTurn],
        text: str,
        scenario: Scenario | None = None,
    ) -> TurnAssessment:
        """Judge every criterion; the offline scorer's signals move the customer, its scores are the net."""
        base = await self.fallback.assess(
            rubric=rubric, rubric_version=rubric_version, context=context, text=text, scenario=scenario
        )
        judged = await self.judge(
            rubric=rubric,
            rubric_version=rubric_version,
            criteria=rubric.criteria,
            context=context,
            text=text,
            scenario=scenario,
        )
        return judged.applied_to(base, self.name)

    async def judge(
        self,
        *,
        rubric: Rubric,
        rubric_version: str,
        criteria: Sequence[Criterion],
        context: Sequence[ChatTurn],
        text: str,
        scenario: Scenario | None,
    ) -> Judged:
        """Scores for ``criteria`` from the model, validated (None when it never gave a valid answer)."""
        key = cache_key(
            model=self.model,
            rubric=rubric,
            rubric_version=rubric_version,
            criteria=[c.id for c in criteria],
            context=context,
            text=text,
            scenario=scenario,
        )
        cached = self.cache.get(key)
        if cached is not None:
            return Judged(scores=cached)
        spent = Judged(scores=None)
        messages = self._messages(rubric, rubric_version, criteria, context, text, scenario)
        request = ChatRequest(
            model=self.model,
            messages=messages,
            temperature=0.0,
            response_format=JsonSchemaFormat(name="turn_scores", json_schema=output_schema(criteria)),
        )
        for attempt in range(1, self.max_attempts + 1):
            self.calls += 1
            try:
                result = await self.provider.complete(request)
                self.prompt_tokens += result.usage.prompt_tokens
                self.completion_tokens += result.usage.completion_tokens
                spent.prompt_tokens += result.usage.prompt_tokens
                spent.completion_tokens += result.usage.completion_tokens
                log.debug("judge call used %s prompt + %s completion tokens", *_tokens(result.usage))
                parsed = parse_output(result.text, criteria, text)
            except JudgeInvalid as exc:
                log.warning("judge output invalid (attempt %s): %s", attempt, exc)
                # Tell the model what was wrong; a second, corrected answer is usually valid.
                request = request.model_copy(
                    update={
                        "messages": [
                            *messages,
                            ChatMessage(role="assistant", content=result.text[:4000]),
                            ChatMessage(
                                role="user", content=f"That was invalid: {exc}. Return corrected JSON."
                            ),
                        ]
                    }
                )
                continue
            except ProviderError as exc:
                log.warning("judge unavailable: %s", exc)
                break
            scores = {c.id: _to_score(c, parsed[c.id], text) for c in criteria}
            self.cache.put(key, scores)
            spent.scores = scores
            return spent
        self.failures += 1
        return spent

    def _messages(
        self,
        rubric: Rubric,
        rubric_version: str,
        criteria: Sequence[Criterion],
        context: Sequence[ChatTurn],
        text: str,
        scenario: Scenario | None,
    ) -> list[ChatMessage]:
        env = environment()
        variables = {
            "rubric": rubric,
            "rubric_version": rubric_version,
            "criteria": criteria,
            "scenario": scenario,
            "context": list(context)[-CONTEXT_TURNS:],
            "text": text,
        }
        return [
            ChatMessage(role="system", content=env.get_template("judge_system.j2").render(variables).strip()),
            ChatMessage(role="user", content=env.get_template("judge_turn.j2").render(variables).strip()),
        ]


def _tokens(usage: Usage) -> tuple[int, int]:
    return usage.prompt_tokens, usage.completion_tokens


def _to_score(c: Criterion, judged: _JudgedCriterion, text: str) -> CriterionScore:
    """Our result model from a validated judge answer, quotes turned into character spans."""
    level: int = getattr(judged, "level")  # noqa: B009 - added per criterion by create_model
    if not judged.applicable:
        level = c.min_level
    spans = []
    for quote in dict.fromkeys(q.strip() for q in judged.evidence):
        start = text.find(quote)
        spans.append(Span(start=start, end=start + len(quote), text=quote, source="agent"))
    top = level >= c.max_level
    return CriterionScore(
        criterion_id=c.id,
        level=level,
        max_level=c.max_level,
        applicable=judged.applicable,
        confidence=JUDGE_CONFIDENCE,
        evidence=spans if judged.applicable and level > c.min_level else [],
        feedback=Feedback(
            worked=judged.reason if top else "",
            missing="" if top else judged.reason,
            better_line=judged.better_line.strip() or "Tell me more about what happened.",
        ),
        reason=judged.reason,
    )
