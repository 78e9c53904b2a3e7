"""Embedding a logical mesh given as a dense logical -> physical map.

The fast path in :mod:`wafer` lists only the irregular links of a remapped
wafer; this dense form lists them by looking at every logical link, which is
simple and fine for small meshes and for tests.

Limits: :func:`embed_dense` takes physical meshes of at most
:data:`DENSE_MAX_NODES` nodes.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from paramcheck import ParameterError, check_ids, check_int, check_int_array, shown
from .embedding import _check_p2l, _check_paths, _distinct
from .mesh import MAX_NODES, _check_shape, _nodes, _target, both_directions
from .paths import PathSet, _find_paths

__all__ = ["DENSE_MAX_NODES", "Embedding", "embed_dense"]

#: Most physical nodes :func:`embed_dense` takes: 2**21, about twice a WSE-3
#: (763 x 1272 = 970,536 cores). It builds arrays over every logical link and
#: physical node, about 450 bytes per node at its peak (~1 GB at the limit).
DENSE_MAX_NODES = 2**21


class _EmbeddingFields(NamedTuple):
    links: np.ndarray
    paths: PathSet
    p2l_nodes: np.ndarray
    p2l_logical: np.ndarray


class Embedding(_EmbeddingFields):
    """The arguments of :func:`routing.embedding.embedded_uniform_metrics` after the shapes.

    A named tuple ``(links, paths, p2l_nodes, p2l_logical)``, checked as far
    as it can be without the shapes: ``links`` distinct channel ids, ``paths``
    a :class:`~routing.paths.PathSet` of one path per link, ``p2l_nodes``
    sorted distinct node ids and ``p2l_logical`` a distinct logical node id
    (or -1) for each. :func:`~routing.embedding.embedded_uniform_metrics`
    checks them against the meshes.

    Examples
    --------
    >>> e = Embedding([0], PathSet([0, 2], [0, 4], [True]), [0, 1, 2], [0, -1, 1])
    >>> e.links.tolist(), len(e.paths)
    ([0], 1)
    >>> Embedding([0, 4], e.paths, e.p2l_nodes, e.p2l_logical)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: paths must hold one path per link (2), got 1
    """

    __slots__ = ()

    def __new__(cls, links, paths, p2l_nodes, p2l_logical):
        links = _distinct("links", np.ascontiguousarray(
            check_ids("links", links, 4 * MAX_NODES, what="channel ids")), "logical channel")
        paths = _check_paths(paths, links.size, MAX_NODES)
        nodes, logical = _check_p2l(p2l_nodes, p2l_logical, MAX_NODES, MAX_NODES)
        return super().__new__(cls, links, paths, nodes, logical)


def _check_l2p(l2p: object, prows: int, pcols: int, blocked: np.ndarray) -> np.ndarray:
    """``l2p`` as a contiguous non-empty 2-D int64 map onto distinct live routers
    (``blocked`` sorted) of a ``prows x pcols`` mesh."""
    try:
        shape = np.shape(l2p)
    except (TypeError, ValueError, OverflowError):
        shape = None
    if shape is None or len(shape) != 2 or 0 in shape:
        got = f"shape {shape}" if shape is not None else shown(l2p)
        raise ParameterError(f"l2p must be a non-empty 2-D array of physical node ids, got {got}")
    n = prows * pcols
    allowed = f"physical node ids of the {prows} x {pcols} mesh in [0, {n:,})"
    l2p = np.ascontiguousarray(check_int_array("l2p", l2p, minimum=0, maximum=n - 1, allowed=allowed))
    flat = l2p.ravel()
    _distinct("l2p", flat, "physical node")
    on_dead = np.isin(flat, blocked)
    if on_dead.any():
        raise ParameterError(f"l2p must map logical nodes to live routers, got blocked router {int(flat[on_dead][0])}")
    return l2p


def _check_dense(l2p, physical_shape, blocked, margin, dead_links, *, limit: int, limit_name: str):
    """The checked inputs of a dense map: ``(l2p, (prows, pcols), blocked, margin, dead links)``.

    Shared by :func:`embed_dense` and the networkx reference, which take the same arguments.
    """
    prows, pcols = _check_shape("physical_shape", physical_shape, "physical", limit=limit, limit_name=limit_name)
    margin = check_int("margin", margin, minimum=0)
    blocked = np.unique(_nodes("blocked", [] if blocked is None else blocked, prows, pcols, "router ids"))
    dead = both_directions(dead_links, prows, pcols)
    return _check_l2p(l2p, prows, pcols, blocked), (prows, pcols), blocked, margin, dead


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
        At most :data:`DENSE_MAX_NODES` nodes.
    blocked : 1-D array of int, optional
        Dead routers.
    margin : int
        Window margin of the physical paths (see :func:`routing.paths.window_paths`;
        the windows of all irregular links hold at most
        :data:`routing.paths.MAX_WINDOW_CELLS` routers in all).
    dead_links : 1-D array of int, optional
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
    >>> embed_dense(np.array([[0, 1]]), (1, 3), blocked=[1])
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: l2p must map logical nodes to live routers, got blocked router 1
    """
    l2p, (prows, pcols), blocked, margin, dead = _check_dense(
        l2p, physical_shape, blocked, margin, dead_links, limit=DENSE_MAX_NODES, limit_name="DENSE_MAX_NODES"
    )
    lrows, lcols = l2p.shape
    flat = l2p.ravel()
    ports = np.arange(4 * flat.size, dtype=np.int64)
    lt = _target(ports, lrows, lcols)
    ports = ports[lt >= 0]
    lt = lt[lt >= 0]
    src = flat[ports // 4]
    dst = flat[lt]
    # One hop: the physical channel leaving src by the same port reaches dst.
    channel = 4 * src + ports % 4
    one_hop = (_target(channel, prows, pcols) == dst) & ~np.isin(channel, dead)
    links = ports[~one_hop]
    paths = _find_paths(prows, pcols, src[~one_hop], dst[~one_hop], blocked, dead, margin, "l2p and margin")
    if not paths.found.all():
        bad = int(links[~paths.found][0])
        raise ParameterError(
            f"l2p and margin must leave every logical link a path in its window, got no physical path"
            f" for logical channel {bad}"
        )
    nodes = np.arange(prows * pcols, dtype=np.int64)
    logical = np.full(prows * pcols, -1, dtype=np.int64)
    logical[flat] = np.arange(flat.size)
    return Embedding._make((links, paths, nodes, logical))
