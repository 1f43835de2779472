"""Where the time of a cold ``jupyter-book build`` goes: the top costs, largest first.

Times, on a clean clone of this repository's HEAD (no _build/, no cache of any kind) with the
demo source:

- the whole cold build, and each page's notebook execution as MyST-NB reports it;
- the same cold build with notebook execution switched off: Sphinx alone (parsing, the
  extensions, writing HTML, copying static files, the search index);
- a page's kernel as the build runs it (forked from the zygote of book/_ext/warm_kernels.py,
  started and stopped by its quick client), running a page's setup cell, times the number of
  executed pages;
- in a fresh interpreter, what the zygote pays once before the first page (the imports, loading
  the data, computing the findings);
- drawing each figure the book shows and saving it as the page's PNG, its phone layout and
  Korean desktop and phone versions (the page's figure laid out again and put into Korean, by a
  child of the page's kernel: ``pages.save_phone_layout``, served by book/_ext/page_layout.py),
  and the print SVG, which only the single-page build of ``make pdf`` draws.

The kernel-side costs are CPU seconds spent once per page (or per figure); the build spreads
them over the cores, so they add up to more than the build's wall time.

    .venv/bin/python benchmarks/profile_build.py
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
EXECUTED = re.compile(r"book/(\w+)\.md: Executed notebook in ([\d.]+) seconds")
# The figures the pages draw (book/*.md: page.glue_figure), and the page that draws each.
FIGURES = ("sample_size", "keyword_weight", "lambda_scale", "task_sensitivity", "model_size", "paired",
           "main_results", "layer_curves", "selection_signals")

# Run in a fresh interpreter: what one page's setup cell costs, and each figure.
IN_KERNEL = r"""
import json, sys, time
out = {}
t = time.perf_counter()
import pandas, IPython  # what every kernel imports before the package
out["imports: pandas, IPython"] = time.perf_counter() - t
t = time.perf_counter()
from pifi_ablation import pages
out["imports: pifi_ablation.pages"] = time.perf_counter() - t
t = time.perf_counter()
from pifi_ablation import figures, figures_ko  # noqa: F401
out["imports: matplotlib and the figure code"] = time.perf_counter() - t
t = time.perf_counter()
ab = pages._load("demo")
out["data load"] = time.perf_counter() - t
t = time.perf_counter()
from pifi_ablation.findings import findings
found = findings(ab)
out["findings"] = time.perf_counter() - t
figures = {}
for name in sys.argv[1:]:
    t0 = time.perf_counter()
    fig = pages.Page(ab, found).figure(name)
    t1 = time.perf_counter()
    pages.figure_png(fig)
    t2 = time.perf_counter()
    pages.figure_svg(fig)
    t3 = time.perf_counter()
    # as the build makes them (pages.save_phone_layout): the page's figure laid out again as the
    # phone layout, put into Korean, laid out again as the desktop figure
    versions = pages.figure_versions(ab, name, fig)
    pages.figure_png(next(versions)[1])
    t4 = time.perf_counter()
    for _, version in versions:
        pages.figure_png(version)
    t5 = time.perf_counter()
    figures[name] = (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)
out["figures"] = figures
print(json.dumps(out))
"""


def _build(clone: Path, out: Path, env: dict[str, str], strict: bool = True) -> tuple[float, str]:
    cmd = [str(JUPYTER_BOOK), "build", ".", "--path-output", str(out), "--keep-going"]
    if strict:
        cmd += ["--warningiserror", "--nitpick"]
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=clone, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if strict and result.returncode != 0:
        sys.exit(f"the build failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return elapsed, result.stdout + result.stderr


def _page_kernel(clone: Path, env: dict[str, str], repeat: int = 3) -> float:
    """Seconds of a page's kernel running the setup cell, as the build runs it: forked from the
    zygote, started and stopped by warm_kernels' QuickManager (the fastest of ``repeat``)."""
    import nbclient
    import nbformat

    sys.path.insert(0, str(clone / "book" / "_ext"))
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    import warm_kernels

    warm_kernels.start()
    try:
        times = []
        for _ in range(repeat):
            nb = nbformat.v4.new_notebook(metadata={"kernelspec": {
                "name": "python3", "language": "python", "display_name": "Python 3"}})
            nb.cells = [nbformat.v4.new_code_cell("from pifi_ablation.pages import setup_page\n"
                                                  "page = setup_page(chapter=\"sample_size\")")]
            start = time.perf_counter()
            nbclient.execute(nb, cwd=str(clone / "book"), kernel_manager_class=warm_kernels.QuickManager)
            times.append(time.perf_counter() - start)
    finally:
        warm_kernels.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return min(times)


