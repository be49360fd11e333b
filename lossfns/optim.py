"""Optimizers (优化器) for numpy parameters: GD, SGD, Momentum, Adam, and `minimize`.

An optimizer is an *update rule*: given the parameters θ and a gradient g, ``step`` moves θ.
What makes descent "stochastic" is not the rule but the gradient it is fed: **GD** uses the
gradient of the loss on the whole training set, **SGD** the gradient on a random mini-batch (an
unbiased but noisy estimate of it). `minimize` runs the loop and keeps the history for plots.

Every rule follows its ``torch.optim`` namesake step for step (weight decay added to the
gradient, momentum buffer started at the first gradient, Adam's bias correction), so that the
numbers in the book are those a PyTorch user gets.

The learning rate η may be a number or a *schedule*: a function of the step number t = 0, 1, 2, …
returning η_t. A decaying schedule such as ``lambda t: 0.5 / (1 + t)`` is what MAE needs: its
gradient keeps magnitude 1 however close to the optimum, so a constant step never settles.

>>> import numpy as np
>>> from lossfns.optim import GD, minimize
>>> hist = minimize(lambda x: (float(x @ x), 2 * x), [3.0, -4.0], GD(lr=0.25), steps=20)
>>> bool(np.allclose(hist.params[-1], 0, atol=1e-5))
True
"""
from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

from .core import (
    Interval,
    LossOverflowWarning,
    as_float_array,
    check_bool,
    check_nonnegative,
    check_positive,
)

__all__ = ["Optimizer", "GD", "SGD", "Momentum", "Adam", "minimize", "minibatches", "History"]


class Optimizer:
    """Base class of the update rules: learning rate (number or schedule), weight decay, step count.

    ``step(params, grads)`` updates ``params`` in place: one float numpy array, or a list of them,
    with ``grads`` of the same shapes. ``t`` counts the steps taken; ``reset()`` forgets the
    state (momentum buffers, Adam's moments) so that the object can start a new run.
    Weight decay λ is L2 regularisation as torch applies it: g ← g + λθ before the update, i.e.
    the gradient of the loss plus (λ/2)‖θ‖².
    """

    def __init__(self, lr, *, weight_decay: float = 0.0):
        if not callable(lr):
            check_positive(lr, "lr")
        self.lr = lr
        self.weight_decay = check_nonnegative(weight_decay, "weight_decay")
        self.reset()

    def reset(self) -> None:
        """Forget the step count and the per-parameter state."""
        self.t = 0
        self.state: list[dict] | None = None

    def current_lr(self) -> float:
        """η_t for the coming step, t = number of steps already taken (0 for the first)."""
        if callable(self.lr):
            value = self.lr(self.t)
            try:
                return check_positive(value, "lr")
            except ValueError:
                msg = f"lr schedule must return a number > 0; lr({self.t}) = {value!r}"
                raise ValueError(msg) from None
        return check_positive(self.lr, "lr")

    def step(self, params, grads):
        """One update of `params` (in place) from `grads`; returns `params`."""
        ps, gs = _as_lists(params, grads)
        if self.state is None:
            self.state = [{} for _ in ps]
            self._shapes = [p.shape for p in ps]
        elif [p.shape for p in ps] != self._shapes:
            raise ValueError(f"params must keep their shapes between steps; started with "
                             f"{self._shapes}, got {[p.shape for p in ps]} (call reset() first)")
        lr = self.current_lr()
        self.t += 1
        for p, g, s in zip(ps, gs, self.state):
            if self.weight_decay:
                g = g + self.weight_decay * p   # L2 penalty (λ/2)‖θ‖² folded into the gradient
            self._update(p, g, s, lr)
        return params

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, lr: float) -> None:
        raise NotImplementedError

    def state_is_finite(self) -> bool:
        """Whether every buffer of the state (momentum, Adam's moments) holds finite numbers; an
        overflow there (Adam squares the gradient: |g| ≳ 1e154 gives inf) stalls or wrecks every
        later step."""
        return all(np.isfinite(v).all() for s in (self.state or []) for v in s.values())

    def _hyper(self) -> dict:
        return {"lr": self.lr, "weight_decay": self.weight_decay}

    def __repr__(self) -> str:
        shown = [f"{k}={_show(v)}" for k, v in self._hyper().items()
                 if k == "lr" or v != _DEFAULTS.get(k)]
        return f"{type(self).__name__}({', '.join(shown)})"


