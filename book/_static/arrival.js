/* What the theme leaves undone for a reader on a phone, a tablet or paper (book/_ext/arrival.py).
 * - The ☰ (chapter list) and ☷ (On this page) buttons: the theme binds its handler to the
 *   first button of each kind, which this book's layout hides; the one a reader taps only
 *   showed its tooltip.  A tap on it now does what the hidden one does, and a link to a place
 *   on the same page closes the list it was chosen from.
 * - Print: light colours whatever the theme (the dark theme printed light grey on white) and
 *   every fold open (the notice's explanation), the folded code of the page excepted.
 * - The copy button's words in the language shown; the colour-mode button names the mode on.
 * - On a phone, a figure's full-size link opens the figure's phone layout. */
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
  // The colour-mode button says which mode is on ("Color mode: Dark"), in its name and tooltip.
  var MODE_LABEL = { en: "Color mode", ko: "색상 모드" };
  var MODE_WORDS = { en: { light: "Light", dark: "Dark", auto: "System Settings" },
    ko: { light: "밝게", dark: "어둡게", auto: "시스템 설정" } };
  function nameColourButtons(lang) {
    var mode = document.documentElement.getAttribute("data-mode") || "auto";
    var words = MODE_LABEL[lang] + ": " + (MODE_WORDS[lang][mode] || MODE_WORDS[lang].auto);
    var buttons = document.querySelectorAll(".theme-switch-button");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-label", words);
      buttons[i].setAttribute("data-bs-title", words);
      if (buttons[i].hasAttribute("data-bs-original-title")) {
        buttons[i].setAttribute("data-bs-original-title", words);
      }
      var tooltip = window.bootstrap && window.bootstrap.Tooltip && window.bootstrap.Tooltip.getInstance(buttons[i]);
      if (tooltip) { tooltip.setContent({ ".tooltip-inner": words }); }
    }
  }
  new MutationObserver(function () { nameColourButtons(shownLanguage()); })
    .observe(document.documentElement, { attributes: true, attributeFilter: ["data-mode"] });

  // On a phone a figure's link opens its phone layout (stacked panels, drawn for the width), not
  // the 1,260-pixel desktop image; in Korean mode, the Korean figure.
  var PHONE = window.matchMedia("(max-width: 575.98px)");
  function phoneLinks() {
    var korean = shownLanguage() === "ko";
    var links = document.querySelectorAll("a.pifi-full-size[data-phone-href]");
    for (var i = 0; i < links.length; i++) {
      var link = links[i];
      if (!link.hasAttribute("data-full-href")) { link.setAttribute("data-full-href", link.getAttribute("href")); }
      var which = (korean ? "data-ko-" : "data-") + (PHONE.matches ? "phone-href" : "href");
      if (which === "data-href") { which = "data-full-href"; }
      link.setAttribute("href", link.getAttribute(which) || link.getAttribute("data-full-href"));
    }
  }
  if (PHONE.addEventListener) { PHONE.addEventListener("change", phoneLinks); }

  // A table wider than its box says so under it (a shadow marks the side with more columns).
  var SCROLL_HINT = { en: "Scroll sideways for the other columns →", ko: "표를 옆으로 밀어 나머지 열 보기 →" };
  function scrollHints() {
    var boxes = document.querySelectorAll(".pifi-table-scroll");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var hint = box.nextElementSibling && box.nextElementSibling.classList.contains("pifi-scroll-hint")
        ? box.nextElementSibling : null;
      var wide = box.offsetParent !== null && box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("pifi-scrolls", wide);
      if (wide && !hint) {
        hint = document.createElement("p");
        hint.className = "pifi-scroll-hint";
        hint.setAttribute("aria-hidden", "true");  // for the eyes: the keyboard and screen readers scroll the region
        hint.innerHTML = '<span class="lang-en" lang="en">' + SCROLL_HINT.en + '</span><span class="lang-ko" lang="ko">' +
          SCROLL_HINT.ko + "</span>";
        box.parentNode.insertBefore(hint, box.nextSibling);
      } else if (!wide && hint) {
        hint.remove();
      }
    }
  }
  window.addEventListener("resize", scrollHints);
  document.addEventListener("toggle", scrollHints, true);  // a table in a fold is measured when opened

  document.addEventListener("pifi-language", function (event) {
    copyWords(event.detail);
    nameRegions(event.detail);
    nameColourButtons(event.detail);
    scrollHints();
    phoneLinks();
  });
  document.addEventListener("DOMContentLoaded", function () {
    mendToggles();
    copyWords(shownLanguage());
    nameRegions(shownLanguage());
    nameColourButtons(shownLanguage());
    phoneLinks();
    scrollHints();
  });
  window.addEventListener("load", function () {
    mendToggles();
    copyWords(shownLanguage());
    nameColourButtons(shownLanguage());
    scrollHints();
  });
})();
