"""The Chinese editions: catalogs (locales/zh_CN), the term sheet, the zh_TW conversion and the
tools of tools/i18n.py (catalog update, markup check, notebook translation)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import i18n  # noqa: E402  (tools/i18n.py)

from lossfns.course import lang  # noqa: E402

pytest.importorskip("babel")
opencc = pytest.importorskip("opencc")

STATUS = yaml.safe_load(i18n.STATUS.read_text(encoding="utf-8")) or {}
COMPLETE = STATUS.get("complete") or []
TERMS = i18n.load_terms()
CATALOGS = i18n.po_files()


# ----------------------------------------------------------------------------- the catalogs

def test_every_document_of_the_book_has_a_catalog():
    have = {i18n.doc_of(p) for p in CATALOGS}
    missing = [d for d in i18n.toc_docs() if d not in have]
    assert not missing, (f"no locales/zh_CN/LC_MESSAGES/<doc>.po for {missing}: run `make po` "
                         "after adding a document to _toc.yml")


def test_status_lists_only_real_documents():
    unknown = sorted(set(COMPLETE) - {i18n.doc_of(p) for p in CATALOGS})
    assert not unknown, f"locales/status.yml names documents without a catalog: {unknown}"


@pytest.mark.parametrize("doc", COMPLETE or [pytest.param(None, marks=pytest.mark.skip(
    reason="no document is marked complete in locales/status.yml yet"))])
def test_complete_document_is_fully_translated(doc):
    catalog = i18n.read_po(i18n.ZH_CN / f"{doc}.po")
    bad = [("fuzzy" if m.fuzzy else "untranslated", m.id) for m in i18n.entries(catalog)
           if m.fuzzy or not m.string]
    assert not bad, f"{doc}: {len(bad)} message(s) not done:\n" + "\n".join(
        f"  [{kind}] msgid {msgid[:120]!r}" for kind, msgid in bad)


def test_translation_progress(capsys):
    """Reports the overall counts (shown with -s or on failure); the catalogs must all parse."""
    total = {"total": 0, "translated": 0, "fuzzy": 0, "untranslated": 0}
    for po in CATALOGS:
        c = i18n.counts(i18n.read_po(po))
        assert c["translated"] + c["fuzzy"] + c["untranslated"] >= c["total"] > 0, po
        for k in total:
            total[k] += c[k]
    with capsys.disabled():
        print(f"\nzh_CN: {total['translated']}/{total['total']} messages translated, "
              f"{total['fuzzy']} fuzzy, {total['untranslated']} untranslated "
              f"in {len(CATALOGS)} documents; complete: {len(COMPLETE)}")


@pytest.mark.parametrize("po", CATALOGS + i18n.po_files(ui=True), ids=lambda p: i18n.doc_of(p))
def test_translations_keep_markup_and_terms(po):
    problems = i18n.check_catalog(po, TERMS)
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- term sheet

def test_term_sheet_is_well_formed():
    seen = set()
    for term in TERMS:
        assert {"en", "zh_hans", "zh_hant"} <= set(term), term
        assert term["en"] not in seen, f"{term['en']!r} twice in terms.yml"
        seen.add(term["en"])
        for bad in term.get("forbid", []):
            text = bad["text"] if isinstance(bad, dict) else bad
            assert text not in term["zh_hans"], f"{term['en']}: forbids its own word {text!r}"


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t["en"])
def test_term_sheet_traditional_is_what_the_conversion_gives(term):
    assert lang.to_traditional(term["zh_hans"]) == term["zh_hant"], (
        "add or fix an entry of lossfns/course/zh_tw_overrides.yml")


def test_forbidden_variant_is_reported():
    assert i18n.term_problems("the logits z", "softmax 的对数几率 z", TERMS)
    assert not i18n.term_problems("the log-odds of p", "p 的对数几率", TERMS)
    assert i18n.term_problems("Key points", "条列重点", TERMS)
    assert i18n.term_problems("the lecture notes", "种子笔记", TERMS)
    assert not i18n.term_problems("Key points", "要点小结", TERMS)


def _glossary():
    import lossfns.course
    path = Path(lossfns.course.__file__).parent / "glossary.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("term", [t for t in TERMS
                                  if any(g["en"].lower() == t["en"].lower() for g in _glossary())],
                         ids=lambda t: t["en"])
def test_glossary_uses_the_term_sheet(term):
    entry = next(g for g in _glossary() if g["en"].lower() == term["en"].lower())
    assert term["zh_hans"] in entry["zh"], (
        f"glossary {term['en']!r}: {entry['zh']!r} lacks the sheet's {term['zh_hans']!r}")
    bad = [b["text"] if isinstance(b, dict) else b for b in term.get("forbid", [])]
    used = [b for b in bad if b in entry["zh"]]
    assert not used, f"glossary {term['en']!r}: {entry['zh']!r} uses forbidden {used}"
    if "zh_hant" in entry:
        assert term["zh_hant"] in entry["zh_hant"], (
            f"glossary {term['en']!r}: {entry['zh_hant']!r} lacks {term['zh_hant']!r}")


# ----------------------------------------------------------------------------- zh_TW

def test_overrides_beat_opencc_where_it_is_wrong():
    assert lang.to_traditional("链式法则") == "連鎖律"
    assert lang.to_traditional("损失函数的超参数") == "損失函數的超參數"
    assert lang.to_traditional("极大似然估计") == "最大概似估計"
    assert lang.to_traditional("数据集和小批量") == "資料集和小批次"   # plain s2twp still applies


@pytest.mark.parametrize("simplified, traditional", lang.overrides())
def test_each_override_is_needed(simplified, traditional):
    from lossfns.course import _opencc
    assert _opencc.convert(simplified) != traditional, (
        f"{simplified} → {traditional} is what OpenCC already does: drop the override")


def test_generated_traditional_catalogs(tmp_path, monkeypatch):
    src = tmp_path / "zh_CN"
    po = src / "chapters" / "x.po"
    _write(po, [("Chain rule", "链式法则与数据", False), ("Tensor", "", False),
                ("9. Segmentation", "9. 图像分割", False)])
    monkeypatch.setattr(i18n, "ZH_CN", src)
    monkeypatch.setattr(i18n, "I18N", tmp_path / "i18n")
    locale_dir = i18n.prepare("zh_TW")
    got = {m.id: m.string for m in i18n.entries(
        i18n.read_po(locale_dir / "zh_TW" / "LC_MESSAGES" / "chapters" / "x.po"))}
    assert got == {"Chain rule": "連鎖律與資料", "Tensor": "", "9. Segmentation": "9\\. 影像分割"}


@pytest.mark.parametrize("msgstr, expected", [
    ("9. 图像分割", "9\\. 图像分割"), ("10) 十", "10\\) 十"), ("- 项", "\\- 项"),
    ("# 题", "\\# 题"), ("9.5 很大", "9.5 很大"), ("-1 是负数", "-1 是负数"), ("普通", "普通")])
def test_translations_never_start_a_list_or_heading(msgstr, expected):
    assert i18n.escape_block_start(msgstr) == expected


# ----------------------------------------------------------------------------- tools

def _write(path, items):
    from babel.messages.catalog import Catalog
    cat = Catalog(locale="zh_CN")
    for msgid, msgstr, fuzzy in items:
        cat.add(msgid, msgstr, flags=("fuzzy",) if fuzzy else ())
    i18n.write_po(path, cat)


@pytest.mark.parametrize("msgid, expected", [
    ("`lossfns.mse(y, y_hat)`", True), ("$J(w) = \\frac{1}{n}$", True), ("0.57× (0.47–0.75)", True),
    ("{doc}`02_regression_losses`", True), ("{doc}`Chapter 2 <02_regression_losses>`", False),
    ("mse", False), ("yes", False), ("损失", False)])
def test_neutral_messages(msgid, expected):
    assert i18n.neutral(msgid) is expected


@pytest.mark.parametrize("msgstr, what", [
    ("调用 `lossfns.mae(y)`。", "inline code"),
    ("见 {doc}`第 2 章 <02_regression>`。", "role target"),
    ("公式 $r = y - \\hat y$。", "math"),
    ("见[文档](https://example.org/b)。", "link target"),
    ("**粗体 。", "unbalanced"),
])
def test_markup_check_catches_changes(msgstr, what):
    msgid = ("Call `lossfns.mse(y)`; see {doc}`Chapter 2 <02_regression_losses>`, "
             "$r = \\hat y - y$, [docs](https://example.org/a) and **bold**.")
    good = ("调用 `lossfns.mse(y)`；见 {doc}`第 2 章 <02_regression_losses>`、$r = \\hat y - y$、"
            "[文档](https://example.org/a) 和 **粗体**。")
    assert i18n.check_markup(msgid, good) == []
    # replace one piece of the good translation by the broken one
    broken = good
    if what == "inline code":
        broken = good.replace("`lossfns.mse(y)`", "`lossfns.mae(y)`")
    elif what == "role target":
        broken = good.replace("<02_regression_losses>", "<02_regression>")
    elif what == "math":
        broken = good.replace("$r = \\hat y - y$", "$r = y - \\hat y$")
    elif what == "link target":
        broken = good.replace("example.org/a", "example.org/b")
    else:
        broken = good.replace("**粗体**", "**粗体")
    problems = i18n.check_markup(msgid, broken)
    assert problems and what in problems[0], problems


def test_update_keeps_changed_messages_as_fuzzy_and_fills_from_memory(tmp_path):
    po, pot = tmp_path / "doc.po", tmp_path / "doc.pot"
    _write(po, [("The loss is small.", "损失很小。", False), ("Old text", "旧文本", False)])
    _write(pot, [("The loss is very small.", "", False), ("Setup", "", False),
                 ("`mse`", "", False), ("Brand new", "", False)])
    status, added, filled = i18n.update_po(pot, po, memory={"Setup": "准备"})
    got = {m.id: (m.string, m.fuzzy) for m in i18n.entries(i18n.read_po(po))}
    assert got["The loss is very small."] == ("损失很小。", True)   # a draft to check
    assert got["Setup"] == ("准备", False)                           # same English elsewhere
    assert got["`mse`"] == ("`mse`", False)                          # nothing to translate
    assert got["Brand new"] == ("", False)
    assert "Old text" not in got
    assert status == "updated" and filled == 2


def test_translate_markdown_segments_like_sphinx():
    src = ("## Five losses (五种损失)\n\nSome **bold** text\nthat goes on `here`.\n\n"
           "- item one\n  continued\n- item two\n\n| a | b |\n|---|---|\n| yes | no |\n\n"
           "```{admonition} Tip title\n:class: tip\nBody.\n```\n")
    table = {"Five losses (五种损失)": "五种损失", "Some **bold** text that goes on `here`.":
             "一些**粗体** `here`。", "item one continued": "第一项", "item two": "第二项",
             "yes": "是", "Tip title": "提示", "Body.": "正文。"}
    out, found, wanted, done = i18n.translate_markdown(src, table)
    assert out == ("## 五种损失\n\n一些**粗体** `here`。\n\n- 第一项\n- 第二项\n\n"
                   "| a | b |\n|---|---|\n| 是 | no |\n\n```{admonition} 提示\n:class: tip\n"
                   "正文。\n```\n")
    assert (found, wanted, done) == (10, 7, 7)   # a, b and no are left untranslated


def test_translated_notebook_sets_the_language_first(tmp_path):
    doc = i18n.lesson_docs()[0]
    nb, found, wanted, done = i18n.translate_notebook(ROOT / f"{doc}.ipynb", "zh-tw", doc)
    first = nb["cells"][0]
    assert first["cell_type"] == "code"
    assert 'os.environ["LOSSFNS_LANG"] = "zh-tw"' in "".join(first["source"])
    assert found > 0 and 0 <= done == wanted <= found


def _figure_cells(doc):
    import json
    nb = json.loads((ROOT / f"{doc}.ipynb").read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c.get("metadata", {}).get("mystnb", {})
            .get("image", {}).get("alt")]


@pytest.mark.parametrize("doc", i18n.lesson_docs())
def test_every_figure_has_a_chinese_alt_text(doc):
    """Each figure's alt text (mystnb.image.alt) has a Simplified-Chinese one beside it
    (metadata lossfns.alt_zh), which the Chinese editions show to screen readers."""
    import re
    for cell in _figure_cells(doc):
        zh = cell["metadata"].get("lossfns", {}).get("alt_zh", "")
        alt = cell["metadata"]["mystnb"]["image"]["alt"]
        assert re.search(r"[\u4e00-\u9fff]", zh), f"{doc}: no lossfns.alt_zh for: {alt[:80]}"


def _chinese_strings_of_code():
    """(where, text) of every string literal with Chinese in the lessons' code cells, their
    metadata (alt_zh) and the course package: what lang.t shows in figures, tables and
    feedback, outside the .po catalogs."""
    import ast
    import json
    import re
    cjk = re.compile(r"[\u4e00-\u9fff]")
    sources = []
    for doc in i18n.lesson_docs():
        nb = json.loads((ROOT / f"{doc}.ipynb").read_text(encoding="utf-8"))
        for k, cell in enumerate(nb["cells"]):
            alt = cell.get("metadata", {}).get("lossfns", {}).get("alt_zh")
            if alt:
                yield f"{doc} cell {k} alt_zh", alt
            if cell["cell_type"] == "code":
                sources.append((f"{doc} cell {k}", "".join(cell["source"])))
    for path in sorted((ROOT / "lossfns").rglob("*.py")):
        sources.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    for where, src in sources:
        try:
            tree = ast.parse(src)
        except SyntaxError:      # a cell with IPython magics: read its string literals as text
            for text in re.findall(r'"([^"\n]*)"', src):
                if cjk.search(text):
                    yield where, text
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and cjk.search(node.value):
                yield where, node.value


def test_code_strings_use_the_term_sheet():
    """Figure labels, table headers, alt texts and feedback written in code use the sheet's
    words, as the .po translations do (a variant allowed only for some English, unless_msgid,
    is not checked here)."""
    terms = [dict(t, forbid=[b for b in t.get("forbid", []) if not isinstance(b, dict)])
             for t in i18n.load_terms()]
    strings = list(_chinese_strings_of_code())
    assert len(strings) > 500
    problems = [f"{where}: {p}: {text[:60]!r}" for where, text in strings
                for p in i18n.term_problems("", text, terms)]
    assert not problems, "\n".join(problems[:30])


def test_translated_notebook_carries_the_chinese_alt_texts():
    doc = "chapters/06_gradient_descent"
    cells = _figure_cells(doc)
    assert cells
    for edition in ("zh-cn", "zh-tw"):
        nb, *_counts = i18n.translate_notebook(ROOT / f"{doc}.ipynb", edition, doc)
        alts = [c["metadata"]["mystnb"]["image"]["alt"] for c in nb["cells"]
                if c.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")]
        wanted = [c["metadata"]["lossfns"]["alt_zh"] for c in cells]
        if edition == "zh-tw":
            wanted = [lang.to_traditional(a) for a in wanted]
        assert alts == wanted
    cell = {"metadata": {"mystnb": {"image": {"alt": "A curve."}}}}
    assert not i18n.translate_alt(cell, "zh-cn")                 # no alt_zh: left as it is
    assert cell["metadata"]["mystnb"]["image"]["alt"] == "A curve."


# ----------------------------------------------------------------------------- _ext/lang_switcher

sys.path.insert(0, str(ROOT / "_ext"))
import lang_switcher  # noqa: E402


def test_the_chinese_builds_read_the_chinese_alt_texts():
    import json
    doc = ROOT / "chapters" / "06_gradient_descent.ipynb"
    src = doc.read_text(encoding="utf-8")
    cells = [c for c in json.loads(src)["cells"]
             if c.get("metadata", {}).get("lossfns", {}).get("alt_zh")]
    assert cells
    assert lang_switcher.chinese_alt_texts(src, "en") == src
    for language in ("zh_CN", "zh_TW"):
        nb = json.loads(lang_switcher.chinese_alt_texts(src, language))
        alts = [c["metadata"]["mystnb"]["image"]["alt"] for c in nb["cells"]
                if c.get("metadata", {}).get("lossfns", {}).get("alt_zh")]
        want = [c["metadata"]["lossfns"]["alt_zh"] for c in cells]
        assert alts == (want if language == "zh_CN" else [lang.to_traditional(a) for a in want])
    assert lang_switcher.chinese_alt_texts("# a markdown page", "zh_CN") == "# a markdown page"


@pytest.mark.parametrize("page, current, target, expected", [
    ("chapters/02_x", "en", "zh_CN", "../zh-cn/chapters/02_x.html"),
    ("chapters/02_x", "zh_CN", "en", "../../chapters/02_x.html"),
    ("chapters/02_x", "zh_TW", "zh_CN", "../../zh-cn/chapters/02_x.html"),
    ("intro", "en", "zh_TW", "zh-tw/intro.html"),
    ("intro", "zh_TW", "zh_TW", "../zh-tw/intro.html"),
])
def test_switcher_links_point_to_the_same_page(page, current, target, expected):
    assert lang_switcher.href(page, current, target) == expected


def test_cjk_runs_are_found():
    assert lang_switcher.cjk_segments("Regression losses (回归损失，二) and 熵") == [
        ("Regression losses (", False), ("回归损失，二", True), (") and ", False), ("熵", True)]
    assert lang_switcher.cjk_segments("no Chinese（）") == [("no Chinese（）", False)]


def _mini_book(tmp_path, language):
    """A two-page Sphinx project with the book's theme and lang_switcher, built as `language`."""
    import subprocess
    src = tmp_path / "src"
    (src / "chapters").mkdir(parents=True)
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / '_ext')!r})\n"
        "extensions = ['lang_switcher']\nhtml_theme = 'sphinx_book_theme'\n"
        f"locale_dirs = [{str(ROOT / 'locales')!r}]\nhtml_title = 'Loss Functions: an executable "
        "course'\n", encoding="utf-8")
    (src / "index.rst").write_text("Intro\n=====\n\nThe loss (损失) of ``代码``.\n\n"
                                   ".. toctree::\n\n   chapters/one\n", encoding="utf-8")
    (src / "chapters" / "one.rst").write_text("One (一)\n========\n\nText 交叉熵.\n",
                                              encoding="utf-8")
    out = tmp_path / "html"
    r = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html",
                        "-D", f"language={language}", str(src), str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out


