/* Fixes for screen readers and keyboards, in the theme's markup (book/_ext/page_assets.py
 * registers this file).
 * - A button's name holds the words it shows: the search field shows "Search Ctrl+K" but was
 *   named "Search"; the colour button's icons carried titles of their own.
 * - The sidebar's book title is in no landmark: the sidebar becomes one, named "Book".
 * - A block that scrolls sideways (a table, a wide display equation) can be reached with the
 *   keyboard.
 * Relies on nothing of the book's other scripts.  It is loaded before language.js, so that
 * its fixes are in place when the switch puts the theme's words (the sidebar's name among
 * them, theme_words.js) into the language shown: at DOMContentLoaded and at load, its
 * handlers run before the switch's. */
(function () {
  "use strict";

  function mendAccessibility() {
    var fields = document.querySelectorAll(".search-button-field");
    for (var i = 0; i < fields.length; i++) {
      fields[i].removeAttribute("aria-label");
      var keys = fields[i].querySelector(".search-button__kbd-shortcut");
      if (keys) { keys.setAttribute("aria-hidden", "true"); }
    }
    var colour = document.querySelectorAll(".theme-switch-button");
    for (var j = 0; j < colour.length; j++) {
      untitleIcons(colour[j]);
      // Font Awesome redraws the icons (as <svg><title>) when it gets to them.
      new MutationObserver(function (changes) { untitleIcons(changes[0].target.closest("button")); })
        .observe(colour[j], { childList: true, subtree: true });
    }
    var sidebar = document.getElementById("pst-primary-sidebar");
    if (sidebar && !sidebar.hasAttribute("role")) {
      sidebar.setAttribute("role", "region");
      sidebar.setAttribute("aria-label", "Book");
    }
    markScrollable();
  }
  function untitleIcons(button) {
    if (!button) { return; }
    var icons = button.querySelectorAll("[title], svg");
    for (var i = 0; i < icons.length; i++) {
      icons[i].removeAttribute("title");
      icons[i].setAttribute("aria-hidden", "true");
    }
    var titles = button.querySelectorAll("svg title");
    for (var k = 0; k < titles.length; k++) { titles[k].remove(); }
  }
  function markScrollable() {
    // Tables may scroll at any width (a long hash, a narrow screen): always reachable.
    var tables = document.querySelectorAll(".pifi-table-scroll");
    for (var t = 0; t < tables.length; t++) { tables[t].setAttribute("tabindex", "0"); }
    var blocks = document.querySelectorAll("mjx-container[display='true']");
    for (var i = 0; i < blocks.length; i++) {
      var block = blocks[i];
      if (block.scrollWidth > block.clientWidth + 1) {
        block.setAttribute("tabindex", "0");
      } else if (block.getAttribute("tabindex") === "0") {
        block.removeAttribute("tabindex");
      }
    }
  }

  document.addEventListener("DOMContentLoaded", mendAccessibility);
  window.addEventListener("load", function () {
    mendAccessibility();
    // MathJax draws the equations after load; only then can they be measured.
    if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
      window.MathJax.startup.promise.then(markScrollable);
    }
  });
  window.addEventListener("resize", markScrollable);
})();
