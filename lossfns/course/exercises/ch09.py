"""Exercises of chapter 9, Segmentation: the soft Dice loss per sample, and IoU from Dice."""
from __future__ import annotations

import numpy as np

from ...losses.segmentation import dice_loss
from . import Case, exercise

CHAPTER = "09_segmentation"


def _soft_dice_cases():
    rng = np.random.default_rng(7)
    masks = (rng.uniform(size=(3, 6, 6)) < 0.2).astype(float)
    probs = rng.uniform(size=(3, 6, 6))
    empty, full = np.zeros((2, 4, 4)), np.ones((2, 4, 4))
    return [
        Case((np.array([1.0, 0.0]), np.array([0.5, 0.5])),
             label="one mask of two pixels (a 1-D array is one sample): a single number",
             label_zh="一个两像素的掩码（一维数组是一个样本）：返回单个数"),
        Case((masks, probs), label="3 images of 6 × 6 pixels: one loss per image",
             label_zh="3 张 6 × 6 像素的图像：每张图像一个损失"),
        Case((masks, masks), label="a perfect 0/1 prediction: 0 for every image",
             label_zh="完美的 0/1 预测：每张图像都为 0"),
        Case((masks, 1.0 - masks), label="the exact opposite: close to 1",
             label_zh="完全相反的预测：接近 1"),
        Case((empty, empty), label="empty masks, empty predictions: the smoothing makes it 0",
             label_zh="空掩码、空预测：平滑项使损失为 0"),
        Case((empty, np.full((2, 4, 4), 0.1)), label="empty masks, faint predictions",
             label_zh="空掩码，微弱的预测"),
        Case((full, full), label="all-ones masks predicted as all ones: 0",
             label_zh="全 1 掩码预测为全 1：0"),
        Case((full, np.full((2, 4, 4), 0.5)), label="all-ones masks, every pixel at 0.5",
             label_zh="全 1 掩码，每个像素都预测为 0.5"),
        Case((masks, probs), {"smooth": 0.0}, label="smooth = 0", label_zh="取 smooth = 0"),
        Case((masks, probs), {"smooth": 10.0}, label="a large smoothing term",
             label_zh="很大的平滑项"),
    ]


@exercise(name="soft_dice_loss", chapter=CHAPTER, title="Soft Dice loss, one value per image",
          title_zh="软 Dice 损失，每张图像一个值",
          cases=_soft_dice_cases,
          hint="Flatten each image to one row: y_true.reshape(len(y_true), -1) (a 1-D array is "
               "one image: reshape(1, -1), and return a single number). Per row, "
               "I = sum(y·p) and S = sum(y) + sum(p); the loss is 1 − (2I + s)/(S + s). Sum over "
               "the pixels of each image (axis=1), never over the whole batch.",
          hint_zh="把每张图像展平为一行：y_true.reshape(len(y_true), -1)（一维数组是一张图像："
                  "reshape(1, -1)，并返回单个数）。对每一行，I = sum(y·p)，"
                  "S = sum(y) + sum(p)；损失为 1 − (2I + s)/(S + s)。在每张图像的像素上求和"
                  "（axis=1），绝不要对整个批量求和。",
          forbidden=("dice_loss", "dice_coefficient"))
def soft_dice_loss(y_true, y_prob, smooth=1.0):
    """Per image (first axis), 1 − (2 Σ y·p + s) / (Σ y + Σ p + s); a 1-D array is one image."""
    return dice_loss(y_true, y_prob, smooth=smooth, reduction="none")


def _iou_cases():
    dice_ab = 2 * 2 / (3 + 4)                                  # |A∩B| = 2, |A| = 3, |B| = 4
    return [
        Case((0.5,), label="Dice 0.5", label_zh="Dice 为 0.5"),
        Case((dice_ab,), label="two masks: Dice 4/7, IoU 2/5",
             label_zh="两个掩码：Dice 为 4/7，IoU 为 2/5"),
        Case((np.array([0.0, 0.25, 0.8, 0.9]),), label="an array of Dice values",
             label_zh="由 Dice 值组成的数组"),
        Case((0.0,), label="no overlap: Dice 0 → IoU 0", label_zh="没有重叠：Dice 0 → IoU 0"),
        Case((1.0,), label="a perfect match: Dice 1 → IoU 1", label_zh="完美匹配：Dice 1 → IoU 1"),
        Case((np.array([[1.0, 2 / 3], [0.1, 0.99]]),), label="a 2-D array keeps its shape",
             label_zh="二维数组保持其形状"),
        Case((np.random.default_rng(9).uniform(0.0, 1.0, size=12),), label="12 random values",
             label_zh="12 个随机值"),
    ]


@exercise(name="iou_from_dice", chapter=CHAPTER, title="IoU from the Dice coefficient",
          title_zh="由 Dice 系数求 IoU",
          cases=_iou_cases,
          hint="Solve Dice = 2·IoU / (1 + IoU) for IoU: IoU = Dice / (2 − Dice). Use NumPy "
               "operations so that arrays work too.",
          hint_zh="从 Dice = 2·IoU / (1 + IoU) 解出 IoU：IoU = Dice / (2 − Dice)。"
                  "使用 NumPy 运算，这样对数组也同样适用。")
def iou_from_dice(dice):
    """The IoU (Jaccard index) of two masks whose Dice coefficient is `dice`: D / (2 − D)."""
    d = np.asarray(dice, dtype=float)
    return d / (2.0 - d)
