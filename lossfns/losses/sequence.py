"""Sequence losses (序列损失): connectionist temporal classification (CTC) and its helpers.

CTC trains a model that emits one distribution over C symbols per input frame (T frames) to
produce a shorter label sequence l = (l_1, …, l_S) *without* telling it which frame carries which
label. One extra symbol, the **blank** (空白符), means "no label at this frame". A frame-level
path π (one symbol per frame) is read out by the collapse map B: merge runs of repeated symbols,
then drop the blanks, so B(a a – b b –) = B(– a – – b b) = (a, b), and B(a – a) = (a, a). CTC
sums the probabilities of *every* path that collapses to l:

    p(l | x) = Σ_{π : B(π) = l} Π_t y^t_{π_t},        loss = −log p(l | x).

There are exponentially many such paths; the forward algorithm sums them in O(T·S) time.

Conventions (those of ``torch.nn.functional.ctc_loss``): log_probs (T, N, C) are log-probabilities
(the output of a log_softmax over C) for T frames, N sequences, C symbols including the blank;
targets (N, S) hold labels padded to a common length S; input_lengths (N,) say how many frames of
each sequence are real; target_lengths (N,) how many labels.
"""
from __future__ import annotations

import operator

import numpy as np

from ..core import Described, KernelOut, _position, as_float_array, loss

NEG_INF = -np.inf  # log 0: a state that cannot be reached


# --------------------------------------------------------------------------------------------
# The lattice: forward and backward variables of N sequences at once, in log space
# --------------------------------------------------------------------------------------------
def _extend(targets: np.ndarray, target_lengths: np.ndarray, blank: int) -> np.ndarray:
    """The extended label sequences l' = (–, l_1, –, l_2, –, …, l_S, –), shape (N, 2S + 1).

    Every path that collapses to l walks through l' left to right: a blank is put before, between
    and after the labels, because a path may (or, between two equal labels, must) emit a blank
    there. Even positions s = 0, 2, … hold the blank, odd positions hold the labels; a sequence
    with fewer than S labels is padded with blanks, states that `_reachable` rules out.
    """
    n, s = targets.shape
    ext = np.full((n, 2 * s + 1), blank, dtype=np.int64)
    ext[:, 1::2] = np.where(np.arange(s) < target_lengths[:, None], targets, blank)
    return ext


def _reachable(target_lengths: np.ndarray, n_states: int) -> np.ndarray:
    """(N, 2S + 1): the states s ≤ 2·S_i of each sequence's own extended labels."""
    return np.arange(n_states) < 2 * target_lengths[:, None] + 1


