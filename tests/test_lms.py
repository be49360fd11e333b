"""The LMS export (lossfns/course/lms.py, `make lms`): Moodle XML and Canvas QTI 1.2, parsed
back with xml.etree and checked against the bank — item counts, right answers, tolerances."""
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from lossfns.course import lms, quiz

ROOT = Path(__file__).parents[1]
ALL = quiz.chapters()
QTI = "{%s}" % lms.QTI_NS
CP = "{%s}" % lms.CP_NS
INTERNAL = re.compile(r"\bseeds?\b|种子|種子|勘误|勘誤|SEED_|\b\d{3}_[0-9a-f]{16}(\.txt)?\b", re.I)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("lms")
    files = lms.export(out)
    return out, files


def test_one_quiz_per_chapter_and_language(exported):
    out, files = exported
    want = {out / "moodle" / lang / f"{ch}.xml" for lang in lms.LANGS for ch in ALL}
    want |= {out / "canvas" / lang / f"{ch}.zip" for lang in lms.LANGS for ch in ALL}
    assert set(files) == want and all(f.is_file() for f in want)


# ---------------------------------------------------------------------------------------------
# Moodle XML
# ---------------------------------------------------------------------------------------------
def _moodle(out, lang, ch):
    root = ET.parse(out / "moodle" / lang / f"{ch}.xml").getroot()
    assert root.tag == "quiz"
    category, *questions = root.findall("question")
    assert category.get("type") == "category"
    assert category.findtext("category/text") == f"$course$/top/lossfns/{ch}/{lang}"
    return questions


@pytest.mark.parametrize("lang", lms.LANGS)
@pytest.mark.parametrize("chapter", ALL)
def test_moodle_items_answers_and_tolerances(exported, chapter, lang):
    out, _ = exported
    items = quiz.load(chapter)
    questions = _moodle(out, lang, chapter)
    assert [q.findtext("name/text") for q in questions] == [it["id"] for it in items]
    for it, q in zip(items, questions):
        assert q.findtext("questiontext/text") == \
            f"<p>{quiz.markdown_html(quiz.prompt(it, lang), inline=True)}</p>"
        assert q.findtext("generalfeedback/text") == \
            quiz.markdown_html(quiz.text(it["explanation"], lang))
        answers = q.findall("answer")
        if it["type"] == "numeric":
            assert q.get("type") == "numerical" and len(answers) == 1
            assert answers[0].get("fraction") == "100"
            assert float(answers[0].findtext("text")) == \
                pytest.approx(quiz.answer_value(it), rel=1e-9)
            tol = float(answers[0].findtext("tolerance"))
            assert tol == it["tolerance"] and tol > 0
            continue
        assert q.get("type") == "multichoice"
        assert q.findtext("single") == ("true" if it["type"] == "choice" else "false")
        assert q.findtext("shuffleanswers") == "false"          # the book's order
        texts = [a.findtext("text") for a in answers]
        assert texts == [quiz.markdown_html(quiz.text(c, lang), inline=True) for c in it["choices"]]
        fractions = [float(a.get("fraction")) for a in answers]
        allowed = set(lms.MOODLE_FRACTIONS)
        assert all(abs(f) in allowed for f in fractions), fractions
        right = {it["answer"]} if it["type"] == "choice" else set(it["answer"])
        assert {i for i, f in enumerate(fractions) if f > 0} == right
        assert sum(f for f in fractions if f > 0) == pytest.approx(100, abs=1e-3)
        if it["type"] == "multi":
            wrong = [f for i, f in enumerate(fractions) if i not in right]
            assert all(f < 0 for f in wrong) and sum(wrong) == pytest.approx(-100, abs=1e-3)


def test_moodle_fraction_rounding():
    assert [lms._fraction(k) for k in (1, 2, 3, 4, 6, 7)] == \
        ["100", "50", "33.33333", "25", "16.66667", "14.28571"]
    with pytest.raises(ValueError, match="k must be 1-10 options"):
        lms._fraction(11)


# ---------------------------------------------------------------------------------------------
# QTI 1.2 for Canvas
# ---------------------------------------------------------------------------------------------
def _meta(el):
    return {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry")
            for f in el.iter(f"{QTI}qtimetadatafield")}


def _package(out, lang, ch):
    with zipfile.ZipFile(out / "canvas" / lang / f"{ch}.zip") as zf:
        names = set(zf.namelist())
        manifest = ET.fromstring(zf.read("imsmanifest.xml"))
        assert manifest.tag == f"{CP}manifest"
        files = [f.get("href") for f in manifest.iter(f"{CP}file")]
        assert files and set(files) <= names, "the manifest names files the zip lacks"
        qti = [r for r in manifest.iter(f"{CP}resource") if r.get("type") == "imsqti_xmlv1p2"]
        assert len(qti) == 1
        href = qti[0].find(f"{CP}file").get("href")
        meta = ET.fromstring(zf.read(next(n for n in names if n.endswith("assessment_meta.xml"))))
        return ET.fromstring(zf.read(href)), meta


