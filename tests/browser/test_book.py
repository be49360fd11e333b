"""The built book in a real browser: clean pages, rendered math, working quiz, solutions, search.

Run after the book is built (``make test`` does: book, then these). See conftest.py for the
server, the browser and what is recorded while a page loads.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

import pytest
from _site import HTML, require_or_skip, toc_pages

require_or_skip()

from playwright.sync_api import expect  # noqa: E402 - only once we know it is there

PAGES = toc_pages()
#: pages Sphinx adds to the book's own: checked for errors and outside requests as well.
GENERATED = ["genindex.html", "search.html"]
CHAPTER1 = "chapters/01_what_is_a_loss.html"
CHAPTER1_STEM = "01_what_is_a_loss"
REGRESSION = "chapters/02_regression_losses.html"
IMAGE_NAME = re.compile(r"(^|/)[\w.-]+\.(png|jpe?g|gif|svg|webp)$", re.IGNORECASE)


def _built(path: str) -> None:
    if not (HTML / path).is_file():
        pytest.fail(f"{path} is in _toc.yml but was not built ({HTML / path} missing)")


# ------------------------------------------------------------------------------------------
# Every page of the table of contents
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", PAGES + GENERATED)
def test_page_loads_without_errors(visits, path):
    """No uncaught exception, no console.error, no local request that fails (404, …)."""
    _built(path)
    visit = visits(path)
    problems = visit.errors + [f"failed request: {f}" for f in visit.failed]
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", PAGES + GENERATED)
def test_page_loads_nothing_from_the_internet(visits, path):
    """Everything a page needs (MathJax included) is served by the book itself."""
    _built(path)
    visit = visits(path)
    assert not visit.external, f"{path} requested: {sorted(set(visit.external))}"


@pytest.mark.parametrize("path", PAGES)
def test_math_is_rendered(visits, path):
    """Every formula is MathJax output; no TeX delimiter or TeX error is left in the text."""
    _built(path)
    visit = visits(path)
    facts = visit.facts
    if facts["math"]:
        assert visit.mathjax, f"{path} has {facts['math']} formulas but does not load MathJax"
        assert facts["containers"] >= facts["math"], facts
    assert not facts["unrendered"], f"{path}: formulas not rendered: {facts['unrendered'][:5]}"
    assert not facts["merrors"], f"{path}: MathJax errors: {facts['merrors'][:5]}"
    assert not facts["delimiters"], f"{path}: raw TeX left in the text: {facts['delimiters']}"


def _bad_alt(image: dict) -> str | None:
    alt = (image["alt"] or "").strip()
    if not alt:
        return "no alt text"
    name = PurePosixPath(image["src"].split("?")[0]).name
    if alt == image["src"] or alt == name or IMAGE_NAME.search(alt):
        return f"alt text is a file name ({alt!r})"
    return None


@pytest.mark.parametrize("path", PAGES)
def test_images_have_alt_text(visits, path):
    """Each figure describes itself: alt text set, and not the file path Sphinx falls back to.

    Lessons set it in the figure cell's metadata: ``"mystnb": {"image": {"alt": "…"}}``.
    """
    _built(path)
    bad = [f"{img['src']}: {why}" for img in visits(path).facts["images"]
           if (why := _bad_alt(img))]
    assert not bad, (f"{path}: {len(bad)} image(s) without real alt text (set "
                     f"mystnb.image.alt in the cell metadata):\n  " + "\n  ".join(bad))


@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith("chapters/")])
def test_chapter_has_figures(visits, path):
    """Every lesson draws at least one figure (CONTRIBUTING: an experiment with a figure).

    Guards against a build whose kernels draw nothing inline (MPLBACKEND=Agg in the
    environment of `jupyter-book build` does exactly that, silently).
    """
    _built(path)
    figures = [img for img in visits(path).facts["images"] if "_images/" in img["src"]]
    assert figures, f"{path} shows no figure: were the lessons run with a non-inline backend?"


def test_math_pages_exist():
    """The math test means something: the lessons do contain formulas."""
    with_math = [p for p in PAGES if p.startswith("chapters/") and (HTML / p).is_file()
                 and 'class="math' in (HTML / p).read_text(encoding="utf-8")]
    assert CHAPTER1 in with_math, with_math


# ------------------------------------------------------------------------------------------
# Chapter 1: quiz and exercise solution
# ------------------------------------------------------------------------------------------
def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def chapter1(open_page):
    _built(CHAPTER1)
    page, visit = open_page(CHAPTER1)
    yield page, visit
    page.close()


def test_quiz_gives_feedback(chapter1, screenshots_dir):
    """The course's quiz widget is drawn on chapter 1 and answers a Check with feedback (its
    behaviour in detail, keyboard and contrast: test_quiz_widget.py)."""
    page, visit = chapter1
    before = len(visit.errors)   # errors while loading are test_page_loads_without_errors's
    items = page.locator(".lfq-item")
    assert items.count() > 0, "no quiz question drawn on chapter 1"
    item = items.first
    item.scroll_into_view_if_needed()
    options = item.locator("input[type=radio], input[type=checkbox]")
    if options.count():
        options.first.check()
    else:
        item.locator("input").first.fill("0")
    item.locator(".lfq-check").click()
    expect(item.locator(".lfq-feedback")).to_have_class(re.compile(r"\bis-(correct|wrong)\b"))
    page.screenshot(path=str(screenshots_dir / "chapter1_quiz.png"))
    assert not visit.errors[before:], visit.errors[before:]

def test_quiz_has_answer_fallback(chapter1):
    """Readers without JavaScript get the answers in a collapsed <details class="quiz-answers">."""
    page, _ = chapter1
    details = page.locator("details.quiz-answers")
    assert details.count() >= 1
    assert details.first.get_attribute("open") is None, "the answer list must start collapsed"


def test_solution_dropdown_opens(chapter1):
    """An exercise's solution starts hidden and shows when its title is clicked."""
    page, visit = chapter1
    before = len(visit.errors)
    solution = page.locator(".solution.dropdown").first
    assert solution.count() == 1, "no sphinx-exercise solution dropdown on chapter 1"
    solution.scroll_into_view_if_needed()
    body = solution.locator("section, .admonition-body, .cell").first
    tag = solution.evaluate("e => e.tagName")
    if tag == "DETAILS":
        assert solution.get_attribute("open") is None
        solution.locator("summary").click()
        expect(solution).to_have_attribute("open", "")
    else:  # sphinx-togglebutton: a button in the admonition title toggles .toggle-hidden
        expect(body).to_be_hidden()
        button = solution.locator("button.toggle-button")
        expect(button).to_have_attribute("aria-expanded", "false")
        button.click()
        expect(solution).not_to_have_class(re.compile(r"\btoggle-hidden\b"))
        expect(button).to_have_attribute("aria-expanded", "true")
    expect(body).to_be_visible()
    assert not visit.errors[before:], visit.errors[before:]


