"""``check-paper``: papers with typed, stale and unknown numbers, claims whose verdict or best setting
changed, out-of-date figures; paper/example.tex stays clean."""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import pifi_ablation
from pifi_ablation import release
from pifi_ablation.check_paper import check
from pifi_ablation.export import export_all
from pifi_ablation.findings import findings
from upstream_factory import write_upstream_results

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pifi_ablation", *args], capture_output=True, text=True,
                          check=False)


@pytest.fixture(scope="module")
def found():
    return findings(pifi_ablation.load("demo"))


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A paper folder beside a fresh export of the demo, as the authors' repository holds it."""
    root = tmp_path_factory.mktemp("project")
    export_all(pifi_ablation.load("demo"), root / "figures")
    (root / "paper").mkdir()
    return root


def _paper(project: Path, body: str, name: str = "main.tex", **inputs: str) -> Path:
    folder = Path(shutil.copytree(project, project.parent / f"{project.name}-{abs(hash(body)) % 10**8}",
                                  dirs_exist_ok=True))
    for rel, text in inputs.items():
        path = folder / "paper" / f"{rel}.tex"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    main = folder / "paper" / name
    main.write_text("\\input{../figures/findings_macros.tex}\n" + body, encoding="utf-8")
    return main


def _tex(text: str) -> str:
    return text.replace("%", "\\%")


def test_the_example_paper_is_clean():
    result = check(ROOT / "paper" / "example.tex", source="demo", strict=False)
    assert result.items == []
    assert result.status == 0


def test_typed_numbers_name_their_macro(project, found):
    body = "\n".join([
        f"The best weight recovers {_tex(found['kw_recovery_best'].text)} on average,",
        f"{found['kw_default_shortfall'].text} percentage points above the default.",
        f"Sensitivity correlates with the gap ($\\rho = {found['task_rho'].text}$).",
        f"Selection takes {found['ss_time_largest'].text}~s at the largest size.",
        "Nothing else: 95\\% intervals, 3 tables, 0.25in margins.",
    ])
    sections = {"sections/results": f"\nThe default recovers {_tex(found['kw_recovery_default'].text)}.\n"}
    main = _paper(project, body + "\n\\input{sections/results}\n", **sections)
    result = check(main, source="demo")
    typed = {(i.file, i.line): i for i in result.items if i.kind == "typed"}
    assert set(typed) == {("main.tex", 2), ("main.tex", 3), ("main.tex", 4), ("main.tex", 5),
                          ("sections/results.tex", 2)}
    assert "\\pifiKeywordWeightRecoveryBest" in typed[("main.tex", 2)].fix
    assert "\\pifiKeywordWeightDefaultShortfall" in typed[("main.tex", 3)].fix
    assert "\\pifiTaskRho" in typed[("main.tex", 4)].fix
    assert "\\pifiSampleSizeTimeLargest" in typed[("main.tex", 5)].fix
    assert "\\pifiKeywordWeightRecoveryDefault" in typed[("sections/results.tex", 2)].fix
    assert result.status == 0  # typed numbers are true today: for the authors to read, not an error


def test_integers_and_settings_only_with_strict(project, found):
    main = _paper(project, f"We use {found['ss_best_n'].text} samples. % a comment: 0.65\n")
    assert not check(main, source="demo").items
    strict = check(main, source="demo", strict=True)
    assert [i.kind for i in strict.items] == ["typed"]
    assert "\\pifiSampleSizeBestN" in strict.items[0].fix


def _previous(found_record: dict, tmp_path: Path, **texts: str) -> tuple[dict, Path]:
    """A previous release's record where the findings ``texts`` names read otherwise."""
    rec = copy.deepcopy(found_record)
    rec["version"] = "0.9.0"
    for f in rec["findings"]:
        if f["key"] in texts:
            f["text"] = f["text_ko"] = texts[f["key"]]
    archive = tmp_path / "previous.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"pifi-ablation-appendix/{release.RECORD_NAME}", release.dumps(rec))
    return rec, archive


@pytest.fixture(scope="module")
def demo_record():
    return release.record(release.load_source("demo"))


