"""Defect-density and yield models for wafer-scale and chiplet systems.

Import name ``yieldmodels`` (the source directory is ``yield/``, a Python
keyword). Units: areas in mm^2, lengths in mm, defect density ``d0`` in
defects per cm^2 (1 cm^2 = 100 mm^2).

- Closed forms: :func:`poisson_yield`, :func:`negative_binomial_yield`,
  :func:`expected_defects`.
- Dies per wafer: :func:`gross_dies_per_wafer`, :func:`exact_dies_per_wafer`.
- Chiplet assembly: :func:`system_yield`, :func:`good_systems_per_wafer`.
- Monte Carlo: :func:`sample_defects` returning a :class:`DefectBatch`.
- Errors: :class:`ParameterError` (a ``ValueError``).

Examples
--------
>>> import yieldmodels as ym
>>> round(ym.poisson_yield(814.0, 0.1), 4)
0.4431
>>> ym.exact_dies_per_wafer(26.0, 33.0)
66
"""

from .assembly import good_systems_per_wafer, system_yield
from .closed_form import expected_defects, negative_binomial_yield, poisson_yield
from .dies import exact_dies_per_wafer, gross_dies_per_wafer
from .errors import ParameterError
from .sampling import DefectBatch, sample_defects

__all__ = [
    "DefectBatch",
    "ParameterError",
    "exact_dies_per_wafer",
    "expected_defects",
    "good_systems_per_wafer",
    "gross_dies_per_wafer",
    "negative_binomial_yield",
    "poisson_yield",
    "sample_defects",
    "system_yield",
]
