"""What ``make_pdf.py`` does to Chromium's PDFs, with pypdf alone (no browser, no book).

Chromium's printing is not reproducible and not quite right for a reader: its file id and
dates change with every printing, it names the tagged elements after DOM nodes whose
numbers change too, and its text map reads NanumGothic's space as a control character.
:func:`finish` mends those, so that the same build gives the same bytes and the Korean
PDF's text copies and searches as written.  :func:`heading_pages` reads, from a first
printing's outline, the page where each heading of the contents landed.

Importable by the tests as ``make_pdf.py`` is (``scripts/`` on ``sys.path``):
tests/test_pdf_finish.py checks each step on small PDFs built in memory.
"""

from __future__ import annotations

import hashlib
import io
import re

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, NameObject, TextStringObject


def bookmarks(reader: PdfReader) -> list[tuple[str, int]]:
    """Every bookmark of the PDF in document order: (title, 1-based page)."""
    found: list[tuple[str, int]] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                title = " ".join(str(item.title).split())
                found.append((title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    return found


def heading_pages(pdf: bytes, headings: list[dict]) -> list[int]:
    """The page of each contents entry, read from the printed PDF's outline.

    ``headings`` are the page's shown headings in order, as the outline has them; those
    in the contents carry their entry's number (``toc``, None for the others).
    """
    outline = bookmarks(PdfReader(io.BytesIO(pdf)))
    if len(outline) != len(headings):
        raise RuntimeError(f"the outline has {len(outline)} bookmarks for {len(headings)} headings")
    pages: dict[int, int] = {}
    for (title, page), heading in zip(outline, headings, strict=True):
        # (Chromium repeats a heading that opens a page in its bookmark's title)
        if not title.startswith(heading["title"]):
            raise RuntimeError(f"bookmark {title!r} stands where heading {heading['title']!r} is")
        if heading["toc"] is not None:
            pages[heading["toc"]] = page
    return [pages[i] for i in range(len(pages))]


# A ToUnicode entry "<glyph> <00xx>" that names a control character (below U+0020).
_CONTROL_TARGET = re.compile(rb"(?m)^(<[0-9A-Fa-f]{4}>[ \t]*)<00[01][0-9A-Fa-f]>[ \t]*$")


def mend_spaces(writer: PdfWriter) -> None:
    """Let the space of NanumGothic read as a space.

    NanumGothic draws U+0000-U+001F and the space with one glyph; Chromium's text map
    names the first of them, U+0001, so the Korean PDF's spaces would copy and search
    as control characters.  Control characters are never printed, so the glyph is the space.
    """
    for page in writer.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            to_unicode = font.get_object().get("/ToUnicode")
            if to_unicode is None:
                continue
            stream = to_unicode.get_object()
            data = stream.get_data()
            mended = _CONTROL_TARGET.sub(rb"\1<0020>", data)
            if mended != data:
                stream.set_data(mended)


def renumber_node_ids(writer: PdfWriter) -> None:
    """Name the structure elements in document order.

    Chromium names each tagged element after its DOM node (``node00000267``), and DOM
    numbering changes from one printing to the next.  The names are renumbered in the
    order of the structure tree, wherever they stand: the elements' ``/ID``, the table
    cells' ``/Headers`` and the id tree, which is rebuilt sorted.
    """
    tree = writer.root_object.get("/StructTreeRoot")
    if tree is None:
        return
    tree = tree.get_object()
    names: dict[str, str] = {}
    elements: list[tuple[dict, object]] = []
    stack: list[object] = [tree.get("/K")]
    while stack:  # depth first, in document order
        ref = stack.pop()
        item = ref.get_object() if hasattr(ref, "get_object") else ref
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict) and item.get("/Type") == "/StructElem":
            elements.append((item, ref))
            if "/ID" in item:
                names[str(item["/ID"])] = f"pifi{len(names):06d}"
            if "/K" in item:
                stack.append(item["/K"])
    id_tree = []
    for element, ref in elements:
        if "/ID" in element:
            element[NameObject("/ID")] = TextStringObject(names[str(element["/ID"])])
            id_tree.append((str(element["/ID"]), ref))
        attributes = element.get("/A")
        attributes = attributes.get_object() if attributes is not None else []
        for attribute in attributes if isinstance(attributes, list) else [attributes]:
            attribute = attribute.get_object()
            if isinstance(attribute, dict) and "/Headers" in attribute:
                attribute[NameObject("/Headers")] = ArrayObject(
                    TextStringObject(names.get(str(h), str(h))) for h in attribute["/Headers"])
    if "/IDTree" in tree:
        pairs = ArrayObject()
        for name, ref in sorted(id_tree, key=lambda pair: pair[0]):
            pairs.extend([TextStringObject(name), ref])
        tree[NameObject("/IDTree")] = DictionaryObject({NameObject("/Names"): pairs})


def drop_unreferenced(writer: PdfWriter) -> None:
    """Drop the objects nothing refers to any more (the old id tree), down to its leaves:
    pypdf drops one level per pass."""
    while True:
        live = sum(obj is not None for obj in writer._objects)
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        if sum(obj is not None for obj in writer._objects) == live:
            return


def finish(pdf: bytes, lang: str, title: str) -> bytes:
    """The PDF with fixed metadata (title and language, no dates, an id from its content),
    structure ids in document order, and spaces that read as spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    mend_spaces(writer)
    renumber_node_ids(writer)
    drop_unreferenced(writer)
    writer.metadata = None
    writer.add_metadata({"/Title": title, "/Creator": "pifi-ablation make pdf"})
    writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    # Chromium's file id and dates change with every printing: the id is the digest of the
    # file written without one.
    writer._ID = ArrayObject([ByteStringObject(bytes(16)), ByteStringObject(bytes(16))])
    draft = io.BytesIO()
    writer.write(draft)
    digest = hashlib.md5(draft.getvalue(), usedforsecurity=False).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
