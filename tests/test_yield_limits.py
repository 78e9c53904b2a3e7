"""Packaging limits (yieldmodels.limits): the shipped figures, carrier checks, wafer geometry.

Every figure of the shipped file is listed here with its expected value, so a
change to the data is a deliberate change to this file too. The carrier check
is compared with sums done by hand and with monotonic properties; the corner
loss of a square on a wafer with scipy's quadrature and a fine grid.
"""

from __future__ import annotations

import math
import shutil

import numpy as np
import pytest
from bad_input import BAD, Case, sweep
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import quad

import yieldmodels.limits as limits_module
from yieldmodels import ParameterError, WaferDefaults, load_parameter_set
from yieldmodels.limits import (
    LIMIT_SETS,
    CarrierLimit,
    LaneRepair,
    PackagingLimits,
    buildable_technologies,
    carrier_table,
    check_carrier,
    load_packaging_limits,
    square_area_outside_circle_mm2,
    square_on_wafer,
)
from yieldmodels.parameters import Packaging, ParameterSet

LIM = load_packaging_limits()
SHIPPED_PATH = LIM.path

# --------------------------------------------------------------------------
# 1. The shipped figures, each with its expected value

EXPECTED_CARRIERS = {
    # name: (max_area_mm2, max_width_mm, max_height_mm, max_dies, area_factor, status, as_of_year, estimates)
    "monolithic-reticle": (858.0, 26.0, 33.0, 1, 1.0, "production", 2026, ()),
    "organic-substrate": (18000.0, 120.0, 150.0, None, 4.0, "production", 2026, ()),
    "info-rdl": (2490.0, None, None, None, 1.2, "production", 2025, ("max_area_mm2", "as_of_year")),
    "si-interposer": (2700.0, None, None, None, 1.1, "production", 2024, ()),
    "cowos-l": (4565.0, None, None, None, 1.1, "production", 2026, ("max_area_mm2", "area_factor")),
    "cowos-l-2027": (7885.0, None, None, None, 1.1, "announced", 2027, ("max_area_mm2", "area_factor")),
    "info-sow": (67886.7, None, None, None, 1.2, "production", 2024, ("max_area_mm2", "area_factor")),
    "sow-x": (67886.7, None, None, 16, 1.2, "announced", 2027, ("max_area_mm2", "area_factor")),
}

EXPECTED_LANES = {
    # name: (data_lanes, redundant_lanes, repair_group_lanes, max_repairs_per_group, as_of_year, estimates)
    "ucie-advanced-x64": (64, 4, 32, 2, 2023, ()),
    "ucie-advanced-x32": (32, 2, 32, 2, 2023, ()),
    "ucie-standard-x16": (16, 0, 16, 0, 2023, ("redundant_lanes", "max_repairs_per_group")),
}


def test_the_shipped_set_is_named_and_listed():
    assert LIMIT_SETS == ("packaging-limits",)
    assert LIM.name == "packaging-limits"
    assert SHIPPED_PATH.endswith("packaging_limits.toml")
    assert load_packaging_limits() is LIM  # cached


def test_every_carrier_figure_has_its_expected_value():
    assert list(LIM.carriers) == list(EXPECTED_CARRIERS)  # the table order is the file order
    for name, expected in EXPECTED_CARRIERS.items():
        c = LIM.carrier(name)
        got = (c.max_area_mm2, c.max_width_mm, c.max_height_mm, c.max_dies, c.area_factor,
               c.status, c.as_of_year, c.estimates)
        assert got == expected, name


def test_every_lane_repair_figure_has_its_expected_value():
    assert list(LIM.lane_repairs) == list(EXPECTED_LANES)
    for name, expected in EXPECTED_LANES.items():
        m = LIM.lane_repair(name)
        got = (m.data_lanes, m.redundant_lanes, m.repair_group_lanes, m.max_repairs_per_group,
               m.as_of_year, m.estimates)
        assert got == expected, name


def test_the_wafer_figures():
    w = LIM.wafer
    assert (w.diameter_mm, w.edge_exclusion_mm, w.scribe_mm) == (300.0, 3.0, 0.0)
    assert "estimate" in w.source.lower()


def test_every_figure_names_its_source():
    for c in LIM.carriers.values():
        assert "http" in c.source, c.name
        for figure in c.estimates:  # an estimate says so, and how it was made
            assert "estimate" in c.source.lower(), (c.name, figure)
    for m in LIM.lane_repairs.values():
        assert "UCIe Specification Revision 1.1" in m.source
        assert "10 July 2023" in m.source
    assert "inferred" in LIM.lane_repair("ucie-standard-x16").source


