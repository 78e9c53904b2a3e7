"""Compiled kernels for uniform-traffic metrics of an embedded logical mesh."""

from __future__ import annotations

import numpy as np
from numba import njit

from ._mesh_kernel import _onehop_link


@njit(cache=True)
def _channel_table(lrows, lcols, pcols, listed, flows, offsets, channels, node_keys, node_logical):
    """The physical channels used by at least one listed path, with their loads.

    A channel carries the loads (``flows[i]`` for path ``i``) of every listed
    link whose path uses it, plus that of the unlisted logical link lying on
    it as one hop, if there is one; ``listed`` is the sorted listed links.
    Returns the sorted distinct channels, the summed loads of their listed
    paths and the unlisted one-hop logical link on each (-1 for none), whose
    own load the caller adds.
    """
    m = channels.size
    order = np.argsort(channels, kind="mergesort")
    owner = np.empty(m, dtype=np.int64)
    for i in range(flows.size):
        for j in range(offsets[i], offsets[i + 1]):
            owner[j] = i
    chan = np.empty(m, dtype=np.int64)
    total = np.zeros(m, dtype=flows.dtype)
    onehop = np.empty(m, dtype=np.int64)
    n = 0
    j = 0
    while j < m:
        c = channels[order[j]]
        while j < m and channels[order[j]] == c:
            total[n] += flows[owner[order[j]]]
            j += 1
        lc = _onehop_link(c, pcols, lrows, lcols, node_keys, node_logical)
        if lc < 0:
            lc = -1  # no link, or an end the embedding does not list (no logical node there)
        else:
            k = np.searchsorted(listed, lc)
            if k < listed.size and listed[k] == lc:
                lc = -1
        chan[n], onehop[n] = c, lc
        n += 1
    return chan[:n], total[:n], onehop[:n]


