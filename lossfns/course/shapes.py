"""Synthetic segmentation data (合成分割数据): noisy images of discs and squares, and their masks.

A stand-in for a medical or satellite segmentation set that trains in seconds on a CPU. Each
image holds one or a few bright shapes on a noisy background; its mask marks the shapes' pixels
(1 = foreground, 0 = background). The shapes are small, so only a few per cent of the pixels are
foreground: the class imbalance that segmentation losses such as Dice are designed for.

    data = shapes_dataset(300, size=32, seed=0)
    data.images.shape, data.masks.shape          # (300, 32, 32) each, float32
    data.masks.mean()                            # the foreground fraction, about 0.06
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

#: The shapes `shapes_dataset` can draw.
KINDS = ("disc", "square")


class Shapes(NamedTuple):
    """Images (n, size, size) and their binary masks (n, size, size), both float32."""
    images: np.ndarray
    masks: np.ndarray


def shapes_dataset(n: int, size: int = 32, *, seed: int = 0, max_shapes: int = 2,
                   radius=(2, 4), noise: float = 0.5, kinds=KINDS) -> Shapes:
    """`n` grey images of `size` × `size` pixels with 1 to `max_shapes` shapes each, and masks.

    Each shape is a disc of radius r or a square of side 2r + 1 (r an integer drawn from
    `radius`, inclusive), lying wholly inside the image, with a brightness drawn from [0.5, 1];
    where shapes overlap the brighter one shows. Gaussian noise of standard deviation `noise` is
    added to every pixel, so a pixel's value alone does not say whether it is foreground.
    The mask is 1 on every pixel of a shape (whatever the noise) and 0 elsewhere; every image
    has at least one shape, so no mask is empty. Returns a `Shapes` (images, masks), float32:
    the dtype torch models use. The same arguments always give the same data.
    """
    n = _positive_int(n, "n")
    size = _positive_int(size, "size")
    max_shapes = _positive_int(max_shapes, "max_shapes")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    try:
        r_lo, r_hi = (int(r) for r in radius)
    except (TypeError, ValueError):
        raise ValueError(f"radius must be a pair of integers (low, high); got {radius!r}") from None
    if not 1 <= r_lo <= r_hi or tuple(radius) != (r_lo, r_hi):
        raise ValueError(f"radius must be integers with 1 <= low <= high; got {radius!r}")
    if 2 * r_hi + 1 > size:
        raise ValueError(f"size must fit the largest shape (2·{r_hi} + 1 = {2 * r_hi + 1} "
                         f"pixels); got {size}")
    if not (isinstance(noise, (int, float, np.floating)) and np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0; got {noise!r}")
    kinds = tuple(kinds) if not isinstance(kinds, str) else (kinds,)
    if not kinds or any(k not in KINDS for k in kinds):
        raise ValueError(f"kinds must name shapes among {KINDS}; got {kinds!r}")

    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:size, 0:size]
    clean = np.zeros((n, size, size))
    masks = np.zeros((n, size, size), dtype=bool)
    for i in range(n):
        for _ in range(rng.integers(1, max_shapes + 1)):
            r = int(rng.integers(r_lo, r_hi + 1))
            cy, cx = rng.integers(r, size - r, size=2)      # the whole shape inside the image
            if kinds[rng.integers(len(kinds))] == "disc":
                shape = (rows - cy) ** 2 + (cols - cx) ** 2 <= r * r
            else:
                shape = (np.abs(rows - cy) <= r) & (np.abs(cols - cx) <= r)
            clean[i][shape] = np.maximum(clean[i][shape], rng.uniform(0.5, 1.0))
            masks[i] |= shape
    images = clean + noise * rng.standard_normal(clean.shape)
    return Shapes(images.astype(np.float32), masks.astype(np.float32))


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


__all__ = ["Shapes", "shapes_dataset", "KINDS"]
