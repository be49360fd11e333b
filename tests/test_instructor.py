"""The student edition and the answer key."""
import json
import zipfile
from pathlib import Path

from lossfns.course import instructor, quiz

ROOT = Path(__file__).parents[1]


def _nb(cells):
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _code(src, tags=()):
    return {"cell_type": "code", "source": src, "metadata": {"tags": list(tags)},
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "x"}], "execution_count": 3}


def _md(src):
    return {"cell_type": "markdown", "source": src, "metadata": {}}


SOLUTION = '''import numpy as np

def huber(y_true, y_pred, delta=1.0):
    """Huber loss, element-wise."""
    r = y_pred - y_true
    return np.where(np.abs(r) <= delta, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta))
'''


def test_student_notebook_removes_solutions_checks_and_outputs():
    nb = _nb([
        _md("```{exercise}\n:label: ex-h\nWrite Huber.\n```\n\n```{solution} ex-h\n:class: dropdown\nUse np.where.\n```\n"),
        _md("```{solution-start} ex-h\n:class: dropdown\n```"),
        _code(SOLUTION, ["solution"]),
        _md("```{solution-end}\n```"),
        _code("check('huber', huber)"),
        _code("assert 1 + 1 == 2", ["remove-cell"]),
    ])
    out = instructor.student_notebook(nb)
    sources = ["".join(c["source"]) for c in out["cells"]]
    assert len(out["cells"]) == 3
    assert "{exercise}" in sources[0] and "{solution}" not in sources[0]
    assert "np.where" not in sources[1] and "raise NotImplementedError" in sources[1]
    assert '"""Huber loss, element-wise."""' in sources[1] and "import numpy as np" in sources[1]
    assert all(c.get("outputs", []) == [] for c in out["cells"] if c["cell_type"] == "code")
    assert not any("remove-cell" in c["metadata"].get("tags", []) for c in out["cells"])
    # the stub is valid Python and fails the check as "not implemented"
    ns = {}
    exec(sources[1], ns)
    try:
        ns["huber"](0.0, 1.0)
    except NotImplementedError:
        pass
    else:
        raise AssertionError("stub should raise NotImplementedError")


def test_build_student_writes_every_lesson_and_a_zip(tmp_path):
    zip_path = instructor.build_student(str(ROOT / "chapters"), str(tmp_path / "student"))
    lessons = sorted(p.name for p in (ROOT / "chapters").glob("*.ipynb"))
    assert sorted(p.name for p in (tmp_path / "student").glob("*.ipynb")) == lessons
    with zipfile.ZipFile(zip_path) as zf:
        assert sorted(n for n in zf.namelist() if n.endswith(".ipynb")) == [f"student/{n}" for n in lessons]
    for p in (tmp_path / "student").glob("*.ipynb"):
        nb = json.loads(p.read_text(encoding="utf-8"))
        for c in nb["cells"]:
            assert "solution" not in c["metadata"].get("tags", [])
            assert "remove-cell" not in c["metadata"].get("tags", [])


def test_answer_key_lists_every_quiz_item():
    page = instructor.answer_key_html()
    assert page.startswith("<!DOCTYPE html>")
    n_items = sum(len(quiz.load(ch)) for ch in quiz.chapters())
    assert page.count("Answer 答案:") == n_items
    assert "<pre><code" in page  # exercise solutions as code
