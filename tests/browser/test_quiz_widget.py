"""The quiz widget (lossfns/course/static/quiz.js + quiz.css) in headless Chromium: keyboard,
feedback, no console output, MathJax optional, contrast in light and dark mode, print.

The pages are made here from the bank (``quiz.quiz_html``, scripts inline as in JupyterLab), so
these tests need Chromium and Playwright but not a built book; the book's own pages (the widget
loaded from _static) are checked at the end when ``_build/html`` exists.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from _site import HTML, chromium_path

from lossfns.course import quiz

try:
    import playwright.sync_api  # noqa: F401
    _NO_PLAYWRIGHT = None
except ImportError:  # pragma: no cover - depends on the environment
    _NO_PLAYWRIGHT = "playwright not installed"

pytestmark = pytest.mark.skipif(chromium_path() is None or _NO_PLAYWRIGHT is not None,
                                reason=_NO_PLAYWRIGHT or "Chromium not found (/usr/bin/chromium)")

CHAPTER = "01_what_is_a_loss"   # has choice, multi and numeric items

#: a stand-in for the book's page: the theme's colours in light and dark mode
#: (pydata-sphinx-theme: --pst-color-background #fff / #14181e, text #222832 / #ced6dd)
PAGE = """<!DOCTYPE html><html lang="en" data-theme="{theme}"><head><meta charset="utf-8">
<style>html{{font-size:100%}} body{{font-family:sans-serif;margin:2rem;
background:{bg};color:{fg}}}</style>{head}</head><body><main>{body}</main></body></html>"""
THEMES = {"light": ("#ffffff", "#222832"), "dark": ("#14181e", "#ced6dd")}


def _page(browser, theme="light", items=None, head="", lang="en"):
    items = quiz.load(CHAPTER) if items is None else items
    bg, fg = THEMES[theme]
    html = PAGE.format(theme=theme, bg=bg, fg=fg, head=head,
                       body=quiz.quiz_html(items, lang, assets="inline"))
    page = browser.new_page(color_scheme=theme)
    messages, errors = [], []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content(html, wait_until="load")
    return page, messages, errors


def _item(page, item_id_index):
    return page.locator(".lfq-item").nth(item_id_index)


def _first(items, kind):
    return next(k for k, it in enumerate(items) if it["type"] == kind)


# ---------------------------------------------------------------------------------------------
# Structure and behaviour
# ---------------------------------------------------------------------------------------------
def test_questions_appear_only_with_javascript(browser):
    items = quiz.load(CHAPTER)
    page, messages, errors = _page(browser)
    assert page.locator(".lfq-items").is_visible()
    assert page.locator(".lfq-item").count() == len(items)
    assert page.locator("details.quiz-answers").get_attribute("open") is None
    page.close()
    nojs = browser.new_page(java_script_enabled=False)
    nojs.set_content(PAGE.format(theme="light", bg="#fff", fg="#222", head="",
                                 body=quiz.quiz_html(items, "en", assets="inline")))
    assert not nojs.locator(".lfq-items").is_visible()          # no dead buttons
    assert nojs.locator("details.quiz-answers summary").is_visible()
    nojs.close()
    assert not messages and not errors, messages + errors


def test_choice_feedback_and_arrow_keys(browser):
    items = quiz.load(CHAPTER)
    k = _first(items, "choice")
    it = items[k]
    right, wrong = it["answer"], (it["answer"] + 1) % len(it["choices"])
    page, messages, errors = _page(browser)
    box = _item(page, k)
    radios = box.locator("input[type=radio]")
    feedback = box.locator(".lfq-feedback")
    assert feedback.get_attribute("aria-live") == "polite"
    assert box.locator("fieldset > legend").inner_text().startswith(f"{k + 1}.")

    # keyboard: focus the first option, arrows move (and select, as radios do) but never check
    radios.nth(0).focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "1"
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.value") == "0"
    assert feedback.inner_text().strip() == "", "an arrow key gave feedback (checked the answer)"

    # Check with nothing chosen → a hint; wrong → try again + Show answer; right → explanation
    page.locator(".lfq-item").nth(k).locator("input").nth(0).evaluate("e => e.checked = false")
    box.locator(".lfq-check").click()
    assert "Choose an answer" in feedback.inner_text()
    radios.nth(wrong).check()
    box.locator(".lfq-check").click()
    assert "try again" in feedback.inner_text()
    assert box.locator(".lfq-show").is_visible()
    assert not box.locator(".lfq-explanation").is_visible()
    radios.nth(right).check()
    box.locator(".lfq-check").press("Enter")        # the Check button works from the keyboard
    assert feedback.inner_text().startswith("Correct!")
    assert box.locator(".lfq-explanation").is_visible()
    assert not box.locator(".lfq-show").is_visible()
    assert "is-correct" in feedback.get_attribute("class")
    page.close()
    assert not messages and not errors, messages + errors


def test_checkboxes_move_with_arrows_without_ticking(browser):
    items = quiz.load(CHAPTER)
    k = _first(items, "multi")
    it = items[k]
    page, messages, errors = _page(browser)
    box = _item(page, k)
    boxes = box.locator("input[type=checkbox]")
    boxes.nth(0).focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.value") == "2"
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.value") == "1"
    assert boxes.evaluate_all("bs => bs.filter(b => b.checked).length") == 0
    assert box.locator(".lfq-verdict").inner_text() == ""
    page.keyboard.press("Space")                 # space ticks, as it should
    assert boxes.nth(1).is_checked()
    for i in range(len(it["choices"])):
        boxes.nth(i).set_checked(i in it["answer"])
    box.locator(".lfq-check").click()
    assert box.locator(".lfq-verdict").inner_text() == "Correct!"
    # one box too many: wrong
    extra = next(i for i in range(len(it["choices"])) if i not in it["answer"])
    boxes.nth(extra).check()
    box.locator(".lfq-check").click()
    assert "Not quite" in box.locator(".lfq-verdict").inner_text()
    page.close()
    assert not messages and not errors, messages + errors


def test_numeric_box_is_labelled_and_checks_tolerance(browser):
    items = quiz.load(CHAPTER)
    k = _first(items, "numeric")
    value, tol = quiz.answer_value(items[k]), items[k]["tolerance"]
    page, messages, errors = _page(browser)
    box = _item(page, k)
    field = box.get_by_label("Your answer (a number)")
    assert field.count() == 1
    field.fill("abc")
    field.press("Enter")
    assert "Type a number" in box.locator(".lfq-verdict").inner_text()
    assert field.get_attribute("aria-invalid") == "true"
    field.fill(repr(value + 3 * tol))
    field.press("Enter")
    assert "try again" in box.locator(".lfq-verdict").inner_text()
    field.fill(f"{value + 0.5 * tol:.12g}")
    field.press("ArrowUp")                      # no spinner: arrows do not change or check it
    assert "try again" in box.locator(".lfq-verdict").inner_text()
    field.press("Enter")
    assert box.locator(".lfq-verdict").inner_text() == "Correct!"
    page.close()
    assert not messages and not errors, messages + errors


def test_show_answer_reveals_answer_and_explanation(browser):
    items = quiz.load(CHAPTER)
    k = _first(items, "numeric")
    page, _, errors = _page(browser)
    box = _item(page, k)
    box.get_by_label("Your answer (a number)").fill("1e9")
    box.locator(".lfq-check").click()
    box.locator(".lfq-show").click()
    answer = box.locator(".lfq-answer")
    assert answer.is_visible() and quiz.answer_text(items[k]).split(" ")[0] in answer.inner_text()
    assert box.locator(".lfq-explanation").is_visible()
    page.close()
    assert not errors


def test_number_parsing(browser):
    page, _, _ = _page(browser)
    got = page.evaluate("""() => ['0.25', ' -1.5e-3 ', '−2', '１.５', '0,5', '', 'abc', '1/3', '2.']
                           .map(s => window.lossfnsQuiz.parseNumber(s))""")
    assert got[:5] == [0.25, -0.0015, -2, 1.5, 0.5] and got[8] == 2
    assert all(g is None or math.isnan(g) for g in got[5:8]), got   # NaN
    page.close()


def test_mathjax_is_optional_and_used(browser):
    """Without MathJax: no error; with one: the revealed feedback is typeset."""
    item = {"id": "m1", "type": "choice", "source": "new",
            "question": {"en": "Which is $e^x$'s derivative?", "zh": "$e^x$ 的导数？"},
            "choices": [{"en": "$e^x$", "zh": "$e^x$"}, {"en": "$x e^{x-1}$", "zh": "$x e^{x-1}$"}],
            "answer": 0, "explanation": {"en": "It is its own: $\\frac{d}{dx}e^x = e^x$.",
                                         "zh": "它的导数是它自己。"}}
    quiz.validate([item])
    items = [quiz.arrange(item)]
    fake = ("<script>window.typeset = []; window.MathJax = {typesetPromise: els => "
            "{ window.typeset.push(els.length); return Promise.resolve(); }};</script>")
    for head in ("", fake):
        page, messages, errors = _page(browser, items=items, head=head)
        assert page.locator(".lfq-item .math").count() >= 3   # question and choices
        right = items[0]["answer"]
        page.locator("input[type=radio]").nth(right).check()
        page.locator(".lfq-check").click()
        assert page.locator(".lfq-explanation .math").inner_text().startswith("\\(")
        if head:
            assert page.evaluate("window.typeset") == [1]
        page.close()
        assert not messages and not errors, messages + errors


# ---------------------------------------------------------------------------------------------
# Look: size, alignment, weight, focus ring, contrast (light and dark)
# ---------------------------------------------------------------------------------------------
CONTRAST_JS = r"""(el) => {
  function rgb(s) {
    const m = s.match(/[\d.]+/g).map(Number);
    return m.length > 3 ? m : m.concat([1]);
  }
  function bg(e) {
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) return c;
    }
    return [255, 255, 255, 1];
  }
  const s = getComputedStyle(el);
  return {fg: rgb(s.color), bg: bg(el), size: parseFloat(s.fontSize), weight: s.fontWeight,
          align: s.textAlign};
}"""


def _luminance(rgb):
    def ch(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (ch(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg, bg) -> float:
    # a translucent foreground is blended over its background first
    a = fg[3] if len(fg) > 3 else 1
    fg = [a * f + (1 - a) * b for f, b in zip(fg[:3], bg[:3])]
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_helper_matches_wcag():
    assert contrast([0, 0, 0, 1], [255, 255, 255, 1]) == pytest.approx(21)
    assert contrast([118, 118, 118, 1], [255, 255, 255, 1]) == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_feedback_is_readable_in_both_modes(browser, theme):
    items = quiz.load(CHAPTER)
    page, messages, errors = _page(browser, theme=theme)
    k = _first(items, "choice")
    box = _item(page, k)
    right = items[k]["answer"]
    wrong = (right + 1) % len(items[k]["choices"])
    seen = {}
    box.locator("input").nth(wrong).check()
    box.locator(".lfq-check").click()
    seen["wrong verdict"] = box.locator(".lfq-verdict")
    seen["wrong option"] = box.locator(".lfq-option.is-wrong .lfq-text")
    for name, loc in list(seen.items()):
        seen[name] = loc.evaluate(CONTRAST_JS)
    box.locator(".lfq-show").click()
    seen["answer shown"] = box.locator(".lfq-answer").evaluate(CONTRAST_JS)
    seen["right option"] = box.locator(".lfq-option.is-right .lfq-text").evaluate(CONTRAST_JS)
    box.locator("input").nth(right).check()
    box.locator(".lfq-check").click()
    seen["correct verdict"] = box.locator(".lfq-verdict").evaluate(CONTRAST_JS)
    seen["explanation"] = box.locator(".lfq-explanation p").first.evaluate(CONTRAST_JS)
    seen["legend"] = box.locator("legend").evaluate(CONTRAST_JS)
    seen["option"] = box.locator(".lfq-option .lfq-text").first.evaluate(CONTRAST_JS)
    seen["check button"] = box.locator(".lfq-check").evaluate(CONTRAST_JS)
    seen["show button"] = box.locator(".lfq-show").evaluate(CONTRAST_JS)
    seen["summary"] = page.locator("details.quiz-answers summary").evaluate(CONTRAST_JS)
    low = {n: round(contrast(s["fg"], s["bg"]), 2) for n, s in seen.items()
           if contrast(s["fg"], s["bg"]) < 4.5}
    assert not low, f"{theme}: contrast below 4.5:1: {low}"
    for name in ("correct verdict", "explanation", "wrong verdict", "answer shown"):
        s = seen[name]
        assert s["size"] >= 16, f"{name}: {s['size']} px"
        assert s["align"] in ("left", "start"), f"{name}: text-align {s['align']}"
        assert int(s["weight"]) < 600 or name == "answer shown", f"{name}: weight {s['weight']}"
    box.screenshot(path=str(_shots() / f"quiz_widget_{theme}.png"))
    page.close()
    assert not messages and not errors, messages + errors


def _shots():
    from _site import SHOTS
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_keyboard_focus_is_visible(browser, theme):
    page, _, _ = _page(browser, theme=theme)
    page.locator("body").click()
    page.keyboard.press("Tab")                 # the first radio/checkbox (or the summary)
    ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
                tag: document.activeElement.tagName}; }""")
    assert ring["tag"] in ("INPUT", "BUTTON", "SUMMARY")
    assert ring["style"] != "none" and ring["width"] >= 2, ring
    bg = THEMES[theme][0]
    bg_rgb = [int(bg[i:i + 2], 16) for i in (1, 3, 5)] + [1]
    fg = [float(x) for x in re.findall(r"[\d.]+", ring["color"])][:3] + [1]
    assert contrast(fg, bg_rgb) >= 3, f"focus ring {ring['color']} on {bg}"
    page.close()


