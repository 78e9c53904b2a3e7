"""Link classes: the bandwidth, latency and energy of each kind of channel, by name.

Every channel of a :class:`routing.network.Network` has a link class. A class
states its link's bandwidth (bits per cycle), latency (cycles) and energy
(pJ/bit), the per-hop delay (cycles) and energy (pJ/bit) of the router at the
node a flit enters through the link, and the clock (GHz) those cycles are
counted in, so that GB/s and ns follow. Classes are looked up by name in a
:class:`LinkClassTable` (as BookSim looks up its routing functions);
:data:`LINK_CLASSES` holds the shipped classes below, and
:meth:`LinkClassTable.with_overrides` or :func:`load_link_classes` (a TOML
file) change their figures.

Shipped classes (figures per direction of a link; every class counts cycles of
the same fabric clock, so cycle counts add up along a path)::

    name          bits/cycle   GB/s   link latency         link pJ/bit
    mesh              32         4.4   0 cycles               0.022
    bypass            32         4.4   0 cycles               0.031
    d2d-standard     179.2      24.64  2.2 cycles =  2 ns     0.5
    d2d-advanced    1040       143     2.2 cycles =  2 ns     0.25
    off-package     3272.7     450     5.5 cycles =  5 ns     1.3
    optics          1818.2     250     16.5 cycles = 15 ns    5.0

and for every class the router a flit enters: 1 cycle, 0.05 pJ/bit (so a
mesh hop takes 1 cycle and a d2d-standard crossing 3.2 cycles, 2 ns more).

Notes
-----
Where each figure comes from (estimates say so, and why):

- Clock, all classes: 1.1 GHz, the fabric clock the project assumes
  (:mod:`wafer.chiplet`); Cerebras does not publish the WSE's clock.
- Core pitch, 0.22 mm: WSE-3 has ~970,000 physical cores on 46,225 mm^2,
  0.048 mm^2 each (Cerebras blog "100x Defect Tolerance", 2025), and
  sqrt(0.048) = 0.22 mm. One mesh link's share of a die edge is one pitch.
- Router, all classes: the receiving node's 5-port router (N, S, E, W and the
  core; Cerebras SDK documentation). Delay 1 cycle: one hop per cycle, router
  and link together, as a 45 nm 4 x 4 mesh prototype achieves ("1-cycle
  router-and-link latency at each hop", Park et al., DAC 2012) and as the
  project counts hops. Energy 0.05 pJ/bit is an *estimate* (nothing is
  published for the WSE): that prototype delivered 892 Gb/s at 531 mW,
  ~0.6 pJ per delivered bit over a few hops at 45 nm and 1.1 V; scaled to a
  5 nm node (about (0.75 V / 1.1 V)^2 = 0.46 for the voltage and a few times
  less capacitance) it is ~0.05 pJ/bit per hop. A check: at 0.05 pJ/bit a
  router forwarding 32 bits every cycle on all four ports draws 7 mW, within
  the ~25 mW per core a ~23 kW CS-3 spends on ~900k cores.
- mesh: 32 bits per cycle, one 32-bit wavelet per cycle per link (Cerebras
  SDK documentation). Link latency 0 cycles: the wire of one pitch is a
  fraction of the router's cycle. Energy 0.022 pJ/bit is an *estimate*: one
  pitch (0.22 mm) of full-swing repeated wire at ~0.1 pJ/bit/mm (C ~ 0.2 pF/mm
  at ~0.75 V gives C V^2 ~ 0.11 pJ per mm per transition; the literature
  spans 0.31 pJ/bit/mm full swing at 130 nm down to 0.04 pJ/bit/mm low swing
  at 45 nm: the ISRN Electronics 2012 survey "A Survey Addressing On-Chip
  Interconnect", Table 1; Park et al., DATE 2013).
- bypass: the dedicated diagonal link of shift-to-spare repair, between
  (x, y) and (x +- 1, y +- 1). An *estimate*: Cerebras says only that
  redundant links exist (Hot Chips 31). It carries the traffic of the mesh
  link it stands in for, so the mesh link's 32 bits per cycle; it is
  sqrt(2) pitches long (0.31 mm), still within the router's cycle, so
  latency 0 cycles, and sqrt(2) times the mesh link's wire energy.
- d2d-standard: UCIe standard (2D, organic) package: up to 224 GB/s per mm
  of die edge at 32 GT/s, both directions together; ~0.5 pJ/bit (0.6 above
  16 GT/s); latency < 2 ns (UCIe 1.0 specification targets; D. Das Sharma,
  Hot Interconnects 2025). Per link: half of 224 GB/s/mm (one direction)
  times one pitch, 112 * 0.22 = 24.64 GB/s = 179.2 bits per cycle. That is
  more than a 32-bit router port moves; a study wanting the port's limit
  takes the minimum (as :mod:`wafer.chiplet` caps die-to-die bandwidth at
  the on-die link's) or overrides ``bandwidth_bits_per_cycle``. Latency
  2 ns = 2.2 cycles, the project's figure per crossing.
- d2d-advanced: UCIe advanced (2.5D: silicon interposer or bridge) package:
  ~1.3 TB/s per mm of die edge, 0.25 pJ/bit (0.3 above 16 GT/s), < 2 ns (same
  sources). Per link: 650 GB/s/mm * 0.22 mm = 143 GB/s = 1040 bits per cycle.
- off-package: NVLink-C2C, the chip-to-chip link between packages on a board
  (Grace Hopper): 900 GB/s both directions together, 1.3 pJ/bit, 40 Gb/s NRZ
  lanes without FEC and an interface latency under 5 ns (NVIDIA, NVLink-C2C
  announcement 2022; ISSCC 2023 paper 9.3 as summarised by besthub.dev).
  One channel is the whole interface in one direction: 450 GB/s = 3272.7 bits
  per cycle; 5 ns = 5.5 cycles (the bound, taken as the value). SerDes-based
  NVLink 4 between boards costs ~5.5 pJ/bit (same summary; 6-10 pJ/bit for
  112 Gb/s long-reach electrical I/O, Ayar Labs) and FEC adds tens of ns:
  override ``energy_pj_per_bit`` and ``latency_cycles`` to model it.
- optics: in-package optical I/O (co-packaged optics): Ayar Labs TeraPHY,
  4 Tb/s both directions per chiplet, < 5 pJ/bit, 5 ns per chiplet plus time
  of flight, no FEC (ayarlabs.com, "Artificial Intelligence"); Broadcom's
  Tomahawk 5 "Bailly" co-packaged optics ~5.5 pJ/bit (chipcraft.tech). One
  channel is one chiplet's direction: 250 GB/s = 1818.2 bits per cycle;
  5 pJ/bit; latency two chiplets (send, receive) and an *assumed* 1 m of
  fibre (~5 ns at group index ~1.5): 15 ns = 16.5 cycles.

Examples
--------
>>> mesh = get_link_class("mesh")
>>> mesh.bandwidth_gbytes_per_s, mesh.latency_cycles + mesh.router_delay_cycles
(4.4, 1.0)
>>> round(get_link_class("d2d-standard").latency_ns, 9)
2.0
>>> LINK_CLASSES.with_overrides({"d2d-standard": {"energy_pj_per_bit": 0.6}})["d2d-standard"].energy_pj_per_bit
0.6
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from paramcheck import (
    ParameterError, check_nonnegative, check_positive, check_str, did_you_mean, parse_toml, read_text_file, shown, unknown_name,
)

__all__ = [
    "LINK_CLASSES",
    "LINK_CLASS_FILE_MAX_BYTES",
    "MAX_LINK_CLASSES",
    "LinkClass",
    "LinkClassTable",
    "get_link_class",
    "load_link_classes",
]

#: Most classes a table holds: a channel stores its class index in one byte.
MAX_LINK_CLASSES = 256
#: Largest link class file :func:`load_link_classes` reads (64 KiB; overriding
#: every key of every shipped class takes ~1 KiB). Only regular files are
#: read, at most this plus one byte.
LINK_CLASS_FILE_MAX_BYTES = 2**16

#: The numeric fields of a link class: the check each must pass and its unit.
_NUMBERS = {
    "bandwidth_bits_per_cycle": (check_positive, "bits per cycle"),
    "clock_ghz": (check_positive, "GHz"),
    "latency_cycles": (check_nonnegative, "cycles"),
    "energy_pj_per_bit": (check_nonnegative, "pJ/bit"),
    "router_delay_cycles": (check_nonnegative, "cycles"),
    "router_energy_pj_per_bit": (check_nonnegative, "pJ/bit"),
}
#: What an override may set: every field but the name.
_KEYS = (*_NUMBERS, "source")


def _checked(prefix: str, key: str, value: object) -> float | str:
    """``value`` of field ``key`` checked; messages name it ``prefix + key``."""
    if key == "source":
        return check_str(prefix + key, value)
    check, unit = _NUMBERS[key]
    return check(prefix + key, value, unit)


@dataclass(frozen=True)
class LinkClass:
    """One kind of link and the router a flit enters through it.

    Parameters
    ----------
    name : str
        Non-empty, printable; the class's name in its table.
    bandwidth_bits_per_cycle : float
        Bits the link moves per cycle in one direction, > 0.
    clock_ghz : float
        The clock its cycles are counted in, GHz, > 0 (for GB/s and ns).
    latency_cycles : float
        Cycles a flit spends on the link, >= 0.
    energy_pj_per_bit : float
        Energy of the link, pJ per bit, >= 0.
    router_delay_cycles : float
        Per-hop delay of the router at the node the link enters, cycles, >= 0.
    router_energy_pj_per_bit : float
        Per-hop energy of that router, pJ per bit, >= 0.
    source : str, default ""
        Where the figures come from.

    Examples
    --------
    >>> c = LinkClass("wide", 64, 2.0, 1, 0.1, 1, 0.05)
    >>> c.bandwidth_gbytes_per_s, c.latency_ns
    (16.0, 0.5)
    >>> LinkClass("wide", 64, 2.0, -1, 0.1, 1, 0.05)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: latency_cycles must be a finite number >= 0 (cycles), got -1.0
    """

    name: str
    bandwidth_bits_per_cycle: float
    clock_ghz: float
    latency_cycles: float
    energy_pj_per_bit: float
    router_delay_cycles: float
    router_energy_pj_per_bit: float
    source: str = ""

    def __post_init__(self) -> None:
        if not (isinstance(self.name, str) and self.name and self.name.isprintable()):
            raise ParameterError(f"name must be a non-empty printable string, got {shown(self.name)}")
        for key in _KEYS:
            object.__setattr__(self, key, _checked("", key, getattr(self, key)))

    @property
    def bandwidth_gbytes_per_s(self) -> float:
        """Bandwidth in GB/s (10^9 bytes per second): bits per cycle * GHz / 8."""
        return self.bandwidth_bits_per_cycle * self.clock_ghz / 8.0

    @property
    def latency_ns(self) -> float:
        """Link latency in ns: cycles / GHz."""
        return self.latency_cycles / self.clock_ghz


class LinkClassTable:
    """Link classes by name, in a fixed order (a channel names its class by index).

    Parameters
    ----------
    classes : list or tuple of LinkClass
        1 to :data:`MAX_LINK_CLASSES` classes with distinct names.

    Attributes
    ----------
    classes : tuple of LinkClass

    Examples
    --------
    >>> t = LinkClassTable([get_link_class("mesh"), get_link_class("optics")])
    >>> t.names, t.index("optics"), "bypass" in t
    (('mesh', 'optics'), 1, False)
    >>> t["optic"]
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: link class must be one of 'mesh', 'optics', got 'optic' (did you mean 'optics'?)
    """

    __slots__ = ("classes", "_index")

    def __init__(self, classes: list[LinkClass] | tuple[LinkClass, ...]) -> None:
        allowed = f"a list or tuple of 1 to {MAX_LINK_CLASSES} LinkClass objects (MAX_LINK_CLASSES)"
        if not (isinstance(classes, (list, tuple)) and 1 <= len(classes) <= MAX_LINK_CLASSES
                and all(isinstance(c, LinkClass) for c in classes)):
            raise ParameterError(f"classes must be {allowed}, got {shown(classes)}")
        index: dict[str, int] = {}
        for i, c in enumerate(classes):
            if c.name in index:
                raise ParameterError(f"classes must have distinct names, got {c.name!r} twice")
            index[c.name] = i
        object.__setattr__(self, "classes", tuple(classes))
        object.__setattr__(self, "_index", index)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a LinkClassTable is immutable; with_overrides makes a changed copy")

    def __reduce__(self):
        return LinkClassTable, (self.classes,)

    @property
    def names(self) -> tuple[str, ...]:
        """Class names, in index order."""
        return tuple(self._index)

    def __len__(self) -> int:
        return len(self.classes)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._index

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LinkClassTable) and self.classes == other.classes

    def __hash__(self) -> int:
        return hash(self.classes)

    def __repr__(self) -> str:
        return f"LinkClassTable({', '.join(self.names)})"

    def index(self, name: str) -> int:
        """Index of class ``name``; an unknown name gets a "did you mean"."""
        if name not in self:
            raise unknown_name("link class", name, self.names)
        return self._index[name]

    def __getitem__(self, name: str) -> LinkClass:
        return self.classes[self.index(name)]

    def with_overrides(self, overrides: Mapping[str, Mapping[str, object]]) -> LinkClassTable:
        """A copy of the table with some figures of some classes changed.

        Parameters
        ----------
        overrides : mapping of str to mapping of str to value
            Class name -> {field: new value}; fields are those of
            :class:`LinkClass` but ``name``. Unknown class names and unknown
            fields are errors (with a "did you mean"), as are values a
            :class:`LinkClass` refuses; messages name ``class.field``.

        Returns
        -------
        LinkClassTable
            The same classes in the same order, with the new values.

        Examples
        --------
        >>> t = LINK_CLASSES.with_overrides({"mesh": {"clock_ghz": 1.0}})
        >>> t["mesh"].bandwidth_gbytes_per_s, LINK_CLASSES["mesh"].clock_ghz
        (4.0, 1.1)
        >>> LINK_CLASSES.with_overrides({"mesh": {"energy_pj_per_bi": 0.1}})
        Traceback (most recent call last):
        ...
        paramcheck.errors.ParameterError: mesh.energy_pj_per_bi is not a known key; allowed in [mesh]: bandwidth_bits_per_cycle, clock_ghz, latency_cycles, energy_pj_per_bit, router_delay_cycles, router_energy_pj_per_bit, source (did you mean 'energy_pj_per_bit'?)
        """
        if not isinstance(overrides, Mapping):
            raise ParameterError(
                f"overrides must be a mapping of link class name to a table of values, got {shown(overrides)}"
            )
        classes = list(self.classes)
        for name, values in overrides.items():
            i = self.index(name)
            if not isinstance(values, Mapping):
                raise ParameterError(f"{name} must be a table of values to override, got {shown(values)}")
            changes = {}
            for key, value in values.items():
                if key not in _KEYS:
                    raise _unknown_key(name, key)
                changes[key] = _checked(f"{name}.", key, value)
            classes[i] = replace(classes[i], **changes)
        return LinkClassTable(classes)


def _unknown_key(name: str, key: object) -> ParameterError:
    label = key if isinstance(key, str) and key.isprintable() else shown(key)
    close = did_you_mean(key, _KEYS)
    hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
    return ParameterError(f"{name}.{label} is not a known key; allowed in [{name}]: {', '.join(_KEYS)}{hint}")


# --------------------------------------------------------------------------- shipped classes

_CLOCK_GHZ = 1.1      # assumed fabric clock (wafer.chiplet)
_PITCH_MM = 0.22      # WSE-3 core pitch: sqrt(46,225 mm^2 / 970,000 cores)
_ROUTER = {"router_delay_cycles": 1.0, "router_energy_pj_per_bit": 0.05}   # 5-port router (estimate)


def _bits_per_cycle(gbytes_per_s: float) -> float:
    """GB/s in bits per cycle of the fabric clock."""
    return gbytes_per_s * 8.0 / _CLOCK_GHZ


def _cycles(ns: float) -> float:
    """ns in cycles of the fabric clock."""
    return ns * _CLOCK_GHZ


#: The shipped link classes (sources in this module's Notes).
LINK_CLASSES = LinkClassTable([
    LinkClass("mesh", 32.0, _CLOCK_GHZ, 0.0, 0.022, **_ROUTER,   # 0.1 pJ/bit/mm * 0.22 mm
              source="Cerebras SDK docs: 32-bit wavelets, ~1 per cycle per link, 5-port router; "
                     "1 cycle per hop (Park et al., DAC 2012); energies estimated (module Notes)"),
    LinkClass("bypass", 32.0, _CLOCK_GHZ, 0.0, 0.031, **_ROUTER,   # sqrt(2) * 0.022
              source="estimate: a mesh link sqrt(2) pitches long (Cerebras publishes no figures "
                     "for its redundant links)"),
    LinkClass("d2d-standard", _bits_per_cycle(224.0 / 2 * _PITCH_MM), _CLOCK_GHZ, _cycles(2.0), 0.5, **_ROUTER,
              source="UCIe standard package: 224 GB/s/mm (both ways), 0.5 pJ/b, <2 ns (UCIe 1.0; "
                     "Das Sharma, Hot Interconnects 2025); one 0.22 mm pitch of die edge per link"),
    LinkClass("d2d-advanced", _bits_per_cycle(1300.0 / 2 * _PITCH_MM), _CLOCK_GHZ, _cycles(2.0), 0.25, **_ROUTER,
              source="UCIe advanced package: ~1.3 TB/s/mm (both ways), 0.25 pJ/b, <2 ns (UCIe 1.0; "
                     "Das Sharma, Hot Interconnects 2025); one 0.22 mm pitch of die edge per link"),
    LinkClass("off-package", _bits_per_cycle(900.0 / 2), _CLOCK_GHZ, _cycles(5.0), 1.3, **_ROUTER,
              source="NVLink-C2C: 900 GB/s (both ways), 1.3 pJ/b, <5 ns interface latency (NVIDIA 2022; "
                     "ISSCC 2023 9.3); one channel = the whole interface one way"),
    LinkClass("optics", _bits_per_cycle(4000.0 / 8 / 2), _CLOCK_GHZ, _cycles(2 * 5.0 + 5.0), 5.0, **_ROUTER,
              source="Ayar Labs TeraPHY optical I/O: 4 Tb/s (both ways), <5 pJ/b, 5 ns per chiplet + "
                     "time of flight (assumed 1 m of fibre, 5 ns); Broadcom Bailly CPO ~5.5 pJ/b"),
])


def get_link_class(name: str) -> LinkClass:
    """The shipped link class ``name`` (see :data:`LINK_CLASSES`); an unknown name gets a "did you mean".

    Examples
    --------
    >>> get_link_class("optics").energy_pj_per_bit
    5.0
    >>> get_link_class("d2d")
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: link class must be one of 'mesh', 'bypass', 'd2d-standard', 'd2d-advanced', 'off-package', 'optics', got 'd2d' (did you mean 'd2d-standard' or 'd2d-advanced'?)
    """
    return LINK_CLASSES[name]


# --------------------------------------------------------------------------- files


def load_link_classes(path: str | os.PathLike[str], base: LinkClassTable | None = None) -> LinkClassTable:
    """The shipped link classes (or ``base``) with the overrides of a TOML file.

    Each table of the file names a shipped class and sets some of its fields
    (any field of :class:`LinkClass` but ``name``)::

        [d2d-standard]
        energy_pj_per_bit = 0.6      # UCIe standard package above 16 GT/s
        source = "Das Sharma, Hot Interconnects 2025"

    Parameters
    ----------
    path : str or os.PathLike
        A regular file of at most :data:`LINK_CLASS_FILE_MAX_BYTES`.
    base : LinkClassTable, optional
        The table the file changes (default :data:`LINK_CLASSES`).

    Returns
    -------
    LinkClassTable
        ``base`` with the file's values.

    Raises
    ------
    ParameterError
        On a missing or unreadable file, one that is not a regular file or is
        too large, text that is not UTF-8, invalid TOML, an unknown class or
        key (with a "did you mean"), or a value out of range (NaN, negative).
        Messages name the table and key (``d2d-standard.energy_pj_per_bit``)
        and end with ``(in '<file>')``.

    Notes
    -----
    O(file size); the file is read once.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "links.toml"
    >>> _ = f.write_text('[d2d-standard]\\nenergy_pj_per_bit = 0.6\\n')
    >>> load_link_classes(f)["d2d-standard"].energy_pj_per_bit
    0.6
    >>> _ = f.write_text('[d2d-standard]\\nenergy_pj_per_bit = nan\\n')
    >>> load_link_classes(f)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: d2d-standard.energy_pj_per_bit must be a finite number >= 0 (pJ/bit), got nan (in '.../links.toml')
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ParameterError(f"path must be the path of a TOML file (str or os.PathLike), got {shown(path)}")
    try:
        path = Path(path)
    except TypeError:  # a PathLike of bytes
        raise ParameterError(f"path must be the path of a TOML file (str or os.PathLike), got {shown(path)}") from None
    where = repr(str(path))
    text = read_text_file(path, "link class file", LINK_CLASS_FILE_MAX_BYTES, "LINK_CLASS_FILE_MAX_BYTES")
    if base is not None and not isinstance(base, LinkClassTable):
        raise ParameterError(f"base must be a LinkClassTable or None, got {shown(base)}")
    data = parse_toml(text, "link class file", where)
    try:
        return (base or LINK_CLASSES).with_overrides(data)
    except ParameterError as exc:
        raise ParameterError(f"{exc} (in {where})") from None
