"""The instructor kit: a student edition of the lessons and a printable answer key.

    python -m lossfns.course.instructor student chapters _build/student   # + _build/student.zip
    python -m lossfns.course.instructor answer-key chapters _build/instructor
    python -m lossfns.course.instructor student-check _build/student.zip [chapters [workdir]]
    python -m lossfns.course.nbgrader chapters _build/nbgrader             # an nbgrader course

How the lessons mark exercises (sphinx-exercise): an ``{exercise}`` directive with a
``:label: ex-<name>``, then the solution, either gated across cells
(``{solution-start} ex-<name>`` … ``{solution-end}``, with the code cells in between tagged
``solution``) or as one ``{solution}`` directive; then a code cell ``check("<name>", <fn>)``.
A gate or a directive may sit anywhere in a markdown cell, with backtick or colon fences.

The student edition is every lesson with

- outputs and execution counts removed;
- hidden cells (tag ``remove-cell``: the checks that assert the right answers) removed, except
  the install cell, which becomes a visible first code cell that installs ``lossfns`` from the
  wheel beside the notebook when it is missing;
- every solution removed: the text and code between the gates, ``{solution}`` directives, and
  solution code cells, which become stubs that keep each function's signature and docstring;
- each ``{exercise}`` directive turned into plain Markdown, "**Exercise 2.1**", numbered per
  chapter as the book numbers it (so it reads the same in Jupyter, JupyterLab and Colab);

plus the ``lossfns`` wheel, a README and a zip of the whole folder.
"""
from __future__ import annotations

import ast
import copy
import html
import json
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

STUB_BODY = "raise NotImplementedError  # your code here"
SOLUTION_DIRECTIVES = ("solution", "solution-start", "solution-end")
EXERCISE_DIRECTIVES = ("exercise", "exercise-start", "exercise-end")
#: What the student README and the install cell pin where the repository's requirements.txt
#: is not at hand (the versions the course is tested with).
DEFAULT_PINS = ("torch==2.13.0", "jupyterlab==4.5.11", "jupyterlab-myst==2.7.0")
REPOSITORY_SPEC = "lossfns[all] @ git+https://github.com/lossfns-course/loss-functions"

# An opening fence: ``` or ::: (3 or more), optionally a {directive} and its argument.
_OPEN = re.compile(r"^ {0,3}(?P<fence>`{3,}|:{3,})[ \t]*(?:\{(?P<name>[^}\s]+)\})?"
                   r"[ \t]*(?P<arg>[^\n]*?)[ \t]*\n?$")
_CLOSE = re.compile(r"^ {0,3}(?P<fence>`{3,}|:{3,})[ \t]*\n?$")
_OPTION = re.compile(r"^:(?P<key>[\w-]+):[ \t]*(?P<value>[^\n]*?)[ \t]*\n?$")
_CHECK_CALL = re.compile(r"""check\(\s*["'](?P<name>\w+)["']\s*,\s*(?P<fn>\w+)""")
_XREF = re.compile(r"\{(?:ref|numref|prf:ref)\}`(?:(?P<text>[^`<]*?)\s*<)?(?P<label>[^`<>]+)>?`")


# --------------------------------------------------------------------------------------------
# Reading a lesson: markdown blocks, the solution state across cells, the exercises
# --------------------------------------------------------------------------------------------
@dataclass
class Block:
    """A piece of a markdown cell: plain text, or a fenced block (a directive or code)."""
    kind: str                 # "text", "fence" (code, other directives), "exercise", "solution"…
    text: str                 # the raw lines of the block
    name: str = ""            # the directive's name
    arg: str = ""             # its argument (a title, or the label a solution refers to)
    options: dict = field(default_factory=dict)
    body: str = ""            # the directive's content after its options
    hidden: bool = False      # inside a solution (between the gates, or a {solution} directive)


@dataclass
class LessonExercise:
    """One exercise as the lesson states and solves it."""
    label: str
    number: str               # "2.1": the chapter's number, then the exercise's place in it
    title: str                # the directive's argument, if any
    statement: str            # the directive's content
    solution_code: list = field(default_factory=list)     # sources of the solution code cells
    solution_text: list = field(default_factory=list)     # the solution's explanation (Markdown)
    solution_cells: list = field(default_factory=list)    # their indices in the notebook
    name: str | None = None   # the checker's name, from the check("name", fn) cell
    fn: str | None = None     # the function the student writes
    check_cell: int | None = None
    imports: str = ""         # the lesson's import statements before the exercise


