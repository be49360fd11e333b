"""Losses between probability distributions (概率分布之间的损失).

Convention: each distribution lies along the **last axis**; a 1-D array is one distribution, a
2-D array is one distribution per row. The target distribution p comes first, the model's q second.
"""
from __future__ import annotations

import numpy as np

from ..core import as_float_array, check_probabilities, check_same_shape, loss

#: How far a distribution's sum may be from 1 and still count as a distribution.
SUM_TOLERANCE = 1e-6


def check_distributions(arr: np.ndarray, name: str) -> None:
    """Probabilities in [0, 1] whose sum along the last axis is 1 (within `SUM_TOLERANCE`)."""
    if arr.ndim == 0:
        raise ValueError(f"{name} must be a distribution over classes (last axis); got a scalar")
    check_probabilities(arr, name)
    sums = arr.sum(axis=-1)
    bad = np.abs(sums - 1.0) > SUM_TOLERANCE
    if bad.any():
        where = np.argwhere(np.atleast_1d(bad))[0]
        row = "the distribution" if arr.ndim == 1 else f"row {tuple(int(i) for i in where)}"
        value = float(np.atleast_1d(sums)[tuple(where)])
        raise ValueError(f"{name} must sum to 1 along the last axis; {row} sums to {value:.9g}")


@loss(name="kl_divergence", caveat="torch `kl_div(q.log(), p)`: arguments reversed and in log space; torch `batchmean` = our \"mean\"", title="Kullback–Leibler divergence", zh="KL 散度", zh_hant="KL 散度",
      task="distribution", formula=r"\sum_{c} p_c \log \frac{p_c}{q_c}",
      summary="extra nats paid for coding p with q; not symmetric, not a distance",
      summary_zh="用 q 编码 p 时多付出的信息量；不对称，不是距离",
      torch='F.kl_div(q.log(), p, reduction="batchmean")', keras="keras.losses.KLDivergence()",
      grad_of="q",
      references=("Kullback & Leibler 1951, On Information and Sufficiency",))
def kl_divergence(p, q):
    """Kullback–Leibler divergence KL(p ‖ q) = Σ_c p_c log(p_c / q_c), per distribution.

    Domain: p (target) and q (prediction) of one shape; each holds probabilities in [0, 1] that
    sum to 1 (within 1e-6) along the last axis. A 1-D array is one distribution; "mean" averages
    over distributions (rows), like torch's ``reduction="batchmean"``.
    Formula: terms with p_c = 0 count 0 (the limit of p log p). Where q_c = 0 but p_c > 0 the
    divergence is infinite: the value is ``inf`` (not an error) and that term's gradient is
    ``-inf``. KL(p ‖ q) ≥ 0, = 0 only at q = p, and KL(p ‖ q) ≠ KL(q ‖ p) in general.
    Gradient: ∂/∂q_c [p_c log p_c − p_c log q_c] = −p_c / q_c (0 where p_c = 0). q is treated as
    free coordinates: the gradient is not projected onto the simplex (Σ q = 1).
    Equals ``torch.nn.functional.kl_div(q.log(), p, reduction="batchmean")`` for 2-D input
    (torch takes log q first; it returns nan where p_c = q_c = 0, we return 0).
    References: Kullback & Leibler (1951), On Information and Sufficiency.
    """
    p_ = as_float_array(p, "p")
    q_ = as_float_array(q, "q")
    check_same_shape(p_, q_, "p", "q")
    check_distributions(p_, "p")
    check_distributions(q_, "q")
    support = p_ > 0
    # Off the support (p_c = 0) the term is 0: take logs of 1 there, so no 0·log 0 = nan appears.
    p_s, q_s = np.where(support, p_, 1.0), np.where(support, q_, 1.0)
    with np.errstate(divide="ignore"):  # q_c = 0 < p_c: log q = -inf, so the term is +inf
        terms = np.where(support, p_ * (np.log(p_s) - np.log(q_s)), 0.0)
        grad = np.where(support, -p_ / q_s, 0.0)
    return terms.sum(axis=-1), grad
