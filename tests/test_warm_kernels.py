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
    """The loaded data and the findings, and the pages' HTML templates compiled: once, in the
    zygote, not in each page's kernel."""
    monkeypatch.setenv("MPLBACKEND", os.environ.get("MPLBACKEND", "Agg"))
    spec = importlib.util.spec_from_file_location("warm_kernels_zygote",
                                                  ROOT / "book" / "_ext" / "warm_kernels_zygote.py")
    zygote = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(zygote)
    from pifi_ablation import markup, pages

    pages._load.cache_clear()
    pages._findings.cache_clear()
    markup._environment.cache_clear()
    zygote._preload()
    assert pages._load.cache_info().currsize == 1
    assert pages._findings.cache_info().currsize == 1
    compiled = {name for _, name in markup._environment().cache}  # Jinja2's (loader, name) keys
    assert compiled == {path.name for path in markup.TEMPLATES.glob("*.html")}


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


def test_gluing_flushes_the_streams_once_and_keeps_the_outputs_in_order():
    """A page's setup cell glues a few hundred findings without ipykernel's flush of stdout and
    stderr before each (pifi_ablation.pages._streams_flushed_once): what was printed before
    still comes first, and the kernel flushes before each display again afterwards."""
    import nbclient
    import nbformat

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                           "display_name": "Python 3"}})
    nb.cells = [nbformat.v4.new_code_cell(
        "import sys\n"
        "from myst_nb import glue\n"
        "from pifi_ablation.pages import _streams_flushed_once\n"
        "publisher = get_ipython().display_pub\n"
        "print('before')\n"
        "with _streams_flushed_once():\n"
        "    skipped = publisher._flush_streams.__name__\n"
        "    for i in range(3):\n"
        "        glue(f'key{i}', i, display=False)\n"
        "print('after', skipped, publisher._flush_streams.__func__ is type(publisher)._flush_streams)\n")]
    nbclient.NotebookClient(nb).execute()
    outputs = nb.cells[0].outputs
    assert [o.get("text", o.get("metadata", {}).get("scrapbook", {}).get("name")) for o in outputs] == [
        "before\n", "key0", "key1", "key2", "after <lambda> True\n"]




def test_a_page_kernel_is_forked_from_the_zygote_with_its_preload_frozen(monkeypatch):
    """A page's kernel is the zygote's child, and what the zygote preloaded is out of the garbage
    collector's sight there (its collections would otherwise walk the whole inherited heap)."""
    import sys

    import nbclient
    import nbformat

    monkeypatch.setenv("PIFI_ABLATION_SOURCE", "demo")
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        import warm_kernels
    finally:
        sys.path.pop(0)
    warm_kernels.start()
    try:
        zygote = warm_kernels._STATE["zygote"].pid
        nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                               "display_name": "Python 3"}})
        nb.cells = [nbformat.v4.new_code_cell(
            "import gc, os\nprint(os.getppid(), gc.get_freeze_count() > 10_000, gc.isenabled())")]
        nbclient.execute(nb, cwd=str(ROOT / "book"), kernel_manager_class=warm_kernels.QuickManager)
    finally:
        warm_kernels.stop()
    assert nb.cells[0].outputs[0]["text"] == f"{zygote} True True\n"
