"""Traffic patterns in a study: each trial's figures against a wafer-by-wafer
computation, the baselines against what they must be, and the chiplet side
against the die-grid closed form."""

from __future__ import annotations

import numpy as np
import pytest
import routing
import wafer
import yieldmodels
from test_wafer_networks import reference_pattern_sums
from test_wafer_study import small_config

from paramcheck import ParameterError
from wafer import ChipletSpec, ShiftMapping, faults_from, run_study
from wafer.workloads import parse_pattern

PATTERNS = ("uniform", "stencil", "allreduce-ring", "tornado", "random-graph:degree=2.0")


@pytest.fixture(scope="module")
def result():
    return run_study(small_config(trials=24, traffic=PATTERNS,
                                  router_fraction=0.2, link_fraction=0.2))


def test_each_trial_is_priced_from_its_own_whole_mapping(result):
    cfg = result.config
    spec = cfg.wafer
    lrows, lcols = cfg.logical_shape
    mesh = cfg.chiplet.link_classes(spec)["mesh"]
    hop_pj = mesh.energy_pj_per_bit + mesh.router_energy_pj_per_bit
    grid = yieldmodels.DefectGrid.from_die(spec.core_rows, spec.core_cols, spec.die_width_mm, spec.die_height_mm)
    batch = yieldmodels.sample_grid_defects(
        cfg.trials, grid, cfg.mean_defects, cfg.seed, alpha=cfg.cluster_alpha, block=cfg.block, kinds=cfg.kinds)
    faults = faults_from(batch)
    checked = 0
    for entry in PATTERNS:
        name, params = parse_pattern(entry)
        flows = routing.make_traffic(name, lrows, lcols, **params)
        loads = routing.channel_loads(flows, lrows, lcols)
        t = result.traffic[entry]
        for i in np.flatnonzero(result.repaired):
            m = ShiftMapping(spec, cfg.scheme, faults.cores.trial(i), faults.routers.trial(i), faults.links.trial(i))
            ref = reference_pattern_sums(spec, m, loads)
            # The default link classes: mesh and bypass both 32 bits a cycle.
            step = max(ref["max_load"], ref["bypass_max"]) * 8 / 32
            hops = (loads.sum() + ref["sum_load_extra"]) / flows.total
            assert t.trials["step_cycles"][i] == pytest.approx(step, rel=1e-12)
            assert t.trials["mean_hops"][i] == pytest.approx(hops, rel=1e-12)
            bypass = routing.LINK_CLASSES["bypass"]
            extra_pj = bypass.energy_pj_per_bit + bypass.router_energy_pj_per_bit - hop_pj
            pj = (hops * flows.total * hop_pj + ref["bypass_sum"] * extra_pj) / flows.total
            assert t.trials["energy_pj_per_bit"][i] == pytest.approx(pj, rel=1e-12)
            # Of it: the routers (the same 0.05 pJ/bit for both classes) and the bypass links.
            assert t.trials["router_energy_pj_per_bit"][i] == pytest.approx(
                hops * mesh.router_energy_pj_per_bit, rel=1e-12)
            on_bypass = ref["bypass_sum"] * (bypass.energy_pj_per_bit + bypass.router_energy_pj_per_bit)
            assert t.trials["other_class_energy_pj_per_bit"][i] == pytest.approx(
                on_bypass / flows.total, rel=1e-12, abs=1e-15)
            checked += 1
        assert np.isnan(t.trials["step_cycles"][~result.repaired]).all()
    assert checked > 20


def test_the_fault_free_wafer_is_its_own_baseline_and_no_better_than_ideal():
    r = run_study(small_config(trials=3, d0=0.0, traffic=PATTERNS))
    for entry, t in r.traffic.items():
        assert (t.trials["step_cycles"] == t.fault_free["step_cycles"]).all()
        assert (t.trials["mean_hops"] == t.fault_free["mean_hops"]).all()
        # Spares stretch routes: never fewer hops or less time than the ideal mesh.
        assert t.fault_free["mean_hops"] >= t.setup.ideal["mean_hops"] - 1e-12
        assert t.fault_free["step_cycles"] >= t.setup.ideal["step_cycles"] - 1e-12


def test_chiplet_uniform_figures_agree_with_the_die_grid_closed_form():
    r = run_study(small_config(trials=2, d0=0.0))
    n = r.chiplet.cores_per_system  # the dies' logical meshes side by side
    closed = r.chiplet.network
    chip = r.traffic["uniform"].setup.chiplet
    # Each node sends one byte spread over the others; 32-bit links.
    assert chip["step_cycles"] == pytest.approx(closed.gamma_max * n * 8 / 32 / (n - 1), rel=1e-12)
    # Hops per byte = hops per ordered pair (self pairs included) * n / (n - 1), on the dies' meshes;
    # the dies carry the scheme, so their routes also cross the spare cores the fault-free wafer's do.
    t = r.traffic["uniform"]
    assert t.setup.chiplet_ideal["mean_hops"] == pytest.approx(closed.mean_route_hops * n / (n - 1), rel=1e-12)
    spares = t.fault_free["mean_hops"] - t.setup.ideal["mean_hops"]
    assert spares > 0
    assert chip["mean_hops"] == pytest.approx(closed.mean_route_hops * n / (n - 1) + spares, rel=1e-12)


