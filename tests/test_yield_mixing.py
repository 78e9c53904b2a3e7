"""Mixing laws: every registered yield model reproduced by Monte Carlo.

Each classic yield model is a compound Poisson, ``Y = E[exp(-A D0 X)]``; its
law of ``X`` is ``YIELD_MODELS[name].mixing(...)``. The Monte Carlo checks
sample with that law and compare the zero-defect fraction and the mean count
with the closed forms at 99.9%; hypothesis examples are derandomized, so a
run always passes or always fails. The expected means and variances below
are written out independently of :class:`yieldmodels.Mixing`'s properties.
"""

import math

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit
from scipy import integrate, stats

from yieldmodels import ParameterError, sample_defects
from yieldmodels._rng import (
    MIX_EXPONENTIAL,
    MIX_GAMMA,
    MIX_LEVY,
    MIX_NONE,
    MIX_TRIANGULAR,
    MIX_UNIFORM,
    _mixing_draw,
    _poisson_capped,
    _trial_state,
    root_key,
)
from yieldmodels.models import YIELD_MODELS, get_model
from yieldmodels.sampling import Mixing
from yieldmodels.spatial import DefectGrid, RadialProfile, sample_grid_defects

Z999 = 3.2905
N_TRIALS = 20_000
N_MODEL = 40_000  # trials per Monte Carlo example of the model check
LEVY_CAP = 1000  # Seeds' exponential has an infinite mean: counts must be capped


def model_params(name, alpha, layers):
    params = {"negative-binomial": {"alpha": alpha}, "bose-einstein": {"critical_layers": layers}}
    return params.get(name, {})


def law_of(name, alpha=3.0, layers=2):
    cap = LEVY_CAP if name == "seeds-exponential" else None
    return get_model(name).mixing(**model_params(name, alpha, layers), max_defects=cap)


def closed_yield(name, s, alpha, layers):
    """The registered closed form at A * D0 = s (area 100 s mm^2, d0 1 /cm^2)."""
    model = get_model(name)
    return float(model.func(100.0 * s, 1.0, **model_params(name, alpha, layers)))


def moments_of_x(name, alpha, layers):
    """(E[X], Var[X]) of each model's mixing law, by hand."""
    return {
        "poisson": (1.0, 0.0),
        "murphy": (1.0, 1.0 / 6.0),  # U1 + U2: 2 * 1/12
        "rectangular": (1.0, 1.0 / 3.0),  # U(0, 2): 4/12
        "seeds-exponential": (math.inf, math.inf),
        "seeds-hyperbolic": (1.0, 1.0),
        "bose-einstein": (float(layers), float(layers)),  # Gamma(n, 1)
        "negative-binomial": (1.0, 1.0 / alpha),  # Gamma(alpha, 1/alpha)
    }[name]


def scipy_law(name, alpha, layers):
    return {
        "poisson": None,
        "murphy": stats.triang(0.5, loc=0.0, scale=2.0),
        "rectangular": stats.uniform(0.0, 2.0),
        "seeds-exponential": stats.levy(scale=0.5),
        "seeds-hyperbolic": stats.expon(),
        "bose-einstein": stats.gamma(layers),
        "negative-binomial": stats.gamma(alpha, scale=1.0 / alpha),
    }[name]


# ---------------------------------------------------------------- the mathematics


@pytest.mark.parametrize("name", list(YIELD_MODELS))
@pytest.mark.parametrize("s", [0.0, 0.05, 0.814, 5.0, 46.2])
def test_laplace_transform_of_each_law_is_the_models_yield(name, s):
    alpha, layers = 2.5, 3
    y = closed_yield(name, s, alpha, layers)
    law = law_of(name, alpha, layers)
    assert law.zero_defect_probability(s) == pytest.approx(y, rel=1e-12, abs=1e-300)
    dist = scipy_law(name, alpha, layers)
    if dist is None:
        assert y == pytest.approx(math.exp(-s), rel=1e-14)
        return
    # E[exp(-s X)] by quadrature of scipy's density: independent of our formulas
    lo, hi = dist.support()
    f = lambda x: math.exp(-s * x) * dist.pdf(x)  # noqa: E731
    if math.isinf(hi):
        mid = float(dist.ppf(0.5))
        val = integrate.quad(f, lo, mid, limit=200)[0] + integrate.quad(f, mid, hi, limit=200)[0]
    else:
        val = integrate.quad(f, lo, hi, points=[1.0] if hi == 2.0 else None, limit=200)[0]
    assert val == pytest.approx(y, rel=1e-7, abs=1e-12)


