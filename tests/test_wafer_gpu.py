"""The multi-GPU side of the comparison (wafer.gpu; its TOML through wafer.systems) against hand computations
and Monte Carlo."""

from __future__ import annotations

import datetime
import doctest
import math
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
from bad_input import BAD, Case, sweep
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

import routing
import wafer.gpu as gpu
import yieldmodels
from paramcheck import ParameterError
from wafer.geometry import WaferSpec
from wafer.gpu import GpuSpec, gpu_comparison
from wafer.systems import SystemFile, load_system

WSE = WaferSpec()
WAFER_MM2 = math.pi * 150**2

# The default H100-like die by hand: 814 mm^2, 65% in 144 SMs, 14.7% in 6 HBM sites, the rest critical.
SM_MM2 = 814 * 0.65 / 144  # 3.6743 mm^2
SITE_MM2 = 814 * 0.147 / 6  # 19.943 mm^2
REST_MM2 = 814 * (1 - 0.65 - 0.147)  # 165.242 mm^2
H100_GROUPS = [(144, 132, SM_MM2), (6, 5, SITE_MM2)]

# --------------------------------------------------------------------------- the TOML's figures

#: Every figure of h100-like.toml's [gpu], with the value it must have.
EXPECTED_GPU = {
    "die_area_mm2": 814.0, "units": 144, "needed": 132, "unit_area_fraction": 0.65,
    "memory_sites": 6, "memory_sites_needed": 5, "memory_area_fraction": 0.147, "node": "5nm",
    "package_yield": 1.0, "nvlink_gbytes_per_s": 900.0, "link_latency_ns": 20.0, "switch_latency_ns": 100.0,
    "link_energy_pj_per_bit": 5.5, "switch_energy_pj_per_bit": 1.0, "cost_set": "chiplet-actuary",
    "packaging": "si-interposer", "volume": 500_000, "scribe_mm": 0.2, "edge_exclusion_mm": 5.0,
}
#: Every figure of its [published], as the loader gives it (floats).
EXPECTED_PUBLISHED = {
    "gpcs": 8.0, "tpcs_per_gpc": 9.0, "sms_per_tpc": 2.0, "pcie_sms": 114.0, "transistors": 80e9,
    "nvlink_links": 18.0, "nvlink_link_gbytes_per_s": 50.0, "l2_mb": 60.0, "sxm5_l2_mb": 50.0,
    "memory_controllers": 12.0, "sxm5_memory_controllers": 10.0, "hbm_sites": 6.0, "sxm5_hbm_stacks": 5.0,
    "cerebras_sm_area_mm2": 6.0,
}
#: Figures that are the project's estimates, not published: their assumption must say so.
ESTIMATES = ("die_shape", "unit_area_fraction", "memory_area_fraction", "shared_area_mm2", "link_latency_ns",
             "switch_latency_ns", "link_energy_pj_per_bit", "switch_energy_pj_per_bit", "volume")


@pytest.fixture(scope="module")
def h100():
    return load_system("h100-like", kind="gpu")


@pytest.fixture(scope="module")
def h100_text(h100):
    return Path(h100.path).read_text(encoding="utf-8")


def test_every_figure_of_the_toml_has_its_expected_value(h100):
    with open(h100.path, "rb") as f:
        raw = tomllib.load(f)
    assert raw["gpu"] == EXPECTED_GPU
    assert raw["published"] == EXPECTED_PUBLISHED
    assert isinstance(h100, SystemFile) and h100.kind == "gpu" and h100.name == "H100-like"
    assert "814 mm^2" in h100.description and Path(h100.path).name == "h100-like.toml"
    for key, value in EXPECTED_GPU.items():
        assert getattr(h100.spec, key) == value, key
    assert h100.published == EXPECTED_PUBLISHED
    assert all(type(v) is float for v in h100.published.values())  # integers in the file load as floats
    # the spec the file gives is the default spec: the module and the data agree
    assert h100.spec == GpuSpec()
    assert load_system("H100-LIKE").spec == h100.spec  # names are case-insensitive, kind optional


def test_the_toml_figures_are_consistent(h100):
    p, s = h100.published, h100.spec
    assert p["gpcs"] * p["tpcs_per_gpc"] * p["sms_per_tpc"] == s.units == 144
    assert p["nvlink_links"] * p["nvlink_link_gbytes_per_s"] == s.nvlink_gbytes_per_s == 900.0
    assert s.needed < s.units and p["pcie_sms"] < s.needed
    # a memory site is one HBM3 stack: two 512-bit controllers and a sixth of the L2; SXM5 has 5 of the 6 on
    assert p["memory_controllers"] / 2 == p["hbm_sites"] == s.memory_sites == 6
    assert p["sxm5_memory_controllers"] / 2 == p["sxm5_hbm_stacks"] == s.memory_sites_needed == 5
    assert p["sxm5_l2_mb"] == p["l2_mb"] * 5 / 6
    # the assumption's areas: ~120 mm^2 of sites (20 a site), 165 mm^2 of critical rest
    assert round(814 * 0.147) == 120 and round(SITE_MM2) == 20 and round(REST_MM2) == 165
    assert "120 mm^2" in h100.assumptions["memory_area_fraction"]
    assert "165 mm^2" in h100.assumptions["memory_area_fraction"]
    # Cerebras' "~6 mm^2 per SM" is die area per SM (5.65), not the SM: 144 x 6 > 814
    assert p["cerebras_sm_area_mm2"] * s.units > s.die_area_mm2
    assert round(s.die_area_mm2 / s.units, 2) == 5.65
    assert p["transistors"] / s.die_area_mm2 == pytest.approx(98.3e6, rel=1e-3)  # transistors per mm^2


