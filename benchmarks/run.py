"""Sparse wafer kernels against naive dense numpy baselines, timed in one run.

Run from the project root with the dev environment::

    python benchmarks/run.py                 # default run, about 30 s on 2 cores
    python benchmarks/run.py --quick         # short smoke run, a few seconds
    python benchmarks/run.py --wafers 50000 --repeat 5
    python benchmarks/run.py --json          # results as JSON on stdout

Everything runs at WSE-3 scale: the default ``wafer.WaferSpec()`` (763 x 1272 =
970,536 cores, diagonal links) under the default ``wafer.ShiftToSpare()`` (row
segments of 106 cores ending in 8 spares, max skew 2: the WSE-3 preset) with
D0 = 0.1 defects/cm^2 over 46,225 mm^2, i.e. 46.2 expected defects per wafer. Following the project convention, each section
prints ratios against a baseline measured in the same run; nothing here is
asserted in the test suite.

Section 1, repair check (wafers per second)
    sparse          ``yieldmodels.sample_defects`` + ``wafer.dead_cores`` +
                    ``wafer.ShiftToSpare().check`` on a batch of ``--wafers``
                    wafers, after a warm-up call (JIT compile / cache load);
                    best of ``--repeat``. Run with numba's default thread count
                    and again with one thread.
    dense count     per wafer, one Bernoulli draw per core
                    (``rng.random(n_cores) < p``, ``p = 1 - exp(-mean / n_cores)``,
                    the same dead-core law as the Poisson sampler), reshape to
                    (rows, segments, width), count dead cores per segment, repaired
                    iff every count <= spares. This is the minimum dense job, so
                    the ratio against it is the conservative one.
    dense full      the same plus the skew rule computed densely: the
                    displacement of every logical core, from cumulative dead
                    counts along each segment, compared with the row below.
                    Same job as the sparse check.
    The dense paths run on ``--dense-wafers`` wafers (single-threaded numpy),
    best of ``--repeat``. Checks: the dense evaluator returns the same
    (status, max fill, max skew) as ``ShiftToSpare().check`` on dead-core maps
    drawn by the sparse sampler (exact), and each path's repair rate agrees
    with ``ShiftToSpare().repair_probability`` (statistical): within 4
    standard errors where the closed form is exact for the path ("dense
    count" applies the spare rule only, which it counts exactly), and at most
    4 standard errors above it where it is an upper bound (the default's
    max skew 2 < 8 spares: the closed form leaves out the skew rule).

Section 2, network metrics of one repaired wafer (seconds per wafer)
    sparse          ``scheme.mapping(spec, dead).metrics()``, averaged
                    over ``--metric-wafers`` repaired wafers (per-wafer best of
                    ``--repeat``).
    dense           ``mapping.to_dense()`` + ``routing.embed_dense`` +
                    ``routing.embedded_uniform_metrics`` over every physical
                    node, on the first ``--dense-metric-wafers`` of those wafers
                    (one pass each: a pass takes seconds). ``embed_dense`` lists
                    every logical link that is not one physical hop; with
                    ``diagonal_links`` (the default wafer) vertical neighbours
                    ride dedicated one-hop links, so the dense baseline drops
                    the vertical links from its listing before the metrics, as
                    ``ShiftMapping`` does. The script checks that both give
                    identical ``UniformMetrics`` (exit status 1 if not), and,
                    on one wafer with ``diagonal_links=False``, that the
                    unfiltered dense embedding matches ``ShiftMapping.metrics()``.

Section 6, every scheme (wafers per second, one thread)
    sparse          ``yieldmodels.sample_defects`` + ``wafer.dead_cores`` +
                    ``scheme.check`` + the repair rate and mean logical cores,
                    for each registered scheme at WSE-3 scale: shift-to-spare
                    (the default), spare lines (24 + 24), harvesting rows,
                    column rerouting (8 spare columns).
    dense           per wafer, one Bernoulli draw per core, then the plain
                    evaluator: segment counts and displacements, rows with a
                    dead core, the exact spare-line solver on the mask's dead
                    cores, the dense GCR kernel on the alive mask. Check: each
                    dense evaluator gives the sparse kernel's status and
                    logical shape on the sparse sampler's own wafers.

Section 3, a study's networks (wafers per second)
    batched         what ``wafer.run_study`` does per batch of 64 wafers (the
                    default chunk): ``yieldmodels.sample_grid_defects`` with
                    reticle clustering + ``wafer.faults_from`` +
                    ``wafer.ShiftedNetworks.measure`` (remap rules, then the
                    metrics of every repaired wafer as changes of the
                    fault-free wafer), on ``--study-wafers`` wafers, one thread
                    and the default thread count. Also: the one-time setup
                    (embedding the fault-free wafer), the same run at D0 = 0
                    (a wafer with no defect should cost about its sampling),
                    and the process's peak resident memory (this section runs
                    first, so the peak is its own).
    per wafer       today's per-wafer path before this runner: one
                    ``ShiftMapping(spec, scheme, dead, routers, links).metrics()`` per
                    repaired wafer, on the first ``--metric-wafers`` wafers of
                    the same batches. The script checks that both give
                    identical metrics and statuses (exit status 1 if not).

Section 4, traffic patterns on repaired wafers (microseconds per wafer)
    batched         ``routing.make_traffic`` + ``routing.channel_loads`` once per
                    pattern (the setup, with ``EmbeddedTraffic.with_loads``), then
                    the pattern's channel-load maximum and hop sums of every
                    wafer of the section-3 batches: the cost a pattern adds to
                    ``ShiftedNetworks.measure`` (one thread).
    per wafer       naive numpy on the first ``--metric-wafers`` repaired wafers:
                    ``ShiftMapping(...)``, its dense logical -> physical map and
                    embedding, every logical link's load put on its physical
                    channel or path (``np.bincount``). The script checks that
                    both give the same largest mesh and bypass loads and the
                    same load-weighted extra hops (exit status 1 if not).

Section 5, small faulty meshes against networkx (milliseconds per wafer)
    batched         ``ShiftedNetworks.measure`` with each pattern, per wafer, on
                    32 x 32 and 64 x 64 logical meshes (rows of two segments of
                    16 or 32 cores plus a spare), D0 giving ~8 defects a wafer,
                    a fifth of them killing routers and a fifth links.
    networkx        ``routing.reference_pattern_loads`` on ``ShiftMapping.network()``:
                    every flow routed on the logical mesh and every hop put on
                    the physical network (paths by networkx shortest paths), on
                    the first ``--metric-wafers`` repaired wafers. The script
                    checks the two agree (exit status 1 if not).

Exit status: 0 when every check passes, 1 when one fails (the tables are
still printed), 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from dataclasses import asdict

import numba
import numpy as np
import routing
import wafer
import wafer.workloads
import yieldmodels
from timing import best_of

D0_PER_CM2 = 0.1
Z_LIMIT = 4.0



def _log(msg, quiet):
    if not quiet:
        print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- section 1


def sparse_check(spec, scheme, n, mean, seed):
    """Remap outcome of ``n`` wafers via the sparse sampler and kernels, and their dead cores."""
    defects = yieldmodels.sample_defects(n, mean, spec.n_cores, seed)
    dead = wafer.dead_cores(defects)
    return scheme.check(spec, dead), dead


def dense_eval(dead_mask, spec, scheme, skew=True):
    """(status, max fill, max skew) of one wafer from its dense dead-core mask.

    The straightforward O(cores) way: count per segment; then, if every
    segment has enough spares, the displacement ``d(o)`` of each logical
    offset ``o`` is the number of dead cores before the live core it sits on.
    """
    w, sp = scheme.segment_width, scheme.spares
    rows, nseg = spec.core_rows, spec.core_cols // w
    seg = dead_mask.reshape(rows, nseg, w)
    fill = int(seg.sum(axis=2, dtype=np.int32).max())
    if fill > sp:
        return 1, fill, 0
    if not skew:
        return 0, fill, 0
    lw = w - sp
    cd = np.cumsum(seg, axis=2, dtype=np.int32)  # dead cores at or before each column
    o = np.arange(w, dtype=np.int32) - cd  # logical offset of the core there, if live
    idx = np.flatnonzero(~seg & (o < lw))
    disp = np.empty(rows * nseg * lw, dtype=np.int32)
    disp[(idx // w) * lw + o.ravel()[idx]] = cd.ravel()[idx]
    disp = disp.reshape(rows, nseg * lw)
    k = int(np.abs(np.diff(disp, axis=0)).max()) if rows > 1 else 0
    return (2 if k > scheme.max_skew else 0), fill, k


def dense_check(spec, scheme, n, mean, seed, skew):
    """Repaired mask of ``n`` wafers drawn densely, one Bernoulli per core."""
    rng = np.random.default_rng(seed)
    p = -math.expm1(-mean / spec.n_cores)
    ok = np.empty(n, dtype=bool)
    for t in range(n):
        ok[t] = dense_eval(rng.random(spec.n_cores) < p, spec, scheme, skew)[0] == 0
    return ok


def cross_check_dense(spec, scheme, dead, status, n_each):
    """Dense evaluator vs ``scheme.check`` on the sparse sampler's wafers."""
    rep = np.flatnonzero(status.status == 0)[:n_each]
    bad = np.flatnonzero(status.status != 0)[:n_each]
    mismatches = 0
    for t in np.concatenate((rep, bad)):
        mask = np.zeros(spec.n_cores, dtype=bool)
        mask[dead.trial(int(t))] = True
        got = dense_eval(mask, spec, scheme)
        want = (int(status.status[t]), int(status.max_fill[t]), int(status.max_skew[t]))
        if got[:2] != want[:2] or (want[0] != 1 and got[2] != want[2]):
            mismatches += 1
    return {"wafers": int(rep.size + bad.size), "repaired": int(rep.size),
            "failed": int(bad.size), "mismatches": mismatches}


