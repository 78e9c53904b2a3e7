"""Uniform metrics of embedded logical meshes against the networkx reference.

The fast path (:func:`routing.embed_dense` + :func:`routing.embedded_uniform_metrics`)
counts only the listed (irregular) links; the reference
(:func:`routing.reference_uniform_metrics`) routes every one of the ``N * N``
uniform flows through every physical channel.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import routing
from routing import Embedding, ParameterError, PathSet
from routing._embedding_kernel import _shared_channel_max
from routing.mesh import channel_target
from routing.reference import reference_uniform_metrics

# --------------------------------------------------------------------------
# Strategies


@st.composite
def row_monotone_embeddings(draw, max_side: int = 6):
    """``(l2p, (prows, pcols), blocked, margin)``: a logical mesh placed on a
    physical mesh as a remap would place it.

    Logical row ``r`` sits on physical row ``prow[r]`` (increasing in ``r``);
    within it, logical columns sit on increasing physical columns chosen per
    row. Some physical routers the map does not use may be dead.
    """
    prows = draw(st.integers(2, max_side), label="prows")
    pcols = draw(st.integers(2, max_side), label="pcols")
    lrows = draw(st.integers(1, prows), label="lrows")
    lcols = draw(st.integers(1 if lrows > 1 else 2, pcols), label="lcols")
    prow = sorted(draw(st.lists(st.integers(0, prows - 1), min_size=lrows, max_size=lrows,
                                unique=True), label="physical rows"))
    l2p = np.empty((lrows, lcols), dtype=np.int64)
    for r in range(lrows):
        pcol = sorted(draw(st.lists(st.integers(0, pcols - 1), min_size=lcols, max_size=lcols,
                                    unique=True), label=f"physical cols of row {r}"))
        l2p[r] = np.array(pcol) + pcols * prow[r]
    unused = sorted(set(range(prows * pcols)) - set(l2p.ravel().tolist()))
    # Draw the count first so that many dead routers are as likely as few.
    k = draw(st.integers(0, len(unused)), label="n_blocked")
    blocked = draw(st.lists(st.sampled_from(unused), unique=True, min_size=k, max_size=k)
                   if k else st.just([]), label="blocked")
    margin = draw(st.integers(0, 3), label="margin")
    return l2p, (prows, pcols), np.array(sorted(blocked), dtype=np.int64), margin


@st.composite
def listed_links_with_hops(draw, max_side: int = 7):
    """``((lrows, lcols), links, hops)``: distinct logical links of a mesh with
    an arbitrary physical hop count (1..6) each, for the route-extra kernel."""
    lrows = draw(st.integers(1, max_side), label="lrows")
    lcols = draw(st.integers(1 if lrows > 1 else 2, max_side), label="lcols")
    ports = np.arange(4 * lrows * lcols)
    valid = ports[channel_target(ports, lrows, lcols) >= 0]
    # Often only some directions carry extras (e.g. west only): the kernel
    # treats rows and columns without extras specially.
    directions = draw(st.sets(st.integers(0, 3), min_size=1), label="directions")
    valid = valid[np.isin(valid % 4, sorted(directions))].tolist()
    links = draw(st.lists(st.sampled_from(valid), unique=True) if valid else st.just([]), label="links")
    hops = draw(st.lists(st.integers(1, 6), min_size=len(links), max_size=len(links)), label="hops")
    return (lrows, lcols), np.array(links, dtype=np.int64), np.array(hops, dtype=np.int64)


# --------------------------------------------------------------------------
# Helpers


def subset_paths(paths: PathSet, keep: np.ndarray) -> PathSet:
    """The paths at the True positions of ``keep``, as a new PathSet."""
    chunks = [paths.path(i) for i in np.flatnonzero(keep)]
    offsets = np.concatenate([[0], np.cumsum([c.size for c in chunks])]).astype(np.int64)
    channels = np.concatenate(chunks).astype(np.int64) if chunks else np.empty(0, np.int64)
    return PathSet(offsets, channels, paths.found[keep].copy())


def assert_metrics_match(m, ref, n, base_max):
    assert round(m.gamma_max * n) == ref["max_flows"]
    assert m.gamma_max * n == pytest.approx(ref["max_flows"], rel=1e-12)
    assert m.saturation == pytest.approx(n / ref["max_flows"], rel=1e-12)
    assert m.bandwidth_fraction == pytest.approx(base_max / ref["max_flows"], rel=1e-12)
    assert m.mean_link_extra_hops == pytest.approx(ref["mean_link_extra_hops"], rel=1e-12, abs=1e-12)
    assert m.max_link_extra_hops == ref["max_link_extra_hops"]
    assert m.mean_route_extra_hops == pytest.approx(ref["mean_route_extra_hops"], rel=1e-12, abs=1e-12)
    assert m.max_route_extra_hops == ref["max_route_extra_hops"]


def brute_route_extras(lrows, lcols, extra_of_link: dict) -> list[int]:
    n = lrows * lcols
    return [sum(extra_of_link.get(c, 0) for c in routing.xy_route(s, d, lrows, lcols))
            for s in range(n) for d in range(n)]


# --------------------------------------------------------------------------
# Fast path == reference on random row-monotone embeddings


@given(row_monotone_embeddings())
@settings(max_examples=100)
def test_embedded_metrics_equal_reference(case):
    l2p, pshape, blocked, margin = case
    lrows, lcols = l2p.shape
    n = l2p.size
    ref = reference_uniform_metrics(l2p, pshape, blocked, margin)
    try:
        emb = routing.embed_dense(l2p, pshape, blocked, margin)
    except ParameterError as exc:
        assert "no physical path" in str(exc)
        # The reference agrees that some logical link has no path.
        assert ref is None
        assume(False)
    assert ref is not None
    base_max = routing.uniform_max_flows(lrows, lcols)
    m = routing.embedded_uniform_metrics(l2p.shape, pshape, *emb)
    assert_metrics_match(m, ref, n, base_max)
    assert m.mean_route_hops == pytest.approx(routing.uniform_mean_hops(lrows, lcols))

    # Per channel: the kernel's shared maximum is exactly the largest
    # reference load over the channels that listed paths use ...
    on_listed = set(emb.paths.channels.tolist())
    ref_listed_max = max((ref["channel_flows"].get(c, 0) for c in on_listed), default=0)
    flows = routing.uniform_flows(emb.links, lrows, lcols)
    shared = _shared_channel_max(lrows, lcols, pshape[1], np.sort(emb.links), flows,
                                 emb.paths.offsets, emb.paths.channels, emb.p2l_nodes, emb.p2l_logical)
    assert shared == ref_listed_max
    # ... and every other channel carries at most the fault-free maximum
    # (a single one-hop logical link), which is what the fast path relies on.
    for c, f in ref["channel_flows"].items():
        if c not in on_listed:
            assert f <= base_max
    assert ref["max_flows"] == max(base_max, ref_listed_max)


@given(row_monotone_embeddings())
@settings(max_examples=30)
def test_embedded_metrics_with_sparse_p2l_equal_dense_p2l(case):
    """The fast path needs logical ids only on the listed paths' channel ends."""
    l2p, pshape, blocked, margin = case
    try:
        emb = routing.embed_dense(l2p, pshape, blocked, margin)
    except ParameterError:
        assume(False)
    dense = routing.embedded_uniform_metrics(l2p.shape, pshape, *emb)
    ends = emb.paths.channels // 4
    targets = channel_target(emb.paths.channels, *pshape)
    nodes = np.unique(np.concatenate([ends, targets])).astype(np.int64)
    sparse = routing.embedded_uniform_metrics(l2p.shape, pshape, emb.links, emb.paths,
                                              nodes, emb.p2l_logical[nodes])
    assert sparse == dense


