"""Properties every loss must have, checked on inputs hypothesis draws (and shrinks on failure).

Non-negative; zero at a perfect prediction where the loss has one; ``sum == n × mean``;
``value_and_grad`` equal to the separate calls; quantile(½) = ½·MAE; Huber and log-cosh → ½·MSE
for small residuals; symmetry where the loss is symmetric; gradients equal to finite differences.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lossfns
from lossfns import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber,
    log_cosh,
    log_softmax,
    mae,
    mse,
    multiclass_hinge,
    nll_loss,
    quantile,
)

from conftest import numeric_grad

# modest and reproducible: the whole module runs in a few seconds
settings.register_profile("lossfns", max_examples=50, deadline=None, database=None,
                          derandomize=True, suppress_health_check=[HealthCheck.too_slow])
prop = settings(settings.get_profile("lossfns"))

REDUCTIONS = ("mean", "sum", "none")
REGRESSION = ("mse", "mae", "huber", "log_cosh", "quantile")
SYMMETRIC = ("mse", "mae", "huber", "log_cosh")

shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)
reals = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)
unit = st.floats(0.0, 1.0)
deltas = st.floats(1e-3, 1e3)
qs = st.floats(1e-3, 1 - 1e-3)


@st.composite
def real_pairs(draw, elements=reals):
    shape = draw(shapes)
    return (draw(hnp.arrays(np.float64, shape, elements=elements)),
            draw(hnp.arrays(np.float64, shape, elements=elements)))


@st.composite
def regression_cases(draw, names=REGRESSION):
    """(loss, hyper, y_true, y_pred) for a regression loss and a valid hyper-parameter."""
    name = draw(st.sampled_from(names))
    hyper = {"huber": {"delta": draw(deltas)}, "quantile": {"q": draw(qs)}}.get(name, {})
    y, p = draw(real_pairs())
    return getattr(lossfns, name), hyper, y, p


@st.composite
def binary_cases(draw):
    """(loss, hyper, y_true, y_pred) for a binary loss on its own domain."""
    name = draw(st.sampled_from(["binary_cross_entropy", "binary_cross_entropy_with_logits",
                                 "hinge", "squared_hinge"]))
    shape = draw(shapes)
    hyper = {}
    if name == "binary_cross_entropy":
        y = draw(hnp.arrays(np.float64, shape, elements=unit))
        p = draw(hnp.arrays(np.float64, shape, elements=unit))
    elif name == "binary_cross_entropy_with_logits":
        y = draw(hnp.arrays(np.float64, shape, elements=unit))
        p = draw(hnp.arrays(np.float64, shape, elements=reals))
        hyper["pos_weight"] = draw(st.none() | st.floats(1e-3, 1e3))
    else:
        y = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0])))
        p = draw(hnp.arrays(np.float64, shape, elements=reals))
    return getattr(lossfns, name), hyper, y, p


@st.composite
def multiclass_cases(draw, logit_range=50.0,
                     names=("cross_entropy", "nll_loss", "multiclass_hinge"),
                     probs=True, smoothing=(0.0, 0.1, 0.5, 0.99)):
    """(loss, hyper, y_true, y_pred) for a multiclass loss: (C,) or (N, C) predictions.

    probs: cross-entropy may get probability targets; smoothing: its label_smoothing values.
    """
    name = draw(st.sampled_from(names))
    c = draw(st.integers(2, 5))
    shape = draw(st.sampled_from([(c,), (draw(st.integers(1, 5)), c)]))
    z = draw(hnp.arrays(np.float64, shape, elements=st.floats(-logit_range, logit_range)))
    y = draw(hnp.arrays(np.int64, shape[:-1], elements=st.integers(0, c - 1)))
    hyper = {}
    if name in ("cross_entropy", "nll_loss") and draw(st.booleans()):
        hyper["weight"] = draw(hnp.arrays(np.float64, (c,), elements=st.floats(0.01, 10.0)))
    if name == "cross_entropy":
        hyper["label_smoothing"] = draw(st.sampled_from(smoothing))
        if probs and draw(st.booleans()):  # probability targets
            raw = draw(hnp.arrays(np.float64, shape, elements=st.floats(0.0, 1.0)))
            raw[..., 0] += 1e-3  # no all-zero row
            y = raw / raw.sum(axis=-1, keepdims=True)
    if name == "nll_loss":
        z = log_softmax(z, axis=-1)
    if name == "multiclass_hinge":
        hyper["margin"] = draw(st.floats(1e-3, 10.0))
        hyper["variant"] = draw(st.sampled_from(["weston_watkins", "crammer_singer"]))
    return getattr(lossfns, name), hyper, y, z


any_case = regression_cases() | binary_cases() | multiclass_cases()


def n_items(L, y_pred):
    """How many items "mean" averages over: elements, or samples for a multiclass loss."""
    y_pred = np.asarray(y_pred)
    return y_pred.size // y_pred.shape[-1] if L.task == "multiclass" else y_pred.size


def mean_divisor(L, hyper, y_true, y_pred):
    """n, or Σ_i w_{y_i} for a class-weighted loss with index targets (as torch)."""
    w = hyper.get("weight")
    y = np.asarray(y_true)
    if w is not None and y.dtype.kind in "iu":
        return float(np.sum(w[y]))
    return n_items(L, y_pred)


# --------------------------------------------------------------------------------------------
# Every loss
# --------------------------------------------------------------------------------------------
@prop
@given(any_case)
def test_non_negative_and_finite(case):
    L, hyper, y, p = case
    value, grad = L.value_and_grad(y, p, reduction="none", **hyper)
    assert np.all(value >= 0), (L.name, value)
    assert np.isfinite(value).all() and np.isfinite(grad).all()
    assert np.shape(grad) == np.shape(p)


@prop
@given(any_case)
def test_sum_is_n_times_mean(case):
    L, hyper, y, p = case
    n = mean_divisor(L, hyper, y, p)
    total, g_total = L.value_and_grad(y, p, reduction="sum", **hyper)
    mean, g_mean = L.value_and_grad(y, p, reduction="mean", **hyper)
    items, g_items = L.value_and_grad(y, p, reduction="none", **hyper)
    assert total == pytest.approx(n * mean, rel=1e-12, abs=1e-300)
    assert total == pytest.approx(math.fsum(np.ravel(items)), rel=1e-12, abs=1e-300)
    np.testing.assert_allclose(g_total, n * g_mean, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(g_total, g_items, rtol=0, atol=0)


@prop
@given(any_case, st.sampled_from(REDUCTIONS))
def test_value_and_grad_equals_separate_calls(case, reduction):
    L, hyper, y, p = case
    value, grad = L.value_and_grad(y, p, reduction=reduction, **hyper)
    np.testing.assert_array_equal(value, L(y, p, reduction=reduction, **hyper))
    np.testing.assert_array_equal(grad, L.grad(y, p, reduction=reduction, **hyper))
    if reduction != "none":
        assert isinstance(value, float)


@prop
@given(any_case)
def test_float32_input_is_computed_in_float64(case):
    L, hyper, y, p = case
    p32 = np.asarray(p, dtype=np.float32)
    if L.name == "nll_loss":
        assume(np.all(p32 <= 0))
    if L.name == "binary_cross_entropy":
        p32 = np.clip(p32, 0, 1)
    value, grad = L.value_and_grad(y, p32, reduction="none", **hyper)
    ref_value, ref_grad = L.value_and_grad(y, p32.astype(np.float64), reduction="none", **hyper)
    assert value.dtype == np.float64 and grad.dtype == np.float64
    np.testing.assert_array_equal(value, ref_value)
    np.testing.assert_array_equal(grad, ref_grad)


# --------------------------------------------------------------------------------------------
# Zero at a perfect prediction
# --------------------------------------------------------------------------------------------
@prop
@given(regression_cases())
def test_regression_zero_at_perfect_prediction(case):
    L, hyper, y, _ = case
    value, grad = L.value_and_grad(y, y.copy(), reduction="none", **hyper)
    assert np.all(value == 0) and np.all(grad == 0)
    assert L(y, y, **hyper) == 0.0


@prop
@given(hnp.arrays(np.float64, shapes, elements=st.sampled_from([0.0, 1.0])))
def test_bce_zero_at_hard_labels_predicted_exactly(y):
    """p = y ∈ {0, 1}: 0·log 0 would be nan; the clamp at −100 makes it 0·(−100) = 0."""
    value, grad = binary_cross_entropy.value_and_grad(y, y.copy(), reduction="none")
    assert np.all(value == 0) and np.all(grad == 0)


@prop
@given(hnp.arrays(np.float64, shapes, elements=st.floats(1e-6, 1 - 1e-6)))
def test_bce_with_soft_labels_is_minimal_at_p_equal_y(y):
    """For soft y the minimum over p is at p = y, where the loss is the entropy H(y) > 0."""
    value, grad = binary_cross_entropy.value_and_grad(y, y.copy(), reduction="none")
    entropy = -(y * np.log(y) + (1 - y) * np.log1p(-y))
    np.testing.assert_allclose(value, entropy, rtol=1e-12)
    assert np.all(value > 0)
    assert np.all(grad == 0)
    for p in (np.clip(y * 0.9, 1e-12, 1), y + 0.1 * (1 - y)):
        assert np.all(binary_cross_entropy(y, p, reduction="none") >= value)


@prop
@given(hnp.arrays(np.float64, shapes, elements=st.sampled_from([0.0, 1.0])),
       st.floats(746.0, 1e4))
def test_bce_logits_zero_at_confident_correct_logits(y, big):
    """softplus(−z) = log1p(e^−z) is exactly 0 once e^−z underflows (z > 745.2)."""
    z = np.where(y == 1, big, -big)
    value, grad = binary_cross_entropy_with_logits.value_and_grad(y, z, reduction="none")
    assert np.all(value == 0) and np.all(grad == 0)


@prop
@given(hnp.arrays(np.float64, shapes, elements=st.sampled_from([-1.0, 1.0])),
       hnp.arrays(np.float64, 16, elements=st.floats(1.0, 1e4)))
def test_hinge_zero_beyond_the_margin(y, margins):
    s = y * np.resize(margins, y.shape)  # y·s ≥ 1
    for L in (lossfns.hinge, lossfns.squared_hinge):
        value, grad = L.value_and_grad(y, s, reduction="none")
        assert np.all(value == 0) and np.all(grad == 0)


@prop
@given(st.integers(2, 5), st.integers(1, 5), st.data())
def test_multiclass_zero_when_the_true_class_wins(c, n, data):
    y = data.draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    margin = data.draw(st.floats(1e-3, 10.0))
    z = data.draw(hnp.arrays(np.float64, (n, c), elements=st.floats(-10, 10)))
    # the true class ahead by the margin, plus a little more than the rounding of m − s_y + s_j
    z[np.arange(n), y] = z.max(axis=1) + margin + data.draw(st.floats(1e-9, 10))
    for variant in ("weston_watkins", "crammer_singer"):
        assert multiclass_hinge(y, z, margin=margin, variant=variant, reduction="sum") == 0
    # cross-entropy reaches 0 only when every other class is > 745 behind (e^−745 underflows)
    z2 = np.zeros((n, c))
    z2[np.arange(n), y] = 1e4
    assert cross_entropy(y, z2, reduction="sum") == 0
    assert np.all(cross_entropy.grad(y, z2) == 0)


# --------------------------------------------------------------------------------------------
# Relations between losses
# --------------------------------------------------------------------------------------------
@prop
@given(real_pairs(), st.sampled_from(REDUCTIONS))
def test_quantile_at_one_half_is_half_mae(pair, reduction):
    y, p = pair
    v, g = quantile.value_and_grad(y, p, q=0.5, reduction=reduction)
    v_mae, g_mae = mae.value_and_grad(y, p, reduction=reduction)
    np.testing.assert_allclose(v, 0.5 * np.asarray(v_mae), rtol=1e-15, atol=0)
    np.testing.assert_array_equal(g, 0.5 * g_mae)


@prop
@given(deltas, st.data())
def test_huber_is_half_mse_inside_delta(delta, data):
    """|r| ≤ δ: Huber = ½ r² exactly, gradient r = ½ · (2r)."""
    shape = data.draw(shapes)
    y = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-100, 100)))
    r = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-1.0, 1.0)))
    p = y + r * delta * 0.999
    for red in REDUCTIONS:
        v, g = huber.value_and_grad(y, p, delta=delta, reduction=red)
        v_mse, g_mse = mse.value_and_grad(y, p, reduction=red)
        # exact up to one rounding (½·r·r vs ½·(r·r)); subnormal r² have fewer digits: atol
        np.testing.assert_allclose(v, 0.5 * np.asarray(v_mse), rtol=1e-15, atol=1e-300)
        np.testing.assert_allclose(g, 0.5 * g_mse, rtol=1e-15, atol=1e-300)


@prop
@given(deltas, real_pairs())
def test_huber_is_linear_outside_delta_and_below_half_mse(delta, pair):
    y, p = pair
    r = np.abs(p - y)
    v = huber(y, p, delta=delta, reduction="none")
    outside = r > delta
    np.testing.assert_allclose(v[outside], delta * (r[outside] - 0.5 * delta), rtol=1e-14)
    # one rounding apart at most (1e-300: subnormal products round coarser)
    assert np.all(v <= 0.5 * mse(y, p, reduction="none") * (1 + 1e-15) + 1e-300)
    assert np.all(v <= delta * r * (1 + 1e-15) + 1e-300)  # and below δ·MAE


@prop
@given(st.data())
def test_log_cosh_is_half_mse_for_small_residuals(data):
    """log cosh r = r²/2 − r⁴/12 + …: relative gap r²/6 ≤ 2e-9 for |r| ≤ 1e-4 (tiny r included);
    tanh r = r − r³/3 + …: relative gap r²/3."""
    shape = data.draw(shapes)
    y = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-1.0, 1.0)))
    r = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-1e-4, 1e-4)))
    p = y + r
    v = log_cosh(y, p, reduction="none")
    half_mse = 0.5 * mse(y, p, reduction="none")
    # atol: a subnormal r² (|r| < 1e-154) has fewer than 16 digits to compare
    np.testing.assert_allclose(v, half_mse, rtol=1e-8, atol=1e-300)
    np.testing.assert_allclose(log_cosh.grad(y, p, reduction="none"), p - y, rtol=1e-8, atol=0)


@prop
@given(st.data())
def test_log_cosh_is_mae_minus_log2_for_large_residuals(data):
    """|r| ≥ 20: log cosh r = |r| − log 2 + log1p(e^−2|r|), the last term below half an ulp."""
    shape = data.draw(shapes)
    y = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-1e4, 1e4)))
    r = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(20, 1e4)))
    p = y + np.where(data.draw(hnp.arrays(bool, shape)), r, -r)
    assume(np.all(np.abs(p - y) >= 20))  # rounding of y + r
    v = log_cosh(y, p, reduction="none")
    np.testing.assert_allclose(v, np.abs(p - y) - math.log(2), rtol=1e-15, atol=0)
    assert np.all(v <= mae(y, p, reduction="none"))


@prop
@given(multiclass_cases(names=("cross_entropy",), probs=False, smoothing=(0.0,)))
def test_nll_of_log_softmax_is_cross_entropy(case):
    _, hyper, y, z = case
    w = hyper.get("weight")
    logp = log_softmax(z, axis=-1)
    np.testing.assert_allclose(nll_loss(y, logp, weight=w), cross_entropy(y, z, weight=w),
                               rtol=1e-12, atol=1e-300)


@prop
@given(st.integers(2, 5), st.integers(1, 5), st.floats(1e-3, 10.0), st.data())
def test_weston_watkins_bounds_crammer_singer(c, n, margin, data):
    """max ≤ sum ≤ (C − 1)·max over the C − 1 wrong-class hinges."""
    y = data.draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    z = data.draw(hnp.arrays(np.float64, (n, c), elements=st.floats(-100, 100)))
    ww = multiclass_hinge(y, z, margin=margin, reduction="none")
    cs = multiclass_hinge(y, z, margin=margin, variant="crammer_singer", reduction="none")
    assert np.all(cs <= ww * (1 + 1e-15) + 1e-300)
    assert np.all(ww <= (c - 1) * cs * (1 + 1e-15) + 1e-300)


# --------------------------------------------------------------------------------------------
# Symmetries
# --------------------------------------------------------------------------------------------
@prop
@given(regression_cases(names=SYMMETRIC))
def test_symmetric_losses_are_symmetric_in_the_residual(case):
    """L(y, ŷ) = L(ŷ, y): a function of |r|; the gradient flips sign with r."""
    L, hyper, y, p = case
    v, g = L.value_and_grad(y, p, reduction="none", **hyper)
    v_swap, g_swap = L.value_and_grad(p, y, reduction="none", **hyper)
    np.testing.assert_array_equal(v, v_swap)
    np.testing.assert_array_equal(g, -g_swap)
    r = p - y
    v0, g0 = L.value_and_grad(np.zeros_like(r), r, reduction="none", **hyper)
    v1, g1 = L.value_and_grad(np.zeros_like(r), -r, reduction="none", **hyper)
    np.testing.assert_array_equal(v0, v1)
    np.testing.assert_array_equal(g0, -g1)


@prop
@given(real_pairs(), qs)
def test_quantile_mirror(pair, q):
    """Swapping y and ŷ swaps the two slopes: quantile_q(y, ŷ) = quantile_{1−q}(ŷ, y)."""
    y, p = pair
    np.testing.assert_allclose(quantile(y, p, q=q, reduction="none"),
                               quantile(p, y, q=1 - q, reduction="none"), rtol=1e-12, atol=1e-300)


@prop
@given(binary_cases())
def test_binary_label_flip_symmetry(case):
    """Flipping the label and negating the score gives the same loss (for hinge exactly)."""
    L, hyper, y, s = case
    if L.name in ("hinge", "squared_hinge"):
        np.testing.assert_array_equal(L(y, s, reduction="none"), L(-y, -s, reduction="none"))
        np.testing.assert_array_equal(L.grad(y, s, reduction="none"),
                                      -L.grad(-y, -s, reduction="none"))
    elif L.name == "binary_cross_entropy":
        # 1 − p is exact only away from 0 (1 − 1e-20 = 1): keep p where it holds to ~1e-13
        s = np.clip(s, 1e-3, 1 - 1e-3)
        np.testing.assert_allclose(L(y, s, reduction="none"), L(1 - y, 1 - s, reduction="none"),
                                   rtol=1e-9, atol=1e-12)
    else:
        assume(hyper["pos_weight"] is None)
        np.testing.assert_allclose(L(y, s, reduction="none"), L(1 - y, -s, reduction="none"),
                                   rtol=1e-12, atol=1e-12)


@prop
@given(multiclass_cases(names=("cross_entropy", "multiclass_hinge")), st.floats(-1e3, 1e3))
def test_softmax_losses_ignore_a_common_shift_and_their_gradient_rows_sum_to_zero(case, shift):
    L, hyper, y, z = case
    v, g = L.value_and_grad(y, z, reduction="none", **hyper)
    v2 = L(y, z + shift, reduction="none", **hyper)
    np.testing.assert_allclose(v2, v, rtol=1e-9, atol=1e-9 * (1 + abs(shift)))
    np.testing.assert_allclose(np.sum(g, axis=-1), 0, atol=1e-9 * (1 + np.abs(g).max()))


# --------------------------------------------------------------------------------------------
# Gradients against finite differences, on drawn inputs (smooth losses)
# --------------------------------------------------------------------------------------------
@st.composite
def smooth_cases(draw):
    name = draw(st.sampled_from(["mse", "log_cosh", "binary_cross_entropy_with_logits",
                                 "cross_entropy"]))
    L = getattr(lossfns, name)
    if name == "cross_entropy":
        return draw(multiclass_cases(logit_range=10.0, names=("cross_entropy",)))
    moderate = st.floats(-10, 10)
    y, p = draw(real_pairs(elements=moderate))
    hyper = {}
    if name == "binary_cross_entropy_with_logits":
        y = np.clip(np.abs(y) / 10, 0, 1)
        hyper["pos_weight"] = draw(st.none() | st.floats(0.1, 10))
    return L, hyper, y, p


@prop
@given(smooth_cases(), st.sampled_from(REDUCTIONS))
def test_gradient_matches_finite_differences(case, reduction):
    L, hyper, y, p = case
    expected = numeric_grad(lambda x: np.sum(L(y, x, reduction=reduction, **hyper)), p)
    got = L.grad(y, p, reduction=reduction, **hyper)
    scale = 1 + np.abs(expected).max()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6 * scale)
