"""The same silicon as known-good-die tiles: a Tesla Dojo-like training tile.

A *tile* is ``dies_x x dies_y`` known-good dies (KGDs) placed side by side on
a wafer-scale fan-out carrier (TSMC InFO_SoW), their on-die meshes joined by
die-to-die links at every die edge; a *system* is ``tiles_per_system`` tiles
joined by off-tile links. The defaults are the Dojo training tile's, shipped
with the source of every figure in ``wafer/data/systems/dojo-like.toml``
(:func:`load_tile_preset`): 25 D1 dies of 645 mm^2 (TSMC 7 nm, 354 training
nodes each) in a 5 x 5 array, 4 TB/s per die edge, 36 TB/s off the tile, 2 GHz.

The model (:func:`tile_comparison`):

- die yield: :func:`yieldmodels.k_of_n_yield` (``needed_units`` of
  ``units_per_die`` nodes and a non-redundant ``shared_area_fraction``); all
  nodes needed by default (Tesla names harvesting, publishes no spare scheme);
- known-good-die test of ``test_coverage`` (:func:`yieldmodels.kgd_pass_rate`,
  escapes by :func:`yieldmodels.defect_level`);
- a placed die works when it bonds and is no escape; a tile of ``n = dies_x *
  dies_y`` needed dies and ``spare_dies`` spare sites works when at least
  ``n`` placed dies work (a K-of-N over dies) and its carrier (``carrier_area_factor``
  times the placed die area, :func:`yieldmodels.carrier_yield`) is good and
  bonds. Without spares and escapes: ``bond_yield ** n * carrier_yield *
  carrier_bond_yield``. Good tiles per wafer of dies as in
  :func:`yieldmodels.chiplet_system` (a bad carrier costs its dies);
- cost: :func:`yieldmodels.cost.chiplet_system_cost`, packaging ``"info-rdl"``
  (chip-last: the carrier is tested before dies go on);
- network: the tile's node mesh (:func:`routing.die_grid_uniform_metrics`),
  and the off-tile bandwidth per mm^2 against the wafer's mesh across the
  edge of a patch of the same area.

Packaging figures default to the yield set's ``"info-rdl"`` entry (an
assumption for InFO_SoW; Chiplet Actuary: bond 0.98, RDL 0.05 per cm^2 with
alpha 3, area factor 1.2, carrier bond 0.99). At wafer scale that RDL yields
1.3% (19,350 mm^2), capping the tile yield near 0.8%; TSMC makes the tile in
volume, so the real density must be far lower: set ``carrier_d0``.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import routing
import yieldmodels
from paramcheck import (ParameterError, check_instance, check_int, check_nonnegative, check_positive,
                        check_probability, check_real, check_str, parse_toml, read_text_file, shown, unknown_name)
from yieldmodels.cost import SystemCost, chiplet_system_cost, load_cost_parameters
from yieldmodels.limits import check_carrier, load_packaging_limits

from .geometry import WaferSpec
from .presets import PRESET_FILE_MAX_BYTES, _build, _known_keys, _strings, _table

__all__ = ["PACKAGING", "TILE_SYSTEMS", "TilePreset", "TileResult", "TileSpec", "load_tile_preset",
           "tile_comparison"]

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
    bond_yield, carrier_d0, carrier_alpha, carrier_area_factor, carrier_bond_yield : float or None
        Packaging overrides; None takes the yield set's ``"info-rdl"`` figure.
    node_rows, node_cols : int
        The die's nodes as a grid, for the network only.
    node_link_gbps, clock_ghz : float
        One on-die mesh link, one direction, GB/s; node clock (a hop a cycle), GHz.
    d2d_gbps_per_die_edge, d2d_latency_ns : float
        Die-to-die bandwidth across one die edge, both directions, GB/s, and
        the latency a crossing adds over an on-die hop, ns.
    off_tile_gbps : float
        A tile's aggregate off-tile bandwidth, both directions, GB/s.
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
    >>> s.dies_per_tile, round(s.die_width_mm, 3), s.package.bond_yield, s.d2d_bandwidth
    (25, 25.397, 0.98, 0.1953125)
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
    bond_yield: float | None = None
    carrier_d0: float | None = None
    carrier_alpha: float | None = None
    carrier_area_factor: float | None = None
    carrier_bond_yield: float | None = None
    node_rows: int = 18
    node_cols: int = 20
    node_link_gbps: float = 512.0
    clock_ghz: float = 2.0
    d2d_gbps_per_die_edge: float = 4000.0
    d2d_latency_ns: float = 5.0
    off_tile_gbps: float = 36000.0
    tiles_per_system: int | None = None
    volume: int = 600
    scribe_mm: float = 0.2
    edge_exclusion_mm: float = 5.0

    def __post_init__(self) -> None:
        check_positive("die_area_mm2", self.die_area_mm2, "mm^2")
        check_positive("die_aspect", self.die_aspect)
        for name in ("dies_x", "dies_y", "node_rows", "node_cols"):
            check_int(name, getattr(self, name), maximum=MAX_SIDE)
        check_str("node", self.node)
        check_int("units_per_die", self.units_per_die)
        if self.needed_units is not None:
            check_int("needed_units", self.needed_units, maximum=self.units_per_die)
        check_probability("shared_area_fraction", self.shared_area_fraction)
        check_probability("test_coverage", self.test_coverage)
        check_int("spare_dies", self.spare_dies, minimum=0, maximum=MAX_SIDE)
        check_str("parameter_set", self.parameter_set)
        check_str("cost_set", self.cost_set)
        _opt(check_probability, "bond_yield", self.bond_yield)
        _opt(check_nonnegative, "carrier_d0", self.carrier_d0, "defects per cm^2")
        _opt(check_positive, "carrier_alpha", self.carrier_alpha)
        _opt(check_positive, "carrier_area_factor", self.carrier_area_factor)
        _opt(check_probability, "carrier_bond_yield", self.carrier_bond_yield)
        for name in ("node_link_gbps", "clock_ghz", "d2d_gbps_per_die_edge", "off_tile_gbps"):
            check_positive(name, getattr(self, name))
        check_nonnegative("d2d_latency_ns", self.d2d_latency_ns, "ns")
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

    def yields(self, **override: float) -> yieldmodels.ParameterSet:
        """The yield set with this spec's overrides (and ``override``) in its ``"info-rdl"`` entry."""
        try:
            ps = yieldmodels.load_parameter_set(self.parameter_set)
        except ParameterError as exc:
            raise ParameterError(f"parameter_set: {exc}") from None
        mine = {k: getattr(self, k) for k in ("bond_yield", "carrier_d0", "carrier_alpha",
                                              "carrier_area_factor", "carrier_bond_yield")}
        changes = {k: v for k, v in {**mine, **override}.items() if v is not None}
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
    """P(Binomial(n, p) >= k), summed exactly (n is small)."""
    return min(1.0, math.fsum(math.comb(n, j) * p**j * (1.0 - p) ** (n - j) for j in range(k, n + 1)))


