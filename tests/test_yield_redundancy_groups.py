"""Yield of a die with several K-of-N redundancy groups, against k_of_n_yield and Monte Carlo."""

import itertools
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yieldmodels
from yieldmodels import ParameterError, k_of_n_yield
from yieldmodels.closed_form import negative_binomial_yield, poisson_yield
from yieldmodels.redundancy import k_of_n_groups_yield

# H100-like: 814 mm^2, 144 SMs of which 132 are needed, 12 memory partitions of which 10.
SMS, PARTITIONS = (144, 132, 3.67), (12, 10, 9.5)
H100 = [SMS, PARTITIONS]
H_SHARED = 814.0 - 144 * 3.67 - 12 * 9.5
# WSE-3-like: 970,000 cores, 900,000 enabled.
WSE = (970_000, 900_000, 46225.0 / 970_000)


def group(max_n=200, max_area=30.0):
    """One (n_units, k_needed, unit_area_mm2) triple."""
    return st.integers(1, max_n).flatmap(
        lambda n: st.tuples(st.just(n), st.integers(1, n), st.floats(0.0, max_area))
    )


alphas = st.one_of(st.none(), st.floats(0.2, 50.0))
d0s = st.floats(0.0, 3.0)
shareds = st.floats(0.0, 300.0)


def clustered_exact(groups, d0, alpha, shared=0.0):
    """Exact expansion for small n, using E[exp(-s G)] = (1 + s/alpha)^-alpha.

    Each group's P(dead <= r | G) = sum_{j<=r} C(n,j) q^j (1-q)^(n-j) with
    q = 1 - e^{-m G} expands into sum_t c_t e^{-t m G}; the product over
    groups is a sum of exponentials in G.
    """
    terms = [(0.0, 1)]  # (defects per unit of G, integer coefficient)
    for n, k, a in groups:
        m = a / 100 * d0
        single = [((n - j + i) * m, math.comb(n, j) * math.comb(j, i) * (-1) ** i)
                  for j in range(n - k + 1) for i in range(j + 1)]
        terms = [(e1 + e2, c1 * c2) for e1, c1 in terms for e2, c2 in single]
    ms = shared / 100 * d0
    return math.fsum(c * (1 + (e + ms) / alpha) ** -alpha for e, c in terms)


def test_exported_and_documented_values():
    assert yieldmodels.redundancy.__all__ == ["k_of_n_groups_yield", "k_of_n_yield"]
    assert yieldmodels.k_of_n_groups_yield is k_of_n_groups_yield
    y = k_of_n_groups_yield(H100, 0.1, shared_area_mm2=H_SHARED)
    assert type(y) is float
    assert round(y, 6) == 0.842236
    clustered = k_of_n_groups_yield(H100, 0.1, alpha=2.0, shared_area_mm2=H_SHARED)
    assert round(clustered, 6) == 0.847952


# --------------------------------------------------------------------------
# Reductions to k_of_n_yield and closed forms
# --------------------------------------------------------------------------


@given(group(), d0s, alphas, shareds)
@settings(max_examples=60)
def test_one_group_is_k_of_n_yield(g, d0, alpha, shared):
    n, k, a = g
    assert k_of_n_groups_yield([g], d0, alpha=alpha, shared_area_mm2=shared) == k_of_n_yield(
        n, k, a, d0, alpha=alpha, shared_area_mm2=shared
    )


@pytest.mark.parametrize("alpha", [None, 0.5, 2.0, 10.0])
def test_one_group_with_spares_is_k_of_n_yield(alpha):
    # the others: all units needed (shared area) or of area 0 (always work)
    groups = [(12, 12, 9.5), SMS, (30, 20, 0.0), (4, 4, 2.0)]
    shared = H_SHARED + 12 * 9.5 + 4 * 2.0
    assert k_of_n_groups_yield(groups, 0.3, alpha=alpha, shared_area_mm2=H_SHARED) == k_of_n_yield(
        *SMS, 0.3, alpha=alpha, shared_area_mm2=shared
    )


