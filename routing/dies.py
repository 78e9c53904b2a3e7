"""A mesh split into a grid of dies, whose boundary links are die-to-die links.

A multi-die system built from the same silicon keeps the mesh but pays for
every link that crosses a die edge: lower bandwidth and extra latency
(UCIe, NVLink-C2C and similar; figures and sources in :mod:`wafer.chiplet`).
"""

from __future__ import annotations

import numpy as np

from .embedding import UniformMetrics
from paramcheck import ParameterError, check_int, check_nonnegative, check_positive
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
        Mesh shape; multiples of the die shape.
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
    the row, so the cost is O(rows + cols).

    Examples
    --------
    Two 4 x 4 dies side by side, the die-to-die link at half bandwidth and two
    hops slower: the link across the bisection becomes the bottleneck.

    >>> m = die_grid_uniform_metrics(4, 8, 4, 4, 0.5, 2.0)
    >>> round(m.bandwidth_fraction, 3), m.max_route_extra_hops
    (0.5, 2.0)
    """
    rows, cols = check_int("rows", rows), check_int("cols", cols)
    die_rows, die_cols = check_int("die_rows", die_rows), check_int("die_cols", die_cols)
    if rows % die_rows or cols % die_cols:
        raise ParameterError(
            f"the mesh ({rows} x {cols}) must be a whole number of dies ({die_rows} x {die_cols})"
        )
    if rows * cols < 2:
        raise ParameterError(f"the mesh must have at least 2 nodes, got {rows} x {cols}")
    b = check_positive("d2d_bandwidth", d2d_bandwidth)
    extra = check_nonnegative("d2d_extra_latency", d2d_extra_latency)
    n = rows * cols
    x = np.arange(cols - 1)
    y = np.arange(rows - 1)
    # Flows across the edge between column x and x + 1, per direction (equal
    # both ways), and likewise between rows.
    h_flows = (x + 1) * (cols - 1 - x) * rows
    v_flows = cols * (y + 1) * (rows - 1 - y)
    h_d2d = (x + 1) % die_cols == 0
    v_d2d = (y + 1) % die_rows == 0
    h_load = np.where(h_d2d, h_flows / b, h_flows)
    v_load = np.where(v_d2d, v_flows / b, v_flows)
    worst_load = max(h_load.max(initial=0.0), v_load.max(initial=0.0))
    base_max = uniform_max_flows(rows, cols)
    # Directed links: 2 per edge position per row (horizontal) / column (vertical).
    n_links = 2 * (rows * (cols - 1) + cols * (rows - 1))
    n_d2d = 2 * (rows * int(h_d2d.sum()) + cols * int(v_d2d.sum()))
    # Each direction of each row's (column's) channel across an edge carries
    # h_flows (v_flows) flows.
    d2d_flows = 2 * (rows * int(h_flows[h_d2d].sum()) + cols * int(v_flows[v_d2d].sum()))
    crossings = (cols // die_cols - 1) + (rows // die_rows - 1)
    return UniformMetrics(
        gamma_max=float(worst_load) / n,
        saturation=n / float(worst_load),
        bandwidth_fraction=base_max / float(worst_load),
        mean_link_extra_hops=extra * n_d2d / n_links if n_links else 0.0,
        max_link_extra_hops=extra if n_d2d else 0.0,
        mean_route_extra_hops=extra * d2d_flows / (n * n),
        max_route_extra_hops=extra * crossings,
        mean_route_hops=uniform_mean_hops(rows, cols),
    )
