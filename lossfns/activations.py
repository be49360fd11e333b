"""Numerically stable sigmoid, log-sigmoid, softmax and log-softmax (float64)."""
from __future__ import annotations

import numpy as np


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), computed without overflow for any finite z."""
    z = np.asarray(z, dtype=np.float64)
    # e^(−|z|) never overflows: for z < 0 use σ(z) = e^z / (1 + e^z).
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_sigmoid(z):
    """log σ(z) = −softplus(−z) = min(z, 0) − log(1 + e^(−|z|)); exact for large |z|."""
    z = np.asarray(z, dtype=np.float64)
    return np.minimum(z, 0.0) - np.log1p(np.exp(-np.abs(z)))


def softplus(z):
    """log(1 + e^z) = max(z, 0) + log(1 + e^(−|z|)); never overflows."""
    z = np.asarray(z, dtype=np.float64)
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def log_softmax(z, axis: int = -1):
    """log softmax along `axis`; shifting by the max keeps every exponent ≤ 0 (no overflow)."""
    z = np.asarray(z, dtype=np.float64)
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(z, axis: int = -1):
    """softmax along `axis`, max-shifted so that it never overflows."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
