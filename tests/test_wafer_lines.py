"""The line schemes (spare rows and columns, harvesting) behind the scheme interface,
and studies that count a degraded wafer by what it runs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import routing
import wafer
import yieldmodels
from hypothesis import given, settings
from hypothesis import strategies as st
from paramcheck import ParameterError
from wafer import Harvest, SpareLines, StudyConfig, WaferSpec, run_study
from wafer.cli import main
from yieldmodels import DefectBatch


@st.composite
def grids_and_dead(draw, max_side: int = 7):
    rows, cols = draw(st.integers(2, max_side)), draw(st.integers(2, max_side))
    spec = WaferSpec(core_rows=rows, core_cols=cols, die_width_mm=5.0, die_height_mm=5.0)
    dead = sorted(draw(st.sets(st.integers(0, rows * cols - 1), max_size=6)))
    return spec, np.array(dead, dtype=np.int64)


@st.composite
def line_schemes(draw, spec: WaferSpec):
    if draw(st.booleans()):
        return SpareLines(draw(st.integers(0, spec.core_rows - 1)), draw(st.integers(0, spec.core_cols - 1)))
    axis = draw(st.sampled_from(["rows", "cols"]))
    n = spec.core_rows if axis == "rows" else spec.core_cols
    return Harvest(axis=axis, target_lines=draw(st.none() | st.integers(1, n)))


@settings(max_examples=150)
@given(st.data())
def test_logical_cores_are_alive_distinct_and_match_the_batch(data):
    spec, dead = data.draw(grids_and_dead())
    scheme = data.draw(line_schemes(spec))
    try:
        scheme.validate(spec)
    except ParameterError:
        return  # fewer than 2 logical cores: refused, as for every scheme
    m = scheme.mapping(spec, dead)
    b = scheme.check(spec, DefectBatch(np.array([0, dead.size]), dead))
    assert (b.status[0], b.logical_rows[0], b.logical_cols[0]) == (m.status, *m.logical_shape)
    assert b.spares_used[0] == m.spares_used
    if m.n_logical:
        phys = m.to_dense().ravel()
        assert np.unique(phys).size == phys.size
        assert not np.isin(phys, dead).any()
        assert (m.p2l(phys) == np.arange(m.n_logical)).all()
        # Long interconnects against the dense definition.
        l2p = m.to_dense()
        cols = spec.core_cols
        want = []
        for a, c in ((l2p[:, :-1], l2p[:, 1:]), (l2p[:-1], l2p[1:])):
            d = np.abs(a // cols - c // cols) + np.abs(a % cols - c % cols)
            want += d[d > 1].tolist()
        assert m.long_links().tolist() == sorted(want)
        assert m.harvest == pytest.approx(m.n_logical / (spec.n_cores - dead.size))
        assert m.degradation == pytest.approx(1 - m.n_logical / spec.n_cores)


@settings(max_examples=60)
@given(st.data())
def test_fault_free_is_the_identity_and_removing_a_defect_never_hurts(data):
    spec, dead = data.draw(grids_and_dead())
    scheme = data.draw(line_schemes(spec))
    try:
        scheme.validate(spec)
    except ParameterError:
        return
    clean = scheme.mapping(spec, [])
    assert clean.repaired
    rows, cols = clean.logical_shape
    assert (clean.to_dense() == np.arange(rows)[:, None] * spec.core_cols + np.arange(cols)).all()
    if dead.size:
        # Both line schemes: a subset of the dead cores never ends worse
        # (status no higher; no target shape, so the array is no smaller).
        full = scheme.mapping(spec, dead)
        fewer = scheme.mapping(spec, dead[1:])
        assert fewer.status <= full.status
        assert fewer.n_logical >= full.n_logical


def test_network_routes_logical_links_through_left_out_lines():
    spec = WaferSpec(core_rows=5, core_cols=4, die_width_mm=5.0, die_height_mm=5.0)
    m = Harvest().mapping(spec, [6])               # row 1 disabled
    net = m.network()
    assert net.n_nodes == spec.n_cores and net.router_alive.all()
    metrics = m.metrics()
    # The 4 vertical links across row 1 take two hops each.
    assert metrics.max_link_extra_hops == 1.0
    e = m.embedding_or_none()
    assert e.links.size == 8                        # 4 links, both directions
    assert metrics == routing.embedded_uniform_metrics(m.logical_shape, m.physical_shape, *e)


def test_line_schemes_take_core_faults_only():
    spec = WaferSpec(core_rows=4, core_cols=4, die_width_mm=5.0, die_height_mm=5.0)
    with pytest.raises(ParameterError, match="routers must be empty for harvest"):
        Harvest().mapping(spec, [1], routers=[1])
    with pytest.raises(ParameterError, match="router_dies_with_core must be false for spare-lines"):
        SpareLines().validate(WaferSpec(core_rows=4, core_cols=4, die_width_mm=5.0, die_height_mm=5.0,
                                        router_dies_with_core=True))
    with pytest.raises(ParameterError, match="router_fraction and link_fraction must be 0 for scheme harvest"):
        StudyConfig(wafer=spec, scheme=Harvest(), chiplet=wafer.ChipletSpec(1, 1), router_fraction=0.1)


def test_no_network_per_wafer_beyond_the_dense_limit():
    from wafer.study import DENSE_NETWORK_MAX_CORES

    spec = WaferSpec(core_rows=256, core_cols=512, die_width_mm=20.0, die_height_mm=20.0)
    assert spec.n_cores > DENSE_NETWORK_MAX_CORES
    cfg = StudyConfig(wafer=spec, scheme=Harvest(), chiplet=wafer.ChipletSpec(2, 2), d0=0.0, trials=3)
    r = run_study(cfg)
    assert cfg.network_per_wafer is None and r.repaired.all() and np.isnan(r.metrics["saturation"]).all()
    assert "has no study network model at this size" in wafer.format_table(wafer.summarize(r))


def test_harvest_closed_form_agrees_with_a_poisson_study():
    """Exact for the model: Monte Carlo within its 99.9% interval."""
    spec = WaferSpec(core_rows=10, core_cols=8, die_width_mm=20.0, die_height_mm=20.0)
    cfg = StudyConfig(wafer=spec, scheme=Harvest(target_lines=8), chiplet=wafer.ChipletSpec(2, 2), d0=1.0,
                      clustering="none", trials=20_000, seed=5)
    r = run_study(cfg)
    p = cfg.repair_closed_form()
    assert cfg.repair_closed_form_leaves_out() == () and cfg.repair_closed_form_missing() is None
    z = 3.2905
    assert abs(r.repaired.mean() - p) <= z * math.sqrt(p * (1 - p) / cfg.trials)
    # With a wafer-wide gamma multiplier too.
    cfg = StudyConfig(wafer=spec, scheme=Harvest(target_lines=8), chiplet=wafer.ChipletSpec(2, 2), d0=1.0,
                      clustering="wafer", alpha=2.0, trials=20_000, seed=6)
    p = cfg.repair_closed_form()
    assert abs(run_study(cfg).repaired.mean() - p) <= z * math.sqrt(p * (1 - p) / cfg.trials)


def test_a_study_counts_a_degraded_wafer_by_what_it_runs():
    spec = WaferSpec(core_rows=20, core_cols=16, die_width_mm=20.0, die_height_mm=20.0)
    cfg = StudyConfig(wafer=spec, scheme=Harvest(), chiplet=wafer.ChipletSpec(2, 2), d0=2.0, trials=300,
                      seed=3, needed_shape=(17, 16))
    r = run_study(cfg)
    grid = yieldmodels.DefectGrid.from_die(20, 16, 20.0, 20.0)
    dead = wafer.dead_cores(yieldmodels.sample_grid_defects(300, grid, cfg.mean_defects, 3, alpha=10.0,
                                                             block=cfg.block))
    good_rows = np.array([20 - np.unique(dead.trial(t) // 16).size for t in range(300)])
    assert (r.logical_rows == good_rows).all() and (r.logical_cols == 16).all()
    s = wafer.summarize(r)
    assert s["wafer"]["degrades"]
    assert s["wafer"]["usable_cores_per_wafer"]["mean"] == pytest.approx((good_rows * 16).mean())
    assert s["wafer"]["needed_shape"]["rate"]["mean"] == pytest.approx((good_rows >= 17).mean())
    # A small wafer: each repaired wafer's network measured densely.
    assert s["wafer"]["network_per_wafer"] == "dense" and s["traffic"] == {}
    runs = r.logical_cores >= 2
    assert runs.all() and np.isfinite(r.metrics["saturation"]).all()
    t = int(np.argmin(r.logical_rows))             # the most degraded wafer
    want = cfg.scheme.mapping(spec, dead.trial(t)).metrics()
    assert r.metrics["mean_route_extra_hops"][t] == want.mean_route_extra_hops
    assert s["wafer"]["fault_free_network"]["bandwidth_fraction"] == 1.0
    table = wafer.format_table(s)
    assert "degraded wafers by what they run" in table and "wafers holding a 17 x 16 logical mesh" in table


def test_cli_runs_the_line_schemes_and_refuses_foreign_options(capsys):
    small = ["--core-rows", "14", "--core-cols", "24", "--die-width", "10", "--die-height", "10",
             "--dies", "2x2", "--trials", "20", "--quiet", "--json"]
    assert main(["study", "--scheme", "spare-lines", "--spare-rows", "2", "--spare-cols", "1",
                 "--target-shape", "10x20", "--needed-shape", "12x20", "--d0", "5", *small]) == 0
    import json

    data = json.loads(capsys.readouterr().out)
    assert data["parameters"]["scheme"]["target_shape"] == [10, 20]
    assert data["wafer"]["needed_shape"]["shape"] == [12, 20]
    assert main(["study", "--scheme", "harvest", "--axis", "cols", "--target-lines", "20", *small]) == 0
    assert json.loads(capsys.readouterr().out)["wafer"]["logical_shape"] == [14, 20]
    assert main(["study", "--scheme", "harvest", "--spares", "2", *small]) == 2
    err = capsys.readouterr().err
    assert "--spares does not apply to --scheme harvest (its options: --axis, --target-lines)" in err
    assert main(["study", "--scheme", "harvest", "--axis", "diagonal", *small]) == 2
    assert "--axis must be one of" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["study", "--needed-shape", "12by7", *small])
    assert info.value.code == 2 and "--needed-shape: must be ROWSxCOLS" in capsys.readouterr().err


@pytest.mark.parametrize("scheme", [Harvest(target_lines=18), SpareLines(1, 1), wafer.ColumnRerouting(spare_cols=1)])
def test_line_and_rerouting_studies_do_not_depend_on_chunking_or_threads(scheme):
    import numba

    spec = WaferSpec(core_rows=20, core_cols=16, die_width_mm=20.0, die_height_mm=20.0)

    def run(chunk, threads):
        numba.set_num_threads(threads)
        try:
            return run_study(StudyConfig(wafer=spec, scheme=scheme, chiplet=wafer.ChipletSpec(2, 2), d0=2.0,
                                         trials=50, seed=9, chunk_size=chunk))
        finally:
            numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)

    a, b = run(64, 1), run(7, numba.config.NUMBA_NUM_THREADS)
    for name in ("defects", "dead", "status", "logical_rows", "logical_cols"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    for name, values in a.metrics.items():
        assert np.array_equal(values, b.metrics[name], equal_nan=True), name