@given(row_monotone_embeddings())
@settings(max_examples=30)
def test_vertical_links_as_dedicated_equal_reference(case):
    """Unlisted links whose ends are not mesh neighbours ride dedicated links."""
    l2p, pshape, blocked, margin = case
    lrows, lcols = l2p.shape
    try:
        emb = routing.embed_dense(l2p, pshape, blocked, margin)
    except ParameterError:
        assume(False)
    vertical = emb.links % 4 >= 2
    dropped = emb.links[vertical]
    # In a row-monotone map a listed vertical link never joins mesh neighbours.
    src = l2p.ravel()[dropped // 4]
    dst = l2p.ravel()[channel_target(dropped, lrows, lcols)]
    pcols = pshape[1]
    assert (np.abs(src % pcols - dst % pcols) + np.abs(src // pcols - dst // pcols) > 1).all()
    m = routing.embedded_uniform_metrics(
        l2p.shape, pshape, emb.links[~vertical], subset_paths(emb.paths, ~vertical),
        emb.p2l_nodes, emb.p2l_logical,
    )
    ref = reference_uniform_metrics(l2p, pshape, blocked, margin,
                                    dedicated=frozenset(dropped.tolist()))
    assert ref is not None
    assert_metrics_match(m, ref, l2p.size, routing.uniform_max_flows(lrows, lcols))
    for d in dropped.tolist():
        assert ref["channel_flows"][("dedicated", d)] == routing.uniform_flows(np.array([d]), lrows, lcols)[0]


def test_dedicated_vertical_links_by_hand():
    # Physical 4 x 4, nothing dead. Logical 2 x 3: row 0 on physical row 0
    # columns 0, 1, 3; row 1 on physical row 3 columns 0, 2, 3.
    l2p = np.array([[0, 1, 3], [12, 14, 15]])
    pshape = (4, 4)
    emb = routing.embed_dense(l2p, pshape, margin=1)
    vertical = emb.links % 4 >= 2
    # Every vertical logical link spans 3 physical rows; 1 -> 2 and 12 -> 14
    # (and back) skip a column.
    assert sorted(emb.links[~vertical].tolist()) == [4 * 1 + 0, 4 * 2 + 1, 4 * 3 + 0, 4 * 4 + 1]
    assert vertical.sum() == 6
    full = routing.embedded_uniform_metrics(l2p.shape, pshape, *emb)
    ref_full = reference_uniform_metrics(l2p, pshape, None, 1)
    assert_metrics_match(full, ref_full, 6, routing.uniform_max_flows(2, 3))
    dedicated = frozenset(emb.links[vertical].tolist())
    m = routing.embedded_uniform_metrics(l2p.shape, pshape, emb.links[~vertical],
                                         subset_paths(emb.paths, ~vertical),
                                         emb.p2l_nodes, emb.p2l_logical)
    ref = reference_uniform_metrics(l2p, pshape, None, 1, dedicated=dedicated)
    assert_metrics_match(m, ref, 6, routing.uniform_max_flows(2, 3))
    # Hand values: 4 listed links of 2 hops among 14 directed links.
    assert m.max_link_extra_hops == 1.0
    assert m.mean_link_extra_hops == pytest.approx(4 / 14)
    # Route 0 -> 5 (E, E, S at column 2) crosses 1 -> 2: one extra hop;
    # no XY route uses both an extra east link and an extra west link.
    assert m.max_route_extra_hops == 1.0
    # The dedicated links remove the 2-hop vertical paths, so routes get shorter.
    assert m.mean_route_extra_hops < full.mean_route_extra_hops


# --------------------------------------------------------------------------
# The route-extra kernel on arbitrary listed links


@given(listed_links_with_hops())
@settings(max_examples=100)
def test_route_extras_equal_brute_force_for_arbitrary_listed_links(case):
    (lrows, lcols), links, hops = case
    # Dummy physical channels, distinct, on no known node: only hop counts matter.
    offsets = np.concatenate([[0], np.cumsum(hops)]).astype(np.int64)
    channels = 4 * (10_000 + np.arange(offsets[-1], dtype=np.int64))
    paths = PathSet(offsets, channels, np.ones(links.size, dtype=bool))
    m = routing.embedded_uniform_metrics((lrows, lcols), (200, 200), links, paths,
                                         np.empty(0, np.int64), np.empty(0, np.int64))
    extra = {int(c): int(h) - 1 for c, h in zip(links, hops)}
    routes = brute_route_extras(lrows, lcols, extra)
    n = lrows * lcols
    n_links = 2 * (lrows * (lcols - 1) + lcols * (lrows - 1))
    assert m.max_route_extra_hops == max(routes)
    assert m.mean_route_extra_hops == pytest.approx(np.mean(routes), rel=1e-12, abs=1e-12)
    assert m.max_link_extra_hops == max(extra.values(), default=0)
    assert m.mean_link_extra_hops == pytest.approx(sum(extra.values()) / n_links, abs=1e-12)
    # Distinct channels: each carries one logical link, so the bottleneck is unchanged.
    assert m.gamma_max == pytest.approx(routing.uniform_max_flows(lrows, lcols) / n)
    assert m.bandwidth_fraction == pytest.approx(1.0)


@pytest.mark.parametrize("port", [0, 1, 2, 3])
def test_route_extras_of_one_direction_only(port):
    # 3 x 4 logical mesh; every link of one direction takes 3 hops. The worst
    # route runs the full length of a row (3 links) or a column (2 links).
    lrows, lcols = 3, 4
    ports = np.arange(4 * lrows * lcols)
    links = ports[(channel_target(ports, lrows, lcols) >= 0) & (ports % 4 == port)]
    offsets = 3 * np.arange(links.size + 1, dtype=np.int64)
    paths = PathSet(offsets, 4 * (10_000 + np.arange(offsets[-1], dtype=np.int64)),
                    np.ones(links.size, dtype=bool))
    m = routing.embedded_uniform_metrics((lrows, lcols), (200, 200), links, paths,
                                         np.empty(0, np.int64), np.empty(0, np.int64))
    assert m.max_route_extra_hops == 2 * (3 if port < 2 else 2)
    routes = brute_route_extras(lrows, lcols, dict.fromkeys(links.tolist(), 2))
    assert m.mean_route_extra_hops == pytest.approx(np.mean(routes))


def test_shared_channel_sums_flows_of_every_link_on_it():
    # Logical 1 x 3 on physical 1 x 5 (0, 2, 4): the four links each take two
    # hops on channels of their own, each carrying its link's 2 flows.
    l2p = np.array([[0, 2, 4]])
    emb = routing.embed_dense(l2p, (1, 5))
    m = routing.embedded_uniform_metrics((1, 3), (1, 5), *emb)
    ref = reference_uniform_metrics(l2p, (1, 5))
    assert_metrics_match(m, ref, 3, 2)
    assert m.mean_route_extra_hops == pytest.approx(8 / 9)  # 8 link hops over 9 flows
    assert m.max_route_extra_hops == 2.0


def test_shared_channel_load_exceeds_fault_free_maximum():
    # Logical 2 x 2 on physical rows 0 and 2 of a 3 x 2 mesh with (1, 1) dead:
    # the vertical links of logical column 1 detour through column 0's
    # channels, which then carry two logical links each.
    l2p = np.array([[0, 1], [4, 5]])
    blocked = np.array([3])
    emb = routing.embed_dense(l2p, (3, 2), blocked, margin=1)
    m = routing.embedded_uniform_metrics((2, 2), (3, 2), *emb)
    ref = reference_uniform_metrics(l2p, (3, 2), blocked, 1)
    assert_metrics_match(m, ref, 4, routing.uniform_max_flows(2, 2))
    # Channel 0 -> 2 (S at node 0) carries the S link of column 0 (2 flows)
    # and the detoured S link of column 1 (2 flows).
    assert ref["max_flows"] == 4
    assert m.bandwidth_fraction == pytest.approx(0.5)


# --------------------------------------------------------------------------
# Identity embedding


@pytest.mark.parametrize("shape", [(1, 2), (2, 1), (2, 2), (3, 5), (4, 4), (6, 3)])
def test_identity_embedding_lists_nothing_and_is_fault_free(shape):
    rows, cols = shape
    l2p = np.arange(rows * cols).reshape(shape)
    emb = routing.embed_dense(l2p, shape)
    assert emb.links.size == 0 and len(emb.paths) == 0
    m = routing.embedded_uniform_metrics(shape, shape, *emb)
    assert m.bandwidth_fraction == 1.0
    assert m.mean_link_extra_hops == m.max_link_extra_hops == 0.0
    assert m.mean_route_extra_hops == m.max_route_extra_hops == 0.0
    assert m.gamma_max == routing.uniform_max_flows(rows, cols) / (rows * cols)
    assert m.saturation == pytest.approx(routing.uniform_saturation(rows, cols))
    assert m.mean_route_hops == pytest.approx(routing.uniform_mean_hops(rows, cols))
    ref = reference_uniform_metrics(l2p, shape)
    assert_metrics_match(m, ref, rows * cols, routing.uniform_max_flows(rows, cols))


# --------------------------------------------------------------------------
# Errors


def test_embed_dense_rejects_bad_maps():
    with pytest.raises(ParameterError, match="l2p"):
        routing.embed_dense(np.array([0, 1]), (2, 2))
    with pytest.raises(ParameterError, match="l2p"):
        routing.embed_dense(np.empty((0, 2), dtype=np.int64), (2, 2))
    with pytest.raises(ParameterError, match="l2p"):
        routing.embed_dense(np.array([[0, 0]]), (2, 2))
    with pytest.raises(ParameterError, match="l2p"):
        routing.embed_dense(np.array([[0, 4]]), (2, 2))
    with pytest.raises(ParameterError, match="l2p"):
        routing.embed_dense(np.array([[-1, 0]]), (2, 2))
    with pytest.raises(ParameterError, match="physical rows"):
        routing.embed_dense(np.array([[0, 1]]), (0, 2))
    with pytest.raises(ParameterError, match="physical cols"):
        routing.embed_dense(np.array([[0, 1]]), (2, 1.5))
    # 1 x 3 with the middle dead: 0 and 2 cannot reach each other.
    with pytest.raises(ParameterError, match="no physical path"):
        routing.embed_dense(np.array([[0, 2]]), (1, 3), blocked=np.array([1]))
    # A detour exists only with a margin.
    with pytest.raises(ParameterError, match="no physical path"):
        routing.embed_dense(np.array([[0, 2]]), (2, 3), blocked=np.array([1]), margin=0)
    assert routing.embed_dense(np.array([[0, 2]]), (2, 3), blocked=np.array([1]), margin=1).paths.hops.tolist() == [4, 4]


def test_embedded_uniform_metrics_rejects_bad_input():
    emb = routing.embed_dense(np.array([[0, 2]]), (1, 3))
    args = ((1, 2), (1, 3), emb.links, emb.paths, emb.p2l_nodes, emb.p2l_logical)
    routing.embedded_uniform_metrics(*args)  # valid
    with pytest.raises(ParameterError, match="logical rows"):
        routing.embedded_uniform_metrics((0, 2), *args[1:])
    with pytest.raises(ParameterError, match="logical cols"):
        routing.embedded_uniform_metrics((1, True), *args[1:])
    with pytest.raises(ParameterError, match="physical cols"):
        routing.embedded_uniform_metrics((1, 2), (1, -3), *args[2:])
    with pytest.raises(ParameterError, match="at least 2 nodes"):
        routing.embedded_uniform_metrics((1, 1), *args[1:])
    with pytest.raises(ParameterError, match="one path per link"):
        routing.embedded_uniform_metrics((1, 2), (1, 3), emb.links[:1], *args[3:])
    with pytest.raises(ParameterError, match="distinct"):
        routing.embedded_uniform_metrics((1, 2), (1, 3), np.array([0, 0]), *args[3:])
    lost = PathSet(emb.paths.offsets, emb.paths.channels, np.array([True, False]))
    with pytest.raises(ParameterError, match="found"):
        routing.embedded_uniform_metrics((1, 2), (1, 3), emb.links, lost, *args[4:])


def test_embedding_is_a_named_tuple_of_the_metric_arguments():
    emb = routing.embed_dense(np.array([[0, 2]]), (1, 3))
    assert isinstance(emb, Embedding)
    assert emb.links.tolist() == [0, 5]
    assert emb.p2l_nodes.tolist() == [0, 1, 2]
    assert emb.p2l_logical.tolist() == [0, -1, 1]
