"""lossfns.losses.classification: scikit-learn parity, exact values, extremes and bad input
(torch parity and finite differences: tests/test_losses.py, from tests/loss_specs.py)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.metrics import hinge_loss, log_loss

import lossfns
from lossfns import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge,
    log_softmax,
    multiclass_hinge,
    nll_loss,
    softmax,
    squared_hinge,
)

from conftest import (
    assert_close,
    away_from,
    t64,
    torch_value_and_grad,
)

bce, bce_logits = binary_cross_entropy, binary_cross_entropy_with_logits


# ============================================================================================
# Binary cross-entropy on probabilities
# ============================================================================================
def bce_inputs(rng, shape, soft=False):
    y = rng.uniform(0, 1, size=shape) if soft else rng.integers(0, 2, size=shape).astype(float)
    p = rng.uniform(0.02, 0.98, size=shape)
    return y, p


@pytest.mark.parametrize("shape", [(12,), (6, 2)])
def test_bce_matches_sklearn_log_loss(shape, rng):
    y, p = bce_inputs(rng, shape)
    y.ravel()[:2] = [0.0, 1.0]  # both classes present
    assert_close(bce(y, p), log_loss(y.ravel(), p.ravel()))
    assert_close(bce(y, p, reduction="sum"), log_loss(y.ravel(), p.ravel(), normalize=False))


def test_bce_logs_are_clamped_at_minus_100_like_torch():
    y = np.array([1.0, 0.0, 0.0, 1.0, 0.5, 0.5])
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    value, grad = bce.value_and_grad(y, p, reduction="none")
    assert_close(value, [100.0, 100.0, 0.0, 0.0, 50.0, 50.0], 0)
    assert np.isfinite(grad).all()
    ref_v, ref_g = torch_value_and_grad(
        lambda q, red: F.binary_cross_entropy(q, t64(y), reduction=red), p, "none")
    assert_close(value, ref_v, 0)
    # ±(p − y)/1e-12 at saturated p; torch's floor is float32(1e-12), 4e-9 relatively apart
    assert_close(grad, ref_g)
    assert_close(grad, [-1e12, 1e12, 0.0, 0.0, -0.5e12, 0.5e12], 0)


def test_bce_tiny_probabilities_are_exact_until_the_clamp():
    # log(1e-40) = −92.1 is above the clamp; log(1e-50) = −115 is clamped to −100.
    assert bce([1.0], [1e-40]) == pytest.approx(40 * math.log(10), rel=1e-15)
    assert bce([1.0], [1e-50]) == 100.0
    assert bce([0.0], [1e-17]) == pytest.approx(1e-17, rel=1e-15)  # log1p keeps it


# ============================================================================================
# Binary cross-entropy with logits
# ============================================================================================
def test_bce_logits_equals_bce_of_sigmoid(rng):
    y = rng.uniform(0, 1, size=20)
    z = rng.normal(0, 3, size=20)
    p = lossfns.sigmoid(z)
    assert_close(bce_logits(y, z, reduction="none"), bce(y, p, reduction="none"), 1e-10)
    # chain rule: dL/dz = dL/dp · σ'(z)
    assert_close(bce_logits.grad(y, z, reduction="none"),
                 bce.grad(y, p, reduction="none") * p * (1 - p), 1e-10)


@pytest.mark.parametrize("pos_weight", [None, 3.0])
def test_bce_logits_extreme_logits_are_exact(pos_weight):
    """|z| = 1e4: softplus(1e4) = 1e4 + log1p(e^−1e4) = 1e4 exactly; nothing overflows."""
    z = np.array([1e4, -1e4, 1e4, -1e4, 1e4, -1e4])
    y = np.array([0.0, 1.0, 1.0, 0.0, 0.5, 0.5])
    w = 1.0 if pos_weight is None else pos_weight
    value, grad = bce_logits.value_and_grad(y, z, reduction="none", pos_weight=pos_weight)
    assert_close(value, [1e4, w * 1e4, 0.0, 0.0, 0.5e4, 0.5 * w * 1e4], 0)
    assert_close(grad, [1.0, -w, 0.0, 0.0, 0.5, -0.5 * w], 0)
    tw = None if pos_weight is None else t64([pos_weight])
    ref_v, ref_g = torch_value_and_grad(
        lambda x, red: F.binary_cross_entropy_with_logits(x, t64(y), reduction=red, pos_weight=tw),
        z, "none")
    assert_close(value, ref_v, 0)
    assert_close(grad, ref_g, 0)


def test_bce_logits_pos_weight_one_is_no_weight(rng):
    y, z = rng.uniform(0, 1, 8), rng.normal(0, 2, 8)
    assert_close(bce_logits(y, z, pos_weight=1.0, reduction="none"),
                 bce_logits(y, z, reduction="none"), 1e-15)


# ============================================================================================
# Hinge and squared hinge (labels ±1)
# ============================================================================================
def hinge_inputs(rng, shape):
    y = rng.choice([-1.0, 1.0], size=shape)
    y.ravel()[:2] = [-1.0, 1.0]
    s = rng.normal(0, 2, size=shape)
    s = y * away_from(y * s, (1.0,), gap=0.02)  # margins y·s away from the kink at 1
    return y, s


@pytest.mark.parametrize("shape", [(15,), (5, 3)])
def test_hinge_matches_sklearn(shape, rng):
    y, s = hinge_inputs(rng, shape)
    assert_close(hinge(y, s), hinge_loss(y.ravel(), s.ravel()))
    assert_close(hinge(y, s, reduction="sum"), y.size * hinge_loss(y.ravel(), s.ravel()))


def test_hinge_values_on_both_sides_of_the_margin():
    y = np.array([1.0, 1.0, 1.0, -1.0, -1.0])
    s = np.array([2.0, 1.0, 0.5, 0.5, -3.0])
    assert_close(hinge(y, s, reduction="none"), [0.0, 0.0, 0.5, 1.5, 0.0], 0)
    assert_close(hinge.grad(y, s, reduction="none"), [0.0, 0.0, -1.0, 1.0, 0.0], 0)
    assert_close(squared_hinge(y, s, reduction="none"), [0.0, 0.0, 0.25, 2.25, 0.0], 0)
    assert_close(squared_hinge.grad(y, s, reduction="none"), [0.0, 0.0, -1.0, 3.0, 0.0], 0)


def test_hinge_extreme_scores_are_exact():
    y = np.array([1.0, -1.0, 1.0, -1.0])
    s = np.array([-1e4, 1e4, 1e4, -1e4])
    assert_close(hinge(y, s, reduction="none"), [1e4 + 1, 1e4 + 1, 0, 0], 0)
    assert_close(squared_hinge(y, s, reduction="none"), [(1e4 + 1) ** 2] * 2 + [0, 0], 0)
    assert_close(squared_hinge.grad(y, s, reduction="none"),
                 [-2 * (1e4 + 1), 2 * (1e4 + 1), 0, 0], 0)


# ============================================================================================
# Cross-entropy: index and probability targets, (C,), (N, C), (N, C, d1, d2)
# ============================================================================================
def ce_inputs(rng, shape, probs=False):
    z = rng.normal(0, 2, size=shape)
    c = shape[0] if len(shape) == 1 else shape[1]
    if probs:
        t = rng.dirichlet(np.ones(c), size=int(np.prod(shape)) // c)  # rows of class probabilities
        if len(shape) == 1:
            return t[0], z
        item_shape = (shape[0],) + shape[2:]
        return np.moveaxis(t.reshape(item_shape + (c,)), -1, 1), z
    item_shape = () if len(shape) == 1 else (shape[0],) + shape[2:]
    return rng.integers(0, c, size=item_shape), z


def torch_target(y):
    y = np.asarray(y)
    return torch.tensor(y, dtype=torch.int64) if y.dtype.kind in "iu" else t64(y)


def test_cross_entropy_weighted_mean_divides_by_the_sum_of_target_weights():
    z = np.array([[2.0, 0.0, -1.0], [0.0, 1.0, 0.5], [0.3, 0.3, 0.3]])
    y = np.array([0, 2, 2])
    w = np.array([1.0, 5.0, 3.0])
    items = cross_entropy(y, z, weight=w, reduction="none")
    assert_close(items, -w[y] * log_softmax(z)[np.arange(3), y], 1e-15)
    assert_close(cross_entropy(y, z, weight=w), items.sum() / (1.0 + 3.0 + 3.0), 1e-15)
    assert_close(cross_entropy.grad(y, z, weight=w),
                 cross_entropy.grad(y, z, weight=w, reduction="sum") / 7.0, 1e-15)


@pytest.mark.parametrize("shape", [(6, 4), (2, 3, 2)])
def test_cross_entropy_matches_sklearn_log_loss(shape, rng):
    y, z = ce_inputs(rng, shape)
    c = z.shape[1]
    y.ravel()[:c] = np.arange(c)  # every class present
    probs = np.moveaxis(softmax(z, axis=1), 1, -1).reshape(-1, c)
    assert_close(cross_entropy(y, z), log_loss(y.ravel(), probs, labels=np.arange(c)))


def test_cross_entropy_one_hot_probabilities_equal_indices(rng):
    y, z = ce_inputs(rng, (7, 5))
    one_hot = np.eye(5)[y]
    for ls in (0.0, 0.2):
        assert_close(cross_entropy(one_hot, z, label_smoothing=ls),
                     cross_entropy(y, z, label_smoothing=ls), 1e-14)
        assert_close(cross_entropy.grad(one_hot, z, label_smoothing=ls),
                     cross_entropy.grad(y, z, label_smoothing=ls), 1e-14)


def test_cross_entropy_accepts_integral_float_and_list_indices(rng):
    _, z = ce_inputs(rng, (4, 3))
    assert cross_entropy([0, 2, 1, 1], z) == cross_entropy(np.array([0.0, 2.0, 1.0, 1.0]), z)
    assert cross_entropy(np.int32(2), z[0]) == cross_entropy(2, z[0])


def test_cross_entropy_extreme_logits_are_exact():
    z = np.array([[1e4, -1e4, 0.0], [1e4, -1e4, 0.0], [-1e4, -1e4, 1e4]])
    y = np.array([0, 1, 0])
    value, grad = cross_entropy.value_and_grad(y, z, reduction="none")
    assert_close(value, [0.0, 2e4, 2e4], 0)
    assert_close(grad, [[0, 0, 0], [1, -1, 0], [-1, 0, 1]], 0)
    ref_v, ref_g = torch_value_and_grad(
        lambda x, red: F.cross_entropy(x, torch_target(y), reduction=red), z, "none")
    assert_close(value, ref_v, 0)
    assert_close(grad, ref_g, 0)
    # label smoothing with extreme logits: finite, and equal to torch
    v = cross_entropy(y, z, label_smoothing=0.1, reduction="none")
    ref_v, _ = torch_value_and_grad(
        lambda x, red: F.cross_entropy(x, torch_target(y), reduction=red, label_smoothing=0.1),
        z, "none")
    assert np.isfinite(v).all()
    assert_close(v, ref_v)


# ============================================================================================
# NLL loss
# ============================================================================================
def test_nll_of_log_softmax_is_cross_entropy(rng):
    y, z = ce_inputs(rng, (5, 4))
    w = rng.uniform(0.5, 2.0, size=4)
    logp = log_softmax(z, axis=1)
    assert_close(nll_loss(y, logp, weight=w), cross_entropy(y, z, weight=w), 1e-14)
    # chain rule through log_softmax: dL/dz = g − p·Σg
    g = nll_loss.grad(y, logp, weight=w)
    assert_close(g - np.exp(logp) * g.sum(axis=1, keepdims=True),
                 cross_entropy.grad(y, z, weight=w), 1e-14)


def test_nll_loss_extreme_log_probabilities_are_exact():
    logp = np.array([[0.0, -2e4], [-1e4, 0.0]])
    assert_close(nll_loss([1, 0], logp, reduction="none"), [2e4, 1e4], 0)
    assert_close(nll_loss.grad([1, 0], logp, reduction="sum"), [[0, -1], [-1, 0]], 0)


# ============================================================================================
# Multiclass hinge
# ============================================================================================
def mc_inputs(rng, shape, margin):
    """Scores whose hinge terms m − s_y + s_j and class gaps stay away from 0 (no kinks)."""
    c = shape[-1]
    y = rng.integers(0, c, size=shape[:-1])
    s = rng.normal(0, 2, size=shape)
    rows = s.reshape(-1, c)
    idx = np.asarray(y).reshape(-1)
    for i, k in enumerate(idx):
        # keep every s_j − s_y away from −m (the hinge kink) and every pair of wrong classes
        # apart (the arg-max of Crammer–Singer)
        rows[i] = rows[i][k] + away_from(rows[i] - rows[i][k], (-margin,), gap=0.05)
        while np.diff(np.sort(rows[i])).min() < 0.05:
            rows[i] += rng.normal(0, 0.5, size=c)
            rows[i] = rows[i][k] + away_from(rows[i] - rows[i][k], (-margin,), gap=0.05)
    return y, rows.reshape(shape)


@pytest.mark.parametrize("shape", [(12, 3), (10, 5)])
def test_crammer_singer_matches_sklearn(shape, rng):
    y, s = mc_inputs(rng, shape, 1.0)
    c = shape[-1]
    y[:c] = np.arange(c)
    expected = hinge_loss(y, s, labels=np.arange(c))
    assert_close(multiclass_hinge(y, s, variant="crammer_singer"), expected)
    assert_close(multiclass_hinge(y, s, variant="crammer_singer", reduction="sum"),
                 len(y) * expected)


def test_multiclass_hinge_by_hand():
    s = np.array([[3.0, 2.5, 0.0], [0.0, 1.0, 4.0]])
    y = np.array([0, 1])
    # row 0: terms 1 − 3 + 2.5 = 0.5, 1 − 3 + 0 < 0; row 1: 1 − 1 + 0 = 0, 1 − 1 + 4 = 4
    assert_close(multiclass_hinge(y, s, reduction="none"), [0.5, 4.0], 0)
    assert_close(multiclass_hinge.grad(y, s, reduction="none"), [[-1, 1, 0], [0, -1, 1]], 0)
    assert_close(multiclass_hinge(y, s, reduction="none", variant="crammer_singer"), [0.5, 4.0], 0)
    assert_close(multiclass_hinge(y, s, reduction="none", margin=3.0), [2.5 + 0.0, 2.0 + 6.0], 0)
    assert_close(multiclass_hinge(y, s, reduction="none", margin=3.0, variant="crammer_singer"),
                 [2.5, 6.0], 0)


def test_multiclass_hinge_extreme_scores_are_exact():
    s = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]])
    y = np.array([0, 0])
    assert_close(multiclass_hinge(y, s, reduction="none"), [0.0, 2 * (2e4 + 1)], 0)
    assert_close(multiclass_hinge(y, s, reduction="none", variant="crammer_singer"),
                 [0.0, 2e4 + 1], 0)


# ============================================================================================
# Bad input: every case a ValueError naming the argument
# ============================================================================================
BINARY = {  # name -> (valid y_true, valid prediction, name of the prediction argument)
    "binary_cross_entropy": ([1.0, 0.0, 1.0, 0.0], [0.9, 0.2, 0.4, 0.5], "y_prob"),
    "binary_cross_entropy_with_logits": ([1.0, 0.0, 1.0, 0.0], [2.0, -1.0, 0.5, 0.0], "logits"),
    "hinge": ([1.0, -1.0, 1.0, -1.0], [0.3, 0.5, 2.0, -1.0], "scores"),
    "squared_hinge": ([1.0, -1.0, 1.0, -1.0], [0.3, 0.5, 2.0, -1.0], "scores"),
}
MULTICLASS = {  # name -> (valid y_true, valid prediction (N, C), name of the prediction argument)
    "cross_entropy": ([0, 2, 1, 0], np.linspace(-1, 1, 12).reshape(4, 3), "logits"),
    "nll_loss": ([0, 2, 1, 0], log_softmax(np.linspace(-1, 1, 12).reshape(4, 3)), "log_probs"),
    "multiclass_hinge": ([0, 2, 1, 0], np.linspace(-1, 1, 12).reshape(4, 3), "scores"),
}


def raises_everywhere(L, args, match, **kw):
    """The same ValueError from the value, the gradient and both, for every reduction."""
    for call in (L, L.grad, L.value_and_grad):
        for red in ("mean", "sum", "none"):
            with pytest.raises(ValueError, match=match):
                call(*args, reduction=red, **kw)


@pytest.mark.parametrize("name", BINARY)
def test_binary_shape_mismatch_and_empty(name):
    L = getattr(lossfns, name)
    y, p, pname = BINARY[name]
    raises_everywhere(L, (y, p[:3]), rf"^y_true and {pname} must have the same shape")
    raises_everywhere(L, (np.array(y)[:, None], p),
                      rf"^y_true and {pname} must have the same shape")
    raises_everywhere(L, ([], []), r"^y_true must not be empty")
    raises_everywhere(L, (y, []), rf"^{pname} must not be empty")


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_binary_nan_and_inf(name, bad):
    L = getattr(lossfns, name)
    y, p, pname = BINARY[name]
    raises_everywhere(L, (y, p[:2] + [bad] + p[3:]), rf"^{pname} must be finite.* at position 2$")
    raises_everywhere(L, (y[:3] + [bad], p), r"^y_true must be finite.* at position 3$")


@pytest.mark.parametrize("name", ["binary_cross_entropy", "binary_cross_entropy_with_logits"])
@pytest.mark.parametrize("bad", [-0.1, 1.5, 2.0, -1.0])
def test_bce_targets_outside_0_1(name, bad):
    L = getattr(lossfns, name)
    y, p, _ = BINARY[name]
    raises_everywhere(L, ([1.0, bad, 0.0, 1.0], p),
                      r"^y_true must hold probabilities in \[0, 1\]; got .* at position 1$")


@pytest.mark.parametrize("bad", [-1e-9, 1.0000001, 1.5, -3.0])
def test_bce_probabilities_outside_0_1(bad):
    y, p, _ = BINARY["binary_cross_entropy"]
    raises_everywhere(bce, (y, [0.5, 0.5, bad, 0.5]),
                      r"^y_prob must hold probabilities in \[0, 1\]; got .* at position 2$")


@pytest.mark.parametrize("name", ["hinge", "squared_hinge"])
@pytest.mark.parametrize("bad", [0.0, 2.0, 0.5, -2.0])
def test_hinge_labels_outside_plus_minus_one(name, bad):
    L = getattr(lossfns, name)
    _, s, _ = BINARY[name]
    raises_everywhere(L, ([1.0, -1.0, bad, 1.0], s),
                      r"^y_true must hold labels in \{-1, 1\}; got .* at position 2.*2\*y - 1")


def test_hinge_refuses_0_1_labels_with_the_conversion_hint():
    with pytest.raises(ValueError, match=r"convert 0/1 labels with 2\*y - 1"):
        hinge([0, 1, 1], [0.5, 0.5, 0.5])


@pytest.mark.parametrize("bad", [0, 0.0, -1.0, -np.inf, np.nan, [1.0, 0.0, 2.0, 1.0], [[-1.0]]])
def test_bce_logits_pos_weight_not_positive(bad):
    y, z, _ = BINARY["binary_cross_entropy_with_logits"]
    raises_everywhere(bce_logits, (y, z), r"^pos_weight must (be|hold)", pos_weight=bad)


@pytest.mark.parametrize("bad", [[1.0, 2.0], np.ones((2, 4)), np.ones((3, 4, 1)), []])
def test_bce_logits_pos_weight_wrong_shape(bad):
    y, z, _ = BINARY["binary_cross_entropy_with_logits"]
    raises_everywhere(bce_logits, (y, z), r"^pos_weight must", pos_weight=bad)


def test_bce_logits_pos_weight_per_class_broadcasts():
    y = np.array([[1.0, 0.0], [1.0, 1.0]])
    z = np.zeros((2, 2))
    v = bce_logits(y, z, pos_weight=[2.0, 3.0], reduction="none")
    assert_close(v, np.log(2) * np.array([[2.0, 1.0], [2.0, 3.0]]), 1e-15)


@pytest.mark.parametrize("name", MULTICLASS)
def test_multiclass_class_index_out_of_range(name):
    L = getattr(lossfns, name)
    _, x, _ = MULTICLASS[name]
    raises_everywhere(L, ([0, 1, 2, 7], x),
                      r"^y_true must hold class indices in \[0, 3\); got 7 at position 3$")
    raises_everywhere(L, ([0, -1, 2, 1], x),
                      r"^y_true must hold class indices in \[0, 3\); got -1 at position 1$")
    raises_everywhere(L, (3, x[0]), r"^y_true must hold class indices in \[0, 3\); got 3$")


def test_class_index_position_in_n_d_input(rng):
    z = rng.normal(size=(2, 3, 2, 2))
    y = np.zeros((2, 2, 2), dtype=int)
    y[1, 0, 1] = 5
    raises_everywhere(cross_entropy, (y, z), r"got 5 at position \(1, 0, 1\)$")
    raises_everywhere(nll_loss, (y, log_softmax(z, axis=1)), r"got 5 at position \(1, 0, 1\)$")


@pytest.mark.parametrize("name", MULTICLASS)
@pytest.mark.parametrize("bad", [2.5, np.nan, np.inf, True])
def test_multiclass_class_index_not_an_integer(name, bad):
    L = getattr(lossfns, name)
    _, x, _ = MULTICLASS[name]
    y = np.array([0.0, 1.0, bad, 1.0]) if bad is not True else np.array([True, False, True, True])
    raises_everywhere(L, (y, x), r"^y_true must hold integer class indices")


def test_class_index_not_an_integer_names_value_and_position():
    _, x, _ = MULTICLASS["cross_entropy"]
    raises_everywhere(cross_entropy, ([0, 1, 2.5, 1], x),
                      r"^y_true must hold integer class indices; got 2.5 at position 2$")


@pytest.mark.parametrize("name", MULTICLASS)
def test_multiclass_shapes(name):
    L = getattr(lossfns, name)
    y, x, pname = MULTICLASS[name]
    raises_everywhere(L, (y[:3], x), rf"^y_true must be class indices of shape \(4,\).*{pname}")
    raises_everywhere(L, ([y], x), r"^y_true must be class indices of shape \(4,\)")
    raises_everywhere(L, ([], x), r"^y_true must be class indices")
    raises_everywhere(L, (y, np.zeros((4, 0))), rf"^{pname} must not be empty")
    raises_everywhere(L, (y, np.zeros((0, 3))), rf"^{pname} must not be empty")
    raises_everywhere(L, (0, -0.5), rf"^{pname} must have a class axis")


@pytest.mark.parametrize("name", MULTICLASS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_multiclass_nan_and_inf_predictions(name, bad):
    L = getattr(lossfns, name)
    y, x, pname = MULTICLASS[name]
    x = x.copy()
    x[2, 1] = bad
    raises_everywhere(L, (y, x), rf"^{pname} must be finite.* at position \(2, 1\)$")


@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize("bad", [[1.0, 2.0], [[1.0, 1.0, 1.0]], [1.0, -0.5, 1.0], [1, np.nan, 1],
                                 [1.0, np.inf, 1.0], []])
def test_class_weight_wrong_shape_negative_or_not_finite(name, bad):
    L = getattr(lossfns, name)
    y, x, _ = MULTICLASS[name]
    raises_everywhere(L, (y, x), r"^weight must", weight=bad)


@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
def test_class_weight_zero_on_every_present_class(name):
    L = getattr(lossfns, name)
    y, x, _ = MULTICLASS[name]
    # torch returns nan for "mean"; we refuse (the kernel cannot know the reduction, so every
    # reduction refuses it), never a silent NaN
    raises_everywhere(L, (y, x), r"^weight of the classes present in y_true must not sum to 0",
                      weight=[0.0, 0.0, 0.0])
    raises_everywhere(L, ([0, 2, 2, 0], x),
                      r"^weight of the classes present in y_true must not sum to 0",
                      weight=[0.0, 1.0, 0.0])  # class 1 weighs, but is absent
    # a zero weight on some present classes is fine: those items simply do not count
    w = np.array([0.0, 1.0, 2.0])
    items = L(y, x, weight=w, reduction="none")
    assert items[0] == 0.0 and items[3] == 0.0
    assert_close(L(y, x, weight=w), items.sum() / 3.0, 1e-15)


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, np.nan, np.inf, "a", None])
def test_cross_entropy_label_smoothing_outside_0_1(bad):
    y, x, _ = MULTICLASS["cross_entropy"]
    raises_everywhere(cross_entropy, (y, x), r"^label_smoothing must be", label_smoothing=bad)


def test_cross_entropy_probability_targets_must_be_distributions():
    _, x, _ = MULTICLASS["cross_entropy"]
    t = np.full((4, 3), 1 / 3)
    t[2] = [0.5, 0.6, -0.1]
    raises_everywhere(cross_entropy, (t, x),
                      r"^y_true must hold probabilities in \[0, 1\]; got -0.1 at position "
                      r"\(2, 2\)$")
    t[2] = [0.5, 0.6, 0.1]
    raises_everywhere(cross_entropy, (t, x),
                      r"^y_true as class probabilities must sum to 1.*row 2 sums to 1.2$")
    t[2] = [np.nan, 0.5, 0.5]
    raises_everywhere(cross_entropy, (t, x), r"^y_true must be finite")


def test_nll_loss_refuses_positive_log_probabilities():
    y, x, _ = MULTICLASS["nll_loss"]
    x = x.copy()
    x[1, 2] = 0.5
    raises_everywhere(nll_loss, (y, x), r"^log_probs must hold log-probabilities <= 0; got 0.5 "
                                         r"at position \(1, 2\) \(apply log_softmax first\)$")


@pytest.mark.parametrize("bad", [0, 0.0, -1.0, np.nan, np.inf, "one", None])
def test_multiclass_hinge_bad_margin(bad):
    y, x, _ = MULTICLASS["multiclass_hinge"]
    raises_everywhere(multiclass_hinge, (y, x), r"^margin must be", margin=bad)


@pytest.mark.parametrize("bad", ["ww", "Weston_Watkins", "cs", None, "crammer-singer"])
def test_multiclass_hinge_unknown_variant_lists_the_valid_ones(bad):
    y, x, _ = MULTICLASS["multiclass_hinge"]
    raises_everywhere(multiclass_hinge, (y, x),
                      r"^variant must be one of 'weston_watkins', 'crammer_singer'; got",
                      variant=bad)


def test_multiclass_hinge_shape_limits(rng):
    raises_everywhere(multiclass_hinge,
                      (np.zeros((2, 2), dtype=int), rng.normal(size=(2, 3, 2, 2))),
                      r"^scores must have shape \(C,\) or \(N, C\)")
    raises_everywhere(multiclass_hinge, ([0, 0], np.ones((2, 1))), r"^scores must have at least 2")
