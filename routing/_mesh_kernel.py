"""Compiled helpers of mesh arithmetic that every kernel shares (wafer's too)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _step(x, y, port):
    """The (x, y) one step away through ``port`` (E, W, S, N)."""
    if port == 0:
        return x + 1, y
    if port == 1:
        return x - 1, y
    if port == 2:
        return x, y + 1
    return x, y - 1


@njit(cache=True)
def _contains(sorted_ids, value):
    """Whether ``value`` is in the sorted array ``sorted_ids``."""
    k = np.searchsorted(sorted_ids, value)
    return k < sorted_ids.size and sorted_ids[k] == value


@njit(cache=True)
def _logical_at(keys, logical, node):
    """The logical node on ``node`` from the sorted ``keys``; -2 if ``node`` is not a key."""
    k = np.searchsorted(keys, node)
    if k < keys.size and keys[k] == node:
        return logical[k]
    return -2


@njit(cache=True)
def _channel_ends(c, pcols):
    """(source, target) nodes of channel ``c``; target -1 where the port leaves
    the mesh sideways (a row off the mesh gives a node id outside it)."""
    node, port = c // 4, c % 4
    x, y = _step(node % pcols, node // pcols, port)
    return node, (x + pcols * y if 0 <= x < pcols else -1)


@njit(cache=True)
def _onehop_from(la, lb, port, lrows, lcols):
    """The logical link ``la`` -> ``lb`` through ``port`` if they are neighbours
    that way (``4 * la + port``), else -1; -2 if either is -2 (not known)."""
    if la == -2 or lb == -2:
        return -2
    if la < 0 or lb < 0:
        return -1
    lx, ly = _step(la % lcols, la // lcols, port)
    if 0 <= lx < lcols and 0 <= ly < lrows and lx + lcols * ly == lb:
        return 4 * la + port
    return -1


@njit(cache=True)
def _onehop_link(c, pcols, lrows, lcols, keys, logical):
    """The logical link (``4 * node + port``) whose two ends are the two ends of
    physical channel ``c``, through the same port: -1 if there is none, -2 if
    an end of ``c`` is not among ``keys`` (or leaves the mesh)."""
    a, b = _channel_ends(c, pcols)
    if b < 0:
        return -2
    return _onehop_from(_logical_at(keys, logical, a), _logical_at(keys, logical, b), c % 4, lrows, lcols)
