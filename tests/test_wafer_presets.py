"""Presets: shipped files load, match what their makers publish, and bad files are refused."""

from __future__ import annotations

import json
import math

import pytest
import yieldmodels
from paramcheck import ParameterError
from wafer import ShiftToSpare, StudyConfig, WaferSpec
from wafer.cli import main
from wafer.presets import PRESETS, check_preset, get_preset, load_preset, preset_names

SHIPPED = preset_names()


def test_every_shipped_preset_loads_with_sources_and_assumptions():
    assert {"wse-1", "wse-2", "wse-3"} <= set(SHIPPED)
    for name in SHIPPED:
        p = get_preset(name)
        assert p.sources and p.assumptions, name
        # What a defect kills and which links exist are always stated.
        assert {"kills", "links"} <= set(p.assumptions), name
        assert get_preset(name.upper()) == p


@pytest.mark.parametrize("name", [n for n in SHIPPED if n.startswith("wse")])
def test_wse_presets_hold_the_published_fabric_and_core_counts(name):
    p = get_preset(name)
    check = check_preset(p, trials=2_000)
    assert check["fabric_fits"] in (True, None)
    assert all(c["ok"] for c in check["core_counts"].values()), check["core_counts"]


def test_wse3_matches_cerebras_figures():
    p = get_preset("wse-3")
    rows, cols = p.scheme.logical_shape(p.wafer)
    # Cerebras SDK: 762 x 1172 on most CS-3s, 762 x 1176 in older docs.
    assert rows >= 762 and cols >= 1176
    assert abs(p.wafer.n_cores / 970_000 - 1) < 0.01
    assert abs(rows * cols / 900_000 - 1) < 0.01
    assert 0.045 < p.wafer.core_area_mm2 < 0.05


def test_cerebras_worked_example():
    """The 100x blog: 46,225 mm^2 at 0.001 defects/mm^2 with 0.05 mm^2 cores:
    about 46 defects and about 2.2 mm^2 of cores lost per wafer."""
    p = get_preset("wse-3")
    mean = yieldmodels.expected_defects(p.wafer.die_area_mm2, 0.1)  # 0.1 /cm^2 = 0.001 /mm^2
    assert mean == pytest.approx(46.225)
    lost = mean * 0.05  # each defect kills one 0.05 mm^2 core
    assert lost == pytest.approx(2.31, abs=0.01)
    # The preset's own cores: a little smaller, so a little less area lost.
    assert mean * p.wafer.core_area_mm2 == pytest.approx(2.2, abs=0.01)


def test_wse3_repair_at_the_published_density_is_essentially_always():
    """Cerebras: essentially every wafer usable. At 0.001 defects/mm^2 the WSE-3
    preset fails at most 0.1% of wafers (upper end of the 95% interval)."""
    check = check_preset(get_preset("wse-3"), trials=20_000, seed=7)
    r = check["repair"]
    assert r["d0_per_cm2"] == 0.1
    assert r["failure_rate_ci95"][1] < 1e-3
    # The closed form leaves out the skew rule, so it is an upper bound that
    # Monte Carlo may not exceed beyond its interval.
    assert r["closed_form_leaves_out"]
    assert 1 - r["failure_rate_ci95"][1] <= r["closed_form_repair_rate"]


def test_wse3_with_a_skew_of_one_contradicts_the_maker():
    """The preset's skew is what makes it consistent: with 1, repair fails on ~11% of wafers."""
    import dataclasses

    p = get_preset("wse-3")
    p1 = dataclasses.replace(p, scheme=dataclasses.replace(p.scheme, max_skew=1))
    r = check_preset(p1, trials=4_000, seed=1)["repair"]
    assert 0.07 < r["failure_rate"] < 0.15


def test_check_is_deterministic_and_follows_the_seed():
    p = get_preset("wse-1")
    a = check_preset(p, trials=3_000, seed=3)
    assert a == check_preset(p, trials=3_000, seed=3)
    assert a["repair"]["failures"] > 0  # WSE-1 at 0.1/cm^2 does fail now and then