def test_english_edition_has_switcher_alternates_and_zh_spans(tmp_path):
    out = _mini_book(tmp_path, "en")
    page = (out / "chapters" / "one.html").read_text(encoding="utf-8")
    assert '<nav class="lang-switcher" aria-label=' in page
    assert ('href="../zh-cn/chapters/one.html" hreflang="zh-CN" lang="zh-CN">简体中文</a>'
            in page)
    assert ('href="../chapters/one.html" hreflang="en" lang="en" aria-current="page">English'
            in page)
    assert '<link rel="alternate" hreflang="zh-TW" href="../zh-tw/chapters/one.html" />' in page
    assert 'Text <span lang="zh-Hans">交叉熵</span>.' in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '(<span lang="zh-Hans">损失</span>)' in index
    assert "<span lang=\"zh-Hans\">代码</span>" not in index       # code is left alone
    assert "<title>Intro" in index and "span" not in index.split("<title>")[1].split("<")[0]


def test_chinese_edition_translates_the_theme(tmp_path):
    out = _mini_book(tmp_path, "zh_CN")
    page = (out / "chapters" / "one.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN"' in page
    assert 'href="../../chapters/one.html" hreflang="en" lang="en">English</a>' in page
    assert 'aria-current="page">简体中文</a>' in page
    assert "损失函数：一门可运行的课程" in page            # html_title from theme.po
    assert 'title="打印为 PDF"' in page                   # booktheme's own zh_CN says 列印成
    assert 'title="显示或隐藏左侧目录"' in page            # hard-coded in the theme's template
    assert 'lang="zh-Hans"' not in page                  # spans only in the English edition


def test_chinese_edition_launches_the_translated_notebooks(tmp_path):
    import types
    app = types.SimpleNamespace(confdir=str(ROOT))
    config = types.SimpleNamespace(
        language="zh_TW", locale_dirs=[str(ROOT / "locales")], templates_path=[],
        html_static_path=[], html_title="T", author="A", zh_notebooks_branch="notebooks-zh",
        html_theme_options={"repository_branch": "main", "path_to_docs": ""})
    app.config = config
    lang_switcher._config_inited(app, config)
    assert config.html_theme_options["repository_branch"] == "notebooks-zh"
    assert config.html_theme_options["path_to_docs"] == "zh-tw"
    assert config.html_theme_options["article_header_end"][0] == lang_switcher.TEMPLATE


def test_translated_notebook_runs_under_nbval(tmp_path):
    """Chapter 1 in Simplified Chinese, as `make notebooks-zh` writes it, executes cleanly."""
    import json
    import subprocess
    doc = "chapters/01_what_is_a_loss"
    nb, *_counts = i18n.translate_notebook(ROOT / f"{doc}.ipynb", "zh-cn", doc)
    path = tmp_path / "01_what_is_a_loss.ipynb"
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "-c", os.devnull, "--rootdir", str(tmp_path), "--nbval-lax",
                        "--nbval-current-env", str(path)],
                       capture_output=True, text=True, cwd=tmp_path,
                       env={**os.environ, "OMP_NUM_THREADS": "1", "LOSSFNS_LANG": "en"})
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert " passed" in r.stdout


