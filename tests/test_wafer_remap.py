"""Shift-to-spare remap: the fast sparse ``Mapping`` against a dense plain-Python oracle.

The oracle (:func:`reference_shift`) builds the whole logical -> physical map
segment by segment, exactly as the rule is stated: the logical cores of a row
segment sit on its first ``segment_width - spares`` live cores, in order.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import routing
import wafer
import yieldmodels
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from routing.reference import reference_link_path, reference_uniform_metrics
from wafer import Mapping, ShiftToSpare, WaferSpec
from yieldmodels import DefectBatch

OK, TOO_MANY_DEAD, TOO_MUCH_SKEW, NO_PATH = 0, 1, 2, 3


# --------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------


@st.composite
def small_wafers(draw, max_rows: int = 6, max_segments: int = 3, max_segment_width: int = 6):
    """Small WaferSpecs covering every shift-to-spare knob."""
    seg_w = draw(st.integers(2, max_segment_width))
    spares = draw(st.integers(1, seg_w - 1))
    n_seg = draw(st.integers(1, max_segments))
    rows = draw(st.integers(1, max_rows))
    # The spec requires a logical mesh of at least two cores.
    assume(rows * n_seg * (seg_w - spares) >= 2)
    size = st.floats(0.5, 50.0, allow_nan=False, allow_infinity=False)
    return WaferSpec(
        wafer_diameter_mm=draw(st.floats(75.0, 450.0)),  # a 50 x 50 mm die fits 71 mm
        die_width_mm=draw(size),
        die_height_mm=draw(size),
        core_rows=rows,
        core_cols=n_seg * seg_w,
        segment_width=seg_w,
        spares_per_segment=spares,
        max_skew=draw(st.integers(0, 3)),
        diagonal_links=draw(st.booleans()),
        router_dies_with_core=draw(st.booleans()),
        bridge_margin=draw(st.integers(1, 3)),
    )


@st.composite
def dead_sets(draw, spec: WaferSpec, repairable: bool | None = None):
    """Sorted dead-core ids of ``spec``.

    Either any set of cores, or (``repairable``) at most ``spares`` dead cores
    per segment, so that the spare rule passes and the skew and path rules
    are exercised.
    """
    if repairable is None:
        repairable = draw(st.booleans())
    if not repairable:
        n = spec.n_cores
        return sorted(draw(st.sets(st.integers(0, n - 1), max_size=min(n, 12))))
    dead = []
    w = spec.segment_width
    for r in range(spec.core_rows):
        for s in range(spec.n_segments):
            local = draw(st.sets(st.integers(0, w - 1), max_size=spec.spares_per_segment))
            dead += [r * spec.core_cols + s * w + c for c in local]
    return sorted(dead)


@st.composite
def wafers_and_dead(draw, repairable: bool | None = None, **kw):
    spec = draw(small_wafers(**kw))
    return spec, draw(dead_sets(spec, repairable))


# --------------------------------------------------------------------------
# The oracle
# --------------------------------------------------------------------------


def logical_links(lrows: int, lcols: int):
    """(logical channel id, src, dst, is_vertical) of every directed logical link."""
    out = []
    for y in range(lrows):
        for x in range(lcols):
            node = y * lcols + x
            if x + 1 < lcols:
                out.append((4 * node + 0, node, node + 1, False))
            if x > 0:
                out.append((4 * node + 1, node, node - 1, False))
            if y + 1 < lrows:
                out.append((4 * node + 2, node, node + lcols, True))
            if y > 0:
                out.append((4 * node + 3, node, node - lcols, True))
    return out


def reference_shift(spec: WaferSpec, dead) -> dict:
    """Dense shift-to-spare, straight from the rules; plain Python."""
    rows, cols = spec.core_rows, spec.core_cols
    w, sp = spec.segment_width, spec.spares_per_segment
    lw = w - sp
    lrows, lcols = spec.logical_shape
    dead = {int(d) for d in dead}
    l2p = np.full((lrows, lcols), -1, dtype=np.int64)
    max_fill = 0
    spares_used = 0
    for r in range(rows):
        for s in range(spec.n_segments):
            phys = [r * cols + s * w + c for c in range(w)]
            live = [p for p in phys if p not in dead]
            max_fill = max(max_fill, w - len(live))
            if len(live) >= lw:
                l2p[r, s * lw : (s + 1) * lw] = live[:lw]
                last = live[lw - 1]
                spares_used += sum(1 for p in phys if p in dead and p < last)
    out = {"max_fill": max_fill, "l2p": l2p, "max_skew": None, "spares_used": spares_used}
    if max_fill > sp:
        out["status"] = TOO_MANY_DEAD
        return out
    pcol = l2p % cols
    skew = int(np.abs(np.diff(pcol, axis=0)).max()) if lrows > 1 else 0
    out["max_skew"] = skew
    if skew > spec.max_skew:
        out["status"] = TOO_MUCH_SKEW
        return out
    out["status"] = OK
    if spec.router_dies_with_core and dead:
        g = routing.mesh_graph(rows, cols, blocked=np.array(sorted(dead)))
        flat = l2p.ravel()
        for _, a, b, vertical in logical_links(lrows, lcols):
            if vertical and spec.diagonal_links:
                continue  # a dedicated link of its own
            if reference_link_path(g, cols, int(flat[a]), int(flat[b]), spec.bridge_margin) is None:
                out["status"] = NO_PATH
                break
    return out


def dedicated_links(spec: WaferSpec, l2p: np.ndarray) -> frozenset:
    """Vertical logical links that ride the fabric's diagonal links."""
    if not spec.diagonal_links:
        return frozenset()
    lrows, lcols = l2p.shape
    flat = l2p.ravel()
    cols = spec.core_cols
    return frozenset(
        c for c, a, b, vertical in logical_links(lrows, lcols)
        if vertical and flat[a] % cols != flat[b] % cols
    )


