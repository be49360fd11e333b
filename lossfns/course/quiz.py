"""The quiz bank: one YAML file per chapter in ``lossfns/course/quizzes/``, shown as a small
accessible widget (``show``), listed for the answer key and exported to an LMS (``lms``).

Each item::

    - id: ch01-q1                     # unique across the bank
      type: choice                    # choice (one answer) | multi (several) | numeric
      kind: quiz                      # quiz (default) | prestudy (asked at the start of the lesson)
      question: {en: "...", zh: "..."}   # Markdown; $...$ is math. zh is Simplified Chinese
      choices:                        # choice/multi only, in any order: they are shuffled
        - {en: "...", zh: "..."}
      answer: 1                       # choice: index; multi: list of indices; numeric: a number …
      compute:                        # … or, for numeric items, \
a lossfns call whose result IS the answer
        call: mse                     #   a registered loss (``.grad`` allowed), \
activation or metric
        args: [[1, 2, 3], [1, 2, 5]]
        kwargs: {}
      tolerance: 0.001                # numeric only (absolute)
      explanation: {en: "...", zh: "..."}
      source: 001_de3242bbe8c04137.txt  # provenance for maintainers ("new" if none); never shown
      source_text: "..."              # optional: the source's own wording (e.g. Traditional
                                      #   script), for maintainers; never shown

Numeric answers given by ``compute`` are recomputed every time the quiz is loaded, so a formula
change cannot leave a stale key. The options of a multiple-choice item are shown in an order
fixed by the item ids (``arrange_chapter``), so the right answer's position varies from item to
item — evenly over a chapter — but not from run to run; ``load`` returns the items in that
order, with ``answer`` remapped (write the YAML in any order: the right answer may come first).

The widget's markup is plain HTML (fieldset/legend, radio buttons or checkboxes, a labelled
number box, a Check button, feedback in a live region) made interactive by ``static/quiz.js``
and styled by ``static/quiz.css``. The book loads those two files once for every page (they are
linked into the book's ``_static/``; the build sets ``LOSSFNS_BOOK_BUILD=1``); anywhere else
(JupyterLab, Colab) each quiz output carries them inline. Without JavaScript the questions stay
hidden and a collapsed answer list (``<details class="quiz-answers">``) is what the reader gets.
"""
from __future__ import annotations

import copy
import hashlib
import html
import itertools
import json
import math
import os
import random
import re
from functools import lru_cache
from importlib import resources

TYPES = ("choice", "multi", "numeric")
KINDS = ("quiz", "prestudy")
LANGS = ("en", "zh")                    # the languages the bank holds
SHOW_LANGS = ("en", "zh-cn", "zh-tw")   # the editions (lossfns.course.lang), plus "zh" = zh-cn
#: Set (to anything but "" or "0") by the book's build, whose pages load _static/quiz.{js,css}
#: themselves: then quiz outputs leave the script and style out (the same variable as widgets.py).
BOOK_ENV = "LOSSFNS_BOOK_BUILD"

#: The widget's words, per language (zh-tw is converted from zh-cn by lang.to_traditional).
UI = {
    "en": {
        "check": "Check", "show": "Show answer", "correct": "Correct!",
        "wrong": "Not quite: try again.",
        "wrong_multi": "Not quite: some choices are missing or wrong.",
        "empty": "Choose an answer first.", "empty_multi": "Choose at least one answer first.",
        "not_number": "Type a number, for example 0.25 or -1.5e-3.",
        "your_answer": "Your answer (a number)",
        "multi": "(choose all that apply)", "answers": "Answers and explanations",
        "answers_nojs": "Questions, answers and explanations (shown here when the quiz cannot run)",
        "answer": "Answer", "answer_label": "Answer:",
        "within": "within", "question": "Question", "quiz": "Quiz",
        "prestudy": "Pre-study questions",
    },
    "zh": {
        "check": "检查", "show": "显示答案", "correct": "正确！",
        "wrong": "不对，请再试一次。", "wrong_multi": "不对：有的选项漏选或选错了。",
        "empty": "请先选择一个答案。", "empty_multi": "请至少选择一个答案。",
        "not_number": "请输入一个数，例如 0.25 或 -1.5e-3。",
        "your_answer": "你的答案（一个数）",
        "multi": "（多选）", "answers": "答案与解析",
        "answers_nojs": "题目、答案与解析（测验无法运行时在此查看）",
        "answer": "答案", "answer_label": "答案：",
        "within": "误差", "question": "题", "quiz": "测验",
        "prestudy": "预习题",
    },
}

