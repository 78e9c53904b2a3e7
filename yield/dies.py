"""Dies per wafer: the classic gross-die formula and an exact grid count.

Lengths are in mm. A die cell on the wafer grid is ``(die_w + scribe) x
(die_h + scribe)``; the die itself is the ``die_w x die_h`` rectangle at the
cell's lower-left corner. The usable wafer is the disc of radius
``wafer_diameter / 2 - edge_exclusion``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from paramcheck import ParameterError, check_nonnegative, check_positive

__all__ = [
    "EXACT_COUNT_MAX_STEPS",
    "exact_count_feasible",
    "exact_dies_per_wafer",
    "gross_dies_per_wafer",
]

_OFFSET_STEPS = 64

#: Most steps the search of :func:`exact_dies_per_wafer` may take (a step: one
#: row counted at one candidate offset, or one pair of corner circles tried;
#: 10-15 ns each on the 2-core reference machine, so about 2.5 s at the limit).
#: Geometries whose estimated search (:func:`exact_count_feasible`) is longer
#: are refused: use :func:`gross_dies_per_wafer` there.
EXACT_COUNT_MAX_STEPS = 200_000_000

# Radii outside [2**-100, 2**100] mm are brought into it by a power of two
# before counting (exact in floating point: every test of the search is
# homogeneous in the lengths), so R**2 neither overflows nor underflows.
_SCALE_LIMIT = 2.0**100


def _checked_geometry(
    die_w_mm: float,
    die_h_mm: float,
    wafer_diameter_mm: float,
    scribe_mm: float,
    edge_exclusion_mm: float,
) -> tuple[float, float, float, float]:
    """Validate inputs; return (w, h, scribe, usable radius)."""
    w = check_positive("die_w_mm", die_w_mm, "mm")
    h = check_positive("die_h_mm", die_h_mm, "mm")
    d = check_positive("wafer_diameter_mm", wafer_diameter_mm, "mm")
    s = check_nonnegative("scribe_mm", scribe_mm, "mm")
    e = check_nonnegative("edge_exclusion_mm", edge_exclusion_mm, "mm")
    if e >= d / 2.0:
        raise ParameterError(
            f"edge_exclusion_mm must be < wafer_diameter_mm / 2 = {d / 2.0!r} (mm), got {e!r}"
        )
    return w, h, s, d / 2.0 - e


def _rescaled(w: float, h: float, s: float, radius: float) -> tuple[float, float, float, float]:
    """The lengths times one power of two putting ``radius`` in [0.5, 1), if it is extreme.

    Radii in [2**-100, 2**100] are returned unchanged. Scaling by a power of
    two is exact (barring underflow of a length far below the radius), and
    every comparison of the count is homogeneous in the lengths, so the
    count is that of the original geometry.
    """
    if 1.0 / _SCALE_LIMIT <= radius <= _SCALE_LIMIT:
        return w, h, s, radius
    e = math.frexp(radius)[1]
    return tuple(math.ldexp(v, -e) for v in (w, h, s, radius))  # type: ignore[return-value]


def _fits_nowhere(w: float, h: float, radius: float) -> bool:
    """True when the die's diagonal clearly exceeds the usable diameter (no die fits)."""
    return math.hypot(w, h) > 2.0 * radius * (1.0 + 1e-9)


