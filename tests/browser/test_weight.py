"""What a reader downloads: each chapter page ≤ 2.5 MB uncompressed with everything it loads
(MathJax, fonts, figures included), no source maps, the icons once, a favicon."""
from __future__ import annotations

import pytest
from _site import HTML, require_or_skip, toc_pages

require_or_skip()

CHAPTERS = [p for p in toc_pages() if p.startswith("chapters/")]
#: bytes, uncompressed, per chapter page with everything it loads
BUDGET = 2_500_000

WEIGHT_JS = """() => {
  const entries = performance.getEntriesByType('navigation')
                  .concat(performance.getEntriesByType('resource'));
  return entries.map(e => ({url: e.name, bytes: e.decodedBodySize}));
}"""


@pytest.fixture(scope="module")
def loaded(open_page):
    """Each chapter loaded once, scrolled to the end (lazy images, fonts), MathJax done."""
    cache = {}

    def get(path):
        if path not in cache:
            if not (HTML / path).is_file():
                pytest.fail(f"{path} is in _toc.yml but was not built")
            page, visit = open_page(path)
            try:
                page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
                page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
                page.wait_for_timeout(300)
                cache[path] = (page.evaluate(WEIGHT_JS), visit,
                               page.evaluate("() => Array.from(document.querySelectorAll("
                                             "'link[rel~=icon]')).map(l => l.href)"))
            finally:
                page.close()
        return cache[path]

    return get


@pytest.mark.parametrize("path", CHAPTERS)
def test_chapter_page_weight(loaded, path):
    entries, _, _ = loaded(path)
    total = sum(e["bytes"] for e in entries)
    biggest = sorted(entries, key=lambda e: -e["bytes"])[:8]
    listing = "\n  ".join(f"{e['bytes'] / 1e3:8.1f} kB  {e['url'].split('/', 3)[-1]}"
                          for e in biggest)
    assert total <= BUDGET, (f"{path} loads {total / 1e6:.2f} MB (budget {BUDGET / 1e6} MB); "
                             f"the largest:\n  {listing}")


@pytest.mark.parametrize("path", CHAPTERS)
def test_no_source_maps_or_second_icon_set_requested(loaded, path):
    _, visit, _ = loaded(path)
    extra = [u for u in visit.requests if u.split("?")[0].endswith((".map", "fontawesome.js"))]
    assert not extra, f"{path} requested {extra}"
    icon_fonts = sorted({u.split("?")[0].rsplit("/", 1)[-1] for u in visit.requests
                         if "/fontawesome/webfonts/" in u})
    assert len(icon_fonts) <= 1, f"{path} loads several icon fonts: {icon_fonts}"


@pytest.mark.parametrize("path", CHAPTERS[:1])
def test_favicon(loaded, path):
    """The page names its icon and it loads (no /favicon.ico 404: failed requests are errors
    of test_page_loads_without_errors)."""
    _, visit, icons = loaded(path)
    assert icons, f"{path} has no <link rel=icon>"
    for href in icons:
        file = HTML / href.split("/", 3)[-1].split("?")[0]
        assert file.is_file() and file.stat().st_size > 0, f"{href}: no such file in the site"
    assert not [f for f in visit.failed if "favicon" in f], visit.failed
