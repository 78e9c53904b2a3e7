"""Chiplet system assembly yield from known-good dies.

Multi-die systems test dies before assembly, so only known-good dies (KGD)
are bonded: die yield decides how many dies a wafer gives, not whether an
assembled system works. What can still fail is bonding: each die bond
succeeds independently with probability ``bond_yield``, and one failed bond
scraps the whole package (no rework), discarding its good dies too.
"""

from __future__ import annotations

from .errors import _check_int, _check_nonnegative, _check_probability

__all__ = ["good_systems_per_wafer", "system_yield"]


def system_yield(n_dies: int, bond_yield: float = 1.0) -> float:
    """Probability that a package of ``n_dies`` known-good dies is assembled without fault.

    Parameters
    ----------
    n_dies : int
        Dies bonded into one package, >= 1.
    bond_yield : float, default 1.0
        Probability that one die bonds successfully, in [0, 1]. Chiplet
        Actuary defaults [1]_: 0.99 organic substrate, 0.98 InFO (RDL),
        0.95 silicon interposer.

    Returns
    -------
    float
        ``bond_yield ** n_dies``.

    Raises
    ------
    ParameterError
        If ``n_dies`` is not an integer >= 1 or ``bond_yield`` is outside
        [0, 1].

    Notes
    -----
    O(1). Dies are tested before bonding (known-good), so their die yield does
    not enter; a single failed bond discards the whole package, as in the
    Chiplet Actuary cost model [1]_.

    References
    ----------
    .. [1] Y. Feng, K. Ma, "Chiplet Actuary: a quantitative cost model and
       multi-chiplet architecture exploration", DAC 2022.

    Examples
    --------
    >>> round(system_yield(25, 0.98), 6)  # a Dojo-like tile on InFO
    0.603465
    >>> system_yield(4)
    1.0
    """
    n = _check_int("n_dies", n_dies, minimum=1)
    b = _check_probability("bond_yield", bond_yield)
    return b**n


def good_systems_per_wafer(
    good_dies_per_wafer: float, n_dies: int, bond_yield: float = 1.0
) -> float:
    """Expected working systems built from one wafer's known-good dies.

    Parameters
    ----------
    good_dies_per_wafer : float
        Known-good dies per wafer (e.g. dies per wafer times die yield), >= 0.
    n_dies : int
        Dies per system, >= 1.
    bond_yield : float, default 1.0
        Per-die bonding yield in [0, 1]; see :func:`system_yield`.

    Returns
    -------
    float
        ``good_dies_per_wafer / n_dies * bond_yield ** n_dies``. A value below
        1 means one system needs several wafers' worth of good dies.

    Raises
    ------
    ParameterError
        On a negative or non-finite die count, ``n_dies`` < 1, or
        ``bond_yield`` outside [0, 1].

    Notes
    -----
    O(1). An expectation: fractional systems are kept (dies left over on one
    wafer combine with the next wafer's), as in wafer-cost comparisons.

    Examples
    --------
    >>> round(good_systems_per_wafer(100.0, 25, 0.98), 6)
    2.413859
    """
    g = _check_nonnegative("good_dies_per_wafer", good_dies_per_wafer)
    n = _check_int("n_dies", n_dies, minimum=1)
    return g / n * system_yield(n, bond_yield)
