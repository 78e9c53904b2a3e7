"""Wafer-scale fault tolerance: geometry, defects -> dead cores, remap, studies.

The composition of :mod:`yieldmodels` (defects and yield) and :mod:`routing`
(the on-chip network); the ``wafer`` command is :mod:`wafer.cli`.

Examples
--------
>>> import wafer
>>> spec = wafer.WaferSpec(core_rows=4, core_cols=8, segment_width=4)
>>> m = wafer.get_scheme("shift-to-spare").mapping(spec, [9])
>>> m.repaired, m.logical_shape, m.metrics().bandwidth_fraction
(True, (4, 6), 1.0)
"""

from paramcheck import ParameterError

from .chiplet import ChipletResult, ChipletSpec, chiplet_comparison
from .faults import Faults, dead_cores, faults_from
from .geometry import WaferSpec
from .remap import SCHEMES, Mapping, RemapBatch, ShiftToSpare, get_scheme
from .report import format_table, summarize
from .study import StudyConfig, StudyResult, run_study

__all__ = [
    "ChipletResult", "ChipletSpec", "Mapping", "ParameterError", "RemapBatch", "SCHEMES",
    "ShiftToSpare", "StudyConfig", "StudyResult", "WaferSpec", "chiplet_comparison",
    "Faults", "dead_cores", "faults_from", "format_table", "get_scheme", "run_study", "summarize",
]
