"""Classification losses (分类损失): binary (probabilities, logits, margins) and multiclass.

Conventions: labels first, predictions second. A *logit* z is a raw score whose sigmoid (binary)
or softmax (multiclass) is a probability; a *margin* is y·s with labels y ∈ {−1, +1}.
"""
from __future__ import annotations

import numpy as np

from ..core import (KernelOut, as_float_array, check_choice, check_class_indices, check_labels_in,
                    check_nonnegative, check_pair, check_positive, check_probabilities, loss,
                    sum_blocks, _scalar)
from ..activations import log_softmax, sigmoid, softplus

#: torch clamps each log in BCE at −100, so that p = 0 or 1 gives a large finite loss.
LOG_CLAMP = -100.0
#: torch's floor for p(1 − p) in the BCE gradient, so that p = 0 or 1 does not divide by zero.
BCE_GRAD_EPS = 1e-12

_HINGE_HINT = "; hinge labels are -1 and +1 (convert 0/1 labels with 2*y - 1)"


# --------------------------------------------------------------------------------------------
# Binary
# --------------------------------------------------------------------------------------------
@loss(name="binary_cross_entropy", caveat="each log clamped at −100 (as torch); scikit-learn `log_loss` and Keras clip p instead", title="Binary cross-entropy", zh="二元交叉熵",
      zh_hant="二元交叉熵", task="binary",
      formula=r"-\big[y \log p + (1 - y) \log(1 - p)\big]",
      summary="log-loss on probabilities; the standard binary loss",
      summary_zh="基于概率的对数损失；二分类最常用",
      torch="F.binary_cross_entropy(y_prob, y_true)", sklearn="sklearn.metrics.log_loss",
      keras="keras.losses.BinaryCrossentropy()", references=("Cox 1958 (logistic regression)",))
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
    t, p = check_pair(y_true, y_prob, "y_true", "y_prob")
    check_probabilities(t, "y_true")
    check_probabilities(p, "y_prob")
    with np.errstate(divide="ignore"):  # log(0) = -inf is clamped on the next line
        log_p = np.maximum(np.log(p), LOG_CLAMP)
        log_1mp = np.maximum(np.log1p(-p), LOG_CLAMP)
    value = -(t * log_p + (1.0 - t) * log_1mp)
    grad = (p - t) / np.maximum(p * (1.0 - p), BCE_GRAD_EPS)
    return value, grad


@loss(name="binary_cross_entropy_with_logits", caveat="`pos_weight` multiplies only the positive term (as torch); Keras needs `from_logits=True`", title="Binary cross-entropy with logits",
      zh="带 logits 的二元交叉熵", zh_hant="帶 logits 的二元交叉熵", task="binary",
      formula=r"-\big[y \log \sigma(z) + (1 - y) \log(1 - \sigma(z))\big]",
      summary="BCE computed from the logit: stable for any score",
      summary_zh="由 logit 直接计算的 BCE：数值稳定",
      torch="F.binary_cross_entropy_with_logits(logits, y_true)",
      keras="keras.losses.BinaryCrossentropy(from_logits=True)", hyper={"pos_weight": None},
      references=("Cox 1958 (logistic regression)",))
