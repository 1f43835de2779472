/* One language control for the whole appendix (book/_ext/bilingual.py registers this file).
 * Every bilingual passage exists twice, in elements of class lang-en and lang-ko;
 * language.css shows the one named by <html data-lang>.  The choice is made with a group of
 * two buttons, or by a link that asks for a language (…/page.html?lang=ko, as
 * scripts/make_pdf.py does), and kept in localStorage, so it holds across pages and reloads.
 * Relies on nothing of the book's other scripts; they rely on it:
 * - window.pifiLanguage.read() is the language chosen ("en" or "ko");
 * - window.pifiLanguage.follow(fn): fn(lang) is called at every switch once the page has a
 *   body, before the "pifi-language" event (theme_words.js puts the theme's words into the
 *   language this way, before the listeners of the event, arrival.js's, see them);
 * - the "pifi-language" event on document, its detail the language, follows every switch.
 * It is loaded in the page's head without defer: it names the language on <html> before the
 * body is drawn, so the other language never flashes. */
(function () {
  "use strict";
  var KEY = "pifi-ablation-language";
  var LANGS = ["en", "ko"];
  var NAMES = { en: "English", ko: "한국어" };
  var GROUP_LABEL = { en: "Language", ko: "언어" };
  var followers = [];

  function read() {
    try { return window.localStorage.getItem(KEY) === "ko" ? "ko" : "en"; } catch (e) { return "en"; }
  }
  function write(lang) {
    try { window.localStorage.setItem(KEY, lang); } catch (e) { /* private mode: not kept */ }
  }

  window.pifiLanguage = {
    read: read,
    follow: function (fn) { followers.push(fn); }
  };

  function buildSwitch() {
    var group = document.createElement("div");
    group.id = "pifi-language-switch";
    group.className = "pifi-language-switch";
    group.setAttribute("role", "group");
    LANGS.forEach(function (lang) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn pifi-language-button";
      button.setAttribute("lang", lang);
      button.setAttribute("data-lang", lang);
      button.textContent = NAMES[lang];
      button.addEventListener("click", function () {
        write(lang);
        apply(lang);
      });
      group.appendChild(button);
    });
    return group;
  }

  function apply(lang) {
    document.documentElement.setAttribute("data-lang", lang);
    document.documentElement.setAttribute("lang", lang);
    var group = document.getElementById("pifi-language-switch");
    if (group) {
      group.setAttribute("aria-label", GROUP_LABEL[lang]);
      var buttons = group.querySelectorAll("button");
      for (var i = 0; i < buttons.length; i++) {
        buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-lang") === lang));
      }
    }
    if (document.body) {
      for (var f = 0; f < followers.length; f++) { followers[f](lang); }
      document.dispatchEvent(new CustomEvent("pifi-language", { detail: lang }));
    }
  }

  // A link may ask for a language (…/page.html?lang=ko); the request is kept like a click.
  var asked = /[?&]lang=(en|ko)\b/.exec(window.location.search);
  if (asked) { write(asked[1]); }
  apply(read());  // before the body is drawn: no flash of the other language

  document.addEventListener("DOMContentLoaded", function () {
    var slot = document.querySelector(".article-header-buttons");
    var group = buildSwitch();
    if (slot) { slot.insertBefore(group, slot.firstChild); } else { document.body.appendChild(group); }
    apply(read());
  });
  // Once everything has loaded, again: words added late (by the theme, by other scripts) follow.
  window.addEventListener("load", function () { apply(read()); });
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) { apply(read()); }
  });
})();
