"""_ext/reader_site.py without a browser: it reads a figure's smallest text right, sizes the
figure so that text stays ≥ MIN_TEXT_PX, and the published site carries no source maps and one
copy of the icons."""
from __future__ import annotations

import importlib.util
import io

import matplotlib
import pytest
from _site import HTML, ROOT

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

spec = importlib.util.spec_from_file_location("reader_site", ROOT / "_ext" / "reader_site.py")
reader_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reader_site)

built = pytest.mark.skipif(not (HTML / "index.html").is_file(),
                           reason=f"no built book at {HTML}: run `make book` first")


def _svg(smallest_pt: float, fonttype: str = "path") -> str:
    with matplotlib.rc_context({"svg.fonttype": fonttype, "font.size": 12}):
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([0, 1], [0, 1], label="a line")
        ax.set_ylabel("rotated label (units)", fontsize=11)         # rotate(-90) glyphs
        ax.set_xlabel(r"$\hat y - y$ (mathtext)", fontsize=12)
        ax.annotate("smallest", (0.5, 0.5), fontsize=smallest_pt)
        ax.legend(fontsize=10)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", bbox_inches="tight")
        plt.close(fig)
    return buf.getvalue()


@pytest.mark.parametrize("fonttype", ["path", "none"])
@pytest.mark.parametrize("smallest_pt", [6.0, 7.5, 9.0])
def test_reads_smallest_text_of_a_matplotlib_svg(smallest_pt, fonttype):
    facts = reader_site.svg_text_facts(_svg(smallest_pt, fonttype))
    # matplotlib writes SVG in points: a CSS pixel is 3/4 pt
    assert facts["min_text_px"] == pytest.approx(smallest_pt * 4 / 3, rel=1e-3)
    assert 4 * 72 * 4 / 3 * 0.8 < facts["width_px"] < 4 * 72 * 4 / 3 * 1.05   # ~4 in, tight


def test_min_width_keeps_text_at_the_threshold():
    facts = {"width_px": 600.0, "min_text_px": 12.0}
    width = reader_site.min_width_px(facts)
    assert width == 450                                       # 600 × 9 / 12
    assert facts["min_text_px"] * width / facts["width_px"] >= reader_site.MIN_TEXT_PX
    # text drawn below the threshold even at full size: the figure is shown enlarged
    assert reader_site.min_width_px({"width_px": 600.0, "min_text_px": 6.0}) == 900


def test_compact_svg_keeps_the_figure():
    with matplotlib.rc_context({"svg.fonttype": "path"}):
        fig, ax = plt.subplots(figsize=(4, 3))
        x = [k / 100 for k in range(600)]
        ax.plot(x, [v * v % 1.7 for v in x], label="a curve of 600 points")
        ax.legend()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", bbox_inches="tight")
        plt.close(fig)
    svg = buf.getvalue()
    small = reader_site.compact_svg(svg)
    assert len(small) < 0.95 * len(svg)
    assert reader_site.compact_svg(small) == small                     # idempotent
    assert reader_site.svg_text_facts(small) == reader_site.svg_text_facts(svg)
    # every coordinate within 0.01 pt of the original, in the same order
    import re
    def numbers(s):
        return [float(x) for d in re.findall(r'\sd="([^"]*)"', s)
                for x in re.findall(r"-?\d+(?:\.\d+)?", d)]

    before, after = numbers(svg), numbers(small)
    assert len(before) == len(after) > 100
    assert max(abs(a - b) for a, b in zip(before, after)) < 0.01
    assert reader_site.compact_svg("<svg>  \n   <g/></svg>") == "<svg>  \n   <g/></svg>"


def _text_families(svg: str) -> list:
    """Each text's font family as the browser resolves it: its own style, else the SVG's
    ``text{font-family:…}`` rule."""
    import re
    rule = re.search(r"text\{font-family:([^}]*)\}", svg)
    out = []
    for style in re.findall(r'<text\b[^>]*\bstyle="([^"]*)"', svg):
        own = re.search(r"font-family: ([^;]+)", style)
        out.append(own.group(1).strip() if own else (rule.group(1) if rule else None))
    return out


def test_compact_svg_says_the_font_list_once():
    """svg.fonttype = "none" (the course style) writes the whole font list on every text: it
    becomes one rule, and every text keeps the family, size and anchor it had."""
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([0, 1, 2], [0, 1, 4], label="a curve")
        ax.set_xlabel(r"$\hat y - y$ (mathtext)")
        ax.set_ylabel("loss (units)")
        ax.set_title("Title", family="monospace")        # a text with a family of its own
        ax.legend()
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
        plt.close(fig)
    svg = buf.getvalue()
    small = reader_site.compact_svg(svg)
    assert len(small) < 0.8 * len(svg)
    assert reader_site.compact_svg(small) == small                     # idempotent
    before, after = _text_families(svg), _text_families(small)
    assert len(before) == len(after) > 10 and None not in before
    assert after == before
    assert small.count("text{font-family:") == 1
    assert reader_site.svg_text_facts(small) == reader_site.svg_text_facts(svg)
    import re
    sizes = lambda s: re.findall(r"font-size: ([\d.]+px)", s)            # noqa: E731
    assert sizes(small) == sizes(svg)
    assert re.findall(r"text-anchor: \w+", small) == re.findall(r"text-anchor: \w+", svg)


def test_svg_without_text_is_not_sized():
    assert reader_site.svg_text_facts('<svg width="10pt" viewBox="0 0 10 10"></svg>') is None


@built
def test_site_has_no_source_maps():
    maps = sorted(str(p.relative_to(HTML)) for p in HTML.rglob("*.map"))
    assert not maps, f"source maps published: {maps[:5]}"
    mentions = [str(p.relative_to(HTML)) for p in (HTML / "_static").rglob("*.*")
                if p.suffix in (".js", ".css") and b"sourceMappingURL=" in p.read_bytes()]
    assert not mentions, f"files still point at source maps: {mentions[:5]}"


@built
def test_icons_are_shipped_once():
    """The theme's CSS draws the icons with its web fonts: its SVG-drawing script is gone."""
    assert not list(HTML.rglob("fontawesome.js")), "fontawesome.js still published"
    assert list(HTML.rglob("fa-solid-900.woff2")), "the icon web font is missing"
    pages = [p for p in HTML.rglob("*.html") if "_static" not in p.relative_to(HTML).parts
             and "fontawesome.js" in p.read_text("utf-8")]
    assert not pages, f"pages still load fontawesome.js: {pages[:3]}"
