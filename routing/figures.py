"""From channel loads and hop sums to the figures a user compares.

One communication *step* of a pattern puts its load (bytes, or flits for
uniform traffic) on every channel; the figures here price it with the
channels' link classes (:mod:`routing.links`):

- ``step_cycles``: the time of one step bounded by the most loaded channel,
  ``max over channels of load * unit_bits / bandwidth_bits_per_cycle``
  (Dally & Towles: throughput = bandwidth / gamma_max); ``step_ns`` at the
  classes' clock, and ``throughput_gbytes_per_s``, the bytes of a step over
  its time: what the whole system delivers at saturation;
- ``mean_hops``: channels a bit crosses, averaged over the bits;
- ``latency_cycles`` / ``latency_ns``: zero-load latency averaged over the
  bits: per channel crossed, its link latency plus the delay of the router it
  enters, plus the serialisation of a packet of ``packet_flits`` flits, one
  per cycle (``T0 = H t_hop + L / b``);
- ``energy_pj_per_bit``: link and router energy per delivered bit; of it,
  ``router_energy_pj_per_bit`` in the routers, and
  ``other_class_energy_pj_per_bit`` on channels (links and the routers they
  enter) of any class but the first network's own (the bypass links of a
  wafer, the die-to-die links of chiplets);
- ``step_energy_uj``: the energy of the whole step;
- ``bottleneck_other_class``: 1 where the slowest channel is of another
  class than the network's own (strictly slower than every channel of its
  own class: a bypass link on a wafer, a die-to-die link on chiplets), else 0.

:func:`embedded_figures` prices a batch of embedded wafers from
:meth:`routing.EmbeddedTraffic.sums_batch` (listed paths on mesh channels,
bypass links of their own class); :func:`network_figures` a
:class:`routing.Network` whose mesh channels carry the loads directly (a
chiplet system: the same mesh with die-to-die channels).
"""

from __future__ import annotations

import numpy as np

from paramcheck import ParameterError, check_instance, check_int, check_positive, check_real_array
from .incremental import EmbeddedTraffic
from .links import LinkClass, LinkClassTable
from .network import Network

__all__ = ["FIGURES", "embedded_figures", "network_bottlenecks", "network_figures"]

#: The figures both functions give, in order.
FIGURES = (
    "step_cycles", "step_ns", "throughput_gbytes_per_s", "mean_hops", "latency_cycles", "latency_ns",
    "energy_pj_per_bit", "router_energy_pj_per_bit", "other_class_energy_pj_per_bit", "step_energy_uj",
    "bottleneck_other_class",
)


def _hop_cycles(c: LinkClass) -> float:
    return c.latency_cycles + c.router_delay_cycles


def _hop_pj(c: LinkClass) -> float:
    return c.energy_pj_per_bit + c.router_energy_pj_per_bit


def _one_clock(classes) -> None:
    """Raise unless the classes count cycles of one clock (cycles add up along a path)."""
    clocks = {c.clock_ghz for c in classes}
    if len(clocks) > 1:
        shown = ", ".join(f"{c.name} {c.clock_ghz:g}" for c in classes)
        raise ParameterError(f"link classes must share one clock_ghz (their cycles add up along a path), got {shown}")


def _checked_common(total: object, unit_bits: object, packet_flits: object) -> tuple[float, float, int]:
    total = check_positive("total", total, "bytes or flits per step")
    unit_bits = check_positive("unit_bits", unit_bits, "bits")
    return total, unit_bits, check_int("packet_flits", packet_flits)


