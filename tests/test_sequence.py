"""Tests for lossfns/sequence.py: CTC loss (value, gradient, conventions) and its helpers."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from lossfns.core import catalog
from lossfns.losses.sequence import (
    ctc_alignment_lattice,
    ctc_greedy_decode,
    ctc_loss,
    edit_distance,
    label_error_rate,
)

TOL = 1e-7


def make_case(seed, T, N, C, S, blank=0, min_input=None, ragged=True, scale=2.0):
    """Random log_probs (T, N, C) and padded targets avoiding the blank, with ragged lengths."""
    rng = np.random.default_rng(seed)
    lp = F.log_softmax(torch.tensor(scale * rng.normal(size=(T, N, C))), dim=-1).numpy()
    labels = np.array([k for k in range(C) if k != blank])
    targets = rng.choice(labels, size=(N, S))
    if ragged:
        low = T if min_input is None else min_input
        input_lengths = rng.integers(low, T + 1, size=N)
        target_lengths = rng.integers(0, S + 1, size=N)
    else:
        input_lengths = np.full(N, T)
        target_lengths = np.full(N, S)
    return targets, lp, input_lengths, target_lengths


def torch_ctc(targets, lp, il, tl, blank=0, reduction="none"):
    return F.ctc_loss(torch.tensor(lp), torch.tensor(targets), torch.tensor(il), torch.tensor(tl),
                      blank=blank, reduction=reduction).numpy()


def valid_mask(T, il):
    """(T, N, 1): 1 on the real frames of each sequence."""
    return (np.arange(T)[:, None] < np.asarray(il)[None, :])[:, :, None].astype(float)


CASES = [  # (seed, T, N, C, S, blank, min_input)
    (0, 12, 4, 5, 3, 0, 8),
    (1, 30, 6, 8, 6, 0, 15),
    (2, 20, 5, 6, 4, 5, 10),    # blank is the last class
    (3, 15, 3, 7, 5, 3, 9),     # blank in the middle
    (4, 1, 3, 4, 1, 0, 1),      # one frame
    (5, 50, 8, 12, 6, 0, 20),   # the lesson's size
]


# --------------------------------------------------------------------------------------------
# Values: parity with torch and with brute-force path enumeration
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_repeated_labels_and_defaults_match_torch(reduction):
    # Equal neighbours need a blank between them: "1 1 1" needs 5 frames, "2 1 2" only 3.
    rng = np.random.default_rng(7)
    T, C = 6, 4
    lp = F.log_softmax(torch.tensor(rng.normal(size=(T, 4, C))), dim=-1).numpy()
    targets = np.array([[1, 1, 1], [2, 1, 2], [3, 3, 2], [1, 2, 2]])
    ours = ctc_loss(targets, lp, reduction=reduction)  # default lengths: T and S
    ref = torch_ctc(targets, lp, np.full(4, T), np.full(4, 3), reduction=reduction)
    np.testing.assert_allclose(ours, ref, rtol=0, atol=TOL)


def test_target_length_zero_matches_torch():
    # An empty target: every frame must be blank; "mean" divides its loss by 1, not by 0.
    targets, lp, _, _ = make_case(11, 7, 3, 5, 2)
    il, tl = np.array([7, 4, 7]), np.array([0, 0, 2])
    for reduction in ("none", "mean"):
        np.testing.assert_allclose(ctc_loss(targets, lp, il, tl, reduction=reduction),
                                   torch_ctc(targets, lp, il, tl, reduction=reduction),
                                   rtol=0, atol=TOL)
    np.testing.assert_allclose(ctc_loss(targets, lp, il, tl, reduction="none")[0],
                               -lp[:, 0, 0].sum(), rtol=1e-12)


def collapse(path, blank):
    out, prev = [], None
    for k in path:
        if k != prev and k != blank:
            out.append(k)
        prev = k
    return out


@pytest.mark.parametrize("target,blank", [([1, 2], 0), ([1, 1], 0), ([2], 1), ([], 0),
                                          ([0, 2, 0], 1)])
def test_value_equals_brute_force_sum_over_paths(target, blank):
    # p(l | x) = Σ over all C^T frame paths π with B(π) = l of Π_t y^t_{π_t}: 3^6 = 729 paths.
    T, C = 6, 3
    rng = np.random.default_rng(3)
    lp = F.log_softmax(torch.tensor(rng.normal(size=(T, C))), dim=-1).numpy()
    p = sum(np.exp(sum(lp[t, k] for t, k in enumerate(path)))
            for path in itertools.product(range(C), repeat=T) if collapse(path, blank) == target)
    value = ctc_loss([target], lp[:, None, :], blank=blank, reduction="none")
    np.testing.assert_allclose(value[0], -np.log(p), rtol=1e-12)


def test_lattice_gives_the_log_likelihood():
    targets, lp, il, tl = make_case(5, 9, 3, 5, 3, ragged=False)
    values = ctc_loss(targets, lp, reduction="none")
    for i in range(3):
        alpha = ctc_alignment_lattice(targets[i], lp[:, i], blank=0)
        assert alpha.shape == (9, 7)
        assert np.logaddexp(alpha[-1, -1], alpha[-1, -2]) == pytest.approx(-values[i], abs=1e-12)
        # at t = 0 only the leading blank and the first label are reachable
        np.testing.assert_allclose(alpha[0, :2], lp[0, i, [0, targets[i, 0]]])
        assert np.all(np.isneginf(alpha[0, 2:]))


def test_lattice_blank_not_zero_and_t_too_short():
    rng = np.random.default_rng(9)
    lp = F.log_softmax(torch.tensor(rng.normal(size=(2, 4))), dim=-1).numpy()
    alpha = ctc_alignment_lattice([0, 0], lp, blank=3)  # "0 0" needs 3 frames: impossible
    assert alpha.shape == (2, 5)
    assert np.logaddexp(alpha[-1, -1], alpha[-1, -2]) == -np.inf


def test_perfect_prediction_gives_near_zero_loss():
    # The frames spell "– 1 1 – 1 2 2" with certainty: the only path left collapses to 1 1 2.
    T, C = 7, 3
    path = [0, 1, 1, 0, 1, 2, 2]
    lp = np.full((T, 1, C), -60.0)
    lp[np.arange(T), 0, path] = 0.0
    lp = F.log_softmax(torch.tensor(lp), dim=-1).numpy()  # rows sum to 1: p(l | x) ≤ 1
    value = ctc_loss(np.array([[1, 1, 2]]), lp, reduction="none")[0]
    assert abs(value) < 1e-20  # the other paths each carry a factor e^-60
    assert ctc_greedy_decode(lp) == [[1, 1, 2]]


# --------------------------------------------------------------------------------------------
# Gradient: our convention (free log_probs) and torch's (through log_softmax)
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_grad_matches_central_finite_differences(reduction):
    # Every entry of log_probs perturbed on its own: no renormalisation, a genuinely free input.
    targets, lp, il, tl = make_case(21, 6, 3, 4, 3, min_input=4)
    tl = np.array([3, 1, 2])
    targets[0] = [2, 2, 1]
    g = ctc_loss.grad(targets, lp, il, tl, reduction=reduction)
    h = 1e-6
    fd = np.zeros_like(lp)
    for idx in np.ndindex(lp.shape):
        up, down = lp.copy(), lp.copy()
        up[idx] += h
        down[idx] -= h
        fd[idx] = (ctc_loss(targets, up, il, tl, reduction=reduction)
                   - ctc_loss(targets, down, il, tl, reduction=reduction)) / (2 * h)
    np.testing.assert_allclose(g, fd, rtol=0, atol=1e-7)
    assert np.abs(g).max() > 0.05  # the comparison above is not between zeros


class _CTC(torch.autograd.Function):
    """Our ctc_loss as a torch op whose backward is ctc_loss.grad (for torch's gradcheck)."""

    @staticmethod
    def forward(ctx, lp, targets, il, tl, reduction):
        value, grad = ctc_loss.value_and_grad(targets, lp.detach().numpy(), il, tl,
                                              reduction=reduction)
        ctx.save_for_backward(torch.tensor(grad))
        return torch.tensor(value, dtype=torch.float64)

    @staticmethod
    def backward(ctx, grad_out):
        (grad,) = ctx.saved_tensors
        return grad_out * grad, None, None, None, None


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_grad_passes_torch_gradcheck(reduction):
    targets, lp, il, tl = make_case(24, 7, 3, 5, 3, min_input=5)
    x = torch.tensor(lp, requires_grad=True)
    assert torch.autograd.gradcheck(lambda p: _CTC.apply(p, targets, il, tl, reduction), (x,),
                                    eps=1e-6, atol=1e-6, rtol=1e-5)


def test_grad_none_is_gradient_of_each_item_and_gamma_is_a_posterior():
    targets, lp, il, tl = make_case(22, 10, 4, 5, 4, min_input=6)
    g = ctc_loss.grad(targets, lp, il, tl, reduction="none")
    np.testing.assert_allclose(g, ctc_loss.grad(targets, lp, il, tl, reduction="sum"))
    # −g = γ: at each real frame, the posterior over the C symbols sums to 1; 0 after the end.
    np.testing.assert_allclose(-g.sum(axis=2), valid_mask(10, il)[:, :, 0], atol=1e-12)
    assert np.all(g <= 1e-15)


def test_mean_grad_weights_each_sequence_by_one_over_n_times_target_length():
    targets, lp, il, tl = make_case(23, 10, 4, 5, 4, min_input=6)
    tl = np.array([4, 0, 2, 3])
    g_sum = ctc_loss.grad(targets, lp, il, tl, reduction="sum")
    g_mean = ctc_loss.grad(targets, lp, il, tl, reduction="mean")
    np.testing.assert_allclose(g_mean, g_sum / (4 * np.maximum(tl, 1))[None, :, None])


@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("case", CASES[:4])
def test_torch_gradient_convention(case, reduction):
    """torch's ctc_loss backward returns exp(lp) − γ (through log_softmax), ours is −γ.

    (a) torch's gradient w.r.t. log_probs = log_softmax(z) (retain_grad) equals
        exp(lp) + our grad on the real frames and 0 after them (per unit upstream gradient,
        scaled by 1/(N·S_i) for "mean");
    (b) torch's gradient w.r.t. z equals our grad chained through log_softmax's Jacobian,
        g − softmax(z)·Σ_k g_k.
    """
    seed, T, N, C, S, blank, min_input = case
    targets, _, il, tl = make_case(seed, T, N, C, S, blank, min_input)
    z = torch.tensor(np.random.default_rng(seed + 100).normal(size=(T, N, C)), requires_grad=True)
    lp_t = F.log_softmax(z, dim=-1)
    lp_t.retain_grad()
    F.ctc_loss(lp_t, torch.tensor(targets), torch.tensor(il), torch.tensor(tl), blank=blank,
               reduction=reduction).backward()
    lp = lp_t.detach().numpy()
    g = ctc_loss.grad(targets, lp, il, tl, blank=blank, reduction=reduction)
    weight = 1.0 if reduction == "sum" else 1.0 / (N * np.maximum(tl, 1))[None, :, None]
    mask = valid_mask(T, il)
    np.testing.assert_allclose(lp_t.grad.numpy(), np.exp(lp) * mask * weight + g,
                               rtol=0, atol=1e-10)
    chained = g - np.exp(lp) * g.sum(axis=2, keepdims=True)
    np.testing.assert_allclose(z.grad.numpy(), chained, rtol=0, atol=1e-10)
    # the two conventions really differ (on the real frames, by exp(lp))
    assert np.abs(lp_t.grad.numpy() - g).max() > 1e-3


def test_torch_leaf_log_probs_gradient_is_the_same_exp_minus_gamma():
    # Calling torch on a leaf log_probs (no log_softmax in the graph) still gives exp(lp) − γ:
    # the formula is built into torch's ctc_loss backward, not into autograd.
    targets, lp, il, tl = make_case(31, 8, 3, 5, 3, min_input=5)
    leaf = torch.tensor(lp, requires_grad=True)
    F.ctc_loss(leaf, torch.tensor(targets), torch.tensor(il), torch.tensor(tl),
               reduction="sum").backward()
    g = ctc_loss.grad(targets, lp, il, tl, reduction="sum")
    np.testing.assert_allclose(leaf.grad.numpy(), np.exp(lp) * valid_mask(8, il) + g,
                               rtol=0, atol=1e-10)


# --------------------------------------------------------------------------------------------
# Impossible alignments, zero-length inputs, torch tensors as input
# --------------------------------------------------------------------------------------------
def test_impossible_alignment_is_inf_with_zero_gradient():
    rng = np.random.default_rng(41)
    T, C = 4, 4
    lp = F.log_softmax(torch.tensor(rng.normal(size=(T, 3, C))), dim=-1).numpy()
    # "1 1 2" needs 4 frames (blank between the 1s): fine at T = 4, impossible with 3 frames;
    # "1 2 3 1 2" needs 5 frames.
    targets = np.array([[1, 1, 2, 0, 0], [1, 1, 2, 0, 0], [1, 2, 3, 1, 2]])
    il, tl = np.array([4, 3, 4]), np.array([3, 3, 5])
    values = ctc_loss(targets, lp, il, tl, reduction="none")
    ref = torch_ctc(targets, lp, il, tl)
    assert np.isfinite(values[0]) and values[0] == pytest.approx(ref[0], abs=TOL)
    assert values[1] == np.inf and values[2] == np.inf
    assert ref[1] == np.inf and ref[2] == np.inf
    assert ctc_loss(targets, lp, il, tl, reduction="mean") == np.inf
    g = ctc_loss.grad(targets, lp, il, tl, reduction="sum")
    assert np.all(g[:, 1:] == 0.0)
    np.testing.assert_allclose(-g[:, 0].sum(axis=1), 1.0)  # the possible one is unaffected


def test_input_length_zero_matches_torch():
    targets, lp, _, _ = make_case(42, 5, 2, 4, 2)
    il, tl = np.array([0, 0]), np.array([0, 2])
    values = ctc_loss(targets, lp, il, tl, reduction="none")
    np.testing.assert_array_equal(values, [0.0, np.inf])
    np.testing.assert_array_equal(torch_ctc(targets, lp, il, tl), [0.0, np.inf])
    assert np.all(ctc_loss.grad(targets, lp, il, tl) == 0.0)


def test_accepts_torch_tensors_even_with_requires_grad():
    targets, lp, il, tl = make_case(43, 8, 3, 5, 3, min_input=5)
    lp_t = torch.tensor(lp, requires_grad=True)
    value = ctc_loss(torch.tensor(targets), lp_t, torch.tensor(il), torch.tensor(tl))
    assert value == pytest.approx(ctc_loss(targets, lp, il, tl), abs=1e-15)


def test_extreme_log_probs_stay_finite():
    # Very confident, very wrong frames (log-probabilities of −1e4) must not under/overflow.
    T, C = 6, 4
    lp = np.full((T, 1, C), -1e4)
    lp[:, 0, 3] = 0.0  # the model always says 3; the target is "1 2"
    value, g = ctc_loss.value_and_grad(np.array([[1, 2]]), lp, reduction="sum")
    assert np.isfinite(value) and value > 1e4
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(-g.sum(axis=2), 1.0)


# --------------------------------------------------------------------------------------------
# Bad input: ValueError naming the argument
# --------------------------------------------------------------------------------------------
def _good():
    targets, lp, il, tl = make_case(50, 6, 2, 4, 3, ragged=False)
    return dict(targets=targets, log_probs=lp, input_lengths=il, target_lengths=tl, blank=0)


def _with(**changes):
    kw = _good()
    for k, f in changes.items():
        kw[k] = f(kw[k]) if callable(f) else f
    return kw


def _set(arr, idx, value):
    arr = np.array(arr, copy=True)
    arr[idx] = value
    return arr


BAD = [
    ("log_probs", dict(log_probs=lambda lp: lp[:, 0])),                     # 2-D
    ("log_probs", dict(log_probs=lambda lp: lp[..., None])),                # 4-D
    ("log_probs", dict(log_probs=lambda lp: _set(lp, (1, 0, 2), 0.5))),     # > 0
    ("log_probs", dict(log_probs=lambda lp: _set(lp, (1, 0, 2), np.nan))),
    ("log_probs", dict(log_probs=lambda lp: _set(lp, (1, 0, 2), -np.inf))),
    ("log_probs", dict(log_probs=np.zeros((0, 2, 4)))),                     # empty
    ("targets", dict(targets=lambda t: t[:1])),                            # N mismatch
    ("targets", dict(targets=lambda t: t[0])),                             # 1-D
    ("targets", dict(targets=lambda t: t.astype(float))),                  # not integers
    ("targets", dict(targets=lambda t: _set(t, (1, 2), 0))),               # the blank
    ("targets", dict(targets=lambda t: _set(t, (0, 1), 4))),               # label = C
    ("targets", dict(targets=lambda t: _set(t, (0, 1), -1))),              # negative label
    ("input_lengths", dict(input_lengths=np.array([7, 6]))),               # > T
    ("input_lengths", dict(input_lengths=np.array([-1, 6]))),
    ("input_lengths", dict(input_lengths=np.array([6, 6, 6]))),            # shape
    ("input_lengths", dict(input_lengths=np.array([6.0, 6.0]))),           # not integers
    ("target_lengths", dict(target_lengths=np.array([4, 3]))),             # > S
    ("target_lengths", dict(target_lengths=np.array([3, -1]))),
    ("target_lengths", dict(target_lengths=np.array([3]))),
    ("blank", dict(blank=4)),                                               # = C
    ("blank", dict(blank=-1)),
    ("blank", dict(blank=1.5)),
    ("blank", dict(blank=True)),
]


@pytest.mark.parametrize("name,changes", BAD, ids=[f"{n}-{i}" for i, (n, _) in enumerate(BAD)])
def test_bad_input_raises_naming_the_argument(name, changes):
    kw = _with(**changes)
    with pytest.raises(ValueError, match=name):
        ctc_loss(**kw)


def test_blank_elsewhere_moves_the_forbidden_label():
    # With blank = 3, label 0 is an ordinary label and 3 is forbidden in the targets.
    kw = _with(blank=3, targets=lambda t: _set(t, (0, 0), 0))
    assert np.isfinite(ctc_loss(**kw))
    with pytest.raises(ValueError, match="targets must not contain the blank index 3"):
        ctc_loss(**_with(blank=3, targets=lambda t: _set(t, (0, 0), 3)))


def test_padding_beyond_target_lengths_is_not_checked():
    # Padding may hold anything (the blank, −1): only the first target_lengths[i] labels count.
    kw = _with(targets=lambda t: _set(_set(t, (0, 2), -1), (1, 1), 0),
               target_lengths=np.array([2, 1]))
    assert np.isfinite(ctc_loss(**kw))


def test_bad_reduction_raises():
    with pytest.raises(ValueError, match="reduction"):
        ctc_loss(**_good(), reduction="average")


def test_helpers_reject_bad_input():
    lp = _good()["log_probs"][:, 0]
    with pytest.raises(ValueError, match="log_probs_1seq"):
        ctc_alignment_lattice([1, 2], lp[None])
    with pytest.raises(ValueError, match="target"):
        ctc_alignment_lattice([1, 0], lp)
    with pytest.raises(ValueError, match="target"):
        ctc_alignment_lattice([[1, 2]], lp)
    with pytest.raises(ValueError, match="blank"):
        ctc_alignment_lattice([1, 2], lp, blank=7)
    with pytest.raises(ValueError, match="log_probs"):
        ctc_greedy_decode(np.zeros(5))
    with pytest.raises(ValueError, match="input_lengths"):
        ctc_greedy_decode(_good()["log_probs"], input_lengths=[7, 1])
    with pytest.raises(ValueError, match="refs and hyps"):
        label_error_rate([[1]], [[1], [2]])
    with pytest.raises(ValueError, match="refs"):
        label_error_rate([[]], [[1]])
    with pytest.raises(ValueError, match="a must be a 1-D"):
        edit_distance(np.zeros((2, 2)), [1])


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), T=st.integers(1, 12), N=st.integers(1, 4),
       C=st.integers(2, 6), S=st.integers(0, 4))
