"""The PDF edition (_build/pdf/book.pdf, `make pdf`): every document on its pages, fonts
embedded, math rendered, Chinese present, wide tables whole, quiz answers printed, a table of
contents whose page numbers are right, and the front page of the HTML book links to it.

Read with poppler's pdfinfo, pdffonts and pdftotext. Skipped, with the reason, when the PDF was
not built, unless REQUIRE_BROWSER_TESTS=1.
"""
from __future__ import annotations

import filecmp
import re
import shutil
import subprocess
import unicodedata

import pytest
from _site import HTML, REQUIRED, toc_pages

PDF = HTML.parent / "pdf" / "book.pdf"
PDF_IN_SITE = HTML / "book.pdf"


def _why_not() -> str | None:
    missing = [t for t in ("pdfinfo", "pdffonts", "pdftotext") if shutil.which(t) is None]
    if missing:
        return f"{', '.join(missing)} missing: apt-get install poppler-utils"
    if not PDF.is_file():
        return f"no PDF edition at {PDF}: run `make pdf`"
    return None


if (_reason := _why_not()) is not None:
    if REQUIRED:
        pytest.fail(f"REQUIRE_BROWSER_TESTS=1 but {_reason}", pytrace=False)
    pytest.skip(_reason, allow_module_level=True)


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _norm(text: str) -> str:
    """No spaces and no hyphens (pdftotext joins words hyphenated at a line end), NFKC."""
    return re.sub(r"[\s\-\u2010-\u2015]+", "", unicodedata.normalize("NFKC", text)).lower()


@pytest.fixture(scope="module")
def pages() -> list[str]:
    return _run("pdftotext", "-enc", "UTF-8", str(PDF), "-").split("\f")[:-1]


@pytest.fixture(scope="module")
def text(pages) -> str:
    return _norm("".join(pages))


def _titles() -> list[str]:
    """Each document's title as the HTML book shows it (its <title>, before the '—')."""
    titles = []
    for path in toc_pages():
        html = (HTML / path).read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        title = title.split(" &#8212; ")[0].split(" — ")[0]
        titles.append(re.sub(r"<[^>]+>|&\w+;", "", title).strip())
    return titles


def test_page_count(pages):
    info = _run("pdfinfo", str(PDF))
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert count == len(pages)
    # every document starts a page of its own, after a front page; and the book is long
    assert count >= len(toc_pages()) + 1 and count >= 100, count
    assert re.search(r"^Page size:\s+59[45](\.\d+)? x 84[12]", info, re.M), "not A4"


def test_fonts_are_embedded():
    rows = _run("pdffonts", str(PDF)).splitlines()[2:]
    assert rows, "no fonts at all"
    not_embedded = [r for r in rows if r.split()[-5] != "yes"]
    assert not not_embedded, "fonts not embedded:\n" + "\n".join(not_embedded)
    names = " ".join(rows)
    assert re.search(r"WenQuanYi|Noto\w*CJK|SourceHan|Droid\w*Fallback", names), \
        f"no Chinese font embedded: {names[:300]}"


def test_contents_page_numbers_are_right(pages):
    """The contents list every document of _toc.yml with the page it starts on (its title at
    the top of that page)."""
    front = _run("pdftotext", "-layout", "-f", "1", "-l", "3", str(PDF), "-")
    for title in _titles():
        key = re.escape(title[:30]).replace(r"\ ", r"\s+")
        found = re.search(key + r".*?\s(\d+)\s*$", front, re.M | re.S)
        assert found, f"{title!r} is not in the table of contents"
        number = int(re.search(r"(\d+)\s*$", front[found.start():found.end()]).group(1))
        top = _norm(pages[number - 1])[:len(_norm(title)) + 200]
        assert _norm(title)[:40] in top, f"{title!r}: contents say page {number}, which " \
                                         f"begins {pages[number - 1][:80]!r}"


def test_math_is_rendered(pages):
    """Formulas are typeset, not printed as TeX: the book has hundreds of \\( … \\) and $$
    delimiters in its source, and a page printed before MathJax ran shows them all; code cells
    quote a few, hence a small allowance. Typeset sums are there."""
    whole = "".join(pages)
    delimiters = re.findall(r"\\\(|\\\)|\\\[|\\\]|\$\$", whole)
    assert len(delimiters) <= 5, f"{len(delimiters)} TeX delimiters printed: MathJax did not run"
    assert whole.count("∑") + whole.count("Σ") >= 20


def test_chinese_is_present(text):
    for term in ("损失函数", "回归损失", "交叉熵"):
        assert term in text, f"{term} missing from the PDF text"


def test_wide_table_is_not_clipped(text):
    """The API cross-reference (chapter 12, five columns, the widest table): the last column of
    the mae row is printed whole."""
    import lossfns

    table = lossfns.catalog_table(columns=("name", "torch", "keras", "sklearn", "caveat"))
    row = next(r for r in table.splitlines() if r.startswith("| `mae` |"))
    cells = [c.strip().replace("`", "") for c in row.strip().strip("|").split(" | ")]
    assert len(cells) == 5
    for cell in (cells[0], cells[-1]):
        assert _norm(cell) in text, f"{cell!r} (mae row of the API table) not in the PDF"


def test_quiz_answers_are_printed(text):
    """Every chapter's quiz is answered on paper: its first question's explanation is there."""
    from lossfns.course import quiz

    missing = []
    for chapter in quiz.chapters():
        items = quiz.load(chapter, kind="quiz")
        if items and _norm(items[0]["explanation"]["en"])[:50] not in text:
            missing.append(f"{chapter}: {items[0]['explanation']['en'][:60]!r}")
    assert not missing, "quiz answers not printed:\n  " + "\n  ".join(missing)


def test_front_page_links_the_pdf():
    assert PDF_IN_SITE.is_file(), f"{PDF_IN_SITE} missing: `make pdf` copies it there"
    assert filecmp.cmp(PDF, PDF_IN_SITE, shallow=False), f"{PDF_IN_SITE} is not {PDF}"
    intro = (HTML / "intro.html").read_text(encoding="utf-8")
    assert 'href="book.pdf"' in intro, "intro.html does not link book.pdf"
