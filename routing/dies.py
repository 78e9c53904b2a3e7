"""A mesh split into a grid of dies, whose boundary links are die-to-die links.

A multi-die system built from the same silicon keeps the mesh but pays for
every link that crosses a die edge: lower bandwidth and extra latency
(UCIe, NVLink-C2C and similar; figures and sources in :mod:`wafer.chiplet`).
"""

from __future__ import annotations

from .embedding import UniformMetrics
from paramcheck import ParameterError, check_int, check_nonnegative, check_positive
from .mesh import _check_mesh
from .xy import uniform_max_flows, uniform_mean_hops

__all__ = ["die_grid_uniform_metrics"]


def die_grid_uniform_metrics(
    rows: int,
    cols: int,
    die_rows: int,
    die_cols: int,
    d2d_bandwidth: float,
    d2d_extra_latency: float,
) -> UniformMetrics:
    """Exact uniform XY metrics of a mesh tiled by dies of ``die_rows x die_cols`` nodes.

    Parameters
    ----------
    rows, cols : int
        Mesh shape; multiples of the die shape, at least 2 and at most
        :data:`routing.mesh.MAX_NODES` nodes.
    die_rows, die_cols : int
        Nodes per die along each axis.
    d2d_bandwidth : float
        Bandwidth of a die-to-die link, in on-die link bandwidths (flits/cycle
        for an on-die link of one flit/cycle).
    d2d_extra_latency : float
        Latency a die-to-die link adds over an on-die hop, in on-die hop
        latencies.

    Returns
    -------
    UniformMetrics
        Latency fields are in on-die hop latencies (extra "hops" may be
        fractional).

    Notes
    -----
    Horizontal flow counts depend only on the column, vertical ones only on
    the row, and both are quadratic in it, so maxima and sums over the
    die-to-die edges have closed forms: O(1), in exact integers.

    Examples
    --------
    Two 4 x 4 dies side by side, the die-to-die link at half bandwidth and two
    hops slower: the link across the bisection becomes the bottleneck.

    >>> m = die_grid_uniform_metrics(4, 8, 4, 4, 0.5, 2.0)
    >>> round(m.bandwidth_fraction, 3), m.max_route_extra_hops
    (0.5, 2.0)
    """
    rows, cols = _check_mesh(rows, cols)
    die_rows, die_cols = check_int("die_rows", die_rows), check_int("die_cols", die_cols)
    if rows % die_rows or cols % die_cols:
        raise ParameterError(
            f"the mesh ({rows} x {cols}) must be a whole number of dies ({die_rows} x {die_cols})"
        )
    if rows * cols < 2:
        raise ParameterError(f"rows x cols must be a mesh of at least 2 nodes, got {rows} x {cols}")
    b = check_positive("d2d_bandwidth", d2d_bandwidth)
    extra = check_nonnegative("d2d_extra_latency", d2d_extra_latency)
    n = rows * cols
    # Flows across the edge after the k-th column (k = 1 .. cols - 1), per
    # direction and per row's channel, are k (cols - k) rows; die-to-die
    # edges are those at multiples of die_cols. Likewise for rows.
    h_ondie, h_d2d, h_sum, h_count = _edges(cols, die_cols, rows)
    v_ondie, v_d2d, v_sum, v_count = _edges(rows, die_rows, cols)
    worst_load = max(float(h_ondie), h_d2d / b, float(v_ondie), v_d2d / b)
    base_max = uniform_max_flows(rows, cols)
    # Directed links: 2 per edge position per row (horizontal) / column (vertical).
    n_links = 2 * (rows * (cols - 1) + cols * (rows - 1))
    n_d2d = 2 * (rows * h_count + cols * v_count)
    # Each direction of each row's (column's) channel across an edge carries
    # the edge's flows.
    d2d_flows = 2 * (rows * h_sum + cols * v_sum)
    crossings = (cols // die_cols - 1) + (rows // die_rows - 1)
    return UniformMetrics(
        gamma_max=worst_load / n,
        saturation=n / worst_load,
        bandwidth_fraction=base_max / worst_load,
        mean_link_extra_hops=extra * n_d2d / n_links if n_links else 0.0,
        max_link_extra_hops=extra if n_d2d else 0.0,
        mean_route_extra_hops=extra * d2d_flows / (n * n),
        max_route_extra_hops=extra * crossings,
        mean_route_hops=uniform_mean_hops(rows, cols),
    )


def _edges(side: int, die: int, across: int) -> tuple[int, int, int, int]:
    """Flows of the edges between the ``side`` nodes of a line cut into dies of
    ``die`` nodes, for lines of ``across`` nodes each way: the most on an on-die
    edge, the most on a die-to-die edge, their sum over die-to-die edges, and
    the number of die-to-die edges (0 where there are none).

    The edge after the k-th node carries ``f(k) = k (side - k) across`` flows,
    largest near the middle; die-to-die edges are at ``k = j die``,
    ``j = 1 .. m - 1`` for ``m = side / die`` dies. With ``die >= 2`` one of
    the integers nearest ``side / 2`` is on-die, so the on-die maximum is
    among them. O(1), in exact integers.
    """

    def f(k: int) -> int:
        return k * (side - k) * across

    m = side // die
    mid = side // 2
    ondie = max((f(k) for k in (mid - 1, mid, mid + 1) if 0 < k < side and k % die), default=0)
    d2d = f(die * (m // 2)) if m >= 2 else 0
    j1, j2 = (m - 1) * m // 2, (m - 1) * m * (2 * m - 1) // 6  # sums of j and j**2, j < m
    total = (die * side * j1 - die * die * j2) * across
    return ondie, d2d, total, m - 1
