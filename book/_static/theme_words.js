/* The page's own words outside the bilingual blocks, in the language shown
 * (book/_ext/bilingual.py registers this file): the theme's buttons, tooltips, labels and
 * footer (in text and in title / aria-label / placeholder attributes), the caption numbers
 * ("Figure 3" → "그림 3"), the tab title, the book's title ("English · 한국어" → one half),
 * a figure's description (its image's alt text) and the home page's entry in the sidebar.
 * Relies on language.js, loaded before it: window.pifiLanguage.follow calls `translate` at
 * every switch, before the "pifi-language" event.  Gives search_ko.js, loaded after it,
 * window.pifiThemeWords.captionNumber(text, lang). */
(function () {
  "use strict";
  var CAPTION_WORDS = { en: { Figure: "Figure", Table: "Table" }, ko: { Figure: "그림", Table: "표" } };
  var HANGUL = /[\uac00-\ud7a3]/;
  // The theme's words, in text and in title / aria-label / placeholder attributes.
  var UI_KO = {
    "Back to top": "맨 위로",
    "Skip to main content": "본문으로 건너뛰기",
    "Contents": "목차",
    "On this page": "이 페이지의 목차",
    "previous": "이전",
    "next": "다음",
    "previous page": "이전 페이지",
    "next page": "다음 페이지",
    "Search": "검색",
    "Search this book...": "이 책에서 검색…",
    "Search the docs ...": "이 책에서 검색…",
    "Color mode": "색상 모드",
    "Light": "밝게",
    "Dark": "어둡게",
    "System Settings": "시스템 설정",
    "Download this page": "이 페이지 내려받기",
    "Download source file": "원본 파일 내려받기",
    "Print to PDF": "PDF로 인쇄",
    "Fullscreen mode": "전체 화면",
    "Toggle primary sidebar": "장 목록 열고 닫기",
    "Toggle secondary sidebar": "이 페이지의 목차 열고 닫기",
    "Site navigation": "사이트 탐색",
    "Section Navigation": "장 탐색",
    "Section navigation": "장 탐색",
    "Main": "본문",
    "Book": "책",
    "Page": "페이지",
    "Index": "색인",
    "Breadcrumb": "현재 위치",
    "Version warning": "버전 경고",
    "Link to this heading": "이 제목의 링크",
    "Link to this image": "이 그림의 링크",
    "Link to this equation": "이 수식의 링크",
    "Link to this table": "이 표의 링크",
    "Link to this code": "이 코드의 링크",
    "Copy": "복사",
    "Copied!": "복사됨",
    "Copy to clipboard": "클립보드에 복사",
    "Close": "닫기",
    "Search Results": "검색 결과",
    "By The PiFi layer-selection authors": "지은이: PiFi 레이어 선택 연구진",
    "© Copyright 2026.": "© 2026."
  };
  var ATTRIBUTES = ["title", "aria-label", "placeholder", "data-bs-title", "data-bs-original-title"];

  // "Figure 3" / "Table 3" in `lang` (the search page's excerpts number them the same way).
  function captionNumber(text, lang) {
    Object.keys(CAPTION_WORDS.en).forEach(function (word) {
      text = text.replace(word, CAPTION_WORDS[lang][word]);
    });
    return text;
  }

  // "English title · 한국어 제목" (the book's title) → the part in `lang`.
  function part(text, lang) {
    var halves = text.split(" · ");
    if (halves.length !== 2) { return text; }
    return HANGUL.test(halves[1]) === (lang === "ko") ? halves[1] : halves[0];
  }
  function inLanguageBlock(node) {
    var el = node.nodeType === 1 ? node : node.parentElement;
    return !!(el && el.closest(".lang-en, .lang-ko, pre, code, .highlight, script, style"));
  }

  function translateCaptionNumbers(lang) {
    var spans = document.querySelectorAll(".caption-number");
    for (var i = 0; i < spans.length; i++) {
      var span = spans[i];
      if (!span.hasAttribute("data-en")) { span.setAttribute("data-en", span.textContent); }
      span.textContent = captionNumber(span.getAttribute("data-en"), lang);
    }
  }

  // Text nodes of the theme (outside the bilingual blocks): switched in place, the English
  // kept on the node to switch back.
  function translateText(lang) {
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      var node = walker.currentNode;
      if (node.pifiEnglish === undefined) {
        if (!node.nodeValue.trim() || inLanguageBlock(node)) { continue; }
        node.pifiEnglish = node.nodeValue;
      }
      var english = node.pifiEnglish;
      var word = english.trim();
      var korean = UI_KO[word];
      if (korean !== undefined) {
        node.nodeValue = lang === "ko" ? english.replace(word, korean) : english;
      } else if (word.indexOf(" · ") > 0) {
        node.nodeValue = english.replace(word, part(word, lang));
      }
    }
  }

  function translateAttributes(lang) {
    var selector = ATTRIBUTES.map(function (a) { return "[" + a + "]"; }).join(",");
    var elements = document.querySelectorAll(selector);
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      if (el.closest(".lang-en, .lang-ko, #pifi-language-switch")) { continue; }
      el.pifiEnglish = el.pifiEnglish || {};
      for (var j = 0; j < ATTRIBUTES.length; j++) {
        var name = ATTRIBUTES[j];
        if (!el.hasAttribute(name)) { continue; }
        if (el.pifiEnglish[name] === undefined) { el.pifiEnglish[name] = el.getAttribute(name); }
        var english = el.pifiEnglish[name];
        var value = lang === "ko" && UI_KO[english] !== undefined ? UI_KO[english] : english;
        // Links to other pages are titled with both languages ("Sample size 표본 크기"):
        // take the words the link shows.
        if (HANGUL.test(english) && /[A-Za-z]/.test(english)) {
          var shown = el.querySelector(".lang-" + lang);
          value = shown ? shown.textContent.trim() : part(english, lang);
        }
        el.setAttribute(name, value);
      }
      // A tooltip the theme has already made keeps its words: give it the new ones.
      var tooltip = window.bootstrap && window.bootstrap.Tooltip && window.bootstrap.Tooltip.getInstance(el);
      var words = el.getAttribute("data-bs-title") || el.getAttribute("data-bs-original-title");
      if (tooltip && words) { tooltip.setContent({ ".tooltip-inner": words }); }
    }
  }

  // A figure's image is described by its caption in the language shown (the images inside a
  // full-size link, named "Figure N, full size", leave that to the caption: read once).
  function describeFigures(lang) {
    var images = document.querySelectorAll("figure img");
    for (var i = 0; i < images.length; i++) {
      if (images[i].closest("a.pifi-full-size[aria-label]")) { continue; }
      var caption = images[i].closest("figure").querySelector("figcaption .caption-text .lang-" + lang);
      if (caption) { images[i].setAttribute("alt", caption.textContent.trim()); }
    }
  }

  function translateTitle(lang) {
    var heading = document.querySelector("article h1 .lang-" + lang) ||
      document.querySelector("article h1, main h1");
    var book = document.querySelector(".logo__title");
    if (!document.pifiEnglishTitle) { document.pifiEnglishTitle = document.title; }
    var site = part(document.pifiEnglishTitle.split(" \u2014 ").pop().split(" - ").pop(), lang);
    if (book && book.pifiEnglish) { site = part(book.pifiEnglish.trim(), lang); }
    document.title = heading ? heading.textContent.trim() + " \u2014 " + site : site;
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

  // The home page's entry is split first (once there is a sidebar: it is left alone after),
  // so that its two spans are in place before the words are switched, as for every entry.
  function translate(lang) {
    splitHomeLink();
    translateCaptionNumbers(lang);
    translateText(lang);
    translateAttributes(lang);
    translateTitle(lang);
    describeFigures(lang);
  }

  window.pifiThemeWords = { captionNumber: captionNumber };
  window.pifiLanguage.follow(translate);
})();
