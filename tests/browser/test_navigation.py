"""Navigation at phone, tablet and desktop widths: the ☰ menu and the page outline work.

Below 992 px the theme shows the sidebars as dialogs opened by the article header's ☰ and
"on this page" buttons; sphinx-book-theme 1.3.0 on pydata-sphinx-theme 0.17.1 leaves both
buttons unwired (pydata-sphinx-theme#2451), _static/navigation.js wires them.
"""
from __future__ import annotations

import re

import pytest
from _site import HTML, require_or_skip, toc_pages

require_or_skip()

from playwright.sync_api import expect  # noqa: E402

PAGES = toc_pages()
CHAPTERS = [p for p in PAGES if p.startswith("chapters/")]
#: the page the tests start on, and the one they go to from its menu
START, TARGET = (CHAPTERS[1], CHAPTERS[-1]) if len(CHAPTERS) > 1 else (PAGES[0], PAGES[-1])


def _target_title() -> str:
    """The menu text of TARGET, as the sidebar shows it (the page's <title> before the '—')."""
    html = (HTML / TARGET).read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    return re.sub(r"\s+", " ", title.split(" &#8212; ")[0].split(" — ")[0]).strip()


@pytest.fixture
def page_at(open_page):
    opened = []

    def _open(path, width):
        page, visit = open_page(path, width=width)
        opened.append(page)
        return page, visit

    yield _open
    for page in opened:
        page.close()


def _visible_toggle(page, kind: str):
    toggles = page.locator(f"button.{kind}-toggle:visible")
    expect(toggles).to_have_count(1)
    return toggles.first


@pytest.mark.parametrize("width", [390, 820])
def test_menu_opens_and_its_links_work(page_at, width):
    """☰ opens the site navigation; a chapter link in it loads that chapter."""
    if not (HTML / START).is_file() or not (HTML / TARGET).is_file():
        pytest.fail(f"{START} or {TARGET} was not built")
    page, visit = page_at(START, width)
    dialog = page.locator("#pst-primary-sidebar-modal")
    expect(dialog).not_to_have_attribute("open", "")
    _visible_toggle(page, "primary").click()
    expect(dialog).to_have_attribute("open", "")
    link = dialog.locator(f"nav a[href$='{TARGET.split('/')[-1]}']").first
    expect(link).to_be_visible()
    expect(link).to_contain_text(_target_title()[:20])
    link.click()
    page.wait_for_url(re.compile(re.escape(TARGET) + r"(#.*)?$"))
    expect(page.locator("article h1").first).to_be_visible()
    assert not visit.errors, visit.errors


@pytest.mark.parametrize("width", [390, 820])
def test_outline_opens_and_its_links_scroll(page_at, width):
    """"On this page" opens the outline; a section link in it closes the dialog and shows the
    section's heading on screen."""
    page, visit = page_at(START, width)
    dialog = page.locator("#pst-secondary-sidebar-modal")
    _visible_toggle(page, "secondary").click()
    expect(dialog).to_have_attribute("open", "")
    links = dialog.locator("nav a[href^='#']")
    assert links.count() >= 3, "the page outline has fewer than three sections"
    link = links.nth(links.count() - 2)       # far down the page, so it must scroll there
    anchor = link.get_attribute("href")[1:]
    link.click()
    expect(dialog).not_to_have_attribute("open", "")
    page.wait_for_function(
        "id => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight / 2; }", arg=anchor)
    assert page.url.endswith("#" + anchor)
    assert not visit.errors, visit.errors


def test_menu_toggle_collapses_sidebar_on_desktop(page_at):
    """At 1366 px the sidebar is shown, and ☰ hides and shows it again."""
    page, _ = page_at(START, 1366)
    sidebar = page.locator("#pst-primary-sidebar")
    expect(sidebar).to_be_visible()
    _visible_toggle(page, "primary").click()
    expect(sidebar).to_have_class(re.compile(r"\bpst-sidebar-hidden\b"))
    expect(sidebar).to_be_hidden()
    _visible_toggle(page, "primary").click()
    expect(sidebar).to_be_visible()


@pytest.mark.parametrize("width", [390, 820, 1366])
def test_header_buttons_are_on_screen(page_at, width):
    """Every button of the article header (☰, search, outline, …) lies inside the window."""
    page, _ = page_at(START, width)
    boxes = page.locator(".bd-header-article button:visible, .bd-header-article a:visible")
    off = []
    for k in range(boxes.count()):
        box = boxes.nth(k).bounding_box()
        if box and (box["x"] < 0 or box["x"] + box["width"] > width + 0.5):
            off.append(f"{boxes.nth(k).get_attribute('class')} "
                       f"at x={box['x']:.0f}..{box['x'] + box['width']:.0f}")
    assert not off, f"off screen at {width} px: {off}"


@pytest.mark.parametrize("width", [390, 820, 1366])
def test_no_empty_header_strip(page_at, width):
    """The theme's top navbar (a duplicate search field in this layout) takes no room, and a
    way to search stays on screen: the sidebar's search field on desktop, a button below."""
    page, _ = page_at(START, width)
    assert page.locator("#pst-header").evaluate("e => e.getBoundingClientRect().height") == 0
    if width >= 992:
        expect(page.locator("#pst-primary-sidebar .search-button-field")).to_be_visible()
    else:
        expect(page.locator(".bd-header-article .search-button")).to_be_visible()
