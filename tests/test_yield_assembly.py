"""Chiplet system yield: KGD testing, carrier, package yield, whole-system figures."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yieldmodels import ParameterError, exact_dies_per_wafer
from yieldmodels.assembly import (
    DEFECT_LEVEL_MODELS,
    ChipletSystem,
    carrier_yield,
    chiplet_system,
    defect_level,
    good_systems_per_wafer,
    kgd_pass_rate,
    kgd_yield,
    package_yield,
    system_yield,
)
from yieldmodels.parameters import Packaging, ParameterSet, ProcessNode, load_parameter_set

Z999 = 3.2905  # two-sided 99.9% normal quantile
prob = st.floats(0.0, 1.0)


def close(a, b, rel=1e-12):
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-15)


# ------------------------------------------------------------------ unchanged API


def test_existing_functions_unchanged():
    assert close(system_yield(25, 0.98), 0.98**25)
    assert system_yield(4) == 1.0
    assert close(good_systems_per_wafer(100.0, 25, 0.98), 100.0 / 25 * 0.98**25)
    # wafer/chiplet.py validates bond_yield through system_yield(1, b)
    with pytest.raises(ParameterError, match="bond_yield"):
        system_yield(1, 1.5)


# ------------------------------------------------------------------ KGD testing


def test_kgd_hand_values():
    # Y = 0.8, c = 0.9: pass = 0.8 + 0.2 * 0.1 = 0.82
    assert close(kgd_pass_rate(0.8, 0.9), 0.82)
    # conditional: good among passing = 0.8 / 0.82, escapes = 0.02 / 0.82
    assert close(kgd_yield(0.8, 0.9), 0.8 / 0.82)
    assert close(defect_level(0.8, 0.9), 0.02 / 0.82)
    # Williams-Brown: DL = 1 - 0.8 ** 0.1
    assert close(kgd_yield(0.8, 0.9, model="williams-brown"), 0.8**0.1)
    assert close(defect_level(0.8, 0.9, model="williams-brown"), 1 - 0.8**0.1)
    # Y = 0.5, c = 0.5: pass = 0.75, DL = 0.25 / 0.75 = 1/3; WB 1 - sqrt(0.5)
    assert close(defect_level(0.5, 0.5), 1 / 3)
    assert close(defect_level(0.5, 0.5, model="williams-brown"), 1 - math.sqrt(0.5))


@pytest.mark.parametrize("model", DEFECT_LEVEL_MODELS)
@pytest.mark.parametrize("y", [0.0, 0.1, 0.5, 0.99, 1.0])
def test_kgd_limits(model, y):
    # full coverage: no escapes
    assert defect_level(y, 1.0, model=model) == 0.0
    assert kgd_yield(y, 1.0, model=model) == 1.0
    # no coverage: every die passes, so the defect level is the die defect rate
    assert close(defect_level(y, 0.0, model=model), 1.0 - y)
    assert close(kgd_yield(y, 0.0, model=model), y)
    # perfect dies never escape
    assert defect_level(1.0, 0.3, model=model) == 0.0


def test_kgd_pass_rate_limits():
    assert kgd_pass_rate(0.7) == 0.7
    assert kgd_pass_rate(0.7, 0.0) == 1.0
    assert kgd_pass_rate(0.0, 1.0) == 0.0


@given(prob, prob)
def test_kgd_properties(y, c):
    cond = kgd_yield(y, c)
    wb = kgd_yield(y, c, model="williams-brown")
    for model, k in [("conditional", cond), ("williams-brown", wb)]:
        assert 0.0 <= k <= 1.0
        assert k >= y - 1e-12  # testing never lowers the good fraction
        assert close(k + defect_level(y, c, model=model), 1.0, rel=1e-9)
    # AM-GM: c Y + (1 - c) >= Y ** c, so Williams-Brown is the more optimistic model
    assert wb >= cond - 1e-12
    # conditional: passing dies times their good fraction is the die yield
    assert math.isclose(kgd_pass_rate(y, c) * cond, y, rel_tol=1e-9, abs_tol=1e-15) or (
        kgd_pass_rate(y, c) == 0.0
    )


def test_kgd_monte_carlo():
    """Simulate testing: fraction of bad dies among passing dies vs the conditional model."""
    rng = np.random.default_rng(20240601)
    y, c, n = 0.7, 0.8, 400_000
    good = rng.random(n) < y
    detected = ~good & (rng.random(n) < c)
    passing = ~detected
    p_pass = kgd_pass_rate(y, c)
    assert abs(passing.mean() - p_pass) <= Z999 * math.sqrt(p_pass * (1 - p_pass) / n)
    dl = defect_level(y, c)
    m = int(passing.sum())
    est = (~good[passing]).mean()
    assert abs(est - dl) <= Z999 * math.sqrt(dl * (1 - dl) / m)


# ------------------------------------------------------------------ carrier and package


def test_carrier_yield_hand_values():
    # 1000 mm^2 = 10 cm^2 at 0.06/cm^2: A D = 0.6; (1 + 0.6 / 6) ** -6 = 1.1 ** -6
    assert close(carrier_yield(1000.0, 0.06, 6.0), 1.1**-6)
    # RDL 300 mm^2 at 0.05/cm^2, alpha 3: (1 + 0.15 / 3) ** -3 = 1.05 ** -3
    assert close(carrier_yield(300.0, 0.05, 3.0), 1.05**-3)
    # Poisson when alpha is None: exp(-0.6)
    assert close(carrier_yield(1000.0, 0.06), math.exp(-0.6))
    assert carrier_yield(0.0, 0.06, 6.0) == 1.0
    assert carrier_yield(1000.0, 0.0, 6.0) == 1.0


def test_package_yield_hand_values_and_limits():
    # 3 dies: 0.98 ** 3 bonds * (1 - 0.02) ** 3 no escapes * 0.9 carrier = 0.98 ** 6 * 0.9
    assert close(package_yield(3, bond_yield=0.98, kgd_escape=0.02, carrier_yield=0.9), 0.98**6 * 0.9)
    assert package_yield(7) == 1.0
    assert package_yield(7, bond_yield=1.0, kgd_escape=0.0, carrier_yield=1.0) == 1.0
    # one die: each factor once
    assert close(package_yield(1, bond_yield=0.95, kgd_escape=0.1, carrier_yield=0.8), 0.95 * 0.9 * 0.8)
    for n in (1, 4, 25, 84):
        assert package_yield(n, bond_yield=0.97) == system_yield(n, 0.97)
    assert package_yield(3, carrier_yield=0.0) == 0.0
    assert package_yield(3, kgd_escape=1.0) == 0.0


@given(st.integers(1, 100), prob, prob, prob)
def test_package_yield_properties(n, b, e, cy):
    p = package_yield(n, bond_yield=b, kgd_escape=e, carrier_yield=cy)
    assert 0.0 <= p <= min(b, 1 - e, cy) + 1e-12
    assert package_yield(n + 1, bond_yield=b, kgd_escape=e, carrier_yield=cy) <= p + 1e-15


@pytest.mark.parametrize(
    "n, b, e, cy", [(1, 0.95, 0.05, 0.9), (5, 0.97, 0.03, 0.9), (25, 0.99, 0.002, 0.8)]
)
def test_package_yield_monte_carlo(n, b, e, cy):
    """One Bernoulli per bond, per die (escape) and per carrier; 99.9% CI."""
    rng = np.random.default_rng([n, 7])
    trials = 200_000
    bonds_ok = (rng.random((trials, n)) < b).all(axis=1)
    dies_ok = (rng.random((trials, n)) >= e).all(axis=1)
    carrier_ok = rng.random(trials) < cy
    est = (bonds_ok & dies_ok & carrier_ok).mean()
    p = package_yield(n, bond_yield=b, kgd_escape=e, carrier_yield=cy)
    assert abs(est - p) <= Z999 * math.sqrt(p * (1 - p) / trials)


def test_pipeline_monte_carlo():
    """Fabricate, test and assemble dies; compare with chiplet_system's pass rate and package yield."""
    rng = np.random.default_rng(99)
    c, n, b = 0.7, 4, 0.98
    s = chiplet_system(400.0, n, 0.2, 2.0, test_coverage=c, bond_yield=b)
    dies = 2_000_000
    good = rng.random(dies) < s.die_yield
    passing = good | (rng.random(dies) >= c)  # a bad die passes when its fault escapes
    q = s.kgd_pass_rate
    assert abs(passing.mean() - q) <= Z999 * math.sqrt(q * (1 - q) / dies)
    # packages of n consecutive passing dies, each die bonded with probability b
    pkgs = good[passing][: (int(passing.sum()) // n) * n].reshape(-1, n)
    ok = (pkgs & (rng.random(pkgs.shape) < b)).all(axis=1)
    p = s.package_yield
    assert abs(ok.mean() - p) <= Z999 * math.sqrt(p * (1 - p) / len(ok))


# ------------------------------------------------------------------ whole system


def test_chiplet_system_hand_values():
    s = chiplet_system(
        100.0, 4, 0.1, 10.0,
        test_coverage=0.9, bond_yield=0.99,
        carrier_area_mm2=500.0, carrier_d0=0.05, carrier_alpha=3.0, carrier_bond_yield=0.99,
    )  # fmt: skip
    # 1 cm^2 die at 0.1/cm^2, alpha 10: Y = (1 + 0.1 / 10) ** -10 = 1.01 ** -10
    y = 1.01**-10
    assert close(s.die_yield, y)
    # 10 x 10 mm square, no scribe or edge exclusion: 657 whole dies (dies.py doctest)
    assert s.dies_per_wafer == 657 == exact_dies_per_wafer(10.0, 10.0)
    assert (s.die_width_mm, s.die_height_mm) == (10.0, 10.0)
    passed = y + (1 - y) * 0.1
    assert close(s.kgd_pass_rate, passed)
    escape = (1 - y) * 0.1 / passed
    assert close(s.kgd_escape, escape)
    # carrier: 5 cm^2 at 0.05/cm^2 = 0.25 defects, alpha 3
    carrier = (1 + 0.25 / 3) ** -3
    assert close(s.carrier_yield, carrier)
    pkg = 0.99**4 * (1 - escape) ** 4 * carrier * 0.99
    assert close(s.package_yield, pkg)
    assert close(s.dies_passing_test_per_wafer, 657 * passed)
    good = 657 * passed / 4 * pkg
    assert close(s.good_systems_per_wafer, good)
    assert close(s.wafer_area_mm2, math.pi * 150.0**2)
    assert close(s.silicon_per_good_system_mm2, math.pi * 150.0**2 / good)
    assert close(s.die_silicon_per_good_system_mm2, 400.0 / (passed * pkg))
    # die silicon = fabricated die area / good systems, the same figure
    assert close(s.die_silicon_per_good_system_mm2, 657 * 100.0 / good)


def test_chiplet_system_matches_existing_functions():
    # full coverage, no carrier: good_systems_per_wafer(dpw * Y, n, b)
    s = chiplet_system(200.0, 6, 0.09, 10.0, bond_yield=0.98, scribe_mm=0.1, edge_exclusion_mm=3.0)
    expected = good_systems_per_wafer(s.dies_per_wafer * s.die_yield, 6, 0.98)
    assert close(s.good_systems_per_wafer, expected)
    assert s.package_yield == system_yield(6, 0.98)
    assert s.kgd_escape == 0.0 and s.carrier_yield == 1.0


def test_chiplet_system_one_die_no_losses():
    s = chiplet_system(100.0, 1, 0.0, 10.0)
    assert s.die_yield == 1.0 and s.package_yield == 1.0
    assert s.good_systems_per_wafer == s.dies_per_wafer == 657
    assert close(s.die_silicon_per_good_system_mm2, 100.0)


def test_chiplet_system_rectangular_and_wafer_geometry():
    s = chiplet_system(None, 2, 0.1, 3.0, die_width_mm=26.0, die_height_mm=33.0)
    assert s.die_area_mm2 == 858.0 and s.dies_per_wafer == exact_dies_per_wafer(26.0, 33.0)
    t = chiplet_system(858.0, 2, 0.1, 3.0, die_width_mm=26.0)
    assert close(t.die_height_mm, 33.0) and t.dies_per_wafer == s.dies_per_wafer
    u = chiplet_system(858.0, 2, 0.1, 3.0, die_height_mm=33.0)
    assert close(u.die_width_mm, 26.0)
    with pytest.raises(ParameterError, match="die_area_mm2 must equal"):
        chiplet_system(800.0, 2, 0.1, 3.0, die_width_mm=26.0, die_height_mm=33.0)
    with pytest.raises(ParameterError, match="die_area_mm2"):
        chiplet_system(None, 2, 0.1, 3.0, die_width_mm=26.0)


def test_chiplet_system_no_good_system():
    s = chiplet_system(100.0, 4, 0.1, 10.0, bond_yield=0.0)
    assert s.good_systems_per_wafer == 0.0
    assert s.silicon_per_good_system_mm2 == math.inf
    assert s.die_silicon_per_good_system_mm2 == math.inf
    w = chiplet_system(46225.0, 1, 0.1, 10.0)  # 215 x 215 mm does not fit whole
    assert w.dies_per_wafer == 0 and w.silicon_per_good_system_mm2 == math.inf


def test_chiplet_system_williams_brown():
    s = chiplet_system(100.0, 4, 0.1, 10.0, test_coverage=0.9, defect_level_model="williams-brown")
    assert close(s.kgd_escape, 1 - s.die_yield**0.1)
    assert s.defect_level_model == "williams-brown"


def test_chiplet_system_to_dict_is_plain():
    d = chiplet_system(100.0, 4, 0.1, 10.0).to_dict()
    assert d["n_dies"] == 4 and set(d) >= {"package_yield", "good_systems_per_wafer"}


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"die_area_mm2": -1.0}, "die_area_mm2"),
        ({"n_dies": 0}, "n_dies"),
        ({"d0": float("nan")}, "d0"),
        ({"alpha": 0.0}, "alpha"),
        ({"test_coverage": 1.1}, "test_coverage"),
        ({"bond_yield": -0.1}, "bond_yield"),
        ({"carrier_area_mm2": -5.0}, "carrier_area_mm2"),
        ({"carrier_d0": -0.01}, "carrier_d0"),
        ({"carrier_alpha": 0.0}, "carrier_alpha"),
        ({"carrier_bond_yield": 2.0}, "carrier_bond_yield"),
        ({"edge_exclusion_mm": 150.0}, "edge_exclusion_mm"),
        ({"defect_level_model": "williams"}, "did you mean 'williams-brown'"),
    ],
)
def test_chiplet_system_errors(kwargs, name):
    args = {"die_area_mm2": 100.0, "n_dies": 4, "d0": 0.1, "alpha": 10.0}
    args.update(kwargs)
    pos = [args.pop(k) for k in ("die_area_mm2", "n_dies", "d0", "alpha")]
    with pytest.raises(ParameterError, match=name) as info:
        chiplet_system(*pos, **args)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: kgd_yield(1.2), "die_yield"),
        (lambda: kgd_yield(0.5, -0.1), "test_coverage"),
        (lambda: defect_level(0.5, 0.5, model="bayes"), "model must be one of"),
        (lambda: kgd_pass_rate(True), "die_yield"),
        (lambda: carrier_yield(-1.0, 0.1, 3.0), "area_mm2"),
        (lambda: carrier_yield(1.0, 0.1, -3.0), "alpha"),
        (lambda: package_yield(0), "n_dies"),
        (lambda: package_yield(2, kgd_escape=1.5), "kgd_escape"),
        (lambda: package_yield(2, carrier_yield=float("nan")), "carrier_yield"),
        (lambda: package_yield(2.0), "n_dies"),
    ],
)
def test_function_errors(call, name):
    with pytest.raises(ParameterError, match=name):
        call()


