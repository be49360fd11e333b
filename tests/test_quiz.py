"""The quiz bank and its widget: schema, answers, option order, language, safety, markup."""
import copy
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import lossfns
from lossfns.course import quiz

ROOT = Path(__file__).parents[1]
ALL = quiz.chapters()
#: chapters whose owners add their bank later: the tests take them as they come
NEW_CHAPTERS = ("04_multiclass_and_margins", "05_maximum_likelihood")


def test_every_chapter_notebook_has_a_quiz_file():
    stems = sorted(p.stem for p in ROOT.glob("chapters/[0-9][0-9]_*.ipynb"))
    missing = [s for s in stems if s not in ALL]
    assert not missing, f"chapters without lossfns/course/quizzes/<stem>.yml: {missing}"


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
    (lambda it: it.update(answer=True), "answer must be a choice index"),
    (lambda it: it.update(type="essay"), "type must be one of"),
    (lambda it: it["question"].pop("zh"), "question must have non-empty 'en' and 'zh'"),
    (lambda it: it.update(choices=[{"en": "x", "zh": "甲"}]), "at least 2 options"),
    (lambda it: it.update(type="multi", answer=[0, 0]), "distinct choice indices"),
    (lambda it: it.pop("source"), "source must name the seed file"),
    (lambda it: it.update(kind="homework"), "kind must be one of"),
    (lambda it: it.update(type="multi", answer=[0],
                          question={"en": "Which? (choose all that apply)", "zh": "哪些？"}),
     "must not say '\\(choose all that apply\\)'"),
    (lambda it: it.update(type="multi", answer=[0],
                          question={"en": "Which?", "zh": "哪些？（多选）"}),
     "zh question must not say"),
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
    with pytest.raises(ValueError, match="chapter must be the name of a chapter"):
        quiz.load("no_such_chapter")


def test_answer_key_has_every_item():
    for ch in ALL:
        key = quiz.answer_key_markdown(ch)
        assert key.count("*Answer 答案:*") == len(quiz.load(ch))


# ---------------------------------------------------------------------------------------------
# The widget's markup
# ---------------------------------------------------------------------------------------------
class _Tree(HTMLParser):
    """The elements of a fragment with their attributes, parents and text (enough to check
    structure without a browser)."""

    VOID = {"input", "br", "img", "hr", "meta", "link"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.elements = [], []

    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "parents": [e["tag"] for e in self.stack],
              "classes": [c for e in self.stack for c in e["attrs"].get("class", "").split()],
              "text": ""}
        self.elements.append(el)
        if tag not in self.VOID:
            self.stack.append(el)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for el in self.stack:
            el["text"] += data


def _tree(fragment):
    t = _Tree()
    t.feed(fragment)
    return t.elements


def _by_class(elements, cls):
    return [e for e in elements if cls in e["attrs"].get("class", "").split()]


@pytest.mark.parametrize("lang", ["en", "zh-cn", "zh-tw"])
def test_widget_markup_is_accessible(lang):
    items = quiz.load(ALL[0])
    els = _tree(quiz.quiz_html(items, lang, assets="book"))
    blocks = _by_class(els, "lfq-item")
    assert len(blocks) == len(items)
    assert "hidden" in _by_class(els, "lfq-items")[0]["attrs"]   # the script shows them
    fieldsets = [e for e in els if e["tag"] == "fieldset"]
    legends = [e for e in els if e["tag"] == "legend"]
    assert len(fieldsets) == len(legends) == len(items)
    assert all(e["parents"][-1] == "fieldset" for e in legends)
    for it, block in zip(items, blocks):
        assert block["attrs"]["data-type"] == it["type"]
    inputs = [e for e in els if e["tag"] == "input"]
    # every input sits inside its <label> (so it has a name for assistive technology)
    assert inputs and all("label" in e["parents"] for e in inputs)
    kinds = {e["attrs"]["type"] for e in inputs}
    want = {"choice": "radio", "multi": "checkbox", "numeric": "text"}
    assert kinds == {want[it["type"]] for it in items}
    n_options = sum(len(it.get("choices", [])) for it in items)
    assert sum(e["attrs"]["type"] in ("radio", "checkbox") for e in inputs) == n_options
    # radio/checkbox groups: one name per item, different between items
    names = {e["attrs"]["name"] for e in inputs}
    assert len(names) == len(items)
    buttons = [e for e in els if e["tag"] == "button"]
    assert all(b["attrs"].get("type") == "button" for b in buttons)
    assert len(_by_class(els, "lfq-check")) == len(items)
    live = _by_class(els, "lfq-feedback")
    assert len(live) == len(items)
    assert all(e["attrs"].get("aria-live") == "polite" and e["attrs"].get("role") == "status"
               for e in live)
    assert not any(e["tag"] == "form" for e in els), "no form: nothing can be submitted"


