"""Shortest physical paths between routers of a mesh with dead routers.

A fault-tolerant fabric joins two routers by a path through live routers and
links. The
path chosen here is reproducible and local: the shortest path inside the
bounding box of the two routers grown by ``margin`` rows and columns, and of
all such paths, the one whose port sequence is smallest in the order
E < W < S < N. Straight runs through live routers are the unique shortest
paths, so they are always taken as they are.
"""

from __future__ import annotations

import numpy as np

from ._paths_kernel import _window_paths
from paramcheck import ParameterError, check_int
from .mesh import both_directions

__all__ = ["PathSet", "window_paths"]


class PathSet:
    """Paths as CSR arrays: path ``i`` is ``channels[offsets[i]:offsets[i + 1]]``.

    Attributes
    ----------
    offsets : ndarray of int64, shape (n + 1,)
    channels : ndarray of int64
        Channel ids ``4 * node + port`` of the physical mesh.
    found : ndarray of bool, shape (n,)
        False where no path exists inside the window (the path is then empty).
    """

    __slots__ = ("offsets", "channels", "found")

    def __init__(self, offsets: np.ndarray, channels: np.ndarray, found: np.ndarray):
        self.offsets = offsets
        self.channels = channels
        self.found = found

    def __len__(self) -> int:
        return self.offsets.size - 1

    @property
    def hops(self) -> np.ndarray:
        """Number of channels of each path."""
        return np.diff(self.offsets)

    def path(self, i: int) -> np.ndarray:
        """Channels of path ``i``."""
        return self.channels[self.offsets[i] : self.offsets[i + 1]]


def window_paths(
    rows: int,
    cols: int,
    srcs: np.ndarray,
    dsts: np.ndarray,
    blocked: np.ndarray | None = None,
    margin: int = 2,
    dead_links: np.ndarray | None = None,
) -> PathSet:
    """Canonical shortest paths between router pairs of a ``rows x cols`` mesh.

    Parameters
    ----------
    rows, cols : int
        Physical mesh shape.
    srcs, dsts : array of int
        Source and destination routers (``x + cols * y``), both live.
    blocked : array of int, optional
        Dead routers, which no path may cross.
    margin : int
        How far, in rows and columns, a path may leave the bounding box of its
        two routers.
    dead_links : array of int, optional
        Dead links, which no path may use, each named by either of its two
        channels.

    Returns
    -------
    PathSet

    Notes
    -----
    One breadth-first search per pair over its window:
    O(sum of window areas * log(len(blocked) + len(dead_links))).

    Examples
    --------
    >>> ps = window_paths(3, 3, np.array([3]), np.array([5]), blocked=np.array([4]))
    >>> ps.hops.tolist(), ps.found.tolist()
    ([4], [True])
    >>> window_paths(3, 3, np.array([3]), np.array([5])).path(0).tolist()   # straight
    [12, 16]
    >>> window_paths(3, 3, np.array([3]), np.array([5]), dead_links=np.array([12])).hops.tolist()
    [4]
    """
    rows = check_int("rows", rows)
    cols = check_int("cols", cols)
    margin = check_int("margin", margin, minimum=0)
    srcs = np.ascontiguousarray(srcs, dtype=np.int64)
    dsts = np.ascontiguousarray(dsts, dtype=np.int64)
    if srcs.shape != dsts.shape or srcs.ndim != 1:
        raise ParameterError(
            f"srcs and dsts must be 1-D arrays of one length, got shapes {srcs.shape} and {dsts.shape}"
        )
    n = rows * cols
    for name, arr in (("srcs", srcs), ("dsts", dsts)):
        if arr.size and (arr.min() < 0 or arr.max() >= n):
            raise ParameterError(f"{name} must be router ids in [0, {n}), got values outside it")
    blocked = np.unique(np.asarray([] if blocked is None else blocked, dtype=np.int64))
    if blocked.size and (np.isin(srcs, blocked).any() or np.isin(dsts, blocked).any()):
        raise ParameterError("srcs and dsts must be live routers, got a blocked one")
    dead = both_directions(dead_links, rows, cols)
    offsets, channels, found = _window_paths(rows, cols, blocked, dead, srcs, dsts, margin)
    return PathSet(offsets, channels, found)