def _search_steps(w: float, h: float, s: float, radius: float) -> float:
    """Estimated steps of :func:`_search` for checked geometry (see :data:`EXACT_COUNT_MAX_STEPS`).

    In the search's orientation (``w <= h``, pitches ``px <= py``), with
    ``A = 2R / py``: a count costs ``A + 3`` rows; the corner-circle pairs
    number ``16 (3 (n_max + 1) + 2 (py / px) (J + A))`` for
    ``n_max = floor((2R - h) / py)`` grid rows of separation and ``J`` the
    integral of ``sqrt(A^2 - u^2)`` over ``[0, min(A, n_max + 1)]`` (the sum
    over the separations of the chord lengths), and about one pair in 32
    passes the O(1) checks and is counted, besides the 65 x 65 grid offsets.
    Computed from ratios only (no overflow); ``inf`` when they are beyond
    1e12. Within 1-3 % of the instrumented counts for dies from 0.1 to
    100 mm on a 300 mm wafer.
    """
    if h < w:
        w, h = h, w
    px, py = w + s, h + s
    a = 2.0 * (radius / py)
    rows = a + 3.0
    n_max = math.floor((2.0 * radius - h) / py + 1e-9)
    if n_max < 0:  # the die is taller than the wafer: no pairs, only the grid and top points
        return (_OFFSET_STEPS + 1) ** 2 * rows + 4.0 * rows
    ratio = py / px
    if not (a < 1e12 and ratio < 1e12):
        return math.inf
    u = min(a, n_max + 1.0)
    j = 0.5 * (u * math.sqrt(max(a * a - u * u, 0.0)) + a * a * math.asin(u / a))
    pairs = 16.0 * (3.0 * (n_max + 1.0) + 2.0 * ratio * (j + a))
    counts = (_OFFSET_STEPS + 1) ** 2 + 4.0 + pairs / 32.0
    return pairs + counts * rows


def exact_count_feasible(
    die_w_mm: float,
    die_h_mm: float,
    wafer_diameter_mm: float = 300.0,
    *,
    scribe_mm: float = 0.0,
    edge_exclusion_mm: float = 0.0,
) -> bool:
    """Whether :func:`exact_dies_per_wafer` counts this geometry (rather than refusing it).

    Parameters
    ----------
    die_w_mm, die_h_mm, wafer_diameter_mm, scribe_mm, edge_exclusion_mm
        As in :func:`exact_dies_per_wafer`.

    Returns
    -------
    bool
        True when the die fits nowhere on the wafer (the count is 0 at once)
        or the exact search is estimated to take at most
        :data:`EXACT_COUNT_MAX_STEPS` steps (about 2.5 s); False when
        :func:`exact_dies_per_wafer` would raise for its cost. Callers fall
        back on :func:`gross_dies_per_wafer` then.

    Raises
    ------
    ParameterError
        On the geometry errors of :func:`exact_dies_per_wafer`.

    Notes
    -----
    O(1): a closed-form estimate of the search's work from the geometry
    (about ``R^3 / (px py max(px, py))`` steps, see the Notes of
    :func:`exact_dies_per_wafer`), computed before any kernel runs.

    Examples
    --------
    >>> exact_count_feasible(5.0, 5.0), exact_count_feasible(0.1, 0.1)
    (True, False)
    >>> exact_count_feasible(0.1, 0.1, 30.0)  # the same die on a 30 mm wafer
    True
    """
    w, h, s, radius = _checked_geometry(
        die_w_mm, die_h_mm, wafer_diameter_mm, scribe_mm, edge_exclusion_mm
    )
    return _fits_nowhere(w, h, radius) or _search_steps(w, h, s, radius) <= EXACT_COUNT_MAX_STEPS


