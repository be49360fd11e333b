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
             label="two residuals inside δ, two outside"),
        Case((np.array([1.0, 1.0, 5.0]), np.array([2.0, 0.0, 5.0])), {"delta": 1.0},
             label="residuals exactly +δ, −δ and 0"),
        Case((np.zeros(3), np.zeros(3)), {"delta": 1.0}, label="all residuals zero"),
        Case((np.array([3.0, -1.0]), np.array([3.25, 1.5])), {"delta": 0.5},
             label="δ = 0.5: the bend moves closer to 0"),
        Case((np.array([0.0, 0.0]), np.array([1e6, -2.5])), {"delta": 2.5},
             label="a huge residual, and one exactly at −δ = −2.5"),
        Case((rng.normal(size=(3, 4)), 3.0 * rng.normal(size=(3, 4))), {"delta": 2.0},
             label="2-D arrays (keep the shape)"),
    ]


@exercise(name="huber_values", chapter=CHAPTER, title="Huber loss of each sample",
          cases=_huber_cases,
          hint="r = y_pred − y_true; where |r| ≤ delta the loss is 0.5·r², elsewhere "
               "delta·(|r| − 0.5·delta). np.where(np.abs(r) <= delta, …, …) does both at once; "
               "return one value per element, same shape as the inputs.", forbidden=("huber",))
def huber_values(y_true, y_pred, delta=1.0):
    """The Huber loss of each element (no mean): ½r² for |r| ≤ δ, δ(|r| − ½δ) beyond."""
    return huber(y_true, y_pred, delta=delta, reduction="none")


@exercise(name="huber_grad", chapter=CHAPTER, title="Derivative of the Huber loss",
          cases=_huber_cases,
          hint="Differentiate each piece: d(½r²)/dŷ = r inside, d(δ(|r| − ½δ))/dŷ = δ·sign(r) "
               "outside. Together that is r clipped to [−delta, delta]: np.clip. At |r| = δ both "
               "pieces give ±δ.", forbidden=("huber",))
def huber_grad(y_true, y_pred, delta=1.0):
    """dℓ_i/dŷ_i of the Huber loss of each element (no mean): r clipped to [−δ, δ]."""
    return huber.grad(y_true, y_pred, delta=delta, reduction="none")


def _pinball_cases():
    rng = np.random.default_rng(22)
    return [
        Case((np.array([10.0, 10.0]), np.array([8.0, 12.0])), {"q": 0.9},
             label="q = 0.9: under-prediction by 2, over-prediction by 2"),
        Case((np.array([10.0, 10.0]), np.array([8.0, 12.0])), {"q": 0.1},
             label="q = 0.1: the costs swap"),
        Case((np.array([1.0, -4.0, 7.5]), np.array([1.0, -4.0, 7.5])), {"q": 0.7},
             label="perfect predictions (u = 0)"),
        Case((np.array([0.0, 1.0, 2.0]), np.array([3.0, -1.0, 2.5])), {"q": 0.5},
             label="q = 0.5: half the absolute error"),
        Case((rng.normal(size=(4, 3)), rng.normal(size=(4, 3))), {"q": 0.25},
             label="2-D arrays (keep the shape)"),
    ]


@exercise(name="pinball", chapter=CHAPTER, title="Quantile (pinball) loss of each sample",
          cases=_pinball_cases,
          hint="u = y_true − y_pred (positive when the prediction is too low). The loss is q·u "
               "when u ≥ 0 and (q − 1)·u when u < 0; np.maximum(q*u, (q - 1)*u) gives both.",
          forbidden=("quantile",))
def pinball(y_true, y_pred, q=0.5):
    """The quantile (pinball) loss of each element (no mean): max(q·u, (q − 1)·u), u = y − ŷ."""
    return quantile(y_true, y_pred, q=q, reduction="none")
