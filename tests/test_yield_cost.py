"""The Chiplet Actuary cost model: shipped figures, hand computations, the tool's own numbers.

Every cost below is written out by hand from the formulas of Chiplet Actuary
(Feng & Ma, DAC 2022; github.com/Yinxiao-Feng/chiplet-actuary, commit
2c91fb922c0c5f356d3f80b1f8635e6229e569ad), not obtained by calling the
function a second time. ``CHIPLET_ACTUARY_*`` are the numbers the tool
itself printed at that commit (its classes run unchanged on its own
parameter.ini), so the reproduction tests compare against the real code path.
"""

from __future__ import annotations

import dataclasses
import math
from importlib import resources

import pytest
from bad_input import BAD, Case, sweep
from hypothesis import given
from hypothesis import strategies as st

import yieldmodels as ym
from yieldmodels import ParameterError
from yieldmodels import cost as cost_module
from yieldmodels.cost import (
    CostParameters,
    NodeCost,
    NreRule,
    PackagingCost,
    SystemCost,
    TestCost,
    WaferScaleCost,
    chiplet_system_cost,
    cost_parameter_sets,
    die_cost,
    load_cost_parameters,
    monolithic_cost,
    wafer_scale_cost,
)

REL = 1e-12
COSTS = load_cost_parameters("chiplet-actuary")
#: The shipped set without test cost: Chiplet Actuary itself has none.
NO_TEST = dataclasses.replace(COSTS, test=TestCost(0.0))

# The wafer of chiplet_actuary.toml: parameter.ini [Manufacture]
# wafer_diameter 300, scribe_lane 0.2, edge_loss 5.
D, SCRIBE, EDGE = 300.0, 0.2, 5.0


def gross(area_mm2: float) -> float:
    """Chiplet Actuary's Chip.N_die_total, written out (square die of this area)."""
    cell = area_mm2 + 2 * SCRIBE * math.sqrt(area_mm2) + SCRIBE**2
    return math.pi * (D / 2 - EDGE) ** 2 / cell - math.pi * (D - 2 * EDGE) / math.sqrt(2 * cell)


def nb(area_mm2: float, d0: float, alpha: float) -> float:
    """(1 + D0 / 100 * A / alpha) ** -alpha, D0 per cm^2 (Chip.die_yield, Advanced.package_yield)."""
    return (1 + d0 / 100 * area_mm2 / alpha) ** -alpha


# --------------------------------------------------------------------------
# 1. The shipped figures are parameter.ini's

# Chiplet Actuary parameter.ini at 2c91fb9, key by key: (wafer_cost, NRE).
INI_NODES = {
    "3nm": (30000, 100e7),   # [3] (marked "Inaccurate Assumptions")
    "5nm": (16988, 54.2e7),  # [5]
    "7nm": (9346, 29.8e7),   # [7]
    "10nm": (5992, 17.4e7),  # [10]
    "14nm": (3984, 10.6e7),  # [14]
    "20nm": (3677, 7e7),     # [20]
    "28nm": (2891, 5.1e7),   # [28]
    "40nm": (2274, 3.8e7),   # [40]
    "55nm": (1937, 2.8e7),   # [55]
}
INI_NRE_MODULE = 0.5      # [NRE] module
INI_NRE_CHIP = 0.3        # [NRE] chip
INI_OS = dict(area_scale_factor=4, NRE_cost_factor=3e3, NRE_cost_fixed=3e5,
              RE_cost_factor=0.005, bump_cost_factor=0.005)          # [OS]
INI_FO = dict(wafer_cost=1200, NRE=1.5e7)                            # [FO]
INI_SI = dict(bump_cost_factor=0.01)                                 # [SI]


def test_shipped_cost_sets_listed():
    assert cost_parameter_sets() == ["chiplet-actuary"]
    assert COSTS.name == "chiplet-actuary" and COSTS.yield_parameters == "chiplet-actuary"
    assert "Feng" in COSTS.source and "DAC 2022" in COSTS.source and "2c91fb9" in COSTS.source


def test_node_figures_equal_parameter_ini():
    assert set(COSTS.nodes) == set(INI_NODES)
    for name, (wafer_cost, nre) in INI_NODES.items():
        node = COSTS.node(name)
        assert (node.wafer_usd, node.nre_usd) == (wafer_cost, nre), name
        assert f"[{name[:-2]}] wafer_cost {wafer_cost}" in node.source
    assert "Inaccurate Assumptions" in COSTS.node("3nm").source


def test_nre_split_equals_spec_py():
    rule = COSTS.nre
    assert (rule.module_fraction, rule.chip_fraction) == (INI_NRE_MODULE, INI_NRE_CHIP)
    assert rule.reference_area_mm2 == 300.0           # spec.py: NRE / 300
    assert rule.d2d_module_area_mm2 == 20.0           # module.py D2D.NRE: 20 mm^2
    n5 = COSTS.node("5nm")
    # spec.py Module_NRE_Cost_Factor, Chip_NRE_Cost_Factor, Chip_NRE_Cost_Fixed at 5 nm
    assert rule.module_usd_per_mm2(n5) == pytest.approx(0.5 * 54.2e7 / 300, rel=REL)
    assert rule.chip_usd_per_mm2(n5) == pytest.approx(0.3 * 54.2e7 / 300, rel=REL)
    assert rule.chip_fixed_usd(n5) == pytest.approx((1 - 0.5 - 0.3) * 54.2e7, rel=REL)


