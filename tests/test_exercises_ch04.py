"""Chapter 4's exercise references equal PyTorch's losses, and the usual slips (a softmax without
the max shift, the true class's own hinge term left in, the Crammer–Singer max instead of the
Weston–Watkins sum) are caught by the checker."""
import numpy as np
import pytest

from lossfns.course.exercises import ch04, check

from conftest import torch

pytestmark = pytest.mark.filterwarnings("error")


def _hinge_by_loops(y, s):
    """The Weston–Watkins sum written out class by class, independently of lossfns."""
    out = np.zeros(len(y))
    for i, (yi, row) in enumerate(zip(y, s)):
        out[i] = sum(max(0.0, 1.0 - row[yi] + row[j]) for j in range(len(row)) if j != yi)
    return out


def test_weston_watkins_reference_is_the_sum_over_wrong_classes():
    for case in ch04._hinge_cases():
        y, s = case.args
        np.testing.assert_allclose(ch04.weston_watkins_hinge(y, s), _hinge_by_loops(y, s),
                                   rtol=1e-13, atol=1e-13)


def test_weston_watkins_known_values_from_the_lesson():
    y = np.array([0, 1, 2])
    s = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
    np.testing.assert_allclose(ch04.weston_watkins_hinge(y, s), [2.9, 0.0, 12.9], rtol=1e-12)


@pytest.mark.skipif(torch is None, reason="needs torch")
def test_references_equal_torch():
    import torch.nn.functional as F

    for case in ch04._hinge_cases():
        y, s = case.args
        n_classes = s.shape[1]
        t = F.multi_margin_loss(torch.tensor(s, dtype=torch.float64), torch.tensor(y),
                                reduction="none").numpy()
        np.testing.assert_allclose(ch04.weston_watkins_hinge(y, s), n_classes * t,
                                   rtol=1e-12, atol=1e-12)
    for case in ch04._multiclass_cases():
        y, z = case.args
        t = F.cross_entropy(torch.tensor(z, dtype=torch.float64), torch.tensor(y)).item()
        assert np.isclose(ch04.softmax_cross_entropy(y, z), t, rtol=1e-12)


def test_the_cases_include_the_edge_cases_the_hints_name():
    labels = " ".join(c.label for c in ch04._multiclass_cases())
    assert "±1e3" in labels and "log C" in labels
    labels = " ".join(c.label for c in ch04._hinge_cases())
    assert "exactly 1 above" in labels and "equal scores" in labels


def test_softmax_without_the_max_shift_is_caught():
    def naive(y_true, logits):
        z = np.asarray(logits, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
            return -np.mean(np.log(p[np.arange(len(z)), np.asarray(y_true)]))

    result = check("softmax_cross_entropy", naive)
    assert not result and "±1e3" in result.message


def test_a_stable_softmax_cross_entropy_passes():
    def mine(y_true, logits):
        z = np.asarray(logits, dtype=float)
        shifted = z - z.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -np.mean(log_p[np.arange(len(z)), np.asarray(y_true)])

    assert check("softmax_cross_entropy", mine)


def _margins(y_true, scores):
    s = np.asarray(scores, dtype=float)
    s_y = s[np.arange(len(s)), np.asarray(y_true)][:, None]
    return s, np.maximum(0.0, 1.0 - s_y + s)


def test_a_vectorised_weston_watkins_passes():
    def mine(y_true, scores):
        s, m = _margins(y_true, scores)
        m[np.arange(len(s)), np.asarray(y_true)] = 0.0
        return m.sum(axis=1)

    assert check("weston_watkins_hinge", mine)


def test_leaving_in_the_true_class_term_is_caught():
    def with_own_term(y_true, scores):
        return _margins(y_true, scores)[1].sum(axis=1)      # adds 1 to every sample

    assert not check("weston_watkins_hinge", with_own_term)


def test_crammer_singer_is_not_weston_watkins():
    def crammer_singer(y_true, scores):
        s, m = _margins(y_true, scores)
        m[np.arange(len(s)), np.asarray(y_true)] = 0.0
        return m.max(axis=1)

    result = check("weston_watkins_hinge", crammer_singer)
    assert not result and "both wrong classes" in result.message
