"""Accessibility of every page, light and dark: axe-core finds no critical or serious violation,
keyboard focus is visible, and the course's own scripts write nothing to the console.

axe-core is pinned in tests/browser/package.json (package-lock.json); `make browser` installs it
with `npm ci` into tests/browser/node_modules, and each page gets it injected from there.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from _site import HTML, REQUIRED, ROOT, require_or_skip, toc_pages

require_or_skip()

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
PAGES = toc_pages()
#: what fails the test; "moderate" and "minor" findings are printed, not failed
BLOCKING = ("critical", "serious")

AXE_JS = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '),
                              why: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 240)}))
  }));
}"""


def _axe_or_skip():
    if AXE.is_file():
        return
    reason = (f"axe-core missing ({AXE.relative_to(ROOT)}): run `make browser`, or "
              "`npm ci` in tests/browser")
    if REQUIRED:
        pytest.fail(f"REQUIRE_BROWSER_TESTS=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _report(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']} ({v['help']}; {v['url']}) on {len(v['nodes'])} "
                     f"element(s):")
        lines += [f"    {n['target']}: {n['why']}" for n in v["nodes"][:5]]
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_critical_or_serious_axe_violations(open_page, path, scheme):
    _axe_or_skip()
    if not (HTML / path).is_file():
        pytest.fail(f"{path} is in _toc.yml but was not built")
    page, _ = open_page(path, scheme=scheme)
    try:
        theme = page.evaluate("() => document.documentElement.dataset.theme")
        assert theme == scheme, f"the page is in {theme} mode under a {scheme} system preference"
        page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(AXE_JS)
    finally:
        page.close()
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    others = [v for v in violations if v["impact"] not in BLOCKING]
    if others:
        print(f"\n{path} ({scheme}), not failing:\n{_report(others)}")
    assert not blocking, f"{path} ({scheme}):\n{_report(blocking)}"


FOCUS_JS = """() => {
  const el = document.activeElement;
  const cs = getComputedStyle(el);
  return {tag: el.tagName, text: (el.textContent || '').trim().slice(0, 40),
          outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2,
          shadow: cs.boxShadow !== 'none'};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_is_visible(open_page, scheme):
    """Tabbing through a chapter, every focused element draws an outline (or a ring)."""
    chapter = next(p for p in PAGES if p.startswith("chapters/"))
    page, _ = open_page(chapter, scheme=scheme)
    try:
        seen = []
        for _ in range(25):
            page.keyboard.press("Tab")
            seen.append(page.evaluate(FOCUS_JS))
    finally:
        page.close()
    focused = [s for s in seen if s["tag"] not in ("BODY", "HTML")]
    assert len(focused) >= 10, f"Tab reached only {len(focused)} elements: {focused}"
    invisible = [f"<{s['tag'].lower()}> {s['text']!r}" for s in focused
                 if not (s["outline"] or s["shadow"])]
    assert not invisible, f"{chapter} ({scheme}): focus not visible on {invisible}"


def _course_scripts() -> set[str]:
    """Script files the course itself ships (everything else in _static is the themes')."""
    return {p.name for p in (ROOT / "_static").glob("*.js")}


@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith("chapters/")])
def test_course_code_is_quiet_in_the_console(visits, path):
    """No console message of any kind (log, warning, error) from the course's own code: the
    page's inline scripts (notebook outputs such as the quiz) and the course's _static/*.js.
    The themes' own chatter ("[PST]: …", "[togglebutton]: …") is theirs."""
    if not (HTML / path).is_file():
        pytest.fail(f"{path} is in _toc.yml but was not built")
    visit = visits(path)
    ours = _course_scripts()
    noise = []
    for message in visit.console:
        source = (message.location or {}).get("url", "")
        name = Path(urlsplit(source).path).name
        inline = urlsplit(source).path == urlsplit(visit.url).path
        if inline or name in ours:
            noise.append(f"console.{message.type}: {message.text[:120]} [{source}]")
    assert not noise, f"{path}:\n  " + "\n  ".join(noise)
