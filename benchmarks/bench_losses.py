"""Time lossfns value+grad against torch CPU forward+backward on the same inputs.

    make bench
    python benchmarks/bench_losses.py [--sizes 1e3 1e4 1e5 1e6 1e7] [--repeat 21] [--out benchmarks]

What one measurement is. For each loss and size, three functions run on the same float64 arrays:

* lossfns: ``L.value_and_grad(y_true, y_pred)`` (reduction "mean"), checks of the inputs included;
* torch: wrap the same prediction array (``torch.from_numpy``, no copy), forward, ``.backward()``;
* the *streaming floor*: one ``np.add(y_true, y_pred, out=c)`` over the loss's own input arrays
  (for cross-entropy, whose y_true is ten times smaller, the logits and an array of their size):
  about the least any pass that reads two arrays and writes one can cost on this machine.

They run in alternation, the order flipping every round, so that a drift in machine speed hits
all three; each timing repeats its function for at least 20 ms (the steady state of repeated
calls, not a first call after the other library's has emptied the caches). Times are medians
over the rounds; ratios are medians of the round-by-round ratios (quartiles in brackets), in
which such a drift cancels. Large sizes get fewer rounds (``--repeat-large``). Both libraries
use one thread: numpy's element-wise loops are single-threaded, and torch and the BLAS behind
``np.dot`` are pinned to one. Read the ratios: absolute times depend on the machine and on
whatever else it runs, so the load average is recorded too. At 1e6 elements two more tables: single passes of ``np.exp``, ``np.log``,
``np.log1p`` and ``torch.exp`` against a floor (what the arithmetic of the losses built on
exp/log costs), and each rewrite used in the kernels against the plain numpy it replaces.

Writes ``results.md`` (the tables the book's performance appendix includes) and ``results.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

# One thread everywhere, set before numpy and torch load their thread pools.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import lossfns  # noqa: E402

torch.set_num_threads(1)

N_CLASSES = 10
TARGET_N = 1_000_000
TARGET_VS_TORCH = 1.2
TARGET_VS_FLOOR = 3.0
#: sizes from this one on are timed with --repeat-large rounds (one call takes ~0.1 s or more)
LARGE = 10_000_000


def cases(n: int, rng: np.random.Generator):
    """[(name, lossfns call, torch call, floor call, elements)] at size n."""
    y = rng.normal(size=n)
    p = rng.normal(size=n)
    labels = (rng.random(n) < 0.5).astype(np.float64)
    rows = max(n // N_CLASSES, 1)
    logits = rng.normal(size=(rows, N_CLASSES))
    idx = rng.integers(0, N_CLASSES, size=rows)
    t_y, t_labels, t_idx = torch.from_numpy(y), torch.from_numpy(labels), torch.from_numpy(idx)

    def torch_call(fn, pred, *args):
        def run():
            x = torch.from_numpy(pred).requires_grad_(True)
            loss = fn(x, *args)
            loss.backward()
            return loss.item(), x.grad
        return run

    def floor(a, b):  # one pass over the loss's own input arrays (as large as the prediction)
        c = np.empty_like(b)
        return lambda: np.add(a, b, out=c)

    L = lossfns
    other = rng.normal(size=logits.shape)  # cross-entropy's y_true is 10x smaller than its logits
    return [
        ("mse", lambda: L.mse.value_and_grad(y, p), torch_call(F.mse_loss, p, t_y), floor(y, p), n),
        ("mae", lambda: L.mae.value_and_grad(y, p), torch_call(F.l1_loss, p, t_y), floor(y, p), n),
        ("huber", lambda: L.huber.value_and_grad(y, p), torch_call(F.huber_loss, p, t_y),
         floor(y, p), n),
        ("binary_cross_entropy_with_logits",
         lambda: L.binary_cross_entropy_with_logits.value_and_grad(labels, p),
         torch_call(F.binary_cross_entropy_with_logits, p, t_labels), floor(labels, p), n),
        (f"cross_entropy ({N_CLASSES} classes)", lambda: L.cross_entropy.value_and_grad(idx, logits),
         torch_call(F.cross_entropy, logits, t_idx), floor(other, logits), rows * N_CLASSES),
    ]


def same_answer(name, ours, theirs) -> None:
    """Both sides compute the same loss and gradient (a benchmark of different things is void)."""
    (v, g), (tv, tg) = ours(), theirs()
    np.testing.assert_allclose(v, tv, rtol=1e-9, err_msg=name)
    np.testing.assert_allclose(g, tg.numpy(), rtol=1e-7, atol=1e-12, err_msg=name)


def per_call(fn, number: int) -> float:
    """Seconds per call of fn, over `number` consecutive calls."""
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


#: each timing repeats its function for at least this long, so that it measures the steady
#: state (warm caches, allocator settled) rather than the first call after another library's
TIMING_S = 0.02


def alternate(fns: dict, rounds: int) -> dict:
    """Seconds per call of each function in every round: timed in alternation, order flipped."""
    number = {}
    for k, fn in fns.items():
        fn()  # warm up: first-call overheads, allocator
        number[k] = max(1, int(TIMING_S / per_call(fn, 1)))
    times = {k: [] for k in fns}
    order = list(fns)
    for i in range(rounds):
        for k in order if i % 2 == 0 else reversed(order):
            times[k].append(per_call(fns[k], number[k]))
    return times


def median(times: list) -> float:
    return statistics.median(times)


def paired(a: list, b: list):
    """Median and quartiles of a/b taken round by round: a drift in machine speed between rounds
    (another job starting) cancels in each ratio."""
    ratios = sorted(x / y for x, y in zip(a, b))
    q1, q2, q3 = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
    return q2, q1, q3


def bench(sizes, repeat: int, repeat_large: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    results = []
    for n in sizes:
        losses = cases(n, rng)
        rounds = repeat_large if n >= LARGE else repeat
        for name, ours, theirs, floor, elements in losses:
            same_answer(name, ours, theirs)
            t = alternate({"lossfns": ours, "torch": theirs, "floor": floor}, rounds)
            vs_torch, vs_floor = paired(t["lossfns"], t["torch"]), paired(t["lossfns"], t["floor"])
            row = {"loss": name, "elements": elements, "rounds": rounds,
                   "lossfns_s": median(t["lossfns"]), "torch_s": median(t["torch"]),
                   "floor_s": median(t["floor"]), "vs_torch": vs_torch[0],
                   "vs_torch_quartiles": vs_torch[1:], "vs_floor": vs_floor[0],
                   "vs_floor_quartiles": vs_floor[1:],
                   "torch_vs_floor": paired(t["torch"], t["floor"])[0]}
            results.append(row)
            print(f"{name:36s} n={elements:>10,d}  lossfns {row['lossfns_s'] * 1e3:9.3f} ms  "
                  f"torch {row['torch_s'] * 1e3:9.3f} ms  floor {row['floor_s'] * 1e3:8.3f} ms  "
                  f"{row['vs_torch']:5.2f}x torch  {row['vs_floor']:5.1f}x floor", flush=True)
    return results


def passes(n: int, repeat: int, seed: int = 1):
    """Single element-wise passes at size n, each against the floor: what the arithmetic costs."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    e = np.exp(-np.abs(x))  # in (0, 1], as in binary_cross_entropy_with_logits
    u = 1.0 + e
    a, b, out = np.ones(n), np.ones(n), np.empty(n)
    tx, te, tout = torch.from_numpy(x), torch.from_numpy(e), torch.empty(n, dtype=torch.float64)
    fns = {"np.add(a, b, out=c) (the floor)": lambda: np.add(a, b, out=out),
           "np.exp(x, out=c)": lambda: np.exp(x, out=out),
           "np.log(u, out=c)": lambda: np.log(u, out=out),
           "np.log1p(e, out=c)": lambda: np.log1p(e, out=out),
           "torch.exp(x, out=c)": lambda: torch.exp(tx, out=tout),
           "torch.log1p(e, out=c)": lambda: torch.log1p(te, out=tout)}
    m = {k: median(v) for k, v in alternate(fns, repeat).items()}
    floor = m["np.add(a, b, out=c) (the floor)"]
    return [{"pass": k, "elements": n, "seconds": s, "vs_floor": s / floor} for k, s in m.items()]


