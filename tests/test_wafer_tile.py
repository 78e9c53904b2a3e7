"""The known-good-die tile side of the comparison (wafer.tile): data, hand computations, Monte Carlo.

Every figure of the shipped ``dojo-like.toml`` is listed here with its
expected value, so a change to the data is a deliberate change to this file
too. The tile's yield (chip-first: no die bonds) is compared with sums done
by hand and with a numpy Monte Carlo of die defects, known-good-die test and
the carrier; its cost with Chiplet Actuary's chip-first cost called by hand;
its network with brute-force averages and XY routes over small tiles; the
monotone properties (spare dies, spare units) with hypothesis.
"""

from __future__ import annotations

import doctest
import itertools
import math
import shutil
import tomllib
from dataclasses import replace

import numpy as np
import pytest
from bad_input import BAD, Case, sweep
from hypothesis import given, settings
from hypothesis import strategies as st

import routing
import wafer.tile as tile_module
import yieldmodels
from paramcheck import ParameterError
from wafer.geometry import WaferSpec
from wafer.stats import proportion_ci
from wafer.systems import SYSTEMS, SystemFile, load_system
from wafer.tile import TileNetwork, TileResult, TileSpec, tile_comparison
from yieldmodels.cost import chiplet_system_cost

SYSTEM = load_system("dojo-like", kind="tile")
WSE3 = WaferSpec()
A = 645.0
SIDE = math.sqrt(A)
# the yield set's "info-rdl" carrier figures (Chiplet Actuary), and this project's carrier estimate
SET_D0, SET_ALPHA, FACTOR, C_BOND = 0.05, 3.0, 1.2, 0.99
CARRIER_D0 = 0.0005


def _carrier(area_mm2: float, d0: float, alpha: float = SET_ALPHA) -> float:
    """Negative binomial carrier yield by hand: ``(1 + A d0 / alpha)^-alpha``, A in cm^2."""
    return (1 + area_mm2 / 100 * d0 / alpha) ** -alpha


def _escape(y: float, coverage: float) -> tuple[float, float]:
    """Pass rate and escape probability of known-good-die test, by hand."""
    passed = y + (1 - y) * (1 - coverage)
    return passed, (1 - y) * (1 - coverage) / passed


# --------------------------------------------------------------------------
# 1. The shipped figures, each with its expected value

EXPECTED_TILE = {
    "die_area_mm2": 645.0, "die_aspect": 1.0, "dies_x": 5, "dies_y": 5, "node": "7nm",
    "units_per_die": 354, "shared_area_fraction": 0.2, "test_coverage": 1.0, "spare_dies": 0,
    "node_rows": 18, "node_cols": 20, "carrier_d0": 0.0005, "node_link_gbps": 512.0, "clock_ghz": 2.0,
    "hop_energy_pj_per_bit": 0.185, "d2d_gbps_per_die_edge": 4000.0, "d2d_latency_ns": 5.0,
    "d2d_energy_pj_per_bit": 2.0, "off_tile_gbps": 36000.0, "off_tile_latency_ns": 20.0,
    "off_tile_energy_pj_per_bit": 5.5, "volume": 600,
}
EXPECTED_PUBLISHED = {
    "die_area_mm2": 645.0, "process_nm": 7, "transistors": 50e9, "training_nodes_per_die": 354,
    "die_power_w": 400.0, "die_tflops_bf16": 362.0, "serdes_lanes_per_die": 576, "serdes_lane_gbit_s": 112.0,
    "die_edge_tb_s": 4.0, "node_sram_mb": 1.25, "node_gb_s_per_direction": 512.0, "node_clock_ghz": 2.0,
    "dies_per_tile": 25, "io_dies_per_tile": 40, "tile_pflops_bf16": 9.0, "tile_sram_gb": 11.0,
    "tile_power_kw": 15.0, "tile_edge_tb_s": 9.0, "off_tile_tb_s": 36.0, "on_tile_bisection_tb_s": 10.0,
    "tiles_per_exapod": 120,
}
#: [tile] figures that are estimates (nothing published), not sourced.
ESTIMATES = {"die_aspect", "shared_area_fraction", "node_rows", "node_cols", "d2d_latency_ns", "carrier_d0",
             "hop_energy_pj_per_bit", "d2d_energy_pj_per_bit", "off_tile_latency_ns", "off_tile_energy_pj_per_bit"}
#: Sourced [tile] figures that had to be interpreted: both a source and an assumption.
INTERPRETED = {"node_link_gbps", "d2d_gbps_per_die_edge", "off_tile_gbps", "volume", "spare_dies"}
#: Sourced [tile] figures taken as published: a source, no assumption.
SOURCED = set(EXPECTED_TILE) - ESTIMATES - INTERPRETED - {"test_coverage"}


def _raw() -> dict:
    with open(SYSTEM.path, "rb") as f:
        return tomllib.load(f)


def test_the_shipped_systems_are_listed_and_the_tile_loads_by_name_or_path():
    assert sorted(SYSTEMS) == ["dojo-like", "h100-like"]
    assert isinstance(SYSTEM, SystemFile) and SYSTEM.kind == "tile" and isinstance(SYSTEM.spec, TileSpec)
    assert SYSTEM.name == "Dojo-like" and SYSTEM.path == str(SYSTEMS["dojo-like"])
    assert SYSTEM.path.endswith("dojo-like.toml")
    assert load_system("DOJO-LIKE", kind="tile") == SYSTEM == load_system(SYSTEM.path, kind="tile")
    assert load_system("dojo-like") == SYSTEM  # kind None takes either
    wrong = r"^tile system must be a file with a \[tile\] table, got one with \[gpu\]"
    with pytest.raises(ParameterError, match=wrong):
        load_system("h100-like", kind="tile")


def test_every_tile_figure_has_its_expected_value():
    assert _raw()["tile"] == EXPECTED_TILE
    spec = SYSTEM.spec
    assert {k: getattr(spec, k) for k in EXPECTED_TILE} == EXPECTED_TILE
    assert spec == TileSpec()  # the spec's defaults are the Dojo tile's
    # the fields the file leaves out keep the defaults it names
    assert (spec.needed_units, spec.tiles_per_system, spec.scribe_mm, spec.edge_exclusion_mm) == (None, None, 0.2, 5.0)
    assert (spec.carrier_alpha, spec.carrier_area_factor, spec.carrier_bond_yield) == (None, None, None)


def test_every_published_figure_has_its_expected_value():
    assert SYSTEM.published == EXPECTED_PUBLISHED
    assert all(isinstance(v, float) for v in SYSTEM.published.values())


def test_every_figure_has_a_source_or_an_assumption_and_estimates_say_so():
    for key in [*EXPECTED_TILE, *EXPECTED_PUBLISHED]:
        assert key in SYSTEM.sources or key in SYSTEM.assumptions, key
    for key in ESTIMATES:
        assert key not in SYSTEM.sources and SYSTEM.assumptions[key].startswith("estimate: "), key
    for key in INTERPRETED:
        assert key in SYSTEM.sources and key in SYSTEM.assumptions, key
    for key in SOURCED:
        assert key in SYSTEM.sources and key not in SYSTEM.assumptions, key
    assert SYSTEM.assumptions["volume"].startswith("estimate: ")
    assert SYSTEM.assumptions["test_coverage"].startswith("assumption: ") and "test_coverage" not in SYSTEM.sources
    for key in ("needed_units", "packaging", "carrier_limit", "tiles_per_system", "io_dies"):
        assert key in SYSTEM.assumptions, key
    # the carrier's yield is no longer an assumption of its own: its defect density is
    assert "carrier_yield" not in SYSTEM.assumptions and "carrier_yield" not in SYSTEM.sources