def test_properties_of_the_value(seed, T, N, C, S):
    blank = seed % C
    targets, lp, il, tl = make_case(seed, T, N, C, S, blank, min_input=0)
    none = ctc_loss(targets, lp, il, tl, blank=blank, reduction="none")
    assert none.shape == (N,)
    assert np.all(none >= -1e-12)  # p(l | x) ≤ 1 for normalised log_probs
    total = ctc_loss(targets, lp, il, tl, blank=blank, reduction="sum")
    mean = ctc_loss(targets, lp, il, tl, blank=blank, reduction="mean")
    assert total == pytest.approx(none.sum(), rel=1e-12)
    assert mean == pytest.approx((none / np.maximum(tl, 1)).mean(), rel=1e-12)
    ref = torch_ctc(targets, lp, il, tl, blank=blank)
    np.testing.assert_allclose(none, ref, rtol=0, atol=TOL)


@settings(max_examples=40, deadline=None)
@given(labels=st.lists(st.integers(1, 4), max_size=6), data=st.data())
def test_greedy_decode_inverts_any_path_that_spells_the_labels(labels, data):
    # Build a frame path for `labels`: each label repeated 1–3 times, blanks (0–2 frames)
    # around and between, and compulsory between equal neighbours.
    path = [0] * data.draw(st.integers(0, 2))
    for i, k in enumerate(labels):
        gap = data.draw(st.integers(1 if i and labels[i - 1] == k else 0, 2))
        path += [0] * gap + [k] * data.draw(st.integers(1, 3))
    path += [0] * data.draw(st.integers(0, 2))
    if not path:
        path = [0]
    lp = np.full((len(path), 5), -5.0)
    lp[np.arange(len(path)), path] = -0.1
    assert ctc_greedy_decode(lp) == labels
    assert ctc_greedy_decode(lp[:, None, :]) == [labels]


