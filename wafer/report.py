"""Summaries of a study: a JSON-ready dict and the comparison table."""

from __future__ import annotations

import math
from dataclasses import asdict

import numpy as np
from paramcheck import ParameterError, check_instance, shown

from .comparison import system_figures
from .geometry import off_wafer_fraction
from .stats import mean_ci, proportion_ci
from .study import TRIAL_METRICS, StudyResult

__all__ = ["SUMMARY_KEYS", "format_table", "json_ready", "summarize"]

#: The top-level keys of a summary (:func:`summarize`).
SUMMARY_KEYS = ("parameters", "wafer", "traffic", "chiplet", "cost", "systems")


def _est(mean: float, lo: float, hi: float, **extra) -> dict:
    out = {"mean": float(mean), "ci95": [float(lo), float(hi)]}
    out.update(extra)
    return out


def json_ready(data):
    """``data`` with every non-finite float (NaN, inf) replaced by None, for JSON.

    An undefined figure (a mean over no repaired wafer, the silicon per good
    system when no system is good) becomes ``null``, never ``NaN`` or
    ``Infinity``, which strict JSON does not have.

    Examples
    --------
    >>> json_ready({"a": [1.0, float("inf")], "b": float("nan"), "c": "x"})
    {'a': [1.0, None], 'b': None, 'c': 'x'}
    """
    if isinstance(data, dict):
        return {k: json_ready(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [json_ready(v) for v in data]
    if isinstance(data, (float, np.floating)):
        return float(data) if math.isfinite(data) else None
    if isinstance(data, np.integer):
        return int(data)
    return data


def summarize(result: StudyResult) -> dict:
    """Everything a study found, as plain data (JSON-ready: NaN and inf become None).

    Wafer-side figures are Monte Carlo means with 95% confidence intervals
    (Wilson for rates, normal for means; network metrics over the repaired
    wafers); chiplet-side figures are closed forms, but for dies that carry
    the wafer's scheme (``chiplet.repair = "scheme"``): their repair rate is
    measured on the same defects (a 95% interval over the wafers), and the
    system's figures are built from it.
    """
    check_instance("result", result, StudyResult)
    cfg = result.config
    spec = cfg.wafer
    n = result.status.size
    ok = result.repaired
    rate = proportion_ci(int(ok.sum()), n)
    codes, counts = np.unique(result.status[~ok], return_counts=True)
    failures = {cfg.scheme.FAILURES[int(c)]: int(k) for c, k in zip(codes, counts)}
    n_logical = cfg.scheme.n_logical(spec)
    cores = result.logical_cores
    usable = _count_estimate(cores, n_logical)
    network = {name: _est(*mean_ci(result.metrics[name])) for name in TRIAL_METRICS}
    # Per wafer: its saturation times its own logical cores (a degraded wafer's fewer).
    network["aggregate_bandwidth"] = _est(*mean_ci(result.metrics["saturation"] * cores))
    some = cores > 0
    alive = spec.n_cores - result.dead[some]
    needed = None
    if cfg.needed_shape is not None:
        rows, cols = cfg.needed_shape
        holds = (result.logical_rows >= rows) & (result.logical_cols >= cols)
        needed = {"shape": list(cfg.needed_shape), "rate": _est(*proportion_ci(int(holds.sum()), n))}
    chip = result.chiplet
    chip_net = asdict(chip.network)
    chip_net["aggregate_bandwidth"] = chip.network.saturation * chip.cores_per_system
    die_rate = None if result.chiplet_die_rate is None else _est(*result.chiplet_die_rate)
    if die_rate is not None:
        die_rate.update(closed_form=chip.die_repair_closed_form,
                        closed_form_leaves_out=list(chip.die_repair_leaves_out),
                        closed_form_missing=None if chip.die_repair_closed_form is not None
                        else f"{cfg.scheme.name} has none")
    gbps = cfg.chiplet.link_bits / 8 * cfg.chiplet.clock_ghz  # GB/s of one flit per cycle
    costs = result.costs
    cost = {
        **asdict(costs.spec),
        "wafer": _cost(costs.wafer, costs.wafer_total_ci, n_logical, network["aggregate_bandwidth"]["mean"] * gbps),
        "chiplet": _cost(costs.chiplet, costs.chiplet_total_ci, chip.cores_per_system,
                         chip_net["aggregate_bandwidth"] * gbps),
        "missing": {"wafer": costs.wafer_missing, "chiplet": costs.chiplet_missing},
        "estimates": [k for k in ("test", "wafer_scale") if getattr(getattr(costs.spec.costs, k), "estimate", False)],
    }
    return json_ready({
        "parameters": {
            "d0_per_cm2": cfg.d0,
            "alpha": cfg.alpha,
            "clustering": cfg.clustering,
            "cluster_block": list(cfg.block) if cfg.block else None,
            "radial_edge_excess": cfg.radial_edge_excess,
            "radial_power": cfg.radial_power,
            "router_fraction": cfg.router_fraction,
            "link_fraction": cfg.link_fraction,
            "trials": cfg.trials,
            "seed": cfg.seed,
            "preset": cfg.preset,
            "assumptions": dict(cfg.assumptions),
            "scheme": {"name": cfg.scheme.name, **cfg.scheme.params(), "description": cfg.scheme.describe()},
            "routing": cfg.routing,
            "link_classes": {c.name: asdict(c) for c in cfg.link_class_table().classes},
            "wafer": asdict(spec),
            "chiplet": asdict(cfg.chiplet),
            "gpu": cfg.gpu,
            "tile": cfg.tile,
        },
        "wafer": {
            "defects_per_wafer": _est(*mean_ci(result.defects), closed_form=cfg.mean_defects),
            "dead_cores_per_wafer": _est(*mean_ci(result.dead)),
            "repair_rate": _est(*rate, closed_form=result.repair_closed_form,
                                closed_form_missing=cfg.repair_closed_form_missing(),
                                closed_form_leaves_out=list(cfg.repair_closed_form_leaves_out())),
            "failures": failures,
            "logical_shape": list(cfg.logical_shape),
            "logical_cores": n_logical,
            "degrades": bool(np.any((cores > 0) & (cores < n_logical))),
            "needed_shape": needed,
            "usable_cores_per_wafer": _est(*usable),
            "usable_area_mm2_per_wafer": _est(*(v * spec.core_area_mm2 for v in usable)),
            "usable_area_fraction": _est(*(v * spec.core_area_mm2 / spec.wafer_area_mm2 for v in usable)),
            "harvest": _est(*mean_ci(cores[some] / alive if alive.size else np.array([]))),
            "outside_usable_wafer": _outside_usable(spec, cfg.chiplet.edge_exclusion_mm, cfg.logical_shape[1]),
            "network_per_wafer": cfg.network_per_wafer,
            "network": network,
            "fault_free_network": asdict(result.fault_free),
        },
        "traffic": {entry: _traffic(t, ok) for entry, t in result.traffic.items()},
        "chiplet": {
            "dies": [chip.spec.dies_x, chip.spec.dies_y],
            "packaging": chip.spec.packaging,
            "repair": chip.spec.repair,
            "no_repair_reason": chip.no_repair_reason,
            "carrier": None if chip.carrier is None else asdict(chip.carrier),
            "buildable_by": list(chip.buildable),
            "die_repair_rate": die_rate,
            "die_yield_without_repair": chip.die_yield_without_repair,
            "good_systems_per_wafer": _est(chip.system.good_systems_per_wafer, *result.chiplet_systems_ci),
            "system": chip.system.to_dict(),
            "cores_per_system": chip.cores_per_system,
            "usable_area_mm2_per_wafer": chip.usable_area_mm2_per_wafer,
            "usable_area_fraction": chip.usable_area_fraction,
            "degraded_rows": list(chip.degraded_rows),
            "degraded_cores_per_wafer": _est(chip.degraded_cores_per_wafer, *result.chiplet_degraded_ci),
            "lane_repair": _lane_repair(chip.spec, spec),
            "d2d_bandwidth": chip.d2d_bandwidth,
            "d2d_extra_hops": chip.spec.d2d_extra_hops,
            "network": chip_net,
        },
        "cost": cost,
        "systems": {kind: system_figures(o) for kind, o in result.others.items()},
    })


#: The row of the chiplets' cores per wafer with their degraded packages counted.
_DEGRADED_LABEL = "  with degraded packages, by whole die rows"

#: What the degraded chiplet count rests on, printed under both tables.
_DEGRADED_NOTE = ("Degraded chiplet packages: one with failed dies runs its longest run of working die rows"
                  " (yieldmodels.degraded_rows_pmf), a lower bound on what it could run.")

#: The preset assumptions the network figures rest on, printed with the table.
_BANDWIDTH_ASSUMPTIONS = ("kills", "links")


def _outside_usable(spec, edge_exclusion_mm: float, logical_cols: int) -> dict:
    """The wafer-scale die's area (and cores) beyond the usable wafer: the
    chiplets' edge exclusion from the wafer's rim, like for like; and what it
    would take from the rows were those cores absent: the rows that lose
    cores, the most a row loses at one end, and the rows whose live cores
    still hold the logical width."""
    usable = max(0.0, spec.wafer_diameter_mm - 2 * edge_exclusion_mm)
    area = spec.die_area_mm2 * (off_wafer_fraction(spec.die_width_mm, spec.die_height_mm, usable) if usable else 1.0)
    lost = spec.cores_beyond(usable)
    return {"edge_exclusion_mm": edge_exclusion_mm, "area_mm2": area, "cores": area / spec.core_area_mm2,
            "rows_losing_cores": int((lost > 0).sum()), "most_cores_lost_at_a_row_end": int(lost.max()),
            "rows_holding_logical_width": int((spec.core_cols - 2 * lost >= logical_cols).sum()),
            "logical_cols": logical_cols}


def _cost(system, total_ci: tuple, cores: int, bandwidth_gbps: float) -> dict | None:
    """One side's cost per working system (USD), its interval, and per logical core and per GB/s delivered."""
    if system is None:
        return None
    total = system.total_usd
    return {
        "per_system": _est(total, *total_ci), "recurring": system.re_usd, "nre_share": system.nre_usd,
        "per_core": total / cores, "per_gbps_uniform": total / bandwidth_gbps if bandwidth_gbps > 0 else math.inf,
        "breakdown": system.to_dict(),
    }


def _count_estimate(cores: np.ndarray, full: int) -> tuple[float, float, float]:
    """Mean logical cores per wafer with its 95% interval: Wilson's on the
    repair rate when every wafer has all or none (exact for a 0/1 count),
    else the normal interval of the mean."""
    if np.all((cores == 0) | (cores == full)):
        return tuple(full * v for v in proportion_ci(int(np.count_nonzero(cores)), cores.size))
    return mean_ci(cores.astype(np.float64))


def _ratio(a, b) -> np.ndarray:
    """``a / b``, NaN where ``b`` is 0 (a pattern that loads no channel)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.asarray(b) > 0, np.divide(a, b), np.nan)


def _traffic(t, ok: np.ndarray) -> dict:
    """One pattern's figures: wafer-scale per trial (mean, 95% CI) next to the
    fault-free wafer, an ideal mesh and the chiplets."""
    s, ff = t.setup, t.fault_free
    trials = {k: v[ok] for k, v in t.trials.items()}
    wafer = {k: _est(*mean_ci(v)) for k, v in trials.items()}
    wafer["bandwidth_vs_fault_free"] = _est(*mean_ci(_ratio(ff["step_cycles"], trials["step_cycles"])))
    wafer["bandwidth_vs_ideal"] = _est(*mean_ci(_ratio(s.ideal["step_cycles"], trials["step_cycles"])))
    wafer["extra_hops_vs_ideal"] = _est(*mean_ci(trials["mean_hops"] - s.ideal["mean_hops"]))
    wafer["latency_penalty_ns"] = _est(*mean_ci(trials["latency_ns"] - s.ideal["latency_ns"]))
    # The workload view: one step = its bottleneck channel's time plus the mean zero-load latency,
    # against a perfect wafer (an ideal mesh of the same logical shape).
    perfect = s.ideal["step_ns"] + s.ideal["latency_ns"]
    step = trials["step_ns"] + trials["latency_ns"]
    wafer["workload_step_ns"] = _est(*mean_ci(step))
    wafer["slowdown_vs_perfect"] = _est(*mean_ci(step / perfect))
    chiplet = dict(s.chiplet)
    chiplet["workload_step_ns"] = s.chiplet["step_ns"] + s.chiplet["latency_ns"]
    chiplet["slowdown_vs_perfect"] = chiplet["workload_step_ns"] / perfect
    chiplet["bandwidth_vs_ideal"] = float(_ratio(s.chiplet_ideal["step_cycles"], s.chiplet["step_cycles"]))
    chiplet["extra_hops_vs_ideal"] = s.chiplet["mean_hops"] - s.chiplet_ideal["mean_hops"]
    chiplet["latency_penalty_ns"] = s.chiplet["latency_ns"] - s.chiplet_ideal["latency_ns"]
    gpu, tile = ({**f, "slowdown_vs_perfect": f["workload_step_ns"] / perfect} if f is not None else None
                 for f in (s.gpu, s.tile))
    return {"bytes_per_step": s.bytes_per_step, "perfect_wafer_step_ns": perfect, "wafer": wafer, "gpu": gpu,
            "tile": tile,
            "fault_free": ff, "ideal_mesh": s.ideal,
            "chiplet": chiplet, "chiplet_mesh_without_d2d": s.chiplet_ideal, "hops": s.hops,
            "chiplet_bottlenecks": [dict(zip(("x", "y", "port", "link_class", "load"), b)) for b in s.bottlenecks],
            "ideal_mesh_bottlenecks": [dict(zip(("x", "y", "port", "link_class", "load"), b))
                                       for b in s.ideal_bottlenecks]}


def _fmt(x, digits: int = 4) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, (int, np.integer)) or (abs(x) >= 1000):
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def _ci(est: dict, digits: int = 4) -> str:
    lo, hi = est["ci95"]
    if lo is None:
        return _fmt(est["mean"], digits)
    return f"{_fmt(est['mean'], digits)} [{_fmt(lo, digits)}, {_fmt(hi, digits)}]"


def _defect_law(p: dict) -> str:
    """How the study sampled the wafer's defects, in words."""
    law = {
        "none": "Poisson",
        "wafer": f"negative binomial per wafer (alpha = {_fmt(p['alpha'])})",
        "reticle": f"negative binomial per {p['cluster_block'][0] if p['cluster_block'] else ''} x "
        f"{p['cluster_block'][1] if p['cluster_block'] else ''}-core reticle (alpha = {_fmt(p['alpha'])})",
    }[p["clustering"]]
    if p["radial_edge_excess"]:
        where = (f"density 1 + {_fmt(p['radial_edge_excess'])} (r/R)^{_fmt(p['radial_power'])} "
                 "toward the wafer edge")
    else:
        where = "uniform over the cores"
    kills = ""
    if p["router_fraction"] or p["link_fraction"]:
        kills = (f"; {_fmt(p['router_fraction'])} of them kill a router, "
                 f"{_fmt(p['link_fraction'])} a link")
    return f"{law}, {where}{kills}"


def _closed_form_label(rate: dict) -> str:
    """ "closed form" when it is exact for the model, else the bound and what it leaves out."""
    left_out = rate["closed_form_leaves_out"]
    if not left_out or rate["closed_form"] is None:
        return "  closed form"
    return f"  upper bound, closed form without {' and '.join(left_out)}"


def _outside_lines(out: dict) -> list[str]:
    """Said where the wafer-scale die reaches beyond the usable wafer: those cores are counted anyway."""
    if not out["area_mm2"] > 0:
        return []
    return [f"  beyond the usable wafer ({_fmt(out['edge_exclusion_mm'])} mm edge exclusion, as the chiplets'):"
            f" {_fmt(out['area_mm2'])} mm^2 of the die's corners, ~{_fmt(out['cores'])} cores, counted as working"
            f" (optimistic for wafer-scale); absent, they would take up to {out['most_cores_lost_at_a_row_end']}"
            f" cores from each end of {out['rows_losing_cores']} rows, and {out['rows_holding_logical_width']} rows"
            f" would still hold the {out['logical_cols']}-core logical width"]


def _carrier_lines(c: dict) -> list[str]:
    """The chiplet carrier against its technology's limit: flagged where none can be built."""
    carrier = c["carrier"]
    if carrier is None:
        return [f"  chiplet carrier: no size limit known for {c['packaging']}"]
    if carrier["fits"]:
        return []
    others = ", ".join(c["buildable_by"]) or "no technology in production"
    return [f"  NOT BUILDABLE: {carrier['reason']}; {others} can carry {carrier['n_dies']} such dies"
            " (yieldmodels.limits; the chiplet figures assume it anyway)"]


def _lane_repair(chiplet, wafer) -> dict | None:
    """The chiplet dies' lane repair: module, share of bond failures on lanes, modules a die, published bond yield."""
    if chiplet.lane_module is None:
        return None
    return {"module": chiplet.lane_repair, "lane_share": chiplet.lane_share,
            "modules_per_die": chiplet.lane_modules(wafer), "published_bond_yield": chiplet.package.bond_yield}


def _lane_text(c: dict) -> str:
    """The chiplet bond yield per die, with what lane repair made of the published one."""
    lanes, b = c["lane_repair"], _fmt(c["system"]["bond_yield"])
    if lanes is None:
        return f"bond yield {b} per die"
    bound = ("if every bond failure were a lane fault: an upper bound, the share is not published"
             if lanes["lane_share"] == 1.0 else f"{_fmt(lanes['lane_share'])} of bond failures on lanes, assumed")
    return (f"bond yield {b} per die with {lanes['module']} lane repair on {lanes['modules_per_die']} modules a die"
            f" ({_fmt(lanes['published_bond_yield'])} without; {bound})")


def _dies_text(system: dict) -> str:
    """A chiplet system's dies: ``"84"``, or ``"84 + 7 spare"`` with spare die sites."""
    spares = system["spare_dies_per_row"] * system["die_rows"]
    return f"{system['n_dies']}" + (f" + {spares} spare" if spares else "")


def _cost_rows(cost: dict) -> list[tuple]:
    """Each side's cost per working system, per logical core and per GB/s delivered."""
    w, c = cost["wafer"], cost["chiplet"]

    def both(f):
        return tuple(f(side) if side is not None else "n/a" for side in (w, c))

    head = (f"Cost, USD ({cost['cost_set']} model, {cost['node']}, NRE over {cost['volume']:,} systems"
            + (f"; estimates: {', '.join(cost['estimates'])}" if cost["estimates"] else "") + ")")
    return [
        (head, None, None),
        ("per working system", *both(lambda s: _ci_or_value(s["per_system"]))),
        ("  recurring / NRE share", *both(lambda s: f"{_fmt(s['recurring'])} / {_fmt(s['nre_share'])}")),
        ("per logical core", *both(lambda s: _fmt(s["per_core"]))),
        ("per GB/s delivered, uniform traffic", *both(lambda s: _fmt(s["per_gbps_uniform"]))),
    ]


def _ci_or_value(est: dict) -> str:
    """An estimate with its interval, or the value alone where the two ends are it (a closed form)."""
    lo, hi = est["ci95"]
    return _fmt(est["mean"]) if lo == hi == est["mean"] else _ci(est)


def _die_yield_rows(c: dict) -> list[tuple[str, str, str]]:
    """The chiplet die's yield: its repair rate (measured, with the scheme's
    closed form beside it) and its yield without spares; or the latter alone."""
    bare = ("die yield without spares", "", _fmt(c["die_yield_without_repair"]))
    rate = c["die_repair_rate"]
    if rate is None:
        return [bare]
    closed = _fmt(rate["closed_form"]) if rate["closed_form"] is not None else f"n/a ({rate['closed_form_missing']})"
    return [("die yield, repaired in the die", "", _ci(rate, 6)), (_closed_form_label(rate), "", closed), bare]


def _failure_rows(failures: dict, trials: int) -> list[tuple[str, str, str]]:
    """One row per reason a wafer was not fully repaired, with its share of the wafers."""
    ranked = sorted(failures.items(), key=lambda item: -item[1])
    return [(f"  not repaired: {reason}", f"{k / trials:.3g} ({k:,} wafers)", "") for reason, k in ranked]


def format_table(summary: dict) -> str:
    """The wafer-vs-chiplet comparison as a text table.

    Examples
    --------
    >>> from wafer.study import StudyConfig, run_study
    >>> from wafer.geometry import WaferSpec
    >>> from wafer.chiplet import ChipletSpec
    >>> from wafer.shift import ShiftToSpare
    >>> cfg = StudyConfig(wafer=WaferSpec(core_rows=8, core_cols=8, die_width_mm=4.0, die_height_mm=4.0),
    ...                   scheme=ShiftToSpare(segment_width=4, spares=1, max_skew=1),
    ...                   chiplet=ChipletSpec(dies_x=2, dies_y=2), d0=50.0, trials=20, seed=1)
    >>> print(format_table(summarize(run_study(cfg))).splitlines()[0])
    Wafer vs chiplets: d0 = 50 defects/cm^2, 20 trials, seed 1
    """
    if not isinstance(summary, dict) or set(summary) != set(SUMMARY_KEYS):
        raise ParameterError(f"summary must be a dict made by summarize(), got {shown(summary)}")
    p = summary["parameters"]
    w = summary["wafer"]
    c = summary["chiplet"]
    cs = c["system"]
    repair = c["die_repair_rate"] is not None
    wn = w["network"]
    cn = c["network"]
    spec = p["wafer"]
    lines = [
        f"Wafer vs chiplets: d0 = {_fmt(p['d0_per_cm2'])} defects/cm^2, {p['trials']} trials, seed {p['seed']}",
        f"  wafer-scale: {spec['die_width_mm']:g} x {spec['die_height_mm']:g} mm die on a "
        f"{spec['wafer_diameter_mm']:g} mm wafer, {spec['core_rows']} x {spec['core_cols']} cores, "
        f"{p['scheme']['description']}",
        *([f"  preset: {p['preset']}"] if p["preset"] else []),
        *[f"  assumed, {key}: {text}" for key, text in p["assumptions"].items() if key in _BANDWIDTH_ASSUMPTIONS],
        f"  wafer defects: {_defect_law(p)}",
        *_outside_lines(w["outside_usable_wafer"]),
        f"  chiplets: {c['dies'][0]} x {c['dies'][1]} dies of {cs['die_width_mm']:.2f} x "
        f"{cs['die_height_mm']:.2f} mm, "
        + ("each repaired on its own by the wafer's scheme (the same spares and rules), "
           if repair else f"no spares ({c['no_repair_reason']}): die yield negative binomial"
           f" (alpha = {_fmt(p['alpha'])}), ")
        + f"test coverage {cs['test_coverage']:g}, {c['packaging']} ({_lane_text(c)})"
        + (f", {cs['spare_dies_per_row']} spare die site(s) at the end of each row of dies" if cs["spare_dies_per_row"]
           else ""),
        *_carrier_lines(c),
        "  values: wafer = Monte Carlo mean [95% CI], network over the wafers that run a logical mesh; chiplets = "
        + ("closed form on the dies' repair rate, measured on the same defects [95% CI]" if repair else "closed form"),
        "",
    ]
    rows = [
        ("Yield and area", None, None),
        ("working systems per wafer", _ci(w["repair_rate"]), _ci_or_value(c["good_systems_per_wafer"])),
        (_closed_form_label(w["repair_rate"]), _fmt(w["repair_rate"]["closed_form"]) if w["repair_rate"]["closed_form"]
         is not None else f"n/a ({w['repair_rate']['closed_form_missing']})", ""),
        *_failure_rows(w["failures"], p["trials"]),
        *_die_yield_rows(c),
        ("dies per wafer (exact count) / passing test", "1 (wafer-scale)",
         f"{_fmt(cs['dies_per_wafer'])} / {_fmt(cs['dies_passing_test_per_wafer'])}"),
        ("package yield (dies per system)", "", f"{_fmt(cs['package_yield'])} ({_dies_text(cs)})"),
        ("cores per system", _fmt(w["logical_cores"]), _fmt(c["cores_per_system"])),
        *([(f"wafers holding a {w['needed_shape']['shape'][0]} x {w['needed_shape']['shape'][1]} logical mesh",
            _ci(w["needed_shape"]["rate"]), "")] if w["needed_shape"] else []),
        ("usable cores per wafer" + (" (degraded wafers by what they run)" if w["degrades"] else ""),
         _ci(w["usable_cores_per_wafer"]),
         _fmt(cs["good_systems_per_wafer"] * c["cores_per_system"])),
        (_DEGRADED_LABEL, "", _ci_or_value(c["degraded_cores_per_wafer"])),
        ("usable area per wafer (mm^2)", _ci(w["usable_area_mm2_per_wafer"]), _fmt(c["usable_area_mm2_per_wafer"])),
        ("usable area fraction of the wafer", _ci(w["usable_area_fraction"]), _fmt(c["usable_area_fraction"])),
        ("defects per wafer-scale die", _ci(w["defects_per_wafer"]), ""),
        ("  closed form", _fmt(w["defects_per_wafer"]["closed_form"]), ""),
        ("harvest (logical / live cores)", _ci(w["harvest"]), ""),
        *_cost_rows(summary["cost"]),
        ("Network, uniform traffic, XY routing" + {
            "batched": "", "dense": " (each wafer's logical mesh embedded densely)",
            None: f" (per wafer: n/a, {p['scheme']['name']} has no study network model at this size;"
                  " fault-free wafer below)"}[w["network_per_wafer"]], None, None),
        ("saturation (flits/node/cycle)", _ci(wn["saturation"]), _fmt(cn["saturation"])),
        ("aggregate (flits/cycle)", _ci(wn["aggregate_bandwidth"]), _fmt(cn["aggregate_bandwidth"])),
        ("bandwidth vs fault-free mesh", _ci(wn["bandwidth_fraction"]), _fmt(cn["bandwidth_fraction"])),
        ("die-to-die link bandwidth (on-die = 1)", "", _fmt(c["d2d_bandwidth"])),
        ("mean extra hops, neighbour link", _ci(wn["mean_link_extra_hops"]), _fmt(cn["mean_link_extra_hops"])),
        ("worst extra hops, neighbour link", _ci(wn["max_link_extra_hops"]), _fmt(cn["max_link_extra_hops"])),
        ("mean extra hops, uniform route", _ci(wn["mean_route_extra_hops"]), _fmt(cn["mean_route_extra_hops"])),
        ("worst extra hops, uniform route", _ci(wn["max_route_extra_hops"]), _fmt(cn["max_route_extra_hops"])),
        ("  fault-free wafer, mean / worst route",
         f"{_fmt(w['fault_free_network']['mean_route_extra_hops'])} / "
         f"{_fmt(w['fault_free_network']['max_route_extra_hops'])}", ""),
        ("mean route length, fault-free (hops)", _fmt(w["fault_free_network"]["mean_route_hops"]),
         _fmt(cn["mean_route_hops"])),
    ]
    for entry, t in summary["traffic"].items():
        rows += _traffic_rows(entry, t, p["routing"])
    width = max(len(r[0]) for r in rows) + 4
    wcol = max(len(r[1] or "") for r in rows) + 2
    lines.append(f"{'':<{width}}{'wafer-scale':<{wcol}}chiplets")
    for label, a, b in rows:
        if a is None:
            lines.append(label)
        else:
            lines.append(f"  {label:<{width - 2}}{a:<{wcol}}{b}".rstrip())
    lines += [
        "",
        "Extra hops: physical hops beyond the logical XY hop count; a die-to-die crossing counts "
        f"{_fmt(c['d2d_extra_hops'])} hops (latency at the fabric clock). "
        + ("Chiplet dies carry the wafer's spares and remap rules, each die on its own (no path rule"
           " around a die's dead links); their network is the dies' logical meshes, whose links cross the"
           " dies' spare cores where the wafer's do (mean figures; the maxima are the die meshes')."
           if repair else "Chiplet dies have no spares."),
        _DEGRADED_NOTE,
        "Cost: module and chip NRE on one reticle field's design on both sides (yieldmodels.cost).",
        *[f"No {side} price: {text}." for side, text in summary["cost"]["missing"].items() if text],
    ]
    if summary["traffic"]:
        lines += ["", *_workload_view(summary["traffic"])]
        lc = p["link_classes"]
        m, d2d = lc["mesh"], lc[_d2d_name(lc, p)]
        lines.append(
            f"Traffic: one step of each pattern, priced with link classes (routing.LINK_CLASSES): on-die "
            f"{_fmt(m['bandwidth_bits_per_cycle'])} bits/cycle at {_fmt(m['clock_ghz'])} GHz, "
            f"{_fmt(m['energy_pj_per_bit'] + m['router_energy_pj_per_bit'])} pJ/bit a hop (link + router, an "
            f"estimate); die-to-die {_fmt(d2d['bandwidth_bits_per_cycle'])} bits/cycle, "
            f"{_fmt(d2d['energy_pj_per_bit'])} pJ/bit. Bandwidth = time of a step on the most loaded channel, "
            "against the same wafer with no defect (the defects' penalty) and an ideal mesh of the same "
            "logical shape (what spares and defects cost; chiplets: their mesh without die-to-die links)."
        )
    return "\n".join(lines)


def _workload_view(traffic: dict) -> list[str]:
    """One line per pattern: a step's time, its slowdown against a perfect wafer, and its energy, on each side."""
    others = [k for k, head in _OTHER_HEADS.items() if all(t[k] is not None for t in traffic.values())]
    head = ("pattern", "perfect (ns)", "wafer (ns)", "slowdown", "energy (uJ)", "chiplets (ns)", "slowdown",
            "energy (uJ)", *(h for k in others for h in (f"{_OTHER_HEADS[k]} (ns)", "slowdown", "energy (uJ)")))
    rows = [head]
    for entry, t in traffic.items():
        w, c = t["wafer"], t["chiplet"]
        rows.append((entry, _fmt(t["perfect_wafer_step_ns"]), _fmt(w["workload_step_ns"]["mean"]),
                     _fmt(w["slowdown_vs_perfect"]["mean"]), _fmt(w["step_energy_uj"]["mean"]),
                     _fmt(c["workload_step_ns"]), _fmt(c["slowdown_vs_perfect"]), _fmt(c["step_energy_uj"]),
                     *(_fmt(t[k][f]) for k in others for f in ("workload_step_ns", "slowdown_vs_perfect",
                                                              "step_energy_uj"))))
    widths = [max(len(r[i]) for r in rows) + 2 for i in range(len(head))]
    how = {"gpu": "GPUs: the logical mesh cut into one block a GPU, only the bytes that cross GPUs counted,"
                  " through a non-blocking NVSwitch (optimistic for GPUs)",
           "tile": "tiles: the logical mesh spread over the tiles' nodes, routed on their mesh, traffic inside a"
                   " node free (optimistic for tiles)"}
    return ["Workload view: one communication step (bottleneck channel time + mean zero-load latency), its"
            " slowdown against a perfect wafer (an ideal mesh of the same logical shape) and its energy;"
            " wafer-scale: mean over the repaired wafers; chiplets: their dies' meshes with die-to-die"
            " links, crossing the dies' spare cores where the wafer's links do"
            + "".join(f"; {how[k]}" for k in others),
            *("  " + "".join(f"{v:<{w}}" for v, w in zip(r, widths)).rstrip() for r in rows)]


#: The other systems' column heads in the workload view.
_OTHER_HEADS = {"gpu": "GPUs", "tile": "tiles"}


def _d2d_name(classes: dict, p: dict) -> str:
    return "d2d-advanced" if p["chiplet"]["packaging"] == "si-interposer" else "d2d-standard"


def _traffic_rows(entry: str, t: dict, routing_name: str) -> list[tuple]:
    """The table rows of one pattern."""
    w, c, ideal, h = t["wafer"], t["chiplet"], t["ideal_mesh"], t["hops"]
    return [
        (f"Traffic: {entry}, {routing_name.upper()} routing ({_fmt(t['bytes_per_step'])} bytes per step)",
         None, None),
        ("time of one step, bottleneck channel (ns)", _ci(w["step_ns"]), _fmt(c["step_ns"])),
        ("delivered at saturation, all nodes (GB/s)", _ci(w["throughput_gbytes_per_s"]),
         _fmt(c["throughput_gbytes_per_s"])),
        ("bandwidth vs the same wafer with no defect", _ci(w["bandwidth_vs_fault_free"]), ""),
        ("bandwidth vs an ideal mesh of the same shape", _ci(w["bandwidth_vs_ideal"]),
         _fmt(c["bandwidth_vs_ideal"])),
        ("zero-load latency (ns)", _ci(w["latency_ns"]), _fmt(c["latency_ns"])),
        ("  over the ideal mesh (ns)", _ci(w["latency_penalty_ns"]), _fmt(c["latency_penalty_ns"])),
        ("mean hops", _ci(w["mean_hops"]), _fmt(c["mean_hops"])),
        ("  extra over the ideal mesh", _ci(w["extra_hops_vs_ideal"]), _fmt(c["extra_hops_vs_ideal"])),
        ("  p99 / max, fault-free wafer (ideal mesh)",
         f"{_fmt(h['fault_free_p99'])} / {_fmt(h['fault_free_max'])} ({h['ideal_p99']} / {h['ideal_max']})",
         f"{h['chiplet_p99']} / {h['chiplet_max']}"),
        ("energy per bit (pJ)", _ci(w["energy_pj_per_bit"]), _fmt(c["energy_pj_per_bit"])),
        ("  in routers", _ci(w["router_energy_pj_per_bit"]), _fmt(c["router_energy_pj_per_bit"])),
        ("  on bypass / die-to-die links", _ci(w["other_class_energy_pj_per_bit"]),
         _fmt(c["other_class_energy_pj_per_bit"])),
        ("energy per step (uJ)", _ci(w["step_energy_uj"]), _fmt(c["step_energy_uj"])),
        ("  ideal mesh: step (ns) / energy per bit (pJ)",
         f"{_fmt(ideal['step_ns'])} / {_fmt(ideal['energy_pj_per_bit'])}", ""),
        ("bottleneck channel (x, y, port, class), ideal mesh",
         ", ".join(f"({b['x']}, {b['y']}, {b['port']}, {b['link_class']})" for b in t["ideal_mesh_bottlenecks"][:1]),
         ", ".join(f"({b['x']}, {b['y']}, {b['port']}, {b['link_class']})" for b in t["chiplet_bottlenecks"][:1])),
        ("  share of systems whose bottleneck is a bypass / d2d link", _ci(w["bottleneck_other_class"]),
         _fmt(c["bottleneck_other_class"])),
    ]