@pytest.mark.parametrize("name", list(YIELD_MODELS))
def test_law_moments(name):
    alpha, layers = 4.0, 3
    law = law_of(name, alpha, layers)
    m, v = moments_of_x(name, alpha, layers)
    assert law.mean == pytest.approx(m) and law.variance == pytest.approx(v)
    dist = scipy_law(name, alpha, layers)
    if dist is not None and math.isfinite(m):
        assert dist.mean() == pytest.approx(m) and dist.var() == pytest.approx(v)


# ---------------------------------------------------------------- Monte Carlo vs closed forms


@pytest.mark.parametrize("name", list(YIELD_MODELS))
@settings(max_examples=6, derandomize=True)
@given(
    s=st.floats(0.05, 5.0),
    alpha=st.floats(0.5, 20.0),
    layers=st.integers(1, 5),
    seed=st.integers(0, 2**32),
)
def test_monte_carlo_matches_every_model(name, s, alpha, layers, seed):
    law = law_of(name, alpha, layers)
    counts = sample_defects(N_MODEL, s, 1000, seed, mixing=law).counts
    # die yield: binomial interval around the closed form
    y = closed_yield(name, s, alpha, layers)
    half = Z999 * math.sqrt(y * (1 - y) / N_MODEL) + 0.5 / N_MODEL
    assert abs(np.mean(counts == 0) - y) <= half
    if name == "seeds-exponential":
        # E[X] = inf for the Levy law: the Seeds exponential model implies an
        # infinite mean defect count (and our counts are capped), so only its
        # yield can be checked by Monte Carlo.
        assert counts.max() <= LEVY_CAP
        return
    # mean count: Var K = s E[X] + s^2 Var[X] for a mixed Poisson
    ex, vx = moments_of_x(name, alpha, layers)
    var = s * ex + s * s * vx
    assert abs(counts.mean() - s * ex) <= Z999 * math.sqrt(var / N_MODEL)


