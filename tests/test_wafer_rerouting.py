"""Greedy column rerouting: validity, optimality against exact oracles, the sparse batch, row selection."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paramcheck import ParameterError

from wafer.reference import gcr_python, max_array_exact, max_columns_exact
from wafer.rerouting import gcr_batch, greedy_column_rerouting, select_rows

distances = st.integers(0, 3)


@st.composite
def arrays(draw, max_rows=6, max_cols=7):
    """A small alive mask: explicit bits, or a seeded draw at some fault density."""
    r = draw(st.integers(1, max_rows))
    c = draw(st.integers(1, max_cols))
    if draw(st.booleans()):
        bits = draw(st.lists(st.booleans(), min_size=r * c, max_size=r * c))
        return np.array(bits, dtype=bool).reshape(r, c)
    p = draw(st.sampled_from([0.0, 0.05, 0.15, 0.3, 0.5, 0.8]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return rng.random((r, c)) >= p


@st.composite
def arrays_and_rows(draw, max_rows=6, max_cols=7):
    a = draw(arrays(max_rows, max_cols))
    rows = draw(st.none() | st.lists(st.booleans(), min_size=a.shape[0], max_size=a.shape[0]))
    return a, None if rows is None else np.array(rows, dtype=bool)


def check_columns(a: np.ndarray, rows, d: int, r) -> None:
    sel = np.arange(a.shape[0]) if rows is None else np.flatnonzero(rows)
    assert r.rows.tolist() == sel.tolist()
    assert r.l2p.shape == (sel.size, r.columns) and r.l2p.dtype == np.int64
    if r.columns == 0:
        return
    assert a[sel[:, None], r.l2p].all()  # every logical PE is fault-free
    assert (np.diff(r.l2p, axis=1) > 0).all()  # strictly increasing along each row: distinct, no crossing
    assert (np.abs(np.diff(r.l2p, axis=0)) <= d).all()  # vertical neighbours within the distance
    phys = r.to_physical()
    assert np.unique(phys).size == phys.size
    assert (phys // a.shape[1] == sel[:, None]).all()


@given(arrays_and_rows(8, 10), distances)
def test_logical_columns_are_valid(case, d):
    a, rows = case
    check_columns(a, rows, d, greedy_column_rerouting(a, rows, distance=d))


@given(st.integers(1, 9), st.integers(1, 9), distances, st.data())
def test_fault_free_array_maps_to_the_identity(r, c, d, data):
    rows = np.array(data.draw(st.lists(st.booleans(), min_size=r, max_size=r)), dtype=bool)
    rows[data.draw(st.integers(0, r - 1))] = True
    out = greedy_column_rerouting(np.ones((r, c), dtype=bool), rows, distance=d)
    assert out.columns == c and out.logical_shape == (rows.sum(), c)
    assert (out.l2p == np.arange(c)).all()
    assert out.long_interconnects() == (int(c * (np.diff(np.flatnonzero(rows)) > 1).sum()), 0)


@settings(max_examples=150)
@given(arrays(), distances)
def test_gcr_is_optimal_with_all_rows(a, d):
    assert greedy_column_rerouting(a, distance=d).columns == max_columns_exact(a, distance=d)


@settings(max_examples=150)
@given(arrays_and_rows(), distances)
def test_gcr_is_optimal_for_any_row_set(case, d):
    a, rows = case
    assert greedy_column_rerouting(a, rows, distance=d).columns == max_columns_exact(a, rows, d)


@settings(max_examples=40)
@given(arrays_and_rows(12, 16), st.integers(1, 3))
def test_gcr_is_optimal_on_larger_arrays(case, d):
    a, rows = case
    assert greedy_column_rerouting(a, rows, distance=d).columns == max_columns_exact(a, rows, d, method="flow")


@given(arrays_and_rows(5, 6), distances)
def test_exact_search_and_flow_agree(case, d):
    a, rows = case
    assert max_columns_exact(a, rows, d) == max_columns_exact(a, rows, d, method="flow")


@given(arrays_and_rows(9, 12), distances)
def test_python_reference_matches_the_kernel(case, d):
    a, rows = case
    assert np.array_equal(gcr_python(a, rows, d), greedy_column_rerouting(a, rows, distance=d).l2p)


def test_gcr_backtracks_out_of_a_dead_end():
    # The leftmost start (0, 0) leads to (1, 0), which reaches nothing below.
    a = np.array([[1, 1, 1], [1, 1, 1], [0, 0, 1]], dtype=bool)
    r = greedy_column_rerouting(a)
    assert r.columns == 1 and r.l2p.ravel().tolist() == [0, 1, 2]
    assert gcr_python(a).ravel().tolist() == [0, 1, 2]


def test_distance_zero_keeps_columns_straight():
    rng = np.random.default_rng(5)
    for _ in range(50):
        a = rng.random((6, 9)) >= 0.1
        rows = rng.random(6) < 0.6
        r = greedy_column_rerouting(a, rows, distance=0)
        good = np.flatnonzero(a[rows].all(axis=0))
        assert (r.l2p == good).all() and r.columns == good.size


def test_long_interconnects_count_bypassed_rows_and_gaps():
    a = np.ones((4, 5), dtype=bool)
    a[1, 2] = False
    r = greedy_column_rerouting(a, [True, True, False, True])
    # Columns 2 and 3 shift right in row 1 (two long links from row 0), column 4 is
    # lost; every column's link from row 1 to row 3 spans the bypassed row 2.
    assert r.columns == 4 and r.l2p[1].tolist() == [0, 1, 3, 4]
    assert r.long_interconnects() == (2 + 4, 1)


def test_removing_a_row_can_cost_columns():
    # Bypassing a row makes its neighbours adjacent: the diagonal needs its middle step.
    a = np.eye(3, dtype=bool)
    assert greedy_column_rerouting(a).columns == 1
    assert greedy_column_rerouting(a, [True, False, True]).columns == 0


@given(arrays_and_rows(8, 10), distances, st.data())
def test_removing_a_fault_never_costs_a_column(case, d, data):
    # Monotone: a fault-free PE only adds paths, and GCR is optimal.
    a, rows = case
    dead = np.argwhere(~a)
    if dead.size == 0:
        return
    i, j = dead[data.draw(st.integers(0, len(dead) - 1))]
    healed = a.copy()
    healed[i, j] = True
    before = greedy_column_rerouting(a, rows, distance=d).columns
    assert greedy_column_rerouting(healed, rows, distance=d).columns >= before


# --- the sparse batch -------------------------------------------------------------


@st.composite
def sparse_wafers(draw):
    """(rows, cols, dead ids per trial): faults at random, on the edges, side by side, whole rows."""
    r = draw(st.integers(1, 12))
    c = draw(st.integers(1, 16))
    n = r * c

    def one_trial():
        parts = [draw(st.lists(st.integers(0, n - 1), max_size=max(1, n // 6)))]
        edges = [i for i in range(n) if i < c or i >= n - c or i % c in (0, c - 1)]
        parts.append(draw(st.lists(st.sampled_from(edges), max_size=4)))
        for _ in range(draw(st.integers(0, 3))):  # runs of adjacent faults, in a row or a column
            start = draw(st.integers(0, n - 1))
            step = draw(st.sampled_from([1, c, c + 1, c - 1 if c > 1 else 1, 2]))
            parts.append([start + k * step for k in range(draw(st.integers(2, 4))) if start + k * step < n])
        if draw(st.integers(0, 9)) == 0:  # a whole dead row
            row = draw(st.integers(0, r - 1))
            parts.append(list(range(row * c, (row + 1) * c)))
        ids = sorted(x for p in parts for x in p)
        if ids and draw(st.booleans()):
            ids.insert(draw(st.integers(0, len(ids) - 1)), ids[0])  # a repeated id counts once
            ids.sort()
        return ids

    return r, c, [one_trial() for _ in range(draw(st.integers(1, 4)))]


def dense_stats(r: int, c: int, dead, d: int) -> tuple[int, int, int, int]:
    a = np.ones(r * c, dtype=bool)
    a[np.asarray(dead, dtype=np.int64)] = False
    out = greedy_column_rerouting(a.reshape(r, c), distance=d)
    return (out.columns, *out.long_interconnects(), int((~a).sum()))


def batch_of(trials):
    offsets = np.concatenate(([0], np.cumsum([len(t) for t in trials]))).astype(np.int64)
    dead = np.array([x for t in trials for x in t], dtype=np.int64)
    return offsets, dead


def check_batch(r, c, trials, d):
    b = gcr_batch(*batch_of(trials), r, c, distance=d)
    for t, dead in enumerate(trials):
        got = (b.columns[t], b.long_vertical[t], b.long_horizontal[t], b.dead_cores[t])
        assert got == dense_stats(r, c, dead, d), (t, dead)


@settings(max_examples=300)
@given(sparse_wafers(), distances)
def test_batch_equals_the_dense_kernel(case, d):
    r, c, trials = case
    check_batch(r, c, trials, d)


def test_batch_equals_the_dense_kernel_on_random_arrays():
    rng = np.random.default_rng(11)
    for _ in range(30):
        r, c = int(rng.integers(20, 60)), int(rng.integers(20, 80))
        trials = [np.flatnonzero(rng.random(r * c) < rng.choice([0.005, 0.03, 0.1, 0.3])).tolist()
                  for _ in range(3)]
        check_batch(r, c, trials, int(rng.integers(0, 4)))


def test_batch_equals_the_dense_kernel_at_wafer_scale():
    # WSE-3-like: 763 x 1272 cores, ~46 uniform defects, plus denser and clustered wafers.
    rng = np.random.default_rng(12)
    r, c = 763, 1272
    trials = [np.unique(rng.integers(0, r * c, rng.poisson(46))).tolist() for _ in range(4)]
    trials.append(np.unique(rng.integers(0, r * c, 3000)).tolist())
    cluster = (rng.integers(300, 320, 200) * c + rng.integers(600, 640, 200))
    trials.append(np.unique(cluster).tolist())
    for d in (1, 2):
        check_batch(r, c, trials, d)


def test_batch_handles_empty_trials_and_repeats():
    b = gcr_batch([0, 0, 2, 2], [5, 5], 3, 4)
    assert b.columns.tolist() == [4, 3, 4] and b.dead_cores.tolist() == [0, 1, 0]
    assert b.long_vertical.tolist() == [0, 4, 0] and b.long_horizontal.tolist() == [0, 1, 0]
    assert gcr_batch([0], [], 2, 2).columns.size == 0
    # Sorted within each trial is enough.
    assert gcr_batch([0, 1, 2], [9, 2], 3, 4).columns.tolist() == [3, 3]


def test_batch_results_do_not_depend_on_the_batch():
    rng = np.random.default_rng(13)
    trials = [np.unique(rng.integers(0, 40 * 50, rng.integers(0, 60))).tolist() for _ in range(150)]
    whole = gcr_batch(*batch_of(trials), 40, 50)
    part = gcr_batch(*batch_of(trials[70:90]), 40, 50)
    assert (whole.columns[70:90] == part.columns).all()
    assert (whole.long_vertical[70:90] == part.long_vertical).all()


# --- row selection ----------------------------------------------------------------


@settings(max_examples=60)
@given(arrays(5, 6), st.integers(0, 2))
def test_select_rows_is_between_all_rows_and_the_optimum(a, d):
    chosen = select_rows(a, distance=d)
    check_columns(a, np.isin(np.arange(a.shape[0]), chosen.rows), d, chosen)
    assert greedy_column_rerouting(a, distance=d).size <= chosen.size <= max_array_exact(a, d).size


@settings(max_examples=60)
@given(arrays(5, 6), st.integers(0, 2), st.data())
def test_select_rows_with_a_target_keeps_enough_rows(a, d, data):
    target = data.draw(st.integers(1, a.shape[0]))
    chosen = select_rows(a, distance=d, target_rows=target)
    assert chosen.rows.size >= target
    best = max_array_exact(a, d, target_rows=target)
    assert greedy_column_rerouting(a, distance=d).columns <= chosen.columns <= best.columns


def test_select_rows_bypasses_a_bad_row():
    a = np.ones((6, 8), dtype=bool)
    a[3, ::2] = False
    assert greedy_column_rerouting(a).columns == 4
    chosen = select_rows(a)
    assert chosen.rows.tolist() == [0, 1, 2, 4, 5] and chosen.columns == 8


# --- bad input ----------------------------------------------------------------------


ALIVE = np.ones((3, 4), dtype=bool)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: greedy_column_rerouting(np.ones(4, dtype=bool)), "alive"),
        (lambda: greedy_column_rerouting(np.ones((2, 2, 2), dtype=bool)), "alive"),
        (lambda: greedy_column_rerouting(np.ones((3, 4), dtype=int)), "alive"),
        (lambda: greedy_column_rerouting(np.ones((0, 4), dtype=bool)), "alive"),
        (lambda: greedy_column_rerouting("alive"), "alive"),
        (lambda: greedy_column_rerouting(ALIVE, [True, False]), "rows"),
        (lambda: greedy_column_rerouting(ALIVE, [1, 0, 1]), "rows"),
        (lambda: greedy_column_rerouting(ALIVE, np.ones((3, 1), dtype=bool)), "rows"),
        (lambda: greedy_column_rerouting(ALIVE, distance=-1), "distance"),
        (lambda: greedy_column_rerouting(ALIVE, distance=1.0), "distance"),
        (lambda: greedy_column_rerouting(ALIVE, distance=True), "distance"),
        (lambda: select_rows(ALIVE, distance="1"), "distance"),
        (lambda: select_rows(ALIVE, target_rows=0), "target_rows"),
        (lambda: select_rows(ALIVE, target_rows=4), "target_rows"),
        (lambda: select_rows([[1, 0]]), "alive"),
        (lambda: gcr_batch([0, 2], [3, 1], 3, 4), "dead"),
        (lambda: gcr_batch([0, 1, 3], [3, 5, 4], 3, 4), "dead"),
        (lambda: gcr_batch([0, 1], [12], 3, 4), "dead"),
        (lambda: gcr_batch([0, 1], [-1], 3, 4), "dead"),
        (lambda: gcr_batch([0, 1], [1.5], 3, 4), "dead"),
        (lambda: gcr_batch([0, 2], [[1, 2]], 3, 4), "dead"),
        (lambda: gcr_batch([1, 2], [1, 2], 3, 4), "offsets"),
        (lambda: gcr_batch([0, 2, 1], [1, 2], 3, 4), "offsets"),
        (lambda: gcr_batch([0, 1], [1, 2], 3, 4), "offsets"),
        (lambda: gcr_batch([], [], 3, 4), "offsets"),
        (lambda: gcr_batch([0, -1], [], 3, 4), "offsets"),
        (lambda: gcr_batch([0, 1], [1], 0, 4), "core_rows"),
        (lambda: gcr_batch([0, 1], [1], 3, 2.0), "core_cols"),
        (lambda: gcr_batch([0, 1], [1], 3, 4, distance=-2), "distance"),
        (lambda: max_columns_exact(ALIVE, method="bfs"), "method"),
        (lambda: max_columns_exact(np.ones((2, 11), dtype=bool)), "alive"),
        (lambda: max_array_exact(np.ones((13, 2), dtype=bool)), "alive"),
        (lambda: gcr_python(ALIVE, distance=-1), "distance"),
    ],
)
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ParameterError) as exc:
        call()
    message = str(exc.value)
    assert message.startswith(name + " ") and "\n" not in message


# --------------------------------------------------------------------------
# The registered scheme
# --------------------------------------------------------------------------


@st.composite
def _wafer_and_dead(draw):
    from wafer import WaferSpec

    rows, cols = draw(st.integers(2, 7)), draw(st.integers(2, 8))
    spec = WaferSpec(core_rows=rows, core_cols=cols, die_width_mm=5.0, die_height_mm=5.0)
    dead = sorted(draw(st.sets(st.integers(0, rows * cols - 1), max_size=8)))
    return spec, np.array(dead, dtype=np.int64)


@settings(max_examples=150, deadline=None)
@given(_wafer_and_dead(), st.integers(0, 2), st.integers(0, 2), st.booleans())
def test_scheme_maps_live_distinct_cores_within_reach(wd, spare_cols, distance, bypass):
    from wafer import ColumnRerouting
    from yieldmodels import DefectBatch

    spec, dead = wd
    if spare_cols >= spec.core_cols or spec.core_rows * (spec.core_cols - spare_cols) < 2:
        return
    scheme = ColumnRerouting(spare_cols=spare_cols, distance=distance, select_rows=bypass)
    m = scheme.mapping(spec, dead)
    b = scheme.check(spec, DefectBatch(np.array([0, dead.size]), dead))
    assert (b.status[0], b.logical_rows[0], b.logical_cols[0], b.spares_used[0]) == (
        m.status, *m.logical_shape, m.spares_used)
    if not dead.size:
        assert m.repaired and (m.to_dense() == np.arange(spec.core_rows)[:, None] * spec.core_cols
                               + np.arange(spec.core_cols - spare_cols)).all()
    if m.n_logical:
        phys = m.to_dense()
        assert np.unique(phys).size == phys.size and not np.isin(phys, dead).any()
        assert (m.p2l(phys.ravel()) == np.arange(m.n_logical)).all()
        # Logical neighbours within the fabric's reach: columns move at most
        # `distance` between kept rows, and rows only go down.
        c, r = phys % spec.core_cols, phys // spec.core_cols
        assert (np.abs(np.diff(c, axis=0)) <= distance).all() and (np.diff(r, axis=0) > 0).all()
        assert (np.diff(c, axis=1) > 0).all() and (np.diff(r, axis=1) == 0).all()
        if m.n_logical >= 2:
            assert m.metrics().bandwidth_fraction > 0


def test_scheme_in_a_study_and_on_the_command_line(capsys):
    import json

    from wafer.cli import main

    small = ["--core-rows", "14", "--core-cols", "24", "--die-width", "10", "--die-height", "10",
             "--dies", "2x2", "--trials", "30", "--quiet", "--json", "--d0", "20"]
    assert main(["study", "--scheme", "column-rerouting", "--spare-cols", "2", *small]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["parameters"]["scheme"]["name"] == "column-rerouting"
    assert data["wafer"]["logical_shape"] == [14, 22]
    assert 0 < data["wafer"]["usable_cores_per_wafer"]["mean"] <= 14 * 22
    assert main(["study", "--scheme", "column-rerouting", "--select-rows", "--distance", "2", *small]) == 0
    assert json.loads(capsys.readouterr().out)["parameters"]["scheme"]["select_rows"] is True
