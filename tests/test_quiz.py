"""The quiz bank: schema, unique ids, answers among the choices, numeric answers recomputed."""
import copy

import pytest

import lossfns
from lossfns.course import quiz


ALL = quiz.chapters()


def test_every_chapter_notebook_has_a_quiz_file():
    from pathlib import Path

    stems = sorted(p.stem for p in Path(__file__).parents[1].glob("chapters/[0-9][0-9]_*.ipynb"))
    missing = [s for s in stems if s not in ALL]
    assert not missing, f"chapters without lossfns/quizzes/<stem>.yml: {missing}"


@pytest.mark.parametrize("chapter", ALL)
def test_bank_is_valid_and_large_enough(chapter):
    items = quiz.load(chapter)
    assert len(quiz.load(chapter, "quiz")) >= 5
    for it in items:
        if it["type"] == "choice":
            assert 0 <= it["answer"] < len(it["choices"])
        elif it["type"] == "multi":
            assert set(it["answer"]) <= set(range(len(it["choices"])))


def test_ids_are_unique_across_the_bank():
    ids = [it["id"] for ch in ALL for it in quiz.load(ch)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("chapter", ALL)
def test_numeric_answers_are_recomputed(chapter):
    for it in quiz.load(chapter):
        if it["type"] == "numeric" and "compute" in it:
            spec = it["compute"]
            fn = lossfns
            for part in spec["call"].split("."):
                fn = getattr(fn, part)
            assert quiz.answer_value(it) == pytest.approx(float(fn(*spec.get("args", []),
                                                                   **spec.get("kwargs", {}))))


def test_a_compute_item_follows_the_library():
    item = {"id": "x", "type": "numeric", "source": "new", "tolerance": 0.01,
            "question": {"en": "q", "zh": "问"}, "explanation": {"en": "e", "zh": "解"},
            "compute": {"call": "mse", "args": [[0.0, 0.0], [1.0, 3.0]]}}
    quiz.validate([item])
    assert quiz.answer_value(item) == pytest.approx(5.0)


def _good():
    return {"id": "a", "type": "choice", "source": "new", "question": {"en": "q", "zh": "问"},
            "choices": [{"en": "x", "zh": "甲"}, {"en": "y", "zh": "乙"}], "answer": 1,
            "explanation": {"en": "e", "zh": "解"}}


@pytest.mark.parametrize("mutate, match", [
    (lambda it: it.update(answer=2), "answer must be a choice index"),
    (lambda it: it.update(type="essay"), "type must be one of"),
    (lambda it: it["question"].pop("zh"), "question must have non-empty 'en' and 'zh'"),
    (lambda it: it.update(choices=[{"en": "x", "zh": "甲"}]), "at least 2 options"),
    (lambda it: it.update(type="multi", answer=[0, 0]), "distinct choice indices"),
    (lambda it: it.pop("source"), "source must name the seed file"),
    (lambda it: it.update(kind="homework"), "kind must be one of"),
])
def test_schema_errors_are_specific(mutate, match):
    it = _good()
    mutate(it)
    with pytest.raises(ValueError, match=match):
        quiz.validate([it])


def test_duplicate_ids_rejected():
    with pytest.raises(ValueError, match="id must be a unique string"):
        quiz.validate([_good(), copy.deepcopy(_good())])


def test_numeric_needs_tolerance_and_one_answer():
    it = {"id": "n", "type": "numeric", "source": "new", "question": {"en": "q", "zh": "问"},
          "explanation": {"en": "e", "zh": "解"}, "answer": 1.0}
    with pytest.raises(ValueError, match="tolerance must be a number > 0"):
        quiz.validate([it])
    it.update(tolerance=0.1, compute={"call": "mse", "args": [[0], [1]]})
    with pytest.raises(ValueError, match="exactly one of answer or compute"):
        quiz.validate([it])


def test_unknown_chapter_lists_valid_ones():
    with pytest.raises(ValueError, match="chapter must be one of"):
        quiz.load("no_such_chapter")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rendering_marks_the_right_answers(lang):
    items = quiz.load(ALL[0])
    rendered = quiz.to_jupyterquiz(items, lang)
    for it, q in zip(items, rendered):
        assert q["question"].startswith(it["question"][lang])
        assert (q["question"] != it["question"][lang]) == (it["type"] == "multi")  # multi says so
        if it["type"] == "numeric":
            lo, hi = q["answers"][0]["range"]
            assert lo < quiz.answer_value(it) < hi
        else:
            right = {it["answer"]} if it["type"] == "choice" else set(it["answer"])
            assert {i for i, a in enumerate(q["answers"]) if a["correct"]} == right
    fallback = quiz.fallback_html(items, lang)
    assert fallback.startswith("<details") and fallback.count("<li>") == len(items)


def test_answer_key_has_every_item():
    for ch in ALL:
        key = quiz.answer_key_markdown(ch)
        assert key.count("*Answer 答案:*") == len(quiz.load(ch))
