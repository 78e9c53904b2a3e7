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
    _neg_binomial,
    _poisson,
    _randint,
    _trial_state,
    _uniform01,
)

COUNT_POISSON, COUNT_WAFER, COUNT_BLOCK, COUNT_BLOCK_MIX = 0, 1, 2, 3
POS_UNIFORM, POS_RADIAL, POS_RETICLE = 0, 1, 2
# layout of the float parameters of the radial profile
RAD_X0, RAD_PX, RAD_Y0, RAD_PY, RAD_INV_R2, RAD_HALF_POWER, RAD_EXCESS, RAD_DMAX = range(8)


@njit(cache=True)
def _n_blocks(count_mode, bp0, bmean):  # pragma: no cover - compiled
    """Blocks of a block mode: the negative-binomial tables' or the block means' size."""
    return bp0.size if count_mode == COUNT_BLOCK else bmean.size


@njit(cache=True)
def _block_count(
    state, b, count_mode, bp0, bq, bshape, bchunks, bmean, code, shape, factor, cap
):  # pragma: no cover - compiled
    """Block ``b``'s count: negative binomial (gamma mixing) or its own multiplier and Poisson."""
    if count_mode == COUNT_BLOCK:
        state, k = _neg_binomial(state, bp0[b], bq[b], bshape[b], bchunks[b])
        if cap >= 0 and k > cap:
            k = np.int64(cap)
        return state, k
    return _mixed_count(state, bmean[b], code, shape, factor, cap)


