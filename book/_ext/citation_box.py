"""Paper, citation and downloads: the box a reader arriving from the paper looks for first.

``{pifi-citation}`` (on the introduction) shows, in both languages: the authors' paper on
layer selection (``pifi_paper`` in ``_config.yml``: title, venue, url, bibtex; shown when
set), PiFi as the method studied (ACL Anthology and arXiv links), the appendix's BibTeX
(generated from ``CITATION.cff``), the repository (``pifi_repository``, when set) and the
downloads that the site carries.  ``make pdf`` and ``make archive`` copy their outputs into
``_build/html/downloads/`` and run this file (``python book/_ext/citation_box.py
_build/html``) to list them; a plain ``make book`` lists only what exists (the data CSVs).

``pifi_anonymous: true`` (double-blind review) hides the authors, the repository and the
appendix's BibTeX on every page: the box keeps the paper's title and PiFi, and the
theme's "By …" line and copyright are left out.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import yaml
from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx
from sphinx.config import Config

CITATION = Path(__file__).resolve().parents[2] / "CITATION.cff"
DOWNLOADS = "downloads"
SLOT = "<!--pifi-downloads-->"
_FILLED = re.compile(r'(<ul class="pifi-downloads">).*?(</ul>)', re.S)
PIFI_LINKS = (("ACL Anthology", "https://aclanthology.org/2025.acl-long.271/"),
              ("arXiv 2506.07424", "https://arxiv.org/abs/2506.07424"))
# What a download is, by file name; in the order listed.
KNOWN = (("appendix-en.pdf", "Appendix, PDF (English)", "부록 PDF(영어)"),
         ("appendix-ko.pdf", "Appendix, PDF (Korean)", "부록 PDF(한국어)"),
         ("pifi-ablation-appendix.zip", "Release archive (HTML, PDFs, figures, LaTeX, data, citation)",
          "배포 아카이브(HTML, PDF, 그림, LaTeX, 데이터, 인용 정보)"))


def appendix_bibtex(citation: Path = CITATION) -> str:
    """A BibTeX ``@misc`` entry for the appendix, from ``CITATION.cff``."""
    cff = yaml.safe_load(citation.read_text(encoding="utf-8"))
    authors = " and ".join(a.get("name") or f"{a.get('family-names', '')}, {a.get('given-names', '')}"
                           for a in cff.get("authors", []))
    fields = {"title": "{" + cff["title"] + "}", "author": "{" + authors + "}",
              "note": f"Version {cff.get('version', '')}"}
    if cff.get("date-released"):
        fields["year"] = str(cff["date-released"])[:4]
    if cff.get("repository-code"):
        fields["url"] = cff["repository-code"]
    body = ",\n".join(f"  {key} = {{{value}}}" if not value.startswith("{") else f"  {key} = {value}"
                      for key, value in fields.items())
    return f"@misc{{pifi-ablation-appendix,\n{body}\n}}"


def _both(en: str, ko: str, tag: str = "span") -> str:
    return f'<{tag} class="lang-en" lang="en">{en}</{tag}><{tag} class="lang-ko" lang="ko">{ko}</{tag}>'


def box_html(config: Config) -> str:
    anonymous = bool(config.pifi_anonymous)
    paper = config.pifi_paper or {}
    items = []
    if paper.get("title"):
        title = html.escape(paper["title"])
        if paper.get("url"):
            title = f'<a href="{html.escape(paper["url"])}">{title}</a>'
        venue = f" ({html.escape(paper['venue'])})" if paper.get("venue") else ""
        items.append(f"<li>{_both('The paper', '논문')}: {title}{venue}</li>")
        if paper.get("bibtex") and not anonymous:
            items.append(f"<li>{_both('BibTeX of the paper', '논문 BibTeX')}"
                         f"<pre><code>{html.escape(paper['bibtex'].strip())}</code></pre></li>")
    links = ", ".join(f'<a href="{url}">{name}</a>' for name, url in PIFI_LINKS)
    items.append(f"<li>{_both('The method studied', '연구 대상 방법')}: PiFi (Kim et al., ACL 2025): "
                 f"{links}</li>")
    if not anonymous:
        items.append(f"<li>{_both('BibTeX of this appendix', '이 부록의 BibTeX')}"
                     f"<pre><code>{html.escape(appendix_bibtex())}</code></pre></li>")
        if config.pifi_repository:
            url = html.escape(config.pifi_repository)
            items.append(f'<li>{_both("Repository", "저장소")}: <a href="{url}">{url}</a></li>')
    items.append(f'<li>{_both("Downloads", "내려받기")}:<ul class="pifi-downloads">{SLOT}</ul></li>')
    return f'<div class="pifi-citation-box"><ul>{"".join(items)}</ul></div>'


def downloads_html(site: Path, prefix: str) -> str:
    """The downloads the site at ``site`` carries, linked from a page ``prefix`` below its root."""
    found = []
    for file, en, ko in KNOWN:
        if (site / DOWNLOADS / file).is_file():
            found.append(f'<li><a href="{prefix}{DOWNLOADS}/{file}" download>{_both(en, ko)}</a></li>')
    data = sorted((site / "data").glob("*.csv"))
    if data:
        links = ", ".join(f'<a href="{prefix}data/{p.name}" download><code>{p.name}</code></a>' for p in data)
        found.append(f"<li>{_both('Data behind the figures and tables (CSV)', '그림과 표의 데이터(CSV)')}: "
                     f"{links}</li>")
    return "".join(found)


def fill_downloads(site: Path) -> None:
    """List the downloads in the box of every page of the built site at ``site``."""
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if 'class="pifi-downloads"' not in text:
            continue
        depth = len(page.relative_to(site).parts) - 1
        listed = downloads_html(site, "../" * depth)
        new = _FILLED.sub(lambda m, listed=listed: m.group(1) + SLOT + listed + m.group(2), text)
        if new != text:
            page.write_text(new, encoding="utf-8")


class CitationBox(Directive):
    def run(self) -> list[nodes.Node]:
        config = self.state.document.settings.env.config
        return [nodes.raw("", box_html(config), format="html")]


def _anonymise(app: Sphinx, config: Config) -> None:
    if config.pifi_anonymous:
        config.author = ""
        config.copyright = ""
        config.html_show_copyright = False
        config.html_theme_options = {**(config.html_theme_options or {}), "extra_footer": ""}


def _finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.name == "html":
        fill_downloads(Path(app.outdir))


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("pifi_paper", None, "env")
    app.add_config_value("pifi_repository", None, "env")
    app.add_config_value("pifi_anonymous", False, "env")
    app.add_directive("pifi-citation", CitationBox)
    app.connect("config-inited", _anonymise)
    app.connect("build-finished", _finish, priority=950)  # after figure_data wrote data/
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}


if __name__ == "__main__":
    fill_downloads(Path(sys.argv[1]))