def test_every_source_gives_a_url_or_points_to_one_that_does():
    resolved = {k for k, v in SYSTEM.sources.items() if "http" in v}
    while True:  # a source without a URL must name ("as for <key>") one that has one
        more = {k for k, v in SYSTEM.sources.items()
                if k not in resolved and any(f"as {r}" in v or f"as for {r}" in v for r in resolved)}
        if not more:
            break
        resolved |= more
    assert resolved == set(SYSTEM.sources)


def test_the_published_figures_agree_with_each_other():
    p = SYSTEM.published
    # 576 lanes x 112 Gbit/s each way, both ways over 4 edges: the 4 TB/s per die edge
    per_edge = p["serdes_lanes_per_die"] * p["serdes_lane_gbit_s"] / 8 / 1000 * 2 / 4
    assert per_edge == pytest.approx(p["die_edge_tb_s"], rel=0.01)
    # a tile's bisection cuts 5 die edges, one direction each: the 10 TB/s on-tile bisection
    assert 5 * p["die_edge_tb_s"] / 2 == p["on_tile_bisection_tb_s"]
    assert 4 * p["tile_edge_tb_s"] == p["off_tile_tb_s"]
    assert p["dies_per_tile"] * p["die_tflops_bf16"] / 1000 == pytest.approx(p["tile_pflops_bf16"], rel=0.01)
    assert p["dies_per_tile"] * p["die_power_w"] / 1000 <= p["tile_power_kw"]
    # 354 nodes x 1.25 MB x 25 dies = 11.06 GB, the tile's 11 GB of SRAM
    assert p["training_nodes_per_die"] * p["node_sram_mb"] * 25 / 1000 == pytest.approx(p["tile_sram_gb"], rel=0.01)
    assert p["tiles_per_exapod"] * 25 * p["training_nodes_per_die"] == 1_062_000  # VideoCardz: 1,062,000 nodes
    assert SYSTEM.spec.node_rows * SYSTEM.spec.node_cols >= p["training_nodes_per_die"]
    # the inputs are the published figures in the model's units
    s = SYSTEM.spec
    assert (s.dies_per_tile, s.units_per_die, s.die_area_mm2) == (p["dies_per_tile"], p["training_nodes_per_die"],
                                                                  p["die_area_mm2"])
    assert (s.d2d_gbps_per_die_edge, s.off_tile_gbps) == (1000 * p["die_edge_tb_s"], 1000 * p["off_tile_tb_s"])
    assert (s.node_link_gbps, s.clock_ghz) == (p["node_gb_s_per_direction"], p["node_clock_ghz"])


def test_the_estimates_arithmetic_holds():
    s, a = SYSTEM.spec, SYSTEM.assumptions
    # hop energy: 0.1 pJ/bit/mm of wire over the node pitch sqrt(645 / 354) mm, plus 0.05 per router
    assert 0.1 * math.sqrt(645 / 354) + 0.05 == pytest.approx(s.hop_energy_pj_per_bit, abs=5e-4)
    assert "sqrt(645 / 354) = 1.35" in a["hop_energy_pj_per_bit"]
    # the off-tile link is the H100-like file's SerDes link, as its assumption says
    gpu = load_system("h100-like", kind="gpu").spec
    assert (s.off_tile_latency_ns, s.off_tile_energy_pj_per_bit) == (gpu.link_latency_ns, gpu.link_energy_pj_per_bit)
    # the carrier: 1.2 x 25 x 645 = 19,350 mm^2; 91% at the estimate, 1.3% at the yield set's figure
    assert "= 91%" in a["carrier_d0"] and "1.3%" in a["carrier_d0"] and "19,350 mm^2" in a["carrier_d0"]
    assert round(100 * _carrier(19350, CARRIER_D0)) == 91 and round(100 * _carrier(19350, SET_D0), 1) == 1.3
    assert "1.2 x" in a["packaging"] and "0.99" in a["packaging"] and "alpha 3" in a["packaging"]
    # the node grid: 18 x 20 = 360 positions, 1.7% more than 354
    assert round(100 * (s.node_rows * s.node_cols / 354 - 1), 1) == 1.7
    # the volume: 15,000 dies over 25 per tile
    assert (5000 + 10000) // 25 == s.volume


def test_the_yield_sets_packaging_is_the_one_the_tile_takes():
    pk = yieldmodels.load_parameter_set("chiplet-actuary").packaging("info-rdl")
    assert (pk.carrier_d0, pk.carrier_alpha, pk.carrier_area_factor, pk.carrier_bond_yield) == (
        SET_D0, SET_ALPHA, FACTOR, C_BOND)
    mine = TileSpec().package
    assert (mine.carrier_d0, mine.carrier_alpha, mine.carrier_area_factor, mine.carrier_bond_yield) == (
        CARRIER_D0, SET_ALPHA, FACTOR, C_BOND)
    assert TileSpec(carrier_d0=None).package.carrier_d0 == SET_D0  # None: the set's figure
    assert not hasattr(TileSpec(), "bond_yield")  # chip-first: no die bonds


# --------------------------------------------------------------------------
# 2. Hand computations


def test_the_default_tile_against_a_hand_computation():
    r = tile_comparison(WSE3, TileSpec(), d0=0.1, alpha=10.0)
    y = (1 + 6.45 * 0.1 / 10) ** -10
    assert r.die_yield == pytest.approx(y, rel=1e-12) and r.die_yield_no_spares == pytest.approx(y, rel=1e-14)
    assert r.dies_per_wafer == yieldmodels.exact_dies_per_wafer(SIDE, SIDE, 300.0, scribe_mm=0.2,
                                                                edge_exclusion_mm=5.0) == 82
    assert r.kgd_pass_rate == r.die_yield and r.kgd_escape == 0.0
    assert r.kgd_per_wafer == pytest.approx(82 * y)
    assert r.carrier_area_mm2 == pytest.approx(1.2 * 25 * 645) and round(r.carrier_area_mm2, 6) == 19350
    carrier = (1 + 193.5 * 0.0005 / 3) ** -3
    assert r.carrier_yield == pytest.approx(carrier, rel=1e-12) and r.carrier_bond_yield == 0.99
    assert r.die_assembly_yield == 1.0  # every placed die known good, no bonds to fail
    assert r.tile_yield == pytest.approx(carrier * 0.99, rel=1e-12)
    assert r.tile_yield_at_set_carrier_d0 == pytest.approx((1 + 193.5 * 0.05 / 3) ** -3 * 0.99, rel=1e-12)
    assert r.good_tiles_per_wafer == pytest.approx(82 * y / 25 * carrier * 0.99, rel=1e-12)
    assert r.tiles_per_system == 3 and r.system_silicon_mm2 == 75 * 645
    assert r.silicon_ratio == pytest.approx(48375 / 46225)
    assert r.good_systems_per_wafer == pytest.approx(r.good_tiles_per_wafer / 3)
    assert r.usable_area_mm2_per_wafer == pytest.approx(r.good_tiles_per_wafer * 25 * 645)
    assert r.usable_area_fraction == pytest.approx(r.usable_area_mm2_per_wafer / (math.pi * 150**2))
    assert r.silicon_per_good_system_mm2 == pytest.approx(math.pi * 150**2 / r.good_systems_per_wafer)
    assert r.die_silicon_per_good_system_mm2 == pytest.approx(75 * 645 / (y * carrier * 0.99))


