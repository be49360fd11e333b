"""The faster code paths behind "mean" and "sum" (see benchmarks/ and appendix/performance.md).

The `Loss.sum_kernel` fast paths (mse, mae, huber, binary cross-entropy with logits) work in
cache-sized blocks (`_core.sum_blocks`): they must agree with the kernel, the definition, on
inputs of several blocks, of any layout, and on scalars. The one-read finite check uses a dot product on contiguous input and a sum on the
rest; binary cross-entropy with logits computes log1p(e^(−|z|)) from np.log.
"""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

import lossfns
from lossfns import core as _core
from lossfns.core import as_float_array

FAST = [("mse", {}), ("mae", {}), ("huber", {}), ("huber", {"delta": 0.3}), ("huber", {"delta": 30.0})]


def layouts(rng):
    """(name, y_true, y_pred): several blocks with a ragged end, in C, Fortran and strided layout."""
    n = 3 * _core.BLOCK + 17
    y, p = rng.normal(size=n), rng.normal(size=n) * 2
    p[:5] = y[:5]  # exact zeros of the residual: the kink of mae, sign(0) = 0
    yield "1-D", y, p
    yield "C 2-D", y[:-17].reshape(-1, 64), p[:-17].reshape(-1, 64)
    yield "Fortran", np.asfortranarray(y[:-17].reshape(-1, 64)), np.asfortranarray(p[:-17].reshape(-1, 64))
    yield "strided", y[::2], p[::2]
    yield "transposed", y[:-17].reshape(64, -1).T, p[:-17].reshape(-1, 64)


@pytest.mark.parametrize("name,hyper", FAST)
def test_sum_kernel_agrees_with_the_kernel(name, hyper, rng):
    L = getattr(lossfns, name)
    assert L.summed is not None
    for layout, y, p in layouts(rng):
        items, g_items = L.value_and_grad(y, p, reduction="none", **hyper)
        total, g_total = L.value_and_grad(y, p, reduction="sum", **hyper)
        mean, g_mean = L.value_and_grad(y, p, reduction="mean", **hyper)
        assert total == pytest.approx(math.fsum(np.ravel(items)), rel=1e-12), layout
        assert mean == pytest.approx(total / y.size, rel=1e-15), layout
        assert g_total.shape == p.shape
        np.testing.assert_array_equal(g_total, g_items, err_msg=layout)  # the same gradient, exactly
        np.testing.assert_allclose(g_mean, g_items / y.size, rtol=1e-15, atol=0, err_msg=layout)


@pytest.mark.parametrize("soft", [False, True])
def test_bce_with_logits_sum_kernel_agrees_with_the_kernel(soft, rng):
    L = lossfns.binary_cross_entropy_with_logits
    for layout, _, z in layouts(rng):
        z = z * 10
        y = rng.uniform(0, 1, size=z.shape) if soft else (rng.random(z.shape) < 0.5).astype(float)
        items, g_items = L.value_and_grad(y, z, reduction="none")
        total, g_total = L.value_and_grad(y, z, reduction="sum")
        assert total == pytest.approx(math.fsum(np.ravel(items)), rel=1e-12), layout
        np.testing.assert_array_equal(g_total, g_items, err_msg=layout)
        w = rng.uniform(0.5, 2.0, size=z.shape[-1:])  # weighted: the kernel's values, summed
        items, g_items = L.value_and_grad(y, z, reduction="none", pos_weight=w)
        mean, g_mean = L.value_and_grad(y, z, reduction="mean", pos_weight=w)
        assert mean == pytest.approx(math.fsum(np.ravel(items)) / z.size, rel=1e-12), layout
        np.testing.assert_allclose(g_mean, g_items / z.size, rtol=1e-15, atol=0, err_msg=layout)


