"""One figure style for the whole course, and the plots more than one lesson draws.

Every figure: a title, axis labels with units (or "(unitless)"), a legend when there is more than
one line. `use_style()` is called once per notebook (importing this module does not change global
matplotlib state).
"""
from __future__ import annotations

import numpy as np

from . import lang

#: Colours in a fixed order, so "MSE" is the same colour in every chapter (colour-blind safe).
COLORS = {
    "mse": "#0072B2", "mae": "#D55E00", "huber": "#009E73", "log_cosh": "#CC79A7",
    "quantile": "#E69F00", "binary_cross_entropy": "#0072B2",
    "binary_cross_entropy_with_logits": "#0072B2", "hinge": "#D55E00",
    "squared_hinge": "#E69F00", "cross_entropy": "#0072B2", "zero_one": "#000000",
    "exponential": "#CC79A7", "logistic": "#0072B2",
}
_CYCLE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

#: The Chinese of the plots' default texts (Simplified; lang.t converts it for zh-tw). A lesson's
#: own texts go through lang.t in the lesson; a default (or a text equal to one) through _tr.
_ZH = {
    "residual r = ŷ − y (units of y)": "残差 r = ŷ − y（y 的单位）",
    "dL/dŷ (per unit of y)": "dL/dŷ（每单位 y）",
    "loss L (units of y²)": "损失 L（y² 的单位）",
    "Derivative of each loss": "各损失的导数",
    "Loss against the residual": "损失随残差的变化",
    "parameter w₀ (unitless)": "参数 w₀（无量纲）",
    "parameter w₁ (unitless)": "参数 w₁（无量纲）",
    "loss L (unitless)": "损失 L（无量纲）",
    "Loss surface": "损失曲面",
    "epoch (passes over the training data)": "轮次（遍历训练数据的次数）",
    "training": "训练",
    "validation": "验证",
    "loss (mean per sample)": "损失（每个样本的平均值）",
    "Training curves": "训练曲线",
    "feature x₁ (units of x₁)": "特征 x₁（x₁ 的单位）",
    "feature x₂ (units of x₂)": "特征 x₂（x₂ 的单位）",
    "Decision regions": "决策区域",
    "model": "模型",
    "mean predicted probability (unitless)": "平均预测概率（无量纲）",
    "observed fraction of positives (unitless)": "实际正例比例（无量纲）",
    "Reliability diagram": "可靠性图",
    "step t (optimizer updates)": "步数 t（优化器更新次数）",
    "Loss during gradient descent": "梯度下降过程中的损失",
    "Images, true masks and predicted masks": "图像、真实掩码与预测掩码",
    "image": "图像",
    "true mask": "真实掩码",
    "row (pixels)": "行（像素）",
    "column (pixels)": "列（像素）",
    "predicted probability of foreground (unitless)": "前景的预测概率（无量纲）",
    "outline of the true mask": "真实掩码的轮廓",
    "class": "类别",
    "embedding dimension 1 (unitless)": "嵌入维度 1（无量纲）",
    "embedding dimension 2 (unitless)": "嵌入维度 2（无量纲）",
    "A 2-D embedding, coloured by class": "二维嵌入，按类别着色",
}


def _tr(text):
    """A default text of these plots in the lesson's language; any other text as it is."""
    return lang.t(text, _ZH[text]) if isinstance(text, str) and text in _ZH else text

STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    # SVG figures keep every vertex a line has; drop those that move it by under half a pixel
    # (matplotlib's default is a ninth): long noisy curves weigh a third less, and look the same.
    "path.simplify_threshold": 0.5,
    # Text as SVG text, not glyph outlines: a third of a figure's bytes, and crisp, selectable
    # text in the book and its PDF edition; the browser draws it in DejaVu Sans or the nearest
    # sans-serif (CJK: the reader's Chinese font).
    "svg.fonttype": "none",
}


