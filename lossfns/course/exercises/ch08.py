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
        Case((np.array([0.5, 0.4, 0.1]), np.array([0.1, 0.3, 0.6])), label="two distributions"),
        Case((np.array([0.1, 0.3, 0.6]), np.array([0.5, 0.4, 0.1])),
             label="the same two, swapped: KL is not symmetric"),
        Case((np.array([0.2, 0.3, 0.5]), np.array([0.2, 0.3, 0.5])), label="q = p: exactly 0"),
        Case((np.array([0.0, 0.25, 0.75]), np.array([0.5, 0.25, 0.25])),
             label="p_c = 0: the term 0·log 0 counts 0"),
        Case((np.array([0.5, 0.5, 0.0]), np.array([1.0, 0.0, 0.0])),
             label="q_c = 0 < p_c: infinite"),
        Case((rows[0], rows[1]), label="4 distributions, one per row: one value per row"),
        Case((np.array([[1.0, 0.0], [0.5, 0.5]]), np.array([[0.9, 0.1], [0.5, 0.5]])),
             label="a one-hot row and a uniform row"),
    ]


@exercise(name="kl_discrete", chapter=CHAPTER,
          title="KL divergence of discrete distributions", cases=_kl_cases,
          hint="Sum p·log(p/q) over the last axis (axis=-1), one value per distribution. Where "
               "p = 0 the term is 0 (use np.where, and take the log of 1 there so that no "
               "0·log 0 = nan appears); where q = 0 < p the term is +inf.",
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
        Case((np.array([0.9]), 2.0), label="an easy example, γ = 2: 100 times less than CE"),
        Case((grid, 0.0), label="γ = 0: the cross-entropy −log p_t"),
        Case((grid, 2.0), label="γ = 2, a grid of p_t"),
        Case((grid, 0.5), label="γ = 0.5"),
        Case((grid, 5.0), label="γ = 5"),
        Case((np.array([1.0, 1.0]), 2.0), label="p_t = 1: a perfect prediction costs 0"),
        Case((np.array([1.0]), 0.0), label="p_t = 1 with γ = 0 (0⁰ = 1, and log 1 = 0)"),
        Case((np.array([1e-6, 0.5]), 2.0), label="a very hard example, p_t = 1e-6"),
        Case((np.random.default_rng(8).uniform(0.01, 1.0, size=20), 1.5),
             label="20 random p_t, γ = 1.5"),
    ]


@exercise(name="focal_from_pt", chapter=CHAPTER,
          title="Focal loss from the probability of the true class", cases=_focal_cases,
          hint="FL(p_t) = −(1 − p_t)^γ · log(p_t), element by element, with no α. With γ = 0 it is "
               "the cross-entropy −log p_t; at p_t = 1 it is 0 for every γ.",
          forbidden=("focal_loss",))
def focal_from_pt(p_t, gamma):
    """Focal loss −(1 − p_t)^γ log p_t of each p_t in (0, 1] (no α weighting)."""
    p_t = np.asarray(p_t, dtype=float)
    return -((1.0 - p_t) ** gamma) * np.log(p_t)


def _softmax_t_cases():
    rng = np.random.default_rng(60)
    z = rng.normal(0, 3, size=(5, 10))
    return [
        Case((np.array([2.0, 1.0, 0.0]), 1.0), label="T = 1: the ordinary softmax"),
        Case((np.array([2.0, 1.0, 0.0]), 4.0), label="T = 4: softer"),
        Case((np.array([2.0, 1.0, 0.0]), 0.1), label="T = 0.1: nearly one-hot"),
        Case((np.array([2.0, 1.0, 0.0]), 1e4), label="a huge T: nearly uniform"),
        Case((np.array([1000.0, 999.0, 0.0]), 1.0),
             label="large logits: exp(1000) overflows unless you subtract the max"),
        Case((z, 3.0), label="5 rows of 10 logits: one distribution per row"),
        Case((np.array([[0.0, 0.0], [5.0, -5.0]]), 2.0), label="equal logits give ½, ½"),
    ]


@exercise(name="softmax_temperature", chapter=CHAPTER,
          title="Softmax with a temperature", cases=_softmax_t_cases,
          hint="Divide the logits by T, subtract the largest value of each row (the result does "
               "not change, and exp cannot overflow), exponentiate, and divide by the row sum; "
               "work along the last axis (axis=-1, keepdims=True).",
          forbidden=("softmax", "log_softmax"))
def softmax_temperature(z, T):
    """softmax(z / T) along the last axis: T > 1 softens, T < 1 sharpens, T = 1 is the softmax."""
    return np.exp(log_softmax(np.asarray(z, dtype=float) / T, axis=-1))
