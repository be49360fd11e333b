"""Tests for lossfns.optim: parity with torch.optim, minimize, schedules, bad hyper-parameters."""
import re
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lossfns.optim import GD, SGD, Adam, History, Momentum, Optimizer, minibatches, minimize

STEPS = 50
TOL = 1e-10


def _gradient_sequence(seed=0):
    """50 gradients for a (3, 2) matrix and a (2,) vector; same for numpy and torch."""
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(3, 2)), rng.normal(size=2) * 10.0 ** rng.integers(-3, 3))
            for _ in range(STEPS)]


def _parity(ours: Optimizer, make_torch, grads_of=None, scheduler=None):
    """Run both optimizers on one gradient sequence; return the largest parameter difference.

    grads_of(params) → gradients, when the gradient should depend on the current parameters
    (computed from ours and handed to both, so only the update rules are compared).
    """
    rng = np.random.default_rng(1)
    params = [rng.normal(size=(3, 2)), rng.normal(size=2)]
    tparams = [torch.tensor(p.copy(), dtype=torch.float64, requires_grad=True) for p in params]
    topt = make_torch(tparams)
    sched = scheduler(topt) if scheduler else None
    worst = 0.0
    for k, fixed in enumerate(_gradient_sequence()):
        grads = grads_of(params) if grads_of else fixed
        ours.step(params, grads)
        for tp, g in zip(tparams, grads):
            tp.grad = torch.tensor(g, dtype=torch.float64)
        topt.step()
        if sched:
            sched.step()
        worst = max(worst, *(np.abs(p - tp.detach().numpy()).max()
                             for p, tp in zip(params, tparams)))
    assert ours.t == STEPS
    return worst


SGD_CONFIGS = [
    {},
    {"momentum": 0.9},
    {"momentum": 0.9, "weight_decay": 0.1},
    {"weight_decay": 0.01},
    {"momentum": 0.5, "dampening": 0.3},
    {"momentum": 0.9, "nesterov": True, "weight_decay": 0.05},
]


@pytest.mark.parametrize("config", SGD_CONFIGS, ids=str)
def test_sgd_equals_torch(config):
    err = _parity(SGD(0.05, **config), lambda p: torch.optim.SGD(p, lr=0.05, **config))
    assert err <= TOL


@pytest.mark.parametrize("config", SGD_CONFIGS[:3], ids=str)
def test_sgd_equals_torch_with_parameter_dependent_gradients(config):
    # gradient of ½‖Aθ‖²-like terms: depends on θ, so an error would compound over the steps
    grads_of = lambda ps: [2.0 * ps[0] + 0.1, np.sin(ps[1]) + ps[1]]  # noqa: E731
    err = _parity(SGD(0.1, **config), lambda p: torch.optim.SGD(p, lr=0.1, **config), grads_of)
    assert err <= TOL


ADAM_CONFIGS = [
    {},
    {"weight_decay": 0.1},
    {"betas": (0.5, 0.9), "eps": 1e-6},
    {"betas": (0.0, 0.99), "weight_decay": 0.01},
]


@pytest.mark.parametrize("config", ADAM_CONFIGS, ids=str)
def test_adam_equals_torch(config):
    err = _parity(Adam(0.01, **config), lambda p: torch.optim.Adam(p, lr=0.01, **config))
    assert err <= TOL


def test_adam_equals_torch_with_parameter_dependent_gradients():
    grads_of = lambda ps: [2.0 * ps[0] + 0.1, np.sin(ps[1]) + ps[1]]  # noqa: E731
    err = _parity(Adam(0.05, weight_decay=0.1),
                  lambda p: torch.optim.Adam(p, lr=0.05, weight_decay=0.1), grads_of)
    assert err <= TOL


def test_lr_schedule_equals_torch_lambda_lr():
    # our lr(t) is torch's base lr × LambdaLR factor(t), with t = steps already taken
    factor = lambda t: 1.0 / (1.0 + 0.1 * t)  # noqa: E731
    err = _parity(Adam(lambda t: 0.05 * factor(t)),
                  lambda p: torch.optim.Adam(p, lr=0.05),
                  scheduler=lambda o: torch.optim.lr_scheduler.LambdaLR(o, factor))
    assert err <= TOL
    err = _parity(Momentum(lambda t: 0.05 * factor(t)),
                  lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
                  scheduler=lambda o: torch.optim.lr_scheduler.LambdaLR(o, factor))
    assert err <= TOL


