"""Monte Carlo study: wafer-scale repair and network next to the chiplet version.

One trial is one wafer: defects are sampled (:func:`yieldmodels.sample_defects`,
Poisson number, uniform positions over the cores), become dead cores, the
logical mesh is remapped around them, and a repaired wafer's network is
measured exactly under uniform traffic. Trial ``t`` depends only on
``(seed, t)``: the numbers do not change with ``chunk_size`` or thread count.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np
import routing
import yieldmodels
from tqdm import tqdm

from .chiplet import ChipletResult, ChipletSpec, chiplet_comparison
from .errors import ParameterError, check_count, check_nonnegative, check_positive
from .faults import dead_cores
from .geometry import WaferSpec
from .remap import get_scheme

__all__ = ["StudyConfig", "StudyResult", "run_study", "TRIAL_METRICS"]

#: Largest expected number of defects per wafer a study accepts.
MAX_DEFECTS_PER_WAFER = 1_000_000

#: Per-trial network metrics (fields of routing.UniformMetrics), NaN where
#: repair failed.
TRIAL_METRICS = (
    "saturation",
    "bandwidth_fraction",
    "mean_link_extra_hops",
    "max_link_extra_hops",
    "mean_route_extra_hops",
    "max_route_extra_hops",
)


@dataclass(frozen=True)
class StudyConfig:
    """Everything a study depends on.

    Parameters
    ----------
    wafer : WaferSpec
    chiplet : ChipletSpec
    d0 : float
        Defect density, defects per cm^2 (wafer defects: Poisson).
    alpha : float
        Negative-binomial clustering parameter of the chiplet die yield
        (Chiplet Actuary's default for logic: 10).
    trials : int
        Wafers simulated.
    seed : int
        Root seed; the same seed gives the same numbers.
    scheme : str
        Remap scheme, a key of :data:`wafer.remap.SCHEMES`.
    chunk_size : int
        Trials sampled per batch (memory only; results do not depend on it).
    """

    wafer: WaferSpec = field(default_factory=WaferSpec)
    chiplet: ChipletSpec = field(default_factory=ChipletSpec)
    d0: float = 0.1
    alpha: float = 10.0
    trials: int = 300
    seed: int = 2026
    scheme: str = "shift-to-spare"
    chunk_size: int = 64

    def __post_init__(self) -> None:
        check_nonnegative("d0", self.d0)
        # Far beyond every wafer being dead; the sparse sampler would only
        # spend memory (8 bytes a defect) on more.
        limit = 100.0 * MAX_DEFECTS_PER_WAFER / self.wafer.die_area_mm2
        if self.d0 > limit:
            raise ParameterError(
                f"d0 must put at most {MAX_DEFECTS_PER_WAFER:,} expected defects on the die"
                f" (<= {limit:.4g} defects/cm^2 here), got {self.d0!r}"
            )
        check_positive("alpha", self.alpha)
        check_count("trials", self.trials)
        check_count("seed", self.seed, minimum=0)
        check_count("chunk_size", self.chunk_size)
        get_scheme(self.scheme)

    @property
    def mean_defects(self) -> float:
        """Expected defects per wafer-scale die: area (cm^2) times d0."""
        return float(yieldmodels.expected_defects(self.wafer.die_area_mm2, self.d0))


@dataclass(frozen=True, eq=False)
class StudyResult:
    """Per-trial outcomes of a study, the fault-free baseline and the chiplet side.

    Attributes
    ----------
    config : StudyConfig
    defects, dead, status : ndarray
        Defects, dead cores and remap status (0 = repaired) per trial.
    metrics : dict of str -> ndarray
        Per-trial network metrics (:data:`TRIAL_METRICS`), NaN where repair failed.
    fault_free : routing.UniformMetrics
        The same wafer with no defect (its spare columns are still crossed).
    repair_closed_form : float
        Closed-form repair probability of the scheme (see its docs).
    chiplet : ChipletResult
    """

    config: StudyConfig
    defects: np.ndarray
    dead: np.ndarray
    status: np.ndarray
    metrics: dict
    fault_free: routing.UniformMetrics
    repair_closed_form: float
    chiplet: ChipletResult

    @property
    def repaired(self) -> np.ndarray:
        """Boolean mask of the repaired trials."""
        return self.status == 0


def run_study(config: StudyConfig, progress: bool = False) -> StudyResult:
    """Run a Monte Carlo study.

    Parameters
    ----------
    config : StudyConfig
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    StudyResult

    Notes
    -----
    Sampling and the remap check cost O(defects) per wafer; the network
    metrics of a repaired wafer cost O(irregular links): the links across
    spare columns (rows x segments) plus those near dead cores, never
    O(cores).

    Examples
    --------
    >>> cfg = StudyConfig(wafer=WaferSpec(core_rows=8, core_cols=8, segment_width=4,
    ...                                   die_width_mm=4.0, die_height_mm=4.0),
    ...                   chiplet=ChipletSpec(dies_x=2, dies_y=2), d0=50.0, trials=20, seed=1)
    >>> r = run_study(cfg)
    >>> r.defects.size, bool(r.repaired.any())
    (20, True)
    """
    spec = config.wafer
    scheme = get_scheme(config.scheme)
    n = config.trials
    defects = np.zeros(n, dtype=np.int64)
    dead_n = np.zeros(n, dtype=np.int64)
    status = np.zeros(n, dtype=np.int8)
    metrics = {name: np.full(n, np.nan) for name in TRIAL_METRICS}
    with tqdm(total=n, disable=not progress, file=sys.stderr, unit="wafer", desc="wafers") as bar:
        for start in range(0, n, config.chunk_size):
            size = min(config.chunk_size, n - start)
            batch = yieldmodels.sample_defects(
                size, config.mean_defects, spec.n_cores, config.seed, first_trial=start
            )
            dead = dead_cores(batch)
            check = scheme.check(spec, dead)
            defects[start : start + size] = batch.counts
            dead_n[start : start + size] = dead.counts
            status[start : start + size] = check.status
            for i in np.flatnonzero(check.repaired):
                # The spare and skew rules passed: build the mapping, which
                # also finds out whether every logical link has a path.
                mapping = scheme.mapping(spec, dead.trial(i))
                status[start + i] = mapping.status
                if mapping.repaired:
                    m = mapping.metrics()
                    for name in TRIAL_METRICS:
                        metrics[name][start + i] = getattr(m, name)
                bar.update(1)
            bar.update(size - np.count_nonzero(check.repaired))
    return StudyResult(
        config=config,
        defects=defects,
        dead=dead_n,
        status=status,
        metrics=metrics,
        fault_free=scheme.mapping(spec, []).metrics(),
        repair_closed_form=scheme.repair_probability(spec, config.mean_defects),
        chiplet=chiplet_comparison(spec, config.chiplet, config.d0, config.alpha),
    )