def test_print_shows_answers_and_hides_buttons(browser):
    page, _, _ = _page(browser)
    page.emulate_media(media="print")
    assert page.locator("details.quiz-answers .lfq-key").first.is_visible()
    assert not page.locator(".lfq-check").first.is_visible()
    page.emulate_media(media="screen")
    assert not page.locator("details.quiz-answers .lfq-key").first.is_visible()
    page.close()


@pytest.mark.parametrize("lang, check", [("zh-cn", "检查"), ("zh-tw", "檢查")])
def test_chinese_widget(browser, lang, check):
    items = quiz.load(CHAPTER)
    page, messages, errors = _page(browser, items=items, lang=lang)
    tag = {"zh-cn": "zh-Hans", "zh-tw": "zh-Hant"}[lang]
    assert page.locator(".lfq").get_attribute("lang") == tag
    assert page.locator(".lfq-check").first.inner_text() == check
    k = _first(items, "choice")
    box = _item(page, k)
    box.locator("input").nth(items[k]["answer"]).check()
    box.locator(".lfq-check").click()
    expected = "正確！" if lang == "zh-tw" else "正确！"
    assert box.locator(".lfq-verdict").inner_text() == expected
    page.close()
    assert not messages and not errors, messages + errors


# ---------------------------------------------------------------------------------------------
# The built book: the widget comes from the one shared _static/quiz.js
# ---------------------------------------------------------------------------------------------
BOOK_PAGE = HTML / "chapters" / f"{CHAPTER}.html"


