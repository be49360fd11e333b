"""Small data sets for the lessons: synthetic ones with a known truth, and scikit-learn's own.

Every function takes an explicit `seed` and returns numpy arrays, so a lesson draws the same data
on every run. Nothing is downloaded: the real data sets ship inside scikit-learn.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..core import _scalar, check_count, check_nonnegative, check_open_interval, check_positive
from ..core import check_seed as _check_seed

#: The scikit-learn data sets `load_split` knows, and the task of each.
DATASETS = {
    "diabetes": "regression",
    "breast_cancer": "classification",
    "digits": "classification",
    "iris": "classification",
    "wine": "classification",
}

#: Half-width of the interval the x of `linear_with_outliers` are drawn from.
X_RANGE = 3.0
#: Radius of the circle on which `blobs` puts its centres in two dimensions.
BLOB_RADIUS = 4.0
#: Half-width of the box `blobs` draws centres from in other dimensions.
BLOB_BOX = 5.0


class OutlierData(NamedTuple):
    """What `linear_with_outliers` returns; unpacks as ``X, y, is_outlier = ...``."""
    X: np.ndarray
    y: np.ndarray
    is_outlier: np.ndarray


@dataclass
class Split:
    """A train/test split of a scikit-learn data set (see `load_split`).

    mean and scale: the training-set statistics used to standardize the features
    (``X_std = (X - mean) / scale``), or None when `standardize=False`.
    target_names: class names, or None for regression.
    """
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    feature_names: list
    target_names: list | None
    name: str
    task: str
    mean: np.ndarray | None = None
    scale: np.ndarray | None = None


def linear_with_outliers(n: int = 200, slope: float = 2.0, intercept: float = 1.0,
                         noise: float = 0.5, outlier_frac: float = 0.1,
                         outlier_scale: float = 10.0, seed: int = 0) -> OutlierData:
    """Points on a line ``y = slope·x + intercept`` plus Gaussian noise, some of them outliers.

    x is uniform on [-3, 3]. Exactly ``round(outlier_frac · n)`` points, chosen at random, have
    their y pushed **up** by ``outlier_scale × U(0.5, 1.5)``: one-sided outliers, so they pull a
    least-squares (MSE) fit towards them while a robust loss (MAE, Huber) resists.

    Returns ``X`` shaped (n, 1), ``y`` shaped (n,), and the boolean mask ``is_outlier``.
    """
    n = _check_count(n, "n")
    slope, intercept = _check_finite(slope, "slope"), _check_finite(intercept, "intercept")
    noise = check_nonnegative(noise, "noise")
    outlier_frac = _check_fraction(outlier_frac, "outlier_frac")
    outlier_scale = check_nonnegative(outlier_scale, "outlier_scale")
    rng = _rng(seed)

    x = rng.uniform(-X_RANGE, X_RANGE, size=n)
    y = slope * x + intercept + noise * rng.standard_normal(n)
    n_out = int(np.floor(outlier_frac * n + 0.5))  # round half up, not Python's half-to-even
    is_outlier = np.zeros(n, dtype=bool)
    is_outlier[rng.choice(n, size=n_out, replace=False)] = True
    y[is_outlier] += outlier_scale * rng.uniform(0.5, 1.5, size=n_out)
    return OutlierData(x[:, None], y, is_outlier)


def imbalanced_binary(n: int = 1020, ratio: float = 50, n_features: int = 2,
                      class_sep: float = 2.0, seed: int = 0):
    """A two-class problem with `ratio` negatives (label 0) per positive (label 1).

    The positives are ``round(n / (ratio + 1))`` of the `n` points (at least one). Each class is a
    unit Gaussian; their centres are `class_sep` apart. With the defaults: 1000 negatives and
    20 positives. Returns ``X`` shaped (n, n_features) and integer labels ``y`` (shuffled).
    """
    n = _check_count(n, "n", minimum=2)
    ratio = check_positive(ratio, "ratio")
    n_features = _check_count(n_features, "n_features")
    class_sep = check_nonnegative(class_sep, "class_sep")
    rng = _rng(seed)

    n_pos = min(max(1, int(np.floor(n / (ratio + 1) + 0.5))), n - 1)
    y = np.zeros(n, dtype=np.int64)
    y[:n_pos] = 1
    shift = class_sep / np.sqrt(n_features)  # so that the centres are class_sep apart
    X = rng.standard_normal((n, n_features)) + shift * y[:, None]
    order = rng.permutation(n)
    return X[order], y[order]


def blobs(n: int = 300, centers=3, seed: int = 0, *, n_features: int = 2, std: float = 1.0):
    """Gaussian clusters, one per class, of (nearly) equal size.

    centers: how many clusters, or their coordinates as a (k, n_features) array. A number of
        clusters in two dimensions puts the centres evenly on a circle of radius 4 (well
        separated, the same for every seed); in other dimensions they are drawn uniformly from
        the box [-5, 5]^n_features.
    Returns ``X`` shaped (n, n_features) and integer class labels ``y`` in [0, k) (shuffled).
    """
    n = _check_count(n, "n")
    std = check_nonnegative(std, "std")
    rng = _rng(seed)
    if np.ndim(centers) == 0:
        k = _check_count(centers, "centers")
        n_features = _check_count(n_features, "n_features")
        if n_features == 2:
            angle = np.pi / 2 + 2 * np.pi * np.arange(k) / k
            means = BLOB_RADIUS * np.column_stack([np.cos(angle), np.sin(angle)])
        else:
            means = rng.uniform(-BLOB_BOX, BLOB_BOX, size=(k, n_features))
    else:
        means = np.asarray(centers, dtype=np.float64)
        if means.ndim != 2 or means.shape[0] == 0 or not np.isfinite(means).all():
            raise ValueError(f"centers must be a number of clusters or a finite (k, n_features) "
                             f"array; got an array of shape {means.shape}")
        k = means.shape[0]
    if n < k:
        raise ValueError(f"n must be at least the number of centers ({k}); got {n}")
    y = np.arange(n) % k  # equal sizes, the first n % k classes one point larger
    X = means[y] + std * rng.standard_normal((n, means.shape[1]))
    order = rng.permutation(n)
    return X[order], y[order].astype(np.int64)


def load_split(name: str, test_size: float = 0.25, seed: int = 0,
               standardize: bool = True) -> Split:
    """One of scikit-learn's bundled data sets, split into train and test sets.

    name: "diabetes" (regression), "breast_cancer", "digits", "iris" or "wine" (classification).
    The split is stratified for classification (each class keeps its share in both parts).
    standardize: rescale each feature to mean 0 and standard deviation 1 using the **training**
    set's statistics only — the test set must not leak into anything the model learns from.
    (Constant features, such as the always-blank corner pixels of "digits", keep scale 1.)
    """
    if name not in DATASETS:
        valid = ", ".join(repr(d) for d in DATASETS)
        raise ValueError(f"name must be one of {valid}; got {name!r}")
    test_size = check_open_interval(test_size, "test_size", 0.0, 1.0)
    seed = _check_seed(seed)
    from sklearn import datasets
    from sklearn.model_selection import train_test_split

    task = DATASETS[name]
    if name == "diabetes":
        # scaled=False: the features in their own units (age in years, BMI, …), not pre-scaled.
        bunch = datasets.load_diabetes(scaled=False)
    else:
        bunch = getattr(datasets, f"load_{name}")()
    X = np.asarray(bunch.data, dtype=np.float64)
    y = np.asarray(bunch.target, dtype=np.float64 if task == "regression" else np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed,
        stratify=y if task == "classification" else None)
    mean = scale = None
    if standardize:
        mean = X_train.mean(axis=0)
        scale = X_train.std(axis=0)
        scale[scale == 0] = 1.0  # a constant feature: leave it as is rather than divide by 0
        X_train, X_test = (X_train - mean) / scale, (X_test - mean) / scale
    target_names = (None if task == "regression"
                    else [str(t) for t in getattr(bunch, "target_names", np.unique(y))])
    return Split(X_train, X_test, y_train, y_test,
                 feature_names=[str(f) for f in bunch.feature_names],
                 target_names=target_names, name=name, task=task, mean=mean, scale=scale)


# --------------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------------
_check_count = check_count


def _check_fraction(value, name: str) -> float:
    v = check_nonnegative(value, name)
    if v > 1:
        raise ValueError(f"{name} must be in [0, 1]; got {value}")
    return v


_check_finite = _scalar  # a finite number, or ValueError naming the argument


def _rng(seed) -> np.random.Generator:
    return np.random.default_rng(_check_seed(seed))


__all__ = ["linear_with_outliers", "imbalanced_binary", "blobs", "load_split", "Split",
           "OutlierData", "DATASETS"]