def gross_dies_per_wafer(
    die_w_mm: float,
    die_h_mm: float,
    wafer_diameter_mm: float = 300.0,
    *,
    scribe_mm: float = 0.0,
    edge_exclusion_mm: float = 0.0,
) -> float:
    """Gross dies per wafer by the standard formula ``pi (d/2)^2 / S - pi d / sqrt(2 S)``.

    Parameters
    ----------
    die_w_mm, die_h_mm : float
        Die width and height in mm, > 0.
    wafer_diameter_mm : float, default 300.0
        Wafer diameter in mm, > 0.
    scribe_mm : float, default 0.0
        Scribe-lane width in mm added to each die side, >= 0.
    edge_exclusion_mm : float, default 0.0
        Unusable ring at the wafer edge in mm, >= 0 and < the wafer radius.

    Returns
    -------
    float
        ``max(0, pi (d/2)^2 / S - pi d / sqrt(2 S))`` with
        ``S = (w + scribe) (h + scribe)`` and
        ``d = wafer_diameter - 2 edge_exclusion``. Not rounded.

    Raises
    ------
    ParameterError
        On non-positive sizes, negative scribe or edge exclusion, an edge
        exclusion reaching the wafer centre, NaN/inf inputs, a die larger
        than the usable wafer (its diagonal longer than the usable diameter),
        where the formula has no meaning, or a die so small that the count
        overflows a float.

    Notes
    -----
    O(1). The first term is the usable area over the cell area; the second
    subtracts the partial dies lost along the circumference. The formula is an
    approximation for dies much smaller than the wafer; near wafer scale it is
    invalid (it goes negative, clamped here to 0). Use
    :func:`exact_dies_per_wafer` there. See [1]_ for this and other
    gross-die formulas.

    References
    ----------
    .. [1] D. K. de Vries, "Investigation of gross die per wafer formulas",
       IEEE Trans. Semicond. Manuf. 18(1), 136-139, 2005.

    Examples
    --------
    >>> round(gross_dies_per_wafer(10.0, 10.0), 3)
    640.215
    >>> gross_dies_per_wafer(150.0, 150.0)  # fits, but the formula goes negative
    0.0
    """
    w, h, s, radius = _checked_geometry(
        die_w_mm, die_h_mm, wafer_diameter_mm, scribe_mm, edge_exclusion_mm
    )
    if math.hypot(w, h) > 2.0 * radius:
        raise ParameterError(
            f"die_w_mm x die_h_mm must fit in the usable wafer (diagonal <= {2.0 * radius:g} mm)"
            f" for the gross formula, got {w:g} x {h:g} mm (diagonal {math.hypot(w, h):.4g} mm)"
        )
    given = f"{w:g} x {h:g} mm on a {2.0 * radius:g} mm usable wafer"
    w, h, s, radius = _rescaled(w, h, s, radius)
    cell = (w + s) * (h + s)
    d = 2.0 * radius
    gross = math.pi * radius * radius / cell if cell > 0.0 else math.inf
    if not math.isfinite(gross):
        raise ParameterError(
            f"die_w_mm x die_h_mm must give a die count a float holds, got {given}"
            " (more than 1e308 dies)"
        )
    return max(0.0, gross - math.pi * d / math.sqrt(2.0 * cell))


@njit(cache=True)
def _fits(x0, w, y2, r2):  # pragma: no cover - compiled
    """True iff the die spanning ``[x0, x0 + w]`` with worst ``y**2 = y2`` lies in the disc."""
    xm = max(abs(x0), abs(x0 + w))
    return xm * xm + y2 <= r2


@njit(cache=True)
def _row_count(w, px, ox, y_worst, radius):  # pragma: no cover - compiled
    """Whole dies of width ``w`` in a row whose farthest edge from the centre is ``y_worst``.

    Dies sit at ``x0 = ox + i * px``; die ``i`` fits iff all four corners are
    in the closed disc, i.e. ``max(|x0|, |x0 + w|)**2 + y_worst**2 <=
    radius**2``. The fitting indices form one interval around the die nearest
    the centre; its ends come from the chord ``sqrt(radius**2 - y_worst**2)``
    and are then nudged with the exact predicate, so the count agrees with a
    corner-by-corner check despite rounding.
    """
    r2 = radius * radius
    y2 = y_worst * y_worst
    if y2 > r2:
        return 0
    m = int(np.floor((-0.5 * w - ox) / px + 0.5))
    if not _fits(ox + m * px, w, y2, r2):
        if _fits(ox + (m - 1) * px, w, y2, r2):
            m -= 1
        elif _fits(ox + (m + 1) * px, w, y2, r2):
            m += 1
        else:
            return 0
    c = np.sqrt(r2 - y2)
    lo = min(m, int(np.ceil((-c - ox) / px)))
    hi = max(m, int(np.floor((c - w - ox) / px)))
    while _fits(ox + (lo - 1) * px, w, y2, r2):
        lo -= 1
    while not _fits(ox + lo * px, w, y2, r2):
        lo += 1
    while _fits(ox + (hi + 1) * px, w, y2, r2):
        hi += 1
    while not _fits(ox + hi * px, w, y2, r2):
        hi -= 1
    return hi - lo + 1


