"""Exercises of chapter 8, Distributions and imbalance: KL divergence and focal loss."""
from __future__ import annotations

import numpy as np

from ...activations import log_softmax
from . import Case, exercise

CHAPTER = "08_distributions_and_imbalance"


def _kl_cases():
    rng = np.random.default_rng(6)
    rows = rng.dirichlet(np.ones(5), size=(2, 4))          # two batches of 4 distributions
    return [
        Case((np.array([0.5, 0.4, 0.1]), np.array([0.1, 0.3, 0.6])), label="two distributions",
             label_zh="两个分布"),
        Case((np.array([0.1, 0.3, 0.6]), np.array([0.5, 0.4, 0.1])),
             label="the same two, swapped: KL is not symmetric",
             label_zh="同样两个分布，交换位置：KL 不对称"),
        Case((np.array([0.2, 0.3, 0.5]), np.array([0.2, 0.3, 0.5])), label="q = p: exactly 0",
             label_zh="q = p：恰为 0"),
        Case((np.array([0.0, 0.25, 0.75]), np.array([0.5, 0.25, 0.25])),
             label="p_c = 0: the term 0·log 0 counts 0",
             label_zh="p_c = 0：0·log 0 这一项按 0 计"),
        Case((np.array([0.5, 0.5, 0.0]), np.array([1.0, 0.0, 0.0])),
             label="q_c = 0 < p_c: infinite", label_zh="q_c = 0 < p_c：无穷大"),
        Case((rows[0], rows[1]), label="4 distributions, one per row: one value per row",
             label_zh="4 个分布，每行一个：每行得到一个值"),
        Case((np.array([[1.0, 0.0], [0.5, 0.5]]), np.array([[0.9, 0.1], [0.5, 0.5]])),
             label="a one-hot row and a uniform row",
             label_zh="一行是独热分布，一行是均匀分布"),
    ]


@exercise(name="kl_discrete", chapter=CHAPTER,
          title="KL divergence of discrete distributions", cases=_kl_cases,
          title_zh="离散分布的 KL 散度",
          hint="Sum p·log(p/q) over the last axis (axis=-1), one value per distribution. Where "
               "p = 0 the term is 0 (use np.where, and take the log of 1 there so that no "
               "0·log 0 = nan appears); where q = 0 < p the term is +inf.",
          hint_zh="沿最后一个轴（axis=-1）对 p·log(p/q) 求和，每个分布得到一个值。"
                  "p = 0 处该项为 0（用 np.where，并在那里改取 1 的对数，以免出现 "
                  "0·log 0 = nan）；q = 0 < p 处该项为 +inf。",
          forbidden=("kl_divergence",))
def kl_discrete(p, q):
    ("KL(p ‖ q) = Σ_c p_c log(p_c / q_c) along the last axis; "
     "0·log 0 = 0, +inf if q_c = 0 < p_c.")
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    support = p > 0
    with np.errstate(divide="ignore"):        # log 0 = −inf where q_c = 0 < p_c: the term is +inf
        terms = np.where(support, p * (np.log(np.where(support, p, 1.0))
                                       - np.log(np.where(support, q, 1.0))), 0.0)
    return terms.sum(axis=-1)


def _focal_cases():
    grid = np.array([0.05, 0.25, 0.5, 0.75, 0.9, 0.99])
    return [
        Case((np.array([0.9]), 2.0), label="an easy example, γ = 2: 100 times less than CE",
             label_zh="一个容易样本，γ = 2：只有 CE 的 1/100"),
        Case((grid, 0.0), label="γ = 0: the cross-entropy −log p_t",
             label_zh="γ = 0：即交叉熵 −log p_t"),
        Case((grid, 2.0), label="γ = 2, a grid of p_t", label_zh="γ = 2，一组 p_t 网格"),
        Case((grid, 0.5), label="γ = 0.5", label_zh="γ = 0.5"),
        Case((grid, 5.0), label="γ = 5", label_zh="γ = 5"),
        Case((np.array([1.0, 1.0]), 2.0), label="p_t = 1: a perfect prediction costs 0",
             label_zh="p_t = 1：完美预测的损失为 0"),
        Case((np.array([1.0]), 0.0), label="p_t = 1 with γ = 0 (0⁰ = 1, and log 1 = 0)",
             label_zh="p_t = 1 且 γ = 0（0⁰ = 1，且 log 1 = 0）"),
        Case((np.array([1e-6, 0.5]), 2.0), label="a very hard example, p_t = 1e-6",
             label_zh="一个非常困难的样本，p_t = 1e-6"),
        Case((np.random.default_rng(8).uniform(0.01, 1.0, size=20), 1.5),
             label="20 random p_t, γ = 1.5",
             label_zh="20 个随机的 p_t，γ = 1.5"),
    ]


