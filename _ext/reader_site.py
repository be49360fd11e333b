"""The published site, lighter and readable (issue 12). Runs after the HTML is written.

* Figures keep readable text. Lesson figures are SVG (``lossfns.course.plot.use_style``); for
  each one, the smallest text in it is read from the file and the ``<img>`` gets a
  ``min-width`` such that this text is never drawn below ``MIN_TEXT_PX`` CSS pixels. On a
  narrower screen the figure scrolls sideways inside its output box (custom.css) instead of
  shrinking into illegibility.
* Figures are lighter: path coordinates to 1/100 pt, no indentation (12 % of their bytes).
* No source maps in the site: ``*.map`` files are deleted and the ``sourceMappingURL`` comments
  that point at them are removed (3.3 MB the reader never uses).
* Icons are shipped once: the theme's CSS already draws the Font Awesome icons with its web
  fonts, so its 1.5 MB ``fontawesome.js`` (which redraws the same icons as SVG) is dropped from
  every page and from the site.

* Sphinx's search index (120 kB and growing) is loaded by the search page only: the theme
  loads it on every page for a search-as-you-type that this book leaves off.
* sphinx-design's stylesheet and script (62 kB) only on pages that use its components.
* Bibliography entries are list items (``role="listitem"`` instead of the deprecated
  ``doc-biblioentry`` inside docutils' ``role="list"``), as accessibility checkers require.

Each step is idempotent: an incremental build re-runs them over pages already processed.
"""
from __future__ import annotations

import re
from pathlib import Path

#: Smallest size (CSS px) at which any text of a figure may be drawn.
MIN_TEXT_PX = 9.0
#: matplotlib writes SVG lengths in points; a CSS pixel is 3/4 of a point.
PX_PER_PT = 4.0 / 3.0
#: matplotlib draws text as glyph paths scaled by fontsize / 100 (``TextPath`` units).
_GLYPH_UNITS = 100.0

_SVG_WIDTH = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)(pt|px)?"')
_VIEWBOX = re.compile(r'<svg\b[^>]*?\bviewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)')
# Glyph groups of matplotlib's path-text: transform="translate(x y) [rotate(a)] scale(s -s)"
# (mathtext too), and the
# "font: 10px 'DejaVu Sans'" style of svg.fonttype = "none".
_GLYPH_SCALE = re.compile(r'transform="translate\([^)]*\)(?:\s*rotate\([^)]*\))?'
                          r'\s*scale\(([\d.]+)\s+-([\d.]+)\)"')
_FONT_PX = re.compile(r"font(?:-size)?:\s*(?:[\w-]+\s+)*?([\d.]+)px")
_IMG = re.compile(r'<img\b[^>]*\bsrc="(?P<src>[^"]*_images/[^"]+\.svg)"[^>]*>')
_FONTAWESOME = re.compile(r'\s*<script\b[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*>'
                          r'\s*</script>')
# Sphinx's search scripts, which the theme loads on every page for its search-as-you-type
# (disabled here: DOCUMENTATION_OPTIONS.search_as_you_type = false); the search page keeps them.
_SEARCH_SCRIPTS = re.compile(r'\s*<script src="[^"]*'
                             r'(?:_static/searchtools\.js|_static/language_data\.js'
                             r'|searchindex\.js)"></script>')
_NO_SEARCH_AS_YOU_TYPE = "DOCUMENTATION_OPTIONS.search_as_you_type = false;"
# sphinx-design (a jupyter-book default) on a page that uses none of its components (sd-*).
_SPHINX_DESIGN = re.compile(r'\s*<link rel="stylesheet" type="text/css" href="[^"]*_static/'
                            r'sphinx-design\.min\.css[^"]*" />'
                            r'|\s*<script [^>]*src="[^"]*_static/design-tabs\.js[^"]*"></script>')
_PATH_DATA = re.compile(r'(\sd=")([^"]*)(")')
_DECIMALS = re.compile(r"(\d\.\d\d)\d+")
_INDENT = re.compile(r"\n[ \t]+")
_TEXT_FAMILY = re.compile(r'<text\b[^>]*\bstyle="[^"]*?font-family: ([^;"]+)')
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_FONT_RULE = "text{font-family:"
_SOURCE_MAP = re.compile(rb"\n?(?://# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^*]*\*/)\s*$")


