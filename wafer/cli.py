"""The ``wafer`` command line.

``wafer study`` runs the Monte Carlo wafer-vs-chiplet study and prints its
table (by default on the WSE-3 preset), then the same silicon as GPUs and
known-good-die tiles beside them; ``wafer compare`` prints only that
side-by-side table; ``wafer yield`` is a die-yield
calculator; ``wafer traffic`` lists the traffic patterns and routing
functions a study takes; ``wafer schemes`` the remap schemes and their
options; ``wafer presets`` lists the shipped presets and
``wafer show PRESET`` prints one with its sources and how well it matches
what its maker publishes. All take ``--json``.

Every option is declared once, in :data:`STUDY_OPTIONS` or
:data:`YIELD_OPTIONS`: its flag, the dataclass field (or keyword) it sets, its
type, help and group. The parser, the dataclasses and the error messages are
all built from those tables, so a new option is one line, and an error names
the flag the user typed (``--die-width``), not the field behind it.

Bad input gets one line on stderr and exit status 2; Ctrl-C stops with one
line and exit status 130. The progress bar goes to stderr, only when stderr is
a terminal, and never with ``--json`` or ``--quiet``.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import routing
from paramcheck import ParameterError

from ._exit import EXIT_BAD_INPUT, EXIT_INTERRUPTED, INTERRUPTED
from .chiplet import ChipletSpec
from .comparison_table import format_comparison
from .costing import CostSpec
from .dieyield import die_yield_report, format_die_yield
from .geometry import WaferSpec
from .presets import check_preset, get_preset, preset_names
from .schemes import SCHEMES, get_scheme, make_scheme, scheme_parameters
from .report import format_table, json_ready, summarize
from .study import CLUSTERING, StudyConfig, run_study

__all__ = ["STUDY_OPTIONS", "YIELD_OPTIONS", "Option", "main"]


def _real(text: str) -> float:
    """A finite number (argparse refuses the rest with the flag's name)."""
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}") from None
    if not math.isfinite(x):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return x


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None


def _patterns(text: str) -> tuple[str, ...]:
    """Comma-separated traffic pattern entries (``wafer traffic`` lists them)."""
    entries = tuple(e.strip() for e in text.split(","))
    if not all(entries):
        raise argparse.ArgumentTypeError(f"must be PATTERN[,PATTERN ...] such as uniform,stencil, got {text!r}")
    return entries


def _shape(text: str) -> tuple[int, int]:
    try:
        rows, cols = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be ROWSxCOLS such as 762x1172, got {text!r}") from None
    return rows, cols


def _system(text: str) -> str | None:
    """A system's name or TOML file, or ``none`` (left out)."""
    return None if text.lower() == "none" else text


def _dies(text: str) -> tuple[int, int]:
    try:
        x, y = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be COLSxROWS such as 12x7, got {text!r}") from None
    return x, y


@dataclass(frozen=True)
class Option:
    """One command-line option and the field it sets.

    Parameters
    ----------
    flag : str
        The option as typed, e.g. ``"--die-width"``.
    target : str
        What the value goes into: ``"wafer"`` (:class:`WaferSpec`),
        ``"scheme"`` (the remap scheme's parameters),
        ``"chiplet"`` (:class:`ChipletSpec`), ``"study"``
        (:class:`StudyConfig`), ``"report"`` (a keyword of
        :func:`die_yield_report`) or ``"run"`` (the command itself).
    field : str or tuple of str
        The field (or keyword) it sets; a tuple for an option that sets
        several (``--dies`` sets ``dies_x`` and ``dies_y``).
    help : str
    type : callable, optional
        Parses the text; None for a switch.
    switch : bool or None
        For a switch: the value it sets when given (the field's default is
        the opposite).
    group : str
        Heading in ``--help``.
    aliases : tuple of str
        Other spellings of the flag.
    default : object
        Default where the target has none of its own (``report``, ``run``).
    preset : bool
        Whether the preset (``--preset``) gives the default: so for every
        wafer, scheme and chiplet option, and for ``--d0``.
    """

    flag: str
    target: str
    field: str | tuple[str, ...]
    help: str
    type: Callable[[str], object] | None = None
    switch: bool | None = None
    group: str = "options"
    aliases: tuple[str, ...] = ()
    default: object = None
    preset: bool = False

    @property
    def from_preset(self) -> bool:
        """Whether its default comes from the preset."""
        return self.preset or self.target in ("wafer", "scheme", "chiplet")

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")

    @property
    def fields(self) -> tuple[str, ...]:
        return self.field if isinstance(self.field, tuple) else (self.field,)