def test_the_figures_agree_with_each_other_and_with_chiplet_actuary():
    r = LIM.carrier("monolithic-reticle")
    assert r.max_width_mm * r.max_height_mm == r.max_area_mm2 == 858.0
    o = LIM.carrier("organic-substrate")
    assert o.max_width_mm * o.max_height_mm == o.max_area_mm2
    # TSMC counts reticles of ~830 mm^2: 3.3x is its "~2700 mm^2"; the multiples converted here.
    assert LIM.carrier("si-interposer").max_area_mm2 == pytest.approx(3.3 * 830.0, rel=0.02)
    assert LIM.carrier("info-rdl").max_area_mm2 == 3.0 * 830.0
    assert LIM.carrier("cowos-l").max_area_mm2 == 5.5 * 830.0
    assert LIM.carrier("cowos-l-2027").max_area_mm2 == 9.5 * 830.0
    # the wafer-scale carriers: the usable disc of the [wafer] section, to 0.1 mm^2
    usable = math.pi * (LIM.wafer.diameter_mm / 2.0 - LIM.wafer.edge_exclusion_mm) ** 2
    for name in ("info-sow", "sow-x"):
        assert LIM.carrier(name).max_area_mm2 == round(usable, 1)
    # the area factors Chiplet Actuary gives (parameter.ini [FO], [SI]) are the yield set's
    ps = load_parameter_set("chiplet-actuary")
    for name in ("info-rdl", "si-interposer"):
        assert LIM.carrier(name).area_factor == ps.packaging(name).carrier_area_factor
    assert ps.packaging("organic-substrate").carrier_area_factor is None  # 4 lives only here
    # the largest production carrier is the wafer; everything else is smaller than the substrate
    production = [c for c in LIM.carriers.values() if c.status == "production"]
    assert max(production, key=lambda c: c.max_area_mm2).name == "info-sow"


def test_a_copy_of_the_shipped_file_loads_equal(tmp_path):
    copy = tmp_path / "mine.toml"
    shutil.copyfile(SHIPPED_PATH, copy)
    for arg in (copy, str(copy)):
        got = load_packaging_limits(arg)
        assert got == LIM and got.path == str(copy)


# --------------------------------------------------------------------------
# 2. check_carrier against sums done by hand


@pytest.mark.parametrize(
    ("tech", "area", "n", "carrier", "limit", "fits"),
    [
        ("si-interposer", 600.0, 4, 2640.0, 2700.0, True),  # 4 x 600 x 1.1
        ("si-interposer", 600.0, 5, 3300.0, 2700.0, False),
        ("info-rdl", 500.0, 4, 2400.0, 2490.0, True),  # 4 x 500 x 1.2
        ("info-rdl", 500.0, 5, 3000.0, 2490.0, False),
        ("organic-substrate", 1000.0, 4, 16000.0, 18000.0, True),  # 4 x 1000 x 4
        ("organic-substrate", 1000.0, 5, 20000.0, 18000.0, False),
        ("monolithic-reticle", 858.0, 1, 858.0, 858.0, True),  # exactly at the limit
        ("monolithic-reticle", 858.5, 1, 858.5, 858.0, False),
        ("info-sow", 645.0, 25, 19350.0, 67886.7, True),  # a Dojo tile: 25 x 645 x 1.2
        ("info-sow", 550.0, 84, 55440.0, 67886.7, True),  # a WSE in 84 dies
        ("info-sow", 645.0, 90, 69660.0, 67886.7, False),
    ],
)
def test_check_carrier_by_hand(tech, area, n, carrier, limit, fits):
    c = check_carrier(tech, area, n)
    assert c.technology == tech and c.n_dies == n and c.die_area_mm2 == area
    assert c.carrier_area_mm2 == pytest.approx(carrier, rel=1e-12)
    assert c.limit_area_mm2 == limit
    assert c.margin_mm2 == pytest.approx(limit - carrier, abs=1e-9)
    assert c.fits is fits
    assert c.reason.startswith(f"{tech}: carrier ")
    assert ("within" in c.reason) is fits and ("exceeds" in c.reason) is not fits
    assert "\n" not in c.reason


def test_the_reason_and_the_strict_error_name_technology_area_and_limit():
    c = check_carrier("si-interposer", 600.0, 5)
    assert c.reason == ("si-interposer: carrier 3,300 mm^2 (5 x 600 mm^2 x 1.1) exceeds the "
                        "2,700 mm^2 limit (as of 2024) by 600 mm^2")
    with pytest.raises(ParameterError) as err:
        check_carrier("si-interposer", 600.0, 5, strict=True)
    assert str(err.value) == ("carrier area for si-interposer must be <= 2,700 mm^2 (the limit as of "
                              "2024), got 3,300 mm^2 (5 dies x 600 mm^2 x area factor 1.1)")
    ok = check_carrier("si-interposer", 600.0, 4, strict=True)  # strict passes what fits
    assert ok.fits and ok.reason.endswith("within the 2,700 mm^2 limit (as of 2024), margin 60 mm^2")


