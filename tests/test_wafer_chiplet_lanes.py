"""Chiplet dies whose die-to-die lanes are repaired (ChipletSpec.lane_repair): bond yield, system, cost, command."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from wafer import ChipletSpec, CostSpec, ShiftToSpare, StudyConfig, WaferSpec, chiplet_comparison, run_study
from wafer.cli import main
from wafer.costing import study_costs
from wafer.report import format_table, summarize

import yieldmodels

WSE3 = WaferSpec()
SCHEME = ShiftToSpare(max_skew=8)
X64 = dict(packaging="si-interposer", lane_repair="ucie-advanced-x64")


def test_the_modules_line_the_die_at_the_shoreline_bandwidth():
    """224 GB/s per mm, both directions, over a 17.92 x 30.71 mm die's perimeter;
    4 GB/s a lane at 32 GT/s; 64 data lanes a module."""
    lanes = 224.0 * 2 * (215 / 12 + 215 / 7) / 4.0
    assert ChipletSpec(**X64).lane_modules(WSE3) == math.ceil(lanes / 64) == 86
    assert ChipletSpec(**X64, d2d_lane_gtps=16.0).lane_modules(WSE3) == math.ceil(2 * lanes / 64)
    assert ChipletSpec(packaging="si-interposer", lane_repair="ucie-advanced-x32").lane_modules(WSE3) == math.ceil(
        lanes / 32)


@pytest.mark.parametrize("share", [0.0, 0.25, 1.0])
def test_the_system_is_built_on_the_repaired_bond_yield(share):
    spec = ChipletSpec(**X64, lane_share=share)
    b = yieldmodels.lane_repaired_bond_yield(0.95, 86, "ucie-advanced-x64", lane_share=share)
    assert spec.bond_yield(WSE3) == b
    system = chiplet_comparison(WSE3, spec, 0.1, 10.0, scheme=SCHEME).system
    plain = chiplet_comparison(WSE3, ChipletSpec(packaging="si-interposer"), 0.1, 10.0, scheme=SCHEME).system
    assert system.bond_yield == b
    # the interposer's own yield and bond to the substrate are untouched: only the dies' bonds change
    assert system.package_yield == pytest.approx(plain.package_yield * (b / 0.95) ** 84, rel=1e-12)
    assert system.good_systems_per_wafer >= plain.good_systems_per_wafer


def test_without_lane_repair_the_bond_yield_is_the_packagings():
    for packaging in ("organic-substrate", "info-rdl", "si-interposer"):
        spec = ChipletSpec(packaging=packaging)
        assert spec.bond_yield(WSE3) == spec.package.bond_yield
        assert spec.yield_parameters(WSE3) == yieldmodels.load_parameter_set("chiplet-actuary")


def test_a_standard_module_has_no_redundant_lanes_to_repair_with():
    assert ChipletSpec(lane_repair="ucie-standard-x16").bond_yield(WSE3) == 0.99


@pytest.mark.parametrize(("kw", "match"), [
    (dict(lane_repair="ucie-advanced-x64"), "organic-substrate packaging's standard package \\('ucie-standard-x16'\\)"),
    (dict(packaging="info-rdl", lane_repair="ucie-advanced-x32"), "info-rdl packaging's standard package"),
    (dict(packaging="si-interposer", lane_repair="ucie-standard-x16"), "advanced package \\('ucie-advanced-x64'"),
    (dict(lane_repair="ucie-advanced"), "did you mean"),
])
def test_a_module_the_package_cannot_carry_is_refused(kw, match):
    with pytest.raises(ValueError, match=match):
        ChipletSpec(**kw)


@given(share=st.floats(0.0, 1.0), gtps=st.floats(1.0, 64.0))
def test_the_cost_is_priced_on_the_repaired_bond_yield(share, gtps):
    """On 4 dies of a 40 x 40 mm die (a WSE-sized interposer is larger than a wafer: no price)."""
    wafer = WaferSpec(core_rows=14, core_cols=24, die_width_mm=40.0, die_height_mm=40.0)
    spec = ChipletSpec(dies_x=2, dies_y=2, **X64, lane_share=share, d2d_lane_gtps=gtps)
    repaired = study_costs(CostSpec(), wafer, spec, (1.0,) * 3, (1.0,) * 3).chiplet
    plain = study_costs(CostSpec(), wafer, ChipletSpec(dies_x=2, dies_y=2, packaging="si-interposer"),
                        (1.0,) * 3, (1.0,) * 3).chiplet
    assert repaired.assembly_yield == pytest.approx(plain.assembly_yield * (spec.bond_yield(wafer) / 0.95) ** 4,
                                                    rel=1e-9)
    assert repaired.total_usd <= plain.total_usd * (1 + 1e-12)


def test_the_report_says_what_lane_repair_rests_on():
    small = dict(wafer=WaferSpec(core_rows=14, core_cols=24, die_width_mm=5.0, die_height_mm=5.0),
                 scheme=ShiftToSpare(segment_width=6, spares=1, max_skew=1), d0=40.0, trials=4, gpu=None, tile=None)
    bound = summarize(run_study(StudyConfig(chiplet=ChipletSpec(dies_x=2, dies_y=2, **X64), **small)))
    lanes = bound["chiplet"]["lane_repair"]
    assert lanes == {"module": "ucie-advanced-x64", "lane_share": 1.0, "modules_per_die": lanes["modules_per_die"],
                     "published_bond_yield": 0.95}
    assert "if every bond failure were a lane fault: an upper bound" in format_table(bound)
    half = summarize(run_study(StudyConfig(chiplet=ChipletSpec(dies_x=2, dies_y=2, lane_share=0.5, **X64), **small)))
    assert "0.5 of bond failures on lanes, assumed" in format_table(half)
    none = summarize(run_study(StudyConfig(chiplet=ChipletSpec(dies_x=2, dies_y=2), **small)))
    assert none["chiplet"]["lane_repair"] is None and "lane repair" not in format_table(none)


def test_the_command_takes_lane_repair_and_refuses_it_on_a_standard_package(capsys):
    small = ["--core-rows", "14", "--core-cols", "24", "--segment-width", "6", "--spares", "1", "--max-skew",
             "1", "--dies", "2x2", "--die-width", "5", "--die-height", "5", "--trials", "3", "-q",
             "--gpu", "none", "--tile", "none"]
    assert main(["study", *small, "--packaging", "si-interposer", "--lane-repair", "ucie-advanced-x32",
                 "--lane-share", "0.5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["chiplet"]["lane_repair"]["module"] == "ucie-advanced-x32"
    assert data["chiplet"]["system"]["bond_yield"] > 0.95
    assert main(["study", *small, "--lane-repair", "ucie-advanced-x64"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--lane-repair must be 'none' or a module of the organic-substrate" in err
    assert main(["study", *small, "--lane-share", "1.5"]) == 2
    assert "--lane-share must be" in capsys.readouterr().err
