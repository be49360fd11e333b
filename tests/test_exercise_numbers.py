"""_ext/exercise_numbers.py: the book numbers exercises per chapter (Exercise 2.1, 2.2, 3.1)."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]

pytest.importorskip("sphinx_exercise")

CHAPTER = """\
{title}
{line}

{exercises}
"""
EXERCISE = """\
.. exercise::
   :label: {label}

   Write the function {label}.

"""


def _project(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / '_ext')!r})\n"
        "extensions = ['sphinx_exercise', 'exercise_numbers']\n"
        "exclude_patterns = ['_build']\n", encoding="utf-8")
    (tmp_path / "index.rst").write_text(
        "Book\n====\n\n.. toctree::\n\n   chapters/02_regression\n   chapters/03_classification\n\n"
        "See :numref:`ex-pinball` and :ref:`ex-bce`.\n", encoding="utf-8")
    body = "".join(EXERCISE.format(label=lab) for lab in ("ex-huber", "ex-grad", "ex-pinball"))
    (tmp_path / "chapters" / "02_regression.rst").write_text(
        CHAPTER.format(title="2. Regression", line="=" * 20, exercises=body), encoding="utf-8")
    (tmp_path / "chapters" / "03_classification.rst").write_text(
        CHAPTER.format(title="3. Classification", line="=" * 20,
                       exercises=EXERCISE.format(label="ex-bce")),
        encoding="utf-8")


def test_exercises_restart_in_each_chapter(tmp_path):
    _project(tmp_path)
    out = tmp_path / "_build"
    run = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q", str(tmp_path),
                          str(out)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    ch2 = (out / "chapters" / "02_regression.html").read_text(encoding="utf-8")
    ch3 = (out / "chapters" / "03_classification.html").read_text(encoding="utf-8")
    numbers = lambda page: re.findall(r"Exercise (\d+(?:\.\d+)*)", page)  # noqa: E731
    assert sorted(set(numbers(ch2))) == ["2.1", "2.2", "2.3"]
    assert sorted(set(numbers(ch3))) == ["3.1"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Exercise 2.3" in index                     # a numbered reference follows
