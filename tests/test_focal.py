"""lossfns.losses.classification.focal_loss: the BCE special case, extremes and bad input
(parity with torchvision's formula: tests/test_losses.py, from tests/loss_specs.py)."""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from lossfns import core as _core
from lossfns.activations import softplus
from lossfns.losses.classification import binary_cross_entropy_with_logits, focal_loss

from conftest import assert_close, t64

FL = focal_loss
GAMMAS = (0.0, 0.5, 1.0, 2.0, 5.0)
ALPHAS = (None, 0.0, 0.25, 0.5, 0.9, 1.0)


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    """torchvision.ops.sigmoid_focal_loss, line for line (torchvision is not installed here).

    torchvision switches the α term off with alpha < 0 (its default elsewhere is -1).
    """
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss


def reference(y, z, gamma, alpha, reduction):
    zt = t64(z, requires_grad=True)
    out = sigmoid_focal_loss(zt, t64(y), alpha=-1 if alpha is None else alpha, gamma=gamma,
                             reduction=reduction)
    out.sum().backward()
    return out.detach().numpy(), zt.grad.numpy()


def test_metadata():
    assert FL.name == "focal_loss" and FL.task == "binary"
    assert re.search(r"[\u4e00-\u9fff]", FL.zh) and FL.zh_hant
    assert "|" not in FL.formula and r"\gamma" in FL.formula
    assert FL.hyper == {"gamma": 2.0, "alpha": 0.25}
    assert "sigmoid_focal_loss" in FL.torch
    assert any("Lin et al. 2017" in r for r in FL.references)
    for part in ("Domain", "Formula", "Gradient", "Equals", "References"):
        assert part in FL.__doc__
    assert _core._REGISTRY["focal_loss"] is FL


# --------------------------------------------------------------------------------------------
# Parity with torchvision's formula (in torch, float64) and with BCE
# --------------------------------------------------------------------------------------------
def test_gamma_zero_without_alpha_is_bce_with_logits(reduction, rng):
    z = rng.normal(0.0, 5.0, size=20)
    y = rng.uniform(0.0, 1.0, size=20)
    value, grad = FL.value_and_grad(y, z, gamma=0.0, alpha=None, reduction=reduction)
    bce_value, bce_grad = binary_cross_entropy_with_logits.value_and_grad(y, z, reduction=reduction)
    assert_close(value, bce_value, 1e-15)
    assert_close(grad, bce_grad, 1e-15)
    torch_value = F.binary_cross_entropy_with_logits(t64(z), t64(y), reduction=reduction)
    assert_close(value, torch_value.numpy())


# --------------------------------------------------------------------------------------------
# Extreme logits: exact values, finite gradients
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("gamma", (0.0, 0.5, 2.0, 5.0))
def test_logits_1e4_are_exact(gamma):
    z = np.array([1e4, -1e4, 1e4, -1e4])
    y = np.array([1.0, 1.0, 0.0, 0.0])
    value, grad = FL.value_and_grad(y, z, gamma=gamma, alpha=0.25, reduction="none")
    # confidently right: 0 and no gradient; confidently wrong: α_t·|z| and slope ∓α_t
    np.testing.assert_array_equal(value, [0.0, 0.25e4, 0.75e4, 0.0])
    np.testing.assert_array_equal(grad, [0.0, -0.25, 0.75, 0.0])
    if gamma >= 1:  # torchvision's formula agrees there; for γ < 1 its (1 − p_t)^γ slope is nan
        ref_value, ref_grad = reference(y, z, gamma, 0.25, "none")
        assert_close(value, ref_value, 0)
        assert_close(grad, ref_grad, 0)


