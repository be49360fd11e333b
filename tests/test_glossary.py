"""The glossary: generated from the catalog and glossary.yml, complete, bilingual,
in both scripts."""
import pytest

import lossfns
from lossfns.course import glossary


def test_at_least_thirty_terms_plus_every_loss():
    terms = glossary.terms()
    assert len([t for t in terms if t["kind"] == "term"]) >= 30
    names = {t["name"] for t in terms if t["kind"] == "loss"}
    assert names == {L.name for L in lossfns.catalog()}


def test_every_term_has_all_three_scripts_and_a_definition():
    for t in glossary.terms():
        for f in ("en", "zh", "zh_hant", "definition"):
            assert t[f].strip(), (t["en"], f)


def test_english_terms_are_unique():
    en = [t["en"].lower() for t in glossary.terms()]
    assert len(en) == len(set(en))


def test_table_has_one_row_per_term_and_well_formed_rows():
    table = glossary.glossary_table()
    lines = table.splitlines()
    assert len(lines) == 2 + len(glossary.terms())
    for line in lines:
        # 4 columns: 5 unescaped pipes per row
        assert line.replace("\\|", "").count("|") == 5, line
    assert "损失函数" in table and "損失函數" in table


def test_sort_by_validated():
    with pytest.raises(ValueError, match="sort_by must be one of"):
        glossary.glossary_table(sort_by="fr")
