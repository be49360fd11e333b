"""lossfns.losses.likelihood: Gaussian and Poisson negative log-likelihoods, against torch."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import lossfns
from lossfns import core as _core
from lossfns.losses.likelihood import gaussian_nll_loss, poisson_nll_loss

from conftest import FD_TOL, assert_close, numeric_grad, t64


@pytest.mark.parametrize("L", [gaussian_nll_loss, poisson_nll_loss])
def test_metadata(L):
    assert _core._REGISTRY[L.name] is L and getattr(lossfns, L.name) is L
    assert L.name in lossfns.__all__
    assert L.task == "regression" and L.zh and L.zh_hant and L.summary and L.summary_zh
    assert L.torch.startswith("F.") and L.references
    for part in ("Domain", "Formula", "Gradient", "Equals", "References"):
        assert part in L.__doc__


# --------------------------------------------------------------------------------------------
# Gaussian NLL
# --------------------------------------------------------------------------------------------
def torch_gaussian(y, mean, var, reduction, **kw):
    m, v = t64(mean, True), t64(var, True)
    out = F.gaussian_nll_loss(m, t64(y), v, reduction=reduction, **kw)
    out.sum().backward()
    return out.detach().numpy(), m.grad.numpy(), v.grad.numpy()


#: (shape of mean, shape of var): torch's accepted forms of var
VAR_SHAPES = [((5, 3), (5, 3)), ((5, 3), (5,)), ((5, 3), (5, 1)), ((4, 2, 3), (1, 2, 3)),
              ((6,), ()), ((6,), (6,)), ((2, 3, 4), (2, 1, 4))]


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("shapes", VAR_SHAPES, ids=str)
def test_gaussian_matches_torch(rng, reduction, shapes, full):
    mshape, vshape = shapes
    y, mean = rng.normal(size=mshape), rng.normal(size=mshape)
    var = rng.uniform(0.05, 3.0, size=vshape)
    value, (g_mean, g_var) = gaussian_nll_loss.value_and_grad(y, mean, var, full=full,
                                                              reduction=reduction)
    ref, ref_mean, ref_var = torch_gaussian(y, mean, var, reduction, full=full)
    assert_close(value, ref)
    assert_close(g_mean, ref_mean)
    assert_close(g_var, ref_var)
    assert_close(gaussian_nll_loss(y, mean, var, full=full, reduction=reduction), value)


def test_gaussian_clamps_var_at_eps_like_torch(rng):
    y, mean = rng.normal(size=6), rng.normal(size=6)
    var = np.array([0.0, 1e-9, 1e-3, 0.5, 2.0, 0.0])
    for eps in (1e-6, 1e-2):
        value, (g_mean, g_var) = gaussian_nll_loss.value_and_grad(y, mean, var, eps=eps)
        ref, ref_mean, ref_var = torch_gaussian(y, mean, var, "mean", eps=eps)
        assert_close(value, ref)
        assert_close(g_mean, ref_mean)
        assert_close(g_var, ref_var)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_gaussian_finite_differences(rng, reduction):
    y, mean = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    for var in (rng.uniform(0.3, 2.0, size=(4, 3)), rng.uniform(0.3, 2.0, size=(4,))):
        g_mean, g_var = gaussian_nll_loss.grad(y, mean, var, reduction=reduction)
        assert g_mean.shape == mean.shape and g_var.shape == var.shape
        fd_mean = numeric_grad(lambda m: gaussian_nll_loss(y, m, var, reduction=reduction), mean)
        fd_var = numeric_grad(lambda v: gaussian_nll_loss(y, mean, v, reduction=reduction), var)
        np.testing.assert_allclose(g_mean, fd_mean, rtol=FD_TOL, atol=FD_TOL)
        np.testing.assert_allclose(g_var, fd_var, rtol=FD_TOL, atol=FD_TOL)


def test_gaussian_with_unit_variance_is_half_mse_plus_a_constant(rng):
    y, mean = rng.normal(size=50), rng.normal(size=50)
    assert gaussian_nll_loss(y, mean, np.ones(50)) == pytest.approx(0.5 * lossfns.mse(y, mean))
    assert gaussian_nll_loss(y, mean, np.ones(50), full=True) == pytest.approx(
        0.5 * lossfns.mse(y, mean) + 0.5 * np.log(2 * np.pi))
    # the best variance of one item is its squared error: the var-gradient vanishes there
    r2 = (mean - y) ** 2 + 0.1
    y2 = mean + np.sqrt(r2)
    assert_close(gaussian_nll_loss.grad(y2, mean, r2, reduction="none")[1], np.zeros(50))


def test_gaussian_huge_error_does_not_overflow_before_dividing():
    # r² = 1e320 overflows float64, r²/σ² = 1e300 does not
    value = gaussian_nll_loss([0.0], [1e160], [1e20], reduction="sum")
    assert value == pytest.approx(0.5 * (np.log(1e20) + 1e300), rel=1e-12)


@pytest.mark.parametrize("kwargs, match", [
    ({"var": [1.0, -0.5, 1.0]}, r"var must hold variances >= 0; got -0.5 at position 1"),
    ({"var": [1.0, 1.0]}, r"var must have the shape of mean \(3,\).*got shape \(2,\)"),
    ({"var": [1.0, np.nan, 1.0]}, r"var must be finite.*position 1"),
    ({"mean": [1.0, 2.0]}, r"y_true and mean must have the same shape"),
    ({"eps": 0.0}, r"eps must be > 0; got 0.0"),
    ({"eps": -1e-6}, r"eps must be > 0"),
    ({"full": "yes"}, r"full must be True or False; got 'yes'"),
    ({"full": 1}, r"full must be True or False; got 1"),
])
def test_gaussian_bad_input(kwargs, match):
    args = {"y_true": [0.0, 1.0, 2.0], "mean": [0.5, 1.0, 1.5], "var": [1.0, 2.0, 0.5]}
    hyper = {k: kwargs.pop(k) for k in ("eps", "full") if k in kwargs}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        gaussian_nll_loss(args["y_true"], args["mean"], args["var"], **hyper)


def test_gaussian_var_shape_rules_refuse_two_shared_axes():
    with pytest.raises(ValueError, match="var must have the shape of mean"):
        gaussian_nll_loss(np.zeros((2, 3, 4)), np.zeros((2, 3, 4)), np.ones((2, 1, 1)))
    with pytest.raises(ValueError):  # torch refuses it too
        F.gaussian_nll_loss(torch.zeros(2, 3, 4), torch.zeros(2, 3, 4), torch.ones(2, 1, 1))


# --------------------------------------------------------------------------------------------
# Poisson NLL
# --------------------------------------------------------------------------------------------
def torch_poisson(y, pred, reduction, **kw):
    p = t64(pred, True)
    out = F.poisson_nll_loss(p, t64(y), reduction=reduction, **kw)
    out.sum().backward()
    return out.detach().numpy(), p.grad.numpy()


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("log_input", [True, False])
def test_poisson_matches_torch(rng, reduction, log_input, full):
    # counts 0, 1 (where full adds nothing) and larger; fractional targets as torch allows
    y = np.concatenate([rng.poisson(3.0, size=(20,)), [0.0, 1.0, 0.5, 1.5, 7.25]])
    pred = rng.normal(size=y.shape) if log_input else rng.uniform(0.0, 6.0, size=y.shape)
    if not log_input:
        pred[:3] = 0.0  # a rate of 0: eps keeps log finite
    for eps in (1e-8, 0.5):
        value, grad = poisson_nll_loss.value_and_grad(y, pred, log_input=log_input, full=full,
                                                      eps=eps, reduction=reduction)
        ref, ref_grad = torch_poisson(y, pred, reduction, log_input=log_input, full=full, eps=eps)
        assert_close(value, ref)
        assert_close(grad, ref_grad)


def test_poisson_two_dimensional_matches_torch(rng, reduction):
    y = rng.poisson(2.0, size=(3, 4)).astype(float)
    pred = rng.normal(size=(3, 4))
    value, grad = poisson_nll_loss.value_and_grad(y, pred, full=True, reduction=reduction)
    ref, ref_grad = torch_poisson(y, pred, reduction, full=True)
    assert_close(value, ref)
    assert_close(grad, ref_grad)


@pytest.mark.parametrize("log_input", [True, False])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_poisson_finite_differences(rng, log_input, reduction):
    y = rng.poisson(2.0, size=8).astype(float)
    pred = rng.normal(size=8) if log_input else rng.uniform(0.5, 4.0, size=8)
    got = poisson_nll_loss.grad(y, pred, log_input=log_input, full=True, reduction=reduction)
    fd = numeric_grad(lambda p: np.sum(poisson_nll_loss(y, p, log_input=log_input, full=True,
                                                        reduction=reduction)), pred)
    np.testing.assert_allclose(got, fd, rtol=FD_TOL, atol=FD_TOL)


def test_poisson_gradient_is_rate_minus_count_and_full_adds_log_factorial(rng):
    y = np.array([0.0, 1.0, 2.0, 5.0, 30.0])
    s = rng.normal(size=5)
    assert_close(poisson_nll_loss.grad(y, s, reduction="none"), np.exp(s) - y)
    # full=True adds Stirling's log(y!) for y > 1, short of the exact log-factorial by less
    # than the series' next term 1/(12y) (Robbins 1955: the gap lies in (1/(12y+1), 1/(12y)))
    from math import lgamma
    extra = (poisson_nll_loss(y, s, full=True, reduction="none")
             - poisson_nll_loss(y, s, reduction="none"))
    assert_close(extra[:2], [0.0, 0.0])
    gap = np.array([lgamma(k + 1) for k in y[2:]]) - extra[2:]
    assert np.all(gap > 1 / (12 * y[2:] + 1) - 1e-12) and np.all(gap < 1 / (12 * y[2:]))
    # the minimum over the rate is at λ = y: the MLE of a constant Poisson model is the mean
    assert poisson_nll_loss([3.0], [np.log(3.0)]) < poisson_nll_loss([3.0], [np.log(2.9)])


@pytest.mark.parametrize("y, pred, hyper, match", [
    ([1.0, -1.0], [0.0, 0.0], {}, r"y_true must hold counts >= 0; got -1 at position 1"),
    ([1.0, 2.0], [0.5, -0.1], {"log_input": False},
     r"y_pred must hold rates \(log_input=False\) >= 0; got -0.1 at position 1"),
    ([1.0, 2.0], [0.5], {}, r"y_true and y_pred must have the same shape"),
    ([1.0, 2.0], [0.5, np.inf], {}, r"y_pred must be finite"),
    ([1.0, 2.0], [0.5, 0.1], {"log_input": "no"}, r"log_input must be True or False; got 'no'"),
    ([1.0, 2.0], [0.5, 0.1], {"full": None}, r"full must be True or False; got None"),
    ([1.0, 2.0], [0.5, 0.1], {"eps": 0}, r"eps must be > 0; got 0"),
    ([1.0, 2.0], [0.5, 0.1], {"reduction": "avg"}, r"reduction must be one of"),
])
def test_poisson_bad_input(y, pred, hyper, match):
    with pytest.raises(ValueError, match=match):
        poisson_nll_loss(y, pred, **hyper)
