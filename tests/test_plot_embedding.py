"""Tests for lossfns.plot.embedding: 2-D embeddings coloured by class."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lossfns import plot  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


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
