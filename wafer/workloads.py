"""A study's traffic patterns, priced on the wafer and on the same silicon as chiplets.

Each pattern of ``StudyConfig.traffic`` (a name of :data:`routing.PATTERNS`,
optionally with parameters: ``"stencil:points=9:halo=2"``) is routed on the
logical mesh (``StudyConfig.routing``, XY or YX) and priced with the study's
link classes (:meth:`wafer.ChipletSpec.link_classes`) four ways, all by the
same network code (:mod:`routing.figures`):

- each repaired wafer (its listed paths and bypass links; per trial);
- the same wafer with no defect: the defects' penalty is the ratio to it;
- an ideal mesh of the wafer's logical shape: what the spare layout costs;
- the chiplet system: its dies' logical meshes as one mesh whose die-edge
  links are of the packaging's die-to-die class (where the dies carry the
  wafer's scheme, the study adds the extra hops of the spare cores their
  links cross, as the wafer's do);
- the GPU and tile systems, where the study has them: the logical mesh cut
  into one block a GPU (:func:`wafer.gpu.gpu_pattern_figures`), or spread
  over the tiles' node mesh (:func:`wafer.tile.tile_pattern_figures`).

Uniform traffic is every node sending one byte per step spread evenly over
the others; it shares the wafer's uniform-traffic embedding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import routing
from paramcheck import ParameterError, check_str

from .gpu import GpuResult, gpu_pattern_figures
from .tile import TileResult, tile_pattern_figures

__all__ = ["PatternSetup", "TrafficResult", "parse_pattern", "prepare_patterns"]


def _value(text: str) -> object:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_pattern(entry: str) -> tuple[str, dict]:
    """``(name, parameters)`` of a pattern entry ``"name[:key=value[:key=value ...]]"``.

    Values are read as integers, else numbers, else text.

    Examples
    --------
    >>> parse_pattern("stencil:points=9:cell_bytes=2.5")
    ('stencil', {'points': 9, 'cell_bytes': 2.5})
    >>> parse_pattern("stencil:points")
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: traffic must be name[:key=value ...], got 'stencil:points'
    """
    check_str("traffic", entry)
    name, *pairs = entry.split(":")
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ParameterError(f"traffic must be name[:key=value ...], got {entry!r}")
        params[key] = _value(value)
    return name, params


@dataclass(frozen=True, eq=False)
class PatternSetup:
    """One pattern, prepared once per study.

    Attributes
    ----------
    entry : str
        As given in ``StudyConfig.traffic``.
    total, unit_bits : float
        What the wafer's loads sum to per step (bytes, or node pairs for
        uniform traffic) and the bits of one unit of load.
    bytes_per_step : float
        Bytes all the wafer's logical nodes send in one step.
    ideal, chiplet, chiplet_ideal : dict of str -> float
        The figures (:data:`routing.figures.FIGURES`) of an ideal mesh of the
        wafer's logical shape, of the chiplet system, and of the chiplets'
        mesh with on-die links only.
    gpu, tile : dict of str -> float or None
        The pattern on the study's GPU and tile systems
        (:func:`wafer.gpu.gpu_pattern_figures`, :func:`wafer.tile.tile_pattern_figures`),
        None without one.
    hops : dict of str -> int or None
        The 99th percentile (over bytes) and the largest hop count of a route
        on the ideal mesh, the fault-free wafer (None for uniform traffic,
        whose N^2 routes are not listed) and the chiplets.
    bottlenecks, ideal_bottlenecks : tuple
        The most loaded channels of the chiplets and of the ideal mesh (which
        the fault-free wafer's logical links keep, each on channels of its
        own): (x, y, port, link class, load), x and y of the mesh.
    """

    entry: str
    total: float
    unit_bits: float
    bytes_per_step: float
    ideal: dict
    chiplet: dict
    chiplet_ideal: dict
    hops: dict
    bottlenecks: tuple
    ideal_bottlenecks: tuple
    gpu: dict | None = None
    tile: dict | None = None


#: Flows whose route hops are counted at a time (bounds the memory of a
#: pattern's setup: about 100 bytes a flow).
_FLOW_CHUNK = 2**20


def _fault_free_hops(base: routing.EmbeddedTraffic, flows: routing.Flows, routing_name: str) -> tuple[int, int]:
    """(99th percentile over the bytes, largest) of the hop counts of a pattern's
    routes on the fault-free wafer: logical hops plus the extra hops of the
    listed links each route takes; in chunks of :data:`_FLOW_CHUNK` flows."""
    lrows, lcols = base.logical_shape
    hops_of = routing.ROUTINGS[routing_name].hops
    hist = np.zeros(0)
    for lo in range(0, len(flows), _FLOW_CHUNK):
        src, dst = flows.src[lo:lo + _FLOW_CHUNK], flows.dst[lo:lo + _FLOW_CHUNK]
        weight = flows.weight[lo:lo + _FLOW_CHUNK]
        hops = hops_of(src, dst, lrows, lcols) + base.route_extra_hops(src, dst, routing_name)
        part = np.bincount(hops[weight > 0], weights=weight[weight > 0])
        if part.size > hist.size:
            part[: hist.size] += hist
            hist = part
        else:
            hist[: part.size] += part
    cum = np.cumsum(hist)
    return int(np.searchsorted(cum, 0.99 * cum[-1], side="left")), int(np.flatnonzero(hist)[-1])


def prepare_patterns(entries, routing_name: str, logical_shape, core_shape, die_shape, classes, d2d: str,
                     base: routing.EmbeddedTraffic, gpu: GpuResult | None = None,
                     tile: TileResult | None = None) -> tuple[dict, dict]:
    """:class:`PatternSetup` of each entry, and its load on every logical
    channel of the wafer (bytes per step; None for uniform traffic, which is
    the wafer's uniform embedding in flows). O(logical nodes + flows) each.

    Parameters
    ----------
    entries : tuple of str
        Pattern entries (:func:`parse_pattern`).
    routing_name : str
        A key of :data:`routing.ROUTINGS`.
    logical_shape, core_shape, die_shape : (rows, cols)
        The wafer's logical mesh, the core grid and one chiplet die, in cores.
    classes : routing.LinkClassTable
    d2d : str
        The die-to-die class's name in ``classes``.
    base : routing.EmbeddedTraffic
        The fault-free wafer (for its routes' extra hops).
    gpu, tile : wafer.gpu.GpuResult, wafer.tile.TileResult, optional
        The study's GPU and tile systems, to price each pattern on too.
    """
    lrows, lcols = logical_shape
    rows, cols = core_shape
    ideal_net = routing.Network.mesh(lrows, lcols, link_classes=classes)
    chip_net = routing.Network.chiplets(rows, cols, *die_shape, d2d_class=d2d, link_classes=classes)
    chip_mesh = routing.Network.mesh(rows, cols, link_classes=classes)
    setups, wafer_loads = {}, {}
    n = lrows * lcols
    for entry in entries:
        name, params = parse_pattern(entry)
        uniform = name == "uniform" and not params
        # The wafer's logical mesh, then the chiplets': one mesh's flows in memory at a time.
        flows = _flows(entry, name, params, lrows, lcols, "the wafer's logical mesh")
        loads = routing.channel_loads(flows, lrows, lcols, routing_name)
        m = routing.traffic_metrics(flows, lrows, lcols, routing_name, top=3)
        ideal_bottlenecks = tuple((x, y, port, "mesh", load) for _, x, y, port, load in m.bottlenecks)
        hops = {"ideal_p99": m.p99_hops, "ideal_max": m.max_hops, "fault_free_p99": None, "fault_free_max": None}
        if not flows.uniform:
            hops["fault_free_p99"], hops["fault_free_max"] = _fault_free_hops(base, flows, routing_name)
        total_bytes = flows.total
        ideal = routing.network_figures(ideal_net, loads, total_bytes)
        on_gpus = None if gpu is None else gpu_pattern_figures(flows, lrows, lcols, gpu)
        on_tiles = None if tile is None else tile_pattern_figures(flows, lrows, lcols, tile)
        del flows
        chip_flows = _flows(entry, name, params, rows, cols, "the chiplets' mesh")
        chip_loads = routing.channel_loads(chip_flows, rows, cols, routing_name)
        m = routing.traffic_metrics(chip_flows, rows, cols, routing_name, top=0)
        hops.update(chiplet_p99=m.p99_hops, chiplet_max=m.max_hops)
        setups[entry] = PatternSetup(
            entry=entry,
            total=float(n * (n - 1)) if uniform else total_bytes,
            unit_bits=8.0 / (n - 1) if uniform else 8.0,
            bytes_per_step=total_bytes,
            ideal=ideal,
            chiplet=routing.network_figures(chip_net, chip_loads, chip_flows.total),
            chiplet_ideal=routing.network_figures(chip_mesh, chip_loads, chip_flows.total),
            hops=hops,
            bottlenecks=routing.network_bottlenecks(chip_net, chip_loads),
            ideal_bottlenecks=ideal_bottlenecks,
            gpu=on_gpus,
            tile=on_tiles,
        )
        wafer_loads[entry] = None if uniform else loads
    return setups, wafer_loads


def _flows(entry: str, name: str, params: dict, rows: int, cols: int, where: str) -> routing.Flows:
    """The pattern's flows on a ``rows x cols`` mesh, or one line saying why it cannot be there."""
    try:
        flows = routing.make_traffic(name, rows, cols, **params)
    except ParameterError as exc:
        raise ParameterError(f"traffic {entry!r} is refused on {where} ({rows} x {cols}): {exc}") from None
    if flows.total == 0:
        raise ParameterError(f"traffic {entry!r} must send something, got no byte on {where} ({rows} x {cols})")
    return flows


@dataclass(frozen=True, eq=False)
class TrafficResult:
    """One pattern's figures on every trial and on the systems it is compared with.

    Attributes
    ----------
    setup : PatternSetup
    trials : dict of str -> ndarray of float64
        Each figure (:data:`routing.figures.FIGURES`) per trial; NaN where
        repair failed.
    fault_free : dict of str -> float
        The same wafer with no defect.
    """

    setup: PatternSetup
    trials: dict
    fault_free: dict