def test_spare_dies_and_escapes_against_a_hand_computation():
    spec = TileSpec(spare_dies=2, test_coverage=0.9, carrier_d0=0.001)
    r = tile_comparison(WSE3, spec, d0=0.2, alpha=3.0)
    y = (1 + 6.45 * 0.2 / 3) ** -3
    passed, e = _escape(y, 0.9)
    p, q = 1 - e, e
    assembly = p**27 + 27 * p**26 * q + 351 * p**25 * q**2  # at least 25 of the 27 placed dies good
    carrier = (1 + 1.2 * 27 * 6.45 * 0.001 / 3) ** -3
    assert (r.kgd_pass_rate, r.kgd_escape) == (pytest.approx(passed), pytest.approx(e))
    assert r.die_assembly_yield == pytest.approx(assembly, rel=1e-12)
    assert r.carrier_area_mm2 == pytest.approx(1.2 * 27 * 645)  # the spare sites take carrier area too
    assert r.carrier_yield == pytest.approx(carrier, rel=1e-12)
    assert r.tile_yield == pytest.approx(assembly * carrier * 0.99, rel=1e-12)
    set_carrier = (1 + 1.2 * 27 * 6.45 * 0.05 / 3) ** -3
    assert r.tile_yield_at_set_carrier_d0 == pytest.approx(assembly * set_carrier * 0.99, rel=1e-12)
    assert r.good_tiles_per_wafer == pytest.approx(r.dies_per_wafer * passed / 27 * r.tile_yield)
    assert r.usable_area_mm2_per_wafer == pytest.approx(r.good_tiles_per_wafer * 25 * 645)  # needed dies only
    assert r.die_silicon_per_good_system_mm2 == pytest.approx(3 * 27 * 645 / (passed * r.tile_yield))
    # without the spares every one of the 25 must be good
    none = tile_comparison(WSE3, replace(spec, spare_dies=0), d0=0.2, alpha=3.0)
    assert none.die_assembly_yield == pytest.approx(p**25, rel=1e-12) and none.die_assembly_yield < r.die_assembly_yield


@pytest.mark.parametrize("c_d0, c_alpha", [(0.0005, None), (0.001, None), (0.0005, 1.0), (0.05, None), (0.0, 2.0)])
def test_the_tile_yield_at_the_sets_carrier_density_by_hand(c_d0, c_alpha):
    spec = TileSpec(carrier_d0=c_d0, carrier_alpha=c_alpha, spare_dies=1, test_coverage=0.95)
    r = tile_comparison(WSE3, spec, d0=0.1, alpha=5.0)
    alpha = SET_ALPHA if c_alpha is None else c_alpha  # the set's density, at the spec's alpha
    area = 1.2 * 26 * 645
    assert r.carrier_area_mm2 == pytest.approx(area)
    assert r.carrier_yield == pytest.approx(_carrier(area, c_d0, alpha), rel=1e-12)
    assert r.tile_yield_at_set_carrier_d0 == pytest.approx(
        r.die_assembly_yield * (1 + area * 0.05 / 100 / alpha) ** -alpha * 0.99, rel=1e-12)
    # the ratio of the two is that of the carriers alone
    assert r.tile_yield / r.tile_yield_at_set_carrier_d0 == pytest.approx(
        _carrier(area, c_d0, alpha) / _carrier(area, SET_D0, alpha), rel=1e-12)
    if c_d0 == SET_D0:
        assert r.tile_yield == pytest.approx(r.tile_yield_at_set_carrier_d0, rel=1e-14)
    elif c_d0 < SET_D0:
        assert r.tile_yield > r.tile_yield_at_set_carrier_d0


def test_the_carrier_density_none_takes_the_sets_and_the_two_yields_agree():
    r = tile_comparison(WSE3, TileSpec(carrier_d0=None), d0=0.1, alpha=10.0)
    assert r.carrier_yield == pytest.approx((1 + 193.5 * 0.05 / 3) ** -3, rel=1e-12)
    assert round(r.carrier_yield, 4) == 0.0133
    assert r.tile_yield == r.tile_yield_at_set_carrier_d0 == pytest.approx(r.carrier_yield * 0.99)


@pytest.mark.parametrize("d0", [0.0, 0.05, 0.1, 0.5, 2.0])
def test_poisson_die_yield_is_exp_minus_a_d0(d0):
    r = tile_comparison(WSE3, TileSpec(), d0=d0, alpha=None)
    assert r.alpha is None
    assert r.die_yield_no_spares == pytest.approx(math.exp(-6.45 * d0), rel=1e-12)
    assert r.die_yield == pytest.approx(math.exp(-6.45 * d0), rel=1e-12)  # all nodes needed: no spares
    assert r.kgd_per_wafer == pytest.approx(82 * math.exp(-6.45 * d0), rel=1e-12)
    if d0 > 0:  # clustering always helps a die this size: Poisson is the lower bound
        assert r.die_yield < tile_comparison(WSE3, TileSpec(), d0=d0, alpha=2.0).die_yield


def test_poisson_unit_spares_against_a_binomial_by_hand():
    spec = TileSpec(needed_units=350, shared_area_fraction=0.25)
    r = tile_comparison(WSE3, spec, d0=0.3, alpha=None)
    unit = math.exp(-645 * 0.75 / 354 / 100 * 0.3)  # each node good independently (Poisson)
    ok = math.fsum(math.comb(354, k) * unit**k * (1 - unit) ** (354 - k) for k in range(350, 355))
    assert r.die_yield == pytest.approx(math.exp(-645 * 0.25 / 100 * 0.3) * ok, rel=1e-9)
    assert r.die_yield > r.die_yield_no_spares == pytest.approx(math.exp(-6.45 * 0.3), rel=1e-12)


def test_unit_spares_use_the_k_of_n_yield_with_the_shared_area():
    spec = TileSpec(needed_units=340, shared_area_fraction=0.3)
    r = tile_comparison(WSE3, spec, d0=0.1, alpha=2.0)
    want = yieldmodels.k_of_n_yield(354, 340, 645 * 0.7 / 354, 0.1, alpha=2.0, shared_area_mm2=645 * 0.3)
    assert r.die_yield == pytest.approx(want, rel=1e-12)
    assert r.die_yield > r.die_yield_no_spares == pytest.approx((1 + 0.645 / 2) ** -2)
    # the shared area alone bounds it: no spare unit can repair it
    assert r.die_yield < (1 + 0.3 * 0.645 / 2) ** -2


# --------------------------------------------------------------------------
# 3. The cost: Chiplet Actuary's chip-first flow


def _by_hand(spec: TileSpec, r: TileResult):
    """chiplet_system_cost as the tile should call it: its dies placed, chip-first."""
    return chiplet_system_cost("chiplet-actuary", "7nm", spec.die_area_mm2, spec.dies_placed, "info-rdl",
                               volume=spec.volume, chip_first=True, die_yield=r.die_yield,
                               test_coverage=spec.test_coverage, yields=spec.yields(), die_width_mm=spec.die_width_mm)


def _split(cost, carrier_area_mm2: float):
    """A chip-first cost's dies-and-carrier part X and its substrate U: ``re = X / ya + U / y3``."""
    substrate = 4.0 * carrier_area_mm2 * 0.005  # info-rdl: substrate 4 x the carrier, 0.005 USD/mm^2
    dies_and_carrier = cost.silicon_usd + cost.test_usd + cost.die_yield_loss_usd + cost.packaging_usd - substrate
    return dies_and_carrier, substrate


