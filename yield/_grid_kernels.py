"""Compiled kernels of the grid defect sampler (:mod:`yieldmodels.spatial`).

Two ``prange`` passes over the trials, as :mod:`yieldmodels.sampling`:

1. :func:`_count_pass`: each trial's defect count, and the state of its
   stream right after the count draws.
2. :func:`_fill_pass`: starting from that saved state, each trial's positions
   and then kinds, sorted by site. In block mode a second cursor replays the
   per-block counts from the trial's start state (cheap: one comparison per
   defect-free block), so no per-block array is ever stored.

Trial ``t``'s stream (one splitmix64 sequence from ``(key, t)``) is consumed
in a fixed order: counts (the mixing multiplier then the Poisson count, or
per block in row-major block order one negative-binomial count, or a mixing
multiplier and a Poisson count), then positions
(in count order; in block mode block by block), then kinds. So trial ``t``
depends only on ``(key, t)``; positions do not change when kinds are added.

Speed without changing a single draw: block negative-binomial counts use
per-call tables of the inversion's cumulative sums (:func:`_nb_tables`, the
same arithmetic as ``_rng._neg_binomial``) searched branchlessly; block
rectangles and reciprocals are tabulated once per call, so placing a
defect needs no integer division (:func:`_divmod_f`); each trial is sorted
by one counting pass on the key's top bits plus an insertion sort
(:func:`_sort_keys`), with scratch allocated once per chunk of trials.

Codes shared with :mod:`yieldmodels.spatial`: count mode 0 Poisson, 1
wafer-scale mixture (any :class:`yieldmodels.Mixing` law, kernel codes of
:mod:`yieldmodels._rng`), 2 block-scale negative binomial (gamma mixing), 3
block-scale mixture of any other law; position mode 0
uniform, 1 radial (rejection), 2 reticle pattern (exact in wafer modes,
rejection inside a block).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ._rng import (
    _mixed_count,
    _nb_search,
    _poisson,
    _randint,
    _trial_state,
    _uniform01,
)

COUNT_POISSON, COUNT_WAFER, COUNT_BLOCK, COUNT_BLOCK_MIX = 0, 1, 2, 3
POS_UNIFORM, POS_RADIAL, POS_RETICLE = 0, 1, 2
# layout of the float parameters of the radial profile
RAD_X0, RAD_PX, RAD_Y0, RAD_PY, RAD_INV_R2, RAD_HALF_POWER, RAD_EXCESS, RAD_DMAX = range(8)


_NB_TAB = 8  # cumulative-probability entries tabulated per block (branchless search)
_SORT_MAX = 1024  # trials with more defects than this use numpy's sort
_FILL_CHUNK = 64  # trials per prange iteration of the fill pass (one scratch allocation)
_FDIV_MAX = 2**50  # below this, a float-reciprocal division is exact after one correction


@njit(cache=True)
def _nb_tables(p0, q, shape, n_chunks):  # pragma: no cover - compiled
    """Per-block tables of :func:`_nb_draw`, the same arithmetic as ``_rng._neg_binomial``.

    Returns ``(cdf, tail, chunks)``: ``cdf[b, k]`` is the cumulative
    probability the inversion compares with at count ``k`` (2.0, never
    exceeded, past the count where the inversion stops); ``tail[b]`` is
    ``(p, cdf)`` at ``k = _NB_TAB - 1`` to resume the inversion loop from;
    ``chunks[b]`` is the number of uniforms the block draws (0 when ``q <=
    0``, as the inversion draws none).
    """
    n = p0.size
    cdf_tab = np.full((n, _NB_TAB), 2.0)
    tail = np.zeros((n, 2))
    chunks = np.zeros(n, dtype=np.int64)
    for b in range(n):
        qb = q[b]
        if qb <= 0.0:
            continue
        sb = shape[b]
        chunks[b] = n_chunks[b]
        k = 0
        p = p0[b]
        cdf = p0[b]
        cdf_tab[b, 0] = cdf
        while True:
            if k == _NB_TAB - 1:
                tail[b, 0] = p
                tail[b, 1] = cdf
                break
            p *= qb * (k + sb) / (k + 1)
            k += 1
            if cdf + p == cdf and k > (sb - 1.0) * qb / (1.0 - qb):
                break  # the inversion returns k whenever u exceeds every entry below
            cdf += p
            cdf_tab[b, k] = cdf
    return cdf_tab.ravel(), tail, chunks


@njit(cache=True)
def _nb_tail(u, p, cdf, q, shape):  # pragma: no cover - compiled
    """The inversion search of ``_rng._neg_binomial`` resumed at ``k = _NB_TAB - 1``."""
    return _nb_search(u, np.int64(_NB_TAB - 1), p, cdf, q, shape)


@njit(cache=True)
def _nb_invert(u, b, cdf_tab, tail, q, shape):  # pragma: no cover - compiled
    """The count ``_rng._neg_binomial``'s inversion gives for the uniform ``u`` in block ``b``."""
    k = np.int64(0)
    base = b * _NB_TAB
    for t in range(_NB_TAB):
        k += np.int64(u > cdf_tab[base + t])
    if k == _NB_TAB:
        k = _nb_tail(u, tail[b, 0], tail[b, 1], q[b], shape[b])
    return k


