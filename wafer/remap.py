"""What every remap scheme returns, and the registry of schemes.

A remap scheme re-forms a logical mesh out of a wafer's live cores. It is a
configured object (a frozen dataclass holding its parameters: spares, skew,
rows to select ...), registered by name in :data:`wafer.schemes.SCHEMES` as
BookSim registers its routing functions. :class:`wafer.WaferSpec` keeps the
physical wafer; the scheme says what is made of it.

Every scheme answers, for a batch of wafers, a :class:`RemapBatch` (status
with the scheme's own failure reasons, the logical shape each wafer reached,
spares used), and for one wafer a :class:`LogicalMapping` (the logical ->
physical map, harvest, degradation, long interconnects, and the physical
network it induces).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import routing
from paramcheck import ParameterError, check_ids, check_instance, shown
from yieldmodels import DefectBatch

from .geometry import WaferSpec

__all__ = ["LogicalMapping", "RemapBatch", "RemapScheme"]

#: Status of a repaired wafer, in every scheme.
OK = 0


@dataclass(frozen=True, eq=False)
class RemapBatch:
    """Outcome of a remap for each trial of a batch.

    Attributes
    ----------
    status : ndarray of int8
        0 where the wafer exposes the scheme's full logical mesh, else a key
        of the scheme's ``FAILURES``.
    logical_rows, logical_cols : ndarray of int64
        Shape of the logical mesh each wafer exposes: the full shape where
        repaired; for a scheme that degrades gracefully the largest mesh it
        could build, else 0 x 0.
    spares_used : ndarray of int64
        Spare cores (or lines) each wafer used.
    extra : dict of str -> ndarray
        Scheme-specific figures (shift-to-spare: ``max_fill``, ``max_skew``).
    """

    status: np.ndarray
    logical_rows: np.ndarray
    logical_cols: np.ndarray
    spares_used: np.ndarray
    extra: dict

    @property
    def repaired(self) -> np.ndarray:
        """Boolean mask of the trials that expose the full logical mesh."""
        return self.status == OK

    @property
    def logical_cores(self) -> np.ndarray:
        """Logical cores each trial exposes."""
        return self.logical_rows * self.logical_cols

    def at_least(self, rows: int, cols: int) -> np.ndarray:
        """Boolean mask of the trials whose logical mesh holds a ``rows x cols`` one."""
        return (self.logical_rows >= rows) & (self.logical_cols >= cols)

    def __getattr__(self, name: str):
        extra = self.__dict__.get("extra", {})
        if name in extra:
            return extra[name]
        raise AttributeError(f"{type(self).__name__!r} has no attribute {name!r}")


class RemapScheme:
    """Base of the remap schemes: the methods every scheme has.

    A scheme is a frozen dataclass of its parameters; :meth:`validate`
    checks them against a wafer. Subclasses set ``name`` and ``FAILURES``
    and implement :meth:`logical_shape`, :meth:`check` and :meth:`mapping`.
    """

    #: Registry name.
    name: str = ""
    #: Why a remap failed, by status code (0: repaired).
    FAILURES: dict = {OK: "repaired"}
    #: Whether the scheme has a study network model (a ``networks(spec, loads)`` method).
    has_network_model: bool = False

    def params(self) -> dict:
        """The scheme's parameters by name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def describe(self) -> str:
        """One line: the scheme and its parameters."""
        return f"{self.name} ({_shown_params(self)})"

    def validate(self, spec: WaferSpec) -> None:
        """Raise :class:`ParameterError` if the scheme cannot be laid out on ``spec``."""
        check_instance("spec", spec, WaferSpec)
        rows, cols = self._shape(spec)
        if rows * cols < 2:
            raise ParameterError(
                f"{self.name} must leave at least 2 logical cores on the {spec.core_rows} x {spec.core_cols}"
                f" core grid, got {rows} x {cols} with {_shown_params(self)}"
            )

    def logical_shape(self, spec: WaferSpec) -> tuple[int, int]:
        """Shape (rows, cols) of the logical mesh a repaired wafer exposes."""
        self.validate(spec)
        return self._shape(spec)

    def _shape(self, spec: WaferSpec) -> tuple[int, int]:
        """:meth:`logical_shape` without the checks (each scheme has its own)."""
        raise ParameterError(f"scheme must be a configured remap scheme (wafer.make_scheme), got {shown(self)}")

    def n_logical(self, spec: WaferSpec) -> int:
        """Logical cores of a repaired wafer."""
        rows, cols = self.logical_shape(spec)
        return rows * cols

    def spare_fraction(self, spec: WaferSpec) -> float:
        """Fraction of the physical cores a repaired, defect-free wafer leaves out of its logical mesh."""
        return 1.0 - self.n_logical(spec) / spec.n_cores

    def check(self, spec: WaferSpec, dead: DefectBatch) -> RemapBatch:  # pragma: no cover - abstract
        """The remap outcome of each trial of a batch of dead cores."""
        raise NotImplementedError

    def mapping(self, spec: WaferSpec, dead, routers=None, links=None) -> LogicalMapping:  # pragma: no cover
        """The logical mesh of one wafer with the given dead cores, routers and links."""
        raise NotImplementedError

    def repair_probability(self, spec: WaferSpec, mean_defects: float, *, alpha=None, block=None) -> float | None:
        """Closed-form probability of a full repair, or None where the scheme has none."""
        return None

    def closed_form_leaves_out(self, spec: WaferSpec) -> tuple[str, ...]:
        """The repair rules :meth:`repair_probability` does not count: empty
        where it is exact for the model, else it is an upper bound."""
        return ()