def test_the_cost_is_chiplet_actuarys_chip_first_cost_for_the_tile():
    spec = TileSpec()
    r = tile_comparison(WSE3, spec, d0=0.1, alpha=10.0)
    want = _by_hand(spec, r)
    assert r.tile_cost == want and r.cost_exact and want.n_dies == 25 and want.kind == "chiplets"
    assert r.system_re_usd == pytest.approx(3 * want.re_usd) and r.system_total_usd == pytest.approx(3 * want.total_usd)
    assert r.tile_cost.carrier_yield == pytest.approx(r.carrier_yield, rel=1e-14)
    # chip-first: the dies' cost divides by the tile's yield, with no die bond term (0.98 ** 25 would be 0.60)
    assert r.tile_cost.assembly_yield == pytest.approx(r.tile_yield, rel=1e-12)
    assert r.tile_cost.assembly_yield == pytest.approx((1 + 193.5 * 0.0005 / 3) ** -3 * 0.99, rel=1e-12)
    # and the chip-last flow, with its bonds, is a different (dearer) cost
    last = chiplet_system_cost("chiplet-actuary", "7nm", 645.0, 25, "info-rdl", volume=600, die_yield=r.die_yield,
                               yields=spec.yields(), die_width_mm=SIDE)
    assert last.assembly_yield == pytest.approx(0.98**25 * 0.99, rel=1e-12) and last.re_usd > r.tile_cost.re_usd


def test_the_chip_first_cost_divides_the_dies_and_carrier_by_the_assembly_yield():
    spec = TileSpec(spare_dies=1, test_coverage=0.8)
    r = tile_comparison(WSE3, spec, d0=0.1, alpha=10.0)
    x, u = _split(r.tile_cost, r.carrier_area_mm2)
    assert r.tile_cost.re_usd == pytest.approx(x / r.tile_cost.assembly_yield + u / 0.99, rel=1e-12)


@pytest.mark.parametrize("spares", [1, 2, 4])
def test_the_cost_with_spare_dies_and_no_escapes_is_exact(spares):
    spec = TileSpec(spare_dies=spares)
    r = tile_comparison(WSE3, spec, d0=0.1, alpha=10.0)
    assert r.kgd_escape == 0.0 and r.die_assembly_yield == 1.0 and r.cost_exact
    assert r.tile_cost == _by_hand(spec, r) and r.tile_cost.n_dies == 25 + spares
    assert r.tile_cost.assembly_yield == pytest.approx(r.tile_yield, rel=1e-12)
    assert r.tile_yield == pytest.approx(_carrier(1.2 * (25 + spares) * 645, CARRIER_D0) * 0.99, rel=1e-12)


def test_the_cost_with_escapes_and_no_spare_dies_is_exact():
    spec = TileSpec(test_coverage=0.9)
    r = tile_comparison(WSE3, spec, d0=0.2, alpha=3.0)
    _, e = _escape((1 + 6.45 * 0.2 / 3) ** -3, 0.9)
    assert r.cost_exact and r.tile_cost == _by_hand(spec, r)
    assert r.tile_cost.assembly_yield == pytest.approx((1 - e) ** 25 * r.carrier_yield * 0.99, rel=1e-12)
    assert r.tile_cost.assembly_yield == pytest.approx(r.tile_yield, rel=1e-12)


@pytest.mark.parametrize("spares, coverage", [(1, 0.9), (2, 0.9), (3, 0.5), (2, 0.0)])
def test_the_cost_with_spare_dies_and_escapes_is_an_upper_bound(spares, coverage):
    spec = TileSpec(spare_dies=spares, test_coverage=coverage)
    r = tile_comparison(WSE3, spec, d0=0.2, alpha=3.0)
    n = 25 + spares
    _, e = _escape((1 + 6.45 * 0.2 / 3) ** -3, coverage)
    assert not r.cost_exact and r.tile_cost == _by_hand(spec, r) and r.tile_cost.n_dies == n
    # the cost divides by every placed die being good, (1 - e) ** N, where the tile needs only 25 of N
    assert r.tile_cost.assembly_yield == pytest.approx((1 - e) ** n * r.carrier_yield * 0.99, rel=1e-12)
    assert r.tile_cost.assembly_yield < r.tile_yield
    # the cost that divides by the tile's exact yield is lower: the tile's cost is an upper bound
    x, u = _split(r.tile_cost, r.carrier_area_mm2)
    exact = x / r.tile_yield + u / 0.99
    assert r.tile_cost.re_usd >= exact and r.tile_cost.re_usd - exact == pytest.approx(
        x * (1 / r.tile_cost.assembly_yield - 1 / r.tile_yield), rel=1e-9)
    assert r.system_re_usd == pytest.approx(3 * r.tile_cost.re_usd)


def test_a_yield_too_small_for_a_cost_leaves_it_out():
    r = tile_comparison(WSE3, TileSpec(), d0=1e12, alpha=10.0)  # (1 + 6.45e10)^-10 ~ 1e-108
    assert r.tile_cost is None and math.isnan(r.system_re_usd) and math.isnan(r.system_total_usd)
    assert r.die_yield < 1e-100 and r.good_systems_per_wafer < 1e-100 and r.silicon_per_good_system_mm2 > 1e100
    r = tile_comparison(WSE3, TileSpec(carrier_bond_yield=0.0), d0=0.1, alpha=10.0)
    assert (r.tile_yield, r.tile_cost, r.silicon_per_good_system_mm2) == (0.0, None, math.inf)
    assert r.die_silicon_per_good_system_mm2 == math.inf and r.tile_yield_at_set_carrier_d0 == 0.0
    assert tile_comparison(WSE3, TileSpec(), d0=0.1, alpha=10.0).tile_cost is not None


# --------------------------------------------------------------------------
# 4. The network


def _xy_brute_force(spec: TileSpec) -> tuple[float, float, float, float]:
    """Every node pair of one tile routed X then Y: the tile's uniform GB/s at saturation,
    mean hops, mean die-to-die crossings and mean latency in hops, by brute force."""
    rows, cols = spec.dies_y * spec.node_rows, spec.dies_x * spec.node_cols
    b, extra = spec.d2d_bandwidth, spec.d2d_extra_hops
    flows: dict[tuple, int] = {}
    hops = crossings = 0
    nodes = [(r, c) for r in range(rows) for c in range(cols)]
    for (r0, c0), (r1, c1) in itertools.product(nodes, nodes):
        r, c = r0, c0
        while c != c1:
            step = 1 if c1 > c else -1
            edge = ("h", r, min(c, c + step), step)
            flows[edge] = flows.get(edge, 0) + 1
            crossings += (min(c, c + step) + 1) % spec.node_cols == 0
            c += step
            hops += 1
        while r != r1:
            step = 1 if r1 > r else -1
            edge = ("v", c, min(r, r + step), step)
            flows[edge] = flows.get(edge, 0) + 1
            crossings += (min(r, r + step) + 1) % spec.node_rows == 0
            r += step
            hops += 1

    def load(edge):  # flows over the channel's bandwidth, in on-die links
        kind, _, low, _ = edge
        d2d = (low + 1) % (spec.node_cols if kind == "h" else spec.node_rows) == 0
        return flows[edge] / (b if d2d else 1.0)

    n = len(nodes)
    worst = max(load(e) for e in flows)  # node-to-node flows on the busiest channel, per unit link
    pairs = n * n
    # each node offers g GB/s spread over n destinations: the busiest channel carries worst * g / n
    tile_gbps = spec.node_link_gbps * n / worst * n
    return tile_gbps, hops / pairs, crossings / pairs, (hops + extra * crossings) / pairs


