"""Regression losses (回归损失): functions of the residual r = ŷ − y.

Domain of every loss here: y_true and y_pred are real arrays of one shape (any shape, any float
dtype; computed in float64). "mean" averages over all elements.
"""
from __future__ import annotations

import numpy as np

from ..core import check_open_interval, check_pair, check_positive, loss, sum_blocks

_LOG2 = np.log(2.0)


def _residual(t, p):
    """r = ŷ − y as an array, even for scalar input (numpy returns a bare scalar for 0-d
    operands, and the kernels below write into r in place)."""
    return np.asarray(p - t)
#: below this |r|, log_cosh uses log1p(2 sinh²(r/2)), which does not cancel near 0.
_LOG_COSH_SMALL = 1.0


@loss(name="mse", caveat="no ½ factor (scikit-learn's `HalfSquaredError` and many texts use ½r²)", title="Mean squared error", zh="均方误差", zh_hant="均方誤差",
      task="regression", formula=r"(\hat{y} - y)^2",
      summary="sensitive to outliers; minimised by the mean",
      summary_zh="对异常值敏感；最优常数是均值",
      torch="F.mse_loss(y_pred, y_true)", sklearn="sklearn.metrics.mean_squared_error",
      keras="keras.losses.MeanSquaredError()", references=("Gauss 1809; Legendre 1805",))
def mse(y_true, y_pred):
    """Mean squared error: mean of (ŷ − y)².

    Domain: y_true, y_pred real, same shape.
    Formula: L = (1/n) Σ (ŷ_i − y_i)².
    Gradient: d/dŷ_i (ŷ_i − y_i)² = 2 (ŷ_i − y_i); "mean" divides by n.
    Equals ``torch.nn.functional.mse_loss(y_pred, y_true)`` and
    ``sklearn.metrics.mean_squared_error(y_true, y_pred)``.
    """
    t, p = check_pair(y_true, y_pred)
    r = _residual(t, p)
    value = r * r
    r *= 2.0  # the gradient 2r, in place: r itself is no longer needed (saves an allocation)
    return value, r


@mse.sum_kernel
def _mse_sum(y_true, y_pred):
    """Σ (ŷ − y)² and the gradient 2r, for "mean" and "sum", in cache-sized blocks."""
    t, p = check_pair(y_true, y_pred)

    def block(t, p, g):  # one slice of t, p and of the gradient g (see `sum_blocks`)
        r = np.subtract(p, t, out=g)
        total = np.vdot(r, r)  # Σ r² as a dot product: no array of squares
        r *= 2.0
        return total

    return sum_blocks(block, t, p)


@loss(name="mae", caveat="gradient at r = 0 taken as 0 (as torch)", title="Mean absolute error", zh="平均绝对误差", zh_hant="平均絕對誤差",
      task="regression", formula=r"\lvert \hat{y} - y \rvert",
      summary="robust to outliers; minimised by the median",
      summary_zh="对异常值稳健；最优常数是中位数",
      torch="F.l1_loss(y_pred, y_true)", sklearn="sklearn.metrics.mean_absolute_error",
      keras="keras.losses.MeanAbsoluteError()", references=("Laplace 1774",))
def mae(y_true, y_pred):
    """Mean absolute error (L1 loss): mean of |ŷ − y|.

    Domain: y_true, y_pred real, same shape.
    Formula: L = (1/n) Σ |ŷ_i − y_i|.
    Gradient: d/dŷ |r| = sign(r) for r ≠ 0. At r = 0 the loss has a kink (no derivative, but it
    is continuous); we return 0 there, a valid subgradient and what torch returns. The gradient's
    magnitude is 1 however close to the optimum: gradient descent needs a decaying step.
    Equals ``torch.nn.functional.l1_loss(y_pred, y_true)``.
    """
    t, p = check_pair(y_true, y_pred)
    r = _residual(t, p)
    # A new array for sign(r), not np.sign(r, out=r): numpy's in-place sign takes a branchy loop,
    # ~8× slower on residuals of random sign (numpy 2.4). |r| then goes in place of r.
    grad = np.sign(r, out=np.empty_like(r))  # (out=: an array even for scalar input, like r)
    return np.abs(r, out=r), grad


@mae.sum_kernel
def _mae_sum(y_true, y_pred):
    """Σ |ŷ − y| and the gradient sign(r), for "mean" and "sum", in cache-sized blocks."""
    t, p = check_pair(y_true, y_pred)

    def block(t, p, g):  # one slice of t, p and of the gradient g (see `sum_blocks`)
        r = p - t
        np.sign(r, out=g)
        return np.vdot(g, r)  # Σ sign(r)·r = Σ |r|, as a dot product: no array of |r|

    return sum_blocks(block, t, p)


@loss(name="huber", caveat="torch `smooth_l1_loss(beta)` = huber / β; scikit-learn's `HuberRegressor(epsilon)` rescales residuals by a fitted σ", title="Huber loss", zh="Huber 损失", zh_hant="Huber 損失",
      task="regression",
      formula=r"\begin{cases}\tfrac{1}{2}r^2 & \lvert r\rvert \le \delta\\ "
              r"\delta\,(\lvert r\rvert - \tfrac{1}{2}\delta) & \text{otherwise}\end{cases}",
      summary="quadratic near 0, linear for large errors: MSE and MAE combined",
      summary_zh="小误差时二次、大误差时线性：MSE 与 MAE 的折中",
      torch="F.huber_loss(y_pred, y_true, delta=delta)", sklearn="sklearn.linear_model.HuberRegressor",
      keras="keras.losses.Huber(delta=1.0)", hyper={"delta": 1.0},
      references=("Huber 1964, Robust Estimation of a Location Parameter",))