@pytest.mark.parametrize("name,hyper", FAST)
def test_sum_kernel_leaves_the_inputs_alone(name, hyper, rng):
    L = getattr(lossfns, name)
    y, p = rng.normal(size=_core.BLOCK + 3), rng.normal(size=_core.BLOCK + 3)
    y0, p0 = y.copy(), p.copy()
    for reduction in ("mean", "sum", "none"):
        _, g = L.value_and_grad(y, p, reduction=reduction, **hyper)
        assert not np.shares_memory(g, p) and not np.shares_memory(g, y)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(p, p0)


@pytest.mark.parametrize("name", ["mse", "mae", "huber", "binary_cross_entropy_with_logits"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_scalar_input_works_like_an_array_of_one(name, reduction):
    L = getattr(lossfns, name)
    value, grad = L.value_and_grad(1.0, -0.75, reduction=reduction)
    value1, grad1 = L.value_and_grad([1.0], [-0.75], reduction=reduction)
    assert np.shape(grad) == () and np.shape(value) == ()
    assert float(value) == float(np.ravel(value1)[0]) and float(grad) == float(grad1[0])


@pytest.mark.parametrize("name,hyper", FAST)
def test_sum_kernel_checks_its_inputs_like_the_kernel(name, hyper):
    L = getattr(lossfns, name)
    y = np.zeros(_core.BLOCK + 3)
    bad = y.copy()
    bad[_core.BLOCK + 1] = np.nan
    for reduction in ("mean", "sum", "none"):
        with pytest.raises(ValueError, match=rf"^y_pred must be finite .* at position {_core.BLOCK + 1}$"):
            L(y, bad, reduction=reduction, **hyper)
        with pytest.raises(ValueError, match=r"^y_true and y_pred must have the same shape"):
            L(y, y[:-1], reduction=reduction, **hyper)
    if name == "huber":
        with pytest.raises(ValueError, match=r"^delta must be > 0"):
            L(y, y, reduction="mean", delta=0.0)


@pytest.mark.parametrize("layout", ["C", "F", "strided"])
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_finite_check_in_every_layout(layout, value):
    """Contiguous arrays take the dot-product check, others np.sum: both find every bad entry."""
    def make(full):
        return {"C": full, "F": np.asfortranarray(full), "strided": full[:, ::2]}[layout]

    good = make(np.arange(24.0).reshape(4, 6))
    assert as_float_array(good, "x") is good
    full = np.arange(24.0).reshape(4, 6)
    full[2, 4] = value
    where = "(2, 2)" if layout == "strided" else "(2, 4)"
    with pytest.raises(ValueError, match=rf"^x must be finite \(no NaN or inf\); got .* at position {re.escape(where)}$"):
        as_float_array(make(full), "x")


def test_finite_check_accepts_huge_finite_values():
    """x·x overflows for |x| > ~1e154: the exact element-wise check then accepts the input."""
    x = np.array([1e300, -1e300, 3.0])
    assert as_float_array(x, "x") is x
    assert lossfns.mae([0.0, 0.0, 0.0], x) == pytest.approx(2e300 / 3)


def test_bce_with_logits_log1p_from_log_is_accurate():
    """softplus(−|z|) = log1p(e^(−|z|)) from np.log and a correction: within 2 ulp of np.log1p."""
    z = np.concatenate([np.linspace(-50, 50, 20001), [-745.0, -700.0, -36.7, 36.7, 700.0],
                        np.geomspace(1e-300, 1e-3, 200), -np.geomspace(1e-300, 1e-3, 200)])
    y = np.zeros_like(z)
    value = lossfns.binary_cross_entropy_with_logits(y, z, reduction="none")
    expected = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))  # softplus(z), the loss at y = 0
    np.testing.assert_allclose(value, expected, rtol=4.5e-16, atol=0)
    # the tiny losses of confident right answers keep their digits on both sides
    tiny = lossfns.binary_cross_entropy_with_logits([0.0, 1.0], [-40.0, 40.0], reduction="none")
    np.testing.assert_allclose(tiny, [math.exp(-40.0)] * 2, rtol=1e-15)