@pytest.mark.parametrize("alpha", [None, 0.5, 2.0, 10.0])
@pytest.mark.parametrize("d0", [0.1, 1.0])
def test_all_units_needed_is_shared_area(alpha, d0):
    groups = [SMS, (8, 8, 6.0), PARTITIONS]
    got = k_of_n_groups_yield(groups, d0, alpha=alpha, shared_area_mm2=H_SHARED)
    moved = k_of_n_groups_yield(H100, d0, alpha=alpha, shared_area_mm2=H_SHARED + 8 * 6.0)
    assert math.isclose(got, moved, rel_tol=1e-14)
    # every unit needed everywhere: the plain die yield
    full = [(144, 144, 3.67), (12, 12, 9.5)]
    plain = k_of_n_groups_yield(full, d0, alpha=alpha, shared_area_mm2=H_SHARED)
    if alpha is None:
        expected = poisson_yield(814.0, d0)
    else:
        expected = negative_binomial_yield(814.0, d0, alpha)
    assert math.isclose(plain, expected, rel_tol=1e-12)


@given(st.lists(group(), min_size=2, max_size=4), d0s, shareds)
def test_poisson_is_product_of_groups(groups, d0, shared):
    got = k_of_n_groups_yield(groups, d0, shared_area_mm2=shared)
    expected = math.prod(k_of_n_yield(n, k, a, d0) for n, k, a in groups)
    expected *= math.exp(-shared / 100 * d0)
    assert math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-300)


@pytest.mark.parametrize(
    ("groups", "d0", "shared"),
    [(H100, 1.0, H_SHARED), ([(10, 8, 20.0), (6, 5, 30.0)], 0.5, 10.0), ([WSE, SMS], 0.1, 100.0)],
)
def test_large_alpha_tends_to_poisson(groups, d0, shared):
    p = k_of_n_groups_yield(groups, d0, shared_area_mm2=shared)
    gaps = [abs(k_of_n_groups_yield(groups, d0, alpha=a, shared_area_mm2=shared) / p - 1)
            for a in (1e3, 1e5, 1e7)]
    # the relative gap is O(lambda^2 / alpha)
    assert gaps[-1] < 1e-5
    assert 30 < gaps[0] / gaps[1] < 300 and 30 < gaps[1] / gaps[2] < 300
    # beyond 1e12, the Poisson limit itself
    assert k_of_n_groups_yield(groups, d0, alpha=1e13, shared_area_mm2=shared) == p


# --------------------------------------------------------------------------
# Clustered: exact expansion, symmetry, monotonicity, correlation
# --------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.5, 2.0, 10.0])
@pytest.mark.parametrize(
    ("groups", "d0", "shared"),
    [([(4, 3, 30.0), (3, 2, 20.0)], 0.5, 0.0), ([(6, 4, 50.0), (2, 1, 40.0)], 1.0, 20.0),
     ([(5, 4, 10.0), (4, 2, 60.0), (3, 2, 15.0)], 0.8, 50.0)],
)
def test_clustered_against_exact_expansion(groups, d0, shared, alpha):
    got = k_of_n_groups_yield(groups, d0, alpha=alpha, shared_area_mm2=shared)
    assert math.isclose(got, clustered_exact(groups, d0, alpha, shared), rel_tol=1e-9)


@given(st.lists(group(), min_size=2, max_size=3), d0s, alphas, shareds)
@settings(max_examples=25)
def test_order_of_groups_does_not_matter(groups, d0, alpha, shared):
    ys = [k_of_n_groups_yield(list(p), d0, alpha=alpha, shared_area_mm2=shared)
          for p in itertools.permutations(groups)]
    assert all(math.isclose(y, ys[0], rel_tol=1e-12, abs_tol=1e-300) for y in ys)


