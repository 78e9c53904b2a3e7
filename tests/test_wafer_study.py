"""Monte Carlo study, its summary, the chiplet comparison and the CI helpers."""

from __future__ import annotations

import json
import math

import numba
import numpy as np
import pytest
import routing
import wafer
import yieldmodels
from wafer import ChipletSpec, ShiftToSpare, StudyConfig, WaferSpec, chiplet_comparison, run_study
from wafer.stats import mean_ci, proportion_ci
from wafer.study import TRIAL_METRICS

Z999 = 3.2905  # two-sided 99.9% normal quantile


def small_config(**kw) -> StudyConfig:
    """A 12 x 24 core wafer (segments of 6, one spare) on a 5 x 5 mm die; ~5 defects a wafer.

    ``wafer`` and ``scheme`` (dicts) change fields of the WaferSpec and the ShiftToSpare.
    """
    wafer_kw = dict(core_rows=12, core_cols=24, die_width_mm=5.0, die_height_mm=5.0)
    wafer_kw.update(kw.pop("wafer", {}))
    scheme_kw = dict(segment_width=6, spares=1, max_skew=1)
    scheme_kw.update(kw.pop("scheme", {}))
    cfg = dict(
        wafer=WaferSpec(**wafer_kw), scheme=ShiftToSpare(**scheme_kw), chiplet=ChipletSpec(dies_x=2, dies_y=2),
        d0=20.0, trials=60, seed=7, chunk_size=16,
    )
    cfg.update(kw)
    return StudyConfig(**cfg)


def assert_same_result(a, b):
    assert np.array_equal(a.defects, b.defects)
    assert np.array_equal(a.dead, b.dead)
    assert np.array_equal(a.status, b.status)
    for name in TRIAL_METRICS:
        assert np.array_equal(a.metrics[name], b.metrics[name], equal_nan=True), name
    assert a.fault_free == b.fault_free
    assert a.repair_closed_form == b.repair_closed_form
    assert set(a.traffic) == set(b.traffic)
    for entry, t in a.traffic.items():
        for name, values in t.trials.items():
            assert np.array_equal(values, b.traffic[entry].trials[name], equal_nan=True), (entry, name)
        assert t.fault_free == b.traffic[entry].fault_free


# --------------------------------------------------------------------------
# Determinism
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_result():
    # Two spares, max_skew 1 and a bridge margin of 0 (a dead router between
    # horizontal neighbours cannot be passed): every remap outcome occurs.
    return run_study(small_config(wafer={"router_dies_with_core": True, "bridge_margin": 0},
                                  scheme={"spares": 2, "max_skew": 1},
                                  traffic=("uniform", "stencil", "random-graph:degree=2.0")))


def test_same_seed_same_result(base_result):
    again = run_study(base_result.config)
    assert_same_result(base_result, again)
    # The study exercises every outcome, so the comparison is not vacuous.
    assert {0, 1, 2, 3} <= set(base_result.status.tolist())


@pytest.mark.parametrize("chunk_size", [1, 7, 1000])
def test_chunk_size_does_not_change_results(base_result, chunk_size):
    cfg = StudyConfig(**{**base_result.config.__dict__, "chunk_size": chunk_size})
    assert_same_result(base_result, run_study(cfg))


def test_thread_count_does_not_change_results(base_result):
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = run_study(base_result.config)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = run_study(base_result.config)
    finally:
        numba.set_num_threads(before)
    assert_same_result(one, two)
    assert_same_result(base_result, one)


def test_trial_depends_only_on_seed_and_index(base_result):
    prefix = run_study(StudyConfig(**{**base_result.config.__dict__, "trials": 25, "chunk_size": 5}))
    assert np.array_equal(prefix.defects, base_result.defects[:25])
    assert np.array_equal(prefix.status, base_result.status[:25])
    for name in TRIAL_METRICS:
        assert np.array_equal(prefix.metrics[name], base_result.metrics[name][:25], equal_nan=True)