# ----------------------------------------------------------------------------- figures in Chinese

def test_cjk_font_draws_chinese_without_missing_glyphs(monkeypatch, recwarn):
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    if not any(f.name in lang.CJK_FONTS for f in font_manager.fontManager.ttflist):
        pytest.skip("no CJK font installed (apt-get install fonts-wqy-microhei)")
    with mpl.rc_context():
        name = lang.use_cjk_font()
        assert name in lang.CJK_FONTS
        assert mpl.rcParams["font.family"][1] == name and not mpl.rcParams["axes.unicode_minus"]
        fig, ax = plt.subplots()
        ax.set_title("交叉熵 cross-entropy −1")
        fig.canvas.draw()
        plt.close(fig)
    assert not [w for w in recwarn if "missing from font" in str(w.message)]


def test_no_cjk_font_prints_what_to_install(monkeypatch, capsys):
    mpl = pytest.importorskip("matplotlib")
    monkeypatch.setattr(lang, "CJK_FONTS", ("No Such Font CJK",))
    monkeypatch.setattr(lang, "_warned", [])
    with mpl.rc_context():
        assert lang.use_cjk_font() is None
        assert lang.use_cjk_font() is None
    out = capsys.readouterr().out
    assert out.count("No Chinese font found for matplotlib") == 1
    assert "fonts-noto-cjk" in out and "fonts-wqy-microhei" in out


