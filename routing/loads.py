"""Routing functions on the logical mesh, and the exact channel loads of traffic.

Routing functions are registered by name in :data:`ROUTINGS`, as BookSim
registers its routing functions: ``"xy"`` and ``"yx"``, dimension-order
routing (x first, or y first). A :class:`Routing` gives each flow's path
(:func:`route_paths`, for small cases and tests) and, for the fast path, the
load of every channel (:func:`channel_loads`), never an all-pairs table.
:func:`traffic_metrics` sums a pattern up: the most loaded channels, the
saturation scale and the hop counts.

Channels are ``4 * node + port`` (:mod:`routing.mesh`); a load is in bytes per
step, the unit of :class:`routing.traffic.Flows`.

Limits: loads are for meshes of at most
:data:`routing.traffic.TRAFFIC_MAX_NODES` nodes; :func:`route_paths` lists at
most :data:`PATHS_MAX_CHANNELS` channels.

References
----------
.. [1] W. J. Dally and B. Towles, *Principles and Practices of
   Interconnection Networks*, Morgan Kaufmann 2004: sec. 3.3 (channel load,
   saturation throughput), ch. 8 (dimension-order routing).
.. [2] N. Jiang et al., "A detailed and flexible cycle-accurate
   network-on-chip simulator", ISPASS 2013 (BookSim 2: ``dim_order_mesh``,
   routing functions registered by name).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import partial

import numpy as np

from ._loads_kernel import _dor_loads, _dor_paths
from paramcheck import ParameterError, check_choice, check_instance, check_int, check_positive, check_real, shown
from .mesh import PORT_NAMES, _check_mesh, _nodes
from .paths import PathSet
from .traffic import TRAFFIC_MAX_NODES, Flows
from .xy import uniform_channel_flows

__all__ = [
    "PATHS_MAX_CHANNELS",
    "ROUTINGS",
    "Routing",
    "LoadMetrics",
    "route_paths",
    "channel_loads",
    "traffic_metrics",
]

#: Most channels :func:`route_paths` lists in one call (2**24: 128 MiB).
PATHS_MAX_CHANNELS = 2**24


def _manhattan(src: np.ndarray, dst: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Hops of a minimal route: ``|dx| + |dy|`` (int64)."""
    sy, sx = np.divmod(src, cols)
    dy, dx = np.divmod(dst, cols)
    return np.abs(sx - dx) + np.abs(sy - dy)


def _manhattan_pairs(rows: int, cols: int) -> np.ndarray:
    """Ordered pairs of distinct nodes at each Manhattan distance ``0 .. rows + cols - 2``.

    Ordered pairs of columns at distance ``d`` number ``cols`` for ``d = 0`` and
    ``2 (cols - d)`` otherwise, rows alike; the distribution of ``|dx| + |dy|``
    is the convolution of the two, less the ``N`` pairs of a node with
    itself. float64, O(rows * cols).
    """
    def per_dim(k: int) -> np.ndarray:
        c = 2.0 * (k - np.arange(k))
        c[0] = k
        return c

    pairs = np.convolve(per_dim(cols), per_dim(rows))
    pairs[0] -= rows * cols
    return pairs


def _dor_route(src, dst, rows, cols, *, y_first: bool) -> PathSet:
    hops = _manhattan(src, dst, rows, cols)
    offsets = np.zeros(src.size + 1, dtype=np.int64)
    np.cumsum(hops, out=offsets[1:])
    out = np.empty(int(offsets[-1]), dtype=np.int64)
    _dor_paths(src, dst, cols, y_first, offsets, out)
    return PathSet._trusted(offsets, out, np.ones(src.size, dtype=bool))


def _dor_channel_loads(src, dst, weight, rows, cols, *, y_first: bool) -> np.ndarray:
    out = np.zeros(4 * rows * cols)
    _dor_loads(src, dst, weight, rows, cols, y_first, out)
    return out