@dataclass(frozen=True)
class TileResult:
    """Yield, area, cost and network of a wafer's silicon as KGD tiles (closed form).

    Attributes
    ----------
    spec : TileSpec
    d0, alpha : float
        Die defect density (per cm^2) and clustering.
    die_yield_no_spares, die_yield : float
        Negative binomial die yield, and with the unit spares (``k_of_n_yield``).
    dies_per_wafer : int
        Whole dies on the wafer grid (:func:`yieldmodels.exact_dies_per_wafer`).
    kgd_pass_rate, kgd_per_wafer, kgd_escape : float
        Fraction of dies passing test, dies passing per wafer, and the chance a passing die is bad.
    bond_yield, carrier_area_mm2, carrier_yield, carrier_bond_yield : float
        The packaging figures used and the carrier's area and yield.
    die_assembly_yield : float
        Probability that at least ``dies_per_tile`` placed dies bond and are good.
    tile_yield : float
        ``die_assembly_yield * carrier_yield * carrier_bond_yield``.
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
        False when spare dies more than make up for test escapes and the cost
        is an upper bound (see :func:`tile_comparison`).
    system_re_usd, system_total_usd : float
        Recurring, and recurring plus NRE, cost of a system (nan without a cost).
    d2d_bandwidth, d2d_extra_hops : float
        A die-to-die link in on-die links, and the hops a crossing adds.
    network : routing.UniformMetrics
        The tile's node mesh under uniform traffic.
    off_tile_gbps_per_mm2, wafer_patch_gbps_per_mm2 : float
        A tile's off-tile bandwidth per mm^2 of its die silicon, and the
        wafer's mesh bandwidth across the edge of a square patch of the same
        area (both directions), per mm^2 of the patch.
    """

    spec: TileSpec
    d0: float
    alpha: float
    die_yield_no_spares: float
    die_yield: float
    dies_per_wafer: int
    kgd_pass_rate: float
    kgd_per_wafer: float
    kgd_escape: float
    bond_yield: float
    carrier_area_mm2: float
    carrier_yield: float
    carrier_bond_yield: float
    die_assembly_yield: float
    tile_yield: float
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
    network: routing.UniformMetrics
    off_tile_gbps_per_mm2: float
    wafer_patch_gbps_per_mm2: float


