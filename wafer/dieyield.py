"""The die-yield calculator behind ``wafer yield``.

For one die it gives every registered yield model's value (with the
parameters each used), dies per wafer both ways (the gross formula and the
exact count of whole dies on the wafer grid), good dies per wafer (exact
count x yield), and, for a die of N units needing K, the K-of-N yield under
Poisson and clustered defects.
"""

from __future__ import annotations

import math

import yieldmodels

from paramcheck import ParameterError, check_int, check_nonnegative, check_positive

__all__ = ["die_yield_report", "format_die_yield"]


def die_yield_report(
    area_mm2: float | None = None,
    *,
    die_width_mm: float | None = None,
    die_height_mm: float | None = None,
    d0: float = 0.1,
    alpha: float = 3.0,
    critical_layers: int = 1,
    critical_area_ratio: float = 1.0,
    wafer_diameter_mm: float = 300.0,
    scribe_mm: float = 0.2,
    edge_exclusion_mm: float = 5.0,
    units: int | None = None,
    needed: int | None = None,
    shared_area_mm2: float = 0.0,
) -> dict:
    """Yield figures of one die, as plain data.

    Parameters
    ----------
    area_mm2 : float, optional
        Die area, mm^2; a square die unless its width and height are given.
    die_width_mm, die_height_mm : float, optional
        Die shape, mm (both, or neither); their product is the area.
    d0 : float
        Defect density, defects per cm^2 (per critical layer for Bose-Einstein).
    alpha : float
        Negative-binomial clustering parameter.
    critical_layers : int
        Critical layers of the Bose-Einstein model.
    critical_area_ratio : float
        Fraction of the die area that is critical, in (0, 1].
    wafer_diameter_mm, scribe_mm, edge_exclusion_mm : float
        Wafer geometry for the die counts (defaults: Chiplet Actuary's).
    units, needed : int, optional
        Units on the die and how many must work (both, or neither).
    shared_area_mm2 : float
        Die area outside the units that must be defect-free, mm^2; the rest
        is split evenly among the units.

    Returns
    -------
    dict
        ``die``, ``models`` (keyed by model name), ``dies_per_wafer``
        (``gross``, None when no whole die fits, and ``exact``, None for a
        die too small for the exact search), ``good_dies_per_wafer`` (by
        model, from the count ``good_dies_from`` names: the exact count, or
        the gross formula where there is none) and, with units,
        ``redundancy``.

    Examples
    --------
    >>> r = die_yield_report(814.0, d0=0.1, alpha=3.0, units=144, needed=132,
    ...                      shared_area_mm2=81.4)
    >>> round(r["models"]["poisson"]["yield"], 4), r["dies_per_wafer"]["exact"]
    (0.4431, 63)
    >>> r["redundancy"]["poisson"] > r["models"]["poisson"]["yield"]
    True
    """
    if (die_width_mm is None) != (die_height_mm is None):
        raise ParameterError("die_width_mm and die_height_mm must be given together, got one of them")
    if die_width_mm is not None:
        w = check_positive("die_width_mm", die_width_mm)
        h = check_positive("die_height_mm", die_height_mm)
        if area_mm2 is not None and not math.isclose(check_positive("area_mm2", area_mm2), w * h):
            raise ParameterError(
                f"area_mm2 must equal die_width_mm x die_height_mm ({w * h:g}), got {area_mm2!r}"
            )
        area = w * h
    elif area_mm2 is None:
        raise ParameterError("area_mm2 must be given (or die_width_mm and die_height_mm), got none")
    else:
        area = check_positive("area_mm2", area_mm2)
        w = h = math.sqrt(area)
    models = yieldmodels.all_yields(
        area, d0, alpha=alpha, critical_layers=critical_layers,
        critical_area_ratio=critical_area_ratio,
    )
    geometry = dict(scribe_mm=scribe_mm, edge_exclusion_mm=edge_exclusion_mm)
    # The exact count's search grows as 1 / die size^3; past its limit (dies
    # below ~0.49 mm on 300 mm) the gross formula, accurate there, stands in.
    exact = (yieldmodels.exact_dies_per_wafer(w, h, wafer_diameter_mm, **geometry)
             if yieldmodels.exact_count_feasible(w, h, wafer_diameter_mm, **geometry) else None)
    # The gross formula means nothing for a die larger than the wafer; the
    # exact count is then simply 0.
    gross = yieldmodels.gross_dies_per_wafer(w, h, wafer_diameter_mm, **geometry) if exact != 0 else None
    per_wafer = exact if exact is not None else gross
    report = {
        "die": {"area_mm2": area, "width_mm": w, "height_mm": h, "d0_per_cm2": d0,
                "critical_area_ratio": critical_area_ratio},
        "wafer": {"diameter_mm": wafer_diameter_mm, **geometry},
        "models": models,
        "dies_per_wafer": {"gross": gross, "exact": exact},
        "good_dies_per_wafer": {name: per_wafer * m["yield"] for name, m in models.items()},
        "good_dies_from": "exact" if exact is not None else "gross",
    }
    shared = check_nonnegative("shared_area_mm2", shared_area_mm2)
    if shared > area:
        raise ParameterError(f"shared_area_mm2 must be <= the die area ({area:g}), got {shared!r}")
    if (units is None) != (needed is None):
        raise ParameterError("units and needed must be given together, got one of them")
    if units is not None:
        n = check_int("units", units)
        k = check_int("needed", needed)
        unit_area = (area - shared) / n * critical_area_ratio
        k_of_n = yieldmodels.k_of_n_yield
        report["redundancy"] = {
            "units": n, "needed": k, "unit_area_mm2": unit_area,
            "shared_area_mm2": shared * critical_area_ratio,
            "poisson": float(k_of_n(n, k, unit_area, d0, shared_area_mm2=shared * critical_area_ratio)),
            "negative-binomial": float(k_of_n(n, k, unit_area, d0, alpha=alpha,
                                              shared_area_mm2=shared * critical_area_ratio)),
            "alpha": alpha,
        }
    return report