@dataclass(frozen=True)
class Routing:
    """A registered routing function of the logical mesh.

    The callables take checked arrays (int64 node ids of a ``rows x cols``
    mesh, float64 weights >= 0) and never build an all-pairs table.

    Attributes
    ----------
    name, description : str
    route : callable
        ``route(src, dst, rows, cols) -> PathSet``: each flow's channels.
    loads : callable
        ``loads(src, dst, weight, rows, cols) -> ndarray``: bytes per step on
        every channel (``4 * rows * cols``), ports leaving the mesh 0.
    uniform_flows : callable
        ``uniform_flows(rows, cols) -> ndarray``: the number of ordered node
        pairs whose route uses each channel (float64, ``4 * rows * cols``).
    hops : callable
        ``hops(src, dst, rows, cols) -> ndarray``: channels of each route.
    uniform_hops : callable
        ``uniform_hops(rows, cols) -> ndarray``: ordered pairs of distinct
        nodes whose route has ``h`` hops, for ``h = 0, 1, ...`` (float64).

    Examples
    --------
    >>> r = ROUTINGS["yx"]
    >>> r.route(np.array([0]), np.array([5]), 2, 3).path(0).tolist()   # S, then E, E
    [2, 12, 16]
    >>> Routing("x", "-", None, None, None, None, None)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: route must be a callable, got None
    """

    name: str
    description: str
    route: Callable[..., PathSet]
    loads: Callable[..., np.ndarray]
    uniform_flows: Callable[[int, int], np.ndarray]
    hops: Callable[..., np.ndarray]
    uniform_hops: Callable[[int, int], np.ndarray]

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("name", "description"):
                if not isinstance(value, str):
                    raise ParameterError(f"{f.name} must be a string, got {shown(value)}")
            elif not callable(value):
                raise ParameterError(f"{f.name} must be a callable, got {shown(value)}")


def _dimension_order(name: str, y_first: bool, description: str) -> Routing:
    # Uniform traffic loads XY and YX alike: the YX route s -> d takes the
    # reverses of the channels of the XY route d -> s, and under XY a channel
    # and its reverse carry equal uniform flow counts (E leaving column x and
    # W leaving x + 1: (x + 1) (cols - 1 - x) rows each; S and N alike).
    return Routing(
        name, description,
        partial(_dor_route, y_first=y_first), partial(_dor_channel_loads, y_first=y_first),
        uniform_channel_flows, _manhattan, _manhattan_pairs,
    )


#: Routing functions by name.
ROUTINGS: dict[str, Routing] = {
    r.name: r for r in (
        _dimension_order("xy", False, "dimension order: along the row (x) first, then the column (y)"),
        _dimension_order("yx", True, "dimension order: along the column (y) first, then the row (x)"),
    )
}


def _routing(routing: object) -> Routing:
    return ROUTINGS[check_choice("routing", routing, ROUTINGS)]


def route_paths(src, dst, rows: int, cols: int, routing: str = "xy") -> PathSet:
    """The channels of each flow's route, as a :class:`routing.PathSet`.

    Parameters
    ----------
    src, dst : 1-D array of int
        Node ids of a ``rows x cols`` mesh, one length.
    rows, cols : int
        Mesh shape, at most :data:`routing.mesh.MAX_NODES` nodes.
    routing : str
        A key of :data:`ROUTINGS`.

    Notes
    -----
    O(flows + total hops); the routes hold at most :data:`PATHS_MAX_CHANNELS`
    channels in all. For small cases and tests: :func:`channel_loads` gives
    the loads without listing paths.

    Examples
    --------
    >>> ps = route_paths([0, 5], [5, 0], 2, 3)       # XY: E E S, then W W N
    >>> ps.path(0).tolist(), ps.path(1).tolist()
    ([0, 4, 10], [21, 17, 15])
    >>> route_paths([0], [5], 2, 3, routing="XY")
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: routing must be one of 'xy', 'yx', got 'XY' (did you mean 'xy'?)
    """
    rows, cols = _check_mesh(rows, cols)
    src = _nodes("src", src, rows, cols)
    dst = _nodes("dst", dst, rows, cols)
    if src.size != dst.size:
        raise ParameterError(f"src and dst must have one length, got {src.size} and {dst.size}")
    r = _routing(routing)
    total = int(r.hops(src, dst, rows, cols).sum())
    if total > PATHS_MAX_CHANNELS:
        raise ParameterError(
            f"src and dst must have routes of at most {PATHS_MAX_CHANNELS:,} channels in all"
            f" (PATHS_MAX_CHANNELS), got {total:,}"
        )
    return r.route(src, dst, rows, cols)


def _checked(flows: object, rows: object, cols: object, routing: object) -> tuple[Flows, int, int, Routing]:
    check_instance("flows", flows, Flows, "a routing.traffic.Flows")
    rows, cols = _check_mesh(rows, cols, limit=TRAFFIC_MAX_NODES, limit_name="TRAFFIC_MAX_NODES")
    if flows.n_nodes != rows * cols:
        raise ParameterError(
            f"flows must be traffic on the {rows} x {cols} mesh ({rows * cols:,} nodes), got flows on"
            f" {flows.n_nodes:,} nodes"
        )
    return flows, rows, cols, _routing(routing)