def test_widget_marks_the_right_answers():
    for ch in ALL:
        items = quiz.load(ch)
        blocks = _by_class(_tree(quiz.quiz_html(items, "en", assets="book")), "lfq-item")
        for it, block in zip(items, blocks):
            if it["type"] == "numeric":
                assert float(block["attrs"]["data-answer"]) == pytest.approx(quiz.answer_value(it))
                assert float(block["attrs"]["data-tolerance"]) == it["tolerance"]
            else:
                right = [it["answer"]] if it["type"] == "choice" else it["answer"]
                assert block["attrs"]["data-answer"] == ",".join(map(str, right))


def test_choose_all_is_said_exactly_once():
    for ch in ALL:
        for it in quiz.load(ch):
            for lang, words in (("en", "(choose all that apply)"), ("zh-cn", "（多选）"),
                                ("zh-tw", "（多選）")):
                shown = quiz.prompt(it, lang)
                assert shown.count(words) == (it["type"] == "multi"), (it["id"], lang, shown)
                page = quiz.quiz_html([it], lang, assets="book")
                assert page.count(words) == 2 * (it["type"] == "multi")   # widget + answer list


def test_inline_assets_outside_the_book_and_none_in_it(monkeypatch):
    items = quiz.load(ALL[0])
    for unset in (None, "", "0"):
        if unset is None:
            monkeypatch.delenv(quiz.BOOK_ENV, raising=False)
        else:
            monkeypatch.setenv(quiz.BOOK_ENV, unset)
        inline = quiz.quiz_html(items, "en")
        assert inline.count("<script>") == 1 and inline.count("<style>") == 1
        assert quiz.asset_text("quiz.js") in inline and quiz.asset_text("quiz.css") in inline
    monkeypatch.setenv(quiz.BOOK_ENV, "1")
    book = quiz.quiz_html(items, "en")
    assert "<script" not in book and "<style" not in book
    assert "<script>" in quiz.quiz_html(items, "en", assets="inline")
    with pytest.raises(ValueError, match="assets must be 'inline', 'book' or None"):
        quiz.quiz_html(items, "en", assets="cdn")


def test_the_book_shares_one_copy_of_the_widget():
    """_static/quiz.{js,css} are the package's files (links), so every page loads the same one."""
    for name in ("quiz.js", "quiz.css"):
        static = ROOT / "_static" / name
        assert static.is_file(), f"_static/{name} missing"
        assert static.read_text(encoding="utf-8") == quiz.asset_text(name)
    with pytest.raises(ValueError, match="name must be 'quiz.js' or 'quiz.css'"):
        quiz.asset_text("../quizzes/01_what_is_a_loss.yml")


def test_the_makefile_tells_the_book_build_to_share_it():
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = re.search(r"^(book\b[^\n:]*):\s*export LOSSFNS_BOOK_BUILD := 1", make, re.M)
    assert targets and {"book", "book-zh-cn", "book-zh-tw"} <= set(targets.group(1).split())


def test_widget_script_writes_nothing_to_the_console():
    js = quiz.asset_text("quiz.js")
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", js, flags=re.S)   # without comments
    assert "console." not in code and "alert(" not in code
    css = quiz.asset_text("quiz.css")
    assert "focus-visible" in css and "@media print" in css
    assert 'html[data-theme="dark"]' in css


