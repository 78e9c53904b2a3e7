"""Compiled kernels for dimension-order routes and their exact channel loads.

A dimension-order route is one straight segment in its first dimension and
one in its second, meeting at a corner node: ``(dx, sy)`` for XY,
``(sx, dy)`` for YX. Channels are ``4 * node + port`` with ports E, W, S, N
= 0, 1, 2, 3 and ``node = x + cols * y``. Inputs are checked by
:mod:`routing.loads`: int64 node ids in range, float64 weights >= 0.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _corner(s, d, cols, y_first):
    """``(sx, sy, dx, dy, row, column)``: the row of the horizontal segment and
    the column of the vertical one."""
    sy, sx = s // cols, s % cols
    dy, dx = d // cols, d % cols
    if y_first:
        return sx, sy, dx, dy, dy, sx
    return sx, sy, dx, dy, sy, dx


@njit(cache=True)
def _dor_loads(src, dst, weight, rows, cols, y_first, out):
    """Add each flow's weight to every channel of its route, into zeroed ``out``.

    First a difference array per port (``+w`` where a segment starts, ``-w``
    where it ends, both at nodes inside the mesh), then one running sum per
    port along each row (E forward, W backward) and each column (S forward,
    N backward). Ports leaving the mesh are set to 0 and rounding residues
    below 0 to 0. O(flows + rows * cols).
    """
    for i in range(src.size):
        w = weight[i]
        sx, sy, dx, dy, row, column = _corner(src[i], dst[i], cols, y_first)
        if dx > sx:
            out[4 * (sx + cols * row) + 0] += w
            out[4 * (dx + cols * row) + 0] -= w
        elif dx < sx:
            out[4 * (sx + cols * row) + 1] += w
            out[4 * (dx + cols * row) + 1] -= w
        if dy > sy:
            out[4 * (column + cols * sy) + 2] += w
            out[4 * (column + cols * dy) + 2] -= w
        elif dy < sy:
            out[4 * (column + cols * sy) + 3] += w
            out[4 * (column + cols * dy) + 3] -= w
    for y in range(rows):
        east = 0.0
        west = 0.0
        for x in range(cols):
            c = 4 * (x + cols * y)
            east += out[c]
            out[c] = east if east > 0.0 and x < cols - 1 else 0.0
            xb = cols - 1 - x
            c = 4 * (xb + cols * y) + 1
            west += out[c]
            out[c] = west if west > 0.0 and xb > 0 else 0.0
    south = np.zeros(cols)
    north = np.zeros(cols)
    for y in range(rows):
        yb = rows - 1 - y
        for x in range(cols):
            c = 4 * (x + cols * y) + 2
            south[x] += out[c]
            out[c] = south[x] if south[x] > 0.0 and y < rows - 1 else 0.0
            c = 4 * (x + cols * yb) + 3
            north[x] += out[c]
            out[c] = north[x] if north[x] > 0.0 and yb > 0 else 0.0


@njit(cache=True)
def _dor_paths(src, dst, cols, y_first, offsets, out):
    """Write the channels of each flow's route into ``out`` at ``offsets``.

    ``offsets`` (``src.size + 1`` entries) holds the cumulative hop counts.
    O(total hops).
    """
    for i in range(src.size):
        sx, sy, dx, dy, row, column = _corner(src[i], dst[i], cols, y_first)
        k = offsets[i]
        horizontal_first = not y_first
        for phase in range(2):
            if (phase == 0) == horizontal_first:
                step = 1 if dx > sx else -1
                port = 0 if dx > sx else 1
                for x in range(sx, dx, step):
                    out[k] = 4 * (x + cols * row) + port
                    k += 1
            else:
                step = 1 if dy > sy else -1
                port = 2 if dy > sy else 3
                for y in range(sy, dy, step):
                    out[k] = 4 * (column + cols * y) + port
                    k += 1
