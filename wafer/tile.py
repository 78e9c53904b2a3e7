"""The same silicon as known-good-die tiles: a Tesla Dojo-like training tile.

A *tile* is ``dies_x x dies_y`` known-good dies (KGDs) on a wafer-scale
fan-out carrier (TSMC InFO_SoW), their on-die meshes joined by die-to-die
links at every die edge; a *system* is ``tiles_per_system`` tiles joined by
off-tile links. The defaults are the Dojo training tile's, shipped with the
source of every figure in ``wafer/data/systems/dojo-like.toml``
(:func:`wafer.systems.load_system`): 25 D1 dies of 645 mm^2 (TSMC 7 nm, 354
training nodes each) in a 5 x 5 array, 4 TB/s per die edge, 36 TB/s off the
tile, 2 GHz.

The model (:func:`tile_comparison`):

- die yield: :func:`yieldmodels.k_of_n_yield` (``needed_units`` of
  ``units_per_die`` nodes and a non-redundant ``shared_area_fraction``); all
  nodes needed by default (Tesla names harvesting, publishes no spare scheme);
- known-good-die test of ``test_coverage`` (:func:`yieldmodels.kgd_pass_rate`,
  escapes by :func:`yieldmodels.defect_level`);
- assembly chip-first, as InFO builds its RDL over the placed dies: no die
  bonds, and a bad carrier scraps its dies. A tile of ``n = dies_x *
  dies_y`` needed dies and ``spare_dies`` spare sites works when at least
  ``n`` placed dies are good (a K-of-N over the test escapes), its carrier
  (``carrier_area_factor`` times the placed die area,
  :func:`yieldmodels.carrier_yield`) is good, and the tile's final assembly
  (``carrier_bond_yield``) succeeds;
- cost: :func:`yieldmodels.cost.chiplet_system_cost`, packaging
  ``"info-rdl"``, chip-first: the same flow as the yield;
- network: a system's tiles side by side as one node mesh with die-edge
  and tile-edge links (:func:`tile_system_network`), each traffic pattern
  routed on it (:func:`tile_pattern_figures`); :class:`TileNetwork` gives one
  tile's own mesh and an all-to-all bound of the system.

The carrier's defect density is an estimate (``carrier_d0``, 0.0005 per
cm^2, a 91% carrier): the yield set's ``"info-rdl"`` figure (Chiplet
Actuary: 0.05 per cm^2, alpha 3, for die-sized fan-outs) would give the
19,350 mm^2 carrier 1.3% and the tile at most that, which TSMC's volume
production of the tile (2024) contradicts. :attr:`TileResult.tile_yield_at_set_carrier_d0`
keeps that figure beside the estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import routing
import yieldmodels
from scipy import special
from paramcheck import (ParameterError, check_instance, check_int, check_nonnegative, check_positive,
                        check_probability, check_str)
from yieldmodels.cost import SystemCost, chiplet_system_cost, load_cost_parameters
from yieldmodels.limits import check_carrier, load_packaging_limits

from .geometry import WaferSpec

__all__ = ["CARRIER_LIMIT", "PACKAGING", "TILE_CLASSES", "TileNetwork", "TileResult", "TileSpec", "tile_comparison",
           "tile_grid", "tile_link_classes", "tile_pattern_figures", "tile_system_network"]

#: The packaging entry (yield set and cost set) that stands in for InFO_SoW.
PACKAGING = "info-rdl"
#: The technology of :mod:`yieldmodels.limits` a tile's carrier must fit.
CARRIER_LIMIT = "info-sow"
#: Most dies along a tile side, node rows or columns per die, spare die sites.
MAX_SIDE = 4096
# Yields below this leave no finite cost (1 / yield overflows the cost's sums).
_TINY = 1e-100


def _opt(check, name: str, value, *args):
    return None if value is None else check(name, value, *args)


@dataclass(frozen=True)
class TileSpec:
    """A known-good-die tile and the system built of it (defaults: Dojo; sources in the TOML).

    Parameters
    ----------
    die_area_mm2, die_aspect : float
        Die area, mm^2 (D1: 645), and width over height (none published: square).
    dies_x, dies_y : int
        Dies along the tile's width and height, all needed (Dojo: 5 x 5).
    node : str
        Process node in the cost set (wafer price and NRE).
    units_per_die, needed_units : int
        Redundant units (training nodes) per die, and how many a good die
        needs; ``needed_units`` None: all (no published spare scheme).
    shared_area_fraction, test_coverage : float
        Non-redundant share of the die (matters only with spare units), and
        the fault coverage of known-good-die test; both in [0, 1].
    spare_dies : int
        Spare die sites per tile, >= 0 (Dojo: none).
    parameter_set, cost_set : str
        Yield and cost sets (names or TOML paths) whose ``"info-rdl"`` entry is used.
    carrier_d0 : float or None
        The carrier's defect density, per cm^2: an estimate (0.0005, see the
        module docstring); None takes the yield set's ``"info-rdl"`` figure.
    carrier_alpha, carrier_area_factor, carrier_bond_yield : float or None
        Packaging overrides; None takes the yield set's ``"info-rdl"`` figure
        (the carrier bond stands for the tile's final assembly).
    node_rows, node_cols : int
        The die's nodes as a grid, for the network only.
    node_link_gbps, clock_ghz : float
        One on-die mesh link, one direction, GB/s; node clock (a hop a cycle), GHz.
    hop_energy_pj_per_bit : float
        Energy of one on-die hop (link and router), pJ/bit.
    d2d_gbps_per_die_edge, d2d_latency_ns, d2d_energy_pj_per_bit : float
        Die-to-die bandwidth across one die edge, both directions, GB/s; the
        latency a crossing adds over an on-die hop, ns; its energy, pJ/bit.
    off_tile_gbps, off_tile_latency_ns, off_tile_energy_pj_per_bit : float
        A tile's aggregate off-tile bandwidth, both directions, GB/s; the
        latency and energy of a tile-to-tile crossing, ns and pJ/bit.
    tiles_per_system, volume : int
        Tiles per system (None: the silicon matching rule, :meth:`matching_tiles`),
        and tiles the design NRE is spread over.
    scribe_mm, edge_exclusion_mm : float
        Scribe lane and unusable wafer rim for the die count, mm.

    Raises
    ------
    ParameterError
        On a bad field (naming it), an unknown set, node or packaging, or a
        tile whose carrier exceeds the ``"info-sow"`` limit of
        :func:`yieldmodels.limits.load_packaging_limits` or leaves its disc.

    Examples
    --------
    >>> s = TileSpec()
    >>> s.dies_per_tile, round(s.die_width_mm, 3), s.package.carrier_d0, s.d2d_bandwidth
    (25, 25.397, 0.0005, 0.1953125)
    >>> TileSpec(dies_x=10, dies_y=9)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: dies_x x dies_y + spare_dies = 90 dies must fit the info-sow carrier: ...
    """

    die_area_mm2: float = 645.0
    die_aspect: float = 1.0
    dies_x: int = 5
    dies_y: int = 5
    node: str = "7nm"
    units_per_die: int = 354
    needed_units: int | None = None
    shared_area_fraction: float = 0.2
    test_coverage: float = 1.0
    spare_dies: int = 0
    parameter_set: str = "chiplet-actuary"
    cost_set: str = "chiplet-actuary"
    carrier_d0: float | None = 0.0005
    carrier_alpha: float | None = None
    carrier_area_factor: float | None = None
    carrier_bond_yield: float | None = None
    node_rows: int = 18
    node_cols: int = 20
    node_link_gbps: float = 512.0
    clock_ghz: float = 2.0
    hop_energy_pj_per_bit: float = 0.185
    d2d_gbps_per_die_edge: float = 4000.0
    d2d_latency_ns: float = 5.0
    d2d_energy_pj_per_bit: float = 2.0
    off_tile_gbps: float = 36000.0
    off_tile_latency_ns: float = 20.0
    off_tile_energy_pj_per_bit: float = 5.5
    tiles_per_system: int | None = None
    volume: int = 600
    scribe_mm: float = 0.2
    edge_exclusion_mm: float = 5.0

    def __post_init__(self) -> None:
        check_positive("die_area_mm2", self.die_area_mm2, "mm^2")
        check_positive("die_aspect", self.die_aspect)
        for name in ("dies_x", "dies_y", "node_rows", "node_cols"):
            check_int(name, getattr(self, name), maximum=MAX_SIDE)
        if self.dies_x * self.dies_y * self.node_rows * self.node_cols < 2:
            raise ParameterError("dies_x x dies_y x node_rows x node_cols must be at least 2 nodes (a mesh),"
                                 f" got {self.dies_x} x {self.dies_y} x {self.node_rows} x {self.node_cols}")
        check_str("node", self.node)
        check_int("units_per_die", self.units_per_die)
        if self.needed_units is not None:
            check_int("needed_units", self.needed_units, maximum=self.units_per_die)
        check_probability("shared_area_fraction", self.shared_area_fraction)
        check_probability("test_coverage", self.test_coverage)
        check_int("spare_dies", self.spare_dies, minimum=0, maximum=MAX_SIDE)
        check_str("parameter_set", self.parameter_set)
        check_str("cost_set", self.cost_set)
        _opt(check_nonnegative, "carrier_d0", self.carrier_d0, "defects per cm^2")
        _opt(check_positive, "carrier_alpha", self.carrier_alpha)
        _opt(check_positive, "carrier_area_factor", self.carrier_area_factor)
        _opt(check_probability, "carrier_bond_yield", self.carrier_bond_yield)
        for name in ("node_link_gbps", "clock_ghz", "d2d_gbps_per_die_edge", "off_tile_gbps"):
            check_positive(name, getattr(self, name))
        for name, unit in (("d2d_latency_ns", "ns"), ("off_tile_latency_ns", "ns"), ("hop_energy_pj_per_bit", "pJ/bit"),
                           ("d2d_energy_pj_per_bit", "pJ/bit"), ("off_tile_energy_pj_per_bit", "pJ/bit")):
            check_nonnegative(name, getattr(self, name), unit)
        _opt(check_int, "tiles_per_system", self.tiles_per_system)
        check_int("volume", self.volume)
        check_nonnegative("scribe_mm", self.scribe_mm, "mm")
        check_nonnegative("edge_exclusion_mm", self.edge_exclusion_mm, "mm")
        try:
            load_cost_parameters(self.cost_set).node(self.node)
        except ParameterError as exc:
            raise ParameterError(f"cost_set: {exc}") from None
        self._check_carrier(self.package.carrier_area_factor)

    def _check_carrier(self, factor: float) -> None:
        n = self.dies_placed
        what = f"dies_x x dies_y + spare_dies = {n} dies must fit the {CARRIER_LIMIT} carrier"
        try:
            check_carrier(CARRIER_LIMIT, self.die_area_mm2, n, carrier_area_factor=factor, strict=True)
        except ParameterError as exc:
            raise ParameterError(f"{what}: {exc}") from None
        # The carrier: the die array scaled to the carrier's area, centred on the wafer's usable disc.
        w = load_packaging_limits().wafer
        radius = (w.diameter_mm / 2 - w.edge_exclusion_mm) if w else 150.0
        scale = math.sqrt(factor * n / self.dies_per_tile)
        half = scale / 2 * math.hypot(self.dies_x * self.die_width_mm, self.dies_y * self.die_height_mm)
        if half > radius:
            raise ParameterError(
                f"{what}: its carrier of {scale * self.dies_x * self.die_width_mm:.4g} x"
                f" {scale * self.dies_y * self.die_height_mm:.4g} mm must lie within the usable disc of radius"
                f" {radius:g} mm, got a half-diagonal of {half:.4g} mm"
            )

    @property
    def die_width_mm(self) -> float:
        """Die width, mm: ``sqrt(die_area_mm2 * die_aspect)``."""
        return math.sqrt(self.die_area_mm2 * self.die_aspect)

    @property
    def die_height_mm(self) -> float:
        """Die height, mm: ``die_area_mm2 / die_width_mm``."""
        return self.die_area_mm2 / self.die_width_mm

    @property
    def dies_per_tile(self) -> int:
        """Dies a tile needs, ``dies_x * dies_y``."""
        return self.dies_x * self.dies_y

    @property
    def dies_placed(self) -> int:
        """Dies placed on a tile, spares included."""
        return self.dies_per_tile + self.spare_dies

    @property
    def units_needed(self) -> int:
        """Units a good die needs."""
        return self.units_per_die if self.needed_units is None else self.needed_units

    def yields(self) -> yieldmodels.ParameterSet:
        """The yield set with this spec's overrides in its ``"info-rdl"`` entry."""
        try:
            ps = yieldmodels.load_parameter_set(self.parameter_set)
        except ParameterError as exc:
            raise ParameterError(f"parameter_set: {exc}") from None
        mine = {k: getattr(self, k) for k in ("carrier_d0", "carrier_alpha", "carrier_area_factor",
                                              "carrier_bond_yield")}
        changes = {k: v for k, v in mine.items() if v is not None}
        base = ps.packaging(PACKAGING)
        if base.carrier_d0 is None or base.carrier_area_factor is None:
            raise ParameterError(f"parameter_set must give {PACKAGING!r} a carrier with an area factor,"
                                 f" got {self.parameter_set!r}")
        return replace(ps, packagings={**ps.packagings, PACKAGING: replace(base, **changes)})

    @property
    def package(self) -> yieldmodels.Packaging:
        """The packaging figures in use (the yield set's ``"info-rdl"`` with the overrides)."""
        return self.yields().packaging(PACKAGING)

    @property
    def d2d_bandwidth(self) -> float:
        """A die-to-die link in on-die links (at most 1): half the edge's bandwidth per
        direction, shared by the node rows (or columns) crossing it, the longer side deciding."""
        per_link = self.d2d_gbps_per_die_edge / 2 / max(self.node_rows, self.node_cols)
        return min(1.0, per_link / self.node_link_gbps)

    @property
    def d2d_extra_hops(self) -> float:
        """Latency a crossing adds, in on-die hops (cycles)."""
        return self.d2d_latency_ns * self.clock_ghz

    def matching_tiles(self, wafer: WaferSpec) -> int:
        """Tiles whose dies come closest to ``wafer``'s die area, rounded up to whole tiles.

        ``ceil(max(1, round(A_wafer / A_die)) / dies_per_tile)``.

        Examples
        --------
        >>> TileSpec().matching_tiles(WaferSpec())  # 46,225 / 645 = 71.7 -> 72 dies -> 3 tiles
        3
        """
        check_instance("wafer", wafer, WaferSpec)
        dies = max(1, round(wafer.die_area_mm2 / self.die_area_mm2))
        return -(-dies // self.dies_per_tile)


def _at_least(k: int, n: int, p: float) -> float:
    """P(Binomial(n, p) >= k): at most ``n - k`` of ``n`` fail, each with ``1 - p``
    (the regularised incomplete beta, as :func:`yieldmodels.k_of_n_yield` sums it)."""
    return float(special.betaincc(n - k + 1, k, 1.0 - p))


def _mean_gap(n: int) -> float:
    """E|i - j| for i, j independent and uniform on {0, ..., n - 1}: ``(n^2 - 1) / (3 n)``."""
    return (n * n - 1) / (3 * n)


@dataclass(frozen=True)
class TileNetwork:
    """One tile's mesh under uniform traffic, and an all-to-all bound of its system.

    The bound joins a system's tiles all-to-all at their off-tile bandwidth;
    :func:`tile_pattern_figures` routes them as the mesh they form.

    Attributes
    ----------
    mesh : routing.UniformMetrics
        One tile's node mesh with its die-to-die links (hop latencies).
    tile_gbps : float
        Uniform traffic one tile's mesh carries at saturation, GB/s
        (``mesh.saturation`` x nodes x ``node_link_gbps``).
    leaving_fraction : float
        Share of a tile's uniform traffic that leaves it, ``(T - 1) / T``.
    off_tile_limit_gbps : float
        Traffic a tile can offer before its off-tile links saturate, GB/s:
        half of ``off_tile_gbps`` over the leaving fraction (inf for one tile).
    system_gbps : float
        ``T x min(tile_gbps, off_tile_limit_gbps)``: the system's uniform throughput, GB/s.
    d2d_crossings : float
        Mean die-to-die crossings of a route on a tile, ``E|dx| + E|dy|`` in dies.
    mean_latency_ns, mean_energy_pj_per_bit : float
        Zero-load latency and energy per bit of a uniform route: the tile's
        hops and crossings, plus the leaving fraction's tile-to-tile crossing.
        Every hop pays ``hop_energy_pj_per_bit`` and a die-to-die hop its
        crossing's energy too; traffic that leaves the tile is given the
        mean on-tile route of traffic that stays (to the tile's edge I/O).
    """

    mesh: routing.UniformMetrics
    tile_gbps: float
    leaving_fraction: float
    off_tile_limit_gbps: float
    system_gbps: float
    d2d_crossings: float
    mean_latency_ns: float
    mean_energy_pj_per_bit: float


def _network(spec: TileSpec, tiles: int) -> TileNetwork:
    b = spec.d2d_bandwidth
    mesh = routing.die_grid_uniform_metrics(spec.dies_y * spec.node_rows, spec.dies_x * spec.node_cols,
                                            spec.node_rows, spec.node_cols, b, spec.d2d_extra_hops)
    nodes = spec.dies_per_tile * spec.node_rows * spec.node_cols
    tile = mesh.saturation * nodes * spec.node_link_gbps
    leaving = (tiles - 1) / tiles
    off = spec.off_tile_gbps / 2 / leaving if leaving > 0 else math.inf
    crossings = _mean_gap(spec.dies_x) + _mean_gap(spec.dies_y)
    hops = mesh.mean_route_hops + mesh.mean_route_extra_hops  # hop latencies, crossings' extra included
    return TileNetwork(
        mesh=mesh, tile_gbps=tile, leaving_fraction=leaving, off_tile_limit_gbps=off,
        system_gbps=tiles * min(tile, off), d2d_crossings=crossings,
        mean_latency_ns=hops / spec.clock_ghz + leaving * spec.off_tile_latency_ns,
        mean_energy_pj_per_bit=(mesh.mean_route_hops * spec.hop_energy_pj_per_bit
                                + crossings * spec.d2d_energy_pj_per_bit
                                + leaving * spec.off_tile_energy_pj_per_bit),
    )


@dataclass(frozen=True)
class TileResult:
    """Yield, area, cost and network of a wafer's silicon as KGD tiles (closed form).

    Attributes
    ----------
    spec : TileSpec
    d0 : float
        Die defect density, per cm^2.
    alpha : float or None
        Die defect clustering (None: Poisson).
    die_yield_no_spares, die_yield : float
        Die yield with every node needed, and with the unit spares (``k_of_n_yield``).
    dies_per_wafer : int
        Whole dies on the wafer grid (:func:`yieldmodels.exact_dies_per_wafer`).
    kgd_pass_rate, kgd_per_wafer, kgd_escape : float
        Fraction of dies passing test, dies passing per wafer, and the chance a passing die is bad.
    carrier_area_mm2, carrier_yield, carrier_bond_yield : float
        The carrier's area and yield, and the tile's final assembly yield.
    die_assembly_yield : float
        Probability that at least ``dies_per_tile`` placed dies are good.
    tile_yield : float
        ``die_assembly_yield * carrier_yield * carrier_bond_yield``.
    tile_yield_at_set_carrier_d0 : float
        The same with the yield set's own carrier defect density (the
        sensitivity to the ``carrier_d0`` estimate).
    good_tiles_per_wafer : float
        ``kgd_per_wafer / dies_placed * tile_yield`` (an expectation, fractions kept).
    tiles_per_system : int
    system_silicon_mm2, silicon_ratio : float
        Die silicon of a system's needed dies, and that over the wafer-scale die's area.
    good_systems_per_wafer : float
    usable_area_mm2_per_wafer, usable_area_fraction : float
        Needed-die area in good tiles per wafer, and that over the wafer's area.
    silicon_per_good_system_mm2, die_silicon_per_good_system_mm2 : float
        Whole-wafer silicon, and fabricated die silicon, per good system (inf if none).
    tile_cost : SystemCost or None
        Cost of one good tile (None when a yield is too small for a finite cost).
    cost_exact : bool
        False with spare dies and test escapes together: the cost divides by
        ``(1 - e) ** N`` where the tile needs only ``n`` of ``N``, an upper bound.
    system_re_usd, system_total_usd : float
        Recurring, and recurring plus NRE, cost of a system (nan without a cost).
    d2d_bandwidth, d2d_extra_hops : float
        A die-to-die link in on-die links, and the hops a crossing adds.
    network : TileNetwork
    """

    spec: TileSpec
    d0: float
    alpha: float | None
    die_yield_no_spares: float
    die_yield: float
    dies_per_wafer: int
    kgd_pass_rate: float
    kgd_per_wafer: float
    kgd_escape: float
    carrier_area_mm2: float
    carrier_yield: float
    carrier_bond_yield: float
    die_assembly_yield: float
    tile_yield: float
    tile_yield_at_set_carrier_d0: float
    good_tiles_per_wafer: float
    tiles_per_system: int
    system_silicon_mm2: float
    silicon_ratio: float
    good_systems_per_wafer: float
    usable_area_mm2_per_wafer: float
    usable_area_fraction: float
    silicon_per_good_system_mm2: float
    die_silicon_per_good_system_mm2: float
    tile_cost: SystemCost | None
    cost_exact: bool
    system_re_usd: float
    system_total_usd: float
    d2d_bandwidth: float
    d2d_extra_hops: float
    network: TileNetwork


def tile_comparison(wafer: WaferSpec, spec: TileSpec, d0: float, alpha: float | None) -> TileResult:
    """Yield, cost and network of ``wafer``'s silicon built as known-good-die tiles.

    Parameters
    ----------
    wafer : WaferSpec
        The wafer-scale die compared with (its area sets the system's size,
        its diameter the die count).
    spec : TileSpec
    d0 : float
        Die defect density, defects per cm^2.
    alpha : float or None
        Negative-binomial clustering of die defects, > 0; None for Poisson.

    Returns
    -------
    TileResult

    Notes
    -----
    With ``e`` the escape probability, ``n = dies_x * dies_y`` and ``N = n +
    spare_dies``: ``die_assembly_yield = P(Bin(N, 1 - e) >= n)``, and the
    tile needs its carrier and final assembly too (chip-first: no die
    bonds). The cost is :func:`yieldmodels.cost.chiplet_system_cost` for
    ``N`` dies, chip-first, whose assembly yield ``(1 - e) ** N`` is the
    tile's when ``spare_dies = 0`` or ``e = 0`` (else an upper bound, see
    :attr:`TileResult.cost_exact`). It counts dies on the cost set's wafer
    (Chiplet Actuary: 300 mm) and spreads NRE over ``volume`` tiles; a
    system costs ``tiles_per_system`` tiles. O(N) plus the exact die counts
    (ms), one clustered K-of-N integral and the tile mesh's uniform metrics.

    Examples
    --------
    >>> r = tile_comparison(WaferSpec(), TileSpec(), d0=0.1, alpha=10.0)
    >>> round(r.die_yield, 4), r.dies_per_wafer, r.tiles_per_system, round(r.silicon_ratio, 4)
    (0.5352, 82, 3, 1.0465)
    >>> round(r.carrier_yield, 4), round(r.tile_yield, 4), round(r.tile_yield_at_set_carrier_d0, 4)
    (0.9092, 0.9001, 0.0131)
    >>> round(r.d2d_bandwidth, 4), r.d2d_extra_hops, round(r.network.system_gbps)
    (0.1953, 10.0, 81000)
    """
    check_instance("wafer", wafer, WaferSpec)
    check_instance("spec", spec, TileSpec)
    dens = check_nonnegative("d0", d0, "defects per cm^2")
    al = None if alpha is None else check_positive("alpha", alpha)
    area, c, pk = spec.die_area_mm2, spec.test_coverage, spec.package
    shared = spec.shared_area_fraction * area
    y0 = float(yieldmodels.k_of_n_yield(1, 1, area, dens, alpha=al))
    y = float(yieldmodels.k_of_n_yield(spec.units_per_die, spec.units_needed, (area - shared) / spec.units_per_die,
                                       dens, alpha=al, shared_area_mm2=shared))
    dpw = yieldmodels.exact_dies_per_wafer(spec.die_width_mm, spec.die_height_mm, wafer.wafer_diameter_mm,
                                           scribe_mm=spec.scribe_mm, edge_exclusion_mm=spec.edge_exclusion_mm)
    passed = yieldmodels.kgd_pass_rate(y, c)
    escape = yieldmodels.defect_level(y, c)
    n, placed = spec.dies_per_tile, spec.dies_placed
    assembly = _at_least(n, placed, 1.0 - escape)
    carrier_area = pk.carrier_area_factor * placed * area
    cy = yieldmodels.carrier_yield(carrier_area, pk.carrier_d0, pk.carrier_alpha)
    set_pk = yieldmodels.load_parameter_set(spec.parameter_set).packaging(PACKAGING)
    set_cy = yieldmodels.carrier_yield(carrier_area, set_pk.carrier_d0, pk.carrier_alpha)
    tile_yield = assembly * cy * pk.carrier_bond_yield
    kgd = dpw * passed
    good_tiles = kgd / placed * tile_yield
    tiles = spec.tiles_per_system or spec.matching_tiles(wafer)
    systems = good_tiles / tiles
    silicon = tiles * n * area
    fabricated = passed * tile_yield
    wafer_area = wafer.wafer_area_mm2

    cost = None
    if y > _TINY and tile_yield > _TINY:
        cost = chiplet_system_cost(spec.cost_set, spec.node, area, placed, PACKAGING, volume=spec.volume,
                                   chip_first=True, die_yield=y, test_coverage=c, yields=spec.yields(),
                                   die_width_mm=spec.die_width_mm)
    return TileResult(
        spec=spec, d0=dens, alpha=al, die_yield_no_spares=y0, die_yield=y, dies_per_wafer=dpw,
        kgd_pass_rate=passed, kgd_per_wafer=kgd, kgd_escape=escape,
        carrier_area_mm2=carrier_area, carrier_yield=cy, carrier_bond_yield=pk.carrier_bond_yield,
        die_assembly_yield=assembly, tile_yield=tile_yield,
        tile_yield_at_set_carrier_d0=assembly * set_cy * pk.carrier_bond_yield, good_tiles_per_wafer=good_tiles,
        tiles_per_system=tiles, system_silicon_mm2=silicon, silicon_ratio=silicon / wafer.die_area_mm2,
        good_systems_per_wafer=systems, usable_area_mm2_per_wafer=good_tiles * n * area,
        usable_area_fraction=good_tiles * n * area / wafer_area,
        silicon_per_good_system_mm2=wafer_area / systems if systems > 0 else math.inf,
        die_silicon_per_good_system_mm2=tiles * placed * area / fabricated if fabricated > 0 else math.inf,
        tile_cost=cost, cost_exact=spec.spare_dies == 0 or escape == 0.0,
        system_re_usd=tiles * cost.re_usd if cost else math.nan,
        system_total_usd=tiles * cost.total_usd if cost else math.nan,
        d2d_bandwidth=spec.d2d_bandwidth, d2d_extra_hops=spec.d2d_extra_hops, network=_network(spec, tiles),
    )


#: The link classes of a tile system's network (:func:`tile_link_classes`).
TILE_CLASSES = ("tile-mesh", "tile-d2d", "tile-edge")


def tile_link_classes(spec: TileSpec) -> routing.LinkClassTable:
    """The channels of a tile system, as link classes at the node clock.

    - ``tile-mesh``: a node-to-node link, ``node_link_gbps`` a direction,
      one cycle a hop, ``hop_energy_pj_per_bit``;
    - ``tile-d2d``: a die-edge link, its share of the die edge
      (:attr:`TileSpec.d2d_bandwidth`), ``d2d_latency_ns`` more, and
      ``d2d_energy_pj_per_bit`` more;
    - ``tile-edge``: a tile-edge link, its share of a quarter of the tile's
      off-tile bandwidth a direction (the longer die side deciding, as for
      the die edge), ``off_tile_latency_ns`` and ``off_tile_energy_pj_per_bit`` more.

    Examples
    --------
    >>> t = tile_link_classes(TileSpec())
    >>> t["tile-mesh"].bandwidth_bits_per_cycle, round(t["tile-d2d"].bandwidth_bits_per_cycle, 1)
    (2048.0, 400.0)
    >>> round(t["tile-edge"].bandwidth_bits_per_cycle, 1), t["tile-edge"].latency_cycles  # 4.5 TB/s over 100 links
    (180.0, 40.0)
    """
    check_instance("spec", spec, TileSpec)
    ghz = spec.clock_ghz
    bits = spec.node_link_gbps * 8 / ghz
    side = max(spec.dies_x, spec.dies_y) * max(spec.node_rows, spec.node_cols)  # links along a tile edge
    per_edge = spec.off_tile_gbps / 2 / 4  # GB/s a direction through one of the tile's four edges
    hop = spec.hop_energy_pj_per_bit
    return routing.LinkClassTable([
        routing.LinkClass("tile-mesh", bits, ghz, 0.0, hop, 1.0, 0.0, source="wafer.tile: TileSpec.node_link_gbps"),
        routing.LinkClass("tile-d2d", bits * spec.d2d_bandwidth, ghz, spec.d2d_extra_hops,
                          hop + spec.d2d_energy_pj_per_bit, 1.0, 0.0, source="wafer.tile: TileSpec.d2d_*"),
        routing.LinkClass("tile-edge", min(bits, per_edge / side * 8 / ghz), ghz, spec.off_tile_latency_ns * ghz,
                          hop + spec.off_tile_energy_pj_per_bit, 1.0, 0.0, source="wafer.tile: TileSpec.off_tile_*"),
    ])


def tile_grid(tiles: int, rows: int, cols: int, spec: TileSpec) -> tuple[int, int]:
    """How a system's tiles are laid out, ``(tile rows, tile columns)``: of the
    factorisations of ``tiles``, the one whose node grid is closest in aspect
    to a ``rows x cols`` logical mesh (ties: fewer tile rows).

    Examples
    --------
    >>> tile_grid(3, 763, 1176, TileSpec())  # 90 x 300 nodes (0.3) against 0.65, not 270 x 100 (2.7)
    (1, 3)
    >>> tile_grid(4, 763, 1176, TileSpec())
    (2, 2)
    """
    t = check_int("tiles", tiles)
    want = math.log(check_int("rows", rows) / check_int("cols", cols))
    tile_rows, tile_cols = spec.dies_y * spec.node_rows, spec.dies_x * spec.node_cols
    pairs = [(a, t // a) for a in range(1, t + 1) if t % a == 0]
    return min(pairs, key=lambda p: (abs(math.log(p[0] * tile_rows / (p[1] * tile_cols)) - want), p[0]))


def tile_system_network(spec: TileSpec, grid: tuple[int, int]) -> routing.Network:
    """The node mesh of ``grid`` tiles: node links, die-edge links and tile-edge links
    (:func:`tile_link_classes`), in :meth:`routing.Network.mesh` order.

    Examples
    --------
    >>> net = tile_system_network(TileSpec(), (1, 3))
    >>> net.n_nodes, [int((net.channel_class == i).sum()) for i in range(3)]
    (27000, [102300, 4560, 360])
    """
    check_instance("spec", spec, TileSpec)
    ty, tx = (check_int("grid rows", grid[0]), check_int("grid cols", grid[1]))
    die_r, die_c = spec.node_rows, spec.node_cols
    rows, cols = ty * spec.dies_y * die_r, tx * spec.dies_x * die_c
    table = tile_link_classes(spec)
    net = routing.Network.chiplets(rows, cols, die_r, die_c, d2d_class="tile-d2d", link_class="tile-mesh",
                                   link_classes=table)
    src, dst = net.source, net.target
    tile_r, tile_c = spec.dies_y * die_r, spec.dies_x * die_c
    edge = (net.x[src] // tile_c != net.x[dst] // tile_c) | (net.y[src] // tile_r != net.y[dst] // tile_r)
    classes = np.where(edge, table.index("tile-edge"), net.channel_class)
    return routing.Network(net.x, net.y, net.row_ptr, net.target, classes, link_classes=table)


def tile_pattern_figures(flows, rows: int, cols: int, result: TileResult) -> dict:
    """One step of a traffic pattern on the tile system: the logical mesh spread over its nodes.

    Parameters
    ----------
    flows : routing.Flows
        The pattern on the wafer's ``rows x cols`` logical mesh (bytes per step).
    rows, cols : int
    result : TileResult
        The tiles per system and their spec.

    Returns
    -------
    dict
        The figures of :data:`routing.FIGURES` (:func:`routing.network_figures`
        of the system's node mesh, :func:`tile_system_network`) and
        ``workload_step_ns`` (``step_ns + latency_ns``).

    Notes
    -----
    Logical node ``(r, c)`` runs on tile-system node ``(r * R // rows, c * C
    // cols)`` of the ``R x C`` node grid (:func:`tile_grid`): the same work and
    data decomposition as the wafer, coarsened. Bytes between logical nodes
    on one tile node cost nothing (its SRAM; optimistic for tiles); the rest
    are routed XY over node, die-edge and tile-edge links, all by the same
    code as the chiplets. Uniform traffic is taken as uniform over the tile
    nodes (their blocks differ by at most a row and a column of logical
    nodes), less the share that stays on a node. O(flows + nodes).

    Examples
    --------
    >>> import routing
    >>> from wafer.geometry import WaferSpec
    >>> r = tile_comparison(WaferSpec(), TileSpec(), 0.1, 10.0)
    >>> f = tile_pattern_figures(routing.make_traffic("uniform", 763, 1176), 763, 1176, r)
    >>> round(f["throughput_gbytes_per_s"]), round(f["latency_ns"], 1)  # 3 tiles in a row: their edges limit
    (18225, 111.7)
    """
    check_instance("result", result, TileResult)
    check_instance("flows", flows, routing.Flows)
    n = check_int("rows", rows) * check_int("cols", cols)
    if flows.n_nodes != n:
        raise ParameterError(f"flows must be on the {rows} x {cols} mesh ({n} nodes), got {flows.n_nodes} nodes")
    spec = result.spec
    ty, tx = tile_grid(result.tiles_per_system, rows, cols, spec)
    R, C = ty * spec.dies_y * spec.node_rows, tx * spec.dies_x * spec.node_cols
    r, c = np.divmod(np.arange(n), cols)
    node = (r * R // rows) * C + c * C // cols
    src, dst = node[flows.src], node[flows.dst]
    apart = src != dst
    pairs, inverse = np.unique(src[apart] * (R * C) + dst[apart], return_inverse=True)
    weight = np.bincount(inverse, weights=flows.weight[apart], minlength=pairs.size)
    uniform = 0.0
    if flows.uniform and R * C > 1:
        per_node = n / (R * C)  # logical nodes a tile node holds, on average
        uniform = flows.uniform * per_node * (n - per_node) / (n - 1)
    coarse = routing.Flows(pairs // (R * C), pairs % (R * C), weight, R * C, uniform=uniform)
    net = tile_system_network(spec, (ty, tx))
    figures = routing.network_figures(net, routing.channel_loads(coarse, R, C, "xy"), flows.total)
    return {**figures, "workload_step_ns": figures["step_ns"] + figures["latency_ns"]}