def test_fallback_lists_every_item_collapsed():
    for lang in ("en", "zh-cn"):
        items = quiz.load(ALL[0])
        fallback = quiz.fallback_html(items, lang)
        assert fallback.startswith('<details class="quiz-answers">') and " open" not in fallback
        key = [e for e in _tree(fallback) if e["tag"] == "li" and e["parents"][-1] == "ol"
               and "lfq-key" in e["classes"] and "lfq-choices" not in e["classes"]]
        assert len(key) == len(items)


# ---------------------------------------------------------------------------------------------
# Markdown and math
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("source, expected", [
    ("the *loss* is `mse`", "the <em>loss</em> is <code>mse</code>"),
    ("0 < y·s < 1 and <script>", "0 &lt; y·s &lt; 1 and &lt;script&gt;"),
    ("cost $\\frac{1}{n}\\sum_i r_i^2$ here",
     'cost <span class="math notranslate nohighlight">\\(\\frac{1}{n}\\sum_i r_i^2\\)</span> here'),
    ("a $x*y*z$ b", 'a <span class="math notranslate nohighlight">\\(x*y*z\\)</span> b'),
    ("$5 and $6", "$5 and $6"),
    ("p_data / (p_data + p_g)", "p_data / (p_data + p_g)"),
])
def test_markdown_inline(source, expected):
    assert quiz.markdown_html(source, inline=True) == expected


def test_no_raw_markdown_reaches_the_reader():
    """Every text of the bank, as rendered: no leftover *, _ or ` markup, no raw HTML."""
    for ch in ALL:
        for it in quiz.load(ch):
            for lang in ("en", "zh-cn"):
                texts = [quiz.prompt(it, lang), quiz.text(it["explanation"], lang)]
                texts += [quiz.text(c, lang) for c in it.get("choices", [])]
                for t in texts:
                    out = quiz.markdown_html(t)
                    visible = re.sub(r"<[^>]+>", "", out)
                    assert not re.search(r"\*\w[^*]*\w\*|`", visible), (it["id"], visible)
                    tags = set(re.findall(r"</?([a-z0-9]+)", out))
                    assert tags <= {"p", "em", "strong", "code", "span"}, (it["id"], tags, t)


# ---------------------------------------------------------------------------------------------
# Option order and reader-facing words (issue 9 #3)
# ---------------------------------------------------------------------------------------------
def _positions(items):
    """The right answer's position in each multiple-choice item (a tuple for multi items)."""
    return [it["answer"] if it["type"] == "choice" else tuple(it["answer"])
            for it in items if it["type"] != "numeric"]


@pytest.mark.parametrize("chapter", ALL)
def test_right_answer_position_varies(chapter):
    positions = _positions(quiz.load(chapter))
    if len(positions) < 2:
        pytest.skip(f"{chapter}: fewer than two multiple-choice items")
    top = max(positions.count(p) for p in positions)
    assert top <= len(positions) / 2, (
        f"{chapter}: the right answer is in the same position in {top} of {len(positions)} "
        f"multiple-choice items: {positions}")


def test_option_order_is_fixed_per_item_and_keeps_the_answer():
    raw = quiz._load_raw(ALL[0])
    for it in raw:
        if it["type"] == "numeric":
            continue
        shown = quiz.arrange(it)
        assert shown == quiz.arrange(copy.deepcopy(it))                  # deterministic
        assert sorted(c["en"] for c in shown["choices"]) == sorted(c["en"] for c in it["choices"])
        right = [it["answer"]] if it["type"] == "choice" else it["answer"]
        now = [shown["answer"]] if it["type"] == "choice" else shown["answer"]
        assert sorted(it["choices"][i]["en"] for i in right) == \
            sorted(shown["choices"][i]["en"] for i in now)
    assert quiz._order("ch99-q1", 4) == quiz._order("ch99-q1", 4)
    orders = {tuple(quiz._order(f"ch99-q{k}", 4)) for k in range(40)}
    assert len(orders) > 10                                               # varies with the id


