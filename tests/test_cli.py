"""The command line: export writes the figures; bad input is an error message, not a traceback."""

from __future__ import annotations

import subprocess
import sys

from exported import exported_files


def _run(*args):
    return subprocess.run([sys.executable, "-m", "pifi_ablation", *args], capture_output=True,
                          text=True, check=False)


def test_export_writes_figures(tmp_path):
    result = _run("export", "--source", "demo", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    # every file export writes, as committed in figures/ (the figures, tables, macros and data)
    assert sorted(str(p) for p in written) == exported_files()
    assert len([p for p in written if p.parts[0] == "data"]) >= 10  # every figure's and table's data
    assert all(str(tmp_path / name) in result.stdout for name in written)


def test_bad_source_is_a_message_not_a_traceback(tmp_path):
    result = _run("export", "--source", str(tmp_path / "nothing"), "--out", str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert str(tmp_path / "nothing") in result.stderr


def test_usage_error():
    result = _run("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
