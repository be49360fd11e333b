"""The quiz bank for a learning management system: one quiz per chapter and language, as

* **Moodle XML** (``moodle/<lang>/<chapter>.xml``: Site administration or Question bank →
  Import → Moodle XML format), one question category per chapter;
* **QTI 1.2**, as Canvas imports it (``canvas/<lang>/<chapter>.zip``: Settings → Import course
  content → QTI .zip file): an IMS content package holding ``imsmanifest.xml``, the assessment
  and Canvas's quiz settings (``assessment_meta.xml``).

Choices keep the order the book shows (``quiz.load``), numeric items carry their tolerance
(Moodle's ``<tolerance>``, a [value − tol, value + tol] range in QTI), explanations become the
general feedback. Text is the bank's Markdown rendered to HTML; math stays as ``\\(…\\)``, which
both systems typeset with their MathJax filter. Items are worth one point each.

Usage: ``python -m lossfns.course.lms _build/lms`` (``make lms``).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from . import quiz

#: the editions exported (the book's languages)
LANGS = ("en", "zh-cn", "zh-tw")
QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"

_TITLE = {"en": "Quiz: {title}", "zh-cn": "测验：{title}", "zh-tw": "測驗：{title}"}


def _ident(*parts: str) -> str:
    """A stable identifier (Canvas's style: 'g' and 32 hex digits)."""
    return "g" + hashlib.sha256("/".join(parts).encode()).hexdigest()[:32]


def chapter_title(chapter: str, lang: str = "en") -> str:
    """The chapter's title from its notebook's heading, "2. Regression losses (回归损失)": the
    English part, or the Chinese (its translation in locales/zh_CN, else the part in brackets);
    from the file name where there is no notebook."""
    number, _, rest = chapter.partition("_")
    fallback = f"{int(number)}. {rest.replace('_', ' ').capitalize()}"
    root = Path(__file__).resolve().parents[2]
    nb = root / "chapters" / f"{chapter}.ipynb"
    heading = None
    if nb.is_file():
        try:
            cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
            heading = next(line[2:].strip() for c in cells if c["cell_type"] == "markdown"
                           for line in "".join(c["source"]).splitlines() if line.startswith("# "))
        except (ValueError, KeyError, StopIteration):
            heading = None
    if heading is None:
        return fallback
    m = _ZH_IN_BRACKETS.search(heading)
    english = heading[:m.start()].strip() if m else heading
    if lang == "en":
        return english
    chinese = _translated(chapter, heading) or (f"{int(number)}. {m.group(1)}" if m else english)
    return quiz.text({"en": english, "zh": chinese}, lang)


#: the Chinese name in a heading: "2. Regression losses (回归损失)"
_ZH_IN_BRACKETS = re.compile(r"\s*[(（]([^()（）]*[\u4e00-\u9fff][^()（）]*)[)）]\s*$")


def _translated(chapter: str, msgid: str) -> str | None:
    root = Path(__file__).resolve().parents[2]
    po = root / "locales" / "zh_CN" / "LC_MESSAGES" / "chapters" / f"{chapter}.po"
    if not po.is_file():
        return None
    text = po.read_text(encoding="utf-8")
    m = re.search(r'msgid "' + re.escape(msgid.replace('"', '\\"'))
                  + r'"\nmsgstr "((?:[^"\\]|\\.)+)"', text)
    return m.group(1).replace('\\"', '"') if m else None


def _html(source: str, inline: bool = False) -> str:
    return quiz.markdown_html(source, inline=inline)


def _question_html(item: dict, lang: str) -> str:
    return f"<p>{_html(quiz.prompt(item, lang), inline=True)}</p>"


def _num(x: float) -> str:
    return f"{x:.10g}"


# --------------------------------------------------------------------------------------------
# Moodle XML
# --------------------------------------------------------------------------------------------
#: Moodle accepts only these grade fractions (percent) for an answer.
MOODLE_FRACTIONS = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
                    16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0)


def _fraction(k: int) -> str:
    """100/k as one of Moodle's fractions (k options share the marks): "50", "33.33333"."""
    value = 100 / k
    best = min(MOODLE_FRACTIONS, key=lambda f: abs(f - value))
    if abs(best - value) > 1e-4:
        raise ValueError(f"k must be 1-10 options sharing the marks (Moodle's grades); got {k}")
    return f"{best:.5f}".rstrip("0").rstrip(".")


def _text_el(parent, tag: str, html_text: str, fmt: str = "html"):
    el = ET.SubElement(parent, tag, format=fmt) if fmt else ET.SubElement(parent, tag)
    ET.SubElement(el, "text").text = html_text
    return el


