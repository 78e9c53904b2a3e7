"""Compiled kernels of greedy column rerouting (GCR) with row bypass.

Two kernels compute the same thing, the leftmost family of logical columns
(see :mod:`wafer.rerouting` for the model and the proofs):

- :func:`_gcr_dense` walks an alive mask: a depth-first search per logical
  column, top to bottom, trying the leftmost candidate first, and marking for
  good every PE found to lead nowhere. O(rows * cols * (2d + 1)).
- :func:`_gcr_sparse` works from a trial's sorted dead core ids (all rows
  selected). Column ``k`` sits at physical column ``k + delta_k(row)``; each
  row's ``delta`` is a non-decreasing step function of ``k``, zero on rows
  far from any fault, stored as breakpoints ``(k, value)`` (``delta`` is
  ``value`` from ``k`` until the next breakpoint). Only rows with faults, and
  the few rows below them where a deviation decays, are ever visited.

Kernels take arrays and scalars only.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True)
def _gcr_dense(alive, rows, d):
    """GCR on ``alive[rows]``: (columns x len(rows) positions, blocking row).

    Row ``k`` of the first result is logical column ``k``: its physical
    column in each selected row (the transpose of ``l2p``). The blocking row
    is the selected-row index the search for the first missing column could
    not enter (the deepest row it reached, plus one; 0 when row 0 had no
    candidate left); -1 when every physical column became a logical one.
    """
    m = rows.size
    cols = alive.shape[1]
    if m == 0:
        return np.empty((0, 0), dtype=np.int64), -1
    free = np.empty((m, cols), dtype=np.bool_)  # fault-free and not marked
    for i in range(m):
        free[i] = alive[rows[i]]
    out = np.empty((cols, m), dtype=np.int64)
    prev = np.full(m, -1, dtype=np.int64)
    cur = np.empty(m, dtype=np.int64)
    count = 0
    block = -1
    while count < cols:
        found = False
        deepest = -1
        x = prev[0] + 1
        while x < cols and not found:
            if free[0, x]:
                cur[0] = x
                i = 0
                while 0 <= i < m - 1:
                    if i > deepest:
                        deepest = i
                    c = cur[i]
                    lo = max(c - d, prev[i + 1] + 1)
                    hi = min(c + d, cols - 1)
                    j = lo
                    while j <= hi and not free[i + 1, j]:
                        j += 1
                    if j <= hi:
                        cur[i + 1] = j
                        i += 1
                    else:
                        # No way down from here, now or for any later column.
                        free[i, c] = False
                        i -= 1
                found = i == m - 1
            x += 1
        if not found:
            block = deepest + 1
            break
        out[count] = cur
        prev[:] = cur
        count += 1
    if 2 * count < cols:  # do not keep a mostly unused buffer alive
        return out[:count].copy(), block
    return out[:count], block


@njit(cache=True)
def _grow(a, need):
    out = np.empty(max(need, 2 * a.size), dtype=a.dtype)
    out[: a.size] = a
    return out


@njit(cache=True)
def _row_step(bk, bv, p0, p1, dead, f0, f1, base, d, cols, o):
    """Write the step function of one row into ``bk``/``bv`` from ``o``; return its end.

    The row above has breakpoints ``bk/bv[p0:p1]`` (``p1 <= o``); this row's
    dead cores are ``dead[f0:f1] - base`` (sorted, repeats allowed). Column
    ``k`` goes to the first live column at or after ``max(x_{k-1} + 1, k +
    max(delta_above_k - d, 0))``: in ``delta`` terms, the running value rises
    to the reach bound ``delta_above - d`` where that exceeds it, and by one
    at each dead core it lands on. Events are taken in column order; at
    equal columns the reach bound first.
    """
    qi = p0
    while qi < p1 and bv[qi] <= d:  # reach bounds of at most 0
        qi += 1
    cur = 0
    k = 0
    fi = f0
    n = o
    while True:
        while fi < f1 and dead[fi] - base < k + cur:  # passed over, or a repeat
            fi += 1
        kf = dead[fi] - base - cur if fi < f1 else cols
        kq = bk[qi] if qi < p1 else cols
        if kq <= kf:
            if kq >= cols:
                break
            v = bv[qi] - d
            qi += 1
            if v <= cur:
                continue
            cur = v
            k = kq
        else:
            if kf >= cols:
                break
            k = kf
            cur += 1
            fi += 1
        if n > o and bk[n - 1] == k:
            bv[n - 1] = cur
        else:
            bk[n] = k
            bv[n] = cur
            n += 1
    return n


@njit(cache=True)
def _value_at(bk, bv, a0, a1, k):
    """The step function ``bk/bv[a0:a1]`` at column ``k``."""
    v = 0
    for j in range(a0, a1):
        if bk[j] > k:
            break
        v = bv[j]
    return v


@njit(cache=True)
def _prefix(bk, bv, a0, a1, cols):
    """How many columns of a row land on a physical column (``k + delta_k < cols``)."""
    for j in range(a0, a1):
        end = bk[j + 1] if j + 1 < a1 else cols
        first = max(bk[j], cols - bv[j])
        if first < end:
            return first
    return cols


@njit(cache=True)
def _first_jump(bk, bv, p0, p1, q0, q1, d, limit):
    """Least ``k < limit`` where the lower row's step function exceeds the upper's by more than ``d``."""
    i, j = p0, q0
    a = b = 0
    while True:
        ka = bk[i] if i < p1 else limit
        kb = bk[j] if j < q1 else limit
        k = min(ka, kb)
        if k >= limit:
            return limit
        while i < p1 and bk[i] == k:
            a = bv[i]
            i += 1
        while j < q1 and bk[j] == k:
            b = bv[j]
            j += 1
        if b - a > d:
            return k


@njit(cache=True)
def _differ(bk, bv, p0, p1, q0, q1, limit):
    """How many ``k < limit`` two step functions differ at."""
    i, j = p0, q0
    a = b = 0
    k = 0
    total = 0
    while k < limit:
        ka = bk[i] if i < p1 else limit
        kb = bk[j] if j < q1 else limit
        nxt = min(ka, kb, limit)
        if a != b:
            total += nxt - k
        k = nxt
        while i < p1 and bk[i] == k:
            a = bv[i]
            i += 1
        while j < q1 and bk[j] == k:
            b = bv[j]
            j += 1
    return total


@njit(cache=True)
def _straight(dead, rows, cols):
    """Distance 0: every fault-free physical column is a logical column.

    (columns, long vertical, long horizontal).
    """
    dc = np.unique(dead % cols)
    inner = 0
    for i in range(dc.size):
        if i == 0 or dc[i - 1] != dc[i] - 1:  # a run of dead columns starts
            j = i
            while j + 1 < dc.size and dc[j + 1] == dc[j] + 1:
                j += 1
            if dc[i] > 0 and dc[j] < cols - 1:
                inner += 1
    return cols - dc.size, 0, rows * inner


@njit(cache=True)
def _same(bk, bv, a0, a1, b0, b1):
    """Whether two step functions are equal."""
    if a1 - a0 != b1 - b0:
        return False
    for t in range(a1 - a0):
        if bk[a0 + t] != bk[b0 + t] or bv[a0 + t] != bv[b0 + t]:
            return False
    return True


@njit(cache=True)
def _merge(dead, kills):
    """``dead`` (sorted) with the distinct ids ``kills`` (any order, none in ``dead``) merged in."""
    kills = np.sort(kills)
    out = np.empty(dead.size + kills.size, dtype=np.int64)
    i = j = 0
    for o in range(out.size):
        if j >= kills.size or (i < dead.size and dead[i] < kills[j]):
            out[o] = dead[i]
            i += 1
        else:
            out[o] = kills[j]
            j += 1
    return out


# Columns of the per-row table of _gcr_sparse.
_START, _END, _FIT, _JUMP = 0, 1, 2, 3


@njit(cache=True)
def _sweep(dead, rows, cols, d, start, last_kill, tab, bk, bv, nb, touched, nt):
    """Sweep rows ``start`` down, stopping below ``last_kill`` at the first row as before.

    Returns (bk, bv, nb, touched, nt), the buffers possibly grown. A swept row
    depends only on the row above and its dead cores, so once a row at or
    below the last killed one comes out as before, so do all rows below.
    Killing PEs only pushes columns right (every swept position is a first
    live column above bounds that only grow), so a row never returns to zero:
    rows the sweep skips as zero were zero before.
    """
    p0 = tab[start - 1, _START] if start > 0 else 0
    p1 = tab[start - 1, _END] if start > 0 else 0
    fi = np.searchsorted(dead, start * cols)
    r = start
    while r < rows:
        if p0 == p1:  # nothing above: skip to the next row with a fault
            if fi >= dead.size:
                break
            r = max(r, dead[fi] // cols)
        f0 = fi
        end = (r + 1) * cols
        while fi < dead.size and dead[fi] < end:
            fi += 1
        need = nb + (p1 - p0) + (fi - f0) + 1
        if need > bk.size:
            bk = _grow(bk, need)
            bv = _grow(bv, need)
        n = _row_step(bk, bv, p0, p1, dead, f0, fi, r * cols, d, cols, nb)
        o0, o1 = tab[r, _START], tab[r, _END]
        if r >= last_kill and _same(bk, bv, nb, n, o0, o1):
            if o0 < o1 and r > 0:  # the row above may have changed
                tab[r, _JUMP] = _first_jump(bk, bv, p0, p1, o0, o1, d, cols)
            break
        if n > nb:
            if o0 == o1:
                if nt >= touched.size:
                    touched = _grow(touched, nt + 1)
                touched[nt] = r
                nt += 1
            tab[r, _START] = nb
            tab[r, _END] = n
            tab[r, _FIT] = _prefix(bk, bv, nb, n, cols)
            tab[r, _JUMP] = _first_jump(bk, bv, p0, p1, nb, n, d, cols) if r > 0 else cols
            p0, p1 = nb, n
            nb = n
        else:
            p0 = p1 = nb
        r += 1
    return bk, bv, nb, touched, nt


@njit(cache=True)
def _gcr_sparse(dead_in, rows, cols, d, tab, bk, bv, touched):
    """GCR with every row selected, from a trial's sorted dead core ids.

    Scratch space, reused across trials: ``tab[r]`` = (first breakpoint, end
    breakpoint, columns that fit row ``r``, least dead-end column stepping
    into row ``r`` from the row above or ``cols``), start == end being the
    zero function, all zero between trials; ``bk``/``bv`` hold breakpoints
    (append-only within a trial); ``touched`` lists the rows made non-zero.
    Returns (columns, long vertical, long horizontal, distinct dead cores,
    bk, bv, touched). See :func:`wafer.rerouting.gcr_batch` for why it equals
    :func:`_gcr_dense`.
    """
    distinct = 0
    for i in range(dead_in.size):
        if i == 0 or dead_in[i] != dead_in[i - 1]:
            distinct += 1
    if d == 0:
        c, v, h = _straight(dead_in, rows, cols)
        return c, v, h, distinct, bk, bv, touched
    dead = dead_in
    bk, bv, nb, touched, nt = _sweep(dead, rows, cols, d, 0, rows, tab, bk, bv, 0, touched, 0)
    while True:
        count = cols
        kstar = cols
        for j in range(nt):
            r = touched[j]
            count = min(count, tab[r, _FIT])
            kstar = min(kstar, tab[r, _JUMP])
        if kstar >= count:
            break
        # Column kstar's dead-end PEs can serve no column from kstar on: kill them.
        kills = np.empty(nt, dtype=np.int64)
        nk = 0
        start = rows
        last_kill = 0
        for j in range(nt):
            r = touched[j]
            if tab[r, _JUMP] != kstar:
                continue
            above = _value_at(bk, bv, tab[r - 1, _START], tab[r - 1, _END], kstar)
            kills[nk] = (r - 1) * cols + kstar + above
            nk += 1
            start = min(start, r - 1)
            last_kill = max(last_kill, r - 1)
        dead = _merge(dead, kills[:nk])
        bk, bv, nb, touched, nt = _sweep(dead, rows, cols, d, start, last_kill, tab, bk, bv, nb, touched, nt)
    horizontal = 0
    vertical = 0
    for j in range(nt):
        r = touched[j]
        a0, a1 = tab[r, _START], tab[r, _END]
        for t in range(a0, a1):
            if 1 <= bk[t] < count:
                horizontal += 1
        if r >= 1:
            vertical += _differ(bk, bv, tab[r - 1, _START], tab[r - 1, _END], a0, a1, count)
        if r + 1 < rows and tab[r + 1, _START] == tab[r + 1, _END]:
            vertical += _differ(bk, bv, a0, a1, a1, a1, count)
    for j in range(nt):
        tab[touched[j], _START] = 0
        tab[touched[j], _END] = 0
    return count, vertical, horizontal, distinct, bk, bv, touched


@njit(cache=True, parallel=True)
def _gcr_batch(offsets, dead, rows, cols, d, chunk):
    """:func:`_gcr_sparse` of every trial; chunks of ``chunk`` trials share scratch space."""
    n = offsets.size - 1
    columns = np.empty(n, dtype=np.int64)
    vertical = np.empty(n, dtype=np.int64)
    horizontal = np.empty(n, dtype=np.int64)
    distinct = np.empty(n, dtype=np.int64)
    for c in prange((n + chunk - 1) // chunk):
        tab = np.zeros((rows, 4), dtype=np.int64)
        bk = np.empty(256, dtype=np.int64)
        bv = np.empty(256, dtype=np.int64)
        touched = np.empty(64, dtype=np.int64)
        for t in range(c * chunk, min(n, (c + 1) * chunk)):
            cc, v, h, k, bk, bv, touched = _gcr_sparse(
                dead[offsets[t] : offsets[t + 1]], rows, cols, d, tab, bk, bv, touched
            )
            columns[t] = cc
            vertical[t] = v
            horizontal[t] = h
            distinct[t] = k
    return columns, vertical, horizontal, distinct