# --------------------------------------------------------------------------
# Fast mapping == oracle
# --------------------------------------------------------------------------


@settings(max_examples=150)
@given(wafers_and_dead())
def test_mapping_agrees_with_reference(case):
    spec, dead = case
    ref = reference_shift(spec, dead)
    m = ShiftToSpare.mapping(spec, dead)
    assert m.status == ref["status"], (m.failure, ref["status"])
    assert m.repaired == (ref["status"] == OK)
    assert m.max_fill == ref["max_fill"]
    if ref["max_skew"] is not None:  # skew is only defined once the spare rule passes
        assert m.max_skew == ref["max_skew"]
    assert m.logical_shape == spec.logical_shape
    assert m.physical_shape == (spec.core_rows, spec.core_cols)
    assert np.array_equal(m.dead, np.array(sorted(set(dead)), dtype=np.int64))
    if ref["status"] != TOO_MANY_DEAD:
        assert np.array_equal(m.to_dense(), ref["l2p"])
        assert m.spares_used == ref["spares_used"]


@settings(max_examples=150)
@given(wafers_and_dead())
def test_p2l_inverts_l2p(case):
    spec, dead = case
    m = ShiftToSpare.mapping(spec, dead)
    assume(m.status != TOO_MANY_DEAD)
    dense = m.to_dense().ravel()
    p2l = m.p2l(np.arange(spec.n_cores))
    expected = np.full(spec.n_cores, -1, dtype=np.int64)
    expected[dense] = np.arange(dense.size)
    assert np.array_equal(p2l, expected)
    # -1 exactly on the dead cores and the unused spares.
    dead_mask = np.zeros(spec.n_cores, dtype=bool)
    dead_mask[list(dead)] = True
    assert (p2l[dead_mask] == -1).all()
    assert np.count_nonzero(p2l == -1) == spec.n_cores - spec.n_logical
    # Lookups of subsets and in any order agree with the dense forms.
    ids = np.arange(spec.n_logical)[::-1].copy()
    assert np.array_equal(m.l2p(ids), dense[ids])
    assert np.array_equal(m.p2l(m.l2p(ids)), ids)


