"""Chapter 10's exercise references agree with the formulas, torch and scikit-learn."""
import numpy as np
import pytest

from lossfns.course.exercises import ch10, check

from conftest import torch

pytestmark = pytest.mark.filterwarnings("error")


def test_contrastive_pair_is_the_formula():
    rng = np.random.default_rng(0)
    y, d = rng.integers(0, 2, 50), rng.uniform(0, 2, 50)
    for m in (0.5, 1.0, 1.7):
        expected = y * d**2 + (1 - y) * np.maximum(m - d, 0) ** 2
        np.testing.assert_allclose(ch10.contrastive_pair(y, d, margin=m), expected, rtol=1e-12)
    assert ch10.contrastive_pair(0, 0.0) == 1.0 and ch10.contrastive_pair(0, 1.0) == 0.0
    # Hadsell et al.'s ½ is caught
    assert not check("contrastive_pair", lambda y, d, margin=1.0: 0.5 * (
        y * d**2 + (1 - y) * np.maximum(margin - d, 0) ** 2))


@pytest.mark.skipif(torch is None, reason="needs torch")
def test_triplet_batch_loss_equals_torch_without_eps():
    import torch.nn.functional as F

    rng = np.random.default_rng(1)
    a, p, n = (rng.normal(size=(20, 5)) for _ in range(3))
    for m in (0.3, 1.0):
        expected = F.triplet_margin_loss(*(torch.tensor(x) for x in (a, p, n)), margin=m, eps=0.0)
        assert ch10.triplet_batch_loss(a, p, n, margin=m) == pytest.approx(expected.item(),
                                                                          rel=1e-12)
    # squared distances (a common slip) are caught
    assert not check("triplet_batch_loss", lambda a, p, n, margin=1.0: np.mean(np.maximum(
        ((a - p) ** 2).sum(1) - ((a - n) ** 2).sum(1) + margin, 0)))


def test_kmeans_inertia_equals_sklearn_at_convergence():
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(2)
    X = np.vstack([rng.normal(c, 0.5, size=(30, 2)) for c in (0.0, 3.0, 6.0)])
    km = KMeans(3, init=X[[0, 30, 60]], n_init=1, algorithm="lloyd").fit(X)
    assert ch10.kmeans_inertia(X, km.cluster_centers_) == pytest.approx(km.inertia_, rel=1e-10)
    # brute force, point by point
    C = X[:4]
    brute = sum(min(float(((x - c) ** 2).sum()) for c in C) for x in X)
    assert ch10.kmeans_inertia(X, C) == pytest.approx(brute, rel=1e-12)
    # the mean instead of the sum is caught
    assert not check("kmeans_inertia", lambda X, C: float(
        ((X[:, None] - C[None]) ** 2).sum(2).min(1).mean()))
