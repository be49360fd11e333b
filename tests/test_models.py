"""Tests for lossfns.sklearn: closed forms, scikit-learn parity, the estimator API, bad input."""
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, QuantileRegressor, Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

import lossfns
from lossfns.activations import sigmoid
from lossfns.optim import GD, Adam
from lossfns.sklearn import LinearClassifier, LinearRegressor


@pytest.fixture(scope="module")
def regression_data():
    """Well-conditioned linear data: 200 samples, 3 features, intercept 3."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = X @ np.array([1.5, -2.0, 0.5]) + 3.0 + 0.3 * rng.normal(size=200)
    return X, y


@pytest.fixture(scope="module")
def binary_data():
    X, y = make_classification(n_samples=200, n_features=5, n_informative=3, flip_y=0.1,
                               random_state=0)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _lstsq(X, y):
    coef = np.linalg.lstsq(np.c_[X, np.ones(len(X))], y, rcond=None)[0]
    return coef[:-1], coef[-1]


# --------------------------------------------------------------------------------------------
# Regression
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [{}, {"optimizer": "gd", "lr": 0.3}, {"optimizer": "momentum"}],
                         ids=str)
def test_mse_equals_least_squares(regression_data, kwargs):
    X, y = regression_data
    model = LinearRegressor(tol=1e-9, max_iter=5000, **kwargs).fit(X, y)
    coef, intercept = _lstsq(X, y)
    np.testing.assert_allclose(model.coef_, coef, atol=1e-6)
    assert model.intercept_ == pytest.approx(intercept, abs=1e-6)
    assert model.coef_.shape == (3,) and isinstance(model.intercept_, float)
    assert model.n_iter_ < 5000  # stopped by tol
    np.testing.assert_allclose(model.predict(X), X @ coef + intercept, atol=1e-5)


def test_alpha_equals_ridge_with_alpha_times_n(regression_data):
    # ours: mean loss + α‖w‖²; Ridge: sum loss + α_R‖w‖², so α_R = n·α (intercept unpenalised)
    X, y = regression_data
    alpha = 0.05
    ours = LinearRegressor(alpha=alpha, optimizer="gd", lr=0.3, tol=1e-10, max_iter=5000).fit(X, y)
    ridge = Ridge(alpha=len(y) * alpha).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ridge.coef_, atol=1e-6)
    assert ours.intercept_ == pytest.approx(ridge.intercept_, abs=1e-6)
    assert np.linalg.norm(ours.coef_) < np.linalg.norm(_lstsq(X, y)[0])  # shrunk


def test_without_intercept(regression_data):
    X, y = regression_data
    model = LinearRegressor(fit_intercept=False, optimizer="gd", lr=0.3, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(model.coef_, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-6)
    assert model.intercept_ == 0.0


def test_multi_output_regression(regression_data):
    X, y = regression_data
    Y = np.column_stack([y, -2.0 * y + 1.0])
    model = LinearRegressor(optimizer="gd", lr=0.3, tol=1e-10).fit(X, Y)
    assert model.coef_.shape == (2, 3) and model.intercept_.shape == (2,)
    for j in range(2):
        coef, intercept = _lstsq(X, Y[:, j])
        np.testing.assert_allclose(model.coef_[j], coef, atol=1e-6)
        assert model.intercept_[j] == pytest.approx(intercept, abs=1e-6)
    assert model.predict(X).shape == (200, 2)


def test_loss_curve(regression_data):
    X, y = regression_data
    model = LinearRegressor(optimizer="gd", lr=0.1, max_iter=50, tol=None).fit(X, y)
    assert model.n_iter_ == 50 and model.loss_curve_.shape == (51,)
    assert model.loss_curve_[0] == pytest.approx(np.mean(y ** 2))  # weights start at zero
    assert (np.diff(model.loss_curve_) < 0).all()
    assert model.loss_curve_[-1] == pytest.approx(lossfns.mse(y, model.predict(X)))


def _outlier_data(seed=1, n=200):
    """y = 2x + 1 + noise, with 20% of the points (those with the largest x) pushed far up."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=n)
    y = 2.0 * x + 1.0 + 0.3 * rng.normal(size=n)
    top = np.argsort(x)[-n // 5:]
    y[top] += rng.uniform(10, 20, size=len(top))
    return x[:, None], y


@pytest.mark.parametrize("loss, kwargs", [("mae", None), ("huber", {"delta": 1.0}),
                                          ("quantile", {"q": 0.5}), ("log_cosh", None)])
def test_robust_losses_resist_outliers(loss, kwargs):
    X, y = _outlier_data()
    slope_err = lambda m: abs(m.coef_[0] - 2.0)  # noqa: E731
    mse_err = slope_err(LinearRegressor("mse").fit(X, y))
    robust_err = slope_err(LinearRegressor(loss, loss_kwargs=kwargs).fit(X, y))
    assert mse_err > 1.0            # the outliers drag the least-squares line
    assert robust_err < 0.25 * mse_err


def test_quantile_regressor_puts_q_of_the_points_below():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    y = X @ np.array([1.0, 0.5]) + rng.normal(size=400)
    model = LinearRegressor("quantile", loss_kwargs={"q": 0.9},
                            lr=lambda t: 0.05 / np.sqrt(1 + t), max_iter=2000).fit(X, y)
    assert np.mean(y <= model.predict(X)) == pytest.approx(0.9, abs=0.01)
    ref = QuantileRegressor(quantile=0.9, alpha=0.0).fit(X, y)      # linear programming
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=2e-3)
    assert model.intercept_ == pytest.approx(ref.intercept_, abs=2e-3)


