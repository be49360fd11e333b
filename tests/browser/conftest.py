"""Browser tests of the built book: a headless Chromium (Debian's) driven by Playwright.

The built HTML (``_build/html``, or ``$BOOK_HTML``) is served by a local HTTP server on a free
port; every page is opened once and what the browser saw is kept (JavaScript errors, requests
that left localhost, unrendered math, images without alt text) for the tests in test_book.py.

Nothing is downloaded at test time: Playwright's Python package ships its own driver, and the
browser is the system's ``/usr/bin/chromium`` (never ``playwright install``).

Skipped, with the reason, where Chromium, Playwright or the built book is missing — except when
``REQUIRE_BROWSER_TESTS=1`` (set by ``.ci/run``): then a missing piece is an error.
"""
from __future__ import annotations

import functools
import http.server
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from _site import CHROMIUM_ARGS, HTML, SHOTS, TIMEOUT_MS, VIEWPORT, chromium_path


# ------------------------------------------------------------------------------------------
# Local HTTP server and browser
# ------------------------------------------------------------------------------------------
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def base_url():
    """http://127.0.0.1:PORT/ serving the built book, for the whole session."""
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # Playwright adds --headless and a fresh temporary --user-data-dir itself.
        b = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Visit:
    """What the browser saw while one page loaded (and was used)."""
    url: str
    errors: list[str] = field(default_factory=list)      # uncaught exceptions + console.error
    external: list[str] = field(default_factory=list)    # requests to anything but our server
    failed: list[str] = field(default_factory=list)      # local requests that failed or 4xx/5xx
    mathjax: bool = False                                 # the page loads MathJax
    facts: dict = field(default_factory=dict)             # collect_facts() after the load
    console: list = field(default_factory=list)           # every console message (all types)
    requests: list[str] = field(default_factory=list)     # every URL the page requested


def _is_local(url: str, base: str) -> bool:
    scheme = urlsplit(url).scheme
    return scheme in ("data", "blob", "about", "chrome-error") or url.startswith(base)




def _where(message) -> str:
    loc = message.location or {}
    return f"{loc.get('url', '?')}:{loc.get('lineNumber', '?')}"


@pytest.fixture(scope="session")
def contexts(browser, base_url):
    """contexts(width=1280, scheme="light") -> a browser context of that viewport width and
    colour scheme (the book follows the system's light/dark preference), made once."""
    made = {}

    def get(width: int = VIEWPORT["width"], scheme: str = "light"):
        key = (width, scheme)
        if key not in made:
            ctx = browser.new_context(viewport={"width": width, "height": VIEWPORT["height"]},
                                      color_scheme=scheme, service_workers="block")
            ctx.set_default_timeout(TIMEOUT_MS)
            # Nothing may leave localhost: such requests are recorded (Visit.external) and
            # aborted, so a page that tries cannot hang on a network that is not there.
            ctx.route(lambda url: not _is_local(url, base_url), lambda route: route.abort())
            made[key] = ctx
        return made[key]

    yield get
    for ctx in made.values():
        ctx.close()


@pytest.fixture(scope="session")
def context(contexts):
    return contexts()


@pytest.fixture(scope="session")
def open_page(contexts, base_url):
    """open_page(path, width=1280, scheme="light") -> (page, Visit): a new tab on `path`,
    loaded, MathJax finished.

    The caller closes the page (``page.close()``) when done.
    """
    def _open(path: str, width: int = VIEWPORT["width"], scheme: str = "light"):
        page = contexts(width, scheme).new_page()
        visit = Visit(base_url + path)

        page.on("pageerror", lambda exc: visit.errors.append(f"uncaught: {exc}"))
        page.on("console", lambda m: visit.console.append(m) or (
            m.type == "error" and visit.errors.append(f"console.error: {m.text} [{_where(m)}]")))
        page.on("request", lambda r: not _is_local(r.url, base_url)
                and visit.external.append(r.url))
        page.on("requestfailed", lambda r: r.url.startswith(base_url)
                and visit.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400
                and visit.failed.append(f"{r.url} (HTTP {r.status})"))
        page.on("request", lambda r: visit.requests.append(r.url))

        page.goto(visit.url, wait_until="load")
        visit.mathjax = wait_for_mathjax(page)
        return page, visit

    return _open


def wait_for_mathjax(page) -> bool:
    """Wait until MathJax has typeset the page, if the page loads MathJax; True if it does."""
    if page.locator("script[src*='mathjax']").count() == 0:
        return False
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                           timeout=TIMEOUT_MS)
    page.evaluate("() => MathJax.startup.promise")
    if page.locator("div.Quiz").count():
        # jupyterquiz typesets its questions 500 ms after drawing them: let that happen too.
        page.wait_for_timeout(600)
        page.evaluate("() => MathJax.startup.promise")
    return True


#: Runs in the page after MathJax: what the math and image tests check.
COLLECT_JS = r"""() => {
  const main = document.querySelector('main') || document.body;
  // Sphinx wraps every formula in .math (span inline, div display): each must hold MathJax output.
  const math = Array.from(main.querySelectorAll('.math'));
  const unrendered = math.filter(e => !e.querySelector('mjx-container'))
                         .map(e => e.textContent.trim().slice(0, 100));
  // Prose left after removing code, scripts and MathJax output: no TeX delimiter may remain.
  const clone = main.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, textarea, mjx-container, .highlight')
       .forEach(e => e.remove());
  const text = clone.textContent;
  const delimiters = [];
  for (const d of ['$$', '\\(', '\\)', '\\[', '\\]']) {
    let i = text.indexOf(d);
    if (i >= 0) delimiters.push(d + ' in: ' +
                                text.slice(Math.max(0, i - 40), i + 60).replace(/\s+/g, ' '));
  }
  const images = Array.from(document.querySelectorAll('img')).map(img => ({
    src: img.getAttribute('src') || '', alt: img.getAttribute('alt')}));
  return {
    math: math.length,
    containers: document.querySelectorAll('mjx-container').length,
    merrors: Array.from(document.querySelectorAll('mjx-merror'))
                  .map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 100)),
    unrendered, delimiters, images,
  };
}"""


@pytest.fixture(scope="session")
def visits(open_page):
    """visits(path) -> Visit: each page opened once, its facts collected, its tab closed."""
    cache: dict[str, Visit] = {}

    def get(path: str) -> Visit:
        if path not in cache:
            page, visit = open_page(path)
            try:
                visit.facts = page.evaluate(COLLECT_JS)
            finally:
                page.close()
            cache[path] = visit
        return cache[path]

    return get


@pytest.fixture(scope="session")
def screenshots_dir():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
