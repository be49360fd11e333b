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
             label="TP = 2, FP = 1, FN = 1"),
        Case((np.array([0, 1, 1, 0]), np.array([0, 1, 1, 0])), label="every label right: F1 = 1"),
        Case((np.array([0, 1, 1, 0]), np.array([1, 0, 0, 1])), label="every label wrong: F1 = 0"),
        Case((y_rare, np.zeros(50)),
             label="2 positives in 50, the model always says 0: accuracy 0.96, F1 = 0"),
        Case((y_rare, np.ones(50)), label="the model always says 1"),
        Case((np.zeros(6), np.zeros(6)),
             label="no positives at all, none predicted: nothing to miss, F1 = 1 by convention"),
        Case((np.zeros(4), np.array([0, 1, 0, 0])), label="no true positives exist, one predicted"),
        Case((rng.integers(0, 2, 40), rng.integers(0, 2, 40)), label="40 random labels"),
    ]


@exercise(name="f1_from_labels", chapter=CHAPTER, title="F1 score of the positive class",
          cases=_f1_cases,
          hint="Count TP (y_true = 1 and y_pred = 1), FP (y_true = 0, y_pred = 1) and FN "
               "(y_true = 1, y_pred = 0); F1 = 2·TP / (2·TP + FP + FN). When that denominator is "
               "0 there are no positives anywhere: return 1.0 (as lossfns.dice_coefficient and "
               "f1_score(..., zero_division=1.0) do). Return a float.",
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
             label="β = 1: smooth L1 equals Huber with δ = 1"),
        Case((np.zeros(4), np.array([0.5, -0.5, 2.0, -3.0]), 2.0),
             label="β = 2: Huber with δ = 2, divided by 2"),
        Case((np.zeros(3), np.array([0.1, -0.2, 0.05]), 0.5),
             label="every residual inside β: the quadratic piece r²/(2β)"),
        Case((np.zeros(3), np.array([4.0, -6.0, 10.0]), 0.5),
             label="every residual outside β: |r| − β/2"),
        Case((np.array([1.0, 2.0]), np.array([1.0, 2.0]), 1.0), label="perfect predictions: 0"),
        Case((np.zeros(3), np.array([1.0, -2.0, 3.0]), 1e-4),
             label="a tiny β: almost the mean absolute error"),
        Case((rng.normal(size=(3, 4)), rng.normal(0, 2, size=(3, 4)), 0.8),
             label="2-D arrays: one mean over every element"),
    ]


@exercise(name="smooth_l1_via_huber", chapter=CHAPTER,
          title="PyTorch's smooth L1 loss from lossfns.huber", cases=_smooth_l1_cases,
          hint="PyTorch's smooth L1 is ½r²/β for |r| < β and |r| − ½β beyond: the Huber loss "
               "with δ = β, divided by β. Call lossfns.huber(y_true, y_pred, delta=beta) (mean "
               "over every element) and divide by beta. Mind the order: lossfns takes "
               "(y_true, y_pred), torch's smooth_l1_loss(input, target) the prediction first.")
def smooth_l1_via_huber(y_true, y_pred, beta):
    """What ``F.smooth_l1_loss(y_pred, y_true, beta=beta)`` returns (the mean), computed with
    ``lossfns.huber``."""
    return huber(y_true, y_pred, delta=beta) / beta
