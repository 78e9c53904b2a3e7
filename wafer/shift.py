"""Remapping the logical mesh around dead cores.

Schemes are registered by name in :data:`SCHEMES` (as BookSim registers its
routing functions); :func:`get_scheme` answers an unknown name with the
closest known one.

Shift-to-spare, in the manner Cerebras describes its WSE repair (Hot Chips 31,
as reported by WikiChip): every row is cut into segments that end in spare
cores; the logical cores of a segment occupy its live cores in order, so each
core past a dead one shifts one position toward the segment's spares. The
fabric then joins logical neighbours across the shift: horizontal neighbours
by the run of routers between them (or a detour, where a dead router or link
is in the way), vertical neighbours displaced by different amounts by a
dedicated diagonal link or, without those, by a short detour over the mesh.
Repair fails when a segment has more dead cores than spares, when vertical
neighbours end up more than ``max_skew`` columns apart, or (with dead routers
or links) when no path joins two logical neighbours within the fabric's
reach.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import routing
from yieldmodels import DefectBatch

from paramcheck import (
    ParameterError,
    check_instance,
    check_choice,
    check_ids,
    check_int,
    check_nonnegative,
    check_positive,
    shown,
)

from ._shift_kernel import OK, TOO_MANY_DEAD, TOO_MUCH_SKEW, _check_batch, _irregular_links, _l2p, _p2l
from .geometry import WaferSpec

__all__ = ["Mapping", "RemapBatch", "SCHEMES", "ShiftToSpare", "get_scheme"]

#: Status of a wafer whose logical neighbours cannot all be joined.
NO_PATH = 3

#: Why a repair failed, by status code.
FAILURES = {
    OK: "repaired",
    TOO_MANY_DEAD: "a segment has more dead cores than spares",
    TOO_MUCH_SKEW: "vertical neighbours shifted further apart than the fabric bridges",
    NO_PATH: "no live path joins two logical neighbours within the fabric's reach",
}


@dataclass(frozen=True, eq=False)
class RemapBatch:
    """Outcome of a remap for each trial of a batch.

    Attributes
    ----------
    status : ndarray of int8
        0 where the wafer was repaired, else a key of :data:`FAILURES`.
    max_fill : ndarray of int64
        Most dead cores in any one segment.
    max_skew : ndarray of int64
        Largest column offset between vertical logical neighbours (0 where
        the spare rule already failed: not computed).
    """

    status: np.ndarray
    max_fill: np.ndarray
    max_skew: np.ndarray

    @property
    def repaired(self) -> np.ndarray:
        """Boolean mask of the repaired trials."""
        return self.status == OK


class Mapping:
    """The logical mesh of one wafer after shift-to-spare, stored sparsely.

    Only the dead cores are kept; logical <-> physical lookups are computed
    from them, so a mapping costs memory in proportion to the defects.

    Parameters
    ----------
    spec : WaferSpec
    dead : array of int
        Dead physical cores (``row * core_cols + col``).
    routers : array of int, optional
        Dead routers (their cores count as dead too). With
        ``spec.router_dies_with_core`` every dead core's router is dead.
    links : array of int, optional
        Dead mesh links, each named by one of its channels ``4 * core + port``.

    Examples
    --------
    >>> spec = WaferSpec(core_rows=2, core_cols=4, segment_width=4)
    >>> m = ShiftToSpare.mapping(spec, [1])
    >>> m.repaired, m.logical_shape
    (True, (2, 3))
    >>> m.to_dense().tolist()
    [[0, 2, 3], [4, 5, 6]]
    """

    def __init__(self, spec: WaferSpec, dead, routers=None, links=None) -> None:
        check_instance("spec", spec, WaferSpec)
        self.spec = spec
        routers = np.unique(check_ids("routers", [] if routers is None else routers, spec.n_cores, what="core ids"))
        dead = np.union1d(check_ids("dead", dead, spec.n_cores, what="core ids"), routers)
        self.dead = dead
        #: Routers no path may cross.
        self.blocked = dead if spec.router_dies_with_core else routers
        #: Dead mesh links, both channels of each.
        self.links = routing.both_directions([] if links is None else links, spec.core_rows, spec.core_cols)
        status, fill, skew = _check_batch(
            np.array([0, dead.size], dtype=np.int64), dead, spec.core_rows, spec.core_cols,
            spec.segment_width, spec.spares_per_segment, spec.max_skew,
        )
        self.max_fill = int(fill[0])
        self.max_skew = int(skew[0])
        self.status = int(status[0])
        self._embedding: routing.Embedding | None = None
        if self.status == OK and (self.blocked.size or self.links.size):
            # Only dead routers and links can leave logical neighbours unjoined.
            if not self.embedding_or_none():
                self.status = NO_PATH

    @property
    def repaired(self) -> bool:
        """Whether the wafer exposes its full logical mesh."""
        return self.status == OK

    @property
    def failure(self) -> str:
        """Why repair failed ("repaired" if it did not)."""
        return FAILURES[self.status]

    @property
    def logical_shape(self) -> tuple[int, int]:
        """(rows, cols) of the logical mesh."""
        return self.spec.logical_shape

    @property
    def physical_shape(self) -> tuple[int, int]:
        """(rows, cols) of the physical core grid."""
        return self.spec.core_rows, self.spec.core_cols

    @property
    def spares_used(self) -> int:
        """Spare slots consumed: how far each segment's last logical core shifted, summed.

        A consumed slot holds a shifted logical core or is itself dead.
        """
        lw = self.spec.logical_width
        local = self.dead % self.spec.core_cols % self.spec.segment_width
        seg_start = self.dead - local
        # The k-th dead core of a segment shifts every logical core from
        # offset local - k on, the last one (lw - 1) included when local - k < lw.
        rank = np.searchsorted(self.dead, self.dead) - np.searchsorted(self.dead, seg_start)
        return int(np.count_nonzero(local - rank < lw))

    def l2p(self, logical) -> np.ndarray:
        """Physical core of each logical core id (``row * logical_cols + col``)."""
        logical = check_ids("logical", logical, self.spec.n_logical, what="logical core ids")
        s = self.spec
        return _l2p(self.dead, s.core_cols, s.segment_width, s.spares_per_segment, logical)

    def p2l(self, physical) -> np.ndarray:
        """Logical core on each physical core id, -1 for dead and unused spare cores."""
        physical = check_ids("physical", physical, self.spec.n_cores, what="core ids")
        s = self.spec
        return _p2l(self.dead, s.core_cols, s.segment_width, s.spares_per_segment, physical)

    def to_dense(self) -> np.ndarray:
        """Dense logical -> physical map, shape ``logical_shape`` (O(cores): small wafers)."""
        return self.l2p(np.arange(self.spec.n_logical)).reshape(self.logical_shape)

    def embedding_or_none(self) -> routing.Embedding | None:
        """The irregular logical links and their physical paths, or None if a link has no path."""
        if self._embedding is None:
            s = self.spec
            links = np.union1d(
                _irregular_links(self.dead, s.core_rows, s.core_cols, s.segment_width, s.spares_per_segment),
                self._links_on_dead_channels(),
            )
            lrows, lcols = s.logical_shape
            src = self.l2p(links // 4)
            dst = self.l2p(routing.channel_target(links, lrows, lcols))
            port = links % 4
            adjacent = routing.is_one_hop(src, dst, port, s.core_rows, s.core_cols)
            one_hop = adjacent & ~np.isin(4 * src + port, self.links)
            # Shifted vertical neighbours ride their own diagonal links.
            diagonal = s.diagonal_links & (port >= 2) & ~adjacent
            multi = ~one_hop & ~diagonal
            paths = routing.window_paths(
                s.core_rows, s.core_cols, src[multi], dst[multi], self.blocked, s.bridge_margin, self.links
            )
            if not paths.found.all():
                return None
            nodes = np.unique(np.concatenate((paths.channels // 4, routing.channel_target(paths.channels, s.core_rows, s.core_cols))))
            self._embedding = routing.Embedding(links[multi], paths, nodes, self.p2l(nodes))
        return self._embedding

    def network(self, link_classes: routing.LinkClassTable | None = None) -> routing.Network:
        """The physical network of this wafer: its core grid as a mesh, its dead
        routers and links, and (with ``diagonal_links``) a dedicated ``bypass``
        link between each pair of vertical logical neighbours that the shift
        has moved apart.

        Parameters
        ----------
        link_classes : routing.LinkClassTable, optional
            Default :data:`routing.LINK_CLASSES`.

        Notes
        -----
        O(cores): for small wafers, tests and the networkx reference; a study
        follows the defects instead (:class:`wafer.ShiftedNetworks`).

        Examples
        --------
        >>> spec = WaferSpec(core_rows=2, core_cols=4, segment_width=4)
        >>> net = ShiftToSpare.mapping(spec, [1]).network()
        >>> int((net.channel_class == net.link_classes.index("bypass")).sum())   # 2 -> 5, 3 -> 6, both ways
        4
        """
        if not self.repaired:
            raise ParameterError(f"mapping must be repaired to have a network, got: {self.failure}")
        s = self.spec
        net = routing.Network.mesh(s.core_rows, s.core_cols, link_classes=link_classes)
        net = net.with_dead(routers=self.blocked, links=net.mesh_channel_ids()[self.links])
        if not s.diagonal_links:
            return net
        l2p = self.to_dense()
        upper, lower = l2p[:-1].ravel(), l2p[1:].ravel()
        moved = upper % s.core_cols != lower % s.core_cols
        return net.with_extra_links(upper[moved], lower[moved], "bypass") if moved.any() else net

    def _links_on_dead_channels(self) -> np.ndarray:
        """Logical links whose one-hop mesh channel is a dead link."""
        s = self.spec
        a = self.links // 4
        b = routing.channel_target(self.links, s.core_rows, s.core_cols)
        la, lb = self.p2l(a), self.p2l(b)
        lrows, lcols = s.logical_shape
        logical = 4 * la + self.links % 4
        ok = (la >= 0) & (lb >= 0)
        ok[ok] = routing.channel_target(logical[ok], lrows, lcols) == lb[ok]
        return logical[ok]

    def metrics(self) -> routing.UniformMetrics:
        """Exact uniform-traffic metrics of the repaired logical mesh.

        Examples
        --------
        >>> spec = WaferSpec(core_rows=2, core_cols=4, segment_width=4)
        >>> ShiftToSpare.mapping(spec, []).metrics().bandwidth_fraction
        1.0
        """
        if not self.repaired:
            raise ParameterError(f"mapping must be repaired to have metrics, got: {self.failure}")
        e = self.embedding_or_none()
        return routing.embedded_uniform_metrics(self.logical_shape, self.physical_shape, *e)


class ShiftToSpare:
    """Shift-to-spare remap (see the module docstring)."""

    name = "shift-to-spare"

    @staticmethod
    def check(spec: WaferSpec, dead: DefectBatch) -> RemapBatch:
        """Whether each trial's dead cores can be remapped, from the spare and skew rules.

        With ``router_dies_with_core``, a trial that passes may still fail for
        lack of a path: :meth:`mapping` finds out.

        Notes
        -----
        O(dead cores * (spares + 1)) per trial; trials run in parallel.

        Examples
        --------
        >>> spec = WaferSpec(core_rows=2, core_cols=4, segment_width=4)
        >>> b = ShiftToSpare.check(spec, DefectBatch(np.array([0, 0, 1, 3]), np.array([5, 0, 1])))
        >>> b.status.tolist(), b.max_fill.tolist()
        ([0, 0, 1], [0, 1, 2])
        """
        dead = _checked_batch(spec, dead)
        status, fill, skew = _check_batch(
            dead.offsets, dead.sites, spec.core_rows, spec.core_cols,
            spec.segment_width, spec.spares_per_segment, spec.max_skew,
        )
        return RemapBatch(status, fill, skew)

    @staticmethod
    def repair_probability(
        spec: WaferSpec,
        mean_defects: float,
        *,
        alpha: float | None = None,
        block: tuple[int, int] | None = None,
    ) -> float:
        """Closed-form probability that no segment has more dead cores than spares.

        Defects fall uniformly on the cores. Given the defect rate, each core
        is independently dead with probability ``q = 1 - exp(-rate)`` and the
        segments are independent binomials. With ``alpha`` the rate is
        gamma-mixed (negative binomial counts) over the whole wafer, or, with
        ``block`` = (rows, cols) in cores, independently per block, as
        :func:`yieldmodels.sample_grid_defects` samples them; the expectation
        over the gamma multiplier is a numerical integral.

        This is the exact repair probability when the skew rule cannot fail
        (``max_skew >= spares_per_segment``) and routers survive their cores;
        otherwise an upper bound.

        Parameters
        ----------
        spec : WaferSpec
        mean_defects : float
            Expected defects per wafer.
        alpha : float, optional
            Gamma-mixing shape; None for Poisson.
        block : (int, int), optional
            Clustering block in cores; it must tile the grid, and its width
            must be a whole number of segments.

        Examples
        --------
        >>> round(ShiftToSpare.repair_probability(WaferSpec(), 46.225), 4)
        0.9144
        >>> round(ShiftToSpare.repair_probability(WaferSpec(), 46.225, alpha=10.0,
        ...                                       block=(140, 82)), 4)
        0.9063
        """
        from scipy import special

        check_instance("spec", spec, WaferSpec)
        mean = check_nonnegative("mean_defects", mean_defects)
        rate = mean / spec.n_cores
        w, sp = spec.segment_width, spec.spares_per_segment

        def log_segment_ok(g: float) -> float:
            # log P(Binomial(w, q) <= sp), from the upper tail so that a
            # tail far below 1e-16 still counts.
            q = -math.expm1(-rate * g)
            tail = float(special.bdtrc(sp, w, q))
            return math.log1p(-tail) if tail < 1.0 else -math.inf

        segments = spec.core_rows * spec.n_segments
        if alpha is None:
            return math.exp(segments * log_segment_ok(1.0))
        shape = check_positive("alpha", alpha)
        if block is None:
            return _gamma_expectation(lambda g: math.exp(segments * log_segment_ok(g)), shape)
        if not isinstance(block, tuple) or len(block) != 2:
            raise ParameterError(f"block must be None or (rows, cols), got {shown(block)}")
        b_rows = check_int("block rows", block[0])
        b_cols = check_int("block cols", block[1])
        if spec.core_rows % b_rows or spec.core_cols % b_cols or b_cols % w:
            raise ParameterError(
                f"block must tile the core grid ({spec.core_rows} x {spec.core_cols}) in whole"
                f" segments of {w}, got {b_rows} x {b_cols}"
            )
        per_block = b_rows * (b_cols // w)
        n_blocks = segments // per_block
        ok = _gamma_expectation(lambda g: math.exp(per_block * log_segment_ok(g)), shape)
        return ok**n_blocks

    @staticmethod
    def mapping(spec: WaferSpec, dead, routers=None, links=None) -> Mapping:
        """The mapping of one wafer with the given dead cores, routers and links."""
        return Mapping(spec, dead, routers, links)

    @staticmethod
    def networks(spec: WaferSpec, loads=None):
        """The study-wide network model of ``spec``'s wafers (:class:`wafer.networks.ShiftedNetworks`)."""
        from .networks import ShiftedNetworks

        return ShiftedNetworks(spec, loads)


