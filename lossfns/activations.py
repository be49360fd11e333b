"""Numerically stable sigmoid, log-sigmoid, softmax and log-softmax (float64).

Each takes real numbers (any shape; ±inf allowed, as the limits they stand for) and refuses
complex, string and object input with a ValueError, like the losses.
"""
from __future__ import annotations

import numpy as np

from .core import as_real_array


def _real(z) -> np.ndarray:
    return np.asarray(as_real_array(z, "z"), dtype=np.float64)


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), computed without overflow for any finite z."""
    z = _real(z)
    # e^(−|z|) never overflows: for z < 0 use σ(z) = e^z / (1 + e^z).
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_sigmoid(z):
    """log σ(z) = −softplus(−z) = min(z, 0) − log(1 + e^(−|z|)); exact for large |z|."""
    z = _real(z)
    return np.minimum(z, 0.0) - np.log1p(np.exp(-np.abs(z)))


def softplus(z):
    """log(1 + e^z) = max(z, 0) + log(1 + e^(−|z|)); never overflows."""
    z = _real(z)
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def log_softmax(z, axis: int = -1):
    """log softmax along `axis`; shifting by the max keeps every exponent ≤ 0 (no overflow)."""
    z = _real(z)
    shifted = z - z.max(axis=axis, keepdims=True)  # every exponent ≤ 0 (−inf past float range)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(z, axis: int = -1):
    """softmax along `axis`, max-shifted so that it never overflows."""
    z = _real(z)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
