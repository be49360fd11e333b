"""The nbgrader course: source notebooks with solution and locked test cells, hidden cases that
grade the lessons' solutions right and shortcuts wrong, and a real round trip through
``nbgrader generate_assignment`` and ``nbgrader autograde`` (skipped, with the reason, where
nbgrader is not installed, unless REQUIRE_NBGRADER=1)."""
import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lossfns
from lossfns.course import exercises, instructor, nbgrader

ROOT = Path(__file__).parents[1]
LESSONS = instructor.lesson_paths(ROOT / "chapters")
LESSON_EXERCISES = {ex.name: ex for ex in instructor.lesson_exercises(ROOT / "chapters")}


def _same(a, b) -> bool:
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray):
        return (isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape
                and np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, float) and np.isnan(a):
        return isinstance(b, float) and np.isnan(b)
    return type(a) is type(b) and a == b


def _eval(src):
    return eval(src, {"np": np, "nan": np.nan, "inf": np.inf, "load": nbgrader.load})


@pytest.mark.parametrize("name", exercises.available())
def test_hidden_cases_are_written_exactly(name):
    cases, expected = nbgrader.hidden_cases(name)
    for case, want in zip(cases, expected):
        assert _same(_eval(nbgrader.literal(tuple(case.args))), tuple(case.args))
        assert _same(_eval(nbgrader.literal(dict(case.kwargs))), dict(case.kwargs))
        assert _same(_eval(nbgrader.literal(want)), want)


def test_literal_of_special_values_and_refusals():
    for x in [np.array([np.nan, -np.inf, 1e-300]), np.zeros((0, 3)), np.int64(7), np.float64(0.1),
              (1,), [None, True, "s"], np.array([[1, 2]], dtype=np.int32)]:
        assert _same(_eval(nbgrader.literal(x)), x)
    assert nbgrader.load("lossfns.course.exercises.ch06", "_cubic") is not None
    with pytest.raises(TypeError):
        nbgrader.literal(lambda x: x)
    with pytest.raises(TypeError):
        nbgrader.literal(np.array(["a"]))


def test_hidden_cases_differ_from_the_public_ones():
    changed = 0
    for name in exercises.available():
        public = exercises.get(name).cases()
        hidden, _ = nbgrader.hidden_cases(name)
        assert len(hidden) == len(public)
        changed += any(not _same(tuple(p.args), tuple(h.args)) for p, h in zip(public, hidden))
    assert changed >= len(exercises.available()) // 2


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_source_notebook_cells_carry_nbgrader_metadata(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = nbgrader.source_notebook(nb, path.stem)
    lesson = instructor.read_lesson(nb, path.stem)
    graded = [c for c in out["cells"] if "nbgrader" in c["metadata"]]
    ids = [c["metadata"]["nbgrader"]["grade_id"] for c in graded]
    assert len(ids) == len(set(ids)) == 2 * len(lesson.exercises)
    for ex in lesson.exercises:
        k = ids.index(ex.name)
        sol, test = graded[k], graded[k + 1]
        assert sol["metadata"]["nbgrader"] == {"grade": False, "grade_id": ex.name,
                                               "locked": False, "schema_version": 3,
                                               "solution": True, "task": False}
        assert sol["source"].count("### BEGIN SOLUTION") == sol["source"].count("### END SOLUTION")
        assert "### BEGIN SOLUTION" in sol["source"] and f"def {ex.fn}(" in sol["source"]
        meta = test["metadata"]["nbgrader"]
        assert meta["grade_id"] == f"test_{ex.name}" and meta["grade"] and meta["locked"]
        assert meta["points"] > 0 and not meta["solution"]
        assert "### BEGIN HIDDEN TESTS" in test["source"]
        assert "### END HIDDEN TESTS" in test["source"]
    text = json.dumps(out)
    assert "{solution" not in text and "remove-cell" not in text


def _run_test_cell(ex, fn):
    """Run exercise `ex`'s autograder test cell with `fn` as the student's function."""
    src = nbgrader.test_cell_source(ex)
    exec(compile(src, f"<test of {ex.name}>", "exec"), {ex.fn: fn})


@pytest.mark.parametrize("name", exercises.available())
def test_the_test_cell_passes_the_lessons_solution_and_fails_a_stub(name):
    ex = LESSON_EXERCISES[name]
    _run_test_cell(ex, instructor.model_solution(ex))

    def stub(*args, **kwargs):
        raise NotImplementedError

    with pytest.raises(AssertionError, match="not done yet"):
        _run_test_cell(ex, stub)


@pytest.mark.parametrize("name", exercises.available())
def test_the_hidden_part_alone_fails_a_wrong_answer(name):
    """The hidden cases grade on their own: a function right on the public cases only fails."""
    ex = LESSON_EXERCISES[name]
    right = instructor.model_solution(ex)
    public = exercises.get(name).cases()

    def memorised(*args, **kwargs):   # right on the lesson's cases, wrong elsewhere
        for case in public:
            if _same(tuple(case.args), tuple(args)) and _same(dict(case.kwargs), kwargs):
                return right(*args, **kwargs)
        out = right(*args, **kwargs)
        return tuple(np.asarray(o, dtype=float) + 1 for o in out) if isinstance(out, tuple) \
            else np.asarray(out, dtype=float) + 1

    assert exercises.check(name, memorised)
    cases, expected = nbgrader.hidden_cases(name)
    assert not all(any(_same(tuple(c.args), tuple(p.args)) for p in public) for c in cases), \
        f"{name}: the hidden cases are the public ones (its cases draw no random numbers)"
    with pytest.raises(AssertionError, match="✗"):
        _run_test_cell(ex, memorised)


def test_the_test_cell_names_the_library_shortcut():
    ex = LESSON_EXERCISES["huber_values"]

    def shortcut(y_true, y_pred, delta=1.0):
        return lossfns.huber(y_true, y_pred, delta=delta, reduction="none")

    with pytest.raises(AssertionError, match="calls lossfns.huber, the library's own version"):
        _run_test_cell(ex, shortcut)


def test_the_hidden_cases_are_not_in_the_package():
    """Nothing of a test cell's hidden part is in lossfns' source (the wheel students get)."""
    ex = LESSON_EXERCISES["huber_values"]
    hidden = nbgrader.test_cell_source(ex).split("### BEGIN HIDDEN TESTS")[1]
    a_random_input = hidden.split("2-D arrays")[0].rsplit("np.array([", 1)[1][:40]
    package = "".join(p.read_text(encoding="utf-8")
                      for p in Path(lossfns.__file__).parent.rglob("*.py"))
    assert a_random_input not in package


# --------------------------------------------------------------------------------------------
# The round trip through nbgrader itself
# --------------------------------------------------------------------------------------------
def _nbgrader_or_skip():
    try:
        import nbgrader.api  # noqa: F401  (the package, not lossfns.course.nbgrader)
    except ImportError:
        if os.environ.get("REQUIRE_NBGRADER") == "1":
            pytest.fail("nbgrader is not installed and REQUIRE_NBGRADER=1")
        pytest.skip("nbgrader is not installed (pip install 'lossfns[nbgrader]'); "
                    "set REQUIRE_NBGRADER=1 to make this a failure")


def _nbgrader(course: Path, *args):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               OMP_NUM_THREADS="1", MPLBACKEND="Agg")
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run


