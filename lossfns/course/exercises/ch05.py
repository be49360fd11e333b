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
             label="b = 1: a perfect prediction still costs log 2"),
        Case((np.array([0.0, 3.0]), np.array([0.5, 0.0])), {"b": 0.5},
             label="b = 0.5: log(2b) = 0, the loss is |y − μ|/b"),
        Case((np.array([10.0, -4.0, 2.5]), np.array([12.0, -4.0, 0.0])), {"b": 3.0},
             label="b = 3: a wide distribution"),
        Case((np.zeros(2), np.array([1e6, -1e6])), {"b": 0.01},
             label="huge residuals and a small b"),
        Case((rng.normal(size=(3, 4)), rng.normal(size=(3, 4))), {"b": 0.7},
             label="2-D arrays (keep the shape)"),
    ]


@exercise(name="laplace_nll", chapter=CHAPTER, title="Laplace negative log-likelihood",
          cases=_laplace_cases,
          hint="The Laplace density is exp(−|y − μ|/b) / (2b). Take −log of it for each element: "
               "|y − μ|/b + log(2b). Both terms matter: log(2b) does not depend on μ, but it is "
               "part of the NLL (it is what makes the loss at a perfect prediction log 2b, not 0).",
          forbidden=("mae",))
def laplace_nll(y_true, mean, b=1.0):
    """−log of the Laplace density of each element (no mean): |y − μ|/b + log 2b."""
    return mae(y_true, mean, reduction="none") / b + np.log(2.0 * b)


def _poisson_cases():
    rng = np.random.default_rng(52)
    return [
        Case((np.array([0.0, 0.0]), np.array([0.0, np.log(3.0)])),
             label="zero counts: the NLL is λ (no log of y)"),
        Case((np.array([1.0, 2.0, 5.0]), np.log(np.array([1.0, 2.0, 5.0]))),
             label="rates equal to the counts"),
        Case((np.array([3.0, 10.0, 40.0]), np.array([-2.0, 0.5, 3.0])),
             label="larger counts: log(y!) is exact, not Stirling's approximation"),
        Case((np.array([0.0, 7.0]), np.array([-30.0, 4.0])),
             label="a tiny rate for a zero count, a rate of e⁴ for a count of 7"),
        Case((rng.poisson(3.0, size=(2, 5)).astype(float), rng.normal(1.0, 0.5, size=(2, 5))),
             label="2-D arrays (keep the shape)"),
    ]


@exercise(name="poisson_nll_pmf", chapter=CHAPTER,
          title="Poisson negative log-likelihood from the pmf", cases=_poisson_cases,
          hint="P(y | λ) = λ^y e^(−λ) / y! with λ = exp(log_rate). Its −log is "
               "λ − y·log_rate + log(y!), element by element. log(y!) = lgamma(y + 1): "
               "math.lgamma or scipy.special.gammaln (np.log(math.factorial(y)) overflows for "
               "large y). Keep every term: this is the full NLL, not the loss that drops log(y!).",
          forbidden=("poisson_nll_loss",))
def poisson_nll_pmf(y_true, log_rate):
    """−log P(y | λ = e^s) of each element (no mean): e^s − y·s + log(y!), log(y!) exact."""
    y = np.asarray(y_true, dtype=np.float64)
    return poisson_nll_loss(y, log_rate, reduction="none") + _log_factorial(y)