#: One citation: 'title', publisher, year, URL, then a quote in parentheses or "as for <figure>".
CITATION = re.compile(r"^'(?P<title>.+?)', (?P<publisher>.+), (?P<year>\d{4}|undated), (?P<url>https?://\S+?)"
                      r"(?:, as for (?P<ref>\w+)| \((?P<quote>.+)\))$")


def test_every_figure_has_a_source_or_an_assumption(h100):
    with open(h100.path, "rb") as f:
        raw = tomllib.load(f)
    for key in [*raw["gpu"], *raw["published"]]:
        assert key in raw["sources"] or key in raw["assumptions"], key
    assert h100.sources == raw["sources"] and h100.assumptions == raw["assumptions"]
    first = {}  # URL -> the figure whose entry quotes it (the first in the file)
    for key, text in raw["sources"].items():
        if text.startswith("ESTIMATE"):  # an estimate filed under [sources] too: it must be the assumption
            assert raw["assumptions"][key] == text, key
            continue
        for citation in re.split(r"; (?=')", text):
            m = CITATION.match(citation)
            assert m, f"{key}: {citation[:80]!r}"
            assert m["year"] == "undated" or 2000 <= int(m["year"]) <= datetime.date.today().year, key
            if m["url"] not in first:
                assert m["quote"], f"{key}: the first citation of {m['url']} quotes it"
                first[m["url"]] = key
            else:
                assert m["ref"] == first[m["url"]], f"{key}: {m['url']} is 'as for' the entry that quoted it"
    assert len(first) >= 10
    for key in ESTIMATES:
        assert h100.assumptions[key].startswith("ESTIMATE"), key
    assert "out of scope" in h100.assumptions["hbm"]
    assert "26 x 31.31" in h100.assumptions["die_shape"] and "64 whole dies" in h100.assumptions["die_shape"]


def _variant(tmp_path, text, old, new, name="a.toml"):
    changed = text.replace(old, new, 1)
    assert changed != text, old  # the edit applied
    path = tmp_path / name
    path.write_text(changed, encoding="utf-8")
    return path


def test_the_loader_refuses_unknown_keys(tmp_path, h100_text):
    bad = _variant(tmp_path, h100_text, "\nunits = 144\n", "\nunit = 144\n")
    with pytest.raises(ParameterError,
                       match=r"^gpu\.unit is not a known key; .*did you mean 'units'.*\(in '.*a\.toml'\)$"):
        load_system(bad, kind="gpu")
    bad = _variant(tmp_path, h100_text, "\nmemory_sites = 6\n", "\nmemory_site = 6\n")
    with pytest.raises(ParameterError, match=r"^gpu\.memory_site is not a known key; .*did you mean 'memory_sites'"):
        load_system(bad, kind="gpu")


def test_the_loader_refuses_unsourced_figures(tmp_path, h100_text):
    bad = _variant(tmp_path, h100_text, "\n[published]\n", "\n[published]\nmystery = 1\n")
    with pytest.raises(ParameterError, match=r"^mystery must have an entry in \[sources\] or \[assumptions\]"
                                             r" \(in '.*a\.toml'\)$"):
        load_system(bad, kind="gpu")
    # a [gpu] figure whose source is taken away
    unsourced = re.sub(r'(?m)^die_area_mm2 = ".*"\n', "", h100_text)
    assert unsourced.count("die_area_mm2 = ") == h100_text.count("die_area_mm2 = ") - 1
    bad.write_text(unsourced, encoding="utf-8")
    with pytest.raises(ParameterError, match=r"^die_area_mm2 must have an entry in \[sources\] or \[assumptions\]"):
        load_system(bad, kind="gpu")
    # published sides would need a source (the file leaves them unset under its die_shape assumption)
    bad = _variant(tmp_path, h100_text, "\ndie_area_mm2 = 814.0\n",
                   "\ndie_area_mm2 = 814.0\ndie_width_mm = 26.0\ndie_height_mm = 31.31\n")
    with pytest.raises(ParameterError, match=r"^die_width_mm must have an entry in \[sources\] or \[assumptions\]"):
        load_system(bad, kind="gpu")


def test_the_loader_refuses_a_die_too_large_for_the_reticle(tmp_path, h100_text):
    bad = _variant(tmp_path, h100_text, "die_area_mm2 = 814.0", "die_area_mm2 = 900.0")
    with pytest.raises(ParameterError, match=r"^gpu\.die_area_mm2 must be at most the monolithic-reticle limit"
                                             r" of 858 mm\^2 .*got 900\.0 \(in '.*a\.toml'\)$"):
        load_system(bad, kind="gpu")
    square = "\ndie_area_mm2 = 814.0\ndie_width_mm = 28.53\ndie_height_mm = 28.53\n"  # 814 mm^2, 2.5 mm too wide
    bad = _variant(tmp_path, h100_text, "\ndie_area_mm2 = 814.0\n", square)
    with pytest.raises(ParameterError, match=r"^gpu\.die_width_mm x die_height_mm must fit the 26 x 33 mm reticle"):
        load_system(bad, kind="gpu")


def test_a_users_file_loads_by_path(tmp_path, h100, h100_text):
    mine = tmp_path / "mine.toml"
    mine.write_text(h100_text, encoding="utf-8")
    for arg in (str(mine), mine):
        got = load_system(arg, kind="gpu")
        assert got.spec == h100.spec and got.published == h100.published
        assert got.sources == h100.sources and got.assumptions == h100.assumptions
        assert got.path == str(mine) and got.kind == "gpu" and got.name == h100.name
    assert load_system(str(mine)).spec == h100.spec  # kind=None takes it too
    with pytest.raises(ParameterError, match=r"^tile system must be a file with a \[tile\] table, got one with"
                                             r" \[gpu\]"):
        load_system(mine, kind="tile")
    # its own figures are used, not the defaults
    edited = _variant(tmp_path, h100_text, "\nmemory_sites_needed = 5\n", "\nmemory_sites_needed = 6\n", "b.toml")
    spec = load_system(edited, kind="gpu").spec
    assert spec.memory_sites_needed == 6 and spec == GpuSpec(memory_sites_needed=6)


