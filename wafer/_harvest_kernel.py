"""Compiled kernels of row / column harvesting (:mod:`wafer.harvest`).

A trial's dead cores are a sorted array of ids ``row * cols + col``. Every
line (row, or column with ``axis`` 1) holding a dead core is disabled; the
logical lines are the first good ones.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ._spare_lines_kernel import DEGRADED, FAILED, OK, _gaps

__all__ = ["DEGRADED", "FAILED", "OK"]


@njit(cache=True)
def _disabled_lines(dead, cols, axis, out):
    """Write the sorted distinct lines of ``dead`` to the start of ``out``; returns their count.

    Rows come sorted with the ids (O(n)); columns are sorted (O(n log n)).
    """
    n = 0
    if axis == 0:
        for i in range(dead.size):
            r = dead[i] // cols
            if n == 0 or out[n - 1] != r:
                out[n] = r
                n += 1
        return n
    lines = np.sort(dead % cols)
    for i in range(lines.size):
        if n == 0 or out[n - 1] != lines[i]:
            out[n] = lines[i]
            n += 1
    return n


@njit(cache=True, parallel=True)
def _harvest_batch(offsets, dead, geo):
    """Harvest every trial of a CSR batch.

    ``geo`` is (rows, cols, axis 0 rows / 1 columns, target lines, 0 for
    none). Returns per trial (status, disabled lines, logical lines, long
    links, longest link, extra hops) and the disabled lines of trial t at
    ``buf[offsets[t]:][:n]`` (a buffer aligned with ``dead``).
    """
    rows, cols, axis, target = geo
    n_lines = rows if axis == 0 else cols
    other = cols if axis == 0 else rows  # cores along a line
    n_trials = offsets.size - 1
    status = np.empty(n_trials, dtype=np.int8)
    disabled = np.empty(n_trials, dtype=np.int64)
    logical = np.empty(n_trials, dtype=np.int64)
    long_links = np.empty(n_trials, dtype=np.int64)
    longest = np.empty(n_trials, dtype=np.int64)
    extra = np.empty(n_trials, dtype=np.int64)
    buf = np.empty(dead.size, dtype=np.int64)
    for t in prange(n_trials):
        lo, hi = offsets[t], offsets[t + 1]
        out = buf[lo:hi]
        k = _disabled_lines(dead[lo:hi], cols, axis, out)
        good = n_lines - k
        if target > 0:
            s = OK if good >= target else FAILED
            lg = min(good, target)
        else:
            s = OK if k == 0 else (DEGRADED if good > 0 else FAILED)
            lg = good
        runs, total, run_max = _gaps(out[:k], lg)
        status[t] = s
        disabled[t] = k
        logical[t] = lg
        long_links[t] = runs * other
        extra[t] = total * other
        longest[t] = 0 if lg * other < 2 else (run_max + 1 if runs > 0 else 1)
    return status, disabled, logical, long_links, longest, extra, buf