def _checked_batch(spec: WaferSpec, dead: object, name: str = "dead") -> DefectBatch:
    """``dead`` if it is a batch of core ids of ``spec``, sorted within each trial (O(dead cores))."""
    check_instance("spec", spec, WaferSpec)
    check_instance(name, dead, DefectBatch)
    sites = dead.sites
    if sites.size and (sites.min() < 0 or sites.max() >= spec.n_cores):
        bad = sites[(sites < 0) | (sites >= spec.n_cores)][0]
        raise ParameterError(f"{name} must be core ids in [0, {spec.n_cores:,}), got {bad}")
    falls = np.flatnonzero(np.diff(sites) < 0) + 1  # positions where the ids go down
    if not np.isin(falls, dead.offsets).all():
        raise ParameterError(f"{name} must be sorted within each trial, got a trial whose core ids go down")
    return dead


def _gamma_expectation(f, shape: float) -> float:
    """E[f(G)] for G ~ Gamma(shape, 1 / shape) (mean 1), for f with values in [0, 1].

    Integrated over the quantile u = F(G) in (0, 1), where the measure is flat
    however peaked the density is (large shape) or however skewed (small).
    """
    from scipy import integrate, special

    value, _ = integrate.quad(lambda u: f(special.gammaincinv(shape, u) / shape), 0.0, 1.0, limit=200)
    return min(1.0, max(0.0, value))


#: Remap schemes by name.
SCHEMES = {ShiftToSpare.name: ShiftToSpare}


def get_scheme(name: str):
    """The remap scheme registered under ``name``.

    Examples
    --------
    >>> get_scheme("shift-to-spare").name
    'shift-to-spare'
    """
    return SCHEMES[check_choice("scheme", name, SCHEMES)]
