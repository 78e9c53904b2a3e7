"""Spare rows and columns: memory-style line replacement on a core grid.

A physical ``rows x cols`` core grid carries ``spare_rows`` spare rows and
``spare_cols`` spare columns; its logical array is ``(rows - spare_rows) x
(cols - spare_cols)``. Repair retires whole rows and columns so that every
dead core lies in a retired line (a *cover* of the dead cores); it succeeds
when a cover uses at most ``spare_rows`` rows and ``spare_cols`` columns. The
logical rows are then the first ``rows - spare_rows`` rows not retired, in
order, and likewise the columns: logical -> physical is a monotone
compaction, and a logical link that crosses a retired line is a *long
interconnect* (its ends are not physically adjacent).

When no cover fits the spares the grid degrades gracefully: with a cover of
``r`` rows and ``c`` columns it exposes ``(rows - max(r, spare_rows)) x
(cols - max(c, spare_cols))``, and the scheme picks the cover whose logical
array is largest (or, given a ``target`` shape, the largest among those that
reach it).

Cores are numbered ``row * cols + col``. A batch of trials is CSR: trial
``t``'s dead cores are ``dead[offsets[t]:offsets[t + 1]]``, sorted ascending
and distinct. Work per trial scales with its dead cores, never with the grid.

Removing a dead core never makes the result worse: every cover of the larger
set covers the smaller one, so the status cannot rise (0 repaired < 1
degraded < 2 failed), and the largest logical array cannot shrink (with a
target: among trials of the same status; a trial that newly reaches the
target may do so with a smaller array than the largest it had).

Examples
--------
>>> import numpy as np
>>> b = repair_spare_lines(np.array([0, 2]), np.array([5, 7]), 4, 4, 1, 1)
>>> b.status.tolist(), b.row_ids.tolist(), b.col_ids.tolist()
([0], [1], [])
>>> b.mapping(0).to_dense()
array([[ 0,  1,  2],
       [ 8,  9, 10],
       [12, 13, 14]])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from paramcheck import ParameterError, check_ids, check_int, check_int_array, shown

from ._spare_lines_kernel import (
    DEGRADED,
    FAILED,
    OK,
    _compact_csr,
    _front,
    _repair_batch,
    _select,
)

__all__ = [
    "DEGRADED",
    "FAILED",
    "FAILURES",
    "OK",
    "LineMapping",
    "SpareLinesBatch",
    "repair_spare_lines",
    "spare_lines_front",
    "spare_lines_mapping",
]

#: What each status code means.
FAILURES = {
    OK: "repaired",
    DEGRADED: "degraded: a smaller logical array (meeting the target, if given)",
    FAILED: "failed: no logical array (or none reaching the target)",
}

_MAX_SIDE = 2**31 - 1  # rows * cols stays well inside int64


# --------------------------------------------------------------------------
# Checks shared with wafer.harvest
# --------------------------------------------------------------------------


def _check_grid(rows: object, cols: object) -> tuple[int, int]:
    return check_int("rows", rows, maximum=_MAX_SIDE), check_int("cols", cols, maximum=_MAX_SIDE)


def _check_sorted(name: str, dead: np.ndarray, starts: np.ndarray) -> None:
    """Raise unless ``dead`` rises strictly within each trial (trials start at ``starts``)."""
    if dead.size < 2:
        return
    falls = np.flatnonzero(np.diff(dead) <= 0) + 1  # positions where the ids fail to rise
    if falls.size:
        at_start = np.isin(falls, starts)
        if not at_start.all():
            k = int(falls[~at_start][0])
            raise ParameterError(
                f"{name} must be core ids sorted ascending and distinct within each trial,"
                f" got {int(dead[k])} after {int(dead[k - 1])}"
            )


def _check_trial(dead: object, n_cores: int, name: str = "dead") -> np.ndarray:
    """One trial's dead cores: sorted distinct ids in [0, n_cores), as int64."""
    arr = check_ids(name, dead, n_cores, what="core ids")
    _check_sorted(name, arr, np.zeros(0, dtype=np.int64))
    return arr