def binary_cross_entropy_with_logits(y_true, logits, *, pos_weight=None):
    """Binary cross-entropy on logits z (p = σ(z)), computed without ever forming p.

    Domain: y_true in [0, 1], logits real; same shape. pos_weight (optional, > 0) multiplies the
    positive term and broadcasts against logits (one per class in multi-label problems).
    Formula: −[w·y log σ(z) + (1 − y) log(1 − σ(z))], written with softplus(u) = log(1 + e^u):
    −log σ(z) = softplus(−z) and −log(1 − σ(z)) = softplus(z), so
    L = w·y·softplus(−z) + (1 − y)·softplus(z): a sum of two non-negative terms, exact for |z|
    up to 1e4 and beyond, and accurate even when the loss is tiny (torch's form
    (1 − y)z + softplus(−z) cancels there: at z = −40, y = 0 it returns 0 instead of 4.2e-18).
    Gradient: d softplus(u)/du = σ(u), so dL/dz = −w·y·σ(−z) + (1 − y)·σ(z); with w = 1 this
    is σ(z) − y, the famous "prediction minus target".
    Equals ``torch.nn.functional.binary_cross_entropy_with_logits(logits, y_true,
    pos_weight=pos_weight)``.
    """
    t, z = check_pair(y_true, logits, "y_true", "logits")
    check_probabilities(t, "y_true")
    if pos_weight is None:
        w = 1.0
    else:
        w = as_float_array(pos_weight, "pos_weight")
        if (w <= 0).any():
            raise ValueError(f"pos_weight must be > 0; got {w.min():g}")
        try:
            fits = np.broadcast_shapes(w.shape, z.shape) == z.shape  # never enlarges the loss
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(f"pos_weight must broadcast against logits of shape {z.shape}; "
                             f"got shape {w.shape}")
    if z.ndim == 0:  # one logit: compute on shape (1,), as the in-place steps below need arrays
        value, grad = binary_cross_entropy_with_logits.kernel(t[None], z[None],
                                                              pos_weight=pos_weight)
        return value[0], grad[0]
    if pos_weight is None:
        return _bce_logits_unweighted(t, z)
    L, sig = _softplus_parts(z)
    relu = np.maximum(z, 0.0)
    wy = w * t
    value = wy * (L + relu - z) + (1.0 - t) * (L + relu)
    grad = (1.0 - t) * sig - wy * (1.0 - sig)
    return value, np.broadcast_to(grad, z.shape).copy() if np.shape(grad) != z.shape else grad


@binary_cross_entropy_with_logits.sum_kernel
def _bce_logits_sum(y_true, logits, *, pos_weight=None):
    """Σ loss and the gradient, for "mean" and "sum"; without pos_weight in cache-sized blocks."""
    if pos_weight is not None:
        value, grad = binary_cross_entropy_with_logits.kernel(y_true, logits, pos_weight=pos_weight)
        return value.sum(), grad
    t, z = check_pair(y_true, logits, "y_true", "logits")
    check_probabilities(t, "y_true")

    def block(t, z, g):  # one slice of y, z and of the gradient g (see `sum_blocks`)
        value, grad = _bce_logits_unweighted(t, z)
        g[...] = grad
        return value.sum()

    return sum_blocks(block, t, z)


def _softplus_parts(z):
    """L = log1p(e^(−|z|)) and σ(z) for an array z: what every term of the loss is made of.

    Both come from e = e^(−|z|) ≤ 1, which never overflows: softplus(z) = max(z, 0) + L,
    softplus(−z) = max(z, 0) − z + L, and σ(z) = 1/(1 + e) for z ≥ 0, e/(1 + e) for z < 0.
    Each step writes into an array made here.
    """
    e = np.abs(z)
    np.negative(e, out=e)
    np.exp(e, out=e)
    u = e + 1.0
    # L = log1p(e) from np.log, which takes half the time of np.log1p (glibc): u = 1 + e is
    # rounded, but its rounding error (u − 1) − e is computed exactly, and taking it off log(u)
    # (divided by u, the slope of log) gives log1p(e) to within an ulp, tiny e included.
    rounding = u - 1.0
    rounding -= e
    rounding /= u
    # σ(z): max(e, [z ≥ 0]) is 1 where z ≥ 0 and e where z < 0 (as e ≤ 1), a select without
    # branches; np.where(z >= 0, 1, e) is ~5× slower on logits of random sign.
    sig = np.maximum(e, z >= 0, out=e)
    sig /= u
    L = np.log(u, out=u)
    L -= rounding
    return L, sig


