"""lossfns.course.widgets: slider figures (static frames for the book, ipywidgets in JupyterLab)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pytest

from lossfns.course import widgets
from lossfns.course.widgets import BOOK_ENV, slider_figure

ROOT = Path(__file__).parents[1]
VALUES = [0.5, 1.0, 2.0]
FIGSIZE = (3.0, 2.0)          # small: these tests render many frames


def draw_line(fig, delta):
    """A figure whose drawing depends on delta (the slope of a line)."""
    ax = fig.subplots()
    x = np.linspace(0, 1, 5)
    ax.plot(x, delta * x, label="line")
    ax.set(ylim=(0, 3), title=f"slope {delta:g}", xlabel="x (unitless)", ylabel="y (unitless)")


@pytest.fixture(autouse=True)
def _not_in_a_book_build(monkeypatch):
    monkeypatch.delenv(BOOK_ENV, raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)


@pytest.fixture(scope="module")
def fig3():
    return slider_figure(draw_line, "delta", VALUES, label="Slope δ", symbol="δ",
                         alt="A line of slope {value}.", figsize=FIGSIZE, live=False)


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside <label> and <output>."""

    def __init__(self):
        super().__init__()
        self.tags, self.text, self._open = [], {}, None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("label", "output", "script", "style"):
            self._open = tag

    def handle_endtag(self, tag):
        self._open = None if tag == self._open else self._open

    def handle_data(self, data):
        if self._open:
            self.text[self._open] = self.text.get(self._open, "") + data

    def all(self, tag):
        return [a for t, a in self.tags if t == tag]


def _parse(html):
    p = _Tags()
    p.feed(html)
    return p


# ------------------------------------------------------------------------------------------
# Frames
# ------------------------------------------------------------------------------------------
def test_one_frame_per_value_drawn_with_that_value():
    seen = []

    def draw(fig, gamma):
        seen.append(gamma)
        draw_line(fig, gamma)

    s = slider_figure(draw, "gamma", [0, 1, 5], label="γ", alt="γ = {value}",
                      figsize=FIGSIZE, live=False)
    assert seen == [0.0, 1.0, 5.0]
    assert s.values == [0.0, 1.0, 5.0] and len(s.frames) == 3
    assert [f.valuetext for f in s.frames] == ["gamma = 0", "gamma = 1", "gamma = 5"]


def test_frames_are_svg_images_that_differ(fig3):
    svgs = []
    for f in fig3.frames:
        assert f.data_uri.startswith("data:image/svg+xml,<svg")
        svg = unquote(f.data_uri.split(",", 1)[1])
        root = ET.fromstring(svg)                       # well-formed SVG
        assert root.tag.endswith("svg")
        svgs.append(svg)
    assert len(set(svgs)) == len(svgs), "every value must give a different picture"
    assert all(f.width_px == 3.0 * 96 and f.height_px == 2.0 * 96 for f in fig3.frames)


def test_frames_are_the_same_bytes_on_every_run(fig3):
    again = slider_figure(draw_line, "delta", VALUES, label="Slope δ", symbol="δ",
                          alt="A line of slope {value}.", figsize=FIGSIZE, live=False)
    assert [f.svg for f in again.frames] == [f.svg for f in fig3.frames]


def test_labels_alt_text_and_readout(fig3):
    assert [f.valuetext for f in fig3.frames] == ["δ = 0.5", "δ = 1", "δ = 2"]
    assert [f.alt for f in fig3.frames] == ["A line of slope 0.5.", "A line of slope 1.",
                                            "A line of slope 2."]
    s = slider_figure(draw_line, "delta", [0.25, 1.345], label="δ", alt=lambda v: f"alt {v}",
                      fmt=lambda v: f"{v:.2f}σ", figsize=FIGSIZE, live=False)
    assert [f.valuetext for f in s.frames] == ["delta = 0.25σ", "delta = 1.34σ"]
    assert [f.alt for f in s.frames] == ["alt 0.25", "alt 1.345"]