_CHAPTER = re.compile(r"^[0-9]{2}_[a-z0-9_]+$")
#: "(choose all that apply)" written into a question (the widget adds it: never twice)
_CHOOSE_ALL = {"en": re.compile(r"\(\s*choose all that apply\s*\)", re.I),
               "zh": re.compile(r"[（(]\s*多[选選]\s*[）)]")}


# --------------------------------------------------------------------------------------------
# Loading and validation
# --------------------------------------------------------------------------------------------
def _folder():
    return resources.files("lossfns.course") / "quizzes"


def chapters() -> list[str]:
    """The chapter stems that have a quiz file, sorted."""
    return sorted(p.name[:-4] for p in _folder().iterdir()
                  if p.name.endswith(".yml") and _CHAPTER.match(p.name[:-4]))


def _check_chapter(chapter) -> str:
    known = chapters()
    if not isinstance(chapter, str) or chapter not in known:
        raise ValueError(f"chapter must be the name of a chapter of the quiz bank, one of "
                         f"{known} (no paths); got {chapter!r}")
    return chapter


@lru_cache(maxsize=None)
def _load_raw(chapter: str):
    import yaml

    return yaml.safe_load((_folder() / f"{chapter}.yml").read_text(encoding="utf-8"))


def load(chapter: str, kind: str | None = None) -> list[dict]:
    """The validated items of one chapter (optionally only one `kind`), options in display order.

    `chapter` is a chapter name of the bank (``"02_regression_losses"``), never a path. Each call
    returns fresh copies: editing them changes nothing for the next caller.
    """
    _check_chapter(chapter)
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")
    items = copy.deepcopy(_load_raw(chapter))
    validate(items, chapter)
    items = arrange_chapter(items)
    if kind is not None:
        items = [it for it in items if it.get("kind", "quiz") == kind]
    return items


def _bilingual(item, key, where):
    value = item.get(key)
    if not (isinstance(value, dict) and all(isinstance(value.get(lang), str) and value[lang].strip()
                                            for lang in LANGS)):
        raise ValueError(f"{where}: {key} must have non-empty 'en' and 'zh' texts; got {value!r}")


def validate(items, chapter: str = "?") -> None:
    """Raise ValueError on the first item that breaks the schema (see the module docstring)."""
    if not isinstance(items, list) or not items:
        raise ValueError(f"quiz {chapter}: the file must hold a non-empty list of items")
    seen = set()
    for k, it in enumerate(items):
        where = (f"quiz {chapter}, item {k} "
                 f"({it.get('id', 'no id') if isinstance(it, dict) else it!r})")
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
        if "source_text" in it and not (isinstance(it["source_text"], str) and it["source_text"]):
            raise ValueError(f"{where}: source_text must be a non-empty string; got "
                             f"{it['source_text']!r}")
        for lang in LANGS:
            if _CHOOSE_ALL[lang].search(it["question"][lang]):
                raise ValueError(f"{where}: the {lang} question must not say "
                                 f"{UI[lang]['multi']!r}: "
                                 f"the widget adds it to every multi item")
        if it["type"] == "numeric":
            if ("answer" in it) == ("compute" in it):
                raise ValueError(f"{where}: a numeric item needs exactly one of answer or compute")
            tol = it.get("tolerance")
            if not isinstance(tol, (int, float)) or isinstance(tol, bool) or not tol > 0:
                raise ValueError(f"{where}: tolerance must be a number > 0; got {tol!r}")
            if "compute" in it:
                _compute_target(it["compute"], where)
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
                    or not all(isinstance(a, int) and not isinstance(a, bool) and 0 <= a < n
                               for a in ans)):
                raise ValueError(f"{where}: answer must be a list of distinct choice indices in "
                                 f"[0, {n}); got {ans!r}")


