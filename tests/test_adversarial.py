"""The failures issue 13 found on adversarial input, each a test: overflow-safe forms, infinities
said in words, torch tensors, optimizers, the training loop and the estimators' parameters."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import lossfns
from lossfns.core import LossOverflowWarning
from lossfns.optim import GD, SGD, Adam, Momentum, minimize
from lossfns.sklearn import LinearClassifier, LinearRegressor

from conftest import assert_close, t64
from loss_specs import SPECS

BIG = 1.7e308


@pytest.fixture
def no_warnings():
    """Fail on any warning: a right answer must not come with numpy's internal messages."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# -------------------------------------------------------------------------------- overflow-safe
@pytest.mark.parametrize("z", [20.0, 30.0, 37.0, 50.0, 700.0])
@pytest.mark.parametrize("pos_weight", [0.5, 2.0, np.array([3.0])])
def test_bce_logits_with_pos_weight_keeps_tiny_losses(z, pos_weight, no_warnings):
    value = lossfns.binary_cross_entropy_with_logits([1.0], [z], pos_weight=pos_weight)
    ref = F.binary_cross_entropy_with_logits(t64([z]), t64([1.0]), pos_weight=t64(pos_weight))
    assert value > 0 or z > 700
    np.testing.assert_allclose(value, ref.item(), rtol=1e-12)
    # the exact value: w·log(1 + e^−z)
    np.testing.assert_allclose(value, np.ravel(pos_weight)[0] * np.log1p(np.exp(-z)), rtol=1e-12)


def test_bce_logits_pos_weight_at_30_is_torchs_1_87e_13():
    value = lossfns.binary_cross_entropy_with_logits([1.0], [30.0], pos_weight=2.0)
    assert value == pytest.approx(1.8715245937679474e-13, rel=1e-12)


@pytest.mark.parametrize("d", [1e154, 1e200, 1e300])
def test_contrastive_and_triplet_are_finite_far_beyond_1e154(d, no_warnings):
    # a dissimilar pair far apart: no loss, no gradient (Σx² overflows, the norm does not)
    value, (g1, g2) = lossfns.contrastive_loss.value_and_grad([0.0], [[d, 0.0]], [[0.0, d]])
    assert value == 0.0 and np.all(g1 == 0) and np.all(g2 == 0)
    # the positive at the anchor, the negative d away: no loss
    assert lossfns.triplet_loss([[d, 0.0]], [[d, 0.0]], [[0.0, d]]) == 0.0
    # the positive √2·d away, the negative d away: the loss is (√2 − 1)d + 1, exactly
    value, grads = lossfns.triplet_loss.value_and_grad([[d, 0.0]], [[0.0, d]], [[0.0, 0.0]])
    assert value == pytest.approx((np.sqrt(2) - 1) * d, rel=1e-12)
    assert all(np.isfinite(g).all() for g in grads)
    assert_close(grads[1], [[-np.sqrt(0.5), np.sqrt(0.5)]], 1e-12)


def test_contrastive_of_a_similar_pair_beyond_the_float_range_is_inf_said_in_words():
    with pytest.warns(LossOverflowWarning, match=r"lossfns\.contrastive_loss: the loss exceeds "
                                                 r"the float64 range"):
        value = lossfns.contrastive_loss([1.0], [[1e200, 0.0]], [[0.0, 0.0]])
    assert value == np.inf


def test_huber_with_a_huge_delta_is_inf_with_a_warning_never_nan():
    with pytest.warns(LossOverflowWarning, match=r"lossfns\.huber: the loss exceeds"):
        assert lossfns.huber([0.0], [1e200], delta=1e300) == np.inf
    # below the float range the same delta gives the exact quadratic
    assert lossfns.huber([0.0], [1e150], delta=1e300) == pytest.approx(0.5e300, rel=1e-15)
    assert lossfns.huber([0.0], [1e200], delta=1e100) == pytest.approx(1e300 - 0.5e200,
                                                                        rel=1e-15)


