"""A study's traffic patterns, priced on the wafer and on the same silicon as chiplets.

Each pattern of ``StudyConfig.traffic`` (a name of :data:`routing.PATTERNS`,
optionally with parameters: ``"stencil:points=9:halo=2"``) is routed on the
logical mesh (``StudyConfig.routing``, XY or YX) and priced with the study's
link classes (:meth:`wafer.ChipletSpec.link_classes`) four ways, all by the
same network code (:mod:`routing.figures`):

- each repaired wafer (its listed paths and bypass links; per trial);
- the same wafer with no defect: the defects' penalty is the ratio to it;
- an ideal mesh of the wafer's logical shape: what the spare layout costs;
- the chiplet system: the full core grid as one mesh whose die-edge links are
  of the packaging's die-to-die class (no spares: every die must be good).

Uniform traffic is every node sending one byte per step spread evenly over
the others; it shares the wafer's uniform-traffic embedding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import routing
from paramcheck import ParameterError, check_str

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
    loads : ndarray of float64 or None
        Its load (bytes per step) on every logical channel of the wafer; None
        for uniform traffic (the wafer's uniform embedding, in flows).
    total, unit_bits : float
        What the wafer's loads sum to per step (bytes, or node pairs for
        uniform traffic) and the bits of one unit of load.
    bytes_per_step : float
        Bytes all the wafer's logical nodes send in one step.
    ideal, chiplet, chiplet_ideal : dict of str -> float
        The figures (:data:`routing.figures.FIGURES`) of an ideal mesh of the
        wafer's logical shape, of the chiplet system, and of the chiplets'
        mesh with on-die links only.
    hops : dict of str -> int or None
        The 99th percentile (over bytes) and the largest hop count of a route
        on the ideal mesh, the fault-free wafer (None for uniform traffic,
        whose N^2 routes are not listed) and the chiplets.
    bottlenecks : tuple
        The chiplets' most loaded channels: (x, y, port, link class, load).
    """

    entry: str
    loads: np.ndarray | None
    total: float
    unit_bits: float
    bytes_per_step: float
    ideal: dict
    chiplet: dict
    chiplet_ideal: dict
    hops: dict
    bottlenecks: tuple


def _quantiles(hops: np.ndarray, weight: np.ndarray) -> tuple[int, int]:
    """(99th percentile over the weight, largest) of the hops of flows that carry weight."""
    carried = weight > 0
    hist = np.bincount(hops[carried], weights=weight[carried])
    cum = np.cumsum(hist)
    return int(np.searchsorted(cum, 0.99 * cum[-1], side="left")), int(hops[carried].max())


def prepare_patterns(entries, routing_name: str, logical_shape, core_shape, die_shape, classes, d2d: str,
                     base: routing.EmbeddedTraffic) -> dict:
    """:class:`PatternSetup` of each entry (O(logical nodes) each).

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
    """
    lrows, lcols = logical_shape
    rows, cols = core_shape
    ideal_net = routing.Network.mesh(lrows, lcols, link_classes=classes)
    chip_net = routing.Network.chiplets(rows, cols, *die_shape, d2d_class=d2d, link_classes=classes)
    chip_mesh = routing.Network.mesh(rows, cols, link_classes=classes)
    out = {}
    for entry in entries:
        name, params = parse_pattern(entry)
        try:
            flows = routing.make_traffic(name, lrows, lcols, **params)
            chip_flows = routing.make_traffic(name, rows, cols, **params)
        except ParameterError as exc:
            raise ParameterError(
                f"traffic {entry!r} is refused on the wafer's {lrows} x {lcols} logical mesh or the chiplets'"
                f" {rows} x {cols} mesh: {exc}"
            ) from None
        if flows.total == 0 or chip_flows.total == 0:
            raise ParameterError(f"traffic {entry!r} must send something, got no byte on the wafer's {lrows} x"
                                 f" {lcols} logical mesh or the chiplets' {rows} x {cols} mesh")
        loads = routing.channel_loads(flows, lrows, lcols, routing_name)
        chip_loads = routing.channel_loads(chip_flows, rows, cols, routing_name)
        n = lrows * lcols
        uniform = name == "uniform" and not params
        ideal_m = routing.traffic_metrics(flows, lrows, lcols, routing_name)
        chip_m = routing.traffic_metrics(chip_flows, rows, cols, routing_name, top=3)
        hops = {"ideal_p99": ideal_m.p99_hops, "ideal_max": ideal_m.max_hops,
                "chiplet_p99": chip_m.p99_hops, "chiplet_max": chip_m.max_hops,
                "fault_free_p99": None, "fault_free_max": None}
        if not flows.uniform:
            manhattan = routing.ROUTINGS[routing_name].hops(flows.src, flows.dst, lrows, lcols)
            extra = base.route_extra_hops(flows.src, flows.dst, routing_name)
            hops["fault_free_p99"], hops["fault_free_max"] = _quantiles(manhattan + extra, flows.weight)
        ids = chip_net.mesh_channel_ids()
        bottlenecks = tuple((x, y, port, classes.classes[chip_net.channel_class[ids[c]]].name, load)
                            for c, x, y, port, load in chip_m.bottlenecks)
        out[entry] = PatternSetup(
            entry=entry,
            loads=None if uniform else loads,
            total=float(n * (n - 1)) if uniform else flows.total,
            unit_bits=8.0 / (n - 1) if uniform else 8.0,
            bytes_per_step=flows.total,
            ideal=routing.network_figures(ideal_net, loads, flows.total),
            chiplet=routing.network_figures(chip_net, chip_loads, chip_flows.total),
            chiplet_ideal=routing.network_figures(chip_mesh, chip_loads, chip_flows.total),
            hops=hops,
            bottlenecks=bottlenecks,
        )
    return out


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