def section_repair(spec, scheme, mean, args, quiet):
    seed = np.random.SeedSequence(args.seed)
    s_sparse, s_dense = seed.spawn(2)
    exact = scheme.repair_probability(spec, mean)
    leaves_out = scheme.closed_form_leaves_out(spec)
    threads = numba.get_num_threads()

    _log("section 1: warm-up (JIT compile or cache load)", quiet)
    t0 = time.perf_counter()
    sparse_check(spec, scheme, 64, mean, s_sparse)
    warmup = time.perf_counter() - t0

    rows = []
    _log(f"section 1: sparse, {args.wafers} wafers x {args.repeat}, {threads} threads", quiet)
    t, (res, dead) = best_of(lambda: sparse_check(spec, scheme, args.wafers, mean, s_sparse), args.repeat)
    rows.append(("sparse", threads, args.wafers, t, res.repaired))
    if threads > 1:
        _log("section 1: sparse, 1 thread", quiet)
        numba.set_num_threads(1)
        try:
            t1, (res1, _) = best_of(lambda: sparse_check(spec, scheme, args.wafers, mean, s_sparse), args.repeat)
        finally:
            numba.set_num_threads(threads)
        rows.append(("sparse", 1, args.wafers, t1, res1.repaired))
    for name, skew in (("dense count", False), ("dense full", True)):
        _log(f"section 1: {name}, {args.dense_wafers} wafers x {args.repeat}", quiet)
        t, ok = best_of(lambda: dense_check(spec, scheme, args.dense_wafers, mean, s_dense, skew), args.repeat)
        rows.append((name, 1, args.dense_wafers, t, ok))

    _log("section 1: cross-check dense evaluator on sparse-drawn wafers", quiet)
    cross = cross_check_dense(spec, scheme, dead, res, args.cross_wafers)

    out = []
    for name, thr, n, t, ok in rows:
        rate = float(ok.mean())
        se = math.sqrt(exact * (1 - exact) / n)
        out.append({"path": name, "threads": thr, "wafers": n, "seconds": t,
                    "wafers_per_s": n / t, "repair_rate": rate, "z": (rate - exact) / se if se else 0.0,
                    "closed_form_exact": name == "dense count" or not leaves_out})
    base = {r["path"]: r["wafers_per_s"] for r in out if r["path"].startswith("dense")}
    for r in out:
        r["x_dense_count"] = r["wafers_per_s"] / base["dense count"]
        r["x_dense_full"] = r["wafers_per_s"] / base["dense full"]
    return {"warmup_s": warmup, "mean_defects": mean, "repair_probability": exact,
            "closed_form_leaves_out": list(leaves_out), "rows": out, "cross_check": cross}


