"""Every common authoring mistake is reported with file, line, field, what is wrong and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from simcoach.content.errors import ContentError
from simcoach.content.loader import check_library

PERSONA = "personas/billing-irate.yaml"
SCENARIO = "scenarios/double-charge.yaml"
RUBRIC = "rubrics/empathy-core.yaml"


@dataclass(frozen=True)
class Mistake:
    """One edit to the valid fixtures and the error it must produce."""

    file: str
    old: str
    new: str
    at: str  # text on the line the error must point at (in the edited file)
    field: str
    says: tuple[str, ...]


MISTAKES: dict[str, Mistake] = {
    "yaml-syntax-unquoted-colon": Mistake(
        SCENARIO,
        "title: Charged twice for broadband",
        "title: Charged: twice",
        "title: Charged: twice",
        "title",
        ("YAML syntax", "must be quoted"),
    ),
    "yaml-unclosed-quote": Mistake(
        SCENARIO,
        'say:\n      - "Both came out on {value}."',
        'say:\n      - "Both came out on {value}.',
        '"Both came out on',
        "facts[0].say[0]",
        ("YAML syntax: a quoted value is never closed", "add the matching quote"),
    ),
    "tab-indentation": Mistake(
        PERSONA, "  anger: 0.7\n", "\tanger: 0.7\n", "\tanger", "baseline.anger", ("tab", "spaces")
    ),
    "wrong-type": Mistake(
        PERSONA,
        "  anger: 0.7",
        "  anger: high",
        "anger: high",
        "baseline.anger",
        ("must be a number", "'high'"),
    ),
    "out-of-range": Mistake(
        PERSONA, "  anger: 0.7", "  anger: 1.7", "anger: 1.7", "baseline.anger", ("less than or equal to 1",)
    ),
    "unknown-key-with-suggestion": Mistake(
        PERSONA,
        "  patience: 0.6",
        "  patiance: 0.6",
        "patiance",
        "baseline.patiance",
        ("unknown key 'patiance'", "did you mean 'patience'?"),
    ),
    "missing-field": Mistake(
        SCENARIO,
        "title: Charged twice for broadband\n",
        "",
        "id: double-charge",
        "title",
        ("missing required field 'title'",),
    ),
    "bad-enum-with-suggestion": Mistake(
        PERSONA,
        "archetype: irate",
        "archetype: iratee",
        "archetype:",
        "archetype",
        ("'iratee' is not an allowed value", "did you mean 'irate'?", "allowed: irate, anxious"),
    ),
    "bad-line-bank-key": Mistake(
        PERSONA,
        "  complaint:",
        "  complain:",
        "complain:",
        "lines.complain",
        ("'complain' is not an allowed key", "did you mean 'complaint'?"),
    ),
    "cued-line-misspelt-after": Mistake(
        PERSONA,
        "      - I was charged twice and I want it sorted.",
        "      - say: I was charged twice and I want it sorted.\n        afer: [refund]",
        "afer: [refund]",
        "lines.complaint.tense[0].afer",
        ("unknown key 'afer'", "did you mean 'after'?"),
    ),
    "cued-line-without-cues": Mistake(
        PERSONA,
        "      - I was charged twice and I want it sorted.",
        "      - say: I was charged twice and I want it sorted.",
        "say: I was charged twice",
        "lines.complaint.tense[0].after",
        ("missing required field 'after'",),
    ),
    "line-that-is-a-list": Mistake(
        PERSONA,
        "      - I was charged twice and I want it sorted.",
        "      - [I was charged twice, and I want it sorted.]",
        "[I was charged twice",
        "lines.complaint.tense[0]",
        ("must be text, got a list",),
    ),
    "bad-reference-to-persona": Mistake(
        SCENARIO,
        "persona: billing-irate",
        "persona: billing-irat",
        "persona:",
        "persona",
        ("no persona with id 'billing-irat'", "did you mean 'billing-irate'?"),
    ),
    "bad-reference-to-rubric": Mistake(
        SCENARIO,
        "rubric: empathy-core",
        "rubric: empathy",
        "rubric:",
        "rubric",
        ("no rubric with id 'empathy'",),
    ),
    "duplicate-fact-id": Mistake(
        SCENARIO,
        "  - id: rent-due",
        "  - id: charge-date",
        "  - id: charge-date\n    topic: why",
        "facts[1].id",
        ("duplicate fact id 'charge-date'", "first used at facts[0]"),
    ),
    "duplicate-key": Mistake(
        SCENARIO,
        "customer_name: Dana",
        "customer_name: Dana\ncustomer_name: Dan",
        "customer_name: Dan\n",
        "customer_name",
        ("duplicate key 'customer_name'", "first given on line"),
    ),
    "level-outside-scale": Mistake(
        RUBRIC,
        "      - level: 2",
        "      - level: 3",
        "level: 3",
        "criteria[0].levels[2].level",
        ("level 3 is outside the scale 0-2", "missing: 2"),
    ),
    "empty-examples": Mistake(
        RUBRIC,
        "      poor:\n        - Did you read the email?\n        - Account number?\n"
        "        - Wouldn't you agree that's fair?",
        "      poor: []",
        "poor: []",
        "criteria[0].examples.poor",
        ("needs at least 3 item(s), has 0",),
    ),
    "unknown-signal": Mistake(
        RUBRIC,
        "signals: [open_question, elicitation]",
        "signals: [open_questions, elicitation]",
        "signals:",
        "criteria[0].signals[0]",
        ("did you mean 'open_question'?",),
    ),
    "trust-reveal-without-threshold": Mistake(
        SCENARIO,
        "    trust_at_least: 0.5\n",
        "",
        "reveal: trust",
        "facts[1].reveal",
        ("reveal: trust needs 'trust_at_least'",),
    ),
    "resolution-names-unknown-offer": Mistake(
        SCENARIO,
        "requires_any_offer: [refund-duplicate]",
        "requires_any_offer: [refund-dup]",
        "requires_any_offer:",
        "resolution.requires_any_offer[0]",
        ("'refund-dup' is not an id in policy.may_offer", "did you mean 'refund-duplicate'?"),
    ),
    "resolution-names-forbidden-offer": Mistake(
        SCENARIO,
        "requires_any_offer: [refund-duplicate]",
        "requires_any_offer: [free-month]",
        "requires_any_offer:",
        "resolution.requires_any_offer[0]",
        ("'free-month' is in policy.may_not_offer",),
    ),
    "disclosure-line-without-a-cue": Mistake(
        SCENARIO,
        'say: "Your refund will reach your account within 3 working days."',
        'say: "Your refund is on its way."',
        'say: "Your refund is on its way."',
        "required_disclosures[0].say",
        ("'say' must contain one of the cues ('3 working days', 'three working days')",),
    ),
    "sensitivity-with-two-triggers": Mistake(
        PERSONA,
        "    signal: calm_down\n",
        "    signal: calm_down\n    phrases: [calm down]\n",
        "phrases: [calm down]",
        "sensitivities[0].phrases",
        ("exactly one of 'signal' or 'phrases'",),
    ),
    "duplicate-sensitivity-id": Mistake(
        PERSONA,
        "  - id: named-apology",
        "  - id: told-to-calm-down",
        "  - id: told-to-calm-down\n    description: an apology",
        "sensitivities[1].id",
        ("duplicate sensitivity id 'told-to-calm-down'",),
    ),
    "critical-signal-rule-without-signal": Mistake(
        RUBRIC,
        "    rule: forbidden_offer",
        "    rule: signal",
        "rule: signal",
        "critical_failures[0].rule",
        ("rule: signal needs 'signal'",),
    ),
    "unquoted-version-number": Mistake(
        RUBRIC, 'version: "1.0"', "version: 1.0", "version:", "version", ("must be text", 'in quotes: "1.0"')
    ),
    "id-not-a-slug": Mistake(
        PERSONA,
        "id: billing-irate",
        "id: Billing Irate",
        "id: Billing",
        "id",
        ("'Billing Irate' is not a valid id", "e.g. 'billing-irate'"),
    ),
    "unknown-placeholder": Mistake(
        PERSONA,
        "{name} here",
        "{nmae} here",
        "{nmae} here",
        "lines.complaint.heated[0]",
        ("unknown placeholder '{nmae}'", "did you mean '{name}'?"),
    ),
    "empty-value": Mistake(
        SCENARIO,
        "title: Charged twice for broadband",
        "title:",
        "title:",
        "title",
        ("is empty", "write the text after 'title:'"),
    ),
    "unquoted-date": Mistake(
        SCENARIO,
        "tags: [billing]",
        "tags: [billing, 2026-03-03]",
        "tags:",
        "tags[1]",
        ("must be text, got the date 2026-03-03", 'put the value in quotes: "2026-03-03"'),
    ),
    "list-where-mapping-expected": Mistake(
        PERSONA,
        "dynamics:\n  inertia: 0.15\n  reactivity: 1.2",
        "dynamics:\n  - inertia: 0.15\n  - reactivity: 1.2",
        "- inertia: 0.15",
        "dynamics",
        ("must be a mapping, got a list",),
    ),
}


def _line_of(text: str, needle: str) -> int:
    index = text.index(needle)
    return text.count("\n", 0, index) + 1 + (1 if needle.startswith("\n") else 0)


def _apply(root: Path, mistake: Mistake) -> int:
    """Edit the fixture and return the line number the error must name."""
    path = root / mistake.file
    text = path.read_text(encoding="utf-8")
    assert text.count(mistake.old) == 1, f"fixture edit is ambiguous: {mistake.old!r}"
    edited = text.replace(mistake.old, mistake.new)
    path.write_text(edited, encoding="utf-8")
    return _line_of(edited, mistake.at)


def _errors(root: Path) -> list[ContentError]:
    _, errors = check_library([root], root=root)
    return errors


def test_the_fixtures_are_valid(content_root: Path) -> None:
    """The base every mistake starts from loads cleanly, so each error below comes from its edit."""
    assert _errors(content_root) == []


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_mistake_is_reported_with_file_line_and_field(content_root: Path, name: str) -> None:
    """The edit produces exactly one error, and its text names file, line, field, problem and fix."""
    mistake = MISTAKES[name]
    line = _apply(content_root, mistake)
    errors = _errors(content_root)
    assert len(errors) == 1, "\n".join(map(str, errors))
    error = errors[0]
    shown = str(error)
    assert shown.startswith(f"{mistake.file}:{line}:"), shown
    assert f": {mistake.field}: " in shown, shown
    assert (error.file, error.line, error.field) == (mistake.file, line, mistake.field)
    for fragment in mistake.says:
        assert fragment in shown
    assert " — " in shown, "every error says how to fix it"


def test_every_error_in_every_file_is_reported(content_root: Path) -> None:
    """Several mistakes across files are all listed, not just the first."""
    names = ["unknown-key-with-suggestion", "wrong-type", "duplicate-fact-id", "empty-examples"]
    lines = {name: _apply(content_root, MISTAKES[name]) for name in names[1:]}
    # the first two edit the same persona file: apply both, then check both are reported
    lines[names[0]] = _apply(content_root, MISTAKES[names[0]])
    found = {(e.file, e.line, e.field) for e in _errors(content_root)}
    for name in names:
        mistake = MISTAKES[name]
        assert (mistake.file, lines[name], mistake.field) in found


def test_a_broken_persona_does_not_also_break_its_scenarios(content_root: Path) -> None:
    """The scenario's reference to a persona that failed to load is not a second, misleading error."""
    _apply(content_root, MISTAKES["tab-indentation"])
    assert [e.file for e in _errors(content_root)] == [PERSONA]