def _show(value) -> str:
    """A hyper-parameter for repr: 0.1 rather than np.float64(0.1), a schedule by its name."""
    if callable(value):
        return getattr(value, "__name__", type(value).__name__)
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return repr(value)


_DEFAULTS = {"weight_decay": 0.0, "momentum": 0.0, "dampening": 0.0, "nesterov": False,
             "betas": (0.9, 0.999), "eps": 1e-8}


class GD(Optimizer):
    """Gradient descent: θ ← θ − η_t g_t.

    "GD" means g_t is the gradient of the loss on the *full* training set, so every step goes
    downhill for a small enough η (η < 2/L for an L-smooth loss). The same rule fed with
    mini-batch gradients is `SGD`. Equals ``torch.optim.SGD(params, lr)`` with full-batch
    gradients.
    """

    def __init__(self, lr=0.1, *, weight_decay: float = 0.0):
        super().__init__(lr, weight_decay=weight_decay)

    def _update(self, p, g, state, lr):
        p -= lr * g


class SGD(GD):
    """Stochastic gradient descent with optional momentum, exactly as ``torch.optim.SGD``.

    Without momentum the rule is GD's, θ ← θ − η_t g_t; the difference is g_t: the gradient on a
    random mini-batch (pass ``batches=minibatches(n, batch_size)`` to `minimize`), cheap and
    noisy, right on average. With momentum μ > 0 (and dampening τ):

        b_1 = g_1,   b_t = μ b_{t−1} + (1 − τ) g_t,
        θ ← θ − η_t b_t                      (heavy ball), or
        θ ← θ − η_t (g_t + μ b_t)            (nesterov=True).

    Equals ``torch.optim.SGD(params, lr, momentum, dampening, weight_decay, nesterov)``.
    """

    def __init__(self, lr=0.01, *, momentum: float = 0.0, dampening: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0):
        super().__init__(lr, weight_decay=weight_decay)
        self.momentum = _check_unit_interval(momentum, "momentum")
        self.dampening = check_nonnegative(dampening, "dampening")
        if self.dampening > 1:
            raise ValueError(f"dampening must be in [0, 1]; got {dampening}")
        nesterov = check_bool(nesterov, "nesterov")
        if nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError("nesterov=True needs momentum > 0 and dampening = 0; got "
                             f"momentum={momentum}, dampening={dampening}")
        self.nesterov = bool(nesterov)

    def _update(self, p, g, state, lr):
        if self.momentum:
            buf = state.get("momentum_buffer")
            if buf is None:                  # torch starts the buffer at the first gradient
                buf = state["momentum_buffer"] = g.copy()
            else:
                buf *= self.momentum
                buf += (1.0 - self.dampening) * g
            g = g + self.momentum * buf if self.nesterov else buf
        p -= lr * g

    def _hyper(self):
        return {**super()._hyper(), "momentum": self.momentum, "dampening": self.dampening,
                "nesterov": self.nesterov}


class Momentum(SGD):
    """Gradient descent with (heavy-ball) momentum, μ = 0.9 unless told otherwise.

    b_t = μ b_{t−1} + g_t (b_1 = g_1),  θ ← θ − η_t b_t: the step keeps a running sum of past
    gradients, so it speeds up along a consistent direction and oscillations across a narrow
    valley cancel. This is `SGD` with a different default; equals
    ``torch.optim.SGD(params, lr, momentum=0.9)``.
    """

    def __init__(self, lr=0.01, momentum: float = 0.9, *, dampening: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0):
        super().__init__(lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                         weight_decay=weight_decay)