@njit(cache=True)
def _nb_draw(state, b, cdf_tab, tail, chunks, q, shape):  # pragma: no cover - compiled
    """Block ``b``'s negative-binomial count: exactly ``_rng._neg_binomial``'s draws and result.

    The first ``_NB_TAB`` comparisons of the inversion are a branchless count
    of table entries below ``u`` (the cumulative sums are non-decreasing);
    past the table, the inversion loop resumes where the table ends. One
    chunk (the usual case) takes a path without the chunk loop.
    """
    n_ch = chunks[b]
    if n_ch == 1:
        state, u = _uniform01(state)
        return state, _nb_invert(u, b, cdf_tab, tail, q, shape)
    total = np.int64(0)
    for _ in range(n_ch):
        state, u = _uniform01(state)
        total += _nb_invert(u, b, cdf_tab, tail, q, shape)
    return state, total


@njit(cache=True)
def _divmod_f(k, w, inv_w):  # pragma: no cover - compiled
    """``(k // w, k % w)`` for ``0 <= k`` and ``w >= 1``, by a float reciprocal when exact."""
    if k >= _FDIV_MAX:
        r = k // w
        return r, k - r * w
    r = np.int64(k * inv_w)
    rem = k - r * w
    if rem < 0:
        r -= 1
        rem += w
    elif rem >= w:
        r += 1
        rem -= w
    return r, rem


@njit(cache=True)
def _block_rects(rows, cols, block_rows, block_cols):  # pragma: no cover - compiled
    """Per block (row-major): ``[r0, c0, h, w]`` (int64) and ``1 / w``."""
    bpr = (cols + block_cols - 1) // block_cols
    bpc = (rows + block_rows - 1) // block_rows
    n = bpr * bpc
    rect = np.empty((n, 4), dtype=np.int64)
    inv_w = np.empty(n)
    for b in range(n):
        br = b // bpr
        r0 = br * block_rows
        c0 = (b - br * bpr) * block_cols
        w = min(block_cols, cols - c0)
        rect[b, 0] = r0
        rect[b, 1] = c0
        rect[b, 2] = min(block_rows, rows - r0)
        rect[b, 3] = w
        inv_w[b] = 1.0 / w
    return rect, inv_w


@njit(cache=True)
def _n_blocks(count_mode, nb_chunks, bmean):  # pragma: no cover - compiled
    """Blocks of a block mode: the negative-binomial tables' or the block means' size."""
    return nb_chunks.size if count_mode == COUNT_BLOCK else bmean.size


@njit(cache=True)
def _block_count(
    state, b, count_mode, nb_cdf, nb_tail, nb_chunks, bq, bshape, bmean, code, shape, factor, cap
):  # pragma: no cover - compiled
    """Block ``b``'s count: negative binomial (gamma mixing) or its own multiplier and Poisson."""
    if count_mode == COUNT_BLOCK:
        state, k = _nb_draw(state, b, nb_cdf, nb_tail, nb_chunks, bq, bshape)
        if cap >= 0 and k > cap:
            k = np.int64(cap)
        return state, k
    return _mixed_count(state, bmean[b], code, shape, factor, cap)


