"""The student edition leaks nothing: no solution text or code, no hidden checks, no outputs,
wherever a lesson puts its solution gates; and it keeps what students need (the exercises,
numbered per chapter, stubs, an install cell, a wheel and a README)."""
import ast
import json
import re
import sys
import zipfile
from pathlib import Path

import pytest

from lossfns.course import instructor

ROOT = Path(__file__).parents[1]
LESSONS = instructor.lesson_paths(ROOT / "chapters")


def _nb(cells):
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4,
            "nbformat_minor": 5}


def _code(src, tags=()):
    return {"cell_type": "code", "source": src, "metadata": {"tags": list(tags)},
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "OUTPUT_SECRET"}],
            "execution_count": 3}


def _md(src):
    return {"cell_type": "markdown", "source": src, "metadata": {}}


def _text(nb) -> str:
    return "\n".join(c["source"] if isinstance(c["source"], str) else "".join(c["source"])
                     for c in nb["cells"])


SOLUTION = '''import numpy as np

def huber(y_true, y_pred, delta=1.0):
    """Huber loss, element-wise."""
    r = y_pred - y_true  # CODE_SECRET
    return np.where(np.abs(r) <= delta, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta))


print(huber(0.0, 2.0))  # DEMO_SECRET
'''
EXERCISE = "```{exercise}\n:label: ex-huber\n\nWrite Huber. KEEP_STATEMENT\n```\n"