# --------------------------------------------------------------------------- yield


def _tails(groups, d0, g):
    """prod_j P(Bin(N_j, 1 - exp(-a_j D0 g)) <= N_j - K_j), areas in mm^2, D0 per cm^2."""
    out = 1.0
    for n, k, a in groups:
        out *= stats.binom.cdf(n - k, n, -math.expm1(-a / 100 * d0 * g))
    return out


def clustered_by_quadrature(groups, shared_mm2, d0, alpha):
    """E_G[prod_j P(Bin(N_j, 1 - exp(-a_j D0 G)) <= N_j - K_j) exp(-A_s D0 G)], G ~ Gamma(alpha, 1/alpha).

    Straight scipy.quad over the gamma density, split at the gamma's quartiles.
    """
    ms = shared_mm2 / 100 * d0

    def f(g):
        return _tails(groups, d0, g) * math.exp(-ms * g) * stats.gamma.pdf(g, alpha, scale=1 / alpha)

    cuts = [0.0, *stats.gamma.ppf([0.25, 0.5, 0.75, 0.99], alpha, scale=1 / alpha),
            stats.gamma.ppf(1 - 1e-16, alpha, scale=1 / alpha) * 2]
    return sum(integrate.quad(f, a, b, limit=400, epsabs=1e-15, epsrel=1e-12)[0] for a, b in zip(cuts, cuts[1:]))


def poisson_by_hand(groups, shared_mm2, d0):
    """prod_j P(Bin(N_j, 1 - exp(-a_j D0)) <= N_j - K_j) exp(-A_s D0)."""
    return _tails(groups, d0, 1.0) * math.exp(-shared_mm2 / 100 * d0)


def test_the_h100_die_by_hand():
    s = GpuSpec()
    assert s.unit_area_mm2 == pytest.approx(SM_MM2, rel=1e-14)
    assert s.site_area_mm2 == pytest.approx(SITE_MM2, rel=1e-14)
    assert s.critical_shared_mm2 == pytest.approx(165.242, rel=1e-12)
    assert [g[:2] for g in s.groups] == [(144, 132), (6, 5)]
    assert [g[2] for g in s.groups] == pytest.approx([SM_MM2, SITE_MM2], rel=1e-14)
    assert 144 * s.unit_area_mm2 + 6 * s.site_area_mm2 + s.critical_shared_mm2 == pytest.approx(814.0, rel=1e-14)
    assert GpuSpec(shared_area_mm2=100.0).critical_shared_mm2 == 100.0


def test_h100_yield_and_counts_by_hand():
    r = gpu_comparison(WSE, GpuSpec(), 0.1, 10.0)
    assert r.die_yield == pytest.approx(clustered_by_quadrature(H100_GROUPS, REST_MM2, 0.1, 10.0), rel=1e-8)
    # the critical rest dominates: its negative-binomial yield alone bounds the die's from above, and nearly
    # reaches it (12 spare SMs and one spare site are almost never exhausted at 0.1 / cm^2)
    rest_only = (1 + 1.65242 * 0.1 / 10) ** -10
    assert r.die_yield < rest_only and r.die_yield == pytest.approx(rest_only, rel=1e-2)
    assert r.die_yield_no_spares == pytest.approx((1 + 8.14 * 0.1 / 10) ** -10, rel=1e-10)
    assert r.dies_per_wafer == 64  # 26 x 31.31 mm dies, 0.2 mm scribe, 5 mm edge, 300 mm wafer
    assert r.gpus_per_system == 57  # 46,225 / 814 = 56.79
    assert r.d0 == 0.1 and r.alpha == 10.0 and r.spec == GpuSpec()
    assert r.good_gpus_per_wafer == pytest.approx(64 * r.die_yield)
    assert r.good_systems_per_wafer == pytest.approx(64 * r.die_yield / 57)
    assert r.system_silicon_mm2 == 57 * 814.0
    assert r.usable_area_mm2_per_wafer == pytest.approx(64 * r.die_yield * 814)
    assert r.usable_area_fraction == pytest.approx(64 * r.die_yield * 814 / WAFER_MM2)
    assert r.enabled_units_per_system == 57 * 132
    assert r.enabled_area_fraction == pytest.approx(132 * SM_MM2 / 814)
    assert r.silicon_per_good_system_mm2 == pytest.approx(WAFER_MM2 / r.good_systems_per_wafer)
    assert r.die_silicon_per_good_system_mm2 == pytest.approx(57 * 814 / r.die_yield)
    half = gpu_comparison(WSE, GpuSpec(package_yield=0.5), 0.1, 10.0)  # the package yield scales good GPUs only
    assert half.die_yield == r.die_yield and half.good_gpus_per_wafer == pytest.approx(32 * r.die_yield)
    assert half.die_silicon_per_good_system_mm2 == pytest.approx(57 * 814 / (0.5 * r.die_yield))


#: A die where both groups' spares matter (d0 = 1 / cm^2: ~5.7 defective SMs and ~1.7 defective sites a die).
BUSY = dict(unit_area_fraction=0.7, memory_area_fraction=0.25, shared_area_mm2=10.0)


