"""Tests for lossfns/pairs.py: pairs, triplets, k-NN accuracy, ranking data and pair accuracy."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossfns import margin_ranking_loss
from lossfns.course.pairs import (
    Pairs,
    RankingData,
    Triplets,
    knn_accuracy,
    pairwise_accuracy,
    ranking_data,
    ranking_pairs,
    sample_pairs,
    sample_triplets,
)

pytestmark = pytest.mark.filterwarnings("error")

#: Labels with uneven classes, one of them a singleton (it has no similar partner).
Y = np.array([3, 1, 1, 2, 3, 3, 1, 7, 2, 3, 1, 2])


# --------------------------------------------------------------------------- sample_pairs
def test_pairs_are_labelled_by_class_and_never_self():
    p = sample_pairs(Y, 500, seed=1)
    assert isinstance(p, Pairs)
    for a in p:
        assert a.shape == (500,) and a.dtype == np.int64
    assert np.all(p.first != p.second)
    assert np.array_equal(p.label, (Y[p.first] == Y[p.second]).astype(np.int64))
    assert p.label.sum() == 250                                  # exactly half similar
    assert not np.any((Y[p.first] == 7) & (p.label == 1))        # a singleton has no partner


@pytest.mark.parametrize("fraction, n_pos", [(0.0, 0), (0.25, 25), (1.0, 100), (0.333, 33)])
def test_positive_fraction_is_exact(fraction, n_pos):
    p = sample_pairs(Y, 100, positive_fraction=fraction, seed=0)
    assert p.label.sum() == n_pos
    assert np.array_equal(p.label, (Y[p.first] == Y[p.second]).astype(np.int64))


def test_pairs_repeat_with_the_seed_and_cover_all_partners():
    a, b = sample_pairs(Y, 300, seed=4), sample_pairs(Y, 300, seed=4)
    assert all(np.array_equal(x, z) for x, z in zip(a, b))
    assert not np.array_equal(a.first, sample_pairs(Y, 300, seed=5).first)
    p = sample_pairs(Y, 4000, seed=0)
    similar = {(i, j) for i, j, s in zip(p.first, p.second, p.label) if s}
    expected = {(i, j) for i in range(len(Y)) for j in range(len(Y))
                if i != j and Y[i] == Y[j]}
    assert similar == expected                                   # every same-class pair occurs


def test_dissimilar_partners_are_uniform_over_other_classes():
    y = np.repeat([0, 1, 2], [10, 30, 60])
    p = sample_pairs(y, 20000, positive_fraction=0.0, seed=0)
    from_0 = p.second[y[p.first] == 0]                           # partners of class-0 anchors
    share_2 = np.mean(y[from_0] == 2)
    assert abs(share_2 - 60 / 90) < 0.03


@pytest.mark.parametrize("kwargs, match", [
    (dict(y=[1], n_pairs=3), "at least 2 items"),
    (dict(y=[[0, 1], [1, 0]], n_pairs=3), "1-D array"),
    (dict(y=[0, 0, 0], n_pairs=4), "at least 2 classes"),
    (dict(y=[0, 1, 2], n_pairs=4), "at least 2 items to draw similar"),
    (dict(y=[0, 1, 1], n_pairs=0), "n_pairs must be an integer >= 1"),
    (dict(y=[0, 1, 1], n_pairs=4, positive_fraction=1.5), "positive_fraction must be in"),
    (dict(y=[0, 1, 1], n_pairs=4, seed=-1), "seed must be a non-negative integer"),
])
def test_sample_pairs_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        sample_pairs(**kwargs)


def test_only_similar_pairs_need_no_second_class():
    p = sample_pairs([4, 4, 4], 6, positive_fraction=1.0, seed=0)
    assert p.label.tolist() == [1] * 6 and np.all(p.first != p.second)


# --------------------------------------------------------------------------- sample_triplets
def test_triplets_have_a_positive_and_a_negative():
    t = sample_triplets(Y, 400, seed=2)
    assert isinstance(t, Triplets)
    assert np.all(t.anchor != t.positive)
    assert np.all(Y[t.anchor] == Y[t.positive]) and np.all(Y[t.anchor] != Y[t.negative])
    assert not np.any(Y[t.anchor] == 7)
    same = sample_triplets(Y, 400, seed=2)
    assert all(np.array_equal(x, z) for x, z in zip(t, same))


def test_triplets_reject_one_class():
    with pytest.raises(ValueError, match="at least 2 classes"):
        sample_triplets([1, 1, 1], 5)


# --------------------------------------------------------------------------- knn_accuracy
def test_knn_accuracy_on_separated_and_on_mixed_embeddings():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 50)
    Z = rng.normal(size=(100, 2)) * 0.1 + 5.0 * y[:, None]
    assert knn_accuracy(Z[::2], y[::2], Z[1::2], y[1::2]) == 1.0
    # one neighbour, by hand: the label of the nearest training embedding
    Zt, yt = rng.normal(size=(30, 3)), rng.integers(0, 3, 30)
    Zq, yq = rng.normal(size=(20, 3)), rng.integers(0, 3, 20)
    nearest = ((Zq[:, None] - Zt[None]) ** 2).sum(-1).argmin(1)
    assert knn_accuracy(Zt, yt, Zq, yq, k=1) == pytest.approx(np.mean(yt[nearest] == yq))


@pytest.mark.parametrize("args, kwargs, match", [
    ((np.zeros((4, 2)), [0, 1, 0, 1], np.zeros((3, 3)), [0, 1, 0]), {}, "one dimension"),
    ((np.zeros((4, 2)), [0, 1, 0], np.zeros((3, 2)), [0, 1, 0]), {}, "one label per"),
    ((np.zeros((4, 2)), [0, 1, 0, 1], np.zeros((3, 2)), [0, 1, 0]), {"k": 5}, "at most"),
    ((np.zeros((4, 2)), [0, 1, 0, 1], np.full((3, 2), np.nan), [0, 1, 0]), {}, "Z_test must"),
])
def test_knn_accuracy_rejects_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        knn_accuracy(*args, **kwargs)


# --------------------------------------------------------------------------- ranking
def test_ranking_data_is_a_noisy_linear_function():
    d = ranking_data(2000, 4, noise=0.5, seed=3)
    assert isinstance(d, RankingData)
    assert d.X.shape == (2000, 4) and d.relevance.shape == (2000,) and d.w.shape == (4,)
    assert np.isclose(np.linalg.norm(d.w), 1.0)
    residual = d.relevance - d.X @ d.w
    assert 0.45 < residual.std() < 0.55
    exact = ranking_data(50, 4, noise=0.0, seed=3)
    assert np.allclose(exact.relevance, exact.X @ exact.w)
    with pytest.raises(ValueError, match="noise must be"):
        ranking_data(10, noise=-1.0)


def test_ranking_pairs_order_and_skip_ties():
    rel = np.array([0.0, 1.0, 1.0, 2.0, 5.0])
    p = ranking_pairs(rel, 300, seed=0)
    assert p.first.shape == p.second.shape == p.label.shape == (300,)
    assert np.all(rel[p.first] != rel[p.second])
    assert np.array_equal(p.label, np.where(rel[p.first] > rel[p.second], 1, -1))
    assert set(p.label.tolist()) == {-1, 1}
    # a margin-ranking loss of 0 with the relevance itself as score and margin 0
    assert margin_ranking_loss(p.label, rel[p.first], rel[p.second]) == 0.0
    with pytest.raises(ValueError, match="two different values"):
        ranking_pairs([1.0, 1.0, 1.0], 3)


def test_pairwise_accuracy_extremes_and_ties():
    rel = np.array([0.3, 1.2, -0.5, 2.0, 0.9])
    assert pairwise_accuracy(rel, rel) == 1.0
    assert pairwise_accuracy(-rel, rel) == 0.0
    assert pairwise_accuracy(np.zeros(5), rel) == 0.5              # all ties: a coin flip
    assert pairwise_accuracy(3.0 * rel + 10.0, rel) == 1.0         # only the order counts
    # a pair of equal relevance is not counted
    assert pairwise_accuracy([1.0, 2.0, 0.0], [0.0, 0.0, 1.0]) == 0.0
    with pytest.raises(ValueError, match="two different values"):
        pairwise_accuracy([1.0, 2.0], [3.0, 3.0])
    with pytest.raises(ValueError, match="one length"):
        pairwise_accuracy([1.0, 2.0], [3.0, 3.0, 1.0])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3)), min_size=2, max_size=12))
def test_pairwise_accuracy_equals_the_double_loop(items):
    s = np.array([a for a, _ in items], dtype=float)
    r = np.array([b for _, b in items], dtype=float)
    if np.unique(r).size < 2:
        return
    right = counted = 0.0
    for i in range(len(s)):
        for j in range(i + 1, len(s)):
            if r[i] == r[j]:
                continue
            counted += 1
            right += 0.5 if s[i] == s[j] else float((s[i] > s[j]) == (r[i] > r[j]))
    assert pairwise_accuracy(s, r) == pytest.approx(right / counted)


def test_pairwise_accuracy_is_kendall_tau_without_ties():
    from scipy.stats import kendalltau

    rng = np.random.default_rng(1)
    s, r = rng.normal(size=40), rng.normal(size=40)
    assert pairwise_accuracy(s, r) == pytest.approx((1 + kendalltau(s, r).statistic) / 2)