def _split_options(lines: list[str]) -> tuple[dict, str]:
    """A directive's ``:key: value`` (or ``---`` YAML) options and the rest of its content."""
    options, i = {}, 0
    if lines and lines[0].strip() == "---":
        end = next((k for k in range(1, len(lines)) if lines[k].strip() == "---"), None)
        if end is not None:
            for line in lines[1:end]:
                key, _, value = line.partition(":")
                options[key.strip()] = value.strip()
            i = end + 1
    else:
        while i < len(lines) and (m := _OPTION.match(lines[i])):
            options[m["key"]] = m["value"]
            i += 1
    return options, "".join(lines[i:]).strip("\n")


def split_markdown(text: str, hidden: bool = False) -> tuple[list[Block], bool]:
    """The blocks of a markdown cell, given whether it starts inside a gated solution.

    Returns the blocks and whether the cell ends inside a gated solution. Inside a fence only
    its closing fence counts (the same character, at least as long), as in CommonMark and MyST.
    """
    lines = text.splitlines(keepends=True)
    blocks: list[Block] = []
    plain: list[str] = []

    def flush():
        if plain:
            blocks.append(Block("text", "".join(plain), hidden=hidden))
            plain.clear()

    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if not m or (m["fence"][0] == "`" and "`" in m["arg"]):
            plain.append(lines[i])
            i += 1
            continue
        flush()
        fence = m["fence"]
        j = i + 1
        while j < len(lines):
            c = _CLOSE.match(lines[j])
            if c and c["fence"][0] == fence[0] and len(c["fence"]) >= len(fence):
                break
            j += 1
        content = lines[i + 1:j]
        raw = "".join(lines[i:j + 1])
        name = m["name"] or ""
        options, body = _split_options(content) if name else ({}, "".join(content))
        if name in SOLUTION_DIRECTIVES:
            if name == "solution-start":
                hidden = True
            blocks.append(Block(name, raw, name, m["arg"], options, body, hidden=True))
            if name == "solution-end":
                hidden = False
        elif name in EXERCISE_DIRECTIVES:
            blocks.append(Block(name, raw, name, m["arg"], options, body, hidden=hidden))
        else:
            blocks.append(Block("fence", raw, name, m["arg"], options, body, hidden=hidden))
        i = j + 1
    flush()
    return blocks, hidden


def chapter_number(stem: str) -> int | None:
    """The chapter number of a lesson file name: ``02_regression_losses`` → 2."""
    m = re.match(r"(\d+)_", stem)
    return int(m.group(1)) if m else None


@dataclass
class Lesson:
    """A lesson read cell by cell: which parts are solutions, and its exercises."""
    nb: dict
    stem: str
    blocks: dict              # cell index → list[Block] (markdown cells)
    solution_cells: set       # indices of code cells that are solution code
    exercises: list           # LessonExercise, in order


