"""The language of the book being built or read: English, Simplified or Traditional Chinese.

The Chinese editions run every lesson with ``LOSSFNS_LANG=zh-cn`` or ``zh-tw``; quizzes, generated
tables and figure labels follow it.

>>> from lossfns.course import lang
>>> lang.t("loss", "损失")   # with LOSSFNS_LANG unset
'loss'
"""
import os

LANGS = ("en", "zh-cn", "zh-tw")
ENV = "LOSSFNS_LANG"


def current() -> str:
    """The edition's language, from ``LOSSFNS_LANG`` ("en" when unset)."""
    value = os.environ.get(ENV, "en").strip().lower().replace("_", "-") or "en"
    if value not in LANGS:
        raise ValueError(f"{ENV} must be one of {', '.join(LANGS)}; got {value!r}")
    return value


def to_traditional(text: str) -> str:
    """Simplified → Traditional Chinese (Taiwan phrasing, OpenCC ``s2twp``)."""
    from . import _opencc
    return _opencc.convert(text)


def t(en: str, zh: str) -> str:
    """The English text, or the Chinese one (Simplified; converted for zh-tw)."""
    lang = current()
    if lang == "en":
        return en
    return zh if lang == "zh-cn" else to_traditional(zh)