@settings(max_examples=60, deadline=None)
@given(a=st.lists(st.integers(0, 3), max_size=7), b=st.lists(st.integers(0, 3), max_size=7),
       c=st.lists(st.integers(0, 3), max_size=7))
def test_edit_distance_is_a_metric(a, b, c):
    d = edit_distance(a, b)
    assert d == edit_distance(b, a)
    assert (d == 0) == (a == b)
    assert abs(len(a) - len(b)) <= d <= max(len(a), len(b))
    assert edit_distance(a, c) <= d + edit_distance(b, c)


# --------------------------------------------------------------------------------------------
# Helpers by example
# --------------------------------------------------------------------------------------------
def test_greedy_decode_examples():
    # frames: a a – a b b –  → "a a b" (the blank separates the two a's); blank = 0
    path = [1, 1, 0, 1, 2, 2, 0]
    lp = np.log(np.full((7, 3), 0.1))
    lp[np.arange(7), path] = np.log(0.8)
    assert ctc_greedy_decode(lp) == [1, 1, 2]
    assert ctc_greedy_decode(lp, blank=2) == [1, 0, 1, 0]  # same frames, 2 is the blank now
    batch = np.stack([lp, lp[::-1]], axis=1)  # (T, 2, C)
    assert ctc_greedy_decode(batch, input_lengths=[3, 7]) == [[1], [2, 1, 1]]


