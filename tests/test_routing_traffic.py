"""Traffic patterns: every pattern's flows are valid and as documented.

BookSim's permutations are checked against a literal port of
``src/traffic.cpp`` (github.com/booksim/booksim2, commit 28f43299); the
workloads against their definitions worked by hand on small meshes; files
and parameters against bad input (the project's one-line ParameterError).
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from bad_input import BAD, Case, sweep
from hypothesis import given
from hypothesis import strategies as st

import routing.traffic as traffic
from paramcheck import ParameterError
from routing.traffic import (
    MAX_FLOWS, PATTERNS, REQUIRED, TRAFFIC_MAX_NODES, UNIFORM_MAX_NODES, Flows, Pattern,
    describe_patterns, make_traffic,
)

SHAPES = [(1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (4, 4), (3, 5), (2, 8), (8, 8), (5, 1)]
BIT = {"transpose", "bitcomp", "bitrev", "shuffle"}
GENERATED = [name for name in PATTERNS if name != "file"]


def _fits(name: str, rows: int, cols: int) -> bool:
    n = rows * cols
    if name == "pipeline":
        return max(rows, cols) >= 4              # the default 4 stages need 4 rows or columns
    if name == "random-graph":
        return n >= 9                            # the default mean degree 4 needs (N - 1) / 2 >= 4
    if name == "transpose":
        return rows == cols and rows & (rows - 1) == 0
    if name in BIT:
        return n & (n - 1) == 0
    return True


def pairs(f: Flows) -> dict[tuple[int, int], float]:
    """Flows as {(src, dst): bytes}, repeated pairs added."""
    out: dict[tuple[int, int], float] = {}
    for s, d, w in zip(f.src.tolist(), f.dst.tolist(), f.weight.tolist()):
        out[(s, d)] = out.get((s, d), 0.0) + w
    return out


# --------------------------------------------------------------------------
# Every pattern


@pytest.mark.parametrize("name", GENERATED)
@pytest.mark.parametrize("rows,cols", SHAPES)
def test_every_pattern_gives_valid_sparse_flows(name, rows, cols):
    if not _fits(name, rows, cols):
        match = {"pipeline": "^stages must", "random-graph": "^degree must"}.get(name, "power-of-two")
        with pytest.raises(ParameterError, match=match):
            make_traffic(name, rows, cols)
        return
    f = make_traffic(name, rows, cols)
    n = rows * cols
    assert f.n_nodes == n
    assert f.src.dtype == f.dst.dtype == np.int64 and f.weight.dtype == np.float64
    assert f.src.ndim == f.dst.ndim == f.weight.ndim == 1
    assert ((0 <= f.src) & (f.src < n) & (0 <= f.dst) & (f.dst < n)).all()
    assert (f.src != f.dst).all()
    assert np.isfinite(f.weight).all() and (f.weight >= 0).all()
    assert math.isfinite(f.uniform) and f.uniform >= 0
    assert len(f) <= 8 * n                       # sparse: O(N) flows, never N**2
    assert not f.src.flags.writeable and not f.weight.flags.writeable


@pytest.mark.parametrize("name", [n for n in GENERATED if PATTERNS[n].kind == "synthetic"])
@pytest.mark.parametrize("rows,cols", SHAPES)
def test_synthetic_patterns_inject_one_byte_per_node(name, rows, cols):
    if not _fits(name, rows, cols):
        return
    f = make_traffic(name, rows, cols)
    sent = f.sent()
    if PATTERNS[name].permutation:
        moved = np.zeros(rows * cols, dtype=bool)
        moved[f.src] = True
        assert sent[moved].tolist() == [1.0] * int(moved.sum())     # fixed points send nothing
        assert (sent[~moved] == 0).all()
    elif rows * cols > 1:
        np.testing.assert_allclose(sent, 1.0, rtol=1e-12)


@pytest.mark.parametrize("name", [n for n in PATTERNS if PATTERNS[n].permutation])
@pytest.mark.parametrize("rows,cols", SHAPES)
def test_permutation_patterns_are_permutations(name, rows, cols):
    if not _fits(name, rows, cols):
        return
    f = make_traffic(name, rows, cols)
    n = rows * cols
    assert np.unique(f.src).size == f.src.size and np.unique(f.dst).size == f.dst.size
    dest = np.arange(n)
    dest[f.src] = f.dst                          # fixed points map to themselves
    assert sorted(dest.tolist()) == list(range(n))
    assert (f.weight == 1.0).all()


# --------------------------------------------------------------------------
# BookSim's definitions, ported literally from src/traffic.cpp


def booksim_dest(name: str, source: int, nodes: int, k: int) -> int:
    """``dest(source)`` of BookSim's pattern (k-ary 2-cube, xr = 1 for digits)."""
    if name == "bitcomp":
        return ~source & (nodes - 1)
    if name == "transpose":
        shift = 0
        m = nodes
        while m > 1:
            m >>= 1
            shift += 1
        shift >>= 1
        mask_lo = (1 << shift) - 1
        mask_hi = mask_lo << shift
        return ((source >> shift) & mask_lo) | ((source << shift) & mask_hi)
    if name == "bitrev":
        result, m = 0, nodes
        while m > 1:
            result = (result << 1) | (source % 2)
            source >>= 1
            m >>= 1
        return result
    if name == "shuffle":
        shifted = source << 1
        return (shifted & (nodes - 1)) | int(bool(shifted & nodes))
    offset, result = 1, 0
    for _ in range(2):                           # n = 2 digits
        digit = (source // offset) % k
        step = (k + 1) // 2 - 1 if name == "tornado" else 1
        result += offset * ((digit + step) % k)
        offset *= k
    return result


@pytest.mark.parametrize("name", ["bitcomp", "transpose", "bitrev", "shuffle", "tornado", "neighbor"])
@pytest.mark.parametrize("k", [1, 2, 4, 8, 16])
def test_permutations_match_booksim_on_square_meshes(name, k):
    f = make_traffic(name, k, k)
    got = dict(zip(f.src.tolist(), f.dst.tolist()))
    for s in range(k * k):
        want = booksim_dest(name, s, k * k, k)
        assert got.get(s, s) == want, (name, k, s)


@pytest.mark.parametrize("name", ["bitcomp", "bitrev", "shuffle"])
@pytest.mark.parametrize("rows,cols", [(2, 8), (1, 16), (4, 2), (2, 1)])
def test_bit_permutations_match_booksim_on_rectangles(name, rows, cols):
    f = make_traffic(name, rows, cols)
    got = dict(zip(f.src.tolist(), f.dst.tolist()))
    n = rows * cols
    assert all(got.get(s, s) == booksim_dest(name, s, n, 0) for s in range(n))


def test_bitcomp_is_the_opposite_corner_and_transpose_swaps_coordinates():
    f = make_traffic("bitcomp", 4, 8)
    for s, d in zip(f.src.tolist(), f.dst.tolist()):
        assert (d % 8, d // 8) == (7 - s % 8, 3 - s // 8)
    f = make_traffic("transpose", 8, 8)
    for s, d in zip(f.src.tolist(), f.dst.tolist()):
        assert (d % 8, d // 8) == (s // 8, s % 8)
    assert len(f) == 64 - 8                      # the diagonal stays put


def test_tornado_and_neighbor_on_rectangles_are_per_dimension():
    f = make_traffic("tornado", 3, 8)            # x + 3 mod 8, y + 1 mod 3
    got = dict(zip(f.src.tolist(), f.dst.tolist()))
    assert all(got[s] == (s % 8 + 3) % 8 + 8 * ((s // 8 + 1) % 3) for s in range(24))
    f = make_traffic("neighbor", 2, 3)
    assert pairs(f) == {(0, 4): 1.0, (1, 5): 1.0, (2, 3): 1.0, (3, 1): 1.0, (4, 2): 1.0, (5, 0): 1.0}


@pytest.mark.parametrize("name,rows,cols", [
    ("transpose", 3, 3), ("transpose", 2, 4), ("transpose", 2, 8), ("transpose", 4, 16),
    ("bitcomp", 3, 3), ("bitrev", 2, 3), ("shuffle", 5, 5), ("bitcomp", 762, 1172),
])
def test_bit_patterns_need_a_power_of_two(name, rows, cols):
    with pytest.raises(ParameterError) as info:
        make_traffic(name, rows, cols)
    message = str(info.value)
    assert "\n" not in message and message.startswith("rows x cols must")
    assert "power-of-two" in message and name in message
    if name == "transpose":
        assert "square" in message


# --------------------------------------------------------------------------
# Uniform and hotspot


def test_uniform_is_a_closed_form_not_flows_even_at_wafer_scale():
    f = make_traffic("uniform", 762, 1172)
    assert len(f) == 0 and f.uniform == 1.0 and f.total == 762 * 1172
    with pytest.raises(ParameterError, match=r"^n_nodes must be at most 1,024 \(UNIFORM_MAX_NODES\)"):
        f.materialised()


@pytest.mark.parametrize("rows,cols", [(1, 2), (2, 3), (4, 4), (1, 1)])
def test_uniform_materialised_is_one_over_n_minus_one_to_every_other_node(rows, cols):
    n = rows * cols
    f = make_traffic("uniform", rows, cols).materialised()
    assert f.uniform == 0.0 and len(f) == n * (n - 1)
    assert set(pairs(f)) == {(s, d) for s in range(n) for d in range(n) if s != d}
    if n > 1:
        np.testing.assert_allclose(f.weight, 1 / (n - 1))


def test_uniform_materialises_up_to_its_limit():
    side = math.isqrt(UNIFORM_MAX_NODES)
    assert len(make_traffic("uniform", side, side).materialised()) == side**2 * (side**2 - 1)
    with pytest.raises(ParameterError, match="UNIFORM_MAX_NODES"):
        make_traffic("uniform", side, side + 1).materialised()


def test_hotspot_mixes_hot_traffic_with_uniform():
    f = make_traffic("hotspot", 3, 3, hot=[4], fraction=0.3)
    assert f.uniform == pytest.approx(0.7)
    np.testing.assert_allclose(f.sent(), 1.0)
    p = pairs(f)
    for s in range(9):
        if s != 4:
            assert p[(s, 4)] == pytest.approx(0.3)
    # The one hot node has no other hot node: its 0.3 goes uniformly.
    assert all(p[(4, d)] == pytest.approx(0.3 / 8) for d in range(9) if d != 4)
    received = f.received()
    assert received[4] == pytest.approx(0.7 + 8 * 0.3)
    assert received.sum() == pytest.approx(9.0)


def test_hotspot_with_several_hot_nodes_splits_the_fraction():
    f = make_traffic("hotspot", 4, 4, hot=[0, 5, 15], fraction=0.6)
    np.testing.assert_allclose(f.sent(), 1.0)
    p = pairs(f)
    assert p[(1, 0)] == p[(1, 5)] == p[(1, 15)] == pytest.approx(0.2)
    assert p[(0, 5)] == p[(0, 15)] == pytest.approx(0.3) and (0, 0) not in p
    assert len(f) == 16 * 3 - 3
    assert make_traffic("hotspot", 4, 4, fraction=1.0).uniform == 0.0
    default = make_traffic("hotspot", 4, 4)
    assert set(default.dst.tolist()) - {10} == set(range(16)) - {10}   # centre (2, 2) is hot
    assert pairs(default)[(0, 10)] == pytest.approx(0.1)


def test_hotspot_refuses_bad_hot_nodes_and_fractions():
    for hot in ([], [1, 1], [16], [-1], [1.5], "a"):
        with pytest.raises(ParameterError, match="^hot must"):
            make_traffic("hotspot", 4, 4, hot=hot)
    for fraction in (-0.1, 1.5, math.nan, "0.5"):
        with pytest.raises(ParameterError, match="^fraction must"):
            make_traffic("hotspot", 4, 4, fraction=fraction)


# --------------------------------------------------------------------------
# Workloads, by hand


def test_stencil_5_point_on_3x3():
    f = make_traffic("stencil", 3, 3, halo=2, tile_rows=10, tile_cols=6, cell_bytes=8)
    p = pairs(f)
    ew, ns = 2 * 10 * 8, 2 * 6 * 8               # strips: halo x tile_rows, halo x tile_cols
    assert p == {
        (0, 1): ew, (1, 0): ew, (1, 2): ew, (2, 1): ew, (3, 4): ew, (4, 3): ew, (4, 5): ew, (5, 4): ew,
        (6, 7): ew, (7, 6): ew, (7, 8): ew, (8, 7): ew,
        (0, 3): ns, (3, 0): ns, (3, 6): ns, (6, 3): ns, (1, 4): ns, (4, 1): ns, (4, 7): ns, (7, 4): ns,
        (2, 5): ns, (5, 2): ns, (5, 8): ns, (8, 5): ns,
    }
    assert f.sent()[4] == 2 * 2 * (10 + 6) * 8   # interior: 2 h (tile_rows + tile_cols) c


def test_stencil_9_point_adds_the_corner_blocks():
    f5 = pairs(make_traffic("stencil", 3, 3, halo=3))
    f9 = pairs(make_traffic("stencil", 3, 3, points=9, halo=3))
    extra = {k: v for k, v in f9.items() if k not in f5}
    assert {k: f9[k] for k in f5} == f5
    corner = 3 * 3 * 4.0
    assert extra == {
        (4, 0): corner, (4, 2): corner, (4, 6): corner, (4, 8): corner,
        (0, 4): corner, (2, 4): corner, (6, 4): corner, (8, 4): corner,
        (1, 3): corner, (3, 1): corner, (1, 5): corner, (5, 1): corner,
        (3, 7): corner, (7, 3): corner, (5, 7): corner, (7, 5): corner,
    }
    assert make_traffic("stencil", 3, 3, points=9, halo=3).sent()[4] == 2 * 3 * 64 * 4 + 4 * 9 * 4


def test_stencil_refuses_bad_parameters():
    for kwargs, name in (({"points": 7}, "points"), ({"points": 5.0}, "points"), ({"points": True}, "points"),
                         ({"halo": 0}, "halo"), ({"halo": 33}, "halo"), ({"tile_rows": 0}, "tile_rows"),
                         ({"cell_bytes": -1}, "cell_bytes"), ({"cell_bytes": math.inf}, "cell_bytes")):
        with pytest.raises(ParameterError, match=f"^{name} must"):
            make_traffic("stencil", 3, 3, **kwargs)


def test_ring_allreduce_follows_the_snake_and_closes():
    m = 6.0
    f = make_traffic("allreduce-ring", 2, 3, message_bytes=m)
    # snake: (0,0) (1,0) (2,0) (2,1) (1,1) (0,1) = nodes 0 1 2 5 4 3, then back to 0
    w = 2 * 5 / 6 * m
    assert pairs(f) == pytest.approx({(0, 1): w, (1, 2): w, (2, 5): w, (5, 4): w, (4, 3): w, (3, 0): w})
    f = make_traffic("allreduce-ring", 3, 2)
    assert list(zip(f.src.tolist(), f.dst.tolist())) == [(0, 1), (1, 3), (3, 2), (2, 4), (4, 5), (5, 0)]
    assert len(make_traffic("allreduce-ring", 1, 1)) == 0
    assert pairs(make_traffic("allreduce-ring", 1, 2, message_bytes=3)) == {(0, 1): 3.0, (1, 0): 3.0}


@given(st.integers(1, 9), st.integers(1, 9), st.floats(0, 1e9))
def test_ring_allreduce_sends_2_n_minus_1_over_n_m_per_node(rows, cols, m):
    f = make_traffic("allreduce-ring", rows, cols, message_bytes=m)
    n = rows * cols
    np.testing.assert_allclose(f.sent(), 2 * (n - 1) / n * m if n > 1 else 0.0)
    np.testing.assert_allclose(f.received(), f.sent())
    if n > 1:
        assert sorted(f.src.tolist()) == sorted(f.dst.tolist()) == list(range(n))   # one ring


def test_allreduce_2d_rows_then_columns():
    m = 12.0
    f = make_traffic("allreduce-2d", 2, 3, message_bytes=m)
    row = 2 * 2 / 3 * m                          # reduce-scatter + all-gather along a row of 3
    col = 2 * 1 / 2 * m / 3                      # all-reduce of the M / cols shard along a column of 2
    p = pairs(f)
    assert p == pytest.approx({
        (0, 1): row, (1, 2): row, (2, 0): row, (3, 4): row, (4, 5): row, (5, 3): row,
        (0, 3): col, (3, 0): col, (1, 4): col, (4, 1): col, (2, 5): col, (5, 2): col,
    })
    np.testing.assert_allclose(f.sent(), row + col)
    assert pairs(make_traffic("allreduce-2d", 1, 2, message_bytes=m)) == {(0, 1): m, (1, 0): m}
    assert len(make_traffic("allreduce-2d", 1, 1)) == 0


def test_pipeline_bands_of_whole_rows_hand_on_down_their_columns():
    f = make_traffic("pipeline", 4, 4, stages=2, activation_bytes=8)
    assert pairs(f) == {(s, s + 8): 1.0 for s in range(8)}
    f = make_traffic("pipeline", 4, 3, stages=4, activation_bytes=6)
    assert pairs(f) == {(s, s + 3): 2.0 for s in range(9)}


def test_pipeline_uneven_bands_keep_the_layout():
    # 5 rows, 2 stages: rows [0, 1] and [2, 3, 4]; depth d -> depth 3 d // 2.
    f = make_traffic("pipeline", 5, 2, stages=2, activation_bytes=4)
    assert pairs(f) == {(0, 4): 1.0, (1, 5): 1.0, (2, 6): 1.0, (3, 7): 1.0}
    # A wide mesh is cut into bands of columns: 2 x 6, 3 stages of 2 columns.
    f = make_traffic("pipeline", 2, 6, stages=3, activation_bytes=12)
    assert pairs(f) == {(s, s + 2): 3.0 for s in (0, 1, 2, 3, 6, 7, 8, 9)}


@given(st.integers(1, 8), st.integers(1, 8), st.data())
def test_pipeline_each_band_hands_on_its_activations(rows, cols, data):
    length = max(rows, cols)
    stages = data.draw(st.integers(1, length))
    a = 1000.0
    f = make_traffic("pipeline", rows, cols, stages=stages, activation_bytes=a)

    def band(node: int) -> int:
        line = node // cols if rows >= cols else node % cols
        return next(j for j in range(stages) if j * length // stages <= line < (j + 1) * length // stages)

    sent = np.zeros(stages)
    for s, d, w in zip(f.src.tolist(), f.dst.tolist(), f.weight.tolist()):
        assert band(d) == band(s) + 1
        assert (s % cols == d % cols) if rows >= cols else (s // cols == d // cols)   # straight
        sent[band(s)] += w
    np.testing.assert_allclose(sent, [a] * (stages - 1) + [0.0])
    senders = {s for s in range(rows * cols) if band(s) < stages - 1}
    assert np.unique(f.src).size == f.src.size and set(f.src.tolist()) == senders
    if length % stages == 0:
        assert np.unique(f.dst).size == f.dst.size   # equal bands: a bijection


def test_pipeline_refuses_more_stages_than_lines():
    message = r"^stages must be an integer in \[1, 3\] \(bands of whole rows across the longer side of the 3 x 2 mesh\), got 4$"
    with pytest.raises(ParameterError, match=message):
        make_traffic("pipeline", 3, 2, stages=4)
    for bad in (0, 1.0, True, "2", None):
        with pytest.raises(ParameterError, match="^stages must"):
            make_traffic("pipeline", 3, 2, stages=bad)


def test_summa_chains_on_a_row():
    b = 2.0
    f = make_traffic("summa", 1, 4, block_bytes=b)
    # E from x: the blocks of x and of the x nodes west of it; W from x: those of x and east of it.
    assert pairs(f) == {(0, 1): 1 * b, (1, 2): 2 * b, (2, 3): 3 * b, (3, 2): 1 * b, (2, 1): 2 * b, (1, 0): 3 * b}


def test_summa_is_the_sum_of_every_block_broadcast_as_a_chain():
    rows, cols, b = 3, 4, 5.0
    want: dict = {}
    for y in range(rows):
        for x in range(cols):
            chains = [[(x2 + cols * y, x2 + 1 + cols * y) for x2 in range(x, cols - 1)],
                      [(x2 + cols * y, x2 - 1 + cols * y) for x2 in range(x, 0, -1)],
                      [(x + cols * y2, x + cols * (y2 + 1)) for y2 in range(y, rows - 1)],
                      [(x + cols * y2, x + cols * (y2 - 1)) for y2 in range(y, 0, -1)]]
            for hop in (h for chain in chains for h in chain):
                want[hop] = want.get(hop, 0.0) + b
    f = make_traffic("summa", rows, cols, block_bytes=b)
    assert pairs(f) == want
    sent = f.sent()
    for s in range(rows * cols):
        x, y = s % cols, s // cols
        assert sent[s] == b * ((x + 1) * (x < cols - 1) + (cols - x) * (x > 0)
                               + (y + 1) * (y < rows - 1) + (rows - y) * (y > 0))


def test_random_graph_is_deterministic_symmetric_and_of_the_mean_degree():
    a = make_traffic("random-graph", 8, 8, degree=6, edge_bytes=3, seed=7)
    b = make_traffic("random-graph", 8, 8, degree=6, edge_bytes=3, seed=np.random.SeedSequence(7))
    c = make_traffic("random-graph", 8, 8, degree=6, edge_bytes=3, seed=8)
    assert a.src.tolist() == b.src.tolist() and a.dst.tolist() == b.dst.tolist()
    assert a.src.tolist() != c.src.tolist()
    assert len(a) == 64 * 6                      # 2 m flows, m = N * degree / 2
    p = pairs(a)
    assert all(w == 3.0 for w in p.values()) and len(p) == len(a)   # no repeated edge
    assert all((d, s) in p for s, d in p)
    np.testing.assert_allclose(a.sent(), 3.0 * np.bincount(a.src, minlength=64))
    assert a.sent().mean() == 3.0 * 6


def test_random_graph_limits():
    assert len(make_traffic("random-graph", 3, 3, degree=4)) == 36   # (N - 1) / 2 = 4: the complete graph / 2
    assert len(make_traffic("random-graph", 1, 1, degree=0)) == 0
    with pytest.raises(ParameterError, match=r"^degree must be a finite number in \[0, 4\], got 4.5$"):
        make_traffic("random-graph", 3, 3, degree=4.5)
    for seed in (-1, 1.5, "a", True):
        with pytest.raises(ParameterError, match="^seed must"):
            make_traffic("random-graph", 3, 3, seed=seed)
    g = np.random.default_rng(1)
    assert len(make_traffic("random-graph", 4, 4, seed=g)) == 64


# --------------------------------------------------------------------------
# Traffic files


def _csv(tmp_path, text: str | bytes, name: str = "t.csv"):
    p = tmp_path / name
    p.write_bytes(text.encode() if isinstance(text, str) else text)
    return p


def test_csv_and_npz_files_round_trip(tmp_path):
    p = _csv(tmp_path, "src,dst,bytes\n0,3,2.5\n3, 0 ,1e3\n\n1,2,0\n0,3,1\n")
    f = make_traffic("file", 2, 2, path=p)
    assert pairs(f) == {(0, 3): 3.5, (3, 0): 1000.0, (1, 2): 0.0}
    q = tmp_path / "t.npz"
    np.savez(q, src=f.src, dst=f.dst, bytes=f.weight)
    g = make_traffic("file", 2, 2, path=str(q))
    assert pairs(g) == pairs(f)
    np.savez_compressed(q, src=np.array([1], dtype=np.uint8), dst=np.array([0], dtype=np.int16),
                        bytes=np.array([7], dtype=np.int32))
    assert pairs(make_traffic("file", 2, 2, path=q)) == {(1, 0): 7.0}
    assert len(make_traffic("file", 2, 2, path=_csv(tmp_path, "src, dst, bytes\r\n"))) == 0
    assert len(make_traffic("file", 2, 2, path=_csv(tmp_path, b"\xef\xbb\xbfsrc,dst,bytes\n0,1,1\n"))) == 1


@pytest.mark.parametrize("text,message", [
    ("", r"line 1 must be the header src,dst,bytes, got ''"),
    ("a,b,c\n", r"line 1 must be the header src,dst,bytes, got 'a,b,c'"),
    ("src,dst,bytes\n0,1\n", r"line 2 must hold 3 fields src,dst,bytes, got 2: '0,1'"),
    ("src,dst,bytes\n0,1,1\n0,1,2,3\n", r"line 3 must hold 3 fields"),
    ("src,dst,bytes\n0,4,1\n", r"line 2: dst must be a node id in \[0, 4\), got '4'"),
    ("src,dst,bytes\n-1,2,1\n", r"line 2: src must be a node id in \[0, 4\), got '-1'"),
    ("src,dst,bytes\n1.5,2,1\n", r"line 2: src must be a node id in \[0, 4\), got '1.5'"),
    ("src,dst,bytes\n0,1,1\n\n0,x,1\n", r"line 4: dst must be a node id in \[0, 4\), got 'x'"),
    ("src,dst,bytes\n0,1,nan\n", r"line 2: bytes must be a finite number >= 0, got 'nan'"),
    ("src,dst,bytes\n0,1,-2\n", r"line 2: bytes must be a finite number >= 0, got '-2'"),
    ("src,dst,bytes\n0,1,inf\n", r"line 2: bytes must be a finite number >= 0, got 'inf'"),
    ("src,dst,bytes\n0,1,ten\n", r"line 2: bytes must be a finite number >= 0, got 'ten'"),
    ("src,dst,bytes\n0,1,1\n2,2,1\n", r"line 3: src and dst must differ .*got node 2 to itself"),
    ("src,dst,bytes\n99999999999999999999999,1,1\n", r"line 2: src must be a node id"),
])
def test_bad_csv_files_are_refused_with_their_line(tmp_path, text, message):
    p = _csv(tmp_path, text)
    with pytest.raises(ParameterError, match=f"^path '{p}' {message}") as info:
        make_traffic("file", 2, 2, path=p)
    assert "\n" not in str(info.value)


def test_binary_and_non_utf8_files_are_refused(tmp_path):
    p = _csv(tmp_path, b"src,dst,bytes\n0,1,\x00\x01\n")
    with pytest.raises(ParameterError, match=r"must be a text CSV file, got binary data \(a NUL byte at offset 18\)"):
        make_traffic("file", 2, 2, path=p)
    p = _csv(tmp_path, b"src,dst,bytes\n0,1,\xff\n")
    with pytest.raises(ParameterError, match=r"must be a UTF-8 text CSV file, got byte 0xff at offset 18"):
        make_traffic("file", 2, 2, path=p)
    q = _csv(tmp_path, os.urandom(64), "r.npz")
    with pytest.raises(ParameterError, match=r"must be a \.npz \(zip\) archive"):
        make_traffic("file", 2, 2, path=q)


def _npz(tmp_path, **arrays):
    p = tmp_path / "t.npz"
    np.savez(p, **arrays)
    return p


@pytest.mark.parametrize("arrays,message", [
    ({"src": [0], "dst": [1]}, r"must hold exactly the arrays bytes, dst and src, got \['dst.npy', 'src.npy'\]"),
    ({"src": [0], "dst": [1], "bytes": [1.0], "extra": [0]}, r"must hold exactly the arrays"),
    ({"src": [[0]], "dst": [[1]], "bytes": [[1.0]]}, r"must hold 1-D arrays src, dst and bytes of one length"),
    ({"src": [0, 1], "dst": [1], "bytes": [1.0]}, r"must hold 1-D arrays src, dst and bytes of one length"),
    ({"src": [0.0], "dst": [1], "bytes": [1.0]}, r": src must be an array of integers, got dtype float64"),
    ({"src": [0], "dst": [1], "bytes": ["a"]}, r": bytes must be an array of numbers, got dtype <U1"),
    ({"src": [0], "dst": [7], "bytes": [1.0]}, r"entry 0: dst must be a node id in \[0, 4\), got 7"),
    ({"src": np.array([0, 9], dtype=np.uint64), "dst": [1, 2], "bytes": [1.0, 1.0]}, r"entry 1: src must be a node id"),
    ({"src": [0, 1], "dst": [1, 2], "bytes": [1.0, math.nan]}, r"entry 1: bytes must be a finite number >= 0, got nan"),
    ({"src": [0, 1], "dst": [1, 2], "bytes": [-1.0, 1.0]}, r"entry 0: bytes must be a finite number >= 0, got -1.0"),
    ({"src": [0, 1], "dst": [1, 1], "bytes": [1.0, 1.0]}, r"entry 1: src and dst must differ"),
])
def test_bad_npz_files_are_refused(tmp_path, arrays, message):
    p = _npz(tmp_path, **{k: np.asarray(v) for k, v in arrays.items()})
    with pytest.raises(ParameterError, match=f"^path '{p}'.*{message}"):
        make_traffic("file", 2, 2, path=p)


def test_npz_with_pickled_objects_is_refused_without_unpickling(tmp_path):
    p = tmp_path / "t.npz"
    np.savez(p, src=np.array([0]), dst=np.array([1]), bytes=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ParameterError, match="must hold plain numeric .npy arrays"):
        make_traffic("file", 2, 2, path=p)


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(traffic, "TRAFFIC_FILE_MAX_BYTES", 10_000)
    p = tmp_path / "t.npz"
    np.savez_compressed(p, src=np.zeros(5000, dtype=np.int64), dst=np.ones(5000, dtype=np.int64),
                        bytes=np.zeros(5000))
    assert p.stat().st_size < 10_000
    with pytest.raises(ParameterError, match=r"must unpack to at most 10,000 bytes \(TRAFFIC_FILE_MAX_BYTES\)"):
        make_traffic("file", 2, 2, path=p)


def test_oversized_files_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(traffic, "TRAFFIC_FILE_MAX_BYTES", 100)
    p = _csv(tmp_path, "src,dst,bytes\n" + "0,1,1\n" * 20)
    with pytest.raises(ParameterError, match=r"^path must be at most 100 bytes \(TRAFFIC_FILE_MAX_BYTES\)"):
        make_traffic("file", 2, 2, path=p)
    assert len(make_traffic("file", 2, 2, path=_csv(tmp_path, "src,dst,bytes\n0,1,1\n"))) == 1


def test_what_is_not_a_regular_file_is_refused(tmp_path):
    with pytest.raises(ParameterError, match=r"^path must exist, got '.*nope.csv'$"):
        make_traffic("file", 2, 2, path=tmp_path / "nope.csv")
    d = tmp_path / "d.csv"
    d.mkdir()
    with pytest.raises(ParameterError, match=r"^path must be a regular file, got .* \(a directory\)$"):
        make_traffic("file", 2, 2, path=d)
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "f.csv"
        os.mkfifo(fifo)                          # opening it blocking would hang: it must not
        with pytest.raises(ParameterError, match=r"^path must be a regular file, got '[^']*'$"):
            make_traffic("file", 2, 2, path=fifo)
    device = tmp_path / "null.csv"
    device.symlink_to(os.devnull)
    with pytest.raises(ParameterError, match=r"^path must be a regular file, got '[^']*'$"):
        make_traffic("file", 2, 2, path=device)
    with pytest.raises(ParameterError, match=r"^path must name a .npz or .csv file, got 't.txt'"):
        make_traffic("file", 2, 2, path="t.txt")
    for bad in (None, 3, b"t.csv", ["t.csv"]):
        with pytest.raises(ParameterError, match=r"^path must be a file name"):
            make_traffic("file", 2, 2, path=bad)
    with pytest.raises(ParameterError, match=r"^path must be given for pattern 'file', got no value$"):
        make_traffic("file", 2, 2)


def test_a_symlink_to_a_regular_file_is_read(tmp_path):
    p = _csv(tmp_path, "src,dst,bytes\n0,1,1\n")
    link = tmp_path / "l.csv"
    link.symlink_to(p)
    assert len(make_traffic("file", 2, 2, path=link)) == 1


def test_a_file_with_more_flows_than_max_flows_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(traffic, "MAX_FLOWS", 2)
    p = _csv(tmp_path, "src,dst,bytes\n0,1,1\n1,0,1\n2,3,1\n")
    with pytest.raises(ParameterError, match=r"must give at most 2 flows \(MAX_FLOWS\), got 3"):
        make_traffic("file", 2, 2, path=p)


# --------------------------------------------------------------------------
# The registry and make_traffic


def test_describe_patterns_lists_every_pattern_with_its_parameters():
    d = describe_patterns()
    assert [p["name"] for p in d] == list(PATTERNS)
    by = {p["name"]: p for p in d}
    assert by["uniform"]["params"] == {}
    assert by["hotspot"]["params"] == {"hot": None, "fraction": 0.1}
    assert by["random-graph"]["params"] == {"degree": 4.0, "edge_bytes": 4.0, "seed": 0}
    assert by["pipeline"]["params"] == {"stages": 4, "activation_bytes": 2.0**20}
    assert by["file"]["params"] == {"path": None} and by["file"]["required"] == ["path"]
    for p in d:
        assert p["kind"] in ("synthetic", "workload")
        assert p["description"] and "\n" not in p["description"] and len(p["description"]) < 100
    assert PATTERNS["file"].params == {"path": REQUIRED} and repr(REQUIRED) == "REQUIRED"


@pytest.mark.parametrize("name,guess", [
    ("transpos", "transpose"), ("bit-complement", "bitcomp"), ("neighbour", "neighbor"),
    ("Uniform", "uniform"), ("allreduce_ring", "allreduce-ring"), ("allreduce", "allreduce-ring' or 'allreduce-2d"),
])
def test_unknown_patterns_get_a_suggestion(name, guess):
    with pytest.raises(ParameterError, match=f"^pattern must be one of 'uniform', .*, got '{name}' \\(did you mean '{guess}'\\?\\)$"):
        make_traffic(name, 4, 4)


def test_unknown_parameters_get_a_suggestion():
    with pytest.raises(ParameterError, match=r"^parameter of 'hotspot' must be one of 'hot', 'fraction', got 'fracton' \(did you mean 'fraction'\?\)$"):
        make_traffic("hotspot", 4, 4, fracton=0.2)
    with pytest.raises(ParameterError, match=r"^parameter of 'uniform' must be one of \(none\), got 'rate'$"):
        make_traffic("uniform", 4, 4, rate=2)


def test_meshes_beyond_the_traffic_limit_are_refused_before_allocating():
    side = math.isqrt(TRAFFIC_MAX_NODES)
    with pytest.raises(ParameterError, match=r"^rows x cols must be a mesh of at most 8,388,608 nodes \(TRAFFIC_MAX_NODES\)"):
        make_traffic("uniform", side + 1, side + 1)
    with pytest.raises(ParameterError, match="TRAFFIC_MAX_NODES"):
        make_traffic("stencil", 2**40, 2**40)


def test_hotspot_flow_count_is_limited(monkeypatch):
    monkeypatch.setattr(traffic, "MAX_FLOWS", 100)
    with pytest.raises(ParameterError, match=r"^hot must give at most 100 flows \(MAX_FLOWS\), got 128$"):
        make_traffic("hotspot", 8, 8, hot=[0, 1])
    assert MAX_FLOWS >= 8 * TRAFFIC_MAX_NODES     # a 9-point stencil always fits


# --------------------------------------------------------------------------
# Flows


def test_flows_refuse_bad_arrays():
    cases = [
        (([0], [1], [math.nan], 2), r"^weight must be a finite number >= 0 \(bytes per step\), got nan$"),
        (([0], [1], [-1.0], 2), r"^weight must be a finite number >= 0"),
        (([0], [1], [[1.0]], 2), r"^weight must be a 1-D array"),
        (([0], [2], [1.0], 2), r"^dst must be node ids in \[0, 2\), got 2$"),
        (([0, 1], [1], [1.0], 2), r"^src, dst and weight must have one length, got 2, 1 and 1$"),
        (([0, 1], [1, 1], [1.0, 1.0], 2), r"^src and dst must differ .* got node 1 to itself at flow 1$"),
        (([], [], [], 1, 1.0), r"^uniform must be 0 on a one-node mesh"),
        (([], [], [], 4, -1.0), r"^uniform must be a finite number >= 0"),
        (([], [], [], 0), r"^n_nodes must be an integer in \[1, 8,388,608\], got 0$"),
        (([], [], [], TRAFFIC_MAX_NODES + 1), r"^n_nodes must be an integer in"),
    ]
    for args, message in cases:
        with pytest.raises(ParameterError, match=message):
            Flows(*args)


def test_flows_are_frozen_and_do_not_freeze_the_callers_arrays():
    src = np.array([0, 1])
    f = Flows(src, np.array([1, 0]), np.array([1.0, 2.0]), 2)
    assert src.flags.writeable and not f.src.flags.writeable
    src[0] = 1
    assert f.src.tolist() == [0, 1]
    with pytest.raises(ValueError):
        f.weight[0] = -5.0
    with pytest.raises(AttributeError):
        f.uniform = 3.0                          # type: ignore[misc]
    g = Flows(np.array([0, 1], dtype=np.int32)[::-1], [0, 1], np.array([1, 2], dtype=np.int16), 2)
    assert g.src.tolist() == [1, 0] and g.weight.dtype == np.float64 and g.src.flags.c_contiguous


@given(st.integers(1, 6), st.integers(1, 6), st.floats(0, 10))
def test_materialised_flows_keep_the_totals(rows, cols, u):
    n = rows * cols
    base = make_traffic("allreduce-ring", rows, cols, message_bytes=3.0)
    f = Flows(base.src, base.dst, base.weight, n, u if n > 1 else 0.0)
    m = f.materialised()
    np.testing.assert_allclose(m.sent(), f.sent())
    np.testing.assert_allclose(m.received(), f.received())
    assert m.total == pytest.approx(f.total)


# --------------------------------------------------------------------------
# Every public callable of routing.traffic refuses bad input (the project sweep)

COUNT = BAD["count"] + [2**40]
F = Flows([0, 1], [1, 2], [1.0, 2.0], 4)

CASES = [
    Case(Flows, ([0, 1], [1, 2], [1.0, 2.0], 4, 0.5), kinds={
        0: BAD["ids"] + [None, [4, 0], [1, 2], [0]], 1: BAD["ids"] + [None, [0, 1], [1]],
        2: BAD["array"] + [None, [1.0], 1.0], 3: COUNT + [2, TRAFFIC_MAX_NODES + 1], 4: BAD["nonnegative"],
    }),
    Case(F.materialised),
    Case(F.sent),
    Case(F.received),
    Case(Pattern, ("p", "synthetic", "one line", lambda rows, cols: F, True), kinds={
        0: [3, None, b"p"], 1: BAD["name"], 2: [3, None], 3: [None, 3, "f"], 4: BAD["bool"],
    }),
    Case(describe_patterns),
    Case(make_traffic, ("stencil", 3, 3), {"points": 9, "halo": 1, "tile_rows": 4, "tile_cols": 4, "cell_bytes": 2.0},
         kinds={0: BAD["name"] + ["transpos"], 1: COUNT, 2: COUNT,
                "points": [7, 5.0, True, "5", None, 2**64], "halo": BAD["count"] + [5],
                "tile_rows": COUNT, "tile_cols": COUNT, "cell_bytes": BAD["nonnegative"], "colour": [1]}),
    Case(make_traffic, ("hotspot", 4, 4), {"hot": [1, 2], "fraction": 0.5},
         kinds={"hot": BAD["ids"] + [[16], [1, 1], [], 3, "ab"], "fraction": BAD["probability"]}),
    Case(make_traffic, ("transpose", 4, 4), kinds={1: COUNT + [2, 3, 8], 2: COUNT + [2, 3, 8]}),
    Case(make_traffic, ("bitrev", 2, 4), kinds={1: COUNT + [3], 2: COUNT + [3, 5]}),
    Case(make_traffic, ("allreduce-ring", 3, 3), {"message_bytes": 4.0},
         kinds={"message_bytes": BAD["nonnegative"]}),
    Case(make_traffic, ("allreduce-2d", 3, 3), {"message_bytes": 4.0},
         kinds={"message_bytes": BAD["nonnegative"]}),
    Case(make_traffic, ("pipeline", 3, 3), {"stages": 3, "activation_bytes": 4.0},
         kinds={"stages": COUNT + [4], "activation_bytes": BAD["nonnegative"]}),
    Case(make_traffic, ("summa", 3, 3), {"block_bytes": 4.0}, kinds={"block_bytes": BAD["nonnegative"]}),
    Case(make_traffic, ("random-graph", 3, 3), {"degree": 2.0, "edge_bytes": 1.0, "seed": 3},
         kinds={"degree": BAD["nonnegative"] + [4.5], "edge_bytes": BAD["nonnegative"],
                "seed": [-1, 1.5, "a", True, b"x", [1], math.nan]}),
]

EXEMPT = {
    "TRAFFIC_MAX_NODES": "a limit (constant)",
    "MAX_FLOWS": "a limit (constant)",
    "UNIFORM_MAX_NODES": "a limit (constant)",
    "TRAFFIC_FILE_MAX_BYTES": "a limit (constant)",
}

(test_every_public_callable_has_a_case, test_the_valid_call_of_each_case_succeeds,
 test_bad_values_raise_the_project_error,
 test_every_bad_value_raises_the_project_error) = sweep(traffic, CASES, EXEMPT)