def _check_csr(offsets: object, dead: object, n_cores: int) -> tuple[np.ndarray, np.ndarray]:
    """A CSR batch of dead cores: (offsets, dead) as contiguous int64, checked."""
    d = check_ids("dead", dead, n_cores, what="core ids")
    off = check_int_array("offsets", offsets, minimum=0)
    if off.ndim != 1 or off.size < 1:
        raise ParameterError(f"offsets must be a 1-D array of n_trials + 1 integers, got {shown(offsets)}")
    if off[0] != 0 or off[-1] != d.size or (np.diff(off) < 0).any():
        raise ParameterError(
            f"offsets must rise from 0 to len(dead) = {d.size} and never fall, got {shown(off.tolist())}"
        )
    off = np.ascontiguousarray(off)
    _check_sorted("dead", d, off)
    return off, d


def _check_spares(spare_rows: object, spare_cols: object, rows: int, cols: int) -> tuple[int, int]:
    return (
        check_int("spare_rows", spare_rows, minimum=0, maximum=rows - 1),
        check_int("spare_cols", spare_cols, minimum=0, maximum=cols - 1),
    )


def _check_target(target: object, max_rows: int, max_cols: int) -> tuple[int, int]:
    """(rows, cols) of a target logical shape, (0, 0) for None."""
    if target is None:
        return 0, 0
    rule = f"None or (rows, cols) with rows in [1, {max_rows}] and cols in [1, {max_cols}]"
    if not isinstance(target, tuple) or len(target) != 2:
        raise ParameterError(f"target must be {rule}, got {shown(target)}")
    try:
        tr = check_int("target", target[0], maximum=max_rows)
        tc = check_int("target", target[1], maximum=max_cols)
    except ParameterError:
        raise ParameterError(f"target must be {rule}, got {shown(target)}") from None
    return tr, tc


# --------------------------------------------------------------------------
# One trial's map
# --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LineMapping:
    """Logical -> physical map of a grid whose logical array skips retired lines.

    The logical rows are the first ``logical_shape[0]`` physical rows not in
    ``retired_rows``, in order, and the logical columns likewise: the map of
    both the spare-line remap and row/column harvesting
    (:mod:`wafer.harvest`), held sparsely (the retired lines), so any logical
    id maps in O(log retired lines).

    Attributes
    ----------
    rows, cols : int
        Physical grid.
    status : int
        The scheme's status code (0 repaired).
    logical_shape : (int, int)
        Logical rows and columns exposed.
    retired_rows, retired_cols : ndarray of int64
        Sorted physical rows and columns left out of the logical array
        (retired, or disabled by harvesting).

    Examples
    --------
    >>> m = LineMapping(4, 5, 0, (3, 4), np.array([1]), np.array([0]))
    >>> m.l2p([0, 4, 11]).tolist()
    [1, 11, 19]
    >>> m.p2l([0, 5, 6, 19]).tolist()
    [-1, -1, -1, 11]
    >>> m.long_links().tolist()
    [2, 2, 2, 2]
    """

    rows: int
    cols: int
    status: int
    logical_shape: tuple[int, int]
    retired_rows: np.ndarray
    retired_cols: np.ndarray

    @property
    def physical_shape(self) -> tuple[int, int]:
        """(rows, cols) of the physical grid."""
        return self.rows, self.cols

    @property
    def n_logical(self) -> int:
        """Logical cores exposed."""
        return self.logical_shape[0] * self.logical_shape[1]

    @property
    def repaired(self) -> bool:
        """Whether the status is 0 (the scheme's full logical shape)."""
        return self.status == OK

    def row_map(self) -> np.ndarray:
        """Physical row of each logical row (O(logical rows))."""
        return _select(self.retired_rows, np.arange(self.logical_shape[0], dtype=np.int64))

    def col_map(self) -> np.ndarray:
        """Physical column of each logical column (O(logical columns))."""
        return _select(self.retired_cols, np.arange(self.logical_shape[1], dtype=np.int64))

    def l2p(self, logical: ArrayLike) -> np.ndarray:
        """Physical core of each logical core id (``row * logical_cols + col``).

        Notes
        -----
        O(log retired lines) per id: a binary search in the retired lines.
        """
        ids = check_ids("logical", np.atleast_1d(logical), self.n_logical, what="logical core ids")
        lc = self.logical_shape[1]
        return _select(self.retired_rows, ids // lc) * self.cols + _select(self.retired_cols, ids % lc)

    def p2l(self, physical: ArrayLike) -> np.ndarray:
        """Logical core on each physical core id, -1 on a retired or unused line."""
        ids = check_ids("physical", np.atleast_1d(physical), self.rows * self.cols, what="core ids")
        lr, lc = self.logical_shape
        pr, pc = ids // self.cols, ids % self.cols
        kr = np.searchsorted(self.retired_rows, pr)
        kc = np.searchsorted(self.retired_cols, pc)
        hit_r = (kr < self.retired_rows.size) & (self.retired_rows[np.minimum(kr, self.retired_rows.size - 1)] == pr) \
            if self.retired_rows.size else np.zeros(ids.size, dtype=bool)
        hit_c = (kc < self.retired_cols.size) & (self.retired_cols[np.minimum(kc, self.retired_cols.size - 1)] == pc) \
            if self.retired_cols.size else np.zeros(ids.size, dtype=bool)
        r, c = pr - kr, pc - kc
        ok = ~hit_r & ~hit_c & (r < lr) & (c < lc)
        return np.where(ok, r * lc + c, -1).astype(np.int64)

    def to_dense(self) -> np.ndarray:
        """Dense logical -> physical map, shape ``logical_shape`` (O(logical cores))."""
        return self.row_map()[:, None] * self.cols + self.col_map()[None, :]

    def long_links(self) -> np.ndarray:
        """Physical length (hops) of each long interconnect, sorted.

        A long interconnect is a pair of logical neighbours (counted once)
        that are not physically adjacent: a run of ``k`` retired rows between
        two logical rows makes ``logical_cols`` vertical links of length
        ``k + 1``, and likewise for columns.

        Notes
        -----
        O(retired lines + long links).
        """
        lr, lc = self.logical_shape
        out = []
        for retired, n_logical, count in ((self.retired_rows, lr, lc), (self.retired_cols, lc, lr)):
            for length in _runs_inside(retired, n_logical):
                out.append(np.full(count, length + 1, dtype=np.int64))
        return np.sort(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)


def _runs_inside(retired: np.ndarray, n_logical: int) -> list[int]:
    """Lengths of the runs of consecutive retired lines lying between two logical lines."""
    if retired.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(retired) != 1) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [retired.size]))
    before = retired[starts] - starts  # logical lines before each run
    inside = (before > 0) & (before < n_logical)
    return (ends - starts)[inside].tolist()


