"""Interactive figures: a slider over one parameter of a figure, with or without a kernel.

`slider_figure` draws a matplotlib figure once for each value of a parameter and shows it with a
slider that picks the value:

* **In the book** (a static page, no kernel) the output is plain HTML: the pre-rendered frames
  as SVG images, an ``<input type="range">`` with a ``<label>`` and ``aria-valuetext``, and the
  book's small script ``_static/slider.js`` swaps the frames. It works offline and with the
  keyboard (arrows, Home, End, Page Up/Down), and needs nothing but the page.
* **In JupyterLab** (a kernel started by a Jupyter server, with ``ipywidgets`` installed) the
  same output also carries an ipywidgets slider, which JupyterLab shows instead; the HTML
  frames stay in the output as the fallback for viewers without a widget manager.
* **Elsewhere** (Colab, VS Code, nbval, plain Python) the static HTML frames are shown, with
  the script inlined in the output so that they work there too.

The book's build sets ``LOSSFNS_BOOK_BUILD=1`` (`BOOK_ENV`): then no widget is ever created
(its state would make the page load ipywidgets' JavaScript from a CDN) and the script is not
inlined (the book serves it once, for every page, from ``_static/``).

Example (chapter 2, Huber's δ)::

    from lossfns.course.widgets import slider_figure

    def draw(fig, delta):
        ax = fig.subplots()
        ax.plot(r, lossfns.huber(0 * r, r, reduction="none", delta=delta))
        ax.set(ylim=(0, 8), xlabel="residual r", ylabel="loss")

    slider_figure(draw, "delta", [0.25, 0.5, 1.0, 2.0, 3.0], label="Huber threshold δ",
                  symbol="δ", value=1.0, alt="The Huber loss for δ = {value}.")

The same function serves the other knobs of the course, e.g. focal loss's γ
(``slider_figure(draw, "gamma", [0, 0.5, 1, 2, 5], label="focusing parameter γ",
symbol="γ", ...)``) and the distillation temperature T
(``slider_figure(draw, "T", [1, 2, 4, 8, 16], label="temperature T", symbol="T", ...)``).
Keep the axes limits fixed in ``draw`` (the same for every value), so that moving the slider
shows what changes; use `lossfns.course.lang.t` for every text, as in any lesson figure.
"""
from __future__ import annotations

import io
import itertools
import math
import os
import re
from dataclasses import dataclass
from html import escape
from importlib import resources
from urllib.parse import quote

#: Set (to anything but "" or "0") by the book's build: static frames only, script not inlined.
BOOK_ENV = "LOSSFNS_BOOK_BUILD"
#: Smallest size (CSS px) at which a frame's text may be drawn; a frame is kept at least this
#: legible (``min-width``) and scrolls sideways on a narrower screen, like the book's figures.
MIN_TEXT_PX = 9.0
#: CSS px per inch (SVG sizes are written in points: 72 per inch, a CSS px is 3/4 of a point).
PX_PER_INCH = 96.0
#: The default figure size (inches): fits the book's text column (about 757 px) at full size.
FIGSIZE = (7.5, 3.4)

_IDENT = re.compile(r"[A-Za-z_]\w*\Z")
_ids = itertools.count(1)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _asset(name: str) -> str:
    return (resources.files("lossfns.course") / "static" / name).read_text(encoding="utf-8")


#: The frame-swapping script and the figure's style: the files ``static/slider.js`` and
#: ``static/slider.css`` of this package, which the book serves (``_static/`` links to them)
#: and the lessons inline outside the book.
SCRIPT = _asset("slider.js")
CSS = _asset("slider.css")


# --------------------------------------------------------------------------------------------
# Where are we?
# --------------------------------------------------------------------------------------------
def in_book_build() -> bool:
    """True while the book's build runs the lesson (``LOSSFNS_BOOK_BUILD`` set)."""
    return os.environ.get(BOOK_ENV, "").strip() not in ("", "0")


def live_available() -> bool:
    """True where a live ipywidgets slider can be shown: not in the book's build, in an IPython
    kernel started by a Jupyter server (JupyterLab, Notebook 7), with ipywidgets installed."""
    if in_book_build() or not os.environ.get("JPY_SESSION_NAME"):
        return False
    try:
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------
def _check_values(values) -> tuple[float, ...]:
    try:
        out = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        raise ValueError(f"values must be a sequence of numbers; got {values!r}") from None
    if len(out) < 2:
        raise ValueError(f"values must hold at least 2 numbers (one frame each); got {len(out)}")
    bad = [v for v in out if not math.isfinite(v)]
    if bad:
        raise ValueError(f"values must be finite numbers; got {bad[0]!r} in {list(out)}")
    if any(b <= a for a, b in zip(out, out[1:])):
        raise ValueError(f"values must be strictly increasing (the slider's order); "
                         f"got {list(out)}")
    return out