def channel_loads(flows: Flows, rows: int, cols: int, routing: str = "xy") -> np.ndarray:
    """Exact load of every channel, in bytes per step.

    Parameters
    ----------
    flows : routing.traffic.Flows
        Traffic on the ``rows x cols`` mesh (``flows.n_nodes == rows * cols``).
    rows, cols : int
        Mesh shape, at most :data:`routing.traffic.TRAFFIC_MAX_NODES` nodes.
    routing : str
        A key of :data:`ROUTINGS`.

    Returns
    -------
    ndarray of float64, shape (4 * rows * cols,)
        Bytes per step on channel ``4 * node + port``; 0 for ports leaving the
        mesh.

    Notes
    -----
    O(flows + channels). A dimension-order route is one horizontal and one
    vertical segment: the kernel adds ``+w`` where each segment starts and
    ``-w`` where it ends, in a difference array per port, then takes running
    sums along every row (E, W) and column (S, N). Uniform traffic
    (:attr:`Flows.uniform` = ``u``) adds ``u / (N - 1)`` times the closed-form
    flow count of each channel (:func:`routing.xy.uniform_flows`). Loads are
    exact up to the rounding of the running sums (exact for integer bytes
    below 2**53); a rounding residue below zero is set to zero.

    Examples
    --------
    >>> from routing.traffic import Flows, make_traffic
    >>> loads = channel_loads(Flows([0], [5], [2.0], 6), 2, 3)    # E E S from node 0
    >>> {int(c): float(loads[c]) for c in np.flatnonzero(loads)}
    {0: 2.0, 4: 2.0, 10: 2.0}
    >>> float(channel_loads(make_traffic("uniform", 8, 8), 8, 8).max()) * 63   # k**3 / 4 flows
    128.0
    """
    flows, rows, cols, r = _checked(flows, rows, cols, routing)
    loads = r.loads(flows.src, flows.dst, flows.weight, rows, cols)
    if flows.uniform:
        loads += r.uniform_flows(rows, cols) * (flows.uniform / (rows * cols - 1))
    return loads


@dataclass(frozen=True)
class LoadMetrics:
    """Channel-load and hop metrics of a traffic pattern under a routing.

    Attributes
    ----------
    max_load : float
        Bytes per step on the most loaded channel (>= 0).
    bandwidth : float
        Link bandwidth in bits per cycle (> 0).
    bottlenecks : tuple of (channel, x, y, port, load)
        The most loaded channels, most loaded first (ties by channel id),
        only channels with a load > 0: channel id, its node's column ``x``
        and row ``y``, port name (``"E"``, ``"W"``, ``"S"``, ``"N"``), load.
    total_bytes : float
        Bytes per step offered by all nodes.
    mean_hops : float
        Mean hops per byte (hops of each flow's route weighted by its bytes).
    p99_hops : int
        The least ``h`` such that at least 99% of the bytes travel at most
        ``h`` hops.
    max_hops : int
        Hops of the longest route carrying bytes.

    Examples
    --------
    >>> m = LoadMetrics(64.0, 32.0, ((0, 0, 0, "E", 64.0),), 64.0, 1.0, 1, 1)
    >>> m.saturation_scale
    0.0625
    >>> LoadMetrics(-1.0, 32.0, (), 0.0, 0.0, 0, 0)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: max_load must be a finite number >= 0 (bytes per step), got -1.0
    """

    max_load: float
    bandwidth: float
    bottlenecks: tuple
    total_bytes: float
    mean_hops: float
    p99_hops: int
    max_hops: int

    def __post_init__(self) -> None:
        set_ = partial(object.__setattr__, self)
        set_("max_load", check_real("max_load", self.max_load, lower=0.0, unit="bytes per step"))
        set_("bandwidth", check_positive("bandwidth", self.bandwidth, "bits per cycle"))
        set_("bottlenecks", _check_bottlenecks(self.bottlenecks))
        set_("total_bytes", check_real("total_bytes", self.total_bytes, lower=0.0, unit="bytes per step"))
        set_("mean_hops", check_real("mean_hops", self.mean_hops, lower=0.0))
        set_("p99_hops", check_int("p99_hops", self.p99_hops, minimum=0))
        set_("max_hops", check_int("max_hops", self.max_hops, minimum=0))

    @property
    def saturation_scale(self) -> float:
        """Steps per cycle the bottleneck channel sustains: ``bandwidth / (8 *
        max_load)``, the factor by which the pattern's rate can grow before a
        channel saturates when one step is one cycle (Dally & Towles:
        throughput = bandwidth / gamma_max); ``inf`` with no load."""
        return math.inf if self.max_load == 0.0 else self.bandwidth / (8.0 * self.max_load)


