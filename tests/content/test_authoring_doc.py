"""docs/authoring.md stays true: its worked example is the valid fixture set, its messages are real."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .test_authoring_mistakes import MISTAKES, _apply, _errors

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE_CONTENT = REPO_ROOT / "tests" / "fixtures" / "content"
DOC = REPO_ROOT / "docs" / "authoring.md"
EXAMPLES = ("personas/billing-irate.yaml", "scenarios/double-charge.yaml", "rubrics/empathy-core.yaml")


def _without_schema_line(text: str) -> str:
    """The schema comment differs by folder depth; everything else must match."""
    return "\n".join(line for line in text.splitlines() if "yaml-language-server" not in line)


@pytest.mark.parametrize("name", EXAMPLES)
def test_worked_example_is_the_valid_fixture(name: str) -> None:
    """Each worked-example file in the guide is the fixture the mistake tests start from."""
    found = re.search(rf"`{re.escape(name)}`:\n\n```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert found is not None, f"{name} missing from docs/authoring.md"
    fixture = (FIXTURE_CONTENT / name).read_text(encoding="utf-8")
    assert _without_schema_line(found.group(1)) == _without_schema_line(fixture)


def test_quoted_messages_are_what_validate_prints(tmp_path: Path) -> None:
    """Every message in the guide's table of common mistakes is produced by one of the mistakes."""
    produced: list[str] = []
    for index, mistake in enumerate(MISTAKES.values()):
        root = tmp_path / str(index)
        shutil.copytree(FIXTURE_CONTENT, root)
        _apply(root, mistake)
        produced += [str(e) for e in _errors(root)]
    table = DOC.read_text(encoding="utf-8").split("## Common mistakes", 1)[1]
    quoted = re.findall(r"^\| [^|]+ \| `(.+)` \|$", table, re.M)
    assert len(quoted) >= 12
    for message in quoted:
        prefix = message.split("…")[0]
        assert any(p == message or (p.startswith(prefix) and "…" in message) for p in produced), message