def embedded_figures(
    sums: dict,
    traffic: EmbeddedTraffic,
    total: float,
    classes: LinkClassTable,
    *,
    mesh: str = "mesh",
    bypass: str = "bypass",
    unit_bits: float = 8.0,
    packet_flits: int = 1,
) -> dict[str, np.ndarray]:
    """The figures of each trial of :meth:`EmbeddedTraffic.sums_batch`.

    Parameters
    ----------
    sums : dict of str -> ndarray
        What :meth:`EmbeddedTraffic.sums_batch` returned for ``traffic``.
    traffic : EmbeddedTraffic
    total : float
        Bytes (or flits) the pattern offers per step, > 0: the bits averaged
        over.
    classes : LinkClassTable
        The classes of the mesh channels (every hop of a listed path) and of
        the bypass links.
    mesh, bypass : str
        Their names in ``classes``.
    unit_bits : float
        Bits per unit of load: 8 for bytes, the flit width for flits.
    packet_flits : int
        Flits per packet, for the serialisation (one flit per cycle).

    Returns
    -------
    dict of str -> ndarray of float64
        Each of :data:`FIGURES`, per trial.

    Notes
    -----
    Exact for the model: a bit crosses one channel per logical hop, plus the
    extra hops of a listed path (all mesh channels); a bypass link is one
    hop of its own class. O(trials).

    Examples
    --------
    >>> from routing import Embedding, EmbeddingChanges, LINK_CLASSES, window_paths
    >>> e = Embedding([0], window_paths(1, 3, [0], [2]), [0, 1, 2], [0, -1, 1])
    >>> t = EmbeddedTraffic((1, 2), (1, 3), e, [4.0, 0, 0, 0, 0, 0, 0, 0])   # 4 bytes east
    >>> f = embedded_figures(t.sums_batch(EmbeddingChanges.none(1)), t, 4.0, LINK_CLASSES)
    >>> f["step_cycles"].tolist(), f["mean_hops"].tolist(), f["latency_cycles"].tolist()
    ([1.0], [2.0], [3.0])
    """
    check_instance("traffic", traffic, EmbeddedTraffic, "a routing.EmbeddedTraffic")
    check_instance("classes", classes, LinkClassTable, "a routing.LinkClassTable")
    total, unit_bits, packet_flits = _checked_common(total, unit_bits, packet_flits)
    if not isinstance(sums, dict):
        raise ParameterError(f"sums must be the dict EmbeddedTraffic.sums_batch returns, got {type(sums).__name__}")
    m, b = classes[mesh], classes[bypass]
    _one_clock((m, b))
    try:
        arrays = {k: check_real_array(f"sums[{k!r}]", sums[k]).astype(np.float64)
                  for k in ("max_load", "bypass_max", "bypass_sum", "sum_load_extra")}
    except KeyError as exc:
        raise ParameterError(f"sums must hold what EmbeddedTraffic.sums_batch returns, got no {exc}") from None
    own = arrays["max_load"] * unit_bits / m.bandwidth_bits_per_cycle
    other = arrays["bypass_max"] * unit_bits / b.bandwidth_bits_per_cycle
    step = np.maximum(own, other)
    hops = traffic.load_sum + arrays["sum_load_extra"]   # load x channels crossed, bypass as one hop
    by = arrays["bypass_sum"]
    cycles = hops * _hop_cycles(m) + by * (_hop_cycles(b) - _hop_cycles(m))
    pj = hops * _hop_pj(m) + by * (_hop_pj(b) - _hop_pj(m))
    router = hops * m.router_energy_pj_per_bit + by * (b.router_energy_pj_per_bit - m.router_energy_pj_per_bit)
    return _figures(step, hops, cycles, pj, router, by * _hop_pj(b), other > own, total, unit_bits, packet_flits, m)


def network_figures(
    network: Network, loads: np.ndarray, total: float, *, unit_bits: float = 8.0, packet_flits: int = 1,
) -> dict[str, float]:
    """The figures of a network whose mesh channels carry ``loads`` directly.

    Parameters
    ----------
    network : Network
        Every node of the mesh part is a logical node (a plain mesh, or the
        same mesh cut into dies: :meth:`Network.chiplets`).
    loads : 1-D array of float
        The load of each mesh channel ``4 * node + port``
        (:func:`routing.channel_loads`); a load on a port the network has no
        channel for, or on a dead channel, is an error.
    total : float
        Bytes (or flits) the pattern offers per step, > 0.
    unit_bits, packet_flits
        As for :func:`embedded_figures`; the class of channel 0 is the
        network's own (its cycles count the time; every class of a table
        shares one clock).

    Returns
    -------
    dict of str -> float
        Each of :data:`FIGURES`.

    Notes
    -----
    O(channels).

    Examples
    --------
    Two 1 x 1 dies: one byte each way over the die-to-die link.

    >>> from routing import Network
    >>> net = Network.chiplets(1, 2, 1, 1)
    >>> f = network_figures(net, [1.0, 0, 0, 0, 0, 1.0, 0, 0], 2.0)
    >>> round(f["latency_ns"], 3), f["energy_pj_per_bit"]
    (3.818, 0.55)
    """
    check_instance("network", network, Network, "a routing.Network")
    total, unit_bits, packet_flits = _checked_common(total, unit_bits, packet_flits)
    ids = network.mesh_channel_ids()
    loads = np.ascontiguousarray(check_real_array("loads", loads).reshape(-1))
    if loads.size != ids.size:
        raise ParameterError(f"loads must hold one load per mesh channel id ({ids.size:,}), got {loads.size:,}")
    loaded = np.flatnonzero(loads)
    channel = ids[loaded]
    if (channel < 0).any() or not network.channel_usable()[channel].all():
        raise ParameterError("loads must be on channels the network has and can use, got a load elsewhere")
    table = network.link_classes.classes
    k = network.channel_class[channel]
    k0 = network.channel_class[0]
    _one_clock([table[i] for i in np.unique(network.channel_class)])
    bandwidth = np.array([c.bandwidth_bits_per_cycle for c in table])
    cyc = np.array([_hop_cycles(c) for c in table])
    pj = np.array([_hop_pj(c) for c in table])
    router = np.array([c.router_energy_pj_per_bit for c in table])
    on = loads[loaded]
    time = on * unit_bits / bandwidth[k]
    step = float(time.max()) if on.size else 0.0
    own_max = float(time[k == k0].max()) if (k == k0).any() else 0.0
    out = _figures(np.array([step]), np.array([on.sum()]), np.array([(on * cyc[k]).sum()]),
                   np.array([(on * pj[k]).sum()]), np.array([(on * router[k]).sum()]),
                   np.array([(on * pj[k])[k != k0].sum()]), np.array([step > own_max]), total, unit_bits,
                   packet_flits, table[k0])
    return {name: float(v[0]) for name, v in out.items()}


