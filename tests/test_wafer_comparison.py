"""The study's other systems (wafer.comparison) and the side-by-side table (wafer.comparison_table).

The comparison's invariants: every system holds the wafer-scale die's
silicon (to within one of its units), sees the same defect model, is priced
at the same node, cost set and volume of systems, and a system with more
spares never yields less; the table's figures are the systems' own, and the
``wafer compare`` command prints them.
"""

from __future__ import annotations

import json
import math
import pathlib
from dataclasses import replace

import pytest
import wafer
from paramcheck import ParameterError
from wafer.cli import main
from wafer.comparison import OTHER_KINDS, other_systems, system_figures
from wafer.comparison_table import format_comparison
from wafer.costing import CostSpec
from wafer.gpu import gpu_comparison
from wafer.report import summarize
from wafer.study import StudyConfig, run_study
from wafer.systems import load_system
from wafer.tile import tile_comparison

WSE3 = StudyConfig()
#: A small study whose table is quick (the other systems are closed forms of its silicon).
SMALL = StudyConfig(wafer=wafer.WaferSpec(core_rows=4, core_cols=8, die_width_mm=4.0, die_height_mm=4.0),
                    scheme=wafer.ShiftToSpare(segment_width=4, spares=1, max_skew=1),
                    chiplet=wafer.ChipletSpec(dies_x=2, dies_y=2), d0=10.0, trials=4)


@pytest.fixture(scope="module")
def wse3_others():
    return other_systems(WSE3)


def test_every_system_holds_the_wafer_scale_dies_silicon(wse3_others):
    area = WSE3.wafer.die_area_mm2
    g, t = wse3_others["gpu"].result, wse3_others["tile"].result
    assert abs(g.system_silicon_mm2 - area) <= g.spec.die_area_mm2 / 2  # the nearest whole GPU count
    tile_silicon = t.spec.dies_per_tile * t.spec.die_area_mm2
    assert area <= t.system_silicon_mm2 < area + tile_silicon  # whole tiles, rounded up
    assert (g.gpus_per_system, t.tiles_per_system) == (57, 3)


@pytest.mark.parametrize("clustering, alpha", [("reticle", 10.0), ("wafer", 3.0), ("none", None)])
def test_every_system_sees_the_studys_defect_model(clustering, alpha):
    cfg = replace(WSE3, clustering=clustering, alpha=alpha or 10.0, d0=0.2)
    for o in other_systems(cfg).values():
        assert (o.result.d0, o.result.alpha) == (0.2, alpha)
    g = other_systems(cfg)["gpu"].result
    if alpha is None:  # Poisson: the product of the groups' binomial tails and the critical rest's exp
        from scipy import stats
        p = [stats.binom.cdf(n - k, n, -math.expm1(-a / 100 * 0.2)) for n, k, a in g.spec.groups]
        assert g.die_yield == pytest.approx(p[0] * p[1] * math.exp(-g.spec.critical_shared_mm2 / 100 * 0.2),
                                            rel=1e-12)


def test_every_system_is_priced_at_the_studys_node_cost_set_and_volume(wse3_others):
    cfg = replace(WSE3, cost=CostSpec(node="7nm", volume=250))
    others = other_systems(cfg)
    g, t = others["gpu"].result.spec, others["tile"].result.spec
    assert (g.node, g.cost_set, g.volume) == ("7nm", "chiplet-actuary", 250 * 57)
    assert (t.node, t.cost_set, t.volume) == ("7nm", "chiplet-actuary", 250 * 3)
    assert load_system("dojo-like").spec.node == "7nm" and load_system("h100-like").spec.node == "5nm"
    # at the default study: the same figures as a direct call on the priced spec
    direct = gpu_comparison(WSE3.wafer, replace(load_system("h100-like").spec, volume=1000 * 57), 0.1, 10.0)
    assert wse3_others["gpu"].result == direct
    direct = tile_comparison(WSE3.wafer, replace(load_system("dojo-like").spec, node="5nm", volume=3000), 0.1, 10.0)
    assert wse3_others["tile"].result == direct


def _variant(tmp_path, name, old: str, new: str) -> str:
    """A copy of a shipped system's file (or of the file ``name``) with ``old`` replaced by ``new``."""
    body = pathlib.Path(name if isinstance(name, pathlib.Path) else load_system(name).path).read_text(encoding="utf-8")
    assert old in body
    path = tmp_path / f"{len(list(tmp_path.iterdir()))}.toml"
    path.write_text(body.replace(old, new), encoding="utf-8")
    return str(path)


