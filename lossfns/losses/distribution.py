"""Losses between probability distributions (概率分布之间的损失).

Convention: each distribution lies along the **last axis**; a 1-D array is one distribution, a
2-D array is one distribution per row. The target distribution p comes first, the model's q second.
"""
from __future__ import annotations

import numpy as np

from ..core import PROBABILITIES, check_same_shape, loss

#: How far a distribution's sum may be from 1 and still count as a distribution.
SUM_TOLERANCE = 1e-6


def check_distributions(arr: np.ndarray, name: str) -> None:
    """Probabilities in [0, 1] (checked by the domain) whose sum along the last axis is 1
    (within `SUM_TOLERANCE`)."""
    if arr.ndim == 0:
        raise ValueError(f"{name} must be a distribution over classes (last axis); got a scalar")
    sums = arr.sum(axis=-1)
    bad = np.abs(sums - 1.0) > SUM_TOLERANCE
    if bad.any():
        where = np.argwhere(np.atleast_1d(bad))[0]
        row = "the distribution" if arr.ndim == 1 else f"row {tuple(int(i) for i in where)}"
        value = float(np.atleast_1d(sums)[tuple(where)])
        raise ValueError(f"{name} must sum to 1 along the last axis; {row} sums to {value:.9g}")


@loss(task="distribution", formula=r"\sum_{c} p_c \log \frac{p_c}{q_c}",
      domain={"p": PROBABILITIES, "q": PROBABILITIES})
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
    check_same_shape(p, q, "p", "q")
    check_distributions(p, "p")
    check_distributions(q, "q")
    support = p > 0
    # Off the support (p_c = 0) the term is 0: take logs of 1 there, so no 0·log 0 = nan appears.
    p_s, q_s = np.where(support, p, 1.0), np.where(support, q, 1.0)
    with np.errstate(divide="ignore"):  # q_c = 0 < p_c: log q = -inf, so the term is +inf
        terms = np.where(support, p * (np.log(p_s) - np.log(q_s)), 0.0)

    def grad():
        with np.errstate(divide="ignore"):  # q_c = 0 < p_c: the gradient is -inf
            return np.where(support, -p / q_s, 0.0)

    return terms.sum(axis=-1), grad
