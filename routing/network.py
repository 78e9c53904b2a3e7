"""The physical network as a value: nodes at (x, y), directed channels in CSR order, link classes, alive masks.

A :class:`Network` is built once per study (:meth:`Network.mesh`,
:meth:`Network.chiplets`, plus :meth:`Network.with_extra_links` for dedicated
links) and each wafer is a cheap change of it (:meth:`Network.with_dead`,
which shares every array but the alive masks). Channels are numbered in CSR
order: those leaving node ``v`` are ``row_ptr[v]`` to ``row_ptr[v + 1] - 1``.
The mesh part of a network also has routing's names, ``4 * node + port``
(:mod:`routing.mesh`); :meth:`Network.mesh_channel_ids` maps them to CSR
positions.

Limits: at most :data:`MAX_NETWORK_NODES` nodes and
:data:`MAX_NETWORK_CHANNELS` channels, so that node and channel ids fit the
int32 arrays the network stores; :meth:`Network.to_networkx` and
:meth:`Network.from_networkx` take at most
:data:`routing.mesh.GRAPH_MAX_NODES` nodes.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from paramcheck import (
    ParameterError, check_bool, check_choice, check_ids, check_instance, check_int, check_int_array, shown,
    unknown_name,
)
from .links import _NUMBERS, LINK_CLASSES, LinkClassTable
from .mesh import GRAPH_MAX_NODES, PORT_STEP, _check_mesh

__all__ = ["MAX_NETWORK_CHANNELS", "MAX_NETWORK_NODES", "Network"]

#: Most nodes a network has (2**26, about 69 WSE-3 wafers of 970k cores;
#: about 2.5 GB for a mesh at the limit).
MAX_NETWORK_NODES = 2**26
#: Most channels a network has (2**28: four per node at the node limit).
MAX_NETWORK_CHANNELS = 2**28

_INT32_MAX = 2**31 - 1
#: Per-channel quantities :meth:`Network.channel_values` gathers from the class table.
_QUANTITIES = (*_NUMBERS, "bandwidth_gbytes_per_s", "latency_ns")
#: The arrays that make a network, compared by ``==``.
_ARRAYS = ("x", "y", "row_ptr", "target", "channel_class", "router_alive", "channel_alive")


def _frozen(a: np.ndarray, dtype) -> np.ndarray:
    """``a`` as ``dtype`` (a copy where the dtype differs), read-only."""
    out = np.ascontiguousarray(a, dtype=dtype)
    out.setflags(write=False)
    return out


def _table(link_classes: object) -> LinkClassTable:
    if link_classes is None:
        return LINK_CLASSES
    return check_instance("link_classes", link_classes, LinkClassTable, "a LinkClassTable or None")


def _mask(name: str, value: object, n: int) -> np.ndarray:
    """``value`` (None: all True) as a 1-D bool array of ``n`` entries."""
    if value is None:
        return np.ones(n, dtype=bool)
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.dtype != np.bool_ or arr.shape != (n,):
        raise ParameterError(f"{name} must be a 1-D array of {n:,} booleans, got {shown(value)}")
    return arr


def _mesh_arrays(rows: int, cols: int) -> tuple[np.ndarray, ...]:
    """x, y, row_ptr and target of a ``rows x cols`` mesh (int32; ports E, W, S, N)."""
    node = np.arange(rows * cols, dtype=np.int32)
    x, y = node % cols, node // cols
    step = np.array(PORT_STEP, dtype=np.int32)
    tx, ty = x[:, None] + step[:, 0], y[:, None] + step[:, 1]
    inside = (tx >= 0) & (tx < cols) & (ty >= 0) & (ty < rows)
    row_ptr = np.zeros(rows * cols + 1, dtype=np.int32)
    np.cumsum(inside.sum(axis=1), out=row_ptr[1:])
    return x, y, row_ptr, (tx + cols * ty)[inside]


class Network:
    """Nodes at integer positions and the directed channels between them.

    Parameters
    ----------
    x, y : 1-D array of int
        Position of each node (1 to :data:`MAX_NETWORK_NODES` nodes), integers
        in ``[0, 2**31)``; no two nodes share a position.
    row_ptr : 1-D array of int, shape (n + 1,)
        CSR offsets: node ``v``'s channels are ``row_ptr[v]`` to
        ``row_ptr[v + 1] - 1``. Starts with 0, never decreases, ends with the
        number of channels (at most :data:`MAX_NETWORK_CHANNELS`).
    target : 1-D array of int
        Node each channel enters; never its own source, and at most one
        channel per (source, target) pair.
    channel_class : 1-D array of int
        Index in ``link_classes`` of each channel's class.
    router_alive, channel_alive : 1-D array of bool, optional
        Which routers and channels work (default: all).
    link_classes : LinkClassTable, optional
        The classes ``channel_class`` indexes (default :data:`routing.links.LINK_CLASSES`).

    Attributes
    ----------
    x, y, row_ptr, target : ndarray of int32
    channel_class : ndarray of uint8
    router_alive, channel_alive : ndarray of bool
    link_classes : LinkClassTable

    Notes
    -----
    The network is immutable: its arrays are read-only copies, and the
    ``with_*`` methods return new networks that share the arrays they do not
    change. The router and channel masks are kept apart: a dead router does
    not mark its channels dead (a fault map keeps what it says), and
    :meth:`channel_usable` combines the two for routing.

    Memory: int32 suffices for positions, offsets and node ids within the
    limits, so a node costs 13 bytes (x, y, row_ptr, alive) and a channel 6
    (target, class, alive): about 37 bytes per node of a mesh, 37 MB for a
    1,000 x 1,000 mesh (4 million channels). Checking the arrays is
    O(n log n + channels log channels).

    Examples
    --------
    Two nodes joined both ways:

    >>> net = Network([0, 1], [0, 0], [0, 1, 2], [1, 0], [0, 0])
    >>> net.n_nodes, net.n_channels, net.source.tolist()
    (2, 2, [0, 1])
    >>> Network([0, 1], [0, 0], [0, 1, 2], [1, 1], [0, 0])
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: target must differ from each channel's source node, got channel 1 from node 1 to itself
    """

    __slots__ = (*_ARRAYS, "link_classes", "_cache")

    def __init__(
        self,
        x: np.ndarray,
        y: np.ndarray,
        row_ptr: np.ndarray,
        target: np.ndarray,
        channel_class: np.ndarray,
        router_alive: np.ndarray | None = None,
        channel_alive: np.ndarray | None = None,
        link_classes: LinkClassTable | None = None,
    ) -> None:
        table = _table(link_classes)
        x, y = (_positions(name, v) for name, v in (("x", x), ("y", y)))
        if x.size != y.size or not 1 <= x.size <= MAX_NETWORK_NODES:
            raise ParameterError(
                f"x and y must have one length, 1 to {MAX_NETWORK_NODES:,} nodes (MAX_NETWORK_NODES),"
                f" got {x.size:,} and {y.size:,}"
            )
        n = x.size
        _check_distinct(x, y)
        target = check_ids("target", target, n, what="node ids")
        if target.size > MAX_NETWORK_CHANNELS:
            raise ParameterError(
                f"target must hold at most {MAX_NETWORK_CHANNELS:,} channels (MAX_NETWORK_CHANNELS),"
                f" got {target.size:,}"
            )
        row_ptr = _offsets(row_ptr, n, target.size)
        channel_class = check_ids("channel_class", channel_class, len(table), what="link class indices")
        if channel_class.size != target.size:
            raise ParameterError(
                f"channel_class must hold one class per channel ({target.size:,}), got {channel_class.size:,}"
            )
        source = np.repeat(np.arange(n), np.diff(row_ptr))
        _check_channels(source, target, n)
        masks = _mask("router_alive", router_alive, n), _mask("channel_alive", channel_alive, target.size)
        self._set(*(np.array(a) for a in (x, y, row_ptr, target, channel_class, *masks)), table)

    def _set(self, x, y, row_ptr, target, channel_class, router_alive, channel_alive, table) -> None:
        """Store the arrays read-only: in place (they are the network's own, or frozen and shared)."""
        for name, value, dtype in (
            ("x", x, np.int32), ("y", y, np.int32), ("row_ptr", row_ptr, np.int32),
            ("target", target, np.int32), ("channel_class", channel_class, np.uint8),
            ("router_alive", router_alive, np.bool_), ("channel_alive", channel_alive, np.bool_),
        ):
            object.__setattr__(self, name, _frozen(value, dtype))
        object.__setattr__(self, "link_classes", table)
        object.__setattr__(self, "_cache", {})

    @classmethod
    def _trusted(cls, *arrays) -> Network:
        """A network of arrays known valid and its own or already read-only (built here), unchecked."""
        net = cls.__new__(cls)
        net._set(*arrays)
        return net

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Network is immutable; with_dead and with_extra_links make changed copies")

    def __reduce__(self):   # pickles (for worker processes) without __setattr__
        return Network._trusted, (*(getattr(self, a) for a in _ARRAYS), self.link_classes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Network):
            return NotImplemented
        return self.link_classes == other.link_classes and all(
            np.array_equal(getattr(self, a), getattr(other, a)) for a in _ARRAYS
        )

    __hash__ = None  # a value with arrays: equal by content, not hashable

    def __repr__(self) -> str:
        return (f"Network({self.n_nodes:,} nodes, {self.n_channels:,} channels,"
                f" classes {', '.join(self.link_classes.names)})")

    # ------------------------------------------------------------------ constructors

    @classmethod
    def mesh(
        cls, rows: int, cols: int, link_class: str = "mesh", link_classes: LinkClassTable | None = None
    ) -> Network:
        """A ``rows x cols`` mesh whose channels are all of ``link_class``.

        Node ``x + cols * y`` is at ``(x, y)``, as in :mod:`routing.mesh`; each
        node's channels leave by ports E, W, S, N in that order (those that
        stay in the mesh), so they are channels ``4 * node + port`` of routing
        in the same order (:meth:`mesh_channel_ids`).

        Parameters
        ----------
        rows, cols : int
            Mesh shape, at most :data:`MAX_NETWORK_NODES` nodes.
        link_class : str
            A class of ``link_classes``.
        link_classes : LinkClassTable, optional
            Default :data:`routing.links.LINK_CLASSES`.

        Notes
        -----
        O(rows * cols) time and memory.

        Examples
        --------
        >>> net = Network.mesh(2, 3)
        >>> net.n_channels == 4 * 2 * 3 - 2 * (2 + 3)
        True
        >>> net.target[net.out_channels(0)].tolist()   # E, then S
        [1, 3]
        """
        rows, cols = _check_mesh(rows, cols, limit=MAX_NETWORK_NODES, limit_name="MAX_NETWORK_NODES")
        table = _table(link_classes)
        k = table.index(link_class)
        x, y, row_ptr, target = _mesh_arrays(rows, cols)
        n = rows * cols
        return cls._trusted(x, y, row_ptr, target, np.full(target.size, k, dtype=np.uint8),
                            np.ones(n, dtype=bool), np.ones(target.size, dtype=bool), table)

    @classmethod
    def chiplets(
        cls,
        rows: int,
        cols: int,
        die_rows: int,
        die_cols: int,
        d2d_class: str = "d2d-standard",
        link_class: str = "mesh",
        link_classes: LinkClassTable | None = None,
    ) -> Network:
        """The ``rows x cols`` mesh cut into dies of ``die_rows x die_cols`` nodes.

        Channels between nodes of one die are of ``link_class``; those that
        cross a die edge are of ``d2d_class``. Node and channel order are
        those of :meth:`mesh`.

        Parameters
        ----------
        rows, cols : int
            Mesh shape, at most :data:`MAX_NETWORK_NODES` nodes.
        die_rows, die_cols : int
            Die shape in nodes; must tile the mesh (divide rows and cols).
        d2d_class, link_class : str
            Classes of ``link_classes``.
        link_classes : LinkClassTable, optional
            Default :data:`routing.links.LINK_CLASSES`.

        Notes
        -----
        O(rows * cols). A mesh of ``(rows / die_rows) x (cols / die_cols)``
        dies has ``2 * (rows * (cols / die_cols - 1) + cols * (rows / die_rows - 1))``
        die-to-die channels.

        Examples
        --------
        Two 2 x 2 dies side by side: two links, four channels, cross.

        >>> net = Network.chiplets(2, 4, 2, 2)
        >>> int((net.channel_class == net.link_classes.index("d2d-standard")).sum())
        4
        >>> Network.chiplets(2, 4, 2, 3)
        Traceback (most recent call last):
        ...
        paramcheck.errors.ParameterError: die_rows x die_cols must tile the 2 x 4 mesh (divide rows and cols), got 2 x 3
        """
        rows, cols = _check_mesh(rows, cols, limit=MAX_NETWORK_NODES, limit_name="MAX_NETWORK_NODES")
        die_rows, die_cols = check_int("die_rows", die_rows), check_int("die_cols", die_cols)
        if rows % die_rows or cols % die_cols:
            raise ParameterError(
                f"die_rows x die_cols must tile the {rows} x {cols} mesh (divide rows and cols),"
                f" got {die_rows} x {die_cols}"
            )
        table = _table(link_classes)
        d2d, on_die = table.index(d2d_class), table.index(link_class)
        x, y, row_ptr, target = _mesh_arrays(rows, cols)
        source = np.repeat(np.arange(rows * cols, dtype=np.int32), np.diff(row_ptr))
        crosses = (x[source] // die_cols != x[target] // die_cols) | (y[source] // die_rows != y[target] // die_rows)
        return cls._trusted(x, y, row_ptr, target, np.where(crosses, d2d, on_die).astype(np.uint8),
                            np.ones(rows * cols, dtype=bool), np.ones(target.size, dtype=bool), table)

    @classmethod
    def from_networkx(cls, G: nx.DiGraph) -> Network:
        """The network a :meth:`to_networkx` graph describes (possibly edited).

        Parameters
        ----------
        G : networkx.DiGraph
            Nodes ``0 .. n - 1`` (at most :data:`routing.mesh.GRAPH_MAX_NODES`)
            with integer ``x`` and ``y`` and optional boolean ``alive``
            (default True); edges with ``link_class`` (a name in the table)
            and optional boolean ``alive``. The table is
            ``G.graph["link_classes"]`` if present, else
            :data:`routing.links.LINK_CLASSES`. Each node's channels are taken
            in the graph's order of its out-edges; the ``channel`` attribute
            is not read. The figures an edge may carry (``bandwidth_bits_per_cycle``
            and the other fields of a link class) must be those of its class:
            to change them, change the class table; to change an edge's
            class, set ``link_class`` and drop the figures.

        Notes
        -----
        O(nodes + edges) in Python.

        Examples
        --------
        >>> net = Network.chiplets(2, 4, 2, 2).with_dead(routers=[5])
        >>> Network.from_networkx(net.to_networkx()) == net
        True
        """
        if not isinstance(G, nx.DiGraph) or G.is_multigraph():
            raise ParameterError(f"G must be a networkx DiGraph, got {shown(G)}")
        n = G.number_of_nodes()
        if not 1 <= n <= GRAPH_MAX_NODES:
            raise ParameterError(f"G must have 1 to {GRAPH_MAX_NODES:,} nodes (GRAPH_MAX_NODES), got {n:,}")
        if set(G) != set(range(n)):
            raise ParameterError(f"G must have nodes 0 .. {n - 1}, got {shown(sorted(G, key=repr))}")
        table = LINK_CLASSES
        if "link_classes" in G.graph:
            table = check_instance("G.graph['link_classes']", G.graph["link_classes"], LinkClassTable)
        x, y, alive = [], [], []
        for v in range(n):
            d = G.nodes[v]
            x.append(check_int(f"G node {v} x", d.get("x"), minimum=0, maximum=_INT32_MAX))
            y.append(check_int(f"G node {v} y", d.get("y"), minimum=0, maximum=_INT32_MAX))
            alive.append(check_bool(f"G node {v} alive", d.get("alive", True)))
        target, classes, channel_alive = [], [], []
        for u in range(n):
            for v, d in G.succ[u].items():
                target.append(v)
                classes.append(_edge_class(table, u, v, d))
                channel_alive.append(check_bool(f"G edge ({u}, {v}) alive", d.get("alive", True)))
        row_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum([G.out_degree(u) for u in range(n)], out=row_ptr[1:])
        return cls(x, y, row_ptr, np.array(target, dtype=np.int64), np.array(classes, dtype=np.int64),
                   np.array(alive, dtype=bool), np.array(channel_alive, dtype=bool), table)

    # ------------------------------------------------------------------ changes

    def with_dead(self, routers: np.ndarray | None = None, links: np.ndarray | None = None) -> Network:
        """A copy with more dead routers and links (those dead already stay dead).

        Parameters
        ----------
        routers : 1-D array of int, optional
            Node ids of dead routers. Their channels keep their own mask;
            :meth:`channel_usable` leaves them out.
        links : 1-D array of int, optional
            CSR ids of dead channels; a link is dead both ways, so the channel
            back (target to source), where there is one, dies too.

        Notes
        -----
        O(nodes + channels) to copy the two masks, plus the out-degrees of
        the dead links' targets; every other array is shared.

        Examples
        --------
        A 1 x 3 row has channels 0 -> 1, 1 -> 2, 1 -> 0, 2 -> 1:

        >>> net = Network.mesh(1, 3).with_dead(links=[0])     # 0 -> 1, and so 1 -> 0
        >>> net.channel_alive.tolist()
        [False, True, False, True]
        """
        routers = check_ids("routers", [] if routers is None else routers, self.n_nodes, what="router ids")
        links = check_ids("links", [] if links is None else links, self.n_channels, what="channel ids")
        router_alive = self.router_alive.copy()
        router_alive[routers] = False
        channel_alive = self.channel_alive.copy()
        back = self._find(self.target[links].astype(np.int64), self._sources_of(links))
        channel_alive[links] = False
        channel_alive[back[back >= 0]] = False
        return Network._trusted(self.x, self.y, self.row_ptr, self.target, self.channel_class,
                                router_alive, channel_alive, self.link_classes)

    def with_extra_links(self, src: np.ndarray, dst: np.ndarray, link_class: str) -> Network:
        """A copy with dedicated links ``src[i] <-> dst[i]`` of ``link_class``.

        A link is two channels, one each way (as mesh links are), alive. Each
        node's new channels follow its old ones, in the order given, so CSR
        order holds and every old channel keeps its place within its node's
        row (and :meth:`mesh_channel_ids` keeps its meaning).

        Parameters
        ----------
        src, dst : 1-D array of int
            Node ids, one length; ``src[i] != dst[i]``, and no link already
            joins them or is given twice (either way round).
        link_class : str
            A class of the network's table, e.g. ``"bypass"``.

        Notes
        -----
        O(nodes + channels + k log k) for ``k`` new links.

        Examples
        --------
        The diagonal bypass links of a 2 x 2 mesh:

        >>> net = Network.mesh(2, 2).with_extra_links([0, 1], [3, 2], "bypass")
        >>> net.n_channels, net.target[net.out_channels(0)].tolist()
        (12, [1, 2, 3])
        """
        n = self.n_nodes
        src = check_ids("src", src, n, what="node ids")
        dst = check_ids("dst", dst, n, what="node ids")
        if src.size != dst.size:
            raise ParameterError(f"src and dst must have one length, got {src.size:,} and {dst.size:,}")
        k = self.link_classes.index(link_class)
        if (src == dst).any():
            v = int(src[src == dst][0])
            raise ParameterError(f"src and dst must be distinct nodes, got a link from node {v} to itself")
        a, b = np.concatenate((src, dst)), np.concatenate((dst, src))
        if self.n_channels + a.size > MAX_NETWORK_CHANNELS:
            raise ParameterError(
                f"src and dst must keep the network within {MAX_NETWORK_CHANNELS:,} channels"
                f" (MAX_NETWORK_CHANNELS), got {self.n_channels:,} + {a.size:,}"
            )
        old = self._find(a, b) >= 0
        if old.any():
            i = int(np.flatnonzero(old)[0])
            raise ParameterError(f"src and dst must be new links, got nodes {a[i]} and {b[i]}, already joined")
        keys, first = np.unique(a * n + b, return_index=True)
        if keys.size != a.size:
            i = int(np.setdiff1d(np.arange(a.size), first)[0])
            raise ParameterError(f"src and dst must give each link once, got nodes {a[i]} and {b[i]} twice")
        return self._insert(a, b, k)

    def _insert(self, a: np.ndarray, b: np.ndarray, k: int) -> Network:
        """The network with new alive channels ``a[i] -> b[i]`` of class ``k``, each after its row's old ones."""
        n, c = self.n_nodes, self.n_channels
        old = np.diff(self.row_ptr).astype(np.int64)
        add = np.bincount(a, minlength=n)
        row_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(old + add, out=row_ptr[1:])
        old_pos = np.arange(c) + np.repeat(row_ptr[:-1] - self.row_ptr[:-1], old)
        order = np.argsort(a, kind="stable")
        rank = np.arange(a.size) - (np.cumsum(add) - add)[a[order]]
        new_pos = np.empty(a.size, dtype=np.int64)
        new_pos[order] = row_ptr[a[order]] + old[a[order]] + rank

        def placed(old_values, new_values, dtype):
            out = np.empty(c + a.size, dtype=dtype)
            out[old_pos], out[new_pos] = old_values, new_values
            return out

        return Network._trusted(
            self.x, self.y, row_ptr, placed(self.target, b, np.int32), placed(self.channel_class, k, np.uint8),
            self.router_alive, placed(self.channel_alive, True, bool), self.link_classes,
        )

    # ------------------------------------------------------------------ queries

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return self.x.size

    @property
    def n_channels(self) -> int:
        """Number of directed channels."""
        return self.target.size

    @property
    def source(self) -> np.ndarray:
        """Node each channel leaves (int32, read-only; built once, O(channels))."""
        if "source" not in self._cache:
            self._cache["source"] = _frozen(np.repeat(np.arange(self.n_nodes), np.diff(self.row_ptr)), np.int32)
        return self._cache["source"]

    def out_channels(self, node: int) -> np.ndarray:
        """CSR ids of the channels leaving ``node``, in order.

        Examples
        --------
        >>> Network.mesh(3, 3).out_channels(4).size
        4
        """
        node = check_int("node", node, minimum=0, maximum=self.n_nodes - 1)
        return np.arange(self.row_ptr[node], self.row_ptr[node + 1])

    def channel_values(self, quantity: str) -> np.ndarray:
        """One figure of each channel's link class, per channel (float64).

        Parameters
        ----------
        quantity : str
            A field of :class:`routing.links.LinkClass` (``"bandwidth_bits_per_cycle"``,
            ``"latency_cycles"``, ``"energy_pj_per_bit"``, ``"router_delay_cycles"``,
            ``"router_energy_pj_per_bit"``, ``"clock_ghz"``) or a derived one
            (``"bandwidth_gbytes_per_s"``, ``"latency_ns"``). Router figures are
            those of the router each channel enters.

        Notes
        -----
        O(channels).

        Examples
        --------
        Channels 0->1, 1->2, 1->0, 2->3, 2->1, 3->2 of two 1 x 2 dies:

        >>> Network.chiplets(1, 4, 1, 2).channel_values("energy_pj_per_bit").tolist()
        [0.022, 0.5, 0.022, 0.022, 0.5, 0.022]
        """
        quantity = check_choice("quantity", quantity, _QUANTITIES)
        per_class = np.array([getattr(c, quantity) for c in self.link_classes.classes], dtype=np.float64)
        return per_class[self.channel_class]

    def channel_usable(self) -> np.ndarray:
        """Whether each channel can carry traffic: it and the routers at both ends alive.

        Examples
        --------
        >>> Network.mesh(1, 3).with_dead(routers=[2]).channel_usable().tolist()   # 0->1 1->2 1->0 2->1
        [True, False, True, False]
        """
        alive = self.router_alive
        return self.channel_alive & alive[self.source] & alive[self.target]

    def mesh_channel_ids(self) -> np.ndarray:
        """CSR id of routing's channel ``4 * node + port``, or -1 where it has none.

        A channel is node ``v``'s port E, W, S or N when it leads to the node
        one step away that way (+x, -x, +y, -y); other channels (diagonal
        links, say) have no port. For :meth:`mesh` and :meth:`chiplets`
        networks, -1 marks exactly the ports that leave the mesh.

        Returns
        -------
        ndarray of int32, shape (4 * n_nodes,)
            Read-only; built once, O(channels).

        Examples
        --------
        >>> Network.mesh(1, 2).mesh_channel_ids().tolist()    # 0 -E-> 1 and 1 -W-> 0
        [0, -1, -1, -1, -1, 1, -1, -1]
        """
        if "mesh_ids" not in self._cache:
            # int32 throughout: positions < 2**31 differ by less, and 4 * nodes < 2**31.
            source = self.source
            dx = self.x[self.target] - self.x[source]
            dy = self.y[self.target] - self.y[source]
            ids = np.full(4 * self.n_nodes, -1, dtype=np.int32)
            for port, (sx, sy) in enumerate(PORT_STEP):
                hit = np.flatnonzero((dx == sx) & (dy == sy))
                ids[4 * source[hit] + port] = hit
            self._cache["mesh_ids"] = _frozen(ids, np.int32)
        return self._cache["mesh_ids"]

    def channel_of(self, node: np.ndarray, port: np.ndarray) -> np.ndarray:
        """CSR ids of the channels leaving ``node[i]`` by ``port[i]``, or -1 (vectorised).

        Parameters
        ----------
        node : 1-D array of int
            Node ids.
        port : 1-D array of int
            Ports in ``[0, 4)`` (E, W, S, N), one per node.

        Examples
        --------
        >>> from routing.mesh import EAST, WEST
        >>> Network.mesh(1, 2).channel_of([0, 0, 1], [EAST, WEST, WEST]).tolist()
        [0, -1, 1]
        """
        node = check_ids("node", node, self.n_nodes, what="node ids")
        port = check_ids("port", port, 4, what="ports (E, W, S, N)")
        if node.size != port.size:
            raise ParameterError(f"node and port must have one length, got {node.size:,} and {port.size:,}")
        return self.mesh_channel_ids()[4 * node + port]

    def to_networkx(self) -> nx.DiGraph:
        """The network as a networkx graph, every attribute included.

        Nodes carry ``x``, ``y``, ``alive``; edges ``channel`` (CSR id),
        ``link_class`` (its name), ``alive`` and the class's figures
        (``bandwidth_bits_per_cycle``, ``clock_ghz``, ``latency_cycles``,
        ``energy_pj_per_bit``, ``router_delay_cycles``,
        ``router_energy_pj_per_bit``); ``G.graph["link_classes"]`` is the
        table. :meth:`from_networkx` gives back an equal network.

        Notes
        -----
        O(nodes + channels) in networkx (a few kB per node), hence the limit
        :data:`routing.mesh.GRAPH_MAX_NODES` nodes.

        Examples
        --------
        >>> G = Network.mesh(1, 2).to_networkx()
        >>> G.nodes[1]["x"], G.edges[0, 1]["link_class"], G.edges[0, 1]["bandwidth_bits_per_cycle"]
        (1, 'mesh', 32.0)
        """
        if self.n_nodes > GRAPH_MAX_NODES:
            raise ParameterError(
                f"the network must have at most {GRAPH_MAX_NODES:,} nodes (GRAPH_MAX_NODES) to export,"
                f" got {self.n_nodes:,}"
            )
        G = nx.DiGraph(link_classes=self.link_classes)
        G.add_nodes_from(
            (v, {"x": x, "y": y, "alive": a})
            for v, (x, y, a) in enumerate(zip(self.x.tolist(), self.y.tolist(), self.router_alive.tolist()))
        )
        figures = [{"link_class": c.name, **{q: getattr(c, q) for q in _NUMBERS}} for c in self.link_classes.classes]
        G.add_edges_from(
            (s, t, {"channel": i, "alive": a, **figures[k]})
            for i, (s, t, k, a) in enumerate(zip(self.source.tolist(), self.target.tolist(),
                                                 self.channel_class.tolist(), self.channel_alive.tolist()))
        )
        return G

    # ------------------------------------------------------------------ helpers

    def _sources_of(self, channels: np.ndarray) -> np.ndarray:
        """Source node of each CSR id (O(k log n))."""
        return np.searchsorted(self.row_ptr, channels, side="right") - 1

    def _find(self, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        """CSR id of the channel ``src[i] -> dst[i]``, or -1; O(sum of the out-degrees of ``src``)."""
        start = self.row_ptr[src].astype(np.int64)
        count = self.row_ptr[src + 1] - start
        owner = np.repeat(np.arange(src.size), count)
        pos = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count) + np.repeat(start, count)
        hit = self.target[pos] == dst[owner]
        found = np.full(src.size, -1, dtype=np.int64)
        found[owner[hit]] = pos[hit]
        return found


def _positions(name: str, value: object) -> np.ndarray:
    arr = check_int_array(name, value, minimum=0, maximum=_INT32_MAX)
    if arr.ndim != 1:
        raise ParameterError(f"{name} must be a 1-D array of integers in [0, {_INT32_MAX:,}], got {shown(value)}")
    return arr


def _check_distinct(x: np.ndarray, y: np.ndarray) -> None:
    key = np.sort(x * 2**31 + y)
    same = np.flatnonzero(key[1:] == key[:-1])
    if same.size:
        px, py = divmod(int(key[same[0]]), 2**31)
        raise ParameterError(f"x and y must give each node its own position, got ({px}, {py}) twice")


def _offsets(row_ptr: object, n: int, n_channels: int) -> np.ndarray:
    ptr = check_ids("row_ptr", row_ptr, n_channels + 1, what="offsets into the channels")
    if ptr.size != n + 1 or ptr[0] != 0 or ptr[-1] != n_channels:
        raise ParameterError(
            f"row_ptr must hold n + 1 = {n + 1:,} offsets from 0 to the number of channels ({n_channels:,}),"
            f" got {shown(ptr.tolist())}"
        )
    down = np.flatnonzero(np.diff(ptr) < 0)
    if down.size:
        i = int(down[0])
        raise ParameterError(f"row_ptr must never decrease, got {int(ptr[i])} then {int(ptr[i + 1])}")
    return ptr


def _check_channels(source: np.ndarray, target: np.ndarray, n: int) -> None:
    loop = np.flatnonzero(source == target)
    if loop.size:
        c = int(loop[0])
        raise ParameterError(
            f"target must differ from each channel's source node,"
            f" got channel {c} from node {int(source[c])} to itself"
        )
    key = np.sort(source * n + target)
    same = np.flatnonzero(key[1:] == key[:-1])
    if same.size:
        u, v = divmod(int(key[same[0]]), n)
        raise ParameterError(
            f"target must hold one channel per (source, target) pair, got two from node {u} to node {v}"
        )


def _edge_class(table: LinkClassTable, u: int, v: int, d: dict) -> int:
    """Class index of edge ``(u, v)`` of a graph, whose figures must be its class's."""
    if u == v:
        raise ParameterError(f"G edge ({u}, {v}) must join two distinct nodes, got a self-loop")
    name = d.get("link_class")
    if name not in table:
        raise unknown_name(f"G edge ({u}, {v}) link_class", name, table.names)
    link = table[name]
    for q in _NUMBERS:
        if q in d and not _same(d[q], getattr(link, q)):
            raise ParameterError(
                f"G edge ({u}, {v}) {q} must be {getattr(link, q)!r}, the figure of its link class {name!r},"
                f" got {shown(d[q])}: figures follow the class (edit the class table, or drop the figure)"
            )
    return table.index(name)


def _same(a: object, b: float) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False