def _formatter(fmt):
    if callable(fmt):
        return fmt
    if isinstance(fmt, str) and "{" in fmt:
        return fmt.format
    raise ValueError(f"fmt must be a format string such as '{{:g}}' or a function; got {fmt!r}")


def _text(name, value):
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string; got {value!r}")
    return value.strip()


def _check_figsize(figsize):
    try:
        w, h = (float(v) for v in figsize)
    except (TypeError, ValueError):
        raise ValueError(f"figsize must be (width, height) in inches; got {figsize!r}") from None
    if not (w > 0 and h > 0 and math.isfinite(w) and math.isfinite(h)):
        raise ValueError(f"figsize must be two positive numbers (inches); got {figsize!r}")
    return w, h


# --------------------------------------------------------------------------------------------
# Frames
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Frame:
    """One pre-rendered figure: its parameter value, its SVG text and what it says."""
    value: float
    svg: str
    valuetext: str       # e.g. "δ = 1.5": the slider's aria-valuetext and visible readout
    alt: str
    width_px: float      # natural width of the SVG in CSS px
    height_px: float
    min_text_pt: float   # smallest font size used in the figure (points)

    @property
    def data_uri(self) -> str:
        """The SVG as a ``data:`` URI: percent-encoded text, smaller than base64. Only what
        would end the attribute or the URI is encoded (``"``, ``&``, ``#``, ``%``, non-ASCII)."""
        return "data:image/svg+xml," + quote(self.svg, safe=" <>/:;=,.-_'()!*~+?@$[]{}|^`")

    @property
    def min_width_px(self) -> int:
        """Smallest displayed width keeping the frame's smallest text ≥ `MIN_TEXT_PX`."""
        return math.ceil(self.width_px * MIN_TEXT_PX / (self.min_text_pt * 4.0 / 3.0))


