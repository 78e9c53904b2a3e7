"""Wafer-scale fault tolerance: geometry, defects -> dead cores, remap, studies.

The composition of :mod:`yieldmodels` (defects and yield) and :mod:`routing`
(the on-chip network); the ``wafer`` command is :mod:`wafer.cli`.

The names below load their modules (and numba, scipy) on first use, so that
``import wafer`` is quick and a Ctrl-C while the command starts ends, as later,
with one line.

Examples
--------
>>> import wafer
>>> spec = wafer.WaferSpec(core_rows=4, core_cols=8)
>>> m = wafer.make_scheme("shift-to-spare", segment_width=4, spares=1).mapping(spec, [9])
>>> m.repaired, m.logical_shape, m.metrics().bandwidth_fraction
(True, (4, 6), 1.0)
"""

import importlib

#: Each public name and the module that holds it.
_WHERE = {
    "ChipletResult": "chiplet", "CostSpec": "costing", "StudyCosts": "costing", "study_costs": "costing", "ChipletSpec": "chiplet", "chiplet_comparison": "chiplet", "die_repair_closed_form": "chiplet", "CHIPLET_REPAIRS": "chiplet",
    "Faults": "faults", "dead_cores": "faults", "faults_from": "faults",
    "WaferSpec": "geometry",
    "LogicalMapping": "remap", "RemapBatch": "remap", "RemapScheme": "remap",
    "SCHEMES": "schemes", "get_scheme": "schemes", "make_scheme": "schemes", "scheme_parameters": "schemes",
    "ColumnRerouting": "rerouting", "ReroutedMapping": "rerouting",
    "Harvest": "lines", "LineRemap": "lines", "SpareLines": "lines",
    "ShiftLayoutMapping": "shift", "ShiftMapping": "shift", "ShiftToSpare": "shift", "ShiftedNetworks": "networks",
    "PRESETS": "presets", "Preset": "presets", "check_preset": "presets", "get_preset": "presets",
    "load_preset": "presets", "preset_names": "presets",
    "format_table": "report", "summarize": "report", "format_comparison": "comparison_table",
    "SYSTEMS": "systems", "load_system": "systems", "other_systems": "comparison",
    "StudyConfig": "study", "StudyResult": "study", "run_study": "study",
}

__all__ = ["ParameterError", *_WHERE]


def __getattr__(name: str):
    if name == "ParameterError":
        from paramcheck import ParameterError

        return ParameterError
    if name not in _WHERE:
        raise AttributeError(f"module 'wafer' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
