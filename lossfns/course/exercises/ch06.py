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
        Case((_line_mse, np.array([0.5, 1.0])), label="MSE of a line, θ = (w, b)",
             label_zh="直线的 MSE，θ = (w, b)"),
        Case((_sum_sin, rng.normal(size=(2, 3))), label="x is a 2×3 matrix",
             label_zh="x 是 2×3 矩阵"),
        Case((_flat_in_x1, np.array([1.5, -2.0])), label="a zero component",
             label_zh="有一个分量为零"),
        Case((_cubic, np.array([2.0])), {"eps": 1e-3},
             label="eps = 1e-3: central, not forward, differences",
             label_zh="eps = 1e-3：用中心差分，而不是前向差分"),
        Case((_line_mse, np.array([-3.0, 10.0])), {"eps": 1e-5}, label="another point and eps",
             label_zh="换一个点和 eps"),
    ]


@exercise(name="numeric_gradient", chapter=CHAPTER, title="A finite-difference gradient",
          title_zh="有限差分梯度",
          cases=_numeric_gradient_cases,
          hint="For each index i of x (np.ndindex(x.shape) visits every one), evaluate f at a copy "
               "of x with x[i] + eps and with x[i] − eps; the i-th component is "
               "(f(x + eps e_i) − f(x − eps e_i)) / (2 eps). Return an array shaped like x.",
          hint_zh="对 x 的每个下标 i（np.ndindex(x.shape) 会逐一遍历），在 x 的副本上分别取 "
                  "x[i] + eps 和 x[i] − eps 计算 f；第 i 个分量为 "
                  "(f(x + eps e_i) − f(x − eps e_i)) / (2 eps)。返回与 x 形状相同的数组。",
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
             label="first step: no buffer yet (buf=None)",
             label_zh="第一步：还没有缓冲区（buf=None）"),
        Case((np.array([1.0, -2.0]), np.array([0.5, 0.5]), np.array([1.0, -1.0]), 0.1, 0.9),
             label="a later step", label_zh="后面的某一步"),
        Case((np.array([0.3, 0.7]), np.zeros(2), np.array([2.0, -1.0]), 0.5, 0.9),
             label="zero gradient: the buffer still moves θ (it coasts)",
             label_zh="梯度为零：缓冲区仍会推动 θ（靠惯性滑行）"),
        Case((np.array([4.0]), np.array([-2.0]), np.array([3.0]), 0.25, 0.0),
             label="momentum 0: plain gradient descent",
             label_zh="动量为 0：普通梯度下降"),
        Case((rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.normal(size=(3, 2)),
              0.01, 0.99),
             label="a 3×2 weight matrix, momentum 0.99",
             label_zh="3×2 权重矩阵，动量 0.99"),
    ]


@exercise(name="momentum_step", chapter=CHAPTER, title="One step of gradient descent with momentum",
          title_zh="带动量的一步梯度下降",
          cases=_momentum_cases,
          hint="On the first step (buf is None) the buffer starts at the gradient: buf = g. "
               "Afterwards buf = momentum · buf + g. Then θ − lr · buf. "
               "Return (new θ, new buf) "
               "and do not change the inputs "
               "(buf * momentum makes a new array; buf *= … would not).",
          hint_zh="第一步时（buf 为 None）缓冲区初始化为梯度：buf = g。"
                  "此后 buf = momentum · buf + g。然后计算 θ − lr · buf。"
                  "返回 (新 θ, 新 buf)，"
                  "且不要修改输入"
                  "（buf * momentum 会生成新数组；buf *= … 则不会）。",
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
             {"lr": 0.1}, label="first step (t = 1): each coordinate moves by about lr",
             label_zh="第一步（t = 1）：每个坐标大约移动 lr"),
        Case((np.array([0.5, -0.5]), np.array([0.2, -0.4]), np.array([0.1, -0.3]),
              np.array([0.02, 0.1]), 10), label="step 10, default hyper-parameters",
             label_zh="第 10 步，默认超参数"),
        Case((np.array([2.0, -1.0]), np.zeros(2), np.zeros(2), np.zeros(2), 1),
             label="zero gradient at the first step: no move (0 / (0 + eps))",
             label_zh="第一步梯度为零：不移动（0 / (0 + eps)）"),
        Case((np.array([1.0]), np.array([1e-10]), np.zeros(1), np.zeros(1), 1),
             label="a gradient of 1e-10: eps is no longer negligible",
             label_zh="梯度为 1e-10：eps 不再可以忽略"),
        Case((rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), rng.normal(size=(2, 3)),
              rng.uniform(0.1, 1.0, size=(2, 3)), 1000), {"lr": 0.01, "betas": (0.8, 0.99)},
             label="a 2×3 matrix at step 1000, other betas",
             label_zh="第 1000 步的 2×3 矩阵，换一组 betas"),
    ]


@exercise(name="adam_step", chapter=CHAPTER, title="One Adam step", cases=_adam_cases,
          title_zh="一步 Adam 更新",
          hint="m = β₁m + (1 − β₁)g; v = β₂v + (1 − β₂)g²; bias corrections m̂ = m/(1 − β₁ᵗ), "
               "v̂ = v/(1 − β₂ᵗ) with t the step number (1 for the first step); "
               "θ − lr · m̂ / (√v̂ + eps). Return (new θ, new m, new v).",
          hint_zh="m = β₁m + (1 − β₁)g；v = β₂v + (1 − β₂)g²；偏差修正 m̂ = m/(1 − β₁ᵗ)，"
                  "v̂ = v/(1 − β₂ᵗ)，其中 t 是当前的步数（第一步为 1）；"
                  "θ − lr · m̂ / (√v̂ + eps)。返回 (新 θ, 新 m, 新 v)。",
          forbidden=("optim.Adam",))
def adam_step(theta, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    """θ, m and v after Adam's step number t (t = 1 first), as torch.optim.Adam computes it."""
    b1, b2 = betas
    m = b1 * m + (1.0 - b1) * g                    # running mean of the gradient
    v = b2 * v + (1.0 - b2) * g * g                # running mean of its square
    m_hat, v_hat = m / (1.0 - b1 ** t), v / (1.0 - b2 ** t)   # undo the start at zero
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