def test_loss_object_and_name_give_the_same_model(regression_data):
    X, y = regression_data
    a = LinearRegressor("huber", loss_kwargs={"delta": 0.5}).fit(X, y)
    b = LinearRegressor(lossfns.huber, loss_kwargs={"delta": 0.5}).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)


def test_minibatch_training_is_deterministic_and_close(regression_data):
    X, y = regression_data
    kw = dict(optimizer="sgd", lr=lambda t: 0.05 / (1 + 0.005 * t), batch_size=16, max_iter=1000,
              tol=None)
    a = LinearRegressor(**kw).fit(X, y)
    b = LinearRegressor(**kw).fit(X, y)
    c = LinearRegressor(**kw, random_state=1).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert not np.array_equal(a.coef_, c.coef_)
    np.testing.assert_allclose(a.coef_, _lstsq(X, y)[0], atol=0.01)


def test_optimizer_object_is_copied_and_lr_overrides(regression_data):
    X, y = regression_data
    opt = Adam(0.05)
    a = LinearRegressor(optimizer=opt, max_iter=100).fit(X, y)
    assert opt.t == 0 and opt.state is None      # the user's object is never stepped
    b = LinearRegressor(optimizer="adam", lr=0.05, max_iter=100).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    c = LinearRegressor(optimizer=GD(0.01), lr=0.3, max_iter=100).fit(X, y)
    d = LinearRegressor(optimizer="gd", lr=0.3, max_iter=100).fit(X, y)
    np.testing.assert_array_equal(c.coef_, d.coef_)


def test_divergence_raises_a_helpful_error(regression_data):
    X, y = regression_data
    with pytest.raises(ValueError, match="diverged .* lower the learning rate"):
        LinearRegressor(optimizer="gd", lr=5.0).fit(X * 100, y)


# --------------------------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------------------------
def test_bce_equals_logistic_regression(binary_data):
    # LogisticRegression(C): C·Σ log-loss + ½‖w‖²  ⇔  mean log-loss + ‖w‖²/(2Cn)
    X, y = binary_data
    C = 0.5
    ref = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, y)
    ours = LinearClassifier(alpha=1 / (2 * C * len(y)), tol=1e-8, max_iter=5000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-5)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    assert ours.coef_.shape == (1, 5) and ours.intercept_.shape == (1,)


def _svm_objective(X, y, w, alpha, squared):
    m = np.maximum(0.0, 1.0 - (2 * y - 1) * (X @ w))
    return np.mean(m ** 2 if squared else m) + alpha * w @ w


@pytest.mark.parametrize("loss", ["squared_hinge", "hinge"])
def test_hinge_losses_match_linear_svc(binary_data, loss):
    # LinearSVC without intercept: C·Σ loss + ½‖w‖², the same minimiser as α = 1/(2Cn)
    X, y = binary_data
    C = 0.1
    alpha = 1 / (2 * C * len(y))
    svc = LinearSVC(loss=loss, C=C, fit_intercept=False, tol=1e-10, max_iter=100_000).fit(X, y)
    kw = {"max_iter": 1000, "lr": lambda t: 0.05 / np.sqrt(1 + t)} if loss == "hinge" else {}
    ours = LinearClassifier(loss, alpha=alpha, fit_intercept=False, **kw).fit(X, y)
    squared = loss == "squared_hinge"
    j_ours = _svm_objective(X, y, ours.coef_[0], alpha, squared)
    j_svc = _svm_objective(X, y, svc.coef_[0], alpha, squared)
    assert j_ours == pytest.approx(j_svc, rel=1e-5)
    assert ours.score(X, y) == pytest.approx(svc.score(X, y), abs=0.01)
    if squared:   # smooth and strongly convex: the minimiser itself agrees
        np.testing.assert_allclose(ours.coef_, svc.coef_, atol=1e-4)