#: words that name the source notes (file names, "seed N", 种子, 勘误) — for maintainers only
INTERNAL = re.compile(r"\bseeds?\b|种子|種子|勘误|勘誤|errata|SEED_|\b\d{3}_[0-9a-f]{16}(\.txt)?\b",
                      re.I)


def _reader_texts(it, lang):
    yield quiz.prompt(it, lang)
    yield quiz.text(it["explanation"], lang)
    for c in it.get("choices", []):
        yield quiz.text(c, lang)


@pytest.mark.parametrize("chapter", ALL)
def test_no_reader_facing_text_names_the_source_notes(chapter):
    items = quiz.load(chapter)
    for it in items:
        for lang in ("en", "zh-cn", "zh-tw"):
            for t in _reader_texts(it, lang):
                assert not INTERNAL.search(t), f"{it['id']} ({lang}): {t}"
    # nor anything rendered from the bank: the widget, the answer list, the answer key
    rendered = [quiz.quiz_html(items, lang, assets="book") for lang in ("en", "zh-cn", "zh-tw")]
    rendered.append(quiz.answer_key_markdown(chapter))
    for page in rendered:
        assert not INTERNAL.search(page), INTERNAL.search(page).group(0)
        for it in items:
            if it["source"] != "new":
                assert it["source"] not in page


def test_the_scan_finds_what_it_looks_for():
    for bad in ("seed 003 says", "the seed's answer", "种子笔记 002", "（勘误 #6）",
                "001_de3242bbe8c04137.txt", "SEED_ERRATA #2"):
        assert INTERNAL.search(bad), bad
    assert not INTERNAL.search("the original lecture notes say / 原始讲义说")


# ---------------------------------------------------------------------------------------------
# Language: the edition's (issue 10)
# ---------------------------------------------------------------------------------------------
def _shown(monkeypatch, fn, *args):
    """What `fn` displays (quiz.show / show_prestudy), as text."""
    import IPython.display

    out = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: out.append(obj))
    fn(*args)
    assert len(out) == 1
    return out[0].data


@pytest.mark.parametrize("edition, html_lang, check", [
    ("en", "en", "Check"), ("zh-cn", "zh-Hans", "检查"), ("zh-tw", "zh-Hant", "檢查")])
def test_show_follows_the_edition(monkeypatch, edition, html_lang, check):
    monkeypatch.setenv("LOSSFNS_LANG", edition)
    monkeypatch.delenv(quiz.BOOK_ENV, raising=False)
    page = _shown(monkeypatch, quiz.show, ALL[0])
    assert f'<div class="lfq" lang="{html_lang}"' in page
    assert f'class="lfq-check">{check}</button>' in page
    first = quiz.load(ALL[0])[0]
    assert quiz.markdown_html(quiz.prompt(first, edition), inline=True) in page
    prestudy = _shown(monkeypatch, quiz.show_prestudy, ALL[0])
    items = quiz.load(ALL[0], "prestudy")
    assert prestudy.splitlines() == [f"{k}. {quiz.prompt(it, edition)}"
                                     for k, it in enumerate(items, 1)]
    # an explicit language wins over the edition's
    assert 'lang="en"' in _shown(monkeypatch, quiz.show, ALL[0], "en")


def test_bad_language_is_refused(monkeypatch):
    with pytest.raises(ValueError, match="lang must be one of .*got 'fr'"):
        quiz.quiz_html(quiz.load(ALL[0]), "fr")
    monkeypatch.setenv("LOSSFNS_LANG", "de")
    with pytest.raises(ValueError, match="LOSSFNS_LANG must be one of"):
        quiz.prestudy_markdown(ALL[0])


def test_widget_words_in_three_languages():
    en, cn, tw = (quiz.ui(lang) for lang in ("en", "zh-cn", "zh-tw"))
    assert en.keys() == cn.keys() == tw.keys()
    for key in en:
        assert en[key] and cn[key] and tw[key]
        assert not re.search(r"[A-Za-z]{3,}", cn[key]), f"{key}: {cn[key]} is not Chinese"
        assert quiz.to_simplified(cn[key]) == cn[key]
    assert tw["check"] == "檢查" and tw["correct"] == "正確！" and tw["multi"] == "（多選）"