def test_cross_entropy_with_weights_and_extreme_logits_is_never_nan():
    z = np.array([[BIG, -BIG], [-BIG, BIG], [BIG, -BIG]])
    w = np.array([1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, grad = lossfns.cross_entropy.value_and_grad([0, 1, 0], z, weight=w)
        assert value == 0.0 and np.all(grad == 0.0)
        value = lossfns.cross_entropy([0, 1, 0], z, weight=w, label_smoothing=0.0)
        assert value == 0.0
    # the true class far below the other: a loss of 3.4e308, beyond the float range
    with pytest.warns(LossOverflowWarning, match=r"lossfns\.cross_entropy"):
        items = lossfns.cross_entropy([1, 1, 0], z, weight=w, reduction="none")
    assert items.tolist() == [np.inf, 0.0, 0.0]


@pytest.mark.parametrize("y", [0.0, 1.0, 0.3])
@pytest.mark.parametrize("z", [BIG, -BIG, 1e300, -1e300])
def test_focal_gradient_at_extreme_logits_is_finite(y, z):
    value, grad = lossfns.focal_loss.value_and_grad([y], [z], reduction="sum")
    assert np.isfinite(grad).all()
    ce = lossfns.binary_cross_entropy_with_logits.grad([y], [z], reduction="sum")
    # far out the modulating factor is 0 or 1: the gradient is α_t (σ(z) − y) or 0
    assert np.isfinite(value) and np.all(np.abs(grad) <= np.abs(ce) + 1e-300)


def test_log_softmax_and_sigmoid_refuse_complex():
    for f in (lossfns.sigmoid, lossfns.log_sigmoid, lossfns.softplus, lossfns.softmax,
              lossfns.log_softmax):
        with pytest.raises(ValueError, match=r"^z must hold real numbers; got complex"):
            f(np.array([1.0 + 2.0j, 0.0]))


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
@pytest.mark.parametrize("scale", [1e150, 1e300, 1e308])
def test_no_loss_returns_nan_at_extreme_predictions(spec, scale):
    """Predictions scaled up to 1e308: the values and gradients may overflow to ±inf (with a
    LossOverflowWarning), but are never NaN."""
    if spec.name in ("binary_cross_entropy", "dice_loss", "kl_divergence", "nll_loss",
                     "ctc_loss"):
        pytest.skip("predictions are probabilities or log-probabilities: bounded")
    args, hyper = spec.samples(np.random.default_rng(1))[0]
    args = list(args)
    for i in spec.predictions:
        x = np.asarray(args[i], dtype=np.float64)
        args[i] = x * (scale / max(1.0, np.abs(x).max()))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # never numpy's own overflow message
        warnings.simplefilter("ignore", LossOverflowWarning)  # (filters added later win)
        value, grad = spec.loss.value_and_grad(*args, reduction="none", **hyper)
    assert not np.isnan(value).any()
    for g in grad if isinstance(grad, tuple) else (grad,):
        assert not np.isnan(g).any()


# -------------------------------------------------------------------------------- torch tensors
@pytest.mark.parametrize("name", ["mse", "huber", "binary_cross_entropy_with_logits",
                                  "cross_entropy", "kl_divergence", "dice_loss"])
def test_tensors_requiring_grad_are_read_detached(name):
    spec = next(s for s in SPECS if s.name == name)
    args, hyper = spec.samples(np.random.default_rng(0))[0]
    tensors = [torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)
               if np.asarray(a).dtype.kind == "f" else torch.tensor(a) for a in args]
    value, grad = spec.loss.value_and_grad(*tensors, **hyper)
    ref_value, ref_grad = spec.loss.value_and_grad(*args, **hyper)
    assert value == ref_value and isinstance(value, float)
    np.testing.assert_array_equal(grad, ref_grad)


# -------------------------------------------------------------------------------- numbers in
def test_python_ints_beyond_float_range_are_value_errors():
    with pytest.raises(ValueError, match=r"^y_pred holds an integer too large for float64"):
        lossfns.mse([1.0], [10**400])
    with pytest.raises(ValueError, match=r"^delta must be a finite number; got an integer too "
                                         r"large for float64"):
        lossfns.huber([1.0], [2.0], delta=10**400)
    with pytest.raises(ValueError, match=r"^y_true must hold integer class indices; got dtype "
                                         r"object"):
        lossfns.cross_entropy([10**400], [[0.0, 1.0]])


def test_huge_float_class_index_is_reported_as_given():
    with pytest.raises(ValueError, match=r"class indices in \[0, 2\); got 1e\+300 at position 0$"):
        lossfns.cross_entropy([1e300], [[0.0, 1.0]])
    with pytest.raises(ValueError, match=r"got 3 at position 1$"):
        lossfns.nll_loss([0, 3.0], [[-1.0, -0.5], [-0.3, -2.0]])


@pytest.mark.parametrize("flag", ["no", 0, 1, None, "False"])
def test_flags_must_be_bools(flag):
    with pytest.raises(ValueError, match=r"^full must be True or False"):
        lossfns.poisson_nll_loss([1.0], [0.5], full=flag)


# -------------------------------------------------------------------------------- optimizers
@pytest.mark.parametrize("bad", ["no", "yes", 1, 0, None])
def test_sgd_nesterov_must_be_a_bool(bad):
    with pytest.raises(ValueError, match=r"^nesterov must be True or False"):
        SGD(0.1, momentum=0.9, nesterov=bad)
    assert SGD(0.1, momentum=0.9, nesterov=True).nesterov is True


@pytest.mark.parametrize("Opt", [GD, SGD, Momentum, Adam])
def test_a_read_only_parameter_fails_before_the_state_changes(Opt):
    opt = Opt(0.1)
    p = np.ones(3)
    p.setflags(write=False)
    with pytest.raises(ValueError, match=r"^params must be writeable arrays .* parameter 0 is "
                                         r"read-only"):
        opt.step(p, np.ones(3))
    assert opt.t == 0 and opt.state is None
    q = np.ones(3)
    opt.step(q, np.ones(3))  # the same object still works from scratch
    assert opt.t == 1


def test_minimize_reports_divergence_and_overflow():
    quad = lambda x: (float((x * x).sum()), 2.0 * x)  # noqa: E731
    h = minimize(quad, [1.0, -1.0], GD(lr=1.5), steps=5000)
    assert h.diverged and "diverged at step" in h.message and "the loss became inf" in h.message
    assert "lower the learning rate (now 1.5)" in h.message
    # Adam squares the gradient: 1e200² overflows its state, and the run would stall silently
    h = minimize(lambda x: (0.0, np.full_like(x, 1e200)), [0.0], Adam(lr=0.1), steps=10)
    assert h.diverged and "optimizer's state overflowed" in h.message
    assert np.isfinite(h.grad_norms).all()  # the norm itself is taken without overflow
    h = minimize(quad, [1.0], GD(lr=0.1), steps=10)
    assert not h.diverged and h.message == "ran all 10 steps"
    h = minimize(quad, [1.0], GD(lr=0.5), steps=10, tol=1e-12)
    assert h.converged and h.message.startswith("converged after 1 steps")


def test_minimize_does_not_warn_about_the_overflow_it_reports():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = minimize(lambda x: (lossfns.mse([0.0], x), lossfns.mse.grad([0.0], x)), [1.0],
                     GD(lr=3.0), steps=2000)
    assert h.diverged


# -------------------------------------------------------------------------------- estimators
X = np.random.default_rng(0).normal(size=(40, 3))
Y = X @ np.array([1.0, -2.0, 0.5]) + 0.3


@pytest.mark.parametrize("params, match", [
    ({"max_iter": 0}, r"'max_iter' parameter of LinearRegressor must be an int in the range"),
    ({"max_iter": 2.5}, r"'max_iter' parameter"),
    ({"alpha": -1.0}, r"'alpha' parameter"),
    ({"alpha": True}, r"'alpha' parameter of LinearRegressor must be a number, not a bool"),
    ({"lr": 0}, r"'lr' parameter"),
    ({"fit_intercept": "yes"}, r"'fit_intercept' parameter"),
    ({"optimizer": "rmsprop"}, r"'optimizer' parameter"),
    ({"loss": "cross_entropy"}, r"'loss' parameter of LinearRegressor must be a str among"),
    ({"batch_size": 0}, r"'batch_size' parameter"),
    ({"tol": -1e-3}, r"'tol' parameter"),
    ({"loss_kwargs": [("delta", 1.0)]}, r"'loss_kwargs' parameter"),
    ({"loss_kwargs": {"reduction": "sum"}}, r"loss_kwargs must not set 'reduction'"),
    ({"loss": "huber", "loss_kwargs": {"q": 0.5}}, r"loss_kwargs has 'q', which huber does not "
                                                   r"take; its hyper-parameters: delta"),
    ({"loss": "huber", "loss_kwargs": {"delta": -1.0}}, r"loss_kwargs\['delta'\] must be > 0"),
])
def test_estimators_validate_their_parameters_like_scikit_learn(params, match):
    with pytest.raises(ValueError, match=match):
        LinearRegressor(**params).fit(X, Y)


def test_classifier_validates_its_loss_too():
    with pytest.raises(ValueError, match=r"'loss' parameter of LinearClassifier"):
        LinearClassifier(loss="mse").fit(X, Y > 0)


@pytest.mark.parametrize("optimizer", ["adam", "gd"])
def test_fit_on_features_of_1e200_is_a_clear_error_not_zeros(optimizer):
    with pytest.raises(ValueError, match=r"^training diverged at step 1: .*X has entries up to "
                                         r".*e\+200: standardise the features"):
        LinearRegressor(optimizer=optimizer).fit(X * 1e200, Y)


# -------------------------------------------------------------------------------- make_loader
@pytest.mark.parametrize("bad_x, bad_y, match", [
    (np.nan, None, r"^X must be finite \(no NaN or inf\); got nan at position \(1, 0\)"),
    (None, np.inf, r"^y must be finite"),
    (None, "a", r"^y must be an array of numbers"),
])
def test_make_loader_refuses_nan(bad_x, bad_y, match):
    from lossfns.torch.train import make_loader
    Xl, yl = np.ones((3, 2)), np.array([0.0, 1.0, 0.0])
    if bad_x is not None:
        Xl[1, 0] = bad_x
    if bad_y is not None:
        yl = yl.astype(object) if isinstance(bad_y, str) else yl
        yl[1] = bad_y
    with pytest.raises(ValueError, match=match):
        make_loader(Xl, yl)
