"""lossfns.losses.segmentation: soft Dice loss and the Dice / IoU metrics."""
from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import f1_score, jaccard_score

from lossfns import core as _core
from lossfns.losses.segmentation import dice_coefficient, dice_loss, iou

from conftest import assert_close


def test_metadata():
    L = dice_loss
    assert L.name == "dice_loss" and L.task == "segmentation"
    assert re.search(r"[\u4e00-\u9fff]", L.zh) and L.zh_hant
    assert "|" not in L.formula and L.torch is None
    assert L.hyper == {"smooth": 1.0}
    assert any("Milletari" in r and "2016" in r for r in L.references)
    for part in ("Domain", "Formula", "Gradient", "Equals", "References"):
        assert part in L.__doc__
    assert _core._REGISTRY["dice_loss"] is L
    # the metrics are plain functions, not registered losses
    assert not isinstance(dice_coefficient, _core.Loss) and "iou" not in _core._REGISTRY


# --------------------------------------------------------------------------------------------
# dice_loss: values and gradients
# --------------------------------------------------------------------------------------------
def test_hand_computed_example():
    # I = 0.5, Σy + Σp = 2: 1 − (1 + 1)/(2 + 1) = 1/3; ∂/∂p = (D − 2y)/(S + s) = (2/3 − 2y)/3
    value, grad = dice_loss.value_and_grad([1.0, 0.0], [0.5, 0.5])
    assert_close(value, 1 / 3, 1e-15)
    assert_close(grad, [-4 / 9, 2 / 9], 1e-15)


def test_samples_are_the_first_axis_and_a_1d_mask_is_one_sample(rng):
    y = (rng.uniform(size=(3, 2, 5, 5)) < 0.4).astype(float)
    p = rng.uniform(size=(3, 2, 5, 5))
    items, grad = dice_loss.value_and_grad(y, p, reduction="none")
    flat_items, flat_grad = dice_loss.value_and_grad(y.reshape(3, -1), p.reshape(3, -1),
                                                     reduction="none")
    assert items.shape == (3,) and grad.shape == p.shape
    assert_close(items, flat_items, 0)
    assert_close(grad.reshape(3, -1), flat_grad, 0)
    one, one_grad = dice_loss.value_and_grad(y[0].ravel(), p[0].ravel(), reduction="none")
    assert np.shape(one) == () and one_grad.shape == (50,)
    assert_close(one, items[0], 0)


def test_perfect_and_worst_predictions():
    y = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    # perfect: 0 (also for an empty mask predicted empty, thanks to smooth)
    assert_close(dice_loss(y, y, reduction="none"), [0.0, 0.0], 1e-15)
    # disjoint masks: 1 − s/(Σy + Σp + s), → 1 as s → 0
    assert_close(dice_loss(y[:1], 1 - y[:1], smooth=1.0), 1 - 1 / 5, 1e-15)
    assert_close(dice_loss(y[:1], 1 - y[:1], smooth=0.0), 1.0, 0)
    # an empty mask with smooth=0 and something predicted: loss 1 (no overlap possible)
    assert_close(dice_loss([0.0, 0.0], [0.2, 0.0], smooth=0.0), 1.0, 0)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.0, 1e-5, 1.0]))
def test_properties(seed, smooth):
    rng = np.random.default_rng(seed)
    y = (rng.uniform(size=(3, 8)) < 0.5).astype(float)
    y[:, 0] = 1.0  # never both empty, so smooth = 0 is allowed
    p = rng.uniform(size=(3, 8))
    items = dice_loss(y, p, smooth=smooth, reduction="none")
    assert ((items >= -1e-15) & (items <= 1 + 1e-15)).all()
    assert_close(dice_loss(y, p, smooth=smooth, reduction="sum"),
                 3 * dice_loss(y, p, smooth=smooth),
                 1e-12)
    # on 0/1 predictions with smooth = 0 the loss is exactly 1 − Dice coefficient
    hard = (p > 0.5).astype(float)
    assert_close(dice_loss(y, hard, smooth=0.0, reduction="none"),
                 1 - dice_coefficient(y, hard, reduction="none"), 1e-12)