def main() -> None:
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {**os.environ, "MPLBACKEND": "Agg", "PIFI_ABLATION_SOURCE": "demo", "PYTHONWARNINGS": "ignore"}
        env.pop("PIFI_ABLATION_PREVIOUS", None)
        clone = work / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)

        cold, log = _build(clone, work / "cold", env)
        pages = {name: float(s) for name, s in EXECUTED.findall(log)}

        config = clone / "_config.yml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            "execute_notebooks: force", "execute_notebooks: \"off\""), encoding="utf-8")
        sphinx, _ = _build(clone, work / "off", env, strict=False)
        subprocess.run(["git", "checkout", "--quiet", "_config.yml"], cwd=clone, check=True)

        kernel = _page_kernel(clone, env)
        probe = subprocess.run([sys.executable, "-c", IN_KERNEL, *FIGURES], cwd=clone, env=env,
                               capture_output=True, text=True, check=True)
        inside = json.loads(probe.stdout.strip().splitlines()[-1])

    n = len(pages)
    rows.append(("Sphinx alone (execution off), wall", sphinx, "once"))
    rows.append(("a page's kernel: fork, start, setup cell, stop", kernel * n, f"{kernel:.2f} s x {n} pages"))
    for key in ("imports: pandas, IPython", "imports: pifi_ablation.pages", "data load", "findings",
                "imports: matplotlib and the figure code"):
        rows.append((key, inside[key], "once, in the zygote"))
    n_fig = len(inside["figures"])
    draw = sum(f[0] for f in inside["figures"].values())
    png = sum(f[1] for f in inside["figures"].values())
    svg = sum(f[2] for f in inside["figures"].values())
    phone = sum(f[3] for f in inside["figures"].values())
    korean = sum(f[4] for f in inside["figures"].values())
    rows.append(("figure drawing", draw, f"{n_fig} figures"))
    rows.append(("figure saving: page PNG (palette)", png, f"{n_fig} figures"))
    rows.append(("figure saving: print SVG", svg, f"{n_fig} figures, by `make pdf` only, not this build"))
    children = f"{n_fig} figures, by the pages' kernels' children"
    rows.append(("phone layouts: laid out again, saved", phone, children))
    rows.append(("Korean versions (phone, desktop): put into Korean, saved", korean, children))

    print(f"cold build, wall: {cold:.2f} s ({os.cpu_count()} cores); notebook execution summed over "
          f"{n} pages: {sum(pages.values()):.2f} s")
    print()
    print(f"{'cost':44s} {'seconds':>8s}  how")
    for what, seconds, how in sorted(rows, key=lambda r: -r[1]):
        print(f"{what:44s} {seconds:8.2f}  {how}")
    print()
    print("per page, as MyST-NB reports its execution (seconds, pages run two at a time):")
    for name, seconds in sorted(pages.items(), key=lambda kv: -kv[1]):
        print(f"  {name:20s} {seconds:6.2f}")
    print()
    print("per figure (draw, PNG, SVG, phone layout, Korean versions; seconds):")
    for name, (d, p, s, ph, ko) in sorted(inside["figures"].items(), key=lambda kv: -sum(kv[1])):
        print(f"  {name:20s} {d:5.2f} {p:5.2f} {s:5.2f} {ph:5.2f} {ko:5.2f}")


if __name__ == "__main__":
    main()