class Adam(Optimizer):
    """Adam: momentum on the gradient, scaled per coordinate by the root mean square of gradients.

        m_t = β₁ m_{t−1} + (1 − β₁) g_t,        v_t = β₂ v_{t−1} + (1 − β₂) g_t²,
        m̂_t = m_t / (1 − β₁ᵗ),                  v̂_t = v_t / (1 − β₂ᵗ),
        θ ← θ − η_t m̂_t / (√v̂_t + ε)            (m_0 = v_0 = 0, t = 1, 2, …).

    The bias corrections undo the start at zero; each coordinate moves about η per step whatever
    the gradient's scale. weight_decay adds λθ to g_t first (L2, as ``torch.optim.Adam``; AdamW's
    decoupled decay is a different rule). Equals ``torch.optim.Adam(params, lr, betas, eps,
    weight_decay)``.
    References: Kingma & Ba (2015), Adam: A Method for Stochastic Optimization.
    """

    def __init__(self, lr=0.001, *, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0):
        super().__init__(lr, weight_decay=weight_decay)
        try:
            b1, b2 = betas
        except (TypeError, ValueError):
            raise ValueError(f"betas must be a pair (beta1, beta2); got {betas!r}") from None
        self.betas = (_check_unit_interval(b1, "betas[0]"), _check_unit_interval(b2, "betas[1]"))
        self.eps = check_positive(eps, "eps")

    def _update(self, p, g, state, lr):
        if not state:
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
        b1, b2 = self.betas
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= b1
        m += (1.0 - b1) * g
        v *= b2
        v += (1.0 - b2) * g * g
        bias1 = 1.0 - b1 ** self.t
        bias2 = 1.0 - b2 ** self.t
        # the same operations, in the same order, as torch's Adam (so float64 results agree)
        denom = np.sqrt(v) / np.sqrt(bias2) + self.eps
        p -= (lr / bias1) * (m / denom)

    def _hyper(self):
        return {**super()._hyper(), "betas": self.betas, "eps": self.eps}


def _check_unit_interval(value, name: str) -> float:
    """A number in [0, 1): a momentum or an exponential-averaging rate."""
    return UNIT_INTERVAL.check(value, name)


UNIT_INTERVAL = Interval(numbers.Real, 0, 1, closed="left")


def _as_lists(params, grads):
    """(params, grads) as two lists of arrays; params must be float arrays (updated in place)."""
    if isinstance(params, np.ndarray):
        ps, gs = [params], [grads]
    else:
        ps, gs = list(params), list(grads)
        if len(ps) != len(gs):
            raise ValueError(f"grads must hold one array per parameter; got {len(gs)} grads for "
                             f"{len(ps)} params")
    out = []
    for i, (p, g) in enumerate(zip(ps, gs)):
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
            kind = p.dtype if isinstance(p, np.ndarray) else type(p).__name__
            raise ValueError(f"params must be float numpy arrays (they are updated in place); "
                             f"got {kind} for parameter {i}: use np.array(x, dtype=float)")
        if not p.flags.writeable:
            raise ValueError(f"params must be writeable arrays (they are updated in place); "
                             f"parameter {i} is read-only: pass a copy, np.array(x)")
        g = np.asarray(g, dtype=p.dtype)
        if g.shape != p.shape:
            raise ValueError(f"grads must have the shapes of params; parameter {i} has shape "
                             f"{p.shape}, its gradient {g.shape}")
        out.append(g)
    return ps, out


# --------------------------------------------------------------------------------------------
# The training loop
# --------------------------------------------------------------------------------------------
@dataclass
class History:
    """What `minimize` records, one row per visited point θ_0, θ_1, …, θ_k.

    params: (k+1, *x0.shape) the iterates, params[0] = x0.
    losses: (k+1,) the loss at each iterate (the mini-batch loss when training on mini-batches,
        unless `minimize` was given an ``objective``); non-finite at the end if it diverged.
    grad_norms: (k+1,) Euclidean norm of the gradient at each iterate.
    diverged: the loss, the gradient, the parameters or the optimizer's state became inf/NaN
        (the run stopped there).
    converged: the gradient fell below ``tol`` (the run stopped there).
    message: why the run stopped, in a sentence (which step, what overflowed, what to try).
    """
    params: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    diverged: bool = False
    converged: bool = False
    message: str = ""

    @property
    def n_steps(self) -> int:
        """Number of optimizer steps taken, k."""
        return len(self.losses) - 1

    @property
    def x(self) -> np.ndarray:
        """The last iterate θ_k."""
        return self.params[-1]


def minibatches(n: int, batch_size: int, *, seed=0, shuffle: bool = True) -> Iterator[np.ndarray]:
    """Endless mini-batches of sample indices: each epoch a new permutation of range(n), cut into
    batches of `batch_size` (the last one of an epoch may be smaller, as torch's DataLoader)."""
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}")
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(n) if shuffle else np.arange(n)
        for start in range(0, n, batch_size):
            yield order[start:start + batch_size]


