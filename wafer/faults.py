"""From sampled defects to dead cores, routers and links.

A defect's kind (:class:`yieldmodels.DefectKinds`) says what it kills:

- core: the core (and, when ``WaferSpec.router_dies_with_core``, its router);
- router: the router, and so the core behind it, which can no longer talk;
- east or south link: that mesh link, both directions; its two cores live on.

Defects sampled without kinds are core defects. Two defects on one core kill
it once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit
from paramcheck import check_instance
from yieldmodels import DefectBatch, DefectKinds

__all__ = ["Faults", "dead_cores", "faults_from"]

_CORE, _ROUTER, _LINK_EAST, _LINK_SOUTH = (
    DefectKinds.CORE, DefectKinds.ROUTER, DefectKinds.LINK_EAST, DefectKinds.LINK_SOUTH,
)


@njit(cache=True)
def _dedupe(offsets, sites):
    keep = np.ones(sites.size, dtype=np.bool_)
    new_offsets = np.zeros_like(offsets)
    for t in range(offsets.size - 1):
        n = 0
        for i in range(offsets[t], offsets[t + 1]):
            if i > offsets[t] and sites[i] == sites[i - 1]:
                keep[i] = False
            else:
                n += 1
        new_offsets[t + 1] = new_offsets[t] + n
    return new_offsets, sites[keep]


def dead_cores(defects: DefectBatch) -> DefectBatch:
    """The dead cores of each trial when every defect kills its core.

    Parameters
    ----------
    defects : yieldmodels.DefectBatch
        Defect sites (core ids ``row * cols + col``), sorted within each trial.

    Returns
    -------
    yieldmodels.DefectBatch
        Same trials, duplicate sites removed.

    Notes
    -----
    O(defects).

    Examples
    --------
    >>> dead_cores(DefectBatch(np.array([0, 3, 4]), np.array([2, 2, 5, 1]))).sites
    array([2, 5, 1])
    """
    _check_batch(defects)
    offsets, sites = _dedupe(defects.offsets, defects.sites)
    return DefectBatch(offsets, sites)


@dataclass(frozen=True, eq=False)
class Faults:
    """Dead cores, routers and links of a batch of trials (each a CSR batch).

    Attributes
    ----------
    cores : DefectBatch
        Dead cores, sorted within each trial (router defects included).
    routers : DefectBatch
        Dead routers.
    links : DefectBatch
        Dead links, as the channel id ``4 * core + port`` of their east (port
        0) or south (port 2) channel.
    """

    cores: DefectBatch
    routers: DefectBatch
    links: DefectBatch


def faults_from(defects: DefectBatch) -> Faults:
    """Sort each trial's defects into dead cores, routers and links by kind.

    Examples
    --------
    >>> d = DefectBatch(np.array([0, 3]), np.array([1, 4, 6]), np.array([1, 2, 0], dtype=np.int8))
    >>> f = faults_from(d)
    >>> f.cores.sites.tolist(), f.routers.sites.tolist(), f.links.sites.tolist()
    ([1, 6], [1], [16])
    """
    _check_batch(defects)
    kinds = defects.kinds
    if kinds is None:
        return Faults(dead_cores(defects), _empty(defects.n_trials), _empty(defects.n_trials))
    trial = np.repeat(np.arange(defects.n_trials), defects.counts)
    kills_core = (kinds == _CORE) | (kinds == _ROUTER)
    port = np.where(kinds == _LINK_EAST, 0, 2)
    link = (kinds == _LINK_EAST) | (kinds == _LINK_SOUTH)
    return Faults(
        dead_cores(_select(defects.n_trials, trial, defects.sites, kills_core)),
        dead_cores(_select(defects.n_trials, trial, defects.sites, kinds == _ROUTER)),
        dead_cores(_select(defects.n_trials, trial, 4 * defects.sites + port, link)),
    )


def _check_batch(defects: object) -> None:
    check_instance("defects", defects, DefectBatch)


def _select(n_trials: int, trial: np.ndarray, values: np.ndarray, mask: np.ndarray) -> DefectBatch:
    """The masked values of each trial, as a CSR batch (order kept)."""
    counts = np.bincount(trial[mask], minlength=n_trials)
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    return DefectBatch(offsets, values[mask])


def _empty(n_trials: int) -> DefectBatch:
    return DefectBatch(np.zeros(n_trials + 1, dtype=np.int64), np.empty(0, dtype=np.int64))