def test_first_frame_is_the_middle_value_or_the_one_asked_for(fig3):
    assert fig3.index == 1
    s = slider_figure(draw_line, "delta", VALUES, label="δ", alt="x", value=2,
                      figsize=FIGSIZE, live=False)
    assert s.index == 2


def test_frames_keep_their_text_legible():
    def draw(fig, delta):
        ax = fig.subplots()
        ax.plot([0, 1], [0, delta])
        ax.set_title("title", fontsize=12)
        ax.tick_params(labelsize=9)           # the smallest text: 9 pt = 12 CSS px

    s = slider_figure(draw, "delta", [1, 2], label="δ", alt="x", figsize=(7.5, 3), live=False)
    f = s.frames[0]
    assert f.min_text_pt == 9
    # 720 px wide with 12 px text: shown at 540 px or more, the text stays >= 9 px
    assert f.min_width_px == 540
    assert "min-width: 540px" in s.to_html()


# ------------------------------------------------------------------------------------------
# The static HTML
# ------------------------------------------------------------------------------------------
def test_html_structure(fig3):
    page = _parse(fig3.to_html())
    figure = page.all("figure")
    assert len(figure) == 1 and "data-lossfns-slider" in figure[0]
    imgs = page.all("img")
    assert [int(a["data-lossfns-frame"]) for a in imgs] == [0, 1, 2]
    assert [("hidden" in a) for a in imgs] == [True, False, True], "only the first value shown"
    assert all(a["alt"].strip() and a["src"].startswith("data:image/svg+xml,") for a in imgs)
    assert [a["data-valuetext"] for a in imgs] == ["δ = 0.5", "δ = 1", "δ = 2"]
    (rng,) = page.all("input")
    assert rng["type"] == "range" and "data-lossfns-slider-input" in rng
    assert (rng["min"], rng["max"], rng["step"], rng["value"]) == ("0", "2", "1", "1")
    assert rng["aria-valuetext"] == "δ = 1"
    (label,) = page.all("label")
    assert label["for"] == rng["id"] and page.text["label"] == "Slope δ"
    (output,) = page.all("output")
    assert output["for"] == rng["id"] and page.text["output"] == "δ = 1"


def test_ids_are_unique_per_figure(fig3):
    other = slider_figure(draw_line, "delta", VALUES, label="δ", alt="x", figsize=FIGSIZE,
                          live=False)
    assert other.id != fig3.id
    assert _parse(other.to_html()).all("input")[0]["id"] == other.id


def test_text_is_escaped():
    s = slider_figure(draw_line, "delta", [1, 2], label='a <b> & "c"', symbol="δ",
                      alt='x < y & "z"', figsize=FIGSIZE, live=False)
    html = s.to_html()
    assert 'a &lt;b&gt; &amp; &quot;c&quot;' in html
    assert 'alt="x &lt; y &amp; &quot;z&quot;"' in html
    assert _parse(html).text["label"] == 'a <b> & "c"'


def test_outside_the_book_the_script_and_style_come_with_the_figure(fig3):
    page = _parse(fig3.to_html())
    assert page.text["script"] == widgets.SCRIPT
    assert page.text["style"] == widgets.CSS


def test_in_the_book_build_no_script_no_widget(monkeypatch):
    monkeypatch.setenv(BOOK_ENV, "1")
    monkeypatch.setenv("JPY_SESSION_NAME", "x.ipynb")   # even if started from JupyterLab
    assert widgets.in_book_build() and not widgets.live_available()
    s = slider_figure(draw_line, "delta", VALUES, label="δ", alt="x", figsize=FIGSIZE)
    page = _parse(s.to_html())
    assert not page.all("script") and not page.all("style"), "the book serves them once"
    bundle = s._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    with pytest.raises(ValueError, match="live=True: no live widget in the book"):
        slider_figure(draw_line, "delta", VALUES, label="δ", alt="x", figsize=FIGSIZE,
                      live=True)


@pytest.mark.parametrize("value, expected", [("", False), ("0", False), ("1", True),
                                             ("yes", True)])
def test_book_build_variable(monkeypatch, value, expected):
    monkeypatch.setenv(BOOK_ENV, value)
    assert widgets.in_book_build() is expected


