"""Rules that span several fields of one file, checked on the raw YAML so each error points at a line.

The models enforce the same rules (so content built in code is safe too); these checks exist to say
*where*: a duplicate fact id points at the second ``id:``, not at the top of the scenario.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from simcoach.content.messages import DOCS, format_loc, suggest
from simcoach.kit.yamlmarks import PathKey

LINE_SLOTS: dict[str, str] = {
    "name": "the customer's name (the scenario's customer_name)",
    "value": "the fact's value (in a fact's 'say' lines)",
    "agent_words": "a short phrase quoted from the agent's last turn",
}
"""Placeholders a customer line may contain; the engine fills them in."""

_SLOT = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True, slots=True)
class Problem:
    """A rule broken at ``path``; ``key`` points at the key rather than its value."""

    path: PathKey
    message: str
    hint: str
    key: bool = False


def _items(data: Any, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, mapping) for each mapping in the list ``data[name]``; tolerates any wrong shape."""
    value = data.get(name) if isinstance(data, dict) else None
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield index, item


def _duplicate_ids(data: Any, path: PathKey, name: str, what: str) -> list[Problem]:
    container = data
    for part in path:
        container = container.get(part) if isinstance(container, dict) else None
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for index, item in _items(container, name):
        item_id = item.get("id")
        if not isinstance(item_id, str):
            continue
        if item_id in seen:
            first = format_loc((*path, name, seen[item_id]))
            problems.append(
                Problem(
                    (*path, name, index, "id"),
                    f"duplicate {what} id '{item_id}' (first used at {first})",
                    f"give each {what} its own id",
                )
            )
        else:
            seen[item_id] = index
    return problems


def _slot_problems(value: Any, path: PathKey) -> list[Problem]:
    """Unknown ``{slot}`` placeholders in every string under ``value``."""
    if isinstance(value, str):
        problems = []
        for match in _SLOT.finditer(value):
            slot = match.group(1)
            if slot in LINE_SLOTS:
                continue
            close = suggest(slot, list(LINE_SLOTS))
            lead = f"did you mean '{{{close}}}'? " if close else ""
            problems.append(
                Problem(
                    path,
                    f"unknown placeholder '{{{slot}}}' in a customer line",
                    f"{lead}placeholders: {', '.join('{' + s + '}' for s in LINE_SLOTS)}",
                )
            )
        return problems
    if isinstance(value, dict):
        return [p for key, sub in value.items() for p in _slot_problems(sub, (*path, str(key)))]
    if isinstance(value, list):
        return [p for index, sub in enumerate(value) for p in _slot_problems(sub, (*path, index))]
    return []


def persona_problems(data: dict[str, Any]) -> list[Problem]:
    """Sensitivity ids unique, each with one trigger; placeholders known."""
    problems = _duplicate_ids(data, (), "sensitivities", "sensitivity")
    for index, item in _items(data, "sensitivities"):
        has_signal = item.get("signal") is not None
        has_phrases = bool(item.get("phrases"))
        if has_signal and has_phrases:
            problems.append(
                Problem(
                    ("sensitivities", index, "phrases"),
                    "give exactly one of 'signal' or 'phrases', not both",
                    "split it into two sensitivities with their own ids",
                    key=True,
                )
            )
        elif not has_signal and not has_phrases:
            problems.append(
                Problem(
                    ("sensitivities", index),
                    "give exactly one of 'signal' or 'phrases'",
                    "add 'signal: <a signal name>' or 'phrases: [words the agent says]'",
                )
            )
    problems += _slot_problems(data.get("lines"), ("lines",))
    return problems