def idioms(n: int, repeat: int, seed: int = 2):
    """The rewrites inside the kernels, each timed against the plain numpy it replaces (size n)."""
    rng = np.random.default_rng(seed)
    r, z = rng.normal(size=n), rng.normal(size=n)
    e = np.exp(-np.abs(z))
    u = 1.0 + e
    rows = np.exp(rng.normal(size=(n // N_CLASSES, N_CLASSES)))
    work, out = np.empty(n), np.empty(n)
    ones = np.ones(n)

    def sign_in_place():
        work[:] = r  # a fresh copy of the residual each time (the copy is in both timings)
        np.sign(work, out=work)

    def sign_into_other():
        work[:] = r
        np.sign(work, out=out)

    def log1p_from_log():
        L = np.log(u, out=out)
        rounding = np.subtract(u, 1.0, out=work)
        rounding -= e
        rounding /= u
        L -= rounding

    pairs = [
        ("sign(r) in place vs into another array", sign_in_place, sign_into_other),
        ("select 1 or e by the sign of z: np.where(z >= 0, 1, e) vs max(e, [z ≥ 0])",
         lambda: np.where(z >= 0, 1.0, e), lambda: np.maximum(e, z >= 0, out=out)),
        ("log1p(e) vs log(u) − ((u − 1) − e)/u, u = 1 + e (in place)",
         lambda: np.log1p(e, out=out), log1p_from_log),
        (f"row sums of ({n // N_CLASSES:,}, {N_CLASSES}): sum(axis=1) vs einsum",
         lambda: rows.sum(axis=1), lambda: np.einsum("ij->i", rows)),
        ("finite check: np.sum(x) vs np.dot(x, x)", lambda: np.add.reduce(r), lambda: np.dot(r, r)),
        ("Σ abs(r): np.abs(r).sum() vs np.vdot(sign(r), r), sign(r) given",
         lambda: np.abs(r).sum(), lambda: np.vdot(ones, r)),
    ]
    fns = {}
    for name, plain, faster in pairs:
        fns[(name, "plain")], fns[(name, "faster")] = plain, faster
    m = {k: median(v) for k, v in alternate(fns, repeat).items()}
    return [{"idiom": name, "elements": n, "plain_s": m[(name, "plain")],
             "faster_s": m[(name, "faster")], "speedup": m[(name, "plain")] / m[(name, "faster")]}
            for name, _, _ in pairs]


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def markdown(results, ref, tricks, meta) -> str:
    ok = lambda good: "yes" if good else "**no**"  # noqa: E731
    lines = [
        "<!-- Generated by benchmarks/bench_losses.py (make bench); do not edit by hand. -->",
        f"Measured {meta['date']} on {meta['cpu']} ({meta['cores']} cores), Python "
        f"{meta['python']}, numpy {meta['numpy']}, torch {meta['torch']}, one thread each; "
        f"load average {meta['load_before']:.1f} before the run and {meta['load_after']:.1f} "
        f"after; {meta['seconds']:.0f} s in all. lossfns, torch and the floor (one "
        "`np.add(y_true, y_pred, out=c)` over the loss's own inputs) run in alternating rounds; "
        "times are medians, ratios medians of the round-by-round ratios, with their quartiles "
        "in brackets.", ""]
    target = [r for r in results if r["elements"] == TARGET_N]
    if target:
        q = lambda r, k, f: (f"{r[k]:{f}}× ({r[k + '_quartiles'][0]:{f}}–"  # noqa: E731
                             f"{r[k + '_quartiles'][1]:{f}})")
        lines += [f"**At {TARGET_N:,} elements** (cross-entropy: {TARGET_N // N_CLASSES:,} rows "
                  f"× {N_CLASSES} classes, {meta['rounds_at_target']} rounds). Targets: lossfns "
                  f"≤ {TARGET_VS_TORCH}× torch and ≤ {TARGET_VS_FLOOR:g}× the floor.", "",
                  "| Loss | lossfns / torch | lossfns / floor | torch / floor | "
                  f"≤ {TARGET_VS_TORCH}× torch | ≤ {TARGET_VS_FLOOR:g}× floor |",
                  "|---|---:|---:|---:|:---:|:---:|"]
        for r in target:
            lines.append(f"| {r['loss']} | {q(r, 'vs_torch', '.2f')} | {q(r, 'vs_floor', '.1f')} | "
                         f"{r['torch_vs_floor']:.1f}× | {ok(r['vs_torch'] <= TARGET_VS_TORCH)} | "
                         f"{ok(r['vs_floor'] <= TARGET_VS_FLOOR)} |")
        lines.append("")
    if ref:
        lines += [f"**Single passes at {ref[0]['elements']:,} elements**, against a floor "
                  "`np.add(a, b, out=c)` over arrays of that size (timed in alternation):", "",
                  "| Pass | Time (ms) | / floor |", "|---|---:|---:|"]
        lines += [f"| `{r['pass']}` | {r['seconds'] * 1e3:.3f} | {r['vs_floor']:.1f}× |" for r in ref]
        lines.append("")
    if tricks:
        lines += [f"**The rewrites in the kernels at {tricks[0]['elements']:,} elements**: each "
                  "timed against the plain numpy it replaces, in alternation:", "",
                  "| Plain vs rewrite | Plain (ms) | Rewrite (ms) | Speed-up |", "|---|---:|---:|---:|"]
        lines += [f"| {r['idiom']} | {r['plain_s'] * 1e3:.3f} | {r['faster_s'] * 1e3:.3f} | "
                  f"{r['speedup']:.1f}× |" for r in tricks]
        lines.append("")
    lines += ["**Every size**", "",
              "| Loss | Elements | lossfns (ms) | torch (ms) | floor (ms) | lossfns / torch | "
              "lossfns / floor |", "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['loss']} | {r['elements']:,} | {r['lossfns_s'] * 1e3:.3f} | "
                     f"{r['torch_s'] * 1e3:.3f} | {r['floor_s'] * 1e3:.3f} | {r['vs_torch']:.2f}× | "
                     f"{r['vs_floor']:.1f}× |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", type=float, default=[1e3, 1e4, 1e5, 1e6, 1e7])
    ap.add_argument("--repeat", type=int, default=21, help="rounds per loss and size")
    ap.add_argument("--repeat-large", type=int, default=5, help=f"rounds from {LARGE:.0e} elements")
    ap.add_argument("--out", default=str(Path(__file__).parent))
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes]
    start, load_before = time.perf_counter(), os.getloadavg()[0]
    print(f"load average {load_before:.2f}; numpy {np.__version__}, torch {torch.__version__}, "
          f"torch threads {torch.get_num_threads()}", flush=True)
    results = bench(sizes, args.repeat, args.repeat_large)
    ref = passes(TARGET_N, args.repeat) if TARGET_N in sizes else []
    tricks = idioms(TARGET_N, args.repeat) if TARGET_N in sizes else []
    meta = {"date": date.today().isoformat(), "cpu": cpu_name(), "cores": os.cpu_count(),
            "python": platform.python_version(), "numpy": np.__version__,
            "torch": torch.__version__.split("+")[0], "torch_threads": torch.get_num_threads(),
            "load_before": load_before, "load_after": os.getloadavg()[0],
            "seconds": time.perf_counter() - start,
            "rounds_at_target": args.repeat_large if TARGET_N >= LARGE else args.repeat}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(
        json.dumps({"meta": meta, "results": results, "passes": ref, "idioms": tricks}, indent=1) + "\n")
    (out / "results.md").write_text(markdown(results, ref, tricks, meta), encoding="utf-8")
    for r in ref:
        print(f"  {r['pass']:34s} {r['seconds'] * 1e3:8.3f} ms  {r['vs_floor']:5.1f}x floor")
    for r in tricks:
        print(f"  {r['idiom']:60s} {r['plain_s'] * 1e3:8.3f} -> {r['faster_s'] * 1e3:8.3f} ms  "
              f"{r['speedup']:4.1f}x")
    target = [r for r in results if r["elements"] == TARGET_N]
    if target:
        print(f"\nAt {TARGET_N:.0e} elements (targets: <= {TARGET_VS_TORCH}x torch, "
              f"<= {TARGET_VS_FLOOR:g}x the floor); load average {meta['load_before']:.1f} -> "
              f"{meta['load_after']:.1f}:")
        for r in target:
            misses = [what for what, good in (("torch", r["vs_torch"] <= TARGET_VS_TORCH),
                                              ("floor", r["vs_floor"] <= TARGET_VS_FLOOR)) if not good]
            print(f"  {r['loss']:36s} {r['vs_torch']:5.2f}x torch  {r['vs_floor']:5.1f}x floor  "
                  f"{'ok' if not misses else 'misses ' + ' and '.join(misses)}")
    print(f"wrote {out / 'results.md'} and {out / 'results.json'} in {meta['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
