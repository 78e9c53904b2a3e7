"""The on-chip network: a 2D mesh with dead routers, XY routing, exact loads.

Works on arrays only (logical -> physical maps, dead-router lists) and imports
neither :mod:`wafer` nor :mod:`yieldmodels`.

Examples
--------
>>> import routing
>>> routing.uniform_saturation(8, 8)
0.5
"""

from .dense import Embedding, embed_dense
from .dies import die_grid_uniform_metrics
from .embedding import UniformMetrics, embedded_uniform_metrics
from paramcheck import ParameterError
from .mesh import EAST, NORTH, SOUTH, WEST, both_directions, channel_target, is_one_hop, mesh_graph
from .paths import PathSet, window_paths
from .reference import reference_uniform_metrics
from .xy import uniform_flows, uniform_max_flows, uniform_mean_hops, uniform_saturation, xy_route

__all__ = [
    "EAST", "WEST", "SOUTH", "NORTH",
    "Embedding", "ParameterError", "PathSet", "UniformMetrics",
    "channel_target", "die_grid_uniform_metrics", "embed_dense", "embedded_uniform_metrics",
    "both_directions", "is_one_hop",
    "mesh_graph", "reference_uniform_metrics", "uniform_flows", "uniform_max_flows",
    "uniform_mean_hops", "uniform_saturation", "window_paths", "xy_route",
]
