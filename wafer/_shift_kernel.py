"""Compiled kernels of the shift-to-spare remap.

Cores are numbered ``row * cols + col``. A trial's dead cores are a sorted
array of such ids. In segment ``s`` of a row (physical columns
``s * seg_w .. (s + 1) * seg_w - 1``), the ``lw = seg_w - spares`` logical
cores sit on the segment's first ``lw`` live cores, in order. Logical core
``o`` of the segment is displaced by ``d(o)``, the number of dead cores it has
passed: the ``k``-th dead core (0-based, at local column ``c_k``) is passed by
every ``o >= c_k - k``.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

OK, TOO_MANY_DEAD, TOO_MUCH_SKEW = 0, 1, 2


@njit(cache=True)
def _segment_dead(dead, cols, seg_w, row, seg):
    """Slice bounds of the dead cores of one row segment."""
    start = row * cols + seg * seg_w
    lo = np.searchsorted(dead, start)
    hi = np.searchsorted(dead, start + seg_w)
    return lo, hi


@njit(cache=True)
def _shift(dead, lo, hi, seg_start, o):
    """Displacement of logical offset ``o`` given the segment's dead cores."""
    d = 0
    for k in range(lo, hi):
        if dead[k] - seg_start - (k - lo) <= o:
            d += 1
    return d


@njit(cache=True)
def _max_skew(dead, cols, seg_w, lw, row_a, row_b, seg):
    """Largest |d_a(o) - d_b(o)| over the logical offsets of one segment pair."""
    a_lo, a_hi = _segment_dead(dead, cols, seg_w, row_a, seg)
    b_lo, b_hi = _segment_dead(dead, cols, seg_w, row_b, seg)
    a0 = row_a * cols + seg * seg_w
    b0 = row_b * cols + seg * seg_w
    worst = abs(_shift(dead, a_lo, a_hi, a0, 0) - _shift(dead, b_lo, b_hi, b0, 0))
    # The difference only changes where one of the two steps.
    for k in range(a_lo, a_hi):
        o = dead[k] - a0 - (k - a_lo)
        if o < lw:
            worst = max(worst, abs(_shift(dead, a_lo, a_hi, a0, o) - _shift(dead, b_lo, b_hi, b0, o)))
    for k in range(b_lo, b_hi):
        o = dead[k] - b0 - (k - b_lo)
        if o < lw:
            worst = max(worst, abs(_shift(dead, a_lo, a_hi, a0, o) - _shift(dead, b_lo, b_hi, b0, o)))
    return worst


@njit(cache=True)
def _check_trial(dead, rows, cols, seg_w, spares, max_skew):
    """(status, most dead cores in a segment, largest skew) of one trial."""
    lw = seg_w - spares
    fill = 0
    skew = 0
    i = 0
    n = dead.size
    while i < n:
        row = dead[i] // cols
        seg = (dead[i] % cols) // seg_w
        lo, hi = _segment_dead(dead, cols, seg_w, row, seg)
        fill = max(fill, hi - lo)
        i = hi
    if fill > spares:
        return TOO_MANY_DEAD, fill, skew
    i = 0
    while i < n:
        row = dead[i] // cols
        seg = (dead[i] % cols) // seg_w
        lo, hi = _segment_dead(dead, cols, seg_w, row, seg)
        if row > 0:
            skew = max(skew, _max_skew(dead, cols, seg_w, lw, row, row - 1, seg))
        if row + 1 < rows:
            skew = max(skew, _max_skew(dead, cols, seg_w, lw, row, row + 1, seg))
        i = hi
    if skew > max_skew:
        return TOO_MUCH_SKEW, fill, skew
    return OK, fill, skew


@njit(cache=True, parallel=True)
def _check_batch(offsets, dead, rows, cols, seg_w, spares, max_skew):
    n = offsets.size - 1
    status = np.empty(n, dtype=np.int8)
    fill = np.empty(n, dtype=np.int64)
    skew = np.empty(n, dtype=np.int64)
    for t in prange(n):
        s, f, k = _check_trial(dead[offsets[t] : offsets[t + 1]], rows, cols, seg_w, spares, max_skew)
        status[t] = s
        fill[t] = f
        skew[t] = k
    return status, fill, skew


@njit(cache=True)
def _l2p(dead, cols, seg_w, spares, logical):
    """Physical core of each logical core id (``row * lcols + col``)."""
    lw = seg_w - spares
    lcols = (cols // seg_w) * lw
    out = np.empty(logical.size, dtype=np.int64)
    for i in range(logical.size):
        row, lc = logical[i] // lcols, logical[i] % lcols
        seg, o = lc // lw, lc % lw
        lo, hi = _segment_dead(dead, cols, seg_w, row, seg)
        start = row * cols + seg * seg_w
        out[i] = start + o + _shift(dead, lo, hi, start, o)
    return out


@njit(cache=True)
def _p2l(dead, cols, seg_w, spares, physical):
    """Logical core on each physical core, -1 for a dead or unused spare core."""
    lw = seg_w - spares
    lcols = (cols // seg_w) * lw
    out = np.empty(physical.size, dtype=np.int64)
    for i in range(physical.size):
        p = physical[i]
        row, col = p // cols, p % cols
        seg = col // seg_w
        lo, hi = _segment_dead(dead, cols, seg_w, row, seg)
        k = np.searchsorted(dead[lo:hi], p)
        if k < hi - lo and dead[lo + k] == p:
            out[i] = -1
            continue
        o = col - seg * seg_w - k
        out[i] = row * lcols + seg * lw + o if o < lw else -1
    return out


@njit(cache=True)
def _irregular_links(dead, rows, cols, seg_w, spares):
    """Logical channel ids that may be more than one physical hop (a superset).

    Links across segment boundaries, links spanning a dead core, and vertical
    links whose two ends are displaced by different amounts.
    """
    lw = seg_w - spares
    nseg = cols // seg_w
    lcols = nseg * lw
    out = []
    for r in range(rows):
        for s in range(1, nseg):
            j = r * lcols + s * lw - 1
            out.append(4 * j + 0)
            out.append(4 * (j + 1) + 1)
    i = 0
    n = dead.size
    while i < n:
        row = dead[i] // cols
        seg = (dead[i] % cols) // seg_w
        lo, hi = _segment_dead(dead, cols, seg_w, row, seg)
        start = row * cols + seg * seg_w
        base = row * lcols + seg * lw
        for k in range(lo, hi):
            o = dead[k] - start - (k - lo)
            if 1 <= o < lw:
                out.append(4 * (base + o - 1) + 0)
                out.append(4 * (base + o) + 1)
        for other in (row - 1, row + 1):
            if other < 0 or other >= rows:
                continue
            b_lo, b_hi = _segment_dead(dead, cols, seg_w, other, seg)
            b_start = other * cols + seg * seg_w
            port = 2 if other > row else 3
            for o in range(lw):
                if _shift(dead, lo, hi, start, o) != _shift(dead, b_lo, b_hi, b_start, o):
                    out.append(4 * (base + o) + port)
                    out.append(4 * (other * lcols + seg * lw + o) + (5 - port))
        i = hi
    return np.unique(np.array(out, dtype=np.int64))
