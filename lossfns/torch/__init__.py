"""PyTorch versions of the losses that torch itself lacks: focal, Dice and contrastive.

Import it explicitly, ``import lossfns.torch as LT`` (``lossfns`` alone does not import torch).
Each function has the name, argument order, hyper-parameters, domain and input checks of its
NumPy twin in ``lossfns`` and the same ``reduction`` ("mean", "sum", "none"); it takes and
returns torch tensors, and its gradient comes from autograd. ``tests/test_torch_versions.py``
checks that values and autograd gradients equal the NumPy ``Loss`` and its ``.grad``.

(This module is called ``torch`` inside the package; ``import torch`` below still imports
PyTorch, because imports are absolute in Python 3: only ``from . import torch`` would mean us.)
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .. import core as _core
from ..core import REDUCTIONS, check_choice
from ..losses import classification as _classification
from ..losses import metric as _metric
from ..losses import segmentation as _segmentation


def _hyper(L: _core.Loss, **values):
    """Hyper-parameters checked against the domain of the NumPy loss `L` (same messages)."""
    return [L.domain[name].check(value, name) for name, value in values.items()]


__all__ = ["focal_loss", "dice_loss", "contrastive_loss"]


def _prediction(x, name: str) -> torch.Tensor:
    """A floating-point tensor, finite and non-empty (checked like the NumPy version)."""
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise ValueError(f"{name} must be a floating-point torch.Tensor; got {type(x).__name__}"
                         + (f" of dtype {x.dtype}" if isinstance(x, torch.Tensor) else ""))
    _core.as_float_array(x.detach().cpu().numpy(), name)
    return x


def _target(y, like: torch.Tensor, name: str = "y_true") -> tuple[torch.Tensor, np.ndarray]:
    """Labels as a tensor of `like`'s dtype and device, and as a NumPy copy for the checks."""
    t = torch.as_tensor(y, dtype=like.dtype, device=like.device).detach()
    return t, _core.as_float_array(t.cpu().numpy(), name)


def _same_shape(a, b, name_a: str, name_b: str) -> None:
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(f"{name_a} and {name_b} must have the same shape; "
                         f"got {tuple(a.shape)} and {tuple(b.shape)}")


def _reduce(values: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "none":
        return values
    return values.sum() if reduction == "sum" else values.mean()


def focal_loss(y_true, logits, *, gamma=2.0, alpha=0.25, reduction="mean"):
    """Binary focal loss on logits, in torch; see ``lossfns.focal_loss`` for the maths.

    L = α_t (1 − p_t)^γ · BCE-with-logits. (1 − p_t)^γ is computed as exp(γ log(1 − p_t)) with
    log(1 − p_t) = logaddexp(log y + log σ(−z), log(1 − y) + log σ(z)): autograd then stays
    finite at logits ±1e4 for every γ ≥ 0, also 0 < γ < 1 (where (1 − p_t)^γ has an infinite
    slope at 0).
    """
    check_choice(reduction, "reduction", REDUCTIONS)
    g, a = _hyper(_classification.focal_loss, gamma=gamma, alpha=alpha)
    z = _prediction(logits, "logits")
    t, t_np = _target(y_true, z)
    _same_shape(t, z, "y_true", "logits")
    _core.check_probabilities(t_np, "y_true")
    # BCE with logits as a sum of non-negative terms (torch's own formula cancels e^-40 to 0)
    ce = (1.0 - t) * F.softplus(z) + t * F.softplus(-z)
    # log(1 − p_t) in log space; log 0 = −inf for a 0/1 label simply drops that term.
    log_u = torch.logaddexp(torch.log(t) + F.logsigmoid(-z), torch.log1p(-t) + F.logsigmoid(z))
    values = ce * torch.exp(g * log_u)
    if alpha is not None:
        values = (a * t + (1.0 - a) * (1.0 - t)) * values
    return _reduce(values, reduction)


def dice_loss(y_true, y_prob, *, smooth=1.0, reduction="mean"):
    """Soft Dice loss, in torch; see ``lossfns.dice_loss``: per sample (first axis; a 1-D
    tensor is one sample) 1 − (2Σyp + s)/(Σy + Σp + s)."""
    check_choice(reduction, "reduction", REDUCTIONS)
    (s,) = _hyper(_segmentation.dice_loss, smooth=smooth)
    p = _prediction(y_prob, "y_prob")
    t, t_np = _target(y_true, p)
    p_np = p.detach().cpu().numpy()
    _same_shape(t, p, "y_true", "y_prob")
    if p.ndim == 0:
        raise ValueError("y_true and y_prob must be masks, shape (pixels,) for one sample "
                         "or (N, ...) for N samples; got scalars")
    _core.check_probabilities(t_np, "y_true")
    _core.check_probabilities(p_np, "y_prob")
    t2 = t.reshape(1, -1) if t.ndim == 1 else t.reshape(t.shape[0], -1)
    p2 = p.reshape(1, -1) if p.ndim == 1 else p.reshape(p.shape[0], -1)
    inter = (t2 * p2).sum(dim=1)
    denom = t2.sum(dim=1) + p2.sum(dim=1) + s
    if bool((denom == 0).any()):
        i = int(torch.nonzero(denom == 0)[0, 0])
        raise ValueError(f"smooth must be > 0 when a mask and its prediction are both empty: "
                         f"sample {i} is 0/0 with smooth=0")
    values = 1.0 - (2.0 * inter + s) / denom
    return _reduce(values if p.ndim > 1 else values[0], reduction)


def contrastive_loss(y_true, x1, x2, *, margin=1.0, reduction="mean"):
    """Contrastive loss, in torch; see ``lossfns.contrastive_loss``: y·d² + (1 − y)·max(0, m − d)²
    with d = ‖x1 − x2‖₂, y = 1 for similar pairs (no ½, unlike Hadsell et al.)."""
    check_choice(reduction, "reduction", REDUCTIONS)
    (m,) = _hyper(_metric.contrastive_loss, margin=margin)
    a, b = _prediction(x1, "x1"), _prediction(x2, "x2")
    if a.ndim not in (1, 2):
        raise ValueError(f"x1 must be embeddings of shape (N, D) or (D,); got shape "
                         f"{tuple(a.shape)}")
    _same_shape(a, b, "x1", "x2")
    y, y_np = _target(y_true, a)
    if tuple(y.shape) != tuple(a.shape[:-1]):
        raise ValueError(f"y_true must hold one label per pair, shape {tuple(a.shape[:-1])}; "
                         f"got shape {tuple(y.shape)}")
    _core.check_labels_in(np.atleast_1d(y_np), "y_true", (0.0, 1.0),
                          " (1 = similar pair, 0 = dissimilar)")
    diff = a - b
    # torch's norm has gradient 0 at a zero vector: the same subgradient as the NumPy version.
    d = torch.linalg.vector_norm(diff, dim=-1)
    values = y * (diff * diff).sum(dim=-1) + (1.0 - y) * torch.clamp(m - d, min=0.0) ** 2
    return _reduce(values, reduction)
