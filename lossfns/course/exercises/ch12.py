"""Exercises of chapter 12, Choosing a loss function (如何选择损失函数): a metric, a convention."""
from __future__ import annotations

import numpy as np

from ...losses.regression import huber
from . import Case, exercise

CHAPTER = "12_choosing_a_loss"


def _f1_cases():
    rng = np.random.default_rng(10)
    y_rare = np.zeros(50)
    y_rare[[3, 17]] = 1.0                                   # 2 positives among 50
    return [
        Case((np.array([1, 1, 0, 0, 1]), np.array([1, 0, 0, 1, 1])),
             label="TP = 2, FP = 1, FN = 1", label_zh="TP = 2，FP = 1，FN = 1"),
        Case((np.array([0, 1, 1, 0]), np.array([0, 1, 1, 0])), label="every label right: F1 = 1",
             label_zh="每个标签都对：F1 = 1"),
        Case((np.array([0, 1, 1, 0]), np.array([1, 0, 0, 1])), label="every label wrong: F1 = 0",
             label_zh="每个标签都错：F1 = 0"),
        Case((y_rare, np.zeros(50)),
             label="2 positives in 50, the model always says 0: accuracy 0.96, F1 = 0",
             label_zh="50 个样本中有 2 个正样本，模型总是回答 0：准确率 0.96，F1 = 0"),
        Case((y_rare, np.ones(50)), label="the model always says 1", label_zh="模型总是回答 1"),
        Case((np.zeros(6), np.zeros(6)),
             label="no positives at all, none predicted: nothing to miss, F1 = 1 by convention",
             label_zh="根本没有正样本，也没有预测出正样本：无可遗漏，按约定 F1 = 1"),
        Case((np.zeros(4), np.array([0, 1, 0, 0])), label="no true positives exist, one predicted",
             label_zh="真实标签中没有正样本，却预测出一个"),
        Case((rng.integers(0, 2, 40), rng.integers(0, 2, 40)), label="40 random labels",
             label_zh="40 个随机标签"),
    ]


@exercise(name="f1_from_labels", chapter=CHAPTER, title="F1 score of the positive class",
          title_zh="正类的 F1 分数",
          cases=_f1_cases,
          hint="Count TP (y_true = 1 and y_pred = 1), FP (y_true = 0, y_pred = 1) and FN "
               "(y_true = 1, y_pred = 0); F1 = 2·TP / (2·TP + FP + FN). When that denominator is "
               "0 there are no positives anywhere: return 1.0 (as lossfns.dice_coefficient and "
               "f1_score(..., zero_division=1.0) do). Return a float.",
          hint_zh="统计 TP（y_true = 1 且 y_pred = 1）、FP（y_true = 0 且 y_pred = 1）和 FN"
                  "（y_true = 1 且 y_pred = 0）；F1 = 2·TP / (2·TP + FP + FN)。这个分母为 0 时，"
                  "任何地方都没有正样本：返回 1.0（lossfns.dice_coefficient 和 "
                  "f1_score(..., zero_division=1.0) 也是这样做的）。返回一个浮点数。",
          forbidden=("dice_coefficient", "dice_loss"))
def f1_from_labels(y_true, y_pred):
    ("F1 score of class 1 from 0/1 labels: 2·TP / (2·TP + FP + FN); "
     "1.0 if there are no positives.")
    t = np.asarray(y_true) == 1
    p = np.asarray(y_pred) == 1
    tp, fp, fn = np.sum(t & p), np.sum(~t & p), np.sum(t & ~p)
    denominator = 2 * tp + fp + fn
    return 1.0 if denominator == 0 else float(2 * tp / denominator)


def _smooth_l1_cases():
    rng = np.random.default_rng(11)
    return [
        Case((np.zeros(4), np.array([0.5, -0.5, 2.0, -3.0]), 1.0),
             label="β = 1: smooth L1 equals Huber with δ = 1",
             label_zh="β = 1：smooth L1 等于 δ = 1 的 Huber 损失"),
        Case((np.zeros(4), np.array([0.5, -0.5, 2.0, -3.0]), 2.0),
             label="β = 2: Huber with δ = 2, divided by 2",
             label_zh="β = 2：δ = 2 的 Huber 损失除以 2"),
        Case((np.zeros(3), np.array([0.1, -0.2, 0.05]), 0.5),
             label="every residual inside β: the quadratic piece r²/(2β)",
             label_zh="每个残差都在 β 以内：二次段 r²/(2β)"),
        Case((np.zeros(3), np.array([4.0, -6.0, 10.0]), 0.5),
             label="every residual outside β: |r| − β/2",
             label_zh="每个残差都在 β 以外：|r| − β/2"),
        Case((np.array([1.0, 2.0]), np.array([1.0, 2.0]), 1.0), label="perfect predictions: 0",
             label_zh="完美预测：0"),
        Case((np.zeros(3), np.array([1.0, -2.0, 3.0]), 1e-4),
             label="a tiny β: almost the mean absolute error",
             label_zh="极小的 β：几乎就是平均绝对误差"),
        Case((rng.normal(size=(3, 4)), rng.normal(0, 2, size=(3, 4)), 0.8),
             label="2-D arrays: one mean over every element",
             label_zh="二维数组：对所有元素取一个平均值"),
    ]


@exercise(name="smooth_l1_via_huber", chapter=CHAPTER,
          title="PyTorch's smooth L1 loss from lossfns.huber", cases=_smooth_l1_cases,
          title_zh="用 lossfns.huber 计算 PyTorch 的 smooth L1 损失",
          hint="PyTorch's smooth L1 is ½r²/β for |r| < β and |r| − ½β beyond: the Huber loss "
               "with δ = β, divided by β. Call lossfns.huber(y_true, y_pred, delta=beta) (mean "
               "over every element) and divide by beta. Mind the order: lossfns takes "
               "(y_true, y_pred), torch's smooth_l1_loss(input, target) the prediction first.",
          hint_zh="PyTorch 的 smooth L1 在 |r| < β 时为 ½r²/β，其余情况为 |r| − ½β："
                  "即 δ = β 的 Huber 损失除以 β。调用 lossfns.huber(y_true, y_pred, delta=beta)"
                  "（对所有元素取平均），再除以 beta。注意参数顺序：lossfns 接收 "
                  "(y_true, y_pred)，而 torch 的 smooth_l1_loss(input, target) 把预测放在前面。")
def smooth_l1_via_huber(y_true, y_pred, beta):
    """What ``F.smooth_l1_loss(y_pred, y_true, beta=beta)`` returns (the mean), computed with
    ``lossfns.huber``."""
    return huber(y_true, y_pred, delta=beta) / beta
