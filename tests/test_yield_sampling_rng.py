"""Compiled variates of yieldmodels._rng: normal, gamma, negative binomial.

Each check draws from per-index counter-based streams (as the samplers do) and
compares with scipy.stats at 99.9%, on fixed seeds so the suite is not flaky.
"""

import math

import numpy as np
import pytest
from scipy import stats
from numba import njit

from yieldmodels._rng import (
    _gamma,
    _neg_binomial,
    _neg_binomial_params,
    _normal,
    _trial_state,
    root_key,
)


Z999 = 3.2905
N = 40_000


@njit
def _draw_normal(key, n):
    out = np.empty(n)
    for i in range(n):
        _, out[i] = _normal(_trial_state(key, i))
    return out


@njit
def _draw_gamma(key, n, shape):
    out = np.empty(n)
    for i in range(n):
        _, out[i] = _gamma(_trial_state(key, i), shape)
    return out


@njit
def _draw_gamma_stream(key, n, shape):
    """n draws in a row from one stream: checks successive draws are independent."""
    out = np.empty(n)
    state = _trial_state(key, 0)
    for i in range(n):
        state, out[i] = _gamma(state, shape)
    return out


@njit
def _draw_nb(key, n, p0, q, shape, n_chunks):
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        _, out[i] = _neg_binomial(_trial_state(key, i), p0, q, shape, n_chunks)
    return out


def test_normal_matches_scipy():
    z = _draw_normal(root_key(1), N)
    assert abs(z.mean()) <= Z999 / math.sqrt(N)
    assert abs(z.var() - 1.0) <= Z999 * math.sqrt(2.0 / N)
    assert stats.kstest(z, "norm").pvalue > 1e-3


@pytest.mark.parametrize("shape", [0.05, 0.3, 0.999, 1.0, 2.5, 10.0, 250.0])
def test_gamma_matches_scipy(shape):
    g = _draw_gamma(root_key(int(shape * 1000)), N, shape)
    assert np.all(g >= 0)
    # mean and variance of Gamma(a, 1) are both a; Var(s^2) = (mu4 - a^2)/n, mu4 = 3a^2 + 6a
    assert abs(g.mean() - shape) <= Z999 * math.sqrt(shape / N)
    assert abs(g.var() - shape) <= 5 * math.sqrt((2 * shape**2 + 6 * shape) / N)
    assert stats.kstest(g, stats.gamma(shape).cdf).pvalue > 1e-3


def test_gamma_successive_draws_of_one_stream():
    g = _draw_gamma_stream(root_key(3), N, 0.7)
    assert stats.kstest(g, stats.gamma(0.7).cdf).pvalue > 1e-3
    assert abs(np.corrcoef(g[:-1], g[1:])[0, 1]) <= Z999 / math.sqrt(N)


def test_gamma_nonpositive_shape_returns_zero():
    assert _gamma(np.uint64(1), 0.0)[1] == 0.0


@pytest.mark.parametrize(
    ("mean", "alpha"),
    [(0.5, 2.0), (3.0, 0.3), (46.2, 10.0), (5000.0, 200.0)],  # the last: 2 inversion chunks
)
def test_negative_binomial_matches_scipy(mean, alpha):
    p0, q, shape, n_chunks = (float(v[0]) for v in _neg_binomial_params(np.array([mean]), alpha))
    n_chunks = int(n_chunks)
    if mean == 5000.0:
        assert n_chunks == 2
    k = _draw_nb(root_key(7), 20_000, p0, q, shape, n_chunks)
    dist = stats.nbinom(alpha, alpha / (alpha + mean))  # scipy: n successes, success prob
    var = mean + mean**2 / alpha
    assert abs(k.mean() - mean) <= Z999 * math.sqrt(var / k.size)
    # chi-square over quantile bins of the exact distribution
    edges = np.unique(dist.ppf(np.linspace(0, 1, 21)[1:-1]))
    edges = np.concatenate([[-1], edges, [np.inf]])
    observed = np.histogram(k, bins=edges + 0.5)[0]
    expected = np.diff(dist.cdf(edges)) * k.size
    chi2 = ((observed - expected) ** 2 / expected).sum()
    assert chi2 < stats.chi2.ppf(0.999, edges.size - 2)


def test_negative_binomial_zero_mean():
    p0, q, shape, n_chunks = (v[0] for v in _neg_binomial_params(np.array([0.0]), 2.0))
    assert np.all(_draw_nb(root_key(1), 100, p0, q, shape, int(n_chunks)) == 0)
