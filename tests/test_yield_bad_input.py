"""Bad input to every public callable of :mod:`yieldmodels` raises ParameterError.

One :class:`bad_input.Case` per public callable (a valid call and the kind of
each parameter; classes through their constructors and the methods users
call); hypothesis, and an exhaustive loop, swap one parameter for a bad value
and require the project's error, one line, never a foreign exception, a hang
or a silent answer. Then one regression per problem a user found: the exact
die count's unbounded search, radial profiles the rejection sampler cannot
use, parameter files that never end, counts beyond what the kernels hold.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from bad_input import BAD, Case, sweep

import yieldmodels as ym
from yieldmodels import (
    ChipletSystem,
    DefectBatch,
    DefectGrid,
    DefectKinds,
    Mixing,
    Packaging,
    ParameterError,
    ParameterSet,
    ProcessNode,
    RadialProfile,
    ReticlePattern,
    WaferDefaults,
    YieldModel,
)
from yieldmodels import dies as dies_module
from yieldmodels import sampling as sampling_module

# --------------------------------------------------------------------------
# Valid arguments the cases share

GRID = DefectGrid.from_die(20, 20, 215.0, 215.0)
#: A 200 x 200 grid on a 215 mm die: its corner sites lie 1 % beyond a 300 mm wafer's radius.
FINE_GRID = DefectGrid.from_die(200, 200, 215.0, 215.0)
BATCH = DefectBatch(np.array([0, 2, 2, 3]), np.array([4, 7, 1]), np.array([0, 1, 2]), 10)
PS = ym.load_parameter_set("chiplet-actuary")
SYSTEM = ym.chiplet_system(100.0, 4, 0.1, 10.0, bond_yield=0.99)
POISSON = ym.get_model("poisson")

# Pools for kinds the shared pools do not have (each value bad for that parameter).
REAL_ARRAY = BAD["array"] + [[True], "1.0"]
#: For array_like parameters: the scalar pools without tuples (a tuple of numbers is an array).
NONNEG = [v for v in BAD["nonnegative"] if not isinstance(v, tuple)] + REAL_ARRAY
POS = [v for v in BAD["positive"] if not isinstance(v, tuple)] + BAD["array"] + [[0.0], [True]]
RATIO = [math.nan, math.inf, 0, 0.0, -0.1, 1.1, "0.5", True, None, [0.5, 2.0], 1 + 2j]
COUNT = BAD["count"]
INDEX = BAD["index"]
SEED = [-1, 1.5, "3", True, math.nan, object(), [1, 2]]
MIXING = [3, "murphy", Mixing.gamma, (1.0,), True]
NOT_STR = [3, None, b"x", ["a"], 1.5]
OPT_POS = [v for v in BAD["positive"] if v is not None]  # None is valid for these
LAYERS = COUNT + [[0], [1.5]]
OPT_COUNT = [v for v in COUNT if v is not None]  # for counts where None means "no limit"
MAX_DEFECTS = OPT_COUNT + [ym.MAX_DEFECTS + 1, 2**62]
GRIDS = [(0, 5), (5,), "grid", None, (5, 5.0), (2**40, 2**40), [5, 5], (True, 5), 3]
BLOCKS = [(0, 5), (5,), "x", (1.5, 2), 5, (5, None), (True, 5), (-1, 2), (2**63, 1)]
POSITIONS = [
    "unifrm", 3, None, "radial",
    RadialProfile(3.0, power=1e5, wafer_radius_mm=140.0),  # overflows at GRID's corner sites
    RadialProfile(-1.0, wafer_radius_mm=5.0),              # zero on every site of GRID
]
KINDS = ["core", 3, (1, 0, 0), True, DefectKinds]
MODEL_NAMES = BAD["name"] + ["Murhpy"]
#: Each model parameter: a valid value and its bad values ("" stands for "none").
MODEL_PARAMS = {"": ({}, []), "alpha": ({"alpha": 3.0}, "positive"),
                "critical_layers": ({"critical_layers": 3}, BAD["count"])}
#: The kind of each field of a ChipletSystem (its constructor checks them all).
SYSTEM_FIELDS = {
    **dict.fromkeys(["die_width_mm", "die_height_mm", "die_area_mm2", "alpha",
                     "wafer_diameter_mm", "wafer_area_mm2"], "positive"),
    **dict.fromkeys(["d0", "scribe_mm", "edge_exclusion_mm", "dies_passing_test_per_wafer",
                     "carrier_area_mm2", "carrier_d0", "good_systems_per_wafer"], "nonnegative"),
    **dict.fromkeys(["die_yield", "test_coverage", "kgd_pass_rate", "kgd_escape", "bond_yield",
                     "carrier_yield", "carrier_bond_yield", "package_yield"], "probability"),
    **dict.fromkeys(["silicon_per_good_system_mm2", "die_silicon_per_good_system_mm2"],
                    [v for v in BAD["positive"] if v != math.inf]),  # inf: no good system
    "n_dies": COUNT, "dies_per_wafer": INDEX, "defect_level_model": BAD["name"],
    "carrier_alpha": OPT_POS,
}


CASES = [
    # ---------------------------------------------------------------- closed forms
    *[
        Case(f, (814.0, 0.1), {"critical_area_ratio": 0.5},
             kinds={0: NONNEG, 1: NONNEG, "critical_area_ratio": RATIO})
        for f in (ym.poisson_yield, ym.murphy_yield, ym.rectangular_yield,
                  ym.seeds_exponential_yield, ym.seeds_hyperbolic_yield)
    ],
    Case(ym.negative_binomial_yield, (814.0, 0.1, 3.0), {"critical_area_ratio": 1.0},
         kinds={0: NONNEG, 1: NONNEG, 2: POS, "critical_area_ratio": RATIO}),
    Case(ym.bose_einstein_yield, (814.0, 0.1, 3), {"critical_area_ratio": 1.0},
         kinds={0: NONNEG, 1: NONNEG, 2: LAYERS, "critical_area_ratio": RATIO}),
    Case(ym.expected_defects, ([100.0, 46225.0], 0.1), kinds={0: NONNEG, 1: NONNEG}),
    Case(ym.all_yields, (814.0, 0.1),
         {"alpha": 3.0, "critical_layers": 2, "critical_area_ratio": 1.0},
         kinds={0: "nonnegative", 1: "nonnegative", "alpha": "positive", "critical_layers": COUNT,
                "critical_area_ratio": RATIO + [[0.5]]}),
    # ---------------------------------------------------------------- registry
    Case(ym.get_model, ("murphy",), kinds={0: MODEL_NAMES}),
    Case(YieldModel, (), dict(name="poisson", func=POISSON.func, params=(), formula="exp(-A*D0)",
                              reference="Stapper 1983", mixing=POISSON.mixing),
         kinds={"name": NOT_STR + [""], "func": [3, None, "exp"],
                "params": ["alpha", (3,), None, [1]], "formula": NOT_STR, "reference": NOT_STR,
                "mixing": [3, None, "gamma"]}),
    *[  # every model's mixing law, get_model(name).mixing(...)
        Case(model.mixing, (), {**MODEL_PARAMS[p][0], "max_defects": 100},
             kinds={"max_defects": MAX_DEFECTS + ([None] if name == "seeds-exponential" else []),
                    **{q: MODEL_PARAMS[q][1] for q in model.params}})
        for name, model in ym.YIELD_MODELS.items() for p in (model.params or ("",))
    ],
    # ---------------------------------------------------------------- redundancy
    Case(ym.k_of_n_yield, (144, 132, 5.0, 0.1), {"alpha": 2.0, "shared_area_mm2": 81.4},
         kinds={0: COUNT, 1: COUNT + [145], 2: NONNEG, 3: NONNEG, "alpha": POS,
                "shared_area_mm2": NONNEG}),
    Case(ym.k_of_n_groups_yield, ([(144, 132, 3.67), (12, 10, 9.5)], 0.1),
         {"alpha": 2.0, "shared_area_mm2": 171.5},
         kinds={0: [[], "abc", None, 3, [(144, 132)], [(144, 132, 3.67, 1.0)], [3],
                    *[[(144, 132, 3.67), (v, 10, 9.5)] for v in COUNT],
                    *[[(144, 132, 3.67), (12, v, 9.5)] for v in COUNT + [13]],
                    *[[(144, 132, 3.67), (12, 10, v)] for v in NONNEG]],
                1: NONNEG, "alpha": POS, "shared_area_mm2": NONNEG}),
    Case(ym.lane_repaired_bond_yield, (0.95, 86, "ucie-advanced-x64"), {"lane_share": 0.5},
         kinds={0: BAD["probability"] + [0.0], 1: COUNT, 2: BAD["name"] + [ym.limits.load_packaging_limits()],
                "lane_share": BAD["probability"]}),
    # ---------------------------------------------------------------- dies per wafer
    *[
        Case(f, (26.0, 33.0, 300.0), {"scribe_mm": 0.2, "edge_exclusion_mm": 5.0},
             kinds={0: "positive", 1: "positive", 2: "positive", "scribe_mm": "nonnegative",
                    "edge_exclusion_mm": BAD["nonnegative"] + [150.0, 1e300]})
        for f in (ym.gross_dies_per_wafer, ym.exact_dies_per_wafer, ym.exact_count_feasible)
    ],
    # ---------------------------------------------------------------- assembly
    Case(ym.system_yield, (25, 0.98), kinds={0: COUNT, 1: "probability"}),
    Case(ym.good_systems_per_wafer, (100.0, 25, 0.98),
         kinds={0: "nonnegative", 1: COUNT, 2: "probability"}),
    Case(ym.kgd_pass_rate, (0.8, 0.9), kinds={0: "probability", 1: "probability"}),
    *[
        Case(f, (0.8, 0.9), {"model": "williams-brown"},
             kinds={0: "probability", 1: "probability", "model": BAD["name"]})
        for f in (ym.defect_level, ym.kgd_yield)
    ],
    Case(ym.carrier_yield, (1000.0, 0.06, 6.0),
         kinds={0: "nonnegative", 1: "nonnegative", 2: "positive"}),
    Case(ym.package_yield, (4,), {"bond_yield": 0.95, "kgd_escape": 0.01, "carrier_yield": 0.9},
         kinds={0: COUNT, "bond_yield": "probability", "kgd_escape": "probability",
                "carrier_yield": "probability"}),
    Case(ym.package_yield, (4,), {"bond_yield": 0.95, "spare_dies_per_row": 1, "rows": 2},
         kinds={"spare_dies_per_row": BAD["index"], "rows": COUNT + [3, 8]}),
    Case(ym.longest_run_pmf, (7, 0.9), kinds={0: BAD["index"] + [2_001], 1: "probability"}),
    Case(ym.degraded_rows_pmf, (84,), {"bond_yield": 0.99, "kgd_escape": 0.01, "carrier_yield": 0.9,
                                       "spare_dies_per_row": 1, "rows": 7},
         kinds={0: COUNT, "bond_yield": "probability", "kgd_escape": "probability", "carrier_yield": "probability",
                "spare_dies_per_row": BAD["index"], "rows": COUNT + [5, 168]}),
    Case(ym.degraded_rows_pmf, (4_002,), {"rows": 2}, kinds={"rows": [2_001, 4_002]}),
    Case(ym.chiplet_system, (None, 4, 0.1, 10.0), dict(
        die_width_mm=10.0, die_height_mm=10.0, wafer_diameter_mm=300.0, scribe_mm=0.2,
        edge_exclusion_mm=5.0, test_coverage=0.9, defect_level_model="conditional",
        bond_yield=0.99, carrier_area_mm2=500.0, carrier_d0=0.05, carrier_alpha=3.0,
        carrier_bond_yield=0.99, die_yield=0.9),
        kinds={0: OPT_POS + [50.0], 1: COUNT, 2: "nonnegative", 3: "positive",
               "die_width_mm": OPT_POS, "die_height_mm": OPT_POS,
               "wafer_diameter_mm": "positive", "scribe_mm": "nonnegative",
               "edge_exclusion_mm": BAD["nonnegative"] + [150.0],
               "test_coverage": "probability", "defect_level_model": BAD["name"],
               "bond_yield": "probability", "carrier_area_mm2": "nonnegative",
               "carrier_d0": "nonnegative", "carrier_alpha": OPT_POS, "die_yield": "probability",
               "carrier_bond_yield": "probability"}),
    Case(ym.chiplet_system, (100.0, 4, 0.1, 10.0), dict(spare_dies_per_row=1, die_rows=2),
         kinds={"spare_dies_per_row": BAD["index"], "die_rows": COUNT + [3]}),
    Case(ChipletSystem.from_parameters, ("chiplet-actuary", "5nm", "si-interposer", 100.0, 4),
         dict(test_coverage=0.9, wafer_diameter_mm=300.0),
         kinds={0: ["no-such-set", 3, None, "/no/such/file.toml", "/dev/zero", b"x"],
                1: BAD["name"], 2: BAD["name"], 3: OPT_POS, 4: COUNT,
                "test_coverage": "probability", "wafer_diameter_mm": OPT_POS}),
    Case(ChipletSystem, (), SYSTEM.to_dict(), kinds=SYSTEM_FIELDS),
    # ---------------------------------------------------------------- parameter sets
    Case(ym.load_parameter_set, ("chiplet-actuary",), kinds={0: BAD["name"] + [
        "/dev/zero", "/", "/no/such/dir/x.toml", "a\x00b.toml", b"chiplet-actuary"]}),
    Case(ProcessNode, ("5nm", 0.11, 10.0, "Feng & Ma"),
         kinds={0: NOT_STR, 1: "nonnegative", 2: "positive", 3: NOT_STR}),
    Case(Packaging, ("si-interposer", 0.95, 0.06, 6.0, "Feng & Ma", 1.1, 0.99),
         kinds={0: NOT_STR, 1: "probability", 2: BAD["nonnegative"] + [None],
                3: [v for v in BAD["positive"] if v is not None] + [None], 4: NOT_STR,
                5: OPT_POS, 6: "probability"}),
    Case(WaferDefaults, (300.0, 0.2, 5.0, "src"),
         kinds={0: "positive", 1: "nonnegative", 2: BAD["nonnegative"] + [150.0], 3: NOT_STR}),
    Case(ParameterSet, ("s", "src"), dict(nodes=dict(PS.nodes), packagings=dict(PS.packagings),
                                          wafer=PS.wafer, path="x.toml"),
         kinds={0: NOT_STR, 1: NOT_STR,
                "nodes": [3, None, {"a": 3}, {3: PS.node("5nm")}, [PS.node("5nm")]],
                "packagings": [3, None, {"a": PS.node("5nm")}, {None: PS.packaging("info-rdl")}],
                "wafer": [3, "wafer", (300.0, 0.0, 0.0)], "path": [3, b"x.toml", ["x"]]}),
    Case(PS.node, ("5nm",), kinds={0: BAD["name"] + ["5NM"]}),
    Case(PS.packaging, ("info-rdl",), kinds={0: BAD["name"]}),
    # ---------------------------------------------------------------- sampling
    Case(DefectBatch, (np.array([0, 2, 2, 3]), np.array([4, 7, 1])),
         dict(kinds=np.array([0, 1, 2]), n_sites=10),
         kinds={0: [[0, 3, 2, 3], [0, 2, 2, 4], [1, 2, 2, 3], [], [[0, 2, 2, 3]],
                    [0.0, 2.0, 2.0, 3.0], ["a"], None, [0, 2, 2, 3.5], [0, -1, 2, 3],
                    [0, 2**64, 2, 3], [True, False, False, True]],
                1: [[4, 7, -1], [4, 7, 10], [4.0, 7.0, 1.0], [4, 7], ["a", "b", "c"], None,
                    [[4, 7, 1]], [4, 7, 2**64], [4, 7, math.nan]],
                "kinds": [[0, 1], [0, 1, 4], [0, 1, -1], [0.0, 1.0, 2.0], [True, False, True],
                          "abc", [[0, 1, 2]], [0, 1, 2**64]],
                "n_sites": OPT_COUNT + [5]}),
    Case(BATCH.trial, (0,), kinds={0: INDEX + [3]}),
    Case(BATCH.trial_kinds, (2,), kinds={0: INDEX + [3]}),
    Case(Mixing, ("gamma", 2.0, 1.0, 100),
         kinds={0: BAD["name"] + ["Gamma"], 1: BAD["positive"], 2: BAD["positive"],
                3: MAX_DEFECTS}),
    Case(Mixing, ("triangular", None, 2.0), kinds={1: [1.0, 0.5]}),  # shape is gamma's only
    Case(Mixing.poisson, (), {"max_defects": 5}, kinds={"max_defects": MAX_DEFECTS}),
    *[
        Case(f, (2.0,), {"max_defects": 5}, kinds={0: "positive", "max_defects": MAX_DEFECTS})
        for f in (Mixing.triangular, Mixing.uniform, Mixing.exponential, Mixing.levy)
    ],
    Case(Mixing.gamma, (2.0, 1.5), {"max_defects": 5},
         kinds={0: "positive", 1: "positive", "max_defects": MAX_DEFECTS}),
    Case(Mixing.triangular().zero_defect_probability, (0.814,), kinds={0: "nonnegative"}),
    Case(ym.sample_defects, (5, 2.0, 100, 7), {"first_trial": 3, "mixing": Mixing.triangular()},
         kinds={0: INDEX + [ym.MAX_TRIALS + 1, 2**62], 1: BAD["nonnegative"] + [1e300, 1e9],
                2: COUNT + [2**62 + 1, 2**63 - 1], 3: SEED, "first_trial": INDEX + [2**63 - 3],
                "mixing": MIXING}),
    Case(ym.sample_grid_defects, (5, GRID, 3.0, 1),
         dict(first_trial=0, alpha=2.0, block=(5, 5), positions=RadialProfile(3.0),
              kinds=DefectKinds(1.0, 1.0, 1.0)),
         kinds={0: INDEX + [ym.MAX_TRIALS + 1, 2**62], 1: GRIDS,
                2: BAD["nonnegative"] + [1e300], 3: SEED, "first_trial": INDEX + [2**63 - 3],
                "alpha": BAD["positive"] + [1e-300, 1e-10],  # 1e-10: a heavier tail than allowed
                "block": BLOCKS, "positions": POSITIONS, "kinds": KINDS,
                "mixing": [Mixing.triangular()]}),  # both alpha and mixing
    Case(ym.sample_grid_defects, (5, (8, 8), 3.0, 1), dict(mixing=Mixing.levy(max_defects=50)),
         kinds={"mixing": MIXING, 2: [math.inf, -1.0]}),
    Case(DefectGrid, (4, 5),
         dict(row_pitch_mm=1.0, col_pitch_mm=2.0, centre_x_mm=3.0, centre_y_mm=-1.0),
         kinds={0: COUNT + [2**61], 1: COUNT + [2**61], "row_pitch_mm": OPT_POS + [1e300],
                "col_pitch_mm": OPT_POS + [1e300], "centre_x_mm": BAD["real"] + [1e300],
                "centre_y_mm": BAD["real"] + [-1e300]}),
    Case(DefectGrid.from_die, (980, 984, 215.0, 215.0), dict(centre_x_mm=1.0, centre_y_mm=2.0),
         kinds={0: COUNT, 1: COUNT, 2: "positive", 3: "positive", "centre_x_mm": BAD["real"],
                "centre_y_mm": BAD["real"]}),
    Case(GRID.site_centres_mm, ([0, 5, 399],), kinds={0: BAD["ids"] + [[400], "0", None]}),
    Case(DefectKinds, (3.0, 1.0, 1.0),
         kinds={0: "nonnegative", 1: "nonnegative", 2: "nonnegative"}),
    Case(DefectKinds, (0.0, 0.0, 1.0), kinds={2: [0.0]}),  # all zero
    Case(RadialProfile, (3.0, 2.0, 150.0),
         kinds={0: BAD["real"] + [-1.5], 1: "positive", 2: BAD["positive"] + [1e200, 1e-200]}),
    Case(RadialProfile(3.0, power=1e5).density, ([0.0, 75.0, 150.0],),
         kinds={0: REAL_ARRAY + [[-1.0], 160.0, [1e300]]}),
    Case(ReticlePattern, (12, 16, [[3.0, 1.0], [0.0, 2.0]]),
         kinds={0: COUNT + [1, ym.RETICLE_MAX_LINES + 1, 2**40],
                1: COUNT + [ym.RETICLE_MAX_LINES + 1],
                2: [[[math.nan]], [[-1.0]], [[0.0, 0.0]], "ab", [[1.0], [2.0, 3.0]], None,
                    [[1 + 2j]], [[True]], [["1"]], [1.0, 2.0], [[[1.0]]], [], [[1.0] * 17]]}),
    Case(ReticlePattern.edge_weighted, (140, 82), dict(edge_weight=3.0, cells=5),
         kinds={0: COUNT + [2**40], 1: COUNT, "edge_weight": "nonnegative",
                "cells": COUNT + [83, 2**30]}),
    Case(ReticlePattern(12, 16, [[1.0, 2.0]]).line_classes, (40, 1),
         kinds={0: INDEX + [2**62], 1: [2, -1, 1.5, "0", None, True]}),
]

#: Public callables with no parameter to make bad.
EXEMPT = {"parameter_sets": "takes no parameters (lists the shipped sets)"}


# --------------------------------------------------------------------------
# The sweep

(test_every_public_callable_has_a_case, test_the_valid_call_of_each_case_succeeds,
 test_bad_values_raise_the_project_error,
 test_every_bad_value_raises_the_project_error) = sweep(ym, CASES, EXEMPT)


# --------------------------------------------------------------------------
# 1. The exact die count: its search is estimated up front and bounded


@pytest.mark.parametrize(
    ("w", "h", "kw"),
    [(0.1, 0.1, {}), (1e-300, 1e-300, {}), (1e-9, 299.0, {}), (0.3, 0.3, {"scribe_mm": 0.0}),
     (1.0, 1.0, {"wafer_diameter_mm": 1e300})],
)
def test_exact_count_refuses_a_search_beyond_the_limit(w, h, kw):
    assert not ym.exact_count_feasible(w, h, **kw)
    with pytest.raises(ParameterError, match="EXACT_COUNT_MAX_STEPS.*use gross_dies_per_wafer"):
        ym.exact_dies_per_wafer(w, h, **kw)


@pytest.mark.parametrize(
    ("w", "h", "d", "expected"),
    [(1e300, 1e300, 300.0, 0), (1e-9, 1000.0, 300.0, 0), (1e300, 1e-300, 300.0, 0),
     (1e200, 1e200, 1e201, 62), (1e-200, 1e-200, 1e-199, 62)],
)
def test_exact_count_answers_extreme_geometries_at_once(w, h, d, expected):
    assert ym.exact_count_feasible(w, h, d)
    assert ym.exact_dies_per_wafer(w, h, d) == expected
    assert ym.exact_dies_per_wafer(1.0, 1.0, 10.0) == 62  # the same geometry at unit scale


def test_a_die_just_inside_the_limit_still_counts_correctly(monkeypatch):
    # The limit moved down to the estimate of a 5 x 5 mm die (the real limit is a ~5 s search):
    # that die is just inside and counts as always; a slightly smaller one is refused.
    steps = dies_module._search_steps(5.0, 5.0, 0.0, 150.0)
    monkeypatch.setattr(dies_module, "EXACT_COUNT_MAX_STEPS", steps)
    assert ym.exact_count_feasible(5.0, 5.0)
    assert ym.exact_dies_per_wafer(5.0, 5.0) == 2717
    assert not ym.exact_count_feasible(4.99, 5.0)
    with pytest.raises(ParameterError, match="too small for the exact count"):
        ym.exact_dies_per_wafer(4.99, 5.0)
    with pytest.raises(ParameterError, match="die_w_mm x die_h_mm"):
        ym.chiplet_system(24.9, 1, 0.1, 10.0)  # the die count of a chiplet system is exact too


def test_exact_count_limit_admits_the_documented_sizes():
    # below ~0.49 mm squares on a 300 mm wafer; estimates only (no search runs)
    assert ym.exact_count_feasible(0.5, 0.5) and ym.exact_count_feasible(0.02, 20.0)
    assert not ym.exact_count_feasible(0.45, 0.45)
    assert ym.exact_count_feasible(0.1, 0.1, 30.0)  # the same ratio as 1 x 1 mm on 300 mm


def test_gross_count_refuses_a_count_beyond_a_float():
    with pytest.raises(ParameterError, match="die_w_mm x die_h_mm must give a die count"):
        ym.gross_dies_per_wafer(1e-300, 1e-300)
    # radii far from 1 mm are scaled by a power of two first: the same count as at unit scale
    assert ym.gross_dies_per_wafer(1e200, 1e200, 1e201) == pytest.approx(
        ym.gross_dies_per_wafer(1, 1, 10))


# --------------------------------------------------------------------------
# 2. Radial profiles the rejection sampler cannot use


@pytest.mark.parametrize("block_kw", [{}, {"alpha": 2.0, "block": (10, 10)}])
def test_a_density_overflowing_beyond_the_wafer_radius_is_refused(block_kw):
    # corner site centres at r / R = 1.0085: (r / R) ** 1e5 overflows; it used to loop
    # forever (wafer scale) or leave NaN block weights (block scale)
    profile = RadialProfile(3.0, power=1e5)
    match = r"finite density.*edge_excess = 3\.0 and power = 100000\.0.*200 x 200 grid"
    with pytest.raises(ParameterError, match=match):
        ym.sample_grid_defects(3, FINE_GRID, 5.0, 1, positions=profile, **block_kw)
    # inside the wafer the same power is only a thin, empty edge ring: accepted, uniform-like
    inner = DefectGrid.from_die(100, 100, 200.0, 200.0)
    b = ym.sample_grid_defects(2000, inner, 5.0, 1, positions=profile, **block_kw)
    assert abs(b.sites.size / 2000 - 5.0) < 0.3


def test_a_density_zero_everywhere_or_too_uneven_is_refused():
    with pytest.raises(ParameterError, match="power = 2.0.*gives 0 to every site"):
        ym.sample_grid_defects(3, GRID, 5.0, 1, positions=RadialProfile(-1.0, wafer_radius_mm=5.0))
    # the density of the 4 corner sites of 90,000 dwarfs the rest: acceptance 4.8e-5
    grid = DefectGrid.from_die(300, 300, 200.0, 200.0)
    steep = RadialProfile(1e12, power=1000.0, wafer_radius_mm=141.0)
    for kw in ({}, {"alpha": 2.0, "block": (30, 30)}):
        with pytest.raises(ParameterError, match=r">= 0.0001 \(RADIAL_MIN_ACCEPTANCE"):
            ym.sample_grid_defects(3, grid, 5.0, 1, positions=steep, **kw)


def test_an_accepted_profile_keeps_the_expected_count():
    # a steep profile just above the acceptance floor (4.5e-4): still mean_defects per trial
    grid = DefectGrid.from_die(100, 100, 200.0, 200.0)
    profile = RadialProfile(1e6, power=300.0, wafer_radius_mm=141.0)
    b = ym.sample_grid_defects(1000, grid, 2.0, 5, positions=profile)
    assert abs(b.sites.size / 1000 - 2.0) < 0.2
    x, y = grid.site_centres_mm(b.sites)
    assert np.hypot(x, y).mean() > 135.0  # the defects crowd the corners


def test_radial_grids_beyond_the_site_limit_are_refused():
    grid = DefectGrid.from_die(2**13, 2**13 + 1, 200.0, 200.0)  # refused before any O(sites) work
    with pytest.raises(ParameterError, match="RADIAL_MAX_SITES"):
        ym.sample_grid_defects(1, grid, 1.0, 1, positions=RadialProfile(1.0))


# --------------------------------------------------------------------------
# 3. Parameter files: regular files of at most PARAMETER_FILE_MAX_BYTES


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/urandom", "/"])
def test_parameter_files_that_are_not_regular_files_are_refused(path):
    with pytest.raises(ParameterError, match="must be a regular file"):
        ym.load_parameter_set(path)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "set.toml"
    os.mkfifo(fifo)
    with pytest.raises(ParameterError, match="must be a regular file, got .*set.toml"):
        ym.load_parameter_set(fifo)


def test_a_parameter_file_beyond_the_cap_is_refused(tmp_path):
    big = tmp_path / "big.toml"
    big.write_text('name = "x"\nsource = "y"\n' + "#" * ym.PARAMETER_FILE_MAX_BYTES)
    match = "at most 1,048,576 bytes .*PARAMETER_FILE_MAX_BYTES.*big.toml"
    with pytest.raises(ParameterError, match=match):
        ym.load_parameter_set(big)
    ok = tmp_path / "ok.toml"
    ok.write_text('name = "x"\nsource = "y"\n' + "#" * (ym.PARAMETER_FILE_MAX_BYTES - 40) + "\n")
    assert ym.load_parameter_set(ok).name == "x"


def test_a_deeply_nested_parameter_file_is_refused(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("name = " + "[" * 50_000 + "]" * 50_000 + "\n")
    with pytest.raises(ParameterError, match="nested too deeply"):
        ym.load_parameter_set(deep)


# --------------------------------------------------------------------------
# 4. Counts beyond what the kernels hold, and counts whose work grows without bound


@pytest.mark.parametrize("n", [2**63, 10**30, -(2**64)])
def test_k_of_n_refuses_counts_beyond_int64(n):
    with pytest.raises(ParameterError, match="n_units must be an integer"):
        ym.k_of_n_yield(n, 1, 0.1, 0.1)
    with pytest.raises(ParameterError, match="k_needed must be an integer"):
        ym.k_of_n_yield(144, n, 0.1, 0.1)


def test_k_of_n_answers_at_the_largest_counts():
    # O(1) in N; the clustered form used to fail with a math domain error for K << N
    n = 2**62
    assert ym.k_of_n_yield(n, 1, 0.1, 0.1) == 1.0
    assert ym.k_of_n_yield(n, 1, 0.1, 0.1, alpha=2.0) == pytest.approx(1.0)
    assert ym.k_of_n_yield(2**63 - 1, 2**63 - 1, 1e-16, 1.0, alpha=2.0) == pytest.approx(
        (1 + (2**63 - 1) * 1e-18 / 2.0) ** -2.0)
    # K = N: the plain negative binomial die yield, whatever N
    assert ym.k_of_n_yield(n, n, 1e-16, 1.0, alpha=2.0) == pytest.approx(
        (1 + n * 1e-18 / 2.0) ** -2.0)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: ym.sample_defects(2**62, 1.0, 10, 1),
         "n_trials must be an integer in \\[0, 100,000,000\\]"),            # a 2**62 array
        (lambda: ym.sample_defects(1, 1e300, 10, 1), "mean_defects .*MAX_DEFECTS"),  # never ends
        (lambda: ym.sample_defects(10**6, 1000.0, 10, 1), "mean_defects .*MAX_DEFECTS"),
        (lambda: ym.sample_defects(1, 1.0, 2**63 - 1, 1), "n_sites"),   # looped forever
        (lambda: ym.sample_defects(1, 1.0, 10, 1, first_trial=2**63 - 1), "first_trial"),
        (lambda: ym.Mixing.levy(max_defects=2**62),
         "max_defects must be an integer in \\[1, 134,217,728\\]"),
        (lambda: ym.sample_defects(100, 10.0, 10, 1,
                                   mixing=ym.get_model("bose-einstein").mixing(2**62)),
         "mean_defects"),
        (lambda: ym.sample_defects(1, 3.0, 10, 1, mixing=ym.Mixing.gamma(1e-10)),
         "1e-12 tail"),                                                    # rare draws of 1e11
        (lambda: ym.sample_grid_defects(9, (20, 20), 3.0, 1, alpha=1e-17, block=(5, 5)),
         "alpha must be at least"),                                        # ZeroDivisionError
        (lambda: ym.sample_grid_defects(1, (2**30, 2**30), 1.0, 1, alpha=1.0, block=(1, 1)),
         "MAX_BLOCKS"),
        (lambda: ym.sample_grid_defects(300, (980, 984), 46.0, 1, alpha=1.0, block=(1, 1)),
         "MAX_BLOCK_DRAWS"),
        (lambda: ym.sample_grid_defects(1, (10, 10), 1e300, 1, alpha=1.0, block=(2, 2)),
         "MAX_DEFECTS"),
        (lambda: ym.ReticlePattern(2**40, 4, [[1.0]]), "reticle_rows"),  # a 2**40 class table
        (lambda: ym.ReticlePattern.edge_weighted(2**10, 2**10, cells=2**30), "cells"),
        (lambda: ym.ReticlePattern(4, 4, [[1.0]]).line_classes(2**62, 0), "n_lines"),
        (lambda: ym.system_yield(2**63, 0.98), "n_dies"),
    ],
)
def test_counts_whose_work_or_memory_grows_are_limited(call, name):
    with pytest.raises(ParameterError, match=name):
        call()


def test_a_draw_beyond_the_limit_is_refused_before_placing(monkeypatch):
    # The limit moved down to 100: 9 trials of mean 10 expect 90 defects (accepted), and with
    # seed 12 draw 106, refused before any site is placed; seed 0 draws fewer and is sampled.
    monkeypatch.setattr(sampling_module, "MAX_DEFECTS", 100)
    with pytest.raises(ParameterError, match="drawn defects <= 100 .*got 106"):
        ym.sample_defects(9, 10.0, 10, 12)
    with pytest.raises(ParameterError, match="drawn defects <= 100"):
        ym.sample_grid_defects(9, (4, 4), 10.0, 12)
    assert ym.sample_defects(9, 10.0, 10, 0).sites.size <= 100
    with pytest.raises(ParameterError, match="expected defects <= 100"):
        ym.sample_defects(11, 10.0, 10, 0)


def test_huge_counts_still_answer_where_the_work_does_not_grow():
    assert ym.system_yield(2**62, 0.98) == 0.0 and ym.package_yield(2**62) == 1.0
    assert ym.bose_einstein_yield(100.0, 0.1, 2**62) == 0.0
    b = ym.sample_defects(3, 1.0, 2**62, 1, first_trial=2**63 - 4)
    assert b.n_trials == 3 and b.n_sites == 2**62


# --------------------------------------------------------------------------
# 5. Found by the sweep: silent garbage and foreign errors at valid but extreme values


def test_k_of_n_clustered_at_extreme_alpha_and_means():
    # alpha beyond 1e12 is the Poisson limit (the integral used to give 0.0 at alpha = 1e100)
    poisson = ym.k_of_n_yield(144, 132, 10.0, 1.0)
    for alpha in (1e13, 1e100, 1e300):
        assert ym.k_of_n_yield(144, 132, 10.0, 1.0, alpha=alpha) == pytest.approx(poisson)
    # a peak far narrower than the quadrature grid used to overflow (OverflowError)
    assert ym.k_of_n_yield(144, 132, 1e-12, 1e300, alpha=1e6) == 0.0
    # area x d0 beyond a float used to give NaN
    assert ym.k_of_n_yield(1, 1, 1e12, 1e300, alpha=2.0, shared_area_mm2=1e300) == 0.0


def test_defect_batches_refuse_what_they_used_to_truncate_or_accept():
    with pytest.raises(ParameterError, match="sites must be site ids >= 0, got 1.5"):
        DefectBatch([0, 1], [1.5])  # used to become site 1
    with pytest.raises(ParameterError, match="offsets must be an integer >= 0, got 0.0"):
        DefectBatch([0.0, 1.0], [3])
    with pytest.raises(ParameterError, match=r"site ids in \[0, n_sites = 10\), got 10"):
        DefectBatch([0, 1], [10], n_sites=10)
    assert ym.sample_grid_defects(2, (3, 4), 2.0, 1).n_sites == 12


def test_reticle_patterns_refuse_values_numpy_would_convert():
    for weights in ([["1", "2"]], [[True, False]]):
        with pytest.raises(ParameterError, match="weights must be"):
            ReticlePattern(4, 4, weights)


def test_grids_far_from_the_wafer_and_tiny_or_huge_radii_are_refused():
    with pytest.raises(ParameterError, match="col_pitch_mm must keep the grid's sites within"):
        DefectGrid(2, 2**40, 1.0, 1e140)
    with pytest.raises(ParameterError, match="wafer_radius_mm"):
        RadialProfile(1.0, wafer_radius_mm=1e200)  # (1e200)**2 raised OverflowError


def test_reticle_block_weights_need_no_array_the_size_of_the_grid():
    # the per-block line counts are closed form: the same as counting line by line ...
    pattern = ReticlePattern(7, 5, [[1.0, 2.0], [0.5, 0.0], [3.0, 1.0]])
    for n_lines, size, axis in [(60, 8, 0), (23, 23, 1), (100, 3, 1), (5, 2, 0)]:
        starts = np.arange(0, n_lines, size)
        by_line = np.zeros((starts.size, 3 if axis == 0 else 2))
        np.add.at(by_line, (np.arange(n_lines) // size, pattern.line_classes(n_lines, axis)), 1.0)
        assert np.array_equal(pattern._block_line_counts(starts, n_lines, axis), by_line)
    # ... so a grid of 2**40 rows in 2**20 blocks samples at once (it used to need 2**40 lines)
    b = ym.sample_grid_defects(3, (2**40, 1), 5.0, 1, alpha=1.0, block=(2**20, 1),
                               positions=ReticlePattern(4, 1, [[1.0], [2.0]]))
    assert b.n_trials == 3 and b.n_sites == 2**40