def test_a_system_with_more_spares_never_yields_less(tmp_path):
    systems = []
    for needed in (144, 138, 132, 120):
        gpu = _variant(tmp_path, "h100-like", "\nneeded = 132\n", f"\nneeded = {needed}\n")
        systems.append(other_systems(replace(WSE3, gpu=gpu, tile=None))["gpu"].result.good_systems_per_wafer)
    assert systems == sorted(systems) and systems[0] < systems[-1]
    # Spare die sites cover test escapes (chip-first: no die bonds), so with escapes the dies'
    # assembly yields more; the larger carrier they need yields less, so the tile may not.
    assembly = []
    for spares in (0, 1, 3):
        tile = _variant(tmp_path, "dojo-like", "\nspare_dies = 0\n", f"\nspare_dies = {spares}\n")
        tile = _variant(tmp_path, pathlib.Path(tile), "\ntest_coverage = 1.0\n", "\ntest_coverage = 0.9\n")
        assembly.append(other_systems(replace(WSE3, gpu=None, tile=tile))["tile"].result.die_assembly_yield)
    assert assembly == sorted(assembly) and assembly[0] < assembly[-1]
    needed = []
    for k in (354, 350, 340):
        tile = _variant(tmp_path, "dojo-like", "\nunits_per_die = 354\n", f"\nunits_per_die = 354\nneeded_units = {k}\n")
        needed.append(other_systems(replace(WSE3, gpu=None, tile=tile))["tile"].result.good_systems_per_wafer)
    assert needed == sorted(needed) and needed[0] < needed[-1]


def test_none_leaves_a_system_out_and_a_bad_one_is_refused_by_name():
    assert list(other_systems(WSE3)) == list(OTHER_KINDS)
    assert list(other_systems(replace(WSE3, gpu=None))) == ["tile"]
    assert other_systems(replace(WSE3, gpu=None, tile=None)) == {}
    with pytest.raises(ParameterError, match=r"^gpu system must be one of 'dojo-like', 'h100-like', got 'h200'"):
        replace(WSE3, gpu="h200")
    with pytest.raises(ParameterError, match=r"^tile system must be a file with a \[tile\] table, got one with \[gpu\]"):
        replace(WSE3, tile="h100-like")


def test_the_notes_say_what_each_system_leaves_out(wse3_others):
    g, t = wse3_others["gpu"].notes, wse3_others["tile"].notes
    assert "priced at the study's 5nm node and 1,000 systems" in g and any("optimistic for GPUs" in n for n in g)
    assert any(n.startswith("carrier defect density 0.0005/cm^2 is an estimate") for n in t)
    radial = other_systems(replace(WSE3, radial_edge_excess=1.0))
    assert all(any("radial profile is not applied" in n for n in o.notes) for o in radial.values())


def test_the_figures_are_the_systems_own_by_hand(wse3_others):
    f = system_figures(wse3_others["gpu"])
    r = wse3_others["gpu"].result
    import routing
    from wafer.gpu import gpu_pattern_figures
    from wafer.tile import tile_pattern_figures

    uniform = routing.make_traffic("uniform", 763, 1176)
    on_gpus = gpu_pattern_figures(uniform, 763, 1176, r)
    assert f["uniform"]["throughput_gbytes_per_s"] == pytest.approx(uniform.total / on_gpus["step_ns"])
    # within the blocks' imbalance of the fabric's closed form, G x 450 x G / (G - 1)
    assert f["uniform"]["throughput_gbytes_per_s"] == pytest.approx(57 * 450 * 57 / 56, rel=0.01)
    assert f["uniform"]["latency_ns"] == pytest.approx(56 / 57 * 140, rel=1e-3)
    assert f["uniform"]["energy_pj_per_bit"] == pytest.approx(56 / 57 * 12, rel=1e-3)
    assert f["working_units_per_wafer"] == pytest.approx(64 * r.die_yield * 132)
    assert f["cost"]["per_system"] == pytest.approx(57 * r.gpu_cost.total_usd)
    assert f["cost"]["recurring"] == pytest.approx(57 * r.gpu_cost.re_usd)
    assert f["silicon_mm2"] == 57 * 814.0 and f["dies_per_system"] == 57
    assert f["cost"]["per_unit"] == pytest.approx(r.gpu_cost.total_usd / 132)  # a GPU's enabled SMs
    assert f["cost"]["per_gbps_uniform"] == pytest.approx(57 * r.gpu_cost.total_usd
                                                         / f["uniform"]["throughput_gbytes_per_s"])
    t = system_figures(wse3_others["tile"])
    tr = wse3_others["tile"].result
    on_tiles = tile_pattern_figures(uniform, 763, 1176, tr)
    assert t["uniform"] == {k: on_tiles[k] for k in ("throughput_gbytes_per_s", "latency_ns", "energy_pj_per_bit")}
    # routed as the mesh they form, the tiles carry less than the all-to-all bound
    assert t["uniform"]["throughput_gbytes_per_s"] < tr.network.system_gbps
    assert t["working_units_per_wafer"] == pytest.approx(tr.good_tiles_per_wafer * 25 * 354)
    assert t["dies_per_system"] == 75 and t["detail"]["tile_yield"] == tr.tile_yield
    assert t["cost"]["per_unit"] == pytest.approx(tr.system_total_usd / (75 * 354))
    assert t["cost"]["per_gbps_uniform"] == pytest.approx(tr.system_total_usd / t["uniform"]["throughput_gbytes_per_s"])
    json.dumps(wafer.report.json_ready(t), allow_nan=False)


