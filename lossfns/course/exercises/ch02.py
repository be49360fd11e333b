"""Exercises of chapter 2, Regression losses (回归损失)."""
from __future__ import annotations

import numpy as np

from ...losses.regression import huber, quantile
from . import Case, exercise

CHAPTER = "02_regression_losses"


def _huber_cases():
    rng = np.random.default_rng(21)
    return [
        Case((np.zeros(4), np.array([0.5, -0.5, 2.0, -3.0])), {"delta": 1.0},
             label="two residuals inside δ, two outside",
             label_zh="两个残差在 δ 以内，两个在外"),
        Case((np.array([1.0, 1.0, 5.0]), np.array([2.0, 0.0, 5.0])), {"delta": 1.0},
             label="residuals exactly +δ, −δ and 0",
             label_zh="残差恰为 +δ、−δ 和 0"),
        Case((np.zeros(3), np.zeros(3)), {"delta": 1.0}, label="all residuals zero",
             label_zh="残差全为零"),
        Case((np.array([3.0, -1.0]), np.array([3.25, 1.5])), {"delta": 0.5},
             label="δ = 0.5: the bend moves closer to 0",
             label_zh="δ = 0.5：拐点向 0 靠近"),
        Case((np.array([0.0, 0.0]), np.array([1e6, -2.5])), {"delta": 2.5},
             label="a huge residual, and one exactly at −δ = −2.5",
             label_zh="一个极大的残差，和一个恰为 −δ = −2.5 的残差"),
        Case((rng.normal(size=(3, 4)), 3.0 * rng.normal(size=(3, 4))), {"delta": 2.0},
             label="2-D arrays (keep the shape)", label_zh="二维数组（保持形状）"),
    ]


@exercise(name="huber_values", chapter=CHAPTER, title="Huber loss of each sample",
          title_zh="每个样本的 Huber 损失",
          cases=_huber_cases,
          hint="r = y_pred − y_true; where |r| ≤ delta the loss is 0.5·r², elsewhere "
               "delta·(|r| − 0.5·delta). np.where(np.abs(r) <= delta, …, …) does both at once; "
               "return one value per element, same shape as the inputs.", forbidden=("huber",),
          hint_zh="r = y_pred − y_true；|r| ≤ delta 处损失为 0.5·r²，其余处为 "
                  "delta·(|r| − 0.5·delta)。np.where(np.abs(r) <= delta, …, …) 一次算出两段；"
                  "每个元素返回一个值，形状与输入相同。")
def huber_values(y_true, y_pred, delta=1.0):
    """The Huber loss of each element (no mean): ½r² for |r| ≤ δ, δ(|r| − ½δ) beyond."""
    return huber(y_true, y_pred, delta=delta, reduction="none")


@exercise(name="huber_grad", chapter=CHAPTER, title="Derivative of the Huber loss",
          title_zh="Huber 损失的导数",
          cases=_huber_cases,
          hint="Differentiate each piece: d(½r²)/dŷ = r inside, d(δ(|r| − ½δ))/dŷ = δ·sign(r) "
               "outside. Together that is r clipped to [−delta, delta]: np.clip. At |r| = δ both "
               "pieces give ±δ.", forbidden=("huber",),
          hint_zh="对每一段求导：内侧 d(½r²)/dŷ = r，外侧 d(δ(|r| − ½δ))/dŷ = δ·sign(r)。合起来就是"
                  "把 r 截断到 [−delta, delta]：np.clip。在 |r| = δ 处两段都给出 ±δ。")
def huber_grad(y_true, y_pred, delta=1.0):
    """dℓ_i/dŷ_i of the Huber loss of each element (no mean): r clipped to [−δ, δ]."""
    return huber.grad(y_true, y_pred, delta=delta, reduction="none")


def _pinball_cases():
    rng = np.random.default_rng(22)
    return [
        Case((np.array([10.0, 10.0]), np.array([8.0, 12.0])), {"q": 0.9},
             label="q = 0.9: under-prediction by 2, over-prediction by 2",
             label_zh="q = 0.9：低估 2 与高估 2"),
        Case((np.array([10.0, 10.0]), np.array([8.0, 12.0])), {"q": 0.1},
             label="q = 0.1: the costs swap", label_zh="q = 0.1：两种代价互换"),
        Case((np.array([1.0, -4.0, 7.5]), np.array([1.0, -4.0, 7.5])), {"q": 0.7},
             label="perfect predictions (u = 0)", label_zh="完美预测（u = 0）"),
        Case((np.array([0.0, 1.0, 2.0]), np.array([3.0, -1.0, 2.5])), {"q": 0.5},
             label="q = 0.5: half the absolute error",
             label_zh="q = 0.5：绝对误差的一半"),
        Case((rng.normal(size=(4, 3)), rng.normal(size=(4, 3))), {"q": 0.25},
             label="2-D arrays (keep the shape)", label_zh="二维数组（保持形状）"),
    ]


@exercise(name="pinball", chapter=CHAPTER, title="Quantile (pinball) loss of each sample",
          title_zh="每个样本的分位数（pinball）损失",
          cases=_pinball_cases,
          hint="u = y_true − y_pred (positive when the prediction is too low). The loss is q·u "
               "when u ≥ 0 and (q − 1)·u when u < 0; np.maximum(q*u, (q - 1)*u) gives both.",
          forbidden=("quantile",),
          hint_zh="u = y_true − y_pred（预测偏低时为正）。u ≥ 0 时损失为 q·u，"
                  "u < 0 时为 (q − 1)·u；np.maximum(q*u, (q - 1)*u) 同时给出两者。")
def pinball(y_true, y_pred, q=0.5):
    """The quantile (pinball) loss of each element (no mean): max(q·u, (q − 1)·u), u = y − ŷ."""
    return quantile(y_true, y_pred, q=q, reduction="none")
