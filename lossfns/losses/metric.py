"""Metric-learning and ranking losses (度量学习与排序): losses on pairs and triplets.

Embeddings are (N, D) arrays, one row per item, or a single (D,) vector; distances are Euclidean
per row. These losses have several prediction inputs, so ``.grad`` returns a tuple with one
gradient per prediction, in argument order. Where two embeddings coincide (distance 0) the
Euclidean distance has no derivative (a cone point); we return the subgradient 0 there, so the
gradients are always finite.
"""
from __future__ import annotations

import numpy as np

from ..core import (as_float_array, check_labels_in, check_nonnegative, check_pair, check_positive,
                    check_same_shape, loss)


def _embeddings(*named):
    """Float64 embeddings of one shape, (N, D) or (D,)."""
    arrays = [as_float_array(x, name) for name, x in named]
    (name0, _), a0 = named[0], arrays[0]
    if a0.ndim not in (1, 2):
        raise ValueError(f"{name0} must be embeddings of shape (N, D) or (D,); got shape {a0.shape}")
    for (name, _), a in zip(named[1:], arrays[1:]):
        check_same_shape(a0, a, name0, name)
    return arrays


def _pair_labels(y_true, n_items_shape, allowed, hint=""):
    t = as_float_array(y_true, "y_true")
    if t.shape != n_items_shape:
        raise ValueError(f"y_true must hold one label per pair, shape {n_items_shape}; "
                         f"got shape {t.shape}")
    check_labels_in(np.atleast_1d(t), "y_true", allowed, hint)
    return t


def _distance(diff: np.ndarray):
    """Euclidean norm of each row of `diff` and the unit direction diff/d (0 where d = 0)."""
    d = np.sqrt((diff * diff).sum(axis=-1))
    # d = 0: the norm has no gradient there; 0 is a valid subgradient (and avoids 0/0).
    unit = np.divide(diff, d[..., None], out=np.zeros_like(diff), where=d[..., None] > 0)
    return d, unit


@loss(name="contrastive_loss", caveat="no ½ (Hadsell et al. 2006 have ½); y = 1 marks similar pairs", title="Contrastive loss", zh="对比损失", zh_hant="對比損失",
      task="metric learning",
      formula=r"y\,d^2 + (1 - y)\max(0,\ m - d)^2,\quad d = \lVert x_1 - x_2 \rVert_2",
      summary="pulls similar pairs together, pushes dissimilar ones beyond the margin m",
      summary_zh="拉近相似样本对，把不相似的样本对推到间隔 m 之外",
      torch=None, grad_of="x1, x2", hyper={"margin": 1.0},
      references=("Hadsell, Chopra & LeCun 2006, Dimensionality Reduction by Learning an "
                  "Invariant Mapping",))
def contrastive_loss(y_true, x1, x2, *, margin=1.0):
    """Contrastive loss on pairs of embeddings: y·d² + (1 − y)·max(0, m − d)².

    Domain: x1, x2 embeddings of one shape, (N, D) or (D,); y_true one label per pair, shape (N,)
    or (), with 1 for a similar pair and 0 for a dissimilar one; margin > 0.
    Formula: d = ‖x1 − x2‖₂. A similar pair costs d²; a dissimilar pair costs nothing once it is
    at least m apart. Hadsell et al. write ½ in front of both terms; we drop it (so the similar
    term is the squared distance itself): halve our value to get theirs.
    Gradient: ∂d/∂x1 = (x1 − x2)/d, so ∂L/∂x1 = 2y(x1 − x2) − 2(1 − y) max(0, m − d)(x1 − x2)/d,
    and ∂L/∂x2 = −∂L/∂x1. At d = 0 a dissimilar pair's gradient is taken as 0 (a subgradient:
    the pair has no direction to be pushed apart in).
    Equals no torch function (see ``lossfns.torch.contrastive_loss``).
    References: Hadsell, Chopra & LeCun (2006), Dimensionality Reduction by Learning an
    Invariant Mapping.
    """
    m = check_positive(margin, "margin")
    a, b = _embeddings(("x1", x1), ("x2", x2))
    y = _pair_labels(y_true, a.shape[:-1], (0.0, 1.0), " (1 = similar pair, 0 = dissimilar)")
    diff = a - b
    d, unit = _distance(diff)
    gap = np.maximum(m - d, 0.0)
    value = y * d * d + (1.0 - y) * gap * gap
    g1 = 2.0 * y[..., None] * diff - 2.0 * ((1.0 - y) * gap)[..., None] * unit
    return value, (g1, -g1)