def scenario_problems(data: dict[str, Any]) -> list[Problem]:
    """Fact, offer and disclosure ids unique; trust thresholds; resolution references; placeholders."""
    problems = _duplicate_ids(data, (), "facts", "fact")
    problems += _duplicate_ids(data, ("policy",), "may_offer", "offer")
    problems += _duplicate_ids(data, ("policy",), "may_not_offer", "offer")
    problems += _duplicate_ids(data, (), "required_disclosures", "disclosure")
    fact_ids = [str(f.get("id")) for _, f in _items(data, "facts")]
    for index, fact in _items(data, "facts"):
        reveal, threshold = fact.get("reveal"), fact.get("trust_at_least")
        if reveal == "trust" and threshold is None:
            problems.append(
                Problem(
                    ("facts", index, "reveal"),
                    "reveal: trust needs 'trust_at_least'",
                    "add 'trust_at_least: 0.6' (the trust, 0.0-1.0, needed before the customer says it)",
                )
            )
        elif reveal not in (None, "trust") and threshold is not None:
            problems.append(
                Problem(
                    ("facts", index, "trust_at_least"),
                    f"'trust_at_least' only applies with reveal: trust (this fact has reveal: {reveal})",
                    "remove 'trust_at_least', or change reveal to trust",
                    key=True,
                )
            )
        problems += _slot_problems(fact.get("say"), ("facts", index, "say"))
    policy = data.get("policy")
    may = [str(o.get("id")) for _, o in _items(policy, "may_offer")]
    may_not = [str(o.get("id")) for _, o in _items(policy, "may_not_offer")]
    resolution = data.get("resolution")
    if isinstance(resolution, dict):
        problems += _references(resolution.get("requires_any_offer"), "requires_any_offer", may, may_not)
        problems += _references(resolution.get("requires_facts"), "requires_facts", fact_ids, [])
    problems += _slot_problems(data.get("opening_lines"), ("opening_lines",))
    problems += _slot_problems(data.get("lines"), ("lines",))
    return problems


def _references(refs: Any, field: str, known: list[str], forbidden: list[str]) -> list[Problem]:
    if not isinstance(refs, list):
        return []
    where = "policy.may_offer" if field == "requires_any_offer" else "facts"
    problems = []
    for index, ref in enumerate(refs):
        if not isinstance(ref, str) or ref in known:
            continue
        if ref in forbidden:
            message = f"'{ref}' is in policy.may_not_offer; a forbidden offer cannot resolve the scenario"
        else:
            message = f"'{ref}' is not an id in {where}"
        close = suggest(ref, known)
        hint = f"did you mean '{close}'?" if close else f"ids in {where}: {', '.join(known) or '(none)'}"
        problems.append(Problem(("resolution", field, index), message, hint))
    return problems


def rubric_problems(data: dict[str, Any]) -> list[Problem]:
    """Criterion and critical-failure ids unique; each scale runs 0..n; critical rules complete."""
    problems = _duplicate_ids(data, (), "criteria", "criterion")
    problems += _duplicate_ids(data, (), "critical_failures", "critical failure")
    for index, criterion in _items(data, "criteria"):
        problems += _scale_problems(criterion, index)
    for index, rule in _items(data, "critical_failures"):
        if rule.get("rule") == "signal" and rule.get("signal") is None:
            problems.append(
                Problem(
                    ("critical_failures", index, "rule"),
                    "rule: signal needs 'signal' (which signal fails the session)",
                    "add e.g. 'signal: hostile_language'",
                )
            )
        elif rule.get("rule") not in (None, "signal") and rule.get("signal") is not None:
            problems.append(
                Problem(
                    ("critical_failures", index, "signal"),
                    f"'signal' only applies with rule: signal (this rule is {rule.get('rule')})",
                    "remove 'signal', or change rule to signal",
                    key=True,
                )
            )
    return problems


def _scale_problems(criterion: dict[str, Any], index: int) -> list[Problem]:
    raw = [(i, lv.get("level")) for i, lv in _items(criterion, "levels")]
    levels = [(i, n) for i, n in raw if isinstance(n, int) and not isinstance(n, bool)]
    if len(levels) != len(raw):
        return []  # a missing or non-number level is reported by the model
    numbers = [n for _, n in levels]
    problems = []
    top = len(levels) - 1
    seen: set[int] = set()
    for position, number in levels:
        path = ("criteria", index, "levels", position, "level")
        if number in seen:
            problems.append(
                Problem(path, f"level {number} is given twice", "give each level of the scale once")
            )
        elif not 0 <= number <= top:
            missing = sorted(set(range(top + 1)) - set(numbers))
            problems.append(
                Problem(
                    path,
                    f"level {number} is outside the scale 0-{top} ({len(levels)} levels given)",
                    f"levels run 0, 1, 2, … with no gaps; missing: {', '.join(map(str, missing))} "
                    f"(see {DOCS})",
                )
            )
        seen.add(number)
    return problems


CHECKS = {"persona": persona_problems, "scenario": scenario_problems, "rubric": rubric_problems}
"""The per-kind checks, keyed like the loader's kinds."""
