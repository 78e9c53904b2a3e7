"""Remap schemes that retire whole lines: spare rows and columns, and harvesting.

Both leave whole physical rows or columns out of the logical array, so a
wafer's logical -> physical map is a compaction over the lines kept
(:class:`wafer.spare_lines.LineMapping`), and a logical link across left-out
lines rides the mesh through them (their routers forward traffic: harvested
lines as Tenstorrent ships them; retired lines as a switch fabric bypasses
them). Both degrade gracefully: a wafer they cannot repair reports the
largest logical array it could build.

- :class:`SpareLines` (``"spare-lines"``): memory-style replacement with
  spare rows and columns (Kuo & Fuchs 1987), :mod:`wafer.spare_lines`.
- :class:`Harvest` (``"harvest"``): every row (or column) with a dead core is
  disabled (Grayskull and Wormhole harvest rows, Blackhole columns),
  :mod:`wafer.harvest`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from paramcheck import ParameterError, check_choice, check_ids, check_instance, check_int, shown
from yieldmodels import DefectBatch

from . import harvest as _harvest
from . import spare_lines as _spare
from .geometry import WaferSpec
from .remap import LogicalMapping, RemapBatch, RemapScheme, check_cores_only, check_live_routers, checked_batch

__all__ = ["Harvest", "LineRemap", "SpareLines"]


class LineRemap(LogicalMapping):
    """One wafer's logical mesh under a line scheme (:class:`SpareLines`, :class:`Harvest`).

    Its map is held as the left-out lines (:class:`wafer.spare_lines.LineMapping`);
    every lookup is O(log lines).

    Examples
    --------
    >>> spec = WaferSpec(core_rows=4, core_cols=5, die_width_mm=5.0, die_height_mm=5.0)
    >>> m = Harvest().mapping(spec, [6])
    >>> m.logical_shape, m.failure, m.long_links().tolist(), round(m.harvest, 3)
    ((3, 5), 'degraded: fewer good lines than the grid has', [2, 2, 2, 2, 2], 0.789)
    >>> m.metrics().max_link_extra_hops
    1.0
    """

    def __init__(
        self, spec: WaferSpec, scheme: RemapScheme, dead: np.ndarray, lines: _spare.LineMapping, spares_used: int
    ) -> None:
        self.spec = spec
        self.scheme = scheme
        self.dead = dead
        self.lines = lines
        self.status = lines.status
        self.logical_shape = lines.logical_shape
        #: Spares standing in for left-out lines (spare-lines), or lines disabled (harvest).
        self.spares_used = int(spares_used)
        #: Routers no path may cross (none: left-out lines still forward).
        self.blocked = np.zeros(0, dtype=np.int64)
        #: Dead mesh links, both channels of each (none: line schemes take core faults).
        self.links = np.zeros(0, dtype=np.int64)

    def l2p(self, logical) -> np.ndarray:
        """Physical core of each logical core id (``row * logical_cols + col``)."""
        return self.lines.l2p(self._check_logical(logical))

    def p2l(self, physical) -> np.ndarray:
        """Logical core on each physical core id, -1 off the logical array."""
        return self.lines.p2l(check_ids("physical", physical, self.spec.n_cores, what="core ids"))

    def long_links(self) -> np.ndarray:
        """Physical length of each long interconnect, sorted (O(left-out lines + long links))."""
        return self.lines.long_links()


def _batch(b, extra: dict) -> RemapBatch:
    return RemapBatch(b.status, b.logical_rows, b.logical_cols, np.asarray(b.spares_used, dtype=np.int64), extra)


@dataclass(frozen=True)
class SpareLines(RemapScheme):
    """Spare rows and columns: a dead core retires its row or its column (Kuo & Fuchs).

    Parameters
    ----------
    spare_rows, spare_cols : int
        Spare lines; a repaired wafer's logical array is ``(core_rows -
        spare_rows) x (core_cols - spare_cols)``.
    target_shape : (int, int), optional
        A wafer that cannot be repaired reaches the largest logical array
        that holds this shape (else the largest of all).

    Notes
    -----
    Exact cover by must-repair analysis and branch and bound per connected
    component of the dead cores (:func:`wafer.spare_lines.repair_spare_lines`):
    O(dead cores) per wafer when the defects are sparse. There is no closed
    form for the repair probability.

    Examples
    --------
    >>> spec = WaferSpec(core_rows=6, core_cols=6, die_width_mm=6.0, die_height_mm=6.0)
    >>> s = SpareLines(spare_rows=1, spare_cols=1)
    >>> s.logical_shape(spec)
    (5, 5)
    >>> b = s.check(spec, DefectBatch(np.array([0, 1, 5]), np.array([7, 8, 14, 21, 28])))
    >>> b.status.tolist(), b.logical_rows.tolist(), b.logical_cols.tolist(), b.spares_used.tolist()
    ([0, 1], [5, 5], [5, 4], [1, 2])
    """

    spare_rows: int = 1
    spare_cols: int = 1
    target_shape: tuple | None = None

    name: ClassVar[str] = "spare-lines"
    FAILURES: ClassVar[dict] = {
        _spare.OK: "repaired",
        _spare.DEGRADED: "degraded: more lines to retire than spares",
        _spare.FAILED: "no logical array of the target shape",
    }

    def __post_init__(self) -> None:
        check_int("spare_rows", self.spare_rows, minimum=0)
        check_int("spare_cols", self.spare_cols, minimum=0)
        target = self.target_shape
        if target is not None:
            if not isinstance(target, (tuple, list)) or len(target) != 2:
                raise ParameterError(f"target_shape must be None or (rows, cols), got {shown(target)}")
            object.__setattr__(self, "target_shape", (check_int("target_shape rows", target[0]),
                                                      check_int("target_shape cols", target[1])))

    def describe(self) -> str:
        """One line: the scheme and its parameters."""
        target = "" if self.target_shape is None else f", degrading to at least {self.target_shape[0]} x {self.target_shape[1]}"
        return f"{self.name}, {self.spare_rows} spare row(s) and {self.spare_cols} spare column(s){target}"

    def validate(self, spec: WaferSpec) -> None:
        """Raise :class:`ParameterError` unless the spares and target fit ``spec``'s grid."""
        check_instance("spec", spec, WaferSpec)
        check_int("spare_rows", self.spare_rows, minimum=0, maximum=spec.core_rows - 1)
        check_int("spare_cols", self.spare_cols, minimum=0, maximum=spec.core_cols - 1)
        if self.target_shape is not None and (self.target_shape[0] > spec.core_rows
                                              or self.target_shape[1] > spec.core_cols):
            raise ParameterError(
                f"target_shape must fit the {spec.core_rows} x {spec.core_cols} core grid, got"
                f" {self.target_shape[0]} x {self.target_shape[1]}"
            )
        check_live_routers(self, spec, "its left-out lines' routers forward traffic")
        super().validate(spec)

    def _shape(self, spec: WaferSpec) -> tuple[int, int]:
        return spec.core_rows - self.spare_rows, spec.core_cols - self.spare_cols

    def _run(self, spec: WaferSpec, offsets: np.ndarray, sites: np.ndarray) -> _spare.SpareLinesBatch:
        self.validate(spec)
        return _spare.repair_spare_lines(offsets, sites, spec.core_rows, spec.core_cols, self.spare_rows,
                                         self.spare_cols, target=self.target_shape)

    def check(self, spec: WaferSpec, dead: DefectBatch) -> RemapBatch:
        """The remap of each trial (O(dead cores) per trial for sparse defects)."""
        dead = checked_batch(spec, dead)
        b = self._run(spec, dead.offsets, dead.sites)
        return _batch(b, {"long_links": b.long_links, "longest_link": b.longest_link, "extra_hops": b.extra_hops})

    def mapping(self, spec: WaferSpec, dead, routers=None, links=None) -> LineRemap:
        """The logical mesh of one wafer with the given dead cores (line schemes take no router or link faults)."""
        self.validate(spec)
        check_cores_only(self, routers, links)
        dead = np.unique(check_ids("dead", dead, spec.n_cores, what="core ids"))
        b = self._run(spec, np.array([0, dead.size], dtype=np.int64), dead)
        return LineRemap(spec, self, dead, b.mapping(0), b.spares_used[0])


