/* Checks run inside a page of the built book by tests/test_browser.py (added as an init
 * script, so every page has them).  Each returns a list of failures, empty when all is well. */
window.pifiChecks = (function () {
  "use strict";
  function parse(colour) {
    var m = colour.match(/[\d.]+/g);
    if (!m) { return null; }
    return { r: +m[0], g: +m[1], b: +m[2], a: m.length > 3 ? +m[3] : 1 };
  }
  function over(top, bottom) {
    return { r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
      b: top.b * top.a + bottom.b * (1 - top.a), a: 1 };
  }
  // WCAG 2 relative luminance.
  function luminance(c) {
    function f(v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  // The background a text is drawn on, composited up the tree; null over an image or
  // gradient, whose colour cannot be read from styles.
  function background(el) {
    var layers = [];
    for (var e = el; e; e = e.parentElement) {
      var s = getComputedStyle(e);
      if (s.backgroundImage !== "none") { return null; }
      var c = parse(s.backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) { break; } }
    }
    var bg = { r: 255, g: 255, b: 255, a: 1 };
    for (var i = layers.length - 1; i >= 0; i--) { bg = over(layers[i], bg); }
    return bg;
  }
  function shown(el) {
    var rect = el.getBoundingClientRect();
    var s = getComputedStyle(el);
    return rect.width > 0 && rect.height > 0 && s.visibility !== "hidden" && el.checkVisibility({ opacityProperty: true });
  }
  // Elements holding visible text of their own.
  function textElements() {
    var found = [];
    var seen = new Set();
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      var el = walker.currentNode.parentElement;
      if (!el || seen.has(el) || !walker.currentNode.nodeValue.trim()) { continue; }
      seen.add(el);
      if (el.closest("svg, mjx-container, script, style, noscript")) { continue; }
      if (shown(el)) { found.push(el); }
    }
    return found;
  }
  function describe(el) {
    return el.tagName.toLowerCase() + "." + String(el.className).trim().replace(/\s+/g, ".") +
      ' "' + el.textContent.trim().slice(0, 40) + '"';
  }

  // Every visible text meets WCAG AA: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).
  function lowContrast() {
    var failures = [];
    textElements().forEach(function (el) {
      var bg = background(el);
      if (!bg) { return; }
      var s = getComputedStyle(el);
      var fg = over(parse(s.color), bg);
      var l = [luminance(fg), luminance(bg)].sort(function (a, b) { return b - a; });
      var ratio = (l[0] + 0.05) / (l[1] + 0.05);
      var size = parseFloat(s.fontSize);
      var need = size >= 24 || (+s.fontWeight >= 700 && size >= 18.66) ? 3 : 4.5;
      if (ratio < need) { failures.push(ratio.toFixed(2) + " < " + need + ": " + describe(el)); }
    });
    return failures;
  }

  // Every display equation lies within its block and the block within the text column.
  function equationsOutside() {
    var failures = [];
    var column = document.querySelector("article.bd-article").getBoundingClientRect();
    var equations = document.querySelectorAll('mjx-container[display="true"]');
    for (var i = 0; i < equations.length; i++) {
      var box = equations[i].getBoundingClientRect();
      var svg = equations[i].querySelector("svg");
      if (!box.width || !svg) { continue; }
      var drawn = svg.getBoundingClientRect();
      if (drawn.right > box.right + 1 || drawn.left < box.left - 1 || box.right > column.right + 1) {
        failures.push("equation " + (i + 1) + ": drawn " + Math.round(drawn.left) + "-" + Math.round(drawn.right) +
          " in a box " + Math.round(box.left) + "-" + Math.round(box.right) + ", column ends at " + Math.round(column.right));
      }
    }
    return failures;
  }

  // Words of the other language on the page as shown: visible text, and the titles, labels
  // and placeholders that tooltips and screen readers give.  The language switch names both
  // languages; references, code and mathematics are what they are.
  var EXEMPT = "#pifi-language-switch, pre, code, kbd, .highlight, .citation, svg, mjx-container, img";
  var HANGUL = /[\uac00-\ud7a3]/;
  var ENGLISH_WORDS = /[A-Za-z]{4,}[\s,;:]+(?:[a-z]+[\s,;:]+)*[A-Za-z]{4,}/;
  function foreign(text, lang) {
    if (lang === "en") { return HANGUL.test(text); }
    return ENGLISH_WORDS.test(text.replace(/[\uac00-\ud7a3][^\s]*/g, "|"));
  }
  // A link to a reference is titled with the reference, in the language it was written in.
  function citing(el) {
    if (el.closest(".bibtex-citation")) { return true; }
    var href = el.getAttribute("href") || "";
    var target = href.charAt(0) === "#" ? document.getElementById(href.slice(1)) : null;
    return !!(target && target.closest(".citation"));
  }
  function otherLanguage(lang) {
    var failures = [];
    textElements().forEach(function (el) {
      if (el.closest(EXEMPT)) { return; }
      var own = Array.prototype.filter.call(el.childNodes, function (n) { return n.nodeType === 3; })
        .map(function (n) { return n.nodeValue; }).join(" ").trim();
      if (own && foreign(own, lang)) { failures.push("text " + describe(el)); }
    });
    var names = ["title", "aria-label", "placeholder", "alt", "data-bs-original-title", "data-bs-title"];
    var all = document.querySelectorAll(names.map(function (n) { return "[" + n + "]"; }).join(","));
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (el.closest("#pifi-language-switch") || !el.checkVisibility() || citing(el)) { continue; }
      names.forEach(function (name) {
        var value = el.getAttribute(name);
        if (value && (foreign(value, lang) || (lang === "ko" && /[A-Za-z]{3,}/.test(value) && !HANGUL.test(value)))) {
          failures.push(name + '="' + value + '" on ' + describe(el));
        }
      });
    }
    if (foreign(document.title, lang) || (lang === "ko" && !HANGUL.test(document.title))) {
      failures.push("tab title: " + document.title);
    }
    return failures;
  }

  // Each figure: described by its caption, read once (the image's alt is empty; the link to
  // its full-size image is named "Figure N, full size" in the language shown), and within the
  // text column (no "full-width" spill into the margin).
  function figureProblems(lang) {
    var failures = [];
    var column = document.querySelector("article.bd-article").getBoundingClientRect();
    var figures = document.querySelectorAll("article figure");
    for (var i = 0; i < figures.length; i++) {
      var figure = figures[i];
      // the image shown: the language's version (each has one), else the only one
      var img = [].slice.call(figure.querySelectorAll("img")).filter(function (i) {
        return i.getClientRects().length > 0; })[0] || figure.querySelector("img");
      var caption = figure.querySelector("figcaption .caption-text .lang-" + lang);
      var number = figure.querySelector("figcaption .caption-number");
      var alt = img.getAttribute("alt");
      if (!caption || !number || alt !== "") {
        failures.push("figure " + (i + 1) + " alt: " + String(alt).slice(0, 60));
      }
      var link = img.closest("a");
      var named = number ? number.textContent.trim() + (lang === "ko" ? " 원본 크기" : ", full size") : "";
      // the image, or its phone layout (a lazy image not yet loaded has no currentSrc)
      var targets = [img.src, img.currentSrc].concat([].slice.call(
        img.closest("picture") ? img.closest("picture").querySelectorAll("source") : []).map(function (s) {
        return new URL(s.getAttribute("srcset"), window.location.href).href; }));
      if (!link || targets.indexOf(link.href) < 0) {
        failures.push("figure " + (i + 1) + " is not a link to its image");
      } else if (link.getAttribute("aria-label") !== named) {
        failures.push("figure " + (i + 1) + " link named " + link.getAttribute("aria-label"));
      }
      var box = figure.getBoundingClientRect();
      if (box.right > column.right + 1 || box.left < column.left - 1 || figure.classList.contains("full-width")) {
        failures.push("figure " + (i + 1) + " leaves the column: " + Math.round(box.left) + "-" + Math.round(box.right));
      }
    }
    return failures;
  }

  return { figureProblems: figureProblems, lowContrast: lowContrast, textElements: textElements, describe: describe,
    equationsOutside: equationsOutside, otherLanguage: otherLanguage };
})();