def _submit(course, assignment, student, release, change):
    nb = copy.deepcopy(release)
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            cell["source"] = change(meta["grade_id"], src)
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True)
    (folder / f"{assignment}.ipynb").write_text(json.dumps(nb), encoding="utf-8")


def test_generate_assignment_and_autograde_score_four_submissions(tmp_path):
    _nbgrader_or_skip()
    from nbgrader.api import Gradebook

    stem = "02_regression_losses"
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    shutil.copy(ROOT / "chapters" / f"{stem}.ipynb", chapters)
    course = nbgrader.build_course(str(chapters), str(tmp_path / "course"), root=str(ROOT),
                                   exercises_only=True)
    _nbgrader(course, "generate_assignment", stem)
    release_path = course / "release" / stem / f"{stem}.ipynb"
    release_text = release_path.read_text(encoding="utf-8")
    for secret in ("BEGIN SOLUTION", "HIDDEN TESTS", "np.clip(r, -delta, delta)", "hidden_cases"):
        assert secret not in release_text
    assert release_text.count("raise NotImplementedError  # your code here") == 3
    release = json.loads(release_text)
    source = json.loads((course / "source" / stem / f"{stem}.ipynb").read_text(encoding="utf-8"))
    solutions = {c["metadata"]["nbgrader"]["grade_id"]: c["source"] for c in source["cells"]
                 if c["metadata"].get("nbgrader", {}).get("solution")}
    stub = "raise NotImplementedError  # your code here"
    _submit(course, stem, "right", release, lambda gid, src: solutions[gid])
    _submit(course, stem, "wrong", release, lambda gid, src: src.replace(stub, "return 0 * y_pred"))
    _submit(course, stem, "untouched", release, lambda gid, src: src)
    _submit(course, stem, "shortcut", release, lambda gid, src: src.replace(
        stub, 'return lossfns.huber(y_true, y_pred, delta=delta, reduction="none")')
        if gid == "huber_values" else solutions[gid])
    _nbgrader(course, "autograde", stem)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s: (gb.find_submission(stem, s).score, gb.find_submission(stem, s).max_score)
                  for s in ("right", "wrong", "untouched", "shortcut")}
    assert scores == {"right": (3, 3), "wrong": (0, 3), "untouched": (0, 3), "shortcut": (2, 3)}
    graded = json.loads((course / "autograded" / "shortcut" / stem / f"{stem}.ipynb")
                        .read_text(encoding="utf-8"))
    errors = [o["evalue"] for c in graded["cells"] for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert len(errors) == 1 and "calls lossfns.huber" in errors[0]
