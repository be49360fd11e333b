"""The PDF edition: the whole book as one PDF, printed by the system's Chromium.

`make pdf` first builds the book as a single HTML page (``jupyter-book build . --builder
singlehtml``: the lessons come from the execution cache), then runs this script, which

1. serves ``_build/singlehtml`` on a local port and opens it in headless Chromium (Playwright,
   ``/usr/bin/chromium``, nothing downloaded); waits for MathJax and every figure;
2. prepares it for paper: every ``<details>`` and dropdown opened (solutions, the quizzes'
   answer lists), each document (intro, chapter, appendix) starting on a new page, and a front
   page with the title and a table of contents;
3. prints it twice: the first print tells on which page each document starts (``pdftotext``,
   page by page), the second prints the contents with those page numbers (the contents keep
   their number of pages, so the numbers stay true; checked, and printed again if not);
4. writes ``_build/pdf/book.pdf`` and copies it to ``_build/html/book.pdf``, where the front
   page of the HTML book links to it.

Printing uses the book's own print style (``_static/custom.css``, ``@media print``): tables
wrap into the page width, code wraps, no box is split leaving an empty frame.

Usage: python tools/pdf_book.py [SINGLEHTML_DIR] [OUT_PDF]
"""
from __future__ import annotations

import datetime
import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "_build" / "singlehtml"
OUT = ROOT / "_build" / "pdf" / "book.pdf"
HTML_COPY = ROOT / "_build" / "html" / "book.pdf"
CHROMIUM = next((c for c in ("/usr/bin/chromium", shutil.which("chromium"),
                              shutil.which("chromium-browser")) if c and Path(c).exists()),
                "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-default-apps", "--disable-extensions"]
TIMEOUT_MS = 120_000
#: placeholder page number, as wide as the real ones, for the first print
PLACEHOLDER = "000"

#: What the page needs for paper: runs in the page with the table of contents' entries.
PREPARE_JS = r"""() => {
  // Open everything the screen folds away: <details>, sphinx-togglebutton dropdowns.
  if (window.lossfnsPreparePrint) window.lossfnsPreparePrint();
  window.dispatchEvent(new Event('beforeprint'));
  document.querySelectorAll('details').forEach(d => d.setAttribute('open', ''));
  // Each document of the book: the heading that follows its <span id="document-...">, or the
  // page's first <h1> for the front document.
  const docs = [];
  const first = document.querySelector('main section > h1');
  if (first) docs.push({id: 'document-index', heading: first});
  document.querySelectorAll('span[id^="document-"]').forEach(span => {
    const section = span.nextElementSibling;
    const heading = section && section.querySelector('h1, h2');
    if (heading) docs.push({id: span.id, heading});
  });
  const entries = docs.map((d, i) => {
    const clone = d.heading.cloneNode(true);
    clone.querySelectorAll('.headerlink').forEach(a => a.remove());
    const title = clone.textContent.replace(/\s+/g, ' ').trim();
    const anchor = d.heading.closest('section') ? d.heading.closest('section').id : d.id;
    d.heading.closest('section').classList.add('lossfns-pdf-document');
    return {title, anchor, index: i};
  });
  // Front matter: title, edition, contents (filled in by fillContents).
  const article = document.querySelector('main article') || document.querySelector('main');
  const front = document.createElement('section');
  front.className = 'lossfns-pdf-front';
  const book = document.title.split(/\s+[—-]\s+/).pop().trim();
  front.innerHTML = '<p class="lossfns-pdf-title"></p><p class="lossfns-pdf-edition"></p>'
                  + '<h2 class="lossfns-pdf-contents-title">Contents</h2>'
                  + '<ol class="lossfns-pdf-contents"></ol>';
  front.querySelector('.lossfns-pdf-title').textContent = book;
  front.querySelector('.lossfns-pdf-edition').textContent =
    'PDF edition, ' + window.LOSSFNS_PDF_DATE;
  const list = front.querySelector('ol');
  for (const e of entries) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = '#' + e.anchor;
    a.innerHTML = '<span class="lossfns-pdf-entry"></span><span class="lossfns-pdf-page"></span>';
    a.firstChild.textContent = e.title;
    a.lastChild.textContent = window.LOSSFNS_PDF_PLACEHOLDER;
    li.appendChild(a);
    list.appendChild(li);
  }
  article.insertBefore(front, article.firstChild);
  const style = document.createElement('style');
  style.textContent = `
    @page { size: A4; margin: 16mm 15mm 18mm 15mm; }
    @media print {
      .lossfns-pdf-document { break-before: page; }
      .lossfns-pdf-front { break-after: page; }
      .lossfns-pdf-title { font-size: 26pt; font-weight: 700; margin: 30mm 0 4mm; }
      .lossfns-pdf-edition { font-size: 11pt; margin-bottom: 14mm; }
      .lossfns-pdf-contents { list-style: none; padding: 0; font-size: 11pt; }
      .lossfns-pdf-contents li { margin: 0 0 2.2mm; }
      .lossfns-pdf-contents a { display: flex; gap: 2mm; color: inherit !important;
                                text-decoration: none !important; }
      .lossfns-pdf-entry { flex: 0 1 auto; }
      .lossfns-pdf-contents a::after { content: ''; order: 1; flex: 1 1 auto;
                                       border-bottom: 1px dotted currentColor;
                                       margin-bottom: 1.2mm; }
      .lossfns-pdf-page { order: 2; flex: 0 0 auto; min-width: 8mm; text-align: right;
                          font-variant-numeric: tabular-nums; }
      .bd-header-article, .prev-next-area, .bd-footer, .bd-footer-article,
      .bd-sidebar-primary, .bd-sidebar-secondary, .onlyprint { display: none !important; }
      .bd-main .bd-content .bd-article-container { max-width: 100% !important; }
      .bd-main .bd-content { margin-left: 0 !important; }
      /* the theme hides the first <h1> in print (its print header repeats it): not here */
      .bd-main .bd-content .bd-article h1:first-of-type { display: block !important; }
    }`;
  document.head.appendChild(style);
  return entries;
}"""

