"""From sampled defects to dead cores.

In this model every defect kills the core it lands on (and, when
``WaferSpec.router_dies_with_core``, that core's router). Two defects on one
core kill it once.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from yieldmodels import DefectBatch

__all__ = ["dead_cores"]


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
    """The dead cores of each trial: its defect sites, each once, sorted.

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
    offsets, sites = _dedupe(defects.offsets, defects.sites)
    return DefectBatch(offsets, sites)
