"""The known-good-die tile side of the comparison (wafer.tile): data, hand computations, Monte Carlo.

Every figure of the shipped ``dojo-like.toml`` is listed here with its
expected value, so a change to the data is a deliberate change to this file
too. The tile's yield is compared with sums done by hand and with a numpy
Monte Carlo of die defects, known-good-die test, bonds and the carrier; the
monotone properties (spare dies, spare units) with hypothesis.
"""

from __future__ import annotations

import doctest
import math
import shutil

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
from wafer.tile import TILE_SYSTEMS, TilePreset, TileResult, TileSpec, load_tile_preset, tile_comparison
from yieldmodels.cost import chiplet_system_cost

PRESET = load_tile_preset()
WSE3 = WaferSpec()
A = 645.0

# --------------------------------------------------------------------------
# 1. The shipped figures, each with its expected value

EXPECTED_TILE = {
    "die_area_mm2": 645.0, "die_aspect": 1.0, "dies_x": 5, "dies_y": 5, "node": "7nm",
    "units_per_die": 354, "shared_area_fraction": 0.2, "test_coverage": 1.0, "spare_dies": 0,
    "node_rows": 18, "node_cols": 20, "node_link_gbps": 512.0, "clock_ghz": 2.0,
    "d2d_gbps_per_die_edge": 4000.0, "d2d_latency_ns": 5.0, "off_tile_gbps": 36000.0, "volume": 600,
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
ESTIMATES = {"die_aspect", "shared_area_fraction", "node_rows", "node_cols", "d2d_latency_ns"}
#: Sourced [tile] figures that had to be interpreted: both a source and an assumption.
INTERPRETED = {"node_link_gbps", "d2d_gbps_per_die_edge", "off_tile_gbps", "volume", "spare_dies"}


def _raw() -> dict:
    import tomllib

    with open(PRESET.path, "rb") as f:
        return tomllib.load(f)


def test_the_shipped_system_is_named_and_listed():
    assert list(TILE_SYSTEMS) == ["dojo-like"]  # other systems in data/systems have no [tile] table
    assert PRESET.name == "Dojo-like" and PRESET.path.endswith("dojo-like.toml")
    assert load_tile_preset("DOJO-LIKE") == PRESET == load_tile_preset(PRESET.path)


def test_every_tile_figure_has_its_expected_value():
    assert _raw()["tile"] == EXPECTED_TILE
    spec = PRESET.spec
    assert {k: getattr(spec, k) for k in EXPECTED_TILE} == EXPECTED_TILE
    assert spec == TileSpec()  # the spec's defaults are the Dojo tile's


def test_every_published_figure_has_its_expected_value():
    assert PRESET.published == EXPECTED_PUBLISHED
    assert all(isinstance(v, float) for v in PRESET.published.values())


def test_every_figure_has_a_source_or_an_assumption_and_estimates_say_so():
    for key in [*EXPECTED_TILE, *EXPECTED_PUBLISHED]:
        assert key in PRESET.sources or key in PRESET.assumptions, key
    for key in ESTIMATES:
        assert key not in PRESET.sources and PRESET.assumptions[key].startswith("estimate: "), key
    for key in INTERPRETED:
        assert key in PRESET.sources and key in PRESET.assumptions, key
    assert PRESET.assumptions["volume"].startswith("estimate: ")
    for key in ("needed_units", "test_coverage", "packaging", "carrier_yield", "tiles_per_system"):
        assert key in PRESET.assumptions, key


def test_every_source_gives_a_url_or_points_to_one_that_does():
    resolved = {k for k, v in PRESET.sources.items() if "http" in v}
    while True:  # a source without a URL must name ("as for <key>") one that has one
        more = {k for k, v in PRESET.sources.items()
                if k not in resolved and any(f"as {r}" in v or f"as for {r}" in v for r in resolved)}
        if not more:
            break
        resolved |= more
    assert resolved == set(PRESET.sources)


def test_the_published_figures_agree_with_each_other():
    p = PRESET.published
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
    assert PRESET.spec.node_rows * PRESET.spec.node_cols >= p["training_nodes_per_die"]


# --------------------------------------------------------------------------
# 2. Hand computations


def test_the_default_tile_against_a_hand_computation():
    r = tile_comparison(WSE3, TileSpec(), d0=0.1, alpha=10.0)
    y = (1 + 6.45 * 0.1 / 10) ** -10
    assert r.die_yield == pytest.approx(y, rel=1e-12) and r.die_yield_no_spares == pytest.approx(y, rel=1e-14)
    s = math.sqrt(645.0)
    assert r.dies_per_wafer == yieldmodels.exact_dies_per_wafer(s, s, 300.0, scribe_mm=0.2, edge_exclusion_mm=5.0) == 82
    assert r.kgd_pass_rate == r.die_yield and r.kgd_escape == 0.0
    assert r.kgd_per_wafer == pytest.approx(82 * y)
    assert r.carrier_area_mm2 == pytest.approx(1.2 * 25 * 645)
    carrier = (1 + 193.5 * 0.05 / 3) ** -3
    assert r.carrier_yield == pytest.approx(carrier, rel=1e-12)
    assert r.die_assembly_yield == pytest.approx(0.98**25, rel=1e-12)
    assert r.tile_yield == pytest.approx(0.98**25 * carrier * 0.99, rel=1e-12)
    assert r.good_tiles_per_wafer == pytest.approx(82 * y / 25 * 0.98**25 * carrier * 0.99, rel=1e-12)
    assert r.tiles_per_system == 3 and r.system_silicon_mm2 == 75 * 645
    assert r.silicon_ratio == pytest.approx(48375 / 46225)
    assert r.good_systems_per_wafer == pytest.approx(r.good_tiles_per_wafer / 3)
    assert r.usable_area_mm2_per_wafer == pytest.approx(r.good_tiles_per_wafer * 25 * 645)
    assert r.usable_area_fraction == pytest.approx(r.usable_area_mm2_per_wafer / (math.pi * 150**2))
    assert r.silicon_per_good_system_mm2 == pytest.approx(math.pi * 150**2 / r.good_systems_per_wafer)
    assert r.die_silicon_per_good_system_mm2 == pytest.approx(75 * 645 / (y * r.tile_yield))


def test_spare_dies_and_escapes_against_a_hand_computation():
    spec = TileSpec(spare_dies=2, test_coverage=0.9, bond_yield=0.95, carrier_d0=0.001)
    r = tile_comparison(WSE3, spec, d0=0.2, alpha=3.0)
    y = (1 + 6.45 * 0.2 / 3) ** -3
    passed = y + (1 - y) * 0.1
    e = (1 - y) * 0.1 / passed
    p = 0.95 * (1 - e)
    q = 1 - p
    assembly = p**27 + 27 * p**26 * q + 351 * p**25 * q**2
    carrier = (1 + 1.2 * 27 * 6.45 * 0.001 / 3) ** -3
    assert (r.kgd_pass_rate, r.kgd_escape) == (pytest.approx(passed), pytest.approx(e))
    assert r.die_assembly_yield == pytest.approx(assembly, rel=1e-12)
    assert r.carrier_yield == pytest.approx(carrier, rel=1e-12)
    assert r.tile_yield == pytest.approx(assembly * carrier * 0.99, rel=1e-12)
    assert r.good_tiles_per_wafer == pytest.approx(r.dies_per_wafer * passed / 27 * r.tile_yield)
    assert r.usable_area_mm2_per_wafer == pytest.approx(r.good_tiles_per_wafer * 25 * 645)  # needed dies only


def test_unit_spares_use_the_k_of_n_yield_with_the_shared_area():
    spec = TileSpec(needed_units=340, shared_area_fraction=0.3)
    r = tile_comparison(WSE3, spec, d0=0.1, alpha=2.0)
    want = yieldmodels.k_of_n_yield(354, 340, 645 * 0.7 / 354, 0.1, alpha=2.0, shared_area_mm2=645 * 0.3)
    assert r.die_yield == pytest.approx(want, rel=1e-12)
    assert r.die_yield > r.die_yield_no_spares == pytest.approx((1 + 0.645 / 2) ** -2)
    # the shared area alone bounds it: no spare unit can repair it
    assert r.die_yield < (1 + 0.3 * 0.645 / 2) ** -2


def test_the_cost_is_chiplet_actuarys_for_the_tile():
    r = tile_comparison(WSE3, TileSpec(), d0=0.1, alpha=10.0)
    want = chiplet_system_cost("chiplet-actuary", "7nm", 645.0, 25, "info-rdl", volume=600, die_yield=r.die_yield)
    assert r.tile_cost == want and r.cost_exact
    assert r.system_re_usd == pytest.approx(3 * want.re_usd) and r.system_total_usd == pytest.approx(3 * want.total_usd)
    assert r.tile_cost.carrier_yield == pytest.approx(r.carrier_yield)


def test_the_cost_with_spare_dies_has_the_tiles_assembly_yield():
    r = tile_comparison(WSE3, TileSpec(spare_dies=2), d0=0.1, alpha=10.0)
    assert r.cost_exact and r.tile_cost.n_dies == 27
    assert r.tile_cost.assembly_yield == pytest.approx(r.die_assembly_yield * 0.99, rel=1e-12)
    # spares that more than cover test escapes: the per-die bond yield would exceed 1, the cost is a bound
    bound = tile_comparison(WSE3, TileSpec(spare_dies=3, test_coverage=0.5, bond_yield=1.0), d0=0.1, alpha=10.0)
    assert not bound.cost_exact
    assert bound.tile_cost.assembly_yield < bound.die_assembly_yield * 0.99


def test_a_yield_too_small_for_a_cost_leaves_it_out():
    r = tile_comparison(WSE3, TileSpec(), d0=1e12, alpha=10.0)  # (1 + 6.45e10)^-10 ~ 1e-108
    assert r.tile_cost is None and math.isnan(r.system_re_usd) and r.die_yield < 1e-100
    assert r.good_systems_per_wafer < 1e-100 and r.silicon_per_good_system_mm2 > 1e100
    r = tile_comparison(WSE3, TileSpec(bond_yield=0.0), d0=0.1, alpha=10.0)
    assert (r.tile_yield, r.tile_cost, r.silicon_per_good_system_mm2) == (0.0, None, math.inf)


def test_the_network_against_a_hand_computation():
    r = tile_comparison(WSE3, TileSpec(), d0=0.1, alpha=10.0)
    b = 4000 / 2 / 20 / 512  # one direction of an edge, over the 20 node columns crossing it
    assert r.d2d_bandwidth == b == TileSpec().d2d_bandwidth and r.d2d_extra_hops == 10.0
    assert r.network == routing.die_grid_uniform_metrics(90, 100, 18, 20, b, 10.0)
    assert r.network.max_route_extra_hops == 8 * 10.0  # 4 + 4 die crossings corner to corner
    assert r.off_tile_gbps_per_mm2 == pytest.approx(36000 / 16125)
    s = math.sqrt(16125)
    links = 2 * s / (215 / 763) + 2 * s / (215 / 1272)  # mesh links across a patch's four edges
    assert r.wafer_patch_gbps_per_mm2 == pytest.approx(2 * 4.4 * links / 16125)
    assert TileSpec(d2d_gbps_per_die_edge=1e6).d2d_bandwidth == 1.0  # never faster than the on-die link


# --------------------------------------------------------------------------
# 3. Monte Carlo of die defects, known-good-die test, bonds and carrier


def test_a_monte_carlo_tile_yield_agrees_with_the_closed_form():
    rng = np.random.default_rng(2026)
    units, need_units, shared_frac, d0, alpha = 20, 18, 0.3, 0.2, 2.0
    cov, bond, c_d0, c_alpha, c_bond, spares = 0.9, 0.95, 0.002, 3.0, 0.99, 2
    spec = TileSpec(units_per_die=units, needed_units=need_units, shared_area_fraction=shared_frac,
                    test_coverage=cov, bond_yield=bond, carrier_d0=c_d0, carrier_alpha=c_alpha,
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
    # tiles of passing dies: each works if good and bonded; 25 of 27 needed; carrier and its bond
    dies = good[passes][: tiles * placed].reshape(tiles, placed)
    works = dies & (rng.random(dies.shape) < bond)
    carrier = rng.poisson(r.carrier_area_mm2 * c_d0 / 100 * rng.gamma(c_alpha, 1 / c_alpha, tiles)) == 0
    ok = (works.sum(axis=1) >= 25) & carrier & (rng.random(tiles) < c_bond)
    p, lo, hi = proportion_ci(int(ok.sum()), tiles, 0.999)
    assert 0.2 < r.tile_yield < 0.9 and lo <= r.tile_yield <= hi, (p, r.tile_yield)
    # unit spares, escapes and spare dies all matter here
    assert r.die_yield > r.die_yield_no_spares + 0.05 and r.kgd_escape > 0.03 and r.die_assembly_yield > 0.95**25


# --------------------------------------------------------------------------
# 4. Properties

probability = st.floats(0.5, 1.0)


@settings(max_examples=40)
@given(spares=st.integers(0, 5), cov=st.floats(0.0, 1.0), bond=probability,
       d0=st.floats(0.0, 1.0), alpha=st.floats(0.5, 20.0))
def test_more_spare_dies_never_yield_less(spares, cov, bond, d0, alpha):
    def at(s, **kw):
        return tile_comparison(WSE3, TileSpec(spare_dies=s, test_coverage=cov, bond_yield=bond, **kw), d0, alpha)

    assert at(spares + 1).die_assembly_yield >= at(spares).die_assembly_yield
    # with a carrier free of defects, the tile's yield too (a defect-limited carrier grows with the sites)
    assert at(spares + 1, carrier_d0=0.0).tile_yield >= at(spares, carrier_d0=0.0).tile_yield


@settings(max_examples=30)
@given(needed=st.integers(300, 354), d0=st.floats(0.01, 1.0), alpha=st.floats(0.5, 20.0),
       shared=st.floats(0.0, 0.9))
def test_more_spare_units_never_yield_less(needed, d0, alpha, shared):
    def at(k):
        return tile_comparison(WSE3, TileSpec(needed_units=k, shared_area_fraction=shared), d0, alpha).die_yield

    assert at(needed - 1) >= at(needed) * (1 - 1e-9)


@settings(max_examples=40)
@given(bond=probability, c_d0=st.floats(0.0, 0.1), c_alpha=st.floats(0.5, 10.0), c_bond=probability,
       d0=st.floats(0.0, 1.0))
def test_without_spares_and_escapes_the_tile_yield_is_bonds_times_carrier(bond, c_d0, c_alpha, c_bond, d0):
    spec = TileSpec(bond_yield=bond, carrier_d0=c_d0, carrier_alpha=c_alpha, carrier_bond_yield=c_bond)
    r = tile_comparison(WSE3, spec, d0, 10.0)
    carrier = yieldmodels.carrier_yield(1.2 * 25 * 645, c_d0, c_alpha)
    assert r.tile_yield == pytest.approx(bond**25 * carrier * c_bond, rel=1e-12, abs=1e-300)


# --------------------------------------------------------------------------
# 5. The silicon matching rule


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
# 6. The carrier limit


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


# --------------------------------------------------------------------------
# 7. The TOML loader


def _copy(tmp_path, old: str, new: str):
    path = tmp_path / "mine.toml"
    text = open(PRESET.path, encoding="utf-8").read()
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, says", [
    ("dies_x = 5\n", "dies_xx = 5\n", "tile.dies_xx is not a known key; allowed in [tile]"),
    ("dies_x = 5\n", "dies_x = 0\n", "tile.dies_x must be an integer in [1, 4096], got 0"),
    ("die_power_w = 400.0", 'die_power_w = "400"', "published.die_power_w must be a finite number"),
    ("tiles_per_exapod = 120\n", "tiles_per_exapod = 120\nuncited = 3\n", "uncited must have an entry in [sources]"),
    ('name = "Dojo-like"', "name = 3", "name must be a non-empty string"),
    ("\n[assumptions]\n", "\n[assumption]\n", "assumption is not a known key"),
])
def test_a_bad_file_is_refused_in_one_line(tmp_path, old, new, says):
    with pytest.raises(ParameterError) as exc:
        load_tile_preset(_copy(tmp_path, old, new))
    message = str(exc.value)
    assert says in message and message.endswith("mine.toml')") and "\n" not in message


