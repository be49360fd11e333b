"""Exercises of chapter 4, Multiclass classification and margins (多分类与间隔)."""
from __future__ import annotations

import numpy as np

from ...losses.classification import cross_entropy, multiclass_hinge
from . import Case, exercise

CHAPTER = "04_multiclass_and_margins"

#: Logits far beyond where exp overflows (e^1000 > 1.8e308): a softmax without the max shift breaks.
HUGE_LOGIT = 1e3


def _multiclass_cases():
    rng = np.random.default_rng(4)
    return [
        Case((np.array([0]), np.array([[2.0, 1.0, 0.1]])), label="one sample, three classes",
             label_zh="一个样本，三个类别"),
        Case((np.array([0, 1, 2, 1]),
              np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3], [1.2, 0.2, 3.1], [2.0, 0.5, 0.4]])),
             label="four samples", label_zh="四个样本"),
        Case((np.array([3, 0]), np.zeros((2, 5))), label="equal logits: the loss is log C",
             label_zh="logit 全部相等：损失为 log C"),
        Case((np.array([0, 1]), np.array([[HUGE_LOGIT, -HUGE_LOGIT, 0.0],
                                          [HUGE_LOGIT, -HUGE_LOGIT, 0.0]])),
             label="logits ±1e3: exp overflows unless you subtract the row maximum",
             label_zh="logit 为 ±1e3：不减去每行的最大值，exp 就会溢出"),
        Case((rng.integers(0, 10, size=20), rng.normal(0, 3, size=(20, 10))),
             label="20 samples, 10 classes", label_zh="20 个样本，10 个类别"),
    ]


@exercise(name="softmax_cross_entropy", chapter=CHAPTER,
          title="Mean softmax cross-entropy for class indices", cases=_multiclass_cases,
          title_zh="平均 softmax 交叉熵（标签为类别索引）",
          hint="log p_c = z_c − logsumexp(z), and logsumexp(z) = max(z) + log Σ exp(z − max(z)) "
               "never overflows (do it row by row: axis=1, keepdims=True). Then take −log p of "
               "each row's true class, logp[np.arange(n), y], and average over the rows.",
          hint_zh="log p_c = z_c − logsumexp(z)，而 "
                  "logsumexp(z) = max(z) + log Σ exp(z − max(z)) 永远不会溢出"
                  "（逐行计算：axis=1, keepdims=True）。然后取每行真实类别的 −log p，"
                  "即 logp[np.arange(n), y]，再对各行求平均。",
          forbidden=("cross_entropy", "nll_loss", "log_softmax", "softmax"))
def softmax_cross_entropy(y_true, logits):
    """Mean over the samples of −log softmax(z)_y, for class indices y (n,) and logits (n, C)."""
    return cross_entropy(y_true, logits)


def _hinge_cases():
    rng = np.random.default_rng(5)
    return [
        Case((np.array([2]), np.array([[2.2, 2.5, -3.1]])),
             label="one sample, both wrong classes ahead of the true one",
             label_zh="一个样本，两个错误类别的分数都高于真实类别"),
        Case((np.array([0, 1, 2]),
              np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])),
             label="the lesson's three samples", label_zh="本课的三个样本"),
        Case((np.array([0, 0]), np.array([[3.0, 2.0, 2.0], [3.0, 2.5, 1.0]])),
             label="true score exactly 1 above a wrong one: that class costs 0, not 1",
             label_zh="真实分数恰好比某个错误类别高 1：该类别的代价是 0，而不是 1"),
        Case((np.array([1, 3]), np.zeros((2, 4))),
             label="equal scores: every wrong class costs 1, the true class nothing",
             label_zh="分数全部相等：每个错误类别的代价为 1，真实类别不计代价"),
        Case((np.array([1, 0]), np.array([[0.4, -0.2], [-1.0, 1.5]])), label="two classes",
             label_zh="两个类别"),
        Case((rng.integers(0, 10, size=20), rng.normal(0, 2, size=(20, 10))),
             label="20 samples, 10 classes", label_zh="20 个样本，10 个类别"),
    ]


@exercise(name="weston_watkins_hinge", chapter=CHAPTER,
          title="Weston–Watkins multiclass hinge of each sample", cases=_hinge_cases,
          title_zh="每个样本的 Weston–Watkins 多类合页损失",
          hint="Take each row's true score, s_y = s[np.arange(n), y][:, None], and form "
               "np.maximum(0, 1 − s_y + s) for every class at once. The true class's own term is "
               "always exactly 1 (1 − s_y + s_y): set it to 0 (or subtract 1) before summing "
               "over axis=1. One value per sample, no mean.",
          hint_zh="取出每行的真实类别分数 s_y = s[np.arange(n), y][:, None]，"
                  "一次性对所有类别算出 np.maximum(0, 1 − s_y + s)。真实类别自身那一项"
                  "总是恰好为 1（1 − s_y + s_y）：在沿 axis=1 求和之前把它置为 0"
                  "（或减去 1）。每个样本一个值，不取平均。",
          forbidden=("multiclass_hinge",))
def weston_watkins_hinge(y_true, scores):
    """Σ over the wrong classes j of max(0, 1 − s_y + s_j), for each sample (no reduction)."""
    return multiclass_hinge(y_true, scores, reduction="none")
