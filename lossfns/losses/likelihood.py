"""Likelihood losses (似然损失): negative log-likelihoods whose model predicts the parameters of
a distribution for y, not y itself.

The recipe of maximum likelihood: choose a distribution p(y | θ) for the target, let the model
predict θ, and minimise −log p(y | θ). A Gaussian with a fixed variance gives MSE, a Bernoulli
gives binary cross-entropy; here are the two that the other families do not cover: a Gaussian
whose variance is predicted too, and a Poisson distribution for counts.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..core import POSITIVE, REAL, Boolean, Interval, RealArray, check_same_shape, loss

_NONNEGATIVE = Interval(numbers.Real, 0, None, closed="left")
_RATES = RealArray(_NONNEGATIVE, "rates (log_input=False)")

#: ½ log(2π): the constant of the Gaussian log-density, added when full=True.
_HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)


def _var_like(var: np.ndarray, shape: tuple) -> np.ndarray:
    """`var` as an array that broadcasts against a mean of `shape`, with torch's rules: the same
    shape, one axis fewer (the last, a variance shared along it), or size 1 on one axis."""
    if var.shape == shape:
        return var
    if var.shape == shape[:-1]:
        return var[..., None]
    differ = [k for k in range(var.ndim) if var.ndim == len(shape) and var.shape[k] != shape[k]]
    if var.ndim == len(shape) and len(differ) == 1 and var.shape[differ[0]] == 1:
        return var
    raise ValueError(
        f"var must have the shape of mean {shape}, that shape without its last axis, or size 1 "
        f"on one axis; got shape {var.shape}")


@loss(task="regression",
      formula=r"\tfrac{1}{2}\Big(\log \sigma^2 + \frac{(\hat{\mu} - y)^2}{\sigma^2}\Big)",
      domain={"y_true": REAL, "mean": REAL, "var": RealArray(_NONNEGATIVE, "variances"),
              "eps": POSITIVE, "full": Boolean()})
def gaussian_nll_loss(y_true, mean, var, *, eps=1e-6, full=False):
    """Gaussian negative log-likelihood: ½(log σ² + (μ̂ − y)²/σ²), the model predicting μ̂ and σ².

    Domain: y_true and mean real, of one shape; var ≥ 0, of the shape of mean, or that shape
    without its last axis, or with size 1 on one axis (one variance shared along that axis, as
    torch allows); eps > 0; full a bool.
    Formula: −log N(y; μ̂, σ²) = ½ log σ² + (y − μ̂)²/(2σ²) + ½ log 2π, the last constant only
    with full=True. σ² = max(var, eps), so a variance of 0 does not divide by 0. With σ² fixed
    the loss is ½·MSE/σ² plus a constant: MSE is the Gaussian NLL of a model that predicts only
    the mean.
    Gradient: two predictions, so ``.grad`` returns a tuple (∂L/∂mean, ∂L/∂var):
    ∂/∂μ̂ = (μ̂ − y)/σ², ∂/∂σ² = ½(1/σ² − (μ̂ − y)²/σ⁴) = ½(σ² − r²)/σ⁴, zero when σ² equals the
    squared error. Where var < eps the value does not depend on var; like torch (whose clamp
    runs outside autograd) we still return the derivative at σ² = eps. A shared variance gets
    the sum over the items that share it.
    Equals ``torch.nn.functional.gaussian_nll_loss(mean, y_true, var, full=full, eps=eps)``.
    References: Nix & Weigend (1994), Estimating the Mean and Variance of the Target
    Probability Distribution; Prince (2023), Understanding Deep Learning, ch. 5.
    """
    check_same_shape(y_true, mean, "y_true", "mean")
    t, mu, v = y_true, mean, var
    s = np.maximum(_var_like(v, mu.shape), eps)  # σ² = max(var, eps): no division by 0
    r = mu - t
    z = r / np.sqrt(s)  # the standardised error: z² = r²/σ² without squaring r (no overflow)
    value = 0.5 * (np.log(s) + z * z)
    if full:
        value += _HALF_LOG_2PI

    def grad():
        grad_mean = z / np.sqrt(s)
        grad_var = 0.5 * (1.0 - z * z) / s
        # a variance shared along an axis: its derivative is the sum over the items sharing it
        shared = tuple(k for k in range(mu.ndim) if s.shape[k] == 1 and mu.shape[k] != 1)
        return grad_mean, grad_var.sum(axis=shared, keepdims=True).reshape(v.shape)

    return value, grad


def _stirling(t: np.ndarray) -> np.ndarray:
    """Stirling's approximation of log(y!) = y log y − y + ½ log(2πy), for y > 1 only, 0 below
    (as torch: the approximation is poor there, and log 0! = log 1! = 0)."""
    big = t > 1
    tb = np.where(big, t, 2.0)  # any value > 1: keeps log() away from 0 where it is discarded
    return np.where(big, tb * np.log(tb) - tb + 0.5 * np.log(2.0 * np.pi * tb), 0.0)


@loss(task="regression",
      formula=r"e^{\hat{s}} - y\,\hat{s},\quad \hat{s} = \log \hat{\lambda}",
      domain={"y_true": RealArray(_NONNEGATIVE, "counts"), "y_pred": REAL,
              "log_input": Boolean(), "full": Boolean(), "eps": POSITIVE})
def poisson_nll_loss(y_true, y_pred, *, log_input=True, full=False, eps=1e-8):
    """Poisson negative log-likelihood: λ − y log λ for a predicted rate λ = e^ŝ (or λ = ŷ).

    Domain: y_true counts ≥ 0 (any real ≥ 0 is accepted, as torch); y_pred real of the same
    shape: the log-rate ŝ when log_input=True (the default), the rate λ ≥ 0 when False;
    full a bool; eps > 0 (used only when log_input=False).
    Formula: −log P(y; λ) = λ − y log λ + log(y!). The last term does not depend on the
    prediction and is dropped unless full=True, which adds Stirling's approximation
    y log y − y + ½ log(2πy) for y > 1 (and 0 for y ≤ 1, as torch). With log_input=True the
    loss is e^ŝ − y ŝ (a linear model of ŝ is Poisson regression, a GLM with the log link);
    with log_input=False it is λ − y log(λ + eps), eps keeping log away from 0.
    Gradient: ∂/∂ŝ (e^ŝ − y ŝ) = e^ŝ − y = λ − y, the same "prediction − target" as MSE, BCE
    and CE with their canonical links; with the rate as input ∂/∂λ = 1 − y/(λ + eps).
    Equals ``torch.nn.functional.poisson_nll_loss(y_pred, y_true, log_input=log_input,
    full=full, eps=eps)``.
    References: Nelder & Wedderburn (1972), Generalized Linear Models; Prince (2023),
    Understanding Deep Learning, ch. 5.
    """
    check_same_shape(y_true, y_pred, "y_true", "y_pred")
    y, p = y_true, y_pred
    if log_input:  # p is the log-rate s: λ = e^s
        rate = np.exp(p)
        value, grad = rate - y * p, lambda: rate - y
    else:  # p is the rate λ itself
        _RATES.check(p, "y_pred")
        value, grad = p - y * np.log(p + eps), lambda: 1.0 - y / (p + eps)
    if full:
        value = value + _stirling(y)
    return value, grad