def test_multiclass_cross_entropy_equals_multinomial_logistic_regression(iris):
    X, y = iris
    C = 1.0
    ref = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, y)
    ours = LinearClassifier("cross_entropy", alpha=1 / (2 * C * len(y)), tol=1e-8,
                            max_iter=5000).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-5)
    assert ours.score(X, y) == ref.score(X, y)
    assert ours.coef_.shape == (3, 4)


@pytest.mark.parametrize("loss", ["cross_entropy", "multiclass_hinge",
                                  "binary_cross_entropy_with_logits", "hinge", "squared_hinge"])
def test_every_loss_learns_iris(iris, loss):
    X, y = iris
    ref = LogisticRegression().fit(X, y).score(X, y)
    model = LinearClassifier(loss).fit(X, y)
    assert model.score(X, y) >= ref - 0.05
    assert model.coef_.shape == (3, 4)          # one-vs-rest for the binary losses
    assert model.decision_function(X).shape == (150, 3)


def test_labels_can_be_anything(binary_data):
    X, y = binary_data
    names = np.array(["cat", "dog"])[y]
    for loss in ["binary_cross_entropy_with_logits", "hinge", "cross_entropy"]:
        a = LinearClassifier(loss, max_iter=100).fit(X, y)
        b = LinearClassifier(loss, max_iter=100).fit(X, names)
        np.testing.assert_array_equal(b.classes_, ["cat", "dog"])
        np.testing.assert_array_equal(b.predict(X), np.array(["cat", "dog"])[a.predict(X)])
        np.testing.assert_array_equal(a.coef_, b.coef_)


def test_predict_proba_and_decision_function(binary_data, iris):
    X, y = binary_data
    bce = LinearClassifier(max_iter=200).fit(X, y)
    s = bce.decision_function(X)
    assert s.shape == (200,)
    np.testing.assert_allclose(bce.predict_proba(X)[:, 1], sigmoid(s))
    np.testing.assert_array_equal(bce.predict(X), (s > 0).astype(int))
    ce2 = LinearClassifier("cross_entropy", max_iter=200).fit(X, y)          # two softmax scores
    assert ce2.decision_function(X).shape == (200,)
    np.testing.assert_array_equal(ce2.predict(X), ce2.predict_proba(X).argmax(axis=1))
    Xi, yi = iris
    ovr = LinearClassifier(max_iter=200).fit(Xi, yi)                        # BCE one-vs-rest
    np.testing.assert_allclose(ovr.predict_proba(Xi).sum(axis=1), 1.0)
    np.testing.assert_array_equal(ovr.predict(Xi), ovr.predict_proba(Xi).argmax(axis=1))


@pytest.mark.parametrize("loss", ["hinge", "squared_hinge", "multiclass_hinge"])
def test_hinge_losses_have_no_predict_proba(binary_data, loss):
    X, y = binary_data
    model = LinearClassifier(loss, max_iter=50).fit(X, y)
    assert not hasattr(model, "predict_proba")
    with pytest.raises(AttributeError):
        model.predict_proba(X)
    assert hasattr(LinearClassifier("cross_entropy"), "predict_proba")


def test_custom_binary_loss_object_gets_01_labels(binary_data):
    # a Loss of task "binary" that is not in the table gets 0/1 labels and one score
    X, y = binary_data

    def logistic_copy(y_true, logits):
        """Copy of BCE with logits, under another name."""
        return lossfns.binary_cross_entropy_with_logits.value_and_grad(
            y_true, logits, reduction="none")

    custom = lossfns.Loss(kernel=logistic_copy, name="logistic_copy", title="copy", zh="副本",
                          task="binary", formula="z")        # not registered: no global change
    a = LinearClassifier(custom, max_iter=200).fit(X, y)
    b = LinearClassifier(max_iter=200).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-12)
    assert not hasattr(a, "predict_proba")      # an unknown loss promises no probabilities


