"""A chiplet package that runs degraded: the die rows it still has after a failed die.

A package of known-good dies in ``rows`` rows loses a die to a failed bond
or a test escape; with ``s`` spare die sites a row (:func:`package_yield`)
survives up to ``s`` such dies. A package that is not whole need not be
scrapped: it can still run the dies of its working rows, as long as they
are neighbours. The die-to-die links join only adjacent dies, so a failed
row cuts the package's mesh in two, and the package runs its *longest run
of consecutive working rows*, at the full row width.

- :func:`longest_run_pmf`: the distribution of the longest run of
  successes in independent Bernoulli trials, exact;
- :func:`degraded_rows_pmf`: the distribution of the working rows a package
  runs, its carrier (a bad one scraps the package) included.

Counting only whole rows is a lower bound on what a degraded package runs:
a package with one failed die could also run a narrower rectangle of more
rows, which this leaves out.
"""

from __future__ import annotations

import numpy as np
from paramcheck import check_int, check_probability

from .assembly import _check_rows, _row_yield

__all__ = ["MAX_RUN_TRIALS", "degraded_rows_pmf", "longest_run_pmf"]

#: Most trials (rows) :func:`longest_run_pmf` takes: its work and memory grow as their square.
MAX_RUN_TRIALS = 2_000


def longest_run_pmf(trials: int, p: float) -> np.ndarray:
    """Distribution of the longest run of successes in ``trials`` independent trials.

    Parameters
    ----------
    trials : int
        Independent trials, in [0, 2,000].
    p : float
        Probability of success of each, in [0, 1].

    Returns
    -------
    numpy.ndarray of float64, shape (trials + 1,)
        ``out[k]`` = P(the longest run of consecutive successes is ``k``).

    Raises
    ------
    ParameterError
        If ``trials`` is not an integer in [0, 2,000] or ``p`` is not in [0, 1].

    Notes
    -----
    With ``c_k(m)`` = P(a run of ``k`` successes among ``m`` trials): the
    first such run ends at trial ``m`` when trial ``m - k`` failed, the
    ``k`` after it succeeded and no run came before, so ``c_k(m) = c_k(m -
    1) + (1 - c_k(m - k - 1)) (1 - p) p^k`` (``c_k(k) = p^k``), every ``k``
    at once; a sum of positive terms, so small probabilities keep their
    relative precision. ``P(longest = k) = c_k(trials) - c_{k+1}(trials)``,
    and ``(1 - p)^trials`` for ``k = 0``. O(trials^2) time and memory (32 MB
    at the limit).

    Examples
    --------
    >>> [round(float(x), 6) for x in longest_run_pmf(3, 0.5)]  # of 8 sequences: 1, 4, 2, 1
    [0.125, 0.5, 0.25, 0.125]
    >>> longest_run_pmf(4, 1.0).tolist(), longest_run_pmf(0, 0.3).tolist()
    ([0.0, 0.0, 0.0, 0.0, 1.0], [1.0])
    """
    n = check_int("trials", trials, minimum=0, maximum=MAX_RUN_TRIALS)
    p = check_probability("p", p)
    if n == 0:
        return np.ones(1)
    k = np.arange(1, n + 1)  # one row of c for each run length k
    pk = p ** k.astype(np.float64)
    c = np.zeros((n, n + 1))  # c[k - 1, m] = P(a run of k among m trials)
    for m in range(1, n + 1):
        back = c[k - 1, np.maximum(m - k - 1, 0)]  # c[k - 1, m - k - 1], read where m > k
        first = np.where(m > k, (1.0 - back) * (1.0 - p) * pk, np.where(m == k, pk, 0.0))
        c[:, m] = c[:, m - 1] + first
    at_least = np.concatenate(([1.0], c[:, n], [0.0]))  # P(longest >= k), k = 0 .. n + 1
    out = at_least[:-1] - at_least[1:]
    out[0] = (1.0 - p) ** n  # exact where the difference would lose it
    return np.clip(out, 0.0, 1.0)


def degraded_rows_pmf(
    n_dies: int,
    *,
    bond_yield: float = 1.0,
    kgd_escape: float = 0.0,
    carrier_yield: float = 1.0,
    spare_dies_per_row: int = 0,
    rows: int = 1,
) -> np.ndarray:
    """Distribution of the working die rows a package runs, degraded or whole.

    Parameters
    ----------
    n_dies, bond_yield, kgd_escape, carrier_yield, spare_dies_per_row, rows
        As in :func:`yieldmodels.package_yield`: ``n_dies`` needed dies in
        ``rows`` rows, each placed die working with ``bond_yield * (1 -
        kgd_escape)``, a row working when at most ``spare_dies_per_row`` of
        its placed dies fail, the carrier good with ``carrier_yield``.

    Returns
    -------
    numpy.ndarray of float64, shape (rows + 1,)
        ``out[k]`` = P(the package runs ``k`` rows of ``n_dies / rows``
        dies): its longest run of consecutive working rows, 0 on a bad
        carrier. ``out[rows]`` is :func:`package_yield`.

    Raises
    ------
    ParameterError
        As :func:`package_yield`, and for more than 2,000 rows.

    Notes
    -----
    O(rows^2): :func:`longest_run_pmf` of the rows, which are independent.

    Examples
    --------
    >>> pmf = degraded_rows_pmf(84, bond_yield=0.99, rows=7)
    >>> round(float(pmf[7]), 6), round(float(pmf @ range(8)) / 7, 4)  # whole; mean share of rows run
    (0.429889, 0.775)
    """
    n = check_int("n_dies", n_dies, minimum=1)
    b = check_probability("bond_yield", bond_yield)
    e = check_probability("kgd_escape", kgd_escape)
    cy = check_probability("carrier_yield", carrier_yield)
    s, r = _check_rows(n, spare_dies_per_row, rows)
    check_int("rows", r, maximum=MAX_RUN_TRIALS)
    out = cy * longest_run_pmf(r, _row_yield(n // r, s, b * (1.0 - e)))
    out[0] += 1.0 - cy
    return out
