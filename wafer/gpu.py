"""The same silicon as a multi-GPU system: reticle-limited GPUs with spare units.

The other side of the wafer-scale comparison from :mod:`wafer.chiplet`: the
wafer-scale die's silicon built as ``G`` monolithic GPUs (H100-like), each a
die with two redundancy groups (``units`` SMs of which ``needed`` must work,
``memory_sites`` HBM sites of which ``memory_sites_needed`` must work) and a
non-redundant rest (NVLink, PCIe, front end, global wiring) that must be
defect-free, each tested and packaged on its own, and joined by NVLink into a
non-blocking NVSwitch fabric (all-to-all). The H100-like figures and their
sources are in ``wafer/data/systems/h100-like.toml`` (:func:`wafer.systems.load_system`).

- die yield: :func:`yieldmodels.k_of_n_groups_yield` over both groups with
  the critical rest as shared area, clustered (negative binomial, the
  study's ``d0`` and ``alpha``: one gamma multiplier per die) or Poisson;
  without spares the same die with every unit and site needed;
- dies per wafer: :func:`yieldmodels.exact_dies_per_wafer` on the wafer's
  diameter, 0.2 mm scribe and 5 mm edge exclusion (ChipletSpec's defaults),
  for the die's sides (the squarest that fit the 26 x 33 mm reticle field
  when none are given);
- GPUs per system: ``round(wafer die area / GPU die area)``, the system whose
  silicon is nearest the wafer-scale die's (within half a die either way);
  for WSE-3, 57 (46,225 / 814 = 56.79);
- packaging: each GPU separately, so no assembly yield multiplies across
  GPUs; a per-GPU ``package_yield`` (default 1) scales good GPUs;
- cost: :func:`yieldmodels.cost.monolithic_cost` at the die yield, for the
  die's sides on the cost set's wafer; it applies the cost set's packaging
  yields, which ``package_yield`` does not;
- HBM is out of scope: its stacks, bandwidth and yield are not modelled.

Network, under uniform traffic: a GPU's injection into the switch fabric per
direction (half of ``nvlink_gbytes_per_s``) is the limit, a fraction ``(G -
1) / G`` of its traffic leaves it, its on-die network is taken not to limit
(optimistic for GPUs). Latency and energy of a crossing (GPU -> NVSwitch ->
GPU: two SerDes links and one switch) compare with a die-to-die crossing or
a mesh hop (``routing.LINK_CLASSES``: 0.9 ns and 0.07 pJ/bit per hop); on-die
movement is not counted (optimistic for GPUs). An SM is ~77 times a WSE
core's area: per-SM figures do not compare with per-core ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import routing
import yieldmodels
from paramcheck import ParameterError, check_instance, check_int, check_nonnegative, check_positive, check_real, check_str
from yieldmodels import cost as ymcost
from yieldmodels.limits import load_packaging_limits

from .geometry import WaferSpec

__all__ = ["MIN_COST_YIELD", "GpuNetwork", "GpuResult", "GpuSpec", "gpu_blocks", "gpu_comparison",
           "gpu_pattern_figures"]

#: Below this die yield no cost is computed (``GpuResult.gpu_cost`` is None).
MIN_COST_YIELD = 1e-200
#: Relative tolerance of ``die_width_mm * die_height_mm`` against ``die_area_mm2``.
_SHAPE_RTOL = 0.01


def _reticle() -> yieldmodels.limits.CarrierLimit:
    return load_packaging_limits().carrier("monolithic-reticle")


@dataclass(frozen=True)
class GpuSpec:
    """A monolithic GPU with spare units, and the NVLink/NVSwitch system it is built into.

    Parameters
    ----------
    die_area_mm2 : float
        GPU die area, mm^2; at most the monolithic-reticle limit (858 mm^2).
    die_width_mm, die_height_mm : float or None
        Die sides, mm, if published (both or neither; their product within 1%
        of the area, and within the 26 x 33 mm field). None: the squarest
        die that fits the field (a square, or 26 mm wide when a square is wider).
    units, needed : int
        Identical units (SMs) on the die, and how many must work.
    unit_area_fraction : float
        Share of the die in the units, in (0, 1].
    memory_sites, memory_sites_needed : int
        Memory sites (an HBM stack's controllers, PHY and L2 share), and how
        many must work: a second redundancy group (0 sites: none).
    memory_area_fraction : float
        Share of the die in the memory sites, in [0, 1 - unit_area_fraction].
    shared_area_mm2 : float or None
        Non-redundant area that must be defect-free, mm^2, at most the area in
        neither group; None: all of it. Area in none tolerates any defect.
    node : str
        Process node of the cost set (TSMC 4N is a 5nm-class node: "5nm").
    gpus_per_system : int or None
        None: ``round(wafer die area / die_area_mm2)`` (at least 1).
    package_yield : float
        Per-GPU packaging yield in (0, 1].
    nvlink_gbytes_per_s : float
        Off-package bandwidth per GPU, both directions together, GB/s.
    link_latency_ns, switch_latency_ns : float
        Latency of one GPU-switch link and of one switch, ns.
    link_energy_pj_per_bit, switch_energy_pj_per_bit : float
        Energy of one link and of the switch, pJ/bit.
    cost_set, packaging : str
        Cost set (:func:`yieldmodels.cost.load_cost_parameters`) and its packaging.
    volume : int
        GPUs the design NRE is spread over.
    scribe_mm, edge_exclusion_mm : float
        Scribe lane and unusable wafer rim for the die count, mm.

    Examples
    --------
    >>> s = GpuSpec()
    >>> round(s.unit_area_mm2, 4), round(s.site_area_mm2, 3), round(s.critical_shared_mm2, 1)
    (3.6743, 19.943, 165.2)
    >>> [round(x, 2) for x in s.die_sides_mm], round(s.crossing_latency_ns, 9)  # a square would be 28.53 mm wide
    ([26.0, 31.31], 140.0)
    >>> GpuSpec(die_area_mm2=900.0)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: die_area_mm2 must be at most the monolithic-reticle limit of 858 mm^2 (26 x 33 mm, yieldmodels.limits), got 900.0
    """

    die_area_mm2: float = 814.0
    die_width_mm: float | None = None
    die_height_mm: float | None = None
    units: int = 144
    needed: int = 132
    unit_area_fraction: float = 0.65
    memory_sites: int = 6
    memory_sites_needed: int = 5
    memory_area_fraction: float = 0.147
    shared_area_mm2: float | None = None
    node: str = "5nm"
    gpus_per_system: int | None = None
    package_yield: float = 1.0
    nvlink_gbytes_per_s: float = 900.0
    link_latency_ns: float = 20.0
    switch_latency_ns: float = 100.0
    link_energy_pj_per_bit: float = 5.5
    switch_energy_pj_per_bit: float = 1.0
    cost_set: str = "chiplet-actuary"
    packaging: str = "si-interposer"
    volume: int = 500_000
    scribe_mm: float = 0.2
    edge_exclusion_mm: float = 5.0

    def __post_init__(self) -> None:
        area = check_positive("die_area_mm2", self.die_area_mm2, "mm^2")
        limit = _reticle()
        if area > limit.max_area_mm2:
            raise ParameterError(
                f"die_area_mm2 must be at most the monolithic-reticle limit of {limit.max_area_mm2:g} mm^2"
                f" ({limit.max_width_mm:g} x {limit.max_height_mm:g} mm, yieldmodels.limits), got {area!r}"
            )
        if (self.die_width_mm is None) != (self.die_height_mm is None):
            raise ParameterError("die_width_mm and die_height_mm must be given together or both None, got one")
        if self.die_width_mm is not None:
            w = check_positive("die_width_mm", self.die_width_mm, "mm")
            h = check_positive("die_height_mm", self.die_height_mm, "mm")
            if abs(w * h - area) > _SHAPE_RTOL * area:
                raise ParameterError(
                    f"die_width_mm x die_height_mm must be within 1% of die_area_mm2 = {area:g} mm^2,"
                    f" got {w:g} x {h:g} = {w * h:g} mm^2"
                )
            if min(w, h) > limit.max_width_mm or max(w, h) > limit.max_height_mm:
                raise ParameterError(
                    f"die_width_mm x die_height_mm must fit the {limit.max_width_mm:g} x {limit.max_height_mm:g}"
                    f" mm reticle field, got {w:g} x {h:g} mm"
                )
        n = check_int("units", self.units, maximum=2**31)
        k = check_int("needed", self.needed, maximum=2**31)
        if k > n:
            raise ParameterError(f"needed must be an integer in [1, units = {n}], got {k}")
        f = check_real("unit_area_fraction", self.unit_area_fraction, lower=0.0, upper=1.0, lower_open=True)
        sites = check_int("memory_sites", self.memory_sites, minimum=0, maximum=2**31)
        m = check_real("memory_area_fraction", self.memory_area_fraction, lower=0.0, upper=1.0)
        if f + m > 1.0 + 1e-12:
            raise ParameterError(f"unit_area_fraction + memory_area_fraction must be at most 1, got {f!r} + {m!r}")
        if sites == 0:
            check_int("memory_sites_needed", self.memory_sites_needed, minimum=0, maximum=0)
            if m != 0.0:
                raise ParameterError(f"memory_area_fraction must be 0 without memory sites, got {m!r}")
        else:
            check_int("memory_sites_needed", self.memory_sites_needed, maximum=sites)
        if self.shared_area_mm2 is not None:
            rest = area * max(0.0, 1.0 - f - m)
            s = check_nonnegative("shared_area_mm2", self.shared_area_mm2, "mm^2")
            if s > rest * (1.0 + 1e-12):
                raise ParameterError(
                    f"shared_area_mm2 must be at most die_area_mm2 x (1 - unit_area_fraction - memory_area_fraction)"
                    f" = {rest:g} mm^2, got {s!r}"
                )
        if self.gpus_per_system is not None:
            check_int("gpus_per_system", self.gpus_per_system, maximum=2**31)
        check_real("package_yield", self.package_yield, lower=0.0, upper=1.0, lower_open=True)
        check_positive("nvlink_gbytes_per_s", self.nvlink_gbytes_per_s, "GB/s")
        for name, unit in (("link_latency_ns", "ns"), ("switch_latency_ns", "ns"), ("scribe_mm", "mm"),
                           ("link_energy_pj_per_bit", "pJ/bit"), ("switch_energy_pj_per_bit", "pJ/bit"),
                           ("edge_exclusion_mm", "mm")):
            check_nonnegative(name, getattr(self, name), unit)
        check_int("volume", self.volume)
        costs = self.costs
        costs.node(check_str("node", self.node))
        costs.packaging(check_str("packaging", self.packaging))

    @property
    def costs(self) -> ymcost.CostParameters:
        """The cost set (loaded, cached)."""
        try:
            return ymcost.load_cost_parameters(check_str("cost_set", self.cost_set))
        except ParameterError as exc:
            raise ParameterError(f"cost_set: {exc}") from None

    @property
    def die_sides_mm(self) -> tuple[float, float]:
        """(width, height) for the die count: the published sides, else the squarest that fits the field."""
        if self.die_width_mm is None:
            width = min(math.sqrt(self.die_area_mm2), _reticle().max_width_mm)
            return width, self.die_area_mm2 / width
        return float(self.die_width_mm), float(self.die_height_mm)

    @property
    def unit_area_mm2(self) -> float:
        """Area of one unit (SM), mm^2."""
        return self.die_area_mm2 * self.unit_area_fraction / self.units

    @property
    def site_area_mm2(self) -> float:
        """Area of one memory site, mm^2 (0 without sites)."""
        return self.die_area_mm2 * self.memory_area_fraction / self.memory_sites if self.memory_sites else 0.0

    @property
    def critical_shared_mm2(self) -> float:
        """Area in neither group that must be defect-free, mm^2."""
        if self.shared_area_mm2 is None:
            return self.die_area_mm2 * max(0.0, 1.0 - self.unit_area_fraction - self.memory_area_fraction)
        return float(self.shared_area_mm2)

    @property
    def groups(self) -> tuple[tuple[int, int, float], ...]:
        """The die's redundancy groups, ``(units, needed, unit area mm^2)``: the SMs, then the memory sites."""
        sms = ((self.units, self.needed, self.unit_area_mm2),)
        return sms + (((self.memory_sites, self.memory_sites_needed, self.site_area_mm2),) if self.memory_sites else ())

    @property
    def crossing_latency_ns(self) -> float:
        """Latency of a GPU -> switch -> GPU crossing: two links and a switch, ns."""
        return 2.0 * self.link_latency_ns + self.switch_latency_ns

    @property
    def crossing_energy_pj_per_bit(self) -> float:
        """Energy of a crossing: two links and a switch, pJ/bit."""
        return 2.0 * self.link_energy_pj_per_bit + self.switch_energy_pj_per_bit

    def system_gpus(self, wafer: WaferSpec) -> int:
        """GPUs per system: ``gpus_per_system``, else the nearest count to ``wafer``'s die area.

        Examples
        --------
        >>> GpuSpec().system_gpus(WaferSpec())  # 46,225 / 814 = 56.79
        57
        """
        check_instance("wafer", wafer, WaferSpec)
        if self.gpus_per_system is not None:
            return self.gpus_per_system
        return max(1, math.floor(wafer.die_area_mm2 / self.die_area_mm2 + 0.5))


@dataclass(frozen=True)
class GpuNetwork:
    """NVLink/NVSwitch figures of a system of ``gpus`` GPUs under uniform all-to-all traffic.

    Attributes
    ----------
    gpus : int
    injection_gbytes_per_s : float
        Off-package bandwidth of one GPU in one direction, GB/s (half of
        ``nvlink_gbytes_per_s``): the fabric's limit, the switch being non-blocking.
    leaving_fraction : float
        Share of a GPU's uniform traffic that leaves it, ``(G - 1) / G``.
    uniform_gbytes_per_s_per_gpu : float
        Traffic a GPU's units can offer at saturation, GB/s: injection over
        the leaving fraction (inf for one GPU: nothing leaves).
    uniform_gbytes_per_s_per_unit : float
        The same per enabled unit (``needed``), GB/s.
    uniform_gbytes_per_s_per_mm2 : float
        The same per mm^2 of GPU die, GB/s/mm^2.
    crossing_latency_ns, crossing_energy_pj_per_bit : float
        What one GPU -> NVSwitch -> GPU crossing adds.
    mean_latency_ns, mean_energy_pj_per_bit : float
        The same averaged over uniform traffic (the leaving fraction of it crosses).
    """

    gpus: int
    injection_gbytes_per_s: float
    leaving_fraction: float
    uniform_gbytes_per_s_per_gpu: float
    uniform_gbytes_per_s_per_unit: float
    uniform_gbytes_per_s_per_mm2: float
    crossing_latency_ns: float
    crossing_energy_pj_per_bit: float
    mean_latency_ns: float
    mean_energy_pj_per_bit: float


@dataclass(frozen=True)
class GpuResult:
    """Yield, area, cost and network of ``wafer``'s silicon as a multi-GPU system (closed form).

    Attributes
    ----------
    spec : GpuSpec
    d0 : float
    alpha : float or None
        None: Poisson defects.
    die_yield, die_yield_no_spares : float
        Die yield with the spare units and sites, and of the same die with every one needed.
    dies_per_wafer : int
        Whole dies on the wafer grid.
    good_gpus_per_wafer : float
        ``dies_per_wafer * die_yield * package_yield`` (an expectation).
    gpus_per_system : int
    good_systems_per_wafer : float
        ``good_gpus_per_wafer / gpus_per_system`` (fractions kept, as on the chiplet side).
    system_silicon_mm2 : float
        ``gpus_per_system * die_area_mm2``.
    usable_area_mm2_per_wafer, usable_area_fraction : float
        Die area of good GPUs per wafer, and that over the wafer's area.
    enabled_units_per_system : int
        ``gpus_per_system * needed`` (the product enables exactly ``needed`` units).
    enabled_area_fraction : float
        Area of the enabled SMs over the die area.
    silicon_per_good_system_mm2, die_silicon_per_good_system_mm2 : float
        Whole wafer per good system, ``wafer_area / good_systems_per_wafer``, and
        dies fabricated per good system, ``system_silicon_mm2 / (die_yield * package_yield)``.
    gpu_cost : yieldmodels.cost.SystemCost or None
        One working packaged GPU (None below :data:`MIN_COST_YIELD`).
    system_re_usd, system_total_usd : float
        ``gpus_per_system`` times its recurring and total cost (nan without a cost).
    network : GpuNetwork
    """

    spec: GpuSpec
    d0: float
    alpha: float | None
    die_yield: float
    die_yield_no_spares: float
    dies_per_wafer: int
    good_gpus_per_wafer: float
    gpus_per_system: int
    good_systems_per_wafer: float
    system_silicon_mm2: float
    usable_area_mm2_per_wafer: float
    usable_area_fraction: float
    enabled_units_per_system: int
    enabled_area_fraction: float
    silicon_per_good_system_mm2: float
    die_silicon_per_good_system_mm2: float
    gpu_cost: ymcost.SystemCost | None
    system_re_usd: float
    system_total_usd: float
    network: GpuNetwork


def _network(spec: GpuSpec, gpus: int) -> GpuNetwork:
    inject = spec.nvlink_gbytes_per_s / 2.0
    leaving = (gpus - 1) / gpus
    per_gpu = inject / leaving if leaving > 0.0 else math.inf
    return GpuNetwork(
        gpus=gpus, injection_gbytes_per_s=inject, leaving_fraction=leaving,
        uniform_gbytes_per_s_per_gpu=per_gpu, uniform_gbytes_per_s_per_unit=per_gpu / spec.needed,
        uniform_gbytes_per_s_per_mm2=per_gpu / spec.die_area_mm2,
        crossing_latency_ns=spec.crossing_latency_ns, crossing_energy_pj_per_bit=spec.crossing_energy_pj_per_bit,
        mean_latency_ns=leaving * spec.crossing_latency_ns,
        mean_energy_pj_per_bit=leaving * spec.crossing_energy_pj_per_bit,
    )


def gpu_comparison(wafer: WaferSpec, spec: GpuSpec, d0: float, alpha: float | None) -> GpuResult:
    """Yield, cost and network of ``wafer``'s silicon built as ``spec``'s GPUs.

    Parameters
    ----------
    wafer : WaferSpec
        The wafer-scale die compared with: its area sets the GPUs per
        system, its wafer diameter the die count.
    spec : GpuSpec
    d0 : float
        Defect density, defects per cm^2, >= 0.
    alpha : float or None
        Negative-binomial clustering parameter, > 0 (one gamma multiplier per
        die); None for Poisson defects.

    Returns
    -------
    GpuResult

    Notes
    -----
    With groups ``(N_g, K_g, a_g)`` (:attr:`GpuSpec.groups`), ``A_s`` the
    critical rest and ``G ~ Gamma(alpha, 1/alpha)``: ``Y = E[prod_g
    P(Bin(N_g, 1 - exp(-a_g D0 G)) <= N_g - K_g) exp(-A_s D0 G)]``
    (:func:`yieldmodels.k_of_n_groups_yield`, areas in cm^2: mm^2 / 100);
    without spares ``(1 + (sum_g N_g a_g + A_s) D0 / alpha) ** -alpha``. O(1) but for the exact die count
    (a few ms) and the yield integral (milliseconds).

    Examples
    --------
    >>> r = gpu_comparison(WaferSpec(), GpuSpec(), d0=0.1, alpha=10.0)
    >>> round(r.die_yield, 4), round(r.die_yield_no_spares, 4), r.dies_per_wafer, r.gpus_per_system
    (0.8439, 0.4572, 64, 57)
    >>> round(r.good_systems_per_wafer, 4), round(r.network.uniform_gbytes_per_s_per_mm2, 4)
    (0.9475, 0.5627)
    """
    check_instance("wafer", wafer, WaferSpec)
    check_instance("spec", spec, GpuSpec)
    d = check_nonnegative("d0", d0, "defects per cm^2")
    al = None if alpha is None else check_positive("alpha", alpha)
    w, h = spec.die_sides_mm
    geometry = dict(scribe_mm=spec.scribe_mm, edge_exclusion_mm=spec.edge_exclusion_mm)
    if not yieldmodels.exact_count_feasible(w, h, wafer.wafer_diameter_mm, **geometry):
        raise ParameterError(
            f"die_area_mm2 must leave dies large enough for the exact die count on a"
            f" {wafer.wafer_diameter_mm:g} mm wafer, got {spec.die_area_mm2!r}"
        )
    dpw = yieldmodels.exact_dies_per_wafer(w, h, wafer.wafer_diameter_mm, **geometry)
    s = spec.critical_shared_mm2
    y = float(yieldmodels.k_of_n_groups_yield(spec.groups, d, alpha=al, shared_area_mm2=s))
    every = [(n, n, a) for n, _, a in spec.groups]
    y0 = float(yieldmodels.k_of_n_groups_yield(every, d, alpha=al, shared_area_mm2=s))
    gpus = spec.system_gpus(wafer)
    good = dpw * y * spec.package_yield
    systems = good / gpus
    system_mm2 = gpus * spec.die_area_mm2
    usable = good * spec.die_area_mm2
    kept = y * spec.package_yield
    cost = None
    if y >= MIN_COST_YIELD:
        cost = ymcost.monolithic_cost(spec.costs, spec.node, spec.die_area_mm2, volume=spec.volume,
                                      packaging=spec.packaging, die_yield=y, die_width_mm=w)
    return GpuResult(
        spec=spec, d0=d, alpha=al, die_yield=y, die_yield_no_spares=y0, dies_per_wafer=dpw,
        good_gpus_per_wafer=good, gpus_per_system=gpus, good_systems_per_wafer=systems,
        system_silicon_mm2=system_mm2, usable_area_mm2_per_wafer=usable,
        usable_area_fraction=usable / wafer.wafer_area_mm2, enabled_units_per_system=gpus * spec.needed,
        enabled_area_fraction=spec.needed * spec.unit_area_mm2 / spec.die_area_mm2,
        silicon_per_good_system_mm2=wafer.wafer_area_mm2 / systems if systems > 0 else math.inf,
        die_silicon_per_good_system_mm2=system_mm2 / kept if kept > 0 else math.inf,
        gpu_cost=cost, system_re_usd=gpus * cost.re_usd if cost else math.nan,
        system_total_usd=gpus * cost.total_usd if cost else math.nan, network=_network(spec, gpus),
    )


def gpu_blocks(rows: int, cols: int, gpus: int) -> np.ndarray:
    """Which GPU holds each node of a ``rows x cols`` logical mesh (row-major ids).

    The mesh is cut into ``b`` horizontal bands, ``b`` the band count that
    makes blocks closest to square (``round(sqrt(gpus * rows / cols))``,
    within [ceil(gpus / cols), min(gpus, rows)]); the GPUs are dealt out over the bands as
    evenly as possible, each band's height in proportion to its GPUs, and
    each band cut into equal column ranges. Every GPU gets a contiguous
    rectangle of about ``rows * cols / gpus`` nodes, so that neighbour
    traffic crosses as few GPU boundaries as a block decomposition allows.

    Examples
    --------
    >>> gpu_blocks(4, 6, 4).reshape(4, 6).tolist()
    [[0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 1], [2, 2, 2, 3, 3, 3], [2, 2, 2, 3, 3, 3]]
    >>> sizes = np.bincount(gpu_blocks(763, 1176, 57))  # the WSE-3 logical mesh over 57 GPUs
    >>> int(sizes.min()), int(sizes.max())
    (15600, 15851)
    """
    r = check_int("rows", rows)
    c = check_int("cols", cols)
    g = check_int("gpus", gpus, maximum=r * c)
    # no band may hold more GPUs than the mesh has columns: at least ceil(g / c) bands
    bands = int(min(g, r, max(-(-g // c), round(math.sqrt(g * r / c)))))
    per_band = [g // bands + (i < g % bands) for i in range(bands)]
    first_gpu = np.concatenate([[0], np.cumsum(per_band)])
    # band i covers rows [edges[i], edges[i + 1]): heights in proportion to its GPUs, at least one row
    edges = np.floor(first_gpu / g * r + 0.5).astype(np.int64)
    edges = np.maximum.accumulate(np.maximum(edges, np.arange(bands + 1)))
    edges = np.minimum(edges, r - bands + np.arange(bands + 1))  # and every band keeps a row
    band_of_row = np.searchsorted(edges, np.arange(r), side="right") - 1
    counts = np.asarray(per_band)[band_of_row]  # GPUs in each row's band
    col = np.arange(c)
    within = np.minimum((col[None, :] * counts[:, None]) // c, counts[:, None] - 1)
    return (first_gpu[band_of_row][:, None] + within).ravel().astype(np.int64)


def gpu_pattern_figures(flows, rows: int, cols: int, result: GpuResult) -> dict:
    """One step of a traffic pattern on the GPU system: the logical mesh cut into one block a GPU.

    Parameters
    ----------
    flows : routing.Flows
        The pattern on the wafer's ``rows x cols`` logical mesh (bytes per step).
    rows, cols : int
    result : GpuResult
        Its GPUs per system (at most ``rows * cols``) and fabric.

    Returns
    -------
    dict
        ``crossing_fraction`` (share of the bytes that leave their GPU),
        ``step_ns`` (the most loaded GPU's bytes out or in over its
        injection bandwidth), ``latency_ns`` and ``energy_pj_per_bit``
        (means over the bytes: a crossing costs the switch path, traffic
        inside a GPU nothing), ``step_energy_uj`` and ``workload_step_ns``
        (``step_ns + latency_ns``, as the wafer's workload view).

    Notes
    -----
    The same work and data decomposition as the wafer, one block of
    :func:`gpu_blocks` a GPU; traffic inside a GPU is not counted (its on-die
    network and HBM are out of scope: optimistic for GPUs), and the NVSwitch
    fabric is non-blocking. O(flows + nodes).

    Examples
    --------
    >>> r = gpu_comparison(WaferSpec(), GpuSpec(gpus_per_system=4), 0.1, 10.0)
    >>> f = gpu_pattern_figures(routing.make_traffic("neighbor", 4, 6), 4, 6, r)
    >>> round(f["crossing_fraction"], 4), round(f["step_ns"], 6)  # 16 of 24 bytes cross, 4 leave each GPU
    (0.6667, 0.008889)
    """
    check_instance("result", result, GpuResult)
    check_instance("flows", flows, routing.Flows)
    n = check_int("rows", rows) * check_int("cols", cols)
    if flows.n_nodes != n:
        raise ParameterError(f"flows must be on the {rows} x {cols} mesh ({n} nodes), got {flows.n_nodes} nodes")
    g = result.gpus_per_system
    if g > n:
        raise ParameterError(f"gpus_per_system must be at most the {n} nodes of the {rows} x {cols} logical mesh"
                             f" (a block a GPU), got {g}")
    owner = gpu_blocks(rows, cols, g)
    src, dst = owner[flows.src], owner[flows.dst]
    cross = src != dst
    out = np.bincount(src[cross], weights=flows.weight[cross], minlength=g)
    into = np.bincount(dst[cross], weights=flows.weight[cross], minlength=g)
    if flows.uniform and n > 1:  # every node sends uniform / (n - 1) to each other node
        size = np.bincount(owner, minlength=g).astype(np.float64)
        leaving = flows.uniform * size * (n - size) / (n - 1)
        out, into = out + leaving, into + leaving
    crossing = float(out.sum())
    fraction = crossing / flows.total
    net = result.network
    step = float(max(out.max(), into.max())) / net.injection_gbytes_per_s  # bytes / (GB/s) = ns
    latency = fraction * net.crossing_latency_ns
    energy = fraction * net.crossing_energy_pj_per_bit
    return {"crossing_fraction": fraction, "step_ns": step, "latency_ns": latency, "energy_pj_per_bit": energy,
            "step_energy_uj": crossing * 8.0 * net.crossing_energy_pj_per_bit * 1e-6,
            "workload_step_ns": step + latency}
