"""Classification losses (分类损失): binary (probabilities, logits, margins) and multiclass.

Conventions: labels first, predictions second. A *logit* z is a raw score whose sigmoid (binary)
or softmax (multiclass) is a probability; a *margin* is y·s with labels y ∈ {−1, +1}. Each kernel
returns the per-item losses and a function that computes the gradient when asked.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..activations import log_softmax
from ..core import (
    NONNEGATIVE,
    POSITIVE,
    PROBABILITIES,
    REAL,
    Described,
    Interval,
    KernelOut,
    Labels,
    Options,
    OrNone,
    RealArray,
    check_class_indices,
    check_same_shape,
    loss,
)

#: torch clamps each log in BCE at −100, so that p = 0 or 1 gives a large finite loss.
LOG_CLAMP = -100.0
#: torch's floor for p(1 − p) in the BCE gradient, so that p = 0 or 1 does not divide by zero.
BCE_GRAD_EPS = 1e-12

_HINGE_LABELS = Labels((-1.0, 1.0),
                       "; hinge labels are -1 and +1 (convert 0/1 labels with 2*y - 1)")
_WEIGHTS = RealArray(Interval(numbers.Real, 0, None, closed="left"), "weights")
_POS_WEIGHTS = RealArray(Interval(numbers.Real, 0, None, closed="neither"), "weights")


# --------------------------------------------------------------------------------------------
# Binary
# --------------------------------------------------------------------------------------------
@loss(task="binary", formula=r"-\big[y \log p + (1 - y) \log(1 - p)\big]",
      domain={"y_true": PROBABILITIES, "y_prob": PROBABILITIES})
def binary_cross_entropy(y_true, y_prob):
    """Binary cross-entropy on probabilities: −[y log p + (1 − y) log(1 − p)].

    Domain: y_true in [0, 1] (0/1 labels, or soft targets), y_prob in [0, 1]; same shape.
    Formula: per element; each log is clamped at −100 (as torch does), so p = 0 or 1 gives a
    large finite loss rather than inf. "mean" averages over elements.
    Gradient: d/dp = −y/p + (1 − y)/(1 − p) = (p − y) / (p(1 − p)); the denominator is floored
    at 1e-12 (as torch does). Predicting a probability loses precision near 0 and 1: prefer
    `binary_cross_entropy_with_logits` when the model outputs a logit.
    Equals ``torch.nn.functional.binary_cross_entropy(y_prob, y_true)`` and, for 0/1 labels,
    ``sklearn.metrics.log_loss(y_true, y_prob)``.
    """
    check_same_shape(y_true, y_prob, "y_true", "y_prob")
    y, p = y_true, y_prob
    with np.errstate(divide="ignore"):  # log(0) = -inf is clamped on the next line
        log_p = np.maximum(np.log(p), LOG_CLAMP)
        log_1mp = np.maximum(np.log1p(-p), LOG_CLAMP)
    value = -(y * log_p + (1.0 - y) * log_1mp)
    return value, lambda: (p - y) / np.maximum(p * (1.0 - p), BCE_GRAD_EPS)


def _sigmoid_parts(z: np.ndarray):
    """e = e^(−|z|), σ(z) and σ(−z) = 1 − σ(z), each accurate to rounding for any finite z.

    e ≤ 1 never overflows; σ(z) = 1/(1 + e) for z ≥ 0 and e/(1 + e) for z < 0 (and the mirror
    for σ(−z)), so neither is computed as 1 − (something close to 1). The numerator, 1 or e, is
    max(e, [z ≥ 0]) (e ≤ 1): a select without a branch per element, ~5× faster than np.where.
    """
    e = np.exp(-np.abs(z))
    return e, np.maximum(e, z >= 0) / (1.0 + e), np.maximum(e, z < 0) / (1.0 + e)


@loss(task="binary",
      formula=r"-\big[y \log \sigma(z) + (1 - y) \log(1 - \sigma(z))\big]",
      domain={"y_true": PROBABILITIES, "logits": REAL, "pos_weight": OrNone(_POS_WEIGHTS)})
def binary_cross_entropy_with_logits(y_true, logits, *, pos_weight=None):
    """Binary cross-entropy on logits z (p = σ(z)), computed without ever forming p.

    Domain: y_true in [0, 1], logits real; same shape. pos_weight (optional, > 0) multiplies the
    positive term and broadcasts against logits (one per class in multi-label problems).
    Formula: −[w·y log σ(z) + (1 − y) log(1 − σ(z))], written with softplus(u) = log(1 + e^u):
    −log σ(z) = softplus(−z) and −log(1 − σ(z)) = softplus(z), so
    L = (1 − y)·softplus(z) + w·y·softplus(−z), softplus(±z) = max(±z, 0) + log(1 + e^(−|z|)):
    a sum of non-negative terms, which never overflows and keeps tiny losses exact (at z = 30,
    y = 1, w = 2: 1.87e-13, as torch; the form (1 − y)z + softplus(−z) cancels there).
    Gradient: d softplus(u)/du = σ(u), so dL/dz = (1 − y)·σ(z) − w·y·σ(−z); with w = 1 this
    is σ(z) − y, the famous "prediction minus target".
    Equals ``torch.nn.functional.binary_cross_entropy_with_logits(logits, y_true,
    pos_weight=pos_weight)``.
    """
    check_same_shape(y_true, logits, "y_true", "logits")
    y, z = y_true, logits
    e = np.exp(-np.abs(z))  # e^(−|z|) ≤ 1: never overflows
    log1p_e = np.log1p(e)
    if pos_weight is None:
        # (1 − y)·softplus(z) + y·softplus(−z) = max(z, 0) − y·z + log(1 + e^(−|z|)); for hard
        # labels max(z, 0) − y·z is exactly 0 or |z|, so a tiny loss keeps its digits
        value = np.maximum(z, 0.0) - y * z + log1p_e
    else:
        w = _broadcasts_against(pos_weight, z.shape, "pos_weight")
        softplus_z = np.maximum(z, 0.0) + log1p_e  # −log(1 − σ(z))
        softplus_neg_z = np.maximum(-z, 0.0) + log1p_e  # −log σ(z)
        value = (1.0 - y) * softplus_z + w * y * softplus_neg_z

    def grad():
        # σ(z) = 1/(1 + e) for z ≥ 0, e/(1 + e) below; max(e, [z ≥ 0]) picks 1 or e (e ≤ 1)
        # without a branch per element, and σ(−z) likewise: no second exp, no 1 − σ(z)
        sigma = np.maximum(e, z >= 0) / (1.0 + e)
        if pos_weight is None:
            sigma -= y  # σ(z) − y, in place
            return sigma
        sigma_neg = np.maximum(e, z < 0) / (1.0 + e)
        return (1.0 - y) * sigma - w * y * sigma_neg

    return value, grad


def _broadcasts_against(w: np.ndarray, shape: tuple, name: str) -> np.ndarray:
    """`w` if it broadcasts to `shape` without enlarging it, else ValueError naming `name`."""
    try:
        fits = np.broadcast_shapes(w.shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{name} must broadcast against logits of shape {shape}; got shape "
                         f"{w.shape}")
    return w


@loss(task="binary", formula=r"\max(0,\ 1 - y\,s)",
      domain={"y_true": _HINGE_LABELS, "scores": REAL})
def hinge(y_true, scores):
    """Hinge loss: max(0, 1 − y·s) for labels y ∈ {−1, +1} and raw scores s.

    Domain: y_true in {−1, +1}; scores real (the decision function, not a ±1 class); same shape.
    Formula: zero when the margin y·s ≥ 1; positive for every point inside the margin, even a
    correctly classified one (0 < y·s < 1).
    Gradient: d/ds = −y where y·s < 1, else 0 (at y·s = 1 we take 0).
    Equals ``sklearn.metrics.hinge_loss(y_true, scores)`` for binary labels.
    """
    check_same_shape(y_true, scores, "y_true", "scores")
    margin = y_true * scores
    return np.maximum(1.0 - margin, 0.0), lambda: np.where(margin < 1.0, -y_true, 0.0)


@loss(task="binary", formula=r"\max(0,\ 1 - y\,s)^2",
      domain={"y_true": _HINGE_LABELS, "scores": REAL})
def squared_hinge(y_true, scores):
    """Squared hinge loss: max(0, 1 − y·s)² for labels y ∈ {−1, +1}.

    Domain: y_true in {−1, +1}; scores real; same shape.
    Formula: the hinge squared: continuously differentiable, zero beyond the margin.
    Gradient: d/ds max(0, 1 − ys)² = −2y·max(0, 1 − ys).
    Equals the loss of ``sklearn.svm.LinearSVC(loss="squared_hinge")`` (its default).
    """
    check_same_shape(y_true, scores, "y_true", "scores")
    slack = np.maximum(1.0 - y_true * scores, 0.0)
    return slack * slack, lambda: -2.0 * y_true * slack


# --------------------------------------------------------------------------------------------
# Multiclass: scores/logits are (C,), (N, C) or (N, C, d1, ...) as in torch; class axis is 1.
# --------------------------------------------------------------------------------------------
def _rows(x: np.ndarray, name: str):
    """Move the class axis last and flatten the rest: (rows (M, C), item shape, restore), where
    restore(g) puts an (M, C) array back into the layout of x."""
    if x.ndim == 0:
        raise ValueError(f"{name} must have a class axis, shape (C,), (N, C) or (N, C, ...); "
                         f"got a scalar")
    if x.ndim == 1:
        return x[None, :], (), lambda g: g[0]
    if x.ndim == 2:
        return x, x.shape[:1], lambda g: g
    moved = np.moveaxis(x, 1, -1)
    item_shape = moved.shape[:-1]
    c = x.shape[1]
    return (moved.reshape(-1, c), item_shape,
            lambda g: np.moveaxis(g.reshape(item_shape + (c,)), -1, 1))


def _class_weight(weight, n_classes: int):
    """Weights (C,) ≥ 0 (already checked by the domain), ones when None."""
    if weight is None:
        return np.ones(n_classes)
    if weight.shape != (n_classes,):
        raise ValueError(f"weight must have one entry per class, shape ({n_classes},); "
                         f"got shape {weight.shape}")
    return weight


def _targets(y_true, x: np.ndarray, item_shape, name_pred: str, allow_probs: bool):
    """Class indices (M,) or class probabilities (M, C) from y_true, checked against x."""
    c = x.shape[1] if x.ndim >= 2 else x.shape[0]
    arr = np.asarray(y_true)
    if allow_probs and arr.shape == x.shape and arr.dtype.kind == "f":
        t = PROBABILITIES.check(arr, "y_true")
        rows, _, _ = _rows(t, "y_true")
        sums = rows.sum(axis=1)
        bad = np.abs(sums - 1.0) > 1e-6
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"y_true as class probabilities must sum to 1 over the classes; "
                             f"row {i} sums to {sums[i]:g}")
        return None, rows
    if arr.shape != item_shape:
        probs = f" or class probabilities of shape {x.shape}" if allow_probs else ""
        raise ValueError(f"y_true must be class indices of shape {item_shape}{probs} "
                         f"to match {name_pred} of shape {x.shape}; got shape {arr.shape}")
    return check_class_indices(arr, c, "y_true").reshape(-1), None


def _rows_out(value, grad, mean_w, rows_shape, item_shape, restore):
    """Row results back in the input's layout: values per item, the gradient (lazily) like the
    input, and the "mean" weights per item (None: the plain average)."""
    value = value.reshape(item_shape)

    def grad_in_layout():
        return restore(grad())

    if mean_w is None:
        return KernelOut(value, grad_in_layout)
    # items sit on every axis but the class axis (axis 1 for N-D input)
    gw = restore(np.broadcast_to(mean_w[:, None], rows_shape))
    return KernelOut(value, grad_in_layout, mean_w.reshape(item_shape), gw)


def _at_class(rows: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """rows[i, idx[i]] for every row i: each row's entry at its true class. (Flat indices into
    the rows as one vector: about 2× faster than numpy's two-array indexing rows[i, idx].)"""
    n, c = rows.shape
    return rows.reshape(-1)[np.arange(n) * c + idx]


