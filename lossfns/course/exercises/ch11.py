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
        Case((np.array([0, 1, 1, 0, 2, 2, 0]),), label="blanks around two runs"),
        Case((np.array([1, 0, 1]),), label="a blank between equal labels keeps both"),
        Case((np.array([1, 1, 1, 2, 2]),), label="no blanks: only runs merged"),
        Case((np.array([3, 3, 0, 0, 3, 1, 1, 0, 2]),), label="mixed"),
        Case((np.array([2, 2, 0, 2, 1]),), {"blank": 2}, label="the blank is 2, not 0"),
        Case((rng.integers(0, 4, size=40),), label="random path of 40 frames"),
        Case((np.array([0, 0, 0, 0]),), label="only blanks: empty labels"),
        Case((np.array([], dtype=np.int64),), label="empty path"),
    ]


@exercise(name="ctc_collapse", chapter=CHAPTER, title="The CTC collapse map B",
          cases=_collapse_cases,
          hint="keep frame t if path[t] != path[t-1] (or t == 0) and path[t] != blank; "
               "merge first, then drop blanks, or [1, 0, 1] turns into [1].",
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
        Case(([1, 2], 5), label="'AB' in 5 frames"),
        Case(([1, 2, 2], 4), label="'ABB' in the fewest frames it fits (one path)"),
        Case(([1, 2, 2], 10), label="'ABB' in 10 frames"),
        Case(([1], 3), label="one label, 3 frames"),
        Case(([1, 1], 2), label="'AA' in 2 frames: too short for the compulsory blank"),
        Case(([3, 1, 3, 3, 2], 12), label="five labels with one equal pair"),
        Case(([1], 1), label="one label, one frame"),
        Case(([], 4), label="empty target: only the all-blank path"),
        Case((labels, 9 + int(rng.integers(0, 4))), label="four random labels"),
    ]


@exercise(name="ctc_path_count", chapter=CHAPTER, title="The number of CTC alignments",
          cases=_count_cases,
          hint="count paths through l' = (–, l1, –, …, lS, –): start in state 0 or 1; at each "
               "frame a state collects from itself, from s−1, and from s−2 if s holds a label "
               "different from the one at s−2; the answer sums the last two states.",
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
        Case((np.log([0.5, 0.25, 0.125]),), label="probabilities 1/2, 1/4, 1/8"),
        Case((np.full(50, -np.log(28.0)),), label="uniform over 28 characters"),
        Case((np.log(rng.uniform(0.05, 1.0, size=200)),), label="200 random tokens"),
        Case((np.array([0.0, 0.0]),), label="every token certain"),
        Case((np.array([-3.0]),), label="a single token"),
        Case((np.array([-0.01, -9.0, -0.2, -1.5]),), label="one very unlikely token"),
    ]


@exercise(name="perplexity_from_log_probs", chapter=CHAPTER,
          title="Perplexity from per-token log-probabilities", cases=_perplexity_cases,
          hint="cross-entropy = mean of −log p over the tokens (natural log); perplexity = "
               "exp(cross-entropy). Average before exponentiating.",
          forbidden=("nll_loss", "cross_entropy"))
def perplexity(token_log_probs):
    """exp of the mean negative log-probability of the true tokens (natural logarithms)."""
    lp = np.asarray(token_log_probs, dtype=np.float64).reshape(-1, 1)
    # one class per token: nll_loss of class 0 with log-probability lp_i is −lp_i; "mean" averages
    return float(np.exp(nll_loss(np.zeros(len(lp), dtype=np.int64), lp)))
