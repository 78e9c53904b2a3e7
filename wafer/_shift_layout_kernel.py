"""Compiled kernels of shift-to-spare with its spares anywhere in a segment.

The frame is the one the shift runs along: cores ``row * cols + col``, each
row cut into segments of ``seg_w`` cores (a shift along columns is this frame
transposed, which the caller does). ``spare[x]`` says which local positions of
a segment are spares; the ``lw`` logical cores of a segment sit nominally on
the others, ``nominal`` (ascending). With dead cores, the logical cores take
live positions in order (an order-preserving assignment ``q``), the one with
the least total displacement ``sum |q[j] - nominal[j]|``, ties to the lower
positions; a segment without dead cores keeps its nominal positions. With
all spares at the end this is the first-live assignment of
:mod:`wafer._shift_kernel`, whatever the tie rule (it minimises every
displacement at once).

A trial is described by its defective segments only: sorted keys ``row *
nseg + segment`` and their assignments, one row of ``q`` each.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ._shift_kernel import OK, TOO_MANY_DEAD, TOO_MUCH_SKEW

_INF = np.int64(1) << np.int64(60)


@njit(cache=True)
def _assign(local_dead, nominal, spare, q):
    """Write into ``q`` the least-displacement assignment of one segment whose
    dead local positions are ``local_dead`` (sorted, at most its spares).

    A backward dynamic programme over (position, live cores skipped so far):
    O(segment width * (spares - dead + 1)).
    """
    seg_w = spare.size
    lw = nominal.size
    slack = seg_w - lw - local_dead.size  # live cores the segment leaves unused
    dead = np.zeros(seg_w, dtype=np.bool_)
    for x in local_dead:
        dead[x] = True
    before = np.zeros(seg_w + 1, dtype=np.int64)  # dead cores left of each position
    for x in range(seg_w):
        before[x + 1] = before[x] + dead[x]
    cost = np.full((seg_w + 1, slack + 1), _INF, dtype=np.int64)
    cost[seg_w, slack] = 0
    for x in range(seg_w - 1, -1, -1):
        for u in range(slack + 1):
            if dead[x]:
                cost[x, u] = cost[x + 1, u]
                continue
            i = x - before[x] - u  # the logical core this position would take
            best = _INF
            if i < lw and cost[x + 1, u] < _INF:
                best = cost[x + 1, u] + abs(x - nominal[i])
            if u < slack and cost[x + 1, u + 1] < best:
                best = cost[x + 1, u + 1]
            cost[x, u] = best
    u = 0
    for x in range(seg_w):
        if dead[x]:
            continue
        i = x - before[x] - u
        use = cost[x + 1, u] + abs(x - nominal[i]) if i < lw and cost[x + 1, u] < _INF else _INF
        skip = cost[x + 1, u + 1] if u < slack else _INF
        if use <= skip:
            q[i] = x
        else:
            u += 1


@njit(cache=True)
def _assign_one(x, nominal, spare, q):
    """:func:`_assign` of a segment with one dead core, at local position ``x``:
    the cores between it and its nearest spare (the lower one on a tie) move
    one step toward that spare, nothing else moves. O(segment width)."""
    seg_w = spare.size
    q[:] = nominal
    if spare[x]:
        return
    left = x - 1
    while left >= 0 and not spare[left]:
        left -= 1
    right = x + 1
    while right < seg_w and not spare[right]:
        right += 1
    step = -1 if left >= 0 and (right == seg_w or x - left <= right - x) else 1
    for j in range(nominal.size):
        p = nominal[j]
        if (step < 0 and left < p <= x) or (step > 0 and x <= p < right):
            q[j] = p + step


@njit(cache=True)
def _segments(dead, cols, seg_w, nominal, spare):
    """(keys, assignments, most dead cores in a segment, spares the over-full
    segments would need) of one trial; no assignments if a segment has more
    dead cores than spares."""
    spares = seg_w - nominal.size
    nseg = cols // seg_w
    n = dead.size
    keys = [np.int64(0)][:0]
    bounds = [np.int64(0)][:0]
    fill = 0
    lo = 0
    while lo < n:
        key = (dead[lo] // cols) * nseg + (dead[lo] % cols) // seg_w
        hi = lo
        while hi < n and (dead[hi] // cols) * nseg + (dead[hi] % cols) // seg_w == key:
            hi += 1
        keys.append(key)
        bounds.append(lo)
        fill = max(fill, hi - lo)
        lo = hi
    bounds.append(n)
    out_keys = np.array(keys, dtype=np.int64)
    if fill > spares:
        need = 0
        for s in range(out_keys.size):
            held = 0
            for k in range(bounds[s], bounds[s + 1]):
                held += not spare[dead[k] % cols % seg_w]
            need += min(held, spares)
        return out_keys, np.zeros((0, nominal.size), dtype=np.int64), fill, need
    q = np.empty((out_keys.size, nominal.size), dtype=np.int64)
    for s in range(out_keys.size):
        local = np.empty(bounds[s + 1] - bounds[s], dtype=np.int64)
        for k in range(bounds[s], bounds[s + 1]):
            local[k - bounds[s]] = dead[k] % cols % seg_w
        if local.size == 1:  # the common case at low defect density
            _assign_one(local[0], nominal, spare, q[s])
        else:
            _assign(local, nominal, spare, q[s])
    return out_keys, q, fill, 0


@njit(cache=True)
def _positions(keys, q, nominal, key):
    """The assignment of segment ``key``: its row of ``q``, or ``nominal`` if it has no dead core."""
    i = np.searchsorted(keys, key)
    if i < keys.size and keys[i] == key:
        return q[i]
    return nominal


@njit(cache=True)
def _figures(keys, q, rows, nseg, seg_w, nominal, spare, base):
    """(largest skew, figures) of one trial with assignments: figures as in
    :func:`wafer._shift_kernel._check_trial`, [long links, their hops, the
    longest, spares used].

    ``base`` counts the fault-free wafer's horizontal long links by length
    (vertical ones are all one hop); only the defective segments and the
    crossings next to them are visited: their fault-free links are taken out
    of ``base`` and their links now counted in.
    """
    lw = nominal.size
    figures = np.zeros(4, dtype=np.int64)
    left = base.copy()  # fault-free links not taken out
    added = np.zeros(2 * seg_w + 2, dtype=np.int64)  # links counted in, by length
    crossing = seg_w - nominal[lw - 1] + nominal[0]
    skew = 0
    for s in range(keys.size):
        row, g = keys[s] // nseg, keys[s] % nseg
        mine = q[s]
        for j in range(lw):
            figures[3] += spare[mine[j]]
        for j in range(lw - 1):
            left[nominal[j + 1] - nominal[j]] -= 1
            added[mine[j + 1] - mine[j]] += 1
        if g + 1 < nseg:
            right = _positions(keys, q, nominal, keys[s] + 1)
            left[crossing] -= 1
            added[seg_w - mine[lw - 1] + right[0]] += 1
        if g > 0 and not (s > 0 and keys[s - 1] == keys[s] - 1):
            left[crossing] -= 1
            added[seg_w - nominal[lw - 1] + mine[0]] += 1
        for other in (row - 1, row + 1):
            if other < 0 or other >= rows:
                continue
            key = other * nseg + g
            theirs = _positions(keys, q, nominal, key)
            i = np.searchsorted(keys, key)
            # Each pair of rows' links counted once (from the upper row when both have dead cores here).
            count = not (other < row and i < keys.size and keys[i] == key)
            for j in range(lw):
                gap = abs(mine[j] - theirs[j])
                skew = max(skew, gap)
                if count and gap:
                    added[1 + gap] += 1
    for length in range(2, added.size):
        n = added[length] + (left[length] if length < left.size else 0)
        if n:
            figures[0] += n
            figures[1] += n * length
            figures[2] = length
    return skew, figures


@njit(cache=True, parallel=True)
def _check_layout_batch(offsets, dead, rows, cols, nominal, spare, max_skew, base):
    """Per trial: status, most dead cores in a segment, largest skew, and the
    figures of :func:`_figures` (zeros but spares used where repair fails)."""
    n = offsets.size - 1
    seg_w = spare.size
    nseg = cols // seg_w
    status = np.empty(n, dtype=np.int8)
    fill = np.empty(n, dtype=np.int64)
    skew = np.zeros(n, dtype=np.int64)
    figures = np.zeros((n, 4), dtype=np.int64)
    for t in prange(n):
        keys, q, f, need = _segments(dead[offsets[t] : offsets[t + 1]], cols, seg_w, nominal, spare)
        fill[t] = f
        if f > seg_w - nominal.size:
            status[t] = TOO_MANY_DEAD
            figures[t, 3] = need
            continue
        k, fig = _figures(keys, q, rows, nseg, seg_w, nominal, spare, base)
        skew[t] = k
        if k > max_skew:
            status[t] = TOO_MUCH_SKEW
            figures[t, 3] = fig[3]
        else:
            status[t] = OK
            figures[t] = fig
    return status, fill, skew, figures


@njit(cache=True)
def _layout_l2p(keys, q, cols, nominal, seg_w, logical):
    """Frame core of each frame logical core id (``row * lcols + col``)."""
    lw = nominal.size
    nseg = cols // seg_w
    lcols = nseg * lw
    out = np.empty(logical.size, dtype=np.int64)
    for i in range(logical.size):
        row, lc = logical[i] // lcols, logical[i] % lcols
        g, j = lc // lw, lc % lw
        out[i] = row * cols + g * seg_w + _positions(keys, q, nominal, row * nseg + g)[j]
    return out


@njit(cache=True)
def _layout_p2l(keys, q, cols, nominal, seg_w, physical):
    """Frame logical core on each frame core, -1 for a dead or unused core."""
    lw = nominal.size
    nseg = cols // seg_w
    lcols = nseg * lw
    out = np.empty(physical.size, dtype=np.int64)
    for i in range(physical.size):
        row, c = physical[i] // cols, physical[i] % cols
        g, x = c // seg_w, c % seg_w
        positions = _positions(keys, q, nominal, row * nseg + g)
        j = np.searchsorted(positions, x)
        out[i] = row * lcols + g * lw + j if j < lw and positions[j] == x else -1
    return out
