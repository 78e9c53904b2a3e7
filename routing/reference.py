"""Slow, obviously-correct references for the routing kernels (networkx).

These route every flow one by one. They are the oracles of the tests and a
check users can run on small meshes; they are not meant for wafer sizes.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from paramcheck import ParameterError, shown
from .dense import _check_dense
from .mesh import mesh_graph
from .embedding import _check_links
from .xy import xy_route
from .loads import route_paths
from .network import Network
from .traffic import Flows

__all__ = ["REFERENCE_MAX_NODES", "reference_link_path", "reference_pattern_loads", "reference_uniform_metrics"]

#: Most physical nodes :func:`reference_uniform_metrics` takes (a 32 x 32
#: mesh). It routes all ``N**2`` flows of the logical mesh (``N`` at most the
#: physical nodes) one by one in Python: about 10 s at the limit.
REFERENCE_MAX_NODES = 1024


def reference_link_path(
    g: nx.DiGraph, cols: int, src: int, dst: int, margin: int
) -> list[int] | None:
    """Canonical path by enumeration: of all shortest paths inside the window,
    the one with the smallest port sequence (E < W < S < N); None if none."""
    sy, sx = divmod(src, cols)
    ty, tx = divmod(dst, cols)
    x0, x1 = min(sx, tx) - margin, max(sx, tx) + margin
    y0, y1 = min(sy, ty) - margin, max(sy, ty) + margin
    window = g.subgraph(n for n in g.nodes if x0 <= n % cols <= x1 and y0 <= n // cols <= y1)
    try:
        candidates = list(nx.all_shortest_paths(window, src, dst))
    except nx.NetworkXNoPath:
        return None
    as_channels = [[window.edges[a, b]["channel"] for a, b in zip(p, p[1:])] for p in candidates]
    return min(as_channels, key=lambda chans: [c % 4 for c in chans])


def reference_uniform_metrics(
    l2p: np.ndarray,
    physical_shape: tuple[int, int],
    blocked=None,
    margin: int = 2,
    dedicated: frozenset[int] = frozenset(),
    dead_links=None,
) -> dict:
    """Route every uniform flow XY on the logical mesh, expanded to physical paths.

    Logical links in ``dedicated`` ride a link of their own (one hop, named
    ``("dedicated", link)`` in ``channel_flows``); the others follow
    :func:`reference_link_path` on the mesh without ``blocked`` routers and
    ``dead_links``.

    Parameters
    ----------
    l2p : ndarray of int, shape (rows, cols)
        Physical node of each logical node; distinct, live routers.
    physical_shape : (rows, cols)
        At most :data:`REFERENCE_MAX_NODES` nodes.
    blocked : 1-D array of int, optional
        Dead routers.
    margin : int
        Window margin of the physical paths.
    dedicated : iterable of int
        Logical links (channel ids of the logical mesh) that ride a link of
        their own; None for none.
    dead_links : 1-D array of int, optional
        Dead links, each named by either of its channels.

    Returns
    -------
    dict or None
        ``channel_flows`` ({physical channel: flows}), ``max_flows``,
        ``mean_link_extra_hops``, ``max_link_extra_hops``,
        ``mean_route_extra_hops`` and ``max_route_extra_hops``; None if a
        logical link has no physical path.

    Notes
    -----
    O(N**2 * hops) in plain Python for ``N`` logical nodes, hence the limit
    :data:`REFERENCE_MAX_NODES` on the physical mesh (which holds them).

    Examples
    --------
    >>> ref = reference_uniform_metrics(np.array([[0, 2]]), (1, 3))
    >>> ref["max_flows"], ref["max_link_extra_hops"]
    (1, 1)
    >>> reference_uniform_metrics(np.array([[0, 7]]), (1, 3))
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: l2p must be physical node ids of the 1 x 3 mesh in [0, 3), got 7
    """
    l2p, (prows, pcols), blocked, margin, dead_links = _check_dense(
        l2p, physical_shape, blocked, margin, dead_links,
        limit=REFERENCE_MAX_NODES, limit_name="REFERENCE_MAX_NODES",
    )
    lrows, lcols = l2p.shape
    dedicated = set(_check_links(_iterable("dedicated", dedicated), lrows, lcols, "dedicated").tolist())
    g = mesh_graph(prows, pcols, blocked, dead_links)
    flat = l2p.ravel()
    link_path: dict[int, list] = {}
    for node in range(flat.size):
        for port, target in enumerate(_neighbours(node, lrows, lcols)):
            if target is None:
                continue
            if 4 * node + port in dedicated:
                link_path[4 * node + port] = [("dedicated", 4 * node + port)]
                continue
            path = reference_link_path(g, pcols, int(flat[node]), int(flat[target]), margin)
            if path is None:
                return None
            link_path[4 * node + port] = path
    channel_flows: dict = {}
    route_extras = []
    n = flat.size
    for s in range(n):
        for d in range(n):
            extra = 0
            for lc in xy_route(s, d, lrows, lcols):
                extra += len(link_path[lc]) - 1
                for c in link_path[lc]:
                    channel_flows[c] = channel_flows.get(c, 0) + 1
            route_extras.append(extra)
    link_extras = [len(p) - 1 for p in link_path.values()]
    return {
        "channel_flows": channel_flows,
        "max_flows": max(channel_flows.values(), default=0),
        "mean_link_extra_hops": float(np.mean(link_extras)) if link_extras else 0.0,
        "max_link_extra_hops": max(link_extras, default=0),
        "mean_route_extra_hops": float(np.mean(route_extras)),
        "max_route_extra_hops": max(route_extras),
    }


def _neighbours(node: int, rows: int, cols: int) -> list[int | None]:
    y, x = divmod(node, cols)
    return [
        node + 1 if x + 1 < cols else None,
        node - 1 if x > 0 else None,
        node + cols if y + 1 < rows else None,
        node - cols if y > 0 else None,
    ]


def _iterable(name: str, value: object) -> list:
    """``value`` (None, a set or another iterable) as a list."""
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise ParameterError(f"{name} must be a collection of logical channel ids, got {shown(value)}")
    return list(value)


def reference_pattern_loads(
    network: Network, l2p: np.ndarray, flows: Flows, routing: str = "xy", margin: int = 2
) -> dict[int, float]:
    """Route every flow of a pattern on the logical mesh and put it on the physical network.

    Each logical hop ``a -> b`` (``l2p[a]`` to ``l2p[b]`` physically) takes, in
    this order: the usable mesh channel leaving ``l2p[a]`` by the hop's own
    port, if it reaches ``l2p[b]``; a usable dedicated (non-mesh) channel
    from ``l2p[a]`` to ``l2p[b]``; else :func:`reference_link_path` over the
    usable mesh channels within ``margin`` of the pair.

    Parameters
    ----------
    network : Network
        The physical network: a mesh (node ``x + cols * y``) with its dead
        routers and channels and any dedicated links.
    l2p : 2-D array of int
        The physical node of each logical node (logical shape).
    flows : Flows
        On the logical mesh; uniform traffic is listed flow by flow
        (:meth:`Flows.materialised`, small meshes).
    routing : str
        A key of :data:`routing.ROUTINGS`.
    margin : int

    Returns
    -------
    dict of int -> float
        Load on each used channel of ``network`` (CSR ids).

    Raises
    ------
    ParameterError
        If a logical hop has no path.

    Notes
    -----
    Python, flow by flow and hop by hop (each distinct logical link's path
    found once): for small meshes and tests.
    """
    l2p = np.asarray(l2p)
    lrows, lcols = l2p.shape
    flat = l2p.ravel()
    cols = int(network.x.max()) + 1
    usable = network.channel_usable()
    mesh_ids = network.mesh_channel_ids()
    g = nx.DiGraph()
    g.add_nodes_from(np.flatnonzero(network.router_alive).tolist())
    for m in np.flatnonzero(mesh_ids >= 0):
        c = int(mesh_ids[m])
        if usable[c]:
            g.add_edge(int(network.source[c]), int(network.target[c]), channel=int(m))
    listed = flows.materialised() if flows.uniform else flows
    paths: dict[int, list[int]] = {}
    loads: dict[int, float] = {}
    route = route_paths(listed.src, listed.dst, lrows, lcols, routing)
    for i in range(len(listed)):
        for link in route.path(i).tolist():
            if link not in paths:
                paths[link] = _physical_path(network, g, cols, mesh_ids, usable, flat, link, lrows, lcols, margin)
            for c in paths[link]:
                loads[c] = loads.get(c, 0.0) + float(listed.weight[i])
    return loads


def _physical_path(network, g, cols, mesh_ids, usable, flat, link, lrows, lcols, margin) -> list[int]:
    """The CSR channels one logical link takes (see :func:`reference_pattern_loads`)."""
    node, port = divmod(link, 4)
    x, y = node % lcols, node // lcols
    dx, dy = ((1, 0), (-1, 0), (0, 1), (0, -1))[port]
    a, b = int(flat[node]), int(flat[(x + dx) + lcols * (y + dy)])
    c = int(mesh_ids[4 * a + port])
    if c >= 0 and usable[c] and int(network.target[c]) == b:
        return [c]
    out = network.out_channels(a)
    direct = [int(k) for k in out if int(network.target[k]) == b and usable[k] and k not in mesh_ids[4 * a:4 * a + 4]]
    if direct:
        return direct[:1]
    path = reference_link_path(g, cols, a, b, margin)
    if path is None:
        raise ParameterError(f"l2p must give every logical link a path, got none from node {a} to node {b}")
    return [int(mesh_ids[m]) for m in path]
