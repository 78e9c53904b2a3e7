"""Chiplet system yield: known-good-die testing, bonding, carrier and package yield.

Multi-die systems test dies before assembly and bond only dies that pass
test. Three things can still scrap an assembled package (no rework):

- a die that passed test is actually bad (a *test escape*): with fault
  coverage below 1 some bad dies pass (:func:`kgd_yield`,
  :func:`defect_level`);
- a bond fails: each die bonds independently with probability
  ``bond_yield`` (:func:`system_yield`);
- the carrier the dies sit on (an RDL fan-out or a silicon interposer) has
  a defect of its own: a negative binomial yield of the carrier's area with
  the carrier's ``d0`` and ``alpha`` (:func:`carrier_yield`), possibly times
  the yield of bonding the carrier to the package substrate.

:func:`package_yield` multiplies these for one package of ``n`` dies, and
:func:`chiplet_system` goes from die area and process to good systems per
wafer and silicon consumed per good system (:class:`ChipletSystem`).
Published parameter sets (e.g. the Chiplet Actuary defaults) are loaded with
:func:`yieldmodels.parameters.load_parameter_set` and applied with
:meth:`ChipletSystem.from_parameters`.

Units: areas in mm^2, lengths in mm, defect densities in defects per cm^2.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from scipy import special

from .closed_form import negative_binomial_yield, poisson_yield
from .dies import exact_dies_per_wafer
from paramcheck import (
    ParameterError,
    check_choice,
    check_int,
    check_nonnegative,
    check_positive,
    check_probability,
)

if TYPE_CHECKING:  # pragma: no cover
    from .parameters import ParameterSet

__all__ = [
    "DEFECT_LEVEL_MODELS",
    "ChipletSystem",
    "carrier_yield",
    "chiplet_system",
    "defect_level",
    "good_systems_per_wafer",
    "kgd_pass_rate",
    "kgd_yield",
    "package_yield",
    "system_yield",
]

#: Names accepted by the ``model`` argument of :func:`defect_level` and :func:`kgd_yield`.
DEFECT_LEVEL_MODELS = ("conditional", "williams-brown")


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
    Chiplet Actuary cost model [1]_. :func:`package_yield` adds test escapes
    and the carrier's yield.

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
    n = check_int("n_dies", n_dies, minimum=1)
    b = check_probability("bond_yield", bond_yield)
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
    wafer combine with the next wafer's), as in wafer-cost comparisons. Test
    escapes and carrier yield are in :func:`chiplet_system`.

    Examples
    --------
    >>> round(good_systems_per_wafer(100.0, 25, 0.98), 6)
    2.413859
    """
    g = check_nonnegative("good_dies_per_wafer", good_dies_per_wafer)
    n = check_int("n_dies", n_dies, minimum=1)
    return g / n * system_yield(n, bond_yield)


# ----------------------------------------------------------------- known-good-die testing


def _check_model(model: object) -> str:
    return check_choice("model", model, DEFECT_LEVEL_MODELS)


def kgd_pass_rate(die_yield: float, test_coverage: float = 1.0) -> float:
    """Fraction of fabricated dies that pass known-good-die test.

    Parameters
    ----------
    die_yield : float
        Probability ``Y`` that a die is good, in [0, 1].
    test_coverage : float, default 1.0
        Probability ``c`` that test detects a bad die, in [0, 1].

    Returns
    -------
    float
        ``Y + (1 - Y) (1 - c)``: every good die passes (no false rejects),
        and a bad die passes when its fault escapes test.

    Raises
    ------
    ParameterError
        If either argument is outside [0, 1].

    Notes
    -----
    O(1). This is the per-die escape model behind the ``"conditional"``
    defect level of :func:`defect_level`.

    Examples
    --------
    >>> round(kgd_pass_rate(0.8, 0.9), 12)  # 0.8 + 0.2 * 0.1
    0.82
    >>> kgd_pass_rate(0.8)
    0.8
    """
    y = check_probability("die_yield", die_yield)
    c = check_probability("test_coverage", test_coverage)
    return y + (1.0 - y) * (1.0 - c)


