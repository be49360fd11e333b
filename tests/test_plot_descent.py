"""Tests for lossfns.plot.descent_curves (loss against the step for optimizer runs)."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lossfns import plot  # noqa: E402
from lossfns.optim import GD, minimize  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _bowl(x):
    return float(x @ x) + 1.0, 2 * x


def test_runs_are_labelled_coloured_and_log_scaled():
    runs = {"η = 0.1": minimize(_bowl, [3.0, -4.0], GD(lr=0.1), steps=30),
            "η = 0.4": minimize(_bowl, [3.0, -4.0], GD(lr=0.4), steps=30)}
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
    hist = minimize(_bowl, [1.0, 1.0], GD(lr=1.5), steps=2000)
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
