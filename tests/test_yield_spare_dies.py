"""Package-level spare dies (yieldmodels.package_yield, chiplet_system, chiplet_system_cost).

A package of ``rows`` rows of ``m`` needed dies, each row ending in ``s``
spare die sites, works when no row has more than ``s`` failed dies (a bond,
a test escape) and its carrier is good: package-level shift-to-spare. The
closed form is checked against a brute-force enumeration of every failure
pattern and against a Monte Carlo; the system and its cost buy every placed die.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import yieldmodels as ym
from hypothesis import given, settings
from hypothesis import strategies as st
from paramcheck import ParameterError
from yieldmodels.cost import chiplet_system_cost


def enumerated(rows: int, per_row: int, spares: int, b: float, e: float, carrier: float) -> float:
    """Every pattern of working and failed placed dies, summed: the rule read literally."""
    p = b * (1.0 - e)
    placed = per_row + spares
    total = 0.0
    for pattern in itertools.product((True, False), repeat=rows * placed):
        rows_ok = all(sum(pattern[r * placed:(r + 1) * placed]) >= per_row for r in range(rows))
        if rows_ok:
            works = sum(pattern)
            total += p**works * (1.0 - p) ** (rows * placed - works)
    return total * carrier


@settings(max_examples=60, deadline=None)
@given(rows=st.integers(1, 3), per_row=st.integers(1, 3), spares=st.integers(0, 2),
       b=st.floats(0.5, 1.0), e=st.floats(0.0, 0.3), carrier=st.floats(0.5, 1.0))
def test_the_closed_form_is_the_enumeration_of_every_failure_pattern(rows, per_row, spares, b, e, carrier):
    if rows * (per_row + spares) > 12:
        spares = 0
    got = ym.package_yield(rows * per_row, bond_yield=b, kgd_escape=e, carrier_yield=carrier,
                           spare_dies_per_row=spares, rows=rows)
    assert got == pytest.approx(enumerated(rows, per_row, spares, b, e, carrier), rel=1e-12, abs=1e-300)


def test_without_spares_it_is_the_old_product_exactly():
    for rows in (1, 2, 4):
        assert ym.package_yield(8, bond_yield=0.97, kgd_escape=0.01, carrier_yield=0.9, rows=rows) == (
            0.97**8 * 0.99**8 * 0.9)


@settings(max_examples=100, deadline=None)
@given(rows=st.sampled_from([1, 2, 7]), spares=st.integers(0, 3), b=st.floats(0.0, 1.0), e=st.floats(0.0, 1.0))
def test_more_spare_dies_never_yield_less(rows, spares, b, e):
    n = rows * 12
    fewer = ym.package_yield(n, bond_yield=b, kgd_escape=e, spare_dies_per_row=spares, rows=rows)
    more = ym.package_yield(n, bond_yield=b, kgd_escape=e, spare_dies_per_row=spares + 1, rows=rows)
    assert more >= fewer * (1 - 1e-12)


def test_a_monte_carlo_of_packages_agrees_within_a_999_interval():
    rng = np.random.default_rng(7)
    rows, per_row, spares, p = 7, 12, 1, 0.96
    trials = 200_000
    failed = rng.binomial(per_row + spares, 1 - p, size=(trials, rows))
    works = np.all(failed <= spares, axis=1).mean()
    exact = ym.package_yield(rows * per_row, bond_yield=p, spare_dies_per_row=spares, rows=rows)
    half = 3.29 * math.sqrt(exact * (1 - exact) / trials)
    assert abs(works - exact) <= half


def test_rows_must_divide_the_dies():
    with pytest.raises(ParameterError, match=r"^rows must divide n_dies = 84, got 5$"):
        ym.package_yield(84, rows=5, spare_dies_per_row=1)
    with pytest.raises(ParameterError, match=r"^spare_dies_per_row must be an integer >= 0"):
        ym.package_yield(84, rows=7, spare_dies_per_row=-1)


def test_the_system_buys_every_placed_die():
    plain = ym.chiplet_system(100.0, 8, 0.1, 10.0, bond_yield=0.95)
    spared = ym.chiplet_system(100.0, 8, 0.1, 10.0, bond_yield=0.95, spare_dies_per_row=1, die_rows=2)
    assert spared.dies_placed == 10 and plain.dies_placed == 8
    pkg = ym.package_yield(8, bond_yield=0.95, spare_dies_per_row=1, rows=2)
    assert spared.package_yield == pkg == pytest.approx((0.95**5 + 5 * 0.95**4 * 0.05) ** 2)
    assert spared.good_systems_per_wafer == pytest.approx(spared.dies_passing_test_per_wafer / 10 * pkg)
    assert spared.die_silicon_per_good_system_mm2 == pytest.approx(10 * 100.0 / (spared.kgd_pass_rate * pkg))
    assert spared.good_systems_per_wafer > plain.good_systems_per_wafer  # 0.95^8 = 0.66 against 0.95


def test_the_cost_pays_for_every_placed_die_and_divides_by_the_rows_yield():
    args = ("chiplet-actuary", "5nm", 200.0, 8, "si-interposer")
    plain = chiplet_system_cost(*args, volume=10**5, die_count="gross")
    spared = chiplet_system_cost(*args, volume=10**5, die_count="gross", spare_dies_per_row=1, die_rows=2)
    assert spared.silicon_usd == pytest.approx(plain.silicon_usd * 10 / 8)
    assert spared.test_usd == pytest.approx(plain.test_usd * 10 / 8)
    # chip-last on an interposer: bonds 0.95 each, the carrier's own bond 0.99 (cost.py's ya)
    assert spared.assembly_yield == pytest.approx(ym.package_yield(8, bond_yield=0.95, carrier_yield=0.99,
                                                                   spare_dies_per_row=1, rows=2))
    assert plain.assembly_yield == pytest.approx(0.95**8 * 0.99)
    assert spared.re_usd < plain.re_usd  # two spare dies are cheaper than losing a third of the assemblies
    zero = chiplet_system_cost(*args, volume=10**5, die_count="gross", spare_dies_per_row=0, die_rows=4)
    assert zero == plain
