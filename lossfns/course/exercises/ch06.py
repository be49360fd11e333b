"""Exercises of chapter 6, Gradient descent (梯度下降)."""
from __future__ import annotations

import numpy as np

from ...gradcheck import numeric_grad
from ...losses.regression import mse
from . import Case, exercise

CHAPTER = "06_gradient_descent"


# --------------------------------------------------------------------------------------------
# A finite-difference gradient
# --------------------------------------------------------------------------------------------
def _line_mse(theta):
    """The MSE of ŷ = w·x + b on three points, as a function of θ = (w, b)."""
    x, y = np.array([1.0, 2.0, 4.0]), np.array([2.0, 7.0, 11.0])
    return mse(y, theta[0] * x + theta[1])


def _sum_sin(z):
    return float(np.sum(np.sin(z)))


def _cubic(z):
    return float(np.sum(z ** 3))


def _flat_in_x1(z):
    """Depends on z[0] only: the second component of its gradient is exactly 0."""
    return float(z[0] ** 2 + 3.0)


def _numeric_gradient_cases():
    rng = np.random.default_rng(4)
    return [
        Case((_line_mse, np.array([0.5, 1.0])), label="MSE of a line, θ = (w, b)"),
        Case((_sum_sin, rng.normal(size=(2, 3))), label="x is a 2×3 matrix"),
        Case((_flat_in_x1, np.array([1.5, -2.0])), label="a zero component"),
        Case((_cubic, np.array([2.0])), {"eps": 1e-3},
             label="eps = 1e-3: central, not forward, differences"),
        Case((_line_mse, np.array([-3.0, 10.0])), {"eps": 1e-5}, label="another point and eps"),
    ]


@exercise(name="numeric_gradient", chapter=CHAPTER, title="A finite-difference gradient",
          cases=_numeric_gradient_cases,
          hint="For each index i of x (np.ndindex(x.shape) visits every one), evaluate f at a copy "
               "of x with x[i] + eps and with x[i] − eps; the i-th component is "
               "(f(x + eps e_i) − f(x − eps e_i)) / (2 eps). Return an array shaped like x.",
          forbidden=("gradcheck.numeric_grad",))
def numeric_gradient(f, x, eps=1e-6):
    """The gradient of the scalar function f at x by central differences, shaped like x."""
    return numeric_grad(f, x, eps)


# --------------------------------------------------------------------------------------------
# One momentum step (torch.optim.SGD with momentum)
# --------------------------------------------------------------------------------------------
def _momentum_cases():
    rng = np.random.default_rng(5)
    return [
        Case((np.array([1.0, -2.0]), np.array([0.5, 0.5]), None, 0.1, 0.9),
             label="first step: no buffer yet (buf=None)"),
        Case((np.array([1.0, -2.0]), np.array([0.5, 0.5]), np.array([1.0, -1.0]), 0.1, 0.9),
             label="a later step"),
        Case((np.array([0.3, 0.7]), np.zeros(2), np.array([2.0, -1.0]), 0.5, 0.9),
             label="zero gradient: the buffer still moves θ (it coasts)"),
        Case((np.array([4.0]), np.array([-2.0]), np.array([3.0]), 0.25, 0.0),
             label="momentum 0: plain gradient descent"),
        Case((rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.normal(size=(3, 2)),
              0.01, 0.99),
             label="a 3×2 weight matrix, momentum 0.99"),
    ]


@exercise(name="momentum_step", chapter=CHAPTER, title="One step of gradient descent with momentum",
          cases=_momentum_cases,
          hint="On the first step (buf is None) the buffer starts at the gradient: buf = g. "
               "Afterwards buf = momentum · buf + g. Then θ − lr · buf. "
               "Return (new θ, new buf) "
               "and do not change the inputs "
               "(buf * momentum makes a new array; buf *= … would not).",
          forbidden=("optim.Momentum", "optim.SGD"))
def momentum_step(theta, g, buf, lr, momentum):
    """θ and the momentum buffer after one heavy-ball step, as torch.optim.SGD(momentum=μ) does."""
    buf = np.array(g, dtype=float) if buf is None else momentum * buf + g
    return theta - lr * buf, buf


# --------------------------------------------------------------------------------------------
# One Adam step (torch.optim.Adam)
# --------------------------------------------------------------------------------------------
def _adam_cases():
    rng = np.random.default_rng(6)
    z = np.zeros(3)
    return [
        Case((np.array([1.0, 1.0, 1.0]), np.array([100.0, -0.01, 3.0]), z, z, 1),
             {"lr": 0.1}, label="first step (t = 1): each coordinate moves by about lr"),
        Case((np.array([0.5, -0.5]), np.array([0.2, -0.4]), np.array([0.1, -0.3]),
              np.array([0.02, 0.1]), 10), label="step 10, default hyper-parameters"),
        Case((np.array([2.0, -1.0]), np.zeros(2), np.zeros(2), np.zeros(2), 1),
             label="zero gradient at the first step: no move (0 / (0 + eps))"),
        Case((np.array([1.0]), np.array([1e-10]), np.zeros(1), np.zeros(1), 1),
             label="a gradient of 1e-10: eps is no longer negligible"),
        Case((rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), rng.normal(size=(2, 3)),
              rng.uniform(0.1, 1.0, size=(2, 3)), 1000), {"lr": 0.01, "betas": (0.8, 0.99)},
             label="a 2×3 matrix at step 1000, other betas"),
    ]


@exercise(name="adam_step", chapter=CHAPTER, title="One Adam step", cases=_adam_cases,
          hint="m = β₁m + (1 − β₁)g; v = β₂v + (1 − β₂)g²; bias corrections m̂ = m/(1 − β₁ᵗ), "
               "v̂ = v/(1 − β₂ᵗ) with t the step number (1 for the first step); "
               "θ − lr · m̂ / (√v̂ + eps). Return (new θ, new m, new v).",
          forbidden=("optim.Adam",))
def adam_step(theta, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    """θ, m and v after Adam's step number t (t = 1 first), as torch.optim.Adam computes it."""
    b1, b2 = betas
    m = b1 * m + (1.0 - b1) * g                    # running mean of the gradient
    v = b2 * v + (1.0 - b2) * g * g                # running mean of its square
    m_hat, v_hat = m / (1.0 - b1 ** t), v / (1.0 - b2 ** t)   # undo the start at zero
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