def _skip_allowed(ext: np.ndarray, blank: int) -> np.ndarray:
    """skip[i, s]: may a path jump from position s − 2 straight to s (skipping the blank between)?

    Only when s holds a label and that label differs from the one at s − 2. If the two labels are
    equal (l = "a a"), the blank between them is compulsory: without it the two a's would merge
    into one on collapsing. A blank position can never be jumped to.
    """
    skip = np.zeros(ext.shape, dtype=bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    return skip


def _shift_right(x: np.ndarray, k: int) -> np.ndarray:
    """x moved k places to the right along the states (last axis), log 0 shifted in."""
    out = np.full_like(x, NEG_INF)
    out[..., k:] = x[..., :x.shape[-1] - k]
    return out


def _shift_left(x: np.ndarray, k: int) -> np.ndarray:
    """x moved k places to the left along the states (last axis), log 0 shifted in."""
    out = np.full_like(x, NEG_INF)
    out[..., :x.shape[-1] - k] = x[..., k:]
    return out


def _forward(emit: np.ndarray, skip: np.ndarray, reachable: np.ndarray) -> np.ndarray:
    """log α (T, N, L): α_t(s) = total probability of the path prefixes π_1 … π_t ending at l'_s.

    emit[t, i, s] = log y^t_{l'_s} of sequence i: the log-probability of emitting the symbol of
    position s at frame t.
    """
    n_frames = emit.shape[0]
    alpha = np.full(emit.shape, NEG_INF)
    # A path starts either with the leading blank or directly with the first label.
    alpha[0, :, :2] = emit[0, :, :2]
    alpha[0] = np.where(reachable, alpha[0], NEG_INF)
    for t in range(1, n_frames):
        prev = alpha[t - 1]
        # The three allowed moves into s: stay at s (repeat the symbol), advance from s − 1,
        # or jump from s − 2 over a blank (only where `skip` allows it).
        stay = prev
        advance = _shift_right(prev, 1)
        jump = np.where(skip, _shift_right(prev, 2), NEG_INF)
        # log(e^a + e^b + e^c) without leaving log space: products of T probabilities underflow.
        alpha[t] = np.where(reachable, np.logaddexp(np.logaddexp(stay, advance), jump) + emit[t],
                            NEG_INF)
    return alpha


def _backward(emit, skip, reachable, input_lengths, target_lengths) -> np.ndarray:
    """log β (T, N, L): β_t(s) = probability of the path suffixes π_{t+1} … π_{T_i}, given
    π_t = l'_s; each sequence i ends at its own last frame T_i − 1.

    (Here β excludes the emission at t, so α_t(s)·β_t(s) is already the probability of all paths
    through (t, s); Graves et al. include it in both and divide by y^t_{l'_s} once.)
    """
    n_frames, n, n_states = emit.shape
    # A path must end in the trailing blank (s = 2S_i) or in the last label (s = 2S_i − 1).
    final = np.full((n, n_states), NEG_INF)
    final[np.arange(n), 2 * target_lengths] = 0.0
    has_labels = target_lengths > 0
    final[np.arange(n)[has_labels], 2 * target_lengths[has_labels] - 1] = 0.0
    # The same three moves, seen from s: stay, advance to s + 1, or jump to s + 2 if allowed.
    skip_from = np.zeros_like(skip)  # skip_from[i, s]: may s jump to s + 2?
    skip_from[:, :-2] = skip[:, 2:]
    beta = np.full(emit.shape, NEG_INF)
    for t in range(n_frames - 1, -1, -1):
        if t < n_frames - 1:
            nxt = beta[t + 1] + emit[t + 1]
            stay = nxt
            advance = _shift_left(nxt, 1)
            jump = np.where(skip_from, _shift_left(nxt, 2), NEG_INF)
            beta[t] = np.where(reachable, np.logaddexp(np.logaddexp(stay, advance), jump),
                               NEG_INF)
        last = input_lengths - 1 == t  # the sequences whose last frame is t start here
        beta[t, last] = final[last]
    return beta


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------
def _to_numpy(x):
    """A torch tensor (even one that requires grad) as a numpy array; anything else unchanged."""
    if hasattr(x, "detach"):
        return x.detach().cpu().numpy()
    return x


def _integer_array(x, name: str, what: str) -> np.ndarray:
    arr = np.asarray(_to_numpy(x))
    if arr.dtype.kind not in "iu" and arr.size:  # ([] arrives as float64: accept it)
        raise ValueError(f"{name} must hold {what}; got dtype {arr.dtype}")
    return arr.astype(np.int64)


def _check_log_probs(log_probs, name: str, ndim: int, shape_hint: str) -> np.ndarray:
    lp = as_float_array(_to_numpy(log_probs), name)
    if lp.ndim != ndim:
        raise ValueError(f"{name} must have shape {shape_hint}; got shape {lp.shape}")
    if (lp > 0).any():
        where = tuple(int(i) for i in np.argwhere(lp > 0)[0])
        raise ValueError(f"{name} must be log-probabilities (<= 0); got {lp[where]:g} at "
                         f"position {where} (apply log_softmax over the classes first)")
    return lp


def _check_blank(blank, n_classes: int) -> int:
    try:
        if isinstance(blank, (bool, np.bool_)):
            raise TypeError
        b = operator.index(blank)
    except TypeError:
        raise ValueError(f"blank must be an integer class index; got {blank!r}") from None
    if not 0 <= b < n_classes:
        raise ValueError(f"blank must be a class index in [0, {n_classes}); got {b}")
    return b


def _check_lengths(lengths, name: str, n: int, high: int, high_name: str) -> np.ndarray:
    if lengths is None:
        return np.full(n, high, dtype=np.int64)
    arr = _integer_array(lengths, name, "integer lengths")
    if arr.shape != (n,):
        raise ValueError(f"{name} must have one entry per sequence, shape ({n},); "
                         f"got shape {arr.shape}")
    bad = (arr < 0) | (arr > high)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"{name} must be in [0, {high}] ({high_name}); got {arr[i]} at "
                         f"position {i}")
    return arr


