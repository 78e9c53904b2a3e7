"""Slow, obviously-correct references for :mod:`wafer.rerouting` (plain Python, networkx).

- :func:`gcr_python`: greedy column rerouting in plain Python loops, the
  same algorithm as the compiled kernel (the benchmark's baseline).
- :func:`max_columns_exact`: the true maximum number of logical columns for a
  row set, by methods that know nothing of GCR: an exhaustive search over the
  model's definition (``"search"``) or a maximum flow (``"flow"``).
- :func:`max_array_exact`: the largest logical array over all row subsets.

They are test oracles for small arrays, not meant for wafer sizes.
"""

from __future__ import annotations

from itertools import combinations
from typing import NamedTuple

import networkx as nx
import numpy as np
from paramcheck import ParameterError, check_choice, check_int

from .rerouting import _check_alive, _check_rows

__all__ = ["EXACT_MAX_ROWS", "ExactArray", "SEARCH_MAX_COLS", "gcr_python", "max_array_exact", "max_columns_exact"]

#: Most physical columns the ``"search"`` method takes (it may visit every
#: subset of a row's PEs).
SEARCH_MAX_COLS = 10

#: Most physical rows :func:`max_array_exact` takes (it tries every row subset).
EXACT_MAX_ROWS = 12


class ExactArray(NamedTuple):
    """The best row set found by :func:`max_array_exact` and its column count."""

    rows: tuple[int, ...]
    columns: int

    @property
    def size(self) -> int:
        """Logical PEs, ``len(rows) * columns``."""
        return len(self.rows) * self.columns


def gcr_python(alive, rows=None, distance: int = 1) -> np.ndarray:
    """Greedy column rerouting in plain Python: the ``l2p`` of :func:`wafer.rerouting.greedy_column_rerouting`.

    Same algorithm as the compiled kernel (leftmost-first depth-first search
    per column, marking dead-end PEs for good), on Python lists.

    Returns
    -------
    ndarray of int64, shape (selected rows, columns)
        Physical column of each logical column in each selected row.

    Examples
    --------
    >>> alive = np.array([[1, 1, 1], [1, 1, 1], [0, 0, 1]], dtype=bool)
    >>> gcr_python(alive).tolist()
    [[0], [1], [2]]
    """
    a = _check_alive(alive)
    sel = np.flatnonzero(_check_rows(rows, a.shape[0])).tolist()
    d = check_int("distance", distance, minimum=0)
    grid = [a[r].tolist() for r in sel]
    m, n = len(grid), a.shape[1]
    if m == 0:
        return np.zeros((0, 0), dtype=np.int64)
    mark = [[False] * n for _ in range(m)]
    prev = [-1] * m
    columns = []
    while len(columns) < n:
        path = None
        for x in range(prev[0] + 1, n):
            if not grid[0][x] or mark[0][x]:
                continue
            cur = [x]
            while cur and len(cur) < m:
                i = len(cur) - 1
                step = None
                for j in range(max(cur[i] - d, prev[i + 1] + 1), min(cur[i] + d, n - 1) + 1):
                    if grid[i + 1][j] and not mark[i + 1][j]:
                        step = j
                        break
                if step is None:
                    mark[i][cur.pop()] = True
                else:
                    cur.append(step)
            if cur:
                path = cur
                break
        if path is None:
            break
        columns.append(path)
        prev = path
    return np.array(columns, dtype=np.int64).T.reshape(m, len(columns))


def max_columns_exact(alive, rows=None, distance: int = 1, *, method: str = "search") -> int:
    """The maximum number of logical columns through the selected rows, exactly.

    Parameters
    ----------
    alive : array_like of bool, shape (R, C)
    rows : array_like of bool, shape (R,), optional
        Selected rows (default all).
    distance : int, default 1
    method : {"search", "flow"}
        ``"search"``: the model's definition, exhaustively. A family of ``k``
        logical columns is, in each selected row, a ``k``-subset of the
        fault-free PEs (column ``j`` is the ``j``-th smallest), consecutive
        rows' sorted subsets differing by at most ``d`` elementwise. Every
        subset reachable from the first row is carried row by row; the
        answer is the largest one reaching the last row. At most
        :data:`SEARCH_MAX_COLS` columns.

        ``"flow"``: the most vertex-disjoint top-to-bottom paths in the
        layered graph (unit-capacity PEs, edges between PEs of consecutive
        selected rows at most ``d`` columns apart), by networkx maximum flow.
        It equals the most *non-crossing* columns: given any ``k`` disjoint
        paths, sort their columns in each row; the ``j``-th order statistic
        is again a path (sorting is 1-Lipschitz in the max norm, so steps stay
        <= d), uses the same fault-free PEs, and distinct paths give strictly
        increasing sorted columns.

    Returns
    -------
    int

    Examples
    --------
    >>> alive = np.array([[1, 1, 1], [1, 1, 1], [0, 0, 1]], dtype=bool)
    >>> max_columns_exact(alive), max_columns_exact(alive, method="flow")
    (1, 1)
    >>> max_columns_exact(alive, [True, True, False])
    3
    """
    a = _check_alive(alive)
    sel = np.flatnonzero(_check_rows(rows, a.shape[0])).tolist()
    d = check_int("distance", distance, minimum=0)
    method = check_choice("method", method, ("search", "flow"))
    if not sel:
        return 0
    if method == "flow":
        return _flow(a, sel, d)
    if a.shape[1] > SEARCH_MAX_COLS:
        raise ParameterError(
            f"alive must have at most {SEARCH_MAX_COLS} columns for method 'search', got {a.shape[1]}"
        )
    return _search(a, sel, d)


