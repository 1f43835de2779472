"""The live preview (``make serve``): a changed chapter is rebuilt and the open page reloads."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
NOT_COPIED = shutil.ignore_patterns(".venv", "_build", ".git", "results", ".pytest_cache", ".ruff_cache",
                                    "__pycache__", "*.egg-info")
PATIENCE = 900  # seconds to wait for a build; generous for a shared CI machine
# Debian's Chromium, started as make_pdf and test_browser.py start it (scripts/chromium.py).
sys.path.insert(0, str(ROOT / "scripts"))
chromium = importlib.import_module("chromium")

pytestmark = pytest.mark.book


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_page(url: str, server: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server stopped:\n" + log.read_text(errors="replace")[-5000:]
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    raise AssertionError("the page was never served:\n" + log.read_text(errors="replace")[-5000:])


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project, so the test can edit a chapter."""
    return Path(shutil.copytree(ROOT, tmp_path / "project", ignore=NOT_COPIED))


def test_a_changed_chapter_is_rebuilt_and_the_browser_reloads(project, tmp_path):
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "PIFI_ABLATION_SOURCE": "demo", "PYTHONWARNINGS": "ignore"}
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "scripts/serve.py", "--port", str(port)],
                                  cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/book/sample_size.html"
        first = _wait_for_page(url, server, log)
        assert "websocket-reload" in first, "the page carries the reload script"
        assert (project / "_build" / "serve" / "_build" / "html" / "book" / "sample_size.html").is_file()

        marker = f"Marker {uuid.uuid4().hex}."
        with sync_playwright() as p:
            browser = chromium.launch(p)
            page = browser.new_page()
            page.goto(url, wait_until="load")
            assert marker not in page.inner_text("body")
            chapter = project / "book" / "sample_size.md"
            text = chapter.read_text(encoding="utf-8")
            chapter.write_text(f"{text}\n::::{{en}}\n{marker}\n::::\n\n::::{{ko}}\n{marker}\n::::\n",
                               encoding="utf-8")
            # The test never reloads: the page must reload itself once the rebuild is done.
            page.wait_for_function("m => !!document.body && document.body.innerText.includes(m)",
                                   arg=marker, timeout=PATIENCE * 1000, polling=250)
            browser.close()
        assert marker in _wait_for_page(url, server, log)
        # The book's freshness rules hold: the changed chapter alone was read and executed again.
        rebuild = re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(errors="replace")).split(
            "changed: book/sample_size.md", 1)[1]
        assert "0 added, 1 changed, 0 removed" in rebuild
        executed = re.findall(r"book/(\w+)\.md: Executing notebook", rebuild)
        assert executed == ["sample_size"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
