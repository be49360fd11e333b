"""Course structure read from the lessons (feeds the instructor guide) and build timings."""
from pathlib import Path

from lossfns.course import buildinfo as _buildinfo

ROOT = Path(__file__).parents[1]


def test_every_lesson_states_objectives_and_time():
    lessons = _buildinfo.lesson_summaries(str(ROOT / "chapters"))
    assert lessons
    for lesson in lessons:
        assert lesson["title"] and not lesson["title"].startswith("#"), lesson["stem"]
        assert len(lesson["objectives"]) >= 3, lesson["stem"]
        assert "minute" in lesson["time_to_learn"], lesson["stem"]


def test_parser_on_a_small_notebook(tmp_path):
    import json

    md = ("# 3. Title (标题)\n\n**Learning objectives.** After this lesson you can:\n\n"
          "- do one thing;\n- do another thing that is\n  long;\n- a third.\n\n"
          "**Prerequisites.** None.\n\n**Time to learn.** About 20 minutes.\n\nMore text.")
    nb = {"cells": [{"cell_type": "markdown", "source": md, "metadata": {}}], "metadata": {},
          "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "03_x.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    (lesson,) = _buildinfo.lesson_summaries(str(tmp_path))
    assert lesson["title"] == "3. Title (标题)"
    assert lesson["objectives"] == ["do one thing;", "do another thing that is long;", "a third."]
    assert lesson["time_to_learn"] == "About 20 minutes."


def test_times_without_a_build_is_empty(tmp_path):
    assert _buildinfo.lesson_times(str(tmp_path)) == {}
    assert _buildinfo.main(["times", str(tmp_path)]) == 0
    assert _buildinfo.main(["bogus"]) == 2
