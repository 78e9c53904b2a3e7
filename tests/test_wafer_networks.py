"""A study's networks in batches against one full ShiftMapping per wafer.

:class:`wafer.ShiftedNetworks` embeds the fault-free wafer once and follows
each wafer's defects; for every trial its status and metrics must be exactly
those of :meth:`wafer.ShiftMapping.metrics`, which embeds the whole wafer anew.
"""

from __future__ import annotations

import os
import tempfile
from unittest.mock import patch

import numpy as np
import pytest
import routing
import routing.incremental
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_wafer_remap import small_wafers

from routing.reference import reference_pattern_loads
from wafer import Faults, ShiftedNetworks, ShiftMapping, ShiftToSpare, WaferSpec
from wafer.workloads import parse_pattern
from yieldmodels import DefectBatch

FIELDS = (
    "gamma_max", "saturation", "bandwidth_fraction", "mean_link_extra_hops",
    "max_link_extra_hops", "mean_route_extra_hops", "max_route_extra_hops",
)


def batch(rows: list[list[int]]) -> DefectBatch:
    offsets = np.concatenate(([0], np.cumsum([len(r) for r in rows]))).astype(np.int64)
    sites = np.array([s for r in rows for s in r], dtype=np.int64)
    return DefectBatch(offsets, sites)


@st.composite
def wafer_faults(draw, spec: WaferSpec):
    """One wafer's dead cores (router defects included), routers and links."""
    n = spec.n_cores
    cols = spec.core_cols
    routers = sorted(draw(st.sets(st.integers(0, n - 1), max_size=3)))
    cores = sorted(set(draw(st.sets(st.integers(0, n - 1), max_size=8))) | set(routers))
    east = [4 * c for c in range(n) if c % cols + 1 < cols]
    south = [4 * c + 2 for c in range(n) if c + cols < n]
    links = sorted(draw(st.sets(st.sampled_from(east + south), max_size=3))) if east + south else []
    return cores, routers, links


@given(st.data())
@settings(max_examples=150)
def test_batched_networks_equal_one_mapping_per_wafer(data):
    spec, scheme = data.draw(small_wafers(max_rows=7, max_segments=4, max_segment_width=7))
    wafers = data.draw(st.lists(wafer_faults(spec), min_size=1, max_size=6))
    faults = Faults(*(batch([w[k] for w in wafers]) for k in range(3)))
    status, metrics, _ = ShiftedNetworks(spec, scheme).measure(faults)
    for t, w in enumerate(wafers):
        m = ShiftMapping(spec, scheme, *w)
        assert status[t] == m.status
        if m.repaired:
            want = m.metrics()
            assert {k: float(metrics[k][t]) for k in FIELDS} == {k: getattr(want, k) for k in FIELDS}
        else:
            assert all(np.isnan(metrics[k][t]) for k in FIELDS)


def test_a_wafer_with_no_defect_is_the_fault_free_wafer():
    spec, scheme = WaferSpec(core_rows=6, core_cols=12), ShiftToSpare(segment_width=4, spares=1, max_skew=1)
    nets = ShiftedNetworks(spec, scheme)
    assert nets.spec is spec and nets.scheme is scheme
    assert scheme.networks(spec).fault_free == nets.fault_free
    none = batch([[], []])
    status, metrics, _ = nets.measure(Faults(none, none, none))
    assert status.tolist() == [0, 0]
    for k in FIELDS:
        assert metrics[k].tolist() == [getattr(nets.fault_free, k)] * 2
    assert nets.fault_free == scheme.mapping(spec, []).metrics()


def test_default_wafer_hand_example():
    # One dead core in the middle of a segment of the WSE-3 wafer: the link
    # across it takes two hops, and the segment's last logical core shifts
    # into the first spare, so the crossing after it takes 8 hops instead of 9.
    spec, scheme = WaferSpec(), ShiftToSpare()
    nets = ShiftedNetworks(spec, scheme)
    dead = 500 * spec.core_cols + 106 * 3 + 40
    none = batch([[]])
    status, m, _ = nets.measure(Faults(batch([[dead]]), none, none))
    want = scheme.mapping(spec, [dead]).metrics()
    assert status.tolist() == [0]
    assert m["mean_link_extra_hops"][0] == want.mean_link_extra_hops
    ff = nets.fault_free
    n_links = 2 * (763 * 1175 + 1176 * 762)
    # Two links gain one hop each; two crossings lose one each.
    assert m["mean_link_extra_hops"][0] * n_links == ff.mean_link_extra_hops * n_links
    assert m["max_route_extra_hops"][0] == want.max_route_extra_hops