def test_a_die_count_limit_refuses_on_its_own():
    c = check_carrier("monolithic-reticle", 100.0, 2)  # 200 mm^2: the area fits, two dies do not
    assert not c.fits and c.max_dies == 1
    assert c.reason.endswith("; 2 dies exceed the limit of 1")
    with pytest.raises(ParameterError, match=r"^n_dies for monolithic-reticle must be <= 1 \(the limit as of 2026\), got 2$"):
        check_carrier("monolithic-reticle", 100.0, 2, strict=True)
    both = "carrier area for sow-x must be <= 67,886.7 mm\\^2 .*; n_dies for sow-x must be <= 16 \\(the limit announced for 2027\\), got 100$"
    with pytest.raises(ParameterError, match=both):
        check_carrier("sow-x", 1000.0, 100, strict=True)
    assert "announced for 2027" in check_carrier("sow-x", 100.0, 16).reason


def test_the_area_factor_comes_from_the_argument_then_the_parameter_set_then_the_limits():
    base = check_carrier("si-interposer", 500.0, 4)
    assert (base.area_factor, base.area_factor_source) == (1.1, "packaging limits 'packaging-limits'")
    arg = check_carrier("si-interposer", 500.0, 4, carrier_area_factor=1.35)
    assert arg.carrier_area_mm2 == pytest.approx(2700.0) and arg.fits  # 4 x 500 x 1.35, at the limit
    assert arg.area_factor_source == "the carrier_area_factor argument"
    custom = ParameterSet("custom", "test", packagings={
        "si-interposer": Packaging("si-interposer", 0.95, 0.06, 6.0, "t", carrier_area_factor=1.5),
        "organic-substrate": Packaging("organic-substrate", 0.99, None, None, "t"),
    })
    ps = check_carrier("si-interposer", 500.0, 4, parameters=custom)
    assert (ps.area_factor, ps.area_factor_source, ps.fits) == (1.5, "parameter set 'custom'", False)
    assert check_carrier("si-interposer", 500.0, 4, parameters=custom,
                         carrier_area_factor=1.0).area_factor == 1.0  # the argument wins
    # a packaging without a factor, or no packaging of that name: the limits' factor
    assert check_carrier("organic-substrate", 100.0, 2, parameters=custom).area_factor == 4.0
    assert check_carrier("info-sow", 100.0, 2, parameters=custom).area_factor == 1.2
    # by name: the shipped yield set gives Chiplet Actuary's own 1.2 and 1.1
    named = check_carrier("info-rdl", 100.0, 2, parameters="chiplet-actuary")
    assert (named.area_factor, named.area_factor_source) == (1.2, "parameter set 'chiplet-actuary'")


def test_rounding_never_refuses_a_carrier_exactly_at_its_limit():
    assert 3 * 900.0 * 1.1 > 2970.0  # 2970.0000000000005 in floating point
    one = PackagingLimits("t", "t", {"x": CarrierLimit("x", 2970.0, 2024, "t", area_factor=1.1)})
    assert check_carrier("x", 900.0, 3, limits=one).fits
    assert not check_carrier("x", 900.001, 3, limits=one).fits


def test_a_carrier_area_beyond_floating_point_is_refused():
    with pytest.raises(ParameterError, match="must be a finite carrier area"):
        check_carrier("info-sow", 1e300, 10**9, carrier_area_factor=1e10)


def test_the_table_and_the_buildable_list():
    rows = carrier_table(645.0, 25)
    assert [r.technology for r in rows] == list(EXPECTED_CARRIERS)
    assert [r.technology for r in carrier_table(645.0, 25, include_announced=False)] == [
        n for n, e in EXPECTED_CARRIERS.items() if e[5] == "production"]
    for row in rows:  # each row is check_carrier's answer
        assert row == check_carrier(row.technology, 645.0, 25)
    assert buildable_technologies(645.0, 25) == ["info-sow"]
    assert buildable_technologies(645.0, 16, include_announced=True) == ["info-sow", "sow-x"]
    assert buildable_technologies(100.0, 1) == [
        "monolithic-reticle", "organic-substrate", "info-rdl", "si-interposer", "cowos-l", "info-sow"]
    assert buildable_technologies(50_000.0, 2) == []
    custom = ParameterSet("c", "t", packagings={
        "info-sow": Packaging("info-sow", 0.98, 0.05, 3.0, "t", carrier_area_factor=2.0)})
    assert buildable_technologies(645.0, 60, parameters=custom) == []  # 77,400 mm^2 at factor 2
    assert buildable_technologies(645.0, 60) == ["info-sow"]  # 46,440 mm^2 at 1.2


