"""Uniform-traffic metrics of a logical mesh embedded in a physical mesh.

A remapped wafer exposes a perfect logical mesh, but some logical links are
carried by physical paths of several hops (around dead cores, across spare
columns, between rows whose cores shifted by different amounts). Traffic is
routed XY on the logical mesh; each logical hop then follows its physical path.
The metrics here are exact (every flow of uniform traffic counted, not
sampled) and need only the *listed* links, those whose path is not a single
physical channel, so the work follows the irregular links rather than the size
of the mesh.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from ._embedding_kernel import _shared_channel_max, _worst_route_extra
from paramcheck import ParameterError, check_ids, check_instance, check_int_array, check_real
from .mesh import _channels, _check_shape, _target
from .paths import PathSet
from .xy import uniform_flows, uniform_max_flows, uniform_mean_hops

__all__ = ["UniformMetrics", "embedded_uniform_metrics"]


@dataclass(frozen=True)
class UniformMetrics:
    """Network metrics of an embedded logical mesh under uniform XY traffic.

    Attributes
    ----------
    gamma_max : float
        Load of the most loaded physical channel per unit injection rate
        (flits/cycle per flit/node/cycle offered), over the channel's bandwidth
        in on-die link bandwidths: ``flows / (bandwidth * nodes)``.
    saturation : float
        Saturation throughput per node, flits/node/cycle for an on-die link
        bandwidth of one flit/cycle: ``1 / gamma_max``.
    bandwidth_fraction : float
        ``saturation`` over that of the fault-free logical mesh.
    mean_link_extra_hops, max_link_extra_hops : float
        Extra physical hops of a logical neighbour link (physical hops - 1),
        averaged over all directed logical links, and the largest.
    mean_route_extra_hops, max_route_extra_hops : float
        Extra physical hops of a uniform-random route over its logical XY hop
        count, averaged over all ``nodes**2`` flows, and the largest.
    mean_route_hops : float
        Mean logical hop count of a uniform-random route (the fault-free mesh).

    The first three are finite numbers > 0, the others finite numbers >= 0;
    all are stored as floats.

    Examples
    --------
    >>> UniformMetrics(0.5, 2, 1, 0, 0, 0, 0, 1.5).saturation
    2.0
    >>> UniformMetrics(0.0, 2, 1, 0, 0, 0, 0, 1.5)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: gamma_max must be a finite number > 0, got 0.0
    """

    gamma_max: float
    saturation: float
    bandwidth_fraction: float
    mean_link_extra_hops: float
    max_link_extra_hops: float
    mean_route_extra_hops: float
    max_route_extra_hops: float
    mean_route_hops: float

    def __post_init__(self) -> None:
        positive = ("gamma_max", "saturation", "bandwidth_fraction")
        for f in fields(self):
            value = check_real(f.name, getattr(self, f.name), lower=0.0, lower_open=f.name in positive)
            object.__setattr__(self, f.name, value)


def _check_paths(paths: object, n_links: int, n_physical: int, physical: str = "mesh") -> PathSet:
    """``paths``, raising ParameterError unless a PathSet of ``n_links`` found paths
    whose channels are channel ids of a mesh of ``n_physical`` nodes."""
    check_instance("paths", paths, PathSet, "a routing.PathSet")
    if len(paths) != n_links:
        raise ParameterError(f"paths must hold one path per link ({n_links}), got {len(paths)}")
    if not paths.found.all():
        raise ParameterError("paths must all be found, got a link with no physical path")
    if paths.channels.size and int(paths.channels.max()) >= 4 * n_physical:
        raise ParameterError(
            f"paths must hold channel ids of the {physical} in [0, {4 * n_physical:,}),"
            f" got {int(paths.channels.max())}"
        )
    return paths


def _check_p2l(p2l_nodes: object, p2l_logical: object, n_physical: int, n_logical: int) -> tuple:
    """``(p2l_nodes, p2l_logical)`` as int64 arrays: sorted distinct physical node
    ids, and for each the logical node on it (distinct) or -1."""
    nodes = np.ascontiguousarray(check_ids("p2l_nodes", p2l_nodes, n_physical, what="physical node ids"))
    if nodes.size > 1 and (np.diff(nodes) <= 0).any():
        raise ParameterError("p2l_nodes must be sorted and distinct, got them out of order or repeated")
    allowed = f"logical node ids in [0, {n_logical:,}) or -1"
    try:
        empty = np.size(p2l_logical) == 0
    except (TypeError, ValueError, OverflowError):
        empty = False  # check_int_array says what is wrong
    logical = (np.zeros(0, dtype=np.int64) if empty else
               check_int_array("p2l_logical", p2l_logical, minimum=-1, maximum=n_logical - 1, allowed=allowed))
    if logical.ndim != 1 or logical.size != nodes.size:
        raise ParameterError(
            f"p2l_logical must be a 1-D array of one entry per p2l_nodes entry ({nodes.size}),"
            f" got shape {logical.shape}"
        )
    _distinct("p2l_logical", logical[logical >= 0], "logical node")
    return nodes, np.ascontiguousarray(logical)


def embedded_uniform_metrics(
    logical_shape: tuple[int, int],
    physical_shape: tuple[int, int],
    links: np.ndarray,
    paths: PathSet,
    p2l_nodes: np.ndarray,
    p2l_logical: np.ndarray,
) -> UniformMetrics:
    """Exact uniform-traffic metrics of a logical mesh carried by physical paths.

    Parameters
    ----------
    logical_shape : (rows, cols)
        Shape of the logical mesh, at least 2 and at most
        :data:`routing.mesh.MAX_NODES` nodes; its nodes are ``x + cols * y``.
    physical_shape : (rows, cols)
        Shape of the physical mesh, at most :data:`routing.mesh.MAX_NODES` nodes.
    links : 1-D array of int
        Logical channel ids (``4 * node + port``), distinct, of every logical
        link whose physical path is not a single channel. Unlisted links are
        one hop: the mesh channel that leaves their source by the link's own
        port, if it reaches their target; otherwise a dedicated link of their
        own.
    paths : PathSet
        The physical path of each listed link, in the same order, all found.
    p2l_nodes, p2l_logical : 1-D array of int
        The logical node sitting on each physical node in ``p2l_nodes``
        (sorted, distinct), -1 for none; it must cover both ends of every
        channel on the listed paths.

    Returns
    -------
    UniformMetrics

    Notes
    -----
    The most loaded channel is either one used by a listed path (its flows are
    summed over every logical link using it) or carries a single logical link,
    whose flows are at most the fault-free maximum. Cost:
    O(P log P + R W + C H) for P listed path channels, R rows with horizontal
    and C columns with vertical extra hops on an ``H x W`` logical mesh.

    Examples
    --------
    A 1 x 2 logical mesh on a 1 x 3 physical row whose middle core is unused:
    both logical links take two hops.

    >>> from routing.paths import window_paths
    >>> links = np.array([4 * 0 + 0, 4 * 1 + 1])
    >>> ps = window_paths(1, 3, np.array([0, 2]), np.array([2, 0]))
    >>> m = embedded_uniform_metrics((1, 2), (1, 3), links, ps,
    ...                              np.array([0, 1, 2]), np.array([0, -1, 1]))
    >>> m.max_link_extra_hops, m.mean_route_extra_hops, m.bandwidth_fraction
    (1.0, 0.5, 1.0)
    """
    lrows, lcols = _check_shape("logical_shape", logical_shape, "logical")
    prows, pcols = _check_shape("physical_shape", physical_shape, "physical")
    if lrows * lcols < 2:
        raise ParameterError(f"logical_shape must be a mesh of at least 2 nodes, got {lrows} x {lcols}")
    links = _check_links(links, lrows, lcols)
    paths = _check_paths(paths, links.size, prows * pcols, f"{prows} x {pcols} physical mesh")
    p2l_nodes, p2l_logical = _check_p2l(p2l_nodes, p2l_logical, prows * pcols, lrows * lcols)
    listed = np.sort(links)
    hops = paths.hops
    flows = uniform_flows(links, lrows, lcols)
    extra = np.maximum(hops - 1, 0)

    n = lrows * lcols
    base_max = uniform_max_flows(lrows, lcols)
    shared = _shared_channel_max(
        lrows, lcols, pcols, listed, flows, paths.offsets, paths.channels, p2l_nodes, p2l_logical
    )
    max_flows = max(base_max, int(shared))
    n_links = 2 * (lrows * (lcols - 1) + lcols * (lrows - 1))
    return UniformMetrics(
        gamma_max=max_flows / n,
        saturation=n / max_flows,
        bandwidth_fraction=base_max / max_flows,
        mean_link_extra_hops=float(extra.sum()) / n_links if n_links else 0.0,
        max_link_extra_hops=float(extra.max()) if extra.size else 0.0,
        # In floats: flows (< 2**62) times extra hops may not fit int64; the
        # sum is exact while below 2**53.
        mean_route_extra_hops=float((flows.astype(np.float64) * extra).sum()) / (n * n),
        max_route_extra_hops=float(_worst_route_extra(lrows, lcols, links, extra)),
        mean_route_hops=uniform_mean_hops(lrows, lcols),
    )


def _check_links(links: object, lrows: int, lcols: int, name: str = "links") -> np.ndarray:
    """``links`` as distinct channel ids of links (ports that stay in) of the logical mesh."""
    links = _channels(name, links, lrows, lcols)
    off = _target(links, lrows, lcols) < 0
    if off.any():
        raise ParameterError(
            f"{name} must be links of the {lrows} x {lcols} logical mesh, got channel {int(links[off][0])},"
            " whose port leaves it"
        )
    return _distinct(name, links, "logical channel")


def _distinct(name: str, ids: np.ndarray, what: str) -> np.ndarray:
    """``ids``, raising ParameterError if a value repeats (O(n log n))."""
    s = np.sort(ids)
    same = s[1:] == s[:-1]
    if same.any():
        raise ParameterError(f"{name} must be distinct, got {what} {int(s[1:][same][0])} twice")
    return ids