def max_array_exact(alive, distance: int = 1, *, target_rows: int | None = None) -> ExactArray:
    """The best row subset, by trying every one (with :func:`max_columns_exact`).

    Without ``target_rows``: the largest ``len(rows) * columns`` (ties: more
    rows, then the first subset in order of size and then lexicographic
    order). With it: the most columns over subsets of at least
    ``target_rows`` rows (ties: more rows). At most :data:`EXACT_MAX_ROWS`
    rows.

    Examples
    --------
    >>> alive = np.ones((4, 5), dtype=bool)
    >>> alive[2, [0, 2, 4]] = False
    >>> best = max_array_exact(alive)
    >>> best, best.size
    (ExactArray(rows=(0, 1, 3), columns=5), 15)
    >>> max_array_exact(alive, target_rows=4).columns
    2
    """
    a = _check_alive(alive)
    d = check_int("distance", distance, minimum=0)
    n_rows = a.shape[0]
    if n_rows > EXACT_MAX_ROWS:
        raise ParameterError(f"alive must have at most {EXACT_MAX_ROWS} rows for max_array_exact, got {n_rows}")
    target = None if target_rows is None else check_int("target_rows", target_rows, minimum=1, maximum=n_rows)
    method = "search" if a.shape[1] <= SEARCH_MAX_COLS else "flow"
    best, best_key = ExactArray((), 0), (-1, -1)
    for m in range(n_rows, (target or 1) - 1, -1):
        for subset in combinations(range(n_rows), m):
            mask = np.zeros(n_rows, dtype=bool)
            mask[list(subset)] = True
            c = max_columns_exact(a, mask, d, method=method)
            key = (m * c, m) if target is None else (c, m)
            if key > best_key:
                best, best_key = ExactArray(subset, c), key
    return best


def _search(a: np.ndarray, sel: list[int], d: int) -> int:
    live = [[j for j in range(a.shape[1]) if a[r, j]] for r in sel]
    reach = {s for k in range(len(live[0]) + 1) for s in combinations(live[0], k)}
    for row in live[1:]:
        ok = set(row)
        nxt = set()
        for s in reach:
            nxt.update(_next_rows(s, ok, d))
        reach = nxt
    return max(len(s) for s in reach)


def _next_rows(s: tuple[int, ...], ok: set[int], d: int):
    """Every strictly increasing tuple of fault-free columns within ``d`` of ``s`` elementwise."""
    out: list[tuple[int, ...]] = []

    def extend(prefix: tuple[int, ...]) -> None:
        j = len(prefix)
        if j == len(s):
            out.append(prefix)
            return
        low = s[j] - d if not prefix else max(s[j] - d, prefix[-1] + 1)
        for x in range(low, s[j] + d + 1):
            if x in ok:
                extend(prefix + (x,))

    extend(())
    return out


def _flow(a: np.ndarray, sel: list[int], d: int) -> int:
    g = nx.DiGraph()
    n = a.shape[1]
    for i, r in enumerate(sel):
        for j in range(n):
            if not a[r, j]:
                continue
            g.add_edge(("in", i, j), ("out", i, j), capacity=1)
            if i == 0:
                g.add_edge("s", ("in", i, j), capacity=1)
            if i == len(sel) - 1:
                g.add_edge(("out", i, j), "t", capacity=1)
            if i + 1 < len(sel):
                below = sel[i + 1]
                for k in range(max(0, j - d), min(n - 1, j + d) + 1):
                    if a[below, k]:
                        g.add_edge(("out", i, j), ("in", i + 1, k), capacity=1)
    if "s" not in g or "t" not in g:
        return 0
    return int(nx.maximum_flow_value(g, "s", "t"))