# ----------------------------------------------------------------------------- the built editions
# Checks of _build/html after `make book` and `make book-zh` (make book-zh runs them); skipped
# where the editions have not been built.

SITE = ROOT / "_build" / "html"
BUILT = all((SITE / e / "index.html").is_file() for e in ("", "zh-cn", "zh-tw"))
built = pytest.mark.skipif(not BUILT, reason="run `make book` and `make book-zh` first")
EDITION_DIRS = {"en": SITE, "zh-CN": SITE / "zh-cn", "zh-TW": SITE / "zh-tw"}


def _pages(root):
    skip = {"zh-cn", "zh-tw", "_static", "_sources", "_images", "reports"}
    return [p for p in root.rglob("*.html")
            if not (set(p.relative_to(root).parts[:-1]) & skip)]


@built
@pytest.mark.parametrize("tag", EDITION_DIRS)
def test_built_editions_link_each_other(tag):
    import re
    pages = _pages(EDITION_DIRS[tag])
    assert len(pages) > 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if text.startswith('<meta http-equiv="Refresh"'):   # index.html -> intro.html
            continue
        assert f'<html lang="{tag}"' in text, page
        nav = re.search(r'<nav class="lang-switcher".*?</nav>', text, re.S)
        assert nav, f"{page}: no language switcher"
        hrefs = re.findall(r'href="([^"]+)" hreflang="([^"]+)"', nav.group(0))
        assert [h for _, h in hrefs] == ["en", "zh-CN", "zh-TW"], page
        for href, _ in hrefs:
            assert (page.parent / href).resolve().is_file(), f"{page}: {href} does not exist"