def test_schedule_is_called_with_the_step_number():
    # f(x) = x has gradient 1, so x_k = x_0 − Σ_{t<k} η_t exactly
    hist = minimize(lambda x: (float(x[0]), np.ones(1)), [0.0], GD(lambda t: 1.0 / (t + 1)),
                    steps=5)
    expected = -np.cumsum([1.0, 1 / 2, 1 / 3, 1 / 4, 1 / 5])
    np.testing.assert_allclose(hist.params[1:, 0], expected, rtol=0, atol=1e-15)


def test_gd_and_momentum_are_sgd_special_cases():
    grads = _gradient_sequence(3)
    x1, x2, x3, x4 = (np.ones(2) for _ in range(4))
    gd, sgd = GD(0.1), SGD(0.1)
    mom, sgdm = Momentum(0.1), SGD(0.1, momentum=0.9)
    for _, g in grads:
        gd.step(x1, g), sgd.step(x2, g), mom.step(x3, g), sgdm.step(x4, g)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(x3, x4)
    assert not np.allclose(x1, x3)


def test_step_accepts_one_array_and_updates_in_place():
    x = np.array([1.0, 2.0])
    out = GD(0.5).step(x, np.array([2.0, -2.0]))
    assert out is x
    np.testing.assert_array_equal(x, [0.0, 3.0])


def test_reset_forgets_the_state():
    opt = Adam(0.1)
    x = np.zeros(2)
    opt.step(x, np.ones(2))
    opt.reset()
    assert opt.t == 0 and opt.state is None
    y = np.zeros(2)
    opt.step(y, np.ones(2))
    np.testing.assert_array_equal(x, y)  # a fresh first step again


@settings(max_examples=30, deadline=None)
@given(scale=st.floats(1e-3, 1e3), seed=st.integers(0, 1000))
def test_adam_is_invariant_to_the_scale_of_the_gradient(scale, seed):
    # m̂/√v̂ does not change when every gradient is multiplied by c > 0 (up to ε)
    rng = np.random.default_rng(seed)
    grads = rng.normal(size=(20, 3)) + 0.5
    x, y = np.zeros(3), np.zeros(3)
    a, b = Adam(0.01, eps=1e-300), Adam(0.01, eps=1e-300)
    for g in grads:
        a.step(x, g)
        b.step(y, scale * g)
    np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-14)


@settings(max_examples=30, deadline=None)
@given(g=st.lists(st.floats(-1e6, 1e6).filter(lambda v: abs(v) > 1e-3), min_size=1, max_size=5))
def test_adam_first_step_is_lr_times_sign(g):
    # bias correction makes the first step η·g/(|g| + ε): every coordinate moves by ≈ η
    g = np.array(g)
    x = np.zeros_like(g)
    Adam(0.1).step(x, g)
    np.testing.assert_allclose(x, -0.1 * np.sign(g), rtol=1e-4)


# --------------------------------------------------------------------------------------------
# minimize
# --------------------------------------------------------------------------------------------
A = np.array([[3.0, 0.5], [0.5, 1.0]])
B = np.array([1.0, -2.0])
X_STAR = np.linalg.solve(A, B)
L_SMOOTH = np.linalg.eigvalsh(A).max()


def quadratic(x):
    """f(x) = ½ xᵀAx − bᵀx, minimised at A⁻¹b."""
    return float(0.5 * x @ A @ x - B @ x), A @ x - B


@pytest.mark.parametrize("opt", [GD(1 / L_SMOOTH), Momentum(0.1),
                                 SGD(0.1, momentum=0.5, nesterov=True),
                                 Adam(0.05)], ids=repr)
def test_minimize_converges_on_a_quadratic(opt):
    x0 = np.array([5.0, 5.0])
    hist = minimize(quadratic, x0, opt, steps=2000)
    assert isinstance(hist, History)
    assert hist.params.shape == (2001, 2) and hist.losses.shape == (2001,)
    assert hist.grad_norms.shape == (2001,)
    np.testing.assert_array_equal(hist.params[0], [5.0, 5.0])
    np.testing.assert_array_equal(x0, [5.0, 5.0])  # x0 itself untouched
    np.testing.assert_allclose(hist.x, X_STAR, atol=1e-6)
    assert hist.losses[-1] == pytest.approx(quadratic(X_STAR)[0], abs=1e-10)
    assert not hist.diverged and hist.n_steps == 2000


def test_gd_decreases_the_loss_monotonically():
    hist = minimize(quadratic, [5.0, 5.0], GD(1 / L_SMOOTH), steps=100)
    assert (np.diff(hist.losses) <= 1e-15).all()
    np.testing.assert_allclose(hist.grad_norms[0],
                               np.linalg.norm(quadratic(np.array([5.0, 5.0]))[1]))


