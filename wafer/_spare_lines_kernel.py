"""Compiled kernels of the spare rows and columns remap (:mod:`wafer.spare_lines`).

A trial's dead cores are a sorted array of ids ``row * cols + col``. They are
the edges of a bipartite graph between the faulty rows and the faulty
columns; a *cover* is a set of retired rows and columns that touches every
edge (every dead core lies in a retired row or column). Within a trial the
faulty rows get local ids ``0 .. nr - 1`` and the faulty columns ``0 .. nc - 1``,
both in ascending physical order.

A *front* ``f`` of a set of dead cores is an int64 array with ``f[r]`` the
fewest retired columns of a cover with at most ``r`` retired rows
(non-increasing); ``INF`` (any value above the column cap of the question)
where there is none.

Status codes: 0 repaired at the full logical shape, 1 degraded (a smaller
logical array, meeting the target if one was given), 2 failed (no logical
array, or none meeting the target).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

OK, DEGRADED, FAILED = 0, 1, 2

#: Objectives of :func:`_cover`.
_FEWEST_LINES, _LARGEST_ARRAY = 0, 1


# --------------------------------------------------------------------------
# The trial's bipartite graph
# --------------------------------------------------------------------------


@njit(cache=True)
def _compact(dead, cols):
    """Local row and column of each dead core, and the physical ids of both.

    Returns ``(cell_row, cell_col, row_ids, col_ids)``: ``row_ids[cell_row[i]]``
    is dead core ``i``'s physical row. O(n log n) for n dead cores (the
    columns are sorted).
    """
    n = dead.size
    cell_row = np.empty(n, dtype=np.int64)
    cell_col = np.empty(n, dtype=np.int64)
    row_ids = np.empty(n, dtype=np.int64)
    nr = 0
    for i in range(n):
        r = dead[i] // cols
        if nr == 0 or row_ids[nr - 1] != r:
            row_ids[nr] = r
            nr += 1
        cell_row[i] = nr - 1
    col_of = np.empty(n, dtype=np.int64)
    for i in range(n):
        col_of[i] = dead[i] % cols
    order = np.argsort(col_of, kind="mergesort")
    col_ids = np.empty(n, dtype=np.int64)
    nc = 0
    for k in range(n):
        c = col_of[order[k]]
        if nc == 0 or col_ids[nc - 1] != c:
            col_ids[nc] = c
            nc += 1
        cell_col[order[k]] = nc - 1
    return cell_row, cell_col, row_ids[:nr].copy(), col_ids[:nc].copy()


@njit(cache=True)
def _find(parent, v):
    while parent[v] != v:
        parent[v] = parent[parent[v]]
        v = parent[v]
    return v


# --------------------------------------------------------------------------
# One component: branch and bound
# --------------------------------------------------------------------------


@njit(cache=True)
def _take_row(u, lr, lc, row_t, col_t, deg_r, deg_c):
    """Retire local row ``u``; returns the open cells it closed."""
    row_t[u] = True
    closed = 0
    for i in range(lr.size):
        if lr[i] == u and not col_t[lc[i]]:
            deg_c[lc[i]] -= 1
            closed += 1
    deg_r[u] = 0
    return closed


@njit(cache=True)
def _take_col(w, lr, lc, row_t, col_t, deg_r, deg_c):
    """Retire local column ``w``; returns the open cells it closed."""
    col_t[w] = True
    closed = 0
    for i in range(lr.size):
        if lc[i] == w and not row_t[lr[i]]:
            deg_r[lr[i]] -= 1
            closed += 1
    deg_c[w] = 0
    return closed


@njit(cache=True)
def _record(best, r, c, r_cap):
    """Enter the cover point (r rows, c columns) into the front ``best``."""
    for rr in range(r, r_cap + 1):
        if c < best[rr]:
            best[rr] = c
        else:
            break


@njit(cache=True)
def _search(lr, lc, a, b, row_t, col_t, r_cap, c_cap, best, find):
    """Branch and bound over the covers of one component's cells.

    ``lr``, ``lc``: local row and column of each cell (``a`` rows, ``b``
    columns); ``row_t``, ``col_t``: retired lines, all False on entry. Only
    covers with at most ``r_cap`` rows and ``c_cap`` columns count.

    Front mode (``find`` False): enter every undominated cover point into
    ``best`` (``best[r]``: fewest columns with at most ``r`` rows found so
    far; pass it filled with ``c_cap + 1``); ``row_t``/``col_t`` are left all
    False. Find mode: stop at the first cover within the caps, leave it in
    ``row_t``/``col_t`` and return True (False if there is none).

    At each node: must-repair (Kuo & Fuchs): a row with more open cells than
    columns left in the budget must be retired, and likewise a column, to a
    fixed point; a node whose open cells form a matching is a leaf (each cell
    one line, either way); a greedy maximal matching bounds the lines still
    needed (every cover has a line per matched cell), which prunes a node that
    can reach no point within the caps (find mode) or better than the front;
    otherwise branch on a line with the most open cells: retire it, or keep it
    and retire every line crossing it at an open cell. Depth-first with an
    explicit stack and a trail of retired lines (numba cannot cache recursive
    functions: numba issue #6061).
    """
    depth_max = a + b + 2
    f_r = np.empty(depth_max, dtype=np.int64)  # rows retired at the frame (after must-repair)
    f_c = np.empty(depth_max, dtype=np.int64)
    f_stage = np.empty(depth_max, dtype=np.int64)  # 0 new, 1 first branch done, 2 both
    f_mark = np.empty(depth_max, dtype=np.int64)  # trail length on entry
    f_mark2 = np.empty(depth_max, dtype=np.int64)  # trail length before the branch's lines
    f_top = np.empty(depth_max, dtype=np.int64)  # the branch line: row u as u, column w as a + w
    trail = np.empty(a + b, dtype=np.int64)
    nt = 0
    deg_r = np.empty(a, dtype=np.int64)
    deg_c = np.empty(b, dtype=np.int64)
    used_r = np.empty(a, dtype=np.bool_)
    used_c = np.empty(b, dtype=np.bool_)
    d = 0
    f_r[0], f_c[0], f_stage[0], f_mark[0] = 0, 0, 0, 0
    while d >= 0:
        if f_stage[d] == 2:
            nt = _undo_to(trail, nt, f_mark[d], a, row_t, col_t)
            d -= 1
            continue
        if f_stage[d] == 1:
            # Second branch: keep the line, retire every line crossing it at an open cell.
            nt = _undo_to(trail, nt, f_mark2[d], a, row_t, col_t)
            f_stage[d] = 2
            r, c, v = f_r[d], f_c[d], f_top[d]
            k = 0
            if v < a:
                for i in range(lr.size):
                    if lr[i] == v and not col_t[lc[i]]:
                        col_t[lc[i]] = True
                        trail[nt] = a + lc[i]
                        nt += 1
                        k += 1
                c += k
            else:
                for i in range(lr.size):
                    if lc[i] == v - a and not row_t[lr[i]]:
                        row_t[lr[i]] = True
                        trail[nt] = lr[i]
                        nt += 1
                        k += 1
                r += k
            if r > r_cap or c > c_cap:
                continue
            d += 1
            f_r[d], f_c[d], f_stage[d], f_mark[d] = r, c, 0, nt
            continue
        # A new node: open cells and their lines' degrees.
        r, c = f_r[d], f_c[d]
        deg_r[:] = 0
        deg_c[:] = 0
        m = 0
        for i in range(lr.size):
            if not row_t[lr[i]] and not col_t[lc[i]]:
                deg_r[lr[i]] += 1
                deg_c[lc[i]] += 1
                m += 1
        # Must-repair, to a fixed point.
        changed = True
        while changed and m > 0 and r <= r_cap and c <= c_cap:
            changed = False
            for u in range(a):
                if deg_r[u] > 0 and deg_r[u] > c_cap - c and r <= r_cap:
                    m -= _take_row(u, lr, lc, row_t, col_t, deg_r, deg_c)
                    r += 1
                    trail[nt] = u
                    nt += 1
                    changed = True
            for w in range(b):
                if deg_c[w] > 0 and deg_c[w] > r_cap - r and c <= c_cap:
                    m -= _take_col(w, lr, lc, row_t, col_t, deg_r, deg_c)
                    c += 1
                    trail[nt] = a + w
                    nt += 1
                    changed = True
        f_stage[d] = 2  # unless it branches below
        if r > r_cap or c > c_cap:
            continue
        if m == 0:
            if find:
                return True
            _record(best, r, c, r_cap)
            continue
        top, top_deg = 0, deg_r[0]
        for u in range(1, a):
            if deg_r[u] > top_deg:
                top, top_deg = u, deg_r[u]
        for w in range(b):
            if deg_c[w] > top_deg:
                top, top_deg = a + w, deg_c[w]
        if top_deg == 1:
            # The open cells are a matching: j of them by rows, m - j by columns.
            if find:
                j = max(0, m - (c_cap - c))
                if r + j > r_cap:
                    continue
                k = 0
                for i in range(lr.size):
                    if not row_t[lr[i]] and not col_t[lc[i]]:
                        if k < j:
                            row_t[lr[i]] = True
                        else:
                            col_t[lc[i]] = True
                        k += 1
                return True
            for j in range(m + 1):
                if r + j <= r_cap and c + m - j <= c_cap:
                    _record(best, r + j, c + m - j, r_cap)
            continue
        # Lower bound: a greedy maximal matching of the open cells.
        used_r[:] = False
        used_c[:] = False
        lb = 0
        for i in range(lr.size):
            u, w = lr[i], lc[i]
            if not row_t[u] and not col_t[w] and not used_r[u] and not used_c[w]:
                used_r[u] = True
                used_c[w] = True
                lb += 1
        if find:
            if lb > (r_cap - r) + (c_cap - c):
                continue
        else:
            useful = False
            for x in range(min(lb, r_cap - r) + 1):
                if c + max(0, lb - x) < best[r + x]:
                    useful = True
                    break
            if not useful:
                continue
        # First branch: retire the line itself.
        f_r[d], f_c[d], f_top[d], f_mark2[d], f_stage[d] = r, c, top, nt, 1
        if top < a:
            row_t[top] = True
            r += 1
        else:
            col_t[top - a] = True
            c += 1
        trail[nt] = top
        nt += 1
        if r > r_cap or c > c_cap:
            continue
        d += 1
        f_r[d], f_c[d], f_stage[d], f_mark[d] = r, c, 0, nt
    return False


@njit(cache=True)
def _undo_to(trail, nt, mark, a, row_t, col_t):
    """Restore the lines retired since the trail had ``mark`` entries; returns ``mark``."""
    for k in range(mark, nt):
        if trail[k] < a:
            row_t[trail[k]] = False
        else:
            col_t[trail[k] - a] = False
    return mark


# --------------------------------------------------------------------------
# All components: fronts and their min-plus convolution
# --------------------------------------------------------------------------


@njit(cache=True)
def _components(cell_row, cell_col, cells, nr, nc):
    """Connected components of the open cells ``cells`` (indices into cell_row/cell_col).

    Returns ``(singles, comp_off, comp_cells, n_rows, n_cols, local_r, local_c)``:
    the cells alone in their row and column; CSR over the other components of
    their cells (in ``cells`` order), each component's row and column count,
    and each cell's local row and column within its component (aligned with
    ``comp_cells``).
    """
    parent = np.arange(nr + nc)
    for k in range(cells.size):
        i = cells[k]
        x = _find(parent, cell_row[i])
        y = _find(parent, nr + cell_col[i])
        if x != y:
            parent[max(x, y)] = min(x, y)
    # Label the roots in order of first appearance.
    label = np.full(nr + nc, -1, dtype=np.int64)
    size = np.zeros(cells.size, dtype=np.int64)
    n_comp = 0
    for k in range(cells.size):
        root = _find(parent, cell_row[cells[k]])
        if label[root] < 0:
            label[root] = n_comp
            n_comp += 1
        size[label[root]] += 1
    cell_label = np.empty(cells.size, dtype=np.int64)
    for k in range(cells.size):
        cell_label[k] = label[_find(parent, cell_row[cells[k]])]
    singles = np.empty(cells.size, dtype=np.int64)
    n_single = 0
    big = np.full(n_comp, -1, dtype=np.int64)  # component label -> index among the big ones
    n_big = 0
    for k in range(cells.size):
        g = cell_label[k]
        if size[g] == 1:
            singles[n_single] = cells[k]
            n_single += 1
        elif big[g] < 0:
            big[g] = n_big
            n_big += 1
    comp_off = np.zeros(n_big + 1, dtype=np.int64)
    for g in range(n_comp):
        if big[g] >= 0:
            comp_off[big[g] + 1] = size[g]
    for j in range(n_big):
        comp_off[j + 1] += comp_off[j]
    fill = comp_off[:-1].copy()
    comp_cells = np.empty(comp_off[-1], dtype=np.int64)
    for k in range(cells.size):
        g = cell_label[k]
        if big[g] >= 0:
            comp_cells[fill[big[g]]] = cells[k]
            fill[big[g]] += 1
    # Local line ids, in order of first appearance within the component.
    local = np.full(nr + nc, -1, dtype=np.int64)
    n_rows = np.zeros(n_big, dtype=np.int64)
    n_cols = np.zeros(n_big, dtype=np.int64)
    local_r = np.empty(comp_cells.size, dtype=np.int64)
    local_c = np.empty(comp_cells.size, dtype=np.int64)
    for j in range(n_big):
        for k in range(comp_off[j], comp_off[j + 1]):
            u, w = cell_row[comp_cells[k]], nr + cell_col[comp_cells[k]]
            if local[u] < 0:
                local[u] = n_rows[j]
                n_rows[j] += 1
            if local[w] < 0:
                local[w] = n_cols[j]
                n_cols[j] += 1
            local_r[k] = local[u]
            local_c[k] = local[w]
    return singles[:n_single].copy(), comp_off, comp_cells, n_rows, n_cols, local_r, local_c


@njit(cache=True)
def _convolve(total, front, inf, n_max):
    """Min-plus convolution of two fronts (same ``inf``), cut to ``n_max``
    entries; returns (front, choice) with ``choice[r]`` the rows given to
    ``front`` (the fewest on ties)."""
    n = min(total.size + front.size - 1, n_max)
    out = np.full(n, inf, dtype=np.int64)
    choice = np.zeros(n, dtype=np.int64)
    for r in range(n):
        for j in range(max(0, r - total.size + 1), min(front.size - 1, r) + 1):
            if total[r - j] < inf and front[j] < inf:
                v = total[r - j] + front[j]
                if v < out[r]:
                    out[r] = v
                    choice[r] = j
    for r in range(n):
        if out[r] >= inf:
            out[r] = inf
    return out, choice


@njit(cache=True)
def _cover(cell_row, cell_col, cells, nr, nc, r_cap, c_cap, objective, shape, row_t, col_t):
    """Choose and build a cover of the open cells ``cells`` within the caps.

    ``objective`` ``_FEWEST_LINES``: the cover with fewest lines, then fewest
    rows, among those with at most ``r_cap`` rows and ``c_cap`` columns.
    ``_LARGEST_ARRAY``: ``shape`` is (rows, cols, spare rows, spare cols,
    target rows, target cols); the cover whose logical array is largest,
    among those meeting the target when one does (target 0 x 0: none), then
    with fewest rows.

    Marks the cover in ``row_t``/``col_t`` (local line ids) and returns
    ``(found, rows, cols, meets_target)``; when nothing fits the caps,
    ``found`` is False and nothing is marked.
    """
    singles, comp_off, comp_cells, n_rows, n_cols, local_r, local_c = _components(
        cell_row, cell_col, cells, nr, nc
    )
    # Rows beyond r_cap or columns beyond c_cap are never kept: INF = c_cap + 1.
    inf = c_cap + 1
    s = singles.size
    total = np.full(min(s, r_cap) + 1, inf, dtype=np.int64)
    for r in range(total.size):
        if s - r <= c_cap:
            total[r] = s - r
    n_big = comp_off.size - 1
    fronts_off = np.zeros(n_big + 1, dtype=np.int64)
    for j in range(n_big):
        fronts_off[j + 1] = fronts_off[j] + min(n_rows[j], r_cap) + 1
    fronts = np.empty(fronts_off[-1], dtype=np.int64)
    choices = [np.zeros(0, dtype=np.int64)]  # then choices[j + 1][r]: component j's rows of r
    for j in range(n_big):
        lo, hi = comp_off[j], comp_off[j + 1]
        a, b = n_rows[j], n_cols[j]
        rc, cc = min(a, r_cap), min(b, c_cap)
        best = np.full(rc + 1, cc + 1, dtype=np.int64)
        _search(local_r[lo:hi], local_c[lo:hi], a, b, np.zeros(a, dtype=np.bool_),
                np.zeros(b, dtype=np.bool_), rc, cc, best, False)
        f = fronts[fronts_off[j] : fronts_off[j + 1]]
        for r in range(rc + 1):
            f[r] = best[r] if best[r] <= cc else inf
        total, ch = _convolve(total, f, inf, r_cap + 1)
        choices.append(ch)
    # The point.
    pick = -1
    meets = False
    if objective == _FEWEST_LINES:
        for r in range(total.size):
            if total[r] <= c_cap and (pick < 0 or r + total[r] < pick + total[pick]):
                pick = r
        meets = pick >= 0
    else:
        rows, cols, sr, sc, tr, tc = shape
        best_area = -1
        for want in (True, False):
            for r in range(total.size):
                if total[r] > c_cap:
                    continue
                lr_ = rows - max(r, sr)
                lc_ = cols - max(total[r], sc)
                if want and (lr_ < tr or lc_ < tc):
                    continue
                if lr_ * lc_ > best_area:
                    best_area = lr_ * lc_
                    pick = r
            if pick >= 0:
                meets = want
                break
    if pick < 0:
        return False, 0, 0, False
    # Build it: the components' shares, last to first.
    rem = pick
    for j in range(n_big - 1, -1, -1):
        take = choices[j + 1][rem]
        rem -= take
        lo, hi = comp_off[j], comp_off[j + 1]
        a, b = n_rows[j], n_cols[j]
        rt = np.zeros(a, dtype=np.bool_)
        ct = np.zeros(b, dtype=np.bool_)
        cap_c = fronts[fronts_off[j] + take]
        _search(local_r[lo:hi], local_c[lo:hi], a, b, rt, ct, take, cap_c, np.zeros(1, dtype=np.int64), True)
        for k in range(lo, hi):
            i = comp_cells[k]
            if rt[local_r[k]]:
                row_t[cell_row[i]] = True
            if ct[local_c[k]]:
                col_t[cell_col[i]] = True
    # The single cells: the first ``rem`` by their rows, the rest by columns.
    for k in range(s):
        if k < rem:
            row_t[cell_row[singles[k]]] = True
        else:
            col_t[cell_col[singles[k]]] = True
    n_r = 0
    n_c = 0
    for u in range(nr):
        n_r += row_t[u]
    for w in range(nc):
        n_c += col_t[w]
    return True, n_r, n_c, meets


@njit(cache=True)
def _front(dead, cols):
    """The exact front of one trial's dead cores: ``f[r]`` for r = 0 .. faulty rows."""
    cell_row, cell_col, row_ids, col_ids = _compact(dead, cols)
    nr, nc = row_ids.size, col_ids.size
    cells = np.arange(dead.size)
    singles, comp_off, comp_cells, n_rows, n_cols, local_r, local_c = _components(
        cell_row, cell_col, cells, nr, nc
    )
    inf = nc + 1
    s = singles.size
    total = np.empty(s + 1, dtype=np.int64)
    for r in range(s + 1):
        total[r] = s - r
    for j in range(comp_off.size - 1):
        lo, hi = comp_off[j], comp_off[j + 1]
        a, b = n_rows[j], n_cols[j]
        best = np.full(a + 1, b + 1, dtype=np.int64)
        _search(local_r[lo:hi], local_c[lo:hi], a, b, np.zeros(a, dtype=np.bool_),
                np.zeros(b, dtype=np.bool_), a, b, best, False)
        total, _ = _convolve(total, best, inf, nr + 1)
    return total