def test_different_seed_differs(base_result):
    other = run_study(StudyConfig(**{**base_result.config.__dict__, "seed": 8}))
    assert not np.array_equal(other.defects, base_result.defects)


def test_trials_match_independent_recomputation(base_result):
    """Each trial is the sampler -> dead cores -> mapping chain, done by hand."""
    cfg = base_result.config
    spec = cfg.wafer
    grid = yieldmodels.DefectGrid.from_die(spec.core_rows, spec.core_cols, spec.die_width_mm,
                                           spec.die_height_mm)
    # Reticle clustering by default: one gamma multiplier per chiplet-die-sized block.
    assert cfg.clustering == "reticle" and cfg.block == (6, 12)
    batch = yieldmodels.sample_grid_defects(cfg.trials, grid, cfg.mean_defects, cfg.seed,
                                            alpha=cfg.alpha, block=(6, 12))
    dead = wafer.dead_cores(batch)
    assert np.array_equal(base_result.defects, batch.counts)
    assert np.array_equal(base_result.dead, dead.counts)
    for t in range(cfg.trials):
        m = cfg.scheme.mapping(spec, dead.trial(t))
        assert base_result.status[t] == m.status
        if m.repaired:
            got = m.metrics()
            for name in TRIAL_METRICS:
                assert base_result.metrics[name][t] == getattr(got, name)
        else:
            for name in TRIAL_METRICS:
                assert math.isnan(base_result.metrics[name][t])
    assert np.array_equal(base_result.repaired, base_result.status == 0)
    assert base_result.fault_free == cfg.scheme.mapping(spec, []).metrics()


# --------------------------------------------------------------------------
# Statistics of the study
# --------------------------------------------------------------------------


@pytest.mark.parametrize("clustering", ["none", "wafer", "reticle"])
def test_defect_mean_and_repair_rate_agree_with_closed_forms(clustering):
    cfg = small_config(trials=3000, chunk_size=512, seed=99, clustering=clustering, alpha=2.0)
    r = run_study(cfg)
    mu = cfg.mean_defects
    assert mu == pytest.approx(25.0 / 100 * 20.0)
    n = cfg.trials
    # Negative-binomial variance mu + mu^2 / alpha per clustering unit: one
    # wafer, or 4 reticles of mu / 4 each.
    var = {"none": mu, "wafer": mu + mu**2 / 2.0, "reticle": mu + 4 * (mu / 4) ** 2 / 2.0}[clustering]
    assert abs(r.defects.mean() - mu) <= Z999 * math.sqrt(var / n)
    assert r.defects.var() == pytest.approx(var, rel=0.15)
    # dead <= defects; a collision of two defects on one core is rare here.
    assert (r.dead <= r.defects).all()
    assert r.dead.sum() >= 0.97 * r.defects.sum()
    # One spare per segment and max_skew 1: the closed form is exact.
    p = r.repair_closed_form
    assert p == cfg.scheme.repair_probability(cfg.wafer, mu, alpha=cfg.cluster_alpha, block=cfg.block)
    assert abs(r.repaired.mean() - p) <= Z999 * math.sqrt(p * (1 - p) / n)
    s = wafer.summarize(r)
    lo, hi = s["wafer"]["defects_per_wafer"]["ci95"]
    assert lo < s["wafer"]["defects_per_wafer"]["mean"] < hi
    assert s["wafer"]["defects_per_wafer"]["closed_form"] == mu


def test_zero_defect_density_repairs_every_wafer():
    r = run_study(small_config(d0=0.0, trials=10))
    assert (r.defects == 0).all() and r.repaired.all()
    assert r.repair_closed_form == 1.0
    for name in TRIAL_METRICS:
        assert (r.metrics[name] == getattr(r.fault_free, name)).all()


# --------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------


