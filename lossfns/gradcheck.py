"""Finite-difference gradient checks (有限差分梯度检验): is a gradient written by hand right?

A gradient derived by hand (a loss's ``.grad`` chained to the parameters, a backward pass) is easy
to get subtly wrong: a lost factor 2, a sign, a missing 1/n. Central differences need nothing but
the function itself:

    ∂f/∂x_i ≈ (f(x + ε e_i) − f(x − ε e_i)) / (2ε),

with an error of O(ε²) where f is smooth (ε = 1e-6: truncation ~1e-12, rounding ~1e-10·|f|).
`check_grad` compares an analytic gradient with this estimate and returns the largest relative
error over the components: about 1e-8 or less for a right gradient, 1e-2 or more for a wrong one.
It costs two evaluations of f per coordinate: a tool for tests and small problems, not training.

Like ``scipy.optimize.check_grad`` (which returns the absolute 2-norm of the difference, from
forward differences) and ``torch.autograd.gradcheck`` (pass/fail with atol and rtol).

>>> import numpy as np
>>> f = lambda x: float(np.sum(x ** 2))
>>> numeric_grad(f, [1.0, -2.0]).round(6)
array([ 2., -4.])
>>> check_grad(f, lambda x: 2 * x, [1.0, -2.0]) < 1e-8
True
>>> round(check_grad(f, lambda x: x, [1.0, -2.0]), 6)      # a lost factor 2
0.5
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .core import as_float_array, check_nonnegative, check_positive

__all__ = ["numeric_grad", "check_grad"]

#: How far above the rounding error of a difference quotient, u·max(1, |f|)/ε (u = machine
#: epsilon), a component must be to be judged relatively. Smaller components are compared in
#: absolute terms: differences cannot resolve them.
ROUNDING_MARGIN = 1e4


def _value(f: Callable, x: np.ndarray) -> float:
    """f(x) as one finite float; f gets a copy, so it can neither see nor keep our buffer."""
    out = np.asarray(f(x.copy()), dtype=np.float64)
    if out.size != 1:
        raise ValueError(f"f must return a single number (a loss); got an array of shape "
                         f"{out.shape}")
    value = float(out.reshape(()))
    if not np.isfinite(value):
        raise ValueError(f"f must return a finite number; got {value} at x = {x!r}")
    return value


def numeric_grad(f: Callable, x, eps: float = 1e-6) -> np.ndarray:
    """Gradient of the scalar function `f` at `x` by central differences, one coordinate at a time.

    f: ``x ↦ number`` (a loss as a function of the parameters); x: any shape. Returns an array
    shaped like x: (f(x + ε e_i) − f(x − ε e_i)) / (2ε) for each coordinate i. `x` is not modified.
    """
    eps = check_positive(eps, "eps")
    x = as_float_array(x, "x").copy()
    g = np.empty_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = _value(f, x)
        x[i] = old - eps
        down = _value(f, x)
        x[i] = old
        g[i] = (up - down) / (2.0 * eps)
    return g


def check_grad(f: Callable, grad: Callable, x, *, eps: float = 1e-6,
               atol: float | None = None) -> float:
    """Largest relative error between the analytic gradient ``grad(x)`` and `numeric_grad`.

    For each component, |a − n| / max(|a|, |n|, atol), with a the analytic and n the numeric
    value; the maximum over components is returned. 0 means they agree exactly; ~1e-8 or less is
    a right gradient (the rest is truncation and rounding); 0.5 is a gradient half as large (a
    lost factor 2); 2 is a sign error.

    atol: components smaller than this are compared in absolute terms (the error there is
    |a − n| / atol). Default: ROUNDING_MARGIN × u·max(1, |f(x)|)/eps, well above the rounding
    error of the difference quotient, so that a zero component is not reported as 100 % wrong.
    """
    x = as_float_array(x, "x")
    numeric = numeric_grad(f, x, eps)
    analytic = np.asarray(grad(x.copy()), dtype=np.float64)
    if analytic.shape != x.shape:
        raise ValueError(f"grad must return an array shaped like x {x.shape}; got shape "
                         f"{analytic.shape}")
    if not np.isfinite(analytic).all():
        raise ValueError(f"grad must return finite numbers; got {analytic!r}")
    if atol is None:
        rounding = np.finfo(np.float64).eps * max(1.0, abs(_value(f, x))) / eps
        atol = ROUNDING_MARGIN * rounding
    else:
        atol = check_nonnegative(atol, "atol")
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), atol)
    diff = np.abs(analytic - numeric)
    # 0/0 (both zero, atol = 0) is agreement, not an error
    err = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
    return float(err.max())