@njit(cache=True)
def _shared_channel_max(
    lrows, lcols, pcols, listed, flows, offsets, channels, node_keys, node_logical
):
    """Largest uniform flow count on a physical channel used by at least one
    listed path (see :func:`_channel_table`); 0 if no path has a channel."""
    _, total, onehop = _channel_table(lrows, lcols, pcols, listed, flows, offsets, channels, node_keys, node_logical)
    best = 0
    for i in range(total.size):
        t = total[i]
        lc = onehop[i]
        if lc >= 0:
            t += _flows_one(lrows, lcols, (lc // 4) % lcols, (lc // 4) // lcols, lc % 4)
        best = max(best, t)
    return best


@njit(cache=True)
def _flows_one(rows, cols, x, y, port):
    if port == 0:
        return (x + 1) * (cols - 1 - x) * rows
    if port == 1:
        return x * (cols - x) * rows
    if port == 2:
        return cols * (y + 1) * (rows - 1 - y)
    return cols * y * (rows - y)


@njit(cache=True)
def _groups(keys):
    """Start offsets of the runs of equal values in sorted ``keys`` (plus the end)."""
    starts = [0]
    for i in range(1, keys.size):
        if keys[i] != keys[i - 1]:
            starts.append(i)
    starts.append(keys.size)
    return np.array(starts, dtype=np.int64)


@njit(cache=True)
def _sum_before(pos, csum, lo, hi, b):
    """Sum of the extras at positions < b of one run (``csum`` is inclusive)."""
    k = np.searchsorted(pos[lo:hi], b)
    return csum[lo + k - 1] - (csum[lo - 1] if lo > 0 else 0) if k > 0 else 0


@njit(cache=True)
def _sum_after(pos, csum, lo, hi, b):
    """Sum of the extras at positions > b of one run."""
    total = csum[hi - 1] - (csum[lo - 1] if lo > 0 else 0)
    k = np.searchsorted(pos[lo:hi], b, side="right")
    return total - (csum[lo + k - 1] - (csum[lo - 1] if lo > 0 else 0) if k > 0 else 0)


@njit(cache=True)
def _runs(lines, pos, extra):
    """Sort (line, pos, extra) by line then pos; return the line of each run,
    the run start offsets (plus the end), the positions and cumulative extras."""
    span = pos.max() + 1 if pos.size else 1
    order = np.argsort(lines * span + pos)
    lines, pos, extra = lines[order], pos[order], extra[order]
    starts = _groups(lines)
    return lines[starts[:-1]], starts, pos, np.cumsum(extra)


@njit(cache=True)
def _line_max(pos_a, cs_a, a_lo, a_hi, pos_b, cs_b, b_lo, b_hi, at):
    """max(sum of run a before ``at``, sum of run b after ``at``); empty runs give 0."""
    s = 0
    if a_hi > a_lo:
        s = _sum_before(pos_a, cs_a, a_lo, a_hi, at)
    if b_hi > b_lo:
        s = max(s, _sum_after(pos_b, cs_b, b_lo, b_hi, at))
    return s


@njit(cache=True)
def _find_run(heads, starts, line):
    """(lo, hi) of ``line``'s run, or (0, 0) if it has none."""
    k = np.searchsorted(heads, line)
    if k < heads.size and heads[k] == line:
        return starts[k], starts[k + 1]
    return 0, 0


@njit(cache=True)
def _first_missing(sorted_vals, n, from_top):
    """Smallest (or largest) integer in [0, n) not in ``sorted_vals``; -1 if none."""
    if from_top:
        v = n - 1
        k = sorted_vals.size - 1
        while k >= 0 and sorted_vals[k] == v:
            v -= 1
            k -= 1
        return v
    v = 0
    for k in range(sorted_vals.size):
        if sorted_vals[k] != v:
            break
        v += 1
    return v if v < n else -1


@njit(cache=True)
def _worst_route_extra(lrows, lcols, links, extra):
    """Largest sum of per-link extra hops along any XY route (extras >= 0).

    A route from row ``r`` turning at column ``b`` collects at most the east
    extras of its row left of ``b`` or the west extras right of ``b`` (A), then
    the south extras of column ``b`` from ``r`` down or the north extras from
    ``r`` up (B). Both sums are monotone in ``b`` and ``r``, so for rows with
    no extras only the outermost unaffected rows matter, and likewise columns:
    the work is O(R C log) for R rows and C columns carrying extras.
    """
    keep = extra > 0
    links, extra = links[keep], extra[keep]
    node, port = links // 4, links % 4
    y, x = node // lcols, node % lcols
    # Runs of extras: horizontal ones by row and column, vertical ones by
    # column and row, each with cumulative sums.
    is_e, is_w, is_s, is_n = port == 0, port == 1, port == 2, port == 3
    e_h, e_g, e_p, e_c = _runs(y[is_e], x[is_e], extra[is_e])
    w_h, w_g, w_p, w_c = _runs(y[is_w], x[is_w], extra[is_w])
    s_h, s_g, s_p, s_c = _runs(x[is_s], y[is_s], extra[is_s])
    n_h, n_g, n_p, n_c = _runs(x[is_n], y[is_n], extra[is_n])
    rows_t = np.unique(np.concatenate((e_h, w_h)))
    cols_t = np.unique(np.concatenate((s_h, n_h)))
    # The south and north runs of each affected column.
    col_runs = np.empty((cols_t.size, 4), dtype=np.int64)
    for i in range(cols_t.size):
        col_runs[i, 0], col_runs[i, 1] = _find_run(s_h, s_g, cols_t[i])
        col_runs[i, 2], col_runs[i, 3] = _find_run(n_h, n_g, cols_t[i])
    outer_cols = (_first_missing(cols_t, lcols, True), _first_missing(cols_t, lcols, False))
    worst = 0
    for r in rows_t:
        ea, eb = _find_run(e_h, e_g, r)
        wa, wb = _find_run(w_h, w_g, r)
        # Turning column outside the affected columns: the row part alone,
        # largest at the outermost such columns.
        for b in outer_cols:
            if b >= 0:
                worst = max(worst, _line_max(e_p, e_c, ea, eb, w_p, w_c, wa, wb, b))
        for i in range(cols_t.size):
            a = _line_max(e_p, e_c, ea, eb, w_p, w_c, wa, wb, cols_t[i])
            sa, sb, na, nb = col_runs[i, 0], col_runs[i, 1], col_runs[i, 2], col_runs[i, 3]
            worst = max(worst, a + _vertical(n_p, n_c, na, nb, s_p, s_c, sa, sb, r))
    outer_rows = (_first_missing(rows_t, lrows, False), _first_missing(rows_t, lrows, True))
    for i in range(cols_t.size):
        sa, sb, na, nb = col_runs[i, 0], col_runs[i, 1], col_runs[i, 2], col_runs[i, 3]
        for r in outer_rows:
            if r >= 0:
                worst = max(worst, _vertical(n_p, n_c, na, nb, s_p, s_c, sa, sb, r))
    return worst


@njit(cache=True)
def _vertical(n_p, n_c, na, nb, s_p, s_c, sa, sb, r):
    """Largest vertical extra of a route starting at row ``r`` of one column."""
    v = 0
    if sb > sa:  # south: links leaving rows >= r
        v = _sum_after(s_p, s_c, sa, sb, r - 1)
    if nb > na:  # north: links leaving rows <= r
        v = max(v, _sum_before(n_p, n_c, na, nb, r + 1))
    return v