def test_the_table_shows_every_system_and_refuses_anything_else():
    summary = summarize(run_study(SMALL))
    text = format_comparison(summary)
    head = text.splitlines()[3]
    assert "GPUs (H100-like)" in head and "tiles (Dojo-like)" in head
    gpu = summary["systems"]["gpu"]
    assert f"{gpu['good_systems_per_wafer']:.4g}" in text and "throughput at saturation (GB/s)" in text
    unit = next(line for line in text.splitlines() if line.startswith("  per working unit of a system"))
    assert unit.count("/core") == 2 and "/SM" in unit and "/node" in unit
    assert "per GB/s of uniform traffic delivered" in text
    no_uniform = format_comparison(summarize(run_study(replace(SMALL, traffic=("neighbor",), gpu=None))))
    assert "GPUs" not in no_uniform and "1 tile of 5 x 5 dies" in no_uniform
    assert "Network rows need uniform traffic" in no_uniform
    for bad in ({}, {k: v for k, v in summary.items() if k != "systems"}):
        with pytest.raises(ParameterError, match="summary must be a dict made by summarize"):
            format_comparison(bad)


def test_wafer_compare_prints_the_table_and_json(capsys):
    small = ["--core-rows", "14", "--core-cols", "24", "--segment-width", "6", "--spares", "1", "--max-skew",
             "1", "--dies", "2x2", "--die-width", "5", "--die-height", "5", "--trials", "3", "-q"]
    assert main(["compare", *small]) == 0
    out = capsys.readouterr().out
    assert out.startswith("The same silicon four ways") and "tiles (Dojo-like)" in out
    assert main(["compare", *small, "--gpu", "none", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["systems"]) == ["tile"] and data["parameters"]["gpu"] is None
    assert main(["compare", *small, "--tile", "dojo"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--tile" in err and "did you mean 'dojo-like'" in err


def test_each_pattern_is_priced_on_the_gpus_too(tmp_path):
    import routing
    from wafer.gpu import gpu_pattern_figures

    three = _variant(tmp_path, "h100-like", "\nunits = 144\n", "\nunits = 144\ngpus_per_system = 3\n")
    result = run_study(replace(SMALL, traffic=("uniform", "stencil"), gpu=three))
    summary = summarize(result)
    rows, cols = SMALL.logical_shape
    for entry in ("uniform", "stencil"):
        want = gpu_pattern_figures(routing.make_traffic(entry, rows, cols), rows, cols, result.others["gpu"].result)
        got = summary["traffic"][entry]["gpu"]
        assert {k: got[k] for k in want} == pytest.approx(want)
        assert got["slowdown_vs_perfect"] == pytest.approx(want["workload_step_ns"]
                                                           / summary["traffic"][entry]["perfect_wafer_step_ns"])
    assert want["crossing_fraction"] > 0  # three GPUs over a 4 x 6 mesh: the stencil's halos cross
    table = wafer.format_table(summary)
    assert "GPUs (ns)" in table and "one block a GPU" in table
    side = format_comparison(summary)
    assert any(line.startswith("  stencil ") for line in side.splitlines())
    none = summarize(run_study(replace(SMALL, traffic=("stencil",), gpu=None)))
    assert none["traffic"]["stencil"]["gpu"] is None and "GPUs (ns)" not in wafer.format_table(none)


def test_the_wafer_scale_column_bounds_its_cores_with_the_corners_absent():
    """A logical row lives on one physical row, so with the cores beyond the
    usable wafer (5 mm exclusion) absent the rows whose remaining cores hold
    the 1,176-core width bound the logical mesh: counted core by core here."""
    summary = summarize(run_study(replace(WSE3, trials=3, traffic=("uniform",), gpu=None, tile=None)))
    spec = WSE3.wafer
    radius = (spec.wafer_diameter_mm - 10.0) / 2
    pitch_x, pitch_y = spec.die_width_mm / spec.core_cols, spec.die_height_mm / spec.core_rows
    holding = 0
    for r in range(spec.core_rows):
        y = (r + 0.5) * pitch_y - spec.die_height_mm / 2
        inside = sum(math.hypot((c + 0.5) * pitch_x - spec.die_width_mm / 2, y) <= radius
                     for c in range(spec.core_cols))
        holding += inside >= 1176
    text = format_comparison(summary)
    assert holding == 749
    assert f"at most {holding * 1176:,} cores" in text
    assert "only 749 rows would hold the 1176-core logical width" in text
    small = format_comparison(summarize(run_study(SMALL)))  # a die well inside its wafer: nothing to say
    assert "corners beyond the usable wafer absent" not in small