def _bce_logits_unweighted(t, z):
    """Per-element loss and gradient σ(z) − y of `binary_cross_entropy_with_logits`, w = 1."""
    L, sig = _softplus_parts(z)
    # (1 − y)·softplus(z) + y·softplus(−z) = L + (max(z, 0) − y·z): non-negative terms only; for
    # hard labels the bracket is 0 or |z| exactly, so tiny losses keep their digits.
    bracket = np.maximum(z, 0.0)
    bracket -= t * z
    L += bracket
    sig -= t
    return L, sig


def _hinge_inputs(y_true, scores):
    t, s = check_pair(y_true, scores, "y_true", "scores")
    check_labels_in(t, "y_true", (-1.0, 1.0), _HINGE_HINT)
    return t, s


@loss(name="hinge", caveat="labels must be −1/+1 (Keras converts 0/1 itself; scikit-learn accepts any two labels)", title="Hinge loss", zh="合页损失", zh_hant="鉸鏈損失", task="binary",
      formula=r"\max(0,\ 1 - y\,s)",
      summary="margin loss of the SVM; zero only beyond the margin y·s ≥ 1",
      summary_zh="SVM 的间隔损失；只有 y·s ≥ 1 时为零",
      torch=None, sklearn="sklearn.metrics.hinge_loss", keras="keras.losses.Hinge()",
      references=("Cortes & Vapnik 1995, Support-Vector Networks",))
def hinge(y_true, scores):
    """Hinge loss: max(0, 1 − y·s) for labels y ∈ {−1, +1} and raw scores s.

    Domain: y_true in {−1, +1}; scores real (the decision function, not a ±1 class); same shape.
    Formula: zero when the margin y·s ≥ 1; positive for every point inside the margin, even a
    correctly classified one (0 < y·s < 1).
    Gradient: d/ds = −y where y·s < 1, else 0 (at y·s = 1 we take 0).
    Equals ``sklearn.metrics.hinge_loss(y_true, scores)`` for binary labels.
    """
    t, s = _hinge_inputs(y_true, scores)
    slack = 1.0 - t * s
    active = slack > 0
    return np.where(active, slack, 0.0), np.where(active, -t, 0.0)


@loss(name="squared_hinge", caveat="the default loss of scikit-learn's `LinearSVC`", title="Squared hinge loss", zh="平方合页损失",
      zh_hant="平方鉸鏈損失", task="binary", formula=r"\max(0,\ 1 - y\,s)^2",
      summary="smooth hinge: differentiable, punishes large violations more",
      summary_zh="平滑的合页损失：可微，对大的违例惩罚更重",
      torch=None, sklearn="sklearn.svm.LinearSVC(loss='squared_hinge')",
      keras="keras.losses.SquaredHinge()", references=("Cortes & Vapnik 1995",))
def squared_hinge(y_true, scores):
    """Squared hinge loss: max(0, 1 − y·s)² for labels y ∈ {−1, +1}.

    Domain: y_true in {−1, +1}; scores real; same shape.
    Formula: the hinge squared: continuously differentiable, zero beyond the margin.
    Gradient: d/ds max(0, 1 − ys)² = −2y·max(0, 1 − ys).
    Equals the loss of ``sklearn.svm.LinearSVC(loss="squared_hinge")`` (its default).
    """
    t, s = _hinge_inputs(y_true, scores)
    slack = np.maximum(1.0 - t * s, 0.0)
    return slack * slack, -2.0 * t * slack


# --------------------------------------------------------------------------------------------
# Multiclass: scores/logits are (C,), (N, C) or (N, C, d1, ...) as in torch; class axis is 1.
# --------------------------------------------------------------------------------------------
def _rows(x: np.ndarray, name: str):
    """Move the class axis last and flatten the rest: returns (rows (M, C), item shape, restore)."""
    if x.ndim == 1:
        return x[None, :], (), lambda g: g[0]
    if x.ndim == 2:
        return x, x.shape[:1], lambda g: g
    moved = np.moveaxis(x, 1, -1)
    item_shape = moved.shape[:-1]
    c = x.shape[1]
    return moved.reshape(-1, c), item_shape, lambda g: np.moveaxis(g.reshape(item_shape + (c,)), -1, 1)


