/* What the theme leaves undone for a reader on a phone, a tablet or paper (book/_ext/arrival.py).
 * - The ☰ (chapter list) and ☷ (On this page) buttons: the theme binds its handler to the
 *   first button of each kind, which this book's layout hides; the one a reader taps only
 *   showed its tooltip.  A tap on it now does what the hidden one does, and a link to a place
 *   on the same page closes the list it was chosen from.
 * - Print: light colours whatever the theme (the dark theme printed light grey on white) and
 *   every fold open (the notice's explanation), the folded code of the page excepted.
 * - The copy button's words in the language shown. */
(function () {
  "use strict";

  function hideTooltip(el) {
    var tooltip = window.bootstrap && window.bootstrap.Tooltip && window.bootstrap.Tooltip.getInstance(el);
    if (tooltip) { tooltip.hide(); }
  }

  function mendToggles() {
    ["primary", "secondary"].forEach(function (kind) {
      var toggles = document.querySelectorAll("button." + kind + "-toggle");
      var bound = toggles[0];
      for (var i = 1; i < toggles.length; i++) {
        if (toggles[i].pifiMended) { continue; }
        toggles[i].pifiMended = true;
        toggles[i].addEventListener("click", function (event) {
          event.preventDefault();
          event.stopImmediatePropagation();
          hideTooltip(event.currentTarget);
          bound.click();
        });
      }
      var dialog = document.getElementById("pst-" + kind + "-sidebar-modal");
      if (dialog && !dialog.pifiMended) {
        dialog.pifiMended = true;
        dialog.addEventListener("click", function (event) {
          var link = event.target.closest && event.target.closest("a[href]");
          if (!link || !dialog.open) { return; }
          var url = new URL(link.href, window.location.href);
          if (url.pathname !== window.location.pathname || !url.hash) { return; }
          // Closing gives the focus back to the button (the theme), which scrolls to it: the
          // place is gone to once that is done.
          event.preventDefault();
          dialog.addEventListener("close", function () {
            window.setTimeout(function () {
              var target = document.getElementById(decodeURIComponent(url.hash.slice(1)));
              if (window.location.hash !== url.hash) { window.location.hash = url.hash; }
              if (target) { target.scrollIntoView(); }
            }, 0);
          }, { once: true });
          dialog.close();
        });
      }
    });
  }

  var printed = null;
  function beforePrint() {
    var root = document.documentElement;
    printed = { theme: root.getAttribute("data-theme"), opened: [] };
    root.setAttribute("data-theme", "light");
    var folds = document.querySelectorAll("details:not([open])");
    for (var i = 0; i < folds.length; i++) {
      if (folds[i].closest(".pifi-page-code-block")) { continue; }
      folds[i].open = true;
      printed.opened.push(folds[i]);
    }
  }
  function afterPrint() {
    if (!printed) { return; }
    if (printed.theme) { document.documentElement.setAttribute("data-theme", printed.theme); }
    printed.opened.forEach(function (fold) { fold.open = false; });
    printed = null;
  }

  // sphinx-copybutton reads its words from a global `messages[locale]` when it draws and
  // when it confirms a copy; they are set to the language shown.
  var COPY = {
    en: { copy: "Copy", copy_to_clipboard: "Copy to clipboard", copy_success: "Copied!",
      copy_failure: "Failed to copy" },
    ko: { copy: "복사", copy_to_clipboard: "클립보드에 복사", copy_success: "복사됨",
      copy_failure: "복사 실패" }
  };
  /* global messages, locale, iconCheck: writable */
  function copyWords(lang) {
    var words = COPY[lang] || COPY.en;
    if (typeof messages !== "undefined" && typeof locale !== "undefined" && messages[locale]) {
      Object.keys(words).forEach(function (key) { messages[locale][key] = words[key]; });
    }
    var buttons = document.querySelectorAll("button.copybtn");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("data-tooltip", words.copy);
      buttons[i].setAttribute("aria-label", words.copy_to_clipboard);
      var titles = buttons[i].querySelectorAll("svg title");
      for (var j = 0; j < titles.length; j++) {
        titles[j].textContent = titles[j].closest(".icon-tabler-check") ? words.copy_success
          : words.copy_to_clipboard;
      }
    }
    // The tick drawn after a copy was written out with the words of the page's load.
    if (typeof iconCheck === "string") {
      iconCheck = iconCheck.replace(/<title>[^<]*<\/title>/, "<title>" + words.copy_success + "</title>");
    }
  }
  function shownLanguage() { return document.documentElement.getAttribute("data-lang") || "en"; }

  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", afterPrint);
  // Regions named in both languages (the data under a figure) take the name in the one shown.
  function nameRegions(lang) {
    var named = document.querySelectorAll("[data-label-en][data-label-ko]");
    for (var i = 0; i < named.length; i++) {
      named[i].setAttribute("aria-label", named[i].getAttribute("data-label-" + lang));
    }
  }
  document.addEventListener("pifi-language", function (event) {
    copyWords(event.detail);
    nameRegions(event.detail);
  });
  document.addEventListener("DOMContentLoaded", function () {
    mendToggles();
    copyWords(shownLanguage());
    nameRegions(shownLanguage());
  });
  window.addEventListener("load", function () {
    mendToggles();
    copyWords(shownLanguage());
  });
})();