# --------------------------------------------------------------------------------------------
# Numeric answers: `compute` may call only what the library registers
# --------------------------------------------------------------------------------------------
#: Public measures that are not losses but that quiz items compute (segmentation, sequences).
METRICS = ("dice_coefficient", "iou", "edit_distance", "label_error_rate")


def allowed_calls() -> tuple[str, ...]:
    """What a ``compute.call`` may name: every registered loss (and its ``.grad``), every public
    activation of ``lossfns.activations`` and the metrics in ``METRICS``."""
    import lossfns

    losses = [L.name for L in lossfns.catalog()]
    return tuple(losses + [f"{n}.grad" for n in losses] + list(_activation_names()) + list(METRICS))


def _activation_names() -> tuple[str, ...]:
    from lossfns import activations

    return tuple(sorted(n for n, f in vars(activations).items()
                        if not n.startswith("_") and callable(f)
                        and getattr(f, "__module__", "") == activations.__name__))


def _compute_target(spec, where: str = "compute"):
    import lossfns
    from lossfns import activations

    if not isinstance(spec, dict):
        raise ValueError(f"{where}: compute must be a mapping with call, args, kwargs; "
                         f"got {spec!r}")
    call = spec.get("call")
    allowed = allowed_calls()
    if not isinstance(call, str) or call not in allowed:
        raise ValueError(f"{where}: compute.call must name a registered loss, its .grad, an "
                         f"activation or a metric ({', '.join(allowed)}); got {call!r}")
    if not isinstance(spec.get("args", []), list) or not isinstance(spec.get("kwargs", {}), dict):
        raise ValueError(f"{where}: compute.args must be a list and compute.kwargs a mapping; "
                         f"got {spec.get('args')!r}, {spec.get('kwargs')!r}")
    name, _, attr = call.partition(".")
    target = getattr(activations, name) if name in _activation_names() else getattr(lossfns, name)
    return getattr(target, attr) if attr else target


def answer_value(item: dict) -> float:
    """The numeric answer of an item: its `answer`, or the result of its `compute` call."""
    if "answer" in item:
        return float(item["answer"])
    spec = item["compute"]
    fn = _compute_target(spec, f"item {item.get('id', '?')}")
    return float(fn(*copy.deepcopy(spec.get("args", [])), **copy.deepcopy(spec.get("kwargs", {}))))


# --------------------------------------------------------------------------------------------
# Option order: fixed per item id
# --------------------------------------------------------------------------------------------
def _seed(item_id: str) -> int:
    return int.from_bytes(hashlib.sha256(f"lossfns-quiz:{item_id}".encode()).digest()[:8], "big")


def _order(item_id: str, n: int, right: int | None = None, slot: int | None = None) -> list[int]:
    """A permutation of range(n), the same on every machine for the same id; with `right` and
    `slot`, option `right` is put at position `slot` (the others still shuffled by the id)."""
    order = list(range(n))
    random.Random(_seed(item_id)).shuffle(order)
    if right is not None and slot is not None:
        order.remove(right)
        order.insert(slot, right)
    return order


def arrange(item: dict, slot: int | None = None) -> dict:
    """A copy of a multiple-choice item with its options in display order and `answer` remapped
    (numeric items are returned as a copy, unchanged). The order is a shuffle seeded by the
    item's id; `slot` (single-answer items) puts the right answer at that position."""
    item = copy.deepcopy(item)
    if item["type"] == "numeric":
        return item
    right = item["answer"] if item["type"] == "choice" and slot is not None else None
    # new position k shows old option order[k]
    order = _order(item["id"], len(item["choices"]), right, slot if right is not None else None)
    new_of = {old: k for k, old in enumerate(order)}
    item["choices"] = [item["choices"][old] for old in order]
    if item["type"] == "choice":
        item["answer"] = new_of[item["answer"]]
    else:
        item["answer"] = sorted(new_of[a] for a in item["answer"])
    return item