def use_style():
    """Apply the course style to matplotlib (call once at the top of a lesson)."""
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(STYLE)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=_CYCLE)
    lang.use_cjk_font()   # Chinese labels (zh editions, key terms): a CJK font, ASCII minus
    _inline_svg()


def _inline_svg():
    """In a notebook, show figures as SVG: sharp on any screen and in the PDF edition, and the
    book reads each figure's text sizes from it to keep them legible (_ext/reader_site.py)."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # plain Python: no inline figures to format
        return
    if get_ipython() is not None:
        set_matplotlib_formats("svg")


def color(name: str, i: int = 0) -> str:
    """The course colour of a loss (by `Loss.name`), or the i-th colour of the cycle."""
    return COLORS.get(name, _CYCLE[i % len(_CYCLE)])


def loss_curves(losses, r=None, *, derivative=False, ax=None, hyper=None,
                xlabel="residual r = ŷ − y (units of y)", title=None):
    """Plot each loss (or its derivative) against the residual, on shared axes.

    `losses` are `Loss` objects of element-wise regression type (called as L(0, r)); `hyper` maps
    a loss name to its keyword arguments (e.g. ``{"huber": {"delta": 1.0}}``).
    """
    import matplotlib.pyplot as plt

    r = np.linspace(-3, 3, 601) if r is None else np.asarray(r, dtype=float)
    ax = ax or plt.subplots()[1]
    hyper = hyper or {}
    zeros = np.zeros_like(r)
    for i, L in enumerate(losses):
        kw = hyper.get(L.name, {})
        f = L.grad if derivative else L
        y = f(zeros, r, reduction="none", **kw)
        label = lang.t(L.title, L.zh) + ("".join(f", {k}={v}" for k, v in kw.items()))
        ax.plot(r, y, color=color(L.name, i), label=label)
    ax.set_xlabel(_tr(xlabel))
    ax.set_ylabel(_tr("dL/dŷ (per unit of y)" if derivative else "loss L (units of y²)"))
    ax.set_title(_tr(title or ("Derivative of each loss" if derivative
                               else "Loss against the residual")))
    ax.legend()
    return ax


# --------------------------------------------------------------------------------------------
# Training figures: loss surfaces, training curves, decision boundaries, reliability diagrams.
# --------------------------------------------------------------------------------------------
#: Label of the y = x line in `calibration` (drawn once per axes, found again by this id).
_PERFECT_GID = "perfectly-calibrated"
#: Margin around [0, 1] in the reliability diagram.
_EDGE = 0.02


def surface(fun, xlim=(-3.0, 3.0), ylim=(-3.0, 3.0), *, trajectories=None, labels=None,
            n=101, levels=20, log=False, colorbar=True, mark_min=True, ax=None,
            xlabel="parameter w₀ (unitless)", ylabel="parameter w₁ (unitless)",
            zlabel="loss L (unitless)", title="Loss surface"):
    """Contour plot of a loss of two parameters, optionally with optimizer paths drawn on it.

    fun: ``fun(w0, w1) -> loss``. It is called once with two (n, n) grids, so write it with numpy
        operations; a function that only takes numbers is called point by point instead.
    trajectories: a list of (k, 2) arrays, the parameters after each step; labels: their names.
    log: contour levels evenly spaced in log(loss), for losses spanning orders of magnitude.
    mark_min: mark the lowest point of the grid with a star.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    x0, x1 = _limits(xlim, "xlim")
    y0, y1 = _limits(ylim, "ylim")
    W0, W1 = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    try:
        Z = np.asarray(fun(W0, W1), dtype=float)
    except (TypeError, ValueError):  # e.g. math.exp(array) or `if w0 > 0` on an array
        Z = None
    if Z is None or Z.shape != W0.shape:
        Z = np.array([[float(fun(a, b)) for a, b in zip(ra, rb)] for ra, rb in zip(W0, W1)])
    Z = np.ma.masked_invalid(Z)  # NaN/inf (outside a loss's domain) are left blank
    if Z.count() == 0:
        raise ValueError("fun must return finite losses somewhere on the grid; got none")

    ax = ax or plt.subplots()[1]
    if log:
        if Z.min() <= 0:
            raise ValueError(f"log=True needs a positive loss everywhere; got a minimum of "
                             f"{Z.min():g}")
        levels = np.geomspace(Z.min(), Z.max(), levels if np.ndim(levels) == 0 else len(levels))
        cs = ax.contour(W0, W1, Z, levels=levels, norm=LogNorm(), cmap="viridis", linewidths=1)
    else:
        cs = ax.contour(W0, W1, Z, levels=levels, cmap="viridis", linewidths=1)
    if colorbar:
        ax.figure.colorbar(cs, ax=ax, label=_tr(zlabel))
    if mark_min:
        i, j = np.unravel_index(np.argmin(Z), Z.shape)
        ax.plot(W0[i, j], W1[i, j], "*", color="black", markersize=12,
                label=lang.t("grid minimum", "网格最小值") + f" ({W0[i, j]:.2g}, {W1[i, j]:.2g})")

    trajectories = [] if trajectories is None else list(trajectories)
    labels = ([lang.t("path", "路径") + f" {k + 1}" for k in range(len(trajectories))]
              if labels is None else labels)
    if len(labels) != len(trajectories):
        raise ValueError(f"labels must name each trajectory; got {len(labels)} labels for "
                         f"{len(trajectories)} trajectories")
    for k, (path, label) in enumerate(zip(trajectories, labels)):
        path = np.asarray(path, dtype=float)
        if path.ndim != 2 or path.shape[1] != 2:
            raise ValueError(f"trajectories[{k}] must be a (k, 2) array of parameters; got "
                             f"shape {path.shape}")
        c = _CYCLE[k % len(_CYCLE)]
        ax.plot(path[:, 0], path[:, 1], "-o", color=c, markersize=3, linewidth=1.5, label=label)
        ax.plot(path[0, 0], path[0, 1], "s", color=c, markersize=6)  # where it started

    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel(_tr(xlabel))
    ax.set_ylabel(_tr(ylabel))
    ax.set_title(_tr(title))
    if mark_min or trajectories:  # an empty legend would warn
        ax.legend(loc="best")
    return ax


