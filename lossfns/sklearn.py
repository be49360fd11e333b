"""Linear models trained with any `lossfns` loss: scikit-learn estimators (线性模型).

`LinearRegressor` and `LinearClassifier` fit a linear score s = Xw + b by minimising

    J(w, b) = mean_i loss(y_i, s_i) + α‖w‖²        (the intercept b is not penalised)

with an optimizer from `lossfns.optim` (Adam by default, full batch). The chain rule carries the
loss's gradient with respect to the scores, G = ∂(mean loss)/∂s (what ``loss.grad`` returns),
to the weights: ∂J/∂w = Xᵀ G + 2αw and ∂J/∂b = Σ_i G_i. That is all "training" is here, so a
lesson can swap the loss and watch the fitted line change.

They are ordinary scikit-learn estimators: ``fit``/``predict``/``score``, ``get_params`` and
``set_params``, ``clone``, Pipeline, ``cross_val_score``, ``GridSearchCV``. They do **not**
standardise the features: gradient descent needs features on comparable scales, so put a
``StandardScaler`` in front (``make_pipeline(StandardScaler(), LinearRegressor())``).

Regularisation scale. α multiplies ‖w‖² next to the *mean* loss. scikit-learn's ``Ridge``
minimises the *sum* ‖y − Xw − b‖² + α_R‖w‖², so with ``loss="mse"`` our α equals α_R / n
(n training samples); ``LogisticRegression(C=C)`` minimises C·Σ log-loss + ½‖w‖², so with
``loss="binary_cross_entropy_with_logits"`` our α equals 1 / (2Cn).

Requires scikit-learn.
"""
from __future__ import annotations

import copy
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, InvalidParameterError, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from .activations import sigmoid, softmax
from .core import _REGISTRY, Loss, catalog
from .losses import classification as _classification  # noqa: F401  (registers the losses)
from .losses import regression as _regression  # noqa: F401
from .optim import GD, SGD, Adam, Momentum, Optimizer, minibatches, minimize

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data as _validate_data
except ImportError:  # pragma: no cover - older scikit-learn
    def _validate_data(estimator, *args, **kwargs):
        return estimator._validate_data(*args, **kwargs)

__all__ = ["LinearRegressor", "LinearClassifier", "OPTIMIZERS", "CLASSIFIER_LOSSES"]

#: Optimizers by name; ``"sgd"`` differs from ``"gd"`` only when ``batch_size`` is set.
OPTIMIZERS = {"gd": GD, "sgd": SGD, "momentum": Momentum, "adam": Adam}
#: Learning rate used when ``lr=None`` and the optimizer is given by name.
DEFAULT_LR = 0.05

#: Classification losses by name, with the targets each one needs:
#: "01" labels 0/1, "pm1" labels −1/+1 (one score per sample, one-vs-rest for more classes),
#: "index" class indices 0…C−1 with one score per class.
CLASSIFIER_LOSSES = {"binary_cross_entropy_with_logits": "01", "hinge": "pm1",
                     "squared_hinge": "pm1", "cross_entropy": "index", "multiclass_hinge": "index"}
#: Losses whose scores are log-odds: predict_proba exists for these (sigmoid / softmax).
PROBABILISTIC_LOSSES = ("binary_cross_entropy_with_logits", "cross_entropy")


