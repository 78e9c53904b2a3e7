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
from routing._mesh_kernel import _contains, _step

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
def _pair_walk(dead, a_lo, a_hi, a_start, b_lo, b_hi, b_start, lw, out, count):
    """Largest |d_a(o) - d_b(o)| over the logical offsets of one segment pair;
    with ``count``, add to ``out`` = [long links, their hops, longest] the
    vertical links whose two rows shift differently (1 + the gap hops each).

    Each row's shift is a step function rising by one at ``dead[k] - start -
    (k - lo)`` (as :func:`_shift` counts); the two are compared between
    consecutive steps of either. :func:`_shift_runs` walks the same steps: a
    numba generator shared by both made this check 40% slower.
    """
    ka, kb = a_lo, b_lo
    da = db = 0
    worst = 0
    o = 0
    while o < lw:
        while ka < a_hi and dead[ka] - a_start - (ka - a_lo) <= o:
            da += 1
            ka += 1
        while kb < b_hi and dead[kb] - b_start - (kb - b_lo) <= o:
            db += 1
            kb += 1
        na = dead[ka] - a_start - (ka - a_lo) if ka < a_hi else lw
        nb = dead[kb] - b_start - (kb - b_lo) if kb < b_hi else lw
        step = min(na, nb, lw)
        gap = abs(da - db)
        worst = max(worst, gap)
        if count and gap:
            out[0] += step - o
            out[1] += (step - o) * (1 + gap)
            out[2] = max(out[2], 1 + gap)
        o = step
    return worst


@njit(cache=True)
def _run_end(dead, k, end):
    """First index from ``k`` on whose id is at least ``end`` (a short forward scan)."""
    while k < dead.size and dead[k] < end:
        k += 1
    return k


@njit(cache=True)
def _add_link(out, length):
    """Count one logical link of ``length`` physical hops in ``out`` if it is long."""
    if length > 1:
        out[0] += 1
        out[1] += length
        out[2] = max(out[2], length)


@njit(cache=True)
def _check_trial(dead, rows, cols, seg_w, spares, max_skew, stats):
    """(status, most dead cores in a segment, largest skew, figures) of one trial.

    ``figures`` (with ``stats``; zeros without) is [long links, their
    physical hops, the longest, spares used]: the long interconnects of a
    repaired trial (every segment crossing is ``1 + spares`` hops unless a
    segment next to it has dead cores; only those are visited), and of any
    trial the spare cores that hold a logical core (a segment's dead cores
    among its logical positions, at most its spares).
    """
    lw = seg_w - spares
    nseg = cols // seg_w
    figures = np.zeros(4, dtype=np.int64)
    fill = 0
    skew = 0
    lo = 0
    n = dead.size
    while lo < n:
        start = dead[lo] - (dead[lo] % cols) % seg_w
        hi = _run_end(dead, lo, start + seg_w)
        fill = max(fill, hi - lo)
        if stats:
            held = 0
            for k in range(lo, hi):
                held += dead[k] - start < lw
            figures[3] += min(held, spares)
        lo = hi
    if fill > spares:
        return TOO_MANY_DEAD, fill, skew, figures
    redone = 0  # crossings measured here instead of counted at 1 + spares
    lo = 0
    while lo < n:
        row = dead[lo] // cols
        s = (dead[lo] % cols) // seg_w
        start = row * cols + s * seg_w
        hi = _run_end(dead, lo, start + seg_w)
        for other in (row - 1, row + 1):
            if other < 0 or other >= rows:
                continue
            b_lo, b_hi = _segment_dead(dead, cols, seg_w, other, s)
            # Each pair of rows' links counted once (from the upper row when both have dead cores here).
            count = stats and not (other < row and b_hi > b_lo)
            skew = max(skew, _pair_walk(dead, lo, hi, start, b_lo, b_hi, other * cols + s * seg_w, lw,
                                        figures, count))
        if stats:
            # The crossings on either side (the left one only if its other
            # segment has no dead core: else it was measured from there).
            if s + 1 < nseg:
                n_hi = _run_end(dead, hi, start + 2 * seg_w)
                _add_link(figures, spares + 1 + _shift(dead, hi, n_hi, start + seg_w, 0)
                          - _shift(dead, lo, hi, start, lw - 1))
                redone += 1
            if s > 0 and (lo == 0 or dead[lo - 1] < start - seg_w):
                _add_link(figures, spares + 1 + _shift(dead, lo, hi, start, 0))
                redone += 1
            # Horizontal links across each run of dead cores inside the logical span.
            k = lo
            while k < hi:
                o = dead[k] - start - (k - lo)
                run = 1
                while k + run < hi and dead[k + run] - start - (k + run - lo) == o:
                    run += 1
                if 1 <= o < lw:
                    _add_link(figures, run + 1)
                k += run
        lo = hi
    if skew > max_skew:
        figures[:3] = 0
        return TOO_MUCH_SKEW, fill, skew, figures
    if stats and spares > 0:
        rest = rows * (nseg - 1) - redone
        figures[0] += rest
        figures[1] += rest * (spares + 1)
        if rest:
            figures[2] = max(figures[2], spares + 1)
    return OK, fill, skew, figures


