"""Die-grid metrics (closed form) against routing every uniform flow in Python."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import routing
from routing import ParameterError
from routing.mesh import channel_target


@st.composite
def die_grids(draw, max_side: int = 8):
    """``(rows, cols, die_rows, die_cols)``: a mesh of at least 2 nodes tiled
    by a whole number of dies, each side at most ``max_side`` nodes."""
    die_rows = draw(st.integers(1, max_side), label="die_rows")
    die_cols = draw(st.integers(1, max_side), label="die_cols")
    rows = die_rows * draw(st.integers(1, max(1, max_side // die_rows)), label="dies down")
    cols = die_cols * draw(st.integers(1, max(1, max_side // die_cols)), label="dies across")
    if rows * cols < 2:
        cols = 2 * die_cols
    return rows, cols, die_rows, die_cols


d2d_bandwidths = st.one_of(
    st.sampled_from([1.0, 0.5, 0.25, 0.125]),
    st.floats(min_value=1e-3, max_value=1.0, exclude_min=False),
)
d2d_latencies = st.one_of(st.sampled_from([0.0, 1.0, 2.0]), st.floats(min_value=0.0, max_value=20.0))


def brute_force_die_metrics(rows, cols, die_rows, die_cols, b, lat) -> dict:
    """Route every flow XY; a channel whose ends sit on different dies is a
    die-to-die link (bandwidth ``b``, ``lat`` extra hop latencies)."""
    n = rows * cols

    def die(node):
        y, x = divmod(node, cols)
        return (y // die_rows, x // die_cols)

    all_channels = np.arange(4 * n)
    target = channel_target(all_channels, rows, cols)
    is_d2d = {int(c): die(int(c) // 4) != die(int(t)) for c, t in zip(all_channels, target) if t >= 0}
    flows = dict.fromkeys(is_d2d, 0)
    route_extra, crossings = [], []
    for s in range(n):
        for d in range(n):
            k = 0
            for c in routing.xy_route(s, d, rows, cols):
                flows[c] += 1
                k += is_d2d[c]
            crossings.append(k)
            route_extra.append(lat * k)
    load = {c: f / b if is_d2d[c] else float(f) for c, f in flows.items()}
    worst = max(load.values())
    link_extra = [lat if is_d2d[c] else 0.0 for c in is_d2d]
    fault_free_max = max(flows.values())
    return {
        "gamma_max": worst / n,
        "saturation": n / worst,
        "bandwidth_fraction": fault_free_max / worst,
        "mean_link_extra_hops": float(np.mean(link_extra)),
        "max_link_extra_hops": max(link_extra),
        "mean_route_extra_hops": float(np.mean(route_extra)),
        "max_route_extra_hops": max(route_extra),
        "max_crossings": max(crossings),
        "mean_route_hops": sum(flows.values()) / n**2,
        "n_d2d": sum(is_d2d.values()),
    }


@given(die_grids(), d2d_bandwidths, d2d_latencies)
@settings(max_examples=60)
def test_die_grid_metrics_equal_brute_force(grid, b, lat):
    rows, cols, die_rows, die_cols = grid
    m = routing.die_grid_uniform_metrics(rows, cols, die_rows, die_cols, b, lat)
    ref = brute_force_die_metrics(rows, cols, die_rows, die_cols, b, lat)
    for field in ("gamma_max", "saturation", "bandwidth_fraction", "mean_link_extra_hops",
                  "max_link_extra_hops", "mean_route_extra_hops", "max_route_extra_hops",
                  "mean_route_hops"):
        assert getattr(m, field) == pytest.approx(ref[field], rel=1e-9, abs=1e-12), field
    assert m.max_route_extra_hops == pytest.approx(
        lat * ((rows // die_rows - 1) + (cols // die_cols - 1)), abs=1e-12)
    if ref["n_d2d"] == 0:
        assert m.max_link_extra_hops == 0.0 and m.mean_link_extra_hops == 0.0


@given(die_grids())
@settings(max_examples=40)
def test_full_bandwidth_zero_latency_dies_are_the_plain_mesh(grid):
    rows, cols, die_rows, die_cols = grid
    m = routing.die_grid_uniform_metrics(rows, cols, die_rows, die_cols, 1.0, 0.0)
    n = rows * cols
    assert m.bandwidth_fraction == 1.0
    assert m.gamma_max == routing.uniform_max_flows(rows, cols) / n
    assert m.saturation == pytest.approx(routing.uniform_saturation(rows, cols))
    assert m.mean_route_extra_hops == m.max_route_extra_hops == 0.0
    assert m.mean_link_extra_hops == m.max_link_extra_hops == 0.0


@given(die_grids(), d2d_bandwidths, d2d_latencies)
@settings(max_examples=40)
def test_one_die_has_no_die_to_die_links(grid, b, lat):
    rows, cols, _, _ = grid
    m = routing.die_grid_uniform_metrics(rows, cols, rows, cols, b, lat)
    assert m.bandwidth_fraction == 1.0
    assert m.max_route_extra_hops == m.mean_route_extra_hops == 0.0
    assert m.max_link_extra_hops == m.mean_link_extra_hops == 0.0


def test_docstring_example_by_hand():
    # Two 4 x 4 dies side by side: the bisection (column 3 -> 4) is both the
    # mesh's most loaded cut (4 * 4 * 4 = 64 flows) and the die boundary.
    m = routing.die_grid_uniform_metrics(4, 8, 4, 4, 0.5, 2.0)
    assert m.gamma_max == pytest.approx(128 / 32)
    assert m.bandwidth_fraction == pytest.approx(0.5)
    assert m.max_route_extra_hops == 2.0
    assert m.max_link_extra_hops == 2.0
    # 8 directed d2d links among 2 * (4 * 7 + 8 * 3) = 104.
    assert m.mean_link_extra_hops == pytest.approx(2.0 * 8 / 104)
    # 2 * 4 * 64 = 512 of the 1024 flows cross once.
    assert m.mean_route_extra_hops == pytest.approx(2.0 * 512 / 1024)


def test_die_boundaries_against_the_bisection_by_hand():
    # 1 x 6 in dies of 1 x 1: every link is d2d; the load doubles everywhere,
    # the bottleneck stays at the bisection.
    m = routing.die_grid_uniform_metrics(1, 6, 1, 1, 0.5, 0.0)
    assert m.bandwidth_fraction == pytest.approx(0.5)
    # 1 x 8 in dies of 1 x 2: boundaries at x = 1, 3, 5. The flows across
    # x | x + 1 are 7, 12, 15, 16, 15, 12, 7; at b = 0.25 the boundary at
    # 3 | 4 (16 / 0.25 = 64) dominates.
    m = routing.die_grid_uniform_metrics(1, 8, 1, 2, 0.25, 0.0)
    assert m.gamma_max == pytest.approx(64 / 8)
    # Dies of 1 x 4 on 1 x 12: boundaries 3 | 4 (4 * 8 = 32) and 7 | 8 (32);
    # the bisection 5 | 6 has 36 on-die flows. At b = 0.9, 32 / 0.9 = 35.6 < 36.
    m = routing.die_grid_uniform_metrics(1, 12, 1, 4, 0.9, 0.0)
    assert m.bandwidth_fraction == 1.0
    m = routing.die_grid_uniform_metrics(1, 12, 1, 4, 0.8, 0.0)
    assert m.gamma_max == pytest.approx(40 / 12)


# --------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize("args,match", [
    ((4, 6, 4, 4, 0.5, 1.0), "whole number of dies"),
    ((5, 4, 2, 2, 0.5, 1.0), "whole number of dies"),
    ((4, 4, 8, 4, 0.5, 1.0), "whole number of dies"),
    ((1, 1, 1, 1, 0.5, 1.0), "at least 2 nodes"),
    ((4, 4, 2, 2, 0.0, 1.0), "d2d_bandwidth"),
    ((4, 4, 2, 2, -0.5, 1.0), "d2d_bandwidth"),
    ((4, 4, 2, 2, math.nan, 1.0), "d2d_bandwidth"),
    ((4, 4, 2, 2, math.inf, 1.0), "d2d_bandwidth"),
    ((4, 4, 2, 2, True, 1.0), "d2d_bandwidth"),
    ((4, 4, 2, 2, "0.5", 1.0), "d2d_bandwidth"),
    ((4, 4, 2, 2, 0.5, -1.0), "d2d_extra_latency"),
    ((4, 4, 2, 2, 0.5, math.nan), "d2d_extra_latency"),
    ((4, 4, 2, 2, 0.5, math.inf), "d2d_extra_latency"),
    ((4, 4, 2, 2, 0.5, None), "d2d_extra_latency"),
    ((0, 4, 2, 2, 0.5, 1.0), "rows"),
    ((4, 2.5, 2, 2, 0.5, 1.0), "cols"),
    ((4, 4, 0, 2, 0.5, 1.0), "die_rows"),
    ((4, 4, 2, -2, 0.5, 1.0), "die_cols"),
    ((4, 4, True, 2, 0.5, 1.0), "die_rows"),
])
def test_bad_input_raises_parameter_error(args, match):
    with pytest.raises(ParameterError, match=match):
        routing.die_grid_uniform_metrics(*args)


def test_numpy_scalars_are_accepted():
    m = routing.die_grid_uniform_metrics(np.int64(4), np.int64(8), np.int32(4), np.int64(4),
                                         np.float64(0.5), np.float32(2.0))
    assert m.bandwidth_fraction == pytest.approx(0.5)
