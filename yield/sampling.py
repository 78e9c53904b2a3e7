"""Sparse Monte Carlo defect sampling.

Each trial (one die or wafer) gets a Poisson number of point defects placed
uniformly on ``n_sites`` sites (cores, say), optionally *mixed*: the Poisson
mean is multiplied by a random density factor ``X`` drawn per trial from a
:class:`Mixing` law, which turns the count into the compound Poisson of one of
the classic yield models (:attr:`yieldmodels.YieldModel.mixing`). Results are
stored sparsely in a :class:`DefectBatch`: CSR-style offsets into one flat
array of sites, so work and memory scale with the defects, never with the
sites.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numba import njit, prange
from scipy import special

from . import _rng
from ._grid_kernels import _FILL_CHUNK, _SORT_MAX, _sort_keys
from ._rng import _mixed_count, _randint, _trial_state, root_key
from paramcheck import (
    INT64_MAX,
    ParameterError,
    check_choice,
    check_int,
    check_int_array,
    check_nonnegative,
    check_positive,
    shown,
)

__all__ = ["MAX_DEFECTS", "MAX_TRIALS", "DefectBatch", "Mixing", "sample_defects"]

#: Most trials one sampler call draws (:func:`sample_defects`,
#: :func:`yieldmodels.sample_grid_defects`): the call's scratch is about 24
#: bytes a trial, 2.4 GB at the limit. Larger studies sample in chunks
#: (``first_trial``), with identical results.
MAX_TRIALS = 100_000_000

#: Most defects one sampler call may hold, expected (``n_trials`` times a
#: trial's expected count, see :func:`sample_defects`) and as drawn: 9 bytes
#: each (site and kind), 1.2 GB at the limit, and the work of drawing them
#: (5-7 s on the 2-core reference machine). Also the largest
#: ``Mixing.max_defects``, and the most one draw may reach but once in 1e12.
MAX_DEFECTS = 2**27

_MAX_SITES = 2**62  # the site sort's key width, 1 << nbits, must stay positive


@dataclass(frozen=True, eq=False)
class DefectBatch:
    """Defect sites of a batch of trials, in CSR layout.

    Trial ``t``'s defects are ``sites[offsets[t]:offsets[t + 1]]``, sorted
    ascending; a site may repeat (two defects on one site).

    Attributes
    ----------
    offsets : ndarray of int64, shape (n_trials + 1,)
        Non-decreasing, ``offsets[0] == 0`` and ``offsets[-1] == len(sites)``.
    sites : ndarray of int64
        All trials' defect sites, concatenated.
    kinds : ndarray of int8 or None, default None
        The component each defect kills, aligned with ``sites``: 0 core,
        1 router, 2 the site's east link, 3 its south link (the constants of
        :class:`yieldmodels.DefectKinds`). None when kinds were not sampled.
        Within a trial, defects are ordered by site, then by kind.
    n_sites : int or None, default None
        The number of sites of the grid the defects lie on, >= 1, when
        known (the samplers set it): every site is then checked to be in
        ``[0, n_sites)``. Without it, sites need only be >= 0.

    Raises
    ------
    ParameterError
        When an array is not integer (floats, even integral ones, and
        booleans are refused), ``offsets`` is not 1-D, non-decreasing from 0
        to ``len(sites)``, a site is negative (or ``>= n_sites``), or
        ``kinds`` is not shaped like ``sites`` with codes in 0..3.

    Notes
    -----
    The attributes are read-only views (the arrays passed in stay writable;
    no copy is made when they are already contiguous with the right dtype).
    Equality is identity; compare the arrays.

    Examples
    --------
    >>> import numpy as np
    >>> b = DefectBatch(np.array([0, 2, 2, 3]), np.array([4, 7, 1]))
    >>> len(b), b.n_trials
    (3, 3)
    >>> b.counts
    array([2, 0, 1])
    >>> b.trial(0)
    array([4, 7])
    """

    offsets: np.ndarray
    sites: np.ndarray
    kinds: np.ndarray | None = None
    n_sites: int | None = None

    def __post_init__(self) -> None:
        n_sites = None if self.n_sites is None else check_int("n_sites", self.n_sites, minimum=1)
        object.__setattr__(self, "n_sites", n_sites)
        offsets = np.ascontiguousarray(
            check_int_array("offsets", self.offsets, minimum=0), dtype=np.int64
        )
        if n_sites is None:
            sites = check_int_array("sites", self.sites, minimum=0, allowed="site ids >= 0")
        else:
            sites = check_int_array(
                "sites", self.sites, minimum=0, maximum=n_sites - 1,
                allowed=f"site ids in [0, n_sites = {n_sites:,})",
            )
        sites = np.ascontiguousarray(sites, dtype=np.int64)
        if offsets.ndim != 1 or offsets.size == 0 or sites.ndim != 1:
            raise ParameterError(
                "offsets and sites must be 1-D and offsets non-empty, "
                f"got shapes {offsets.shape} and {sites.shape}"
            )
        if offsets[0] != 0 or offsets[-1] != sites.size or np.any(np.diff(offsets) < 0):
            raise ParameterError(
                "offsets must be non-decreasing from 0 to len(sites) "
                f"= {sites.size}, got {shown(offsets.tolist())}"
            )
        offsets, sites = offsets.view(), sites.view()  # callers keep writable arrays
        offsets.flags.writeable = False
        sites.flags.writeable = False
        object.__setattr__(self, "offsets", offsets)
        object.__setattr__(self, "sites", sites)
        if self.kinds is not None:
            kinds = check_int_array(
                "kinds", self.kinds, minimum=0, maximum=3,
                allowed="kind codes in 0..3 (core, router, link east, link south)",
            )
            if kinds.shape != sites.shape:
                raise ParameterError(
                    f"kinds must be shaped like sites {sites.shape}, got shape {kinds.shape}"
                )
            kinds = np.ascontiguousarray(kinds, dtype=np.int8).view()
            kinds.flags.writeable = False
            object.__setattr__(self, "kinds", kinds)

    @property
    def n_trials(self) -> int:
        """Number of trials in the batch."""
        return self.offsets.size - 1

    @property
    def counts(self) -> np.ndarray:
        """Defects per trial, ``np.diff(offsets)``."""
        return np.diff(self.offsets)

    def __len__(self) -> int:
        return self.n_trials

    def trial(self, t: int) -> np.ndarray:
        """Sorted defect sites of trial ``t`` (0-based within the batch), a read-only view."""
        t = check_int("t", t, minimum=0)
        if t >= self.n_trials:
            raise ParameterError(f"t must be an integer < n_trials = {self.n_trials}, got {t}")
        return self.sites[self.offsets[t] : self.offsets[t + 1]]

    def trial_kinds(self, t: int) -> np.ndarray:
        """Kinds of trial ``t``'s defects, aligned with :meth:`trial`, a read-only view.

        Raises ParameterError when the batch has no kinds.
        """
        if self.kinds is None:
            raise ParameterError("kinds were not sampled for this batch (kinds is None)")
        t = check_int("t", t, minimum=0)
        if t >= self.n_trials:
            raise ParameterError(f"t must be an integer < n_trials = {self.n_trials}, got {t}")
        return self.kinds[self.offsets[t] : self.offsets[t + 1]]


@dataclass(frozen=True)
class Mixing:
    """A mixing law: the random multiplier ``X >= 0`` of a trial's defect density.

    A mixed sampler draws ``X`` once per trial (or once per block), then
    ``K ~ Poisson(mean_defects * X)`` defects. ``K`` is then a compound
    (mixed) Poisson count with ``P(K = 0) = E[exp(-mean_defects * X)]``, the
    Laplace transform of ``X`` (:meth:`zero_defect_probability`). Every
    classic die-yield model is of this form (:attr:`yieldmodels.YieldModel.mixing`
    gives each model's law), so sampling with a model's mixing reproduces its
    yield by Monte Carlo.

    Build one with the constructors (:meth:`poisson`, :meth:`triangular`,
    :meth:`uniform`, :meth:`exponential`, :meth:`gamma`, :meth:`levy`) or
    from a model name, ``get_model("murphy").mixing()``.

    Parameters
    ----------
    kind : str
        ``"none"`` (``X = scale``: plain Poisson), ``"triangular"`` (``X =
        scale (U1 + U2)``, triangular on [0, 2 scale]), ``"uniform"`` (``X =
        2 scale U``, uniform on [0, 2 scale]), ``"exponential"`` (mean
        ``scale``), ``"gamma"`` (``Gamma(shape, scale / shape)``: mean
        ``scale``, variance ``scale^2 / shape``) or ``"levy"`` (``X = scale /
        Z^2`` for a standard normal ``Z``: Levy with scale ``scale``, as
        :data:`scipy.stats.levy`; infinite mean).
    shape : float or None, default None
        Gamma shape, finite and > 0: required for ``"gamma"``, must be None
        otherwise.
    scale : float, default 1.0
        Finite and > 0. The mean of ``X`` for every kind but ``"levy"``
        (where it is the Levy scale ``c``: ``E[exp(-s X)] = exp(-sqrt(2 c s))``).
    max_defects : int or None, default None
        Cap on one count draw (a trial, or a block in block mode), in
        ``[1, MAX_DEFECTS]`` (:data:`MAX_DEFECTS`, 134,217,728): a
        draw with more defects keeps its first ``max_defects`` (each defect
        is placed independently, so this is exact for everything that
        depends only on the first ``max_defects`` defects, in particular the
        yield ``P(K = 0)``), in O(max_defects) work. Required for
        ``"levy"``, whose infinite mean gives some trials astronomically
        many defects (``P(X > x) ~ sqrt(2 c / (pi x))``); optional otherwise.

    Raises
    ------
    ParameterError
        On an unknown kind (with a suggestion), a missing or misplaced
        ``shape``, a bad ``scale`` or ``max_defects``, each named.

    Notes
    -----
    Laplace transforms ``L(s) = E[exp(-s X)]`` (scale 1; a scale ``c``
    gives ``L(c s)``), each the die yield of a model at ``s = A D0``:

    - none: ``exp(-s)``, Poisson;
    - uniform on [0, 2]: ``int_0^2 e^{-s x} dx / 2 = (1 - e^{-2s}) / (2s)``,
      Murphy's rectangular density [1]_;
    - triangular on [0, 2] = ``U1 + U2``: the square of the transform of
      ``U(0, 1)``, ``((1 - e^{-s}) / s)^2``, Murphy's yield [1]_;
    - exponential (mean 1): ``int_0^inf e^{-x} e^{-s x} dx = 1 / (1 + s)``,
      the hyperbolic ("textbook Seeds") yield [4]_;
    - gamma (shape ``a``, scale ``b``): ``(1 + b s)^-a``: with ``b = 1/a``
      Stapper's negative binomial ``(1 + s/a)^-a`` [3]_, with ``b = 1`` and
      ``a = n`` Price's Bose-Einstein ``(1 + s)^-n`` [4]_;
    - Levy (scale ``c``): density ``sqrt(c / (2 pi)) x^{-3/2} e^{-c/(2x)}``,
      transform ``exp(-sqrt(2 c s))``; ``c = 1/2`` gives Seeds'
      ``exp(-sqrt(s))`` [2]_ [4]_. ``E[X] = inf``: the Seeds exponential
      model implies an infinite mean defect count.

    Draws (counter-based, :mod:`yieldmodels._rng`): triangular two uniforms,
    uniform and exponential one (inversion), gamma Marsaglia-Tsang, Levy one
    Box-Muller normal; O(1) per trial or block.

    References
    ----------
    .. [1] B. T. Murphy, "Cost-size optima of monolithic integrated circuits",
       Proc. IEEE 52(12), 1537-1545, 1964.
    .. [2] R. B. Seeds, "Yield, economic, and logistic models for complex
       digital arrays", IEEE International Convention Record, part 6,
       61-66, 1967.
    .. [3] C. H. Stapper, "Modeling of integrated circuit defect
       sensitivities", IBM J. Res. Dev. 27(6), 549-557, 1983.
    .. [4] J. A. Cunningham, "The use and evaluation of yield models in
       integrated circuit manufacturing", IEEE Trans. Semicond. Manuf. 3(2),
       60-71, 1990.

    Examples
    --------
    >>> m = Mixing.triangular()
    >>> m.mean, round(m.variance, 6)
    (1.0, 0.166667)
    >>> round(m.zero_defect_probability(0.814), 9)  # Murphy's yield at A*D0 = 0.814
    0.468094358
    >>> Mixing.gamma(3.0) == Mixing("gamma", shape=3.0)
    True
    >>> Mixing.levy(max_defects=10_000).mean
    inf
    """

    kind: str
    shape: float | None = None
    scale: float = 1.0
    max_defects: int | None = None

    KINDS: ClassVar[tuple[str, ...]] = (
        "none", "triangular", "uniform", "exponential", "gamma", "levy",
    )

    def __post_init__(self) -> None:
        check_choice("mixing kind", self.kind, self.KINDS)
        if self.kind == "gamma":
            if self.shape is None:
                raise ParameterError("shape must be given (a finite number > 0) for gamma mixing")
            object.__setattr__(self, "shape", check_positive("shape", self.shape))
        elif self.shape is not None:
            raise ParameterError(
                f"shape must be None for {self.kind!r} mixing (gamma only), got {self.shape!r}"
            )
        object.__setattr__(self, "scale", check_positive("scale", self.scale))
        if self.max_defects is None:
            if self.kind == "levy":
                raise ParameterError(
                    "max_defects must be an integer >= 1 for 'levy' mixing (its mean is "
                    "infinite: some trials would draw without bound), got None"
                )
        else:
            object.__setattr__(
                self,
                "max_defects",
                check_int("max_defects", self.max_defects, minimum=1, maximum=MAX_DEFECTS),
            )

    # ---------------------------------------------------------- constructors
    @classmethod
    def poisson(cls, *, max_defects: int | None = None) -> Mixing:
        """No mixing, ``X = 1``: the Poisson model."""
        return cls("none", max_defects=max_defects)

    @classmethod
    def triangular(cls, scale: float = 1.0, *, max_defects: int | None = None) -> Mixing:
        """Triangular ``X`` on [0, 2 scale], mode and mean ``scale``: Murphy's model."""
        return cls("triangular", scale=scale, max_defects=max_defects)

    @classmethod
    def uniform(cls, scale: float = 1.0, *, max_defects: int | None = None) -> Mixing:
        """Uniform ``X`` on [0, 2 scale], mean ``scale``: the rectangular model."""
        return cls("uniform", scale=scale, max_defects=max_defects)

    @classmethod
    def exponential(cls, scale: float = 1.0, *, max_defects: int | None = None) -> Mixing:
        """Exponential ``X`` with mean ``scale``: the hyperbolic (textbook Seeds) model."""
        return cls("exponential", scale=scale, max_defects=max_defects)

    @classmethod
    def gamma(
        cls, shape: float, mean: float = 1.0, *, max_defects: int | None = None
    ) -> Mixing:
        """``X ~ Gamma(shape, mean / shape)``: negative binomial (``mean = 1``, ``shape = alpha``)
        or Bose-Einstein (``shape = mean = n``) counts."""
        return cls("gamma", shape=shape, scale=mean, max_defects=max_defects)

    @classmethod
    def levy(cls, scale: float = 0.5, *, max_defects: int | None = None) -> Mixing:
        """Levy ``X = scale / Z^2``; ``scale = 1/2``: Seeds' ``exp(-sqrt(A D0))``.

        ``max_defects`` is required (the mean is infinite).
        """
        return cls("levy", scale=scale, max_defects=max_defects)

    # ---------------------------------------------------------- moments
    @property
    def mean(self) -> float:
        """``E[X]``: ``scale``, or ``inf`` for ``"levy"``."""
        return math.inf if self.kind == "levy" else self.scale

    @property
    def variance(self) -> float:
        """``Var[X]``: 0, ``c^2/6``, ``c^2/3``, ``c^2``, ``c^2/shape`` or ``inf`` (Levy)."""
        c2 = self.scale**2
        return {
            "none": 0.0,
            "triangular": c2 / 6.0,
            "uniform": c2 / 3.0,
            "exponential": c2,
            "gamma": c2 / (self.shape or 1.0),
            "levy": math.inf,
        }[self.kind]

    def zero_defect_probability(self, mean_defects: float) -> float:
        """``P(K = 0) = E[exp(-mean_defects X)]``: the model's die yield at ``A D0 = mean_defects``.

        Exact for capped laws too (the cap never turns a count into 0).
        """
        s = check_nonnegative("mean_defects", mean_defects) * self.scale
        if self.kind == "none":
            return math.exp(-s)
        if self.kind == "triangular":
            return (-math.expm1(-s) / s) ** 2 if s > 0 else 1.0
        if self.kind == "uniform":
            return -math.expm1(-2.0 * s) / (2.0 * s) if s > 0 else 1.0
        if self.kind == "exponential":
            return 1.0 / (1.0 + s)
        if self.kind == "gamma":
            a = float(self.shape)  # type: ignore[arg-type]
            return math.exp(-a * math.log1p(s / a))
        return math.exp(-math.sqrt(2.0 * s))

    def _kernel(self) -> tuple[int, float, float, int]:
        """``(code, shape, factor, cap)`` for :func:`yieldmodels._rng._mixed_count`."""
        code = {
            "none": _rng.MIX_NONE,
            "triangular": _rng.MIX_TRIANGULAR,
            "uniform": _rng.MIX_UNIFORM,
            "exponential": _rng.MIX_EXPONENTIAL,
            "gamma": _rng.MIX_GAMMA,
            "levy": _rng.MIX_LEVY,
        }[self.kind]
        shape = 1.0 if self.shape is None else float(self.shape)
        # gamma: the rate shape / mean, so alpha-clustering (mean 1) divides by alpha exactly
        factor = shape / self.scale if self.kind == "gamma" else self.scale
        cap = -1 if self.max_defects is None else self.max_defects
        return code, shape, factor, cap


def _expected_count(means, mix: Mixing | None, *, capped: bool = True) -> float:
    """Expected total of the count draws with Poisson means ``means`` (before mixing) under ``mix``.

    ``mean * E[X]`` per draw, at most ``max_defects`` when capped (Jensen:
    ``E[min(K, cap)] <= min(E[K], cap)``); for the Levy law (infinite
    mean) ``E[min(mean X, cap)]`` exactly: with ``X = c / Z^2``, ``b = mean
    c`` and ``a = sqrt(b / cap)``, it is ``cap erf(a / sqrt(2)) + 2 b
    (phi(a) / a - Q(a))``. ``capped=False`` ignores the cap (where a draw's
    work is that of the uncapped count: block negative binomials).
    """
    m = np.asarray(means, dtype=np.float64)
    if mix is None:
        return float(m.sum())
    cap = mix.max_defects if capped else None
    if mix.kind != "levy" or cap is None:
        per = m * mix.mean
        return float((per if cap is None else np.minimum(per, float(cap))).sum())
    b = m * mix.scale
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.sqrt(b / cap)
        phi = np.exp(-0.5 * a * a) / math.sqrt(2.0 * math.pi)
        z = a / math.sqrt(2.0)
        per = cap * special.erf(z) + 2.0 * b * (phi / a - 0.5 * special.erfc(z))
    return float(np.where(b > 0.0, np.minimum(per, float(cap)), 0.0).sum())


_TAIL = 1e-12  # a draw's multiplier is below its (1 - _TAIL) quantile but once in 1e12 draws


def _multiplier_quantile(mix: Mixing | None) -> float:
    """The ``1 - 1e-12`` quantile of the mixing multiplier ``X`` (1 unmixed; inf for Levy)."""
    if mix is None:
        return 1.0
    if mix.kind == "none":
        return mix.scale
    if mix.kind in ("triangular", "uniform"):
        return 2.0 * mix.scale
    if mix.kind == "exponential":
        return -math.log(_TAIL) * mix.scale
    if mix.kind == "gamma":
        shape = float(mix.shape)  # type: ignore[arg-type]
        return float(special.gammainccinv(shape, _TAIL)) / shape * mix.scale
    return math.inf


def _check_draw(max_mean: float, mix: Mixing | None, *, capped: bool = True) -> None:
    """Refuse a law under which one count draw could need more than :data:`MAX_DEFECTS` work.

    A draw's work is its count (O(min(count, max_defects)) when capped): refused when the
    largest Poisson mean of a draw times the ``1 - 1e-12`` quantile of the multiplier
    exceeds :data:`MAX_DEFECTS` (heavy tails: a gamma shape far below 1 makes rare
    draws ~``mean / shape``), unless ``max_defects`` caps the work.
    """
    if capped and mix is not None and mix.max_defects is not None:
        return
    reach = max_mean * _multiplier_quantile(mix)
    if not reach <= MAX_DEFECTS:
        law = (
            "no mixing" if mix is None
            else f"{mix.kind} mixing (shape={mix.shape!r}, scale={mix.scale!r})"
        )
        raise ParameterError(
            f"mean_defects and mixing must keep one draw's count below"
            f" {MAX_DEFECTS:,} (MAX_DEFECTS) but once in 1e12 draws, got a draw of mean"
            f" {max_mean:.4g} under {law}, whose 1e-12 tail reaches {reach:.3g} defects"
            " (set max_defects, or cluster less)"
        )


def _check_sampling_load(n_trials: int, expected: float, first_trial: object) -> int:
    """Check the expected defects against :data:`MAX_DEFECTS`; return ``first_trial`` checked."""
    if not expected <= MAX_DEFECTS:  # NaN-safe
        raise ParameterError(
            f"mean_defects must keep a call's expected defects <= {MAX_DEFECTS:,} (MAX_DEFECTS),"
            f" got {expected:.4g} over n_trials = {n_trials:,} (sample fewer trials per call)"
        )
    return check_int("first_trial", first_trial, minimum=0, maximum=INT64_MAX - n_trials)


def _check_drawn(offsets: np.ndarray) -> None:
    """Refuse a batch whose drawn defects exceed :data:`MAX_DEFECTS` (before placing them)."""
    total = int(offsets[-1])
    if total > MAX_DEFECTS:
        raise ParameterError(
            f"n_trials must keep a call's drawn defects <= {MAX_DEFECTS:,} (MAX_DEFECTS), got"
            f" {total:,} over n_trials = {offsets.size - 1:,} (sample fewer trials per call)"
        )


def _check_mixing(mixing: object, alpha: object = None) -> Mixing | None:
    """Resolve the samplers' ``mixing``/``alpha`` pair: None (Poisson) or a Mixing.

    ``alpha`` (finite > 0) means ``Mixing.gamma(alpha)``; giving both is an error.
    """
    if alpha is not None:
        if mixing is not None:
            raise ParameterError(
                f"mixing must be None when alpha is given (give alpha or mixing, not both),"
                f" got alpha={shown(alpha)} and mixing={shown(mixing)}"
            )
        return Mixing.gamma(check_positive("alpha", alpha))
    if mixing is None or isinstance(mixing, Mixing):
        return mixing
    raise ParameterError(
        "mixing must be None or a Mixing (e.g. get_model('murphy').mixing()), "
        f"got {mixing!r}"
    )


@njit(cache=True, parallel=True)
def _count_kernel(key, first_trial, n_trials, mean, code, shape, factor, cap):  # pragma: no cover
    """Pass 1: the (mixed) Poisson defect count of each trial."""
    counts = np.empty(n_trials, dtype=np.int64)
    for i in prange(n_trials):
        state = _trial_state(key, first_trial + i)
        state, k = _mixed_count(state, mean, code, shape, factor, cap)
        counts[i] = k
    return counts


@njit(cache=True, parallel=True)
def _fill_kernel(
    key, first_trial, mean, n_sites, offsets, code, shape, factor, cap
):  # pragma: no cover - compiled
    """Pass 2: replay each trial's stream past its count and draw its sorted sites."""
    n_trials = offsets.size - 1
    sites = np.empty(offsets[n_trials], dtype=np.int64)
    nbits = np.int64(0)
    while (np.int64(1) << nbits) < n_sites:
        nbits += 1  # sites < 2**nbits
    n_chunks = (n_trials + _FILL_CHUNK - 1) // _FILL_CHUNK
    for ch in prange(n_chunks):
        tmp = np.empty(_SORT_MAX, dtype=np.int64)  # scratch of the sort, once per chunk
        cnt = np.empty(_SORT_MAX + 1, dtype=np.int64)
        for i in range(ch * _FILL_CHUNK, min(n_trials, (ch + 1) * _FILL_CHUNK)):
            state = _trial_state(key, first_trial + i)
            state, k = _mixed_count(state, mean, code, shape, factor, cap)
            lo = offsets[i]
            for j in range(k):
                state, s = _randint(state, n_sites)
                sites[lo + j] = s
            _sort_keys(sites, lo, lo + k, tmp, cnt, nbits)
    return sites


def sample_defects(
    n_trials: int,
    mean_defects: float,
    n_sites: int,
    seed: int | np.random.SeedSequence | np.random.Generator | None = None,
    *,
    first_trial: int = 0,
    mixing: Mixing | None = None,
) -> DefectBatch:
    """Sample Poisson (or mixed Poisson) point defects on ``n_sites`` sites for a batch of trials.

    Parameters
    ----------
    n_trials : int
        Trials to sample, in ``[0, MAX_TRIALS]`` (:data:`MAX_TRIALS`, 10^8).
    mean_defects : float
        The Poisson mean per trial before mixing, finite and >= 0: ``A * D0``
        (e.g. :func:`expected_defects` of the die). The expected count is
        ``mean_defects * mixing.mean``: ``mean_defects`` itself without mixing
        and for every model's mixing except Bose-Einstein (``n * A * D0``,
        with ``D0`` per layer) and Seeds' exponential (infinite).
    n_sites : int
        Sites per trial, in ``[1, 2**62]``; defects land uniformly on
        ``[0, n_sites)``.
    seed : int, SeedSequence, Generator or None, default None
        Root of the randomness; see :func:`yieldmodels._rng.root_key`.
    first_trial : int, default 0, keyword-only
        Global index of the first trial, >= 0, with ``first_trial + n_trials
        <= 2**63 - 1``. Trial ``t`` depends only on
        ``(seed, t)``, so ``sample_defects(n, ..., first_trial=k)`` equals
        trials ``k .. k+n-1`` of one larger call with the same seed.
    mixing : Mixing or None, default None, keyword-only
        None: Poisson counts. A :class:`Mixing`: one multiplier ``X`` per
        trial and ``K ~ Poisson(mean_defects * X)`` (capped at
        ``mixing.max_defects`` when set), e.g. a yield model's law
        ``get_model(name).mixing(...)``.

    Returns
    -------
    DefectBatch
        Per trial, ``K ~ Poisson(mean_defects)`` (or the mixed count)
        independent uniform sites, sorted ascending (duplicates possible).

    Raises
    ------
    ParameterError
        On a negative, non-integer or non-finite argument, ``n_sites`` < 1
        an unsupported seed or ``mixing`` not a Mixing; when the call's
        expected defects (``n_trials * mean_defects * mixing.mean``, each
        trial's at most ``max_defects``; for the Levy law its capped mean)
        or the defects it draws exceed :data:`MAX_DEFECTS`: sample fewer
        trials per call then (``first_trial`` keeps the results identical).

    Notes
    -----
    Two passes over the trials, each a numba ``prange`` loop: counts, then an
    exclusive cumulative sum for the offsets, then each trial's counter-based
    stream is replayed to fill its sites. Results are identical for any
    thread count. Work O(n_trials + D log(D / n_trials)) and memory
    O(n_trials + D), with D the total number of defects; independent of
    ``n_sites``. The fraction of trials with no defect estimates the Poisson
    yield ``exp(-mean_defects)``, or with a mixing
    ``mixing.zero_defect_probability(mean_defects)``: the yield of the model
    the law comes from. A mixing draw is O(1) per trial and comes first in the
    trial's stream; without mixing the draws (and results) are those of
    earlier versions.

    Examples
    --------
    >>> b = sample_defects(4, 2.0, 1000, seed=7)
    >>> len(b)
    4
    >>> bool(np.all(b.sites < 1000))
    True
    >>> np.array_equal(sample_defects(2, 2.0, 1000, seed=7, first_trial=2).sites,
    ...                b.sites[b.offsets[2]:])
    True

    Murphy's model by Monte Carlo (the model's mixing law, then the yield):

    >>> from yieldmodels import get_model, murphy_yield, sample_defects
    >>> m = sample_defects(40_000, 0.814, 144, seed=1, mixing=get_model("murphy").mixing())
    >>> y = float(np.mean(m.counts == 0))
    >>> bool(abs(y - murphy_yield(814.0, 0.1)) < 0.01)
    True
    """
    n = check_int("n_trials", n_trials, minimum=0, maximum=MAX_TRIALS)
    mean = check_nonnegative("mean_defects", mean_defects, "expected defects per trial")
    sites_n = check_int("n_sites", n_sites, minimum=1, maximum=_MAX_SITES)
    mix = _check_mixing(mixing)
    first = _check_sampling_load(n, n * _expected_count(mean, mix), first_trial)
    if n:
        _check_draw(mean, mix)
    code, shape, factor, cap = (mix or Mixing.poisson())._kernel()
    kargs = (np.int64(code), shape, factor, np.int64(cap))
    key = root_key(seed)
    counts = _count_kernel(key, np.int64(first), np.int64(n), mean, *kargs)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    _check_drawn(offsets)
    sites = _fill_kernel(key, np.int64(first), mean, np.int64(sites_n), offsets, *kargs)
    return DefectBatch(offsets, sites, n_sites=sites_n)