# --------------------------------------------------------------------------
# 3. Monotonic properties

areas = st.floats(min_value=1e-3, max_value=1e5, allow_nan=False, allow_infinity=False)
counts = st.integers(min_value=1, max_value=10_000)
factors = st.floats(min_value=0.5, max_value=5.0)
limit_areas = st.floats(min_value=1.0, max_value=1e6)
max_dies = st.one_of(st.none(), st.integers(min_value=1, max_value=10_000))


def _one(limit_area, dies=None, factor=1.0):
    return PackagingLimits("t", "t", {"x": CarrierLimit("x", limit_area, 2024, "t", max_dies=dies,
                                                        area_factor=factor)})


@given(areas, counts, st.integers(min_value=1, max_value=1000), limit_areas, max_dies, factors)
def test_more_dies_never_fit_where_fewer_do_not(area, n, extra, limit_area, dies, factor):
    lim = _one(limit_area, dies, factor)
    if check_carrier("x", area, n + extra, limits=lim).fits:
        assert check_carrier("x", area, n, limits=lim).fits
    for tech in LIM.carriers:  # and on every shipped technology
        if check_carrier(tech, area, n + extra).fits:
            assert check_carrier(tech, area, n).fits


@given(areas, counts, limit_areas, limit_areas, max_dies, factors)
def test_a_larger_limit_never_refuses_what_a_smaller_accepts(area, n, l1, l2, dies, factor):
    small, large = sorted((l1, l2))
    if check_carrier("x", area, n, limits=_one(small, dies, factor)).fits:
        assert check_carrier("x", area, n, limits=_one(large, dies, factor)).fits
        assert check_carrier("x", area, n, limits=_one(large, None, factor)).fits  # no die cap


@given(areas, counts, factors, factors)
def test_a_larger_area_factor_never_fits_where_a_smaller_does_not(area, n, f1, f2):
    small, large = sorted((f1, f2))
    for tech in ("si-interposer", "info-sow"):
        if check_carrier(tech, area, n, carrier_area_factor=large).fits:
            assert check_carrier(tech, area, n, carrier_area_factor=small).fits


@given(areas, counts, st.sampled_from(list(EXPECTED_CARRIERS)))
def test_strict_raises_exactly_when_the_carrier_does_not_fit(area, n, tech):
    c = check_carrier(tech, area, n)
    assert c.fits == (c.carrier_area_mm2 <= c.limit_area_mm2 * (1 + 1e-12)
                      and (c.max_dies is None or n <= c.max_dies))
    if c.fits:
        assert check_carrier(tech, area, n, strict=True) == c
    else:
        with pytest.raises(ParameterError, match=f"for {tech} must be <="):
            check_carrier(tech, area, n, strict=True)


# --------------------------------------------------------------------------
# 4. A square on a wafer: the corner loss against numeric references


def outside_by_quadrature(side, radius):
    """Square area outside the circle: side^2 less 4 x the quadrant integral of min(a, sqrt(r^2 - x^2))."""
    a = side / 2.0

    def height(x):
        return min(a, math.sqrt(max(radius * radius - x * x, 0.0)))

    breaks = [p for p in (math.sqrt(max(radius * radius - a * a, 0.0)), radius) if 0.0 < p < a]
    quadrant, _ = quad(height, 0.0, a, points=breaks or None, epsabs=1e-13, epsrel=1e-13, limit=200)
    return side * side - 4.0 * quadrant


def outside_by_grid(side, radius, n=2000):
    """Midpoint grid: the share of grid points outside the circle, over the box that holds them.

    In a quadrant, a point with x or y below x0 = sqrt(r^2 - a^2) is inside the circle (when
    r > a), so the outside points lie in the corner box [x0, a]^2; when r <= a, the whole quadrant.
    """
    a = side / 2.0
    lo = min(a, math.sqrt(radius * radius - a * a)) if radius > a else 0.0
    centres = lo + (np.arange(n) + 0.5) * (a - lo) / n
    xx, yy = np.meshgrid(centres, centres)
    return 4.0 * (a - lo) ** 2 * float(np.mean(xx * xx + yy * yy > radius * radius))


