"""An nbgrader course made from the lessons: every exercise graded, with hidden tests.

    python -m lossfns.course.nbgrader chapters _build/nbgrader [--seed N] [--points P]
                                      [--exercises-only]

writes an nbgrader course folder::

    _build/nbgrader/nbgrader_config.py
    _build/nbgrader/source/<lesson>/<lesson>.ipynb      (one assignment per lesson)

Each source notebook is the student edition of the lesson (`lossfns.course.instructor`) with,
for every exercise:

- a *solution cell*: the lesson's own solution, each function's body between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (nbgrader turns it into the stub students get);
- the lesson's ``check(...)`` cell, ungraded: the self-check students run while they work;
- a locked *autograder test cell* worth `points` that asserts the self-check (hints off), then,
  between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``, cases that do not ship in
  the ``lossfns`` package: the exercise's cases drawn again with other random seeds (`seed`),
  with the results of the reference written into the cell. A submission that calls the
  library's own version of the function (``lossfns.huber`` for the Huber exercise) fails both
  parts with a message that says so.

Then, in the course folder: ``nbgrader generate_assignment <lesson>`` (release versions in
``release/``), collect submissions into ``submitted/<student>/<lesson>/``, and
``nbgrader autograde <lesson>``.
"""
from __future__ import annotations

import json
import math
import shutil
import sys
from pathlib import Path

import numpy as np

from . import exercises, instructor

#: Added to the seed of every random generator the cases draw from, for the hidden cases.
DEFAULT_SEED = 2026
POINTS = 1
CODE_STUB = "raise NotImplementedError  # your code here"

CONFIG = """\
# nbgrader configuration of the lossfns course (written by python -m lossfns.course.nbgrader).
c = get_config()  # noqa: F821 - provided by nbgrader when it reads this file
c.CourseDirectory.course_id = "lossfns"
c.CourseDirectory.root = "."
c.ClearSolutions.code_stub = {{"python": "{stub}"}}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# Lessons train small models: allow each cell a few minutes.
c.Execute.timeout = 300
"""


# --------------------------------------------------------------------------------------------
# Values → Python source that rebuilds them exactly (the hidden cases in a test cell)
# --------------------------------------------------------------------------------------------
def _float(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(float(x))


def literal(x) -> str:
    """Python source that evaluates (with ``np``, ``nan``, ``inf`` and `load` in scope) to `x`.

    Arrays keep their dtype and shape and floats their exact value; module-level functions of
    ``lossfns`` (inputs of some exercises) are referred to by name.
    """
    if x is None or isinstance(x, (bool, str)):
        return repr(x)
    if isinstance(x, (int, np.integer)) and not isinstance(x, np.bool_):
        return repr(int(x)) if isinstance(x, int) else f"np.{x.dtype}({int(x)})"
    if isinstance(x, np.floating):    # before float: np.float64 is a float as well
        return f"np.{x.dtype}({_float(float(x))})"
    if isinstance(x, float):
        return _float(x)
    if isinstance(x, np.ndarray):
        if x.dtype.kind not in "biuf":
            raise TypeError(f"cannot write an array of {x.dtype} as a literal")
        flat = ", ".join(_float(v) if x.dtype.kind == "f" else repr(v) for v in x.ravel().tolist())
        return f"np.array([{flat}], dtype=np.{x.dtype}).reshape({x.shape!r})"
    if isinstance(x, tuple):
        inner = ", ".join(literal(v) for v in x)
        return f"({inner},)" if len(x) == 1 else f"({inner})"
    if isinstance(x, list):
        return "[" + ", ".join(literal(v) for v in x) + "]"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in x.items()) + "}"
    if callable(x) and getattr(x, "__module__", "").startswith("lossfns") \
            and "<" not in getattr(x, "__qualname__", "<"):
        return f"load({x.__module__!r}, {x.__qualname__!r})"
    raise TypeError(f"cannot write {type(x).__name__} {x!r} as a literal")


def load(module: str, qualname: str):
    """The object `qualname` of `module` (how `literal` refers to functions)."""
    import importlib

    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def hidden_cases(name: str, seed: int = DEFAULT_SEED) -> tuple[list, list]:
    """Exercise `name`'s cases drawn again with every random seed moved by `seed`, and the
    reference's results on them: ``(cases, expected)``, as `exercises.check_cases` takes them."""
    ex = exercises.get(name)
    original = np.random.default_rng

    def moved(s=None, *args, **kwargs):
        return original([seed, 0 if s is None else s], *args, **kwargs)

    np.random.default_rng = moved
    try:
        cases = ex.cases()
    finally:
        np.random.default_rng = original
    expected = [ex.reference(*c.args, **c.kwargs) for c in cases]
    return cases, expected


def test_cell_source(ex: instructor.LessonExercise, seed: int = DEFAULT_SEED) -> str:
    """The autograder test cell of exercise `ex`: the self-check, then the hidden cases."""
    cases, expected = hidden_cases(ex.name, seed)
    rows = [f"    ({literal(tuple(c.args))}, {literal(dict(c.kwargs))}, {c.label!r}),"
            for c in cases]
    results = [f"    {literal(e)}," for e in expected]
    return "\n".join([
        f"# Autograder test of Exercise {ex.number}: the lesson's check, then hidden cases.",
        "from lossfns.course.exercises import check",
        "",
        f"result = check({ex.name!r}, {ex.fn}, hints=False)",
        "assert result, result.message",
        "### BEGIN HIDDEN TESTS",
        "import numpy as np",
        "from numpy import inf, nan",
        "from lossfns.course.exercises import check_cases",
        "from lossfns.course.nbgrader import load",
        "",
        "hidden_cases = [", *rows, "]",
        "hidden_expected = [", *results, "]",
        f"result = check_cases({ex.name!r}, {ex.fn}, hidden_cases, hidden_expected)",
        "assert result, result.message",
        "### END HIDDEN TESTS",
    ]) + "\n"


