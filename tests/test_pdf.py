"""The reviewers' PDFs (``make pdf``): one per language, the whole book, print-ready.

The PDFs are printed once per session from the demo book (fixture ``pdf_dir``); every
expectation is read from the book's sources or the package, not from the PDF maker.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

import pifi_ablation
from book_build import CHAPTERS
from pdf_text import page_texts
from pifi_ablation.layer_rows import LAYER_FIGURE_NAMES
from pifi_ablation.pages import BOOK_TABLES

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from pdf_finish import bookmarks  # the PDF script's own reading of the outline

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("en", "ko")
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
HEADING = re.compile(r"^(#+) \{en\}`([^`]*)` \{ko\}`([^`]*)`\s*$", re.M)
FIGURE_CHAPTERS = ("sample_size", "keyword_weight", "lambda_scale", "task_sensitivity", "model_size")
# Every figure and table of the book: the main-results and selection-signals chapters' first.
N_FIGURES = len(FIGURE_CHAPTERS) + len(LAYER_FIGURE_NAMES)
N_TABLES = len(BOOK_TABLES)
NOTICE = {"en": "Demonstration data, not measurements.", "ko": "시연 데이터이며 측정값이 아니다."}
LARGEST_BITMAP = 64  # pixels a side: icons at most, never a figure

pytestmark = pytest.mark.book


def _headings(chapter: str) -> list[tuple[int, str, str]]:
    """(level, English, Korean) of every heading of a chapter, from its MyST source."""
    from test_book import _demo_source  # without the sections a demo build leaves out

    text = _demo_source(chapter)
    return [(len(m[1]), m[2], m[3]) for m in HEADING.finditer(text)]


def _reader(pdf_dir: Path, lang: str) -> PdfReader:
    return PdfReader(pdf_dir / f"appendix-{lang}.pdf")


def _texts(reader: PdfReader) -> list[str]:
    """Every page's text, extracted once per reader: pypdf takes seconds for a book, and the
    module's readers (fixture ``pdfs``) are read by a dozen tests."""
    texts = getattr(reader, "_pifi_texts", None)
    if texts is None:
        texts = [page.extract_text() for page in reader.pages]
        reader._pifi_texts = texts  # type: ignore[attr-defined]
    return list(texts)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pdfs(pdf_dir) -> dict[str, PdfReader]:
    return {lang: _reader(pdf_dir, lang) for lang in LANGUAGES}


