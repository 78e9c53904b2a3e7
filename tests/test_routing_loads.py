"""Channel loads and routes on the logical mesh against a hop-by-hop reference.

The reference walks every flow hop by hop in plain Python: XY by
:func:`routing.xy.xy_route`, YX by the walk below. The fast path (difference
arrays and running sums in :mod:`routing._loads_kernel`) must agree with it
on random small meshes and sparse flows, for both routings; uniform traffic
must agree with the closed forms of :mod:`routing.xy`.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from bad_input import BAD, Case, sweep
from hypothesis import given, settings
from hypothesis import strategies as st

import routing.loads as loads_module
from paramcheck import ParameterError
from routing.loads import (
    PATHS_MAX_CHANNELS, ROUTINGS, LoadMetrics, Routing, channel_loads, route_paths, traffic_metrics,
)
from routing.mesh import EAST, NORTH, SOUTH, WEST
from routing.traffic import Flows, make_traffic
from routing.xy import uniform_flows, uniform_max_flows, uniform_mean_hops, uniform_saturation, xy_route


def yx_route(src: int, dst: int, rows: int, cols: int) -> list[int]:
    """Channels of the YX route: first along the column (y), then the row (x)."""
    sy, sx = divmod(src, cols)
    dy, dx = divmod(dst, cols)
    route, x, y = [], sx, sy
    while y != dy:
        port = SOUTH if dy > y else NORTH
        route.append(4 * (x + cols * y) + port)
        y += 1 if port == SOUTH else -1
    while x != dx:
        port = EAST if dx > x else WEST
        route.append(4 * (x + cols * y) + port)
        x += 1 if port == EAST else -1
    return route


WALK = {"xy": xy_route, "yx": yx_route}


def reference_loads(f: Flows, rows: int, cols: int, routing: str) -> np.ndarray:
    """Every flow walked hop by hop (uniform traffic listed flow by flow first)."""
    f = f.materialised()
    out = np.zeros(4 * rows * cols)
    for s, d, w in zip(f.src.tolist(), f.dst.tolist(), f.weight.tolist()):
        for c in WALK[routing](s, d, rows, cols):
            out[c] += w
    return out


@st.composite
def sparse_flows(draw, max_side: int = 7, max_flows: int = 30, integer: bool = False):
    rows = draw(st.integers(1, max_side))
    cols = draw(st.integers(1, max_side))
    n = rows * cols
    if n == 1:
        return Flows([], [], [], 1), rows, cols
    pair = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])
    ps = draw(st.lists(pair, max_size=max_flows))
    weight = st.integers(0, 10**6).map(float) if integer else st.floats(0, 1e6, allow_nan=False)
    ws = draw(st.lists(weight, min_size=len(ps), max_size=len(ps)))
    return Flows([p[0] for p in ps], [p[1] for p in ps], ws, n), rows, cols


# --------------------------------------------------------------------------
# Routes


@settings(max_examples=200)
@given(sparse_flows(), st.sampled_from(["xy", "yx"]))
def test_route_paths_are_the_hop_by_hop_walks(case, routing):
    f, rows, cols = case
    ps = route_paths(f.src, f.dst, rows, cols, routing)
    assert len(ps) == len(f) and ps.found.all()
    for i, (s, d) in enumerate(zip(f.src.tolist(), f.dst.tolist())):
        assert ps.path(i).tolist() == WALK[routing](s, d, rows, cols)


def test_xy_and_yx_take_the_two_corners():
    assert route_paths([0], [8], 3, 3, "xy").path(0).tolist() == [0, 4, 4 * 2 + 2, 4 * 5 + 2]
    assert route_paths([0], [8], 3, 3, "yx").path(0).tolist() == [2, 4 * 3 + 2, 4 * 6 + 0, 4 * 7 + 0]
    assert route_paths([8], [0], 3, 3, "yx").path(0).tolist() == [4 * 8 + 3, 4 * 5 + 3, 4 * 2 + 1, 4 * 1 + 1]
    assert len(route_paths([], [], 3, 3)) == 0
    assert route_paths([4], [4], 3, 3).hops.tolist() == [0]


def test_route_paths_are_limited():
    cols = PATHS_MAX_CHANNELS // 4 + 2
    with pytest.raises(ParameterError, match=r"PATHS_MAX_CHANNELS\), got 16,777,220$"):
        route_paths([0] * 4, [cols - 1] * 4, 1, cols)
    with pytest.raises(ParameterError, match="^src and dst must have one length, got 2 and 1$"):
        route_paths([0, 1], [2], 3, 3)


# --------------------------------------------------------------------------
# Channel loads against the reference


@settings(max_examples=300)
@given(sparse_flows(), st.sampled_from(["xy", "yx"]))
def test_channel_loads_match_the_hop_by_hop_reference(case, routing):
    f, rows, cols = case
    got = channel_loads(f, rows, cols, routing)
    want = reference_loads(f, rows, cols, routing)
    assert got.shape == (4 * rows * cols,) and got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-9 * max(1.0, float(f.weight.sum())))
    assert (got >= 0).all()


@settings(max_examples=200)
@given(sparse_flows(integer=True), st.sampled_from(["xy", "yx"]))
def test_channel_loads_of_integer_bytes_are_exact(case, routing):
    f, rows, cols = case
    assert channel_loads(f, rows, cols, routing).tolist() == reference_loads(f, rows, cols, routing).tolist()


@settings(max_examples=100)
@given(sparse_flows(max_side=5, max_flows=10), st.floats(0, 100), st.sampled_from(["xy", "yx"]))
def test_uniform_traffic_in_closed_form_matches_it_listed_flow_by_flow(case, u, routing):
    f, rows, cols = case
    n = rows * cols
    mixed = Flows(f.src, f.dst, f.weight, n, u if n > 1 else 0.0)
    np.testing.assert_allclose(channel_loads(mixed, rows, cols, routing),
                               reference_loads(mixed, rows, cols, routing), rtol=1e-9, atol=1e-9)


def test_ports_leaving_the_mesh_carry_nothing():
    rows, cols = 4, 5
    f = make_traffic("tornado", rows, cols)
    for routing in ROUTINGS:
        loads = channel_loads(f, rows, cols, routing).reshape(rows, cols, 4)
        assert (loads[:, -1, EAST] == 0).all() and (loads[:, 0, WEST] == 0).all()
        assert (loads[-1, :, SOUTH] == 0).all() and (loads[0, :, NORTH] == 0).all()
        assert loads.sum() == pytest.approx(sum(len(xy_route(s, d, rows, cols)) for s, d in zip(f.src, f.dst)))


# --------------------------------------------------------------------------
# Fault-free checks against closed forms and brute force


@pytest.mark.parametrize("k", [2, 3, 4, 5, 8, 16, 31])
@pytest.mark.parametrize("routing", ["xy", "yx"])
def test_uniform_max_load_on_k_by_k_is_the_closed_form(k, routing):
    n = k * k
    loads = channel_loads(make_traffic("uniform", k, k), k, k, routing)
    assert loads.max() == pytest.approx(uniform_max_flows(k, k) / (n - 1), rel=1e-12)
    if k % 2 == 0:
        assert loads.max() * (n - 1) / n == pytest.approx(k / 4)     # gamma_max = k / 4 (self-traffic counted)
    channels = np.arange(4 * n)
    np.testing.assert_allclose(loads, uniform_flows(channels, k, k) / (n - 1), rtol=1e-12)


@pytest.mark.parametrize("rows,cols", [(3, 7), (8, 2), (1, 9), (762, 1172)])
def test_uniform_loads_on_rectangles_at_any_size(rows, cols):
    loads = channel_loads(make_traffic("uniform", rows, cols), rows, cols)
    assert loads.max() == pytest.approx(uniform_max_flows(rows, cols) / (rows * cols - 1), rel=1e-12)
    m = traffic_metrics(make_traffic("uniform", rows, cols), rows, cols, bandwidth=8.0)
    n = rows * cols
    assert m.saturation_scale == pytest.approx(uniform_saturation(rows, cols) * (n - 1) / n, rel=1e-12)
    assert m.mean_hops == pytest.approx(uniform_mean_hops(rows, cols) * n / (n - 1), rel=1e-12)


@pytest.mark.parametrize("name,rows,cols", [
    ("transpose", 2, 2), ("transpose", 4, 4), ("transpose", 8, 8), ("transpose", 16, 16),
    ("bitcomp", 4, 4), ("bitcomp", 8, 8), ("bitcomp", 2, 8), ("bitcomp", 16, 4), ("bitcomp", 1, 32),
])
@pytest.mark.parametrize("routing", ["xy", "yx"])
def test_transpose_and_bitcomp_loads_match_brute_force(name, rows, cols, routing):
    f = make_traffic(name, rows, cols)
    got = channel_loads(f, rows, cols, routing)
    assert got.tolist() == reference_loads(f, rows, cols, routing).tolist()


@pytest.mark.parametrize("k", [2, 4, 8, 16, 32])
def test_bitcomp_and_transpose_max_loads_on_k_by_k(k):
    # bitcomp: every node of the west half crosses the middle column of its row: k / 2 on a channel.
    assert channel_loads(make_traffic("bitcomp", k, k), k, k).max() == k / 2
    # transpose under XY: the E channel leaving (x, y) carries the flows from (x', y), x' <= x, to
    # columns y > x; the worst is at the diagonal corner, k - 1 flows turning at (y, y).
    assert channel_loads(make_traffic("transpose", k, k), k, k).max() == k - 1


def test_workload_loads_match_their_definitions():
    m = 10.0
    rows, cols = 4, 6
    for r, c in ((rows, cols), (3, 5)):
        ring = make_traffic("allreduce-ring", r, c, message_bytes=m)
        for routing in ROUTINGS:                 # snake and closing route share no channel
            assert channel_loads(ring, r, c, routing).max() == pytest.approx(2 * (r * c - 1) / (r * c) * m)
    b = 3.0
    summa = channel_loads(make_traffic("summa", rows, cols, block_bytes=b), rows, cols).reshape(rows, cols, 4)
    assert summa[:, :-1, EAST].tolist() == [[(x + 1) * b for x in range(cols - 1)]] * rows
    assert summa[:-1, :, SOUTH].tolist() == [[(y + 1) * b] * cols for y in range(rows - 1)]
    for r, c in ((rows, cols), (cols, rows), (12, 5)):
        pipe = channel_loads(make_traffic("pipeline", r, c, stages=3, activation_bytes=m), r, c)
        assert pipe.max() == pytest.approx(m / min(r, c))            # A over the W links crossing a cut


# --------------------------------------------------------------------------
# Metrics


def reference_hops(f: Flows, rows: int, cols: int, routing: str) -> tuple[float, int, int]:
    """(mean, p99, max) hops per byte, every flow walked."""
    f = f.materialised()
    hops = [len(WALK[routing](s, d, rows, cols)) for s, d in zip(f.src.tolist(), f.dst.tolist())]
    w = f.weight.tolist()
    total = sum(w)
    if total == 0:
        return 0.0, 0, 0
    mean = sum(h * x for h, x in zip(hops, w)) / total
    order = sorted(zip(hops, w))
    acc, p99 = 0.0, 0
    for h, x in order:
        acc += x
        if acc >= 0.99 * total * (1 - 1e-12):
            p99 = h
            break
    return mean, p99, max(h for h, x in zip(hops, w) if x > 0)


@settings(max_examples=200)
@given(sparse_flows(max_side=5, max_flows=12, integer=True), st.sampled_from([0.0, 1.0, 7.0]),
       st.sampled_from(["xy", "yx"]), st.integers(0, 6))
def test_metrics_match_the_reference(case, u, routing, top):
    f, rows, cols = case
    n = rows * cols
    f = Flows(f.src, f.dst, f.weight, n, u if n > 1 else 0.0)
    m = traffic_metrics(f, rows, cols, routing, bandwidth=32.0, top=top)
    want = reference_loads(f, rows, cols, routing)
    assert m.max_load == pytest.approx(want.max())
    mean, p99, hmax = reference_hops(f, rows, cols, routing)
    assert m.mean_hops == pytest.approx(mean) and m.p99_hops == p99 and m.max_hops == hmax
    assert m.total_bytes == pytest.approx(f.total)
    ranked = sorted((c for c in range(want.size) if want[c] > 1e-9), key=lambda c: (-round(want[c], 6), c))[:top]
    assert [b[0] for b in m.bottlenecks] == ranked
    for channel, x, y, port, load in m.bottlenecks:
        assert (x + cols * y, "EWSN".index(port)) == divmod(channel, 4)
        assert load == pytest.approx(want[channel])
    assert m.saturation_scale == (math.inf if m.max_load == 0 else pytest.approx(32.0 / (8 * m.max_load)))


def test_bottlenecks_break_ties_by_channel_and_list_only_loaded_channels():
    f = Flows([0, 2], [1, 3], [5.0, 5.0], 4)    # 2 x 2: (0,0) -> (1,0) and (0,1) -> (1,1)
    m = traffic_metrics(f, 2, 2, top=4)
    assert m.bottlenecks == ((0, 0, 0, "E", 5.0), (8, 0, 1, "E", 5.0))
    assert traffic_metrics(f, 2, 2, top=0).bottlenecks == ()
    empty = traffic_metrics(Flows([], [], [], 4), 2, 2)
    assert empty.max_load == 0.0 and empty.saturation_scale == math.inf and empty.bottlenecks == ()
    assert (empty.mean_hops, empty.p99_hops, empty.max_hops) == (0.0, 0, 0)


def test_p99_is_the_hop_count_below_which_99_percent_of_bytes_travel():
    # 99 bytes over 1 hop, 1 byte over 4 hops: p99 = 1; one byte more on the long flow: p99 = 4.
    f = Flows([0, 0], [1, 10], [99.0, 1.0], 16)
    assert traffic_metrics(f, 4, 4).p99_hops == 1
    f = Flows([0, 0], [1, 10], [98.0, 2.0], 16)
    m = traffic_metrics(f, 4, 4)
    assert m.p99_hops == 4 and m.max_hops == 4 and m.mean_hops == pytest.approx((98 + 8) / 100)


def test_uniform_hop_distribution_is_the_manhattan_distance_count():
    for rows, cols in ((1, 2), (3, 4), (5, 5), (2, 7)):
        n = rows * cols
        want = np.zeros(rows + cols - 1)
        for s in range(n):
            for d in range(n):
                if s != d:
                    want[abs(s % cols - d % cols) + abs(s // cols - d // cols)] += 1
        for r in ROUTINGS.values():
            assert r.uniform_hops(rows, cols).tolist() == want.tolist()


# --------------------------------------------------------------------------
# Bad input


def test_channel_loads_refuse_flows_of_another_mesh_or_routing():
    f = make_traffic("uniform", 3, 3)
    with pytest.raises(ParameterError, match=r"^flows must be traffic on the 3 x 4 mesh \(12 nodes\), got flows on 9 nodes$"):
        channel_loads(f, 3, 4)
    with pytest.raises(ParameterError, match=r"^flows must be a routing.traffic.Flows, got \("):
        channel_loads(([0], [1], [1.0]), 3, 3)
    with pytest.raises(ParameterError, match=r"^routing must be one of 'xy', 'yx', got 'YX' \(did you mean 'yx'\?\)$"):
        channel_loads(f, 3, 3, "YX")
    with pytest.raises(ParameterError, match="TRAFFIC_MAX_NODES"):
        channel_loads(f, 2**31, 2)


def test_routings_are_registered_and_checked():
    assert list(ROUTINGS) == ["xy", "yx"]
    for name, r in ROUTINGS.items():
        assert r.name == name and r.description
    with pytest.raises(ParameterError, match="^loads must be a callable"):
        Routing("z", "-", ROUTINGS["xy"].route, 3, *(getattr(ROUTINGS["xy"], a) for a in ("uniform_flows", "hops", "uniform_hops")))


XY = ROUTINGS["xy"]
F = Flows([0, 4], [8, 1], [1.0, 2.0], 9, 0.5)
COUNT = BAD["count"] + [2**40]
IDS = BAD["ids"] + [None, "ab", [[[0]]]]

CASES = [
    Case(route_paths, ([0, 4], [8, 1], 3, 3, "xy"), kinds={
        0: IDS + [[9], [0]], 1: IDS + [[9], [8, 1, 0]], 2: COUNT, 3: COUNT, 4: BAD["name"] + ["XY"],
    }),
    Case(channel_loads, (F, 3, 3, "yx"), kinds={
        0: [None, 3, "flows", (F.src, F.dst, F.weight), Flows([], [], [], 4)], 1: COUNT + [4], 2: COUNT + [1],
        3: BAD["name"] + ["YX"],
    }),
    Case(traffic_metrics, (F, 3, 3, "xy", 32.0, 3), kinds={
        0: [None, 3, Flows([], [], [], 4)], 1: COUNT, 2: COUNT, 3: BAD["name"], 4: BAD["positive"],
        5: BAD["index"],
    }),
    Case(LoadMetrics, (2.0, 32.0, ((0, 0, 0, "E", 2.0),), 3.0, 1.5, 2, 3), kinds={
        0: BAD["nonnegative"], 1: BAD["positive"],
        2: [None, [], ((0, 0, 0, "Q", 1.0),), ((0, 0, 0, "E", -1.0),), ((-1, 0, 0, "E", 1.0),), ((0, 0, 0),),
            (("a", 0, 0, "E", 1.0),), ((0, 0, 0, "E", math.nan),), "E", ((0, 1.5, 0, "E", 1.0),)],
        3: BAD["nonnegative"], 4: BAD["nonnegative"], 5: BAD["index"], 6: BAD["index"],
    }),
    Case(Routing, ("z", "-", XY.route, XY.loads, XY.uniform_flows, XY.hops, XY.uniform_hops), kinds={
        0: [3, None, b"z"], 1: [3, None], 2: [None, 3, "f"], 3: [None, 3], 4: [None], 5: [None], 6: ["f"],
    }),
]

EXEMPT = {"PATHS_MAX_CHANNELS": "a limit (constant)"}

(test_every_public_callable_has_a_case, test_the_valid_call_of_each_case_succeeds,
 test_bad_values_raise_the_project_error,
 test_every_bad_value_raises_the_project_error) = sweep(loads_module, CASES, EXEMPT)