def _one_hot(idx: np.ndarray, values, n_classes: int) -> np.ndarray:
    """(n, C) zeros with values[i] at (i, idx[i]) (flat indices, as `_at_class`)."""
    n = len(idx)
    out = np.zeros(n * n_classes)
    out[np.arange(n) * n_classes + idx] = values
    return out.reshape(n, n_classes)


_CLASS_INDICES = Described("class indices in [0, C), one per item")


@loss(task="multiclass", formula=r"-\sum_{c=1}^{C} y_c \log \operatorname{softmax}(z)_c",
      domain={"y_true": Described("class indices in [0, C), or class probabilities shaped "
                                  "like logits"),
              "logits": REAL, "weight": OrNone(_WEIGHTS),
              "label_smoothing": Interval(numbers.Real, 0, 1, closed="left")})
def cross_entropy(y_true, logits, *, weight=None, label_smoothing=0.0):
    """Softmax cross-entropy on logits, with optional class weights and label smoothing.

    Domain: logits (C,), (N, C) or (N, C, d1, ...) — the class axis is axis 1, as in torch.
    y_true either integer class indices of the logits' shape without the class axis, or class
    probabilities of the logits' shape (each row summing to 1). weight: (C,), ≥ 0.
    label_smoothing ε in [0, 1): the target becomes (1 − ε)·y + ε/C.
    Formula: log p = log_softmax(z); per sample L = −Σ_c a_c log p_c, with a_c = w_c·ỹ_c (ỹ the
    smoothed target). For a one-hot target without smoothing that is −w_y log p_y: the class sum
    keeps only the true class. "mean" divides by Σ_i w_{y_i} for index targets (so a weighted
    mean), by N for probability targets — exactly as torch.
    Gradient: log p_c = z_c − logsumexp(z), so ∂L/∂z_k = −a_k + (Σ_c a_c)·p_k; unweighted with a
    one-hot target: p − y.
    Equals ``torch.nn.functional.cross_entropy(logits, y_true, weight=weight,
    label_smoothing=label_smoothing)``.
    References: label smoothing — Szegedy et al. (2016).
    """
    rows, item_shape, restore = _rows(logits, "logits")
    n, c = rows.shape
    w = _class_weight(weight, c)
    eps = label_smoothing
    idx, probs = _targets(y_true, logits, item_shape, "logits", allow_probs=True)
    log_p = log_softmax(rows, axis=1)
    mean_w = None
    if idx is not None:  # class indices: a one-hot target, smoothed
        w_y = w[idx]
        value = -w_y * _at_class(log_p, idx)  # −w_y log p_y: the one class the target has
        if eps:
            value = (1.0 - eps) * value - (eps / c) * _dot_rows(log_p, w)
        if weight is not None:
            if w_y.sum() <= 0:
                raise ValueError("weight of the classes present in y_true must not sum to 0 "
                                 "(the weighted mean divides by it)")
            mean_w = np.full(n, 1.0 / w_y.sum())

        def coefficients():  # a (n, C): (1 − ε)·w_y at the true class, plus ε/C·w everywhere
            a = _one_hot(idx, (1.0 - eps) * w_y, c)
            return a + (eps / c) * w if eps else a
    else:  # class probabilities, smoothed towards the uniform distribution
        a = (probs * (1.0 - eps) + eps / c) * w
        value = -_dot_rows(log_p, a)

        def coefficients():
            return a

    def grad():
        a = coefficients()
        return a.sum(axis=1, keepdims=True) * np.exp(log_p) - a

    return _rows_out(value, grad, mean_w, rows.shape, item_shape, restore)


