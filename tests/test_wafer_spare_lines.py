"""Spare rows and columns: the compiled remap against plain-Python oracles.

Two oracles. :func:`subset_oracle` tries every subset of the physical rows
(small grids): a row subset ``S`` needs every column holding a dead core
outside ``S``, so it enumerates all the covers that matter, and the status,
the largest logical array and the Pareto front follow by definition.
:func:`front_oracle` is for larger sparse grids: networkx connected
components of the row-column graph, every row subset of each component, and
a plain min-plus convolution.
"""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paramcheck import ParameterError
from wafer.spare_lines import (
    DEGRADED,
    FAILED,
    OK,
    LineMapping,
    repair_spare_lines,
    spare_lines_front,
    spare_lines_mapping,
)

# --------------------------------------------------------------------------
# Oracles
# --------------------------------------------------------------------------


def covers(dead, rows, cols):
    """(rows retired, columns retired) of the cover each subset of rows makes."""
    cells = [(d // cols, d % cols) for d in dead]
    for k in range(rows + 1):
        for chosen in itertools.combinations(range(rows), k):
            s = set(chosen)
            yield len(s), len({c for r, c in cells if r not in s})


def subset_oracle(dead, rows, cols, sr, sc, target=None):
    """Expected (status, retired rows, retired cols, logical rows, logical cols), by brute force."""
    points = set(covers(dead, rows, cols))
    fits = [(r + c, r, c) for r, c in points if r <= sr and c <= sc]
    if fits:
        _, r, c = min(fits)
        return OK, r, c, rows - sr, cols - sc
    tr, tc = target or (0, 0)

    def shape(r, c):
        return rows - max(r, sr), cols - max(c, sc)

    def best(candidates):
        # Largest area, then fewest rows, then fewest columns.
        return min(candidates, key=lambda p: (-shape(*p)[0] * shape(*p)[1], p[0], p[1]))

    meeting = [p for p in points if shape(*p)[0] >= tr and shape(*p)[1] >= tc]
    r, c = best(meeting or points)
    lr, lc = shape(r, c)
    status = DEGRADED if meeting and lr * lc > 0 else FAILED
    return status, r, c, lr, lc


def subset_front(dead, rows, cols):
    n_faulty = len({d // cols for d in dead})
    front = [None] * (n_faulty + 1)
    for r, c in covers(dead, rows, cols):
        for k in range(min(r, n_faulty + 1), n_faulty + 1):
            front[k] = c if front[k] is None else min(front[k], c)
    return front


def front_oracle(dead, cols):
    """The Pareto front by components (networkx) and per-component brute force."""
    g = nx.Graph()
    for d in dead:
        g.add_edge(("r", d // cols), ("c", d % cols))
    total = [0]
    for comp in nx.connected_components(g):
        comp_rows = sorted(v[1] for v in comp if v[0] == "r")
        cells = [(d // cols, d % cols) for d in dead if ("r", d // cols) in comp]
        f = [len({c for _, c in cells})] + [None] * len(comp_rows)
        for k in range(1, len(comp_rows) + 1):
            f[k] = min(len({c for r, c in cells if r not in set(s)}) for s in itertools.combinations(comp_rows, k))
        total = [min(total[r - j] + f[j] for j in range(len(f)) if 0 <= r - j < len(total))
                 for r in range(len(total) + len(f) - 1)]
    return total


def from_front(front, rows, cols, sr, sc):
    """(status, retired rows, retired cols, logical rows, logical cols) from an exact front (no target)."""
    fits = [(r + front[r], r) for r in range(min(sr, len(front) - 1) + 1) if front[r] <= sc]
    if fits:
        _, r = min(fits)
        return OK, r, front[r], rows - sr, cols - sc
    area = [(rows - max(r, sr)) * (cols - max(front[r], sc)) for r in range(len(front))]
    r = int(np.argmax(area))
    lr, lc = rows - max(r, sr), cols - max(front[r], sc)
    return (DEGRADED if lr * lc else FAILED), r, front[r], lr, lc


def dense_long_links(l2p: np.ndarray, cols: int) -> list[int]:
    """Manhattan lengths > 1 between logical neighbours, from a dense map."""
    out = []
    for a, b in ((l2p[:, :-1], l2p[:, 1:]), (l2p[:-1], l2p[1:])):
        d = np.abs(a // cols - b // cols) + np.abs(a % cols - b % cols)
        out += d[d > 1].ravel().tolist()
    return sorted(out)


# --------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------


@st.composite
def grids(draw, max_rows=6, max_cols=7, max_dead=None):
    rows = draw(st.integers(1, max_rows))
    cols = draw(st.integers(1, max_cols))
    n = rows * cols
    dead = sorted(draw(st.sets(st.integers(0, n - 1), max_size=n if max_dead is None else max_dead)))
    return rows, cols, dead


@st.composite
def problems(draw, with_target=None, **kw):
    rows, cols, dead = draw(grids(**kw))
    sr = draw(st.integers(0, rows - 1))
    sc = draw(st.integers(0, cols - 1))
    if with_target is None:
        with_target = draw(st.booleans())
    target = None
    if with_target:
        target = (draw(st.integers(1, rows - sr)), draw(st.integers(1, cols - sc)))
    return rows, cols, dead, sr, sc, target


def one(dead, rows, cols, sr, sc, target=None):
    return repair_spare_lines([0, len(dead)], dead, rows, cols, sr, sc, target=target)


# --------------------------------------------------------------------------
# Against the oracles
# --------------------------------------------------------------------------


@given(grids())
def test_front_is_the_brute_force_front(g):
    rows, cols, dead = g
    assert spare_lines_front(dead, rows, cols).tolist() == subset_front(dead, rows, cols)


@given(problems())
def test_repair_is_the_brute_force_optimum(p):
    rows, cols, dead, sr, sc, target = p
    b = one(dead, rows, cols, sr, sc, target)
    got = (int(b.status[0]), int(b.n_retired_rows[0]), int(b.n_retired_cols[0]),
           int(b.logical_rows[0]), int(b.logical_cols[0]))
    want = subset_oracle(dead, rows, cols, sr, sc, target)
    # Same status, rows and shape; the columns are the fewest for those rows.
    assert got[0] == want[0] and got[1] == want[1] and got[3:] == want[3:]
    if want[0] == OK:
        assert got[2] == want[2]
    else:
        assert got[2] == spare_lines_front(dead, rows, cols)[got[1]]


@settings(max_examples=60)
@given(st.data())
def test_sparse_large_grids_match_the_component_oracle(data):
    rows = data.draw(st.integers(20, 80))
    cols = data.draw(st.integers(20, 80))
    # Clustered: dead cores within a few rows and columns make real components.
    rsel = data.draw(st.lists(st.integers(0, rows - 1), min_size=1, max_size=6))
    csel = data.draw(st.lists(st.integers(0, cols - 1), min_size=1, max_size=6))
    pairs = data.draw(st.sets(st.tuples(st.sampled_from(rsel), st.sampled_from(csel)), max_size=14))
    scattered = data.draw(st.sets(st.integers(0, rows * cols - 1), max_size=10))
    dead = sorted({r * cols + c for r, c in pairs} | scattered)
    sr = data.draw(st.integers(0, 8))
    sc = data.draw(st.integers(0, 8))
    front = front_oracle(dead, cols)
    assert spare_lines_front(dead, rows, cols).tolist() == front
    b = one(dead, rows, cols, sr, sc)
    got = (int(b.status[0]), int(b.n_retired_rows[0]), int(b.n_retired_cols[0]),
           int(b.logical_rows[0]), int(b.logical_cols[0]))
    assert got == from_front(front, rows, cols, sr, sc)
    check_mapping(b.mapping(0), dead)


# --------------------------------------------------------------------------
# Properties of the map
# --------------------------------------------------------------------------


def check_mapping(m: LineMapping, dead) -> None:
    """Cover valid; logical cores alive, distinct, on a monotone compaction; maps consistent."""
    dead_set = set(dead)
    rr, rc = set(m.retired_rows.tolist()), set(m.retired_cols.tolist())
    assert all(d // m.cols in rr or d % m.cols in rc for d in dead)
    dense = m.to_dense()
    assert dense.shape == m.logical_shape
    flat = dense.ravel()
    assert len(set(flat.tolist())) == flat.size
    assert not dead_set & set(flat.tolist())
    if flat.size:
        assert (np.diff(dense // m.cols, axis=0) > 0).all() and (np.diff(dense % m.cols, axis=1) > 0).all()
        assert np.array_equal(m.l2p(np.arange(flat.size)), flat)
        assert np.array_equal(m.p2l(flat), np.arange(flat.size))
    others = np.setdiff1d(np.arange(m.rows * m.cols), flat)
    assert (m.p2l(others) == -1).all()
    assert m.long_links().tolist() == dense_long_links(dense, m.cols)


@given(problems())
def test_logical_cores_are_alive_distinct_and_consistent(p):
    rows, cols, dead, sr, sc, target = p
    b = one(dead, rows, cols, sr, sc, target)
    m = b.mapping(0)
    check_mapping(m, dead)
    lengths = m.long_links()
    assert b.long_links[0] == lengths.size
    assert b.extra_hops[0] == int((lengths - 1).sum())
    assert b.longest_link[0] == (lengths.max() if lengths.size else (1 if m.n_logical >= 2 else 0))
    assert b.spare_rows_used[0] == min(b.n_retired_rows[0], sr)
    assert b.spare_cols_used[0] == min(b.n_retired_cols[0], sc)
    # The CSR retired lines are the mapping's, sorted and distinct.
    assert np.array_equal(np.unique(m.retired_rows), m.retired_rows)
    assert m.retired_rows.size == b.n_retired_rows[0] and m.retired_cols.size == b.n_retired_cols[0]


@given(st.integers(1, 9), st.integers(1, 9), st.data())
def test_fault_free_grid_maps_to_the_identity(rows, cols, data):
    sr = data.draw(st.integers(0, rows - 1))
    sc = data.draw(st.integers(0, cols - 1))
    b = one([], rows, cols, sr, sc)
    assert b.status.tolist() == [OK] and b.spares_used.tolist() == [0]
    assert b.long_links.tolist() == [0] and b.extra_hops.tolist() == [0]
    m = b.mapping(0)
    lr, lc = rows - sr, cols - sc
    assert m.logical_shape == (lr, lc)
    assert np.array_equal(m.to_dense(), np.arange(rows * cols).reshape(rows, cols)[:lr, :lc])


@settings(max_examples=50)
@given(st.lists(problems(with_target=False, max_rows=5, max_cols=5), min_size=1, max_size=6), st.data())
def test_batch_equals_per_trial(trials, data):
    # One grid and budget for the batch; each trial its own dead cores.
    rows, cols, _, sr, sc, _ = trials[0]
    n = rows * cols
    deads = [sorted(data.draw(st.sets(st.integers(0, n - 1)))) for _ in trials]
    target = data.draw(st.none() | st.tuples(st.integers(1, rows - sr), st.integers(1, cols - sc)))
    offsets = np.concatenate(([0], np.cumsum([len(d) for d in deads])))
    flat = np.array([x for d in deads for x in d], dtype=np.int64)
    b = repair_spare_lines(offsets, flat, rows, cols, sr, sc, target=target)
    for t, d in enumerate(deads):
        s = one(d, rows, cols, sr, sc, target)
        for name in ("status", "n_retired_rows", "n_retired_cols", "logical_rows", "logical_cols",
                     "spare_rows_used", "spare_cols_used", "long_links", "longest_link", "extra_hops"):
            assert getattr(b, name)[t] == getattr(s, name)[0], name
        m, ms = b.mapping(t), spare_lines_mapping(d, rows, cols, sr, sc, target=target)
        assert np.array_equal(m.retired_rows, ms.retired_rows)
        assert np.array_equal(m.retired_cols, ms.retired_cols)
        assert m.logical_shape == ms.logical_shape and m.status == ms.status


@given(problems(), st.data())
def test_removing_a_dead_core_never_makes_it_worse(p, data):
    rows, cols, dead, sr, sc, target = p
    if not dead:
        return
    fewer = list(dead)
    fewer.pop(data.draw(st.integers(0, len(dead) - 1)))
    a, b = one(dead, rows, cols, sr, sc, target), one(fewer, rows, cols, sr, sc, target)
    assert b.status[0] <= a.status[0]
    if target is None or a.status[0] == b.status[0]:
        # (With a target, a trial that now reaches it may trade area for it.)
        assert b.logical_rows[0] * b.logical_cols[0] >= a.logical_rows[0] * a.logical_cols[0]
    fa, fb = spare_lines_front(dead, rows, cols), spare_lines_front(fewer, rows, cols)
    assert all(fb[min(r, fb.size - 1)] <= fa[r] for r in range(fa.size))


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------


def test_must_repair_retires_a_row_with_more_dead_cores_than_spare_columns():
    # Row 1 has 3 dead cores, 2 spare columns: it must go; the rest by columns.
    dead = [5, 6, 7, 8, 16]  # row 1: columns 0-3; then (3, 1)
    b = one(dead, 4, 5, 1, 2)
    assert b.status.tolist() == [OK]
    assert b.row_ids.tolist() == [1] and b.col_ids.tolist() == [1]


def test_many_components_with_a_tight_budget():
    # 12 pairs sharing a row (1 row or 2 columns each) and spare lines for
    # 4 by rows and 8 by columns exactly: feasible, and only just.
    rows, cols = 30, 40
    dead = sorted(r * cols + c for i, r in enumerate(range(0, 24, 2)) for c in (3 * i, 3 * i + 1))
    assert one(dead, rows, cols, 4, 16).status.tolist() == [OK]
    assert one(dead, rows, cols, 4, 15).status.tolist() == [DEGRADED]
    assert one(dead, rows, cols, 3, 17).status.tolist() == [DEGRADED]


def test_target_decides_between_degraded_and_failed():
    dead = [0, 5, 10]  # a diagonal of three on 4 x 4: three lines
    assert one(dead, 4, 4, 1, 1, (3, 2)).status.tolist() == [DEGRADED]
    b = one(dead, 4, 4, 1, 1, (3, 3))
    assert b.status.tolist() == [FAILED]
    assert (b.logical_rows * b.logical_cols).tolist() == [6]  # still the largest array


def test_wse_scale_wafers():
    import wafer
    import yieldmodels

    rows, cols = 763, 1272
    d = wafer.dead_cores(yieldmodels.sample_defects(200, 46.0, rows * cols, 7))
    b = repair_spare_lines(d.offsets, d.sites, rows, cols, 24, 24)
    assert set(b.status.tolist()) <= {OK, DEGRADED}
    for t in range(0, 200, 23):
        dead = d.trial(t).tolist()
        m = b.mapping(t)
        rr, rc = set(m.retired_rows.tolist()), set(m.retired_cols.tolist())
        assert all(x // cols in rr or x % cols in rc for x in dead)
        assert (int(b.status[t]), int(b.n_retired_rows[t]), int(b.n_retired_cols[t]),
                int(b.logical_rows[t]), int(b.logical_cols[t])) == from_front(front_oracle(dead, cols),
                                                                            rows, cols, 24, 24)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

GOOD = dict(offsets=[0, 2], dead=[1, 5], rows=3, cols=4, spare_rows=1, spare_cols=1)


@pytest.mark.parametrize(
    "param, value",
    [
        ("spare_rows", -1), ("spare_rows", 3), ("spare_rows", 1.0), ("spare_cols", -2), ("spare_cols", 4),
        ("rows", 0), ("cols", -1), ("rows", True), ("cols", 2**40),
        ("dead", [5, 1]), ("dead", [1, 1]), ("dead", [1, 12]), ("dead", [-1, 5]), ("dead", [1.0, 5.0]),
        ("dead", [[1, 5]]),
        ("offsets", [0, 3]), ("offsets", [1, 2]), ("offsets", [0, 3, 2]), ("offsets", [[0, 2]]),
        ("offsets", []), ("offsets", [0.0, 2.0]),
        ("target", (3, 1)), ("target", (1, 4)), ("target", (0, 1)), ("target", 2), ("target", (1,)),
        ("target", (1.0, 1)),
    ],
)
def test_bad_input_names_the_parameter(param, value):
    kw = {**GOOD, param: value}
    target = kw.pop("target", None)
    with pytest.raises(ParameterError) as exc:
        repair_spare_lines(*kw.values(), target=target)
    assert str(exc.value).startswith(param) and "\n" not in str(exc.value)


def test_unsorted_ids_within_a_trial_but_not_across_trials():
    # Trial boundaries may go down; within a trial they may not.
    assert repair_spare_lines([0, 1, 2], [5, 1], 3, 4, 1, 1).n_trials == 2
    with pytest.raises(ParameterError, match="^dead must be core ids sorted"):
        repair_spare_lines([0, 2, 2], [5, 1], 3, 4, 1, 1)


@pytest.mark.parametrize("call", [
    lambda: spare_lines_mapping([3, 2], 3, 4, 1, 1),
    lambda: spare_lines_front([3, 20], 3, 4),
    lambda: spare_lines_mapping([1], 3, 4, 3, 1),
    lambda: repair_spare_lines([0, 0], [], 3, 4, 1, 1).mapping(1),
    lambda: spare_lines_mapping([1], 3, 4, 1, 1).l2p([6]),
    lambda: spare_lines_mapping([1], 3, 4, 1, 1).p2l([12]),
])
def test_single_trial_functions_check_their_input(call):
    with pytest.raises(ParameterError):
        call()
