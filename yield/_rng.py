"""Counter-based random streams for compiled Monte Carlo kernels.

A run's ``seed`` becomes one 64-bit root key (:func:`root_key`). Inside
kernels, trial ``t`` gets its own splitmix64 stream whose start state is a hash
of ``(key, t)`` (:func:`_trial_state`), so a trial's draws depend only on the
root key and the trial index: never on chunking, thread count or the order in
which trials run. The kernel helpers thread the 64-bit state explicitly:
each takes ``state`` and returns ``(state, value)``.

Variates: uniform, integer, Poisson (plain and capped), normal, gamma,
negative binomial, and the mixing laws of the yield models (triangular,
uniform on [0, 2], exponential, gamma, Levy; :func:`_mixing_draw` behind
:class:`yieldmodels.Mixing`).

Other packages (e.g. ``wafer``) reuse :func:`root_key` and the kernel helpers.
"""

from __future__ import annotations

import numbers

import numpy as np
from numba import njit

from paramcheck import ParameterError

__all__ = ["root_key"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TWO_M53 = 1.0 / 9007199254740992.0  # 2**-53
_POISSON_CHUNK = 500.0  # exp(-500) ~ 7e-218 does not underflow


def root_key(seed: int | np.random.SeedSequence | np.random.Generator | None) -> np.uint64:
    """Derive the 64-bit root key of a run from a user seed.

    Parameters
    ----------
    seed : int, numpy.random.SeedSequence, numpy.random.Generator or None
        An int >= 0 or a SeedSequence gives a reproducible key (the same
        SeedSequence always gives the same key: it is not advanced). A
        Generator is advanced once (``integers(2**63)``) and that draw seeds
        the key, so successive calls with one Generator differ. None draws
        fresh OS entropy.

    Returns
    -------
    numpy.uint64
        The root key: ``SeedSequence(seed).generate_state(1, uint64)[0]``.

    Raises
    ------
    ParameterError
        If ``seed`` is of another type or a negative int.

    Notes
    -----
    O(1). SeedSequence hashing follows NumPy's recommendation for turning
    user seeds into well-mixed generator state.

    Examples
    --------
    >>> from yieldmodels._rng import root_key
    >>> bool(root_key(42) == root_key(np.random.SeedSequence(42)))
    True
    >>> bool(root_key(1) == root_key(2))
    False
    """
    if isinstance(seed, np.random.SeedSequence):
        seq = seed
    elif isinstance(seed, np.random.Generator):
        seq = np.random.SeedSequence(int(seed.integers(2**63)))
    elif seed is None:
        seq = np.random.SeedSequence()
    elif isinstance(seed, (numbers.Integral, np.integer)) and not isinstance(
        seed, (bool, np.bool_)
    ):
        if int(seed) < 0:
            raise ParameterError(f"seed must be an integer >= 0, got {int(seed)!r}")
        seq = np.random.SeedSequence(int(seed))
    else:
        raise ParameterError(
            "seed must be an int >= 0, numpy.random.SeedSequence, "
            f"numpy.random.Generator or None, got {seed!r}"
        )
    return seq.generate_state(1, np.uint64)[0]


@njit(cache=True)
def _mix64(z):  # pragma: no cover - compiled
    """The splitmix64 finaliser: a bijective 64-bit hash."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True)
def _trial_state(key, t):  # pragma: no cover - compiled
    """Start state of trial ``t``'s stream under root ``key`` (both taken as uint64)."""
    return _mix64(np.uint64(key) ^ _mix64(np.uint64(t) + _GOLDEN))


@njit(cache=True)
def _next_u64(state):  # pragma: no cover - compiled
    """One splitmix64 step: return ``(new_state, 64-bit output)``."""
    state = state + _GOLDEN
    return state, _mix64(state)


@njit(cache=True)
def _uniform01(state):  # pragma: no cover - compiled
    """Return ``(state, u)`` with ``u`` a 53-bit double uniform on [0, 1)."""
    state, x = _next_u64(state)
    return state, float(x >> _S11) * _TWO_M53


@njit(cache=True)
def _randint(state, n):  # pragma: no cover - compiled
    """Return ``(state, k)`` with ``k`` uniform on ``[0, n)`` for ``n >= 1``.

    ``floor(u * n)`` with a 53-bit ``u``: each value's probability is off
    from ``1/n`` by a relative error below ``n * 2**-53`` (< 1e-6 for
    n < 2**33), negligible for any site count; the clamp guards a last-ulp
    rounding of ``u * n`` up to ``n``.
    """
    state, u = _uniform01(state)
    k = np.int64(u * n)
    return state, min(k, n - 1)


@njit(cache=True)
def _poisson(state, lam):  # pragma: no cover - compiled
    """Return ``(state, k)`` with ``k ~ Poisson(lam)``, ``lam >= 0``.

    Inversion by sequential search, applied to chunks of mean <= 500 whose
    counts add up (a sum of independent Poissons is Poisson), so
    ``exp(-chunk)`` never underflows. O(lam + 1) work and draws.
    """
    if lam <= 0.0:
        return state, np.int64(0)
    n_chunks = max(1, int(np.ceil(lam / _POISSON_CHUNK)))  # >= 1 for subnormal lam
    chunk = lam / n_chunks
    p0 = np.exp(-chunk)
    k_max = chunk + 40.0 * np.sqrt(chunk) + 40.0  # guard against rounding in the CDF
    total = np.int64(0)
    for _ in range(n_chunks):
        state, u = _uniform01(state)
        k = 0
        p = p0
        cdf = p0
        while u > cdf and k < k_max:
            k += 1
            p *= chunk / k
            cdf += p
        total += k
    return state, total


_TWO_PI = 2.0 * np.pi
_NB_CHUNK = 500.0  # largest -log P(0) of one negative-binomial inversion chunk


@njit(cache=True)
def _normal(state):  # pragma: no cover - compiled
    """Return ``(state, z)`` with ``z`` a standard normal variate.

    Box-Muller (1958), cosine branch only, so every call consumes exactly two
    uniforms and keeps no hidden state: ``z = sqrt(-2 ln(1 - u1)) cos(2 pi u2)``.
    ``1 - u1`` lies in ``(0, 1]``, so the logarithm is finite; the largest
    ``|z|`` is ``sqrt(106 ln 2) ~ 8.57`` (a tail of probability ~1e-17).
    """
    state, u1 = _uniform01(state)
    state, u2 = _uniform01(state)
    return state, np.sqrt(-2.0 * np.log(1.0 - u1)) * np.cos(_TWO_PI * u2)


@njit(cache=True)
def _gamma(state, shape):  # pragma: no cover - compiled
    """Return ``(state, g)`` with ``g ~ Gamma(shape, scale=1)``, ``shape > 0``.

    Marsaglia & Tsang (2000), "A simple method for generating gamma
    variables", ACM TOMS 26(3): with ``d = a - 1/3``, ``c = 1 / sqrt(9 d)``,
    a normal ``x`` and ``v = (1 + c x)^3 > 0``, accept ``d v`` when
    ``u < 1 - 0.0331 x^4`` (squeeze) or ``ln u < x^2/2 + d (1 - v + ln v)``.
    Acceptance is >= 95% for every ``a >= 1``. For ``shape < 1`` the boost
    of the same paper: ``G(shape) = G(shape + 1) * U^(1/shape)``. Mean
    ``shape``, variance ``shape``. Returns 0.0 for ``shape <= 0``.
    """
    if shape <= 0.0:
        return state, 0.0
    a = shape + 1.0 if shape < 1.0 else shape
    d = a - 1.0 / 3.0
    c = 1.0 / np.sqrt(9.0 * d)
    g = 0.0
    while True:
        state, x = _normal(state)
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        state, u = _uniform01(state)
        x2 = x * x
        if u < 1.0 - 0.0331 * x2 * x2:
            g = d * v
            break
        if np.log(u) < 0.5 * x2 + d * (1.0 - v + np.log(v)):
            g = d * v
            break
    if shape < 1.0:
        state, u = _uniform01(state)
        g *= u ** (1.0 / shape)
    return state, g


def _neg_binomial_params(mean: np.ndarray, alpha: float):
    """Per-entry tables for :func:`_neg_binomial`: ``(p0, q, shape, n_chunks)``.

    For a negative binomial with mean ``m`` and clustering ``alpha`` (the
    gamma-mixed Poisson, ``P(0) = (1 + m/alpha)^-alpha``), split ``alpha``
    into ``n`` equal chunks (a sum of independent negative binomials with one
    ``q`` is negative binomial with the shapes added) so that each chunk's
    ``P(0) = (1 + m/alpha)^(-alpha/n)`` stays above ``exp(-500)``.
    """
    mean = np.asarray(mean, dtype=np.float64)
    log1p = np.log1p(mean / alpha)
    n_chunks = np.maximum(1, np.ceil(alpha * log1p / _NB_CHUNK)).astype(np.int64)
    shape = alpha / n_chunks
    p0 = np.exp(-shape * log1p)
    q = mean / (mean + alpha)
    return p0, q, shape, n_chunks


@njit(cache=True)
def _neg_binomial(state, p0, q, shape, n_chunks):  # pragma: no cover - compiled
    """Return ``(state, k)``, ``k`` negative binomial, by inversion.

    ``k`` is the sum of ``n_chunks`` independent chunks, each with
    ``P(0) = p0`` and ``P(k + 1) / P(k) = q (k + shape) / (k + 1)``: the
    negative binomial of shape ``shape`` and success ratio ``q = m / (m +
    alpha)`` (tables from :func:`_neg_binomial_params`). One uniform per chunk
    and O(k + 1) work: with ``p0`` near 1 (a small mean) almost every call is
    one comparison. Past the mode, the search stops when the remaining terms
    no longer change the cumulative sum (a tail below ~1e-16).
    """
    total = np.int64(0)
    if q <= 0.0:
        return state, total
    for _ in range(n_chunks):
        state, u = _uniform01(state)
        total += _nb_search(u, np.int64(0), p0, p0, q, shape)
    return state, total


@njit(cache=True)
def _nb_search(u, k, p, cdf, q, shape):  # pragma: no cover - compiled
    """The negative-binomial inversion search for ``u`` from term ``k``.

    ``p`` is ``P(k)`` and ``cdf`` is ``P(<= k)``; returns the smallest count
    whose cumulative probability reaches ``u``. Past the mode
    ``floor((shape - 1) q / (1 - q))``, a stalled sum ends the tail.
    """
    while u > cdf:
        p *= q * (k + shape) / (k + 1)
        k += 1
        if cdf + p == cdf and k > (shape - 1.0) * q / (1.0 - q):
            break
        cdf += p
    return k


# Kernel codes of the mixing laws (:class:`yieldmodels.Mixing`). A mixing
# draw returns the trial's (or block's) density multiplier ``X >= 0``; the
# defect count is then ``Poisson(mean * X)``.
MIX_NONE, MIX_TRIANGULAR, MIX_UNIFORM, MIX_EXPONENTIAL, MIX_GAMMA, MIX_LEVY = range(6)


@njit(cache=True)
def _triangular02(state):  # pragma: no cover - compiled
    """Return ``(state, x)``, ``x = U1 + U2`` triangular on [0, 2) with mode 1; two uniforms."""
    state, u1 = _uniform01(state)
    state, u2 = _uniform01(state)
    return state, u1 + u2


@njit(cache=True)
def _uniform02(state):  # pragma: no cover - compiled
    """Return ``(state, x)``, ``x = 2 U`` uniform on [0, 2); one uniform."""
    state, u = _uniform01(state)
    return state, 2.0 * u


@njit(cache=True)
def _exponential(state):  # pragma: no cover - compiled
    """Return ``(state, x)``, ``x = -ln(1 - U)`` exponential with mean 1; one uniform.

    ``1 - U`` lies in ``(0, 1]``, so ``x`` is finite (at most ``53 ln 2 ~ 36.7``).
    """
    state, u = _uniform01(state)
    return state, -np.log1p(-u)


@njit(cache=True)
def _levy(state):  # pragma: no cover - compiled
    """Return ``(state, x)``, ``x = 1 / Z^2`` standard Levy (scipy's ``levy()``); one normal.

    ``E[exp(-s x)] = exp(-sqrt(2 s))``; the mean is infinite. ``x = inf``
    when ``Z = 0`` exactly (probability ~2**-53).
    """
    state, z = _normal(state)
    if z == 0.0:
        return state, np.inf
    return state, 1.0 / (z * z)


@njit(cache=True)
def _mixing_draw(state, code, shape, factor):  # pragma: no cover - compiled
    """Return ``(state, x)``: one multiplier of the mixing law ``code``.

    ``MIX_NONE``: ``factor`` (no draw); ``MIX_TRIANGULAR``, ``MIX_UNIFORM``,
    ``MIX_EXPONENTIAL``, ``MIX_LEVY``: the base variate times ``factor``
    (the law's scale); ``MIX_GAMMA``: ``Gamma(shape, 1) / factor`` (``factor``
    is the rate ``shape / mean``: with ``factor = alpha`` this is exactly the
    wafer-scale multiplier ``g / alpha`` the samplers always drew). O(1)
    expected draws.
    """
    if code == MIX_NONE:
        return state, factor
    if code == MIX_GAMMA:
        state, g = _gamma(state, shape)
        return state, g / factor
    if code == MIX_TRIANGULAR:
        state, x = _triangular02(state)
    elif code == MIX_UNIFORM:
        state, x = _uniform02(state)
    elif code == MIX_EXPONENTIAL:
        state, x = _exponential(state)
    else:
        state, x = _levy(state)
    return state, x * factor


@njit(cache=True)
def _poisson_capped(state, lam, cap):  # pragma: no cover - compiled
    """Return ``(state, min(K, cap))`` with ``K ~ Poisson(lam)``; ``lam`` may be ``inf``.

    ``K`` is built as a sum of Poisson chunks of mean <= 500 (each by
    :func:`_poisson`; one chunk, the same draws, when ``lam <= 500``), stopping
    as soon as the sum reaches ``cap``: O(min(lam, cap) + 1) work whatever
    ``lam``. ``min(K, cap)`` is exact in distribution, and ``P(0)`` is that of
    ``K``. ``lam`` NaN or <= 0 gives 0.
    """
    total = np.int64(0)
    if not lam > 0.0:
        return state, total
    remaining = lam
    while remaining > 0.0 and total < cap:
        chunk = min(remaining, _POISSON_CHUNK)
        remaining -= chunk  # stays inf (or a huge finite value): the cap ends the loop
        state, k = _poisson(state, chunk)
        total += k
    return state, min(total, np.int64(cap))


@njit(cache=True)
def _mixed_count(state, mean, code, shape, factor, cap):  # pragma: no cover - compiled
    """Return ``(state, k)``: a mixed-Poisson count ``Poisson(mean * X)``, capped.

    ``X`` from :func:`_mixing_draw`; ``cap < 0``: no cap, the count drawn by
    :func:`_poisson` (so the gamma mixture draws exactly what the samplers
    always drew); ``cap >= 0``: :func:`_poisson_capped`.
    """
    state, x = _mixing_draw(state, code, shape, factor)
    lam = mean * x
    if cap < 0:
        return _poisson(state, lam)
    return _poisson_capped(state, lam, cap)