def test_uniform_loads_the_same_under_xy_and_yx():
    xy = run_study(small_config(trials=6, traffic=("uniform",)))
    yx = run_study(small_config(trials=6, traffic=("uniform",), routing="yx"))
    for k in ("step_cycles", "mean_hops", "energy_pj_per_bit"):
        assert np.array_equal(xy.traffic["uniform"].trials[k], yx.traffic["uniform"].trials[k], equal_nan=True)


def test_a_slower_d2d_link_slows_the_chiplets_on_patterns_that_cross_dies():
    fast = run_study(small_config(trials=1, d0=0.0, traffic=("tornado",)))
    slow = run_study(small_config(trials=1, d0=0.0, traffic=("tornado",),
                                  chiplet=ChipletSpec(dies_x=2, dies_y=2, d2d_gbps_per_mm=1.0)))
    b_fast = fast.config.chiplet.d2d_bandwidth(fast.config.wafer)
    b_slow = slow.config.chiplet.d2d_bandwidth(slow.config.wafer)
    assert b_slow < b_fast
    t_fast, t_slow = (r.traffic["tornado"].setup.chiplet["step_cycles"] for r in (fast, slow))
    assert t_slow == pytest.approx(t_fast * b_fast / b_slow, rel=1e-12)
    # The bottleneck moved onto a die-to-die link, and the table says so.
    assert fast.traffic["tornado"].setup.chiplet["bottleneck_other_class"] == 0.0
    assert slow.traffic["tornado"].setup.chiplet["bottleneck_other_class"] == 1.0
    assert slow.traffic["tornado"].setup.bottlenecks[0][3] == "d2d-standard"


@pytest.mark.parametrize("kw, match", [
    (dict(traffic=["uniform"]), "traffic must be a tuple"),
    (dict(traffic=("uniform", "uniform")), "traffic must be a tuple of distinct"),
    (dict(traffic=("unifrom",)), "did you mean 'uniform'"),
    (dict(traffic=("stencil:points",)), r"traffic must be name\[:key=value"),
    (dict(routing="zy"), "routing must be one of 'xy', 'yx'"),
])
def test_bad_traffic_is_refused_before_any_trial(kw, match):
    with pytest.raises(ParameterError, match=match):
        run_study(small_config(**kw))


def test_a_pattern_that_does_not_fit_the_mesh_says_so():
    with pytest.raises(ParameterError, match=r"traffic 'transpose' is refused on the wafer's logical mesh \(12 x 20\)"):
        run_study(small_config(traffic=("transpose",)))


def test_link_classes_of_two_clocks_are_refused(tmp_path):
    f = tmp_path / "links.toml"
    f.write_text("[mesh]\nclock_ghz = 2.0\n")
    with pytest.raises(ParameterError, match="must share one clock_ghz"):
        small_config(link_classes=str(f))
    f.write_text("[mesh]\nclock_ghz = 2.0\n[bypass]\nclock_ghz = 2.0\n[d2d-standard]\nclock_ghz = 2.0\n")
    r = run_study(small_config(trials=1, d0=0.0, link_classes=str(f)))
    # The same cycles at twice the clock: half the nanoseconds.
    base = run_study(small_config(trials=1, d0=0.0))
    assert r.traffic["uniform"].trials["step_ns"][0] == pytest.approx(
        base.traffic["uniform"].trials["step_ns"][0] * 1.1 / 2.0)


def test_workload_view_puts_each_pattern_against_a_perfect_wafer():
    s = wafer.summarize(run_study(small_config(trials=20, traffic=("uniform", "stencil"))))
    for entry, t in s["traffic"].items():
        perfect = t["ideal_mesh"]["step_ns"] + t["ideal_mesh"]["latency_ns"]
        assert t["perfect_wafer_step_ns"] == pytest.approx(perfect)
        c = t["chiplet"]
        assert c["workload_step_ns"] == pytest.approx(c["step_ns"] + c["latency_ns"])
        assert c["slowdown_vs_perfect"] == pytest.approx(c["workload_step_ns"] / perfect)
        # Spares and defects never make a step faster than on the perfect wafer.
        assert t["wafer"]["slowdown_vs_perfect"]["mean"] >= 1 - 1e-12
    table = wafer.format_table(s)
    view = table[table.index("Workload view"):].splitlines()
    assert view[1].split() == ["pattern", "perfect", "(ns)", "wafer", "(ns)", "slowdown", "energy", "(uJ)",
                               "chiplets", "(ns)", "slowdown", "energy", "(uJ)", "GPUs", "(ns)", "slowdown",
                               "energy", "(uJ)", "tiles", "(ns)", "slowdown", "energy", "(uJ)"]
    assert [line.split()[0] for line in view[2:4]] == ["uniform", "stencil"]