def tile_comparison(wafer: WaferSpec, spec: TileSpec, d0: float, alpha: float) -> TileResult:
    """Yield, cost and network of ``wafer``'s silicon built as known-good-die tiles.

    Parameters
    ----------
    wafer : WaferSpec
        The wafer-scale die compared with (its area sets the system's size,
        its diameter the die count, its core grid the mesh compared with).
    spec : TileSpec
    d0 : float
        Die defect density, defects per cm^2.
    alpha : float
        Negative-binomial clustering of die defects, > 0.

    Returns
    -------
    TileResult

    Notes
    -----
    With ``Y`` the die yield, ``e`` the escape probability, ``b`` the bond
    yield, ``n = dies_x * dies_y`` and ``N = n + spare_dies``: each placed
    die works with ``p = b (1 - e)``, ``die_assembly_yield = P(Bin(N, p) >=
    n)``, and the tile needs its carrier too. The cost is
    :func:`yieldmodels.cost.chiplet_system_cost` for ``N`` dies whose bond
    yield is ``b_eff = P(Bin(N, p) >= n) ** (1/N) / (1 - e)``, so that its
    assembly yield ``(b_eff (1 - e)) ** N`` is the tile's; exact when
    ``b_eff <= 1`` (always without spare dies or escapes), else ``b_eff = 1``
    and the cost an upper bound. The cost counts dies on the cost set's wafer
    (Chiplet Actuary: 300 mm) and spreads NRE over ``volume`` tiles; a system
    costs ``tiles_per_system`` tiles. O(N) plus the exact die counts (ms) and
    one clustered K-of-N integral.

    Examples
    --------
    >>> r = tile_comparison(WaferSpec(), TileSpec(), d0=0.1, alpha=10.0)
    >>> round(r.die_yield, 4), r.dies_per_wafer, r.tiles_per_system, round(r.silicon_ratio, 4)
    (0.5352, 82, 3, 1.0465)
    >>> round(r.tile_yield, 6) == round(0.98**25 * r.carrier_yield * 0.99, 6), round(r.carrier_yield, 4)
    (True, 0.0133)
    >>> round(r.d2d_bandwidth, 4), r.d2d_extra_hops, round(r.off_tile_gbps_per_mm2, 3)
    (0.1953, 10.0, 2.233)
    """
    check_instance("wafer", wafer, WaferSpec)
    check_instance("spec", spec, TileSpec)
    dens = check_nonnegative("d0", d0, "defects per cm^2")
    al = check_positive("alpha", alpha)
    area, c, pk = spec.die_area_mm2, spec.test_coverage, spec.package
    shared = spec.shared_area_fraction * area
    y0 = float(yieldmodels.negative_binomial_yield(area, dens, al))
    y = float(yieldmodels.k_of_n_yield(spec.units_per_die, spec.units_needed, (area - shared) / spec.units_per_die,
                                       dens, alpha=al, shared_area_mm2=shared))
    dpw = yieldmodels.exact_dies_per_wafer(spec.die_width_mm, spec.die_height_mm, wafer.wafer_diameter_mm,
                                           scribe_mm=spec.scribe_mm, edge_exclusion_mm=spec.edge_exclusion_mm)
    passed = yieldmodels.kgd_pass_rate(y, c)
    escape = yieldmodels.defect_level(y, c)
    n, placed = spec.dies_per_tile, spec.dies_placed
    assembly = _at_least(n, placed, pk.bond_yield * (1.0 - escape))
    carrier_area = pk.carrier_area_factor * placed * area
    cy = yieldmodels.carrier_yield(carrier_area, pk.carrier_d0, pk.carrier_alpha)
    tile_yield = assembly * cy * pk.carrier_bond_yield
    kgd = dpw * passed
    good_tiles = kgd / placed * tile_yield
    tiles = spec.tiles_per_system or spec.matching_tiles(wafer)
    systems = good_tiles / tiles
    silicon = tiles * n * area
    fabricated = passed * tile_yield
    wafer_area = wafer.wafer_area_mm2

    cost, exact = None, True
    if y > _TINY and tile_yield > _TINY:
        b_eff = assembly ** (1.0 / placed) / (1.0 - escape)
        exact = b_eff <= 1.0
        cost = chiplet_system_cost(spec.cost_set, spec.node, area, placed, PACKAGING, volume=spec.volume,
                                   die_yield=y, test_coverage=c, yields=spec.yields(bond_yield=min(1.0, b_eff)))

    b = spec.d2d_bandwidth
    network = routing.die_grid_uniform_metrics(spec.dies_y * spec.node_rows, spec.dies_x * spec.node_cols,
                                               spec.node_rows, spec.node_cols, b, spec.d2d_extra_hops)
    side = math.sqrt(n * area)  # a square patch of the wafer with a tile's die silicon
    crossing = 2 * side * (wafer.core_rows / wafer.die_height_mm + wafer.core_cols / wafer.die_width_mm)
    mesh = routing.LINK_CLASSES["mesh"].bandwidth_gbytes_per_s
    return TileResult(
        spec=spec, d0=dens, alpha=al, die_yield_no_spares=y0, die_yield=y, dies_per_wafer=dpw,
        kgd_pass_rate=passed, kgd_per_wafer=kgd, kgd_escape=escape, bond_yield=pk.bond_yield,
        carrier_area_mm2=carrier_area, carrier_yield=cy, carrier_bond_yield=pk.carrier_bond_yield,
        die_assembly_yield=assembly, tile_yield=tile_yield, good_tiles_per_wafer=good_tiles,
        tiles_per_system=tiles, system_silicon_mm2=silicon, silicon_ratio=silicon / wafer.die_area_mm2,
        good_systems_per_wafer=systems, usable_area_mm2_per_wafer=good_tiles * n * area,
        usable_area_fraction=good_tiles * n * area / wafer_area,
        silicon_per_good_system_mm2=wafer_area / systems if systems > 0 else math.inf,
        die_silicon_per_good_system_mm2=tiles * placed * area / fabricated if fabricated > 0 else math.inf,
        tile_cost=cost, cost_exact=exact,
        system_re_usd=tiles * cost.re_usd if cost else math.nan,
        system_total_usd=tiles * cost.total_usd if cost else math.nan,
        d2d_bandwidth=b, d2d_extra_hops=spec.d2d_extra_hops, network=network,
        off_tile_gbps_per_mm2=spec.off_tile_gbps / (n * area),
        wafer_patch_gbps_per_mm2=2 * mesh * crossing / side**2,
    )


