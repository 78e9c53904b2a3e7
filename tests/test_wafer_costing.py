"""Both sides of a study priced alike: the same cost set, node, volume and design NRE (wafer.costing)."""

from __future__ import annotations

import math

import pytest
import wafer
from hypothesis import given, settings
from hypothesis import strategies as st
from wafer import ChipletSpec, CostSpec, ShiftToSpare, StudyConfig, WaferSpec, run_study, study_costs


def test_wafer_side_by_hand():
    c = study_costs(CostSpec(volume=500), WaferSpec(), ChipletSpec(), (0.9, 0.8, 0.95), (1.0, 1.0, 1.0))
    area, field = 46_225.0, 46_225.0 / 84
    wafer_usd, nre = 16_988.0, 54.2e7  # Chiplet Actuary parameter.ini [5]
    test, package = 6e-5 * area, 0.025 * area  # the shipped estimates
    re = (wafer_usd + test) / 0.9 + package
    design = 0.5 * nre / 300 * field + 0.3 * nre / 300 * field + 0.2 * nre + 1.0596e7
    assert c.wafer.re_usd == pytest.approx(re, rel=1e-12)
    assert c.wafer.total_usd == pytest.approx(re + design / 500, rel=1e-12)
    # The interval: the rate's upper end costs least, its lower end most.
    lo, hi = c.wafer_total_ci
    assert lo < c.wafer.total_usd < hi
    assert hi == pytest.approx((wafer_usd + test) / 0.8 + package + design / 500, rel=1e-12)


def test_chiplet_side_counts_the_dies_the_yield_rows_count():
    spec, chip = WaferSpec(), ChipletSpec()
    c = study_costs(CostSpec(), spec, chip, (1.0, 1.0, 1.0), (0.99, 0.98, 1.0))
    r = wafer.chiplet_comparison(spec, chip, 0.1, 10.0, ShiftToSpare(), die_yield=0.99)
    assert c.chiplet.die.dies_per_wafer == r.system.dies_per_wafer == 99
    assert c.chiplet.die_yield == 0.99 and c.chiplet.n_dies == 84
    # Organic substrate, no carrier: the known-good dies are lost with every failed assembly (0.99^84 bonds).
    assert c.chiplet.assembly_yield == pytest.approx(r.system.package_yield, rel=1e-12)
    # Both sides pay module and chip NRE on one reticle field's design.
    assert c.chiplet.module_nre_usd == pytest.approx(c.wafer.module_nre_usd, rel=1e-12)
    assert c.chiplet.chip_nre_usd == pytest.approx(c.wafer.chip_nre_usd, rel=1e-12)


@settings(max_examples=40)
@given(y1=st.floats(0.01, 1.0), y2=st.floats(0.01, 1.0))
def test_a_higher_yield_never_costs_more(y1, y2):
    lo, hi = sorted((y1, y2))
    a = study_costs(CostSpec(), WaferSpec(), ChipletSpec(), (lo, lo, lo), (lo, lo, lo))
    b = study_costs(CostSpec(), WaferSpec(), ChipletSpec(), (hi, hi, hi), (hi, hi, hi))
    assert b.wafer.total_usd <= a.wafer.total_usd * (1 + 1e-12)
    assert b.chiplet.total_usd <= a.chiplet.total_usd * (1 + 1e-12)


def test_a_study_prices_both_sides_and_reports_it():
    spec = WaferSpec(core_rows=12, core_cols=24, die_width_mm=12.0, die_height_mm=12.0)
    cfg = StudyConfig(wafer=spec, scheme=ShiftToSpare(segment_width=6, spares=1, max_skew=1),
                      chiplet=ChipletSpec(dies_x=2, dies_y=2), cost=CostSpec(node="7nm", volume=10), d0=5.0,
                      trials=50, seed=2)
    r = run_study(cfg)
    assert r.costs.wafer.node == r.costs.chiplet.node == "7nm"
    assert r.costs.wafer.die_yield == pytest.approx(r.repaired.mean())
    assert r.costs.chiplet.die_yield == pytest.approx(r.chiplet_die_rate[0])
    s = wafer.summarize(r)
    w = s["cost"]["wafer"]
    assert w["per_system"]["mean"] == pytest.approx(r.costs.wafer.total_usd)
    assert w["per_core"] == pytest.approx(r.costs.wafer.total_usd / cfg.scheme.n_logical(spec))
    gbps = s["wafer"]["network"]["aggregate_bandwidth"]["mean"] * 32 / 8 * 1.1
    assert w["per_gbps_uniform"] == pytest.approx(r.costs.wafer.total_usd / gbps)
    assert s["cost"]["estimates"] == ["test", "wafer_scale"]
    table = wafer.format_table(s)
    assert "Cost, USD (chiplet-actuary model, 7nm, NRE over 10 systems; estimates: test, wafer_scale)" in table


def test_a_side_without_a_price_says_why():
    # One 215 mm chiplet die: no whole die fits the cost set's 300 mm wafer with its 5 mm edge.
    c = study_costs(CostSpec(), WaferSpec(), ChipletSpec(dies_x=1, dies_y=1), (1.0, 1.0, 1.0), (0.5, 0.4, 0.6))
    assert c.chiplet is None and c.chiplet_total_ci == (math.inf, math.inf)
    assert c.chiplet_missing.startswith("die_area_mm2 must be at most")
    none = study_costs(CostSpec(), WaferSpec(), ChipletSpec(), (0.0, 0.0, 0.01), (1.0, 1.0, 1.0))
    assert none.wafer is None and none.wafer_missing == "no working system"


def test_presets_name_their_node():
    assert {n: wafer.get_preset(n).cost.node for n in ("wse-1", "wse-2", "wse-3", "wormhole-like")} == {
        "wse-1": "14nm", "wse-2": "7nm", "wse-3": "5nm", "wormhole-like": "14nm"}
    assert "cost_node" in wafer.get_preset("wse-3").assumptions and "volume" in wafer.get_preset("wse-3").assumptions

