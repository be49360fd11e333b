"""Pairs, triplets and rankings for the metric-learning and ranking lessons (成对与三元组).

Metric-learning losses are not computed on single samples but on *pairs* (contrastive loss) and
*triplets* (triplet loss) of them; a pairwise ranking loss on pairs of items whose order is
known. This module draws those from labelled data, makes a small synthetic ranking problem, and
measures the results: the k-nearest-neighbour accuracy of an embedding, and the fraction of
correctly ordered pairs of a ranking.

    pairs = sample_pairs(y, 4000, seed=0)           # indices i, j and same = 1[y_i == y_j]
    trip = sample_triplets(y, 4000, seed=0)         # anchor, positive (same class), negative
    knn_accuracy(Z_train, y_train, Z_test, y_test)  # how well an embedding separates classes

Every function takes an explicit `seed` and returns numpy arrays of indices, so a lesson draws
the same pairs on every run.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..core import as_float_array, check_count, check_nonnegative, check_seed

__all__ = ["Pairs", "Triplets", "RankingData", "sample_pairs", "sample_triplets", "knn_accuracy",
           "ranking_data", "ranking_pairs", "pairwise_accuracy"]


class Pairs(NamedTuple):
    """Index pairs into a data set; unpacks as ``first, second, label = ...``.

    first, second: (n_pairs,) int64 indices, never equal within a pair.
    label: (n_pairs,) int64. From `sample_pairs`: 1 for a similar pair (same class), 0 for a
        dissimilar one, the convention of `lossfns.contrastive_loss`. From `ranking_pairs`:
        +1 when `first` should rank above `second`, −1 otherwise, as `margin_ranking_loss`.
    """
    first: np.ndarray
    second: np.ndarray
    label: np.ndarray


class Triplets(NamedTuple):
    """(n_triplets,) int64 indices: `positive` shares the anchor's class, `negative` does not."""
    anchor: np.ndarray
    positive: np.ndarray
    negative: np.ndarray


class RankingData(NamedTuple):
    """What `ranking_data` returns: features X (n, d), relevance (n,), the true weights w (d,)."""
    X: np.ndarray
    relevance: np.ndarray
    w: np.ndarray


# --------------------------------------------------------------------------------------------
# Pairs and triplets from class labels
# --------------------------------------------------------------------------------------------
class _Classes:
    """The items of each class, for drawing a partner of the same or of another class."""

    def __init__(self, y):
        y = np.asarray(y)
        if y.ndim != 1 or y.size < 2:
            raise ValueError(f"y must be a 1-D array of class labels with at least 2 items; got "
                             f"shape {y.shape}")
        self.n = y.size
        self.order = np.argsort(y, kind="stable")           # items grouped by class
        classes, self.code, self.count = np.unique(y, return_inverse=True, return_counts=True)
        self.start = np.concatenate([[0], np.cumsum(self.count)[:-1]])
        self.rank = np.empty(self.n, dtype=np.int64)        # position of each item in its class
        self.rank[self.order] = np.arange(self.n) - self.start[self.code[self.order]]
        self.n_classes = classes.size

    def anchors(self, rng, size, need_partner: bool):
        """Anchors drawn uniformly, among items whose class has a second member if required."""
        ok = self.count[self.code] >= 2 if need_partner else np.ones(self.n, dtype=bool)
        if not ok.any():
            raise ValueError("y must have a class with at least 2 items to draw similar pairs")
        return rng.choice(np.flatnonzero(ok), size=size)

    def same(self, rng, i):
        """For each anchor i, another item of its class (uniformly, never i itself)."""
        c = self.code[i]
        r = rng.integers(0, self.count[c] - 1)              # one of the count − 1 others
        r = r + (r >= self.rank[i])                         # skip the anchor's own position
        return self.order[self.start[c] + r]

    def other(self, rng, i):
        """For each anchor i, an item of another class (uniformly)."""
        c = self.code[i]
        r = rng.integers(0, self.n - self.count[c])         # one of the items outside class c
        r = r + self.count[c] * (r >= self.start[c])        # jump over class c's block
        return self.order[r]


