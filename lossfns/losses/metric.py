"""Metric-learning and ranking losses (度量学习与排序): losses on pairs and triplets.

Embeddings are (N, D) arrays, one row per item, or a single (D,) vector; distances are Euclidean
per row. These losses have several prediction inputs, so ``.grad`` returns a tuple with one
gradient per prediction, in argument order. Where two embeddings coincide (distance 0) the
Euclidean distance has no derivative (a cone point); we return the subgradient 0 there, so the
gradients are always finite.
"""
from __future__ import annotations

import numpy as np

from ..core import NONNEGATIVE, POSITIVE, REAL, Labels, check_same_shape, loss


def _embeddings(**named):
    """Check that the embeddings (float64 already) have one shape, (N, D) or (D,)."""
    (name0, a0), *others = named.items()
    if a0.ndim not in (1, 2):
        raise ValueError(f"{name0} must be embeddings of shape (N, D) or (D,); got shape "
                         f"{a0.shape}")
    for name, a in others:
        check_same_shape(a0, a, name0, name)


def _one_label_per_pair(y_true: np.ndarray, pairs_shape: tuple) -> None:
    if y_true.shape != pairs_shape:
        raise ValueError(f"y_true must hold one label per pair, shape {pairs_shape}; "
                         f"got shape {y_true.shape}")


def _norm(diff: np.ndarray) -> np.ndarray:
    """Euclidean norm of each row. Where Σ x_i² overflows (|x_i| ≳ 1e154) though the norm does
    not, that row is scaled by its largest |entry| first: ‖x‖ = s·‖x/s‖."""
    rows = diff.reshape(-1, diff.shape[-1])
    with np.errstate(over="ignore"):  # rows that overflow are computed again below
        d = np.sqrt(np.einsum("ij,ij->i", rows, rows))  # row dot products, no temporary array
    overflow = np.isinf(d)
    if overflow.any():
        big = rows[overflow]
        big = big / np.abs(big).max(axis=1, keepdims=True)
        d[overflow] = np.abs(rows[overflow]).max(axis=1) * np.sqrt(np.einsum("ij,ij->i", big, big))
    return d.reshape(diff.shape[:-1])


def _inverse(d: np.ndarray) -> np.ndarray:
    """1/d, and 0 where d = 0: the norm has no gradient at 0, and 0 is a valid subgradient."""
    return np.divide(1.0, d, out=np.zeros_like(d), where=d > 0)


_PAIR_LABELS = Labels((0.0, 1.0), " (1 = similar pair, 0 = dissimilar)")


@loss(task="metric learning",
      formula=r"y\,d^2 + (1 - y)\max(0,\ m - d)^2,\quad d = \lVert x_1 - x_2 \rVert_2",
      domain={"y_true": _PAIR_LABELS, "x1": REAL, "x2": REAL, "margin": POSITIVE})
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
    _embeddings(x1=x1, x2=x2)
    _one_label_per_pair(y_true, x1.shape[:-1])
    similar = y_true == 1
    diff = x1 - x2
    d = _norm(diff)
    gap = np.maximum(margin - d, 0.0)
    # y·d² + (1 − y)·gap², written as a choice: 0·d² would be NaN once d² overflows
    value = np.where(similar, d, gap) ** 2

    def grad():
        # ∂L/∂x1 = c·(x1 − x2) with c = 2 for a similar pair and −2·gap/d for a dissimilar one
        c = np.where(similar, 2.0, -2.0 * gap * _inverse(d))
        g1 = c[..., None] * diff
        return g1, -g1

    return value, grad


@loss(task="metric learning",
      formula=r"\max\big(0,\ \lVert a - p \rVert_2 - \lVert a - n \rVert_2 + m\big)",
      domain={"anchor": REAL, "positive": REAL, "negative": REAL, "margin": POSITIVE})
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
    _embeddings(anchor=anchor, positive=positive, negative=negative)
    a_p, a_n = anchor - positive, anchor - negative
    d_ap, d_an = _norm(a_p), _norm(a_n)
    slack = d_ap - d_an + margin
    value = np.maximum(slack, 0.0)

    def grad():
        # on an active triplet, with unit vectors u_p = (a − p)/d(a, p), u_n = (a − n)/d(a, n):
        # ∂L/∂a = u_p − u_n, ∂L/∂p = −u_p, ∂L/∂n = u_n; all 0 on an inactive one
        active = slack > 0
        u_p = (active * _inverse(d_ap))[..., None] * a_p
        u_n = (active * _inverse(d_an))[..., None] * a_n
        return u_p - u_n, -u_p, u_n

    return value, grad


@loss(task="ranking", formula=r"\max\big(0,\ -y\,(x_1 - x_2) + m\big)",
      domain={"y_true": Labels((-1.0, 1.0), "; ranking labels are +1 (x1 first) and -1 (x2 "
                                            "first)"),
              "x1": REAL, "x2": REAL, "margin": NONNEGATIVE})
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
    check_same_shape(x1, x2, "x1", "x2")
    check_same_shape(y_true, x1, "y_true", "x1")
    y = y_true
    slack = margin - y * (x1 - x2)
    active = slack > 0
    return np.maximum(slack, 0.0), lambda: (np.where(active, -y, 0.0), np.where(active, y, 0.0))