def test_summary_is_strict_json(base_result):
    s = wafer.summarize(base_result)
    text = json.dumps(s, allow_nan=False)
    back = json.loads(text)
    assert set(back) == set(wafer.report.SUMMARY_KEYS)
    cfg = base_result.config
    assert back["parameters"]["seed"] == cfg.seed and back["parameters"]["trials"] == cfg.trials
    assert back["parameters"]["wafer"]["core_cols"] == 24
    # The scheme and its parameters, no longer the wafer's.
    description = "shift-to-spare, 2 spare(s) at the end of each 6-core row segment, max skew 1"
    assert back["parameters"]["scheme"] == {"name": "shift-to-spare", "segment_width": 6, "spares": 2,
                                            "max_skew": 1, "axis": "rows", "spare_layout": "end",
                                            "description": description}
    assert not {"segment_width", "spares_per_segment", "spares", "max_skew"} & set(back["parameters"]["wafer"])
    rate = back["wafer"]["repair_rate"]
    k = int(base_result.repaired.sum())
    assert rate["mean"] == pytest.approx(k / cfg.trials)
    assert rate["ci95"] == pytest.approx(list(proportion_ci(k, cfg.trials)[1:]))
    assert rate["closed_form"] == base_result.repair_closed_form
    assert back["wafer"]["logical_shape"] == [12, 16]
    assert back["wafer"]["logical_cores"] == 192
    assert back["wafer"]["usable_cores_per_wafer"]["mean"] == pytest.approx(192 * k / cfg.trials)
    ok = base_result.repaired
    assert back["wafer"]["harvest"]["mean"] == pytest.approx(np.mean(192 / (288 - base_result.dead[ok])))
    bf = back["wafer"]["network"]["bandwidth_fraction"]
    assert bf["mean"] == pytest.approx(np.nanmean(base_result.metrics["bandwidth_fraction"]))
    assert 0 < bf["mean"] <= 1
    assert back["chiplet"]["dies"] == [2, 2]
    # Each 6 x 12 die repairs itself with the wafer's segments: 6 x 8 logical cores, 192 a system.
    assert back["chiplet"]["cores_per_system"] == 192
    good = base_result.chiplet_good_dies
    die_rate = back["chiplet"]["die_repair_rate"]
    assert die_rate["mean"] == pytest.approx(good.sum() / (4 * cfg.trials))
    assert die_rate["ci95"] == pytest.approx(list(proportion_ci(int(good.sum()), 4 * cfg.trials)[1:]))
    assert back["chiplet"]["system"]["die_yield"] == pytest.approx(die_rate["mean"])
    # The table renders from the same summary.
    table = wafer.format_table(s)
    assert table.splitlines()[0] == "Wafer vs chiplets: d0 = 20 defects/cm^2, 60 trials, seed 7"
    assert table.splitlines()[1].endswith(f"12 x 24 cores, {description}")
    assert "working systems per wafer" in table


def test_study_config_takes_the_scheme_and_its_logical_shape():
    cfg = small_config()
    assert cfg.scheme == ShiftToSpare(segment_width=6, spares=1, max_skew=1)
    assert cfg.logical_shape == cfg.scheme.logical_shape(cfg.wafer) == (12, 20)
    two = small_config(scheme=dict(spares=2, max_skew=2))
    assert two.logical_shape == (12, 16) and two.repair_closed_form_leaves_out() == ()
    assert small_config(scheme=dict(segment_width=24)).logical_shape == (12, 23)
    # The closed form has no answer where the clustering blocks cut segments.
    assert small_config(scheme=dict(segment_width=8)).repair_closed_form() is None  # 12-core-wide reticles
    assert small_config(scheme=dict(segment_width=4)).repair_closed_form() is not None


def test_summary_json_when_every_wafer_fails_or_one_trial():
    r = run_study(small_config(d0=5000.0, trials=4))
    assert not r.repaired.any()
    s = wafer.summarize(r)
    json.dumps(s, allow_nan=False)
    assert s["wafer"]["repair_rate"]["mean"] == 0.0
    assert s["wafer"]["network"]["saturation"]["mean"] is None
    assert s["wafer"]["harvest"]["mean"] is None
    wafer.format_table(s)
    one = wafer.summarize(run_study(small_config(trials=1)))
    json.dumps(one, allow_nan=False)
    assert one["wafer"]["defects_per_wafer"]["ci95"] == [None, None]
    wafer.format_table(one)