@njit(cache=True)
def _trial_count(
    state, count_mode, mean, code, shape, factor, cap, nb_cdf, nb_tail, nb_chunks, bq, bshape,
    bmean,
):  # pragma: no cover - compiled
    """Draw one trial's defect count; return ``(state, count)``.

    Wafer mode with gamma mixing draws ``g ~ Gamma(alpha, 1)`` then
    ``Poisson(mean * (g / alpha))``, as it always has.
    """
    if count_mode == COUNT_POISSON:
        return _poisson(state, mean)
    if count_mode == COUNT_WAFER:
        return _mixed_count(state, mean, code, shape, factor, cap)
    total = np.int64(0)
    if count_mode == COUNT_BLOCK:
        for b in range(nb_chunks.size):
            if nb_chunks[b] == 1:  # _nb_draw's one-chunk path, written out: much faster here
                state, u = _uniform01(state)
                k = np.int64(0)
                base = b * _NB_TAB
                for t in range(_NB_TAB):
                    k += np.int64(u > nb_cdf[base + t])
                if k == _NB_TAB:
                    k = _nb_tail(u, nb_tail[b, 0], nb_tail[b, 1], bq[b], bshape[b])
            else:
                state, k = _nb_draw(state, b, nb_cdf, nb_tail, nb_chunks, bq, bshape)
            if cap >= 0 and k > cap:
                k = np.int64(cap)
            total += k
        return state, total
    for b in range(bmean.size):
        state, k = _mixed_count(state, bmean[b], code, shape, factor, cap)
        total += k
    return state, total


@njit(cache=True, parallel=True)
def _count_pass(
    key, first_trial, n_trials, count_mode, mean, code, shape, factor, cap,
    nb_cdf, nb_tail, nb_chunks, bq, bshape, bmean,
):  # pragma: no cover - compiled
    """Pass 1: counts and the post-count stream state of each trial."""
    counts = np.empty(n_trials, dtype=np.int64)
    states = np.empty(n_trials, dtype=np.uint64)
    for i in prange(n_trials):
        state = _trial_state(key, first_trial + i)
        state, k = _trial_count(
            state, count_mode, mean, code, shape, factor, cap, nb_cdf, nb_tail, nb_chunks, bq,
            bshape, bmean,
        )
        counts[i] = k
        states[i] = state
    return counts, states


@njit(cache=True)
def _radial_density_rc(r, c, rad):  # pragma: no cover - compiled
    """Relative density ``max(0, 1 + e (r/R)^p)`` at the centre of site ``(r, c)``."""
    x = rad[RAD_X0] + c * rad[RAD_PX]
    y = rad[RAD_Y0] + r * rad[RAD_PY]
    rr = (x * x + y * y) * rad[RAD_INV_R2]
    hp = rad[RAD_HALF_POWER]
    q = rr if hp == 1.0 else rr**hp
    return max(0.0, 1.0 + rad[RAD_EXCESS] * q)


@njit(cache=True)
def _reticle_weight(site, cols, wflat, wc, row_class, col_class):  # pragma: no cover
    """Weight of the reticle cell holding the site."""
    r = site // cols
    c = site - r * cols
    return wflat[row_class[r % row_class.size] * wc + col_class[c % col_class.size]]


@njit(cache=True)
def _reticle_exact(
    state, cols, cum, wc, inv_wc, rows_tab, cols_tab, rinv, cinv, period_r, period_c
):  # pragma: no cover - compiled
    """A site drawn with probability proportional to its reticle cell's weight.

    Pick a cell class (i, j) by binary search on the cumulative class
    weights ``w[i, j] * n_rows(i) * n_cols(j)``, then a uniform row among
    the grid rows of class i and a uniform column among those of class j.
    (The search is a branchless count of the entries ``<= x`` for small
    tables: the same index.)
    """
    n = cum.size
    state, u = _uniform01(state)
    x = u * cum[n - 1]
    if n <= 64:
        lo = np.int64(0)
        for m in range(n - 1):
            lo += np.int64(cum[m] <= x)
    else:
        lo, hi = 0, n - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if cum[mid] > x:
                hi = mid
            else:
                lo = mid + 1
    while lo > 0 and cum[lo] == cum[lo - 1]:  # rounding put x on a zero-weight tail
        lo -= 1
    i, j = _divmod_f(lo, wc, inv_wc)
    state, kr = _randint(state, rows_tab[2, i])
    state, kc = _randint(state, cols_tab[2, j])
    # the k-th grid row (column) whose offset in its reticle is in [lo, lo + length)
    qr, mr = _divmod_f(kr, rows_tab[1, i], rinv[i])
    qc, mc = _divmod_f(kc, cols_tab[1, j], cinv[j])
    r = qr * period_r + rows_tab[0, i] + mr
    c = qc * period_c + cols_tab[0, j] + mc
    return state, r * cols + c


