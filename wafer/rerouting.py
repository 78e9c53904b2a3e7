"""Greedy column rerouting (GCR) with row bypass, row selection, and a sparse batch.

The model (Kuo & Chen 1992; Low & Leong 1997; Low 2000): a physical array of
``R x C`` processing elements (PEs), some faulty. A set of rows is
*selected*; the others are bypassed. A *logical column* takes exactly one
fault-free PE in each selected row, top to bottom, its physical column
changing by at most the compensation distance ``d`` between consecutive
selected rows. Logical columns are disjoint and do not cross: in every
selected row, column ``k + 1``'s PE is strictly right of column ``k``'s. The
logical array is (selected rows) x (logical columns).

- :func:`greedy_column_rerouting`: the most logical columns for a given row
  set (optimal), in O(R * C * d).
- :func:`select_rows`: a heuristic choice of rows for the largest logical
  array (or the most columns with at least ``target_rows`` rows).
- :func:`gcr_batch`: column counts and long-interconnect counts of many
  sparse wafers with every row selected, in time that grows with the number
  of defects, not with ``R * C``.

Physical core ids are ``row * C + col``, as elsewhere in :mod:`wafer`.

Examples
--------
>>> import numpy as np
>>> alive = np.ones((3, 4), dtype=bool)
>>> alive[1, 1] = False
>>> r = greedy_column_rerouting(alive)
>>> r.columns, r.logical_shape
(3, (3, 3))
>>> r.l2p
array([[0, 1, 2],
       [0, 2, 3],
       [0, 1, 2]])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np
from paramcheck import INT64_MAX, ParameterError, check_bool, check_instance, check_int, check_int_array, shown

from ._rerouting_kernel import _gcr_batch, _gcr_dense
from .geometry import WaferSpec
from .remap import OK, LogicalMapping, RemapBatch, RemapScheme, check_cores_only, check_live_routers, checked_batch

__all__ = ["ColumnRerouting", "Rerouted", "ReroutedBatch", "ReroutedMapping", "gcr_batch",
           "greedy_column_rerouting", "select_rows"]

#: Trials of :func:`gcr_batch` sharing one per-row scratch table (zeroed once per chunk).
_CHUNK = 64


@dataclass(frozen=True, eq=False)
class Rerouted:
    """Logical columns built by GCR on a set of selected rows.

    Attributes
    ----------
    physical_shape : tuple of int
        ``(R, C)``, the physical array.
    rows : ndarray of int64, shape (m,)
        The selected rows, ascending (the others are bypassed).
    l2p : ndarray of int64, shape (m, columns)
        ``l2p[i, k]``: physical column of logical column ``k`` in selected row
        ``rows[i]``; strictly increasing along each row. Fortran-ordered
        (each logical column contiguous, as GCR builds it).
    distance : int
        The compensation distance ``d`` the columns obey.

    Notes
    -----
    Read-only arrays; equality is identity (compare the arrays).
    """

    physical_shape: tuple[int, int]
    rows: np.ndarray
    l2p: np.ndarray
    distance: int

    @property
    def columns(self) -> int:
        """Number of logical columns."""
        return int(self.l2p.shape[1])

    @property
    def logical_shape(self) -> tuple[int, int]:
        """``(selected rows, logical columns)``."""
        return int(self.rows.size), self.columns

    @property
    def size(self) -> int:
        """Logical PEs, ``selected rows * columns``."""
        return int(self.rows.size) * self.columns

    def to_physical(self) -> np.ndarray:
        """Physical core id (``row * C + col``) of each logical PE, shape (m, columns).

        Examples
        --------
        >>> alive = np.ones((2, 3), dtype=bool)
        >>> alive[0, 0] = False
        >>> greedy_column_rerouting(alive).to_physical()
        array([[1, 2],
               [3, 4]])
        """
        return self.rows[:, None] * self.physical_shape[1] + self.l2p

    def long_interconnects(self) -> tuple[int, int]:
        """(vertical, horizontal) logical links that are not one physical hop.

        A vertical link (logical column ``k``, selected rows ``i`` and ``i + 1``)
        is long when its two PEs sit in different physical columns or a
        bypassed row lies between them; a horizontal one (columns ``k`` and
        ``k + 1`` in a row) when its PEs are more than one column apart.

        Examples
        --------
        >>> alive = np.ones((3, 4), dtype=bool)
        >>> alive[1, 1] = False
        >>> greedy_column_rerouting(alive).long_interconnects()
        (4, 1)
        """
        l2p = self.l2p
        gap = np.diff(self.rows) > 1
        vertical = int(((l2p[1:] != l2p[:-1]) | gap[:, None]).sum())
        horizontal = int((np.diff(l2p, axis=1) > 1).sum())
        return vertical, horizontal


class ReroutedBatch(NamedTuple):
    """Per-trial results of :func:`gcr_batch` (each an int64 array, one entry a trial).

    Attributes
    ----------
    columns : ndarray of int64
        Logical columns (the logical array is ``core_rows x columns``).
    long_vertical : ndarray of int64
        Vertical logical links whose two PEs are in different physical columns.
    long_horizontal : ndarray of int64
        Horizontal logical links whose two PEs are more than one column apart.
    dead_cores : ndarray of int64
        Distinct dead cores.
    """

    columns: np.ndarray
    long_vertical: np.ndarray
    long_horizontal: np.ndarray
    dead_cores: np.ndarray


def greedy_column_rerouting(alive, rows=None, *, distance: int = 1) -> Rerouted:
    """The most logical columns through the selected rows, by greedy column rerouting.

    Parameters
    ----------
    alive : array_like of bool, shape (R, C)
        True for a fault-free PE. ``R, C >= 1``.
    rows : array_like of bool, shape (R,), optional
        True for a selected row; default all rows. Unselected rows are
        bypassed. With no row selected there is no logical column.
    distance : int, default 1
        Compensation distance ``d >= 0``: most physical columns a logical
        column may move between consecutive selected rows.

    Returns
    -------
    Rerouted
        The selected rows and each logical column's physical column in them.

    Raises
    ------
    ParameterError
        ``alive`` not a 2-D boolean array with a row and a column, ``rows``
        not a boolean mask of length R, ``distance`` not an integer >= 0.

    Notes
    -----
    What is implemented. Columns are built left to right. Column ``k``
    starts on the leftmost fault-free PE of the first selected row right of
    column ``k - 1``; from a PE at physical column ``x`` it steps to the
    leftmost candidate of the next selected row: fault-free, not marked,
    within ``[x - d, x + d]`` and right of column ``k - 1`` there. When a PE
    has no candidate left, it is *marked* (excluded for good) and the search
    backs up one row to that row's next candidate; when the first row runs
    out of candidates, no further column exists and GCR stops. This is
    greedy column rerouting as Low & Leong [2]_ introduced it (optimal in
    linear time for a fixed row set) and Low's RCRoute [3]_ uses it; later
    work presents column construction "without backtracking" as its own
    contribution, excluding up front the fault-free PEs that cannot be used
    [4]_. Backtracking (or that exclusion) is needed for optimality: without
    it the column of ``alive = [[1, 1, 1], [1, 1, 1], [0, 0, 1]]`` (``d =
    1``) would start at column 0, reach (1, 0), and stop, though the path 0,
    1, 2 exists. The primary text of [2]_ was not available when this was
    written, so its pseudo-code may differ in form; the result cannot (see
    below: the leftmost maximum family is unique).

    Why it is optimal. (a) For a bound ``b`` (column ``k - 1``), the
    feasible paths (fault-free, strictly right of ``b``, steps <= d) are
    closed under the row-wise minimum, since ``min`` is 1-Lipschitz; so there
    is a row-wise least feasible path, and it is also the lexicographically
    least one, the path a leftmost-first depth-first search finds. (b) A
    marked PE cannot reach the last row right of column ``k - 1``, so not
    right of any later column either (later columns lie further right):
    marks never remove a usable PE. (c) If ``Q_1 < ... < Q_t`` are any
    ``t`` logical columns, induction gives ``L_j <= Q_j`` row-wise for GCR's
    columns ``L_j`` (``Q_j`` is feasible for ``L_j``'s bound, being right of
    ``Q_{j-1} >= L_{j-1}``), so GCR finds at least ``t`` columns. The
    result is thus the *leftmost* maximum family of columns: unique, and
    what :func:`gcr_batch` reproduces.

    Complexity: every PE becomes the current PE of a search at most once
    (afterwards it is on a column, which later columns must pass on the
    right, or marked), and each costs a scan of ``2d + 1`` candidates:
    O(R * C * (2d + 1)) time, O(R * C) memory; linear in the array for fixed
    ``d``.

    References
    ----------
    .. [1] S.-Y. Kuo and I.-Y. Chen, "Efficient reconfiguration algorithms
       for degradable VLSI/WSI arrays," IEEE Trans. CAD 11(10), 1992.
    .. [2] C. P. Low and H. W. Leong, "On the reconfiguration of degradable
       VLSI/WSI arrays," IEEE Trans. CAD 16(10):1213-1221, 1997 (row bypass
       and column rerouting is solvable optimally in linear time: GCR).
    .. [3] C. P. Low, "An efficient reconfiguration algorithm for degradable
       VLSI/WSI arrays," IEEE Trans. Computers 49(6):553-559, 2000
       (RCRoute: GCR plus row exclusion and compensation).
    .. [4] G. Jiang, J. Wu and J. Sun, "Efficiency of flexible rerouting
       scheme for maximizing logical arrays," NPC 2013, LNCS 8147:194-206.

    Examples
    --------
    Bypassing a row that is mostly dead buys columns:

    >>> alive = np.ones((3, 4), dtype=bool)
    >>> alive[1, :3] = False
    >>> greedy_column_rerouting(alive).columns
    1
    >>> r = greedy_column_rerouting(alive, [True, False, True])
    >>> r.rows, r.columns
    (array([0, 2]), 4)
    >>> greedy_column_rerouting(alive, distance=0).columns
    1
    """
    a = _check_alive(alive)
    selected = _check_rows(rows, a.shape[0])
    d = check_int("distance", distance, minimum=0)
    return _run(a, selected, d)


def select_rows(alive, *, distance: int = 1, target_rows: int | None = None) -> Rerouted:
    """Choose rows to bypass for a large logical array (a heuristic), then reroute columns.

    Parameters
    ----------
    alive : array_like of bool, shape (R, C)
        True for a fault-free PE.
    distance : int, default 1
        Compensation distance ``d >= 0``.
    target_rows : int, optional
        When given (1 <= target_rows <= R): the most logical columns with at
        least this many selected rows. Default: the largest logical array,
        ``rows * columns``.

    Returns
    -------
    Rerouted
        GCR's columns on the rows chosen.

    Notes
    -----
    A heuristic in the spirit of Low's RCRoute [1]_ (row exclusion, then
    compensation); it is not RCRoute's published procedure, which was not
    available when this was written, and it is not optimal (the exact
    problem over row subsets is NP-hard under related constraints [2]_).

    1. Row exclusion. Start from all rows. Run GCR; the search for the first
       column it could not build stopped at a *blocking row* (the selected
       row it could not enter: the deepest row it reached, plus one). Bypass
       that row and repeat, keeping every row set seen as a candidate.
       Stop when one row is left, when every physical column is a logical
       one, when even ``C`` columns could not beat the best candidate, or
       (with ``target_rows``) when fewer rows than the target would remain.
    2. Compensation. Take the best candidate and try the bypassed rows back,
       top to bottom, one at a time, keeping a row when the objective does not
       get worse (for the size: ``(m + 1) * c' >= m * c``; with a target: no
       column lost).

    Bypassing a row does not always help: the two rows around it must then
    be within ``d`` of each other directly. The objective is compared against
    all rows selected, which is the first candidate, so the result is never
    worse than :func:`greedy_column_rerouting` on all rows. Ties go to the
    candidate with more rows.

    Complexity: at most ``R`` exclusion steps and ``R`` compensation trials,
    each a GCR: O(R^2 * C * (2d + 1)).

    References
    ----------
    .. [1] C. P. Low, "An efficient reconfiguration algorithm for degradable
       VLSI/WSI arrays," IEEE Trans. Computers 49(6):553-559, 2000.
    .. [2] S.-Y. Kuo and I.-Y. Chen, "Efficient reconfiguration algorithms
       for degradable VLSI/WSI arrays," IEEE Trans. CAD 11(10), 1992.

    Examples
    --------
    >>> alive = np.ones((4, 5), dtype=bool)
    >>> alive[2, [0, 2, 4]] = False
    >>> greedy_column_rerouting(alive).size
    8
    >>> r = select_rows(alive)
    >>> r.rows, r.columns, r.size
    (array([0, 1, 3]), 5, 15)
    >>> select_rows(alive, target_rows=4).columns
    2
    """
    a = _check_alive(alive)
    d = check_int("distance", distance, minimum=0)
    n_rows, n_cols = a.shape
    target = None if target_rows is None else check_int("target_rows", target_rows, minimum=1, maximum=n_rows)

    def score(mask: np.ndarray, cols: int) -> tuple[int, int]:
        m = int(mask.sum())
        return (m * cols, m) if target is None else (cols, m)

    mask = np.ones(n_rows, dtype=bool)
    best_mask, best_cols = mask.copy(), -1
    while True:
        columns, block = _gcr_dense(a, np.flatnonzero(mask), d)
        cols = columns.shape[0]
        if best_cols < 0 or score(mask, cols) > score(best_mask, best_cols):
            best_mask, best_cols = mask.copy(), cols
        m = int(mask.sum())
        if block < 0 or m <= 1 or (target is not None and m - 1 < target):
            break
        if target is None and (m - 1) * n_cols <= best_cols * int(best_mask.sum()):
            break
        mask[np.flatnonzero(mask)[block]] = False
    mask, cols = best_mask, best_cols
    for r in np.flatnonzero(~mask):
        trial = mask.copy()
        trial[r] = True
        got = _gcr_dense(a, np.flatnonzero(trial), d)[0].shape[0]
        m = int(mask.sum())
        if (got >= cols) if target is not None else ((m + 1) * got >= m * cols):
            mask, cols = trial, got
    return _run(a, mask, d)


def gcr_batch(offsets, dead, core_rows: int, core_cols: int, *, distance: int = 1) -> ReroutedBatch:
    """GCR on many sparse wafers at once, every row selected.

    Parameters
    ----------
    offsets : array_like of int, shape (n_trials + 1,)
        CSR offsets: non-decreasing from 0 to ``len(dead)``.
    dead : array_like of int
        Trial ``t``'s dead core ids (``row * core_cols + col``) are
        ``dead[offsets[t]:offsets[t + 1]]``, sorted ascending within the trial
        (a repeated id counts once), e.g. ``wafer.dead_cores(defects).sites``.
    core_rows, core_cols : int
        The physical array, ``R x C`` PEs.
    distance : int, default 1
        Compensation distance ``d >= 0``.

    Returns
    -------
    ReroutedBatch
        Per trial: logical columns (the logical array is ``R x columns``),
        long vertical and long horizontal links (as
        :meth:`Rerouted.long_interconnects` counts them), distinct dead cores.

    Raises
    ------
    ParameterError
        Bad offsets, ids out of ``[0, R * C)`` or unsorted within a trial,
        non-integer arrays, ``R`` or ``C`` not an integer >= 1, ``distance``
        not an integer >= 0.

    Notes
    -----
    The same columns as :func:`greedy_column_rerouting` on the dense mask,
    computed from the faults only. Write column ``k``'s physical column in
    row ``i`` as ``x_k(i) = k + delta_k(i)``; ``delta_k(i)`` is non-decreasing
    in ``k`` (columns strictly increase along a row), so each row is a step
    function of ``k`` with a breakpoint list, empty (``delta = 0``, the
    identity) on rows far from faults.

    Forward sweep. GCR's leftmost rule reads, without dead ends, ``x_k(i) =``
    the first live column ``>= max(x_{k-1}(i) + 1, x_k(i-1) - d)``; in
    ``delta`` terms, with the reach bound ``q_k = max(delta_k(i-1) - d, 0)``
    (non-decreasing): ``delta_k(i) = max(delta_{k-1}(i), q_k)``, then +1 for
    each dead PE it lands on. So the row's breakpoints are the breakpoints of
    ``q`` that rise above the running value and one per dead PE of the row
    that is landed on: O(breakpoints above + faults in the row) per row. A
    row without faults below a row with ``delta`` gets ``(delta - d)^+``, so
    a deviation decays by ``d`` a row and rows with ``delta = 0`` and no fault
    are skipped outright. Row 0 has ``q = 0``.

    Lower bound. By induction on ``k`` and ``i``, every swept ``x_k(i)`` is
    <= the true column (the true one satisfies the same inequalities), so a
    column swept off the array's right edge is truly infeasible, and GCR
    stops at the first such column.

    Dead ends. Where a swept step exceeds the reach, ``delta_k(i+1) >
    delta_k(i) + d``, the PE ``(i, x_k(i))`` has no fault-free PE within
    reach right of column ``k - 1`` in row ``i + 1``. Take the least such
    ``k`` (over all rows) that fits the array: columns ``< k`` swept without
    a dead end, so they are exact (a dead-end-free sweep path is GCR's
    path), and every such PE of column ``k`` lies right of column ``k - 1``
    and cannot reach the bottom right of it, nor right of any later column.
    No column uses it, so killing it changes nothing GCR returns (for each
    column the feasible set and hence its row-wise least member are
    unchanged); GCR's own marking does exactly this. Kill them, sweep again
    from the topmost killed row (rows above depend only on rows above), and
    repeat until no column that fits has a dead end: then every column that
    fits is exact.

    Complexity: O(sum over visited rows of breakpoints + faults), visited
    rows being the fault rows and up to ``max delta / d`` rows below each;
    independent of ``R * C``. With ``d = 1`` an isolated fault makes one
    breakpoint in one row. A dead end needs a row shifted more than ``d``
    beyond the row above at some column (with ``d = 1``: two faults anywhere
    in one row, about 1.4 times per WSE-3-like wafer of 46 defects). Each
    round of kills re-sweeps only the rows it changes (it stops at the first
    row below the kills that comes out as before) and rescans the listed
    rows: O(faults) a round. ``d = 0`` (straight columns) is counted
    directly from the dead columns. Trials run in parallel (numba threads),
    in chunks of 64 sharing an O(R) scratch table that is zeroed once per
    chunk.

    Examples
    --------
    Two wafers of 3 x 4 cores: one with core (1, 1) dead, one with a dead row.

    >>> b = gcr_batch([0, 1, 5], [5, 4, 5, 6, 7], 3, 4)
    >>> b.columns, b.long_vertical, b.long_horizontal
    (array([3, 0]), array([4, 0]), array([1, 0]))
    """
    off, ids = _check_csr(offsets, dead)
    n_rows = check_int("core_rows", core_rows)
    n_cols = check_int("core_cols", core_cols)
    if n_rows * n_cols > INT64_MAX:
        raise ParameterError(f"core_rows * core_cols must be at most {INT64_MAX:,}, got {n_rows * n_cols:,}")
    d = check_int("distance", distance, minimum=0)
    if ids.size and (ids.min() < 0 or ids.max() >= n_rows * n_cols):
        bad = int(ids[(ids < 0) | (ids >= n_rows * n_cols)][0])
        raise ParameterError(f"dead must be core ids in [0, {n_rows * n_cols:,}), got {bad}")
    down = np.flatnonzero(np.diff(ids) < 0) + 1
    if down.size and not np.isin(down, off).all():
        t = int(np.searchsorted(off, down[~np.isin(down, off)][0], side="right") - 1)
        raise ParameterError(f"dead must be sorted ascending within each trial, got trial {t} unsorted")
    return ReroutedBatch(*_gcr_batch(off, ids, n_rows, n_cols, d, _CHUNK))


def _run(alive: np.ndarray, selected: np.ndarray, d: int) -> Rerouted:
    rows = np.flatnonzero(selected).astype(np.int64)
    columns, _ = _gcr_dense(alive, rows, d)
    l2p = columns.T if rows.size else np.zeros((0, 0), dtype=np.int64)
    rows.flags.writeable = False
    l2p.flags.writeable = False
    return Rerouted((int(alive.shape[0]), int(alive.shape[1])), rows, l2p, d)


def _check_alive(alive: object) -> np.ndarray:
    """``alive`` as a C-contiguous 2-D bool array with at least one row and column."""
    allowed = "a 2-D boolean array (True = fault-free PE) with at least one row and one column"
    try:
        a = np.asarray(alive)
    except (TypeError, ValueError):
        raise ParameterError(f"alive must be {allowed}, got {shown(alive)}") from None
    if a.dtype != np.bool_ or a.ndim != 2 or 0 in a.shape:
        got = f"dtype {a.dtype}, shape {a.shape}" if isinstance(alive, np.ndarray) else shown(alive)
        raise ParameterError(f"alive must be {allowed}, got {got}")
    return np.ascontiguousarray(a)


def _check_rows(rows: object, n_rows: int) -> np.ndarray:
    """``rows`` as a bool mask of length ``n_rows`` (None: all rows)."""
    if rows is None:
        return np.ones(n_rows, dtype=bool)
    allowed = f"a boolean mask of length R = {n_rows} (True = selected row)"
    try:
        m = np.asarray(rows)
    except (TypeError, ValueError):
        raise ParameterError(f"rows must be {allowed}, got {shown(rows)}") from None
    if m.dtype != np.bool_ or m.shape != (n_rows,):
        got = f"dtype {m.dtype}, shape {m.shape}" if isinstance(rows, np.ndarray) else shown(rows)
        raise ParameterError(f"rows must be {allowed}, got {got}")
    return m


def _check_csr(offsets: object, dead: object) -> tuple[np.ndarray, np.ndarray]:
    """Contiguous int64 ``(offsets, dead)`` of a CSR batch (ranges checked by the caller)."""
    if isinstance(dead, (list, tuple)) and len(dead) == 0:
        dead = np.zeros(0, dtype=np.int64)  # np.asarray([]) is float
    ids = check_int_array("dead", dead, minimum=-INT64_MAX - 1, allowed="core ids (integers)")
    if ids.ndim != 1:
        raise ParameterError(f"dead must be a 1-D array of core ids, got shape {ids.shape}")
    off = check_int_array("offsets", offsets, minimum=0, allowed="integer offsets >= 0")
    if (off.ndim != 1 or off.size == 0 or off[0] != 0 or off[-1] != ids.size
            or (np.diff(off) < 0).any()):
        raise ParameterError(
            f"offsets must be 1-D, non-decreasing from 0 to len(dead) = {ids.size}, got {shown(off.tolist())}"
        )
    return np.ascontiguousarray(off, dtype=np.int64), np.ascontiguousarray(ids, dtype=np.int64)


# --------------------------------------------------------------------------
# The registered scheme
# --------------------------------------------------------------------------

#: Status of a wafer with fewer logical columns than the target, and with none.
DEGRADED, FAILED = 1, 2


class ReroutedMapping(LogicalMapping):
    """One wafer's logical mesh under :class:`ColumnRerouting` (dense: O(cores)).

    Examples
    --------
    >>> spec = WaferSpec(core_rows=3, core_cols=4, die_width_mm=5.0, die_height_mm=5.0)
    >>> m = ColumnRerouting(spare_cols=1).mapping(spec, [5])
    >>> m.repaired, m.logical_shape, m.to_dense().tolist()
    (True, (3, 3), [[0, 1, 2], [4, 6, 7], [8, 9, 10]])
    """

    def __init__(self, spec: WaferSpec, scheme: ColumnRerouting, dead: np.ndarray, rerouted: Rerouted) -> None:
        self.spec = spec
        self.scheme = scheme
        self.dead = dead
        self.rerouted = rerouted
        want = scheme.logical_shape(spec)[1]
        cols = min(rerouted.columns, want) if rerouted.rows.size == spec.core_rows else rerouted.columns
        self.status = OK if rerouted.rows.size == spec.core_rows and cols == want else DEGRADED if cols else FAILED
        self.logical_shape = (int(rerouted.rows.size), int(cols)) if cols else (0, 0)
        #: Physical core of each logical core, row-major.
        self._l2p = np.ascontiguousarray(rerouted.to_physical()[:, :cols]).ravel()
        self.blocked = np.zeros(0, dtype=np.int64)
        self.links = np.zeros(0, dtype=np.int64)
        #: Physical columns beyond the logical mesh's (the columns GCR did not need).
        self.spares_used = int(spec.core_cols - cols) if cols else 0

    def l2p(self, logical) -> np.ndarray:
        """Physical core of each logical core id."""
        return self._l2p[self._check_logical(logical)]

    def p2l(self, physical) -> np.ndarray:
        """Logical core on each physical core id, -1 off the logical mesh."""
        from paramcheck import check_ids

        physical = check_ids("physical", physical, self.spec.n_cores, what="core ids")
        inverse = np.full(self.spec.n_cores, -1, dtype=np.int64)
        inverse[self._l2p] = np.arange(self._l2p.size)
        return inverse[physical]


@dataclass(frozen=True)
class ColumnRerouting(RemapScheme):
    """Row bypass with greedy column rerouting (Low & Leong 1997; Low 2000).

    Logical columns thread one live core per row, moving at most
    ``distance`` columns between rows; with ``select_rows`` the scheme also
    bypasses rows (our RCRoute-style heuristic, :func:`select_rows`). A
    wafer is repaired when every row is kept and GCR builds at least
    ``core_cols - spare_cols`` columns; else it degrades to the array it
    built.

    Parameters
    ----------
    spare_cols : int
        Physical columns beyond the logical mesh's.
    distance : int
        Compensation distance (1: Low's).
    select_rows : bool
        Bypass rows for a larger array (dense per wafer: O(rows^2 x cols)).

    Notes
    -----
    With every row kept, :meth:`check` follows the defects
    (:func:`gcr_batch`); with ``select_rows`` it runs the dense heuristic
    per wafer. No closed form.

    Examples
    --------
    >>> from yieldmodels import DefectBatch
    >>> spec = WaferSpec(core_rows=3, core_cols=4, die_width_mm=5.0, die_height_mm=5.0)
    >>> b = ColumnRerouting(spare_cols=1).check(spec, DefectBatch(np.array([0, 1, 3]), np.array([5, 4, 5])))
    >>> b.status.tolist(), b.logical_cols.tolist()
    ([0, 1], [3, 2])
    """

    spare_cols: int = 1
    distance: int = 1
    select_rows: bool = False

    name: ClassVar[str] = "column-rerouting"
    FAILURES: ClassVar[dict] = {
        OK: "repaired",
        DEGRADED: "degraded: fewer logical columns (or rows) than the target",
        FAILED: "no logical column",
    }

    def __post_init__(self) -> None:
        check_int("spare_cols", self.spare_cols, minimum=0)
        check_int("distance", self.distance, minimum=0)
        check_bool("select_rows", self.select_rows)

    def describe(self) -> str:
        """One line: the scheme and its parameters."""
        rows = ", bypassing rows" if self.select_rows else ""
        return f"{self.name}, {self.spare_cols} spare column(s), compensation distance {self.distance}{rows}"

    def validate(self, spec: WaferSpec) -> None:
        """Raise :class:`ParameterError` unless the spare columns fit ``spec``'s grid."""
        check_instance("spec", spec, WaferSpec)
        check_int("spare_cols", self.spare_cols, minimum=0, maximum=spec.core_cols - 1)
        check_live_routers(self, spec, "its bypassed cores' routers forward traffic")
        super().validate(spec)

    def _shape(self, spec: WaferSpec) -> tuple[int, int]:
        return spec.core_rows, spec.core_cols - self.spare_cols

    def check(self, spec: WaferSpec, dead) -> RemapBatch:
        """The logical mesh each trial reaches."""
        self.validate(spec)
        dead = checked_batch(spec, dead)
        rows, want = self._shape(spec)
        if self.select_rows:
            maps = [self.mapping(spec, dead.trial(t)) for t in range(dead.n_trials)]
            status = np.array([m.status for m in maps], dtype=np.int8)
            lr = np.array([m.logical_shape[0] for m in maps], dtype=np.int64)
            lc = np.array([m.logical_shape[1] for m in maps], dtype=np.int64)
            return RemapBatch(status, lr, lc, np.array([m.spares_used for m in maps], dtype=np.int64), {})
        b = gcr_batch(dead.offsets, dead.sites, spec.core_rows, spec.core_cols, distance=self.distance)
        cols = np.minimum(b.columns, want)
        status = np.where(cols == want, OK, np.where(cols > 0, DEGRADED, FAILED)).astype(np.int8)
        return RemapBatch(status, np.where(cols > 0, rows, 0), cols, np.where(cols > 0, spec.core_cols - cols, 0),
                          {"columns": b.columns, "long_vertical": b.long_vertical,
                           "long_horizontal": b.long_horizontal})

    def mapping(self, spec: WaferSpec, dead, routers=None, links=None) -> ReroutedMapping:
        """The logical mesh of one wafer (dense: O(cores)); core faults only."""
        from paramcheck import check_ids

        self.validate(spec)
        check_cores_only(self, routers, links)
        dead = np.unique(check_ids("dead", dead, spec.n_cores, what="core ids"))
        alive = np.ones(spec.n_cores, dtype=bool)
        alive[dead] = False
        alive = alive.reshape(spec.core_rows, spec.core_cols)
        if self.select_rows:
            rerouted = select_rows(alive, distance=self.distance)
        else:
            rerouted = greedy_column_rerouting(alive, distance=self.distance)
        return ReroutedMapping(spec, self, dead, rerouted)