def test_default_geometry_study_runs():
    cfg = StudyConfig(trials=5)
    assert cfg.scheme == ShiftToSpare() and cfg.logical_shape == (763, 1176)
    r = run_study(cfg)
    spec = cfg.wafer
    assert cfg.mean_defects == pytest.approx(46.225)
    assert r.defects.shape == (5,) and (r.defects > 10).all() and (r.defects < 100).all()
    # Negative binomial per 109 x 106 reticle, alpha 10; 8 spares but a skew of
    # 2: an upper bound, essentially 1.
    assert cfg.repair_closed_form_leaves_out() == ("the skew rule (max skew 2 < 8 spares)",)
    assert r.repair_closed_form == pytest.approx(1.0, abs=1e-6)
    # Fault-free WSE-3 wafer: 12 segments, 8 spares each, so each of the 11
    # boundaries in a row costs 8 hops to the routes crossing it.
    ff = r.fault_free
    assert ff.bandwidth_fraction == 1.0
    assert ff.mean_route_extra_hops == pytest.approx(8 * (12**2 - 1) / (3 * 12))
    assert ff.max_route_extra_hops == 8 * 11
    lrows, lcols = cfg.logical_shape
    assert ff.mean_link_extra_hops == pytest.approx(2 * 763 * 11 * 8 / (2 * (lrows * (lcols - 1) + lcols * (lrows - 1))))
    for name in TRIAL_METRICS:
        vals = r.metrics[name][r.repaired]
        assert np.isfinite(vals).all()
    # Diagonal links and live routers: vertical links are one hop and horizontal
    # ones straight runs, so a row's extra hops are the gaps between its first
    # and last logical cores (a dead core only moves a spare gap, or widens
    # the row span by one at its ends).
    grid = yieldmodels.DefectGrid.from_die(763, 1272, 215.0, 215.0)
    batch = wafer.dead_cores(yieldmodels.sample_grid_defects(
        5, grid, cfg.mean_defects, cfg.seed, alpha=10.0, block=(109, 106)))
    n_links = 2 * (lrows * (lcols - 1) + lcols * (lrows - 1))
    for t in np.flatnonzero(r.repaired):
        m = cfg.scheme.mapping(spec, batch.trial(t))
        first = m.l2p(np.arange(lrows) * lcols) % spec.core_cols
        last = m.l2p(np.arange(lrows) * lcols + lcols - 1) % spec.core_cols
        gaps = (last - first - (lcols - 1)).sum()
        assert r.metrics["mean_link_extra_hops"][t] == pytest.approx(2 * gaps / n_links)
        # A segment boundary's 8 spares, plus the dead cores at the start of the next segment.
        assert 8 <= r.metrics["max_link_extra_hops"][t] <= 8 + batch.counts[t]
        assert r.metrics["bandwidth_fraction"][t] == 1.0
    json.dumps(wafer.summarize(r), allow_nan=False)


# --------------------------------------------------------------------------
# Chiplet comparison
# --------------------------------------------------------------------------