@exercise(name="focal_from_pt", chapter=CHAPTER,
          title="Focal loss from the probability of the true class", cases=_focal_cases,
          title_zh="由真实类别的概率计算焦点损失",
          hint="FL(p_t) = −(1 − p_t)^γ · log(p_t), element by element, with no α. With γ = 0 it is "
               "the cross-entropy −log p_t; at p_t = 1 it is 0 for every γ.",
          hint_zh="FL(p_t) = −(1 − p_t)^γ · log(p_t)，逐元素计算，不带 α。"
                  "γ = 0 时它就是交叉熵 −log p_t；在 p_t = 1 处，对任何 γ 它都为 0。",
          forbidden=("focal_loss",))
def focal_from_pt(p_t, gamma):
    """Focal loss −(1 − p_t)^γ log p_t of each p_t in (0, 1] (no α weighting)."""
    p_t = np.asarray(p_t, dtype=float)
    return -((1.0 - p_t) ** gamma) * np.log(p_t)


def _softmax_t_cases():
    rng = np.random.default_rng(60)
    z = rng.normal(0, 3, size=(5, 10))
    return [
        Case((np.array([2.0, 1.0, 0.0]), 1.0), label="T = 1: the ordinary softmax",
             label_zh="T = 1：普通的 softmax"),
        Case((np.array([2.0, 1.0, 0.0]), 4.0), label="T = 4: softer", label_zh="T = 4：更软"),
        Case((np.array([2.0, 1.0, 0.0]), 0.1), label="T = 0.1: nearly one-hot",
             label_zh="T = 0.1：几乎是独热的"),
        Case((np.array([2.0, 1.0, 0.0]), 1e4), label="a huge T: nearly uniform",
             label_zh="极大的 T：几乎均匀"),
        Case((np.array([1000.0, 999.0, 0.0]), 1.0),
             label="large logits: exp(1000) overflows unless you subtract the max",
             label_zh="很大的 logit：不减去最大值，exp(1000) 就会溢出"),
        Case((z, 3.0), label="5 rows of 10 logits: one distribution per row",
             label_zh="5 行、每行 10 个 logit：每行一个分布"),
        Case((np.array([[0.0, 0.0], [5.0, -5.0]]), 2.0), label="equal logits give ½, ½",
             label_zh="相等的 logit 得到 ½、½"),
    ]


@exercise(name="softmax_temperature", chapter=CHAPTER,
          title="Softmax with a temperature", cases=_softmax_t_cases,
          title_zh="带温度的 softmax",
          hint="Divide the logits by T, subtract the largest value of each row (the result does "
               "not change, and exp cannot overflow), exponentiate, and divide by the row sum; "
               "work along the last axis (axis=-1, keepdims=True).",
          hint_zh="把 logit 除以 T，减去每行的最大值（结果不变，exp 也不会溢出），"
                  "取指数，再除以行和；沿最后一个轴计算（axis=-1, keepdims=True）。",
          forbidden=("softmax", "log_softmax"))
def softmax_temperature(z, T):
    """softmax(z / T) along the last axis: T > 1 softens, T < 1 sharpens, T = 1 is the softmax."""
    return np.exp(log_softmax(np.asarray(z, dtype=float) / T, axis=-1))