def test_make_pdf_writes_one_pdf_per_language(pdf_dir):
    assert sorted(p.name for p in pdf_dir.iterdir()) == ["appendix-en.pdf", "appendix-ko.pdf"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_title_page_names_the_data_source_and_its_hash(pdfs, lang):
    provenance = pifi_ablation.load("demo").provenance
    first = _flat(_texts(pdfs[lang])[0])
    assert provenance.content_hash in first
    assert "demo" in first
    assert NOTICE[lang] in first
    title = {"en": "PiFi layer selection: ablation appendix", "ko": "PiFi 레이어 선택: 절제 실험 부록"}[lang]
    assert first.startswith(title)
    assert pdfs[lang].metadata.title == title
    # the authors (the book is not in anonymous mode: tests/test_citation_box.py tries it)
    assert {"en": "The PiFi layer-selection authors", "ko": "지은이: PiFi 레이어 선택 연구진"}[lang] in first


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_chapter_in_book_order_in_one_language(pdfs, lang):
    """The bookmarks are the book's headings, in order, in the PDF's language only."""
    col = 1 if lang == "en" else 2
    expected = [h[col] for chapter in CHAPTERS for h in _headings(chapter)]
    marks = [title for title, _ in bookmarks(pdfs[lang])]
    # after the title page and the contents, the bookmarks are the chapters' headings
    assert marks[:2][1] == {"en": "Contents", "ko": "목차"}[lang]
    shown = marks[2:]
    assert len(shown) == len(expected)
    for mark, heading in zip(shown, expected, strict=True):
        assert mark.startswith(heading)  # (Chromium repeats a heading that opens a page)
    other = [h[3 - col] for chapter in CHAPTERS for h in _headings(chapter)]
    text = _flat(" ".join(_texts(pdfs[lang])))
    if lang == "en":
        assert not HANGUL.search(text)
        assert not HANGUL.search(" ".join(marks))
    else:
        # Korean headings and prose: every page after the title page is mostly Hangul,
        # and no English heading is there.
        for number, page in enumerate(_texts(pdfs[lang])[1:], start=2):
            # package names and versions (the environment table) are not words of either language
            prose = "\n".join(line for line in page.splitlines()
                               if not re.fullmatch(r"[\w.\-]+ \d[\w.+\-]*", line.strip()))
            letters = [c for c in prose if c.isalpha()]
            assert len(HANGUL.findall(prose)) > 0.4 * len(letters), f"page {number} is not in Korean"
        english_only = [h for h in other if not HANGUL.search(h) and h not in expected]
        assert english_only
        assert [h for h in english_only if h in marks] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_chapters_start_pages_and_the_contents_give_them(pdfs, lang):
    texts = _texts(pdfs[lang])
    marks = bookmarks(pdfs[lang])
    col = 1 if lang == "en" else 2
    # The contents run from page 2 to the page before the first chapter (two pages since the
    # main-results and selection-signals chapters).
    first = next(page for title, page in marks[2:] if title.startswith(_headings(CHAPTERS[0])[0][col]))
    contents = _flat(" ".join(texts[1:first - 1]))
    assert contents.startswith({"en": "Contents", "ko": "목차"}[lang])
    at = 2
    previous = 2
    for chapter in CHAPTERS:
        title = _headings(chapter)[0][col]
        while not marks[at][0].startswith(title):
            at += 1
        page = marks[at][1]
        assert page > previous, f"{chapter} does not follow the previous chapter"
        previous = page
        # the chapter opens its page, and the contents give that page
        assert _flat(texts[page - 1]).startswith(title)
        assert re.search(re.escape(title) + r"[ .…]*" + str(page) + r"\b", contents), (title, page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_text_copies_and_searches_as_written(pdfs, lang):
    """Spaces are spaces (no control characters stand in for them), so a reader can search."""
    text = " ".join(_texts(pdfs[lang]))
    assert re.findall(r"[\x00-\x08\x0b-\x1f]", text) == []
    assert {"en": "How to read the figure", "ko": "그림 읽는 법"}[lang] in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_are_numbered(pdfs, lang):
    for number, text in enumerate(_texts(pdfs[lang]), start=1):
        assert text.strip().splitlines()[-1].strip() == str(number)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_figures_and_tables_are_numbered_in_the_language(pdfs, lang):
    text = _flat(" ".join(_texts(pdfs[lang])))
    figure, table = {"en": ("Figure", "Table"), "ko": ("그림", "표")}[lang]
    for n in range(1, N_FIGURES + 1):
        assert f"{figure} {n} " in text
    for n in range(1, N_TABLES + 1):
        assert f"{table} {n}. " in text
    for name in ("sample_size", "keyword_weight", "lambda_scale"):  # each sweep's paired comparison
        assert f"{table} {BOOK_TABLES.index(name) + 1}b. " in text
    # The summary's paired-differences figure follows the chapters' figures.
    assert f"{figure} {N_FIGURES + 1} " in text
    assert f"{figure} {N_FIGURES + 2} " not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_user_interface_is_printed(pdfs, lang):
    text = _flat(" ".join(_texts(pdfs[lang])))
    for ui in ("Show code", "Hide code", "코드 보기", "코드 숨기기", "Search", "Ctrl+", "previous",
               "이전", "setup_page", "import ", "Toggle", "Skip to main content", "Back to top"):
        assert ui not in text, ui


def _fonts_and_images(reader: PdfReader) -> tuple[dict[str, dict], list[tuple[int, int]]]:
    fonts: dict[str, dict] = {}
    images: list[tuple[int, int]] = []

    def walk(resources) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            fonts[str(font.get("/BaseFont"))] = font
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject["/Subtype"] == "/Image":
                images.append((int(xobject["/Width"]), int(xobject["/Height"])))
            else:
                walk(xobject.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return fonts, images


def _descriptor(font: dict) -> dict | None:
    if font["/Subtype"] == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    return descriptor.get_object() if isinstance(descriptor, IndirectObject | dict) else None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_font_is_embedded_and_none_is_type3(pdfs, lang):
    fonts, _ = _fonts_and_images(pdfs[lang])
    assert fonts
    assert [name for name, f in fonts.items() if f["/Subtype"] == "/Type3"] == []
    for name, font in fonts.items():
        descriptor = _descriptor(font)
        assert descriptor is not None, name
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), name
    hangul_fonts = [name for name in fonts if "Nanum" in name]
    if lang == "ko":
        assert hangul_fonts, "Hangul is set in an embedded Korean font"
    else:
        assert hangul_fonts == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_figures_are_vector_not_bitmaps(pdfs, pdf_dir, lang):
    _, images = _fonts_and_images(pdfs[lang])
    assert [size for size in images if max(size) > LARGEST_BITMAP] == []
    # the printed page took the figures as SVG, drawn at the text width
    page = (pdf_dir.parent / "singlehtml" / "book" / "intro.html").read_text(encoding="utf-8")
    sources = re.findall(r'<img[^>]*src="([^"]+)"', page)
    assert len(sources) == 2 * (N_FIGURES + 1)  # and the summary's paired figure, in both languages
    assert all(src.endswith(".svg") for src in sources)
    # and the figures are on the pages: each figure's page draws many paths
    texts = _texts(pdfs[lang])
    figure = {"en": "Figure", "ko": "그림"}[lang]
    for n in range(1, N_FIGURES + 2):
        number = next(i for i, t in enumerate(texts) if f"{figure} {n} " in _flat(t))
        content = pdfs[lang].pages[number].get_contents().get_data()
        assert content.count(b" c\n") + content.count(b" l\n") > 500, f"no drawing on page {number + 1}"


def test_the_pdfs_are_reproducible(pdf_dir, tmp_path):
    """Printing the same build again gives the same bytes: no date, no random id."""
    again = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_pdf.py"),
                            str(pdf_dir.parent / "singlehtml"), str(tmp_path)],
                           capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    for lang in LANGUAGES:
        name = f"appendix-{lang}.pdf"
        assert (tmp_path / name).read_bytes() == (pdf_dir / name).read_bytes()
        info = _reader(pdf_dir, lang).metadata
        assert "/CreationDate" not in info and "/ModDate" not in info
    for data in (pdf_dir / "appendix-en.pdf").read_bytes(), (pdf_dir / "appendix-ko.pdf").read_bytes():
        assert str(ROOT).encode() not in data and b"/tmp/" not in data


@pytest.fixture(scope="module")
def measured(measured_book, measured_pdf_dir) -> tuple[Path, Path]:
    """PDFs printed from the book of measured results (a folder written by upstream's writers)."""
    return measured_book[0].root, measured_pdf_dir


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_measured_book_prints_its_own_source_without_the_demo_notice(measured, lang):
    """Read by PDFium (a tenth of pypdf's time), which may leave out a word space: the words are
    compared with their spaces removed, which can only find more."""
    folder, pdf_dir = measured
    provenance = pifi_ablation.load(folder).provenance
    texts = [_unspaced(t) for t in page_texts(pdf_dir / f"appendix-{lang}.pdf")]
    assert provenance.content_hash in texts[0]
    assert "measured" in texts[0]
    everything = "".join(texts)
    assert _unspaced(NOTICE[lang]) not in everything
    assert _unspaced({"en": "Illustrative simulation", "ko": "예시용 시뮬레이션"}[lang]) not in everything


def _unspaced(text: str) -> str:
    return "".join(text.split())


def test_the_printed_figures_are_deterministic_vector_svg(demo):
    """What the PDFs print: SVG with every glyph a path (no font needed), no date, same bytes."""
    import xml.etree.ElementTree as ET

    from pifi_ablation.figures import make_figure
    from pifi_ablation.pages import FigureImages, figure_png, figure_svg

    fig = make_figure(demo, "sample_size")
    svg = figure_svg(fig)
    assert svg == figure_svg(make_figure(demo, "sample_size"))
    root = ET.fromstring(svg.encode())
    assert root.tag.endswith("svg")
    assert "<text" not in svg and "<image" not in svg
    assert "<dc:date>" not in svg
    assert svg.count("<path") > 100
    images = FigureImages(figure_png(fig), svg)
    assert images._repr_svg_() == svg and images._repr_png_().startswith(b"\x89PNG")


def test_the_korean_pdf_prints_korean_figures_and_the_english_one_english(pdf_dir):
    """The page printed to PDF holds each figure twice, one per language, vector and loaded at
    once (language.css shows the one of the PDF's language; tests/test_figures_ko.py checks the
    Korean figures' texts)."""
    from bs4 import BeautifulSoup

    page = pdf_dir.parent / "singlehtml" / "book" / "intro.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    figures = soup.select("figure.pifi-figure")
    assert len(figures) == N_FIGURES + 1  # and the summary's paired figure
    for figure in figures:
        en, ko = figure.select_one("picture.lang-en img"), figure.select_one("picture.lang-ko img")
        assert en is not None and ko is not None, figure.get("id")
        assert en["src"].endswith(".svg") and "-ko-" not in en["src"]
        assert ko["src"].endswith(".svg") and "-ko-" in ko["src"] and not ko.get("loading")
        assert (pdf_dir.parent / "singlehtml" / ko["src"]).is_file()  # assets linked from the root
    # The English figure is drawn for the print as the figure's own SVG (the pages glue a PNG).
    from pifi_ablation.figures import make_figure
    from pifi_ablation.figures_ko import make_figure_ko
    from pifi_ablation.pages import _load, figure_svg

    for lang, draw in (("en", make_figure), ("ko", make_figure_ko)):
        img = soup.select_one(f"figure#fig-sample-size picture.lang-{lang} img")
        printed = (pdf_dir.parent / "singlehtml" / img["src"]).read_text(encoding="utf-8")
        assert printed == figure_svg(draw(_load("demo"), "sample_size")), lang