def test_packaging_figures_equal_parameter_ini_and_spec_py():
    os_, fo, si = (COSTS.packaging(n) for n in ("organic-substrate", "info-rdl", "si-interposer"))
    for p in (os_, fo, si):  # every package ends on an organic substrate ([OS], Advanced.area)
        assert p.substrate_area_factor == INI_OS["area_scale_factor"]
        assert p.substrate_usd_per_mm2 == INI_OS["RE_cost_factor"]
    assert os_.die_bump_usd_per_mm2 == INI_OS["bump_cost_factor"]        # c4_bump_cost_factor
    assert os_.substrate_nre_usd_per_mm2 == INI_OS["NRE_cost_factor"]
    assert os_.substrate_nre_fixed_usd == INI_OS["NRE_cost_fixed"]
    assert os_.layer_factors == ((0.0, 1.5), (289.0, 1.75), (900.0, 2.0))  # package.py OS
    assert not os_.has_carrier and not os_.chip_first
    # FO: spec.py cost_wafer_rdl, fo_NRE_cost_factor = fo_NRE_cost_fixed = 0.5 * NRE / 300
    assert fo.carrier_wafer_usd == INI_FO["wafer_cost"]
    assert fo.carrier_nre_usd_per_mm2 == pytest.approx(0.5 * INI_FO["NRE"] / 300, rel=REL)
    assert fo.carrier_nre_fixed_usd == pytest.approx(0.5 * INI_FO["NRE"] / 300, rel=REL)
    assert fo.chip_first
    # SI: cost_wafer_si = [55] wafer_cost; si_NRE_cost_* = 1.2 x the 55 nm chip NRE
    assert si.carrier_wafer_usd == INI_NODES["55nm"][0]
    assert si.carrier_nre_usd_per_mm2 == pytest.approx(1.2 * 0.3 * 2.8e7 / 300, rel=REL)
    assert si.carrier_nre_fixed_usd == pytest.approx(1.2 * (1 - 0.5 - 0.3) * 2.8e7, rel=REL)
    assert not si.chip_first
    for p in (fo, si):
        assert p.die_bump_usd_per_mm2 == INI_SI["bump_cost_factor"]      # u_bump_cost_factor
        assert p.carrier_bump_usd_per_mm2 == INI_OS["bump_cost_factor"]  # C4 on the carrier
        assert p.substrate_nre_usd_per_mm2 == INI_OS["RE_cost_factor"]   # Advanced.NRE (sic)
        assert p.substrate_nre_fixed_usd == 0.0 and p.layer_factors == ()
    assert set(COSTS.packagings) == set(COSTS.yields().packagings)


def test_estimates_are_marked_and_everything_has_a_source():
    assert COSTS.test.estimate and COSTS.test.source.startswith("ESTIMATE")
    assert COSTS.test.usd_per_mm2 == pytest.approx(0.006 * 0.01, rel=REL)  # CATCH 0.006 USD/s x 0.01 s/mm^2
    ws = COSTS.wafer_scale
    assert ws.estimate and ws.source.startswith("ESTIMATE")
    assert ws.packaging_usd_per_mm2 == pytest.approx(4 * 0.005 + 0.005, rel=REL)
    assert ws.packaging_nre_usd == pytest.approx(4 * 858 * 3e3 + 3e5, rel=REL)
    for item in [COSTS.nre, *COSTS.nodes.values(), *COSTS.packagings.values()]:
        assert "Chiplet Actuary" in item.source and "ESTIMATE" not in item.source


