"""Tests for the figures in lossfns/plot.py that lessons share.

Each function must draw on the Agg backend without a single warning (the book build fails on
warnings) and give the figure a title, axis labels with units, and a legend.
"""
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lossfns import plot  # noqa: E402
from lossfns.train import History  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _labelled(ax):
    """Title, x/y labels with a unit in brackets, and a legend with at least one entry."""
    assert ax.get_title()
    assert "(" in ax.get_xlabel() and ax.get_xlabel().endswith(")")
    assert "(" in ax.get_ylabel() and ax.get_ylabel().endswith(")")
    legend = ax.get_legend()
    assert legend is not None and len(legend.get_texts()) >= 1
    return [t.get_text() for t in legend.get_texts()]


def _bowl(w0, w1):
    return (w0 - 1.0) ** 2 + 4.0 * (w1 + 0.5) ** 2


# ---------------------------------------------------------------------------------- surface
def test_surface_with_trajectories():
    paths = [np.array([[-2.0, 2.0], [-1.0, 1.0], [0.5, 0.0]]), np.array([[2.5, -2.0], [1.2, -0.6]])]
    ax = plot.surface(_bowl, (-3, 3), (-3, 3), trajectories=paths, labels=["SGD", "Adam"])
    texts = _labelled(ax)
    assert "SGD" in texts and "Adam" in texts and any("grid minimum" in t for t in texts)
    star = [line for line in ax.lines if line.get_marker() == "*"][0]
    assert star.get_xdata()[0] == pytest.approx(1.0, abs=0.07)
    assert star.get_ydata()[0] == pytest.approx(-0.5, abs=0.07)
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), paths[0][:, 0])
    assert ax.get_xlim() == (-3, 3)
    assert len(ax.figure.axes) == 2  # the colour bar


def test_surface_point_by_point_fallback_and_log_levels():
    def scalar_only(w0, w1):  # math.exp refuses arrays: evaluated point by point
        return math.exp(0.1 * (w0 ** 2 + w1 ** 2))
    ax = plot.surface(scalar_only, (-1, 1), (-2, 2), n=21, log=True, colorbar=False)
    _labelled(ax)
    assert len(ax.figure.axes) == 1
    vector = plot.surface(lambda a, b: np.exp(0.1 * (a ** 2 + b ** 2)), (-1, 1), (-2, 2), n=21)
    assert vector.get_title() == ax.get_title()


def test_surface_given_axes_and_bad_arguments():
    fig, (a, b) = plt.subplots(1, 2)
    assert plot.surface(_bowl, ax=b, n=11, colorbar=False, title="Bowl") is b
    assert b.get_title() == "Bowl" and not a.lines
    with pytest.raises(ValueError, match="xlim"):
        plot.surface(_bowl, xlim=(1, 0))
    with pytest.raises(ValueError, match="labels"):
        plot.surface(_bowl, trajectories=[np.zeros((2, 2))], labels=["a", "b"])
    with pytest.raises(ValueError, match=r"trajectories\[0\]"):
        plot.surface(_bowl, trajectories=[np.zeros((2, 3))])
    with pytest.raises(ValueError, match="log=True"):
        plot.surface(lambda a, b: a + b, log=True)


# -------------------------------------------------------------------------- training_curves
def test_training_curves_from_history():
    h = History(train_loss=[1.0, 0.6, 0.4, 0.3], val_loss=[1.1, 0.7, 0.65, 0.7],
                train_metrics={"accuracy": [0.5, 0.7, 0.8, 0.9]},
                val_metrics={"accuracy": [0.5, 0.6, 0.7, 0.7]}, best_epoch=3)
    ax = plot.training_curves(h)
    texts = _labelled(ax)
    assert texts == ["training", "validation", "best epoch (3)"]
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3, 4])
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), h.val_loss)
    acc = plot.training_curves(h, metric="accuracy", ylabel="accuracy (fraction correct)")
    _labelled(acc)
    np.testing.assert_array_equal(acc.lines[0].get_ydata(), h.train_metrics["accuracy"])
    with pytest.raises(ValueError, match="metric must be one of .*'accuracy'"):
        plot.training_curves(h, metric="f1")


def test_training_curves_from_dict_and_without_validation():
    ax = plot.training_curves({"SGD": [1.0, 0.5, 0.2], "Adam": [1.0, 0.2]}, log=True)
    assert _labelled(ax) == ["SGD", "Adam"] and ax.get_yscale() == "log"
    ax2 = plot.training_curves(History(train_loss=[0.5, 0.4], best_epoch=2), mark_best=False)
    assert _labelled(ax2) == ["training"]
    with pytest.raises(ValueError, match="history"):
        plot.training_curves([1.0, 2.0])
    with pytest.raises(ValueError, match="no values"):
        plot.training_curves({"a": []})