@built
@pytest.mark.parametrize("folder, words", [("zh-cn", ["交叉熵", "损失函数", "梯度下降"]),
                                           ("zh-tw", ["交叉熵", "損失函數", "梯度下降"])])
def test_built_chinese_search_finds_the_terms(folder, words):
    import json
    text = (SITE / folder / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1:text.rindex(")")])
    missing = [w for w in words if w not in index["terms"]]
    assert not missing, f"{folder} search index lacks {missing}"
    assert "language_data.js" in "".join(p.name for p in (SITE / folder / "_static").iterdir())


@built
@pytest.mark.parametrize("folder", ["zh-cn", "zh-tw"])
def test_built_chinese_figures_speak_chinese(folder):
    """In a Chinese edition every lesson figure has a Chinese alt text, and no text drawn in a
    figure is English (code names, symbols and standard abbreviations may stay)."""
    import html
    import re
    cjk = re.compile(r"[\u4e00-\u9fff]")
    word = re.compile(r"[A-Za-z]{3,}")
    allowed = {"log", "exp", "max", "min", "mean", "softmax", "sigmoid", "logit", "MSE", "MAE",
               "BCE", "NLL", "KL", "JS", "IoU", "Dice", "CTC", "SGD", "Adam", "GD", "ROC", "AUC",
               "Huber", "Poisson", "Gaussian", "Laplace", "PPL", "cosh", "argmax", "Net"}
    code = re.compile(r"[A-Za-z_]\w*(?:[._]\w*)+|[a-z]*[A-Z]\w*[A-Z]\w*|[A-Z]{2,}")  # a.b_c, KMeans
    problems = []
    for page in sorted((SITE / folder / "chapters").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        for img in re.findall(r'<img\b[^>]*src="[^"]*_images/[^"]+"[^>]*>', text):
            alt = re.search(r'\balt="([^"]*)"', img)
            if not (alt and cjk.search(alt.group(1))):
                problems.append(f"{page.name}: alt {alt.group(1)[:60] if alt else None!r}")
        for src in set(re.findall(r'src="([^"]*_images/[^"]+\.svg)"', text)):
            svg = (page.parent / src).resolve().read_text(encoding="utf-8")
            for t in re.findall(r"<text\b[^>]*>([^<]*)<", svg):
                t = html.unescape(t).strip()
                words = {w for token in t.split() if not code.fullmatch(token.strip("(),:;"))
                         for w in word.findall(token)} - allowed
                if words and not cjk.search(t):
                    problems.append(f"{page.name}: figure text {t!r}")
    assert not problems, f"{len(problems)} English texts in {folder}:\n" + "\n".join(problems[:40])


@built
def test_built_english_edition_marks_chinese_terms():
    page = (SITE / "chapters" / "02_regression_losses.html").read_text(encoding="utf-8")
    assert '<span lang="zh-Hans">' in page


@built
@pytest.mark.parametrize("folder", ["zh-cn", "zh-tw"])
def test_built_chinese_edition_serves_chinese_notebooks_and_ui(folder):
    import json
    sources = sorted((SITE / folder / "_sources" / "chapters").glob("*.ipynb"))
    assert sources
    for nb in sources:
        meta = json.loads(nb.read_text(encoding="utf-8"))["metadata"]
        assert meta.get("lossfns_lang") == folder, \
            f"{nb}: the English notebook, not the {folder} one"
    page = (SITE / folder / "chapters" / "02_regression_losses.html").read_text(encoding="utf-8")
    for english in ('title="Print to PDF"', 'title="Toggle primary sidebar"', ">Contents<",
                    'placeholder="Search this book..."', 'aria-label="Main"',
                    '<span class="caption-text">Foundations<'):   # a _toc.yml part caption
        assert english not in page, f"{folder}: theme string {english} not translated"
