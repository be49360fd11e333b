"""Exercises of chapter 5, Where losses come from: maximum likelihood (最大似然)."""
from __future__ import annotations

import math

import numpy as np

from ...losses.likelihood import poisson_nll_loss
from ...losses.regression import mae
from . import Case, exercise

CHAPTER = "05_maximum_likelihood"

#: log(y!) = lgamma(y + 1), element by element (exact, unlike Stirling's approximation)
_log_factorial = np.vectorize(lambda y: math.lgamma(y + 1.0), otypes=[np.float64])


def _laplace_cases():
    rng = np.random.default_rng(51)
    return [
        Case((np.array([1.0, 1.0, 1.0]), np.array([1.0, 2.0, -1.0])), {"b": 1.0},
             label="b = 1: a perfect prediction still costs log 2",
             label_zh="b = 1：完美预测的代价仍是 log 2"),
        Case((np.array([0.0, 3.0]), np.array([0.5, 0.0])), {"b": 0.5},
             label="b = 0.5: log(2b) = 0, the loss is |y − μ|/b",
             label_zh="b = 0.5：log(2b) = 0，损失就是 |y − μ|/b"),
        Case((np.array([10.0, -4.0, 2.5]), np.array([12.0, -4.0, 0.0])), {"b": 3.0},
             label="b = 3: a wide distribution", label_zh="b = 3：分布很宽"),
        Case((np.zeros(2), np.array([1e6, -1e6])), {"b": 0.01},
             label="huge residuals and a small b", label_zh="极大的残差和很小的 b"),
        Case((rng.normal(size=(3, 4)), rng.normal(size=(3, 4))), {"b": 0.7},
             label="2-D arrays (keep the shape)", label_zh="二维数组（保持形状）"),
    ]


@exercise(name="laplace_nll", chapter=CHAPTER, title="Laplace negative log-likelihood",
          title_zh="拉普拉斯负对数似然",
          cases=_laplace_cases,
          hint="The Laplace density is exp(−|y − μ|/b) / (2b). Take −log of it for each element: "
               "|y − μ|/b + log(2b). Both terms matter: log(2b) does not depend on μ, but it is "
               "part of the NLL (it is what makes the loss at a perfect prediction log 2b, not 0).",
          hint_zh="拉普拉斯密度为 exp(−|y − μ|/b) / (2b)。对每个元素取它的 −log："
                  "|y − μ|/b + log(2b)。两项都不能少：log(2b) 与 μ 无关，但它是负对数似然"
                  "（NLL）的一部分，正是它使完美预测的损失为 log 2b 而不是 0。",
          forbidden=("mae",))
def laplace_nll(y_true, mean, b=1.0):
    """−log of the Laplace density of each element (no mean): |y − μ|/b + log 2b."""
    return mae(y_true, mean, reduction="none") / b + np.log(2.0 * b)


def _poisson_cases():
    rng = np.random.default_rng(52)
    return [
        Case((np.array([0.0, 0.0]), np.array([0.0, np.log(3.0)])),
             label="zero counts: the NLL is λ (no log of y)",
             label_zh="计数为零：负对数似然就是 λ，不取 y 的对数"),
        Case((np.array([1.0, 2.0, 5.0]), np.log(np.array([1.0, 2.0, 5.0]))),
             label="rates equal to the counts", label_zh="速率等于计数"),
        Case((np.array([3.0, 10.0, 40.0]), np.array([-2.0, 0.5, 3.0])),
             label="larger counts: log(y!) is exact, not Stirling's approximation",
             label_zh="较大的计数：log(y!) 取精确值，而不是斯特林近似"),
        Case((np.array([0.0, 7.0]), np.array([-30.0, 4.0])),
             label="a tiny rate for a zero count, a rate of e⁴ for a count of 7",
             label_zh="计数为 0 时速率极小，计数为 7 时速率为 e⁴"),
        Case((rng.poisson(3.0, size=(2, 5)).astype(float), rng.normal(1.0, 0.5, size=(2, 5))),
             label="2-D arrays (keep the shape)", label_zh="二维数组（保持形状）"),
    ]


@exercise(name="poisson_nll_pmf", chapter=CHAPTER,
          title="Poisson negative log-likelihood from the pmf", cases=_poisson_cases,
          title_zh="由概率质量函数计算泊松负对数似然",
          hint="P(y | λ) = λ^y e^(−λ) / y! with λ = exp(log_rate). Its −log is "
               "λ − y·log_rate + log(y!), element by element. log(y!) = lgamma(y + 1): "
               "math.lgamma or scipy.special.gammaln (np.log(math.factorial(y)) overflows for "
               "large y). Keep every term: this is the full NLL, not the loss that drops log(y!).",
          hint_zh="P(y | λ) = λ^y e^(−λ) / y!，其中 λ = exp(log_rate)。逐元素取它的 −log，得到 "
                  "λ − y·log_rate + log(y!)。log(y!) = lgamma(y + 1)：用 math.lgamma 或 "
                  "scipy.special.gammaln（y 很大时 np.log(math.factorial(y)) 会溢出）。"
                  "每一项都要保留：这是完整的负对数似然，而不是省去 log(y!) 的那种损失。",
          forbidden=("poisson_nll_loss",))
def poisson_nll_pmf(y_true, log_rate):
    """−log P(y | λ = e^s) of each element (no mean): e^s − y·s + log(y!), log(y!) exact."""
    y = np.asarray(y_true, dtype=np.float64)
    return poisson_nll_loss(y, log_rate, reduction="none") + _log_factorial(y)
