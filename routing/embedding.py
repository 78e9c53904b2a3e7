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

from dataclasses import dataclass

import numpy as np

from ._embedding_kernel import _shared_channel_max, _worst_route_extra
from paramcheck import ParameterError, check_int
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
    """

    gamma_max: float
    saturation: float
    bandwidth_fraction: float
    mean_link_extra_hops: float
    max_link_extra_hops: float
    mean_route_extra_hops: float
    max_route_extra_hops: float
    mean_route_hops: float


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
        Shape of the logical mesh; its nodes are ``x + cols * y``.
    physical_shape : (rows, cols)
        Shape of the physical mesh.
    links : array of int
        Logical channel ids (``4 * node + port``) of every logical link whose
        physical path is not a single channel. Unlisted links are one hop: the
        mesh channel that leaves their source by the link's own port, if it
        reaches their target; otherwise a dedicated link of their own.
    paths : PathSet
        The physical path of each listed link, in the same order.
    p2l_nodes, p2l_logical : array of int
        The logical node sitting on each physical node in ``p2l_nodes``
        (sorted), -1 for none; it must cover both ends of every channel on the
        listed paths.

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
    lrows, lcols = (check_int("logical rows", logical_shape[0]),
                    check_int("logical cols", logical_shape[1]))
    check_int("physical rows", physical_shape[0])
    pcols = check_int("physical cols", physical_shape[1])
    if lrows * lcols < 2:
        raise ParameterError(f"the logical mesh must have at least 2 nodes, got {lrows} x {lcols}")
    links = np.ascontiguousarray(links, dtype=np.int64)
    if links.size != len(paths):
        raise ParameterError(f"paths must hold one path per link ({links.size}), got {len(paths)}")
    if not paths.found.all():
        raise ParameterError("paths must all be found, got a link with no physical path")
    listed = np.sort(links)
    if listed.size > 1 and (np.diff(listed) == 0).any():
        raise ParameterError("links must be distinct, got a repeated logical channel")
    hops = paths.hops
    flows = uniform_flows(links, lrows, lcols)
    extra = np.maximum(hops - 1, 0)

    n = lrows * lcols
    base_max = uniform_max_flows(lrows, lcols)
    shared = _shared_channel_max(
        lrows, lcols, pcols, listed, flows, paths.offsets, paths.channels,
        np.ascontiguousarray(p2l_nodes, dtype=np.int64),
        np.ascontiguousarray(p2l_logical, dtype=np.int64),
    )
    max_flows = max(base_max, int(shared))
    n_links = 2 * (lrows * (lcols - 1) + lcols * (lrows - 1))
    return UniformMetrics(
        gamma_max=max_flows / n,
        saturation=n / max_flows,
        bandwidth_fraction=base_max / max_flows,
        mean_link_extra_hops=float(extra.sum()) / n_links if n_links else 0.0,
        max_link_extra_hops=float(extra.max()) if extra.size else 0.0,
        mean_route_extra_hops=float((flows * extra).sum()) / (n * n),
        max_route_extra_hops=float(_worst_route_extra(lrows, lcols, links, extra)),
        mean_route_hops=uniform_mean_hops(lrows, lcols),
    )