def test_chiplet_comparison_default_wse_by_hand():
    w, c = WaferSpec(), ChipletSpec()
    d0, alpha = 0.1, 10.0
    r = chiplet_comparison(w, c, d0=d0, alpha=alpha)
    die_w, die_h = 215 / 12, 215 / 7
    a_cm2 = die_w * die_h / 100
    kgd = (1 + a_cm2 * d0 / alpha) ** -alpha
    s = r.system
    assert s.die_width_mm == pytest.approx(die_w) and s.die_height_mm == pytest.approx(die_h)
    assert s.die_area_mm2 == pytest.approx(die_w * die_h)
    assert s.die_yield == pytest.approx(kgd, rel=1e-12)
    assert s.die_yield == pytest.approx(0.5853, abs=1e-4)
    assert s.n_dies == 84
    # Organic substrate (Chiplet Actuary): 0.99 per bond, no carrier yield.
    assert s.package_yield == pytest.approx(0.99**84, rel=1e-12)
    # Chiplet Actuary's wafer defaults: scribe 0.2 mm, edge exclusion 5 mm.
    per_wafer = yieldmodels.exact_dies_per_wafer(die_w, die_h, 300.0, scribe_mm=0.2, edge_exclusion_mm=5.0)
    assert s.dies_per_wafer == per_wafer == 99
    # Sanity: the dies fit inside the usable disc by area.
    assert per_wafer * (die_w + 0.2) * (die_h + 0.2) < math.pi * 145**2
    assert s.dies_passing_test_per_wafer == pytest.approx(per_wafer * kgd, rel=1e-12)
    systems = per_wafer * kgd / 84 * 0.99**84
    assert s.good_systems_per_wafer == pytest.approx(systems, rel=1e-12)
    assert r.cores_per_system == 763 * 1272
    assert r.usable_area_mm2_per_wafer == pytest.approx(systems * 84 * die_w * die_h, rel=1e-12)
    assert r.usable_area_fraction == pytest.approx(systems * 215 * 215 / (math.pi * 150**2), rel=1e-12)
    # Bandwidth: 224 GB/s/mm shoreline far exceeds a 4.4 GB/s on-die link per
    # 0.169 mm (or 0.282 mm) core pitch, so die-to-die links match on-die ones.
    assert r.d2d_bandwidth == 1.0
    assert c.on_die_gbps == pytest.approx(4.4)
    assert c.d2d_extra_hops == pytest.approx(2.2)
    net = r.network
    assert net.bandwidth_fraction == 1.0
    assert net.saturation == pytest.approx(routing.uniform_saturation(763, 1272))
    assert net.max_link_extra_hops == pytest.approx(2.2)
    assert net.max_route_extra_hops == pytest.approx(2.2 * (11 + 6))
    # A uniform route crosses (n^2 - 1) / (3n) of n - 1 evenly spaced die edges on average.
    assert net.mean_route_extra_hops == pytest.approx(2.2 * ((12**2 - 1) / 36 + (7**2 - 1) / 21))
    crossing = 2 * (11 * 763 + 6 * 1272)
    n_links = 2 * (763 * 1271 + 1272 * 762)
    assert net.mean_link_extra_hops == pytest.approx(2.2 * crossing / n_links)
    assert net.mean_route_hops == pytest.approx((1272**2 - 1) / (3 * 1272) + (763**2 - 1) / (3 * 763))
    d = s.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["n_dies"] == 84 and d["die_yield"] == s.die_yield


def test_chiplet_interposer_packaging_adds_carrier_yield():
    # Si interposer (Chiplet Actuary): 0.95 per bond, interposer of 1.1 x the
    # die area with D0 0.06 and alpha 6, bonded to the substrate at 0.99.
    r = chiplet_comparison(WaferSpec(), ChipletSpec(packaging="si-interposer"), d0=0.1, alpha=10.0)
    area_cm2 = 1.1 * 215 * 215 / 100
    carrier = (1 + area_cm2 * 0.06 / 6) ** -6
    assert r.system.package_yield == pytest.approx(0.95**84 * carrier * 0.99, rel=1e-12)


def test_chiplet_narrow_d2d_links_bottleneck():
    # 28 GB/s/mm: a die edge gives each core at the narrower 0.169 mm pitch 28/2 * 0.169 = 2.37 GB/s per
    # direction, under the 4.4 GB/s on-die link. The busiest channel (the
    # middle of a row) sits on a die edge, so bandwidth drops by that ratio.
    w = WaferSpec()
    c = ChipletSpec(d2d_gbps_per_mm=28.0)
    b = 28.0 / 2 * min(215 / 1272, 215 / 763) / 4.4
    r = chiplet_comparison(w, c, d0=0.1, alpha=10.0)
    assert r.d2d_bandwidth == pytest.approx(b)
    assert r.network.bandwidth_fraction == pytest.approx(b)


