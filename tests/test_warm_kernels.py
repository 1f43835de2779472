"""The warm kernels' zygote preloads what every page's kernel needs: it imports the package and
fills the pages' caches of the loaded data and the findings.  Its preload forgives failures
(a page's kernel then reports them itself), so a broken preload would only make the build
slower without a word: this checks that it does its work."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_zygote_preload_fills_the_pages_caches(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", os.environ.get("MPLBACKEND", "Agg"))
    spec = importlib.util.spec_from_file_location("warm_kernels_zygote",
                                                  ROOT / "book" / "_ext" / "warm_kernels_zygote.py")
    zygote = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(zygote)
    from pifi_ablation import pages

    pages._load.cache_clear()
    pages._findings.cache_clear()
    zygote._preload()
    assert pages._load.cache_info().currsize == 1
    assert pages._findings.cache_info().currsize == 1
