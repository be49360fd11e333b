"""One figure style for the whole course, and the plots more than one lesson draws.

Every figure: a title, axis labels with units (or "(unitless)"), a legend when there is more than
one line. `use_style()` is called once per notebook (importing this module does not change global
matplotlib state).
"""
from __future__ import annotations

import numpy as np

#: Colours in a fixed order, so "MSE" is the same colour in every chapter (colour-blind safe).
COLORS = {
    "mse": "#0072B2", "mae": "#D55E00", "huber": "#009E73", "log_cosh": "#CC79A7",
    "quantile": "#E69F00", "binary_cross_entropy": "#0072B2",
    "binary_cross_entropy_with_logits": "#0072B2", "hinge": "#D55E00",
    "squared_hinge": "#E69F00", "cross_entropy": "#0072B2", "zero_one": "#000000",
    "exponential": "#CC79A7", "logistic": "#0072B2",
}
_CYCLE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

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
}


def use_style():
    """Apply the course style to matplotlib (call once at the top of a lesson)."""
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(STYLE)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=_CYCLE)


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
        label = L.title + ("".join(f", {k}={v}" for k, v in kw.items()))
        ax.plot(r, y, color=color(L.name, i), label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("dL/dŷ (per unit of y)" if derivative else "loss L (units of y²)")
    ax.set_title(title or ("Derivative of each loss" if derivative else "Loss against the residual"))
    ax.legend()
    return ax