class _LinearModel(BaseEstimator):
    """Shared machinery: loss and optimizer look-up, the training loop, the linear scores."""

    # -- configuration ------------------------------------------------------------------------
    def _loss(self) -> Loss:
        if isinstance(self.loss, Loss):
            return self.loss
        valid = self._valid_losses()
        if self.loss not in valid:
            raise ValueError(f"loss must be a Loss object or one of {', '.join(map(repr, valid))}; "
                             f"got {self.loss!r}")
        return _REGISTRY[self.loss]

    def _optimizer(self) -> Optimizer:
        if isinstance(self.optimizer, Optimizer):
            opt = copy.deepcopy(self.optimizer)      # never change the user's object
            if self.lr is not None:
                opt.lr = self.lr
            return opt
        if self.optimizer not in OPTIMIZERS:
            names = ", ".join(map(repr, OPTIMIZERS))
            raise ValueError(f"optimizer must be an Optimizer or one of {names}; "
                             f"got {self.optimizer!r}")
        return OPTIMIZERS[self.optimizer](DEFAULT_LR if self.lr is None else self.lr)

    #: what each parameter may be, checked by `fit` as scikit-learn's own estimators do
    #: (`InvalidParameterError`, a ValueError, naming the parameter and what was given);
    #: the loss names are added by each subclass
    _parameter_constraints: dict = {
        "optimizer": [StrOptions(set(OPTIMIZERS)), Optimizer],
        "lr": [Interval(Real, 0, None, closed="neither"), callable, None],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "loss_kwargs": [dict, None],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def _check_params(self):
        self._validate_params()
        # scikit-learn's Real and Integral admit True and False; a flag is not a number here
        for name in ("lr", "max_iter", "alpha", "batch_size", "tol"):
            if isinstance(getattr(self, name), (bool, np.bool_)):
                raise InvalidParameterError(f"The {name!r} parameter of "
                                            f"{type(self).__name__} must be a number, not a "
                                            f"bool; got {getattr(self, name)!r}.")
        kwargs = self.loss_kwargs or {}
        if "reduction" in kwargs:
            raise InvalidParameterError(
                f"loss_kwargs must not set 'reduction' (got {kwargs['reduction']!r}): "
                f"{type(self).__name__} minimises the mean loss, which its gradient and alpha "
                f"assume")
        loss = self._loss()
        unknown = sorted(set(kwargs) - set(loss.hyper))
        if unknown:
            known = ", ".join(loss.hyper) or "none"
            raise InvalidParameterError(f"loss_kwargs has {unknown[0]!r}, which {loss.name} "
                                        f"does not take; its hyper-parameters: {known}")
        for key, value in kwargs.items():  # the loss's own domain, named as the user wrote it
            if key in loss.domain:
                loss.domain[key].check(value, f"loss_kwargs[{key!r}]")

    # -- training -----------------------------------------------------------------------------
    def _train(self, X: np.ndarray, T: np.ndarray, n_out: int) -> None:
        """Minimise mean loss(T, XW + b) + α‖W‖² over W (d, n_out) and b (n_out,)."""
        loss, opt = self._loss(), self._optimizer()
        kwargs = dict(self.loss_kwargs or {})
        alpha, intercept = float(self.alpha), bool(self.fit_intercept)
        n, d = X.shape
        n_w = d * n_out

        def unpack(theta):
            W = theta[:n_w].reshape(d, n_out)
            return W, (theta[n_w:] if intercept else np.zeros(n_out))

        def fun_and_grad(theta, idx=None):
            Xb, Tb = (X, T) if idx is None else (X[idx], T[idx])
            W, b = unpack(theta)
            S = Xb @ W + b
            if not np.isfinite(S).all():            # diverged: let minimize record and stop
                return np.inf, np.zeros_like(theta)
            value, G = loss.value_and_grad(Tb, S, **kwargs)   # G = ∂(mean loss)/∂S
            gW = Xb.T @ G + 2.0 * alpha * W                  # chain rule: S = XW + b
            parts = [gW.ravel(), G.sum(axis=0)] if intercept else [gW.ravel()]
            return value + alpha * float((W * W).sum()), np.concatenate(parts)

        batches = None
        if self.batch_size is not None and self.batch_size < n:
            seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
            batches = minibatches(n, int(self.batch_size), seed=seed)
        theta0 = np.zeros(n_w + (n_out if intercept else 0))
        hist = minimize(fun_and_grad, theta0, opt, steps=int(self.max_iter), batches=batches,
                        tol=self.tol)
        if hist.diverged:
            top = float(np.abs(X).max())
            scale = (f"; X has entries up to {top:.3g}: standardise the features "
                     f"(StandardScaler in a Pipeline)" if top > 1e6 else
                     " (or standardise the features: StandardScaler in a Pipeline)")
            raise ValueError(f"training {hist.message}{scale}")
        W, b = unpack(hist.x)
        self._W, self._b = W.copy(), np.array(b, dtype=np.float64)
        self.loss_curve_ = hist.losses
        self.n_iter_ = hist.n_steps

    def _scores(self, X) -> np.ndarray:
        check_is_fitted(self, "_W")
        X = _validate_data(self, X, reset=False, dtype=np.float64)
        return X @ self._W + self._b


class LinearRegressor(RegressorMixin, _LinearModel):
    """Linear regression fitted by gradient descent on any regression loss.

    Minimises mean_i loss(y_i, x_iᵀw + b) + α‖w‖², e.g. ``loss="mse"`` (least squares),
    ``"mae"`` (least absolute deviations, robust to outliers), ``"huber"`` (pass
    ``loss_kwargs={"delta": 1.0}``), ``"quantile"`` (``loss_kwargs={"q": 0.9}`` fits the 90th
    percentile), or a `Loss` object. y may be 1-D or (n, targets).

    Parameters
    ----------
    loss : str or Loss, default "mse"
    optimizer : "adam", "gd", "sgd", "momentum" or an Optimizer (copied, never modified)
    lr : float, callable t ↦ η_t, or None for 0.05 (or the Optimizer object's own lr)
    max_iter : number of optimizer steps (one step = one full-batch or mini-batch gradient)
    alpha : L2 penalty α‖w‖² added to the *mean* loss (Ridge's α_R equals n·α)
    fit_intercept : learn b (never penalised)
    loss_kwargs : hyper-parameters passed to the loss, e.g. {"delta": 1.0}
    batch_size : None for full batch, or the mini-batch size (stochastic gradients)
    tol : stop once every partial derivative of the objective is ≤ tol (None: run max_iter)
    random_state : seed of the mini-batch shuffling (weights start at 0: no other randomness)

    Attributes: ``coef_`` (d,) or (targets, d), ``intercept_``, ``loss_curve_`` (objective at
    the starting point and after each step, length n_iter_ + 1), ``n_iter_``,
    ``n_features_in_``.
    """

    def __init__(self, loss="mse", *, optimizer="adam", lr=None, max_iter=1000, alpha=0.0,
                 fit_intercept=True, loss_kwargs=None, batch_size=None, tol=1e-6,
                 random_state=0):
        self.loss = loss
        self.optimizer = optimizer
        self.lr = lr
        self.max_iter = max_iter
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.loss_kwargs = loss_kwargs
        self.batch_size = batch_size
        self.tol = tol
        self.random_state = random_state

    _parameter_constraints: dict = {
        **_LinearModel._parameter_constraints,
        "loss": [StrOptions({L.name for L in catalog("regression")}), Loss],
    }

    @staticmethod
    def _valid_losses():
        return [L.name for L in catalog("regression")]

    def fit(self, X, y):
        """Fit the weights to (X, y); returns self."""
        self._check_params()
        X, y = _validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True)
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        self._train(X, Y, Y.shape[1])
        if y.ndim == 1:
            self.coef_, self.intercept_ = self._W[:, 0].copy(), float(self._b[0])
        else:
            self.coef_, self.intercept_ = self._W.T.copy(), self._b.copy()
        return self

    def predict(self, X):
        """Xw + b."""
        S = self._scores(X)
        return S[:, 0] if np.ndim(self.coef_) == 1 else S

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class LinearClassifier(ClassifierMixin, _LinearModel):
    """Linear classifier fitted by gradient descent on a classification loss.

    Losses and the labels they are given (done by `fit`, from any labels):

    * ``"binary_cross_entropy_with_logits"`` (logistic regression): 0/1, score = log-odds;
    * ``"hinge"`` (linear SVM), ``"squared_hinge"``: −1/+1 via 2y − 1, score = margin;
    * ``"cross_entropy"`` (softmax / multinomial logistic regression), ``"multiclass_hinge"``:
      class indices, one score per class.

    The binary losses handle C > 2 classes one-vs-rest: one score per class, the loss averaged
    over samples *and* classes. A `Loss` object of task "binary" is given 0/1 labels and one
    score per sample (per class beyond two); one of task "multiclass" class indices and (n, C)
    scores.

    ``predict_proba`` exists only for the log-loss family (sigmoid, or softmax for cross-entropy;
    one-vs-rest sigmoids are normalised to sum to 1). For hinge losses the scores are margins,
    not log-odds, so, as in ``SGDClassifier(loss="hinge")``, the attribute is absent:
    ``hasattr(clf, "predict_proba")`` is False and accessing it raises AttributeError.

    Parameters: as `LinearRegressor` (default loss "binary_cross_entropy_with_logits"). With
    that loss, α = 1/(2Cn) matches ``LogisticRegression(C=C)``.

    Attributes: ``classes_``, ``coef_`` (k, d) with k = 1 for a binary loss on two classes and
    k = C otherwise, ``intercept_`` (k,), ``loss_curve_``, ``n_iter_``, ``n_features_in_``.
    """

    def __init__(self, loss="binary_cross_entropy_with_logits", *, optimizer="adam", lr=None,
                 max_iter=1000, alpha=0.0, fit_intercept=True, loss_kwargs=None,
                 batch_size=None, tol=1e-6, random_state=0):
        self.loss = loss
        self.optimizer = optimizer
        self.lr = lr
        self.max_iter = max_iter
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.loss_kwargs = loss_kwargs
        self.batch_size = batch_size
        self.tol = tol
        self.random_state = random_state

    _parameter_constraints: dict = {
        **_LinearModel._parameter_constraints,
        "loss": [StrOptions(set(CLASSIFIER_LOSSES)), Loss],
    }

    @staticmethod
    def _valid_losses():
        return list(CLASSIFIER_LOSSES)

    def _target_kind(self) -> str:
        L = self._loss()
        if L.name in CLASSIFIER_LOSSES:
            return CLASSIFIER_LOSSES[L.name]
        if L.task == "binary":
            return "01"
        if L.task == "multiclass":
            return "index"
        raise ValueError(f"loss must be a classification loss (task 'binary' or 'multiclass'); "
                         f"got {L.name!r} of task {L.task!r}")

    def fit(self, X, y):
        """Fit the weights to (X, y); returns self."""
        self._check_params()
        X, y = _validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, idx = np.unique(y, return_inverse=True)
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError(f"y must hold at least 2 classes; got one class: {self.classes_[0]}")
        kind = self._target_kind()
        if kind == "index":
            T, n_out = idx, n_classes
        else:
            onehot = np.eye(n_classes)[idx]
            T = onehot[:, 1:] if n_classes == 2 else onehot      # one column: "is class 1"
            T = 2.0 * T - 1.0 if kind == "pm1" else T            # hinge labels are −1/+1
            n_out = T.shape[1]
        self._train(X, T, n_out)
        self.coef_, self.intercept_ = self._W.T.copy(), self._b.copy()
        return self

    def decision_function(self, X):
        """Scores: (n,) for two classes (positive means classes_[1]), else (n, C)."""
        S = self._scores(X)
        if S.shape[1] == 1:
            return S[:, 0]
        if len(self.classes_) == 2:     # two scores per sample (softmax): their difference
            return S[:, 1] - S[:, 0]
        return S

    def predict(self, X):
        """The class with the highest score."""
        s = self.decision_function(X)
        return self.classes_[(s > 0).astype(int) if s.ndim == 1 else np.argmax(s, axis=1)]

    def _has_proba(self) -> bool:
        try:
            return self._loss().name in PROBABILISTIC_LOSSES
        except ValueError:
            return False

    @available_if(_has_proba)
    def predict_proba(self, X):
        """Class probabilities, (n, C): sigmoid of the log-odds, or softmax for cross-entropy."""
        S = self._scores(X)
        if S.shape[1] == 1:
            p = sigmoid(S[:, 0])
            return np.column_stack([1.0 - p, p])
        if self._target_kind() == "index":
            return softmax(S, axis=1)
        P = sigmoid(S)                   # one-vs-rest: normalise as scikit-learn does
        return P / P.sum(axis=1, keepdims=True)
