"""The same silicon as a multi-die (chiplet) system.

The wafer-scale die is cut into a grid of dies (by default the WSE's 12 x 7
reticle grid: 84 dies of 17.9 x 30.7 mm). Dies are tested, only known-good
dies are assembled, and a system of ``nx * ny`` dies rebuilds the same core
mesh, in which every link that crosses a die edge is a die-to-die link.

Default parameters and their sources:

- repair: by default (``repair="auto"``) every die carries the wafer's
  remap scheme on its own core grid, the same spares and rules, so both
  sides get the same fault tolerance, wherever the scheme can be laid out on
  one die (else the dies have no spares, and the report says why); a die is good when it repairs to its
  full logical mesh (a study measures that rate by Monte Carlo on the
  wafer's own defects; :func:`die_repair_closed_form` gives the scheme's
  closed form per die). ``repair="scheme"`` insists on it; with
  ``repair="none"`` a die is good only with no
  defect: the negative binomial (Stapper) yield of ``d0`` and ``alpha``.
  Dies are tested (``test_coverage``, default 1: no escapes) and only
  passing dies are assembled (:func:`yieldmodels.chiplet_system`).
- packaging: a technology of a shipped parameter set (default the Chiplet
  Actuary set, Feng & Ma, DAC 2022): organic substrate (bond yield 0.99 per
  die), InFO/RDL (0.98, plus the RDL carrier's own yield) or silicon
  interposer (0.95, plus the interposer's yield); see
  ``yieldmodels/data/chiplet_actuary.toml``.
- die-to-die shoreline bandwidth 224 GB/s per mm of die edge, both
  directions together: UCIe 1.0 standard (2D) package at 32 GT/s.
- die-to-die latency 2 ns added per crossing: UCIe PHY + adapter.
- on-die link: 32 bits per cycle (Cerebras SDK: 32-bit wavelets, about one
  per cycle per link) at an assumed 1.1 GHz fabric clock, one cycle per hop.
- scribe lane 0.2 mm, edge exclusion 5 mm (Chiplet Actuary's defaults).
- package-level spares: none by default; ``spare_dies_per_row = s`` puts
  ``s`` spare die sites at the end of each row of dies, and a row whose
  dies fail assembly (a bond, a test escape) shifts toward them, as a
  wafer's row segment shifts toward its spare cores
  (:func:`yieldmodels.package_yield`). Every placed die is bought, bumped
  and carried; the network is the logical die grid's (a shifted row's
  die-edge links reach one die further, not counted).
- degraded packages: a package whose failed dies leave it short of a whole
  system still runs its longest run of working die rows (the die-to-die
  links join neighbours only): :attr:`ChipletResult.degraded_cores_per_wafer`
  counts every assembled package so, beside the whole systems; whole rows
  only, a lower bound.
- die-to-die lane repair: none by default; ``lane_repair`` names a UCIe
  module of the packaging limits (``"ucie-advanced-x64"``: 2 redundant
  lanes per group of 32, advanced packages only), whose redundant lanes
  repair the share ``lane_share`` of a die's bond failures that falls on
  its lanes (:func:`yieldmodels.lane_repaired_bond_yield`). That share is
  not published: the default 1 is the most lane repair can buy (an upper
  bound, and the report says so). Every die carries modules along its
  whole perimeter at the shoreline bandwidth, ``d2d_lane_gtps`` per lane.

With these figures a die edge carries more than its on-die links need, so the
die-to-die links cost latency, not bandwidth; lower ``d2d_gbps_per_mm``
(e.g. 28 GB/s/mm, UCIe standard at 4 GT/s) to see a bandwidth bottleneck.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import routing
import yieldmodels
from paramcheck import (
    ParameterError,
    check_choice,
    check_instance,
    check_int,
    check_nonnegative,
    check_positive,
    check_probability,
    check_str,
    unknown_name,
)
from yieldmodels.limits import LaneRepair, load_packaging_limits

from .geometry import MAX_CORES, WaferSpec
from .remap import RemapScheme

__all__ = ["CHIPLET_REPAIRS", "ChipletSpec", "ChipletResult", "MAX_LINK_BITS", "chiplet_comparison",
           "die_repair_closed_form"]

#: Widest on-die link a chiplet spec takes, bits per cycle.
MAX_LINK_BITS = 4096

#: How a chiplet die survives its defects: "scheme" (the wafer's remap scheme
#: on the die's own core grid), "none" (a die with a defect is discarded) or
#: "auto" (the scheme where it can be laid out on one die, else none).
CHIPLET_REPAIRS = ("auto", "scheme", "none")


@dataclass(frozen=True)
class ChipletSpec:
    """How the wafer-scale die's silicon is split into dies, and their links.

    Parameters
    ----------
    dies_x, dies_y : int
        Dies along the die's width and height; must divide the core grid
        (``dies_y`` rows of dies, at most :data:`yieldmodels.MAX_RUN_TRIALS`).
    parameter_set : str
        Shipped parameter set (or TOML path) the packaging comes from.
    packaging : str
        Packaging technology of that set: bond yield per die (a failed bond
        scraps the package) and, for RDL or interposer, the carrier's yield.
    test_coverage : float
        Fault coverage of known-good-die test, in [0, 1].
    d2d_gbps_per_mm : float
        Die-to-die bandwidth per mm of die edge, both directions, GB/s/mm.
    d2d_latency_ns : float
        Latency a die-to-die crossing adds over an on-die hop, ns.
    link_bits : int
        On-die link width, bits per cycle (at most :data:`MAX_LINK_BITS`).
    clock_ghz : float
        Fabric clock, GHz (one on-die hop per cycle).
    scribe_mm, edge_exclusion_mm : float
        Scribe lane between dies and unusable wafer rim, mm.
    repair : {"auto", "scheme", "none"}
        How a die survives its defects (:data:`CHIPLET_REPAIRS`): the wafer's
        remap scheme on the die's own core grid ("scheme"), none, or the
        scheme wherever it can be laid out on one die ("auto").
    spare_dies_per_row : int
        Spare die sites at the end of each of the ``dies_y`` rows of dies,
        >= 0 (package-level shift-to-spare).
    lane_repair : str
        ``"none"``, or a die-to-die module of the shipped packaging limits
        whose redundant lanes repair lane faults
        (:attr:`yieldmodels.limits.PackagingLimits.lane_repairs`); an
        advanced module ("ucie-advanced-...") needs an advanced package
        (:attr:`d2d_class`), a standard one a standard package.
    lane_share : float
        Share of a die's bond failures that fall on its die-to-die lanes, in
        [0, 1] (not published; 1 is an upper bound on what repair buys).
    d2d_lane_gtps : float
        Transfer rate of one die-to-die lane, GT/s (one bit per transfer):
        with ``d2d_gbps_per_mm``, the lanes along a die's edge.
    """

    dies_x: int = 12
    dies_y: int = 7
    parameter_set: str = "chiplet-actuary"
    packaging: str = "organic-substrate"
    test_coverage: float = 1.0
    d2d_gbps_per_mm: float = 224.0
    d2d_latency_ns: float = 2.0
    link_bits: int = 32
    clock_ghz: float = 1.1
    scribe_mm: float = 0.2
    edge_exclusion_mm: float = 5.0
    repair: str = "auto"
    spare_dies_per_row: int = 0
    lane_repair: str = "none"
    lane_share: float = 1.0
    d2d_lane_gtps: float = 32.0

    def __post_init__(self) -> None:
        check_int("dies_x", self.dies_x, maximum=MAX_CORES)
        check_int("dies_y", self.dies_y, maximum=yieldmodels.MAX_RUN_TRIALS)  # rows a degraded package runs
        check_str("parameter_set", self.parameter_set)
        check_str("packaging", self.packaging)
        self.package  # noqa: B018 - resolves (and so checks) the packaging name
        check_probability("test_coverage", self.test_coverage)
        check_positive("d2d_gbps_per_mm", self.d2d_gbps_per_mm)
        check_nonnegative("d2d_latency_ns", self.d2d_latency_ns)
        check_int("link_bits", self.link_bits, maximum=MAX_LINK_BITS)
        check_positive("clock_ghz", self.clock_ghz)
        check_nonnegative("scribe_mm", self.scribe_mm)
        check_nonnegative("edge_exclusion_mm", self.edge_exclusion_mm)
        check_choice("repair", self.repair, CHIPLET_REPAIRS)
        check_int("spare_dies_per_row", self.spare_dies_per_row, minimum=0, maximum=MAX_CORES)
        check_probability("lane_share", self.lane_share)
        check_positive("d2d_lane_gtps", self.d2d_lane_gtps)
        self.lane_module  # noqa: B018 - resolves (and so checks) the module against the packaging

    @property
    def package(self) -> yieldmodels.Packaging:
        """The packaging technology, from the parameter set."""
        return _packaging(self.parameter_set, self.packaging)

    @property
    def lane_module(self) -> LaneRepair | None:
        """The die-to-die module whose redundant lanes repair lane faults, or None."""
        if self.lane_repair == "none":
            return None
        lim = load_packaging_limits()
        try:
            module = lim.lane_repair(self.lane_repair)
        except ParameterError:
            raise unknown_name("lane_repair", self.lane_repair, ["none", *lim.lane_repairs]) from None
        needs = "d2d-advanced" if module.name.startswith("ucie-advanced") else "d2d-standard"
        if needs != self.d2d_class:
            fits = [n for n in lim.lane_repairs if n.startswith("ucie-advanced") == (self.d2d_class == "d2d-advanced")]
            raise ParameterError(
                f"lane_repair must be 'none' or a module of the {self.packaging} packaging's"
                f" {self.d2d_class.removeprefix('d2d-')} package ({', '.join(repr(n) for n in fits)}),"
                f" got {self.lane_repair!r}"
            )
        return module

    def lane_modules(self, wafer: WaferSpec) -> int:
        """Die-to-die modules on one die: lanes along its perimeter at the shoreline
        bandwidth, ``d2d_gbps_per_mm * perimeter / (d2d_lane_gtps / 8)``, in
        modules of the :attr:`lane_module`'s data lanes (rounded up).

        Examples
        --------
        >>> ChipletSpec(packaging="si-interposer", lane_repair="ucie-advanced-x64").lane_modules(WaferSpec())
        86
        """
        module = self.lane_module
        if module is None:
            raise ParameterError("lane_repair must name a module for lane_modules, got 'none'")
        check_instance("wafer", wafer, WaferSpec)
        perimeter = 2.0 * (wafer.die_width_mm / self.dies_x + wafer.die_height_mm / self.dies_y)
        lanes = self.d2d_gbps_per_mm * perimeter / (self.d2d_lane_gtps / 8.0)
        return max(1, math.ceil(lanes / module.data_lanes))

    def bond_yield(self, wafer: WaferSpec) -> float:
        """Bond yield per die: the packaging's, with the :attr:`lane_module`'s repair.

        Examples
        --------
        >>> ChipletSpec(packaging="si-interposer").bond_yield(WaferSpec())
        0.95
        >>> s = ChipletSpec(packaging="si-interposer", lane_repair="ucie-advanced-x64", lane_share=0.5)
        >>> round(s.bond_yield(WaferSpec()), 6)  # sqrt(0.95): every lane fault repaired
        0.974679
        """
        b = self.package.bond_yield
        if self.lane_module is None:
            return b
        return yieldmodels.lane_repaired_bond_yield(b, self.lane_modules(wafer), self.lane_module,
                                                     lane_share=self.lane_share)

    def yield_parameters(self, wafer: WaferSpec) -> yieldmodels.ParameterSet:
        """The parameter set with the packaging's bond yield as :meth:`bond_yield` has it."""
        loaded = yieldmodels.load_parameter_set(self.parameter_set)
        if self.lane_module is None:
            return loaded
        repaired = dataclasses.replace(self.package, bond_yield=self.bond_yield(wafer))
        return dataclasses.replace(loaded, packagings={**loaded.packagings, self.packaging: repaired})

    @property
    def n_dies(self) -> int:
        """Dies per system (needed)."""
        return self.dies_x * self.dies_y

    @property
    def dies_placed(self) -> int:
        """Dies on a package, spare die sites included."""
        return (self.dies_x + self.spare_dies_per_row) * self.dies_y

    @property
    def on_die_gbps(self) -> float:
        """Bandwidth of one on-die link in one direction, GB/s."""
        return self.link_bits / 8 * self.clock_ghz

    def die_cores(self, wafer: WaferSpec) -> tuple[int, int]:
        """(rows, cols) of cores on one die of ``wafer``'s grid; the dies must tile it.

        Examples
        --------
        >>> ChipletSpec().die_cores(WaferSpec())
        (109, 106)
        """
        check_instance("wafer", wafer, WaferSpec)
        if wafer.core_cols % self.dies_x or wafer.core_rows % self.dies_y:
            raise ParameterError(
                f"dies_x x dies_y must divide the core grid core_cols x core_rows ({wafer.core_cols} x"
                f" {wafer.core_rows}), got {self.dies_x} x {self.dies_y}"
            )
        return wafer.core_rows // self.dies_y, wafer.core_cols // self.dies_x

    def die_spec(self, wafer: WaferSpec) -> WaferSpec:
        """One die of ``wafer`` as a wafer of its own: its core grid and size, the same fabric.

        Examples
        --------
        >>> d = ChipletSpec().die_spec(WaferSpec())
        >>> d.core_rows, d.core_cols, round(d.die_width_mm, 2), round(d.die_height_mm, 2)
        (109, 106, 17.92, 30.71)
        """
        rows, cols = self.die_cores(wafer)
        return dataclasses.replace(wafer, core_rows=rows, core_cols=cols,
                                   die_width_mm=wafer.die_width_mm / self.dies_x,
                                   die_height_mm=wafer.die_height_mm / self.dies_y)

    def die_scheme(self, wafer: WaferSpec, scheme: RemapScheme | None) -> tuple[RemapScheme | None, str]:
        """The scheme each die repairs itself with, and why there is none.

        Returns ``(scheme, "")`` where the dies carry ``scheme`` (checked on
        one die, :meth:`die_spec`), else ``(None, reason)``.

        Raises
        ------
        ParameterError
            With ``repair="scheme"``, if ``scheme`` cannot be laid out on one die.

        Examples
        --------
        >>> from wafer import Harvest, ShiftToSpare
        >>> ChipletSpec().die_scheme(WaferSpec(), ShiftToSpare())[0] == ShiftToSpare()
        True
        >>> ChipletSpec().die_scheme(WaferSpec(), Harvest(target_lines=700))[1]
        'the scheme cannot be laid out on one die: target_lines must be an integer in [1, 109], got 700'
        """
        if self.repair == "none":
            return None, "repair = 'none'"
        if scheme is None and self.repair == "auto":
            return None, "no scheme given"
        check_instance("scheme", scheme, RemapScheme)
        try:
            scheme.validate(self.die_spec(wafer))
        except ParameterError as exc:
            if self.repair == "scheme":
                raise ParameterError(
                    f"repair must be 'none' or 'auto' for dies the scheme cannot be laid out on (one die: {exc})"
                ) from None
            return None, f"the scheme cannot be laid out on one die: {exc}"
        return scheme, ""

    def mesh(self, wafer: WaferSpec, scheme: RemapScheme | None) -> tuple[tuple[int, int], tuple[int, int]]:
        """((rows, cols), (die rows, die cols)) of the system's core mesh: the
        physical grid without repair, else the dies' logical meshes side by side.

        Examples
        --------
        >>> from wafer import ShiftToSpare
        >>> ChipletSpec().mesh(WaferSpec(), ShiftToSpare())
        ((763, 1176), (109, 98))
        """
        die = self.die_cores(wafer)
        if self.die_scheme(wafer, scheme)[0] is not None:
            die = scheme.logical_shape(self.die_spec(wafer))
        return (die[0] * self.dies_y, die[1] * self.dies_x), die

    def d2d_bandwidth(self, wafer: WaferSpec) -> float:
        """Bandwidth of a die-to-die link in on-die link bandwidths (at most 1).

        Each core row (or column) at a die edge gets its share of the edge's
        shoreline, half of it per direction; the link is never faster than
        the on-die link it replaces.
        """
        check_instance("wafer", wafer, WaferSpec)
        pitch = min(wafer.die_width_mm / wafer.core_cols, wafer.die_height_mm / wafer.core_rows)
        return min(1.0, self.d2d_gbps_per_mm / 2 * pitch / self.on_die_gbps)

    @property
    def d2d_extra_hops(self) -> float:
        """Latency a crossing adds, in on-die hops (cycles)."""
        return self.d2d_latency_ns * self.clock_ghz

    @property
    def d2d_class(self) -> str:
        """The die-to-die link class of the packaging: UCIe advanced on a silicon
        interposer, UCIe standard otherwise (:data:`routing.LINK_CLASSES`)."""
        return "d2d-advanced" if self.packaging == "si-interposer" else "d2d-standard"

    def link_classes(self, wafer: WaferSpec) -> routing.LinkClassTable:
        """The link classes both systems of a study are priced with.

        :data:`routing.LINK_CLASSES` with the on-die mesh and the repair
        bypass ``link_bits`` wide and the die-to-die class (:attr:`d2d_class`)
        at this spec's share of the shoreline (:meth:`d2d_bandwidth`, at most
        the on-die link's) and crossing latency, all three at ``clock_ghz``;
        energies are the table's.

        Examples
        --------
        >>> t = ChipletSpec().link_classes(WaferSpec())
        >>> t["mesh"].bandwidth_bits_per_cycle, round(t["d2d-standard"].latency_ns, 9)
        (32.0, 2.0)
        """
        bits = float(self.link_bits)
        on_die = {"bandwidth_bits_per_cycle": bits, "clock_ghz": self.clock_ghz}
        return routing.LINK_CLASSES.with_overrides({
            "mesh": on_die,
            "bypass": on_die,
            self.d2d_class: {
                "bandwidth_bits_per_cycle": bits * self.d2d_bandwidth(wafer),
                "latency_cycles": self.d2d_extra_hops, "clock_ghz": self.clock_ghz,
            },
        })


