"""lossfns.losses.metric: contrastive, triplet and margin ranking losses (several prediction
inputs): conventions, edge cases, bad input (torch parity: tests/test_losses.py)."""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from lossfns import core as _core
from lossfns.losses.metric import contrastive_loss, margin_ranking_loss, triplet_loss

from conftest import TOL, assert_close, t64

#: torch.nn.functional.triplet_margin_loss's default eps, added inside each distance.
TORCH_EPS = 1e-6


def torch_reduce(items, reduction):
    return {"mean": items.mean(), "sum": items.sum(), "none": items}[reduction]


def assert_grads_close(got, expected, tol=TOL):
    assert isinstance(got, tuple) and len(got) == len(expected)
    for g, e in zip(got, expected):
        assert_close(g, e, tol)


@pytest.mark.parametrize("L, task, ref", [
    (contrastive_loss, "metric learning", "Hadsell"),
    (triplet_loss, "metric learning", "Schroff"),
    (margin_ranking_loss, "ranking", "Burges"),
])
def test_metadata(L, task, ref):
    assert L.task == task and L.task in _core.TASKS_ORDER
    assert re.search(r"[\u4e00-\u9fff]", L.zh) and L.zh_hant
    assert "|" not in L.formula and "$" not in L.formula
    assert L.torch is None or L.torch.startswith("F.")
    assert any(ref in r for r in L.references)
    for part in ("Domain", "Formula", "Gradient", "Equals", "References"):
        assert part in L.__doc__
    assert _core._REGISTRY[L.name] is L


# --------------------------------------------------------------------------------------------
# Contrastive loss
# --------------------------------------------------------------------------------------------
def torch_contrastive(y, x1, x2, margin, reduction):
    """Hadsell et al.'s loss without the ½, written out in torch, with autograd."""
    a, b = t64(x1, True), t64(x2, True)
    d = torch.linalg.vector_norm(a - b, dim=-1)
    yt = t64(y)
    out = torch_reduce(yt * d**2 + (1 - yt) * torch.clamp(margin - d, min=0) ** 2, reduction)
    out.sum().backward()
    return out.detach().numpy(), (a.grad.numpy(), b.grad.numpy())


def pairs(rng, n=6, dim=3):
    x1 = rng.normal(size=(n, dim))
    x2 = x1 + rng.normal(scale=0.6, size=(n, dim))
    y = rng.integers(0, 2, size=n).astype(float)
    return y, x1, x2


def test_contrastive_is_hadsell_without_the_half():
    x1, x2 = np.array([[0.0, 0.0], [0.0, 0.0]]), np.array([[0.3, 0.4], [0.3, 0.4]])  # d = 0.5
    value = contrastive_loss([1, 0], x1, x2, margin=2.0, reduction="none")
    hadsell = [0.5 * 0.5**2, 0.5 * (2.0 - 0.5) ** 2]  # ½ y d² + ½ (1 − y) max(0, m − d)²
    assert_close(value, 2 * np.array(hadsell), 1e-15)
    # a dissimilar pair beyond the margin costs nothing and gets no gradient
    v, (g1, g2) = contrastive_loss.value_and_grad([0], x1[:1], x2[:1] * 10, margin=2.0,
                                                   reduction="none")
    assert v[0] == 0 and not g1.any() and not g2.any()


def test_contrastive_identical_embeddings_have_finite_zero_gradients():
    x = np.array([[1.0, -2.0, 0.5], [1.0, -2.0, 0.5]])
    value, (g1, g2) = contrastive_loss.value_and_grad([1, 0], x, x.copy(), margin=1.5,
                                                      reduction="none")
    assert_close(value, [0.0, 1.5**2], 0)  # similar: d² = 0; dissimilar: m²
    assert np.isfinite(g1).all() and np.isfinite(g2).all()
    assert not g1.any() and not g2.any()  # subgradient 0 at d = 0 (torch's norm agrees)
    _, ref = torch_contrastive([1, 0], x, x.copy(), 1.5, "none")
    assert_grads_close((g1, g2), ref, 0)
    # what goes wrong without that care: d = sqrt(Σ diff²) has slope 1/(2·0) → nan
    a = t64(x, True)
    torch.sqrt(((a - t64(x)) ** 2).sum(-1)).sum().backward()
    assert torch.isnan(a.grad).all()


def test_contrastive_single_pair():
    value, (g1, g2) = contrastive_loss.value_and_grad(1, [0.0, 3.0], [4.0, 0.0], reduction="none")
    assert np.shape(value) == () and value == 25.0
    assert_close(g1, [-8.0, 6.0], 0) and assert_close(g2, [8.0, -6.0], 0)


# --------------------------------------------------------------------------------------------
# Triplet loss
# --------------------------------------------------------------------------------------------
def triplets(rng, n=8, dim=4):
    a = rng.normal(size=(n, dim))
    return a, a + rng.normal(scale=0.8, size=(n, dim)), a + rng.normal(scale=1.0, size=(n, dim))


