"""The instructor kit: a student edition of the lessons and a printable answer key.

    python -m lossfns.instructor student chapters _build/student   # notebooks + a zip
    python -m lossfns.instructor answer-key _build/instructor      # answer_key.html

The student edition is every lesson with outputs removed, hidden check cells (tag ``remove-cell``)
removed, solution cells (tag ``solution``) replaced by stubs that keep each function's signature
and docstring, and the solution text blocks (``{solution}`` / ``{solution-start}``) removed.
"""
from __future__ import annotations

import ast
import html
import json
import re
import sys
import zipfile
from pathlib import Path

STUB_BODY = "raise NotImplementedError  # your code here"
_SOLUTION_FENCE = re.compile(r"(`{3,}|:{3,})\{solution(?:-start)?\}.*?\n\1[ \t]*(?:\n|$)", re.S)
_SOLUTION_GATE = re.compile(r"^\s*(`{3,}|:{3,})\{solution-(start|end)\}")


def stub_source(source: str) -> str:
    """The stub of a solution cell: every top-level function keeps its signature and docstring."""
    tree = ast.parse(source)
    lines = source.splitlines()
    out = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):  # the stub still needs its imports
            out.extend(lines[node.lineno - 1:node.end_lineno])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body0 = node.body[0]
            has_doc = (isinstance(body0, ast.Expr) and isinstance(getattr(body0, "value", None), ast.Constant)
                       and isinstance(body0.value.value, str))
            start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
            head_end = body0.end_lineno if has_doc else body0.lineno - 1
            out.extend(lines[start:head_end])
            indent = " " * (body0.col_offset)
            out.append(f"{indent}{STUB_BODY}")
            out.append("")
    if not out:
        return "# your code here\n"
    return "\n".join(out).rstrip() + "\n"


def _is_solution_gate(cell) -> bool:
    return cell["cell_type"] == "markdown" and bool(_SOLUTION_GATE.match("".join(cell["source"])))


def student_notebook(nb: dict) -> dict:
    """A copy of notebook `nb` as a student receives it (see the module docstring)."""
    nb = json.loads(json.dumps(nb))
    cells = []
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if "remove-cell" in tags or _is_solution_gate(cell):
            continue
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
            if "solution" in tags:
                cell["source"] = stub_source("".join(cell["source"]))
                cell["metadata"]["tags"] = [t for t in tags if t != "solution"] + ["exercise"]
        elif cell["cell_type"] == "markdown":
            text = _SOLUTION_FENCE.sub("", "".join(cell["source"]))
            if not text.strip():
                continue
            cell["source"] = text
        cells.append(cell)
    nb["cells"] = cells
    return nb


def build_student(src: str = "chapters", dest: str = "_build/student") -> Path:
    """Write the student edition of every lesson in `src` to `dest`, plus `dest`.zip."""
    src_p, dest_p = Path(src), Path(dest)
    dest_p.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(src_p.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        out = dest_p / path.name
        out.write_text(json.dumps(student_notebook(nb), ensure_ascii=False, indent=1) + "\n",
                       encoding="utf-8")
        written.append(out)
    readme = dest_p / "README.txt"
    readme.write_text("Student edition of the loss-functions course. Install the course package with\n"
                      "  pip install -r requirements.txt   (or: pip install lossfns[all])\n"
                      "then open the notebooks in Jupyter. Exercises end with a check(...) call that\n"
                      "tells you whether your function is right.\n", encoding="utf-8")
    zip_path = dest_p.with_suffix(".zip")
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in written + [readme]:
            zf.write(f, f"student/{f.name}")
    return zip_path


def answer_key_html() -> str:
    """Every quiz answer with its explanation and every exercise's reference solution."""
    import inspect

    from markdown_it import MarkdownIt

    from . import exercises, quiz

    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    parts = ["# Answer key 答案\n", "Quiz answers and exercise solutions for every chapter. "
             "Generated from the quiz bank and the exercise checkers of `lossfns`.\n"]
    chapters = sorted(set(quiz.chapters()) | {exercises.get(n).chapter for n in exercises.available()})
    for ch in chapters:
        parts.append(f"\n## {ch}\n")
        if ch in quiz.chapters():
            parts.append("### Quiz 知识测验\n")
            parts.append(quiz.answer_key_markdown(ch))
        names = exercises.available(ch)
        if names:
            parts.append("### Exercises\n")
            for n in names:
                ex = exercises.get(n)
                src = inspect.getsource(ex.reference)
                parts.append(f"**{ex.title}** (`check(\"{n}\", …)`)  \nHint: {ex.hint}\n\n```python\n{src}```\n")
    body = md.render("\n".join(parts))
    style = ("body{font-family:system-ui,sans-serif;max-width:50em;margin:2em auto;line-height:1.5}"
             "pre{background:#f6f8fa;padding:.6em;overflow-x:auto}h2{page-break-before:always}"
             "@media print{pre{white-space:pre-wrap}}")
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Answer key</title>"
            f"<style>{style}</style></head><body>{body}</body></html>\n")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["student"] and len(argv) == 3:
        print(f"student edition: {build_student(argv[1], argv[2])}")
        return 0
    if argv[:1] == ["answer-key"] and len(argv) == 2:
        out = Path(argv[1])
        out.mkdir(parents=True, exist_ok=True)
        (out / "answer_key.html").write_text(answer_key_html(), encoding="utf-8")
        print(f"answer key: {out / 'answer_key.html'}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
