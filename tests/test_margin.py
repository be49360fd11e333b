"""lossfns.course.margin: the 0-1 loss and its surrogates as functions of the margin m = y·f(x)."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import lossfns
from lossfns.course import margin

from conftest import assert_close, t64

FUNCTIONS = {"zero_one": margin.zero_one, "logistic": margin.logistic,
             "exponential": margin.exponential}
EXTREMES = np.array([-1e4, -745.0, -40.0, -1.0, -1e-300, 0.0, 1e-300, 1.0, 40.0, 745.0, 1e4])


def _quiet(f, *args):
    """f(*args) with every warning (numpy floating-point ones included) turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            return f(*args)


def test_known_values():
    m = np.array([-2.0, -0.5, 0.0, 0.5, 1.0, 3.0])
    assert_close(margin.zero_one(m), [1.0, 1.0, 1.0, 0.0, 0.0, 0.0])
    assert_close(margin.logistic(m), np.log1p(np.exp(-m)))
    assert_close(margin.exponential(m), np.exp(-m))
    assert margin.logistic(0.0) == pytest.approx(math.log(2.0), abs=1e-15)
    assert margin.exponential(0.0) == 1.0


def test_a_zero_score_is_an_error():
    """On the boundary the score names no class: the 0-1 loss counts it."""
    assert margin.zero_one(0.0) == 1.0 and margin.zero_one(-0.0) == 1.0
    assert margin.zero_one(1e-300) == 0.0


@pytest.mark.parametrize("name", FUNCTIONS)
def test_scalar_in_float_out_and_shapes_kept(name):
    f = FUNCTIONS[name]
    assert isinstance(f(0.5), float) and isinstance(f(np.float32(0.5)), float)
    for shape in [(1,), (7,), (3, 4), (2, 3, 2)]:
        out = f(np.linspace(-2, 2, int(np.prod(shape))).reshape(shape))
        assert isinstance(out, np.ndarray) and out.shape == shape and out.dtype == np.float64


def test_logistic_is_bce_with_logits_and_torch_softplus(rng):
    m = rng.normal(0, 5, size=50)
    expected_bce = lossfns.binary_cross_entropy_with_logits(np.ones_like(m), m, reduction="none")
    assert_close(margin.logistic(m), expected_bce)
    # labels y ∈ {0, 1} and score s: BCE-with-logits is the logistic loss of m = (2y − 1)·s
    y = rng.integers(0, 2, size=50).astype(float)
    assert_close(margin.logistic((2 * y - 1) * m),
                 lossfns.binary_cross_entropy_with_logits(y, m, reduction="none"))
    assert_close(margin.logistic(m), F.softplus(t64(-m), threshold=50).numpy())


def test_hinge_losses_are_functions_of_the_margin(rng):
    """hinge(y, s) = max(0, 1 − m): what the margin plot draws with lossfns.hinge(1, m)."""
    s = rng.normal(0, 2, size=40)
    y = rng.choice([-1.0, 1.0], size=40)
    m = y * s
    assert_close(lossfns.hinge(y, s, reduction="none"),
                 lossfns.hinge(np.ones_like(m), m, reduction="none"))
    assert_close(lossfns.squared_hinge(y, s, reduction="none"), np.maximum(0, 1 - m) ** 2)


def test_logistic_extremes_are_exact_and_quiet():
    out = _quiet(margin.logistic, EXTREMES)
    assert np.isfinite(out).all()
    assert out[0] == 1e4 and out[-1] == 0.0           # softplus(±1e4) in float64
    assert margin.logistic(40.0) == pytest.approx(math.exp(-40.0), rel=1e-12)  # no cancellation
    assert margin.logistic(-40.0) == pytest.approx(40.0, rel=1e-15)


def test_exponential_overflow_is_inf_without_a_warning():
    out = _quiet(margin.exponential, EXTREMES)
    assert np.isinf(out[:2]).all()                    # e^745 > 1.8e308, the float64 maximum
    assert out[-1] == 0.0 and margin.exponential(-709.0) == pytest.approx(math.exp(709.0))
    assert _quiet(margin.zero_one, EXTREMES).tolist() == [1.0] * 6 + [0.0] * 5


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("bad, match", [
    (np.nan, "m must be finite"), ([0.0, np.inf], "m must be finite"),
    ([], "m must not be empty"), ("one", "m must be an array of numbers"),
])
def test_bad_margins_raise_naming_m(name, bad, match):
    with pytest.raises(ValueError, match=match):
        FUNCTIONS[name](bad)


margins = st.floats(-700.0, 700.0, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(margins)
def test_surrogates_bound_the_zero_one_loss(m):
    """Hinge, squared hinge, exponential and logistic in bits lie on or above the 0-1 loss."""
    z = margin.zero_one(m)
    assert lossfns.hinge([1.0], [m], reduction="none")[0] >= z
    assert lossfns.squared_hinge([1.0], [m], reduction="none")[0] >= z
    assert margin.exponential(m) >= z
    assert margin.logistic(m) / math.log(2.0) >= z * (1 - 1e-15)


@settings(max_examples=200, deadline=None)
@given(margins, margins)
def test_surrogates_are_non_increasing_in_the_margin(a, b):
    lo, hi = min(a, b), max(a, b)
    for f in FUNCTIONS.values():
        assert f(lo) >= f(hi)


@settings(max_examples=200, deadline=None)
@given(margins)
def test_logistic_symmetry(m):
    """log(1 + e^(−m)) − log(1 + e^m) = −m: the two labels' losses differ by the score."""
    assert margin.logistic(m) - margin.logistic(-m) == pytest.approx(-m, abs=1e-12, rel=1e-12)
    assert margin.logistic(m) > 0 and margin.exponential(m) > 0
