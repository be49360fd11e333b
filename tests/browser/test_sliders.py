"""Interactive figures (lossfns.course.widgets.slider_figure) in a real browser.

Two pages: one made here from `slider_figure` (the output a lesson gives outside the book,
script inlined: needs Chromium only), and chapter 2 of the built book (Huber's δ; skipped
like the other browser tests when the book is not built). On each, the slider is moved with
the keyboard and the figure shown must change with it.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
from _site import HTML, REQUIRED, chromium_path

PAGE = "chapters/02_regression_losses.html"
#: which frames are shown, the slider's value and what it tells a screen reader
STATE_JS = """root => {
  const frames = [...root.querySelectorAll('[data-lossfns-frame]')];
  const input = root.querySelector('input[type=range]');
  return {
    shown: frames.filter(f => !f.hidden && f.getBoundingClientRect().width > 0)
                 .map(f => Number(f.dataset.lossfnsFrame)),
    loaded: frames.every(f => f.complete && f.naturalWidth > 0),
    value: Number(input.value), valuetext: input.getAttribute('aria-valuetext'),
    output: root.querySelector('output').textContent,
    frames: frames.length,
    labelled: !!document.querySelector(`label[for="${input.id}"]`),
    texts: frames.map(f => f.dataset.valuetext),
  };
}"""


def _need_browser():
    reason = None
    if chromium_path() is None:
        reason = "Chromium not found (/usr/bin/chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright not installed"
    if reason:
        if REQUIRED:
            pytest.fail(f"REQUIRE_BROWSER_TESTS=1 but {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason}")


def _need_book():
    _need_browser()
    if not (HTML / "index.html").is_file():
        if REQUIRED:
            pytest.fail(f"REQUIRE_BROWSER_TESTS=1 but no built book at {HTML}", pytrace=False)
        pytest.skip(f"browser tests skipped: no built book at {HTML}: run `make book` first")


def _state(page):
    return page.locator("[data-lossfns-slider]").first.evaluate(STATE_JS)


def _drive_with_keyboard(page):
    """Move the slider with the keyboard; return the states seen (start, →, End, Home)."""
    slider = page.locator("[data-lossfns-slider] input[type=range]").first
    slider.focus()
    states = [_state(page)]
    for key in ("ArrowRight", "End", "Home"):
        page.keyboard.press(key)
        states.append(_state(page))
    return states


def _check_states(states):
    start, right, end, home = states
    n = start["frames"]
    assert n >= 2 and start["loaded"], "every frame must be a loaded image"
    assert start["labelled"], "the slider needs a <label for=...>"
    for s in states:
        assert s["shown"] == [s["value"]], f"exactly the frame of the slider's value is shown: {s}"
        assert s["valuetext"] == s["output"] == s["texts"][s["value"]], s
    assert right["value"] == start["value"] + 1, "→ moves one value up"
    assert (end["value"], home["value"]) == (n - 1, 0), "End and Home reach the ends"
    assert len({s["valuetext"] for s in states}) >= 3, "the readout follows the slider"


# ------------------------------------------------------------------------------------------
# The lesson's output outside the book (script inlined): Jupyter, Colab, a saved page
# ------------------------------------------------------------------------------------------
def test_static_frames_work_with_the_keyboard(browser, tmp_path, monkeypatch):
    _need_browser()
    from lossfns.course.widgets import BOOK_ENV, slider_figure

    monkeypatch.delenv(BOOK_ENV, raising=False)

    def draw(fig, gamma):
        ax = fig.subplots()
        x = np.linspace(0, 1, 11)
        ax.plot(x, x**gamma)
        ax.set(ylim=(0, 1), title=f"y = x^{gamma:g}", xlabel="x", ylabel="y")

    fig = slider_figure(draw, "gamma", [0.5, 1, 2, 4], label="exponent γ", symbol="γ",
                        alt="The curve y = x to the power {value}.", figsize=(3, 2),
                        live=False)
    path = tmp_path / "slider.html"
    path.write_text(f"<!doctype html><html lang=en><body>{fig.to_html()}</body></html>",
                    encoding="utf-8")
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        page.goto(path.as_uri())
        states = _drive_with_keyboard(page)
    finally:
        page.close()
    assert not errors, errors
    _check_states(states)
    assert [s["valuetext"] for s in states] == ["γ = 1", "γ = 2", "γ = 4", "γ = 0.5"]


# ------------------------------------------------------------------------------------------
# The built book: chapter 2, Huber's δ
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chapter2(open_page):
    _need_book()
    if not (HTML / PAGE).is_file():
        pytest.fail(f"{PAGE} was not built")
    page, visit = open_page(PAGE)
    if page.locator("[data-lossfns-slider]").count() == 0:
        page.close()
        pytest.fail(f"no slider figure on {PAGE}: the build predates it? rebuild (make book)")
    yield page, visit
    page.close()


def test_book_slider_moves_with_the_keyboard(chapter2):
    page, visit = chapter2
    states = _drive_with_keyboard(page)
    _check_states(states)
    assert states[0]["valuetext"] == "δ = 1.345", "the lesson starts at the classic δ"
    # (the page's other errors are test_book.py's business)
    assert not [e for e in visit.errors if "slider" in e.lower()], visit.errors
    assert not visit.external, f"no widget library from a CDN: {visit.external}"


def test_book_serves_the_script_once(chapter2):
    """The book's build sets LOSSFNS_BOOK_BUILD=1: the figure carries no script or style of its
    own (the page loads _static/slider.js and slider.css once) and no ipywidgets state."""
    page, _ = chapter2
    scripts = page.evaluate("""() => [...document.scripts].map(s => s.src || s.textContent)""")
    assert sum(bool(re.search(r"_static/slider\.js", s)) for s in scripts) == 1
    inline = [s for s in scripts if "lossfnsSlider" in s and "_static" not in s]
    assert not inline, ("the slider's script is inlined in the page: the book was built "
                        "without LOSSFNS_BOOK_BUILD=1")
    assert page.locator("link[href*='_static/slider.css']").count() == 1
    assert page.locator("script[type*='jupyter-widget']").count() == 0


@pytest.mark.parametrize("width", [390, 1366])
def test_book_slider_frame_keeps_its_text_legible(open_page, width):
    """At phone and desktop widths the shown frame is at least its min-width (text ≥ 9 px):
    on a phone it scrolls sideways inside its box rather than shrinking."""
    _need_book()
    page, _ = open_page(PAGE, width=width)
    try:
        if page.locator("[data-lossfns-slider]").count() == 0:
            pytest.fail(f"no slider figure on {PAGE}: rebuild the book (make book)")
        img = page.locator("[data-lossfns-slider] img:not([hidden])").first
        shown = img.evaluate("""img => ({width: img.getBoundingClientRect().width,
                                         min: parseFloat(img.style.minWidth),
                                         natural: img.naturalWidth})""")
        assert shown["width"] + 0.5 >= shown["min"] > 0, shown
        assert shown["width"] <= shown["natural"] + 0.5, shown
    finally:
        page.close()
