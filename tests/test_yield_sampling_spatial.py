"""Grid defect sampler: clustering statistics, spatial profiles, kinds, reproducibility.

Statistical checks use 99.9% intervals on fixed seeds (hypothesis examples are
derandomized), so a run either always passes or always fails. Expected
distributions are computed by brute force over every site, independently of
the sampler's tables.
"""

import math
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import numba
import numpy as np
import pytest
from scipy import stats
from hypothesis import given, settings
from hypothesis import strategies as st

from yieldmodels import DefectBatch, ParameterError, sample_defects
from yieldmodels.spatial import (
    UNIFORM,
    DefectGrid,
    DefectKinds,
    RadialProfile,
    ReticlePattern,
    sample_grid_defects,
)


Z999 = 3.2905
N_TRIALS = 20_000


def nb_zero(mean, alpha):
    return (1.0 + mean / alpha) ** -alpha


def chi2_ok(observed, expected_prob, min_expected=5.0):
    """Chi-square goodness of fit at 99.9%, pooling cells with tiny expectations."""
    observed = np.asarray(observed, dtype=float)
    expected = np.asarray(expected_prob, dtype=float) * observed.sum()
    assert np.all(observed[expected == 0] == 0), "a zero-probability cell was hit"
    keep = expected >= min_expected
    obs = np.append(observed[keep], observed[~keep].sum())
    exp = np.append(expected[keep], expected[~keep].sum())
    obs, exp = obs[exp > 0], exp[exp > 0]
    if obs.size < 2:
        return True, 0.0  # one cell: nothing to test
    chi2 = ((obs - exp) ** 2 / exp).sum()
    return chi2 < stats.chi2.ppf(0.999, obs.size - 1), chi2


