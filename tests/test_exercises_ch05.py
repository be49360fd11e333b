"""Chapter 5's exercise references are the negative log-likelihoods of scipy.stats, and the
usual slips (a dropped constant, Stirling's approximation) are caught."""
import numpy as np
import pytest

import lossfns
from lossfns.course.exercises import ch05, check

stats = pytest.importorskip("scipy.stats")

pytestmark = pytest.mark.filterwarnings("error")


def test_laplace_nll_is_minus_the_log_density():
    rng = np.random.default_rng(0)
    y, mu = rng.normal(size=50), rng.normal(size=50)
    for b in (0.1, 0.5, 2.0):
        np.testing.assert_allclose(ch05.laplace_nll(y, mu, b), -stats.laplace.logpdf(y, mu, b),
                                   rtol=1e-13)


def test_mean_laplace_nll_is_mae_over_b_plus_log_2b():
    rng = np.random.default_rng(1)
    y, mu, b = rng.normal(size=40), rng.normal(size=40), 0.8
    assert np.isclose(ch05.laplace_nll(y, mu, b).mean(), lossfns.mae(y, mu) / b + np.log(2 * b),
                      rtol=1e-13)


def test_poisson_nll_pmf_is_minus_the_log_pmf():
    rng = np.random.default_rng(2)
    y = rng.poisson(4.0, size=200).astype(float)
    s = rng.normal(1.0, 0.8, size=200)
    np.testing.assert_allclose(ch05.poisson_nll_pmf(y, s), -stats.poisson.logpmf(y, np.exp(s)),
                               rtol=1e-12)


def test_the_cases_hold_zero_counts_and_counts_where_stirling_is_off():
    ys = np.concatenate([c.args[0].ravel() for c in ch05._poisson_cases()])
    assert (ys == 0).any() and (ys >= 2).any()


def _stirling(y):
    """Stirling's log(y!) ≈ y log y − y + ½ log(2πy) for y > 1, 0 below (as torch's full=True)."""
    yb = np.where(y > 1, y, 2.0)
    return np.where(y > 1, yb * np.log(yb) - yb + 0.5 * np.log(2 * np.pi * yb), 0.0)


def test_stirling_here_is_what_torch_and_lossfns_add_with_full():
    y, s = np.array([0.0, 1.0, 2.0, 5.0, 40.0]), np.array([0.1, -0.3, 0.7, 1.5, 3.0])
    np.testing.assert_allclose(np.exp(s) - y * s + _stirling(y),
                               lossfns.poisson_nll_loss(y, s, reduction="none", full=True),
                               rtol=1e-13)


def test_forbidden_shortcuts_are_named():
    assert "lossfns.poisson_nll_loss" in check(
        "poisson_nll_pmf", lambda y, s: lossfns.poisson_nll_loss(y, s, reduction="none")).message
    assert "lossfns.mae" in check(
        "laplace_nll", lambda y, mu, b=1.0: lossfns.mae(y, mu, reduction="none") / b).message


@pytest.mark.parametrize("wrong, why", [
    (lambda y, mu, b=1.0: np.abs(y - mu) / b, "drops log 2b"),
    (lambda y, mu, b=1.0: np.abs(y - mu) / b + np.log(b), "log b instead of log 2b"),
    (lambda y, mu, b=1.0: np.abs(y - mu) + np.log(2 * b), "forgets to divide by b"),
    (lambda y, mu, b=1.0: np.mean(np.abs(y - mu)) / b + np.log(2 * b), "means over the samples"),
])
def test_laplace_slips_are_caught(wrong, why):
    assert not check("laplace_nll", wrong), why


@pytest.mark.parametrize("wrong, why", [
    (lambda y, s: np.exp(s) - y * s, "drops log y!"),
    (lambda y, s: np.exp(s) - y * s + _stirling(y),
     "Stirling's approximation instead of the exact log y!"),
    (lambda y, s: np.exp(s) - y * s - ch05._log_factorial(y), "wrong sign of log y!"),
    (lambda y, s: s - y * np.log(s + 1e-12), "treats the log-rate as the rate"),
])
def test_poisson_slips_are_caught(wrong, why):
    with np.errstate(invalid="ignore"):
        assert not check("poisson_nll_pmf", wrong), why


def test_a_student_solution_from_the_pmf_passes():
    from math import lgamma

    def student(y_true, log_rate):
        y = np.asarray(y_true, dtype=float)
        return np.exp(log_rate) - y * log_rate + np.array([lgamma(v + 1) for v in y.ravel()]
                                                         ).reshape(y.shape)

    assert check("poisson_nll_pmf", student)
    assert check("laplace_nll", lambda y, mu, b=1.0: np.abs(y - mu) / b + np.log(2 * b))