def svg_text_facts(svg: str) -> dict | None:
    """Natural width (CSS px) of a matplotlib SVG and its smallest text (CSS px at that width).

    Returns None for an SVG with no text or no size (not a matplotlib figure).
    """
    m_width, m_box = _SVG_WIDTH.search(svg), _VIEWBOX.search(svg)
    if not (m_width and m_box):
        return None
    unit = PX_PER_PT if (m_width.group(2) or "pt") == "pt" else 1.0
    width_px = float(m_width.group(1)) * unit
    per_user_unit = width_px / float(m_box.group(1))      # CSS px per viewBox unit
    sizes = [float(s) * _GLYPH_UNITS for s, t in _GLYPH_SCALE.findall(svg) if s == t]
    sizes += [float(s) for s in _FONT_PX.findall(svg)]
    sizes = [s for s in sizes if s > 0]
    if not sizes:
        return None
    return {"width_px": width_px, "min_text_px": min(sizes) * per_user_unit}


def min_width_px(facts: dict) -> int:
    """Smallest displayed width keeping every text of the figure ≥ MIN_TEXT_PX."""
    return int(-(-facts["width_px"] * MIN_TEXT_PX / facts["min_text_px"] // 1))   # ceil


def _figure_min_widths(html: str, page: Path, cache: dict) -> str:
    def fix(match):
        tag, src = match.group(0), match.group("src")
        if "min-width" in tag:
            return tag
        path = (page.parent / src).resolve()
        if path not in cache:
            try:
                cache[path] = svg_text_facts(path.read_text(encoding="utf-8"))
            except OSError:
                cache[path] = None
        facts = cache[path]
        if facts is None:
            return tag
        style = f"min-width: {min_width_px(facts)}px"
        if ' style="' in tag:
            return tag.replace(' style="', f' style="{style}; ', 1)
        return tag.replace("<img", f'<img style="{style}"', 1)

    return _IMG.sub(fix, html)


def _process_pages(outdir: Path) -> None:
    cache: dict = {}
    for page in outdir.rglob("*.html"):
        if page.relative_to(outdir).parts[0] in ("_static", "_sources"):
            continue
        html = page.read_text(encoding="utf-8")
        new = _FONTAWESOME.sub("", html)
        if page.name != "search.html" and _NO_SEARCH_AS_YOU_TYPE in new:
            new = _SEARCH_SCRIPTS.sub("", new)
        if 'class="sd-' not in new:
            new = _SPHINX_DESIGN.sub("", new)
        # DPUB-ARIA 1.1 deprecates doc-biblioentry: inside docutils' role="list" citation list
        # (the bibliography) each entry must be a listitem (axe: aria-required-children).
        new = new.replace('role="doc-biblioentry"', 'role="listitem"')
        new = _figure_min_widths(new, page, cache)
        if new != html:
            page.write_text(new, encoding="utf-8")


def compact_svg(svg: str) -> str:
    """A matplotlib SVG, lighter and drawn the same: path coordinates to 1/100 pt (matplotlib
    writes 1/1,000,000; 0.01 pt is 1/40 of a pixel on a 2x screen), no indentation, and the
    font list that svg.fonttype = "none" writes on every text said once. Returns other SVGs
    unchanged; idempotent."""
    if "Matplotlib" not in svg[:2000]:
        return svg
    svg = _PATH_DATA.sub(lambda m: m.group(1) + _DECIMALS.sub(r"\1", m.group(2)) + m.group(3), svg)
    return _shared_font_family(_INDENT.sub("\n", svg))


def _shared_font_family(svg: str) -> str:
    """The commonest ``font-family`` of the texts becomes a style rule for every text (a text
    with another family keeps its own: an inline style wins over the rule)."""
    if _FONT_RULE in svg:
        return svg
    families = _TEXT_FAMILY.findall(svg)
    if not families:
        return svg
    common = max(set(families), key=families.count)
    svg = svg.replace(f"font-family: {common};", "").replace(f"; font-family: {common}\"", '"')
    head = _SVG_OPEN.search(svg)
    rule = f'<style type="text/css">{_FONT_RULE}{common}}}</style>'
    return svg[:head.end()] + rule + svg[head.end():]


def _compact_figures(outdir: Path) -> None:
    for path in (outdir / "_images").glob("*.svg"):
        svg = path.read_text(encoding="utf-8")
        new = compact_svg(svg)
        if new != svg:
            path.write_text(new, encoding="utf-8")


def _drop_source_maps_and_icon_script(outdir: Path) -> None:
    static = outdir / "_static"
    for path in static.rglob("*.map"):
        path.unlink()
    for name in ("fontawesome.js", "fontawesome.js.LICENSE.txt"):
        (static / "scripts" / name).unlink(missing_ok=True)
    for path in list(static.rglob("*.js")) + list(static.rglob("*.css")):
        data = path.read_bytes()
        new = _SOURCE_MAP.sub(b"\n", data)
        if new != data:
            path.write_bytes(new)


def _finish(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    _compact_figures(outdir)
    _process_pages(outdir)
    _drop_source_maps_and_icon_script(outdir)


def setup(app):
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
