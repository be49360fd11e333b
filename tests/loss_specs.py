"""One table of loss specs (PyTorch's OpInfo, in small): for every loss in the catalog, sample
inputs, a torch reference and its bad inputs. `tests/test_losses.py` runs the same checks on
every entry; the family test files keep only each loss's own edge cases.

A spec holds:
- ``samples(rng)``: a list of (args, hyper) valid calls, away from kinks (finite differences
  are taken there), of different shapes and hyper-parameters;
- ``torch(args, hyper, reduction)``: the loss written with torch (a ``torch.nn.functional``
  call where one exists) → (value, tuple of autograd gradients w.r.t. the predictions, or None
  where torch's gradient is another convention);
- ``predictions``: the positions in ``args`` of the arguments ``.grad`` differentiates;
- ``bad``: (args, hyper, regex) calls that must raise ValueError with that message.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

import lossfns
from lossfns import log_softmax


@dataclass
class Spec:
    name: str
    samples: Callable
    torch: Callable
    predictions: tuple = (1,)
    bad: list = field(default_factory=list)
    #: finite-difference step (KL's inputs must keep summing to 1 within 1e-6)
    fd_eps: float = 1e-6

    @property
    def loss(self):
        return getattr(lossfns, self.name)


def t64(x, grad=False):
    return torch.tensor(np.asarray(x, dtype=np.float64), dtype=torch.float64,
                        requires_grad=grad)


def reduce_t(v, reduction):
    return {"mean": v.mean(), "sum": v.sum(), "none": v}[reduction]


def autograd(fn, args, predictions, reduction):
    """Run fn(*tensors) on float64 copies (predictions requiring grad): value and gradients."""
    ts = [t64(a, i in predictions) if not isinstance(a, torch.Tensor) else a
          for i, a in enumerate(args)]
    out = fn(*ts)
    out.sum().backward()
    return out.detach().numpy(), tuple(ts[i].grad.numpy() for i in predictions)


def away(x, kinks, gap=1e-2):
    x = np.array(x, dtype=np.float64)
    for k in kinks:
        near = np.abs(x - k) < gap
        x[near] = k + np.where(x[near] >= k, 2 * gap, -2 * gap)
    return x


# -------------------------------------------------------------------------------- regression
def _regression_samples(hyper_list, kinks=lambda h: [0.0]):
    def samples(rng):
        out = []
        for shape, hyper in zip([(7,), (3, 4), (2, 3, 2)], hyper_list):
            y = rng.normal(size=shape)
            r = away(rng.normal(scale=2.0, size=shape), kinks(hyper))
            out.append(((y, y + r), hyper))
        return out
    return samples


def _regression_torch(expr):
    def ref(args, hyper, reduction):
        return autograd(lambda y, p: reduce_t(expr(y, p, **hyper), reduction), args, (1,),
                        reduction)
    return ref


SPECS = [
    Spec("mse", _regression_samples([{}, {}, {}]),
         lambda a, h, red: autograd(lambda y, p: F.mse_loss(p, y, reduction=red), a, (1,), red)),
    Spec("mae", _regression_samples([{}, {}, {}]),
         lambda a, h, red: autograd(lambda y, p: F.l1_loss(p, y, reduction=red), a, (1,), red)),
    Spec("huber", _regression_samples([{}, {"delta": 0.5}, {"delta": 2.5}],
                                      lambda h: [0.0, h.get("delta", 1.0), -h.get("delta", 1.0)]),
         lambda a, h, red: autograd(lambda y, p: F.huber_loss(p, y, reduction=red, **h), a, (1,),
                                    red),
         bad=[(([0.0], [1.0]), {"delta": 0}, r"^delta must be > 0; got 0"),
              (([0.0], [1.0]), {"delta": True}, r"^delta must be a number; got True"),
              (([0.0], [1.0]), {"delta": "1"}, r"^delta must be a number; got '1'")]),
    Spec("log_cosh", _regression_samples([{}, {}, {}]),
         _regression_torch(lambda y, p: torch.log(torch.cosh(p - y)))),
    Spec("quantile", _regression_samples([{}, {"q": 0.1}, {"q": 0.9}]),
         _regression_torch(lambda y, p, q=0.5: torch.maximum(q * (y - p), (q - 1) * (y - p))),
         bad=[(([0.0], [1.0]), {"q": 1.0}, r"^q must be in \(0, 1\); got 1.0"),
              (([0.0], [1.0]), {"q": False}, r"^q must be a number; got False")]),
]


# -------------------------------------------------------------------------------- likelihood
def _gaussian_samples(rng):
    y, m = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    return [((y, m, rng.uniform(0.2, 2.0, size=(4, 3))), {}),
            ((y, m, rng.uniform(0.2, 2.0, size=(4,))), {"full": True}),
            ((y[0], m[0], rng.uniform(0.2, 2.0, size=3)), {"eps": 1e-3})]


def _poisson_samples(rng):
    y = rng.poisson(2.0, size=(3, 4)).astype(float)
    return [((y, rng.normal(size=(3, 4))), {}),
            ((y, rng.uniform(0.5, 4.0, size=(3, 4))), {"log_input": False}),
            ((y[0], rng.normal(size=4)), {"full": True})]


SPECS += [
    Spec("gaussian_nll_loss", _gaussian_samples,
         lambda a, h, red: autograd(
             lambda y, m, v: F.gaussian_nll_loss(m, y, v, reduction=red, **h), a, (1, 2), red),
         predictions=(1, 2),
         bad=[(([0.0, 1.0], [0.0, 1.0], [1.0, -1.0]), {}, r"^var must hold variances >= 0"),
              (([0.0, 1.0], [0.0, 1.0], [1.0, 1.0]), {"full": "yes"},
               r"^full must be True or False; got 'yes'")]),
    Spec("poisson_nll_loss", _poisson_samples,
         lambda a, h, red: autograd(
             lambda y, p: F.poisson_nll_loss(p, y, reduction=red, **h), a, (1,), red),
         bad=[(([-1.0], [0.0]), {}, r"^y_true must hold counts >= 0; got -1"),
              (([1.0], [-0.5]), {"log_input": False}, r"^y_pred must hold rates"),
              (([1.0], [0.5]), {"log_input": 0}, r"^log_input must be True or False; got 0")]),
]


# -------------------------------------------------------------------------------- binary
def _binary_samples(labels, hypers, pred=lambda rng, s: rng.normal(scale=2.0, size=s),
                    kinks=()):
    def samples(rng):
        out = []
        for shape, hyper in zip([(8,), (3, 4), (2, 2, 3)], hypers):
            out.append(((labels(rng, shape), away(pred(rng, shape), kinks)), hyper))
        return out
    return samples


def _01(rng, shape):
    return (rng.random(shape) < 0.5).astype(float)


def _pm1(rng, shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


def _soft(rng, shape):
    return rng.uniform(0.0, 1.0, size=shape)


def _focal_torch(a, h, red):
    gamma, alpha = h.get("gamma", 2.0), h.get("alpha", 0.25)

    def f(y, z):  # torchvision.ops.sigmoid_focal_loss, written out
        p = torch.sigmoid(z)
        ce = F.binary_cross_entropy_with_logits(z, y, reduction="none")
        p_t = p * y + (1 - p) * (1 - y)
        v = ce * (1 - p_t) ** gamma
        if alpha is not None:
            v = (alpha * y + (1 - alpha) * (1 - y)) * v
        return reduce_t(v, red)
    return autograd(f, a, (1,), red)


def _margin_samples(rng):
    # hinge kink at y·s = 1: scores shifted off it
    out = []
    for shape in [(8,), (3, 4), (2, 2, 3)]:
        y = _pm1(rng, shape)
        s = rng.normal(scale=2.0, size=shape)
        s = y * away(y * s, [1.0])
        out.append(((y, s), {}))
    return out


SPECS += [
    Spec("binary_cross_entropy",
         _binary_samples(_soft, [{}, {}, {}], lambda rng, s: rng.uniform(0.05, 0.95, size=s)),
         lambda a, h, red: autograd(lambda y, p: F.binary_cross_entropy(p, y, reduction=red), a,
                                    (1,), red),
         bad=[(([0.5], [1.5]), {}, r"^y_prob must hold probabilities in \[0, 1\]; got 1.5")]),
    Spec("binary_cross_entropy_with_logits",
         _binary_samples(_soft, [{}, {"pos_weight": np.array([0.5, 1.0, 2.0, 3.0])},
                                 {"pos_weight": np.array(2.0)}]),
         lambda a, h, red: autograd(
             lambda y, z: F.binary_cross_entropy_with_logits(
                 z, y, reduction=red,
                 pos_weight=None if h.get("pos_weight") is None else t64(h["pos_weight"])),
             a, (1,), red),
         bad=[(([1.0], [0.5]), {"pos_weight": [0.0]}, r"^pos_weight must hold weights > 0")]),
    Spec("hinge", _margin_samples,
         _regression_torch(lambda y, s: torch.clamp(1 - y * s, min=0)),
         bad=[(([0.0, 1.0], [0.5, 0.5]), {}, r"^y_true must hold labels in \{-1, 1\}; got 0 "
                                             r"at position 0; hinge labels are -1 and \+1")]),
    Spec("squared_hinge", _margin_samples,
         _regression_torch(lambda y, s: torch.clamp(1 - y * s, min=0) ** 2)),
    Spec("focal_loss",
         _binary_samples(_01, [{}, {"gamma": 0.5, "alpha": None}, {"gamma": 0.0, "alpha": 0.9}]),
         _focal_torch,
         bad=[(([1.0], [0.5]), {"gamma": -1}, r"^gamma must be >= 0; got -1"),
              (([1.0], [0.5]), {"alpha": 2}, r"^alpha must be in \[0, 1\]; got 2")]),
]


# -------------------------------------------------------------------------------- multiclass
def _mc_samples(rng):
    z2, z3 = rng.normal(size=(5, 4)), rng.normal(size=(2, 3, 2, 2))
    y2, y3 = rng.integers(0, 4, size=5), rng.integers(0, 3, size=(2, 2, 2))
    probs = np.exp(z2) / np.exp(z2).sum(axis=1, keepdims=True)
    return [((y2, z2), {}), ((y3, z3), {"weight": np.array([0.5, 1.0, 2.0])}),
            ((y2, z2), {"label_smoothing": 0.1, "weight": np.array([1.0, 2.0, 0.5, 1.0])}),
            ((probs, z2), {}), ((y2[0], z2[0]), {})]


def _ce_torch(a, h, red):
    w = None if h.get("weight") is None else t64(h["weight"])
    y = a[0]
    target = torch.tensor(y) if np.asarray(y).dtype.kind in "iu" else t64(y)
    return autograd(lambda _, z: F.cross_entropy(z, target, weight=w, reduction=red,
                                                 label_smoothing=h.get("label_smoothing", 0.0)),
                    a, (1,), red)


def _nll_samples(rng):
    return [((y, log_softmax(z, axis=1 if np.ndim(z) > 1 else -1)), h)
            for (y, z), h in _mc_samples(rng) if np.asarray(y).dtype.kind in "iu"
            and not h.get("label_smoothing")]


def _nll_torch(a, h, red):
    w = None if h.get("weight") is None else t64(h["weight"])
    return autograd(lambda _, x: F.nll_loss(x, torch.tensor(a[0]), weight=w, reduction=red),
                    a, (1,), red)


def _hinge_mc_samples(rng):
    out = []
    for n, c, hyper in [(5, 4, {}), (3, 3, {"margin": 0.5}),
                        (4, 5, {"variant": "crammer_singer"})]:
        y = rng.integers(0, c, size=n)
        s = rng.normal(size=(n, c))
        m = hyper.get("margin", 1.0)
        # keep every term m − s_y + s_j off 0 and the wrong classes apart (a unique arg-max)
        s += np.arange(c) * 0.05
        for i in range(n):
            for j in range(c):
                if j != y[i] and abs(m - s[i, y[i]] + s[i, j]) < 2e-2:
                    s[i, j] += 0.05
        out.append(((y, s), hyper))
    return out


def _hinge_mc_torch(a, h, red):
    y, s = a
    c = np.shape(s)[-1]
    if h.get("variant", "weston_watkins") == "weston_watkins":
        def f(_, x):
            return c * F.multi_margin_loss(x, torch.tensor(y), margin=h.get("margin", 1.0),
                                           reduction=red)
    else:
        def f(_, x):
            yy = torch.tensor(y)
            true = x[torch.arange(len(yy)), yy]
            wrong = x.masked_fill(F.one_hot(yy, c).bool(), -torch.inf).max(dim=1).values
            return reduce_t(torch.clamp(h.get("margin", 1.0) + wrong - true, min=0), red)
    return autograd(f, a, (1,), red)


SPECS += [
    Spec("cross_entropy", _mc_samples, _ce_torch,
         bad=[(([0, 3], np.zeros((2, 3))), {}, r"^y_true must hold class indices in \[0, 3\); "
                                              r"got 3 at position 1"),
              (([0, 1e300], np.zeros((2, 3))), {}, r"got 1e\+300 at position 1"),
              (([0, 1], np.zeros((2, 3))), {"label_smoothing": 1.0},
               r"^label_smoothing must be in \[0, 1\); got 1.0")]),
    Spec("nll_loss", _nll_samples, _nll_torch),
    Spec("multiclass_hinge", _hinge_mc_samples, _hinge_mc_torch,
         bad=[(([0], [[0.0, 1.0]]), {"variant": "ww"}, r"^variant must be one of")]),
]


# -------------------------------------------------------------------------------- distribution
def _kl_samples(rng):
    def dist(shape):
        x = rng.uniform(0.1, 1.0, size=shape)
        return x / x.sum(axis=-1, keepdims=True)
    return [((dist((4, 3)), dist((4, 3))), {}), ((dist(5), dist(5)), {})]


def _kl_torch(a, h, red):
    p = t64(a[0])

    def f(_, q):
        rows = F.kl_div(q.log(), p, reduction="none").sum(dim=-1)
        return reduce_t(rows, red)
    return autograd(f, a, (1,), red)


SPECS += [Spec("kl_divergence", _kl_samples, _kl_torch, fd_eps=1e-7)]


# -------------------------------------------------------------------------------- segmentation
def _dice_samples(rng):
    return [((_01(rng, (3, 4, 4)), rng.uniform(0.05, 0.95, (3, 4, 4))), {}),
            ((_01(rng, (9,)), rng.uniform(0.05, 0.95, 9)), {"smooth": 0.5})]


def _dice_torch(a, h, red):
    s = h.get("smooth", 1.0)
    one = np.ndim(a[0]) == 1

    def f(y, p):
        y2, p2 = (y.reshape(1, -1), p.reshape(1, -1)) if one else (y.flatten(1), p.flatten(1))
        v = 1 - (2 * (y2 * p2).sum(1) + s) / (y2.sum(1) + p2.sum(1) + s)
        return reduce_t(v[0] if one else v, red)
    return autograd(f, a, (1,), red)


SPECS += [Spec("dice_loss", _dice_samples, _dice_torch,
               bad=[(([1.0], [0.5]), {"smooth": -1.0}, r"^smooth must be >= 0")])]


# -------------------------------------------------------------------------------- metric learning
def _contrastive_samples(rng):
    x1 = rng.normal(size=(6, 3))
    x2 = x1 + rng.normal(scale=0.6, size=(6, 3))
    d = np.linalg.norm(x1 - x2, axis=1)
    x2[np.abs(d - 1.0) < 2e-2] += 0.1  # off the margin's kink
    return [((np.array([1, 0, 1, 0, 0, 1.0]), x1, x2), {}),
            ((np.array(0.0), x1[0], x2[0] + 0.1), {"margin": 3.0})]


def _contrastive_torch(a, h, red):
    m = h.get("margin", 1.0)

    def f(y, x1, x2):
        d = torch.linalg.vector_norm(x1 - x2, dim=-1)
        return reduce_t(y * d ** 2 + (1 - y) * torch.clamp(m - d, min=0) ** 2, red)
    return autograd(f, a, (1, 2), red)


def _triplet_samples(rng):
    out = []
    for shape, hyper in [((6, 3), {}), ((4,), {"margin": 0.5})]:
        anchor = rng.normal(size=shape)
        out.append(((anchor, anchor + rng.normal(scale=0.5, size=shape),
                     anchor + rng.normal(scale=0.8, size=shape)), hyper))
    return out


def _ranking_samples(rng):
    y = _pm1(rng, 8)
    x1, x2 = rng.normal(size=8), rng.normal(size=8)
    return [((y, x1, x2 + 0.05 * (np.abs(x1 - x2) < 0.02)), {}),
            ((y[:5], x1[:5], x1[:5] + 0.3), {"margin": 1.0})]


SPECS += [
    Spec("contrastive_loss", _contrastive_samples, _contrastive_torch, predictions=(1, 2),
         bad=[(([2.0], [[0.0]], [[1.0]]), {}, r"^y_true must hold labels in \{0, 1\}")]),
    Spec("triplet_loss", _triplet_samples,
         lambda a, h, red: autograd(
             lambda x, p, n: F.triplet_margin_loss(x, p, n, margin=h.get("margin", 1.0), eps=0,
                                                   reduction=red), a, (0, 1, 2), red),
         predictions=(0, 1, 2)),
    Spec("margin_ranking_loss", _ranking_samples,
         lambda a, h, red: autograd(
             lambda y, x1, x2: F.margin_ranking_loss(x1, x2, y, margin=h.get("margin", 0.0),
                                                     reduction=red), a, (1, 2), red),
         predictions=(1, 2)),
]


# -------------------------------------------------------------------------------- sequence
def _ctc_samples(rng):
    z = rng.normal(size=(12, 3, 5))
    lp = log_softmax(z, axis=2)
    targets = rng.integers(1, 5, size=(3, 4))
    return [((targets, lp), {}),
            ((targets, lp), {"input_lengths": np.array([12, 10, 9]),
                             "target_lengths": np.array([4, 2, 3])}),
            ((targets - 1, lp), {"blank": 4})]


def _ctc_torch(a, h, red):
    targets, lp = a
    n_frames, n, _ = np.shape(lp)
    il = h.get("input_lengths", np.full(n, n_frames))
    tl = h.get("target_lengths", np.full(n, np.shape(targets)[1]))
    value = F.ctc_loss(t64(lp), torch.tensor(targets), torch.tensor(il), torch.tensor(tl),
                       blank=h.get("blank", 0), reduction=red)
    return value.numpy(), None  # torch's gradient is taken through a log_softmax: not ours


SPECS += [Spec("ctc_loss", _ctc_samples, _ctc_torch,
               bad=[(([[0]], np.zeros((2, 1, 2))), {}, r"^targets must not contain the blank")])]


BY_NAME = {s.name: s for s in SPECS}