@pytest.mark.parametrize("chapter", ALL)
def test_chinese_pages_keep_to_one_script(chapter):
    """zh-cn: every character Simplified; zh-tw: every character Traditional."""
    for it in quiz.load(chapter):
        for t in _reader_texts(it, "zh-cn"):
            assert quiz.to_simplified(t) == t, f"{it['id']}: Traditional characters in {t}"
        for t in _reader_texts(it, "zh-tw"):
            assert not _simplified_chars(t), f"{it['id']}: {_simplified_chars(t)} in {t}"


def _simplified_chars(text):
    """The characters of `text` that have a different Traditional (Taiwan) form."""
    import opencc

    s2tw = opencc.OpenCC("s2tw")
    return sorted({c for c in text if "\u4e00" <= c <= "\u9fff" and s2tw.convert(c) != c})


def test_the_script_checks_can_fail():
    assert quiz.to_simplified("請問L1與L2的差異") != "請問L1與L2的差異"
    assert _simplified_chars("損失函数") == ["数"]


@pytest.mark.parametrize("chapter", [c for c in ALL if c not in NEW_CHAPTERS])
def test_our_bank_is_written_in_simplified_script(chapter):
    """The bank's zh texts are Simplified (a seed's Traditional wording lives in source_text)."""
    for it in quiz._load_raw(chapter):
        texts = [it["question"]["zh"], it["explanation"]["zh"]] + \
            [c["zh"] for c in it.get("choices", [])]
        for t in texts:
            assert quiz.to_simplified(t) == t, f"{it['id']}: {t}"


#: Chinese names that may stand only for what the English says (locales/terms.yml): log-odds
#: (binary only; 对数几率, Taiwan 對數勝算) and log-probability (Taiwan 對數機率) — never a logit.
TERMS = [(re.compile(r"对数几率|對數幾率|對數勝算"), re.compile(r"log[- ]odds", re.I)),
         (re.compile(r"對數機率"), re.compile(r"log[- ]?prob", re.I))]


def _term_errors(it):
    errors = []
    pairs = [(it["question"], "question"), (it["explanation"], "explanation")]
    pairs += [(c, "choice") for c in it.get("choices", [])]
    for pair, where in pairs:
        for lang in ("zh-cn", "zh-tw"):
            zh = quiz.text(pair, lang)
            for chinese, english in TERMS:
                if chinese.search(zh) and not english.search(pair["en"]):
                    errors.append(f"{it['id']} {where} ({lang}): {chinese.search(zh).group(0)} "
                                  f"where the English says neither log-odds nor log-probability: "
                                  f"a logit stays 'logit' (or 逻辑值)")
    return errors


@pytest.mark.parametrize("chapter", ALL)
def test_logit_is_not_called_log_odds(chapter):
    errors = [e for it in quiz.load(chapter) for e in _term_errors(it)]
    assert not errors, errors


def test_the_term_check_can_fail():
    bad = _good()
    bad["explanation"] = {"en": "The softmax logits z.", "zh": "softmax 的对数几率 z。"}
    assert len(_term_errors(bad)) == 2          # zh-cn and zh-tw
    bad["explanation"] = {"en": "log-probabilities", "zh": "对数概率"}   # Taiwan: 對數機率
    assert _term_errors(bad) == []
    bad["explanation"] = {"en": "the logits", "zh": "对数概率"}
    assert len(_term_errors(bad)) == 1


# ---------------------------------------------------------------------------------------------
# Safety (issue 13): compute calls only registered functions; load takes a chapter name only
# and hands out copies
# ---------------------------------------------------------------------------------------------
def _numeric(call, args=(), kwargs=None):
    return {"id": "n", "type": "numeric", "source": "new", "tolerance": 0.1,
            "question": {"en": "q", "zh": "问"}, "explanation": {"en": "e", "zh": "解"},
            "compute": {"call": call, "args": list(args), "kwargs": kwargs or {}}}