# --------------------------------------------------------------------------
# A batch
# --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SpareLinesBatch:
    """Outcome of the spare-line remap for each trial of a batch.

    Attributes
    ----------
    status : ndarray of int8
        0 repaired at the full shape, 1 degraded, 2 failed (:data:`FAILURES`).
    n_retired_rows, n_retired_cols : ndarray of int64
        Lines the chosen cover retires.
    logical_rows, logical_cols : ndarray of int64
        Logical shape reached: ``rows - max(n_retired_rows, spare_rows)`` and
        likewise (for a failed trial, that of the largest array found, which
        may be empty: one side 0).
    spare_rows_used, spare_cols_used : ndarray of int64
        Spares standing in for retired lines: ``min(retired, spares)``.
    long_links : ndarray of int64
        Long interconnects (logical neighbour pairs not physically adjacent).
    longest_link : ndarray of int64
        Longest logical link in physical hops (1 without long ones, 0 when
        the logical array has no link).
    extra_hops : ndarray of int64
        Sum over the logical links of (physical hops - 1).
    row_offsets, row_ids, col_offsets, col_ids : ndarray of int64
        The retired rows and columns of each trial (CSR, sorted).
    grid : (int, int, int, int)
        ``(rows, cols, spare_rows, spare_cols)``.
    """

    status: np.ndarray
    n_retired_rows: np.ndarray
    n_retired_cols: np.ndarray
    logical_rows: np.ndarray
    logical_cols: np.ndarray
    spare_rows_used: np.ndarray
    spare_cols_used: np.ndarray
    long_links: np.ndarray
    longest_link: np.ndarray
    extra_hops: np.ndarray
    row_offsets: np.ndarray
    row_ids: np.ndarray
    col_offsets: np.ndarray
    col_ids: np.ndarray
    grid: tuple[int, int, int, int]

    @property
    def n_trials(self) -> int:
        """Trials in the batch."""
        return self.status.size

    @property
    def repaired(self) -> np.ndarray:
        """Boolean mask of the trials repaired at the full logical shape."""
        return self.status == OK

    @property
    def spares_used(self) -> np.ndarray:
        """Spare lines used (rows plus columns)."""
        return self.spare_rows_used + self.spare_cols_used

    def mapping(self, trial: int) -> LineMapping:
        """The logical -> physical map of one trial.

        Examples
        --------
        >>> b = repair_spare_lines([0, 1], [4], 3, 3, 1, 1)
        >>> m = b.mapping(0)
        >>> m.logical_shape, m.retired_rows.tolist(), m.retired_cols.tolist()
        ((2, 2), [], [1])
        """
        t = check_int("trial", trial, minimum=0, maximum=self.n_trials - 1)
        rows, cols, _, _ = self.grid
        return LineMapping(
            rows, cols, int(self.status[t]), (int(self.logical_rows[t]), int(self.logical_cols[t])),
            self.row_ids[self.row_offsets[t] : self.row_offsets[t + 1]].copy(),
            self.col_ids[self.col_offsets[t] : self.col_offsets[t + 1]].copy(),
        )


