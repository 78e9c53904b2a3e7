"""Every public callable of :mod:`wafer` refuses bad values with the project's error.

A hypothesis test swaps one parameter of a valid call for a bad value of its
kind (tests/bad_input.py) and requires :class:`paramcheck.ParameterError`
with a one-line message; a second test fails when a public callable has no
case here. Then one regression test per problem the issue lists.
"""

from __future__ import annotations

import numpy as np
import pytest
import wafer
import yieldmodels
from bad_input import Case, require_project_error, sweep
from paramcheck import ParameterError
from wafer.chiplet import ChipletSpec, chiplet_comparison
from wafer.dieyield import die_yield_report
from wafer.geometry import WaferSpec
from wafer.remap import checked_batch
from wafer.schemes import get_scheme, make_scheme, scheme_parameters
from wafer.shift import ShiftLayoutMapping, ShiftMapping, ShiftToSpare
from wafer.study import MAX_TRIALS, StudyConfig, run_study

#: A 4 x 8 core wafer on a 4 x 4 mm die, segments of 4 with 1 spare, 2 x 2 chiplets: every call is quick.
W = dict(core_rows=4, core_cols=8, die_width_mm=4.0, die_height_mm=4.0)
SPEC = WaferSpec(**W)
SCHEME = ShiftToSpare(segment_width=4, spares=1, max_skew=1)
#: The same with interleaved spares (a variant: ShiftLayoutMapping).
MID = ShiftToSpare(segment_width=4, spares=1, max_skew=1, spare_layout="interleaved")
CHIP = ChipletSpec(dies_x=2, dies_y=2)
CONFIG = StudyConfig(wafer=SPEC, scheme=SCHEME, chiplet=CHIP, d0=10.0, trials=2)
BATCH = yieldmodels.DefectBatch(np.array([0, 1, 2]), np.array([3, 9]))
NOT_A_SPEC = ["x", None, 3, {"core_rows": 4}, ChipletSpec()]
#: Specs SCHEME cannot be laid out on: segments that do not tile the rows.
UNFIT_SPECS = [WaferSpec(**{**W, "core_cols": 6}), WaferSpec(**{**W, "core_cols": 10})]
NOT_A_SCHEME = ["shift-to-spare", None, 3, {"segment_width": 4}, ShiftToSpare, wafer.RemapScheme(), SPEC,
                ShiftToSpare(segment_width=3, spares=1, max_skew=1), ShiftToSpare(segment_width=16, spares=1, max_skew=1)]     # segments that do not tile
NOT_A_BATCH = ["x", None, [1, 2], np.array([1, 2]),
               yieldmodels.DefectBatch(np.array([0, 1]), np.array([32])),      # off the grid
               yieldmodels.DefectBatch(np.array([0, 2]), np.array([9, 3]))]    # unsorted
FAULTS = wafer.Faults(BATCH, yieldmodels.DefectBatch(np.array([0, 1, 1]), np.array([3])),
                      yieldmodels.DefectBatch(np.array([0, 0, 1]), np.array([4 * 9 + 2])))
CORE_IDS = [[-1], [32], [1.5], [[1, 2]], ["a"], [2**64], [np.nan], "abc", [True]]

