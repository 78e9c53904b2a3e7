"""Traffic patterns on the logical nodes of a mesh, as sparse flows.

A pattern gives the bytes each node sends to each other node per *step* (one
unit of injection for the synthetic patterns, one iteration of the
application for the workloads) as :class:`Flows`: three 1-D arrays (source,
destination, bytes per step), never an ``N x N`` matrix. Uniform traffic is
not listed flow by flow at all: :attr:`Flows.uniform` is a rate every node
spreads evenly over the other ``N - 1`` nodes, which the channel loads of
:mod:`routing.loads` take in closed form (:func:`routing.xy.uniform_flows`).
Nodes are logical node ids ``x + cols * y`` of a ``rows x cols`` mesh, as in
:mod:`routing.mesh`.

Patterns are registered by name in :data:`PATTERNS`, as BookSim registers
them (``TrafficPattern::New``); :func:`make_traffic` builds one and
:func:`describe_patterns` lists them with their parameters.

Synthetic patterns (BookSim 2, ``src/traffic.cpp``): every node injects one
byte per step. Destinations are those BookSim draws, with one difference:
BookSim's ``uniform`` and ``hotspot`` may draw the source itself, which puts
nothing on the network; here such draws are spread over the other nodes (a
node sends ``1 / (N - 1)`` to each other node under ``uniform``). The
permutations (``transpose``, ``bitcomp``, ``bitrev``, ``shuffle``,
``tornado``, ``neighbor``) keep BookSim's map exactly; their fixed points
(nodes mapped to themselves) send nothing and list no flow.

Workloads (the bytes each node sends are given per pattern, with the source
of its communication pattern): ``stencil``, ``allreduce-ring``,
``allreduce-2d``, ``pipeline``, ``summa``, ``random-graph``, and ``file``, a
user traffic matrix.

Limits: a mesh has at most :data:`TRAFFIC_MAX_NODES` nodes, a pattern at
most :data:`MAX_FLOWS` listed flows, a traffic file at most
:data:`TRAFFIC_FILE_MAX_BYTES` bytes; :meth:`Flows.materialised` lists
uniform traffic for at most :data:`UNIFORM_MAX_NODES` nodes.

References
----------
.. [1] N. Jiang et al., "A detailed and flexible cycle-accurate
   network-on-chip simulator", ISPASS 2013; BookSim 2 ``src/traffic.cpp``,
   https://github.com/booksim/booksim2 (commit 28f43299).
.. [2] W. J. Dally and B. Towles, *Principles and Practices of
   Interconnection Networks*, Morgan Kaufmann 2004, sec. 3.2 (traffic
   patterns).
"""

from __future__ import annotations

import inspect
import io
import math
import numbers
import os
import zipfile
from array import array
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from paramcheck import (
    ParameterError,
    check_choice,
    check_ids,
    check_int,
    check_nonnegative,
    check_probability,
    check_real,
    check_real_array,
    check_str,
    read_file,
    shown,
    unknown_name,
)
from .mesh import _check_mesh

__all__ = [
    "TRAFFIC_MAX_NODES",
    "MAX_FLOWS",
    "UNIFORM_MAX_NODES",
    "TRAFFIC_FILE_MAX_BYTES",
    "Flows",
    "Pattern",
    "PATTERNS",
    "REQUIRED",
    "describe_patterns",
    "make_traffic",
]

#: Most nodes of a mesh carrying traffic (2**23, about 9 WSE-3 wafers): its
#: channel loads take 256 MiB, and a pattern's flows at most :data:`MAX_FLOWS`.
TRAFFIC_MAX_NODES = 2**23
#: Most flows a pattern lists (2**26, 1.5 GiB at 24 bytes per flow); a 9-point
#: stencil on :data:`TRAFFIC_MAX_NODES` nodes lists fewer.
MAX_FLOWS = 2**26
#: Most nodes whose uniform traffic :meth:`Flows.materialised` lists flow by
#: flow (1024: about a million flows, 24 MB).
UNIFORM_MAX_NODES = 2**10
#: Largest traffic file read (256 MiB; about ten million CSV rows).
TRAFFIC_FILE_MAX_BYTES = 2**28


