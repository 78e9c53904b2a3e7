"""Shift-to-spare variants: interleaved spares and column segments.

The oracle (:func:`reference_layout`) states the rule and nothing else: in each
segment the logical cores take live positions in order, the assignment with
the least total displacement from their nominal positions (ties: the
lexicographically lowest positions), found by trying every choice of live
cores. The compiled kernel (a dynamic programme) must agree with it, with
the fast end-spare kernel where the two overlap, and with itself transposed.
"""

from __future__ import annotations

import dataclasses
import math
from itertools import combinations

import numpy as np
import pytest
import routing
import wafer
import yieldmodels
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from routing.reference import reference_uniform_metrics
from wafer import ShiftLayoutMapping, ShiftToSpare, WaferSpec
from wafer._shift_kernel import _check_batch
from wafer._shift_layout_kernel import _check_layout_batch
from yieldmodels import DefectBatch

OK, TOO_MANY_DEAD, TOO_MUCH_SKEW = 0, 1, 2


def one_trial(dead) -> DefectBatch:
    return DefectBatch(np.array([0, len(dead)]), np.array(sorted(dead), dtype=np.int64))


@st.composite
def variants(draw, max_lines: int = 5, max_segments: int = 3, max_segment_width: int = 7):
    """(spec, scheme, dead cores) for a shift-to-spare variant on a small wafer."""
    seg_w = draw(st.integers(2, max_segment_width))
    spares = draw(st.integers(1, seg_w - 1))
    n_seg = draw(st.integers(1, max_segments))
    lines = draw(st.integers(1, max_lines))
    assume(lines * n_seg * (seg_w - spares) >= 2)
    axis = draw(st.sampled_from(["rows", "cols"]))
    layout = "interleaved" if axis == "rows" else draw(st.sampled_from(["end", "interleaved"]))
    rows, cols = (lines, n_seg * seg_w) if axis == "rows" else (n_seg * seg_w, lines)
    spec = WaferSpec(core_rows=rows, core_cols=cols, diagonal_links=draw(st.booleans()))
    scheme = ShiftToSpare(segment_width=seg_w, spares=spares, max_skew=draw(st.integers(0, 3)), axis=axis,
                          spare_layout=layout)
    if draw(st.booleans()):  # any cores
        dead = draw(st.sets(st.integers(0, spec.n_cores - 1), max_size=min(spec.n_cores, 10)))
    else:  # at most the spares per segment, so the skew rule is exercised
        dead = set()
        for line in range(lines):
            for s in range(n_seg):
                for x in draw(st.sets(st.integers(0, seg_w - 1), max_size=spares)):
                    along = s * seg_w + x
                    dead.add(line * cols + along if axis == "rows" else along * cols + line)
    return spec, scheme, sorted(dead)


def reference_layout(spec: WaferSpec, scheme: ShiftToSpare, dead) -> dict:
    """The variant's outcome by exhaustive search, plain Python (small wafers only)."""
    w, k = scheme.segment_width, scheme.spares
    spare = set(scheme.spare_positions().tolist())
    nominal = [x for x in range(w) if x not in spare]
    lw = len(nominal)
    by_rows = scheme.axis == "rows"
    lines, along = (spec.core_rows, spec.core_cols) if by_rows else (spec.core_cols, spec.core_rows)
    n_seg = along // w
    dead = set(dead)

    def core(line, pos):  # physical id of a position along a line
        return line * spec.core_cols + pos if by_rows else pos * spec.core_cols + line

    fill, used, q = 0, 0, {}
    for line in range(lines):
        for s in range(n_seg):
            local_dead = [x for x in range(w) if core(line, s * w + x) in dead]
            fill = max(fill, len(local_dead))
            live = [x for x in range(w) if x not in local_dead]
            if len(local_dead) > k:
                used += min(sum(1 for x in local_dead if x not in spare), k)
                continue
            best = min(combinations(live, lw), key=lambda c: (sum(abs(a - b) for a, b in zip(c, nominal)), c))
            q[line, s] = list(best)
            used += sum(1 for x in best if x in spare)
    out = {"max_fill": fill}
    if fill > k:
        out.update(status=TOO_MANY_DEAD, spares_used=used)
        return out
    # Logical line-major map in the shift's frame, then in the wafer's orientation.
    frame = np.array([[core(line, s * w + x) for s in range(n_seg) for x in q[line, s]] for line in range(lines)])
    l2p = frame if by_rows else frame.T
    pos = np.array([[s * w + x for s in range(n_seg) for x in q[line, s]] for line in range(lines)])
    skew = int(np.abs(np.diff(pos, axis=0)).max()) if lines > 1 else 0
    out.update(l2p=l2p, max_skew=skew, spares_used=used, status=OK if skew <= scheme.max_skew else TOO_MUCH_SKEW)
    return out