def test_a_users_file_loads_by_path(tmp_path):
    path = tmp_path / "copy.toml"
    shutil.copy(PRESET.path, path)
    p = load_tile_preset(str(path))
    assert isinstance(p, TilePreset) and p.spec == PRESET.spec and p.path == str(path)


# --------------------------------------------------------------------------
# 8. Bad input everywhere, and the doctests

NOT_NONE = [v for v in BAD["count"] if v is not None]
SPEC_KINDS = {
    "die_area_mm2": BAD["positive"] + [1e6], "die_aspect": "positive", "dies_x": BAD["count"] + [4097],
    "dies_y": "count", "node": BAD["name"], "units_per_die": "count", "needed_units": NOT_NONE + [355],
    "shared_area_fraction": "probability", "test_coverage": "probability", "spare_dies": BAD["index"] + [100],
    "parameter_set": BAD["name"], "cost_set": BAD["name"], "bond_yield": "probability",
    "carrier_d0": "nonnegative", "carrier_alpha": "positive", "carrier_area_factor": BAD["positive"] + [10.0],
    "carrier_bond_yield": "probability", "node_rows": "count", "node_cols": "count",
    "node_link_gbps": "positive", "clock_ghz": "positive", "d2d_gbps_per_die_edge": "positive",
    "d2d_latency_ns": "nonnegative", "off_tile_gbps": "positive", "tiles_per_system": NOT_NONE,
    "volume": "count", "scribe_mm": "nonnegative", "edge_exclusion_mm": "nonnegative",
}
CASES = [
    Case(TileSpec, kinds=SPEC_KINDS),
    Case(tile_comparison, (WSE3, TileSpec(), 0.1, 10.0),
         kinds={0: [3, None, "wse-3", TileSpec()], 1: [3, None, WSE3, TileSpec], 2: "nonnegative", 3: "positive"}),
    Case(TileSpec().matching_tiles, (WSE3,), kinds={0: [3, None, TileSpec()]}),
    Case(load_tile_preset, ("dojo-like",), kinds={0: BAD["name"] + ["/dev/zero", "/no/such/file.toml", "/"]}),
]
EXEMPT = {
    "TileResult": "a result record, built from checked values by tile_comparison",
    "TilePreset": "a loaded file, built from checked values by load_tile_preset",
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


def test_the_result_is_a_plain_record():
    r = tile_comparison(WSE3, TileSpec(), 0.1, 10.0)
    assert isinstance(r, TileResult) and r.spec == TileSpec() and (r.d0, r.alpha) == (0.1, 10.0)


def test_the_doctests_run():
    result = doctest.testmod(tile_module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.attempted >= 8 and result.failed == 0
