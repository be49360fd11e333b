"""All 20 questions of the seed notes (seeds 000 and 001: five pre-study and five quiz questions
each) are in the quiz bank with a corrected answer: their Chinese verbatim as the seed has it
(in ``source_text`` where the seed writes Traditional script; the reader sees the question in the
edition's script, never the two mixed)."""
from pathlib import Path

import pytest

from lossfns.course import quiz

SEEDS = Path(__file__).parents[2] / "shared" / "seeds"
S000, S001 = "000_684796d5e243db14.txt", "001_de3242bbe8c04137.txt"

#: (seed file, kind, question exactly as the seed writes it)
SEED_QUESTIONS = [
    (S000, "prestudy", "为何Mean Squared Error是一个常用的Loss Function？"),
    (S000, "prestudy", "什么是Binary Cross Entropy Loss，以及它在什么情况下会被使用？"),
    (S000, "prestudy", "在多类别分类中，Cross Entropy Loss的概念是什么？如何计算？"),
    (S000, "prestudy", "如何使用Hinge Loss来进行SVM（支援向量机）的分类？"),
    (S000, "prestudy", "什么是Huber Loss以及它在什么情况下会被使用？"),
    (S000, "quiz", "什麼是Mean Squared Error（MSE）Loss Function？該如何使用它來計算模型的損失？"),
    (S000, "quiz", "Cross Entropy Loss Function與什麼有關聯？該如何使用它來計算分類模型的損失？"),
    (S000, "quiz", "Huber Loss Function是什麼？它的優點是什麼？"),
    (S000, "quiz", "Hinge Loss Function在什麼情況下會被使用？它的具體公式是什麼？"),
    (S000, "quiz", "請列出幾種可用於生成對抗網絡（GAN）的常用的Loss Function，"
                   "並簡要說明它們之間的區別。"),
    (S001, "prestudy", "Loss Function是什麼意思？"),
    (S001, "prestudy", "為什麼在機器學習中需要使用Loss Function？"),
    (S001, "prestudy", "Loss Function的作用是什麼？"),
    (S001, "prestudy", "如何根據Loss Function的值調整機器學習模型？"),
    (S001, "prestudy", "請舉例說明常用的Loss Function有哪些？"),
    (S001, "quiz", "請問L1 Loss Function與L2 Loss Function的差異在哪裡？"),
    (S001, "quiz", "如何使用Hinge Loss Function來進行二元分類？"),
    (S001, "quiz", "定義一個自定義的Loss Function，如何將其應用於神經網絡中？"),
    (S001, "quiz", "請問Focal Loss Function的主要功能是什麼？"),
    (S001, "quiz", "如何使用Dice Loss Function進行圖像分割任務？"),
]


def _bank():
    return [(ch, it) for ch in quiz.chapters() for it in quiz.load(ch)]


@pytest.mark.parametrize("seed, kind, question", SEED_QUESTIONS,
                         ids=[q[2][:16] for q in SEED_QUESTIONS])
def test_seed_question_is_in_the_bank_verbatim(seed, kind, question):
    matches = [(ch, it) for ch, it in _bank()
               if it.get("source_text", it["question"]["zh"]).strip() == question]
    assert matches, f"not in the bank verbatim: {question}"
    ch, it = matches[0]
    assert it["source"] == seed
    # the reader sees the seed's question in the edition's script, never the two mixed
    assert quiz.text(it["question"], "zh-cn").strip() == quiz.to_simplified(question)
    assert "source_text" not in it or it["question"]["zh"].strip() == quiz.to_simplified(question)
    assert it.get("kind", "quiz") == kind, f"{question}: expected a {kind} item, in {ch}"
    assert it["question"]["en"].strip() and it["explanation"]["en"].strip()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not beside the checkout")
def test_the_list_above_is_what_the_seeds_say():
    for seed, _, question in SEED_QUESTIONS:
        assert question in (SEEDS / seed).read_text(encoding="utf-8"), question


def test_prestudy_items_open_the_chapter_that_answers_them():
    root = Path(__file__).parents[1]
    for ch in quiz.chapters():
        lesson = root / "chapters" / f"{ch}.ipynb"
        if not lesson.is_file():   # a bank written before its lesson (a chapter in progress)
            continue
        if quiz.load(ch, "prestudy"):
            text = lesson.read_text(encoding="utf-8")
            assert f'show_prestudy(\\"{ch}\\")' in text, f"{ch} does not show its pre-study items"
            assert f'quiz.show(\\"{ch}\\"' in text, f"{ch} does not show its quiz"