def dense_long_links(spec: WaferSpec, l2p: np.ndarray) -> list[int]:
    cols = spec.core_cols
    out = []
    for a, b in ((l2p[:, :-1], l2p[:, 1:]), (l2p[:-1], l2p[1:])):
        d = np.abs(a // cols - b // cols) + np.abs(a % cols - b % cols)
        out += d[d > 1].tolist()
    return sorted(out)


@settings(max_examples=300)
@given(variants())
def test_variant_agrees_with_the_exhaustive_reference(case):
    spec, scheme, dead = case
    ref = reference_layout(spec, scheme, dead)
    m = scheme.mapping(spec, dead)
    assert isinstance(m, ShiftLayoutMapping)
    b = scheme.check(spec, one_trial(dead))
    assert (m.status, m.max_fill, m.spares_used) == (ref["status"], ref["max_fill"], ref["spares_used"])
    assert (b.status[0], b.max_fill[0], b.spares_used[0]) == (ref["status"], ref["max_fill"], ref["spares_used"])
    if ref["status"] == TOO_MANY_DEAD:
        assert m.logical_shape == (0, 0) and (b.logical_rows[0], b.logical_cols[0]) == (0, 0)
        return
    assert m.max_skew == b.max_skew[0] == ref["max_skew"]
    full = scheme.logical_shape(spec)
    l2p = m.l2p(np.arange(full[0] * full[1])).reshape(full)
    assert l2p.tolist() == ref["l2p"].tolist()
    # p2l inverts l2p, and marks every other core -1.
    p2l = m.p2l(np.arange(spec.n_cores))
    assert (p2l[l2p.ravel()] == np.arange(l2p.size)).all()
    assert (p2l >= 0).sum() == l2p.size and not np.isin(l2p, dead).any()
    if ref["status"] == OK:
        assert m.repaired and m.logical_shape == full == (b.logical_rows[0], b.logical_cols[0])
        lengths = m.long_links()
        assert lengths.tolist() == dense_long_links(spec, l2p)
        assert b.long_links[0] == lengths.size and b.extra_hops[0] == int((lengths - 1).sum())
        assert b.longest_link[0] == (int(lengths.max()) if lengths.size else 1)
    else:
        assert (b.long_links[0], b.extra_hops[0], b.longest_link[0]) == (0, 0, 0)


@settings(max_examples=60)
@given(variants(max_lines=4, max_segments=2, max_segment_width=5))
def test_metrics_agree_with_the_networkx_reference(case):
    spec, scheme, dead = case
    m = scheme.mapping(spec, dead)
    assume(m.repaired)
    dense = m.to_dense()
    lrows, lcols = dense.shape
    cols = spec.core_cols
    # Neighbours across the shift that it moved apart ride the diagonal links.
    own = set()
    if spec.diagonal_links:
        for y in range(lrows):
            for x in range(lcols):
                for port, (dx, dy) in enumerate(((1, 0), (-1, 0), (0, 1), (0, -1))):
                    if not (0 <= x + dx < lcols and 0 <= y + dy < lrows) or (port >= 2) != (scheme.axis == "rows"):
                        continue
                    a, b = dense[y, x], dense[y + dy, x + dx]
                    if abs(a // cols - b // cols) + abs(a % cols - b % cols) > 1:
                        own.add(4 * (y * lcols + x) + port)
    ref = reference_uniform_metrics(dense, m.physical_shape, None, spec.bridge_margin, frozenset(own))
    got = m.metrics()
    assert got.gamma_max * m.n_logical == pytest.approx(ref["max_flows"])
    assert got.bandwidth_fraction == pytest.approx(routing.uniform_max_flows(lrows, lcols) / ref["max_flows"])
    assert got.mean_link_extra_hops == pytest.approx(ref["mean_link_extra_hops"])
    assert got.max_link_extra_hops == ref["max_link_extra_hops"]
    assert got.mean_route_extra_hops == pytest.approx(ref["mean_route_extra_hops"])
    assert got.max_route_extra_hops == ref["max_route_extra_hops"]
    # The network carries a bypass channel for each of them (both ways of each pair).
    net = m.network()
    assert int((net.channel_class == net.link_classes.index("bypass")).sum()) == len(own)


@settings(max_examples=300)
@given(variants())
def test_end_spares_through_the_layout_kernel_equal_the_fast_kernel(case):
    spec, scheme, dead = case
    # The same wafer as row segments with the spares at the end: both kernels apply.
    frame = spec if scheme.axis == "rows" else WaferSpec(core_rows=spec.core_cols, core_cols=spec.core_rows)
    cols = frame.core_cols
    sites = np.array(sorted((d % spec.core_cols) * spec.core_rows + d // spec.core_cols for d in dead)
                     if scheme.axis == "cols" else dead, dtype=np.int64)
    end = dataclasses.replace(scheme, axis="rows", spare_layout="end")
    _, nominal, spare, base = end._layout(frame)
    offsets = np.array([0, sites.size])
    fast = _check_batch(offsets, sites, frame.core_rows, cols, end.segment_width, end.spares, end.max_skew, True)
    general = _check_layout_batch(offsets, sites, frame.core_rows, cols, nominal, spare, end.max_skew, base)
    for f, g in zip(fast, general):
        assert f.tolist() == g.tolist()


@settings(max_examples=200)
@given(variants())
def test_column_segments_are_row_segments_transposed(case):
    spec, scheme, dead = case
    assume(scheme.axis == "cols")
    t_spec = WaferSpec(core_rows=spec.core_cols, core_cols=spec.core_rows)
    t_dead = sorted((d % spec.core_cols) * spec.core_rows + d // spec.core_cols for d in dead)
    t_scheme = dataclasses.replace(scheme, axis="rows")
    b, t = scheme.check(spec, one_trial(dead)), t_scheme.check(t_spec, one_trial(t_dead))
    assert (b.status.tolist(), b.spares_used.tolist()) == (t.status.tolist(), t.spares_used.tolist())
    assert (b.logical_rows.tolist(), b.logical_cols.tolist()) == (t.logical_cols.tolist(), t.logical_rows.tolist())
    for key in b.extra:
        assert b.extra[key].tolist() == t.extra[key].tolist(), key
    assert scheme.logical_shape(spec) == t_scheme.logical_shape(t_spec)[::-1]


@pytest.mark.parametrize("x", range(12))
def test_one_dead_core_moves_its_neighbours_toward_the_nearest_spare(x):
    # Spares of a 12-core segment at 1, 4, 7, 10 (2 i + 1) * 12 / 8; one dead core at x.
    spec = WaferSpec(core_rows=1, core_cols=12)
    scheme = ShiftToSpare(segment_width=12, spares=4, max_skew=0, spare_layout="interleaved")
    spares = scheme.spare_positions().tolist()
    assert spares == [1, 4, 7, 10]
    m = scheme.mapping(spec, [x])
    nominal = [p for p in range(12) if p not in spares]
    moved = sum(1 for a, b in zip(m.to_dense()[0].tolist(), nominal) if a != b)
    nearest = min(abs(x - s) for s in spares)
    assert m.repaired
    # Every core between the dead one and its nearest spare moves one step; nothing else moves.
    assert moved == (nearest if x not in spares else 0)
    assert m.spares_used == (x not in spares)


def test_fault_free_variants_map_to_their_nominal_positions():
    spec = WaferSpec(core_rows=3, core_cols=10)
    scheme = ShiftToSpare(segment_width=5, spares=1, max_skew=1, spare_layout="interleaved")
    assert scheme.spare_positions().tolist() == [2]
    m = scheme.mapping(spec, [])
    assert m.repaired and m.spares_used == 0
    assert m.to_dense().tolist() == [[r * 10 + c for c in (0, 1, 3, 4, 5, 6, 8, 9)] for r in range(3)]
    # Each row jumps its two spares: two links of 2 hops a row; the crossing is adjacent.
    assert m.long_links().tolist() == [2] * 6
    b = scheme.check(spec, one_trial([]))
    assert (b.long_links[0], b.extra_hops[0], b.longest_link[0]) == (6, 6, 2)


def test_interleaving_moves_fewer_cores_and_shortens_the_longest_link():
    # The same 8 spares per 106-core segment, a dead core at the segment's start.
    spec = WaferSpec(core_rows=3, core_cols=106 * 2)
    end, mid = ShiftToSpare(max_skew=8), ShiftToSpare(max_skew=8, spare_layout="interleaved")
    dead = [106 * 2 + 0]  # row 1, column 0
    longest = {s.spare_layout: s.check(spec, one_trial(dead)).longest_link[0] for s in (end, mid)}
    moved = {s.spare_layout: int((s.mapping(spec, dead).to_dense() != s.mapping(spec, []).to_dense()).sum())
             for s in (end, mid)}
    # All 98 logical cores of its segment, or the 6 up to the first spare (at 6).
    assert moved == {"end": 98, "interleaved": 6}
    # End spares: every segment crossing jumps 8 spares (9 hops); interleaved, no link is longer than 2.
    assert longest["end"] == 9 and longest["interleaved"] == 2


def test_variants_refuse_what_they_do_not_model():
    spec = WaferSpec(core_rows=4, core_cols=8)
    mid = ShiftToSpare(segment_width=4, spares=1, spare_layout="interleaved")
    with pytest.raises(wafer.ParameterError, match="routers must be empty for shift-to-spare"):
        mid.mapping(spec, [1], routers=[2])
    with pytest.raises(wafer.ParameterError, match="router_dies_with_core must be false for shift-to-spare"):
        mid.check(WaferSpec(core_rows=4, core_cols=8, router_dies_with_core=True), one_trial([1]))
    with pytest.raises(wafer.ParameterError, match="spares at the end of row segments for the study network model"):
        mid.networks(spec)
    with pytest.raises(wafer.ParameterError, match="segment_width must divide core_rows \\(4\\), got 3"):
        ShiftToSpare(segment_width=3, spares=1, axis="cols").logical_shape(spec)
    with pytest.raises(wafer.ParameterError, match="axis must be one of 'rows', 'cols', got 'diagonal'"):
        ShiftToSpare(axis="diagonal")
    with pytest.raises(wafer.ParameterError, match="spare_layout must be one of 'end', 'interleaved', got 'middle'"):
        ShiftToSpare(spare_layout="middle")
    with pytest.raises(wafer.ParameterError, match="scheme must be a shift-to-spare variant"):
        ShiftLayoutMapping(spec, ShiftToSpare(segment_width=4, spares=1), [])
    assert not mid.has_network_model and ShiftToSpare().has_network_model
    cfg = wafer.StudyConfig(scheme=dataclasses.replace(ShiftToSpare(), axis="cols"),
                            wafer=WaferSpec(core_rows=1272, core_cols=763), chiplet=wafer.ChipletSpec(dies_x=7, dies_y=12))
    assert not cfg.has_network_model and cfg.network_per_wafer is None


def test_describe_names_the_variant():
    assert ShiftToSpare(spare_layout="interleaved", axis="cols").describe() == (
        "shift-to-spare, 8 spare(s) interleaved in each 106-core col segment, max skew 2")


@pytest.mark.parametrize("axis, layout, max_skew", [
    ("rows", "interleaved", 2), ("cols", "interleaved", 2), ("cols", "end", 1), ("rows", "interleaved", 1),
])
def test_closed_form_is_exact_where_the_skew_rule_cannot_bind(axis, layout, max_skew):
    # 1 spare (interleaved: shifts in [-1, 1], so skew up to 2) per 6-core segment.
    rows, cols = (10, 24) if axis == "rows" else (24, 10)
    spec = WaferSpec(core_rows=rows, core_cols=cols)
    scheme = ShiftToSpare(segment_width=6, spares=1, max_skew=max_skew, axis=axis, spare_layout=layout)
    exact = scheme.closed_form_leaves_out(spec) == ()
    assert exact == (max_skew >= (2 if layout == "interleaved" else 1))
    mean, n = 6.0, 20_000
    p = scheme.repair_probability(spec, mean)
    # The same binomial segments as the row, end-spare scheme on the transposed wafer.
    assert p == pytest.approx(ShiftToSpare(segment_width=6, spares=1, max_skew=1).repair_probability(
        WaferSpec(core_rows=10, core_cols=24), mean), rel=1e-12)
    defects = yieldmodels.sample_defects(n, mean, spec.n_cores, 7)
    rate = scheme.check(spec, wafer.dead_cores(defects)).repaired.mean()
    z = 3.2905  # 99.9% two-sided
    if exact:
        assert abs(rate - p) <= z * math.sqrt(p * (1 - p) / n), (rate, p)
    else:
        assert rate <= p + z * math.sqrt(p * (1 - p) / n), (rate, p)
        assert "the skew rule" in scheme.closed_form_leaves_out(spec)[0]


def test_column_closed_form_transposes_the_clustering_block():
    spec = WaferSpec(core_rows=24, core_cols=10)
    cols = ShiftToSpare(segment_width=6, spares=1, max_skew=2, axis="cols")
    rows = ShiftToSpare(segment_width=6, spares=1, max_skew=2)
    t_spec = WaferSpec(core_rows=10, core_cols=24)
    assert cols.repair_probability(spec, 6.0, alpha=2.0, block=(12, 5)) == pytest.approx(
        rows.repair_probability(t_spec, 6.0, alpha=2.0, block=(5, 12)), rel=1e-12)
    assert cols.repair_probability(spec, 6.0, alpha=2.0, block=(8, 5)) is None  # blocks cut the segments