def test_chiplet_errors():
    with pytest.raises(wafer.ParameterError, match="dies_x"):
        chiplet_comparison(WaferSpec(), ChipletSpec(dies_x=5), 0.1, 10.0)
    for kw, name in [({"dies_x": 0}, "dies_x"), ({"test_coverage": 1.5}, "test_coverage"),
                     ({"packaging": "interposer"}, "packaging"),
                     ({"clock_ghz": 0.0}, "clock_ghz"), ({"d2d_latency_ns": -1.0}, "d2d_latency_ns"),
                     ({"d2d_gbps_per_mm": math.nan}, "d2d_gbps_per_mm")]:
        with pytest.raises(wafer.ParameterError, match=name):
            ChipletSpec(**kw)


@pytest.mark.parametrize(
    "kw, name",
    [({"d0": -1.0}, "d0"), ({"d0": math.nan}, "d0"), ({"alpha": 0.0}, "alpha"),
     ({"trials": 0}, "trials"), ({"seed": -1}, "seed"), ({"chunk_size": 0}, "chunk_size"),
     ({"scheme": "shift-to-spare"}, "scheme must be a remap scheme"),
     ({"scheme": ShiftToSpare}, "scheme must be a remap scheme"),
     ({"scheme": wafer.RemapScheme()}, "scheme must be a configured remap scheme"),
     ({"scheme": ShiftToSpare(segment_width=5, spares=1, max_skew=1)}, "segment_width must divide core_cols (1272), got 5")],
)
def test_study_config_errors(kw, name):
    with pytest.raises(wafer.ParameterError) as info:
        StudyConfig(**kw)
    assert name in str(info.value)


# --------------------------------------------------------------------------
# Confidence intervals
# --------------------------------------------------------------------------


def test_wilson_interval_known_values():
    p, lo, hi = proportion_ci(5, 10)
    assert p == 0.5 and lo == pytest.approx(0.2366, abs=1e-4) and hi == pytest.approx(0.7634, abs=1e-4)
    p, lo, hi = proportion_ci(0, 10)
    z2 = 1.959964**2
    assert p == 0.0 and lo == pytest.approx(0.0, abs=1e-12) and hi == pytest.approx(z2 / (10 + z2), rel=1e-6)  # 0.2775
    p, lo, hi = proportion_ci(10, 10)
    assert p == 1.0 and hi == 1.0 and lo == pytest.approx(10 / (10 + z2), rel=1e-6)
    p, lo, hi = proportion_ci(93, 100)
    assert (round(lo, 4), round(hi, 4)) == (0.8625, 0.9657)
    # Wider at 99%, narrower with more trials.
    assert proportion_ci(5, 10, level=0.99)[1] < 0.2366
    assert proportion_ci(500, 1000)[2] - proportion_ci(500, 1000)[1] < 0.07
    assert all(math.isnan(v) for v in proportion_ci(0, 0))


def test_mean_interval_known_values():
    m, lo, hi = mean_ci(np.array([1.0, 2.0, 3.0, 4.0]))
    half = 1.959964 * math.sqrt(5 / 3) / 2
    assert m == 2.5 and lo == pytest.approx(2.5 - half, rel=1e-6) and hi == pytest.approx(2.5 + half, rel=1e-6)
    m, lo, hi = mean_ci(np.array([1.0, np.nan, 2.0, 3.0, 4.0, np.nan]))  # NaN ignored
    assert m == 2.5 and lo == pytest.approx(2.5 - half, rel=1e-6)
    m, lo, hi = mean_ci(np.array([1.0, 2.0, 3.0, 4.0]), level=0.99)
    assert hi - m == pytest.approx(2.575829 * math.sqrt(5 / 3) / 2, rel=1e-6)
    m, lo, hi = mean_ci(np.array([7.0]))
    assert m == 7.0 and math.isnan(lo) and math.isnan(hi)
    assert all(math.isnan(v) for v in mean_ci(np.array([np.nan, np.nan])))
    assert all(math.isnan(v) for v in mean_ci(np.array([])))
    assert mean_ci(np.full(5, 3.0)) == (3.0, 3.0, 3.0)
    m, lo, hi = mean_ci(np.array([1, 2, 3]))  # integers are fine
    assert m == 2.0


