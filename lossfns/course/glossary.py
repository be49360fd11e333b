"""The bilingual glossary (English / 简体 / 繁體), generated from data.

Two sources, so nothing is typed twice: every loss in `lossfns.catalog()` (its `title`, `zh`,
`zh_hant` and `summary`), and the course's other terms in ``lossfns/glossary.yml``.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from ..core import catalog, check_choice

FIELDS = ("en", "zh", "zh_hant", "definition")


@lru_cache(maxsize=None)
def _extra_terms() -> tuple:
    import yaml

    text = (resources.files("lossfns.course") / "glossary.yml").read_text(encoding="utf-8")
    items = yaml.safe_load(text)
    for k, it in enumerate(items):
        missing = [f for f in FIELDS if not str(it.get(f, "")).strip()]
        if missing:
            raise ValueError(f"glossary.yml item {k} ({it.get('en')!r}) lacks {missing}")
    return tuple(items)


def terms() -> list[dict]:
    """Every term as {en, zh, zh_hant, definition, kind, name}, sorted by the English term."""
    out = [dict(it, kind="term", name=None) for it in _extra_terms()]
    for L in catalog():
        out.append({"en": L.title, "zh": L.zh, "zh_hant": L.zh_hant or L.zh,
                    "definition": L.summary, "kind": "loss", "name": L.name})
    return sorted(out, key=lambda t: t["en"].lower())


def glossary_table(sort_by: str = "en") -> str:
    """The glossary as a Markdown table (English, 简体, 繁體, meaning)."""
    check_choice(sort_by, "sort_by", ("en", "zh"))
    rows = terms()
    if sort_by == "zh":
        rows = sorted(rows, key=lambda t: t["zh"])
    lines = ["| English | 简体中文 | 繁體中文 | Meaning |", "|---|---|---|---|"]
    for t in rows:
        en = f"**{t['en']}**" + (f" (`lossfns.{t['name']}`)" if t["name"] else "")
        cells = [en, t["zh"], t["zh_hant"], t["definition"]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)