def _class_weight(weight, n_classes: int):
    if weight is None:
        return None
    w = as_float_array(weight, "weight")
    if w.shape != (n_classes,):
        raise ValueError(f"weight must have one entry per class, shape ({n_classes},); "
                         f"got shape {w.shape}")
    if (w < 0).any():
        raise ValueError(f"weight must be >= 0; got {w.min():g}")
    return w


def _targets(y_true, x: np.ndarray, item_shape, name_pred: str, allow_probs: bool):
    """Class indices (M,) or class probabilities (M, C) from y_true, checked against x."""
    c = x.shape[1] if x.ndim >= 2 else x.shape[0]
    arr = np.asarray(y_true)
    if allow_probs and arr.shape == x.shape and arr.dtype.kind == "f":
        t = as_float_array(arr, "y_true")
        check_probabilities(t, "y_true")
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


def _ce_coefficients(idx, probs, w, n_classes: int, label_smoothing: float):
    """Per-row coefficients a (M, C) with loss_i = −Σ_c a_ic log p_ic, and the "mean" weights."""
    m = len(idx) if idx is not None else len(probs)
    wc = np.ones(n_classes) if w is None else w
    if idx is not None:
        a = np.zeros((m, n_classes))
        w_y = wc[idx]
        a[np.arange(m), idx] = (1.0 - label_smoothing) * w_y
        if label_smoothing:
            a += (label_smoothing / n_classes) * wc
        if w is None:
            return a, None
        total = w_y.sum()
        if total <= 0:
            raise ValueError("weight of the classes present in y_true must not sum to 0 "
                             "(the weighted mean divides by it)")
        return a, np.full(m, 1.0 / total)
    # probability targets: smoothing mixes in the uniform distribution; "mean" divides by M.
    t = probs * (1.0 - label_smoothing) + label_smoothing / n_classes
    return t * wc, None


def _check_logits(y_pred, name: str):
    x = as_float_array(y_pred, name)
    if x.ndim == 0:
        raise ValueError(f"{name} must have a class axis, shape (C,), (N, C) or (N, C, ...); "
                         f"got a scalar")
    return x


@loss(name="cross_entropy", caveat="weighted \"mean\" divides by Σ w_y (as torch); Keras's default expects probabilities (`from_logits=False`)", title="Cross-entropy (softmax)", zh="交叉熵（Softmax）",
      zh_hant="交叉熵（Softmax）", task="multiclass",
      formula=r"-\sum_{c=1}^{C} y_c \log \operatorname{softmax}(z)_c",
      summary="the standard multiclass loss; for one-hot y only −log p of the true class remains",
      summary_zh="多分类的标准损失；独热标签时只剩真实类别的 −log p",
      torch="F.cross_entropy(logits, y_true, weight=weight, label_smoothing=label_smoothing)",
      sklearn="sklearn.metrics.log_loss", keras="keras.losses.SparseCategoricalCrossentropy(from_logits=True)",
      hyper={"weight": None, "label_smoothing": 0.0},
      references=("Szegedy et al. 2016, Rethinking the Inception Architecture (label smoothing)",))