def reference_pattern_sums(spec: WaferSpec, m: ShiftMapping, loads: np.ndarray) -> dict:
    """A repaired wafer's pattern sums, logical link by logical link, from its
    whole mapping: listed paths, one-hop mesh channels and bypass links."""
    lrows, lcols = m.logical_shape
    l2p = m.to_dense().ravel()
    e = m.embedding_or_none()
    paths = {int(link): e.paths.path(i).tolist() for i, link in enumerate(e.links)}
    mesh: dict[int, float] = {}
    bypass = []
    extra = 0.0
    for link in range(4 * lrows * lcols):
        node, port = divmod(link, 4)
        x, y = node % lcols, node // lcols
        dx, dy = [(1, 0), (-1, 0), (0, 1), (0, -1)][port]
        if not (0 <= x + dx < lcols and 0 <= y + dy < lrows):
            continue
        src, dst = int(l2p[node]), int(l2p[node + dx + lcols * dy])
        if link in paths:
            for c in paths[link]:
                mesh[c] = mesh.get(c, 0.0) + loads[link]
            extra += loads[link] * (len(paths[link]) - 1)
        elif port >= 2 and spec.diagonal_links and src % spec.core_cols != dst % spec.core_cols:
            bypass.append(loads[link])
        else:
            mesh[4 * src + port] = mesh.get(4 * src + port, 0.0) + loads[link]
    return {"max_load": max(mesh.values(), default=0.0), "sum_load_extra": extra,
            "bypass_max": max(bypass, default=0.0), "bypass_sum": float(sum(bypass))}


@given(st.data())
@settings(max_examples=100)
def test_pattern_sums_equal_a_link_by_link_sum_on_the_whole_mapping(data):
    spec, scheme = data.draw(small_wafers(max_rows=7, max_segments=4, max_segment_width=7))
    wafers = data.draw(st.lists(wafer_faults(spec), min_size=1, max_size=4))
    lrows, lcols = scheme.logical_shape(spec)
    n = 4 * lrows * lcols
    loads = np.array(data.draw(st.lists(st.integers(0, 9), min_size=n, max_size=n)), dtype=np.float64)
    node, port = np.divmod(np.arange(n), 4)
    x, y = node % lcols, node // lcols
    off = ((port == 0) & (x == lcols - 1)) | ((port == 1) & (x == 0)) | ((port == 2) & (y == lrows - 1)) | (
        (port == 3) & (y == 0))
    loads[off] = 0
    faults = Faults(*(batch([w[k] for w in wafers]) for k in range(3)))
    # Keeping a single link in load order makes the largest often a bypass
    # link, and the kernel must then look at every link.
    top = data.draw(st.sampled_from([1, 1024]), label="links kept in load order")
    with patch.object(routing.incremental, "_TOP_LINKS", top):
        status, _, patterns = ShiftedNetworks(spec, scheme, {"p": loads}).measure(faults)
    for t, w in enumerate(wafers):
        m = ShiftMapping(spec, scheme, *w)
        if m.repaired:
            want = reference_pattern_sums(spec, m, loads)
            assert {k: float(patterns["p"][k][t]) for k in want} == want
        else:
            assert np.isnan(patterns["p"]["max_load"][t])


#: Patterns that fit any small mesh (the bit permutations need power-of-two ones).
ANY_MESH = ("uniform", "stencil", "stencil:points=9", "allreduce-ring", "allreduce-2d", "tornado", "neighbor",
            "hotspot", "random-graph:degree=1.0", "summa", "pipeline:stages=2", "file")


