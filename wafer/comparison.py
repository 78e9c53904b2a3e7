"""The study's silicon as GPUs with spare units and as known-good-die tiles.

Beside the wafer-scale die and its chiplet split (:mod:`wafer.study`), a
study puts the same silicon built two more ways, from the system files of
:mod:`wafer.systems` (defaults: ``h100-like`` and ``dojo-like``):

- ``gpu``: :func:`wafer.gpu.gpu_comparison`, as many reticle-limited GPUs as
  hold the wafer-scale die's area, each with its spare SMs and memory sites;
- ``tile``: :func:`wafer.tile.tile_comparison`, as many known-good-die tiles
  as hold it, on wafer-scale fan-out carriers.

Like for like with the study: the same defect density and clustering (a
gamma multiplier per die, which is per reticle-sized block as on the wafer;
Poisson with ``clustering="none"``); the same process node, cost set and
volume of systems (a system's ``G`` GPUs or ``T`` tiles spread the NRE over
``volume x G`` GPUs or ``volume x T`` tiles), whatever the file says, so
that cost differences come from the architecture. Both are closed forms,
computed once per study. What they leave out is stated in
:attr:`OtherSystem.notes`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import routing
from paramcheck import check_instance

from .gpu import GpuResult, gpu_comparison, gpu_pattern_figures
from .systems import SystemFile, load_system
from .tile import TileResult, tile_comparison, tile_grid, tile_pattern_figures

__all__ = ["OTHER_KINDS", "OtherSystem", "other_systems", "system_figures"]

#: The other systems a study builds, in the order they are reported.
OTHER_KINDS = ("gpu", "tile")


@dataclass(frozen=True)
class OtherSystem:
    """One other system of a study: its file, its result and what it leaves out.

    Attributes
    ----------
    kind : str
        ``"gpu"`` or ``"tile"``.
    file : SystemFile
        As loaded; ``result.spec`` is its spec priced like the study.
    result : GpuResult or TileResult
    notes : tuple of str
        What differs from the file and what the model does not count.
    uniform : dict of str -> float
        Uniform traffic over the study's logical mesh on this system
        (:func:`wafer.gpu.gpu_pattern_figures`, :func:`wafer.tile.tile_pattern_figures`),
        with ``throughput_gbytes_per_s`` (its bytes over its step).
    """

    kind: str
    file: SystemFile
    result: GpuResult | TileResult
    notes: tuple[str, ...]
    uniform: dict


def _priced(spec, cost, per_system: int):
    """``spec`` at the study's node, cost set and volume of systems."""
    return replace(spec, node=cost.node, cost_set=cost.cost_set, volume=cost.volume * per_system)


def _load(config, kind: str) -> SystemFile | None:
    name = getattr(config, kind)
    if name is None:
        return None
    return load_system(name, kind=kind)  # its messages name the kind: "gpu system must be ..."


def other_systems(config) -> dict[str, OtherSystem]:
    """The study's GPU and tile systems (those of ``config.gpu`` and ``config.tile`` that are not None).

    Parameters
    ----------
    config : wafer.study.StudyConfig

    Returns
    -------
    dict of str -> OtherSystem
        Keyed by kind, in :data:`OTHER_KINDS` order.

    Notes
    -----
    Constant per study: two closed forms and two exact die counts
    (milliseconds), and the tile mesh's uniform metrics.

    Examples
    --------
    >>> from wafer.study import StudyConfig
    >>> o = other_systems(StudyConfig())
    >>> o["gpu"].result.gpus_per_system, o["gpu"].result.spec.volume, o["tile"].result.tiles_per_system
    (57, 57000, 3)
    """
    from .study import StudyConfig  # the study imports this module

    check_instance("config", config, StudyConfig)
    wafer, cost, alpha = config.wafer, config.cost, config.cluster_alpha
    rows, cols = config.logical_shape
    uniform = routing.make_traffic("uniform", rows, cols)
    out = {}
    notes_common = []
    if config.radial_edge_excess:
        notes_common.append("defects uniform over the wafer: the study's radial profile is not applied")
    gpu = _load(config, "gpu")
    if gpu is not None:
        spec = _priced(gpu.spec, cost, gpu.spec.system_gpus(wafer))
        notes = [*notes_common,
                 f"priced at the study's {cost.node} node and {cost.volume:,} systems",
                 "NVSwitch fabric non-blocking; on-die movement and HBM not counted (optimistic for GPUs)"]
        if spec.shared_area_mm2 is None:
            notes.append(f"{spec.critical_shared_mm2:.4g} mm^2 of each die outside SMs and memory sites must be"
                         " defect-free (an estimate)")
        result = gpu_comparison(wafer, spec, config.d0, alpha)
        out["gpu"] = OtherSystem("gpu", gpu, result, tuple(notes),
                                 _with_throughput(gpu_pattern_figures(uniform, rows, cols, result), uniform))
    tile = _load(config, "tile")
    if tile is not None:
        spec = _priced(tile.spec, cost, tile.spec.tiles_per_system or tile.spec.matching_tiles(wafer))
        result = tile_comparison(wafer, spec, config.d0, alpha)
        notes = [*notes_common,
                 f"priced at the study's {cost.node} node and {cost.volume:,} systems",
                 f"carrier defect density {result.spec.package.carrier_d0:g}/cm^2 is an estimate: at the yield"
                 f" set's own the tile yield would be {result.tile_yield_at_set_carrier_d0:.3g}",
                 f"{'x'.join(map(str, tile_grid(result.tiles_per_system, rows, cols, result.spec)))} tiles as one"
                 " node mesh with die-edge and tile-edge links; traffic inside a node and the I/O dies not counted"]
        if spec.needed_units is None:
            notes.append(f"each die needs all {spec.units_per_die} of its nodes (no spares: set needed_units"
                         " in a copy of the file to give it some)")
        if not result.cost_exact:
            notes.append("cost an upper bound (spare dies with test escapes)")
        out["tile"] = OtherSystem("tile", tile, result, tuple(notes),
                                  _with_throughput(tile_pattern_figures(uniform, rows, cols, result), uniform))
    return out


