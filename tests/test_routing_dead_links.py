"""Dead links: window paths and embedded metrics against the networkx oracle."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import routing
from routing import ParameterError
from routing.mesh import channel_target
from routing.reference import reference_link_path, reference_uniform_metrics


@st.composite
def meshes_with_dead_links(draw, max_side: int = 6):
    """``(rows, cols, blocked, dead_links)``: dead routers and dead links, each
    link named by one of its channels (either direction)."""
    rows = draw(st.integers(1, max_side), label="rows")
    cols = draw(st.integers(2 if rows == 1 else 1, max_side), label="cols")
    n = rows * cols
    channels = [c for c in range(4 * n) if channel_target(np.array([c]), rows, cols)[0] >= 0]
    dead_links = draw(st.lists(st.sampled_from(channels), unique=True, max_size=max(1, len(channels) // 3)),
                      label="dead_links")
    blocked = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n // 4), label="blocked")
    return rows, cols, np.array(sorted(blocked), dtype=np.int64), np.array(dead_links, dtype=np.int64)


@given(meshes_with_dead_links(), st.data())
@settings(max_examples=80)
def test_paths_avoid_dead_links_and_match_networkx(mesh, data):
    rows, cols, blocked, dead_links = mesh
    live = sorted(set(range(rows * cols)) - set(blocked.tolist()))
    assume(live)
    src = data.draw(st.sampled_from(live), label="src")
    dst = data.draw(st.sampled_from(live), label="dst")
    margin = data.draw(st.integers(0, 3), label="margin")
    ps = routing.window_paths(rows, cols, np.array([src]), np.array([dst]), blocked, margin, dead_links)
    g = routing.mesh_graph(rows, cols, blocked, dead_links)
    expected = reference_link_path(g, cols, src, dst, margin)
    if expected is None:
        assert not ps.found[0] and ps.path(0).size == 0
        return
    assert ps.found[0]
    path = ps.path(0).tolist()
    assert path == expected
    cut = set(routing.both_directions(dead_links, rows, cols).tolist())
    assert not cut & set(path)
    # Each channel of the path is an edge of the faulty mesh.
    nodes = [src] + channel_target(np.array(path, dtype=np.int64), rows, cols).tolist()
    assert all(g.has_edge(a, b) for a, b in zip(nodes, nodes[1:]))
    assert nodes[-1] == dst


def test_both_directions_and_its_errors():
    # 3 x 3 mesh: node 4's south channel (4 * 4 + 2) reaches node 7, whose
    # north channel is 4 * 7 + 3.
    assert routing.both_directions([18], 3, 3).tolist() == [18, 31]
    assert routing.both_directions([31, 18], 3, 3).tolist() == [18, 31]
    assert routing.both_directions(None, 3, 3).size == 0
    for bad in ([1], [-4], [4 * 9]):   # node 0's west port leaves the mesh; out of range
        with pytest.raises(ParameterError, match="dead_links"):
            routing.both_directions(bad, 3, 3)


def test_a_dead_link_forces_a_detour():
    # 1 x 3 row under a 2 x 3 mesh: cutting 0 -E-> 1 sends the hop round row 1.
    ps = routing.window_paths(2, 3, np.array([0]), np.array([1]), dead_links=np.array([0]))
    assert ps.hops.tolist() == [3]
    ps = routing.window_paths(1, 3, np.array([0]), np.array([1]), dead_links=np.array([5]))
    assert not ps.found[0]


@st.composite
def embeddings_with_dead_links(draw):
    """A logical mesh placed on a larger physical one, with some dead links."""
    prows = draw(st.integers(2, 5), label="prows")
    pcols = draw(st.integers(2, 5), label="pcols")
    lrows = draw(st.integers(1, prows), label="lrows")
    lcols = draw(st.integers(2 if lrows == 1 else 1, pcols), label="lcols")
    rows = sorted(draw(st.lists(st.integers(0, prows - 1), unique=True, min_size=lrows, max_size=lrows)))
    l2p = np.empty((lrows, lcols), dtype=np.int64)
    for i, r in enumerate(rows):
        cols = sorted(draw(st.lists(st.integers(0, pcols - 1), unique=True, min_size=lcols, max_size=lcols)))
        l2p[i] = [c + pcols * r for c in cols]
    channels = [c for c in range(4 * prows * pcols)
                if channel_target(np.array([c]), prows, pcols)[0] >= 0]
    dead_links = draw(st.lists(st.sampled_from(channels), unique=True, max_size=4), label="dead_links")
    margin = draw(st.integers(1, 3), label="margin")
    return l2p, (prows, pcols), np.array(dead_links, dtype=np.int64), margin


@given(embeddings_with_dead_links())
@settings(max_examples=60)
def test_embedded_metrics_with_dead_links_match_reference(case):
    l2p, shape, dead_links, margin = case
    ref = reference_uniform_metrics(l2p, shape, None, margin, dead_links=dead_links)
    try:
        e = routing.embed_dense(l2p, shape, None, margin, dead_links)
    except ParameterError:
        assert ref is None
        return
    assert ref is not None
    m = routing.embedded_uniform_metrics(l2p.shape, shape, *e)
    n = l2p.size
    assert m.gamma_max * n == pytest.approx(ref["max_flows"])
    assert m.mean_link_extra_hops == pytest.approx(ref["mean_link_extra_hops"])
    assert m.max_link_extra_hops == ref["max_link_extra_hops"]
    assert m.mean_route_extra_hops == pytest.approx(ref["mean_route_extra_hops"])
    assert m.max_route_extra_hops == ref["max_route_extra_hops"]
    # No listed path uses a dead link.
    cut = set(routing.both_directions(dead_links, *shape).tolist())
    assert not cut & set(e.paths.channels.tolist())


def test_networkx_graph_drops_both_channels_of_a_dead_link():
    g = routing.mesh_graph(2, 2, dead_links=np.array([0]))
    assert not g.has_edge(0, 1) and not g.has_edge(1, 0)
    assert nx.has_path(g, 0, 1)
