"""Closed-form die yield models: Poisson, Murphy, Seeds, Bose-Einstein, negative binomial.

All functions broadcast over NumPy arrays like ufuncs. They return a Python
``float`` when every argument is a scalar and an ``ndarray`` otherwise. Areas
are in mm^2 and defect densities ``d0`` in defects per cm^2 (the foundry
convention; 1 cm^2 = 100 mm^2).

Every yield model takes ``critical_area_ratio`` (keyword, default 1.0, in
(0, 1]): the fraction of the die area where a defect is fatal, so the mean
number of killer defects per die is ``lambda = ratio * area_mm2 / 100 * d0``.
Each model is the Poisson yield ``exp(-lambda * g)`` averaged over a density
of the relative defect density ``g`` (mean 1) from die to die:

- Poisson ``exp(-lambda)``: ``g = 1`` (no variation);
- Murphy ``((1 - exp(-lambda)) / lambda)^2``: triangular ``g`` on [0, 2];
- rectangular ``(1 - exp(-2 lambda)) / (2 lambda)``: uniform ``g`` on [0, 2];
- Seeds, hyperbolic form ``1 / (1 + lambda)``: exponential ``g``;
- Seeds, exponential form ``exp(-sqrt(lambda))``: Seeds' empirical fit;
- Bose-Einstein ``(1 + lambda_layer)^-n``: n critical layers, each hyperbolic;
- negative binomial ``(1 + lambda / alpha)^-alpha``: ``g ~ Gamma(alpha, 1/alpha)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from paramcheck import ParameterError, check_real_array, check_int_array

__all__ = [
    "bose_einstein_yield",
    "expected_defects",
    "murphy_yield",
    "negative_binomial_yield",
    "poisson_yield",
    "rectangular_yield",
    "seeds_exponential_yield",
    "seeds_hyperbolic_yield",
]

_MM2_PER_CM2 = 100.0


def _broadcast(**arrays: np.ndarray) -> list[np.ndarray]:
    try:
        return list(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {v.shape}" for k, v in arrays.items())
        raise ParameterError(
            f"array shapes must broadcast together, got {shapes}"
        ) from None


def _result(values: np.ndarray, *inputs: np.ndarray) -> float | np.ndarray:
    if all(a.ndim == 0 for a in inputs):
        return float(values)
    return values


def _check_ratio(value: object) -> np.ndarray:
    """``critical_area_ratio`` as a float64 array, each element finite and in (0, 1]."""
    allowed = "a finite number in (0, 1] (fraction of the die area that is critical)"
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        arr = np.asarray(None, dtype=object)
    if arr.dtype.kind not in "iuf":
        raise ParameterError(f"critical_area_ratio must be {allowed}, got {value!r}")
    arr = arr.astype(np.float64, copy=False)
    bad = ~((arr > 0.0) & (arr <= 1.0))  # NaN fails both comparisons
    if bad.any():
        raise ParameterError(
            f"critical_area_ratio must be {allowed}, got {float(arr[bad].flat[0])!r}"
        )
    return arr


def _prepare(
    area_mm2: ArrayLike,
    d0: ArrayLike,
    critical_area_ratio: ArrayLike,
    *,
    d0_name: str = "d0",
    **extra: np.ndarray,
) -> tuple[np.ndarray, list[np.ndarray], tuple[np.ndarray, ...]]:
    """Check area, d0 and ratio; broadcast them with the (checked) ``extra`` arrays.

    Returns ``lambda = ratio * area / 100 * d0`` (mean killer defects per die),
    the broadcast ``extra`` arrays in order, and every checked input (for
    :func:`_result`).
    """
    a = check_real_array("area_mm2", area_mm2, unit="mm^2")
    d = check_real_array(d0_name, d0, unit="defects per cm^2")
    r = _check_ratio(critical_area_ratio)
    arrays = {"area_mm2": a, d0_name: d, "critical_area_ratio": r, **extra}
    a_b, d_b, r_b, *rest = _broadcast(**arrays)
    return (r_b * a_b) / _MM2_PER_CM2 * d_b, rest, tuple(arrays.values())


def _one_minus_exp_over(x: np.ndarray) -> np.ndarray:
    """``(1 - exp(-x)) / x`` with the limit 1 at ``x = 0``, accurate for small ``x``."""
    pos = x > 0.0
    safe = np.where(pos, x, 1.0)
    return np.where(pos, -np.expm1(-safe) / safe, 1.0)


def expected_defects(area_mm2: ArrayLike, d0: ArrayLike) -> float | np.ndarray:
    """Expected number of defects ``A * D0`` on an area.

    Parameters
    ----------
    area_mm2 : float or array_like
        Area in mm^2, finite and >= 0.
    d0 : float or array_like
        Defect density in defects per cm^2, finite and >= 0.

    Returns
    -------
    float or ndarray
        ``area_mm2 / 100 * d0``, broadcast over the inputs.

    Raises
    ------
    ParameterError
        If an input is negative, NaN, infinite or not numeric, or if the
        shapes do not broadcast.

    Notes
    -----
    O(size of the broadcast result). Under every model here the defect count
    has this mean; the models differ only in how the defects cluster.

    Examples
    --------
    >>> expected_defects(814.0, 0.1)
    0.814
    >>> expected_defects([100.0, 46225.0], 0.1)
    array([ 0.1  , 46.225])
    """
    a = check_real_array("area_mm2", area_mm2, unit="mm^2")
    d = check_real_array("d0", d0, unit="defects per cm^2")
    a_b, d_b = _broadcast(area_mm2=a, d0=d)
    return _result(a_b / _MM2_PER_CM2 * d_b, a, d)


def poisson_yield(
    area_mm2: ArrayLike, d0: ArrayLike, *, critical_area_ratio: ArrayLike = 1.0
) -> float | np.ndarray:
    """Poisson die yield ``exp(-A D0)``: the chance a die has no defect.

    Parameters
    ----------
    area_mm2 : float or array_like
        Die area in mm^2, finite and >= 0.
    d0 : float or array_like
        Defect density in defects per cm^2, finite and >= 0.
    critical_area_ratio : float or array_like, default 1.0, keyword-only
        Fraction of the die area that is critical, in (0, 1]; the model uses
        ``A = critical_area_ratio * area_mm2``.

    Returns
    -------
    float or ndarray
        Yield in [0, 1], broadcast over the inputs.

    Raises
    ------
    ParameterError
        If an input is negative, NaN, infinite or not numeric, the ratio is
        outside (0, 1], or the shapes do not broadcast.

    Notes
    -----
    O(size of the broadcast result). Defects are independent and uniformly
    spread (no clustering), so the count on a die is Poisson with mean
    ``A D0``; this is the pessimistic limit of the negative binomial model as
    the clustering parameter grows [1]_.

    References
    ----------
    .. [1] C. H. Stapper, F. M. Armstrong, K. Saji, "Integrated circuit yield
       statistics", Proc. IEEE 71(4), 453-470, 1983.

    Examples
    --------
    >>> round(poisson_yield(100.0, 0.1), 9)
    0.904837418
    >>> poisson_yield([0.0, 100.0], [0.1, 1.0])
    array([1.        , 0.36787944])
    >>> round(poisson_yield(200.0, 0.1, critical_area_ratio=0.5), 9)
    0.904837418
    """
    lam, _, inputs = _prepare(area_mm2, d0, critical_area_ratio)
    return _result(np.exp(-lam), *inputs)


def negative_binomial_yield(
    area_mm2: ArrayLike,
    d0: ArrayLike,
    alpha: ArrayLike,
    *,
    critical_area_ratio: ArrayLike = 1.0,
) -> float | np.ndarray:
    """Negative binomial (Stapper) die yield ``(1 + A D0 / alpha) ** -alpha``.

    Parameters
    ----------
    area_mm2 : float or array_like
        Die area in mm^2, finite and >= 0.
    d0 : float or array_like
        Defect density in defects per cm^2, finite and >= 0.
    alpha : float or array_like
        Clustering parameter, finite and > 0. Small alpha means strong
        clustering (higher yield for the same mean defect count); alpha -> inf
        recovers :func:`poisson_yield`; alpha = 1 is
        :func:`seeds_hyperbolic_yield`.
    critical_area_ratio : float or array_like, default 1.0, keyword-only
        Fraction of the die area that is critical, in (0, 1].

    Returns
    -------
    float or ndarray
        Yield in [0, 1], broadcast over the inputs.

    Raises
    ------
    ParameterError
        If area or d0 is negative, alpha is <= 0, the ratio is outside
        (0, 1], any input is NaN, infinite or not numeric, or the shapes do
        not broadcast.

    Notes
    -----
    O(size of the broadcast result). Computed as
    ``exp(-alpha * log1p(A D0 / alpha))``, accurate for large alpha. The
    defect count is gamma-mixed Poisson (negative binomial) [1]_ [2]_. Common
    alpha values: 10 for logic, 3 for RDL, 6 for silicon interposers (Chiplet
    Actuary defaults [3]_); 2 in textbooks.

    References
    ----------
    .. [1] C. H. Stapper, "Modeling of integrated circuit defect sensitivities",
       IBM J. Res. Dev. 27(6), 549-557, 1983.
    .. [2] J. A. Cunningham, "The use and evaluation of yield models in
       integrated circuit manufacturing", IEEE Trans. Semicond. Manuf. 3(2),
       60-71, 1990.
    .. [3] Y. Feng, K. Ma, "Chiplet Actuary: a quantitative cost model and
       multi-chiplet architecture exploration", DAC 2022.

    Examples
    --------
    >>> round(negative_binomial_yield(814.0, 0.1, 3.0), 8)
    0.48665557
    >>> negative_binomial_yield(100.0, 0.1, [1.0, 1e6])
    array([0.90909091, 0.90483742])
    """
    al = check_real_array("alpha", alpha, positive=True)
    lam, (al_b,), inputs = _prepare(area_mm2, d0, critical_area_ratio, alpha=al)
    return _result(np.exp(-al_b * np.log1p(lam / al_b)), *inputs)


def murphy_yield(
    area_mm2: ArrayLike, d0: ArrayLike, *, critical_area_ratio: ArrayLike = 1.0
) -> float | np.ndarray:
    """Murphy die yield ``((1 - exp(-A D0)) / (A D0)) ** 2``.

    Parameters
    ----------
    area_mm2 : float or array_like
        Die area in mm^2, finite and >= 0.
    d0 : float or array_like
        Mean defect density in defects per cm^2, finite and >= 0.
    critical_area_ratio : float or array_like, default 1.0, keyword-only
        Fraction of the die area that is critical, in (0, 1]; the model uses
        ``A = critical_area_ratio * area_mm2``.

    Returns
    -------
    float or ndarray
        Yield in (0, 1], broadcast over the inputs; exactly 1 where
        ``A D0 = 0`` (the limit of the 0/0 form).

    Raises
    ------
    ParameterError
        If an input is negative, NaN, infinite or not numeric, the ratio is
        outside (0, 1], or the shapes do not broadcast.

    Notes
    -----
    O(size of the broadcast result). Murphy [1]_ averaged the Poisson yield
    ``exp(-A D)`` over a triangular density of D on [0, 2 D0] (peak at D0),
    an approximation to a bell-shaped spread of the defect density from die
    to die. Computed as ``(-expm1(-x) / x) ** 2``, accurate for small ``x``.
    Between the Poisson (lower) and the hyperbolic Seeds (upper) yields.

    References
    ----------
    .. [1] B. T. Murphy, "Cost-size optima of monolithic integrated circuits",
       Proc. IEEE 52(12), 1537-1545, 1964.
    .. [2] J. A. Cunningham, "The use and evaluation of yield models in
       integrated circuit manufacturing", IEEE Trans. Semicond. Manuf. 3(2),
       60-71, 1990.

    Examples
    --------
    >>> round(murphy_yield(814.0, 0.1), 9)  # x = 0.814
    0.468094358
    >>> murphy_yield([0.0, 100.0], 1.0)
    array([1.       , 0.3995764])
    """
    lam, _, inputs = _prepare(area_mm2, d0, critical_area_ratio)
    return _result(_one_minus_exp_over(lam) ** 2, *inputs)


def rectangular_yield(
    area_mm2: ArrayLike, d0: ArrayLike, *, critical_area_ratio: ArrayLike = 1.0
) -> float | np.ndarray:
    """Rectangular-density die yield ``(1 - exp(-2 A D0)) / (2 A D0)``.

    Parameters
    ----------
    area_mm2 : float or array_like
        Die area in mm^2, finite and >= 0.
    d0 : float or array_like
        Mean defect density in defects per cm^2, finite and >= 0.
    critical_area_ratio : float or array_like, default 1.0, keyword-only
        Fraction of the die area that is critical, in (0, 1].

    Returns
    -------
    float or ndarray
        Yield in (0, 1], broadcast over the inputs; exactly 1 where
        ``A D0 = 0``.

    Raises
    ------
    ParameterError
        If an input is negative, NaN, infinite or not numeric, the ratio is
        outside (0, 1], or the shapes do not broadcast.

    Notes
    -----
    O(size of the broadcast result). The Poisson yield averaged over a
    uniform (rectangular) density of D on [0, 2 D0], the second density
    Murphy considered [1]_ [2]_. Computed with ``expm1``.

    References
    ----------
    .. [1] B. T. Murphy, "Cost-size optima of monolithic integrated circuits",
       Proc. IEEE 52(12), 1537-1545, 1964.
    .. [2] J. A. Cunningham, "The use and evaluation of yield models in
       integrated circuit manufacturing", IEEE Trans. Semicond. Manuf. 3(2),
       60-71, 1990.

    Examples
    --------
    >>> round(rectangular_yield(814.0, 0.1), 9)  # (1 - exp(-1.628)) / 1.628
    0.493659812
    >>> rectangular_yield(0.0, 0.3)
    1.0
    """
    lam, _, inputs = _prepare(area_mm2, d0, critical_area_ratio)
    return _result(_one_minus_exp_over(2.0 * lam), *inputs)


def seeds_exponential_yield(
    area_mm2: ArrayLike, d0: ArrayLike, *, critical_area_ratio: ArrayLike = 1.0
) -> float | np.ndarray:
    """Seeds' exponential die yield ``exp(-sqrt(A D0))`` (Seeds 1967).

    Parameters
    ----------
    area_mm2 : float or array_like
        Die area in mm^2, finite and >= 0.
    d0 : float or array_like
        Defect density in defects per cm^2, finite and >= 0.
    critical_area_ratio : float or array_like, default 1.0, keyword-only
        Fraction of the die area that is critical, in (0, 1].

    Returns
    -------
    float or ndarray
        Yield in (0, 1], broadcast over the inputs.

    Raises
    ------
    ParameterError
        If an input is negative, NaN, infinite or not numeric, the ratio is
        outside (0, 1], or the shapes do not broadcast.

    Notes
    -----
    O(size of the broadcast result).

    Naming: two different formulas are called "the Seeds model". This one,
    ``exp(-sqrt(A D))``, is the form attributed to R. B. Seeds' 1967 paper
    on large digital arrays [1]_ in yield-model surveys such as
    Cunningham's [2]_. Many textbooks, course notes and on-line yield
    calculators instead give ``1 / (1 + A D)`` as "Seeds" (the Poisson
    yield averaged over an exponential density of D); that is
    :func:`seeds_hyperbolic_yield`. The two disagree strongly for large
    ``A D`` (at ``A D = 46`` this one is 19x lower; at ``A D = 0.1`` it is
    20% lower), so the registry names them ``"seeds-exponential"`` and
    ``"seeds-hyperbolic"`` and never plain ``"seeds"``.

    References
    ----------
    .. [1] R. B. Seeds, "Yield, economic, and logistic models for complex
       digital arrays", IEEE International Convention Record, part 6,
       61-66, 1967.
    .. [2] J. A. Cunningham, "The use and evaluation of yield models in
       integrated circuit manufacturing", IEEE Trans. Semicond. Manuf. 3(2),
       60-71, 1990.

    Examples
    --------
    >>> round(seeds_exponential_yield(100.0, 1.0), 9)  # exp(-1)
    0.367879441
    >>> seeds_exponential_yield([0.0, 400.0], 1.0)
    array([1.        , 0.13533528])
    """
    lam, _, inputs = _prepare(area_mm2, d0, critical_area_ratio)
    return _result(np.exp(-np.sqrt(lam)), *inputs)


def seeds_hyperbolic_yield(
    area_mm2: ArrayLike, d0: ArrayLike, *, critical_area_ratio: ArrayLike = 1.0
) -> float | np.ndarray:
    """Hyperbolic ("textbook Seeds") die yield ``1 / (1 + A D0)``.

    Parameters
    ----------
    area_mm2 : float or array_like
        Die area in mm^2, finite and >= 0.
    d0 : float or array_like
        Mean defect density in defects per cm^2, finite and >= 0.
    critical_area_ratio : float or array_like, default 1.0, keyword-only
        Fraction of the die area that is critical, in (0, 1].

    Returns
    -------
    float or ndarray
        Yield in (0, 1], broadcast over the inputs.

    Raises
    ------
    ParameterError
        If an input is negative, NaN, infinite or not numeric, the ratio is
        outside (0, 1], or the shapes do not broadcast.

    Notes
    -----
    O(size of the broadcast result). The Poisson yield averaged over an
    exponential density of D with mean D0. Many textbooks (and yield
    calculators) call this "the Seeds model"; Seeds' own 1967 formula is
    ``exp(-sqrt(A D))`` (:func:`seeds_exponential_yield`) [2]_. The same
    formula is Price's Bose-Einstein yield with one critical layer [1]_
    (:func:`bose_einstein_yield` with ``critical_layers=1``) and the
    negative binomial yield with ``alpha = 1``
    (:func:`negative_binomial_yield`).

    References
    ----------
    .. [1] J. E. Price, "A new look at yield of integrated circuits",
       Proc. IEEE 58(8), 1290-1291, 1970.
    .. [2] J. A. Cunningham, "The use and evaluation of yield models in
       integrated circuit manufacturing", IEEE Trans. Semicond. Manuf. 3(2),
       60-71, 1990.

    Examples
    --------
    >>> seeds_hyperbolic_yield(100.0, 1.0)
    0.5
    >>> seeds_hyperbolic_yield(814.0, [0.1, 0.2])
    array([0.55126792, 0.3805175 ])
    """
    lam, _, inputs = _prepare(area_mm2, d0, critical_area_ratio)
    return _result(1.0 / (1.0 + lam), *inputs)


def bose_einstein_yield(
    area_mm2: ArrayLike,
    d0_per_layer: ArrayLike,
    critical_layers: ArrayLike,
    *,
    critical_area_ratio: ArrayLike = 1.0,
) -> float | np.ndarray:
    """Bose-Einstein die yield ``(1 + A D0) ** -n`` over ``n`` critical layers.

    Parameters
    ----------
    area_mm2 : float or array_like
        Die area in mm^2, finite and >= 0.
    d0_per_layer : float or array_like
        Defect density of *each* critical layer, in defects per cm^2, finite
        and >= 0. The die's total density is ``critical_layers * d0_per_layer``.
    critical_layers : int or array_like of int
        Number ``n`` of critical (mask) layers, an integer >= 1.
    critical_area_ratio : float or array_like, default 1.0, keyword-only
        Fraction of the die area that is critical, in (0, 1].

    Returns
    -------
    float or ndarray
        Yield in (0, 1], broadcast over the inputs.

    Raises
    ------
    ParameterError
        If area or d0_per_layer is negative, NaN, infinite or not numeric,
        critical_layers is not an integer >= 1, the ratio is outside (0, 1],
        or the shapes do not broadcast.

    Notes
    -----
    O(size of the broadcast result). Price [1]_ counted defects as
    indistinguishable (Bose-Einstein statistics); the result equals the
    product of ``n`` independent hyperbolic yields ``1 / (1 + A D0)``, one
    per layer. With ``n = 1`` it is :func:`seeds_hyperbolic_yield`.
    Computed as ``exp(-n log1p(A D0))``.

    References
    ----------
    .. [1] J. E. Price, "A new look at yield of integrated circuits",
       Proc. IEEE 58(8), 1290-1291, 1970.
    .. [2] J. A. Cunningham, "The use and evaluation of yield models in
       integrated circuit manufacturing", IEEE Trans. Semicond. Manuf. 3(2),
       60-71, 1990.

    Examples
    --------
    >>> bose_einstein_yield(100.0, 1.0, 3)  # 2 ** -3
    0.125
    >>> bose_einstein_yield(814.0, 0.1, [1, 3])
    array([0.55126792, 0.16752829])
    """
    n = check_int_array("critical_layers", critical_layers, minimum=1)
    lam, (n_b,), inputs = _prepare(
        area_mm2, d0_per_layer, critical_area_ratio, d0_name="d0_per_layer", critical_layers=n
    )
    return _result(np.exp(-n_b * np.log1p(lam)), *inputs)
