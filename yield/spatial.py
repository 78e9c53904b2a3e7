"""Grid-aware Monte Carlo defect sampler: clustering, spatial profiles, defect kinds.

:func:`sample_grid_defects` places the point defects of a batch of trials
(wafers or dies) on a 2-D grid of sites (:class:`DefectGrid`, site id
``row * cols + col``: the wafer's cores). Per trial, it draws

- how many defects: Poisson, or clustered (gamma-mixed Poisson, i.e. negative
  binomial, or mixed by any :class:`yieldmodels.Mixing` law: the law of a
  yield model) at wafer scale or per block of the grid;
- where they land: uniformly (:data:`UNIFORM`), with a density rising toward
  the wafer edge (:class:`RadialProfile`) or following a pattern repeated in
  every reticle (:class:`ReticlePattern`);
- optionally what they kill (:class:`DefectKinds`): the core, its router, or
  one of its two links.

Results are sparse (:class:`yieldmodels.DefectBatch`): work and memory per
trial are O(defects + blocks), never O(sites). Trial ``t`` depends only on
``(seed, t)``, whatever the batch size, ``first_trial`` split, thread count or
number of worker processes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar, Union

import numpy as np

from . import _grid_kernels as _k
from ._rng import _neg_binomial_params, root_key
from paramcheck import (
    ParameterError,
    check_ids,
    check_int,
    check_nonnegative,
    check_positive,
    check_real,
    check_real_array,
    did_you_mean,
    shown,
)
from .sampling import (
    MAX_TRIALS,
    DefectBatch,
    Mixing,
    _check_draw,
    _check_drawn,
    _check_mixing,
    _check_sampling_load,
    _expected_count,
)

__all__ = [
    "MAX_BLOCKS",
    "MAX_BLOCK_DRAWS",
    "RADIAL_MAX_SITES",
    "RADIAL_MIN_ACCEPTANCE",
    "RETICLE_MAX_LINES",
    "UNIFORM",
    "DefectGrid",
    "DefectKinds",
    "RadialProfile",
    "ReticlePattern",
    "sample_grid_defects",
]

#: Position mode: every site equally likely.
UNIFORM = "uniform"

#: Most blocks of block-scale clustering: each block has O(1) tables of about
#: 140 bytes (300 MB at the limit). A 980 x 984 grid in 1 x 1 blocks has 964,320.
MAX_BLOCKS = 2**21

#: Most block count draws of one call, ``n_trials`` times the blocks (every
#: block of every trial draws, defect-free or not): about 15 ns each for gamma
#: mixing, 120 ns for other laws on the 2-core reference machine, so 4 s or
#: 30 s at the limit. Larger studies sample in chunks (``first_trial``).
MAX_BLOCK_DRAWS = 2**28

#: Most sites of a grid with radial positions: the profile's mean density over
#: the sites (for the acceptance check) and its block weights cost O(sites),
#: about 1 s at the limit (in slabs of 2**20 sites), once per grid and profile.
RADIAL_MAX_SITES = 2**26

#: Least acceptance (mean density / max density over the grid's sites) of the
#: radial rejection sampler: each defect takes ``1 / acceptance`` proposals on
#: average (~50 ns each), so at most 10,000 (0.5 ms) a defect.
RADIAL_MIN_ACCEPTANCE = 1e-4

#: Most sites along a reticle side (``reticle_rows``, ``reticle_cols``): the
#: sampler tabulates each reticle line's cell (8 bytes a line).
RETICLE_MAX_LINES = 2**20

_MAX_SITES = 2**60  # site * 4 + kind must fit an int64
_MAX_MM = 1e150  # lengths whose squares stay finite (radial densities)
_MAX_LINES = 2**26  # ReticlePattern.line_classes returns an O(n_lines) array


@dataclass(frozen=True)
class DefectGrid:
    """A rectangular grid of sites and, optionally, its place on the wafer.

    Parameters
    ----------
    rows, cols : int
        Grid shape, >= 1 each; site ``row * cols + col``.
    row_pitch_mm, col_pitch_mm : float or None, default None
        Site pitch along the rows' direction (height of a site) and along the
        columns' direction (width of a site), mm. Needed only by
        :class:`RadialProfile` positions.
    centre_x_mm, centre_y_mm : float, default 0.0
        Where the grid's centre lies relative to the wafer centre, mm, within
        1e150 mm (as must every site centre: their squares stay finite).

    Notes
    -----
    Site ``(r, c)`` has its centre at ``x = centre_x_mm + (c + 1/2 - cols/2)
    * col_pitch_mm`` and ``y = centre_y_mm + (r + 1/2 - rows/2) *
    row_pitch_mm`` (rows grow along +y; the radial profile is symmetric, so
    the sign convention does not matter).

    Examples
    --------
    >>> g = DefectGrid.from_die(980, 984, width_mm=215.0, height_mm=215.0)
    >>> g.n_sites, round(g.col_pitch_mm, 4)
    (964320, 0.2185)
    >>> x, y = g.site_centres_mm([0])
    >>> round(float(x[0]), 2), round(float(y[0]), 2)
    (-107.39, -107.39)
    """

    rows: int
    cols: int
    row_pitch_mm: float | None = None
    col_pitch_mm: float | None = None
    centre_x_mm: float = 0.0
    centre_y_mm: float = 0.0

    def __post_init__(self) -> None:
        rows = check_int("rows", self.rows, minimum=1)
        cols = check_int("cols", self.cols, minimum=1)
        if rows * cols > _MAX_SITES:
            raise ParameterError(f"rows * cols must be <= 2**60, got {rows} * {cols}")
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "cols", cols)
        for name in ("row_pitch_mm", "col_pitch_mm"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, check_positive(name, value, "mm"))
        for name in ("centre_x_mm", "centre_y_mm"):
            value = getattr(self, name)
            object.__setattr__(
                self, name, check_real(name, value, lower=-_MAX_MM, upper=_MAX_MM, unit="mm")
            )
        for pitch, n, centre in (
            ("col_pitch_mm", cols, "centre_x_mm"), ("row_pitch_mm", rows, "centre_y_mm")
        ):
            p, c = getattr(self, pitch), getattr(self, centre)
            if p is not None:
                first = c + (0.5 - n / 2) * p
                reach = max(abs(first), abs(first + (n - 1) * p))
                if not reach <= _MAX_MM:
                    raise ParameterError(
                        f"{pitch} must keep the grid's sites within {_MAX_MM:g} mm of the wafer"
                        f" centre, got {p!r} mm x {n:,} sites from {centre} = {c!r}"
                    )

    @classmethod
    def from_die(
        cls,
        rows: int,
        cols: int,
        width_mm: float,
        height_mm: float,
        centre_x_mm: float = 0.0,
        centre_y_mm: float = 0.0,
    ) -> DefectGrid:
        """The grid of a ``width_mm x height_mm`` die cut into ``rows x cols`` sites."""
        width = check_positive("width_mm", width_mm, "mm")
        height = check_positive("height_mm", height_mm, "mm")
        rows = check_int("rows", rows, minimum=1)
        cols = check_int("cols", cols, minimum=1)
        return cls(rows, cols, height / rows, width / cols, centre_x_mm, centre_y_mm)

    @property
    def n_sites(self) -> int:
        """Number of sites, ``rows * cols``."""
        return self.rows * self.cols

    @property
    def has_placement(self) -> bool:
        """Whether both pitches are set (the grid can be placed on the wafer)."""
        return self.row_pitch_mm is not None and self.col_pitch_mm is not None

    def _origin(self) -> tuple[float, float, float, float]:
        """``(x0, px, y0, py)``: centre of site (0, 0) and the pitches, mm."""
        if not self.has_placement:
            raise ParameterError(
                "grid must have row_pitch_mm and col_pitch_mm for radial positions, "
                f"got {self.row_pitch_mm!r} and {self.col_pitch_mm!r}"
            )
        px, py = float(self.col_pitch_mm), float(self.row_pitch_mm)  # type: ignore[arg-type]
        x0 = self.centre_x_mm + (0.5 - self.cols / 2) * px
        y0 = self.centre_y_mm + (0.5 - self.rows / 2) * py
        return x0, px, y0, py

    def site_centres_mm(self, sites) -> tuple[np.ndarray, np.ndarray]:
        """Centres ``(x, y)`` of the given site ids (1-D, in ``[0, n_sites)``) relative to the
        wafer centre, mm."""
        x0, px, y0, py = self._origin()
        sites = check_ids("sites", sites, self.n_sites, what="site ids")
        r, c = np.divmod(sites, self.cols)
        return x0 + c * px, y0 + r * py


@dataclass(frozen=True)
class RadialProfile:
    """Defect density rising (or falling) with the distance from the wafer centre.

    The relative density at distance ``r`` (mm) from the wafer centre is
    ``max(0, 1 + edge_excess * (r / wafer_radius_mm) ** power)``: 1 at the
    centre and ``1 + edge_excess`` at the wafer edge. A site's density is
    taken at its centre. The profile *redistributes* defects; it does not add
    any: the expected count per trial stays ``mean_defects``.

    Parameters
    ----------
    edge_excess : float
        Relative excess density at the wafer edge, >= -1 (0: uniform; 3: the
        edge has 4 times the centre's density; -1: none at the edge).
    power : float, default 2.0
        How fast the excess grows with radius, > 0 (2: with the area
        fraction; large: only a thin edge ring).
    wafer_radius_mm : float, default 150.0
        ``R``, mm (a 300 mm wafer), in [1e-150, 1e150]. Sites beyond ``R``
        (the corners of a 215 mm square die) follow the same formula,
        clamped at 0.

    Notes
    -----
    :func:`sample_grid_defects` refuses a profile that cannot be sampled on
    its grid: a density that is not finite at some site (``(r / R) **
    power`` overflows for sites beyond ``R`` with a large power: 3 and
    1e5 on a 215 mm die's corner sites at ``r / R = 1.01``), 0 on every
    site, or so uneven that the rejection sampler's acceptance (mean over
    max density over the sites) is below :data:`RADIAL_MIN_ACCEPTANCE`;
    and grids of more than :data:`RADIAL_MAX_SITES` sites. ``power`` itself
    is any finite number > 0: where every site is inside ``R`` a huge
    power only makes the edge ring thinner (the density tends to 1).

    Examples
    --------
    >>> p = RadialProfile(edge_excess=3.0)
    >>> p.density([0.0, 75.0, 150.0]).tolist()
    [1.0, 1.75, 4.0]
    """

    edge_excess: float
    power: float = 2.0
    wafer_radius_mm: float = 150.0

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "edge_excess",
            check_real("edge_excess", self.edge_excess, lower=-1.0),
        )
        object.__setattr__(self, "power", check_positive("power", self.power))
        object.__setattr__(
            self,
            "wafer_radius_mm",
            check_real(
                "wafer_radius_mm", self.wafer_radius_mm,
                lower=1.0 / _MAX_MM, upper=_MAX_MM, unit="mm",
            ),
        )

    def density(self, r_mm) -> np.ndarray:
        """Relative density at distance(s) ``r_mm`` (finite, >= 0) from the wafer centre.

        Raises ParameterError where ``(r / R) ** power`` overflows (far beyond
        the wafer radius with a large power).
        """
        r = check_real_array("r_mm", r_mm, unit="mm")
        with np.errstate(over="ignore", invalid="ignore"):
            d = self._density_sq((r / self.wafer_radius_mm) ** 2)
        if not np.all(np.isfinite(d)):
            bad = float(r[~np.isfinite(d)].flat[0])
            raise ParameterError(
                f"r_mm must keep the density finite (edge_excess={self.edge_excess!r},"
                f" power={self.power!r}, wafer_radius_mm={self.wafer_radius_mm!r}), got {bad!r}"
            )
        return d

    def _density_sq(self, rr) -> np.ndarray:
        """Density from ``(r / R)^2``, computed as the kernel does."""
        hp = self.power / 2
        q = rr if hp == 1.0 else rr**hp
        return np.maximum(0.0, 1.0 + self.edge_excess * q)


@dataclass(frozen=True)
class ReticlePattern:
    """A systematic defect-density pattern repeated in every reticle field.

    The grid is tiled by reticles of ``reticle_rows x reticle_cols`` sites
    from site (0, 0) (the last ones may be cut by the grid's edge). Each
    reticle is cut into ``weights.shape`` cells; cell row ``i`` holds the
    reticle's rows ``[floor(i R / m), floor((i + 1) R / m))`` for ``R =
    reticle_rows`` and ``m`` cell rows (columns alike). A site's relative
    density is the weight of its cell.

    Parameters
    ----------
    reticle_rows, reticle_cols : int
        Reticle size in sites, in ``[1, RETICLE_MAX_LINES]``
        (:data:`RETICLE_MAX_LINES`, 2**20).
    weights : 2-D array_like of float
        Relative densities, finite and >= 0, not all 0, at most
        ``reticle_rows x reticle_cols`` cells. Stored as a tuple of tuples
        (hashable); :attr:`weight_array` gives the array.

    Examples
    --------
    >>> p = ReticlePattern.edge_weighted(140, 82, edge_weight=3.0, cells=4)
    >>> p.weight_array
    array([[3., 3., 3., 3.],
           [3., 1., 1., 3.],
           [3., 1., 1., 3.],
           [3., 3., 3., 3.]])
    """

    reticle_rows: int
    reticle_cols: int
    weights: tuple

    def __post_init__(self) -> None:
        rr = check_int("reticle_rows", self.reticle_rows, minimum=1, maximum=RETICLE_MAX_LINES)
        rc = check_int("reticle_cols", self.reticle_cols, minimum=1, maximum=RETICLE_MAX_LINES)
        w = check_real_array("weights", self.weights, unit="relative density")
        if w.ndim != 2 or w.size == 0:
            raise ParameterError(f"weights must be a non-empty 2-D array, got shape {w.shape}")
        if w.shape[0] > rr or w.shape[1] > rc:
            raise ParameterError(
                f"weights must have at most reticle_rows x reticle_cols = {rr} x {rc} cells, "
                f"got shape {w.shape}"
            )
        if not (w > 0).any():
            raise ParameterError("weights must not all be 0 (relative densities)")
        object.__setattr__(self, "reticle_rows", rr)
        object.__setattr__(self, "reticle_cols", rc)
        object.__setattr__(self, "weights", tuple(tuple(float(v) for v in row) for row in w))

    @classmethod
    def edge_weighted(
        cls, reticle_rows: int, reticle_cols: int, *, edge_weight: float = 2.0, cells: int = 5
    ) -> ReticlePattern:
        """A pattern denser along the reticle's border, where fields are stitched.

        The reticle is cut into ``cells x cells`` cells; the ring of border
        cells (``1/cells`` of the reticle wide) has relative density
        ``edge_weight``, the interior 1.

        Parameters
        ----------
        reticle_rows, reticle_cols : int
            Reticle size in sites (WSE: 140 x 82 cores, 84 reticles).
        edge_weight : float, default 2.0
            Density of the border cells relative to the interior, finite >= 0.
        cells : int, default 5
            Cells per side, >= 1 and <= the reticle's size in sites (and
            <= 4096).
        """
        rr = check_int("reticle_rows", reticle_rows, minimum=1, maximum=RETICLE_MAX_LINES)
        rc = check_int("reticle_cols", reticle_cols, minimum=1, maximum=RETICLE_MAX_LINES)
        ew = check_nonnegative("edge_weight", edge_weight)
        n = check_int("cells", cells, minimum=1, maximum=min(rr, rc, 4096))
        w = np.full((n, n), ew)
        if n > 2:
            w[1:-1, 1:-1] = 1.0
        return cls(reticle_rows, reticle_cols, w)

    @property
    def weight_array(self) -> np.ndarray:
        """The weights as a float64 array of shape (cell rows, cell cols)."""
        return np.array(self.weights, dtype=np.float64)

    def line_classes(self, n_lines: int, axis: int) -> np.ndarray:
        """Cell row (axis 0) or cell column (axis 1) of each of the grid's ``n_lines`` rows/cols.

        ``n_lines`` in ``[0, 2**26]`` (the result is an array of that length);
        ``axis`` 0 or 1.
        """
        n_lines = check_int("n_lines", n_lines, minimum=0, maximum=_MAX_LINES)
        axis = check_int("axis", axis, minimum=0, maximum=1)
        period = self.reticle_rows if axis == 0 else self.reticle_cols
        m = len(self.weights) if axis == 0 else len(self.weights[0])
        lo = (np.arange(m + 1) * period) // m
        local_class = np.repeat(np.arange(m), np.diff(lo))
        return local_class[np.arange(n_lines) % period]

    def _block_line_counts(self, starts: np.ndarray, n_lines: int, axis: int) -> np.ndarray:
        """Lines of each cell class in each block of lines ``[starts[b], starts[b + 1])``.

        ``(blocks, classes)`` int64, in O(blocks * classes): the lines of class
        ``i`` below ``n`` number ``(n // P) len_i + clip(n % P - lo_i, 0, len_i)``
        for the reticle period ``P``.
        """
        period = self.reticle_rows if axis == 0 else self.reticle_cols
        m = len(self.weights) if axis == 0 else len(self.weights[0])
        edges = (np.arange(m + 1, dtype=np.int64) * period) // m
        lo, length = edges[:-1], np.diff(edges)

        def below(n: np.ndarray) -> np.ndarray:
            full, rem = np.divmod(n[:, None], period)
            return full * length + np.clip(rem - lo, 0, length)

        ends = np.append(starts[1:], n_lines).astype(np.int64)
        return below(ends) - below(starts.astype(np.int64))

    def _tables(self, n_lines: int, axis: int):
        """``(class of each reticle-local line, [lo; len; count on the grid] per class)``."""
        period = self.reticle_rows if axis == 0 else self.reticle_cols
        m = len(self.weights) if axis == 0 else len(self.weights[0])
        edges = (np.arange(m + 1, dtype=np.int64) * period) // m
        lo, length = edges[:-1], np.diff(edges)
        full, rem = divmod(n_lines, period)
        count = full * length + np.clip(rem - lo, 0, length)
        local_class = np.repeat(np.arange(m, dtype=np.int64), length)
        return local_class, np.ascontiguousarray(np.stack([lo, length, count]), dtype=np.int64)


@dataclass(frozen=True)
class DefectKinds:
    """Which component a defect kills, with probabilities from critical areas.

    Parameters
    ----------
    core, router, link : float
        Critical areas (any unit) or relative weights, finite and >= 0, not
        all 0; normalised to probabilities.

    Notes
    -----
    Kind codes (``DefectBatch.kinds``): :attr:`CORE` 0, :attr:`ROUTER` 1,
    :attr:`LINK_EAST` 2, :attr:`LINK_SOUTH` 3. Each site owns two links, to
    its east and south neighbours; a link defect hits either with
    probability 1/2. A site in the last column has no east link and one in
    the last row no south link: the defect then hits the site's other link,
    and at the bottom-right corner site (no link) its router. This moves a
    fraction ~``P(link) / (2 cols) + P(link) / (2 rows)`` of defects
    between link directions and ~``P(link) / n_sites`` to routers.

    Examples
    --------
    >>> DefectKinds(core=3.0, router=1.0, link=1.0).probabilities
    (0.6, 0.2, 0.2)
    """

    core: float = 1.0
    router: float = 0.0
    link: float = 0.0

    CORE: ClassVar[int] = 0
    ROUTER: ClassVar[int] = 1
    LINK_EAST: ClassVar[int] = 2
    LINK_SOUTH: ClassVar[int] = 3

    def __post_init__(self) -> None:
        for name in ("core", "router", "link"):
            value = check_nonnegative(f"kinds.{name}", getattr(self, name), "critical area")
            object.__setattr__(self, name, value)
        if self.core + self.router + self.link <= 0.0:
            raise ParameterError("kinds weights (core, router, link) must not all be 0")

    @property
    def probabilities(self) -> tuple[float, float, float]:
        """``(P(core), P(router), P(link))``."""
        total = self.core + self.router + self.link
        return self.core / total, self.router / total, self.link / total

    def _cumulative(self) -> np.ndarray:
        total = self.core + self.router + self.link
        c = np.array(
            [self.core, self.core + self.router, self.core + self.router + self.link / 2]
        ) / total
        if self.link == 0.0:
            c[1:] = 1.0
            if self.router == 0.0:
                c[0] = 1.0
        return c


Positions = Union[str, RadialProfile, ReticlePattern]


def _check_grid(grid: object) -> DefectGrid:
    if isinstance(grid, DefectGrid):
        return grid
    if isinstance(grid, tuple) and len(grid) == 2:
        return DefectGrid(grid[0], grid[1])
    raise ParameterError(f"grid must be a DefectGrid or a (rows, cols) tuple, got {grid!r}")


def _check_positions(positions: object) -> Positions:
    if isinstance(positions, (RadialProfile, ReticlePattern)):
        return positions
    if positions == UNIFORM:
        return UNIFORM
    close = did_you_mean(positions, [UNIFORM])
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ParameterError(
        f"positions must be 'uniform', a RadialProfile or a ReticlePattern, got {shown(positions)}{hint}"
    )


def _check_block(block: object, grid: DefectGrid) -> tuple[int, int] | None:
    """The block shape, each side clamped to the grid's (a block larger than the grid is
    the whole grid along that side: the same tiling)."""
    if block is None:
        return None
    if not isinstance(block, (tuple, list)) or len(block) != 2:
        raise ParameterError(f"block must be None or (block_rows, block_cols), got {shown(block)}")
    return (
        min(check_int("block rows (block[0])", block[0], minimum=1), grid.rows),
        min(check_int("block cols (block[1])", block[1], minimum=1), grid.cols),
    )


def _check_blocks(grid: DefectGrid, block: tuple[int, int], n_trials: int) -> None:
    """Refuse more than :data:`MAX_BLOCKS` blocks, or more than :data:`MAX_BLOCK_DRAWS` draws."""
    n_blocks = -(-grid.rows // block[0]) * -(-grid.cols // block[1])
    if n_blocks > MAX_BLOCKS:
        raise ParameterError(
            f"block must tile the grid in at most {MAX_BLOCKS:,} blocks (MAX_BLOCKS), got"
            f" {tuple(block)} on a {grid.rows:,} x {grid.cols:,} grid: {n_blocks:,} blocks"
        )
    if n_trials * n_blocks > MAX_BLOCK_DRAWS:
        raise ParameterError(
            f"n_trials must keep n_trials x blocks <= {MAX_BLOCK_DRAWS:,} block draws a call"
            f" (MAX_BLOCK_DRAWS), got {n_trials:,} x {n_blocks:,} (sample fewer trials per call)"
        )


def _profile_text(profile: RadialProfile, grid: DefectGrid) -> str:
    return (
        f"edge_excess = {profile.edge_excess!r} and power = {profile.power!r} (wafer_radius_mm ="
        f" {profile.wafer_radius_mm!r}) on the {grid.rows:,} x {grid.cols:,} grid"
    )


@functools.lru_cache(maxsize=32)
def _radial_mean(grid: DefectGrid, profile: RadialProfile) -> float:
    """Mean density over the grid's site centres (O(sites), in slabs of ~2**20 sites)."""
    x0, px, y0, py = grid._origin()
    inv_r2 = 1.0 / profile.wafer_radius_mm**2
    step_c = min(grid.cols, 2**20)
    step_r = max(1, 2**20 // step_c)
    total = 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        for c0 in range(0, grid.cols, step_c):
            x2 = (x0 + np.arange(c0, min(c0 + step_c, grid.cols)) * px) ** 2
            for r0 in range(0, grid.rows, step_r):
                y2 = (y0 + np.arange(r0, min(r0 + step_r, grid.rows)) * py) ** 2
                total += float(profile._density_sq((x2[None, :] + y2[:, None]) * inv_r2).sum())
    return total / grid.n_sites


def _radial_checked(grid: DefectGrid, profile: RadialProfile) -> float:
    """The largest site density of ``profile`` on ``grid``, after refusing a profile the
    rejection sampler cannot use there.

    Refused: grids of more than :data:`RADIAL_MAX_SITES` sites, densities that are not
    finite at some site (``(r / R) ** power`` overflows beyond the wafer radius), 0 on
    every site, or so uneven that the acceptance ``mean / max`` is below
    :data:`RADIAL_MIN_ACCEPTANCE`.
    """
    grid._origin()  # a grid without pitches: its own message
    if grid.n_sites > RADIAL_MAX_SITES:
        raise ParameterError(
            f"grid must have at most {RADIAL_MAX_SITES:,} sites for radial positions"
            f" (RADIAL_MAX_SITES), got {grid.rows:,} x {grid.cols:,}"
        )
    with np.errstate(over="ignore", invalid="ignore"):
        dmax = _radial_dmax(grid, profile)
    mean = _radial_mean(grid, profile) if np.isfinite(dmax) else dmax
    if not (np.isfinite(dmax) and np.isfinite(mean)):
        raise ParameterError(
            "positions must give a finite density on every site, got"
            f" {_profile_text(profile, grid)}, where (r / R) ** power overflows at sites beyond"
            " the wafer radius"
        )
    if not dmax > 0:
        raise ParameterError(
            "positions must give a positive density to some site, got"
            f" {_profile_text(profile, grid)}, which gives 0 to every site (all beyond its zero radius)"
        )
    acceptance = mean / dmax
    if not acceptance >= RADIAL_MIN_ACCEPTANCE:
        raise ParameterError(
            "positions must keep mean / max density over the sites >="
            f" {RADIAL_MIN_ACCEPTANCE:g} (RADIAL_MIN_ACCEPTANCE: at most"
            f" {1 / RADIAL_MIN_ACCEPTANCE:,.0f} rejection proposals a defect), got"
            f" {acceptance:.3g} with {_profile_text(profile, grid)}"
        )
    return dmax


def _radial_dmax(grid: DefectGrid, profile: RadialProfile) -> float:
    """Largest density over the grid's site centres (exact: the nearest and farthest sites)."""
    x0, px, y0, py = grid._origin()

    def extreme_sq(v0: float, pitch: float, n: int) -> tuple[float, float]:
        q = -v0 / pitch  # the site nearest the centre's index; inf for a pitch ~1e-300 mm
        k = int(np.clip(round(q), 0, n - 1)) if np.isfinite(q) else (0 if q < 0 else n - 1)
        near = np.array([k - 1, k, k + 1])
        near = near[(near >= 0) & (near < n)]
        return float(np.min((v0 + near * pitch) ** 2)), max(v0**2, (v0 + (n - 1) * pitch) ** 2)

    xmin, xmax = extreme_sq(x0, px, grid.cols)
    ymin, ymax = extreme_sq(y0, py, grid.rows)
    inv_r2 = 1.0 / profile.wafer_radius_mm**2
    d = profile._density_sq(np.array([(xmin + ymin) * inv_r2, (xmax + ymax) * inv_r2]))
    return float(d.max())


def _block_edges(n: int, size: int) -> np.ndarray:
    return np.arange(0, n, size, dtype=np.int64)


@functools.lru_cache(maxsize=32)
def _block_weights(grid: DefectGrid, block: tuple[int, int], positions: Positions) -> np.ndarray:
    """Each block's share of the expected defects (row-major block order), summing to 1.

    Uniform: the block's site count. Radial: the sum of its sites'
    densities (O(sites) once per distinct argument set, cached). Reticle:
    ``sum_ij w_ij n_rows_b(i) n_cols_b(j)`` (O(blocks * cells)).
    """
    rows, cols = grid.rows, grid.cols
    r_edges, c_edges = _block_edges(rows, block[0]), _block_edges(cols, block[1])
    heights = np.diff(np.append(r_edges, rows))
    widths = np.diff(np.append(c_edges, cols))
    if positions == UNIFORM:
        w = np.outer(heights, widths).astype(np.float64)
    elif isinstance(positions, RadialProfile):
        x0, px, y0, py = grid._origin()
        inv_r2 = 1.0 / positions.wafer_radius_mm**2
        x2 = (x0 + np.arange(cols) * px) ** 2
        w = np.empty((r_edges.size, c_edges.size))
        for b, r0 in enumerate(r_edges):
            y2 = (y0 + np.arange(r0, r0 + heights[b]) * py) ** 2
            dens = positions._density_sq((x2[None, :] + y2[:, None]) * inv_r2)
            w[b] = np.add.reduceat(dens.sum(axis=0), c_edges)
    else:
        weights = positions.weight_array
        rb = positions._block_line_counts(r_edges, rows, 0).astype(np.float64)
        cb = positions._block_line_counts(c_edges, cols, 1).astype(np.float64)
        w = rb @ weights @ cb.T
    total = w.sum()
    if not total > 0:
        raise ParameterError("positions must give a positive density to at least one site")
    out = (w / total).ravel()
    out.flags.writeable = False
    return out


def sample_grid_defects(
    n_trials: int,
    grid: DefectGrid | tuple[int, int],
    mean_defects: float,
    seed: int | np.random.SeedSequence | np.random.Generator | None = None,
    *,
    first_trial: int = 0,
    alpha: float | None = None,
    block: tuple[int, int] | None = None,
    positions: Positions = UNIFORM,
    kinds: DefectKinds | None = None,
    mixing: Mixing | None = None,
) -> DefectBatch:
    """Sample point defects on a grid of sites, optionally clustered, placed and typed.

    Parameters
    ----------
    n_trials : int
        Trials (wafers) to sample, in ``[0, MAX_TRIALS]``
        (:data:`yieldmodels.sampling.MAX_TRIALS`, 10^8).
    grid : DefectGrid or (rows, cols)
        The sites; site id ``row * cols + col``. Radial positions need a
        grid with pitches (:meth:`DefectGrid.from_die`).
    mean_defects : float
        Poisson mean per trial over the whole grid before mixing, finite and
        >= 0: ``A * D0`` (die area in cm^2 times D0 in defects per cm^2).
        The expected count is ``mean_defects * mixing.mean`` in every mode:
        ``mean_defects`` itself for Poisson, ``alpha`` and every model's
        mixing except Bose-Einstein (``n * A * D0`` with ``D0`` per layer)
        and Seeds' exponential (infinite mean).
    seed : int, SeedSequence, Generator or None, default None
        Root of the randomness; see :func:`yieldmodels._rng.root_key`.
    first_trial : int, default 0, keyword-only
        Global index of the first trial, >= 0, with ``first_trial + n_trials
        <= 2**63 - 1``; trial ``t`` depends only on ``(seed, t)``.
    alpha : float or None, default None
        Clustering parameter, finite and > 0 (small: strong clustering;
        None: Poisson, the ``alpha -> inf`` limit). Shorthand for
        ``mixing=Mixing.gamma(alpha)``, with identical results.
    block : (block_rows, block_cols) or None, default None
        With ``alpha`` (or a ``mixing``): the scale of clustering. None: wafer scale, one
        gamma multiplier ``G ~ Gamma(alpha, scale=1/alpha)`` (mean 1,
        variance ``1/alpha``) per trial and ``K ~ Poisson(mean_defects * G)``:
        the whole-grid count is negative binomial. A block shape: the grid is
        tiled by blocks from site (0, 0) (the last ones may be partial), each
        block has its own independent multiplier, so its count is negative
        binomial with the block's mean ``m_b`` (``mean_defects`` times the
        block's share of the density: of the sites, for uniform positions)
        and the blocks are independent. Any other mixing law likewise draws
        one multiplier ``X_b`` per block and ``Poisson(m_b X_b)`` defects.
        Ignored without ``alpha`` or ``mixing`` (and for ``Mixing.poisson()``).
        At most :data:`MAX_BLOCKS` blocks, and ``n_trials`` times the blocks
        at most :data:`MAX_BLOCK_DRAWS` (every block of every trial draws).
    positions : 'uniform', RadialProfile or ReticlePattern, default 'uniform'
        Where defects land: each site with probability proportional to its
        relative density (1, :class:`RadialProfile` at its centre, or its
        :class:`ReticlePattern` cell weight); in block mode, within the
        block, the same density.
    kinds : DefectKinds or None, default None
        When given, each defect also gets a kind (:attr:`DefectBatch.kinds`).
    mixing : Mixing or None, default None, keyword-only
        The law of the density multiplier (not with ``alpha``), e.g. a yield
        model's ``get_model(name).mixing(...)``; its ``max_defects`` caps each
        count draw (the trial's, or each block's in block mode). None and no
        ``alpha``: Poisson.

    Returns
    -------
    DefectBatch
        Sites sorted within each trial (duplicates possible), with ``kinds``
        aligned (sorted by site then kind) or None.

    Raises
    ------
    ParameterError
        On a bad argument, named in the message; on a radial profile that
        cannot be sampled on the grid (see :class:`RadialProfile`: a
        non-finite or all-zero density, an acceptance below
        :data:`RADIAL_MIN_ACCEPTANCE`, more than :data:`RADIAL_MAX_SITES`
        sites); on more blocks or block draws than :data:`MAX_BLOCKS` and
        :data:`MAX_BLOCK_DRAWS`; when the call's expected defects
        (``n_trials * mean_defects * mixing.mean``, capped draws counted at
        their capped mean) or the defects it draws exceed
        :data:`yieldmodels.sampling.MAX_DEFECTS` (sample fewer trials per
        call then: ``first_trial`` keeps the results identical).

    Notes
    -----
    *Yields.* A die is defect-free with probability ``exp(-m)`` (Poisson)
    or ``(1 + m/alpha)^-alpha`` (negative binomial, Stapper) for its mean
    ``m``; under a mixing law, ``mixing.zero_defect_probability(m)`` (the
    model's yield) for the whole grid at wafer scale, or for a block of mean
    ``m`` in block mode. With wafer-scale clustering, the whole grid's count is negative
    binomial: mean ``mean_defects``, variance ``mean + mean^2/alpha``; a
    sub-area's yield is not the NB yield of its own mean since all areas
    share ``G``. With block clustering, a die that is exactly one block has
    the NB yield of its mean, and the whole-grid count has variance
    ``mean + sum_b m_b^2 / alpha``, far below the wafer-scale value: the two
    scales give very different wafer-scale answers.

    *Algorithms.* Gamma variates: Marsaglia-Tsang with a Box-Muller normal
    (:func:`yieldmodels._rng._gamma`). Block counts are drawn as negative
    binomials directly by inversion (the same distribution as the gamma
    mixture, since positions within a block do not depend on its
    multiplier), from per-block ``P(0)`` tables computed once per call:
    almost every defect-free block costs one uniform and one comparison.
    Radial positions and any non-uniform position within a block: rejection
    from uniform proposals (acceptance = mean density / max density).
    Reticle positions at wafer scale: exact, a cell class by binary search
    on its weight times its site count, then a uniform row and column of
    that class.

    *Cost.* Two ``prange`` passes (counts; then positions and kinds from
    the state saved by the first pass, sorted). Per trial O(blocks + D log D)
    work with D defects, independent of the number of sites; memory O(D +
    n_trials + blocks). Radial block means cost O(sites) once per distinct
    (grid, block, profile), cached.

    *Reproducibility.* Each trial's counter-based stream is consumed in a
    fixed order (counts, positions, kinds), so trial ``t`` depends only on
    ``(seed, t)``. With ``alpha=None`` and uniform positions the sites equal
    ``sample_defects(n_trials, mean_defects, rows * cols, seed)``'s (and,
    at wafer scale, with the same ``mixing`` on both); adding ``kinds``
    never changes the sites. ``alpha=a`` and ``mixing=Mixing.gamma(a)``
    give identical results, the same as before mixing laws existed.

    Examples
    --------
    >>> b = sample_grid_defects(1000, (20, 30), 2.0, seed=1, alpha=2.0, block=(10, 10))
    >>> b.n_trials, bool(b.sites.max() < 600)
    (1000, True)
    >>> k = sample_grid_defects(3, (4, 4), 5.0, seed=2, kinds=DefectKinds(1.0, 1.0, 1.0))
    >>> np.array_equal(k.sites, sample_grid_defects(3, (4, 4), 5.0, seed=2).sites)
    True
    >>> g = DefectGrid.from_die(980, 984, width_mm=215.0, height_mm=215.0)
    >>> r = sample_grid_defects(10, g, 46.2, seed=3, positions=RadialProfile(edge_excess=3.0))
    >>> len(r)
    10
    """
    n = check_int("n_trials", n_trials, minimum=0, maximum=MAX_TRIALS)
    g = _check_grid(grid)
    mean = check_nonnegative("mean_defects", mean_defects, "expected defects per trial")
    mix = _check_mixing(mixing, alpha)
    blk = _check_block(block, g)
    pos = _check_positions(positions)
    if kinds is not None and not isinstance(kinds, DefectKinds):
        raise ParameterError(f"kinds must be None or a DefectKinds, got {shown(kinds)}")
    dmax = _radial_checked(g, pos) if isinstance(pos, RadialProfile) else 0.0
    if blk is not None and mix is not None and mix.kind != "none":
        _check_blocks(g, blk, n)
    key = root_key(seed)

    rows, cols = g.rows, g.cols
    empty_f = np.zeros(0, dtype=np.float64)
    empty_i = np.zeros(0, dtype=np.int64)
    # counts
    bp0, bq, bshape, bchunks, bmean = empty_f, empty_f, empty_f, empty_i, empty_f
    code, mshape, factor, cap = (mix or Mixing.poisson())._kernel()
    if mix is None or (mix.kind == "none" and mix.max_defects is None):
        count_mode, blk = _k.COUNT_POISSON, None
        mean = mean * mix.scale if mix is not None else mean
        expected, draw_means, capped = mean, mean, True
    elif blk is None or mix.kind == "none":
        count_mode, blk = _k.COUNT_WAFER, None
        expected, draw_means, capped = _expected_count(mean, mix), mean, True
    elif mix.kind == "gamma":
        # the gamma mixture per block is negative binomial: drawn directly (uncapped work)
        count_mode = _k.COUNT_BLOCK
        weights = _block_weights(g, blk, pos)
        expected = _expected_count(mean, mix, capped=False)
        draw_means, capped = mean * float(weights.max()), False
        bp0, bq, bshape, bchunks = _neg_binomial_params((mean * mix.scale) * weights, mix.shape)
        bshape = np.ascontiguousarray(bshape, dtype=np.float64)
    else:
        count_mode = _k.COUNT_BLOCK_MIX
        bmean = np.ascontiguousarray(mean * _block_weights(g, blk, pos), dtype=np.float64)
        expected, draw_means, capped = _expected_count(bmean, mix), float(bmean.max()), True
    first = _check_sampling_load(n, n * expected, first_trial)
    if n:
        _check_draw(draw_means, mix, capped=capped)
        if count_mode == _k.COUNT_BLOCK and not np.all(bq < 1.0):
            raise ParameterError(  # q = m / (m + alpha) rounds to 1: the inversion cannot run
                f"alpha must be at least ~1e-15 x the largest block's mean defects, got"
                f" {mix.shape!r} for a block mean of {draw_means:.4g}"
            )
    # positions
    rad = np.zeros(8)
    cum, wflat, wmax = np.ones(1), np.ones(1), 1.0
    row_class, col_class = np.zeros(1, np.int64), np.zeros(1, np.int64)
    rows_tab, cols_tab = np.ones((3, 1), np.int64), np.ones((3, 1), np.int64)
    wc = 1
    if pos == UNIFORM:
        pos_mode = _k.POS_UNIFORM
    elif isinstance(pos, RadialProfile):
        pos_mode = _k.POS_RADIAL
        x0, px, y0, py = g._origin()
        rad[:] = (x0, px, y0, py, 1.0 / pos.wafer_radius_mm**2, pos.power / 2,
                  pos.edge_excess, dmax * (1.0 + 1e-12))
    else:
        pos_mode = _k.POS_RETICLE
        w = pos.weight_array
        wc = w.shape[1]
        wflat = np.ascontiguousarray(w.ravel())
        wmax = float(w.max())
        row_class, rows_tab = pos._tables(rows, 0)
        col_class, cols_tab = pos._tables(cols, 1)
        cell = w * rows_tab[2][:, None] * cols_tab[2][None, :]
        cum = np.cumsum(cell.ravel())
        if not cum[-1] > 0:
            raise ParameterError(
                "positions: the reticle pattern's weights are 0 on every cell the grid covers"
            )
    kcum = kinds._cumulative() if kinds is not None else np.ones(3)
    br, bc = blk if blk is not None else (rows, cols)

    mix_args = (np.int64(code), mshape, factor, np.int64(cap))
    nb_cdf, nb_tail, nb_chunks = _k._nb_tables(bp0, bq, bshape, bchunks)
    nb_args = (nb_cdf, nb_tail, nb_chunks, bq, bshape, bmean)
    counts, states = _k._count_pass(
        key, np.int64(first), np.int64(n), count_mode, mean, *mix_args, *nb_args,
    )
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    _check_drawn(offsets)
    rect, rect_inv_w = _k._block_rects(np.int64(rows), np.int64(cols), np.int64(br), np.int64(bc))
    rinv, cinv = 1.0 / rows_tab[1], 1.0 / cols_tab[1]
    max_key = rows * cols * (4 if kinds is not None else 1) - 1
    sites, kind_arr = _k._fill_pass(
        key, np.int64(first), offsets, states, count_mode, *nb_args,
        *mix_args, np.int64(rows), np.int64(cols), rect, rect_inv_w, pos_mode, rad,
        cum, wflat, np.int64(wc), wmax, row_class, col_class, rows_tab, cols_tab, rinv, cinv,
        kinds is not None, kcum, np.int64(max(max_key, 1).bit_length()),
    )
    return DefectBatch(offsets, sites, kind_arr if kinds is not None else None, n_sites=rows * cols)
