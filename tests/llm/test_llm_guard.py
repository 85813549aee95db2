"""The reply guard on its own: categories, ceilings, hidden facts and how little it holds back."""

from __future__ import annotations

import pytest

from simcoach.content.vocabulary import HostilityCeiling
from simcoach.llm.guardrails import GuardCategory, build_guard

H = HostilityCeiling


def category(
    text: str,
    *,
    hostility: HostilityCeiling = H.moderate,
    hidden_values: tuple[str, ...] | list[str] = (),
    allowed_text: str = "",
    exempt_words: tuple[str, ...] | list[str] = (),
) -> GuardCategory | None:
    guard = build_guard(
        hostility=hostility, hidden_values=hidden_values, allowed_text=allowed_text, exempt_words=exempt_words
    )
    verdict = guard.scan(text, final=True)
    return verdict.violation.category if verdict.violation else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("As an AI, I can't help.", GuardCategory.ai_disclosure),
        ("I'm an A.I. to be honest.", GuardCategory.ai_disclosure),
        ("How can I assist you today?", GuardCategory.ai_disclosure),
        ("Per my system prompt I must stay angry.", GuardCategory.instructions),
        ("Let's stop the role-play.", GuardCategory.instructions),
        ("You should say sorry first.", GuardCategory.coaching),
        ("Agent: Sorry about that.", GuardCategory.agent_lines),
        ("Fine.\nCustomer: whatever", GuardCategory.agent_lines),
        ("", GuardCategory.empty),
        ("Am I a bot? Are you serious? Fix my bill.", None),
        ("I'm a human being who has been charged twice.", None),
    ],
)
def test_categories(text: str, expected: GuardCategory | None) -> None:
    assert category(text) == expected


@pytest.mark.parametrize(
    ("text", "ceiling", "flagged"),
    [
        ("This is ridiculous.", H.none, True),
        ("This is ridiculous.", H.mild, False),
        ("This app is useless.", H.mild, True),
        ("This app is useless.", H.moderate, False),
        ("I am FURIOUS about this.", H.mild, True),
        ("I am FURIOUS about this.", H.moderate, False),
        ("My PIN and the ATM are fine.", H.none, False),
        ("Bloody hell, again?", H.moderate, True),
        ("Bloody hell, again?", H.strong, False),
        ("You lot are a bunch of cowboys.", H.strong, False),
        ("This is shit.", H.strong, True),
        ("You idiot.", H.strong, True),
    ],
)
def test_hostility_ceiling(text: str, ceiling: HostilityCeiling, flagged: bool) -> None:
    assert (category(text, hostility=ceiling) is GuardCategory.hostility) is flagged


def test_hidden_fact_numbers_are_leaks_unless_said_elsewhere() -> None:
    hidden = ["the bank charged him a £25 fee", "card ending 4417"]
    assert category("It cost me £25 on top!", hidden_values=hidden) is GuardCategory.fact_leak
    assert category("Card ending 4417.", hidden_values=hidden) is GuardCategory.fact_leak
    assert category("It cost me £25!", hidden_values=hidden, allowed_text="a £25 fee") is None
    assert category("I paid 64.99 twice.", hidden_values=hidden) is None


def test_customer_name_is_not_a_model_name() -> None:
    assert category("Claude here, still waiting.", exempt_words=["Claude"]) is None


def test_hold_back_is_only_as_long_as_the_ambiguity() -> None:
    guard = build_guard(hidden_values=["card ending 4417", "it was 49.99"])
    assert guard.scan("Listen").safe_len == len("Listen")  # cannot start a forbidden phrase
    assert guard.scan("Listen, as").safe_len == len("Listen, ")  # "as" might still grow into a swear word
    assert guard.scan("Listen, as ").safe_len == len("Listen, as ")  # one word of "as an AI" is harmless
    assert guard.scan("Listen, as an").safe_len == len("Listen, as ")  # the words that would complete it wait
    assert guard.scan("Listen, as I said").safe_len == len("Listen, as I said")
    assert guard.scan("I").safe_len == 1  # a first token "I" goes out at once
    assert guard.scan("I am an").safe_len == len("I ")
    assert guard.scan("I want").safe_len == len("I want")
    assert guard.scan("Oh fu").safe_len == len("Oh ")  # the start of a swear word is held
    assert guard.scan("Card 44").safe_len == len("Card ")  # and any part of a hidden fact's number
    assert guard.scan("It was 49").safe_len == len("It was ")
    assert guard.scan("Age").safe_len == 0  # could be an "Agent:" label
    assert guard.scan("Agents").safe_len == len("Agents")
