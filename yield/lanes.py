"""A die's bond yield when its die-to-die lanes are repaired (UCIe lane repair).

A published bond yield per die (Chiplet Actuary: 0.99 on an organic
substrate, 0.95 on a silicon interposer) is the chance that none of a die's
bonds fails. Some of those failures fall on die-to-die data lanes, and a
link module with redundant lanes (UCIe Advanced: 2 per group of 32) remaps
up to that many faulty lanes per group instead of losing the die.
:func:`lane_repaired_bond_yield` gives the die's bond yield with that repair.

The model:

- bond failures per die are Poisson with mean ``lam = -ln(bond_yield)``; a
  share ``lane_share`` of them falls on the die's data lanes, evenly (so a
  lane is faulty with ``p = 1 - exp(-lane_share lam / data lanes)``), the
  rest on bonds no lane repair covers;
- the redundant lanes are bumps too, faulty with the same ``p``; a group of
  ``g`` data and ``m`` redundant lanes works when at most ``m`` of its
  ``g + m`` lanes are faulty (UCIe remaps data lanes in order onto the good
  ones, so any ``m`` faults are repaired);
- groups are independent.

Without redundant lanes (or with ``lane_share = 0``) the yield is the
published ``bond_yield`` exactly; with them it is at least that and at most
``bond_yield ** (1 - lane_share)`` (every lane fault repaired). Which share
of a die's bond failures are lane faults is not published: ``lane_share =
1`` is the most lane repair can buy, an upper bound.
"""

from __future__ import annotations

import math

from scipy import stats

from paramcheck import ParameterError, check_instance, check_int, check_probability

from .limits import LaneRepair, load_packaging_limits

__all__ = ["lane_repaired_bond_yield"]


def lane_repaired_bond_yield(
    bond_yield: float, modules: int, module: LaneRepair | str, *, lane_share: float = 1.0
) -> float:
    """The bond yield of a die whose die-to-die link modules repair faulty lanes.

    Parameters
    ----------
    bond_yield : float
        The published bond yield per die, without lane repair, in (0, 1].
    modules : int
        Link modules on the die, >= 1, each of ``module.data_lanes`` data
        lanes in one direction (a die's transmit and receive sides are
        separate modules).
    module : yieldmodels.limits.LaneRepair or str
        The module's lane repair, or the name of one in the shipped
        packaging limits (``"ucie-advanced-x64"``, ``"ucie-advanced-x32"``,
        ``"ucie-standard-x16"``).
    lane_share : float, default 1.0
        Share of the die's bond failures that fall on its data lanes, in
        [0, 1]. Not published; 1 gives the most lane repair can buy.

    Returns
    -------
    float
        ``bond_yield ** (1 - lane_share) * P(group works) ** groups``, with
        ``groups = modules * module.groups`` and a group working when at
        most ``module.max_repairs_per_group`` of its data and redundant
        lanes are faulty.

    Raises
    ------
    ParameterError
        If ``bond_yield`` is not in (0, 1], ``modules`` is not an integer
        >= 1, ``module`` is neither a LaneRepair nor a shipped module's
        name (with a "did you mean"), or ``lane_share`` is not in [0, 1].

    Notes
    -----
    O(1). The per-group failure probability is the binomial survival
    function (``scipy.stats.binom.sf``, accurate where it is far below the
    float spacing near 1), raised to the number of groups through ``log1p``.

    Examples
    --------
    >>> round(lane_repaired_bond_yield(0.95, 86, "ucie-advanced-x64"), 9)  # every bond failure on a lane
    1.0
    >>> round(lane_repaired_bond_yield(0.95, 86, "ucie-advanced-x64", lane_share=0.5), 6)  # sqrt(0.95)
    0.974679
    >>> lane_repaired_bond_yield(0.95, 86, "ucie-standard-x16")  # no redundant lanes: the published yield
    0.95
    """
    b = check_probability("bond_yield", bond_yield)
    if b == 0.0:
        raise ParameterError("bond_yield must be in (0, 1] with lane repair, got 0.0")
    n = check_int("modules", modules, minimum=1, maximum=2**40)
    if isinstance(module, str):
        module = load_packaging_limits().lane_repair(module)
    check_instance("module", module, LaneRepair, what="a LaneRepair or a lane repair module's name")
    s = check_probability("lane_share", lane_share)
    lam = -math.log(b)
    m = module.max_repairs_per_group
    if m == 0 or s == 0.0 or lam == 0.0:
        return b
    groups = n * module.groups
    p = -math.expm1(-s * lam / (n * module.data_lanes))
    fails = float(stats.binom.sf(m, module.repair_group_lanes + m, p))
    return math.exp(-(1.0 - s) * lam + groups * math.log1p(-fails))
