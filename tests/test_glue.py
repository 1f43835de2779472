"""A page glues the findings its chapter quotes (pifi_ablation.pages.glued_page): each glued value
is a message from the page's kernel and an output MyST-NB keeps, and a chapter quotes at most a
quarter of them.  A key the chapter quotes but the page did not glue fails the build (MyST-NB
warns, and warnings are errors); these tests check the reading of the chapters."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from book_build import CHAPTERS
from pifi_ablation import pages

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"


def test_a_chapters_keys_are_its_glue_roles_and_those_of_what_it_includes(tmp_path):
    (tmp_path / "_snippets").mkdir()
    (tmp_path / "_snippets" / "part.md").write_text("Quoted {glue}`from_snippet`.\n", encoding="utf-8")
    chapter = tmp_path / "page.md"
    chapter.write_text("# Page\n\n{glue}`plain` and {glue:text}`formatted:.2f` twice {glue}`plain`.\n\n"
                       "```{include} _snippets/part.md\n```\n\n```{glue:figure} fig_page\n```\n",
                       encoding="utf-8")
    assert pages.chapter_glue_keys(chapter) == {"plain", "formatted", "from_snippet"}
    (tmp_path / "_snippets" / "part.md").unlink()
    assert pages.chapter_glue_keys(chapter) is None  # an include it cannot read: glue everything
    assert pages.chapter_glue_keys(tmp_path / "missing.md") is None


def _glued(monkeypatch, chapter: str | None) -> list[str]:
    import myst_nb

    glued: list[str] = []
    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: glued.append(key))
    monkeypatch.chdir(BOOK)  # where MyST-NB runs a page's kernel
    pages.glued_page("demo", chapter)
    return glued


def test_a_page_glues_what_its_chapter_quotes(monkeypatch):
    everything = _glued(monkeypatch, None)
    assert len(everything) == len(set(everything)) > 200
    for chapter in CHAPTERS:
        glued = _glued(monkeypatch, chapter)
        quoted = set(re.findall(r"\{glue\}`([^`]+)`", (BOOK / f"{chapter}.md").read_text(encoding="utf-8")))
        assert set(glued) == quoted, chapter
    assert {"data_source", "ss_time_caption", "ss_recommended_n"} <= set(_glued(monkeypatch, "sample_size"))
    assert _glued(monkeypatch, "intro") == []


SET_UP = [p.stem for p in sorted(BOOK.glob("*.md")) if "setup_page(" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("chapter", SET_UP)
def test_every_chapter_names_itself_to_its_setup(chapter):
    assert f'page = setup_page(chapter="{chapter}")' in (BOOK / f"{chapter}.md").read_text(encoding="utf-8")
