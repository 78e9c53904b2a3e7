"""Dies per wafer: gross formula and exact grid count against a brute-force oracle."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yieldmodels import ParameterError, exact_dies_per_wafer, gross_dies_per_wafer
import numpy as np

from yieldmodels.dies import _candidate_offsets, _count_for_offset, _search


def brute_count(w, h, px, py, radius, ox, oy):
    """Check all four corners of every grid cell's die (plain Python oracle)."""
    r2 = radius * radius
    n_x = int(math.ceil(2 * radius / px)) + 3
    n_y = int(math.ceil(2 * radius / py)) + 3
    count = 0
    for j in range(-n_y, n_y + 1):
        y0 = oy + j * py
        for i in range(-n_x, n_x + 1):
            x0 = ox + i * px
            if all(x * x + y * y <= r2 for x in (x0, x0 + w) for y in (y0, y0 + h)):
                count += 1
    return count


def test_gross_formula_hand_value():
    # S = 100, d = 300: pi*150^2/100 - pi*300/sqrt(200)
    expected = math.pi * 22500 / 100 - math.pi * 300 / math.sqrt(200)
    assert math.isclose(gross_dies_per_wafer(10.0, 10.0), expected, rel_tol=1e-12)
    # scribe 0.1 and edge exclusion 3: S = 10.1^2, d = 294
    s = 10.1 * 10.1
    expected = math.pi * 147**2 / s - math.pi * 294 / math.sqrt(2 * s)
    got = gross_dies_per_wafer(10.0, 10.0, scribe_mm=0.1, edge_exclusion_mm=3.0)
    assert math.isclose(got, expected, rel_tol=1e-12)


def test_gross_clamped_at_wafer_scale():
    # 212 mm fits a 300 mm wafer (diagonal 299.8 mm), yet the formula goes negative.
    assert 212 * 2**0.5 < 300
    assert gross_dies_per_wafer(212.0, 212.0) == 0.0
    assert gross_dies_per_wafer(150.0, 150.0) == 0.0


@pytest.mark.parametrize("w, h, kw", [
    (215.0, 215.0, {}),  # the WSE square: diagonal 304 mm
    (400.0, 1.0, {}),
    (205.0, 206.0, {"edge_exclusion_mm": 5.0}),  # usable diameter 290 mm
])
def test_gross_rejects_a_die_larger_than_the_wafer(w, h, kw):
    with pytest.raises(ParameterError, match="die_w_mm x die_h_mm must fit"):
        gross_dies_per_wafer(w, h, **kw)
    assert exact_dies_per_wafer(w, h, **kw) == 0


def test_exact_one_die_just_fits_and_none_fits():
    assert exact_dies_per_wafer(212.0, 212.0) == 1
    assert exact_dies_per_wafer(213.0, 213.0) == 0
    assert exact_dies_per_wafer(215.0, 215.0) == 0
    # 300 mm wafer, edge exclusion 5 mm: usable diameter 290; 205^2*2 = 84050 < 290^2
    assert exact_dies_per_wafer(205.0, 205.0, edge_exclusion_mm=5.0) == 1
    assert exact_dies_per_wafer(206.0, 206.0, edge_exclusion_mm=5.0) == 0


def test_exact_small_hand_cases():
    # A 1 x 1 mm die on a 2 mm wafer (radius 1): 4 dies around the centre
    # would need corners at distance sqrt(2) > 1; one centred die fits.
    assert exact_dies_per_wafer(1.0, 1.0, 2.0) == 1
    # Radius 1, die 0.7 x 0.7: corner offset (0.7, 0.7) has norm 0.99 -> 4 fit.
    assert exact_dies_per_wafer(0.7, 0.7, 2.0) == 4


def test_exact_vs_gross_plausible():
    for w, h in [(10.0, 10.0), (26.0, 33.0), (5.0, 7.0)]:
        exact = exact_dies_per_wafer(w, h)
        gross = gross_dies_per_wafer(w, h)
        assert exact <= math.pi * 150**2 / (w * h)
        assert abs(exact - gross) <= 0.15 * gross


@settings(max_examples=60)
@given(
    w=st.floats(0.5, 60.0),
    h=st.floats(0.5, 60.0),
    scribe=st.floats(0.0, 2.0),
    diameter=st.floats(20.0, 150.0),
    fx=st.floats(0.0, 1.0, exclude_max=True),
    fy=st.floats(0.0, 1.0, exclude_max=True),
)
def test_fast_count_matches_brute_force(w, h, scribe, diameter, fx, fy):
    px, py = w + scribe, h + scribe
    radius = diameter / 2
    ox, oy = fx * px, fy * py
    assert _count_for_offset(w, h, px, py, radius, ox, oy) == brute_count(
        w, h, px, py, radius, ox, oy
    )


