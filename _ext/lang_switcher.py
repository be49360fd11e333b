"""The three editions of the book find each other.

- A language switcher (English / 简体中文 / 繁體中文) in every page's header, linking the same page
  in the other editions with relative links: the English edition is the site's root
  (``chapters/x.html``), the Chinese ones are its folders ``zh-cn/`` and ``zh-tw/``.
- ``<link rel="alternate" hreflang="...">`` for each edition in every page's head.
- In the English edition, each run of Chinese characters in the text is wrapped in
  ``<span lang="zh-Hans">`` so that screen readers switch voice for the inline Chinese terms.

The edition is Sphinx's ``language`` (``en``, ``zh_CN``, ``zh_TW``): ``tools/i18n.py`` sets it
for the Chinese builds.
"""
from __future__ import annotations

import gettext
import html
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform

HERE = Path(__file__).resolve().parent

#: (Sphinx language, name shown, folder under the English site, BCP 47 tag)
EDITIONS = (
    ("en", "English", "", "en"),
    ("zh_CN", "简体中文", "zh-cn", "zh-CN"),
    ("zh_TW", "繁體中文", "zh-tw", "zh-TW"),
)
TEMPLATE = "lang-switcher.html"

# Ideographs (with extensions and compatibility forms) and CJK punctuation / full-width forms;
# a run is wrapped when it holds at least one ideograph.
_CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SKIP = (nodes.literal, nodes.literal_block, nodes.math, nodes.math_block, nodes.raw,
         nodes.comment, nodes.FixedTextElement, nodes.system_message)


def edition_of(language: str | None) -> str:
    """The Sphinx language of the edition being built ('en' for None/'en')."""
    if not language or language.startswith("en"):
        return "en"
    if language not in {e[0] for e in EDITIONS}:
        raise ValueError(f"language must be one of en, zh_CN, zh_TW; got {language!r}")
    return language


def href(pagename: str, current: str, target: str) -> str:
    """Relative link from `pagename` in edition `current` to the same page in `target`."""
    folder = {e[0]: e[2] for e in EDITIONS}
    up = "../" * pagename.count("/")
    if folder[current]:
        up += "../"
    return up + (folder[target] + "/" if folder[target] else "") + pagename + ".html"


def switcher_html(pagename: str, language: str | None) -> str:
    current = edition_of(language)
    items = []
    for lang, name, _folder, tag in EDITIONS:
        attrs = f'href="{html.escape(href(pagename, current, lang))}" hreflang="{tag}" lang="{tag}"'
        if lang == current:
            attrs += ' aria-current="page"'
        items.append(f'<li><a class="lang-switcher-link" {attrs}>{name}</a></li>')
    return ('<nav class="lang-switcher" aria-label="Language / 语言 / 語言">'
            f'<ul>{"".join(items)}</ul></nav>')


def alternates_html(pagename: str, language: str | None) -> str:
    current = edition_of(language)
    return "".join(f'<link rel="alternate" hreflang="{tag}" '
                   f'href="{html.escape(href(pagename, current, lang))}" />\n'
                   for lang, _name, _folder, tag in EDITIONS)