@pytest.mark.skipif(not BOOK_PAGE.is_file(), reason="no built book: run `make book` first")
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_book_page_uses_the_shared_script(browser, theme):
    text = BOOK_PAGE.read_text(encoding="utf-8")
    assert text.count("lossfnsQuiz") == 0, "the widget's code is inlined in the page"
    assert len(re.findall(r'<script src="[./]*_static/quiz\.js', text)) == 1, "_static/quiz.js"
    assert len(re.findall(r'href="[./]*_static/quiz\.css', text)) == 1, "_static/quiz.css"
    assert (HTML / "_static" / "quiz.js").read_text(encoding="utf-8") == quiz.asset_text("quiz.js")
    page = browser.new_page(color_scheme=theme)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type in ("error", "warning") and errors.append(m.text))
    page.goto(BOOK_PAGE.as_uri())
    assert page.evaluate("document.documentElement.dataset.theme") == theme
    items = quiz.load(CHAPTER)          # the end-of-lesson quiz asks the pre-study items too
    assert page.locator(".lfq-item").count() == len(items)
    k = next(i for i, it in enumerate(items) if it["type"] == "choice")
    box = page.locator(".lfq-item").nth(k)
    box.scroll_into_view_if_needed()
    wrong = (items[k]["answer"] + 1) % len(items[k]["choices"])
    box.locator("input").nth(wrong).check()
    box.locator(".lfq-check").click()
    seen = {"wrong": box.locator(".lfq-verdict").evaluate(CONTRAST_JS)}
    box.locator("input").nth(items[k]["answer"]).check()
    box.locator(".lfq-check").click()
    assert box.locator(".lfq-verdict").inner_text() == "Correct!"
    seen["correct"] = box.locator(".lfq-verdict").evaluate(CONTRAST_JS)
    seen["explanation"] = box.locator(".lfq-explanation p").first.evaluate(CONTRAST_JS)
    seen["question"] = box.locator("legend").evaluate(CONTRAST_JS)
    seen["option"] = box.locator(".lfq-option .lfq-text").nth(wrong).evaluate(CONTRAST_JS)
    low = {n: round(contrast(v["fg"], v["bg"]), 2) for n, v in seen.items()
           if contrast(v["fg"], v["bg"]) < 4.5}
    assert not low, f"{theme}: contrast below 4.5:1 in the book: {low}"
    assert all(v["size"] >= 16 and v["align"] in ("left", "start")
               for n, v in seen.items() if n != "question"), seen
    box.screenshot(path=str(_shots() / f"quiz_book_{theme}.png"))
    page.close()
    assert not errors, errors


