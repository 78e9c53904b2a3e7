"""The die rows a degraded chiplet package still runs (:mod:`yieldmodels.degraded`).

Against an enumeration of every success/failure sequence and of every
die's fate on a small package, a Monte Carlo, and the invariants: a
distribution, its top entry the package yield, more spare dies never fewer
rows.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yieldmodels import degraded_rows_pmf, longest_run_pmf, package_yield


def _longest(bits) -> int:
    best = run = 0
    for b in bits:
        run = run + 1 if b else 0
        best = max(best, run)
    return best


def _enumerated_runs(n: int, p: float) -> np.ndarray:
    out = np.zeros(n + 1)
    for bits in itertools.product((0, 1), repeat=n):
        out[_longest(bits)] += math.prod(p if b else 1.0 - p for b in bits)
    return out


@pytest.mark.parametrize("n", [1, 2, 3, 6, 10])
@pytest.mark.parametrize("p", [0.0, 0.2, 0.5, 0.93, 1.0])
def test_the_longest_run_against_every_sequence(n, p):
    np.testing.assert_allclose(longest_run_pmf(n, p), _enumerated_runs(n, p), rtol=1e-12, atol=1e-15)


def test_no_trials_run_nothing():
    assert longest_run_pmf(0, 0.5).tolist() == [1.0]


@pytest.mark.parametrize(("per_row", "rows", "spares"), [(2, 2, 0), (2, 2, 1), (1, 3, 1), (3, 2, 2)])
def test_the_package_against_every_dies_fate(per_row, rows, spares):
    """Each placed die fails or not; a row works with at most ``spares`` failed;
    the package runs its longest run of working rows, none on a bad carrier."""
    b, e, cy = 0.8, 0.1, 0.9
    good = b * (1.0 - e)
    placed = per_row + spares
    expected = np.zeros(rows + 1)
    for fates in itertools.product((0, 1), repeat=placed * rows):
        works = [sum(fates[r * placed:(r + 1) * placed]) >= per_row for r in range(rows)]
        expected[_longest(works)] += math.prod(good if f else 1.0 - good for f in fates)
    expected = cy * expected
    expected[0] += 1.0 - cy
    got = degraded_rows_pmf(per_row * rows, bond_yield=b, kgd_escape=e, carrier_yield=cy,
                            spare_dies_per_row=spares, rows=rows)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def test_against_a_monte_carlo_of_packages():
    rng = np.random.default_rng(4)
    packages, rows, per_row = 100_000, 7, 12
    works = (rng.random((packages, rows, per_row)) < 0.99).all(axis=2)
    runs = np.array([_longest(w) for w in works])
    pmf = degraded_rows_pmf(rows * per_row, bond_yield=0.99, rows=rows)
    for k in range(rows + 1):
        share = (runs == k).mean()
        half = 3.29 * math.sqrt(max(pmf[k] * (1 - pmf[k]), 1e-12) / packages)  # 99.9 %
        assert abs(share - pmf[k]) <= half + 1e-12, k


@given(n=st.integers(1, 60), p=st.floats(0.0, 1.0))
def test_a_distribution(n, p):
    pmf = longest_run_pmf(n, p)
    assert pmf.shape == (n + 1,) and np.all(pmf >= 0.0)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-9)
    assert pmf[n] == pytest.approx(p**n, rel=1e-12)  # relative precision kept for tiny probabilities
    assert pmf[0] == pytest.approx((1.0 - p) ** n, rel=1e-12)


@given(per_row=st.integers(1, 20), rows=st.integers(1, 12), spares=st.integers(0, 3), b=st.floats(0.5, 1.0),
       e=st.floats(0.0, 0.2), cy=st.floats(0.0, 1.0))
def test_the_whole_package_is_the_package_yield_and_spares_never_run_fewer_rows(per_row, rows, spares, b, e, cy):
    kw = dict(bond_yield=b, kgd_escape=e, carrier_yield=cy, rows=rows)
    pmf = degraded_rows_pmf(per_row * rows, spare_dies_per_row=spares, **kw)
    assert pmf[rows] == pytest.approx(package_yield(per_row * rows, spare_dies_per_row=spares, **kw), rel=1e-9)
    more = degraded_rows_pmf(per_row * rows, spare_dies_per_row=spares + 1, **kw)
    assert more @ np.arange(rows + 1) >= pmf @ np.arange(rows + 1) - 1e-9
    assert pmf[0] >= 1.0 - cy - 1e-12


def test_the_limit_of_rows_is_refused_past_it():
    assert longest_run_pmf(2_000, 0.999).sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="trials must be an integer in \\[0, 2000\\]"):
        longest_run_pmf(2_001, 0.5)