def test_training_curves_with_a_real_fit():
    torch = pytest.importorskip("torch")
    from lossfns.train import fit, make_loader

    torch.manual_seed(0)
    X = np.linspace(-1, 1, 32)[:, None]
    model = torch.nn.Linear(1, 1)
    loader = make_loader(X, 3 * X, batch_size=8, seed=0)
    h = fit(model, torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), loader,
            loader, epochs=3, progress=False)
    assert len(plot.training_curves(h).lines) == 3


# ------------------------------------------------------------------------ decision_boundary
def _two_clusters():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(-2, 0.5, (20, 2)), rng.normal(2, 0.5, (20, 2))])
    return X, np.repeat([0, 1], 20)


def test_decision_boundary_labels():
    X, y = _two_clusters()
    ax = plot.decision_boundary(lambda Z: (Z.sum(axis=1) > 0).astype(int), X, y,
                                class_names=["negative", "positive"])
    assert _labelled(ax) == ["negative", "positive"]
    assert len(ax.collections) >= 3  # filled regions + one scatter per class


def test_decision_boundary_scores_torch_and_labels_of_any_value():
    X, y = _two_clusters()
    scores = lambda Z: np.column_stack([-Z[:, 0], Z[:, 0]])  # noqa: E731 (argmax is taken)
    assert _labelled(plot.decision_boundary(scores, X, y)) == ["class 0", "class 1"]
    hinge_y = np.where(y == 1, 1, -1)
    ax = plot.decision_boundary(lambda Z: np.sign(Z[:, 0]).astype(int) | 1, X, hinge_y)
    assert _labelled(ax) == ["class -1", "class 1"]
    torch = pytest.importorskip("torch")
    from lossfns.train import predict

    model = torch.nn.Linear(2, 3)
    ax3 = plot.decision_boundary(lambda Z: predict(model, Z), X, y, resolution=30)
    _labelled(ax3)
    ax4 = plot.decision_boundary(lambda Z: torch.as_tensor(Z[:, 0] > 0), X, y, resolution=30)
    _labelled(ax4)


def test_decision_boundary_bad_arguments():
    X, y = _two_clusters()
    with pytest.raises(ValueError, match=r"X must be an \(n, 2\)"):
        plot.decision_boundary(lambda Z: Z[:, 0] > 0, np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="same number"):
        plot.decision_boundary(lambda Z: Z[:, 0] > 0, X, y[:-1])
    with pytest.raises(ValueError, match="one label per point"):
        plot.decision_boundary(lambda Z: np.zeros(3), X, y)
    with pytest.raises(ValueError, match="class_names"):
        plot.decision_boundary(lambda Z: Z[:, 0] > 0, X, y, class_names=["only one"])


# ------------------------------------------------------------------------------ calibration
def test_calibration_perfect_and_overconfident_models():
    rng = np.random.default_rng(0)
    p = rng.uniform(0, 1, 20000)
    y = (rng.uniform(0, 1, p.size) < p).astype(int)  # calibrated by construction
    ax = plot.calibration(y, p, n_bins=10, label="calibrated")
    over = np.clip(0.5 + 1.8 * (p - 0.5), 0, 1)  # pushed towards 0 and 1
    plot.calibration(y, over, n_bins=10, label="overconfident", ax=ax)
    assert _labelled(ax) == ["perfectly calibrated", "calibrated", "overconfident"]
    diag, good, bad = ax.lines
    assert np.max(np.abs(good.get_ydata() - good.get_xdata())) < 0.03
    assert np.max(np.abs(bad.get_ydata() - bad.get_xdata())) > 0.1
    assert np.ptp(bad.get_ydata()) < 0.8 * np.ptp(bad.get_xdata())  # flatter than the diagonal
    assert good.get_color() != bad.get_color()
    plot.calibration(y, p, n_bins=5, strategy="quantile", label="again", ax=ax)
    assert sum(line.get_label() == "perfectly calibrated" for line in ax.lines) == 1


@pytest.mark.parametrize("args, kw, word", [
    (([0, 1, 2], [0.1, 0.2, 0.3]), {}, "y_true"),
    (([0, 1, 1], [0.1, 1.2, 0.3]), {}, "y_prob"),
    (([0, 1], [0.1, 0.2, 0.3]), {}, "same shape"),
    (([0, 1, 1], [0.1, 0.2, 0.3]), {"n_bins": 0}, "n_bins"),
    (([0, 1, 1], [0.1, 0.2, 0.3]), {"strategy": "kmeans"}, "strategy"),
])
def test_calibration_bad_arguments(args, kw, word):
    with pytest.raises(ValueError, match=word):
        plot.calibration(*args, **kw)


def test_existing_loss_curves_still_draw():
    from lossfns import mae, mse

    _labelled(plot.loss_curves([mse, mae]))
