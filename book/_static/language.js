/* One language control for the whole appendix.
 * Every bilingual passage exists twice, in elements of class lang-en and
 * lang-ko; language.css shows the one named by <html data-lang>.  The choice is
 * kept in localStorage, so it holds across pages and reloads.  The theme's own
 * words (buttons, tooltips, labels, footer, the tab title) follow the choice too. */
(function () {
  "use strict";
  var KEY = "pifi-ablation-language";
  var LANGS = ["en", "ko"];
  var NAMES = { en: "English", ko: "한국어" };
  var GROUP_LABEL = { en: "Language", ko: "언어" };
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

  function read() {
    try { return window.localStorage.getItem(KEY) === "ko" ? "ko" : "en"; } catch (e) { return "en"; }
  }
  function write(lang) {
    try { window.localStorage.setItem(KEY, lang); } catch (e) { /* private mode: not kept */ }
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
      var text = span.getAttribute("data-en");
      Object.keys(CAPTION_WORDS.en).forEach(function (word) {
        text = text.replace(word, CAPTION_WORDS[lang][word]);
      });
      span.textContent = text;
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

  // Fixes for screen readers, in the theme's markup: a button's name holds the words it
  // shows (the search field shows "Search Ctrl+K" but was named "Search"; the colour
  // button's icons carried titles of their own), and a block that scrolls sideways can
  // be reached with the keyboard.
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
    // The sidebar's book title is in no landmark; the sidebar becomes one, named.
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
      translateCaptionNumbers(lang);
      translateText(lang);
      translateAttributes(lang);
      translateTitle(lang);
      describeFigures(lang);
      document.dispatchEvent(new CustomEvent("pifi-language", { detail: lang }));
    }
  }

  // Sphinx's search page, in the language shown.  Its excerpts are cut from the page's text
  // around a search word: the words as typed are looked for (Sphinx looked for the stems,
  // "recoveri", found none and showed the page's first characters, "....md"), and the text
  // is the language shown, without the page's controls and folded code.
  var SEARCH_KO = {
    "Search Results": "검색 결과",
    "Searching": "검색 중",
    "Preparing search...": "검색 준비 중…",
    "Search finished, found ${resultCount} page(s) matching the search query.":
      "검색을 마쳤습니다. 검색어가 있는 페이지 ${resultCount}개를 찾았습니다.",
    "Your search did not match any documents. Please make sure that all words are spelled correctly and that you've selected enough categories.":
      "검색어가 있는 페이지가 없습니다. 철자를 확인해 주십시오.",
    "Hide Search Matches": "검색 강조 숨기기"
  };
  // Sphinx declares both with `const`: global names, not properties of window.
  /* global Documentation, Search */
  function adaptSearch(lang) {
    if (lang === "ko" && typeof Documentation !== "undefined" && Documentation.addTranslations) {
      Documentation.addTranslations({ locale: "ko", messages: SEARCH_KO, plural_expr: "0" });
    }
    if (typeof Search === "undefined" || Search.pifiAdapted) { return; }
    Search.pifiAdapted = true;
    Search.htmlToText = function (htmlString, anchor) {
      var doc = new DOMParser().parseFromString(htmlString, "text/html");
      var other = read() === "ko" ? "en" : "ko";
      // Print-only copies of the title and contents ("Contents"), display equations (TeX) and
      // the other language are no part of an excerpt.
      var drop = doc.querySelectorAll(".headerlink, .bd-header-article, .header-article-items, " +
        ".pifi-page-code-block, .onlyprint, #jb-print-docs-body, div.math, script, style, .lang-" + other);
      for (var i = 0; i < drop.length; i++) { drop[i].remove(); }
      // Blocks and table cells end in a space, so their words do not run together.
      var blocks = doc.querySelectorAll("p, li, td, th, caption, figcaption, h1, h2, h3, h4, dt, dd, summary");
      for (var b = 0; b < blocks.length; b++) { blocks[b].append(" "); }
      // Inline mathematics is TeX in the page's source: show its common letters.
      var greek = { alpha: "α", lambda: "λ", ell: "ℓ", rho: "ρ" };
      var maths = doc.querySelectorAll("span.math");
      for (var m = 0; m < maths.length; m++) {
        maths[m].textContent = maths[m].textContent.replace(/^\\\(|\\\)$/g, "")
          .replace(/\\(alpha|lambda|ell|rho)\b/g, function (all, name) { return greek[name]; })
          .replace(/\\(?:text|mathrm|operatorname)\{([^{}]*)\}/g, "$1")
          .replace(/\\[A-Za-z]+\s*|[{}]/g, "");
      }
      var numbers = doc.querySelectorAll(".caption-number");
      for (var j = 0; j < numbers.length; j++) {
        numbers[j].textContent = numbers[j].textContent.replace("Figure", CAPTION_WORDS[read()].Figure)
          .replace("Table", CAPTION_WORDS[read()].Table);
      }
      var main = doc.querySelector('[role="main"]' + (anchor ? " " + anchor : "")) ||
        doc.querySelector('[role="main"]');
      return main ? main.textContent.replace(/\s+/g, " ").trim() : "";
    };
    var summary = Search.makeSearchSummary;
    Search.makeSearchSummary = function (htmlText, keywords, anchor) {
      var typed = (new URLSearchParams(window.location.search).get("q") || "")
        .toLowerCase().split(/\s+/).filter(Boolean);
      // The last word found sets the excerpt: the typed words go last.
      return summary.call(this, htmlText, Array.from(keywords).concat(typed), anchor);
    };
  }

  // A link may ask for a language (…/page.html?lang=ko); the request is kept like a click.
  var asked = /[?&]lang=(en|ko)\b/.exec(window.location.search);
  if (asked) { write(asked[1]); }
  apply(read());  // before the body is drawn: no flash of the other language
  adaptSearch(read());

  document.addEventListener("DOMContentLoaded", function () {
    var slot = document.querySelector(".article-header-buttons");
    var group = buildSwitch();
    if (slot) { slot.insertBefore(group, slot.firstChild); } else { document.body.appendChild(group); }
    splitHomeLink();
    mendAccessibility();
    adaptSearch(read());
    apply(read());
  });
  window.addEventListener("load", function () {
    mendAccessibility();
    apply(read());
    if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
      window.MathJax.startup.promise.then(markScrollable);
    }
  });
  window.addEventListener("resize", markScrollable);
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) { apply(read()); }
  });
})();