@settings(max_examples=150)
@given(wafers_and_dead(repairable=True))
def test_repaired_mapping_is_injective_and_avoids_dead(case):
    spec, dead = case
    m = ShiftToSpare.mapping(spec, dead)
    assume(m.repaired)
    dense = m.to_dense()
    assert dense.shape == spec.logical_shape
    flat = dense.ravel()
    assert np.unique(flat).size == flat.size
    assert not np.isin(flat, dead).any()
    assert ((flat >= 0) & (flat < spec.n_cores)).all()
    # Each logical core stays in its own row and segment, in order.
    rows, cols = np.divmod(dense, spec.core_cols)
    assert (rows == np.arange(spec.core_rows)[:, None]).all()
    lw = spec.logical_width
    seg_of_logical = np.arange(dense.shape[1]) // lw
    assert (cols // spec.segment_width == seg_of_logical[None, :]).all()
    assert (np.diff(cols, axis=1)[:, (np.arange(dense.shape[1] - 1) + 1) % lw != 0] > 0).all()
    # The vertical neighbours are within the fabric's reach.
    if spec.core_rows > 1:
        assert np.abs(np.diff(cols, axis=0)).max() <= spec.max_skew


@settings(max_examples=100)
@given(wafers_and_dead(repairable=True))
def test_embedding_paths_join_neighbours_and_avoid_dead_routers(case):
    spec, dead = case
    m = ShiftToSpare.mapping(spec, dead)
    assume(m.repaired)
    e = m.embedding_or_none()
    assert e is not None
    rows, cols = spec.core_rows, spec.core_cols
    lrows, lcols = spec.logical_shape
    dense = m.to_dense().ravel()
    dead_set = set(dead)
    listed = set(int(c) for c in e.links)
    assert len(listed) == e.links.size
    for i, lc in enumerate(e.links):
        src, dst = dense[lc // 4], dense[routing.channel_target(np.array([lc]), lrows, lcols)[0]]
        path = e.paths.path(i)
        assert path.size >= 2  # listed links are the multi-hop ones
        nodes = [int(c) // 4 for c in path] + [int(routing.channel_target(path[-1:], rows, cols)[0])]
        assert nodes[0] == src and nodes[-1] == dst
        # consecutive channels chain up
        targets = routing.channel_target(path, rows, cols)
        assert (targets >= 0).all()
        assert np.array_equal(targets[:-1], path[1:] // 4)
        assert len(path) == len(set(nodes)) - 1  # simple path
        if spec.router_dies_with_core:
            assert not dead_set.intersection(nodes)
        if spec.diagonal_links:
            assert lc % 4 < 2  # vertical links ride their own links
    # Every unlisted link is a single mesh channel, or a dedicated diagonal link.
    for c, a, b, vertical in logical_links(lrows, lcols):
        if c in listed:
            continue
        one_hop = routing.is_one_hop(np.array([dense[a]]), np.array([dense[b]]), np.array([c % 4]), rows, cols)[0]
        assert one_hop or (vertical and spec.diagonal_links), c
    # p2l of the path nodes agrees with the mapping
    assert np.array_equal(e.p2l_logical, m.p2l(e.p2l_nodes))


@st.composite
def wafer_and_trials(draw, max_trials: int = 30):
    spec = draw(small_wafers())
    return spec, draw(st.lists(dead_sets(spec), min_size=1, max_size=max_trials))


@settings(max_examples=60)
@given(wafer_and_trials())
def test_check_batch_agrees_with_mappings(case):
    spec, trials = case
    offsets = np.concatenate(([0], np.cumsum([len(t) for t in trials]))).astype(np.int64)
    sites = np.array([s for t in trials for s in t], dtype=np.int64)
    batch = ShiftToSpare.check(spec, DefectBatch(offsets, sites))
    assert batch.status.shape == batch.max_fill.shape == batch.max_skew.shape == (len(trials),)
    for t, dead in enumerate(trials):
        m = ShiftToSpare.mapping(spec, dead)
        ref = reference_shift(spec, dead)
        # check() knows only the spare and skew rules: no-path trials pass it.
        assert batch.status[t] == (OK if m.status == NO_PATH else m.status)
        assert bool(batch.repaired[t]) == (ref["status"] in (OK, NO_PATH))
        assert batch.max_fill[t] == m.max_fill == ref["max_fill"]
        if ref["max_skew"] is not None:
            assert batch.max_skew[t] == m.max_skew == ref["max_skew"]


def test_check_through_dead_cores_dedupes_defects():
    spec = WaferSpec(core_rows=2, core_cols=4, segment_width=4, spares_per_segment=1)
    # Two defects on core 1 kill one core: repairable; 1 and 2 kill two: not.
    defects = DefectBatch(np.array([0, 2, 4]), np.array([1, 1, 1, 2]))
    b = ShiftToSpare.check(spec, wafer.dead_cores(defects))
    assert b.status.tolist() == [OK, TOO_MANY_DEAD]
    assert b.max_fill.tolist() == [1, 2]


# --------------------------------------------------------------------------
# Hand-worked cases
# --------------------------------------------------------------------------


def test_shift_hand_example():
    # 3 x 8 wafer, two segments of 4 with 1 spare each: logical 3 x 6.
    spec = WaferSpec(core_rows=3, core_cols=8, segment_width=4, spares_per_segment=1, max_skew=1)
    m = ShiftToSpare.mapping(spec, [9])  # row 1, column 1
    assert m.repaired and m.max_fill == 1 and m.max_skew == 1 and m.spares_used == 1
    assert m.to_dense().tolist() == [
        [0, 1, 2, 4, 5, 6],
        [8, 10, 11, 12, 13, 14],
        [16, 17, 18, 20, 21, 22],
    ]
    assert m.p2l(np.arange(24)).tolist() == [
        0, 1, 2, -1, 3, 4, 5, -1,
        6, -1, 7, 8, 9, 10, 11, -1,
        12, 13, 14, -1, 15, 16, 17, -1,
    ]
    # A dead spare pushes nothing.
    m = ShiftToSpare.mapping(spec, [11])
    assert m.repaired and m.max_skew == 0 and m.spares_used == 0
    # Column 0 of row 0 and column 3 of row 1: logical column 0..2 displaced by
    # 1 in row 0 and 0 in row 1.
    m = ShiftToSpare.mapping(spec, [0, 11])
    assert m.max_skew == 1 and m.repaired
    # Two dead in one segment.
    m = ShiftToSpare.mapping(spec, [0, 1])
    assert m.status == TOO_MANY_DEAD and not m.repaired and m.max_fill == 2
    assert m.failure == "a segment has more dead cores than spares"
    with pytest.raises(wafer.ParameterError, match="repaired"):
        m.metrics()


def test_skew_failure_hand_example():
    # Two spares per segment: row 0 shifts by 2, row 1 not at all.
    spec = WaferSpec(core_rows=2, core_cols=6, segment_width=6, spares_per_segment=2, max_skew=1)
    m = ShiftToSpare.mapping(spec, [0, 1])
    assert m.status == TOO_MUCH_SKEW and m.max_skew == 2
    assert ShiftToSpare.mapping(spec.__class__(**{**spec.__dict__, "max_skew": 2}), [0, 1]).repaired


def test_no_path_hand_example():
    # One row: a dead router between two logical neighbours cannot be passed.
    spec = WaferSpec(core_rows=1, core_cols=4, segment_width=4, spares_per_segment=1,
                     router_dies_with_core=True)
    m = ShiftToSpare.mapping(spec, [1])
    assert m.status == NO_PATH and not m.repaired
    assert m.embedding_or_none() is None
    assert "no live path" in m.failure
    # The same wafer whose routers outlive their cores is fine: 2 hops.
    ok = ShiftToSpare.mapping(WaferSpec(core_rows=1, core_cols=4, segment_width=4), [1])
    assert ok.repaired and ok.metrics().max_link_extra_hops == 1.0
    # Two rows: the detour goes round through row 1 (margin 2): 3 extra hops.
    spec2 = WaferSpec(core_rows=2, core_cols=4, segment_width=4, spares_per_segment=1,
                      router_dies_with_core=True, max_skew=1)
    m2 = ShiftToSpare.mapping(spec2, [1])
    assert m2.repaired
    assert m2.metrics().max_link_extra_hops == 3.0


def test_mapping_rejects_out_of_range_ids():
    spec = WaferSpec(core_rows=2, core_cols=4, segment_width=4)
    with pytest.raises(wafer.ParameterError, match="dead"):
        Mapping(spec, [8])
    with pytest.raises(wafer.ParameterError, match="dead"):
        Mapping(spec, [-1])
    m = Mapping(spec, [])
    with pytest.raises(wafer.ParameterError, match="logical"):
        m.l2p([6])
    with pytest.raises(wafer.ParameterError, match="physical"):
        m.p2l([8])


# --------------------------------------------------------------------------
# Fault-free wafers
# --------------------------------------------------------------------------


@settings(max_examples=60)
@given(small_wafers(max_rows=5, max_segments=3))
def test_fault_free_wafer_maps_home(spec):
    m = ShiftToSpare.mapping(spec, [])
    assert m.repaired and m.max_fill == 0 and m.max_skew == 0 and m.spares_used == 0
    lw, w = spec.logical_width, spec.segment_width
    lrows, lcols = spec.logical_shape
    j = np.arange(lcols)
    home_cols = (j // lw) * w + j % lw
    expected = np.arange(lrows)[:, None] * spec.core_cols + home_cols[None, :]
    assert np.array_equal(m.to_dense(), expected)
    metrics = m.metrics()
    n_directed = 2 * (lrows * (lcols - 1) + lcols * (lrows - 1))
    boundary = 2 * lrows * (spec.n_segments - 1)  # directed links across a run of spares
    assert metrics.mean_link_extra_hops == pytest.approx(boundary * spec.spares_per_segment / n_directed)
    assert metrics.max_link_extra_hops == (spec.spares_per_segment if spec.n_segments > 1 else 0)
    if spec.n_segments == 1:
        # Spares only at the row end: the literal identity on columns 0..cols-spares-1.
        assert np.array_equal(m.to_dense() % spec.core_cols, np.broadcast_to(np.arange(lcols), (lrows, lcols)))
        assert metrics.bandwidth_fraction == 1.0
        assert metrics.mean_link_extra_hops == 0.0
        assert metrics.mean_route_extra_hops == 0.0
        assert metrics.max_route_extra_hops == 0.0
        assert metrics.saturation == pytest.approx(routing.uniform_saturation(lrows, lcols))
        assert m.embedding_or_none().links.size == 0


def test_fault_free_closed_form_with_interior_spares_hand_value():
    # 2 rows, 3 segments of 4 (1 spare): logical 2 x 9; 2 rows * 2 boundaries * 2
    # directions = 8 directed links of 1 extra hop among 2*(2*8 + 9*1) = 50.
    spec = WaferSpec(core_rows=2, core_cols=12, segment_width=4, spares_per_segment=1)
    metrics = ShiftToSpare.mapping(spec, []).metrics()
    assert metrics.mean_link_extra_hops == pytest.approx(8 / 50)
    assert metrics.max_link_extra_hops == 1.0


# --------------------------------------------------------------------------
# Metrics against the networkx reference
# --------------------------------------------------------------------------


@settings(max_examples=60)
@given(wafers_and_dead(repairable=True, max_rows=4, max_segments=2, max_segment_width=5))
def test_metrics_agree_with_reference(case):
    spec, dead = case
    m = ShiftToSpare.mapping(spec, dead)
    assume(m.repaired)
    dense = m.to_dense()
    blocked = np.array(dead, dtype=np.int64) if spec.router_dies_with_core else None
    ref = reference_uniform_metrics(dense, m.physical_shape, blocked, spec.bridge_margin,
                                    dedicated_links(spec, dense))
    assert ref is not None
    got = m.metrics()
    n = spec.n_logical
    assert got.gamma_max * n == pytest.approx(ref["max_flows"])
    assert got.saturation == pytest.approx(n / ref["max_flows"])
    assert got.bandwidth_fraction == pytest.approx(routing.uniform_max_flows(*spec.logical_shape) / ref["max_flows"])
    assert got.bandwidth_fraction <= 1.0 + 1e-12
    assert got.mean_link_extra_hops == pytest.approx(ref["mean_link_extra_hops"])
    assert got.max_link_extra_hops == ref["max_link_extra_hops"]
    assert got.mean_route_extra_hops == pytest.approx(ref["mean_route_extra_hops"])
    assert got.max_route_extra_hops == ref["max_route_extra_hops"]
    assert got.mean_route_hops == pytest.approx(routing.uniform_mean_hops(*spec.logical_shape))


# --------------------------------------------------------------------------
# Closed-form repair probability vs Monte Carlo
# --------------------------------------------------------------------------


def _binomial_rate(spec, mean):
    """Dense plain-Python evaluation of the closed form, for the hand check."""
    q = 1 - math.exp(-mean / spec.n_cores)
    w, sp = spec.segment_width, spec.spares_per_segment
    seg_ok = sum(math.comb(w, k) * q**k * (1 - q) ** (w - k) for k in range(sp + 1))
    return seg_ok ** (spec.core_rows * spec.n_segments)


@pytest.mark.parametrize(
    "rows, cols, seg_w, spares, mean, seed",
    [
        (10, 24, 6, 1, 6.0, 11),
        (16, 30, 10, 2, 30.0, 12),
        (8, 16, 16, 1, 4.0, 13),
        (40, 40, 8, 3, 120.0, 14),
    ],
)
def test_repair_probability_matches_monte_carlo(rows, cols, seg_w, spares, mean, seed):
    spec = WaferSpec(core_rows=rows, core_cols=cols, segment_width=seg_w,
                     spares_per_segment=spares, max_skew=spares)
    p = ShiftToSpare.repair_probability(spec, mean)
    assert p == pytest.approx(_binomial_rate(spec, mean), rel=1e-12)
    assert 0.05 < p < 0.95  # a point where the test has power
    n = 20_000
    defects = yieldmodels.sample_defects(n, mean, spec.n_cores, seed)
    batch = ShiftToSpare.check(spec, wafer.dead_cores(defects))
    assert not (batch.status == TOO_MUCH_SKEW).any()  # max_skew >= spares: never binds
    rate = batch.repaired.mean()
    z = 3.2905  # 99.9% two-sided
    assert abs(rate - p) <= z * math.sqrt(p * (1 - p) / n), (rate, p)


def test_repair_probability_edges():
    spec = WaferSpec(core_rows=4, core_cols=8, segment_width=4)
    assert ShiftToSpare.repair_probability(spec, 0.0) == 1.0
    # Enormous density: every segment overflows.
    assert ShiftToSpare.repair_probability(spec, 1e6) == 0.0
    assert ShiftToSpare.repair_probability(WaferSpec(), 46.225) == pytest.approx(0.9144, abs=5e-5)
    # Monotone decreasing in the mean
    ps = [ShiftToSpare.repair_probability(spec, m) for m in (0.5, 1, 2, 4, 8)]
    assert all(a > b for a, b in zip(ps, ps[1:]))
    for bad in (-1.0, math.nan, math.inf):
        with pytest.raises(routing.ParameterError, match="mean_defects"):
            ShiftToSpare.repair_probability(spec, bad)


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"core_cols": 8, "segment_width": 4, "spares_per_segment": 5}, "spares_per_segment"),
        ({"core_cols": 8, "segment_width": 4, "spares_per_segment": 4}, "spares_per_segment"),
        ({"core_cols": 10, "segment_width": 4}, "segment_width"),
        ({"core_rows": 0}, "core_rows"),
        ({"core_rows": -3}, "core_rows"),
        ({"core_cols": 0}, "core_cols"),
        ({"core_rows": 2.0}, "core_rows"),
        ({"core_rows": True}, "core_rows"),
        ({"segment_width": 0}, "segment_width"),
        ({"spares_per_segment": -1}, "spares_per_segment"),
        ({"max_skew": -1}, "max_skew"),
        ({"bridge_margin": -1}, "bridge_margin"),
        ({"die_width_mm": 0.0}, "die_width_mm"),
        ({"die_width_mm": -5.0}, "die_width_mm"),
        ({"die_height_mm": 0}, "die_height_mm"),
        ({"wafer_diameter_mm": math.nan}, "wafer_diameter_mm"),
        ({"wafer_diameter_mm": math.inf}, "wafer_diameter_mm"),
        ({"wafer_diameter_mm": "300"}, "wafer_diameter_mm"),
        ({"diagonal_links": 1}, "diagonal_links"),
        ({"diagonal_links": "yes"}, "diagonal_links"),
        ({"router_dies_with_core": None}, "router_dies_with_core"),
        ({"router_dies_with_core": np.bool_(True)}, "router_dies_with_core"),
    ],
)
def test_wafer_spec_errors_name_the_parameter(kwargs, name):
    base = {"core_rows": 2, "core_cols": 8, "segment_width": 4}
    with pytest.raises(wafer.ParameterError) as info:
        WaferSpec(**{**base, **kwargs})
    msg = str(info.value)
    assert name in msg
    assert "\n" not in msg
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, yieldmodels.ParameterError)
    assert isinstance(info.value, routing.ParameterError)