# --------------------------------------------------------------------------------------------
# dice_coefficient and iou
# --------------------------------------------------------------------------------------------
def test_dice_and_iou_on_two_masks():
    """Seed erratum 2: |A| + |B| is not the union. A = 4 pixels, B = 4 pixels, overlap 2."""
    a = np.array([[1, 1, 1, 1, 0, 0]])
    b = np.array([[0, 0, 1, 1, 1, 1]])
    assert dice_coefficient(a, b) == 2 * 2 / (4 + 4)  # 0.5
    assert iou(a, b) == 2 / 6                          # union = 6, not |A| + |B| = 8
    d, j = dice_coefficient(a, b), iou(a, b)
    assert_close(d, 2 * j / (1 + j), 1e-15)
    assert_close(j, d / (2 - d), 1e-15)


@pytest.mark.parametrize("shape", [(6, 5, 5), (4, 30)])
def test_metrics_equal_sklearn_per_sample(shape, rng):
    y = (rng.uniform(size=shape) < 0.4).astype(int)
    p = (rng.uniform(size=shape) < 0.4).astype(int)
    d = dice_coefficient(y, p, reduction="none")
    j = iou(y, p, reduction="none")
    ref_d = [f1_score(y[i].ravel(), p[i].ravel()) for i in range(shape[0])]
    ref_j = [jaccard_score(y[i].ravel(), p[i].ravel()) for i in range(shape[0])]
    assert_close(d, ref_d)
    assert_close(j, ref_j)
    assert_close(dice_coefficient(y, p), np.mean(ref_d))
    assert_close(iou(y, p, reduction="sum"), np.sum(ref_j))
    assert_close(d, 2 * j / (1 + j), 1e-12)
    assert (d >= j - 1e-15).all()


def test_metrics_accept_bools_and_define_empty_masks_as_perfect():
    y = np.array([[True, False], [False, False]])
    p = np.array([[True, True], [False, False]])
    assert_close(dice_coefficient(y, p, reduction="none"), [2 / 3, 1.0], 1e-15)
    assert_close(iou(y, p, reduction="none"), [0.5, 1.0], 1e-15)
    assert iou([0, 0, 0], [0, 0, 0], reduction="none") == 1.0   # 1-D: one mask, a scalar
    assert dice_coefficient([0, 0, 1], [1, 0, 0], reduction="none") == 0.0


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("y, p, kwargs, pattern", [
    ([1.0, 0.0], [1.2, 0.0], {},
     r"^y_prob must hold probabilities in \[0, 1\]; got 1\.2 at position 0"),
    ([1.0, 0.0], [0.5, -0.1], {}, r"^y_prob must hold probabilities.*got -0\.1 at position 1"),
    ([2.0, 0.0], [0.5, 0.5], {}, r"^y_true must hold probabilities.*got 2"),
    ([1.0, 0.0], [0.5, 0.5, 0.5], {}, r"^y_true and y_prob must have the same shape"),
    (1.0, 0.5, {}, r"^y_true and y_prob must be masks.*got scalars"),
    ([1.0, 0.0], [0.5, np.nan], {}, r"^y_prob must be finite"),
    ([1.0, 0.0], [0.5, 0.5], {"smooth": -1.0}, r"^smooth must be >= 0; got -1"),
    ([[1.0, 0.0], [0.0, 0.0]], [[0.5, 0.5], [0.0, 0.0]], {"smooth": 0.0},
     r"^smooth must be > 0 when a mask and its prediction are both empty: sample 1"),
    ([1.0, 0.0], [0.5, 0.5], {"reduction": "avg"}, r"^reduction must be one of"),
])
def test_dice_loss_bad_input(y, p, kwargs, pattern):
    for call in (dice_loss, dice_loss.grad):
        with pytest.raises(ValueError, match=pattern):
            call(y, p, **kwargs)


@pytest.mark.parametrize("metric", [dice_coefficient, iou])
@pytest.mark.parametrize("y, p, kwargs, pattern", [
    ([1, 0], [0.7, 0], {}, r"^y_pred must hold labels in \{0, 1\}; got 0\.7 at position 0; "
                           r"threshold probabilities first"),
    ([2, 0], [1, 0], {}, r"^y_true must hold labels in \{0, 1\}; got 2"),
    ([1, 0], [1, 0, 1], {}, r"^y_true and y_pred must have the same shape"),
    (1, 1, {}, r"^y_true and y_pred must be masks"),
    ([1, 0], [1, 0], {"reduction": "avg"}, r"^reduction must be one of"),
])
def test_metric_bad_input(metric, y, p, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        metric(y, p, **kwargs)