def _frozen(a: np.ndarray, given: object) -> np.ndarray:
    """``a`` made read-only, copied first if it may share memory with the caller's ``given``."""
    if a is given or (isinstance(given, np.ndarray) and np.may_share_memory(a, given)):
        a = a.copy()
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class Flows:
    """Traffic as sparse flows: ``weight[i]`` bytes per step from ``src[i]`` to
    ``dst[i]``, plus ``uniform`` bytes per step from every node spread evenly
    over the other ``n_nodes - 1``.

    Parameters
    ----------
    src, dst : 1-D array of int
        Node ids in ``[0, n_nodes)``, one length, ``src[i] != dst[i]`` (a flow
        from a node to itself uses no channel: leave it out). A pair may
        repeat; its weights add.
    weight : 1-D array of float
        Bytes per step of each flow, finite and >= 0; as long as ``src``.
    n_nodes : int
        Nodes of the mesh, in ``[1, TRAFFIC_MAX_NODES]``.
    uniform : float, optional
        Bytes per step each node sends as uniform traffic (``uniform / (n_nodes
        - 1)`` to each other node), finite and >= 0; 0 on a one-node mesh.

    Attributes
    ----------
    src, dst : ndarray of int64, read-only
    weight : ndarray of float64, read-only
    n_nodes : int
    uniform : float

    Examples
    --------
    >>> f = Flows([0, 1], [1, 3], [2.0, 0.5], 4)
    >>> len(f), f.total, f.sent().tolist()
    (2, 2.5, [2.0, 0.5, 0.0, 0.0])
    >>> Flows([], [], [], 4, uniform=1.0).received().tolist()
    [1.0, 1.0, 1.0, 1.0]
    >>> Flows([2], [2], [1.0], 4)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: src and dst must differ in every flow (a flow to itself uses no channel), got node 2 to itself at flow 0
    """

    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    n_nodes: int
    uniform: float = 0.0

    def __post_init__(self) -> None:
        n = check_int("n_nodes", self.n_nodes, maximum=TRAFFIC_MAX_NODES)
        src = check_ids("src", self.src, n, what="node ids")
        dst = check_ids("dst", self.dst, n, what="node ids")
        weight = _weights("weight", self.weight)
        if not src.size == dst.size == weight.size:
            raise ParameterError(
                f"src, dst and weight must have one length, got {src.size}, {dst.size} and {weight.size}"
            )
        same = np.flatnonzero(src == dst)
        if same.size:
            i = int(same[0])
            raise ParameterError(
                "src and dst must differ in every flow (a flow to itself uses no channel),"
                f" got node {int(src[i])} to itself at flow {i}"
            )
        uniform = check_nonnegative("uniform", self.uniform, "bytes per step per node")
        if n == 1 and uniform > 0:
            raise ParameterError(f"uniform must be 0 on a one-node mesh (no other node), got {uniform!r}")
        for name, value in (("src", src), ("dst", dst), ("weight", weight)):
            object.__setattr__(self, name, _frozen(np.ascontiguousarray(value), getattr(self, name)))
        object.__setattr__(self, "n_nodes", n)
        object.__setattr__(self, "uniform", uniform)

    def __len__(self) -> int:
        """Number of listed flows (uniform traffic lists none)."""
        return int(self.src.size)

    @property
    def total(self) -> float:
        """Bytes per step over all nodes, listed and uniform."""
        return float(self.weight.sum()) + self.uniform * self.n_nodes

    def sent(self) -> np.ndarray:
        """Bytes per step each node sends (float64, one per node). O(flows + nodes)."""
        return np.bincount(self.src, weights=self.weight, minlength=self.n_nodes) + self.uniform

    def received(self) -> np.ndarray:
        """Bytes per step each node receives (float64, one per node). O(flows + nodes)."""
        return np.bincount(self.dst, weights=self.weight, minlength=self.n_nodes) + self.uniform

    def materialised(self) -> Flows:
        """These flows with the uniform traffic listed flow by flow.

        For tests and small meshes only: uniform traffic on ``N`` nodes is
        ``N * (N - 1)`` flows, so ``n_nodes`` must be at most
        :data:`UNIFORM_MAX_NODES` when :attr:`uniform` is not 0.

        Examples
        --------
        >>> f = Flows([], [], [], 3, uniform=2.0).materialised()
        >>> f.src.tolist(), f.dst.tolist(), f.weight.tolist()
        ([0, 0, 1, 1, 2, 2], [1, 2, 0, 2, 0, 1], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
        """
        if self.uniform == 0.0:
            return self
        n = self.n_nodes
        if n > UNIFORM_MAX_NODES:
            raise ParameterError(
                f"n_nodes must be at most {UNIFORM_MAX_NODES:,} (UNIFORM_MAX_NODES) to list uniform"
                f" traffic flow by flow ({n:,} nodes would list {n * (n - 1):,} flows), got {n:,}"
            )
        s, d = np.divmod(np.arange(n * n, dtype=np.int64), n)
        off = s != d
        w = np.full(n * (n - 1), self.uniform / (n - 1))
        return Flows(np.concatenate((self.src, s[off])), np.concatenate((self.dst, d[off])),
                     np.concatenate((self.weight, w)), n)


def _weights(name: str, value: object) -> np.ndarray:
    """``value`` as a 1-D float64 array of finite numbers >= 0 (bytes per step)."""
    w = check_real_array(name, value, unit="bytes per step")
    if w.ndim != 1:
        raise ParameterError(f"{name} must be a 1-D array of bytes per step, got shape {w.shape}")
    return w


def _flows(src, dst, weight, n: int, uniform: float = 0.0) -> Flows:
    """A :class:`Flows` from arrays built here (int64 ids, float64 weights)."""
    return Flows(np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64),
                 np.broadcast_to(np.asarray(weight, dtype=np.float64), np.shape(src)), n, uniform)


def _check_flow_count(what: str, count: int) -> None:
    if count > MAX_FLOWS:
        raise ParameterError(f"{what} must give at most {MAX_FLOWS:,} flows (MAX_FLOWS), got {count:,}")


# --------------------------------------------------------------------------
# Synthetic patterns (BookSim 2, src/traffic.cpp)


def _uniform(rows: int, cols: int) -> Flows:
    """Every node sends ``1 / (N - 1)`` bytes per step to each other node.

    BookSim's ``UniformRandomTrafficPattern`` draws ``RandomInt(nodes - 1)``,
    itself included; here the self draw is spread over the others. Listed as
    :attr:`Flows.uniform` = 1, no flows; nothing on a one-node mesh.
    """
    n = rows * cols
    return _flows([], [], [], n, uniform=1.0 if n > 1 else 0.0)


def _permutation(dest: np.ndarray, n: int) -> Flows:
    """One byte per step from each node to ``dest[node]``; fixed points list nothing."""
    src = np.arange(n, dtype=np.int64)
    moved = dest != src
    return _flows(src[moved], dest[moved], 1.0, n)