def _packaging(parameter_set: str, name: str) -> yieldmodels.Packaging:
    try:
        loaded = yieldmodels.load_parameter_set(parameter_set)
    except ParameterError as exc:
        raise ParameterError(f"parameter_set: {exc}") from None
    return loaded.packaging(name)


def _carrier_limits(spec: ChipletSpec, die_area_mm2: float) -> tuple:
    """(the packaging's carrier check or None, the technologies in production that build the system)."""
    from yieldmodels import limits

    try:
        carrier = limits.check_carrier(spec.packaging, die_area_mm2, spec.dies_placed, parameters=spec.parameter_set)
    except ParameterError:  # a packaging the shipped limits do not know
        carrier = None
    return carrier, tuple(limits.buildable_technologies(die_area_mm2, spec.dies_placed,
                                                        parameters=spec.parameter_set))


def die_repair_closed_form(
    wafer: WaferSpec, spec: ChipletSpec, scheme: RemapScheme, d0: float, alpha: float
) -> tuple[float | None, tuple[str, ...]]:
    """The scheme's closed-form repair probability of one die, and the rules it leaves out.

    Each die is one clustering block (an independent gamma multiplier of
    shape ``alpha``), as the negative binomial die yield and the study's
    reticle clustering have it. Exact where the rules left out are none,
    else an upper bound; None where the scheme has no closed form.

    Examples
    --------
    >>> from wafer import ShiftToSpare
    >>> p, left_out = die_repair_closed_form(WaferSpec(), ChipletSpec(), ShiftToSpare(max_skew=8), 0.1, 10.0)
    >>> round(p, 6), left_out
    (1.0, ())
    """
    check_instance("spec", spec, ChipletSpec)
    d0 = check_nonnegative("d0", d0)
    alpha = check_positive("alpha", alpha)
    die = spec.die_spec(wafer)
    s, why = spec.die_scheme(wafer, scheme)
    if s is None:
        raise ParameterError(f"scheme must be laid out on each die for a die repair closed form ({why})")
    mean = float(yieldmodels.expected_defects(die.die_area_mm2, d0))
    p = s.repair_probability(die, mean, alpha=alpha, block=(die.core_rows, die.core_cols))
    return p, s.closed_form_leaves_out(die)


