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

from lossfns.course import plot  # noqa: E402
from lossfns.course.shapes import shapes_dataset  # noqa: E402
from lossfns.optim import GD, minimize  # noqa: E402
from lossfns.torch.train import History  # noqa: E402

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
    from lossfns.torch.train import fit, make_loader

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
    from lossfns.torch.train import predict

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


# --------------------------------------------------------------------------------------
# Tests for lossfns.course.plot.descent_curves (loss against the step for optimizer runs).
# --------------------------------------------------------------------------------------
def _bowl_and_grad(x):
    return float(x @ x) + 1.0, 2 * x


def test_runs_are_labelled_coloured_and_log_scaled():
    runs = {"η = 0.1": minimize(_bowl_and_grad, [3.0, -4.0], GD(lr=0.1), steps=30),
            "η = 0.4": minimize(_bowl_and_grad, [3.0, -4.0], GD(lr=0.4), steps=30)}
    ax = plot.descent_curves(runs, minimum=1.0)
    assert ax.get_title() and ax.get_yscale() == "log"
    assert ax.get_xlabel().endswith(")") and "(" in ax.get_xlabel()
    assert ax.get_ylabel().startswith("excess loss") and ax.get_ylabel().endswith(")")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(runs)
    lines = ax.get_lines()
    assert [ln.get_color() for ln in lines] == plot._CYCLE[:2]    # the colours of `surface`
    np.testing.assert_allclose(lines[0].get_ydata()[:3], runs["η = 0.1"].losses[:3] - 1.0)


def test_excess_at_or_below_zero_is_left_out_on_a_log_scale():
    ax = plot.descent_curves({"run": np.array([3.0, 2.0, 1.0, 1.0 - 1e-16])}, minimum=1.0)
    y = ax.get_lines()[0].get_ydata()
    assert np.isnan(y[2]) and np.isnan(y[3]) and y[0] == 2.0
    ax = plot.descent_curves({"run": np.array([3.0, 1.0])}, minimum=1.0, log=False)
    assert ax.get_yscale() == "linear" and list(ax.get_lines()[0].get_ydata()) == [2.0, 0.0]


def test_a_diverged_run_ends_with_a_cross():
    hist = minimize(_bowl_and_grad, [1.0, 1.0], GD(lr=1.5), steps=2000)
    assert hist.diverged
    ax = plot.descent_curves({"too large": hist, "array": np.array([1.0, 5.0, np.inf])})
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["too large (diverged)", "array (diverged)"]
    crosses = [ln for ln in ax.get_lines() if ln.get_marker() == "x"]
    assert len(crosses) == 2 and crosses[1].get_ydata()[0] == 5.0


def test_line_keywords_reach_the_lines():
    ax = plot.descent_curves({"a": np.array([2.0, 1.0])}, linewidth=0.7, alpha=0.5)
    assert ax.get_lines()[0].get_linewidth() == 0.7 and ax.get_lines()[0].get_alpha() == 0.5


def test_x_values_per_run():
    ax = plot.descent_curves({"batch 8": np.array([4.0, 3.0, 2.0]), "full": np.array([4.0, 1.0])},
                             x={"batch 8": [0, 8, 16], "full": [0, 200]},
                             xlabel="samples seen (count)")
    assert list(ax.get_lines()[0].get_xdata()) == [0, 8, 16]
    assert list(ax.get_lines()[1].get_xdata()) == [0, 200]


@pytest.mark.parametrize("kwargs, match", [
    ({"runs": {}}, "runs must be a non-empty dict"),
    ({"runs": [1.0, 2.0]}, "runs must be a non-empty dict"),
    ({"runs": {"a": np.ones((2, 2))}}, r"runs\['a'\] must be a History or a non-empty 1-D array"),
    ({"runs": {"a": [1.0, 2.0]}, "x": {"b": [0, 1]}}, "x must only name runs"),
    ({"runs": {"a": [1.0, 2.0]}, "x": {"a": [0, 1, 2]}}, r"x\['a'\] must have one value per loss"),
])
def test_bad_inputs_name_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot.descent_curves(**kwargs)


