"""Presets: wafers and remap schemes that match the systems they name.

Each preset is a TOML file shipped in ``wafer/data/presets`` (a user's own
wafer is a file of the same form, given by path): the physical wafer
(:class:`WaferSpec`), the remap scheme and its parameters, the chiplet split
it is compared with, the defect density of its process, what its maker
publishes (core counts, the logical fabric the SDK exposes), and beside every
figure its source, or, where nothing is published, the estimate and its
reasoning.

A preset is checked against what its maker publishes (:func:`check_preset`):
the published logical fabric must fit the scheme's logical mesh, the core
counts must match, and a Monte Carlo run at the preset's defect density
reports how often repair fails, with its interval.

The file format::

    name = "WSE-3"
    description = "Cerebras WSE-3 (CS-3)"
    d0_per_cm2 = 0.1
    [wafer]        # WaferSpec fields
    core_rows = 763
    [scheme]       # name (default shift-to-spare), then the scheme's parameters
    name = "shift-to-spare"
    spares = 8
    [chiplet]      # ChipletSpec fields (optional)
    [cost]         # CostSpec fields: node, volume, cost_set (optional)
    [published]    # logical_fabric = [rows, cols], physical_cores, enabled_cores, claim
    [sources]      # figure = "where it comes from"
    [assumptions]  # modelling choice = "what and why"

Unknown tables and keys are refused with a suggestion.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path

import numpy as np
import yieldmodels
from paramcheck import ParameterError, check_instance, check_int, check_nonnegative, parse_toml, read_text_file, shown, unknown_name
from paramcheck.names import did_you_mean

from .chiplet import ChipletSpec
from .costing import CostSpec
from .faults import dead_cores
from .geometry import WaferSpec
from .remap import RemapScheme
from .schemes import make_scheme
from .stats import proportion_ci

__all__ = ["PRESETS", "Preset", "check_preset", "get_preset", "load_preset", "preset_names"]

#: Largest preset file read, bytes.
PRESET_FILE_MAX_BYTES = 1 << 20

#: Most wafers :func:`check_preset` samples.
MAX_CHECK_TRIALS = 10_000_000

_TOP = ("name", "description", "d0_per_cm2", "wafer", "scheme", "chiplet", "cost", "published", "sources",
        "assumptions")
_PUBLISHED = ("logical_fabric", "physical_cores", "enabled_cores", "claim")

#: Largest relative gap between a preset's core counts and the published ones.
CORE_COUNT_TOLERANCE = 0.01


@dataclass(frozen=True)
class Preset:
    """A wafer, its remap scheme and chiplet split, with sources (see the module docstring).

    Attributes
    ----------
    name, description : str
    d0 : float
        Defect density of its process, defects per cm^2.
    wafer : WaferSpec
    scheme : RemapScheme
    chiplet : ChipletSpec
    cost : CostSpec
        Process node, volume and cost set the study prices both sides with.
    published : dict
        What the maker publishes: ``logical_fabric`` (rows, cols),
        ``physical_cores``, ``enabled_cores``, ``claim`` (each optional).
    sources : dict of str -> str
        Each figure and where it comes from.
    assumptions : dict of str -> str
        Each modelling choice (what a defect kills, which links exist ...)
        and its reasoning.
    path : str
        The file it was read from.
    """

    name: str
    description: str
    d0: float
    wafer: WaferSpec
    scheme: RemapScheme
    chiplet: ChipletSpec
    cost: CostSpec = field(default_factory=CostSpec)
    published: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    assumptions: dict = field(default_factory=dict)
    path: str = ""

    def to_dict(self) -> dict:
        """The preset as plain data (JSON-ready)."""
        from dataclasses import asdict

        rows, cols = self.scheme.logical_shape(self.wafer)
        return {
            "name": self.name, "description": self.description, "d0_per_cm2": self.d0,
            "wafer": asdict(self.wafer),
            "scheme": {"name": self.scheme.name, **self.scheme.params(), "description": self.scheme.describe()},
            "chiplet": asdict(self.chiplet),
            "cost": asdict(self.cost),
            "derived": {
                "physical_cores": self.wafer.n_cores, "logical_shape": [rows, cols], "logical_cores": rows * cols,
                "spare_fraction": self.scheme.spare_fraction(self.wafer),
                "core_area_mm2": self.wafer.core_area_mm2,
                "mean_defects_per_wafer": float(yieldmodels.expected_defects(self.wafer.die_area_mm2, self.d0)),
            },
            "published": {k: list(v) if isinstance(v, tuple) else v for k, v in self.published.items()},
            "sources": dict(self.sources), "assumptions": dict(self.assumptions), "path": self.path,
        }


def _table(data: dict, key: str, where: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ParameterError(f"{key} must be a table ([{key}]), got {shown(value)} (in {where})")
    return value


def _known_keys(table: dict, allowed, label: str, where: str) -> None:
    allowed = list(allowed)
    for key in table:
        if key not in allowed:
            guesses = did_you_mean(key, allowed)
            hint = f" (did you mean {' or '.join(repr(g) for g in guesses)}?)" if guesses else ""
            raise ParameterError(
                f"{label}{key} is not a known key; allowed{' in [' + label[:-1] + ']' if label else ''}:"
                f" {', '.join(allowed)}{hint} (in {where})"
            )


def _strings(table: dict, label: str, where: str) -> dict:
    for k, v in table.items():
        if not isinstance(v, str):
            raise ParameterError(f"{label}.{k} must be a string, got {shown(v)} (in {where})")
    return dict(table)


def _build(cls, values: dict, label: str, where: str):
    """``cls(**values)`` with unknown keys and bad values reported against the file."""
    _known_keys(values, [f.name for f in fields(cls)], f"{label}.", where)
    try:
        return cls(**values)
    except ParameterError as exc:
        raise ParameterError(f"{label}.{exc} (in {where})") from None
    except TypeError as exc:  # pragma: no cover - every key was checked
        raise ParameterError(f"{label}: {exc} (in {where})") from None


def _preset_from(data: dict, where: str) -> Preset:
    _known_keys(data, _TOP, "", where)
    for key in ("name", "description"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise ParameterError(f"{key} must be a non-empty string, got {shown(data.get(key))} (in {where})")
    d0 = data.get("d0_per_cm2", 0.1)
    try:
        d0 = check_nonnegative("d0_per_cm2", d0, "defects/cm^2")
    except ParameterError as exc:
        raise ParameterError(f"{exc} (in {where})") from None
    wafer = _build(WaferSpec, _table(data, "wafer", where), "wafer", where)
    scheme_table = dict(_table(data, "scheme", where))
    name = scheme_table.pop("name", "shift-to-spare")
    if not isinstance(name, str):
        raise ParameterError(f"scheme.name must name a remap scheme, got {shown(name)} (in {where})")
    try:
        scheme = make_scheme(name, **scheme_table)
        scheme.validate(wafer)
    except ParameterError as exc:
        raise ParameterError(f"scheme.{exc} (in {where})") from None
    chiplet = _build(ChipletSpec, _table(data, "chiplet", where), "chiplet", where)
    try:
        chiplet.die_cores(wafer)
    except ParameterError as exc:
        raise ParameterError(f"chiplet.{exc} (in {where})") from None
    cost = _build(CostSpec, _table(data, "cost", where), "cost", where)
    published = _table(data, "published", where)
    _known_keys(published, _PUBLISHED, "published.", where)
    published = dict(published)
    try:
        if "logical_fabric" in published:
            fabric = published["logical_fabric"]
            if not isinstance(fabric, list) or len(fabric) != 2:
                raise ParameterError(f"logical_fabric must be [rows, cols], got {shown(fabric)}")
            published["logical_fabric"] = (check_int("logical_fabric rows", fabric[0]),
                                           check_int("logical_fabric cols", fabric[1]))
        for key in ("physical_cores", "enabled_cores"):
            if key in published:
                published[key] = check_int(key, published[key])
        if "claim" in published and not isinstance(published["claim"], str):
            raise ParameterError(f"claim must be a string, got {shown(published['claim'])}")
    except ParameterError as exc:
        raise ParameterError(f"published.{exc} (in {where})") from None
    return Preset(
        name=data["name"], description=data["description"], d0=d0, wafer=wafer, scheme=scheme,
        chiplet=chiplet, cost=cost, published=published,
        sources=_strings(_table(data, "sources", where), "sources", where),
        assumptions=_strings(_table(data, "assumptions", where), "assumptions", where),
        path=where.strip("'"),
    )


def load_preset(path: str | os.PathLike[str]) -> Preset:
    """The preset of a TOML file (see the module docstring for its form).

    Raises
    ------
    ParameterError
        On an unreadable or oversized file, invalid TOML, an unknown table or
        key (with a suggestion) or a bad value; messages end with
        ``(in '<file>')``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "mine.toml"
    >>> _ = f.write_text('name = "mine"\\ndescription = "a small wafer"\\n'
    ...                  '[wafer]\\ncore_rows = 14\\ncore_cols = 24\\n'
    ...                  '[scheme]\\nsegment_width = 12\\nspares = 1\\n[chiplet]\\ndies_x = 2\\n')
    >>> p = load_preset(f)
    >>> p.scheme.logical_shape(p.wafer)
    (14, 22)
    >>> _ = f.write_text('name = "mine"\\ndescription = "x"\\n[wafer]\\ncore_row = 14\\n')
    >>> load_preset(f)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: wafer.core_row is not a known key; allowed in [wafer]: ... (did you mean 'core_rows'?) (in '.../mine.toml')
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ParameterError(f"preset must be a preset name or the path of a TOML file, got {shown(path)}")
    where = repr(str(Path(path)))
    text = read_text_file(path, "preset file", PRESET_FILE_MAX_BYTES, "PRESET_FILE_MAX_BYTES")
    return _preset_from(parse_toml(text, "preset file", where), where)