def test_edit_distance_examples():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance([], [1, 2, 3]) == 3
    assert edit_distance([1, 2, 3], []) == 3
    assert edit_distance([1, 2, 3], [1, 3]) == 1
    assert edit_distance(np.array([1, 2]), torch.tensor([2, 1])) == 2
    assert edit_distance("flaw", "lawn") == 2


def test_label_error_rate_examples():
    refs = [[1, 2, 3, 4], [5, 6]]
    hyps = [[1, 3, 4], [5, 6, 7, 7]]
    assert label_error_rate(refs, hyps) == pytest.approx((1 + 2) / 6)
    assert label_error_rate(refs, refs) == 0.0
    assert label_error_rate([[1]], [[2, 3, 4]]) == 3.0  # insertions: can exceed 1
    assert label_error_rate(["the cat"], ["the hat"]) == pytest.approx(1 / 7)


# --------------------------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------------------------
def test_metadata():
    L = ctc_loss
    assert L.name == "ctc_loss"
    assert L.title == "Connectionist temporal classification (CTC) loss"
    assert L.zh == "CTC 损失（连接时序分类）"
    assert L.zh_hant == "CTC 損失（連接時序分類）"
    assert L.task == "sequence"
    assert "|" not in L.formula and r"\mathcal{B}^{-1}(l)" in L.formula
    assert L.torch == ("F.ctc_loss(log_probs, targets, input_lengths, target_lengths, "
                       "blank=blank)")
    assert any("Graves" in r and "2006" in r for r in L.references)
    assert L.summary and L.summary_zh
    assert L in catalog("sequence")
    assert L.__doc__.startswith("Connectionist temporal classification")
