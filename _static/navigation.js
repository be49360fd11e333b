/* Make the visible ☰ (site navigation) and "on this page" buttons work at every width.

   sphinx-book-theme 1.3.0 on pydata-sphinx-theme 0.17.1 renders each toggle twice: one in the
   theme's top navbar (#pst-header, never shown in this layout) and one in the article header
   (the one a reader sees). Both themes wire only the first match of `.primary-toggle` /
   `.secondary-toggle`, the hidden one, so the visible buttons do nothing (upstream
   pydata/pydata-sphinx-theme#2451). Each visible button here forwards its click to the wired
   one: below 992 px that opens the sidebar as a dialog, at 992 px and above the book theme
   collapses or restores the primary sidebar. Remove this file once the themes fix it.

   A link followed inside an open sidebar dialog also closes the dialog, so the reader lands on
   the section they chose instead of staying behind the modal.
*/
(function () {
  "use strict";

  function forwardClicks(selector) {
    var toggles = document.querySelectorAll(selector);
    if (toggles.length < 2) return; // a single toggle is already wired by the theme
    var wired = toggles[0];
    Array.prototype.slice.call(toggles, 1).forEach(function (button) {
      if (button.dataset.lossfnsNav) return;
      button.dataset.lossfnsNav = "forwarded";
      button.addEventListener("click", function (event) {
        event.preventDefault();
        event.stopPropagation();
        wired.click(); // the theme saves the focused element (this button) to restore it
      });
    });
  }

  function closeDialogOnLink(id) {
    var dialog = document.getElementById(id);
    if (!dialog) return;
    dialog.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href]");
      if (!link || !dialog.open) return;
      var hash = link.hash;
      var samePage = hash && link.pathname === window.location.pathname;
      if (!samePage) return; // another page: the browser leaves this one anyway
      // After the browser has followed the link, close the dialog; once the themes have put
      // focus back on the toggle (on "close"), move it to the section the reader chose.
      window.setTimeout(function () {
        if (!dialog.open) return;
        dialog.addEventListener("close", function () {
          window.setTimeout(function () {
            var target = document.getElementById(decodeURIComponent(hash.slice(1)));
            if (!target) return;
            if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
            target.focus({ preventScroll: true });
            target.scrollIntoView();
          }, 0);
        }, { once: true });
        dialog.close();
      }, 0);
    });
  }

  // The search field's aria-label ("Search") hides its visible text ("Search Ctrl + K"); the
  // accessible name must contain what is seen (WCAG 2.5.3), so its text names it instead.
  function nameSearchFieldByItsText() {
    var fields = document.querySelectorAll(".search-button-field[aria-label]");
    Array.prototype.forEach.call(fields, function (b) { b.removeAttribute("aria-label"); });
  }

  function setup() {
    nameSearchFieldByItsText();
    forwardClicks(".primary-toggle");
    forwardClicks(".secondary-toggle");
    closeDialogOnLink("pst-primary-sidebar-modal");
    closeDialogOnLink("pst-secondary-sidebar-modal");
  }

  // The themes' own scripts are deferred and set up their handlers before DOMContentLoaded.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
