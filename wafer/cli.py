"""The ``wafer`` command line.

``wafer study`` runs the Monte Carlo wafer-vs-chiplet study and prints its
table; ``wafer yield`` is a die-yield calculator. Both take ``--json``. Bad
input gets one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from paramcheck import ParameterError

from .chiplet import ChipletSpec, chiplet_comparison
from .dieyield import die_yield_report, format_die_yield
from .geometry import WaferSpec
from .remap import SCHEMES
from .report import format_table, summarize
from .study import CLUSTERING, StudyConfig, run_study

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def _dies(text: str) -> tuple[int, int]:
    try:
        x, y = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected COLSxROWS such as 12x7, got {text!r}") from None
    return x, y


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="wafer", description="Wafer-scale fault tolerance and routing emulator.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    w, c, s = WaferSpec(), ChipletSpec(), StudyConfig()
    study = sub.add_parser(
        "study",
        help="Monte Carlo study: wafer-scale repair and network vs the same silicon as chiplets",
        description="Monte Carlo study of a wafer-scale die (default: WSE-3-like) next to the "
        "same silicon split into chiplets. Prints a table with 95%% confidence intervals.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    run = study.add_argument_group("run")
    run.add_argument("--trials", type=int, default=s.trials, help="wafers to simulate")
    run.add_argument("--seed", type=int, default=s.seed, help="root seed (same seed, same numbers)")
    run.add_argument("--json", action="store_true", help="print the results as JSON")
    run.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    run.add_argument("--chunk-size", type=int, default=s.chunk_size, help="wafers sampled per batch")
    proc = study.add_argument_group("process")
    proc.add_argument("--d0", type=float, default=s.d0, help="defect density, defects per cm^2")
    proc.add_argument("--alpha", type=float, default=s.alpha,
                      help="negative-binomial clustering of the defects (wafer and chiplet dies)")
    proc.add_argument("--clustering", default=s.clustering,
                      help=f"how wafer defects cluster: {', '.join(CLUSTERING)}")
    proc.add_argument("--radial-edge-excess", type=float, default=s.radial_edge_excess,
                      help="defect density 1 + E (r/R)^P toward the wafer edge: E (0 = uniform)")
    proc.add_argument("--radial-power", type=float, default=s.radial_power, help="P of the radial profile")
    proc.add_argument("--router-fraction", type=float, default=s.router_fraction,
                      help="fraction of defects that kill a router (and its core)")
    proc.add_argument("--link-fraction", type=float, default=s.link_fraction,
                      help="fraction of defects that kill a mesh link")
    geo = study.add_argument_group("wafer geometry and repair")
    geo.add_argument("--scheme", default=s.scheme, help=f"remap scheme: {', '.join(SCHEMES)}")
    geo.add_argument("--wafer-diameter", type=float, default=w.wafer_diameter_mm, help="mm")
    geo.add_argument("--die-width", type=float, default=w.die_width_mm, help="wafer-scale die width, mm")
    geo.add_argument("--die-height", type=float, default=w.die_height_mm, help="wafer-scale die height, mm")
    geo.add_argument("--core-rows", type=int, default=w.core_rows, help="physical core rows")
    geo.add_argument("--core-cols", type=int, default=w.core_cols, help="physical core columns")
    geo.add_argument("--segment-width", type=int, default=w.segment_width,
                     help="physical cores per row segment (divides --core-cols)")
    geo.add_argument("--spares", type=int, default=w.spares_per_segment, help="spare cores per segment")
    geo.add_argument("--max-skew", type=int, default=w.max_skew,
                     help="largest column offset the fabric bridges between vertical neighbours")
    geo.add_argument("--no-diagonal-links", action="store_true",
                     help="join shifted vertical neighbours over mesh channels, not dedicated links")
    geo.add_argument("--router-dies-with-core", action="store_true",
                     help="a dead core's router dies too; paths go around it")
    geo.add_argument("--bridge-margin", type=int, default=w.bridge_margin,
                     help="how far a joining path may leave its neighbours' bounding box")
    chip = study.add_argument_group("chiplets")
    chip.add_argument("--dies", type=_dies, default=(c.dies_x, c.dies_y),
                      help="die grid COLSxROWS over the wafer-scale die")
    chip.add_argument("--packaging", default=c.packaging,
                      help="packaging technology of the parameter set (bond and carrier yield)")
    chip.add_argument("--parameter-set", default=c.parameter_set,
                      help="shipped parameter set or TOML file the packaging comes from")
    chip.add_argument("--test-coverage", type=float, default=c.test_coverage,
                      help="fault coverage of known-good-die test, 0..1")
    chip.add_argument("--d2d-gbps-per-mm", type=float, default=c.d2d_gbps_per_mm,
                      help="die-to-die shoreline bandwidth, GB/s per mm (both directions)")
    chip.add_argument("--d2d-latency-ns", type=float, default=c.d2d_latency_ns,
                      help="latency a die-to-die crossing adds, ns")
    chip.add_argument("--clock-ghz", type=float, default=c.clock_ghz, help="fabric clock, GHz")
    dy = sub.add_parser(
        "yield",
        help="die-yield calculator: every yield model, dies per wafer, good dies, redundancy",
        description="Every die-yield model for one die with the parameters each used, gross and "
        "exact dies per wafer, good dies per wafer (exact count x yield) and K-of-N redundancy.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    dy.add_argument("--area", type=float, help="die area, mm^2 (a square die)")
    dy.add_argument("--die-width", type=float, help="die width, mm (with --die-height)")
    dy.add_argument("--die-height", type=float, help="die height, mm (with --die-width)")
    dy.add_argument("--d0", type=float, default=0.1,
                    help="defect density, defects per cm^2 (per critical layer for Bose-Einstein)")
    dy.add_argument("--alpha", type=float, default=3.0, help="negative-binomial clustering")
    dy.add_argument("--critical-layers", type=int, default=1, help="Bose-Einstein critical layers")
    dy.add_argument("--critical-area-ratio", type=float, default=1.0,
                    help="fraction of the die area that is critical, (0, 1]")
    dy.add_argument("--wafer-diameter", type=float, default=300.0, help="mm")
    dy.add_argument("--scribe", type=float, default=0.2, help="scribe lane, mm (Chiplet Actuary)")
    dy.add_argument("--edge-exclusion", type=float, default=5.0,
                    help="unusable wafer rim, mm (Chiplet Actuary)")
    dy.add_argument("--units", type=int, help="redundant units on the die, e.g. 144 SMs")
    dy.add_argument("--needed", type=int, help="units that must work, e.g. 132")
    dy.add_argument("--shared-area", type=float, default=0.0,
                    help="die area outside the units that must be defect-free, mm^2")
    dy.add_argument("--json", action="store_true", help="print the results as JSON")
    return parser


def _die_yield(args: argparse.Namespace) -> str:
    report = die_yield_report(
        args.area, die_width_mm=args.die_width, die_height_mm=args.die_height, d0=args.d0,
        alpha=args.alpha, critical_layers=args.critical_layers,
        critical_area_ratio=args.critical_area_ratio, wafer_diameter_mm=args.wafer_diameter,
        scribe_mm=args.scribe, edge_exclusion_mm=args.edge_exclusion, units=args.units,
        needed=args.needed, shared_area_mm2=args.shared_area,
    )
    return json.dumps(report, indent=2, allow_nan=False) if args.json else format_die_yield(report)


def _study(args: argparse.Namespace) -> str:
    config = _config(args)
    # The chiplet side is checked up front so that bad input fails before the run.
    chiplet_comparison(config.wafer, config.chiplet, config.d0, config.alpha)
    summary = summarize(run_study(config, progress=not args.no_progress))
    return json.dumps(summary, indent=2, allow_nan=False) if args.json else format_table(summary)


def _config(args: argparse.Namespace) -> StudyConfig:
    wafer = WaferSpec(
        wafer_diameter_mm=args.wafer_diameter,
        die_width_mm=args.die_width,
        die_height_mm=args.die_height,
        core_rows=args.core_rows,
        core_cols=args.core_cols,
        segment_width=args.segment_width,
        spares_per_segment=args.spares,
        max_skew=args.max_skew,
        diagonal_links=not args.no_diagonal_links,
        router_dies_with_core=args.router_dies_with_core,
        bridge_margin=args.bridge_margin,
    )
    chiplet = ChipletSpec(
        dies_x=args.dies[0],
        dies_y=args.dies[1],
        parameter_set=args.parameter_set,
        packaging=args.packaging,
        test_coverage=args.test_coverage,
        d2d_gbps_per_mm=args.d2d_gbps_per_mm,
        d2d_latency_ns=args.d2d_latency_ns,
        clock_ghz=args.clock_ghz,
    )
    return StudyConfig(
        wafer=wafer, chiplet=chiplet, d0=args.d0, alpha=args.alpha, clustering=args.clustering,
        radial_edge_excess=args.radial_edge_excess, radial_power=args.radial_power,
        router_fraction=args.router_fraction, link_fraction=args.link_fraction, trials=args.trials,
        seed=args.seed, scheme=args.scheme, chunk_size=args.chunk_size,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``wafer`` command; returns the exit status.

    Examples
    --------
    >>> main(["study", "--d0", "-1"])
    2
    """
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        text = _study(args) if args.command == "study" else _die_yield(args)
    except ParameterError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    try:
        print(text)
    except BrokenPipeError:  # e.g. piped into `head`: not an error of ours
        sys.stderr.close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