def training_curves(history, *, metric=None, log=False, mark_best=True, ax=None,
                    xlabel="epoch (passes over the training data)", ylabel=None, title=None):
    """Training and validation loss (or a metric) against the epoch.

    history: a `lossfns.train.History`, or a dict of lists such as
        ``{"SGD": [...], "Adam": [...]}`` (one line per key, epochs counted from 1).
    metric: plot this metric of a History (e.g. "accuracy") instead of the loss.
    mark_best: draw a dashed line at a History's best epoch.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    best = None
    if isinstance(history, dict):
        series = {str(k): v for k, v in history.items()}
    elif hasattr(history, "train_loss"):
        if metric is None:
            series = {"training": history.train_loss, "validation": history.val_loss}
        else:
            if metric not in history.train_metrics:
                valid = ", ".join(repr(m) for m in history.train_metrics) or "none"
                raise ValueError(f"metric must be one of the metrics fit recorded ({valid}); "
                                 f"got {metric!r}")
            series = {"training": history.train_metrics[metric],
                      "validation": history.val_metrics.get(metric, [])}
        best = getattr(history, "best_epoch", None)
    else:
        raise ValueError(f"history must be a lossfns.train.History or a dict of lists; got "
                         f"{type(history).__name__}")
    series = {k: np.asarray(v, dtype=float) for k, v in series.items() if len(v)}
    if not series:
        raise ValueError("history holds no values to plot")

    ax = ax or plt.subplots()[1]
    for i, (label, values) in enumerate(series.items()):
        ax.plot(np.arange(1, len(values) + 1), values, "-o", markersize=3,
                color=_CYCLE[i % len(_CYCLE)], label=_tr(label))
    if mark_best and best is not None:
        ax.axvline(best, color="gray", linestyle="--", linewidth=1,
                   label=lang.t(f"best epoch ({best})", f"最佳轮次（{best}）"))
    if log:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(_tr(xlabel))
    ax.set_ylabel(_tr(ylabel or ("loss (mean per sample)" if metric is None else metric)))
    ax.set_title(_tr(title) if title else _tr("Training curves") if metric is None
                 else lang.t(f"{metric} during training", f"训练过程中的 {metric}"))
    ax.legend()
    return ax


def decision_boundary(predict, X, y, *, resolution=200, padding=0.5, class_names=None, ax=None,
                      xlabel="feature x₁ (units of x₁)", ylabel="feature x₂ (units of x₂)",
                      title="Decision regions"):
    """The class a classifier predicts at every point of the plane, with the data on top.

    predict: maps an (m, 2) numpy array to m class labels — or to (m, C) class scores
        (logits, probabilities), whose argmax is taken. For a torch model:
        ``lambda Z: lossfns.train.predict(model, Z).argmax(1)``; for scikit-learn: ``clf.predict``.
    X: (n, 2) points; y: their labels. class_names: legend names, in sorted label order.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    X = np.asarray(X, dtype=float)
    y = np.asarray(y).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must be an (n, 2) array (two features to draw); got shape {X.shape}")
    if len(y) != len(X):
        raise ValueError(f"X and y must have the same number of samples; got {len(X)} and "
                         f"{len(y)}")
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    out = predict(np.column_stack([xx.ravel(), yy.ravel()]))
    if hasattr(out, "detach"):  # a torch tensor
        out = out.detach().cpu().numpy()
    out = np.asarray(out)
    if out.ndim == 2 and out.shape[1] > 1:
        out = out.argmax(axis=1)
    out = out.reshape(-1)
    if out.size != xx.size:
        raise ValueError(f"predict must return one label per point; got {out.size} values for "
                         f"{xx.size} points")
    if out.dtype.kind == "b":
        out = out.astype(np.int64)

    classes = np.unique(np.concatenate([np.unique(y), np.unique(out)]))
    if class_names is not None and len(class_names) < len(classes):
        raise ValueError(f"class_names must name every class ({len(classes)}); got "
                         f"{len(class_names)}")
    colors = [_CYCLE[i % len(_CYCLE)] for i in range(len(classes))]
    regions = np.searchsorted(classes, out).reshape(xx.shape)

    ax = ax or plt.subplots()[1]
    ax.contourf(xx, yy, regions, levels=np.arange(len(classes) + 1) - 0.5,
                cmap=ListedColormap(colors), alpha=0.25)
    for i, c in enumerate(classes):
        mask = y == c
        if mask.any():
            name = (class_names[i] if class_names is not None
                    else lang.t("class", "类别") + f" {c}")
            ax.scatter(X[mask, 0], X[mask, 1], s=18, color=colors[i], edgecolors="white",
                       linewidths=0.5, label=name)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel(_tr(xlabel))
    ax.set_ylabel(_tr(ylabel))
    ax.set_title(_tr(title))
    ax.legend(loc="best")
    return ax


