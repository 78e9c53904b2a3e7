"""Row / column harvesting: the compiled kernel against a dense numpy oracle,
and the closed forms against a Monte Carlo estimate (numpy Generator)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paramcheck import ParameterError
from scipy import stats
from wafer.harvest import (
    DEGRADED,
    FAILED,
    OK,
    expected_good_lines,
    harvest_lines,
    harvest_mapping,
    harvest_probability,
)

# --------------------------------------------------------------------------
# Oracle
# --------------------------------------------------------------------------


def dense_harvest(dead, rows, cols, axis="rows", target=None):
    """(status, dense logical -> physical map) from the whole alive grid."""
    alive = np.ones((rows, cols), dtype=bool)
    alive.flat[list(dead)] = False
    good = np.flatnonzero(alive.all(axis=1 if axis == "rows" else 0))
    n_lines = rows if axis == "rows" else cols
    if target is None:
        status = OK if good.size == n_lines else (DEGRADED if good.size else FAILED)
        used = good
    else:
        status = OK if good.size >= target else FAILED
        used = good[:target]
    grid = np.arange(rows * cols).reshape(rows, cols)
    l2p = grid[used] if axis == "rows" else grid[:, used]
    return status, l2p


def dense_long_links(l2p, cols):
    out = []
    for a, b in ((l2p[:, :-1], l2p[:, 1:]), (l2p[:-1], l2p[1:])):
        d = np.abs(a // cols - b // cols) + np.abs(a % cols - b % cols)
        out += d[d > 1].ravel().tolist()
    return sorted(out)


@st.composite
def cases(draw, max_side=7):
    rows = draw(st.integers(1, max_side))
    cols = draw(st.integers(1, max_side))
    dead = sorted(draw(st.sets(st.integers(0, rows * cols - 1), max_size=rows * cols)))
    axis = draw(st.sampled_from(["rows", "cols"]))
    n_lines = rows if axis == "rows" else cols
    target = draw(st.none() | st.integers(1, n_lines))
    return rows, cols, dead, axis, target


def one(rows, cols, dead, axis, target):
    return harvest_lines([0, len(dead)], dead, rows, cols, axis=axis, target=target)


# --------------------------------------------------------------------------
# Against the oracle, and properties
# --------------------------------------------------------------------------


@given(cases())
def test_harvest_is_the_dense_harvest(c):
    rows, cols, dead, axis, target = c
    b = one(rows, cols, dead, axis, target)
    status, l2p = dense_harvest(dead, rows, cols, axis, target)
    m = b.mapping(0)
    assert int(b.status[0]) == status == m.status
    assert m.logical_shape == l2p.shape == (int(b.logical_rows[0]), int(b.logical_cols[0]))
    assert np.array_equal(m.to_dense(), l2p)
    lengths = dense_long_links(l2p, cols)
    assert m.long_links().tolist() == lengths
    assert b.long_links[0] == len(lengths) and b.extra_hops[0] == sum(x - 1 for x in lengths)
    assert b.longest_link[0] == (max(lengths) if lengths else (1 if l2p.size >= 2 else 0))
    lines = {d // cols for d in dead} if axis == "rows" else {d % cols for d in dead}
    assert b.line_ids.tolist() == sorted(lines) and b.n_disabled[0] == len(lines)


@given(cases())
def test_logical_cores_are_alive_distinct_and_invertible(c):
    rows, cols, dead, axis, target = c
    m = harvest_mapping(dead, rows, cols, axis=axis, target=target)
    flat = m.to_dense().ravel()
    assert len(set(flat.tolist())) == flat.size and not set(dead) & set(flat.tolist())
    assert np.array_equal(m.l2p(np.arange(flat.size)), flat)
    assert np.array_equal(m.p2l(flat), np.arange(flat.size))
    assert (m.p2l(np.setdiff1d(np.arange(rows * cols), flat)) == -1).all()


@given(st.integers(1, 9), st.integers(1, 9), st.sampled_from(["rows", "cols"]))
def test_fault_free_grid_maps_to_the_identity(rows, cols, axis):
    b = one(rows, cols, [], axis, None)
    assert b.status.tolist() == [OK] and b.n_disabled.tolist() == [0] and b.long_links.tolist() == [0]
    assert np.array_equal(b.mapping(0).to_dense(), np.arange(rows * cols).reshape(rows, cols))


@settings(max_examples=50)
@given(cases(max_side=5), st.lists(st.sets(st.integers(0, 24)), min_size=1, max_size=6))
def test_batch_equals_per_trial(c, sets):
    rows, cols, _, axis, target = c
    deads = [sorted(x for x in s if x < rows * cols) for s in sets]
    offsets = np.concatenate(([0], np.cumsum([len(d) for d in deads])))
    b = harvest_lines(offsets, [x for d in deads for x in d], rows, cols, axis=axis, target=target)
    for t, d in enumerate(deads):
        s = one(rows, cols, d, axis, target)
        for name in ("status", "n_disabled", "logical_rows", "logical_cols", "long_links",
                     "longest_link", "extra_hops", "good_lines"):
            assert getattr(b, name)[t] == getattr(s, name)[0], name
        assert np.array_equal(b.mapping(t).to_dense(), s.mapping(0).to_dense())


@given(cases(), st.data())
def test_removing_a_dead_core_never_makes_it_worse(c, data):
    rows, cols, dead, axis, target = c
    if not dead:
        return
    fewer = list(dead)
    fewer.pop(data.draw(st.integers(0, len(dead) - 1)))
    a, b = one(rows, cols, dead, axis, target), one(rows, cols, fewer, axis, target)
    assert b.status[0] <= a.status[0]
    assert b.logical_rows[0] * b.logical_cols[0] >= a.logical_rows[0] * a.logical_cols[0]
    assert b.good_lines[0] >= a.good_lines[0]


def test_wse_scale_rows_and_columns():
    import wafer
    import yieldmodels

    rows, cols = 763, 1272
    d = wafer.dead_cores(yieldmodels.sample_defects(300, 46.0, rows * cols, 3))
    for axis, n_lines in (("rows", rows), ("cols", cols)):
        b = harvest_lines(d.offsets, d.sites, rows, cols, axis=axis)
        lines = d.sites // cols if axis == "rows" else d.sites % cols
        want = [np.unique(lines[d.offsets[t]:d.offsets[t + 1]]).size for t in range(d.n_trials)]
        assert b.n_disabled.tolist() == want
        assert (b.good_lines == n_lines - b.n_disabled).all()


# --------------------------------------------------------------------------
# Closed form against Monte Carlo
# --------------------------------------------------------------------------


def _interval(k: int, n: int, level: float = 0.999) -> tuple[float, float]:
    """Clopper-Pearson interval for a binomial proportion k / n."""
    a = (1 - level) / 2
    lo = stats.beta.ppf(a, k, n - k + 1) if k > 0 else 0.0
    hi = stats.beta.ppf(1 - a, k + 1, n - k) if k < n else 1.0
    return lo, hi


@pytest.mark.parametrize("axis, alpha", [("rows", None), ("cols", None), ("rows", 1.5), ("cols", 4.0)])
def test_closed_form_agrees_with_monte_carlo(axis, alpha):
    rows, cols, mean, n = 6, 5, 4.0, 20_000
    rng = np.random.default_rng(20240611 + (alpha is not None) + 2 * (axis == "cols"))
    g = np.ones(n) if alpha is None else rng.gamma(alpha, 1.0 / alpha, n)
    q = -np.expm1(-g * mean / (rows * cols))  # each core dead with probability q
    dead = rng.random((n, rows, cols)) < q[:, None, None]
    good = (~dead).all(axis=2 if axis == "rows" else 1).sum(axis=1)
    n_lines = rows if axis == "rows" else cols
    for k in range(n_lines + 1):
        lo, hi = _interval(int((good >= k).sum()), n)
        assert lo <= harvest_probability(rows, cols, mean, k, axis=axis, alpha=alpha) <= hi, k
    # The mean: normal 99.9% interval.
    half = 3.29 * good.std(ddof=1) / math.sqrt(n)
    assert abs(expected_good_lines(rows, cols, mean, axis=axis, alpha=alpha) - good.mean()) <= half
    # And the kernel on the same wafers counts the same good lines.
    trials = dead[:500].reshape(500, -1)
    offsets = np.concatenate(([0], np.cumsum(trials.sum(axis=1))))
    b = harvest_lines(offsets, np.nonzero(trials)[1], rows, cols, axis=axis)
    assert np.array_equal(b.good_lines, good[:500])


def test_closed_form_limits():
    assert harvest_probability(4, 4, 0.0, 4) == 1.0
    assert harvest_probability(4, 4, 3.0, 0) == 1.0
    assert math.isclose(harvest_probability(10, 20, 3.0, 10), math.exp(-3.0))
    assert math.isclose(harvest_probability(10, 20, 3.0, 10, alpha=2.0), (1 + 1.5) ** -2, rel_tol=1e-7)
    assert math.isclose(expected_good_lines(10, 20, 3.0, alpha=1e9), expected_good_lines(10, 20, 3.0),
                        rel_tol=1e-6)
    # P(G >= k) falls with k, and the mean is the sum of the tails.
    tails = [harvest_probability(10, 20, 5.0, k, alpha=3.0) for k in range(11)]
    assert all(a >= b for a, b in zip(tails, tails[1:]))
    assert math.isclose(sum(tails[1:]), expected_good_lines(10, 20, 5.0, alpha=3.0), rel_tol=1e-6)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kw, param",
    [
        ({"axis": "row"}, "axis"), ({"axis": 0}, "axis"), ({"target": 0}, "target"), ({"target": 4}, "target"),
        ({"target": 2.0}, "target"), ({"dead": [5, 1]}, "dead"), ({"dead": [1, 12]}, "dead"),
        ({"dead": [-1]}, "dead"), ({"offsets": [0, 1]}, "offsets"), ({"rows": 0}, "rows"),
        ({"cols": 1.5}, "cols"),
    ],
)
def test_bad_input_names_the_parameter(kw, param):
    args = {"offsets": [0, 2], "dead": [1, 5], "rows": 3, "cols": 4, **kw}
    extra = {k: args.pop(k) for k in ("axis", "target") if k in args}
    with pytest.raises(ParameterError) as exc:
        harvest_lines(*args.values(), **extra)
    assert str(exc.value).startswith(param) and "\n" not in str(exc.value)


@pytest.mark.parametrize(
    "call, param",
    [
        (lambda: harvest_probability(3, 4, -1.0, 2), "mean_defects"),
        (lambda: harvest_probability(3, 4, 1.0, 4), "target"),
        (lambda: harvest_probability(3, 4, 1.0, 5, axis="cols"), "target"),
        (lambda: harvest_probability(3, 4, 1.0, 2, alpha=0.0), "alpha"),
        (lambda: harvest_probability(3, 4, 1.0, 2, axis="diagonal"), "axis"),
        (lambda: expected_good_lines(0, 4, 1.0), "rows"),
        (lambda: expected_good_lines(3, 4, math.nan), "mean_defects"),
        (lambda: harvest_mapping([2, 2], 3, 4), "dead"),
        (lambda: harvest_lines([0, 0], [], 3, 4).mapping(1), "trial"),
    ],
)
def test_closed_forms_and_helpers_check_their_input(call, param):
    with pytest.raises(ParameterError) as exc:
        call()
    assert str(exc.value).startswith(param)
