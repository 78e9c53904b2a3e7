"""The on-chip network: a 2D mesh with dead routers, link classes, traffic, routing, exact loads.

- :mod:`routing.network`: :class:`Network`, nodes and CSR channels with a link
  class each (:mod:`routing.links`: bandwidth, latency, energy per bit);
- :mod:`routing.traffic`: traffic patterns and workloads by name, as sparse
  :class:`Flows`; :mod:`routing.loads`: routing functions by name (XY, YX)
  and exact channel loads of any pattern;
- uniform traffic on a logical mesh embedded in a physical one
  (:func:`embedded_uniform_metrics`), and on many wafers as changes of one
  fault-free embedding (:class:`UniformBase`).

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
from .figures import FIGURES, embedded_figures, network_bottlenecks, network_figures
from .incremental import EmbeddedTraffic, EmbeddingChanges, UniformBase
from .links import (
    LINK_CLASS_FILE_MAX_BYTES, LINK_CLASSES, MAX_LINK_CLASSES, LinkClass, LinkClassTable, get_link_class,
    load_link_classes,
)
from .loads import PATHS_MAX_CHANNELS, ROUTINGS, LoadMetrics, Routing, channel_loads, route_paths, traffic_metrics
from .network import MAX_NETWORK_CHANNELS, MAX_NETWORK_NODES, Network
from .traffic import (
    MAX_FLOWS, PATTERNS, REQUIRED, TRAFFIC_FILE_MAX_BYTES, TRAFFIC_MAX_NODES, UNIFORM_MAX_NODES, Flows, Pattern,
    describe_patterns, make_traffic,
)
from paramcheck import ParameterError
from .mesh import (
    EAST, GRAPH_MAX_NODES, MAX_NODES, NORTH, SOUTH, WEST,
    both_directions, channel_target, is_one_hop, mesh_graph,
)
from .paths import MAX_WINDOW_CELLS, PathSet, window_paths, window_paths_batch
from .reference import REFERENCE_MAX_NODES, reference_uniform_metrics
from .xy import (
    MAX_ROUTE_HOPS, uniform_channel_flows, uniform_flows, uniform_max_flows, uniform_mean_hops, uniform_saturation,
    xy_route,
)

__all__ = [
    "LINK_CLASSES", "LINK_CLASS_FILE_MAX_BYTES", "MAX_LINK_CLASSES", "LinkClass", "LinkClassTable",
    "get_link_class", "load_link_classes", "MAX_NETWORK_CHANNELS", "MAX_NETWORK_NODES", "Network",
    "TRAFFIC_MAX_NODES", "MAX_FLOWS", "UNIFORM_MAX_NODES", "TRAFFIC_FILE_MAX_BYTES", "Flows", "Pattern",
    "PATTERNS", "REQUIRED", "describe_patterns", "make_traffic", "PATHS_MAX_CHANNELS", "ROUTINGS", "Routing",
    "LoadMetrics", "route_paths", "channel_loads", "traffic_metrics", "EAST", "WEST", "SOUTH", "NORTH",
    "MAX_NODES", "GRAPH_MAX_NODES", "MAX_ROUTE_HOPS", "MAX_WINDOW_CELLS", "DENSE_MAX_NODES",
    "REFERENCE_MAX_NODES", "Embedding", "EmbeddingChanges", "ParameterError", "PathSet", "UniformBase",
    "UniformMetrics", "channel_target", "die_grid_uniform_metrics", "embed_dense",
    "embedded_uniform_metrics", "both_directions", "is_one_hop", "mesh_graph", "reference_uniform_metrics",
    "uniform_flows", "uniform_max_flows", "uniform_mean_hops", "uniform_saturation", "window_paths",
    "window_paths_batch", "xy_route", "EmbeddedTraffic", "uniform_channel_flows",
    "FIGURES", "embedded_figures", "network_bottlenecks", "network_figures",
]
