/* Interactive figures of the lossfns course (lossfns.course.widgets.slider_figure).
 *
 * Each figure is a set of pre-rendered frames (<img data-lossfns-frame>, one per value of the
 * parameter, all but one hidden) and an <input type="range"> whose value is the index of the
 * frame to show. This script only swaps frames: no kernel, no network, no dependency. The
 * range input is a native control, so the keyboard (arrows, Home, End, Page Up/Down) and
 * screen readers (aria-valuetext, kept in step here) work as with any slider.
 *
 * The book loads this file on every page; outside the book (Jupyter without ipywidgets) the
 * same text is inlined in the figure's output. Running it twice is harmless.
 */
(function () {
  "use strict";
  if (window.lossfnsSlider) {
    return;
  }
  var INPUT = "input[data-lossfns-slider-input]";

  function show(input) {
    var root = input.closest("[data-lossfns-slider]");
    if (!root) {
      return;
    }
    var frames = root.querySelectorAll("[data-lossfns-frame]");
    var k = Math.round(Number(input.value));
    if (!(k >= 0 && k < frames.length)) {
      return;
    }
    for (var i = 0; i < frames.length; i++) {
      frames[i].hidden = i !== k;
    }
    var text = frames[k].getAttribute("data-valuetext") || "";
    input.setAttribute("aria-valuetext", text);
    var output = root.querySelector("output");
    if (output) {
      output.textContent = text;
    }
  }

  function onChange(event) {
    var target = event.target;
    if (target && target.matches && target.matches(INPUT)) {
      show(target);
    }
  }

  // A browser may restore a moved slider on "back": show the frame its value names.
  function syncAll() {
    var inputs = document.querySelectorAll(INPUT);
    for (var i = 0; i < inputs.length; i++) {
      show(inputs[i]);
    }
  }

  document.addEventListener("input", onChange);
  document.addEventListener("change", onChange);
  window.addEventListener("pageshow", syncAll);
  window.lossfnsSlider = { show: show, syncAll: syncAll };
})();