def _check_bottlenecks(value: object) -> tuple:
    allowed = "a tuple of (channel, x, y, port, load) entries"
    if not isinstance(value, tuple):
        raise ParameterError(f"bottlenecks must be {allowed}, got {shown(value)}")
    out = []
    for entry in value:
        if not (isinstance(entry, tuple) and len(entry) == 5 and entry[3] in PORT_NAMES):
            raise ParameterError(f"bottlenecks must be {allowed} (port one of E W S N), got entry {shown(entry)}")
        channel, x, y = (check_int(n, v, minimum=0) for n, v in zip(("channel", "x", "y"), entry[:3]))
        out.append((channel, x, y, entry[3], check_real("load", entry[4], lower=0.0, unit="bytes per step")))
    return tuple(out)


def _top(loads: np.ndarray, k: int, cols: int) -> tuple:
    """The ``k`` most loaded channels with a load > 0, as bottleneck entries."""
    positive = np.flatnonzero(loads > 0.0)
    if 0 < k < positive.size:
        threshold = np.partition(loads[positive], positive.size - k)[positive.size - k]
        positive = positive[loads[positive] >= threshold]
    order = np.lexsort((positive, -loads[positive]))[:k]
    out = []
    for c in positive[order].tolist():
        node, port = divmod(c, 4)
        y, x = divmod(node, cols)
        out.append((c, x, y, PORT_NAMES[port], float(loads[c])))
    return tuple(out)


def traffic_metrics(
    flows: Flows, rows: int, cols: int, routing: str = "xy", bandwidth: float = 32.0, top: int = 5
) -> LoadMetrics:
    """Load and hop metrics of ``flows`` routed by ``routing``.

    Parameters
    ----------
    flows : routing.traffic.Flows
        Traffic on the ``rows x cols`` mesh.
    rows, cols : int
        Mesh shape, at most :data:`routing.traffic.TRAFFIC_MAX_NODES` nodes.
    routing : str
        A key of :data:`ROUTINGS`.
    bandwidth : float
        Link bandwidth in bits per cycle (> 0); 32 is one 32-bit wavelet per
        cycle, the WSE fabric's.
    top : int
        Bottleneck channels to list (>= 0).

    Returns
    -------
    LoadMetrics

    Notes
    -----
    O(flows + channels): :func:`channel_loads`, a partial sort for the top
    channels, and a histogram of hops over ``rows + cols - 1`` bins (uniform
    traffic's from the closed-form distribution of Manhattan distances).

    Examples
    --------
    >>> from routing.traffic import make_traffic
    >>> m = traffic_metrics(make_traffic("bitcomp", 4, 4), 4, 4)
    >>> m.max_load, m.bottlenecks[0], m.mean_hops, m.p99_hops, m.max_hops
    (2.0, (4, 1, 0, 'E', 2.0), 4.0, 6, 6)
    >>> traffic_metrics(make_traffic("uniform", 8, 8), 8, 8, bandwidth=8).saturation_scale  # 0.5 * 63 / 64
    0.4921875
    """
    flows, rows, cols, r = _checked(flows, rows, cols, routing)
    bandwidth = check_positive("bandwidth", bandwidth, "bits per cycle")
    top = check_int("top", top, minimum=0)
    loads = channel_loads(flows, rows, cols, routing)
    hops = r.hops(flows.src, flows.dst, rows, cols)
    hist = np.bincount(hops, weights=flows.weight, minlength=rows + cols - 1).astype(np.float64)
    if flows.uniform:
        hist += r.uniform_hops(rows, cols) * (flows.uniform / (rows * cols - 1))
    total = float(hist.sum())
    h = np.arange(hist.size)
    carried = np.flatnonzero(hist > 0)
    if total > 0:
        cum = np.cumsum(hist)
        p99 = int(np.searchsorted(cum, 0.99 * cum[-1], side="left"))
        mean = float((h * hist).sum() / total)
    else:
        p99, mean = 0, 0.0
    return LoadMetrics(
        max_load=float(loads.max()), bandwidth=bandwidth, bottlenecks=_top(loads, top, cols),
        total_bytes=flows.total, mean_hops=mean, p99_hops=p99,
        max_hops=int(carried[-1]) if carried.size else 0,
    )