def _shown_params(scheme: RemapScheme) -> str:
    return ", ".join(f"{k} = {v!r}" for k, v in scheme.params().items())


class LogicalMapping:
    """The logical mesh of one wafer: what every scheme's per-wafer result offers.

    Subclasses set ``spec``, ``scheme``, ``status``, ``logical_shape`` and
    ``dead`` (sorted dead core ids), and implement :meth:`l2p`; the rest
    follows, in O(logical cores) unless a subclass does better.
    """

    spec: WaferSpec
    scheme: RemapScheme
    status: int
    dead: np.ndarray
    logical_shape: tuple[int, int]

    @property
    def repaired(self) -> bool:
        """Whether the wafer exposes the scheme's full logical mesh."""
        return self.status == OK

    @property
    def failure(self) -> str:
        """Why repair failed ("repaired" if it did not)."""
        return self.scheme.FAILURES[self.status]

    @property
    def physical_shape(self) -> tuple[int, int]:
        """(rows, cols) of the physical core grid."""
        return self.spec.core_rows, self.spec.core_cols

    @property
    def n_logical(self) -> int:
        """Logical cores this wafer exposes."""
        return self.logical_shape[0] * self.logical_shape[1]

    @property
    def harvest(self) -> float:
        """Logical cores over live cores."""
        alive = self.spec.n_cores - self.dead.size
        return self.n_logical / alive if alive else 0.0

    @property
    def degradation(self) -> float:
        """(physical - logical) / physical cores."""
        return (self.spec.n_cores - self.n_logical) / self.spec.n_cores

    def l2p(self, logical) -> np.ndarray:  # pragma: no cover - abstract
        """Physical core of each logical core id (``row * logical_cols + col``)."""
        raise NotImplementedError

    def to_dense(self) -> np.ndarray:
        """Dense logical -> physical map, shape ``logical_shape`` (O(cores): small wafers)."""
        return self.l2p(np.arange(self.n_logical)).reshape(self.logical_shape)

    def long_links(self) -> np.ndarray:
        """Physical Manhattan length of each long interconnect: each pair of
        logical neighbours (counted once) that are not physically adjacent.

        Examples
        --------
        >>> from wafer import ShiftToSpare
        >>> spec = WaferSpec(core_rows=2, core_cols=4)
        >>> ShiftToSpare(segment_width=4, spares=1, max_skew=1).mapping(spec, [1]).long_links().tolist()
        [2, 2, 2]
        """
        l2p = self.to_dense()
        cols = self.spec.core_cols
        lengths = []
        for a, b in ((l2p[:, :-1], l2p[:, 1:]), (l2p[:-1], l2p[1:])):
            d = np.abs(a // cols - b // cols) + np.abs(a % cols - b % cols)
            lengths.append(d[d > 1].ravel())
        return np.sort(np.concatenate(lengths)).astype(np.int64)

    def network(self, link_classes: routing.LinkClassTable | None = None) -> routing.Network:
        """The physical network of this wafer: the core grid as a mesh with its
        dead routers (``blocked``) and links (``links``); logical neighbours
        that are not adjacent are joined over it (a scheme with links of its
        own adds them).

        O(cores): small wafers, tests and the networkx reference.
        """
        if not self.repaired and not self.n_logical:
            raise ParameterError(f"mapping must have a logical mesh to have a network, got: {self.failure}")
        s = self.spec
        net = routing.Network.mesh(s.core_rows, s.core_cols, link_classes=link_classes)
        return net.with_dead(routers=self.blocked, links=net.mesh_channel_ids()[self.links])

    def embedding_or_none(self) -> routing.Embedding | None:
        """The logical links that are not one physical hop, with their paths
        around dead routers and links, or None if one has no path.

        O(cores) from the dense map; schemes that know which links a defect
        stretches do better.
        """
        if getattr(self, "_embedding", None) is None:
            s = self.spec
            lrows, lcols = self.logical_shape
            ids = np.arange(lrows * lcols, dtype=np.int64)
            links = (4 * ids[:, None] + np.arange(4)).ravel()
            dst_l = routing.channel_target(links, lrows, lcols)
            links, dst_l = links[dst_l >= 0], dst_l[dst_l >= 0]
            src, dst = self.l2p(links // 4), self.l2p(dst_l)
            port = links % 4
            adjacent = routing.is_one_hop(src, dst, port, s.core_rows, s.core_cols)
            one_hop = adjacent & ~np.isin(4 * src + port, self.links)
            multi = ~one_hop & ~self._rides_own_link(port, adjacent)
            paths = routing.window_paths(
                s.core_rows, s.core_cols, src[multi], dst[multi], self.blocked, s.bridge_margin, self.links
            )
            if not paths.found.all():
                return None
            nodes = np.unique(np.concatenate((paths.channels // 4, routing.channel_target(paths.channels, s.core_rows, s.core_cols))))
            self._embedding = routing.Embedding(links[multi], paths, nodes, self.p2l(nodes))
        return self._embedding

    def _rides_own_link(self, port: np.ndarray, adjacent: np.ndarray) -> np.ndarray:
        """Which logical links (by port, and whether their ends are physically
        adjacent) ride a dedicated link of the fabric rather than mesh channels: none here."""
        return np.zeros(port.shape, dtype=bool)

    def metrics(self) -> routing.UniformMetrics:
        """Exact uniform-traffic metrics of the logical mesh on this wafer."""
        if not self.n_logical:
            raise ParameterError(f"mapping must have a logical mesh to have metrics, got: {self.failure}")
        e = self.embedding_or_none()
        if e is None:
            raise ParameterError("mapping must join every pair of logical neighbours to have metrics")
        return routing.embedded_uniform_metrics(self.logical_shape, self.physical_shape, *e)

    def _check_logical(self, logical) -> np.ndarray:
        return check_ids("logical", logical, self.n_logical, what="logical core ids")


def check_live_routers(scheme: RemapScheme, spec: WaferSpec, why: str) -> None:
    """Refuse ``spec.router_dies_with_core`` for a scheme whose left-out cores' routers forward traffic."""
    if spec.router_dies_with_core:
        raise ParameterError(f"router_dies_with_core must be false for {scheme.name}: {why}")


def check_cores_only(scheme: RemapScheme, routers, links) -> None:
    """Refuse dead routers or links for a scheme that takes dead cores only."""
    for name, value in (("routers", routers), ("links", links)):
        if value is not None and len(np.atleast_1d(value)):
            raise ParameterError(f"{name} must be empty for {scheme.name}: it takes dead cores only")


def checked_batch(spec: WaferSpec, dead: object, name: str = "dead") -> DefectBatch:
    """``dead`` if it is a batch of core ids of ``spec``, sorted within each trial (O(dead cores))."""
    check_instance("spec", spec, WaferSpec)
    check_instance(name, dead, DefectBatch)
    sites = dead.sites
    if sites.size and (sites.min() < 0 or sites.max() >= spec.n_cores):
        bad = sites[(sites < 0) | (sites >= spec.n_cores)][0]
        raise ParameterError(f"{name} must be core ids in [0, {spec.n_cores:,}), got {bad}")
    falls = np.flatnonzero(np.diff(sites) <= 0) + 1  # positions where the ids do not go up
    if not np.isin(falls, dead.offsets).all():
        raise ParameterError(
            f"{name} must be sorted and distinct within each trial, got a trial whose core ids do not go up"
        )
    return dead


def gamma_expectation(f, shape: float) -> float:
    """E[f(G)] for G ~ Gamma(shape, 1 / shape) (mean 1), for f with values in [0, 1].

    Integrated over the quantile u = F(G) in (0, 1), where the measure is flat
    however peaked the density is (large shape) or however skewed (small).

    Examples
    --------
    >>> round(gamma_expectation(lambda g: min(g, 1.0), 4.0), 4) < 1.0
    True
    """
    from scipy import integrate, special

    from paramcheck import check_positive

    shape = check_positive("shape", shape)
    value, _ = integrate.quad(lambda u: f(special.gammaincinv(shape, u) / shape), 0.0, 1.0, limit=200)
    return min(1.0, max(0.0, value))