@njit(cache=True, parallel=True)
def _check_batch(offsets, dead, rows, cols, seg_w, spares, max_skew, stats=False):
    """Per trial: status, most dead cores in a segment, largest skew, and (with
    ``stats``) the figures of :func:`_check_trial`, shape (trials, 4)."""
    n = offsets.size - 1
    status = np.empty(n, dtype=np.int8)
    fill = np.empty(n, dtype=np.int64)
    skew = np.empty(n, dtype=np.int64)
    figures = np.zeros((n if stats else 0, 4), dtype=np.int64)
    for t in prange(n):
        s, f, k, fig = _check_trial(dead[offsets[t] : offsets[t + 1]], rows, cols, seg_w, spares, max_skew, stats)
        status[t] = s
        fill[t] = f
        skew[t] = k
        if stats:
            figures[t] = fig
    return status, fill, skew, figures


@njit(cache=True)
def _l2p_one(dead, cols, seg_w, lw, lcols, logical):
    """Physical core of logical core ``logical`` (``row * lcols + col``)."""
    row, lc = logical // lcols, logical % lcols
    seg, o = lc // lw, lc % lw
    lo, hi = _segment_dead(dead, cols, seg_w, row, seg)
    start = row * cols + seg * seg_w
    return start + o + _shift(dead, lo, hi, start, o)


@njit(cache=True)
def _p2l_one(dead, cols, seg_w, lw, lcols, p):
    """Logical core on physical core ``p``, -1 for a dead or unused spare core."""
    row, col = p // cols, p % cols
    seg = col // seg_w
    lo, hi = _segment_dead(dead, cols, seg_w, row, seg)
    k = np.searchsorted(dead[lo:hi], p)
    if k < hi - lo and dead[lo + k] == p:
        return -1
    o = col - seg * seg_w - k
    return row * lcols + seg * lw + o if o < lw else -1


