"""The ``wafer yield`` die-yield calculator through the CLI."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
import yieldmodels

from wafer.cli import main


def run(args, capsys):
    try:
        code = main(["yield", *args])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_table_lists_every_model_with_its_parameters(capsys):
    code, out, _ = run(["--area", "814", "--d0", "0.1", "--alpha", "3"], capsys)
    assert code == 0
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.strip()}
    for name in yieldmodels.YIELD_MODELS:
        assert name in rows
    # exp(-0.814) and (1 + 0.814 / 3)^-3, written out.
    assert rows["poisson"][1] == f"{math.exp(-0.814):.4f}"
    assert rows["negative-binomial"][1] == f"{(1 + 0.814 / 3) ** -3:.4f}"
    assert "alpha = 3" in " ".join(rows["negative-binomial"])
    assert "critical_layers = 1" in " ".join(rows["bose-einstein"])
    assert "gross formula" in out and "exact count" in out


def test_json_keyed_by_model_and_consistent(capsys):
    code, out, _ = run(["--area", "814", "--alpha", "3", "--units", "144", "--needed", "132",
                        "--shared-area", "81.4", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert set(data["models"]) == set(yieldmodels.YIELD_MODELS)
    exact = data["dies_per_wafer"]["exact"]
    assert exact == yieldmodels.exact_dies_per_wafer(
        math.sqrt(814), math.sqrt(814), 300.0, scribe_mm=0.2, edge_exclusion_mm=5.0)
    for name, m in data["models"].items():
        assert data["good_dies_per_wafer"][name] == pytest.approx(exact * m["yield"])
    r = data["redundancy"]
    unit = (814 - 81.4) / 144
    assert r["unit_area_mm2"] == pytest.approx(unit)
    assert r["poisson"] == pytest.approx(
        yieldmodels.k_of_n_yield(144, 132, unit, 0.1, shared_area_mm2=81.4))
    # Redundancy beats a die that needs every unit.
    assert r["poisson"] > data["models"]["poisson"]["yield"]
    assert r["negative-binomial"] > data["models"]["negative-binomial"]["yield"]


def test_rectangular_die_and_its_area(capsys):
    code, out, _ = run(["--die-width", "26", "--die-height", "33", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["die"]["area_mm2"] == pytest.approx(858.0)
    assert data["dies_per_wafer"]["exact"] == yieldmodels.exact_dies_per_wafer(
        26, 33, 300.0, scribe_mm=0.2, edge_exclusion_mm=5.0)


@pytest.mark.parametrize("args, name", [
    (["--area", "-1"], "--area"),
    (["--area", "nan"], "--area"),
    (["--area", "100", "--d0", "-0.1"], "--d0"),
    (["--area", "100", "--alpha", "0"], "--alpha"),
    (["--area", "100", "--critical-layers", "0"], "--critical-layers"),
    (["--area", "100", "--critical-area-ratio", "1.5"], "--critical-area-ratio"),
    (["--area", "100", "--units", "10"], "--units"),
    (["--area", "100", "--units", "10", "--needed", "11"], "--needed"),
    (["--area", "100", "--units", "10", "--needed", "5", "--shared-area", "200"], "--shared-area"),
    (["--die-width", "10"], "--die-width"),
    (["--area", "50", "--die-width", "10", "--die-height", "10"], "--area"),
    ([], "--area"),
    (["--area", "100", "--edge-exclusion", "200"], "--edge-exclusion"),
])
def test_bad_input_is_one_line_and_status_2(args, name, capsys):
    code, out, err = run(args, capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and name in err and "Traceback" not in err


def test_subprocess_entry_point():
    p = subprocess.run([sys.executable, "-m", "wafer", "yield", "--area", "100", "--json"],
                       capture_output=True, text=True, check=False)
    assert p.returncode == 0
    assert json.loads(p.stdout)["models"]["poisson"]["yield"] == pytest.approx(math.exp(-0.1))
    p = subprocess.run([sys.executable, "-m", "wafer", "yield", "--area", "abc"],
                       capture_output=True, text=True, check=False)
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1


def test_wafer_scale_die_has_no_gross_count_but_an_exact_zero(capsys):
    code, out, _ = run(["--area", "46225", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["dies_per_wafer"] == {"gross": None, "exact": 0}
    code, out, _ = run(["--area", "46225"], capsys)
    assert "n/a (no whole die fits)" in out


@pytest.mark.parametrize("args", [["--area", "0.01", "--scribe", "0"], ["--area", "1e-300"]])
def test_tiny_dies_answer_at_once_with_the_gross_formula(args, capsys):
    """The exact count ran ~6 minutes for 0.01 mm^2 and never ended for 1e-300."""
    code, out, _ = run([*args, "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["dies_per_wafer"]["exact"] is None and data["good_dies_from"] == "gross"
    gross = data["dies_per_wafer"]["gross"]
    assert gross > 1e6
    assert data["good_dies_per_wafer"]["poisson"] == pytest.approx(gross * data["models"]["poisson"]["yield"])
    code, out, _ = run(args, capsys)
    assert "n/a (die too small for the exact search" in out and "use the gross formula" in out


def test_units_beyond_what_a_float_counts_exactly(capsys):
    """--units 2**62 raised a traceback; one of 2^62 tiny units is as good as none dead."""
    code, out, err = run(["--area", "100", "--units", str(2**62), "--needed", "1", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["redundancy"]["poisson"] == pytest.approx(1.0)
    code, out, err = run(["--area", "100", "--units", str(2**63), "--needed", "1"], capsys)
    assert code == 2 and "--units must be an integer" in err