def test_wafer_spec_needs_two_logical_cores():
    with pytest.raises(wafer.ParameterError, match="at least 2"):
        WaferSpec(core_rows=1, core_cols=2, segment_width=2, spares_per_segment=1)
    assert WaferSpec(core_rows=2, core_cols=2, segment_width=2, spares_per_segment=1).n_logical == 2


def test_wafer_spec_is_frozen_and_default_is_wse3_like():
    w = WaferSpec()
    with pytest.raises(AttributeError):
        w.core_rows = 3  # type: ignore[misc]
    assert w.n_cores == 980 * 984
    assert w.logical_shape == (980, 12 * 81)
    assert w.die_area_mm2 == 215.0 * 215.0
    assert w.core_area_mm2 == pytest.approx(46225 / 964320)
    assert w.spare_fraction == pytest.approx(1 / 82)
    assert w.wafer_area_mm2 == pytest.approx(math.pi * 150**2)


def test_error_hierarchy():
    assert issubclass(wafer.ParameterError, yieldmodels.ParameterError)
    assert issubclass(wafer.ParameterError, routing.ParameterError)
    assert issubclass(wafer.ParameterError, ValueError)


def test_get_scheme_suggests_close_name():
    assert wafer.get_scheme("shift-to-spare") is ShiftToSpare
    assert wafer.SCHEMES["shift-to-spare"] is ShiftToSpare
    with pytest.raises(wafer.ParameterError) as info:
        wafer.get_scheme("shift-to-spar")
    msg = str(info.value)
    assert "did you mean 'shift-to-spare'" in msg and "scheme" in msg and "'shift-to-spar'" in msg
    with pytest.raises(wafer.ParameterError) as info:
        wafer.get_scheme("zzzz")
    assert "did you mean" not in str(info.value)
    assert "shift-to-spare" in str(info.value)
