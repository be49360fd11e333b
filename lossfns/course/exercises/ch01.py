"""Exercises of chapter 1, What is a loss?"""
from __future__ import annotations

import numpy as np

from ...losses.regression import mse
from . import Case, exercise

CHAPTER = "01_what_is_a_loss"


def _objective_cases():
    rng = np.random.default_rng(1)
    return [
        Case((np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 5.0]), np.array([0.5, -1.0]), 0.1),
             label="small example", label_zh="小例子"),
        Case((np.array([1.0, 2.0]), np.array([1.0, 2.0]), np.array([3.0]), 0.0),
             label="perfect fit, no penalty", label_zh="完美拟合，无惩罚项"),
        Case((rng.normal(size=20), rng.normal(size=20), rng.normal(size=5), 2.0),
             label="random data, strong penalty", label_zh="随机数据，强惩罚"),
    ]


@exercise(name="objective", chapter=CHAPTER, title="Cost plus L2 penalty",
          title_zh="代价加 L2 正则项",
          cases=_objective_cases,
          hint="cost = mean of (ŷ − y)² over samples; objective = cost + lam * sum(w**2).",
          hint_zh="代价 cost = 各样本 (ŷ − y)² 的平均值；"
                  "目标 objective = cost + lam * sum(w**2)。")
def objective(y_true, y_pred, w, lam):
    """The objective J = (1/n) Σ (ŷ_i − y_i)² + λ‖w‖²."""
    return mse(y_true, y_pred) + lam * float(np.sum(np.asarray(w) ** 2))


def _gd_cases():
    rng = np.random.default_rng(2)
    x = rng.normal(size=30)
    return [
        Case((1.0, np.array([2.0]), np.array([3.0]), 0.1), label="one sample", label_zh="一个样本"),
        Case((0.0, x, 2.0 * x + 0.1, 0.05), label="30 samples", label_zh="30 个样本"),
        Case((5.0, x, -x, 0.5), label="large learning rate", label_zh="学习率较大"),
    ]


@exercise(name="gd_step", chapter=CHAPTER, title="One gradient-descent step on the slope",
          title_zh="对斜率做一步梯度下降",
          cases=_gd_cases,
          hint="dL/dw = mean(2 (w·x − y) · x) by the chain rule; then w − lr · dL/dw.",
          hint_zh="由链式法则，dL/dw = mean(2 (w·x − y) · x)；然后取 w − lr · dL/dw。")
def gd_step(w, x, y, lr):
    """One step of gradient descent on L(w) = mean((w·x − y)²) for a line through the origin."""
    x = np.asarray(x, dtype=float)
    dL_dyhat = mse.grad(y, w * x)          # (2/n)(ŷ − y), already divided by n
    return w - lr * float(np.sum(dL_dyhat * x))
