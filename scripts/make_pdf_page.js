/* Runs in the loaded single page before scripts/make_pdf.py prints it (added as an init script,
 * as tests/test_browser.py adds tests/reader_checks.js): what the book's pages do not have is
 * added to the page here, in the language it is printed in. */
window.pifiPdf = (function () {
  "use strict";

  // Adds the title page and the contents (page numbers still "00"); returns the shown headings in
  // order, those in the contents with their entry.
  function prepare({lang, title, words, credits}) {
    const visible = el => el && el.getClientRects().length > 0;
    const text = el => el.innerText.replace(/\s+/g, " ").trim();
    const article = document.querySelector("article.bd-article");
    const intro = article.querySelector(":scope > section");
    const chapters = [intro, ...article.querySelectorAll('span[id^="document-"] + section')];

    // Measured sources fold their assumptions; print them open, with the summary in one language.
    for (const d of article.querySelectorAll("details.pifi-assumptions")) {
      d.open = true;
      const s = d.querySelector("summary");
      const parts = s.textContent.split(" · ");
      if (parts.length === 2) { s.textContent = lang === "ko" ? parts[1] : parts[0]; }
    }
    // Tables are not numbered here: they carry the book's numbers (pifi_ablation.book.BOOK_TABLES,
    // "Table 5b." for a chapter's paired comparison), so the PDF numbers them as the HTML does.

    // Title page: the book's title, the data source as the reproducibility chapter records it,
    // and the notice every page carries (for demo data, that it is a simulation).
    const page = document.createElement("section");
    page.id = "pifi-title-page";
    page.innerHTML = '<h1></h1><p class="pifi-subtitle"></p>';
    page.querySelector("h1").textContent = title;
    page.querySelector("p").textContent = words.subtitle;
    for (const line of credits) {
      const p = document.createElement("p");
      p.className = "pifi-credits";
      p.textContent = line;
      page.appendChild(p);
    }
    const record = [...article.querySelectorAll("table.pifi-provenance")].find(visible);
    if (!record) { throw new Error("no provenance table in the reproducibility chapter"); }
    const table = document.createElement("table");
    table.className = "pifi-title-source";
    for (const row of [...record.querySelectorAll("tr")].slice(0, 4)) {
      table.appendChild(row.cloneNode(true));
    }
    page.appendChild(table);
    const notice = [...article.querySelectorAll(".pifi-data-notice")][0];
    if (!notice) { throw new Error("no data notice in the book"); }
    page.appendChild(notice.cloneNode(true));

    // Contents: every chapter and its sections.
    const nav = document.createElement("nav");
    nav.id = "pifi-pdf-toc";
    nav.innerHTML = "<h2></h2><ol></ol>";
    nav.querySelector("h2").textContent = words.contents;
    // Section ids repeat across chapters in a single page ("findings"): the contents link
    // to anchors of their own.
    let count = 0;
    const entry = (list, heading) => {
      const anchor = "pifi-toc-" + count;
      heading.dataset.toc = String(count);
      heading.id = heading.id || anchor;
      const li = document.createElement("li");
      li.innerHTML = '<a class="toc-line"><span class="toc-title"></span><span class="toc-dots"></span>' +
                     '<span class="toc-page">00</span></a>';
      li.querySelector("a").href = "#" + heading.id;
      li.querySelector(".toc-title").textContent = text(heading);
      li.querySelector(".toc-page").dataset.toc = String(count);
      list.appendChild(li);
      count += 1;
      return li;
    };
    // The introduction's title is an h1 and its sections h2, the other chapters' one level
    // lower: classes give every chapter the same look.
    const top = nav.querySelector("ol");
    for (const chapter of chapters) {
      const heading = chapter.querySelector(":scope > h1, :scope > h2");
      heading.classList.add("pifi-chapter-title");
      const li = entry(top, heading);
      const sub = document.createElement("ol");
      for (const s of chapter.querySelectorAll(":scope > section")) {
        const head = s.querySelector(":scope > h2, :scope > h3");
        if (head && visible(head)) {
          head.classList.add("pifi-section-title");
          entry(sub, head);
        }
      }
      if (sub.children.length) { li.appendChild(sub); }
    }
    article.insertBefore(nav, article.firstChild);
    article.insertBefore(page, nav);
    document.title = title;
    // Chromium's outline has one bookmark per shown heading, in this order.
    return [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(visible)
      .map(h => ({title: text(h), toc: h.dataset.toc === undefined ? null : Number(h.dataset.toc)}));
  }

  // Writes each contents entry's page, read from a first printing (pages[entry]).
  function fill(pages) {
    for (const span of document.querySelectorAll("#pifi-pdf-toc .toc-page")) {
      span.textContent = String(pages[Number(span.dataset.toc)]);
    }
  }

  return {prepare, fill};
})();
