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


def test_quick_kernels_give_a_page_the_same_outputs(monkeypatch):
    """The build's kernel manager (book/_ext/warm_kernels.py) skips jupyter_client's idle waits at
    a kernel's start and stop; a notebook it runs has every output it has with nbclient's own."""
    import sys

    import nbclient
    import nbformat

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        from warm_kernels import QuickClient, QuickManager
    finally:
        sys.path.pop(0)

    started = []
    wait_for_ready = QuickClient.wait_for_ready

    async def counted(self, timeout=None):
        started.append(type(self))
        await wait_for_ready(self, timeout)

    monkeypatch.setattr(QuickClient, "wait_for_ready", counted)

    def run(**options):
        nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                               "display_name": "Python 3"}})
        nb.cells = [nbformat.v4.new_code_cell("print('first cell')"),
                    nbformat.v4.new_code_cell("from IPython.display import display, HTML\n"
                                              "display(HTML('<b>shown</b>'), metadata={'k': 1})\n6 * 7"),
                    nbformat.v4.new_code_cell("import sys; print('to stderr', file=sys.stderr)")]
        nbclient.NotebookClient(nb, **options).execute()
        return [[{key: value for key, value in output.items() if key != "execution_count"}
                 for output in cell.outputs] for cell in nb.cells]

    quick = run(kernel_manager_class=QuickManager)
    assert started == [QuickClient]  # the quick client started the kernel
    assert quick == run()
    assert quick[0] == [{"output_type": "stream", "name": "stdout", "text": "first cell\n"}]
    assert len(quick[1]) == 2 and quick[1][0]["metadata"] == {"k": 1}  # the display, then 42