@pytest.mark.parametrize("lang", lms.LANGS)
@pytest.mark.parametrize("chapter", ALL)
def test_qti_items_answers_and_tolerances(exported, chapter, lang):
    out, _ = exported
    items = quiz.load(chapter)
    root, meta = _package(out, lang, chapter)
    assert root.tag == f"{QTI}questestinterop"
    assessment = root.find(f"{QTI}assessment")
    title = assessment.get("title")
    assert lms.chapter_title(chapter, lang) in title
    assert meta.findtext("{%s}title" % lms.CANVAS_NS) == title
    assert float(meta.findtext("{%s}points_possible" % lms.CANVAS_NS)) == len(items)
    qitems = assessment.findall(f"{QTI}section/{QTI}item")
    assert [q.get("title") for q in qitems] == [it["id"] for it in items]
    assert len({q.get("ident") for q in qitems}) == len(items)
    for it, q in zip(items, qitems):
        md = _meta(q.find(f"{QTI}itemmetadata"))
        assert md["question_type"] == {"choice": "multiple_choice_question",
                                       "multi": "multiple_answers_question",
                                       "numeric": "numerical_question"}[it["type"]]
        assert md["points_possible"] == "1.0"
        pres = q.find(f"{QTI}presentation")
        assert pres.find(f"{QTI}material/{QTI}mattext").text == \
            f"<p>{quiz.markdown_html(quiz.prompt(it, lang), inline=True)}</p>"
        feedback = q.find(f"{QTI}itemfeedback[@ident='general_fb']")
        assert feedback.find(f".//{QTI}mattext").text == \
            quiz.markdown_html(quiz.text(it["explanation"], lang))
        scoring = [c for c in q.iter(f"{QTI}respcondition")
                   if c.find(f"{QTI}setvar") is not None]
        assert len(scoring) == 1 and scoring[0].findtext(f"{QTI}setvar") == "100"
        cond = scoring[0].find(f"{QTI}conditionvar")
        if it["type"] == "numeric":
            assert pres.find(f"{QTI}response_str/{QTI}render_fib").get("fibtype") == "Decimal"
            lo = float(cond.findtext(f"{QTI}vargte"))
            hi = float(cond.findtext(f"{QTI}varlte"))
            value, tol = quiz.answer_value(it), it["tolerance"]
            assert lo == pytest.approx(value - tol) and hi == pytest.approx(value + tol)
            assert lo < value < hi and hi - lo == pytest.approx(2 * tol)
            continue
        lid = pres.find(f"{QTI}response_lid")
        assert lid.get("rcardinality") == ("Single" if it["type"] == "choice" else "Multiple")
        labels = lid.findall(f"{QTI}render_choice/{QTI}response_label")
        texts = [lab.find(f".//{QTI}mattext").text for lab in labels]
        assert texts == [quiz.markdown_html(quiz.text(c, lang), inline=True) for c in it["choices"]]
        ids = [lab.get("ident") for lab in labels]
        assert md["original_answer_ids"] == ",".join(ids)
        if it["type"] == "choice":
            assert [v.text for v in cond.iter(f"{QTI}varequal")] == [ids[it["answer"]]]
        else:
            both = cond.find(f"{QTI}and")
            must = {v.text for v in both.findall(f"{QTI}varequal")}
            must_not = {v.text for v in both.findall(f"{QTI}not/{QTI}varequal")}
            assert must == {ids[i] for i in it["answer"]}
            assert must_not == set(ids) - must


# ---------------------------------------------------------------------------------------------
# Languages, words, determinism, command line
# ---------------------------------------------------------------------------------------------
def test_chinese_variants_are_chinese(exported):
    out, _ = exported
    ch = ALL[0]
    first = quiz.load(ch)[0]
    cn = _moodle(out, "zh-cn", ch)[0].findtext("questiontext/text")
    tw = _moodle(out, "zh-tw", ch)[0].findtext("questiontext/text")
    en = _moodle(out, "en", ch)[0].findtext("questiontext/text")
    assert quiz.prompt(first, "zh-cn") in cn and quiz.prompt(first, "en") in en
    assert cn != tw and quiz.prompt(first, "zh-tw") in tw
    assert re.search(r"[\u4e00-\u9fff]", lms.chapter_title(ch, "zh-cn"))


def test_nothing_internal_is_exported(exported):
    out, files = exported
    for f in files:
        if f.suffix == ".zip":
            with zipfile.ZipFile(f) as zf:
                text = "".join(zf.read(n).decode("utf-8") for n in zf.namelist())
        else:
            text = f.read_text(encoding="utf-8")
        assert not INTERNAL.search(text), f"{f.name}: {INTERNAL.search(text).group(0)}"


def test_export_is_deterministic(exported, tmp_path):
    out, files = exported
    again = lms.export(tmp_path, chapters=[ALL[0]], langs=("en",))
    for f in again:
        assert f.read_bytes() == (out / f.relative_to(tmp_path)).read_bytes()


def test_bad_language_is_refused(tmp_path):
    with pytest.raises(ValueError, match="langs must be among"):
        lms.export(tmp_path, langs=("fr",))


def test_command_line_and_make_target(tmp_path):
    run = subprocess.run([sys.executable, "-m", "lossfns.course.lms", str(tmp_path),
                          "--lang", "en"],
                         capture_output=True, text=True, check=True)
    assert f"{len(ALL)} chapters" in run.stdout
    assert len(list((tmp_path / "moodle" / "en").glob("*.xml"))) == len(ALL)
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^lms:.*\n\t\$\(PY\) -m lossfns\.course\.lms _build/lms", make, re.M)
