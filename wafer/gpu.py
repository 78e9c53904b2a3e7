"""The same silicon as a multi-GPU system: reticle-limited GPUs with spare SMs.

The other side of the wafer-scale comparison from :mod:`wafer.chiplet`: the
wafer-scale die's silicon built as ``G`` monolithic GPUs (H100-like), each a
die of ``units`` identical SMs of which ``needed`` must work plus a
non-redundant "uncore" (memory controllers, NVLink, L2, I/O) that must be
defect-free, each tested and packaged on its own, and joined by NVLink into a
non-blocking NVSwitch fabric (all-to-all). The figures and their sources are
in ``wafer/data/systems/h100-like.toml`` (:func:`load_gpu_system`).

- die yield with spares: :func:`yieldmodels.k_of_n_yield`, clustered
  (negative binomial, the study's ``d0`` and ``alpha``); without spares the
  same die with every unit needed (the negative binomial yield of its
  critical area);
- dies per wafer: :func:`yieldmodels.exact_dies_per_wafer` on the wafer's
  diameter, 0.2 mm scribe and 5 mm edge exclusion (ChipletSpec's defaults);
- GPUs per system: ``round(wafer die area / GPU die area)``, the system whose
  silicon is nearest the wafer-scale die's (within half a die either way);
  ``ceil`` would hand the GPUs up to one die more silicon. For WSE-3 both
  give 57 (46,225 / 814 = 56.79);
- packaging: each GPU separately, so no assembly yield multiplies across
  GPUs; a per-GPU ``package_yield`` (default 1) scales good GPUs;
- cost: :func:`yieldmodels.cost.monolithic_cost` with ``die_yield`` the K-of-N
  yield; it counts square dies on the cost set's wafer (300 mm) and applies
  the cost set's packaging yields, which ``package_yield`` does not;
- HBM is out of scope: its stacks, bandwidth and yield are not modelled.

Units and what compares with the wafer's mesh: the wafer side reports
saturation throughput in flits/node/cycle of 32-bit links at 1.1 GHz
(:class:`wafer.chiplet.ChipletSpec` ``link_bits``, ``clock_ghz``). Both sides
are brought to **GB/s per mm^2 of die silicon** (spares and uncore included)
for uniform traffic: here ``450 GB/s * G / (G - 1) / die_area_mm2`` (a
GPU's injection per direction is the limit, a fraction ``(G - 1) / G`` of
its traffic leaves it, its on-die network is taken not to limit), on the
wafer :func:`mesh_gbytes_per_s_per_mm2`. Latency and energy of a crossing
(GPU -> NVSwitch -> GPU: two SerDes links and one switch) compare with a
die-to-die crossing or a mesh hop (``routing.LINK_CLASSES``: 0.9 ns and
0.07 pJ/bit per hop). Per-SM figures are given but do not compare with per
core: an SM is ~77 times a WSE core's area.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path

import yieldmodels
from paramcheck import (
    ParameterError, check_instance, check_int, check_nonnegative, check_positive, check_real, check_str,
    parse_toml, read_text_file, shown, unknown_name,
)
from paramcheck.names import did_you_mean
from yieldmodels import cost as ymcost
from yieldmodels.limits import load_packaging_limits

from .geometry import WaferSpec

__all__ = [
    "GPU_FILE_MAX_BYTES", "GPU_SYSTEMS", "MIN_COST_YIELD", "GpuNetwork", "GpuResult", "GpuSpec", "GpuSystem", "gpu_comparison", "load_gpu_system",
    "mesh_gbytes_per_s_per_mm2",
]

#: Largest GPU system file read, bytes.
GPU_FILE_MAX_BYTES = 1 << 20
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
        of the area, and within the 26 x 33 mm field). None: a square die.
    units, needed : int
        Identical units (SMs) on the die, and how many must work.
    unit_area_fraction : float
        Share of the die in the units, in (0, 1].
    shared_area_mm2 : float or None
        Non-redundant area that must be defect-free, mm^2, at most the area
        not in units; None: all of it. Area in neither tolerates any defect.
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
    >>> round(s.unit_area_mm2, 4), round(s.critical_shared_mm2, 1), round(s.crossing_latency_ns, 9)
    (3.6743, 284.9, 140.0)
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
        if self.shared_area_mm2 is not None:
            rest = area * (1.0 - f)
            s = check_nonnegative("shared_area_mm2", self.shared_area_mm2, "mm^2")
            if s > rest * (1.0 + 1e-12):
                raise ParameterError(
                    f"shared_area_mm2 must be at most die_area_mm2 x (1 - unit_area_fraction) = {rest:g} mm^2,"
                    f" got {s!r}"
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
        """(width, height) for the die count: the published sides, else a square."""
        if self.die_width_mm is None:
            side = math.sqrt(self.die_area_mm2)
            return side, side
        return float(self.die_width_mm), float(self.die_height_mm)

    @property
    def unit_area_mm2(self) -> float:
        """Area of one unit (SM), mm^2."""
        return self.die_area_mm2 * self.unit_area_fraction / self.units

    @property
    def critical_shared_mm2(self) -> float:
        """Area outside the units that must be defect-free, mm^2."""
        if self.shared_area_mm2 is None:
            return self.die_area_mm2 * (1.0 - self.unit_area_fraction)
        return float(self.shared_area_mm2)

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
        The same per mm^2 of GPU die, GB/s/mm^2: compare with
        :func:`mesh_gbytes_per_s_per_mm2` of the wafer.
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
    d0, alpha : float
    die_yield, die_yield_no_spares : float
        K-of-N die yield with spares (clustered), and of the same die with every unit needed.
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
        Area of the enabled units over the die area.
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
    alpha: float
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


def gpu_comparison(wafer: WaferSpec, spec: GpuSpec, d0: float, alpha: float) -> GpuResult:
    """Yield, cost and network of ``wafer``'s silicon built as ``spec``'s GPUs.

    Parameters
    ----------
    wafer : WaferSpec
        The wafer-scale die compared with: its area sets the GPUs per
        system, its wafer diameter the die count.
    spec : GpuSpec
    d0 : float
        Defect density, defects per cm^2, >= 0.
    alpha : float
        Negative-binomial clustering parameter, > 0.

    Returns
    -------
    GpuResult

    Notes
    -----
    With ``a`` the unit area, ``A_s`` the critical shared area and ``G ~
    Gamma(alpha, 1/alpha)``: ``Y = E[P(Bin(N, 1 - exp(-a D0 G)) <= N - K)
    exp(-A_s D0 G)]`` (:func:`yieldmodels.k_of_n_yield`); without spares
    ``(1 + (N a + A_s) D0 / alpha) ** -alpha``. O(1) but for the exact die
    count (a few ms) and the yield integral (milliseconds).

    Examples
    --------
    >>> r = gpu_comparison(WaferSpec(), GpuSpec(), d0=0.1, alpha=10.0)
    >>> round(r.die_yield, 4), round(r.die_yield_no_spares, 4), r.dies_per_wafer, r.gpus_per_system
    (0.7551, 0.4572, 63, 57)
    >>> round(r.good_systems_per_wafer, 3), round(r.network.uniform_gbytes_per_s_per_mm2, 4)
    (0.835, 0.5627)
    """
    check_instance("wafer", wafer, WaferSpec)
    check_instance("spec", spec, GpuSpec)
    d = check_nonnegative("d0", d0, "defects per cm^2")
    al = check_positive("alpha", alpha)
    w, h = spec.die_sides_mm
    geometry = dict(scribe_mm=spec.scribe_mm, edge_exclusion_mm=spec.edge_exclusion_mm)
    if not yieldmodels.exact_count_feasible(w, h, wafer.wafer_diameter_mm, **geometry):
        raise ParameterError(
            f"die_area_mm2 must leave dies large enough for the exact die count on a"
            f" {wafer.wafer_diameter_mm:g} mm wafer, got {spec.die_area_mm2!r}"
        )
    dpw = yieldmodels.exact_dies_per_wafer(w, h, wafer.wafer_diameter_mm, **geometry)
    a, s = spec.unit_area_mm2, spec.critical_shared_mm2
    y = float(yieldmodels.k_of_n_yield(spec.units, spec.needed, a, d, alpha=al, shared_area_mm2=s))
    y0 = float(yieldmodels.k_of_n_yield(spec.units, spec.units, a, d, alpha=al, shared_area_mm2=s))
    gpus = spec.system_gpus(wafer)
    good = dpw * y * spec.package_yield
    systems = good / gpus
    system_mm2 = gpus * spec.die_area_mm2
    usable = good * spec.die_area_mm2
    kept = y * spec.package_yield
    cost = None
    if y >= MIN_COST_YIELD:
        cost = ymcost.monolithic_cost(
            spec.costs, spec.node, spec.die_area_mm2, volume=spec.volume, packaging=spec.packaging, die_yield=y
        )
    return GpuResult(
        spec=spec, d0=d, alpha=al, die_yield=y, die_yield_no_spares=y0, dies_per_wafer=dpw,
        good_gpus_per_wafer=good, gpus_per_system=gpus, good_systems_per_wafer=systems,
        system_silicon_mm2=system_mm2, usable_area_mm2_per_wafer=usable,
        usable_area_fraction=usable / wafer.wafer_area_mm2, enabled_units_per_system=gpus * spec.needed,
        enabled_area_fraction=spec.needed * a / spec.die_area_mm2,
        silicon_per_good_system_mm2=wafer.wafer_area_mm2 / systems if systems > 0 else math.inf,
        die_silicon_per_good_system_mm2=system_mm2 / kept if kept > 0 else math.inf,
        gpu_cost=cost, system_re_usd=gpus * cost.re_usd if cost else math.nan,
        system_total_usd=gpus * cost.total_usd if cost else math.nan, network=_network(spec, gpus),
    )


def mesh_gbytes_per_s_per_mm2(
    saturation: float, nodes: int, wafer: WaferSpec, *, link_bits: int = 32, clock_ghz: float = 1.1
) -> float:
    """The wafer's uniform saturation throughput in GB/s per mm^2 of its die.

    ``saturation * nodes * link_bits / 8 * clock_ghz / wafer.die_area_mm2``:
    ``saturation`` in flits/node/cycle of ``link_bits``-bit flits (one per
    on-die link per cycle, :class:`wafer.chiplet.ChipletSpec`'s defaults) over
    ``nodes`` (logical) nodes. The unit of :attr:`GpuNetwork.uniform_gbytes_per_s_per_mm2`.

    Examples
    --------
    >>> import routing
    >>> s = routing.uniform_saturation(763, 1176)  # the WSE-3 logical mesh, fault-free
    >>> round(mesh_gbytes_per_s_per_mm2(s, 763 * 1176, WaferSpec()), 4)
    0.2905
    """
    sat = check_positive("saturation", saturation, "flits/node/cycle")
    n = check_int("nodes", nodes)
    check_instance("wafer", wafer, WaferSpec)
    bits = check_int("link_bits", link_bits)
    ghz = check_positive("clock_ghz", clock_ghz, "GHz")
    return sat * n * bits / 8.0 * ghz / wafer.die_area_mm2


# --------------------------------------------------------------------------- the TOML


#: Shipped GPU systems (files in ``wafer/data/systems``).
GPU_SYSTEMS = ("h100-like",)
_TOP = ("name", "description", "gpu", "published", "sources", "estimates")
_SOURCE_KEYS = ("title", "publisher", "year", "url", "quote", "supports")


@dataclass(frozen=True)
class GpuSystem:
    """A GPU system file: its spec, published figures, sources and estimates.

    Attributes
    ----------
    name, description : str
    spec : GpuSpec
    published : dict
        Published figures the spec does not take (SM hierarchy, L2, ...).
    sources : dict of str -> dict
        Each source: title, publisher, year (int or "undated"), url, quote,
        and the figures it supports (``gpu`` keys, ``published.<key>``).
    estimates : dict of str -> str
        Each estimate or modelling choice and its reasoning.
    path : str
    """

    name: str
    description: str
    spec: GpuSpec
    published: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    estimates: dict = field(default_factory=dict)
    path: str = ""


def _table(data: dict, key: str, where: str, allowed=None) -> dict:
    """``data[key]`` (``data`` itself for ``key=""``): a table whose keys are in ``allowed``, if given."""
    table = data.get(key, {}) if key else data
    if not isinstance(table, dict):
        raise ParameterError(f"{key} must be a table ([{key}]), got {shown(table)} (in {where})")
    for k in table:
        if allowed is not None and k not in allowed:
            hint = did_you_mean(k, allowed)
            more = f" (did you mean {hint[0]!r}?)" if hint else ""
            label = f"{key}." if key else ""
            raise ParameterError(f"{label}{k} is not a known key; allowed: {', '.join(allowed)}{more} (in {where})")
    return table


def _source(sid: str, src: object, where: str) -> dict:
    label = f"sources.{sid}"
    src = _table({label: src}, label, where, _SOURCE_KEYS)
    for key in ("title", "publisher", "url"):
        if not (isinstance(src.get(key), str) and src[key]):
            raise ParameterError(f"{label}.{key} must be a non-empty string, got {shown(src.get(key))} (in {where})")
    year = src.get("year")
    if not (year == "undated" or isinstance(year, int) and not isinstance(year, bool) and 1950 <= year <= 2100):
        raise ParameterError(f"{label}.year must be a year in [1950, 2100] or 'undated', got {shown(year)} (in {where})")
    refs = src.get("supports")
    if not (isinstance(refs, list) and all(isinstance(r, str) for r in refs)):
        raise ParameterError(f"{label}.supports must be a list of figure names, got {shown(refs)} (in {where})")
    return dict(src)


def _system_from(data: dict, where: str) -> GpuSystem:
    _table(data, "", where, _TOP)
    for key in ("name", "description"):
        if not (isinstance(data.get(key), str) and data[key]):
            raise ParameterError(f"{key} must be a non-empty string, got {shown(data.get(key))} (in {where})")
    gpu = _table(data, "gpu", where, [f.name for f in fields(GpuSpec)])
    try:
        spec = GpuSpec(**gpu)
    except ParameterError as exc:
        raise ParameterError(f"gpu.{exc} (in {where})") from None
    published = dict(_table(data, "published", where))
    sources = {sid: _source(sid, src, where) for sid, src in _table(data, "sources", where).items()}
    estimates = dict(_table(data, "estimates", where))
    for key, text in estimates.items():
        if not isinstance(text, str):
            raise ParameterError(f"estimates.{key} must be a string, got {shown(text)} (in {where})")
    figures = [*gpu, *(f"published.{k}" for k in published)]
    supported = {r for src in sources.values() for r in src["supports"]}
    stray = sorted(supported - set(figures))
    if stray:
        raise ParameterError(f"supports must name figures of [gpu] or [published], got {stray[0]!r} (in {where})")
    for fig in figures:
        if fig not in supported and fig not in estimates:
            raise ParameterError(
                f"{fig} must have a source (sources.*.supports) or an estimate, got neither (in {where})")
    return GpuSystem(name=data["name"], description=data["description"], spec=spec, published=published,
                     sources=sources, estimates=estimates, path=where.strip("'"))


def load_gpu_system(name_or_path: str | os.PathLike[str] = "h100-like") -> GpuSystem:
    """A shipped GPU system by name (:data:`GPU_SYSTEMS`), or a user's TOML file by path.

    The file has ``name``, ``description``, ``[gpu]`` (:class:`GpuSpec`
    fields), ``[published]``, ``[sources.<id>]`` (title, publisher, year, url,
    quote, supports) and ``[estimates]``; every figure of ``[gpu]`` and
    ``[published]`` needs a source or an estimate, and unknown keys are refused.

    Examples
    --------
    >>> g = load_gpu_system()
    >>> g.name, g.spec.units, g.spec.needed, g.published["pcie_sms"]
    ('H100-like', 144, 132, 114)
    >>> load_gpu_system("h100")
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: GPU system must be one of 'h100-like', got 'h100' (did you mean 'h100-like'?)
    """
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise ParameterError(f"GPU system must be a name or the path of a TOML file, got {shown(name_or_path)}")
    text = os.fspath(name_or_path)
    if text.lower() in GPU_SYSTEMS:
        entry = resources.files("wafer") / "data" / "systems" / f"{text.lower()}.toml"
        where = repr(str(entry))
        return _system_from(parse_toml(entry.read_text(encoding="utf-8"), "GPU system file", where), where)
    if text.endswith(".toml") or os.sep in text or "/" in text:
        where = repr(str(Path(text)))
        body = read_text_file(text, "GPU system file", GPU_FILE_MAX_BYTES, "GPU_FILE_MAX_BYTES")
        return _system_from(parse_toml(body, "GPU system file", where), where)
    raise unknown_name("GPU system", text, GPU_SYSTEMS)
