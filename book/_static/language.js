/* One language control for the whole appendix.
 * Every bilingual passage exists twice, in elements of class lang-en and
 * lang-ko; language.css shows the one named by <html data-lang>.  The choice is
 * kept in localStorage, so it holds across pages and reloads. */
(function () {
  "use strict";
  var KEY = "pifi-ablation-language";
  var LABELS = { en: "한국어", ko: "English" };
  var CAPTION_WORDS = { en: { Figure: "Figure", Table: "Table" }, ko: { Figure: "그림", Table: "표" } };

  function read() {
    try { return window.localStorage.getItem(KEY) === "ko" ? "ko" : "en"; } catch (e) { return "en"; }
  }
  function write(lang) {
    try { window.localStorage.setItem(KEY, lang); } catch (e) { /* private mode: not kept */ }
  }
  function translateCaptionNumbers(lang) {
    var spans = document.querySelectorAll(".caption-number");
    for (var i = 0; i < spans.length; i++) {
      var span = spans[i];
      if (!span.hasAttribute("data-en")) { span.setAttribute("data-en", span.textContent); }
      var text = span.getAttribute("data-en");
      Object.keys(CAPTION_WORDS.en).forEach(function (word) {
        text = text.replace(word, CAPTION_WORDS[lang][word]);
      });
      span.textContent = text;
    }
  }
  // Words the theme prints in English only: its text nodes are switched in place
  // (an element may also hold an icon), the English kept on the node to switch back.
  var THEME_WORDS = [
    [".prev-next-subtitle", { previous: "이전", next: "다음" }],
    [".page-toc.onthispage, #jb-print-toc h2", { Contents: "목차" }]
  ];
  function translateThemeWords(lang) {
    THEME_WORDS.forEach(function (entry) {
      var elements = document.querySelectorAll(entry[0]);
      for (var i = 0; i < elements.length; i++) {
        var nodes = elements[i].childNodes;
        for (var j = 0; j < nodes.length; j++) {
          var node = nodes[j];
          if (node.nodeType !== 3) { continue; }
          if (node.pifiEnglish === undefined) { node.pifiEnglish = node.nodeValue; }
          var word = node.pifiEnglish.trim();
          node.nodeValue = lang === "ko" && entry[1][word] ?
            node.pifiEnglish.replace(word, entry[1][word]) : node.pifiEnglish;
        }
      }
    });
  }
  // The theme prints the home page's title in the sidebar as plain text (both
  // languages run together); give it the same two spans as every other entry.
  var HOME_TITLE = { en: "Introduction", ko: "소개" };
  function splitHomeLink() {
    var links = document.querySelectorAll(".bd-sidebar a.reference");
    for (var i = 0; i < links.length; i++) {
      var link = links[i];
      if (!link.querySelector(".lang-en") &&
          link.textContent.trim() === HOME_TITLE.en + " " + HOME_TITLE.ko) {
        link.innerHTML = '<span class="lang-en">' + HOME_TITLE.en + '</span><span class="lang-ko">' +
          HOME_TITLE.ko + "</span>";
      }
    }
  }

  function apply(lang) {
    document.documentElement.setAttribute("data-lang", lang);
    document.documentElement.setAttribute("lang", lang);
    var button = document.getElementById("pifi-language-switch");
    if (button) {
      button.textContent = LABELS[lang];
      button.setAttribute("aria-label", lang === "en" ? "한국어로 보기" : "Show in English");
    }
    translateCaptionNumbers(lang);
    translateThemeWords(lang);
  }

  // A link may ask for a language (…/page.html?lang=ko); the request is kept like a click.
  var asked = /[?&]lang=(en|ko)\b/.exec(window.location.search);
  if (asked) { write(asked[1]); }
  apply(read());  // before the body is drawn: no flash of the other language

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.createElement("button");
    button.id = "pifi-language-switch";
    button.type = "button";
    button.className = "btn pifi-language-switch";
    button.addEventListener("click", function () {
      var next = read() === "en" ? "ko" : "en";
      write(next);
      apply(next);
    });
    var slot = document.querySelector(".article-header-buttons");
    if (slot) { slot.insertBefore(button, slot.firstChild); } else { document.body.appendChild(button); }
    splitHomeLink();
    apply(read());
  });
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) { apply(read()); }
  });
})();
