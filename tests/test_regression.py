"""lossfns.losses.regression: scikit-learn parity, kinks, extremes and bad input (torch
parity and finite differences: tests/test_losses.py, from tests/loss_specs.py)."""
from __future__ import annotations

import decimal
import math

import numpy as np
import pytest
import torch.nn.functional as F
from sklearn.metrics import mean_absolute_error, mean_pinball_loss, mean_squared_error

import lossfns
from lossfns import huber, log_cosh, mae, mse, quantile

from conftest import (
    assert_close,
    away_from,
    check_numeric_grad,
    numeric_grad,
    t64,
    torch_value_and_grad,
)

DELTAS = [0.3, 1.0, 2.5]
QS = [0.1, 0.25, 0.5, 0.9]
REGRESSION = ["mse", "mae", "huber", "log_cosh", "quantile"]


def make_pair(rng, shape, kinks=(0.0,), scale=3.0):
    """y_true and a y_pred whose residuals stay away from the loss's kinks."""
    y = rng.normal(0.0, 2.0, size=shape)
    r = away_from(rng.uniform(-scale, scale, size=shape), kinks, gap=0.05)
    return y, y + r


# torch references: fn(pred_tensor, reduction) -> tensor
def torch_loss(name, y, **hyper):
    target = t64(y)
    if name == "mse":
        return lambda p, red: F.mse_loss(p, target, reduction=red)
    if name == "mae":
        return lambda p, red: F.l1_loss(p, target, reduction=red)
    if name == "huber":
        return lambda p, red: F.huber_loss(p, target, reduction=red, delta=hyper["delta"])
    raise KeyError(name)


def reduce_t(values, red):
    return {"none": values, "sum": values.sum(), "mean": values.mean()}[red]


# --------------------------------------------------------------------------------------------
# Parity: values and gradients
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(11,), (5, 3)])
def test_matches_sklearn(shape, rng):
    y, p = make_pair(rng, shape)
    # sklearn averages per output column, then over columns: the same as the plain mean.
    assert_close(mse(y, p), mean_squared_error(y, p))
    assert_close(mae(y, p), mean_absolute_error(y, p))
    for q in QS:
        assert_close(quantile(y, p, q=q), mean_pinball_loss(y, p, alpha=q))
        assert_close(quantile(y, p, q=q, reduction="sum"),
                     y.size * mean_pinball_loss(y, p, alpha=q))
        per_item = [mean_pinball_loss([a], [b], alpha=q) for a, b in zip(y.ravel(), p.ravel())]
        assert_close(quantile(y, p, q=q, reduction="none").ravel(), per_item)


def test_numeric_grad_helper_is_right():
    """The helper itself: exact for a quadratic, and it notices a wrong gradient."""
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    assert_close(numeric_grad(lambda v: (v ** 2).sum() + v[0, 1], x),
                 2 * x + np.array([[0.0, 1.0], [0.0, 0.0]]), 1e-8)
    with pytest.raises(AssertionError):
        wrong = lossfns.Loss(kernel=lambda t, p: (np.square(p), np.asarray(p)),  # grad is 2p
                             name="wrong", title="", zh="", task="", formula="")
        check_numeric_grad(wrong, [0.0, 0.0], [1.0, 2.0])


# --------------------------------------------------------------------------------------------
# Conventions at the kinks and on the boundaries
# --------------------------------------------------------------------------------------------
def test_mae_grad_is_sign_and_zero_at_zero():
    y = np.array([1.0, 1.0, 1.0, -2.0])
    p = np.array([3.0, 1.0, -1.0, -2.0])
    assert_close(mae.grad(y, p, reduction="none"), [1.0, 0.0, -1.0, 0.0], 0)
    _, ref = torch_value_and_grad(torch_loss("mae", y), p, "none")
    assert_close(mae.grad(y, p, reduction="none"), ref, 0)


def test_quantile_grad_at_the_kink_and_both_sides():
    y = np.array([2.0, 2.0, 2.0])
    p = np.array([1.0, 2.0, 3.0])  # under-, exact, over-prediction
    assert_close(quantile.grad(y, p, q=0.3, reduction="none"), [-0.3, 0.0, 0.7], 1e-15)
    assert_close(quantile(y, p, q=0.3, reduction="none"), [0.3, 0.0, 0.7], 1e-15)