# ------------------------------------------------------------------------------------------
# Search and screenshots
# ------------------------------------------------------------------------------------------
def test_search_finds_huber(open_page):
    """The search page finds "Huber", and the regression chapter among the results."""
    page, visit = open_page("search.html?q=Huber")
    try:
        page.wait_for_function(
            "() => { const s = document.querySelector('#search-results .search-summary');"
            " return s && /found/i.test(s.textContent); }")
        hrefs = page.locator("#search-results ul.search li a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))")
        pages = {h.split("#")[0].split("?")[0] for h in hrefs}
        assert pages, "search for Huber found nothing"
        if REGRESSION in PAGES and (HTML / REGRESSION).is_file():
            assert REGRESSION in pages, f"regression chapter not among the results: {sorted(pages)}"
        else:
            with_huber = {p for p in pages
                          if (HTML / p).is_file() and "Huber" in (HTML / p).read_text("utf-8")}
            assert with_huber, f"no result page contains Huber: {sorted(pages)}"
        # errors while loading the page: reported by the page test's own kind, not here
        assert not visit.external, visit.external
    finally:
        page.close()


@pytest.mark.parametrize("path, name, scroll_to", [
    ("intro.html", "intro.png", None),
    (CHAPTER1, "chapter1.png", None),
    (CHAPTER1, "chapter1_math.png", "div.math"),   # the first displayed formula
])
def test_screenshot(open_page, screenshots_dir, path, name, scroll_to):
    """Screenshots (1280×900) kept as artifacts in _build/screenshots/ for a human to look at."""
    _built(path)
    page, _ = open_page(path)
    try:
        if scroll_to:
            target = page.locator(scroll_to).first
            assert target.count(), f"nothing matches {scroll_to} on {path}"
            target.evaluate("e => e.scrollIntoView({block: 'center'})")
        out = screenshots_dir / name
        page.screenshot(path=str(out))
        assert out.stat().st_size > 10_000, f"{out} looks empty"
    finally:
        page.close()