@given(st.lists(group(), min_size=2, max_size=3), st.data(), d0s, alphas, shareds)
@settings(max_examples=40)
def test_more_spares_never_yield_less(groups, data, d0, alpha, shared):
    j = data.draw(st.integers(0, len(groups) - 1))
    n, k, a = groups[j]
    fewer = data.draw(st.integers(1, k))  # k - fewer more spares in group j
    spared = [*groups[:j], (n, fewer, a), *groups[j + 1:]]
    y = k_of_n_groups_yield(groups, d0, alpha=alpha, shared_area_mm2=shared)
    y_spared = k_of_n_groups_yield(spared, d0, alpha=alpha, shared_area_mm2=shared)
    assert 0.0 <= y <= 1.0 and 0.0 <= y_spared <= 1.0
    assert y_spared >= y * (1 - 1e-12)  # up to the quadrature's rounding (epsrel 1e-11)


@pytest.mark.parametrize("alpha", [0.5, 2.0, 10.0])
def test_one_density_for_the_die_correlates_the_groups(alpha):
    # G shared by every group: the groups' failures are positively associated, so the die
    # yields more than the product of independently clustered groups (Harris inequality)
    got = k_of_n_groups_yield(H100, 1.0, alpha=alpha, shared_area_mm2=H_SHARED)
    independent = (math.prod(k_of_n_yield(*g, 1.0, alpha=alpha) for g in H100)
                   * negative_binomial_yield(H_SHARED, 1.0, alpha))
    assert got > independent * (1 + 1e-3)
    assert got < k_of_n_groups_yield(H100, 1.0, shared_area_mm2=0.0)  # below the units' Poisson


@pytest.mark.parametrize("alpha", [0.05, 2.0, 1e4])
def test_wse_scale_groups(alpha):
    # 70,000 spare cores: only the SMs and the shared area are left
    got = k_of_n_groups_yield([WSE, SMS], 0.1, alpha=alpha, shared_area_mm2=200.0)
    expected = k_of_n_yield(*SMS, 0.1, alpha=alpha, shared_area_mm2=200.0)
    assert math.isclose(got, expected, rel_tol=1e-9)


@pytest.mark.parametrize(
    ("groups", "d0", "alpha", "shared", "expected"),
    [
        ([(10, 5, 1e308), SMS], 10.0, 2.0, 0.0, 0.0),  # area x d0 overflows: surely dead
        ([(2**63 - 1, 2**63 - 1, 1e300), SMS], 0.1, 2.0, 0.0, 0.0),
        (H100, 0.1, 2.0, 1e308, 0.0),
        (H100 + [(2**63 - 1, 2**63 - 1, 1e308)], 0.0, 2.0, 1e308, 1.0),  # d0 = 0: nothing hit
        (H100, 5e-324, 2.0, 0.0, 1.0),
        (H100, 1e-9, None, 0.0, 1.0),
    ],
)
def test_extremes_stay_in_range(groups, d0, alpha, shared, expected):
    got = k_of_n_groups_yield(groups, d0, alpha=alpha, shared_area_mm2=shared)
    assert type(got) is float
    assert got == pytest.approx(expected, abs=1e-12)


def test_a_shared_area_whose_yield_underflows_is_zero_without_a_quadrature_warning():
    """At 1e6 defects/cm^2 the H100-like die's shared 165 mm^2 alone yields (1 + 1.65e6 / 1000)^-1000,
    far below a float: the answer is 0 with no integral to warn about (QUADPACK's roundoff warning, before)."""
    groups = [(144, 132, 3.6743055555555557), (6, 5, 19.943)]  # SMs and memory sites of wafer.gpu.GpuSpec
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert k_of_n_groups_yield(groups, 1e6, alpha=1000.0, shared_area_mm2=165.242) == 0.0


# --------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------

Z999 = 3.2905  # two-sided 99.9% normal quantile


def _within_ci(hits, trials, p):
    sigma = math.sqrt(p * (1 - p) / trials)
    return abs(hits / trials - p) <= Z999 * sigma + 1.0 / trials


