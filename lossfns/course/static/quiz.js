/* The course's quiz widget: makes the markup of lossfns.course.quiz.show() interactive.
 *
 * One file for every page of the book (_static/quiz.js); in Jupyter and Colab the same code
 * travels inline with each quiz output. It only reads the markup: the words come from the
 * quiz's data-ui attribute (English or Chinese), the answers from each item's data-* attributes.
 * Choosing an option never checks it: the Check button (or Enter in a number box) does. Arrow
 * keys move between options (radio buttons natively, checkboxes here). Feedback goes to a live
 * region. Math is typeset with MathJax when the page has it. Nothing is written to the console.
 */
(function () {
  "use strict";
  // Jupyter runs an output's script before (or without) attaching the output to the page:
  // the script's own parent is where its quiz is.
  var here = document.currentScript && document.currentScript.parentNode;
  if (window.lossfnsQuiz) {           // already defined (book page, or an earlier output)
    window.lossfnsQuiz.initAll(here);
    return;
  }

  function typeset(el) {
    var mj = window.MathJax;
    if (!mj || typeof mj.typesetPromise !== "function") return;
    try {
      var p = mj.typesetPromise([el]);
      if (p && typeof p.catch === "function") p.catch(function () {});
    } catch (e) { /* a page without a working MathJax keeps the TeX as text */ }
  }

  // "0.25", "-1.5e-3", "１.５", "−2", "0,5" -> number; anything else -> NaN
  function parseNumber(raw) {
    var s = String(raw).trim()
      .replace(/[\uFF10-\uFF19]/g, function (d) { return String.fromCharCode(d.charCodeAt(0) - 0xFEE0); })
      .replace(/[\u2212\uFF0D\u2012\u2013]/g, "-").replace(/\uFF0B/g, "+")
      .replace(/[\uFF0E]/g, ".").replace(/\s+/g, "");
    if (/^[+-]?\d+,\d+$/.test(s)) s = s.replace(",", ".");
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return NaN;
    return Number(s);
  }

  function words(item) {
    var root = item.closest(".lfq");
    try { return JSON.parse(root.getAttribute("data-ui")); } catch (e) { return {}; }
  }

  // Feedback: a verdict, then (once answered or given up) the answer and its explanation.
  function say(item, state, message, reveal, withAnswer) {
    var feedback = item.querySelector(".lfq-feedback");
    var expl = item.querySelector(".lfq-explanation");
    var answer = item.querySelector(".lfq-answer");
    feedback.classList.remove("is-correct", "is-wrong", "is-info");
    if (state) feedback.classList.add("is-" + state);
    expl.hidden = !reveal;
    answer.hidden = !withAnswer;
    item.querySelector(".lfq-verdict").textContent = message;
    if (reveal) typeset(feedback);
  }

  function marks(item, right, show) {
    var inputs = item.querySelectorAll(".lfq-option input");
    for (var i = 0; i < inputs.length; i++) {
      var label = inputs[i].closest(".lfq-option");
      label.classList.remove("is-right", "is-wrong");
      var isRight = right.indexOf(inputs[i].value) >= 0;
      if (show === "answer" && isRight) label.classList.add("is-right");
      if (show === "chosen" && inputs[i].checked) label.classList.add(isRight ? "is-right" : "is-wrong");
    }
  }

  function check(item) {
    var ui = words(item), type = item.getAttribute("data-type");
    var showButton = item.querySelector(".lfq-show");
    if (type === "numeric") {
      var box = item.querySelector("input");
      var value = parseNumber(box.value);
      if (box.value.trim() === "" || !isFinite(value)) {
        box.setAttribute("aria-invalid", "true");
        say(item, "info", ui.not_number, false);
        return;
      }
      box.removeAttribute("aria-invalid");
      var answer = Number(item.getAttribute("data-answer"));
      var tol = Number(item.getAttribute("data-tolerance"));
      var ok = Math.abs(value - answer) <= tol * (1 + 1e-9);
      say(item, ok ? "correct" : "wrong", ok ? ui.correct : ui.wrong, ok);
      showButton.hidden = ok;
      return;
    }
    var right = item.getAttribute("data-answer").split(",");
    var chosen = [];
    var inputs = item.querySelectorAll(".lfq-option input");
    for (var i = 0; i < inputs.length; i++) if (inputs[i].checked) chosen.push(inputs[i].value);
    if (!chosen.length) {
      say(item, "info", type === "multi" ? ui.empty_multi : ui.empty, false);
      return;
    }
    var correct = chosen.length === right.length &&
      chosen.every(function (v) { return right.indexOf(v) >= 0; });
    marks(item, right, type === "multi" && !correct ? null : "chosen");
    say(item, correct ? "correct" : "wrong",
        correct ? ui.correct : (type === "multi" ? ui.wrong_multi : ui.wrong), correct);
    showButton.hidden = correct;
  }

  function showAnswer(item) {
    var ui = words(item);
    if (item.getAttribute("data-type") !== "numeric") {
      marks(item, item.getAttribute("data-answer").split(","), "answer");
    }
    say(item, "info", "", true, true);
    item.querySelector(".lfq-show").hidden = true;
  }

  // Checkboxes: arrows move the focus (never tick, never check); radios move natively.
  function onKey(event) {
    var t = event.target;
    if (!t || t.type !== "checkbox") return;
    var step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    var boxes = Array.prototype.slice.call(t.closest(".lfq-options").querySelectorAll("input"));
    var next = boxes[(boxes.indexOf(t) + step + boxes.length) % boxes.length];
    event.preventDefault();
    next.focus();
  }

  function initItem(item) {
    if (item.getAttribute("data-ready")) return;
    item.setAttribute("data-ready", "1");
    item.querySelector(".lfq-check").addEventListener("click", function () { check(item); });
    item.querySelector(".lfq-show").addEventListener("click", function () { showAnswer(item); });
    var options = item.querySelector(".lfq-options");
    if (options) {
      options.addEventListener("keydown", onKey);
      options.addEventListener("change", function () { marks(item, [], null); });
    }
    var box = item.querySelector(".lfq-number input");
    if (box) {
      box.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); check(item); }
      });
    }
  }

  function initAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var quizzes = scope.querySelectorAll(".lfq");
    for (var q = 0; q < quizzes.length; q++) {
      var items = quizzes[q].querySelectorAll(".lfq-item");
      for (var i = 0; i < items.length; i++) initItem(items[i]);
      var list = quizzes[q].querySelector(".lfq-items");
      if (list) list.hidden = false;
    }
  }

  // Printing: the answer list prints open, then closes again.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll(".lfq details.quiz-answers"),
                                         function (d) { return !d.open; });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  window.lossfnsQuiz = { initAll: initAll, parseNumber: parseNumber };
  if (here) initAll(here);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initAll(); });
  } else {
    initAll();
  }
})();
