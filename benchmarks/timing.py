"""The one timing helper the benchmark scripts share (run them from the project root)."""

from __future__ import annotations

import math
import time


def best_of(fn, repeat: int):
    """Best wall time of ``repeat`` calls of ``fn``, seconds, and the last call's result."""
    best, out = math.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out