@pytest.mark.parametrize(
    ("w", "h", "r", "ox", "oy"),
    [
        (1.0, 1.0, 1.0, 0.5, 0.5),  # centred die, corners inside
        (2.0, 2.0, math.sqrt(2.0), 1.0, 1.0),  # corners exactly on the circle
        (3.0, 4.0, 2.5, 1.5, 2.0),  # 3-4-5 triangle: corners exactly on the circle
        (1.0, 1.0, 5.0, 0.0, 0.0),  # die corner on the wafer centre
    ],
)
def test_fast_count_boundary_cases(w, h, r, ox, oy):
    assert _count_for_offset(w, h, w, h, r, ox, oy) == brute_count(w, h, w, h, r, ox, oy)


@settings(max_examples=30, deadline=None)
@given(
    w=st.floats(2.0, 250.0),
    h=st.floats(2.0, 250.0),
    scribe=st.floats(0.0, 1.0),
    edge=st.floats(0.0, 10.0),
    ix=st.integers(0, 64),
    iy=st.integers(0, 64),
)
def test_exact_is_best_over_offsets(w, h, scribe, edge, ix, iy):
    best = exact_dies_per_wafer(w, h, scribe_mm=scribe, edge_exclusion_mm=edge)
    assert best >= 0
    px, py = w + scribe, h + scribe
    radius = 150.0 - edge
    ox = _candidate_offsets(w, px)[ix]
    oy = _candidate_offsets(h, py)[iy]
    assert best >= _count_for_offset(w, h, px, py, radius, ox, oy)
    centred = _count_for_offset(w, h, px, py, radius, (-w / 2) % px, (-h / 2) % py)
    assert best >= centred


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"die_w_mm": 0.0}, "die_w_mm"),
        ({"die_h_mm": -1.0}, "die_h_mm"),
        ({"die_w_mm": float("nan")}, "die_w_mm"),
        ({"wafer_diameter_mm": float("inf")}, "wafer_diameter_mm"),
        ({"scribe_mm": -0.1}, "scribe_mm"),
        ({"edge_exclusion_mm": -1.0}, "edge_exclusion_mm"),
        ({"edge_exclusion_mm": 150.0}, "edge_exclusion_mm"),
    ],
)
@pytest.mark.parametrize("func", [gross_dies_per_wafer, exact_dies_per_wafer])
def test_bad_geometry(func, kwargs, name):
    args = {"die_w_mm": 10.0, "die_h_mm": 10.0, "wafer_diameter_mm": 300.0}
    args.update(kwargs)
    with pytest.raises(ParameterError, match=name):
        func(**args)


# --------------------------------------------------------------------------
# The exact search: oracles independent of the compiled kernels


def grid_brute_best(w, h, s, radius, steps=400):
    """Best count over a ``steps x steps`` offset grid, four corners per die (numpy)."""
    px, py = w + s, h + s
    r2 = radius * radius
    ox = np.arange(steps) * (px / steps)
    oy = np.arange(steps) * (py / steps)
    i = np.arange(-int(radius / px) - 2, int(radius / px) + 3)
    j = np.arange(-int(radius / py) - 2, int(radius / py) + 3)
    x0 = ox[:, None] + i[None, :] * px  # (offset, column)
    y0 = oy[:, None] + j[None, :] * py
    best = 0
    for xs in x0:  # one ox at a time: (row offset, row, column) corner tests
        ok = np.ones((steps, len(j), len(i)), dtype=bool)
        for cx in (xs, xs + w):
            for cy in (y0, y0 + h):
                ok &= cx[None, None, :] ** 2 + cy[:, :, None] ** 2 <= r2
        best = max(best, int(ok.sum(axis=(1, 2)).max()))
    return best


def oracle_best(w, h, s, radius, slack=1e-11):
    """Optimum by a second route: exact in x at every critical y.

    The y of a best offset is the y of a top point of a corner disc or of an
    intersection of two corner circles (``exact_dies_per_wafer`` Notes; no
    pruning here: every corner pair and grid vector in a box). At a fixed
    ``oy`` the best ``ox`` puts some die's left edge on its row's chord end
    (slide the grid left until a die would leave). Counts use the radius
    enlarged by ``slack`` (the chord ends use the true radius) so that rounding
    of the critical offsets loses no die.
    """
    px, py = w + s, h + s
    r_up = radius * math.sqrt(1 + slack)
    corners = [(0.0, 0.0), (w, 0.0), (0.0, h), (w, h)]
    ys = [radius - ey for _, ey in corners]
    nx, ny = int(2 * radius / px) + 1, int(2 * radius / py) + 1
    for m in range(-nx, nx + 1):
        for n in range(-ny, ny + 1):
            for e1 in corners:
                for e2 in corners:
                    c1 = np.array([-e1[0], -e1[1]])
                    c2 = np.array([-e2[0] - m * px, -e2[1] - n * py])
                    g = c2 - c1
                    d2 = g @ g
                    if d2 == 0 or d2 > 4 * radius**2 * (1 + 1e-12):
                        continue
                    t = math.sqrt(max(0.0, radius**2 / d2 - 0.25))
                    ys += [c1[1] + g[1] / 2 + t * g[0], c1[1] + g[1] / 2 - t * g[0]]
    ys = np.unique(np.array(ys) % py)
    j = np.arange(-int(radius / py) - 2, int(radius / py) + 3)
    i = np.arange(-int(radius / px) - 2, int(radius / px) + 3)
    best = 0
    for oy in ys:
        y0 = oy + j * py
        yw = np.maximum(np.abs(y0), np.abs(y0 + h))
        half = np.sqrt(np.maximum(radius**2 - yw**2, 0.0))[yw <= r_up]
        for ox in np.unique(-half % px):
            x0 = ox + i * px
            ok = np.ones((len(j), len(i)), dtype=bool)
            for cx in (x0, x0 + w):
                for cy in (y0, y0 + h):
                    ok &= cx[None, :] ** 2 + cy[:, None] ** 2 <= r_up**2
            best = max(best, int(ok.sum()))
    return best


