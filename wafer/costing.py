"""What a working system costs on each side of a study, by :mod:`yieldmodels.cost`.

Both sides are priced from the same cost set (default Chiplet Actuary's,
Feng & Ma, DAC 2022), at the same process node and over the same volume,
with the yields the study measured:

- wafer-scale: :func:`yieldmodels.cost.wafer_scale_cost`, a whole wafer a
  system, divided by the study's repair rate (a wafer that fails repair is
  not packaged);
- chiplets: :func:`yieldmodels.cost.chiplet_system_cost`, known-good dies of
  the chiplet split (counted as the reticle fields they are) on the chosen
  packaging, at the dies' yield (their measured repair rate where they carry
  the wafer's scheme, else the negative binomial).

Like for like, both pay module and chip NRE on one reticle field's design:
the WSE is one field stepped 84 times, the chiplet system 84 copies of one
die. The shipped cost set's test cost and wafer-scale package are estimates
(``yieldmodels/data/cost/chiplet_actuary.toml``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from paramcheck import ParameterError, check_instance, check_int, check_str
from yieldmodels.cost import SystemCost, chiplet_system_cost, load_cost_parameters, wafer_scale_cost

from .chiplet import ChipletSpec
from .geometry import WaferSpec

__all__ = ["CostSpec", "StudyCosts", "study_costs"]

#: Largest volume a cost spec takes (systems).
MAX_VOLUME = 10**12


@dataclass(frozen=True)
class CostSpec:
    """How a study prices its systems.

    Parameters
    ----------
    node : str
        Process node of the silicon, a node of the cost set (``"5nm"`` for
        the WSE-3, TSMC N5).
    volume : int
        Systems the design's NRE is spread over (both sides alike).
    cost_set : str
        Shipped cost set name or TOML path (:func:`yieldmodels.cost.load_cost_parameters`).

    Examples
    --------
    >>> CostSpec().costs.node("5nm").wafer_usd
    16988.0
    """

    node: str = "5nm"
    volume: int = 1000
    cost_set: str = "chiplet-actuary"

    def __post_init__(self) -> None:
        check_str("node", self.node)
        check_int("volume", self.volume, maximum=MAX_VOLUME)
        check_str("cost_set", self.cost_set)
        self.costs.node(self.node)  # checks the node (with a "did you mean")

    @property
    def costs(self):
        """The cost set (:class:`yieldmodels.cost.CostParameters`)."""
        try:
            return load_cost_parameters(self.cost_set)
        except ParameterError as exc:
            raise ParameterError(f"cost_set: {exc}") from None


@dataclass(frozen=True)
class StudyCosts:
    """The cost of a working system on each side, with 95% intervals from the yields'.

    Attributes
    ----------
    spec : CostSpec
    wafer, chiplet : yieldmodels.cost.SystemCost or None
        At the measured yield; None where it has no price (``*_missing`` says why).
    wafer_total_ci, chiplet_total_ci : (float, float)
        Total cost per working system at the yields' interval ends (inf
        where the lower end is 0).
    wafer_missing, chiplet_missing : str
        Why a side has no price ("" where it has one).
    """

    spec: CostSpec
    wafer: SystemCost | None
    wafer_total_ci: tuple
    chiplet: SystemCost | None
    chiplet_total_ci: tuple
    wafer_missing: str = ""
    chiplet_missing: str = ""


def _at(price, rate: tuple) -> tuple:
    """``price(y)`` at the rate's mean, its totals at the interval ends (cost
    falls as yield rises), and why there is no price: no working system, or
    dies the cost set's wafer cannot hold (its message)."""
    mean, lo, hi = rate
    if not mean > 0:
        return None, (math.inf, math.inf), "no working system"
    try:
        value = price(mean)
    except ParameterError as exc:  # the inputs were checked by the study: only the geometry can refuse
        return None, (math.inf, math.inf), str(exc)
    ends = tuple(price(y).total_usd if y > 0 else math.inf for y in (min(1.0, hi), lo))
    return value, ends, ""


def study_costs(spec: CostSpec, wafer: WaferSpec, chiplet: ChipletSpec, repair_rate: tuple,
                die_rate: tuple) -> StudyCosts:
    """Both sides' cost per working system.

    Parameters
    ----------
    spec : CostSpec
    wafer : WaferSpec
    chiplet : ChipletSpec
    repair_rate, die_rate : (mean, low, high)
        The wafers' repair rate and the chiplet dies' yield, with their 95% intervals.

    Notes
    -----
    O(1) for the wafer; the chiplet side counts its dies per wafer exactly
    (milliseconds), three times. Constant per study.

    Examples
    --------
    >>> c = study_costs(CostSpec(), WaferSpec(), ChipletSpec(), (1.0, 1.0, 1.0), (1.0, 1.0, 1.0))
    >>> round(c.wafer.re_usd), round(c.chiplet.re_usd)  # one wafer's silicon and package, 84 dies on a substrate
    (18146, 38375)
    """
    check_instance("spec", spec, CostSpec)
    check_instance("wafer", wafer, WaferSpec)
    check_instance("chiplet", chiplet, ChipletSpec)
    die_w, die_h = wafer.die_width_mm / chiplet.dies_x, wafer.die_height_mm / chiplet.dies_y
    field = die_w * die_h
    costs = spec.costs
    yields = chiplet.yield_parameters(wafer)

    def wafer_side(y: float) -> SystemCost:
        return wafer_scale_cost(costs, spec.node, wafer.die_area_mm2, y, volume=spec.volume,
                                design_area_mm2=field, yields=chiplet.parameter_set)

    def chiplet_side(y: float) -> SystemCost:
        return chiplet_system_cost(costs, spec.node, field, chiplet.n_dies, chiplet.packaging, volume=spec.volume,
                                   die_yield=y, test_coverage=chiplet.test_coverage, yields=yields,
                                   die_width_mm=die_w, spare_dies_per_row=chiplet.spare_dies_per_row,
                                   die_rows=chiplet.dies_y)

    w, w_ci, w_why = _at(wafer_side, repair_rate)
    c, c_ci, c_why = _at(chiplet_side, die_rate)
    return StudyCosts(spec, w, w_ci, c, c_ci, w_why, c_why)
