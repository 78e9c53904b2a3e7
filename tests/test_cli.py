"""The ``wafer`` command line: table, JSON, determinism and one-line errors."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import routing
from wafer.cli import main

ROOT = Path(__file__).resolve().parents[1]
#: A 14 x 24 core wafer on a 5 x 5 mm die (segments of 6, one spare, skew 1), split 2 x 2: each run
#: takes well under a second. Every scheme parameter is given, so no default scheme shows through.
SMALL = ["--core-rows", "14", "--core-cols", "24", "--segment-width", "6", "--spares", "1", "--max-skew", "1",
         "--dies", "2x2", "--die-width", "5", "--die-height", "5"]
#: How the summary describes SMALL's scheme.
DESCRIPTION = "shift-to-spare, 1 spare(s) at the end of each 6-core row segment, max skew 1"


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "wafer", *args], capture_output=True, text=True,
        cwd=ROOT, env=env, timeout=timeout,
    )


def call_main(argv, capsys) -> tuple[int, str, str]:
    """``main(argv)`` in-process; argparse errors exit via SystemExit."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------
# Successful runs
# --------------------------------------------------------------------------


def test_study_prints_table():
    p = run_cli("study", "--trials", "3", "--no-progress", "--d0", "20", "--seed", "5", *SMALL)
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    lines = p.stdout.splitlines()
    assert lines[0] == "Wafer vs chiplets: d0 = 20 defects/cm^2, 3 trials, seed 5"
    assert "14 x 24 cores" in lines[1]
    assert lines[1].endswith(", shift-to-spare, 1 spare(s) at the end of each 6-core row segment, max skew 1")
    # (found by their text: a line naming the preset may come before them)
    assert "  wafer defects: negative binomial per 7 x 12-core reticle (alpha = 10), uniform over the cores" in lines
    assert any(line.startswith("  chiplets: 2 x 2 dies of 2.50 x 2.50 mm") for line in lines)
    rows = {line.strip().split("  ")[0]: line for line in lines if line.startswith("  ")}
    # Die yield of a 2.5 x 2.5 mm die: (1 + 0.0625 * 20 / 10)^-10.
    kgd = (1 + 0.0625 * 20 / 10) ** -10
    assert rows["die yield without spares"].split()[-1] == f"{kgd:.4g}"
    # Each die carries the wafer's scheme: its repair rate is measured, and a system has the wafer's logical cores.
    assert "die yield, repaired in the die" in rows
    assert rows["cores per system"].split()[-2:] == ["280", "280"]
    assert "package yield (dies per system)" in rows
    assert rows["package yield (dies per system)"].split()[-2:] == [f"{0.99**4:.4g}", "(4)"]
    for label in ("working systems per wafer", "saturation (flits/node/cycle)",
                  "mean extra hops, uniform route", "harvest (logical / live cores)"):
        assert label in rows


def test_study_table_in_process(capsys):
    code, out, err = call_main(["study", "--trials", "4", "--no-progress", "--d0", "10", *SMALL], capsys)
    assert code == 0
    assert err == ""
    assert out.startswith("Wafer vs chiplets: d0 = 10 defects/cm^2, 4 trials, seed 2026\n")


