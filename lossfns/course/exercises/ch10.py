"""Exercises of chapter 10, Metric learning and ranking: contrastive, triplet, k-means inertia."""
from __future__ import annotations

import numpy as np

from ...losses.metric import contrastive_loss, triplet_loss
from . import Case, exercise

CHAPTER = "10_metric_learning_and_ranking"


# --------------------------------------------------------------------------------------------
# Contrastive loss of one pair, from its label and distance
# --------------------------------------------------------------------------------------------
def _contrastive_cases():
    d = np.array([0.0, 0.25, 0.5, 1.0, 1.5, 3.0])
    rng = np.random.default_rng(10)
    return [
        Case((1, 0.5), label="a similar pair at distance 0.5: d²",
             label_zh="距离为 0.5 的相似样本对：d²"),
        Case((0, 0.3), label="a dissimilar pair inside the margin: (m − d)²",
             label_zh="间隔之内的不相似样本对：(m − d)²"),
        Case((0, 0.0), label="a dissimilar pair of identical embeddings: m²",
             label_zh="嵌入完全相同的不相似样本对：m²"),
        Case((1, 0.0), label="a similar pair of identical embeddings: 0",
             label_zh="嵌入完全相同的相似样本对：0"),
        Case((0, 1.0), label="a dissimilar pair exactly at the margin: 0",
             label_zh="恰好位于间隔处的不相似样本对：0"),
        Case((0, 2.5), label="a dissimilar pair beyond the margin: 0",
             label_zh="间隔之外的不相似样本对：0"),
        Case((0, 1.5), {"margin": 2.0}, label="margin 2: d = 1.5 is still inside it",
             label_zh="间隔为 2：d = 1.5 仍在间隔之内"),
        Case((np.array([1, 0, 1, 0, 0, 1]), d), label="six pairs at once, element-wise",
             label_zh="一次六个样本对，逐元素计算"),
        Case((np.zeros(6, dtype=int), d), {"margin": 0.5}, label="six dissimilar pairs, m = 0.5",
             label_zh="六个不相似样本对，m = 0.5"),
        Case((rng.integers(0, 2, size=15), rng.uniform(0.0, 2.5, size=15)),
             {"margin": float(rng.uniform(0.5, 2.0))}, label="15 random pairs and margin",
             label_zh="15 个随机样本对和随机间隔"),
    ]


@exercise(name="contrastive_pair", chapter=CHAPTER,
          title="Contrastive loss from a pair's label and distance", cases=_contrastive_cases,
          title_zh="由样本对的标签和距离计算对比损失",
          hint="y·d² + (1 − y)·max(0, margin − d)², element-wise (np.maximum, not max): a "
               "similar pair (y = 1) pays its squared distance, a dissimilar one (y = 0) only "
               "while it is closer than the margin.", forbidden=("contrastive_loss",),
          hint_zh="y·d² + (1 − y)·max(0, margin − d)²，逐元素计算（用 np.maximum，而不是 max）："
                  "相似的样本对（y = 1）付出其距离的平方，不相似的样本对（y = 0）"
                  "只在比间隔更近时才付出代价。")
def contrastive_pair(y, d, margin=1.0):
    """Contrastive loss y·d² + (1 − y)·max(0, m − d)² of pairs with label y and distance d."""
    d = np.asarray(d, dtype=float)
    x1 = np.stack([d, np.zeros_like(d)], axis=-1)       # two points at distance d …
    return contrastive_loss(y, x1, np.zeros_like(x1), margin=margin, reduction="none")


