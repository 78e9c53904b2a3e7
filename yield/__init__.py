"""Defect-density and yield models for wafer-scale and chiplet systems.

Import name ``yieldmodels`` (the source directory is ``yield/``, a Python
keyword). Units: areas in mm^2, lengths in mm, defect density ``d0`` in
defects per cm^2 (1 cm^2 = 100 mm^2).

- Closed forms: :func:`poisson_yield`, :func:`murphy_yield`,
  :func:`rectangular_yield`, :func:`seeds_exponential_yield`,
  :func:`seeds_hyperbolic_yield`, :func:`bose_einstein_yield`,
  :func:`negative_binomial_yield`, :func:`expected_defects`; by name in
  :data:`YIELD_MODELS` (:func:`get_model`, :func:`all_yields`).
- Redundancy: :func:`k_of_n_yield` (N units, K needed; Poisson or clustered),
  :func:`k_of_n_groups_yield` (several such groups on one die).
- Dies per wafer: :func:`gross_dies_per_wafer`, :func:`exact_dies_per_wafer`
  (refused beyond :data:`EXACT_COUNT_MAX_STEPS` of search, which
  :func:`exact_count_feasible` tells in advance).
- Chiplet systems: known-good-die test (:func:`kgd_pass_rate`,
  :func:`defect_level`, :func:`kgd_yield`), :func:`carrier_yield`,
  :func:`package_yield`, :func:`system_yield`, :func:`good_systems_per_wafer`,
  :func:`chiplet_system`, :func:`lane_repaired_bond_yield` (a die's bond
  yield with UCIe lane repair), :func:`degraded_rows_pmf` (the die rows a
  package with failed dies still runs, on :func:`longest_run_pmf`);
  published parameter sets shipped as data
  (:func:`load_parameter_set`, :func:`parameter_sets`).
- Monte Carlo: :func:`sample_defects` (Poisson, uniform over sites) and
  :func:`sample_grid_defects` on a :class:`DefectGrid` (Poisson or clustered
  at wafer or block scale; uniform, :class:`RadialProfile` or
  :class:`ReticlePattern` positions; optional :class:`DefectKinds`), both
  returning a sparse :class:`DefectBatch`. Every yield model's density
  mixing law (:class:`Mixing`, ``get_model(name).mixing(...)``) can drive
  either sampler, so each closed form has a Monte Carlo counterpart.
- Cost (submodule :mod:`yieldmodels.cost`): Chiplet Actuary's cost model
  (wafer price, KGD, test, carrier, bonding, NRE over a volume) for a die,
  a chiplet system, a monolithic die and a wafer-scale system, its
  parameters shipped as sourced data (``load_cost_parameters``).
- Packaging limits (submodule :mod:`yieldmodels.limits`): the largest
  carrier each technology builds, sourced (``load_packaging_limits``),
  ``check_carrier`` against them, UCIe lane repair, and a square die's fit
  on a round wafer with its edge exclusion (``square_on_wafer``).
- Errors: :class:`ParameterError` (a ``ValueError``), raised on every bad
  argument, and where the work or memory of a call would grow past a
  documented limit: :data:`EXACT_COUNT_MAX_STEPS` (the exact die count),
  :data:`MAX_TRIALS`, :data:`MAX_DEFECTS`, :data:`MAX_BLOCKS`,
  :data:`MAX_BLOCK_DRAWS`, :data:`RADIAL_MAX_SITES`,
  :data:`RADIAL_MIN_ACCEPTANCE`, :data:`RETICLE_MAX_LINES` (the samplers),
  :data:`MAX_RUN_TRIALS` (the rows of a degraded package),
  :data:`PARAMETER_FILE_MAX_BYTES` (parameter files).

Examples
--------
>>> import yieldmodels as ym
>>> round(ym.poisson_yield(814.0, 0.1), 4)
0.4431
>>> ym.exact_dies_per_wafer(26.0, 33.0)
66
"""

from . import cost, limits
from .assembly import (
    DEFECT_LEVEL_MODELS,
    ChipletSystem,
    carrier_yield,
    chiplet_system,
    defect_level,
    good_systems_per_wafer,
    kgd_pass_rate,
    kgd_yield,
    package_yield,
    system_yield,
)
from .closed_form import (
    bose_einstein_yield,
    expected_defects,
    murphy_yield,
    negative_binomial_yield,
    poisson_yield,
    rectangular_yield,
    seeds_exponential_yield,
    seeds_hyperbolic_yield,
)
from .dies import (
    EXACT_COUNT_MAX_STEPS,
    exact_count_feasible,
    exact_dies_per_wafer,
    gross_dies_per_wafer,
)
from paramcheck import ParameterError
from .degraded import MAX_RUN_TRIALS, degraded_rows_pmf, longest_run_pmf
from .lanes import lane_repaired_bond_yield
from .models import YIELD_MODELS, YieldModel, all_yields, get_model
from .parameters import (
    PARAMETER_FILE_MAX_BYTES,
    Packaging,
    ParameterSet,
    ProcessNode,
    WaferDefaults,
    load_parameter_set,
    parameter_sets,
)
from .redundancy import k_of_n_groups_yield, k_of_n_yield
from .sampling import MAX_DEFECTS, MAX_TRIALS, DefectBatch, Mixing, sample_defects
from .spatial import (
    MAX_BLOCK_DRAWS,
    MAX_BLOCKS,
    RADIAL_MAX_SITES,
    RADIAL_MIN_ACCEPTANCE,
    RETICLE_MAX_LINES,
    UNIFORM,
    DefectGrid,
    DefectKinds,
    RadialProfile,
    ReticlePattern,
    sample_grid_defects,
)

__all__ = [
    # submodules
    "cost",
    "limits",
    "MAX_BLOCK_DRAWS",
    "MAX_BLOCKS",
    "MAX_DEFECTS",
    "MAX_TRIALS",
    "PARAMETER_FILE_MAX_BYTES",
    "RADIAL_MAX_SITES",
    "RADIAL_MIN_ACCEPTANCE",
    "RETICLE_MAX_LINES",
    "Mixing",
    "UNIFORM",
    "DefectGrid",
    "DefectKinds",
    "RadialProfile",
    "ReticlePattern",
    "sample_grid_defects",
    "YIELD_MODELS",
    "YieldModel",
    "all_yields",
    "bose_einstein_yield",
    "get_model",
    "k_of_n_groups_yield",
    "k_of_n_yield",
    "murphy_yield",
    "rectangular_yield",
    "seeds_exponential_yield",
    "seeds_hyperbolic_yield",
    "DEFECT_LEVEL_MODELS",
    "ChipletSystem",
    "Packaging",
    "ParameterSet",
    "ProcessNode",
    "WaferDefaults",
    "carrier_yield",
    "chiplet_system",
    "defect_level",
    "kgd_pass_rate",
    "kgd_yield",
    "lane_repaired_bond_yield",
    "degraded_rows_pmf",
    "longest_run_pmf",
    "MAX_RUN_TRIALS",
    "load_parameter_set",
    "package_yield",
    "parameter_sets",
    "DefectBatch",
    "ParameterError",
    "EXACT_COUNT_MAX_STEPS",
    "exact_count_feasible",
    "exact_dies_per_wafer",
    "expected_defects",
    "good_systems_per_wafer",
    "gross_dies_per_wafer",
    "negative_binomial_yield",
    "poisson_yield",
    "sample_defects",
    "system_yield",
]