def test_stale_numbers_and_changed_claims(project, found, demo_record, tmp_path):
    old_best = "0.5" if found["kw_best"].text != "0.5" else "0.9"
    rec, archive = _previous(demo_record, tmp_path, kw_recovery_best="79.9%", kw_best=old_best)
    main = _paper(project, "\n".join([
        "Before, the best weight recovered 79.9\\% on average.",
        "The best keyword weight is $\\alpha = \\pifiKeywordWeightBest$. It beats the rest.",
        "Unrelated: 79.9 apples.",
    ]))
    result = check(main, source="demo", previous=rec)
    by_kind = {i.kind: i for i in result.items}
    assert by_kind["stale"].line == 2 and "0.9.0" in by_kind["stale"].found
    assert "\\pifiKeywordWeightRecoveryBest" in by_kind["stale"].fix
    assert by_kind["claim"].line == 3
    assert "The best keyword weight is" in by_kind["claim"].found
    assert "It beats the rest" not in by_kind["claim"].found  # the sentence, not the line
    assert result.status == 1
    cli = _cli("check-paper", str(main), "--previous", str(archive), "--source", "demo")
    assert cli.returncode == 1, cli.stderr
    assert "main.tex:2: stale" in cli.stdout and "main.tex:3: claim" in cli.stdout


def test_unknown_macros_and_macros_without_data(project, tmp_path):
    main = _paper(project, "\n".join([
        "\\newcommand{\\pifiOurOwn}{x} \\pifiOurOwn{} is the authors' own.",
        "The best is \\pifiKeywordWeightBestt{}.",
        "Selection takes \\pifiSampleSizeTimeSmallest{} s.",
    ]))
    demo = check(main, source="demo")
    assert [(i.kind, i.line) for i in demo.items] == [("unknown", 3)]
    assert "\\pifiKeywordWeightBest?" in demo.items[0].fix
    assert demo.status == 1
    # upstream logs no elapsed_sec: on measured data the time macro has no value
    results = write_upstream_results(tmp_path / "results")
    measured = check(main, source=str(results.root))
    assert ("no data", 4) in [(i.kind, i.line) for i in measured.items]


def test_an_out_of_date_figure_is_an_error(project):
    main = _paper(project, "\\includegraphics{../figures/ablation_sample_size.pdf}\n"
                           "\\input{../figures/table_model_size.tex}\n")
    assert check(main, source="demo").items == []
    table = main.parent.parent / "figures" / "table_model_size.tex"
    table.write_text(table.read_text(encoding="utf-8") + "% edited\n", encoding="utf-8")
    result = check(main, source="demo")
    assert [(i.kind, i.line) for i in result.items] == [("figure", 3)]
    assert result.status == 1


def test_only_the_figures_the_paper_includes_are_drawn(project, monkeypatch):
    """A per-layer figure is compared as an ablation figure is; the others are not drawn."""
    from pifi_ablation import export

    asked: list[list[str]] = []
    real = export.export_figures

    def recorded(*args, names=None, **kwargs):
        asked.append(sorted(names))
        return real(*args, names=names, **kwargs)

    monkeypatch.setattr(export, "export_figures", recorded)
    main = _paper(project, "\\includegraphics{../figures/ablation_sample_size.pdf}\n"
                           "\\includegraphics{../figures/layer_curves.png}\n")
    assert check(main, source="demo").items == []
    assert asked == [["layer_curves", "sample_size"]]
    (main.parent.parent / "figures" / "layer_curves.png").write_bytes(b"edited")
    assert [(i.kind, i.line) for i in check(main, source="demo").items] == [("figure", 3)]


def test_ignored_lines_and_unusable_input(project, found, tmp_path):
    main = _paper(project, f"A baseline of {_tex(found['kw_recovery_best'].text)}. % check-paper: ignore\n")
    assert check(main, source="demo").items == []
    missing = _cli("check-paper", str(tmp_path / "nowhere.tex"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    broken = tmp_path / "old.zip"
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("pifi-ablation-appendix/provenance.json", "{}")
    no_record = _cli("check-paper", str(main), "--previous", str(broken), "--source", "demo")
    assert no_record.returncode == 2 and "findings.json" in no_record.stderr


def test_a_copy_of_the_macros_file_beside_the_paper_is_not_prose(project):
    """Authors copy the export's files next to the paper: they are compared, never read as text."""
    main = _paper(project, "\\input{findings_macros}\nThe share is \\pifiSampleSizeShare{}.\n")
    shutil.copy(main.parent.parent / "figures" / "findings_macros.tex", main.parent / "findings_macros.tex")
    assert check(main, source="demo").items == []
    (main.parent / "findings_macros.tex").write_text("% stale copy\n", encoding="utf-8")
    assert [i.kind for i in check(main, source="demo").items] == ["figure"]
