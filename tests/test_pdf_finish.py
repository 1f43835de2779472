"""What ``make pdf`` does to Chromium's PDFs (scripts/pdf_finish.py), step by step, on small
PDFs built here with pypdf the way Chromium writes them: no browser, no book."""

from __future__ import annotations

import hashlib
import importlib
import io
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
pdf_finish = importlib.import_module("pdf_finish")


def _name(key: str) -> NameObject:
    return NameObject(key)


def _element(writer: PdfWriter, role: str, **entries) -> object:
    """A structure element, added to ``writer``; its indirect reference."""
    element = DictionaryObject({_name("/Type"): _name("/StructElem"), _name("/S"): _name(role)})
    element.update({_name(f"/{key}"): value for key, value in entries.items()})
    return writer._add_object(element)


def _string(text: str) -> TextStringObject:
    return TextStringObject(text)


def _tagged(nodes: tuple[int, int, int] = (267, 12, 100), *, created: str = "D:20261130120000Z",
            file_id: bytes = b"chromium-file-id") -> bytes:
    """A PDF tagged as Chromium tags one: a heading, then a table whose data cell points to its
    header cell, each element named after its DOM node (``nodes``: heading, header, data cell),
    an id tree two levels deep, a creation date and a file id of the printing."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    heading_id, header_id, cell_id = (f"node{n:08d}" for n in nodes)
    heading = _element(writer, "/H1", ID=_string(heading_id))
    header = _element(writer, "/TH", ID=_string(header_id))
    headers = DictionaryObject({_name("/O"): _name("/Table"),
                                _name("/Headers"): ArrayObject([_string(header_id)])})
    cell = _element(writer, "/TD", ID=_string(cell_id), A=headers)
    table = _element(writer, "/Table", K=ArrayObject([header, cell]))
    document = _element(writer, "/Document", K=ArrayObject([heading, table]))
    names = sorted([(heading_id, heading), (header_id, header), (cell_id, cell)])
    leaf = writer._add_object(DictionaryObject({
        _name("/Names"): ArrayObject(x for name, ref in names for x in (_string(name), ref)),
        _name("/Limits"): ArrayObject([_string(names[0][0]), _string(names[-1][0])])}))
    id_tree = writer._add_object(DictionaryObject({_name("/Kids"): ArrayObject([leaf])}))
    root = DictionaryObject({_name("/Type"): _name("/StructTreeRoot"), _name("/K"): document,
                             _name("/IDTree"): id_tree})
    writer.root_object[_name("/StructTreeRoot")] = writer._add_object(root)
    writer.add_metadata({"/Producer": "Skia/PDF", "/CreationDate": created, "/ModDate": created})
    writer._ID = ArrayObject([ByteStringObject(file_id), ByteStringObject(file_id)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _tree(reader: PdfReader) -> dict[str, object]:
    """The tagged elements of ``_tagged``'s PDF by role, and its id tree's names."""
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    document = root["/K"].get_object()
    heading, table = (k.get_object() for k in document["/K"])
    header, cell = (k.get_object() for k in table["/K"])
    return {"heading": heading, "header": header, "cell": cell, "id_tree": root["/IDTree"].get_object()}


def test_node_ids_are_renumbered_in_document_order():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_tagged((267, 12, 100)))))
    pdf_finish.renumber_node_ids(writer)
    out = io.BytesIO()
    writer.write(out)
    tree = _tree(PdfReader(out))
    # depth first: the heading, then the table's header cell, then its data cell
    assert tree["heading"]["/ID"] == "pifi000000"
    assert tree["header"]["/ID"] == "pifi000001"
    assert tree["cell"]["/ID"] == "pifi000002"
    assert list(tree["cell"]["/A"]["/Headers"]) == ["pifi000001"]  # still its header cell
    names = list(tree["id_tree"]["/Names"])
    assert names[::2] == ["pifi000000", "pifi000001", "pifi000002"]
    assert [ref.get_object()["/S"] for ref in names[1::2]] == ["/H1", "/TH", "/TD"]


def test_a_pdf_without_structure_is_left_alone():
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    pdf_finish.renumber_node_ids(writer)
    assert "/StructTreeRoot" not in writer.root_object


def test_unreferenced_objects_are_dropped_down_to_the_leaves():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_tagged())))
    tree = writer.root_object["/StructTreeRoot"].get_object()
    old = tree.raw_get("/IDTree")  # its leaf is referenced by it alone
    leaf = old.get_object()["/Kids"][0]
    del tree[_name("/IDTree")]
    live = [obj for obj in writer._objects if obj is not None]
    pdf_finish.drop_unreferenced(writer)
    assert writer._objects[old.idnum - 1] is None and writer._objects[leaf.idnum - 1] is None
    assert len([obj for obj in writer._objects if obj is not None]) == len(live) - 2
    assert writer.root_object["/StructTreeRoot"]["/K"].get_object()["/S"] == "/Document"


def _text_pdf(codes_to_unicode: dict[int, int], text: bytes) -> bytes:
    """One page showing ``text`` (two-byte glyph codes) in a Type 0 font whose text map names
    the characters ``codes_to_unicode`` gives, as Chromium writes its fonts."""
    writer = PdfWriter()
    page = writer.add_blank_page(300, 100)
    entries = "\n".join(f"<{code:04X}> <{char:04X}>" for code, char in codes_to_unicode.items())
    cmap = DecodedStreamObject()
    cmap.set_data(("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                   "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
                   f"{len(codes_to_unicode)} beginbfchar\n{entries}\nendbfchar\n"
                   "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode())
    descendant = DictionaryObject({
        _name("/Type"): _name("/Font"), _name("/Subtype"): _name("/CIDFontType2"),
        _name("/BaseFont"): _name("/NanumGothic"), _name("/DW"): NumberObject(500),
        _name("/CIDSystemInfo"): DictionaryObject({
            _name("/Registry"): _string("Adobe"), _name("/Ordering"): _string("Identity"),
            _name("/Supplement"): NumberObject(0)})})
    font = DictionaryObject({
        _name("/Type"): _name("/Font"), _name("/Subtype"): _name("/Type0"),
        _name("/BaseFont"): _name("/NanumGothic"), _name("/Encoding"): _name("/Identity-H"),
        _name("/DescendantFonts"): ArrayObject([writer._add_object(descendant)]),
        _name("/ToUnicode"): writer._add_object(cmap)})
    page[_name("/Resources")] = DictionaryObject({
        _name("/Font"): DictionaryObject({_name("/F1"): writer._add_object(font)})})
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 12 Tf 10 50 Td <" + text.hex().upper().encode() + b"> Tj ET")
    page[_name("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_glyph_mapped_to_a_control_character_reads_as_a_space():
    # NanumGothic's space glyph (3) as Chromium maps it: to U+0001.  "가 나" in glyph codes.
    pdf = _text_pdf({0x0102: 0xAC00, 0x0003: 0x0001, 0x0203: 0xB098}, bytes.fromhex("010200030203"))
    assert PdfReader(io.BytesIO(pdf)).pages[0].extract_text() == "가\x01나"
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    pdf_finish.mend_spaces(writer)
    out = io.BytesIO()
    writer.write(out)
    assert PdfReader(out).pages[0].extract_text() == "가 나"


def test_only_control_characters_are_remapped():
    mapping = {0x0003: 0x001F, 0x0004: 0x0020, 0x0005: 0x0041, 0x0006: 0x0000}
    pdf = _text_pdf(mapping, bytes.fromhex("0003000400050006"))
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    pdf_finish.mend_spaces(writer)
    cmap = writer.pages[0]["/Resources"]["/Font"]["/F1"].get_object()["/ToUnicode"].get_object().get_data()
    assert b"<0003> <0020>" in cmap and b"<0006> <0020>" in cmap  # U+001F and U+0000: control
    assert b"<0004> <0020>" in cmap and b"<0005> <0041>" in cmap  # a space and an "A" stay


TITLE = "PiFi 레이어 선택: 절제 실험 부록"


def _finished(**printing) -> bytes:
    return pdf_finish.finish(_tagged(**printing), "ko", TITLE)


def test_finish_sets_title_and_language_and_drops_the_dates():
    reader = PdfReader(io.BytesIO(_finished()))
    assert reader.metadata == {"/Title": TITLE, "/Creator": "pifi-ablation make pdf"}
    assert reader.trailer["/Root"]["/Lang"] == "ko"
    assert reader.trailer["/Root"]["/StructTreeRoot"]["/K"].get_object()["/S"] == "/Document"


def test_the_file_id_is_the_digest_of_the_file_written_without_one():
    pdf = _finished()
    file_id = PdfReader(io.BytesIO(pdf)).trailer["/ID"]
    digest = file_id[0].original_bytes
    assert file_id[1].original_bytes == digest and len(digest) == 16
    # the same file with the id zeroed, as it was written first
    draft = pdf.replace(digest.hex().encode(), bytes(16).hex().encode())
    assert draft.count(bytes(16).hex().encode()) == 2
    assert hashlib.md5(draft, usedforsecurity=False).digest() == digest


def test_two_printings_of_the_same_page_give_the_same_bytes():
    """Chromium's printings differ in their date, their file id and the DOM node numbers;
    the finished PDFs do not, and keep none of them."""
    first = _finished(nodes=(267, 12, 100), created="D:20261130120000Z", file_id=b"first printing!!")
    again = _finished(nodes=(5011, 4870, 4993), created="D:20261201093000Z", file_id=b"second printing!")
    assert first == again
    for old in (b"node0000", b"D:2026", b"first printing", b"Skia"):
        assert old not in first


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_different_page_gives_a_different_file_id(lang):
    one = PdfReader(io.BytesIO(pdf_finish.finish(_tagged(), lang, "One"))).trailer["/ID"][0].original_bytes
    two = PdfReader(io.BytesIO(pdf_finish.finish(_tagged(), lang, "Two"))).trailer["/ID"][0].original_bytes
    assert one != two


def _outlined(titles: list[tuple[str, int, bool]]) -> bytes:
    """A PDF of four pages with a bookmark per (title, 1-based page, nested under the last
    top-level bookmark)."""
    writer = PdfWriter()
    for _ in range(4):
        writer.add_blank_page(100, 100)
    parent = None
    for title, page, nested in titles:
        item = writer.add_outline_item(title=title, page_number=page - 1, parent=parent if nested else None)
        if not nested:
            parent = item
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


OUTLINE = [("Title", 1, False), ("Contents", 2, False), ("Main  results", 3, False),
           ("Findings", 3, True), ("Sample size Sample size", 4, False), ("Findings", 4, True)]
HEADINGS = [{"title": "Title", "toc": None}, {"title": "Contents", "toc": None},
            {"title": "Main results", "toc": 0}, {"title": "Findings", "toc": 1},
            {"title": "Sample size", "toc": 2}, {"title": "Findings", "toc": None}]


def test_bookmarks_are_read_in_document_order_with_their_pages():
    marks = pdf_finish.bookmarks(PdfReader(io.BytesIO(_outlined(OUTLINE))))
    assert marks == [("Title", 1), ("Contents", 2), ("Main results", 3), ("Findings", 3),
                     ("Sample size Sample size", 4), ("Findings", 4)]


def test_each_contents_entry_gets_the_page_of_its_heading():
    assert pdf_finish.heading_pages(_outlined(OUTLINE), HEADINGS) == [3, 3, 4]


def test_an_outline_that_does_not_match_the_headings_is_an_error():
    with pytest.raises(RuntimeError, match="5 bookmarks for 6 headings"):
        pdf_finish.heading_pages(_outlined(OUTLINE[:-1]), HEADINGS)
    swapped = [*HEADINGS[:2], HEADINGS[4], HEADINGS[3], HEADINGS[2], HEADINGS[5]]
    with pytest.raises(RuntimeError, match="stands where heading 'Sample size' is"):
        pdf_finish.heading_pages(_outlined(OUTLINE), swapped)