# --------------------------------------------------------------------------------------------
# scikit-learn API
# --------------------------------------------------------------------------------------------
def test_pipeline_and_cross_val_score():
    X, y = load_iris(return_X_y=True)
    clf = make_pipeline(StandardScaler(), LinearClassifier("cross_entropy", max_iter=300))
    scores = cross_val_score(clf, X, y, cv=3)
    assert scores.mean() > 0.85
    rng = np.random.default_rng(0)
    Xr = rng.normal(size=(90, 3)) * [1.0, 100.0, 0.01]   # badly scaled: the scaler fixes it
    yr = Xr @ np.array([1.0, 0.02, 50.0]) + rng.normal(scale=0.1, size=90)
    reg = make_pipeline(StandardScaler(), LinearRegressor())
    assert cross_val_score(reg, Xr, yr, cv=3).mean() > 0.95


def test_grid_search_over_loss_and_alpha(binary_data):
    X, y = binary_data
    grid = GridSearchCV(LinearClassifier(max_iter=200),
                        {"loss": ["hinge", "binary_cross_entropy_with_logits"], "alpha": [0, 0.1]},
                        cv=2).fit(X, y)
    assert grid.best_params_["loss"] in ("hinge", "binary_cross_entropy_with_logits")


@pytest.mark.parametrize("est", [LinearRegressor("huber", lr=0.1, loss_kwargs={"delta": 2.0}),
                                 LinearClassifier("cross_entropy", optimizer=GD(0.5), alpha=0.1)],
                         ids=["regressor", "classifier"])
def test_get_set_params_and_clone(est, iris):
    params = est.get_params()
    assert type(est)(**params).get_params() == params
    twin = clone(est)
    assert twin is not est and twin.get_params().keys() == params.keys()
    assert twin.set_params(max_iter=7) is twin and twin.max_iter == 7
    assert est.max_iter != 7
    X, y = iris
    a, b = clone(est).fit(X, y), clone(est).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)              # deterministic
    assert not hasattr(clone(a), "coef_")                       # clone is unfitted


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------
def test_unknown_loss_name_lists_the_valid_ones(regression_data):
    X, y = regression_data
    # scikit-learn's own parameter validation: the names, in a set (any order)
    with pytest.raises(ValueError, match=r"^The 'loss' parameter of LinearRegressor must be a "
                                         r"str among .* Got 'l2' instead") as err:
        LinearRegressor("l2").fit(X, y)
    assert all(f"'{name}'" in str(err.value) for name in ("mse", "mae", "huber"))
    with pytest.raises(ValueError, match=r"^The 'loss' parameter of LinearClassifier .* Got "
                                         r"'mse' instead") as err:
        LinearClassifier("mse").fit(X, y > 3)
    assert all(f"'{name}'" in str(err.value) for name in ("hinge", "cross_entropy"))
    with pytest.raises(ValueError, match="^loss must be a classification loss"):
        LinearClassifier(lossfns.mse).fit(X, y > 3)


@pytest.mark.parametrize("kwargs, match", [
    ({"optimizer": "lbfgs"}, "^The 'optimizer' parameter of LinearRegressor must be a str "
                             "among .* or an instance of 'lossfns.optim.Optimizer'"),
    ({"max_iter": 0}, r"^The 'max_iter' parameter .* must be an int in the range \[1, inf\)"),
    ({"alpha": -1.0}, r"^The 'alpha' parameter .* must be a float in the range \[0.0, inf\)"),
    ({"lr": 0.0}, r"^The 'lr' parameter .* must be a float in the range \(0.0, inf\)"),
    ({"tol": -1e-3}, "^The 'tol' parameter"),
    ({"batch_size": 0}, "^The 'batch_size' parameter"),
    ({"loss_kwargs": [("delta", 1)]}, "^The 'loss_kwargs' parameter .* must be an instance of "
                                      "'dict' or None"),
    ({"loss": "huber", "loss_kwargs": {"delta": -1.0}}, r"^loss_kwargs\['delta'\] must be > 0"),
])
def test_bad_parameters_raise_at_fit(regression_data, kwargs, match):
    X, y = regression_data
    with pytest.raises(ValueError, match=match):
        LinearRegressor(**kwargs).fit(X, y)


def test_bad_data_raises(regression_data):
    X, y = regression_data
    with pytest.raises(NotFittedError):
        LinearRegressor().predict(X)
    model = LinearRegressor(max_iter=5).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :2])
    with pytest.raises(ValueError, match="NaN"):
        LinearRegressor().fit(np.where(X > 2, np.nan, X), y)
    with pytest.raises(ValueError, match="at least 2 classes; got one class"):
        LinearClassifier().fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="Unknown label type"):
        LinearClassifier().fit(X, y)            # continuous labels