def _power_of_two_bits(name: str, rows: int, cols: int) -> int:
    n = rows * cols
    if n & (n - 1):
        raise ParameterError(
            f"rows x cols must have a power-of-two number of nodes for {name!r} (a bit permutation"
            f" of node ids, as in BookSim), got {rows} x {cols} = {n:,}"
        )
    return n.bit_length() - 1


def _transpose(rows: int, cols: int) -> Flows:
    """``(x, y) -> (y, x)``: BookSim's ``TransposeTrafficPattern``, which swaps the
    high and low halves of the node id's bits (nodes an even power of two);
    on the mesh numbering ``x + cols * y`` that is the transpose of a square
    mesh with a power-of-two side."""
    if rows != cols or rows & (rows - 1):
        raise ParameterError(
            "rows x cols must be a square mesh with a power-of-two side for 'transpose' (BookSim"
            f" swaps the two halves of the node id's bits), got {rows} x {cols}"
        )
    half = rows.bit_length() - 1
    s = np.arange(rows * cols, dtype=np.int64)
    mask = (1 << half) - 1
    return _permutation(((s >> half) & mask) | ((s << half) & (mask << half)), rows * cols)


def _bitcomp(rows: int, cols: int) -> Flows:
    """``s -> ~s & (N - 1)``: BookSim's ``BitCompTrafficPattern``; on a mesh with
    power-of-two sides, ``(x, y) -> (cols - 1 - x, rows - 1 - y)``."""
    _power_of_two_bits("bitcomp", rows, cols)
    n = rows * cols
    s = np.arange(n, dtype=np.int64)
    return _permutation(~s & (n - 1), n)


def _bitrev(rows: int, cols: int) -> Flows:
    """The ``log2 N`` bits of the node id reversed: BookSim's ``BitRevTrafficPattern``."""
    bits = _power_of_two_bits("bitrev", rows, cols)
    s = np.arange(rows * cols, dtype=np.int64)
    d = np.zeros_like(s)
    for b in range(bits):
        d |= ((s >> b) & 1) << (bits - 1 - b)
    return _permutation(d, rows * cols)


def _shuffle(rows: int, cols: int) -> Flows:
    """The ``log2 N`` bits of the node id rotated left by one: BookSim's
    ``ShuffleTrafficPattern`` (``(s << 1) & (N - 1) | bool(s << 1 & N)``)."""
    _power_of_two_bits("shuffle", rows, cols)
    n = rows * cols
    shifted = np.arange(n, dtype=np.int64) << 1
    return _permutation((shifted & (n - 1)) | ((shifted & n) != 0), n)


def _digits(rows: int, cols: int, dx: int, dy: int) -> Flows:
    """Each node ``(x, y)`` to ``((x + dx) % cols, (y + dy) % rows)``."""
    s = np.arange(rows * cols, dtype=np.int64)
    y, x = np.divmod(s, cols)
    return _permutation((x + dx) % cols + cols * ((y + dy) % rows), rows * cols)