# Each variant: the cells of one exercise with its solution marked in another way. Every
# "SECRET" must go; every "KEEP" must stay.
VARIANTS = {
    "gate alone in its cells": [
        _md("KEEP_BEFORE\n\n" + EXERCISE),
        _md("```{solution-start} ex-huber\n:class: dropdown\n```"),
        _code(SOLUTION, ["solution"]),
        _md("TEXT_SECRET explanation\n\n```{solution-end}\n```"),
        _md("KEEP_AFTER"),
    ],
    "gate at the end of the exercise cell, end gate in the middle of a cell": [
        _md("KEEP_BEFORE\n\n" + EXERCISE
            + "\n```{solution-start} ex-huber\n:class: dropdown\n```\n"),
        _code(SOLUTION, ["solution"]),
        _md("TEXT_SECRET one\n\n```{solution-end}\n```\n\nKEEP_AFTER in the same cell"),
    ],
    "gates in the middle of one cell, untagged code between": [
        _md(EXERCISE + "\nKEEP_BEFORE\n\n```{solution-start} ex-huber\n```\nTEXT_SECRET a\n"),
        _code(SOLUTION),
        _md("TEXT_SECRET b\n```{solution-end}\n```\nKEEP_AFTER\n"),
    ],
    "start and end gates in one cell, text between": [
        _md(EXERCISE + "```{solution-start} ex-huber\n```\nTEXT_SECRET\n```{solution-end}\n```\n"
            "KEEP_AFTER"),
        _code(SOLUTION, ["solution"]),
    ],
    "colon fences": [
        _md("KEEP_BEFORE\n\n:::{exercise}\n:label: ex-huber\nWrite Huber. KEEP_STATEMENT\n:::\n"
            "::::{solution-start} ex-huber\n:class: dropdown\n::::"),
        _code(SOLUTION, ["solution"]),
        _md(":::{solution-end}\n:::\nKEEP_AFTER"),
    ],
    "a {solution} dropdown with a nested code block": [
        _md(EXERCISE + "\n````{solution} ex-huber\n:class: dropdown\n\nTEXT_SECRET\n\n```python\n"
            "r = y_pred - y_true  # CODE_SECRET\n```\n````\n\nKEEP_AFTER"),
        _code(SOLUTION, ["solution"]),
    ],
    "a {solution} directive with YAML options, at the start of a cell": [
        _md(EXERCISE),
        _md("```{solution} ex-huber\n---\nclass: dropdown\n---\nTEXT_SECRET\n```\nKEEP_AFTER"),
        _code(SOLUTION, ["solution"]),
    ],
    "an unclosed end gate at the end of the notebook": [
        _md(EXERCISE + "```{solution-start} ex-huber\n```"),
        _code(SOLUTION, ["solution"]),
        _md("TEXT_SECRET\n```{solution-end}"),
    ],
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_solution_survives_wherever_the_gate_is(variant):
    cells = VARIANTS[variant] + [_code('check("huber", huber)'),
                                 _code("assert huber(0.0, 2.0) == 1.5  # ASSERT_SECRET",
                                       ["remove-cell"])]
    out = instructor.student_notebook(_nb(cells), "02_regression_losses")
    text = _text(out)
    assert "SECRET" not in text, text
    assert "{solution" not in text and "solution-end" not in text
    for keep in re.findall(r"KEEP_\w+", _text(_nb(cells))):
        assert keep in text, (keep, text)
    assert "**Exercise 2.1**" in text and "{exercise}" not in text and ":label:" not in text
    assert 'check("huber", huber)' in text
    stub = next(c for c in out["cells"] if "def huber" in c["source"])
    assert '"""Huber loss, element-wise."""' in stub["source"]
    assert "import numpy as np" in stub["source"] and "raise NotImplementedError" in stub["source"]
    ns = {}
    exec(stub["source"], ns)
    with pytest.raises(NotImplementedError):
        ns["huber"](0.0, 1.0)
    for c in out["cells"]:
        assert c.get("outputs", []) == [] and c.get("execution_count") is None
        assert not {"solution", "remove-cell"} & set(c["metadata"].get("tags", []))


def test_install_cell_becomes_the_visible_first_code_cell():
    original = ('import importlib.util, subprocess, sys\nif importlib.util.find_spec("lossfns") is '
                'None:\n    subprocess.run([sys.executable, "-m", "pip", "install", "-q",\n'
                '                    "lossfns[all] @ git+https://example.org/repo"], check=True)\n')
    nb = _nb([_md("# Title"), _code(original, ["remove-cell"]), _code("import lossfns")])
    out = instructor.student_notebook(nb, "01_x", pins=("torch==2.13.0",))
    first = next(c for c in out["cells"] if c["cell_type"] == "code")
    assert 'glob.glob("lossfns-*.whl")' in first["source"]
    assert "git+https://example.org/repo" in first["source"]      # when the notebook travels alone
    assert "torch==2.13.0" in first["source"]
    assert first["metadata"].get("tags", []) == []
    compile(first["source"], "install", "exec")
    # a lesson without one still gets it, before its first code cell
    out = instructor.student_notebook(_nb([_md("# T"), _code("import lossfns")]), "01_x")
    assert 'glob.glob("lossfns-*.whl")' in out["cells"][1]["source"]


def test_a_cell_that_uses_an_exercise_function_says_so_while_it_is_a_stub():
    nb = _nb([_md(EXERCISE), _code(SOLUTION, ["solution"]), _code('check("huber", huber)'),
              _code("values = huber(0.0, 2.0)\nvalues * 2"), _code("print(1 + 1)")])
    out = instructor.student_notebook(nb, "02_x")
    guarded = out["cells"][-2]["source"]
    assert guarded.startswith("try:\n    values = huber(0.0, 2.0)\n    display(values * 2)\n")
    assert "except NotImplementedError:" in guarded and "Exercise 2.1 is done" in guarded
    assert out["cells"][-1]["source"] == "print(1 + 1)"          # untouched
    assert out["cells"][-3]["source"] == 'check("huber", huber)'  # the check reports itself
    ns, shown = {"display": lambda v: shown.append(v)}, []
    exec(next(c["source"] for c in out["cells"] if "def huber" in c["source"]), ns)
    exec(guarded, ns)                                            # no exception with the stub
    assert shown == []
    ns["huber"] = lambda t, p, delta=1.0: 1.5
    exec(guarded, ns)
    assert shown == [3.0]
    text_cell = 'huber(0.0, 1.0)\nnote = """two\nlines"""\n'
    assert instructor.guard_source(text_cell, {"huber": "2.1"}) == text_cell


def test_install_cell_installs_the_wheel_beside_the_notebook(tmp_path, monkeypatch):
    import importlib.util
    import subprocess

    source = instructor.install_cell_source("", pins=("torch==2.13.0",))
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, check: calls.append(cmd))
    real_find_spec = importlib.util.find_spec
    missing = {"lossfns", "torch"}
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name in missing else real_find_spec(name, *a))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lossfns-0.1.0-py3-none-any.whl").write_bytes(b"")
    exec(source, {})
    missing.discard("torch")                       # Colab: torch is there, do not reinstall it
    exec(source, {})
    (tmp_path / "lossfns-0.1.0-py3-none-any.whl").unlink()
    exec(source, {})                               # the notebook alone: from the repository
    missing.clear()
    exec(source, {})                               # lossfns installed: nothing to do
    head = [sys.executable, "-m", "pip", "install", "-q"]
    assert calls == [head + ["lossfns-0.1.0-py3-none-any.whl[all]", "torch==2.13.0"],
                     head + ["lossfns-0.1.0-py3-none-any.whl[all]"],
                     head + [instructor.REPOSITORY_SPEC]]


def test_references_to_exercises_become_their_numbers():
    nb = _nb([_md(EXERCISE), _md("As in {ref}`ex-huber` and {numref}`the other <ex-huber>`.")])
    text = _text(instructor.student_notebook(nb, "07_x"))
    assert "As in Exercise 7.1 and the other." in text


