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
              np.array([0])), label="one sample, two classes"),
        Case((h4, W4, b4, np.array([0, 4, 2, 2])), label="4 samples, 5 classes"),
        Case((np.zeros((3, 3)), W4, b4, np.array([1, 1, 3])),
             label="all-zero hidden layer (dead ReLUs)"),
        Case((rng.normal(size=(16, 8)), rng.normal(size=(8, 10)), rng.normal(size=10),
              rng.integers(0, 10, size=16)), label="16 samples, 10 classes"),
    ]


@exercise(name="output_layer_backward", chapter=CHAPTER,
          title="Backprop through the output layer", cases=_output_layer_cases,
          hint="z = h @ W2 + b2; G = lossfns.cross_entropy.grad(y, z) is ∂L/∂z (already divided "
               "by n). Then ∂L/∂W2 = hᵀ G, ∂L/∂b2 = G summed over the samples (axis 0), "
               "∂L/∂h = G W2ᵀ.")
def output_layer_backward(h, W2, b2, y):
    """Gradients of the mean cross-entropy of z = h W2 + b2 with respect to W2, b2 and h."""
    G = cross_entropy.grad(y, h @ W2 + b2)      # ∂L/∂z = (softmax(z) − onehot(y)) / n
    return h.T @ G, G.sum(axis=0), G @ W2.T


def _sgd_cases():
    rng = np.random.default_rng(6)
    shapes = [(64, 16), (16,), (16, 10), (10,)]
    return [
        Case(((np.array([1.0, -2.0]),), (np.array([0.5, 0.5]),), 0.1), label="one parameter"),
        Case((tuple(rng.normal(size=s) for s in shapes), tuple(rng.normal(size=s) for s in shapes),
              0.05), label="W1, b1, W2, b2 of a two-layer network"),
        Case(((np.array([[3.0]]), np.array([1.0, 2.0])), (np.array([[-4.0]]), np.zeros(2)), 1.0),
             label="a zero gradient leaves its parameter alone"),
        Case(((np.array([0.3, 0.7]),), (np.array([2.0, -1.0]),), 0.0),
             label="learning rate 0: nothing moves"),
    ]


@exercise(name="sgd_step", chapter=CHAPTER, title="One SGD step on every parameter",
          cases=_sgd_cases,
          hint="Return a tuple with p − lr · g for each pair (p, g), in the same order; "
               "zip(params, grads) pairs them up.")
def sgd_step(params, grads, lr):
    """New parameters θ − η·g for each parameter array and its gradient (inputs unchanged)."""
    return tuple(p - lr * g for p, g in zip(params, grads))


def _train_step_cases():
    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(12, 4)), rng.integers(0, 3, size=12)
    return [
        Case((np.zeros((2, 2)), np.zeros(2), np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0, 1]),
              0.5), label="zero weights, two samples"),
        Case((rng.normal(size=(4, 3)), rng.normal(size=3), X, y, 0.1),
             label="12 samples, 3 classes"),
        Case((rng.normal(size=(4, 3)), np.zeros(3), X[:1], y[:1], 1.0), label="a batch of one"),
    ]


@exercise(name="train_step", chapter=CHAPTER,
          title="One training step of softmax regression", cases=_train_step_cases,
          hint="forward z = X @ W + b; loss, G = lossfns.cross_entropy.value_and_grad(y, z); "
               "backward ∂L/∂W = Xᵀ G, ∂L/∂b = G.sum(axis=0); update W − lr·∂L/∂W, b − lr·∂L/∂b. "
               "Return the loss computed *before* the update.")
def train_step(W, b, X, y, lr):
    """The four steps for z = X W + b with cross-entropy: returns (loss before, new W, new b)."""
    loss, G = cross_entropy.value_and_grad(y, X @ W + b)   # 1 forward, 2 loss (+ ∂L/∂z)
    dW, db = X.T @ G, G.sum(axis=0)                        # 3 backward
    return loss, W - lr * dW, b - lr * db                  # 4 update
