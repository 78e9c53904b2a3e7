"""Shift-to-spare: the remap Cerebras describes for its wafer-scale engines.

In the manner Cerebras describes its WSE repair (Hot Chips 31, as reported by
WikiChip): every row is cut into segments that end in spare cores; the
logical cores of a segment occupy its live cores in order, so each core past
a dead one shifts one position toward the segment's spares. The fabric then
joins logical neighbours across the shift: horizontal neighbours by the run
of routers between them (or a detour, where a dead router or link is in the
way), vertical neighbours displaced by different amounts by a dedicated
diagonal link or, without those, by a short detour over the mesh. Repair
fails when a segment has more dead cores than spares, when vertical
neighbours end up more than ``max_skew`` columns apart, or (with dead routers
or links) when no path joins two logical neighbours within the fabric's
reach. The scheme does not degrade: a wafer it cannot repair exposes no
logical mesh.

Two variants the Cerebras description allows: ``spare_layout="interleaved"``
spreads a segment's spares evenly through it, so a dead core's neighbours
shift toward whichever spare is nearer (the least total displacement; ties
toward the lower position), and ``axis="cols"`` cuts columns instead of rows
into segments. Per die or across die boundaries is ``segment_width``. The
variants take dead cores with live routers, and have no study network model
(:attr:`ShiftToSpare.has_network_model`): a study measures their wafers'
networks densely, on small wafers.

Removing a defect can break a repair: two dead cores in one column of
neighbouring rows shift both rows alike, and healing one leaves them a column
apart. Only where the skew rule cannot bind (``max_skew >= spares`` with the
spares at the end, ``>= 2 * spares`` interleaved) and with live routers is
the scheme monotone in its defects.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import routing
from yieldmodels import DefectBatch

from paramcheck import (
    ParameterError, check_choice, check_ids, check_instance, check_int, check_nonnegative, check_positive, shown,
)

from ._shift_kernel import (
    OK, TOO_MANY_DEAD, TOO_MUCH_SKEW, _check_batch, _irregular_links, _l2p, _p2l,
)
from ._shift_layout_kernel import _check_layout_batch, _layout_l2p, _layout_p2l, _segments
from .geometry import WaferSpec
from .remap import (
    LogicalMapping, RemapBatch, RemapScheme, check_cores_only, check_live_routers, checked_batch, gamma_expectation,
)

__all__ = ["ShiftLayoutMapping", "ShiftMapping", "ShiftToSpare"]

#: Where a segment's spares sit.
SPARE_LAYOUTS = ("end", "interleaved")
#: Which lines are cut into segments (the direction cores shift along).
AXES = ("rows", "cols")

#: Status of a wafer whose logical neighbours cannot all be joined.
NO_PATH = 3

#: Why a shift-to-spare repair failed, by status code.
FAILURES = {
    OK: "repaired",
    TOO_MANY_DEAD: "a segment has more dead cores than spares",
    TOO_MUCH_SKEW: "vertical neighbours shifted further apart than the fabric bridges",
    NO_PATH: "no live path joins two logical neighbours within the fabric's reach",
}


@dataclass(frozen=True)
class ShiftToSpare(RemapScheme):
    """Shift-to-spare (Cerebras): row segments end in spares, and cores past a dead one shift toward them.

    The defaults are the WSE-3 preset's (``wafer show wse-3`` gives the
    reasoning): one 106-core segment per die and row with 8 spares, and
    diagonal links that bridge 2 columns.

    Parameters
    ----------
    segment_width : int
        Physical cores per row segment; divides the wafer's ``core_cols``.
        A segment one die wide shifts within its die (WSE-2, WSE-3 presets);
        a wider one shifts across die boundaries (WSE-1 preset: two dies).
    spares : int
        Spare cores at the end of each segment (< ``segment_width``).
    max_skew : int
        Largest column offset between vertically neighbouring logical cores
        that the fabric can bridge (row offset between horizontal
        neighbours with ``axis="cols"``).
    axis : {"rows", "cols"}
        The lines cut into segments, along which cores shift; with
        ``"cols"``, ``segment_width`` divides the wafer's ``core_rows``.
    spare_layout : {"end", "interleaved"}
        Spares at the end of each segment, or spread evenly through it (spare
        ``i`` at local position ``floor((2 i + 1) * segment_width / (2 *
        spares))``).

    Examples
    --------
    >>> spec = WaferSpec(core_rows=4, core_cols=8)
    >>> scheme = ShiftToSpare(segment_width=4, spares=1, max_skew=1)
    >>> scheme.logical_shape(spec), scheme.spare_fraction(spec)
    ((4, 6), 0.25)
    >>> m = scheme.mapping(spec, [9])
    >>> m.repaired, m.spares_used, m.long_links().tolist()
    (True, 1, [2, 2, 2, 2, 2, 2, 2, 2])

    Interleaved spares: the dead core 9 (row 1, column 1) is covered by the
    spare in column 2, and no core of its row moves further:

    >>> mid = ShiftToSpare(segment_width=4, spares=1, max_skew=1, spare_layout="interleaved")
    >>> mid.spare_positions().tolist()
    [2]
    >>> mid.mapping(spec, [9]).to_dense()[1].tolist()
    [8, 10, 11, 12, 13, 15]
    """

    segment_width: int = 106
    spares: int = 8
    max_skew: int = 2
    axis: str = "rows"
    spare_layout: str = "end"

    name: ClassVar[str] = "shift-to-spare"
    FAILURES: ClassVar[dict] = FAILURES

    def __post_init__(self) -> None:
        check_int("segment_width", self.segment_width)
        check_int("spares", self.spares, minimum=0, maximum=self.segment_width - 1)
        check_int("max_skew", self.max_skew, minimum=0)
        check_choice("axis", self.axis, AXES)
        check_choice("spare_layout", self.spare_layout, SPARE_LAYOUTS)

    @property
    def has_network_model(self) -> bool:
        """Whether :meth:`networks` models a study's networks: spares at the
        end of row segments (the layout the study network model knows)."""
        return self.axis == "rows" and self.spare_layout == "end"

    def spare_positions(self) -> np.ndarray:
        """Local positions of a segment's spares, ascending.

        Examples
        --------
        >>> ShiftToSpare(segment_width=10, spares=2, spare_layout="interleaved").spare_positions().tolist()
        [2, 7]
        >>> ShiftToSpare(segment_width=10, spares=2).spare_positions().tolist()
        [8, 9]
        """
        w, k = self.segment_width, self.spares
        if self.spare_layout == "end":
            return np.arange(w - k, w, dtype=np.int64)
        return (2 * np.arange(k, dtype=np.int64) + 1) * w // (2 * k)

    def describe(self) -> str:
        """One line: the scheme and its parameters.

        Examples
        --------
        >>> ShiftToSpare().describe()
        'shift-to-spare, 8 spare(s) at the end of each 106-core row segment, max skew 2'
        """
        where = "at the end of" if self.spare_layout == "end" else "interleaved in"
        line = self.axis[:-1]
        return (f"{self.name}, {self.spares} spare(s) {where} each {self.segment_width}-core {line} segment,"
                f" max skew {self.max_skew}")

    def validate(self, spec: WaferSpec) -> None:
        """Raise :class:`ParameterError` if the segments do not tile ``spec``'s rows (columns)."""
        check_instance("spec", spec, WaferSpec)
        along = "core_cols" if self.axis == "rows" else "core_rows"
        if getattr(spec, along) % self.segment_width:
            raise ParameterError(
                f"segment_width must divide {along} ({getattr(spec, along)}), got {self.segment_width}"
            )
        if not self.has_network_model:
            check_live_routers(self, spec, f"the {self.spare_layout}-spare, {self.axis} variant has no path rule")
        super().validate(spec)

    def logical_shape(self, spec: WaferSpec) -> tuple[int, int]:
        """Shape (rows, cols) of the logical mesh a repaired wafer exposes."""
        self.validate(spec)
        return self._shape(spec)

    def _shape(self, spec: WaferSpec) -> tuple[int, int]:
        frame = _frame(spec, self.axis)
        shape = frame.core_rows, frame.core_cols // self.segment_width * (self.segment_width - self.spares)
        return shape if self.axis == "rows" else shape[::-1]

    def _layout(self, spec: WaferSpec) -> tuple:
        """The layout kernels' (frame spec, nominal positions, spare mask, fault-free long links by length)."""
        self.validate(spec)
        frame = _frame(spec, self.axis)
        w = self.segment_width
        spare = np.zeros(w, dtype=np.bool_)
        spare[self.spare_positions()] = True
        nominal = np.flatnonzero(~spare).astype(np.int64)
        nseg = frame.core_cols // w
        crossing = w - nominal[-1] + nominal[0]
        base = np.zeros(max(crossing, w) + 1, dtype=np.int64)  # the fault-free horizontal links by length
        np.add.at(base, np.diff(nominal), nseg * frame.core_rows)
        base[crossing] += (nseg - 1) * frame.core_rows
        return frame, nominal, spare, base

    def _geometry(self, spec: WaferSpec) -> tuple:
        """The kernels' (rows, cols, segment width, spares, diagonal links?)."""
        self.validate(spec)
        return spec.core_rows, spec.core_cols, self.segment_width, self.spares, spec.diagonal_links

    def check(self, spec: WaferSpec, dead: DefectBatch) -> RemapBatch:
        """Whether each trial's dead cores can be remapped, from the spare and skew rules.

        With ``router_dies_with_core``, or dead routers and links, a trial
        that passes may still fail for lack of a path: :meth:`mapping` and
        :class:`wafer.ShiftedNetworks` find out.

        Extras: ``max_fill``, ``max_skew``, and for each repaired trial its
        long interconnects (logical neighbours not physically adjacent, each
        pair once): ``long_links`` (count), ``extra_hops`` (physical hops
        beyond one, summed) and ``longest_link`` (hops); 0 elsewhere.

        Notes
        -----
        O(dead cores * (spares + 1)) per trial for the rules; the long links
        cost O(touched rows * segments + dead cores * segment width). The
        variants cost O(segment width * (spares + 1)) per segment with a dead
        core. Trials run in parallel.

        Examples
        --------
        >>> spec = WaferSpec(core_rows=2, core_cols=4)
        >>> b = ShiftToSpare(segment_width=4, spares=1, max_skew=1).check(spec, DefectBatch(np.array([0, 0, 1, 3]), np.array([5, 0, 1])))
        >>> b.status.tolist(), b.max_fill.tolist(), b.logical_cols.tolist(), b.spares_used.tolist()
        ([0, 0, 1], [0, 1, 2], [3, 3, 0], [0, 1, 1])
        """
        dead = checked_batch(spec, dead)
        if self.has_network_model:
            rows, cols, seg_w, spares, _ = self._geometry(spec)
            status, fill, skew, stats = _check_batch(dead.offsets, dead.sites, rows, cols, seg_w, spares,
                                                     self.max_skew, True)
        else:
            frame, nominal, spare, base = self._layout(spec)
            sites = _to_frame(dead.sites, spec, self.axis, dead.offsets)
            status, fill, skew, stats = _check_layout_batch(dead.offsets, sites, frame.core_rows, frame.core_cols,
                                                            nominal, spare, self.max_skew, base)
        ok = status == OK
        lrows, lcols = self.logical_shape(spec)
        return RemapBatch(
            status, np.where(ok, lrows, 0), np.where(ok, lcols, 0), stats[:, 3],
            {"max_fill": fill, "max_skew": skew, "long_links": stats[:, 0],
             "extra_hops": stats[:, 1] - stats[:, 0], "longest_link": np.where(ok, np.maximum(stats[:, 2], 1), 0)},
        )

    def repair_probability(
        self,
        spec: WaferSpec,
        mean_defects: float,
        *,
        alpha: float | None = None,
        block: tuple[int, int] | None = None,
    ) -> float | None:
        """Closed-form probability that no segment has more dead cores than spares.

        Defects fall uniformly on the cores. Given the defect rate, each core
        is independently dead with probability ``q = 1 - exp(-rate)`` and the
        segments are independent binomials. With ``alpha`` the rate is
        gamma-mixed (negative binomial counts) over the whole wafer, or, with
        ``block`` = (rows, cols) in cores, independently per block, as
        :func:`yieldmodels.sample_grid_defects` samples them; the expectation
        over the gamma multiplier is a numerical integral.

        This is the exact repair probability when the skew rule cannot fail
        (``max_skew >= spares``) and routers survive their cores; otherwise an
        upper bound (:meth:`closed_form_leaves_out` says which rules it
        leaves out).

        Parameters
        ----------
        spec : WaferSpec
        mean_defects : float
            Expected defects per wafer.
        alpha : float, optional
            Gamma-mixing shape; None for Poisson.
        block : (int, int), optional
            Clustering block in cores; it must tile the grid.

        Returns
        -------
        float or None
            None where a block's width is not a whole number of segments
            (there is then no closed form).

        Examples
        --------
        One spare per 106-core segment on the WSE-3 grid (exact: skew 1 >= 1 spare):

        >>> one = ShiftToSpare(spares=1, max_skew=1)
        >>> round(one.repair_probability(WaferSpec(), 46.225), 4)
        0.8912
        >>> round(one.repair_probability(WaferSpec(), 46.225, alpha=10.0, block=(109, 106)), 4)
        0.8811
        """
        from scipy import special

        self.validate(spec)
        mean = check_nonnegative("mean_defects", mean_defects)
        if self.axis == "cols":
            spec = _frame(spec, "cols")
            block = block if not isinstance(block, tuple) or len(block) != 2 else block[::-1]
        rate = mean / spec.n_cores
        w, sp = self.segment_width, self.spares

        def log_segment_ok(g: float) -> float:
            # log P(Binomial(w, q) <= sp), from the upper tail so that a
            # tail far below 1e-16 still counts.
            q = -math.expm1(-rate * g)
            tail = float(special.bdtrc(sp, w, q))
            return math.log1p(-tail) if tail < 1.0 else -math.inf

        segments = spec.core_rows * (spec.core_cols // w)
        if alpha is None:
            return math.exp(segments * log_segment_ok(1.0))
        shape = check_positive("alpha", alpha)
        if block is None:
            return gamma_expectation(lambda g: math.exp(segments * log_segment_ok(g)), shape)
        if not isinstance(block, tuple) or len(block) != 2:
            raise ParameterError(f"block must be None or (rows, cols), got {shown(block)}")
        b_rows = check_int("block rows", block[0])
        b_cols = check_int("block cols", block[1])
        if spec.core_rows % b_rows or spec.core_cols % b_cols:
            raise ParameterError(
                f"block must tile the core grid ({spec.core_rows} x {spec.core_cols}), got {b_rows} x {b_cols}"
            )
        if b_cols % w:
            return None  # segments straddle blocks: their counts are not independent binomials
        per_block = b_rows * (b_cols // w)
        n_blocks = segments // per_block
        ok = gamma_expectation(lambda g: math.exp(per_block * log_segment_ok(g)), shape)
        return ok**n_blocks

    def closed_form_leaves_out(self, spec: WaferSpec) -> tuple[str, ...]:
        """The rules :meth:`repair_probability` does not count.

        Examples
        --------
        >>> ShiftToSpare(max_skew=8).closed_form_leaves_out(WaferSpec())
        ()
        >>> ShiftToSpare().closed_form_leaves_out(WaferSpec())
        ('the skew rule (max skew 2 < 8 spares)',)
        """
        self.validate(spec)
        out = []
        # Displacements lie in [0, spares] with the spares at the end, in [-spares, spares] interleaved.
        reach = self.spares if self.spare_layout == "end" else 2 * self.spares
        if self.max_skew < reach:
            out.append(f"the skew rule (max skew {self.max_skew} < {reach} = the largest skew the layout allows)"
                       if self.spare_layout != "end" else
                       f"the skew rule (max skew {self.max_skew} < {self.spares} spares)")
        if spec.router_dies_with_core:
            out.append("the path rule (routers die with their cores)")
        return tuple(out)

    def mapping(self, spec: WaferSpec, dead, routers=None, links=None) -> ShiftMapping | ShiftLayoutMapping:
        """The mapping of one wafer with the given dead cores, routers and links
        (a :class:`ShiftLayoutMapping`, dead cores only, for the variants)."""
        if self.has_network_model:
            return ShiftMapping(spec, self, dead, routers, links)
        check_cores_only(self, routers, links)
        return ShiftLayoutMapping(spec, self, dead)

    def networks(self, spec: WaferSpec, loads=None):
        """The study-wide network model of ``spec``'s wafers (:class:`wafer.networks.ShiftedNetworks`)."""
        from .networks import ShiftedNetworks

        if not self.has_network_model:
            raise ParameterError(
                f"scheme must have its spares at the end of row segments for the study network model,"
                f" got {self.describe()}"
            )
        return ShiftedNetworks(spec, self, loads)


def _frame(spec: WaferSpec, axis: str) -> WaferSpec:
    """``spec`` as the shift sees it: transposed when columns are cut into segments."""
    if axis == "rows":
        return spec
    return dataclasses.replace(spec, core_rows=spec.core_cols, core_cols=spec.core_rows,
                               die_width_mm=spec.die_height_mm, die_height_mm=spec.die_width_mm)


def _transposed(ids: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Ids of a ``rows x cols`` grid as ids of its transpose (-1 stays -1)."""
    return np.where(ids >= 0, ids % cols * rows + ids // cols, -1)


def _to_frame(sites: np.ndarray, spec: WaferSpec, axis: str, offsets: np.ndarray | None = None) -> np.ndarray:
    """Dead core ids in the shift's frame, sorted within each trial of ``offsets``."""
    sites = np.asarray(sites, dtype=np.int64)
    if axis == "rows":
        return sites
    moved = _transposed(sites, spec.core_rows, spec.core_cols)
    if offsets is None:
        return np.sort(moved)
    trial = np.repeat(np.arange(offsets.size - 1), np.diff(offsets))
    return moved[np.lexsort((moved, trial))]


def _with_bypass(net: routing.Network, spec: WaferSpec, l2p: np.ndarray, axis: str) -> routing.Network:
    """``net`` with (given ``spec.diagonal_links``) a ``bypass`` link between each
    pair of logical neighbours across the shift (vertical ones for row
    segments, horizontal for column segments) that it has moved apart."""
    if not spec.diagonal_links:
        return net
    cols = spec.core_cols
    if axis == "rows":
        a, b = l2p[:-1].ravel(), l2p[1:].ravel()
        moved = a % cols != b % cols
    else:
        a, b = l2p[:, :-1].ravel(), l2p[:, 1:].ravel()
        moved = a // cols != b // cols
    return net.with_extra_links(a[moved], b[moved], "bypass") if moved.any() else net


class _ShiftedMapping(LogicalMapping):
    """What both shift-to-spare mappings share: the scheme's full logical
    shape where repaired, and logical ids checked against it (the shift
    places every logical core, also where repair failed)."""

    @property
    def logical_shape(self) -> tuple[int, int]:
        """(rows, cols) of the logical mesh: the scheme's, or 0 x 0 where repair failed."""
        return self.scheme.logical_shape(self.spec) if self.repaired else (0, 0)

    def _check_logical(self, logical) -> np.ndarray:
        return check_ids("logical", logical, self.scheme.n_logical(self.spec), what="logical core ids")


class ShiftLayoutMapping(_ShiftedMapping):
    """The logical mesh of one wafer under a shift-to-spare variant
    (interleaved spares or column segments), stored sparsely.

    Held as the assignments of the segments with dead cores; every other
    segment keeps its nominal positions. Dead cores only, with live routers.

    Parameters
    ----------
    spec : WaferSpec
    scheme : ShiftToSpare
        A variant (``scheme.has_network_model`` false).
    dead : array of int
        Dead physical cores (``row * core_cols + col``).

    Examples
    --------
    Column segments of 2 cores with 1 spare: the dead core 1 (row 0, column 1)
    shifts its column down onto the spare row.

    >>> spec = WaferSpec(core_rows=2, core_cols=3)
    >>> m = ShiftToSpare(segment_width=2, spares=1, max_skew=1, axis="cols").mapping(spec, [1])
    >>> m.logical_shape, m.to_dense().tolist(), m.long_links().tolist()
    ((1, 3), [[0, 4, 2]], [2, 2])
    """

    def __init__(self, spec: WaferSpec, scheme: ShiftToSpare, dead) -> None:
        check_instance("spec", spec, WaferSpec)
        check_instance("scheme", scheme, ShiftToSpare)
        if scheme.has_network_model:
            raise ParameterError(f"scheme must be a shift-to-spare variant, got {scheme.describe()}: use ShiftMapping")
        self.spec = spec
        self.scheme = scheme
        self.dead = np.unique(check_ids("dead", dead, spec.n_cores, what="core ids"))
        self._frame, nominal, spare, base = scheme._layout(spec)
        self._nominal = nominal
        sites = _to_frame(self.dead, spec, scheme.axis)
        status, fill, skew, figures = _check_layout_batch(
            np.array([0, sites.size], dtype=np.int64), sites, self._frame.core_rows, self._frame.core_cols,
            nominal, spare, scheme.max_skew, base,
        )
        self.status = int(status[0])
        self.max_fill = int(fill[0])
        self.max_skew = int(skew[0])
        #: Spare cores that hold a logical core.
        self.spares_used = int(figures[0, 3])
        self._keys, self._q, _, _ = _segments(sites, self._frame.core_cols, scheme.segment_width, nominal, spare)
        #: Routers no path may cross (none: the variants take dead cores with live routers).
        self.blocked = np.zeros(0, dtype=np.int64)
        #: Dead mesh links (none).
        self.links = np.zeros(0, dtype=np.int64)

    def l2p(self, logical) -> np.ndarray:
        """Physical core of each logical core id (``row * logical_cols + col``)
        (segments too full to repair keep their nominal positions)."""
        logical = self._check_logical(logical)
        f, cols = self._frame, self.scheme.axis == "cols"
        if cols:
            logical = _transposed(logical, *self.scheme.logical_shape(self.spec))
        p = _layout_l2p(self._keys, self._q, f.core_cols, self._nominal, self.scheme.segment_width, logical)
        return _transposed(p, f.core_rows, f.core_cols) if cols else p

    def _rides_own_link(self, port: np.ndarray, adjacent: np.ndarray) -> np.ndarray:
        """Neighbours across the shift that it moved apart ride the fabric's
        diagonal links (vertical ones for row segments, horizontal for column
        segments), given ``spec.diagonal_links``."""
        across = port >= 2 if self.scheme.axis == "rows" else port < 2
        return self.spec.diagonal_links & across & ~adjacent

    def network(self, link_classes: routing.LinkClassTable | None = None) -> routing.Network:
        """The physical network of this wafer: its core grid as a mesh and
        (with ``diagonal_links``) a dedicated ``bypass`` link between each pair
        of logical neighbours across the shift that it moved apart. O(cores).
        """
        return _with_bypass(super().network(link_classes), self.spec, self.to_dense(), self.scheme.axis)

    def p2l(self, physical) -> np.ndarray:
        """Logical core on each physical core id, -1 for dead and unused cores."""
        physical = check_ids("physical", physical, self.spec.n_cores, what="core ids")
        f, s, cols = self._frame, self.spec, self.scheme.axis == "cols"
        if cols:
            physical = _transposed(physical, s.core_rows, s.core_cols)
        logical = _layout_p2l(self._keys, self._q, f.core_cols, self._nominal, self.scheme.segment_width, physical)
        if not cols:
            return logical
        lrows, lcols = self.scheme.logical_shape(s)
        return _transposed(logical, lcols, lrows)


class ShiftMapping(_ShiftedMapping):
    """The logical mesh of one wafer after shift-to-spare, stored sparsely.

    Only the dead cores are kept; logical <-> physical lookups are computed
    from them, so a mapping costs memory in proportion to the defects.

    Parameters
    ----------
    spec : WaferSpec
    scheme : ShiftToSpare
    dead : array of int
        Dead physical cores (``row * core_cols + col``).
    routers : array of int, optional
        Dead routers (their cores count as dead too). With
        ``spec.router_dies_with_core`` every dead core's router is dead.
    links : array of int, optional
        Dead mesh links, each named by one of its channels ``4 * core + port``.

    Examples
    --------
    >>> spec = WaferSpec(core_rows=2, core_cols=4)
    >>> m = ShiftToSpare(segment_width=4, spares=1, max_skew=1).mapping(spec, [1])
    >>> m.repaired, m.logical_shape, round(m.harvest, 3), m.degradation
    (True, (2, 3), 0.857, 0.25)
    >>> m.to_dense().tolist()
    [[0, 2, 3], [4, 5, 6]]
    """

    def __init__(self, spec: WaferSpec, scheme: ShiftToSpare, dead, routers=None, links=None) -> None:
        check_instance("spec", spec, WaferSpec)
        check_instance("scheme", scheme, ShiftToSpare)
        scheme.validate(spec)
        self.spec = spec
        self.scheme = scheme
        routers = np.unique(check_ids("routers", [] if routers is None else routers, spec.n_cores, what="core ids"))
        dead = np.union1d(check_ids("dead", dead, spec.n_cores, what="core ids"), routers)
        self.dead = dead
        #: Routers no path may cross.
        self.blocked = dead if spec.router_dies_with_core else routers
        #: Dead mesh links, both channels of each.
        self.links = routing.both_directions([] if links is None else links, spec.core_rows, spec.core_cols)
        status, fill, skew, figures = _check_batch(
            np.array([0, dead.size], dtype=np.int64), dead, spec.core_rows, spec.core_cols,
            scheme.segment_width, scheme.spares, scheme.max_skew, True,
        )
        #: Spare cores that hold a logical core (per segment, its dead cores
        #: among the logical positions, at most its spares).
        self.spares_used = int(figures[0, 3])
        self.max_fill = int(fill[0])
        self.max_skew = int(skew[0])
        self.status = int(status[0])
        self._embedding: routing.Embedding | None = None
        self._no_path = False
        if self.status == OK and (self.blocked.size or self.links.size):
            # Only dead routers and links can leave logical neighbours unjoined.
            if not self.embedding_or_none():
                self.status = NO_PATH

    def l2p(self, logical) -> np.ndarray:
        """Physical core of each logical core id (``row * logical_cols + col``),
        as the shift places them (also where repair failed)."""
        logical = self._check_logical(logical)
        c = self.scheme
        return _l2p(self.dead, self.spec.core_cols, c.segment_width, c.spares, logical)

    def p2l(self, physical) -> np.ndarray:
        """Logical core on each physical core id, -1 for dead and unused spare cores."""
        physical = check_ids("physical", physical, self.spec.n_cores, what="core ids")
        c = self.scheme
        return _p2l(self.dead, self.spec.core_cols, c.segment_width, c.spares, physical)

    def _candidate_links(self) -> np.ndarray:
        """Logical channels that may be more than one physical hop (a superset), O(defects + rows x segments)."""
        s, c = self.spec, self.scheme
        return np.union1d(
            _irregular_links(self.dead, s.core_rows, s.core_cols, c.segment_width, c.spares),
            self._links_on_dead_channels(),
        )

    def long_links(self) -> np.ndarray:
        """Physical Manhattan length of each long interconnect (logical
        neighbours not physically adjacent, each pair once), sorted.

        Notes
        -----
        O(defects + rows x segments): only the links a shift or a segment's
        spares can stretch are looked at.
        """
        if not self.repaired:
            return np.zeros(0, dtype=np.int64)
        links = self._candidate_links()
        links = links[links % 4 % 2 == 0]  # east and south: each pair once
        lrows, lcols = self.logical_shape
        cols = self.spec.core_cols
        a = self.l2p(links // 4)
        b = self.l2p(routing.channel_target(links, lrows, lcols))
        d = np.abs(a // cols - b // cols) + np.abs(a % cols - b % cols)
        return np.sort(d[d > 1]).astype(np.int64)

    def embedding_or_none(self) -> routing.Embedding | None:
        """The irregular logical links and their physical paths, or None if a link has no path."""
        if self._embedding is None and not self._no_path:
            s = self.spec
            links = self._candidate_links()
            lrows, lcols = self.scheme.logical_shape(s)
            src = self.l2p(links // 4)
            dst = self.l2p(routing.channel_target(links, lrows, lcols))
            port = links % 4
            adjacent = routing.is_one_hop(src, dst, port, s.core_rows, s.core_cols)
            one_hop = adjacent & ~np.isin(4 * src + port, self.links)
            # Shifted vertical neighbours ride their own diagonal links.
            diagonal = s.diagonal_links & (port >= 2) & ~adjacent
            multi = ~one_hop & ~diagonal
            paths = routing.window_paths(
                s.core_rows, s.core_cols, src[multi], dst[multi], self.blocked, s.bridge_margin, self.links
            )
            if not paths.found.all():
                self._no_path = True
                return None
            nodes = np.unique(np.concatenate((paths.channels // 4, routing.channel_target(paths.channels, s.core_rows, s.core_cols))))
            self._embedding = routing.Embedding(links[multi], paths, nodes, self.p2l(nodes))
        return self._embedding

    def network(self, link_classes: routing.LinkClassTable | None = None) -> routing.Network:
        """The physical network of this wafer: its core grid as a mesh, its dead
        routers and links, and (with ``diagonal_links``) a dedicated ``bypass``
        link between each pair of vertical logical neighbours that the shift
        has moved apart.

        Parameters
        ----------
        link_classes : routing.LinkClassTable, optional
            Default :data:`routing.LINK_CLASSES`.

        Notes
        -----
        O(cores): for small wafers, tests and the networkx reference; a study
        follows the defects instead (:class:`wafer.ShiftedNetworks`).

        Examples
        --------
        >>> spec = WaferSpec(core_rows=2, core_cols=4)
        >>> net = ShiftToSpare(segment_width=4, spares=1, max_skew=1).mapping(spec, [1]).network()
        >>> int((net.channel_class == net.link_classes.index("bypass")).sum())   # 2 -> 5, 3 -> 6, both ways
        4
        """
        if not self.repaired:
            raise ParameterError(f"mapping must be repaired to have a network, got: {self.failure}")
        s = self.spec
        net = routing.Network.mesh(s.core_rows, s.core_cols, link_classes=link_classes)
        net = net.with_dead(routers=self.blocked, links=net.mesh_channel_ids()[self.links])
        return _with_bypass(net, s, self.to_dense(), "rows")

    def _links_on_dead_channels(self) -> np.ndarray:
        """Logical links whose one-hop mesh channel is a dead link."""
        s = self.spec
        a = self.links // 4
        b = routing.channel_target(self.links, s.core_rows, s.core_cols)
        la, lb = self.p2l(a), self.p2l(b)
        lrows, lcols = self.scheme.logical_shape(s)
        logical = 4 * la + self.links % 4
        ok = (la >= 0) & (lb >= 0)
        ok[ok] = routing.channel_target(logical[ok], lrows, lcols) == lb[ok]
        return logical[ok]

    def metrics(self) -> routing.UniformMetrics:
        """Exact uniform-traffic metrics of the repaired logical mesh.

        Examples
        --------
        >>> spec = WaferSpec(core_rows=2, core_cols=4)
        >>> ShiftToSpare(segment_width=4, spares=1, max_skew=1).mapping(spec, []).metrics().bandwidth_fraction
        1.0
        """
        if not self.repaired:
            raise ParameterError(f"mapping must be repaired to have metrics, got: {self.failure}")
        e = self.embedding_or_none()
        return routing.embedded_uniform_metrics(self.logical_shape, self.physical_shape, *e)
