"""Row or column harvesting, as Tenstorrent ships its chips.

Every row (Grayskull, Wormhole) or column (Blackhole: ``axis="cols"``) of the
core grid holding a dead core is disabled. Its cores are fused off, but its
routers still forward traffic, so the network still routes through the line:
a logical link across a disabled line is a long interconnect of one extra hop
per disabled line, never a broken one. The logical array is the good lines,
in order, times the full other dimension.

With ``target`` lines, the chip ships with exactly that many good lines (the
first ones) and fails (status 2) when fewer exist; without, it exposes every
good line (status 0 with no line lost, 1 degraded, 2 with none left).

Cores are numbered ``row * cols + col``; batches are CSR ``(offsets, dead)``
as in :mod:`wafer.spare_lines`, with the same :class:`wafer.spare_lines.LineMapping`
for one trial. Work per trial scales with its dead cores.

Removing a dead core never makes the result worse: the good lines can only
grow, so the status cannot rise and the logical array cannot shrink.

The closed forms take each core dead independently with probability ``q =
1 - exp(-mean_defects / cores)`` (Poisson defects, uniform on the cores),
optionally gamma-mixed over the whole grid (negative-binomial defect counts,
shape ``alpha``): the number of good lines is then binomial given the mixing
multiplier.

Examples
--------
>>> import numpy as np
>>> b = harvest_lines([0, 2, 2], [1, 14], 4, 5)
>>> b.status.tolist(), b.good_lines.tolist(), b.logical_rows.tolist()
([1, 0], [2, 4], [2, 4])
>>> b.mapping(0).row_map().tolist()
[1, 3]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from paramcheck import check_choice, check_int, check_nonnegative, check_positive

from ._harvest_kernel import DEGRADED, FAILED, OK, _harvest_batch
from ._spare_lines_kernel import _compact_csr
from .remap import gamma_expectation
from .spare_lines import LineMapping, _check_csr, _check_grid, _check_trial

__all__ = [
    "AXES",
    "DEGRADED",
    "FAILED",
    "FAILURES",
    "OK",
    "HarvestBatch",
    "expected_good_lines",
    "harvest_lines",
    "harvest_mapping",
    "harvest_probability",
]

#: The axes lines can be harvested along.
AXES = ("rows", "cols")

#: What each status code means.
FAILURES = {
    OK: "repaired",
    DEGRADED: "degraded: fewer good lines than the grid has",
    FAILED: "failed: no good line (or fewer than the target)",
}


def _check_axis(axis: object) -> int:
    return AXES.index(check_choice("axis", axis, AXES))


def _check_lines_target(target: object, n_lines: int, *, minimum: int = 1) -> int:
    """Target good lines, 0 for None."""
    if target is None:
        return 0
    return check_int("target", target, minimum=minimum, maximum=n_lines)


@dataclass(frozen=True, eq=False)
class HarvestBatch:
    """Outcome of harvesting for each trial of a batch.

    Attributes
    ----------
    status : ndarray of int8
        0 full shape (no line lost, or the target met), 1 degraded, 2 failed
        (:data:`FAILURES`).
    n_disabled : ndarray of int64
        Lines with a dead core.
    logical_rows, logical_cols : ndarray of int64
        Logical shape exposed (with a target and too few good lines, that of
        the good lines).
    long_links : ndarray of int64
        Logical neighbour pairs with disabled lines between them.
    longest_link : ndarray of int64
        Longest logical link in physical hops (1 without long ones, 0 when
        the logical array has no link).
    extra_hops : ndarray of int64
        Sum over the logical links of (physical hops - 1).
    line_offsets, line_ids : ndarray of int64
        The disabled lines of each trial (CSR, sorted).
    axis : str
        "rows" or "cols".
    grid : (int, int)
        Physical ``(rows, cols)``.
    target : int or None
        Good lines shipped, when fixed.
    """

    status: np.ndarray
    n_disabled: np.ndarray
    logical_rows: np.ndarray
    logical_cols: np.ndarray
    long_links: np.ndarray
    longest_link: np.ndarray
    extra_hops: np.ndarray
    line_offsets: np.ndarray
    line_ids: np.ndarray
    axis: str
    grid: tuple[int, int]
    target: int | None

    @property
    def n_trials(self) -> int:
        """Trials in the batch."""
        return self.status.size

    @property
    def repaired(self) -> np.ndarray:
        """Boolean mask of the trials at the full shape (status 0)."""
        return self.status == OK

    @property
    def good_lines(self) -> np.ndarray:
        """Lines without a dead core."""
        n_lines = self.grid[0] if self.axis == "rows" else self.grid[1]
        return n_lines - self.n_disabled

    def mapping(self, trial: int) -> LineMapping:
        """The logical -> physical map of one trial.

        Examples
        --------
        >>> m = harvest_lines([0, 1], [6], 3, 4, axis="cols").mapping(0)
        >>> m.logical_shape, m.retired_cols.tolist(), m.long_links().tolist()
        ((3, 3), [2], [2, 2, 2])
        """
        t = check_int("trial", trial, minimum=0, maximum=self.n_trials - 1)
        lines = self.line_ids[self.line_offsets[t] : self.line_offsets[t + 1]].copy()
        none = np.zeros(0, dtype=np.int64)
        rows, cols = (lines, none) if self.axis == "rows" else (none, lines)
        shape = (int(self.logical_rows[t]), int(self.logical_cols[t]))
        return LineMapping(self.grid[0], self.grid[1], int(self.status[t]), shape, rows, cols)


def harvest_lines(
    offsets: ArrayLike,
    dead: ArrayLike,
    rows: int,
    cols: int,
    *,
    axis: str = "rows",
    target: int | None = None,
) -> HarvestBatch:
    """Harvest the lines with dead cores, for each trial of a batch.

    Parameters
    ----------
    offsets : array_like of int, shape (n_trials + 1,)
        CSR offsets into ``dead``: from 0, non-decreasing, to ``len(dead)``.
    dead : array_like of int
        Dead core ids ``row * cols + col`` of every trial, concatenated;
        sorted ascending and distinct within each trial.
    rows, cols : int
        Physical core grid, each in [1, 2**31 - 1].
    axis : {"rows", "cols"}, default "rows"
        Harvest rows (Grayskull, Wormhole) or columns (Blackhole).
    target : int, optional
        Good lines the chip ships with, in [1, lines along ``axis``]; a trial
        with fewer fails. None: every good line (graceful).

    Returns
    -------
    HarvestBatch

    Raises
    ------
    ParameterError
        On a bad parameter, naming it (unknown axis, ids out of range,
        unsorted or repeated within a trial, bad offsets or target).

    Notes
    -----
    O(n) per trial of n dead cores for rows (the ids come sorted by row),
    O(n log n) for columns; trials run in parallel (numba ``prange``).

    References
    ----------
    Tenstorrent, "Tenstorrent ISA documentation" (Wormhole B0, Blackhole A0),
    github.com/tenstorrent/tt-isa-documentation: NoC coordinate translation
    gives software one coordinate scheme whatever rows (Wormhole) or columns
    (Blackhole) were harvested. Tenstorrent QuietBox 2 guide, "The TT-Metal
    architecture": a Blackhole has 140 Tensix tiles, 120 enabled (two columns
    harvested).

    Examples
    --------
    Rows 0 and 2 of a 4 x 3 grid have dead cores: two good rows.

    >>> b = harvest_lines([0, 3], [0, 2, 7], 4, 3)
    >>> b.status.tolist(), b.logical_rows.tolist(), b.logical_cols.tolist()
    ([1], [2], [3])
    >>> b.long_links.tolist(), b.longest_link.tolist()
    ([3], [2])

    Shipping with a fixed number of rows:

    >>> harvest_lines([0, 3], [0, 2, 7], 4, 3, target=2).status.tolist()
    [0]
    >>> harvest_lines([0, 3], [0, 2, 7], 4, 3, target=3).status.tolist()
    [2]
    """
    r, c = _check_grid(rows, cols)
    ax = _check_axis(axis)
    n_lines = r if ax == 0 else c
    tgt = _check_lines_target(target, n_lines)
    off, d = _check_csr(offsets, dead, r * c)
    status, disabled, logical, long_links, longest, extra, buf = _harvest_batch(off, d, (r, c, ax, tgt))
    line_off, line_ids = _compact_csr(off, buf, disabled)
    other = np.full(logical.size, c if ax == 0 else r, dtype=np.int64)
    lrows, lcols = (logical, other) if ax == 0 else (other, logical)
    return HarvestBatch(
        status, disabled, lrows, lcols, long_links, longest, extra, line_off, line_ids,
        AXES[ax], (r, c), tgt or None,
    )


def harvest_mapping(
    dead: ArrayLike, rows: int, cols: int, *, axis: str = "rows", target: int | None = None
) -> LineMapping:
    """Harvesting of one grid, as its logical -> physical map.

    Parameters are those of :func:`harvest_lines`, for one trial (``dead``:
    sorted distinct core ids).

    Examples
    --------
    >>> m = harvest_mapping([5], 3, 4)
    >>> m.logical_shape, m.l2p([4, 7]).tolist(), m.p2l([5, 8]).tolist()
    ((2, 4), [8, 11], [-1, 4])
    """
    r, c = _check_grid(rows, cols)
    d = _check_trial(dead, r * c)
    return harvest_lines(np.array([0, d.size], dtype=np.int64), d, r, c, axis=axis, target=target).mapping(0)


def _closed_form_args(rows, cols, mean_defects, axis, alpha):
    r, c = _check_grid(rows, cols)
    ax = _check_axis(axis)
    mean = check_nonnegative("mean_defects", mean_defects)
    shape = None if alpha is None else check_positive("alpha", alpha)
    return (r if ax == 0 else c), mean, shape


def harvest_probability(
    rows: int,
    cols: int,
    mean_defects: float,
    target: int,
    *,
    axis: str = "rows",
    alpha: float | None = None,
) -> float:
    """Closed-form probability that at least ``target`` lines have no dead core.

    Parameters
    ----------
    rows, cols : int
        Physical core grid.
    mean_defects : float
        Expected defects per grid, >= 0, uniform on the cores.
    target : int
        Good lines wanted, in [0, lines along ``axis``].
    axis : {"rows", "cols"}, default "rows"
    alpha : float, optional
        Gamma-mixing shape (> 0) over the whole grid: negative-binomial
        defect counts. None: Poisson.

    Returns
    -------
    float
        ``P(G >= target)``.

    Notes
    -----
    Given the multiplier ``g`` (1 without mixing), each core is dead
    independently with probability ``q = 1 - exp(-g * mean_defects /
    cores)``, a line of ``n`` cores is good with ``p = (1 - q)^n =
    exp(-g * mean_defects / L)`` (``L`` lines), and the good lines are
    Binomial(L, p): ``P(G >= k)`` is its upper tail. With ``alpha`` the tail
    is averaged over ``g ~ Gamma(alpha, 1 / alpha)`` by numerical integration
    over the gamma quantile (scipy ``quad``). O(1) without mixing.

    Examples
    --------
    A 763 x 1272 grid with 46.2 expected defects keeps all its rows with
    probability exp(-46.2), or (1 + 46.2 / alpha)^-alpha gamma-mixed (the
    negative-binomial yield of the whole grid):

    >>> math.isclose(harvest_probability(763, 1272, 46.2, 763), math.exp(-46.2))
    True
    >>> math.isclose(harvest_probability(763, 1272, 46.2, 763, alpha=2.0), (1 + 46.2 / 2) ** -2)
    True

    It keeps at least 710 rows (expected: 718.2) with probability

    >>> round(harvest_probability(763, 1272, 46.2, 710), 4)
    0.9065
    >>> round(harvest_probability(763, 1272, 46.2, 710, alpha=2.0), 4)
    0.6898
    """
    from scipy import special

    n_lines, mean, shape = _closed_form_args(rows, cols, mean_defects, axis, alpha)
    k = check_int("target", target, minimum=0, maximum=n_lines)
    if k == 0:
        return 1.0

    def tail(g: float) -> float:
        p = math.exp(-g * mean / n_lines)
        return float(special.bdtrc(k - 1, n_lines, p))  # P(Binomial(L, p) > k - 1)

    if shape is None:
        return min(1.0, max(0.0, tail(1.0)))
    return gamma_expectation(tail, shape)


def expected_good_lines(
    rows: int, cols: int, mean_defects: float, *, axis: str = "rows", alpha: float | None = None
) -> float:
    """Closed-form expected number of lines without a dead core.

    Parameters are those of :func:`harvest_probability`.

    Notes
    -----
    ``L exp(-mean / L)`` for Poisson defects, ``L (1 + mean / (L alpha))^-alpha``
    gamma-mixed (the mean of ``exp(-g mean / L)`` over the gamma law). O(1).

    Examples
    --------
    >>> round(expected_good_lines(763, 1272, 46.2), 2)
    718.17
    >>> round(expected_good_lines(763, 1272, 46.2, axis="cols", alpha=2.0), 2)
    1227.03
    """
    n_lines, mean, shape = _closed_form_args(rows, cols, mean_defects, axis, alpha)
    if shape is None:
        return n_lines * math.exp(-mean / n_lines)
    return n_lines * math.exp(-shape * math.log1p(mean / (n_lines * shape)))