CASES = [
    Case(WaferSpec, kwargs=W, kinds={
        "wafer_diameter_mm": "positive", "die_width_mm": "positive", "die_height_mm": "positive",
        "core_rows": "count", "core_cols": "count", "bridge_margin": "index",
        "diagonal_links": "bool", "router_dies_with_core": "bool",
    }),
    Case(WaferSpec, kwargs=W, kinds={
        "die_width_mm": [400.0, 310.0], "core_rows": [2**25, 10**9], "bridge_margin": [2**25],
    }),
    Case(WaferSpec, kwargs={**W, "core_rows": 1}, kinds={"core_cols": [1]}),     # a single core
    Case(SPEC.cores_beyond, args=(3.0,), kinds={0: "nonnegative"}),
    Case(ShiftToSpare, kwargs=dict(segment_width=4, spares=1), kinds={
        "segment_width": "count", "spares": "index", "max_skew": "index",
    }),
    Case(ShiftToSpare, kwargs=dict(segment_width=4, spares=1), kinds={"spares": [4, 5, 2**63], "segment_width": [1],
                                                                      "axis": "name", "spare_layout": "name"}),
    Case(ShiftLayoutMapping, args=(SPEC, MID, [3]), kinds={0: [*NOT_A_SPEC, *UNFIT_SPECS],
                                                           1: [*NOT_A_SCHEME, SCHEME], 2: CORE_IDS}),
    Case(ShiftLayoutMapping(SPEC, MID, [3]).l2p, args=([0, 1],), kinds={0: [[-1], [24], [0.5], ["a"], [[0]]]}),
    Case(ShiftLayoutMapping(SPEC, MID, [3]).p2l, args=([0, 1],), kinds={0: CORE_IDS}),
    Case(MID.check, args=(SPEC, BATCH), kinds={0: [*NOT_A_SPEC, *UNFIT_SPECS], 1: NOT_A_BATCH}),
    Case(SCHEME.validate, args=(SPEC,), kinds={0: [*NOT_A_SPEC, *UNFIT_SPECS]}),
    Case(ShiftToSpare(segment_width=4, spares=3).validate, args=(WaferSpec(**{**W, "core_rows": 2}),),
         kinds={0: [WaferSpec(**{**W, "core_rows": 1, "core_cols": 4})]}),           # one logical core
    Case(make_scheme, args=("shift-to-spare",), kwargs=dict(segment_width=4, spares=1), kinds={
        0: "name", "segment_width": "count", "spares": "index", "max_skew": "index",
        "spare": [1], "spares_per_segment": [1]}),                                     # unknown parameters
    Case(scheme_parameters, args=("shift-to-spare",), kinds={0: "name"}),
    Case(ChipletSpec, kinds={
        "dies_x": "count", "dies_y": "count", "parameter_set": "name", "packaging": "name",
        "test_coverage": "probability", "d2d_gbps_per_mm": "positive", "d2d_latency_ns": "nonnegative",
        "link_bits": "count", "clock_ghz": "positive", "scribe_mm": "nonnegative",
        "edge_exclusion_mm": "nonnegative", "repair": "name", "spare_dies_per_row": "index",
        "lane_repair": "name", "lane_share": "probability", "d2d_lane_gtps": "positive",
    }),
    Case(ChipletSpec, kinds={"parameter_set": ["/no/such/file.toml", "/dev/zero", "/", "chiplet-actuar"],
                             "link_bits": [5000], "lane_repair": ["ucie-advanced-x64", "ucie-advanced-x32"],
                             "dies_y": [2_001]}),
    Case(ChipletSpec, kwargs=dict(packaging="si-interposer", lane_repair="ucie-advanced-x64"),
         kinds={"lane_repair": ["ucie-standard-x16", "ucie-advanced-x46"]}),
    Case(ChipletSpec(packaging="si-interposer", lane_repair="ucie-advanced-x64").lane_modules, args=(SPEC,),
         kinds={0: NOT_A_SPEC}),
    Case(ChipletSpec(packaging="si-interposer", lane_repair="ucie-advanced-x64").bond_yield, args=(SPEC,),
         kinds={0: NOT_A_SPEC}),
    Case(ChipletSpec(dies_x=2, dies_y=2).die_cores, args=(SPEC,),
         kinds={0: [*NOT_A_SPEC, WaferSpec(**{**W, "core_rows": 3})]}),
    Case(ChipletSpec(dies_x=2, dies_y=2).d2d_bandwidth, args=(SPEC,), kinds={0: NOT_A_SPEC}),
    Case(StudyConfig, kwargs=dict(wafer=SPEC, scheme=SCHEME, chiplet=CHIP), kinds={
        "wafer": NOT_A_SPEC, "chiplet": ["x", None, SPEC], "d0": "nonnegative", "alpha": "positive",
        "clustering": "name", "radial_edge_excess": "real", "radial_power": "positive",
        "router_fraction": "probability", "link_fraction": "probability", "trials": "count",
        "seed": "index", "scheme": NOT_A_SCHEME, "chunk_size": "count", "routing": "name",
        "traffic": [None, "uniform", ["uniform"], ("uniform", "uniform"), ("nope",), ("stencil:x",), (3,)],
        "link_classes": [3, "", "/no/such/links.toml", "/dev/zero", "/", b"links.toml"],
        "gpu": [3, "", "no-such-gpu", "dojo-like", "/no/such/gpu.toml", "/dev/zero", b"h100-like"],
        "tile": [3, "", "no-such-tile", "h100-like", "/no/such/tile.toml", "/dev/zero", ["dojo-like"]],
    }),
    Case(StudyConfig, kwargs=dict(wafer=SPEC, scheme=SCHEME, chiplet=CHIP), kinds={
        "wafer": UNFIT_SPECS, "trials": [MAX_TRIALS + 1, 2**63], "chunk_size": [10**6], "radial_edge_excess": [-1.5],
        "d0": [1e12], "chiplet": [ChipletSpec(dies_x=3, dies_y=2)],
    }),
    Case(StudyConfig, kwargs=dict(wafer=SPEC, scheme=SCHEME, chiplet=CHIP, router_fraction=0.6),
         kinds={"link_fraction": [0.5, 1.0]}),
    Case(chiplet_comparison, args=(SPEC, CHIP, 0.1, 10.0), kwargs=dict(scheme=SCHEME, die_yield=0.9), kinds={
        0: NOT_A_SPEC, 3: "positive", 2: "nonnegative", "die_yield": "probability",
        "scheme": ["x", 3, SPEC, ShiftToSpare(segment_width=8, spares=1)],     # not a scheme; wider than a die
        1: ["x", None, SPEC, ChipletSpec(dies_x=2, dies_y=2, edge_exclusion_mm=150.0)]}),
    Case(chiplet_comparison, args=(SPEC, ChipletSpec(dies_x=2, dies_y=2, repair="none"), 0.1, 10.0),
         kwargs=dict(die_yield=None), kinds={"die_yield": [0.5]}),               # no spares: the yield is a closed form
    Case(wafer.CostSpec, kinds={"node": ["6nm", "", 5, None], "volume": "count", "cost_set": "name"}),
    Case(wafer.CostSpec, kinds={"cost_set": ["/no/such/costs.toml", "/dev/zero", "chiplet-actuar"],
                                "volume": [10**13]}),
    Case(wafer.study_costs, args=(wafer.CostSpec(), SPEC, CHIP, (1.0, 0.9, 1.0), (0.9, 0.8, 1.0)), kinds={
        0: ["x", None, CHIP], 1: NOT_A_SPEC, 2: ["x", None, SPEC]}),
    Case(wafer.die_repair_closed_form, args=(SPEC, CHIP, SCHEME, 0.1, 10.0), kinds={
        0: NOT_A_SPEC, 1: ["x", None, ChipletSpec(dies_x=2, dies_y=2, repair="none")],
        2: ["x", None, ShiftToSpare(segment_width=8, spares=1)], 3: "nonnegative", 4: "positive"}),
    Case(ShiftMapping, args=(SPEC, SCHEME, [3]), kinds={0: [*NOT_A_SPEC, *UNFIT_SPECS], 1: NOT_A_SCHEME,
                                                         2: CORE_IDS}),
    Case(ShiftMapping, args=(SPEC, SCHEME, [3]), kwargs=dict(routers=[5], links=[4]),
         kinds={"routers": CORE_IDS, "links": [[-1], [128], [1.5], ["a"], [[1]]]}),
    Case(ShiftMapping(SPEC, SCHEME, [3]).l2p, args=([0, 1],), kinds={0: [[-1], [24], [0.5], ["a"], [[0]]]}),
    Case(ShiftMapping(SPEC, SCHEME, [3]).p2l, args=([0, 1],), kinds={0: CORE_IDS}),
    Case(SCHEME.check, args=(SPEC, BATCH), kinds={0: [*NOT_A_SPEC, *UNFIT_SPECS], 1: NOT_A_BATCH}),
    Case(SCHEME.mapping, args=(SPEC, [3]), kinds={0: [*NOT_A_SPEC, *UNFIT_SPECS], 1: CORE_IDS}),
    Case(SCHEME.mapping, args=(SPEC, [3]), kwargs=dict(routers=[5], links=[4]),
         kinds={"routers": CORE_IDS, "links": [[-1], [128], [1.5], ["a"], [[1]]]}),
    # (2, 2) blocks cut the segments of 4: no closed form (None), not an error.
    Case(SCHEME.repair_probability, args=(SPEC, 2.0), kwargs=dict(alpha=10.0, block=(2, 4)),
         kinds={0: [*NOT_A_SPEC, *UNFIT_SPECS], 1: "nonnegative", "alpha": "positive",
                "block": [(3, 4), (2, 3), (0, 4), "2x4", (2,), (2, 4, 1), (2.0, 4)]}),
    Case(get_scheme, args=("shift-to-spare",), kinds={0: "name"}),
    Case(wafer.SpareLines, kinds={"spare_rows": "index", "spare_cols": "index",
                                  "target_shape": [3, (1,), (0, 2), (2, "a"), "2x2", (2, 2, 2)]}),
    Case(wafer.SpareLines(1, 1).validate, args=(SPEC,), kinds={0: [
        *NOT_A_SPEC, WaferSpec(**{**W, "core_rows": 1}), WaferSpec(**{**W, "router_dies_with_core": True})]}),
    Case(wafer.SpareLines(1, 1, target_shape=(2, 2)).validate, args=(SPEC,),
         kinds={0: [WaferSpec(**{**W, "core_rows": 1, "core_cols": 2})]}),
    Case(wafer.SpareLines(1, 1).check, args=(SPEC, BATCH), kinds={0: NOT_A_SPEC, 1: NOT_A_BATCH}),
    Case(wafer.SpareLines(1, 1).mapping, args=(SPEC, [3]), kwargs=dict(routers=None, links=None),
         kinds={0: NOT_A_SPEC, 1: CORE_IDS, "routers": [[1]], "links": [[4]]}),
    Case(wafer.Harvest, kinds={"axis": "name", "target_lines": [0, -1, 1.5, "3", True, 2**63]}),
    Case(wafer.Harvest(target_lines=3).validate, args=(SPEC,), kinds={0: [
        *NOT_A_SPEC, WaferSpec(**{**W, "core_rows": 2}), WaferSpec(**{**W, "router_dies_with_core": True})]}),
    Case(wafer.Harvest().check, args=(SPEC, BATCH), kinds={0: NOT_A_SPEC, 1: NOT_A_BATCH}),
    Case(wafer.Harvest().mapping, args=(SPEC, [3]), kinds={0: NOT_A_SPEC, 1: CORE_IDS, "routers": [[1]]}),
    Case(wafer.Harvest().repair_probability, args=(SPEC, 2.0), kwargs=dict(alpha=3.0),
         kinds={0: NOT_A_SPEC, 1: "nonnegative", "alpha": "positive"}),
    Case(wafer.ColumnRerouting, kinds={"spare_cols": "index", "distance": "index", "select_rows": "bool"}),
    Case(wafer.ColumnRerouting(spare_cols=1).validate, args=(SPEC,), kinds={0: [
        *NOT_A_SPEC, WaferSpec(**{**W, "core_cols": 1, "core_rows": 8}),
        WaferSpec(**{**W, "router_dies_with_core": True})]}),
    Case(wafer.ColumnRerouting().check, args=(SPEC, BATCH), kinds={0: NOT_A_SPEC, 1: NOT_A_BATCH}),
    Case(wafer.ColumnRerouting().mapping, args=(SPEC, [3]), kinds={0: NOT_A_SPEC, 1: CORE_IDS, "links": [[4]]}),
    Case(wafer.get_preset, args=("wse-3",), kinds={0: ["", "no-such-preset", 3, None, b"x", ["a"],
                                                      "/no/such/preset.toml", "/dev/zero", "/"]}),
    Case(wafer.load_preset, args=(wafer.PRESETS["wse-3"],), kinds={0: [3, None, "/no/such.toml", "/dev/zero"]}),
    Case(wafer.check_preset, args=(wafer.get_preset("wse-1"),), kwargs=dict(trials=10),
         kinds={0: ["wse-1", None, SPEC], "trials": "count", "seed": "index", "d0": "nonnegative"}),
    Case(SCHEME.networks, args=(SPEC,), kinds={0: [*NOT_A_SPEC, *UNFIT_SPECS]}),
    Case(wafer.ShiftedNetworks, args=(SPEC, SCHEME), kinds={0: [*NOT_A_SPEC, *UNFIT_SPECS], 1: NOT_A_SCHEME}),
    Case(checked_batch, args=(SPEC, BATCH), kinds={0: NOT_A_SPEC, 1: NOT_A_BATCH}),
    Case(wafer.ShiftedNetworks(SPEC, SCHEME).measure, args=(FAULTS,), kinds={0: ["x", None, BATCH] + [
        wafer.Faults(*parts) for parts in [
            (NOT_A_BATCH[4], FAULTS.routers, FAULTS.links),                        # a core off the grid
            (NOT_A_BATCH[5], FAULTS.routers, FAULTS.links),                        # unsorted
            (BATCH, yieldmodels.DefectBatch(np.array([0, 1, 1]), np.array([5])), FAULTS.links),  # live core
            (BATCH, FAULTS.routers, yieldmodels.DefectBatch(np.array([0, 1, 1]), np.array([1]))),  # a west port
            (BATCH, FAULTS.routers, yieldmodels.DefectBatch(np.array([0, 1, 1]), np.array([4 * 7]))),  # off east
            (BATCH, FAULTS.routers, yieldmodels.DefectBatch(np.array([0, 1, 1]), np.array([4 * 30 + 2]))),
            (BATCH, FAULTS.routers, yieldmodels.DefectBatch(np.array([0, 1]), np.array([0]))),  # 1 trial
            (BATCH, "x", FAULTS.links),
        ]
    ]}),
    Case(wafer.dead_cores, args=(BATCH,), kinds={0: NOT_A_BATCH[:4]}),
    Case(wafer.faults_from, args=(BATCH,), kinds={0: NOT_A_BATCH[:4]}),
    Case(run_study, args=(CONFIG,), kinds={0: ["x", None, SPEC], "progress": [1, "yes", None]}),
    Case(wafer.summarize, args=(run_study(CONFIG),), kinds={0: ["x", None, CONFIG, {}]}),
    Case(wafer.format_table, args=(wafer.summarize(run_study(CONFIG)),),
         kinds={0: ["x", None, {}, {"parameters": {}}, CONFIG]}),
    Case(wafer.format_comparison, args=(wafer.summarize(run_study(CONFIG)),),
         kinds={0: ["x", None, {}, {"parameters": {}}, CONFIG]}),
    Case(wafer.other_systems, args=(CONFIG,), kinds={0: ["x", None, SPEC]}),
    Case(wafer.load_system, args=("h100-like",), kwargs=dict(kind="gpu"), kinds={
        0: ["", "no-such-system", 3, None, b"x", ["a"], "/no/such/system.toml", "/dev/zero", "/", "dojo-like"],
        "kind": ["", "GPU", "chiplet", 3, ["gpu"], b"gpu"]}),
    Case(die_yield_report, args=(100.0,), kinds={
        0: "positive", "d0": "nonnegative", "alpha": "positive", "critical_layers": "count",
        "critical_area_ratio": [0.0, 1.5, np.nan, "x"], "wafer_diameter_mm": "positive",
        "scribe_mm": "nonnegative", "edge_exclusion_mm": "nonnegative",
        "shared_area_mm2": [-1.0, np.nan, 1e9, "x"]}),
    Case(die_yield_report, args=(100.0,), kwargs=dict(units=10, needed=5),
         kinds={"units": "count", "needed": "count"}),
]