# --------------------------------------------------------------------------------------
# Tests for lossfns.course.plot.embedding: 2-D embeddings coloured by class.
# --------------------------------------------------------------------------------------
def test_one_colour_and_legend_entry_per_class():
    rng = np.random.default_rng(0)
    Z, y = rng.normal(size=(50, 2)), rng.integers(0, 4, 50)
    ax = plot.embedding(Z, y, class_names=["a", "b", "c", "d"], legend_title="digit")
    assert ax.get_legend().get_title().get_text() == "digit"
    assert ax.get_title() and "(" in ax.get_xlabel() and "(" in ax.get_ylabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c", "d"]
    assert sum(len(c.get_offsets()) for c in ax.collections) == 50
    colors = [tuple(c.get_facecolor()[0][:3]) for c in ax.collections]
    assert len(set(colors)) == 4
    assert colors[2] == tuple(plt.get_cmap("tab10").colors[2])


def test_same_class_same_colour_across_panels_and_no_legend_on_request():
    y = np.array([0, 1, 2, 2])
    _, (a, b) = plt.subplots(1, 2)
    plot.embedding(np.zeros((4, 2)), y, ax=a, legend=False)
    plot.embedding(np.ones((4, 2)), y, ax=b)
    assert a.get_legend() is None and b.get_legend() is not None
    for ca, cb in zip(a.collections, b.collections):
        assert np.array_equal(ca.get_facecolor(), cb.get_facecolor())


@pytest.mark.parametrize("Z, y, kwargs, match", [
    (np.zeros((3, 3)), [0, 1, 2], {}, "Z must be an \\(n, 2\\)"),
    (np.zeros((3, 2)), [0, 1], {}, "same number of items"),
    (np.zeros((11, 2)), np.arange(11), {}, "at most 10 classes"),
    (np.zeros((3, 2)), [0, 1, 2], {"class_names": ["x"]}, "class_names must name every"),
])
def test_bad_input_is_named(Z, y, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot.embedding(Z, y, **kwargs)


# --------------------------------------------------------------------------------------
# Tests for lossfns.course.plot.mask_grid (images, true masks and predicted masks side by side).
# --------------------------------------------------------------------------------------
@pytest.fixture
def data():
    d = shapes_dataset(3, size=16, seed=0, radius=(2, 3))
    return d.images, d.masks


def test_one_row_per_image_one_column_per_model(data):
    images, masks = data
    preds = {"perfect": masks, "blank": np.zeros_like(masks)}
    fig = plot.mask_grid(images, masks, preds, scores={"perfect": [1.0, 1.0, 1.0]})
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == 3 * 4
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:4] == ["image", "true mask", "perfect\nDice 1.00", "blank"]
    assert "Dice 1.00" in titles[4 + 2]                    # second row, first model: its score
    assert fig._suptitle.get_text()
    assert any("probability" in ax.get_ylabel() for ax in fig.axes)   # the colour bar
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["outline of the true mask"]
    assert all("pixels" in ax.get_xlabel() for ax in fig.axes[8:12])  # bottom row
    # the prediction panels show the probabilities on a fixed 0..1 scale
    blank = fig.axes[3].images[0]
    assert blank.get_clim() == (0.0, 1.0) and np.all(blank.get_array() == 0)


@pytest.mark.parametrize("change, match", [
    (lambda im, m, p, s: (im[0], m, p, s), "images must be a"),
    (lambda im, m, p, s: (im, m[:2], p, s), "masks must have the shape"),
    (lambda im, m, p, s: (im, m, {}, s), "predictions must be a non-empty dict"),
    (lambda im, m, p, s: (im, m, {"a": m[:2]}, s), r"predictions\['a'\] must have the shape"),
    (lambda im, m, p, s: (im, m, {"a": 2 * m}, s), "probabilities in"),
    (lambda im, m, p, s: (im, m, p, {"b": [1, 1, 1]}), "scores must only name"),
    (lambda im, m, p, s: (im, m, p, {"a": [1, 1]}), "one number per image"),
])
def test_bad_inputs_are_named(data, change, match):
    images, masks = data
    args = change(images, masks, {"a": masks}, None)
    with pytest.raises(ValueError, match=match):
        plot.mask_grid(*args[:3], scores=args[3])


