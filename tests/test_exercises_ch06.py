"""Chapter 6's exercise references follow torch.optim and lossfns.optim step for step."""
import numpy as np
import pytest

from lossfns.course.exercises import ch06, check
from lossfns.optim import SGD, Adam

from conftest import numeric_grad, torch

pytestmark = pytest.mark.filterwarnings("error")


def test_numeric_gradient_is_the_central_difference():
    x = np.array([0.3, -1.2, 2.0])
    f = lambda z: float(np.sum(np.exp(z) * z))  # noqa: E731
    np.testing.assert_array_equal(ch06.numeric_gradient(f, x), numeric_grad(f, x))
    forward = lambda f, x, eps=1e-6: np.array(  # noqa: E731
        [(f(x + eps * e) - f(x)) / eps for e in np.eye(len(x))])
    assert not check("numeric_gradient", forward)      # forward differences are caught


def _runs(steps=5, seed=0):
    rng = np.random.default_rng(seed)
    theta0 = rng.normal(size=(2, 3))
    grads = [rng.normal(size=(2, 3)) for _ in range(steps)]
    return theta0, grads


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
def test_momentum_step_equals_lossfns_sgd(momentum):
    theta0, grads = _runs()
    opt, ours, theta, buf = SGD(lr=0.1, momentum=momentum), theta0.copy(), theta0.copy(), None
    for g in grads:
        opt.step(ours, g)
        theta, buf = ch06.momentum_step(theta, g, buf, 0.1, momentum)
        np.testing.assert_allclose(theta, ours, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.5, 0.9)])
def test_adam_step_equals_lossfns_adam(betas):
    theta0, grads = _runs(steps=8)
    opt, ours = Adam(lr=0.05, betas=betas), theta0.copy()
    theta, m, v = theta0.copy(), np.zeros_like(theta0), np.zeros_like(theta0)
    for t, g in enumerate(grads, start=1):
        opt.step(ours, g)
        theta, m, v = ch06.adam_step(theta, g, m, v, t, lr=0.05, betas=betas)
        np.testing.assert_allclose(theta, ours, rtol=1e-13, atol=1e-13)


@pytest.mark.skipif(torch is None, reason="needs torch")
def test_steps_equal_torch_optim():
    theta0, grads = _runs(steps=6, seed=1)
    p_mom = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    p_adam = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    opt_mom = torch.optim.SGD([p_mom], lr=0.1, momentum=0.9)
    opt_adam = torch.optim.Adam([p_adam], lr=0.01)
    th_m, buf, th_a, m, v = theta0.copy(), None, theta0.copy(), 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        for p, opt in ((p_mom, opt_mom), (p_adam, opt_adam)):
            p.grad = torch.tensor(g, dtype=torch.float64)
            opt.step()
        th_m, buf = ch06.momentum_step(th_m, g, buf, 0.1, 0.9)
        th_a, m, v = ch06.adam_step(th_a, g, m, v, t, lr=0.01)
        np.testing.assert_allclose(th_m, p_mom.detach().numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(th_a, p_adam.detach().numpy(), rtol=1e-12, atol=1e-12)


def test_first_adam_step_moves_each_coordinate_by_about_lr():
    theta, _, _ = ch06.adam_step(np.zeros(3), np.array([100.0, -0.01, 3.0]), 0.0, 0.0, 1, lr=0.1)
    np.testing.assert_allclose(theta, [-0.1, 0.1, -0.1], rtol=1e-5)


def test_inputs_are_not_changed():
    theta, g, buf = np.ones(2), np.ones(2), np.full(2, 3.0)
    ch06.momentum_step(theta, g, buf, 0.1, 0.9)
    ch06.adam_step(theta, g, buf, buf, 3)
    assert np.array_equal(buf, [3.0, 3.0]) and np.array_equal(theta, [1.0, 1.0])
