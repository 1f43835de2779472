"""Reading a printed PDF in the tests: each page's text and whether it draws an image.

PDFium (pypdfium2, the package's own dependency for the export's PNGs; Chromium's PDF engine)
reads a page in a tenth of pypdf's time.  It reads the Korean contents page of the printed book
without its word spaces (pypdf reads them), so it serves the checks that compare text with its
spaces removed (the printed chapters of tests/test_browser.py and tests/test_reader.py, the
changes chapter's PDFs of tests/test_book_changes.py).
pypdf stays where a test reads the words as spaced (the whole-book PDFs, tests/test_pdf.py) or
inspects the file's structure (fonts, tags, metadata).
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2

# PDFium reports a hyphen that ends a line as U+0002; the PDF draws "-".
_HYPHEN_AT_LINE_END = str.maketrans({"\x02": "-"})


def page_texts(pdf: Path | bytes) -> list[str]:
    """The text of each page, in reading order as PDFium extracts it."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        texts = []
        for page in document:
            text_page = page.get_textpage()
            texts.append(text_page.get_text_bounded().translate(_HYPHEN_AT_LINE_END))
            text_page.close()
            page.close()
        return texts
    finally:
        document.close()


def pages_with_images(pdf: Path | bytes) -> list[int]:
    """The indices of the pages that draw an image (in forms too)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        found = []
        for index, page in enumerate(document):
            if any(obj.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=8)):
                found.append(index)
            page.close()
        return found
    finally:
        document.close()
