"""lossfns.activations against torch, including ±1e4 inputs where naive formulas overflow."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lossfns import log_sigmoid, log_softmax, sigmoid, softmax, softplus

from conftest import TOL, assert_close, t64

ELEMENTWISE = {
    "sigmoid": (sigmoid, torch.sigmoid),
    "log_sigmoid": (log_sigmoid, F.logsigmoid),
    # torch's softplus returns z itself beyond threshold=20 (off by log1p(e^-z) < 2.1e-9);
    # beyond 50 that is exact in float64 (log1p(e^-50) = 2e-22 < half an ulp of 50)
    "softplus": (softplus, lambda z: F.softplus(z, threshold=50)),
}

EXTREMES = np.array([-1e4, -1000.0, -745.0, -710.0, -40.0, -1.0, -1e-300, 0.0, 1e-300, 1.0, 40.0,
                     710.0, 745.0, 1000.0, 1e4])


def no_warnings(f, *args, **kw):
    """f(*args) with every numpy floating-point warning except underflow turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            return f(*args, **kw)


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("shape", [(20,), (4, 5), (2, 3, 4)])
def test_elementwise_matches_torch(name, shape, rng):
    ours, theirs = ELEMENTWISE[name]
    z = rng.normal(0, 5, size=shape)
    out = ours(z)
    assert out.shape == shape and out.dtype == np.float64
    assert_close(out, theirs(t64(z)).numpy())


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_extremes_are_finite_and_match_torch(name):
    ours, theirs = ELEMENTWISE[name]
    out = no_warnings(ours, EXTREMES)
    assert np.isfinite(out).all()
    assert_close(out, theirs(t64(EXTREMES)).numpy())


def test_torch_default_softplus_agrees_to_tolerance():
    z = np.linspace(-50, 50, 101)
    assert_close(softplus(z), F.softplus(t64(z)).numpy())


def test_exact_values_at_plus_minus_1e4():
    z = np.array([-1e4, 1e4])
    # σ(1e4) = 1 and σ(−1e4) = e^−1e4, which is 0 in float64
    assert_close(sigmoid(z), [0.0, 1.0], 0)
    # log σ(−1e4) = −1e4 − log1p(e^−1e4) = −1e4; log σ(1e4) = −log1p(e^−1e4) = 0
    assert_close(log_sigmoid(z), [-1e4, 0.0], 0)
    # softplus(1e4) = 1e4 + log1p(e^−1e4) = 1e4; softplus(−1e4) = e^−1e4 = 0
    assert_close(softplus(z), [0.0, 1e4], 0)
    assert_close(softmax(z), [0.0, 1.0], 0)
    assert_close(log_softmax(z), [-2e4, 0.0], 0)
    assert_close(log_softmax([1e4, 1e4, -1e4]), [-math.log(2), -math.log(2), -2e4 - math.log(2)],
                 1e-15)
    for x in (z, [[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]]):
        assert_close(softmax(x), torch.softmax(t64(x), dim=-1).numpy(), 0)
        assert_close(log_softmax(x), torch.log_softmax(t64(x), dim=-1).numpy(), 0)


def test_small_values_keep_their_digits():
    # σ(−40) = e^−40/(1 + e^−40): no 1 − (…) cancellation
    assert sigmoid(-40.0) == pytest.approx(math.exp(-40) / (1 + math.exp(-40)), rel=1e-15)
    assert softplus(-40.0) == pytest.approx(math.log1p(math.exp(-40)), rel=1e-15)
    assert log_sigmoid(40.0) == pytest.approx(-math.log1p(math.exp(-40)), rel=1e-15)
    assert sigmoid(0.0) == 0.5 and softplus(0.0) == math.log(2)


def test_identities(rng):
    z = rng.normal(0, 10, size=50)
    assert_close(sigmoid(z) + sigmoid(-z), np.ones(50), 1e-15)
    assert_close(log_sigmoid(z), -softplus(-z), 0)
    assert_close(softplus(z) - softplus(-z), z, 1e-12)
    assert_close(np.exp(log_sigmoid(z)), sigmoid(z), 1e-13)


@pytest.mark.parametrize("shape,axis", [((6,), -1), ((6,), 0), ((4, 5), -1), ((4, 5), 0),
                                        ((4, 5), 1), ((2, 3, 4), 1), ((2, 3, 4), 0)])
def test_softmax_and_log_softmax_match_torch(shape, axis, rng):
    z = rng.normal(0, 5, size=shape)
    sm, lsm = softmax(z, axis=axis), log_softmax(z, axis=axis)
    assert sm.shape == lsm.shape == shape
    assert_close(sm, torch.softmax(t64(z), dim=axis).numpy())
    assert_close(lsm, torch.log_softmax(t64(z), dim=axis).numpy())
    assert_close(sm.sum(axis=axis), np.ones(np.delete(shape, axis % len(shape))), 1e-14)
    assert_close(np.log(sm), lsm, 1e-12)
    # shift invariance: adding a constant along the axis changes nothing
    assert_close(softmax(z + 123.0, axis=axis), sm, 1e-12)


@pytest.mark.parametrize("f,g", [(softmax, torch.softmax), (log_softmax, torch.log_softmax)])
def test_softmax_extremes_finite(f, g):
    z = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4, -1e4], [1000.0, 999.0, -1000.0],
                  [745.0, -745.0, 0.0]])
    out = no_warnings(f, z)
    assert np.isfinite(out).all()
    assert_close(out, g(t64(z), dim=-1).numpy(), TOL)


@pytest.mark.parametrize("f", [sigmoid, log_sigmoid, softplus, softmax, log_softmax])
def test_lists_float32_and_output_dtype(f):
    z = [0.5, -2.0, 3.0]
    out = f(z)
    assert out.dtype == np.float64
    assert_close(f(np.array(z, dtype=np.float32)), out, 0)
