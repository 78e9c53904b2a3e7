"""A die's bond yield with UCIe lane repair (:func:`yieldmodels.lane_repaired_bond_yield`).

Against an enumeration of every fault pattern of a small die's lanes, a
Monte Carlo of the model's bond failures, a hand computation on the shipped
UCIe x64 module, and the limits the model must meet: the published yield
without redundant lanes, never below it with them, never above the yield of
the bonds lane repair does not cover.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yieldmodels import lane_repaired_bond_yield
from yieldmodels.limits import LaneRepair, load_packaging_limits

LIM = load_packaging_limits()
X64 = LIM.lane_repair("ucie-advanced-x64")
#: A small module: 4 data lanes in 2 groups of 2, each group 1 redundant lane.
SMALL = LaneRepair("small", 4, 2, 2, 1, 2023, "test")


def _enumerated(bond_yield: float, modules: int, module: LaneRepair, share: float) -> float:
    """Sum over every faulty/good pattern of every lane of the die, each group
    working when its faulty data lanes are at most its good redundant lanes."""
    lam = -math.log(bond_yield)
    p = 1.0 - math.exp(-share * lam / (modules * module.data_lanes))
    g, m = module.repair_group_lanes, module.max_repairs_per_group
    group = 0.0
    for data in itertools.product((0, 1), repeat=g):
        for spare in itertools.product((0, 1), repeat=m):
            faulty = sum(data) + sum(spare)
            if sum(data) <= m - sum(spare):
                group += p**faulty * (1.0 - p) ** (g + m - faulty)
    return math.exp(-(1.0 - share) * lam) * group ** (modules * module.groups)


@pytest.mark.parametrize("bond_yield", [0.2, 0.9, 0.99])
@pytest.mark.parametrize("modules", [1, 3])
@pytest.mark.parametrize("share", [0.0, 0.3, 1.0])
def test_against_an_enumeration_of_every_fault_pattern(bond_yield, modules, share):
    got = lane_repaired_bond_yield(bond_yield, modules, SMALL, lane_share=share)
    assert got == pytest.approx(_enumerated(bond_yield, modules, SMALL, share), rel=1e-12)


def test_against_a_monte_carlo_of_the_dies_bond_failures():
    """Bond failures per die Poisson(-ln b): a share on lanes, spread evenly
    over the data lanes, the redundant lanes faulty at the same rate."""
    rng = np.random.default_rng(9)
    b, modules, share, dies = 0.3, 2, 0.8, 200_000
    lam = -math.log(b)
    lanes = modules * SMALL.data_lanes
    other = rng.poisson((1.0 - share) * lam, dies)
    data = rng.poisson(share * lam / lanes, (dies, modules * SMALL.groups, SMALL.repair_group_lanes)) > 0
    p = -math.expm1(-share * lam / lanes)
    spare = rng.random((dies, modules * SMALL.groups, SMALL.max_repairs_per_group)) < p
    works = (other == 0) & np.all(data.sum(axis=2) + spare.sum(axis=2) <= SMALL.max_repairs_per_group, axis=1)
    mean = works.mean()
    half = 3.29 * math.sqrt(mean * (1.0 - mean) / dies)  # 99.9 %
    assert abs(lane_repaired_bond_yield(b, modules, SMALL, lane_share=share) - mean) < half


def test_the_shipped_x64_module_against_a_hand_computation():
    """0.95 per die, 86 modules of 64 lanes, half the failures on lanes:
    sqrt(0.95) times (1 - C(34, 3) p^3 ...) per group, 172 groups."""
    lam, share = -math.log(0.95), 0.5
    p = 1.0 - math.exp(-share * lam / (86 * 64))
    fail = sum(math.comb(34, k) * p**k * (1.0 - p) ** (34 - k) for k in range(3, 35))
    expected = math.sqrt(0.95) * (1.0 - fail) ** 172
    got = lane_repaired_bond_yield(0.95, 86, X64, lane_share=share)
    assert got == pytest.approx(expected, rel=1e-12)
    assert lane_repaired_bond_yield(0.95, 86, "ucie-advanced-x64", lane_share=share) == got


@given(b=st.floats(1e-6, 1.0), modules=st.integers(1, 10_000), share=st.floats(0.0, 1.0),
       module=st.sampled_from(sorted(LIM.lane_repairs)))
def test_the_yield_lies_between_the_published_one_and_the_uncovered_bonds(b, modules, share, module):
    m = LIM.lane_repair(module)
    y = lane_repaired_bond_yield(b, modules, m, lane_share=share)
    assert b * (1 - 1e-12) <= y <= b ** (1.0 - share) * (1 + 1e-12)
    if m.max_repairs_per_group == 0 or share == 0.0:
        assert y == b


@given(b=st.floats(1e-3, 0.999), modules=st.integers(1, 50), share=st.floats(0.01, 1.0),
       repairs=st.integers(0, 3))
def test_more_redundant_lanes_never_yield_less(b, modules, share, repairs):
    def y(m):
        return lane_repaired_bond_yield(b, modules, LaneRepair("m", 32, m, 32, m, 2023, "t"), lane_share=share)

    assert y(repairs + 1) >= y(repairs) * (1 - 1e-12)


def test_an_unknown_module_name_gets_a_did_you_mean():
    with pytest.raises(ValueError, match="did you mean 'ucie-advanced-x64'"):
        lane_repaired_bond_yield(0.9, 2, "ucie-advanced-x46")
