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
- ``bad``: (args, hyper, regex) calls that must raise ValueError with that message;
- ``gradcheck``: whether torch.autograd.gradcheck can wrap the loss (one prediction whose items
  sit on its leading axes, class axis 1);
- ``fd_eps``: the finite-difference step.

The samples are the grids the family test files had before they were consolidated here (shapes
× hyper-parameters × kinds of target), so that no case was lost.
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
    gradcheck: bool = False
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
REGRESSION_SHAPES = [(9,), (4, 3), (2, 3, 4), (6,)]


def _regression_samples(hypers, kinks=lambda h: [0.0]):
    """Every shape × every hyper-parameter setting; residuals away from the kinks."""
    def samples(rng):
        out = []
        for hyper in hypers:
            for shape in REGRESSION_SHAPES:
                y = rng.normal(0.0, 2.0, size=shape)
                r = away(rng.uniform(-3.0, 3.0, size=shape), kinks(hyper), gap=0.05)
                out.append(((y, y + r), hyper))
        return out
    return samples


def _regression_torch(expr):
    def ref(args, hyper, reduction):
        return autograd(lambda y, p: reduce_t(expr(y, p, **hyper), reduction), args, (1,),
                        reduction)
    return ref


def _huber_kinks(h):
    d = h.get("delta", 1.0)
    return [d, -d]


