"""Tests for lossfns/course/lang.py: the edition's language from LOSSFNS_LANG."""
import pytest

from lossfns.course import lang


@pytest.mark.parametrize("value, expected", [(None, "en"), ("en", "en"), ("zh-cn", "zh-cn"),
                                             ("zh_TW", "zh-tw"), ("", "en")])
def test_current_reads_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(lang.ENV, raising=False)
    else:
        monkeypatch.setenv(lang.ENV, value)
    assert lang.current() == expected


def test_unknown_language_is_refused(monkeypatch):
    monkeypatch.setenv(lang.ENV, "fr")
    with pytest.raises(ValueError, match=r"LOSSFNS_LANG must be one of en, zh-cn, zh-tw; got 'fr'"):
        lang.current()


def test_t_picks_the_edition(monkeypatch):
    monkeypatch.setenv(lang.ENV, "en")
    assert lang.t("loss", "损失函数") == "loss"
    monkeypatch.setenv(lang.ENV, "zh-cn")
    assert lang.t("loss", "损失函数") == "损失函数"


def test_traditional_edition_converts_with_taiwan_phrasing(monkeypatch):
    pytest.importorskip("opencc")
    monkeypatch.setenv(lang.ENV, "zh-tw")
    assert lang.t("data", "数据") == "資料"      # phrase-level: 数据 is 資料 in Taiwan