def repair_spare_lines(
    offsets: ArrayLike,
    dead: ArrayLike,
    rows: int,
    cols: int,
    spare_rows: int,
    spare_cols: int,
    *,
    target: tuple[int, int] | None = None,
) -> SpareLinesBatch:
    """Repair each trial of a batch with spare rows and columns (exact).

    Parameters
    ----------
    offsets : array_like of int, shape (n_trials + 1,)
        CSR offsets into ``dead``: from 0, non-decreasing, to ``len(dead)``.
    dead : array_like of int
        Dead core ids ``row * cols + col`` of every trial, concatenated;
        sorted ascending and distinct within each trial.
    rows, cols : int
        Physical core grid, each in [1, 2**31 - 1].
    spare_rows : int
        Spare rows, in [0, rows - 1].
    spare_cols : int
        Spare columns, in [0, cols - 1].
    target : (int, int), optional
        A logical shape to reach at least, rows in [1, rows - spare_rows]
        and cols in [1, cols - spare_cols]: a trial that cannot is failed
        (status 2); one that can, but not the full shape, is degraded (1),
        and gets the largest array reaching the target.

    Returns
    -------
    SpareLinesBatch

    Raises
    ------
    ParameterError
        On a bad parameter, naming it (negative or too many spares, ids out
        of range, unsorted or repeated within a trial, bad offsets or target).

    Notes
    -----
    A trial is repaired (status 0) iff some cover of its dead cores uses at
    most ``spare_rows`` rows and ``spare_cols`` columns, decided exactly as
    Kuo & Fuchs do: must-repair (a row with more dead cores than spare
    columns left must be retired, likewise a column, to a fixed point), an
    early abort (after it each open row holds at most ``SC'`` open dead cores
    and each column at most ``SR'``, so more than ``2 SR' SC'`` of them cannot
    be covered), then branch and bound on the rest: per connected component
    (below), must-repair again at every node, a node whose open dead cores
    share no line is a leaf, and a greedy maximal matching bounds the lines
    still needed (a cover needs one per matched dead core; Kuo & Fuchs screen
    with a maximum matching). The chosen cover has the fewest lines, then
    the fewest rows.

    Otherwise the trial degrades: the exact Pareto front ``c(r)`` (fewest
    columns of a cover with at most ``r`` rows) is the min-plus convolution
    of the fronts of the connected components of the dead cores' bipartite
    row-column graph; a dead core alone in its row and column has front
    (1, 0), and every other component's front comes from the same branch and
    bound. The chosen cover maximises ``(rows - max(r, spare_rows)) * (cols -
    max(c(r), spare_cols))`` (reaching the target, when given), then has the
    fewest rows.

    Per trial of n dead cores: O(n log n) to build the graph, O(n * r_max)
    for the convolution (``r_max``: ``spare_rows``, or the faulty rows when
    degrading), and for each component of k > 1 dead cores a search that is
    exponential in k in the worst case (the problem is NP-complete) but
    tiny for sparse faults: a 763 x 1272 grid with ~46 uniform dead cores
    has almost only single dead cores and a few pairs. Trials run in
    parallel (numba ``prange``); each depends on its dead cores only.

    References
    ----------
    S.-Y. Kuo and W. K. Fuchs, "Efficient spare allocation for reconfigurable
    arrays," IEEE Design & Test of Computers, vol. 4, no. 1, pp. 24-31, 1987
    (NP-completeness, must-repair, branch and bound with early screening by
    bipartite matching).

    Examples
    --------
    Two dead cores in one row: one spare row repairs them.

    >>> b = repair_spare_lines([0, 2, 4], [5, 7, 0, 15], 4, 4, 1, 1)
    >>> b.status.tolist(), b.n_retired_rows.tolist(), b.n_retired_cols.tolist()
    ([0, 0], [1, 1], [0, 1])

    Three dead cores on a diagonal need three lines; with two spares the
    grid degrades to a 3 x 2 array (a third line retired). Retired columns 1
    and 2 sit between logical columns 0 and 1: three links of 3 hops.

    >>> b = repair_spare_lines([0, 3], [0, 5, 10], 4, 4, 1, 1)
    >>> b.status.tolist(), b.logical_rows.tolist(), b.logical_cols.tolist()
    ([1], [3], [2])
    >>> b.row_ids.tolist(), b.col_ids.tolist()
    ([0], [1, 2])
    >>> b.long_links.tolist(), b.longest_link.tolist(), b.extra_hops.tolist()
    ([3], [3], [6])
    """
    r, c = _check_grid(rows, cols)
    sr, sc = _check_spares(spare_rows, spare_cols, r, c)
    tr, tc = _check_target(target, r - sr, c - sc)
    off, d = _check_csr(offsets, dead, r * c)
    status, nr, nc, lr, lc, long_links, longest, extra, rbuf, cbuf = _repair_batch(
        off, d, (r, c, sr, sc), (tr, tc)
    )
    row_off, row_ids = _compact_csr(off, rbuf, nr)
    col_off, col_ids = _compact_csr(off, cbuf, nc)
    return SpareLinesBatch(
        status, nr, nc, lr, lc, np.minimum(nr, sr), np.minimum(nc, sc), long_links, longest, extra,
        row_off, row_ids, col_off, col_ids, (r, c, sr, sc),
    )