def test_shipped_set_by_path_equals_by_name():
    entry = resources.files("yieldmodels").joinpath("data", "cost", "chiplet_actuary.toml")
    with resources.as_file(entry) as path:
        by_path = load_cost_parameters(path)
        assert by_path == COSTS and load_cost_parameters(str(path)) == COSTS
        # the relative yield set name stays a name; a path would be taken from the file's folder
        assert by_path.yields() is ym.load_parameter_set("chiplet-actuary")
    assert load_cost_parameters("chiplet-actuary") is COSTS  # cached
    hash(COSTS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        COSTS.node("5nm").wafer_usd = 1.0
    with pytest.raises(TypeError):
        COSTS.nodes["5nm"] = NodeCost("5nm", 1.0, 1.0)


# --------------------------------------------------------------------------
# 2. Dies, by hand


def test_raw_and_known_good_die_by_hand():
    area = 800.0
    n = gross(area)
    y = nb(area, 0.11, 10.0)
    raw, test = 16988 / n, 6e-5 * area
    d = die_cost(COSTS, "5nm", area, die_count="gross")
    assert d.dies_per_wafer == pytest.approx(n, rel=REL)
    assert d.die_yield == pytest.approx(y, rel=REL) and d.pass_rate == pytest.approx(y, rel=REL)
    assert d.silicon_usd == pytest.approx(raw, rel=REL)
    assert d.test_usd == pytest.approx(test, rel=REL)
    assert d.total_usd == pytest.approx((raw + test) / y, rel=REL)
    assert d.yield_loss_usd == pytest.approx((raw + test) * (1 / y - 1), rel=REL)
    assert d.kgd_escape == 0.0


def test_exact_count_is_the_default():
    d = die_cost(COSTS, "7nm", 100.0)
    whole = ym.exact_dies_per_wafer(10.0, 10.0, 300.0, scribe_mm=0.2, edge_exclusion_mm=5.0)
    assert d.dies_per_wafer == whole
    assert d.silicon_usd == pytest.approx(9346 / whole, rel=REL)
    assert d.total_usd == pytest.approx((9346 / whole + 6e-5 * 100) / nb(100.0, 0.09, 10.0), rel=REL)


def test_partial_test_coverage_by_hand():
    # Y = 0.5, coverage 0.9: pass rate 0.5 + 0.5 * 0.1 = 0.55; escapes 0.05 / 0.55 of those passing
    d = die_cost(COSTS, "7nm", 100.0, die_yield=0.5, test_coverage=0.9, die_count="gross")
    raw = 9346 / gross(100.0)
    assert d.pass_rate == pytest.approx(0.55, rel=REL)
    assert d.kgd_escape == pytest.approx(0.05 / 0.55, rel=REL)
    assert d.total_usd == pytest.approx((raw + 6e-5 * 100) / 0.55, rel=REL)


# --------------------------------------------------------------------------
# 3. Systems, by hand


def kgd(node_wafer: float, area: float, d0: float, test_per_mm2: float = 6e-5) -> float:
    return (node_wafer / gross(area) + test_per_mm2 * area) / nb(area, d0, 10.0)


def test_monolithic_on_organic_substrate_by_hand():
    # one 800 mm^2 die: substrate 4 x 800 mm^2, single-die layer factor 1, one bond of 0.99
    s = monolithic_cost(COSTS, "5nm", 800.0, volume=200_000, die_count="gross")
    k = kgd(16988, 800.0, 0.11)
    bumps, substrate = 800 * 0.005, 3200 * 0.005 * 1
    assert s.packaging_usd == pytest.approx(bumps + substrate, rel=REL)
    assert s.re_usd == pytest.approx((k + bumps + substrate) / 0.99, rel=REL)
    assert s.assembly_yield == pytest.approx(0.99, rel=REL) and s.carrier_yield == 1.0
    module = 0.5 * 54.2e7 / 300 * 800
    chip = 0.3 * 54.2e7 / 300 * 800 + 0.2 * 54.2e7
    package = 3200 * 3e3 * 1 + 3e5
    assert (s.module_nre_usd, s.chip_nre_usd, s.package_nre_usd) == pytest.approx((module, chip, package), rel=REL)
    assert s.nre_usd == pytest.approx((module + chip + package) / 200_000, rel=REL)
    assert s.total_usd == pytest.approx(s.re_usd + (module + chip + package) / 200_000, rel=REL)
    assert s.kind == "monolithic" and s.n_dies == 1 and s.die.total_usd == pytest.approx(k, rel=REL)


def test_four_dies_on_organic_substrate_by_hand():
    # 4 x 200 mm^2 at 7 nm: substrate 4 x 800 = 3200 mm^2 > 30 x 30, layer factor 2; bonds 0.99^4
    s = chiplet_system_cost(COSTS, "7nm", 200.0, 4, "organic-substrate", volume=10**6, die_count="gross")
    k = kgd(9346, 200.0, 0.09)
    y = 0.99**4
    chips, substrate = 4 * k + 800 * 0.005, 3200 * 0.005 * 2
    assert s.re_usd == pytest.approx((chips + substrate) / y, rel=REL)
    assert s.assembly_loss_usd == pytest.approx((chips + substrate) * (1 / y - 1), rel=REL)
    assert s.silicon_usd == pytest.approx(4 * 9346 / gross(200.0), rel=REL)
    assert s.test_usd == pytest.approx(4 * 6e-5 * 200, rel=REL)
    assert s.package_nre_usd == pytest.approx(3200 * 3e3 * 2 + 3e5, rel=REL)
    assert s.module_nre_usd == pytest.approx(0.5 * 29.8e7 / 300 * 200, rel=REL)  # one design reused
    assert s.chip_nre_usd == pytest.approx(0.3 * 29.8e7 / 300 * 200 + 0.2 * 29.8e7, rel=REL)


def test_si_interposer_chip_last_by_hand():
    s = chiplet_system_cost(COSTS, "5nm", 200.0, 4, "si-interposer", volume=10**5, die_count="gross")
    k = kgd(16988, 200.0, 0.11)
    interposer = 1.1 * 800                         # carrier_area_factor x total die area
    carrier = 1937 / gross(interposer) + interposer * 0.005
    substrate = 4 * interposer * 0.005
    y1, y2, y3 = nb(interposer, 0.06, 6.0), 0.95**4, 0.99
    chips = 4 * k + 800 * 0.01
    assert s.carrier_yield == pytest.approx(y1, rel=REL)
    assert s.assembly_yield == pytest.approx(y2 * y3, rel=REL)
    assert s.packaging_usd == pytest.approx(800 * 0.01 + carrier + substrate, rel=REL)
    assert s.re_usd == pytest.approx(chips / (y2 * y3) + carrier / (y1 * y2 * y3) + substrate / y3, rel=REL)
    package_nre = interposer * 1.2 * 0.3 * 2.8e7 / 300 + 1.2 * 0.2 * 2.8e7 + 4 * interposer * 0.005
    assert s.package_nre_usd == pytest.approx(package_nre, rel=REL)


def test_info_chip_first_by_hand():
    # chip-first: the RDL is built on the dies (no die bonds); a bad RDL scraps its dies
    s = chiplet_system_cost(COSTS, "7nm", 150.0, 2, "info-rdl", volume=10**5, chip_first=True,
                            die_count="gross")
    k = kgd(9346, 150.0, 0.09)
    rdl = 1.2 * 300
    carrier = 1200 / gross(rdl) + rdl * 0.005
    substrate = 4 * rdl * 0.005
    y1, y3 = nb(rdl, 0.05, 3.0), 0.99
    chips = 2 * k + 300 * 0.01
    assert s.assembly_yield == pytest.approx(y1 * y3, rel=REL)
    assert s.re_usd == pytest.approx((chips + carrier) / (y1 * y3) + substrate / y3, rel=REL)
    last = chiplet_system_cost(COSTS, "7nm", 150.0, 2, "info-rdl", volume=10**5, die_count="gross")
    y2 = 0.98**2
    assert last.re_usd == pytest.approx(chips / (y2 * y3) + carrier / (y1 * y2 * y3) + substrate / y3, rel=REL)


def test_test_escapes_scrap_assemblies_by_hand():
    # die yield 0.8, coverage 0.9: escapes e = 0.2 * 0.1 / 0.82 per die, found with bond failures
    s = chiplet_system_cost(COSTS, "5nm", 100.0, 3, "si-interposer", volume=1, die_yield=0.8,
                            test_coverage=0.9, die_count="gross")
    k = (16988 / gross(100.0) + 6e-5 * 100) / 0.82
    e = 0.02 / 0.82
    interposer = 1.1 * 300
    carrier = 1937 / gross(interposer) + interposer * 0.005
    substrate = 4 * interposer * 0.005
    y1, ya, y3 = nb(interposer, 0.06, 6.0), (0.95 * (1 - e)) ** 3 * 0.99, 0.99
    chips = 3 * k + 300 * 0.01
    assert s.assembly_yield == pytest.approx(ya, rel=REL)
    assert s.re_usd == pytest.approx(chips / ya + carrier / (y1 * ya) + substrate / y3, rel=REL)


def test_d2d_phy_and_distinct_designs_in_the_nre_by_hand():
    # 4 chiplets of 198 mm^2 (18 mm^2 of D2D PHY) at 7 nm, as 4 distinct designs
    s = chiplet_system_cost(COSTS, "7nm", 198.0, 4, "si-interposer", volume=1000, n_designs=4,
                            d2d_area_mm2=18.0, die_count="gross")
    rate = 0.5 * 29.8e7 / 300
    assert s.module_nre_usd == pytest.approx(4 * rate * 180 + rate * 20, rel=REL)
    assert s.chip_nre_usd == pytest.approx(4 * (0.3 * 29.8e7 / 300 * 198 + 0.2 * 29.8e7), rel=REL)


def test_wafer_scale_by_hand():
    s = wafer_scale_cost(COSTS, "7nm", 46_225.0, 0.8, volume=100, design_area_mm2=550.0,
                         assembly_yield=0.95)
    wafer, test, pkg = 9346, 6e-5 * 46_225, 0.025 * 46_225
    assert (s.silicon_usd, s.test_usd, s.packaging_usd) == pytest.approx((wafer, test, pkg), rel=REL)
    assert s.die_yield_loss_usd == pytest.approx((wafer + test) * (1 / 0.8 - 1), rel=REL)
    assert s.re_usd == pytest.approx(((wafer + test) / 0.8 + pkg) / 0.95, rel=REL)
    nre = 0.5 * 29.8e7 / 300 * 550 + 0.3 * 29.8e7 / 300 * 550 + 0.2 * 29.8e7 + (4 * 858 * 3e3 + 3e5)
    assert s.nre_total_usd == pytest.approx(nre, rel=REL)
    assert s.total_usd == pytest.approx(s.re_usd + nre / 100, rel=REL)
    assert s.kind == "wafer-scale" and s.die is None and s.die_yield == 0.8


def test_breakdown_adds_up_and_at_volume_keeps_the_recurring_cost():
    s = chiplet_system_cost(COSTS, "5nm", 200.0, 4, "info-rdl", volume=1000)
    parts = s.silicon_usd + s.test_usd + s.packaging_usd + s.die_yield_loss_usd + s.assembly_loss_usd
    assert s.re_usd == pytest.approx(parts, rel=REL)
    assert s.yield_loss_usd == s.die_yield_loss_usd + s.assembly_loss_usd
    t = s.at_volume(10**6)
    assert t.re_usd == s.re_usd and t.nre_total_usd == s.nre_total_usd
    assert t.nre_usd == pytest.approx(s.nre_total_usd / 10**6, rel=REL)
    d = t.to_dict()
    assert d["total_usd"] == t.total_usd and d["volume"] == 10**6 and d["die"]["node"] == "5nm"


# --------------------------------------------------------------------------
# 4. Chiplet Actuary's own code path

# Printed by chiplet_actuary at 2c91fb9 on its parameter.ini (python, from the
# repository root):
#   soc = package.SoC('soc', '5', {module.Module('module', '5', 800.0): 1}, 'OS')
#   chips = {chip.Chip(f'c{i}', '5', {module.Module(f'module{i}', '5', 200.0): 1}): 1
#            for i in range(4)}
#   package.OS('os', chips), package.FO('fo', chips), package.FO('fo0', chips, chip_last=0),
#   package.SI('si', chips)
# cost_RE() = (raw chips, defect chips, raw package, defect package, wasted chips);
# utils.total_module_NRE / total_chip_NRE / total_package_NRE of each.
CHIPLET_ACTUARY_RE = {
    "soc": (292.9460479880105, 382.646258647104, 16.0, 0.16161616161616266, 6.824164713486049),
    "os": (250.0287246993398, 59.81161925251675, 32.0, 1.3126513819269405, 12.709761114535096),
    "fo": (254.0287246993398, 59.81161925251675, 49.388376121868745, 21.60847677562169, 29.851537645854656),
    "fo0": (254.0287246993398, 59.81161925251675, 49.388376121868745, 17.602447650980178, 180.97999697044352),
    "si": (254.0287246993398, 59.81161925251675, 58.90510077774104, 43.83912098188336, 75.36532320689001),
}
CHIPLET_ACTUARY_TOTAL = {"soc": 698.5780875102167, "si": 491.94988891837096}
CHIPLET_ACTUARY_NRE = {
    "soc": (722666666.6666667, 542000000.0, 9900000.0),
    "os": (722666666.6666667, 867200000.0, 19500000.0),
    "fo": (722666666.6666667, 867200000.0, 24025019.2),
    "si": (722666666.6666667, 867200000.0, 36288017.6),
}


def _as_tool(name: str) -> SystemCost:
    if name == "soc":
        return monolithic_cost(NO_TEST, "5nm", 800.0, volume=1, die_count="gross")
    packaging = {"os": "organic-substrate", "fo": "info-rdl", "fo0": "info-rdl", "si": "si-interposer"}[name]
    return chiplet_system_cost(NO_TEST, "5nm", 200.0, 4, packaging, volume=1, n_designs=4,
                               chip_first=name == "fo0", die_count="gross")


@pytest.mark.parametrize("name", sorted(CHIPLET_ACTUARY_RE))
def test_reproduces_chiplet_actuary_recurring_cost(name):
    raw_chips, defect_chips, raw_package, defect_package, wasted = CHIPLET_ACTUARY_RE[name]
    s = _as_tool(name)
    assert s.test_usd == 0.0
    assert s.silicon_usd + s.packaging_usd == pytest.approx(raw_chips + raw_package, rel=1e-12)
    assert s.die_yield_loss_usd == pytest.approx(defect_chips, rel=1e-12)
    assert s.assembly_loss_usd == pytest.approx(defect_package + wasted, rel=1e-12)
    assert s.re_usd == pytest.approx(sum(CHIPLET_ACTUARY_RE[name]), rel=1e-12)


def test_800_mm2_monolithic_vs_4_x_200_mm2_on_si_interposer_at_5nm():
    mono, si = _as_tool("soc"), _as_tool("si")
    assert mono.re_usd == pytest.approx(CHIPLET_ACTUARY_TOTAL["soc"], rel=1e-12)
    assert si.re_usd == pytest.approx(CHIPLET_ACTUARY_TOTAL["si"], rel=1e-12)
    assert si.re_usd < mono.re_usd  # the tool's conclusion for large dies at 5 nm
    # ... but the four distinct chiplet designs cost more NRE than one SoC
    assert si.nre_total_usd > mono.nre_total_usd


@pytest.mark.parametrize("name", sorted(CHIPLET_ACTUARY_NRE))
def test_reproduces_chiplet_actuary_nre(name):
    s = _as_tool(name)
    got = (s.module_nre_usd, s.chip_nre_usd, s.package_nre_usd)
    assert got == pytest.approx(CHIPLET_ACTUARY_NRE[name], rel=1e-12)


def test_reproduces_chiplet_actuary_d2d_chiplet_nre_and_amortisation():
    # chip.Chiplet(module.Module('module', '7', 180.0), 18.0) reused 4 times on package.SI:
    # utils.total_*_NRE -> 99333333.33333333, 118604000.0, 35992337.424;
    # utils.system_total_apporitioned_NRE_cost({si: 100000}) -> (993.333..., 1186.04, 359.92337424)
    s = chiplet_system_cost(NO_TEST, "7nm", 198.0, 4, "si-interposer", volume=100_000,
                            d2d_area_mm2=18.0, die_count="gross")
    assert (s.module_nre_usd, s.chip_nre_usd, s.package_nre_usd) == pytest.approx(
        (99333333.33333333, 118604000.0, 35992337.424), rel=1e-12)
    assert s.nre_usd == pytest.approx(993.3333333333334 + 1186.04 + 359.92337424000004, rel=1e-12)


def test_the_one_recurring_deviation_from_the_tool_is_the_bump_count():
    # The same Chiplet reused ({c: 4}) on package.SI: the tool's cost_RE() sums to
    # 301.76840087007156, its raw chips (135.891...) holding one die's micro-bumps
    # (198 mm^2 x 0.01), not four (Advanced.cost_RE lacks "* num" there). Here every die
    # has its bumps: three more dies' worth, divided like the chips by 0.95^4 x 0.99.
    s = chiplet_system_cost(NO_TEST, "7nm", 198.0, 4, "si-interposer", volume=1, d2d_area_mm2=18.0,
                            die_count="gross")
    extra = 3 * 198 * 0.01 / (0.95**4 * 0.99)
    assert s.re_usd == pytest.approx(301.76840087007156 + extra, rel=1e-12)


# --------------------------------------------------------------------------
# 5. Properties

yields_ = st.floats(0.01, 1.0)


@given(st.floats(1.0, 800.0), yields_, yields_, st.floats(0.0, 1.0))
def test_higher_die_yield_never_costs_more_per_good_die(area, y1, y2, coverage):
    lo, hi = sorted((y1, y2))
    cheap = die_cost(COSTS, "5nm", area, die_yield=hi, test_coverage=coverage, die_count="gross")
    dear = die_cost(COSTS, "5nm", area, die_yield=lo, test_coverage=coverage, die_count="gross")
    assert cheap.total_usd <= dear.total_usd * (1 + 1e-12)


@given(st.floats(10.0, 400.0), st.integers(1, 8), yields_, yields_, st.floats(0.0, 1.0),
       st.sampled_from(["organic-substrate", "info-rdl", "si-interposer"]))
def test_higher_die_yield_never_costs_more_per_system(area, n, y1, y2, coverage, packaging):
    lo, hi = sorted((y1, y2))
    kw = dict(volume=1000, test_coverage=coverage, die_count="gross")
    cheap = chiplet_system_cost(COSTS, "7nm", area, n, packaging, die_yield=hi, **kw)
    dear = chiplet_system_cost(COSTS, "7nm", area, n, packaging, die_yield=lo, **kw)
    assert cheap.total_usd <= dear.total_usd * (1 + 1e-12)
    assert cheap.assembly_yield >= dear.assembly_yield * (1 - 1e-12)


@given(st.integers(1, 10**9), st.integers(1, 10**9), st.floats(10.0, 800.0),
       st.sampled_from(["organic-substrate", "info-rdl", "si-interposer"]))
def test_higher_volume_never_costs_more_per_system(v1, v2, area, packaging):
    lo, hi = sorted((v1, v2))
    s = chiplet_system_cost(COSTS, "5nm", area, 2, packaging, volume=lo, die_count="gross")
    t = s.at_volume(hi)
    assert t.total_usd <= s.total_usd and t.re_usd == s.re_usd
    direct = chiplet_system_cost(COSTS, "5nm", area, 2, packaging, volume=hi, die_count="gross")
    assert direct.total_usd == t.total_usd


@given(st.floats(1.0, 40_000.0), st.floats(0.01, 1.0), st.integers(1, 10**6))
def test_wafer_scale_costs_are_nonnegative_and_fall_with_yield(area, y, volume):
    s = wafer_scale_cost(COSTS, "5nm", area, y, volume=volume, design_area_mm2=min(area, 550.0))
    better = wafer_scale_cost(COSTS, "5nm", area, min(1.0, y * 1.1), volume=volume,
                              design_area_mm2=min(area, 550.0))
    assert min(s.die_yield_loss_usd, s.assembly_loss_usd, s.nre_usd) >= 0.0
    assert better.total_usd <= s.total_usd


# --------------------------------------------------------------------------
# 6. Bad input: the project's sweep, and the messages


NODE = NodeCost("5nm", 16988.0, 54.2e7)
RULE = NreRule(0.5, 0.3, 300.0, 20.0)
PKG = COSTS.packaging("si-interposer")
SYSTEM = chiplet_system_cost(COSTS, "5nm", 200.0, 4, "si-interposer", volume=10, die_count="gross")
COSTS_ARG = [3, None, "", "no-such-set", b"x", "/no/such/file.toml"]
YIELDS_ARG = [3, "", "no-such-set", b"x", "/no/such/file.toml"]
GROSS = dict(die_count="gross")

CASES = [
    Case(NodeCost, ("5nm", 16988.0, 54.2e7), kinds={0: [3, None], 1: "positive", 2: "nonnegative", "source": [3, None]}),
    Case(NreRule, (0.5, 0.3, 300.0, 20.0),
         kinds={0: BAD["probability"] + [0.8], 1: BAD["probability"] + [0.6], 2: "positive",
                3: "nonnegative", "source": [3]}),
    Case(TestCost, (6e-5, True), kinds={0: "nonnegative", 1: "bool", "source": [3]}),
    Case(WaferScaleCost, (0.025, 1e7), kinds={0: "nonnegative", 1: "nonnegative", "estimate": "bool", "source": [3]}),
    Case(PackagingCost, ("si", 4.0, 0.005),
         dict(die_bump_usd_per_mm2=0.01, layer_factors=[[0.0, 1.5]], carrier_wafer_usd=1937.0,
              carrier_bump_usd_per_mm2=0.005, carrier_nre_usd_per_mm2=1.0, carrier_nre_fixed_usd=1.0),
         kinds={0: [3], 1: "positive", 2: "nonnegative", "die_bump_usd_per_mm2": "nonnegative",
                "substrate_nre_usd_per_mm2": "nonnegative", "substrate_nre_fixed_usd": "nonnegative",
                "layer_factors": [3, "ab", [1.0], [[1.0]], [[-1.0, 1.0]], [[0.0, 0.0]],
                                  [[5.0, 1.0], [5.0, 2.0]], [[math.nan, 1.0]], [["a", 1.0]]],
                "carrier_wafer_usd": "positive", "carrier_bump_usd_per_mm2": "nonnegative",
                "carrier_nre_usd_per_mm2": "nonnegative", "carrier_nre_fixed_usd": "nonnegative",
                "chip_first": "bool", "source": [3]}),
    Case(PackagingCost, ("os", 4.0, 0.005), dict(carrier_nre_fixed_usd=0.0),
         kinds={"carrier_nre_fixed_usd": [1.0], "chip_first": [True]}),
    Case(PKG.layer_factor, (3200.0, 4), kinds={0: "positive", 1: "count"}),
    Case(CostParameters, ("n", "s", "chiplet-actuary", RULE), dict(nodes={"5nm": NODE}),
         kinds={0: [3], 1: [None], 2: [3, None], 3: [3, None, NODE], "test": [3, None],
                "wafer_scale": [3, RULE], "nodes": [3, {"5nm": 1}, {1: NODE}, [NODE]],
                "packagings": [3, {"x": NODE}], "path": [3]}),
    Case(load_cost_parameters, ("chiplet-actuary",), kinds={0: "name"}),
    Case(die_cost, (COSTS, "5nm", 100.0), GROSS,
         kinds={0: COSTS_ARG, 1: "name", 2: BAD["positive"] + [1e6], "die_yield": BAD["probability"] + [0.0],
                "test_coverage": "probability", "die_count": "name", "yields": YIELDS_ARG}),
    Case(die_cost, (COSTS, "5nm", 100.0), kinds={2: [0.01], "die_yield": [1e-320]}),  # exact count
    Case(chiplet_system_cost, (COSTS, "5nm", 200.0, 4, "si-interposer"), dict(volume=10, **GROSS),
         kinds={0: COSTS_ARG, 1: "name", 2: BAD["positive"] + [1e5, 200.0 * 10**12],
                3: BAD["count"] + [100, 10**5], 4: "name", "volume": "count", "n_designs": BAD["count"] + [5],
                "d2d_area_mm2": BAD["nonnegative"] + [200.0, 300.0], "chip_first": BAD["bool"] + [True],
                "die_yield": BAD["probability"] + [0.0], "test_coverage": "probability",
                "die_count": "name", "yields": YIELDS_ARG}),
    Case(chiplet_system_cost, (COSTS, "5nm", 200.0, 4, "si-interposer"),
         dict(volume=10, spare_dies_per_row=1, die_rows=2, **GROSS),
         kinds={"spare_dies_per_row": BAD["index"], "die_rows": BAD["count"] + [3, 8]}),
    Case(chiplet_system_cost, (COSTS, "5nm", 40_000.0, 1, "organic-substrate"), dict(volume=1),
         kinds={"die_count": ["gross"]}),  # one whole die fits; the gross formula finds none
    Case(monolithic_cost, (COSTS, "5nm", 800.0), dict(volume=10, **GROSS),
         kinds={0: COSTS_ARG, 1: "name", 2: BAD["positive"] + [50_000.0], "volume": "count",
                "packaging": "name", "die_yield": BAD["probability"] + [0.0],
                "test_coverage": "probability", "die_count": "name", "yields": YIELDS_ARG}),
    Case(wafer_scale_cost, (COSTS, "5nm", 46_225.0, 0.9), dict(volume=10, design_area_mm2=550.0),
         kinds={0: COSTS_ARG, 1: "name", 2: BAD["positive"] + [70_000.0], 3: BAD["probability"] + [0.0],
                "volume": "count", "design_area_mm2": BAD["positive"] + [50_000.0],
                "assembly_yield": BAD["probability"] + [0.0, 1e-320], "yields": YIELDS_ARG}),
    Case(SYSTEM.at_volume, (100,), kinds={0: "count"}),
]
EXEMPT = {
    "cost_parameter_sets": "takes no parameters (lists the shipped cost sets)",
    "DieCost": "a result record, built only by die_cost",
}

(test_every_public_callable_has_a_case, test_the_valid_call_of_each_case_succeeds,
 test_bad_values_raise_the_project_error,
 test_every_bad_value_raises_the_project_error) = sweep(cost_module, CASES, EXEMPT, max_examples=100)


@pytest.mark.parametrize(
    ("call", "names"),
    [
        (lambda: die_cost(COSTS, "5nm", -1.0), ["die_area_mm2", "-1.0"]),
        (lambda: die_cost(COSTS, "5nm", 100.0, die_yield=1.5), ["die_yield", "(0, 1]", "1.5"]),
        (lambda: die_cost(COSTS, "5nn", 100.0), ["node must be one of", "'5nn'", "did you mean '5nm'"]),
        (lambda: die_cost(COSTS, "5nm", 100.0, die_count="exakt"), ["die_count", "did you mean 'exact'"]),
        (lambda: die_cost(COSTS, "5nm", 0.01), ["die_area_mm2", "too small", "die_count='gross'"]),
        (lambda: die_cost(COSTS, "5nm", 50_000.0), ["die_area_mm2 must be at most 42050", "50000.0"]),
        (lambda: chiplet_system_cost(COSTS, "5nm", 100.0, 0, "info-rdl", volume=1), ["n_dies", "got 0"]),
        (lambda: chiplet_system_cost(COSTS, "5nm", 100.0, 2, "si-interposr", volume=1),
         ["packaging must be one of", "did you mean 'si-interposer'"]),
        (lambda: chiplet_system_cost(COSTS, "5nm", 100.0, 2, "info-rdl", volume=0), ["volume", "got 0"]),
        (lambda: chiplet_system_cost(COSTS, "5nm", 100.0, 2, "si-interposer", volume=1, chip_first=True),
         ["chip_first must be false for packaging 'si-interposer'", "'info-rdl'"]),
        (lambda: chiplet_system_cost(COSTS, "5nm", 100.0, 2, "info-rdl", volume=1, n_designs=3),
         ["n_designs", "[1, 2]", "got 3"]),
        (lambda: chiplet_system_cost(COSTS, "5nm", 10_000.0, 4, "si-interposer", volume=1),
         ["the carrier area", "dies placed x die_area_mm2", "44000.0"]),
        (lambda: wafer_scale_cost(COSTS, "5nm", 46_225.0, 0.0, volume=1, design_area_mm2=550.0),
         ["system_yield", "(0, 1]", "0.0"]),
        (lambda: wafer_scale_cost(COSTS, "5nm", 46_225.0, 0.9, volume=1, design_area_mm2=5e4),
         ["design_area_mm2 must be <= silicon_area_mm2"]),
        (lambda: wafer_scale_cost(dataclasses.replace(COSTS, wafer_scale=None), "5nm", 100.0, 0.9,
                                  volume=1, design_area_mm2=50.0), ["wafer_scale must be given"]),
        (lambda: SYSTEM.at_volume(0), ["volume", "got 0"]),
        (lambda: NreRule(0.5, 0.6, 300.0), ["chip_fraction must be <= 1 - module_fraction", "0.6"]),
    ],
)
def test_bad_input_messages_name_the_parameter(call, names):
    with pytest.raises(ParameterError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message
    for name in names:
        assert name in message, message


def test_packaging_must_agree_between_cost_and_yield_sets():
    carrierless = dataclasses.replace(COSTS.packaging("si-interposer"), carrier_wafer_usd=None,
                                      carrier_bump_usd_per_mm2=0.0, carrier_nre_usd_per_mm2=0.0,
                                      carrier_nre_fixed_usd=0.0)
    costs = dataclasses.replace(COSTS, packagings={**COSTS.packagings, "si-interposer": carrierless})
    with pytest.raises(ParameterError, match="carrier in both the cost and the yield set"):
        chiplet_system_cost(costs, "5nm", 100.0, 2, "si-interposer", volume=1)
    extra = dataclasses.replace(COSTS, packagings={**COSTS.packagings, "glass": PackagingCost("glass", 4.0, 0.01)})
    with pytest.raises(ParameterError, match="packaging must be one of 'organic-substrate'.*got 'glass'"):
        chiplet_system_cost(extra, "5nm", 100.0, 2, "glass", volume=1)


# --------------------------------------------------------------------------
# 7. The loader


def _shipped_text() -> str:
    return resources.files("yieldmodels").joinpath("data", "cost", "chiplet_actuary.toml").read_text("utf-8")


def _write(tmp_path, text: str, name: str = "costs.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('yield_parameters = "chiplet-actuary"', 'yeild_parameters = "chiplet-actuary"',
         "yeild_parameters is not a known key; allowed in the top level: "),
        ("wafer_usd = 16988.0", "wafer_cost = 16988.0",
         "nodes.5nm.wafer_cost is not a known key; allowed in nodes.5nm: nre_usd, source, wafer_usd"
         " (did you mean 'wafer_usd'?)"),
        ("carrier_wafer_usd = 1200.0", "carrier_wafer_cost = 1200.0",
         "packagings.info-rdl.carrier_wafer_cost is not a known key"),
        ("usd_per_mm2 = 6e-5", "usd_per_mm = 6e-5", "test.usd_per_mm is not a known key"),
    ],
)
def test_unknown_key_rejected_with_a_suggestion(tmp_path, old, new, expected):
    text = _shipped_text()
    assert text.count(old) == 1
    path = _write(tmp_path, text.replace(old, new))
    with pytest.raises(ParameterError) as info:
        load_cost_parameters(path)
    message = str(info.value)
    assert message.startswith(expected) and message.endswith(f"(in {path})")
    key = new.split(" ")[0]
    right = old.split(" ")[0]
    assert f"did you mean '{right}'?" in message, key


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("wafer_usd = 16988.0", "wafer_usd = -1.0", "nodes.5nm.wafer_usd must be a finite number > 0 (USD), got -1.0"),
        ("chip_fraction = 0.3", "chip_fraction = 0.6", "nre.chip_fraction must be <= 1 - module_fraction"),
        ("chip_fraction = 0.3 ", "", "nre.chip_fraction is required, got nothing"),
        ("chip_first = true", 'chip_first = "yes"', "packagings.info-rdl.chip_first must be true or false"),
        ("layer_factors = [[0.0, 1.5], [289.0, 1.75], [900.0, 2.0]]", "layer_factors = [[0.0, 1.5], [0.0, 2.0]]",
         "packagings.organic-substrate.layer_factors[1][0] must be > the previous threshold 0.0"),
        ("packaging_usd_per_mm2 = 0.025", "packaging_usd_per_mm2 = true",
         "wafer_scale.packaging_usd_per_mm2 must be a finite number >= 0"),
    ],
)
def test_bad_file_values_name_the_dotted_key(tmp_path, old, new, expected):
    text = _shipped_text()
    assert text.count(old) == 1
    path = _write(tmp_path, text.replace(old, new))
    with pytest.raises(ParameterError) as info:
        load_cost_parameters(path)
    assert str(info.value).startswith(expected) and str(info.value).endswith(f"(in {path})")