def defect_level(
    die_yield: float, test_coverage: float = 1.0, *, model: str = "conditional"
) -> float:
    """Defect level: the fraction of dies passing test that are actually bad.

    Parameters
    ----------
    die_yield : float
        Probability ``Y`` that a die is good, in [0, 1].
    test_coverage : float, default 1.0
        Fault coverage ``c`` of the die test, in [0, 1].
    model : {"conditional", "williams-brown"}, default "conditional"
        ``"conditional"``: each bad die escapes test independently with
        probability ``1 - c``, so by Bayes' rule
        ``DL = (1 - Y)(1 - c) / (Y + (1 - Y)(1 - c))``.
        ``"williams-brown"``: ``DL = 1 - Y ** (1 - c)`` [1]_, which treats a
        bad die as carrying many faults each detected with probability ``c``
        (coverage is a fraction of modelled faults).

    Returns
    -------
    float
        The defect level in [0, 1]; also the probability ``kgd_escape`` that
        a die bonded as known-good is bad (see :func:`package_yield`). 0 when
        no die passes test (``Y = 0``, ``c = 1``).

    Raises
    ------
    ParameterError
        If ``die_yield`` or ``test_coverage`` is outside [0, 1], or ``model``
        is unknown (with a "did you mean").

    Notes
    -----
    O(1). The two models agree at the limits: ``c = 1`` gives 0 (no escapes)
    and ``c = 0`` gives ``1 - Y`` (test passes every die). In between the
    conditional model's defect level is higher: with ``Y = 0.8`` and
    ``c = 0.9`` it is 0.0244, Williams-Brown 0.0221. The conditional model is
    the default because it is the one :func:`package_yield` and the Monte
    Carlo tests simulate exactly (one Bernoulli escape per bad die).

    References
    ----------
    .. [1] T. W. Williams, N. C. Brown, "Defect level as a function of fault
       coverage", IEEE Trans. Computers C-30(12), 987-988, 1981.

    Examples
    --------
    >>> round(defect_level(0.8, 0.9), 6)  # 0.2 * 0.1 / 0.82
    0.02439
    >>> round(defect_level(0.8, 0.9, model="williams-brown"), 6)  # 1 - 0.8 ** 0.1
    0.022067
    >>> defect_level(0.8, 1.0), round(defect_level(0.8, 0.0), 12)
    (0.0, 0.2)
    """
    y = check_probability("die_yield", die_yield)
    c = check_probability("test_coverage", test_coverage)
    m = _check_model(model)
    if m == "conditional":
        passed = kgd_pass_rate(y, c)
        return 0.0 if passed == 0.0 else (1.0 - y) * (1.0 - c) / passed
    if y == 0.0:
        return 0.0 if c == 1.0 else 1.0
    return -math.expm1((1.0 - c) * math.log(y))


def kgd_yield(
    die_yield: float, test_coverage: float = 1.0, *, model: str = "conditional"
) -> float:
    """Probability that a die which passed known-good-die test is actually good.

    Parameters
    ----------
    die_yield : float
        Probability ``Y`` that a die is good, in [0, 1].
    test_coverage : float, default 1.0
        Fault coverage ``c`` of the die test, in [0, 1].
    model : {"conditional", "williams-brown"}, default "conditional"
        How escapes depend on coverage; see :func:`defect_level`.

    Returns
    -------
    float
        ``1 - defect_level(Y, c, model=model)``: ``Y / (Y + (1 - Y)(1 - c))``
        (conditional) or ``Y ** (1 - c)`` (Williams-Brown [1]_). 1 with full
        coverage; at least ``Y``.

    Raises
    ------
    ParameterError
        If an argument is outside [0, 1] or ``model`` is unknown.

    Notes
    -----
    O(1). "Known-good" is only as good as the test: the tested-good die yield
    is what :func:`package_yield` sees as ``(1 - kgd_escape)`` per die.

    References
    ----------
    .. [1] T. W. Williams, N. C. Brown, "Defect level as a function of fault
       coverage", IEEE Trans. Computers C-30(12), 987-988, 1981.

    Examples
    --------
    >>> round(kgd_yield(0.8, 0.9), 6)  # 0.8 / 0.82
    0.97561
    >>> round(kgd_yield(0.8, 0.9, model="williams-brown"), 6)  # 0.8 ** 0.1
    0.977933
    >>> kgd_yield(0.5)
    1.0
    """
    y = check_probability("die_yield", die_yield)
    c = check_probability("test_coverage", test_coverage)
    m = _check_model(model)
    if m == "conditional":
        passed = y + (1.0 - y) * (1.0 - c)
        return 1.0 if passed == 0.0 else y / passed
    if y == 0.0:
        return 1.0 if c == 1.0 else 0.0
    return math.exp((1.0 - c) * math.log(y))