def test_divergence_is_recorded_and_stops_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning (overflow) fails the test
        hist = minimize(quadratic, [5.0, 5.0], GD(2.5 / L_SMOOTH), steps=10_000)
    assert hist.diverged and not hist.converged
    assert hist.n_steps < 10_000
    assert not np.isfinite(hist.losses[-1])
    assert np.isfinite(hist.losses[:-1]).all()
    assert len(hist.params) == len(hist.losses) == len(hist.grad_norms)
    # the loss grows on the way: a figure on a log scale shows the blow-up
    assert hist.losses[-2] > 1e100


def test_divergence_when_the_parameters_overflow():
    # the loss stays finite (bounded) while x runs off to infinity
    hist = minimize(lambda x: (float(np.tanh(x[0])), np.array([-1e307])), [0.0], GD(10.0),
                    steps=100)
    assert hist.diverged and np.isnan(hist.losses[-1])
    assert len(hist.params) == len(hist.losses)


def test_minimize_stops_at_tol():
    hist = minimize(quadratic, [5.0, 5.0], GD(1 / L_SMOOTH), steps=10_000, tol=1e-8)
    assert hist.converged and hist.n_steps < 10_000
    assert np.abs(quadratic(hist.x)[1]).max() <= 1e-8


def test_minimize_resets_the_optimizer_between_runs():
    opt = Adam(0.1)
    h1 = minimize(quadratic, [5.0, 5.0], opt, steps=30)
    h2 = minimize(quadratic, [5.0, 5.0], opt, steps=30)
    np.testing.assert_array_equal(h1.params, h2.params)


def test_minimize_with_minibatches():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    w_true = np.array([1.0, -2.0, 0.5])
    y = X @ w_true + 0.1 * rng.normal(size=200)

    def batch_mse(w, idx):
        r = X[idx] @ w - y[idx]
        return float(r @ r / len(idx)), 2 * X[idx].T @ r / len(idx)

    full_mse = lambda w: float(np.mean((X @ w - y) ** 2))  # noqa: E731
    hist = minimize(batch_mse, np.zeros(3), SGD(lambda t: 0.1 / (1 + 0.01 * t)), steps=1000,
                    batches=minibatches(200, 20, seed=0), objective=full_mse)
    w_ls = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(hist.x, w_ls, atol=0.02)
    assert hist.losses[0] == pytest.approx(full_mse(np.zeros(3)))
    assert hist.losses[-1] < 1.1 * full_mse(w_ls)
    # the same seed gives the same path
    again = minimize(batch_mse, np.zeros(3), SGD(lambda t: 0.1 / (1 + 0.01 * t)), steps=1000,
                     batches=minibatches(200, 20, seed=0), objective=full_mse)
    np.testing.assert_array_equal(hist.params, again.params)


def test_a_list_of_batches_is_repeated_and_an_iterator_must_not_run_out():
    seen = []

    def f(x, batch):
        seen.append(batch)
        return float(x @ x), 2 * x

    minimize(f, [1.0], GD(0.1), steps=4, batches=["a", "b"])
    assert seen == ["a", "b", "a", "b", "a"]
    with pytest.raises(ValueError, match="batches ran out"):
        minimize(f, [1.0], GD(0.1), steps=4, batches=iter(["a", "b"]))
    with pytest.raises(ValueError, match="batches ran out"):
        minimize(f, [1.0], GD(0.1), steps=4, batches=[])


def test_minibatches_cover_every_sample_once_per_epoch():
    it = minibatches(10, 4, seed=1)
    epoch = [next(it) for _ in range(3)]
    assert [len(b) for b in epoch] == [4, 4, 2]
    np.testing.assert_array_equal(np.sort(np.concatenate(epoch)), np.arange(10))
    second = np.concatenate([next(it) for _ in range(3)])
    assert not np.array_equal(second, np.concatenate(epoch))  # reshuffled


