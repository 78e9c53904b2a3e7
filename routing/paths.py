"""Shortest physical paths between routers of a mesh with dead routers.

A fault-tolerant fabric joins two routers by a path through live routers and
links. The
path chosen here is reproducible and local: the shortest path inside the
bounding box of the two routers grown by ``margin`` rows and columns, and of
all such paths, the one whose port sequence is smallest in the order
E < W < S < N. Straight runs through live routers are the unique shortest
paths, so they are always taken as they are.

Limits: the windows of one call hold at most :data:`MAX_WINDOW_CELLS` routers
in all (each window clipped to the mesh), which bounds both the search and
the memory it needs.
"""

from __future__ import annotations

import numpy as np

from ._paths_kernel import _window_paths, _window_paths_batch
from paramcheck import ParameterError, check_ids, check_int, shown
from .mesh import MAX_NODES, REVERSE_PORT, _check_mesh, _links, _nodes, _target, both_directions

__all__ = ["MAX_WINDOW_CELLS", "PathSet", "window_paths", "window_paths_batch"]

#: Most window cells (routers) the paths of one :func:`window_paths` call may
#: search in all: 2**25, about 35 whole WSE-3 meshes, 16 bytes of search
#: state per cell of a window and at most 8 bytes of output per cell. A
#: WSE-3 wafer with ~46 defects and ``margin`` 2 asks for about 10**6.
MAX_WINDOW_CELLS = 2**25


class PathSet:
    """Paths as CSR arrays: path ``i`` is ``channels[offsets[i]:offsets[i + 1]]``.

    Parameters
    ----------
    offsets : 1-D array of int, shape (n + 1,)
        Starts with 0, never decreases, ends with ``channels.size``.
    channels : 1-D array of int
        Channel ids ``4 * node + port`` of the physical mesh (``< 4 * MAX_NODES``).
    found : 1-D array of bool, shape (n,)
        False where no path exists inside the window (the path is then empty).

    Attributes
    ----------
    offsets, channels : ndarray of int64
    found : ndarray of bool

    Examples
    --------
    >>> ps = PathSet([0, 2, 2], [0, 4], [True, False])
    >>> len(ps), ps.hops.tolist(), ps.path(0).tolist()
    (2, [2, 0], [0, 4])
    >>> PathSet([0, 1], [0, 4], [True])
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: offsets must end with the number of channels (2), got 1
    """

    __slots__ = ("offsets", "channels", "found")

    def __init__(self, offsets: np.ndarray, channels: np.ndarray, found: np.ndarray):
        channels = np.ascontiguousarray(check_ids("channels", channels, 4 * MAX_NODES, what="channel ids"))
        offsets = np.ascontiguousarray(
            check_ids("offsets", offsets, channels.size + 1, what="offsets into channels")
        )
        if offsets.size == 0 or offsets[0] != 0:
            raise ParameterError(f"offsets must start with 0 (one more entry than paths), got {shown(offsets)}")
        if offsets[-1] != channels.size:
            raise ParameterError(
                f"offsets must end with the number of channels ({channels.size}), got {int(offsets[-1])}"
            )
        hops = np.diff(offsets)
        if (hops < 0).any():
            i = int(np.flatnonzero(hops < 0)[0])
            raise ParameterError(f"offsets must never decrease, got {int(offsets[i])} then {int(offsets[i + 1])}")
        try:
            flags = np.asarray(found)
        except (TypeError, ValueError, OverflowError):
            flags = None
        if flags is not None and flags.size == 0:
            flags = np.zeros(0, dtype=bool)
        if flags is None or flags.dtype != np.bool_ or flags.ndim != 1:
            raise ParameterError(f"found must be a 1-D array of booleans, got {shown(found)}")
        if flags.size != hops.size:
            raise ParameterError(f"found must hold one flag per path ({hops.size}), got {flags.size}")
        self._set(offsets, channels, np.ascontiguousarray(flags))

    def _set(self, offsets, channels, found) -> None:
        self.offsets = offsets
        self.channels = channels
        self.found = found

    @classmethod
    def _trusted(cls, offsets: np.ndarray, channels: np.ndarray, found: np.ndarray) -> PathSet:
        """A PathSet of arrays already known valid (a kernel's output), unchecked."""
        ps = cls.__new__(cls)
        ps._set(offsets, channels, found)
        return ps

    def __len__(self) -> int:
        return self.offsets.size - 1

    @property
    def hops(self) -> np.ndarray:
        """Number of channels of each path."""
        return np.diff(self.offsets)

    def path(self, i: int) -> np.ndarray:
        """Channels of path ``i``, an integer in ``[0, len(self))``.

        Examples
        --------
        >>> PathSet([0, 1], [8], [True]).path(1)
        Traceback (most recent call last):
        ...
        paramcheck.errors.ParameterError: i must be an integer in [0, 0], got 1
        """
        if len(self) == 0:
            raise ParameterError(f"i must be the index of a path, got {shown(i)}: the PathSet holds none")
        i = check_int("i", i, minimum=0, maximum=len(self) - 1)
        return self.channels[self.offsets[i] : self.offsets[i + 1]]


