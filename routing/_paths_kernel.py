"""Compiled kernels for shortest paths on a mesh with dead routers and links.

Dead routers (``blocked``) and dead links (``dead``: channel ids, both
directions of each dead link listed) are sorted arrays.
"""

from __future__ import annotations

import numpy as np
from numba import njit

@njit(cache=True)
def _is_blocked(blocked, node):
    i = np.searchsorted(blocked, node)
    return i < blocked.size and blocked[i] == node


@njit(cache=True)
def _straight_path(cols, blocked, dead, sx, sy, tx, ty, out):
    """The straight path along a row or column when no router or link on it is
    dead (then the unique shortest path); -1 otherwise."""
    if sx != tx and sy != ty:
        return -1
    if sy == ty:
        step, port, n = (1 if tx > sx else -1), (0 if tx > sx else 1), abs(tx - sx)
        dx, dy = step, 0
    else:
        step, port, n = (1 if ty > sy else -1), (2 if ty > sy else 3), abs(ty - sy)
        dx, dy = 0, step
    for i in range(n):
        node = (sx + i * dx) + cols * (sy + i * dy)
        if (i > 0 and _is_blocked(blocked, node)) or _is_blocked(dead, 4 * node + port):
            return -1
        out[i] = 4 * node + port
    return n


@njit(cache=True)
def _window_path(rows, cols, blocked, dead, src, dst, margin, out):
    """Write the channels of the canonical shortest path into ``out``.

    The path stays inside the bounding box of ``src`` and ``dst`` grown by
    ``margin`` and avoids ``blocked`` routers. Of all shortest such paths it is
    the one whose port sequence is smallest in the order E < W < S < N.
    Returns the number of channels written, or -1 if there is no path.
    """
    # Port order E, W, S, N: the tie-break between shortest paths.
    dx_ = np.array([1, -1, 0, 0])
    dy_ = np.array([0, 0, 1, -1])
    sy, sx = src // cols, src % cols
    ty, tx = dst // cols, dst % cols
    n = _straight_path(cols, blocked, dead, sx, sy, tx, ty, out)
    if n >= 0:
        return n
    x0 = max(min(sx, tx) - margin, 0)
    x1 = min(max(sx, tx) + margin, cols - 1)
    y0 = max(min(sy, ty) - margin, 0)
    y1 = min(max(sy, ty) + margin, rows - 1)
    w = x1 - x0 + 1
    h = y1 - y0 + 1
    dist = np.full(w * h, -1, dtype=np.int64)
    queue = np.empty(w * h, dtype=np.int64)
    # Breadth-first search from the destination gives every cell its distance.
    start = (tx - x0) + w * (ty - y0)
    dist[start] = 0
    queue[0] = start
    head, tail = 0, 1
    while head < tail:
        cell = queue[head]
        head += 1
        cy, cx = cell // w, cell % w
        for p in range(4):
            nx_, ny_ = cx + dx_[p], cy + dy_[p]
            if nx_ < 0 or nx_ >= w or ny_ < 0 or ny_ >= h:
                continue
            nb = nx_ + w * ny_
            if dist[nb] >= 0:
                continue
            if _is_blocked(blocked, (nx_ + x0) + cols * (ny_ + y0)):
                continue
            if _is_blocked(dead, 4 * ((cx + x0) + cols * (cy + y0)) + p):
                continue
            dist[nb] = dist[cell] + 1
            queue[tail] = nb
            tail += 1
    cell = (sx - x0) + w * (sy - y0)
    if dist[cell] < 0:
        return -1
    # Walk down the distance field, taking the first port that gets closer.
    n = 0
    while dist[cell] > 0:
        cy, cx = cell // w, cell % w
        for p in range(4):
            nx_, ny_ = cx + dx_[p], cy + dy_[p]
            if nx_ < 0 or nx_ >= w or ny_ < 0 or ny_ >= h:
                continue
            nb = nx_ + w * ny_
            channel = 4 * ((cx + x0) + cols * (cy + y0)) + p
            if dist[nb] == dist[cell] - 1 and not _is_blocked(dead, channel):
                out[n] = channel
                n += 1
                cell = nb
                break
    return n


@njit(cache=True)
def _window_paths(rows, cols, blocked, dead, srcs, dsts, margin):
    """Canonical paths for many (src, dst) pairs, as CSR offsets and channels.

    A pair with no path gets an empty path and ``ok[i] = False``.
    """
    m = srcs.size
    # A path in a window visits each of its cells at most once, so the
    # windows' cells (clipped to the mesh, as _window_path clips them) bound
    # the channels written.
    bound = 0
    for i in range(m):
        sy, sx = srcs[i] // cols, srcs[i] % cols
        ty, tx = dsts[i] // cols, dsts[i] % cols
        w = min(max(sx, tx) + margin, cols - 1) - max(min(sx, tx) - margin, 0) + 1
        h = min(max(sy, ty) + margin, rows - 1) - max(min(sy, ty) - margin, 0) + 1
        bound += w * h
    channels = np.empty(bound, dtype=np.int64)
    offsets = np.zeros(m + 1, dtype=np.int64)
    ok = np.ones(m, dtype=np.bool_)
    for i in range(m):
        n = _window_path(rows, cols, blocked, dead, srcs[i], dsts[i], margin, channels[offsets[i]:])
        if n < 0:
            ok[i] = False
            n = 0
        offsets[i + 1] = offsets[i] + n
    return offsets, channels[: offsets[m]].copy(), ok


@njit(cache=True)
def _window_paths_batch(rows, cols, margin, pair_off, srcs, dsts, blocked_off, blocked, dead_off, dead):
    """:func:`_window_paths` of many trials, each with its own dead routers and
    links (CSR over trials); paths as CSR over all pairs.

    Memory: the output's channels plus one window's search state.
    """
    m = srcs.size
    offsets = np.zeros(m + 1, dtype=np.int64)
    ok = np.ones(m, dtype=np.bool_)
    channels = np.empty(max(16, 4 * m), dtype=np.int64)
    scratch = np.empty(16, dtype=np.int64)
    for t in range(pair_off.size - 1):
        b = blocked[blocked_off[t] : blocked_off[t + 1]]
        d = dead[dead_off[t] : dead_off[t + 1]]
        for i in range(pair_off[t], pair_off[t + 1]):
            sy, sx = srcs[i] // cols, srcs[i] % cols
            ty, tx = dsts[i] // cols, dsts[i] % cols
            w = min(max(sx, tx) + margin, cols - 1) - max(min(sx, tx) - margin, 0) + 1
            h = min(max(sy, ty) + margin, rows - 1) - max(min(sy, ty) - margin, 0) + 1
            if scratch.size < w * h:
                scratch = np.empty(w * h, dtype=np.int64)
            n = _window_path(rows, cols, b, d, srcs[i], dsts[i], margin, scratch)
            if n < 0:
                ok[i] = False
                n = 0
            if offsets[i] + n > channels.size:
                grown = np.empty(2 * (offsets[i] + n), dtype=np.int64)
                grown[: offsets[i]] = channels[: offsets[i]]
                channels = grown
            channels[offsets[i] : offsets[i] + n] = scratch[:n]
            offsets[i + 1] = offsets[i] + n
    return offsets, channels[: offsets[m]].copy(), ok
