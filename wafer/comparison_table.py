"""The side-by-side table of a study: wafer-scale, chiplets, GPUs and tiles on the same silicon.

What ``wafer compare`` prints (and ``wafer study`` after its own table):
one column a system, one row a figure, every figure per wafer of silicon or
per working system, so that the columns compare like for like. Wafer-scale
figures are Monte Carlo means with 95% intervals; the chiplets' are built on
their dies' measured repair rate; GPUs and tiles are closed forms
(:mod:`wafer.comparison`).
"""

from __future__ import annotations

import math

from paramcheck import ParameterError, shown

from .report import _DEGRADED_LABEL, _DEGRADED_NOTE, SUMMARY_KEYS, _ci, _ci_or_value, _dies_text, _fmt, _lane_text

__all__ = ["format_comparison"]

_HEADS = {"gpu": "GPUs", "tile": "tiles"}


def _uniform(summary: dict, side: str) -> dict | None:
    """The wafer's or the chiplets' uniform-traffic figures, or None when the study did not price uniform traffic."""
    t = summary["traffic"].get("uniform")
    return None if t is None else t[side]


def _value(x) -> str:
    return _ci(x) if isinstance(x, dict) else _fmt(x)


def format_comparison(summary: dict) -> str:
    """The four systems of a study side by side, as a text table.

    Parameters
    ----------
    summary : dict
        Made by :func:`wafer.report.summarize`.

    Examples
    --------
    >>> from wafer.study import StudyConfig, run_study
    >>> from wafer.report import summarize
    >>> text = format_comparison(summarize(run_study(StudyConfig(trials=20, seed=1))))
    >>> print(text.splitlines()[0])
    The same silicon four ways: d0 = 0.1 defects/cm^2, negative binomial (alpha = 10) per reticle-sized block
    """
    if not isinstance(summary, dict) or set(summary) != set(SUMMARY_KEYS):
        raise ParameterError(f"summary must be a dict made by summarize(), got {shown(summary)}")
    p, w, c, cost = summary["parameters"], summary["wafer"], summary["chiplet"], summary["cost"]
    cs = c["system"]
    others = summary["systems"]
    spec = p["wafer"]
    law = {"none": "Poisson", "wafer": f"negative binomial (alpha = {_fmt(p['alpha'])}) per wafer",
           "reticle": f"negative binomial (alpha = {_fmt(p['alpha'])}) per reticle-sized block"}[p["clustering"]]
    wafer_cost, chip_cost = cost["wafer"], cost["chiplet"]
    wu, cu = _uniform(summary, "wafer"), _uniform(summary, "chiplet")
    rate = w["repair_rate"]
    columns = ["wafer-scale", "chiplets", *(f"{_HEADS[k]} ({o['name']})" for k, o in others.items())]

    def row(label, wafer, chiplet, pick):
        return (label, [wafer, chiplet, *(pick(o) for o in others.values())])

    def per(o, key):
        return _fmt(o[key])

    def cost_of(o, key):
        return "n/a" if o["cost"] is None else _fmt(o["cost"][key])

    def net(o, key):
        return _fmt(o["uniform"][key])

    wafer_area = math.pi * (spec["wafer_diameter_mm"] / 2) ** 2
    out = w["outside_usable_wafer"]
    # a logical row on one physical row needs a physical row whose cores within the usable wafer hold it
    corner = (min(out["rows_holding_logical_width"], w["logical_shape"][0]) * out["logical_cols"]
              if out["area_mm2"] > 0 else None)
    rows = [
        row("a system", f"1 die, {spec['die_width_mm']:g} x {spec['die_height_mm']:g} mm",
            f"{_dies_text(cs)} dies, {c['packaging']}", lambda o: o["system"]),
        row("die silicon per system (mm^2)", _fmt(spec["die_width_mm"] * spec["die_height_mm"]),
            _fmt((cs["n_dies"] + cs["spare_dies_per_row"] * cs["die_rows"]) * cs["die_area_mm2"]),
            lambda o: per(o, "silicon_mm2")),
        row("die yield, with the system's spares", "", _ci_or_value(c["die_repair_rate"])
            if c["die_repair_rate"] is not None else _fmt(cs["die_yield"]), lambda o: per(o, "die_yield")),
        row("  without spares", "", _fmt(c["die_yield_without_repair"]), lambda o: per(o, "die_yield_without_spares")),
        row("working systems per wafer", _ci(rate), _ci_or_value(c["good_systems_per_wafer"]),
            lambda o: per(o, "good_systems_per_wafer")),
        row("wafer area per working system (mm^2)",
            _fmt(wafer_area / rate["mean"]) if rate["mean"] else "inf",
            _fmt(wafer_area / c["good_systems_per_wafer"]["mean"]) if c["good_systems_per_wafer"]["mean"] else "inf",
            lambda o: per(o, "silicon_per_good_system_mm2")),
        row("usable area fraction of the wafer", _ci(w["usable_area_fraction"]), _fmt(c["usable_area_fraction"]),
            lambda o: per(o, "usable_area_fraction")),
        row("working units per wafer", f"{_value(w['usable_cores_per_wafer'])} cores",
            f"{_fmt(cs['good_systems_per_wafer'] * c['cores_per_system'])} cores",
            lambda o: f"{_fmt(o['working_units_per_wafer'])} {o['units']}"),
        row(_DEGRADED_LABEL, "", f"{_ci_or_value(c['degraded_cores_per_wafer'])} cores", lambda o: ""),
        *([row("  with the die's corners beyond the usable wafer absent", f"at most {_fmt(corner)} cores", "",
               lambda o: "")] if corner is not None else []),
        row(f"cost per working system (USD, {cost['node']}, NRE over {cost['volume']:,} systems)",
            _value(wafer_cost["per_system"]) if wafer_cost else "n/a",
            _value(chip_cost["per_system"]) if chip_cost else "n/a", lambda o: cost_of(o, "per_system")),
        row("  recurring", _fmt(wafer_cost["recurring"]) if wafer_cost else "n/a",
            _fmt(chip_cost["recurring"]) if chip_cost else "n/a", lambda o: cost_of(o, "recurring")),
        row("  per working unit of a system", f"{_fmt(wafer_cost['per_core'])} /core" if wafer_cost else "n/a",
            f"{_fmt(chip_cost['per_core'])} /core" if chip_cost else "n/a",
            lambda o: "n/a" if o["cost"] is None else f"{_fmt(o['cost']['per_unit'])} /{o['units'][:-1]}"),
        row("  per GB/s of uniform traffic delivered", _fmt(wafer_cost["per_gbps_uniform"]) if wafer_cost else "n/a",
            _fmt(chip_cost["per_gbps_uniform"]) if chip_cost else "n/a", lambda o: cost_of(o, "per_gbps_uniform")),
    ]
    if wu is not None:
        rows += [
            ("Uniform traffic over the whole system", None),
            row("  throughput at saturation (GB/s)", _value(wu["throughput_gbytes_per_s"]),
                _fmt(cu["throughput_gbytes_per_s"]), lambda o: net(o, "throughput_gbytes_per_s")),
            row("  zero-load latency, mean (ns)", _value(wu["latency_ns"]), _fmt(cu["latency_ns"]),
                lambda o: net(o, "latency_ns")),
            row("  energy per bit moved (pJ)", _value(wu["energy_pj_per_bit"]), _fmt(cu["energy_pj_per_bit"]),
                lambda o: net(o, "energy_pj_per_bit")),
        ]
    if summary["traffic"]:
        rows.append(("One communication step of each pattern, ns (bottleneck + mean latency; slowdown vs a perfect"
                     " wafer)", None))
    for entry, tr in summary["traffic"].items():
        perfect = tr["perfect_wafer_step_ns"]

        def step(ns):
            return "n/a" if ns is None else f"{_fmt(ns)} ({_fmt(ns / perfect, 3)}x)"

        def other(o, tr=tr):
            return "n/a" if tr[o["kind"]] is None else step(tr[o["kind"]]["workload_step_ns"])

        rows.append(row(f"  {entry}", step(tr["wafer"]["workload_step_ns"]["mean"]),
                        step(tr["chiplet"]["workload_step_ns"]), other))
    width = max(len(r[0]) for r in rows if r[1] is not None) + 2
    cells = [r[1] for r in rows if r[1] is not None]
    widths = [max(len(columns[i]), *(len(v[i]) for v in cells)) + 2 for i in range(len(columns))]
    lines = [
        f"The same silicon four ways: d0 = {_fmt(p['d0_per_cm2'])} defects/cm^2, {law}",
        "  wafer-scale: Monte Carlo [95% CI]" + (f", preset {p['preset']}" if p["preset"] else "")
        + "; chiplets: on their dies' measured repair rate"
        + (f"; {' and '.join(_HEADS[k] for k in others)}: closed forms" if others else ""),
        "",
        " " * width + "".join(f"{h:<{widths[i]}}" for i, h in enumerate(columns)).rstrip(),
    ]
    for label, values in rows:
        if values is None:
            lines.append(label)
        else:
            lines.append((f"{label:<{width}}" + "".join(f"{v:<{widths[i]}}" for i, v in enumerate(values))).rstrip())
    lines.append("")
    if not (c["carrier"] or {}).get("fits", True):
        lines.append(f"chiplets: NOT BUILDABLE on {c['packaging']} ({c['carrier']['reason']})")
    lines.append(_DEGRADED_NOTE)
    if corner is not None:
        lines.append(
            f"wafer-scale: {_fmt(out['area_mm2'])} mm^2 of the die's corners (~{_fmt(out['cores'])} cores) lie beyond"
            f" the usable wafer ({_fmt(out['edge_exclusion_mm'])} mm edge exclusion, as the chiplets') and are counted"
            f" as working (optimistic for wafer-scale); absent, only {out['rows_holding_logical_width']} rows would"
            f" hold the {out['logical_cols']}-core logical width: the bound above, which leaves out the spares the"
            " corners would take (how the fabric is laid out around them is not published)")
    if c["lane_repair"] is not None:
        lines.append(f"chiplets: {_lane_text(c)}")
    for kind, o in others.items():
        lines.append(f"{_HEADS[kind]}: {o['description']}")
        lines += [f"  {note}" for note in o["notes"]]
    if wu is None:
        lines.append("Network rows need uniform traffic among the study's patterns (--traffic uniform,...).")
    how = {"gpu": "on GPUs, the logical mesh cut into one block a GPU, only the bytes that cross GPUs counted"
                  " (wafer.gpu.gpu_pattern_figures)",
           "tile": "on tiles, spread over the tiles' nodes and routed on their mesh (wafer.tile.tile_pattern_figures)"}
    if others:
        lines.append(f"Traffic {'; '.join(how[k] for k in others)}.")
    return "\n".join(lines)
