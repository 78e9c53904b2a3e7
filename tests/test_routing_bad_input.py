"""Bad input to every public callable of :mod:`routing` raises ParameterError.

One :class:`bad_input.Case` per public callable (a valid call and the kind of
each parameter); hypothesis, and an exhaustive loop, swap one parameter for a
bad value and require the project's error, one line, never a foreign
exception or a silent answer. Then regressions for the bugs the sweep found,
the limits on work and memory, and inputs that are valid though unusual
(non-contiguous arrays, other integer dtypes) giving the right answer.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from bad_input import BAD, Case, sweep
from hypothesis import given, settings
from hypothesis import strategies as st

import routing
from routing import ParameterError, PathSet
from routing.mesh import EAST, SOUTH, WEST

# --------------------------------------------------------------------------
# Valid arguments the cases share

#: A 1 x 2 logical mesh on a 1 x 3 physical row, the middle core unused:
#: links [0, 5], paths [0, 4] and [9, 5], p2l [0, 1, 2] -> [0, -1, 1].
E = routing.embed_dense(np.array([[0, 2]]), (1, 3))
#: One path round a dead centre router of a 3 x 3 mesh.
PS = routing.window_paths(3, 3, [3], [5], [4], 1)

# Pools for kinds the shared pools do not have.
SHAPES = [
    None, 3, (3,), (1, 3, 1), (0, 3), (-1, 3), (1, 1.5), ("1", "3"), (True, 3), (2**63, 2),
    (10**30, 1), (2**40, 2**40), "ab", (math.nan, 3), {"a": 1}, np.array([[1, 3]]),
]
IDS = BAD["ids"] + ["0", [[[0]]], [[0, 1], [2]]]     # for optional ids (None is fine)
REQUIRED_IDS = IDS + [None]
COUNT = BAD["count"] + [2**40]
INDEX = BAD["index"]
L2P = [
    [[0, 0]], [[0, 7]], [0, 2], [[0.0, 2.0]], [["a", "b"]], None, [[True, False]], [[-1, 0]], [],
    [[2**64, 0]], "ab", [[[0, 2]]], [[0, 2], [1]], np.empty((0, 2), dtype=np.int64), [[0, 2 + 1j]],
]
NOT_PATHS = [None, "paths", (E.paths.offsets, E.paths.channels, E.paths.found), E, 3]
P2L_LOGICAL = [
    [0, -2, 1], [0, -1, 0], [0.0, -1.0, 1.0], [0, -1], [[0, -1, 1]], ["a", "b", "c"], None,
    [True, False, True], [2**64, 0, 0], [0, -1, 1.5], [0, -1, math.nan], "abc",
]
P2L_NODES = REQUIRED_IDS + [[2, 1, 0], [0, 0, 1], [0, 1], [0, 1, 2, 3]]
#: The base of :data:`E`, and one trial that removes its first link and lists nothing.
BASE = routing.UniformBase((1, 2), (1, 3), E)
CHANGES = routing.EmbeddingChanges(
    np.array([0, 1]), np.array([0]), np.array([0, 0]), np.zeros(0, dtype=np.int64), np.array([0]),
    np.zeros(0, dtype=np.int64), np.array([0, 3]), np.array([0, 1, 2]), np.array([0, -1, 1]),
    *routing.EmbeddingChanges.none(1)[9:],
)
NO_PATHS = routing.window_paths(1, 3, [], [])
TRAFFIC = routing.EmbeddedTraffic((1, 2), (1, 3), E, [1.0, 0, 0, 0, 0, 1.0, 0, 0])
OFFSETS = IDS + [None, [0], [1, 1], [0, 2], [0, 1, 0]]

CASES = [
    Case(routing.xy_route, (0, 8, 3, 3), kinds={
        0: INDEX + [9, 99], 1: INDEX + [9, 99, math.inf], 2: COUNT, 3: COUNT,
    }),
    Case(routing.uniform_flows, (np.array([0, 4, 6]), 2, 3), kinds={
        0: REQUIRED_IDS + [[24], np.array([[0, 4]])], 1: COUNT, 2: COUNT,
    }),
    Case(routing.uniform_max_flows, (3, 3), kinds={0: COUNT, 1: COUNT}),
    Case(routing.uniform_channel_flows, (3, 3), kinds={0: COUNT, 1: COUNT}),
    Case(routing.uniform_mean_hops, (3, 3), kinds={0: COUNT, 1: COUNT}),
    Case(routing.uniform_saturation, (3, 3, 1.0), kinds={0: COUNT, 1: COUNT, 2: "positive"}),
    Case(routing.channel_target, ([0, 5], 2, 3), kinds={0: REQUIRED_IDS + [[24]], 1: COUNT, 2: COUNT}),
    Case(routing.both_directions, ([0], 3, 3), kinds={0: IDS + [[1], [36]], 1: COUNT, 2: COUNT}),
    Case(routing.is_one_hop, ([0, 0], [1, 2], [EAST, EAST], 1, 3), kinds={
        0: REQUIRED_IDS + [[0], [3, 0], [0, 0, 0]],
        1: REQUIRED_IDS + [[1], [1, 3]],
        2: REQUIRED_IDS + [[4, 0], [0], [0, -1]],
        3: COUNT, 4: COUNT,
    }),
    Case(routing.mesh_graph, (3, 3, [4], [0]), kinds={
        0: COUNT + [2**15], 1: COUNT + [2**15], 2: IDS + ["ab", [9]], 3: IDS + [[1], [36]],
    }),
    Case(routing.window_paths, (3, 3, [3], [5], [4], 1, [0]), kinds={
        0: COUNT, 1: COUNT,
        2: REQUIRED_IDS + [[3, 3], [4], [9]],
        3: REQUIRED_IDS + [[5, 5], [4], [9]],
        4: IDS + [[3], [5], [9]],
        5: INDEX,
        6: IDS + [[1], [36]],
    }),
    Case(PathSet, ([0, 2], [0, 4], [True]), kinds={
        0: REQUIRED_IDS + [[0, 3], [1, 2], [0, 1], [0, 2, 1], [0, 2, 2], [], [2, 0]],
        1: REQUIRED_IDS + [[0], [0, 4, 8], [2**34, 0], []],
        2: [[1], [1.0], None, "yes", [[True]], [True, True], [], 1, ["True"], [None]],
    }),
    Case(PS.path, (0,), kinds={0: INDEX + [1, 5]}),
    Case(routing.embedded_uniform_metrics, ((1, 2), (1, 3), *E), kinds={
        0: SHAPES + [(1, 1)],
        1: SHAPES + [(1, 2)],
        2: REQUIRED_IDS + [[0, 0], [0, 1], [0], [0, 99], [0, 5, 4]],
        3: NOT_PATHS + [
            PathSet([0, 2], [0, 4], [True]),                               # one path for two links
            PathSet(E.paths.offsets, E.paths.channels, [True, False]),     # a path not found
            PathSet(E.paths.offsets, [0, 4, 100, 5], E.paths.found),        # a channel off the mesh
        ],
        4: P2L_NODES + [[0, 1, 3]],
        5: P2L_LOGICAL + [[0, -1, 5]],
    }),
    Case(routing.Embedding, tuple(E), kinds={
        0: REQUIRED_IDS + [[0, 0], [0], [2**34 + 1, 0]],
        1: NOT_PATHS + [PathSet([0, 2], [0, 4], [True])],
        2: P2L_NODES,
        3: P2L_LOGICAL,
    }),
    Case(routing.embed_dense, (np.array([[0, 2]]), (2, 3), [1], 1, [19]), kinds={
        0: L2P + [[[0, 1]]],
        1: SHAPES + [(1, 2), (1, 2**22)],
        2: IDS + [[0], [2], [6]],
        3: INDEX + [0],
        4: IDS + [[1], [24], [14]],
    }),
    Case(routing.die_grid_uniform_metrics, (4, 8, 4, 4, 0.5, 2.0), kinds={
        0: COUNT + [6], 1: COUNT + [6], 2: COUNT + [3, 8], 3: COUNT + [3], 4: "positive", 5: "nonnegative",
    }),
    Case(routing.reference_uniform_metrics, (np.array([[0, 2]]), (2, 3), [1], 1, frozenset({0}), [19]), kinds={
        0: L2P + [[[0, 1]]],
        1: SHAPES + [(1, 2), (32, 64)],
        2: IDS + [[0], [2], [6]],
        3: INDEX,
        4: [[1], [99], ["a"], [1.5], 3, "ab", [[0]], {0.5}, [True], [-1], [2**64], frozenset({0, 1})],
        5: IDS + [[1], [24], [14]],
    }),
    Case(routing.window_paths_batch, (3, 3, [0, 1, 2], [3, 3], [5, 5], [0, 0, 1], [4], [0, 1, 1], [12], 1),
         kinds={
             0: COUNT, 1: COUNT, 2: OFFSETS + [[0, 1, 3]],
             3: REQUIRED_IDS + [[3], [3, 4], [9, 3]],
             4: REQUIRED_IDS + [[5], [5, 4], [9, 5]],
             5: OFFSETS + [[0, 1]], 6: REQUIRED_IDS + [[9], [1, 2]],
             7: OFFSETS + [[0, 1]], 8: REQUIRED_IDS + [[1], [36], [8, 9]], 9: INDEX,
         }),
    Case(routing.UniformBase, ((1, 2), (1, 3), E), kinds={
        0: SHAPES + [(1, 1)], 1: SHAPES + [(1, 2)], 2: [None, tuple(E), E.paths, "E"],
    }),
    Case(BASE.metrics_batch, (CHANGES,), kinds={0: [None, tuple(CHANGES), E] + [
        CHANGES._replace(**{name: value}) for name, value in [
            ("removed_offsets", [0, 2]), ("removed", [5]), ("removed_offsets", []), ("links", [1.5]),
            ("link_offsets", [0, 1]), ("nodes", [0, 0]), ("logical", [0, -2, 1]), ("logical", [0, 5, 1]),
            ("logical", [0]), ("node_offsets", [0, 2]), ("channels", [99]), ("path_offsets", [1]),
            ("removed", [[0]]), ("nodes", [0.5, 1, 2]), ("nodes", [0, 1, 3]),
            ("bypass_offsets", [0, 1]), ("bypass_rows", [0]), ("bypass_x0", [0.5]), ("bypass_x1", [None]),
        ]
    ]}),
    Case(BASE.visited_nodes, ([0, 1], [0], [0, 0], NO_PATHS), kinds={
        0: OFFSETS, 1: REQUIRED_IDS + [[2]], 2: OFFSETS + [[0, 1]], 3: NOT_PATHS,
    }),
    Case(routing.EmbeddingChanges.none, (2,), kinds={0: INDEX}),
    Case(routing.EmbeddedTraffic, ((1, 2), (1, 3), E, [1.0, 0, 0, 0, 0, 1.0, 0, 0]), kinds={
        0: SHAPES + [(1, 1)], 1: SHAPES + [(1, 2)], 2: [None, tuple(E), E.paths, "E"],
        3: BAD["array"] + [[1.0] * 7, [1.0] * 8, [[1.0] * 8], "abcdefgh"],
    }),
    Case(routing.embedded_figures, (TRAFFIC.sums_batch(CHANGES), TRAFFIC, 2.0, routing.LINK_CLASSES), kinds={
        0: [None, {}, [1.0], {"max_load": [1.0]}, {**TRAFFIC.sums_batch(CHANGES), "max_load": [math.nan]}],
        1: [None, E, BASE.metrics], 2: "positive", 3: [None, {}, routing.LINK_CLASSES.classes],
        "mesh": BAD["name"], "bypass": BAD["name"], "unit_bits": "positive", "packet_flits": BAD["count"],
    }),
    Case(routing.network_figures, (routing.Network.mesh(1, 2), [1.0, 0, 0, 0, 0, 1.0, 0, 0], 2.0), kinds={
        0: [None, E, "mesh"], 1: BAD["array"] + [[1.0] * 7, [0, 1.0, 0, 0, 0, 0, 0, 0]], 2: "positive",
        "unit_bits": "positive", "packet_flits": BAD["count"],
    }),
    Case(routing.network_bottlenecks, (routing.Network.mesh(1, 2), [1.0, 0, 0, 0, 0, 1.0, 0, 0], 1), kinds={
        0: [None, E, "mesh"], 1: BAD["array"] + [[1.0] * 7, [0, 1.0, 0, 0, 0, 0, 0, 0]], 2: INDEX,
    }),
    Case(TRAFFIC.sums_batch, (CHANGES,), kinds={0: [None, tuple(CHANGES), CHANGES._replace(
        bypass_offsets=np.array([0, 1]), bypass_rows=np.array([0]), bypass_x0=np.array([0]),
        bypass_x1=np.array([1]))]}),
    Case(routing.UniformMetrics, (0.5, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.5), kinds={
        0: "positive", 1: "positive", 2: "positive",
        3: "nonnegative", 4: "nonnegative", 5: "nonnegative", 6: "nonnegative", 7: "nonnegative",
    }),
]

#: Public names that need no case, and why.
EXEMPT = {
    "EAST": "a port number (constant)",
    "WEST": "a port number (constant)",
    "SOUTH": "a port number (constant)",
    "NORTH": "a port number (constant)",
    "MAX_NODES": "a limit (constant)",
    "GRAPH_MAX_NODES": "a limit (constant)",
    "MAX_ROUTE_HOPS": "a limit (constant)",
    "MAX_WINDOW_CELLS": "a limit (constant)",
    "DENSE_MAX_NODES": "a limit (constant)",
    "REFERENCE_MAX_NODES": "a limit (constant)",
    "ParameterError": "the error itself",
    "EmbeddingChanges": "a plain record (named tuple); UniformBase.metrics_batch checks it",
    "FIGURES": "the names of the figures (constant)",
}
# These modules' public names have their cases beside their tests.
for _module in ("links", "network", "traffic", "loads"):
    for _name in getattr(routing, _module).__all__:
        EXEMPT[_name] = f"swept with routing.{_module} in tests/test_routing_{_module}.py"


# --------------------------------------------------------------------------
# The sweep


(test_every_public_callable_has_a_case, test_the_valid_call_of_each_case_succeeds,
 test_bad_values_raise_the_project_error,
 test_every_bad_value_raises_the_project_error) = sweep(routing, CASES, EXEMPT)


# --------------------------------------------------------------------------
# Regressions: each of these used to answer wrongly, hang, or raise a foreign error


def test_xy_route_refuses_nodes_outside_the_mesh():
    # Used to return channels of a 33-hop route in a 3 x 3 mesh.
    with pytest.raises(ParameterError, match=r"^dst must be an integer in \[0, 8\], got 99$"):
        routing.xy_route(0, 99, 3, 3)
    with pytest.raises(ParameterError, match="src"):
        routing.xy_route(9, 0, 3, 3)


def test_xy_route_refuses_nan_instead_of_looping_forever():
    with pytest.raises(ParameterError, match="src"):
        routing.xy_route(math.nan, 1, 3, 3)
    with pytest.raises(ParameterError, match="dst"):
        routing.xy_route(0, math.inf, 3, 3)


def test_xy_route_limits_the_route_it_lists():
    cols = routing.MAX_ROUTE_HOPS + 2
    assert len(routing.xy_route(0, cols - 2, 1, cols)) == routing.MAX_ROUTE_HOPS
    with pytest.raises(ParameterError, match="MAX_ROUTE_HOPS"):
        routing.xy_route(0, cols - 1, 1, cols)


def test_uniform_flows_refuses_channels_outside_the_mesh():
    # Used to return -120 flows for channel 99 of a 3 x 3 mesh.
    for bad in ([99], [-1], [36], [1.5]):
        with pytest.raises(ParameterError, match="channels"):
            routing.uniform_flows(bad, 3, 3)


@pytest.mark.parametrize("func", [
    lambda r, c: routing.uniform_flows([0], r, c),
    lambda r, c: routing.channel_target([0], r, c),
    routing.uniform_max_flows, routing.uniform_mean_hops, routing.uniform_saturation,
    lambda r, c: routing.both_directions(None, r, c),
    lambda r, c: routing.window_paths(r, c, [0], [1]),
    lambda r, c: routing.die_grid_uniform_metrics(r, c, 1, 1, 0.5, 1.0),
], ids=["uniform_flows", "channel_target", "uniform_max_flows", "uniform_mean_hops",
        "uniform_saturation", "both_directions", "window_paths", "die_grid_uniform_metrics"])
def test_meshes_beyond_max_nodes_are_refused(func):
    # 2**40 x 2**40 used to overflow int64 silently (negative flows).
    for rows, cols in ((2**40, 2**40), (2**31 + 1, 2), (1, 2**32 + 1)):
        with pytest.raises(ParameterError, match=r"rows x cols must be a mesh of at most 4,294,967,296 nodes \(MAX_NODES\)"):
            func(rows, cols)
    assert routing.uniform_max_flows(1, routing.MAX_NODES) == 2**62


def test_uniform_saturation_names_the_shape_of_a_one_node_mesh():
    with pytest.raises(ParameterError, match="rows x cols .* at least 2 nodes"):
        routing.uniform_saturation(1, 1)


def test_channel_target_refuses_ids_beyond_int64():
    # Used to raise OverflowError.
    with pytest.raises(ParameterError, match="channels"):
        routing.channel_target([2**64], 3, 3)
    with pytest.raises(ParameterError, match="channels"):
        routing.channel_target(np.array([2**63], dtype=np.uint64), 3, 3)


def test_both_directions_names_its_parameter_and_checks_the_shape():
    # rows="3" used to raise numpy's UFuncTypeError.
    with pytest.raises(ParameterError, match="^rows"):
        routing.both_directions([0], "3", 3)
    with pytest.raises(ParameterError, match="dead_links .* 1-D"):
        routing.both_directions([[0], [5]], 1, 2)


def test_is_one_hop_refuses_arrays_of_different_lengths():
    # Used to broadcast [1] against two sources and answer [True, True].
    with pytest.raises(ParameterError, match="src, dst and ports must have one length"):
        routing.is_one_hop([0, 0], [1], [EAST, EAST], 3, 3)
    with pytest.raises(ParameterError, match="ports"):
        routing.is_one_hop([0], [1], [7], 3, 3)


def test_mesh_graph_refuses_bad_blocked_routers():
    # [1.5] used to block router 1, [99] to be ignored, "ab" to raise ValueError.
    for bad in ([1.5], [99], "ab", [-1]):
        with pytest.raises(ParameterError, match="blocked"):
            routing.mesh_graph(3, 3, bad)


def test_mesh_graph_is_limited_without_allocating():
    side = math.isqrt(routing.GRAPH_MAX_NODES)
    assert routing.mesh_graph(1, 2).number_of_edges() == 2
    with pytest.raises(ParameterError, match="GRAPH_MAX_NODES"):
        routing.mesh_graph(side, side + 1)
    with pytest.raises(ParameterError, match="GRAPH_MAX_NODES"):
        routing.mesh_graph(10**6, 10**6)


def test_window_paths_with_a_huge_margin_is_the_whole_mesh_window():
    # margin 2**62 used to overflow the kernel's window arithmetic.
    blocked = [4]
    huge = routing.window_paths(3, 3, [3], [5], blocked, margin=2**62)
    whole = routing.window_paths(3, 3, [3], [5], blocked, margin=3)
    assert huge.path(0).tolist() == whole.path(0).tolist() == [4 * 3 + SOUTH, 4 * 6 + EAST, 4 * 7 + EAST, 4 * 8 + 3]


def test_window_paths_refuses_non_integer_routers():
    # [0.5] used to be truncated to router 0; ["a"] raised ValueError.
    for name, kwargs in (("srcs", {"srcs": [0.5]}), ("srcs", {"srcs": ["a"]}), ("dsts", {"dsts": [None]}),
                         ("blocked", {"blocked": [1.5]}), ("blocked", {"blocked": [99]})):
        args = {"srcs": [0], "dsts": [8], "blocked": None} | kwargs
        with pytest.raises(ParameterError, match=name):
            routing.window_paths(3, 3, args["srcs"], args["dsts"], args["blocked"])


def test_window_paths_limits_the_cells_it_searches():
    side = 2**12
    far = side * side - 1  # opposite corners: every window is the whole mesh
    ps = routing.window_paths(side, side, [0], [far])
    assert ps.hops.tolist() == [2 * (side - 1)]
    with pytest.raises(ParameterError, match=r"srcs, dsts and margin .* \(MAX_WINDOW_CELLS\), got 50,331,648"):
        routing.window_paths(side, side, [0, 0, 0], [far, far, far])


def test_pathset_path_refuses_indexes_outside_it():
    # path(-1) used to return an empty path silently, path(5) to raise IndexError.
    for bad in (-1, 1, 5, 1.5, None):
        with pytest.raises(ParameterError, match="^i must"):
            PS.path(bad)
    with pytest.raises(ParameterError, match="holds none"):
        PathSet([0], [], []).path(0)


def test_pathset_refuses_inconsistent_arrays():
    # [0, 5] with one channel used to be accepted (later an AttributeError on lists).
    with pytest.raises(ParameterError, match="offsets"):
        PathSet([0, 5], [1], [True])
    with pytest.raises(ParameterError, match="found"):
        PathSet([0, 1], [1], [True, False])
    ps = PathSet([0, 1], [1], [True])   # lists are fine
    assert ps.offsets.dtype == ps.channels.dtype == np.int64 and ps.found.dtype == bool


def test_embedded_metrics_refuse_channels_outside_the_logical_mesh():
    # Links [0, 99] used to give a negative mean_route_extra_hops.
    with pytest.raises(ParameterError, match="links"):
        routing.embedded_uniform_metrics((1, 2), (1, 3), np.array([0, 99]), E.paths, E.p2l_nodes, E.p2l_logical)
    # Channel 1 (west of node 0) is no link of the 1 x 2 mesh.
    with pytest.raises(ParameterError, match="links must be links"):
        routing.embedded_uniform_metrics((1, 2), (1, 3), np.array([0, 1]), E.paths, E.p2l_nodes, E.p2l_logical)


def test_embedded_metrics_refuse_p2l_arrays_that_do_not_match():
    # p2l_nodes shorter than p2l_logical made the kernel read past its end;
    # unsorted p2l_nodes made its binary search miss.
    with pytest.raises(ParameterError, match="p2l_logical"):
        routing.embedded_uniform_metrics((1, 2), (1, 3), E.links, E.paths, E.p2l_nodes[:2], E.p2l_logical)
    with pytest.raises(ParameterError, match="p2l_nodes must be sorted"):
        routing.embedded_uniform_metrics((1, 2), (1, 3), E.links, E.paths, [2, 1, 0], [1, -1, 0])
    with pytest.raises(ParameterError, match="p2l_nodes"):
        routing.embedded_uniform_metrics((1, 2), (1, 3), E.links, E.paths, E.p2l_nodes.astype(float), E.p2l_logical)


def test_embedded_metrics_refuse_what_is_not_a_pathset_or_a_shape():
    with pytest.raises(ParameterError, match="paths must be a routing.PathSet"):
        routing.embedded_uniform_metrics((1, 2), (1, 3), E.links, None, E.p2l_nodes, E.p2l_logical)
    with pytest.raises(ParameterError, match="logical_shape must be a pair"):
        routing.embedded_uniform_metrics((1, 2, 3), (1, 3), *E)
    with pytest.raises(ParameterError, match="physical_shape must be a pair"):
        routing.embedded_uniform_metrics((1, 2), None, *E)


def test_a_path_channel_leaving_the_mesh_does_not_wrap_to_the_next_row():
    # Physical 2 x 2; logical 1 x 2 on physical nodes 1 and 2. Listed link
    # 5 (logical 1 -W-> 0) rides channel 4 * 1 + EAST, which leaves the mesh:
    # it used to be read as 1 -> 2 (the next row) and to add logical link 0's
    # flow to it, doubling gamma_max.
    paths = PathSet([0, 1], [4 * 1 + EAST], [True])
    m = routing.embedded_uniform_metrics((1, 2), (2, 2), [4 * 1 + WEST], paths, [1, 2], [0, 1])
    assert m.gamma_max == 0.5 and m.bandwidth_fraction == 1.0


def test_embed_dense_refuses_fractional_and_blocked_nodes():
    # [[0.5, 2]] used to be truncated to [[0, 2]]; a logical node on a blocked
    # router used to be accepted when its links were one hop.
    with pytest.raises(ParameterError, match="l2p must be physical node ids"):
        routing.embed_dense(np.array([[0.5, 2]]), (1, 3))
    with pytest.raises(ParameterError, match="l2p must map logical nodes to live routers, got blocked router 0"):
        routing.embed_dense(np.array([[0, 1]]), (1, 3), blocked=[0])
    with pytest.raises(ParameterError, match="l2p must be distinct, got physical node 2 twice"):
        routing.embed_dense(np.array([[2, 2]]), (1, 3))


def test_embed_dense_is_limited_without_allocating():
    with pytest.raises(ParameterError, match=r"physical_shape .* \(DENSE_MAX_NODES\)"):
        routing.embed_dense(np.array([[0, 1]]), (1, routing.DENSE_MAX_NODES + 1))
    with pytest.raises(ParameterError, match="DENSE_MAX_NODES"):
        routing.embed_dense(np.array([[0, 1]]), (2**31, 2**31))
    # At the limit a sparse map still works.
    e = routing.embed_dense(np.array([[0, 1]]), (1, routing.DENSE_MAX_NODES))
    assert e.links.size == 0 and e.p2l_nodes.size == routing.DENSE_MAX_NODES


def test_embed_dense_names_its_own_parameters_when_windows_are_too_large():
    # A 1 x 40 logical row zig-zagging between opposite corners of a
    # 1024 x 1024 mesh: 78 links whose windows are each the whole mesh.
    side = 2**10
    far = side * side - 1
    l2p = np.array([[k // 2 if k % 2 == 0 else far - k // 2 for k in range(40)]])
    with pytest.raises(ParameterError, match="^l2p and margin must ask for path windows"):
        routing.embed_dense(l2p, (side, side))


def test_die_grid_is_closed_form_at_any_allowed_size():
    # Used to build arrays of rows + cols entries (and int64 sums that could
    # overflow): two dies of 2**31 nodes side by side.
    m = routing.die_grid_uniform_metrics(1, 2**32, 1, 2**31, 0.5, 1.0)
    assert m.mean_route_extra_hops == 0.5       # half of all flows cross the one d2d edge
    assert m.max_route_extra_hops == 1.0
    assert m.bandwidth_fraction == 0.5          # the d2d edge is the bisection
    with pytest.raises(ParameterError, match="MAX_NODES"):
        routing.die_grid_uniform_metrics(2**40, 2**40, 1, 1, 0.5, 1.0)


def _numpy_die_grid(rows, cols, die_rows, die_cols, b, extra):
    """The former O(rows + cols) numpy evaluation, kept as an oracle."""
    n = rows * cols
    x, y = np.arange(cols - 1), np.arange(rows - 1)
    h_flows = (x + 1) * (cols - 1 - x) * rows
    v_flows = cols * (y + 1) * (rows - 1 - y)
    h_d2d, v_d2d = (x + 1) % die_cols == 0, (y + 1) % die_rows == 0
    worst = max(np.where(h_d2d, h_flows / b, h_flows).max(initial=0.0),
                np.where(v_d2d, v_flows / b, v_flows).max(initial=0.0))
    n_links = 2 * (rows * (cols - 1) + cols * (rows - 1))
    n_d2d = 2 * (rows * int(h_d2d.sum()) + cols * int(v_d2d.sum()))
    d2d_flows = 2 * (rows * int(h_flows[h_d2d].sum()) + cols * int(v_flows[v_d2d].sum()))
    crossings = (cols // die_cols - 1) + (rows // die_rows - 1)
    return routing.UniformMetrics(
        float(worst) / n, n / float(worst), routing.uniform_max_flows(rows, cols) / float(worst),
        extra * n_d2d / n_links if n_links else 0.0, extra if n_d2d else 0.0,
        extra * d2d_flows / (n * n), extra * crossings, routing.uniform_mean_hops(rows, cols),
    )


@given(st.integers(1, 12), st.integers(1, 12), st.integers(1, 6), st.integers(1, 6),
       st.floats(1e-3, 4.0), st.floats(0.0, 20.0))
@settings(max_examples=200)
def test_die_grid_closed_form_is_bit_identical_to_the_numpy_sums(die_rows, die_cols, dies_y, dies_x, b, extra):
    rows, cols = die_rows * dies_y, die_cols * dies_x
    if rows * cols < 2:
        return
    got = routing.die_grid_uniform_metrics(rows, cols, die_rows, die_cols, b, extra)
    assert got == _numpy_die_grid(rows, cols, die_rows, die_cols, b, extra)


def test_reference_refuses_maps_outside_the_mesh_or_on_dead_routers():
    # An id outside the mesh used to read as "no path" (None); a logical node
    # on a blocked router raised networkx's NodeNotFound.
    with pytest.raises(ParameterError, match="l2p must be physical node ids"):
        routing.reference_uniform_metrics(np.array([[0, 7]]), (1, 3))
    with pytest.raises(ParameterError, match="blocked router 0"):
        routing.reference_uniform_metrics(np.array([[0, 1]]), (1, 3), blocked=[0])
    with pytest.raises(ParameterError, match="dedicated must be links"):
        routing.reference_uniform_metrics(np.array([[0, 1]]), (1, 3), dedicated={1})


def test_reference_is_limited():
    side = math.isqrt(routing.REFERENCE_MAX_NODES)
    with pytest.raises(ParameterError, match="REFERENCE_MAX_NODES"):
        routing.reference_uniform_metrics(np.array([[0, 1]]), (side, side + 1))


def test_uniform_metrics_refuses_non_numbers():
    # UniformMetrics("a", ...) used to be accepted.
    with pytest.raises(ParameterError, match="^gamma_max must be a finite number > 0, got 'a'$"):
        routing.UniformMetrics("a", 1, 1, 0, 0, 0, 0, 0)
    m = routing.UniformMetrics(np.float64(0.5), np.int64(2), 1, 0, 0, 0, 0, 1.5)
    assert type(m.gamma_max) is float and m.saturation == 2.0


def test_embedding_is_checked_but_still_a_named_tuple():
    with pytest.raises(ParameterError, match="paths must hold one path per link"):
        routing.Embedding(E.links[:1], E.paths, E.p2l_nodes, E.p2l_logical)
    e = routing.Embedding(list(E.links), E.paths, list(E.p2l_nodes), list(E.p2l_logical))
    links, paths, nodes, logical = e
    assert links.tolist() == [0, 5] and paths is E.paths and e == tuple(e)
    assert e._replace(links=links).links is links


# --------------------------------------------------------------------------
# Valid but unusual input gives the right answer


def test_non_contiguous_and_other_integer_arrays_give_the_same_answers():
    def strided(a):
        view = np.repeat(np.asarray(a), 2)[::2]
        assert not view.flags.c_contiguous
        return view

    channels = np.array([0, 4, 6, 9])
    want = routing.uniform_flows(channels, 2, 3)
    assert routing.uniform_flows(strided(channels), 2, 3).tolist() == want.tolist()
    assert routing.uniform_flows(channels.astype(np.uint8), 2, 3).tolist() == want.tolist()
    assert routing.channel_target(strided(channels), 2, 3).tolist() == routing.channel_target(channels, 2, 3).tolist()
    assert routing.is_one_hop(strided([0, 0]), strided([1, 2]), strided([0, 0]), 1, 3).tolist() == [True, False]

    srcs, dsts, blocked = np.array([3, 0, 8]), np.array([5, 8, 0]), np.array([4, 7])
    want = routing.window_paths(3, 3, srcs, dsts, blocked, 1)
    got = routing.window_paths(3, 3, strided(srcs), strided(dsts).astype(np.int32), strided(blocked), 1)
    assert got.offsets.tolist() == want.offsets.tolist() and got.channels.tolist() == want.channels.tolist()

    l2p = np.array([[0, 2], [3, 5]])
    want = routing.embedded_uniform_metrics((2, 2), (2, 3), *routing.embed_dense(l2p, (2, 3)))
    e = routing.embed_dense(np.asfortranarray(l2p), (2, 3))
    got = routing.embedded_uniform_metrics(
        (2, 2), np.array([2, 3]), strided(e.links),
        PathSet(strided(e.paths.offsets), strided(e.paths.channels), strided(e.paths.found)),
        strided(e.p2l_nodes), strided(e.p2l_logical),
    )
    assert got == want


def test_empty_id_lists_and_numpy_scalars_are_accepted():
    assert routing.uniform_flows([], 3, 3).size == 0
    assert routing.channel_target(np.empty((0, 3)), 3, 3).size == 0
    assert routing.both_directions([], 3, 3).size == 0
    assert routing.xy_route(np.int64(0), np.int32(8), np.int64(3), np.uint8(3)) == routing.xy_route(0, 8, 3, 3)
    assert len(routing.window_paths(3, 3, [], [])) == 0
    assert PathSet([0], [], []).channels.dtype == np.int64