@njit(cache=True)
def _trial_count(
    state, count_mode, mean, code, shape, factor, cap, bp0, bq, bshape, bchunks, bmean
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
    for b in range(_n_blocks(count_mode, bp0, bmean)):
        state, k = _block_count(
            state, b, count_mode, bp0, bq, bshape, bchunks, bmean, code, shape, factor, cap
        )
        total += k
    return state, total


@njit(cache=True, parallel=True)
def _count_pass(
    key, first_trial, n_trials, count_mode, mean, code, shape, factor, cap,
    bp0, bq, bshape, bchunks, bmean,
):  # pragma: no cover - compiled
    """Pass 1: counts and the post-count stream state of each trial."""
    counts = np.empty(n_trials, dtype=np.int64)
    states = np.empty(n_trials, dtype=np.uint64)
    for i in prange(n_trials):
        state = _trial_state(key, first_trial + i)
        state, k = _trial_count(
            state, count_mode, mean, code, shape, factor, cap, bp0, bq, bshape, bchunks, bmean
        )
        counts[i] = k
        states[i] = state
    return counts, states


@njit(cache=True)
def _uniform_in(state, r0, c0, h, w, cols):  # pragma: no cover - compiled
    """A uniform site of the ``h x w`` rectangle at ``(r0, c0)``; one draw."""
    state, k = _randint(state, h * w)
    if c0 == 0 and w == cols:
        return state, r0 * cols + k  # whole rows: the site id itself
    r = k // w
    return state, (r0 + r) * cols + c0 + (k - r * w)


@njit(cache=True)
def _radial_density(site, cols, rad):  # pragma: no cover - compiled
    """Relative density ``max(0, 1 + e (r/R)^p)`` at the site's centre."""
    r = site // cols
    c = site - r * cols
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
def _class_member(k, lo, length, period):  # pragma: no cover - compiled
    """The ``k``-th grid row (or column) whose offset in its reticle is in ``[lo, lo + length)``."""
    return (k // length) * period + lo + k % length


@njit(cache=True)
def _reticle_exact(
    state, cols, cum, wc, rows_tab, cols_tab, period_r, period_c
):  # pragma: no cover - compiled
    """A site drawn with probability proportional to its reticle cell's weight.

    Pick a cell class (i, j) by binary search on the cumulative class
    weights ``w[i, j] * n_rows(i) * n_cols(j)``, then a uniform row among
    the grid rows of class i and a uniform column among those of class j.
    """
    n = cum.size
    state, u = _uniform01(state)
    x = u * cum[n - 1]
    lo, hi = 0, n - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] > x:
            hi = mid
        else:
            lo = mid + 1
    while lo > 0 and cum[lo] == cum[lo - 1]:  # rounding put x on a zero-weight tail
        lo -= 1
    i = lo // wc
    j = lo - i * wc
    state, kr = _randint(state, rows_tab[2, i])
    state, kc = _randint(state, cols_tab[2, j])
    r = _class_member(kr, rows_tab[0, i], rows_tab[1, i], period_r)
    c = _class_member(kc, cols_tab[0, j], cols_tab[1, j], period_c)
    return state, r * cols + c


@njit(cache=True)
def _rect(site, in_blocks, rows, cols, block_rows, block_cols):  # pragma: no cover
    """``(r0, c0, h, w)``: the whole grid, or block ``site`` when ``in_blocks``."""
    if not in_blocks:
        return 0, 0, rows, cols
    blocks_per_row = (cols + block_cols - 1) // block_cols
    br = site // blocks_per_row
    r0 = br * block_rows
    c0 = (site - br * blocks_per_row) * block_cols
    return r0, c0, min(block_rows, rows - r0), min(block_cols, cols - c0)


@njit(cache=True)
def _place(
    state, sites, lo, hi, in_blocks, rows, cols, block_rows, block_cols, pos_mode, rad, cum,
    wflat, wc, wmax, row_class, col_class, rows_tab, cols_tab,
):  # pragma: no cover - compiled
    """Draw the positions ``sites[lo:hi]`` of one trial, in place.

    With ``in_blocks``, ``sites[j]`` holds on entry the block of defect
    ``j`` and the position is drawn within that block; otherwise within the
    whole grid. One call per trial, the mode dispatch outside the
    per-defect loops (a call per defect with this many array arguments
    costs more than the draw itself).
    """
    if pos_mode == POS_UNIFORM:
        for j in range(lo, hi):
            r0, c0, h, w = _rect(sites[j], in_blocks, rows, cols, block_rows, block_cols)
            state, s = _uniform_in(state, r0, c0, h, w, cols)
            sites[j] = s
    elif pos_mode == POS_RETICLE and not in_blocks:
        for j in range(lo, hi):
            state, s = _reticle_exact(
                state, cols, cum, wc, rows_tab, cols_tab, row_class.size, col_class.size
            )
            sites[j] = s
    elif pos_mode == POS_RADIAL:
        dmax = rad[RAD_DMAX]
        for j in range(lo, hi):
            r0, c0, h, w = _rect(sites[j], in_blocks, rows, cols, block_rows, block_cols)
            while True:  # rejection: uniform proposal, accept with density / max density
                state, s = _uniform_in(state, r0, c0, h, w, cols)
                state, u = _uniform01(state)
                if u * dmax < _radial_density(s, cols, rad):
                    break
            sites[j] = s
    else:
        for j in range(lo, hi):
            r0, c0, h, w = _rect(sites[j], in_blocks, rows, cols, block_rows, block_cols)
            while True:
                state, s = _uniform_in(state, r0, c0, h, w, cols)
                state, u = _uniform01(state)
                if u * wmax < _reticle_weight(s, cols, wflat, wc, row_class, col_class):
                    break
            sites[j] = s
    return state


@njit(cache=True)
def _kind(state, site, rows, cols, kcum):  # pragma: no cover - compiled
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
    r = site // cols
    c = site - r * cols
    east = c < cols - 1
    south = r < rows - 1
    if k == 2 and not east:
        k = 3 if south else 1
    elif k == 3 and not south:
        k = 2 if east else 1
    return state, k


@njit(cache=True, parallel=True)
def _fill_pass(
    key, first_trial, offsets, states, count_mode, bp0, bq, bshape, bchunks, bmean,
    code, shape, factor, cap, rows, cols, block_rows, block_cols, pos_mode, rad, cum, wflat, wc,
    wmax,
    row_class, col_class, rows_tab, cols_tab, with_kinds, kcum,
):  # pragma: no cover - compiled
    """Pass 2: positions (and kinds) of each trial, sorted by site (then kind)."""
    n_trials = offsets.size - 1
    total = offsets[n_trials]
    sites = np.empty(total, dtype=np.int64)
    kinds = np.empty(total if with_kinds else 0, dtype=np.int8)
    in_blocks = count_mode == COUNT_BLOCK or count_mode == COUNT_BLOCK_MIX
    n_blocks = _n_blocks(count_mode, bp0, bmean)
    for i in prange(n_trials):
        lo = offsets[i]
        hi = offsets[i + 1]
        if hi == lo:
            continue
        if in_blocks:
            # replay the block counts from the trial's start; note each defect's block
            cstate = _trial_state(key, first_trial + i)
            j = lo
            for b in range(n_blocks):
                cstate, kb = _block_count(
                    cstate, b, count_mode, bp0, bq, bshape, bchunks, bmean, code, shape,
                    factor, cap,
                )
                for _ in range(kb):
                    sites[j] = b
                    j += 1
                if j == hi:
                    break  # the remaining blocks drew no defect
        state = _place(
            states[i], sites, lo, hi, in_blocks, rows, cols, block_rows, block_cols, pos_mode,
            rad, cum, wflat, wc, wmax, row_class, col_class, rows_tab, cols_tab,
        )
        if with_kinds:
            for j in range(lo, hi):
                state, kd = _kind(state, sites[j], rows, cols, kcum)
                sites[j] = sites[j] * 4 + kd  # sort (site, kind) pairs as one key
            sites[lo:hi].sort()
            for j in range(lo, hi):
                kinds[j] = np.int8(sites[j] & 3)
                sites[j] = sites[j] >> 2
        else:
            sites[lo:hi].sort()
    return sites, kinds
