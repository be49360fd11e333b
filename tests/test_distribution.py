"""lossfns.losses.distribution: KL divergence's edge cases, properties and bad input (torch
parity and finite differences: tests/test_losses.py)."""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from lossfns import core as _core
from lossfns.losses.distribution import kl_divergence

from conftest import assert_close, t64

KL = kl_divergence
TORCH_REDUCTION = {"mean": "batchmean", "sum": "sum", "none": "none"}


def random_distributions(rng, shape, floor=0.0):
    """Rows on the simplex (last axis); `floor` > 0 keeps every entry away from 0."""
    x = rng.uniform(floor, 1.0, size=shape)
    return x / x.sum(axis=-1, keepdims=True)


def torch_kl(p, q, reduction):
    """torch's KL: input is log q, target is p (reversed order, log space); items are rows."""
    qt = t64(q, requires_grad=True)
    out = F.kl_div(qt.log(), t64(p), reduction=TORCH_REDUCTION[reduction])
    if reduction == "none":
        out = out.sum(dim=-1)  # torch keeps one term per class; ours sums each row
    out.sum().backward()
    return out.detach().numpy(), qt.grad.numpy()


def test_metadata():
    assert KL.name == "kl_divergence" and KL.task == "distribution"
    assert KL.task in _core.TASKS_ORDER
    assert re.search(r"[\u4e00-\u9fff]", KL.zh) and KL.zh_hant
    assert "|" not in KL.formula and "$" not in KL.formula
    assert KL.torch.startswith("F.kl_div") and KL.hyper == {}
    assert any("Kullback" in r and "1951" in r for r in KL.references)
    for part in ("Domain", "Formula", "Gradient", "Equals", "References"):
        assert part in KL.__doc__
    assert _core._REGISTRY["kl_divergence"] is KL


# --------------------------------------------------------------------------------------------
# Parity with torch
# --------------------------------------------------------------------------------------------
def test_one_dimensional_input_is_one_distribution(reduction, rng):
    p, q = random_distributions(rng, (6,), 0.01), random_distributions(rng, (6,), 0.01)
    value, grad = KL.value_and_grad(p, q, reduction=reduction)
    assert np.shape(value) == () and grad.shape == (6,)
    # torch's "sum" of a single distribution is KL itself; mean over one row is the same
    ref = F.kl_div(t64(q).log(), t64(p), reduction="sum").item()
    assert_close(value, ref)
    assert_close(grad, -p / q)
    row_value, row_grad = KL.value_and_grad(p[None], q[None], reduction=reduction)
    assert_close(np.reshape(value, -1), np.reshape(row_value, -1), 0)
    assert_close(grad, row_grad[0], 0)


def test_higher_dimensional_input_has_distributions_on_the_last_axis(rng):
    p = random_distributions(rng, (2, 3, 4), 0.01)
    q = random_distributions(rng, (2, 3, 4), 0.01)
    items = KL(p, q, reduction="none")
    assert items.shape == (2, 3)
    assert_close(items, KL(p.reshape(6, 4), q.reshape(6, 4), reduction="none").reshape(2, 3), 0)
    assert_close(KL(p, q), items.mean(), 1e-15)  # "mean" averages all 6 distributions


def test_zero_probabilities_in_p_count_zero(rng):
    p = np.array([[0.0, 0.3, 0.7], [1.0, 0.0, 0.0]])
    q = random_distributions(rng, (2, 3), floor=0.05)
    value, grad = KL.value_and_grad(p, q, reduction="sum")
    ref_value, ref_grad = torch_kl(p, q, "sum")
    assert_close(value, ref_value)
    assert_close(grad, ref_grad)
    assert grad[0, 0] == 0.0 and grad[1, 1] == 0.0 and grad[1, 2] == 0.0
    # q = 0 where p = 0 too: 0·log(0/0) = 0 (torch returns nan here)
    value = KL([[0.0, 1.0]], [[0.0, 1.0]], reduction="none")
    assert value[0] == 0.0
    assert np.isnan(F.kl_div(t64([[0.0, 1.0]]).log(), t64([[0.0, 1.0]]), reduction="sum").item())