@pytest.mark.parametrize(
    ("side", "radius"),
    [(215.0, 150.0), (215.0, 147.0), (215.0, 145.0), (215.0, 110.0), (10.0, 5.5), (10.0, 7.0),
     (10.0, 7.07), (1.0, 0.5000001), (1.0, 0.7071), (300.0, 150.0),
     (10.0, 4.0), (10.0, 1e-3)],
)
def test_the_corner_loss_matches_quadrature_and_a_grid(side, radius):
    exact = square_area_outside_circle_mm2(side, radius)
    assert exact == pytest.approx(outside_by_quadrature(side, radius), rel=1e-9, abs=1e-9 * side * side)
    grid = outside_by_grid(side, radius)
    assert exact == pytest.approx(grid, rel=2e-3, abs=1e-6 * side * side)


def test_the_wse_on_a_300_mm_wafer():
    # 215 mm square: half-diagonal 152.03 mm, beyond the wafer's own 150 mm radius
    bare = square_on_wafer(215.0, 300.0, 0.0)
    assert not bare.fits and bare.half_diagonal_mm == pytest.approx(152.0279579551)
    assert bare.corner_area_outside_mm2 == pytest.approx(4.1313382976, rel=1e-9)
    assert bare.corner_edge_lost_mm == pytest.approx(2.8876202355, rel=1e-9)
    excl = square_on_wafer(215.0, 300.0, 3.0)
    assert excl.usable_radius_mm == 147.0 and excl.max_side_mm == pytest.approx(207.8893936688)
    assert excl.corner_area_outside_mm2 == pytest.approx(25.5763018736, rel=1e-9)
    assert excl.area_outside_mm2 == pytest.approx(4 * 25.5763018736, rel=1e-9)
    assert excl.corner_edge_lost_mm == pytest.approx(7.2365969059, rel=1e-9)
    assert excl.area_inside_mm2 == pytest.approx(215.0**2 - excl.area_outside_mm2)
    with pytest.raises(ParameterError, match=r"^side_mm must be <= 207.889 mm .* got 215.0: .* 102.305 mm\^2 lies outside$"):
        square_on_wafer(215.0, 300.0, 3.0, strict=True)
    assert square_on_wafer(207.0, 300.0, 3.0, strict=True).fits


def test_edge_cases_of_the_square_and_the_circle():
    # fits: nothing outside, nothing lost
    w = square_on_wafer(200.0, 300.0, 3.0)
    assert w.fits and w.area_outside_mm2 == 0.0 and w.corner_edge_lost_mm == 0.0
    assert w.area_inside_mm2 == 40_000.0
    # exactly inscribed (radius sqrt 2, half-side 1): fits, with the corners on the circle;
    # a side of 2 sqrt(2) on a radius-2 circle does not, by one ulp, and loses ~1e-31 mm^2
    assert square_on_wafer(2.0, 2.0 * math.sqrt(2.0)).fits
    assert square_on_wafer(2.0, 2.0 * math.sqrt(2.0)).area_outside_mm2 == 0.0
    assert square_on_wafer(2.0 * math.sqrt(2.0), 4.0).area_outside_mm2 < 1e-30
    # a usable circle of radius 0 (edge exclusion = radius): the whole square is outside
    z = square_on_wafer(10.0, 300.0, 150.0)
    assert (z.usable_radius_mm, z.area_outside_mm2, z.area_inside_mm2) == (0.0, 100.0, 0.0)
    assert z.corner_edge_lost_mm == 5.0 and not z.fits
    assert square_area_outside_circle_mm2(3.0, 0.0) == 9.0
    # a circle inside the square: side^2 - pi r^2, and the whole half-side lost at each corner
    assert square_area_outside_circle_mm2(10.0, 4.0) == pytest.approx(100.0 - 16.0 * math.pi)
    assert square_on_wafer(10.0, 8.0).corner_edge_lost_mm == 5.0
    # continuity where the circle touches the sides (r = a) and the corners (r = a sqrt 2)
    for r in (5.0 - 1e-9, 5.0, 5.0 + 1e-9):
        assert square_area_outside_circle_mm2(10.0, r) == pytest.approx(100.0 - 25.0 * math.pi, abs=1e-6)
    for r in (5.0 * math.sqrt(2.0) * (1 - 1e-9), 5.0 * math.sqrt(2.0)):
        assert square_area_outside_circle_mm2(10.0, r) == pytest.approx(0.0, abs=1e-12)
    # tiny and huge, at the same shape (scale invariance)
    for k in (1e-100, 1e-6, 1e6, 1e100):
        assert square_area_outside_circle_mm2(215.0 * k, 147.0 * k) == pytest.approx(
            square_area_outside_circle_mm2(215.0, 147.0) * k * k, rel=1e-12)
    assert square_area_outside_circle_mm2(1e200, 1e201) == 0.0  # fits, however large
    with pytest.raises(ParameterError, match="must give a finite square area"):
        square_area_outside_circle_mm2(1e200, 1e199)