@njit(cache=True)
def _l2p(dead, cols, seg_w, spares, logical):
    """Physical core of each logical core id (``row * lcols + col``)."""
    lw = seg_w - spares
    lcols = (cols // seg_w) * lw
    out = np.empty(logical.size, dtype=np.int64)
    for i in range(logical.size):
        out[i] = _l2p_one(dead, cols, seg_w, lw, lcols, logical[i])
    return out


@njit(cache=True)
def _p2l(dead, cols, seg_w, spares, physical):
    """Logical core on each physical core, -1 for a dead or unused spare core."""
    lw = seg_w - spares
    lcols = (cols // seg_w) * lw
    out = np.empty(physical.size, dtype=np.int64)
    for i in range(physical.size):
        out[i] = _p2l_one(dead, cols, seg_w, lw, lcols, physical[i])
    return out


@njit(cache=True)
def _span_links(dead, lo, hi, start, base, lw, out):
    """Append to ``out`` the horizontal logical links (both ways) across each
    dead core of one segment (its dead cores ``dead[lo:hi]``)."""
    for k in range(lo, hi):
        o = dead[k] - start - (k - lo)
        if 1 <= o < lw:
            out.append(4 * (base + o - 1) + 0)
            out.append(4 * (base + o) + 1)


@njit(cache=True)
def _shifted_vertical_links(dead, lo, hi, start, b_lo, b_hi, b_start, lw, base, other_base, down, out):
    """Append to ``out`` the vertical logical links (both ways) of one segment
    whose two rows shift an offset by different amounts (``down``: the other
    row is below)."""
    port = 2 if down else 3
    for o in range(lw):
        if _shift(dead, lo, hi, start, o) != _shift(dead, b_lo, b_hi, b_start, o):
            out.append(4 * (base + o) + port)
            out.append(4 * (other_base + o) + (port ^ 1))


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
        _span_links(dead, lo, hi, start, base, lw, out)
        for other in (row - 1, row + 1):
            if other < 0 or other >= rows:
                continue
            b_lo, b_hi = _segment_dead(dead, cols, seg_w, other, seg)
            _shifted_vertical_links(dead, lo, hi, start, b_lo, b_hi, other * cols + seg * seg_w, lw,
                                    base, other * lcols + seg * lw, other > row, out)
        i = hi
    return np.unique(np.array(out, dtype=np.int64))


@njit(cache=True)
def _both_directions(links, rows, cols):
    """Sorted channels of dead mesh links (east or south channel ids), both ways."""
    out = np.empty(2 * links.size, dtype=np.int64)
    for i in range(links.size):
        node, port = links[i] // 4, links[i] % 4
        x, y = _step(node % cols, node // cols, port)
        out[2 * i] = links[i]
        out[2 * i + 1] = 4 * (x + cols * y) + (port ^ 1)  # E <-> W, S <-> N
    return np.unique(out)


@njit(cache=True)
def _trial_link_changes(geo, index, dead, dead_links):
    """What one repaired trial changes in the fault-free wafer's embedding.

    ``geo`` is (rows, cols, seg_w, spares, diagonal links?); ``index`` the
    base's (links, node_keys, node_offsets, node_links). A trial differs from
    the fault-free wafer only on the segments with dead cores (whose logical
    cores shift) and at its dead links: the base links whose paths visit them
    are removed, and the trial's links there, the removed ones included, are
    classified again. Within a segment, only the cores from its first dead
    core on change. Returns the removed base link indices and the links
    that need a multi-hop path, with their physical ends.
    """
    rows, cols, seg_w, spares, diagonal = geo
    base_links, node_keys, node_offsets, node_links = index
    lw = seg_w - spares
    lcols = (cols // seg_w) * lw
    removed = [-1]
    cands = [-1]
    runs = [(-1, -1, -1)]
    both = _both_directions(dead_links, rows, cols)
    i = 0
    while i < dead.size:
        row = dead[i] // cols
        seg = (dead[i] % cols) // seg_w
        lo, hi = _segment_dead(dead, cols, seg_w, row, seg)
        start = row * cols + seg * seg_w
        # Cores left of the segment's first dead core keep their logical cores.
        for k in range(np.searchsorted(node_keys, dead[lo]), np.searchsorted(node_keys, start + seg_w)):
            for j in range(node_offsets[k], node_offsets[k + 1]):
                removed.append(node_links[j])
        base = row * lcols + seg * lw
        _span_links(dead, lo, hi, start, base, lw, cands)
        for other in (row - 1, row + 1):
            if other < 0 or other >= rows:
                continue
            b_lo, b_hi = _segment_dead(dead, cols, seg_w, other, seg)
            b_start = other * cols + seg * seg_w
            if diagonal:
                # Shifted vertical neighbours ride their own bypass links: as
                # runs, each pair of rows once (from the upper row when both
                # have dead cores here).
                if other > row or b_hi == b_lo:
                    _shift_runs(dead, lo, hi, start, b_lo, b_hi, b_start, lw, min(row, other), seg * lw, runs)
                continue
            # Without them, shifted vertical neighbours need a path over the mesh.
            _shifted_vertical_links(dead, lo, hi, start, b_lo, b_hi, b_start, lw, base,
                                    other * lcols + seg * lw, other > row, cands)
        i = hi
    for c in both:
        node, port = c // 4, c % 4
        k = np.searchsorted(node_keys, node)
        if k < node_keys.size and node_keys[k] == node:
            for j in range(node_offsets[k], node_offsets[k + 1]):
                removed.append(node_links[j])
        # The logical link whose one-hop channel this was.
        x, y = _step(node % cols, node // cols, port)
        la = _p2l_one(dead, cols, seg_w, lw, lcols, node)
        lb = _p2l_one(dead, cols, seg_w, lw, lcols, x + cols * y)
        if la >= 0 and lb >= 0:
            lx, ly = _step(la % lcols, la // lcols, port)
            if 0 <= lx < lcols and 0 <= ly < rows and lx + lcols * ly == lb:
                cands.append(4 * la + port)
    removed_ids = np.unique(np.array(removed[1:], dtype=np.int64))
    for r in removed_ids:
        cands.append(base_links[r])
    links = np.unique(np.array(cands[1:], dtype=np.int64))
    keep = np.zeros(links.size, dtype=np.bool_)
    srcs = np.empty(links.size, dtype=np.int64)
    dsts = np.empty(links.size, dtype=np.int64)
    for i in range(links.size):
        la, port = links[i] // 4, links[i] % 4
        lx, ly = _step(la % lcols, la // lcols, port)
        src = _l2p_one(dead, cols, seg_w, lw, lcols, la)
        dst = _l2p_one(dead, cols, seg_w, lw, lcols, lx + lcols * ly)
        tx, ty = _step(src % cols, src // cols, port)
        adjacent = 0 <= tx < cols and 0 <= ty < rows and tx + cols * ty == dst
        one_hop = adjacent and not _contains(both, 4 * src + port)
        # Shifted vertical neighbours ride their own diagonal links.
        keep[i] = not one_hop and not (diagonal and port >= 2 and not adjacent)
        srcs[i], dsts[i] = src, dst
    return removed_ids, links[keep], srcs[keep], dsts[keep], runs[1:]


@njit(cache=True)
def _shift_runs(dead, a_lo, a_hi, a_start, b_lo, b_hi, b_start, lw, upper, x_base, runs):
    """Append to ``runs`` the (upper row, x0, x1) runs of logical offsets of one
    segment where rows a and b are shifted by different amounts.

    Each row's shift is a step function rising by one at ``dead[k] - start -
    (k - lo)`` (as :func:`_shift` counts); the two are compared between
    consecutive steps of either.
    """
    ka, kb = a_lo, b_lo
    da = db = 0
    o = 0
    while o < lw:
        while ka < a_hi and dead[ka] - a_start - (ka - a_lo) <= o:
            da += 1
            ka += 1
        while kb < b_hi and dead[kb] - b_start - (kb - b_lo) <= o:
            db += 1
            kb += 1
        na = dead[ka] - a_start - (ka - a_lo) if ka < a_hi else lw
        nb = dead[kb] - b_start - (kb - b_lo) if kb < b_hi else lw
        step = min(na, nb, lw)
        if da != db:
            if runs[-1][0] == upper and runs[-1][2] == x_base + o:
                runs[-1] = (upper, runs[-1][1], x_base + step)
            else:
                runs.append((upper, x_base + o, x_base + step))
        o = step


@njit(cache=True)
def _link_changes_batch(geo, index, trials, dead_off, dead, link_off, dead_links):
    """:func:`_trial_link_changes` of the given trials of a batch, as CSR arrays:
    (removed offsets, removed, link offsets, links, sources, destinations,
    bypass offsets, bypass rows, bypass x0, bypass x1)."""
    n = trials.size
    removed_off = np.zeros(n + 1, dtype=np.int64)
    link_off_out = np.zeros(n + 1, dtype=np.int64)
    bypass_off = np.zeros(n + 1, dtype=np.int64)
    removed = [np.int64(0)][:0]
    links = [np.int64(0)][:0]
    srcs = [np.int64(0)][:0]
    dsts = [np.int64(0)][:0]
    b_rows = [np.int64(0)][:0]
    b_x0 = [np.int64(0)][:0]
    b_x1 = [np.int64(0)][:0]
    for i in range(n):
        t = trials[i]
        r, l, s, d, runs = _trial_link_changes(
            geo, index, dead[dead_off[t] : dead_off[t + 1]], dead_links[link_off[t] : link_off[t + 1]]
        )
        for j in range(r.size):
            removed.append(r[j])
        for j in range(l.size):
            links.append(l[j])
            srcs.append(s[j])
            dsts.append(d[j])
        for run in runs:
            b_rows.append(run[0])
            b_x0.append(run[1])
            b_x1.append(run[2])
        removed_off[i + 1] = removed_off[i] + r.size
        link_off_out[i + 1] = link_off_out[i] + l.size
        bypass_off[i + 1] = bypass_off[i] + len(runs)
    return (removed_off, np.array(removed, dtype=np.int64), link_off_out, np.array(links, dtype=np.int64),
            np.array(srcs, dtype=np.int64), np.array(dsts, dtype=np.int64), bypass_off,
            np.array(b_rows, dtype=np.int64), np.array(b_x0, dtype=np.int64), np.array(b_x1, dtype=np.int64))


@njit(cache=True)
def _p2l_batch(geo, trials, dead_off, dead, node_off, nodes):
    """Logical core on each node of each trial (CSR ``node_off`` over ``trials``)."""
    rows, cols, seg_w, spares, diagonal = geo
    lw = seg_w - spares
    lcols = (cols // seg_w) * lw
    out = np.empty(nodes.size, dtype=np.int64)
    for i in range(trials.size):
        d = dead[dead_off[trials[i]] : dead_off[trials[i] + 1]]
        for j in range(node_off[i], node_off[i + 1]):
            out[j] = _p2l_one(d, cols, seg_w, lw, lcols, nodes[j])
    return out
