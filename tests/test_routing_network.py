"""Network: CSR invariants, meshes and chiplets, changes, queries, networkx round trips, bad input.

The oracles are routing's own mesh numbering and networkx graph
(:func:`routing.mesh.channel_target`, :func:`routing.mesh.mesh_graph`) and
plain-Python loops over nodes and dies.
"""

from __future__ import annotations

import math
import pickle

import networkx as nx
import numpy as np
import pytest
from bad_input import BAD, Case, sweep
from hypothesis import given, settings
from hypothesis import strategies as st

import routing.network as network
from paramcheck import ParameterError
from routing.links import LINK_CLASSES
from routing.mesh import GRAPH_MAX_NODES, PORT_STEP, both_directions, channel_target, mesh_graph
from routing.network import MAX_NETWORK_NODES, Network

ARRAYS = ("x", "y", "row_ptr", "target", "channel_class", "router_alive", "channel_alive")
D2D = LINK_CLASSES.index("d2d-standard")
BYPASS = LINK_CLASSES.index("bypass")


def one_line_error(func, *args, match: str | None = None, **kwargs) -> str:
    with pytest.raises(ParameterError, match=match) as info:
        func(*args, **kwargs)
    message = str(info.value)
    assert message and "\n" not in message
    return message


def edges(net: Network, mask=None) -> set[tuple[int, int]]:
    keep = np.ones(net.n_channels, dtype=bool) if mask is None else mask
    return set(zip(net.source[keep].tolist(), net.target[keep].tolist()))