def cross_entropy(y_true, logits, *, weight=None, label_smoothing=0.0):
    """Softmax cross-entropy on logits, with optional class weights and label smoothing.

    Domain: logits (C,), (N, C) or (N, C, d1, ...) — the class axis is axis 1, as in torch.
    y_true either integer class indices of the logits' shape without the class axis, or class
    probabilities of the logits' shape (each row summing to 1). weight: (C,), ≥ 0.
    label_smoothing ε in [0, 1): the target becomes (1 − ε)·y + ε/C.
    Formula: p = softmax(z); per sample L = −Σ_c a_c log p_c, with a_c = w_c·ỹ_c (ỹ the smoothed
    target). For a one-hot target without smoothing that is −w_y log p_y: the class sum keeps
    only the true class. "mean" divides by Σ_i w_{y_i} for index targets (so a weighted mean),
    by N for probability targets — exactly as torch.
    Gradient: log p_c = z_c − logsumexp(z), so ∂L/∂z_k = −a_k + (Σ_c a_c)·p_k; unweighted with a
    one-hot target: p − y.
    Equals ``torch.nn.functional.cross_entropy(logits, y_true, weight=weight,
    label_smoothing=label_smoothing)``.
    References: label smoothing — Szegedy et al. (2016).
    """
    x = _check_logits(logits, "logits")
    ls = _scalar(label_smoothing, "label_smoothing")
    if not 0.0 <= ls < 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1); got {label_smoothing}")
    rows, item_shape, restore = _rows(x, "logits")
    c = rows.shape[1]
    w = _class_weight(weight, c)
    idx, probs = _targets(y_true, x, item_shape, "logits", allow_probs=True)
    if idx is not None and w is None and ls == 0.0:
        # The common case, one pass cheaper: L_i = logsumexp(z_i) − z_iy, ∂L/∂z = softmax(z) − onehot.
        r = np.arange(len(idx))
        shifted = rows - rows.max(axis=1, keepdims=True)  # max-shift: every exponent ≤ 0
        value = -shifted[r, idx]  # −(z_y − max z), read before exp overwrites `shifted`
        e = np.exp(shifted, out=shifted)  # in place: saves an array as large as the logits
        total = np.einsum("ij->i", e)  # row sums, as e.sum(axis=1): ~4× faster on short rows
        value += np.log(total)
        e /= total[:, None]  # softmax, in place
        e[r, idx] -= 1.0
        return _rows_out(value, e, None, item_shape, restore)
    a, mean_w = _ce_coefficients(idx, probs, w, c, ls)
    logp = log_softmax(rows, axis=1)
    value = -(a * logp).sum(axis=1)
    grad = a.sum(axis=1, keepdims=True) * np.exp(logp) - a
    return _rows_out(value, grad, mean_w, item_shape, restore)


def _rows_out(value, grad, mean_w, item_shape, restore):
    """Reshape row results back to the input layout (values per item, gradient like the input)."""
    value = value.reshape(item_shape)
    g = restore(grad)
    if mean_w is None:
        return KernelOut(value, g)
    mw = mean_w.reshape(item_shape)
    # items sit on every axis but the class axis (axis 1 for N-D input)
    gw = restore(np.broadcast_to(mean_w[:, None], grad.shape))
    return KernelOut(value, g, mw, gw)


@loss(name="nll_loss", caveat="input is log-probabilities (apply `log_softmax` first)", title="Negative log-likelihood", zh="负对数似然", zh_hant="負對數似然",
      task="multiclass", formula=r"-w_y \log p_y",
      summary="cross-entropy on log-probabilities (after log_softmax)",
      summary_zh="作用于对数概率（log_softmax 之后）的交叉熵",
      torch="F.nll_loss(log_probs, y_true, weight=weight)", hyper={"weight": None},
      references=("Fisher 1922 (maximum likelihood)",))