def _dot_rows(log_p: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Σ_c a_c log p_c per row, with terms of weight 0 counted as 0 even where log p_c = −inf
    (a difference of logits beyond the float range): 0·(−inf) would be NaN."""
    return np.where(a > 0, a * log_p, 0.0).sum(axis=1)


@loss(task="multiclass", formula=r"-w_y \log p_y",
      domain={"y_true": _CLASS_INDICES,
              "log_probs": RealArray(Interval(numbers.Real, None, 0), "log-probabilities",
                                     " (apply log_softmax first)"),
              "weight": OrNone(_WEIGHTS)})
def nll_loss(y_true, log_probs, *, weight=None):
    """Negative log-likelihood of the true class, given log-probabilities.

    Domain: log_probs (C,), (N, C) or (N, C, d1, ...), class axis 1, all ≤ 0 (for instance the
    output of `log_softmax`); y_true integer class indices. weight: (C,), ≥ 0.
    Formula: per sample −w_y · log p_y; "mean" divides by Σ_i w_{y_i}.
    Gradient: ∂L/∂(log p_k) = −w_y if k = y else 0. Composed with log_softmax this gives the
    gradient of `cross_entropy`.
    Equals ``torch.nn.functional.nll_loss(log_probs, y_true, weight=weight)``.
    """
    rows, item_shape, restore = _rows(log_probs, "log_probs")
    n, c = rows.shape
    w = _class_weight(weight, c)
    idx, _ = _targets(y_true, log_probs, item_shape, "log_probs", allow_probs=False)
    w_y = 1.0 if weight is None else w[idx]
    value = -w_y * _at_class(rows, idx)  # −w_y log p_y
    mean_w = None
    if weight is not None:
        if w_y.sum() <= 0:
            raise ValueError("weight of the classes present in y_true must not sum to 0 "
                             "(the weighted mean divides by it)")
        mean_w = np.full(n, 1.0 / w_y.sum())

    return _rows_out(value, lambda: _one_hot(idx, -w_y, c), mean_w, rows.shape, item_shape,
                     restore)


MULTICLASS_HINGE_VARIANTS = ("weston_watkins", "crammer_singer")


@loss(task="multiclass", formula=r"\sum_{j \ne y} \max(0,\ m - s_y + s_j)",
      domain={"y_true": _CLASS_INDICES, "scores": REAL, "margin": POSITIVE,
              "variant": Options(MULTICLASS_HINGE_VARIANTS)})
def multiclass_hinge(y_true, scores, *, margin=1.0, variant="weston_watkins"):
    """Multiclass hinge loss, Weston–Watkins (default) or Crammer–Singer.

    Domain: scores (C,) or (N, C) raw class scores; y_true integer class indices; margin > 0.
    Formula: Weston–Watkins sums a hinge over every wrong class,
    Σ_{j≠y} max(0, m − s_y + s_j); Crammer–Singer keeps only the strongest wrong class,
    max(0, m + max_{j≠y} s_j − s_y). Both are 0 once the true class wins by the margin.
    Gradient: each active term m − s_y + s_j > 0 adds +1 to ∂/∂s_j and −1 to ∂/∂s_y
    (Crammer–Singer: only the term of the arg-max wrong class, first one on ties).
    Equals: Weston–Watkins = C × ``torch.nn.functional.multi_margin_loss(scores, y_true,
    margin=margin)`` (torch divides by C); Crammer–Singer with margin 1 =
    ``sklearn.metrics.hinge_loss(y_true, scores)`` for more than two classes.
    References: Weston & Watkins (1999); Crammer & Singer (2001).
    """
    if scores.ndim > 2:
        raise ValueError(f"scores must have shape (C,) or (N, C); got shape {scores.shape}")
    rows, item_shape, restore = _rows(scores, "scores")
    n, c = rows.shape
    if c < 2:
        raise ValueError(f"scores must have at least 2 classes; got shape {scores.shape}")
    idx, _ = _targets(y_true, scores, item_shape, "scores", allow_probs=False)
    r = np.arange(n)
    terms = margin - rows[r, idx][:, None] + rows  # m − s_y + s_j for every class j
    terms[r, idx] = -np.inf  # the true class is not a competitor
    if variant == "weston_watkins":
        active = terms > 0
        value = np.where(active, terms, 0.0).sum(axis=1)

        def grad():
            g = active.astype(np.float64)
            g[r, idx] = -active.sum(axis=1)
            return g
    else:
        j = np.argmax(terms, axis=1)  # the strongest wrong class
        top = terms[r, j]
        active = top > 0
        value = np.maximum(top, 0.0)

        def grad():
            g = np.zeros_like(rows)
            g[r[active], j[active]] = 1.0
            g[r[active], idx[active]] = -1.0
            return g

    return _rows_out(value, grad, None, rows.shape, item_shape, restore)


# --------------------------------------------------------------------------------------------
# Focal loss (binary, on logits)
# --------------------------------------------------------------------------------------------
@loss(task="binary", formula=r"-\alpha_t\,(1 - p_t)^{\gamma} \log p_t",
      domain={"y_true": PROBABILITIES, "logits": REAL, "gamma": NONNEGATIVE,
              "alpha": OrNone(Interval(numbers.Real, 0, 1))})
def focal_loss(y_true, logits, *, gamma=2.0, alpha=0.25):
    """Binary focal loss on logits: BCE-with-logits × (1 − p_t)^γ × α_t.

    Domain: y_true in [0, 1] (0/1 labels, or soft targets), logits real; same shape. gamma ≥ 0;
    alpha in [0, 1] (the weight of the positive class; 1 − alpha for the negative), or None for
    no class weighting.
    Formula: with p = σ(z), p_t = p·y + (1 − p)(1 − y) and α_t = α·y + (1 − α)(1 − y),
    L = α_t (1 − p_t)^γ · CE, CE = BCE-with-logits. For 0/1 labels CE = −log p_t. We compute
    CE = (1 − y)·softplus(z) + y·softplus(−z) and u = 1 − p_t = y·σ(−z) + (1 − y)·σ(z): sums of
    non-negative terms, with no cancellation, so L and its gradient keep full relative precision
    (a loss of e^-120 at z = 40 stays e^-120) and are exact and finite for any finite logit.
    Gradient: dCE/dz = σ(z) − y and du/dz = σ(z)σ(−z)(1 − 2y), so
    dL/dz = α_t [(σ(z) − y) u^γ + γ (1 − 2y) (σ(z)σ(−z)/u) · CE u^γ], where σ(z)σ(−z)/u ≤ 2
    (taken first, so that a zero there is not multiplied by a huge CE).
    With γ = 0 and alpha=None it is `binary_cross_entropy_with_logits`.
    Equals ``torchvision.ops.sigmoid_focal_loss(logits, y_true, alpha=alpha, gamma=gamma)``
    (torchvision turns the α term off with alpha=-1; we use None).
    References: Lin et al. (2017), Focal Loss for Dense Object Detection.
    """
    check_same_shape(y_true, logits, "y_true", "logits")
    y, z = y_true, logits
    e, sigma, sigma_neg = _sigmoid_parts(z)  # e^(−|z|), σ(z), σ(−z)
    log1p_e = np.log1p(e)
    ce = (1.0 - y) * (np.maximum(z, 0.0) + log1p_e) + y * (np.maximum(-z, 0.0) + log1p_e)
    u = y * sigma_neg + (1.0 - y) * sigma  # 1 − p_t, without the cancellation of 1 − (…)
    modulation = u ** gamma  # 0 ** 0 = 1: gamma = 0 gives plain BCE
    alpha_t = 1.0 if alpha is None else alpha * y + (1.0 - alpha) * (1.0 - y)
    focal = ce * modulation
    value = alpha_t * focal

    def grad():
        # σ(z)σ(−z)/u ≤ 2; u = 0 only for saturated 0/1 labels, where u^γ·γ = 0 anyway.
        ratio = np.divide(sigma * sigma_neg, u, out=np.zeros_like(u), where=u > 0)
        d_ce = (1.0 - y) * sigma - y * sigma_neg  # σ(z) − y, written without cancellation
        return alpha_t * (d_ce * modulation + gamma * (1.0 - 2.0 * y) * (ratio * focal))

    return value, grad
