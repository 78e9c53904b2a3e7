"""Monte Carlo study: wafer-scale repair and network next to the chiplet version.

One trial is one wafer: defects are sampled on the core grid
(:func:`yieldmodels.sample_grid_defects`: by default negative binomial per
reticle, the same clustering as the chiplet die yield; uniform or radial
positions), become dead cores, the
logical mesh is remapped around them, and a repaired wafer's network is
measured exactly under uniform traffic. Trial ``t`` depends only on
``(seed, t)``: the numbers do not change with ``chunk_size`` or thread count.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field, replace

import numpy as np
import routing
import yieldmodels
from paramcheck import (
    ParameterError,
    check_bool,
    check_choice,
    check_instance,
    check_int,
    check_nonnegative,
    check_positive,
    check_probability,
    check_real,
    check_str,
)
from tqdm import tqdm

from .chiplet import ChipletResult, ChipletSpec, _with_die_yield, chiplet_comparison
from .costing import CostSpec, StudyCosts, study_costs
from .comparison import OTHER_KINDS, _load, other_systems
from .faults import faults_from
from .geometry import WaferSpec
from .remap import RemapScheme
from .shift import ShiftToSpare
from .stats import mean_ci, proportion_ci
from .workloads import TrafficResult, parse_pattern, prepare_patterns

__all__ = ["StudyConfig", "StudyResult", "run_study", "TRIAL_METRICS"]

#: How a study's wafer defects may cluster.
CLUSTERING = ("reticle", "wafer", "none")

#: Largest expected number of defects per wafer a study accepts.
MAX_DEFECTS_PER_WAFER = 1_000_000

#: Most wafers one study runs: per-trial results stay in memory (75 bytes a
#: wafer, plus 80 for each traffic pattern: 1.55 GB at the limit with the
#: default uniform traffic).
MAX_TRIALS = 10_000_000

#: Most wafers sampled in one batch (``chunk_size``).
MAX_CHUNK = 100_000

#: Defects a batch may be expected to hold; a batch of many defect-rich wafers
#: is cut smaller (results do not depend on the batch size).
MAX_BATCH_DEFECTS = 2**24

#: Largest wafer whose network a study measures per wafer, densely (O(cores)
#: a wafer), for a scheme without a study network model.
DENSE_NETWORK_MAX_CORES = 2**16

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
    cost : CostSpec
        Node, volume and cost set both sides are priced with (:mod:`wafer.costing`).
    d0 : float
        Defect density, defects per cm^2.
    alpha : float
        Negative-binomial clustering parameter (Chiplet Actuary's default for
        logic: 10), of the chiplet die yield and of the wafer's defects.
    clustering : str
        How the wafer's defects cluster: "reticle" (an independent gamma
        multiplier per reticle-sized block, the chiplet die of ``chiplet``:
        each block's yield is the chiplet die yield), "wafer" (one multiplier
        per wafer) or "none" (Poisson).
    radial_edge_excess, radial_power : float
        Defect density ``1 + e (r / R) ** p`` at radius ``r`` of a wafer of
        radius ``R`` (:class:`yieldmodels.RadialProfile`); 0 for uniform.
    router_fraction, link_fraction : float
        Fractions of the defects that kill a router (and so its core) or a
        mesh link instead of a core, as their critical areas would set them
        (:class:`yieldmodels.DefectKinds`); 0 and 0 (the default): every
        defect kills a core.
    trials : int
        Wafers simulated, at most :data:`MAX_TRIALS`.
    seed : int
        Root seed, in [0, 2**63); the same seed gives the same numbers.
    scheme : RemapScheme
        The remap scheme with its parameters (:func:`wafer.make_scheme`).
        Per-wafer network and traffic figures need a scheme with a study
        network model (shift-to-spare); for the others a study reports
        repair, the logical mesh each wafer reaches and the area it yields.
    needed_shape : (int, int), optional
        A logical shape (rows, cols) the wafers must hold, e.g. the fabric an
        SDK exposes: the report gives the share of wafers whose logical mesh
        holds it (a degraded wafer counts when it does).
    traffic : tuple of str
        Traffic patterns to price on each wafer and on the chiplets, each a
        name of :data:`routing.PATTERNS` with optional parameters
        (``"stencil:points=9"``; :mod:`wafer.workloads`).
    routing : str
        Routing function of the patterns on the logical mesh, a key of
        :data:`routing.ROUTINGS` (the uniform-traffic table is XY).
    link_classes : str, optional
        A TOML file of link class figures (:func:`routing.load_link_classes`)
        that override those of :meth:`ChipletSpec.link_classes`.
    gpu, tile : str or None
        The GPU and known-good-die tile systems the same silicon is also
        built as (:mod:`wafer.comparison`): a shipped system's name
        (:data:`wafer.systems.SYSTEMS`) or a TOML file; None leaves it out.
    preset : str
        Name of the preset the wafer, scheme and chiplets come from, for the
        report ("" when they were given directly).
    assumptions : tuple of (str, str)
        The preset's modelling choices and their reasoning (what a defect
        kills, which links exist ...), for the report.
    chunk_size : int
        Trials sampled per batch, at most :data:`MAX_CHUNK` (memory only;
        results do not depend on it). Batches expected to hold more than
        :data:`MAX_BATCH_DEFECTS` defects are cut smaller.
    """

    wafer: WaferSpec = field(default_factory=WaferSpec)
    chiplet: ChipletSpec = field(default_factory=ChipletSpec)
    cost: CostSpec = field(default_factory=CostSpec)
    d0: float = 0.1
    alpha: float = 10.0
    clustering: str = "reticle"
    radial_edge_excess: float = 0.0
    radial_power: float = 2.0
    router_fraction: float = 0.0
    link_fraction: float = 0.0
    trials: int = 300
    seed: int = 2026
    scheme: RemapScheme = field(default_factory=ShiftToSpare)
    needed_shape: tuple | None = None
    traffic: tuple = ("uniform",)
    routing: str = "xy"
    link_classes: str | None = None
    gpu: str | None = "h100-like"
    tile: str | None = "dojo-like"
    preset: str = ""
    assumptions: tuple = ()
    chunk_size: int = 64

    def __post_init__(self) -> None:
        check_instance("wafer", self.wafer, WaferSpec)
        check_instance("chiplet", self.chiplet, ChipletSpec)
        check_instance("cost", self.cost, CostSpec)
        check_instance("scheme", self.scheme, RemapScheme, "a remap scheme (wafer.make_scheme)")
        self.scheme.validate(self.wafer)
        if self.needed_shape is not None:
            shape = self.needed_shape
            if not isinstance(shape, tuple) or len(shape) != 2:
                raise ParameterError(f"needed_shape must be None or (rows, cols), got {shape!r}")
            check_int("needed_shape rows", shape[0])
            check_int("needed_shape cols", shape[1])
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
        check_choice("clustering", self.clustering, CLUSTERING)
        # Both always, so a bad value never hides behind a uniform profile.
        check_real("radial_edge_excess", self.radial_edge_excess, lower=-1.0)
        check_positive("radial_power", self.radial_power)
        self.chiplet.die_cores(self.wafer)  # checks that the dies tile the core grid
        self.chiplet.die_scheme(self.wafer, self.scheme)  # repair = "scheme": the scheme fits one die
        if self.clustering == "reticle" and self.chiplet.n_dies > yieldmodels.MAX_BLOCKS:
            raise ParameterError(
                f"dies_x x dies_y must be at most {yieldmodels.MAX_BLOCKS:,} dies for reticle clustering"
                f" (one gamma draw per die and wafer), got {self.chiplet.dies_x} x {self.chiplet.dies_y}"
            )
        self.positions  # noqa: B018 - builds (and so checks) the radial profile
        check_probability("router_fraction", self.router_fraction)
        check_probability("link_fraction", self.link_fraction)
        if not self.has_network_model and (self.router_fraction or self.link_fraction):
            raise ParameterError(
                f"router_fraction and link_fraction must be 0 for scheme {self.scheme.name}"
                " (it takes dead cores only), got"
                f" {self.router_fraction!r} and {self.link_fraction!r}"
            )
        if self.router_fraction + self.link_fraction > 1:
            raise ParameterError(
                "router_fraction + link_fraction must be <= 1, got"
                f" {self.router_fraction!r} + {self.link_fraction!r}"
            )
        check_int("trials", self.trials, maximum=MAX_TRIALS)
        check_int("seed", self.seed, minimum=0)
        check_int("chunk_size", self.chunk_size, maximum=MAX_CHUNK)
        check_str("preset", self.preset)
        if not isinstance(self.assumptions, tuple) or not all(
            isinstance(a, tuple) and len(a) == 2 and all(isinstance(x, str) for x in a) for a in self.assumptions
        ):
            raise ParameterError(f"assumptions must be a tuple of (name, text) string pairs, got {self.assumptions!r}")
        if not isinstance(self.traffic, tuple) or len(set(self.traffic)) != len(self.traffic):
            raise ParameterError(f"traffic must be a tuple of distinct pattern entries, got {self.traffic!r}")
        for entry in self.traffic:
            check_choice("traffic", parse_pattern(entry)[0], routing.PATTERNS)
        check_choice("routing", self.routing, routing.ROUTINGS)
        if self.link_classes is not None:
            check_str("link_classes", self.link_classes)
            self.link_class_table()  # reads (and so checks) the file
        for kind in OTHER_KINDS:
            if getattr(self, kind) is not None:
                check_str(kind, getattr(self, kind))
                _load(self, kind)  # reads (and so checks) the file

    def link_class_table(self) -> routing.LinkClassTable:
        """The link classes both systems are priced with: the chiplet spec's,
        then the figures of the ``link_classes`` file."""
        table = self.chiplet.link_classes(self.wafer)
        if self.link_classes is None:
            return table
        try:
            table = routing.load_link_classes(self.link_classes, base=table)
        except ParameterError as exc:
            raise ParameterError(f"link_classes: {exc}") from None
        used = [table[name] for name in ("mesh", "bypass", self.chiplet.d2d_class)]
        if len({c.clock_ghz for c in used}) > 1:
            got = ", ".join(f"{c.name} {c.clock_ghz:g}" for c in used)
            raise ParameterError(
                f"link_classes: the classes a study uses must share one clock_ghz (cycles add up along a path),"
                f" got {got} (in {self.link_classes!r})"
            )
        return table

    @property
    def block(self) -> tuple[int, int] | None:
        """Clustering block in cores (rows, cols), or None."""
        return self.chiplet.die_cores(self.wafer) if self.clustering == "reticle" else None

    @property
    def cluster_alpha(self) -> float | None:
        """Gamma-mixing shape of the wafer's defects, or None for Poisson."""
        return None if self.clustering == "none" else self.alpha

    @property
    def positions(self) -> str | yieldmodels.RadialProfile:
        """Where defects land: uniform, or a radial profile."""
        if self.radial_edge_excess == 0:
            return yieldmodels.UNIFORM
        return yieldmodels.RadialProfile(
            self.radial_edge_excess, self.radial_power, self.wafer.wafer_diameter_mm / 2
        )

    @property
    def kinds(self) -> yieldmodels.DefectKinds | None:
        """What each defect kills, or None when every defect kills a core."""
        if self.router_fraction == 0 and self.link_fraction == 0:
            return None
        return yieldmodels.DefectKinds(
            core=1.0 - self.router_fraction - self.link_fraction,
            router=self.router_fraction, link=self.link_fraction,
        )

    def repair_closed_form(self) -> float | None:
        """The scheme's closed-form repair probability, where it has one.

        None with radial positions, and with router or link faults (which
        may leave neighbours without a path).
        """
        if self.positions != yieldmodels.UNIFORM or self.kinds is not None:
            return None
        return self.scheme.repair_probability(self.wafer, self.mean_defects, alpha=self.cluster_alpha, block=self.block)

    def repair_closed_form_missing(self) -> str | None:
        """Why :meth:`repair_closed_form` is None, or None when there is one.

        Examples
        --------
        >>> from wafer.lines import Harvest
        >>> StudyConfig(scheme=Harvest()).repair_closed_form_missing()
        'harvest has none with reticle clustering'
        """
        if self.positions != yieldmodels.UNIFORM:
            return "radial positions"
        if self.kinds is not None:
            return "router and link faults"
        if self.repair_closed_form() is None:
            return f"{self.scheme.name} has none with {self.clustering} clustering"
        return None

    def repair_closed_form_leaves_out(self) -> tuple[str, ...]:
        """The repair rules :meth:`repair_closed_form` does not count: empty
        where it is exact for the model, else it is an upper bound.

        Examples
        --------
        >>> StudyConfig(scheme=ShiftToSpare(max_skew=8)).repair_closed_form_leaves_out()
        ()
        >>> StudyConfig().repair_closed_form_leaves_out()
        ('the skew rule (max skew 2 < 8 spares)',)
        """
        return self.scheme.closed_form_leaves_out(self.wafer)

    @property
    def has_network_model(self) -> bool:
        """Whether the scheme measures each wafer's network in a study (shift-to-spare, end spares, row segments)."""
        return self.scheme.has_network_model

    @property
    def network_per_wafer(self) -> str | None:
        """How a study measures each repaired wafer's network: "batched" (the
        scheme's study network model), "dense" (its mapping's metrics, for
        wafers of at most :data:`DENSE_NETWORK_MAX_CORES` cores) or None."""
        if self.has_network_model:
            return "batched"
        return "dense" if self.wafer.n_cores <= DENSE_NETWORK_MAX_CORES else None

    @property
    def logical_shape(self) -> tuple[int, int]:
        """Shape of the logical mesh a repaired wafer exposes."""
        return self.scheme.logical_shape(self.wafer)

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
    logical_rows, logical_cols : ndarray of int32
        Shape of the logical mesh each wafer exposes (a degraded wafer's
        largest; 0 x 0 where it has none).
    metrics : dict of str -> ndarray
        Per-trial network metrics (:data:`TRIAL_METRICS`) of each wafer's
        logical mesh (a degraded wafer's own), NaN where it has none or the
        study does not measure it (:attr:`StudyConfig.network_per_wafer`).
    fault_free : routing.UniformMetrics
        The same wafer with no defect (its spare columns are still crossed).
    repair_closed_form : float or None
        Closed-form repair probability of the scheme (see its docs); None
        where there is none (radial positions).
    chiplet : ChipletResult
        The chiplet system; with repair (``config.chiplet.repair``) built
        from the dies' Monte Carlo repair rate.
    chiplet_good_dies : ndarray of int16
        With repair: how many of each wafer's ``n_dies`` reticle-sized dies
        the scheme repairs on their own (the same defects as the wafer);
        without, the dies with no defect.
    chiplet_die_rate : (float, float, float) or None
        With repair: the share of dies repaired and its 95% interval
        (Wilson's over all dies where dies are independent, i.e. but for
        wafer-wide clustering; else the normal interval over the wafers'
        shares, clipped to [0, 1]); None without repair.
    chiplet_systems_ci : (float, float)
        95% interval of the chiplet side's good systems per wafer, from the
        die repair rate's (equal ends without repair: a closed form).
    chiplet_degraded_ci : (float, float)
        The same for the chiplets' cores per wafer with degraded packages
        counted by the rows of dies they run
        (:attr:`ChipletResult.degraded_cores_per_wafer`).
    costs : wafer.costing.StudyCosts
        Each side's cost per working system, at the measured yields.
    traffic : dict of str -> TrafficResult
        Each pattern of ``config.traffic``.
    others : dict of str -> wafer.comparison.OtherSystem
        The same silicon as GPUs and as tiles (``config.gpu``, ``config.tile``).
    """

    config: StudyConfig
    defects: np.ndarray
    dead: np.ndarray
    status: np.ndarray
    logical_rows: np.ndarray
    logical_cols: np.ndarray
    metrics: dict
    fault_free: routing.UniformMetrics
    repair_closed_form: float | None
    chiplet: ChipletResult
    chiplet_good_dies: np.ndarray
    chiplet_die_rate: tuple | None
    chiplet_systems_ci: tuple
    chiplet_degraded_ci: tuple
    costs: StudyCosts
    traffic: dict
    others: dict

    @property
    def repaired(self) -> np.ndarray:
        """Boolean mask of the repaired trials."""
        return self.status == 0

    @property
    def logical_cores(self) -> np.ndarray:
        """Logical cores each wafer exposes."""
        return self.logical_rows.astype(np.int64) * self.logical_cols


def run_study(config: StudyConfig, progress: bool = False) -> StudyResult:
    """Run a Monte Carlo study.

    Parameters
    ----------
    config : StudyConfig
    progress : bool
        Show a progress bar (rate and time left) on stderr.

    Returns
    -------
    StudyResult

    Notes
    -----
    Sampling and the remap check cost O(defects) per wafer. For a scheme
    without a study network model the network of each repaired wafer is
    measured densely (O(cores) a wafer) on wafers of at most
    :data:`DENSE_NETWORK_MAX_CORES` cores, and not at all on larger ones. The network of
    the fault-free wafer is embedded once per study; a repaired wafer's
    metrics then cost what its defects change (the segments they shift, the
    paths around dead routers and links), in compiled loops over each batch
    (:class:`wafer.networks.ShiftedNetworks`), never O(cores).

    Examples
    --------
    >>> cfg = StudyConfig(wafer=WaferSpec(core_rows=8, core_cols=8, die_width_mm=4.0, die_height_mm=4.0),
    ...                   scheme=ShiftToSpare(segment_width=4, spares=1, max_skew=1),
    ...                   chiplet=ChipletSpec(dies_x=2, dies_y=2), d0=50.0, trials=20, seed=1)
    >>> r = run_study(cfg)
    >>> r.defects.size, bool(r.repaired.any())
    (20, True)
    """
    check_instance("config", config, StudyConfig)
    check_bool("progress", progress)
    spec = config.wafer
    scheme = config.scheme
    # What is the same on every wafer, first: so that bad input fails before
    # any trial, and nothing is computed twice.
    die_scheme = config.chiplet.die_scheme(spec, scheme)[0]
    # Checked now; with repair, built again from the dies' measured repair rate after the trials.
    chiplet = chiplet_comparison(spec, config.chiplet, config.d0, config.alpha, scheme,
                                 die_yield=None if die_scheme is None else 1.0)
    die_spec = config.chiplet.die_spec(spec)
    others = other_systems(config)
    classes = config.link_class_table()
    if config.has_network_model:
        networks = scheme.networks(spec)
        patterns, loads = prepare_patterns(
            config.traffic, config.routing, config.logical_shape, *config.chiplet.mesh(spec, scheme),
            classes, config.chiplet.d2d_class, networks.base,
            gpu=others["gpu"].result if "gpu" in others else None,
            tile=others["tile"].result if "tile" in others else None,
        )
        for e, values in loads.items():
            networks.add_pattern(e, values)
        del loads
        fault_free = networks.fault_free
        none = routing.EmbeddingChanges.none(1)
        pattern_fault_free = {
            e: _pattern_figures(networks.patterns[e], p, networks.patterns[e].sums_batch(none), classes)
            for e, p in patterns.items()
        }
        if die_scheme is not None:  # the dies' links cross their spare cores where the wafer's do
            patterns = {e: _crossing_spares(p, pattern_fault_free[e]) for e, p in patterns.items()}
            chiplet = replace(chiplet, network=_network_crossing_spares(chiplet.network, fault_free))
    else:
        # O(cores) once: the fault-free wafer's logical mesh embedded densely.
        networks, patterns, pattern_fault_free = None, {}, {}
        fault_free = scheme.mapping(spec, []).metrics()
    repair_closed_form = config.repair_closed_form()
    n = config.trials
    defects = np.zeros(n, dtype=np.int64)
    dead_n = np.zeros(n, dtype=np.int64)
    status = np.zeros(n, dtype=np.int8)
    logical_rows = np.zeros(n, dtype=np.int32)
    logical_cols = np.zeros(n, dtype=np.int32)
    good_dies = np.zeros(n, dtype=np.int16)
    full_rows, full_cols = config.logical_shape
    dense_networks = config.network_per_wafer == "dense"
    metrics = {name: np.full(n, np.nan) for name in TRIAL_METRICS}
    per_trial = {e: {name: np.full(n, np.nan) for name in routing.FIGURES} for e in patterns}
    grid = yieldmodels.DefectGrid.from_die(
        spec.core_rows, spec.core_cols, spec.die_width_mm, spec.die_height_mm
    )
    blocks = config.chiplet.n_dies if config.block else 1
    step = max(1, min(config.chunk_size, MAX_BATCH_DEFECTS // max(1, math.ceil(config.mean_defects)),
                      yieldmodels.MAX_BLOCK_DRAWS // blocks))
    with tqdm(total=n, disable=not progress, file=sys.stderr, unit="wafer", desc="wafers") as bar:
        for start in range(0, n, step):
            size = min(step, n - start)
            batch = yieldmodels.sample_grid_defects(
                size, grid, config.mean_defects, config.seed, first_trial=start,
                alpha=config.cluster_alpha, block=config.block, positions=config.positions,
                kinds=config.kinds,
            )
            faults = faults_from(batch)
            here = slice(start, start + size)
            defects[here] = batch.counts
            dead_n[here] = faults.cores.counts
            good_dies[here] = _good_dies(faults.cores, spec, config.chiplet, die_scheme, die_spec)
            if networks is None:
                remap = scheme.check(spec, faults.cores)
                status[here], logical_rows[here], logical_cols[here] = (
                    remap.status, remap.logical_rows, remap.logical_cols)
                if dense_networks:
                    # Every wafer that runs a logical mesh, a degraded one by its own.
                    for t in np.flatnonzero(remap.logical_cores >= 2):
                        m = scheme.mapping(spec, faults.cores.trial(t)).metrics()
                        for name in TRIAL_METRICS:
                            metrics[name][start + t] = getattr(m, name)
                bar.update(size)
                continue
            # The remap rules, then the network of every repaired wafer,
            # which also finds out whether every logical link has a path.
            status[here], measured, sums = networks.measure(faults)
            for name in TRIAL_METRICS:
                metrics[name][here] = measured[name]
            repaired = status[here] == 0
            logical_rows[here], logical_cols[here] = repaired * full_rows, repaired * full_cols
            ok = np.flatnonzero(repaired)
            for e, p in patterns.items():
                figures = _pattern_figures(networks.patterns[e], p, {k: v[ok] for k, v in sums[e].items()}, classes)
                for name, values in figures.items():
                    per_trial[e][name][start + ok] = values
            bar.update(size)
    die_rate = _die_rate(config, good_dies) if die_scheme is not None else None
    chiplet, systems_ci, degraded_ci = _chiplet_measured(config, chiplet, die_rate)
    costs = study_costs(config.cost, spec, config.chiplet, proportion_ci(int((status == 0).sum()), n),
                        die_rate or (chiplet.system.die_yield,) * 3)
    return StudyResult(
        config=config,
        defects=defects,
        dead=dead_n,
        status=status,
        logical_rows=logical_rows,
        logical_cols=logical_cols,
        metrics=metrics,
        fault_free=fault_free,
        repair_closed_form=repair_closed_form,
        chiplet=chiplet,
        chiplet_good_dies=good_dies,
        chiplet_die_rate=die_rate,
        chiplet_systems_ci=systems_ci,
        chiplet_degraded_ci=degraded_ci,
        costs=costs,
        traffic={e: TrafficResult(p, per_trial[e], {k: float(v[0]) for k, v in pattern_fault_free[e].items()})
                 for e, p in patterns.items()},
        others=others,
    )


def _good_dies(dead: yieldmodels.DefectBatch, wafer: WaferSpec, chiplet: ChipletSpec,
               die_scheme: RemapScheme | None, die_spec: WaferSpec) -> np.ndarray:
    """Of each wafer's reticle-sized dies, how many are good as chiplets: the
    ones ``die_scheme`` repairs on their own core grid (or, without one, the
    ones with no dead core). O(dead cores) plus the scheme's check."""
    rows, cols = chiplet.die_cores(wafer)
    sites = dead.sites
    r, c = sites // wafer.core_cols, sites % wafer.core_cols
    trial = np.repeat(np.arange(dead.n_trials), dead.counts) * chiplet.n_dies + (r // rows) * chiplet.dies_x + c // cols
    per_die = np.bincount(trial, minlength=dead.n_trials * chiplet.n_dies)
    if die_scheme is None:
        good = per_die == 0
    else:
        local = (r % rows) * cols + c % cols
        offsets = np.zeros(per_die.size + 1, dtype=np.int64)
        np.cumsum(per_die, out=offsets[1:])
        batch = yieldmodels.DefectBatch(offsets, local[np.lexsort((local, trial))])
        good = die_scheme.check(die_spec, batch).repaired
    return good.reshape(dead.n_trials, chiplet.n_dies).sum(axis=1).astype(np.int16)


def _die_rate(config: StudyConfig, good_dies: np.ndarray) -> tuple:
    """The share of chiplet dies repaired, with its 95% interval (see :attr:`StudyResult.chiplet_die_rate`)."""
    n = config.chiplet.n_dies
    if config.clustering != "wafer":  # every die its own clustering block, or none: independent dies
        return proportion_ci(int(good_dies.sum()), good_dies.size * n)
    mean, lo, hi = mean_ci(good_dies / n)  # the wafer is the unit: its dies share one multiplier
    return (mean, lo, hi) if math.isfinite(lo) else (mean, mean, mean)


def _chiplet_measured(config: StudyConfig, chiplet: ChipletResult, die_rate: tuple | None) -> tuple:
    """The chiplet side built from the dies' measured repair rate (with
    repair), and the 95% intervals of its good systems per wafer and of its
    cores per wafer with degraded packages counted."""
    if die_rate is None:
        return chiplet, (chiplet.system.good_systems_per_wafer,) * 2, (chiplet.degraded_cores_per_wafer,) * 2
    at = [_with_die_yield(chiplet, config.wafer, config.d0, config.alpha, min(1.0, max(0.0, y))) for y in die_rate]
    return (at[0], (at[1].system.good_systems_per_wafer, at[2].system.good_systems_per_wafer),
            (at[1].degraded_cores_per_wafer, at[2].degraded_cores_per_wafer))



#: The figures that add up along a route (:data:`routing.FIGURES`): a chiplet route's are its die
#: mesh's plus the extra hops of the spare cores it crosses.
_ADDITIVE = ("mean_hops", "latency_cycles", "latency_ns", "energy_pj_per_bit", "router_energy_pj_per_bit",
             "step_energy_uj")


def _crossing_spares(setup, fault_free: dict):
    """``setup`` with its chiplet figures crossing the dies' spare cores.

    Dies that carry the wafer's shift-to-spare scheme hold its row segments
    where the wafer does (a segment never straddles a die edge), so a
    chiplet route crosses the same spare cores as the fault-free wafer's: on
    mesh channels, each logical link on channels of its own. Its additive
    figures are the die mesh's (die-edge hops of the d2d class) plus what
    the fault-free wafer adds over an ideal mesh of the logical shape; its
    bottleneck is the die mesh's. Exact for the model.
    """
    chip = dict(setup.chiplet)
    for k in _ADDITIVE:
        chip[k] = chip[k] + float(fault_free[k][0]) - setup.ideal[k]
    return replace(setup, chiplet=chip)


def _network_crossing_spares(net: routing.UniformMetrics, fault_free: routing.UniformMetrics):
    """The chiplets' uniform metrics with the fault-free wafer's mean extra hops (its spare
    crossings) added: exact for the means, as :func:`_crossing_spares`; the maxima are the die mesh's."""
    return replace(net, mean_link_extra_hops=net.mean_link_extra_hops + fault_free.mean_link_extra_hops,
                   mean_route_extra_hops=net.mean_route_extra_hops + fault_free.mean_route_extra_hops)


def _pattern_figures(traffic: routing.EmbeddedTraffic, setup, sums: dict, classes) -> dict:
    """The figures of trials' pattern sums (:func:`routing.embedded_figures`)."""
    return routing.embedded_figures(sums, traffic, setup.total, classes, unit_bits=setup.unit_bits)
