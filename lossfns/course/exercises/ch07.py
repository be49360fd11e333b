"""Exercises of chapter 7, The training loop (训练循环)."""
from __future__ import annotations

import numpy as np

from ...losses.classification import cross_entropy
from . import Case, exercise

CHAPTER = "07_training_loop"


def _output_layer_cases():
    rng = np.random.default_rng(5)
    h4, W4, b4 = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)
    return [
        Case((np.array([[1.0, 2.0]]), np.array([[0.5, -0.5], [1.0, 0.0]]), np.zeros(2),
              np.array([0])), label="one sample, two classes",
             label_zh="一个样本，两个类别"),
        Case((h4, W4, b4, np.array([0, 4, 2, 2])), label="4 samples, 5 classes",
             label_zh="4 个样本，5 个类别"),
        Case((np.zeros((3, 3)), W4, b4, np.array([1, 1, 3])),
             label="all-zero hidden layer (dead ReLUs)",
             label_zh="隐藏层全为零（ReLU 全部“死亡”）"),
        Case((rng.normal(size=(16, 8)), rng.normal(size=(8, 10)), rng.normal(size=10),
              rng.integers(0, 10, size=16)), label="16 samples, 10 classes",
             label_zh="16 个样本，10 个类别"),
    ]


@exercise(name="output_layer_backward", chapter=CHAPTER,
          title="Backprop through the output layer", cases=_output_layer_cases,
          title_zh="输出层的反向传播",
          hint="z = h @ W2 + b2; G = lossfns.cross_entropy.grad(y, z) is ∂L/∂z (already divided "
               "by n). Then ∂L/∂W2 = hᵀ G, ∂L/∂b2 = G summed over the samples (axis 0), "
               "∂L/∂h = G W2ᵀ.",
          hint_zh="z = h @ W2 + b2；G = lossfns.cross_entropy.grad(y, z) 就是 ∂L/∂z"
                  "（已经除以 n）。于是 ∂L/∂W2 = hᵀ G，∂L/∂b2 = G 对样本求和（axis 0），"
                  "∂L/∂h = G W2ᵀ。")
def output_layer_backward(h, W2, b2, y):
    """Gradients of the mean cross-entropy of z = h W2 + b2 with respect to W2, b2 and h."""
    G = cross_entropy.grad(y, h @ W2 + b2)      # ∂L/∂z = (softmax(z) − onehot(y)) / n
    return h.T @ G, G.sum(axis=0), G @ W2.T


def _sgd_cases():
    rng = np.random.default_rng(6)
    shapes = [(64, 16), (16,), (16, 10), (10,)]
    return [
        Case(((np.array([1.0, -2.0]),), (np.array([0.5, 0.5]),), 0.1), label="one parameter",
             label_zh="一个参数"),
        Case((tuple(rng.normal(size=s) for s in shapes), tuple(rng.normal(size=s) for s in shapes),
              0.05), label="W1, b1, W2, b2 of a two-layer network",
             label_zh="两层网络的 W1、b1、W2、b2"),
        Case(((np.array([[3.0]]), np.array([1.0, 2.0])), (np.array([[-4.0]]), np.zeros(2)), 1.0),
             label="a zero gradient leaves its parameter alone",
             label_zh="梯度为零的参数保持不变"),
        Case(((np.array([0.3, 0.7]),), (np.array([2.0, -1.0]),), 0.0),
             label="learning rate 0: nothing moves", label_zh="学习率为 0：什么都不动"),
    ]


@exercise(name="sgd_step", chapter=CHAPTER, title="One SGD step on every parameter",
          title_zh="对每个参数走一步 SGD",
          cases=_sgd_cases,
          hint="Return a tuple with p − lr · g for each pair (p, g), in the same order; "
               "zip(params, grads) pairs them up.",
          hint_zh="对每一对 (p, g) 计算 p − lr · g，按相同顺序组成元组返回；"
                  "zip(params, grads) 把它们配成对。")
def sgd_step(params, grads, lr):
    """New parameters θ − η·g for each parameter array and its gradient (inputs unchanged)."""
    return tuple(p - lr * g for p, g in zip(params, grads))


def _train_step_cases():
    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(12, 4)), rng.integers(0, 3, size=12)
    return [
        Case((np.zeros((2, 2)), np.zeros(2), np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0, 1]),
              0.5), label="zero weights, two samples",
             label_zh="权重全为零，两个样本"),
        Case((rng.normal(size=(4, 3)), rng.normal(size=3), X, y, 0.1),
             label="12 samples, 3 classes",
             label_zh="12 个样本，3 个类别"),
        Case((rng.normal(size=(4, 3)), np.zeros(3), X[:1], y[:1], 1.0), label="a batch of one",
             label_zh="只含一个样本的批量"),
    ]


@exercise(name="train_step", chapter=CHAPTER,
          title="One training step of softmax regression", cases=_train_step_cases,
          title_zh="softmax 回归的一步训练",
          hint="forward z = X @ W + b; loss, G = lossfns.cross_entropy.value_and_grad(y, z); "
               "backward ∂L/∂W = Xᵀ G, ∂L/∂b = G.sum(axis=0); update W − lr·∂L/∂W, b − lr·∂L/∂b. "
               "Return the loss computed *before* the update.",
          hint_zh="前向传播 z = X @ W + b；loss, G = lossfns.cross_entropy.value_and_grad(y, z)；"
                  "反向传播 ∂L/∂W = Xᵀ G，∂L/∂b = G.sum(axis=0)；"
                  "更新 W − lr·∂L/∂W，b − lr·∂L/∂b。返回在更新*之前*算出的损失。")
def train_step(W, b, X, y, lr):
    """The four steps for z = X W + b with cross-entropy: returns (loss before, new W, new b)."""
    loss, G = cross_entropy.value_and_grad(y, X @ W + b)   # 1 forward, 2 loss (+ ∂L/∂z)
    dW, db = X.T @ G, G.sum(axis=0)                        # 3 backward
    return loss, W - lr * dW, b - lr * db                  # 4 update
