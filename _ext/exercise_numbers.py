"""Exercises numbered per chapter: "Exercise 2.1", "Exercise 2.2" … in chapter 2.

sphinx-exercise numbers exercises through the whole book (Exercise 3, 4, 5 in chapter 2) unless
the table of contents is numbered, which would also number the lessons' titles, already
"2. Regression losses". This extension renumbers them once Sphinx has assigned its numbers: the
chapter is the number in front of the document's file name (``chapters/02_regression_losses``
→ 2), then the exercise's place in the document. The student edition
(``lossfns.course.instructor``) numbers them the same way. Cross-references ({ref}, {numref})
and the exercise titles read these numbers, so they agree.
"""
from __future__ import annotations

import re

_CHAPTER = re.compile(r"(?:^|/)(\d+)_[^/]*$")


def renumber(app, env) -> list[str]:
    """Per-chapter exercise numbers in ``env.toc_fignumbers``; the documents to rewrite."""
    changed = []
    for docname, numbers in env.toc_fignumbers.items():
        exercises = numbers.get("exercise")
        m = _CHAPTER.search(docname)
        if not exercises or not m:
            continue
        chapter = int(m.group(1))
        in_order = sorted(exercises, key=lambda node_id: exercises[node_id])
        new = {node_id: (chapter, k) for k, node_id in enumerate(in_order, 1)}
        if new != exercises:
            numbers["exercise"] = new
            changed.append(docname)
    return changed


def setup(app):
    # after Sphinx's own TocTreeCollector (priority 500) has numbered every figure and exercise
    app.connect("env-get-updated", renumber, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