def test_mae_needs_a_decaying_step():
    # errata #3: |x|'s gradient has magnitude 1 everywhere, so a constant step keeps bouncing
    f = lambda x: (float(np.abs(x).sum()), np.sign(x))  # noqa: E731
    const = minimize(f, [1.05], GD(0.1), steps=200)
    decay = minimize(f, [1.05], GD(lambda t: 0.1 / np.sqrt(1 + t)), steps=200)
    assert const.losses[-20:].min() > 0.04             # stuck at distance ≈ 0.05
    assert decay.losses[-1] < 0.02
    np.testing.assert_array_equal(const.grad_norms[1:], 1.0)


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make, name", [
    (lambda: GD(0.0), "lr"), (lambda: GD(-1.0), "lr"), (lambda: SGD(float("nan")), "lr"),
    (lambda: Adam("fast"), "lr"), (lambda: Adam(float("inf")), "lr"),
    (lambda: SGD(0.1, momentum=-0.1), "momentum"), (lambda: SGD(0.1, momentum=1.0), "momentum"),
    (lambda: Momentum(0.1, momentum=1.5), "momentum"),
    (lambda: SGD(0.1, momentum=0.9, dampening=-0.5), "dampening"),
    (lambda: SGD(0.1, momentum=0.9, dampening=2.0), "dampening"),
    (lambda: SGD(0.1, nesterov=True), "nesterov"),
    (lambda: SGD(0.1, momentum=0.9, dampening=0.1, nesterov=True), "nesterov"),
    (lambda: GD(0.1, weight_decay=-1e-3), "weight_decay"),
    (lambda: Adam(0.1, weight_decay=-1), "weight_decay"),
    (lambda: Adam(0.1, betas=(1.0, 0.999)), "betas[0]"),
    (lambda: Adam(0.1, betas=(0.9, 1.0)), "betas[1]"),
    (lambda: Adam(0.1, betas=(-0.1, 0.999)), "betas[0]"),
    (lambda: Adam(0.1, betas=0.9), "betas"),
    (lambda: Adam(0.1, betas=(0.9, 0.99, 0.9)), "betas"),
    (lambda: Adam(0.1, eps=0.0), "eps"), (lambda: Adam(0.1, eps=-1e-8), "eps"),
])
def test_bad_hyper_parameters_raise(make, name):
    with pytest.raises(ValueError, match="^" + re.escape(name) + "[ =]"):
        make()


def test_schedule_returning_a_bad_value_raises_at_that_step():
    opt = GD(lambda t: 0.1 - 0.05 * t)  # 0.1, 0.05, 0.0 ← not allowed
    x = np.zeros(1)
    opt.step(x, np.ones(1))
    opt.step(x, np.ones(1))
    with pytest.raises(ValueError, match=r"lr schedule .* lr\(2\) = 0\.0"):
        opt.step(x, np.ones(1))


def test_bad_params_and_grads_raise():
    with pytest.raises(ValueError, match="params must be float numpy arrays"):
        GD(0.1).step(np.array([1, 2]), np.array([1.0, 1.0]))
    with pytest.raises(ValueError, match="params must be float numpy arrays"):
        GD(0.1).step([[1.0, 2.0]], [[1.0, 1.0]])
    with pytest.raises(ValueError, match="grads must have the shapes of params"):
        GD(0.1).step(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="grads must hold one array per parameter"):
        GD(0.1).step([np.zeros(3), np.zeros(2)], [np.zeros(3)])
    opt = Adam(0.1)
    opt.step(np.zeros(3), np.ones(3))
    with pytest.raises(ValueError, match="params must keep their shapes"):
        opt.step(np.zeros(4), np.ones(4))


def test_bad_minimize_arguments_raise():
    with pytest.raises(ValueError, match="^optimizer must be an Optimizer"):
        minimize(quadratic, [1.0, 1.0], torch.optim.SGD, steps=3)
    with pytest.raises(ValueError, match="^steps must be"):
        minimize(quadratic, [1.0, 1.0], GD(0.1), steps=-1)
    with pytest.raises(ValueError, match="^x0 must be finite"):
        minimize(quadratic, [np.nan, 1.0], GD(0.1), steps=3)
    with pytest.raises(ValueError, match="^tol must be >= 0"):
        minimize(quadratic, [1.0, 1.0], GD(0.1), tol=-1)
    with pytest.raises(ValueError, match="gradient shaped like x0"):
        minimize(lambda x: (0.0, np.zeros(3)), [1.0, 1.0], GD(0.1), steps=3)
    with pytest.raises(ValueError, match="^batch_size must be"):
        next(minibatches(10, 0))


def test_repr_shows_the_hyper_parameters():
    assert repr(Adam(0.01)) == "Adam(lr=0.01)"
    assert repr(SGD(0.1, momentum=0.9, nesterov=True)) == "SGD(lr=0.1, momentum=0.9, nesterov=True)"
    assert repr(GD(0.1, weight_decay=0.5)) == "GD(lr=0.1, weight_decay=0.5)"