# ------------------------------------------------------------------ from_parameters


def test_from_parameters_uses_published_numbers():
    s = ChipletSystem.from_parameters("chiplet-actuary", "7nm", "info-rdl", 150.0, 6, test_coverage=0.95)
    assert (s.d0, s.alpha) == (0.09, 10.0)
    assert (s.bond_yield, s.carrier_d0, s.carrier_alpha, s.carrier_bond_yield) == (0.98, 0.05, 3.0, 0.99)
    assert close(s.carrier_area_mm2, 1.2 * 6 * 150.0)
    assert (s.wafer_diameter_mm, s.scribe_mm, s.edge_exclusion_mm) == (300.0, 0.2, 5.0)
    direct = chiplet_system(
        150.0, 6, 0.09, 10.0, scribe_mm=0.2, edge_exclusion_mm=5.0, test_coverage=0.95,
        bond_yield=0.98, carrier_area_mm2=1080.0, carrier_d0=0.05, carrier_alpha=3.0,
        carrier_bond_yield=0.99,
    )  # fmt: skip
    assert close(s.good_systems_per_wafer, direct.good_systems_per_wafer, rel=1e-12)


def test_from_parameters_organic_and_overrides():
    ps = load_parameter_set("chiplet-actuary")
    s = ChipletSystem.from_parameters(
        ps, "5nm", "organic-substrate", 100.0, 4, carrier_area_mm2=999.0,
        wafer_diameter_mm=200.0, scribe_mm=0.0, edge_exclusion_mm=0.0,
    )  # fmt: skip
    assert s.carrier_yield == 1.0 and s.carrier_area_mm2 == 0.0
    assert s.package_yield == system_yield(4, 0.99)
    assert s.dies_per_wafer == exact_dies_per_wafer(10.0, 10.0, 200.0)
    t = ChipletSystem.from_parameters(ps, "5nm", "si-interposer", 100.0, 4, carrier_area_mm2=600.0)
    assert close(t.carrier_yield, (1 + 6.0 * 0.06 / 6) ** -6)