@pytest.mark.parametrize("spec_kwargs, d0, alpha", [
    ({}, 0.5, 2.0), ({}, 2.0, 0.7), (BUSY, 1.0, 2.0), (BUSY, 0.3, 25.0),
    (dict(memory_sites=12, memory_sites_needed=10, needed=120), 1.5, 4.0),
])
def test_the_two_group_clustered_yield_by_quadrature(spec_kwargs, d0, alpha):
    spec = GpuSpec(**spec_kwargs)
    groups = [(spec.units, spec.needed, 814 * spec.unit_area_fraction / spec.units),
              (spec.memory_sites, spec.memory_sites_needed, 814 * spec.memory_area_fraction / spec.memory_sites)]
    rest = spec_kwargs.get("shared_area_mm2", 814 * (1 - spec.unit_area_fraction - spec.memory_area_fraction))
    r = gpu_comparison(WSE, spec, d0, alpha)
    assert r.die_yield == pytest.approx(clustered_by_quadrature(groups, rest, d0, alpha), rel=1e-8)
    every = [(n, n, a) for n, _, a in groups]
    assert r.die_yield_no_spares == pytest.approx(clustered_by_quadrature(every, rest, d0, alpha), rel=1e-8)


@pytest.mark.parametrize("spec_kwargs, d0", [({}, 0.1), ({}, 1.0), (BUSY, 1.0), (BUSY, 0.0)])
def test_the_poisson_yield_by_hand(spec_kwargs, d0):
    spec = GpuSpec(**spec_kwargs)
    groups = [(spec.units, spec.needed, 814 * spec.unit_area_fraction / spec.units),
              (spec.memory_sites, spec.memory_sites_needed, 814 * spec.memory_area_fraction / spec.memory_sites)]
    rest = spec_kwargs.get("shared_area_mm2", 814 * (1 - spec.unit_area_fraction - spec.memory_area_fraction))
    r = gpu_comparison(WSE, spec, d0, None)
    assert r.alpha is None
    assert r.die_yield == pytest.approx(poisson_by_hand(groups, rest, d0), rel=1e-10)
    critical = sum(n * a for n, _, a in groups) + rest  # without spares every unit and site is critical
    assert r.die_yield_no_spares == pytest.approx(math.exp(-critical / 100 * d0), rel=1e-10)
    if not spec_kwargs:
        assert r.die_yield_no_spares == pytest.approx(math.exp(-0.814 * d0 * 10), rel=1e-12)