@pytest.mark.parametrize("call", [
    "seeding.os.getpid", "os.getpid", "seeding", "catalog", "core.Loss", "mse.__call__",
    "mse.__globals__", "mse.grad.__globals__", "__import__", "course.quiz.load", "sklearn",
    "optim.SGD", "gradcheck.numeric_grad", "mse.value_and_grad.__self__", "", None, 3,
    ["mse"], "mse.", ".grad", "MSE",
])
def test_compute_may_call_only_registered_functions(call, monkeypatch):
    import os

    called = []
    monkeypatch.setattr(os, "getpid", lambda: called.append(1) or 1)
    with pytest.raises(ValueError, match="compute.call must name a registered loss"):
        quiz.validate([_numeric(call)])
    assert not called


def test_registered_calls_are_the_losses_activations_and_metrics():
    allowed = set(quiz.allowed_calls())
    losses = {L.name for L in lossfns.catalog()}
    assert losses <= allowed and {f"{n}.grad" for n in losses} <= allowed
    assert {"sigmoid", "softmax", "log_softmax", "log_sigmoid", "softplus"} <= allowed
    assert set(quiz.METRICS) <= allowed
    assert allowed == losses | {f"{n}.grad" for n in losses} | set(quiz.METRICS) | \
        {"sigmoid", "softmax", "log_softmax", "log_sigmoid", "softplus"}
    for call, args, want in [("mse.grad", [3.0, 5.0], 4.0), ("sigmoid", [0.0], 0.5),
                             ("dice_coefficient", [[1, 1, 0], [1, 0, 0]], 2 / 3)]:
        it = _numeric(call, args)
        quiz.validate([it])
        assert quiz.answer_value(it) == pytest.approx(want)


def test_compute_args_must_be_a_list_and_kwargs_a_mapping():
    with pytest.raises(ValueError, match="compute.args must be a list"):
        quiz.validate([_numeric("mse") | {"compute": {"call": "mse", "args": "abc"}}])
    with pytest.raises(ValueError, match="compute must be a mapping"):
        quiz.validate([_numeric("mse") | {"compute": "mse"}])


def test_bank_files_follow_the_rule():
    """Every compute item in the bank names an allowed call (validated when loaded)."""
    calls = {it["compute"]["call"] for ch in ALL for it in quiz.load(ch) if "compute" in it}
    assert calls and calls <= set(quiz.allowed_calls())


@pytest.mark.parametrize("chapter", [
    "../quizzes/01_what_is_a_loss", "01_what_is_a_loss.yml", "quizzes/01_what_is_a_loss",
    "/etc/passwd", "..", ".", "", " 01_what_is_a_loss", "01_what_is_a_loss/..",
    "..\\01_what_is_a_loss", "00_nothing", None, 1, Path("01_what_is_a_loss"),
    str(ROOT / "lossfns" / "course" / "quizzes" / "01_what_is_a_loss"),
])
def test_load_takes_a_chapter_name_only(chapter):
    with pytest.raises(ValueError, match="chapter must be the name of a chapter"):
        quiz.load(chapter)


def test_load_returns_copies_nobody_can_spoil():
    ch = ALL[0]
    first = quiz.load(ch)
    before = copy.deepcopy(first)
    first[0]["question"]["en"] = "spoiled"
    first[0]["id"] = "spoiled"
    first.append({"id": "extra"})
    for it in first:
        if "choices" in it:
            it["choices"].reverse()
            it["choices"][0]["en"] = "spoiled"
        if "compute" in it:
            it["compute"]["args"].append(99)
            it["compute"]["call"] = "seeding.os.getpid"
    assert quiz.load(ch) == before
    assert quiz.load(ch, "quiz") == [it for it in before if it.get("kind", "quiz") == "quiz"]


def test_answer_value_does_not_change_the_item():
    it = next(it for ch in ALL for it in quiz.load(ch) if "compute" in it)
    kept = copy.deepcopy(it)
    quiz.answer_value(it)
    assert it == kept
