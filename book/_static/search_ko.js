/* Sphinx's search page, in the language shown (book/_ext/search_ko.py registers this file,
 * with the index that finds Korean words by their stem).  Sphinx's own messages ("Search
 * Results", "Searching", the summary) are in Korean when the page is.  Its excerpts are cut
 * from the page's text around a search word: the words as typed are looked for (Sphinx
 * looked for the stems, "recoveri", found none and showed the page's first characters,
 * "....md"), and the text is the language shown, without the page's controls and folded code.
 * Loaded on every page: Sphinx's "Hide Search Matches" link, after a search, is in Korean too.
 * Relies on language.js (window.pifiLanguage.read) and theme_words.js
 * (window.pifiThemeWords.captionNumber), loaded before it; on Sphinx's doctools.js
 * (Documentation), loaded before it; and, on the search page, on Sphinx's searchtools.js
 * (Search), loaded after it, which starts searching at DOMContentLoaded: this file's handler,
 * registered first, adapts Search before that. */
(function () {
  "use strict";
  var read = window.pifiLanguage.read;
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
        numbers[j].textContent = window.pifiThemeWords.captionNumber(numbers[j].textContent, read());
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

  adaptSearch(read());
  document.addEventListener("DOMContentLoaded", function () { adaptSearch(read()); });
})();
