"""The multi-GPU side of the comparison (wafer.gpu) against hand computations and Monte Carlo."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
from bad_input import Case, sweep
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

import wafer.gpu as gpu
import yieldmodels
from paramcheck import ParameterError
from wafer.geometry import WaferSpec
from wafer.gpu import GpuSpec, gpu_comparison, load_gpu_system, mesh_gbytes_per_s_per_mm2

WSE = WaferSpec()

# --------------------------------------------------------------------------- the TOML's figures

#: Every figure of h100-like.toml, with the value it must have.
EXPECTED_GPU = {
    "die_area_mm2": 814.0, "units": 144, "needed": 132, "unit_area_fraction": 0.65, "node": "5nm",
    "package_yield": 1.0, "nvlink_gbytes_per_s": 900.0, "link_latency_ns": 20.0, "switch_latency_ns": 100.0,
    "link_energy_pj_per_bit": 5.5, "switch_energy_pj_per_bit": 1.0, "cost_set": "chiplet-actuary",
    "packaging": "si-interposer", "volume": 500_000, "scribe_mm": 0.2, "edge_exclusion_mm": 5.0,
}
EXPECTED_PUBLISHED = {
    "gpcs": 8, "tpcs_per_gpc": 9, "sms_per_tpc": 2, "pcie_sms": 114, "transistors": 80e9, "nvlink_links": 18,
    "nvlink_link_gbytes_per_s": 50.0, "l2_mb": 60.0, "sxm5_l2_mb": 50.0, "memory_controllers": 12,
    "sxm5_memory_controllers": 10, "cerebras_sm_area_mm2": 6.0,
}


@pytest.fixture(scope="module")
def h100():
    return load_gpu_system("h100-like")


def test_every_figure_of_the_toml_has_its_expected_value(h100):
    import tomllib

    with open(h100.path, "rb") as f:
        raw = tomllib.load(f)
    assert raw["gpu"] == EXPECTED_GPU
    assert raw["published"] == EXPECTED_PUBLISHED
    for key, value in EXPECTED_GPU.items():
        assert getattr(h100.spec, key) == value, key
    # the spec the file gives is the default spec: the module and the data agree
    assert h100.spec == GpuSpec()


def test_the_toml_figures_are_consistent(h100):
    p = h100.published
    assert p["gpcs"] * p["tpcs_per_gpc"] * p["sms_per_tpc"] == h100.spec.units == 144
    assert p["nvlink_links"] * p["nvlink_link_gbytes_per_s"] == h100.spec.nvlink_gbytes_per_s == 900.0
    assert h100.spec.needed < h100.spec.units and p["pcie_sms"] < h100.spec.needed
    assert p["sxm5_l2_mb"] < p["l2_mb"] and p["sxm5_memory_controllers"] < p["memory_controllers"]
    # Cerebras' "~6 mm^2 per SM" is die area per SM (5.65), not the SM: 144 x 6 > 814
    assert p["cerebras_sm_area_mm2"] * h100.spec.units > h100.spec.die_area_mm2
    assert round(h100.spec.die_area_mm2 / h100.spec.units, 2) == 5.65


def test_every_figure_has_a_source_or_an_estimate(h100):
    figures = {*EXPECTED_GPU, *(f"published.{k}" for k in EXPECTED_PUBLISHED)}
    supported = {f for s in h100.sources.values() for f in s["supports"]}
    assert figures <= supported | set(h100.estimates)
    for sid, src in h100.sources.items():
        assert src["title"] and src["publisher"] and src["url"].startswith("http"), sid
        assert src["year"] == "undated" or 2000 <= src["year"] <= 2026, sid
    for key in ("unit_area_fraction", "shared_area_mm2", "link_latency_ns", "switch_latency_ns",
                "link_energy_pj_per_bit", "switch_energy_pj_per_bit", "volume"):
        assert h100.estimates[key].startswith("ESTIMATE"), key
    assert "out of scope" in h100.estimates["hbm"]


def test_the_loader_refuses_unknown_keys_and_unsourced_figures(tmp_path, h100):
    text = open(h100.path, encoding="utf-8").read()
    bad = tmp_path / "a.toml"
    bad.write_text(text.replace("\nunits = 144", "\nunit = 144"), encoding="utf-8")
    with pytest.raises(ParameterError, match=r"gpu\.unit is not a known key.*did you mean 'units'"):
        load_gpu_system(bad)
    bad.write_text(text.replace("\n[published]\n", "\n[published]\nmystery = 1\n"), encoding="utf-8")
    with pytest.raises(ParameterError, match="published.mystery must have a source"):
        load_gpu_system(bad)
    bad.write_text(text.replace("die_area_mm2 = 814.0", "die_area_mm2 = 900.0"), encoding="utf-8")
    with pytest.raises(ParameterError, match=r"gpu\.die_area_mm2 must be at most .*858.*\(in '"):
        load_gpu_system(bad)
    bad.write_text(text.replace('year = 2023', 'year = "2023"'), encoding="utf-8")
    with pytest.raises(ParameterError, match="sources.chipsandcheese-2023.year must be"):
        load_gpu_system(bad)
    bad.write_text(text, encoding="utf-8")  # a user's copy loads by path, as the shipped file
    mine = load_gpu_system(str(bad))
    assert mine.spec == h100.spec and mine.sources == h100.sources and mine.path == str(bad)


# --------------------------------------------------------------------------- yield


def clustered_by_quadrature(n, k, unit_mm2, shared_mm2, d0, alpha):
    """E_G[P(Bin(n, 1 - exp(-m G)) <= n - k) exp(-m_s G)], G ~ Gamma(alpha, 1/alpha), by scipy.quad."""
    m, ms = unit_mm2 / 100 * d0, shared_mm2 / 100 * d0

    def f(g):
        return stats.binom.cdf(n - k, n, -math.expm1(-m * g)) * math.exp(-ms * g) * stats.gamma.pdf(
            g, alpha, scale=1 / alpha)

    hi = stats.gamma.ppf(1 - 1e-15, alpha, scale=1 / alpha)
    return integrate.quad(f, 0, hi, limit=400, epsabs=1e-13, epsrel=1e-11)[0]


def test_h100_yield_and_counts_by_hand():
    r = gpu_comparison(WSE, GpuSpec(), 0.1, 10.0)
    unit = 814 * 0.65 / 144  # 3.674 mm^2 per SM
    shared = 814 * 0.35  # 284.9 mm^2 of uncore
    assert r.die_yield == pytest.approx(clustered_by_quadrature(144, 132, unit, shared, 0.1, 10.0), rel=1e-9)
    # the uncore dominates: with 12 spares the SMs almost never kill the die
    assert r.die_yield == pytest.approx((1 + 2.849 * 0.1 / 10) ** -10, rel=1e-6)
    assert r.die_yield_no_spares == pytest.approx((1 + 8.14 * 0.1 / 10) ** -10, rel=1e-12)
    assert r.dies_per_wafer == 63  # 28.53 mm squares, 0.2 mm scribe, 5 mm edge, 300 mm wafer
    assert r.gpus_per_system == 57  # 46,225 / 814 = 56.79
    assert r.good_gpus_per_wafer == pytest.approx(63 * r.die_yield)
    assert r.good_systems_per_wafer == pytest.approx(63 * r.die_yield / 57)
    assert r.system_silicon_mm2 == 57 * 814.0
    assert r.usable_area_mm2_per_wafer == pytest.approx(63 * r.die_yield * 814)
    assert r.usable_area_fraction == pytest.approx(63 * r.die_yield * 814 / (math.pi * 150**2))
    assert r.enabled_units_per_system == 57 * 132
    assert r.enabled_area_fraction == pytest.approx(132 * unit / 814)
    assert r.silicon_per_good_system_mm2 == pytest.approx(math.pi * 150**2 / r.good_systems_per_wafer)
    assert r.die_silicon_per_good_system_mm2 == pytest.approx(57 * 814 / r.die_yield)


def test_monte_carlo_gamma_poisson_mixture_within_a_999_interval():
    # More defects than H100's process so the spares matter: ~7 dead SMs per die on average.
    spec = GpuSpec(unit_area_fraction=0.9, shared_area_mm2=20.0)
    d0, alpha, dies = 1.0, 2.0, 100_000
    closed = gpu_comparison(WSE, spec, d0, alpha).die_yield
    rng = np.random.default_rng(20260101)
    g = rng.gamma(alpha, 1 / alpha, size=dies)
    unit_defects = rng.poisson((spec.unit_area_mm2 / 100 * d0 * g)[:, None], size=(dies, spec.units))
    shared_defects = rng.poisson(spec.critical_shared_mm2 / 100 * d0 * g)
    good = ((unit_defects == 0).sum(axis=1) >= spec.needed) & (shared_defects == 0)
    half = 3.2905 * math.sqrt(closed * (1 - closed) / dies)
    assert 0.2 < closed < 0.9  # the tail is exercised
    assert abs(good.mean() - closed) <= half


@settings(max_examples=60)
@given(
    st.integers(1, 144), st.integers(1, 144), st.floats(0.0, 3.0), st.floats(0.5, 50.0),
    st.floats(0.05, 1.0),
)
def test_more_spares_never_yield_less(k1, k2, d0, alpha, fraction):
    lo, hi = sorted((k1, k2))  # lo needed = more spares
    more = gpu_comparison(WSE, GpuSpec(needed=lo, unit_area_fraction=fraction), d0, alpha)
    fewer = gpu_comparison(WSE, GpuSpec(needed=hi, unit_area_fraction=fraction), d0, alpha)
    assert more.die_yield >= fewer.die_yield * (1 - 1e-9)
    assert fewer.die_yield >= fewer.die_yield_no_spares * (1 - 1e-9)
    assert more.good_systems_per_wafer >= fewer.good_systems_per_wafer * (1 - 1e-9)


@pytest.mark.parametrize("d0, alpha", [(0.1, 10.0), (0.5, 2.0), (2.0, 0.7), (0.0, 3.0)])
def test_needed_equal_to_units_is_the_negative_binomial_die_yield(d0, alpha):
    r = gpu_comparison(WSE, GpuSpec(needed=144), d0, alpha)
    nb = float(yieldmodels.negative_binomial_yield(814.0, d0, alpha))
    assert r.die_yield == pytest.approx(nb, rel=1e-12)
    assert r.die_yield_no_spares == pytest.approx(nb, rel=1e-12)
    assert gpu_comparison(WSE, GpuSpec(), d0, alpha).die_yield_no_spares == pytest.approx(nb, rel=1e-12)


def test_a_smaller_critical_uncore_yields_more():
    full = gpu_comparison(WSE, GpuSpec(), 0.1, 10.0)
    part = gpu_comparison(WSE, GpuSpec(shared_area_mm2=100.0), 0.1, 10.0)
    assert part.die_yield > full.die_yield
    assert part.die_yield == pytest.approx(
        clustered_by_quadrature(144, 132, 814 * 0.65 / 144, 100.0, 0.1, 10.0), rel=1e-9)


# --------------------------------------------------------------------------- silicon, reticle, cost, network


@settings(max_examples=200)
@given(st.floats(5.0, 210.0), st.floats(5.0, 210.0), st.floats(50.0, 858.0))
def test_the_system_has_the_wafers_silicon_within_one_die(w, h, area):
    wafer = WaferSpec(die_width_mm=w, die_height_mm=h)
    spec = GpuSpec(die_area_mm2=area)
    gpus = spec.system_gpus(wafer)
    gap = abs(gpus * area - wafer.die_area_mm2)
    assert gap <= area  # within one die
    if wafer.die_area_mm2 >= area / 2:  # not forced up to one GPU: rounded, within half a die
        assert gap <= area / 2 * (1 + 1e-12)
    assert gpus >= 1 and abs(gpus - wafer.die_area_mm2 / area) <= max(0.5, 1 - wafer.die_area_mm2 / area) + 1e-12


def test_wse3_silicon_and_the_gpus_per_system_override():
    r = gpu_comparison(WSE, GpuSpec(), 0.1, 10.0)
    assert abs(r.system_silicon_mm2 - WSE.die_area_mm2) <= 814.0  # 46,398 vs 46,225 mm^2
    assert r.system_silicon_mm2 / WSE.die_area_mm2 == pytest.approx(1.0037, abs=1e-4)
    assert gpu_comparison(WSE, GpuSpec(gpus_per_system=8), 0.1, 10.0).gpus_per_system == 8


def test_the_reticle_limit_refuses_a_larger_die():
    assert GpuSpec(die_area_mm2=858.0).die_area_mm2 == 858.0
    with pytest.raises(ParameterError, match=r"^die_area_mm2 must be at most the monolithic-reticle limit of 858 mm"):
        GpuSpec(die_area_mm2=858.5)
    with pytest.raises(ParameterError, match="26 x 33 mm reticle field"):
        GpuSpec(die_width_mm=28.53, die_height_mm=28.53)  # the square shape cannot be printed
    spec = GpuSpec(die_width_mm=26.0, die_height_mm=814.0 / 26)
    assert gpu_comparison(WSE, spec, 0.1, 10.0).dies_per_wafer == 64


def test_cost_uses_the_k_of_n_yield():
    r = gpu_comparison(WSE, GpuSpec(), 0.1, 10.0)
    ref = yieldmodels.cost.monolithic_cost("chiplet-actuary", "5nm", 814.0, volume=500_000,
                                           packaging="si-interposer", die_yield=r.die_yield)
    assert r.gpu_cost == ref and r.gpu_cost.die_yield == r.die_yield
    assert r.system_total_usd == pytest.approx(57 * ref.total_usd)
    assert r.system_re_usd == pytest.approx(57 * ref.re_usd)
    worse = gpu_comparison(WSE, GpuSpec(needed=144), 0.1, 10.0)
    assert worse.gpu_cost.re_usd > r.gpu_cost.re_usd  # spares make a good GPU cheaper
    dead = gpu_comparison(WSE, GpuSpec(), 1e6, 1000.0)  # no die survives: no price, no system
    assert dead.die_yield < gpu.MIN_COST_YIELD and dead.gpu_cost is None and math.isnan(dead.system_total_usd)
    assert dead.good_systems_per_wafer == 0.0 and dead.silicon_per_good_system_mm2 == math.inf
    assert dead.die_silicon_per_good_system_mm2 == math.inf


def test_network_by_hand():
    n = gpu_comparison(WSE, GpuSpec(), 0.1, 10.0).network
    assert n.gpus == 57 and n.injection_gbytes_per_s == 450.0
    assert n.leaving_fraction == pytest.approx(56 / 57)
    assert n.uniform_gbytes_per_s_per_gpu == pytest.approx(450 * 57 / 56)  # 458.04 GB/s
    assert n.uniform_gbytes_per_s_per_unit == pytest.approx(450 * 57 / 56 / 132)
    assert n.uniform_gbytes_per_s_per_mm2 == pytest.approx(450 * 57 / 56 / 814)  # 0.5627
    assert n.crossing_latency_ns == 140.0 and n.crossing_energy_pj_per_bit == 12.0
    assert n.mean_latency_ns == pytest.approx(140 * 56 / 57)
    assert n.mean_energy_pj_per_bit == pytest.approx(12 * 56 / 57)
    one = gpu_comparison(WSE, GpuSpec(gpus_per_system=1), 0.1, 10.0).network
    assert one.leaving_fraction == 0.0 and one.uniform_gbytes_per_s_per_gpu == math.inf
    assert one.mean_latency_ns == 0.0


def test_mesh_conversion_by_hand():
    # 0.5 flits/node/cycle x 100 nodes x 4 bytes x 1.1 GHz over 46,225 mm^2
    assert mesh_gbytes_per_s_per_mm2(0.5, 100, WSE) == pytest.approx(0.5 * 100 * 4 * 1.1 / 46225)
    assert mesh_gbytes_per_s_per_mm2(0.5, 100, WSE, link_bits=64, clock_ghz=2.0) == pytest.approx(
        0.5 * 100 * 8 * 2.0 / 46225)


def test_doctests_run():
    result = doctest.testmod(gpu, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 8 and result.failed == 0


# --------------------------------------------------------------------------- bad input


def _spec_case(**kinds):
    return Case(GpuSpec, kinds=kinds)


CASES = [
    _spec_case(
        die_area_mm2="positive", units="count", needed="count", unit_area_fraction=[0, 0.0, 1.5, -1.0, "x", None],
        shared_area_mm2=[-1.0, 300.0, math.nan, "x"], node="name", gpus_per_system=[0, -1, 1.5, "3", True],
        package_yield=[0, 0.0, 1.5, math.nan, "x"], nvlink_gbytes_per_s="positive", link_latency_ns="nonnegative",
        switch_latency_ns="nonnegative", link_energy_pj_per_bit="nonnegative",
        switch_energy_pj_per_bit="nonnegative", cost_set="name", packaging="name", volume="count",
        scribe_mm="nonnegative", edge_exclusion_mm="nonnegative",
        die_width_mm=[26.0, 0.0, -1.0, math.nan, "x"], die_height_mm=[30.0, 0.0, math.nan, "x"],
    ),
    Case(GpuSpec, kwargs={"die_width_mm": 26.0, "die_height_mm": 814.0 / 26},
         kinds={"die_width_mm": [0.0, 20.0, 40.0, math.nan, None], "die_height_mm": [10.0, 0.0, None, "x"]}),
    Case(GpuSpec, kwargs={"needed": 10}, kinds={"units": [9, 0]}),
    Case(gpu_comparison, (WSE, GpuSpec(), 0.1, 10.0),
         kinds={0: [None, 3, "x"], 1: [None, 3, WSE], 2: "nonnegative", 3: "positive"}),
    Case(gpu_comparison, (WaferSpec(wafer_diameter_mm=300.0), GpuSpec(edge_exclusion_mm=5.0), 0.1, 10.0),
         kinds={1: [GpuSpec(edge_exclusion_mm=150.0)]}),
    Case(mesh_gbytes_per_s_per_mm2, (0.5, 100, WSE),
         kinds={0: "positive", 1: "count", 2: [None, 3], "link_bits": "count", "clock_ghz": "positive"}),
    Case(load_gpu_system, ("h100-like",), kinds={0: "name"}),
    Case(GpuSpec().system_gpus, (WSE,), kinds={0: [None, 3, "x"]}),
]
EXEMPT = {
    "GpuNetwork": "plain result data built by gpu_comparison",
    "GpuResult": "plain result data built by gpu_comparison",
    "GpuSystem": "plain data built by load_gpu_system (whose input is tested above)",
}

(test_every_public_callable_has_a_case, test_the_valid_call_of_each_case_succeeds,
 test_bad_values_raise_the_project_error, test_every_bad_value_raises_the_project_error) = sweep(gpu, CASES, EXEMPT)


def test_bad_input_names_the_parameter():
    for key, value in [("die_area_mm2", -1.0), ("units", 0), ("needed", 200), ("unit_area_fraction", 0.0),
                       ("shared_area_mm2", 1e4), ("package_yield", 0.0), ("nvlink_gbytes_per_s", 0.0),
                       ("link_latency_ns", -1.0), ("switch_energy_pj_per_bit", -1.0), ("volume", 0),
                       ("scribe_mm", -0.1), ("gpus_per_system", 0)]:
        with pytest.raises(ParameterError, match=rf"^{key} must "):
            GpuSpec(**{key: value})
    with pytest.raises(ParameterError, match=r"^node must be one of"):
        GpuSpec(node="4nm")
    with pytest.raises(ParameterError, match=r"^packaging must be one of"):
        GpuSpec(packaging="cowos")
    with pytest.raises(ParameterError, match=r"^cost_set: "):
        GpuSpec(cost_set="no-such-set")
    for args, name in [((WSE, GpuSpec(), -0.1, 10.0), "d0"), ((WSE, GpuSpec(), 0.1, 0.0), "alpha"),
                       ((None, GpuSpec(), 0.1, 1.0), "wafer"), ((WSE, None, 0.1, 1.0), "spec")]:
        with pytest.raises(ParameterError, match=rf"^{name} must "):
            gpu_comparison(*args)
