"""The site's lightening after a build (book/_ext/arrival.py): pages lightened once, the theme's
icon catalogue trimmed to the icons the pages name, the icon font subset; a build that wrote no
page reads none and subsets no font again."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pydata_sphinx_theme

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
import arrival

FONT = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "vendor"
        / "fontawesome" / "webfonts" / "fa-solid-900.ttf")
CSS = (".fa-bars:before{content:\"\\f0c9\"}.fa-file:before{content:\"\\f15b\"}"
       ".fa-moon:before{content:\"\\f186\"}")
PAGE = ('<html><body><i class="fa-solid fa-{icon}"></i>'
        '<script defer src="_static/scripts/fontawesome.js"></script></body></html>')


def _site(root: Path) -> Path:
    out = root / "html"
    (out / arrival.FONT_FOLDER).mkdir(parents=True)
    shutil.copy(FONT, out / arrival.FONT_FOLDER / "fa-solid-900.ttf")
    (out / arrival.THEME_CSS).parent.mkdir(parents=True)
    (out / arrival.THEME_CSS).write_text(CSS, encoding="utf-8")
    (out / "a.html").write_text(PAGE.format(icon="bars"), encoding="utf-8")
    (out / "b.html").write_text(PAGE.format(icon="file"), encoding="utf-8")
    return out


def test_a_second_pass_over_an_unchanged_site_reads_no_page_and_subsets_no_font(tmp_path, monkeypatch):
    out, state = _site(tmp_path), tmp_path / "state.json"
    arrival._lighten_site(out, state)
    first = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.html")}
    assert all("fontawesome.js" not in page and "pifi-noscript" in page for page in first.values())
    trimmed = (out / arrival.THEME_CSS).read_text(encoding="utf-8")
    assert "fa-bars" in trimmed and "fa-file" in trimmed and "fa-moon" not in trimmed
    subset = (out / arrival.FONT_FOLDER / arrival.SUBSET_FONT).read_bytes()

    lightened, subsets = [], []
    monkeypatch.setattr(arrival, "lighten", lambda text, search: lightened.append(text) or text)
    monkeypatch.setattr(arrival, "subset_font", lambda font, points: subsets.append(points) or b"")
    (out / arrival.THEME_CSS).write_text(CSS, encoding="utf-8")  # as Sphinx copies it anew
    arrival._lighten_site(out, state)
    assert lightened == [] and subsets == []
    assert (out / arrival.THEME_CSS).read_text(encoding="utf-8") == trimmed  # icons of unread pages kept
    assert (out / arrival.FONT_FOLDER / arrival.SUBSET_FONT).read_bytes() == subset

    (out / "b.html").write_text(PAGE.format(icon="moon"), encoding="utf-8")  # a page written again
    (out / arrival.THEME_CSS).write_text(CSS, encoding="utf-8")
    arrival._lighten_site(out, state)
    assert len(lightened) == 1 and "fa-moon" in lightened[0]
    assert len(subsets) == 1  # another icon, another subset
    assert "fa-moon" in (out / arrival.THEME_CSS).read_text(encoding="utf-8")


def test_subsetting_the_icon_font_prints_no_notes_into_the_build(caplog):
    """fontTools logs what it pruned at INFO, which a build's output showed line by line (27 lines
    with timestamps); the subset is made without them."""
    import logging

    with caplog.at_level(logging.INFO):
        woff = arrival.subset_font(FONT, {0xF0C9})
    assert woff.startswith(b"wOFF")
    assert [r.getMessage() for r in caplog.records if r.name.startswith("fontTools")] == []
    assert logging.getLogger("fontTools").level == logging.NOTSET  # as it was