@pytest.mark.parametrize(
    ("groups", "d0", "alpha", "shared"),
    [(H100, 1.0, 2.0, H_SHARED), ([(20, 16, 15.0), (8, 6, 20.0)], 1.0, 0.7, 0.0),
     ([(20, 16, 15.0), (8, 6, 20.0), (50, 48, 3.0)], 0.8, 5.0, 30.0)],
)
def test_clustered_against_monte_carlo(groups, d0, alpha, shared):
    trials = 200_000
    rng = np.random.default_rng(2025)
    g = rng.gamma(alpha, 1.0 / alpha, trials)
    good = rng.random(trials) < np.exp(-shared / 100 * d0 * g)  # shared area clean
    for n, k, a in groups:
        dead = rng.binomial(n, -np.expm1(-a / 100 * d0 * g))
        good &= n - dead >= k
    p = k_of_n_groups_yield(groups, d0, alpha=alpha, shared_area_mm2=shared)
    assert _within_ci(int(good.sum()), trials, p), (int(good.sum()) / trials, p)


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------

NAN, INF = float("nan"), float("inf")
TRIPLE = "(n_units, k_needed, unit_area_mm2)"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"groups": []}, f"groups must be a non-empty sequence of {TRIPLE} triples, got []"),
        ({"groups": "abc"}, f"groups must be a non-empty sequence of {TRIPLE} triples, got 'abc'"),
        ({"groups": 3}, f"groups must be a non-empty sequence of {TRIPLE} triples, got 3"),
        ({"groups": [SMS, (12, 10)]}, f"groups[1] must be a triple {TRIPLE}, got (12, 10)"),
        ({"groups": [SMS, 12]}, f"groups[1] must be a triple {TRIPLE}, got 12"),
        ({"groups": [(0, 1, 1.0)]}, "groups[0].n_units must be an integer >= 1, got 0"),
        ({"groups": [SMS, (12.0, 10, 9.5)]},
         "groups[1].n_units must be an integer >= 1, got 12.0"),
        ({"groups": [SMS, (2**63, 10, 9.5)]},
         "groups[1].n_units must be an integer in [1, 9,223,372,036,854,775,807], "
         "got 9223372036854775808"),
        ({"groups": [SMS, (12, 0, 9.5)]}, "groups[1].k_needed must be an integer >= 1, got 0"),
        ({"groups": [SMS, (12, True, 9.5)]},
         "groups[1].k_needed must be an integer >= 1, got True"),
        ({"groups": [SMS, (12, 13, 9.5)]},
         "groups[1].k_needed must be an integer in [1, n_units = 12], got 13"),
        ({"groups": [SMS, (12, 10, -1.0)]},
         "groups[1].unit_area_mm2 must be a finite number >= 0 (mm^2), got -1.0"),
        ({"groups": [SMS, (12, 10, NAN)]},
         "groups[1].unit_area_mm2 must be a finite number >= 0 (mm^2), got nan"),
        ({"d0": -0.1}, "d0 must be a finite number >= 0 (defects per cm^2), got -0.1"),
        ({"d0": INF}, "d0 must be a finite number >= 0 (defects per cm^2), got inf"),
        ({"d0": [0.1, 0.2]}, "d0 must be a finite number >= 0 (defects per cm^2), got [0.1, 0.2]"),
        ({"shared_area_mm2": -5.0},
         "shared_area_mm2 must be a finite number >= 0 (mm^2), got -5.0"),
        ({"shared_area_mm2": INF}, "shared_area_mm2 must be a finite number >= 0 (mm^2), got inf"),
        ({"alpha": 0.0}, "alpha must be a finite number > 0, got 0.0"),
        ({"alpha": -1.0}, "alpha must be a finite number > 0, got -1.0"),
        ({"alpha": NAN}, "alpha must be a finite number > 0, got nan"),
        ({"alpha": INF}, "alpha must be a finite number > 0, got inf"),
    ],
)
def test_bad_parameters(kwargs, message):
    args = {"groups": H100, "d0": 0.1, **kwargs}
    with pytest.raises(ParameterError) as info:
        k_of_n_groups_yield(args.pop("groups"), args.pop("d0"), **args)
    assert str(info.value) == message
