"""Confidence intervals for Monte Carlo summaries."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

__all__ = ["mean_ci", "proportion_ci"]


def _z(level: float) -> float:
    return NormalDist().inv_cdf(0.5 + level / 2)


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``values`` and its normal-approximation confidence interval.

    NaN values are ignored; fewer than two values give NaN bounds.

    Examples
    --------
    >>> m, lo, hi = mean_ci(np.array([1.0, 2.0, 3.0, 4.0]))
    >>> m, round(lo, 3), round(hi, 3)
    (2.5, 1.235, 3.765)
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return math.nan, math.nan, math.nan
    m = float(x.mean())
    if x.size < 2:
        return m, math.nan, math.nan
    half = _z(level) * float(x.std(ddof=1)) / math.sqrt(x.size)
    return m, m - half, m + half


def proportion_ci(successes: int, n: int, level: float = 0.95) -> tuple[float, float, float]:
    """Proportion ``successes / n`` and its Wilson score interval.

    Notes
    -----
    Wilson (1927); unlike the normal interval it stays inside [0, 1] and
    behaves at proportions near 0 or 1.

    Examples
    --------
    >>> p, lo, hi = proportion_ci(93, 100)
    >>> p, round(lo, 4), round(hi, 4)
    (0.93, 0.8625, 0.9657)
    """
    if n == 0:
        return math.nan, math.nan, math.nan
    z = _z(level)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return p, max(0.0, centre - half), min(1.0, centre + half)