def test_the_book_serves_the_same_script_and_style():
    """_static/slider.js and slider.css are links to the package's files, which the lessons
    inline outside the book: one copy of each."""
    for name, text in (("slider.js", widgets.SCRIPT), ("slider.css", widgets.CSS)):
        served = ROOT / "_static" / name
        assert served.is_symlink(), f"_static/{name} must link to lossfns/course/static/{name}"
        assert served.resolve() == (ROOT / "lossfns" / "course" / "static" / name).resolve()
        assert served.read_text(encoding="utf-8") == text
    assert "window.lossfnsSlider" in widgets.SCRIPT and ".lossfns-slider" in widgets.CSS


# ------------------------------------------------------------------------------------------
# The live widget
# ------------------------------------------------------------------------------------------
def test_outside_jupyterlab_no_widget_by_default(fig3):
    assert not widgets.live_available()          # pytest: no kernel, no Jupyter server
    s = slider_figure(draw_line, "delta", VALUES, label="δ", alt="x", figsize=FIGSIZE)
    assert "application/vnd.jupyter.widget-view+json" not in s._repr_mimebundle_()


def test_live_widget_swaps_the_frame():
    pytest.importorskip("ipywidgets")
    s = slider_figure(draw_line, "delta", VALUES, label="Slope δ", symbol="δ", alt="slope {value}",
                      figsize=FIGSIZE, live=True)
    bundle = s._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"] == s.to_html(), "static frames stay as the fallback"
    box = s.widget()
    picture, slider = box.children
    assert slider.description == "Slope δ"
    assert [label for label, _ in slider.options] == ["δ = 0.5", "δ = 1", "δ = 2"]
    assert s.frames[1].data_uri in picture.value and 'alt="slope 1"' in picture.value
    slider.value = 2
    assert s.frames[2].data_uri in picture.value and 'alt="slope 2"' in picture.value


# ------------------------------------------------------------------------------------------
# Bad input
# ------------------------------------------------------------------------------------------
def _call(**override):
    kw = dict(draw=draw_line, param="delta", values=VALUES, label="δ", alt="x",
              figsize=FIGSIZE, live=False)
    kw.update(override)
    return slider_figure(kw.pop("draw"), kw.pop("param"), kw.pop("values"), **kw)


@pytest.mark.parametrize("override, message", [
    ({"draw": "not a function"}, "draw must be a function"),
    ({"param": "not a name"}, "param must be a Python name"),
    ({"param": 3}, "param must be a Python name"),
    ({"values": [1.0]}, "values must hold at least 2 numbers"),
    ({"values": 5}, "values must be a sequence of numbers"),
    ({"values": ["a", "b"]}, "values must be a sequence of numbers"),
    ({"values": [1.0, float("nan")]}, "values must be finite numbers"),
    ({"values": [2.0, 1.0]}, "values must be strictly increasing"),
    ({"values": [1.0, 1.0]}, "values must be strictly increasing"),
    ({"label": "  "}, "label must be a non-empty string"),
    ({"label": None}, "label must be a non-empty string"),
    ({"alt": ""}, "alt must be a non-empty string"),
    ({"alt": lambda v: ""}, "alt must be a non-empty string"),
    ({"symbol": ""}, "symbol must be a non-empty string"),
    ({"value": 1.5}, r"value must be one of values \[0.5, 1.0, 2.0\]; got 1.5"),
    ({"fmt": "no braces"}, "fmt must be a format string"),
    ({"figsize": (0, 2)}, "figsize must be two positive numbers"),
    ({"figsize": "big"}, r"figsize must be \(width, height\)"),
    ({"live": "yes"}, "live must be True, False or None"),
    ({"draw": lambda fig, delta: None}, "draw drew no axes on the figure for delta=0.5"),
    ({"draw": lambda fig, delta: 42}, "draw must draw on the figure it is given and return None"),
])
def test_bad_input(override, message):
    with pytest.raises(ValueError, match=message):
        _call(**override)


def test_a_draw_function_with_another_keyword_fails_clearly():
    with pytest.raises(TypeError, match="gamma"):
        _call(param="gamma")        # draw_line takes delta, not gamma
