"""Sparse Monte Carlo defect sampling.

Each trial (one die or wafer) gets a Poisson number of point defects placed
uniformly on ``n_sites`` sites (cores, say). Results are stored sparsely in a
:class:`DefectBatch`: CSR-style offsets into one flat array of sites, so work
and memory scale with the defects, never with the sites.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from ._rng import _poisson, _randint, _trial_state, root_key
from .errors import ParameterError, _check_int, _check_nonnegative

__all__ = ["DefectBatch", "sample_defects"]


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

    def __post_init__(self) -> None:
        offsets = np.ascontiguousarray(self.offsets, dtype=np.int64)
        sites = np.ascontiguousarray(self.sites, dtype=np.int64)
        if offsets.ndim != 1 or offsets.size == 0 or sites.ndim != 1:
            raise ParameterError(
                "offsets and sites must be 1-D and offsets non-empty, "
                f"got shapes {offsets.shape} and {sites.shape}"
            )
        if offsets[0] != 0 or offsets[-1] != sites.size or np.any(np.diff(offsets) < 0):
            raise ParameterError(
                "offsets must be non-decreasing from 0 to len(sites) "
                f"= {sites.size}, got {offsets!r}"
            )
        offsets, sites = offsets.view(), sites.view()  # callers keep writable arrays
        offsets.flags.writeable = False
        sites.flags.writeable = False
        object.__setattr__(self, "offsets", offsets)
        object.__setattr__(self, "sites", sites)
        if self.kinds is not None:
            kinds = np.asarray(self.kinds)
            if kinds.dtype.kind not in "iu" or kinds.shape != sites.shape:
                raise ParameterError(
                    f"kinds must be integers shaped like sites {sites.shape}, "
                    f"got {kinds.dtype} of shape {kinds.shape}"
                )
            if kinds.size and (kinds.min() < 0 or kinds.max() > 3):
                raise ParameterError(
                    "kinds must be in 0..3 (core, router, link east, link south), "
                    f"got values in [{kinds.min()}, {kinds.max()}]"
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
        t = _check_int("t", t, minimum=0)
        if t >= self.n_trials:
            raise ParameterError(f"t must be an integer < n_trials = {self.n_trials}, got {t}")
        return self.sites[self.offsets[t] : self.offsets[t + 1]]

    def trial_kinds(self, t: int) -> np.ndarray:
        """Kinds of trial ``t``'s defects, aligned with :meth:`trial`, a read-only view.

        Raises ParameterError when the batch has no kinds.
        """
        if self.kinds is None:
            raise ParameterError("kinds were not sampled for this batch (kinds is None)")
        t = _check_int("t", t, minimum=0)
        if t >= self.n_trials:
            raise ParameterError(f"t must be an integer < n_trials = {self.n_trials}, got {t}")
        return self.kinds[self.offsets[t] : self.offsets[t + 1]]


@njit(cache=True, parallel=True)
def _count_kernel(key, first_trial, n_trials, mean):  # pragma: no cover - compiled
    """Pass 1: the Poisson defect count of each trial."""
    counts = np.empty(n_trials, dtype=np.int64)
    for i in prange(n_trials):
        state = _trial_state(key, first_trial + i)
        state, k = _poisson(state, mean)
        counts[i] = k
    return counts


@njit(cache=True, parallel=True)
def _fill_kernel(key, first_trial, mean, n_sites, offsets):  # pragma: no cover - compiled
    """Pass 2: replay each trial's stream past its count and draw its sorted sites."""
    n_trials = offsets.size - 1
    sites = np.empty(offsets[n_trials], dtype=np.int64)
    for i in prange(n_trials):
        state = _trial_state(key, first_trial + i)
        state, k = _poisson(state, mean)
        lo = offsets[i]
        for j in range(k):
            state, s = _randint(state, n_sites)
            sites[lo + j] = s
        sites[lo : lo + k].sort()
    return sites


def sample_defects(
    n_trials: int,
    mean_defects: float,
    n_sites: int,
    seed: int | np.random.SeedSequence | np.random.Generator | None = None,
    *,
    first_trial: int = 0,
) -> DefectBatch:
    """Sample Poisson point defects on ``n_sites`` sites for a batch of trials.

    Parameters
    ----------
    n_trials : int
        Trials to sample, >= 0.
    mean_defects : float
        Expected defects per trial (e.g. :func:`expected_defects` of the die),
        finite and >= 0.
    n_sites : int
        Sites per trial, >= 1; defects land uniformly on ``[0, n_sites)``.
    seed : int, SeedSequence, Generator or None, default None
        Root of the randomness; see :func:`yieldmodels._rng.root_key`.
    first_trial : int, default 0, keyword-only
        Global index of the first trial, >= 0. Trial ``t`` depends only on
        ``(seed, t)``, so ``sample_defects(n, ..., first_trial=k)`` equals
        trials ``k .. k+n-1`` of one larger call with the same seed.

    Returns
    -------
    DefectBatch
        Per trial, ``K ~ Poisson(mean_defects)`` independent uniform sites,
        sorted ascending (duplicates possible).

    Raises
    ------
    ParameterError
        On a negative, non-integer or non-finite argument, ``n_sites`` < 1
        or an unsupported seed.

    Notes
    -----
    Two passes over the trials, each a numba ``prange`` loop: counts, then an
    exclusive cumulative sum for the offsets, then each trial's counter-based
    stream is replayed to fill its sites. Results are identical for any
    thread count. Work O(n_trials + D log(D / n_trials)) and memory
    O(n_trials + D), with D the total number of defects; independent of
    ``n_sites``. The fraction of trials with no defect estimates the Poisson
    yield ``exp(-mean_defects)``.

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
    """
    n = _check_int("n_trials", n_trials, minimum=0)
    mean = _check_nonnegative("mean_defects", mean_defects, "expected defects per trial")
    sites_n = _check_int("n_sites", n_sites, minimum=1)
    first = _check_int("first_trial", first_trial, minimum=0)
    key = root_key(seed)
    counts = _count_kernel(key, np.int64(first), np.int64(n), mean)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    sites = _fill_kernel(key, np.int64(first), mean, np.int64(sites_n), offsets)
    return DefectBatch(offsets, sites)
