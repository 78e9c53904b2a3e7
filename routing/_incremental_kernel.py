"""Compiled kernels: the loads of many trials as changes of one base embedding.

The base (a study's fault-free embedding and one traffic pattern's load on
every logical link) arrives as the ``_Base`` named tuple built by
:class:`routing.incremental.EmbeddedTraffic`; a trial as the base links it
removes (indices into ``base.links``), its own listed links with their paths,
the logical core on every node those paths and the removed ones visit, and
the runs of vertical logical links that ride dedicated bypass channels.
Loads are float64 (bytes, or uniform flow counts, which stay exact below 2**53).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from ._embedding_kernel import _first_missing, _line_max, _vertical
from ._mesh_kernel import _channel_ends, _contains, _onehop_from, _step

#: Columns per block of the vertical pairs' block maxima.
_BLOCK = 8

#: Error codes of a trial's changes (0: none).
MISSING_NODE, KEPT_LINK_AGAIN = 1, 2

#: The base's arrays and sums, in the order the kernels read them.
_Base = namedtuple("_Base", [
    "lrows", "lcols", "prows", "pcols",
    # the pattern's load on every logical channel (4 * node + port)
    "link_load",
    # listed links (sorted), their loads, extra hops and paths
    "links", "loads", "extra", "extra_order", "path_offsets", "path_channels",
    # channels of the listed paths (sorted): summed loads, the one-hop part, order by load;
    # and dense slots: each physical channel's index in chan, each logical link's in links (-1: none)
    "chan", "chan_total", "chan_onehop", "chan_order", "chan_slot", "link_slot",
    # extras > 0 by line: E and W runs per row, S and N runs per column
    # (start offsets per line, positions, cumulative extras, base link index)
    "e_start", "e_pos", "e_cs", "e_idx", "w_start", "w_pos", "w_cs", "w_idx",
    "s_start", "s_pos", "s_cs", "s_idx", "n_start", "n_pos", "n_cs", "n_idx",
    # lines with extras; each row's E and W totals, the larger and the rows by it
    "rows_t", "cols_t", "row_e", "row_w", "row_best", "row_order",
    # vertical link pairs (x, r) <-> (x, r + 1), per row r < lrows - 1: the larger
    # load of the two, maxima over blocks of _BLOCK columns, cumulative sums of both
    "pair_max", "pair_block_max", "pair_cs",
    # the logical links of largest load (largest first), the largest, and the base's sums
    "link_order", "base_max", "sum_extra", "sum_load_extra", "worst_route_extra",
])


@njit(cache=True)
def _first_kept(order, skip):
    """First entry of ``order`` not in the sorted ``skip``, or -1."""
    for k in range(order.size):
        if not _contains(skip, order[k]):
            return order[k]
    return -1


@njit(cache=True)
def _listed(link_slot, removed, links, lc):
    """Whether logical link ``lc`` is listed in the trial (``link_slot``: the base's)."""
    if _contains(links, lc):
        return True
    k = link_slot[lc]
    return k >= 0 and not _contains(removed, k)


@njit(cache=True)
def _trims(base, removed, links, path_offsets, channels):
    """For each removed base link, the run ``[lo, hi)`` of its base path that
    its new path keeps, when it is listed again on exactly that run (else
    ``lo == hi == 0``); and which new links are such re-listings."""
    kept_lo = np.zeros(removed.size, dtype=np.int64)
    kept_hi = np.zeros(removed.size, dtype=np.int64)
    again = np.zeros(links.size, dtype=np.bool_)
    for q in range(removed.size):
        r = removed[q]
        i = np.searchsorted(links, base.links[r])
        if i == links.size or links[i] != base.links[r]:
            continue
        b0, b1 = base.path_offsets[r], base.path_offsets[r + 1]
        n0, n1 = path_offsets[i], path_offsets[i + 1]
        first = channels[n0]
        lo = -1
        for k in range(b0, b1):
            if base.path_channels[k] == first:
                lo = k - b0
                break
        if lo < 0 or lo + (n1 - n0) > b1 - b0:
            continue
        same = True
        for k in range(n1 - n0):
            if base.path_channels[b0 + lo + k] != channels[n0 + k]:
                same = False
                break
        if same:
            kept_lo[q], kept_hi[q] = lo, lo + (n1 - n0)
            again[i] = True
    return kept_lo, kept_hi, again


@njit(cache=True)
def _touched(base, removed, links, loads, path_offsets, channels):
    """The channel entries a trial's changes touch, and each one's change of load.

    A removed base link listed again on a sub-run of its base path changes
    only the channels it dropped; every other removed link loses its load on
    all of its channels, and every other new path adds its load on all of its.
    """
    b_off, b_chan, b_loads = base.path_offsets, base.path_channels, base.loads
    kept_lo, kept_hi, again = _trims(base, removed, links, path_offsets, channels)
    m = 0
    for q in range(removed.size):
        r = removed[q]
        m += (b_off[r + 1] - b_off[r]) - (kept_hi[q] - kept_lo[q])
    for i in range(links.size):
        if not again[i]:
            m += path_offsets[i + 1] - path_offsets[i]
    chan = np.empty(m, dtype=np.int64)
    delta = np.empty(m, dtype=np.float64)
    j = 0
    for q in range(removed.size):
        r = removed[q]
        for k in range(b_off[r], b_off[r + 1]):
            if not kept_lo[q] <= k - b_off[r] < kept_hi[q]:
                chan[j], delta[j] = b_chan[k], -b_loads[r]
                j += 1
    for i in range(links.size):
        if again[i]:
            continue
        for k in range(path_offsets[i], path_offsets[i + 1]):
            chan[j], delta[j] = channels[k], loads[i]
            j += 1
    return chan, delta


@njit(cache=True)
def _changed_max_load(base, removed, links, loads, path_offsets, channels, keys, logical, where):
    """Largest load over the channels the trial's changes touch, and those
    channels; -1 if an end of one of them is not among the trial's nodes.

    ``where`` is a scratch map over the physical nodes, all -2 on entry and on
    return: the trial's logical node of each of its nodes, while it runs.
    """
    # The base's arrays as locals: a call that takes the whole base copies it.
    slot, total0, onehop0, link_slot = base.chan_slot, base.chan_total, base.chan_onehop, base.link_slot
    link_load = base.link_load
    lrows, lcols, pcols = base.lrows, base.lcols, base.pcols
    chan, delta = _touched(base, removed, links, loads, path_offsets, channels)
    m = chan.size
    for i in range(keys.size):
        where[keys[i]] = logical[i]
    order = np.argsort(chan)
    touched = np.empty(m, dtype=np.int64)
    n_touched = 0
    best = 0.0
    j = 0
    while j < m:
        c = chan[order[j]]
        total = 0.0
        k = slot[c]
        if k >= 0:
            total = total0[k] - onehop0[k]
        while j < m and chan[order[j]] == c:
            total += delta[order[j]]
            j += 1
        a, b = _channel_ends(c, pcols)
        lc = _onehop_from(where[a], where[b], c % 4, lrows, lcols) if 0 <= b < where.size else -2
        if lc == -2:
            best = -1.0
            break
        if lc >= 0 and not _listed(link_slot, removed, links, lc):
            total += link_load[lc]
        best = max(best, total)
        touched[n_touched] = c
        n_touched += 1
    for i in range(keys.size):
        where[keys[i]] = -2
    return best, touched[:n_touched]


@njit(cache=True)
def _overlay_runs(base_start, base_pos, base_idx, base_extra, removed, lines_of, pos_of, extra_of, lines):
    """The trial's runs on each of the sorted ``lines``: the base run minus the
    removed links plus the trial's own (line, pos, extra > 0) entries.

    Returns (start offsets per line, positions, cumulative extras).
    """
    n = 0
    for line in lines:
        n += base_start[line + 1] - base_start[line]
    n += lines_of.size
    pos = np.empty(n, dtype=np.int64)
    ext = np.empty(n, dtype=np.int64)
    key = np.empty(n, dtype=np.int64)
    j = 0
    for li in range(lines.size):
        line = lines[li]
        for k in range(base_start[line], base_start[line + 1]):
            if not _contains(removed, base_idx[k]):
                pos[j], ext[j], key[j] = base_pos[k], base_extra[base_idx[k]], li
                j += 1
    for i in range(lines_of.size):
        li = np.searchsorted(lines, lines_of[i])
        pos[j], ext[j], key[j] = pos_of[i], extra_of[i], li
        j += 1
    pos, ext, key = pos[:j], ext[:j], key[:j]
    span = pos.max() + 1 if j else 1
    order = np.argsort(key * span + pos)
    pos, ext, key = pos[order], ext[order], key[order]
    start = np.searchsorted(key, np.arange(lines.size + 1))
    return start, pos, np.cumsum(ext)


@njit(cache=True)
def _run_total(start, cs, i):
    """Sum of the extras of run ``i`` (``cs`` cumulative over all runs)."""
    if start[i + 1] == start[i]:
        return 0
    return cs[start[i + 1] - 1] - (cs[start[i] - 1] if start[i] > 0 else 0)


@njit(cache=True)
def _run(base_start, base_pos, base_cs, lines, t_start, t_pos, t_cs, line):
    """(positions, cumulative extras, lo, hi) of ``line``'s run, from the trial
    where it is one of the trial's ``lines``, else from the base."""
    k = np.searchsorted(lines, line)
    if k < lines.size and lines[k] == line:
        return t_pos, t_cs, t_start[k], t_start[k + 1]
    return base_pos, base_cs, base_start[line], base_start[line + 1]


@njit(cache=True)
def _lines_with_extras(base_lines, lines, t_start, t_start2):
    """Sorted lines with extras in the trial: the base's, minus the trial's
    ``lines``, plus those of ``lines`` whose trial runs (either of two) are not empty."""
    out = []
    for line in base_lines:
        if not _contains(lines, line):
            out.append(line)
    for k in range(lines.size):
        if t_start[k + 1] > t_start[k] or t_start2[k + 1] > t_start2[k]:
            out.append(lines[k])
    return np.sort(np.array(out, dtype=np.int64))


@njit(cache=True)
def _worst_route_extra_changed(base, removed, links, extra):
    """:func:`routing._embedding_kernel._worst_route_extra` of the trial's listed
    links, from the base's runs and the trial's changes to them."""
    lrows, lcols = base.lrows, base.lcols
    # Lines whose runs change: those of removed or added links.
    r_link = base.links[removed]
    all_links = np.concatenate((r_link, links))
    node, port = all_links // 4, all_links % 4
    horizontal = port < 2
    rows = np.unique((node // lcols)[horizontal])
    cols = np.unique((node % lcols)[~horizontal])
    if cols.size == 0 and base.cols_t.size == 0:
        # No vertical extras: a route's extra is its row part, and a row's
        # worst is its whole E or W run: the base's totals, changed.
        e_tot, w_tot = base.row_e[rows], base.row_w[rows]
        for r in removed:
            lc = base.links[r]
            if lc % 4 < 2:
                k = np.searchsorted(rows, lc // 4 // lcols)
                if lc % 4 == 0:
                    e_tot[k] -= base.extra[r]
                else:
                    w_tot[k] -= base.extra[r]
        for i in range(links.size):
            k = np.searchsorted(rows, links[i] // 4 // lcols)
            if links[i] % 4 == 0:
                e_tot[k] += extra[i]
            elif links[i] % 4 == 1:
                w_tot[k] += extra[i]
        worst = 0
        k = _first_kept(base.row_order, rows)
        if k >= 0:
            worst = base.row_best[k]
        for i in range(rows.size):
            worst = max(worst, e_tot[i], w_tot[i])
        return worst
    keep = extra > 0
    nl, ne = links[keep], extra[keep]
    nnode, nport = nl // 4, nl % 4
    ny, nx = nnode // lcols, nnode % lcols
    e = nport == 0
    w = nport == 1
    s = nport == 2
    nn = nport == 3
    e_st, e_p, e_c = _overlay_runs(base.e_start, base.e_pos, base.e_idx, base.extra, removed, ny[e], nx[e], ne[e], rows)
    w_st, w_p, w_c = _overlay_runs(base.w_start, base.w_pos, base.w_idx, base.extra, removed, ny[w], nx[w], ne[w], rows)
    s_st, s_p, s_c = _overlay_runs(base.s_start, base.s_pos, base.s_idx, base.extra, removed, nx[s], ny[s], ne[s], cols)
    n_st, n_p, n_c = _overlay_runs(base.n_start, base.n_pos, base.n_idx, base.extra, removed, nx[nn], ny[nn], ne[nn], cols)
    cols_t = _lines_with_extras(base.cols_t, cols, s_st, n_st)
    if cols_t.size == 0:
        worst = 0
        k = _first_kept(base.row_order, rows)
        if k >= 0:
            worst = base.row_best[k]
        for i in range(rows.size):
            worst = max(worst, _run_total(e_st, e_c, i), _run_total(w_st, w_c, i))
        return worst
    rows_t = _lines_with_extras(base.rows_t, rows, e_st, w_st)
    outer_cols = (_first_missing(cols_t, lcols, True), _first_missing(cols_t, lcols, False))
    worst = 0
    for r in rows_t:
        ep, ec, ea, eb = _run(base.e_start, base.e_pos, base.e_cs, rows, e_st, e_p, e_c, r)
        wp, wc, wa, wb = _run(base.w_start, base.w_pos, base.w_cs, rows, w_st, w_p, w_c, r)
        for b in outer_cols:
            if b >= 0:
                worst = max(worst, _line_max(ep, ec, ea, eb, wp, wc, wa, wb, b))
        for c in cols_t:
            a = _line_max(ep, ec, ea, eb, wp, wc, wa, wb, c)
            sp, sc, sa, sb = _run(base.s_start, base.s_pos, base.s_cs, cols, s_st, s_p, s_c, c)
            np_, nc, na, nb = _run(base.n_start, base.n_pos, base.n_cs, cols, n_st, n_p, n_c, c)
            worst = max(worst, a + _vertical(np_, nc, na, nb, sp, sc, sa, sb, r))
    outer_rows = (_first_missing(rows_t, lrows, False), _first_missing(rows_t, lrows, True))
    for c in cols_t:
        sp, sc, sa, sb = _run(base.s_start, base.s_pos, base.s_cs, cols, s_st, s_p, s_c, c)
        np_, nc, na, nb = _run(base.n_start, base.n_pos, base.n_cs, cols, n_st, n_p, n_c, c)
        for r in outer_rows:
            if r >= 0:
                worst = max(worst, _vertical(np_, nc, na, nb, sp, sc, sa, sb, r))
    return worst


@njit(cache=True)
def _bypass_loads(base, rows, x0, x1):
    """(largest, summed) load of the vertical logical links that ride bypass
    channels: both directions between rows ``rows[i]`` and ``rows[i] + 1`` at
    the columns ``x0[i] .. x1[i] - 1``; O(run length / _BLOCK) per run."""
    lcols = base.lcols
    nb = (lcols + _BLOCK - 1) // _BLOCK
    pm, bm, cs = base.pair_max, base.pair_block_max, base.pair_cs
    best = 0.0
    total = 0.0
    for i in range(rows.size):
        at = rows[i] * lcols
        total += cs[at + x1[i] - 1] - (cs[at + x0[i] - 1] if x0[i] > 0 else 0.0)
        x = x0[i]
        while x < x1[i]:
            if x % _BLOCK == 0 and x + _BLOCK <= x1[i]:
                best = max(best, bm[rows[i] * nb + x // _BLOCK])
                x += _BLOCK
            else:
                best = max(best, pm[at + x])
                x += 1
    return best, total


@njit(cache=True)
def _in_runs(lc, lcols, rows, x0, x1):
    """Whether logical link ``lc`` is one of the bypass runs' vertical links."""
    port = lc % 4
    if port < 2:
        return False
    node = lc // 4
    x, row = node % lcols, node // lcols - (port == 3)
    for i in range(rows.size):
        if rows[i] == row and x0[i] <= x < x1[i]:
            return True
    return False


@njit(cache=True)
def _largest_on_mesh(base, rows, x0, x1):
    """The largest load of a logical link that does not ride a bypass channel.

    Every such link lies on a mesh channel: its own one-hop channel, or the
    channels of its path, which carry at least its load.
    """
    for k in base.link_order:
        if not _in_runs(k, base.lcols, rows, x0, x1):
            return base.link_load[k]
    best = 0.0  # every one of the largest rides a bypass link: look at all
    for k in range(base.link_load.size):
        if base.link_load[k] > best and not _in_runs(k, base.lcols, rows, x0, x1):
            best = base.link_load[k]
    return best


@njit(cache=True)
def _trial_sums(base, removed, links, path_offsets, channels, keys, logical, rows, x0, x1, where):
    """(error, largest mesh channel load, sum of extras, largest extra, sum of
    loads * extras, worst route extra) of one trial whose bypass runs are
    (``rows``, ``x0``, ``x1``)."""
    on_mesh = _largest_on_mesh(base, rows, x0, x1) if rows.size else base.base_max
    if removed.size == 0 and links.size == 0:  # the base's paths
        k = _first_kept(base.extra_order, removed)
        return (0, max(on_mesh, base.chan_total[base.chan_order[0]] if base.chan.size else 0.0),
                base.sum_extra, base.extra[k] if k >= 0 else 0, base.sum_load_extra,
                base.worst_route_extra)
    for lc in links:
        k = base.link_slot[lc]
        if k >= 0 and not _contains(removed, k):
            return KEPT_LINK_AGAIN, 0.0, 0, 0, 0.0, 0
    loads = np.empty(links.size, dtype=np.float64)
    extra = np.empty(links.size, dtype=np.int64)
    for i in range(links.size):
        loads[i] = base.link_load[links[i]]
        extra[i] = max(path_offsets[i + 1] - path_offsets[i] - 1, 0)
    sum_extra = base.sum_extra
    sum_le = base.sum_load_extra
    for r in removed:
        sum_extra -= base.extra[r]
        sum_le -= base.loads[r] * base.extra[r]
    max_extra = 0
    k = _first_kept(base.extra_order, removed)
    if k >= 0:
        max_extra = base.extra[k]
    for i in range(links.size):
        sum_extra += extra[i]
        sum_le += loads[i] * extra[i]
        max_extra = max(max_extra, extra[i])
    changed, touched = _changed_max_load(base, removed, links, loads, path_offsets, channels, keys, logical, where)
    if changed < 0:
        return MISSING_NODE, 0.0, 0, 0, 0.0, 0
    kept = _first_kept_channel(base, touched)
    max_load = max(on_mesh, changed, kept)
    worst = _worst_route_extra_changed(base, removed, links, extra)
    return 0, max_load, sum_extra, max_extra, sum_le, worst


@njit(cache=True)
def _first_kept_channel(base, touched):
    """Largest base load over the channels the trial does not touch (0 if none)."""
    for k in base.chan_order:
        if not _contains(touched, base.chan[k]):
            return base.chan_total[k]
    return 0.0


@njit(cache=True)
def _batch_sums(base, removed_off, removed, link_off, links, path_off, channels, node_off, nodes, logical,
                bypass_off, bypass_rows, bypass_x0, bypass_x1):
    """:func:`_trial_sums` and :func:`_bypass_loads` of every trial of a batch, as eight arrays."""
    n = removed_off.size - 1
    error = np.zeros(n, dtype=np.int8)
    max_load = np.empty(n, dtype=np.float64)
    sum_extra = np.empty(n, dtype=np.int64)
    max_extra = np.empty(n, dtype=np.int64)
    sum_le = np.empty(n, dtype=np.float64)
    worst = np.empty(n, dtype=np.int64)
    bypass_max = np.empty(n, dtype=np.float64)
    bypass_sum = np.empty(n, dtype=np.float64)
    # Only trials that change something use the scratch map (and must find it all -2).
    where = np.full(base.prows * base.pcols if removed.size or links.size else 0, -2, dtype=np.int64)
    for t in range(n):
        lo, hi = link_off[t], link_off[t + 1]
        b0, b1 = bypass_off[t], bypass_off[t + 1]
        rows, x0, x1 = bypass_rows[b0:b1], bypass_x0[b0:b1], bypass_x1[b0:b1]
        error[t], max_load[t], sum_extra[t], max_extra[t], sum_le[t], worst[t] = _trial_sums(
            base, removed[removed_off[t] : removed_off[t + 1]], links[lo:hi],
            path_off[lo : hi + 1], channels, nodes[node_off[t] : node_off[t + 1]],
            logical[node_off[t] : node_off[t + 1]], rows, x0, x1, where,
        )
        bypass_max[t], bypass_sum[t] = _bypass_loads(base, rows, x0, x1)
    return error, max_load, sum_extra, max_extra, sum_le, worst, bypass_max, bypass_sum


@njit(cache=True)
def _visited_nodes_batch(base, removed_off, removed, link_off, path_off, channels, links):
    """Both ends of every channel each trial's changes touch (:func:`_touched`,
    as :func:`_changed_max_load` counts them), sorted and distinct per trial,
    as CSR (offsets, nodes).

    A mark per physical node (reset after each trial) keeps each node once,
    so only the distinct nodes are sorted.
    """
    n = removed_off.size - 1
    prows, pcols = base.prows, base.pcols
    total = 2 * (path_off[link_off[n]] - path_off[link_off[0]])
    for r in removed:
        total += 2 * (base.path_offsets[r + 1] - base.path_offsets[r])
    out = np.empty(total, dtype=np.int64)
    seen = np.zeros(prows * pcols if total else 0, dtype=np.bool_)
    node_off = np.zeros(n + 1, dtype=np.int64)
    no_loads = np.zeros(links.size)
    at = 0
    for t in range(n):
        start = at
        lo, hi = link_off[t], link_off[t + 1]
        chan, _ = _touched(base, removed[removed_off[t] : removed_off[t + 1]], links[lo:hi], no_loads[lo:hi],
                           path_off[lo : hi + 1], channels)
        for c in chan:
            at = _visit(c, prows, pcols, seen, out, at)
        out[start:at].sort()
        for i in range(start, at):
            seen[out[i]] = False
        node_off[t + 1] = at
    return node_off, out[:at].copy()


@njit(cache=True)
def _visit(c, prows, pcols, seen, out, at):
    """Append the unseen ends of channel ``c`` to ``out`` at ``at``; the new ``at``."""
    node, port = c // 4, c % 4
    x, y = _step(node % pcols, node // pcols, port)
    for v in (node, x + pcols * y if 0 <= x < pcols and 0 <= y < prows else node):
        if not seen[v]:
            seen[v] = True
            out[at] = v
            at += 1
    return at
