"""Fixtures for the scorer tests: the shipped rubrics, a scorer and a small scenario."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from simcoach.content.loader import parse_file
from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Scenario
from simcoach.scoring.models import ChatTurn, TurnAssessment
from simcoach.scoring.offline import OfflineScorer

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "contact_center_turns.jsonl"


def load_rubric(name: str) -> Rubric:
    """A shipped rubric from rubrics/, failing the test if it does not load."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded, _, errors = parse_file(ROOT / "rubrics" / f"{name}.yaml", "rubric")
    assert loaded is not None, errors
    rubric = loaded.item
    assert isinstance(rubric, Rubric)
    return rubric


@pytest.fixture(scope="session")
def core() -> Rubric:
    """The empathy-core rubric."""
    return load_rubric("empathy-core")


@pytest.fixture(scope="session")
def qa() -> Rubric:
    """The qa-scorecard rubric."""
    return load_rubric("qa-scorecard")


@pytest.fixture(scope="session")
def scorer() -> OfflineScorer:
    """One offline scorer for the session."""
    return OfflineScorer()


def customer(text: str) -> ChatTurn:
    """A customer message."""
    return ChatTurn(role="customer", text=text)


def agent(text: str) -> ChatTurn:
    """An agent message."""
    return ChatTurn(role="agent", text=text)


def score(
    scorer: OfflineScorer,
    rubric: Rubric,
    text: str,
    context: list[ChatTurn] | None = None,
    scenario: Scenario | None = None,
) -> TurnAssessment:
    """Score one agent turn."""
    return scorer.score(
        rubric=rubric, rubric_version=rubric.version, context=context or [], text=text, scenario=scenario
    )


SCENARIO: dict[str, Any] = {
    "id": "double-charge",
    "title": "Charged twice",
    "briefing": "The customer was charged twice for one order.",
    "persona": "irate-ian",
    "rubric": "qa-scorecard",
    "customer_name": "Ian Moss",
    "primary_issue": "A duplicate payment for order 4821.",
    "secondary_issue": "The account is now overdrawn before rent day.",
    "facts": [
        {
            "id": "order",
            "topic": "the order number",
            "keywords": ["order number"],
            "value": "4821",
            "say": ["It's order {value}."],
            "reveal": "asked",
        }
    ],
    "opening_lines": ["You've charged me twice!"],
    "policy": {
        "may_offer": [
            {"id": "refund", "description": "Refund the duplicate", "cues": ["refund the duplicate payment"]},
            {
                "id": "fee-waiver",
                "description": "Waive the overdraft fee",
                "cues": ["cover the overdraft fee"],
            },
        ],
        "may_not_offer": [
            {"id": "voucher", "description": "A shopping voucher", "cues": ["gift voucher"], "why_not": "No."}
        ],
    },
    "required_disclosures": [
        {"id": "recorded", "description": "The chat is recorded", "cues": ["this chat is recorded"]}
    ],
    "resolution": {"requires_any_offer": ["refund"]},
}


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    """A small scenario with offers, a forbidden offer and a required disclosure."""
    return Scenario.model_validate(SCENARIO)
