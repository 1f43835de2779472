"""A figure's phone layout and Korean versions, drawn by a child of the page's kernel while the
page goes on (``pifi_ablation.pages.save_phone_layout``), and the build's wait for them
(``book/_ext/page_layout.py``)."""

from __future__ import annotations

import importlib
import logging
import os
import sys
from pathlib import Path

import pytest

from pifi_ablation import pages

EXT = Path(__file__).resolve().parents[1] / "book" / "_ext"
NAME = "lambda_scale"  # the cheapest figure to draw
VERSIONS = (f"{NAME}.png", f"{NAME}.ko.png", f"{NAME}.ko_phone.png")


@pytest.fixture(scope="module")
def page_layout():
    sys.path.insert(0, str(EXT))
    try:
        return importlib.import_module("page_layout")
    finally:
        sys.path.remove(str(EXT))


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv(pages.PHONE_DIR_ENV, str(tmp_path))
    return tmp_path


def test_nothing_is_drawn_outside_a_build(demo, monkeypatch, tmp_path):
    monkeypatch.delenv(pages.PHONE_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    pages.save_phone_layout(demo, NAME)
    assert list(tmp_path.iterdir()) == []


def test_the_child_draws_the_phone_layout_and_the_korean_figures(demo, folder, page_layout):
    """Given the page's figure, the child puts it into Korean; what it writes is what each
    version's own drawing gives."""
    from pifi_ablation.figures import make_figure
    from pifi_ablation.figures_ko import make_figure_ko

    page_figure = make_figure(demo, NAME)
    pages.figure_png(page_figure)
    pages.save_phone_layout(demo, NAME, page_figure)
    page_layout._wait_for_drawing(folder, [NAME])
    drawn = [make_figure(demo, NAME, phone=True), make_figure_ko(demo, NAME),
             make_figure_ko(demo, NAME, phone=True)]
    for file, fig in zip(VERSIONS, drawn, strict=True):
        assert (folder / file).read_bytes() == pages.figure_png(fig), file
    assert not (folder / f".{NAME}.errors").exists()  # read and removed by the wait
    assert not [p.name for p in folder.iterdir() if p.name.startswith(f".{NAME}.") and p.suffix == ".png"]


def test_the_build_waits_for_a_child_still_drawing(demo, folder, page_layout, monkeypatch):
    import time

    def slow(ablations, name, where, figure):
        deadline = time.monotonic() + 60
        while not (where / "go").exists() and time.monotonic() < deadline:  # until the test says
            time.sleep(0.01)
        (where / f"{name}.png").write_bytes(b"drawn")
        (where / "group").write_text(f"{os.getpid()} {os.getpgrp()}")

    monkeypatch.setattr(pages, "_draw_versions", slow)
    pages.save_phone_layout(demo, NAME)
    assert not (folder / f"{NAME}.png").exists()  # the page went on before the child was done
    (folder / "go").touch()
    page_layout._wait_for_drawing(folder, [NAME])
    assert (folder / f"{NAME}.png").read_bytes() == b"drawn"
    pid, group = map(int, (folder / "group").read_text().split())
    # The child leads a group of its own: a kernel's shutdown ends the processes of its group.
    assert group == pid != os.getpgrp()


def test_what_a_child_prints_is_a_warning_of_the_build(demo, folder, page_layout, monkeypatch, caplog):
    def failing(ablations, name, where, figure):
        print("Glyph 44032 missing from font(s)", file=sys.stderr)  # as matplotlib warns
        raise RuntimeError("the Korean face is not installed")

    monkeypatch.setattr(pages, "_draw_versions", failing)
    for file in VERSIONS:  # left by an earlier build: not to be served for this one
        (folder / file).write_bytes(b"old")
    pages.save_phone_layout(demo, NAME)
    sphinx_logger = logging.getLogger("sphinx.page_layout")  # Sphinx's loggers may not propagate
    sphinx_logger.addHandler(caplog.handler)
    try:
        page_layout._wait_for_drawing(folder, [NAME])
    finally:
        sphinx_logger.removeHandler(caplog.handler)
    [message] = {r.getMessage() for r in caplog.records if NAME in r.getMessage()}
    assert "Glyph 44032 missing from font(s)" in message
    assert "RuntimeError: the Korean face is not installed" in message
    assert not any((folder / file).exists() for file in VERSIONS)  # the build draws them itself


def test_a_version_no_child_drew_is_drawn_by_the_build(demo, folder, page_layout, monkeypatch,
                                                       tmp_path_factory):
    monkeypatch.setattr(pages, "_draw_versions", lambda ablations, name, where, figure: None)
    monkeypatch.setenv("PIFI_ABLATION_SOURCE", "demo")
    pages.save_phone_layout(demo, NAME)
    outdir = tmp_path_factory.mktemp("html")
    files = page_layout._phone_images(outdir, folder, [NAME])
    assert set(files[NAME]) == {"phone", "ko", "ko_phone"}
    assert all((outdir / "_images" / file).stat().st_size > 1000 for file in files[NAME].values())
