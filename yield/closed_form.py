"""Closed-form die yield models: Poisson and negative binomial (Stapper).

All functions broadcast over NumPy arrays like ufuncs. They return a Python
``float`` when every argument is a scalar and an ``ndarray`` otherwise. Areas
are in mm^2 and defect densities ``d0`` in defects per cm^2 (the foundry
convention; 1 cm^2 = 100 mm^2).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .errors import ParameterError, _check_array

__all__ = ["expected_defects", "negative_binomial_yield", "poisson_yield"]

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
    a = _check_array("area_mm2", area_mm2, unit="mm^2")
    d = _check_array("d0", d0, unit="defects per cm^2")
    a_b, d_b = _broadcast(area_mm2=a, d0=d)
    return _result(a_b / _MM2_PER_CM2 * d_b, a, d)


def poisson_yield(area_mm2: ArrayLike, d0: ArrayLike) -> float | np.ndarray:
    """Poisson die yield ``exp(-A D0)``: the chance a die has no defect.

    Parameters
    ----------
    area_mm2 : float or array_like
        Die area in mm^2, finite and >= 0.
    d0 : float or array_like
        Defect density in defects per cm^2, finite and >= 0.

    Returns
    -------
    float or ndarray
        Yield in [0, 1], broadcast over the inputs.

    Raises
    ------
    ParameterError
        If an input is negative, NaN, infinite or not numeric, or if the
        shapes do not broadcast.

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
    """
    a = _check_array("area_mm2", area_mm2, unit="mm^2")
    d = _check_array("d0", d0, unit="defects per cm^2")
    a_b, d_b = _broadcast(area_mm2=a, d0=d)
    return _result(np.exp(-(a_b / _MM2_PER_CM2) * d_b), a, d)


def negative_binomial_yield(
    area_mm2: ArrayLike, d0: ArrayLike, alpha: ArrayLike
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
        recovers :func:`poisson_yield`.

    Returns
    -------
    float or ndarray
        Yield in [0, 1], broadcast over the inputs.

    Raises
    ------
    ParameterError
        If area or d0 is negative, alpha is <= 0, any input is NaN, infinite
        or not numeric, or the shapes do not broadcast.

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
    a = _check_array("area_mm2", area_mm2, unit="mm^2")
    d = _check_array("d0", d0, unit="defects per cm^2")
    al = _check_array("alpha", alpha, positive=True)
    a_b, d_b, al_b = _broadcast(area_mm2=a, d0=d, alpha=al)
    mean = a_b / _MM2_PER_CM2 * d_b
    return _result(np.exp(-al_b * np.log1p(mean / al_b)), a, d, al)