#: Public names of wafer with no parameters to make bad, and why.
EXEMPT = {
    "ParameterError": "the error type itself",
    "SCHEMES": "a registry (a dict)",
    "ChipletResult": "a result record the library fills",
    "StudyCosts": "a result record the library fills",
    "RemapBatch": "a result record the library fills",
    "StudyResult": "a result record the library fills",
    "Faults": "a result record the library fills",
    "RemapScheme": "an interface: the base class of the schemes (ShiftToSpare has cases)",
    "LogicalMapping": "an interface: the base class of the mappings (ShiftMapping has cases)",
    "LineRemap": "a result record the line schemes fill (their mapping cases cover it)",
    "ReroutedMapping": "a result record ColumnRerouting.mapping fills (its cases cover it)",
    "PRESETS": "a registry (a dict)",
    "SYSTEMS": "a registry (a dict)",
    "preset_names": "takes no argument",
    "Preset": "a record load_preset fills from a checked file (its cases cover it)",
}


(test_every_public_callable_has_a_case, test_the_valid_call_of_each_case_succeeds,
 test_bad_values_raise_the_project_error,
 test_every_bad_value_raises_the_project_error) = sweep(wafer, CASES, EXEMPT, max_examples=400)


# ---------------------------------------------------------------- regressions


def test_check_refuses_defects_outside_the_grid():
    """ShiftToSpare.check used to call a defect outside the grid repaired."""
    outside = yieldmodels.DefectBatch(np.array([0, 1]), np.array([SPEC.n_cores + 5]))
    with pytest.raises(ParameterError, match=r"dead must be core ids in \[0, 32\), got 37"):
        SCHEME.check(SPEC, outside)