def calibration(y_true, y_prob, n_bins=10, *, label="model", strategy="uniform", ax=None,
                xlabel="mean predicted probability (unitless)",
                ylabel="observed fraction of positives (unitless)",
                title="Reliability diagram"):
    """Reliability diagram: in each bin of predicted probability, how often the event happened.

    A calibrated model lies on the diagonal (of the cases given 70 %, 70 % are positive).
    Call it again with the same `ax` to compare models. Bins are computed by
    `sklearn.calibration.calibration_curve` (empty bins are left out);
    strategy="quantile" makes bins with equal numbers of samples.
    """
    import matplotlib.pyplot as plt
    from sklearn.calibration import calibration_curve

    from ..core import as_float_array, check_labels_in, check_probabilities, check_same_shape

    t = as_float_array(y_true, "y_true").reshape(-1)
    p = as_float_array(y_prob, "y_prob").reshape(-1)
    check_same_shape(t, p, "y_true", "y_prob")
    check_labels_in(t, "y_true", (0.0, 1.0))
    check_probabilities(p, "y_prob")
    if not isinstance(n_bins, (int, np.integer)) or isinstance(n_bins, bool) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive integer; got {n_bins!r}")
    if strategy not in ("uniform", "quantile"):
        raise ValueError(f"strategy must be 'uniform' or 'quantile'; got {strategy!r}")
    frac_pos, mean_pred = calibration_curve(t, p, n_bins=int(n_bins), strategy=strategy)

    ax = ax or plt.subplots()[1]
    if not any(line.get_gid() == _PERFECT_GID for line in ax.lines):
        ax.plot([0, 1], [0, 1], "--", color="gray", linewidth=1, gid=_PERFECT_GID,
                label=lang.t("perfectly calibrated", "完美校准"))
    i = sum(1 for line in ax.lines if line.get_gid() != _PERFECT_GID)
    ax.plot(mean_pred, frac_pos, "-o", markersize=4, color=_CYCLE[i % len(_CYCLE)],
            label=_tr(label))
    ax.set_xlim(-_EDGE, 1 + _EDGE)  # a little room, so markers at 0 and 1 are not cut
    ax.set_ylim(-_EDGE, 1 + _EDGE)
    ax.set_aspect("equal")
    ax.set_xlabel(_tr(xlabel))
    ax.set_ylabel(_tr(ylabel))
    ax.set_title(_tr(title))
    ax.legend(loc="upper left")
    return ax