def network_bottlenecks(network: Network, loads: np.ndarray, top: int = 3) -> tuple:
    """The ``top`` slowest channels of a network whose mesh channels carry ``loads``.

    Parameters
    ----------
    network : Network
    loads : 1-D array of float
        As for :func:`network_figures`.
    top : int
        How many, >= 0.

    Returns
    -------
    tuple of (x, y, port, link class, load)
        Ordered by load over the channel class's bandwidth, slowest first
        (ties by mesh channel id); ``port`` is E, W, S or N.

    Examples
    --------
    Two 1 x 2 dies side by side whose die-to-die link is a quarter as fast:
    the crossing is the bottleneck though every link carries one byte.

    >>> from routing import LINK_CLASSES, Network
    >>> t = LINK_CLASSES.with_overrides({"d2d-standard": {"bandwidth_bits_per_cycle": 8.0}})
    >>> net = Network.chiplets(1, 4, 1, 2, link_classes=t)
    >>> network_bottlenecks(net, [1.0, 0, 0, 0, 1.0, 0, 0, 0, 1.0, 0, 0, 0, 0, 0, 0, 0], top=1)
    ((1, 0, 'E', 'd2d-standard', 1.0),)
    """
    check_instance("network", network, Network, "a routing.Network")
    top = check_int("top", top, minimum=0)
    ids = network.mesh_channel_ids()
    loads = np.ascontiguousarray(check_real_array("loads", loads).reshape(-1))
    if loads.size != ids.size:
        raise ParameterError(f"loads must hold one load per mesh channel id ({ids.size:,}), got {loads.size:,}")
    loaded = np.flatnonzero(loads)
    if (ids[loaded] < 0).any():
        raise ParameterError("loads must be on channels the network has, got a load elsewhere")
    classes = network.link_classes.classes
    bandwidth = np.array([c.bandwidth_bits_per_cycle for c in classes])
    k = network.channel_class[ids[loaded]]
    order = np.lexsort((loaded, -loads[loaded] / bandwidth[k]))[:top]
    cols = int(network.x.max()) + 1
    return tuple(
        (int(m // 4 % cols), int(m // 4 // cols), "EWSN"[m % 4], classes[k[i]].name, float(loads[m]))
        for i, m in zip(order, loaded[order])
    )


def _figures(step, hops, cycles, pj, router, other, off_own, total, unit_bits, packet_flits,
             serial: LinkClass) -> dict[str, np.ndarray]:
    """The figures from a step's bottleneck time, load x (hops, cycles,
    pJ/bit, router pJ/bit, pJ/bit on other classes) summed, and whether the
    bottleneck is off the own class; ``serial`` is the network's own class,
    whose clock counts the cycles."""
    latency = cycles / total + packet_flits  # a packet's flits follow its head one per cycle
    step_ns = step / serial.clock_ghz
    with np.errstate(divide="ignore"):
        throughput = np.where(step > 0, total * unit_bits / 8 / np.where(step > 0, step_ns, 1.0), np.inf)
    return {
        "step_cycles": step,
        "step_ns": step_ns,
        "throughput_gbytes_per_s": throughput,
        "mean_hops": hops / total,
        "latency_cycles": latency,
        "latency_ns": latency / serial.clock_ghz,
        "energy_pj_per_bit": pj / total,
        "router_energy_pj_per_bit": router / total,
        "other_class_energy_pj_per_bit": other / total,
        "step_energy_uj": pj * unit_bits * 1e-6,
        "bottleneck_other_class": np.asarray(off_own, dtype=np.float64),
    }