def diagonals(rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Every bypass diagonal of a mesh: (x, y) - (x + 1, y + 1) and (x + 1, y) - (x, y + 1)."""
    x, y = np.meshgrid(np.arange(cols - 1), np.arange(rows - 1))
    down_right = (x + cols * y).ravel()
    return np.concatenate((down_right, down_right + 1)), np.concatenate((down_right + cols + 1, down_right + cols))


@st.composite
def networks(draw):
    """Chiplet meshes with some diagonal links, dead routers and dead links."""
    die_rows, die_cols = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    rows, cols = die_rows * draw(st.integers(1, 3)), die_cols * draw(st.integers(1, 3))
    net = Network.chiplets(rows, cols, die_rows, die_cols)
    src, dst = diagonals(rows, cols)
    if src.size:
        keep = draw(st.lists(st.booleans(), min_size=src.size, max_size=src.size))
        net = net.with_extra_links(src[keep], dst[keep], "bypass")
    routers = draw(st.lists(st.integers(0, net.n_nodes - 1), max_size=4))
    links = draw(st.lists(st.integers(0, max(net.n_channels - 1, 0)), max_size=4)) if net.n_channels else []
    return net.with_dead(routers, links)


def check_csr(net: Network) -> None:
    assert net.row_ptr[0] == 0 and net.row_ptr[-1] == net.n_channels
    assert np.all(np.diff(net.row_ptr) >= 0) and np.all(np.diff(net.source) >= 0)
    assert np.all(net.source != net.target)
    assert len(edges(net)) == net.n_channels                 # one channel per (source, target)
    for a in ARRAYS:
        assert not getattr(net, a).flags.writeable


# --------------------------------------------------------------------------
# Meshes


@given(st.integers(1, 12), st.integers(1, 12))
def test_mesh_csr_invariants(rows, cols):
    net = Network.mesh(rows, cols)
    check_csr(net)
    assert net.n_channels == 4 * rows * cols - 2 * (rows + cols)
    assert (net.x + cols * net.y).tolist() == list(range(rows * cols))
    step = list(zip((net.x[net.target] - net.x[net.source]).tolist(), (net.y[net.target] - net.y[net.source]).tolist()))
    ports = np.array([PORT_STEP.index(s) for s in step])       # every channel is one mesh step ...
    for v in range(rows * cols):                                # ... in port order E, W, S, N
        assert np.all(np.diff(ports[net.out_channels(v)]) > 0)
    assert set(net.channel_class.tolist()) <= {LINK_CLASSES.index("mesh")}


@given(st.integers(1, 8), st.integers(1, 8))
def test_mesh_channels_are_routings_channels_in_routings_order(rows, cols):
    net = Network.mesh(rows, cols)
    ids = net.mesh_channel_ids()
    want = channel_target(np.arange(4 * rows * cols), rows, cols)
    assert np.array_equal(ids == -1, want == -1)
    inside = np.flatnonzero(want >= 0)
    assert ids[inside].tolist() == list(range(net.n_channels))  # 4 * node + port order is CSR order
    assert np.array_equal(net.target[ids[inside]], want[inside])
    assert np.array_equal(net.source[ids[inside]], inside // 4)


@given(st.integers(1, 6), st.integers(1, 6), st.data())
def test_usable_channels_are_the_edges_of_routings_mesh_graph(rows, cols, data):
    net = Network.mesh(rows, cols)
    n = rows * cols
    blocked = data.draw(st.lists(st.integers(0, n - 1), max_size=3))
    inside = np.flatnonzero(channel_target(np.arange(4 * n), rows, cols) >= 0)
    dead = data.draw(st.lists(st.sampled_from(inside.tolist()), max_size=3)) if inside.size else []
    faulty = net.with_dead(routers=blocked, links=net.mesh_channel_ids()[dead])
    g = mesh_graph(rows, cols, blocked=np.array(blocked, dtype=np.int64), dead_links=np.array(dead, dtype=np.int64))
    assert edges(faulty, faulty.channel_usable()) == set(g.edges)
    dead_both = both_directions(np.array(dead, dtype=np.int64), rows, cols)
    assert set(np.flatnonzero(~faulty.channel_alive).tolist()) == set(net.mesh_channel_ids()[dead_both].tolist())


def test_channel_of_looks_up_ports():
    net = Network.mesh(2, 3)
    node, port = np.repeat(np.arange(6), 4), np.tile(np.arange(4), 6)
    assert np.array_equal(net.channel_of(node, port), net.mesh_channel_ids())
    assert net.channel_of([], []).size == 0
    one_line_error(net.channel_of, [0, 1], [0], match="^node and port must have one length, got 2 and 1$")
    one_line_error(net.channel_of, [0], [4], match=r"^port must be ports \(E, W, S, N\) in \[0, 4\), got 4$")


def test_a_mesh_of_a_million_nodes_is_small():
    net = Network.mesh(1000, 1000)
    assert net.n_channels == 4 * 10**6 - 4000
    stored = sum(getattr(net, a).nbytes for a in ARRAYS)
    assert stored < 40 * 2**20                                   # ~37 bytes per node; 1 GiB allowed
    assert {getattr(net, a).dtype for a in ("x", "y", "row_ptr", "target")} == {np.dtype(np.int32)}
    assert net.mesh_channel_ids().dtype == np.int32


def test_meshes_beyond_the_limit_are_refused_before_allocating():
    one_line_error(Network.mesh, 2**13, 2**13 + 1, match=r"MAX_NETWORK_NODES")
    one_line_error(Network.mesh, 2**40, 2**40, match=r"MAX_NETWORK_NODES")
    assert Network.mesh(1, 1).n_channels == 0


# --------------------------------------------------------------------------
# Chiplets


@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.integers(1, 4))
@settings(max_examples=60)
def test_chiplet_cut_counts(die_rows, die_cols, dies_y, dies_x):
    rows, cols = die_rows * dies_y, die_cols * dies_x
    net = Network.chiplets(rows, cols, die_rows, die_cols)
    check_csr(net)
    d2d = net.channel_class == D2D
    assert int(d2d.sum()) == 2 * (rows * (cols // die_cols - 1) + cols * (rows // die_rows - 1))
    for c in range(net.n_channels):                              # oracle: the die of each end
        s, t = int(net.source[c]), int(net.target[c])
        die = [(v % cols // die_cols, v // cols // die_rows) for v in (s, t)]
        assert d2d[c] == (die[0] != die[1])
    plain = Network.mesh(rows, cols)
    assert all(np.array_equal(getattr(net, a), getattr(plain, a)) for a in ("x", "y", "row_ptr", "target"))


def test_chiplets_take_other_classes_and_must_tile():
    net = Network.chiplets(2, 4, 2, 2, d2d_class="optics", link_class="bypass")
    assert sorted(set(net.channel_class.tolist())) == [BYPASS, LINK_CLASSES.index("optics")]
    one_line_error(Network.chiplets, 4, 6, 3, 3,
                   match=r"^die_rows x die_cols must tile the 4 x 6 mesh \(divide rows and cols\), got 3 x 3$")
    one_line_error(Network.chiplets, 4, 6, 2, 2, "d2d-standart", match="did you mean 'd2d-standard'")


# --------------------------------------------------------------------------
# Changes


def test_with_dead_kills_links_both_ways_and_keeps_router_and_channel_masks_apart():
    net = Network.mesh(2, 2)                  # channels: 0->1 0->2 | 1->0 1->3 | 2->3 2->0 | 3->2 3->1
    dead = net.with_dead(routers=[3], links=[1])
    assert dead.router_alive.tolist() == [True, True, True, False]
    assert np.flatnonzero(~dead.channel_alive).tolist() == [1, 5]                # 0->2 and 2->0
    assert np.flatnonzero(~dead.channel_usable()).tolist() == [1, 3, 4, 5, 6, 7]
    again = dead.with_dead(links=[0])
    assert np.flatnonzero(~again.channel_alive).tolist() == [0, 1, 2, 5]        # the dead stay dead
    assert net.router_alive.all() and net.channel_alive.all()                   # the original is unchanged
    assert all(getattr(dead, a) is getattr(net, a) for a in ("x", "y", "row_ptr", "target", "channel_class"))
    assert net.with_dead() == net


def test_a_link_without_a_channel_back_dies_alone():
    one_way = Network([0, 1], [0, 0], [0, 1, 1], [1], [0])
    assert one_way.with_dead(links=[0]).channel_alive.tolist() == [False]


@given(networks())
@settings(max_examples=50)
def test_extra_links_keep_csr_order_and_every_old_channel(net):
    src, dst = diagonals(int(net.y.max()) + 1, int(net.x.max()) + 1)
    free = [i for i, (a, b) in enumerate(zip(src.tolist(), dst.tolist())) if (a, b) not in edges(net)]
    more = net.with_extra_links(src[free], dst[free], "bypass")
    check_csr(more)
    assert more.n_channels == net.n_channels + 2 * len(free)
    assert edges(more) == edges(net) | set(zip(src[free].tolist(), dst[free].tolist())) | set(
        zip(dst[free].tolist(), src[free].tolist()))
    old = np.diff(net.row_ptr)
    for v in range(net.n_nodes):                               # old channels first, in their old order
        head = slice(more.row_ptr[v], more.row_ptr[v] + old[v])
        row = slice(net.row_ptr[v], net.row_ptr[v + 1])
        for a in ("target", "channel_class", "channel_alive"):
            assert np.array_equal(getattr(more, a)[head], getattr(net, a)[row])
        tail = slice(more.row_ptr[v] + old[v], more.row_ptr[v + 1])
        assert np.all(more.channel_class[tail] == BYPASS) and np.all(more.channel_alive[tail])
    meshed = net.mesh_channel_ids() >= 0
    assert np.array_equal(more.target[more.mesh_channel_ids()[meshed]], net.target[net.mesh_channel_ids()[meshed]])
    assert more.router_alive is net.router_alive


def test_extra_link_errors():
    net = Network.mesh(2, 3)
    one_line_error(net.with_extra_links, [0], [0], "bypass", match="^src and dst must be distinct nodes, got a link from node 0 to itself$")
    one_line_error(net.with_extra_links, [0], [1], "bypass", match="^src and dst must be new links, got nodes 0 and 1, already joined$")
    one_line_error(net.with_extra_links, [0, 4], [4, 0], "bypass", match="^src and dst must give each link once, got nodes 4 and 0 twice$")
    one_line_error(net.with_extra_links, [0, 1], [4], "bypass", match="^src and dst must have one length, got 2 and 1$")
    one_line_error(net.with_extra_links, [0], [4], "bypas", match="did you mean 'bypass'")
    assert net.with_extra_links([], [], "bypass") == net


def test_a_network_is_immutable_and_owns_its_arrays():
    x = np.array([0, 1])
    net = Network(x, [0, 0], [0, 1, 2], [1, 0], [0, 0])
    x[0] = 5
    assert net.x.tolist() == [0, 1] and x.flags.writeable          # a copy, and the caller's stays writeable
    with pytest.raises(ValueError):
        net.x[0] = 3
    with pytest.raises(AttributeError):
        net.x = x
    with pytest.raises(TypeError):
        hash(net)


def test_networks_and_tables_pickle_for_worker_processes():
    net = Network.chiplets(2, 4, 2, 2, link_classes=LINK_CLASSES.with_overrides({"mesh": {"clock_ghz": 1}}))
    back = pickle.loads(pickle.dumps(net.with_dead(routers=[1])))
    assert back == net.with_dead(routers=[1]) and not back.target.flags.writeable
    assert pickle.loads(pickle.dumps(LINK_CLASSES)) == LINK_CLASSES


# --------------------------------------------------------------------------
# Queries


def test_channel_values_gather_the_class_figures():
    net = Network.chiplets(2, 4, 2, 2).with_extra_links([0], [5], "bypass")
    classes = [LINK_CLASSES.classes[k] for k in net.channel_class]
    for q in ("bandwidth_bits_per_cycle", "latency_cycles", "energy_pj_per_bit", "router_delay_cycles",
              "router_energy_pj_per_bit", "clock_ghz", "bandwidth_gbytes_per_s", "latency_ns"):
        assert net.channel_values(q).tolist() == [getattr(c, q) for c in classes]
    d2d = net.channel_values("latency_ns")[net.channel_class == D2D]
    assert d2d.size == 4 and np.allclose(d2d, 2.0)
    one_line_error(net.channel_values, "energy", match=r"^quantity must be one of .* \(did you mean 'energy_pj_per_bit'\?\)$")


def test_networks_carry_their_own_class_table():
    cheap = LINK_CLASSES.with_overrides({"d2d-standard": {"energy_pj_per_bit": 0.1}})
    net = Network.chiplets(1, 4, 1, 2, link_classes=cheap)
    assert net.channel_values("energy_pj_per_bit").max() == 0.1
    assert net != Network.chiplets(1, 4, 1, 2) and net == Network.chiplets(1, 4, 1, 2, link_classes=cheap)
    assert net != "a network"
    assert repr(Network.mesh(2, 2)).startswith("Network(4 nodes, 8 channels, classes mesh, bypass")


def test_out_channels():
    net = Network.mesh(3, 3)
    assert [net.out_channels(v).size for v in range(9)] == [2, 3, 2, 3, 4, 3, 2, 3, 2]
    one_line_error(net.out_channels, 9, match=r"^node must be an integer in \[0, 8\], got 9$")


# --------------------------------------------------------------------------
# networkx


@given(networks())
@settings(max_examples=60)
def test_networkx_round_trip_is_equal(net):
    G = net.to_networkx()
    assert Network.from_networkx(G) == net
    assert G.number_of_nodes() == net.n_nodes and G.number_of_edges() == net.n_channels
    for c, (s, t) in enumerate(zip(net.source.tolist(), net.target.tolist())):
        e = G.edges[s, t]
        link = LINK_CLASSES.classes[net.channel_class[c]]
        assert e["channel"] == c and e["link_class"] == link.name and e["alive"] == net.channel_alive[c]
        assert (e["bandwidth_bits_per_cycle"], e["latency_cycles"], e["energy_pj_per_bit"]) == (
            link.bandwidth_bits_per_cycle, link.latency_cycles, link.energy_pj_per_bit)
    assert [G.nodes[v]["alive"] for v in G] == net.router_alive.tolist()
    assert [(G.nodes[v]["x"], G.nodes[v]["y"]) for v in G] == list(zip(net.x.tolist(), net.y.tolist()))


def test_a_plain_mesh_exports_routings_mesh_graph():
    G = Network.mesh(3, 4).to_networkx()
    assert set(G.edges) == set(mesh_graph(3, 4).edges)


def test_an_edited_graph_gives_the_edited_network():
    net = Network.mesh(2, 2)
    G = net.to_networkx()
    G.remove_edge(0, 1)
    G.nodes[3]["alive"] = False
    G.edges[2, 3].clear()                                # a new class, without the old class's figures
    G.edges[2, 3]["link_class"] = "optics"
    del G.edges[2, 0]["bandwidth_bits_per_cycle"]        # figures may be left out, not changed
    G.add_edge(0, 3, link_class="bypass")
    edited = Network.from_networkx(G)
    assert edges(edited) == edges(net) - {(0, 1)} | {(0, 3)}
    assert edited.router_alive.tolist() == [True, True, True, False]
    assert edited.channel_class[edited.channel_of([2], [0])[0]] == LINK_CLASSES.index("optics")
    bare = nx.DiGraph([(0, 1, {"link_class": "mesh"})])
    bare.add_nodes_from([(0, {"x": 0, "y": 0}), (1, {"x": 1, "y": 0})])
    assert Network.from_networkx(bare) == Network([0, 1], [0, 0], [0, 1, 1], [1], [0])


def test_graphs_are_limited():
    one_line_error(Network.mesh(257, 256).to_networkx, match=r"GRAPH_MAX_NODES")
    one_line_error(Network.from_networkx, nx.empty_graph(GRAPH_MAX_NODES + 1, create_using=nx.DiGraph),
                   match=r"^G must have 1 to 65,536 nodes \(GRAPH_MAX_NODES\), got 65,537$")


def graph(edit=None) -> nx.DiGraph:
    """The graph of a 1 x 3 mesh, after ``edit(G)``."""
    G = Network.mesh(1, 3).to_networkx()
    if edit:
        edit(G)
    return G


#: Edits of a good graph, and the message each must give.
GRAPH_ERRORS = [
    (lambda G: G.nodes[1].pop("x"), "G node 1 x must be an integer in [0, 2,147,483,647], got None"),
    (lambda G: G.nodes[1].update(x=-1), "G node 1 x must be an integer in [0, 2,147,483,647], got -1"),
    (lambda G: G.nodes[1].update(x=1.5), "G node 1 x must be an integer in [0, 2,147,483,647], got 1.5"),
    (lambda G: G.nodes[1].update(x=0), "x and y must give each node its own position, got (0, 0) twice"),
    (lambda G: G.nodes[1].update(alive=1), "G node 1 alive must be true or false, got 1"),
    (lambda G: G.edges[0, 1].update(alive="yes"), "G edge (0, 1) alive must be true or false, got 'yes'"),
    (lambda G: G.edges[0, 1].pop("link_class"),
     "G edge (0, 1) link_class must be one of 'mesh', 'bypass', 'd2d-standard', 'd2d-advanced', 'off-package',"
     " 'optics', got None"),
    (lambda G: G.edges[0, 1].update(link_class="mseh"),
     "G edge (0, 1) link_class must be one of 'mesh', 'bypass', 'd2d-standard', 'd2d-advanced', 'off-package',"
     " 'optics', got 'mseh' (did you mean 'mesh'?)"),
    (lambda G: G.edges[0, 1].update(bandwidth_bits_per_cycle=16),
     "G edge (0, 1) bandwidth_bits_per_cycle must be 32.0, the figure of its link class 'mesh', got 16:"
     " figures follow the class (edit the class table, or drop the figure)"),
    (lambda G: G.edges[0, 1].update(energy_pj_per_bit=math.nan),
     "G edge (0, 1) energy_pj_per_bit must be 0.022, the figure of its link class 'mesh', got nan:"
     " figures follow the class (edit the class table, or drop the figure)"),
    (lambda G: G.edges[0, 1].update(latency_cycles=[0.0, 1.0]),
     "G edge (0, 1) latency_cycles must be 0.0, the figure of its link class 'mesh', got [0.0, 1.0]:"
     " figures follow the class (edit the class table, or drop the figure)"),
    (lambda G: G.add_edge(1, 1, link_class="mesh"), "G edge (1, 1) must join two distinct nodes, got a self-loop"),
    (lambda G: G.graph.update(link_classes=3), "G.graph['link_classes'] must be a LinkClassTable, got 3"),
    (lambda G: G.add_node(3), "G node 3 x must be an integer in [0, 2,147,483,647], got None"),
    (lambda G: G.remove_node(0), "G must have nodes 0 .. 1, got [1, 2]"),
]
NOT_GRAPHS = [None, 3, nx.Graph(), nx.MultiDiGraph(), nx.DiGraph(), nx.relabel_nodes(graph(), {0: "a"})] + [
    graph(edit) for edit, _ in GRAPH_ERRORS
]


@pytest.mark.parametrize("edit, message", GRAPH_ERRORS)
def test_graph_errors_name_the_node_or_edge(edit, message):
    assert one_line_error(Network.from_networkx, graph(edit)) == message


def test_only_directed_simple_graphs_of_nodes_0_to_n_are_read():
    for G in (None, nx.Graph(), nx.MultiDiGraph()):
        one_line_error(Network.from_networkx, G, match="^G must be a networkx DiGraph, got")
    one_line_error(Network.from_networkx, nx.relabel_nodes(graph(), {0: "a"}), match=r"^G must have nodes 0 \.\. 2, got")


# --------------------------------------------------------------------------
# The constructor


def test_constructor_errors():
    ok = dict(x=[0, 1], y=[0, 0], row_ptr=[0, 1, 2], target=[1, 0], channel_class=[0, 0])
    Network(**ok)
    for change, pattern in [
        ({"target": [1, 1], "row_ptr": [0, 2, 2]}, r"^target must hold one channel per \(source, target\) pair, got two from node 0 to node 1$"),
        ({"row_ptr": [0, 2, 1]}, r"^row_ptr must hold n \+ 1 = 3 offsets from 0 to the number of channels \(2\), got \[0, 2, 1\]$"),
        ({"row_ptr": [0, 1, 2, 2]}, r"^row_ptr must hold n \+ 1 = 3 offsets"),
        ({"x": [0, 1, 2], "y": [0, 0, 0], "row_ptr": [0, 2, 1, 2]}, r"^row_ptr must never decrease, got 2 then 1$"),
        ({"x": [0]}, r"^x and y must have one length, 1 to 67,108,864 nodes \(MAX_NETWORK_NODES\), got 1 and 2$"),
        ({"channel_class": [0, 6]}, r"^channel_class must be link class indices in \[0, 6\), got 6$"),
        ({"channel_class": [0]}, r"^channel_class must hold one class per channel \(2\), got 1$"),
        ({"router_alive": [1, 1]}, r"^router_alive must be a 1-D array of 2 booleans, got \[1, 1\]$"),
        ({"channel_alive": [True]}, r"^channel_alive must be a 1-D array of 2 booleans, got \[True\]$"),
        ({"link_classes": LINK_CLASSES.classes}, r"^link_classes must be a LinkClassTable or None, got"),
    ]:
        one_line_error(Network, **{**ok, **change}, match=pattern)
    assert MAX_NETWORK_NODES == 2**26


# --------------------------------------------------------------------------
# Bad input to every public callable (the project's sweep)

NET = Network.mesh(2, 3)              # 6 nodes, 14 channels
IDS = BAD["ids"] + ["0", [[[0]]]]
COUNT = BAD["count"] + [2**26]

CASES = [
    Case(Network, ([0, 1], [0, 0], [0, 1, 2], [1, 0], [0, 0], None, None, None), kinds={
        0: [[0], [1, 1], [-1, 1], [0.5, 1], None, "ab", [[0, 1]], [2**31, 0], [True, False], 3, []],
        1: [[0], [0.5, 0], None, [-1, 0], [[0, 0]], [2**31, 0], "ab"],
        2: [[0, 1], [1, 1, 2], [0, 2, 1], [0, 1, 3], [0, 2, 2], [0, 0, 2], None, [0, 1, 2, 3], [0, 1.5, 2], [[0, 1, 2]]],
        3: [[1], [1, 1], [0, 0], [2, 0], [1.5, 0], None, [-1, 0], [[1, 0]]],
        4: [[0], [0, 6], [0, -1], None, [0.5, 0], [[0, 0]], ["mesh", "mesh"]],
        5: [[1, 1], [True], "yes", [[True, True]], 3, [True, None], [True, True, True]],
        6: [[1, 1], [True], "yes", [[True, True]], 3, [True, None]],
        7: [3, "mesh", LINK_CLASSES.classes, {}],
    }),
    Case(Network.mesh, (2, 3, "mesh", None), kinds={0: COUNT, 1: COUNT, 2: "name", 3: [3, "mesh", LINK_CLASSES.classes]}),
    Case(Network.chiplets, (4, 6, 2, 3, "d2d-standard", "mesh", None), kinds={
        0: COUNT + [5], 1: COUNT + [5], 2: BAD["count"] + [3, 8], 3: BAD["count"] + [4, 12], 4: "name", 5: "name",
        6: [3, "mesh"],
    }),
    Case(Network.from_networkx, (graph(),), kinds={0: NOT_GRAPHS}),
    Case(NET.with_dead, ([0], [0]), kinds={0: IDS + [[6]], 1: IDS + [[14]]}),
    Case(NET.with_extra_links, ([0], [4], "bypass"), kinds={
        0: IDS + [None, [4], [1], [0, 0], [6]], 1: IDS + [None, [0], [1], [4, 4], [6]], 2: "name",
    }),
    Case(NET.channel_of, ([0], [0]), kinds={0: IDS + [None, [6], [0, 1]], 1: IDS + [None, [4], [0, 1]]}),
    Case(NET.out_channels, (0,), kinds={0: BAD["index"] + [6]}),
    Case(NET.channel_values, ("latency_cycles",), kinds={0: BAD["name"] + ["name", "source"]}),
    Case(NET.mesh_channel_ids),
    Case(NET.channel_usable),
    Case(NET.to_networkx),
]

EXEMPT = {
    "MAX_NETWORK_NODES": "a limit (constant)",
    "MAX_NETWORK_CHANNELS": "a limit (constant)",
}

(test_every_public_callable_has_a_case, test_the_valid_call_of_each_case_succeeds,
 test_bad_values_raise_the_project_error,
 test_every_bad_value_raises_the_project_error) = sweep(network, CASES, EXEMPT)
