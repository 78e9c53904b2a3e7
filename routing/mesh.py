"""Node and channel numbering of a 2D mesh, and its networkx graph.

Nodes are numbered as BookSim numbers them, ``node = x + cols * y``; ``x`` is
the column and ``y`` the row. Every node has four output ports, and a directed
channel is named by the node it leaves and the port it leaves by:
``channel = 4 * node + port``. Ports that would leave the mesh name no channel.

Limits: a mesh has at most :data:`MAX_NODES` nodes, so that its channel ids
(``< 4 * MAX_NODES``) and uniform-traffic flow counts (``< MAX_NODES**2 / 4``)
fit in the int64 of a compiled kernel; :func:`mesh_graph` builds a networkx
graph of at most :data:`GRAPH_MAX_NODES` nodes.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from paramcheck import ParameterError, check_ids, check_int, shown

__all__ = [
    "EAST", "WEST", "SOUTH", "NORTH", "PORT_NAMES", "MAX_NODES", "GRAPH_MAX_NODES",
    "both_directions", "channel_target", "is_one_hop", "mesh_graph",
]

EAST, WEST, SOUTH, NORTH = 0, 1, 2, 3
PORT_NAMES = ("E", "W", "S", "N")
#: Step in (x, y) taken by each port.
PORT_STEP = ((1, 0), (-1, 0), (0, 1), (0, -1))
#: The port that comes back: E <-> W, S <-> N.
REVERSE_PORT = (1, 0, 3, 2)

#: Most nodes a mesh may have (2**32, about 4,400 WSE-3 wafers): channel ids
#: stay below 2**34 and uniform flow counts below 2**62, inside int64.
MAX_NODES = 2**32
#: Most nodes :func:`mesh_graph` builds a networkx graph of (256 x 256; about
#: 1.6 kB and 8 us per node, so ~100 MB and half a second at the limit).
GRAPH_MAX_NODES = 2**16


def _check_mesh(
    rows: object, cols: object, *, names: tuple[str, str] = ("rows", "cols"),
    label: str | None = None, limit: int = MAX_NODES, limit_name: str = "MAX_NODES",
) -> tuple[int, int]:
    """``(rows, cols)`` as ints >= 1 whose product is at most ``limit`` nodes.

    ``label`` names the shape in the message on the product (default
    ``"rows x cols"``), ``limit_name`` the module constant holding ``limit``.
    """
    r = check_int(names[0], rows)
    c = check_int(names[1], cols)
    if r * c > limit:
        label = label or f"{names[0]} x {names[1]}"
        raise ParameterError(
            f"{label} must be a mesh of at most {limit:,} nodes ({limit_name}), got {r:,} x {c:,} = {r * c:,}"
        )
    return r, c


def _check_shape(name: str, value: object, what: str, **limits) -> tuple[int, int]:
    """A ``(rows, cols)`` pair as two ints, checked as :func:`_check_mesh` checks them.

    The sides are named ``"{what} rows"`` and ``"{what} cols"`` in messages.
    """
    if isinstance(value, np.ndarray):
        value = value.tolist() if value.ndim == 1 else value
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ParameterError(f"{name} must be a pair (rows, cols) of integers >= 1, got {shown(value)}")
    return _check_mesh(value[0], value[1], names=(f"{what} rows", f"{what} cols"), label=name, **limits)


def _channels(name: str, value: object, rows: int, cols: int) -> np.ndarray:
    """``value`` as a contiguous 1-D int64 array of channel ids of a ``rows x cols`` mesh."""
    ids = check_ids(name, value, 4 * rows * cols, what=f"channel ids of the {rows} x {cols} mesh")
    return np.ascontiguousarray(ids)


def _nodes(name: str, value: object, rows: int, cols: int, what: str = "node ids") -> np.ndarray:
    """``value`` as a contiguous 1-D int64 array of node ids of a ``rows x cols`` mesh."""
    return np.ascontiguousarray(check_ids(name, value, rows * cols, what=what))


def _target(channels: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """:func:`channel_target` without the checks (valid int64 channel ids)."""
    node, port = np.divmod(channels, 4)
    y, x = np.divmod(node, cols)
    step = np.array(PORT_STEP, dtype=np.int64)
    tx = x + step[port, 0]
    ty = y + step[port, 1]
    inside = (tx >= 0) & (tx < cols) & (ty >= 0) & (ty < rows)
    return np.where(inside, tx + cols * ty, -1)


def channel_target(channels: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Node each channel leads to, or -1 where the port leaves the mesh.

    Parameters
    ----------
    channels : 1-D array of int
        Channel ids, ``4 * node + port``, in ``[0, 4 * rows * cols)``.
    rows, cols : int
        Mesh shape, at most :data:`MAX_NODES` nodes.

    Returns
    -------
    ndarray of int64

    Examples
    --------
    >>> channel_target(np.array([4 * 0 + EAST, 4 * 0 + WEST, 4 * 1 + SOUTH]), 2, 3)
    array([ 1, -1,  4])
    >>> channel_target([24], 2, 3)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: channels must be channel ids of the 2 x 3 mesh in [0, 24), got 24
    """
    rows, cols = _check_mesh(rows, cols)
    return _target(_channels("channels", channels, rows, cols), rows, cols)