# --------------------------------------------------------------------------
# One trial, a batch
# --------------------------------------------------------------------------


@njit(cache=True)
def _gaps(retired, n_logical):
    """Runs of retired lines between two logical lines.

    ``retired``: sorted physical line ids; the logical lines are the first
    ``n_logical`` others. Returns (runs, lines in them, longest run).
    """
    runs = 0
    total = 0
    longest = 0
    k = 0
    while k < retired.size:
        e = k
        while e + 1 < retired.size and retired[e + 1] == retired[e] + 1:
            e += 1
        before = retired[k] - k  # logical lines before the run
        if 0 < before < n_logical:
            runs += 1
            total += e - k + 1
            longest = max(longest, e - k + 1)
        k = e + 1
    return runs, total, longest


@njit(cache=True)
def _link_stats(ret_rows, ret_cols, lrows, lcols):
    """(long links, longest link in hops, extra hops) of a logical array
    ``lrows x lcols`` on the physical rows and columns not retired."""
    gr, sr, mr = _gaps(ret_rows, lrows)
    gc, sc, mc = _gaps(ret_cols, lcols)
    long_links = lcols * gr + lrows * gc
    extra = lcols * sr + lrows * sc
    longest = 0
    if lrows * lcols >= 2:
        longest = 1
    if gr > 0 and lcols > 0:
        longest = max(longest, mr + 1)
    if gc > 0 and lrows > 0:
        longest = max(longest, mc + 1)
    return long_links, longest, extra