# --------------------------------------------------------------------------------------------
# The source notebooks
# --------------------------------------------------------------------------------------------
def solution_source(source: str) -> str:
    """A solution cell for nbgrader: each function's body between the solution markers."""
    def body(rest, indent):
        return [f"{indent}### BEGIN SOLUTION", *rest, f"{indent}### END SOLUTION"]

    return instructor._definitions(source, body)


def _meta(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def source_notebook(nb: dict, stem: str, seed: int = DEFAULT_SEED, points: int = POINTS,
                    pins=instructor.DEFAULT_PINS, exercises_only: bool = False) -> dict:
    """The nbgrader source version of lesson `nb` (see the module docstring).

    ``exercises_only=True`` keeps the title, the install cell, one cell with the lesson's
    imports and the lesson from its exercises section on: a homework that runs in seconds.
    """
    lesson = instructor.read_lesson(nb, stem)
    done = set()

    def solution_cell(cell, source, _lesson):
        ex = next((e for e in lesson.exercises if source in e.solution_code), None)
        if ex is None or ex.name in done:
            return None   # a second code cell of the same solution: its functions come first
        done.add(ex.name)
        code = "\n\n".join(solution_source(s).rstrip() for s in ex.solution_code) + "\n"
        out = instructor._clean_code_cell(cell, code, [])
        out["metadata"]["nbgrader"] = _meta(f"{ex.name}", solution=True)
        return out

    out = instructor.transform_lesson(nb, stem, solution_cell, pins)
    cells = []
    graded = {ex.name: ex for ex in lesson.exercises if ex.name and ex.fn}
    for cell in out["cells"]:
        cells.append(cell)
        m = instructor._CHECK_CALL.search(cell["source"]) if cell["cell_type"] == "code" else None
        if m and m["name"] in graded and m["name"] in done:
            ex = graded.pop(m["name"])
            cells.append({"cell_type": "code", "execution_count": None,
                          "id": f"test-{ex.name}"[:64],
                          "metadata": {"nbgrader": _meta(f"test_{ex.name}", grade=True,
                                                         locked=True, points=points)},
                          "outputs": [], "source": test_cell_source(ex, seed)})
    if graded:
        raise ValueError(f"{stem}: no check cell found after the solution of {sorted(graded)}")
    out["cells"] = _exercises_section(cells, lesson) if exercises_only else cells
    return out


def _exercises_section(cells: list, lesson: instructor.Lesson) -> list:
    """Title, install cell, the lesson's imports, and the cells from the exercises section on."""
    first = next(k for k, c in enumerate(cells)
                 if c["cell_type"] == "markdown" and "**Exercise " in c["source"])
    start = next((k for k in range(first, -1, -1) if cells[k]["cell_type"] == "markdown"
                  and cells[k]["source"].lstrip().startswith("## ")), first)
    install = next(c for c in cells if c["cell_type"] == "code")
    imports = list(dict.fromkeys(lesson.exercises[0].imports.splitlines()))
    setup = {"cell_type": "code", "execution_count": None, "id": "lesson-imports",
             "metadata": {}, "outputs": [],
             "source": "# The lesson's imports (the exercises below need no other cell of it)\n"
                       + "\n".join(imports) + "\n"}
    head = [cells[0]] if cells[0]["cell_type"] == "markdown" else []
    return head + [install, setup] + cells[start:]


def build_course(src: str = "chapters", dest: str = "_build/nbgrader", seed: int = DEFAULT_SEED,
                 points: int = POINTS, root: str | None = None,
                 exercises_only: bool = False) -> Path:
    """Write the nbgrader course folder of every lesson in `src` to `dest`."""
    src_p, dest_p = Path(src), Path(dest)
    root_p = Path(root) if root else src_p.resolve().parent
    pins = instructor.requirement_pins(root_p)
    source = dest_p / "source"
    if source.exists():
        shutil.rmtree(source)
    for path in instructor.lesson_paths(src_p):
        nb = json.loads(path.read_text(encoding="utf-8"))
        folder = source / path.stem
        folder.mkdir(parents=True)
        (folder / path.name).write_text(
            json.dumps(source_notebook(nb, path.stem, seed, points, pins, exercises_only),
                       ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (dest_p / "nbgrader_config.py").write_text(CONFIG.format(stub=CODE_STUB), encoding="utf-8")
    return dest_p


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m lossfns.course.nbgrader",
                                     description="Write an nbgrader course from the lessons.")
    parser.add_argument("chapters", nargs="?", default="chapters")
    parser.add_argument("dest", nargs="?", default="_build/nbgrader")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help="moves every random seed of the hidden cases (default %(default)s)")
    parser.add_argument("--points", type=int, default=POINTS,
                        help="points per exercise (default %(default)s)")
    parser.add_argument("--exercises-only", action="store_true",
                        help="each assignment is the lesson's exercises section (with its imports)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    out = build_course(args.chapters, args.dest, args.seed, args.points,
                       exercises_only=args.exercises_only)
    print(f"nbgrader course: {out} (cd there; nbgrader generate_assignment <lesson>)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