def block_ids(sites, cols, block):
    r, c = np.divmod(sites, cols)
    blocks_per_row = -(-cols // block[1])
    return (r // block[0]) * blocks_per_row + c // block[1]


def per_trial_block_counts(batch, cols, n_blocks, block):
    trial = np.repeat(np.arange(batch.n_trials), batch.counts)
    b = block_ids(batch.sites, cols, block)
    return np.bincount(trial * n_blocks + b, minlength=batch.n_trials * n_blocks).reshape(
        batch.n_trials, n_blocks
    )


def radial_site_density(grid, profile):
    x, y = grid.site_centres_mm(np.arange(grid.n_sites))
    return profile.density(np.hypot(x, y))


def reticle_site_cells(grid, pattern):
    """Brute force: each site's cell weight, cell (i * m_cols + j) and reticle tile."""
    w = pattern.weight_array
    r, c = np.divmod(np.arange(grid.n_sites), grid.cols)
    lr, lc = r % pattern.reticle_rows, c % pattern.reticle_cols
    # cell row i holds local rows [floor(i R / m), floor((i + 1) R / m))
    i = np.array([max(k for k in range(w.shape[0]) if k * pattern.reticle_rows // w.shape[0] <= x)
                  for x in range(pattern.reticle_rows)])[lr]
    j = np.array([max(k for k in range(w.shape[1]) if k * pattern.reticle_cols // w.shape[1] <= x)
                  for x in range(pattern.reticle_cols)])[lc]
    tiles_per_row = -(-grid.cols // pattern.reticle_cols)
    tile = (r // pattern.reticle_rows) * tiles_per_row + c // pattern.reticle_cols
    return w[i, j], i * w.shape[1] + j, tile


def reticle_site_weight(grid, pattern):
    return reticle_site_cells(grid, pattern)[0]


def radial_rings(grid, prob, n_rings=12):
    """Ring of each site: rings of sites by radius, with equal expected mass."""
    x, y = grid.site_centres_mm(np.arange(grid.n_sites))
    order = np.argsort(np.hypot(x, y), kind="stable")
    ring = np.empty(grid.n_sites, dtype=np.int64)
    ring[order] = np.minimum((np.cumsum(prob[order]) * n_rings).astype(np.int64), n_rings - 1)
    return ring


def grouped_chi2_ok(hits, prob, groups):
    """Chi-square of the hits aggregated by group (far more power than site by site)."""
    n = groups.max() + 1
    return chi2_ok(np.bincount(groups, hits, n), np.bincount(groups, prob, n))


# ---------------------------------------------------------------- counts


# derandomize: a fixed set of examples, so 99.9% intervals cannot flake.
@settings(max_examples=12, derandomize=True)
@given(
    mean=st.floats(0.05, 30.0),
    alpha=st.floats(0.2, 20.0),
    wafer_scale=st.booleans(),
    seed=st.integers(0, 2**32),
)
def test_clustered_counts_match_negative_binomial(mean, alpha, wafer_scale, seed):
    grid = (7, 9)
    block = None if wafer_scale else (7, 9)  # exactly one block
    counts = sample_grid_defects(N_TRIALS, grid, mean, seed, alpha=alpha, block=block).counts
    var = mean + mean**2 / alpha
    p0 = nb_zero(mean, alpha)
    half = Z999 * math.sqrt(p0 * (1 - p0) / N_TRIALS) + 0.5 / N_TRIALS
    assert abs(np.mean(counts == 0) - p0) <= half
    assert abs(counts.mean() - mean) <= Z999 * math.sqrt(var / N_TRIALS)
    # Var(s^2) ~ (kappa4 + 2 var^2) / n with the NB's fourth cumulant kappa4; the
    # sample variance of a heavy-tailed count is skewed, hence 6 sd, not 3.29
    r, pr = alpha, alpha / (alpha + mean)
    k4 = r * (1 - pr) * (pr**2 - 6 * pr + 6) / pr**4
    sd_var = math.sqrt((k4 + 2 * var**2) / N_TRIALS)
    assert abs(counts.var() - var) <= 6 * sd_var


def test_wafer_scale_count_distribution_chi_square():
    mean, alpha = 46.2, 2.0
    counts = sample_grid_defects(N_TRIALS, (980, 984), mean, 11, alpha=alpha).counts
    dist = stats.nbinom(alpha, alpha / (alpha + mean))
    edges = np.concatenate([[-1], np.unique(dist.ppf(np.linspace(0, 1, 16)[1:-1])), [np.inf]])
    observed = np.histogram(counts, bins=edges + 0.5)[0]
    ok, chi2 = chi2_ok(observed, np.diff(dist.cdf(edges)))
    assert ok, chi2


def test_block_scale_per_block_yield_and_wafer_variance():
    rows, cols, block = 30, 40, (10, 15)  # 3 x 3 blocks, the last column of blocks 10 wide
    mean, alpha = 9.0, 1.5
    batch = sample_grid_defects(N_TRIALS, (rows, cols), mean, 5, alpha=alpha, block=block)
    per_block = per_trial_block_counts(batch, cols, 9, block)
    sizes = np.array([[10 * 15, 10 * 15, 10 * 10]] * 3).ravel()
    m_b = mean * sizes / (rows * cols)
    for b in range(9):
        p0 = nb_zero(m_b[b], alpha)
        half = Z999 * math.sqrt(p0 * (1 - p0) / N_TRIALS) + 0.5 / N_TRIALS
        assert abs(np.mean(per_block[:, b] == 0) - p0) <= half
        var_b = m_b[b] + m_b[b] ** 2 / alpha
        assert abs(per_block[:, b].mean() - m_b[b]) <= Z999 * math.sqrt(var_b / N_TRIALS)
    # blocks are independent: whole-grid variance mean + sum m_b^2 / alpha
    var = mean + (m_b**2).sum() / alpha
    counts = batch.counts
    assert abs(counts.var() - var) <= 5 * var * math.sqrt(2 / N_TRIALS) * 2
    corr = np.corrcoef(per_block[:, 0], per_block[:, 4])[0, 1]
    assert abs(corr) <= Z999 / math.sqrt(N_TRIALS)
    wafer = sample_grid_defects(N_TRIALS, (rows, cols), mean, 5, alpha=alpha).counts
    assert wafer.var() > 3 * counts.var()  # 63 vs 15: the scales differ


def test_alpha_none_ignores_block_and_is_poisson():
    a = sample_grid_defects(500, (30, 40), 6.0, 3, block=(10, 10))
    b = sample_grid_defects(500, (30, 40), 6.0, 3)
    c = sample_defects(500, 6.0, 1200, 3)
    assert np.array_equal(a.sites, b.sites) and np.array_equal(a.sites, c.sites)
    assert np.array_equal(a.offsets, c.offsets)


@settings(max_examples=10, derandomize=True)
@given(rows=st.integers(1, 60), cols=st.integers(1, 60), mean=st.floats(0.0, 20.0),
       seed=st.integers(0, 2**64 - 1))
def test_poisson_uniform_equals_sample_defects(rows, cols, mean, seed):
    a = sample_grid_defects(300, (rows, cols), mean, seed, first_trial=17)
    b = sample_defects(300, mean, rows * cols, seed, first_trial=17)
    assert np.array_equal(a.offsets, b.offsets) and np.array_equal(a.sites, b.sites)
    assert a.kinds is None


# ---------------------------------------------------------------- positions


@pytest.mark.parametrize("clustering", [{}, {"alpha": 1.0}, {"alpha": 1.0, "block": (4, 3)}])
def test_uniform_positions(clustering):
    grid = (6, 7)
    batch = sample_grid_defects(4000, grid, 5.0, 21, **clustering)
    ok, chi2 = chi2_ok(np.bincount(batch.sites, minlength=42), np.full(42, 1 / 42))
    assert ok, chi2


RADIAL_CASES = [
    (DefectGrid.from_die(40, 40, 215.0, 215.0), RadialProfile(3.0)),
    (DefectGrid.from_die(40, 50, 215.0, 180.0, centre_x_mm=20.0), RadialProfile(5.0, power=6.0)),
    (DefectGrid.from_die(30, 30, 280.0, 280.0), RadialProfile(-0.9, power=1.0)),
    (DefectGrid.from_die(20, 20, 300.0, 300.0), RadialProfile(-1.0)),  # corners: density 0
]


@pytest.mark.parametrize(("grid", "profile"), RADIAL_CASES)
def test_radial_positions_follow_profile(grid, profile):
    mean = 8.0
    batch = sample_grid_defects(10_000, grid, mean, 4, positions=profile)
    dens = radial_site_density(grid, profile)
    prob = dens / dens.sum()
    hits = np.bincount(batch.sites, minlength=grid.n_sites)
    assert np.all(hits[dens == 0] == 0)
    ok, chi2 = grouped_chi2_ok(hits, prob, radial_rings(grid, prob))
    assert ok, chi2
    ok, chi2 = chi2_ok(hits, prob)  # and site by site
    assert ok, chi2
    # the profile redistributes: the mean count is unchanged
    assert abs(batch.counts.mean() - mean) <= Z999 * math.sqrt(mean / batch.n_trials)


RETICLE = ReticlePattern(12, 16, [[3.0, 1.0, 0.0, 2.0], [1.0, 0.5, 1.0, 1.0], [4.0, 1.0, 1.0, 6.0]])


@pytest.mark.parametrize(
    "grid",
    [DefectGrid(50, 70), DefectGrid(24, 32), DefectGrid(7, 9)],  # partial, whole, sub-reticle
)
def test_reticle_positions_follow_pattern(grid):
    batch = sample_grid_defects(8000, grid, 6.0, 8, positions=RETICLE)
    w, cell, tile = reticle_site_cells(grid, RETICLE)
    hits = np.bincount(batch.sites, minlength=grid.n_sites)
    prob = w / w.sum()
    for groups in (cell, tile, np.arange(grid.n_sites)):  # by cell, by reticle, by site
        ok, chi2 = grouped_chi2_ok(hits, prob, groups)
        assert ok, chi2


def test_reticle_cell_frequencies_wse_like():
    grid = DefectGrid(980, 984)
    pattern = ReticlePattern.edge_weighted(140, 82, edge_weight=3.0, cells=5)
    batch = sample_grid_defects(3000, grid, 46.2, 9, positions=pattern)
    w = reticle_site_weight(grid, pattern)
    cell = (w == 3.0).astype(np.int64)  # two classes: border ring, interior
    expected = np.bincount(cell, w, 2) / w.sum()
    observed = np.bincount(cell[batch.sites], minlength=2)
    ok, chi2 = chi2_ok(observed, expected)
    assert ok, chi2


@pytest.mark.parametrize(
    "positions",
    [RadialProfile(4.0, power=3.0), RETICLE],
    ids=["radial", "reticle"],
)
def test_block_mode_with_spatial_density(positions):
    grid = DefectGrid.from_die(36, 48, 215.0, 215.0)
    block, alpha, mean = (12, 20), 2.0, 10.0  # 3 x 3 blocks, partial last column
    batch = sample_grid_defects(N_TRIALS, grid, mean, 12, alpha=alpha, block=block,
                                positions=positions)
    dens = (radial_site_density(grid, positions) if isinstance(positions, RadialProfile)
            else reticle_site_weight(grid, positions))
    b_of_site = block_ids(np.arange(grid.n_sites), grid.cols, block)
    m_b = mean * np.bincount(b_of_site, dens, 9) / dens.sum()
    per_block = per_trial_block_counts(batch, grid.cols, 9, block)
    for b in range(9):
        p0 = nb_zero(m_b[b], alpha)
        half = Z999 * math.sqrt(p0 * (1 - p0) / N_TRIALS) + 0.5 / N_TRIALS
        assert abs(np.mean(per_block[:, b] == 0) - p0) <= half, b
    hits = np.bincount(batch.sites, minlength=grid.n_sites)
    prob = dens / dens.sum()
    within = (radial_rings(grid, prob, 6) if isinstance(positions, RadialProfile)
              else reticle_site_cells(grid, positions)[1])
    ok, chi2 = grouped_chi2_ok(hits, prob, b_of_site * (within.max() + 1) + within)
    assert ok, chi2
    ok, chi2 = chi2_ok(hits, prob)
    assert ok, chi2


# ---------------------------------------------------------------- kinds


def expected_kind_probabilities(rows, cols, kinds):
    pc, pr, pl = kinds.probabilities
    r, c = np.divmod(np.arange(rows * cols), cols)
    east, south = c < cols - 1, r < rows - 1
    p = np.zeros(4)
    p[0] = pc
    p[1] = pr + pl * np.mean(~east & ~south)
    p[2] = pl * np.mean(east & south) / 2 + pl * np.mean(east & ~south)
    p[3] = pl * np.mean(east & south) / 2 + pl * np.mean(~east & south)
    return p


@pytest.mark.parametrize(
    ("shape", "weights", "extra"),
    [
        ((8, 9), (3.0, 1.0, 2.0), {}),
        ((1, 5), (0.0, 1.0, 4.0), {"alpha": 0.7}),
        ((6, 1), (2.0, 0.0, 1.0), {"alpha": 0.7, "block": (2, 1)}),
        ((1, 1), (1.0, 1.0, 1.0), {}),
        ((5, 5), (1.0, 0.0, 0.0), {"positions": ReticlePattern(2, 2, [[1.0, 2.0], [3.0, 4.0]])}),
    ],
)
def test_kind_frequencies(shape, weights, extra):
    kinds = DefectKinds(*weights)
    batch = sample_grid_defects(6000, shape, 5.0, 31, kinds=kinds, **extra)
    assert batch.kinds.dtype == np.int8 and batch.kinds.shape == batch.sites.shape
    rows, cols = shape
    if "positions" in extra:  # core weight only: every defect kills its core
        assert np.all(batch.kinds == 0)
    else:
        ok, chi2 = chi2_ok(np.bincount(batch.kinds, minlength=4),
                           expected_kind_probabilities(rows, cols, kinds))
        assert ok, chi2
    r, c = np.divmod(batch.sites, cols)
    assert not np.any((batch.kinds == 2) & (c == cols - 1))
    assert not np.any((batch.kinds == 3) & (r == rows - 1))
    # sorted by (site, kind) within each trial; sites as without kinds
    key = batch.sites * 4 + batch.kinds
    for t in range(0, batch.n_trials, 97):
        seg = key[batch.offsets[t] : batch.offsets[t + 1]]
        assert np.all(seg[:-1] <= seg[1:])
        lo, hi = batch.offsets[t], batch.offsets[t + 1]
        assert np.array_equal(batch.trial_kinds(t), batch.kinds[lo:hi])
    plain = sample_grid_defects(6000, shape, 5.0, 31, **extra)
    assert np.array_equal(plain.sites, batch.sites) and np.array_equal(plain.offsets, batch.offsets)


# ---------------------------------------------------------------- reproducibility

GRID = DefectGrid.from_die(60, 70, 215.0, 215.0)
MODES = {
    "poisson": {},
    "wafer": {"alpha": 0.5},
    "block": {"alpha": 0.5, "block": (16, 25)},
    "radial": {"positions": RadialProfile(3.0)},
    "reticle": {"positions": ReticlePattern.edge_weighted(14, 12, edge_weight=4.0)},
    "block-radial-kinds": {"alpha": 2.0, "block": (20, 20), "positions": RadialProfile(2.0),
                           "kinds": DefectKinds(1.0, 1.0, 1.0)},
    "block-reticle-kinds": {"alpha": 2.0, "block": (20, 20), "positions": RETICLE,
                            "kinds": DefectKinds(2.0, 0.0, 1.0)},
}


def same(a, b):
    return (np.array_equal(a.offsets, b.offsets) and np.array_equal(a.sites, b.sites)
            and ((a.kinds is None and b.kinds is None) or np.array_equal(a.kinds, b.kinds)))


def concat(parts):
    offsets = np.concatenate([[0]] + [p.offsets[1:] + s for p, s in
                                      zip(parts, np.cumsum([0] + [p.sites.size for p in parts]))])
    kinds = None if parts[0].kinds is None else np.concatenate([p.kinds for p in parts])
    return DefectBatch(offsets, np.concatenate([p.sites for p in parts]), kinds)


@pytest.mark.parametrize("mode", MODES)
def test_chunk_and_thread_invariance(mode):
    kw = MODES[mode]
    whole = sample_grid_defects(900, GRID, 12.0, 77, **kw)
    parts = [sample_grid_defects(size, GRID, 12.0, 77, first_trial=first, **kw)
             for first, size in [(0, 1), (1, 299), (300, 450), (750, 150)]]
    assert same(concat(parts), whole)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = sample_grid_defects(900, GRID, 12.0, 77, **kw)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = sample_grid_defects(900, GRID, 12.0, 77, **kw)
    finally:
        numba.set_num_threads(before)
    assert same(one, whole) and same(two, whole)
    again = sample_grid_defects(900, GRID, 12.0, np.random.SeedSequence(77), **kw)
    other = sample_grid_defects(900, GRID, 12.0, 78, **kw)
    assert same(again, whole) and not same(other, whole)


def _worker(args):
    first, size = args
    kw = MODES["block-radial-kinds"]
    b = sample_grid_defects(size, GRID, 12.0, 77, first_trial=first, **kw)
    return b.offsets.copy(), b.sites.copy(), b.kinds.copy()


def test_worker_processes_give_the_same_trials():
    whole = sample_grid_defects(400, GRID, 12.0, 77, **MODES["block-radial-kinds"])
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        parts = [DefectBatch(*r) for r in pool.map(_worker, [(0, 150), (150, 250)])]
    assert same(concat(parts), whole)


@settings(max_examples=30, derandomize=True)
@given(
    n_trials=st.integers(0, 60),
    rows=st.integers(1, 40),
    cols=st.integers(1, 40),
    mean=st.floats(0.0, 25.0),
    alpha=st.none() | st.floats(0.05, 50.0),
    block=st.none() | st.tuples(st.integers(1, 50), st.integers(1, 50)),
    positions=st.sampled_from(["uniform", "radial", "reticle"]),
    with_kinds=st.booleans(),
    seed=st.integers(0, 2**64 - 1),
)
def test_layout_invariants(n_trials, rows, cols, mean, alpha, block, positions, with_kinds, seed):
    grid = DefectGrid.from_die(rows, cols, 200.0, 150.0, centre_x_mm=10.0)
    pos = {"uniform": UNIFORM, "radial": RadialProfile(2.0, power=3.0),
           "reticle": ReticlePattern(5, 4, [[1.0, 0.0], [2.0, 1.0]])}[positions]
    kinds = DefectKinds(1.0, 1.0, 1.0) if with_kinds else None
    batch = sample_grid_defects(n_trials, grid, mean, seed, alpha=alpha, block=block,
                                positions=pos, kinds=kinds)
    assert batch.n_trials == n_trials and batch.offsets[-1] == batch.sites.size
    if batch.sites.size:
        assert batch.sites.min() >= 0 and batch.sites.max() < rows * cols
    for t in range(n_trials):
        s = batch.trial(t)
        assert np.all(s[:-1] <= s[1:])
    assert (batch.kinds is not None) == with_kinds
    if with_kinds and batch.sites.size:
        assert batch.kinds.min() >= 0 and batch.kinds.max() <= 3
    if positions == "reticle" and batch.sites.size:
        r, c = np.divmod(batch.sites, cols)
        assert not np.any(((r % 5) < 2) & ((c % 4) >= 2))  # the zero-weight cell


# ---------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"alpha": 0.0}, "alpha"),
        ({"alpha": -1.0}, "alpha"),
        ({"alpha": float("nan")}, "alpha"),
        ({"alpha": float("inf")}, "alpha"),
        ({"alpha": "2"}, "alpha"),
        ({"alpha": 1.0, "block": (0, 3)}, "block"),
        ({"alpha": 1.0, "block": (3, -1)}, "block"),
        ({"alpha": 1.0, "block": 5}, "block"),
        ({"alpha": 1.0, "block": (2.5, 3)}, "block"),
        ({"positions": "uniformm"}, "did you mean 'uniform'"),
        ({"positions": "radial"}, "positions"),
        ({"positions": 3}, "positions"),
        ({"positions": RadialProfile(1.0)}, "row_pitch_mm"),  # grid without pitches
        ({"kinds": (1, 1, 1)}, "kinds"),
        ({"mean_defects": -1.0}, "mean_defects"),
        ({"mean_defects": float("nan")}, "mean_defects"),
        ({"n_trials": -1}, "n_trials"),
        ({"first_trial": -1}, "first_trial"),
        ({"grid": (0, 5)}, "rows"),
        ({"grid": (5, 0)}, "cols"),
        ({"grid": [5, 5]}, "grid"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_sampler_arguments(kwargs, name):
    args = {"n_trials": 5, "grid": (5, 5), "mean_defects": 1.0, "seed": 0}
    args.update(kwargs)
    with pytest.raises(ParameterError, match=name):
        sample_grid_defects(**args)


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: RadialProfile(-1.01), "edge_excess"),
        (lambda: RadialProfile(float("nan")), "edge_excess"),
        (lambda: RadialProfile(1.0, power=0.0), "power"),
        (lambda: RadialProfile(1.0, wafer_radius_mm=-5.0), "wafer_radius_mm"),
        (lambda: ReticlePattern(4, 4, [[1.0, -1.0]]), "weights"),
        (lambda: ReticlePattern(4, 4, [[0.0, 0.0]]), "weights"),
        (lambda: ReticlePattern(4, 4, [[1.0, float("nan")]]), "weights"),
        (lambda: ReticlePattern(4, 4, [1.0, 2.0]), "weights"),
        (lambda: ReticlePattern(1, 4, [[1.0], [2.0]]), "weights"),
        (lambda: ReticlePattern(0, 4, [[1.0]]), "reticle_rows"),
        (lambda: ReticlePattern(4, 4, "ab"), "weights"),
        (lambda: ReticlePattern.edge_weighted(4, 4, edge_weight=-1.0), "edge_weight"),
        (lambda: DefectKinds(-1.0, 1.0, 1.0), "kinds.core"),
        (lambda: DefectKinds(1.0, float("nan"), 1.0), "kinds.router"),
        (lambda: DefectKinds(0.0, 0.0, 0.0), "kinds"),
        (lambda: DefectGrid(3, 3, row_pitch_mm=0.0), "row_pitch_mm"),
        (lambda: DefectGrid(3, 3, centre_x_mm=float("inf")), "centre_x_mm"),
        (lambda: DefectGrid.from_die(3, 3, -1.0, 1.0), "width_mm"),
        (lambda: DefectBatch(np.array([0, 1]), np.array([3]), np.array([4])), "kinds"),
        (lambda: DefectBatch(np.array([0, 1]), np.array([3]), np.array([0, 1])), "kinds"),
    ],
)
def test_bad_configuration(make, name):
    with pytest.raises(ParameterError, match=name):
        make()


def test_densities_zero_on_every_site_are_rejected():
    grid = DefectGrid.from_die(4, 4, 300.0, 300.0, centre_x_mm=400.0)  # beyond the wafer
    with pytest.raises(ParameterError, match="positions"):
        sample_grid_defects(3, grid, 1.0, 0, positions=RadialProfile(-1.0))
    with pytest.raises(ParameterError, match="positions"):
        sample_grid_defects(3, grid, 1.0, 0, alpha=1.0, block=(2, 2), positions=RadialProfile(-1.0))
    # the only positive cell lies outside a grid smaller than one reticle
    pattern = ReticlePattern(10, 10, [[0.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ParameterError, match="positions"):
        sample_grid_defects(3, (4, 4), 1.0, 0, positions=pattern)


def test_batch_kinds_api():
    b = DefectBatch(np.array([0, 2, 3]), np.array([1, 4, 2]), np.array([0, 3, 1]))
    assert b.kinds.dtype == np.int8 and b.trial_kinds(0).tolist() == [0, 3]
    with pytest.raises(ValueError):
        b.kinds[0] = 1
    with pytest.raises(ParameterError, match="kinds"):
        DefectBatch(np.array([0, 1]), np.array([3])).trial_kinds(0)
    assert DefectBatch(np.array([0, 1]), np.array([3])).kinds is None


def test_configs_are_hashable_values():
    a = ReticlePattern(4, 4, np.array([[1.0, 2.0]]))
    assert a == ReticlePattern(4, 4, [[1, 2]]) and hash(a) == hash(ReticlePattern(4, 4, [[1, 2]]))
    assert DefectGrid(3, 4) == DefectGrid(3, 4)
    assert RadialProfile(1.0).density(150.0) == 2.0
