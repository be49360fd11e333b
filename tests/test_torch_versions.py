"""lossfns.torch: the torch versions equal the NumPy losses (values, and autograd vs ``.grad``)."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

import lossfns.torch as LT
from lossfns.losses.classification import focal_loss
from lossfns.losses.metric import contrastive_loss
from lossfns.losses.segmentation import dice_loss

from conftest import assert_close, t64


def autograd(fn, *preds, **kwargs):
    """Value of `fn(*labels_and_preds)` and autograd gradients of its sum w.r.t. the tensors."""
    out = fn(*preds, **kwargs)
    tensors = [p for p in preds if isinstance(p, torch.Tensor) and p.requires_grad]
    out.sum().backward()
    return out.detach().numpy(), tuple(t.grad.numpy() for t in tensors)


def test_module_name_does_not_shadow_pytorch():
    """A module called torch.py inside the package: ``import torch`` in it is still PyTorch."""
    assert LT.torch is torch and LT.F is torch.nn.functional
    assert sys.modules["torch"] is torch and hasattr(torch, "autograd")
    assert LT.__name__ == "lossfns.torch"
    assert set(LT.__all__) == {"focal_loss", "dice_loss", "contrastive_loss"}


def test_plain_import_of_lossfns_does_not_import_lossfns_torch():
    code = "import sys, lossfns; print('lossfns.torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------------------------
# Focal
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("gamma, alpha", [(2.0, 0.25), (0.0, None), (0.5, 0.8), (3.0, None)])
def test_focal_equals_numpy(gamma, alpha, reduction, rng):
    z = np.concatenate([rng.normal(0, 4, size=10), [1e4, -1e4, 40.0, -40.0, 0.0]])
    y = np.concatenate([rng.integers(0, 2, size=10), [1.0, 0.0, 0.0, 0.0, 1.0]]).astype(float)
    y[:3] = rng.uniform(size=3)  # some soft targets
    value, grad = focal_loss.value_and_grad(y, z, gamma=gamma, alpha=alpha, reduction=reduction)
    zt = t64(z, True)
    t_value, (t_grad,) = autograd(lambda a, b: LT.focal_loss(a, b, gamma=gamma, alpha=alpha,
                                                             reduction=reduction), t64(y), zt)
    assert np.isfinite(t_value).all() and np.isfinite(t_grad).all()
    assert_close(t_value, value)
    assert_close(t_grad, grad)


@pytest.mark.parametrize("gamma", (0.0, 0.5, 2.0))
def test_focal_extreme_logits_exact_in_torch(gamma):
    z, y = t64([1e4, -1e4, 1e4, -1e4], True), t64([1.0, 1.0, 0.0, 0.0])
    value, (grad,) = autograd(lambda a, b: LT.focal_loss(a, b, gamma=gamma, reduction="none"), y, z)
    np.testing.assert_array_equal(value, [0.0, 2500.0, 7500.0, 0.0])
    np.testing.assert_array_equal(grad, [0.0, -0.25, 0.75, 0.0])


# --------------------------------------------------------------------------------------------
# Dice
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("smooth", (0.0, 1.0, 5.0))
@pytest.mark.parametrize("shape", [(3, 2, 4, 4), (5, 7), (9,)])
def test_dice_equals_numpy(smooth, shape, reduction, rng):
    y = (rng.uniform(size=shape) < 0.4).astype(float)
    y.reshape(shape[0] if len(shape) > 1 else 1, -1)[:, 0] = 1.0  # no empty sample (smooth = 0)
    p = rng.uniform(size=shape)
    value, grad = dice_loss.value_and_grad(y, p, smooth=smooth, reduction=reduction)
    t_value, (t_grad,) = autograd(lambda a, b: LT.dice_loss(a, b, smooth=smooth,
                                                            reduction=reduction),
                                  t64(y), t64(p, True))
    assert np.shape(t_value) == np.shape(value)
    assert_close(t_value, value)
    assert_close(t_grad, grad)


# --------------------------------------------------------------------------------------------
# Contrastive
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("margin", (0.5, 1.0, 3.0))
def test_contrastive_equals_numpy(margin, reduction, rng):
    x1 = rng.normal(size=(6, 3))
    x2 = x1 + rng.normal(scale=0.7, size=(6, 3))
    x2[0] = x1[0]  # identical embeddings: both give the subgradient 0
    x2[1] = x1[1]
    y = np.array([1.0, 0.0, 1.0, 0.0, 0.0, 1.0])
    value, grads = contrastive_loss.value_and_grad(y, x1, x2, margin=margin, reduction=reduction)
    t_value, t_grads = autograd(lambda a, b, c: LT.contrastive_loss(a, b, c, margin=margin,
                                                                    reduction=reduction),
                                t64(y), t64(x1, True), t64(x2, True))
    assert_close(t_value, value)
    for g, tg in zip(grads, t_grads):
        assert np.isfinite(tg).all()
        assert_close(tg, g)


def test_single_pair_and_single_mask_shapes():
    v = LT.contrastive_loss(torch.tensor(1.0, dtype=torch.float64),
                            t64([0.0, 3.0]), t64([4.0, 0.0]), reduction="none")
    assert v.shape == () and v.item() == 25.0
    d = LT.dice_loss(t64([1.0, 0.0]), t64([0.5, 0.5]), reduction="none")
    assert d.shape == () and abs(d.item() - 1 / 3) < 1e-15


def test_float32_works_and_keeps_dtype(rng):
    z = torch.tensor(rng.normal(size=8), dtype=torch.float32, requires_grad=True)
    y = torch.tensor(rng.integers(0, 2, size=8), dtype=torch.float32)
    out = LT.focal_loss(y, z)
    out.backward()
    assert out.dtype == torch.float32 and z.grad.dtype == torch.float32
    assert abs(out.item() - focal_loss(y.numpy(), z.detach().numpy())) < 1e-6


# --------------------------------------------------------------------------------------------
# Bad input: the same ValueError, naming the same argument, as the NumPy version
# --------------------------------------------------------------------------------------------
def _pair(numpy_loss, torch_loss, args_np, kwargs, pattern):
    args_t = [torch.as_tensor(np.asarray(a, dtype=np.float64)) for a in args_np]
    with pytest.raises(ValueError, match=pattern):
        numpy_loss(*args_np, **kwargs)
    with pytest.raises(ValueError, match=pattern):
        torch_loss(*args_t, **kwargs)


@pytest.mark.parametrize("args, kwargs, pattern", [
    (([1.0, 0.0], [0.2, 0.3]), {"gamma": -1.0}, r"^gamma must be >= 0"),
    (([1.0, 0.0], [0.2, 0.3]), {"alpha": 1.5}, r"^alpha must be in \[0, 1\]"),
    (([1.0, 0.0], [0.2, 0.3]), {"alpha": -0.5}, r"^alpha must be in \[0, 1\]; got -0.5"),
    (([1.0, 2.0], [0.2, 0.3]), {}, r"^y_true must hold probabilities in \[0, 1\]; got 2"),
    (([1.0, 0.0], [0.2, 0.3, 0.1]), {}, r"^y_true and logits must have the same shape"),
    (([1.0, 0.0], [0.2, np.nan]), {}, r"^logits must be finite"),
    (([1.0, 0.0], [0.2, 0.3]), {"reduction": "avg"}, r"^reduction must be one of"),
])
def test_focal_bad_input(args, kwargs, pattern):
    _pair(focal_loss, LT.focal_loss, args, kwargs, pattern)


@pytest.mark.parametrize("args, kwargs, pattern", [
    (([1.0, 0.0], [0.5, 1.5]), {}, r"^y_prob must hold probabilities in \[0, 1\]; got 1\.5"),
    (([1.0, -1.0], [0.5, 0.5]), {}, r"^y_true must hold probabilities"),
    (([1.0, 0.0], [0.5, 0.5, 0.5]), {}, r"^y_true and y_prob must have the same shape"),
    (([1.0, 0.0], [0.5, 0.5]), {"smooth": -1.0}, r"^smooth must be >= 0"),
    (([[0.0, 0.0]], [[0.0, 0.0]]), {"smooth": 0.0}, r"^smooth must be > 0 when.*sample 0"),
    ((1.0, 0.5), {}, r"must be masks"),
])
def test_dice_bad_input(args, kwargs, pattern):
    _pair(dice_loss, LT.dice_loss, args, kwargs, pattern)


@pytest.mark.parametrize("args, kwargs, pattern", [
    (([1.0, 2.0], [[0.0], [1.0]], [[1.0], [1.0]]), {}, r"^y_true must hold labels in \{0, 1\}"),
    (([1.0], [[0.0], [1.0]], [[1.0], [1.0]]), {}, r"^y_true must hold one label per pair"),
    (([1.0, 0.0], [[0.0], [1.0]], [[1.0]]), {}, r"^x1 and x2 must have the same shape"),
    (([1.0, 0.0], [[0.0], [1.0]], [[1.0], [1.0]]), {"margin": -1.0}, r"^margin must be > 0"),
    (([1.0, 0.0], [[0.0], [1.0]], [[1.0], [1.0]]), {"margin": 0.0}, r"^margin must be > 0"),
])
def test_contrastive_bad_input(args, kwargs, pattern):
    _pair(contrastive_loss, LT.contrastive_loss, args, kwargs, pattern)


def test_predictions_must_be_float_tensors():
    with pytest.raises(ValueError,
                       match=r"^logits must be a floating-point torch.Tensor; got list"):
        LT.focal_loss(torch.ones(2), [0.1, 0.2])
    with pytest.raises(ValueError, match=r"^y_prob must be a floating-point.*dtype torch.int64"):
        LT.dice_loss(torch.ones(2), torch.ones(2, dtype=torch.int64))