def test_the_network_against_a_hand_computation():
    r = tile_comparison(WSE3, TileSpec(), d0=0.1, alpha=10.0)
    net = r.network
    b = 4000 / 2 / 20 / 512  # one direction of an edge, over the 20 node columns crossing it
    assert r.d2d_bandwidth == b == TileSpec().d2d_bandwidth and r.d2d_extra_hops == 10.0
    assert isinstance(net, TileNetwork)
    assert net.mesh == routing.die_grid_uniform_metrics(90, 100, 18, 20, b, 10.0)
    assert net.mesh.max_route_extra_hops == 8 * 10.0  # 4 + 4 die crossings corner to corner
    # the busiest cut: the die edge after 40 of the 100 node columns, its 90 links at b x 512 = 100 GB/s
    # each way, carries 40 x 60 / 100^2 = 24% of uniform traffic one way
    assert net.tile_gbps == pytest.approx(90 * 100 / 0.24, rel=1e-12) and round(net.tile_gbps, 6) == 37500
    assert net.tile_gbps == pytest.approx(net.mesh.saturation * 9000 * 512, rel=1e-14)
    # three tiles all-to-all: 2/3 of a tile's traffic leaves it over half its 36 TB/s (one direction)
    assert net.leaving_fraction == pytest.approx(2 / 3)
    assert net.off_tile_limit_gbps == pytest.approx(18000 / (2 / 3), rel=1e-12)
    assert round(net.off_tile_limit_gbps, 6) == 27000
    assert net.system_gbps == pytest.approx(3 * 27000, rel=1e-12)
    assert net.d2d_crossings == pytest.approx(2 * 24 / 15)  # (5^2 - 1) / (3 x 5) each way
    hops = 8099 / 270 + 9999 / 300  # E|dy| over 90 rows + E|dx| over 100 columns
    assert net.mesh.mean_route_hops == pytest.approx(hops, rel=1e-12)
    assert net.mesh.mean_route_extra_hops == pytest.approx(3.2 * 10, rel=1e-12)
    assert net.mean_latency_ns == pytest.approx((hops + 32) / 2 + 2 / 3 * 20, rel=1e-12)
    assert net.mean_energy_pj_per_bit == pytest.approx(hops * 0.185 + 3.2 * 2.0 + 2 / 3 * 5.5, rel=1e-12)
    assert TileSpec(d2d_gbps_per_die_edge=1e6).d2d_bandwidth == 1.0  # never faster than the on-die link


def test_the_off_tile_links_limit_the_system_only_when_they_are_slower():
    fast = tile_comparison(WSE3, TileSpec(off_tile_gbps=1e6), d0=0.1, alpha=10.0).network
    assert fast.off_tile_limit_gbps == pytest.approx(5e5 / (2 / 3)) and fast.system_gbps == pytest.approx(3 * 37500)
    two = tile_comparison(WSE3, TileSpec(tiles_per_system=2), d0=0.1, alpha=10.0).network
    assert two.leaving_fraction == 0.5 and two.off_tile_limit_gbps == pytest.approx(36000)
    assert two.system_gbps == pytest.approx(2 * 36000)
    assert two.mean_latency_ns == pytest.approx((two.mesh.mean_route_hops + 32) / 2 + 0.5 * 20)
    ten = tile_comparison(WSE3, TileSpec(tiles_per_system=10), d0=0.1, alpha=10.0).network
    assert ten.system_gbps == pytest.approx(10 * 18000 / 0.9)


@pytest.mark.parametrize("kwargs", [
    dict(dies_x=4, dies_y=3, node_rows=2, node_cols=3),
    dict(dies_x=2, dies_y=5, node_rows=3, node_cols=2, d2d_gbps_per_die_edge=1000.0, d2d_latency_ns=2.5),
    dict(dies_x=3, dies_y=1, node_rows=2, node_cols=2, d2d_gbps_per_die_edge=1e6),
    dict(dies_x=1, dies_y=1, node_rows=3, node_cols=4),
])
def test_the_network_against_a_brute_force_of_every_route(kwargs):
    spec = TileSpec(**kwargs)
    net = tile_comparison(WSE3, spec, d0=0.1, alpha=10.0).network
    tile_gbps, hops, crossings, latency_hops = _xy_brute_force(spec)
    assert net.tile_gbps == pytest.approx(tile_gbps, rel=1e-12)
    assert net.mesh.mean_route_hops == pytest.approx(hops, rel=1e-12)
    assert net.d2d_crossings == pytest.approx(crossings, rel=1e-12, abs=1e-15)
    leaving = net.leaving_fraction
    assert net.mean_latency_ns == pytest.approx(latency_hops / spec.clock_ghz + leaving * 20.0, rel=1e-12)
    assert net.mean_energy_pj_per_bit == pytest.approx(hops * 0.185 + crossings * 2.0 + leaving * 5.5, rel=1e-12)


@pytest.mark.parametrize("dx, dy", [(1, 1), (1, 4), (2, 3), (5, 5), (7, 2)])
def test_the_mean_crossings_are_the_average_over_all_die_pairs(dx, dy):
    dies = [(i, j) for i in range(dx) for j in range(dy)]
    brute = sum(abs(a[0] - b[0]) + abs(a[1] - b[1]) for a in dies for b in dies) / len(dies) ** 2
    assert brute == pytest.approx((dx * dx - 1) / (3 * dx) + (dy * dy - 1) / (3 * dy), rel=1e-14, abs=1e-15)
    spec = TileSpec(dies_x=dx, dies_y=dy, node_rows=2, node_cols=2)
    net = tile_comparison(WSE3, spec, d0=0.1, alpha=10.0).network
    assert net.d2d_crossings == pytest.approx(brute, rel=1e-14, abs=1e-15)
    # a route crosses die edges as often as its dies differ: routing's exact count agrees
    assert net.mesh.mean_route_extra_hops == pytest.approx(brute * spec.d2d_extra_hops, rel=1e-12, abs=1e-12)


def test_one_tile_has_no_off_tile_traffic():
    spec = TileSpec(tiles_per_system=1)
    r = tile_comparison(WSE3, spec, d0=0.1, alpha=10.0)
    net = r.network
    assert r.tiles_per_system == 1 and net.leaving_fraction == 0.0 and net.off_tile_limit_gbps == math.inf
    assert net.system_gbps == net.tile_gbps == pytest.approx(37500)
    hops = 8099 / 270 + 9999 / 300
    assert net.mean_latency_ns == pytest.approx((hops + 32) / 2, rel=1e-12)  # no 20 ns tile-to-tile crossing
    assert net.mean_energy_pj_per_bit == pytest.approx(hops * 0.185 + 3.2 * 2.0, rel=1e-12)
    # and one tile's network does not depend on the off-tile figures at all
    other = tile_comparison(WSE3, replace(spec, off_tile_gbps=1.0, off_tile_latency_ns=1e3,
                                               off_tile_energy_pj_per_bit=1e3), d0=0.1, alpha=10.0).network
    assert other == net


# --------------------------------------------------------------------------
# 5. Monte Carlo of die defects, known-good-die test and carrier


