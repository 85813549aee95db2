"""Fixtures every test folder may use; feature folders add their own in their own conftest.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
"""A minimal valid persona, scenario and rubric that reference each other."""

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    """A writable copy of the minimal valid content set, for tests that break it on purpose."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root
