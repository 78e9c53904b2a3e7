"""The loads of many wafers as changes of one fault-free embedding.

Every wafer of a study has the same logical mesh and, away from its defects,
the same physical paths: the spare columns' crossings, thousands of them, are
the same on every wafer. :class:`EmbeddedTraffic` prepares the fault-free
embedding and one traffic pattern's load on every logical link once (the
paths, the loads on their channels, the extra hops by row and column); a trial
then names only what its defects change (:class:`EmbeddingChanges`), and
:meth:`EmbeddedTraffic.sums_batch` gives its exact channel-load maximum and
load-weighted hop sums for a whole batch in one compiled call, in time
proportional to the changes. :class:`UniformBase` is the uniform-traffic case,
whose :meth:`UniformBase.metrics_batch` equals
:func:`routing.embedded_uniform_metrics` trial by trial.
"""

from __future__ import annotations

import copy
from typing import NamedTuple

import numpy as np

from paramcheck import (
    ParameterError, check_choice, check_ids, check_instance, check_int, check_int_array, check_positive,
    check_real_array,
)
from ._embedding_kernel import _channel_table
from ._incremental_kernel import _BLOCK, KEPT_LINK_AGAIN, MISSING_NODE, _Base, _batch_sums, _visited_nodes_batch
from .dense import Embedding
from .embedding import embedded_uniform_metrics
from .mesh import _check_shape, _nodes, _target
from .paths import PathSet
from .xy import uniform_channel_flows, uniform_mean_hops

__all__ = ["EmbeddedTraffic", "EmbeddingChanges", "UniformBase"]


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
    bypass_offsets, bypass_rows, bypass_x0, bypass_x1 : ndarray of int64
        Runs of vertical logical links that ride dedicated bypass channels
        (one hop each, shared with nothing): both directions between logical
        rows ``r`` and ``r + 1`` at the columns ``x0 .. x1 - 1`` (the base has none).
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
    bypass_offsets: np.ndarray
    bypass_rows: np.ndarray
    bypass_x0: np.ndarray
    bypass_x1: np.ndarray

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
        return cls(z, e, z, e, np.zeros(1, dtype=np.int64), e, z, e, e, z, e, e, e)

    @property
    def n_trials(self) -> int:
        """Trials in the batch."""
        return self.removed_offsets.size - 1


