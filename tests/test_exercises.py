"""The exercise checker: right submissions pass, wrong ones get specific feedback, shortcuts and
stubs are named, and nothing a student writes can hang or crash the check."""
import re
import threading
from pathlib import Path

import numpy as np
import pytest

import lossfns
from lossfns.course import exercises, instructor
from lossfns.course.exercises import Case, check, check_cases

ROOT = Path(__file__).parents[1]
NAMES = exercises.available()
LESSON_EXERCISES = {ex.name: ex for ex in instructor.lesson_exercises(ROOT / "chapters")}
_SOLUTIONS: dict = {}


def model(name):
    """The lesson's own (from-scratch) solution of exercise `name`."""
    if name not in _SOLUTIONS:
        _SOLUTIONS[name] = instructor.model_solution(LESSON_EXERCISES[name])
    return _SOLUTIONS[name]


def test_every_chapter_notebook_has_two_exercises():
    stems = sorted(p.stem for p in (ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
    for stem in stems:
        assert len(exercises.available(stem)) >= 2, f"{stem} has fewer than 2 checked exercises"


def test_every_registered_exercise_is_in_its_lesson_and_the_other_way_round():
    assert sorted(LESSON_EXERCISES) == sorted(NAMES)
    for name, ex in LESSON_EXERCISES.items():
        assert ex.label == f"ex-{name}" and ex.solution_code, name


@pytest.mark.parametrize("name", NAMES)
def test_the_lessons_model_solution_passes(name):
    result = check(name, model(name))
    assert result, result.message
    assert result.message.startswith("✓")


@pytest.mark.parametrize("name", NAMES)
def test_the_reference_itself_is_refused(name):
    result = check(name, exercises.get(name).reference)
    assert not result
    assert "reference solution" in result.message


@pytest.mark.parametrize("name", [n for n in NAMES if exercises.get(n).forbidden])
def test_calling_the_librarys_own_version_is_refused_by_name(name):
    for dotted in exercises.get(name).forbidden:
        target = exercises._resolve(dotted)

        def shortcut(*args, **kwargs):
            if isinstance(target, type):       # an optimiser: lossfns.optim.Adam() and so on
                return target()
            return target(*args, **kwargs)

        result = check(name, shortcut)
        assert not result
        assert f"calls lossfns.{dotted}," in result.message, result.message
        assert "Write it yourself" in result.message


def test_the_huber_shortcut_of_the_issue_is_refused_under_any_alias():
    from lossfns.losses.regression import huber as h

    def via_package(y_true, y_pred, delta=1.0):
        return lossfns.huber(y_true, y_pred, delta=delta, reduction="none")

    def via_alias_swallowing_errors(y_true, y_pred, delta=1.0):
        try:
            return h(y_true, y_pred, delta=delta, reduction="none")
        except Exception:          # noqa: BLE001 - a submission trying to hide the refusal
            return np.zeros_like(y_pred)

    def via_grad(y_true, y_pred, delta=1.0):
        return lossfns.huber.grad(y_true, y_pred, delta=delta, reduction="none")

    for fn, name in [(via_package, "huber_values"), (via_alias_swallowing_errors, "huber_values"),
                     (via_grad, "huber_grad")]:
        result = check(name, fn)
        assert not result and "calls lossfns.huber" in result.message, result.message


def test_library_helpers_the_lesson_allows_are_not_refused():
    # chapter 3's solution uses lossfns.softplus; chapter 12's exercise is *about* lossfns.huber
    assert check("bce_with_logits", lambda y, z: y * lossfns.softplus(-z)
                 + (1 - y) * lossfns.softplus(z))
    assert check("smooth_l1_via_huber", lambda t, p, beta: lossfns.huber(t, p, delta=beta) / beta)


@pytest.mark.parametrize("name", NAMES)
def test_a_wrong_answer_is_caught_with_input_expected_got_and_hint(name):
    right = model(name)

    def off_by_a_bit(*args, **kwargs):
        out = right(*args, **kwargs)
        if isinstance(out, tuple):
            return tuple(np.asarray(o, dtype=float) * 1.1 + 0.1 for o in out)
        return np.asarray(out, dtype=float) * 1.1 + 0.1

    result = check(name, off_by_a_bit, hints=True)
    assert not result
    for part in ("✗", "input:", "expected:", "got:", "Hint:"):
        assert part in result.message


@pytest.mark.parametrize("name", NAMES)
def test_stub_says_not_done_yet_without_the_hint(name):
    def stub(*args, **kwargs):
        raise NotImplementedError  # your code here

    msg = check(name, stub, hints=True).message
    assert "not done yet" in msg
    assert "Hint" not in msg and exercises.get(name).hint not in msg


@pytest.mark.parametrize("name", NAMES)
def test_a_crash_is_reported_not_raised(name):
    def crash(*args, **kwargs):
        raise KeyError("oops")

    msg = check(name, crash, hints=True).message
    assert "raised KeyError" in msg and "Hint:" in msg


def test_hints_are_off_in_graded_mode(monkeypatch):
    def wrong(y_true, y_pred, delta=1.0):
        return np.zeros_like(np.asarray(y_pred, dtype=float))

    assert "Hint:" in check("huber_values", wrong).message
    assert "Hint:" not in check("huber_values", wrong, hints=False).message
    monkeypatch.setenv("LOSSFNS_GRADED", "1")
    assert exercises.graded_mode()
    assert "Hint:" not in check("huber_values", wrong).message
    assert "Hint:" in check("huber_values", wrong, hints=True).message


def test_none_complex_nan_inf_and_wrong_shape_are_named():
    def none(y_true, y_pred, delta=1.0):
        np.abs(y_pred - y_true)            # forgot the return

    msg = check("huber_values", none).message
    assert "returned None" in msg and "forget `return`" in msg

    right = model("huber_values")
    msg = check("huber_values", lambda t, p, delta=1.0: right(t, p, delta) + 0j).message
    assert "complex" in msg

    def nan_at_zero(t, p, delta=1.0):
        out = right(t, p, delta)
        return np.where(out == 0, np.nan, out)

    msg = check("huber_values", nan_at_zero).message
    assert "got NaN at position" in msg and "was expected" in msg

    msg = check("huber_values", lambda t, p, delta=1.0: right(t, p, delta) + np.inf).message
    assert "got inf at position (0,) where 0.125 was expected" in msg

    msg = check("huber_values", lambda t, p, delta=1.0: np.mean(right(t, p, delta))).message
    assert "expected shape (4,); got shape ()" in msg
    msg = check("objective", lambda yt, yp, w, lam: np.array([1.0, 2.0])).message
    assert "expected shape ()" in msg
    msg = check("momentum_step", lambda *a: None).message
    assert "returned None; expected a tuple of 2 results" in msg
    msg = check("huber_values", lambda t, p, delta=1.0: "0.5").message
    assert "expected numbers" in msg


def test_a_case_that_runs_too_long_fails_with_a_message():
    def endless(y_true, y_pred, q=0.5):
        while True:
            pass

    result = check("pinball", endless, time_limit=0.3)
    assert not result and "took longer than 0.3 s" in result.message
    assert "case 1/" in result.message


def test_the_time_limit_holds_outside_the_main_thread_too():
    box = {}

    def endless(y_true, y_pred, q=0.5):
        import time

        time.sleep(3)

    worker = threading.Thread(
        target=lambda: box.update(r=check("pinball", endless, time_limit=0.2)))
    worker.start()
    worker.join(10)
    assert "took longer than 0.2 s" in box["r"].message


def test_the_time_limit_and_profiler_are_restored_after_a_check():
    import signal
    import sys

    check("pinball", lambda t, p, q=0.5: np.maximum(q * (t - p), (q - 1) * (t - p)))
    assert sys.getprofile() is None
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with pytest.raises(ValueError, match="time_limit must be a positive"):
        check("pinball", model("pinball"), time_limit=0)


def test_something_that_is_not_a_function():
    msg = check("pinball", None).message
    assert "expected a function; got None" in msg


def test_check_cases_with_given_inputs_and_results():
    right = model("pinball")
    cases = [((np.array([10.0]), np.array([8.0])), {"q": 0.9}, "by hand"),
             Case((np.array([1.0, 2.0]), np.array([1.0, 0.0])), {"q": 0.5})]
    expected = [np.array([1.8]), np.array([0.0, 1.0])]
    assert check_cases("pinball", right, cases, expected)
    result = check_cases("pinball", right, cases, [np.array([1.8]), np.array([0.0, 2.0])])
    assert not result and "case 2/2" in result.message and "Hint" not in result.message
    with pytest.raises(ValueError, match="one result per case"):
        check_cases("pinball", right, cases, expected[:1])


def test_unknown_exercise_lists_valid_names():
    with pytest.raises(ValueError, match="name must be one of"):
        check("no_such_exercise", lambda: None)


def test_gd_step_known_answer():
    assert check("gd_step", lambda w, x, y, lr: w - lr * np.mean(2 * (w * x - y) * x))
    assert not check("gd_step", lambda w, x, y, lr: w + lr * np.mean(2 * (w * x - y) * x))


# ------------------------------------------------------------------------------------------
# The Chinese editions: the checker speaks the edition's language
# ------------------------------------------------------------------------------------------
_CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("name", exercises.available())
def test_every_exercise_has_its_chinese_title_hint_and_case_labels(name):
    ex = exercises.get(name)
    assert _CJK.search(ex.title_zh), f"{name}: no title_zh"
    assert _CJK.search(ex.hint_zh), f"{name}: no hint_zh"
    # the hint's code stays code: the same `spans` in both
    assert re.findall(r"`[^`]+`", ex.hint_zh) == re.findall(r"`[^`]+`", ex.hint), name
    for case in ex.cases():
        if case.label:
            assert case.label_zh, f"{name}: case {case.label!r} has no label_zh"


def test_feedback_in_simplified_and_traditional_chinese(monkeypatch):
    import lossfns
    from lossfns.course import lang

    ex = exercises.get("huber_values")

    def right(y_true, y_pred, delta=1.0):
        r = np.asarray(y_pred, dtype=float) - y_true
        return np.where(np.abs(r) <= delta, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta))

    def stub(y_true, y_pred, delta=1.0):
        raise NotImplementedError

    def wrong(y_true, y_pred, delta=1.0):
        return np.zeros(np.shape(y_pred))

    def shortcut(y_true, y_pred, delta=1.0):
        return lossfns.huber(y_true, y_pred, delta=delta, reduction="none")

    monkeypatch.setenv("LOSSFNS_LANG", "zh-cn")
    done = str(exercises.check("huber_values", right).message)
    assert done.startswith(f"✓ {ex.title_zh}：全部 ") and done.endswith(" 个用例通过。")
    assert "还没有完成" in exercises.check("huber_values", stub).message
    msg = exercises.check("huber_values", wrong).message
    assert "用例 1/" in msg and "数值不一致" in msg and "应为：" in msg and "提示：" in msg
    assert ex.hint_zh in msg and "Hint" not in msg and "expected" not in msg
    assert "也就是本练习要你自己实现的库函数" in exercises.check("huber_values", shortcut).message
    monkeypatch.setenv("LOSSFNS_LANG", "zh-tw")
    msg = exercises.check("huber_values", wrong).message
    assert "數值不一致" in msg and lang.to_traditional(ex.title_zh) in msg
    monkeypatch.setenv("LOSSFNS_LANG", "en")
    assert exercises.check("huber_values", wrong).message.startswith(f"✗ {ex.title}: case 1/")
