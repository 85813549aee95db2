"""Shared fixtures for the engine tests: the fixture content library and a session factory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from simcoach.content.library import ContentLibrary
from simcoach.content.loader import load_library
from simcoach.sim.engine import PracticeSession

from .fakes import RegexScorer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "content"


@pytest.fixture(scope="session")
def fixture_library() -> ContentLibrary:
    """The small content set under tests/fixtures/content."""
    return load_library([FIXTURES], root=FIXTURES)


SessionFactory = Callable[..., PracticeSession]


@pytest.fixture
def make_session(fixture_library: ContentLibrary) -> SessionFactory:
    """Start a fixture-scenario session with the regex scorer."""

    def make(scenario_id: str = "double-charge", seed: int = 7) -> PracticeSession:
        sc = fixture_library.scenarios[scenario_id]
        return PracticeSession.start(
            scenario=sc,
            persona=fixture_library.personas[sc.item.persona],
            rubric=fixture_library.rubrics[sc.item.rubric],
            seed=seed,
            scorer=RegexScorer(),
        )

    return make