@dataclass(frozen=True)
class ChipletResult:
    """Yield, area and network of the chiplet version of a wafer.

    Attributes
    ----------
    spec : ChipletSpec
    system : yieldmodels.ChipletSystem
        Die yield (with repair: the rate given, else the negative binomial),
        dies per wafer (exact count), test, package yield, good systems per
        wafer and silicon per good system.
    die_yield_without_repair : float
        The negative binomial die yield: a die with no defect.
    die_repair_closed_form : float or None
        With repair: the scheme's closed-form repair rate of one die (exact,
        or an upper bound leaving out ``die_repair_leaves_out``); None
        without repair or where the scheme has none.
    die_repair_leaves_out : tuple of str
    no_repair_reason : str
        Why the dies have no spares ("" where they carry the scheme).
    carrier : yieldmodels.limits.CarrierCheck or None
        The packaging's carrier against the largest that technology builds
        (:func:`yieldmodels.limits.check_carrier`); None where the shipped
        limits do not know the packaging.
    buildable : tuple of str
        The technologies in production that can carry the system.
    cores_per_system : int
        Logical cores of a system: its dies' logical meshes.
    usable_area_mm2_per_wafer : float
        Area of the cores in good systems per wafer, mm^2.
    usable_area_fraction : float
        The same over the wafer's area.
    d2d_bandwidth : float
        Die-to-die link bandwidth in on-die link bandwidths.
    network : routing.UniformMetrics
        Uniform traffic on the system's mesh (:meth:`ChipletSpec.mesh`).
    degraded_rows : tuple of float
        ``degraded_rows[k]``: the share of assembled packages that run ``k``
        of their ``dies_y`` rows of dies, their longest run of working rows
        (:func:`yieldmodels.degraded_rows_pmf`; the last entry is the
        package yield).
    degraded_cores_per_wafer : float
        Logical cores per wafer with every assembled package counted by the
        rows it runs: at least ``good_systems_per_wafer * cores_per_system``
        (a lower bound on what degraded packages run: whole rows only).
    """

    spec: ChipletSpec
    system: yieldmodels.ChipletSystem
    die_yield_without_repair: float
    die_repair_closed_form: float | None
    die_repair_leaves_out: tuple
    no_repair_reason: str
    carrier: object
    buildable: tuple
    cores_per_system: int
    usable_area_mm2_per_wafer: float
    usable_area_fraction: float
    d2d_bandwidth: float
    network: routing.UniformMetrics
    degraded_rows: tuple
    degraded_cores_per_wafer: float


