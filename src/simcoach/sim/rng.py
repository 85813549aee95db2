"""A tiny deterministic PRNG whose whole state is one JSON-safe integer, so snapshots can carry it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

# The 48-bit linear congruential generator of java.util.Random: small, well studied, and its state
# stays below 2**53, so it survives a round trip through JSON in any language (the service stores it).
_MULT = 0x5DEECE66D
_INC = 0xB
_MASK = (1 << 48) - 1


def seed_state(seed: int) -> int:
    """The generator state for a session seed (scrambled like java.util.Random)."""
    return (seed ^ _MULT) & _MASK


class Rng:
    """Deterministic random choices; ``state`` is all there is to save and restore."""

    __slots__ = ("state",)

    def __init__(self, state: int) -> None:
        self.state = state & _MASK

    def _next(self, bits: int) -> int:
        self.state = (self.state * _MULT + _INC) & _MASK
        return self.state >> (48 - bits)

    def below(self, n: int) -> int:
        """A uniform integer in ``[0, n)``; ``n`` must be positive."""
        if n <= 0:
            raise ValueError("n must be positive")
        # Rejection sampling keeps the choice unbiased for any n.
        limit = (1 << 31) - ((1 << 31) % n)
        while True:
            r = self._next(31)
            if r < limit:
                return r % n

    def random(self) -> float:
        """A uniform float in ``[0, 1)``."""
        return self._next(31) / float(1 << 31)

    def choice(self, items: Sequence[T]) -> T:
        """One item, uniformly; the sequence must not be empty."""
        return items[self.below(len(items))]