@njit(cache=True)
def _trial(dead, geo, target, out_rows, out_cols):
    """Repair one trial; write its retired rows and columns (sorted) to the
    start of ``out_rows``/``out_cols`` (room for one per dead core).

    ``geo`` is (rows, cols, spare rows, spare cols); ``target`` (rows, cols),
    0 x 0 for none. Returns (status, retired rows, retired columns, logical
    rows, logical cols).
    """
    rows, cols, sr, sc = geo
    tr, tc = target
    n = dead.size
    if n == 0:
        return OK, 0, 0, rows - sr, cols - sc
    cell_row, cell_col, row_ids, col_ids = _compact(dead, cols)
    nr, nc = row_ids.size, col_ids.size
    row_t = np.zeros(nr, dtype=np.bool_)
    col_t = np.zeros(nc, dtype=np.bool_)
    # Stage 1, the full shape (Kuo & Fuchs): must-repair over the whole
    # trial, the early abort, then branch and bound within the budget.
    deg_r = np.zeros(nr, dtype=np.int64)
    deg_c = np.zeros(nc, dtype=np.int64)
    for i in range(n):
        deg_r[cell_row[i]] += 1
        deg_c[cell_col[i]] += 1
    br, bc = sr, sc
    m = n
    changed = True
    while changed and br >= 0 and bc >= 0 and m > 0:
        changed = False
        for u in range(nr):
            if deg_r[u] > 0 and deg_r[u] > bc and not row_t[u]:
                m -= _take_row(u, cell_row, cell_col, row_t, col_t, deg_r, deg_c)
                br -= 1
                changed = True
        for w in range(nc):
            if deg_c[w] > 0 and deg_c[w] > br and not col_t[w]:
                m -= _take_col(w, cell_row, cell_col, row_t, col_t, deg_r, deg_c)
                bc -= 1
                changed = True
    full = br >= 0 and bc >= 0 and m <= 2 * br * bc
    if full:
        open_cells = np.empty(m, dtype=np.int64)
        k = 0
        for i in range(n):
            if not row_t[cell_row[i]] and not col_t[cell_col[i]]:
                open_cells[k] = i
                k += 1
        found, _, _, _ = _cover(cell_row, cell_col, open_cells, nr, nc, br, bc, _FEWEST_LINES,
                                (rows, cols, sr, sc, tr, tc), row_t, col_t)
        full = found
    status = OK
    if not full:
        # Stage 2, graceful degradation: the exact front of every cover.
        row_t[:] = False
        col_t[:] = False
        found, _, _, meets = _cover(cell_row, cell_col, np.arange(n), nr, nc, nr, nc, _LARGEST_ARRAY,
                                    (rows, cols, sr, sc, tr, tc), row_t, col_t)
        status = DEGRADED if meets else FAILED
    n_r = 0
    for u in range(nr):
        if row_t[u]:
            out_rows[n_r] = row_ids[u]
            n_r += 1
    n_c = 0
    for w in range(nc):
        if col_t[w]:
            out_cols[n_c] = col_ids[w]
            n_c += 1
    lrows = rows - max(n_r, sr)
    lcols = cols - max(n_c, sc)
    if status == DEGRADED and lrows * lcols == 0:
        status = FAILED
    return status, n_r, n_c, lrows, lcols


