"""Router and link faults: from defect kinds to a remapped wafer and its network."""

from __future__ import annotations

import numpy as np
import pytest
import routing
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from routing.reference import reference_uniform_metrics
from test_wafer_remap import dedicated_links, reference_shift, wafers_and_dead
from yieldmodels import DefectBatch

import wafer
from wafer import ShiftToSpare
from wafer.shift import NO_PATH, OK


def test_faults_sort_defects_by_kind():
    # Trial 0: core 1 (core), core 4 (router), core 6 (east link), core 6 (south link).
    # Trial 1: nothing. Trial 2: core 2 twice (core, router).
    d = DefectBatch(np.array([0, 4, 4, 6]), np.array([1, 4, 6, 6, 2, 2]),
                    np.array([0, 1, 2, 3, 0, 1], dtype=np.int8))
    f = wafer.faults_from(d)
    assert f.cores.trial(0).tolist() == [1, 4] and f.cores.trial(2).tolist() == [2]
    assert f.routers.trial(0).tolist() == [4] and f.routers.trial(2).tolist() == [2]
    assert f.links.trial(0).tolist() == [24, 26] and f.links.trial(1).size == 0
    # Without kinds every defect kills its core.
    plain = wafer.faults_from(DefectBatch(d.offsets, d.sites))
    assert plain.cores.sites.tolist() == [1, 4, 6, 2]
    assert plain.routers.sites.size == 0 and plain.links.sites.size == 0


@st.composite
def faulty_wafers(draw):
    """A small wafer, its scheme, its dead cores (spare rule passing), and some dead routers and links."""
    spec, scheme, dead = draw(wafers_and_dead(repairable=True, max_rows=4, max_segments=2, max_segment_width=5))
    routers = draw(st.lists(st.sampled_from(dead), unique=True)) if dead else []
    channels = [c for c in range(4 * spec.n_cores)
                if routing.channel_target(np.array([c]), spec.core_rows, spec.core_cols)[0] >= 0]
    links = draw(st.lists(st.sampled_from(channels), unique=True, max_size=3)) if channels else []
    return spec, scheme, dead, routers, links


@settings(max_examples=80)
@given(faulty_wafers())
def test_router_and_link_faults_agree_with_reference(case):
    spec, scheme, dead, routers, links = case
    m = scheme.mapping(spec, dead, routers, links)
    assume(m.status in (OK, NO_PATH))
    # A wafer with no path exposes no logical mesh: its shift, from the oracle.
    dense = m.to_dense() if m.repaired else reference_shift(spec, scheme, dead)["l2p"]
    assert m.repaired or m.to_dense().shape == (0, 0)
    blocked = np.array(dead if spec.router_dies_with_core else routers, dtype=np.int64)
    ref = reference_uniform_metrics(dense, m.physical_shape, blocked, spec.bridge_margin,
                                    dedicated_links(spec, dense), dead_links=np.array(links, dtype=np.int64))
    # Repair fails for lack of a path exactly when the reference finds none.
    assert (m.status == NO_PATH) == (ref is None)
    if ref is None:
        return
    got = m.metrics()
    n = m.n_logical
    assert got.gamma_max * n == pytest.approx(ref["max_flows"])
    assert got.mean_link_extra_hops == pytest.approx(ref["mean_link_extra_hops"])
    assert got.max_link_extra_hops == ref["max_link_extra_hops"]
    assert got.mean_route_extra_hops == pytest.approx(ref["mean_route_extra_hops"])
    assert got.max_route_extra_hops == ref["max_route_extra_hops"]
    # No path crosses a dead router or a dead link.
    e = m.embedding_or_none()
    cut = set(routing.both_directions(np.array(links, dtype=np.int64), spec.core_rows, spec.core_cols).tolist())
    assert not cut & set(e.paths.channels.tolist())
    on_path = set((e.paths.channels // 4).tolist())
    ends = set(m.l2p(np.arange(n)).tolist())
    assert not (set(blocked.tolist()) & on_path) - ends


def test_a_dead_link_between_logical_neighbours_costs_a_detour():
    spec = wafer.WaferSpec(core_rows=3, core_cols=4)
    # Cores 4 and 5 (row 1) are logical neighbours 3 and 4; cut their link.
    m = ShiftToSpare(segment_width=4, spares=1, max_skew=1).mapping(spec, [], links=[4 * 4 + 0])
    assert m.repaired
    got = m.metrics()
    assert got.max_link_extra_hops == 2.0  # round through row 0 or 2
    assert m.metrics().bandwidth_fraction < 1.0


def test_router_faults_kill_their_cores():
    spec = wafer.WaferSpec(core_rows=2, core_cols=4)
    m = ShiftToSpare(segment_width=4, spares=1, max_skew=1).mapping(spec, [], routers=[1])
    assert m.dead.tolist() == [1] and m.blocked.tolist() == [1]
    assert m.repaired and 1 not in m.to_dense().ravel().tolist()