@njit(cache=True)
def _count_for_offset(w, h, px, py, radius, ox, oy):  # pragma: no cover - compiled
    """Whole dies inside the disc for the grid with die corners at ``(ox + i px, oy + j py)``.

    O(rows): each row is counted in O(1) from the chord at its worst ``|y|``.
    """
    j_lo = int(np.floor((-radius - oy) / py)) - 1
    j_hi = int(np.ceil((radius - oy) / py)) + 1
    total = 0
    for j in range(j_lo, j_hi + 1):
        y0 = oy + j * py
        y_worst = max(abs(y0), abs(y0 + h))
        total += _row_count(w, px, ox, y_worst, radius)
    return total


# Relative slack on r**2 for the upper-bound count (a corner within
# ``radius * (1 + 5e-12)`` counts): it covers the rounding of the computed
# candidate offsets, which are exact only in real arithmetic.
_UPPER_SLACK = 1e-11
# Nudges off a candidate offset (times the radius), tried when rounding puts a
# die that touches the circle there just outside it.
_NUDGES = (1e-11, 1e-9, 1e-7)
_NUDGE_DIRECTIONS = 16


@njit(cache=True)
def _die_fits(x0, y0, w, h, r2):  # pragma: no cover - compiled
    """True iff the ``w x h`` die with lower-left corner ``(x0, y0)`` lies in the disc."""
    xm = max(abs(x0), abs(x0 + w))
    ym = max(abs(y0), abs(y0 + h))
    return xm * xm + ym * ym <= r2


@njit(cache=True)
def _lifts(ax, ay, bx, by, eps):  # pragma: no cover - compiled
    """True when ``(0, 1)`` may lie in the cone spanned by ``(ax, ay)`` and ``(bx, by)``.

    Errs towards True by ``eps`` (it only prunes candidate offsets).
    """
    if (abs(ax) <= eps and ay > 0.0) or (abs(bx) <= eps and by > 0.0):
        return True
    if (ax > eps and bx > eps) or (ax < -eps and bx < -eps):
        return False
    return abs(bx) * ay + abs(ax) * by >= -eps * (abs(ay) + abs(by) + eps)


@njit(cache=True)
def _try_offset(w, h, px, py, radius, ox, oy, state):  # pragma: no cover - compiled
    """Count at ``(ox, oy)``; keep it in ``state = [best, ox, oy, upper]`` if it is a new best."""
    n = _count_for_offset(w, h, px, py, radius, ox, oy)
    if n > state[0]:
        state[0] = n
        state[1] = ox
        state[2] = oy
    return n


@njit(cache=True)
def _try_candidate(w, h, px, py, radius, radius_up, ox, oy, dx, dy, state):  # pragma: no cover - compiled
    """Evaluate one critical offset of the exact search (see :func:`exact_dies_per_wafer`).

    The count with the slackened radius ``radius_up`` raises the upper bound
    ``state[3]``; when it beats the best count so far, the exact count is taken
    at the offset and at small nudges off it (first along ``(dx, dy)``, a
    direction into the discs that meet there, then all round), so a die that
    rounding pushed just outside is recovered wherever the set of best offsets
    is not thinner than the nudges.
    """
    up = _count_for_offset(w, h, px, py, radius_up, ox, oy)
    if up > state[3]:
        state[3] = up
    if up <= state[0]:
        return
    if _try_offset(w, h, px, py, radius, ox, oy, state) >= up:
        return
    for s in _NUDGES:
        step = s * radius
        if dx != 0.0 or dy != 0.0:
            if _try_offset(w, h, px, py, radius, ox + step * dx, oy + step * dy, state) >= up:
                return
        for k in range(_NUDGE_DIRECTIONS):
            a = 2.0 * np.pi * k / _NUDGE_DIRECTIONS
            if _try_offset(
                w, h, px, py, radius, ox + step * np.cos(a), oy + step * np.sin(a), state
            ) >= up:
                return