# --------------------------------------------------------------------------------------------
# Every real lesson, checked by a scan that does not share the edition's parser
# --------------------------------------------------------------------------------------------
_REGION = re.compile(r"\{solution-start\}.*?(?:\{solution-end\}|\Z)", re.S)
_DIRECTIVE = re.compile(r"^(`{3,}|:{3,})\{solution\}.*?^\1\s*$", re.S | re.M)


def _norm(line: str) -> str:
    return line.split("  #")[0].strip()     # a line of code without its trailing comment


def _stub_lines(src: str) -> set:
    """The lines a stub keeps of a solution cell: imports, signatures and docstrings."""
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return set()
    kept = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            kept.update(range(node.lineno, node.body[0].lineno))
            doc = node.body[0]
            if isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant):
                kept.update(range(doc.lineno, doc.end_lineno + 1))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            kept.update(range(node.lineno, node.end_lineno + 1))
    lines = src.splitlines()
    return {lines[k - 1].strip() for k in kept}


def _secret_lines(nb) -> set:
    """Lines only solutions and hidden cells hold (a crude scan of the raw notebook)."""
    shown, hidden, stubbed = [], [], set()
    for c in nb["cells"]:
        src = "".join(c["source"])
        tags = c["metadata"].get("tags", [])
        if c["cell_type"] == "code":
            stubbed |= _stub_lines(src)
        if "remove-cell" in tags and 'find_spec("lossfns")' not in src or "solution" in tags:
            hidden.append(src)
            shown.append("")
        else:
            shown.append(src)
    whole = "\n\x00\n".join(shown)
    regions = _REGION.findall(whole) + [m.group(0) for m in _DIRECTIVE.finditer(whole)]
    hidden += regions
    for region in regions:
        whole = whole.replace(region, "")
    seen = {_norm(line) for line in whole.splitlines()} | {_norm(line) for line in stubbed}
    secret = {_norm(line) for h in hidden for line in h.splitlines()}
    return {line for line in secret - seen
            if len(line) >= 12 and "solution" not in line and "\x00" not in line}


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_a_lesson_leaks_nothing(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = instructor.student_notebook(nb, path.stem)
    text = _text(out)
    secrets = _secret_lines(nb)
    assert secrets, "the scan found no solution or hidden check at all"
    leaked = [s for s in secrets if s in {_norm(line) for line in text.splitlines()} or
              (len(s) >= 30 and s in text)]
    assert not leaked, leaked[:5]
    assert "{solution" not in text and "solution-start" not in text and "solution-end" not in text
    for c in out["cells"]:
        assert c.get("outputs", []) == [] and c.get("execution_count") is None
        assert not {"solution", "remove-cell"} & set(c["metadata"].get("tags", []))
        assert "execution" not in c["metadata"]


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_a_lesson_keeps_its_exercises_numbered_stubbed_and_checked(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = instructor.student_notebook(nb, path.stem)
    text = _text(out)
    chapter = int(path.stem[:2])
    lesson = instructor.read_lesson(nb, path.stem)
    assert lesson.exercises
    numbers = re.findall(r"\*\*Exercise (\d+\.\d+)\*\*", text)
    assert numbers == [f"{chapter}.{k}" for k in range(1, len(lesson.exercises) + 1)]
    code = [c for c in out["cells"] if c["cell_type"] == "code"]
    assert 'glob.glob("lossfns-*.whl")' in code[0]["source"]
    for ex in lesson.exercises:
        stub = next(c["source"] for c in code if re.search(rf"^def {ex.fn}\(", c["source"], re.M))
        assert "raise NotImplementedError" in stub
        assert any(f'check("{ex.name}", {ex.fn})' in c["source"] for c in code)


def test_build_student_writes_lessons_wheel_readme_and_zip(tmp_path):
    zip_path = instructor.build_student(str(ROOT / "chapters"), str(tmp_path / "student"),
                                        str(ROOT))
    folder = tmp_path / "student"
    assert sorted(p.name for p in folder.glob("*.ipynb")) == [p.name for p in LESSONS]
    wheels = list(folder.glob("lossfns-*-py3-none-any.whl"))
    assert len(wheels) == 1
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert f'pip install "./{wheels[0].name}[all]" torch==' in readme
    assert "jupyter lab" in readme and "requirements.txt" not in readme
    with zipfile.ZipFile(zip_path) as zf:
        names = set(zf.namelist())
    assert names == {f"student/{p.name}" for p in folder.iterdir()}
    with zipfile.ZipFile(wheels[0]) as whl:
        inside = whl.namelist()
    assert "lossfns/course/exercises/__init__.py" in inside
    assert any(n.startswith("lossfns/course/quizzes/") and n.endswith(".yml") for n in inside)
    assert not any(n.endswith(".ipynb") or n.startswith(("tests/", "chapters/")) for n in inside)
