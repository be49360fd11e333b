"""Shared helpers for the lossfns tests: finite differences, torch references, tolerances.

Every parity test runs in float64 (numpy and ``torch.float64``) and compares with `TOL`.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pytest

from lossfns import REDUCTIONS
from lossfns.gradcheck import numeric_grad as _lossfns_numeric_grad

#: tolerance of every parity test (torch, scikit-learn, exact references): float64 agrees to ~1e-15.
TOL = 1e-7
#: tolerance of a central finite difference with step 1e-6: truncation ~1e-12, rounding ~1e-10.
FD_TOL = 1e-6

try:  # torch is an optional dependency of lossfns, but the parity tests need it.
    import torch
    torch.set_num_threads(1)
except ImportError:  # pragma: no cover
    torch = None


def assert_close(actual, expected, tol: float = TOL):
    """Values (scalars or arrays) equal to `tol`, relative for large values, absolute near 0."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
    np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol)


# Central finite differences, (f(x + eps e_i) − f(x − eps e_i)) / (2 eps): error O(eps²) where f
# is smooth, so tests keep their points at least ~1e-3 away from kinks (|r| = δ, y·s = 1, …).
numeric_grad = _lossfns_numeric_grad


def check_numeric_grad(L, y_true, y_pred, reduction="mean", tol=FD_TOL, **hyper):
    """L.grad equals finite differences of L for `reduction` ("none": of the summed items)."""
    def f(p):
        v = L(y_true, p, reduction=reduction, **hyper)
        return np.sum(v)
    expected = numeric_grad(f, y_pred)
    got = L.grad(y_true, y_pred, reduction=reduction, **hyper)
    assert got.shape == np.shape(y_pred)
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


def t64(x, requires_grad: bool = False):
    """A float64 torch tensor (a copy) from a numpy array or list."""
    t = torch.tensor(np.asarray(x, dtype=np.float64), dtype=torch.float64)
    return t.requires_grad_(requires_grad)


def torch_value_and_grad(fn, y_pred, reduction: str):
    """Value of torch loss `fn(pred_tensor, reduction)` and its autograd gradient.

    With reduction "none" the gradient is that of the sum of the items, i.e. each item's own
    derivative (the items do not share a prediction).
    """
    p = t64(y_pred, requires_grad=True)
    out = fn(p, reduction)
    out.sum().backward()
    return out.detach().numpy(), p.grad.numpy()


def away_from(x, kinks, gap: float = 1e-2):
    """Shift entries of `x` that lie within `gap` of any point in `kinks` out by `gap`.

    Keeps finite differences and autograd comparisons off non-differentiable points.
    """
    x = np.array(x, dtype=np.float64)
    for k in kinks:
        near = np.abs(x - k) < gap
        x[near] = k + np.where(x[near] >= k, gap, -gap) * 2.0
    return x


if torch is not None:
    class LossFunction(torch.autograd.Function):
        """A lossfns loss as a torch op whose backward is ``L.grad``: lets torch.autograd.gradcheck
        compare our analytic gradient with its own finite differences."""

        @staticmethod
        def forward(ctx, y_pred, L, y_true, reduction, hyper):
            value, grad = L.value_and_grad(y_true, y_pred.detach().numpy(), reduction=reduction,
                                           **hyper)
            ctx.save_for_backward(torch.as_tensor(np.asarray(grad, dtype=np.float64)))
            return torch.as_tensor(np.asarray(value, dtype=np.float64))

        @staticmethod
        def backward(ctx, grad_out):
            (grad,) = ctx.saved_tensors
            # element-wise items: d(Σ_i c_i L_i)/dŷ = c ⊙ grad; scalars broadcast.
            if grad_out.dim() == 0 or grad_out.shape == grad.shape:
                return grad_out * grad, None, None, None, None
            # row-wise items (N,) with a gradient (N, C, ...): broadcast on the class axis.
            return grad_out.unsqueeze(1) * grad, None, None, None, None


def gradcheck(L, y_true, y_pred, reduction="mean", **hyper):
    """torch.autograd.gradcheck of ``L.grad`` (through `LossFunction`) at `y_pred`."""
    p = t64(y_pred, requires_grad=True)
    return torch.autograd.gradcheck(
        lambda x: LossFunction.apply(x, L, y_true, reduction, hyper), (p,),
        eps=1e-6, atol=1e-6, rtol=1e-5)


@pytest.fixture
def rng():
    """A fresh, seeded generator per test: tests do not depend on their order."""
    return np.random.default_rng(20240601)


@pytest.fixture(params=REDUCTIONS)
def reduction(request):
    return request.param