SPECS = [
    Spec("mse", _regression_samples([{}]),
         lambda a, h, red: autograd(lambda y, p: F.mse_loss(p, y, reduction=red), a, (1,), red),
         gradcheck=True),
    Spec("mae", _regression_samples([{}]),
         lambda a, h, red: autograd(lambda y, p: F.l1_loss(p, y, reduction=red), a, (1,), red),
         gradcheck=True),
    Spec("huber", _regression_samples([{}, {"delta": 0.3}, {"delta": 2.5}], _huber_kinks),
         lambda a, h, red: autograd(lambda y, p: F.huber_loss(p, y, reduction=red, **h), a, (1,),
                                    red),
         gradcheck=True,
         bad=[(([0.0], [1.0]), {"delta": 0}, r"^delta must be > 0; got 0"),
              (([0.0], [1.0]), {"delta": True}, r"^delta must be a number; got True"),
              (([0.0], [1.0]), {"delta": "1"}, r"^delta must be a number; got '1'")]),
    Spec("log_cosh", _regression_samples([{}]),
         _regression_torch(lambda y, p: torch.log(torch.cosh(p - y))), gradcheck=True),
    Spec("quantile", _regression_samples([{"q": 0.1}, {"q": 0.25}, {}, {"q": 0.9}]),
         _regression_torch(lambda y, p, q=0.5: torch.maximum(q * (y - p), (q - 1) * (y - p))),
         gradcheck=True,
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
def _01(rng, shape):
    return (rng.random(shape) < 0.5).astype(float)


def _pm1(rng, shape):
    y = np.where(rng.random(shape) < 0.5, -1.0, 1.0)
    y.ravel()[:2] = [-1.0, 1.0]  # both labels present
    return y


def _soft(rng, shape):
    return rng.uniform(0.0, 1.0, size=shape)


def _bce_samples(rng):
    return [((labels(rng, shape), rng.uniform(0.02, 0.98, size=shape)), {})
            for shape in [(10,), (4, 3), (2, 2, 3)] for labels in (_01, _soft)]


def _bce_logits_samples(rng):
    out = []
    for shape in [(10,), (5, 3), (2, 3, 4), (4, 3)]:
        for pw in (None, 2.0, 0.3, "per_class"):
            for labels in (_01, _soft):
                w = rng.uniform(0.2, 4.0, size=shape[-1:]) if pw == "per_class" else pw
                hyper = {} if w is None else {"pos_weight": w}
                out.append(((labels(rng, shape), rng.normal(0.0, 3.0, size=shape)), hyper))
    return out


def _bce_logits_torch(a, h, red):
    w = h.get("pos_weight")
    tw = None if w is None else t64(np.broadcast_to(w, np.shape(a[1])[-1:]))
    return autograd(lambda y, z: F.binary_cross_entropy_with_logits(z, y, reduction=red,
                                                                    pos_weight=tw), a, (1,), red)


def _focal_torch(a, h, red):
    gamma, alpha = h.get("gamma", 2.0), h.get("alpha", 0.25)

    def f(y, z):  # torchvision.ops.sigmoid_focal_loss, written out (alpha < 0: no α term)
        p = torch.sigmoid(z)
        ce = F.binary_cross_entropy_with_logits(z, y, reduction="none")
        p_t = p * y + (1 - p) * (1 - y)
        v = ce * (1 - p_t) ** gamma
        if alpha is not None:
            v = (alpha * y + (1 - alpha) * (1 - y)) * v
        return reduce_t(v, red)
    return autograd(f, a, (1,), red)


def _focal_samples(rng):
    out = []
    for gamma in (0.0, 0.5, 1.0, 2.0, 3.5, 5.0):
        for alpha in (None, 0.0, 0.25, 0.5, 0.9, 1.0):
            out.append(((_01(rng, (4, 5)), rng.normal(0.0, 4.0, size=(4, 5))),
                        {"gamma": gamma, "alpha": alpha}))
        # soft targets follow the same formula; a mix of hard and soft labels
        y = np.concatenate([_01(rng, (2, 4)), _soft(rng, (1, 4))])
        out.append(((y, rng.normal(0.0, 3.0, size=(3, 4))), {"gamma": gamma, "alpha": 0.3}))
    return out


def _margin_samples(rng):
    # hinge kink at y·s = 1: scores shifted off it
    out = []
    for shape in [(15,), (5, 3), (4, 3)]:
        y = _pm1(rng, shape)
        s = y * away(y * rng.normal(0.0, 2.0, size=shape), [1.0], gap=0.02)
        out.append(((y, s), {}))
    return out


SPECS += [
    Spec("binary_cross_entropy", _bce_samples,
         lambda a, h, red: autograd(lambda y, p: F.binary_cross_entropy(p, y, reduction=red), a,
                                    (1,), red),
         gradcheck=True,
         bad=[(([0.5], [1.5]), {}, r"^y_prob must hold probabilities in \[0, 1\]; got 1.5")]),
    Spec("binary_cross_entropy_with_logits", _bce_logits_samples, _bce_logits_torch,
         gradcheck=True,
         bad=[(([1.0], [0.5]), {"pos_weight": [0.0]}, r"^pos_weight must hold weights > 0")]),
    Spec("hinge", _margin_samples,
         _regression_torch(lambda y, s: torch.clamp(1 - y * s, min=0)), gradcheck=True,
         bad=[(([0.0, 1.0], [0.5, 0.5]), {}, r"^y_true must hold labels in \{-1, 1\}; got 0 "
                                             r"at position 0; hinge labels are -1 and \+1")]),
    Spec("squared_hinge", _margin_samples,
         _regression_torch(lambda y, s: torch.clamp(1 - y * s, min=0) ** 2), gradcheck=True),
    Spec("focal_loss", _focal_samples, _focal_torch, gradcheck=True,
         bad=[(([1.0], [0.5]), {"gamma": -1}, r"^gamma must be >= 0; got -1"),
              (([1.0], [0.5]), {"alpha": 2}, r"^alpha must be in \[0, 1\]; got 2")]),
]


# -------------------------------------------------------------------------------- multiclass
CE_SHAPES = [(5,), (6, 4), (3, 4, 2, 3)]


def _ce_inputs(rng, shape, probs=False):
    """Logits of `shape` (class axis 1, or 0 for one sample) and class indices or class
    probabilities for them."""
    z = rng.normal(0, 2, size=shape)
    c = shape[0] if len(shape) == 1 else shape[1]
    item_shape = () if len(shape) == 1 else (shape[0],) + shape[2:]
    if probs:
        t = rng.dirichlet(np.ones(c), size=int(np.prod(shape)) // c)
        if len(shape) == 1:
            return t[0], z
        return np.moveaxis(t.reshape(item_shape + (c,)), -1, 1), z
    return rng.integers(0, c, size=item_shape), z


def _ce_samples(rng):
    out = []
    for shape in CE_SHAPES:
        c = shape[0] if len(shape) == 1 else shape[1]
        for probs in (False, True):
            for weighted in (False, True):
                for ls in (0.0, 0.1, 0.2, 0.35):
                    y, z = _ce_inputs(rng, shape, probs)
                    hyper = {"label_smoothing": ls} if ls else {}
                    if weighted:
                        hyper["weight"] = rng.uniform(0.1, 3.0, size=c)
                    out.append(((y, z), hyper))
    return out


def _target_tensor(y):
    y = np.asarray(y)
    return torch.tensor(y, dtype=torch.int64) if y.dtype.kind in "iu" else t64(y)


def _ce_torch(a, h, red):
    w = None if h.get("weight") is None else t64(h["weight"])
    target = _target_tensor(a[0])
    return autograd(lambda _, z: F.cross_entropy(z, target, weight=w, reduction=red,
                                                 label_smoothing=h.get("label_smoothing", 0.0)),
                    a, (1,), red)


def _nll_samples(rng):
    out = []
    for shape in CE_SHAPES:
        c = shape[0] if len(shape) == 1 else shape[1]
        for weighted in (False, True):
            y, z = _ce_inputs(rng, shape)
            hyper = {"weight": rng.uniform(0.1, 3.0, size=c)} if weighted else {}
            out.append(((y, log_softmax(z, axis=0 if len(shape) == 1 else 1)), hyper))
    return out


def _nll_torch(a, h, red):
    w = None if h.get("weight") is None else t64(h["weight"])
    target = _target_tensor(a[0])
    return autograd(lambda _, x: F.nll_loss(x, target, weight=w, reduction=red), a, (1,), red)


def _mc_inputs(rng, shape, margin):
    """Scores whose hinge terms m − s_y + s_j and class gaps stay away from 0 (no kinks)."""
    c = shape[-1]
    y = rng.integers(0, c, size=shape[:-1])
    rows = rng.normal(0, 2, size=shape).reshape(-1, c)
    for i, k in enumerate(np.asarray(y).reshape(-1)):
        # every s_j − s_y away from −m (the hinge kink), every two wrong classes apart (the
        # arg-max of Crammer–Singer)
        rows[i] = rows[i][k] + away(rows[i] - rows[i][k], (-margin,), gap=0.05)
        while np.diff(np.sort(rows[i])).min() < 0.05:
            rows[i] += rng.normal(0, 0.5, size=c)
            rows[i] = rows[i][k] + away(rows[i] - rows[i][k], (-margin,), gap=0.05)
    return y, rows.reshape(shape)


def _hinge_mc_samples(rng):
    out = []
    for shape in [(4,), (8, 3), (6, 5), (5, 4)]:
        for margin in (0.5, 1.0, 2.0):
            for variant in ("weston_watkins", "crammer_singer"):
                hyper = {"margin": margin}
                if variant == "crammer_singer":
                    hyper["variant"] = variant
                out.append((_mc_inputs(rng, shape, margin), hyper))
    return out


def _hinge_mc_torch(a, h, red):
    y, s = a
    c = np.shape(s)[-1]
    yy = torch.tensor(np.asarray(y).reshape(-1))
    margin = h.get("margin", 1.0)

    def f(_, x):
        rows = x.reshape(-1, c)
        if h.get("variant", "weston_watkins") == "weston_watkins":
            v = c * F.multi_margin_loss(rows, yy, margin=margin, reduction="none")
        else:
            true = rows[torch.arange(len(yy)), yy]
            wrong = rows.masked_fill(F.one_hot(yy, c).bool(), -torch.inf).max(dim=1).values
            v = torch.clamp(margin + wrong - true, min=0)
        return reduce_t(v.reshape(np.shape(y)), red)
    return autograd(f, a, (1,), red)


SPECS += [
    Spec("cross_entropy", _ce_samples, _ce_torch, gradcheck=True,
         bad=[(([0, 3], np.zeros((2, 3))), {}, r"^y_true must hold class indices in \[0, 3\); "
                                              r"got 3 at position 1"),
              (([0, 1e300], np.zeros((2, 3))), {}, r"got 1e\+300 at position 1"),
              (([0, 1], np.zeros((2, 3))), {"label_smoothing": 1.0},
               r"^label_smoothing must be in \[0, 1\); got 1.0")]),
    Spec("nll_loss", _nll_samples, _nll_torch, gradcheck=True),
    Spec("multiclass_hinge", _hinge_mc_samples, _hinge_mc_torch, gradcheck=True,
         bad=[(([0], [[0.0, 1.0]]), {"variant": "ww"}, r"^variant must be one of")]),
]


# -------------------------------------------------------------------------------- distribution
def _kl_samples(rng):
    def dist(shape, floor):
        x = rng.uniform(floor, 1.0, size=shape)
        return x / x.sum(axis=-1, keepdims=True)
    return [((dist(shape, 0.01), dist(shape, 0.01)), {}) for shape in [(5, 4), (1, 3), (8, 2)]] + [
        ((dist((3, 4), 0.05), dist((3, 4), 0.05)), {}), ((dist(5, 0.05), dist(5, 0.05)), {})]


def _kl_torch(a, h, red):
    p = t64(a[0])

    def f(_, q):
        rows = F.kl_div(q.log(), p, reduction="none").sum(dim=-1)
        return reduce_t(rows, red)
    return autograd(f, a, (1,), red)


SPECS += [Spec("kl_divergence", _kl_samples, _kl_torch, fd_eps=1e-7)]


# -------------------------------------------------------------------------------- segmentation
def _dice_samples(rng):
    out = []
    for smooth in (0.0, 1e-5, 1.0, 10.0):
        for shape in [(4, 6), (3, 2, 4, 4), (7,)]:
            out.append((((rng.uniform(size=shape) < 0.3).astype(float),
                         rng.uniform(0.0, 1.0, size=shape)), {"smooth": smooth}))
        y = np.concatenate([rng.uniform(size=(2, 5)) < 0.5, rng.uniform(size=(1, 5))]).astype(float)
        out.append(((y, rng.uniform(0.1, 0.9, size=(3, 5))), {"smooth": smooth}))
    return out


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
    out = []
    for n, margin in [(6, 0.5), (6, 1.0), (6, 2.5), (5, 1.0)]:
        x1 = rng.normal(size=(n, 3))
        x2 = x1 + rng.normal(scale=0.6, size=(n, 3))
        d = np.linalg.norm(x1 - x2, axis=1)
        x2[np.abs(d - margin) < 2e-2] *= 1.1  # off the hinge at d = m
        out.append(((rng.integers(0, 2, size=n).astype(float), x1, x2), {"margin": margin}))
    out.append(((np.array(0.0), x1[0], x2[0] + 0.1), {"margin": 3.0}))  # one pair
    return out


def _contrastive_torch(a, h, red):
    m = h.get("margin", 1.0)

    def f(y, x1, x2):
        d = torch.linalg.vector_norm(x1 - x2, dim=-1)
        return reduce_t(y * d ** 2 + (1 - y) * torch.clamp(m - d, min=0) ** 2, red)
    return autograd(f, a, (1, 2), red)


def _triplet_samples(rng):
    out = []
    for n, dim, margin in [(8, 4, 0.1), (8, 4, 1.0), (8, 4, 3.0), (5, 3, 1.0), (1, 4, 0.5)]:
        anchor = rng.normal(size=(n, dim))
        positive = anchor + rng.normal(scale=0.8, size=(n, dim))
        negative = anchor + rng.normal(scale=1.0, size=(n, dim))
        slack = (np.linalg.norm(anchor - positive, axis=1)
                 - np.linalg.norm(anchor - negative, axis=1) + margin)
        negative[np.abs(slack) < 2e-2] += 0.1  # off the hinge
        out.append(((anchor, positive, negative), {"margin": margin}))
    out.append(((anchor[0], positive[0], negative[0]), {}))  # one triplet, (D,)
    return out


def _ranking_samples(rng):
    out = []
    for margin in (0.0, 0.5, 2.0):
        for shape in [(12,), (3, 4)]:
            y = _pm1(rng, shape)
            x1, x2 = rng.normal(size=shape), rng.normal(size=shape)
            # away from the kink −y(x1 − x2) + m = 0
            x1 = np.where(np.abs(margin - y * (x1 - x2)) < 1e-2, x1 + 0.1 * y, x1)
            out.append(((y, x1, x2), {"margin": margin}))
    return out


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
#: (T, N, C, S, blank, shortest input): the grid of tests/test_sequence.py before it was
#: consolidated here; ragged lengths, the blank first, last or in the middle, one frame
CTC_CASES = [(12, 4, 5, 3, 0, 8), (30, 6, 8, 6, 0, 15), (20, 5, 6, 4, 5, 10), (15, 3, 7, 5, 3, 9),
             (1, 3, 4, 1, 0, 1), (50, 8, 12, 6, 0, 20), (6, 3, 4, 3, 0, 4)]


def _ctc_samples(rng):
    out = []
    for T, N, C, S, blank, shortest in CTC_CASES:
        lp = log_softmax(2.0 * rng.normal(size=(T, N, C)), axis=2)
        labels = np.array([k for k in range(C) if k != blank])
        targets = rng.choice(labels, size=(N, S))
        out.append(((targets, lp), {"input_lengths": rng.integers(shortest, T + 1, size=N),
                                    "target_lengths": rng.integers(0, S + 1, size=N),
                                    "blank": blank}))
    return out


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
