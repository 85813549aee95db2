"""The session PRNG: deterministic, resumable from its integer state, JSON-safe, in range."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simcoach.sim.rng import Rng, seed_state


@given(st.integers(min_value=0, max_value=2**63), st.integers(min_value=1, max_value=1000))
def test_below_is_in_range_and_state_is_json_safe(seed: int, n: int) -> None:
    rng = Rng(seed_state(seed))
    for _ in range(20):
        assert 0 <= rng.below(n) < n
        assert 0 <= rng.state < 2**53


def test_resuming_from_state_continues_the_sequence() -> None:
    a = Rng(seed_state(42))
    [a.random() for _ in range(5)]
    b = Rng(a.state)
    assert [a.below(100) for _ in range(10)] == [b.below(100) for _ in range(10)]


def test_different_seeds_differ() -> None:
    assert [Rng(seed_state(1)).below(1000) for _ in range(3)] != [Rng(seed_state(2)).below(1000)]


def test_below_rejects_empty() -> None:
    with pytest.raises(ValueError, match="positive"):
        Rng(1).below(0)