@pytest.mark.parametrize("delta", DELTAS)
def test_huber_at_the_joint_equals_torch(delta):
    """At |r| = δ both pieces meet: same value and slope as torch (which returns ±δ there)."""
    y = np.zeros(4)
    p = np.array([delta, -delta, np.nextafter(delta, 0), np.nextafter(delta, 2 * delta)])
    value, grad = huber.value_and_grad(y, p, delta=delta, reduction="none")
    ref_value, ref_grad = torch_value_and_grad(torch_loss("huber", y, delta=delta), p, "none")
    assert_close(value, ref_value, 1e-15)
    assert_close(grad, ref_grad, 1e-15)
    assert_close(value[:2], [0.5 * delta ** 2] * 2, 1e-15)


def test_huber_default_delta_is_one():
    y, p = [0.0, 0.0], [0.5, 3.0]
    assert huber(y, p) == huber(y, p, delta=1.0) == (0.125 + 2.5) / 2


# --------------------------------------------------------------------------------------------
# Extreme inputs: residuals of 1e4 (and beyond), tiny residuals
# --------------------------------------------------------------------------------------------
def log_cosh_reference(r: float) -> float:
    """log cosh r with 50+ exact digits (decimal), rounded once to float64."""
    if r == 0:
        return 0.0
    with decimal.localcontext() as ctx:
        # enough digits that cosh r = 1 + r²/2 + … keeps r² even for tiny r
        ctx.prec = 50 + 2 * max(0, math.ceil(-math.log10(abs(r))))
        x = decimal.Decimal(float(r))
        return float(((x.exp() + (-x).exp()) / 2).ln())


@pytest.mark.parametrize("r", [1e-150, 1e-12, 1e-8, 1e-5, 1e-3, 0.1, 0.5, 0.999, 1.0, 1.001, 3.0,
                               20.0, 300.0, 709.0, 711.0, 1e4, 1e6])
def test_log_cosh_is_accurate_for_any_residual(r):
    """Relative error ≤ 4 ulp against a high-precision reference, tiny to huge residuals,
    where log(cosh(r)) loses every digit near 0 and overflows beyond 710."""
    for sign in (1.0, -1.0):
        value = log_cosh([0.0], [sign * r], reduction="none")[0]
        ref = log_cosh_reference(sign * r)
        assert math.isfinite(value)
        assert value == pytest.approx(ref, rel=1e-15, abs=0)
        assert log_cosh.grad([0.0], [sign * r], reduction="none")[0] == pytest.approx(
            math.tanh(sign * r), rel=1e-15)


def test_log_cosh_at_1e4_is_exact():
    """For |r| = 1e4, log cosh r = |r| − log 2 + log1p(e^(−2e4)) = |r| − log 2 in float64."""
    for y, p in [(0.0, 1e4), (1e4, 0.0), (-5e3, 5e3)]:
        assert log_cosh([y], [p]) == 1e4 - math.log(2)
    assert_close(log_cosh.grad([0.0, 0.0], [1e4, -1e4], reduction="none"), [1.0, -1.0], 0)
    assert log_cosh([3.0], [3.0]) == 0.0


@pytest.mark.parametrize("r", [1e4, -1e4, 1e150])
def test_huge_residuals_are_finite_and_exact(r):
    y, p = np.array([0.0]), np.array([r])
    a = abs(r)
    assert mse(y, p) == r * r and mse.grad(y, p) == 2 * r
    assert mae(y, p) == a and mae.grad(y, p) == np.sign(r)
    for d in DELTAS:
        assert huber(y, p, delta=d) == d * (a - 0.5 * d)
        assert huber.grad(y, p, delta=d) == np.sign(r) * d
    for q in QS:
        expected = (1 - q) * a if r > 0 else q * a
        assert quantile(y, p, q=q) == pytest.approx(expected, rel=1e-15)
    if a <= 1e4:  # torch agrees exactly
        for name, hyper in [("mse", {}), ("mae", {}), ("huber", {"delta": 1.0})]:
            L = getattr(lossfns, name)
            ref_v, ref_g = torch_value_and_grad(torch_loss(name, y, **hyper), p, "mean")
            assert L(y, p, **hyper) == float(ref_v)
            assert L.grad(y, p, **hyper)[0] == ref_g[0]