# --------------------------------------------------------------------------------------------
# Triplet loss of a batch
# --------------------------------------------------------------------------------------------
def _triplet_cases():
    rng = np.random.default_rng(8)
    a, p, n = (rng.normal(size=(16, 8)) for _ in range(3))
    line = lambda *xs: np.array([[x, 0.0] for x in xs])   # noqa: E731  points on the x-axis
    return [
        Case((line(0.0, 0.0), line(0.5, 1.0), line(1.0, 0.2)),
             label="two triplets on a line: 0.5, and 1 − 0.2 + 1 = 1.8",
             label_zh="直线上的两个三元组：0.5，以及 1 − 0.2 + 1 = 1.8"),
        Case((line(0.0), line(1.0), line(2.0)),
             label="exactly at the margin: d(a, n) = d(a, p) + m, loss 0",
             label_zh="恰好在间隔处：d(a, n) = d(a, p) + m，损失为 0"),
        Case((line(0.0), line(0.1), line(5.0)), label="an easy triplet: 0",
             label_zh="容易的三元组：0"),
        Case((line(0.0), line(3.0), line(0.5)), label="a hard triplet: the negative is closer",
             label_zh="困难的三元组：负样本更近"),
        Case((np.ones((3, 4)), np.ones((3, 4)), np.ones((3, 4))),
             label="identical embeddings (a collapsed network): the margin itself",
             label_zh="嵌入全都相同（网络已坍缩）：损失就是间隔本身"),
        Case((a, p, n), label="16 random triplets in 8-D", label_zh="8 维空间中的 16 个随机三元组"),
        Case((a, p, n), {"margin": 0.2}, label="16 random triplets, margin 0.2",
             label_zh="16 个随机三元组，间隔为 0.2"),
    ]


@exercise(name="triplet_batch_loss", chapter=CHAPTER, title="Triplet loss of a batch",
          title_zh="一个批量的三元组损失",
          cases=_triplet_cases,
          hint="Row-wise Euclidean distances, np.linalg.norm(anchor - positive, axis=1) and the "
               "same for the negative; then np.maximum(d_ap − d_an + margin, 0) and the mean "
               "over the rows.", forbidden=("triplet_loss",),
          hint_zh="逐行计算欧氏距离：np.linalg.norm(anchor - positive, axis=1)，负样本同理；"
                  "然后计算 np.maximum(d_ap − d_an + margin, 0)，再对各行取平均。")
def triplet_batch_loss(anchor, positive, negative, margin=1.0):
    """Mean over the rows of max(0, ‖a − p‖ − ‖a − n‖ + m): the triplet loss of a batch."""
    return triplet_loss(anchor, positive, negative, margin=margin)


# --------------------------------------------------------------------------------------------
# k-means inertia
# --------------------------------------------------------------------------------------------
def _inertia_cases():
    rng = np.random.default_rng(18)
    X = rng.normal(size=(40, 3))
    return [
        Case((np.array([[0.0, 0.0], [1.0, 0.0], [4.0, 0.0], [5.0, 1.0]]),
              np.array([[0.5, 0.0], [4.5, 0.5]])), label="four points, two centres: 1.5",
             label_zh="四个点、两个中心：1.5"),
        Case((X, X.mean(axis=0, keepdims=True)),
             label="one centre at the mean: the total sum of squares",
             label_zh="一个中心位于均值处：总平方和"),
        Case((X, X.copy()), label="a centre on every point: 0", label_zh="每个点上都有一个中心：0"),
        Case((X, X[:5]), label="40 points in 3-D, five of them as centres",
             label_zh="三维空间中的 40 个点，取其中五个作为中心"),
        Case((X, np.vstack([X[:5], [[100.0, 100.0, 100.0]]])),
             label="a far-away centre no point is assigned to changes nothing",
             label_zh="一个很远、没有任何点分配给它的中心不改变结果"),
        Case((np.array([[0.0, 0.0]]), np.array([[1.0, 1.0], [-1.0, -1.0]])),
             label="a point equidistant from two centres", label_zh="一个到两个中心距离相等的点"),
    ]


@exercise(name="kmeans_inertia", chapter=CHAPTER, title="k-means inertia", cases=_inertia_cases,
          title_zh="k-means 的惯性",
          hint="Squared distances of every point to every centre: ((X[:, None, :] − "
               "centers[None, :, :]) ** 2).sum(axis=2), shape (n, k); each point counts its "
               "nearest centre only (.min(axis=1)); the inertia is the sum (not the mean).",
          hint_zh="每个点到每个中心的距离平方：((X[:, None, :] − "
                  "centers[None, :, :]) ** 2).sum(axis=2)，形状为 (n, k)；每个点只计入"
                  "离它最近的中心（.min(axis=1)）；惯性是总和（不是平均值）。")
def kmeans_inertia(X, centers):
    """Σ_i min_k ‖x_i − c_k‖²: each point's squared distance to its nearest centre, summed."""
    X, C = np.asarray(X, dtype=float), np.asarray(centers, dtype=float)
    best = np.full(len(X), np.inf)
    for c in C:                                         # one centre at a time: O(n) memory
        best = np.minimum(best, ((X - c) ** 2).sum(axis=1))
    return float(best.sum())