def _render(draw, param, value, figsize) -> tuple[str, float]:
    """Run ``draw(fig, **{param: value})`` on a new figure; its SVG and its smallest font size."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    # A bare Figure (not pyplot): nothing is shown by the inline backend, nothing is leaked.
    fig = Figure(figsize=figsize, layout="constrained")
    result = draw(fig, **{param: value})
    if result is not None and result is not fig:
        raise ValueError(f"draw must draw on the figure it is given and return None; "
                         f"got {type(result).__name__} for {param}={value:g}")
    if not fig.axes:
        raise ValueError(f"draw drew no axes on the figure for {param}={value:g}: it must "
                         f"draw on `fig` (e.g. ax = fig.subplots())")
    buf = io.StringIO()
    # No date and a fixed salt for the element ids: the same bytes on every run.
    with rc_context({"svg.hashsalt": "lossfns"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    # After drawing: tick labels get their text only then.
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]          # drop the XML prolog and DOCTYPE (not needed in a URI)
    svg = _COMMENT.sub("", svg).replace("\n", " ")   # comments, newlines: only bytes in a URI
    if "'" not in svg:                     # 'x' needs no escaping in a "…" attribute, "x" does
        svg = svg.replace('"', "'")
    return svg, min(sizes, default=10.0)


class SliderFigure:
    """A figure with a slider over one parameter (made by `slider_figure`).

    Displayed by Jupyter from its MIME bundle: static HTML frames, plus a live ipywidgets
    slider where one can be shown (`live_available`). ``to_html()`` gives the static HTML.
    """

    def __init__(self, frames, index, *, param, label, live, inline_script):
        self.frames: list[Frame] = list(frames)
        self.index = index                      # the frame shown first
        self.param = param
        self.label = label
        self.live = live
        self.inline_script = inline_script
        self.id = f"lossfns-slider-{param}-{next(_ids)}"

    @property
    def values(self) -> list[float]:
        return [f.value for f in self.frames]

    def to_html(self) -> str:
        """The static figure: frames, a labelled range input, a readout (and, outside the book,
        the script and style that make it work)."""
        first = self.frames[self.index]
        imgs = []
        for k, f in enumerate(self.frames):
            style = f"width: 100%; max-width: {f.width_px:.0f}px; min-width: {f.min_width_px}px"
            imgs.append(
                f'<img data-lossfns-frame="{k}" src="{f.data_uri}" alt="{escape(f.alt)}" '
                f'data-valuetext="{escape(f.valuetext)}" width="{f.width_px:.0f}" '
                f'height="{f.height_px:.0f}" style="{style}"'
                + ("" if k == self.index else " hidden") + ">")
        n = len(self.frames)
        control = (
            f'<div class="lossfns-slider-control">'
            f'<label for="{self.id}">{escape(self.label)}</label>'
            f'<input type="range" id="{self.id}" data-lossfns-slider-input min="0" '
            f'max="{n - 1}" step="1" value="{self.index}" '
            f'aria-valuetext="{escape(first.valuetext)}">'
            f'<output for="{self.id}">{escape(first.valuetext)}</output></div>')
        extra = ""
        if self.inline_script:
            extra = f"<style>{CSS}</style><script>{SCRIPT}</script>"
        return (f'<figure class="lossfns-slider" data-lossfns-slider id="{self.id}-figure">'
                f'<div class="lossfns-slider-frames">{"".join(imgs)}</div>{control}</figure>'
                + extra)

    def widget(self):
        """The live ipywidgets version: the frame above a `SelectionSlider` over the values."""
        import ipywidgets as W

        def img(k):
            f = self.frames[k]
            return (f'<img src="{f.data_uri}" alt="{escape(f.alt)}" '
                    f'style="max-width: 100%; height: auto">')

        picture = W.HTML(img(self.index))
        slider = W.SelectionSlider(
            options=[(f.valuetext, k) for k, f in enumerate(self.frames)], value=self.index,
            description=self.label, continuous_update=True, readout=True,
            style={"description_width": "initial"}, layout=W.Layout(width="32em"))
        slider.observe(lambda change: setattr(picture, "value", img(change["new"])), "value")
        return W.VBox([picture, slider])

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/html": self.to_html(), "text/plain": repr(self)}
        if self.live:
            view = self.widget()._repr_mimebundle_()
            bundle["application/vnd.jupyter.widget-view+json"] = \
                view["application/vnd.jupyter.widget-view+json"]
        return bundle

    def __repr__(self):
        v = self.values
        return (f"<SliderFigure {self.param}: {len(v)} frames, {v[0]:g} … {v[-1]:g}, "
                f"showing {v[self.index]:g}>")


def slider_figure(draw, param, values, *, label, alt, symbol=None, value=None, fmt="{:g}",
                  figsize=FIGSIZE, live=None) -> SliderFigure:
    """A figure with a slider over one parameter: static frames in the book, live in JupyterLab.

    draw: ``draw(fig, **{param: v})`` draws the figure for the value ``v`` on the empty
        matplotlib ``Figure`` it is given (``ax = fig.subplots()`` …) and returns None. Keep
        its axes limits the same for every value.
    param: the keyword under which `draw` receives the value (a Python name, e.g. "delta").
    values: the slider's values, at least 2, strictly increasing; one frame is drawn for each.
    label: the slider's visible label (its ``<label>``), e.g. "Huber threshold δ".
    alt: the alt text of each frame: a string, in which ``{value}`` is replaced by the value
        as written by `fmt`, or a function of the value.
    symbol: how the value is named in the readout and in ``aria-valuetext`` ("δ" gives
        "δ = 1.5"); `param` by default.
    value: the value shown first (one of `values`); the middle one by default.
    fmt: how a value is written: a format string ("{:g}") or a function.
    figsize: (width, height) in inches; the default fits the book's column at full size.
    live: True/False to force or forbid the ipywidgets slider; None chooses
        (`live_available`: JupyterLab with ipywidgets, never the book's build).

    Returns a `SliderFigure`; as the last line of a cell it displays itself.
    """
    if not callable(draw):
        raise ValueError(f"draw must be a function draw(fig, **{{param: value}}); got {draw!r}")
    if not isinstance(param, str) or not _IDENT.match(param):
        raise ValueError(f"param must be a Python name (the keyword draw receives); got {param!r}")
    vals = _check_values(values)
    label = _text("label", label)
    symbol = param if symbol is None else _text("symbol", symbol)
    write = _formatter(fmt)
    if callable(alt):
        alt_of = alt
    else:
        alt_text = _text("alt", alt)
        alt_of = lambda v: alt_text.format(value=write(v))   # noqa: E731
    figsize = _check_figsize(figsize)
    if value is None:
        index = (len(vals) - 1) // 2
    else:
        matches = [k for k, v in enumerate(vals) if math.isclose(v, float(value), rel_tol=1e-9)]
        if not matches:
            raise ValueError(f"value must be one of values {list(vals)}; got {value!r}")
        index = matches[0]
    if live not in (None, True, False):
        raise ValueError(f"live must be True, False or None (choose); got {live!r}")
    if live is None:
        live = live_available()
    elif live:
        if in_book_build():
            raise ValueError(f"live=True: no live widget in the book's build ({BOOK_ENV} is set)")
        try:
            import ipywidgets  # noqa: F401
        except ImportError as exc:
            raise ImportError("live=True needs ipywidgets: pip install ipywidgets") from exc

    frames = []
    for v in vals:
        svg, min_pt = _render(draw, param, v, figsize)
        frames.append(Frame(value=v, svg=svg, valuetext=f"{symbol} = {write(v)}",
                            alt=_text("alt", alt_of(v)), width_px=figsize[0] * PX_PER_INCH,
                            height_px=figsize[1] * PX_PER_INCH, min_text_pt=min_pt))
    return SliderFigure(frames, index, param=param, label=label, live=live,
                        inline_script=not in_book_build())