def old_grid_best(w, h, s, radius):
    """The 65 x 65 offset search of earlier versions."""
    px, py = w + s, h + s
    return max(
        _count_for_offset(w, h, px, py, radius, ox, oy)
        for ox in _candidate_offsets(w, px)
        for oy in _candidate_offsets(h, py)
    )


def check_search(w, h, s, radius):
    """Certified (best == upper bound), attained at its offset, >= the old grid."""
    best, ox, oy, upper = _search(w, h, s, radius)
    assert best == upper
    assert brute_count(w, h, w + s, h + s, radius, ox, oy) == best
    assert best >= old_grid_best(w, h, s, radius)
    return int(best)


@pytest.mark.parametrize(
    ("w", "h", "s", "d"),
    [(3.0, 4.0, 0.0, 20.0), (2.5, 1.7, 0.3, 13.0), (4.2, 4.2, 0.1, 25.0), (6.0, 2.0, 0.0, 17.0),
     (7.3, 11.05, 0.0, 60.0), (1.0, 1.0, 0.0, 8.0)],
)
def test_exact_beats_a_fine_grid_and_equals_the_oracle(w, h, s, d):
    best = exact_dies_per_wafer(w, h, d, scribe_mm=s)
    assert best == check_search(w, h, s, d / 2)
    assert best >= grid_brute_best(w, h, s, d / 2)
    assert best == oracle_best(w, h, s, d / 2)


@settings(max_examples=25, deadline=None)
@given(
    w=st.floats(0.8, 5.0),
    h=st.floats(0.8, 5.0),
    scribe=st.floats(0.0, 0.5),
    radius=st.floats(2.0, 9.0),
)
def test_exact_equals_the_oracle_small(w, h, scribe, radius):
    assert check_search(w, h, scribe, radius) == oracle_best(w, h, scribe, radius)


@settings(max_examples=40, deadline=None)
@given(
    size=st.one_of(st.floats(5.0, 30.0), st.floats(100.0, 212.0)),
    aspect=st.floats(0.5, 2.0),
    scribe=st.floats(0.0, 0.5),
    edge=st.floats(0.0, 5.0),
)
def test_exact_search_certified(size, aspect, scribe, edge):
    w, h = size, min(size * aspect, 250.0)
    best = exact_dies_per_wafer(w, h, scribe_mm=scribe, edge_exclusion_mm=edge)
    assert best == check_search(w, h, scribe, 150.0 - edge) >= 0
    assert best <= math.pi * (150.0 - edge) ** 2 / (w * h)
    if math.hypot(w, h) <= 2 * (150.0 - edge):
        assert best >= 1
    else:
        assert best == 0


@pytest.mark.parametrize(
    ("w", "h", "kw", "expected", "old"),
    [
        (10.0, 10.0, {}, 657, 657),
        (26.0, 33.0, {}, 66, 66),
        (5.0, 5.0, {}, 2717, 2717),
        (17.92, 30.71, {"scribe_mm": 0.2, "edge_exclusion_mm": 5.0}, 99, 99),
        (math.sqrt(814.0), math.sqrt(814.0), {"scribe_mm": 0.2, "edge_exclusion_mm": 5.0}, 63, 63),
        # the 65 x 65 offset grid of earlier versions missed the best offset
        (5.0, 7.0, {}, 1927, 1926),
        (5.0, 20.0, {"scribe_mm": 0.2, "edge_exclusion_mm": 5.0}, 570, 568),
        (3.0, 3.0, {}, 7664, 7663),
    ],
)
def test_exact_known_values(w, h, kw, expected, old):
    assert exact_dies_per_wafer(w, h, **kw) == expected
    radius = 150.0 - kw.get("edge_exclusion_mm", 0.0)
    assert old_grid_best(w, h, kw.get("scribe_mm", 0.0), radius) == old