class EmbeddedTraffic:
    """A fault-free embedding and one pattern's load on every logical link,
    prepared for the exact loads of its changes.

    Parameters
    ----------
    logical_shape, physical_shape : (rows, cols)
        As for :func:`routing.embedded_uniform_metrics`.
    embedding : routing.Embedding
        The fault-free wafer's listed links, their paths and the logical
        node on every node those paths visit.
    loads : 1-D array of float, optional
        The load of every logical channel ``4 * node + port`` (``4 * rows *
        cols`` entries, finite, >= 0; ports leaving the mesh 0), e.g. bytes
        per step from :func:`routing.channel_loads`. None: uniform traffic,
        one flit for every ordered pair of logical nodes (the flow counts of
        :func:`routing.uniform_flows`).

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
    load_sum : float
        The sum of the logical links' loads (load x logical hops, summed over flows).

    Notes
    -----
    Preparing costs O(P log P) for P path channels plus O(logical nodes),
    once; memory about 70 bytes per logical node. A trial then costs
    O(C log C + R + L + B) for the C channels of its changed paths, the R
    rows its changes touch, the L base links it removes and its B bypass
    links, plus, when some logical link has vertical extra hops, O(rows with
    extras x columns with extras) as :func:`routing.embedded_uniform_metrics` has.

    Examples
    --------
    A 1 x 3 logical row on a 1 x 4 physical row with an unused router at x = 1,
    3 bytes a step east from every node: the link across the gap takes two hops.

    >>> from routing import Embedding, window_paths
    >>> e = Embedding([0, 5], window_paths(1, 4, [0, 2], [2, 0]), np.arange(4), [0, -1, 1, 2])
    >>> east = np.zeros(12)
    >>> east[[0, 4]] = 3.0
    >>> s = EmbeddedTraffic((1, 3), (1, 4), e, east).sums_batch(EmbeddingChanges.none(1))
    >>> s["max_load"].tolist(), s["sum_load_extra"].tolist()
    ([3.0], [3.0])
    """

    def __init__(self, logical_shape, physical_shape, embedding: Embedding, loads=None) -> None:
        lrows, lcols = _check_shape("logical_shape", logical_shape, "logical")
        prows, pcols = _check_shape("physical_shape", physical_shape, "physical")
        check_instance("embedding", embedding, Embedding, "a routing.Embedding")
        link_load = self._checked_loads(loads, lrows, lcols)
        # Checks the embedding against the shapes (and is the base's metrics for uniform traffic).
        self._uniform_metrics = embedded_uniform_metrics((lrows, lcols), (prows, pcols), *embedding)
        self.logical_shape, self.physical_shape = (lrows, lcols), (prows, pcols)
        order = np.argsort(embedding.links, kind="stable")
        links = embedding.links[order]
        hops = embedding.paths.hops[order]
        offsets = np.concatenate(([0], np.cumsum(hops))).astype(np.int64)
        starts = embedding.paths.offsets[:-1][order]
        gather = np.repeat(starts - offsets[:-1], hops) + np.arange(offsets[-1])
        channels = embedding.paths.channels[gather]
        extra = np.maximum(hops - 1, 0)
        # Which listed paths use each channel (the loads come later), and the
        # unlisted one-hop logical link on it.
        chan, _, onehop = _channel_table(
            lrows, lcols, pcols, links, np.ones(links.size), offsets, channels,
            embedding.p2l_nodes, embedding.p2l_logical,
        )
        runs = {port: _line_runs(links, extra, port, lrows, lcols) for port in range(4)}
        row_e, row_w = (_run_totals(runs[port][0], runs[port][2]) for port in (0, 1))
        row_best = np.maximum(row_e, row_w)
        self._geometry = dict(
            lrows=lrows, lcols=lcols, prows=prows, pcols=pcols,
            links=links, extra=extra, extra_order=np.argsort(-extra, kind="stable"),
            path_offsets=offsets, path_channels=channels,
            chan=chan, chan_slot=_slots(chan, 4 * prows * pcols), link_slot=_slots(links, 4 * lrows * lcols),
            **{f"{d}_{k}": v for d, port in zip("ewsn", range(4)) for k, v in zip(("start", "pos", "cs", "idx"), runs[port])},
            rows_t=_lines(runs[0], runs[1]), cols_t=_lines(runs[2], runs[3]), row_e=row_e, row_w=row_w,
            row_best=row_best, row_order=np.argsort(-row_best, kind="stable"),
            sum_extra=int(extra.sum()), worst_route_extra=int(self._uniform_metrics.max_route_extra_hops),
        )
        self._onehop = onehop
        self._set_loads(link_load)
        self.uniform = loads is None
        self.links, self.path_offsets, self.path_channels = links, offsets, channels
        node_of = np.repeat(np.arange(links.size), hops)
        visits = np.concatenate((channels // 4, _target(channels, prows, pcols)))
        pairs = np.unique(np.stack((visits, np.concatenate((node_of, node_of))), axis=1), axis=0)
        self.node_keys, first = np.unique(pairs[:, 0], return_index=True)
        self.node_offsets = np.append(first, pairs.shape[0]).astype(np.int64)
        self.node_links = np.ascontiguousarray(pairs[:, 1])
        for a in (self.links, self.path_offsets, self.path_channels, self.node_keys, self.node_offsets, self.node_links):
            a.setflags(write=False)

    @staticmethod
    def _checked_loads(loads: object, lrows: int, lcols: int) -> np.ndarray:
        """``loads`` as a float64 array over the logical channels (None: uniform flow counts)."""
        n_channels = 4 * lrows * lcols
        if loads is None:
            return uniform_channel_flows(lrows, lcols)
        link_load = np.ascontiguousarray(check_real_array("loads", loads).reshape(-1), dtype=np.float64)
        if link_load.size != n_channels:
            raise ParameterError(
                f"loads must hold one load per logical channel ({n_channels:,}), got {link_load.size:,}"
            )
        if (link_load[_target(np.arange(n_channels), lrows, lcols) < 0] != 0).any():
            raise ParameterError("loads must be 0 on the ports that leave the logical mesh, got a load there")
        return link_load

    def _set_loads(self, link_load: np.ndarray) -> None:
        """Build the kernel's base from the geometry and the logical links' loads."""
        g = self._geometry
        links, offsets, extra = g["links"], g["path_offsets"], g["extra"]
        base_loads = link_load[links]
        own = np.where(self._onehop >= 0, link_load[np.maximum(self._onehop, 0)], 0.0)
        owner = np.repeat(np.arange(links.size), np.diff(offsets))
        listed = np.zeros(g["chan"].size)
        np.add.at(listed, np.searchsorted(g["chan"], g["path_channels"]), base_loads[owner])
        total = listed + own
        self.load_sum = float(link_load.sum())
        self._base = _Base(**g, link_load=link_load, loads=base_loads, chan_total=total, chan_onehop=own,
                           chan_order=np.argsort(-total, kind="stable"),
                           link_order=_largest_first(link_load),
                           **_vertical_pairs(link_load, *self.logical_shape),
                           base_max=float(link_load.max()), sum_load_extra=float((base_loads * extra).sum()))

    def with_loads(self, loads) -> EmbeddedTraffic:
        """The same embedding with another pattern's loads (sharing the geometry's arrays).

        Parameters
        ----------
        loads : 1-D array of float, or None
            As for the constructor.

        Notes
        -----
        O(logical nodes + listed path channels); the paths, runs and
        indexes are shared, not copied.
        """
        out = copy.copy(self)
        out._set_loads(self._checked_loads(loads, *self.logical_shape))
        out.uniform = loads is None
        return out

    def route_extra_hops(self, src, dst, routing: str = "xy") -> np.ndarray:
        """Extra physical hops of each route on the base embedding: the sum of
        the extra hops of the listed links it takes (int64).

        Parameters
        ----------
        src, dst : 1-D array of int
            Logical node ids, one length.
        routing : str
            A key of :data:`routing.ROUTINGS` (dimension order).

        Notes
        -----
        O(flows + logical nodes): prefix sums of each port's extras along
        rows and columns.

        Examples
        --------
        >>> from routing import Embedding, window_paths
        >>> e = Embedding([4 * 1 + 0], window_paths(1, 5, [1], [3]), np.arange(5), [0, 1, -1, 2, 3])
        >>> EmbeddedTraffic((1, 4), (1, 5), e).route_extra_hops([0, 3], [3, 0]).tolist()   # east over the gap, back west
        [1, 0]
        """
        lrows, lcols = self.logical_shape
        src = _nodes("src", src, lrows, lcols)
        dst = _nodes("dst", dst, lrows, lcols)
        if src.size != dst.size:
            raise ParameterError(f"src and dst must have one length, got {src.size} and {dst.size}")
        y_first = check_choice("routing", routing, ("xy", "yx")) == "yx"
        g = self._geometry
        node, port = g["links"] // 4, g["links"] % 4
        grid = np.zeros((4, lrows, lcols), dtype=np.int64)
        grid[port, node // lcols, node % lcols] = g["extra"]
        # Prefix sums with a leading 0: along rows for E and W, along columns for S and N.
        along_x = np.zeros((2, lrows, lcols + 1), dtype=np.int64)
        np.cumsum(grid[:2], axis=2, out=along_x[:, :, 1:])
        along_y = np.zeros((2, lcols, lrows + 1), dtype=np.int64)
        np.cumsum(grid[2:].transpose(0, 2, 1), axis=2, out=along_y[:, :, 1:])
        del grid
        sy, sx = np.divmod(src, lcols)
        dy, dx = np.divmod(dst, lcols)
        row, col = (dy, sx) if y_first else (sy, dx)
        # E links x .. x2 - 1 going east; W links x2 + 1 .. x going west.
        east = along_x[0, row, np.maximum(sx, dx)] - along_x[0, row, np.minimum(sx, dx)]
        west = along_x[1, row, np.maximum(sx, dx) + 1] - along_x[1, row, np.minimum(sx, dx) + 1]
        south = along_y[0, col, np.maximum(sy, dy)] - along_y[0, col, np.minimum(sy, dy)]
        north = along_y[1, col, np.maximum(sy, dy) + 1] - along_y[1, col, np.minimum(sy, dy) + 1]
        return np.where(dx > sx, east, np.where(dx < sx, west, 0)) + np.where(dy > sy, south, np.where(dy < sy, north, 0))

    def sums_batch(self, changes: EmbeddingChanges) -> dict[str, np.ndarray]:
        """Exact channel-load maximum and hop sums of every trial of a batch.

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
        dict of str -> ndarray
            Per trial (its embedding: the base's unremoved links plus its own):

            - ``max_load``: the largest load of a mesh channel (float);
            - ``bypass_max``, ``bypass_sum``: the largest and the summed load
              of its bypass links (float);
            - ``sum_extra``, ``max_extra``: extra physical hops (hops - 1) of
              its listed links, summed and the largest (int);
            - ``sum_load_extra``: each link's load times its extra hops,
              summed (float): with :attr:`load_sum`, the load-weighted hops;
            - ``max_route_extra``: the largest extra of any XY route between
              two logical nodes, whatever the pattern (int).
        """
        b = self._base
        c = _check_changes(changes, self, *self.logical_shape)
        error, *sums = _batch_sums(b, *c)
        if error.any():
            t = int(np.flatnonzero(error)[0])
            raise ParameterError({
                MISSING_NODE: f"changes.nodes must cover both ends of every channel of trial {t}'s paths"
                              " and of its removed base paths, got one missing",
                KEPT_LINK_AGAIN: f"changes.links must not list a base link that trial {t} keeps, got one it"
                                 " did not remove",
            }[int(error[t])])
        names = ("max_load", "sum_extra", "max_extra", "sum_load_extra", "max_route_extra", "bypass_max", "bypass_sum")
        return dict(zip(names, sums))

    def visited_nodes(
        self, removed_offsets: np.ndarray, removed: np.ndarray, link_offsets: np.ndarray, paths: PathSet,
        links: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The nodes whose logical node :class:`EmbeddingChanges` must give, per trial.

        Both ends of every channel of the trial's paths (``paths``, CSR over
        trials by ``link_offsets``) and of its removed base paths; as CSR
        ``(node_offsets, nodes)``, nodes sorted and distinct within each trial.
        Given the trial's own ``links`` (sorted within each trial, as in
        :class:`EmbeddingChanges`), only the ends the metrics read: a removed
        base link listed again on a sub-run of its base path changes only the
        channels it dropped.

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
        if links is None:
            links = np.full(len(paths), -1, dtype=np.int64)  # matches no base link: every end
        else:
            links = np.ascontiguousarray(check_ids("links", links, 4 * self.logical_shape[0] * self.logical_shape[1],
                                                   what="logical channel ids"))
            if links.size != len(paths):
                raise ParameterError(f"links must hold one link per path ({len(paths)}), got {links.size}")
            _sorted_within("links", links, link_off)
        return _visited_nodes_batch(self._base, removed_off, removed, link_off, paths.offsets, paths.channels, links)



class UniformBase(EmbeddedTraffic):
    """:class:`EmbeddedTraffic` of uniform traffic, with the metrics of
    :func:`routing.embedded_uniform_metrics`.

    Parameters
    ----------
    logical_shape, physical_shape : (rows, cols)
    embedding : routing.Embedding

    Attributes
    ----------
    metrics : UniformMetrics
        The base's own metrics.

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
        super().__init__(logical_shape, physical_shape, embedding)
        self.metrics = self._uniform_metrics

    def metrics_batch(self, changes: EmbeddingChanges, bypass_bandwidth: float = 1.0) -> dict[str, np.ndarray]:
        """Exact uniform-traffic metrics of every trial of a batch.

        Parameters
        ----------
        changes : EmbeddingChanges
            As for :meth:`EmbeddedTraffic.sums_batch`.
        bypass_bandwidth : float
            Bandwidth of a bypass channel in mesh link bandwidths (> 0).

        Returns
        -------
        dict of str -> ndarray of float64
            One array per field of :class:`UniformMetrics` but
            ``mean_route_hops`` (the same on every trial), each equal to what
            :func:`routing.embedded_uniform_metrics` gives for the trial's
            embedding when its bypass links count as one-hop links of its own.
        """
        return self.metrics_from(self.sums_batch(changes), bypass_bandwidth)

    def metrics_from(self, sums: dict, bypass_bandwidth: float = 1.0) -> dict[str, np.ndarray]:
        """:meth:`metrics_batch` from the trials' :meth:`EmbeddedTraffic.sums_batch`.

        Examples
        --------
        >>> from routing import Embedding, window_paths
        >>> base = UniformBase((1, 2), (1, 3), Embedding([0], window_paths(1, 3, [0], [2]), [0, 1, 2], [0, -1, 1]))
        >>> base.metrics_from(base.sums_batch(EmbeddingChanges.none(1)))["max_link_extra_hops"].tolist()
        [1.0]
        """
        bypass_bandwidth = check_positive("bypass_bandwidth", bypass_bandwidth)
        if not isinstance(sums, dict) or not {"max_load", "bypass_max", "sum_extra"} <= set(sums):
            raise ParameterError(f"sums must be the dict sums_batch returns, got {type(sums).__name__}")
        s = sums
        lrows, lcols = self.logical_shape
        n = lrows * lcols
        n_links = 2 * (lrows * (lcols - 1) + lcols * (lrows - 1))
        max_flows = np.maximum(s["max_load"], s["bypass_max"] / bypass_bandwidth)
        return {
            "gamma_max": max_flows / n,
            "saturation": n / max_flows,
            "bandwidth_fraction": self._base.base_max / max_flows,
            "mean_link_extra_hops": s["sum_extra"] / n_links if n_links else np.zeros(max_flows.size),
            "max_link_extra_hops": s["max_extra"].astype(np.float64),
            "mean_route_extra_hops": s["sum_load_extra"] / (n * n),
            "max_route_extra_hops": s["max_route_extra"].astype(np.float64),
        }

    @property
    def mean_route_hops(self) -> float:
        """Mean logical hop count of a uniform-random route."""
        return uniform_mean_hops(*self.logical_shape)


#: Logical links kept in load order for a trial's largest load off its bypass
#: links; should all of them ride bypass links, the kernel scans every link.
_TOP_LINKS = 1024


def _vertical_pairs(link_load: np.ndarray, lrows: int, lcols: int) -> dict[str, np.ndarray]:
    """The loads of each vertical pair of logical links (x, r) <-> (x, r + 1),
    r < lrows - 1: the larger of the two (row by row), its maxima over blocks
    of ``_BLOCK`` columns, and the cumulative sums of both along each row."""
    per = link_load.reshape(lrows, lcols, 4)
    down, up = per[:-1, :, 2], per[1:, :, 3]
    pair_max = np.maximum(down, up)
    nb = -(-lcols // _BLOCK)
    padded = np.zeros((max(lrows - 1, 0), nb * _BLOCK))
    padded[:, :lcols] = pair_max
    return {
        "pair_max": np.ascontiguousarray(pair_max).reshape(-1),
        "pair_block_max": padded.reshape(-1, nb, _BLOCK).max(axis=2).reshape(-1),
        "pair_cs": np.cumsum(down + up, axis=1).reshape(-1),
    }


def _largest_first(link_load: np.ndarray) -> np.ndarray:
    """Indices of the :data:`_TOP_LINKS` largest loads, largest first (O(n))."""
    k = min(_TOP_LINKS, link_load.size)
    top = np.argpartition(-link_load, k - 1)[:k]
    return top[np.argsort(-link_load[top], kind="stable")].astype(np.int64)


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
    bypass = _check_bypass(changes, n, lrows, lcols)
    return EmbeddingChanges(removed_off, removed, link_off, links, path_off, channels, node_off, nodes, logical,
                            *bypass)


def _check_bypass(changes: EmbeddingChanges, n: int, lrows: int, lcols: int) -> tuple[np.ndarray, ...]:
    """The bypass runs of ``changes``: rows in ``[0, lrows - 1)``, ``0 <= x0 < x1 <= lcols``."""
    rows = np.ascontiguousarray(check_ids("changes.bypass_rows", changes.bypass_rows, max(lrows - 1, 0),
                                          what="logical rows with a row below"))
    off = _check_csr("changes.bypass_offsets", changes.bypass_offsets, n, rows.size)
    x0 = np.ascontiguousarray(check_ids("changes.bypass_x0", changes.bypass_x0, lcols, what="logical columns"))
    x1 = np.ascontiguousarray(check_int_array("changes.bypass_x1", changes.bypass_x1, minimum=1, maximum=lcols,
                                              allowed=f"column ends in [1, {lcols}]").reshape(-1))
    if not rows.size == x0.size == x1.size:
        raise ParameterError(
            f"changes.bypass_rows, bypass_x0 and bypass_x1 must have one length, got {rows.size}, {x0.size} and {x1.size}"
        )
    if (x1 <= x0).any():
        raise ParameterError("changes.bypass_x1 must exceed bypass_x0 in every run, got an empty run")
    return off, rows, x0, x1