def torch_triplet(a, p, n, margin, reduction, eps=None):
    """F.triplet_margin_loss (eps given) or the plain formula with torch.linalg.norm (eps None)."""
    ts = [t64(x, True) for x in (a, p, n)]
    if eps is None:
        d_ap = torch.linalg.vector_norm(ts[0] - ts[1], dim=-1)
        d_an = torch.linalg.vector_norm(ts[0] - ts[2], dim=-1)
        out = torch_reduce(torch.clamp(d_ap - d_an + margin, min=0), reduction)
    else:
        out = F.triplet_margin_loss(*ts, margin=margin, eps=eps, reduction=reduction)
    out.sum().backward()
    return out.detach().numpy(), tuple(t.grad.numpy() for t in ts)


@pytest.mark.parametrize("margin", (0.1, 1.0, 3.0))
def test_triplet_equals_own_reference_exactly_and_torch_with_eps_0(margin, reduction, rng):
    a, p, n = triplets(rng)
    value, grads = triplet_loss.value_and_grad(a, p, n, margin=margin, reduction=reduction)
    for eps in (None, 0.0):
        ref_value, ref_grads = torch_triplet(a, p, n, margin, reduction, eps=eps)
        assert_close(value, ref_value)
        assert_grads_close(grads, ref_grads)


@pytest.mark.parametrize("margin", (0.1, 1.0, 3.0))
def test_triplet_within_torch_default_eps(margin, reduction, rng):
    """torch computes ‖a − p + eps·1‖: each distance moves by at most eps·√D (triangle
    inequality), so the loss — 1-Lipschitz in both distances — by at most 2·eps·√D."""
    a, p, n = triplets(rng, dim=16)
    bound = 2 * TORCH_EPS * np.sqrt(a.shape[1])
    value = triplet_loss(a, p, n, margin=margin, reduction=reduction)
    ref = F.triplet_margin_loss(t64(a), t64(p), t64(n), margin=margin, reduction=reduction).numpy()
    np.testing.assert_allclose(value, ref, rtol=0, atol=bound)
    # and the eps is visible: the two are not bitwise equal
    assert np.max(np.abs(value - ref)) > 0


def test_triplet_coinciding_embeddings_have_finite_gradients():
    x = np.array([[0.5, -1.0, 2.0]])
    far = x + np.array([[3.0, 4.0, 0.0]])  # at distance 5
    # anchor = positive: d(a, p) = 0, its unit vector is taken as 0
    value, (ga, gp, gn) = triplet_loss.value_and_grad(x, x.copy(), x + 0.1, margin=1.0,
                                                      reduction="none")
    d_an = np.sqrt(3) * 0.1
    assert_close(value, [1.0 - d_an], 1e-15)
    assert_close(gp, np.zeros((1, 3)), 0)
    assert_close(gn, np.full((1, 3), -1 / np.sqrt(3)), 1e-15)  # (a − n)/d(a, n)
    assert_close(ga, -gn, 1e-15)
    # all three equal: loss = margin, every gradient 0 (and finite)
    value, grads = triplet_loss.value_and_grad(x, x, x, margin=0.7, reduction="none")
    assert_close(value, [0.7], 0)
    assert all(np.isfinite(g).all() and not g.any() for g in grads)
    # torch's default eps also stays finite here (it never divides by 0); with eps = 0 it is nan
    _, torch_grads = torch_triplet(x, x, x, 0.7, "sum", eps=TORCH_EPS)
    assert all(np.isfinite(g).all() for g in torch_grads)
    # an inactive triplet with coinciding anchor and positive: zero loss and gradient
    value, grads = triplet_loss.value_and_grad(x, x, far, reduction="none")
    assert value[0] == 0 and not any(g.any() for g in grads)


def test_triplet_single_triplet():
    value, grads = triplet_loss.value_and_grad([0.0, 0.0], [3.0, 4.0], [0.0, 1.0], margin=1.0,
                                               reduction="none")
    assert np.shape(value) == () and value == 5.0  # 5 − 1 + 1
    assert_close(grads[1], [0.6, 0.8], 1e-15)  # moving p away from a raises the loss
    assert_close(grads[2], [0.0, -1.0], 1e-15)
    assert_close(grads[0], [-0.6, 0.2], 1e-15)


# --------------------------------------------------------------------------------------------
# Margin ranking loss
# --------------------------------------------------------------------------------------------
def test_ranking_kink_and_properties():
    # at the kink the loss is 0 and we take gradient 0
    value, (g1, g2) = margin_ranking_loss.value_and_grad([1.0], [1.0], [1.0], reduction="none")
    assert value[0] == 0 and g1[0] == 0 and g2[0] == 0
    # swapping the two items and the label changes nothing
    y, a, b = np.array([1.0, -1.0, 1.0]), np.array([0.2, 1.5, -1.0]), np.array([0.7, 0.1, 2.0])
    assert_close(margin_ranking_loss(y, a, b, margin=0.3, reduction="none"),
                 margin_ranking_loss(-y, b, a, margin=0.3, reduction="none"), 0)