@given(st.data())
@settings(max_examples=80)
def test_pattern_sums_equal_networkx_routing_every_flow_on_the_wafer_network(data):
    """Every flow routed XY or YX on the logical mesh, each hop put on the
    wafer's physical network (ShiftMapping.network) by the networkx reference."""
    spec, scheme = data.draw(small_wafers(max_rows=6, max_segments=3, max_segment_width=6))
    lrows, lcols = scheme.logical_shape(spec)
    entry = data.draw(st.sampled_from(ANY_MESH), label="pattern")
    name, params = parse_pattern(entry)
    assume(lrows * lcols >= 3 or name not in ("allreduce-ring", "random-graph"))
    assume(name != "file" or lrows * lcols >= 2)
    how = data.draw(st.sampled_from(sorted(routing.ROUTINGS)), label="routing")
    if name == "file":  # a user's traffic matrix, as a CSV file
        n = lrows * lcols
        rows = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(0, 9))
                                  .filter(lambda r: r[0] != r[1]), min_size=1, max_size=12), label="flows")
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
            f.write("src,dst,bytes\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows))
        params = {"path": f.name}
    flows = routing.make_traffic(name, lrows, lcols, **params)
    if name == "file":
        os.unlink(params["path"])
    loads = routing.channel_loads(flows, lrows, lcols, how)
    w = data.draw(wafer_faults(spec))
    m = ShiftMapping(spec, scheme, *w)
    assume(m.repaired)
    faults = Faults(*(batch([w[k]]) for k in range(3)))
    _, _, sums = ShiftedNetworks(spec, scheme, {entry: loads}).measure(faults)
    s = {k: float(v[0]) for k, v in sums[entry].items()}
    net = m.network()
    ref = reference_pattern_loads(net, m.to_dense(), flows, how, spec.bridge_margin)
    bypass = net.link_classes.index("bypass")
    on_mesh = [v for c, v in ref.items() if net.channel_class[c] != bypass]
    on_bypass = [v for c, v in ref.items() if net.channel_class[c] == bypass]
    assert s["max_load"] == pytest.approx(max(on_mesh, default=0.0), rel=1e-9, abs=1e-12)
    assert s["bypass_max"] == pytest.approx(max(on_bypass, default=0.0), rel=1e-9, abs=1e-12)
    assert s["bypass_sum"] == pytest.approx(sum(on_bypass), rel=1e-9, abs=1e-12)
    # Load times channels crossed, summed.
    assert loads.sum() + s["sum_load_extra"] == pytest.approx(sum(ref.values()), rel=1e-9, abs=1e-12)


@given(st.data())
@settings(max_examples=40)
def test_bit_patterns_on_power_of_two_wafers_equal_networkx(data):
    side = data.draw(st.sampled_from([2, 4, 8]), label="logical side")
    spares = data.draw(st.integers(1, 2), label="spares")
    spec = WaferSpec(core_rows=side, core_cols=side + spares, die_width_mm=2.0, die_height_mm=2.0,
                     diagonal_links=data.draw(st.booleans()), router_dies_with_core=data.draw(st.booleans()))
    scheme = ShiftToSpare(segment_width=side + spares, spares=spares, max_skew=2)
    name = data.draw(st.sampled_from(["transpose", "bitcomp", "bitrev", "shuffle"]), label="pattern")
    how = data.draw(st.sampled_from(sorted(routing.ROUTINGS)), label="routing")
    flows = routing.make_traffic(name, side, side)
    loads = routing.channel_loads(flows, side, side, how)
    w = data.draw(wafer_faults(spec))
    m = ShiftMapping(spec, scheme, *w)
    assume(m.repaired)
    _, _, sums = ShiftedNetworks(spec, scheme, {name: loads}).measure(Faults(*(batch([w[k]]) for k in range(3))))
    net = m.network()
    ref = reference_pattern_loads(net, m.to_dense(), flows, how, spec.bridge_margin)
    bypass = net.link_classes.index("bypass")
    assert float(sums[name]["max_load"][0]) == max((v for c, v in ref.items() if net.channel_class[c] != bypass),
                                                   default=0.0)
    assert loads.sum() + float(sums[name]["sum_load_extra"][0]) == pytest.approx(sum(ref.values()))
