"""Window-limited shortest paths (numba kernel) against the networkx oracle."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import routing
from routing import ParameterError
from routing.mesh import EAST, NORTH, SOUTH, WEST, channel_target
from routing.reference import reference_link_path


@st.composite
def faulty_meshes(draw, max_side: int = 7, min_live: int = 1):
    """``(rows, cols, blocked)``: a mesh with sides ``1..max_side`` and a
    sorted array of distinct dead routers, leaving at least ``min_live`` alive."""
    rows = draw(st.integers(1, max_side), label="rows")
    cols = draw(st.integers(1, max_side), label="cols")
    n = rows * cols
    assume(n >= min_live)
    # Draw the count first so that dense fault maps are as likely as sparse ones.
    k = draw(st.integers(0, max(0, min(n - min_live, n // 2))), label="n_blocked")
    blocked = draw(st.lists(st.integers(0, n - 1), unique=True, min_size=k, max_size=k), label="blocked")
    return rows, cols, np.array(sorted(blocked), dtype=np.int64)


@st.composite
def path_queries(draw, max_side: int = 7, max_pairs: int = 6):
    """``(rows, cols, blocked, srcs, dsts, margin)``: live router pairs on a faulty mesh."""
    rows, cols, blocked = draw(faulty_meshes(max_side=max_side))
    live = sorted(set(range(rows * cols)) - set(blocked.tolist()))
    k = draw(st.integers(1, max_pairs), label="pairs")
    srcs = draw(st.lists(st.sampled_from(live), min_size=k, max_size=k), label="srcs")
    dsts = draw(st.lists(st.sampled_from(live), min_size=k, max_size=k), label="dsts")
    margin = draw(st.integers(0, 3), label="margin")
    return rows, cols, blocked, np.array(srcs, dtype=np.int64), np.array(dsts, dtype=np.int64), margin


def window_of(rows, cols, src, dst, margin):
    sy, sx = divmod(int(src), cols)
    ty, tx = divmod(int(dst), cols)
    return (max(min(sx, tx) - margin, 0), min(max(sx, tx) + margin, cols - 1),
            max(min(sy, ty) - margin, 0), min(max(sy, ty) + margin, rows - 1))


def window_subgraph(g, rows, cols, src, dst, margin):
    x0, x1, y0, y1 = window_of(rows, cols, src, dst, margin)
    return g.subgraph(n for n in g.nodes if x0 <= n % cols <= x1 and y0 <= n // cols <= y1)


@given(path_queries())
@settings(max_examples=60)
def test_window_paths_are_valid_shortest_and_canonical(query):
    rows, cols, blocked, srcs, dsts, margin = query
    ps = routing.window_paths(rows, cols, srcs, dsts, blocked, margin)
    assert len(ps) == srcs.size
    assert ps.offsets.dtype == np.int64 and ps.channels.dtype == np.int64
    assert ps.offsets[0] == 0 and ps.offsets[-1] == ps.channels.size
    assert (np.diff(ps.offsets) >= 0).all()
    dead = set(blocked.tolist())
    g = routing.mesh_graph(rows, cols, blocked)
    for i, (s, d) in enumerate(zip(srcs.tolist(), dsts.tolist())):
        path = ps.path(i)
        x0, x1, y0, y1 = window_of(rows, cols, s, d, margin)
        window = window_subgraph(g, rows, cols, s, d, margin)
        try:
            nx_len = nx.shortest_path_length(window, s, d)
        except nx.NetworkXNoPath:
            nx_len = None
        # (b) found exactly when networkx finds a path in the window.
        assert bool(ps.found[i]) == (nx_len is not None)
        if nx_len is None:
            assert path.size == 0
            assert reference_link_path(g, cols, s, d, margin) is None
            continue
        # (a) contiguous, from s to d, through live routers inside the window.
        node = s
        for c in path.tolist():
            assert c // 4 == node
            nxt = int(channel_target(np.array([c]), rows, cols)[0])
            assert nxt >= 0
            assert nxt not in dead
            assert x0 <= nxt % cols <= x1 and y0 <= nxt // cols <= y1
            assert g.has_edge(node, nxt) and g.edges[node, nxt]["channel"] == c
            node = nxt
        assert node == d
        # (b) shortest.
        assert ps.hops[i] == nx_len == path.size
        # (c) the canonical (lexicographic E < W < S < N) shortest path.
        assert path.tolist() == reference_link_path(g, cols, s, d, margin)


@st.composite
def detour_queries(draw, max_side: int = 7):
    """``(rows, cols, blocked, src, dst, margin)``: a pair on one row (or column)
    with a dead router between them, so the path must leave the straight run,
    plus random other dead routers."""
    rows = draw(st.integers(2, max_side), label="rows")
    cols = draw(st.integers(3, max_side), label="cols")
    y = draw(st.integers(0, rows - 1), label="row")
    sx = draw(st.integers(0, cols - 3), label="sx")
    tx = draw(st.integers(sx + 2, cols - 1), label="tx")
    between = [x + cols * y for x in range(sx + 1, tx)]
    cut = draw(st.lists(st.sampled_from(between), min_size=1, unique=True), label="cut")
    others = draw(st.lists(st.integers(0, rows * cols - 1), max_size=rows * cols // 3), label="others")
    src, dst = sx + cols * y, tx + cols * y
    if draw(st.booleans(), label="reverse"):
        src, dst = dst, src
    blocked = sorted((set(cut) | set(others)) - {src, dst})
    margin = draw(st.integers(0, 3), label="margin")
    if draw(st.booleans(), label="transpose"):
        # The same situation along a column: transpose every router id.
        def t(n, rows=rows, cols=cols):
            return (n % cols) * rows + n // cols

        blocked = sorted(t(b) for b in blocked)
        src, dst = t(src), t(dst)
        rows, cols = cols, rows
    return rows, cols, np.array(blocked, dtype=np.int64), src, dst, margin


@given(detour_queries())
@settings(max_examples=60)
def test_window_paths_detours_equal_the_reference(query):
    rows, cols, blocked, src, dst, margin = query
    g = routing.mesh_graph(rows, cols, blocked)
    ps = routing.window_paths(rows, cols, np.array([src]), np.array([dst]), blocked, margin)
    ref = reference_link_path(g, cols, src, dst, margin)
    assert bool(ps.found[0]) == (ref is not None)
    if ref is not None:
        assert ps.path(0).tolist() == ref
        manhattan = abs(src % cols - dst % cols) + abs(src // cols - dst // cols)
        assert ps.hops[0] >= manhattan + 2  # a detour round a cut costs two hops at least


@given(path_queries(max_side=5, max_pairs=3))
@settings(max_examples=40)
def test_window_paths_of_a_batch_equal_the_paths_one_by_one(query):
    rows, cols, blocked, srcs, dsts, margin = query
    batch = routing.window_paths(rows, cols, srcs, dsts, blocked, margin)
    for i in range(srcs.size):
        one = routing.window_paths(rows, cols, srcs[i:i + 1], dsts[i:i + 1], blocked, margin)
        assert one.found[0] == batch.found[i]
        assert one.path(0).tolist() == batch.path(i).tolist()


@given(faulty_meshes(), st.data())
@settings(max_examples=40)
def test_window_paths_without_faults_are_manhattan_and_grow_with_margin(mesh, data):
    rows, cols, _ = mesh
    n = rows * cols
    s = data.draw(st.integers(0, n - 1), label="src")
    d = data.draw(st.integers(0, n - 1), label="dst")
    ps = routing.window_paths(rows, cols, np.array([s]), np.array([d]), margin=0)
    sy, sx = divmod(s, cols)
    dy, dx = divmod(d, cols)
    assert ps.found[0]
    assert ps.hops[0] == abs(sx - dx) + abs(sy - dy)
    # E < W < S < N tie-break with no faults: all x moves first, i.e. the XY route.
    assert ps.path(0).tolist() == routing.xy_route(s, d, rows, cols)


@given(faulty_meshes(max_side=6), st.data())
@settings(max_examples=40)
def test_larger_margin_never_gives_a_longer_path(mesh, data):
    rows, cols, blocked = mesh
    live = sorted(set(range(rows * cols)) - set(blocked.tolist()))
    s = data.draw(st.sampled_from(live), label="src")
    d = data.draw(st.sampled_from(live), label="dst")
    prev_found, prev_hops = False, None
    for margin in range(4):
        ps = routing.window_paths(rows, cols, np.array([s]), np.array([d]), blocked, margin)
        if prev_found:
            assert ps.found[0]
            assert ps.hops[0] <= prev_hops
        prev_found, prev_hops = bool(ps.found[0]), int(ps.hops[0])


def test_window_paths_hand_examples():
    # 3 x 3, centre dead: 3 -> 5 must go round; with margin 1 both the top
    # and the bottom detour are shortest, and S < N picks the bottom one.
    ps = routing.window_paths(3, 3, np.array([3]), np.array([5]), blocked=np.array([4]), margin=1)
    assert ps.found.tolist() == [True]
    assert ps.path(0).tolist() == [4 * 3 + SOUTH, 4 * 6 + EAST, 4 * 7 + EAST, 4 * 8 + NORTH]
    # Margin 0: the window is the middle row only, no path.
    ps = routing.window_paths(3, 3, np.array([3]), np.array([5]), blocked=np.array([4]), margin=0)
    assert ps.found.tolist() == [False]
    assert ps.hops.tolist() == [0]
    # Straight run, and self pair.
    ps = routing.window_paths(3, 3, np.array([5, 4]), np.array([3, 4]))
    assert ps.path(0).tolist() == [4 * 5 + WEST, 4 * 4 + WEST]
    assert ps.path(1).tolist() == [] and ps.found.tolist() == [True, True]
    # Empty batch.
    ps = routing.window_paths(3, 3, np.array([], dtype=np.int64), np.array([], dtype=np.int64))
    assert len(ps) == 0 and ps.channels.size == 0


def test_window_paths_mixed_found_and_not_found_keeps_csr_aligned():
    # 1 x 3 with the middle dead: 0 -> 2 has no path; others do.
    ps = routing.window_paths(1, 3, np.array([0, 0, 2]), np.array([0, 2, 2]), blocked=np.array([1]))
    assert ps.found.tolist() == [True, False, True]
    assert ps.offsets.tolist() == [0, 0, 0, 0]
    ps = routing.window_paths(2, 3, np.array([0, 0, 5]), np.array([2, 5, 3]), blocked=np.array([1]), margin=1)
    assert ps.found.tolist() == [True, True, True]
    assert ps.path(0).tolist() == [4 * 0 + SOUTH, 4 * 3 + EAST, 4 * 4 + EAST, 4 * 5 + NORTH]
    assert ps.path(1).tolist() == [4 * 0 + SOUTH, 4 * 3 + EAST, 4 * 4 + EAST]
    assert ps.path(2).tolist() == [4 * 5 + WEST, 4 * 4 + WEST]


# --------------------------------------------------------------------------
# Errors


def test_mismatched_shapes_raise():
    with pytest.raises(ParameterError, match="srcs and dsts"):
        routing.window_paths(3, 3, np.array([0, 1]), np.array([2]))
    with pytest.raises(ParameterError, match="srcs and dsts"):
        routing.window_paths(3, 3, np.array([[0, 1]]), np.array([[2, 3]]))
    with pytest.raises(ParameterError, match="srcs and dsts"):
        routing.window_paths(3, 3, np.array([0, 1]), np.array([[2, 3]]))
    # Scalars are promoted to one pair (np.ascontiguousarray gives 1-D).
    assert routing.window_paths(3, 3, np.int64(0), np.int64(2)).hops.tolist() == [2]


@pytest.mark.parametrize("srcs,dsts,name", [
    ([9], [0], "srcs"), ([-1], [0], "srcs"), ([0], [9], "dsts"), ([0], [-3], "dsts"),
    ([0, 1], [2, 100], "dsts"),
])
def test_out_of_range_ids_raise(srcs, dsts, name):
    with pytest.raises(ParameterError, match=name):
        routing.window_paths(3, 3, np.array(srcs), np.array(dsts))


@pytest.mark.parametrize("srcs,dsts", [([4], [0]), ([0], [4]), ([0, 4], [1, 2])])
def test_blocked_endpoint_raises(srcs, dsts):
    with pytest.raises(ParameterError, match="live"):
        routing.window_paths(3, 3, np.array(srcs), np.array(dsts), blocked=np.array([4]))


@pytest.mark.parametrize("kwargs,name", [
    ({"rows": 0}, "rows"), ({"cols": -1}, "cols"), ({"rows": 2.5}, "rows"),
    ({"cols": True}, "cols"), ({"margin": -1}, "margin"), ({"margin": 1.5}, "margin"),
])
def test_bad_counts_raise_naming_the_parameter(kwargs, name):
    args = {"rows": 3, "cols": 3, "margin": 2}
    args.update(kwargs)
    with pytest.raises(ParameterError, match=name):
        routing.window_paths(args["rows"], args["cols"], np.array([0]), np.array([1]), margin=args["margin"])


def test_mesh_graph_matches_channel_target():
    rows, cols, blocked = 3, 4, np.array([5])
    g = routing.mesh_graph(rows, cols, blocked)
    assert 5 not in g
    for a, b, data in g.edges(data=True):
        assert data["channel"] == 4 * a + data["port"]
        assert channel_target(np.array([data["channel"]]), rows, cols)[0] == b
    # 3 x 4 mesh: 2 * (3 * 3 + 4 * 2) = 34 directed channels, minus 2 * 4 at node 5.
    assert g.number_of_edges() == 34 - 8