def format_die_yield(report: dict) -> str:
    """The report of :func:`die_yield_report` as text.

    Examples
    --------
    >>> print(format_die_yield(die_yield_report(100.0)).splitlines()[0])
    Die of 100 mm^2 (10.00 x 10.00 mm), D0 = 0.1 defects/cm^2: 0.1 expected defects
    """
    die, wafer = report["die"], report["wafer"]
    lines = [
        f"Die of {die['area_mm2']:g} mm^2 ({die['width_mm']:.2f} x {die['height_mm']:.2f} mm), "
        f"D0 = {die['d0_per_cm2']:g} defects/cm^2: "
        f"{die['area_mm2'] * die['critical_area_ratio'] / 100 * die['d0_per_cm2']:.4g} expected defects",
        "",
        f"{'model':<20}{'yield':<10}{'good dies/wafer':<17}{'parameters':<22}formula",
    ]
    for name, m in report["models"].items():
        params = ", ".join(f"{k} = {v:g}" for k, v in m["params"].items()) or "-"
        good = report["good_dies_per_wafer"][name]
        lines.append(f"{name:<20}{m['yield']:<10.4f}{good:<17.1f}{params:<22}{m['formula']}")
    d = report["dies_per_wafer"]
    lines += [
        "",
        f"Dies per {wafer['diameter_mm']:g} mm wafer (scribe {wafer['scribe_mm']:g} mm, "
        f"edge exclusion {wafer['edge_exclusion_mm']:g} mm):",
        "  gross formula  pi (d/2)^2 / S - pi d / sqrt(2 S)   "
        + (f"{d['gross']:.1f}" if d["gross"] is not None else "n/a (no whole die fits)"),
        "  exact count    whole dies on the grid, best offset  "
        + (str(d["exact"]) if d["exact"] is not None else
           "n/a (die too small for the exact search: "
           f"more than {yieldmodels.EXACT_COUNT_MAX_STEPS:,} steps)"),
        "Good dies per wafer use the "
        + ("exact count." if report["good_dies_from"] == "exact" else "gross formula."),
    ]
    if "redundancy" in report:
        r = report["redundancy"]
        clustered = f"clustered, negative binomial (alpha = {r['alpha']:g})"
        lines += [
            "",
            f"Redundancy: {r['needed']} of {r['units']} units needed "
            f"({r['unit_area_mm2']:.4g} mm^2 each, {r['shared_area_mm2']:g} mm^2 shared):",
            f"  {'Poisson defects':<44}{r['poisson']:.4f}",
            f"  {clustered:<44}{r['negative-binomial']:.4f}",
        ]
    return "\n".join(lines)