def _limits(lim, name: str):
    """(low, high) with low < high, both finite."""
    try:
        low, high = (float(v) for v in lim)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high); got {lim!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"{name} must be finite with low < high; got {lim!r}")
    return low, high


#: `descent_curves` leaves out values beyond this size (the tail of a diverging run).
_CURVE_CAP = 1e100


def descent_curves(runs, *, x=None, minimum=None, log=True, ax=None,
                   xlabel="step t (optimizer updates)", ylabel=None,
                   title="Loss during gradient descent", **line_kw):
    """A loss (or any positive quantity) against the step, one line per optimizer run.

    runs: a dict ``{label: values}``; values is a `lossfns.optim.History` (its ``losses``) or a
        1-D array. The k-th run gets the k-th colour of the cycle, as the k-th trajectory of
        `surface` does, so a path and its curve match.
    x: a dict ``{label: x values}`` (e.g. samples seen) for runs not plotted against the step
        0, 1, 2, …; each must be as long as its run.
    minimum: a number J* to subtract: the curves show the *excess loss* J − J*, which a log
        scale shows going to 0 (values ≤ 0, J* reached up to rounding, are left out).
    A run that diverged (a History with ``diverged`` set, or ending in inf/NaN) ends with a
    cross at its last value drawn, and its label says so; values beyond ±1e100 are not drawn.
    line_kw: passed to every ``ax.plot`` line (e.g. ``linewidth=1`` for noisy SGD runs).
    """
    import matplotlib.pyplot as plt

    if not isinstance(runs, dict) or not runs:
        raise ValueError(f"runs must be a non-empty dict {{label: History or array}}; got "
                         f"{type(runs).__name__}")
    x = {} if x is None else dict(x)
    unknown = set(x) - set(runs)
    if unknown:
        raise ValueError(f"x must only name runs in runs; got {sorted(unknown)}")
    floor = 0.0 if minimum is None else float(minimum)

    ax = ax or plt.subplots()[1]
    for k, (label, run) in enumerate(runs.items()):
        values = np.asarray(getattr(run, "losses", run), dtype=float)
        if values.ndim != 1 or values.size == 0:
            raise ValueError(f"runs[{label!r}] must be a History or a non-empty 1-D array; got "
                             f"shape {values.shape}")
        steps = np.asarray(x.get(label, np.arange(values.size)), dtype=float)
        if steps.shape != values.shape:
            raise ValueError(f"x[{label!r}] must have one value per loss ({values.size}); got "
                             f"shape {steps.shape}")
        diverged = bool(getattr(run, "diverged", False)) or not np.isfinite(values[-1])
        shown = values - floor
        # a diverging run ends near 1e308, where the axis autoscaling itself would overflow
        keep = np.isfinite(shown) & (np.abs(shown) <= _CURVE_CAP)
        if log:
            keep &= shown > 0                                      # log scale: positive only
        shown = np.where(keep, shown, np.nan)
        c = _CYCLE[k % len(_CYCLE)]
        ax.plot(steps, shown, color=c,
                label=label + lang.t(" (diverged)", "（发散）") if diverged else label,
                **line_kw)
        if diverged and keep.any():
            last = np.flatnonzero(keep)[-1]
            ax.plot(steps[last], shown[last], "x", color=c, markersize=9, markeredgewidth=2)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(_tr(xlabel))
    if ylabel is None:
        what = ("excess loss J − J*", "超额损失 J − J*") if minimum is not None else \
            ("loss J", "损失 J")
        ylabel = lang.t(f"{what[0]} (units of the loss{', log scale' if log else ''})",
                        f"{what[1]}（损失的单位{'，对数坐标' if log else ''}）")
    ax.set_ylabel(ylabel)
    ax.set_title(_tr(title))
    ax.legend()
    return ax