# ----------------------------------------------------------------- carrier and package


def carrier_yield(area_mm2: float, d0: float, alpha: float | None = None) -> float:
    """Yield of a package carrier (RDL fan-out, silicon interposer) of its own area.

    Parameters
    ----------
    area_mm2 : float
        Carrier area in mm^2, >= 0.
    d0 : float
        The carrier process's defect density in defects per cm^2, >= 0.
    alpha : float or None, default None
        Negative-binomial clustering parameter, > 0; None for the Poisson
        model (no clustering). Chiplet Actuary [1]_: RDL D0 0.05, alpha 3;
        silicon interposer D0 0.06, alpha 6.

    Returns
    -------
    float
        ``(1 + A D0 / alpha) ** -alpha`` (see
        :func:`yieldmodels.negative_binomial_yield`), or ``exp(-A D0)``.

    Raises
    ------
    ParameterError
        On a negative or non-finite area or density, or ``alpha <= 0``.

    Notes
    -----
    O(1). The carrier is a die of its own made on a mature process; its
    defects scrap the package after the dies are bonded to it (chip-last
    assembly, as in Chiplet Actuary).

    References
    ----------
    .. [1] Y. Feng, K. Ma, "Chiplet Actuary: a quantitative cost model and
       multi-chiplet architecture exploration", DAC 2022.

    Examples
    --------
    >>> round(carrier_yield(1000.0, 0.06, 6.0), 6)  # (1 + 0.6 / 6) ** -6
    0.564474
    >>> carrier_yield(0.0, 0.05, 3.0)
    1.0
    """
    a = check_nonnegative("area_mm2", area_mm2, "mm^2")
    d = check_nonnegative("d0", d0, "defects per cm^2")
    if alpha is None:
        return float(poisson_yield(a, d))
    al = check_positive("alpha", alpha)
    return float(negative_binomial_yield(a, d, al))


