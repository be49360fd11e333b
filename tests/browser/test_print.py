"""Printing a page (the browser's print, and the PDF edition, which prints the same CSS): tables
fit the paper instead of being clipped, everything folded is opened, code boxes and figures are
not split across pages, and the screen's buttons are left out."""
from __future__ import annotations

import pytest
from _site import HTML, require_or_skip, toc_pages

require_or_skip()

PAGES = toc_pages()
#: an A4 page's printable width at 96 CSS px per inch, 15 mm margins
PAPER_PX = 680

PRINT_JS = r"""() => {
  window.dispatchEvent(new Event('beforeprint'));
  const main = document.querySelector('main article') || document.querySelector('main');
  const width = main.clientWidth;
  const style = e => getComputedStyle(e);
  const shown = e => e.getClientRects().length > 0;
  return {
    width,
    wideTables: Array.from(main.querySelectorAll('table')).filter(shown)
      .filter(t => t.getBoundingClientRect().right > main.getBoundingClientRect().right + 1)
      .map(t => t.textContent.trim().replace(/\s+/g, ' ').slice(0, 60)),
    closed: Array.from(document.querySelectorAll('details:not([open])')).length,
    hiddenAnswers: Array.from(document.querySelectorAll('details.quiz-answers, .quiz-answers'))
      .filter(e => !shown(e)).length,
    toggledHidden: Array.from(
      main.querySelectorAll('.toggle-hidden, .dropdown .toggle-details__container'))
      .filter(e => style(e).display === 'none').length,
    splittable: Array.from(main.querySelectorAll('div.highlight, div.cell_output img, div.math'))
      .filter(shown).filter(e => !['avoid', 'avoid-page'].includes(style(e).breakInside)
                                 && !['avoid', 'avoid-page'].includes(
                                      style(e.parentElement).breakInside))
      .map(e => e.tagName + '.' + e.className).slice(0, 5),
    clippedCode: Array.from(main.querySelectorAll('pre')).filter(shown)
      .filter(p => p.scrollWidth > p.clientWidth + 1).length,
    buttons: Array.from(document.querySelectorAll('.copybtn, .bd-header-article, .prev-next-area'))
      .filter(shown).length,
  };
}"""


@pytest.mark.parametrize("path", PAGES)
def test_page_prints_whole(open_page, path):
    if not (HTML / path).is_file():
        pytest.fail(f"{path} is in _toc.yml but was not built")
    page, _ = open_page(path, width=PAPER_PX)
    try:
        page.emulate_media(media="print")
        facts = page.evaluate(PRINT_JS)
    finally:
        page.close()
    problems = []
    if facts["wideTables"]:
        problems.append(f"tables wider than the paper: {facts['wideTables']}")
    if facts["closed"] or facts["hiddenAnswers"] or facts["toggledHidden"]:
        problems.append(f"still folded: {facts['closed']} <details>, {facts['hiddenAnswers']} "
                        f"quiz answer lists, {facts['toggledHidden']} dropdowns")
    if facts["splittable"]:
        problems.append(f"may split across pages (no break-inside: avoid): {facts['splittable']}")
    if facts["clippedCode"]:
        problems.append(f"{facts['clippedCode']} code boxes cut at the right edge")
    if facts["buttons"]:
        problems.append(f"{facts['buttons']} screen-only controls printed")
    assert not problems, f"{path} printed:\n  " + "\n  ".join(problems)