def test_q_zero_where_p_positive_is_infinite_not_an_error():
    p = np.array([[0.5, 0.5], [0.5, 0.5]])
    q = np.array([[1.0, 0.0], [0.5, 0.5]])
    value, grad = KL.value_and_grad(p, q, reduction="none")
    assert value[0] == np.inf and value[1] == 0.0
    assert grad[0, 1] == -np.inf and grad[0, 0] == -0.5
    assert_close(grad[1], [-1.0, -1.0], 0)
    assert KL(p, q) == np.inf and KL(p, q, reduction="sum") == np.inf
    assert F.kl_div(t64(q).log(), t64(p), reduction="batchmean").item() == np.inf  # torch agrees


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------
def test_kl_is_not_symmetric():
    """Seed erratum 1: KL is not a distance. KL(p‖q) ≠ KL(q‖p) on two small distributions."""
    p, q = [0.9, 0.1], [0.5, 0.5]
    forward, backward = KL(p, q), KL(q, p)
    assert_close(forward, 0.9 * np.log(1.8) + 0.1 * np.log(0.2), 1e-15)
    assert_close(backward, 0.5 * np.log(0.5 / 0.9) + 0.5 * np.log(0.5 / 0.1), 1e-15)
    assert abs(forward - backward) > 0.1


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 5), st.integers(2, 6))
def test_properties(seed, n, c):
    rng = np.random.default_rng(seed)
    p = random_distributions(rng, (n, c), floor=1e-3)
    q = random_distributions(rng, (n, c), floor=1e-3)
    items = KL(p, q, reduction="none")
    assert (items >= -1e-15).all()                   # Gibbs' inequality
    assert_close(KL(p, p, reduction="none"), np.zeros(n), 1e-15)  # zero at q = p
    assert_close(KL(p, q, reduction="sum"), n * KL(p, q), 1e-12)
    # the gradient at q = p is −1 on the support: flat along the simplex (Σ Δq = 0)
    assert_close(KL.grad(p, p, reduction="sum"), -np.ones((n, c)), 1e-12)


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------
GOOD = np.array([[0.2, 0.8], [0.5, 0.5]])


@pytest.mark.parametrize("p, q, pattern", [
    ([[0.2, 0.7], [0.5, 0.5]], GOOD,
     r"^p must sum to 1 along the last axis; row \(0,\) sums to 0\.9"),
    (GOOD, [[0.2, 0.8], [0.5, 0.6]], r"^q must sum to 1.*row \(1,\) sums to 1\.1"),
    ([0.3, 0.3], [0.5, 0.5], r"^p must sum to 1.*the distribution sums to 0\.6"),
    (GOOD, [[1.2, -0.2], [0.5, 0.5]], r"^q must hold probabilities in \[0, 1\]; got 1\.2"),
    ([[-0.1, 1.1], [0.5, 0.5]], GOOD, r"^p must hold probabilities in \[0, 1\]; got -0\.1"),
    (GOOD, [[0.2, 0.8]], r"^p and q must have the same shape"),
    (0.5, 0.5, r"^p must be a distribution.*got a scalar"),
    ([[np.nan, 1.0]], [[0.5, 0.5]], r"^p must be finite"),
    ([[0.5, 0.5]], [[0.5, np.inf]], r"^q must be finite"),
    ([], [], r"^p must not be empty"),
    ("abc", [0.5, 0.5], r"^p must be an array of numbers"),
])
def test_bad_input_raises_naming_the_argument(p, q, pattern):
    for call in (KL, KL.grad):
        with pytest.raises(ValueError, match=pattern):
            call(p, q)


def test_sum_tolerance_is_1e_minus_6():
    KL([0.5, 0.5 + 0.9e-6], [0.5, 0.5])  # within the tolerance: accepted
    with pytest.raises(ValueError, match="p must sum to 1"):
        KL([0.5, 0.5 + 1.1e-6], [0.5, 0.5])


def test_bad_reduction():
    with pytest.raises(ValueError, match=r"reduction must be one of 'mean', 'sum', 'none'"):
        KL(GOOD, GOOD, reduction="batchmean")