def arrange_chapter(items: list[dict]) -> list[dict]:
    """Every item of a chapter in display order (`arrange`). The single-answer items take turns
    for the right answer's position — dealt in the order of their ids' hashes, so it does not
    follow the order of the questions — so that no position holds it much more often than
    another; the other options are shuffled by each item's id."""
    singles = sorted((it for it in items if it["type"] == "choice"), key=lambda it: _seed(it["id"]))
    slot = {it["id"]: k % len(it["choices"]) for k, it in enumerate(singles)}
    return [arrange(it, slot.get(it["id"])) for it in items]


# --------------------------------------------------------------------------------------------
# Language and text
# --------------------------------------------------------------------------------------------
def _edition(lang: str | None) -> str:
    """'en', 'zh-cn' or 'zh-tw' from a `lang` argument (None: the edition being built/read)."""
    if lang is None:
        from . import lang as _lang
        return _lang.current()
    value = str(lang).strip().lower().replace("_", "-") if isinstance(lang, str) else lang
    if value == "zh":
        return "zh-cn"
    if value not in SHOW_LANGS:
        raise ValueError(f"lang must be one of {SHOW_LANGS + ('zh',)} or None (the edition's "
                         f"language, LOSSFNS_LANG); got {lang!r}")
    return value


@lru_cache(maxsize=1)
def _t2s():
    import opencc
    return opencc.OpenCC("t2s")


def to_simplified(zh: str) -> str:
    """Chinese text in Simplified script throughout (a quotation in Traditional script, too)."""
    return _t2s().convert(zh)


def text(bilingual: dict, lang: str = "en") -> str:
    """One text of the bank in an edition's language: English, Simplified (every character:
    no page mixes the two scripts) or Traditional (converted, Taiwan phrasing)."""
    edition = _edition(lang)
    if edition == "en":
        return bilingual["en"]
    simplified = to_simplified(bilingual["zh"])
    if edition == "zh-cn":
        return simplified
    from .lang import to_traditional
    return to_traditional(simplified)


def ui(lang: str = "en") -> dict:
    """The widget's words in an edition's language."""
    edition = _edition(lang)
    if edition == "en":
        return dict(UI["en"])
    if edition == "zh-cn":
        return dict(UI["zh"])
    from .lang import to_traditional
    return {k: to_traditional(v) for k, v in UI["zh"].items()}


def prompt(item: dict, lang: str = "en") -> str:
    """The question as shown (Markdown): the one place where a multi item says 'choose all'."""
    q = text(item["question"], lang)
    if item["type"] == "multi":
        q = q.rstrip() + ("" if _edition(lang) != "en" else " ") + ui(lang)["multi"]
    return q


_MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\w$])", re.S)
_SLOT = "\ue010{}\ue011"
_SLOT_RE = re.compile("\ue010(\\d+)\ue011")


@lru_cache(maxsize=1)
def _md():
    from markdown_it import MarkdownIt
    return MarkdownIt("commonmark", {"html": False, "typographer": False})


