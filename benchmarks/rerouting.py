"""Greedy column rerouting: the compiled kernels against plain-Python and dense baselines.

Run from the project root with the dev environment::

    python benchmarks/rerouting.py            # about a minute
    python benchmarks/rerouting.py --quick    # smaller arrays and batches, a few seconds

Section 1, one array (``wafer.greedy_column_rerouting``, all rows, d = 1)
    256 x 256 and 512 x 512 arrays (``--quick``: 64 x 64 and 128 x 128) with
    10% and 30% of PEs faulty at random (fixed seed). The compiled kernel
    (best of several warm runs) against ``wafer.reference.gcr_python``, the
    same algorithm in plain Python loops (one run), after checking that both
    return the same columns. Printed: the ratio (target >= 100x) and each
    path's growth from the smaller to the larger array (4x the PEs: linear
    means about 4x, target at most ~4.5x).

Section 2, a Monte Carlo batch (``wafer.rerouting.gcr_batch``, d = 1)
    WSE-3-like wafers, 763 x 1272 cores, each with Poisson(46.2) defects
    placed uniformly (D0 = 0.1 / cm^2 on 46,225 mm^2). The sparse batch on
    one numba thread and on all of them (best of ``repeat``), against the dense
    baseline: per wafer, build the alive mask with numpy and run the compiled
    dense GCR plus its long-interconnect count. Both give the same columns and
    interconnect counts on every wafer the dense path runs (checked first).
    Printed: wafers per second and the ratio (target: well above 10,000
    wafers/s on one core).

Nothing here is asserted by the test suite.
"""

from __future__ import annotations

import argparse
import time

import numba
import numpy as np

from wafer.reference import gcr_python
from wafer.rerouting import gcr_batch, greedy_column_rerouting
from timing import best_of

WSE_ROWS, WSE_COLS = 763, 1272
MEAN_DEFECTS = 215.0 * 215.0 / 100 * 0.1  # 46.2 defects per wafer at D0 = 0.1/cm^2



def _arrays(quick: bool) -> None:
    sides = (64, 128) if quick else (256, 512)
    rng = np.random.default_rng(2000)
    greedy_column_rerouting(np.ones((4, 4), dtype=bool))  # compile or load the cache
    print("1. one array, all rows, d = 1: compiled kernel vs plain Python (same algorithm)")
    hdr = f"{'array':>11} {'faults':>6} {'columns':>7} {'compiled ms':>11} {'python ms':>10} {'ratio':>7}"
    print(hdr)
    print("-" * len(hdr))
    times: dict[tuple[int, float], tuple[float, float]] = {}
    for p in (0.1, 0.3):
        for side in sides:
            alive = rng.random((side, side)) >= p
            fast = greedy_column_rerouting(alive)
            t0 = time.perf_counter()
            slow = gcr_python(alive)
            t_py = time.perf_counter() - t0
            if not np.array_equal(fast.l2p, slow):
                raise SystemExit(f"compiled and plain-Python GCR disagree on {side} x {side} at {p:.0%}")
            t_c = best_of(lambda: greedy_column_rerouting(alive), 7)[0]
            times[side, p] = t_c, t_py
            print(f"{side:>5} x {side:<5} {p:>6.0%} {fast.columns:>7} {t_c * 1e3:>11.2f} {t_py * 1e3:>10.1f} "
                  f"{t_py / t_c:>6.0f}x")
    small, large = sides
    for p in (0.1, 0.3):
        (c0, p0), (c1, p1) = times[small, p], times[large, p]
        print(f"growth {small}^2 -> {large}^2 at {p:.0%}: compiled {c1 / c0:.2f}x, python {p1 / p0:.2f}x "
              "(4x the PEs)")


def _wafers(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """CSR batch of ``n`` wafers with Poisson(46.2) uniform defects, sorted within each wafer."""
    counts = rng.poisson(MEAN_DEFECTS, n)
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    trial = np.repeat(np.arange(n), counts)
    ids = rng.integers(0, WSE_ROWS * WSE_COLS, offsets[-1])
    return offsets, ids[np.lexsort((ids, trial))]


def _batch(quick: bool) -> None:
    n, n_dense, repeat = (5_000, 10, 2) if quick else (200_000, 40, 3)
    rng = np.random.default_rng(2001)
    offsets, dead = _wafers(n, rng)
    threads = numba.get_num_threads()

    def dense(t: int) -> tuple[int, int, int]:
        alive = np.ones(WSE_ROWS * WSE_COLS, dtype=bool)
        alive[dead[offsets[t] : offsets[t + 1]]] = False
        r = greedy_column_rerouting(alive.reshape(WSE_ROWS, WSE_COLS))
        return (r.columns, *r.long_interconnects())

    gcr_batch(offsets[:3], dead[: offsets[2]], WSE_ROWS, WSE_COLS)  # compile or load the cache
    check = gcr_batch(offsets[: n_dense + 1], dead[: offsets[n_dense]], WSE_ROWS, WSE_COLS)
    for t in range(n_dense):
        want = dense(t)
        got = (check.columns[t], check.long_vertical[t], check.long_horizontal[t])
        if got != want:
            raise SystemExit(f"gcr_batch and the dense kernel disagree on wafer {t}: {got} vs {want}")
    t_dense = best_of(lambda: [dense(t) for t in range(n_dense)], 1)[0] / n_dense
    rows = []
    for k in sorted({1, threads}):
        numba.set_num_threads(k)
        t_sparse = best_of(lambda: gcr_batch(offsets, dead, WSE_ROWS, WSE_COLS), repeat)[0] / n
        rows.append((k, t_sparse))
    numba.set_num_threads(threads)
    out = gcr_batch(offsets, dead, WSE_ROWS, WSE_COLS)
    print(f"\n2. Monte Carlo batch: {WSE_ROWS} x {WSE_COLS} cores, Poisson({MEAN_DEFECTS:.1f}) uniform defects, "
          "all rows, d = 1")
    print(f"identical columns and long-interconnect counts on the {n_dense} wafers the dense path ran: yes")
    print(f"columns per wafer: mean {out.columns.mean():.2f}, min {out.columns.min()}, max {out.columns.max()} "
          f"of {WSE_COLS}; long vertical links {out.long_vertical.mean():,.0f}, long horizontal "
          f"{out.long_horizontal.mean():.1f} per wafer")
    hdr = f"{'path':<34} {'threads':>7} {'wafers':>8} {'us/wafer':>10} {'wafers/s':>11} {'vs dense':>9}"
    print(hdr)
    print("-" * len(hdr))
    print(f"{'dense: numpy mask + compiled GCR':<34} {1:>7} {n_dense:>8} {t_dense * 1e6:>10.0f} "
          f"{1 / t_dense:>11,.0f} {1:>8.0f}x")
    for k, t in rows:
        print(f"{'sparse: gcr_batch':<34} {k:>7} {n:>8} {t * 1e6:>10.2f} {1 / t:>11,.0f} {t_dense / t:>8,.0f}x")


def main(quick: bool = False) -> None:
    """Run both sections and print their tables (``quick``: small sizes)."""
    t0 = time.perf_counter()
    _arrays(quick)
    _batch(quick)
    print(f"\n(total {time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small arrays and batches, a few seconds")
    main(ap.parse_args().quick)
