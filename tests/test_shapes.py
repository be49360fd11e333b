"""lossfns.course.shapes: the synthetic segmentation data (discs and squares in noisy images)."""
import numpy as np
import pytest

from lossfns.course.shapes import KINDS, Shapes, shapes_dataset


def test_shapes_dtypes_and_binary_masks():
    data = shapes_dataset(20, size=24, seed=0)
    assert isinstance(data, Shapes)
    images, masks = data                                   # unpacks like a tuple
    assert images.shape == masks.shape == (20, 24, 24)
    assert images.dtype == masks.dtype == np.float32
    assert set(np.unique(masks)) <= {0.0, 1.0}
    assert np.isfinite(images).all()


def test_same_seed_same_data_other_seed_other_data():
    a, b, c = (shapes_dataset(10, seed=s) for s in (3, 3, 4))
    assert np.array_equal(a.images, b.images) and np.array_equal(a.masks, b.masks)
    assert not np.array_equal(a.masks, c.masks)


def test_every_mask_has_foreground_and_the_foreground_is_small():
    masks = shapes_dataset(300, seed=0).masks
    per_image = masks.reshape(300, -1).mean(axis=1)
    assert per_image.min() > 0                             # no empty mask
    assert 0.03 < masks.mean() < 0.10                      # a few per cent: class imbalance
    assert per_image.max() < 0.25


def test_without_noise_the_mask_is_where_the_image_is_bright():
    images, masks = shapes_dataset(30, seed=1, noise=0.0)
    assert np.array_equal(images > 0, masks == 1)
    assert images[masks == 1].min() >= 0.5 and images.max() <= 1.0


def test_noise_has_the_requested_spread():
    images, masks = shapes_dataset(200, seed=2, noise=0.3)
    background = images[masks == 0]
    assert abs(background.mean()) < 0.01 and abs(background.std() - 0.3) < 0.01


def test_one_shape_of_a_fixed_size_has_the_expected_area():
    r = 3
    discs = shapes_dataset(50, seed=0, max_shapes=1, radius=(r, r), kinds="disc", noise=0.0)
    squares = shapes_dataset(50, seed=0, max_shapes=1, radius=(r, r), kinds=["square"])
    disc_area = sum(1 for y in range(-r, r + 1) for x in range(-r, r + 1) if x * x + y * y <= r * r)
    assert np.all(discs.masks.sum(axis=(1, 2)) == disc_area)           # 29 pixels
    assert np.all(squares.masks.sum(axis=(1, 2)) == (2 * r + 1) ** 2)  # 49 pixels


def test_shapes_lie_inside_the_image():
    # the largest shape that fits: side 2·7 + 1 = 15 = size, so every square fills the image
    masks = shapes_dataset(5, size=15, seed=0, max_shapes=1, radius=(7, 7), kinds="square").masks
    assert np.all(masks == 1)


def test_kinds_are_both_drawn():
    assert KINDS == ("disc", "square")
    masks = shapes_dataset(40, seed=5, max_shapes=1, radius=(3, 3), noise=0.0).masks
    assert set(masks.sum(axis=(1, 2)).astype(int)) == {29, 49}


@pytest.mark.parametrize("kwargs, match", [
    ({"n": 0}, "n must be a positive integer"),
    ({"n": 2.5}, "n must be a positive integer"),
    ({"n": 3, "size": 0}, "size must be a positive integer"),
    ({"n": 3, "seed": -1}, "seed must be a non-negative integer"),
    ({"n": 3, "seed": True}, "seed must be a non-negative integer"),
    ({"n": 3, "max_shapes": 0}, "max_shapes must be a positive integer"),
    ({"n": 3, "radius": 3}, "radius must be a pair"),
    ({"n": 3, "radius": (0, 2)}, "radius must be integers"),
    ({"n": 3, "radius": (4, 2)}, "radius must be integers"),
    ({"n": 3, "radius": (1.5, 2)}, "radius must be integers"),
    ({"n": 3, "size": 8, "radius": (2, 4)}, "size must fit the largest shape"),
    ({"n": 3, "noise": -0.1}, "noise must be a finite number"),
    ({"n": 3, "noise": float("nan")}, "noise must be a finite number"),
    ({"n": 3, "kinds": ("disc", "star")}, "kinds must name shapes"),
    ({"n": 3, "kinds": ()}, "kinds must name shapes"),
])
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        shapes_dataset(**kwargs)
