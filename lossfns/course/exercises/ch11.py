"""Exercises of chapter 11, Sequences: CTC and perplexity."""
from __future__ import annotations

import numpy as np

from ...losses.classification import nll_loss
from ...losses.sequence import ctc_loss
from . import Case, exercise

CHAPTER = "11_sequences"


# --------------------------------------------------------------------------------------------
# The collapse map B
# --------------------------------------------------------------------------------------------
def _collapse_cases():
    rng = np.random.default_rng(9)
    return [
        Case((np.array([0, 1, 1, 0, 2, 2, 0]),), label="blanks around two runs",
             label_zh="两个连续段周围的空白符"),
        Case((np.array([1, 0, 1]),), label="a blank between equal labels keeps both",
             label_zh="相同标签之间的空白符使两者都得以保留"),
        Case((np.array([1, 1, 1, 2, 2]),), label="no blanks: only runs merged",
             label_zh="没有空白符：只合并连续段"),
        Case((np.array([3, 3, 0, 0, 3, 1, 1, 0, 2]),), label="mixed", label_zh="混合情况"),
        Case((np.array([2, 2, 0, 2, 1]),), {"blank": 2}, label="the blank is 2, not 0",
             label_zh="空白符是 2，而不是 0"),
        Case((rng.integers(0, 4, size=40),), label="random path of 40 frames",
             label_zh="40 帧的随机路径"),
        Case((np.array([0, 0, 0, 0]),), label="only blanks: empty labels",
             label_zh="只有空白符：标签为空"),
        Case((np.array([], dtype=np.int64),), label="empty path", label_zh="空路径"),
    ]


@exercise(name="ctc_collapse", chapter=CHAPTER, title="The CTC collapse map B",
          title_zh="CTC 折叠映射 B",
          cases=_collapse_cases,
          hint="keep frame t if path[t] != path[t-1] (or t == 0) and path[t] != blank; "
               "merge first, then drop blanks, or [1, 0, 1] turns into [1].",
          hint_zh="若 path[t] != path[t-1]（或 t == 0）且 path[t] != blank，则保留第 t 帧；"
                  "先合并，再删除空白符，否则 [1, 0, 1] 会变成 [1]。",
          forbidden=("ctc_greedy_decode",))
def ctc_collapse(path, blank=0):
    """B(path): merge runs of repeated symbols, then drop the blanks."""
    path = np.asarray(path, dtype=np.int64)
    new_run = np.ones(len(path), dtype=bool)
    new_run[1:] = path[1:] != path[:-1]
    return path[new_run & (path != blank)]


# --------------------------------------------------------------------------------------------
# Counting alignments
# --------------------------------------------------------------------------------------------
def _count_cases():
    rng = np.random.default_rng(11)
    labels = [int(v) for v in rng.integers(1, 4, size=4)]
    return [
        Case(([1, 2], 5), label="'AB' in 5 frames", label_zh="5 帧中的 “AB”"),
        Case(([1, 2, 2], 4), label="'ABB' in the fewest frames it fits (one path)",
             label_zh="“ABB” 放进能容纳它的最少帧数（只有一条路径）"),
        Case(([1, 2, 2], 10), label="'ABB' in 10 frames", label_zh="10 帧中的 “ABB”"),
        Case(([1], 3), label="one label, 3 frames", label_zh="一个标签，3 帧"),
        Case(([1, 1], 2), label="'AA' in 2 frames: too short for the compulsory blank",
             label_zh="2 帧中的 “AA”：太短，放不下必需的空白符"),
        Case(([3, 1, 3, 3, 2], 12), label="five labels with one equal pair",
             label_zh="五个标签，其中有一对相邻标签相同"),
        Case(([1], 1), label="one label, one frame", label_zh="一个标签，一帧"),
        Case(([], 4), label="empty target: only the all-blank path",
             label_zh="空目标：只有全空白的路径"),
        Case((labels, 9 + int(rng.integers(0, 4))), label="four random labels",
             label_zh="四个随机标签"),
    ]


@exercise(name="ctc_path_count", chapter=CHAPTER, title="The number of CTC alignments",
          title_zh="CTC 对齐的数目",
          cases=_count_cases,
          hint="count paths through l' = (–, l1, –, …, lS, –): start in state 0 or 1; at each "
               "frame a state collects from itself, from s−1, and from s−2 if s holds a label "
               "different from the one at s−2; the answer sums the last two states.",
          hint_zh="在 l' = (–, l1, –, …, lS, –) 上数路径：从状态 0 或 1 出发；每一帧，"
                  "状态 s 从自身和 s−1 汇集路径数，若 s 上的标签与 s−2 上的不同，"
                  "还要从 s−2 汇集；答案是最后两个状态之和。",
          forbidden=("ctc_loss", "ctc_alignment_lattice"))
def ctc_path_count(target, n_frames):
    """How many frame paths of length n_frames collapse to target (blank = 0, labels >= 1).

    With every log-probability 0 (probability 1), p(target | x) is the number of such paths,
    so the count is exp(−ctc_loss) on a table of zeros.
    """
    target = np.asarray(target, dtype=np.int64).reshape(1, -1)
    ones = np.zeros((n_frames, 1, int(target.max(initial=0)) + 1))   # log 1 for every symbol
    return float(np.round(np.exp(-ctc_loss(target, ones, reduction="sum"))))


# --------------------------------------------------------------------------------------------
# Perplexity
# --------------------------------------------------------------------------------------------
def _perplexity_cases():
    rng = np.random.default_rng(19)
    return [
        Case((np.log([0.5, 0.25, 0.125]),), label="probabilities 1/2, 1/4, 1/8",
             label_zh="概率为 1/2、1/4、1/8"),
        Case((np.full(50, -np.log(28.0)),), label="uniform over 28 characters",
             label_zh="在 28 个字符上均匀分布"),
        Case((np.log(rng.uniform(0.05, 1.0, size=200)),), label="200 random tokens",
             label_zh="200 个随机词元"),
        Case((np.array([0.0, 0.0]),), label="every token certain", label_zh="每个词元都确定无疑"),
        Case((np.array([-3.0]),), label="a single token", label_zh="只有一个词元"),
        Case((np.array([-0.01, -9.0, -0.2, -1.5]),), label="one very unlikely token",
             label_zh="有一个极不可能出现的词元"),
    ]


@exercise(name="perplexity_from_log_probs", chapter=CHAPTER,
          title="Perplexity from per-token log-probabilities", cases=_perplexity_cases,
          title_zh="由每个词元的对数概率计算困惑度",
          hint="cross-entropy = mean of −log p over the tokens (natural log); perplexity = "
               "exp(cross-entropy). Average before exponentiating.",
          hint_zh="交叉熵 = 各词元 −log p 的平均值（自然对数）；困惑度 = exp(交叉熵)。"
                  "先取平均，再取指数。",
          forbidden=("nll_loss", "cross_entropy"))
def perplexity(token_log_probs):
    """exp of the mean negative log-probability of the true tokens (natural logarithms)."""
    lp = np.asarray(token_log_probs, dtype=np.float64).reshape(-1, 1)
    # one class per token: nll_loss of class 0 with log-probability lp_i is −lp_i; "mean" averages
    return float(np.exp(nll_loss(np.zeros(len(lp), dtype=np.int64), lp)))