def spare_lines_mapping(
    dead: ArrayLike,
    rows: int,
    cols: int,
    spare_rows: int,
    spare_cols: int,
    *,
    target: tuple[int, int] | None = None,
) -> LineMapping:
    """The spare-line repair of one grid, as its logical -> physical map.

    Parameters are those of :func:`repair_spare_lines`, for one trial
    (``dead``: sorted distinct core ids).

    Examples
    --------
    >>> m = spare_lines_mapping([1, 6], 3, 4, 1, 1)
    >>> m.status, m.logical_shape, m.retired_rows.tolist(), m.retired_cols.tolist()
    (0, (2, 3), [0], [2])
    >>> m.to_dense()
    array([[ 4,  5,  7],
           [ 8,  9, 11]])
    >>> m.l2p([5]).tolist(), m.p2l([11, 2]).tolist()
    ([11], [5, -1])
    """
    r, c = _check_grid(rows, cols)
    d = _check_trial(dead, r * c)
    return repair_spare_lines(
        np.array([0, d.size], dtype=np.int64), d, r, c, spare_rows, spare_cols, target=target
    ).mapping(0)


def spare_lines_front(dead: ArrayLike, rows: int, cols: int) -> np.ndarray:
    """The exact Pareto front of the covers of one grid's dead cores.

    Parameters
    ----------
    dead : array_like of int
        Sorted distinct dead core ids ``row * cols + col``.
    rows, cols : int
        Physical core grid.

    Returns
    -------
    ndarray of int64, shape (faulty rows + 1,)
        ``f[r]``: the fewest retired columns of a cover with at most ``r``
        retired rows (non-increasing, ``f[-1] == 0``).

    Notes
    -----
    The min-plus convolution of the fronts of the connected components of
    the bipartite row-column graph of the dead cores; see
    :func:`repair_spare_lines` for the cost.

    Examples
    --------
    >>> spare_lines_front([0, 1, 5], 2, 4)
    array([2, 1, 0])
    """
    r, c = _check_grid(rows, cols)
    d = _check_trial(dead, r * c)
    return _front(d, c)
