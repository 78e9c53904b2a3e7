"""XY routing on a fault-free mesh: closed-form uniform loads against brute force.

The oracle routes every one of the ``N * N`` uniform flows (self-traffic
included, BookSim's convention) with :func:`routing.xy_route` and counts.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import routing
from routing import ParameterError
from routing.mesh import EAST, NORTH, SOUTH, WEST, channel_target


@st.composite
def mesh_shapes(draw, max_side: int = 7) -> tuple[int, int]:
    """A mesh shape ``(rows, cols)`` with sides in ``1..max_side``."""
    rows = draw(st.integers(1, max_side))
    cols = draw(st.integers(1, max_side))
    return rows, cols


def brute_force_flows(rows: int, cols: int) -> np.ndarray:
    """Flows per channel id (``4 * nodes`` entries) from routing every flow."""
    n = rows * cols
    flows = np.zeros(4 * n, dtype=np.int64)
    for s in range(n):
        for d in range(n):
            for c in routing.xy_route(s, d, rows, cols):
                flows[c] += 1
    return flows


def brute_force_hops(rows: int, cols: int) -> list[int]:
    n = rows * cols
    return [len(routing.xy_route(s, d, rows, cols)) for s in range(n) for d in range(n)]


# --------------------------------------------------------------------------
# xy_route itself


@given(mesh_shapes(), st.data())
@settings(max_examples=60)
def test_xy_route_is_a_contiguous_x_then_y_path(shape, data):
    rows, cols = shape
    n = rows * cols
    src = data.draw(st.integers(0, n - 1), label="src")
    dst = data.draw(st.integers(0, n - 1), label="dst")
    route = routing.xy_route(src, dst, rows, cols)
    sy, sx = divmod(src, cols)
    dy, dx = divmod(dst, cols)
    assert len(route) == abs(sx - dx) + abs(sy - dy)
    node = src
    for c in route:
        assert c // 4 == node
        node = int(channel_target(np.array([c]), rows, cols)[0])
        assert node >= 0
    assert node == dst
    ports = [c % 4 for c in route]
    horizontal = [p for p in ports if p in (EAST, WEST)]
    # All x moves first, then all y moves, each in one direction only.
    assert ports[: len(horizontal)] == horizontal
    assert len(set(horizontal)) <= 1
    assert len(set(ports[len(horizontal):])) <= 1


def test_xy_route_examples():
    # 3 x 3: (0, 0) -> (2, 2) is E, E, S, S.
    assert routing.xy_route(0, 8, 3, 3) == [4 * 0 + EAST, 4 * 1 + EAST, 4 * 2 + SOUTH, 4 * 5 + SOUTH]
    # (2, 2) -> (0, 0) is W, W, N, N.
    assert routing.xy_route(8, 0, 3, 3) == [4 * 8 + WEST, 4 * 7 + WEST, 4 * 6 + NORTH, 4 * 3 + NORTH]
    assert routing.xy_route(4, 4, 3, 3) == []


# --------------------------------------------------------------------------
# uniform loads against brute force


@given(mesh_shapes())
@settings(max_examples=60)
def test_uniform_flows_equals_brute_force_on_every_channel(shape):
    rows, cols = shape
    expected = brute_force_flows(rows, cols)
    channels = np.arange(4 * rows * cols)
    got = routing.uniform_flows(channels, rows, cols)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, expected)
    # Ports that leave the mesh carry nothing.
    off_mesh = channel_target(channels, rows, cols) < 0
    assert (got[off_mesh] == 0).all()
    # Any order / any subset of channels, including repeats.
    perm = np.random.default_rng(rows * 8 + cols).permutation(channels)
    sub = np.concatenate([perm, perm[:3]])
    np.testing.assert_array_equal(routing.uniform_flows(sub, rows, cols), expected[sub])


@given(mesh_shapes())
@settings(max_examples=60)
def test_uniform_max_flows_equals_brute_force(shape):
    rows, cols = shape
    expected = int(brute_force_flows(rows, cols).max())
    got = routing.uniform_max_flows(rows, cols)
    assert isinstance(got, int)
    assert got == expected


@given(mesh_shapes())
@settings(max_examples=60)
def test_uniform_mean_hops_equals_brute_force(shape):
    rows, cols = shape
    hops = brute_force_hops(rows, cols)
    assert routing.uniform_mean_hops(rows, cols) == pytest.approx(np.mean(hops), rel=1e-12, abs=1e-12)
    # Sum of flows over channels = sum of hops over flows.
    assert routing.uniform_flows(np.arange(4 * rows * cols), rows, cols).sum() == sum(hops)


@pytest.mark.parametrize("rows,cols,expected", [
    (1, 1, 0), (1, 2, 1), (2, 1, 1), (2, 3, 4), (3, 2, 4), (4, 4, 16), (3, 5, 18), (8, 8, 128),
])
def test_uniform_max_flows_known_values(rows, cols, expected):
    assert routing.uniform_max_flows(rows, cols) == expected


# --------------------------------------------------------------------------
# Textbook fact: k x k mesh, k even -> gamma_max = k / 4, saturation = 4 / k


@pytest.mark.parametrize("k", [2, 4, 6, 8, 10, 12, 14, 16])
def test_square_mesh_gamma_max_is_k_over_4(k):
    n = k * k
    max_flows = routing.uniform_max_flows(k, k)
    assert max_flows * 4 == k**3  # exact in integers
    assert max_flows / n == k / 4
    assert routing.uniform_saturation(k, k) == pytest.approx(4 / k, rel=1e-15)
    assert routing.uniform_saturation(k, k, bandwidth=2.0) == pytest.approx(8 / k, rel=1e-15)


@pytest.mark.parametrize("k", [2, 4, 6])
def test_square_mesh_gamma_max_brute_force(k):
    assert brute_force_flows(k, k).max() / (k * k) == k / 4


def test_uniform_mean_hops_closed_form_square():
    # 2 (k^2 - 1) / (3 k): 8 x 8 -> 5.25.
    assert routing.uniform_mean_hops(8, 8) == pytest.approx(5.25)
    assert routing.uniform_mean_hops(1, 1) == 0.0


# --------------------------------------------------------------------------
# Bad shapes


BAD_COUNTS = [0, -1, 2.5, True, False, None, "3", np.float64(3.0)]


@pytest.mark.parametrize("bad", BAD_COUNTS)
@pytest.mark.parametrize("which", ["rows", "cols"])
@pytest.mark.parametrize("func", [
    lambda r, c: routing.uniform_flows(np.array([0]), r, c),
    routing.uniform_max_flows,
    routing.uniform_mean_hops,
    routing.uniform_saturation,
], ids=["uniform_flows", "uniform_max_flows", "uniform_mean_hops", "uniform_saturation"])
def test_bad_shape_raises_parameter_error_naming_it(func, which, bad):
    args = {"rows": 3, "cols": 3}
    args[which] = bad
    with pytest.raises(ParameterError, match=which) as info:
        func(args["rows"], args["cols"])
    assert repr(bad) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_numpy_integer_shapes_are_accepted():
    assert routing.uniform_max_flows(np.int64(4), np.int32(4)) == 16
    assert routing.uniform_mean_hops(np.int64(8), np.int64(8)) == pytest.approx(5.25)


@given(st.integers(1, 9), st.integers(1, 9))
def test_uniform_channel_flows_is_uniform_flows_of_every_channel(rows, cols):
    every = np.arange(4 * rows * cols)
    assert routing.uniform_channel_flows(rows, cols).tolist() == routing.uniform_flows(every, rows, cols).tolist()
