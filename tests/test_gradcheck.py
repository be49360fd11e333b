"""Tests for lossfns/gradcheck.py: central differences and the relative-error gradient check."""
import numpy as np
import pytest

import lossfns
from lossfns.gradcheck import ROUNDING_MARGIN, check_grad, numeric_grad

from conftest import t64, torch

pytestmark = pytest.mark.filterwarnings("error")


def _quadratic(rng, d=4):
    """f(x) = ½ xᵀAx + bᵀx with A symmetric positive definite, and its gradient Ax + b."""
    M = rng.normal(size=(d, d))
    A, b = M @ M.T + d * np.eye(d), rng.normal(size=d)
    return (lambda x: 0.5 * x @ A @ x + b @ x), (lambda x: A @ x + b)


def _linear_mse(loss=lossfns.mse, n=20, seed=3, **hyper):
    """The mean loss of ŷ = w·x + b as a function of θ = (w, b), and its chain-rule gradient."""
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(0, 5, n), rng.normal(size=n)

    def f(theta):
        return loss(y, theta[0] * x + theta[1], **hyper)

    def grad(theta):
        G = loss.grad(y, theta[0] * x + theta[1], **hyper)     # ∂L/∂ŷ_i
        return np.array([G @ x, G.sum()])
    return f, grad, x, y


def test_numeric_grad_of_a_quadratic(rng):
    f, g = _quadratic(rng)
    x = rng.normal(size=4)
    # central differences are exact for a quadratic, up to rounding
    np.testing.assert_allclose(numeric_grad(f, x), g(x), rtol=1e-8, atol=1e-8)


def test_numeric_grad_keeps_the_shape_and_leaves_x_alone(rng):
    x = rng.normal(size=(3, 2))
    before = x.copy()
    g = numeric_grad(lambda z: float(np.sum(np.sin(z))), x)
    assert g.shape == (3, 2)
    np.testing.assert_allclose(g, np.cos(x), rtol=1e-8, atol=1e-9)
    assert np.array_equal(x, before)
    assert numeric_grad(lambda z: float(z) ** 3, 2.0).shape == ()
    assert numeric_grad(lambda z: float(z) ** 3, 2.0) == pytest.approx(12.0, rel=1e-8)


def test_f_gets_a_copy_it_cannot_keep():
    seen = []
    numeric_grad(lambda z: seen.append(z) or float(z.sum()), np.zeros(2))
    assert len(seen) == 4 and len({id(s) for s in seen}) == 4
    np.testing.assert_allclose(seen[0], [1e-6, 0.0])     # the first call still holds its point


@pytest.mark.skipif(torch is None, reason="needs torch")
def test_numeric_grad_matches_autograd():
    rng = np.random.default_rng(4)
    x = rng.normal(size=6)

    def f_np(z):
        return float(np.sum(np.log1p(np.exp(z)) * np.cos(z)))

    t = t64(x, requires_grad=True)
    (torch.nn.functional.softplus(t) * torch.cos(t)).sum().backward()
    np.testing.assert_allclose(numeric_grad(f_np, x), t.grad.numpy(), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("loss, hyper", [(lossfns.mse, {}), (lossfns.huber, {"delta": 1.0}),
                                         (lossfns.log_cosh, {})])
def test_a_right_gradient_passes(loss, hyper):
    f, grad, _, _ = _linear_mse(loss, **hyper)
    for theta in ([0.5, -1.0], [2.0, 3.0]):
        assert check_grad(f, grad, np.array(theta)) < 1e-6


def test_wrong_gradients_are_caught_by_how_much():
    f, grad, _, _ = _linear_mse()
    theta = np.array([0.5, -1.0])
    assert check_grad(f, lambda t: 0.5 * grad(t), theta) == pytest.approx(0.5, abs=1e-6)
    assert check_grad(f, lambda t: -grad(t), theta) == pytest.approx(2.0, abs=1e-6)
    n = 20                                                      # forgot to divide by n
    assert check_grad(f, lambda t: n * grad(t), theta) == pytest.approx(1 - 1 / n, abs=1e-6)

    _, _, x, y = _linear_mse()

    def no_chain(t):                      # ∂L/∂w = Σ G_i instead of Σ G_i x_i
        G = lossfns.mse.grad(y, t[0] * x + t[1])
        return np.array([G.sum(), G.sum()])
    assert check_grad(f, no_chain, theta) > 0.1


def test_a_component_below_the_resolution_of_differences_is_not_an_error():
    # f changes by 2e-18 across ±ε, lost in rounding next to 1000: the difference reads 0.
    def f(x):
        return 1e3 + 1e-12 * x[0] + x[1] ** 2

    x = np.array([0.0, 1.0])
    assert numeric_grad(f, x)[0] == 0.0
    assert check_grad(f, lambda z: np.array([1e-12, 2 * z[1]]), x) < 1e-6
    # with no floor the same component counts as 100 % wrong
    assert check_grad(f, lambda z: np.array([1e-12, 2 * z[1]]), x, atol=0) == pytest.approx(1.0)
    assert ROUNDING_MARGIN > 1


def test_zero_gradients_agree():
    assert check_grad(lambda x: 5.0, lambda x: np.zeros(3), np.ones(3)) == 0.0
    assert check_grad(lambda x: 5.0, lambda x: np.zeros(3), np.ones(3), atol=0) == 0.0


def test_eps_trades_truncation_for_rounding():
    f, g = (lambda x: float(np.sum(np.exp(3 * x)))), (lambda x: 3 * np.exp(3 * x))
    x = np.array([0.3, -0.2])
    assert check_grad(f, g, x, eps=1e-6) < 1e-8
    assert check_grad(f, g, x, eps=1e-2) > 1e-5            # O(ε²) truncation shows


@pytest.mark.parametrize("call, match", [
    (lambda: numeric_grad(lambda x: 0.0, [1.0], eps=0), "eps must be > 0"),
    (lambda: numeric_grad(lambda x: 0.0, [1.0, np.nan]), "x must be finite"),
    (lambda: numeric_grad(lambda x: 0.0, []), "x must not be empty"),
    (lambda: numeric_grad(lambda x: x, [1.0, 2.0]), "f must return a single number"),
    (lambda: numeric_grad(lambda x: np.inf, [1.0]), "f must return a finite number"),
    (lambda: check_grad(lambda x: 0.0, lambda x: np.zeros(3), [1.0, 2.0]),
     r"grad must return an array shaped like x \(2,\)"),
    (lambda: check_grad(lambda x: 0.0, lambda x: np.full(2, np.nan), [1.0, 2.0]),
     "grad must return finite numbers"),
    (lambda: check_grad(lambda x: 0.0, lambda x: x, [1.0], atol=-1), "atol must be >= 0"),
])
def test_bad_inputs_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
