"""Structure of the lessons: stripped, listed in the toc, following the lesson template.

(Executing them is nbval's job: `make nbval`.)
"""
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]
NOTEBOOKS = sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("appendix/*.ipynb"))
LESSONS = [p for p in NOTEBOOKS if re.match(r"\d\d_", p.name) and int(p.name[:2]) < 90]
MAX_VISIBLE_LINES = 15
MAX_LINE_LENGTH = 88  # what the book's code column shows without scrolling


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                files.append(e["file"])
            walk(e.get("sections"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return files


def test_there_are_lessons():
    assert LESSONS, "no chapters/NN_*.ipynb found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    for k, cell in enumerate(_cells(path)):
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"cell {k} has stored outputs"
            assert cell.get("execution_count") is None, f"cell {k} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_listed_in_toc_and_python3_kernel(path):
    assert f"{path.parent.name}/{path.stem}" in _toc_files()
    meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    assert meta.get("kernelspec", {}).get("name") == "python3"


def test_every_toc_entry_exists():
    for f in _toc_files():
        assert any((ROOT / f"{f}{ext}").exists() for ext in (".md", ".ipynb")), f


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_follows_the_template(path):
    md = "\n".join("".join(c["source"]) for c in _cells(path) if c["cell_type"] == "markdown")
    for needle in ("Learning objectives", "Prerequisites", "Time to learn", "预习",
                   "Misconception", "Key points (要点小结)", "Exercise", "知识测验"):
        assert needle in md, f"{path.name}: no '{needle}' section"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_code_is_short_and_checked(path):
    cells = _cells(path)
    code = [c for c in cells if c["cell_type"] == "code"]
    hidden_asserts = [c for c in code if "remove-cell" in c.get("metadata", {}).get("tags", [])
                      and "assert" in "".join(c["source"])]
    assert hidden_asserts, \
        f"{path.name}: no hidden (remove-cell) assert cell checks the text's claims"
    for k, c in enumerate(code):
        tags = c.get("metadata", {}).get("tags", [])
        src = "".join(c["source"])
        assert "sys.path" not in src, f"{path.name}: code cell {k} edits sys.path"
        if "remove-cell" in tags or "solution" in tags:
            continue
        n = len(src.rstrip("\n").splitlines())
        assert n <= MAX_VISIBLE_LINES, f"{path.name}: visible code cell {k} has {n} lines"


def _repository_url():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_first_code_cell_installs_lossfns_on_colab(path):
    """Colab/Binder launch the bare notebook: a hidden first cell installs the course package
    from the repository named in _config.yml when it is missing (a no-op where installed)."""
    first = next(c for c in _cells(path) if c["cell_type"] == "code")
    src = "".join(first["source"])
    assert "remove-cell" in first["metadata"].get("tags", [])
    assert 'find_spec("lossfns") is None' in src and "pip" in src
    assert f"git+{_repository_url()}" in src


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_visible_code_fits_the_book_column(path):
    long = []
    for k, c in enumerate(_cells(path)):
        tags = c.get("metadata", {}).get("tags", [])
        if c["cell_type"] != "code" or "remove-cell" in tags:
            continue
        long += [(k, len(line)) for line in "".join(c["source"]).splitlines()
                 if len(line) > MAX_LINE_LENGTH]
    assert not long, f"{path.name}: code lines longer than {MAX_LINE_LENGTH} (cell, length): {long}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_cites_its_sources(path):
    md = "\n".join("".join(c["source"]) for c in _cells(path) if c["cell_type"] == "markdown")
    keys = set(re.findall(r"\{cite(?::[pt])?\}`([^`]+)`", md))
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    known = set(re.findall(r"@\w+\{(\w+),", bib))
    cited = {k.strip() for group in keys for k in group.split(",")}
    assert cited <= known, f"{path.name} cites unknown keys {cited - known}"
    if int(path.name[:2]) > 1:  # chapter 1 is about definitions; every later lesson cites
        assert cited, f"{path.name} cites no reference ({{cite}}`key`)"