def test_from_parameters_errors():
    with pytest.raises(ParameterError, match="did you mean '5nm'"):
        ChipletSystem.from_parameters("chiplet-actuary", "5 nm", "info-rdl", 100.0, 2)
    with pytest.raises(ParameterError, match="did you mean 'si-interposer'"):
        ChipletSystem.from_parameters("chiplet-actuary", "5nm", "si-interposr", 100.0, 2)
    with pytest.raises(ParameterError, match="did you mean 'chiplet-actuary'"):
        ChipletSystem.from_parameters("chiplet_actuary", "5nm", "info-rdl", 100.0, 2)
    ps = ParameterSet(
        "custom", "test",
        {"n": ProcessNode("n", 0.1, 10.0)},
        {"bridge": Packaging("bridge", 0.99, 0.05, 3.0)},
    )  # fmt: skip
    with pytest.raises(ParameterError, match="carrier_area_mm2 must be given for packaging 'bridge'"):
        ChipletSystem.from_parameters(ps, "n", "bridge", 100.0, 2)
    s = ChipletSystem.from_parameters(ps, "n", "bridge", 100.0, 2, carrier_area_mm2=100.0)
    assert close(s.carrier_yield, (1 + 0.05 / 3) ** -3)
    assert (s.scribe_mm, s.edge_exclusion_mm) == (0.0, 0.0)  # no [wafer]: chiplet_system defaults