def _check_summary(data: dict, d0: float, trials: int, seed: int) -> None:
    assert set(data) == {"parameters", "wafer", "traffic", "chiplet", "cost", "systems"}
    assert set(data["traffic"]) == {"uniform"}
    assert set(data["traffic"]["uniform"]["wafer"]) >= {
        "step_ns", "latency_ns", "energy_pj_per_bit", "mean_hops", "bandwidth_vs_fault_free", "bandwidth_vs_ideal",
    }
    p = data["parameters"]
    assert p["d0_per_cm2"] == d0 and p["trials"] == trials and p["seed"] == seed
    assert p["scheme"] == {"name": "shift-to-spare", "segment_width": 6, "spares": 1, "max_skew": 1, "axis": "rows",
                           "spare_layout": "end", "description": DESCRIPTION}
    assert p["wafer"]["core_rows"] == 14 and p["wafer"]["core_cols"] == 24
    assert not {"segment_width", "spares_per_segment", "spares", "max_skew"} & set(p["wafer"])
    assert p["chiplet"]["dies_x"] == 2 and p["chiplet"]["dies_y"] == 2
    rate = data["wafer"]["repair_rate"]
    assert set(rate) >= {"mean", "ci95", "closed_form"}
    lo, hi = rate["ci95"]
    assert 0.0 <= lo <= rate["mean"] <= hi <= 1.0
    assert 0.0 < rate["closed_form"] <= 1.0
    assert data["wafer"]["logical_shape"] == [14, 20]
    assert data["wafer"]["logical_cores"] == 280
    assert data["wafer"]["defects_per_wafer"]["closed_form"] == pytest.approx(25 / 100 * d0)
    assert set(data["wafer"]["network"]) >= {
        "saturation", "bandwidth_fraction", "mean_link_extra_hops", "max_link_extra_hops",
        "mean_route_extra_hops", "max_route_extra_hops", "aggregate_bandwidth",
    }
    c = data["chiplet"]
    s = c["system"]
    assert c["dies"] == [2, 2] and s["n_dies"] == 4
    assert c["die_yield_without_repair"] == pytest.approx((1 + 0.0625 * d0 / 10) ** -10)
    # The dies carry the wafer's scheme: their yield is the repair rate measured on the same defects.
    assert c["repair"] == "auto" and c["no_repair_reason"] == ""
    assert s["die_yield"] == c["die_repair_rate"]["mean"] >= c["die_yield_without_repair"]
    assert s["package_yield"] == pytest.approx(0.99**4)
    assert s["good_systems_per_wafer"] == pytest.approx(s["dies_per_wafer"] * s["die_yield"] / 4 * 0.99**4)