_check_count = check_count


def _rng(seed) -> np.random.Generator:
    return np.random.default_rng(check_seed(seed))


def sample_pairs(y, n_pairs: int, *, positive_fraction: float = 0.5, seed: int = 0) -> Pairs:
    """Random pairs of items, labelled 1 (same class, "similar") or 0 ("dissimilar").

    Exactly ``round(positive_fraction · n_pairs)`` pairs are similar: the first item is drawn
    uniformly (from classes with at least two items), the second uniformly from the *other*
    items of its class. The dissimilar pairs draw the second item from the other classes.
    Similar and dissimilar pairs are shuffled together. Only the same/different bit is kept:
    that is all a contrastive loss needs.
    """
    classes = _Classes(y)
    n_pairs = _check_count(n_pairs, "n_pairs")
    frac = check_nonnegative(positive_fraction, "positive_fraction")
    if frac > 1:
        raise ValueError(f"positive_fraction must be in [0, 1]; got {positive_fraction}")
    rng = _rng(seed)
    n_pos = int(np.floor(frac * n_pairs + 0.5))
    if n_pos < n_pairs and classes.n_classes < 2:
        raise ValueError("y must hold at least 2 classes to draw dissimilar pairs")
    i_pos = classes.anchors(rng, n_pos, need_partner=True) if n_pos else np.empty(0, np.int64)
    i_neg = classes.anchors(rng, n_pairs - n_pos, need_partner=False)
    first = np.concatenate([i_pos, i_neg])
    second = np.concatenate([classes.same(rng, i_pos), classes.other(rng, i_neg)])
    label = np.concatenate([np.ones(n_pos, np.int64), np.zeros(n_pairs - n_pos, np.int64)])
    order = rng.permutation(n_pairs)
    return Pairs(first[order].astype(np.int64), second[order].astype(np.int64), label[order])


def sample_triplets(y, n_triplets: int, *, seed: int = 0) -> Triplets:
    """Random triplets (anchor, positive, negative): the positive is another item of the
    anchor's class, the negative an item of another class, each drawn uniformly."""
    classes = _Classes(y)
    n_triplets = _check_count(n_triplets, "n_triplets")
    if classes.n_classes < 2:
        raise ValueError("y must hold at least 2 classes to draw negatives")
    rng = _rng(seed)
    a = classes.anchors(rng, n_triplets, need_partner=True)
    return Triplets(a.astype(np.int64), classes.same(rng, a).astype(np.int64),
                    classes.other(rng, a).astype(np.int64))


def knn_accuracy(Z_train, y_train, Z_test, y_test, *, k: int = 5) -> float:
    """Test accuracy of a k-nearest-neighbour classifier (Euclidean) fitted on an embedding.

    A good metric embedding puts items of one class close together, so the k nearest training
    items of a test item mostly share its class. Uses `sklearn.neighbors.KNeighborsClassifier`.
    """
    from sklearn.neighbors import KNeighborsClassifier

    Z_train, Z_test = as_float_array(Z_train, "Z_train"), as_float_array(Z_test, "Z_test")
    if Z_train.ndim != 2 or Z_test.ndim != 2 or Z_train.shape[1] != Z_test.shape[1]:
        raise ValueError(f"Z_train and Z_test must be (n, D) embeddings of one dimension D; got "
                         f"shapes {Z_train.shape} and {Z_test.shape}")
    y_train, y_test = np.asarray(y_train), np.asarray(y_test)
    if y_train.shape != (len(Z_train),) or y_test.shape != (len(Z_test),):
        raise ValueError(f"y_train and y_test must hold one label per embedding; got shapes "
                         f"{y_train.shape} and {y_test.shape} for {len(Z_train)} and "
                         f"{len(Z_test)} embeddings")
    k = _check_count(k, "k")
    if k > len(Z_train):
        raise ValueError(f"k must be at most the number of training embeddings "
                         f"({len(Z_train)}); got {k}")
    model = KNeighborsClassifier(n_neighbors=k).fit(Z_train, y_train)
    return float(np.mean(model.predict(Z_test) == y_test))


