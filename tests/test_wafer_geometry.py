"""WaferSpec's die-on-wafer rule: the exact off-wafer fraction against a brute-force grid."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wafer.geometry import MAX_OFF_WAFER, WaferSpec, off_wafer_fraction


def _grid_off_fraction(w: float, h: float, d: float, n: int = 1200) -> float:
    """Share of an n x n grid of cell centres over the die that lies outside the disc."""
    x = (np.arange(n) + 0.5) / n * w - w / 2
    y = (np.arange(n) + 0.5) / n * h - h / 2
    return float(((x[None, :] ** 2 + y[:, None] ** 2) > (d / 2) ** 2).mean())


@settings(max_examples=60)
@given(st.floats(1.0, 500.0), st.floats(1.0, 500.0), st.floats(50.0, 450.0))
def test_off_wafer_fraction_matches_a_grid(w, h, d):
    # The grid's error is about a cell's share of the circle's length in the die.
    assert off_wafer_fraction(w, h, d) == pytest.approx(_grid_off_fraction(w, h, d), abs=3e-3)


def test_wse_square_is_accepted_and_a_larger_one_is_not():
    assert off_wafer_fraction(215.0, 215.0, 300.0) == pytest.approx(3.575e-4, rel=1e-3)
    WaferSpec(die_width_mm=215.0, die_height_mm=215.0)
    side = 215.0
    while off_wafer_fraction(side, side, 300.0) <= MAX_OFF_WAFER:
        side += 0.5
    with pytest.raises(ValueError, match="must lie on the wafer"):
        WaferSpec(die_width_mm=side, die_height_mm=side)


@pytest.mark.parametrize("w, h, d, off", [
    (5.0, 5.0, 5e-324, 1.0),       # the radius underflows to 0
    (1e308, 1e308, 1e-300, 1.0),   # the ratio overflows
    (1e-300, 1e-300, 300.0, 0.0),  # the area underflows
])
def test_off_wafer_fraction_at_the_ends_of_float(w, h, d, off):
    assert off_wafer_fraction(w, h, d) == off


@pytest.mark.parametrize("side, edge", [(215.0, 0.0), (215.0, 3.0), (215.0, 5.0), (200.0, 5.0), (100.0, 60.0)])
def test_off_wafer_area_agrees_with_the_square_closed_form_of_the_packaging_limits(side, edge):
    # Two derivations of the same area: a quadrant integral here, corner triangles less circle segments there.
    from yieldmodels.limits import square_area_outside_circle_mm2

    ours = off_wafer_fraction(side, side, 300.0 - 2 * edge) * side * side
    assert ours == pytest.approx(square_area_outside_circle_mm2(side, 150.0 - edge), rel=1e-9, abs=1e-9)


def test_a_study_says_how_much_of_the_die_lies_beyond_the_usable_wafer():
    import wafer

    s = wafer.summarize(wafer.run_study(wafer.StudyConfig(trials=2)))
    out = s["wafer"]["outside_usable_wafer"]
    # The 215 mm square's half-diagonal is 152 mm; with the chiplets' 5 mm exclusion 145 mm is usable.
    assert out["edge_exclusion_mm"] == 5.0 and out["area_mm2"] == pytest.approx(200.884, abs=1e-3)
    assert out["cores"] == pytest.approx(out["area_mm2"] / wafer.WaferSpec().core_area_mm2)
    assert "beyond the usable wafer (5 mm edge exclusion, as the chiplets'): 200.9 mm^2" in wafer.format_table(s)