@njit(cache=True)
def _place(
    state, sites, lo, hi, in_blocks, n_sites, cols, inv_cols, rect, rect_inv_w, pos_mode, rad,
    cum, wflat, wc, inv_wc, wmax, row_class, col_class, rows_tab, cols_tab, rinv, cinv,
):  # pragma: no cover - compiled
    """Draw the positions ``sites[lo:hi]`` of one trial, in place.

    With ``in_blocks``, ``sites[j]`` holds on entry the block of defect
    ``j`` and the position is drawn within that block (``rect[b] = [r0,
    c0, h, w]``); otherwise within the whole grid. One call per trial, the
    mode dispatch outside the per-defect loops.
    """
    if pos_mode == POS_RETICLE and not in_blocks:
        for j in range(lo, hi):
            state, s = _reticle_exact(
                state, cols, cum, wc, inv_wc, rows_tab, cols_tab, rinv, cinv, row_class.size,
                col_class.size,
            )
            sites[j] = s
        return state
    if not in_blocks:
        if pos_mode == POS_UNIFORM:
            for j in range(lo, hi):
                state, s = _randint(state, n_sites)
                sites[j] = s
        else:  # radial: rejection from uniform proposals, accept with density / max density
            dmax = rad[RAD_DMAX]
            for j in range(lo, hi):
                while True:
                    state, s = _randint(state, n_sites)
                    state, u = _uniform01(state)
                    r, c = _divmod_f(s, cols, inv_cols)
                    if u * dmax < _radial_density_rc(r, c, rad):
                        break
                sites[j] = s
        return state
    if pos_mode == POS_UNIFORM:
        for j in range(lo, hi):
            b = sites[j]
            w = rect[b, 3]
            state, k = _randint(state, rect[b, 2] * w)
            rr, cc = _divmod_f(k, w, rect_inv_w[b])
            sites[j] = (rect[b, 0] + rr) * cols + rect[b, 1] + cc
    elif pos_mode == POS_RADIAL:
        dmax = rad[RAD_DMAX]
        for j in range(lo, hi):
            b = sites[j]
            w = rect[b, 3]
            hw = rect[b, 2] * w
            while True:
                state, k = _randint(state, hw)
                state, u = _uniform01(state)
                rr, cc = _divmod_f(k, w, rect_inv_w[b])
                r = rect[b, 0] + rr
                c = rect[b, 1] + cc
                if u * dmax < _radial_density_rc(r, c, rad):
                    break
            sites[j] = r * cols + c
    else:
        for j in range(lo, hi):
            b = sites[j]
            w = rect[b, 3]
            hw = rect[b, 2] * w
            while True:
                state, k = _randint(state, hw)
                rr, cc = _divmod_f(k, w, rect_inv_w[b])
                s = (rect[b, 0] + rr) * cols + rect[b, 1] + cc
                state, u = _uniform01(state)
                if u * wmax < _reticle_weight(s, cols, wflat, wc, row_class, col_class):
                    break
            sites[j] = s
    return state


@njit(cache=True)
def _kind(state, site, rows, cols, inv_cols, kcum):  # pragma: no cover - compiled
    """Kind of a defect at ``site`` from cumulative probabilities ``kcum``.

    ``kcum = [P(core), P(core) + P(router), P(core) + P(router) + P(link)/2]``:
    one uniform picks core, router, east link or south link. A link that does
    not exist (east of the last column, south of the last row) is replaced by
    the site's other link; a site with neither (the bottom-right corner) takes
    the defect on its router.
    """
    state, u = _uniform01(state)
    if u < kcum[0]:
        return state, 0
    if u < kcum[1]:
        return state, 1
    k = 2 if u < kcum[2] else 3
    r, c = _divmod_f(site, cols, inv_cols)
    east = c < cols - 1
    south = r < rows - 1
    if k == 2 and not east:
        k = 3 if south else 1
    elif k == 3 and not south:
        k = 2 if east else 1
    return state, k


