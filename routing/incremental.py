"""Uniform metrics of many wafers as changes of one fault-free embedding.

Every wafer of a study has the same logical mesh and, away from its defects,
the same physical paths: the spare columns' crossings, thousands of them, are
the same on every wafer. :class:`UniformBase` prepares the fault-free
embedding once (its paths, the flows on their channels, the extra hops by row
and column); a trial then names only what its defects change
(:class:`EmbeddingChanges`), and :meth:`UniformBase.metrics_batch` gives the
exact metrics of :func:`routing.embedded_uniform_metrics` for a whole batch in
one compiled call, in time proportional to the changes.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from paramcheck import ParameterError, check_ids, check_instance, check_int, check_int_array
from ._embedding_kernel import _channel_table
from ._incremental_kernel import KEPT_LINK_AGAIN, MISSING_NODE, _Base, _batch_sums, _visited_nodes_batch
from .dense import Embedding
from .embedding import embedded_uniform_metrics
from .mesh import _check_shape, _target
from .paths import PathSet
from .xy import uniform_flows, uniform_max_flows, uniform_mean_hops

__all__ = ["EmbeddingChanges", "UniformBase"]


class EmbeddingChanges(NamedTuple):
    """How each trial of a batch differs from a base embedding, as CSR arrays.

    Trial ``t`` owns ``removed[removed_offsets[t]:removed_offsets[t + 1]]``
    and likewise for ``links`` (``link_offsets``) and ``nodes``/``logical``
    (``node_offsets``); link ``i`` of the batch has the path
    ``channels[path_offsets[i]:path_offsets[i + 1]]``.

    Attributes
    ----------
    removed_offsets, removed : ndarray of int64
        Base links (indices into :attr:`UniformBase.links`) whose paths the
        trial changes or drops, sorted and distinct within each trial.
    link_offsets, links : ndarray of int64
        The trial's own listed links (logical channel ids), sorted and
        distinct within each trial; a base link may appear only if removed.
    path_offsets, channels : ndarray of int64
        The physical path of each of those links (``path_offsets`` has one
        entry more than ``links``).
    node_offsets, nodes, logical : ndarray of int64
        The logical node (or -1) on each physical node that the trial's paths
        and its removed base paths visit, nodes sorted and distinct within each trial.
    """

    removed_offsets: np.ndarray
    removed: np.ndarray
    link_offsets: np.ndarray
    links: np.ndarray
    path_offsets: np.ndarray
    channels: np.ndarray
    node_offsets: np.ndarray
    nodes: np.ndarray
    logical: np.ndarray

    @classmethod
    def none(cls, n_trials: int) -> EmbeddingChanges:
        """``n_trials`` trials that change nothing.

        Examples
        --------
        >>> EmbeddingChanges.none(2).link_offsets.tolist()
        [0, 0, 0]
        """
        z = np.zeros(check_int("n_trials", n_trials, minimum=0) + 1, dtype=np.int64)
        e = np.zeros(0, dtype=np.int64)
        return cls(z, e, z, e, np.zeros(1, dtype=np.int64), e, z, e, e)

    @property
    def n_trials(self) -> int:
        """Trials in the batch."""
        return self.removed_offsets.size - 1


class UniformBase:
    """A fault-free embedding, prepared for the exact metrics of its changes.

    Parameters
    ----------
    logical_shape, physical_shape : (rows, cols)
        As for :func:`routing.embedded_uniform_metrics`.
    embedding : routing.Embedding
        The fault-free wafer's listed links, their paths and the logical
        node on every node those paths visit.

    Attributes
    ----------
    links : ndarray of int64
        The base's listed links, sorted; :attr:`EmbeddingChanges.removed`
        indexes them.
    path_offsets, path_channels : ndarray of int64
        The path of each of :attr:`links` (CSR).
    node_keys, node_offsets, node_links : ndarray of int64
        Which base links visit each node: the links ``node_links[node_offsets[k]:
        node_offsets[k + 1]]`` have a path through node ``node_keys[k]``
        (sorted), endpoints included.
    metrics : UniformMetrics
        The base's own metrics.

    Notes
    -----
    Preparing costs O(P log P) for P path channels, once. A trial's metrics
    then cost O(C log C + R + L) for the C channels of its changed paths,
    the R rows its changes touch and the L base links it removes, plus, when
    some logical link has vertical extra hops, O(rows with extras x columns
    with extras) as :func:`routing.embedded_uniform_metrics` has.

    Examples
    --------
    A 1 x 4 logical row on a 1 x 5 physical row with an unused router at x = 2:
    both links across it take two hops.

    >>> from routing import Embedding, window_paths
    >>> links = np.array([4 * 1 + 0, 4 * 2 + 1])
    >>> e = Embedding(links, window_paths(1, 5, [1, 3], [3, 1]), np.arange(5), [0, 1, -1, 2, 3])
    >>> base = UniformBase((1, 4), (1, 5), e)
    >>> base.metrics.mean_route_extra_hops
    0.5
    >>> out = base.metrics_batch(EmbeddingChanges.none(3))
    >>> out["mean_route_extra_hops"].tolist()
    [0.5, 0.5, 0.5]
    """

    def __init__(self, logical_shape, physical_shape, embedding: Embedding) -> None:
        lrows, lcols = _check_shape("logical_shape", logical_shape, "logical")
        prows, pcols = _check_shape("physical_shape", physical_shape, "physical")
        check_instance("embedding", embedding, Embedding, "a routing.Embedding")
        self.metrics = embedded_uniform_metrics((lrows, lcols), (prows, pcols), *embedding)
        self.logical_shape, self.physical_shape = (lrows, lcols), (prows, pcols)
        order = np.argsort(embedding.links, kind="stable")
        links = embedding.links[order]
        hops = embedding.paths.hops[order]
        offsets = np.concatenate(([0], np.cumsum(hops))).astype(np.int64)
        starts = embedding.paths.offsets[:-1][order]
        gather = np.repeat(starts - offsets[:-1], hops) + np.arange(offsets[-1])
        channels = embedding.paths.channels[gather]
        flows = uniform_flows(links, lrows, lcols)
        extra = np.maximum(hops - 1, 0)
        chan, total, onehop = _channel_table(
            lrows, lcols, pcols, links, flows, offsets, channels, embedding.p2l_nodes, embedding.p2l_logical
        )
        runs = {port: _line_runs(links, extra, port, lrows, lcols) for port in range(4)}
        row_e, row_w = (_run_totals(runs[port][0], runs[port][2]) for port in (0, 1))
        row_best = np.maximum(row_e, row_w)
        self._base = _Base(
            lrows, lcols, prows, pcols,
            links, flows, extra, np.argsort(-extra, kind="stable"), offsets, channels,
            chan, total, onehop, np.argsort(-total, kind="stable"),
            _slots(chan, 4 * prows * pcols), _slots(links, 4 * lrows * lcols),
            *runs[0], *runs[1], *runs[2], *runs[3],
            _lines(runs[0], runs[1]), _lines(runs[2], runs[3]), row_e, row_w, row_best,
            np.argsort(-row_best, kind="stable"),
            uniform_max_flows(lrows, lcols), int(extra.sum()), float((flows.astype(np.float64) * extra).sum()),
            int(self.metrics.max_route_extra_hops),
        )
        self.links, self.path_offsets, self.path_channels = links, offsets, channels
        node_of = np.repeat(np.arange(links.size), hops)
        visits = np.concatenate((channels // 4, _target(channels, prows, pcols)))
        pairs = np.unique(np.stack((visits, np.concatenate((node_of, node_of))), axis=1), axis=0)
        self.node_keys, first = np.unique(pairs[:, 0], return_index=True)
        self.node_offsets = np.append(first, pairs.shape[0]).astype(np.int64)
        self.node_links = np.ascontiguousarray(pairs[:, 1])
        for a in (self.links, self.path_offsets, self.path_channels, self.node_keys, self.node_offsets, self.node_links):
            a.setflags(write=False)

    def metrics_batch(self, changes: EmbeddingChanges) -> dict[str, np.ndarray]:
        """Exact uniform-traffic metrics of every trial of a batch.

        Parameters
        ----------
        changes : EmbeddingChanges
            What each trial changes. ``removed`` must hold every base link
            whose path visits a node where the trial differs from the base:
            a node whose logical node differs, a dead router, an end of a
            dead link, or an end of the one-hop channel of a logical link
            that is listed in one but not the other.

        Returns
        -------
        dict of str -> ndarray of float64
            One array per field of :class:`UniformMetrics` but
            ``mean_route_hops`` (the same on every trial), each equal to what
            :func:`routing.embedded_uniform_metrics` gives for the trial's
            embedding (the base's unremoved links plus the trial's own).
        """
        b = self._base
        lrows, lcols = self.logical_shape
        c = _check_changes(changes, self, lrows, lcols)
        error, max_flows, sum_extra, max_extra, sum_fe, worst = _batch_sums(b, *c)
        if error.any():
            t = int(np.flatnonzero(error)[0])
            raise ParameterError({
                MISSING_NODE: f"changes.nodes must cover both ends of every channel of trial {t}'s paths"
                              " and of its removed base paths, got one missing",
                KEPT_LINK_AGAIN: f"changes.links must not list a base link that trial {t} keeps, got one it"
                                 " did not remove",
            }[int(error[t])])
        n = lrows * lcols
        n_links = 2 * (lrows * (lcols - 1) + lcols * (lrows - 1))
        return {
            "gamma_max": max_flows / n,
            "saturation": n / max_flows,
            "bandwidth_fraction": b.base_max / max_flows,
            "mean_link_extra_hops": sum_extra / n_links if n_links else np.zeros(max_flows.size),
            "max_link_extra_hops": max_extra.astype(np.float64),
            "mean_route_extra_hops": sum_fe / (n * n),
            "max_route_extra_hops": worst.astype(np.float64),
        }

    def visited_nodes(
        self, removed_offsets: np.ndarray, removed: np.ndarray, link_offsets: np.ndarray, paths: PathSet
    ) -> tuple[np.ndarray, np.ndarray]:
        """The nodes whose logical node :class:`EmbeddingChanges` must give, per trial.

        Both ends of every channel of the trial's paths (``paths``, CSR over
        trials by ``link_offsets``) and of its removed base paths; as CSR
        ``(node_offsets, nodes)``, nodes sorted and distinct within each trial.

        Examples
        --------
        >>> from routing import Embedding, window_paths
        >>> e = Embedding([0], window_paths(1, 3, [0], [2]), [0, 1, 2], [0, -1, 1])
        >>> base = UniformBase((1, 2), (1, 3), e)
        >>> off, nodes = base.visited_nodes([0, 1], [0], [0, 0], window_paths(1, 3, [], []))
        >>> off.tolist(), nodes.tolist()
        ([0, 3], [0, 1, 2])
        """
        removed = np.ascontiguousarray(check_ids("removed", removed, self.links.size, what="base link indices"))
        removed_off = _check_csr("removed_offsets", removed_offsets, None, removed.size)
        n = removed_off.size - 1
        check_instance("paths", paths, PathSet, "a routing.PathSet")
        link_off = _check_csr("link_offsets", link_offsets, n, len(paths))
        return _visited_nodes_batch(self._base, removed_off, removed, link_off, paths.offsets, paths.channels)

    @property
    def mean_route_hops(self) -> float:
        """Mean logical hop count of a uniform-random route."""
        return uniform_mean_hops(*self.logical_shape)


def _slots(ids: np.ndarray, size: int) -> np.ndarray:
    """Dense inverse of the sorted ``ids``: the index of each id in ``[0, size)``, -1 for none (int32)."""
    slot = np.full(size, -1, dtype=np.int32)
    slot[ids] = np.arange(ids.size, dtype=np.int32)
    return slot


def _line_runs(links, extra, port, lrows, lcols):
    """Runs of the extras > 0 of ``port``'s links, by line (rows for E and W,
    columns for S and N): start offsets per line, positions, cumulative extras
    and base link indices."""
    idx = np.flatnonzero((links % 4 == port) & (extra > 0))
    y, x = np.divmod(links[idx] // 4, lcols)
    line, pos, n_lines = (y, x, lrows) if port < 2 else (x, y, lcols)
    order = np.lexsort((pos, line))
    idx, line, pos = idx[order], line[order], pos[order]
    start = np.searchsorted(line, np.arange(n_lines + 1)).astype(np.int64)
    return start, np.ascontiguousarray(pos), np.cumsum(extra[idx]).astype(np.int64), idx


def _run_totals(start, cs):
    """Sum of each line's run."""
    before = np.concatenate(([0], cs))
    return before[start[1:]] - before[start[:-1]]


