"""Tests for lossfns.plot.mask_grid (images, true masks and predicted masks side by side)."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lossfns import plot  # noqa: E402
from lossfns.shapes import shapes_dataset  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


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