# --------------------------------------------------------------------------- the shipped systems

_TOP = ("name", "description", "tile", "published", "sources", "assumptions")


@dataclass(frozen=True)
class TilePreset:
    """A tile system read from TOML: its :class:`TileSpec` and where each figure comes from.

    Attributes
    ----------
    name, description : str
    spec : TileSpec
    published : dict of str -> float
        Figures as their sources state them (checks and context).
    sources, assumptions : dict of str -> str
        Each figure's source; each estimate or modelling choice and its reasoning.
    path : str
    """

    name: str
    description: str
    spec: TileSpec
    published: dict
    sources: dict
    assumptions: dict
    path: str


def _shipped() -> dict[str, Path]:
    """The files of ``data/systems`` with a ``[tile]`` table (other systems share the folder)."""
    folder = resources.files(__package__) / "data" / "systems"
    return {e.name[:-5]: Path(str(e)) for e in sorted(folder.iterdir(), key=lambda e: e.name)
            if e.name.endswith(".toml") and "\n[tile]\n" in e.read_text(encoding="utf-8")}


#: Shipped tile systems: name -> file.
TILE_SYSTEMS: dict[str, Path] = _shipped()


def load_tile_preset(name_or_path: str | os.PathLike[str] = "dojo-like") -> TilePreset:
    """A shipped tile system by name (case-insensitive), or one of a TOML file.

    The file has ``name``, ``description``, ``[tile]`` (:class:`TileSpec`
    fields), ``[published]`` (numbers), ``[sources]`` and ``[assumptions]``
    (strings); every key of ``[tile]`` and ``[published]`` must have a source
    or an assumption. Unknown keys are refused with a suggestion.

    Raises
    ------
    ParameterError
        On an unknown name, an unreadable file, bad TOML, an unknown key, a
        bad value, or a figure with neither source nor assumption; file
        errors end with ``(in '<file>')``.

    Examples
    --------
    >>> p = load_tile_preset()
    >>> p.name, p.spec.dies_per_tile, p.published["off_tile_tb_s"]
    ('Dojo-like', 25, 36.0)
    >>> load_tile_preset("dojo")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: tile system must be one of 'dojo-like', got 'dojo' (did you mean 'dojo-like'?)
    """
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise ParameterError(f"tile system must be a name or the path of a TOML file, got {shown(name_or_path)}")
    text = os.fspath(name_or_path)
    if text.lower() in TILE_SYSTEMS:
        path = TILE_SYSTEMS[text.lower()]
    elif text.endswith(".toml") or os.sep in text:
        path = Path(text)
    else:
        raise unknown_name("tile system", text, TILE_SYSTEMS)
    where = repr(str(path))
    data = parse_toml(read_text_file(path, "tile system file", PRESET_FILE_MAX_BYTES, "PRESET_FILE_MAX_BYTES"),
                      "tile system file", where)
    _known_keys(data, _TOP, "", where)
    for key in ("name", "description"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise ParameterError(f"{key} must be a non-empty string, got {shown(data.get(key))} (in {where})")
    tile = _table(data, "tile", where)
    spec = _build(TileSpec, tile, "tile", where)
    published = {}
    for key, value in _table(data, "published", where).items():
        try:
            published[key] = check_real(f"published.{key}", value)
        except ParameterError as exc:
            raise ParameterError(f"{exc} (in {where})") from None
    sources = _strings(_table(data, "sources", where), "sources", where)
    assumptions = _strings(_table(data, "assumptions", where), "assumptions", where)
    for key in [*tile, *published]:
        if key not in sources and key not in assumptions:
            raise ParameterError(f"{key} must have an entry in [sources] or [assumptions] (in {where})")
    return TilePreset(name=data["name"], description=data["description"], spec=spec, published=published,
                      sources=sources, assumptions=assumptions, path=str(path))