# ---------------------------------------------------------------------------------------------
# axe-core on the widget in every state (the page-wide axe run sees only its first state)
# ---------------------------------------------------------------------------------------------
AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core not installed (npm ci in tests/browser)")
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_finds_nothing_serious_in_any_state(browser, theme):
    items = quiz.load(CHAPTER)
    page, messages, errors = _page(browser, theme=theme)
    page.add_script_tag(path=str(AXE))
    for k, it in enumerate(items):         # every item answered: wrong, shown, then right
        box = _item(page, k)
        if it["type"] == "numeric":
            box.locator("input").fill("1e9")
        else:
            right = {it["answer"]} if it["type"] == "choice" else set(it["answer"])
            wrong = next(i for i in range(len(it["choices"])) if i not in right)
            box.locator("input").nth(wrong).check()
        box.locator(".lfq-check").click()
        if k % 2:
            box.locator(".lfq-show").click()
    page.locator("details.quiz-answers summary").click()
    result = page.evaluate("""async () => {
        const r = await axe.run(document.querySelector('.lfq'),
                                {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, n: v.nodes.length,
                                       target: v.nodes[0].target.join(' ')}));
    }""")
    bad = [v for v in result if v["impact"] in ("critical", "serious")]
    assert not bad, f"{theme}: {bad}"
    page.close()
    assert not messages and not errors, messages + errors
