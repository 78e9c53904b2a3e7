"""K-of-N redundancy yield against plain-Python oracles and Monte Carlo."""

import math

import numpy as np
import pytest

from yieldmodels import ParameterError, sample_defects
from yieldmodels.closed_form import negative_binomial_yield, poisson_yield
from yieldmodels.redundancy import k_of_n_yield

# WSE-3-like: 970,000 physical cores, 900,000 enabled, 46,225 mm^2.
WSE_N, WSE_K, WSE_UNIT = 970_000, 900_000, 46225.0 / 970_000
# H100-like: 814 mm^2, 144 SMs (90% of the area) of which 132 are needed.
H_N, H_K, H_UNIT, H_SHARED = 144, 132, 814.0 * 0.9 / 144, 814.0 * 0.1


# --------------------------------------------------------------------------
# Oracles, in plain Python (math only).
# --------------------------------------------------------------------------


def poisson_oracle(n, k, unit_area, d0, shared=0.0):
    """sum_{j >= k} C(n, j) y^j (1 - y)^(n - j) * exp(-A_s D0), term by term."""
    y = math.exp(-unit_area / 100 * d0)
    tail = math.fsum(math.comb(n, j) * y**j * (1 - y) ** (n - j) for j in range(k, n + 1))
    return tail * math.exp(-shared / 100 * d0)


def log_binom_cdf(r, n, q):
    """log P(Bin(n, q) <= r) for small r, from log-pmf terms (works for n ~ 1e6)."""
    if q == 0.0:
        return 0.0
    lq, l1q = math.log(q), math.log1p(-q)
    # log C(n, j) summed term by term: lgamma(n + 1) ~ 1.2e7 would lose ~1e-9.
    log_comb = [0.0]
    for j in range(1, r + 1):
        log_comb.append(log_comb[-1] + math.log((n - j + 1) / j))
    terms = [log_comb[j] + j * lq + (n - j) * l1q for j in range(r + 1)]
    top = max(terms)
    return top + math.log(math.fsum(math.exp(t - top) for t in terms))


def clustered_exact(n, k, unit_area, d0, alpha, shared=0.0):
    """Exact expansion for small n, using E[exp(-s G)] = (1 + s/alpha)^-alpha.

    P(dead <= r | G) = sum_{j<=r} C(n,j) q^j (1-q)^(n-j), q = 1 - e^{-m G};
    expanding q^j = sum_i C(j,i) (-1)^i e^{-i m G} leaves exponentials in G.
    """
    m, ms = unit_area / 100 * d0, shared / 100 * d0
    terms = []
    for j in range(n - k + 1):
        for i in range(j + 1):
            s = ms + (n - j + i) * m
            terms.append(math.comb(n, j) * math.comb(j, i) * (-1) ** i * (1 + s / alpha) ** -alpha)
    return math.fsum(terms)


