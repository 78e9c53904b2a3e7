"""Node and channel numbering of a 2D mesh, and its networkx graph.

Nodes are numbered as BookSim numbers them, ``node = x + cols * y``; ``x`` is
the column and ``y`` the row. Every node has four output ports, and a directed
channel is named by the node it leaves and the port it leaves by:
``channel = 4 * node + port``. Ports that would leave the mesh name no channel.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from paramcheck import check_int

__all__ = [
    "EAST", "WEST", "SOUTH", "NORTH", "PORT_NAMES",
    "both_directions", "channel_target", "is_one_hop", "mesh_graph",
]

EAST, WEST, SOUTH, NORTH = 0, 1, 2, 3
PORT_NAMES = ("E", "W", "S", "N")
#: Step in (x, y) taken by each port.
PORT_STEP = ((1, 0), (-1, 0), (0, 1), (0, -1))
#: The port that comes back: E <-> W, S <-> N.
REVERSE_PORT = (1, 0, 3, 2)


def channel_target(channels: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Node each channel leads to, or -1 where the port leaves the mesh.

    Parameters
    ----------
    channels : array of int
        Channel ids, ``4 * node + port``.
    rows, cols : int
        Mesh shape.

    Returns
    -------
    ndarray of int64

    Examples
    --------
    >>> channel_target(np.array([4 * 0 + EAST, 4 * 0 + WEST, 4 * 1 + SOUTH]), 2, 3)
    array([ 1, -1,  4])
    """
    channels = np.asarray(channels, dtype=np.int64)
    node, port = np.divmod(channels, 4)
    y, x = np.divmod(node, cols)
    step = np.array(PORT_STEP, dtype=np.int64)
    tx = x + step[port, 0]
    ty = y + step[port, 1]
    inside = (tx >= 0) & (tx < cols) & (ty >= 0) & (ty < rows)
    return np.where(inside, tx + cols * ty, -1)


def both_directions(channels, rows: int, cols: int) -> np.ndarray:
    """Sorted channel ids of the links named by ``channels``, in both directions.

    A dead link is dead both ways; name it by either of its channels.

    Examples
    --------
    >>> both_directions([0], 1, 2).tolist()   # 0 -E-> 1, and 1 -W-> 0
    [0, 5]
    """
    from paramcheck import ParameterError

    channels = np.asarray([] if channels is None else channels, dtype=np.int64).ravel()
    target = channel_target(channels, rows, cols)
    if channels.size and ((channels < 0).any() or (channels >= 4 * rows * cols).any() or (target < 0).any()):
        raise ParameterError(f"dead_links must be channels of the {rows} x {cols} mesh, got one outside it")
    reverse = 4 * target + np.array(REVERSE_PORT, dtype=np.int64)[channels % 4]
    return np.unique(np.concatenate((channels, reverse)))


def is_one_hop(src: np.ndarray, dst: np.ndarray, ports: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Whether the channel leaving each ``src`` by ``port`` reaches ``dst``.

    Examples
    --------
    >>> is_one_hop(np.array([0, 0]), np.array([1, 2]), np.array([EAST, EAST]), 1, 3).tolist()
    [True, False]
    """
    src = np.asarray(src, dtype=np.int64)
    return channel_target(4 * src + np.asarray(ports, dtype=np.int64), rows, cols) == dst


def mesh_graph(
    rows: int, cols: int, blocked: np.ndarray | None = None, dead_links: np.ndarray | None = None
) -> nx.DiGraph:
    """The mesh as a directed networkx graph, without the blocked (dead) routers
    and dead links (either channel of a link names it).

    Each edge carries ``port`` (0..3, E W S N) and ``channel`` (its channel id).

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
    rows = check_int("rows", rows)
    cols = check_int("cols", cols)
    dead = set() if blocked is None else {int(b) for b in blocked}
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