def test_large_logits_keep_their_tiny_loss():
    """1 − p_t is computed as σ(−z), not 1 − σ(z): at z = 40 the naive 1 − p_t rounds to 0."""
    z, y = np.array([40.0, -40.0]), np.array([1.0, 0.0])
    value, grad = FL.value_and_grad(y, z, gamma=2.0, alpha=None, reduction="none")
    # σ(−40) = e^-40 and CE = log1p(e^-40) = e^-40 to 1e-17 relative: loss ≈ e^-120
    e = np.exp(-40.0)
    np.testing.assert_allclose(value, [e**3, e**3], rtol=1e-12)
    # dL/dz = ∓[e^-40·e^-80 + 2·e^-40·e^-40·e^-40] = ∓3e^-120 to first order
    np.testing.assert_allclose(grad, [-3 * e**3, 3 * e**3], rtol=1e-12)
    naive, _ = reference(y, z, 2.0, None, "none")
    assert (naive == 0).all() and (value > 0).all()


@settings(max_examples=40, deadline=None)
@given(st.floats(-1e4, 1e4), st.sampled_from([0.0, 1.0, 0.3]), st.sampled_from(GAMMAS),
       st.sampled_from(ALPHAS))
def test_always_finite_and_nonnegative(z, y, gamma, alpha):
    value, grad = FL.value_and_grad([y], [z], gamma=gamma, alpha=alpha, reduction="none")
    assert np.isfinite(value).all() and np.isfinite(grad).all()
    assert value[0] >= 0
    # the focal term only ever shrinks BCE (weighted by α_t)
    a_t = 1.0 if alpha is None else alpha * y + (1 - alpha) * (1 - y)
    # (BCE written as a sum of softplus terms: (1 − y)z + softplus(−z) loses digits at z ≪ 0)
    bce = (1 - y) * softplus(z) + y * softplus(-z)
    assert value[0] <= a_t * bce * (1 + 1e-12)


def test_easy_examples_are_down_weighted():
    """Seed erratum 11: focal loss down-weights easy (well-classified) examples by (1 − p_t)^γ."""
    z = np.array([4.0, -1.0])  # y = 1: an easy example (p_t ≈ 0.98) and a hard one (p_t ≈ 0.27)
    y = np.ones(2)
    bce = binary_cross_entropy_with_logits(y, z, reduction="none")
    ratio = FL(y, z, gamma=2.0, alpha=None, reduction="none") / bce
    p_t = 1 / (1 + np.exp(-z))
    assert_close(ratio, (1 - p_t) ** 2, 1e-12)
    assert ratio[0] < 1e-3 < 0.5 < ratio[1]


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, pattern", [
    ({"gamma": -0.5}, r"^gamma must be >= 0; got -0\.5"),
    ({"gamma": np.nan}, r"^gamma must be finite"),
    ({"gamma": "two"}, r"^gamma must be a number"),
    ({"alpha": 1.5}, r"^alpha must be in \[0, 1\]; got 1.5"),
    ({"alpha": -0.25}, r"^alpha must be in \[0, 1\]; got -0.25"),
    ({"alpha": -1}, r"^alpha must be in \[0, 1\]; got -1"),  # torchvision's "off": we use None
    ({"reduction": "batchmean"}, r"^reduction must be one of"),
])
def test_bad_hyper_parameters(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        FL([1.0, 0.0], [0.3, -0.2], **kwargs)


@pytest.mark.parametrize("y, z, pattern", [
    ([1.0, 2.0], [0.3, -0.2], r"^y_true must hold probabilities in \[0, 1\]; got 2 at position 1"),
    ([-1.0, 1.0], [0.3, -0.2], r"^y_true must hold probabilities.*got -1 at position 0"),
    ([1.0, 0.0], [0.3, -0.2, 0.1], r"^y_true and logits must have the same shape"),
    ([1.0, 0.0], [0.3, np.nan], r"^logits must be finite"),
    ([1.0, 0.0], [0.3, np.inf], r"^logits must be finite"),
])
def test_bad_input_raises_naming_the_argument(y, z, pattern):
    for call in (FL, FL.grad):
        with pytest.raises(ValueError, match=pattern):
            call(y, z)
