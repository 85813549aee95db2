"""Give freed heap memory back to the OS now and then, so idle sessions cost what they hold.

Each turn allocates large short-lived buffers (the JSON engine snapshot, frames); glibc keeps the freed
pages mapped, so a process's resident memory stays at its busiest moment. ``malloc_trim`` releases them.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
from collections.abc import Callable

log = logging.getLogger("simcoach.heap")


def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to do
        return None
    return trim


async def trim_heap_forever(interval_s: float) -> None:
    """Call ``malloc_trim(0)`` every ``interval_s`` seconds (a no-op where libc lacks it)."""
    trim = _malloc_trim()
    if trim is None:
        return
    while True:
        await asyncio.sleep(interval_s)
        trim(0)
