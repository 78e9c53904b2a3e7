"""Dimension-order (XY) routing on a mesh, and its exact channel loads under
uniform random traffic.

Uniform traffic follows BookSim's convention: every node sends to every node,
itself included, with equal probability, so a mesh of ``N`` nodes carries
``N * N`` equally weighted flows. The *flow count* of a channel is the number of
(source, destination) pairs whose route uses it; at an injection rate of
``lam`` flits/node/cycle the channel carries ``lam * flows / N`` flits/cycle,
so its load per unit injection is ``gamma = flows / N`` (Dally & Towles,
*Principles and Practices of Interconnection Networks*, ch. 3).

Limits: a mesh has at most :data:`routing.mesh.MAX_NODES` nodes; an XY route
built as a list has at most :data:`MAX_ROUTE_HOPS` channels.
"""

from __future__ import annotations

import numpy as np

from paramcheck import ParameterError, check_int, check_positive
from .mesh import EAST, NORTH, SOUTH, WEST, _channels, _check_mesh

__all__ = [
    "uniform_channel_flows",
    "MAX_ROUTE_HOPS",
    "xy_route",
    "uniform_flows",
    "uniform_max_flows",
    "uniform_mean_hops",
    "uniform_saturation",
]


#: Most channels :func:`xy_route` lists (2**20: a Python list of ~40 MB).
MAX_ROUTE_HOPS = 2**20


def xy_route(src: int, dst: int, rows: int, cols: int) -> list[int]:
    """Channels of the XY route from ``src`` to ``dst``: first along x, then y.

    Parameters
    ----------
    src, dst : int
        Node ids in ``[0, rows * cols)``, at most :data:`MAX_ROUTE_HOPS` hops apart.
    rows, cols : int
        Mesh shape, at most :data:`routing.mesh.MAX_NODES` nodes.

    Notes
    -----
    O(hops), in plain Python: a reference for the closed forms and kernels.

    Examples
    --------
    >>> xy_route(0, 5, 2, 3)   # (0,0) -> (2,1): E, E, S
    [0, 4, 10]
    >>> xy_route(4, 4, 2, 3)
    []
    >>> xy_route(0, 99, 3, 3)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: dst must be an integer in [0, 8], got 99
    """
    rows, cols = _check_mesh(rows, cols)
    src = check_int("src", src, minimum=0, maximum=rows * cols - 1)
    dst = check_int("dst", dst, minimum=0, maximum=rows * cols - 1)
    sy, sx = divmod(src, cols)
    dy, dx = divmod(dst, cols)
    hops = abs(sx - dx) + abs(sy - dy)
    if hops > MAX_ROUTE_HOPS:
        raise ParameterError(
            f"src and dst must be at most {MAX_ROUTE_HOPS:,} hops apart (MAX_ROUTE_HOPS), got {hops:,}"
        )
    route = []
    x, y = sx, sy
    while x != dx:
        port = EAST if dx > x else WEST
        route.append(4 * (x + cols * y) + port)
        x += 1 if port == EAST else -1
    while y != dy:
        port = SOUTH if dy > y else NORTH
        route.append(4 * (x + cols * y) + port)
        y += 1 if port == SOUTH else -1
    return route