def nll_loss(y_true, log_probs, *, weight=None):
    """Negative log-likelihood of the true class, given log-probabilities.

    Domain: log_probs (C,), (N, C) or (N, C, d1, ...), class axis 1, all ≤ 0 (for instance the
    output of `log_softmax`); y_true integer class indices. weight: (C,), ≥ 0.
    Formula: per sample −w_y · log p_y; "mean" divides by Σ_i w_{y_i}.
    Gradient: ∂L/∂(log p_k) = −w_y if k = y else 0. Composed with log_softmax this gives the
    gradient of `cross_entropy`.
    Equals ``torch.nn.functional.nll_loss(log_probs, y_true, weight=weight)``.
    """
    x = _check_logits(log_probs, "log_probs")
    if (x > 0).any():
        where = np.argwhere(x > 0)[0]
        raise ValueError(f"log_probs must be log-probabilities (<= 0); got {x[tuple(where)]:g} at "
                         f"position {tuple(int(i) for i in where)} (apply log_softmax first)")
    rows, item_shape, restore = _rows(x, "log_probs")
    c = rows.shape[1]
    w = _class_weight(weight, c)
    idx, _ = _targets(y_true, x, item_shape, "log_probs", allow_probs=False)
    a, mean_w = _ce_coefficients(idx, None, w, c, 0.0)
    return _rows_out(-(a * rows).sum(axis=1), -a, mean_w, item_shape, restore)


MULTICLASS_HINGE_VARIANTS = ("weston_watkins", "crammer_singer")


@loss(name="multiclass_hinge", caveat="torch `multi_margin_loss` divides by C; scikit-learn `hinge_loss` is Crammer–Singer", title="Multiclass hinge loss", zh="多类合页损失",
      zh_hant="多類鉸鏈損失", task="multiclass",
      formula=r"\sum_{j \ne y} \max(0,\ m - s_y + s_j)",
      summary="Weston–Watkins (sum over wrong classes) or Crammer–Singer (max)",
      summary_zh="Weston–Watkins（对错误类别求和）或 Crammer–Singer（取最大）",
      torch="C * F.multi_margin_loss(scores, y_true, margin=margin)  # Weston–Watkins",
      sklearn="sklearn.metrics.hinge_loss  # Crammer–Singer",
      keras="keras.losses.CategoricalHinge()  # Crammer–Singer with one-hot y",
      hyper={"margin": 1.0, "variant": "weston_watkins"},
      references=("Weston & Watkins 1999, Support Vector Machines for Multi-Class Pattern Recognition",
                  "Crammer & Singer 2001, On the Algorithmic Implementation of Multiclass Kernel-based Vector Machines"))
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
    check_choice(variant, "variant", MULTICLASS_HINGE_VARIANTS)
    m = check_positive(margin, "margin")
    x = _check_logits(scores, "scores")
    if x.ndim > 2:
        raise ValueError(f"scores must have shape (C,) or (N, C); got shape {x.shape}")
    rows, item_shape, restore = _rows(x, "scores")
    n, c = rows.shape
    if c < 2:
        raise ValueError(f"scores must have at least 2 classes; got shape {x.shape}")
    idx, _ = _targets(y_true, x, item_shape, "scores", allow_probs=False)
    r = np.arange(n)
    s_y = rows[r, idx][:, None]
    terms = m - s_y + rows
    terms[r, idx] = -np.inf  # the true class is not a competitor
    grad = np.zeros_like(rows)
    if variant == "weston_watkins":
        active = terms > 0
        value = np.where(active, terms, 0.0).sum(axis=1)
        grad[active] = 1.0
        grad[r, idx] = -active.sum(axis=1)
    else:
        j = np.argmax(terms, axis=1)
        top = terms[r, j]
        active = top > 0
        value = np.where(active, top, 0.0)
        grad[r[active], j[active]] = 1.0
        grad[r[active], idx[active]] = -1.0
    return _rows_out(value, grad, None, item_shape, restore)


# --------------------------------------------------------------------------------------------
# Focal loss (binary, on logits)
# --------------------------------------------------------------------------------------------


