"""Published yield parameter sets for chiplet systems, shipped as TOML data.

A parameter set names its source and holds process nodes (die defect density
``d0`` in defects per cm^2 and negative-binomial clustering ``alpha``) and
packaging technologies (per-die bond yield and, where the package has one,
the carrier's own defect density, clustering, area factor and bond yield).
Shipped sets live in ``yieldmodels/data/<name>.toml`` (the set name with
``-`` spelled ``_``) and are listed by :func:`parameter_sets`; users load
their own file with the same schema by path.

File schema (every key below; any other key is an error)::

    name = "my-set"                  # required, str
    source = "Author, Title, Venue"  # required, str
    [wafer]                          # optional: the source's wafer geometry
    diameter_mm = 300.0              #   > 0
    scribe_mm = 0.2                  #   >= 0
    edge_exclusion_mm = 5.0          #   >= 0, < diameter / 2
    source = "..."                   #   optional, defaults to the set's source
    [nodes.<name>]                   # zero or more process nodes
    d0 = 0.11                        #   >= 0, defects per cm^2
    alpha = 10.0                     #   > 0
    source = "..."                   #   optional, defaults to the set's source
    [packagings.<name>]              # zero or more packaging technologies
    bond_yield = 0.98                #   in [0, 1], per die
    carrier_d0 = 0.05                #   optional, >= 0, defects per cm^2
    carrier_alpha = 3.0              #   with carrier_d0, > 0
    carrier_area_factor = 1.2        #   optional, > 0: carrier area / total die area
    carrier_bond_yield = 0.99        #   optional, in [0, 1], default 1
    source = "..."                   #   optional, defaults to the set's source
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from paramcheck import (
    ParameterError,
    check_nonnegative,
    check_positive,
    check_probability,
    check_str,
    did_you_mean,
    parse_toml,
    read_text_file,
    shown,
    unknown_name,
)

__all__ = [
    "PARAMETER_FILE_MAX_BYTES",
    "Packaging",
    "ParameterSet",
    "ProcessNode",
    "WaferDefaults",
    "load_parameter_set",
    "parameter_sets",
]

_D0_UNIT = "defects per cm^2"

#: Largest parameter file :func:`load_parameter_set` reads (1 MiB; the shipped
#: sets are ~2 KiB). Only regular files are read, at most this plus one byte.
PARAMETER_FILE_MAX_BYTES = 2**20


def _check_node(prefix: str, d0: object, alpha: object) -> tuple[float, float]:
    return (
        check_nonnegative(f"{prefix}d0", d0, _D0_UNIT),
        check_positive(f"{prefix}alpha", alpha),
    )


def _check_packaging(
    prefix: str,
    bond_yield: object,
    carrier_d0: object,
    carrier_alpha: object,
    carrier_area_factor: object,
    carrier_bond_yield: object,
) -> tuple[float, float | None, float | None, float | None, float]:
    b = check_probability(f"{prefix}bond_yield", bond_yield)
    if (carrier_d0 is None) != (carrier_alpha is None):
        missing, given = (
            ("carrier_alpha", "carrier_d0") if carrier_alpha is None else ("carrier_d0", "carrier_alpha")
        )
        raise ParameterError(
            f"{prefix}{missing} must be given together with {prefix}{given}, got None"
        )
    d = None if carrier_d0 is None else check_nonnegative(f"{prefix}carrier_d0", carrier_d0, _D0_UNIT)
    a = None if carrier_alpha is None else check_positive(f"{prefix}carrier_alpha", carrier_alpha)
    f = (
        None
        if carrier_area_factor is None
        else check_positive(f"{prefix}carrier_area_factor", carrier_area_factor)
    )
    cb = check_probability(f"{prefix}carrier_bond_yield", carrier_bond_yield)
    return b, d, a, f, cb


def _check_wafer(
    prefix: str, diameter_mm: object, scribe_mm: object, edge_exclusion_mm: object
) -> tuple[float, float, float]:
    d = check_positive(f"{prefix}diameter_mm", diameter_mm, "mm")
    s = check_nonnegative(f"{prefix}scribe_mm", scribe_mm, "mm")
    e = check_nonnegative(f"{prefix}edge_exclusion_mm", edge_exclusion_mm, "mm")
    if e >= d / 2.0:
        raise ParameterError(
            f"{prefix}edge_exclusion_mm must be < {prefix}diameter_mm / 2 = {d / 2.0!r} (mm), got {e!r}"
        )
    return d, s, e


@dataclass(frozen=True)
class ProcessNode:
    """A process node's die yield parameters.

    Parameters
    ----------
    name : str
        Node name, e.g. ``"5nm"``.
    d0 : float
        Defect density in defects per cm^2, >= 0.
    alpha : float
        Negative-binomial clustering parameter, > 0.
    source : str
        Where the numbers come from.

    Examples
    --------
    >>> ProcessNode("5nm", 0.11, 10.0, "Feng & Ma, DAC 2022").d0
    0.11
    """

    name: str
    d0: float
    alpha: float
    source: str = ""

    def __post_init__(self) -> None:
        check_str("name", self.name)
        check_str("source", self.source)
        d0, alpha = _check_node("", self.d0, self.alpha)
        object.__setattr__(self, "d0", d0)
        object.__setattr__(self, "alpha", alpha)


@dataclass(frozen=True)
class Packaging:
    """A packaging technology's assembly yield parameters.

    Parameters
    ----------
    name : str
        Technology name, e.g. ``"si-interposer"``.
    bond_yield : float
        Probability that one die bonds successfully, in [0, 1].
    carrier_d0 : float or None
        Defect density of the carrier (RDL or silicon interposer) in defects
        per cm^2, >= 0; None when the carrier has no yield of its own
        (organic substrate).
    carrier_alpha : float or None
        Negative-binomial clustering of the carrier's defects, > 0; given
        exactly when ``carrier_d0`` is.
    source : str
        Where the numbers come from.
    carrier_area_factor : float or None, default None
        Carrier area over the total area of the dies on it, > 0, when the
        source models it that way (Chiplet Actuary: 1.2 RDL, 1.1 Si
        interposer); None otherwise.
    carrier_bond_yield : float, default 1.0
        Probability that the carrier itself bonds to the package substrate,
        in [0, 1] (Chiplet Actuary: 0.99 for RDL and Si interposers).

    Examples
    --------
    >>> p = Packaging("si-interposer", 0.95, 0.06, 6.0, "Feng & Ma, DAC 2022")
    >>> p.has_carrier, p.carrier_bond_yield
    (True, 1.0)
    """

    name: str
    bond_yield: float
    carrier_d0: float | None
    carrier_alpha: float | None
    source: str = ""
    carrier_area_factor: float | None = None
    carrier_bond_yield: float = 1.0

    def __post_init__(self) -> None:
        check_str("name", self.name)
        check_str("source", self.source)
        b, d, a, f, cb = _check_packaging(
            "",
            self.bond_yield,
            self.carrier_d0,
            self.carrier_alpha,
            self.carrier_area_factor,
            self.carrier_bond_yield,
        )
        for key, value in [
            ("bond_yield", b),
            ("carrier_d0", d),
            ("carrier_alpha", a),
            ("carrier_area_factor", f),
            ("carrier_bond_yield", cb),
        ]:
            object.__setattr__(self, key, value)

    @property
    def has_carrier(self) -> bool:
        """True when the carrier has a defect-limited yield of its own."""
        return self.carrier_d0 is not None


@dataclass(frozen=True)
class WaferDefaults:
    """The wafer geometry a parameter set's source assumes (lengths in mm).

    Examples
    --------
    >>> WaferDefaults(300.0, 0.2, 5.0).edge_exclusion_mm
    5.0
    """

    diameter_mm: float = 300.0
    scribe_mm: float = 0.0
    edge_exclusion_mm: float = 0.0
    source: str = ""

    def __post_init__(self) -> None:
        check_str("source", self.source)
        d, s, e = _check_wafer("", self.diameter_mm, self.scribe_mm, self.edge_exclusion_mm)
        object.__setattr__(self, "diameter_mm", d)
        object.__setattr__(self, "scribe_mm", s)
        object.__setattr__(self, "edge_exclusion_mm", e)


@dataclass(frozen=True)
class ParameterSet:
    """A named, sourced collection of process nodes and packaging technologies.

    Parameters
    ----------
    name : str
        Set name, e.g. ``"chiplet-actuary"``.
    source : str
        The publication the numbers come from.
    nodes : Mapping[str, ProcessNode]
        Process nodes by name (stored read-only).
    packagings : Mapping[str, Packaging]
        Packaging technologies by name (stored read-only).
    wafer : WaferDefaults or None, default None
        The wafer geometry the source assumes, if it states one.
    path : str or None, default None
        The file the set was read from.

    Examples
    --------
    >>> ps = load_parameter_set("chiplet-actuary")
    >>> ps.node("7nm").d0, ps.packaging("info-rdl").carrier_alpha
    (0.09, 3.0)
    """

    name: str
    source: str
    nodes: Mapping[str, ProcessNode] = field(default_factory=dict)
    packagings: Mapping[str, Packaging] = field(default_factory=dict)
    wafer: WaferDefaults | None = None
    path: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        check_str("name", self.name)
        check_str("source", self.source)
        object.__setattr__(self, "nodes", _check_named_table("nodes", self.nodes, ProcessNode))
        object.__setattr__(self, "packagings", _check_named_table("packagings", self.packagings, Packaging))
        if self.wafer is not None and not isinstance(self.wafer, WaferDefaults):
            raise ParameterError(f"wafer must be a WaferDefaults or None, got {shown(self.wafer)}")
        if self.path is not None:
            check_str("path", self.path)

    def __hash__(self) -> int:
        return hash((self.name, self.source, tuple(self.nodes.items()),
                     tuple(self.packagings.items()), self.wafer))

    def node(self, name: str) -> ProcessNode:
        """The process node ``name``; an unknown name gets a "did you mean".

        Examples
        --------
        >>> load_parameter_set("chiplet-actuary").node("5nm").alpha
        10.0
        """
        try:
            return self.nodes[name]
        except (KeyError, TypeError):
            raise unknown_name("node", name, list(self.nodes)) from None

    def packaging(self, name: str) -> Packaging:
        """The packaging technology ``name``; an unknown name gets a "did you mean".

        Examples
        --------
        >>> load_parameter_set("chiplet-actuary").packaging("organic-substrate").bond_yield
        0.99
        """
        try:
            return self.packagings[name]
        except (KeyError, TypeError):
            raise unknown_name("packaging", name, list(self.packagings)) from None


# --------------------------------------------------------------------------- loading

_TOP_KEYS = {"name", "source", "wafer", "nodes", "packagings"}
_WAFER_KEYS = {"diameter_mm", "scribe_mm", "edge_exclusion_mm", "source"}
_NODE_KEYS = {"d0", "alpha", "source"}
_PACKAGING_KEYS = {
    "bond_yield",
    "carrier_d0",
    "carrier_alpha",
    "carrier_area_factor",
    "carrier_bond_yield",
    "source",
}


def _data_dir(*sub: str):
    """The shipped data folder (yield parameter sets), or a subfolder of it (``"cost"``, ``"limits"``)."""
    return resources.files(__package__).joinpath("data", *sub)


def parameter_sets() -> list[str]:
    """Names of the parameter sets shipped with :mod:`yieldmodels`, sorted.

    Returns
    -------
    list of str
        Set names (file stems with ``_`` spelled ``-``).

    Examples
    --------
    >>> "chiplet-actuary" in parameter_sets()
    True
    """
    return _shipped_names()


def _shipped_names(*sub: str) -> list[str]:
    """Names of the TOML files in the data folder (or its subfolder ``sub``):
    file stems with ``_`` spelled ``-``, sorted."""
    return sorted(
        entry.name[: -len(".toml")].replace("_", "-")
        for entry in _data_dir(*sub).iterdir()
        if entry.name.endswith(".toml")
    )


def _looks_like_path(name_or_path: object) -> bool:
    """A PathLike, or a string ending in ``.toml`` or holding a path separator,
    is a path; any other string the name of a shipped file."""
    return isinstance(name_or_path, os.PathLike) or (
        isinstance(name_or_path, str)
        and (name_or_path.endswith(".toml") or os.sep in name_or_path or "/" in name_or_path)
    )


@lru_cache(maxsize=None)
def _load_shipped(sub: tuple[str, ...], name: str, load_text):
    """The shipped file ``name`` of data subfolder ``sub``, parsed by ``load_text`` once (results are immutable)."""
    entry = _data_dir(*sub).joinpath(name.replace("-", "_") + ".toml")
    loaded = load_text(entry.read_text(encoding="utf-8"), str(entry))
    if loaded.name != name:  # pragma: no cover - guards the shipped data
        raise ParameterError(f"name must be {name!r} (the file name), got {loaded.name!r} (in {entry})")
    return loaded


def _load_data_file(name_or_path: object, load_text, *, what: str, file_what: str, sub: tuple[str, ...] = ()):
    """A shipped data file by name, or a user's TOML file by path, parsed by
    ``load_text(text, path)``: the one loader of every data kind (parameter,
    cost and limit sets). ``what`` names the kind in an unknown-name error,
    ``file_what`` in a file error."""
    if _looks_like_path(name_or_path):
        path = Path(name_or_path)
        text = read_text_file(path, file_what, PARAMETER_FILE_MAX_BYTES, "PARAMETER_FILE_MAX_BYTES")
        return load_text(text, str(path))
    known = _shipped_names(*sub)
    if name_or_path not in known:
        raise unknown_name(what, name_or_path, known)
    return _load_shipped(sub, name_or_path, load_text)


def _check_named_table(kind: str, table: object, cls: type) -> MappingProxyType:
    """``table`` as a read-only mapping of name -> ``cls`` instance, each under its own name."""
    if not isinstance(table, Mapping) or not all(isinstance(k, str) and isinstance(v, cls) for k, v in table.items()):
        raise ParameterError(f"{kind} must be a mapping of name (str) to {cls.__name__}, got {shown(table)}")
    for key, value in table.items():
        if value.name != key:
            raise ParameterError(f"{kind}[{key!r}].name must be {key!r} (its key), got {value.name!r}")
    return MappingProxyType(dict(table))


def _check_table(where: str, table: object) -> dict:
    """Return ``table`` unchanged, raising ParameterError unless it is a TOML table."""
    if not isinstance(table, dict):
        raise ParameterError(f"{where or 'the file'} must be a table, got {table!r}")
    return table


def _check_keys(where: str, table: object, allowed: set[str], required: set[str]) -> dict:
    """Return ``table`` as a dict after rejecting non-tables, unknown and missing keys."""
    label = where or "the top level"
    table = _check_table(where, table)
    unknown = sorted(set(table) - allowed)
    if unknown:
        key = f"{where}.{unknown[0]}" if where else unknown[0]
        close = did_you_mean(unknown[0], sorted(allowed))
        hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
        raise ParameterError(
            f"{key} is not a known key; allowed in {label}: "
            + ", ".join(sorted(allowed))
            + hint
        )
    missing = sorted(required - set(table))
    if missing:
        key = f"{where}.{missing[0]}" if where else missing[0]
        raise ParameterError(f"{key} is required, got nothing")
    return table


def _parse(data: dict, path: str) -> ParameterSet:
    top = _check_keys("", data, _TOP_KEYS, {"name", "source"})
    name = check_str("name", top["name"])
    source = check_str("source", top["source"])

    wafer = None
    if "wafer" in top:
        w = _check_keys("wafer", top["wafer"], _WAFER_KEYS, set())
        d, s, e = _check_wafer(
            "wafer.",
            w.get("diameter_mm", 300.0),
            w.get("scribe_mm", 0.0),
            w.get("edge_exclusion_mm", 0.0),
        )
        wafer = WaferDefaults(d, s, e, check_str("wafer.source", w.get("source", source)))

    nodes: dict[str, ProcessNode] = {}
    for key, table in _check_table("nodes", top.get("nodes", {})).items():
        prefix = f"nodes.{key}."
        t = _check_keys(f"nodes.{key}", table, _NODE_KEYS, {"d0", "alpha"})
        d0, alpha = _check_node(prefix, t["d0"], t["alpha"])
        nodes[key] = ProcessNode(key, d0, alpha, check_str(prefix + "source", t.get("source", source)))

    packagings: dict[str, Packaging] = {}
    for key, table in _check_table("packagings", top.get("packagings", {})).items():
        prefix = f"packagings.{key}."
        t = _check_keys(f"packagings.{key}", table, _PACKAGING_KEYS, {"bond_yield"})
        b, cd, ca, cf, cb = _check_packaging(
            prefix,
            t["bond_yield"],
            t.get("carrier_d0"),
            t.get("carrier_alpha"),
            t.get("carrier_area_factor"),
            t.get("carrier_bond_yield", 1.0),
        )
        packagings[key] = Packaging(
            key, b, cd, ca, check_str(prefix + "source", t.get("source", source)), cf, cb
        )
    return ParameterSet(name, source, nodes, packagings, wafer, path)


def _load_text(text: str, path: str) -> ParameterSet:
    data = parse_toml(text, "parameter file", path)
    try:
        return _parse(data, path)
    except ParameterError as exc:
        raise ParameterError(f"{exc} (in {path})") from None


def load_parameter_set(name_or_path: str | os.PathLike[str]) -> ParameterSet:
    """Load a shipped parameter set by name, or a user's TOML file by path.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A name from :func:`parameter_sets` (e.g. ``"chiplet-actuary"``), or a
        path to a TOML file with the schema in this module's docstring. A
        string is taken as a path when it ends in ``.toml`` or contains a path
        separator.

    Returns
    -------
    ParameterSet

    Raises
    ------
    ParameterError
        On an unknown set name (with a "did you mean"), a missing or
        unreadable file, a path that is not a regular file (a directory, a
        device such as ``/dev/zero``, a FIFO), a file larger than
        :data:`PARAMETER_FILE_MAX_BYTES` (1 MiB), text that is not UTF-8,
        invalid TOML, an unknown or missing key, a value of
        the wrong type or out of range. File errors name the key (dotted, e.g.
        ``packagings.info-rdl.bond_yield``) and end with ``(in <file>)``.

    Notes
    -----
    Shipped sets are parsed once and cached (the result is immutable). Only
    keys in the schema are accepted, so a typo cannot silently fall back to a
    default. A file is read only if it is a regular file, and at most
    :data:`PARAMETER_FILE_MAX_BYTES` plus one byte of it, so no path makes
    the call hang or fill memory.

    Examples
    --------
    >>> ps = load_parameter_set("chiplet-actuary")
    >>> ps.node("5nm").d0, ps.node("5nm").alpha
    (0.11, 10.0)
    >>> p = ps.packaging("si-interposer")
    >>> p.bond_yield, p.carrier_d0, p.carrier_alpha
    (0.95, 0.06, 6.0)
    >>> try:
    ...     load_parameter_set("chiplet-actuar")
    ... except ParameterError as exc:
    ...     print(exc)
    parameter set must be one of 'chiplet-actuary', got 'chiplet-actuar' (did you mean 'chiplet-actuary'?)
    """
    return _load_data_file(name_or_path, _load_text, what="parameter set", file_what="parameter set file")