_TARGETS = {"wafer": WaferSpec, "chiplet": ChipletSpec, "cost": CostSpec, "study": StudyConfig}

#: The options of ``wafer study``.
STUDY_OPTIONS = (
    Option("--trials", "study", "trials", "wafers to simulate", _int, group="run"),
    Option("--seed", "study", "seed", "root seed (same seed, same numbers)", _int, group="run"),
    Option("--chunk-size", "study", "chunk_size", "wafers sampled per batch (memory only)", _int, group="run"),
    Option("--json", "run", "json", "print the results as JSON", switch=True, group="run", default=False),
    Option("--quiet", "run", "quiet", "no progress bar", switch=True, group="run",
           aliases=("--no-progress", "-q"), default=False),
    Option("--preset", "run", "preset",
           "wafer, remap scheme, chiplet split and d0 of a shipped preset (see `wafer presets`) or a TOML file",
           str, group="wafer", default="wse-3"),
    Option("--d0", "study", "d0", "defect density, defects per cm^2", _real, group="process", preset=True),
    Option("--alpha", "study", "alpha", "negative-binomial clustering of the defects (wafer and chiplet dies)",
           _real, group="process"),
    Option("--clustering", "study", "clustering", f"how wafer defects cluster: {', '.join(CLUSTERING)}",
           str, group="process"),
    Option("--radial-edge-excess", "study", "radial_edge_excess",
           "defect density 1 + E (r/R)^P toward the wafer edge: E (0 = uniform)", _real, group="process"),
    Option("--radial-power", "study", "radial_power", "P of the radial profile", _real, group="process"),
    Option("--router-fraction", "study", "router_fraction",
           "fraction of defects that kill a router (and its core)", _real, group="process"),
    Option("--link-fraction", "study", "link_fraction", "fraction of defects that kill a mesh link",
           _real, group="process"),
    Option("--scheme", "run", "scheme", f"remap scheme: {', '.join(SCHEMES)}", str, group="remap", preset=True),
    Option("--traffic", "study", "traffic",
           "traffic patterns to price on both systems, comma-separated, each NAME[:KEY=VALUE ...]"
           " (see `wafer traffic`)", _patterns, group="network"),
    Option("--routing", "study", "routing", f"routing of the patterns: {', '.join(routing.ROUTINGS)}", str,
           group="network"),
    Option("--link-classes", "study", "link_classes",
           "TOML file of link class figures to override, e.g. [d2d-standard] energy_pj_per_bit = 0.6", str,
           group="network"),
    Option("--wafer-diameter", "wafer", "wafer_diameter_mm", "wafer diameter, mm", _real, group="wafer"),
    Option("--die-width", "wafer", "die_width_mm", "wafer-scale die width, mm", _real, group="wafer"),
    Option("--die-height", "wafer", "die_height_mm", "wafer-scale die height, mm", _real, group="wafer"),
    Option("--core-rows", "wafer", "core_rows", "physical core rows", _int, group="wafer"),
    Option("--core-cols", "wafer", "core_cols", "physical core columns", _int, group="wafer"),
    Option("--segment-width", "scheme", "segment_width",
           "shift-to-spare: physical cores per row segment (divides --core-cols)", _int, group="remap"),
    Option("--spares", "scheme", "spares", "shift-to-spare: spare cores per segment", _int, group="remap"),
    Option("--max-skew", "scheme", "max_skew",
           "shift-to-spare: largest column offset the fabric bridges between vertical neighbours", _int,
           group="remap"),
    Option("--spare-layout", "scheme", "spare_layout",
           "shift-to-spare: spares at the end of each segment or interleaved in it (end, interleaved)", str,
           group="remap"),
    Option("--spare-rows", "scheme", "spare_rows", "spare-lines: spare rows", _int, group="remap"),
    Option("--spare-cols", "scheme", "spare_cols", "spare-lines, column-rerouting: spare columns", _int, group="remap"),
    Option("--target-shape", "scheme", "target_shape",
           "spare-lines: an unrepaired wafer degrades to the largest logical mesh holding ROWSxCOLS", _shape,
           group="remap"),
    Option("--axis", "scheme", "axis",
           "shift-to-spare: cut rows or cols into segments; harvest: harvest rows or cols", str, group="remap"),
    Option("--target-lines", "scheme", "target_lines", "harvest: good lines a chip ships with (else all)", _int,
           group="remap"),
    Option("--distance", "scheme", "distance", "column-rerouting: compensation distance (columns a column may move per row)",
           _int, group="remap"),
    Option("--select-rows", "scheme", "select_rows", "column-rerouting: bypass rows for a larger array (dense, slow)",
           switch=True, group="remap"),
    Option("--needed-shape", "study", "needed_shape",
           "report the share of wafers whose logical mesh holds ROWSxCOLS (e.g. the fabric an SDK exposes)",
           _shape, group="remap", preset=True),
    Option("--no-diagonal-links", "wafer", "diagonal_links",
           "join shifted vertical neighbours over mesh channels, not dedicated links", switch=False,
           group="wafer"),
    Option("--router-dies-with-core", "wafer", "router_dies_with_core",
           "a dead core's router dies too; paths go around it", switch=True, group="wafer"),
    Option("--bridge-margin", "wafer", "bridge_margin",
           "how far a joining path may leave its neighbours' bounding box", _int, group="wafer"),
    Option("--dies", "chiplet", ("dies_x", "dies_y"), "die grid COLSxROWS over the wafer-scale die", _dies,
           group="chiplets"),
    Option("--packaging", "chiplet", "packaging",
           "packaging technology of the parameter set (bond and carrier yield)", str, group="chiplets"),
    Option("--parameter-set", "chiplet", "parameter_set",
           "shipped parameter set or TOML file the packaging comes from", str, group="chiplets"),
    Option("--test-coverage", "chiplet", "test_coverage", "fault coverage of known-good-die test, 0..1",
           _real, group="chiplets"),
    Option("--node", "cost", "node", "process node both sides are priced at (a node of the cost set)", str,
           group="cost", preset=True),
    Option("--volume", "cost", "volume", "systems the design's NRE is spread over", _int, group="cost",
           preset=True),
    Option("--cost-set", "cost", "cost_set", "shipped cost set or TOML file (yieldmodels.cost)", str,
           group="cost", preset=True),
    Option("--gpu", "study", "gpu",
           "GPU system the silicon is also built as: a shipped one (h100-like), a TOML file, or none", _system,
           group="other systems"),
    Option("--tile", "study", "tile",
           "known-good-die tile system the silicon is also built as: a shipped one (dojo-like), a TOML file,"
           " or none", _system, group="other systems"),
    Option("--chiplet-repair", "chiplet", "repair",
           "scheme: each chiplet die carries the wafer's remap scheme on its own cores; none: no spares", str,
           group="chiplets"),
    Option("--spare-dies", "chiplet", "spare_dies_per_row",
           "spare die sites at the end of each row of chiplet dies (package-level shift-to-spare)", _int,
           group="chiplets"),
    Option("--lane-repair", "chiplet", "lane_repair",
           "die-to-die module whose redundant lanes repair lane faults (ucie-advanced-x64 on an advanced"
           " package), or none", str, group="chiplets"),
    Option("--lane-share", "chiplet", "lane_share",
           "share of a die's bond failures on its die-to-die lanes, 0..1 (unpublished; 1 is an upper bound)",
           _real, group="chiplets"),
    Option("--d2d-lane-gtps", "chiplet", "d2d_lane_gtps", "transfer rate of one die-to-die lane, GT/s",
           _real, group="chiplets"),
    Option("--d2d-gbps-per-mm", "chiplet", "d2d_gbps_per_mm",
           "die-to-die shoreline bandwidth, GB/s per mm (both directions)", _real, group="chiplets"),
    Option("--d2d-latency-ns", "chiplet", "d2d_latency_ns", "latency a die-to-die crossing adds, ns",
           _real, group="chiplets"),
    Option("--link-bits", "chiplet", "link_bits", "on-die link width, bits per cycle", _int, group="chiplets"),
    Option("--clock-ghz", "chiplet", "clock_ghz", "fabric clock, GHz", _real, group="chiplets"),
    Option("--scribe", "chiplet", "scribe_mm", "scribe lane between chiplet dies, mm (Chiplet Actuary)",
           _real, group="chiplets"),
    Option("--edge-exclusion", "chiplet", "edge_exclusion_mm",
           "unusable wafer rim for chiplet dies, mm (Chiplet Actuary)", _real, group="chiplets"),
)