def test_user_preset_file(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text(
        'name = "mine"\ndescription = "a small test wafer"\nd0_per_cm2 = 5.0\n'
        "[wafer]\ndie_width_mm = 10.0\ndie_height_mm = 10.0\ncore_rows = 14\ncore_cols = 24\n"
        '[scheme]\nname = "shift-to-spare"\nsegment_width = 12\nspares = 2\nmax_skew = 2\n'
        "[chiplet]\ndies_x = 2\ndies_y = 2\n"
        "[published]\nlogical_fabric = [14, 20]\n"
        '[sources]\ncore_rows = "made up"\n[assumptions]\nkills = "cores"\nlinks = "mesh"\n'
    )
    p = get_preset(str(f))
    assert p.scheme == ShiftToSpare(segment_width=12, spares=2, max_skew=2)
    assert p.wafer == WaferSpec(die_width_mm=10.0, die_height_mm=10.0, core_rows=14, core_cols=24)
    check = check_preset(p, trials=500)
    assert check["fabric_fits"] is True
    assert 0 < check["repair"]["closed_form_repair_rate"] <= 1
    assert math.isclose(check["repair"]["mean_defects_per_wafer"], 5.0)


@pytest.mark.parametrize(
    "text, message",
    [
        ('name = "x"\ndescription = "y"\n[wafr]\n', "wafr is not a known key; allowed: name, description"),
        ('name = "x"\ndescription = "y"\n[wafer]\ncore_row = 3\n', "did you mean 'core_rows'?"),
        ('name = "x"\ndescription = "y"\n[scheme]\nname = "shift"\n', "did you mean 'shift-to-spare'?"),
        ('name = "x"\ndescription = "y"\n[scheme]\nname = "shift-to-spare"\nspare = 2\n', "did you mean 'spares' or 'spare_layout'?"),
        ('name = "x"\ndescription = "y"\n[scheme]\nname = "shift-to-spare"\nsegment_width = 5\nspares = 1\n',
         "segment_width must divide core_cols"),
        ('name = "x"\ndescription = "y"\n[wafer]\ncore_rows = -1\n', "wafer.core_rows must be"),
        ('name = "x"\ndescription = "y"\nd0_per_cm2 = -1.0\n', "d0_per_cm2 must be"),
        ('name = "x"\ndescription = "y"\n[published]\nlogical_fabric = [1]\n', "logical_fabric must be [rows, cols]"),
        ('name = "x"\ndescription = "y"\n[published]\nfabric = [1, 2]\n', "did you mean 'logical_fabric'?"),
        ('name = "x"\ndescription = "y"\n[sources]\ncore_rows = 3\n', "sources.core_rows must be a string"),
        ('description = "y"\n', "name must be a non-empty string"),
        ('name = "x"\ndescription = "y"\nwafer = 3\n', "wafer must be a table"),
        ('name = "x"\ndescription = "y"\n[chiplet]\ndies_x = 7\n', "dies_x x dies_y must divide"),
        ("name = ", "must be valid TOML"),
    ],
)
def test_bad_preset_files_are_refused_with_one_line(tmp_path, text, message):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(ParameterError) as info:
        load_preset(f)
    assert message in str(info.value)
    assert str(info.value).endswith(f"(in {str(f)!r})")
    assert "\n" not in str(info.value)


def test_unknown_preset_name_suggests():
    with pytest.raises(ParameterError, match="did you mean 'wse-3'"):
        get_preset("wse3")
    with pytest.raises(ParameterError, match="preset must be"):
        get_preset(3)


def test_cli_presets_and_show(capsys):
    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in PRESETS)
    assert main(["presets", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["WSE-3"]["derived"]["logical_shape"] == [763, 1176]
    assert main(["show", "wse-3", "--trials", "2000"]) == 0
    out = capsys.readouterr().out
    assert "published fabric fits   yes" in out and "Sources" in out and "Assumptions" in out
    assert main(["show", "WSE-2", "--trials", "1000", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["check"]["repair"]["trials"] == 1000 and shown["check"]["fabric_fits"] is True


def test_cli_show_bad_input_exits_2(capsys):
    assert main(["show", "wse4"]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'wse-3'" in err and err.count("\n") == 1
    assert main(["show", "wse-3", "--trials", "0"]) == 2
    assert "trials must be" in capsys.readouterr().err


def test_cli_study_preset_sets_the_wafer_and_options_override_it(capsys):
    assert main(["study", "--preset", "wse-2", "--trials", "3", "--json", "--traffic", "neighbor"]) == 0
    p = json.loads(capsys.readouterr().out)["parameters"]
    assert p["preset"] == "WSE-2" and p["d0_per_cm2"] == 0.09
    assert p["wafer"]["core_rows"] == 770 and p["scheme"]["spares"] == 4
    assert {"kills", "links"} <= set(p["assumptions"])
    assert main(["study", "--preset", "wse-2", "--trials", "3", "--json", "--spares", "6", "--d0", "0.2",
                 "--traffic", "neighbor"]) == 0
    p = json.loads(capsys.readouterr().out)["parameters"]
    assert p["scheme"]["spares"] == 6 and p["scheme"]["segment_width"] == 96 and p["d0_per_cm2"] == 0.2
    assert p["preset"] == "WSE-2, changed by the options" and p["assumptions"] == {}


def test_default_study_is_the_wse3_preset(capsys):
    assert main(["study", "--trials", "2", "--json", "--traffic", "neighbor"]) == 0
    p = json.loads(capsys.readouterr().out)["parameters"]
    wse3 = get_preset("wse-3")
    assert p["preset"] == "WSE-3"
    assert p["wafer"]["core_rows"] == wse3.wafer.core_rows and p["wafer"]["core_cols"] == wse3.wafer.core_cols
    assert p["scheme"]["max_skew"] == wse3.scheme.max_skew


def test_library_defaults_are_the_wse3_preset():
    wse3 = get_preset("wse-3")
    cfg = StudyConfig()
    assert (cfg.wafer, cfg.scheme, cfg.chiplet, cfg.d0) == (wse3.wafer, wse3.scheme, wse3.chiplet, wse3.d0)


def test_a_question_or_a_density_does_not_change_the_preset(capsys):
    assert main(["study", "--preset", "wse-2", "--trials", "2", "--json", "--traffic", "neighbor",
                 "--needed-shape", "700x900", "--d0", "0.2"]) == 0
    p = json.loads(capsys.readouterr().out)["parameters"]
    assert p["preset"] == "WSE-2" and p["assumptions"]
