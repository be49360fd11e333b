"""Time lossfns value+grad against torch CPU forward+backward on the same inputs.

    python benchmarks/bench_losses.py [--sizes 1e3 1e4 1e5 1e6 1e7] [--repeat 15] [--out benchmarks]

For each loss and size, the two implementations and a *streaming floor* (one `np.add(a, b,
out=c)` over arrays of the same size: the least any element-wise pass can cost) are run in
alternation, `--repeat` times each, and the medians are reported. Both sides use one thread
(numpy's element-wise loops are single-threaded; torch is pinned to one thread to match).
Writes `results.md` (the table the book's performance appendix shows) and `results.json`.
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

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import lossfns  # noqa: E402

torch.set_num_threads(1)
N_CLASSES = 10


def cases(n: int, rng: np.random.Generator):
    """(name, lossfns call, torch call, elements) for each benchmarked loss at size n."""
    y = rng.normal(size=n)
    p = rng.normal(size=n)
    labels = (rng.random(n) < 0.5).astype(np.float64)
    rows = max(n // N_CLASSES, 1)
    logits = rng.normal(size=(rows, N_CLASSES))
    idx = rng.integers(0, N_CLASSES, size=rows)
    t_y, t_labels, t_idx = torch.from_numpy(y), torch.from_numpy(labels), torch.from_numpy(idx)

    def torch_call(fn, pred, *args, **kw):
        def run():
            x = torch.from_numpy(pred).requires_grad_(True)
            fn(x, *args, **kw).backward()
            return x.grad
        return run

    return [
        ("mse", lambda: lossfns.mse.value_and_grad(y, p), torch_call(F.mse_loss, p, t_y), n),
        ("mae", lambda: lossfns.mae.value_and_grad(y, p), torch_call(F.l1_loss, p, t_y), n),
        ("huber", lambda: lossfns.huber.value_and_grad(y, p), torch_call(F.huber_loss, p, t_y), n),
        ("binary_cross_entropy_with_logits",
         lambda: lossfns.binary_cross_entropy_with_logits.value_and_grad(labels, p),
         torch_call(F.binary_cross_entropy_with_logits, p, t_labels), n),
        (f"cross_entropy ({N_CLASSES} classes)",
         lambda: lossfns.cross_entropy.value_and_grad(idx, logits),
         torch_call(F.cross_entropy, logits, t_idx), rows * N_CLASSES),
    ], (lambda a=np.ones(n), b=np.ones(n), c=np.empty(n): np.add(a, b, out=c))


def timeit(fn, number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def bench(sizes, repeat: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    results = []
    for n in sizes:
        losses, floor = cases(n, rng)
        number = max(1, int(2e6 // n))  # ~enough calls per timing for small sizes
        for name, ours, theirs, elements in losses:
            ours(), theirs(), floor()  # warm up (allocations, first-call overheads)
            t_ours, t_torch, t_floor = [], [], []
            for _ in range(repeat):  # alternate, so drifts in machine speed hit all three
                t_ours.append(timeit(ours, number))
                t_torch.append(timeit(theirs, number))
                t_floor.append(timeit(floor, number))
            m_ours, m_torch, m_floor = (statistics.median(t) for t in (t_ours, t_torch, t_floor))
            results.append({"loss": name, "elements": elements, "lossfns_s": m_ours,
                            "torch_s": m_torch, "floor_s": m_floor,
                            "vs_torch": m_ours / m_torch, "vs_floor": m_ours / m_floor})
            print(f"{name:38s} n={elements:>9,d}  lossfns {m_ours * 1e3:9.3f} ms  "
                  f"torch {m_torch * 1e3:9.3f} ms  floor {m_floor * 1e3:8.3f} ms  "
                  f"ratio {m_ours / m_torch:5.2f}x torch, {m_ours / m_floor:5.1f}x floor", flush=True)
    return results


def markdown(results, target_n: int) -> str:
    lines = [f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
             f"Python {platform.python_version()}, numpy {np.__version__}, torch {torch.__version__} "
             f"(one thread each). Median of alternating runs; the *floor* is one "
             "`np.add(a, b, out=c)` over arrays of the same size.", "",
             "| Loss | Elements | lossfns value+grad (ms) | torch forward+backward (ms) | "
             "lossfns / torch | lossfns / floor |", "|---|---:|---:|---:|---:|---:|"]
    for r in results:
        mark = " **" if r["elements"] == target_n else ""
        lines.append(f"| {r['loss']} | {r['elements']:,} | {r['lossfns_s'] * 1e3:.3f} | "
                     f"{r['torch_s'] * 1e3:.3f} | {mark.strip()}{r['vs_torch']:.2f}×{mark.strip()} | "
                     f"{r['vs_floor']:.1f}× |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", type=float, default=[1e3, 1e4, 1e5, 1e6, 1e7])
    ap.add_argument("--repeat", type=int, default=11)
    ap.add_argument("--out", default=str(Path(__file__).parent))
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes]
    results = bench(sizes, args.repeat)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (out / "results.md").write_text(markdown(results, 1_000_000))
    target = [r for r in results if r["elements"] == 1_000_000]
    if target:
        print("\nAt 1e6 elements (target: <= 1.2x torch and <= 3x the floor):")
        for r in target:
            ok = r["vs_torch"] <= 1.2 and r["vs_floor"] <= 3
            print(f"  {r['loss']:38s} {r['vs_torch']:5.2f}x torch  {r['vs_floor']:5.1f}x floor  "
                  f"{'ok' if ok else 'MISSES TARGET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