@njit(cache=True)
def _exact_search(w, h, px, py, radius, ox_grid, oy_grid):  # pragma: no cover - compiled
    """Best count over the offset torus: ``[best, ox, oy, upper]`` (see the Notes of
    :func:`exact_dies_per_wafer`).

    ``best`` is attained at ``(ox, oy)``; ``upper`` is the largest count with
    the radius slackened by ``_UPPER_SLACK`` at the critical offsets, an upper
    bound on the optimum up to the rounding of those offsets.
    """
    state = np.zeros(4)
    for ox in ox_grid:
        for oy in oy_grid:
            _try_offset(w, h, px, py, radius, ox, oy, state)
    state[3] = state[0]
    r2 = radius * radius
    radius_up = radius * np.sqrt(1.0 + _UPPER_SLACK)
    r2_up = radius_up * radius_up
    ex = np.array([0.0, w, 0.0, w])
    ey = np.array([0.0, 0.0, h, h])
    # (a) Top points of the corner discs: corner k of a die at the top of the wafer.
    for k in range(4):
        _try_candidate(w, h, px, py, radius, radius_up, -ex[k], radius - ey[k], 0.0, -1.0, state)
    # (b) Intersections of two corner circles: corner k1 of the die at offset
    # p and corner k2 of the die at p + D, D = (m px, n py), both on the
    # wafer circle. Pairs (D, k1, k2) and (-D, k2, k1) give the same offsets
    # modulo the grid, so only one of them is enumerated.
    n_max = int(np.floor((2.0 * radius - h) / py + 1e-9))
    m_max = int(np.floor((2.0 * radius - w) / px + 1e-9))
    four_r2 = 4.0 * r2
    tol = 1e-12 * r2
    eps = 1e-9 * radius
    for n in range(0, n_max + 1):
        for k1 in range(4):
            for k2 in range(4):
                # circle centres c1 = -e1, c2 = -e2 - D
                gy = ey[k1] - ey[k2] - n * py  # c2y - c1y
                rest = four_r2 - gy * gy
                if rest < 0.0:
                    continue
                q = np.sqrt(rest)
                m_lo = max(-m_max, int(np.ceil((ex[k1] - ex[k2] - q) / px)) - 1)
                m_hi = min(m_max, int(np.floor((ex[k1] - ex[k2] + q) / px)) + 1)
                if n == 0:
                    m_lo = max(m_lo, 0)
                for m in range(m_lo, m_hi + 1):
                    if n == 0 and m == 0 and k1 >= k2:
                        continue
                    gx = ex[k1] - ex[k2] - m * px  # c2x - c1x
                    d2 = gx * gx + gy * gy
                    if d2 == 0.0:
                        continue  # the same circle (adjacent dies share a corner)
                    hh = r2 - 0.25 * d2
                    if hh < -tol:
                        continue
                    tangent = hh <= tol
                    hh = max(hh, 0.0)
                    t = np.sqrt(hh / d2)
                    mx = -ex[k1] + 0.5 * gx
                    my = -ey[k1] + 0.5 * gy
                    for sgn in (-1.0, 1.0):
                        ox = mx - sgn * t * gy
                        oy = my + sgn * t * gx
                        if not _die_fits(ox, oy, w, h, r2_up):
                            continue
                        if not _die_fits(ox + m * px, oy + n * py, w, h, r2_up):
                            continue
                        if not tangent and not _lifts(
                            ox + ex[k1], oy + ey[k1],
                            ox + m * px + ex[k2], oy + n * py + ey[k2], eps,
                        ):
                            continue
                        # into both discs: towards both centres
                        dx = (-ex[k1] - ox) + (-ex[k2] - m * px - ox)
                        dy = (-ey[k1] - oy) + (-ey[k2] - n * py - oy)
                        dn = np.sqrt(dx * dx + dy * dy)
                        if dn > 0.0:
                            dx /= dn
                            dy /= dn
                        _try_candidate(w, h, px, py, radius, radius_up, ox, oy, dx, dy, state)
    if state[3] < state[0]:
        state[3] = state[0]
    return state


def _candidate_offsets(size: float, pitch: float) -> np.ndarray:
    """Grid offsets along one axis: 64 steps over one pitch, then the die-centred placement.

    Step 0 (offset 0) is the other classic placement, a die corner on the centre.
    """
    fine = np.arange(_OFFSET_STEPS, dtype=np.float64) * (pitch / _OFFSET_STEPS)
    return np.append(fine, (-size / 2.0) % pitch)


