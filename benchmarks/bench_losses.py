"""Time every lossfns loss (value + gradient) against torch CPU (forward + backward), one thread.

    make bench
    python benchmarks/bench_losses.py [--elements 1e6] [--rounds 15] [--only mse huber]

What one measurement is. For each loss, two functions run on the same float64 arrays of
`--elements` elements per prediction (1e6: one array of 1e6 numbers for an element-wise loss,
1e5 rows × 10 classes for cross-entropy, 1e5 pairs × 10 dimensions for the metric losses):

* lossfns: ``L.value_and_grad(...)`` (reduction "mean"), the checks of the inputs included;
* torch: the same loss from ``torch.from_numpy`` views of the same arrays (no copy), forward and
  ``.backward()``: a ``torch.nn.functional`` call where torch has one, otherwise the formula
  written with torch operations (its autograd derives the gradient).

They run in alternation, the order flipping every round, so that a drift in machine speed hits
both; each timing repeats its function for at least 20 ms (the steady state, not a first call
after the other library has emptied the caches). Times are medians over the rounds; the ratio
is the median of the round-by-round ratios (quartiles in brackets), in which a drift cancels.
Both libraries use one thread. Before timing, both sides must agree on the value and gradient:
a benchmark of two different computations would be void.

Targets (issue 13): lossfns ≤ 1.2× torch for mse, mae and hinge; ≤ 2× for every other loss.
Writes ``results.md`` (the table the performance appendix includes) and ``results.json``.
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

#: classes of the multiclass losses, dimensions of the embeddings
WIDTH = 10
#: lossfns / torch targets: these losses ≤ 1.2×, every other ≤ 2×
TIGHT = {"mse": 1.2, "mae": 1.2, "hinge": 1.2}
DEFAULT_TARGET = 2.0


def target(name: str) -> float:
    return TIGHT.get(name, DEFAULT_TARGET)


def _torch_run(fn, arrays, grad_of):
    """forward + backward of fn on torch views of `arrays`; returns (value, grads)."""
    def run():
        ts = [torch.from_numpy(a) if isinstance(a, np.ndarray) else a for a in arrays]
        for i in grad_of:
            ts[i] = ts[i].detach().requires_grad_(True)
        out = fn(*ts)
        out.backward()
        return out.item(), tuple(ts[i].grad for i in grad_of)
    return run


def cases(n: int, rng: np.random.Generator):
    """[(name, lossfns call, torch call, elements)] with n elements per prediction."""
    y, p = rng.normal(size=n), rng.normal(size=n)
    labels = (rng.random(n) < 0.5).astype(np.float64)
    pm1 = 2.0 * labels - 1.0
    probs = rng.uniform(0.01, 0.99, size=n)
    rows = n // WIDTH
    logits = rng.normal(size=(rows, WIDTH))
    idx = rng.integers(0, WIDTH, size=rows)
    t_idx = torch.from_numpy(idx)
    logp = lossfns.log_softmax(logits, axis=1)
    q = lossfns.softmax(rng.normal(size=(rows, WIDTH)), axis=1)
    pdist = lossfns.softmax(rng.normal(size=(rows, WIDTH)), axis=1)
    counts = rng.poisson(2.0, size=n).astype(np.float64)
    var = rng.uniform(0.1, 2.0, size=n)
    e1, e2, e3 = (rng.normal(size=(rows, WIDTH)) for _ in range(3))
    pair_y = (rng.random(rows) < 0.5).astype(np.float64)
    masks = (rng.random((100, n // 100)) < 0.3).astype(np.float64)
    mask_p = rng.uniform(0.01, 0.99, size=masks.shape)
    # CTC: T frames × N sequences × C symbols = n, targets of length S
    T, C, S = 50, 20, 10
    N = n // (T * C)
    ctc_lp = lossfns.log_softmax(rng.normal(size=(T, N, C)), axis=2)
    ctc_targets = rng.integers(1, C, size=(N, S))
    il, tl = np.full(N, T), np.full(N, S)

    def ref(v):
        return v.mean()

    L = lossfns
    return [
        ("mse", lambda: L.mse.value_and_grad(y, p),
         _torch_run(lambda a, b: F.mse_loss(b, a), [y, p], (1,)), n),
        ("mae", lambda: L.mae.value_and_grad(y, p),
         _torch_run(lambda a, b: F.l1_loss(b, a), [y, p], (1,)), n),
        ("huber", lambda: L.huber.value_and_grad(y, p),
         _torch_run(lambda a, b: F.huber_loss(b, a), [y, p], (1,)), n),
        ("log_cosh", lambda: L.log_cosh.value_and_grad(y, p),
         _torch_run(lambda a, b: ref(torch.log(torch.cosh(b - a))), [y, p], (1,)), n),
        ("quantile", lambda: L.quantile.value_and_grad(y, p, q=0.9),
         _torch_run(lambda a, b: ref(torch.maximum(0.9 * (a - b), -0.1 * (a - b))), [y, p],
                    (1,)), n),
        ("gaussian_nll_loss", lambda: L.gaussian_nll_loss.value_and_grad(y, p, var),
         _torch_run(lambda a, b, v: F.gaussian_nll_loss(b, a, v), [y, p, var], (1, 2)), n),
        ("poisson_nll_loss", lambda: L.poisson_nll_loss.value_and_grad(counts, p),
         _torch_run(lambda a, b: F.poisson_nll_loss(b, a), [counts, p], (1,)), n),
        ("binary_cross_entropy", lambda: L.binary_cross_entropy.value_and_grad(labels, probs),
         _torch_run(lambda a, b: F.binary_cross_entropy(b, a), [labels, probs], (1,)), n),
        ("binary_cross_entropy_with_logits",
         lambda: L.binary_cross_entropy_with_logits.value_and_grad(labels, p),
         _torch_run(lambda a, b: F.binary_cross_entropy_with_logits(b, a), [labels, p], (1,)),
         n),
        ("hinge", lambda: L.hinge.value_and_grad(pm1, p),
         _torch_run(lambda a, b: ref(torch.clamp(1 - a * b, min=0)), [pm1, p], (1,)), n),
        ("squared_hinge", lambda: L.squared_hinge.value_and_grad(pm1, p),
         _torch_run(lambda a, b: ref(torch.clamp(1 - a * b, min=0) ** 2), [pm1, p], (1,)), n),
        ("focal_loss", lambda: L.focal_loss.value_and_grad(labels, p),
         _torch_run(_torch_focal, [labels, p], (1,)), n),
        ("cross_entropy", lambda: L.cross_entropy.value_and_grad(idx, logits),
         _torch_run(lambda _, z: F.cross_entropy(z, t_idx), [idx, logits], (1,)), rows * WIDTH),
        ("nll_loss", lambda: L.nll_loss.value_and_grad(idx, logp),
         _torch_run(lambda _, x: F.nll_loss(x, t_idx), [idx, logp], (1,)), rows * WIDTH),
        ("multiclass_hinge", lambda: L.multiclass_hinge.value_and_grad(idx, logits),
         _torch_run(lambda _, z: WIDTH * F.multi_margin_loss(z, t_idx), [idx, logits], (1,)),
         rows * WIDTH),
        ("kl_divergence", lambda: L.kl_divergence.value_and_grad(pdist, q),
         _torch_run(lambda a, b: F.kl_div(b.log(), a, reduction="batchmean"), [pdist, q], (1,)),
         rows * WIDTH),
        ("dice_loss", lambda: L.dice_loss.value_and_grad(masks, mask_p),
         _torch_run(_torch_dice, [masks, mask_p], (1,)), masks.size),
        ("contrastive_loss", lambda: L.contrastive_loss.value_and_grad(pair_y, e1, e2),
         _torch_run(_torch_contrastive, [pair_y, e1, e2], (1, 2)), rows * WIDTH),
        ("triplet_loss", lambda: L.triplet_loss.value_and_grad(e1, e2, e3),
         _torch_run(lambda a, b, c: F.triplet_margin_loss(a, b, c, eps=0), [e1, e2, e3],
                    (0, 1, 2)), rows * WIDTH),
        ("margin_ranking_loss", lambda: L.margin_ranking_loss.value_and_grad(pm1, y, p),
         _torch_run(lambda a, b, c: F.margin_ranking_loss(b, c, a), [pm1, y, p], (1, 2)), n),
        ("ctc_loss", lambda: L.ctc_loss.value_and_grad(ctc_targets, ctc_lp),
         _torch_run(lambda lp: F.ctc_loss(lp, torch.from_numpy(ctc_targets), torch.from_numpy(il),
                                          torch.from_numpy(tl)), [ctc_lp], (0,)), ctc_lp.size),
    ]


def _torch_focal(y, z, gamma=2.0, alpha=0.25):
    """torchvision.ops.sigmoid_focal_loss, written out (torchvision is not a dependency)."""
    p = torch.sigmoid(z)
    ce = F.binary_cross_entropy_with_logits(z, y, reduction="none")
    p_t = p * y + (1 - p) * (1 - y)
    return ((alpha * y + (1 - alpha) * (1 - y)) * ce * (1 - p_t) ** gamma).mean()


def _torch_dice(y, p, smooth=1.0):
    return (1 - (2 * (y * p).sum(1) + smooth) / (y.sum(1) + p.sum(1) + smooth)).mean()


def _torch_contrastive(y, x1, x2, margin=1.0):
    d = torch.linalg.vector_norm(x1 - x2, dim=-1)
    return (y * d ** 2 + (1 - y) * torch.clamp(margin - d, min=0) ** 2).mean()


def same_answer(name, ours, theirs) -> None:
    """Both sides compute the same loss and gradient (CTC: the value; torch's CTC gradient is
    taken through a log_softmax, see `lossfns.ctc_loss`)."""
    (v, g), (tv, tg) = ours(), theirs()
    np.testing.assert_allclose(v, tv, rtol=1e-9, err_msg=name)
    if name == "ctc_loss":
        return
    for a, b in zip(g if isinstance(g, tuple) else (g,), tg):
        np.testing.assert_allclose(a, b.numpy(), rtol=1e-7, atol=1e-12, err_msg=name)


def per_call(fn, number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


#: each timing repeats its function for at least this long (the steady state)
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


def paired(a: list, b: list):
    """Median and quartiles of a/b taken round by round."""
    ratios = sorted(x / y for x, y in zip(a, b))
    q1, q2, q3 = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
    return q2, q1, q3


def bench(n: int, rounds: int, only=None, seed: int = 0):
    rng = np.random.default_rng(seed)
    results = []
    for name, ours, theirs, elements in cases(n, rng):
        if only and name not in only:
            continue
        same_answer(name, ours, theirs)
        t = alternate({"lossfns": ours, "torch": theirs}, rounds)
        ratio, q1, q3 = paired(t["lossfns"], t["torch"])
        row = {"loss": name, "elements": elements, "rounds": rounds,
               "lossfns_s": statistics.median(t["lossfns"]),
               "torch_s": statistics.median(t["torch"]), "vs_torch": ratio,
               "vs_torch_quartiles": (q1, q3), "target": target(name)}
        results.append(row)
        print(f"{name:34s} n={elements:>9,d}  lossfns {row['lossfns_s'] * 1e3:8.2f} ms  "
              f"torch {row['torch_s'] * 1e3:8.2f} ms  {ratio:5.2f}x ({q1:.2f}-{q3:.2f})  "
              f"target {row['target']:g}x {'ok' if ratio <= row['target'] else 'MISSED'}",
              flush=True)
    return results


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def markdown(results, meta) -> str:
    lines = [
        "<!-- Generated by benchmarks/bench_losses.py (make bench); do not edit by hand. -->",
        f"Measured {meta['date']} on {meta['cpu']} ({meta['cores']} cores), Python "
        f"{meta['python']}, numpy {meta['numpy']}, torch {meta['torch']}, one thread each; "
        f"load average {meta['load_before']:.1f} before the run and {meta['load_after']:.1f} "
        f"after; {meta['seconds']:.0f} s in all. Value and gradient at {meta['elements']:,} "
        f"elements per prediction, {meta['rounds']} alternating rounds; times are medians, the "
        "ratio the median of the round-by-round ratios, with its quartiles in brackets.", "",
        "| Loss | Elements | lossfns (ms) | torch (ms) | lossfns / torch | target | met |",
        "|---|---:|---:|---:|---:|---:|:---:|"]
    for r in results:
        q1, q3 = r["vs_torch_quartiles"]
        met = "yes" if r["vs_torch"] <= r["target"] else "**no**"
        lines.append(f"| {r['loss']} | {r['elements']:,} | {r['lossfns_s'] * 1e3:.2f} | "
                     f"{r['torch_s'] * 1e3:.2f} | {r['vs_torch']:.2f}× ({q1:.2f}–{q3:.2f}) | "
                     f"≤ {r['target']:g}× | {met} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--elements", type=float, default=1e6)
    ap.add_argument("--rounds", type=int, default=15, help="alternating rounds per loss")
    ap.add_argument("--only", nargs="*", help="time only these losses (no files written)")
    ap.add_argument("--out", default=str(Path(__file__).parent))
    args = ap.parse_args(argv)
    start, load_before = time.perf_counter(), os.getloadavg()[0]
    print(f"load average {load_before:.2f}; numpy {np.__version__}, torch {torch.__version__}, "
          f"torch threads {torch.get_num_threads()}", flush=True)
    results = bench(int(args.elements), args.rounds, args.only)
    meta = {"date": date.today().isoformat(), "cpu": cpu_name(), "cores": os.cpu_count(),
            "python": platform.python_version(), "numpy": np.__version__,
            "torch": torch.__version__.split("+")[0], "torch_threads": torch.get_num_threads(),
            "load_before": load_before, "load_after": os.getloadavg()[0],
            "seconds": time.perf_counter() - start, "elements": int(args.elements),
            "rounds": args.rounds}
    missed = [r["loss"] for r in results if r["vs_torch"] > r["target"]]
    print(f"{len(results) - len(missed)} of {len(results)} losses meet their target"
          + (f"; missed: {', '.join(missed)}" if missed else ""))
    if args.only:
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps({"meta": meta, "results": results}, indent=1)
                                      + "\n")
    (out / "results.md").write_text(markdown(results, meta), encoding="utf-8")
    print(f"wrote {out / 'results.md'} and {out / 'results.json'} in {meta['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