@loss(name="focal_loss", caveat="`alpha=None` turns the α term off (torchvision: `alpha < 0`); not in torch core", title="Focal loss", zh="焦点损失（Focal Loss）",
      zh_hant="焦點損失（Focal Loss）", task="binary",
      formula=r"-\alpha_t\,(1 - p_t)^{\gamma} \log p_t",
      summary="BCE scaled down by (1 − p_t)^γ on easy, well-classified examples",
      summary_zh="用 (1 − p_t)^γ 压低容易样本的 BCE，让训练关注难样本",
      torch="torchvision.ops.sigmoid_focal_loss(logits, y_true, alpha=alpha, gamma=gamma)",
      keras="keras.losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=alpha, "
            "gamma=gamma, from_logits=True)",
      grad_of="logits", hyper={"gamma": 2.0, "alpha": 0.25},
      references=("Lin et al. 2017, Focal Loss for Dense Object Detection",))
def focal_loss(y_true, logits, *, gamma=2.0, alpha=0.25):
    """Binary focal loss on logits: BCE-with-logits × (1 − p_t)^γ × α_t.

    Domain: y_true in [0, 1] (0/1 labels, or soft targets), logits real; same shape. gamma ≥ 0;
    alpha in [0, 1] (the weight of the positive class; 1 − alpha for the negative), or None for
    no class weighting.
    Formula: with p = σ(z), p_t = p·y + (1 − p)(1 − y) and α_t = α·y + (1 − α)(1 − y),
    L = α_t (1 − p_t)^γ · CE, CE = BCE-with-logits. For 0/1 labels CE = −log p_t. We compute
    CE = (1 − y)·softplus(z) + y·softplus(−z) and u = 1 − p_t = y·σ(−z) + (1 − y)·σ(z): sums of
    non-negative terms, with no cancellation, so L and its gradient keep full relative precision
    (a loss of e^-120 at z = 40 stays e^-120) and are exact and finite at logits ±1e4.
    Gradient: dCE/dz = σ(z) − y and du/dz = σ(z)σ(−z)(1 − 2y), so
    dL/dz = α_t [(σ(z) − y) u^γ + γ CE u^γ (1 − 2y) σ(z)σ(−z)/u], where σ(z)σ(−z)/u ≤ 2.
    With γ = 0 and alpha=None it is `binary_cross_entropy_with_logits`.
    Equals ``torchvision.ops.sigmoid_focal_loss(logits, y_true, alpha=alpha, gamma=gamma)``
    (torchvision turns the α term off with alpha=-1; we use None).
    References: Lin et al. (2017), Focal Loss for Dense Object Detection.
    """
    g = check_nonnegative(gamma, "gamma")
    if alpha is not None:
        a = check_nonnegative(alpha, "alpha")
        if a > 1.0:
            raise ValueError(f"alpha must be in [0, 1] (or None for no class weighting); got {alpha}")
    t, z = check_pair(y_true, logits, "y_true", "logits")
    check_probabilities(t, "y_true")
    s, s_neg = sigmoid(z), sigmoid(-z)  # σ(z) and 1 − σ(z), each accurate near 0
    # BCE with logits as (1 − y)·softplus(z) + y·softplus(−z) = (1 − y)z + softplus(−z): a sum of
    # non-negative terms, so a tiny loss (y = 0, z = −40: e^-40) does not cancel to 0.
    ce = (1.0 - t) * softplus(z) + t * softplus(-z)
    u = t * s_neg + (1.0 - t) * s  # 1 − p_t without the cancellation of 1 − (…)
    u_g = u ** g  # 0 ** 0 = 1: gamma = 0 gives plain BCE
    # σ(z)σ(−z)/u is bounded by 2; u = 0 only for saturated 0/1 labels, where u^γ·γ = 0 anyway.
    ratio = np.divide(s * s_neg, u, out=np.zeros_like(u), where=u > 0)
    d_ce = (1.0 - t) * s - t * s_neg  # σ(z) − y, written without cancellation
    grad = d_ce * u_g + g * ce * u_g * (1.0 - 2.0 * t) * ratio
    value = ce * u_g
    if alpha is not None:
        alpha_t = a * t + (1.0 - a) * (1.0 - t)
        value, grad = alpha_t * value, alpha_t * grad
    return value, grad