def test_every_tab_indented_line_is_reported(content_root: Path) -> None:
    """YAML stops at the first tab; the loader still lists each tab-indented line."""
    path = content_root / PERSONA
    path.write_text(
        path.read_text().replace("  anger: 0.7", "\tanger: 0.7").replace("  trust: 0.2", "\ttrust: 0.2")
    )
    errors = _errors(content_root)
    assert [(e.line, e.field) for e in errors] == [(12, "baseline.anger"), (14, "baseline.trust")]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "the file is empty"),
        ("# just a comment\n", "the file is empty"),
        ("- id: a\n- id: b\n", "must be a mapping of 'key: value' lines, not a list"),
        ("id: a\n---\nid: b\n", "one file holds one item"),
    ],
)
def test_file_level_mistakes(content_root: Path, text: str, says: str) -> None:
    """Whole-file problems name the file and a line."""
    (content_root / "rubrics" / "extra.yaml").write_text(text)
    errors = _errors(content_root)
    assert len(errors) == 1
    assert str(errors[0]).startswith("rubrics/extra.yaml:")
    assert says in str(errors[0])


def test_duplicate_id_across_files(content_root: Path) -> None:
    """Two files declaring the same id: the second names the first."""
    source = (content_root / RUBRIC).read_text()
    (content_root / "rubrics" / "zz-copy.yaml").write_text(source)
    errors = _errors(content_root)
    assert [(e.file, e.line, e.field) for e in errors] == [("rubrics/zz-copy.yaml", 2, "id")]
    assert "duplicate rubric id 'empathy-core'" in str(errors[0])
    assert RUBRIC in errors[0].hint


def test_file_outside_a_kind_folder(content_root: Path) -> None:
    """A YAML file given directly but not in personas/, scenarios/ or rubrics/ is explained."""
    stray = content_root / "stray.yaml"
    stray.write_text("id: x\n")
    _, errors = check_library([stray], root=content_root)
    assert [e.file for e in errors] == ["stray.yaml"]
    assert "personas/, scenarios/ or rubrics/" in errors[0].hint