def test_monte_carlo_defects_placed_on_the_die_within_a_999_interval():
    # Defects thrown at uniform positions on the die, Poisson(A D0 G) of them, G one gamma draw per die: an SM
    # or site is dead when hit; the critical rest kills the die when hit; the remainder tolerates any defect.
    spec = GpuSpec(**BUSY)
    d0, alpha, dies = 1.0, 2.0, 100_000
    closed = gpu_comparison(WSE, spec, d0, alpha).die_yield
    # both groups matter here: without either's spares the die yields well below
    assert gpu_comparison(WSE, GpuSpec(**BUSY, needed=144), d0, alpha).die_yield < 0.9 * closed
    assert gpu_comparison(WSE, GpuSpec(**BUSY, memory_sites_needed=6), d0, alpha).die_yield < 0.9 * closed
    assert 0.2 < closed < 0.9
    sm_end = 814 * 0.7  # [0, sm_end): 144 SMs; then 6 sites; then 10 mm^2 critical; the rest tolerates
    site_end = sm_end + 814 * 0.25
    rng = np.random.default_rng(20260101)
    g = rng.gamma(alpha, 1 / alpha, size=dies)
    hits = rng.poisson(814 / 100 * d0 * g)
    die = np.repeat(np.arange(dies), hits)
    x = rng.uniform(0.0, 814.0, size=die.size)
    sm, site = x < sm_end, (x >= sm_end) & (x < site_end)
    critical = (x >= site_end) & (x < site_end + 10.0)

    def dead(mask, start, width):  # distinct units hit, per die
        idx = np.floor((x[mask] - start) / width).astype(np.int64)
        pairs = np.unique(die[mask] * 1000 + idx)
        return np.bincount(pairs // 1000, minlength=dies)

    dead_sms, dead_sites = dead(sm, 0.0, sm_end / 144), dead(site, sm_end, 814 * 0.25 / 6)
    killed = np.bincount(die[critical], minlength=dies) > 0
    good = (dead_sms <= 12) & (dead_sites <= 1) & ~killed
    half = 3.2905 * math.sqrt(closed * (1 - closed) / dies)
    assert abs(good.mean() - closed) <= half


ALPHAS = st.one_of(st.none(), st.floats(0.5, 50.0))


@settings(max_examples=30)
@given(st.integers(1, 144), st.integers(1, 144), st.integers(1, 6), st.integers(1, 6), st.floats(0.0, 3.0),
       ALPHAS, st.floats(0.05, 0.8), st.floats(0.0, 1.0))
def test_more_spares_never_yield_less(k1, k2, s1, s2, d0, alpha, fraction, memory_share):
    lo, hi = sorted((k1, k2))  # lo needed = more spare SMs
    slo, shi = sorted((s1, s2))  # slo needed = more spare sites
    base = dict(unit_area_fraction=fraction, memory_area_fraction=memory_share * (1 - fraction))

    def y(needed, sites_needed):
        return gpu_comparison(WSE, GpuSpec(**base, needed=needed, memory_sites_needed=sites_needed), d0, alpha)

    fewer = y(hi, shi)
    for more in (y(lo, shi), y(hi, slo)):
        assert more.die_yield >= fewer.die_yield * (1 - 1e-9)
        assert more.good_systems_per_wafer >= fewer.good_systems_per_wafer * (1 - 1e-9)
        assert more.die_yield_no_spares == pytest.approx(fewer.die_yield_no_spares, rel=1e-12)
    assert fewer.die_yield >= fewer.die_yield_no_spares * (1 - 1e-9)


@settings(max_examples=30)
@given(st.floats(0.0, 165.242), st.floats(0.0, 165.242), st.floats(0.0, 3.0), ALPHAS)
def test_a_smaller_critical_rest_never_yields_less(a1, a2, d0, alpha):
    small, large = sorted((a1, a2))
    ys = [gpu_comparison(WSE, GpuSpec(shared_area_mm2=a), d0, alpha).die_yield for a in (small, large, None)]
    assert ys[0] >= ys[1] * (1 - 1e-9) and ys[1] >= ys[2] * (1 - 1e-9)  # None: all 165.242 mm^2 critical


def test_a_smaller_critical_rest_yields_more():
    full = gpu_comparison(WSE, GpuSpec(), 0.1, 10.0)
    part = gpu_comparison(WSE, GpuSpec(shared_area_mm2=100.0), 0.1, 10.0)
    assert part.die_yield > full.die_yield
    assert part.die_yield == pytest.approx(clustered_by_quadrature(H100_GROUPS, 100.0, 0.1, 10.0), rel=1e-8)
    # the 65.2 mm^2 no longer critical now tolerates defects: fewer die are lost to those dropped without spares
    assert part.die_yield_no_spares == pytest.approx((1 + (8.14 - 0.65242) * 0.1 / 10) ** -10, rel=1e-10)


@pytest.mark.parametrize("d0, alpha", [(0.1, 10.0), (0.5, 2.0), (2.0, 0.7), (1.0, None), (0.0, 3.0)])
def test_without_memory_sites_it_is_the_single_group_yield(d0, alpha):
    spec = GpuSpec(memory_sites=0, memory_sites_needed=0, memory_area_fraction=0.0)
    assert spec.groups == ((144, 132, spec.unit_area_mm2),) and spec.site_area_mm2 == 0.0
    assert spec.critical_shared_mm2 == pytest.approx(814 * 0.35, rel=1e-14)
    r = gpu_comparison(WSE, spec, d0, alpha)
    one = float(yieldmodels.k_of_n_yield(144, 132, SM_MM2, d0, alpha=alpha, shared_area_mm2=814 * 0.35))
    assert r.die_yield == pytest.approx(one, rel=1e-12)
    if alpha is not None and d0 > 0:  # and by hand
        hand = clustered_by_quadrature([(144, 132, SM_MM2)], 814 * 0.35, d0, alpha)
        assert r.die_yield == pytest.approx(hand, rel=1e-8)
    assert r.die_yield_no_spares == pytest.approx(gpu_comparison(WSE, GpuSpec(), d0, alpha).die_yield_no_spares,
                                                  rel=1e-12)


@pytest.mark.parametrize("d0, alpha", [(0.1, 10.0), (0.5, 2.0), (2.0, 0.7), (0.0, 3.0)])
def test_every_unit_and_site_needed_is_the_negative_binomial_die_yield(d0, alpha):
    nb = (1 + 8.14 * d0 / alpha) ** -alpha  # the whole 814 mm^2 must be defect-free
    r = gpu_comparison(WSE, GpuSpec(needed=144, memory_sites_needed=6), d0, alpha)
    assert r.die_yield == pytest.approx(nb, rel=1e-10)
    assert r.die_yield_no_spares == pytest.approx(nb, rel=1e-10)
    assert float(yieldmodels.negative_binomial_yield(814.0, d0, alpha)) == pytest.approx(nb, rel=1e-12)
    # one group without spares is that group's area made critical: the SMs' spares alone remain
    sms_only = gpu_comparison(WSE, GpuSpec(memory_sites_needed=6), d0, alpha).die_yield
    if d0 > 0:
        assert sms_only == pytest.approx(
            clustered_by_quadrature([(144, 132, SM_MM2)], REST_MM2 + 6 * SITE_MM2, d0, alpha), rel=1e-8)


# --------------------------------------------------------------------------- die shape, silicon, reticle


def grid_search_dies(w, h, steps=120):
    """Most whole w x h dies inside the 145 mm usable radius over a steps x steps grid of grid offsets (a lower
    bound on the exact count), 0.2 mm scribe."""
    px, py, radius = w + 0.2, h + 0.2, 145.0
    i = np.arange(-12, 12)[:, None, None, None]
    j = np.arange(-12, 12)[None, :, None, None]
    ox = (np.arange(steps) / steps * px)[None, None, :, None]
    oy = (np.arange(steps) / steps * py)[None, None, None, :]
    x0, y0 = ox + i * px, oy + j * py
    far_x = np.maximum(np.abs(x0), np.abs(x0 + w))
    far_y = np.maximum(np.abs(y0), np.abs(y0 + h))
    return int((far_x**2 + far_y**2 <= radius**2).sum(axis=(0, 1)).max())


def test_dies_per_wafer_of_the_squarest_die():
    assert GpuSpec().die_sides_mm == pytest.approx((26.0, 814 / 26), rel=1e-15)  # 26 x 31.31 mm
    r = gpu_comparison(WSE, GpuSpec(), 0.1, 10.0)
    assert r.dies_per_wafer == 64 == grid_search_dies(26.0, 814 / 26)
    # the square die the old rule took (28.53 mm, wider than the field) would give one fewer
    side = math.sqrt(814)
    assert grid_search_dies(side, side) == 63
    assert yieldmodels.exact_dies_per_wafer(side, side, 300.0, scribe_mm=0.2, edge_exclusion_mm=5.0) == 63
    # published sides of the same shape change nothing
    same = gpu_comparison(WSE, GpuSpec(die_width_mm=26.0, die_height_mm=814.0 / 26), 0.1, 10.0)
    assert same.dies_per_wafer == 64 and same.die_yield == r.die_yield


@settings(max_examples=200)
@given(st.floats(1.0, 858.0))
def test_the_squarest_die_that_fits_the_reticle(area):
    w, h = GpuSpec(die_area_mm2=area).die_sides_mm
    assert w * h == pytest.approx(area, rel=1e-14) and w <= h * (1 + 1e-15)
    if area <= 26.0**2:  # a square fits the 26 mm width
        assert w == pytest.approx(math.sqrt(area), rel=1e-15) and h == pytest.approx(w, rel=1e-14)
    else:  # as wide as the field, taller, and still within its 33 mm
        assert w == 26.0 and h == pytest.approx(area / 26, rel=1e-15) and 26.0 < h <= 33.0


def test_the_squarest_die_at_the_field_corners():
    assert GpuSpec(die_area_mm2=676.0).die_sides_mm == (26.0, 26.0)
    assert GpuSpec(die_area_mm2=858.0).die_sides_mm == pytest.approx((26.0, 33.0), rel=1e-15)
    assert GpuSpec(die_area_mm2=400.0).die_sides_mm == (20.0, 20.0)
    assert GpuSpec(die_area_mm2=600.0, die_width_mm=20.0, die_height_mm=30.0).die_sides_mm == (20.0, 30.0)


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
    eight = gpu_comparison(WSE, GpuSpec(gpus_per_system=8), 0.1, 10.0)
    assert eight.gpus_per_system == 8 and eight.good_systems_per_wafer == pytest.approx(64 * r.die_yield / 8)


def test_the_reticle_limit_refuses_a_larger_die():
    assert GpuSpec(die_area_mm2=858.0).die_area_mm2 == 858.0
    with pytest.raises(ParameterError, match=r"^die_area_mm2 must be at most the monolithic-reticle limit of 858 mm"):
        GpuSpec(die_area_mm2=858.5)
    with pytest.raises(ParameterError, match="26 x 33 mm reticle field"):
        GpuSpec(die_width_mm=28.53, die_height_mm=28.53)  # the square shape cannot be printed
    with pytest.raises(ParameterError, match="26 x 33 mm reticle field"):
        GpuSpec(die_width_mm=814 / 34, die_height_mm=34.0)  # narrow enough but too tall
    assert GpuSpec(die_width_mm=814 / 26, die_height_mm=26.0).die_sides_mm == (814 / 26, 26.0)  # turned is fine


# --------------------------------------------------------------------------- cost, network


def test_cost_uses_the_k_of_n_yield_and_the_dies_width():
    r = gpu_comparison(WSE, GpuSpec(), 0.1, 10.0)
    ref = yieldmodels.cost.monolithic_cost("chiplet-actuary", "5nm", 814.0, volume=500_000,
                                           packaging="si-interposer", die_yield=r.die_yield, die_width_mm=26.0)
    assert r.gpu_cost == ref and r.gpu_cost.die_yield == r.die_yield
    assert r.gpu_cost.die.dies_per_wafer == 64  # counted for the 26 mm wide die, as the die count above
    square = yieldmodels.cost.monolithic_cost("chiplet-actuary", "5nm", 814.0, volume=500_000,
                                              packaging="si-interposer", die_yield=r.die_yield)
    assert square.die.dies_per_wafer == 63  # the cost model's square die: one fewer on the same wafer
    assert r.gpu_cost.die.silicon_usd * 64 == pytest.approx(square.die.silicon_usd * 63, rel=1e-12)
    assert r.system_total_usd == pytest.approx(57 * ref.total_usd)
    assert r.system_re_usd == pytest.approx(57 * ref.re_usd)
    poisson = gpu_comparison(WSE, GpuSpec(), 0.1, None)
    assert poisson.gpu_cost == yieldmodels.cost.monolithic_cost(
        "chiplet-actuary", "5nm", 814.0, volume=500_000, packaging="si-interposer", die_yield=poisson.die_yield,
        die_width_mm=26.0)
    worse = gpu_comparison(WSE, GpuSpec(needed=144, memory_sites_needed=6), 0.1, 10.0)
    assert worse.gpu_cost.re_usd > r.gpu_cost.re_usd  # spares make a good GPU cheaper
    dead = gpu_comparison(WSE, GpuSpec(), 1e6, 1000.0)  # no die survives: no price, no system
    assert dead.die_yield < gpu.MIN_COST_YIELD and dead.gpu_cost is None and math.isnan(dead.system_total_usd)
    assert math.isnan(dead.system_re_usd)
    assert dead.good_systems_per_wafer == 0.0 and dead.silicon_per_good_system_mm2 == math.inf
    assert dead.die_silicon_per_good_system_mm2 == math.inf


def test_network_by_hand():
    n = gpu_comparison(WSE, GpuSpec(), 0.1, 10.0).network
    assert n.gpus == 57 and n.injection_gbytes_per_s == 450.0
    assert n.leaving_fraction == pytest.approx(56 / 57)
    assert n.uniform_gbytes_per_s_per_gpu == pytest.approx(450 * 57 / 56)  # 458.04 GB/s
    assert n.uniform_gbytes_per_s_per_unit == pytest.approx(450 * 57 / 56 / 132)
    assert n.uniform_gbytes_per_s_per_mm2 == pytest.approx(450 * 57 / 56 / 814)  # 0.5627
    assert n.crossing_latency_ns == 140.0 and n.crossing_energy_pj_per_bit == 12.0  # 20 + 100 + 20; 5.5 + 1 + 5.5
    assert n.mean_latency_ns == pytest.approx(140 * 56 / 57)
    assert n.mean_energy_pj_per_bit == pytest.approx(12 * 56 / 57)
    # the network does not depend on the yield model
    assert gpu_comparison(WSE, GpuSpec(), 2.0, None).network == n
    one = gpu_comparison(WSE, GpuSpec(gpus_per_system=1), 0.1, 10.0).network
    assert one.leaving_fraction == 0.0 and one.uniform_gbytes_per_s_per_gpu == math.inf
    assert one.mean_latency_ns == 0.0 and one.mean_energy_pj_per_bit == 0.0
    two = gpu_comparison(WSE, GpuSpec(gpus_per_system=2, nvlink_gbytes_per_s=100.0), 0.1, 10.0).network
    assert two.uniform_gbytes_per_s_per_gpu == 100.0 and two.mean_latency_ns == 70.0  # 50 / (1/2); 140 / 2


def test_doctests_run():
    result = doctest.testmod(gpu, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 8 and result.failed == 0


# --------------------------------------------------------------------------- bad input


NO_SITES = {"memory_sites": 0, "memory_sites_needed": 0, "memory_area_fraction": 0.0}

CASES = [
    Case(GpuSpec, kinds=dict(
        die_area_mm2="positive", units="count", needed="count", unit_area_fraction=[0, 0.0, 1.5, -1.0, "x", None],
        # 4 sites < the 5 needed; 0 sites with 5 needed
        memory_sites=[4, 0, -1, 1.5, 6.0, math.nan, "6", True, None, 2**63],
        memory_sites_needed=[7, 0, -1, 1.5, 5.0, math.nan, "5", True, None],
        # above 1 - 0.65 = 0.35 of the die, with the SMs
        memory_area_fraction=[0.36, 0.5, 1.0, -0.1, math.nan, math.inf, "x", None, True],
        # 166 mm^2 is within the old rest (284.9) but above the new one (165.2)
        shared_area_mm2=[-1.0, 166.0, 300.0, math.nan, "x"], node="name", gpus_per_system=[0, -1, 1.5, "3", True],
        package_yield=[0, 0.0, 1.5, math.nan, "x"], nvlink_gbytes_per_s="positive", link_latency_ns="nonnegative",
        switch_latency_ns="nonnegative", link_energy_pj_per_bit="nonnegative",
        switch_energy_pj_per_bit="nonnegative", cost_set="name", packaging="name", volume="count",
        scribe_mm="nonnegative", edge_exclusion_mm="nonnegative",
        die_width_mm=[26.0, 0.0, -1.0, math.nan, "x"], die_height_mm=[30.0, 0.0, math.nan, "x"],
    )),
    Case(GpuSpec, kwargs={"die_width_mm": 26.0, "die_height_mm": 814.0 / 26},
         kinds={"die_width_mm": [0.0, 20.0, 40.0, math.nan, None], "die_height_mm": [10.0, 0.0, None, "x"]}),
    Case(GpuSpec, kwargs={"needed": 10}, kinds={"units": [9, 0]}),
    # without memory sites nothing may be needed of them nor lie in them; the SMs may then take more of the die
    Case(GpuSpec, kwargs={**NO_SITES, "unit_area_fraction": 0.9},
         kinds={"memory_sites_needed": [1, 5, -1, None, "x"], "memory_area_fraction": [0.05, 0.1, -0.1, math.nan],
                "shared_area_mm2": [81.5, 100.0]}),
    Case(gpu_comparison, (WSE, GpuSpec(), 0.1, 10.0),
         kinds={0: [None, 3, "x"], 1: [None, 3, WSE], 2: "nonnegative", 3: "positive"}),
    Case(gpu_comparison, (WaferSpec(wafer_diameter_mm=300.0), GpuSpec(edge_exclusion_mm=5.0), 0.1, None),
         kinds={1: [GpuSpec(edge_exclusion_mm=150.0)]}),
    Case(load_system, ("h100-like",), {"kind": "gpu"},
         kinds={0: "name", "kind": ["tile", "", "no-such-kind", 3, b"gpu", ["gpu"]]}),
    Case(GpuSpec().system_gpus, (WSE,), kinds={0: [None, 3, "x"]}),
    Case(gpu.gpu_blocks, (4, 6, 4), kinds={0: "count", 1: "count", 2: BAD["count"] + [25]}),
    Case(gpu.gpu_pattern_figures, (routing.make_traffic("neighbor", 4, 6), 4, 6,
                                   gpu_comparison(WSE, GpuSpec(gpus_per_system=4), 0.1, 10.0)),
         kinds={0: [None, "x", routing.make_traffic("neighbor", 4, 5)], 1: BAD["count"] + [5], 2: "count",
                3: [None, "x", gpu_comparison(WSE, GpuSpec(gpus_per_system=25), 0.1, 10.0)]}),
]
EXEMPT = {
    "GpuNetwork": "plain result data built by gpu_comparison",
    "GpuResult": "plain result data built by gpu_comparison",
}

(test_every_public_callable_has_a_case, test_the_valid_call_of_each_case_succeeds,
 test_bad_values_raise_the_project_error, test_every_bad_value_raises_the_project_error) = sweep(gpu, CASES, EXEMPT)


def test_bad_input_names_the_parameter():
    for key, value in [("die_area_mm2", -1.0), ("units", 0), ("needed", 200), ("unit_area_fraction", 0.0),
                       ("memory_sites", -1), ("memory_sites_needed", 7), ("memory_area_fraction", 0.4),
                       ("shared_area_mm2", 166.0), ("package_yield", 0.0), ("nvlink_gbytes_per_s", 0.0),
                       ("link_latency_ns", -1.0), ("switch_energy_pj_per_bit", -1.0), ("volume", 0),
                       ("scribe_mm", -0.1), ("gpus_per_system", 0)]:
        with pytest.raises(ParameterError, match=rf"^(unit_area_fraction \+ )?{key} must "):
            GpuSpec(**{key: value})
    with pytest.raises(ParameterError, match=r"^memory_sites_needed must be an integer in \[0, 0\], got 5"):
        GpuSpec(memory_sites=0)
    with pytest.raises(ParameterError, match=r"^memory_area_fraction must be 0 without memory sites, got 0.147"):
        GpuSpec(memory_sites=0, memory_sites_needed=0)
    with pytest.raises(ParameterError, match=r"^memory_sites_needed must be an integer in \[1, 4\], got 5"):
        GpuSpec(memory_sites=4)  # fewer sites than the 5 needed
    with pytest.raises(ParameterError, match=r"^unit_area_fraction \+ memory_area_fraction must be at most 1, got 0.65 \+ 0.36"):
        GpuSpec(memory_area_fraction=0.36)
    with pytest.raises(ParameterError, match=r"^shared_area_mm2 must be at most .* = 165\.242 mm\^2, got 166\.0"):
        GpuSpec(shared_area_mm2=166.0)
    with pytest.raises(ParameterError, match=r"^kind must be one of 'gpu', 'tile' or None"):
        load_system("h100-like", kind=["gpu"])  # unhashable: still the project's error
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


# --------------------------------------------------------------------------- a known defect (strict: unmark when fixed)


def test_fractions_that_sum_to_one_are_accepted():
    spec = GpuSpec(unit_area_fraction=0.9, memory_area_fraction=0.1)
    assert spec.critical_shared_mm2 == pytest.approx(0.0, abs=1e-9)


# --------------------------------------------------------------------------- traffic patterns on the GPUs


@settings(max_examples=200, deadline=None)
@given(rows=st.integers(1, 30), cols=st.integers(1, 30), data=st.data())
def test_every_gpu_gets_one_rectangle_of_about_its_share(rows, cols, data):
    gpus = data.draw(st.integers(1, min(rows * cols, 60)))
    owner = gpu.gpu_blocks(rows, cols, gpus).reshape(rows, cols)
    assert set(np.unique(owner).tolist()) == set(range(gpus))
    for g in range(gpus):
        r, c = np.nonzero(owner == g)
        box = (r.max() - r.min() + 1) * (c.max() - c.min() + 1)
        assert box == r.size  # a full rectangle
    sizes = np.bincount(owner.ravel())
    # bands of whole rows and columns: a block is at most one row and one column off its share
    share = rows * cols / gpus
    assert sizes.max() <= 2 * share + rows + cols


def _by_hand(flows, owner, gpus):
    """Bytes each GPU sends out and takes in, by one loop over the flows and the node pairs."""
    out, into = np.zeros(gpus), np.zeros(gpus)
    for s, d, w in zip(flows.src.tolist(), flows.dst.tolist(), flows.weight.tolist()):
        if owner[s] != owner[d]:
            out[owner[s]] += w
            into[owner[d]] += w
    n = flows.n_nodes
    for s in range(n):
        for d in range(n):
            if s != d and owner[s] != owner[d] and flows.uniform:
                out[owner[s]] += flows.uniform / (n - 1)
                into[owner[d]] += flows.uniform / (n - 1)
    return out, into


@pytest.mark.parametrize("pattern, rows, cols, gpus", [
    ("neighbor", 4, 6, 4), ("transpose", 8, 8, 3), ("uniform", 5, 7, 6), ("stencil", 9, 10, 5),
    ("hotspot", 6, 6, 4), ("tornado", 5, 8, 7)])
def test_a_patterns_step_on_the_gpus_by_hand(pattern, rows, cols, gpus):
    flows = routing.make_traffic(pattern, rows, cols)
    r = gpu_comparison(WSE, GpuSpec(gpus_per_system=gpus), 0.1, 10.0)
    f = gpu.gpu_pattern_figures(flows, rows, cols, r)
    out, into = _by_hand(flows, gpu.gpu_blocks(rows, cols, gpus), gpus)
    fraction = out.sum() / flows.total
    assert f["crossing_fraction"] == pytest.approx(fraction, rel=1e-12, abs=1e-15)
    assert f["step_ns"] == pytest.approx(max(out.max(), into.max()) / 450.0, rel=1e-12, abs=1e-15)
    assert f["latency_ns"] == pytest.approx(fraction * 140.0, rel=1e-12, abs=1e-15)
    assert f["energy_pj_per_bit"] == pytest.approx(fraction * 12.0, rel=1e-12, abs=1e-15)
    assert f["step_energy_uj"] == pytest.approx(out.sum() * 8 * 12.0 * 1e-6, rel=1e-12, abs=1e-18)
    assert f["workload_step_ns"] == pytest.approx(f["step_ns"] + f["latency_ns"])


def test_uniform_traffic_on_the_gpus_is_the_fabrics_closed_form():
    r = gpu_comparison(WSE, GpuSpec(), 0.1, 10.0)  # 57 GPUs over the WSE-3 logical mesh
    flows = routing.make_traffic("uniform", 763, 1176)
    f = gpu.gpu_pattern_figures(flows, 763, 1176, r)
    n = 763 * 1176
    # the most loaded GPU holds the largest block; its bytes out over 450 GB/s
    big = np.bincount(gpu.gpu_blocks(763, 1176, 57)).max()
    assert f["step_ns"] == pytest.approx(big * (n - big) / (n - 1) / 450.0, rel=1e-12)
    throughput = flows.total / f["step_ns"]  # GB/s: within the blocks' imbalance of G x 450 x G / (G - 1)
    assert throughput == pytest.approx(57 * 450 * 57 / 56, rel=0.02)
    assert f["latency_ns"] == pytest.approx(r.network.mean_latency_ns, rel=1e-3)
    with pytest.raises(ParameterError, match=r"^flows must be on the 4 x 4 mesh \(16 nodes\), got 35 nodes"):
        gpu.gpu_pattern_figures(routing.make_traffic("uniform", 5, 7), 4, 4, r)
    with pytest.raises(ParameterError, match=r"^gpus_per_system must be at most the 35 nodes of the 5 x 7"):
        gpu.gpu_pattern_figures(routing.make_traffic("uniform", 5, 7), 5, 7, r)


def test_a_band_never_holds_more_gpus_than_the_mesh_has_columns():
    """Found by hypothesis: 10 GPUs on 2 x 9 used one band of 10 GPUs over 9 columns, one GPU empty."""
    for rows, cols, gpus in [(2, 9, 10), (1, 5, 5), (3, 4, 12), (2, 30, 60)]:
        sizes = np.bincount(gpu.gpu_blocks(rows, cols, gpus), minlength=gpus)
        assert sizes.min() >= 1 and sizes.sum() == rows * cols