sides = st.floats(min_value=1e-3, max_value=1e4)
radii = st.floats(min_value=0.0, max_value=2e4)


@given(sides, radii)
def test_the_corner_loss_against_quadrature(side, radius):
    exact = square_area_outside_circle_mm2(side, radius)
    assert 0.0 <= exact <= side * side
    assert exact == pytest.approx(outside_by_quadrature(side, radius), rel=1e-8, abs=1e-10 * side * side)
    assert (exact == 0.0) == (radius >= side / math.sqrt(2.0)) or math.isclose(
        radius, side / math.sqrt(2.0), rel_tol=1e-12)


@given(sides, radii, radii)
def test_a_larger_circle_never_leaves_more_outside(side, r1, r2):
    small, large = sorted((r1, r2))
    assert square_area_outside_circle_mm2(side, large) <= square_area_outside_circle_mm2(side, small) + 1e-12 * side * side


@given(sides, st.floats(min_value=1.0, max_value=1e3), st.floats(min_value=0.0, max_value=1.0))
def test_square_on_wafer_is_consistent(side, diameter, share):
    w = square_on_wafer(side, diameter, share * diameter / 2.0)
    assert w.fits == (w.area_outside_mm2 == 0.0) == (w.corner_edge_lost_mm == 0.0)
    assert w.area_outside_mm2 == square_area_outside_circle_mm2(side, w.usable_radius_mm)
    assert w.corner_area_outside_mm2 * 4.0 == w.area_outside_mm2
    assert 0.0 <= w.corner_edge_lost_mm <= side / 2.0
    assert w.fits == (w.side_mm <= w.max_side_mm * (1 + 1e-15)) or math.isclose(w.side_mm, w.max_side_mm)


# --------------------------------------------------------------------------
# 5. Lane repair


def test_ucie_lane_repair():
    x64 = LIM.lane_repair("ucie-advanced-x64")
    assert x64.groups == 2
    assert x64.repairable([]) and x64.repairable([0, 31]) and x64.repairable([0, 31, 32, 63])
    assert not x64.repairable([0, 1, 2])  # three in the first group of 32
    assert not x64.repairable([33, 40, 63])
    assert x64.repairable([5, 5, 5, 6])  # a repeat counts once
    x32 = LIM.lane_repair("ucie-advanced-x32")
    assert x32.repairable([0, 31]) and not x32.repairable([0, 1, 31])
    x16 = LIM.lane_repair("ucie-standard-x16")
    assert x16.repairable([]) and not x16.repairable([15])
    with pytest.raises(ParameterError, match=r"faulty_lanes must be data lane ids in \[0, 64\), got 64"):
        x64.repairable([64])


# --------------------------------------------------------------------------
# 6. Files: unknown keys get a suggestion, bad values name the dotted key and the file

GOOD = """name = "mine"
source = "me"
[wafer]
diameter_mm = 200.0
[carriers.tiny]
max_area_mm2 = 100.0
as_of_year = 2024
source = "a guess"
estimates = ["max_area_mm2"]
[lane_repairs.m]
data_lanes = 8
redundant_lanes = 1
repair_group_lanes = 8
max_repairs_per_group = 1
as_of_year = 2024
source = "a guess"
"""