#: The options of ``wafer yield`` (keywords of :func:`die_yield_report`).
YIELD_OPTIONS = (
    Option("--area", "report", "area_mm2", "die area, mm^2 (a square die)", _real),
    Option("--die-width", "report", "die_width_mm", "die width, mm (with --die-height)", _real),
    Option("--die-height", "report", "die_height_mm", "die height, mm (with --die-width)", _real),
    Option("--d0", "report", "d0", "defect density, defects per cm^2 (per critical layer for Bose-Einstein)",
           _real, default=0.1),
    Option("--alpha", "report", "alpha", "negative-binomial clustering", _real, default=3.0),
    Option("--critical-layers", "report", "critical_layers", "Bose-Einstein critical layers", _int, default=1),
    Option("--critical-area-ratio", "report", "critical_area_ratio",
           "fraction of the die area that is critical, (0, 1]", _real, default=1.0),
    Option("--wafer-diameter", "report", "wafer_diameter_mm", "mm", _real, default=300.0),
    Option("--scribe", "report", "scribe_mm", "scribe lane, mm (Chiplet Actuary)", _real, default=0.2),
    Option("--edge-exclusion", "report", "edge_exclusion_mm", "unusable wafer rim, mm (Chiplet Actuary)",
           _real, default=5.0),
    Option("--units", "report", "units", "redundant units on the die, e.g. 144 SMs", _int),
    Option("--needed", "report", "needed", "units that must work, e.g. 132", _int),
    Option("--shared-area", "report", "shared_area_mm2",
           "die area outside the units that must be defect-free, mm^2", _real, default=0.0),
    Option("--json", "run", "json", "print the results as JSON", switch=True, default=False),
)