def package_yield(
    n_dies: int,
    *,
    bond_yield: float = 1.0,
    kgd_escape: float = 0.0,
    carrier_yield: float = 1.0,
    spare_dies_per_row: int = 0,
    rows: int = 1,
) -> float:
    """Probability that one package of ``n_dies`` tested-good dies works.

    Parameters
    ----------
    n_dies : int
        Dies the package needs, >= 1.
    bond_yield : float, default 1.0
        Probability that one die bonds, in [0, 1].
    kgd_escape : float, default 0.0
        Probability that a die which passed test is bad (the defect level,
        :func:`defect_level`), in [0, 1].
    carrier_yield : float, default 1.0
        Probability that the carrier (and its own bond to the substrate, if
        any) is good, in [0, 1]; see :func:`carrier_yield`.
    spare_dies_per_row : int, default 0
        Spare die sites at the end of each of ``rows`` rows of dies, >= 0:
        package-level shift-to-spare, a row working when at least its
        ``n_dies / rows`` dies of the ``n_dies / rows + spare_dies_per_row``
        placed work.
    rows : int, default 1
        Rows the ``n_dies`` dies are laid out in, dividing ``n_dies``.

    Returns
    -------
    float
        Without spares ``bond_yield ** n * (1 - kgd_escape) ** n *
        carrier_yield``: every bond succeeds, no tested-good die is bad, and
        the carrier is good. With ``s`` spares a row of ``m = n / rows``:
        ``P(Bin(m + s, b (1 - e)) >= m) ** rows * carrier_yield``.

    Raises
    ------
    ParameterError
        If ``n_dies`` is not an integer >= 1, a probability is outside
        [0, 1], ``spare_dies_per_row`` is not an integer >= 0 or ``rows``
        does not divide ``n_dies``.

    Notes
    -----
    O(1). All events are independent; without spares one failure scraps the
    package (no rework). With ``kgd_escape = 0`` and ``carrier_yield = 1``
    and no spares this is :func:`system_yield`. The row's binomial tail is
    the regularised incomplete beta (``scipy.special.betaincc``), as
    :func:`yieldmodels.k_of_n_yield` computes its own.

    Examples
    --------
    >>> package_yield(4, bond_yield=0.99) == system_yield(4, 0.99)
    True
    >>> round(package_yield(4, bond_yield=0.95, kgd_escape=0.01, carrier_yield=0.9), 6)
    0.70417
    >>> round(package_yield(4, bond_yield=0.95, rows=2, spare_dies_per_row=1), 6)  # (0.95^3 + 3 0.95^2 0.05)^2
    0.985553
    """
    n = check_int("n_dies", n_dies, minimum=1)
    b = check_probability("bond_yield", bond_yield)
    e = check_probability("kgd_escape", kgd_escape)
    cy = check_probability("carrier_yield", carrier_yield)
    s, r = _check_rows(n, spare_dies_per_row, rows)
    if s == 0:
        return b**n * (1.0 - e) ** n * cy
    return _row_yield(n // r, s, b * (1.0 - e)) ** r * cy


def _row_yield(per_row: int, spares: int, good: float) -> float:
    """A row of ``per_row`` needed dies and ``spares`` spare sites works: at most
    ``spares`` of its placed dies fail, each working with ``good``."""
    if spares == 0:
        return good**per_row
    return float(special.betaincc(spares + 1, per_row, 1.0 - good))


def _check_rows(n_dies: int, spare_dies_per_row: object, rows: object) -> tuple[int, int]:
    """``(spare_dies_per_row, rows)`` checked against ``n_dies``."""
    s = check_int("spare_dies_per_row", spare_dies_per_row, minimum=0)
    r = check_int("rows", rows, minimum=1)
    if n_dies % r:
        raise ParameterError(f"rows must divide n_dies = {n_dies}, got {r}")
    return s, r


# ----------------------------------------------------------------- whole system


@dataclass(frozen=True)
class ChipletSystem:
    """Yield and silicon cost of a system of ``n_dies`` identical tested dies.

    Built by :func:`chiplet_system` or :meth:`from_parameters`; every field
    is plain data, checked on construction (ParameterError naming a field
    out of its range). Lengths in mm, areas in mm^2, densities per cm^2.

    Attributes
    ----------
    die_width_mm, die_height_mm, die_area_mm2 : float
        Die size.
    n_dies : int
        Dies per system (needed).
    d0, alpha : float
        Die defect density and clustering.
    wafer_diameter_mm, scribe_mm, edge_exclusion_mm : float
        Wafer geometry used for the die count.
    die_yield : float
        Negative binomial die yield ``Y``.
    dies_per_wafer : int
        Whole dies on the wafer grid (:func:`yieldmodels.exact_dies_per_wafer`).
    test_coverage : float
        Fault coverage ``c`` of known-good-die test.
    defect_level_model : str
        ``"conditional"`` or ``"williams-brown"`` (:func:`defect_level`).
    kgd_pass_rate : float
        Fraction of dies that pass test, ``Y + (1 - Y)(1 - c)``.
    dies_passing_test_per_wafer : float
        ``dies_per_wafer * kgd_pass_rate``.
    kgd_escape : float
        Probability that a die passing test is bad (the defect level).
    bond_yield : float
        Per-die bond yield.
    carrier_area_mm2, carrier_d0 : float
        Carrier (RDL or interposer) area and defect density (0 for none).
    carrier_alpha : float or None
        Carrier clustering; None means Poisson.
    carrier_yield : float
        Defect-limited carrier yield (:func:`carrier_yield`).
    carrier_bond_yield : float
        Yield of bonding the carrier to the package substrate.
    package_yield : float
        ``bond_yield ** n (1 - kgd_escape) ** n carrier_yield carrier_bond_yield``
        without spare dies (:func:`package_yield`).
    good_systems_per_wafer : float
        ``dies_passing_test_per_wafer / dies_placed * package_yield`` (an
        expectation; fractions kept).
    wafer_area_mm2 : float
        ``pi (wafer_diameter / 2) ** 2``, the whole wafer including the
        excluded rim.
    silicon_per_good_system_mm2 : float
        Whole-wafer silicon per good system: ``wafer_area_mm2 /
        good_systems_per_wafer`` (inf when no system is good). Includes
        scribe lanes, edge loss and partial dies; excludes the carrier.
    die_silicon_per_good_system_mm2 : float
        Die silicon only: ``dies_placed * die_area_mm2 / (kgd_pass_rate *
        package_yield)``, the area of the dies fabricated for each good
        system (inf when no system can be good). Excludes scribe, edge loss,
        partial dies and the carrier.
    spare_dies_per_row, die_rows : int
        Spare die sites at the end of each row of dies, and the rows
        (:func:`package_yield`); 0 and 1 without spares.
    """

    die_width_mm: float
    die_height_mm: float
    die_area_mm2: float
    n_dies: int
    d0: float
    alpha: float
    wafer_diameter_mm: float
    scribe_mm: float
    edge_exclusion_mm: float
    die_yield: float
    dies_per_wafer: int
    test_coverage: float
    defect_level_model: str
    kgd_pass_rate: float
    dies_passing_test_per_wafer: float
    kgd_escape: float
    bond_yield: float
    carrier_area_mm2: float
    carrier_d0: float
    carrier_alpha: float | None
    carrier_yield: float
    carrier_bond_yield: float
    package_yield: float
    good_systems_per_wafer: float
    wafer_area_mm2: float
    silicon_per_good_system_mm2: float
    die_silicon_per_good_system_mm2: float
    spare_dies_per_row: int = 0
    die_rows: int = 1

    @property
    def dies_placed(self) -> int:
        """Dies on a package, spares included: ``n_dies + die_rows * spare_dies_per_row``."""
        return self.n_dies + self.die_rows * self.spare_dies_per_row

    def __post_init__(self) -> None:
        """Check every field (each named in the error): sizes > 0, densities and counts >= 0,
        probabilities in [0, 1], the silicon figures > 0 or inf."""
        for name in ("die_width_mm", "die_height_mm", "die_area_mm2", "alpha", "wafer_diameter_mm",
                     "wafer_area_mm2"):
            object.__setattr__(self, name, check_positive(name, getattr(self, name)))
        for name in ("d0", "scribe_mm", "edge_exclusion_mm", "dies_passing_test_per_wafer",
                     "carrier_area_mm2", "carrier_d0", "good_systems_per_wafer"):
            object.__setattr__(self, name, check_nonnegative(name, getattr(self, name)))
        for name in ("die_yield", "test_coverage", "kgd_pass_rate", "kgd_escape", "bond_yield",
                     "carrier_yield", "carrier_bond_yield", "package_yield"):
            object.__setattr__(self, name, check_probability(name, getattr(self, name)))
        for name in ("silicon_per_good_system_mm2", "die_silicon_per_good_system_mm2"):
            value = getattr(self, name)
            if not (isinstance(value, float) and value == math.inf):
                object.__setattr__(self, name, check_positive(name, value, "mm^2, or inf"))
        object.__setattr__(self, "n_dies", check_int("n_dies", self.n_dies, minimum=1))
        object.__setattr__(
            self, "dies_per_wafer", check_int("dies_per_wafer", self.dies_per_wafer, minimum=0)
        )
        _check_model(self.defect_level_model)
        s, r = _check_rows(self.n_dies, self.spare_dies_per_row, self.die_rows)
        object.__setattr__(self, "spare_dies_per_row", s)
        object.__setattr__(self, "die_rows", r)
        if self.carrier_alpha is not None:
            alpha = check_positive("carrier_alpha", self.carrier_alpha)
            object.__setattr__(self, "carrier_alpha", alpha)

    def to_dict(self) -> dict:
        """Plain-data form (for JSON)."""
        return asdict(self)

    @classmethod
    def from_parameters(
        cls,
        parameter_set: ParameterSet | str | os.PathLike[str],
        node: str,
        packaging: str,
        die_area_mm2: float | None,
        n_dies: int,
        *,
        die_width_mm: float | None = None,
        die_height_mm: float | None = None,
        test_coverage: float = 1.0,
        defect_level_model: str = "conditional",
        carrier_area_mm2: float | None = None,
        wafer_diameter_mm: float | None = None,
        scribe_mm: float | None = None,
        edge_exclusion_mm: float | None = None,
    ) -> ChipletSystem:
        """:func:`chiplet_system` with a published node and packaging technology.

        Parameters
        ----------
        parameter_set : ParameterSet, str or os.PathLike
            A loaded set, a shipped set's name (e.g. ``"chiplet-actuary"``) or
            a TOML path; see :func:`yieldmodels.parameters.load_parameter_set`.
        node : str
            Process node in the set (die ``d0`` and ``alpha``).
        packaging : str
            Packaging technology in the set (bond yield, carrier yield).
        die_area_mm2, n_dies, die_width_mm, die_height_mm, test_coverage, defect_level_model
            As in :func:`chiplet_system`.
        carrier_area_mm2 : float or None, default None
            Carrier area; None takes the packaging's ``carrier_area_factor``
            times the total die area ``n_dies * die_area_mm2``. Ignored (0)
            for a packaging without carrier yield.
        wafer_diameter_mm, scribe_mm, edge_exclusion_mm : float or None
            None takes the set's ``[wafer]`` values, or else the
            :func:`chiplet_system` defaults (300, 0, 0).

        Returns
        -------
        ChipletSystem

        Raises
        ------
        ParameterError
            On an unknown set, node or packaging (with a "did you mean"), a
            packaging with carrier yield but neither ``carrier_area_mm2`` nor a
            ``carrier_area_factor``, or any :func:`chiplet_system` error.

        Examples
        --------
        >>> s = ChipletSystem.from_parameters("chiplet-actuary", "5nm", "si-interposer", 100.0, 4)
        >>> round(s.carrier_area_mm2, 9), s.carrier_d0, s.carrier_alpha, s.bond_yield  # 1.1 * 4 * 100
        (440.0, 0.06, 6.0, 0.95)
        >>> s.scribe_mm, s.edge_exclusion_mm
        (0.2, 5.0)
        >>> round(s.package_yield, 4)  # 0.95^4 * (1 + 4.4 * 0.06 / 6)^-6 * 0.99
        0.6228
        """
        from .parameters import ParameterSet, load_parameter_set

        ps = (
            parameter_set
            if isinstance(parameter_set, ParameterSet)
            else load_parameter_set(parameter_set)
        )
        nd = ps.node(node)
        pk = ps.packaging(packaging)
        w = ps.wafer
        if wafer_diameter_mm is None:
            wafer_diameter_mm = w.diameter_mm if w else 300.0
        if scribe_mm is None:
            scribe_mm = w.scribe_mm if w else 0.0
        if edge_exclusion_mm is None:
            edge_exclusion_mm = w.edge_exclusion_mm if w else 0.0
        if pk.has_carrier:
            if carrier_area_mm2 is None:
                if pk.carrier_area_factor is None:
                    raise ParameterError(
                        f"carrier_area_mm2 must be given for packaging {pk.name!r}"
                        " (it has a carrier yield but no carrier_area_factor), got None"
                    )
                area, _, _ = _die_shape(die_area_mm2, die_width_mm, die_height_mm)
                n = check_int("n_dies", n_dies, minimum=1)
                carrier_area_mm2 = pk.carrier_area_factor * n * area
            carrier_d0, carrier_alpha = pk.carrier_d0, pk.carrier_alpha
        else:
            carrier_area_mm2, carrier_d0, carrier_alpha = 0.0, 0.0, None
        return chiplet_system(
            die_area_mm2, n_dies, nd.d0, nd.alpha,
            die_width_mm=die_width_mm, die_height_mm=die_height_mm,
            wafer_diameter_mm=wafer_diameter_mm, scribe_mm=scribe_mm,
            edge_exclusion_mm=edge_exclusion_mm, test_coverage=test_coverage,
            defect_level_model=defect_level_model, bond_yield=pk.bond_yield,
            carrier_area_mm2=carrier_area_mm2, carrier_d0=carrier_d0,
            carrier_alpha=carrier_alpha, carrier_bond_yield=pk.carrier_bond_yield,
        )  # fmt: skip


def _die_shape(
    die_area_mm2: float | None, die_width_mm: float | None, die_height_mm: float | None
) -> tuple[float, float, float]:
    """Return (area, width, height) from any consistent combination; square by default."""
    w = None if die_width_mm is None else check_positive("die_width_mm", die_width_mm, "mm")
    h = None if die_height_mm is None else check_positive("die_height_mm", die_height_mm, "mm")
    if die_area_mm2 is None:
        if w is None or h is None:
            raise ParameterError(
                "die_area_mm2 must be a finite number > 0 (mm^2) unless die_width_mm and"
                " die_height_mm are both given, got None"
            )
        if not 0.0 < w * h < math.inf:
            raise ParameterError(
                f"die_width_mm x die_height_mm must be a finite area > 0 (mm^2), got {w!r} x {h!r}"
            )
        return w * h, w, h
    a = check_positive("die_area_mm2", die_area_mm2, "mm^2")
    if w is None and h is None:
        side = math.sqrt(a)
        return a, side, side
    if w is None:
        return a, a / h, h  # type: ignore[operator]
    if h is None:
        return a, w, a / w
    if not math.isclose(w * h, a, rel_tol=1e-9):
        raise ParameterError(
            f"die_area_mm2 must equal die_width_mm * die_height_mm = {w * h!r} (mm^2), got {a!r}"
        )
    return a, w, h


def chiplet_system(
    die_area_mm2: float | None,
    n_dies: int,
    d0: float,
    alpha: float,
    *,
    die_width_mm: float | None = None,
    die_height_mm: float | None = None,
    wafer_diameter_mm: float = 300.0,
    scribe_mm: float = 0.0,
    edge_exclusion_mm: float = 0.0,
    test_coverage: float = 1.0,
    defect_level_model: str = "conditional",
    bond_yield: float = 1.0,
    carrier_area_mm2: float = 0.0,
    carrier_d0: float = 0.0,
    carrier_alpha: float | None = None,
    carrier_bond_yield: float = 1.0,
    die_yield: float | None = None,
    spare_dies_per_row: int = 0,
    die_rows: int = 1,
) -> ChipletSystem:
    """Good systems per wafer and silicon per good system for ``n_dies`` tested dies.

    Parameters
    ----------
    die_area_mm2 : float or None
        Die area in mm^2, > 0. None when ``die_width_mm`` and
        ``die_height_mm`` are both given.
    n_dies : int
        Dies per system, >= 1.
    d0 : float
        Die defect density in defects per cm^2, >= 0.
    alpha : float
        Negative-binomial clustering of die defects, > 0 (10 for logic in
        Chiplet Actuary [1]_).
    die_width_mm, die_height_mm : float or None, default None
        Die shape for the die count. Neither: a square die of
        ``die_area_mm2``; one: the other is ``die_area_mm2`` divided by it;
        both: must multiply to ``die_area_mm2`` (or it is None).
    wafer_diameter_mm : float, default 300.0
        Wafer diameter, mm.
    scribe_mm, edge_exclusion_mm : float, default 0.0
        Scribe lane and unusable wafer rim, mm (see
        :func:`yieldmodels.exact_dies_per_wafer`).
    test_coverage : float, default 1.0
        Fault coverage of known-good-die test, in [0, 1].
    defect_level_model : {"conditional", "williams-brown"}, default "conditional"
        Escape model; see :func:`defect_level`.
    bond_yield : float, default 1.0
        Per-die bond yield, in [0, 1].
    carrier_area_mm2 : float, default 0.0
        Area of the RDL or interposer carrying the dies, mm^2, >= 0.
    carrier_d0 : float, default 0.0
        The carrier's defect density per cm^2, >= 0.
    carrier_alpha : float or None, default None
        The carrier's clustering, > 0; None for Poisson.
    carrier_bond_yield : float, default 1.0
        Yield of bonding the carrier to the package substrate, in [0, 1].
    die_yield : float or None, default None
        The die yield, in [0, 1], where it is not the negative binomial of
        ``d0`` and ``alpha``: a die with spares, repaired in itself (its
        repair rate, e.g. a Monte Carlo estimate). None: the negative
        binomial.
    spare_dies_per_row, die_rows : int, default 0 and 1
        Spare die sites at the end of each of ``die_rows`` rows of dies
        (package-level shift-to-spare, :func:`package_yield`); the carrier
        area is the caller's, so it should hold the spares too.

    Returns
    -------
    ChipletSystem
        With ``good_systems_per_wafer = dies_per_wafer * kgd_pass_rate /
        dies_placed * package_yield`` and the two silicon-per-good-system
        figures defined in :class:`ChipletSystem`.

    Raises
    ------
    ParameterError
        On any out-of-range argument, or inconsistent die area and sides.

    Notes
    -----
    Cost is that of :func:`yieldmodels.exact_dies_per_wafer` (dominant) plus
    O(1). Dies in one package are assumed independent (they come from
    different places on the wafer or from different wafers), so the
    per-package probabilities multiply. With ``test_coverage = 1`` and no
    carrier, ``good_systems_per_wafer`` equals
    ``good_systems_per_wafer(dies_per_wafer * die_yield, n_dies, bond_yield)``.

    References
    ----------
    .. [1] Y. Feng, K. Ma, "Chiplet Actuary: a quantitative cost model and
       multi-chiplet architecture exploration", DAC 2022.

    Examples
    --------
    Four 10 x 10 mm dies at D0 = 0.1/cm^2, alpha 10, bond yield 0.99:
    Y = 1.01^-10, 657 dies per 300 mm wafer, package yield 0.99^4.

    >>> s = chiplet_system(100.0, 4, 0.1, 10.0, bond_yield=0.99)
    >>> round(s.die_yield, 6), s.dies_per_wafer, round(s.package_yield, 8)
    (0.905287, 657, 0.96059601)
    >>> round(s.good_systems_per_wafer, 3)  # 657 * Y / 4 * 0.99^4
    142.834
    >>> round(s.die_silicon_per_good_system_mm2, 2)  # 400 / (Y * 0.99^4)
    459.97

    The same dies with spares that repair 99% of them:

    >>> round(chiplet_system(100.0, 4, 0.1, 10.0, bond_yield=0.99, die_yield=0.99).good_systems_per_wafer, 3)
    156.2
    """
    area, w, h = _die_shape(die_area_mm2, die_width_mm, die_height_mm)
    n = check_int("n_dies", n_dies, minimum=1)
    dens = check_nonnegative("d0", d0, "defects per cm^2")
    al = check_positive("alpha", alpha)
    c = check_probability("test_coverage", test_coverage)
    model = _check_model(defect_level_model)
    b = check_probability("bond_yield", bond_yield)
    ca = check_nonnegative("carrier_area_mm2", carrier_area_mm2, "mm^2")
    cd = check_nonnegative("carrier_d0", carrier_d0, "defects per cm^2")
    cal = None if carrier_alpha is None else check_positive("carrier_alpha", carrier_alpha)
    cb = check_probability("carrier_bond_yield", carrier_bond_yield)

    dpw = exact_dies_per_wafer(
        w, h, wafer_diameter_mm, scribe_mm=scribe_mm, edge_exclusion_mm=edge_exclusion_mm
    )
    if die_yield is None:
        y = float(negative_binomial_yield(area, dens, al))
    else:
        y = check_probability("die_yield", die_yield)
    passed = kgd_pass_rate(y, c)
    escape = defect_level(y, c, model=model)
    cy = carrier_yield(ca, cd, cal)
    pkg = package_yield(n, bond_yield=b, kgd_escape=escape, carrier_yield=cy * cb,
                        spare_dies_per_row=spare_dies_per_row, rows=die_rows)
    placed = n + die_rows * spare_dies_per_row
    passing = dpw * passed
    systems = passing / placed * pkg
    try:
        wafer_area = math.pi * (float(wafer_diameter_mm) / 2.0) ** 2
    except OverflowError:  # a die that fits nowhere on a wafer of more than ~1e154 mm
        raise ParameterError(
            f"wafer_diameter_mm must give a finite wafer area, got {wafer_diameter_mm!r}"
        ) from None
    return ChipletSystem(
        die_width_mm=w, die_height_mm=h, die_area_mm2=area, n_dies=n, d0=dens, alpha=al,
        wafer_diameter_mm=float(wafer_diameter_mm), scribe_mm=float(scribe_mm),
        edge_exclusion_mm=float(edge_exclusion_mm), die_yield=y, dies_per_wafer=dpw,
        test_coverage=c, defect_level_model=model, kgd_pass_rate=passed,
        dies_passing_test_per_wafer=passing, kgd_escape=escape, bond_yield=b,
        carrier_area_mm2=ca, carrier_d0=cd, carrier_alpha=cal, carrier_yield=cy,
        carrier_bond_yield=cb, package_yield=pkg, good_systems_per_wafer=systems,
        wafer_area_mm2=wafer_area,
        silicon_per_good_system_mm2=wafer_area / systems if systems > 0 else math.inf,
        die_silicon_per_good_system_mm2=(
            placed * area / (passed * pkg) if passed * pkg > 0 else math.inf
        ),
        spare_dies_per_row=spare_dies_per_row, die_rows=die_rows,
    )  # fmt: skip
