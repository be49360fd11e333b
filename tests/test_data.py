"""Tests for lossfns/data.py: the lessons' data sets."""
import numpy as np
import pytest

from lossfns.course.data import (
    DATASETS,
    Split,
    blobs,
    imbalanced_binary,
    linear_with_outliers,
    load_split,
)

pytestmark = pytest.mark.filterwarnings("error")


# ---------------------------------------------------------------------- linear_with_outliers
def test_linear_with_outliers_shapes_and_exact_fraction():
    X, y, out = linear_with_outliers(n=200, outlier_frac=0.1, seed=0)
    assert X.shape == (200, 1) and y.shape == (200,) and out.shape == (200,)
    assert out.dtype == bool and out.sum() == 20
    assert linear_with_outliers(n=30, outlier_frac=0.25).is_outlier.sum() == 8  # 7.5 -> 8
    assert linear_with_outliers(outlier_frac=0.0).is_outlier.sum() == 0


def test_linear_with_outliers_follows_the_line_and_outliers_are_above():
    X, y, out = linear_with_outliers(n=2000, slope=2.0, intercept=1.0, noise=0.5,
                                     outlier_scale=10.0, seed=1)
    resid = y - (2.0 * X[:, 0] + 1.0)
    assert abs(resid[~out].mean()) < 0.05 and resid[~out].std() == pytest.approx(0.5, rel=0.1)
    assert resid[out].min() > 3.0  # pushed up by at least 0.5 x outlier_scale, minus noise
    assert np.abs(X).max() <= 3.0
    clean = linear_with_outliers(noise=0.0, outlier_frac=0.0)
    np.testing.assert_allclose(clean.y, 2.0 * clean.X[:, 0] + 1.0)


def test_linear_with_outliers_deterministic():
    a, b = linear_with_outliers(seed=5), linear_with_outliers(seed=5)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a.y, linear_with_outliers(seed=6).y)


@pytest.mark.parametrize("kw, word", [
    ({"n": 0}, "n"), ({"n": 10.5}, "n"), ({"outlier_frac": 1.5}, "outlier_frac"),
    ({"outlier_frac": -0.1}, "outlier_frac"), ({"noise": -1}, "noise"),
    ({"slope": float("nan")}, "slope"), ({"seed": -1}, "seed"), ({"seed": 1.5}, "seed"),
    ({"outlier_scale": -2}, "outlier_scale"),
])
def test_linear_with_outliers_bad_arguments(kw, word):
    with pytest.raises(ValueError, match=word):
        linear_with_outliers(**kw)


# ------------------------------------------------------------------------ imbalanced_binary
def test_imbalanced_binary_ratio():
    X, y = imbalanced_binary(n=1020, ratio=50, n_features=3, seed=0)
    assert X.shape == (1020, 3) and y.dtype == np.int64
    counts = np.bincount(y)
    assert counts[0] == 50 * counts[1] == 1000
    assert np.bincount(imbalanced_binary(n=110, ratio=10)[1]).tolist() == [100, 10]
    assert imbalanced_binary(n=10, ratio=1000)[1].sum() == 1  # always at least one positive


def test_imbalanced_binary_separation_and_determinism():
    X, y = imbalanced_binary(n=5100, ratio=50, n_features=2, class_sep=2.0, seed=2)
    gap = np.linalg.norm(X[y == 1].mean(0) - X[y == 0].mean(0))
    assert gap == pytest.approx(2.0, abs=0.3)
    np.testing.assert_array_equal(imbalanced_binary(seed=3)[0], imbalanced_binary(seed=3)[0])
    assert y[:100].sum() < 20  # shuffled, not all positives first


@pytest.mark.parametrize("kw, word", [
    ({"ratio": 0}, "ratio"), ({"n": 1}, "n"), ({"n_features": 0}, "n_features"),
    ({"class_sep": -1}, "class_sep"),
])
def test_imbalanced_binary_bad_arguments(kw, word):
    with pytest.raises(ValueError, match=word):
        imbalanced_binary(**kw)