def _links(name: str, value: object, rows: int, cols: int) -> np.ndarray:
    """``value`` (None for none) as channel ids of links: ports that stay in the mesh."""
    channels = _channels(name, [] if value is None else value, rows, cols)
    target = _target(channels, rows, cols)
    if (target < 0).any():
        bad = int(channels[target < 0][0])
        raise ParameterError(
            f"{name} must be links of the {rows} x {cols} mesh, got channel {bad}, whose port leaves the mesh"
        )
    return channels


def both_directions(dead_links, rows: int, cols: int) -> np.ndarray:
    """Sorted channel ids of the links named by ``dead_links``, in both directions.

    A dead link is dead both ways; name it by either of its channels.

    Parameters
    ----------
    dead_links : 1-D array of int, or None
        Channel ids of links (ports that stay inside the mesh); None for none.
    rows, cols : int
        Mesh shape, at most :data:`MAX_NODES` nodes.

    Examples
    --------
    >>> both_directions([0], 1, 2).tolist()   # 0 -E-> 1, and 1 -W-> 0
    [0, 5]
    >>> both_directions([1], 1, 2)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: dead_links must be links of the 1 x 2 mesh, got channel 1, whose port leaves the mesh
    """
    rows, cols = _check_mesh(rows, cols)
    channels = _links("dead_links", dead_links, rows, cols)
    reverse = 4 * _target(channels, rows, cols) + np.array(REVERSE_PORT, dtype=np.int64)[channels % 4]
    return np.unique(np.concatenate((channels, reverse)))


def is_one_hop(src: np.ndarray, dst: np.ndarray, ports: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Whether the channel leaving each ``src`` by ``port`` reaches ``dst``.

    Parameters
    ----------
    src, dst : 1-D array of int
        Node ids in ``[0, rows * cols)``.
    ports : 1-D array of int
        Ports in ``[0, 4)`` (E, W, S, N); ``src``, ``dst`` and ``ports`` have one length.
    rows, cols : int
        Mesh shape, at most :data:`MAX_NODES` nodes.

    Examples
    --------
    >>> is_one_hop(np.array([0, 0]), np.array([1, 2]), np.array([EAST, EAST]), 1, 3).tolist()
    [True, False]
    """
    rows, cols = _check_mesh(rows, cols)
    src = _nodes("src", src, rows, cols)
    dst = _nodes("dst", dst, rows, cols)
    ports = check_ids("ports", ports, 4, what="ports (E, W, S, N)")
    if not src.size == dst.size == ports.size:
        raise ParameterError(
            f"src, dst and ports must have one length, got {src.size}, {dst.size} and {ports.size}"
        )
    return _target(4 * src + ports, rows, cols) == dst


def mesh_graph(
    rows: int, cols: int, blocked: np.ndarray | None = None, dead_links: np.ndarray | None = None
) -> nx.DiGraph:
    """The mesh as a directed networkx graph, without the blocked (dead) routers
    and dead links (either channel of a link names it).

    Each edge carries ``port`` (0..3, E W S N) and ``channel`` (its channel id).

    Parameters
    ----------
    rows, cols : int
        Mesh shape, at most :data:`GRAPH_MAX_NODES` nodes.
    blocked : 1-D array of int, optional
        Dead routers (node ids).
    dead_links : 1-D array of int, optional
        Dead links, each named by either of its channels.

    Notes
    -----
    O(rows * cols) time and memory in networkx (about 1.6 kB per node), hence
    the limit :data:`GRAPH_MAX_NODES`.

    Examples
    --------
    >>> g = mesh_graph(2, 2)
    >>> sorted(g.edges(0, data="port"))
    [(0, 1, 0), (0, 2, 2)]
    >>> mesh_graph(2, 2, blocked=np.array([3])).number_of_edges()
    4
    >>> mesh_graph(2, 2, dead_links=np.array([0])).number_of_edges()
    6
    """
    rows, cols = _check_mesh(rows, cols, limit=GRAPH_MAX_NODES, limit_name="GRAPH_MAX_NODES")
    dead = set(_nodes("blocked", [] if blocked is None else blocked, rows, cols, "router ids").tolist())
    cut = set(both_directions(dead_links, rows, cols).tolist())
    g = nx.DiGraph()
    g.add_nodes_from(n for n in range(rows * cols) if n not in dead)
    for node in g.nodes:
        y, x = divmod(node, cols)
        for port, (dx, dy) in enumerate(PORT_STEP):
            tx, ty = x + dx, y + dy
            target = tx + cols * ty
            inside = 0 <= tx < cols and 0 <= ty < rows
            if inside and target not in dead and 4 * node + port not in cut:
                g.add_edge(node, target, port=port, channel=4 * node + port)
    return g
