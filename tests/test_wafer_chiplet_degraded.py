"""Chiplet packages counted by what they run when dies fail (ChipletResult.degraded_*):
a hand computation, invariants, the report."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wafer import ChipletSpec, ShiftToSpare, StudyConfig, WaferSpec, chiplet_comparison, run_study
from wafer.cli import main
from wafer.comparison_table import format_comparison
from wafer.report import format_table, summarize

import yieldmodels

WSE3 = WaferSpec()
SCHEME = ShiftToSpare(max_skew=8)


def test_the_wse3_split_against_a_hand_computation():
    """84 dies in 7 rows of 12 on an organic substrate: 0.99 a bond, no carrier;
    a package runs its longest run of rows whose 12 dies all bonded."""
    r = chiplet_comparison(WSE3, ChipletSpec(), 0.1, 10.0, scheme=SCHEME)
    row = 0.99**12
    pmf = yieldmodels.longest_run_pmf(7, row)
    np.testing.assert_allclose(r.degraded_rows, pmf, rtol=1e-12)
    assert r.degraded_rows[-1] == pytest.approx(r.system.package_yield, rel=1e-12)
    packages = r.system.dies_passing_test_per_wafer / 84
    assert r.degraded_cores_per_wafer == pytest.approx(packages * (pmf @ np.arange(8)) * 897_288 / 7, rel=1e-12)
    whole = r.system.good_systems_per_wafer * r.cores_per_system
    assert 1.5 * whole < r.degraded_cores_per_wafer < packages * r.cores_per_system


@settings(max_examples=30)
@given(spares=st.integers(0, 2), coverage=st.floats(0.5, 1.0),
       packaging=st.sampled_from(["organic-substrate", "info-rdl", "si-interposer"]),
       dies=st.sampled_from([(12, 7), (4, 7), (6, 1), (1, 1)]))
def test_degraded_packages_never_count_less_than_whole_ones(spares, coverage, packaging, dies):
    spec = ChipletSpec(dies_x=dies[0], dies_y=dies[1], spare_dies_per_row=spares, test_coverage=coverage,
                       packaging=packaging)
    r = chiplet_comparison(WSE3, spec, 0.1, 10.0)
    assert len(r.degraded_rows) == dies[1] + 1 and sum(r.degraded_rows) == pytest.approx(1.0)
    whole = r.system.good_systems_per_wafer * r.cores_per_system
    assert r.degraded_cores_per_wafer >= whole * (1 - 1e-12)
    if dies[1] == 1:  # one row: a package runs it whole or nothing
        assert r.degraded_cores_per_wafer == pytest.approx(whole, rel=1e-12)


def test_the_study_and_its_tables_carry_the_degraded_count(capsys):
    small = dict(wafer=WaferSpec(core_rows=14, core_cols=24, die_width_mm=5.0, die_height_mm=5.0),
                 scheme=ShiftToSpare(segment_width=6, spares=1, max_skew=1), d0=40.0, trials=20, seed=3, gpu=None,
                 tile=None)
    result = run_study(StudyConfig(chiplet=ChipletSpec(dies_x=2, dies_y=2), **small))
    c = summarize(result)["chiplet"]
    lo, hi = c["degraded_cores_per_wafer"]["ci95"]
    assert lo <= c["degraded_cores_per_wafer"]["mean"] <= hi and lo < hi  # from the measured die rate's interval
    assert c["degraded_rows"] == list(result.chiplet.degraded_rows)
    for text in (format_table(summarize(result)), format_comparison(summarize(result))):
        assert "with degraded packages, by whole die rows" in text and "a lower bound on what it could run" in text
    args = ["--core-rows", "14", "--core-cols", "24", "--segment-width", "6", "--spares", "1", "--max-skew", "1",
            "--dies", "2x2", "--die-width", "5", "--die-height", "5", "--trials", "3", "-q", "--gpu", "none",
            "--tile", "none", "--json"]
    assert main(["compare", *args]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sum(data["chiplet"]["degraded_rows"]) == pytest.approx(1.0)
