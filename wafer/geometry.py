"""Wafer geometry: the physical core grid, its spare layout and the fabric's reach.

The default is a WSE-3-like wafer (Cerebras launch material and blog "100x
Defect Tolerance", Jan 2025): a 215 x 215 mm die on a 300 mm wafer holding
about 970k physical cores of about 0.048 mm^2 each. Here the grid is 980 rows
x 984 columns = 964,320 cores of 0.219 x 0.218 mm (0.0479 mm^2), chosen so that
the WSE's 12 x 7 reticle grid (84 dies of 82 x 140 cores) divides it exactly.

Spare layout (shift-to-spare): every row is cut into segments of
``segment_width`` physical cores; the last ``spares_per_segment`` cores of each
segment are spares. With the defaults, one spare per 82 cores (1.2%, inside the
1-1.5% Cerebras gave for WSE-1 at Hot Chips 31).

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

from paramcheck import ParameterError, check_bool, check_int, check_positive

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
    """A wafer-scale die: its core grid, spare layout and fabric.

    Parameters
    ----------
    wafer_diameter_mm : float
        Wafer diameter, mm.
    die_width_mm, die_height_mm : float
        Size of the wafer-scale die, mm.
    core_rows, core_cols : int
        Physical core grid (spares included).
    segment_width : int
        Physical cores per row segment; divides ``core_cols``.
    spares_per_segment : int
        Spare cores at the end of each segment (< ``segment_width``).
    max_skew : int
        Largest column offset between vertically neighbouring logical cores
        that the fabric can bridge.
    diagonal_links : bool
        Whether the fabric has dedicated links that join vertical neighbours up
        to ``max_skew`` columns apart (the WSE's redundant links): one hop,
        shared with no other traffic. Without them, such neighbours are joined
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
    >>> w.n_cores, w.logical_shape
    (964320, (980, 972))
    >>> round(w.core_area_mm2, 4), round(w.spare_fraction, 4)
    (0.0479, 0.0122)
    """

    wafer_diameter_mm: float = 300.0
    die_width_mm: float = 215.0
    die_height_mm: float = 215.0
    core_rows: int = 980
    core_cols: int = 984
    segment_width: int = 82
    spares_per_segment: int = 1
    max_skew: int = 1
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
        check_int("segment_width", self.segment_width, maximum=self.core_cols)
        check_int("spares_per_segment", self.spares_per_segment, minimum=0, maximum=self.segment_width - 1)
        check_int("max_skew", self.max_skew, minimum=0)
        check_int("bridge_margin", self.bridge_margin, minimum=0, maximum=MAX_CORES)
        check_bool("diagonal_links", self.diagonal_links)
        check_bool("router_dies_with_core", self.router_dies_with_core)
        if self.core_cols % self.segment_width:
            raise ParameterError(
                f"segment_width must divide core_cols ({self.core_cols}), got {self.segment_width}"
            )
        if self.n_logical < 2:
            raise ParameterError(
                f"core_rows x core_cols must leave at least 2 logical cores, got {self.core_rows} x"
                f" {self.core_cols} with {self.spares_per_segment} spare(s) per {self.segment_width}"
            )

    @property
    def n_cores(self) -> int:
        """Physical cores, spares included."""
        return self.core_rows * self.core_cols

    @property
    def n_segments(self) -> int:
        """Segments per row."""
        return self.core_cols // self.segment_width

    @property
    def logical_width(self) -> int:
        """Logical cores per segment."""
        return self.segment_width - self.spares_per_segment

    @property
    def logical_shape(self) -> tuple[int, int]:
        """Shape (rows, cols) of the logical mesh a repaired wafer exposes."""
        return self.core_rows, self.n_segments * self.logical_width

    @property
    def n_logical(self) -> int:
        """Logical cores of a repaired wafer."""
        rows, cols = self.logical_shape
        return rows * cols

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

    @property
    def spare_fraction(self) -> float:
        """Fraction of physical cores that are spares."""
        return self.spares_per_segment / self.segment_width
