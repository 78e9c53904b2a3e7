"""Chiplets with package-level spare dies (ChipletSpec.spare_dies_per_row): yield, carrier, cost, command."""

from __future__ import annotations

import itertools
import json

import pytest
from wafer import ChipletSpec, ShiftToSpare, StudyConfig, WaferSpec, chiplet_comparison, run_study
from wafer.cli import main
from wafer.report import format_table, summarize

WSE3 = WaferSpec()
SCHEME = ShiftToSpare(max_skew=8)


def test_a_row_of_dies_survives_as_many_failed_dies_as_it_has_spares():
    spec = ChipletSpec(spare_dies_per_row=1)
    assert (spec.n_dies, spec.dies_placed) == (84, 91)
    r = chiplet_comparison(WSE3, spec, 0.1, 10.0, scheme=SCHEME)
    s = r.system
    # organic substrate: bond 0.99 a die, no carrier; 7 rows of 12 + 1
    assert s.package_yield == pytest.approx((0.99**13 + 13 * 0.99**12 * 0.01) ** 7, rel=1e-12)
    assert s.good_systems_per_wafer == pytest.approx(s.dies_passing_test_per_wafer / 91 * s.package_yield)
    plain = chiplet_comparison(WSE3, ChipletSpec(), 0.1, 10.0, scheme=SCHEME).system
    assert plain.package_yield == pytest.approx(0.99**84)
    assert s.good_systems_per_wafer > plain.good_systems_per_wafer


def test_the_carrier_holds_the_spare_dies_too():
    spec = ChipletSpec(packaging="si-interposer", spare_dies_per_row=2)
    r = chiplet_comparison(WSE3, spec, 0.1, 10.0, scheme=SCHEME)
    die = (215 / 12) * (215 / 7)
    assert r.system.carrier_area_mm2 == pytest.approx(1.1 * 98 * die)  # the set's 1.1 x 98 placed dies
    assert r.carrier.n_dies == 98


def test_the_study_prices_the_placed_dies_at_the_rows_yield():
    small = dict(wafer=WaferSpec(core_rows=14, core_cols=24, die_width_mm=5.0, die_height_mm=5.0),
                 scheme=ShiftToSpare(segment_width=6, spares=1, max_skew=1), d0=40.0, trials=4, gpu=None, tile=None)
    result = run_study(StudyConfig(chiplet=ChipletSpec(dies_x=2, dies_y=2, spare_dies_per_row=1), **small))
    cost, system = result.costs.chiplet, result.chiplet.system
    assert cost.assembly_yield == pytest.approx(system.package_yield, rel=1e-12)
    assert cost.n_dies == 4 and system.dies_placed == 6
    text = format_table(summarize(result))
    assert "1 spare die site(s) at the end of each row of dies" in text and "(4 + 2 spare)" in text


def test_the_command_takes_spare_dies_and_refuses_a_negative_count(capsys):
    small = ["--core-rows", "14", "--core-cols", "24", "--segment-width", "6", "--spares", "1", "--max-skew",
             "1", "--dies", "2x2", "--die-width", "5", "--die-height", "5", "--trials", "3", "-q",
             "--gpu", "none", "--tile", "none"]
    assert main(["study", *small, "--spare-dies", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["chiplet"]["system"]["spare_dies_per_row"] == 1 and data["chiplet"]["system"]["die_rows"] == 2
    assert main(["study", *small, "--spare-dies", "-1"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--spare-dies must be an integer" in err


def test_chiplet_routes_cross_the_dies_spare_cores_as_a_route_by_route_sum_says():
    """4 x 8 cores in 2 x 2 dies of 2 x 4, each row of a die 3 logical cores and an end spare: every
    uniform route summed hop by hop on the physical grid (a die-edge hop of the d2d class)."""
    cfg = StudyConfig(wafer=WaferSpec(core_rows=4, core_cols=8, die_width_mm=4.0, die_height_mm=4.0),
                      scheme=ShiftToSpare(segment_width=4, spares=1, max_skew=1),
                      chiplet=ChipletSpec(dies_x=2, dies_y=2), d0=1.0, trials=2, gpu=None, tile=None)
    summary = summarize(run_study(cfg))
    classes = cfg.link_class_table()
    mesh, d2d = classes["mesh"], classes[cfg.chiplet.d2d_class]

    def physical_col(c):
        return 4 * (c // 3) + c % 3

    rows, cols = 4, 6
    hops = cycles = pj = 0.0
    for (r1, c1), (r2, c2) in itertools.permutations(itertools.product(range(rows), range(cols)), 2):
        steps = []
        step = 1 if c2 > c1 else -1
        for c in range(c1, c2, step):  # X first, along row r1
            a, b = sorted((physical_col(c), physical_col(c + step)))
            steps += ["d2d" if (x + 1) % 4 == 0 else "mesh" for x in range(a, b)]
        step = 1 if r2 > r1 else -1
        for r in range(r1, r2, step):  # then Y, along column c2
            steps.append("d2d" if max(r, r + step) % 2 == 0 else "mesh")
        for kind in steps:
            k = d2d if kind == "d2d" else mesh
            hops += 1
            cycles += k.latency_cycles + k.router_delay_cycles
            pj += k.energy_pj_per_bit + k.router_energy_pj_per_bit
    pairs = rows * cols * (rows * cols - 1)
    chip = summary["traffic"]["uniform"]["chiplet"]
    assert chip["mean_hops"] == pytest.approx(hops / pairs, rel=1e-12)
    assert chip["latency_cycles"] == pytest.approx(cycles / pairs + 1, rel=1e-12)  # + the packet's one flit
    assert chip["energy_pj_per_bit"] == pytest.approx(pj / pairs, rel=1e-12)
    # the dies' logical meshes alone would miss the spare columns: 1 extra hop a die-edge crossing in X
    assert chip["mean_hops"] > summary["traffic"]["uniform"]["chiplet_mesh_without_d2d"]["mean_hops"]