FILL_JS = """(pages) => {
  const spans = document.querySelectorAll('.lossfns-pdf-contents .lossfns-pdf-page');
  spans.forEach((s, i) => { s.textContent = String(pages[i]); });
  return spans.length;
}"""

FOOTER = ('<div style="font-size:8pt;width:100%;text-align:center;color:#555;">'
          '<span class="pageNumber"></span></div>')


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    # no spaces, no hyphens: pdftotext joins "cross-" + "entropy" at a line break
    return re.sub(r"[\s\-\u2010-\u2015]+", "", text).lower()


def page_texts(pdf: Path) -> list[str]:
    """The text of each page (pdftotext, reading order), normalised: no spaces, NFKC."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return [_norm(p) for p in out.split("\f")]


def first_page_with(pdf: Path, title: str) -> int:
    """1-based number of the first page whose text contains `title`."""
    key = _norm(title)[:40]
    for k, text in enumerate(page_texts(pdf)):
        if key in text:
            return k + 1
    raise RuntimeError(f"'{title}' is on no page of {pdf}")


def start_pages(pdf: Path, titles: list[str], skip: int) -> list[int]:
    """1-based page on which each title (in order) first appears at the top of a page, after
    the first `skip` pages (the front matter, which lists them all)."""
    pages = page_texts(pdf)
    found, at = [], skip
    for title in titles:
        key = _norm(title)[:40]
        for k in range(at, len(pages)):
            if key in pages[k][:len(key) + 200]:       # near the top: documents start a page
                found.append(k + 1)
                at = k
                break
        else:
            raise RuntimeError(f"'{title}' not found at the top of any page of {pdf}")
    return found


def _serve(directory: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _say(what: str, t0: list = []) -> None:
    t0 = t0 or t0.append(time.monotonic()) or t0
    print(f"[pdf {time.monotonic() - t0[0]:5.0f} s] {what}", flush=True)


def _print(page, path: Path) -> None:
    page.pdf(path=str(path), prefer_css_page_size=True, print_background=True,
             display_header_footer=True, header_template="<span></span>",
             footer_template=FOOTER, outline=True, tagged=True)


def _pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def build(source: Path = SOURCE, out: Path = OUT) -> Path:
    from playwright.sync_api import sync_playwright

    index = source / "index.html"
    html = index.read_text(encoding="utf-8") if index.is_file() else ""
    start = re.search(r"url=([^\"']+)", html)                 # index.html redirects to intro
    entry = start.group(1) if start else "index.html"
    if not (source / entry).is_file():
        raise SystemExit(f"no single-page book at {source / entry}: run `make pdf`")
    out.parent.mkdir(parents=True, exist_ok=True)
    server = _serve(source)
    url = f"http://127.0.0.1:{server.server_address[1]}/{entry}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 900, "height": 1200})
            page.set_default_timeout(TIMEOUT_MS)
            _say(f"opening {entry} ({(source / entry).stat().st_size / 1e6:.1f} MB)")
            page.goto(url, wait_until="load")
            page.wait_for_function("() => window.MathJax && MathJax.startup"
                                   " && MathJax.startup.promise")
            page.evaluate("() => MathJax.startup.promise")
            page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
            page.evaluate(f"() => {{ window.LOSSFNS_PDF_DATE = "
                          f"'{datetime.date.today().isoformat()}';"
                          f" window.LOSSFNS_PDF_PLACEHOLDER = '{PLACEHOLDER}'; }}")
            page.emulate_media(media="print")
            entries = page.evaluate(PREPARE_JS)
            page.evaluate("() => MathJax.startup.promise")    # formulas in opened dropdowns
            titles = [e["title"] for e in entries]
            draft = out.with_suffix(".draft.pdf")
            _say(f"printing {len(titles)} documents (first pass: page numbers)")
            _print(page, draft)
            # The front matter ends on the page whose contents list the last document (the
            # document itself comes much later); the documents start after it.
            front = first_page_with(draft, titles[-1])
            numbers = start_pages(draft, titles, front)
            for _ in range(3):
                _say("printing with the contents' page numbers")
                page.evaluate(FILL_JS, numbers)
                _print(page, out)
                check = start_pages(out, titles, front)
                if check == numbers:
                    break
                numbers = check
            else:
                raise RuntimeError("the table of contents' page numbers do not settle")
            browser.close()
        draft.unlink(missing_ok=True)
    finally:
        server.shutdown()
    if HTML_COPY.parent.is_dir() and out == OUT:
        shutil.copy2(out, HTML_COPY)
    print(f"PDF: {out} ({_pdf_pages(out)} pages, {out.stat().st_size / 1e6:.1f} MB); "
          f"contents: " + ", ".join(f"{t[:24]}… p.{n}" for t, n in zip(titles[:3], numbers[:3]))
          + " …")
    return out


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:3]]
    build(*args)