#: Names the library's messages use for what an option sets, besides the
#: fields themselves (arguments of the functions the commands call).
_ALSO = {
    "study": {"dies_x x dies_y": "--dies", "edge_excess": "--radial-edge-excess",
              "power": "--radial-power", "wafer_radius_mm": "--wafer-diameter / 2",
              "mean_defects": "--d0", "mixing": "--alpha",
              "positions": "--radial-edge-excess and --radial-power"},
    "yield": {"die_w_mm": "--die-width", "die_h_mm": "--die-height", "n_units": "--units",
              "k_needed": "--needed"},
}


def _default(option: Option) -> object:
    if option.from_preset:
        return argparse.SUPPRESS  # the preset's (or the chosen scheme's) own
    if option.target not in _TARGETS:
        return option.default
    base = _TARGETS[option.target]()
    values = tuple(getattr(base, f) for f in option.fields)
    return values if len(values) > 1 else values[0]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _add(parser: argparse.ArgumentParser, options: Sequence[Option]) -> None:
    groups: dict[str, argparse._ArgumentGroup] = {}
    for o in options:
        group = groups.setdefault(o.group, parser.add_argument_group(o.group))
        flags = (o.flag, *o.aliases)
        text = f"{o.help} (default: the preset's)" if o.from_preset else o.help
        if o.switch is None:
            metavar = {_dies: "COLSxROWS", _shape: "ROWSxCOLS", _patterns: "PATTERN[,PATTERN...]"}.get(o.type)
            group.add_argument(*flags, dest=o.dest, type=o.type, default=_default(o), help=text, metavar=metavar)
        else:
            default = argparse.SUPPRESS if o.from_preset else not o.switch
            group.add_argument(*flags, dest=o.dest, default=default,
                               action="store_true" if o.switch else "store_false", help=text)


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="wafer", description="Wafer-scale fault tolerance and routing emulator.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    study = sub.add_parser(
        "study",
        help="Monte Carlo study: wafer-scale repair and network vs the same silicon as chiplets",
        description="Monte Carlo study of a wafer-scale die (default: the WSE-3 preset) next to the "
        "same silicon split into chiplets. Prints a table with 95% confidence intervals.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    _add(study, STUDY_OPTIONS)
    compare = sub.add_parser(
        "compare",
        help="the same silicon four ways, side by side: wafer-scale, chiplets, GPUs and known-good-die tiles",
        description="Runs the study (default: the WSE-3 preset) and prints one column a system: yield, usable"
        " area, working units and cost per wafer of silicon, and uniform-traffic throughput, latency and energy"
        " per bit. Takes the options of `wafer study`.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    _add(compare, STUDY_OPTIONS)
    dy = sub.add_parser(
        "yield",
        help="die-yield calculator: every yield model, dies per wafer, good dies, redundancy",
        description="Every die-yield model for one die with the parameters each used, gross and "
        "exact dies per wafer, good dies per wafer (exact count x yield) and K-of-N redundancy.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    _add(dy, YIELD_OPTIONS)
    tr = sub.add_parser(
        "traffic",
        help="list the traffic patterns and routing functions `wafer study --traffic` takes",
        description="The traffic patterns (BookSim's synthetic ones and workloads) with their parameters"
        " and defaults, and the routing functions.",
    )
    tr.add_argument("--json", action="store_true", help="print the list as JSON")
    sc = sub.add_parser("schemes", help="list the remap schemes `wafer study --scheme` takes, with their options",
                        description="The remap schemes, each with its options and their defaults.")
    sc.add_argument("--json", action="store_true", help="print the list as JSON")
    pr = sub.add_parser("presets", help="list the shipped presets (`wafer study --preset NAME`)",
                        description="The shipped presets: wafers, remap schemes and chiplet splits with sources.")
    pr.add_argument("--json", action="store_true", help="print the list as JSON")
    sh = sub.add_parser(
        "show", help="one preset with its sources, and how well it matches what its maker publishes",
        description="A preset's figures, each with its source or its estimate's reasoning, then its check:"
        " the published logical fabric fits, the core counts match, and how often repair fails at its"
        " defect density (Monte Carlo with a 95% interval).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    sh.add_argument("preset", help="a shipped preset's name or a TOML file")
    sh.add_argument("--trials", type=_int, default=20_000, help="wafers of the repair check")
    sh.add_argument("--seed", type=_int, default=2026, help="root seed of the repair check")
    sh.add_argument("--json", action="store_true", help="print the preset and its check as JSON")
    return parser


def _values(args: argparse.Namespace, options: Sequence[Option], target: str) -> dict:
    """The keyword arguments of ``target`` that ``args`` sets."""
    out = {}
    for o in options:
        if o.target != target:
            continue
        if not hasattr(args, o.dest):
            continue  # not given, and its default is the target's own
        value = getattr(args, o.dest)
        out.update(zip(o.fields, value) if len(o.fields) > 1 else [(o.field, value)])
    return out


def _scheme(args: argparse.Namespace, preset):
    """The preset's remap scheme, or ``--scheme``'s, with the parameters the options gave."""
    name = getattr(args, "scheme", preset.scheme.name)
    params = _values(args, STUDY_OPTIONS, "scheme")
    cls = get_scheme(name)
    known = {o.field: o.flag for o in STUDY_OPTIONS if o.target == "scheme"}
    for key in params:
        if key not in cls.__dataclass_fields__:
            allowed = ", ".join(known[f] for f in cls.__dataclass_fields__ if f in known) or "none"
            raise ParameterError(f"{known[key]} does not apply to --scheme {name} (its options: {allowed})")
    if name == preset.scheme.name:
        params = preset.scheme.params() | params
    return make_scheme(name, **params)


def _config(args: argparse.Namespace) -> StudyConfig:
    preset = get_preset(args.preset)
    # Options that change the preset's system (not the process or the question asked).
    changed = ({o.dest for o in STUDY_OPTIONS if o.from_preset and hasattr(args, o.dest)}
               - {"d0", "needed_shape", "volume", "cost_set"})
    return StudyConfig(
        wafer=replace(preset.wafer, **_values(args, STUDY_OPTIONS, "wafer")),
        scheme=_scheme(args, preset),
        chiplet=replace(preset.chiplet, **_values(args, STUDY_OPTIONS, "chiplet")),
        cost=replace(preset.cost, **_values(args, STUDY_OPTIONS, "cost")),
        **({"d0": preset.d0, "needed_shape": preset.published.get("logical_fabric")}
           | _values(args, STUDY_OPTIONS, "study")),
        preset=preset.name if not changed else f"{preset.name}, changed by the options",
        assumptions=tuple(preset.assumptions.items()) if not changed else (),
    )


def _summary(args: argparse.Namespace) -> dict:
    config = _config(args)
    progress = not (args.json or args.quiet) and sys.stderr.isatty()
    return summarize(run_study(config, progress=progress))


def _study(args: argparse.Namespace) -> str:
    summary = _summary(args)
    return _dump(summary) if args.json else f"{format_table(summary)}\n\n{format_comparison(summary)}"


def _compare(args: argparse.Namespace) -> str:
    summary = _summary(args)
    return _dump(summary) if args.json else format_comparison(summary)


def _die_yield(args: argparse.Namespace) -> str:
    report = die_yield_report(**_values(args, YIELD_OPTIONS, "report"))
    return _dump(report) if args.json else format_die_yield(report)


def _traffic(args: argparse.Namespace) -> str:
    patterns = routing.describe_patterns()
    routings = {name: r.description for name, r in routing.ROUTINGS.items()}
    if args.json:
        return _dump({"patterns": patterns, "routings": routings})
    lines = ["Traffic patterns (wafer study --traffic NAME[:KEY=VALUE ...],...):"]
    for kind in ("synthetic", "workload"):
        lines.append(f"  {kind}")
        for p in (p for p in patterns if p["kind"] == kind):
            params = " ".join(f"{k}={'(required)' if k in p['required'] else v}" for k, v in p["params"].items())
            lines.append(f"    {p['name']:<15}{p['description']}")
            if params:
                lines.append(f"    {'':<15}{params}")
    lines.append("Routing functions (wafer study --routing NAME):")
    lines += [f"    {name:<15}{text}" for name, text in routings.items()]
    return "\n".join(lines)


def _schemes(args: argparse.Namespace) -> str:
    flags = {o.field: o.flag for o in STUDY_OPTIONS if o.target == "scheme"}
    listed = {}
    for name, cls in SCHEMES.items():
        doc = (cls.__doc__ or "").strip().split("\n")[0]
        listed[name] = {"description": doc, "parameters": {
            k: {"option": flags.get(k), "default": list(v) if isinstance(v, tuple) else v}
            for k, v in scheme_parameters(name).items()}}
    if args.json:
        return _dump(listed)
    lines = ["Remap schemes (wafer study --scheme NAME):"]
    for name, entry in listed.items():
        lines.append(f"  {name:<18}{entry['description']}")
        params = " ".join(f"{p['option']}={p['default']}" for p in entry["parameters"].values())
        lines.append(f"  {'':<18}{params}")
    lines.append("Defaults are the scheme's own; a preset sets its own (wafer show NAME).")
    return "\n".join(lines)


def _presets(args: argparse.Namespace) -> str:
    presets = [get_preset(name) for name in preset_names()]
    if args.json:
        return _dump({p.name: p.to_dict() for p in presets})
    lines = ["Presets (wafer study --preset NAME, wafer show NAME):"]
    for name, p in zip(preset_names(), presets):
        rows, cols = p.scheme.logical_shape(p.wafer)
        lines.append(f"  {name:<12}{p.description}")
        lines.append(f"  {'':<12}{p.wafer.core_rows} x {p.wafer.core_cols} physical, {rows} x {cols} logical;"
                     f" {p.scheme.describe()}; d0 {p.d0:g}/cm^2")
    return "\n".join(lines)


def _show(args: argparse.Namespace) -> str:
    preset = get_preset(args.preset)
    check = check_preset(preset, trials=args.trials, seed=args.seed)
    data = preset.to_dict() | {"check": check}
    if args.json:
        return _dump(data)
    d = data["derived"]
    lines = [f"{preset.name}: {preset.description}", f"  file: {preset.path}", "Wafer"]
    lines += [f"  {k:<24}{v}" for k, v in data["wafer"].items()]
    lines += ["Remap scheme", f"  {preset.scheme.describe()}"]
    lines += ["Chiplet split", f"  {preset.chiplet.dies_x} x {preset.chiplet.dies_y} dies, {preset.chiplet.packaging}"]
    lines += ["Derived",
              f"  {'physical cores':<24}{d['physical_cores']:,}",
              f"  {'logical mesh':<24}{d['logical_shape'][0]} x {d['logical_shape'][1]} = {d['logical_cores']:,} cores",
              f"  {'spare fraction':<24}{d['spare_fraction']:.2%}",
              f"  {'core area':<24}{d['core_area_mm2']:.4f} mm^2",
              f"  {'defects per wafer':<24}{d['mean_defects_per_wafer']:.4g} at d0 {preset.d0:g}/cm^2"]
    lines.append("Published")
    lines += [f"  {k:<24}{' x '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in data["published"].items()]
    lines.append("Sources")
    lines += [f"  {k:<24}{v}" for k, v in preset.sources.items()]
    lines.append("Assumptions and estimates")
    lines += [f"  {k:<24}{v}" for k, v in preset.assumptions.items()]
    r = check["repair"]
    fits = {None: "no published fabric", True: "yes", False: "NO"}[check["fabric_fits"]]
    lines += ["Check against what the maker publishes",
              f"  {'published fabric fits':<24}{fits}"]
    for key, c in check["core_counts"].items():
        lines.append(f"  {key.replace('_', ' '):<24}{c['preset']:,} vs {c['published']:,} published"
                     f" ({c['relative_gap']:+.2%}{'' if c['ok'] else ', outside the tolerance'})")
    lo, hi = r["failure_rate_ci95"]
    lines.append(f"  {'repair fails':<24}{r['failures']:,} of {r['trials']:,} wafers: {r['failure_rate']:.3%}"
                 f" [95% CI {lo:.3%}, {hi:.3%}] at d0 {r['d0_per_cm2']:g}/cm^2"
                 " (the scheme's rules; reticle-clustered defects, alpha 10)")
    for reason, k in r["by_reason"].items():
        lines.append(f"  {'':<24}{k:,}: {reason}")
    if r["closed_form_repair_rate"] is not None:
        label = "closed form" if not r["closed_form_leaves_out"] else (
            "upper bound, closed form without " + " and ".join(r["closed_form_leaves_out"]))
        lines.append(f"  {'repair rate, ' + label}: {r['closed_form_repair_rate']:.6f}")
    if r["claim"]:
        lines.append(f"  {'maker claims':<24}{r['claim']}")
    return "\n".join(lines)


def _dump(data: dict) -> str:
    return json.dumps(json_ready(data), indent=2, allow_nan=False)


def flag_names(message: str, command: str) -> str:
    """``message`` with each field name replaced by the flag that sets it.

    Examples
    --------
    >>> flag_names("die_width_mm must be a finite number > 0 (mm), got 0.0", "study")
    '--die-width must be a finite number > 0 (mm), got 0.0'
    >>> flag_names("dies_x x dies_y must divide the core grid for reticle clustering", "study")
    '--dies must divide the core grid for reticle clustering'
    >>> flag_names("packagings.x.bond_yield must be ... (in /tmp/d0/set.toml)", "study")
    'packagings.x.bond_yield must be ... (in /tmp/d0/set.toml)'
    >>> flag_names("link_classes: mesh.clock_gz is not a known key; allowed: clock_ghz (in 'a.toml')", "study")
    "--link-classes: mesh.clock_gz is not a known key; allowed: clock_ghz (in 'a.toml')"
    """
    if command == "compare":  # the study's options
        command = "study"
    options = STUDY_OPTIONS if command == "study" else YIELD_OPTIONS
    names = {f: o.flag for o in options for f in o.fields} | _ALSO.get(command, {})

    def pattern(keys) -> str:
        return "|".join(re.escape(n) for n in sorted(keys, key=len, reverse=True))

    # A name that is a plain word ("trials", "clustering") is renamed only in
    # the message's subject ("units and needed must ..."); elsewhere it may be prose.
    subject = re.match(rf"^(?:(?:{pattern(names)})(?: and | x | or |, |: |$| ))+", message)
    if subject:
        head = re.sub(rf"\b({pattern(names)})\b", lambda m: names[m.group(1)], subject.group(0))
        message = head + message[subject.end():]
    if re.search(r"\(in '[^']*'\)$", message):
        return message  # the rest is about a file's keys, which are not options
    fieldlike = [n for n in names if re.search(r"[_\d]", n)]
    return re.sub(rf"(?<![\w./-])({pattern(fieldlike)})(?![\w/-])", lambda m: names[m.group(1)], message)


def _caused_by_interrupt(exc: BaseException) -> bool:
    """Whether a KeyboardInterrupt is among the causes of ``exc``."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``wafer`` command; returns the exit status.

    Examples
    --------
    >>> main(["study", "--d0", "-1"])
    2
    """
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        commands = {"study": _study, "compare": _compare, "yield": _die_yield, "traffic": _traffic, "schemes": _schemes,
                    "presets": _presets, "show": _show}
        text = commands[args.command](args)
    except ParameterError as exc:
        print(f"{parser.prog} {args.command}: error: {flag_names(str(exc), args.command)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        # A Ctrl-C inside a compiled kernel's call (numba loading or compiling
        # it) reaches Python wrapped, e.g. as a SystemError caused by the
        # KeyboardInterrupt; anything else is a bug and goes on up.
        if not _caused_by_interrupt(exc):
            raise
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED
    try:
        print(text)
    except BrokenPipeError:  # e.g. piped into `head`: not an error of ours
        sys.stderr.close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
