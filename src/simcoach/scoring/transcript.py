"""Read whole conversations from chat exports (JSON or CSV) and score every agent turn in them."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Scenario
from simcoach.scoring.backend import TurnScorer
from simcoach.scoring.models import ChatTurn, Role, Scorecard, TurnAssessment
from simcoach.scoring.scorecard import build_scorecard

CUSTOMER_ROLES = frozenset(
    {"customer", "user", "client", "visitor", "caller", "contact", "end-user", "enduser"}
)
AGENT_ROLES = frozenset(
    {
        "agent",
        "assistant",
        "support",
        "operator",
        "rep",
        "representative",
        "advisor",
        "adviser",
        "staff",
        "bot",
    }
)
ROLE_KEYS = ("role", "speaker", "author", "sender", "from", "participant", "type", "direction")
TEXT_KEYS = ("text", "message", "content", "body", "utterance", "msg")
MAX_CONTEXT = 12  # earlier messages the scorer sees; reflections and repeats reach back only so far


class TranscriptError(ValueError):
    """A chat export the reader cannot understand, with where and why."""


def _role(value: Any, where: str) -> Role:
    low = str(value).strip().lower()
    if low in CUSTOMER_ROLES or low.startswith("customer"):
        return "customer"
    if low in AGENT_ROLES or low.startswith("agent"):
        return "agent"
    known = ", ".join(sorted(CUSTOMER_ROLES | AGENT_ROLES))
    raise TranscriptError(f"{where}: unknown role {value!r}; use one of: {known}")


def _pick(row: dict[str, Any], keys: Sequence[str]) -> Any:
    lowered = {str(k).strip().lower(): v for k, v in row.items()}
    for key in keys:
        if key in lowered and lowered[key] not in (None, ""):
            return lowered[key]
    return None


def _turns_from_rows(rows: Sequence[dict[str, Any]], what: str) -> list[ChatTurn]:
    turns: list[ChatTurn] = []
    for i, row in enumerate(rows):
        where = f"{what} {i + 1}"
        if not isinstance(row, dict):
            raise TranscriptError(f"{where}: expected an object with a role and a text")
        role, text = _pick(row, ROLE_KEYS), _pick(row, TEXT_KEYS)
        if role is None:
            raise TranscriptError(f"{where}: no role (looked for {', '.join(ROLE_KEYS)})")
        if text is None:
            continue  # system events and attachments carry no text
        turns.append(ChatTurn(role=_role(role, where), text=str(text)))
    return turns


def read_transcript(path: Path) -> list[ChatTurn]:
    """A conversation from a JSON export (list, or {messages|turns|transcript|conversation: [...]}) or CSV."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TranscriptError(f"{path}: {exc}") from None
    if path.suffix.lower() == ".csv" or (not raw.lstrip().startswith(("[", "{")) and "," in raw):
        reader = csv.DictReader(raw.splitlines())
        rows = [dict(r) for r in reader]
        if not rows:
            raise TranscriptError(f"{path}: the CSV has no rows (expected a header such as role,text)")
        return _turns_from_rows(rows, "row")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise TranscriptError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if isinstance(data, dict):
        for key in ("messages", "turns", "transcript", "conversation", "chat", "items"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if not isinstance(data, list):
        raise TranscriptError(f"{path}: expected a list of messages or an object with a 'messages' list")
    return _turns_from_rows(data, "message")


async def score_conversation(
    scorer: TurnScorer,
    rubric: Rubric,
    rubric_version: str,
    turns: Sequence[ChatTurn],
    scenario: Scenario | None = None,
) -> tuple[list[tuple[int, TurnAssessment]], Scorecard]:
    """Score every agent turn (with the messages before it) and build the session scorecard."""
    scored: list[tuple[int, TurnAssessment]] = []
    for i, turn in enumerate(turns):
        if turn.role != "agent":
            continue
        context = list(turns[max(0, i - MAX_CONTEXT) : i])
        result = await scorer.assess(
            rubric=rubric, rubric_version=rubric_version, context=context, text=turn.text, scenario=scenario
        )
        scored.append((i, result))
    card = build_scorecard(
        rubric=rubric, rubric_version=rubric_version, assessments=[a for _, a in scored], scenario=scenario
    )
    return scored, card
