"""Spare rows/columns and row/column harvesting: sparse kernels against dense numpy baselines.

Run from the project root with the dev environment::

    python benchmarks/spare_lines.py           # about a minute on 2 cores
    python benchmarks/spare_lines.py --quick   # a few seconds

Every wafer is a WSE-3-like 763 x 1272 core grid with Poisson(46) uniform
random defects (``yieldmodels.sample_defects`` + ``wafer.dead_cores``).

sparse      ``wafer.spare_lines.repair_spare_lines`` / ``wafer.harvest.harvest_lines``
            on a CSR batch, after a warm-up call; best of ``repeat``, with one
            numba thread and with the default count.
dense       per wafer, the alive grid (763 x 1272 booleans) built from its
            dead cores, then: harvesting, ``alive.all(axis)`` and the good
            lines; spare lines, ``np.nonzero`` of the dead cores, and a plain
            Python exact solver (union-find components, every row subset of
            each component, a min-plus convolution of the fronts); and, as
            the conservative baseline, the dense scan alone (the alive grid
            and ``np.flatnonzero`` of its dead cores: the least any dense
            method does before solving anything).

Both are first checked to agree on (status, retired rows, retired columns,
logical shape) / (status, good lines) for every dense wafer: exit status 1
if not. Ratios are printed against the dense baseline measured in the same
run; nothing here is asserted in the test suite.
"""

from __future__ import annotations

import argparse
import itertools
import sys

import numba
import numpy as np
import wafer
import yieldmodels
from wafer.harvest import harvest_lines
from wafer.spare_lines import repair_spare_lines
from timing import best_of

ROWS, COLS, MEAN_DEFECTS = 763, 1272, 46.0



# --------------------------------------------------------------------------- dense baselines


def _alive(dead):
    alive = np.ones((ROWS, COLS), dtype=bool)
    alive.flat[dead] = False
    return alive


def dense_scan(dead):
    """The least any dense method does: the alive grid, and its dead cores found again."""
    return np.flatnonzero(~_alive(dead))


def dense_harvest(dead, axis):
    """(status, good lines) of one wafer from its alive grid (no target)."""
    good = int(_alive(dead).all(axis=1 if axis == "rows" else 0).sum())
    n_lines = ROWS if axis == "rows" else COLS
    return (0 if good == n_lines else 1 if good else 2), good


def _component_front(cells):
    rows = sorted({r for r, _ in cells})
    front = []
    for k in range(len(rows) + 1):
        front.append(min(len({c for r, c in cells if r not in set(s)}) for s in itertools.combinations(rows, k)))
    return front


def dense_spare_lines(dead, sr, sc):
    """(status, retired rows, retired cols, logical rows, logical cols) of one wafer, no target."""
    rr, cc = np.nonzero(~_alive(dead))
    parent = {}

    def find(v):
        while parent.setdefault(v, v) != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for r, c in zip(rr.tolist(), cc.tolist()):
        parent[find(("r", r))] = find(("c", c))
    comps = {}
    for r, c in zip(rr.tolist(), cc.tolist()):
        comps.setdefault(find(("r", r)), []).append((r, c))
    total = [0]
    for cells in comps.values():
        f = _component_front(cells)
        total = [min(total[r - j] + f[j] for j in range(len(f)) if 0 <= r - j < len(total))
                 for r in range(len(total) + len(f) - 1)]
    fits = [(r + total[r], r) for r in range(min(sr, len(total) - 1) + 1) if total[r] <= sc]
    if fits:
        _, r = min(fits)
        return 0, r, total[r], ROWS - sr, COLS - sc
    area = [(ROWS - max(r, sr)) * (COLS - max(total[r], sc)) for r in range(len(total))]
    r = int(np.argmax(area))
    lr, lc = ROWS - max(r, sr), COLS - max(total[r], sc)
    return (1 if lr * lc else 2), r, total[r], lr, lc


# --------------------------------------------------------------------------- runs


def _sparse_rates(fn, n, repeat):
    """Wafers/s of ``fn`` with one numba thread and with the default count; and its result."""
    default = numba.get_num_threads()
    rates = {}
    out = None
    for threads in sorted({1, default}):
        numba.set_num_threads(threads)
        try:
            dt, out = best_of(fn, repeat)
        finally:
            numba.set_num_threads(default)
        rates[threads] = n / dt
    return rates, out


def main(quick: bool = False) -> int:
    """Time and cross-check both schemes; print a table; return the exit status."""
    n_sparse = 5_000 if quick else 100_000
    n_dense = 10 if quick else 100
    repeat = 2 if quick else 3
    d = wafer.dead_cores(yieldmodels.sample_defects(n_sparse, MEAN_DEFECTS, ROWS * COLS, 2024))
    per = [d.trial(t) for t in range(n_dense)]
    print(f"{ROWS} x {COLS} cores, Poisson({MEAN_DEFECTS:g}) dead cores: "
          f"{d.n_trials:,} sparse wafers, {n_dense} dense; numba threads {numba.get_num_threads()}")
    rows_out = []
    ok = True

    # Harvesting.
    for axis in ("rows", "cols"):
        harvest_lines(d.offsets[:3], d.sites[: d.offsets[2]], ROWS, COLS, axis=axis)  # warm-up
        rates, b = _sparse_rates(lambda: harvest_lines(d.offsets, d.sites, ROWS, COLS, axis=axis), d.n_trials, repeat)
        dt, dense = best_of(lambda: [dense_harvest(x, axis) for x in per], 1)
        sparse = [(int(b.status[t]), int(b.good_lines[t])) for t in range(n_dense)]
        agree = sparse == dense
        ok &= agree
        rows_out.append((f"harvest {axis}", rates, n_dense / dt, agree))

    # Spare rows and columns.
    for sr, sc in ((24, 24), (4, 4)):
        repair_spare_lines(d.offsets[:3], d.sites[: d.offsets[2]], ROWS, COLS, sr, sc)  # warm-up
        rates, b = _sparse_rates(lambda: repair_spare_lines(d.offsets, d.sites, ROWS, COLS, sr, sc),
                                 d.n_trials, repeat)
        dt, dense = best_of(lambda: [dense_spare_lines(x, sr, sc) for x in per], 1)
        dt_scan, _ = best_of(lambda: [dense_scan(x) for x in per], repeat)
        sparse = [(int(b.status[t]), int(b.n_retired_rows[t]), int(b.n_retired_cols[t]),
                   int(b.logical_rows[t]), int(b.logical_cols[t])) for t in range(n_dense)]
        agree = sparse == dense
        ok &= agree
        share = np.bincount(b.status, minlength=3) / b.n_trials
        label = f"spare lines {sr}+{sc} ({share[0]:.0%} repaired)"
        rows_out.append((label, rates, n_dense / dt, agree))
        rows_out.append(("  vs the dense scan alone", rates, n_dense / dt_scan, None))

    threads = sorted(rows_out[0][1])
    head = f"{'scheme':<34}" + "".join(f"{f'sparse {t} thr':>16}" for t in threads)
    head += f"{'dense 1 thr':>14}{'ratio (1 thr)':>15}  agree"
    print(head)
    for label, rates, dense_rate, agree in rows_out:
        line = f"{label:<34}" + "".join(f"{rates[t]:>14,.0f}/s" for t in threads)
        line += f"{dense_rate:>12,.0f}/s{rates[1] / dense_rate:>14,.0f}x  {'' if agree is None else 'yes' if agree else 'NO'}"
        print(line)
    if not ok:
        print("MISMATCH between the sparse kernels and the dense baselines", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short smoke run")
    sys.exit(main(parser.parse_args().quick))