def markdown_html(source: str, inline: bool = False) -> str:
    """Markdown → HTML (raw HTML escaped); $…$ and $$…$$ become MathJax-ready
    ``<span class="math">\\(…\\)</span>`` that read as TeX where MathJax is absent."""
    maths = []

    def keep(m):
        display = m.group(1) is not None
        maths.append((display, m.group(1) if display else m.group(2)))
        return _SLOT.format(len(maths) - 1)

    body = _MATH.sub(keep, source)
    out = _md().renderInline(body) if inline else _md().render(body)

    def put(m):
        display, tex = maths[int(m.group(1))]
        left, right = (r"\[", r"\]") if display else (r"\(", r"\)")
        return f'<span class="math notranslate nohighlight">{left}{html.escape(tex)}{right}</span>'

    return _SLOT_RE.sub(put, out).strip()


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def answer_text(item: dict, lang: str = "en") -> str:
    """The correct answer in words (for the answer key and the no-JavaScript fallback)."""
    if item["type"] == "numeric":
        return f"{_fmt(answer_value(item))} (± {_fmt(item['tolerance'])})"
    idx = [item["answer"]] if item["type"] == "choice" else item["answer"]
    return "; ".join(f"({chr(97 + i)}) {text(item['choices'][i], lang)}" for i in idx)


# --------------------------------------------------------------------------------------------
# The widget
# --------------------------------------------------------------------------------------------
_counter = itertools.count(1)


def asset_text(name: str) -> str:
    """The widget's own files: ``quiz.js`` or ``quiz.css``."""
    if name not in ("quiz.js", "quiz.css"):
        raise ValueError(f"name must be 'quiz.js' or 'quiz.css'; got {name!r}")
    return (resources.files("lossfns.course") / "static" / name).read_text(encoding="utf-8")


def _assets_mode(assets: str | None) -> str:
    if assets is None:
        return "inline" if os.environ.get(BOOK_ENV, "").strip() in ("", "0") else "book"
    if assets not in ("inline", "book"):
        raise ValueError(f"assets must be 'inline', 'book' or None ({BOOK_ENV} decides); "
                         f"got {assets!r}")
    return assets


def _item_html(it: dict, n: int, group: str, lang: str, words: dict) -> str:
    esc = html.escape
    legend = (f'<legend><span class="lfq-num">{n}.</span> '
              f'{markdown_html(prompt(it, lang), inline=True)}</legend>')
    expl = markdown_html(text(it["explanation"], lang))
    if it["type"] == "numeric":
        data = (f'data-type="numeric" data-answer="{answer_value(it)!r}" '
                f'data-tolerance="{float(it["tolerance"])!r}"')
        body = (f'<label class="lfq-number"><span>{esc(words["your_answer"])}</span> '
                f'<input type="text" inputmode="decimal" autocomplete="off" spellcheck="false" '
                f'name="{group}"></label>')
    else:
        right = [it["answer"]] if it["type"] == "choice" else it["answer"]
        kind = "radio" if it["type"] == "choice" else "checkbox"
        data = f'data-type="{it["type"]}" data-answer="{",".join(map(str, right))}"'
        opts = "".join(
            f'<label class="lfq-option"><input type="{kind}" name="{group}" value="{i}">'
            f'<span class="lfq-letter" aria-hidden="true">{chr(97 + i)}</span>'
            f'<span class="lfq-text">{markdown_html(text(c, lang), inline=True)}</span></label>'
            for i, c in enumerate(it["choices"]))
        body = f'<div class="lfq-options">{opts}</div>'
    return (f'<div class="lfq-item" {data}><fieldset>{legend}{body}</fieldset>'
            f'<div class="lfq-actions"><button type="button" class="lfq-check">'
            f'{esc(words["check"])}</button> <button type="button" class="lfq-show" hidden>'
            f'{esc(words["show"])}</button></div>'
            f'<div class="lfq-feedback" role="status" aria-live="polite">'
            f'<p class="lfq-verdict"></p><p class="lfq-answer" hidden><strong>'
            f'{esc(words["answer_label"])}</strong> '
            f'{markdown_html(answer_text(it, lang), inline=True)}</p>'
            f'<div class="lfq-explanation" hidden>{expl}</div></div></div>')


