"""Exercises of chapter 3, Binary classification (二分类)."""
from __future__ import annotations

import numpy as np

from ...losses.classification import binary_cross_entropy_with_logits
from . import Case, exercise

CHAPTER = "03_binary_classification"

#: Logits far beyond where exp overflows (e^1000 > 1.8e308): a naive sigmoid-then-log breaks here.
HUGE_LOGIT = 1e3


def _binary_cases():
    rng = np.random.default_rng(3)
    return [
        Case((np.array([1.0, 0.0, 1.0, 0.0]), np.array([2.0, -1.0, 0.0, 3.0])),
             label="four samples, labels 0 and 1", label_zh="四个样本，标签为 0 和 1"),
        Case((np.array([1.0, 0.0, 1.0, 0.0]),
              np.array([HUGE_LOGIT, -HUGE_LOGIT, -HUGE_LOGIT, HUGE_LOGIT])),
             label="logits ±1e3: confidently right (first two) and confidently wrong (last two)",
             label_zh="logit 为 ±1e3：自信地判对（前两个）和自信地判错（后两个）"),
        Case((np.array([1.0, 0.0]), np.array([40.0, -40.0])),
             label="logits ±40: the loss is tiny (4e-18) but not zero",
             label_zh="logit 为 ±40：损失极小（4e-18）但不为零"),
        Case((np.array([0.3, 0.7, 0.5]), np.array([0.5, -2.0, 0.0])), label="soft labels",
             label_zh="软标签"),
        Case((rng.integers(0, 2, size=50).astype(float), rng.normal(0, 4, size=50)),
             label="50 random samples", label_zh="50 个随机样本"),
    ]


@exercise(name="bce_with_logits", chapter=CHAPTER, title="Stable BCE from logits",
          title_zh="由 logit 稳定地计算 BCE",
          cases=_binary_cases,
          hint="Never form p = σ(z). Use −log σ(z) = softplus(−z) and −log(1 − σ(z)) = "
               "softplus(z), with softplus(u) = max(u, 0) + log1p(exp(−|u|)) (or "
               "lossfns.softplus): the loss of each sample is "
               "y·softplus(−z) + (1 − y)·softplus(z).",
          hint_zh="绝不要构造 p = σ(z)。利用 −log σ(z) = softplus(−z) 和 "
                  "−log(1 − σ(z)) = softplus(z)，其中 "
                  "softplus(u) = max(u, 0) + log1p(exp(−|u|))（或用 lossfns.softplus）："
                  "每个样本的损失是 y·softplus(−z) + (1 − y)·softplus(z)。",
          forbidden=("binary_cross_entropy_with_logits", "binary_cross_entropy"))
def bce_with_logits(y_true, logits):
    ("Binary cross-entropy of each sample from its logit z: "
     "y·softplus(−z) + (1 − y)·softplus(z).")
    return binary_cross_entropy_with_logits(y_true, logits, reduction="none")


@exercise(name="bce_logit_grad", chapter=CHAPTER, title="Gradient of BCE with respect to the logit",
          title_zh="BCE 对 logit 的梯度",
          cases=_binary_cases,
          hint="Differentiate y·softplus(−z) + (1 − y)·softplus(z) with softplus'(u) = σ(u): "
               "−y·σ(−z) + (1 − y)·σ(z), which simplifies to σ(z) − y. Compute σ with "
               "lossfns.sigmoid (stable for any z); one value per sample, no division by n.",
          hint_zh="利用 softplus'(u) = σ(u) 对 y·softplus(−z) + (1 − y)·softplus(z) 求导："
                  "得到 −y·σ(−z) + (1 − y)·σ(z)，化简后为 σ(z) − y。用 lossfns.sigmoid "
                  "计算 σ（对任何 z 都稳定）；每个样本一个值，不除以 n。",
          forbidden=("binary_cross_entropy_with_logits", "binary_cross_entropy"))
def bce_logit_grad(y_true, logits):
    """d(BCE of each sample)/d(its logit) = σ(z) − y."""
    return binary_cross_entropy_with_logits.grad(y_true, logits, reduction="none")

