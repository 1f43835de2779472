"""The one Chromium launcher (scripts/chromium.py) of make_pdf and the browser tests, checked
with a stand-in for Playwright: no browser is started."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
chromium = importlib.import_module("chromium")
make_pdf = importlib.import_module("make_pdf")


class _Launcher:
    """Records what Playwright's ``chromium.launch`` is asked for."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def launch(self, **options) -> str:
        self.calls.append(options)
        return "browser"


def test_every_caller_gets_debians_chromium_offline_and_its_own_arguments_after():
    launcher = _Launcher()
    playwright = SimpleNamespace(chromium=launcher)
    assert chromium.launch(playwright) == "browser"
    assert chromium.launch(playwright, ["--disable-quic"]) == "browser"
    plain, extra = launcher.calls
    assert plain["executable_path"] == "/usr/bin/chromium-headless-shell"
    assert {"--no-sandbox", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"} <= set(plain["args"])
    assert extra["args"] == [*plain["args"], "--disable-quic"]


def test_make_pdf_prints_with_the_arguments_it_always_had():
    launcher = _Launcher()
    chromium.launch(SimpleNamespace(chromium=launcher), make_pdf.PRINT_ARGS)
    assert sorted(launcher.calls[0]["args"]) == sorted([
        "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--font-render-hinting=none",
        "--disable-dev-shm-usage"])


def test_a_missing_chromium_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(chromium, "CHROMIUM", tmp_path / "chromium")
    launcher = _Launcher()
    with pytest.raises(chromium.ChromiumMissing,
                       match=r"Debian's chromium-headless-shell .*make setup installs it"):
        chromium.launch(SimpleNamespace(chromium=launcher))
    assert launcher.calls == []
    # make_pdf stops with the message alone, before it writes anything
    with pytest.raises(SystemExit, match="make setup installs it"):
        make_pdf.main([str(tmp_path / "site"), str(tmp_path / "pdf")])
    assert list(tmp_path.iterdir()) == []