@njit(cache=True, parallel=True)
def _repair_batch(offsets, dead, geo, target):
    """:func:`_trial` of every trial of a CSR batch.

    Returns (status, retired rows, retired columns, logical rows, logical
    cols, long links, longest link, extra hops) per trial, and the retired
    rows and columns of trial t at ``rows_buf[offsets[t]:][:n]`` (a buffer
    aligned with ``dead``; compact it outside).
    """
    n_trials = offsets.size - 1
    status = np.empty(n_trials, dtype=np.int8)
    n_rows = np.empty(n_trials, dtype=np.int64)
    n_cols = np.empty(n_trials, dtype=np.int64)
    lrows = np.empty(n_trials, dtype=np.int64)
    lcols = np.empty(n_trials, dtype=np.int64)
    long_links = np.empty(n_trials, dtype=np.int64)
    longest = np.empty(n_trials, dtype=np.int64)
    extra = np.empty(n_trials, dtype=np.int64)
    rows_buf = np.empty(dead.size, dtype=np.int64)
    cols_buf = np.empty(dead.size, dtype=np.int64)
    for t in prange(n_trials):
        lo, hi = offsets[t], offsets[t + 1]
        out_r = rows_buf[lo:hi]
        out_c = cols_buf[lo:hi]
        s, a, b, x, y = _trial(dead[lo:hi], geo, target, out_r, out_c)
        status[t] = s
        n_rows[t], n_cols[t], lrows[t], lcols[t] = a, b, x, y
        long_links[t], longest[t], extra[t] = _link_stats(out_r[:a], out_c[:b], x, y)
    return status, n_rows, n_cols, lrows, lcols, long_links, longest, extra, rows_buf, cols_buf


@njit(cache=True)
def _compact_csr(offsets, buf, counts):
    """The first ``counts[t]`` entries of each trial's slice of ``buf``, as CSR."""
    n = offsets.size - 1
    out_off = np.zeros(n + 1, dtype=np.int64)
    for t in range(n):
        out_off[t + 1] = out_off[t] + counts[t]
    out = np.empty(out_off[-1], dtype=np.int64)
    for t in range(n):
        for k in range(counts[t]):
            out[out_off[t] + k] = buf[offsets[t] + k]
    return out_off, out


@njit(cache=True)
def _select(retired, logical):
    """Physical line of each logical line: the ``logical``-th line not retired."""
    out = np.empty(logical.size, dtype=np.int64)
    for i in range(logical.size):
        p = logical[i]
        # Each retired line at or before the candidate pushes it one on.
        lo, hi = 0, retired.size
        while lo < hi:  # first k with retired[k] - k > p
            mid = (lo + hi) // 2
            if retired[mid] - mid <= p:
                lo = mid + 1
            else:
                hi = mid
        out[i] = p + lo
    return out
