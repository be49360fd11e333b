"""Regression losses (回归损失): functions of the residual r = ŷ − y.

Domain of every loss here: y_true and y_pred are real arrays of one shape (any shape). "mean"
averages over all elements. Each kernel returns the per-element losses and a function that
computes the gradient with respect to y_pred when asked.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..core import POSITIVE, REAL, Interval, check_same_shape, loss

_LOG2 = np.log(2.0)
#: below this |r|, log_cosh uses log1p(2 sinh²(r/2)), which does not cancel near 0.
_LOG_COSH_SMALL = 1.0

_PAIR = {"y_true": REAL, "y_pred": REAL}


@loss(task="regression", formula=r"(\hat{y} - y)^2", domain=_PAIR)
def mse(y_true, y_pred):
    """Mean squared error: mean of (ŷ − y)².

    Domain: y_true, y_pred real, same shape.
    Formula: L = (1/n) Σ (ŷ_i − y_i)².
    Gradient: d/dŷ_i (ŷ_i − y_i)² = 2 (ŷ_i − y_i); "mean" divides by n.
    Equals ``torch.nn.functional.mse_loss(y_pred, y_true)`` and
    ``sklearn.metrics.mean_squared_error(y_true, y_pred)``.
    """
    check_same_shape(y_true, y_pred, "y_true", "y_pred")
    r = y_pred - y_true
    return r * r, lambda: 2.0 * r


@loss(task="regression", formula=r"\lvert \hat{y} - y \rvert", domain=_PAIR)
def mae(y_true, y_pred):
    """Mean absolute error (L1 loss): mean of |ŷ − y|.

    Domain: y_true, y_pred real, same shape.
    Formula: L = (1/n) Σ |ŷ_i − y_i|.
    Gradient: d/dŷ |r| = sign(r) for r ≠ 0. At r = 0 the loss has a kink (no derivative, but it
    is continuous); we return 0 there, a valid subgradient and what torch returns. The gradient's
    magnitude is 1 however close to the optimum: gradient descent needs a decaying step.
    Equals ``torch.nn.functional.l1_loss(y_pred, y_true)``.
    """
    check_same_shape(y_true, y_pred, "y_true", "y_pred")
    r = y_pred - y_true
    return np.abs(r), lambda: np.sign(r)


@loss(task="regression",
      formula=r"\begin{cases}\tfrac{1}{2}r^2 & \lvert r\rvert \le \delta\\ "
              r"\delta\,(\lvert r\rvert - \tfrac{1}{2}\delta) & \text{otherwise}\end{cases}",
      domain={**_PAIR, "delta": POSITIVE})
def huber(y_true, y_pred, *, delta=1.0):
    """Huber loss: ½r² for |r| ≤ δ, δ(|r| − ½δ) beyond; r = ŷ − y.

    Domain: y_true, y_pred real, same shape; delta > 0.
    Formula: quadratic inside [−δ, δ], linear outside; the two pieces meet with equal value and
    slope at |r| = δ, so the loss is continuously differentiable. One expression covers both:
    with m = min(|r|, δ), the loss is m·(|r| − m/2) (½r² when m = |r|, δ(|r| − δ/2) when m = δ).
    Gradient: r inside, δ·sign(r) outside, i.e. r clipped to [−δ, δ].
    Equals ``torch.nn.functional.huber_loss(y_pred, y_true, delta=delta)``.
    References: Huber (1964), Robust Estimation of a Location Parameter.
    """
    check_same_shape(y_true, y_pred, "y_true", "y_pred")
    r = np.asarray(y_pred - y_true)  # an array even for scalar input: clipped in place below
    value = np.abs(r)
    m = np.minimum(value, delta)  # m = min(|r|, δ)
    value -= 0.5 * m
    value *= m  # m·(|r| − m/2), built in place of |r|: ½r² inside [−δ, δ], δ(|r| − δ/2) beyond
    return value, lambda: np.clip(r, -delta, delta, out=r)


@loss(task="regression", formula=r"\log\cosh(\hat{y} - y)", domain=_PAIR)
def log_cosh(y_true, y_pred):
    """Log-cosh loss: log cosh(ŷ − y).

    Domain: y_true, y_pred real, same shape.
    Formula: log cosh r, computed as |r| + log1p(e^(−2|r|)) − log 2 for |r| ≥ 1 (cosh overflows
    for |r| > 710; this form does not) and as log1p(2 sinh²(r/2)) below 1 (where the first form
    cancels: log 2 − log 2). Accurate to rounding for any finite r.
    Gradient: d/dr log cosh r = sinh r / cosh r = tanh r, bounded by 1 like MAE's.
    Equals ``keras.losses.log_cosh`` and ``optax.losses.log_cosh`` (same formula).
    """
    check_same_shape(y_true, y_pred, "y_true", "y_pred")
    r = y_pred - y_true
    a = np.abs(r)
    # log cosh r = log((e^a + e^-a)/2) = a + log(1 + e^(-2a)) - log 2: no overflow.
    large = a + np.log1p(np.exp(-2.0 * a)) - _LOG2
    # Near 0 that form subtracts log 2 from ~log 2 (all digits lost for |r| < 1e-8);
    # cosh r - 1 = 2 sinh^2(r/2) keeps them. min() keeps sinh from overflowing.
    small = np.log1p(2.0 * np.sinh(0.5 * np.minimum(a, _LOG_COSH_SMALL)) ** 2)
    return np.where(a < _LOG_COSH_SMALL, small, large), lambda: np.tanh(r)


@loss(task="regression", formula=r"\max\big(q\,(y - \hat{y}),\ (q - 1)\,(y - \hat{y})\big)",
      domain={**_PAIR, "q": Interval(numbers.Real, 0, 1, closed="neither")})
def quantile(y_true, y_pred, *, q=0.5):
    """Quantile (pinball) loss: max(q(y − ŷ), (q − 1)(y − ŷ)).

    Domain: y_true, y_pred real, same shape; 0 < q < 1.
    Formula: with u = y − ŷ, q·u when the prediction is too low (u > 0) and (1 − q)·(−u) when
    it is too high: under-prediction costs q, over-prediction 1 − q per unit.
    Gradient: d/dŷ = −q when u > 0, 1 − q when u < 0, and 0 at u = 0 (a subgradient, as for
    MAE). With q = 0.5 the loss is exactly ½·MAE.
    Equals ``sklearn.metrics.mean_pinball_loss(y_true, y_pred, alpha=q)``.
    References: Koenker & Bassett (1978), Regression Quantiles.
    """
    check_same_shape(y_true, y_pred, "y_true", "y_pred")
    u = y_true - y_pred
    value = np.maximum(q * u, (q - 1.0) * u) + 0.0  # + 0.0 turns -0.0 (at u = 0) into 0.0
    return value, lambda: np.where(u > 0, -q, np.where(u < 0, 1.0 - q, 0.0))
