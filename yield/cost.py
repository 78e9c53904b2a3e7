"""System cost in the manner of Chiplet Actuary (Feng & Ma, DAC 2022), its parameters as data.

Money in USD, areas in mm^2. A cost set (:class:`CostParameters`) holds what
things cost: per process node the wafer price and the design NRE, per
packaging technology the substrate, carrier (RDL or silicon interposer) and
bump costs and the package NRE, the die test cost, and the wafer-scale
package. The yields the costs are divided by come from the yield parameter
set it names (:func:`yieldmodels.parameters.load_parameter_set`): die
``d0``/``alpha``, bond yields, carrier yields, the wafer geometry. Shipped
cost sets live in ``yieldmodels/data/cost/<name>.toml`` (listed by
:func:`cost_parameter_sets`); users load their own by path.

- :func:`die_cost`: one known-good die: ``(wafer price / dies per wafer +
  test) / pass rate``.
- :func:`chiplet_system_cost`: ``n`` known-good dies on a package (organic
  substrate, RDL fan-out or silicon interposer), each part divided by the
  yield of the assembly steps that can scrap it, plus NRE over a volume.
- :func:`monolithic_cost`: one die in a package (Chiplet Actuary's SoC).
- :func:`wafer_scale_cost`: a whole wafer as one system, its yield (after
  repair, modelled elsewhere) given by the caller.

Each returns a frozen breakdown (:class:`DieCost`, :class:`SystemCost`):
silicon, test, packaging, yield loss, NRE share, total.

File schema (every key below; any other key is an error)::

    name = "my-costs"                  # required, str
    source = "Author, Title, Venue"    # required, str
    yield_parameters = "chiplet-actuary"  # required: yield set name or TOML path
                                       #   (a relative path is taken from this file's folder)
    [nre]                              # required: design NRE split (spec.py of the tool)
    module_fraction = 0.5              #   in [0, 1]: module design, per mm^2 of module
    chip_fraction = 0.3                #   in [0, 1], sum <= 1: chip design, per mm^2 of chip
    reference_area_mm2 = 300.0         #   > 0: the area a node's nre_usd is quoted for
    d2d_module_area_mm2 = 20.0         #   optional, >= 0: a D2D PHY's design, as module area
    source = "..."                     #   optional, defaults to the set's source
    [test]                             # optional (default: no test cost)
    usd_per_mm2 = 6e-5                 #   >= 0: test cost per die tested, per mm^2 of die
    estimate = true                    #   optional bool: the figure is an estimate
    source = "..."
    [wafer_scale]                      # optional: needed by wafer_scale_cost
    packaging_usd_per_mm2 = 0.025      #   >= 0, per mm^2 of wafer-scale silicon
    packaging_nre_usd = 1e7            #   >= 0, once per system design
    estimate = true                    #   optional bool
    source = "..."
    [nodes.<name>]                     # process nodes, names as in the yield set
    wafer_usd = 16988.0                #   > 0, price of one processed wafer
    nre_usd = 54.2e7                   #   >= 0, design NRE of a reference_area_mm2 chip
    source = "..."
    [packagings.<name>]                # packaging technologies, names as in the yield set
    substrate_area_factor = 4.0        #   > 0: substrate area / (carrier or total die) area
    substrate_usd_per_mm2 = 0.005      #   >= 0
    layer_factors = [[0.0, 1.5], [289.0, 1.75]]  # optional: multi-die substrate factor,
                                       #   [threshold_mm2 >= 0 increasing, factor > 0] pairs
    die_bump_usd_per_mm2 = 0.005       #   optional, >= 0, per mm^2 of die
    substrate_nre_usd_per_mm2 = 3e3    #   optional, >= 0
    substrate_nre_fixed_usd = 3e5      #   optional, >= 0
    carrier_wafer_usd = 1937.0         #   optional, > 0: the package has a carrier (RDL or
                                       #   interposer) made on wafers of this price
    carrier_bump_usd_per_mm2 = 0.005   #   with a carrier, optional, >= 0, per mm^2 of carrier
    carrier_nre_usd_per_mm2 = 33600.0  #   with a carrier, optional, >= 0
    carrier_nre_fixed_usd = 6.72e6     #   with a carrier, optional, >= 0
    chip_first = false                 #   with a carrier, optional bool: chip-first allowed
    source = "..."

References
----------
.. [1] Y. Feng, K. Ma, "Chiplet Actuary: a quantitative cost model and
   multi-chiplet architecture exploration", DAC 2022; reference code
   github.com/Yinxiao-Feng/chiplet-actuary (commit 2c91fb9).

Examples
--------
>>> costs = load_cost_parameters("chiplet-actuary")
>>> mono = monolithic_cost(costs, "5nm", 800.0, volume=500_000)
>>> chiplets = chiplet_system_cost(costs, "5nm", 200.0, 4, "si-interposer", volume=500_000)
>>> round(mono.re_usd), round(chiplets.re_usd)  # recurring cost per working system
(634, 472)
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import KW_ONLY, asdict, dataclass, field, replace
from pathlib import Path

from paramcheck import (
    ParameterError,
    check_bool,
    check_choice,
    check_int,
    check_nonnegative,
    check_positive,
    check_probability,
    check_real,
    check_str,
    parse_toml,
    shown,
    unknown_name,
)

from .assembly import _check_rows, carrier_yield, defect_level, kgd_pass_rate, package_yield
from .closed_form import negative_binomial_yield
from .dies import exact_count_feasible, exact_dies_per_wafer, gross_dies_per_wafer
from .parameters import (
    ParameterSet,
    WaferDefaults,
    _check_keys,
    _check_named_table,
    _check_table,
    _load_data_file,
    _looks_like_path,
    _shipped_names,
    load_parameter_set,
)

__all__ = [
    "DIE_COUNTS",
    "CostParameters",
    "DieCost",
    "NodeCost",
    "NreRule",
    "PackagingCost",
    "SystemCost",
    "TestCost",
    "WaferScaleCost",
    "chiplet_system_cost",
    "cost_parameter_sets",
    "die_cost",
    "load_cost_parameters",
    "monolithic_cost",
    "wafer_scale_cost",
]

#: Names accepted by ``die_count``: ``"exact"`` counts whole dies on the wafer
#: grid (:func:`yieldmodels.exact_dies_per_wafer`), ``"gross"`` uses the
#: gross-die formula (:func:`yieldmodels.gross_dies_per_wafer`), which is
#: Chiplet Actuary's ``N_die_total``.
DIE_COUNTS = ("exact", "gross")

_USD = "USD"
_USD_MM2 = "USD per mm^2"


def _set(obj: object, key: str, value: object) -> None:
    """Set a field of a frozen dataclass in its ``__post_init__``."""
    object.__setattr__(obj, key, value)


def _probability_positive(name: str, value: object) -> float:
    """``value`` as a float in (0, 1] (a yield a cost can be divided by)."""
    return check_real(name, value, lower=0.0, upper=1.0, lower_open=True)


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class NodeCost:
    """A process node's wafer price and design NRE.

    Parameters
    ----------
    name : str
        Node name, as in the yield parameter set (e.g. ``"5nm"``).
    wafer_usd : float
        Price of one processed wafer in USD, > 0.
    nre_usd : float
        Design NRE in USD of a chip of the cost set's
        :attr:`NreRule.reference_area_mm2` (Chiplet Actuary: 300 mm^2,
        "including the first tapeout"), >= 0. :class:`NreRule` splits it into
        per-mm^2 module and chip design cost and a fixed part.
    source : str
        Where the numbers come from.

    Examples
    --------
    >>> NodeCost("5nm", 16988.0, 54.2e7).wafer_usd
    16988.0
    """

    name: str
    wafer_usd: float
    nre_usd: float
    source: str = ""

    def __post_init__(self) -> None:
        check_str("name", self.name)
        check_str("source", self.source)
        _set(self, "wafer_usd", check_positive("wafer_usd", self.wafer_usd, _USD))
        _set(self, "nre_usd", check_nonnegative("nre_usd", self.nre_usd, _USD))


@dataclass(frozen=True)
class NreRule:
    """How a node's design NRE splits into module, chip and fixed parts (Chiplet Actuary spec.py).

    With ``N`` a node's :attr:`NodeCost.nre_usd` and ``R`` the reference
    area: module design costs ``module_fraction N / R`` per mm^2 of module,
    chip design ``chip_fraction N / R`` per mm^2 of chip, and every chip
    design a fixed ``(1 - module_fraction - chip_fraction) N``.

    Parameters
    ----------
    module_fraction, chip_fraction : float
        In [0, 1], summing to at most 1.
    reference_area_mm2 : float
        The chip area ``nre_usd`` is quoted for, > 0.
    d2d_module_area_mm2 : float, default 0.0
        The design cost of a die-to-die PHY, as an area of module design
        (Chiplet Actuary: 20 mm^2), >= 0.
    source : str

    Examples
    --------
    >>> rule = NreRule(0.5, 0.3, 300.0)
    >>> node = NodeCost("5nm", 16988.0, 54.2e7)
    >>> rule.module_usd_per_mm2(node), rule.chip_usd_per_mm2(node), rule.chip_fixed_usd(node)
    (903333.33, 542000.0, 108400000.0)
    """

    module_fraction: float
    chip_fraction: float
    reference_area_mm2: float
    d2d_module_area_mm2: float = 0.0
    source: str = ""

    def __post_init__(self) -> None:
        check_str("source", self.source)
        m = check_probability("module_fraction", self.module_fraction)
        c = check_probability("chip_fraction", self.chip_fraction)
        if m + c > 1.0:
            raise ParameterError(
                f"chip_fraction must be <= 1 - module_fraction = {1.0 - m!r}, got {c!r}"
            )
        _set(self, "module_fraction", m)
        _set(self, "chip_fraction", c)
        _set(
            self, "reference_area_mm2",
            check_positive("reference_area_mm2", self.reference_area_mm2, "mm^2"),
        )
        _set(
            self, "d2d_module_area_mm2",
            check_nonnegative("d2d_module_area_mm2", self.d2d_module_area_mm2, "mm^2"),
        )

    def module_usd_per_mm2(self, node: NodeCost) -> float:
        """Module design NRE per mm^2 of module: ``module_fraction * nre_usd / reference_area_mm2``."""
        return self.module_fraction * node.nre_usd / self.reference_area_mm2

    def chip_usd_per_mm2(self, node: NodeCost) -> float:
        """Chip design NRE per mm^2 of chip: ``chip_fraction * nre_usd / reference_area_mm2``."""
        return self.chip_fraction * node.nre_usd / self.reference_area_mm2

    def chip_fixed_usd(self, node: NodeCost) -> float:
        """Fixed NRE per chip design: ``(1 - module_fraction - chip_fraction) * nre_usd``."""
        return (1.0 - self.module_fraction - self.chip_fraction) * node.nre_usd


@dataclass(frozen=True)
class TestCost:
    """Die test cost: ``usd_per_mm2`` times the die area, per die tested.

    Examples
    --------
    >>> TestCost(6e-5, estimate=True).usd_per_mm2
    6e-05
    """

    __test__ = False  # not a pytest test class

    usd_per_mm2: float = 0.0
    estimate: bool = False
    source: str = ""

    def __post_init__(self) -> None:
        check_str("source", self.source)
        check_bool("estimate", self.estimate)
        _set(
            self, "usd_per_mm2", check_nonnegative("usd_per_mm2", self.usd_per_mm2, _USD_MM2)
        )


@dataclass(frozen=True)
class WaferScaleCost:
    """Packaging of a wafer-scale system: per mm^2 of silicon, and its design NRE.

    Examples
    --------
    >>> WaferScaleCost(0.025, 1.0596e7, estimate=True).packaging_nre_usd
    10596000.0
    """

    packaging_usd_per_mm2: float
    packaging_nre_usd: float
    estimate: bool = False
    source: str = ""

    def __post_init__(self) -> None:
        check_str("source", self.source)
        check_bool("estimate", self.estimate)
        _set(
            self, "packaging_usd_per_mm2",
            check_nonnegative("packaging_usd_per_mm2", self.packaging_usd_per_mm2, _USD_MM2),
        )
        _set(
            self, "packaging_nre_usd",
            check_nonnegative("packaging_nre_usd", self.packaging_nre_usd, _USD),
        )


def _check_layer_factors(value: object) -> tuple[tuple[float, float], ...]:
    allowed = "[threshold_mm2, factor] pairs, thresholds >= 0 and increasing, factors > 0"
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ParameterError(f"layer_factors must be a list of {allowed}, got {shown(value)}")
    pairs: list[tuple[float, float]] = []
    for i, pair in enumerate(value):
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ParameterError(f"layer_factors[{i}] must be a [threshold_mm2, factor] pair, got {shown(pair)}")
        t = check_nonnegative(f"layer_factors[{i}][0]", pair[0], "mm^2")
        f = check_positive(f"layer_factors[{i}][1]", pair[1])
        if pairs and t <= pairs[-1][0]:
            raise ParameterError(
                f"layer_factors[{i}][0] must be > the previous threshold {pairs[-1][0]!r} (mm^2), got {t!r}"
            )
        pairs.append((t, f))
    return tuple(pairs)


@dataclass(frozen=True)
class PackagingCost:
    """A packaging technology's recurring and design costs (Chiplet Actuary package.py).

    The package has a substrate of area ``substrate_area_factor`` times the
    carrier's area (or, without a carrier, the total die area) and, when
    ``carrier_wafer_usd`` is given, a carrier (RDL fan-out, silicon
    interposer) of the yield set's ``carrier_area_factor`` times the total die
    area, cut from wafers of that price.

    Parameters
    ----------
    name : str
        Technology name, as in the yield parameter set.
    substrate_area_factor : float
        Substrate area over the carrier (or total die) area, > 0.
    substrate_usd_per_mm2 : float
        Substrate cost per mm^2, >= 0.
    die_bump_usd_per_mm2 : float, default 0.0
        Bumps (C4 or micro-bumps) per mm^2 of die, >= 0: the bonding cost.
    substrate_nre_usd_per_mm2, substrate_nre_fixed_usd : float, default 0.0
        Package design NRE: per mm^2 of substrate (times the layer factor)
        and fixed, >= 0.
    layer_factors : sequence of (threshold_mm2, factor), default ()
        A package of more than one die whose substrate area exceeds a
        threshold costs ``factor`` times more (recurring and NRE), the last
        pair whose threshold it exceeds applying (Chiplet Actuary: more
        substrate layers for die-to-die wiring); a single die, or none
        exceeded: 1. Thresholds >= 0, increasing; factors > 0.
    carrier_wafer_usd : float or None, default None
        Price of a carrier wafer, > 0; None when there is no carrier.
    carrier_bump_usd_per_mm2 : float, default 0.0
        The carrier's bumps to the substrate, per mm^2 of carrier, >= 0.
    carrier_nre_usd_per_mm2, carrier_nre_fixed_usd : float, default 0.0
        Carrier design NRE, per mm^2 of carrier and fixed, >= 0.
    chip_first : bool, default False
        Whether the carrier may be built chip-first (RDL formed on the
        molded dies, as Chiplet Actuary allows for InFO).
    source : str

    Raises
    ------
    ParameterError
        On a value out of range, or a carrier figure (nonzero) or
        ``chip_first`` without ``carrier_wafer_usd``.

    Examples
    --------
    >>> os_ = PackagingCost("organic-substrate", 4.0, 0.005,
    ...                     layer_factors=[[0.0, 1.5], [289.0, 1.75], [900.0, 2.0]])
    >>> os_.layer_factor(3200.0, 4), os_.layer_factor(3200.0, 1), os_.has_carrier
    (2.0, 1.0, False)
    """

    name: str
    substrate_area_factor: float
    substrate_usd_per_mm2: float
    _: KW_ONLY
    die_bump_usd_per_mm2: float = 0.0
    substrate_nre_usd_per_mm2: float = 0.0
    substrate_nre_fixed_usd: float = 0.0
    layer_factors: tuple[tuple[float, float], ...] = ()
    carrier_wafer_usd: float | None = None
    carrier_bump_usd_per_mm2: float = 0.0
    carrier_nre_usd_per_mm2: float = 0.0
    carrier_nre_fixed_usd: float = 0.0
    chip_first: bool = False
    source: str = ""

    def __post_init__(self) -> None:
        check_str("name", self.name)
        check_str("source", self.source)
        check_bool("chip_first", self.chip_first)
        _set(self, "substrate_area_factor", check_positive("substrate_area_factor", self.substrate_area_factor))
        for key in ("substrate_usd_per_mm2", "die_bump_usd_per_mm2", "substrate_nre_usd_per_mm2",
                    "carrier_bump_usd_per_mm2", "carrier_nre_usd_per_mm2"):
            _set(self, key, check_nonnegative(key, getattr(self, key), _USD_MM2))
        for key in ("substrate_nre_fixed_usd", "carrier_nre_fixed_usd"):
            _set(self, key, check_nonnegative(key, getattr(self, key), _USD))
        _set(self, "layer_factors", _check_layer_factors(self.layer_factors))
        if self.carrier_wafer_usd is None:
            for key in ("carrier_bump_usd_per_mm2", "carrier_nre_usd_per_mm2", "carrier_nre_fixed_usd"):
                if getattr(self, key) != 0.0:
                    raise ParameterError(
                        f"{key} must be 0 without carrier_wafer_usd (no carrier), got {getattr(self, key)!r}"
                    )
            if self.chip_first:
                raise ParameterError("chip_first must be false without carrier_wafer_usd (no carrier), got True")
        else:
            _set(self, "carrier_wafer_usd", check_positive("carrier_wafer_usd", self.carrier_wafer_usd, _USD))

    @property
    def has_carrier(self) -> bool:
        """True when the package has a carrier (RDL or interposer) between dies and substrate."""
        return self.carrier_wafer_usd is not None

    def layer_factor(self, substrate_area_mm2: float, n_dies: int) -> float:
        """The substrate cost factor for ``n_dies`` dies on a substrate of this area (see ``layer_factors``)."""
        a = check_positive("substrate_area_mm2", substrate_area_mm2, "mm^2")
        n = check_int("n_dies", n_dies, minimum=1)
        factor = 1.0
        if n > 1:
            for threshold, f in self.layer_factors:
                if a > threshold:
                    factor = f
        return factor


@dataclass(frozen=True)
class CostParameters:
    """A named, sourced cost set: nodes, packagings, NRE rule, test and wafer-scale costs.

    Parameters
    ----------
    name, source : str
    yield_parameters : str
        The yield parameter set the costs go with: a shipped name or a TOML
        path (:func:`yieldmodels.parameters.load_parameter_set`).
    nre : NreRule
    test : TestCost, default TestCost()
        Default: no test cost.
    wafer_scale : WaferScaleCost or None, default None
        Needed by :func:`wafer_scale_cost`.
    nodes : Mapping[str, NodeCost]
    packagings : Mapping[str, PackagingCost]
    path : str or None
        The file the set was read from.

    Examples
    --------
    >>> costs = load_cost_parameters("chiplet-actuary")
    >>> costs.node("5nm").wafer_usd, costs.packaging("si-interposer").carrier_wafer_usd
    (16988.0, 1937.0)
    >>> costs.yields().node("5nm").d0
    0.11
    """

    name: str
    source: str
    yield_parameters: str
    nre: NreRule
    test: TestCost = field(default_factory=TestCost)
    wafer_scale: WaferScaleCost | None = None
    nodes: Mapping[str, NodeCost] = field(default_factory=dict)
    packagings: Mapping[str, PackagingCost] = field(default_factory=dict)
    path: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        check_str("name", self.name)
        check_str("source", self.source)
        check_str("yield_parameters", self.yield_parameters)
        for key, cls in [("nre", NreRule), ("test", TestCost)]:
            if not isinstance(getattr(self, key), cls):
                raise ParameterError(f"{key} must be a {cls.__name__}, got {shown(getattr(self, key))}")
        if self.wafer_scale is not None and not isinstance(self.wafer_scale, WaferScaleCost):
            raise ParameterError(f"wafer_scale must be a WaferScaleCost or None, got {shown(self.wafer_scale)}")
        _set(self, "nodes", _check_named_table("nodes", self.nodes, NodeCost))
        _set(self, "packagings", _check_named_table("packagings", self.packagings, PackagingCost))
        if self.path is not None:
            check_str("path", self.path)

    def __hash__(self) -> int:
        return hash((self.name, self.source, self.yield_parameters, self.nre, self.test,
                     self.wafer_scale, tuple(self.nodes.items()), tuple(self.packagings.items())))

    def node(self, name: str) -> NodeCost:
        """The node ``name``; an unknown name gets a "did you mean"."""
        try:
            return self.nodes[name]
        except (KeyError, TypeError):
            raise unknown_name("node", name, list(self.nodes)) from None

    def packaging(self, name: str) -> PackagingCost:
        """The packaging technology ``name``; an unknown name gets a "did you mean"."""
        try:
            return self.packagings[name]
        except (KeyError, TypeError):
            raise unknown_name("packaging", name, list(self.packagings)) from None

    def yields(self) -> ParameterSet:
        """The yield parameter set named by :attr:`yield_parameters` (shipped sets are cached)."""
        try:
            return load_parameter_set(self.yield_parameters)
        except ParameterError as exc:
            raise ParameterError(f"yield_parameters: {exc}") from None


# --------------------------------------------------------------------------- loading

_TOP_KEYS = {"name", "source", "yield_parameters", "nre", "test", "wafer_scale", "nodes", "packagings"}
_NRE_KEYS = {"module_fraction", "chip_fraction", "reference_area_mm2", "d2d_module_area_mm2", "source"}
_TEST_KEYS = {"usd_per_mm2", "estimate", "source"}
_WAFER_SCALE_KEYS = {"packaging_usd_per_mm2", "packaging_nre_usd", "estimate", "source"}
_NODE_KEYS = {"wafer_usd", "nre_usd", "source"}
_PACKAGING_KEYS = {
    "substrate_area_factor", "substrate_usd_per_mm2", "layer_factors", "die_bump_usd_per_mm2",
    "substrate_nre_usd_per_mm2", "substrate_nre_fixed_usd", "carrier_wafer_usd",
    "carrier_bump_usd_per_mm2", "carrier_nre_usd_per_mm2", "carrier_nre_fixed_usd", "chip_first",
    "source",
}


def _build(prefix: str, cls, /, *args, **kwargs):
    """``cls(*args, **kwargs)``, its ParameterError naming the dotted key (``nodes.5nm.wafer_usd``)."""
    try:
        return cls(*args, **kwargs)
    except ParameterError as exc:
        raise ParameterError(f"{prefix}{exc}") from None


def _parse(data: dict, path: str) -> CostParameters:
    top = _check_keys("", data, _TOP_KEYS, {"name", "source", "yield_parameters", "nre"})
    name = check_str("name", top["name"])
    source = check_str("source", top["source"])
    yields = check_str("yield_parameters", top["yield_parameters"])
    if _looks_like_path(yields) and not os.path.isabs(yields) and os.path.dirname(path):
        yields = str(Path(path).parent / yields)

    t = _check_keys("nre", top["nre"], _NRE_KEYS, {"module_fraction", "chip_fraction", "reference_area_mm2"})
    nre = _build("nre.", NreRule, t["module_fraction"], t["chip_fraction"], t["reference_area_mm2"],
                 t.get("d2d_module_area_mm2", 0.0), t.get("source", source))

    test = TestCost(source=source)
    if "test" in top:
        t = _check_keys("test", top["test"], _TEST_KEYS, {"usd_per_mm2"})
        test = _build("test.", TestCost, t["usd_per_mm2"], t.get("estimate", False), t.get("source", source))

    wafer_scale = None
    if "wafer_scale" in top:
        t = _check_keys("wafer_scale", top["wafer_scale"], _WAFER_SCALE_KEYS,
                        {"packaging_usd_per_mm2", "packaging_nre_usd"})
        wafer_scale = _build("wafer_scale.", WaferScaleCost, t["packaging_usd_per_mm2"],
                             t["packaging_nre_usd"], t.get("estimate", False), t.get("source", source))

    nodes: dict[str, NodeCost] = {}
    for key, table in _check_table("nodes", top.get("nodes", {})).items():
        t = _check_keys(f"nodes.{key}", table, _NODE_KEYS, {"wafer_usd", "nre_usd"})
        nodes[key] = _build(f"nodes.{key}.", NodeCost, key, t["wafer_usd"], t["nre_usd"],
                            t.get("source", source))

    packagings: dict[str, PackagingCost] = {}
    for key, table in _check_table("packagings", top.get("packagings", {})).items():
        t = _check_keys(f"packagings.{key}", table, _PACKAGING_KEYS,
                        {"substrate_area_factor", "substrate_usd_per_mm2"})
        rest = {k: v for k, v in t.items() if k not in ("substrate_area_factor", "substrate_usd_per_mm2")}
        rest.setdefault("source", source)
        packagings[key] = _build(f"packagings.{key}.", PackagingCost, key, t["substrate_area_factor"],
                                 t["substrate_usd_per_mm2"], **rest)
    return CostParameters(name, source, yields, nre, test, wafer_scale, nodes, packagings, path)


def _load_text(text: str, path: str) -> CostParameters:
    data = parse_toml(text, "cost parameter file", path)
    try:
        return _parse(data, path)
    except ParameterError as exc:
        raise ParameterError(f"{exc} (in {path})") from None


def cost_parameter_sets() -> list[str]:
    """Names of the cost sets shipped with :mod:`yieldmodels`, sorted.

    Returns
    -------
    list of str
        Stems of ``data/cost/*.toml``, ``_`` spelled ``-``.

    Examples
    --------
    >>> cost_parameter_sets()
    ['chiplet-actuary']
    """
    return _shipped_names("cost")


def load_cost_parameters(name_or_path: str | os.PathLike[str]) -> CostParameters:
    """Load a shipped cost set by name, or a user's TOML file by path.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A name from :func:`cost_parameter_sets` (``"chiplet-actuary"``), or a
        path to a TOML file with the schema in this module's docstring. A
        string is a path when it ends in ``.toml`` or holds a path separator
        (as for :func:`yieldmodels.parameters.load_parameter_set`).

    Returns
    -------
    CostParameters

    Raises
    ------
    ParameterError
        On an unknown set name (with a "did you mean"); a missing,
        unreadable or non-regular file, or one larger than
        :data:`yieldmodels.PARAMETER_FILE_MAX_BYTES` (1 MiB); text that is not
        UTF-8 or not TOML; an unknown key (with a "did you mean") or a missing
        one; a value of the wrong type or out of range. File errors name the
        dotted key and end with ``(in <file>)``.

    Notes
    -----
    Shipped sets are parsed once and cached (the result is immutable). The
    yield set named by ``yield_parameters`` is loaded when a cost function
    needs it (:meth:`CostParameters.yields`), not here.

    Examples
    --------
    >>> costs = load_cost_parameters("chiplet-actuary")
    >>> costs.node("5nm").nre_usd, costs.nre.module_fraction, costs.test.estimate
    (542000000.0, 0.5, True)
    >>> try:
    ...     load_cost_parameters("chiplet-actuar")
    ... except ParameterError as exc:
    ...     print(exc)
    cost parameter set must be one of 'chiplet-actuary', got 'chiplet-actuar' (did you mean 'chiplet-actuary'?)
    """
    return _load_data_file(name_or_path, _load_text, what="cost parameter set", file_what="cost parameter file",
                           sub=("cost",))


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class DieCost:
    """The cost of one known-good die (KGD), in USD.

    Attributes
    ----------
    node : str
    die_area_mm2 : float
    dies_per_wafer : float
        Whole dies (``die_count="exact"``) or the gross-die formula's value.
    die_yield : float
        Probability that a die is good.
    test_coverage : float
    pass_rate : float
        Fraction of dies that pass test, :func:`yieldmodels.kgd_pass_rate`.
    kgd_escape : float
        Probability that a die that passed is bad (:func:`yieldmodels.defect_level`).
    silicon_usd : float
        ``wafer_usd / dies_per_wafer``: one raw die.
    test_usd : float
        Test of one die.
    yield_loss_usd : float
        The dies failing test, paid by each passing die:
        ``(silicon_usd + test_usd) (1 / pass_rate - 1)``.
    total_usd : float
        ``(silicon_usd + test_usd) / pass_rate``: the cost of one die that passed.
    """

    node: str
    die_area_mm2: float
    dies_per_wafer: float
    die_yield: float
    test_coverage: float
    pass_rate: float
    kgd_escape: float
    silicon_usd: float
    test_usd: float
    yield_loss_usd: float
    total_usd: float

    def to_dict(self) -> dict:
        """Plain-data form (for JSON)."""
        return asdict(self)


@dataclass(frozen=True)
class SystemCost:
    """Where the money of one working system goes, in USD.

    Attributes
    ----------
    kind : str
        ``"chiplets"``, ``"monolithic"`` or ``"wafer-scale"``.
    node, packaging : str
    n_dies : int
    die_area_mm2 : float
        Area of one die (wafer-scale: the system's silicon).
    volume : int
        Systems the NRE is spread over.
    die_yield : float
        Die yield (wafer-scale: the system yield after repair, as given).
    carrier_yield : float
        Defect-limited yield of the carrier (1 without one).
    assembly_yield : float
        Fraction of the dies' assemblies that end in a working system: what
        the known-good dies' cost is divided by (see :func:`chiplet_system_cost`).
    silicon_usd, test_usd : float
        Raw die silicon and die test of the system's dies (``n`` times the
        :class:`DieCost` figures).
    packaging_usd : float
        Raw package: die bumps, carrier (with its bumps) and substrate.
    die_yield_loss_usd : float
        Dies scrapped at test (``n`` times :attr:`DieCost.yield_loss_usd`).
    assembly_loss_usd : float
        Known-good dies, carriers and substrates scrapped in failed assemblies.
    module_nre_usd, chip_nre_usd, package_nre_usd : float
        The design's NRE (totals, not per system).
    die : DieCost or None
        The per-die breakdown (None for wafer-scale).
    yield_loss_usd : float
        ``die_yield_loss_usd + assembly_loss_usd``.
    re_usd : float
        Recurring cost: ``silicon + test + packaging + yield loss``.
    nre_total_usd : float
        ``module_nre_usd + chip_nre_usd + package_nre_usd``.
    nre_usd : float
        NRE share of one system: ``nre_total_usd / volume``.
    total_usd : float
        ``re_usd + nre_usd``.

    Examples
    --------
    >>> s = monolithic_cost("chiplet-actuary", "7nm", 100.0, volume=10**6)
    >>> s2 = s.at_volume(10**7)
    >>> s2.re_usd == s.re_usd, s2.nre_usd < s.nre_usd
    (True, True)
    """

    kind: str
    node: str
    packaging: str
    n_dies: int
    die_area_mm2: float
    volume: int
    die_yield: float
    carrier_yield: float
    assembly_yield: float
    silicon_usd: float
    test_usd: float
    packaging_usd: float
    die_yield_loss_usd: float
    assembly_loss_usd: float
    module_nre_usd: float
    chip_nre_usd: float
    package_nre_usd: float
    die: DieCost | None = None
    yield_loss_usd: float = field(init=False)
    re_usd: float = field(init=False)
    nre_total_usd: float = field(init=False)
    nre_usd: float = field(init=False)
    total_usd: float = field(init=False)

    def __post_init__(self) -> None:
        v = check_int("volume", self.volume, minimum=1)
        _set(self, "volume", v)
        _set(self, "yield_loss_usd", self.die_yield_loss_usd + self.assembly_loss_usd)
        _set(self, "re_usd", self.silicon_usd + self.test_usd + self.packaging_usd + self.yield_loss_usd)
        _set(self, "nre_total_usd", self.module_nre_usd + self.chip_nre_usd + self.package_nre_usd)
        _set(self, "nre_usd", self.nre_total_usd / v)
        _set(self, "total_usd", self.re_usd + self.nre_usd)

    def at_volume(self, volume: int) -> SystemCost:
        """The same system with its NRE spread over ``volume`` systems (an integer >= 1)."""
        return replace(self, volume=volume)

    def to_dict(self) -> dict:
        """Plain-data form (for JSON), the derived totals included."""
        return asdict(self)


# --------------------------------------------------------------------------- computation


def _resolve(costs: object, yields: object) -> tuple[CostParameters, ParameterSet]:
    if isinstance(costs, CostParameters):
        cp = costs
    elif isinstance(costs, (str, os.PathLike)):
        cp = load_cost_parameters(costs)
    else:
        raise ParameterError(
            f"costs must be a CostParameters, a shipped cost set name or a TOML path, got {shown(costs)}"
        )
    if yields is None:
        ys = cp.yields()
    elif isinstance(yields, ParameterSet):
        ys = yields
    elif isinstance(yields, (str, os.PathLike)):
        ys = load_parameter_set(yields)
    else:
        raise ParameterError(
            f"yields must be a ParameterSet, a shipped set name, a TOML path or None, got {shown(yields)}"
        )
    return cp, ys


def _wafer(ys: ParameterSet) -> WaferDefaults:
    return ys.wafer if ys.wafer is not None else WaferDefaults()


def _count(w: float, h: float, wafer: WaferDefaults, die_count: str, what: str, area: float) -> float:
    """``w x h`` mm dies per wafer; ParameterError naming ``what`` when none fits."""
    radius = wafer.diameter_mm / 2.0 - wafer.edge_exclusion_mm
    geometry = dict(scribe_mm=wafer.scribe_mm, edge_exclusion_mm=wafer.edge_exclusion_mm)
    if math.hypot(w, h) > 2.0 * radius:
        shape = "a square" if w == h else f"a {w:.4g} x {h:.4g} mm die"
        raise ParameterError(
            f"{what} must be at most {2.0 * radius * radius:.6g} mm^2 ({shape} whose diagonal fits"
            f" the {2.0 * radius:g} mm usable wafer), got {area!r}"
        )
    if die_count == "gross":
        n = gross_dies_per_wafer(w, h, wafer.diameter_mm, **geometry)
    elif exact_count_feasible(w, h, wafer.diameter_mm, **geometry):
        n = float(exact_dies_per_wafer(w, h, wafer.diameter_mm, **geometry))
    else:
        raise ParameterError(
            f"{what} is too small for die_count='exact' (its whole-die search is refused,"
            f" see yieldmodels.EXACT_COUNT_MAX_STEPS), got {area!r} mm^2; use die_count='gross'"
        )
    if not n > 0.0:
        hint = "; die_count='exact' counts whole dies where the gross formula fails" if die_count == "gross" else ""
        raise ParameterError(
            f"{what} must leave a {die_count} count > 0 of {w:.4g} x {h:.4g} mm dies"
            f" on the {wafer.diameter_mm:g} mm wafer, got {area!r} mm^2{hint}"
        )
    return float(n)


def _die(cp: CostParameters, ys: ParameterSet, node: str, area: float, die_yield: object,
         test_coverage: object, die_count: str, width: float | None = None) -> DieCost:
    nc = cp.node(node)
    c = check_probability("test_coverage", test_coverage)
    if die_yield is None:
        nd = ys.node(node)
        y = float(negative_binomial_yield(area, nd.d0, nd.alpha))
    else:
        y = _probability_positive("die_yield", die_yield)
    w = math.sqrt(area) if width is None else width
    n = _count(w, area / w, _wafer(ys), die_count, "die_area_mm2", area)
    raw = nc.wafer_usd / n
    test = cp.test.usd_per_mm2 * area
    passed = kgd_pass_rate(y, c)
    if not (passed > 0.0 and math.isfinite((raw + test) / passed)):
        name, value = ("die_area_mm2", area) if die_yield is None else ("die_yield", y)
        raise ParameterError(
            f"{name} must give a pass rate with a finite cost per good die at node {node!r},"
            f" got {value!r} (die yield {y!r}, pass rate {passed!r})"
        )
    return DieCost(
        node=node, die_area_mm2=area, dies_per_wafer=n, die_yield=y, test_coverage=c,
        pass_rate=passed, kgd_escape=defect_level(y, c), silicon_usd=raw, test_usd=test,
        yield_loss_usd=(raw + test) * (1.0 / passed - 1.0), total_usd=(raw + test) / passed,
    )  # fmt: skip


def die_cost(
    costs: CostParameters | str | os.PathLike[str],
    node: str,
    die_area_mm2: float,
    *,
    die_yield: float | None = None,
    test_coverage: float = 1.0,
    die_count: str = "exact",
    yields: ParameterSet | str | os.PathLike[str] | None = None,
) -> DieCost:
    """Cost of one known-good die: ``(wafer_usd / dies_per_wafer + test) / pass_rate``.

    Parameters
    ----------
    costs : CostParameters, str or os.PathLike
        A loaded cost set, a shipped set's name or a TOML path.
    node : str
        Process node, in the cost set (and, unless ``die_yield`` is given,
        in the yield set).
    die_area_mm2 : float
        Die area in mm^2, > 0. Dies are square, as in Chiplet Actuary.
    die_yield : float or None, default None
        Die yield in (0, 1]; None takes the yield set's negative binomial
        ``(1 + A D0 / alpha) ** -alpha`` for the node (Chiplet Actuary's
        ``Chip.die_yield``).
    test_coverage : float, default 1.0
        Fault coverage of the die test in [0, 1]; below 1 some bad dies pass
        (:func:`yieldmodels.kgd_pass_rate`), and the assembly they go into
        fails (:func:`chiplet_system_cost`).
    die_count : {"exact", "gross"}, default "exact"
        How dies per wafer are counted (:data:`DIE_COUNTS`), on the yield
        set's wafer (Chiplet Actuary: 300 mm, 0.2 mm scribe, 5 mm edge).
        ``"exact"``: whole dies on the wafer grid, as everywhere else in
        :mod:`yieldmodels` (:class:`yieldmodels.ChipletSystem`) and valid up
        to wafer scale; ``"gross"``: the gross-die formula, fractional,
        which is exactly Chiplet Actuary's ``Chip.N_die_total`` (use it to
        reproduce the tool). The gross formula undercounts large dies
        (800 mm^2: 58.8 against 65 whole dies).
    yields : ParameterSet, str, os.PathLike or None, default None
        The yield set; None takes the one the cost set names.

    Returns
    -------
    DieCost

    Raises
    ------
    ParameterError
        On an unknown node (with a "did you mean"), an area, yield or coverage
        out of range, an unknown ``die_count``, or a die too large for one to
        fit on the wafer (or too small for the exact count: use "gross").

    Notes
    -----
    O(1) with ``"gross"``; the exact count is a bounded search (about 10 ms
    for a 5 x 5 mm die, see :func:`yieldmodels.exact_dies_per_wafer`). With
    no test cost and full coverage this is Chiplet Actuary's
    ``Chip.cost_KGD`` ``= wafer_cost / (N_die_total * die_yield)``, split as
    its ``cost_raw_die`` (here ``silicon_usd``) and ``cost_defect`` (here
    ``yield_loss_usd``). The tool has no test cost; here each die tested
    costs ``test.usd_per_mm2 * area`` and the dies that pass pay for those
    that fail.

    Examples
    --------
    >>> d = die_cost("chiplet-actuary", "5nm", 800.0, die_count="gross")
    >>> round(d.dies_per_wafer, 4), round(d.die_yield, 4)
    (58.793, 0.4302)
    >>> round(d.silicon_usd, 2), round(d.test_usd, 3), round(d.total_usd, 2)  # 16988 / 58.793
    (288.95, 0.048, 671.7)
    """
    cp, ys = _resolve(costs, yields)
    area = check_positive("die_area_mm2", die_area_mm2, "mm^2")
    dc = check_choice("die_count", die_count, DIE_COUNTS)
    return _die(cp, ys, node, area, die_yield, test_coverage, dc)


def _nre(cp: CostParameters, node: str, design_area: float, n_designs: int, d2d_area: float
         ) -> tuple[float, float]:
    """(module, chip) NRE of ``n_designs`` chip designs of ``design_area`` mm^2 each."""
    nc = cp.node(node)
    module_rate = cp.nre.module_usd_per_mm2(nc)
    module = n_designs * module_rate * (design_area - d2d_area)
    if d2d_area > 0.0:  # one D2D PHY design, shared by every chiplet of the node
        module += module_rate * cp.nre.d2d_module_area_mm2
    chip = n_designs * (cp.nre.chip_usd_per_mm2(nc) * design_area + cp.nre.chip_fixed_usd(nc))
    return module, chip


def _system(kind: str, costs: object, node: object, die_area_mm2: object, n_dies: object,
            packaging: object, volume: object, n_designs: object, d2d_area_mm2: object,
            chip_first: object, die_yield: object, test_coverage: object, die_count: object,
            yields: object, die_width_mm: object = None, spare_dies_per_row: object = 0,
            die_rows: object = 1) -> SystemCost:
    cp, ys = _resolve(costs, yields)
    area = check_positive("die_area_mm2", die_area_mm2, "mm^2")
    width = None if die_width_mm is None else check_positive("die_width_mm", die_width_mm, "mm")
    n = check_int("n_dies", n_dies, minimum=1)
    designs = check_int("n_designs", n_designs, minimum=1, maximum=n)
    v = check_int("volume", volume, minimum=1)
    d2d = check_nonnegative("d2d_area_mm2", d2d_area_mm2, "mm^2")
    if d2d >= area:
        raise ParameterError(f"d2d_area_mm2 must be < die_area_mm2 = {area!r} (mm^2), got {d2d!r}")
    first = check_bool("chip_first", chip_first)
    dc = check_choice("die_count", die_count, DIE_COUNTS)
    pc = cp.packaging(packaging)
    py = ys.packaging(packaging)
    if pc.has_carrier != py.has_carrier:
        has, lacks = ("cost", "yield") if pc.has_carrier else ("yield", "cost")
        raise ParameterError(
            f"packaging must have a carrier in both the cost and the yield set or in neither,"
            f" got {pc.name!r} with a carrier {has} and no carrier {lacks}"
        )
    if first and not pc.chip_first:
        allowed = [p.name for p in cp.packagings.values() if p.chip_first]
        raise ParameterError(
            f"chip_first must be false for packaging {pc.name!r} (chip-first in this cost set:"
            f" {', '.join(repr(a) for a in allowed) or 'none'}), got True"
        )
    die = _die(cp, ys, node, area, die_yield, test_coverage, dc, width)
    s, rows = _check_rows(n, spare_dies_per_row, die_rows)
    spares = {"spare_dies_per_row": s, "rows": rows}
    placed = n + rows * s

    total_die_area = placed * area
    kgd = placed * die.total_usd
    bumps = total_die_area * pc.die_bump_usd_per_mm2
    if pc.has_carrier:
        if py.carrier_area_factor is None:
            raise ParameterError(
                f"carrier_area_factor must be given in the yield set for packaging {py.name!r}, got None"
            )
        carrier_area = py.carrier_area_factor * total_die_area
        what = f"the carrier area (carrier_area_factor {py.carrier_area_factor:g} x dies placed x die_area_mm2)"
        side = math.sqrt(carrier_area)
        per_wafer = _count(side, side, _wafer(ys), dc, what, carrier_area)
        carrier = pc.carrier_wafer_usd / per_wafer + carrier_area * pc.carrier_bump_usd_per_mm2
        y1 = carrier_yield(carrier_area, py.carrier_d0, py.carrier_alpha)
        y3 = py.carrier_bond_yield
        substrate_area = pc.substrate_area_factor * carrier_area
    else:
        carrier_area, carrier, y1, y3 = 0.0, 0.0, 1.0, 1.0
        substrate_area = pc.substrate_area_factor * total_die_area
    layer = pc.layer_factor(substrate_area, placed)
    substrate = substrate_area * pc.substrate_usd_per_mm2 * layer

    if not pc.has_carrier:  # dies bonded straight onto the substrate (OS.cost_RE)
        ya = package_yield(n, bond_yield=py.bond_yield, kgd_escape=die.kgd_escape, **spares)
        scrapped = [(kgd + bumps + substrate, ya)]
    elif not first:  # chip-last: dies onto a tested carrier, then onto the substrate (Advanced, chip_last=1)
        ya = package_yield(n, bond_yield=py.bond_yield, kgd_escape=die.kgd_escape, carrier_yield=y3, **spares)
        scrapped = [(kgd + bumps, ya), (carrier, y1 * ya), (substrate, y3)]
    else:  # chip-first: carrier built on the dies, no die bonds (Advanced, chip_last=0)
        ya = package_yield(n, kgd_escape=die.kgd_escape, carrier_yield=y1 * y3, **spares)
        scrapped = [(kgd + bumps + carrier, ya), (substrate, y3)]
    for cost, y in scrapped:
        if not (y > 0.0 and math.isfinite(cost / y)):
            raise ParameterError(
                f"n_dies = {n} on packaging {pc.name!r} must give an assembly yield > 0 with a finite"
                f" cost, got yield {y!r} (bond_yield {py.bond_yield!r} and test escapes"
                f" {die.kgd_escape!r} per die, carrier yield {y1!r})"
            )
    assembly_loss = sum(cost * (1.0 / y - 1.0) for cost, y in scrapped)

    module_nre, chip_nre = _nre(cp, node, area, designs, d2d)
    package_nre = substrate_area * pc.substrate_nre_usd_per_mm2 * layer + pc.substrate_nre_fixed_usd
    if pc.has_carrier:
        package_nre += carrier_area * pc.carrier_nre_usd_per_mm2 + pc.carrier_nre_fixed_usd
    return SystemCost(
        kind=kind, node=node, packaging=pc.name, n_dies=n, die_area_mm2=area, volume=v,
        die_yield=die.die_yield, carrier_yield=y1, assembly_yield=ya,
        silicon_usd=placed * die.silicon_usd, test_usd=placed * die.test_usd,
        packaging_usd=bumps + carrier + substrate, die_yield_loss_usd=placed * die.yield_loss_usd,
        assembly_loss_usd=assembly_loss, module_nre_usd=module_nre, chip_nre_usd=chip_nre,
        package_nre_usd=package_nre, die=die,
    )  # fmt: skip


def chiplet_system_cost(
    costs: CostParameters | str | os.PathLike[str],
    node: str,
    die_area_mm2: float,
    n_dies: int,
    packaging: str,
    *,
    volume: int,
    n_designs: int = 1,
    d2d_area_mm2: float = 0.0,
    chip_first: bool = False,
    die_yield: float | None = None,
    test_coverage: float = 1.0,
    die_count: str = "exact",
    yields: ParameterSet | str | os.PathLike[str] | None = None,
    die_width_mm: float | None = None,
    spare_dies_per_row: int = 0,
    die_rows: int = 1,
) -> SystemCost:
    """Cost of one working system of ``n_dies`` known-good dies on a package, NRE included.

    Parameters
    ----------
    costs : CostParameters, str or os.PathLike
        A loaded cost set, a shipped set's name or a TOML path.
    node : str
        Process node of the dies.
    die_area_mm2 : float
        Area of each die in mm^2, > 0 (square dies), die-to-die PHY included.
    n_dies : int
        Dies in the system, >= 1.
    packaging : str
        Packaging technology, in both the cost and the yield set (shipped:
        ``"organic-substrate"``, ``"info-rdl"``, ``"si-interposer"``).
    volume : int
        Systems the design NRE is spread over, >= 1.
    n_designs : int, default 1
        Distinct die designs among the ``n_dies`` (each pays module and chip
        NRE), in [1, n_dies]: 1 when one chiplet is reused ``n`` times.
    d2d_area_mm2 : float, default 0.0
        The die-to-die PHY's share of ``die_area_mm2``, in [0, die area). When
        > 0 the module NRE covers the rest of the die, plus one D2D PHY
        design of the cost set's ``nre.d2d_module_area_mm2`` (Chiplet
        Actuary's ``D2D`` module, shared by every chiplet of the node).
    chip_first : bool, default False
        Build the carrier on the dies (only for packagings whose cost entry
        allows it; shipped: ``"info-rdl"``).
    die_yield, test_coverage, die_count, yields
        As in :func:`die_cost`; ``die_count`` also counts carriers per wafer.
    die_width_mm : float or None, default None
        Width of a die in mm (its height is ``die_area_mm2 / die_width_mm``),
        for the dies per wafer of a die that is not square (a reticle field);
        None: a square die, as Chiplet Actuary counts.
    spare_dies_per_row, die_rows : int, default 0 and 1
        Spare die sites at the end of each of ``die_rows`` rows
        (:func:`yieldmodels.package_yield`): every placed die is bought,
        bumped and carried, and the assembly yield is the rows' K-of-N.

    Returns
    -------
    SystemCost

    Raises
    ------
    ParameterError
        On any argument out of range, an unknown node or packaging (with a
        "did you mean"), a packaging with a carrier in one set but not the
        other, ``chip_first`` for a packaging that does not allow it, a die
        or carrier too large for the wafer, or an assembly yield of 0.

    Notes
    -----
    O(1) besides the die counts. With ``A`` the die area, ``T = n A``, ``K``
    the :func:`die_cost` of one KGD, ``b`` the bond yield, ``e`` the KGD
    escape probability, this follows Chiplet Actuary's ``cost_RE``
    (package.py) term by term:

    - chips ``C = n K + T * die_bump`` (its ``cost_raw_chips +
      cost_defect_chips``);
    - carrier ``I = carrier_area_factor * T`` mm^2, costing ``P =
      carrier_wafer_usd / carriers_per_wafer + I * carrier_bump``, of
      yield ``y1`` (:func:`yieldmodels.carrier_yield`) and bonded to the
      substrate with yield ``y3`` (``carrier_bond_yield``);
    - substrate ``S = substrate_area_factor * (I or T)`` mm^2, costing
      ``U = S * substrate_usd_per_mm2 * layer_factor``.

    Each part is divided by the yield of the steps that can scrap it:

    - organic substrate (``OS.cost_RE``): ``(C + U) / y``,
      ``y = (b (1 - e)) ** n``;
    - carrier, chip-last (``Advanced``, ``chip_last=1``):
      ``C / (y y3) + P / (y1 y y3) + U / y3``: the carrier is tested
      before the dies go on, so its defects scrap no die, and the
      substrate is added last;
    - carrier, chip-first (``chip_last=0``): ``(C + P) / (y1 (1 - e) ** n y3)
      + U / y3``: no die bonds (the tool drops ``b`` here), and a bad
      carrier scraps its dies.

    :attr:`SystemCost.assembly_yield` is the yield ``C`` is divided by
    (:func:`yieldmodels.package_yield` of the steps that follow die test).
    NRE (``utils.total_NRE`` for one system): module ``n_designs *
    module_rate * (A - d2d)`` (+ one D2D PHY design), chip ``n_designs *
    (chip_rate * A + chip_fixed)``, package ``S * substrate_nre *
    layer_factor + substrate_nre_fixed`` plus, with a carrier, ``I *
    carrier_nre + carrier_nre_fixed``; per system ``/ volume``.

    Where this deviates from the tool: test cost and ``test_coverage``
    (the tool has neither; escapes ``e`` scrap an assembly at the test
    that finds bond failures); die micro-bumps are counted for every die
    (``Advanced.cost_RE`` omits ``* num`` on the bump term, so a chip used
    ``num`` times gets one die's bumps; with ``n_designs = n`` the two
    agree); dies per wafer counted exactly unless ``die_count="gross"``.
    Kept as the tool has them, though they look unintended: the chip-first
    yield has no bond term; the Advanced package NRE adds the substrate area
    times the substrate's *recurring* rate (0.005 USD/mm^2); FO's fixed
    carrier NRE is ``0.5 * NRE / 300`` like its per-mm^2 rate.

    References
    ----------
    .. [1] Y. Feng, K. Ma, "Chiplet Actuary: a quantitative cost model and
       multi-chiplet architecture exploration", DAC 2022.

    Examples
    --------
    >>> s = chiplet_system_cost("chiplet-actuary", "5nm", 200.0, 4, "si-interposer",
    ...                         volume=500_000, die_count="gross")
    >>> round(s.carrier_yield, 4), round(s.assembly_yield, 4)  # (1 + 8.8 * 0.06 / 6) ** -6, 0.95 ** 4 * 0.99
    (0.6029, 0.8063)
    >>> [round(x, 2) for x in (s.silicon_usd, s.packaging_usd, s.yield_loss_usd, s.re_usd)]
    [246.03, 66.91, 179.04, 492.02]
    >>> round(s.nre_total_usd / 1e6, 2), round(s.nre_usd, 2), round(s.total_usd, 2)  # one chiplet design
    (433.75, 867.51, 1359.53)
    """
    return _system("chiplets", costs, node, die_area_mm2, n_dies, packaging, volume, n_designs,
                   d2d_area_mm2, chip_first, die_yield, test_coverage, die_count, yields, die_width_mm,
                   spare_dies_per_row, die_rows)


def monolithic_cost(
    costs: CostParameters | str | os.PathLike[str],
    node: str,
    die_area_mm2: float,
    *,
    volume: int,
    packaging: str = "organic-substrate",
    die_yield: float | None = None,
    test_coverage: float = 1.0,
    die_count: str = "exact",
    yields: ParameterSet | str | os.PathLike[str] | None = None,
    die_width_mm: float | None = None,
) -> SystemCost:
    """Cost of one working system of a single die in a package (Chiplet Actuary's ``SoC``).

    :func:`chiplet_system_cost` with one die of one design, no die-to-die
    PHY and chip-last assembly; the organic substrate's layer factor is 1 for
    one die, as in the tool.

    Parameters
    ----------
    costs, node, die_area_mm2, volume, die_yield, test_coverage, die_count, yields, die_width_mm
        As in :func:`chiplet_system_cost`.
    packaging : str, default "organic-substrate"

    Returns
    -------
    SystemCost
        With ``kind="monolithic"``.

    Raises
    ------
    ParameterError
        As :func:`chiplet_system_cost`.

    Examples
    --------
    >>> s = monolithic_cost("chiplet-actuary", "5nm", 800.0, volume=500_000, die_count="gross")
    >>> round(s.re_usd, 2), round(s.assembly_yield, 2)  # (671.7 + 800 * 0.005 + 3200 * 0.005) / 0.99
    (698.69, 0.99)
    >>> round(s.nre_total_usd / 1e6, 2)  # 0.8 * 5.42e8 * 800 / 300 + 0.2 * 5.42e8 + 3200 * 3e3 + 3e5
    1274.57
    """
    return _system("monolithic", costs, node, die_area_mm2, 1, packaging, volume, 1, 0.0, False,
                   die_yield, test_coverage, die_count, yields, die_width_mm)


def wafer_scale_cost(
    costs: CostParameters | str | os.PathLike[str],
    node: str,
    silicon_area_mm2: float,
    system_yield: float,
    *,
    volume: int,
    design_area_mm2: float,
    assembly_yield: float = 1.0,
    yields: ParameterSet | str | os.PathLike[str] | None = None,
) -> SystemCost:
    """Cost of one working wafer-scale system: a whole wafer, tested, repaired and packaged.

    Parameters
    ----------
    costs : CostParameters, str or os.PathLike
        The cost set; it must have a ``[wafer_scale]`` table.
    node : str
        Process node of the wafer.
    silicon_area_mm2 : float
        Area of the wafer-scale die in mm^2, > 0 and at most the usable wafer
        area ``pi (diameter / 2 - edge_exclusion) ** 2`` of the yield set's
        wafer (WSE: 46,225 mm^2). Test and packaging scale with it.
    system_yield : float
        Probability in (0, 1] that a wafer is usable after test and repair
        (redundancy and remapping are modelled elsewhere, e.g.
        :func:`yieldmodels.k_of_n_yield`).
    volume : int
        Systems the NRE is spread over, >= 1.
    design_area_mm2 : float
        Area of distinct design, in (0, silicon_area_mm2], that module and
        chip NRE are paid on: for a wafer of identical stitched reticle
        fields, one field (WSE: 46,225 / 84 = 550 mm^2). Chiplet Actuary's
        per-mm^2 NRE over the whole wafer (46,225 mm^2 at 5 nm: 6.7e10 USD)
        would price every field as a new design.
    assembly_yield : float, default 1.0
        Probability in (0, 1] that packaging a good wafer succeeds (no figure
        in the source).
    yields : ParameterSet, str, os.PathLike or None, default None
        The yield set, for its wafer geometry; None takes the cost set's.

    Returns
    -------
    SystemCost
        ``kind="wafer-scale"``, ``n_dies=1``, ``die_yield=system_yield``.

    Raises
    ------
    ParameterError
        On an argument out of range, an unknown node, or a cost set without
        ``[wafer_scale]``.

    Notes
    -----
    O(1). With ``W`` the wafer price, ``t`` the test cost (``test.usd_per_mm2
    * silicon_area_mm2``), ``P`` the packaging (``wafer_scale.packaging_usd_per_mm2
    * silicon_area_mm2``), ``y`` the system yield and ``a`` the assembly
    yield: ``RE = ((W + t) / y + P) / a``; a wafer that fails repair is not
    packaged. NRE: module ``module_rate * design_area``, chip ``chip_rate *
    design_area + chip_fixed``, package ``wafer_scale.packaging_nre_usd``.
    Chiplet Actuary has no wafer-scale model; the shipped ``[wafer_scale]``
    figures are estimates (see the TOML).

    Examples
    --------
    >>> s = wafer_scale_cost("chiplet-actuary", "5nm", 46_225.0, 0.9, volume=1000,
    ...                      design_area_mm2=550.0)
    >>> round(s.silicon_usd), round(s.packaging_usd), round(s.re_usd)  # (16988 + 2.77) / 0.9 + 1155.6
    (16988, 1156, 20034)
    >>> round(s.nre_total_usd / 1e6, 1), round(s.total_usd)  # NRE on 550 mm^2, over 1000 systems
    (913.9, 933964)
    """
    cp, ys = _resolve(costs, yields)
    nc = cp.node(node)
    ws = cp.wafer_scale
    if ws is None:
        raise ParameterError(
            f"wafer_scale must be given in cost set {cp.name!r} for wafer_scale_cost, got None"
        )
    area = check_positive("silicon_area_mm2", silicon_area_mm2, "mm^2")
    w = _wafer(ys)
    usable = math.pi * (w.diameter_mm / 2.0 - w.edge_exclusion_mm) ** 2
    if area > usable:
        raise ParameterError(
            f"silicon_area_mm2 must be <= the usable wafer area {usable:.6g} (mm^2), got {area!r}"
        )
    y = _probability_positive("system_yield", system_yield)
    a = _probability_positive("assembly_yield", assembly_yield)
    v = check_int("volume", volume, minimum=1)
    design = check_positive("design_area_mm2", design_area_mm2, "mm^2")
    if design > area:
        raise ParameterError(f"design_area_mm2 must be <= silicon_area_mm2 = {area!r} (mm^2), got {design!r}")
    silicon = nc.wafer_usd
    test = cp.test.usd_per_mm2 * area
    pkg = ws.packaging_usd_per_mm2 * area
    for name, value in [("system_yield", y), ("assembly_yield", a)]:
        if not math.isfinite((silicon + test + pkg) / (y * a)):
            raise ParameterError(f"{name} must give a finite cost per working system, got {value!r}")
    module_nre, chip_nre = _nre(cp, node, design, 1, 0.0)
    return SystemCost(
        kind="wafer-scale", node=node, packaging="wafer-scale", n_dies=1, die_area_mm2=area,
        volume=v, die_yield=y, carrier_yield=1.0, assembly_yield=a, silicon_usd=silicon,
        test_usd=test, packaging_usd=pkg, die_yield_loss_usd=(silicon + test) * (1.0 / y - 1.0),
        assembly_loss_usd=((silicon + test) / y + pkg) * (1.0 / a - 1.0),
        module_nre_usd=module_nre, chip_nre_usd=chip_nre, package_nre_usd=ws.packaging_nre_usd,
    )  # fmt: skip