def test_a_monte_carlo_tile_yield_agrees_with_the_closed_form():
    rng = np.random.default_rng(2026)
    units, need_units, shared_frac, d0, alpha = 20, 18, 0.3, 0.2, 2.0
    cov, c_d0, c_alpha, c_bond, spares = 0.9, 0.002, 3.0, 0.99, 2
    spec = TileSpec(units_per_die=units, needed_units=need_units, shared_area_fraction=shared_frac,
                    test_coverage=cov, carrier_d0=c_d0, carrier_alpha=c_alpha,
                    carrier_bond_yield=c_bond, spare_dies=spares)
    r = tile_comparison(WSE3, spec, d0=d0, alpha=alpha)
    tiles, placed = 20_000, 27
    n_dies = int(tiles * placed / r.kgd_pass_rate * 1.2)
    # dies: negative binomial defect counts (gamma-mixed Poisson), each defect in the shared
    # area or on one unit; good with no shared hit and at most 2 units hit
    g = rng.gamma(alpha, 1 / alpha, n_dies)
    k = rng.poisson(A * d0 / 100 * g)
    die_of = np.repeat(np.arange(n_dies), k)
    in_shared = rng.random(die_of.size) < shared_frac
    shared_hit = np.bincount(die_of[in_shared], minlength=n_dies) > 0
    hits = np.unique(die_of[~in_shared] * units + rng.integers(0, units, (~in_shared).sum()))
    units_hit = np.bincount(hits // units, minlength=n_dies)
    good = ~shared_hit & (units_hit <= units - need_units)
    passes = good | (rng.random(n_dies) > cov)
    lo, hi = proportion_ci(int(good.sum()), n_dies, 0.999)[1:]
    assert lo <= r.die_yield <= hi
    lo, hi = proportion_ci(int(passes.sum()), n_dies, 0.999)[1:]
    assert lo <= r.kgd_pass_rate <= hi
    tested_good = good[passes]
    lo, hi = proportion_ci(int((~tested_good).sum()), tested_good.size, 0.999)[1:]
    assert lo <= r.kgd_escape <= hi
    # tiles of passing dies, chip-first (no bonds): 25 of 27 good, the carrier good, the final assembly good
    dies = tested_good[: tiles * placed].reshape(tiles, placed)
    assert dies.shape == (tiles, placed)
    enough = dies.sum(axis=1) >= 25
    lo, hi = proportion_ci(int(enough.sum()), tiles, 0.999)[1:]
    assert lo <= r.die_assembly_yield <= hi
    carrier = rng.poisson(r.carrier_area_mm2 * c_d0 / 100 * rng.gamma(c_alpha, 1 / c_alpha, tiles)) == 0
    lo, hi = proportion_ci(int(carrier.sum()), tiles, 0.999)[1:]
    assert lo <= r.carrier_yield <= hi
    ok = enough & carrier & (rng.random(tiles) < c_bond)
    p, lo, hi = proportion_ci(int(ok.sum()), tiles, 0.999)
    assert 0.2 < r.tile_yield < 0.9 and lo <= r.tile_yield <= hi, (p, r.tile_yield)
    # unit spares, escapes and spare dies all matter here
    assert r.die_yield > r.die_yield_no_spares + 0.05 and r.kgd_escape > 0.03
    assert r.die_assembly_yield > (1 - r.kgd_escape) ** 25 + 0.1


# --------------------------------------------------------------------------
# 6. Properties

probability = st.floats(0.5, 1.0)


@settings(max_examples=40, deadline=None)
@given(spares=st.integers(0, 5), cov=st.floats(0.0, 1.0), d0=st.floats(0.0, 1.0), alpha=st.floats(0.5, 20.0))
def test_more_spare_dies_never_yield_less(spares, cov, d0, alpha):
    def at(s, **kw):
        return tile_comparison(WSE3, TileSpec(spare_dies=s, test_coverage=cov, **kw), d0, alpha)

    fewer, more = at(spares), at(spares + 1)
    assert more.die_assembly_yield >= fewer.die_assembly_yield * (1 - 1e-12)
    # with a carrier free of defects, the tile's yield too (a defect-limited carrier grows with the sites)
    assert at(spares + 1, carrier_d0=0.0).tile_yield >= at(spares, carrier_d0=0.0).tile_yield * (1 - 1e-12)
    # never worse than needing every placed die, never better than the carrier and final assembly
    e = more.kgd_escape
    assert (1 - e) ** (26 + spares) * (1 - 1e-12) <= more.die_assembly_yield <= 1.0
    assert more.tile_yield <= more.carrier_yield * 0.99 * (1 + 1e-12)
    assert more.cost_exact == (e == 0.0)


@settings(max_examples=30, deadline=None)
@given(needed=st.integers(300, 354), d0=st.floats(0.01, 1.0), alpha=st.one_of(st.none(), st.floats(0.5, 20.0)),
       shared=st.floats(0.0, 0.9))
def test_more_spare_units_never_yield_less(needed, d0, alpha, shared):
    def at(k):
        return tile_comparison(WSE3, TileSpec(needed_units=k, shared_area_fraction=shared), d0, alpha).die_yield

    assert at(needed - 1) >= at(needed) * (1 - 1e-9)


@settings(max_examples=40, deadline=None)
@given(cov=st.floats(0.0, 1.0), c_d0=st.floats(0.0, 0.1), c_alpha=st.floats(0.5, 10.0), c_bond=probability,
       d0=st.floats(0.0, 1.0), alpha=st.one_of(st.none(), st.floats(0.5, 20.0)))
def test_without_spare_dies_the_tile_yield_is_escapes_times_carrier(cov, c_d0, c_alpha, c_bond, d0, alpha):
    spec = TileSpec(test_coverage=cov, carrier_d0=c_d0, carrier_alpha=c_alpha, carrier_bond_yield=c_bond)
    r = tile_comparison(WSE3, spec, d0, alpha)
    y = math.exp(-6.45 * d0) if alpha is None else (1 + 6.45 * d0 / alpha) ** -alpha
    _, e = _escape(y, cov)
    carrier = (1 + 193.5 * c_d0 / c_alpha) ** -c_alpha
    assert r.die_yield == pytest.approx(y, rel=1e-9, abs=1e-300)
    assert r.tile_yield == pytest.approx((1 - e) ** 25 * carrier * c_bond, rel=1e-9, abs=1e-300)
    set_carrier = (1 + 193.5 * 0.05 / c_alpha) ** -c_alpha
    assert r.tile_yield_at_set_carrier_d0 == pytest.approx((1 - e) ** 25 * set_carrier * c_bond, rel=1e-9, abs=1e-300)
    assert r.cost_exact


@settings(max_examples=30, deadline=None)
@given(spares=st.integers(1, 4), cov=st.floats(0.0, 0.99), d0=st.floats(0.01, 0.5))
def test_with_spare_dies_and_escapes_the_cost_never_divides_by_more_than_the_tile_yield(spares, cov, d0):
    r = tile_comparison(WSE3, TileSpec(spare_dies=spares, test_coverage=cov), d0, 3.0)
    assert not r.cost_exact
    assert r.tile_cost.assembly_yield <= r.tile_yield * (1 + 1e-12)
    x, u = _split(r.tile_cost, r.carrier_area_mm2)
    assert r.tile_cost.re_usd >= (x / r.tile_yield + u / 0.99) * (1 - 1e-12)


# --------------------------------------------------------------------------
# 7. The silicon matching rule


@pytest.mark.parametrize("dies, tiles", [(25.0, 1), (25.4, 1), (25.6, 2), (26.0, 2), (50.4, 2), (50.6, 3),
                                         (0.3, 1), (71.67, 3)])
def test_the_tiles_match_the_wafer_dies_silicon(dies, tiles):
    side = math.sqrt(dies * 645.0)
    w = WaferSpec(die_width_mm=side, die_height_mm=side, core_rows=10, core_cols=10)
    assert TileSpec().matching_tiles(w) == tiles
    assert tile_comparison(w, TileSpec(), 0.1, 10.0).tiles_per_system == tiles


@settings(max_examples=50)
@given(area=st.floats(100.0, 50000.0), nx=st.integers(1, 5), ny=st.integers(1, 5))
def test_the_rule_is_the_die_count_closest_to_the_area_rounded_up_to_tiles(area, nx, ny):
    side = math.sqrt(area)
    w = WaferSpec(die_width_mm=side, die_height_mm=side, core_rows=4, core_cols=4)
    t = TileSpec(dies_x=nx, dies_y=ny).matching_tiles(w)
    dies = max(1, round(area / 645.0))
    assert (t - 1) * nx * ny < dies <= t * nx * ny


def test_the_wse3_system_is_three_tiles_with_five_percent_more_silicon():
    r = tile_comparison(WSE3, TileSpec(), 0.1, 10.0)
    assert (r.tiles_per_system, r.system_silicon_mm2) == (3, 48375.0)
    assert round(100 * (r.silicon_ratio - 1), 2) == 4.65
    assert tile_comparison(WSE3, TileSpec(tiles_per_system=2), 0.1, 10.0).tiles_per_system == 2


# --------------------------------------------------------------------------
# 8. The carrier limit


@pytest.mark.parametrize("kwargs, says", [
    (dict(dies_x=10, dies_y=9), "carrier area for info-sow must be <="),
    (dict(carrier_area_factor=4.5), "carrier area for info-sow must be <="),
    (dict(dies_x=9, dies_y=9), "usable disc"),
    (dict(dies_x=20, dies_y=1), "usable disc"),
    (dict(dies_x=8, dies_y=8, spare_dies=20), "usable disc"),
    (dict(spare_dies=100), "carrier area for info-sow must be <="),
])
def test_a_tile_beyond_the_info_sow_carrier_is_refused(kwargs, says):
    with pytest.raises(ParameterError, match="must fit the info-sow carrier") as exc:
        TileSpec(**kwargs)
    assert says in str(exc.value) and "\n" not in str(exc.value)


def test_the_dojo_tile_fits_and_so_does_a_bigger_one():
    assert TileSpec().package.carrier_area_factor == 1.2
    TileSpec(dies_x=7, dies_y=7)  # 49 x 645 x 1.2 = 37,926 mm^2, half-diagonal 137 mm < 147
    with pytest.raises(ParameterError, match="usable disc"):
        TileSpec(dies_x=7, dies_y=7, spare_dies=12)  # 61 x 645 x 1.2 = 47,214 mm^2: half-diagonal 154 mm


# --------------------------------------------------------------------------
# 9. The TOML loader, through load_system(..., kind="tile")


def _copy(tmp_path, old: str, new: str):
    path = tmp_path / "mine.toml"
    text = open(SYSTEM.path, encoding="utf-8").read()
    assert text.count(old) >= 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, says", [
    ("dies_x = 5\n", "dies_xx = 5\n", "tile.dies_xx is not a known key; allowed in [tile]"),
    ("dies_x = 5\n", "dies_x = 0\n", "tile.dies_x must be an integer in [1, 4096], got 0"),
    ("carrier_d0 = 0.0005\n", "carrier_d0 = -0.0005\n", "tile.carrier_d0 must be"),
    ("volume = 600\n", "volume = 600\nbond_yield = 0.98\n", "tile.bond_yield is not a known key"),
    ("die_power_w = 400.0", 'die_power_w = "400"', "published.die_power_w must be a finite number"),
    ("tiles_per_exapod = 120\n", "tiles_per_exapod = 120\nuncited = 3\n", "uncited must have an entry in [sources]"),
    ("volume = 600\n", "volume = 600\nscribe_mm = 0.1\n", "scribe_mm must have an entry in [sources]"),
    ('\ncarrier_d0 = "estimate:', '\nsomething_else = "estimate:', "carrier_d0 must have an entry in [sources]"),
    ('name = "Dojo-like"', "name = 3", "name must be a non-empty string"),
    ("\n[assumptions]\n", "\n[assumption]\n", "assumption is not a known key"),
    ("\n[tile]\n", "\n[gpu]\n", "tile system must be a file with a [tile] table, got one with [gpu]"),
    ("\n[tile]\n", "\n[tiles]\n", "tiles is not a known key"),
])
def test_a_bad_file_is_refused_in_one_line(tmp_path, old, new, says):
    with pytest.raises(ParameterError) as exc:
        load_system(_copy(tmp_path, old, new), kind="tile")
    message = str(exc.value)
    assert says in message and message.endswith("mine.toml')") and "\n" not in message


