"""The networks of a study's shift-to-spare wafers, a batch at a time.

Every wafer of a study has the same logical mesh and, away from its defects,
the same physical paths. :class:`ShiftedNetworks` embeds the fault-free wafer
once (:class:`routing.UniformBase`, and each traffic pattern's loads on it);
a batch of repaired wafers then costs a few compiled calls: what each
wafer's defects change (the segments whose cores shift, its dead links), the
paths of the changed links, and the exact uniform-traffic metrics and
pattern loads of the changes. A wafer with no defect costs little more than
its sampling, and the metrics are those of :meth:`ShiftMapping.metrics`.
"""

from __future__ import annotations

from collections.abc import Mapping as AnyMapping

import numpy as np
import routing
from paramcheck import ParameterError, check_instance, check_str
from yieldmodels import DefectBatch

from ._shift_kernel import _check_batch, _link_changes_batch, _p2l_batch
from .faults import Faults
from .geometry import WaferSpec
from .remap import checked_batch
from .shift import NO_PATH, OK, ShiftToSpare

__all__ = ["ShiftedNetworks"]


def _take(offsets: np.ndarray, values: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The CSR rows ``idx`` of ``(offsets, values)``, as CSR."""
    counts = offsets[idx + 1] - offsets[idx]
    out = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    gather = np.repeat(offsets[idx] - out[:-1], counts) + np.arange(out[-1])
    return out, values[gather]


def _take_runs(offsets, rows, x0, x1, idx):
    """The bypass runs of the trials ``idx``, as CSR."""
    out, rows_t = _take(offsets, rows, idx)
    return out, rows_t, _take(offsets, x0, idx)[1], _take(offsets, x1, idx)[1]


class ShiftedNetworks:
    """Remap status, uniform-traffic metrics and pattern loads of shift-to-spare wafers, in batches.

    Parameters
    ----------
    spec : WaferSpec
    scheme : ShiftToSpare
    loads : mapping of str to 1-D array or None, optional
        Traffic patterns by name, each as its load on every logical channel
        of ``spec``'s logical mesh (:func:`routing.channel_loads`), or None
        for the uniform flow counts (shared with the uniform metrics): each
        wafer's channel loads and hop sums are measured for them too.

    Attributes
    ----------
    base : routing.UniformBase
        The fault-free wafer's embedding.
    fault_free : routing.UniformMetrics
        Its metrics (the spare columns are still crossed).
    patterns : dict of str -> routing.EmbeddedTraffic
        The fault-free wafer with each pattern's loads.

    Examples
    --------
    >>> spec, scheme = WaferSpec(core_rows=4, core_cols=8), ShiftToSpare(segment_width=4, spares=1, max_skew=1)
    >>> nets = ShiftedNetworks(spec, scheme)
    >>> faults = Faults(DefectBatch(np.array([0, 0, 1]), np.array([9])),
    ...                 DefectBatch(np.array([0, 0, 0]), np.array([], dtype=np.int64)),
    ...                 DefectBatch(np.array([0, 0, 0]), np.array([], dtype=np.int64)))
    >>> status, m, _ = nets.measure(faults)
    >>> status.tolist(), m["max_link_extra_hops"].tolist()
    ([0, 0], [1.0, 1.0])
    >>> float(m["mean_route_extra_hops"][1]) == scheme.mapping(spec, [9]).metrics().mean_route_extra_hops
    True
    """

    def __init__(
        self, spec: WaferSpec, scheme: ShiftToSpare, loads: AnyMapping[str, np.ndarray] | None = None
    ) -> None:
        check_instance("spec", spec, WaferSpec)
        check_instance("scheme", scheme, ShiftToSpare)
        if loads is not None and not isinstance(loads, AnyMapping):
            raise ParameterError(f"loads must be a mapping of pattern name to loads, got {type(loads).__name__}")
        self.spec = spec
        self.scheme = scheme
        m = scheme.mapping(spec, [])
        self.base = routing.UniformBase(m.logical_shape, m.physical_shape, m.embedding_or_none())
        self.fault_free = self.base.metrics
        self.patterns: dict[str, routing.EmbeddedTraffic] = {}
        for name, value in (loads or {}).items():
            self.add_pattern(name, value)
        self._geo = scheme._geometry(spec)
        b = self.base
        self._index = (b.links, b.node_keys, b.node_offsets, b.node_links)

    def add_pattern(self, name: str, loads: np.ndarray | None) -> None:
        """Measure one more pattern from now on (``loads`` as for the constructor)."""
        self.patterns[check_str("loads key", name)] = self.base if loads is None else self.base.with_loads(loads)

    def measure(self, faults: Faults) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, dict]]:
        """Remap status, uniform metrics and each pattern's loads of every trial of a batch.

        Parameters
        ----------
        faults : Faults
            The batch's dead cores (sorted within each trial, router defects
            included), routers and links (east or south channel ids).

        Returns
        -------
        status : ndarray of int8
            Per trial: 0 (repaired) or a key of :data:`wafer.shift.FAILURES`,
            as :class:`ShiftMapping` finds it.
        metrics : dict of str -> ndarray of float64
            Per trial, the fields of :class:`routing.UniformMetrics` but
            ``mean_route_hops``, equal to :meth:`ShiftMapping.metrics`; NaN where
            the status is not 0.
        patterns : dict of str -> dict of str -> ndarray of float64
            Per pattern, :meth:`routing.EmbeddedTraffic.sums_batch` of each
            trial (its bypass links: the shifted vertical neighbours' diagonal
            links); NaN where the status is not 0.

        Notes
        -----
        The spare and skew rules cost O(dead cores x spares) per trial; a
        wafer that passes them costs O(dead cores x segment width + the
        changed links' path windows), in compiled loops over the batch.
        """
        s = self.spec
        dead, routers, links = _checked_faults(s, faults)
        rows, cols, seg_w, spares, _ = self._geo
        status, _, _, _ = _check_batch(dead.offsets, dead.sites, rows, cols, seg_w, spares, self.scheme.max_skew)
        metrics = {name: np.full(status.size, np.nan) for name in _FIELDS}
        trials = np.flatnonzero(status == OK)
        removed_off, removed, link_off, cand, srcs, dsts, *bypass = _link_changes_batch(
            self._geo, self._index, trials, dead.offsets, dead.sites, links.offsets, links.sites
        )
        blocked = dead if s.router_dies_with_core else routers
        b_off, b_sites = _take(blocked.offsets, blocked.sites, trials)
        l_off, l_sites = _take(links.offsets, links.sites, trials)
        paths = routing.window_paths_batch(
            s.core_rows, s.core_cols, link_off, srcs, dsts, b_off, b_sites, l_off, l_sites, s.bridge_margin
        )
        # A logical link with no path around the dead routers and links.
        pair_trial = np.repeat(np.arange(trials.size), np.diff(link_off))
        lost = np.bincount(pair_trial[~paths.found], minlength=trials.size) > 0
        status[trials[lost]] = NO_PATH
        if lost.any():
            good = np.flatnonzero(~lost)
            removed_off, removed = _take(removed_off, removed, good)
            path_off, channels = _take(paths.offsets, paths.channels, np.flatnonzero(~lost[pair_trial]))
            link_off, cand = _take(link_off, cand, good)
            paths = routing.PathSet(path_off, channels, np.ones(cand.size, dtype=bool))
            bypass = _take_runs(*bypass, good)
            trials = trials[good]
        node_off, nodes = self.base.visited_nodes(removed_off, removed, link_off, paths, cand)
        logical = _p2l_batch(self._geo, trials, dead.offsets, dead.sites, node_off, nodes)
        changes = routing.EmbeddingChanges(
            removed_off, removed, link_off, cand, paths.offsets, paths.channels, node_off, nodes, logical, *bypass
        )
        base_sums = self.base.sums_batch(changes)
        for name, values in self.base.metrics_from(base_sums).items():
            metrics[name][trials] = values
        patterns = {}
        for name, traffic in self.patterns.items():
            sums = base_sums if traffic is self.base else traffic.sums_batch(changes)
            patterns[name] = {}
            for key, values in sums.items():
                patterns[name][key] = np.full(status.size, np.nan)
                patterns[name][key][trials] = values
        return status, metrics, patterns


def _checked_faults(spec: WaferSpec, faults: object) -> tuple[DefectBatch, DefectBatch, DefectBatch]:
    """``faults``' cores, routers and links, checked against ``spec`` (O(faults))."""
    check_instance("faults", faults, Faults)
    dead = checked_batch(spec, faults.cores, "faults.cores")
    routers = checked_batch(spec, faults.routers, "faults.routers")
    links = check_instance("faults.links", faults.links, DefectBatch)
    n = dead.n_trials
    for name, b in (("faults.routers", routers), ("faults.links", links)):
        if b.n_trials != n:
            raise ParameterError(f"{name} must hold the {n} trials of faults.cores, got {b.n_trials}")
    if not np.isin(_trial_keys(routers, spec.n_cores), _trial_keys(dead, spec.n_cores)).all():
        raise ParameterError("faults.cores must include every dead router's core, got a router whose core is live")
    sites = links.sites
    node, port = np.divmod(sites, 4)
    inside = (sites >= 0) & (node < spec.n_cores) & (
        ((port == 0) & (node % spec.core_cols + 1 < spec.core_cols)) | ((port == 2) & (node + spec.core_cols < spec.n_cores))
    )
    if not inside.all():
        raise ParameterError(
            "faults.links must be east (4 * core) or south (4 * core + 2) channels of links inside the"
            f" {spec.core_rows} x {spec.core_cols} grid, got {int(sites[~inside][0])}"
        )
    return dead, routers, links


def _trial_keys(b: DefectBatch, span: int) -> np.ndarray:
    """``trial * span + site`` of every site of a batch."""
    return np.repeat(np.arange(b.n_trials), b.counts) * span + b.sites


#: Fields of routing.UniformMetrics that vary by trial.
_FIELDS = (
    "gamma_max", "saturation", "bandwidth_fraction", "mean_link_extra_hops",
    "max_link_extra_hops", "mean_route_extra_hops", "max_route_extra_hops",
)