def _with_throughput(figures: dict, flows) -> dict:
    """``figures`` with the bytes of ``flows`` over its step, GB/s (inf for a step of no time)."""
    step = figures["step_ns"]
    return {**figures, "throughput_gbytes_per_s": flows.total / step if step > 0 else math.inf}


def system_figures(other: OtherSystem) -> dict:
    """The figures of one other system the comparison table shows, as plain data.

    Keys: ``name``, ``description``, ``kind``, ``path``, ``system`` (what a
    system is), ``dies_per_system``, ``silicon_mm2``, ``die_yield``,
    ``die_yield_without_spares``, ``dies_per_wafer``, ``good_systems_per_wafer``,
    ``usable_area_mm2_per_wafer``, ``usable_area_fraction``, ``units``
    (what a working unit is), ``working_units_per_wafer``,
    ``silicon_per_good_system_mm2``, ``cost`` (``per_system``,
    ``recurring``, ``nre_share``, ``per_unit`` of the system's working
    units, ``per_gbps_uniform`` of its uniform throughput; None without a
    price), ``uniform``
    (``throughput_gbytes_per_s``, ``latency_ns``, ``energy_pj_per_bit``)
    and ``notes``; ``detail`` holds every number of the kind's result
    (:class:`wafer.gpu.GpuResult`, :class:`wafer.tile.TileResult`).

    Examples
    --------
    >>> from wafer.study import StudyConfig
    >>> f = system_figures(other_systems(StudyConfig())["tile"])
    >>> f["system"], f["dies_per_system"], f["units"]
    ('3 tiles of 5 x 5 dies', 75, 'nodes')
    """
    r = other.result
    if other.kind == "gpu":
        dies, system = r.gpus_per_system, f"{r.gpus_per_system} GPUs on an NVSwitch fabric"
        units, working = "SMs", r.good_gpus_per_wafer * r.spec.needed
        per_system_units = r.gpus_per_system * r.spec.needed
        total, cost = r.system_total_usd, r.gpu_cost

    else:
        s = r.spec
        dies = r.tiles_per_system * s.dies_per_tile
        system = f"{r.tiles_per_system} tile{'s' * (r.tiles_per_system != 1)} of {s.dies_x} x {s.dies_y} dies"
        units, working = "nodes", r.good_tiles_per_wafer * s.dies_per_tile * s.units_needed
        per_system_units = r.tiles_per_system * s.dies_per_tile * s.units_needed
        total, cost = r.system_total_usd, r.tile_cost
    gbps = other.uniform["throughput_gbytes_per_s"]
    if cost is not None:
        cost = {"per_system": total, "recurring": r.system_re_usd, "nre_share": total - r.system_re_usd,
                "per_unit": total / per_system_units,
                "per_gbps_uniform": total / gbps if gbps > 0 else math.inf}

    return {
        "name": other.file.name, "description": other.file.description, "kind": other.kind,
        "path": other.file.path, "system": system, "dies_per_system": dies, "silicon_mm2": r.system_silicon_mm2,
        "die_yield": r.die_yield, "die_yield_without_spares": r.die_yield_no_spares,
        "dies_per_wafer": r.dies_per_wafer, "good_systems_per_wafer": r.good_systems_per_wafer,
        "usable_area_mm2_per_wafer": r.usable_area_mm2_per_wafer, "usable_area_fraction": r.usable_area_fraction,
        "units": units, "working_units_per_wafer": working,
        "silicon_per_good_system_mm2": r.silicon_per_good_system_mm2,
        "cost": cost, "notes": list(other.notes),
        "uniform": {k: other.uniform[k] for k in ("throughput_gbytes_per_s", "latency_ns", "energy_pj_per_bit")},
        "detail": {f.name: getattr(r, f.name) for f in fields(r)
                   if isinstance(getattr(r, f.name), (int, float)) and not isinstance(getattr(r, f.name), bool)},
    }
