"""Shift-to-spare remap: the fast sparse ``ShiftMapping`` against a dense plain-Python oracle.

The oracle (:func:`reference_shift`) builds the whole logical -> physical map
segment by segment, exactly as the rule is stated: the logical cores of a row
segment sit on its first ``segment_width - spares`` live cores, in order.

The strategies draw a ``(WaferSpec, ShiftToSpare)`` pair: the physical wafer
and the scheme's parameters.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import routing
import wafer
import yieldmodels
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from routing.reference import reference_link_path, reference_uniform_metrics
from wafer import ShiftMapping, ShiftToSpare, WaferSpec
from wafer.remap import checked_batch, gamma_expectation
from yieldmodels import DefectBatch

OK, TOO_MANY_DEAD, TOO_MUCH_SKEW, NO_PATH = 0, 1, 2, 3


# --------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------


@st.composite
def small_wafers(draw, max_rows: int = 6, max_segments: int = 3, max_segment_width: int = 6):
    """Small (WaferSpec, ShiftToSpare) pairs covering every shift-to-spare knob."""
    seg_w = draw(st.integers(2, max_segment_width))
    spares = draw(st.integers(1, seg_w - 1))
    n_seg = draw(st.integers(1, max_segments))
    rows = draw(st.integers(1, max_rows))
    # The scheme requires a logical mesh of at least two cores.
    assume(rows * n_seg * (seg_w - spares) >= 2)
    size = st.floats(0.5, 50.0, allow_nan=False, allow_infinity=False)
    spec = WaferSpec(
        wafer_diameter_mm=draw(st.floats(75.0, 450.0)),  # a 50 x 50 mm die fits 71 mm
        die_width_mm=draw(size),
        die_height_mm=draw(size),
        core_rows=rows,
        core_cols=n_seg * seg_w,
        diagonal_links=draw(st.booleans()),
        router_dies_with_core=draw(st.booleans()),
        bridge_margin=draw(st.integers(1, 3)),
    )
    scheme = ShiftToSpare(segment_width=seg_w, spares=spares, max_skew=draw(st.integers(0, 3)))
    return spec, scheme


def n_segments(spec: WaferSpec, scheme: ShiftToSpare) -> int:
    """Segments per row."""
    return spec.core_cols // scheme.segment_width


def logical_width(scheme: ShiftToSpare) -> int:
    """Logical cores per segment."""
    return scheme.segment_width - scheme.spares


@st.composite
def dead_sets(draw, spec: WaferSpec, scheme: ShiftToSpare, repairable: bool | None = None):
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
    w = scheme.segment_width
    for r in range(spec.core_rows):
        for s in range(n_segments(spec, scheme)):
            local = draw(st.sets(st.integers(0, w - 1), max_size=scheme.spares))
            dead += [r * spec.core_cols + s * w + c for c in local]
    return sorted(dead)


@st.composite
def wafers_and_dead(draw, repairable: bool | None = None, **kw):
    """(spec, scheme, dead cores)."""
    spec, scheme = draw(small_wafers(**kw))
    return spec, scheme, draw(dead_sets(spec, scheme, repairable))


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


def reference_shift(spec: WaferSpec, scheme: ShiftToSpare, dead) -> dict:
    """Dense shift-to-spare of ``spec`` under ``scheme``, straight from the rules; plain Python.

    ``l2p`` is the full logical -> physical map the rule gives (whatever the
    status, once the spare rule passes).
    """
    rows, cols = spec.core_rows, spec.core_cols
    w, sp = scheme.segment_width, scheme.spares
    lw = w - sp
    n_seg = cols // w
    lrows, lcols = rows, n_seg * lw
    dead = {int(d) for d in dead}
    l2p = np.full((lrows, lcols), -1, dtype=np.int64)
    max_fill = 0
    spares_used = 0
    for r in range(rows):
        for s in range(n_seg):
            phys = [r * cols + s * w + c for c in range(w)]
            live = [p for p in phys if p not in dead]
            max_fill = max(max_fill, w - len(live))
            if len(live) >= lw:
                l2p[r, s * lw : (s + 1) * lw] = live[:lw]
            # Spare cores holding a logical core: one per dead logical position, at most the spares.
            spares_used += min(sum(1 for p in phys[:lw] if p in dead), sp)
    out = {"max_fill": max_fill, "l2p": l2p, "max_skew": None, "spares_used": spares_used}
    if max_fill > sp:
        out["status"] = TOO_MANY_DEAD
        return out
    pcol = l2p % cols
    skew = int(np.abs(np.diff(pcol, axis=0)).max()) if lrows > 1 else 0
    out["max_skew"] = skew
    if skew > scheme.max_skew:
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
    spec, scheme, dead = case
    ref = reference_shift(spec, scheme, dead)
    m = scheme.mapping(spec, dead)
    assert isinstance(m, ShiftMapping) and m.spec is spec and m.scheme is scheme
    assert m.status == ref["status"], (m.failure, ref["status"])
    assert m.repaired == (ref["status"] == OK)
    assert m.failure == ShiftToSpare.FAILURES[ref["status"]]
    assert m.max_fill == ref["max_fill"]
    if ref["max_skew"] is not None:  # skew is only defined once the spare rule passes
        assert m.max_skew == ref["max_skew"]
    # The scheme does not degrade: a wafer it cannot repair exposes no logical mesh.
    assert m.logical_shape == (ref["l2p"].shape if m.repaired else (0, 0))
    assert m.n_logical == m.logical_shape[0] * m.logical_shape[1]
    assert m.physical_shape == (spec.core_rows, spec.core_cols)
    assert np.array_equal(m.dead, np.array(sorted(set(dead)), dtype=np.int64))
    if m.repaired:
        assert np.array_equal(m.to_dense(), ref["l2p"])
    else:
        assert m.to_dense().shape == (0, 0)
    if ref["status"] != TOO_MANY_DEAD:
        assert m.spares_used == ref["spares_used"]
    live = spec.n_cores - len(set(dead))
    assert m.harvest == pytest.approx(m.n_logical / live if live else 0.0, rel=1e-15)
    assert m.degradation == pytest.approx((spec.n_cores - m.n_logical) / spec.n_cores, rel=1e-15)


@settings(max_examples=150)
@given(wafers_and_dead())
def test_p2l_inverts_l2p(case):
    spec, scheme, dead = case
    m = scheme.mapping(spec, dead)
    assume(m.repaired)
    dense = m.to_dense().ravel()
    p2l = m.p2l(np.arange(spec.n_cores))
    expected = np.full(spec.n_cores, -1, dtype=np.int64)
    expected[dense] = np.arange(dense.size)
    assert np.array_equal(p2l, expected)
    # -1 exactly on the dead cores and the unused spares.
    dead_mask = np.zeros(spec.n_cores, dtype=bool)
    dead_mask[list(dead)] = True
    assert (p2l[dead_mask] == -1).all()
    assert np.count_nonzero(p2l == -1) == spec.n_cores - scheme.n_logical(spec)
    # Lookups of subsets and in any order agree with the dense forms.
    ids = np.arange(m.n_logical)[::-1].copy()
    assert np.array_equal(m.l2p(ids), dense[ids])
    assert np.array_equal(m.p2l(m.l2p(ids)), ids)


@settings(max_examples=150)
@given(wafers_and_dead(repairable=True))
def test_repaired_mapping_is_injective_and_avoids_dead(case):
    spec, scheme, dead = case
    m = scheme.mapping(spec, dead)
    assume(m.repaired)
    dense = m.to_dense()
    assert dense.shape == scheme.logical_shape(spec)
    flat = dense.ravel()
    assert np.unique(flat).size == flat.size
    assert not np.isin(flat, dead).any()
    assert ((flat >= 0) & (flat < spec.n_cores)).all()
    # Each logical core stays in its own row and segment, in order.
    rows, cols = np.divmod(dense, spec.core_cols)
    assert (rows == np.arange(spec.core_rows)[:, None]).all()
    lw = logical_width(scheme)
    seg_of_logical = np.arange(dense.shape[1]) // lw
    assert (cols // scheme.segment_width == seg_of_logical[None, :]).all()
    assert (np.diff(cols, axis=1)[:, (np.arange(dense.shape[1] - 1) + 1) % lw != 0] > 0).all()
    # The vertical neighbours are within the fabric's reach.
    if spec.core_rows > 1:
        assert np.abs(np.diff(cols, axis=0)).max() <= scheme.max_skew


@settings(max_examples=100)
@given(wafers_and_dead(repairable=True))
def test_embedding_paths_join_neighbours_and_avoid_dead_routers(case):
    spec, scheme, dead = case
    m = scheme.mapping(spec, dead)
    assume(m.repaired)
    e = m.embedding_or_none()
    assert e is not None
    rows, cols = spec.core_rows, spec.core_cols
    lrows, lcols = m.logical_shape
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
    spec, scheme = draw(small_wafers())
    return spec, scheme, draw(st.lists(dead_sets(spec, scheme), min_size=1, max_size=max_trials))


@settings(max_examples=60)
@given(wafer_and_trials())
def test_check_batch_agrees_with_mappings(case):
    spec, scheme, trials = case
    offsets = np.concatenate(([0], np.cumsum([len(t) for t in trials]))).astype(np.int64)
    sites = np.array([s for t in trials for s in t], dtype=np.int64)
    batch = scheme.check(spec, DefectBatch(offsets, sites))
    n = len(trials)
    assert batch.status.shape == batch.max_fill.shape == batch.max_skew.shape == (n,)
    assert batch.logical_rows.shape == batch.logical_cols.shape == batch.spares_used.shape == (n,)
    assert batch.logical_rows.dtype == batch.logical_cols.dtype == batch.spares_used.dtype == np.int64
    assert set(batch.extra) == {"max_fill", "max_skew", "long_links", "extra_hops", "longest_link"}
    full = scheme.logical_shape(spec)
    for t, dead in enumerate(trials):
        m = scheme.mapping(spec, dead)
        ref = reference_shift(spec, scheme, dead)
        # check() knows only the spare and skew rules: no-path trials pass it.
        assert batch.status[t] == (OK if m.status == NO_PATH else m.status)
        assert bool(batch.repaired[t]) == (ref["status"] in (OK, NO_PATH))
        assert batch.max_fill[t] == m.max_fill == ref["max_fill"]
        if ref["max_skew"] is not None:
            assert batch.max_skew[t] == m.max_skew == ref["max_skew"]
        # The logical mesh each wafer reached: the mapping's (but for the no-path
        # trials check() cannot see), the full one or nothing.
        shape = (int(batch.logical_rows[t]), int(batch.logical_cols[t]))
        assert shape == (full if batch.repaired[t] else (0, 0))
        if m.status != NO_PATH:
            assert shape == m.logical_shape
        assert batch.logical_cores[t] == shape[0] * shape[1]
        assert bool(batch.at_least(*full)[t]) == bool(batch.repaired[t])
        assert batch.spares_used[t] == m.spares_used
        if ref["status"] != TOO_MANY_DEAD:
            assert batch.spares_used[t] == ref["spares_used"]


def test_check_through_dead_cores_dedupes_defects():
    spec, scheme = WaferSpec(core_rows=2, core_cols=4), ShiftToSpare(segment_width=4, spares=1)
    # Two defects on core 1 kill one core: repairable; 1 and 2 kill two: not.
    defects = DefectBatch(np.array([0, 2, 4]), np.array([1, 1, 1, 2]))
    b = scheme.check(spec, wafer.dead_cores(defects))
    assert b.status.tolist() == [OK, TOO_MANY_DEAD]
    assert b.max_fill.tolist() == [1, 2]
    assert b.spares_used.tolist() == [1, 1]  # the over-full segment has used its one spare


def test_remap_batch_hand_example():
    spec = WaferSpec(core_rows=2, core_cols=4)
    # No dead core; core 5 (row 1, column 1); cores 0 and 1 (two in one segment).
    b = ShiftToSpare(segment_width=4, spares=1, max_skew=1).check(spec, DefectBatch(np.array([0, 0, 1, 3]), np.array([5, 0, 1])))
    assert isinstance(b, wafer.RemapBatch)
    assert b.status.tolist() == [OK, OK, TOO_MANY_DEAD]
    assert b.repaired.tolist() == [True, True, False]
    assert b.logical_rows.tolist() == [2, 2, 0] and b.logical_cols.tolist() == [3, 3, 0]
    assert b.logical_cores.tolist() == [6, 6, 0]
    assert b.at_least(2, 3).tolist() == [True, True, False]
    assert b.at_least(3, 1).tolist() == [False, False, False]
    assert b.spares_used.tolist() == [0, 1, 1]
    # The scheme's own figures, through ``extra``.
    assert b.max_fill.tolist() == [0, 1, 2] and b.max_skew is b.extra["max_skew"]
    with pytest.raises(AttributeError, match="has no attribute 'max_fil'"):
        b.max_fil  # noqa: B018


def test_status_codes_agree_with_the_library():
    from wafer import shift

    assert (shift.OK, shift.NO_PATH) == (OK, NO_PATH)
    assert set(shift.FAILURES) == {OK, TOO_MANY_DEAD, TOO_MUCH_SKEW, NO_PATH}
    assert ShiftToSpare.FAILURES is shift.FAILURES and ShiftToSpare().FAILURES[OK] == "repaired"


# --------------------------------------------------------------------------
# Long links, harvest and degradation
# --------------------------------------------------------------------------


def dense_long_links(spec: WaferSpec, l2p: np.ndarray) -> list[int]:
    """Physical Manhattan length of each pair of logical neighbours (each pair
    once) more than one hop apart, sorted; plain Python over the dense map."""
    cols = spec.core_cols
    lrows, lcols = l2p.shape
    out = []
    for y in range(lrows):
        for x in range(lcols):
            for dy, dx in ((0, 1), (1, 0)):
                if y + dy < lrows and x + dx < lcols:
                    a, b = int(l2p[y, x]), int(l2p[y + dy, x + dx])
                    d = abs(a // cols - b // cols) + abs(a % cols - b % cols)
                    if d > 1:
                        out.append(d)
    return sorted(out)


@st.composite
def wafers_dead_and_links(draw):
    """(spec, scheme, dead cores, dead mesh links): dead links make the sparse
    search look at links no shift moved."""
    spec, scheme, dead = draw(wafers_and_dead())
    channels = [c for c in range(4 * spec.n_cores)
                if routing.channel_target(np.array([c]), spec.core_rows, spec.core_cols)[0] >= 0]
    links = draw(st.lists(st.sampled_from(channels), unique=True, max_size=3)) if channels else []
    return spec, scheme, dead, links


@settings(max_examples=150)
@given(wafers_dead_and_links())
def test_long_links_equal_the_dense_definition(case):
    spec, scheme, dead, links = case
    m = scheme.mapping(spec, dead, links=links)
    got = m.long_links()
    assert got.dtype == np.int64
    if not m.repaired:
        assert got.size == 0
        return
    want = dense_long_links(spec, m.to_dense())
    assert got.tolist() == want
    # The generic dense version every scheme inherits says the same.
    assert wafer.LogicalMapping.long_links(m).tolist() == want


def test_long_links_hand_example():
    # 3 x 8 wafer, two segments of 4 with 1 spare: the crossing of each row's
    # spare is 2 hops long.
    spec, scheme = WaferSpec(core_rows=3, core_cols=8), ShiftToSpare(segment_width=4, spares=1, max_skew=1)
    assert scheme.mapping(spec, []).long_links().tolist() == [2, 2, 2]
    # Core 9 dead (row 1, column 1): the link across it is 2 hops, row 1's
    # crossing shrinks to 1, and logical columns 1 and 2 of row 1 sit one
    # column right of rows 0 and 2: four vertical links of 2.
    assert scheme.mapping(spec, [9]).long_links().tolist() == [2] * 7
    # A segment past repair: no logical mesh, no links.
    assert scheme.mapping(spec, [0, 1]).long_links().tolist() == []
    # One segment a row, its spare at the row's end: every link is one hop.
    assert ShiftToSpare(segment_width=8, spares=1, max_skew=1).mapping(spec, []).long_links().tolist() == []


def test_harvest_and_degradation_hand_example():
    # 3 x 8 wafer, two segments of 4 with 1 spare each: 18 logical of 24 physical cores.
    spec, scheme = WaferSpec(core_rows=3, core_cols=8), ShiftToSpare(segment_width=4, spares=1, max_skew=1)
    m = scheme.mapping(spec, [9])
    assert m.n_logical == 18
    assert m.harvest == 18 / 23       # logical over live cores
    assert m.degradation == 6 / 24    # (physical - logical) / physical
    ff = scheme.mapping(spec, [])
    assert ff.harvest == 18 / 24 and ff.degradation == 0.25 == scheme.spare_fraction(spec)
    # A dead router kills its core; two dead spares leave the mesh whole.
    assert scheme.mapping(spec, [], routers=[9]).harvest == 18 / 23
    m = scheme.mapping(spec, [3, 7])
    assert m.repaired and m.harvest == 18 / 22 and m.degradation == 0.25
    # Past repair: no logical core, so nothing harvested and everything lost.
    m = scheme.mapping(spec, [0, 1])
    assert (m.n_logical, m.harvest, m.degradation) == (0, 0.0, 1.0)


# --------------------------------------------------------------------------
# Hand-worked cases
# --------------------------------------------------------------------------


def test_shift_hand_example():
    # 3 x 8 wafer, two segments of 4 with 1 spare each: logical 3 x 6.
    spec = WaferSpec(core_rows=3, core_cols=8)
    scheme = ShiftToSpare(segment_width=4, spares=1, max_skew=1)
    m = scheme.mapping(spec, [9])  # row 1, column 1
    assert m.repaired and m.max_fill == 1 and m.max_skew == 1 and m.spares_used == 1
    assert m.logical_shape == (3, 6)
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
    m = scheme.mapping(spec, [11])
    assert m.repaired and m.max_skew == 0 and m.spares_used == 0
    # Column 0 of row 0 and column 3 of row 1: logical column 0..2 displaced by
    # 1 in row 0 and 0 in row 1.
    m = scheme.mapping(spec, [0, 11])
    assert m.max_skew == 1 and m.repaired
    # Two dead in one segment.
    m = scheme.mapping(spec, [0, 1])
    assert m.status == TOO_MANY_DEAD and not m.repaired and m.max_fill == 2
    assert m.failure == "a segment has more dead cores than spares"
    assert m.logical_shape == (0, 0)
    with pytest.raises(wafer.ParameterError, match="repaired"):
        m.metrics()
    with pytest.raises(wafer.ParameterError, match="repaired"):
        m.network()


def test_skew_failure_hand_example():
    # Two spares per segment: row 0 shifts by 2, row 1 not at all.
    spec = WaferSpec(core_rows=2, core_cols=6)
    scheme = ShiftToSpare(segment_width=6, spares=2, max_skew=1)
    m = scheme.mapping(spec, [0, 1])
    assert m.status == TOO_MUCH_SKEW and m.max_skew == 2 and m.logical_shape == (0, 0)
    assert dataclasses.replace(scheme, max_skew=2).mapping(spec, [0, 1]).repaired


def test_no_path_hand_example():
    # One row: a dead router between two logical neighbours cannot be passed.
    scheme = ShiftToSpare(segment_width=4, spares=1)
    spec = WaferSpec(core_rows=1, core_cols=4, router_dies_with_core=True)
    m = scheme.mapping(spec, [1])
    assert m.status == NO_PATH and not m.repaired and m.logical_shape == (0, 0)
    assert "no live path" in m.failure
    # The same wafer whose routers outlive their cores is fine: 2 hops.
    ok = scheme.mapping(WaferSpec(core_rows=1, core_cols=4), [1])
    assert ok.repaired and ok.metrics().max_link_extra_hops == 1.0
    # Two rows: the detour goes round through row 1 (margin 2): 3 extra hops.
    spec2 = WaferSpec(core_rows=2, core_cols=4, router_dies_with_core=True)
    m2 = ShiftToSpare(segment_width=4, spares=1, max_skew=1).mapping(spec2, [1])
    assert m2.repaired
    assert m2.metrics().max_link_extra_hops == 3.0


def test_a_no_path_mapping_has_no_embedding():
    scheme = ShiftToSpare(segment_width=4, spares=1, max_skew=1)
    m = scheme.mapping(WaferSpec(core_rows=1, core_cols=4, router_dies_with_core=True), [1])
    assert m.status == NO_PATH
    assert m.embedding_or_none() is None


def test_mapping_rejects_out_of_range_ids_and_a_scheme_that_does_not_fit():
    spec, scheme = WaferSpec(core_rows=2, core_cols=4), ShiftToSpare(segment_width=4, spares=1, max_skew=1)
    with pytest.raises(wafer.ParameterError, match="dead"):
        ShiftMapping(spec, scheme, [8])
    with pytest.raises(wafer.ParameterError, match="dead"):
        ShiftMapping(spec, scheme, [-1])
    m = ShiftMapping(spec, scheme, [])
    with pytest.raises(wafer.ParameterError, match="logical"):
        m.l2p([6])
    with pytest.raises(wafer.ParameterError, match="physical"):
        m.p2l([8])
    with pytest.raises(wafer.ParameterError, match=r"^segment_width must divide core_cols \(4\), got 3$"):
        ShiftMapping(spec, ShiftToSpare(segment_width=3, spares=1, max_skew=1), [])
    with pytest.raises(wafer.ParameterError, match="^scheme must be a ShiftToSpare, got 'shift-to-spare'$"):
        ShiftMapping(spec, "shift-to-spare", [])


# --------------------------------------------------------------------------
# Fault-free wafers
# --------------------------------------------------------------------------


@settings(max_examples=60)
@given(small_wafers(max_rows=5, max_segments=3))
def test_fault_free_wafer_maps_home(case):
    spec, scheme = case
    m = scheme.mapping(spec, [])
    assert m.repaired and m.max_fill == 0 and m.max_skew == 0 and m.spares_used == 0
    lw, w, spares = logical_width(scheme), scheme.segment_width, scheme.spares
    n_seg = n_segments(spec, scheme)
    lrows, lcols = scheme.logical_shape(spec)
    assert m.logical_shape == (lrows, lcols) == (spec.core_rows, n_seg * lw)
    j = np.arange(lcols)
    home_cols = (j // lw) * w + j % lw
    expected = np.arange(lrows)[:, None] * spec.core_cols + home_cols[None, :]
    assert np.array_equal(m.to_dense(), expected)
    # Each row crosses the spares of its first n_seg - 1 segments.
    assert m.long_links().tolist() == [spares + 1] * (lrows * (n_seg - 1))
    assert m.degradation == pytest.approx(scheme.spare_fraction(spec)) == pytest.approx(spares / w)
    metrics = m.metrics()
    n_directed = 2 * (lrows * (lcols - 1) + lcols * (lrows - 1))
    boundary = 2 * lrows * (n_seg - 1)  # directed links across a run of spares
    assert metrics.mean_link_extra_hops == pytest.approx(boundary * spares / n_directed)
    assert metrics.max_link_extra_hops == (spares if n_seg > 1 else 0)
    if n_seg == 1:
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
    spec = WaferSpec(core_rows=2, core_cols=12)
    metrics = ShiftToSpare(segment_width=4, spares=1).mapping(spec, []).metrics()
    assert metrics.mean_link_extra_hops == pytest.approx(8 / 50)
    assert metrics.max_link_extra_hops == 1.0


# --------------------------------------------------------------------------
# Metrics against the networkx reference
# --------------------------------------------------------------------------


@settings(max_examples=60)
@given(wafers_and_dead(repairable=True, max_rows=4, max_segments=2, max_segment_width=5))
def test_metrics_agree_with_reference(case):
    spec, scheme, dead = case
    m = scheme.mapping(spec, dead)
    assume(m.repaired)
    dense = m.to_dense()
    blocked = np.array(dead, dtype=np.int64) if spec.router_dies_with_core else None
    ref = reference_uniform_metrics(dense, m.physical_shape, blocked, spec.bridge_margin,
                                    dedicated_links(spec, dense))
    assert ref is not None
    got = m.metrics()
    n = m.n_logical
    shape = m.logical_shape
    assert got.gamma_max * n == pytest.approx(ref["max_flows"])
    assert got.saturation == pytest.approx(n / ref["max_flows"])
    assert got.bandwidth_fraction == pytest.approx(routing.uniform_max_flows(*shape) / ref["max_flows"])
    assert got.bandwidth_fraction <= 1.0 + 1e-12
    assert got.mean_link_extra_hops == pytest.approx(ref["mean_link_extra_hops"])
    assert got.max_link_extra_hops == ref["max_link_extra_hops"]
    assert got.mean_route_extra_hops == pytest.approx(ref["mean_route_extra_hops"])
    assert got.max_route_extra_hops == ref["max_route_extra_hops"]
    assert got.mean_route_hops == pytest.approx(routing.uniform_mean_hops(*shape))


# --------------------------------------------------------------------------
# Closed-form repair probability vs Monte Carlo
# --------------------------------------------------------------------------


def _binomial_rate(spec, scheme, mean):
    """Dense plain-Python evaluation of the closed form, for the hand check."""
    q = 1 - math.exp(-mean / spec.n_cores)
    w, sp = scheme.segment_width, scheme.spares
    seg_ok = sum(math.comb(w, k) * q**k * (1 - q) ** (w - k) for k in range(sp + 1))
    return seg_ok ** (spec.core_rows * n_segments(spec, scheme))


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
    spec = WaferSpec(core_rows=rows, core_cols=cols)
    scheme = ShiftToSpare(segment_width=seg_w, spares=spares, max_skew=spares)
    assert scheme.closed_form_leaves_out(spec) == ()
    p = scheme.repair_probability(spec, mean)
    assert p == pytest.approx(_binomial_rate(spec, scheme, mean), rel=1e-12)
    assert 0.05 < p < 0.95  # a point where the test has power
    n = 20_000
    defects = yieldmodels.sample_defects(n, mean, spec.n_cores, seed)
    batch = scheme.check(spec, wafer.dead_cores(defects))
    assert not (batch.status == TOO_MUCH_SKEW).any()  # max_skew >= spares: never binds
    rate = batch.repaired.mean()
    z = 3.2905  # 99.9% two-sided
    assert abs(rate - p) <= z * math.sqrt(p * (1 - p) / n), (rate, p)


def test_repair_probability_edges():
    spec, scheme = WaferSpec(core_rows=4, core_cols=8), ShiftToSpare(segment_width=4, spares=1, max_skew=1)
    assert scheme.repair_probability(spec, 0.0) == 1.0
    # Enormous density: every segment overflows.
    assert scheme.repair_probability(spec, 1e6) == 0.0
    one = ShiftToSpare(spares=1, max_skew=1)
    assert one.repair_probability(WaferSpec(), 46.225) == pytest.approx(0.8912, abs=5e-5)
    # Monotone decreasing in the mean
    ps = [scheme.repair_probability(spec, m) for m in (0.5, 1, 2, 4, 8)]
    assert all(a > b for a, b in zip(ps, ps[1:]))
    for bad in (-1.0, math.nan, math.inf):
        with pytest.raises(routing.ParameterError, match="mean_defects"):
            scheme.repair_probability(spec, bad)
    # Blocks of whole segments have a closed form; blocks that cut segments
    # have none; blocks that do not tile the grid are refused.
    assert 0.0 < scheme.repair_probability(spec, 2.0, alpha=3.0, block=(2, 4)) < 1.0
    assert scheme.repair_probability(spec, 2.0, alpha=3.0, block=(2, 2)) is None
    with pytest.raises(wafer.ParameterError, match=r"block must tile the core grid \(4 x 8\), got 3 x 4"):
        scheme.repair_probability(spec, 2.0, alpha=3.0, block=(3, 4))
    # A scheme that does not fit the wafer has no probability.
    with pytest.raises(wafer.ParameterError, match="segment_width must divide core_cols"):
        ShiftToSpare(segment_width=3, spares=1, max_skew=1).repair_probability(spec, 2.0)


@pytest.mark.parametrize("shape", [0.3, 2.0, 50.0, 1e4])
def test_gamma_expectation_is_the_laplace_transform_of_the_gamma(shape):
    # E[exp(-t G)] for G ~ Gamma(shape, 1 / shape) is (1 + t / shape)^-shape.
    t = 1.7
    assert gamma_expectation(lambda g: math.exp(-t * g), shape) == pytest.approx((1 + t / shape) ** -shape, rel=1e-9)
    assert gamma_expectation(lambda g: 1.0, shape) == pytest.approx(1.0, rel=1e-12)


def test_wafer_wide_gamma_mixing_is_the_gamma_expectation_of_the_poisson_form():
    spec, scheme = WaferSpec(core_rows=10, core_cols=24), ShiftToSpare(segment_width=6, spares=1, max_skew=1)
    mixed = scheme.repair_probability(spec, 6.0, alpha=3.0)
    want = gamma_expectation(lambda g: scheme.repair_probability(spec, 6.0 * g), 3.0)
    assert mixed == pytest.approx(want, rel=1e-9)
    assert 0.0 < mixed < 1.0


def test_checked_batch_names_the_batch():
    spec = WaferSpec(core_rows=2, core_cols=4)
    good = DefectBatch(np.array([0, 2, 2]), np.array([1, 5]))
    assert checked_batch(spec, good) is good
    with pytest.raises(wafer.ParameterError, match=r"^faults.cores must be core ids in \[0, 8\), got 8$"):
        checked_batch(spec, DefectBatch(np.array([0, 1]), np.array([8])), "faults.cores")
    with pytest.raises(wafer.ParameterError, match="^dead must be sorted and distinct within each trial"):
        checked_batch(spec, DefectBatch(np.array([0, 2]), np.array([5, 1])))


def test_closed_form_leaves_out_the_rules_it_does_not_count():
    spec = WaferSpec(core_rows=4, core_cols=8)
    assert ShiftToSpare(segment_width=4, spares=2, max_skew=2).closed_form_leaves_out(spec) == ()
    assert ShiftToSpare(segment_width=4, spares=2, max_skew=1).closed_form_leaves_out(spec) == (
        "the skew rule (max skew 1 < 2 spares)",)
    routers = WaferSpec(core_rows=4, core_cols=8, router_dies_with_core=True)
    assert ShiftToSpare(segment_width=4, spares=3, max_skew=0).closed_form_leaves_out(routers) == (
        "the skew rule (max skew 0 < 3 spares)", "the path rule (routers die with their cores)")


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"core_rows": 0}, "core_rows"),
        ({"core_rows": -3}, "core_rows"),
        ({"core_cols": 0}, "core_cols"),
        ({"core_rows": 2.0}, "core_rows"),
        ({"core_rows": True}, "core_rows"),
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
    base = {"core_rows": 2, "core_cols": 8}
    with pytest.raises(wafer.ParameterError) as info:
        WaferSpec(**{**base, **kwargs})
    msg = str(info.value)
    assert name in msg
    assert "\n" not in msg
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, yieldmodels.ParameterError)
    assert isinstance(info.value, routing.ParameterError)


def test_wafer_spec_no_longer_takes_the_scheme_parameters():
    for name in ("segment_width", "spares_per_segment", "max_skew"):
        with pytest.raises(TypeError, match=name):
            WaferSpec(**{name: 4})


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"segment_width": 4, "spares": 5}, "spares"),
        ({"segment_width": 4, "spares": 4}, "spares"),
        ({"segment_width": 1}, "spares"),  # the default spare leaves no logical core
        ({"segment_width": 0}, "segment_width"),
        ({"segment_width": -2}, "segment_width"),
        ({"segment_width": 4.0}, "segment_width"),
        ({"segment_width": True}, "segment_width"),
        ({"segment_width": 2**63}, "segment_width"),
        ({"spares": -1}, "spares"),
        ({"spares": 1.5}, "spares"),
        ({"spares": None}, "spares"),
        ({"max_skew": -1}, "max_skew"),
        ({"max_skew": 10**30}, "max_skew"),
        ({"max_skew": "1"}, "max_skew"),
    ],
)
def test_shift_to_spare_errors_name_the_parameter(kwargs, name):
    with pytest.raises(wafer.ParameterError) as info:
        ShiftToSpare(**kwargs)
    msg = str(info.value)
    assert msg.startswith(f"{name} must be an integer"), msg
    assert "\n" not in msg


def test_segments_must_tile_the_rows():
    spec = WaferSpec(core_rows=2, core_cols=10)
    scheme = ShiftToSpare(segment_width=4, spares=1, max_skew=1)
    match = r"^segment_width must divide core_cols \(10\), got 4$"
    with pytest.raises(wafer.ParameterError, match=match):
        scheme.validate(spec)
    none = DefectBatch(np.array([0, 0]), np.array([], dtype=np.int64))
    for call in (lambda: scheme.check(spec, none), lambda: scheme.mapping(spec, []),
                 lambda: scheme.networks(spec), lambda: wafer.ShiftedNetworks(spec, scheme),
                 lambda: scheme.repair_probability(spec, 1.0),
                 lambda: wafer.StudyConfig(wafer=spec, scheme=scheme)):
        with pytest.raises(wafer.ParameterError, match=match):
            call()
    ShiftToSpare(segment_width=5, spares=1, max_skew=1).validate(spec)
    ShiftToSpare(segment_width=10, spares=1, max_skew=1).validate(spec)


def test_scheme_needs_two_logical_cores():
    one = WaferSpec(core_rows=1, core_cols=2)
    scheme = ShiftToSpare(segment_width=2, spares=1)
    with pytest.raises(wafer.ParameterError, match="^shift-to-spare must leave at least 2 logical cores") as info:
        scheme.validate(one)
    assert "1 x 2 core grid" in str(info.value) and "1 x 1" in str(info.value)
    with pytest.raises(wafer.ParameterError, match="at least 2 logical cores"):
        scheme.mapping(one, [])
    assert scheme.n_logical(WaferSpec(core_rows=2, core_cols=2)) == 2
    scheme.validate(WaferSpec(core_rows=2, core_cols=2))
    # The wafer itself needs two cores.
    with pytest.raises(wafer.ParameterError, match="at least 2 cores"):
        WaferSpec(core_rows=1, core_cols=1)


def test_wafer_spec_is_frozen_and_default_is_wse3_like():
    w = WaferSpec()
    with pytest.raises(AttributeError):
        w.core_rows = 3  # type: ignore[misc]
    assert {f.name for f in dataclasses.fields(w)} == {
        "wafer_diameter_mm", "die_width_mm", "die_height_mm", "core_rows", "core_cols",
        "diagonal_links", "router_dies_with_core", "bridge_margin"}
    assert w.n_cores == 763 * 1272
    assert w.die_area_mm2 == 215.0 * 215.0
    assert w.core_area_mm2 == pytest.approx(46225 / 970536)
    assert w.wafer_area_mm2 == pytest.approx(math.pi * 150**2)
    s = ShiftToSpare()
    assert (s.segment_width, s.spares, s.max_skew) == (106, 8, 2)
    assert s.logical_shape(w) == (763, 12 * 98)
    assert s.n_logical(w) == 763 * 1176
    assert s.spare_fraction(w) == pytest.approx(8 / 106)
    with pytest.raises(AttributeError):
        s.spares = 2  # type: ignore[misc]
    # A configured scheme is a value: equal parameters, equal schemes.
    assert s == ShiftToSpare(106, 8, 2) and hash(s) == hash(ShiftToSpare()) and s != ShiftToSpare(spares=2)


def test_error_hierarchy():
    assert issubclass(wafer.ParameterError, yieldmodels.ParameterError)
    assert issubclass(wafer.ParameterError, routing.ParameterError)
    assert issubclass(wafer.ParameterError, ValueError)


# --------------------------------------------------------------------------
# The scheme registry
# --------------------------------------------------------------------------


def test_get_scheme_suggests_close_name():
    assert wafer.get_scheme("shift-to-spare") is ShiftToSpare
    assert wafer.SCHEMES == {"shift-to-spare": ShiftToSpare, "spare-lines": wafer.SpareLines, "harvest": wafer.Harvest,
                             "column-rerouting": wafer.ColumnRerouting}
    assert issubclass(ShiftToSpare, wafer.RemapScheme) and ShiftToSpare.name == "shift-to-spare"
    with pytest.raises(wafer.ParameterError) as info:
        wafer.get_scheme("shift-to-spar")
    msg = str(info.value)
    assert "did you mean 'shift-to-spare'" in msg and "scheme" in msg and "'shift-to-spar'" in msg
    with pytest.raises(wafer.ParameterError) as info:
        wafer.get_scheme("zzzz")
    assert "did you mean" not in str(info.value)
    assert "shift-to-spare" in str(info.value)


def test_make_scheme_configures_a_scheme_by_name():
    assert wafer.scheme_parameters("shift-to-spare") == {"segment_width": 106, "spares": 8, "max_skew": 2,
                                                          "axis": "rows", "spare_layout": "end"}
    assert wafer.make_scheme("shift-to-spare") == ShiftToSpare()
    s = wafer.make_scheme("shift-to-spare", segment_width=4, spares=1, max_skew=2)
    assert s == ShiftToSpare(segment_width=4, spares=1, max_skew=2)
    assert s.params() == {"segment_width": 4, "spares": 1, "max_skew": 2, "axis": "rows", "spare_layout": "end"}
    assert s.describe() == "shift-to-spare, 1 spare(s) at the end of each 4-core row segment, max skew 2"
    # The scheme's own checks apply.
    with pytest.raises(wafer.ParameterError, match=r"^spares must be an integer in \[0, 3\], got 4$"):
        wafer.make_scheme("shift-to-spare", segment_width=4, spares=4)
    with pytest.raises(wafer.ParameterError, match="did you mean 'shift-to-spare'"):
        wafer.make_scheme("shift-to-spar", spares=2)
    with pytest.raises(wafer.ParameterError, match="did you mean 'shift-to-spare'"):
        wafer.scheme_parameters("shift-to-spar")


@pytest.mark.parametrize("key, suggestion", [
    ("spare", "'spares' or 'spare_layout'"), ("segment-width", "'segment_width'"), ("skew", "'max_skew'"),
    ("spares_per_segment", None),
])
def test_make_scheme_refuses_an_unknown_parameter_with_a_suggestion(key, suggestion):
    with pytest.raises(wafer.ParameterError) as info:
        wafer.make_scheme("shift-to-spare", **{key: 2})
    msg = str(info.value)
    assert msg.startswith(
        "shift-to-spare parameter must be one of 'segment_width', 'spares', 'max_skew', 'axis', 'spare_layout',"
        f" got '{key}'"), msg
    assert "\n" not in msg
    if suggestion:
        assert msg.endswith(f"(did you mean {suggestion}?)")
    else:
        assert "did you mean" not in msg


def test_removing_a_defect_can_break_a_shift_repair():
    """Shift-to-spare is not monotone in its defects: two dead cores in the same
    column of neighbouring rows shift both rows alike (skew 0); healing one
    leaves a skew of 1, which a fabric bridging 0 columns cannot join."""
    spec = WaferSpec(core_rows=2, core_cols=4)
    scheme = ShiftToSpare(segment_width=4, spares=1, max_skew=0)
    assert scheme.mapping(spec, [1, 5]).repaired
    assert scheme.mapping(spec, [1]).status == TOO_MUCH_SKEW


@settings(max_examples=200)
@given(wafers_and_dead())
def test_removing_a_defect_never_hurts_when_the_skew_rule_cannot_bind(wsd):
    """With max_skew >= spares and live routers only the spare rule decides, and it is monotone."""
    spec, scheme, dead = wsd
    scheme = ShiftToSpare(scheme.segment_width, scheme.spares, max_skew=scheme.spares)
    spec = WaferSpec(core_rows=spec.core_rows, core_cols=spec.core_cols)
    if scheme.mapping(spec, dead).repaired:
        for i in range(len(dead)):
            assert scheme.mapping(spec, dead[:i] + dead[i + 1:]).repaired


@settings(max_examples=300)
@given(wafers_and_dead(repairable=True))
def test_batch_long_links_equal_the_mapping(wsd):
    spec, scheme, dead = wsd
    spec = WaferSpec(core_rows=spec.core_rows, core_cols=spec.core_cols)  # check() has no path rule
    b = scheme.check(spec, DefectBatch(np.array([0, len(dead)]), np.array(dead, dtype=np.int64)))
    m = scheme.mapping(spec, dead)
    if not m.repaired:
        assert (b.long_links[0], b.extra_hops[0], b.longest_link[0]) == (0, 0, 0)
        return
    lengths = m.long_links()
    assert b.long_links[0] == lengths.size
    assert b.extra_hops[0] == int((lengths - 1).sum())
    assert b.longest_link[0] == (int(lengths.max()) if lengths.size else 1)