def clustered_simpson(n, k, unit_area, d0, alpha, shared=0.0, g_max=40.0, steps=20000):
    """Composite Simpson over the gamma(alpha, 1/alpha) density (alpha >= 2: pdf(0) = 0)."""
    m, ms = unit_area / 100 * d0, shared / 100 * d0
    r = n - k
    log_norm = alpha * math.log(alpha) - math.lgamma(alpha)

    def f(g):
        if g == 0.0:
            return 0.0
        q = -math.expm1(-m * g)
        return math.exp(
            log_norm + (alpha - 1) * math.log(g) - alpha * g - ms * g + log_binom_cdf(r, n, q)
        )

    h = g_max / steps
    total = f(0.0) + f(g_max)
    total += 4 * math.fsum(f((2 * i - 1) * h) for i in range(1, steps // 2 + 1))
    total += 2 * math.fsum(f(2 * i * h) for i in range(1, steps // 2))
    return total * h / 3


# --------------------------------------------------------------------------
# Poisson (alpha=None)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "k", "unit", "d0", "shared"),
    [
        (1, 1, 50.0, 0.1, 0.0),
        (10, 8, 20.0, 0.3, 0.0),
        (10, 1, 20.0, 5.0, 0.0),
        (30, 25, 5.0, 0.5, 40.0),
        (H_N, H_K, H_UNIT, 0.1, H_SHARED),
        (H_N, H_K, H_UNIT, 2.0, H_SHARED),
        (H_N, 100, H_UNIT, 3.0, 0.0),
    ],
)
def test_poisson_against_direct_sum(n, k, unit, d0, shared):
    got = k_of_n_yield(n, k, unit, d0, shared_area_mm2=shared)
    assert type(got) is float
    assert math.isclose(got, poisson_oracle(n, k, unit, d0, shared), rel_tol=1e-10)


@pytest.mark.parametrize("r", [0, 1, 10, 30, 60])
def test_poisson_wse_scale_against_log_terms(r):
    # ~46 expected dead cores; the tail P(dead <= r) spans 1e-20 .. ~0.9.
    got = k_of_n_yield(WSE_N, WSE_N - r, WSE_UNIT, 0.1)
    q = -math.expm1(-WSE_UNIT / 100 * 0.1)
    expected = math.exp(log_binom_cdf(r, WSE_N, q))
    assert math.isclose(got, expected, rel_tol=1e-9), (got, expected)


def test_wse_spares_make_yield_essentially_one():
    assert k_of_n_yield(WSE_N, WSE_K, WSE_UNIT, 0.1) == pytest.approx(1.0, abs=1e-15)
    # the tail is tiny but not rounded to 0 (no 1 - (1 - eps) cancellation):
    tiny = k_of_n_yield(WSE_N, WSE_N, WSE_UNIT, 0.1)
    assert math.isclose(tiny, math.exp(-46.225), rel_tol=1e-9)


@pytest.mark.parametrize(("n", "unit", "d0", "shared"), [(1, 10.0, 0.1, 0.0), (144, H_UNIT, 0.1, H_SHARED),
                                                        (WSE_N, WSE_UNIT, 0.2, 100.0)])
def test_all_units_needed_is_plain_die_yield(n, unit, d0, shared):
    area = n * unit + shared
    assert math.isclose(k_of_n_yield(n, n, unit, d0, shared_area_mm2=shared),
                        poisson_yield(area, d0), rel_tol=1e-11)
    for alpha in (0.5, 2.0, 10.0):
        assert math.isclose(k_of_n_yield(n, n, unit, d0, alpha=alpha, shared_area_mm2=shared),
                            negative_binomial_yield(area, d0, alpha), rel_tol=1e-12)


def test_h100_like_redundancy_beats_no_redundancy():
    plain = poisson_yield(814.0, 0.1)  # 0.443
    red = k_of_n_yield(H_N, H_K, H_UNIT, 0.1, shared_area_mm2=H_SHARED)
    assert red > 2.0 * plain
    assert red <= poisson_yield(H_SHARED, 0.1)  # the shared area still has to be clean
    assert red > 0.999 * poisson_yield(H_SHARED, 0.1)
    for alpha in (2.0, 3.0, 10.0):
        red_c = k_of_n_yield(H_N, H_K, H_UNIT, 0.1, alpha=alpha, shared_area_mm2=H_SHARED)
        assert red_c > 1.8 * negative_binomial_yield(814.0, 0.1, alpha)


def test_monotone_in_k_and_d0():
    ys = [k_of_n_yield(H_N, k, H_UNIT, 1.0, shared_area_mm2=H_SHARED) for k in range(1, H_N + 1)]
    assert all(a >= b for a, b in zip(ys, ys[1:]))
    assert ys[0] > ys[-1]
    yc = [k_of_n_yield(H_N, k, H_UNIT, 1.0, alpha=2.0, shared_area_mm2=H_SHARED)
          for k in range(96, H_N + 1, 6)]
    assert all(a >= b for a, b in zip(yc, yc[1:]))
    by_d0 = k_of_n_yield(H_N, H_K, H_UNIT, np.linspace(0.0, 3.0, 13), shared_area_mm2=H_SHARED)
    assert by_d0[0] == 1.0 and np.all(np.diff(by_d0) <= 0)


# --------------------------------------------------------------------------
# Clustered (alpha given)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.5, 2.0, 10.0])
@pytest.mark.parametrize(
    ("n", "k", "unit", "d0", "shared"),
    [(1, 1, 30.0, 0.5, 0.0), (4, 3, 30.0, 0.5, 0.0), (6, 4, 50.0, 1.0, 20.0),
     (8, 7, 10.0, 0.2, 100.0), (8, 1, 100.0, 2.0, 0.0), (5, 2, 400.0, 0.3, 10.0)],
)
def test_clustered_against_exact_expansion(n, k, unit, d0, shared, alpha):
    got = k_of_n_yield(n, k, unit, d0, alpha=alpha, shared_area_mm2=shared)
    assert math.isclose(got, clustered_exact(n, k, unit, d0, alpha, shared), rel_tol=1e-9)


@pytest.mark.parametrize("alpha", [2.0, 3.0, 10.0])
@pytest.mark.parametrize(
    ("n", "k", "unit", "d0", "shared"),
    [(H_N, H_K, H_UNIT, 1.0, H_SHARED), (WSE_N, WSE_N - 20, WSE_UNIT, 0.1, 50.0),
     (WSE_N, WSE_N - 1, WSE_UNIT, 0.05, 0.0)],
)
def test_clustered_against_simpson(n, k, unit, d0, shared, alpha):
    got = k_of_n_yield(n, k, unit, d0, alpha=alpha, shared_area_mm2=shared)
    assert math.isclose(got, clustered_simpson(n, k, unit, d0, alpha, shared), rel_tol=1e-7)


@pytest.mark.parametrize(
    ("n", "k", "unit", "d0", "shared"),
    [(10, 8, 20.0, 0.3, 5.0), (H_N, H_K, H_UNIT, 1.0, H_SHARED),
     (WSE_N, WSE_N - 30, WSE_UNIT, 0.1, 100.0), (WSE_N, WSE_K, WSE_UNIT, 0.1, 0.0)],
)
def test_clustered_tends_to_poisson(n, k, unit, d0, shared):
    p = k_of_n_yield(n, k, unit, d0, shared_area_mm2=shared)
    gaps = [abs(k_of_n_yield(n, k, unit, d0, alpha=a, shared_area_mm2=shared) / p - 1)
            for a in (1e3, 1e5, 1e7)]
    # the relative gap is O(lambda^2 / alpha), lambda <= 47 expected defects here
    assert gaps[-1] < 1e-4
    if gaps[0] > 1e-10:
        assert 30 < gaps[0] / gaps[1] < 300 and 30 < gaps[1] / gaps[2] < 300


@pytest.mark.parametrize("alpha", [0.05, 0.5, 2.0, 10.0, 1e4])
def test_clustered_wse_scale(alpha):
    """N = 970,000, K = 900,000: 70,000 spares against ~46 expected dead cores."""
    y = k_of_n_yield(WSE_N, WSE_K, WSE_UNIT, 0.1, alpha=alpha)
    assert y == pytest.approx(1.0, abs=1e-9)
    # with a shared area, only the shared area's own yield is left
    ys = k_of_n_yield(WSE_N, WSE_K, WSE_UNIT, 0.1, alpha=alpha, shared_area_mm2=200.0)
    assert math.isclose(ys, negative_binomial_yield(200.0, 0.1, alpha), rel_tol=1e-9)
    # a few spares only: strictly between the K = N yield and 1
    y30 = k_of_n_yield(WSE_N, WSE_N - 30, WSE_UNIT, 0.1, alpha=alpha)
    assert negative_binomial_yield(46225.0, 0.1, alpha) < y30 < 1.0


def test_clustered_broadcasts():
    d0 = np.array([[0.05], [0.1], [0.2]])
    alpha = np.array([2.0, 10.0])
    out = k_of_n_yield(H_N, H_K, H_UNIT, d0, alpha=alpha, shared_area_mm2=H_SHARED)
    assert out.shape == (3, 2)
    for i in range(3):
        for j in range(2):
            assert out[i, j] == k_of_n_yield(H_N, H_K, H_UNIT, float(d0[i, 0]),
                                              alpha=float(alpha[j]), shared_area_mm2=H_SHARED)
    assert type(k_of_n_yield(4, 2, 1.0, 0.1, alpha=np.float64(2.0))) is float
    assert k_of_n_yield(4, 2, [1.0, 2.0], 0.1).shape == (2,)


# --------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------

Z999 = 3.2905  # two-sided 99.9% normal quantile


def _within_ci(hits, trials, p):
    sigma = math.sqrt(p * (1 - p) / trials)
    return abs(hits / trials - p) <= Z999 * sigma + 1.0 / trials


@pytest.mark.parametrize(("n", "k", "unit", "d0"), [(50, 48, 10.0, 0.5), (50, 45, 10.0, 1.0),
                                                    (200, 190, 2.0, 2.0)])
def test_poisson_against_sample_defects(n, k, unit, d0):
    trials = 20_000
    batch = sample_defects(trials, n * unit / 100 * d0, n, seed=12345)
    counts = batch.counts
    sites = batch.sites
    trial_of = np.repeat(np.arange(trials), counts)
    new = np.ones(sites.size, dtype=bool)  # first hit of a unit within its trial
    new[1:] = (sites[1:] != sites[:-1]) | (trial_of[1:] != trial_of[:-1])
    dead = np.bincount(trial_of[new], minlength=trials)
    hits = int(np.count_nonzero(n - dead >= k))
    assert _within_ci(hits, trials, k_of_n_yield(n, k, unit, d0))


@pytest.mark.parametrize(("alpha", "shared"), [(0.7, 0.0), (2.0, 30.0), (10.0, 10.0)])
def test_clustered_against_monte_carlo(alpha, shared):
    n, k, unit, d0, trials = 20, 16, 15.0, 1.0, 40_000
    rng = np.random.default_rng(2024)
    g = rng.gamma(alpha, 1.0 / alpha, trials)
    per_unit = rng.poisson((unit / 100 * d0 * g)[:, None], size=(trials, n))
    shared_ok = rng.poisson(shared / 100 * d0 * g) == 0
    good = ((per_unit == 0).sum(axis=1) >= k) & shared_ok
    p = k_of_n_yield(n, k, unit, d0, alpha=alpha, shared_area_mm2=shared)
    assert _within_ci(int(good.sum()), trials, p)


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_units": 0}, "n_units must be an integer >= 1, got 0"),
        ({"n_units": 2.5}, "n_units must be an integer >= 1, got 2.5"),
        ({"n_units": True}, "n_units must be an integer >= 1, got True"),
        ({"k_needed": 0}, "k_needed must be an integer >= 1, got 0"),
        ({"k_needed": 145}, "k_needed must be an integer in [1, n_units = 144], got 145"),
        ({"k_needed": 3.0}, "k_needed must be an integer >= 1, got 3.0"),
        ({"unit_area_mm2": -1.0}, "unit_area_mm2 must be a finite number >= 0 (mm^2), got -1.0"),
        ({"unit_area_mm2": NAN}, "unit_area_mm2 must be a finite number >= 0 (mm^2), got nan"),
        ({"d0": -0.1}, "d0 must be a finite number >= 0 (defects per cm^2), got -0.1"),
        ({"d0": INF}, "d0 must be a finite number >= 0 (defects per cm^2), got inf"),
        ({"shared_area_mm2": -5.0},
         "shared_area_mm2 must be a finite number >= 0 (mm^2), got -5.0"),
        ({"alpha": 0.0}, "alpha must be a finite number > 0, got 0.0"),
        ({"alpha": -1.0}, "alpha must be a finite number > 0, got -1.0"),
        ({"alpha": NAN}, "alpha must be a finite number > 0, got nan"),
        ({"alpha": INF}, "alpha must be a finite number > 0, got inf"),
    ],
)
def test_bad_parameters(kwargs, message):
    args = {"n_units": 144, "k_needed": 132, "unit_area_mm2": 5.0, "d0": 0.1, **kwargs}
    pos = [args.pop(name) for name in ("n_units", "k_needed", "unit_area_mm2", "d0")]
    with pytest.raises(ParameterError) as info:
        k_of_n_yield(*pos, **args)
    assert str(info.value) == message


def test_shapes_must_broadcast():
    with pytest.raises(ParameterError, match="broadcast"):
        k_of_n_yield(4, 2, [1.0, 2.0], [0.1, 0.2, 0.3])