def _source(cell) -> str:
    src = cell.get("source", "")
    return src if isinstance(src, str) else "".join(src)


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def _import_lines(source: str) -> list[str]:
    """The top-level import statements of a code cell (none if it is not valid Python)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    lines = source.splitlines()
    return ["\n".join(lines[node.lineno - 1:node.end_lineno]) for node in tree.body
            if isinstance(node, (ast.Import, ast.ImportFrom))]


def read_lesson(nb: dict, stem: str = "") -> Lesson:
    """Read notebook `nb` (a lesson named `stem`): its solution parts and its exercises."""
    number = chapter_number(stem)
    blocks, solution_cells, exercises = {}, set(), []
    hidden = False
    current: LessonExercise | None = None
    by_label: dict = {}
    imports: list = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            blocks[i], hidden_after = split_markdown(_source(cell), hidden)
            for b in blocks[i]:
                if b.kind in ("exercise", "exercise-start") and "nonumber" not in b.options:
                    label = b.options.get("label", "")
                    k = len(exercises) + 1
                    current = LessonExercise(label, f"{number}.{k}" if number else str(k),
                                             b.arg, b.body, imports="\n".join(imports))
                    exercises.append(current)
                    by_label[label] = current
                elif b.kind == "solution" or (b.hidden and b.kind in ("text", "fence")):
                    target = (by_label.get(b.arg.strip(), current) if b.kind == "solution"
                              else current)
                    text = b.body if b.kind == "solution" else b.text
                    if target is not None and text.strip():
                        target.solution_text.append(text.strip("\n"))
                elif b.kind == "solution-start" and b.arg.strip() in by_label:
                    current = by_label[b.arg.strip()]
            hidden = hidden_after
        elif cell["cell_type"] == "code":
            src = _source(cell)
            if hidden or "solution" in _tags(cell):
                solution_cells.add(i)
                if current is not None:
                    current.solution_code.append(src)
                    current.solution_cells.append(i)
            elif current is not None and current.check_cell is None \
                    and (m := _CHECK_CALL.search(src)):
                current.name, current.fn, current.check_cell = m["name"], m["fn"], i
            if "remove-cell" not in _tags(cell) and i not in solution_cells:
                imports.extend(_import_lines(src))
    for ex in exercises:
        if ex.name is None and ex.label.startswith("ex-"):
            ex.name = ex.label[3:]
    return Lesson(nb, stem, blocks, solution_cells, exercises)


# --------------------------------------------------------------------------------------------
# Solution code → stub
# --------------------------------------------------------------------------------------------
def _definitions(source: str, body):
    """Imports and function definitions of `source`, each function's body made by `body`.

    ``body(lines, indent)`` gets the body's source lines (after the docstring) and the
    indentation; other top-level statements (the lesson's demonstration lines) are dropped.
    """
    tree = ast.parse(source)
    lines = source.splitlines()
    out = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):  # the stub still needs its imports
            out.extend(lines[node.lineno - 1:node.end_lineno])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body0 = node.body[0]
            has_doc = (isinstance(body0, ast.Expr) and isinstance(body0.value, ast.Constant)
                       and isinstance(body0.value.value, str))
            start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
            head_end = body0.end_lineno if has_doc else body0.lineno - 1
            out.extend(lines[start:head_end])
            indent = " " * body0.col_offset
            rest = lines[head_end:node.end_lineno]
            out.extend(body(rest, indent))
            out.append("")
            out.append("")
    return "\n".join(out).rstrip() + "\n" if out else ""


def stub_source(source: str) -> str:
    """The stub of a solution cell: every top-level function keeps its signature and docstring."""
    stub = _definitions(source, lambda rest, indent: [f"{indent}{STUB_BODY}"])
    return stub or "# your code here\n"


def definitions_source(source: str) -> str:
    """The imports and functions of a solution cell, without its demonstration lines."""
    return _definitions(source, lambda rest, indent: rest)


def model_solution(ex: LessonExercise, namespace: dict | None = None):
    """The function the lesson's solution of `ex` defines: the lesson's imports, then the
    solution's imports and functions, executed in `namespace` (by default a new one)."""
    import lossfns

    ns = {"lossfns": lossfns} if namespace is None else namespace
    exec(compile(ex.imports, f"<imports of {ex.label}>", "exec"), ns)
    for src in ex.solution_code:
        exec(compile(definitions_source(src), f"<solution of {ex.label}>", "exec"), ns)
    return ns[ex.fn]


def lesson_exercises(chapters: str | Path = "chapters") -> list[LessonExercise]:
    """Every exercise of every lesson in folder `chapters`, in order."""
    out = []
    for path in lesson_paths(chapters):
        out.extend(read_lesson(json.loads(path.read_text(encoding="utf-8")), path.stem).exercises)
    return out


# --------------------------------------------------------------------------------------------
# The student edition
# --------------------------------------------------------------------------------------------
def _exercise_markdown(b: Block, ex: LessonExercise | None) -> str:
    number = ex.number if ex else ""
    head = f"**Exercise {number}**" if number else "**Exercise**"
    if b.arg.strip():
        head += f" ({b.arg.strip()})"
    return f"{head}\n\n{b.body.strip()}\n" if b.body.strip() else f"{head}\n"


def _replace_xrefs(text: str, numbers: dict) -> str:
    """{ref}`ex-huber` → "Exercise 2.1" (plain Jupyter shows MyST roles as they are typed)."""
    def sub(m):
        if m["label"] not in numbers:
            return m.group(0)
        return m["text"] or f"Exercise {numbers[m['label']]}"
    return _XREF.sub(sub, text)


def install_cell_source(original: str = "", pins=DEFAULT_PINS) -> str:
    """The student edition's first code cell: install lossfns from the wheel beside it."""
    m = re.search(r'"(lossfns\[all\] @ git\+[^"]+)"', original)
    fallback = m.group(1) if m else REPOSITORY_SPEC
    torch_pin = next((p for p in pins if p.startswith("torch")), "torch")
    return (
        "# Installs the course package from the wheel in this folder when it is missing (a fresh\n"
        "# kernel, Colab); from the repository if the notebook travels alone. Does nothing where\n"
        "# lossfns is already installed.\n"
        "import glob, importlib.util, subprocess, sys\n"
        "if importlib.util.find_spec(\"lossfns\") is None:\n"
        "    wheels = sorted(glob.glob(\"lossfns-*.whl\"))\n"
        f"    spec = (wheels[-1] + \"[all]\" if wheels else\n"
        f"            \"{fallback}\")\n"
        f"    torch = [] if importlib.util.find_spec(\"torch\") else [\"{torch_pin}\"]\n"
        "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"-q\", spec, *torch],\n"
        "                   check=True)\n")


def _is_install_cell(cell) -> bool:
    src = _source(cell)
    return cell["cell_type"] == "code" and "find_spec(\"lossfns\")" in src and "pip" in src


def _clean_code_cell(cell, source: str, tags: list) -> dict:
    meta = {k: v for k, v in cell.get("metadata", {}).items() if k not in ("execution", "tags")}
    if tags:
        meta["tags"] = tags
    return {"cell_type": "code", "execution_count": None, "id": cell.get("id"), "metadata": meta,
            "outputs": [], "source": source}


def _markdown_cell(cell, text: str) -> dict:
    meta = {k: v for k, v in cell.get("metadata", {}).items() if k != "tags"}
    tags = [t for t in _tags(cell) if t != "solution"]
    if tags:
        meta["tags"] = tags
    return {"cell_type": "markdown", "id": cell.get("id"), "metadata": meta, "source": text}


#: The lessons' sentence about their solutions, as the student edition (which has none) says it.
_DROPDOWN_SENTENCE = (
    re.compile(r"Each exercise has a solution in a dropdown; try it yourself first\."),
    "Write each function in the cell below its exercise.")


def _visible_markdown(lesson: Lesson, i: int, exercise_of: dict, numbers: dict) -> str:
    parts = []
    for b in lesson.blocks[i]:
        if b.hidden or b.kind in SOLUTION_DIRECTIVES or b.kind == "exercise-end":
            continue
        if b.kind in ("exercise", "exercise-start"):
            parts.append(_exercise_markdown(b, exercise_of.get(id(b))))
        else:
            parts.append(b.text)
    text = re.sub(r"\n{3,}", "\n\n", "".join(parts)).strip("\n")
    text = _DROPDOWN_SENTENCE[0].sub(_DROPDOWN_SENTENCE[1], text)
    return _replace_xrefs(text, numbers)


def _exercise_blocks(lesson: Lesson) -> dict:
    """id(Block) → its LessonExercise, for the numbered exercise directives."""
    out, k = {}, 0
    for i in sorted(lesson.blocks):
        for b in lesson.blocks[i]:
            if b.kind in ("exercise", "exercise-start") and "nonumber" not in b.options:
                out[id(b)] = lesson.exercises[k]
                k += 1
    return out


def transform_lesson(nb: dict, stem: str, solution_cell, pins=DEFAULT_PINS) -> dict:
    """A copy of lesson `nb` without solutions, hidden cells or outputs (the module docstring).

    ``solution_cell(cell, source, lesson)`` returns the cell to put in place of a solution code
    cell (or None to drop it): a stub for the student edition, a graded cell for nbgrader.
    """
    lesson = read_lesson(copy.deepcopy(nb), stem)
    exercise_of = _exercise_blocks(lesson)
    numbers = {ex.label: ex.number for ex in lesson.exercises if ex.label}
    cells, installed = [], False
    written = {}    # the functions of the exercises seen so far → their numbers
    for i, cell in enumerate(lesson.nb["cells"]):
        for ex in lesson.exercises:
            if ex.fn and ex.solution_cells and ex.solution_cells[0] == i:
                written[ex.fn] = ex.number
        tags = _tags(cell)
        if cell["cell_type"] == "code" and _is_install_cell(cell) and not installed:
            cells.append(_clean_code_cell(cell, install_cell_source(_source(cell), pins), []))
            installed = True
            continue
        if "remove-cell" in tags:
            continue
        if cell["cell_type"] == "markdown":
            text = _visible_markdown(lesson, i, exercise_of, numbers)
            if text.strip():
                cells.append(_markdown_cell(cell, text))
        elif cell["cell_type"] == "code":
            if i in lesson.solution_cells:
                new = solution_cell(cell, _source(cell), lesson)
                if new is not None:
                    cells.append(new)
            else:
                source = _source(cell)
                if not _CHECK_CALL.search(source):
                    source = guard_source(source, written)
                cells.append(_clean_code_cell(cell, source, tags))
        # raw cells are dropped: the book does not show them either
    if not installed:  # a lesson without the install cell still gets one, first of its code
        first = next((k for k, c in enumerate(cells) if c["cell_type"] == "code"), len(cells))
        cells.insert(first, {"cell_type": "code", "execution_count": None,
                             "id": "install-lossfns", "metadata": {}, "outputs": [],
                             "source": install_cell_source("", pins)})
    out = {k: v for k, v in lesson.nb.items() if k != "cells"}
    out["cells"] = cells
    out["metadata"] = {k: v for k, v in nb.get("metadata", {}).items()
                       if k in ("kernelspec", "language_info")}
    return out


def guard_source(source: str, written: dict) -> str:
    """A cell that calls a function students write in an earlier exercise, made to say so
    (not to crash "Run all") while that function is still a stub::

        try:
            <the cell; its last expression displayed>
        except NotImplementedError:
            print("This cell uses laplace_nll: it runs once Exercise 5.1 is done.")

    Cells that call none of them are returned as they are.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    used = sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} & set(written))
    multiline_text = any(isinstance(n, (ast.Constant, ast.JoinedStr)) and n.lineno != n.end_lineno
                         for n in ast.walk(tree))   # indenting would change such a string
    if not used or not tree.body or multiline_text:
        return source
    lines = source.rstrip("\n").splitlines()
    last = tree.body[-1]
    is_print = (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
                and getattr(last.value.func, "id", "") == "print")
    if isinstance(last, ast.Expr) and not is_print and last.lineno == last.end_lineno:
        k = last.lineno - 1   # keep showing the value of a last expression, as Jupyter does
        lines[k] = lines[k][:last.col_offset] + f"display({lines[k][last.col_offset:]})"
    names = " and ".join(used)
    numbers = ", ".join(sorted({written[f] for f in used}))
    body = "\n".join(f"    {line}" if line.strip() else "" for line in lines)
    return (f"try:\n{body}\nexcept NotImplementedError:\n"
            f"    print(\"This cell uses {names}: it runs once Exercise {numbers} is done.\")\n")


def _student_solution_cell(cell, source, lesson):
    tags = [t for t in _tags(cell) if t not in ("solution", "remove-cell")]
    return _clean_code_cell(cell, stub_source(source), tags + ["exercise"])


def student_notebook(nb: dict, stem: str = "", pins=DEFAULT_PINS) -> dict:
    """A copy of notebook `nb` (lesson `stem`, e.g. "02_regression_losses") for students."""
    return transform_lesson(nb, stem, _student_solution_cell, pins)


def lesson_paths(src: str | Path) -> list[Path]:
    """The lessons of folder `src`: ``NN_topic.ipynb``, in chapter order."""
    return sorted(Path(src).glob("[0-9][0-9]_*.ipynb"))


def requirement_pins(root: str | Path | None) -> tuple:
    """torch, jupyterlab and jupyterlab-myst as pinned in `root`/requirements.txt (or defaults)."""
    req = Path(root) / "requirements.txt" if root else None
    if not req or not req.exists():
        return DEFAULT_PINS
    wanted = {p.split("==")[0]: p for p in DEFAULT_PINS}
    for line in req.read_text(encoding="utf-8").splitlines():
        name = line.split("==")[0].strip().lower()
        if name in wanted and "==" in line:
            wanted[name] = line.split("#")[0].strip()
    return tuple(wanted.values())


def build_wheel(root: str | Path, dest: Path) -> Path:
    """Build the lossfns wheel of the project at `root` into `dest` (old wheels removed)."""
    for old in dest.glob("lossfns-*.whl"):
        old.unlink()
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(dest), str(root)], check=True)
    wheels = sorted(dest.glob("lossfns-*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"expected one lossfns wheel in {dest}; found {wheels}")
    return wheels[0]


README = """\
Loss functions: an executable course. Student edition
=====================================================

This folder is all you need: the lessons (NN_*.ipynb), the course package `lossfns` as a wheel
({wheel}) and this file. Python 3.10 or later; a virtual environment is best
(python -m venv venv, then: source venv/bin/activate, or venv\\Scripts\\activate on Windows).

1. In this folder, install the package and what the lessons use:

   python -m pip install "./{wheel}[all]" {pins}

2. Open the lessons:

   jupyter lab

Run each lesson from the top. Exercises are functions to write: replace
`raise NotImplementedError` with your code, then run the `check(...)` cell below it. It tries
your function on several inputs, edge cases included, and tells you which input failed, what
was expected and what came back, or that all cases pass. Until you have written something it
says "not done yet". Calling the library's own version of the function you are asked to write
(e.g. lossfns.huber in the Huber exercise) is reported, not accepted.
"""


def build_student(src: str = "chapters", dest: str = "_build/student",
                  root: str | None = None) -> Path:
    """Write the student edition of every lesson in `src` to `dest`, plus `dest`.zip.

    `root` is the project to build the wheel from (default: the parent of `src`, when it holds a
    pyproject.toml); without one the edition has no wheel and its install cells fall back to
    the repository.
    """
    src_p, dest_p = Path(src), Path(dest)
    root_p = Path(root) if root else src_p.resolve().parent
    if dest_p.exists():
        shutil.rmtree(dest_p)
    dest_p.mkdir(parents=True)
    pins = requirement_pins(root_p)
    written = []
    for path in lesson_paths(src_p):
        nb = json.loads(path.read_text(encoding="utf-8"))
        out = dest_p / path.name
        out.write_text(json.dumps(student_notebook(nb, path.stem, pins), ensure_ascii=False,
                                  indent=1) + "\n", encoding="utf-8")
        written.append(out)
    if (root_p / "pyproject.toml").exists():
        wheel = build_wheel(root_p, dest_p)
        written.append(wheel)
        readme_text = README.format(wheel=wheel.name, pins=" ".join(pins))
    else:
        readme_text = README.format(wheel="lossfns-<version>-py3-none-any.whl",
                                    pins=" ".join(pins))
    readme = dest_p / "README.txt"
    readme.write_text(readme_text, encoding="utf-8")
    written.append(readme)
    zip_path = dest_p.with_suffix(".zip")
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in written:
            zf.write(f, f"{dest_p.name}/{f.name}")
    return zip_path


# --------------------------------------------------------------------------------------------
# The answer key
# --------------------------------------------------------------------------------------------
#: The source notes are cited by the quiz bank by file name; the key says "the original lecture
#: notes" instead (instructors have no use for the internal file names).
_SOURCE_LINE = re.compile(r"<small>source: (?P<src>[^<]*)</small>\n?")
_SOURCE_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")


def _source_note(m) -> str:
    src = m["src"].strip()
    if src in ("", "new"):
        return ""
    return "<small>From the original lecture notes.</small>\n"


def _quiz_markdown(chapter: str) -> str:
    from . import quiz

    text = _SOURCE_LINE.sub(_source_note, quiz.answer_key_markdown(chapter))
    return _SOURCE_FILE.sub("the original lecture notes", text)


def _hidden_checks(lesson: Lesson) -> list[str]:
    """The lesson's hidden assert cells that follow its first exercise (they check the answers)."""
    first = min((ex.solution_cells[0] for ex in lesson.exercises if ex.solution_cells),
                default=None)
    if first is None:
        return []
    return [_source(c) for i, c in enumerate(lesson.nb["cells"])
            if i > first and c["cell_type"] == "code" and "remove-cell" in _tags(c)
            and not _is_install_cell(c)]


def answer_key_markdown(chapters: str | Path = "chapters") -> str:
    """The answer key as Markdown: per lesson its time, quiz answers and model solutions."""
    from . import exercises, quiz
    from .buildinfo import lesson_summaries

    summaries = {s["stem"]: s for s in lesson_summaries(str(chapters))}
    parts = ["# Answer key 答案\n",
             "For every lesson: the time it takes, every quiz answer with its explanation in "
             "English and Chinese, and every exercise's model solution (the lesson's own, "
             "written from scratch) with its explanation and the checks that grade it. "
             "Generated from the lessons and the quiz bank; keep it away from students.\n"]
    stems = [p.stem for p in lesson_paths(chapters)]
    for stem in stems + [c for c in quiz.chapters() if c not in stems]:
        s = summaries.get(stem, {})
        parts.append(f"\n## {s.get('title', stem)}\n")
        if s.get("time_to_learn"):   # (the paragraph, not a heading of the next cell after it)
            time_to_learn = re.split(r"\s#{1,6}\s", s["time_to_learn"])[0].strip()
            parts.append(f"**Time to learn.** {time_to_learn}\n")
        path = Path(chapters) / f"{stem}.ipynb"
        lesson = read_lesson(json.loads(path.read_text(encoding="utf-8")), stem) \
            if path.exists() else None
        if lesson and lesson.exercises:
            parts.append("### Exercises 练习\n")
            for ex in lesson.exercises:
                parts.append(_exercise_key(ex, exercises))
            hidden = _hidden_checks(lesson)
            if hidden:
                parts.append("#### Hidden checks of the exercises\n\nRun by the test suite and "
                             "the book build (tag `remove-cell`; not in the student edition):\n")
                parts.extend(f"```python\n{src.rstrip()}\n```\n" for src in hidden)
        if stem in quiz.chapters():
            parts.append("### Quiz 知识测验\n")
            parts.append(_quiz_markdown(stem))
    return "\n".join(parts)


def _exercise_key(ex: LessonExercise, exercises) -> str:
    title = ex.title
    checker = None
    if ex.name:
        try:
            checker = exercises.get(ex.name)
        except ValueError:
            checker = None
    if not title and checker:
        title = checker.title
    out = [f"#### Exercise {ex.number}" + (f": {title}" if title else "") + "\n",
           ex.statement.strip() + "\n",
           "**Model solution** (from the lesson):\n"]
    out.extend(f"```python\n{src.rstrip()}\n```\n" for src in ex.solution_code)
    if ex.solution_text:
        out.append("**Explanation.** " + "\n\n".join(t.strip() for t in ex.solution_text) + "\n")
    if checker:
        cases = checker.cases()
        labels = "; ".join(c.label for c in cases if c.label)
        out.append(f"**Checks.** `check(\"{ex.name}\", {ex.fn or ex.name})` runs "
                   f"{len(cases)} cases: {labels}.\n")
        if checker.forbidden:
            names = ", ".join(f"`lossfns.{n}`" for n in checker.forbidden)
            out.append(f"A submission that calls {names} is refused as a shortcut.\n")
        out.append(f"Hint shown after a wrong attempt (not in graded mode): {checker.hint}\n")
    return "\n".join(out)


_STYLE = ("body{font-family:system-ui,'Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif;"
          "max-width:52em;margin:2em auto;padding:0 1em;line-height:1.5}"
          "pre{background:#f6f8fa;padding:.6em;overflow-x:auto}"
          "h2{page-break-before:always;border-bottom:1px solid #ccc}"
          "h2:first-of-type{page-break-before:auto}"
          "@media print{pre{white-space:pre-wrap}body{margin:0}}")
_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?=\S)([^$]+?)(?<=\S)\$(?![\w$])")
_FENCED = re.compile(r"^(`{3,}).*?^\1[ \t]*$", re.S | re.M)
#: MathJax (the es5 build of the pinned ``django-static-mathjax``, as the book uses) is copied
#: beside the key when it is installed, so formulas are typeset offline and in the PDF; without
#: it they stay readable TeX between \( \).
_MATHJAX_PARTS = ("tex-chtml.js", "input/tex/extensions", "output/chtml", "ui", "a11y",
                  "sre/mathmaps/en.json", "adaptors")


