"""The language of the book being built or read: English, Simplified or Traditional Chinese.

The Chinese editions run every lesson with ``LOSSFNS_LANG=zh-cn`` or ``zh-tw``; quizzes, generated
tables and figure labels follow it.

>>> from lossfns.course import lang
>>> lang.t("loss", "损失")   # with LOSSFNS_LANG unset
'loss'
"""
import os
from functools import lru_cache
from pathlib import Path

LANGS = ("en", "zh-cn", "zh-tw")
ENV = "LOSSFNS_LANG"


def current() -> str:
    """The edition's language, from ``LOSSFNS_LANG`` ("en" when unset)."""
    value = os.environ.get(ENV, "en").strip().lower().replace("_", "-") or "en"
    if value not in LANGS:
        raise ValueError(f"{ENV} must be one of {', '.join(LANGS)}; got {value!r}")
    return value


#: reviewed exceptions to OpenCC for this book's terms (链式法则 → 連鎖律, 参数 → 參數, …)
OVERRIDES_FILE = Path(__file__).with_name("zh_tw_overrides.yml")
# Private-use characters: OpenCC passes them through untouched.
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"


@lru_cache(maxsize=1)
def overrides() -> tuple[tuple[str, str], ...]:
    """(Simplified, Traditional) pairs of the override list, longest first."""
    import yaml
    items = yaml.safe_load(OVERRIDES_FILE.read_text(encoding="utf-8"))["overrides"]
    pairs = [(item["zh_hans"], item["zh_hant"]) for item in items]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def to_traditional(text: str) -> str:
    """Simplified → Traditional Chinese: OpenCC ``s2twp`` (Taiwan phrasing), except for the
    terms of ``zh_tw_overrides.yml``, which are set aside before the conversion and put back
    in their reviewed Traditional form after it."""
    from . import _opencc
    kept = []
    for simplified, traditional in overrides():
        if simplified in text:
            text = text.replace(simplified, f"{_MARK_OPEN}{len(kept)}{_MARK_CLOSE}")
            kept.append(traditional)
    text = _opencc.convert(text)
    for i, traditional in enumerate(kept):
        text = text.replace(f"{_MARK_OPEN}{i}{_MARK_CLOSE}", traditional)
    return text


def t(en: str, zh: str) -> str:
    """The English text, or the Chinese one (Simplified; converted for zh-tw)."""
    lang = current()
    if lang == "en":
        return en
    return zh if lang == "zh-cn" else to_traditional(zh)


#: fonts with Chinese glyphs, in order of preference (Debian: fonts-noto-cjk, fonts-wqy-microhei)
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK TC", "Source Han Sans SC", "Source Han Sans TC",
             "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "Microsoft JhengHei",
             "PingFang SC", "PingFang TC", "Heiti SC", "SimHei", "Arial Unicode MS")
NO_CJK_FONT = ("No Chinese font found for matplotlib: Chinese text in figures will show as empty "
               "boxes. Install one (Debian/Ubuntu: apt-get install fonts-noto-cjk or "
               "fonts-wqy-microhei), then restart the kernel.")


def use_cjk_font() -> str | None:
    """Make matplotlib draw Chinese: the font family becomes the first installed sans-serif font
    (DejaVu Sans) then the first installed CJK font, so Latin text keeps its look and each
    Chinese character falls back to the CJK font; the minus sign is drawn as ASCII '-'.
    Returns the CJK font's name, or None after printing (once) a line saying what to install."""
    import matplotlib as mpl
    from matplotlib import font_manager
    installed = {f.name for f in font_manager.fontManager.ttflist}
    mpl.rcParams["axes.unicode_minus"] = False
    for name in CJK_FONTS:
        if name in installed:
            # a list of families makes matplotlib fall back glyph by glyph (not the generic
            # sans-serif list, from which it takes one font only)
            first = next((f for f in mpl.rcParams["font.sans-serif"] if f in installed), None)
            mpl.rcParams["font.family"] = [f for f in (first, name) if f] + ["sans-serif"]
            return name
    if not _warned:
        print(NO_CJK_FONT)
        _warned.append(True)
    return None


_warned: list = []