def moodle_xml(chapter: str, lang: str = "en") -> str:
    """One chapter's items as a Moodle XML question file."""
    items = quiz.load(chapter)
    root = ET.Element("quiz")
    cat = ET.SubElement(root, "question", type="category")
    ET.SubElement(ET.SubElement(cat, "category"), "text").text = \
        f"$course$/top/lossfns/{chapter}/{lang}"
    for it in items:
        kind = "numerical" if it["type"] == "numeric" else "multichoice"
        q = ET.SubElement(root, "question", type=kind)
        ET.SubElement(ET.SubElement(q, "name"), "text").text = it["id"]
        _text_el(q, "questiontext", _question_html(it, lang))
        _text_el(q, "generalfeedback", _html(quiz.text(it["explanation"], lang)))
        ET.SubElement(q, "defaultgrade").text = "1"
        ET.SubElement(q, "penalty").text = "0"
        ET.SubElement(q, "hidden").text = "0"
        ET.SubElement(q, "idnumber").text = it["id"]
        if it["type"] == "numeric":
            a = ET.SubElement(q, "answer", fraction="100", format="moodle_auto_format")
            ET.SubElement(a, "text").text = _num(quiz.answer_value(it))
            ET.SubElement(a, "tolerance").text = _num(float(it["tolerance"]))
            _text_el(a, "feedback", "")
            ET.SubElement(q, "unitgradingtype").text = "0"
            ET.SubElement(q, "showunits").text = "3"
            continue
        right = {it["answer"]} if it["type"] == "choice" else set(it["answer"])
        wrong = len(it["choices"]) - len(right)
        ET.SubElement(q, "single").text = "true" if it["type"] == "choice" else "false"
        ET.SubElement(q, "shuffleanswers").text = "false"      # the book's order
        ET.SubElement(q, "answernumbering").text = "abc"
        for i, c in enumerate(it["choices"]):
            if i in right:
                fraction = _fraction(len(right))
            else:
                fraction = "0" if it["type"] == "choice" else f"-{_fraction(wrong)}"
            a = ET.SubElement(q, "answer", fraction=fraction, format="html")
            ET.SubElement(a, "text").text = _html(quiz.text(c, lang), inline=True)
            _text_el(a, "feedback", "")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --------------------------------------------------------------------------------------------
# QTI 1.2 (Canvas)
# --------------------------------------------------------------------------------------------
def _meta(parent, fields: dict):
    md = ET.SubElement(parent, "qtimetadata")
    for label, entry in fields.items():
        f = ET.SubElement(md, "qtimetadatafield")
        ET.SubElement(f, "fieldlabel").text = label
        ET.SubElement(f, "fieldentry").text = entry
    return md


def _mattext(parent, html_text: str):
    material = ET.SubElement(parent, "material")
    ET.SubElement(material, "mattext", texttype="text/html").text = html_text