def test_study_json_is_valid_and_deterministic():
    args = ("study", "--trials", "3", "--no-progress", "--json", "--d0", "30", "--seed", "11", *SMALL)
    first, second = run_cli(*args), run_cli(*args)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert first.stdout == second.stdout
    data = json.loads(first.stdout, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    _check_summary(data, d0=30.0, trials=3, seed=11)


def test_study_json_in_process_seed_and_progress(capsys):
    base = ["study", "--trials", "5", "--json", "--d0", "40", *SMALL]
    code, out_a, err_a = call_main([*base, "--seed", "3"], capsys)  # progress bar on stderr
    assert code == 0
    data = json.loads(out_a)  # stdout stays pure JSON
    _check_summary(data, d0=40.0, trials=5, seed=3)
    code, out_b, _ = call_main([*base, "--seed", "3", "--no-progress", "--chunk-size", "2"], capsys)
    assert code == 0 and out_b == out_a  # chunk size does not change the numbers
    code, out_c, _ = call_main([*base, "--seed", "4", "--no-progress"], capsys)
    assert code == 0
    other = json.loads(out_c)
    assert other["wafer"]["defects_per_wafer"] != data["wafer"]["defects_per_wafer"]


def test_study_json_when_no_wafer_repairs(capsys):
    code, out, _ = call_main(["study", "--trials", "3", "--json", "--no-progress", "--d0", "20000", *SMALL], capsys)
    assert code == 0
    data = json.loads(out, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert data["wafer"]["repair_rate"]["mean"] == 0.0
    assert data["wafer"]["network"]["saturation"] == {"mean": None, "ci95": [None, None]}


def test_default_geometry_run():
    """`wafer study` with no option runs the WSE-3 preset (test_wafer_presets checks it against the file)."""
    p = run_cli("study", "--trials", "2", "--no-progress", "--json", timeout=300)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["parameters"]["preset"] == "WSE-3"
    assert data["parameters"]["wafer"]["core_rows"] == 763 and data["parameters"]["wafer"]["core_cols"] == 1272
    assert data["parameters"]["scheme"] == {
        "name": "shift-to-spare", "segment_width": 106, "spares": 8, "max_skew": 2, "axis": "rows", "spare_layout": "end",
        "description": "shift-to-spare, 8 spare(s) at the end of each 106-core row segment, max skew 2"}
    assert data["wafer"]["logical_shape"] == [763, 1176]
    assert data["wafer"]["defects_per_wafer"]["closed_form"] == pytest.approx(46.225)
    # Max skew 2 < 8 spares: the closed form is an upper bound, and says so.
    assert data["wafer"]["repair_rate"]["closed_form_leaves_out"] == ["the skew rule (max skew 2 < 8 spares)"]
    assert data["wafer"]["repair_rate"]["closed_form"] == pytest.approx(1.0, abs=1e-6)
    assert data["chiplet"]["dies"] == [12, 7]
    assert data["chiplet"]["system"]["dies_per_wafer"] == 99
    assert data["chiplet"]["die_yield_without_repair"] == pytest.approx((1 + 215 * 215 / 84 / 100 * 0.1 / 10) ** -10)
    # Each reticle-sized die repairs itself with the WSE-3's own segments: 8 spares per 106-core die row.
    assert data["chiplet"]["system"]["die_yield"] > 0.9999 and data["chiplet"]["cores_per_system"] == 897_288
    # 11 segment boundaries of 8 spare columns each.
    assert data["wafer"]["fault_free_network"]["mean_route_extra_hops"] == pytest.approx(8 * 143 / 36)


# --------------------------------------------------------------------------
# Bad input: status 2, one line on stderr naming the parameter
# --------------------------------------------------------------------------

BAD = [
    (["--d0", "-1"], "--d0"),
    (["--d0", "nan"], "--d0"),
    (["--d0", "inf"], "--d0"),
    (["--alpha", "0"], "--alpha"),
    (["--die-width", "0"], "--die-width"),
    (["--die-width", "-5"], "--die-width"),
    (["--die-height", "0"], "--die-height"),
    (["--spares", "6"], "--spares"),
    (["--spares", "7"], "--spares"),
    (["--spares", "-1"], "--spares must be an integer in [0, 5], got -1"),
    (["--max-skew", "-1"], "--max-skew must be an integer >= 0, got -1"),
    (["--segment-width", "5"], "--segment-width must divide --core-cols (24), got 5"),
    (["--segment-width", "0"], "--segment-width"),
    (["--segment-width", "24", "--core-rows", "1", "--dies", "1x1", "--spares", "23"],
     "shift-to-spare must leave at least 2 logical cores"),
    (["--trials", "0"], "--trials"),
    (["--trials", "2.5"], "--trials"),
    (["--seed", "-1"], "--seed"),
    (["--chunk-size", "0"], "--chunk-size"),
    (["--test-coverage", "1.5"], "--test-coverage"),
    (["--packaging", "info"], "--packaging"),
    (["--wafer-diameter", "5"], "--wafer-diameter"),
    (["--dies", "5x2"], "--dies"),
    (["--dies", "12by7"], "--dies"),
    (["--dies", "0x2"], "--dies"),
    (["--bogus"], "--bogus"),
    (["--scheme", "shift-to-spar"], "did you mean 'shift-to-spare'"),
    (["--scheme", "nonsense"], "--scheme"),
]


def _assert_one_line_error(code, out, err, name):
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("wafer")
    assert "error:" in lines[0]
    assert name in lines[0]


@pytest.mark.parametrize("extra, name", BAD, ids=[" ".join(b[0]) for b in BAD])
def test_bad_input_in_process(extra, name, capsys):
    code, out, err = call_main(["study", "--trials", "2", "--no-progress", *SMALL, *extra], capsys)
    _assert_one_line_error(code, out, err, name)


SUBPROCESS_BAD = [
    (["--d0", "-1"], "--d0"),
    (["--d0", "nan"], "--d0"),
    (["--alpha", "0"], "--alpha"),
    (["--die-width", "0"], "--die-width"),
    (["--die-width", "-5"], "--die-width"),
    (["--spares", "6"], "--spares"),
    (["--spares", "-1"], "--spares"),
    (["--trials", "0"], "--trials"),
    (["--bogus"], "--bogus"),
    (["--scheme", "shift-to-spar"], "did you mean 'shift-to-spare'"),
    (["--dies", "12by7"], "--dies"),
]


@pytest.mark.parametrize("extra, name", SUBPROCESS_BAD, ids=[" ".join(b[0]) for b in SUBPROCESS_BAD])
def test_bad_input_subprocess(extra, name):
    p = run_cli("study", "--trials", "2", "--no-progress", *SMALL, *extra)
    _assert_one_line_error(p.returncode, p.stdout, p.stderr, name)


def test_scheme_options_set_the_scheme(capsys):
    base = ["study", "--trials", "3", "--json", "--no-progress", "--d0", "40", "--seed", "3", *SMALL]
    code, out, err = call_main([*base, "--max-skew", "2"], capsys)
    assert code == 0, err
    p = json.loads(out)["parameters"]
    assert p["scheme"]["max_skew"] == 2 and p["scheme"]["spares"] == 1 and p["scheme"]["segment_width"] == 6
    assert p["scheme"]["description"].endswith("max skew 2")
    code, out, err = call_main([*base, "--spares", "2", "--max-skew", "2"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["parameters"]["scheme"]["spares"] == 2
    assert data["wafer"]["logical_shape"] == [14, 16]
    assert data["wafer"]["repair_rate"]["closed_form_leaves_out"] == []
    # Naming the default scheme changes nothing.
    code, again, _ = call_main([*base, "--spares", "2", "--max-skew", "2", "--scheme", "shift-to-spare"], capsys)
    assert code == 0 and again == out


def test_shift_variants_from_the_command_line(capsys):
    base = ["study", "--trials", "20", "--json", "--no-progress", "--d0", "40", "--seed", "3", *SMALL]
    code, out, err = call_main([*base, "--spare-layout", "interleaved", "--max-skew", "2"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["parameters"]["scheme"]["spare_layout"] == "interleaved"
    assert data["parameters"]["scheme"]["description"].startswith("shift-to-spare, 1 spare(s) interleaved in each")
    # No study network model: small wafers get their own network measured densely.
    assert data["wafer"]["network_per_wafer"] == "dense"
    code, out, err = call_main([*base, "--spare-layout", "middle"], capsys)
    _assert_one_line_error(code, out, err, "--spare-layout must be one of 'end', 'interleaved', got 'middle'")
    code, out, err = call_main([*base, "--axis", "cols"], capsys)
    _assert_one_line_error(code, out, err, "--segment-width must divide --core-rows (14), got 6")


def test_a_scheme_option_the_scheme_does_not_take_is_refused(capsys):
    """SMALL sets shift-to-spare's options; harvesting takes none of them."""
    code, out, err = call_main(["study", "--trials", "2", "--no-progress", *SMALL, "--scheme", "harvest"], capsys)
    _assert_one_line_error(code, out, err, "--segment-width does not apply to --scheme harvest"
                                           " (its options: --axis, --target-lines)")


def test_missing_command(capsys):
    code, out, err = call_main([], capsys)
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and "command" in err


def test_nan_never_reaches_json(capsys):
    """One trial: every CI bound is undefined and must print as null, not NaN."""
    code, out, _ = call_main(["study", "--trials", "1", "--json", "--no-progress", *SMALL], capsys)
    assert code == 0
    data = json.loads(out, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert data["wafer"]["defects_per_wafer"]["ci95"] == [None, None]
    assert not math.isnan(data["wafer"]["repair_rate"]["ci95"][0])


# --------------------------------------------------------------------------
# Progress, Ctrl-C, and the regressions of issue 6
# --------------------------------------------------------------------------


def _as_terminal(monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)


def test_progress_bar_on_a_terminal_with_rate_and_eta(capsys, monkeypatch):
    _as_terminal(monkeypatch)
    code, _, err = call_main(["study", "--trials", "3", *SMALL], capsys)
    assert code == 0
    assert "wafers" in err and "wafer/s" in err and "<" in err  # rate and time left


@pytest.mark.parametrize("flag", ["--json", "--quiet", "-q", "--no-progress"])
def test_no_progress_bar_with_json_or_quiet(flag, capsys, monkeypatch):
    _as_terminal(monkeypatch)
    code, out, err = call_main(["study", "--trials", "3", *SMALL, flag], capsys)
    assert code == 0 and err == ""
    if flag == "--json":
        json.loads(out)


def test_no_progress_bar_into_a_pipe():
    p = run_cli("study", "--trials", "3", "--json", *SMALL)
    assert p.returncode == 0 and p.stderr == ""
    p = run_cli("study", "--trials", "3", *SMALL)
    assert p.returncode == 0 and p.stderr == ""  # stderr is a pipe, not a terminal


@pytest.mark.parametrize("delay", [0.5, 6.0], ids=["while loading", "while running"])
def test_ctrl_c_stops_a_study_with_one_line_and_status_130(delay):
    import signal
    import time

    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.Popen([sys.executable, "-m", "wafer", "study", "--trials", "1000000", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    time.sleep(delay)  # numba and scipy load in the first second or so
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert out == ""
    assert err.splitlines() == ["wafer: interrupted; nothing was written"]


def test_failed_repairs_say_why(capsys):
    code, out, _ = call_main(["study", "--trials", "3", "--quiet", "--d0", "20000", *SMALL], capsys)
    assert code == 0
    assert "not repaired: a segment has more dead cores than spares" in out
    code, out, _ = call_main(["study", "--trials", "3", "--quiet", "--json", "--d0", "20000", *SMALL], capsys)
    assert json.loads(out)["wafer"]["failures"] == {"a segment has more dead cores than spares": 3}


def test_one_die_system_that_never_fits_gives_null_not_infinity(capsys):
    """--dies 1x1 made a 215 mm chiplet: no good system, infinite silicon per one."""
    code, out, err = call_main(["study", "--trials", "2", "--quiet", "--json", "--dies", "1x1"], capsys)
    assert code == 0, err
    system = json.loads(out, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))["chiplet"]["system"]
    assert system["good_systems_per_wafer"] == 0.0
    assert system["silicon_per_good_system_mm2"] is None


@pytest.mark.parametrize("extra, flag", [
    (["--radial-power", "nan"], "--radial-power"),
    (["--max-skew", str(10**30)], "--max-skew"),
    (["--trials", str(2**63)], "--trials"),
    (["--trials", str(10**9)], "--trials"),
    (["--die-width", "400", "--die-height", "400"], "--die-width"),
])
def test_issue_6_study_cases(extra, flag, capsys):
    code, out, err = call_main(["study", *SMALL, *extra], capsys)
    _assert_one_line_error(code, out, err, flag)


def test_huge_core_grid_is_refused_before_allocation(capsys):
    code, out, err = call_main(["study", "--core-rows", "98000", "--core-cols", "98400", "--quiet"], capsys)
    _assert_one_line_error(code, out, err, "--core-rows x --core-cols must be at most 16,777,216 cores")


def test_radial_profile_that_overflows_is_refused_not_zero_defects(capsys):
    """--radial-edge-excess 3 --radial-power 1e5 reported 0 defects and 100% repair."""
    code, out, err = call_main(["study", "--quiet", "--radial-edge-excess", "3", "--radial-power", "1e5"], capsys)
    _assert_one_line_error(code, out, err, "--radial-edge-excess and --radial-power must give a finite density")


def test_parameter_set_from_a_device_is_refused_unread(capsys):
    code, out, err = call_main(["study", *SMALL, "--parameter-set", "/dev/zero"], capsys)
    _assert_one_line_error(code, out, err, "--parameter-set")
    assert "regular file" in err


def test_ctrl_c_inside_a_compiled_kernel_is_an_interrupt_too(capsys, monkeypatch):
    """numba turns a KeyboardInterrupt during its call into a SystemError caused by it."""
    import wafer.cli

    def interrupted(*args, **kwargs):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise SystemError("CPUDispatcher(...) returned a result with an exception set") from exc

    monkeypatch.setattr(wafer.cli, "run_study", interrupted)
    code, out, err = call_main(["study", *SMALL, "--trials", "2"], capsys)
    assert (code, out, err) == (130, "", "wafer: interrupted; nothing was written\n")

    def broken(*args, **kwargs):
        raise SystemError("a real bug")

    monkeypatch.setattr(wafer.cli, "run_study", broken)
    with pytest.raises(SystemError, match="a real bug"):
        main(["study", *SMALL, "--trials", "2"])


# --------------------------------------------------------------------------
# Traffic and link classes
# --------------------------------------------------------------------------


def test_traffic_lists_every_pattern_and_routing(capsys):
    code, out, err = call_main(["traffic"], capsys)
    assert code == 0 and err == ""
    for name in (*routing.PATTERNS, *routing.ROUTINGS):
        assert f"    {name} " in out
    code, out, _ = call_main(["traffic", "--json"], capsys)
    data = json.loads(out)
    assert [p["name"] for p in data["patterns"]] == list(routing.PATTERNS)
    assert set(data["routings"]) == set(routing.ROUTINGS)


def test_link_class_file_overrides_a_figure_and_bad_ones_get_one_line(tmp_path, capsys):
    good = tmp_path / "links.toml"
    good.write_text("[mesh]\nenergy_pj_per_bit = 1.0\n")
    base = ["study", "--trials", "2", "--quiet", "--json", *SMALL]
    _, out, _ = call_main(base, capsys)
    _, out2, _ = call_main([*base, "--link-classes", str(good)], capsys)
    e1 = json.loads(out)["traffic"]["uniform"]["wafer"]["energy_pj_per_bit"]["mean"]
    e2 = json.loads(out2)["traffic"]["uniform"]["wafer"]["energy_pj_per_bit"]["mean"]
    assert e2 > 10 * e1
    assert json.loads(out2)["parameters"]["link_classes"]["mesh"]["energy_pj_per_bit"] == 1.0
    for text, match in [
        ("[mesh]\nenergy_pj_per_bit = nan\n", "mesh.energy_pj_per_bit must be a finite number >= 0"),
        ("[mesh]\nenergy_pj_per_bi = 1\n", "did you mean 'energy_pj_per_bit'"),
        ("[mesch]\nenergy_pj_per_bit = 1\n", "did you mean 'mesh'"),
        ("[mesh\n", "must be valid TOML"),
    ]:
        bad = tmp_path / "bad.toml"
        bad.write_text(text)
        code, out, err = call_main([*base, "--link-classes", str(bad)], capsys)
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and err.startswith("wafer study: error: --link-classes: ")
        assert match in err and str(bad) in err


@pytest.mark.parametrize("args, match", [
    (["--traffic", "transpose"], "--traffic 'transpose' is refused on the wafer's logical mesh (14 x 20)"),
    (["--traffic", "stencl"], "did you mean 'stencil'"),
    (["--routing", "xz"], "--routing must be one of 'xy', 'yx'"),
    (["--traffic", "stencil:points=7"], "points must be 5 or 9"),
])
def test_bad_traffic_gets_one_line(args, match, capsys):
    code, out, err = call_main(["study", "--trials", "2", "--quiet", *SMALL, *args], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1 and match in err


def test_schemes_lists_every_scheme_with_its_options(capsys):
    import wafer

    code, out, err = call_main(["schemes"], capsys)
    assert code == 0 and err == ""
    for name in wafer.SCHEMES:
        assert name in out
    assert "--segment-width=106" in out and "--target-lines=None" in out
    code, out, _ = call_main(["schemes", "--json"], capsys)
    data = json.loads(out)
    assert set(data) == set(wafer.SCHEMES)
    assert data["spare-lines"]["parameters"]["spare_rows"] == {"option": "--spare-rows", "default": 1}