def _shipped() -> dict[str, Path]:
    folder = resources.files(__package__) / "data" / "presets"
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            out[entry.name[: -len(".toml")]] = Path(str(entry))
    return out


#: Shipped presets: name -> file.
PRESETS: dict[str, Path] = _shipped()


def preset_names() -> list[str]:
    """Names of the shipped presets (their files' names, case-insensitive)."""
    return list(PRESETS)


def get_preset(name: str) -> Preset:
    """A shipped preset by name (case-insensitive), or a user's preset by path.

    Examples
    --------
    >>> p = get_preset("wse-3")
    >>> p.name, p.wafer.n_cores, p.scheme.logical_shape(p.wafer)
    ('WSE-3', 970536, (763, 1176))
    >>> get_preset("wse3")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: preset must be one of ..., got 'wse3' (did you mean 'wse-3'?)
    """
    if not isinstance(name, (str, os.PathLike)):
        raise ParameterError(f"preset must be a preset name or the path of a TOML file, got {shown(name)}")
    text = os.fspath(name)
    if text.lower() in PRESETS:
        return load_preset(PRESETS[text.lower()])
    if text.endswith(".toml") or os.sep in text:
        return load_preset(text)
    raise unknown_name("preset", text, PRESETS)


def check_preset(preset: Preset, *, trials: int = 20_000, seed: int = 2026, d0: float | None = None) -> dict:
    """How well a preset matches what its maker publishes.

    - the published logical fabric fits the scheme's logical mesh;
    - the physical and enabled core counts are within
      :data:`CORE_COUNT_TOLERANCE` of the published ones;
    - repair at the preset's defect density (or ``d0``): a Monte Carlo over
      ``trials`` wafers sampled as a study samples them (negative binomial
      per reticle-sized die, alpha 10), with the scheme's rules
      (:meth:`RemapScheme.check`), and its closed form where it has one.
      Shift-to-spare's path rule (routers dying with their cores, dead
      links) is not part of this check.

    Returns
    -------
    dict
        JSON-ready: ``fabric_fits``, ``core_counts``, ``repair`` (failures,
        trials, failure rate with its 95% interval, closed form).

    Notes
    -----
    O(defects) per wafer (about 1 s for 100,000 WSE-3 wafers).
    """
    from .study import StudyConfig

    check_instance("preset", preset, Preset, "a Preset (wafer.get_preset)")
    trials = check_int("trials", trials, maximum=MAX_CHECK_TRIALS)
    cfg = StudyConfig(wafer=preset.wafer, scheme=preset.scheme, chiplet=preset.chiplet,
                      d0=preset.d0 if d0 is None else d0, trials=trials, seed=seed)
    rows, cols = cfg.logical_shape
    out: dict = {"logical_shape": [rows, cols]}
    fabric = preset.published.get("logical_fabric")
    out["fabric_fits"] = None if fabric is None else bool(fabric[0] <= rows and fabric[1] <= cols)
    counts = {}
    for key, have in (("physical_cores", preset.wafer.n_cores), ("enabled_cores", rows * cols)):
        if key in preset.published:
            want = preset.published[key]
            counts[key] = {"preset": have, "published": want, "relative_gap": have / want - 1,
                           "ok": abs(have / want - 1) <= CORE_COUNT_TOLERANCE}
    out["core_counts"] = counts
    spec = preset.wafer
    grid = yieldmodels.DefectGrid.from_die(spec.core_rows, spec.core_cols, spec.die_width_mm, spec.die_height_mm)
    failed = 0
    codes: dict[str, int] = {}
    step = 50_000
    for start in range(0, trials, step):
        size = min(step, trials - start)
        batch = yieldmodels.sample_grid_defects(size, grid, cfg.mean_defects, seed, first_trial=start,
                                                alpha=cfg.cluster_alpha, block=cfg.block)
        status = preset.scheme.check(spec, dead_cores(batch)).status
        failed += int(np.count_nonzero(status))
        for c, k in zip(*np.unique(status[status != 0], return_counts=True)):
            reason = preset.scheme.FAILURES[int(c)]
            codes[reason] = codes.get(reason, 0) + int(k)
    ok_rate, lo, hi = proportion_ci(trials - failed, trials)
    out["repair"] = {
        "d0_per_cm2": cfg.d0, "mean_defects_per_wafer": cfg.mean_defects, "trials": trials, "seed": seed,
        "failures": failed, "by_reason": codes,
        "failure_rate": 1.0 - ok_rate, "failure_rate_ci95": [1.0 - hi, 1.0 - lo],
        "closed_form_repair_rate": cfg.repair_closed_form(),
        "closed_form_leaves_out": list(cfg.repair_closed_form_leaves_out()),
        "claim": preset.published.get("claim"),
    }
    return out