def _check_labels(labels: np.ndarray, valid: np.ndarray, name: str, n_classes: int,
                  blank: int) -> None:
    """Labels where `valid` (within the target lengths) are in [0, C) and never the blank."""
    out_of_range = valid & ((labels < 0) | (labels >= n_classes))
    if out_of_range.any():
        where = np.argwhere(out_of_range)[0]
        raise ValueError(f"{name} must hold labels in [0, {n_classes}); got "
                         f"{labels[tuple(where)]} at position {_position(where)}")
    is_blank = valid & (labels == blank)
    if is_blank.any():
        where = np.argwhere(is_blank)[0]
        raise ValueError(f"{name} must not contain the blank index {blank} (it means 'no "
                         f"label'); got it at position {_position(where)}")


def _check_ctc_inputs(targets, log_probs, input_lengths, target_lengths, blank):
    lp = _check_log_probs(log_probs, "log_probs", 3, "(T, N, C): frames, sequences, classes")
    n_frames, n, n_classes = lp.shape
    b = _check_blank(blank, n_classes)
    tg = _integer_array(targets, "targets", "integer labels")
    if tg.ndim != 2 or tg.shape[0] != n:
        raise ValueError(f"targets must have shape (N, S) = ({n}, S), labels padded to a "
                         f"common length S, to match log_probs of shape {lp.shape}; got shape "
                         f"{tg.shape}")
    il = _check_lengths(input_lengths, "input_lengths", n, n_frames, "T, the frames of log_probs")
    tl = _check_lengths(target_lengths, "target_lengths", n, tg.shape[1],
                        "S, the padded length of targets")
    # Only the first target_lengths[i] labels of row i are real; the padding may hold anything.
    valid = np.arange(tg.shape[1]) < tl[:, None]
    _check_labels(tg, valid, "targets", n_classes, b)
    return tg, lp, il, tl, b


# --------------------------------------------------------------------------------------------
# The loss
# --------------------------------------------------------------------------------------------
@loss(task="sequence",
      formula=r"-\log \sum_{\pi \in \mathcal{B}^{-1}(l)} \prod_{t=1}^{T} y^{t}_{\pi_t}",
      domain={"targets": Described("integer labels (N, S) in [0, C), never the blank"),
              "log_probs": Described("log-probabilities (T, N, C), finite and <= 0"),
              "input_lengths": Described("integers (N,) in [0, T], or None for T"),
              "target_lengths": Described("integers (N,) in [0, S], or None for S"),
              "blank": Described("an integer class index in [0, C)")})