# --------------------------------------------------------------------------------------------
# Properties shared by the three
# --------------------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.01, 5.0))
def test_nonnegative_and_sum_is_n_times_mean(seed, margin):
    rng = np.random.default_rng(seed)
    y, x1, x2 = pairs(rng, n=4)
    a, p, n = triplets(rng, n=4)
    yr = rng.choice([-1.0, 1.0], size=4)
    for L, args in ((contrastive_loss, (y, x1, x2)), (triplet_loss, (a, p, n)),
                    (margin_ranking_loss, (yr, x1[:, 0], x2[:, 0]))):
        items = L(*args, margin=margin, reduction="none")
        assert (items >= 0).all()
        assert_close(L(*args, margin=margin, reduction="sum"), 4 * L(*args, margin=margin), 1e-12)
    # contrastive is symmetric in its two embeddings
    assert_close(contrastive_loss(y, x1, x2, margin=margin),
                 contrastive_loss(y, x2, x1, margin=margin),
                 1e-15)


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------
X = np.array([[0.0, 1.0], [1.0, 0.0]])
Z = np.array([[1.0, 1.0], [0.0, 0.0]])


@pytest.mark.parametrize("args, kwargs, pattern", [
    (([1, 2], X, Z), {},
     r"^y_true must hold labels in \{0, 1\}; got 2 at position 1 \(1 = similar"),
    (([1, -1], X, Z), {}, r"^y_true must hold labels in \{0, 1\}; got -1"),
    (([1, 0, 1], X, Z), {},
     r"^y_true must hold one label per pair, shape \(2,\); got shape \(3,\)"),
    (([1, 0], X, Z[:1]), {}, r"^x1 and x2 must have the same shape"),
    (([1, 0], X[None], Z[None]), {}, r"^x1 must be embeddings of shape \(N, D\) or \(D,\)"),
    (([1, 0], X, Z * np.nan), {}, r"^x2 must be finite"),
    (([1, 0], X, Z), {"margin": -1.0}, r"^margin must be > 0; got -1"),
    (([1, 0], X, Z), {"margin": 0.0}, r"^margin must be > 0; got 0"),
    (([1, 0], X, Z), {"reduction": "avg"}, r"^reduction must be one of"),
])
def test_contrastive_bad_input(args, kwargs, pattern):
    for call in (contrastive_loss, contrastive_loss.grad):
        with pytest.raises(ValueError, match=pattern):
            call(*args, **kwargs)


@pytest.mark.parametrize("args, kwargs, pattern", [
    ((X, Z, Z[:1]), {}, r"^anchor and negative must have the same shape"),
    ((X, Z[:, :1], Z), {}, r"^anchor and positive must have the same shape"),
    ((X[None], Z[None], Z[None]), {}, r"^anchor must be embeddings of shape"),
    ((X, Z, [[np.inf, 0], [0, 0]]), {}, r"^negative must be finite"),
    ((X, Z, Z), {"margin": -0.5}, r"^margin must be > 0; got -0\.5"),
    ((X, Z, Z), {"margin": 0}, r"^margin must be > 0; got 0"),
    ((X, Z, Z), {"margin": "one"}, r"^margin must be a number; got 'one'"),
])
def test_triplet_bad_input(args, kwargs, pattern):
    for call in (triplet_loss, triplet_loss.grad):
        with pytest.raises(ValueError, match=pattern):
            call(*args, **kwargs)


@pytest.mark.parametrize("args, kwargs, pattern", [
    (([1, 0], [0.5, 0.1], [0.2, 0.3]), {},
     r"^y_true must hold labels in \{-1, 1\}; got 0 at position 1; ranking labels are \+1"),
    (([1, -1], [0.5, 0.1], [0.2, 0.3, 0.4]), {}, r"^x1 and x2 must have the same shape"),
    (([1, -1, 1], [0.5, 0.1], [0.2, 0.3]), {}, r"^y_true and x1 must have the same shape"),
    (([1, -1], [0.5, np.nan], [0.2, 0.3]), {}, r"^x1 must be finite"),
    (([1, -1], [0.5, 0.1], [0.2, 0.3]), {"margin": -0.1}, r"^margin must be >= 0; got -0\.1"),
    (([1, -1], [0.5, 0.1], [0.2, 0.3]), {"reduction": "avg"}, r"^reduction must be one of"),
])
def test_ranking_bad_input(args, kwargs, pattern):
    for call in (margin_ranking_loss, margin_ranking_loss.grad):
        with pytest.raises(ValueError, match=pattern):
            call(*args, **kwargs)