def mask_grid(images, masks, predictions, *, scores=None, score_name="Dice",
              title="Images, true masks and predicted masks", outline_color="#E69F00"):
    """Segmentation results side by side: one row per image, one column per model.

    images, masks: (k, H, W) arrays, the inputs and their true 0/1 masks.
    predictions: ``{label: (k, H, W) array}`` of predicted probabilities (or 0/1 masks) in
        [0, 1], drawn in grey from black (0) to white (1), with the true mask's outline on top.
    scores: ``{label: k numbers}``, written above each prediction (e.g. its Dice coefficient);
        score_name names them.
    Returns the figure: the first two columns show the image and its true mask, the others one
    model each; the outer axes are labelled in pixels, and one colour bar serves every
    prediction.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    images = np.asarray(images, dtype=float)
    masks = np.asarray(masks, dtype=float)
    if images.ndim != 3:
        raise ValueError(f"images must be a (k, H, W) array; got shape {images.shape}")
    if masks.shape != images.shape:
        raise ValueError(f"masks must have the shape of images {images.shape}; got {masks.shape}")
    if not isinstance(predictions, dict) or not predictions:
        raise ValueError(f"predictions must be a non-empty dict {{label: (k, H, W) array}}; got "
                         f"{type(predictions).__name__}")
    preds = {}
    for label, p in predictions.items():
        p = np.asarray(p, dtype=float)
        if p.shape != images.shape:
            raise ValueError(f"predictions[{label!r}] must have the shape of images "
                             f"{images.shape}; got {p.shape}")
        if not np.all((p >= 0) & (p <= 1)):
            raise ValueError(f"predictions[{label!r}] must hold probabilities in [0, 1]")
        preds[label] = p
    scores = {} if scores is None else dict(scores)
    unknown = set(scores) - set(preds)
    if unknown:
        raise ValueError(f"scores must only name models in predictions; got {sorted(unknown)}")
    for label, s in scores.items():
        if np.shape(s) != (len(images),):
            raise ValueError(f"scores[{label!r}] must hold one number per image "
                             f"({len(images)}); got shape {np.shape(s)}")

    k, cols = len(images), 2 + len(preds)
    width, height = 1.9 * cols + 1.3, 2.0 * k + 1.2                  # inches
    fig, axes = plt.subplots(k, cols, figsize=(width, height), squeeze=False)
    # a fixed layout: constrained_layout takes seconds to solve a grid of this size
    fig.subplots_adjust(left=0.8 / width, right=1 - 1.3 / width, bottom=0.85 / height,
                        top=1 - 0.75 / height, wspace=0.12, hspace=0.38)
    for i in range(k):
        axes[i, 0].imshow(images[i], cmap="gray")
        axes[i, 1].imshow(masks[i], cmap="gray", vmin=0, vmax=1)
        for j, (label, p) in enumerate(preds.items(), start=2):
            shown = axes[i, j].imshow(p[i], cmap="gray", vmin=0, vmax=1)
            axes[i, j].contour(masks[i], levels=[0.5], colors=outline_color, linewidths=1)
            if label in scores:
                axes[i, j].set_title(f"{score_name} {float(scores[label][i]):.2f}", fontsize=9)
    for j, name in enumerate([_tr("image"), _tr("true mask"), *preds]):
        head = axes[0, j].get_title()
        axes[0, j].set_title(f"{name}\n{head}" if head else name, fontsize=10)
    for ax in axes.ravel():
        ax.grid(False)
        ax.tick_params(labelsize=7)
        ax.label_outer()                                 # tick labels on the outer axes only
    for i in range(k):
        axes[i, 0].set_ylabel(_tr("row (pixels)"), fontsize=8)
    for j in range(cols):
        axes[-1, j].set_xlabel(_tr("column (pixels)"), fontsize=8)
    top, bottom = axes[0, -1].get_position(), axes[-1, -1].get_position()
    cax = fig.add_axes([bottom.x1 + 0.25 / width, bottom.y0, 0.12 / width, top.y1 - bottom.y0])
    fig.colorbar(shown, cax=cax, label=_tr("predicted probability of foreground (unitless)"))
    fig.legend(handles=[Line2D([], [], color=outline_color, linewidth=1,
                               label=_tr("outline of the true mask"))],
               loc="lower center", frameon=False)
    fig.suptitle(_tr(title))
    return fig


def embedding(Z, y, *, ax=None, class_names=None, legend=True, legend_title="class", s=12,
              xlabel="embedding dimension 1 (unitless)", ylabel="embedding dimension 2 (unitless)",
              title="A 2-D embedding, coloured by class"):
    """Scatter of 2-D embeddings (one point per item), one colour per class.

    Z: (n, 2) embeddings; y: their class labels. Up to 10 classes get the colours of
    matplotlib's "tab10" palette, in sorted label order, so that class c has the same colour in
    every panel. class_names: legend names, in sorted label order. legend: False to leave the
    legend out (e.g. on all but one panel of a figure); it is drawn right of the axes, with the
    title `legend_title`.
    """
    import matplotlib.pyplot as plt

    Z = np.asarray(Z, dtype=float)
    y = np.asarray(y).reshape(-1)
    if Z.ndim != 2 or Z.shape[1] != 2:
        raise ValueError(f"Z must be an (n, 2) array of embeddings; got shape {Z.shape}")
    if len(y) != len(Z):
        raise ValueError(f"Z and y must have the same number of items; got {len(Z)} and {len(y)}")
    classes = np.unique(y)
    if len(classes) > 10:
        raise ValueError(f"y must hold at most 10 classes (one colour each); got {len(classes)}")
    if class_names is not None and len(class_names) < len(classes):
        raise ValueError(f"class_names must name every class ({len(classes)}); got "
                         f"{len(class_names)}")
    palette = plt.get_cmap("tab10").colors
    ax = ax or plt.subplots()[1]
    for i, c in enumerate(classes):
        mask = y == c
        name = class_names[i] if class_names is not None else str(c)
        ax.scatter(Z[mask, 0], Z[mask, 1], s=s, color=palette[i], alpha=0.8, linewidths=0,
                   label=name)
    ax.set_xlabel(_tr(xlabel))
    ax.set_ylabel(_tr(ylabel))
    ax.set_title(_tr(title))
    if legend:
        ax.legend(title=_tr(legend_title), loc="center left", bbox_to_anchor=(1.0, 0.5),
                  markerscale=1.5)
    return ax