# ------------------------------------------------------------------------------------------
# The Chinese editions: every default text of these plots is drawn in Chinese
# ------------------------------------------------------------------------------------------
def _figure_texts(fig):
    from matplotlib.text import Text
    fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _draw_every_plot():
    import lossfns
    from lossfns.optim import GD, minimize

    figs = []
    fig, ax = plt.subplots()
    plot.loss_curves([lossfns.mse, lossfns.huber], ax=ax)
    figs.append(fig)
    fig, ax = plt.subplots()
    plot.loss_curves([lossfns.mse], derivative=True, ax=ax)
    figs.append(fig)
    run = minimize(lambda th: (float(th @ th), 2 * th), np.array([1.0, -1.0]), GD(lr=0.1),
                   steps=5)
    fig, ax = plt.subplots()
    plot.surface(lambda a, b: a ** 2 + b ** 2, trajectories=[run.params], n=21, ax=ax)
    figs.append(fig)
    fig, ax = plt.subplots()
    plot.descent_curves({"GD": run}, minimum=0.0, ax=ax)
    plot.descent_curves({"GD": run}, ax=ax)
    figs.append(fig)
    fig, ax = plt.subplots()
    h = History(train_loss=[1.0, 0.5, 0.4], val_loss=[1.1, 0.7, 0.8])
    h.best_epoch = 2
    plot.training_curves(h, ax=ax)
    figs.append(fig)
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    y = np.array([0, 1, 1, 0])
    fig, ax = plt.subplots()
    plot.decision_boundary(lambda Z: (Z[:, 0] > 0.5).astype(int), X, y, ax=ax, resolution=20)
    figs.append(fig)
    fig, ax = plt.subplots()
    plot.calibration(np.array([0, 1, 1, 0, 1]), np.array([0.1, 0.8, 0.6, 0.3, 0.9]), n_bins=2,
                     ax=ax)
    figs.append(fig)
    fig, ax = plt.subplots()
    plot.embedding(X, y, ax=ax)
    figs.append(fig)
    images = np.zeros((2, 6, 6))
    masks = np.zeros((2, 6, 6))
    masks[:, 2:4, 2:4] = 1
    figs.append(plot.mask_grid(images, masks, {"U-Net": masks * 0.9},
                               scores={"U-Net": [0.9, 0.8]}))
    return figs


def test_default_texts_are_chinese_in_the_chinese_editions(monkeypatch):
    import re
    monkeypatch.setenv("LOSSFNS_LANG", "zh-cn")
    english = re.compile(r"[A-Za-z]{3,}")
    allowed = {"MSE", "Huber", "GD", "U-Net", "Dice", "Net"}
    try:
        with matplotlib.rc_context():
            plot.use_style()                       # the lessons' style: a CJK font
            texts = [t for fig in _draw_every_plot() for t in _figure_texts(fig)]
    finally:
        plt.close("all")
    assert len(texts) > 40
    left = sorted({t for t in texts if not re.search(r"[\u4e00-\u9fff]", t)
                   and not t.startswith("$")                    # tick labels: math, numbers
                   and set(english.findall(t)) - allowed})
    assert not left, f"English texts in a zh-cn figure: {left}"
    assert "网格最小值 (0, 0)" in texts and "最佳轮次（2）" in texts


def test_default_texts_stay_english_in_the_english_edition(monkeypatch):
    import re
    monkeypatch.setenv("LOSSFNS_LANG", "en")
    try:
        texts = [t for fig in _draw_every_plot() for t in _figure_texts(fig)]
    finally:
        plt.close("all")
    assert not [t for t in texts if re.search(r"[\u4e00-\u9fff]", t)]
    assert "grid minimum (0, 0)" in texts and "best epoch (2)" in texts
    assert "step t (optimizer updates)" in texts and "outline of the true mask" in texts


def test_zh_tw_is_converted(monkeypatch):
    monkeypatch.setenv("LOSSFNS_LANG", "zh-tw")
    try:
        with matplotlib.rc_context():
            plot.use_style()
            fig, ax = plt.subplots()
            plot.embedding(np.zeros((2, 2)), np.array([0, 1]), ax=ax)
            texts = _figure_texts(fig)
    finally:
        plt.close("all")
    assert "嵌入維度 1（無量綱）" in texts and "類別" in texts
