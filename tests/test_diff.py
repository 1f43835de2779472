"""``diff OLD NEW``: runs added, removed and changed, findings changed with their flags, --json, exit
codes; flags tested on constructed records holding the keys other work adds (verdicts, paired
differences with intervals)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pifi_ablation import diff, release
from upstream_factory import write_upstream_results


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pifi_ablation", *args], capture_output=True, text=True,
                          check=False)


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    return write_upstream_results(tmp_path_factory.mktemp("upstream") / "results")


def _finding(key, value, text, *, ci=None, n=None, fmt="pct", text_ko=None):
    ci_text = None if ci is None else f"[{ci[0]}, {ci[1]}]"
    return {"key": key, "value": value, "fmt": fmt, "description": f"about {key}", "ci": ci, "n": n,
            "text": text, "text_ko": text_ko or text, "ci_text": ci_text}


def _record(*found, version="1.0.0"):
    return {"format": 1, "version": version, "date_released": "2026-01-01",
            "source": {"kind": "measured", "content_hash": "0" * 64}, "files": {}, "runs": [],
            "findings": list(found)}


def _side(rec, spec="x.zip"):
    return diff.Side(spec, "archive", rec)


OLD = _record(
    _finding("kw_best", 0.65, "0.65", fmt="setting"),
    _finding("ss_recommended_n", 100, "100", fmt="int"),
    _finding("kw_verdict", None, "not distinguishable from the default", fmt="name",
             text_ko="기본값과 구별되지 않는다"),
    _finding("kw_best_vs_default_diff", -0.012, "-1.2", ci=[-0.03, 0.006], n=7, fmt="pp"),
    _finding("model_largest_vs_smallest_diff", 0.05, "5.0", ci=[0.01, 0.09], n=7, fmt="pp"),
    _finding("ss_recovery_best", 0.82, "82.0%", ci=[0.80, 0.84], n=5),
    _finding("task_rho", 0.40, "0.40", n=7, fmt="rho"),
    _finding("ss_time_smallest", None, "not logged", ci=None, n=0, fmt="sec"),
    _finding("lam_recovery_best", 0.9, "90.0%", ci=[0.85, 0.95], n=5),
    _finding("gone_key", 1, "1", fmt="int"),
)
NEW = _record(
    _finding("kw_best", 0.75, "0.75", fmt="setting"),
    _finding("ss_recommended_n", 100, "100", fmt="int"),
    _finding("kw_verdict", None, "better than the default by 2.1 percentage points", fmt="name",
             text_ko="기본값보다 2.1%p 좋다"),
    _finding("kw_best_vs_default_diff", 0.021, "2.1", ci=[0.004, 0.038], n=7, fmt="pp"),
    _finding("model_largest_vs_smallest_diff", 0.06, "6.0", ci=[0.02, 0.10], n=7, fmt="pp"),
    _finding("ss_recovery_best", 0.83, "83.0%", ci=[0.81, 0.85], n=6),
    _finding("task_rho", -0.10, "-0.10", n=7, fmt="rho"),
    _finding("ss_time_smallest", float("nan"), "not logged", ci=None, n=0, fmt="sec"),
    _finding("lam_recovery_best", 0.9, "90.0%", ci=[0.85, 0.95], n=5),
    _finding("ss_verdict", None, "the default is the best", fmt="name"),
)


def test_flags_on_constructed_records():
    changes = {c.key: c for c in diff.compare_findings(OLD, NEW)}
    assert changes["kw_best"].flags == ("best",)
    assert changes["kw_verdict"].flags == ("verdict",)
    assert changes["kw_verdict"].text("ko") == ("기본값과 구별되지 않는다", "기본값보다 2.1%p 좋다")
    # -1.2 -> 2.1: the sign changed and 2.1 lies above the old interval [-3.0, 0.6]
    assert changes["kw_best_vs_default_diff"].flags == ("sign", "outside")
    # 5.0 -> 6.0 inside [1.0, 9.0], same n: listed, not flagged
    assert changes["model_largest_vs_smallest_diff"].flags == ()
    assert changes["ss_recovery_best"].flags == ("n",)
    assert changes["task_rho"].flags == ("sign",)  # no interval, but a signed quantity
    assert changes["ss_verdict"].flags == ("added",)
    assert changes["gone_key"].flags == ("removed",)
    # unchanged (same text): not listed, also when the value is undefined (None, NaN)
    assert "ss_recommended_n" not in changes and "lam_recovery_best" not in changes
    assert "ss_time_smallest" not in changes


def test_flagged_rows_come_first():
    order = [c.key for c in diff.compare_findings(OLD, NEW)]
    flagged = {"kw_best", "kw_verdict", "kw_best_vs_default_diff", "ss_recovery_best", "task_rho"}
    assert set(order[:len(flagged)]) == flagged
    assert set(order[len(flagged):len(flagged) + 2]) == {"ss_verdict", "gone_key"}
    assert order[-1] == "model_largest_vs_smallest_diff"


def test_undefined_values_do_not_break_the_flags():
    old = _finding("kw_best_vs_default_diff", None, "n/a", ci=None, n=0, fmt="pp")
    new = _finding("kw_best_vs_default_diff", 0.02, "2.0", ci=[0.01, 0.03], n=5, fmt="pp")
    assert diff.flags("kw_best_vs_default_diff", old, new) == ("n",)
    assert diff.flags("kw_best_vs_default_diff", new, old) == ("n",)
    nan_ci = {**new, "ci": [float("nan"), float("nan")]}
    assert diff.flags("kw_best_vs_default_diff", nan_ci, new) == ()


def test_text_and_json_say_the_same(tmp_path):
    result = diff.diff_records(_side(OLD, "old.zip"), _side(NEW, "new.zip"))
    text = result.text()
    assert "kw_best: 0.65 -> 0.75  [best setting changed]" in text
    assert "old.zip (version 1.0.0, released 2026-01-01)" in text
    assert f"Findings: {len(result.findings)} changed of {len(NEW['findings'])} (5 flagged)" in text
    data = json.loads(json.dumps(result.as_json(), allow_nan=True))
    assert [f["key"] for f in data["findings"]] == [c.key for c in result.findings]


def _copy(upstream, tmp_path, name):
    return Path(shutil.copytree(upstream.root, tmp_path / name))


def test_runs_added_removed_and_changed(upstream, tmp_path):
    new = _copy(upstream, tmp_path, "new")
    truth = upstream.runs
    usable = [r for r in truth if r.path.name.startswith("classification_sst2_qwen2_0.5b")]
    # removed: one log
    removed = usable[0].path.relative_to(upstream.root)
    (new / removed).unlink()
    # added: the same run with another seed
    added = json.loads((upstream.root / removed).read_text(encoding="utf-8"))
    added["seed"] = 7
    (new / removed.parent / removed.name.replace("seed2023", "seed7")).write_text(json.dumps(added))
    # changed: one grid, so every run of its (task, model) changes
    grid = upstream.grid_paths[("cola", "Qwen2-1.5B")]
    (new / grid.relative_to(upstream.root)).write_text(grid.read_text().replace("acc=0.", "acc=0.0", 1))
    result = diff.diff(str(upstream.root), str(new))
    assert [r["seed"] for r in result.runs.added] == [7]
    assert [r["log"] for r in result.runs.removed] == [removed.as_posix()]
    expected = sorted(r.path.relative_to(upstream.root).as_posix() for r in truth
                      if (r.task, r.model) == ("cola", "Qwen2-1.5B"))
    assert sorted(b["log"] for _, b in result.runs.changed) == expected
    assert result.findings  # the grid's accuracy moved, so did some finding


def test_a_folder_against_its_own_archive_record_is_unchanged(upstream, tmp_path):
    rec = release.record(release.load_source(str(upstream.root)))
    archive = tmp_path / "release.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"pifi-ablation-appendix/{release.RECORD_NAME}", release.dumps(rec))
    result = _cli("diff", str(archive), str(upstream.root), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["findings"] == []
    assert data["runs"] == {"added": [], "removed": [], "changed": []}
    assert data["old"]["kind"] == "archive" and data["new"]["kind"] == "folder"


def test_demo_against_a_folder_lists_every_run_as_added(upstream):
    result = diff.diff("demo", str(upstream.root))
    assert len(result.runs.added) == len(upstream.runs)
    assert not result.runs.removed and not result.runs.changed


def test_an_archive_without_findings_is_a_clear_message(tmp_path):
    old = tmp_path / "old-release.zip"
    with zipfile.ZipFile(old, "w") as z:
        z.writestr("pifi-ablation-appendix/provenance.json", "{}")
    result = _cli("diff", str(old), "demo")
    assert result.returncode == 1
    assert "holds no findings.json" in result.stderr and "made before" in result.stderr
    assert "Traceback" not in result.stderr


def test_exit_codes(upstream, tmp_path):
    assert _cli("diff", "demo").returncode == 2  # usage: one side missing
    missing = _cli("diff", "demo", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    broken = _copy(upstream, tmp_path, "broken")
    log = next(broken.rglob("*_seed*.json"))
    log.write_text("{", encoding="utf-8")
    unusable = _cli("diff", "demo", str(broken))
    assert unusable.returncode == 1
    assert log.relative_to(broken).as_posix() in unusable.stderr
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    assert _cli("diff", str(text), "demo").returncode == 1
    same = _cli("diff", "demo", "demo")
    assert same.returncode == 0 and "nothing changed" in same.stdout