def test_radial_reticle_study_is_chunk_invariant_and_has_no_closed_form():
    cfg = small_config(trials=40, radial_edge_excess=3.0, chunk_size=7)
    a = run_study(cfg)
    b = run_study(small_config(trials=40, radial_edge_excess=3.0, chunk_size=40))
    assert_same_result(a, b)
    assert a.repair_closed_form is None
    table = wafer.format_table(wafer.summarize(a))
    assert "n/a (radial positions)" in table and "density 1 + 3 (r/R)^2" in table


def test_clustering_errors():
    with pytest.raises(wafer.ParameterError, match="clustering.*did you mean 'reticle'"):
        small_config(clustering="reticl")
    with pytest.raises(wafer.ParameterError, match="edge_excess"):
        small_config(radial_edge_excess=-2.0)
    with pytest.raises(wafer.ParameterError, match="dies_x x dies_y"):
        small_config(chiplet=ChipletSpec(dies_x=5, dies_y=2))


def test_router_and_link_fractions_reach_the_mappings():
    cfg = small_config(trials=30, router_fraction=0.3, link_fraction=0.3, d0=10.0)
    r = run_study(cfg)
    assert r.repair_closed_form is None
    # Recompute by hand: kinds sampled, sorted into faults, each trial remapped.
    spec = cfg.wafer
    grid = yieldmodels.DefectGrid.from_die(spec.core_rows, spec.core_cols, spec.die_width_mm,
                                           spec.die_height_mm)
    batch = yieldmodels.sample_grid_defects(
        cfg.trials, grid, cfg.mean_defects, cfg.seed, alpha=cfg.alpha, block=cfg.block,
        kinds=yieldmodels.DefectKinds(core=0.4, router=0.3, link=0.3))
    f = wafer.faults_from(batch)
    assert (f.links.counts > 0).any() and (f.routers.counts > 0).any()
    for t in range(cfg.trials):
        m = cfg.scheme.mapping(spec, f.cores.trial(t), f.routers.trial(t), f.links.trial(t))
        assert r.status[t] == m.status
        if m.repaired:
            assert r.metrics["mean_route_extra_hops"][t] == m.metrics().mean_route_extra_hops


def test_fault_fraction_errors():
    with pytest.raises(wafer.ParameterError, match="router_fraction"):
        small_config(router_fraction=1.5)
    with pytest.raises(wafer.ParameterError, match="router_fraction \\+ link_fraction"):
        small_config(router_fraction=0.6, link_fraction=0.6)


def test_a_closed_form_that_leaves_a_rule_out_is_labelled_a_bound_and_never_below_monte_carlo():
    exact = run_study(small_config(trials=200))
    assert exact.config.repair_closed_form_leaves_out() == ()
    s = wafer.summarize(exact)
    assert s["wafer"]["repair_rate"]["closed_form_leaves_out"] == []
    assert "\n    closed form " in wafer.format_table(s)
    # Two spares a segment, but the fabric bridges only one column of skew.
    bound = run_study(small_config(trials=400, d0=60.0, scheme=dict(spares=2)))
    left_out = bound.config.repair_closed_form_leaves_out()
    assert left_out == ("the skew rule (max skew 1 < 2 spares)",)
    s = wafer.summarize(bound)
    assert s["wafer"]["repair_rate"]["closed_form_leaves_out"] == list(left_out)
    assert "upper bound, closed form without the skew rule (max skew 1 < 2 spares)" in wafer.format_table(s)
    lo, hi = s["wafer"]["repair_rate"]["ci95"]
    assert lo <= bound.repair_closed_form  # Monte Carlo never above the bound (within its interval)
    assert (bound.status == 2).any()       # and the skew rule did fail some wafers
    routers = small_config(wafer=dict(router_dies_with_core=True))
    assert routers.repair_closed_form_leaves_out() == ("the path rule (routers die with their cores)",)