@loss(name="triplet_loss", caveat="torch adds eps = 1e-6 inside each distance", title="Triplet margin loss", zh="三元组损失", zh_hant="三元組損失",
      task="metric learning",
      formula=r"\max\big(0,\ \lVert a - p \rVert_2 - \lVert a - n \rVert_2 + m\big)",
      summary="the positive must be closer to the anchor than the negative, by a margin",
      summary_zh="正样本到锚点的距离要比负样本近至少一个间隔",
      torch="F.triplet_margin_loss(anchor, positive, negative, margin=margin)",
      grad_of="anchor, positive, negative", hyper={"margin": 1.0},
      references=("Schroff, Kalenichenko & Philbin 2015, FaceNet: A Unified Embedding for Face "
                  "Recognition and Clustering",))
def triplet_loss(anchor, positive, negative, *, margin=1.0):
    """Triplet margin loss: max(0, d(a, p) − d(a, n) + m) with Euclidean d.

    Domain: anchor, positive, negative embeddings of one shape, (N, D) or (D,); margin > 0.
    There is no label: every input is a prediction, and ``.grad`` returns three gradients.
    Formula: zero once the negative is farther from the anchor than the positive by at least m.
    Gradient: with unit vectors u_p = (a − p)/d(a, p) and u_n = (a − n)/d(a, n), on an active
    triplet ∂L/∂a = u_p − u_n, ∂L/∂p = −u_p, ∂L/∂n = u_n; 0 when inactive (and at the kink).
    A unit vector of a zero distance is taken as 0 (a subgradient), so the gradient stays finite.
    Equals ``torch.nn.functional.triplet_margin_loss(anchor, positive, negative, margin=margin,
    eps=0)``; torch's default eps=1e-6 computes ‖a − p + eps‖, which differs by at most
    eps·√D in each distance.
    References: Schroff et al. (2015), FaceNet.
    """
    m = check_positive(margin, "margin")
    a, p, n = _embeddings(("anchor", anchor), ("positive", positive), ("negative", negative))
    d_ap, u_p = _distance(a - p)
    d_an, u_n = _distance(a - n)
    slack = d_ap - d_an + m
    active = (slack > 0)[..., None]
    value = np.maximum(slack, 0.0)
    return value, (np.where(active, u_p - u_n, 0.0), np.where(active, -u_p, 0.0),
                   np.where(active, u_n, 0.0))


@loss(name="margin_ranking_loss", caveat="y = +1 means x1 should rank above x2 (as torch)", title="Margin ranking loss", zh="间隔排序损失",
      zh_hant="間隔排序損失", task="ranking",
      formula=r"\max\big(0,\ -y\,(x_1 - x_2) + m\big)",
      summary="hinge on the score difference: x1 should outrank x2 when y = +1",
      summary_zh="作用于分数差的合页损失：y = +1 时 x1 应排在 x2 之前",
      torch="F.margin_ranking_loss(x1, x2, y_true, margin=margin)",
      grad_of="x1, x2", hyper={"margin": 0.0},
      references=("Burges et al. 2005, Learning to Rank using Gradient Descent",
                  "torch.nn.MarginRankingLoss"))
def margin_ranking_loss(y_true, x1, x2, *, margin=0.0):
    """Margin ranking loss: max(0, −y(x1 − x2) + m) for y ∈ {−1, +1}.

    Domain: y_true in {−1, +1} (+1: x1 should rank higher, −1: x2 should); x1, x2 real scores;
    all three of one shape (any shape). margin ≥ 0 (0, the default, as in torch).
    Formula: a hinge on the signed score difference y(x1 − x2): zero once the right item wins by
    at least m. Element-wise; "mean" averages over pairs.
    Gradient: on an active pair (−y(x1 − x2) + m > 0) ∂L/∂x1 = −y and ∂L/∂x2 = +y; 0 otherwise
    (at the kink we take 0, as for the hinge).
    Equals ``torch.nn.functional.margin_ranking_loss(x1, x2, y_true, margin=margin)``.
    References: Burges et al. (2005), Learning to Rank using Gradient Descent (pairwise
    ranking); the hinge form is ``torch.nn.MarginRankingLoss``.
    """
    m = check_nonnegative(margin, "margin")
    s1, s2 = check_pair(x1, x2, "x1", "x2")
    y = as_float_array(y_true, "y_true")
    check_same_shape(y, s1, "y_true", "x1")
    check_labels_in(np.atleast_1d(y), "y_true", (-1.0, 1.0),
                    "; ranking labels are +1 (x1 first) and -1 (x2 first)")
    slack = m - y * (s1 - s2)
    active = slack > 0
    return np.where(active, slack, 0.0), (np.where(active, -y, 0.0), np.where(active, y, 0.0))