def exact_dies_per_wafer(
    die_w_mm: float,
    die_h_mm: float,
    wafer_diameter_mm: float = 300.0,
    *,
    scribe_mm: float = 0.0,
    edge_exclusion_mm: float = 0.0,
) -> int:
    """Count whole dies on a rectangular grid inside the usable wafer disc.

    Parameters
    ----------
    die_w_mm, die_h_mm : float
        Die width and height in mm, > 0.
    wafer_diameter_mm : float, default 300.0
        Wafer diameter in mm, > 0.
    scribe_mm : float, default 0.0
        Scribe-lane width in mm; the grid pitch is ``(w + scribe, h + scribe)``.
    edge_exclusion_mm : float, default 0.0
        Unusable ring at the wafer edge in mm, >= 0 and < the wafer radius.

    Returns
    -------
    int
        The largest number of ``w x h`` dies lying entirely inside the disc of
        radius ``wafer_diameter / 2 - edge_exclusion`` over all grid offsets;
        0 when no die fits. The count is attained at an explicit offset (see
        Notes for what is proven and where floating point enters).

    Raises
    ------
    ParameterError
        On non-positive sizes, negative scribe or edge exclusion, an edge
        exclusion reaching the wafer centre, or NaN/inf inputs; and when the
        die is so small for the wafer that the search would take more than
        :data:`EXACT_COUNT_MAX_STEPS` steps (about 2.5 s: below ~0.49 x 0.49 mm
        on a 300 mm wafer). :func:`exact_count_feasible` tells in advance;
        :func:`gross_dies_per_wafer` answers there.

    Notes
    -----
    Write ``o = (ox, oy)`` for the grid offset (a die's lower-left corner is
    at ``o + L``, ``L = (i px, j py)``, pitches ``px = w + scribe``,
    ``py = h + scribe``) and ``R`` for the usable radius. The die at ``o + L``
    fits iff its four corners ``o + L + e``, ``e`` in ``{0, w} x {0, h}``, are
    in the closed disc, i.e. iff ``o`` lies in the four closed discs of
    radius ``R`` centred at ``-(L + e)`` (the *corner discs*). The count
    ``N(o)`` is periodic with the grid, so only offsets modulo the pitches
    matter. Claim: the maximum of ``N`` is attained at one of these offsets:

    (a) the top point ``-e + (0, R)`` of a corner disc (4 offsets);
    (b) an intersection point of two distinct corner circles, one of the die
        at ``o``, one of the die at ``o + D`` (``D`` a grid vector,
        ``|D_x| <= 2R - w``, ``|D_y| <= 2R - h``), where both dies fit and
        either the two circles are tangent or ``(0, 1)`` is a nonnegative
        combination of the two touching corners' positions.

    Proof. ``N`` takes finitely many values, so a maximiser ``o*`` exists; if
    ``N(o*) = 0`` any offset will do. Else let ``S`` be the dies fitting at
    ``o*`` and ``T`` the offsets at which all of ``S`` still fit: ``T`` is the
    intersection of their corner discs, compact, convex and nonempty, and
    ``N >= |S| = max N`` on ``T``. Let ``p`` be the topmost point of ``T``;
    the circles through ``p`` are its *tight* constraints, and the outward
    normal of one at ``p`` is the direction of the touching corner's position
    (from the wafer centre). If only one distinct circle is tight, ``T``
    coincides with that disc near ``p``, so ``p`` is that disc's top point
    (a). Otherwise, if ``T`` has interior, the KKT conditions (Slater holds)
    put ``(0, 1)`` in the cone of the tight normals, and in the plane two of
    them suffice (Caratheodory), so ``p`` is a point (b) for that pair (if
    one normal suffices, pair it with any other tight circle). If ``T`` has
    no interior it is the single point ``p`` (a segment's midpoint would be
    interior to every disc), and no direction ``d`` has ``d . n < 0`` for
    all tight normals ``n`` (moving along it would stay in ``T``). Then
    either two tight normals are opposite, i.e. two tight circles are
    tangent at ``p`` (b), or the tight normals lie in no closed half-plane
    (a normal on the boundary line of one could be tilted into the open
    half-plane), so they positively span the plane and again two of them
    have ``(0, 1)`` in their cone (b). Shifting by the first die's grid
    vector makes it the die at ``o`` without changing ``N``; ``D`` is the
    difference of two offsets at which a die fits, whence its bounds. QED.

    The search is: the 65 x 65 offsets of earlier versions (64 equal steps
    over one pitch, whose first puts a die corner on the wafer centre, plus
    the die centred on the wafer; so the result is never below theirs), then
    every offset (a) and (b). Each count is O(rows) (one chord per row at the
    row's worst ``|y|``); there are O(R^2 / (px py)) pairs ``D`` with 16
    corner pairs each, and only those passing the O(1) checks above are
    counted, so the cost is about O(R^3 / (px py max(px, py))) (rows run along
    the longer pitch): about 10 ms for a 5 x 5 mm die on a 300 mm wafer,
    0.3 s for 1 x 1 mm, 2-3 s for 0.5 x 0.5 mm, 4 s for 0.4 x 0.4 mm. The
    work is estimated from the geometry before the search starts (O(1),
    :func:`exact_count_feasible`), and a search of more than
    :data:`EXACT_COUNT_MAX_STEPS` steps is refused (the compiled kernel
    cannot be interrupted). A die whose diagonal exceeds the usable
    diameter gives 0 without a search. Radii beyond ``2**+-100`` mm are
    scaled by a power of two first (exact), so the squares stay finite.

    Floating point: the offsets (a) and (b) are computed, so a die whose
    corner is exactly on the circle there can come out a rounding error
    outside. Each critical offset is therefore also counted with the radius
    enlarged by a relative ``5e-12`` (an upper bound, up to that rounding),
    and when that beats the best count so far the exact count is retried at
    nudges of ``1e-11 R`` to ``1e-7 R`` off the offset. The returned count is
    always attained at an offset (the same corner test as the count at a
    given offset); it equals the upper bound, i.e. the optimum is certified,
    unless the best offsets form a set thinner than the nudges or a die
    misses the circle by less than the slack (the private ``_search``
    returns both numbers; the tests check that they agree). Unlike
    :func:`gross_dies_per_wafer` it stays correct at wafer scale.

    Examples
    --------
    >>> exact_dies_per_wafer(10.0, 10.0)
    657
    >>> exact_dies_per_wafer(212.0, 212.0)  # diagonal 299.8 mm fits a 300 mm wafer
    1
    >>> exact_dies_per_wafer(215.0, 215.0)
    0
    >>> exact_dies_per_wafer(0.1, 0.1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: die_w_mm x die_h_mm = 0.1 x 0.1 mm is too small for the exact count on a 300 mm usable wafer: its search would take ~2.1e+10 steps, more than the limit of 200,000,000 (EXACT_COUNT_MAX_STEPS, about 2.5 s); use gross_dies_per_wafer there
    """
    w, h, s, radius = _checked_geometry(
        die_w_mm, die_h_mm, wafer_diameter_mm, scribe_mm, edge_exclusion_mm
    )
    if _fits_nowhere(w, h, radius):
        return 0
    steps = _search_steps(w, h, s, radius)
    if not steps <= EXACT_COUNT_MAX_STEPS:
        raise ParameterError(
            f"die_w_mm x die_h_mm = {w:g} x {h:g} mm is too small for the exact count on a"
            f" {2.0 * radius:g} mm usable wafer: its search would take"
            f" {f'~{steps:.2g}' if math.isfinite(steps) else 'over 1e+12'} steps, more"
            f" than the limit of {EXACT_COUNT_MAX_STEPS:,} (EXACT_COUNT_MAX_STEPS, about 2.5 s);"
            " use gross_dies_per_wafer there"
        )
    return int(_search(*_rescaled(w, h, s, radius))[0])


def _search(w: float, h: float, s: float, radius: float) -> np.ndarray:
    """``[best, ox, oy, upper]`` of :func:`_exact_search` for checked geometry.

    The search runs with the rows along the shorter pitch (the problem is
    symmetric under swapping x and y, and each count costs O(rows)); the
    witness offset ``(ox, oy)`` is returned in the caller's orientation.
    """
    if h < w:
        best, oy, ox, upper = _search(h, w, s, radius)
        return np.array([best, ox, oy, upper])
    px, py = w + s, h + s
    return _exact_search(
        w, h, px, py, radius, _candidate_offsets(w, px), _candidate_offsets(h, py)
    )