def test_file_errors(tmp_path):
    with pytest.raises(ParameterError, match="cost parameter file must exist"):
        load_cost_parameters(tmp_path / "missing.toml")
    with pytest.raises(ParameterError, match="cost parameter file must be a regular file"):
        load_cost_parameters(tmp_path)
    big = _write(tmp_path, "#" * (ym.PARAMETER_FILE_MAX_BYTES + 1), "big.toml")
    with pytest.raises(ParameterError, match="at most 1,048,576 bytes .PARAMETER_FILE_MAX_BYTES."):
        load_cost_parameters(big)
    bad = _write(tmp_path, "name = ", "bad.toml")
    with pytest.raises(ParameterError, match="cost parameter file must be valid TOML"):
        load_cost_parameters(bad)
    with pytest.raises(ParameterError, match="did you mean 'chiplet-actuary'"):
        load_cost_parameters("chiplet_actuary")


def test_minimal_user_file_and_a_relative_yield_set(tmp_path, monkeypatch):
    yields = resources.files("yieldmodels").joinpath("data", "chiplet_actuary.toml").read_text("utf-8")
    (tmp_path / "sets").mkdir()
    _write(tmp_path / "sets", yields.replace("d0 = 0.11", "d0 = 0.2"), "my_yields.toml")
    path = _write(tmp_path / "sets", "\n".join([
        'name = "mine"', 'source = "me"', 'yield_parameters = "my_yields.toml"',
        "[nre]", "module_fraction = 0.0", "chip_fraction = 0.0", "reference_area_mm2 = 1.0",
        "[nodes.5nm]", "wafer_usd = 1000.0", "nre_usd = 1e6",
        "[packagings.organic-substrate]", "substrate_area_factor = 1.0", "substrate_usd_per_mm2 = 0.0",
    ]))
    monkeypatch.chdir(tmp_path)  # the yield set is found next to the cost file, not in the cwd
    costs = load_cost_parameters(path)
    assert costs.test == TestCost(0.0, source="me") and costs.wafer_scale is None
    assert costs.yields().node("5nm").d0 == 0.2
    s = monolithic_cost(costs, "5nm", 100.0, volume=10, die_count="gross")
    y = nb(100.0, 0.2, 10.0)
    assert s.re_usd == pytest.approx(1000 / gross(100.0) / y / 0.99, rel=REL)  # no package cost
    assert s.nre_total_usd == pytest.approx(1e6, rel=REL)  # all of it fixed (fractions 0)
    costs_missing = dataclasses.replace(costs, yield_parameters=str(tmp_path / "nope.toml"))
    with pytest.raises(ParameterError, match="yield_parameters: parameter set file must exist"):
        costs_missing.yields()


def test_a_rectangular_die_is_counted_as_the_reticle_field_it_is():
    # The WSE-3's reticle field, 215/12 x 215/7 mm: 99 whole dies on the shipped wafer, not 97 squares.
    w, h = 215 / 12, 215 / 7
    rect = chiplet_system_cost("chiplet-actuary", "5nm", w * h, 84, "organic-substrate", volume=1000,
                               die_yield=0.99, die_width_mm=w)
    square = chiplet_system_cost("chiplet-actuary", "5nm", w * h, 84, "organic-substrate", volume=1000,
                                 die_yield=0.99)
    assert rect.die.dies_per_wafer == ym.exact_dies_per_wafer(w, h, 300.0, scribe_mm=0.2,
                                                              edge_exclusion_mm=5.0) == 99
    assert square.die.dies_per_wafer == 97
    assert rect.silicon_usd == pytest.approx(84 * 16988 / 99, rel=1e-12)
    with pytest.raises(ParameterError, match="die_width_mm must be"):
        chiplet_system_cost("chiplet-actuary", "5nm", 550.0, 84, "organic-substrate", volume=1, die_width_mm=-1.0)