# --------------------------------------------------------------------------------------------
# Ranking
# --------------------------------------------------------------------------------------------
def ranking_data(n_items: int = 300, n_features: int = 5, *, noise: float = 0.5,
                 seed: int = 0) -> RankingData:
    """Items with features and a relevance that is a noisy linear function of them.

    X has standard normal entries; the true weights w are drawn once (standard normal, then
    scaled to unit length), and relevance = X w + noise · N(0, 1). With unit-length w the signal
    X w has variance 1, so `noise` is the noise-to-signal ratio of the standard deviations.
    """
    n_items = _check_count(n_items, "n_items", minimum=2)
    n_features = _check_count(n_features, "n_features")
    noise = check_nonnegative(noise, "noise")
    rng = _rng(seed)
    w = rng.standard_normal(n_features)
    w /= np.linalg.norm(w)
    X = rng.standard_normal((n_items, n_features))
    relevance = X @ w + noise * rng.standard_normal(n_items)
    return RankingData(X, relevance, w)


def ranking_pairs(relevance, n_pairs: int, *, seed: int = 0) -> Pairs:
    """Random pairs of distinct items with different relevance, labelled for ranking.

    label = +1 when ``relevance[first] > relevance[second]`` (the first item should rank
    higher) and −1 otherwise: the `y_true` of `lossfns.margin_ranking_loss`. Pairs of equal
    relevance carry no order and are never drawn.
    """
    rel = as_float_array(relevance, "relevance")
    if rel.ndim != 1 or rel.size < 2:
        raise ValueError(f"relevance must be a 1-D array of at least 2 items; "
                         f"got shape {rel.shape}")
    if np.unique(rel).size < 2:
        raise ValueError("relevance must hold at least two different values to order a pair")
    n_pairs = _check_count(n_pairs, "n_pairs")
    rng = _rng(seed)
    first, second = np.empty(0, np.int64), np.empty(0, np.int64)
    while first.size < n_pairs:                              # redraw ties (rare for real values)
        i = rng.integers(0, rel.size, size=n_pairs)
        j = rng.integers(0, rel.size - 1, size=n_pairs)
        j = j + (j >= i)                                     # never the item itself
        keep = rel[i] != rel[j]
        first, second = np.concatenate([first, i[keep]]), np.concatenate([second, j[keep]])
    first, second = first[:n_pairs], second[:n_pairs]
    return Pairs(first, second, np.where(rel[first] > rel[second], 1, -1).astype(np.int64))


def pairwise_accuracy(scores, relevance) -> float:
    """Fraction of item pairs that `scores` put in the order of `relevance` (排序准确率).

    Every pair i < j with different relevance counts; it is correct when the item with the
    higher relevance has the higher score, and counts ½ when the two scores tie (a coin flip).
    1 is a perfect ranking, 0 the reversed one, 0.5 a random (or constant) one. Without ties it
    is (1 + Kendall's τ) / 2. Memory grows as n²: meant for a few thousand items at most.
    """
    s = as_float_array(scores, "scores")
    rel = as_float_array(relevance, "relevance")
    if s.ndim != 1 or s.shape != rel.shape:
        raise ValueError(f"scores and relevance must be 1-D arrays of one length; got shapes "
                         f"{s.shape} and {rel.shape}")
    i, j = np.triu_indices(s.size, k=1)
    order = np.sign(rel[i] - rel[j])
    counted = order != 0
    if not counted.any():
        raise ValueError("relevance must hold at least two different values to order a pair")
    agree = np.sign(s[i] - s[j])[counted] * order[counted]   # +1 right, −1 wrong, 0 a tie
    return float(np.mean((agree + 1) / 2))
