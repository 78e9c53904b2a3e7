"""Chiplets with the wafer's own fault tolerance: each die repaired by the same scheme.

Like for like (issue 9): the chiplet dies carry the wafer's spares and remap
rules, each die on its own core grid, and their repair rate is measured on the
wafer's own defects. Checked against a plain per-die loop over the scheme's
mapping, against the scheme's closed form per die, and by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import wafer
import yieldmodels
from hypothesis import given, settings
from hypothesis import strategies as st
from wafer import ChipletSpec, Harvest, ShiftToSpare, StudyConfig, WaferSpec, chiplet_comparison, run_study
from wafer.study import _good_dies

Z999 = 3.2905  # 99.9% two-sided

#: 12 x 24 cores on a 12 x 12 mm die, 2 x 2 dies of 6 x 12 cores, segments of 6 with 1 spare.
SPEC = WaferSpec(core_rows=12, core_cols=24, die_width_mm=12.0, die_height_mm=12.0)
CHIP = ChipletSpec(dies_x=2, dies_y=2)


def config(**kw) -> StudyConfig:
    base = dict(wafer=SPEC, scheme=ShiftToSpare(segment_width=6, spares=1, max_skew=1), chiplet=CHIP,
                d0=20.0, trials=400, seed=3)
    base.update(kw)
    return StudyConfig(**base)


def test_good_dies_agree_with_a_plain_loop_over_each_die():
    cfg = config(trials=50, d0=40.0)
    grid = yieldmodels.DefectGrid.from_die(SPEC.core_rows, SPEC.core_cols, SPEC.die_width_mm, SPEC.die_height_mm)
    batch = yieldmodels.sample_grid_defects(50, grid, cfg.mean_defects, 9, alpha=10.0, block=cfg.block)
    dead = wafer.dead_cores(batch)
    die_spec = CHIP.die_spec(SPEC)
    got = _good_dies(dead, SPEC, CHIP, cfg.scheme, die_spec)
    rows, cols = CHIP.die_cores(SPEC)
    for t in range(50):
        good = 0
        for dy in range(CHIP.dies_y):
            for dx in range(CHIP.dies_x):
                local = [(int(p) // SPEC.core_cols - dy * rows) * cols + int(p) % SPEC.core_cols - dx * cols
                         for p in dead.trial(t)
                         if int(p) // SPEC.core_cols // rows == dy and int(p) % SPEC.core_cols // cols == dx]
                good += cfg.scheme.mapping(die_spec, sorted(local)).repaired
        assert got[t] == good
    # Without spares a die is good only with no dead core.
    bare = _good_dies(dead, SPEC, CHIP, None, die_spec)
    assert (bare <= got).all()


def test_die_repair_rate_agrees_with_the_closed_form_per_die():
    # One spare per 6-core segment, max skew 1 >= 1 spare: the closed form is exact.
    cfg = config(trials=3000, d0=10.0)
    r = run_study(cfg)
    p, left_out = wafer.die_repair_closed_form(SPEC, CHIP, cfg.scheme, cfg.d0, cfg.alpha)
    assert left_out == ()
    n = cfg.trials * CHIP.n_dies
    rate, lo, hi = r.chiplet_die_rate
    assert 0.05 < p < 0.95
    assert abs(rate - p) <= Z999 * math.sqrt(p * (1 - p) / n), (rate, p)
    assert lo <= rate <= hi
    # The system is built from the measured rate, and its interval from the rate's.
    s = r.chiplet.system
    assert s.die_yield == rate
    lo_s, hi_s = r.chiplet_systems_ci
    assert lo_s <= s.good_systems_per_wafer <= hi_s
    assert s.good_systems_per_wafer == pytest.approx(s.dies_per_wafer * rate / 4 * 0.99**4, rel=1e-12)


def test_chiplets_with_spares_by_hand():
    r = chiplet_comparison(WaferSpec(), ChipletSpec(), 0.1, 10.0, ShiftToSpare(), die_yield=0.999)
    s = r.system
    assert s.die_yield == 0.999
    assert s.good_systems_per_wafer == pytest.approx(99 * 0.999 / 84 * 0.99**84, rel=1e-12)
    # The same logical cores as the wafer: 84 dies of 109 x 98.
    assert r.cores_per_system == 84 * 109 * 98 == ShiftToSpare().n_logical(WaferSpec())
    assert r.usable_area_mm2_per_wafer == pytest.approx(
        s.good_systems_per_wafer * r.cores_per_system * WaferSpec().core_area_mm2, rel=1e-12)
    assert r.die_yield_without_repair == pytest.approx((1 + 215 * 215 / 84 / 100 * 0.1 / 10) ** -10)
    assert r.no_repair_reason == ""
    # The chiplets' mesh is the dies' logical meshes side by side.
    assert ChipletSpec().mesh(WaferSpec(), ShiftToSpare()) == ((763, 1176), (109, 98))


@settings(max_examples=30)
@given(d0=st.floats(0.0, 200.0), spares=st.integers(1, 3), skew=st.integers(0, 3), seed=st.integers(0, 2**16))
def test_the_same_dies_with_spares_never_yield_less(d0, spares, skew, seed):
    scheme = ShiftToSpare(segment_width=6, spares=spares, max_skew=skew)
    with_spares = run_study(config(trials=20, d0=d0, seed=seed, scheme=scheme))
    without = run_study(config(trials=20, d0=d0, seed=seed, scheme=scheme,
                               chiplet=ChipletSpec(dies_x=2, dies_y=2, repair="none")))
    # Same defects: a die with no dead core always repairs, so every wafer has at least as many good dies.
    assert (with_spares.chiplet_good_dies >= without.chiplet_good_dies).all()
    assert without.chiplet_die_rate is None
    # And in closed form (an upper bound where the skew rule binds, exact otherwise): never below no spares.
    p, _ = wafer.die_repair_closed_form(SPEC, CHIP, scheme, d0, 10.0)
    assert p >= without.chiplet.die_yield_without_repair - 1e-12


def test_a_scheme_that_does_not_fit_one_die_falls_back_and_says_why():
    spec = WaferSpec(core_rows=12, core_cols=12, die_width_mm=12.0, die_height_mm=12.0)
    harvest = Harvest(target_lines=10)  # a 6-row die cannot ship 10 rows
    cfg = StudyConfig(wafer=spec, scheme=harvest, chiplet=CHIP, d0=5.0, trials=5, seed=1)
    r = run_study(cfg)
    assert r.chiplet.no_repair_reason.startswith("the scheme cannot be laid out on one die: target_lines")
    assert r.chiplet_die_rate is None
    assert r.chiplet.cores_per_system == spec.n_cores
    table = wafer.format_table(wafer.summarize(r))
    assert "no spares (the scheme cannot be laid out on one die" in table
    with pytest.raises(wafer.ParameterError, match="repair must be 'none' or 'auto' for dies the scheme cannot"):
        StudyConfig(wafer=spec, scheme=harvest, chiplet=ChipletSpec(dies_x=2, dies_y=2, repair="scheme"))


def test_table_and_json_show_the_repaired_dies():
    r = run_study(config(trials=30))
    s = wafer.summarize(r)
    c = s["chiplet"]
    assert c["repair"] == "auto" and c["die_repair_rate"]["closed_form_leaves_out"] == []
    assert c["good_systems_per_wafer"]["ci95"] == list(r.chiplet_systems_ci)
    table = wafer.format_table(s)
    assert "die yield, repaired in the die" in table and "die yield without spares" in table
    assert "Chiplet dies carry the wafer's spares and remap rules" in table
    assert np.all(r.chiplet_good_dies <= CHIP.n_dies) and r.chiplet_good_dies.dtype == np.int16


def test_a_carrier_no_technology_builds_is_flagged():
    # The WSE-3's 84 reticle-sized dies: 4 x 46,225 mm^2 of organic substrate, ten times the largest built.
    r = chiplet_comparison(WaferSpec(), ChipletSpec(), 0.1, 10.0, ShiftToSpare(), die_yield=0.999)
    assert not r.carrier.fits and r.carrier.carrier_area_mm2 == pytest.approx(4 * 46_225)
    assert r.carrier.limit_area_mm2 == 18_000 and r.buildable == ("info-sow",)
    # A small system fits (4 dies of 36 mm^2: 576 mm^2 of substrate), and is not flagged.
    small = run_study(config(trials=5))
    s = wafer.summarize(small)
    assert s["chiplet"]["carrier"]["fits"] and "organic-substrate" in s["chiplet"]["buildable_by"]
    assert "NOT BUILDABLE" not in wafer.format_table(s)
    # The default study says so under its header.
    big = run_study(StudyConfig(trials=3))
    table = wafer.format_table(wafer.summarize(big))
    assert "  NOT BUILDABLE: organic-substrate: carrier 184,900 mm^2" in table
    assert "info-sow can carry 84 such dies" in table