def uniform_flows(channels: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Exact number of uniform-traffic flows through each channel under XY routing.

    Parameters
    ----------
    channels : 1-D array of int
        Channel ids ``4 * node + port`` of a ``rows x cols`` mesh, in
        ``[0, 4 * rows * cols)``.
    rows, cols : int
        Mesh shape, at most :data:`routing.mesh.MAX_NODES` nodes.

    Returns
    -------
    ndarray of int64
        Flow counts; 0 for a port that leaves the mesh.

    Notes
    -----
    An east channel leaving column ``x`` carries every flow from a source at a
    column ``<= x`` of its row to a destination at a column ``> x`` in any row:
    ``(x + 1) (cols - 1 - x) rows`` flows. A south channel leaving row ``y`` in
    column ``x`` carries every flow to column ``x`` from a source at a row
    ``<= y`` (in any column) to a row ``> y``: ``cols (y + 1) (rows - 1 - y)``.
    West and north mirror these. O(1) per channel.

    Examples
    --------
    >>> uniform_flows(np.array([0, 4 * 1 + 0, 4 * 1 + 2]), 2, 3)  # E at x=0, E at x=1, S at (1, 0)
    array([4, 4, 3])
    """
    rows, cols = _check_mesh(rows, cols)
    channels = _channels("channels", channels, rows, cols)
    node, port = np.divmod(channels, 4)
    y, x = np.divmod(node, cols)
    east = (x + 1) * (cols - 1 - x) * rows
    west = x * (cols - x) * rows
    south = cols * (y + 1) * (rows - 1 - y)
    north = cols * y * (rows - y)
    return np.choose(port, [east, west, south, north]).astype(np.int64)


def uniform_channel_flows(rows: int, cols: int) -> np.ndarray:
    """:func:`uniform_flows` of every channel ``0 .. 4 * rows * cols - 1``, as float64.

    Built from the four per-port closed forms, which depend on one coordinate
    each: O(rows * cols) time and one output array of memory (8 bytes per channel).

    Examples
    --------
    >>> uniform_channel_flows(2, 3).reshape(2, 3, 4)[0].tolist()   # row 0: E, W, S, N of x = 0, 1, 2
    [[4.0, 0.0, 3.0, 0.0], [4.0, 4.0, 3.0, 0.0], [0.0, 4.0, 3.0, 0.0]]
    """
    rows, cols = _check_mesh(rows, cols)
    x = np.arange(cols, dtype=np.float64)
    y = np.arange(rows, dtype=np.float64)
    out = np.empty((rows, cols, 4))
    out[:, :, 0] = (x + 1) * (cols - 1 - x) * rows
    out[:, :, 1] = x * (cols - x) * rows
    out[:, :, 2] = (cols * (y + 1) * (rows - 1 - y))[:, None]
    out[:, :, 3] = (cols * y * (rows - y))[:, None]
    return out.reshape(-1)


def uniform_max_flows(rows: int, cols: int) -> int:
    """Largest flow count over all channels of a fault-free mesh under XY routing.

    For a ``k x k`` mesh this is ``k**3 / 4`` for even ``k``, i.e. a maximum
    channel load ``gamma_max = k / 4`` (the bisection bound).

    Examples
    --------
    >>> uniform_max_flows(8, 8) / 64
    2.0
    """
    rows, cols = _check_mesh(rows, cols)
    hx = (cols // 2) * (cols - cols // 2) * rows
    vy = (rows // 2) * (rows - rows // 2) * cols
    return int(max(hx, vy))


def uniform_mean_hops(rows: int, cols: int) -> float:
    """Mean hop count of XY routes under uniform traffic (self-traffic included).

    ``E|dx| + E|dy| = (cols**2 - 1) / (3 cols) + (rows**2 - 1) / (3 rows)``.

    Examples
    --------
    >>> round(uniform_mean_hops(8, 8), 4)
    5.25
    """
    rows, cols = _check_mesh(rows, cols)
    return (cols * cols - 1) / (3 * cols) + (rows * rows - 1) / (3 * rows)


def uniform_saturation(rows: int, cols: int, bandwidth: float = 1.0) -> float:
    """Saturation throughput in flits/node/cycle: ``bandwidth / gamma_max``.

    Examples
    --------
    >>> uniform_saturation(8, 8)   # 4 / k
    0.5
    """
    rows, cols = _check_mesh(rows, cols)
    if rows * cols < 2:
        raise ParameterError(f"rows x cols must be a mesh of at least 2 nodes, got {rows} x {cols}")
    return check_positive("bandwidth", bandwidth) * rows * cols / uniform_max_flows(rows, cols)