def _lines(a, b):
    """Sorted lines with a run in either of two run sets."""
    lines = [np.flatnonzero(np.diff(start)) for start, *_ in (a, b)]
    return np.union1d(*lines).astype(np.int64)


def _check_csr(name: str, offsets: object, n_trials: int | None, size: int) -> np.ndarray:
    """``offsets`` as int64 CSR offsets into ``size`` entries, of ``n_trials``
    trials (None: any number)."""
    off = np.ascontiguousarray(check_ids(name, offsets, size + 1, what="offsets"))
    want = "one more than trials" if n_trials is None else f"{n_trials + 1} of them"
    if (off.size == 0 or (n_trials is not None and off.size != n_trials + 1) or off[0] != 0
            or off[-1] != size or (np.diff(off) < 0).any()):
        raise ParameterError(
            f"{name} must be non-decreasing offsets from 0 to {size} ({want}), got {off.size} of them"
            + (f" from {int(off[0])} to {int(off[-1])}" if off.size else "")
        )
    return off


def _sorted_within(name: str, values: np.ndarray, offsets: np.ndarray) -> None:
    """Raise unless ``values`` are strictly increasing within each trial."""
    down = np.flatnonzero(np.diff(values) <= 0) + 1
    if not np.isin(down, offsets).all():
        raise ParameterError(f"{name} must be sorted and distinct within each trial, got a trial where they are not")


