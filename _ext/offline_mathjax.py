"""Serve MathJax 3 from the built book itself, so formulas render with no internet.

MathJax comes from a pinned registry package (``django-static-mathjax`` on PyPI ships the
MathJax 3.2.2 ``es5`` build as package data; nothing of Django is imported). After the HTML is
written, the parts of it that ``tex-chtml.js`` needs are copied to ``_build/html/_static/mathjax``
and every page loads ``_static/mathjax/tex-chtml.js`` (``mathjax_path`` in ``_config.yml``).
Copying after the build keeps these files out of the source ``_static`` folder, whose ``.js``
files the theme would otherwise add to every page as scripts.
"""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

ENTRY = "tex-chtml.js"
# What tex-chtml.js loads lazily: TeX extensions (autoload), CHTML fonts, the menu and its
# accessibility helpers (English speech rules only).
PARTS = ("input/tex/extensions", "output/chtml", "ui", "a11y", "sre/mathmaps/en.json", "adaptors",
         # the same, as separate components without the 426 kB menu (ui/menu.js): the book loads
         # startup.js with loader.load = input/tex, output/chtml, a11y/assistive-mml (_config.yml)
         "startup.js", "core.js", "input/tex.js", "output/chtml.js")


def es5_dir() -> Path:
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("MathJax package missing: pip install -r requirements.txt "
                           "(django-static-mathjax)")
    root = Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax" / "es5"
    if not (root / ENTRY).is_file():
        raise RuntimeError(f"no {ENTRY} under {root}")
    return root


def _copy(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    src, dest = es5_dir(), Path(app.outdir) / "_static" / "mathjax"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src / ENTRY, dest / ENTRY)
    for part in PARTS:
        s = src / part
        if s.is_dir():
            shutil.copytree(s, dest / part, dirs_exist_ok=True)
        elif s.is_file():
            (dest / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(s, dest / part)


def setup(app):
    es5_dir()  # fail early, with a clear message, if the package is missing
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
