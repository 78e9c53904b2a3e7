"""The on-chip network: a 2D mesh with dead routers, XY routing, exact loads.

Works on arrays only (logical -> physical maps, dead-router lists) and imports
neither :mod:`wafer` nor :mod:`yieldmodels`.

Every public function checks its inputs and raises :class:`ParameterError`
(one line naming the parameter) on bad ones. Work and memory are bounded by
module constants, each named in the messages of the functions it limits:
:data:`MAX_NODES` (any mesh), :data:`GRAPH_MAX_NODES` (:func:`mesh_graph`),
:data:`MAX_ROUTE_HOPS` (:func:`xy_route`), :data:`MAX_WINDOW_CELLS`
(:func:`window_paths`), :data:`DENSE_MAX_NODES` (:func:`embed_dense`) and
:data:`REFERENCE_MAX_NODES` (:func:`reference_uniform_metrics`).

Examples
--------
>>> import routing
>>> routing.uniform_saturation(8, 8)
0.5
"""

from .dense import DENSE_MAX_NODES, Embedding, embed_dense
from .dies import die_grid_uniform_metrics
from .embedding import UniformMetrics, embedded_uniform_metrics
from .incremental import EmbeddingChanges, UniformBase
from paramcheck import ParameterError
from .mesh import (
    EAST, GRAPH_MAX_NODES, MAX_NODES, NORTH, SOUTH, WEST,
    both_directions, channel_target, is_one_hop, mesh_graph,
)
from .paths import MAX_WINDOW_CELLS, PathSet, window_paths, window_paths_batch
from .reference import REFERENCE_MAX_NODES, reference_uniform_metrics
from .xy import MAX_ROUTE_HOPS, uniform_flows, uniform_max_flows, uniform_mean_hops, uniform_saturation, xy_route

__all__ = [
    "EAST", "WEST", "SOUTH", "NORTH",
    "MAX_NODES", "GRAPH_MAX_NODES", "MAX_ROUTE_HOPS", "MAX_WINDOW_CELLS", "DENSE_MAX_NODES",
    "REFERENCE_MAX_NODES",
    "Embedding", "EmbeddingChanges", "ParameterError", "PathSet", "UniformBase", "UniformMetrics",
    "channel_target", "die_grid_uniform_metrics", "embed_dense", "embedded_uniform_metrics",
    "both_directions", "is_one_hop",
    "mesh_graph", "reference_uniform_metrics", "uniform_flows", "uniform_max_flows",
    "uniform_mean_hops", "uniform_saturation", "window_paths", "window_paths_batch", "xy_route",
]
