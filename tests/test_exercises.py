"""The exercise checker: right submissions pass, wrong ones get specific feedback."""
import numpy as np
import pytest

from lossfns.course import exercises
from lossfns.course.exercises import check


NAMES = exercises.available()


def test_every_chapter_notebook_has_two_exercises():
    from pathlib import Path

    stems = sorted(p.stem for p in Path(__file__).parents[1].glob("chapters/[0-9][0-9]_*.ipynb"))
    for stem in stems:
        assert len(exercises.available(stem)) >= 2, f"{stem} has fewer than 2 checked exercises"


@pytest.mark.parametrize("name", NAMES)
def test_the_reference_passes_its_own_check(name):
    result = check(name, exercises.get(name).reference)
    assert result, result.message
    assert result.message.startswith("✓")


@pytest.mark.parametrize("name", NAMES)
def test_a_wrong_answer_is_caught_with_input_expected_got_and_hint(name):
    ref = exercises.get(name).reference

    def off_by_a_bit(*args, **kwargs):
        out = ref(*args, **kwargs)
        if isinstance(out, tuple):
            return tuple(np.asarray(o, dtype=float) * 1.1 + 0.1 for o in out)
        return np.asarray(out, dtype=float) * 1.1 + 0.1

    result = check(name, off_by_a_bit)
    assert not result
    for part in ("✗", "input:", "expected:", "got:", "Hint:"):
        assert part in result.message


@pytest.mark.parametrize("name", NAMES)
def test_stub_and_crash_are_reported_not_raised(name):
    def stub(*args, **kwargs):
        raise NotImplementedError

    def crash(*args, **kwargs):
        raise KeyError("oops")

    assert "not implemented yet" in check(name, stub).message
    msg = check(name, crash).message
    assert "raised KeyError" in msg and "Hint:" in msg


def test_wrong_shape_is_named():
    result = check("objective", lambda yt, yp, w, lam: np.array([1.0, 2.0]))
    assert "expected shape ()" in result.message


def test_unknown_exercise_lists_valid_names():
    with pytest.raises(ValueError, match="name must be one of"):
        check("no_such_exercise", lambda: None)


def test_gd_step_known_answer():
    assert check("gd_step", lambda w, x, y, lr: w - lr * np.mean(2 * (w * x - y) * x))
    assert not check("gd_step", lambda w, x, y, lr: w + lr * np.mean(2 * (w * x - y) * x))