def _write(tmp_path, text, name="mine.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_user_file_loads(tmp_path):
    lim = load_packaging_limits(_write(tmp_path, GOOD))
    assert lim.name == "mine" and lim.wafer.diameter_mm == 200.0 and lim.wafer.source == "me"
    tiny = lim.carrier("tiny")
    assert (tiny.max_area_mm2, tiny.area_factor, tiny.status, tiny.estimates) == (
        100.0, 1.0, "production", ("max_area_mm2",))
    assert check_carrier("tiny", 50.0, 2, limits=lim).fits
    assert not check_carrier("tiny", 50.0, 3, limits=str(tmp_path / "mine.toml")).fits
    assert lim.lane_repair("m").repairable([7])
    minimal = load_packaging_limits(_write(tmp_path, 'name = "x"\nsource = "y"\n', "min.toml"))
    assert (dict(minimal.carriers), dict(minimal.lane_repairs), minimal.wafer) == ({}, {}, None)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('name = "mine"', 'name = "mine"\ncarrier = 1', r"^carrier is not a known key; allowed in the top level: .* \(did you mean 'carriers'\?\)"),
        ("max_area_mm2 = 100.0", "max_area = 100.0", r"^carriers.tiny.max_area is not a known key; allowed in carriers.tiny: .* \(did you mean 'max_area_mm2'\?\)"),
        ("as_of_year = 2024\nsource = \"a guess\"\nestimates", "as_of_yaer = 2024\nsource = \"a guess\"\nestimates", r"^carriers.tiny.as_of_yaer is not a known key; .*\(did you mean 'as_of_year'\?\)"),
        ("data_lanes = 8", "data_lane = 8", r"^lane_repairs.m.data_lane is not a known key; .*\(did you mean 'data_lanes'\?\)"),
        ("diameter_mm = 200.0", "diameter = 200.0", r"^wafer.diameter is not a known key; .*\(did you mean 'diameter_mm'\?\)"),
        ('source = "a guess"\nestimates', "estimates", r"^carriers.tiny.source is required, got nothing"),
        ("max_area_mm2 = 100.0", "max_area_mm2 = -1.0", r"^carriers.tiny.max_area_mm2 must be a finite number > 0 \(mm\^2\), got -1.0"),
        ("max_area_mm2 = 100.0", "max_area_mm2 = 100.0\nmax_width_mm = 10.0", r"^carriers.tiny.max_height_mm must be given together with carriers.tiny.max_width_mm"),
        ("max_area_mm2 = 100.0", "max_area_mm2 = 100.0\nmax_width_mm = 5.0\nmax_height_mm = 5.0", r"^carriers.tiny.max_area_mm2 must be <= carriers.tiny.max_width_mm x carriers.tiny.max_height_mm = 25 \(mm\^2\), got 100.0"),
        ("max_area_mm2 = 100.0", "max_area_mm2 = 100.0\nstatus = \"anounced\"", r"^carriers.tiny.status must be one of 'production', 'announced', got 'anounced' \(did you mean 'announced'\?\)"),
        ('estimates = ["max_area_mm2"]', 'estimates = ["max_area"]', r"^carriers.tiny.estimates must be one of .*, got 'max_area' \(did you mean 'max_area_mm2'\?\)"),
        ('estimates = ["max_area_mm2"]', 'estimates = "max_area_mm2"', r"^carriers.tiny.estimates must be a list of figure names"),
        ("as_of_year = 2024\nsource = \"a guess\"\nestimates", "as_of_year = 2024.0\nsource = \"a guess\"\nestimates", r"^carriers.tiny.as_of_year must be an integer in \[1950, 2100\], got 2024.0"),
        ('source = "a guess"\nestimates', 'source = ""\nestimates', r"^carriers.tiny.source must be a non-empty string"),
        ("max_area_mm2 = 100.0", "max_area_mm2 = 100.0\nmax_dies = 0", r"^carriers.tiny.max_dies must be an integer >= 1, got 0"),
        ("redundant_lanes = 1", "redundant_lanes = 2", r"^lane_repairs.m.redundant_lanes must be \(lane_repairs.m.data_lanes / lane_repairs.m.repair_group_lanes\) x lane_repairs.m.max_repairs_per_group = 1, got 2"),
        ("repair_group_lanes = 8", "repair_group_lanes = 3", r"^lane_repairs.m.repair_group_lanes must divide lane_repairs.m.data_lanes = 8, got 3"),
        ("diameter_mm = 200.0", "diameter_mm = 200.0\nedge_exclusion_mm = 100.0", r"^wafer.edge_exclusion_mm must be < wafer.diameter_mm / 2"),
        ("[carriers.tiny]", "carriers = 3\n[other]", r"^other is not a known key"),
    ],
)
def test_bad_files_name_the_key_and_the_file(tmp_path, old, new, message):
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ParameterError, match=message) as err:
        load_packaging_limits(path)
    assert str(err.value).endswith(f"(in {path})") and "\n" not in str(err.value)


def test_files_that_cannot_be_read_are_refused(tmp_path):
    with pytest.raises(ParameterError, match="packaging limits file must exist"):
        load_packaging_limits(tmp_path / "nope.toml")
    with pytest.raises(ParameterError, match="packaging limits file must be a regular file"):
        load_packaging_limits("/dev/zero")
    with pytest.raises(ParameterError, match="packaging limits file must be valid TOML"):
        load_packaging_limits(_write(tmp_path, "name = ", "bad.toml"))
    carriers = _write(tmp_path, 'name = "x"\nsource = "y"\ncarriers = 3\n', "c.toml")
    with pytest.raises(ParameterError, match=r"^carriers must be a table, got 3"):
        load_packaging_limits(carriers)