def test_a_users_file_loads_by_path(tmp_path):
    path = tmp_path / "copy.toml"
    shutil.copy(SYSTEM.path, path)
    p = load_system(str(path), kind="tile")
    assert isinstance(p, SystemFile) and p.kind == "tile" and p.spec == SYSTEM.spec and p.path == str(path)
    assert (p.published, p.sources, p.assumptions) == (SYSTEM.published, SYSTEM.sources, SYSTEM.assumptions)
    assert load_system(path, kind="tile") == p  # a PathLike too


def test_a_users_file_sets_the_new_fields(tmp_path):
    path = _copy(tmp_path, "off_tile_latency_ns = 20.0\n", "off_tile_latency_ns = 40.0\n")
    spec = load_system(path, kind="tile").spec
    assert spec.off_tile_latency_ns == 40.0 and spec == replace(TileSpec(), off_tile_latency_ns=40.0)
    net = tile_comparison(WSE3, spec, 0.1, 10.0).network
    assert net.mean_latency_ns == pytest.approx(tile_comparison(WSE3, TileSpec(), 0.1, 10.0).network.mean_latency_ns
                                                + 2 / 3 * 20.0)


# --------------------------------------------------------------------------
# 10. Bad input everywhere, and the doctests

NOT_NONE = [v for v in BAD["count"] if v is not None]
SPEC_KINDS = {
    "die_area_mm2": BAD["positive"] + [1e6], "die_aspect": "positive", "dies_x": BAD["count"] + [4097],
    "dies_y": "count", "node": BAD["name"], "units_per_die": "count", "needed_units": NOT_NONE + [355],
    "shared_area_fraction": "probability", "test_coverage": "probability", "spare_dies": BAD["index"] + [100],
    "parameter_set": BAD["name"], "cost_set": BAD["name"],
    "carrier_d0": "nonnegative", "carrier_alpha": "positive", "carrier_area_factor": BAD["positive"] + [10.0],
    "carrier_bond_yield": "probability", "node_rows": BAD["count"] + [4097], "node_cols": "count",
    "node_link_gbps": "positive", "clock_ghz": "positive", "hop_energy_pj_per_bit": "nonnegative",
    "d2d_gbps_per_die_edge": "positive", "d2d_latency_ns": "nonnegative", "d2d_energy_pj_per_bit": "nonnegative",
    "off_tile_gbps": "positive", "off_tile_latency_ns": "nonnegative", "off_tile_energy_pj_per_bit": "nonnegative",
    "tiles_per_system": NOT_NONE, "volume": "count", "scribe_mm": "nonnegative", "edge_exclusion_mm": "nonnegative",
}
CASES = [
    Case(TileSpec, kinds=SPEC_KINDS),
    Case(tile_comparison, (WSE3, TileSpec(), 0.1, 10.0),
         kinds={0: [3, None, "wse-3", TileSpec()], 1: [3, None, WSE3, TileSpec], 2: "nonnegative", 3: "positive"}),
    Case(tile_comparison, (WSE3, TileSpec(), 0.1, None), kinds={2: "nonnegative"}),
    Case(TileSpec().matching_tiles, (WSE3,), kinds={0: [3, None, TileSpec()]}),
    Case(load_system, ("dojo-like",), {"kind": "tile"},
         kinds={0: BAD["name"] + ["/dev/zero", "/no/such/file.toml", "/", "h100-like"],
                "kind": ["gpu", "", "no-such-kind", 3]}),
]
SMALL_TILES = tile_comparison(WSE3, TileSpec(die_area_mm2=100.0, dies_x=2, dies_y=1, node_rows=1, node_cols=2,
                                         tiles_per_system=2), 0.1, 10.0)
CASES += [
    Case(tile_module.tile_link_classes, (TileSpec(),), kinds={0: [None, 3, "dojo-like", WSE3]}),
    Case(tile_module.tile_grid, (3, 763, 1176, TileSpec()), kinds={0: "count", 1: "count", 2: "count"}),
    Case(tile_module.tile_system_network, (TileSpec(), (1, 3)),
         kinds={0: [None, 3, WSE3], 1: [(0, 3), (1, 1.5), (1, -2), (None, 1)]}),
    Case(tile_module.tile_pattern_figures, (routing.make_traffic("neighbor", 2, 8), 2, 8, SMALL_TILES),
         kinds={0: [None, "x", routing.make_traffic("neighbor", 2, 7)], 1: BAD["count"] + [3], 2: "count",
                3: [None, "x", WSE3]}),
]
EXEMPT = {
    "TILE_CLASSES": "a constant (the names of the tile system's link classes)",
    "TileResult": "a result record, built from checked values by tile_comparison",
    "TileNetwork": "a result record, built from checked values by tile_comparison",
}