def ctc_loss(targets, log_probs, input_lengths=None, target_lengths=None, blank=0):
    """Connectionist temporal classification: −log of the total probability of all alignments.

    Domain: log_probs (T, N, C), finite and ≤ 0 (log_softmax over C of a model's scores; they need
    not be normalised for the formula, as in torch); targets (N, S) integer labels in [0, C),
    padded, never the blank within target_lengths; input_lengths (N,) in [0, T], default T;
    target_lengths (N,) in [0, S], default S; blank in [0, C). numpy arrays or torch tensors.
    Formula: with the extended sequence l' = (–, l_1, –, …, l_S, –) and log-space forward
    variables α_t(s), loss_i = −log p(l | x) = −log(α_T(2S) + α_T(2S − 1)). A target that no
    alignment fits (T_i < S_i + number of equal neighbours, each needing a blank between) gives
    inf, as torch with zero_infinity=False. "mean" is the batch mean of loss_i / max(S_i, 1),
    exactly as torch.
    Gradient: treating every entry of log_probs as a free input, ∂loss_i/∂log y^t_k = −γ_t(k),
    γ_t(k) = Σ_{s : l'_s = k} α_t(s) β_t(s) / p(l | x), the posterior probability that frame t
    emits k (from the backward variables β); zero for t ≥ input_lengths[i], and zero for an
    impossible sequence (torch gives NaN there).
    Not torch's gradient: torch's ctc_loss backward returns exp(log_probs) − γ, the gradient
    *through* a log_softmax, as if log_probs = log_softmax(z). Both give the same gradient with
    respect to z: g − softmax(z)·Σ_k g_k with g = −γ (Σ_k γ_t(k) = 1) is softmax(z) − γ.
    Equals ``torch.nn.functional.ctc_loss(log_probs, targets, input_lengths, target_lengths,
    blank=blank, reduction=...)`` in value.
    References: Graves et al. (2006).
    """
    tg, lp, il, tl, b = _check_ctc_inputs(targets, log_probs, input_lengths, target_lengths,
                                          blank)
    n_frames, n, _ = lp.shape
    seq = np.arange(n)
    ext = _extend(tg, tl, b)
    reachable = _reachable(tl, ext.shape[1])
    skip = _skip_allowed(ext, b)
    emit = lp[:, seq[:, None], ext]  # (T, N, L): log y^t of each state's symbol
    alpha = _forward(emit, skip, reachable)
    # log p(l | x): the paths that finish, at the sequence's last frame, in the last label or in
    # the trailing blank. No frames at all: only the empty label sequence (probability 1).
    last = alpha[np.maximum(il - 1, 0), seq]
    log_p = np.logaddexp(last[seq, 2 * tl], np.where(tl > 0, last[seq, 2 * tl - 1], NEG_INF))
    log_p = np.where(il > 0, log_p, np.where(tl == 0, 0.0, NEG_INF))
    # An impossible alignment (a target too long for its frames) costs inf, as in torch.
    value = -log_p

    def grad():
        beta = _backward(emit, skip, reachable, il, tl)
        possible = np.isfinite(log_p) & (il > 0)
        # Occupation posterior of each lattice state: P(π_t = l'_s | l, x); rows sum to 1. Zero
        # after a sequence's last frame, and for an impossible sequence (torch gives NaN there).
        real = (np.arange(n_frames)[:, None] < il) & possible
        with np.errstate(invalid="ignore"):  # −inf − (−inf) on the masked states
            posterior = np.where(real[:, :, None], np.exp(alpha + beta - log_p[:, None]), 0.0)
        # ∂loss/∂log y^t_k = −γ_t(k): the posterior summed over the states that carry symbol k
        # (the blank sits at S + 1 of them). Within one state s, each sequence adds to one k.
        g = np.zeros_like(lp)
        for s in range(ext.shape[1]):
            g[:, seq, ext[:, s]] -= posterior[:, :, s]
        return g

    # torch's "mean": each loss divided by its target length (at least 1), then the batch mean.
    mean_weight = 1.0 / (n * np.maximum(tl, 1))
    return KernelOut(value, grad, mean_weight, mean_weight.reshape(1, n, 1))


# --------------------------------------------------------------------------------------------
# Helpers for the lesson: the lattice, decoding, and the error rate
# --------------------------------------------------------------------------------------------
def ctc_alignment_lattice(target, log_probs_1seq, blank=0):
    """The forward variables log α (T, 2S + 1) of one sequence, for a heatmap of the lattice.

    target: the S labels of one sequence (no padding, no blank). log_probs_1seq: (T, C)
    log-probabilities of that sequence. Row t, column s holds log α_t(s), the log of the total
    probability of the path prefixes that emit l'_s at frame t, l' = (–, l_1, –, …, l_S, –);
    unreachable states are −inf. logaddexp of the last two entries of the last row is
    log p(l | x) = −ctc_loss(..., reduction="none")[i].
    """
    lp = _check_log_probs(log_probs_1seq, "log_probs_1seq", 2, "(T, C): frames, classes")
    n_classes = lp.shape[1]
    b = _check_blank(blank, n_classes)
    tg = _integer_array(target, "target", "integer labels")
    if tg.ndim != 1:
        raise ValueError(f"target must be a 1-D label sequence (S,); got shape {tg.shape}")
    _check_labels(tg, np.ones(tg.shape, dtype=bool), "target", n_classes, b)
    lengths = np.array([len(tg)])
    ext = _extend(tg[None, :], lengths, b)
    emit = lp[:, None, :][:, :, ext[0]]  # (T, 1, 2S + 1)
    return _forward(emit, _skip_allowed(ext, b), _reachable(lengths, ext.shape[1]))[:, 0]