@dataclass(frozen=True)
class Harvest(RemapScheme):
    """Row (or column) harvesting as Tenstorrent ships it: every line with a dead core is disabled.

    Parameters
    ----------
    axis : {"rows", "cols"}
        Harvest rows (Grayskull, Wormhole) or columns (Blackhole).
    target_lines : int, optional
        Good lines a chip ships with (the first ones); a wafer with fewer
        fails. None: every good line (a wafer with a dead core is degraded,
        never failed while a line is left).

    Notes
    -----
    O(dead cores) per wafer. The closed form (:meth:`repair_probability`) is
    exact for Poisson defects and for one gamma multiplier per wafer; with a
    clustering block (lines cross blocks) there is none.

    Examples
    --------
    >>> spec = WaferSpec(core_rows=10, core_cols=8, die_width_mm=20.0, die_height_mm=20.0)
    >>> h = Harvest(target_lines=9)     # a Wormhole n150: 9 of 10 Tensix rows
    >>> h.logical_shape(spec)
    (9, 8)
    >>> b = h.check(spec, DefectBatch(np.array([0, 0, 1, 3]), np.array([3, 12, 20])))
    >>> b.status.tolist(), b.logical_rows.tolist(), b.spares_used.tolist()
    ([0, 0, 2], [9, 9, 8], [0, 1, 2])
    """

    axis: str = "rows"
    target_lines: int | None = None

    name: ClassVar[str] = "harvest"
    FAILURES: ClassVar[dict] = {
        _harvest.OK: "repaired",
        _harvest.DEGRADED: "degraded: fewer good lines than the grid has",
        _harvest.FAILED: "fewer good lines than the target (or none)",
    }

    def __post_init__(self) -> None:
        check_choice("axis", self.axis, _harvest.AXES)
        if self.target_lines is not None:
            check_int("target_lines", self.target_lines)

    def describe(self) -> str:
        """One line: the scheme and its parameters."""
        ship = "every good one" if self.target_lines is None else f"shipping {self.target_lines}"
        return f"{self.name}, {self.axis} with a dead core disabled ({ship})"

    def _lines(self, spec: WaferSpec) -> int:
        return spec.core_rows if self.axis == "rows" else spec.core_cols

    def validate(self, spec: WaferSpec) -> None:
        """Raise :class:`ParameterError` unless ``target_lines`` fits ``spec``'s grid."""
        check_instance("spec", spec, WaferSpec)
        if self.target_lines is not None:
            check_int("target_lines", self.target_lines, maximum=self._lines(spec))
        check_live_routers(self, spec, "its left-out lines' routers forward traffic")
        super().validate(spec)

    def _shape(self, spec: WaferSpec) -> tuple[int, int]:
        n = self.target_lines or self._lines(spec)
        return (n, spec.core_cols) if self.axis == "rows" else (spec.core_rows, n)

    def _run(self, spec: WaferSpec, offsets: np.ndarray, sites: np.ndarray) -> _harvest.HarvestBatch:
        self.validate(spec)
        return _harvest.harvest_lines(offsets, sites, spec.core_rows, spec.core_cols, axis=self.axis,
                                      target=self.target_lines)

    def check(self, spec: WaferSpec, dead: DefectBatch) -> RemapBatch:
        """The harvest of each trial (O(dead cores) per trial)."""
        dead = checked_batch(spec, dead)
        b = self._run(spec, dead.offsets, dead.sites)
        return RemapBatch(b.status, b.logical_rows, b.logical_cols, b.n_disabled.astype(np.int64),
                          {"long_links": b.long_links, "longest_link": b.longest_link, "extra_hops": b.extra_hops})

    def mapping(self, spec: WaferSpec, dead, routers=None, links=None) -> LineRemap:
        """The logical mesh of one wafer with the given dead cores (line schemes take no router or link faults)."""
        self.validate(spec)
        check_cores_only(self, routers, links)
        dead = np.unique(check_ids("dead", dead, spec.n_cores, what="core ids"))
        b = self._run(spec, np.array([0, dead.size], dtype=np.int64), dead)
        return LineRemap(spec, self, dead, b.mapping(0), b.n_disabled[0])

    def repair_probability(self, spec: WaferSpec, mean_defects: float, *, alpha=None, block=None) -> float | None:
        """Closed-form probability that at least ``target_lines`` lines (all, without a
        target) have no dead core; None with a clustering block.

        Examples
        --------
        >>> spec = WaferSpec(core_rows=10, core_cols=8, die_width_mm=20.0, die_height_mm=20.0)
        >>> round(Harvest(target_lines=9).repair_probability(spec, 0.5), 4)
        0.9175
        """
        self.validate(spec)
        if block is not None:
            return None
        n = self.target_lines or self._lines(spec)
        return _harvest.harvest_probability(spec.core_rows, spec.core_cols, mean_defects, n, axis=self.axis,
                                            alpha=alpha)
