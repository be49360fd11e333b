/* Wide tables, wide inline formulas and printing (issue 12).

   Tables: each wide table already scrolls inside the theme's .pst-scrollable-table-container.
   This wraps that box once in div.lossfns-scroll and keeps three classes up to date, for
   custom.css: is-scrollable (wider than the column), at-start, at-end (scroll position). The
   CSS then draws a shadow on the side with hidden columns and keeps the first column in view,
   and a one-line hint says the table scrolls.

   Printing: every <details> (dropdowns, the quiz's answer list) is opened before printing and
   closed again afterwards, so paper and the PDF edition show what the screen hides.
*/
(function () {
  "use strict";

  var HINT = "Scroll sideways to see every column →";

  function update(wrap, box) {
    var scrollable = box.scrollWidth > box.clientWidth + 1;
    wrap.classList.toggle("is-scrollable", scrollable);
    wrap.classList.toggle("at-start", box.scrollLeft <= 1);
    wrap.classList.toggle("at-end", box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
    var hint = wrap.previousElementSibling;
    if (hint && hint.classList.contains("lossfns-scroll-hint")) hint.hidden = !scrollable;
  }

  // Tables of at most STACK_COLUMNS columns with a header row: each body cell learns its
  // column's name (data-label, shown above the cell when custom.css stacks the table on
  // phones), and explicit ARIA roles keep it a table for screen readers whatever its display.
  var STACK_COLUMNS = 4;
  function makeStackable(wrap, table) {
    var head = table.tHead && table.tHead.rows.length === 1 ? table.tHead.rows[0] : null;
    if (!head || head.cells.length > STACK_COLUMNS || !table.tBodies.length) return;
    var names = [];
    for (var i = 0; i < head.cells.length; i++) {
      if (head.cells[i].colSpan !== 1) return;
      names.push(head.cells[i].textContent.trim());
    }
    var rows = table.querySelectorAll("tbody > tr");
    for (var r = 0; r < rows.length; r++) {
      if (rows[r].cells.length !== names.length) return;   // spans: leave the table alone
    }
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody"), function (g) {
      g.setAttribute("role", "rowgroup");
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute("role", "row");
      Array.prototype.forEach.call(row.cells, function (cell, k) {
        if (row.parentNode.tagName === "THEAD") {
          cell.setAttribute("role", "columnheader");
        } else {
          cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
          if (names[k]) cell.setAttribute("data-label", names[k]);
        }
      });
    });
    wrap.classList.add("lossfns-stack");
  }

  function setupTables() {
    var boxes = document.querySelectorAll("main .pst-scrollable-table-container");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.parentElement.classList.contains("lossfns-scroll")) return;
      var wrap = document.createElement("div");
      wrap.className = "lossfns-scroll";
      box.parentNode.insertBefore(wrap, box);
      wrap.appendChild(box);
      var hint = document.createElement("p");
      hint.className = "lossfns-scroll-hint";
      hint.textContent = HINT;
      hint.hidden = true;
      wrap.parentNode.insertBefore(hint, wrap);
      // Keyboard users scroll it with the arrow keys once it has focus.
      if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
      var table = box.querySelector("table");
      if (table) makeStackable(wrap, table);
      if (table && !box.hasAttribute("aria-label") && !box.hasAttribute("role")) {
        var caption = table.querySelector("caption");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
      }
      box.addEventListener("scroll", function () { update(wrap, box); }, { passive: true });
      update(wrap, box);
      if (window.ResizeObserver) {
        new ResizeObserver(function () { update(wrap, box); }).observe(box);
      }
    });
  }

  // Inline formulas wider than their line (long ones, on phones) scroll instead of running
  // past the column: custom.css gives span.math.lossfns-wide overflow-x: auto. Displayed ones
  // always may scroll; those that do are made reachable from the keyboard.
  function markWideMath() {
    Array.prototype.forEach.call(document.querySelectorAll("span.math"), function (span) {
      var math = span.querySelector("mjx-container");
      var block = span.parentElement;
      while (block && /^inline/.test(getComputedStyle(block).display)) block = block.parentElement;
      if (!math || !block) return;
      var wide = math.getBoundingClientRect().width > block.clientWidth;
      span.classList.toggle("lossfns-wide", wide);
      if (wide && !span.hasAttribute("tabindex")) span.setAttribute("tabindex", "0");
    });
    // Displayed formulas that scroll: reachable with Tab, scrolled with the arrow keys.
    var shown = document.querySelectorAll('mjx-container[display="true"]');
    Array.prototype.forEach.call(shown, function (math) {
      var scrolls = math.scrollWidth > math.clientWidth + 1;
      if (scrolls && !math.hasAttribute("tabindex")) {
        math.setAttribute("tabindex", "0");
        math.dataset.lossfnsScroll = "math";
      } else if (!scrolls && math.dataset.lossfnsScroll === "math") {
        math.removeAttribute("tabindex");
        delete math.dataset.lossfnsScroll;
      }
    });
  }
  window.addEventListener("load", function () {
    var mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) mj.startup.promise.then(markWideMath);
  });
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(function () {
      markWideMath();
      markScrollingFigures();
    }, 200);
  });

  // A figure wider than the screen scrolls inside its output box (custom.css): keyboard users
  // reach that box with Tab and scroll it with the arrow keys.
  function markScrollingFigures() {
    var outputs = document.querySelectorAll("main div.cell_output");
    Array.prototype.forEach.call(outputs, function (box) {
      var img = box.querySelector("img");
      if (!img) return;
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "group");
        box.setAttribute("aria-label", "Figure, scrolls sideways");
        box.dataset.lossfnsScroll = "figure";
      } else if (!scrolls && box.dataset.lossfnsScroll === "figure") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.lossfnsScroll;
      }
    });
  }
  window.addEventListener("load", markScrollingFigures);

  var reopen = [];
  function openAllDetails() {
    reopen = [];
    Array.prototype.forEach.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.setAttribute("open", "");
      reopen.push(d);
    });
  }
  function closeOpenedDetails() {
    reopen.forEach(function (d) { d.removeAttribute("open"); });
    reopen = [];
  }
  window.addEventListener("beforeprint", openAllDetails);
  window.addEventListener("afterprint", closeOpenedDetails);
  // For tools that print the page (the PDF edition): open everything first.
  window.lossfnsPreparePrint = openAllDetails;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupTables);
  } else {
    setupTables();
  }
})();
