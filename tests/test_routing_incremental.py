"""Metrics of trials as changes of a base embedding against the full computation.

:meth:`routing.UniformBase.metrics_batch` must give, for every trial, exactly
what :func:`routing.embedded_uniform_metrics` gives for the trial's whole
embedding. The trials here are random re-placements of some rows of a random
base placement, with dead routers; the changes are derived from the two
dense maps by the contract's rule, in plain Python.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import routing
from routing import EmbeddedTraffic, EmbeddingChanges, ParameterError, UniformBase
from routing.mesh import channel_target

#: The bypass runs of one trial that has none.
NO_BYPASS = EmbeddingChanges.none(1)[9:]

# --------------------------------------------------------------------------
# Strategies


@st.composite
def placements(draw, max_side: int = 6):
    """``(l2p_a, l2p_b, (prows, pcols), blocked_b, margin)``: a base placement
    of a logical mesh and a trial that re-places some of its rows and kills
    some unused routers."""
    prows = draw(st.integers(2, max_side), label="prows")
    pcols = draw(st.integers(2, max_side), label="pcols")
    lrows = draw(st.integers(1, prows), label="lrows")
    lcols = draw(st.integers(1 if lrows > 1 else 2, pcols), label="lcols")
    prow = sorted(draw(st.lists(st.integers(0, prows - 1), min_size=lrows, max_size=lrows, unique=True)))

    def row(r):
        cols = sorted(draw(st.lists(st.integers(0, pcols - 1), min_size=lcols, max_size=lcols, unique=True)))
        return np.array(cols) + pcols * prow[r]

    l2p_a = np.array([row(r) for r in range(lrows)], dtype=np.int64)
    l2p_b = l2p_a.copy()
    for r in draw(st.sets(st.integers(0, lrows - 1)), label="re-placed rows"):
        l2p_b[r] = row(r)
    unused = sorted(set(range(prows * pcols)) - set(l2p_b.ravel().tolist()))
    k = draw(st.integers(0, len(unused)), label="n_blocked")
    blocked = sorted(draw(st.lists(st.sampled_from(unused), unique=True, min_size=k, max_size=k)) if k else [])
    margin = draw(st.integers(0, 3), label="margin")
    return l2p_a, l2p_b, (prows, pcols), np.array(blocked, dtype=np.int64), margin


# --------------------------------------------------------------------------
# The contract's rule, in plain Python


def paths_of(e: routing.Embedding) -> dict:
    return {int(link): tuple(e.paths.path(i).tolist()) for i, link in enumerate(e.links)}


def ends(channel: int, pshape) -> tuple[int, int]:
    return channel // 4, int(channel_target([channel], *pshape)[0])


def changes_between(l2p_a, l2p_b, pshape, blocked_b, margin):
    """(base, EmbeddingChanges of one trial, the trial's embedding), or None
    where a logical link of either has no path."""
    try:
        ea = routing.embed_dense(l2p_a, pshape, margin=margin)
        eb = routing.embed_dense(l2p_b, pshape, blocked_b, margin)
    except ParameterError:
        return None
    lshape = l2p_a.shape
    base = UniformBase(lshape, pshape, ea)
    n_phys = pshape[0] * pshape[1]
    p2l_a = np.full(n_phys, -1)
    p2l_a[l2p_a.ravel()] = np.arange(l2p_a.size)
    p2l_b = np.full(n_phys, -1)
    p2l_b[l2p_b.ravel()] = np.arange(l2p_b.size)
    pa, pb = paths_of(ea), paths_of(eb)
    # Nodes where the trial differs: another logical node, a dead router, or
    # an end of the one-hop channel of a link listed by one side only.
    changed = set(np.flatnonzero(p2l_a != p2l_b).tolist()) | set(blocked_b.tolist())
    for link in set(pa) ^ set(pb):
        node, port = divmod(link, 4)
        target = int(channel_target([link], *lshape)[0])
        for l2p in (l2p_a, l2p_b):
            src, dst = int(l2p.ravel()[node]), int(l2p.ravel()[target])
            changed |= {src, dst}
    base_links = base.links.tolist()
    removed = []
    for i, link in enumerate(base_links):
        nodes = {n for c in pa[link] for n in ends(c, pshape)}
        if nodes & changed or pb.get(link) != pa[link]:
            removed.append(i)
    kept = {base_links[i] for i in set(range(len(base_links))) - set(removed)}
    own = sorted(set(pb) - kept)
    chans = [pb[link] for link in own]
    visited = sorted({n for c in [*chans, *(pa[base_links[i]] for i in removed)] for ch in c for n in ends(ch, pshape)})
    changes = EmbeddingChanges(
        np.array([0, len(removed)]), np.array(removed, dtype=np.int64),
        np.array([0, len(own)]), np.array(own, dtype=np.int64),
        np.concatenate(([0], np.cumsum([len(c) for c in chans]))).astype(np.int64),
        np.array([ch for c in chans for ch in c], dtype=np.int64),
        np.array([0, len(visited)]), np.array(visited, dtype=np.int64), p2l_b[visited].astype(np.int64),
        *NO_BYPASS,
    )
    return base, changes, eb


def concat(changes: list[EmbeddingChanges]) -> EmbeddingChanges:
    """One batch of the trials of several one-trial changes."""
    def csr(off_name, val_name):
        offs, vals, total = [0], [], 0
        for c in changes:
            vals.append(getattr(c, val_name))
            total += getattr(c, val_name).size
            offs.append(total)
        return np.array(offs, dtype=np.int64), np.concatenate(vals).astype(np.int64)

    r_off, r = csr("removed_offsets", "removed")
    l_off, links = csr("link_offsets", "links")
    n_off, nodes = csr("node_offsets", "nodes")
    logical = np.concatenate([c.logical for c in changes]).astype(np.int64)
    channels = np.concatenate([c.channels for c in changes]).astype(np.int64)
    hops = np.concatenate([np.diff(c.path_offsets) for c in changes])
    p_off = np.concatenate(([0], np.cumsum(hops))).astype(np.int64)
    return EmbeddingChanges(r_off, r, l_off, links, p_off, channels, n_off, nodes, logical,
                            *EmbeddingChanges.none(len(changes))[9:])


def as_dict(m: routing.UniformMetrics) -> dict:
    return {k: getattr(m, k) for k in (
        "gamma_max", "saturation", "bandwidth_fraction", "mean_link_extra_hops",
        "max_link_extra_hops", "mean_route_extra_hops", "max_route_extra_hops",
    )}


# --------------------------------------------------------------------------
# Changes == the whole computation


@given(placements())
@settings(max_examples=200)
def test_changes_give_the_metrics_of_the_whole_embedding(case):
    l2p_a, l2p_b, pshape, blocked, margin = case
    out = changes_between(l2p_a, l2p_b, pshape, blocked, margin)
    assume(out is not None)
    base, changes, eb = out
    want = as_dict(routing.embedded_uniform_metrics(l2p_b.shape, pshape, *eb))
    got = base.metrics_batch(changes)
    assert {k: float(v[0]) for k, v in got.items()} == want


@given(st.lists(placements(max_side=5), min_size=2, max_size=4))
@settings(max_examples=40)
def test_a_batch_gives_each_trial_its_own_metrics(cases):
    # One base (the first case's), several trials placed on it.
    l2p_a, _, pshape, _, margin = cases[0]
    trials = []
    for _, l2p_b, shape_b, blocked, _ in cases:
        if shape_b == pshape and l2p_b.shape == l2p_a.shape:
            out = changes_between(l2p_a, l2p_b, pshape, blocked, margin)
            if out is not None:
                trials.append(out)
    base_out = changes_between(l2p_a, l2p_a, pshape, np.zeros(0, dtype=np.int64), margin)
    assume(base_out is not None and trials)
    base = base_out[0]
    got = base.metrics_batch(concat([c for _, c, _ in trials]))
    for t, (_, _, eb) in enumerate(trials):
        want = as_dict(routing.embedded_uniform_metrics(l2p_a.shape, pshape, *eb))
        assert {k: float(v[t]) for k, v in got.items()} == want


@given(placements())
@settings(max_examples=50)
def test_no_change_gives_the_base_and_everything_changed_gives_the_trial(case):
    l2p_a, l2p_b, pshape, blocked, margin = case
    out = changes_between(l2p_a, l2p_b, pshape, blocked, margin)
    assume(out is not None)
    base, _, eb = out
    unchanged = base.metrics_batch(EmbeddingChanges.none(2))
    assert all(float(v[1]) == as_dict(base.metrics)[k] for k, v in unchanged.items())
    # Removing every base link and listing every trial link is always valid.
    everything = np.arange(base.links.size)
    order = np.argsort(eb.links)
    paths = [eb.paths.path(i) for i in order]
    nodes = np.flatnonzero(np.ones(pshape[0] * pshape[1], dtype=bool))
    p2l_b = np.full(nodes.size, -1)
    p2l_b[l2p_b.ravel()] = np.arange(l2p_b.size)
    changes = EmbeddingChanges(
        np.array([0, everything.size]), everything, np.array([0, eb.links.size]), eb.links[order],
        np.concatenate(([0], np.cumsum([p.size for p in paths]))).astype(np.int64),
        np.concatenate(paths).astype(np.int64) if paths else np.zeros(0, dtype=np.int64),
        np.array([0, nodes.size]), nodes, p2l_b, *NO_BYPASS,
    )
    want = as_dict(routing.embedded_uniform_metrics(l2p_b.shape, pshape, *eb))
    assert {k: float(v[0]) for k, v in base.metrics_batch(changes).items()} == want


def test_visited_nodes_are_the_ends_of_every_changed_channel():
    e = routing.embed_dense(np.array([[0, 2, 3]]), (1, 4))
    base = UniformBase((1, 3), (1, 4), e)
    # Trial 0 removes the base's two links (0 -> 2 over the unused router 1,
    # and back) and lists nothing; trial 1 changes nothing.
    paths = routing.window_paths(1, 4, [], [])
    off, nodes = base.visited_nodes([0, 2, 2], [0, 1], [0, 0, 0], paths)
    assert off.tolist() == [0, 3, 3] and nodes.tolist() == [0, 1, 2]


def test_metrics_batch_rejects_inconsistent_changes():
    e = routing.embed_dense(np.array([[0, 2]]), (1, 3))
    base = UniformBase((1, 2), (1, 3), e)
    valid = EmbeddingChanges(np.array([0, 1]), np.array([0]), np.array([0, 1]), np.array([0]),
                             np.array([0, 2]), np.array([0, 4]), np.array([0, 3]), np.arange(3),
                             np.array([0, -1, 1]), *NO_BYPASS)
    assert base.metrics_batch(valid)["max_link_extra_hops"].tolist() == [1.0]
    # Listed again on the same path, the link changes no channel; dropped, it
    # changes both of its channels, whose three ends must then be given.
    dropped = valid._replace(link_offsets=np.array([0, 0]), links=np.zeros(0, dtype=np.int64),
                             path_offsets=np.array([0]), channels=np.zeros(0, dtype=np.int64))
    assert base.metrics_batch(dropped)["max_link_extra_hops"].tolist() == [1.0]
    with pytest.raises(ParameterError, match="changes.nodes must cover"):
        base.metrics_batch(dropped._replace(node_offsets=np.array([0, 2]), nodes=np.arange(2),
                                            logical=np.array([0, -1])))
    with pytest.raises(ParameterError, match="must not list a base link that trial 0 keeps"):
        base.metrics_batch(valid._replace(removed_offsets=np.array([0, 0]), removed=np.zeros(0, dtype=np.int64)))
    with pytest.raises(ParameterError, match="sorted and distinct within each trial"):
        base.metrics_batch(valid._replace(removed_offsets=np.array([0, 2]), removed=np.array([1, 0])))
    with pytest.raises(ParameterError, match="changes.path_offsets must give every link a path"):
        base.metrics_batch(valid._replace(path_offsets=np.array([0, 0]), channels=np.zeros(0, dtype=np.int64)))
    with pytest.raises(ParameterError, match="changes must be a routing.EmbeddingChanges"):
        base.metrics_batch(tuple(valid))


# --------------------------------------------------------------------------
# Batched window paths == one call per trial


@given(st.data())
@settings(max_examples=60)
def test_window_paths_batch_equals_one_call_per_trial(data):
    rows = data.draw(st.integers(1, 6))
    cols = data.draw(st.integers(2, 6))
    margin = data.draw(st.integers(0, 3))
    n = rows * cols
    ports = np.arange(4 * n)
    links = ports[channel_target(ports, rows, cols) >= 0].tolist()
    srcs, dsts, blocked, dead, offs = [], [], [], [], ([0], [0], [0])
    for _ in range(data.draw(st.integers(0, 4))):
        b = data.draw(st.sets(st.integers(0, n - 1), max_size=n - 2))
        live = sorted(set(range(n)) - b)
        pairs = data.draw(st.lists(st.tuples(st.sampled_from(live), st.sampled_from(live)), max_size=4))
        d = data.draw(st.sets(st.sampled_from(links), max_size=4)) if links else set()
        srcs += [p[0] for p in pairs]
        dsts += [p[1] for p in pairs]
        blocked += sorted(b)
        dead += sorted(d)
        for o, k in zip(offs, (len(pairs), len(b), len(d))):
            o.append(o[-1] + k)
    got = routing.window_paths_batch(rows, cols, offs[0], srcs, dsts, offs[1], blocked, offs[2], dead, margin)
    for t in range(len(offs[0]) - 1):
        want = routing.window_paths(
            rows, cols, srcs[offs[0][t]:offs[0][t + 1]], dsts[offs[0][t]:offs[0][t + 1]],
            blocked[offs[1][t]:offs[1][t + 1]], margin, dead[offs[2][t]:offs[2][t + 1]],
        )
        for i in range(len(want)):
            j = offs[0][t] + i
            assert got.found[j] == want.found[i]
            assert got.path(j).tolist() == want.path(i).tolist()


# --------------------------------------------------------------------------
# Any pattern's loads: changes == every logical link's load put on its path


def reference_sums(l2p: np.ndarray, e: routing.Embedding, loads: np.ndarray, pshape) -> dict:
    """Largest physical channel load and load-weighted extra hops, link by link."""
    lrows, lcols = l2p.shape
    flat = l2p.ravel()
    paths = paths_of(e)
    per_channel: dict[int, float] = {}
    extra = 0.0
    for link in range(4 * lrows * lcols):
        target = int(channel_target([link], lrows, lcols)[0])
        if target < 0:
            continue
        node, port = divmod(link, 4)
        path = paths.get(link, (4 * int(flat[node]) + port,))
        for c in path:
            per_channel[c] = per_channel.get(c, 0.0) + loads[link]
        extra += loads[link] * max(len(path) - 1, 0)
    return {"max_load": max(per_channel.values(), default=0.0), "sum_load_extra": extra}


@given(placements(), st.data())
@settings(max_examples=150)
def test_pattern_loads_on_the_changed_embedding_equal_a_link_by_link_sum(case, data):
    l2p_a, l2p_b, pshape, blocked, margin = case
    out = changes_between(l2p_a, l2p_b, pshape, blocked, margin)
    assume(out is not None)
    base, changes, eb = out
    lrows, lcols = l2p_a.shape
    ports = np.arange(4 * lrows * lcols)
    inside = channel_target(ports, lrows, lcols) >= 0
    # Integer loads: the sums are exact, whatever their order.
    values = data.draw(st.lists(st.integers(0, 50), min_size=int(inside.sum()), max_size=int(inside.sum())))
    loads = np.zeros(ports.size)
    loads[inside] = values
    traffic = base.with_loads(loads)
    got = traffic.sums_batch(changes)
    want = reference_sums(l2p_b, eb, loads, pshape)
    assert float(got["max_load"][0]) == want["max_load"]
    assert float(got["sum_load_extra"][0]) == want["sum_load_extra"]
    assert traffic.load_sum == loads.sum()
    # The uniform base is unchanged by a pattern made from it.
    assert base.uniform and not traffic.uniform


def test_bypass_runs_carry_their_links_loads():
    e = routing.embed_dense(np.array([[0, 1], [2, 3]]), (2, 2))
    loads = np.arange(16, dtype=np.float64)
    loads[channel_target(np.arange(16), 2, 2) < 0] = 0
    t = routing.EmbeddedTraffic((2, 2), (2, 2), e, loads)
    # Trial 0: the link between (1, 0) and (1, 1) rides a bypass channel
    # (channels 4 * 1 + S = 6 down, 4 * 3 + N = 15 up).
    changes = EmbeddingChanges.none(2)._replace(
        bypass_offsets=np.array([0, 1, 1]), bypass_rows=np.array([0]), bypass_x0=np.array([1]),
        bypass_x1=np.array([2]))
    s = t.sums_batch(changes)
    assert s["bypass_max"].tolist() == [15.0, 0.0]
    assert s["bypass_sum"].tolist() == [21.0, 0.0]


# --------------------------------------------------------------------------
# Figures on a plain mesh: the formulas by hand


@given(st.integers(2, 8), st.integers(2, 8), st.sampled_from(["tornado", "neighbor", "stencil", "hotspot"]),
       st.integers(1, 4))
@settings(max_examples=40)
def test_figures_of_a_plain_mesh_follow_the_zero_load_formula(rows, cols, name, flits):
    flows = routing.make_traffic(name, rows, cols)
    assume(flows.total > 0)  # tornado on a 2 x 2 mesh sends nothing
    loads = routing.channel_loads(flows, rows, cols)
    m = routing.traffic_metrics(flows, rows, cols)
    mesh = routing.LINK_CLASSES["mesh"]
    f = routing.network_figures(routing.Network.mesh(rows, cols), loads, flows.total, packet_flits=flits)
    hop = mesh.latency_cycles + mesh.router_delay_cycles
    assert f["mean_hops"] == pytest.approx(m.mean_hops, rel=1e-12)
    # T0 = H t_hop + L / b: hops times the per-hop delay, plus a packet's flits one a cycle.
    assert f["latency_cycles"] == pytest.approx(m.mean_hops * hop + flits, rel=1e-12)
    assert f["latency_ns"] == pytest.approx(f["latency_cycles"] / mesh.clock_ghz, rel=1e-12)
    assert f["step_cycles"] == pytest.approx(m.max_load * 8 / mesh.bandwidth_bits_per_cycle, rel=1e-12)
    per_bit = mesh.energy_pj_per_bit + mesh.router_energy_pj_per_bit
    assert f["energy_pj_per_bit"] == pytest.approx(m.mean_hops * per_bit, rel=1e-12)


@given(placements(), st.data())
@settings(max_examples=80)
def test_route_extra_hops_sum_the_listed_links_a_route_takes(case, data):
    l2p_a, _, pshape, _, margin = case
    try:
        e = routing.embed_dense(l2p_a, pshape, margin=margin)
    except ParameterError:
        assume(False)
    lrows, lcols = l2p_a.shape
    t = EmbeddedTraffic(l2p_a.shape, pshape, e)
    extra = {int(link): e.paths.path(i).size - 1 for i, link in enumerate(e.links)}
    n = lrows * lcols
    pairs = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), min_size=1, max_size=20))
    src, dst = (np.array(v) for v in zip(*pairs))
    for how in routing.ROUTINGS:
        got = t.route_extra_hops(src, dst, how).tolist()
        paths = routing.route_paths(src, dst, lrows, lcols, how)
        assert got == [sum(extra.get(c, 0) for c in paths.path(i).tolist()) for i in range(len(pairs))]


def test_chiplet_energy_splits_into_routers_and_die_to_die_links():
    net = routing.Network.chiplets(2, 4, 2, 2)
    flows = routing.make_traffic("tornado", 2, 4)
    loads = routing.channel_loads(flows, 2, 4)
    f = routing.network_figures(net, loads, flows.total)
    d2d, mesh = routing.LINK_CLASSES["d2d-standard"], routing.LINK_CLASSES["mesh"]
    crossing = sum(loads[m] for m in np.flatnonzero(net.mesh_channel_ids() >= 0)
                   if net.channel_class[net.mesh_channel_ids()[m]] == net.link_classes.index("d2d-standard"))
    assert f["other_class_energy_pj_per_bit"] == pytest.approx(
        crossing * (d2d.energy_pj_per_bit + d2d.router_energy_pj_per_bit) / flows.total)
    assert f["router_energy_pj_per_bit"] == pytest.approx(f["mean_hops"] * mesh.router_energy_pj_per_bit)