def fallback_html(items: list[dict], lang: str = "en") -> str:
    """A collapsed <details> block with every question, answer and explanation: what a reader
    without JavaScript gets (printed open)."""
    words = ui(lang)
    rows = []
    for it in items:
        choices = ""
        if it["type"] != "numeric":
            choices = "<ol class=\"lfq-choices\" type=\"a\">" + "".join(
                f"<li>{markdown_html(text(c, lang), inline=True)}</li>" for c in it["choices"]
            ) + "</ol>"
        rows.append(f'<li><p>{markdown_html(prompt(it, lang), inline=True)}</p>{choices}'
                    f'<p><strong>{html.escape(words["answer_label"])}</strong> '
                    f'{markdown_html(answer_text(it, lang), inline=True)}</p>'
                    f'{markdown_html(text(it["explanation"], lang))}</li>')
    return (f'<details class="quiz-answers"><summary>{html.escape(words["answers"])}</summary>'
            f'<ol class="lfq-key">' + "".join(rows) + "</ol></details>")


def quiz_html(items: list[dict], lang: str | None = None, assets: str | None = None) -> str:
    """The widget for `items` (as `load` returns them) in one language.

    `assets`: "book" (the page loads _static/quiz.js and quiz.css itself) or "inline" (the
    script and style travel with the output: Jupyter, Colab); None: "book" while the book's
    build runs the lesson (LOSSFNS_BOOK_BUILD set), else "inline".
    """
    edition = _edition(lang)
    mode = _assets_mode(assets)
    words = ui(edition)
    html_lang = {"en": "en", "zh-cn": "zh-Hans", "zh-tw": "zh-Hant"}[edition]
    uid = f"lfq{next(_counter)}"
    js_words = {k: words[k] for k in ("correct", "wrong", "wrong_multi", "empty", "empty_multi",
                                      "not_number")}
    ui_json = html.escape(json.dumps(js_words, ensure_ascii=False))
    parts = [f'<div class="lfq" lang="{html_lang}" data-ui="{ui_json}">',
             '<div class="lfq-items" hidden>']
    parts += [_item_html(it, n, f"{uid}-{n}", edition, words) for n, it in enumerate(items, 1)]
    parts.append("</div>")
    parts.append(fallback_html(items, edition))
    parts.append("</div>")
    if mode == "inline":
        parts.append(f"<style>{asset_text('quiz.css')}</style>")
        parts.append(f"<script>{asset_text('quiz.js')}</script>")
    return "".join(parts)


def show(chapter: str, lang: str | None = None, kind: str | None = None) -> None:
    """Display a chapter's quiz in the edition's language (``lang.current()`` unless `lang`)."""
    from IPython.display import HTML, display

    items = load(chapter, kind)
    display(HTML(quiz_html(items, lang)))


def prestudy_markdown(chapter: str, lang: str | None = None) -> str:
    """The chapter's pre-study questions as a numbered Markdown list, in one language."""
    items = load(chapter, "prestudy")
    return "\n".join(f"{k}. {prompt(it, lang)}" for k, it in enumerate(items, 1))


def show_prestudy(chapter: str, lang: str | None = None) -> None:
    """Display the pre-study questions (预习) that open a chapter, from the bank."""
    from IPython.display import Markdown, display

    display(Markdown(prestudy_markdown(chapter, lang)))


def answer_key_markdown(chapter: str) -> str:
    """Every item of a chapter with its answer and explanation, in English and Chinese."""
    out = []
    for k, it in enumerate(load(chapter), 1):
        tag = " (pre-study 预习)" if it.get("kind") == "prestudy" else ""
        out.append(f"**{k}. {prompt(it, 'en')}**{tag}  \n{prompt(it, 'zh-cn')}\n")
        if it["type"] != "numeric":
            for i, c in enumerate(it["choices"]):
                out.append(f"   ({chr(97 + i)}) {c['en']} / {text(c, 'zh-cn')}  ")
        out.append(f"\n*Answer 答案:* {answer_text(it, 'en')}\n")
        out.append(f"*Why:* {it['explanation']['en']}  \n"
                   f"*解析：* {text(it['explanation'], 'zh-cn')}\n")
        if it["source"] != "new":   # provenance, never the file's name
            out.append("<small>From the original lecture notes (原始讲义).</small>\n")
    return "\n".join(out)