def _check_changes(changes: object, base: UniformBase, lrows: int, lcols: int) -> EmbeddingChanges:
    """``changes`` with contiguous int64 arrays, checked against ``base`` in O(size).

    What needs the base's paths (every node covered, no kept base link
    listed again) the kernel checks as it goes.
    """
    check_instance("changes", changes, EmbeddingChanges, "a routing.EmbeddingChanges")
    prows, pcols = base.physical_shape
    n_logical = lrows * lcols
    removed = np.ascontiguousarray(check_ids("changes.removed", changes.removed, base.links.size,
                                             what="base link indices"))
    removed_off = _check_csr("changes.removed_offsets", changes.removed_offsets, None, removed.size)
    n = removed_off.size - 1
    links = np.ascontiguousarray(check_ids("changes.links", changes.links, 4 * n_logical, what="logical channel ids"))
    link_off = _check_csr("changes.link_offsets", changes.link_offsets, n, links.size)
    off_mesh = _target(links, lrows, lcols) < 0
    if off_mesh.any():
        raise ParameterError(
            f"changes.links must be links of the {lrows} x {lcols} logical mesh, got channel"
            f" {int(links[off_mesh][0])}, whose port leaves it"
        )
    channels = np.ascontiguousarray(check_ids("changes.channels", changes.channels, 4 * prows * pcols,
                                              what="physical channel ids"))
    path_off = _check_csr("changes.path_offsets", changes.path_offsets, links.size, channels.size)
    if (np.diff(path_off) == 0).any():
        raise ParameterError("changes.path_offsets must give every link a path of at least one channel, got an empty one")
    nodes = np.ascontiguousarray(check_ids("changes.nodes", changes.nodes, prows * pcols, what="physical node ids"))
    node_off = _check_csr("changes.node_offsets", changes.node_offsets, n, nodes.size)
    logical = np.ascontiguousarray(check_int_array(
        "changes.logical", changes.logical, minimum=-1, maximum=n_logical - 1,
        allowed=f"logical node ids in [0, {n_logical:,}) or -1",
    ).reshape(-1))
    if logical.size != nodes.size:
        raise ParameterError(f"changes.logical must hold one entry per node ({nodes.size}), got {logical.size}")
    for name, values, off in (("changes.removed", removed, removed_off), ("changes.links", links, link_off),
                              ("changes.nodes", nodes, node_off)):
        _sorted_within(name, values, off)
    return EmbeddingChanges(removed_off, removed, link_off, links, path_off, channels, node_off, nodes, logical)
