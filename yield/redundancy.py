"""Yield of a die with spare units: K good units needed out of N.

A die holds ``n_units`` identical units (GPU SMs, wafer-scale cores) of
``unit_area_mm2`` each, of which ``k_needed`` must work, plus an optional
shared, non-redundant area ``shared_area_mm2`` (I/O, memory controllers,
global wiring) that must be free of defects. A unit dies when at least one
defect lands on it.

Two defect models:

- Poisson (``alpha=None``): defects are independent and uniform, so each
  unit works independently with probability ``y = exp(-a D0)`` and the
  number of working units is binomial.
- Clustered (``alpha`` given): the die's defect density is ``D0 * G`` with
  ``G ~ Gamma(alpha, scale 1/alpha)`` (mean 1) shared by every unit of the
  die, i.e. negative binomial defect counts at the die scale (Stapper); given
  ``G`` the units fail independently.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy import integrate, optimize, special

from .closed_form import _MM2_PER_CM2, _broadcast, _result
from paramcheck import (
    ParameterError,
    check_int,
    check_nonnegative,
    check_positive,
    check_real_array,
    shown,
)

__all__ = ["k_of_n_groups_yield", "k_of_n_yield"]

# Relative size below which a piece of the integrand is dropped (e^-80 ~ 2e-35).
_DROP = 80.0
# Above this alpha the clustered yield is computed as its Poisson limit: they differ by
# O(lambda^2 / alpha) relative, below the quadrature's own accuracy there (the gamma
# density's cancellation grows as alpha * eps), and the integral fails beyond ~1e20.
_POISSON_ALPHA = 1e12


def _binomial_tail(r: int, n: int, q: np.ndarray | float) -> np.ndarray | float:
    """P(Binomial(n, q) <= r), as the regularised incomplete beta ``1 - I_q(r+1, n-r)``.

    ``betaincc`` evaluates the complement directly (no ``1 - ...`` and no
    ``1 - q``), so tiny tails and tiny ``q`` keep full relative accuracy.
    """
    return special.betaincc(r + 1, n - r, q)


def _log_gamma_norm(alpha: float) -> float:
    """``alpha log(alpha) - alpha - lgamma(alpha)``, without cancellation for large alpha.

    By Stirling's series, ``lgamma(a) = (a - 1/2) log a - a + log(2 pi)/2 +
    1/(12 a) - 1/(360 a^3) + 1/(1260 a^5) - 1/(1680 a^7) + ...``; for
    ``a >= 100`` the omitted terms are below 1e-20. Below 100 the direct
    form loses at most ~a log(a) eps < 1e-13.
    """
    if alpha < 100.0:
        return alpha * math.log(alpha) - alpha - math.lgamma(alpha)
    inv = 1.0 / alpha
    inv2 = inv * inv
    corr = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)))
    return 0.5 * math.log(alpha / (2.0 * math.pi)) - corr


def _clustered_tail(n: int, r: int, m_unit: float, m_shared: float, alpha: float) -> float:
    """E_G[P(Bin(n, 1 - exp(-m_unit G)) <= r) * exp(-m_shared G)], G ~ Gamma(alpha, 1/alpha).

    One group of :func:`_clustered_groups`, with the closed forms it does
    not need: no unit ever hit (the shared area's negative binomial yield),
    and no spares (``r = 0``: the negative binomial yield of the whole die).
    """
    if math.isinf(m_unit) or math.isinf(m_shared):
        # area x d0 overflowed: the shared area, or every unit (G > 0 surely), is surely hit
        return 0.0
    log_c = -alpha * math.log1p(m_shared / alpha)
    if m_unit == 0.0:
        return math.exp(log_c)
    if r == 0:  # all units needed: exactly the negative binomial die yield
        return math.exp(log_c - alpha * math.log1p(n * m_unit / (alpha + m_shared)))
    return _clustered_groups([(n, r, m_unit)], m_shared, alpha)


def _clustered_groups(units: list[tuple[int, int, float]], m_shared: float, alpha: float) -> float:
    """E_G[prod_j P(Bin(n_j, 1 - e^(-m_j G)) <= r_j) * e^(-m_shared G)], G ~ Gamma(alpha, 1/alpha).

    ``units`` holds one ``(n_j, r_j, m_j)`` per redundancy group, ``r_j >= 1``
    spares and ``m_j > 0`` expected defects per unit.

    The shared-area factor is folded into the mixing density exactly:
    ``Gamma(alpha, rate alpha) * exp(-m_shared g) = c * Gamma(alpha, rate beta)``
    with ``beta = alpha + m_shared`` and ``c = (alpha / beta) ** alpha`` (the
    negative binomial yield of the shared area). What is left, ``E[prod_j
    S_j(G')]`` with ``S_j`` the groups' binomial tails and ``G' ~ Gamma(alpha,
    rate beta)``, is integrated by adaptive Gauss-Kronrod quadrature
    (QUADPACK) in ``x = log g`` over the range where the integrand is within
    e^-80 of its peak, found on a grid that follows the gamma quantiles and
    the step of every ``S_j``; the mass of ``G'`` below a point where every
    ``S_j = 1`` to 1e-17 is added in closed form.
    """
    if math.isinf(m_shared) or any(math.isinf(m) for _, _, m in units):
        return 0.0  # area x d0 overflowed: surely hit
    beta = alpha + m_shared
    log_c = -alpha * math.log1p(m_shared / alpha)
    if not units or math.exp(log_c) == 0.0:  # c times an expectation <= 1: no float left to integrate for
        return math.exp(log_c)

    log_norm = _log_gamma_norm(alpha)
    log_combs = [
        float(special.gammaln(n + 1.0) - special.gammaln(r + 1.0) - special.gammaln(n - r + 1.0))
        for n, r, _ in units
    ]

    def log_tail(g: np.ndarray) -> np.ndarray:
        # sum over groups of log S_j(g). Where S_j underflows (below 1e-280, far past the
        # step), log pmf(r) - log(1 - rho) instead, rho = r (1-q) / ((n-r+1) q) the largest
        # ratio pmf(j-1)/pmf(j): an upper bound within a factor 1/(1 - rho) of S_j, which
        # keeps log S finite and continuous so the quadrature never sees a cliff. Such
        # points add < 1e-300 to the yield.
        total = np.zeros(np.shape(g))
        for (n, r, m), log_comb_r in zip(units, log_combs):
            with np.errstate(over="ignore"):  # m g beyond a float: inf, the group surely dead
                q = -np.expm1(-m * g)
            s = _binomial_tail(r, n, q)
            ok = s > 1e-280
            if np.all(ok):
                total = total + np.log(s)
                continue
            with np.errstate(divide="ignore", invalid="ignore"):
                rho = np.minimum(r * (1.0 - q) / ((n - r + 1.0) * q), 0.5)
                far = log_comb_r + r * np.log(q) + (n - r) * np.log1p(-q) - np.log1p(-rho)
                total = total + np.where(ok, np.log(np.where(ok, s, 1.0)), far)
        return total

    def log_h(x: np.ndarray) -> np.ndarray:
        # log of (density of G' at g) * g * prod_j S_j(g), g = e^x. The gamma part is
        # written alpha * (log v - v + 1) + const with v = beta g / alpha and log v =
        # log1p(v - 1) near v = 1: accurate for alpha up to ~1e12, where the naive
        # alpha log(beta g) - beta g - lgamma(alpha) loses ~alpha * eps to cancellation.
        g = np.exp(x)
        v = beta * g / alpha
        u = v - 1.0
        near = np.abs(u) < 0.5
        log_v = np.where(near, np.log1p(np.where(near, u, 0.0)), x + math.log(beta / alpha))
        return log_norm + alpha * (log_v - u) + log_tail(g)

    # Below g_lo, every S_j(g) = 1 to within n_j m_j g_lo, their product to 1e-17.
    hits = math.fsum(float(n) * m for n, _, m in units)
    g_lo = max(min(1e-17 / hits, special.gammaincinv(alpha, 1e-300) / beta), 1e-300)
    left = special.gammainc(alpha, beta * g_lo)
    g_hi = max(special.gammainccinv(alpha, 1e-300) / beta, 2.0 * g_lo)
    x_lo, x_hi = math.log(g_lo), math.log(g_hi)

    p = np.logspace(-300, math.log10(0.5), 600)
    with np.errstate(divide="ignore"):
        pieces = [
            np.linspace(x_lo, x_hi, 800),
            np.log(special.gammaincinv(alpha, p) / beta),
            np.log(special.gammainccinv(alpha, p) / beta),
        ]
    steps = []
    for n, r, m in units:  # where S_j falls from 1 to 0: q(g) = (r + 1/2) / n, width ~ 1/sqrt(r)
        q_step = (r + 0.5) / n
        if q_step < 1.0:
            x_step = math.log(-math.log1p(-q_step) / m)
        else:
            x_step = math.log((math.log(n) - math.log(n - r - 0.5)) / m)
        steps.append(x_step)
        pieces.append(x_step + np.linspace(-12.0, 12.0, 97) / math.sqrt(r + 1.0))
    grid = np.concatenate(pieces)
    grid = np.unique(grid[np.isfinite(grid) & (grid >= x_lo) & (grid <= x_hi)])
    values = log_h(grid)
    i_max = int(np.argmax(values))
    l_max = float(values[i_max])
    if not math.isfinite(l_max):  # every grid point underflowed: nothing beyond the left tail
        return math.exp(log_c) * float(left)
    keep = np.flatnonzero(values >= l_max - _DROP)
    a = float(grid[max(keep[0] - 1, 0)])
    b = float(grid[min(keep[-1] + 1, grid.size - 1)])
    points = sorted({x for x in (float(grid[i_max]), *steps) if a < x < b})

    def integrand(x: float) -> float:
        return math.exp(float(log_h(np.array(x))) - l_max)

    try:
        body, _ = integrate.quad(
            integrand, a, b, points=points or None, epsabs=0.0, epsrel=1e-11, limit=500
        )
    except OverflowError:  # the grid missed a peak far narrower than it (alpha of 1e6 and more): locate it
        peak = optimize.minimize_scalar(
            lambda x: -float(log_h(np.array(x))), bounds=(a, b), method="bounded",
            options={"xatol": 1e-12 * max(1.0, abs(a), abs(b))},
        )
        l_max = max(l_max, -float(peak.fun))
        points = sorted({x for x in (*points, float(peak.x)) if a < x < b})

        def integrand(x: float) -> float:  # noqa: F811 - the same, relative to the new peak
            return math.exp(min(float(log_h(np.array(x))) - l_max, 700.0))

        body, _ = integrate.quad(
            integrand, a, b, points=points or None, epsabs=0.0, epsrel=1e-11, limit=500
        )
    return math.exp(log_c) * (float(left) + math.exp(l_max) * body)


def k_of_n_yield(
    n_units: int,
    k_needed: int,
    unit_area_mm2: ArrayLike,
    d0: ArrayLike,
    *,
    alpha: ArrayLike | None = None,
    shared_area_mm2: ArrayLike = 0.0,
) -> float | np.ndarray:
    """Yield of a die that works when at least ``k_needed`` of its ``n_units`` units work.

    Parameters
    ----------
    n_units : int
        Units on the die (e.g. 144 SMs, 970,000 cores), an integer in
        [1, 2**63 - 1]; the cost does not grow with it.
    k_needed : int
        Working units the die needs, an integer in [1, n_units].
    unit_area_mm2 : float or array_like
        Critical area of one unit in mm^2, finite and >= 0.
    d0 : float or array_like
        Mean defect density in defects per cm^2, finite and >= 0.
    alpha : float or array_like or None, default None, keyword-only
        None for Poisson (unclustered) defects; otherwise the negative
        binomial clustering parameter, finite and > 0 (10 logic, 2 in
        textbooks). ``alpha -> inf`` recovers the Poisson result; above
        1e12 the result is that limit (the two differ by ``O(lambda^2 /
        alpha)`` relative, less than the integral's accuracy there).
    shared_area_mm2 : float or array_like, default 0.0, keyword-only
        Non-redundant area in mm^2 that must be defect-free, finite and >= 0.

    Returns
    -------
    float or ndarray
        Probability in [0, 1], broadcast over the array arguments.

    Raises
    ------
    ParameterError
        If n_units or k_needed is not an integer, k_needed is outside
        [1, n_units], an area or d0 is negative, NaN or infinite, alpha is
        not None and not > 0, or the shapes do not broadcast.

    Notes
    -----
    With ``a`` = unit area, ``A_s`` = shared area (in cm^2), ``r = N - K``
    spare units and ``q(g) = 1 - exp(-a D0 g)`` the chance a unit is hit:

    - Poisson: ``Y = P(Bin(N, q(1)) <= r) * exp(-A_s D0)``.
    - Clustered: ``Y = E_G[P(Bin(N, q(G)) <= r) * exp(-A_s D0 G)]`` with
      ``G ~ Gamma(alpha, 1/alpha)``; with ``K = N`` this is the negative
      binomial die yield ``(1 + (N a + A_s) D0 / alpha) ** -alpha`` (used in
      closed form), with ``N = K`` and a shared area only, the negative
      binomial yield of the shared area.

    The binomial tail is ``scipy.special.betaincc(r + 1, N - r, q)``
    (Boost's regularised incomplete beta), computed directly rather than as
    ``1 - sf`` or as a sum of ``r + 1`` terms, so it costs O(1) in N and
    stays accurate for N = 970,000, K = 900,000 and for tails far below
    machine epsilon. The clustered expectation is an adaptive QUADPACK
    integral (``scipy.integrate.quad``) in ``log G`` over the range that
    holds all but e^-80 of the integrand, on breakpoints at its peak and at
    the step of the binomial tail; every piece is positive, so there is no
    cancellation. Cost: O(1) per element for Poisson; a few thousand tail
    evaluations per element when clustered (milliseconds).

    References
    ----------
    .. [1] C. H. Stapper, "Yield model for fault clusters within integrated
       circuits", IBM J. Res. Dev. 28(5), 636-640, 1984.
    .. [2] I. Koren, Z. Koren, "Defect tolerance in VLSI circuits: techniques
       and yield analysis", Proc. IEEE 86(9), 1819-1838, 1998.

    Examples
    --------
    An H100-like die: 814 mm^2, 90% in 144 SMs of which 132 are needed, 10%
    shared; without spares only ``exp(-0.814) = 0.443`` of dies would work:

    >>> y = k_of_n_yield(144, 132, 814 * 0.9 / 144, 0.1, shared_area_mm2=81.4)
    >>> round(y, 6)  # almost exactly exp(-0.0814), the shared area's yield
    0.921825
    >>> round(k_of_n_yield(144, 132, 814 * 0.9 / 144, 0.1, alpha=2.0,
    ...                    shared_area_mm2=81.4), 6)
    0.923313
    >>> k_of_n_yield(4, 4, 25.0, 0.1) == math.exp(-0.1)  # K = N: plain die yield
    True
    """
    n = check_int("n_units", n_units, minimum=1)
    k = check_int("k_needed", k_needed, minimum=1)
    if k > n:
        raise ParameterError(f"k_needed must be an integer in [1, n_units = {n}], got {k}")
    a = check_real_array("unit_area_mm2", unit_area_mm2, unit="mm^2")
    d = check_real_array("d0", d0, unit="defects per cm^2")
    s = check_real_array("shared_area_mm2", shared_area_mm2, unit="mm^2")
    r = n - k
    if alpha is None:
        a_b, d_b, s_b = _broadcast(unit_area_mm2=a, d0=d, shared_area_mm2=s)
        with np.errstate(over="ignore"):  # area x d0 beyond a float: inf, a yield of 0
            q = -np.expm1(-(a_b / _MM2_PER_CM2) * d_b)
            shared = np.exp(-(s_b / _MM2_PER_CM2) * d_b)
        tail = _binomial_tail(r, n, q)
        return _result(tail * shared, a, d, s)
    al = check_real_array("alpha", alpha, positive=True)
    a_b, d_b, s_b, al_b = _broadcast(unit_area_mm2=a, d0=d, shared_area_mm2=s, alpha=al)
    with np.errstate(over="ignore"):  # area x d0 beyond a float: inf, handled as surely hit
        m_unit = a_b / _MM2_PER_CM2 * d_b
        m_shared = s_b / _MM2_PER_CM2 * d_b
    out = np.empty(a_b.shape)
    for idx in np.ndindex(out.shape):
        mu, ms, al_i = float(m_unit[idx]), float(m_shared[idx]), float(al_b[idx])
        if al_i > _POISSON_ALPHA:
            out[idx] = float(_binomial_tail(r, n, -math.expm1(-mu))) * math.exp(-ms)
        else:
            out[idx] = _clustered_tail(n, r, mu, ms, al_i)
    return _result(np.clip(out, 0.0, 1.0), a, d, s, al)


_TRIPLE = "(n_units, k_needed, unit_area_mm2)"


def _check_groups(groups: object) -> list[tuple[int, int, float]]:
    """``groups`` as a list of validated ``(n, k, area)``, or ParameterError naming the entry."""
    if isinstance(groups, (str, bytes)) or not isinstance(groups, Sequence) or not groups:
        raise ParameterError(
            f"groups must be a non-empty sequence of {_TRIPLE} triples, got {shown(groups)}"
        )
    out = []
    for i, group in enumerate(groups):
        name = f"groups[{i}]"
        if isinstance(group, (str, bytes)) or not isinstance(group, Sequence) or len(group) != 3:
            raise ParameterError(f"{name} must be a triple {_TRIPLE}, got {shown(group)}")
        n = check_int(f"{name}.n_units", group[0], minimum=1)
        k = check_int(f"{name}.k_needed", group[1], minimum=1)
        if k > n:
            raise ParameterError(
                f"{name}.k_needed must be an integer in [1, n_units = {n}], got {k}"
            )
        a = check_nonnegative(f"{name}.unit_area_mm2", group[2], "mm^2")
        out.append((n, k, a))
    return out


def k_of_n_groups_yield(
    groups: Sequence[tuple[int, int, float]],
    d0: float,
    *,
    alpha: float | None = None,
    shared_area_mm2: float = 0.0,
) -> float:
    """Yield of a die with several independent redundancy groups, each needing K of its N units.

    Parameters
    ----------
    groups : sequence of (int, int, float)
        One ``(n_units, k_needed, unit_area_mm2)`` triple per group of
        identical units (SMs, memory partitions, cores), non-empty: ``n_units``
        an integer in [1, 2**63 - 1], ``k_needed`` an integer in [1,
        n_units], ``unit_area_mm2`` the critical area of one unit in mm^2,
        finite and >= 0. The die works when every group has at least
        ``k_needed`` working units.
    d0 : float
        Mean defect density in defects per cm^2, finite and >= 0.
    alpha : float or None, default None, keyword-only
        None for Poisson (unclustered) defects; otherwise the negative
        binomial clustering parameter, finite and > 0, with one density
        factor shared by the whole die. Above 1e12 the result is the Poisson
        limit, as in :func:`k_of_n_yield`.
    shared_area_mm2 : float, default 0.0, keyword-only
        Non-redundant area in mm^2 that must be defect-free, finite and >= 0.

    Returns
    -------
    float
        Probability in [0, 1]. Scalars only: no broadcasting.

    Raises
    ------
    ParameterError
        If groups is not a non-empty sequence of triples, a group's n_units
        or k_needed is not an integer, its k_needed is outside [1, n_units],
        an area or d0 is negative, NaN or infinite, or alpha is not None and
        not > 0; the message names the entry, e.g. ``groups[1].k_needed``.

    Notes
    -----
    With group ``j`` of ``N_j`` units of area ``a_j``, ``r_j = N_j - K_j``
    spares, ``q_j(g) = 1 - exp(-a_j D0 g)`` and ``A_s`` the shared area (in
    cm^2):

    - Poisson: ``Y = prod_j P(Bin(N_j, q_j(1)) <= r_j) * exp(-A_s D0)``.
    - Clustered: ``Y = E_G[prod_j P(Bin(N_j, q_j(G)) <= r_j) * exp(-A_s D0
      G)]``, ``G ~ Gamma(alpha, 1/alpha)``. The groups are independent
      given ``G`` only: one die-wide ``G`` correlates them, so the yield is
      not the product of the groups' :func:`k_of_n_yield` and the shared
      area's negative binomial yield, but larger (every factor falls with
      ``G``).

    A group with ``K_j = N_j`` has no spares, so its ``N_j a_j`` is added to
    the shared area (no approximation); a group of area 0 always works and is
    dropped. With one group, or one group with spares left after that, the
    result is :func:`k_of_n_yield`'s, computed by it. Otherwise, when
    clustered, the shared area is folded into the mixing density
    (``Gamma(alpha, rate alpha) * exp(-A_s D0 g) = (alpha / beta) ** alpha *
    Gamma(alpha, rate beta)``, ``beta = alpha + A_s D0``) and the product of
    tails is integrated against it by adaptive QUADPACK quadrature in ``log
    G`` over the range holding all but e^-80 of the integrand, on
    breakpoints at its peak and at every group's step, as
    :func:`k_of_n_yield` does for one group; every piece is positive, so
    there is no cancellation. Cost: O(number of groups) for Poisson,
    independent of N; when clustered, a few thousand evaluations of every
    group's tail (about 10 ms for two groups).

    References
    ----------
    .. [1] C. H. Stapper, "Yield model for fault clusters within integrated
       circuits", IBM J. Res. Dev. 28(5), 636-640, 1984.
    .. [2] I. Koren, Z. Koren, "Defect tolerance in VLSI circuits: techniques
       and yield analysis", Proc. IEEE 86(9), 1819-1838, 1998.

    Examples
    --------
    An H100-like die of 814 mm^2: 144 SMs of 3.67 mm^2 of which 132 are
    needed, 12 memory partitions of 9.5 mm^2 of which 10 are needed, and
    171.5 mm^2 of shared I/O and wiring; without spares only ``exp(-0.814) =
    0.443`` of dies would work:

    >>> h100 = [(144, 132, 3.67), (12, 10, 9.5)]
    >>> shared = 814.0 - 144 * 3.67 - 12 * 9.5
    >>> round(k_of_n_groups_yield(h100, 0.1, shared_area_mm2=shared), 6)
    0.842236
    >>> round(math.exp(-shared / 100 * 0.1), 6)  # the shared area alone: spares cover the rest
    0.842383
    >>> round(k_of_n_groups_yield(h100, 0.1, alpha=2.0, shared_area_mm2=shared), 6)
    0.847952

    With every unit needed it is the plain die yield; with one group it is
    :func:`k_of_n_yield`:

    >>> round(k_of_n_groups_yield([(144, 144, 3.67), (12, 12, 9.5)], 0.1,
    ...                           shared_area_mm2=shared), 6)  # exp(-0.814)
    0.443082
    >>> k_of_n_groups_yield([(144, 132, 3.67)], 0.1, alpha=2.0) == k_of_n_yield(
    ...     144, 132, 3.67, 0.1, alpha=2.0)
    True
    """
    checked = _check_groups(groups)
    d = check_nonnegative("d0", d0, "defects per cm^2")
    al = None if alpha is None else check_positive("alpha", alpha)
    shared = check_nonnegative("shared_area_mm2", shared_area_mm2, "mm^2")
    if len(checked) == 1:
        n, k, a = checked[0]
        return k_of_n_yield(n, k, a, d, alpha=al, shared_area_mm2=shared)
    if d == 0.0:
        return 1.0
    spared = []
    for n, k, a in checked:
        if k == n:  # no spares: the units are shared area
            shared += n * a
        elif a / _MM2_PER_CM2 * d > 0.0:  # else never hit: always works
            spared.append((n, k, a))
    if math.isinf(shared):  # the shared area overflowed a float: surely hit (d0 > 0)
        return 0.0
    if len(spared) == 1:
        n, k, a = spared[0]
        return k_of_n_yield(n, k, a, d, alpha=al, shared_area_mm2=shared)
    m_shared = shared / _MM2_PER_CM2 * d  # may overflow to inf: a yield of 0
    units = [(n, n - k, a / _MM2_PER_CM2 * d) for n, k, a in spared]
    if al is None or al > _POISSON_ALPHA:
        y = math.exp(-m_shared)
        for n, r, m in units:
            y *= float(_binomial_tail(r, n, -math.expm1(-m)))
    else:
        y = _clustered_groups(units, m_shared, al)
    return min(max(y, 0.0), 1.0)