(test_every_public_callable_has_a_case, test_the_valid_call_of_each_case_succeeds,
 test_bad_values_raise_the_project_error,
 test_every_bad_value_raises_the_project_error) = sweep(tile_module, CASES, EXEMPT, max_examples=150)


def test_an_edge_exclusion_past_the_dies_is_refused_by_the_die_count():
    with pytest.raises(ParameterError, match="edge_exclusion_mm"):
        tile_comparison(WSE3, TileSpec(edge_exclusion_mm=200.0), 0.1, 10.0)


@pytest.mark.parametrize("value", [-1, 0.5, "1", True])
def test_a_bad_field_names_the_parameter(value):
    for name in ("dies_x", "spare_dies", "volume"):
        with pytest.raises(ParameterError, match=f"^{name} must be "):
            TileSpec(**{name: value})


@pytest.mark.parametrize("name", ["hop_energy_pj_per_bit", "d2d_energy_pj_per_bit", "off_tile_latency_ns",
                                  "off_tile_energy_pj_per_bit", "d2d_latency_ns", "carrier_d0"])
def test_a_negative_new_field_names_the_parameter(name):
    with pytest.raises(ParameterError, match=f"^{name} must be "):
        TileSpec(**{name: -1.0})
    TileSpec(**{name: 0.0})  # zero is allowed: a free link, an ideal carrier


def test_the_result_is_a_plain_record():
    r = tile_comparison(WSE3, TileSpec(), 0.1, 10.0)
    assert isinstance(r, TileResult) and r.spec == TileSpec() and (r.d0, r.alpha) == (0.1, 10.0)
    assert isinstance(r.network, TileNetwork) and isinstance(r.network.mesh, routing.UniformMetrics)


def test_the_doctests_run():
    result = doctest.testmod(tile_module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.attempted >= 8 and result.failed == 0


# --------------------------------------------------------------------------
# 9. Traffic patterns on the tile system's node mesh


def _route_by_hand(flows, rows, cols, result):
    """Every flow walked XY on the tile system's node grid, channel by channel (plain Python)."""
    spec = result.spec
    ty, tx = tile_module.tile_grid(result.tiles_per_system, rows, cols, spec)
    R, C = ty * spec.dies_y * spec.node_rows, tx * spec.dies_x * spec.node_cols
    classes = tile_module.tile_link_classes(spec)
    tile_r, tile_c = spec.dies_y * spec.node_rows, spec.dies_x * spec.node_cols

    def node(v):
        r, c = divmod(v, cols)
        return r * R // rows, c * C // cols

    def kind(a, b):
        (ya, xa), (yb, xb) = a, b
        if ya // tile_r != yb // tile_r or xa // tile_c != xb // tile_c:
            return classes["tile-edge"]
        if ya // spec.node_rows != yb // spec.node_rows or xa // spec.node_cols != xb // spec.node_cols:
            return classes["tile-d2d"]
        return classes["tile-mesh"]

    pairs = [(s, d, w) for s, d, w in zip(flows.src.tolist(), flows.dst.tolist(), flows.weight.tolist())]
    n = rows * cols
    if flows.uniform:
        pairs += [(s, d, flows.uniform / (n - 1)) for s in range(n) for d in range(n) if s != d]
    load, hops, cycles, pj = {}, 0.0, 0.0, 0.0
    for s, d, w in pairs:
        (y, x), (y2, x2) = node(s), node(d)
        path = []
        while x != x2:
            nxt = x + (1 if x2 > x else -1)
            path.append(((y, x), (y, nxt)))
            x = nxt
        while y != y2:
            nxt = y + (1 if y2 > y else -1)
            path.append(((y, x), (nxt, x)))
            y = nxt
        for a, b in path:
            k = kind(a, b)
            load[(a, b)] = load.get((a, b), 0.0) + w * 8 / k.bandwidth_bits_per_cycle
            hops += w
            cycles += w * (k.latency_cycles + k.router_delay_cycles)
            pj += w * (k.energy_pj_per_bit + k.router_energy_pj_per_bit)
    total = flows.total
    return {"step_cycles": max(load.values(), default=0.0), "mean_hops": hops / total,
            "latency_cycles": cycles / total + 1, "energy_pj_per_bit": pj / total}


@pytest.mark.parametrize("pattern, rows, cols", [("neighbor", 2, 8), ("transpose", 4, 4), ("tornado", 3, 8),
                                                 ("stencil", 4, 6), ("hotspot", 2, 8)])
def test_a_pattern_on_the_tiles_is_every_route_walked_by_hand(pattern, rows, cols):
    flows = routing.make_traffic(pattern, rows, cols)
    got = tile_module.tile_pattern_figures(flows, rows, cols, SMALL_TILES)
    want = _route_by_hand(flows, rows, cols, SMALL_TILES)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
    assert got["workload_step_ns"] == pytest.approx(got["step_ns"] + got["latency_ns"])


def test_uniform_traffic_on_equal_blocks_is_every_route_walked_by_hand():
    # 4 x 8 logical nodes on 2 x 1-die tiles of 1 x 2 nodes side by side: 1 x 8 nodes, 4 logical nodes each
    flows = routing.make_traffic("uniform", 4, 8)
    got = tile_module.tile_pattern_figures(flows, 4, 8, SMALL_TILES)
    want = _route_by_hand(flows, 4, 8, SMALL_TILES)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-12), key


def test_the_tile_systems_links_and_layout():
    t = tile_module.tile_link_classes(TileSpec())
    assert t["tile-mesh"].bandwidth_bits_per_cycle == 512 * 8 / 2  # 512 GB/s at 2 GHz
    assert t["tile-d2d"].bandwidth_bits_per_cycle == pytest.approx(2000 / 20 * 8 / 2)  # 2 TB/s over 20 links
    assert t["tile-edge"].bandwidth_bits_per_cycle == pytest.approx(36000 / 2 / 4 / 100 * 8 / 2)
    assert (t["tile-d2d"].latency_cycles, t["tile-edge"].latency_cycles) == (10.0, 40.0)
    assert t["tile-edge"].energy_pj_per_bit == pytest.approx(0.185 + 5.5)
    assert tile_module.tile_grid(3, 763, 1176, TileSpec()) == (1, 3)
    assert tile_module.tile_grid(3, 1176, 100, TileSpec()) == (3, 1)
    assert tile_module.tile_grid(6, 100, 100, TileSpec()) == (3, 2)  # 270 x 200 (1.35) is nearer 1 than 180 x 300
    net = tile_module.tile_system_network(TileSpec(), (1, 3))
    edge = net.channel_class == net.link_classes.index("tile-edge")
    assert int(edge.sum()) == 2 * 2 * 90  # two tile boundaries, 90 node rows, both ways


def test_wse3_uniform_on_three_dojo_tiles_is_limited_by_their_edges():
    flows = routing.make_traffic("uniform", 763, 1176)
    f = tile_module.tile_pattern_figures(flows, 763, 1176, tile_comparison(WSE3, TileSpec(), 0.1, 10.0))
    # the cut between tile 1 and 2 carries a third of the nodes' traffic to the other two thirds, a direction,
    # over 90 links of 45 GB/s (0.5 of it each way of the 1-2 cut: 1/3 x 2/3 of the bytes)
    n = 763 * 1176
    cut = flows.total * (1 / 3) * (2 / 3) * n / (n - 1)
    assert f["step_ns"] == pytest.approx(cut / (90 * 45.0), rel=0.02)