def chiplet_comparison(
    wafer: WaferSpec,
    spec: ChipletSpec,
    d0: float,
    alpha: float,
    scheme: RemapScheme | None = None,
    die_yield: float | None = None,
) -> ChipletResult:
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
    scheme : RemapScheme, optional
        The remap scheme each die repairs itself with (per ``spec.repair``;
        without one the dies have no spares, unless ``spec.repair`` is
        "scheme", which needs it).
    die_yield : float, optional
        With repair, the die repair rate to build the system from (a study's
        Monte Carlo estimate); None takes the scheme's closed form per die
        (:func:`die_repair_closed_form`), which is an upper bound where the
        scheme's closed form leaves rules out.

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
    >>> r.system.n_dies, round(r.system.die_yield, 3), r.system.dies_per_wafer, r.cores_per_system
    (84, 0.585, 99, 970536)
    >>> from wafer import ShiftToSpare
    >>> r = chiplet_comparison(WaferSpec(), ChipletSpec(), d0=0.1, alpha=10.0, scheme=ShiftToSpare(max_skew=8))
    >>> round(r.system.die_yield, 6), round(r.die_yield_without_repair, 3), r.cores_per_system
    (1.0, 0.585, 897288)
    """
    check_instance("spec", spec, ChipletSpec)
    d0 = check_nonnegative("d0", d0)
    alpha = check_positive("alpha", alpha)
    die_scheme, why = spec.die_scheme(wafer, scheme)
    (rows, cols), (die_rows, die_cols) = spec.mesh(wafer, scheme)
    die_w = wafer.die_width_mm / spec.dies_x
    die_h = wafer.die_height_mm / spec.dies_y
    geometry = dict(scribe_mm=spec.scribe_mm, edge_exclusion_mm=spec.edge_exclusion_mm)
    if not yieldmodels.exact_count_feasible(die_w, die_h, wafer.wafer_diameter_mm, **geometry):
        raise ParameterError(
            f"dies_x x dies_y must leave chiplet dies large enough for the exact die count (at most"
            f" {yieldmodels.EXACT_COUNT_MAX_STEPS:,} search steps), got {spec.dies_x} x {spec.dies_y}"
            f" dies of {die_w:.3g} x {die_h:.3g} mm"
        )
    bare = float(yieldmodels.negative_binomial_yield(die_w * die_h, d0, alpha))
    closed, left_out = (None, ()) if die_scheme is None else die_repair_closed_form(wafer, spec, scheme, d0, alpha)
    if die_scheme is None:
        if die_yield is not None:
            raise ParameterError(f"die_yield must be None for dies without spares ({why})")
        y = bare
    elif die_yield is None:
        if closed is None:
            raise ParameterError(f"die_yield must be given: {die_scheme.name} has no closed form for a die")
        y = closed
    else:
        y = check_probability("die_yield", die_yield)
    carrier, buildable = _carrier_limits(spec, die_w * die_h)
    b = spec.d2d_bandwidth(wafer)
    network = routing.die_grid_uniform_metrics(rows, cols, die_rows, die_cols, b, spec.d2d_extra_hops)
    result = ChipletResult(
        spec=spec, system=None, die_yield_without_repair=bare, die_repair_closed_form=closed,
        die_repair_leaves_out=tuple(left_out), no_repair_reason=why, carrier=carrier, buildable=buildable,
        cores_per_system=rows * cols, usable_area_mm2_per_wafer=0.0, usable_area_fraction=0.0,
        d2d_bandwidth=b, network=network, degraded_rows=(), degraded_cores_per_wafer=0.0,
    )
    return _with_die_yield(result, wafer, d0, alpha, y)


def _with_die_yield(result: ChipletResult, wafer: WaferSpec, d0: float, alpha: float, y: float) -> ChipletResult:
    """``result`` with its system (and usable area) built from the die yield ``y``;
    the rest (network, carrier, closed forms) does not depend on it. O(the exact die count)."""
    spec = result.spec
    die_w, die_h = wafer.die_width_mm / spec.dies_x, wafer.die_height_mm / spec.dies_y
    pk = spec.package
    carrier_area = (pk.carrier_area_factor or 1.0) * spec.dies_placed * die_w * die_h if pk.has_carrier else 0.0
    system = yieldmodels.chiplet_system(
        None, spec.n_dies, d0, alpha,
        die_width_mm=die_w, die_height_mm=die_h, wafer_diameter_mm=wafer.wafer_diameter_mm,
        scribe_mm=spec.scribe_mm, edge_exclusion_mm=spec.edge_exclusion_mm,
        test_coverage=spec.test_coverage, bond_yield=spec.bond_yield(wafer),
        carrier_area_mm2=carrier_area, carrier_d0=pk.carrier_d0 or 0.0,
        carrier_alpha=pk.carrier_alpha, carrier_bond_yield=pk.carrier_bond_yield, die_yield=y,
        spare_dies_per_row=spec.spare_dies_per_row, die_rows=spec.dies_y,
    )
    usable = system.good_systems_per_wafer * result.cores_per_system * wafer.core_area_mm2
    rows = yieldmodels.degraded_rows_pmf(
        spec.n_dies, bond_yield=system.bond_yield, kgd_escape=system.kgd_escape,
        carrier_yield=system.carrier_yield * system.carrier_bond_yield,
        spare_dies_per_row=spec.spare_dies_per_row, rows=spec.dies_y,
    )
    packages = system.dies_passing_test_per_wafer / spec.dies_placed
    degraded = packages * float(rows @ range(spec.dies_y + 1)) * (result.cores_per_system // spec.dies_y)
    return dataclasses.replace(result, system=system, usable_area_mm2_per_wafer=usable,
                               usable_area_fraction=usable / wafer.wafer_area_mm2,
                               degraded_rows=tuple(float(x) for x in rows), degraded_cores_per_wafer=degraded)
