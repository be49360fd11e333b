"""Every page at phone, tablet and desktop widths: nothing runs off the screen unseen, nothing is
clipped, wide tables scroll visibly, and figure text stays at least 9 CSS pixels.

One visit per (page, width) collects the facts (LAYOUT_JS); the tests read them.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from _site import HTML, ROOT, require_or_skip, toc_pages

require_or_skip()

PAGES = toc_pages()
WIDTHS = [390, 820, 1366]


def _reader_site():
    spec = importlib.util.spec_from_file_location("reader_site", ROOT / "_ext" / "reader_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reader_site = _reader_site()
MIN_TEXT_PX = reader_site.MIN_TEXT_PX

#: Runs in the page: what the layout tests check.
LAYOUT_JS = r"""() => {
  const main = document.querySelector('main') || document.body;
  const doc = document.documentElement;
  const describe = e => {
    const cls = (typeof e.className === 'string' && e.className)
      ? '.' + e.className.trim().split(/\s+/).join('.') : '';
    const text = (e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60);
    return `<${e.tagName.toLowerCase()}${cls}> "${text}"`;
  };
  const visible = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const scrolls = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
  // Boxes that cut off visible content sideways (overflow hidden/clip): some descendant drawn
  // past their left or right edge. What is hidden on purpose does not count (screen-reader-only
  // text, MathJax's assistive MathML, which is clipped to 1 px by design).
  const hiddenSelector = 'mjx-assistive-mml, .sr-only, .visually-hidden';
  // ... and a table's header row that is visually hidden (a stacked table's, on phones)
  const hiddenOnPurpose = e => !!(e.closest(hiddenSelector) ||
      (e.closest('thead') && getComputedStyle(e.closest('thead')).clipPath !== 'none'));
  const clipped = [];
  for (const e of main.querySelectorAll('*')) {
    if (!visible(e) || hiddenOnPurpose(e) || e.closest('dialog')) continue;
    const cs = getComputedStyle(e);
    if (!['hidden', 'clip'].includes(cs.overflowX) || cs.textOverflow === 'ellipsis') continue;
    if (e.scrollWidth <= e.clientWidth + 1) continue;
    const box = e.getBoundingClientRect();
    for (const c of e.querySelectorAll('*')) {
      if (hiddenOnPurpose(c) || !visible(c)) continue;
      const r = c.getBoundingClientRect();
      if (r.width > 0 && (r.right > box.right + 1.5 || r.left < box.left - 1.5)) {
        clipped.push(describe(e) +
                     ` cuts ${describe(c)} (${Math.round(r.left)}..${Math.round(r.right)}`
                     + ` outside ${Math.round(box.left)}..${Math.round(box.right)})`);
        break;
      }
    }
  }
  // Content reaching past the right edge of the article column without a scroll box around it.
  const article = main.querySelector('article') || main;
  const right = article.getBoundingClientRect().right + 1;
  const loose = [];
  const blocks = 'p, li, pre, table, img, mjx-container, .math, div.highlight, figure, dl';
  for (const e of article.querySelectorAll(blocks)) {
    if (!visible(e) || e.getBoundingClientRect().right <= right) continue;
    let a = e.parentElement, contained = false;
    while (a && a !== article) { if (scrolls(a)) { contained = true; break; } a = a.parentElement; }
    if (!contained) loose.push(describe(e) +
      ` right=${Math.round(e.getBoundingClientRect().right)}>${Math.round(right)}`);
  }
  const tables = Array.from(main.querySelectorAll('table')).filter(visible).map(t => {
    let box = t.parentElement;
    while (box && box !== main && !scrolls(box)) box = box.parentElement;
    const wrap = t.closest('.lossfns-scroll');
    const first = t.querySelector('tr > :first-child');
    const hint = wrap && wrap.previousElementSibling;
    return {
      text: (t.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60),
      width: t.scrollWidth,
      box: box && box !== main ? box.clientWidth : null,
      wider: box && box !== main ? t.scrollWidth > box.clientWidth + 1
                                 : t.scrollWidth > article.clientWidth + 1,
      marked: !!(wrap && wrap.classList.contains('is-scrollable')),
      shadow: wrap ? getComputedStyle(wrap, '::after').opacity : null,
      hint: !!(hint && hint.classList.contains('lossfns-scroll-hint') && !hint.hidden &&
               visible(hint)),
      sticky: first ? getComputedStyle(first).position : null,
      columns: t.rows.length ? Math.max(...Array.from(t.rows).map(r => r.cells.length)) : 0,
      header: !!(t.tHead && t.tHead.rows.length === 1),
      unlabelled: Array.from(t.querySelectorAll('tbody td:not(:first-child)'))
                       .filter(c => !c.getAttribute('data-label')).length,
      stacked: !!(wrap && wrap.classList.contains('lossfns-stack'))
               && getComputedStyle(t).display === 'block',
      // cells whose text runs out of the cell (over the next one)
      spills: Array.from(t.querySelectorAll('td, th'))
                   .filter(c => !hiddenOnPurpose(c) && c.scrollWidth > c.clientWidth + 1)
                   .map(c => c.textContent.trim().slice(0, 40)),
    };
  });
  const figures = Array.from(main.querySelectorAll('img')).filter(visible)
    .filter(i => i.getAttribute('src').includes('_images/')).map(i => ({
      src: i.getAttribute('src'), natural: i.naturalWidth,
      shown: i.getBoundingClientRect().width, complete: i.complete,
    }));
  return {
    scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth,
    clipped, loose, tables, figures,
  };
}"""


@pytest.fixture(scope="module")
def layout(open_page):
    cache: dict = {}

    def get(path: str, width: int) -> dict:
        if (path, width) not in cache:
            if not (HTML / path).is_file():
                pytest.fail(f"{path} is in _toc.yml but was not built")
            page, _ = open_page(path, width=width)
            try:
                page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
                page.wait_for_timeout(100)    # ResizeObservers of tables.js
                cache[(path, width)] = page.evaluate(LAYOUT_JS)
            finally:
                page.close()
        return cache[(path, width)]

    return get


CASES = [(p, w) for w in WIDTHS for p in PAGES]
IDS = [f"{w}px-{p}" for p, w in CASES]


@pytest.mark.parametrize("path, width", CASES, ids=IDS)
def test_no_hidden_horizontal_overflow(layout, path, width):
    """The page itself never scrolls sideways, nothing pokes out of the text column outside
    a scroll box, and no box cuts its content off."""
    facts = layout(path, width)
    problems = []
    if facts["scrollWidth"] > facts["clientWidth"]:
        problems.append(f"page is {facts['scrollWidth']} px wide "
                        f"in a {facts['clientWidth']} px window")
    problems += [f"past the column, not in a scroll box: {e}" for e in facts["loose"]]
    problems += [f"content cut off: {e}" for e in facts["clipped"]]
    assert not problems, f"{path} at {width} px:\n  " + "\n  ".join(problems[:15])


@pytest.mark.parametrize("path, width", CASES, ids=IDS)
def test_wide_tables_scroll_visibly(layout, path, width):
    """A table wider than the column scrolls in its own box, says so (a shadow on the side
    with hidden columns and a one-line hint), and keeps its first column in view."""
    bad = []
    for t in layout(path, width)["tables"]:
        if t["spills"]:
            bad.append(f"{t['text']!r}: text runs out of its cell: {t['spills'][:3]}")
        if not t["wider"]:
            continue
        why = []
        if t["box"] is None:
            why.append("not in a scroll box")
        if not t["marked"] or t["shadow"] != "1":
            why.append("no scroll shadow")
        if not t["hint"]:
            why.append("no scroll hint")
        if t["sticky"] != "sticky":
            why.append(f"first column not sticky ({t['sticky']})")
        if why:
            bad.append(f"{t['text']!r} ({t['width']} px in {t['box']} px): {', '.join(why)}")
    assert not bad, f"{path} at {width} px:\n  " + "\n  ".join(bad)


@pytest.mark.parametrize("path", PAGES)
def test_narrow_tables_are_cards_on_phones(layout, path):
    """At 390 px a table of at most four columns shows one card per row, every cell labelled
    with its column's name; at 1366 px it is a table again."""
    for t in layout(path, 1366)["tables"]:
        assert not t["stacked"], f"{path}: {t['text']!r} stacked at 1366 px"
    for t in layout(path, 390)["tables"]:
        if t["columns"] <= 4 and t["header"]:
            assert t["stacked"], f"{path}: {t['text']!r} ({t['columns']} columns) not stacked"
            assert not t["wider"], f"{path}: stacked table {t['text']!r} wider than the column"
            assert t["unlabelled"] == 0, f"{path}: {t['text']!r}: cells without a column name"


