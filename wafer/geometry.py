"""Wafer geometry: the physical core grid and the fabric's links and reach.

The defaults are the WSE-3 preset's (``wafer/data/presets/wse-3.toml``, with
the sources of each figure): a 215 x 215 mm die on a 300 mm wafer holding
763 x 1272 = 970,536 physical cores of 0.282 x 0.169 mm (0.0476 mm^2;
Cerebras: ~970k physical cores of ~0.05 mm^2), a grid the WSE's 12 x 7
reticle grid (84 dies of 109 x 106 cores) divides exactly.

Which cores are spares, and how a logical mesh is made of the live ones, is
the remap scheme's (:mod:`wafer.remap`), not the wafer's.

Note that a 215 mm square's diagonal (304 mm) exceeds a 300 mm wafer: its
corners, 0.036% of its area, lie past the wafer's edge. The published WSE
figures are used as they are; a die is refused when more than
:data:`MAX_OFF_WAFER` of its area would lie off the wafer.

Limits: at most :data:`MAX_CORES` physical cores (the study's per-wafer work
and memory grow with the rows and segments of the grid).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from paramcheck import ParameterError, check_bool, check_int, check_nonnegative, check_positive

__all__ = ["MAX_CORES", "MAX_OFF_WAFER", "WaferSpec", "off_wafer_fraction"]

#: Most physical cores a wafer may have: 2^24, about 17 WSE-3s.
MAX_CORES = 2**24

#: Largest fraction of the die's area that may lie off the wafer disc.
MAX_OFF_WAFER = 0.01


def off_wafer_fraction(width_mm: float, height_mm: float, wafer_diameter_mm: float) -> float:
    """Fraction of a centred ``width x height`` die that lies off the wafer disc.

    Exact: in units of the wafer radius, the die's quarter ``[0, a] x [0, b]``
    has ``integral of min(a, sqrt(1 - y^2)) dy`` over ``0 <= y <= b`` on the
    disc. Computed in those units, so no size overflows or underflows.

    Examples
    --------
    >>> off_wafer_fraction(100.0, 100.0, 300.0)
    0.0
    >>> round(off_wafer_fraction(215.0, 215.0, 300.0), 5)
    0.00036
    >>> off_wafer_fraction(5.0, 5.0, 5e-324)
    1.0
    """
    r = wafer_diameter_mm / 2
    if r == 0.0:
        return 1.0
    a, b = width_mm / 2 / r, height_mm / 2 / r
    if a * a + b * b <= 1.0:  # every corner on the wafer (also when a * b underflows)
        return 0.0
    if not (math.isfinite(a) and math.isfinite(b)):
        return 1.0

    def chord(y: float) -> float:  # integral of sqrt(1 - t^2) from 0 to y <= 1
        return 0.5 * (y * math.sqrt(max(1.0 - y * y, 0.0)) + math.asin(min(y, 1.0)))

    y_flat = min(b, math.sqrt(max(1.0 - a * a, 0.0)))  # below it the die's edge is inside
    y_end = min(b, 1.0)
    return max(0.0, 1.0 - (a * y_flat + max(0.0, chord(y_end) - chord(y_flat))) / (a * b))


@dataclass(frozen=True)
class WaferSpec:
    """A wafer-scale die: its physical core grid and fabric.

    Parameters
    ----------
    wafer_diameter_mm : float
        Wafer diameter, mm.
    die_width_mm, die_height_mm : float
        Size of the wafer-scale die, mm.
    core_rows, core_cols : int
        Physical core grid (spares included).
    diagonal_links : bool
        Whether the fabric has dedicated links that join vertical logical
        neighbours a shift-to-spare remap has moved apart (horizontal ones
        where it cuts columns into segments; the WSE's redundant links; how
        far apart is the scheme's ``max_skew``): one hop, shared with no other
        traffic. Without them, such neighbours are joined
        by the shortest detour over mesh channels, which other logical links
        also use.
    router_dies_with_core : bool
        Whether a dead core's router dies with it (paths must then go around
        it) or keeps forwarding traffic.
    bridge_margin : int
        How far outside the bounding box of two logical neighbours the fabric
        may route the path that joins them.

    Examples
    --------
    >>> w = WaferSpec()
    >>> w.n_cores, round(w.core_area_mm2, 4)
    (970536, 0.0476)
    """

    wafer_diameter_mm: float = 300.0
    die_width_mm: float = 215.0
    die_height_mm: float = 215.0
    core_rows: int = 763
    core_cols: int = 1272
    diagonal_links: bool = True
    router_dies_with_core: bool = False
    bridge_margin: int = 2

    def __post_init__(self) -> None:
        check_positive("wafer_diameter_mm", self.wafer_diameter_mm, "mm")
        check_positive("die_width_mm", self.die_width_mm, "mm")
        check_positive("die_height_mm", self.die_height_mm, "mm")
        off = off_wafer_fraction(self.die_width_mm, self.die_height_mm, self.wafer_diameter_mm)
        if off > MAX_OFF_WAFER:
            raise ParameterError(
                f"die_width_mm x die_height_mm must lie on the wafer (wafer_diameter_mm ="
                f" {self.wafer_diameter_mm:g}) with at most {MAX_OFF_WAFER:.0%} of the die off its edge,"
                f" got {self.die_width_mm:g} x {self.die_height_mm:g} mm with {off:.1%} off"
            )
        check_int("core_rows", self.core_rows, maximum=MAX_CORES)
        check_int("core_cols", self.core_cols, maximum=MAX_CORES)
        if self.core_rows * self.core_cols > MAX_CORES:
            raise ParameterError(
                f"core_rows x core_cols must be at most {MAX_CORES:,} cores, got {self.core_rows} x"
                f" {self.core_cols} = {self.core_rows * self.core_cols:,}"
            )
        check_int("bridge_margin", self.bridge_margin, minimum=0, maximum=MAX_CORES)
        check_bool("diagonal_links", self.diagonal_links)
        check_bool("router_dies_with_core", self.router_dies_with_core)
        if self.n_cores < 2:
            raise ParameterError(f"core_rows x core_cols must be at least 2 cores, got {self.core_rows} x {self.core_cols}")

    @property
    def n_cores(self) -> int:
        """Physical cores, spares included."""
        return self.core_rows * self.core_cols

    @property
    def die_area_mm2(self) -> float:
        """Area of the wafer-scale die, mm^2."""
        return self.die_width_mm * self.die_height_mm

    @property
    def wafer_area_mm2(self) -> float:
        """Area of the whole wafer, mm^2."""
        return math.pi * (self.wafer_diameter_mm / 2) ** 2

    @property
    def core_area_mm2(self) -> float:
        """Area of one physical core (its share of the die), mm^2."""
        return self.die_area_mm2 / self.n_cores

    def cores_beyond(self, usable_diameter_mm: float) -> np.ndarray:
        """Cores of each physical row whose centre lies beyond a centred disc, at each end.

        Parameters
        ----------
        usable_diameter_mm : float
            The disc's diameter, mm (the wafer's, less twice its edge exclusion), >= 0.

        Returns
        -------
        ndarray of int64, shape (core_rows,)
            Cores lost at one end of each row (the die is centred: both ends
            lose as many); ``core_cols // 2 + core_cols % 2`` where the whole
            row is off the disc.

        Examples
        --------
        >>> lost = WaferSpec().cores_beyond(290.0)  # WSE-3 with a 5 mm edge exclusion
        >>> int((lost > 0).sum()), int(lost.max())
        (72, 59)
        """
        r = check_nonnegative("usable_diameter_mm", usable_diameter_mm, "mm") / 2
        pitch_y, pitch_x = self.die_height_mm / self.core_rows, self.die_width_mm / self.core_cols
        y = (np.arange(self.core_rows) + 0.5) * pitch_y - self.die_height_mm / 2
        reach = np.sqrt(np.maximum(r * r - y * y, 0.0))  # half-chord of the disc at each row's centre
        x = (np.arange(self.core_cols) + 0.5) * pitch_x - self.die_width_mm / 2
        live = np.searchsorted(x, reach, side="right") - np.searchsorted(x, -reach, side="left")
        live[np.abs(y) > r] = 0  # a row beyond the disc altogether
        return ((self.core_cols - live + 1) // 2).astype(np.int64)