def test_unknown_names_get_a_suggestion():
    with pytest.raises(ParameterError, match=r"did you mean 'packaging-limits'\?"):
        load_packaging_limits("packaging-limts")
    with pytest.raises(ParameterError, match=r"^technology must be one of .*, got 'info-so' \(did you mean 'info-sow'\?\)$"):
        check_carrier("info-so", 100.0, 1)
    with pytest.raises(ParameterError, match=r"did you mean 'ucie-advanced-x64'"):
        LIM.lane_repair("ucie-advanced-x6")


# --------------------------------------------------------------------------
# 7. Every public callable refuses bad input with the project's error

X64 = LIM.lane_repair("ucie-advanced-x64")
CARRIER = LIM.carrier("si-interposer")
YEARS = [1949, 2101, 2024.0, True, "2024", None, 10**30]
SOURCES = ["", "   ", 3, None, b"x"]
NAMES = ["", " ", 3, None, b"x"]
LIMITS = [3, "no-such-limits", object(), ["packaging-limits"]]
PARAMETERS = [3, "no-such-set", object()]

CASES = [
    Case(check_carrier, ("si-interposer", 600.0, 4),
         kinds={0: BAD["name"], 1: "positive", 2: "count", "carrier_area_factor": "positive",
                "parameters": PARAMETERS, "limits": LIMITS, "strict": "bool"}),
    Case(carrier_table, (645.0, 25),
         kinds={0: "positive", 1: "count", "parameters": PARAMETERS, "limits": LIMITS,
                "include_announced": "bool"}),
    Case(buildable_technologies, (645.0, 25),
         kinds={0: "positive", 1: "count", "parameters": PARAMETERS, "limits": LIMITS,
                "include_announced": "bool"}),
    Case(load_packaging_limits, ("packaging-limits",),
         kinds={0: BAD["name"] + ["/dev/zero", "/no/such/file.toml", "/"]}),
    Case(square_area_outside_circle_mm2, (215.0, 147.0), kinds={0: "positive", 1: "nonnegative"}),
    Case(square_on_wafer, (215.0, 300.0, 3.0),
         kinds={0: "positive", 1: "positive", 2: BAD["nonnegative"] + [150.5, 1e6], "strict": "bool"}),
    Case(CarrierLimit, ("x", 100.0, 2024, "src"),
         kinds={0: NAMES, 1: "positive", 2: YEARS, 3: SOURCES, "max_width_mm": BAD["positive"] + [10.0],
                "max_height_mm": BAD["positive"] + [10.0],
                "max_dies": [v for v in BAD["count"] if v is not None],
                "area_factor": "positive", "status": ["", "prod", 3, None, "Production"],
                "estimates": ["max_area_mm2", ["nope"], ["max_area_mm2", "max_area_mm2"], [3], 3, None]}),
    Case(CarrierLimit, ("x", 900.0, 2024, "src"), dict(max_width_mm=30.0, max_height_mm=30.0),
         kinds={"max_width_mm": BAD["positive"] + [29.0, None], "max_height_mm": BAD["positive"] + [1.0, None]}),
    Case(LaneRepair, ("m", 64, 4, 32, 2, 2023, "src"),
         kinds={0: NAMES, 1: BAD["count"] + [2**21, 63], 2: [-1, 1.5, 3, 5, True, None, "4"],
                3: [0, -1, 33, 65, 1.5, None], 4: [-1, 3, 33, 1.5, None], 5: YEARS, 6: SOURCES,
                "estimates": ["data_lanes", ["nope"], [1], None]}),
    Case(X64.repairable, ([0, 31],), kinds={0: BAD["ids"] + [[64], "a", None, 3.5]}),
    Case(PackagingLimits, ("n", "s"), dict(carriers={"si-interposer": CARRIER}),
         kinds={0: [3, None, b"x"], 1: [3, None],
                "carriers": [3, None, {"x": 3}, {"x": CARRIER}, {3: CARRIER}, [CARRIER]],
                "lane_repairs": [3, None, {"x": X64}, {"ucie-advanced-x64": CARRIER}],
                "wafer": [3, "w", WaferDefaults],
                "path": [3, b"p"]}),
    Case(LIM.carrier, ("si-interposer",), kinds={0: BAD["name"]}),
    Case(LIM.lane_repair, ("ucie-advanced-x64",), kinds={0: BAD["name"]}),
]

EXEMPT = {
    "CarrierCheck": "a result record, built from checked values by check_carrier",
    "SquareOnWafer": "a result record, built from checked values by square_on_wafer",
}

(test_every_public_callable_has_a_case, test_the_valid_call_of_each_case_succeeds,
 test_bad_values_raise_the_project_error,
 test_every_bad_value_raises_the_project_error) = sweep(limits_module, CASES, EXEMPT)