def cjk_segments(text: str) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_chinese) runs; concatenated they give `text` back."""
    out, pos = [], 0
    for m in _CJK_RUN.finditer(text):
        if not _IDEOGRAPH.search(m.group()):
            continue
        if m.start() > pos:
            out.append((text[pos:m.start()], False))
        out.append((m.group(), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


class zh_span(nodes.inline):
    """Inline Chinese text in the English edition (HTML: <span lang="zh-Hans">)."""


def visit_zh_span(self, node):
    self.body.append('<span lang="zh-Hans">')


def depart_zh_span(self, node):
    self.body.append("</span>")


class WrapChinese(SphinxPostTransform):
    """English edition: wrap each run of Chinese characters of the text in a zh_span."""
    default_priority = 900
    formats = ("html",)

    def run(self, **kwargs) -> None:
        if edition_of(self.config.language) != "en":
            return
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is None or not _IDEOGRAPH.search(text):
                continue
            if any(isinstance(a, _SKIP) for a in _ancestors(text)):
                continue
            pieces = cjk_segments(str(text))
            new = [zh_span(piece, nodes.Text(piece)) if chinese else nodes.Text(piece)
                   for piece, chinese in pieces]
            parent.replace(text, new)


class TranslateToctreeCaptions(SphinxTransform):
    """Chinese editions: the part captions of _toc.yml ("Foundations", "Losses", …), which
    sphinx-external-toc inserts after Sphinx has translated the page, from the page's catalog
    (they are extracted into the root document's .po)."""
    default_priority = 101   # right after sphinx_external_toc's InsertToctrees (100)

    def apply(self, **kwargs) -> None:
        if edition_of(self.config.language) == "en":
            return
        from os import path

        from sphinx.locale import init as init_locale
        from sphinx.util.i18n import docname_to_domain
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        dirs = [path.join(self.env.srcdir, d) for d in self.config.locale_dirs]
        catalog, has_catalog = init_locale(dirs, self.config.language, domain)
        if not has_catalog:
            return
        for toctree in self.document.findall(addnodes.toctree):
            caption = toctree.get("caption")
            if caption and catalog.gettext(caption) != caption:
                toctree["caption"] = catalog.gettext(caption)
                if "rawcaption" in toctree:
                    toctree["rawcaption"] = toctree["caption"]


def _ancestors(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


#: message catalogs of the themes and extensions whose strings locales/<lang>/theme.po fills
UI_DOMAINS = ("sphinx", "booktheme", "exercise", "togglebutton")
#: attributes the themes write in English whatever the language (translated in the written HTML)
HARDCODED = (("aria-label", "Main"), ("aria-label", "Page"), ("title", "Toggle primary sidebar"),
             ("title", "Toggle secondary sidebar"), ("alt", "Binder logo"), ("alt", "Colab logo"))


class _Catalog(gettext.NullTranslations):
    """A catalog read straight from a .po (Sphinx compiles theme.po only later in the build)."""

    def __init__(self, strings: dict[str, str]):
        super().__init__()
        self._catalog = strings

    def gettext(self, message: str) -> str:
        return self._catalog.get(message) or message


def theme_catalog(app) -> _Catalog | None:
    """The book's UI strings (locales/<lang>/LC_MESSAGES/theme.po) for this language."""
    if edition_of(app.config.language) == "en":
        return None
    from babel.messages.pofile import read_po
    for d in app.config.locale_dirs:
        po = Path(app.confdir, d) / app.config.language / "LC_MESSAGES" / "theme.po"
        if po.is_file():
            with open(po, "rb") as f:
                catalog = read_po(f, charset="utf-8")
            return _Catalog({m.id: m.string for m in catalog
                             if m.id and m.string and not m.fuzzy})
    return None


def _install_ui_catalog(app):
    """Put theme.po's strings in front of the themes' and extensions' own catalogs (which miss
    some strings, and whose zh_CN has 繁體 in places)."""
    from sphinx import locale
    mine = theme_catalog(app)
    if mine is None:
        return
    strings = dict(mine._catalog)
    for domain in UI_DOMAINS:
        head = locale.translators.get(("general", domain))
        if head is not None and hasattr(head, "_catalog"):
            head._catalog.update(strings)
        elif head is not None:
            head.add_fallback(mine)
        else:
            locale.translators[("general", domain)] = mine


def _translate_hardcoded(app, exception):
    mine = theme_catalog(app)
    if exception is not None or mine is None or app.builder.format != "html":
        return
    pairs = [(f'{attr}="{en}"', f'{attr}="{html.escape(mine.gettext(en))}"')
             for attr, en in HARDCODED if mine.gettext(en) != en]
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = text
        for old, repl in pairs:
            new = new.replace(old, repl)
        if new != text:
            page.write_text(new, encoding="utf-8")


def _config_inited(app, config):
    templates = str(HERE / "templates")
    if templates not in config.templates_path:
        config.templates_path.append(templates)
    options = dict(config.html_theme_options or {})
    mine = theme_catalog(app)
    if mine is not None:   # the book's title and the search box of a Chinese edition
        options["search_bar_text"] = mine.gettext(options.get("search_bar_text",
                                                               "Search this book..."))
        config.html_title = mine.gettext(config.html_title)
        config.author = mine.gettext(config.author)
    folder = {e[0]: e[2] for e in EDITIONS}.get(edition_of(config.language))
    if folder and config.zh_notebooks_branch:
        # Colab / Binder buttons open the translated notebook: <branch>/<folder>/<page>.ipynb
        # (the branch holds _build/notebooks as published by the deploy; see locales/README.md)
        options["repository_branch"] = config.zh_notebooks_branch
        options["path_to_docs"] = folder
    end = options.get("article_header_end", ["article-header-buttons.html"])
    if isinstance(end, str):
        end = [x.strip() for x in end.split(",") if x.strip()]
    if TEMPLATE not in end:
        options["article_header_end"] = [TEMPLATE, *end]
    config.html_theme_options = options
    static = str(HERE / "static")
    if static not in config.html_static_path:
        config.html_static_path.append(static)


def _page_context(app, pagename, templatename, context, doctree):
    language = app.config.language
    context["lang_switcher"] = switcher_html(pagename, language)
    context["metatags"] = context.get("metatags", "") + alternates_html(pagename, language)


def chinese_alt_texts(source: str, language: str) -> str:
    """A notebook's JSON with each figure's alt text (``mystnb.image.alt``) replaced by its
    Chinese one (``lossfns.alt_zh``, Simplified; converted for zh_TW). Unchanged for English, for
    non-notebooks and for figures without ``alt_zh``."""
    import json

    if language not in ("zh_CN", "zh_TW") or not source.lstrip().startswith("{"):
        return source
    try:
        nb = json.loads(source)
    except ValueError:
        return source
    changed = False
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {})
        image = meta.get("mystnb", {}).get("image", {})
        zh = meta.get("lossfns", {}).get("alt_zh")
        if image.get("alt") and zh:
            if language == "zh_TW":
                from lossfns.course.lang import to_traditional
                zh = to_traditional(zh)
            image["alt"] = zh
            changed = True
    return json.dumps(nb, ensure_ascii=False, indent=1) if changed else source


def _chinese_alt_texts(app, docname, source):
    source[0] = chinese_alt_texts(source[0], app.config.language)


def setup(app):
    app.add_config_value("zh_notebooks_branch", "notebooks-zh", "html")
    app.connect("source-read", _chinese_alt_texts)
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    app.connect("builder-inited", _install_ui_catalog)
    app.connect("build-finished", _translate_hardcoded)
    app.add_node(zh_span, html=(visit_zh_span, depart_zh_span),
                 latex=(lambda s, n: None, lambda s, n: None),
                 text=(lambda s, n: None, lambda s, n: None))
    app.add_post_transform(WrapChinese)
    app.add_transform(TranslateToctreeCaptions)
    app.add_css_file("lang_switcher.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
