"""The quiz bank: one YAML file per chapter in ``lossfns/quizzes/``, rendered interactively.

Each item::

    - id: ch01-q1                     # unique across the bank
      type: choice                    # choice (one answer) | multi (several) | numeric
      kind: quiz                      # quiz (default) | prestudy (asked at the start of the lesson)
      question: {en: "...", zh: "..."}
      choices:                        # choice/multi only
        - {en: "...", zh: "..."}
      answer: 1                       # choice: index; multi: list of indices; numeric: a number …
      compute:                        # … or, for numeric items, a lossfns call whose result IS the answer
        call: mse                     #   any lossfns attribute (dotted for submodules)
        args: [[1, 2, 3], [1, 2, 5]]
        kwargs: {}
      tolerance: 0.001                # numeric only (absolute)
      explanation: {en: "...", zh: "..."}
      source: 001_de3242bbe8c04137.txt  # the seed file it comes from, or "new"

Numeric answers given by ``compute`` are recomputed every time the quiz is shown or tested, so a
formula change cannot leave a stale key.
"""
from __future__ import annotations

import html
import math
from functools import lru_cache
from importlib import resources

TYPES = ("choice", "multi", "numeric")
KINDS = ("quiz", "prestudy")
LANGS = ("en", "zh")

_UI = {
    "en": {"answers": "Answers and explanations (for readers without JavaScript)",
           "answer": "Answer", "wrong": "Not quite: try again.", "correct": "Correct!",
           "prestudy": "Pre-study question", "multi": " (choose all that apply)"},
    "zh": {"answers": "答案与解析（无 JavaScript 时查看）", "answer": "答案", "wrong": "不对，请再试一次。",
           "correct": "正确！", "prestudy": "预习题", "multi": "（多选）"},
}


# --------------------------------------------------------------------------------------------
# Loading and validation
# --------------------------------------------------------------------------------------------
def chapters() -> list[str]:
    """The chapter stems that have a quiz file, sorted."""
    folder = resources.files("lossfns.course") / "quizzes"
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".yml"))


@lru_cache(maxsize=None)
def _load_raw(chapter: str):
    import yaml

    path = resources.files("lossfns.course") / "quizzes" / f"{chapter}.yml"
    if not path.is_file():
        raise ValueError(f"chapter must be one of {chapters()}; got {chapter!r}")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load(chapter: str, kind: str | None = None) -> list[dict]:
    """The validated items of one chapter (optionally only one `kind`)."""
    items = _load_raw(chapter)
    validate(items, chapter)
    if kind is not None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")
        items = [it for it in items if it.get("kind", "quiz") == kind]
    return items


def _bilingual(item, key, where):
    value = item.get(key)
    if not (isinstance(value, dict) and all(isinstance(value.get(l), str) and value[l].strip()
                                            for l in LANGS)):
        raise ValueError(f"{where}: {key} must have non-empty 'en' and 'zh' texts; got {value!r}")


def validate(items, chapter: str = "?") -> None:
    """Raise ValueError on the first item that breaks the schema (see the module docstring)."""
    if not isinstance(items, list) or not items:
        raise ValueError(f"quiz {chapter}: the file must hold a non-empty list of items")
    seen = set()
    for k, it in enumerate(items):
        where = f"quiz {chapter}, item {k} ({it.get('id', 'no id') if isinstance(it, dict) else it!r})"
        if not isinstance(it, dict):
            raise ValueError(f"{where}: must be a mapping")
        if not isinstance(it.get("id"), str) or it["id"] in seen:
            raise ValueError(f"{where}: id must be a unique string")
        seen.add(it["id"])
        if it.get("type") not in TYPES:
            raise ValueError(f"{where}: type must be one of {TYPES}; got {it.get('type')!r}")
        if it.get("kind", "quiz") not in KINDS:
            raise ValueError(f"{where}: kind must be one of {KINDS}; got {it.get('kind')!r}")
        _bilingual(it, "question", where)
        _bilingual(it, "explanation", where)
        if not isinstance(it.get("source"), str) or not it["source"]:
            raise ValueError(f"{where}: source must name the seed file or be 'new'")
        if it["type"] == "numeric":
            if ("answer" in it) == ("compute" in it):
                raise ValueError(f"{where}: a numeric item needs exactly one of answer or compute")
            tol = it.get("tolerance")
            if not isinstance(tol, (int, float)) or not tol > 0:
                raise ValueError(f"{where}: tolerance must be a number > 0; got {tol!r}")
            value = answer_value(it)
            if not math.isfinite(value):
                raise ValueError(f"{where}: the numeric answer must be finite; got {value}")
            continue
        choices = it.get("choices")
        if not isinstance(choices, list) or len(choices) < 2:
            raise ValueError(f"{where}: choices must list at least 2 options")
        for c in choices:
            _bilingual({"choice": c}, "choice", where)
        ans = it.get("answer")
        n = len(choices)
        if it["type"] == "choice":
            if not isinstance(ans, int) or isinstance(ans, bool) or not 0 <= ans < n:
                raise ValueError(f"{where}: answer must be a choice index in [0, {n}); got {ans!r}")
        else:
            if (not isinstance(ans, list) or not ans or len(set(ans)) != len(ans)
                    or not all(isinstance(a, int) and 0 <= a < n for a in ans)):
                raise ValueError(f"{where}: answer must be a list of distinct choice indices in "
                                 f"[0, {n}); got {ans!r}")