@njit(cache=True)
def _sort_keys(a, lo, hi, tmp, cnt, nbits):  # pragma: no cover - compiled
    """Sort ``a[lo:hi]`` (keys in ``[0, 2**nbits)``) in place.

    Up to ``tmp.size`` keys: one counting-sort pass on the top bits into a
    power of two >= n buckets (about one key per bucket), then an insertion
    sort of the nearly sorted result: a few branches per key instead of a
    comparison sort's mispredicted ones. Larger: numpy's sort.
    """
    n = hi - lo
    if n < 2:
        return
    if n > tmp.size:
        a[lo:hi].sort()
        return
    lb = 0
    while (np.int64(1) << lb) < n:
        lb += 1
    nb = np.int64(1) << lb
    shift = nbits - lb if nbits > lb else 0
    for b in range(nb + 1):
        cnt[b] = 0
    for j in range(n):
        x = a[lo + j]
        tmp[j] = x
        cnt[(x >> shift) + 1] += 1
    for b in range(1, nb + 1):
        cnt[b] += cnt[b - 1]
    for j in range(n):
        x = tmp[j]
        b = x >> shift
        a[lo + cnt[b]] = x
        cnt[b] += 1
    for i in range(lo + 1, hi):
        x = a[i]
        j = i - 1
        while j >= lo and a[j] > x:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = x


@njit(cache=True, parallel=True)
def _fill_pass(
    key, first_trial, offsets, states, count_mode, nb_cdf, nb_tail, nb_chunks, bq, bshape, bmean,
    code, shape, factor, cap, rows, cols, rect, rect_inv_w, pos_mode, rad, cum, wflat, wc,
    wmax, row_class, col_class, rows_tab, cols_tab, rinv, cinv, with_kinds, kcum, nbits,
):  # pragma: no cover - compiled
    """Pass 2: positions (and kinds) of each trial, sorted by site (then kind)."""
    n_trials = offsets.size - 1
    total = offsets[n_trials]
    sites = np.empty(total, dtype=np.int64)
    kinds = np.empty(total if with_kinds else 0, dtype=np.int8)
    in_blocks = count_mode == COUNT_BLOCK or count_mode == COUNT_BLOCK_MIX
    n_blocks = _n_blocks(count_mode, nb_chunks, bmean)
    n_sites = rows * cols
    inv_cols = 1.0 / cols
    inv_wc = 1.0 / wc
    n_chunks = (n_trials + _FILL_CHUNK - 1) // _FILL_CHUNK
    for ch in prange(n_chunks):
        tmp = np.empty(_SORT_MAX, dtype=np.int64)
        cnt = np.empty(_SORT_MAX + 1, dtype=np.int64)
        for i in range(ch * _FILL_CHUNK, min(n_trials, (ch + 1) * _FILL_CHUNK)):
            lo = offsets[i]
            hi = offsets[i + 1]
            if hi == lo:
                continue
            if in_blocks:
                # replay the block counts from the trial's start; note each defect's block
                cstate = _trial_state(key, first_trial + i)
                j = lo
                for b in range(n_blocks):
                    if count_mode == COUNT_BLOCK and nb_chunks[b] == 1:
                        # _nb_draw's one-chunk path written out, as in _trial_count
                        cstate, u = _uniform01(cstate)
                        kb = np.int64(0)
                        base = b * _NB_TAB
                        for t in range(_NB_TAB):
                            kb += np.int64(u > nb_cdf[base + t])
                        if kb == _NB_TAB:
                            kb = _nb_tail(u, nb_tail[b, 0], nb_tail[b, 1], bq[b], bshape[b])
                        if cap >= 0 and kb > cap:
                            kb = np.int64(cap)
                    else:
                        cstate, kb = _block_count(
                            cstate, b, count_mode, nb_cdf, nb_tail, nb_chunks, bq, bshape, bmean,
                            code, shape, factor, cap,
                        )
                    for _ in range(kb):
                        sites[j] = b
                        j += 1
                    if j == hi:
                        break  # the remaining blocks drew no defect
            state = _place(
                states[i], sites, lo, hi, in_blocks, n_sites, cols, inv_cols, rect, rect_inv_w,
                pos_mode, rad, cum, wflat, wc, inv_wc, wmax, row_class, col_class, rows_tab,
                cols_tab, rinv, cinv,
            )
            if with_kinds:
                for j in range(lo, hi):
                    state, kd = _kind(state, sites[j], rows, cols, inv_cols, kcum)
                    sites[j] = sites[j] * 4 + kd  # sort (site, kind) pairs as one key
                _sort_keys(sites, lo, hi, tmp, cnt, nbits)
                for j in range(lo, hi):
                    kinds[j] = np.int8(sites[j] & 3)
                    sites[j] = sites[j] >> 2
            else:
                _sort_keys(sites, lo, hi, tmp, cnt, nbits)
    return sites, kinds
