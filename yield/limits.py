"""Packaging limits: the largest carrier each technology builds, and checks against them.

A chiplet system of ``n_dies`` dies of ``die_area_mm2`` each needs a carrier
(organic substrate, RDL fan-out, silicon interposer, a whole wafer) of about
``n_dies * die_area_mm2 * area_factor``; no technology builds one beyond a
certain size. The limits are shipped as sourced data
(``yieldmodels/data/limits/packaging_limits.toml``, each figure with its source and
the year it refers to, estimates marked) and loaded by
:func:`load_packaging_limits`; users load their own file with the same schema
by path.

- :func:`check_carrier` says whether one technology can carry a system
  (:class:`CarrierCheck`: fits, carrier area, limit, margin, reason), or
  with ``strict=True`` refuses one it cannot with a ParameterError;
- :func:`carrier_table` and :func:`buildable_technologies` do it for every
  technology, for a comparison table;
- :func:`square_on_wafer` and :func:`square_area_outside_circle_mm2` are the
  wafer-scale side: whether a square die fits inside a wafer's usable circle,
  and how much of it lies outside (exact, closed form);
- :class:`LaneRepair` holds die-to-die lane repair figures (UCIe) and says
  whether a set of faulty lanes can be repaired.

File schema (every key below; any other key is an error)::

    name = "my-limits"               # required, str
    source = "..."                   # required, str
    [wafer]                          # optional: the wafer the wafer-scale entries assume
    diameter_mm = 300.0              #   > 0
    edge_exclusion_mm = 3.0          #   >= 0, < diameter / 2
    scribe_mm = 0.0                  #   >= 0
    source = "..."                   #   optional, defaults to the file's source
    [carriers.<technology>]          # zero or more packaging technologies
    max_area_mm2 = 2700.0            #   required, > 0: largest carrier area
    as_of_year = 2024                #   required, integer in [1950, 2100]
    source = "..."                   #   required, non-empty: where the figures come from
    max_width_mm = 26.0              #   optional, > 0, given with max_height_mm
    max_height_mm = 33.0             #   optional; width * height >= max_area_mm2
    max_dies = 1                     #   optional, integer >= 1
    area_factor = 1.1                #   optional, > 0, default 1: carrier area / die area
    status = "production"            #   optional: "production" (default) or "announced"
    estimates = ["max_area_mm2"]     #   optional: which figures are estimates
    [lane_repairs.<module>]          # zero or more die-to-die lane repair schemes
    data_lanes = 64                  #   required, integer >= 1
    redundant_lanes = 4              #   required, integer >= 0
    repair_group_lanes = 32          #   required, integer >= 1, divides data_lanes
    max_repairs_per_group = 2        #   required; redundant_lanes = groups * this
    as_of_year = 2023                #   required
    source = "..."                   #   required, non-empty
    estimates = []                   #   optional

Units: areas in mm^2, lengths in mm.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from paramcheck import (
    ParameterError,
    check_bool,
    check_choice,
    check_ids,
    check_int,
    check_nonnegative,
    check_positive,
    check_str,
    parse_toml,
    shown,
    unknown_name,
)

from .parameters import (
    _WAFER_KEYS,
    ParameterSet,
    WaferDefaults,
    _check_keys,
    _check_named_table,
    _check_table,
    _check_wafer,
    _load_data_file,
    load_parameter_set,
)

__all__ = [
    "CARRIER_STATUSES",
    "LIMIT_SETS",
    "CarrierCheck",
    "CarrierLimit",
    "LaneRepair",
    "PackagingLimits",
    "SquareOnWafer",
    "buildable_technologies",
    "carrier_table",
    "check_carrier",
    "load_packaging_limits",
    "square_area_outside_circle_mm2",
    "square_on_wafer",
]

#: Values of :attr:`CarrierLimit.status`.
CARRIER_STATUSES = ("production", "announced")

#: Names of the limit sets shipped with :mod:`yieldmodels`.
LIMIT_SETS = ("packaging-limits",)

_CARRIER_FIGURES = (
    "max_area_mm2", "max_width_mm", "max_height_mm", "max_dies", "area_factor", "as_of_year",
)
_LANE_FIGURES = (
    "data_lanes", "redundant_lanes", "repair_group_lanes", "max_repairs_per_group", "as_of_year",
)
_YEARS = (1950, 2100)
#: Relative slack when comparing a carrier area with a limit (floating-point products).
_AREA_RTOL = 1e-12
_SQRT2 = math.sqrt(2.0)


def _fmt(x: float) -> str:
    """A number for a message: six significant digits, thousands separated."""
    return f"{x:,g}"


def _nonempty(name: str, value: object) -> str:
    text = check_str(name, value)
    if not text.strip():
        raise ParameterError(f"{name} must be a non-empty string, got {value!r}")
    return text


def _year(name: str, value: object) -> int:
    return check_int(name, value, minimum=_YEARS[0], maximum=_YEARS[1])


def _estimates(name: str, value: object, figures: tuple[str, ...]) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        raise ParameterError(f"{name} must be a list of figure names ({', '.join(figures)}), got {shown(value)}")
    out = tuple(check_choice(name, v, figures) for v in value)
    if len(set(out)) != len(out):
        raise ParameterError(f"{name} must list each figure once, got {shown(list(value))}")
    return out


def _checked_carrier(
    prefix: str,
    name: object,
    max_area_mm2: object,
    as_of_year: object,
    source: object,
    max_width_mm: object,
    max_height_mm: object,
    max_dies: object,
    area_factor: object,
    status: object,
    estimates: object,
) -> dict:
    """The fields of a :class:`CarrierLimit`, checked and normalised (names prefixed by ``prefix``)."""
    out = {
        "name": _nonempty(f"{prefix}name" if not prefix else prefix.rstrip("."), name),
        "max_area_mm2": check_positive(f"{prefix}max_area_mm2", max_area_mm2, "mm^2"),
        "as_of_year": _year(f"{prefix}as_of_year", as_of_year),
        "source": _nonempty(f"{prefix}source", source),
    }
    if (max_width_mm is None) != (max_height_mm is None):
        missing, given = (
            ("max_height_mm", "max_width_mm") if max_height_mm is None else ("max_width_mm", "max_height_mm")
        )
        raise ParameterError(f"{prefix}{missing} must be given together with {prefix}{given}, got None")
    w = None if max_width_mm is None else check_positive(f"{prefix}max_width_mm", max_width_mm, "mm")
    h = None if max_height_mm is None else check_positive(f"{prefix}max_height_mm", max_height_mm, "mm")
    if w is not None and out["max_area_mm2"] > w * h * (1.0 + _AREA_RTOL):
        raise ParameterError(
            f"{prefix}max_area_mm2 must be <= {prefix}max_width_mm x {prefix}max_height_mm = "
            f"{_fmt(w * h)} (mm^2), got {out['max_area_mm2']!r}"
        )
    out["max_width_mm"], out["max_height_mm"] = w, h
    out["max_dies"] = None if max_dies is None else check_int(f"{prefix}max_dies", max_dies, minimum=1)
    out["area_factor"] = check_positive(f"{prefix}area_factor", area_factor)
    out["status"] = check_choice(f"{prefix}status", status, CARRIER_STATUSES)
    out["estimates"] = _estimates(f"{prefix}estimates", estimates, _CARRIER_FIGURES)
    return out


@dataclass(frozen=True)
class CarrierLimit:
    """The largest carrier one packaging technology builds, with its source.

    Parameters
    ----------
    name : str
        Technology name, e.g. ``"si-interposer"`` (the packaging names of the
        yield parameter sets where they correspond).
    max_area_mm2 : float
        Largest carrier area in mm^2, > 0.
    as_of_year : int
        The year the figure refers to (for an announced technology, the
        year it is announced for), in [1950, 2100].
    source : str
        Where the figures come from (non-empty).
    max_width_mm, max_height_mm : float or None, default None
        Largest carrier sides in mm, when published; given together, and
        ``max_area_mm2 <= max_width_mm * max_height_mm``.
    max_dies : int or None, default None
        Most dies the carrier takes, when limited (1 for a monolithic die).
    area_factor : float, default 1.0
        Carrier area over the total area of the dies on it, > 0, used when
        the caller gives none (Chiplet Actuary: 4 organic substrate, 1.2
        RDL, 1.1 Si interposer).
    status : {"production", "announced"}, default "production"
        Whether the technology is built today or announced.
    estimates : tuple of str, default ()
        The figures that are estimates rather than published (names of the
        fields above); the source says how they were obtained.

    Examples
    --------
    >>> r = CarrierLimit("monolithic-reticle", 858.0, 2026, "26 x 33 mm field", 26.0, 33.0, 1)
    >>> r.max_area_mm2, r.max_dies, r.status
    (858.0, 1, 'production')
    """

    name: str
    max_area_mm2: float
    as_of_year: int
    source: str
    max_width_mm: float | None = None
    max_height_mm: float | None = None
    max_dies: int | None = None
    area_factor: float = 1.0
    status: str = "production"
    estimates: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        checked = _checked_carrier(
            "", self.name, self.max_area_mm2, self.as_of_year, self.source, self.max_width_mm,
            self.max_height_mm, self.max_dies, self.area_factor, self.status, self.estimates,
        )
        for key, value in checked.items():
            object.__setattr__(self, key, value)


def _checked_lanes(
    prefix: str,
    name: object,
    data_lanes: object,
    redundant_lanes: object,
    repair_group_lanes: object,
    max_repairs_per_group: object,
    as_of_year: object,
    source: object,
    estimates: object,
) -> dict:
    """The fields of a :class:`LaneRepair`, checked and normalised."""
    out = {
        "name": _nonempty(f"{prefix}name" if not prefix else prefix.rstrip("."), name),
        "data_lanes": check_int(f"{prefix}data_lanes", data_lanes, minimum=1, maximum=2**20),
        "redundant_lanes": check_int(f"{prefix}redundant_lanes", redundant_lanes, minimum=0, maximum=2**20),
    }
    n = out["data_lanes"]
    g = check_int(f"{prefix}repair_group_lanes", repair_group_lanes, minimum=1, maximum=n)
    if n % g:
        raise ParameterError(f"{prefix}repair_group_lanes must divide {prefix}data_lanes = {n}, got {g}")
    m = check_int(f"{prefix}max_repairs_per_group", max_repairs_per_group, minimum=0, maximum=g)
    if out["redundant_lanes"] != (n // g) * m:
        raise ParameterError(
            f"{prefix}redundant_lanes must be ({prefix}data_lanes / {prefix}repair_group_lanes) x "
            f"{prefix}max_repairs_per_group = {(n // g) * m}, got {out['redundant_lanes']}"
        )
    out["repair_group_lanes"], out["max_repairs_per_group"] = g, m
    out["as_of_year"] = _year(f"{prefix}as_of_year", as_of_year)
    out["source"] = _nonempty(f"{prefix}source", source)
    out["estimates"] = _estimates(f"{prefix}estimates", estimates, _LANE_FIGURES)
    return out


@dataclass(frozen=True)
class LaneRepair:
    """Redundant-lane repair of one die-to-die link module (UCIe style).

    The module's data lanes fall into groups of ``repair_group_lanes``
    consecutive lanes; each group can remap up to ``max_repairs_per_group``
    faulty lanes onto its redundant lanes.

    Parameters
    ----------
    name : str
        Module name, e.g. ``"ucie-advanced-x64"``.
    data_lanes : int
        Data lanes of the module, >= 1.
    redundant_lanes : int
        Spare lanes, ``(data_lanes / repair_group_lanes) * max_repairs_per_group``.
    repair_group_lanes : int
        Lanes per independently repaired group; divides ``data_lanes``.
    max_repairs_per_group : int
        Faulty lanes one group can repair, in [0, repair_group_lanes].
    as_of_year : int
        The year of the specification.
    source : str
        Where the figures come from (non-empty).
    estimates : tuple of str, default ()
        Figures that are inferred rather than stated.

    Examples
    --------
    >>> x64 = LaneRepair("ucie-advanced-x64", 64, 4, 32, 2, 2023, "UCIe 1.1, sec. 4.3.1")
    >>> x64.groups, x64.repairable([0, 31]), x64.repairable([0, 5, 31]), x64.repairable([0, 5, 40])
    (2, True, False, True)
    """

    name: str
    data_lanes: int
    redundant_lanes: int
    repair_group_lanes: int
    max_repairs_per_group: int
    as_of_year: int
    source: str
    estimates: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        checked = _checked_lanes(
            "", self.name, self.data_lanes, self.redundant_lanes, self.repair_group_lanes,
            self.max_repairs_per_group, self.as_of_year, self.source, self.estimates,
        )
        for key, value in checked.items():
            object.__setattr__(self, key, value)

    @property
    def groups(self) -> int:
        """Independently repaired lane groups, ``data_lanes / repair_group_lanes``."""
        return self.data_lanes // self.repair_group_lanes

    def repairable(self, faulty_lanes: Iterable[int]) -> bool:
        """Whether the module works after repair with these data lanes faulty.

        Parameters
        ----------
        faulty_lanes : array_like of int
            Ids of faulty data lanes, in [0, data_lanes); repeats count once.
            The redundant lanes are assumed good.

        Returns
        -------
        bool
            True when no group has more faulty lanes than
            ``max_repairs_per_group``.

        Raises
        ------
        ParameterError
            If a lane id is not an integer in [0, data_lanes).

        Examples
        --------
        >>> x16 = LaneRepair("ucie-standard-x16", 16, 0, 16, 0, 2023, "UCIe 1.1")
        >>> x16.repairable([]), x16.repairable([3])
        (True, False)
        """
        ids = check_ids("faulty_lanes", faulty_lanes, self.data_lanes, what="data lane ids")
        counts = [0] * self.groups
        for lane in set(ids.tolist()):
            counts[lane // self.repair_group_lanes] += 1
        return max(counts, default=0) <= self.max_repairs_per_group


@dataclass(frozen=True)
class PackagingLimits:
    """A named, sourced set of carrier limits, lane repair schemes and wafer geometry.

    Parameters
    ----------
    name : str
        Set name, e.g. ``"packaging-limits"``.
    source : str
        Where the set comes from.
    carriers : Mapping[str, CarrierLimit]
        Limits by technology name (each limit's ``name`` equal to its key;
        stored read-only, in the given order).
    lane_repairs : Mapping[str, LaneRepair], default {}
        Die-to-die lane repair schemes by module name.
    wafer : WaferDefaults or None, default None
        The wafer the wafer-scale entries assume.
    path : str or None, default None
        The file the set was read from.

    Examples
    --------
    >>> lim = load_packaging_limits()
    >>> lim.carrier("si-interposer").max_area_mm2, lim.wafer.edge_exclusion_mm
    (2700.0, 3.0)
    >>> lim.lane_repair("ucie-advanced-x64").redundant_lanes
    4
    """

    name: str
    source: str
    carriers: Mapping[str, CarrierLimit] = field(default_factory=dict)
    lane_repairs: Mapping[str, LaneRepair] = field(default_factory=dict)
    wafer: WaferDefaults | None = None
    path: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        check_str("name", self.name)
        check_str("source", self.source)
        object.__setattr__(self, "carriers", _check_named_table("carriers", self.carriers, CarrierLimit))
        object.__setattr__(self, "lane_repairs", _check_named_table("lane_repairs", self.lane_repairs, LaneRepair))
        if self.wafer is not None and not isinstance(self.wafer, WaferDefaults):
            raise ParameterError(f"wafer must be a WaferDefaults or None, got {shown(self.wafer)}")
        if self.path is not None:
            check_str("path", self.path)

    def __hash__(self) -> int:
        return hash((self.name, self.source, tuple(self.carriers.items()),
                     tuple(self.lane_repairs.items()), self.wafer))

    def carrier(self, technology: str) -> CarrierLimit:
        """The limit of ``technology``; an unknown name gets a "did you mean".

        Examples
        --------
        >>> load_packaging_limits().carrier("info-sow").as_of_year
        2024
        >>> load_packaging_limits().carrier("si-interposr")
        Traceback (most recent call last):
        ...
        paramcheck.errors.ParameterError: technology must be one of 'monolithic-reticle', 'organic-substrate', 'info-rdl', 'si-interposer', 'cowos-l', 'cowos-l-2027', 'info-sow', 'sow-x', got 'si-interposr' (did you mean 'si-interposer'?)
        """
        try:
            return self.carriers[technology]
        except (KeyError, TypeError):
            raise unknown_name("technology", technology, list(self.carriers)) from None

    def lane_repair(self, module: str) -> LaneRepair:
        """The lane repair scheme of ``module``; an unknown name gets a "did you mean".

        Examples
        --------
        >>> load_packaging_limits().lane_repair("ucie-advanced-x32").data_lanes
        32
        """
        try:
            return self.lane_repairs[module]
        except (KeyError, TypeError):
            raise unknown_name("lane repair module", module, list(self.lane_repairs)) from None


# --------------------------------------------------------------------------- loading

_TOP_KEYS = {"name", "source", "wafer", "carriers", "lane_repairs"}
_CARRIER_KEYS = {
    "max_area_mm2", "as_of_year", "source", "max_width_mm", "max_height_mm", "max_dies",
    "area_factor", "status", "estimates",
}
_LANE_KEYS = {
    "data_lanes", "redundant_lanes", "repair_group_lanes", "max_repairs_per_group",
    "as_of_year", "source", "estimates",
}


def _parse(data: dict, path: str) -> PackagingLimits:
    top = _check_keys("", data, _TOP_KEYS, {"name", "source"})
    name = check_str("name", top["name"])
    source = check_str("source", top["source"])

    wafer = None
    if "wafer" in top:
        w = _check_keys("wafer", top["wafer"], _WAFER_KEYS, set())
        d, s, e = _check_wafer(
            "wafer.", w.get("diameter_mm", 300.0), w.get("scribe_mm", 0.0), w.get("edge_exclusion_mm", 0.0)
        )
        wafer = WaferDefaults(d, s, e, check_str("wafer.source", w.get("source", source)))

    carriers: dict[str, CarrierLimit] = {}
    for key, table in _check_table("carriers", top.get("carriers", {})).items():
        where = f"carriers.{key}"
        t = _check_keys(where, table, _CARRIER_KEYS, {"max_area_mm2", "as_of_year", "source"})
        checked = _checked_carrier(
            where + ".", key, t["max_area_mm2"], t["as_of_year"], t["source"], t.get("max_width_mm"),
            t.get("max_height_mm"), t.get("max_dies"), t.get("area_factor", 1.0),
            t.get("status", "production"), t.get("estimates", []),
        )
        carriers[key] = CarrierLimit(**checked)

    lanes: dict[str, LaneRepair] = {}
    for key, table in _check_table("lane_repairs", top.get("lane_repairs", {})).items():
        where = f"lane_repairs.{key}"
        required = _LANE_KEYS - {"estimates"}
        t = _check_keys(where, table, _LANE_KEYS, required)
        checked = _checked_lanes(
            where + ".", key, t["data_lanes"], t["redundant_lanes"], t["repair_group_lanes"],
            t["max_repairs_per_group"], t["as_of_year"], t["source"], t.get("estimates", []),
        )
        lanes[key] = LaneRepair(**checked)
    return PackagingLimits(name, source, carriers, lanes, wafer, path)


def _load_text(text: str, path: str) -> PackagingLimits:
    data = parse_toml(text, "packaging limits file", path)
    try:
        return _parse(data, path)
    except ParameterError as exc:
        raise ParameterError(f"{exc} (in {path})") from None


def load_packaging_limits(name_or_path: str | os.PathLike[str] = "packaging-limits") -> PackagingLimits:
    """Load the shipped packaging limits by name, or a user's TOML file by path.

    Parameters
    ----------
    name_or_path : str or os.PathLike, default "packaging-limits"
        A name from :data:`LIMIT_SETS`, or a path to a TOML file with the
        schema in this module's docstring. A string is taken as a path when
        it ends in ``.toml`` or contains a path separator.

    Returns
    -------
    PackagingLimits

    Raises
    ------
    ParameterError
        On an unknown name (with a "did you mean"), a file that is missing,
        not a regular file, larger than
        :data:`yieldmodels.PARAMETER_FILE_MAX_BYTES`, not UTF-8 or not TOML,
        an unknown key (with a "did you mean") or a missing one, a value of
        the wrong type or out of range. File errors name the key (dotted,
        e.g. ``carriers.si-interposer.max_area_mm2``) and end with
        ``(in <file>)``.

    Notes
    -----
    Files are read as :func:`yieldmodels.load_parameter_set` reads them
    (the same key checks, size cap and wafer validation); the shipped set is
    parsed once and cached (it is immutable).

    Examples
    --------
    >>> lim = load_packaging_limits()
    >>> r = lim.carrier("monolithic-reticle")
    >>> r.max_width_mm, r.max_height_mm, r.max_area_mm2
    (26.0, 33.0, 858.0)
    >>> lim.carrier("info-rdl").estimates
    ('max_area_mm2', 'as_of_year')
    >>> load_packaging_limits("packaging-limit")
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: packaging limits must be one of 'packaging-limits', got 'packaging-limit' (did you mean 'packaging-limits'?)
    """
    return _load_data_file(name_or_path, _load_text, what="packaging limits", file_what="packaging limits file",
                           sub=("limits",))


# --------------------------------------------------------------------------- carrier checks


@dataclass(frozen=True)
class CarrierCheck:
    """Whether one technology can carry a system: built by :func:`check_carrier`.

    Attributes
    ----------
    technology : str
    fits : bool
        The carrier area is within the limit and the die count too.
    carrier_area_mm2 : float
        ``n_dies * die_area_mm2 * area_factor``.
    limit_area_mm2 : float
        The technology's largest carrier.
    margin_mm2 : float
        ``limit_area_mm2 - carrier_area_mm2``; negative when too large.
    reason : str
        One line saying why it fits or not.
    n_dies : int
    die_area_mm2 : float
    area_factor : float
    area_factor_source : str
        Where the factor came from: the argument, the parameter set, or the
        packaging limits.
    max_dies : int or None
    as_of_year : int
    status : str
        ``"production"`` or ``"announced"``.
    """

    technology: str
    fits: bool
    carrier_area_mm2: float
    limit_area_mm2: float
    margin_mm2: float
    reason: str
    n_dies: int
    die_area_mm2: float
    area_factor: float
    area_factor_source: str
    max_dies: int | None
    as_of_year: int
    status: str


def _limits(limits: object) -> PackagingLimits:
    if limits is None:
        return load_packaging_limits()
    if isinstance(limits, PackagingLimits):
        return limits
    if isinstance(limits, (str, os.PathLike)):
        return load_packaging_limits(limits)
    raise ParameterError(
        f"limits must be a PackagingLimits, a name from LIMIT_SETS, a TOML path or None, got {shown(limits)}"
    )


def _parameters(parameters: object) -> ParameterSet | None:
    if parameters is None or isinstance(parameters, ParameterSet):
        return parameters
    if isinstance(parameters, (str, os.PathLike)):
        return load_parameter_set(parameters)
    raise ParameterError(
        f"parameters must be a ParameterSet, a parameter set name, a TOML path or None, got {shown(parameters)}"
    )


def _area_factor(
    limit: CarrierLimit, factor: object, parameters: ParameterSet | None, limits: PackagingLimits
) -> tuple[float, str]:
    if factor is not None:
        return check_positive("carrier_area_factor", factor), "the carrier_area_factor argument"
    if parameters is not None:
        packaging = parameters.packagings.get(limit.name)
        if packaging is not None and packaging.carrier_area_factor is not None:
            return packaging.carrier_area_factor, f"parameter set {parameters.name!r}"
    return limit.area_factor, f"packaging limits {limits.name!r}"


def _check(
    limit: CarrierLimit, area: float, n: int, factor: float, origin: str, strict: bool
) -> CarrierCheck:
    carrier = area * n * factor
    if not math.isfinite(carrier):
        raise ParameterError(
            f"n_dies x die_area_mm2 x area factor must be a finite carrier area (mm^2), "
            f"got {n} x {area!r} x {factor!r}"
        )
    cap = limit.max_area_mm2
    margin = cap - carrier
    area_ok = carrier <= cap * (1.0 + _AREA_RTOL)
    dies_ok = limit.max_dies is None or n <= limit.max_dies
    when = f"{'announced for' if limit.status == 'announced' else 'as of'} {limit.as_of_year}"
    made = f"{n} x {_fmt(area)} mm^2 x {factor:g}"
    if area_ok:
        parts = [f"carrier {_fmt(carrier)} mm^2 ({made}) within the {_fmt(cap)} mm^2 limit ({when}), "
                 f"margin {_fmt(max(margin, 0.0))} mm^2"]  # >= 0 within the rounding slack
    else:
        parts = [f"carrier {_fmt(carrier)} mm^2 ({made}) exceeds the {_fmt(cap)} mm^2 limit ({when}) "
                 f"by {_fmt(-margin)} mm^2"]
    if not dies_ok:
        parts.append(f"{n} dies exceed the limit of {limit.max_dies}")
    if strict and not (area_ok and dies_ok):
        errors = []
        if not area_ok:
            errors.append(
                f"carrier area for {limit.name} must be <= {_fmt(cap)} mm^2 (the limit {when}), "
                f"got {_fmt(carrier)} mm^2 ({n} dies x {_fmt(area)} mm^2 x area factor {factor:g})"
            )
        if not dies_ok:
            errors.append(f"n_dies for {limit.name} must be <= {limit.max_dies} (the limit {when}), got {n}")
        raise ParameterError("; ".join(errors))
    return CarrierCheck(
        technology=limit.name, fits=area_ok and dies_ok, carrier_area_mm2=carrier,
        limit_area_mm2=cap, margin_mm2=margin, reason=f"{limit.name}: " + "; ".join(parts),
        n_dies=n, die_area_mm2=area, area_factor=factor, area_factor_source=origin,
        max_dies=limit.max_dies, as_of_year=limit.as_of_year, status=limit.status,
    )


def check_carrier(
    technology: str,
    die_area_mm2: float,
    n_dies: int,
    *,
    carrier_area_factor: float | None = None,
    parameters: ParameterSet | str | os.PathLike[str] | None = None,
    limits: PackagingLimits | str | os.PathLike[str] | None = None,
    strict: bool = False,
) -> CarrierCheck:
    """Whether ``technology`` can build a carrier for ``n_dies`` dies of ``die_area_mm2``.

    Parameters
    ----------
    technology : str
        A technology of ``limits`` (e.g. ``"si-interposer"``); an unknown
        name gets a "did you mean".
    die_area_mm2 : float
        Area of one die in mm^2, > 0.
    n_dies : int
        Dies on the carrier, >= 1.
    carrier_area_factor : float or None, default None
        Carrier area over total die area, > 0. None: the factor of the
        packaging of the same name in ``parameters`` if it has one, else the
        technology's ``area_factor`` in ``limits``.
    parameters : ParameterSet, str, os.PathLike or None, default None
        A yield parameter set (or its name or path, see
        :func:`yieldmodels.load_parameter_set`) whose
        :attr:`yieldmodels.Packaging.carrier_area_factor` is used.
    limits : PackagingLimits, str, os.PathLike or None, default None
        The limits (or their name or path); None for the shipped set.
    strict : bool, default False
        Raise instead of returning a result that does not fit.

    Returns
    -------
    CarrierCheck
        ``fits`` when ``n_dies * die_area_mm2 * area_factor`` is at most the
        technology's ``max_area_mm2`` (within a relative 1e-12 for rounding)
        and ``n_dies`` at most its ``max_dies``; the margin and a one-line
        reason either way.

    Raises
    ------
    ParameterError
        On an unknown technology, a bad argument, a carrier area that is not
        finite, or with ``strict=True`` a system that does not fit: one line
        naming the technology, the carrier area needed and the limit.

    Notes
    -----
    O(1) after the limits are loaded (cached). The check compares areas
    only: it is necessary, not sufficient (the dies must also be arranged
    within the carrier's sides, and a wafer-scale carrier is a disc, see
    :func:`square_on_wafer`). The carrier area as total die area times an
    area factor is Chiplet Actuary's model [1]_.

    References
    ----------
    .. [1] Y. Feng, K. Ma, "Chiplet Actuary: a quantitative cost model and
       multi-chiplet architecture exploration", DAC 2022 (parameter.ini
       ``area_scale_factor``: [OS] 4, [FO] 1.2, [SI] 1.1).

    Examples
    --------
    Four 600 mm^2 dies on a silicon interposer: 4 x 600 x 1.1 = 2,640 mm^2,
    within CoWoS-S's 3.3 reticles (~2,700 mm^2); five are not.

    >>> c = check_carrier("si-interposer", 600.0, 4)
    >>> c.fits, round(c.carrier_area_mm2, 6), c.limit_area_mm2, round(c.margin_mm2, 6)
    (True, 2640.0, 2700.0, 60.0)
    >>> check_carrier("si-interposer", 600.0, 5).reason
    'si-interposer: carrier 3,300 mm^2 (5 x 600 mm^2 x 1.1) exceeds the 2,700 mm^2 limit (as of 2024) by 600 mm^2'
    >>> check_carrier("si-interposer", 600.0, 5, strict=True)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: carrier area for si-interposer must be <= 2,700 mm^2 (the limit as of 2024), got 3,300 mm^2 (5 dies x 600 mm^2 x area factor 1.1)

    A Dojo-like tile, 25 dies of 645 mm^2, on a wafer-scale fan-out:

    >>> check_carrier("info-sow", 645.0, 25).fits
    True
    """
    lim = _limits(limits)
    limit = lim.carrier(technology)
    area = check_positive("die_area_mm2", die_area_mm2, "mm^2")
    n = check_int("n_dies", n_dies, minimum=1)
    strict = check_bool("strict", strict)
    factor, origin = _area_factor(limit, carrier_area_factor, _parameters(parameters), lim)
    return _check(limit, area, n, factor, origin, strict)


def carrier_table(
    die_area_mm2: float,
    n_dies: int,
    *,
    parameters: ParameterSet | str | os.PathLike[str] | None = None,
    limits: PackagingLimits | str | os.PathLike[str] | None = None,
    include_announced: bool = True,
) -> list[CarrierCheck]:
    """:func:`check_carrier` for every technology of ``limits``, in file order.

    Parameters
    ----------
    die_area_mm2, n_dies
        The system, as for :func:`check_carrier`.
    parameters, limits
        As for :func:`check_carrier` (each technology's own area factor).
    include_announced : bool, default True
        Include technologies announced but not yet in production.

    Returns
    -------
    list of CarrierCheck
        One row per technology, for a comparison table.

    Raises
    ------
    ParameterError
        On a bad argument.

    Notes
    -----
    O(technologies).

    Examples
    --------
    >>> for row in carrier_table(645.0, 25, include_announced=False):
    ...     print(f"{row.technology:20s} {row.fits!s:5s} {row.carrier_area_mm2:9.1f} {row.limit_area_mm2:9.1f}")
    monolithic-reticle   False   16125.0     858.0
    organic-substrate    False   64500.0   18000.0
    info-rdl             False   19350.0    2490.0
    si-interposer        False   17737.5    2700.0
    cowos-l              False   17737.5    4565.0
    info-sow             True    19350.0   67886.7
    """
    lim = _limits(limits)
    area = check_positive("die_area_mm2", die_area_mm2, "mm^2")
    n = check_int("n_dies", n_dies, minimum=1)
    announced = check_bool("include_announced", include_announced)
    ps = _parameters(parameters)
    rows = []
    for limit in lim.carriers.values():
        if limit.status == "announced" and not announced:
            continue
        factor, origin = _area_factor(limit, None, ps, lim)
        rows.append(_check(limit, area, n, factor, origin, False))
    return rows


def buildable_technologies(
    die_area_mm2: float,
    n_dies: int,
    *,
    parameters: ParameterSet | str | os.PathLike[str] | None = None,
    limits: PackagingLimits | str | os.PathLike[str] | None = None,
    include_announced: bool = False,
) -> list[str]:
    """Names of the technologies that can carry ``n_dies`` dies of ``die_area_mm2``.

    Parameters
    ----------
    die_area_mm2, n_dies, parameters, limits
        As for :func:`carrier_table`.
    include_announced : bool, default False
        Count technologies announced but not yet in production.

    Returns
    -------
    list of str
        The technologies whose :func:`check_carrier` fits, in file order.

    Raises
    ------
    ParameterError
        On a bad argument.

    Examples
    --------
    >>> buildable_technologies(814.0, 1)  # an H100-sized die
    ['monolithic-reticle', 'organic-substrate', 'info-rdl', 'si-interposer', 'cowos-l', 'info-sow']
    >>> buildable_technologies(550.0, 84)  # a WSE's area cut into 84 dies
    ['info-sow']
    >>> buildable_technologies(550.0, 84, include_announced=True)
    ['info-sow']
    """
    rows = carrier_table(
        die_area_mm2, n_dies, parameters=parameters, limits=limits, include_announced=include_announced
    )
    return [row.technology for row in rows if row.fits]


# --------------------------------------------------------------------------- wafer-scale geometry


def _theta_minus_sin(theta: float) -> float:
    """``theta - sin(theta)`` without cancellation for small angles."""
    if theta < 0.1:
        t2 = theta * theta
        # theta^3/3! - theta^5/5! + theta^7/7! - theta^9/9! + theta^11/11!
        return theta * t2 / 6.0 * (1.0 - t2 / 20.0 * (1.0 - t2 / 42.0 * (1.0 - t2 / 72.0 * (1.0 - t2 / 110.0))))
    return theta - math.sin(theta)


def _unit_corner_outside(t: float) -> float:
    """Area of the unit square [0, 1]^2 outside the disc of radius ``t`` about the origin."""
    if t >= _SQRT2:
        return 0.0
    if t <= 1.0:
        return 1.0 - math.pi * t * t / 4.0
    x0 = math.sqrt((t - 1.0) * (t + 1.0))  # where the circle crosses the square's far side
    d = (_SQRT2 - t) * (_SQRT2 + t) / (1.0 + x0)  # = 1 - x0: the side length lost at the corner
    theta = 2.0 * math.asin(min(1.0, d / (_SQRT2 * t)))  # the chord's central angle
    # The corner triangle of legs d, less the circular segment between its hypotenuse and the arc.
    return max(0.0, d * d / 2.0 - t * t / 2.0 * _theta_minus_sin(theta))


def _outside(side: float, radius: float) -> float:
    a = side / 2.0
    unit = _unit_corner_outside(radius / a)
    if unit == 0.0:
        return 0.0
    out = 4.0 * a * a * unit
    if not math.isfinite(out):
        raise ParameterError(f"side_mm must give a finite square area, got {side!r}")
    return out


def square_area_outside_circle_mm2(side_mm: float, radius_mm: float) -> float:
    """Area of a centred square that lies outside a concentric circle.

    Parameters
    ----------
    side_mm : float
        Side of the square in mm, > 0.
    radius_mm : float
        Radius of the circle in mm, >= 0 (0: the whole square is outside).

    Returns
    -------
    float
        The area in mm^2, in [0, side_mm^2]: 0 when the half-diagonal
        ``side_mm / sqrt(2)`` is at most ``radius_mm``, and
        ``side_mm^2 - pi radius_mm^2`` when the circle lies within the square.

    Raises
    ------
    ParameterError
        On a side that is not a finite number > 0, or a radius < 0.

    Notes
    -----
    O(1), closed form. With half-side ``a`` and ``a < r < a sqrt(2)`` the
    circle crosses each side at ``x0 = sqrt(r^2 - a^2)`` from its midpoint,
    so each corner loses a triangle of legs ``d = a - x0`` minus the
    circular segment cut off by the triangle's hypotenuse (chord
    ``sqrt(2) d``, central angle ``theta = 2 asin(d / (sqrt(2) r))``, area
    ``r^2 (theta - sin theta) / 2``), which is the integral of
    ``a - sqrt(r^2 - x^2)`` over ``x0 <= x <= a``. Computed at unit
    half-side without cancellation (``d`` as ``(2 a^2 - r^2)/(a + x0)``,
    ``theta - sin theta`` by its series for small angles).

    Examples
    --------
    A 215 mm square (the Cerebras WSE) and a 300 mm wafer's edge, then 3 mm
    inside it:

    >>> round(square_area_outside_circle_mm2(215.0, 150.0), 4)
    16.5254
    >>> round(square_area_outside_circle_mm2(215.0, 147.0), 4)
    102.3052
    >>> square_area_outside_circle_mm2(200.0, 150.0), square_area_outside_circle_mm2(2.0, 0.0)
    (0.0, 4.0)
    """
    s = check_positive("side_mm", side_mm, "mm")
    r = check_nonnegative("radius_mm", radius_mm, "mm")
    return _outside(s, r)


@dataclass(frozen=True)
class SquareOnWafer:
    """A centred square die against a wafer's usable circle: built by :func:`square_on_wafer`.

    Attributes
    ----------
    side_mm, wafer_diameter_mm, edge_exclusion_mm : float
        The inputs.
    usable_radius_mm : float
        ``wafer_diameter_mm / 2 - edge_exclusion_mm``.
    half_diagonal_mm : float
        ``side_mm / sqrt(2)``, the corners' distance from the centre.
    max_side_mm : float
        The largest square inside the usable circle, ``sqrt(2) * usable_radius_mm``.
    fits : bool
        ``half_diagonal_mm <= usable_radius_mm``.
    area_outside_mm2 : float
        Square area outside the usable circle (exact).
    corner_area_outside_mm2 : float
        The same per corner (a quarter, by symmetry).
    corner_edge_lost_mm : float
        Length of each side outside the circle at each corner, in
        [0, side_mm / 2].
    area_inside_mm2 : float
        ``side_mm^2 - area_outside_mm2``.
    """

    side_mm: float
    wafer_diameter_mm: float
    edge_exclusion_mm: float
    usable_radius_mm: float
    half_diagonal_mm: float
    max_side_mm: float
    fits: bool
    area_outside_mm2: float
    corner_area_outside_mm2: float
    corner_edge_lost_mm: float
    area_inside_mm2: float


def square_on_wafer(
    side_mm: float,
    wafer_diameter_mm: float = 300.0,
    edge_exclusion_mm: float = 0.0,
    *,
    strict: bool = False,
) -> SquareOnWafer:
    """Whether a square die centred on a wafer fits its usable circle, and what it loses.

    Parameters
    ----------
    side_mm : float
        Side of the square die in mm, > 0.
    wafer_diameter_mm : float, default 300.0
        Wafer diameter in mm, > 0.
    edge_exclusion_mm : float, default 0.0
        Unusable rim in mm, in [0, wafer_diameter_mm / 2] (at the upper
        end the usable circle has radius 0).
    strict : bool, default False
        Raise instead of returning a square that does not fit.

    Returns
    -------
    SquareOnWafer
        ``fits`` when the half-diagonal ``side_mm / sqrt(2)`` is at most
        ``wafer_diameter_mm / 2 - edge_exclusion_mm``; the area outside the
        usable circle from :func:`square_area_outside_circle_mm2`.

    Raises
    ------
    ParameterError
        On a bad argument, or with ``strict=True`` a square that does not
        fit (naming the largest side that does).

    Notes
    -----
    O(1). The square is centred on the wafer (the best place for it).

    Examples
    --------
    The WSE's 215 mm square on a 300 mm wafer with 3 mm edge exclusion:
    the half-diagonal, 152.0 mm, exceeds the usable radius of 147 mm; each
    corner loses 25.6 mm^2, 7.24 mm along each side.

    >>> w = square_on_wafer(215.0, 300.0, 3.0)
    >>> w.fits, round(w.half_diagonal_mm, 3), w.usable_radius_mm, round(w.max_side_mm, 3)
    (False, 152.028, 147.0, 207.889)
    >>> round(w.corner_area_outside_mm2, 4), round(w.corner_edge_lost_mm, 4)
    (25.5763, 7.2366)
    >>> square_on_wafer(200.0, 300.0, 3.0).area_outside_mm2
    0.0
    >>> square_on_wafer(215.0, 300.0, 3.0, strict=True)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: side_mm must be <= 207.889 mm (the largest square inside the usable circle of radius 147 mm of a 300 mm wafer), got 215.0: its half-diagonal is 152.028 mm and 102.305 mm^2 lies outside
    """
    s = check_positive("side_mm", side_mm, "mm")
    diameter = check_positive("wafer_diameter_mm", wafer_diameter_mm, "mm")
    e = check_nonnegative("edge_exclusion_mm", edge_exclusion_mm, "mm")
    if e > diameter / 2.0:
        raise ParameterError(
            f"edge_exclusion_mm must be <= wafer_diameter_mm / 2 = {diameter / 2.0:g} (mm), got {e!r}"
        )
    strict = check_bool("strict", strict)
    r = max(0.0, diameter / 2.0 - e)
    a = s / 2.0
    outside = _outside(s, r)
    fits = r / a >= _SQRT2  # the test _unit_corner_outside makes, so fits == (outside == 0)
    lost = 0.0 if fits else a - math.sqrt(max(0.0, (r - a) * (r + a)))
    half_diagonal = a * _SQRT2
    if strict and not fits:
        raise ParameterError(
            f"side_mm must be <= {r * _SQRT2:.6g} mm (the largest square inside the usable circle of "
            f"radius {r:g} mm of a {diameter:g} mm wafer), got {s!r}: its half-diagonal is "
            f"{half_diagonal:.6g} mm and {outside:.6g} mm^2 lies outside"
        )
    return SquareOnWafer(
        side_mm=s, wafer_diameter_mm=diameter, edge_exclusion_mm=e, usable_radius_mm=r,
        half_diagonal_mm=half_diagonal, max_side_mm=r * _SQRT2, fits=fits,
        area_outside_mm2=outside, corner_area_outside_mm2=outside / 4.0,
        corner_edge_lost_mm=min(a, max(0.0, lost)), area_inside_mm2=max(0.0, s * s - outside),
    )