# --------------------------------------------------------------------------- section 2


def _drop_vertical(e: routing.Embedding) -> routing.Embedding:
    """The embedding without vertical links (carried by dedicated diagonal links)."""
    keep = e.links % 4 < 2
    hops = e.paths.hops
    offsets = np.zeros(int(keep.sum()) + 1, dtype=np.int64)
    np.cumsum(hops[keep], out=offsets[1:])
    paths = routing.PathSet(offsets, e.paths.channels[np.repeat(keep, hops)], e.paths.found[keep])
    return routing.Embedding(e.links[keep], paths, e.p2l_nodes, e.p2l_logical)


def dense_metrics(spec, m):
    """Dense baseline: (metrics, seconds to_dense, embed_dense, metrics)."""
    t0 = time.perf_counter()
    l2p = m.to_dense()
    t1 = time.perf_counter()
    e = routing.embed_dense(l2p, m.physical_shape, m.dead if spec.router_dies_with_core else None,
                            spec.bridge_margin)
    if spec.diagonal_links:
        e = _drop_vertical(e)
    t2 = time.perf_counter()
    met = routing.embedded_uniform_metrics(m.logical_shape, m.physical_shape, *e)
    t3 = time.perf_counter()
    return met, (t1 - t0, t2 - t1, t3 - t2)


def _repaired_wafers(spec, scheme, mean, n, seed):
    """Dead cores of the first ``n`` repaired wafers of a sampled batch."""
    batch = 2 * n + 16
    d = wafer.dead_cores(yieldmodels.sample_defects(batch, mean, spec.n_cores, seed))
    ok = np.flatnonzero(scheme.check(spec, d).repaired)[:n]
    return [np.array(d.trial(int(t))) for t in ok]


def section_metrics(spec, scheme, mean, args, quiet):
    seed = np.random.SeedSequence([args.seed, 2])
    wafers = _repaired_wafers(spec, scheme, mean, args.metric_wafers, seed)
    k = min(args.dense_metric_wafers, len(wafers))

    _log("section 2: warm-up", quiet)
    scheme.mapping(spec, wafers[0]).metrics()
    small = wafer.WaferSpec(core_rows=6, core_cols=16)
    dense_metrics(small, wafer.ShiftToSpare(segment_width=8, spares=1, max_skew=1).mapping(small, [3, 20]))

    _log(f"section 2: sparse metrics, {len(wafers)} wafers x {args.repeat}", quiet)
    sparse_t = []
    sparse_m = []
    for dead in wafers:
        t, met = best_of(lambda: scheme.mapping(spec, dead).metrics(), args.repeat)
        sparse_t.append(t)
        sparse_m.append(met)
    sparse_t = np.array(sparse_t)

    dense_t, parts, mismatches = [], [], []
    for i in range(k):
        _log(f"section 2: dense metrics, wafer {i + 1}/{k}", quiet)
        m = scheme.mapping(spec, wafers[i])
        met, p = dense_metrics(spec, m)
        dense_t.append(sum(p))
        parts.append(p)
        if met != sparse_m[i]:
            mismatches.append({"wafer": i, "sparse": asdict(sparse_m[i]), "dense": asdict(met)})
    dense_t = np.array(dense_t)
    parts = np.array(parts).reshape(-1, 3)

    nodiag = None
    if args.nodiag_check:
        _log("section 2: cross-check with diagonal_links=False (unfiltered embed_dense)", quiet)
        spec2 = wafer.WaferSpec(diagonal_links=False)
        w2 = _repaired_wafers(spec2, scheme, mean, 1, np.random.SeedSequence([args.seed, 3]))[0]
        m2 = scheme.mapping(spec2, w2)
        sm = m2.metrics()
        dm, _ = dense_metrics(spec2, m2)
        nodiag = {"identical": sm == dm, "bandwidth_fraction": sm.bandwidth_fraction}

    sparse_k = float(sparse_t[:k].mean()) if k else math.nan
    return {
        "sparse": {"wafers": len(wafers), "s_per_wafer": float(sparse_t.mean()),
                   "s_per_wafer_same_wafers": sparse_k},
        "dense": {"wafers": k, "s_per_wafer": float(dense_t.mean()) if k else math.nan,
                  "to_dense_s": float(parts[:, 0].mean()) if k else math.nan,
                  "embed_dense_s": float(parts[:, 1].mean()) if k else math.nan,
                  "metrics_s": float(parts[:, 2].mean()) if k else math.nan},
        "ratio_dense_over_sparse": float(dense_t.mean()) / sparse_k if k else math.nan,
        "identical": not mismatches, "mismatches": mismatches,
        "example": asdict(sparse_m[0]),
        "nodiag_check": nodiag,
    }


