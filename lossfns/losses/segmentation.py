"""Segmentation losses and metrics (图像分割): overlap between a predicted and a true mask.

Convention: the first axis indexes samples and every other axis is flattened into that sample's
pixels (N, H, W), (N, C, H, W), (N, D, H, W, ...). A 1-D array is **one** mask (one sample).
The loss `dice_loss` takes probabilities (soft masks) and is differentiable; the metrics
`dice_coefficient` and `iou` take binary masks and are what a paper reports.
"""
from __future__ import annotations

import numpy as np

from ..core import (
    NONNEGATIVE,
    PROBABILITIES,
    REDUCTIONS,
    check_choice,
    check_labels_in,
    check_pair,
    check_same_shape,
    loss,
)


def _per_sample(x: np.ndarray) -> np.ndarray:
    """(N, …) → (N, pixels); a 1-D mask is one sample: (P,) → (1, P)."""
    return x.reshape(1, -1) if x.ndim == 1 else x.reshape(x.shape[0], -1)


def _check_not_scalar(t: np.ndarray, name_pred: str) -> None:
    if t.ndim == 0:
        raise ValueError(f"y_true and {name_pred} must be masks, shape (pixels,) for one sample "
                         f"or (N, ...) for N samples; got scalars")


def _check_masks(y_true, y_pred, name_pred: str):
    t, p = check_pair(y_true, y_pred, "y_true", name_pred)
    _check_not_scalar(t, name_pred)
    return t, p


@loss(task="segmentation",
      formula=r"1 - \frac{2\sum_i y_i p_i + s}{\sum_i y_i + \sum_i p_i + s}",
      domain={"y_true": PROBABILITIES, "y_prob": PROBABILITIES, "smooth": NONNEGATIVE})
def dice_loss(y_true, y_prob, *, smooth=1.0):
    """Soft Dice loss: 1 − (2Σ y·p + s) / (Σ y + Σ p + s), one value per sample.

    Domain: y_true in [0, 1] (a 0/1 mask, or a soft one), y_prob in [0, 1] (for instance the
    sigmoid of a segmentation network's logits); same shape. The first axis indexes samples and
    the other axes are flattened into pixels; a 1-D array is one sample. smooth ≥ 0; with
    smooth = 0 a sample whose y_true and y_prob are both all zero is 0/0 and raises.
    Formula: per sample, I = Σ y_i p_i (soft intersection) and S = Σ y_i + Σ p_i (the sizes of
    the two masks — not their union). With 0/1 p this is 1 − Dice = 1 − 2IoU/(1 + IoU). The
    smoothing s keeps an empty prediction of an empty mask at loss 0. This is the linear form of
    soft Dice; V-Net's own variant squares p and y in the denominator.
    Gradient: L = 1 − (2I + s)/(S + s), ∂I/∂p_j = y_j, ∂S/∂p_j = 1, so
    ∂L/∂p_j = [(2I + s) − 2 y_j (S + s)] / (S + s)². "mean" averages over samples.
    Equals no torch function (see ``lossfns.torch.dice_loss``); it is the formula of MONAI's
    ``DiceLoss`` on one channel (sums over each sample's pixels; MONAI's smoothing is 1e-5).
    References: Milletari et al. (2016), V-Net; Dice (1945); Sørensen (1948).
    """
    check_same_shape(y_true, y_prob, "y_true", "y_prob")
    _check_not_scalar(y_true, "y_prob")
    s = smooth
    t, p = y_true, y_prob
    t2, p2 = _per_sample(t), _per_sample(p)
    inter = (t2 * p2).sum(axis=1, keepdims=True)
    denom = t2.sum(axis=1, keepdims=True) + p2.sum(axis=1, keepdims=True) + s
    if (denom == 0).any():
        i = int(np.argmax(denom[:, 0] == 0))
        raise ValueError(f"smooth must be > 0 when a mask and its prediction are both empty: "
                         f"sample {i} is 0/0 with smooth=0")
    dice = (2.0 * inter + s) / denom
    value = 1.0 - dice
    value = value[:, 0] if t.ndim > 1 else value[0, 0]
    # [(2I + s) − 2y(S + s)] / (S + s)², without squaring
    return value, lambda: ((dice - 2.0 * t2) / denom).reshape(p.shape)


# --------------------------------------------------------------------------------------------
# Metrics on binary masks (not losses: no gradient; what papers report)
# --------------------------------------------------------------------------------------------
def _binary_masks(y_true, y_pred):
    t, p = _check_masks(y_true, y_pred, "y_pred")
    hint = "; threshold probabilities first, e.g. y_prob >= 0.5"
    check_labels_in(t, "y_true", (0.0, 1.0), hint)
    check_labels_in(p, "y_pred", (0.0, 1.0), hint)
    t2, p2 = _per_sample(t), _per_sample(p)
    inter = (t2 * p2).sum(axis=1)
    return inter, t2.sum(axis=1), p2.sum(axis=1), t.ndim == 1


def _reduce(values: np.ndarray, one_sample: bool, reduction: str):
    check_choice(reduction, "reduction", REDUCTIONS)
    if reduction == "none":
        return values[0] if one_sample else values
    return float(values.sum()) if reduction == "sum" else float(values.mean())


def dice_coefficient(y_true, y_pred, *, reduction="mean"):
    """Dice coefficient (F1 score of the pixels) of binary masks: 2|A∩B| / (|A| + |B|).

    Domain: y_true and y_pred hold 0/1 (or bool) of one shape; first axis samples, a 1-D array is
    one mask. Two empty masks agree perfectly: their Dice is defined as 1.
    Returns the mean over samples ("mean"), their sum ("sum") or one value per sample ("none").
    Dice = 2·IoU / (1 + IoU): it ranks predictions exactly as IoU does, and is never below it.
    References: Dice (1945); Sørensen (1948).
    """
    inter, size_t, size_p, one = _binary_masks(y_true, y_pred)
    total = size_t + size_p
    d = np.divide(2.0 * inter, total, out=np.ones_like(total), where=total > 0)
    return _reduce(d, one, reduction)


def iou(y_true, y_pred, *, reduction="mean"):
    """Intersection over union (Jaccard index) of binary masks: |A∩B| / |A∪B|.

    Domain: as `dice_coefficient`. Two empty masks: IoU is defined as 1.
    Formula: |A∪B| = |A| + |B| − |A∩B|, so IoU = I / (|A| + |B| − I) = Dice / (2 − Dice).
    References: Jaccard (1912).
    """
    inter, size_t, size_p, one = _binary_masks(y_true, y_pred)
    union = size_t + size_p - inter
    j = np.divide(inter, union, out=np.ones_like(union), where=union > 0)
    return _reduce(j, one, reduction)


__all__ = ["dice_loss", "dice_coefficient", "iou"]
