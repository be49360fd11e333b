"""Binary losses as functions of the margin m = y·f(x) (间隔), for plots and comparisons.

With labels y ∈ {−1, +1} and a real score f(x), the margin m = y·f(x) is positive when the
sign of the score is right and grows with the model's confidence. Every binary loss of a score
is then a function of m alone, and the 0-1 loss, which training cannot use (its gradient is zero
almost everywhere), is replaced by a *surrogate* (替代损失) that is continuous and convex:

=============  ==========================  =========================================
0-1            1 if m ≤ 0 else 0           what we care about: the error rate
logistic       log(1 + e^(−m))             logistic regression, BCE with logits
exponential    e^(−m)                      AdaBoost
hinge          max(0, 1 − m)               SVM: ``lossfns.hinge(1, m)``
squared hinge  max(0, 1 − m)²              ``lossfns.squared_hinge(1, m)``
=============  ==========================  =========================================

These are plain functions of m (element-wise, no reduction, no gradient): the course draws
them. The losses a model is trained with are the `Loss` objects in `lossfns.classification`;
``logistic(m)`` equals ``binary_cross_entropy_with_logits(1, m, reduction="none")``.
"""
from __future__ import annotations

import numpy as np

from ..activations import softplus
from ..core import as_float_array

__all__ = ["zero_one", "logistic", "exponential"]


def _out(values: np.ndarray):
    """A float for a scalar margin, else the array."""
    return float(values) if values.ndim == 0 else values


def zero_one(m):
    """The 0-1 loss of a margin: 1 where m ≤ 0 (wrong, or a score of exactly 0), else 0.

    A score of 0 sits on the decision boundary and names no class, so it counts as an error.
    """
    m = as_float_array(m, "m")
    return _out(np.where(m <= 0.0, 1.0, 0.0))


def logistic(m):
    """The logistic loss log(1 + e^(−m)), in nats; exact for any finite m.

    Written as softplus(−m) = max(−m, 0) + log(1 + e^(−|m|)): e^(−|m|) ≤ 1 never overflows, and
    for a large margin the tiny loss keeps its relative precision (m = 40 gives 4.2e-18, not 0).
    Divided by log 2 (that is, in bits) it is an upper bound of the 0-1 loss.
    """
    m = as_float_array(m, "m")
    return _out(softplus(-m))


def exponential(m):
    """The exponential loss e^(−m) of AdaBoost.

    It grows exponentially with a negative margin, so a few badly wrong (or mislabelled) points
    dominate it. For m < −709.78 the value exceeds the largest float64 and is inf (no warning).
    """
    m = as_float_array(m, "m")
    with np.errstate(over="ignore"):  # e^(−m) beyond 1.8e308 is inf: that is the value
        return _out(np.exp(-m))