def test_die_larger_than_the_wafer_is_refused():
    """A 400 x 400 mm die on a 300 mm wafer reported a usable area fraction of 1.118."""
    with pytest.raises(ParameterError, match="must lie on the wafer"):
        WaferSpec(die_width_mm=400.0, die_height_mm=400.0)
    assert WaferSpec().die_width_mm == 215.0  # the WSE's square loses only 0.036%


def test_grid_beyond_the_core_limit_is_refused_before_allocation():
    with pytest.raises(ParameterError, match="core_rows x core_cols must be at most 16,777,216"):
        WaferSpec(core_rows=98_000, core_cols=98_400)


def test_radial_power_is_checked_even_when_the_profile_is_off():
    with pytest.raises(ParameterError, match="radial_power"):
        StudyConfig(radial_power=float("nan"))


def test_trials_beyond_the_memory_limit_are_refused():
    with pytest.raises(ParameterError, match=r"trials must be an integer in \[1, 10,000,000\]"):
        StudyConfig(trials=10**9)


def test_repair_closed_form_is_fast_for_wide_segments():
    """The binomial sum ran over every spare; a 2^20-core segment must not hang."""
    spec = WaferSpec(core_rows=1, core_cols=2**20, die_width_mm=100.0, die_height_mm=100.0)
    assert ShiftToSpare(segment_width=2**20, spares=2**19, max_skew=2**19).repair_probability(spec, 10.0) == pytest.approx(1.0)


def test_make_scheme_refuses_a_parameter_called_name():
    with pytest.raises(ParameterError, match="parameter must be one of"):
        make_scheme("shift-to-spare", name="shift-to-spare")


@pytest.mark.parametrize("bad", ["x", None, UNFIT_SPECS[0]], ids=["str", "None", "unfit"])
@pytest.mark.parametrize("method", ["logical_shape", "n_logical", "spare_fraction", "closed_form_leaves_out"])
def test_scheme_queries_refuse_a_bad_spec(method, bad):
    require_project_error(Case(getattr(SCHEME, method), args=(SPEC,)), 0, bad)
