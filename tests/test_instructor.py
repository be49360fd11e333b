"""The answer key: every quiz answer (English and Chinese), every exercise's from-scratch model
solution from its lesson with the explanation and the checks, each lesson's time; no internal
file names of the source notes; HTML that a browser prints to PDF."""
import re
import shutil
from pathlib import Path

import pytest
import tomllib

from lossfns.course import exercises, instructor, quiz

ROOT = Path(__file__).parents[1]
CHAPTERS = ROOT / "chapters"


@pytest.fixture(scope="module")
def key():
    return instructor.answer_key_markdown(CHAPTERS)


@pytest.fixture(scope="module")
def page():
    return instructor.answer_key_html(CHAPTERS)


def test_every_quiz_item_with_its_answer_in_both_languages(key):
    n_items = sum(len(quiz.load(ch)) for ch in quiz.chapters())
    assert key.count("Answer 答案:") == n_items
    assert key.count("*Why:*") == n_items and key.count("*解析：*") == n_items


def test_every_exercise_with_the_lessons_solution_not_the_library_call(key):
    lesson_exercises = instructor.lesson_exercises(CHAPTERS)
    assert len(lesson_exercises) == len(exercises.available())
    for ex in lesson_exercises:
        assert f"#### Exercise {ex.number}" in key
        for src in ex.solution_code:
            assert src.rstrip() in key, ex.name            # the lesson's own code, whole
        for text in ex.solution_text:
            assert text.strip() in key, ex.name
        assert f'check("{ex.name}", {ex.fn})' in key
        for label in (c.label for c in exercises.get(ex.name).cases() if c.label):
            assert label in key
    # the checkers' references are one library call for many exercises: never the key's answer
    assert 'return huber(y_true, y_pred, delta=delta, reduction="none")' not in key
    assert "np.clip(r, -delta, delta)" in key


def test_exercises_numbered_per_chapter_in_order(key):
    for path in instructor.lesson_paths(CHAPTERS):
        ch = int(path.stem[:2])
        found = re.findall(rf"#### Exercise ({ch}\.\d+)", key)
        assert found == [f"{ch}.{k}" for k in range(1, len(found) + 1)] and found, path.stem


def test_each_lesson_has_its_time_and_its_hidden_checks(key):
    sections = re.split(r"^## ", key, flags=re.M)[1:]
    lessons = instructor.lesson_paths(CHAPTERS)
    assert len(sections) >= len(lessons)
    for section in sections[:len(lessons)]:
        m = re.search(r"\*\*Time to learn\.\*\* (About \d+ minutes[^\n]*)", section)
        assert m and "#" not in m.group(1), section[:200]
    assert key.count("#### Hidden checks of the exercises") >= len(lessons) - 2
    assert 'assert check(name, fn), name' in key          # chapter 1's hidden check, verbatim


def test_no_internal_names_of_the_source_notes(key, page):
    for text in (key, page):
        assert not re.search(r"\b\d{3}_[0-9a-f]{16}\.txt\b", text)
        assert "SEED_ERRATA" not in text and "source: " not in text
    # the quiz bank's own (any) "source: <file>" line becomes a plain mention
    sample = "x\n<small>source: 001_de3242bbe8c04137.txt</small>\ny\n<small>source: new</small>\n"
    assert instructor._SOURCE_LINE.sub(instructor._source_note, sample) == \
        "x\n<small>From the original lecture notes.</small>\ny\n"


def test_math_survives_markdown(page):
    # Markdown would turn "\," into ","; the key keeps TeX for MathJax (or for the reader)
    assert r"\(d\,\delta(\lvert r \rvert - \tfrac12\delta)/d\hat y" in page.replace("\n", " ") \
        or r"\(d\,\delta(\lvert r \rvert - \tfrac12\delta)/d\hat y" in page
    assert "<pre><code" in page and page.startswith("<!DOCTYPE html>")


def test_markdown_it_is_declared_where_the_key_needs_it():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    for extra in ("course", "all"):
        assert any(d.startswith("markdown-it-py") for d in extras[extra]), extra


@pytest.mark.skipif(instructor.find_chromium() is None, reason="no Chromium to print the PDF")
def test_write_answer_key_html_mathjax_and_pdf(tmp_path):
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    shutil.copy(CHAPTERS / "02_regression_losses.ipynb", chapters)
    page = instructor.write_answer_key(chapters, tmp_path / "key")
    html = page.read_text(encoding="utf-8")
    assert "Exercise 2.1" in html and "np.clip(r, -delta, delta)" in html
    if instructor.mathjax_dir() is not None:
        assert (tmp_path / "key" / "mathjax" / "tex-chtml.js").is_file()
        assert 'src="mathjax/tex-chtml.js"' in html
    pdf = (tmp_path / "key" / "answer_key.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(["pdftotext", str(tmp_path / "key" / "answer_key.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "Exercise 2.3" in text and "np.maximum(q * u, (q - 1) * u)" in text
        assert "\\(" not in text                         # MathJax typeset the formulas


def test_command_line_without_a_browser(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(instructor, "find_chromium", lambda: None)
    assert instructor.main(["answer-key", str(CHAPTERS), str(tmp_path / "k")]) == 0
    assert (tmp_path / "k" / "answer_key.html").is_file()
    assert not (tmp_path / "k" / "answer_key.pdf").exists()
    assert "no Chromium found" in capsys.readouterr().err
    assert instructor.main(["nonsense"]) == 2


def test_every_solution_has_a_written_explanation():
    """The answer key teaches: each exercise's solution comes with a few sentences on why it
    works and what the checker's edge cases probe (the Markdown before ``{solution-end}``)."""
    short = [(ex.number, sum(len(t) for t in ex.solution_text))
             for ex in instructor.lesson_exercises(CHAPTERS)]
    assert len(short) >= 30
    assert not [s for s in short if s[1] < 120], f"explanation missing or too short: {short}"