def huber(y_true, y_pred, *, delta=1.0):
    """Huber loss: ½r² for |r| ≤ δ, δ(|r| − ½δ) beyond; r = ŷ − y.

    Domain: y_true, y_pred real, same shape; delta > 0.
    Formula: quadratic inside [−δ, δ], linear outside; the two pieces meet with equal value and
    slope at |r| = δ, so the loss is continuously differentiable.
    Gradient: r inside, δ·sign(r) outside, i.e. r clipped to [−δ, δ].
    Equals ``torch.nn.functional.huber_loss(y_pred, y_true, delta=delta)``.
    References: Huber (1964), Robust Estimation of a Location Parameter.
    """
    delta = check_positive(delta, "delta")
    t, p = check_pair(y_true, y_pred)
    r = _residual(t, p)
    g = np.clip(r, -delta, delta, out=np.empty_like(r))  # the gradient; |g| = min(|r|, δ)
    # One expression for both pieces: |g|(|r| − |g|/2) is ½r² inside [−δ, δ] and δ(|r| − δ/2)
    # outside; g and r share a sign, so it equals g·(r − g/2), computed in place of r.
    r -= 0.5 * g
    r *= g
    return r, g


@huber.sum_kernel
def _huber_sum(y_true, y_pred, *, delta=1.0):
    """Σ huber and the gradient clip(r), for "mean" and "sum", in cache-sized blocks."""
    delta = check_positive(delta, "delta")
    t, p = check_pair(y_true, y_pred)

    def block(t, p, g):  # one slice of t, p and of the gradient g (see `sum_blocks`)
        r = p - t
        np.clip(r, -delta, delta, out=g)
        # Σ g·(r − g/2) = g·r − ½ g·g: two dot products, no array of values. No cancellation:
        # each item is ≥ ½ g_i r_i ≥ 0, so the difference keeps all but one bit of g·r.
        return np.vdot(g, r) - 0.5 * np.vdot(g, g)

    return sum_blocks(block, t, p)


@loss(name="log_cosh", caveat="not in torch; Keras `LogCosh` uses the same formula", title="Log-cosh loss", zh="Log-cosh 损失", zh_hant="Log-cosh 損失",
      task="regression", formula=r"\log\cosh(\hat{y} - y)",
      summary="smooth everywhere; like ½r² near 0 and like |r| − log 2 far away",
      summary_zh="处处光滑；小误差近似 ½r²，大误差近似 |r| − log 2",
      torch=None, keras="keras.losses.LogCosh()",
      references=("optax.losses.log_cosh", "keras.losses.LogCosh"))
def log_cosh(y_true, y_pred):
    """Log-cosh loss: log cosh(ŷ − y).

    Domain: y_true, y_pred real, same shape.
    Formula: log cosh r, computed as |r| + log1p(e^(−2|r|)) − log 2 for |r| ≥ 1 (cosh overflows
    for |r| > 710; this form does not) and as log1p(2 sinh²(r/2)) below 1 (where the first form
    cancels: log 2 − log 2). Accurate to rounding for any finite r.
    Gradient: d/dr log cosh r = sinh r / cosh r = tanh r, bounded by 1 like MAE's.
    Equals ``keras.losses.log_cosh`` and ``optax.losses.log_cosh`` (same formula).
    """
    t, p = check_pair(y_true, y_pred)
    r = _residual(t, p)
    a = np.abs(r)
    # log cosh r = log((e^a + e^-a)/2) = a + log(1 + e^(-2a)) - log 2: no overflow.
    large = a + np.log1p(np.exp(-2.0 * a)) - _LOG2
    # Near 0 that form subtracts log 2 from ~log 2 (all digits lost for |r| < 1e-8);
    # cosh r - 1 = 2 sinh^2(r/2) keeps them. min() keeps sinh from overflowing.
    small = np.log1p(2.0 * np.sinh(0.5 * np.minimum(a, _LOG_COSH_SMALL)) ** 2)
    return np.where(a < _LOG_COSH_SMALL, small, large), np.tanh(r)


@loss(name="quantile", caveat="not in torch or Keras core; scikit-learn calls q `alpha`", title="Quantile (pinball) loss", zh="分位数损失", zh_hant="分位數損失",
      task="regression", formula=r"\max\big(q\,(y - \hat{y}),\ (q - 1)\,(y - \hat{y})\big)",
      summary="asymmetric MAE; minimised by the q-quantile",
      summary_zh="非对称的 MAE；最优常数是 q 分位数",
      torch=None, sklearn="sklearn.metrics.mean_pinball_loss(alpha=q)",
      keras=None, hyper={"q": 0.5},
      references=("Koenker & Bassett 1978, Regression Quantiles",))
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
    q = check_open_interval(q, "q", 0.0, 1.0)
    t, p = check_pair(y_true, y_pred)
    u = t - p
    value = np.maximum(q * u, (q - 1.0) * u) + 0.0  # + 0.0 turns -0.0 (at u = 0) into 0.0
    grad = np.where(u > 0, -q, np.where(u < 0, 1.0 - q, 0.0))
    return value, grad