def test_every_regression_loss_is_finite_at_extremes():
    y = np.array([0.0, 1e4, -1e4, 1e-300, 0.0])
    p = np.array([1e4, -1e4, 1e4, 0.0, 0.0])
    for name in REGRESSION:
        L = getattr(lossfns, name)
        value, grad = L.value_and_grad(y, p, reduction="none")
        assert np.isfinite(value).all() and np.isfinite(grad).all(), name
        assert (value >= 0).all(), name


# --------------------------------------------------------------------------------------------
# Bad input: ValueError naming the argument
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", REGRESSION)
def test_shape_mismatch(name):
    L = getattr(lossfns, name)
    for y, p in [([1.0, 2.0], [1.0, 2.0, 3.0]), ([1.0, 2.0, 3.0], [[1.0], [2.0], [3.0]]),
                 (np.zeros((2, 3)), np.zeros((3, 2))), (1.0, [1.0, 2.0])]:
        with pytest.raises(ValueError, match=r"y_true and y_pred must have the same shape"):
            L(y, p)
        with pytest.raises(ValueError, match=r"y_true and y_pred must have the same shape"):
            L.grad(y, p)


@pytest.mark.parametrize("name", REGRESSION)
def test_empty_input(name):
    L = getattr(lossfns, name)
    with pytest.raises(ValueError, match=r"^y_true must not be empty"):
        L([], [])
    with pytest.raises(ValueError, match=r"^y_true must not be empty"):
        L(np.zeros((0, 3)), np.zeros((0, 3)), reduction="none")
    with pytest.raises(ValueError, match=r"^y_pred must not be empty"):
        L([1.0], [])


@pytest.mark.parametrize("name", REGRESSION)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("arg", ["y_true", "y_pred"])
def test_nan_and_inf_are_refused(name, bad, arg):
    L = getattr(lossfns, name)
    good = np.array([[0.5, 1.0], [2.0, -1.0]])
    broken = good.copy()
    broken[1, 0] = bad
    args = (broken, good) if arg == "y_true" else (good, broken)
    for call in (L, L.grad, L.value_and_grad):
        with pytest.raises(ValueError, match=rf"^{arg} must be finite .* at position \(1, 0\)"):
            call(*args, reduction="none")


@pytest.mark.parametrize("bad", [0, 0.0, -1.0, np.nan, np.inf, "one", None])
def test_huber_bad_delta(bad):
    with pytest.raises(ValueError, match=r"^delta must be"):
        huber([1.0], [2.0], delta=bad)
    with pytest.raises(ValueError, match=r"^delta must be"):
        huber.grad([1.0], [2.0], delta=bad)


@pytest.mark.parametrize("bad", [0, 1, 0.0, 1.0, -0.1, 1.5, np.nan, "median"])
def test_quantile_bad_q(bad):
    with pytest.raises(ValueError, match=r"^q must be"):
        quantile([1.0], [2.0], q=bad)
    with pytest.raises(ValueError, match=r"^q must be in \(0, 1\); got 1$"):
        quantile([1.0], [2.0], q=1)


@pytest.mark.parametrize("name", ["mse", "mae", "log_cosh"])
def test_unknown_hyper_parameter_is_a_type_error(name):
    with pytest.raises(TypeError):
        getattr(lossfns, name)([1.0], [2.0], delta=1.0)


def test_quantile_at_a_zero_residual_is_plus_zero():
    value = lossfns.quantile([1.0, 2.0], [1.0, 2.0], reduction="none", q=0.3)
    assert not np.signbit(value).any()


@pytest.mark.parametrize("loss", [mse, mae, huber, log_cosh, quantile])
def test_python_scalars_and_ints_work(loss):
    value, grad = loss.value_and_grad(1, 3, reduction="none")
    assert np.shape(value) == () and np.shape(grad) == ()
    assert loss(1, 3) == pytest.approx(float(loss([1.0], [3.0])))
    assert float(loss.grad(1, 3)) == pytest.approx(float(loss.grad([1.0], [3.0])[0]))
