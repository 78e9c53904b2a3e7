"""Embedding a logical mesh given as a dense logical -> physical map.

The fast path in :mod:`wafer` lists only the irregular links of a remapped
wafer; this dense form lists them by looking at every logical link, which is
simple and fine for small meshes and for tests.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from paramcheck import ParameterError, check_int
from .mesh import both_directions, channel_target, is_one_hop
from .paths import PathSet, window_paths

__all__ = ["Embedding", "embed_dense"]


class Embedding(NamedTuple):
    """The arguments of :func:`routing.embedding.embedded_uniform_metrics` after the shapes."""

    links: np.ndarray
    paths: PathSet
    p2l_nodes: np.ndarray
    p2l_logical: np.ndarray


def embed_dense(
    l2p: np.ndarray,
    physical_shape: tuple[int, int],
    blocked: np.ndarray | None = None,
    margin: int = 2,
    dead_links: np.ndarray | None = None,
) -> Embedding:
    """List the logical links of a dense map that are not one physical hop.

    Parameters
    ----------
    l2p : ndarray of int, shape (rows, cols)
        Physical node of each logical node; distinct, live routers.
    physical_shape : (rows, cols)
    blocked : array of int, optional
        Dead routers.
    margin : int
        Window margin of the physical paths (see :func:`routing.paths.window_paths`).
    dead_links : array of int, optional
        Dead links (either channel of each); a logical link whose one-hop
        channel is dead is listed with a detour.

    Returns
    -------
    Embedding

    Notes
    -----
    O(rows * cols) plus one path search per irregular link.

    Examples
    --------
    >>> e = embed_dense(np.array([[0, 2]]), (1, 3))
    >>> e.links.tolist(), e.paths.hops.tolist()
    ([0, 5], [2, 2])
    """
    l2p = np.asarray(l2p, dtype=np.int64)
    if l2p.ndim != 2 or l2p.size == 0:
        raise ParameterError(f"l2p must be a non-empty 2-D array, got shape {l2p.shape}")
    lrows, lcols = l2p.shape
    prows = check_int("physical rows", physical_shape[0])
    pcols = check_int("physical cols", physical_shape[1])
    flat = l2p.ravel()
    if flat.min() < 0 or flat.max() >= prows * pcols or np.unique(flat).size != flat.size:
        raise ParameterError("l2p must map logical nodes to distinct physical nodes of the mesh")
    ports = np.arange(4 * flat.size, dtype=np.int64)
    lt = channel_target(ports, lrows, lcols)
    ports = ports[lt >= 0]
    lt = lt[lt >= 0]
    src = flat[ports // 4]
    dst = flat[lt]
    # One hop: the physical channel leaving src by the same port reaches dst.
    one_hop = is_one_hop(src, dst, ports % 4, prows, pcols)
    one_hop &= ~np.isin(4 * src + ports % 4, both_directions(dead_links, prows, pcols))
    links = ports[~one_hop]
    paths = window_paths(prows, pcols, src[~one_hop], dst[~one_hop], blocked, margin, dead_links)
    if not paths.found.all():
        bad = links[~paths.found][0]
        raise ParameterError(f"l2p leaves logical channel {bad} with no physical path in its window")
    nodes = np.arange(prows * pcols, dtype=np.int64)
    logical = np.full(prows * pcols, -1, dtype=np.int64)
    logical[flat] = np.arange(flat.size)
    return Embedding(links, paths, nodes, logical)
