"""WaferSpec's die-on-wafer rule: the exact off-wafer fraction against a brute-force grid."""

from __future__ import annotations

import math
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


@pytest.mark.parametrize("rows, cols, w, h, disc", [(20, 30, 200.0, 150.0, 220.0), (7, 9, 10.0, 10.0, 12.0),
                                                    (763, 1272, 215.0, 215.0, 290.0), (4, 5, 10.0, 10.0, 0.0)])
def test_the_cores_each_row_loses_beyond_the_disc_one_by_one(rows, cols, w, h, disc):
    spec = WaferSpec(core_rows=rows, core_cols=cols, die_width_mm=w, die_height_mm=h)
    got = spec.cores_beyond(disc)
    for i in range(rows):
        y = (i + 0.5) * h / rows - h / 2
        left = sum(1 for j in range(cols // 2 + cols % 2)
                   if math.hypot((j + 0.5) * w / cols - w / 2, y) > disc / 2)
        assert got[i] == left, i
    if disc == 290.0:  # WSE-3 with the chiplets' 5 mm exclusion: ~4,218 cores' area beyond it, by centres
        assert 2 * got.sum() == pytest.approx(200.884 / spec.core_area_mm2, rel=0.01)


def test_a_study_says_what_absent_corner_cores_would_take_from_the_rows():
    import wafer

    s = wafer.summarize(wafer.run_study(wafer.StudyConfig(trials=2, gpu=None, tile=None)))
    out = s["wafer"]["outside_usable_wafer"]
    assert (out["rows_losing_cores"], out["most_cores_lost_at_a_row_end"]) == (72, 59)
    assert (out["rows_holding_logical_width"], out["logical_cols"]) == (749, 1176)  # of 763
    assert "up to 59 cores from each end of 72 rows, and 749 rows" in wafer.format_table(s)
