"""Offline link check of the built book: every local href/src resolves, every #anchor exists.

Complements the strict build (``-n -W`` checks cross-references in the sources): this reads the
HTML actually written (theme templates, generated pages, notebook outputs included). External
links are not checked (no network here). Skipped when the book has not been built.
"""
from __future__ import annotations

import os
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()

pytestmark = pytest.mark.skipif(not (HTML / "index.html").is_file(),
                                reason=f"no built book at {HTML}: run `make book` first")

#: (tag, attribute) pairs that point at something the browser loads or follows.
LINK_ATTRS = {("a", "href"), ("link", "href"), ("area", "href"), ("img", "src"),
              ("script", "src"), ("iframe", "src"), ("source", "src"), ("video", "src"),
              ("audio", "src"), ("embed", "src"), ("track", "src"), ("input", "src"),
              ("object", "data"), ("video", "poster")}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str, str]] = []   # (line, tag, url)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            if (tag, name) in LINK_ATTRS:
                self.links.append((self.getpos()[0], tag, value.strip()))
            elif (tag, name) == ("img", "srcset") or (tag, name) == ("source", "srcset"):
                for part in value.split(","):
                    if part.strip():
                        self.links.append((self.getpos()[0], tag, part.split()[0]))

    handle_startendtag = handle_starttag


@lru_cache(maxsize=None)
def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    page.close()
    return page


def html_files() -> list[Path]:
    if not HTML.is_dir():
        return []
    # _static holds the theme's and MathJax's own assets (no pages of the book); _sources holds
    # the notebooks/Markdown the "download source" button serves, not HTML.
    # (the same inside each edition: zh-cn/_static, zh-tw/_sources)
    return sorted(p for p in HTML.rglob("*.html")
                  if not {"_static", "_sources"} & set(p.relative_to(HTML).parts))


def check_page(page_path: Path) -> list[str]:
    """Broken local links of one built page, as 'line N: <tag> url: why'."""
    problems = []
    for line, tag, url in parse(page_path).links:
        parts = urlsplit(url)
        if parts.scheme or url.startswith("//"):     # http(s), mailto, javascript, data, …
            continue
        if not parts.path:
            target = page_path                        # "#anchor" on the same page
        else:
            target = (HTML / parts.path.lstrip("/")) if parts.path.startswith("/") \
                else (page_path.parent / unquote(parts.path))
            target = Path(os.path.normpath(target))
            if target.is_dir():
                target = target / "index.html"
            try:
                target.relative_to(HTML)
            except ValueError:
                problems.append(f"line {line}: <{tag}> {url}: points outside the built book")
                continue
            if not target.is_file() and str(target.relative_to(HTML)) in LATER:
                continue
            if not target.is_file():
                problems.append(f"line {line}: <{tag}> {url}: "
                                f"{target.relative_to(HTML)} does not exist")
                continue
        fragment = unquote(parts.fragment)
        if fragment and target.suffix == ".html" and fragment not in parse(target).ids:
            problems.append(f"line {line}: <{tag}> {url}: no id {fragment!r} in "
                            f"{target.relative_to(HTML)}")
    return problems


PAGES = html_files()
#: Written into the site by `make pdf`, after the HTML build: tests/browser/test_pdf.py checks
#: it exists (and is the PDF edition) where the front page links to it.
LATER = {"book.pdf"}


def test_book_has_pages():
    assert (HTML / "intro.html") in PAGES or (HTML / "index.html") in PAGES


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(HTML)) for p in PAGES])
def test_local_links_resolve(page):
    problems = check_page(page)
    assert not problems, f"{page.relative_to(HTML)}:\n  " + "\n  ".join(problems)