def _protect_math(text: str) -> tuple[str, list]:
    """Math replaced by placeholders (Markdown would eat its backslashes), outside code blocks."""
    found = []

    def keep(m, display):
        found.append(("\\[" if display else "\\(") + m.group(1).strip()
                     + ("\\]" if display else "\\)"))
        return f"MATHPLACEHOLDER{len(found) - 1}X"

    out, last = [], 0
    for code in _FENCED.finditer(text):
        out.append(text[last:code.start()])
        out.append(code.group(0))
        last = code.end()
    out.append(text[last:])
    for k in range(0, len(out), 2):   # the even pieces lie outside code blocks
        piece = _DISPLAY_MATH.sub(lambda m: keep(m, True), out[k])
        out[k] = _INLINE_MATH.sub(lambda m: keep(m, False), piece)
    return "".join(out), found


def mathjax_dir():
    """The folder of MathJax's es5 build (package ``mathjax`` of django-static-mathjax), or None."""
    import importlib.util

    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax" / "es5"
    return root if (root / "tex-chtml.js").is_file() else None


def answer_key_html(chapters: str | Path = "chapters", mathjax: str | None = None) -> str:
    """The answer key (`answer_key_markdown`) as one HTML page; `mathjax`: the URL of
    tex-chtml.js to typeset the formulas with (else they stay TeX)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    text, math = _protect_math(answer_key_markdown(chapters))
    body = md.render(text)
    body = re.sub(r"MATHPLACEHOLDER(\d+)X", lambda m: html.escape(math[int(m.group(1))]), body)
    script = ""
    if mathjax:
        script = ("<script>window.MathJax={tex:{inlineMath:[['\\\\(','\\\\)']],"
                  "displayMath:[['\\\\[','\\\\]']]}};</script>"
                  f"<script defer src=\"{mathjax}\"></script>")
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Answer key</title><style>{_STYLE}</style>{script}</head>"
            f"<body>{body}</body></html>\n")


def find_chromium() -> str | None:
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html_path: Path, pdf_path: Path, browser: str | None = None) -> bool:
    """Print `html_path` to `pdf_path` with headless Chromium; False where there is none."""
    browser = browser or find_chromium()
    if not browser:
        return False
    import tempfile

    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                        "--no-pdf-header-footer", "--virtual-time-budget=20000",
                        f"--print-to-pdf={pdf_path}",
                        html_path.resolve().as_uri()],
                       check=True, capture_output=True, timeout=120)
    return pdf_path.exists() and pdf_path.stat().st_size > 0


def write_answer_key(chapters: str | Path, out: str | Path, pdf: bool = True) -> Path:
    """answer_key.html (with MathJax beside it when installed) and answer_key.pdf in `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    source, url = mathjax_dir(), None
    if source is not None:
        for part in _MATHJAX_PARTS:
            src, dest = source / part, out / "mathjax" / part
            dest.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dest, dirs_exist_ok=True)
            elif src.exists():
                shutil.copy2(src, dest)
        url = "mathjax/tex-chtml.js"
    page = out / "answer_key.html"
    page.write_text(answer_key_html(chapters, url), encoding="utf-8")
    if pdf:
        if html_to_pdf(page, out / "answer_key.pdf"):
            print(f"answer key (PDF): {out / 'answer_key.pdf'}")
        else:
            print("no Chromium found: answer_key.pdf not written (print the HTML page instead)",
                  file=sys.stderr)
    return page


# --------------------------------------------------------------------------------------------
# The student edition, tried as a student would
# --------------------------------------------------------------------------------------------
def student_check(zip_path: str | Path, chapters: str | Path | None = None,
                  work: str | Path | None = None, timeout: int = 600) -> dict:
    """Unzip the student edition into a new folder, make a fresh virtual environment, run the
    README's install command there (nothing from the repository), then run every notebook to
    the end with untouched stubs; with `chapters`, also write the answer key with the
    installed package. Returns {step: seconds}; raises on the first failure."""
    import tempfile
    import time

    work = Path(tempfile.mkdtemp(prefix="student-check-")) if work is None else Path(work)
    work.mkdir(parents=True, exist_ok=True)
    work = work.resolve()    # the steps run in other folders
    times = {}
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(work)
        top = {Path(n).parts[0] for n in zf.namelist()}
    if len(top) != 1:
        raise RuntimeError(f"the zip should hold one folder; it holds {sorted(top)}")
    folder, venv = work / top.pop(), work / "venv"
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    install = next(line.strip() for line in readme.splitlines()
                   if line.strip().startswith("python -m pip install"))
    env = {k: v for k, v in __import__("os").environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(PATH=f"{venv / 'bin'}:{env.get('PATH', '')}", OMP_NUM_THREADS="1",
               PYDEVD_DISABLE_FILE_VALIDATION="1")

    def run(cmd, step, cwd=folder):
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout, shell=isinstance(cmd, str))
        times[step] = round(time.perf_counter() - start, 1)
        if done.returncode != 0:
            raise RuntimeError(f"{step} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done

    run([sys.executable, "-m", "venv", str(venv)], "venv", cwd=work)
    python = venv / "bin" / "python"
    if not python.is_file() or shutil.which("python", path=env["PATH"]) != str(python):
        raise RuntimeError(f"no fresh environment at {venv}: not installing anything elsewhere")
    # the README's command, with "python" spelled out as the fresh environment's
    run(install.replace("python", shlex.quote(str(python)), 1) + " -q", "install (README command)")
    where = run([str(venv / "bin" / "python"), "-c", "import lossfns; print(lossfns.__file__)"],
                "import").stdout.strip()
    if not where.startswith(str(venv)):
        raise RuntimeError(f"lossfns was imported from {where}, not from the fresh environment")
    executed = work / "executed"
    for nb in sorted(folder.glob("*.ipynb")):
        run([str(venv / "bin" / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
             f"--ExecutePreprocessor.timeout={timeout}", "--output-dir", str(executed),
             nb.name], nb.stem)
        out = json.loads((executed / nb.name).read_text(encoding="utf-8"))
        checks = [c for c in out["cells"] if c["cell_type"] == "code"
                  and _CHECK_CALL.search(_source(c))]
        for c in checks:
            shown = json.dumps(c.get("outputs", []), ensure_ascii=False)
            if "not done yet" not in shown:
                raise RuntimeError(f"{nb.name}: a check cell does not say 'not done yet': "
                                   f"{shown[:300]}")
    if chapters is not None:
        run([str(venv / "bin" / "python"), "-m", "lossfns.course.instructor", "answer-key",
             str(Path(chapters).resolve()), str(work / "answer_key")], "answer key", cwd=work)
    return times


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["student-check"] and len(argv) in (2, 3, 4):
        times = student_check(*argv[1:])
        for step, seconds in times.items():
            print(f"{seconds:7.1f} s  {step}")
        print(f"{sum(times.values()):7.1f} s  in all: the student edition installs and runs")
        return 0
    if argv[:1] == ["student"] and len(argv) in (3, 4):
        print(f"student edition: {build_student(*argv[1:])}")
        return 0
    if argv[:1] == ["answer-key"] and len(argv) in (2, 3):
        chapters, out = (argv[1], argv[2]) if len(argv) == 3 else ("chapters", argv[1])
        print(f"answer key: {write_answer_key(chapters, out)}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
