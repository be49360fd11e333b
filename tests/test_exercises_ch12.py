"""Chapter 12's exercise references equal scikit-learn's F1 and PyTorch's smooth L1 loss."""
import numpy as np
import pytest
from sklearn.metrics import f1_score

import lossfns
from lossfns.course.exercises import ch12, check, get

from conftest import TOL, assert_close, torch

pytestmark = pytest.mark.filterwarnings("error")


@pytest.mark.parametrize("k", range(len(ch12._f1_cases())))
def test_f1_equals_sklearn_and_dice_on_every_case(k):
    y_true, y_pred = ch12._f1_cases()[k].args
    ours = ch12.f1_from_labels(y_true, y_pred)
    assert isinstance(ours, float)
    assert_close(ours, f1_score(y_true, y_pred, zero_division=1.0))
    assert_close(ours, lossfns.dice_coefficient(y_true, y_pred))     # F1 = Dice of the labels


def test_f1_is_blind_to_true_negatives_unlike_accuracy():
    y_true, y_pred = np.array([1, 1, 0, 0]), np.array([1, 0, 1, 0])
    padded_true, padded_pred = np.r_[y_true, np.zeros(96)], np.r_[y_pred, np.zeros(96)]
    assert ch12.f1_from_labels(y_true, y_pred) == ch12.f1_from_labels(padded_true, padded_pred)
    assert np.mean(y_true == y_pred) == 0.5 and np.mean(padded_true == padded_pred) == 0.98


def test_f1_wrong_conventions_are_caught():
    sklearn_default = lambda t, p: float(f1_score(t, p, zero_division=0.0))  # noqa: E731
    assert not check("f1_from_labels", sklearn_default)       # the "no positives" case differs
    accuracy = lambda t, p: float(np.mean(np.asarray(t) == np.asarray(p)))  # noqa: E731
    assert not check("f1_from_labels", accuracy)


@pytest.mark.parametrize("k", range(len(ch12._smooth_l1_cases())))
def test_smooth_l1_equals_torch_on_every_case(k):
    y_true, y_pred, beta = ch12._smooth_l1_cases()[k].args
    expected = torch.nn.functional.smooth_l1_loss(
        torch.as_tensor(y_pred, dtype=torch.float64), torch.as_tensor(y_true, dtype=torch.float64),
        beta=beta).item()
    assert_close(ch12.smooth_l1_via_huber(y_true, y_pred, beta), expected, tol=TOL)


def test_smooth_l1_common_mistakes_are_caught():
    plain_huber = lambda t, p, beta: lossfns.huber(t, p, delta=beta)  # noqa: E731
    assert not check("smooth_l1_via_huber", plain_huber)      # forgot to divide by β
    assert check("smooth_l1_via_huber", lambda t, p, beta: lossfns.huber(p, t, delta=beta) / beta)
    assert get("smooth_l1_via_huber").chapter == "12_choosing_a_loss"