# ------------------------------------------------------------------------------------ blobs
def test_blobs_shapes_balance_and_determinism():
    X, y = blobs(n=301, centers=3, seed=0)
    assert X.shape == (301, 2) and sorted(np.bincount(y).tolist()) == [100, 100, 101]
    np.testing.assert_array_equal(blobs(seed=1)[0], blobs(seed=1)[0])
    assert not np.array_equal(blobs(seed=1)[0], blobs(seed=2)[0])
    X5, y5 = blobs(n=50, centers=4, n_features=5, seed=0)
    assert X5.shape == (50, 5) and set(y5.tolist()) == {0, 1, 2, 3}


def test_blobs_explicit_centers():
    centers = np.array([[0.0, 0.0, 0.0], [10.0, 10.0, 10.0]])
    X, y = blobs(n=400, centers=centers, std=0.5, seed=0)
    for k in range(2):
        np.testing.assert_allclose(X[y == k].mean(0), centers[k], atol=0.15)
        assert X[y == k].std(0) == pytest.approx([0.5] * 3, rel=0.2)


@pytest.mark.parametrize("kw, word", [
    ({"centers": 0}, "centers"), ({"centers": [1.0, 2.0]}, "centers"), ({"n": 2}, "n must"),
    ({"std": -1}, "std"),
])
def test_blobs_bad_arguments(kw, word):
    with pytest.raises(ValueError, match=word):
        blobs(**kw)


# ------------------------------------------------------------------------------- load_split
EXPECTED = {"diabetes": (442, 10), "breast_cancer": (569, 30), "digits": (1797, 64),
            "iris": (150, 4), "wine": (178, 13)}


@pytest.mark.parametrize("name", list(DATASETS))
def test_load_split_shapes_and_names(name):
    s = load_split(name, test_size=0.25, seed=0)
    n, d = EXPECTED[name]
    assert isinstance(s, Split) and s.name == name
    assert s.X_train.shape[1] == s.X_test.shape[1] == d == len(s.feature_names)
    assert len(s.X_train) + len(s.X_test) == n and len(s.y_train) == len(s.X_train)
    assert len(s.X_test) == int(np.ceil(0.25 * n))
    if s.task == "classification":
        assert s.y_train.dtype == np.int64 and len(s.target_names) == s.y_train.max() + 1
    else:
        assert s.target_names is None and s.y_train.dtype == np.float64


@pytest.mark.parametrize("name", ["iris", "breast_cancer", "digits"])
def test_load_split_is_stratified(name):
    s = load_split(name, test_size=0.3, seed=1)
    p_train = np.bincount(s.y_train) / len(s.y_train)
    p_test = np.bincount(s.y_test) / len(s.y_test)
    np.testing.assert_allclose(p_train, p_test, atol=0.02)


def test_load_split_standardizes_with_training_statistics_only():
    raw = load_split("wine", seed=0, standardize=False)
    s = load_split("wine", seed=0, standardize=True)
    np.testing.assert_allclose(s.mean, raw.X_train.mean(0))
    np.testing.assert_allclose(s.scale, raw.X_train.std(0))
    np.testing.assert_allclose(s.X_train.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(s.X_train.std(0), 1, atol=1e-12)
    np.testing.assert_allclose(s.X_test, (raw.X_test - s.mean) / s.scale)
    # The test set is not standardized by its own statistics (it would then be exactly 0 / 1).
    all_mean = np.vstack([raw.X_train, raw.X_test]).mean(0)
    assert not np.allclose(s.mean, all_mean)
    assert not np.allclose(s.X_test.mean(0), 0, atol=1e-6)
    assert raw.mean is None and raw.scale is None


def test_load_split_constant_features_keep_scale_one():
    s = load_split("digits")
    assert np.isfinite(s.X_train).all() and np.isfinite(s.X_test).all()
    assert (s.scale[s.X_train.std(0) == 0] == 1).all()


def test_load_split_diabetes_in_original_units():
    s = load_split("diabetes", standardize=False)
    assert s.X_train[:, s.feature_names.index("age")].max() > 50  # years, not pre-scaled


def test_load_split_deterministic_and_seeded():
    a, b, c = load_split("iris", seed=0), load_split("iris", seed=0), load_split("iris", seed=1)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, c.X_train)


def test_load_split_bad_arguments():
    with pytest.raises(ValueError, match="name must be one of 'diabetes', 'breast_cancer'"):
        load_split("mnist")
    with pytest.raises(ValueError, match="test_size"):
        load_split("iris", test_size=1.0)
    with pytest.raises(ValueError, match="seed"):
        load_split("iris", seed=-1)