@pytest.mark.parametrize("name", list(YIELD_MODELS))
def test_grid_sampler_block_mode_gives_each_block_the_models_yield(name):
    """Block mode: one multiplier per block, so each block alone follows the model."""
    rows, cols, block = 20, 30, (10, 15)  # 2 x 2 equal blocks, mean s / 4 each
    s, alpha, layers = 6.0, 1.5, 2
    law = law_of(name, alpha, layers)
    batch = sample_grid_defects(N_TRIALS, (rows, cols), s, 17, mixing=law, block=block)
    r, c = np.divmod(batch.sites, cols)
    trial = np.repeat(np.arange(batch.n_trials), batch.counts)
    per_block = np.bincount(trial * 4 + (r // 10) * 2 + c // 15, minlength=4 * N_TRIALS)
    per_block = per_block.reshape(N_TRIALS, 4)
    y = closed_yield(name, s / 4, alpha, layers)
    half = Z999 * math.sqrt(y * (1 - y) / N_TRIALS) + 0.5 / N_TRIALS
    for b in range(4):
        assert abs(np.mean(per_block[:, b] == 0) - y) <= half, b
    if name not in ("poisson", "seeds-exponential"):
        # independent blocks: uncorrelated counts (mixing at wafer scale would correlate them)
        rho = np.corrcoef(per_block[:, 0], per_block[:, 3])[0, 1]
        assert abs(rho) <= Z999 / math.sqrt(N_TRIALS)


@pytest.mark.parametrize("name", ["murphy", "seeds-exponential", "bose-einstein"])
def test_grid_sampler_wafer_mode_equals_sample_defects(name):
    law = law_of(name)
    a = sample_defects(3000, 2.5, 12 * 17, 5, mixing=law)
    b = sample_grid_defects(3000, (12, 17), 2.5, 5, mixing=law)
    assert np.array_equal(a.offsets, b.offsets) and np.array_equal(a.sites, b.sites)


# ---------------------------------------------------------------- identities with the old API


@pytest.mark.parametrize("block", [None, (16, 25)])
def test_alpha_is_gamma_mixing_bit_for_bit(block):
    grid = DefectGrid.from_die(60, 70, 215.0, 215.0)
    kw = {"block": block, "positions": RadialProfile(2.0)}
    old = sample_grid_defects(700, grid, 12.0, 77, alpha=0.7, **kw)
    new = sample_grid_defects(700, grid, 12.0, 77, mixing=Mixing.gamma(0.7), **kw)
    law = get_model("negative-binomial").mixing(0.7)
    nb = sample_grid_defects(700, grid, 12.0, 77, mixing=law, **kw)
    for b in (new, nb):
        assert np.array_equal(old.offsets, b.offsets) and np.array_equal(old.sites, b.sites)


def test_poisson_mixing_is_plain_poisson():
    a = sample_defects(2000, 3.0, 500, 9)
    for law in (Mixing.poisson(), get_model("poisson").mixing()):
        b = sample_defects(2000, 3.0, 500, 9, mixing=law)
        assert np.array_equal(a.offsets, b.offsets) and np.array_equal(a.sites, b.sites)
        g = sample_grid_defects(2000, (20, 25), 3.0, 9, mixing=law, block=(5, 5))
        assert np.array_equal(a.offsets, g.offsets) and np.array_equal(a.sites, g.sites)


def test_a_cap_never_reached_changes_nothing():
    # uniform X <= 2, mean 5: every Poisson mean <= 10, far below the cap
    a = sample_defects(3000, 5.0, 100, 4, mixing=Mixing.uniform())
    b = sample_defects(3000, 5.0, 100, 4, mixing=Mixing.uniform(max_defects=10**6))
    assert np.array_equal(a.offsets, b.offsets) and np.array_equal(a.sites, b.sites)


def test_cap_truncates_counts_but_not_the_yield():
    law = Mixing.gamma(0.3, max_defects=3)
    counts = sample_defects(N_TRIALS, 4.0, 50, 8, mixing=law).counts
    assert counts.max() == 3
    y = law.zero_defect_probability(4.0)
    half = Z999 * math.sqrt(y * (1 - y) / N_TRIALS)
    assert abs(np.mean(counts == 0) - y) <= half


# ---------------------------------------------------------------- the variates


@njit
def _draw_mixing(key, n, code, shape, factor):
    out = np.empty(n)
    for i in range(n):
        _, out[i] = _mixing_draw(_trial_state(key, i), code, shape, factor)
    return out


@njit
def _draw_poisson_capped(key, n, lam, cap):
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        _, out[i] = _poisson_capped(_trial_state(key, i), lam, cap)
    return out


VARIATES = {
    "triangular": (MIX_TRIANGULAR, 1.0, 1.5, stats.triang(0.5, loc=0.0, scale=3.0)),
    "uniform": (MIX_UNIFORM, 1.0, 0.5, stats.uniform(0.0, 1.0)),
    "exponential": (MIX_EXPONENTIAL, 1.0, 2.0, stats.expon(scale=2.0)),
    "gamma-nb": (MIX_GAMMA, 0.7, 0.7, stats.gamma(0.7, scale=1 / 0.7)),  # factor = rate
    "gamma-be": (MIX_GAMMA, 4.0, 1.0, stats.gamma(4.0)),
    "levy": (MIX_LEVY, 1.0, 0.5, stats.levy(scale=0.5)),
}


@pytest.mark.parametrize("kind", VARIATES)
def test_variates_match_scipy(kind):
    code, shape, factor, dist = VARIATES[kind]
    n = 40_000
    x = _draw_mixing(root_key(len(kind)), n, code, shape, factor)
    assert np.all(x >= 0)
    assert stats.kstest(x, dist.cdf).pvalue > 1e-3
    if kind == "levy":
        # no mean: check the median, whose sample estimate is asymptotically normal
        med = dist.median()
        sd = math.sqrt(0.25 / n) / dist.pdf(med)
        assert abs(np.median(x) - med) <= Z999 * sd
        return
    m, v = dist.mean(), dist.var()
    assert abs(x.mean() - m) <= Z999 * math.sqrt(v / n)
    mu4 = dist.moment(4) - 4 * m * dist.moment(3) + 6 * m**2 * dist.moment(2) - 3 * m**4
    assert abs(x.var() - v) <= Z999 * math.sqrt((mu4 - v * v) / n) * 1.5


def test_mixing_none_draws_nothing():
    state = _trial_state(root_key(1), 0)
    s2, x = _mixing_draw(state, MIX_NONE, 1.0, 1.0)
    assert s2 == state and x == 1.0


@pytest.mark.parametrize(("lam", "cap"), [(3.0, 10**9), (1200.0, 10**9), (1200.0, 1100)])
def test_capped_poisson(lam, cap):
    k = _draw_poisson_capped(root_key(2), 20_000, lam, cap)
    dist = stats.poisson(lam)
    if cap > 10**6:
        assert abs(k.mean() - lam) <= Z999 * math.sqrt(lam / k.size)
        assert abs(np.mean(k <= lam) - dist.cdf(lam)) <= Z999 * 0.5 / math.sqrt(k.size)
    else:
        p = dist.sf(cap - 1)  # P(K >= cap): these draws are exactly cap
        assert k.max() == cap
        assert abs(np.mean(k == cap) - p) <= Z999 * math.sqrt(p * (1 - p) / k.size) + 1e-4


@pytest.mark.parametrize("lam", [math.inf, 1e300, 1e12])
def test_capped_poisson_huge_means_stop_at_the_cap(lam):
    assert np.all(_draw_poisson_capped(root_key(3), 50, lam, 700) == 700)


def test_capped_poisson_degenerate_means():
    for lam in (0.0, -1.0, math.nan):
        assert _poisson_capped(np.uint64(5), lam, 10)[1] == 0


# ---------------------------------------------------------------- reproducibility

MIX_MODES = {
    "murphy-wafer": (law_of("murphy"), None),
    "levy-wafer": (law_of("seeds-exponential"), None),
    "exponential-block": (law_of("seeds-hyperbolic"), (16, 25)),
    "be-block": (law_of("bose-einstein", layers=3), (16, 25)),
    "rectangular-block-capped": (Mixing.uniform(max_defects=2), (16, 25)),
}
GRID = DefectGrid.from_die(60, 70, 215.0, 215.0)


def _same(a, b):
    return np.array_equal(a.offsets, b.offsets) and np.array_equal(a.sites, b.sites)


@pytest.mark.parametrize("mode", MIX_MODES)
def test_chunk_and_thread_invariance(mode):
    law, block = MIX_MODES[mode]
    kw = {"mixing": law, "block": block, "positions": RadialProfile(2.0)}
    whole = sample_grid_defects(600, GRID, 8.0, 31, **kw)
    parts = [sample_grid_defects(size, GRID, 8.0, 31, first_trial=first, **kw)
             for first, size in [(0, 1), (1, 349), (350, 250)]]
    assert np.array_equal(np.concatenate([p.counts for p in parts]), whole.counts)
    assert np.array_equal(np.concatenate([p.sites for p in parts]), whole.sites)
    flat = sample_defects(600, 8.0, 1000, 31, mixing=law)
    flat_parts = [sample_defects(300, 8.0, 1000, 31, mixing=law, first_trial=f) for f in (0, 300)]
    assert np.array_equal(np.concatenate([p.sites for p in flat_parts]), flat.sites)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = sample_grid_defects(600, GRID, 8.0, 31, **kw)
        one_flat = sample_defects(600, 8.0, 1000, 31, mixing=law)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = sample_grid_defects(600, GRID, 8.0, 31, **kw)
        two_flat = sample_defects(600, 8.0, 1000, 31, mixing=law)
    finally:
        numba.set_num_threads(before)
    assert _same(one, whole) and _same(two, whole)
    assert _same(one_flat, flat) and _same(two_flat, flat)
    assert not _same(sample_grid_defects(600, GRID, 8.0, 32, **kw), whole)


# ---------------------------------------------------------------- bad parameters


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: Mixing("gama", shape=1.0), "kind"),
        (lambda: Mixing(3), "kind"),
        (lambda: Mixing("gamma"), "shape"),
        (lambda: Mixing.gamma(0.0), "shape"),
        (lambda: Mixing.gamma(float("nan")), "shape"),
        (lambda: Mixing("uniform", shape=2.0), "shape"),
        (lambda: Mixing.uniform(0.0), "scale"),
        (lambda: Mixing.triangular(-1.0), "scale"),
        (lambda: Mixing.exponential(float("inf")), "scale"),
        (lambda: Mixing.gamma(2.0, mean=0.0), "scale"),
        (lambda: Mixing.levy(), "max_defects"),
        (lambda: Mixing.uniform(max_defects=0), "max_defects"),
        (lambda: Mixing.uniform(max_defects=2.5), "max_defects"),
        (lambda: get_model("seeds-exponential").mixing(), "max_defects"),
        (lambda: get_model("negative-binomial").mixing(alpha=0.0), "alpha"),
        (lambda: get_model("negative-binomial").mixing(alpha="3"), "alpha"),
        (lambda: get_model("bose-einstein").mixing(critical_layers=0), "critical_layers"),
        (lambda: get_model("bose-einstein").mixing(critical_layers=1.5), "critical_layers"),
        (lambda: Mixing.triangular().zero_defect_probability(-1.0), "mean_defects"),
        (lambda: sample_defects(10, 1.0, 10, 0, mixing="murphy"), "mixing"),
        (lambda: sample_grid_defects(10, (4, 4), 1.0, 0, mixing=3.0), "mixing"),
        (lambda: sample_grid_defects(10, (4, 4), 1.0, 0, alpha=2.0, mixing=Mixing.gamma(2.0)),
         "alpha or mixing"),
    ],
)
def test_bad_parameters_are_named(make, name):
    with pytest.raises(ParameterError, match=name):
        make()


def test_unknown_kind_suggests():
    with pytest.raises(ParameterError, match="did you mean 'gamma'"):
        Mixing("gama", shape=1.0)


def test_mixing_is_a_hashable_value():
    assert Mixing.gamma(2.0) == Mixing("gamma", shape=2.0, scale=1.0)
    assert hash(Mixing.triangular()) == hash(get_model("murphy").mixing())
    assert get_model("bose-einstein").mixing(3) == Mixing.gamma(3.0, mean=3.0)