# --------------------------------------------------------------------------- section 3


def _study_batches(spec, mean, n, seed, chunk=64):
    """The study's defect batches (reticle-clustered, alpha 10) of ``n`` wafers."""
    grid = yieldmodels.DefectGrid.from_die(spec.core_rows, spec.core_cols, spec.die_width_mm, spec.die_height_mm)
    block = wafer.ChipletSpec().die_cores(spec)
    return [yieldmodels.sample_grid_defects(min(chunk, n - s), grid, mean, seed, first_trial=s,
                                            alpha=10.0, block=block)
            for s in range(0, n, chunk)]


def _study_pass(spec, nets, mean, n, seed):
    """Seconds to sample and measure ``n`` wafers as the study does, split in
    (sampling, networks), and the per-trial statuses and metrics."""
    t0 = time.perf_counter()
    batches = _study_batches(spec, mean, n, seed)
    faults = [wafer.faults_from(b) for b in batches]
    t1 = time.perf_counter()
    out = [nets.measure(f) for f in faults]
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, faults, out


def section_study(spec, scheme, mean, args, quiet):
    import resource

    seed = args.seed + 3
    _log("section 3: setup (the fault-free wafer, once per study)", quiet)
    t0 = time.perf_counter()
    nets = wafer.ShiftedNetworks(spec, scheme)
    setup = time.perf_counter() - t0
    _study_pass(spec, nets, mean, 64, seed)  # warm-up: JIT cache loads
    rows = []
    threads = numba.get_num_threads()
    for th in sorted({1, threads}):
        numba.set_num_threads(th)
        for d0 in (D0_PER_CM2, 0.0):
            m = mean if d0 else 0.0
            _log(f"section 3: {args.study_wafers} wafers, D0 {d0}, {th} thread(s)", quiet)
            best = None
            for _ in range(args.repeat):
                sample_s, measure_s, faults, out = _study_pass(spec, nets, m, args.study_wafers, seed)
                if best is None or sample_s + measure_s < sum(best[:2]):
                    best = (sample_s, measure_s, faults, out)
            status = np.concatenate([o[0] for o in best[3]])
            rows.append({"threads": th, "d0_per_cm2": d0, "wafers": args.study_wafers,
                         "sample_s_per_wafer": best[0] / args.study_wafers,
                         "networks_s_per_wafer": best[1] / args.study_wafers,
                         "wafers_per_s": args.study_wafers / (best[0] + best[1]),
                         "repaired": int(np.count_nonzero(status == 0))})
            if th == 1 and d0:
                faults, out = best[2], best[3]
    numba.set_num_threads(threads)

    _log(f"section 3: per-wafer ShiftMapping baseline, {args.metric_wafers} wafers", quiet)
    k = min(args.metric_wafers, args.study_wafers)
    per_wafer, mismatches, done = [], 0, 0
    for f, (status, metrics, _) in zip(faults, out):
        for t in range(f.cores.n_trials):
            if done == k:
                break
            t0 = time.perf_counter()
            m = wafer.ShiftMapping(spec, scheme, f.cores.trial(t), f.routers.trial(t), f.links.trial(t))
            got = m.metrics() if m.repaired else None
            per_wafer.append(time.perf_counter() - t0)
            done += 1
            if m.status != status[t] or (got is not None and any(
                    getattr(got, name) != metrics[name][t] for name in metrics)):
                mismatches += 1
    one = rows[0]
    return {
        "setup_s": setup, "rows": rows,
        "per_wafer": {"wafers": done, "s_per_wafer": float(np.mean(per_wafer))},
        "ratio_per_wafer_over_batched": float(np.mean(per_wafer)) / (one["networks_s_per_wafer"]
                                                                    + one["sample_s_per_wafer"]),
        "identical": mismatches == 0, "mismatches": mismatches,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# --------------------------------------------------------------------------- section 4

#: The patterns section 4 prices (the bit permutations need power-of-two meshes).
PATTERNS = ("stencil", "stencil:points=9", "allreduce-ring", "allreduce-2d", "pipeline", "summa",
            "random-graph", "tornado", "neighbor", "hotspot")


def naive_pattern_sums(spec, m, loads):
    """One wafer's pattern sums in plain numpy over every logical link."""
    lrows, lcols = m.logical_shape
    l2p = m.to_dense().ravel()
    e = m.embedding_or_none()
    links = np.arange(4 * lrows * lcols)
    target = routing.channel_target(links, lrows, lcols)
    node, port = links // 4, links % 4
    valid = target >= 0
    listed = np.isin(links, e.links)
    src, dst = l2p[node[valid]], l2p[target[valid]]
    diag = np.zeros(links.size, dtype=bool)
    diag[valid] = spec.diagonal_links & (port[valid] >= 2) & (src % spec.core_cols != dst % spec.core_cols)
    diag &= ~listed
    one = valid & ~listed & ~diag
    channel = 4 * l2p[node[one]] + port[one]
    path_loads = np.repeat(loads[e.links], e.paths.hops)
    on = np.bincount(np.concatenate((channel, e.paths.channels)),
                     weights=np.concatenate((loads[one], path_loads)), minlength=4 * spec.n_cores)
    return {"max_load": float(on.max()), "bypass_max": float(loads[diag].max(initial=0.0)),
            "sum_load_extra": float((loads[e.links] * (e.paths.hops - 1)).sum())}


def section_patterns(spec, scheme, mean, args, quiet):
    seed = args.seed + 3
    numba.set_num_threads(1)
    lrows, lcols = scheme.logical_shape(spec)
    base = wafer.ShiftedNetworks(spec, scheme)
    batches = [wafer.faults_from(b) for b in _study_batches(spec, mean, args.study_wafers, seed)]
    base.measure(batches[0])
    t_base, _ = best_of(lambda: [base.measure(f) for f in batches], args.repeat)
    rows, mismatches = [], 0
    for entry in PATTERNS:
        _log(f"section 4: {entry}", quiet)
        name, params = wafer.workloads.parse_pattern(entry)
        t0 = time.perf_counter()
        loads = routing.channel_loads(routing.make_traffic(name, lrows, lcols, **params), lrows, lcols)
        nets = wafer.ShiftedNetworks.__new__(wafer.ShiftedNetworks)
        nets.__dict__.update(base.__dict__)
        nets.patterns = {entry: base.base.with_loads(loads)}
        setup = time.perf_counter() - t0
        nets.measure(batches[0])
        t_all, out = best_of(lambda: [nets.measure(f) for f in batches], args.repeat)
        per_wafer, done = [], 0
        for f, (status, _, sums) in zip(batches, out):
            for t in np.flatnonzero(status == 0):
                if done == args.metric_wafers:
                    break
                t1 = time.perf_counter()
                m = wafer.ShiftMapping(spec, scheme, f.cores.trial(t), f.routers.trial(t), f.links.trial(t))
                ref = naive_pattern_sums(spec, m, loads)
                per_wafer.append(time.perf_counter() - t1)
                done += 1
                got = {k: float(sums[entry][k][t]) for k in ref}
                if any(not math.isclose(got[k], ref[k], rel_tol=1e-9, abs_tol=1e-9) for k in ref):
                    mismatches += 1
        added = max(t_all - t_base, 0.0) / args.study_wafers
        rows.append({"pattern": entry, "setup_s": setup, "batched_s_per_wafer": added,
                     "per_wafer_s": float(np.mean(per_wafer)), "ratio": float(np.mean(per_wafer)) / added
                     if added else math.inf, "checked": done})
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    return {"rows": rows, "identical": mismatches == 0, "mismatches": mismatches,
            "base_s_per_wafer": t_base / args.study_wafers}


# --------------------------------------------------------------------------- section 5

SMALL_PATTERNS = ("stencil", "tornado", "allreduce-ring", "random-graph")


def section_small(args, quiet):
    from routing.reference import reference_pattern_loads

    numba.set_num_threads(1)
    rows = []
    mismatches = 0
    for side in (32, 64):
        seg = side // 2 + 1
        spec = wafer.WaferSpec(core_rows=side, core_cols=2 * seg, die_width_mm=10.0, die_height_mm=10.0)
        scheme = wafer.ShiftToSpare(segment_width=seg, spares=1, max_skew=1)
        lrows, lcols = scheme.logical_shape(spec)
        kinds = yieldmodels.DefectKinds(core=0.6, router=0.2, link=0.2)
        grid = yieldmodels.DefectGrid.from_die(spec.core_rows, spec.core_cols, 10.0, 10.0)
        n = args.study_wafers // 10
        faults = wafer.faults_from(yieldmodels.sample_grid_defects(n, grid, 8.0, args.seed, kinds=kinds))
        for entry in SMALL_PATTERNS:
            _log(f"section 5: {side} x {side}, {entry}", quiet)
            flows = routing.make_traffic(entry, lrows, lcols)
            loads = routing.channel_loads(flows, lrows, lcols)
            nets = wafer.ShiftedNetworks(spec, scheme, {entry: loads})
            nets.measure(faults)
            t_batch, (status, _, sums) = best_of(lambda: nets.measure(faults), args.repeat)
            ref_t, done = [], 0
            for t in np.flatnonzero(status == 0)[: args.metric_wafers]:
                t0 = time.perf_counter()
                m = wafer.ShiftMapping(spec, scheme, faults.cores.trial(t), faults.routers.trial(t),
                                       faults.links.trial(t))
                net = m.network()
                ref = reference_pattern_loads(net, m.to_dense(), flows, "xy", spec.bridge_margin)
                ref_t.append(time.perf_counter() - t0)
                done += 1
                bypass = net.link_classes.index("bypass")
                mesh_max = max((v for c, v in ref.items() if net.channel_class[c] != bypass), default=0.0)
                if not math.isclose(mesh_max, float(sums[entry]["max_load"][t]), rel_tol=1e-9, abs_tol=1e-12):
                    mismatches += 1
            rows.append({"side": side, "pattern": entry, "batched_s_per_wafer": t_batch / n,
                         "networkx_s_per_wafer": float(np.mean(ref_t)),
                         "ratio": float(np.mean(ref_t)) / (t_batch / n), "checked": done})
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    return {"rows": rows, "identical": mismatches == 0, "mismatches": mismatches}


# --------------------------------------------------------------------------- main


def _scheme_cases():
    """(label, scheme, dense evaluator) of every registered scheme at WSE-3 scale.

    Each dense evaluator takes a dead-core mask (rows x cols) and returns
    (status, logical rows, logical cols), the plain way: shift-to-spare by
    :func:`dense_eval`; harvesting by the rows with any dead core; spare
    lines by the exact solver on the mask's dead cores; column rerouting by
    the dense GCR kernel on the alive mask.
    """
    from wafer.rerouting import greedy_column_rerouting
    from wafer.spare_lines import spare_lines_mapping

    def shift(mask, spec, scheme):
        status = dense_eval(mask.ravel(), spec, scheme)[0]
        rows, cols = scheme.logical_shape(spec)
        return (status, rows, cols) if status == 0 else (status, 0, 0)

    def harvest(mask, spec, scheme):
        good = int((~mask.any(axis=1)).sum())
        return (0 if good == spec.core_rows else 1 if good else 2), good, spec.core_cols

    def spare_lines(mask, spec, scheme):
        m = spare_lines_mapping(np.flatnonzero(mask.ravel()), spec.core_rows, spec.core_cols,
                                scheme.spare_rows, scheme.spare_cols)
        return m.status, *m.logical_shape

    def rerouting(mask, spec, scheme):
        want = spec.core_cols - scheme.spare_cols
        cols = min(greedy_column_rerouting(~mask, distance=scheme.distance).columns, want)
        return (0 if cols == want else 1 if cols else 2), (spec.core_rows if cols else 0), cols

    return [
        ("shift-to-spare", wafer.ShiftToSpare(), shift),
        ("spare-lines 24+24", wafer.SpareLines(24, 24), spare_lines),
        ("harvest rows", wafer.Harvest(), harvest),
        ("column-rerouting", wafer.ColumnRerouting(spare_cols=8), rerouting),
    ]


def section_schemes(spec, mean, args, quiet):
    """Every scheme: sample + remap + statistics, sparse against dense, one thread."""
    seed = np.random.SeedSequence(args.seed + 6)
    s_sparse, s_dense = seed.spawn(2)
    p = -math.expm1(-mean / spec.n_cores)
    rows_out = []
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        for label, scheme, dense in _scheme_cases():
            _log(f"section 6: {label}", quiet)

            def sparse_run():
                dead = wafer.dead_cores(yieldmodels.sample_defects(args.wafers, mean, spec.n_cores, s_sparse))
                b = scheme.check(spec, dead)
                return dead, b, float(b.repaired.mean()), float(b.logical_cores.mean())

            sparse_run()  # JIT compile or cache load
            t_sparse, (dead, b, rate, cores) = best_of(sparse_run, args.repeat)

            def dense_run():
                rng = np.random.default_rng(s_dense)
                out = [dense(rng.random(spec.n_cores).reshape(spec.core_rows, spec.core_cols) < p, spec, scheme)
                       for _ in range(args.dense_wafers)]
                return np.array(out, dtype=np.int64)

            t_dense, dense_out = best_of(dense_run, 1)
            # Exactness: the dense evaluator on the sparse sampler's own wafers.
            same = True
            for t in range(min(args.dense_wafers, dead.n_trials)):
                mask = np.zeros(spec.n_cores, dtype=bool)
                mask[dead.trial(t)] = True
                got = dense(mask.reshape(spec.core_rows, spec.core_cols), spec, scheme)
                same &= tuple(int(v) for v in got) == (int(b.status[t]), int(b.logical_rows[t]), int(b.logical_cols[t]))
            rows_out.append({
                "scheme": label, "description": scheme.describe(),
                "sparse_wafers_per_s": args.wafers / t_sparse, "dense_wafers_per_s": args.dense_wafers / t_dense,
                "ratio": (args.wafers / t_sparse) / (args.dense_wafers / t_dense),
                "repair_rate": rate, "mean_logical_cores": cores,
                "dense_repair_rate": float((dense_out[:, 0] == 0).mean()), "identical": bool(same),
            })
    finally:
        numba.set_num_threads(threads)
    return {"rows": rows_out, "identical": all(r["identical"] for r in rows_out)}


def machine_info():
    info = {"python": platform.python_version(), "numpy": np.__version__, "numba": numba.__version__,
            "platform": platform.platform(), "cpus": os.cpu_count(),
            "numba_threads": numba.get_num_threads()}
    try:
        info["threading_layer"] = numba.threading_layer()
    except ValueError:  # no parallel kernel has run yet
        info["threading_layer"] = None
    return info


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wafers", type=int, default=None, help="wafers in the sparse batch (default 20000)")
    ap.add_argument("--dense-wafers", type=int, default=None, help="wafers for the dense paths (default 100)")
    ap.add_argument("--repeat", type=int, default=None, help="best-of repeats (default 5)")
    ap.add_argument("--metric-wafers", type=int, default=None, help="wafers for sparse metrics (default 20)")
    ap.add_argument("--dense-metric-wafers", type=int, default=None,
                    help="wafers for dense metrics, about a second each (default 10)")
    ap.add_argument("--cross-wafers", type=int, default=None,
                    help="repaired and failed wafers each for the exact dense/sparse cross-check (default 50)")
    ap.add_argument("--study-wafers", type=int, default=None,
                    help="wafers of the study-network section (default 6400)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--quick", action="store_true", help="short smoke run")
    ap.add_argument("--json", action="store_true", help="print results as JSON (progress still on stderr)")
    args = ap.parse_args(argv)
    quick = {"wafers": 2000, "dense_wafers": 10, "repeat": 1, "metric_wafers": 3,
             "dense_metric_wafers": 1, "cross_wafers": 5, "study_wafers": 640}
    full = {"wafers": 20000, "dense_wafers": 100, "repeat": 5, "metric_wafers": 20,
            "dense_metric_wafers": 10, "cross_wafers": 50, "study_wafers": 6400}
    for k, v in (quick if args.quick else full).items():
        if getattr(args, k) is None:
            setattr(args, k, v)
    args.nodiag_check = not args.quick
    for k in ("wafers", "dense_wafers", "repeat", "metric_wafers", "study_wafers"):
        if getattr(args, k) < 1:
            ap.error(f"--{k.replace('_', '-')} must be >= 1, got {getattr(args, k)}")
    for k in ("dense_metric_wafers", "cross_wafers"):
        if getattr(args, k) < 0:
            ap.error(f"--{k.replace('_', '-')} must be >= 0, got {getattr(args, k)}")
    return args


def print_report(res):
    m = res["machine"]
    print(f"machine: {m['platform']}, {m['cpus']} cpus; python {m['python']}, numpy {m['numpy']}, "
          f"numba {m['numba']} ({m['numba_threads']} threads, layer {m['threading_layer']})")
    s, sc = res["spec"], res["scheme"]
    print(f"wafer: {s['core_rows']} x {s['core_cols']} = {s['n_cores']:,} cores, {sc['name']}: segments of "
          f"{sc['segment_width']} with {sc['spares']} spare, max skew {sc['max_skew']}; "
          f"D0 {s['d0_per_cm2']}/cm^2 over {s['die_area_mm2']:,.0f} mm^2 -> {s['mean_defects']:.3f} defects/wafer")
    r = res["repair"]
    bound = (f", an upper bound without {' and '.join(r['closed_form_leaves_out'])} but for dense count"
             if r["closed_form_leaves_out"] else "")
    print(f"\n1. repair check (warm-up {r['warmup_s']:.2f} s; closed-form repair probability "
          f"{r['repair_probability']:.4f}{bound})")
    hdr = f"{'path':<12} {'threads':>7} {'wafers':>8} {'seconds':>9} {'wafers/s':>11} " \
          f"{'x dense count':>13} {'x dense full':>12} {'repair rate':>11} {'z':>6}"
    print(hdr)
    print("-" * len(hdr))
    for row in r["rows"]:
        print(f"{row['path']:<12} {row['threads']:>7} {row['wafers']:>8} {row['seconds']:>9.4f} "
              f"{row['wafers_per_s']:>11,.1f} {row['x_dense_count']:>13.1f} {row['x_dense_full']:>12.1f} "
              f"{row['repair_rate']:>11.4f} {row['z']:>6.2f}")
    c = r["cross_check"]
    print(f"dense evaluator vs ShiftToSpare().check on {c['wafers']} sparse-drawn wafers "
          f"({c['repaired']} repaired, {c['failed']} failed): {c['mismatches']} mismatches")
    print(f"repair rates within {Z_LIMIT:g} standard errors of the closed form (below it, where a bound): "
          f"{'yes' if r['rates_agree'] else 'NO'}")
    n = res["metrics"]
    print("\n2. network metrics of one repaired wafer (uniform traffic, exact)")
    hdr = f"{'path':<8} {'wafers':>6} {'s/wafer':>9} {'wafers/s':>9}"
    print(hdr)
    print("-" * len(hdr))
    for name in ("sparse", "dense"):
        d = n[name]
        print(f"{name:<8} {d['wafers']:>6} {d['s_per_wafer']:>9.4f} {1 / d['s_per_wafer']:>9.2f}")
    d = n["dense"]
    print(f"dense split: to_dense {d['to_dense_s']:.3f} s, embed_dense (+ drop vertical) "
          f"{d['embed_dense_s']:.3f} s, embedded_uniform_metrics {d['metrics_s']:.3f} s")
    print(f"ratio dense/sparse on the same {d['wafers']} wafers: {n['ratio_dense_over_sparse']:.1f}x "
          f"(sparse {n['sparse']['s_per_wafer_same_wafers']:.4f} s/wafer there)")
    print(f"identical UniformMetrics on all {d['wafers']} wafers: {'yes' if n['identical'] else 'NO'}")
    if n["nodiag_check"] is not None:
        print(f"diagonal_links=False, unfiltered embed_dense == ShiftMapping.metrics(): "
              f"{'yes' if n['nodiag_check']['identical'] else 'NO'}")
    e = n["example"]
    print(f"example wafer: bandwidth fraction {e['bandwidth_fraction']:.4f}, mean route extra hops "
          f"{e['mean_route_extra_hops']:.3f} over {e['mean_route_hops']:.1f}")
    st = res["study"]
    print(f"\n3. a study's networks: sampling + remap + uniform metrics per batch of 64 wafers "
          f"(setup once: {st['setup_s']:.2f} s)")
    hdr = f"{'threads':>7} {'D0':>5} {'wafers':>7} {'repaired':>8} {'sample us/w':>11} " \
          f"{'networks us/w':>13} {'wafers/s':>9}"
    print(hdr)
    print("-" * len(hdr))
    for row in st["rows"]:
        print(f"{row['threads']:>7} {row['d0_per_cm2']:>5} {row['wafers']:>7} {row['repaired']:>8} "
              f"{row['sample_s_per_wafer'] * 1e6:>11.1f} {row['networks_s_per_wafer'] * 1e6:>13.1f} "
              f"{row['wafers_per_s']:>9,.0f}")
    pw = st["per_wafer"]
    print(f"per-wafer ShiftMapping(...).metrics() on {pw['wafers']} of the same wafers: "
          f"{pw['s_per_wafer'] * 1e3:.2f} ms/wafer; ratio per-wafer / batched (1 thread, sampling "
          f"included): {st['ratio_per_wafer_over_batched']:.0f}x")
    print(f"identical statuses and metrics: {'yes' if st['identical'] else 'NO'}; "
          f"peak resident memory {st['peak_rss_mib']:.0f} MiB")
    pt = res["patterns"]
    print(f"\n4. traffic patterns on repaired wafers (one thread; the uniform networks alone: "
          f"{pt['base_s_per_wafer'] * 1e6:.1f} us/wafer)")
    hdr = f"{'pattern':<18} {'setup s':>8} {'added us/wafer':>14} {'per-wafer ms':>12} {'ratio':>8}"
    print(hdr)
    print("-" * len(hdr))
    for row in pt["rows"]:
        print(f"{row['pattern']:<18} {row['setup_s']:>8.2f} {row['batched_s_per_wafer'] * 1e6:>14.1f} "
              f"{row['per_wafer_s'] * 1e3:>12.1f} {row['ratio']:>7.0f}x")
    print(f"same largest loads and hop sums as naive numpy on every checked wafer: "
          f"{'yes' if pt['identical'] else 'NO'}")
    sm = res["small"]
    print("\n5. small faulty meshes: batched against networkx routing every flow (one thread)")
    hdr = f"{'mesh':<8} {'pattern':<16} {'batched ms/w':>12} {'networkx ms/w':>13} {'ratio':>8}"
    print(hdr)
    print("-" * len(hdr))
    for row in sm["rows"]:
        print(f"{row['side']:>2} x {row['side']:<3} {row['pattern']:<16} {row['batched_s_per_wafer'] * 1e3:>12.3f} "
              f"{row['networkx_s_per_wafer'] * 1e3:>13.1f} {row['ratio']:>7.0f}x")
    print(f"same largest mesh load as networkx on every checked wafer: {'yes' if sm['identical'] else 'NO'}")
    sc = res["schemes"]
    print("\n6. every scheme: sampling + remap + statistics (repair rate, mean logical cores), one thread")
    hdr = f"{'scheme':<18} {'sparse wafers/s':>15} {'dense wafers/s':>14} {'ratio':>8} {'repaired':>8} " \
          f"{'(dense)':>7} {'logical cores':>13}"
    print(hdr)
    print("-" * len(hdr))
    for row in sc["rows"]:
        print(f"{row['scheme']:<18} {row['sparse_wafers_per_s']:>15,.0f} {row['dense_wafers_per_s']:>14,.1f} "
              f"{row['ratio']:>7,.0f}x {row['repair_rate']:>8.4f} {row['dense_repair_rate']:>7.3f} "
              f"{row['mean_logical_cores']:>13,.0f}")
    print(f"dense evaluators give the sparse kernels' status and logical shape on the same wafers: "
          f"{'yes' if sc['identical'] else 'NO'}")
    print(f"\nall checks passed: {'yes' if res['ok'] else 'NO'}   (total {res['total_s']:.1f} s)")


def main(argv=None):
    args = parse_args(argv)
    t0 = time.perf_counter()
    spec, scheme = wafer.WaferSpec(), wafer.ShiftToSpare()
    mean = float(yieldmodels.expected_defects(spec.die_area_mm2, D0_PER_CM2))
    quiet = False
    # The study section first, so that the peak memory it reports is its own.
    study = section_study(spec, scheme, mean, args, quiet)
    repair = section_repair(spec, scheme, mean, args, quiet)
    repair["rates_agree"] = all(
        abs(r["z"]) <= Z_LIMIT if r["closed_form_exact"] else r["z"] <= Z_LIMIT for r in repair["rows"])
    metrics = section_metrics(spec, scheme, mean, args, quiet)
    patterns = section_patterns(spec, scheme, mean, args, quiet)
    small = section_small(args, quiet)
    schemes = section_schemes(spec, mean, args, quiet)
    ok = (patterns["identical"] and small["identical"] and schemes["identical"] and repair["rates_agree"] and repair["cross_check"]["mismatches"] == 0 and metrics["identical"]
          and study["identical"]
          and (metrics["nodiag_check"] is None or metrics["nodiag_check"]["identical"]))
    res = {
        "machine": machine_info(),
        "spec": {**asdict(spec), "n_cores": spec.n_cores, "die_area_mm2": spec.die_area_mm2,
                 "d0_per_cm2": D0_PER_CM2, "mean_defects": mean},
        "scheme": {"name": scheme.name, **scheme.params(), "description": scheme.describe()},
        "args": vars(args),
        "repair": repair,
        "metrics": metrics,
        "study": study,
        "patterns": patterns,
        "small": small,
        "schemes": schemes,
        "ok": ok,
        "total_s": time.perf_counter() - t0,
    }
    if args.json:
        print(json.dumps(res, indent=2, default=float))
    else:
        print_report(res)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
