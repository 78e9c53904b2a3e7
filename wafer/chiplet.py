"""The same silicon as a multi-die (chiplet) system.

The wafer-scale die is cut into a grid of dies (by default the WSE's 12 x 7
reticle grid: 84 dies of 17.9 x 30.7 mm). Dies are tested, only known-good
dies are assembled, and a system of ``nx * ny`` dies rebuilds the same core
mesh, in which every link that crosses a die edge is a die-to-die link.

Default parameters and their sources:

- die yield: negative binomial (Stapper) with the study's ``d0`` and
  ``alpha``; a die is good only with no defect (no spare cores).
- bonding yield per die 0.99: organic substrate default of Chiplet Actuary
  (Feng & Ma, DAC 2022); InFO 0.98, silicon interposer 0.95.
- die-to-die shoreline bandwidth 224 GB/s per mm of die edge, both
  directions together: UCIe 1.0 standard (2D) package at 32 GT/s.
- die-to-die latency 2 ns added per crossing: UCIe PHY + adapter.
- on-die link: 32 bits per cycle (Cerebras SDK: 32-bit wavelets, about one
  per cycle per link) at an assumed 1.1 GHz fabric clock, one cycle per hop.
- scribe lane 0.1 mm, edge exclusion 3 mm (typical values, assumed).

With these figures a die edge carries more than its on-die links need, so the
die-to-die links cost latency, not bandwidth; lower ``d2d_gbps_per_mm``
(e.g. 28 GB/s/mm, UCIe standard at 4 GT/s) to see a bandwidth bottleneck.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import routing
import yieldmodels

from .errors import as_wafer_error, check_count, check_nonnegative, check_positive
from .geometry import WaferSpec

__all__ = ["ChipletSpec", "ChipletResult", "chiplet_comparison"]


@dataclass(frozen=True)
class ChipletSpec:
    """How the wafer-scale die's silicon is split into dies, and their links.

    Parameters
    ----------
    dies_x, dies_y : int
        Dies along the die's width and height; must divide the core grid.
    bond_yield : float
        Probability that one die bonds; a failed bond scraps the package.
    d2d_gbps_per_mm : float
        Die-to-die bandwidth per mm of die edge, both directions, GB/s/mm.
    d2d_latency_ns : float
        Latency a die-to-die crossing adds over an on-die hop, ns.
    link_bits : int
        On-die link width, bits per cycle.
    clock_ghz : float
        Fabric clock, GHz (one on-die hop per cycle).
    scribe_mm, edge_exclusion_mm : float
        Scribe lane between dies and unusable wafer rim, mm.
    """

    dies_x: int = 12
    dies_y: int = 7
    bond_yield: float = 0.99
    d2d_gbps_per_mm: float = 224.0
    d2d_latency_ns: float = 2.0
    link_bits: int = 32
    clock_ghz: float = 1.1
    scribe_mm: float = 0.1
    edge_exclusion_mm: float = 3.0

    def __post_init__(self) -> None:
        check_count("dies_x", self.dies_x)
        check_count("dies_y", self.dies_y)
        check_positive("d2d_gbps_per_mm", self.d2d_gbps_per_mm)
        check_nonnegative("d2d_latency_ns", self.d2d_latency_ns)
        check_count("link_bits", self.link_bits)
        check_positive("clock_ghz", self.clock_ghz)
        as_wafer_error(yieldmodels.system_yield)(1, self.bond_yield)  # validates bond_yield
        check_nonnegative("scribe_mm", self.scribe_mm)
        check_nonnegative("edge_exclusion_mm", self.edge_exclusion_mm)

    @property
    def n_dies(self) -> int:
        """Dies per system."""
        return self.dies_x * self.dies_y

    @property
    def on_die_gbps(self) -> float:
        """Bandwidth of one on-die link in one direction, GB/s."""
        return self.link_bits / 8 * self.clock_ghz

    def d2d_bandwidth(self, wafer: WaferSpec) -> float:
        """Bandwidth of a die-to-die link in on-die link bandwidths (at most 1).

        Each core row (or column) at a die edge gets its share of the edge's
        shoreline, half of it per direction; the link is never faster than
        the on-die link it replaces.
        """
        pitch = min(wafer.die_width_mm / wafer.core_cols, wafer.die_height_mm / wafer.core_rows)
        return min(1.0, self.d2d_gbps_per_mm / 2 * pitch / self.on_die_gbps)

    @property
    def d2d_extra_hops(self) -> float:
        """Latency a crossing adds, in on-die hops (cycles)."""
        return self.d2d_latency_ns * self.clock_ghz


@dataclass(frozen=True)
class ChipletResult:
    """Yield, area and network of the chiplet version of a wafer (closed form)."""

    spec: ChipletSpec
    die_width_mm: float
    die_height_mm: float
    die_area_mm2: float
    d0: float
    alpha: float
    kgd_yield: float
    dies_per_wafer: int
    good_dies_per_wafer: float
    dies_per_system: int
    assembly_yield: float
    systems_per_wafer: float
    cores_per_system: int
    usable_area_mm2_per_wafer: float
    usable_area_fraction: float
    d2d_bandwidth: float
    network: routing.UniformMetrics

    def to_dict(self) -> dict:
        """Plain-data form (for JSON)."""
        d = asdict(self)
        d["spec"] = asdict(self.spec)
        return d


def chiplet_comparison(wafer: WaferSpec, spec: ChipletSpec, d0: float, alpha: float) -> ChipletResult:
    """Yield and network of ``wafer``'s silicon built as ``spec.n_dies`` chiplets.

    Parameters
    ----------
    wafer : WaferSpec
        The wafer-scale die whose core grid is split.
    spec : ChipletSpec
    d0 : float
        Defect density, defects per cm^2.
    alpha : float
        Negative-binomial clustering parameter of the die yield.

    Returns
    -------
    ChipletResult

    Notes
    -----
    Dies per wafer is the exact count of whole dies on the wafer grid
    (:func:`yieldmodels.exact_dies_per_wafer`), not the gross formula. O(wafer
    rows of dies) for the count, O(core rows + cols) for the network.

    Examples
    --------
    >>> r = chiplet_comparison(WaferSpec(), ChipletSpec(), d0=0.1, alpha=10.0)
    >>> r.dies_per_system, round(r.kgd_yield, 3), r.dies_per_wafer
    (84, 0.585, 103)
    """
    if wafer.core_cols % spec.dies_x or wafer.core_rows % spec.dies_y:
        from .errors import ParameterError

        raise ParameterError(
            f"dies_x x dies_y must divide the core grid ({wafer.core_cols} x {wafer.core_rows}),"
            f" got {spec.dies_x} x {spec.dies_y}"
        )
    die_w = wafer.die_width_mm / spec.dies_x
    die_h = wafer.die_height_mm / spec.dies_y
    area = die_w * die_h
    kgd = float(yieldmodels.negative_binomial_yield(area, d0, alpha))
    per_wafer = yieldmodels.exact_dies_per_wafer(
        die_w, die_h, wafer.wafer_diameter_mm,
        scribe_mm=spec.scribe_mm, edge_exclusion_mm=spec.edge_exclusion_mm,
    )
    good = per_wafer * kgd
    systems = yieldmodels.good_systems_per_wafer(good, spec.n_dies, spec.bond_yield)
    b = spec.d2d_bandwidth(wafer)
    network = routing.die_grid_uniform_metrics(
        wafer.core_rows, wafer.core_cols,
        wafer.core_rows // spec.dies_y, wafer.core_cols // spec.dies_x,
        b, spec.d2d_extra_hops,
    )
    usable = systems * spec.n_dies * area
    return ChipletResult(
        spec=spec, die_width_mm=die_w, die_height_mm=die_h, die_area_mm2=area,
        d0=float(d0), alpha=float(alpha), kgd_yield=kgd, dies_per_wafer=per_wafer,
        good_dies_per_wafer=good, dies_per_system=spec.n_dies,
        assembly_yield=yieldmodels.system_yield(spec.n_dies, spec.bond_yield),
        systems_per_wafer=systems, cores_per_system=wafer.n_cores,
        usable_area_mm2_per_wafer=usable, usable_area_fraction=usable / wafer.wafer_area_mm2,
        d2d_bandwidth=b, network=network,
    )