def ctc_greedy_decode(log_probs, blank=0, input_lengths=None):
    """Best-path decoding: the most likely symbol at each frame, repeats merged, blanks dropped.

    log_probs (T, N, C) gives a list of N label lists; a single sequence (T, C) gives one label
    list. input_lengths (N,) (default T) limits each sequence to its real frames. This is the
    collapse map B applied to the arg-max path; it is fast but not the most likely *labelling*
    (that would sum over paths: beam search).
    """
    arr = _to_numpy(log_probs)
    single = np.ndim(arr) == 2
    lp = as_float_array(arr, "log_probs")
    if single:
        lp = lp[:, None, :]
    if lp.ndim != 3:
        raise ValueError(f"log_probs must have shape (T, N, C) or (T, C); got shape {lp.shape}")
    n_frames, n, n_classes = lp.shape
    b = _check_blank(blank, n_classes)
    il = _check_lengths(input_lengths, "input_lengths", n, n_frames, "T, the frames of log_probs")
    best = lp.argmax(axis=2)  # (T, N): the arg-max path
    decoded = []
    for i in range(n):
        path = best[:il[i], i]
        # keep a frame if it starts a new run (differs from the frame before) and is no blank
        new_run = np.ones(len(path), dtype=bool)
        new_run[1:] = path[1:] != path[:-1]
        decoded.append([int(k) for k in path[new_run & (path != b)]])
    return decoded[0] if single else decoded


def edit_distance(a, b) -> int:
    """Levenshtein distance: the fewest insertions, deletions and substitutions turning a into b.

    a, b: sequences (lists of labels, strings, 1-D arrays). Dynamic programming over a
    (len(a) + 1) × (len(b) + 1) table, kept one row at a time.
    """
    a, b = _sequence(a, "a"), _sequence(b, "b")
    prev = list(range(len(b) + 1))  # distance from the empty prefix of a: j insertions
    for i, x in enumerate(a, start=1):
        row = [i]  # i deletions turn a[:i] into the empty sequence
        for j, y in enumerate(b, start=1):
            row.append(min(prev[j] + 1,               # delete x
                           row[j - 1] + 1,            # insert y
                           prev[j - 1] + (x != y)))   # substitute (free if equal)
        prev = row
    return prev[-1]


def label_error_rate(refs, hyps) -> float:
    """Label error rate: Σ edit_distance(ref, hyp) / Σ len(ref) over a corpus of sequences.

    refs, hyps: lists of label sequences, one hypothesis per reference (for example the output of
    `ctc_greedy_decode`). Over characters it is the character error rate (CER), over words the
    word error rate (WER). It can exceed 1 (insertions are unbounded).
    """
    refs, hyps = list(refs), list(hyps)
    if len(refs) != len(hyps):
        raise ValueError(f"refs and hyps must hold the same number of sequences; got {len(refs)} "
                         f"and {len(hyps)}")
    total = sum(len(_sequence(r, "refs")) for r in refs)
    if total == 0:
        raise ValueError("refs must hold at least one label (the rate divides by their total "
                         "length); got only empty sequences")
    return sum(edit_distance(r, h) for r, h in zip(refs, hyps)) / total


def _sequence(x, name: str) -> list:
    x = _to_numpy(x)
    if isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise ValueError(f"{name} must be a 1-D sequence; got an array of shape {x.shape}")
        return x.tolist()
    try:
        return list(x)
    except TypeError:
        raise ValueError(f"{name} must be a sequence (list, string, 1-D array); "
                         f"got {type(x).__name__}") from None