def _tornado(rows: int, cols: int) -> Flows:
    """Each coordinate advanced by ``ceil(k / 2) - 1`` with wrap-around, ``k`` the
    side in that dimension: BookSim's ``TornadoTrafficPattern`` (digit
    ``d -> (d + (k + 1) / 2 - 1) % k``, one node per router), extended to
    ``rows != cols`` by taking ``k`` per dimension."""
    return _digits(rows, cols, (cols + 1) // 2 - 1, (rows + 1) // 2 - 1)


def _neighbor(rows: int, cols: int) -> Flows:
    """Each coordinate advanced by one with wrap-around, ``(x, y) -> ((x + 1) %
    cols, (y + 1) % rows)``, the diagonal neighbour: BookSim's
    ``NeighborTrafficPattern`` (digit ``d -> (d + 1) % k``), per dimension."""
    return _digits(rows, cols, 1, 1)


def _hotspot(rows: int, cols: int, *, hot=None, fraction: float = 0.1) -> Flows:
    """``fraction`` of each node's byte to the hot nodes, the rest uniform.

    A node sends ``fraction`` split evenly over the hot nodes other than
    itself and ``1 - fraction`` as uniform traffic, one byte per step in all.
    When ``hot`` is a single node, that node has no other hot node and sends
    its ``fraction`` uniformly too (``N - 1`` listed flows). BookSim's
    ``HotSpotTrafficPattern`` with equal rates is ``fraction`` = 1 (a hot
    node there may draw itself); BookSim mixes in uniform traffic as a
    second traffic class.

    Sparse: the uniform part is :attr:`Flows.uniform` = ``1 - fraction``; the
    hot part lists ``N * H`` flows for ``H`` hot nodes (``hot`` defaults to
    the centre node ``cols // 2 + cols * (rows // 2)``).
    """
    n = rows * cols
    hot = np.array([cols // 2 + cols * (rows // 2)]) if hot is None else hot
    hot = check_ids("hot", hot, n, what="node ids")
    if hot.size == 0 or np.unique(hot).size != hot.size:
        raise ParameterError(f"hot must be one or more distinct node ids, got {shown(hot.tolist())}")
    fraction = check_probability("fraction", fraction)
    if n == 1:
        return _flows([], [], [], 1)
    h = hot.size
    _check_flow_count("hot", n * h)
    src = np.repeat(np.arange(n, dtype=np.int64), h)
    dst = np.tile(hot, n)
    is_hot = np.zeros(n, dtype=bool)
    is_hot[hot] = True
    share = np.where(is_hot[src], fraction / max(h - 1, 1), fraction / h)
    keep = src != dst
    src, dst, share = src[keep], dst[keep], share[keep]
    if h == 1:
        others = np.delete(np.arange(n, dtype=np.int64), hot[0])
        src = np.concatenate((src, np.full(n - 1, hot[0])))
        dst = np.concatenate((dst, others))
        share = np.concatenate((share, np.full(n - 1, fraction / (n - 1))))
    return _flows(src, dst, share, n, uniform=1.0 - fraction)


# --------------------------------------------------------------------------
# Workloads


def _check_bytes(name: str, value: object) -> float:
    return check_nonnegative(name, value, "bytes")


def _snake(rows: int, cols: int) -> np.ndarray:
    """Node ids in boustrophedon order: row 0 west to east, row 1 east to west, ..."""
    p = np.arange(rows * cols, dtype=np.int64)
    y, i = np.divmod(p, cols)
    return np.where(y % 2 == 0, i, cols - 1 - i) + cols * y


def _stencil(
    rows: int, cols: int, *, points: int = 5, halo: int = 1,
    tile_rows: int = 32, tile_cols: int = 32, cell_bytes: float = 4.0,
) -> Flows:
    """Halo exchange of a 2D stencil: each node holds a ``tile_rows x tile_cols``
    tile of the grid and, per step, sends its neighbours the ``halo`` cells
    deep edge strips they read.

    Bytes per step from a node (``c = cell_bytes``, ``h = halo``; neighbours
    outside the mesh get nothing, the grid is not periodic):

    - to its E and W neighbours ``h * tile_rows * c`` each, to its N and S
      neighbours ``h * tile_cols * c`` each (5-point and 9-point);
    - 9-point only: to each of its four diagonal neighbours the ``h x h``
      corner block, ``h * h * c`` (sent directly, not forwarded through the
      edge neighbours).

    An interior node sends ``2 h (tile_rows + tile_cols) c``, plus ``4 h**2 c``
    for 9 points. ``halo`` is at most the tile's smaller side.

    References: the ghost-cell (halo) exchange of F. Kjolstad and M. Snir,
    "Ghost Cell Pattern", ParaPLoP 2010.
    """
    if isinstance(points, bool) or not isinstance(points, (numbers.Integral, np.integer)) or points not in (5, 9):
        raise ParameterError(f"points must be 5 or 9 (a 5-point or 9-point stencil), got {shown(points)}")
    tile_rows = check_int("tile_rows", tile_rows, maximum=2**31)
    tile_cols = check_int("tile_cols", tile_cols, maximum=2**31)
    halo = check_int("halo", halo, maximum=min(tile_rows, tile_cols))
    c = _check_bytes("cell_bytes", cell_bytes)
    n = rows * cols
    steps = [(1, 0, halo * tile_rows), (-1, 0, halo * tile_rows), (0, 1, halo * tile_cols), (0, -1, halo * tile_cols)]
    if points == 9:
        steps += [(dx, dy, halo * halo) for dx in (1, -1) for dy in (1, -1)]
    s = np.arange(n, dtype=np.int64)
    y, x = np.divmod(s, cols)
    parts = []
    for dx, dy, cells in steps:
        ok = (x + dx >= 0) & (x + dx < cols) & (y + dy >= 0) & (y + dy < rows)
        parts.append((s[ok], s[ok] + dx + cols * dy, np.full(int(ok.sum()), cells * c)))
    return _flows(*(np.concatenate(a) for a in zip(*parts)), n)


def _allreduce_ring(rows: int, cols: int, *, message_bytes: float = 2.0**20) -> Flows:
    """Ring all-reduce of ``message_bytes`` (M) over the snake order of the mesh.

    The ring visits the nodes in boustrophedon order (row 0 west to east, row
    1 east to west, ...) and closes from the last node back to node 0 by a
    multi-hop flow which, routed XY or YX, uses only channels the snake does
    not (N channels, and W channels of a row the snake runs east on). Reduce-scatter then
    all-gather, ``2 (N - 1)`` chunks of ``M / N``: each node sends ``2 (N - 1)
    / N * M`` bytes per step to its ring successor. Nothing on one node.

    References: P. Patarasuk and X. Yuan, "Bandwidth optimal all-reduce
    algorithms for clusters of workstations", J. Parallel Distrib. Comput.
    69(2), 2009.
    """
    m = _check_bytes("message_bytes", message_bytes)
    n = rows * cols
    if n == 1:
        return _flows([], [], [], 1)
    order = _snake(rows, cols)
    return _flows(order, np.roll(order, -1), 2.0 * (n - 1) / n * m, n)


def _allreduce_2d(rows: int, cols: int, *, message_bytes: float = 2.0**20) -> Flows:
    """2D all-reduce of ``message_bytes`` (M): rows, then columns, then rows.

    Reduce-scatter along each row (a ring over the row's ``cols`` nodes), ring
    all-reduce of the ``M / cols`` shard along each column, all-gather along
    each row. Per step a node sends ``2 (cols - 1) / cols * M`` bytes to its
    row successor ``((x + 1) % cols, y)`` and ``2 (rows - 1) / rows * M /
    cols`` to its column successor ``(x, (y + 1) % rows)``; each ring closes
    over the mesh by an XY-routed flow back along its row or column. A row
    or column of one node sends nothing along it.

    References: H. Mikami et al., "Massively Distributed SGD: ImageNet/
    ResNet-50 Training in a Flash", arXiv:1811.05233, 2018 (2D-Torus
    all-reduce); ring steps as Patarasuk and Yuan 2009.
    """
    m = _check_bytes("message_bytes", message_bytes)
    n = rows * cols
    s = np.arange(n, dtype=np.int64)
    y, x = np.divmod(s, cols)
    parts = []
    if cols > 1:
        parts.append((s, (x + 1) % cols + cols * y, np.full(n, 2.0 * (cols - 1) / cols * m)))
    if rows > 1:
        parts.append((s, x + cols * ((y + 1) % rows), np.full(n, 2.0 * (rows - 1) / rows * m / cols)))
    if not parts:
        return _flows([], [], [], n)
    return _flows(*(np.concatenate(a) for a in zip(*parts)), n)


def _pipeline(rows: int, cols: int, *, stages: int = 4, activation_bytes: float = 2.0**20) -> Flows:
    """Pipeline-parallel activations: ``stages`` bands of the mesh in a chain.

    The mesh is cut across its longer side (into bands of whole rows when
    ``rows >= cols``, else of whole columns): band ``k`` holds the lines
    ``[k L // stages, (k + 1) L // stages)`` of the ``L`` lines along that
    side, ``h_k`` lines of ``W`` nodes each (``W`` the shorter side). Band
    ``k`` passes ``activation_bytes`` (A) per step to band ``k + 1``, sharded
    over its nodes with the same layout: the node at depth ``d`` into band
    ``k`` sends ``A / (h_k W)`` to the node at depth ``d h_{k+1} // h_k`` into
    band ``k + 1`` along the same column (or row), so every flow is straight
    and each link crossing a band boundary carries ``A / W``. The last band
    sends nothing (forward pass only; the backward pass is the same flows
    reversed). ``stages`` is at most ``L``.

    References: Y. Huang et al., "GPipe: efficient training of giant neural
    networks using pipeline parallelism", NeurIPS 2019; one stage per region
    of the wafer, as in Cerebras's layer-pipelined execution.
    """
    along_rows = rows >= cols
    length, width = (rows, cols) if along_rows else (cols, rows)
    if isinstance(stages, bool) or not isinstance(stages, (numbers.Integral, np.integer)) \
            or not 1 <= stages <= length:
        raise ParameterError(
            f"stages must be an integer in [1, {length}] (bands of whole {'rows' if along_rows else 'columns'}"
            f" across the longer side of the {rows} x {cols} mesh), got {shown(stages)}"
        )
    stages = int(stages)
    a = _check_bytes("activation_bytes", activation_bytes)
    n = rows * cols
    if stages == 1:
        return _flows([], [], [], n)
    bounds = np.arange(stages + 1, dtype=np.int64) * length // stages
    line = np.arange(bounds[-2], dtype=np.int64)          # lines of bands 0 .. stages - 2
    k = np.searchsorted(bounds, line, side="right") - 1
    h_a = bounds[k + 1] - bounds[k]
    target = bounds[k + 1] + (line - bounds[k]) * (bounds[k + 2] - bounds[k + 1]) // h_a
    across = np.tile(np.arange(width, dtype=np.int64), line.size)
    line, target, h_a = (np.repeat(v, width) for v in (line, target, h_a))
    if along_rows:
        src, dst = across + cols * line, across + cols * target
    else:
        src, dst = line + cols * across, target + cols * across
    return _flows(src, dst, a / (h_a * width), n)


def _summa(rows: int, cols: int, *, block_bytes: float = 2.0**20) -> Flows:
    """Row and column broadcasts of SUMMA, as pipelined chains.

    SUMMA multiplies ``C = A B`` on the ``rows x cols`` node grid by
    broadcasting, over its steps, every node's block of ``A`` along its row
    and every node's block of ``B`` along its column (each ``block_bytes``, B).
    A broadcast is a pipelined chain: the root sends its block to its
    neighbours on both sides and each node forwards it one hop further, so
    each link on the row carries the block once, away from the root. No
    broadcast can do with less (every member beyond a link must get the
    block across it), and it is the pipelined broadcast SUMMA is built on. A
    root sending a unicast to every member instead would put ``(x + 1) (cols
    - 1 - x) B`` on the E link leaving column ``x`` rather than ``(x + 1) B``;
    a mesh fabric multicasting along a row, as the WSE's does, loads the
    links as the chain does.

    Per step (one whole multiplication) node ``(x, y)`` sends ``(x + 1) B`` E
    (for ``x < cols - 1``: the blocks of itself and the ``x`` nodes west of
    it), ``(cols - x) B`` W (for ``x > 0``), ``(y + 1) B`` S (``y < rows - 1``)
    and ``(rows - y) B`` N (``y > 0``), each to its neighbour, listed as one
    flow per neighbour.

    References: R. van de Geijn and J. Watts, "SUMMA: scalable universal
    matrix multiplication algorithm", Concurrency: Practice and Experience
    9(4), 1997.
    """
    b = _check_bytes("block_bytes", block_bytes)
    n = rows * cols
    s = np.arange(n, dtype=np.int64)
    y, x = np.divmod(s, cols)
    parts = []
    for ok, step, count in (
        (x < cols - 1, 1, x + 1), (x > 0, -1, cols - x), (y < rows - 1, cols, y + 1), (y > 0, -cols, rows - y),
    ):
        parts.append((s[ok], s[ok] + step, count[ok] * b))
    return _flows(*(np.concatenate(a) for a in zip(*parts)), n)


def _generator(seed: object) -> np.random.Generator:
    """numpy's Generator for ``seed``: an int >= 0, a SeedSequence, a Generator
    (used as it is, so advanced) or None (fresh entropy)."""
    if isinstance(seed, (np.random.SeedSequence, np.random.Generator)) or seed is None:
        return np.random.default_rng(seed)
    if isinstance(seed, (numbers.Integral, np.integer)) and not isinstance(seed, (bool, np.bool_)) and seed >= 0:
        return np.random.default_rng(int(seed))
    raise ParameterError(
        f"seed must be an int >= 0, numpy.random.SeedSequence, numpy.random.Generator or None, got {shown(seed)}"
    )


def _random_graph(rows: int, cols: int, *, degree: float = 4.0, edge_bytes: float = 4.0, seed=0) -> Flows:
    """Irregular traffic: the edges of a random sparse graph, both directions.

    The graph is G(N, m) with ``m = round(N * degree / 2)`` edges drawn
    uniformly among node pairs (no self-loops, no repeated edge), so its mean
    degree is ``degree`` (at most ``(N - 1) / 2``: a sparse graph). Each edge
    carries ``edge_bytes`` per step each way (one message per edge per
    iteration, as in a push-style graph kernel or SpMV), so a node sends
    ``edge_bytes`` times its degree. Deterministic for an int or SeedSequence
    ``seed``: pairs are drawn in rounds and the first ``m`` distinct ones kept.

    References: P. Erdős and A. Rényi, "On random graphs I", Publ. Math.
    Debrecen 6, 1959 (the G(n, m) model).
    """
    n = rows * cols
    degree = check_real("degree", degree, lower=0.0, upper=(n - 1) / 2)
    e = _check_bytes("edge_bytes", edge_bytes)
    rng = _generator(seed)
    m = int(round(n * degree / 2))
    _check_flow_count("degree", 2 * m)
    keys = np.zeros(0, dtype=np.int64)
    while keys.size < m:
        need = m - keys.size
        a = rng.integers(0, n, need + need // 4 + 16)
        b = rng.integers(0, n, a.size)
        ok = a != b
        new = np.minimum(a[ok], b[ok]) * n + np.maximum(a[ok], b[ok])
        both = np.concatenate((keys, new))
        _, first = np.unique(both, return_index=True)
        keys = both[np.sort(first)][:m]
    lo, hi = np.divmod(keys, n)
    return _flows(np.concatenate((lo, hi)), np.concatenate((hi, lo)), e, n)


def _file(rows: int, cols: int, *, path) -> Flows:
    """A user traffic matrix, COO, from a file: ``.npz`` with 1-D arrays
    ``src``, ``dst`` (integers) and ``bytes`` (numbers), nothing else, or
    ``.csv`` with the header ``src,dst,bytes`` and one flow per line.

    Checked: a regular file (no directory, FIFO or device) of at most
    :data:`TRAFFIC_FILE_MAX_BYTES`; ids node ids of the mesh; bytes finite
    and >= 0; no flow from a node to itself (refused, with its line or
    entry: it would use no channel); repeated pairs add. Every error is one
    line naming the file and what is wrong. A CSV file is parsed line by
    line in Python, about a microsecond per line (some 15 s at the limit).
    """
    if not isinstance(path, (str, os.PathLike)) or not isinstance(os.fspath(path), str):
        raise ParameterError(f"path must be a file name (str or os.PathLike), got {shown(path)}")
    name = os.fspath(path)
    kind = os.path.splitext(name)[1].lower()
    if kind not in (".npz", ".csv"):
        raise ParameterError(f"path must name a .npz or .csv file, got {name!r}")
    data = read_file(name, "path", TRAFFIC_FILE_MAX_BYTES, "TRAFFIC_FILE_MAX_BYTES")
    n = rows * cols
    where = f"path {name!r}"
    src, dst, weight, label = (_parse_npz if kind == ".npz" else _parse_csv)(where, data, n)
    same = np.flatnonzero(src == dst)
    if same.size:
        i = int(same[0])
        raise ParameterError(f"{where} {label(i)}: src and dst must differ (a flow to itself uses no channel),"
                             f" got node {int(src[i])} to itself")
    _check_flow_count(where, src.size)
    return _flows(src, dst, weight, n)


def _check_columns(where: str, src, dst, weight, n: int, label: Callable[[int], str]):
    """Ids in ``[0, n)`` and finite bytes >= 0, or an error naming the first bad row."""
    for col, values in (("src", src), ("dst", dst)):
        bad = np.flatnonzero((values < 0) | (values >= n))
        if bad.size:
            i = int(bad[0])
            raise ParameterError(f"{where} {label(i)}: {col} must be a node id in [0, {n:,}), got {int(values[i])}")
    bad = np.flatnonzero(~np.isfinite(weight) | (weight < 0))
    if bad.size:
        i = int(bad[0])
        raise ParameterError(f"{where} {label(i)}: bytes must be a finite number >= 0, got {float(weight[i])!r}")
    return src, dst, weight, label


def _parse_npz(where: str, data: bytes, n: int):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise ParameterError(f"{where} must be a .npz (zip) archive, got a file that is not one") from None
    names = sorted(m.filename for m in members)
    if names != ["bytes.npy", "dst.npy", "src.npy"]:
        raise ParameterError(f"{where} must hold exactly the arrays bytes, dst and src, got {shown(names)}")
    if sum(m.file_size for m in members) > TRAFFIC_FILE_MAX_BYTES:
        raise ParameterError(
            f"{where} must unpack to at most {TRAFFIC_FILE_MAX_BYTES:,} bytes (TRAFFIC_FILE_MAX_BYTES),"
            f" got {sum(m.file_size for m in members):,}"
        )
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            arrays = {k: z[k] for k in ("src", "dst", "bytes")}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as exc:
        raise ParameterError(f"{where} must hold plain numeric .npy arrays, got one numpy cannot read"
                             f" ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from None
    shapes = {k: a.shape for k, a in arrays.items()}
    if any(len(s) != 1 for s in shapes.values()) or len(set(shapes.values())) != 1:
        raise ParameterError(f"{where} must hold 1-D arrays src, dst and bytes of one length, got shapes {shapes}")
    for k in ("src", "dst"):
        if arrays[k].dtype.kind not in "iu":
            raise ParameterError(f"{where}: {k} must be an array of integers, got dtype {arrays[k].dtype}")
        if arrays[k].dtype.kind == "u" and arrays[k].size and int(arrays[k].max()) >= n:
            i = int(np.argmax(arrays[k] >= n))
            raise ParameterError(f"{where} entry {i}: {k} must be a node id in [0, {n:,}), got {int(arrays[k][i])}")
    if arrays["bytes"].dtype.kind not in "iuf":
        raise ParameterError(f"{where}: bytes must be an array of numbers, got dtype {arrays['bytes'].dtype}")
    return _check_columns(where, arrays["src"].astype(np.int64), arrays["dst"].astype(np.int64),
                          arrays["bytes"].astype(np.float64), n, lambda i: f"entry {i}")


def _parse_csv(where: str, data: bytes, n: int):
    if b"\x00" in data:
        raise ParameterError(f"{where} must be a text CSV file, got binary data (a NUL byte at offset {data.index(0)})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{where} must be a UTF-8 text CSV file, got byte {data[exc.start]:#04x}"
                             f" at offset {exc.start}") from None
    lines = io.StringIO(text, newline=None)
    first = lines.readline().rstrip("\n")
    if [f.strip() for f in first.split(",")] != ["src", "dst", "bytes"]:
        raise ParameterError(f"{where} line 1 must be the header src,dst,bytes, got {shown(first)}")
    src, dst, weight, line_of = array("q"), array("q"), array("d"), array("q")
    for k, line in enumerate(lines, start=2):
        if not line.strip():
            continue
        row = line.split(",")
        if len(row) != 3:
            raise ParameterError(f"{where} line {k} must hold 3 fields src,dst,bytes, got {len(row)}:"
                                 f" {shown(line.rstrip())}")
        for col, field, out in (("src", row[0], src), ("dst", row[1], dst)):
            try:
                v = int(field)
            except ValueError:
                v = -1
            if not 0 <= v < n:
                raise ParameterError(f"{where} line {k}: {col} must be a node id in [0, {n:,}),"
                                     f" got {shown(field.strip())}")
            out.append(v)
        try:
            b = float(row[2])
        except ValueError:
            b = math.nan
        if not (math.isfinite(b) and b >= 0):
            raise ParameterError(f"{where} line {k}: bytes must be a finite number >= 0, got {shown(row[2].strip())}")
        weight.append(b)
        line_of.append(k)
    return (np.frombuffer(src, dtype=np.int64), np.frombuffer(dst, dtype=np.int64),
            np.frombuffer(weight, dtype=np.float64), lambda i: f"line {line_of[i]}")


# --------------------------------------------------------------------------
# The registry


@dataclass(frozen=True)
class Pattern:
    """A registered traffic pattern.

    Attributes
    ----------
    name : str
        Its name in :data:`PATTERNS`.
    kind : str
        ``"synthetic"`` or ``"workload"``.
    description : str
        One line, for ``wafer traffic``.
    build : callable
        ``build(rows, cols, **params) -> Flows`` on a checked mesh shape; the
        pattern's parameters are its keyword-only parameters.
    permutation : bool
        Whether each node sends to one node (its fixed points to none).

    Examples
    --------
    >>> PATTERNS["hotspot"].params
    {'hot': None, 'fraction': 0.1}
    >>> Pattern("x", "other", "-", _uniform)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: kind must be one of 'synthetic', 'workload', got 'other'
    """

    name: str
    kind: str
    description: str
    build: Callable[..., Flows]
    permutation: bool = False

    def __post_init__(self) -> None:
        check_str("name", self.name)
        check_choice("kind", self.kind, ("synthetic", "workload"))
        check_str("description", self.description)
        if not callable(self.build):
            raise ParameterError(f"build must be a callable build(rows, cols, **params), got {shown(self.build)}")
        if not isinstance(self.permutation, bool):
            raise ParameterError(f"permutation must be true or false, got {shown(self.permutation)}")

    @property
    def params(self) -> dict[str, object]:
        """Keyword parameters and their defaults (:data:`REQUIRED` for none)."""
        return {
            p.name: (REQUIRED if p.default is inspect.Parameter.empty else p.default)
            for p in inspect.signature(self.build).parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY
        }


class _Required:
    """Marker of a parameter without a default."""

    def __repr__(self) -> str:
        return "REQUIRED"


#: Default of a pattern parameter that must be given (``file``'s ``path``).
REQUIRED = _Required()


def _register(*patterns: Pattern) -> dict[str, Pattern]:
    return {p.name: p for p in patterns}


#: Traffic patterns by name.
PATTERNS: dict[str, Pattern] = _register(
    Pattern("uniform", "synthetic", "each node to every other node, 1/(N-1) each (closed form, no flows listed)",
            _uniform),
    Pattern("transpose", "synthetic", "(x, y) -> (y, x); square mesh, power-of-two side (BookSim)",
            _transpose, True),
    Pattern("bitcomp", "synthetic", "bit complement of the node id; power-of-two nodes (BookSim)",
            _bitcomp, True),
    Pattern("bitrev", "synthetic", "node id bits reversed; power-of-two nodes (BookSim)", _bitrev, True),
    Pattern("shuffle", "synthetic", "node id bits rotated left by one; power-of-two nodes (BookSim)",
            _shuffle, True),
    Pattern("tornado", "synthetic", "each coordinate + ceil(k/2) - 1, wrapping (BookSim)", _tornado, True),
    Pattern("neighbor", "synthetic", "each coordinate + 1, wrapping: the diagonal neighbour (BookSim)",
            _neighbor, True),
    Pattern("hotspot", "synthetic", "fraction of each node's traffic to the hot nodes, the rest uniform",
            _hotspot),
    Pattern("stencil", "workload", "2D stencil halo exchange (5 or 9 points) with the mesh neighbours",
            _stencil),
    Pattern("allreduce-ring", "workload", "ring all-reduce over the snake order: 2(N-1)/N M to the successor",
            _allreduce_ring),
    Pattern("allreduce-2d", "workload", "2D all-reduce: reduce-scatter rows, all-reduce columns, all-gather rows",
            _allreduce_2d),
    Pattern("pipeline", "workload", "pipeline-parallel stages as bands of the mesh passing activations on",
            _pipeline),
    Pattern("summa", "workload", "SUMMA row and column broadcasts of every block, as pipelined chains",
            _summa),
    Pattern("random-graph", "workload", "both directions of each edge of a random sparse graph G(N, m)",
            _random_graph),
    Pattern("file", "workload", "a user traffic matrix: .npz (src, dst, bytes) or .csv with that header",
            _file),
)


def describe_patterns() -> list[dict]:
    """Every registered pattern: name, kind, parameters with defaults, description.

    JSON-ready: a parameter without a default (it must be given) is listed in
    ``required`` and shown with the default None.

    Examples
    --------
    >>> d = {p["name"]: p for p in describe_patterns()}
    >>> d["stencil"]["params"]
    {'points': 5, 'halo': 1, 'tile_rows': 32, 'tile_cols': 32, 'cell_bytes': 4.0}
    >>> d["file"]["required"], d["uniform"]["kind"]
    (['path'], 'synthetic')
    """
    out = []
    for p in PATTERNS.values():
        params = p.params
        out.append({
            "name": p.name,
            "kind": p.kind,
            "params": {k: (None if v is REQUIRED else v) for k, v in params.items()},
            "required": [k for k, v in params.items() if v is REQUIRED],
            "description": p.description,
        })
    return out


def make_traffic(name: str, rows: int, cols: int, **params) -> Flows:
    """The flows of traffic pattern ``name`` on a ``rows x cols`` mesh.

    Parameters
    ----------
    name : str
        A key of :data:`PATTERNS` (see :func:`describe_patterns`).
    rows, cols : int
        Mesh shape, at most :data:`TRAFFIC_MAX_NODES` nodes.
    **params
        The pattern's parameters; the others keep their defaults.

    Returns
    -------
    Flows

    Notes
    -----
    O(N + flows) time and memory for ``N`` nodes; uniform traffic is O(1)
    (no flows listed). Definitions and references: the module docstring and
    each pattern's builder.

    Examples
    --------
    >>> f = make_traffic("transpose", 2, 2)          # (1, 0) <-> (0, 1)
    >>> f.src.tolist(), f.dst.tolist(), f.weight.tolist()
    ([1, 2], [2, 1], [1.0, 1.0])
    >>> make_traffic("allreduce-ring", 2, 2, message_bytes=4).sent().tolist()
    [6.0, 6.0, 6.0, 6.0]
    >>> make_traffic("uniform", 1000, 1000).uniform, len(make_traffic("uniform", 1000, 1000))
    (1.0, 0)
    >>> make_traffic("transpos", 4, 4)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: pattern must be one of 'uniform', 'transpose', 'bitcomp', 'bitrev', 'shuffle', 'tornado', 'neighbor', 'hotspot', 'stencil', 'allreduce-ring', 'allreduce-2d', 'pipeline', 'summa', 'random-graph', 'file', got 'transpos' (did you mean 'transpose'?)
    >>> make_traffic("stencil", 4, 4, hallo=2)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: parameter of 'stencil' must be one of 'points', 'halo', 'tile_rows', 'tile_cols', 'cell_bytes', got 'hallo' (did you mean 'halo'?)
    >>> make_traffic("bitrev", 3, 4)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: rows x cols must have a power-of-two number of nodes for 'bitrev' (a bit permutation of node ids, as in BookSim), got 3 x 4 = 12
    """
    pattern = PATTERNS.get(name) if isinstance(name, str) else None
    if pattern is None:
        raise unknown_name("pattern", name, PATTERNS)
    rows, cols = _check_mesh(rows, cols, limit=TRAFFIC_MAX_NODES, limit_name="TRAFFIC_MAX_NODES")
    known = pattern.params
    for key in params:
        if key not in known:
            raise unknown_name(f"parameter of {pattern.name!r}", key, known)
    missing = [k for k, v in known.items() if v is REQUIRED and k not in params]
    if missing:
        raise ParameterError(f"{missing[0]} must be given for pattern {pattern.name!r}, got no value")
    return pattern.build(rows, cols, **params)