def _pairs(srcs: object, dsts: object, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """``srcs`` and ``dsts`` as two 1-D router-id arrays of one length (a scalar is one pair)."""
    shapes = []
    for name, value in (("srcs", srcs), ("dsts", dsts)):
        try:
            shapes.append(np.shape(value))
        except (TypeError, ValueError, OverflowError):
            raise ParameterError(f"{name} must be a 1-D array of router ids, got {shown(value)}") from None
    shapes = [(1,) if s == () else s for s in shapes]
    if shapes[0] != shapes[1] or len(shapes[0]) != 1:
        raise ParameterError(
            f"srcs and dsts must be 1-D arrays of one length, got shapes {shapes[0]} and {shapes[1]}"
        )
    return tuple(
        _nodes(name, [value] if np.shape(value) == () else value, rows, cols, "router ids")
        for name, value in (("srcs", srcs), ("dsts", dsts))
    )


def _window_cells(rows: int, cols: int, srcs: np.ndarray, dsts: np.ndarray, margin: int) -> np.ndarray:
    """Routers in the window (clipped to the mesh) of each pair, int64."""
    sy, sx = np.divmod(srcs, cols)
    ty, tx = np.divmod(dsts, cols)
    w = np.minimum(np.maximum(sx, tx) + margin, cols - 1) - np.maximum(np.minimum(sx, tx) - margin, 0) + 1
    h = np.minimum(np.maximum(sy, ty) + margin, rows - 1) - np.maximum(np.minimum(sy, ty) - margin, 0) + 1
    return w * h


def _find_paths(rows, cols, srcs, dsts, blocked, dead, margin, asked_by: str) -> PathSet:
    """The kernel behind :func:`window_paths`, on checked arrays.

    ``blocked`` and ``dead`` are sorted; ``asked_by`` names the caller's
    parameters in the message when the windows are too large.
    """
    # Windows are clipped to the mesh, so a larger margin changes nothing
    # (and cannot overflow the kernel's int64 arithmetic).
    margin = min(margin, max(rows, cols))
    cells = _window_cells(rows, cols, srcs, dsts, margin)
    # Every window holds 1 to MAX_NODES cells, so more windows than the limit
    # are over it, and the sum of fewer cannot overflow int64.
    if cells.size > MAX_WINDOW_CELLS or int(cells.sum()) > MAX_WINDOW_CELLS:
        got = f"{int(cells.sum()):,}" if cells.size <= MAX_WINDOW_CELLS else f"more than {cells.size:,}"
        raise ParameterError(
            f"{asked_by} must ask for path windows of at most {MAX_WINDOW_CELLS:,} routers in all"
            f" (MAX_WINDOW_CELLS), got {got}"
        )
    offsets, channels, found = _window_paths(rows, cols, blocked, dead, srcs, dsts, margin)
    return PathSet._trusted(offsets, channels, found)


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
        Physical mesh shape, at most :data:`routing.mesh.MAX_NODES` nodes.
    srcs, dsts : 1-D array of int
        Source and destination routers (``x + cols * y``), both live; one
        length (a scalar is one pair).
    blocked : 1-D array of int, optional
        Dead routers, which no path may cross.
    margin : int
        How far, in rows and columns, a path may leave the bounding box of its
        two routers.
    dead_links : 1-D array of int, optional
        Dead links, which no path may use, each named by either of its two
        channels.

    Returns
    -------
    PathSet

    Notes
    -----
    One breadth-first search per pair over its window:
    O(sum of window areas * log(len(blocked) + len(dead_links))). The
    windows, clipped to the mesh, may hold at most :data:`MAX_WINDOW_CELLS`
    routers in all.

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
    rows, cols = _check_mesh(rows, cols)
    margin = check_int("margin", margin, minimum=0)
    srcs, dsts = _pairs(srcs, dsts, rows, cols)
    blocked = np.unique(_nodes("blocked", [] if blocked is None else blocked, rows, cols, "router ids"))
    if blocked.size and (np.isin(srcs, blocked).any() or np.isin(dsts, blocked).any()):
        raise ParameterError("srcs and dsts must be live routers, got a blocked one")
    dead = both_directions(dead_links, rows, cols)
    return _find_paths(rows, cols, srcs, dsts, blocked, dead, margin, "srcs, dsts and margin")


def _trial_csr(name: str, offsets: object, size: int) -> np.ndarray:
    """``offsets`` as int64 CSR offsets over trials into ``size`` entries."""
    off = np.ascontiguousarray(check_ids(name, offsets, size + 1, what="offsets"))
    if off.size == 0 or off[0] != 0 or off[-1] != size or (np.diff(off) < 0).any():
        raise ParameterError(
            f"{name} must be non-decreasing offsets from 0 to {size} (one more than trials), got {shown(offsets)}"
        )
    return off


def _per_trial_unique(offsets: np.ndarray, values: np.ndarray, span: int) -> tuple[np.ndarray, np.ndarray]:
    """Each trial's values (in ``[0, span)``) sorted and distinct, as CSR."""
    trial = np.repeat(np.arange(offsets.size - 1), np.diff(offsets))
    keys = np.unique(trial * span + values)
    counts = np.bincount(keys // span, minlength=offsets.size - 1)
    return np.concatenate(([0], np.cumsum(counts))).astype(np.int64), keys % span


def window_paths_batch(
    rows: int,
    cols: int,
    pair_offsets: np.ndarray,
    srcs: np.ndarray,
    dsts: np.ndarray,
    blocked_offsets: np.ndarray,
    blocked: np.ndarray,
    dead_offsets: np.ndarray,
    dead_links: np.ndarray,
    margin: int = 2,
) -> PathSet:
    """:func:`window_paths` for many trials of one mesh, each with its own dead routers and links.

    Parameters
    ----------
    rows, cols : int
        Physical mesh shape, at most :data:`routing.mesh.MAX_NODES` nodes.
    pair_offsets, srcs, dsts : 1-D arrays of int
        Trial ``t`` asks for the pairs ``pair_offsets[t]:pair_offsets[t + 1]``.
    blocked_offsets, blocked : 1-D arrays of int
        Each trial's dead routers (CSR with the same number of trials).
    dead_offsets, dead_links : 1-D arrays of int
        Each trial's dead links, named by either channel.
    margin : int
        As for :func:`window_paths`.

    Returns
    -------
    PathSet
        One path per pair, in order; exactly what :func:`window_paths` gives
        each trial's pairs with that trial's dead routers and links.

    Notes
    -----
    One compiled call: O(sum of window areas * log(faults)); memory the paths
    plus the largest window's search state, which may hold at most
    :data:`MAX_WINDOW_CELLS` routers.

    Examples
    --------
    Two trials ask for the same pair; only the second has a dead router in the way.

    >>> ps = window_paths_batch(3, 3, [0, 1, 2], [3, 3], [5, 5], [0, 0, 1], [4], [0, 0, 0], [])
    >>> ps.hops.tolist()
    [2, 4]
    """
    rows, cols = _check_mesh(rows, cols)
    margin = min(check_int("margin", margin, minimum=0), max(rows, cols))
    srcs = _nodes("srcs", srcs, rows, cols, "router ids")
    dsts = _nodes("dsts", dsts, rows, cols, "router ids")
    if srcs.size != dsts.size:
        raise ParameterError(f"srcs and dsts must have one length, got {srcs.size} and {dsts.size}")
    pair_off = _trial_csr("pair_offsets", pair_offsets, srcs.size)
    n = pair_off.size - 1
    blocked = _nodes("blocked", blocked, rows, cols, "router ids")
    blocked_off = _trial_csr("blocked_offsets", blocked_offsets, blocked.size)
    links = _links("dead_links", dead_links, rows, cols)
    dead_off = _trial_csr("dead_offsets", dead_offsets, links.size)
    for name, off in (("blocked_offsets", blocked_off), ("dead_offsets", dead_off)):
        if off.size != n + 1:
            raise ParameterError(f"{name} must hold one offset per trial plus one ({n + 1}), got {off.size}")
    span = rows * cols
    blocked_off, blocked = _per_trial_unique(blocked_off, blocked, span)
    reverse = 4 * _target(links, rows, cols) + np.array(REVERSE_PORT, dtype=np.int64)[links % 4]
    trial = np.repeat(np.arange(n), np.diff(dead_off))
    both_off = np.concatenate(([0], 2 * np.cumsum(np.diff(dead_off)))).astype(np.int64)
    both = np.concatenate((links, reverse))[np.argsort(np.concatenate((trial, trial)), kind="stable")]
    dead_off, dead = _per_trial_unique(both_off, both, 4 * span)
    pair_trial = np.repeat(np.arange(n), np.diff(pair_off))
    have = np.repeat(np.arange(n), np.diff(blocked_off)) * span + blocked
    if np.isin(pair_trial * span + srcs, have).any() or np.isin(pair_trial * span + dsts, have).any():
        raise ParameterError("srcs and dsts must be live routers of their trial, got a blocked one")
    cells = _window_cells(rows, cols, srcs, dsts, margin)
    if cells.size and int(cells.max()) > MAX_WINDOW_CELLS:
        raise ParameterError(
            f"srcs, dsts and margin must ask for path windows of at most {MAX_WINDOW_CELLS:,} routers each"
            f" (MAX_WINDOW_CELLS), got {int(cells.max()):,}"
        )
    offsets, channels, found = _window_paths_batch(
        rows, cols, margin, pair_off, srcs, dsts, blocked_off, blocked, dead_off, dead
    )
    return PathSet._trusted(offsets, channels, found)