def _image_file(path: str, src: str) -> Path:
    return (HTML / path).parent.joinpath(urlsplit(src).path).resolve()


@pytest.mark.parametrize("path, width", [(p, w) for w in (390, 1366) for p in PAGES],
                         ids=[f"{w}px-{p}" for w in (390, 1366) for p in PAGES])
def test_figure_text_is_legible(layout, path, width):
    """Each figure's smallest text is ≥ 9 CSS px as displayed; SVG figures (vector: sharp on
    any screen) are measured from the file, raster ones must carry 2× pixels."""
    problems = []
    for fig in layout(path, width)["figures"]:
        assert fig["complete"] and fig["natural"] > 0, f"{path}: {fig['src']} did not load"
        file = _image_file(path, fig["src"])
        scale = fig["shown"] / fig["natural"]
        if file.suffix == ".svg":
            facts = reader_site.svg_text_facts(file.read_text(encoding="utf-8"))
            if facts is None:
                continue   # an SVG with no text (a diagram): nothing to read
            shown_px = facts["min_text_px"] * fig["shown"] / facts["width_px"]
            if shown_px < MIN_TEXT_PX - 0.05:
                problems.append(f"{fig['src']}: smallest text {shown_px:.1f} px "
                                f"(shown {fig['shown']:.0f} of {facts['width_px']:.0f} px)")
        elif scale > 0.75:
            problems.append(f"{fig['src']}: raster at {1 / scale:.2f}× the displayed size "
                            f"(save figures as SVG, or PNG at 2×)")
    assert not problems, f"{path} at {width} px:\n  " + "\n  ".join(problems)