def answer_value(item: dict) -> float:
    """The numeric answer of an item: its `answer`, or the result of its `compute` call."""
    if "answer" in item:
        return float(item["answer"])
    import lossfns

    spec = item["compute"]
    target = lossfns
    for part in str(spec["call"]).split("."):
        if not hasattr(target, part):
            raise ValueError(f"compute.call must name a lossfns function; got {spec['call']!r}")
        target = getattr(target, part)
    return float(target(*spec.get("args", []), **spec.get("kwargs", {})))


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------
def _fmt(x: float) -> str:
    return f"{x:.6g}"


def answer_text(item: dict, lang: str = "en") -> str:
    """The correct answer in words (for the answer key and the no-JavaScript fallback)."""
    if item["type"] == "numeric":
        return f"{_fmt(answer_value(item))} (± {_fmt(item['tolerance'])})"
    idx = [item["answer"]] if item["type"] == "choice" else item["answer"]
    return "; ".join(f"({chr(97 + i)}) {item['choices'][i][lang]}" for i in idx)


def to_jupyterquiz(items: list[dict], lang: str = "en") -> list[dict]:
    """Items in jupyterquiz's format (multiple_choice / many_choice / numeric)."""
    ui = _UI[lang]
    out = []
    for it in items:
        expl = it["explanation"][lang]
        q = {"question": it["question"][lang] + (ui["multi"] if it["type"] == "multi" else "")}
        if it["type"] == "numeric":
            v, tol = answer_value(it), float(it["tolerance"])
            q.update(type="numeric", answers=[
                {"type": "range", "range": [v - tol, v + tol], "correct": True,
                 "feedback": f"{ui['correct']} {expl}"},
                {"type": "default", "feedback": ui["wrong"]},
            ])
        else:
            right = {it["answer"]} if it["type"] == "choice" else set(it["answer"])
            q.update(type="multiple_choice" if it["type"] == "choice" else "many_choice",
                     answers=[{"answer": c[lang], "correct": i in right,
                               "feedback": f"{ui['correct']} {expl}" if i in right else ui["wrong"]}
                              for i, c in enumerate(it["choices"])])
            if it["type"] == "multi":
                q["answer_cols"] = 1
        out.append(q)
    return out


def fallback_html(items: list[dict], lang: str = "en") -> str:
    """A collapsed <details> block with every answer: readable where JavaScript does not run."""
    ui = _UI[lang]
    rows = []
    for k, it in enumerate(items, 1):
        rows.append(f"<li><p>{html.escape(it['question'][lang])}</p><p><b>{ui['answer']}:</b> "
                    f"{html.escape(answer_text(it, lang))}</p><p>{html.escape(it['explanation'][lang])}</p></li>")
    return (f'<details class="quiz-answers"><summary>{ui["answers"]}</summary><ol>'
            + "".join(rows) + "</ol></details>")


def show(chapter: str, lang: str = "en", kind: str | None = None) -> None:
    """Display a chapter's quiz: interactive (click for feedback), plus a collapsed answer list."""
    from IPython.display import HTML, display
    from jupyterquiz import display_quiz

    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}; got {lang!r}")
    items = load(chapter, kind)
    display_quiz(to_jupyterquiz(items, lang), shuffle_answers=False)
    display(HTML(fallback_html(items, lang)))


def prestudy_markdown(chapter: str, lang: str | None = None) -> str:
    """The chapter's pre-study questions as a Markdown list (both languages unless `lang`)."""
    items = load(chapter, "prestudy")
    langs = LANGS if lang is None else (lang,)
    lines = []
    for k, it in enumerate(items, 1):
        lines.append(f"{k}. " + " — ".join(it["question"][l] for l in langs))
    return "\n".join(lines)


def show_prestudy(chapter: str, lang: str | None = None) -> None:
    """Display the pre-study questions (预习) that open a chapter, from the bank."""
    from IPython.display import Markdown, display

    display(Markdown(prestudy_markdown(chapter, lang)))


def answer_key_markdown(chapter: str) -> str:
    """Every item of a chapter with its answer and explanation, in both languages."""
    out = []
    for k, it in enumerate(load(chapter), 1):
        tag = " (pre-study 预习)" if it.get("kind") == "prestudy" else ""
        out.append(f"**{k}. {it['question']['en']}**{tag}  \n{it['question']['zh']}\n")
        if it["type"] != "numeric":
            for i, c in enumerate(it["choices"]):
                out.append(f"   ({chr(97 + i)}) {c['en']} / {c['zh']}  ")
        out.append(f"\n*Answer 答案:* {answer_text(it, 'en')}\n")
        out.append(f"*Why:* {it['explanation']['en']}  \n*解析：* {it['explanation']['zh']}\n")
        out.append(f"<small>source: {it['source']}</small>\n")
    return "\n".join(out)