def _endless(batches):
    """Batches one after another; a list (anything re-iterable) starts over when it ends."""
    while True:
        empty = True
        for batch in batches:
            empty = False
            yield batch
        if empty or iter(batches) is batches:   # an iterator cannot be replayed
            raise ValueError("batches ran out; pass a list of batches (it is repeated) or an "
                             "endless iterator such as minibatches(n, batch_size)")


def minimize(fun_and_grad: Callable, x0, optimizer: Optimizer, steps: int = 100, *,
             batches=None, objective: Callable | None = None, tol: float | None = None) -> History:
    """Run `optimizer` on `fun_and_grad` from `x0` for `steps` steps and record the path.

    fun_and_grad: ``x ↦ (loss, gradient)``, or ``(x, batch) ↦ (loss, gradient)`` when `batches`
        is given; the gradient has the shape of x.
    x0: starting point (any shape; float64). It is not modified.
    optimizer: an `Optimizer`; it is `reset()` first, so one object can serve several runs.
    batches: None for full-batch descent, or the batches to draw from, one per evaluation: an
        endless iterator such as `minibatches`, or a list (repeated epoch after epoch).
    objective: optional ``x ↦ loss`` recorded instead of fun_and_grad's loss (e.g. the loss on
        the full data while stepping on mini-batches).
    tol: stop early once every component of the gradient is ≤ tol in absolute value.

    Divergence is reported, not warned about (a lesson shows it on purpose): when the loss, the
    gradient, the parameters or the optimizer's state (Adam squares the gradient) become inf or
    NaN, the run stops, ``diverged`` is set and ``message`` says at which step and what
    overflowed; the rows up to there are kept, so a figure can show them.
    """
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be an Optimizer (GD, SGD, Momentum, Adam); "
                         f"got {type(optimizer).__name__}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer; got {steps!r}")
    if tol is not None:
        tol = check_nonnegative(tol, "tol")
    x = as_float_array(x0, "x0").copy()
    batch_iter = None if batches is None else _endless(batches)
    optimizer.reset()
    params, losses, grad_norms = [x.copy()], [], []
    diverged = converged = False
    message = f"ran all {steps} steps"
    advice = f"lower the learning rate (now {optimizer.lr!r}) or scale the inputs"
    # overflow is the expected end of a diverging run: recorded and reported, not warned about
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore", LossOverflowWarning)
        for k in range(steps + 1):
            if not np.isfinite(x).all():         # the parameters themselves overflowed
                losses.append(np.nan)
                grad_norms.append(np.nan)
                diverged = True
                message = f"diverged at step {k}: the parameters overflowed to inf/NaN; {advice}"
                break
            if batch_iter is None:
                value, g = fun_and_grad(x)
            else:
                value, g = fun_and_grad(x, next(batch_iter))
            g = np.asarray(g, dtype=np.float64)
            if g.shape != x.shape:
                raise ValueError(f"fun_and_grad must return a gradient shaped like x0 {x.shape}; "
                                 f"got shape {g.shape}")
            losses.append(float(value) if objective is None else float(objective(x)))
            grad_norms.append(_norm(g))
            if not np.isfinite(losses[-1]):
                diverged = True
                message = f"diverged at step {k}: the loss became {losses[-1]}; {advice}"
                break
            if not np.isfinite(g).all():
                diverged = True
                message = f"diverged at step {k}: the gradient holds inf/NaN; {advice}"
                break
            if tol is not None and np.abs(g).max() <= tol:
                converged = True
                message = f"converged after {k} steps: every |gradient component| <= {tol:g}"
                break
            if k == steps:
                break
            optimizer.step(x, g)
            if not optimizer.state_is_finite():
                diverged = True
                message = (f"diverged at step {k + 1}: the optimizer's state overflowed (the "
                           f"gradient, largest |component| {np.abs(g).max():.3g}, is too large "
                           f"to square); scale the inputs")
                break
            params.append(x.copy())
    return History(np.array(params), np.array(losses), np.array(grad_norms), diverged, converged,
                   message)


def _norm(g: np.ndarray) -> float:
    """‖g‖₂, scaled by the largest |entry| so that it is finite for any finite g."""
    top = float(np.abs(g).max()) if g.size else 0.0
    if top == 0.0 or not np.isfinite(top):
        return top
    return top * float(np.sqrt(((g / top) ** 2).sum()))