def qti_assessment(chapter: str, lang: str = "en") -> str:
    """One chapter's items as a QTI 1.2 assessment (Canvas's dialect)."""
    items = quiz.load(chapter)
    aid = _ident(chapter, lang)
    root = ET.Element("questestinterop", xmlns=QTI_NS)
    assessment = ET.SubElement(root, "assessment", ident=aid,
                               title=_TITLE[lang].format(title=chapter_title(chapter, lang)))
    _meta(assessment, {"cc_maxattempts": "1"})
    section = ET.SubElement(assessment, "section", ident="root_section")
    for it in items:
        qid = _ident(chapter, lang, it["id"])
        item = ET.SubElement(section, "item", ident=qid, title=it["id"])
        qtype = {"choice": "multiple_choice_question", "multi": "multiple_answers_question",
                 "numeric": "numerical_question"}[it["type"]]
        choice_ids = [f"{qid}_{i}" for i in range(len(it.get("choices", [])))]
        _meta(ET.SubElement(item, "itemmetadata"), {
            "question_type": qtype, "points_possible": "1.0",
            "original_answer_ids": ",".join(choice_ids),
            "assessment_question_identifierref": _ident("ref", chapter, lang, it["id"])})
        pres = ET.SubElement(item, "presentation")
        _mattext(pres, _question_html(it, lang))
        if it["type"] == "numeric":
            resp = ET.SubElement(pres, "response_str", ident="response1", rcardinality="Single")
            ET.SubElement(ET.SubElement(resp, "render_fib", fibtype="Decimal"), "response_label",
                          ident="answer1")
        else:
            card = "Single" if it["type"] == "choice" else "Multiple"
            resp = ET.SubElement(pres, "response_lid", ident="response1", rcardinality=card)
            render = ET.SubElement(resp, "render_choice")
            for cid, c in zip(choice_ids, it["choices"]):
                _mattext(ET.SubElement(render, "response_label", ident=cid),
                         _html(quiz.text(c, lang), inline=True))
        proc = ET.SubElement(item, "resprocessing")
        ET.SubElement(ET.SubElement(proc, "outcomes"), "decvar", maxvalue="100", minvalue="0",
                      varname="SCORE", vartype="Decimal")
        general = ET.SubElement(proc, "respcondition", **{"continue": "Yes"})
        ET.SubElement(ET.SubElement(general, "conditionvar"), "other")
        ET.SubElement(general, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
        right = ET.SubElement(proc, "respcondition", **{"continue": "No"})
        cond = ET.SubElement(right, "conditionvar")
        if it["type"] == "numeric":
            value, tol = quiz.answer_value(it), float(it["tolerance"])
            ET.SubElement(cond, "vargte", respident="response1").text = _num(value - tol)
            ET.SubElement(cond, "varlte", respident="response1").text = _num(value + tol)
        elif it["type"] == "choice":
            ET.SubElement(cond, "varequal", respident="response1").text = choice_ids[it["answer"]]
        else:
            both = ET.SubElement(cond, "and")
            for i, cid in enumerate(choice_ids):
                target = both if i in it["answer"] else ET.SubElement(both, "not")
                ET.SubElement(target, "varequal", respident="response1").text = cid
        ET.SubElement(right, "setvar", action="Set", varname="SCORE").text = "100"
        fb = ET.SubElement(item, "itemfeedback", ident="general_fb")
        _mattext(ET.SubElement(fb, "flow_mat"), _html(quiz.text(it["explanation"], lang)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _manifest(aid: str, meta_id: str) -> str:
    root = ET.Element("manifest", identifier=_ident("manifest", aid), xmlns=CP_NS)
    md = ET.SubElement(root, "metadata")
    ET.SubElement(md, "schema").text = "IMS Content"
    ET.SubElement(md, "schemaversion").text = "1.1.3"
    ET.SubElement(root, "organizations")
    res = ET.SubElement(root, "resources")
    r = ET.SubElement(res, "resource", identifier=aid, type="imsqti_xmlv1p2")
    ET.SubElement(r, "file", href=f"{aid}/{aid}.xml")
    ET.SubElement(r, "dependency", identifierref=meta_id)
    m = ET.SubElement(res, "resource", identifier=meta_id,
                      type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
                      href=f"{aid}/assessment_meta.xml")
    ET.SubElement(m, "file", href=f"{aid}/assessment_meta.xml")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _canvas_meta(aid: str, title: str, n_items: int) -> str:
    root = ET.Element("quiz", identifier=aid, xmlns=CANVAS_NS)
    for tag, value in (("title", title), ("description", ""), ("shuffle_answers", "false"),
                       ("scoring_policy", "keep_highest"), ("quiz_type", "practice_quiz"),
                       ("points_possible", f"{float(n_items):.1f}"),
                       ("show_correct_answers", "true"), ("allowed_attempts", "-1"),
                       ("one_question_at_a_time", "false"), ("available", "false")):
        ET.SubElement(root, tag).text = value
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def qti_package(chapter: str, lang: str, path: Path) -> Path:
    """Write one chapter's quiz as a Canvas QTI .zip at `path`."""
    aid = _ident(chapter, lang)
    title = _TITLE[lang].format(title=chapter_title(chapter, lang))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        # fixed timestamps: the same bank gives byte-identical packages
        def add(name, data):
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data)
        add("imsmanifest.xml", _manifest(aid, _ident("meta", aid)))
        add(f"{aid}/{aid}.xml", qti_assessment(chapter, lang))
        add(f"{aid}/assessment_meta.xml", _canvas_meta(aid, title, len(quiz.load(chapter))))
    return path


# --------------------------------------------------------------------------------------------
# Everything
# --------------------------------------------------------------------------------------------
def export(out_dir, chapters=None, langs=LANGS) -> list[Path]:
    """Write Moodle XML and Canvas QTI files for `chapters` (all) in `langs` under `out_dir`."""
    out = Path(out_dir)
    chapters = quiz.chapters() if chapters is None else list(chapters)
    written = []
    for lang in langs:
        if lang not in LANGS:
            raise ValueError(f"langs must be among {LANGS}; got {lang!r}")
        for ch in chapters:
            moodle = out / "moodle" / lang / f"{ch}.xml"
            moodle.parent.mkdir(parents=True, exist_ok=True)
            moodle.write_text(moodle_xml(ch, lang), encoding="utf-8")
            written += [moodle, qti_package(ch, lang, out / "canvas" / lang / f"{ch}.zip")]
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lossfns.course.lms",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default="_build/lms", help="output folder (_build/lms)")
    parser.add_argument("--lang", action="append", choices=LANGS,
                        help="only this language (repeatable)")
    args = parser.parse_args(argv)
    files = export(args.out, langs=tuple(args.lang or LANGS))
    n = len(quiz.chapters())
    print(f"LMS export: {n} chapters × {len(args.lang or LANGS)} languages, Moodle XML and "
          f"Canvas QTI 1.2 ({len(files)} files) in {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
