"""Messages as data: every form renders in both languages, round-trips, and is used."""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pifi_ablation.coverage import coverage
from pifi_ablation.errors import GridError, LogError
from pifi_ablation.messages import FORMS, Message, ko
from pifi_ablation.sources import measured
from upstream_factory import write_upstream_results

ROOT = Path(__file__).resolve().parents[1]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
FIELD = re.compile(r"\{(\w+)[^}]*\}")

# Values for every parameter a form names (a nested reason where a form quotes one).
SAMPLE = {"key": "lambda_scale", "value": 3.0, "folder": 5.0, "rows": 8, "layers": 28, "cols": 4, "heads": 28,
          "first": "a/b.json", "fields": "'epoch'", "model": "Qwen2-7B", "expected": 28, "path": "g.txt",
          "line": 25, "why": Message("cut.no-newline"), "layer": 3, "n": 2, "task": "sst2", "grid": "g.txt",
          "shown": "a, b", "suffix": "_results.txt", "name": "llama3.1", "study": "bert",
          "settings": "n_samples, lambda_scale", "n_samples": 200, "keyword_weight": 0.65,
          "lambda_scale": 3.0}
SAMPLE.update({"low": 0, "high": 1, "example": "keyword_weight=0.25", "command": "--log_dir ...",
               "datasets": "sst2, cola", "llms": "qwen2_7b", "slms": "bert, roberta", "dataset": "sst2",
               "slm": "bert", "llm": "qwen2_7b", "run": "sst2 / Qwen2-7B / seed 1", "top": 27, "grid_n": 28,
               "final": 5, "abstract": 5, "apply": 7, "effect": 0.3, "rule": 7, "last": 26,
               "detail": "Expecting value", "reason": "invalid start byte", "byte": 3, "token": "acc",
               "text": "'x'", "kind": Message("kind.number"), "default": 3.0, "field": "llm",
               "task_type": "classification", "values": "a, b"})
CALLABLE = {"summary.read": {"logs": 3, "grids": 2, "runs": 1, "models": ("Qwen2-7B",), "tasks": 1,
                             "seeds": (), "pending": 1, "skipped": 0},
            "expect.number": {"low": 0.0, "high": 1.0, "low_open": False, "nullable": True},
            "line.lacks": {"line": "layer=3", "fields": ("acc",)}}


def sample(code: str) -> Message:
    if code in CALLABLE:
        return Message(code, **CALLABLE[code])
    template = FORMS[code].en.replace("{{", "").replace("}}", "")
    return Message(code, **{name: SAMPLE[name] for name in FIELD.findall(template)})


@pytest.mark.parametrize("code", sorted(FORMS))
def test_every_form_renders_in_both_languages(code):
    m = sample(code)
    assert m.en and m.ko and m.en != m.ko
    assert HANGUL.search(m.ko), m.ko
    literal_braces = "{{" in str(FORMS[code].en)  # a form that shows a pattern such as {task}_...
    assert literal_braces or "{" not in m.en + m.ko
    assert "None" not in m.en + m.ko
    assert str(m) == m.en and m.text("ko") == m.ko == ko(m)
    assert m.severity in {"assumption", "warning", "note", "summary", "reason", "error"}


def test_a_reason_is_rendered_in_the_language_of_the_message_quoting_it():
    why = Message("pending.in-progress", layers="20-23")
    m = Message("runs.pending", n=1, task="sst2", model="Qwen2-7B", why=why, grid="g.txt")
    assert "grid in progress (layers 20-23 not tested yet) (g.txt)" in m.en
    assert why.ko in m.ko and "grid in progress" not in m.ko


def test_a_message_about_many_files_names_the_first_three():
    m = Message("grid.default-layer").about(["a", "b", "c", "d"])
    assert m.en.endswith("(4 files: a, b, c, ...)") and m.ko.endswith("(파일 4개: a, b, c, ...)")
    assert m.as_json()["files"] == ["a", "b", "c", "d"] and m.path == "a"
    assert Message("grid.default-layer").about(["a"]).en.endswith("(1 file: a)")


def test_a_message_survives_pickling_with_its_code_and_parameters():
    m = Message("grid.cut-unmeasured", path="g.txt", line=3, why=Message("cut.fields"),
                layer=Message("layer.last")).about(["g.txt"])
    back = pickle.loads(pickle.dumps(m))
    assert (back, back.code, back.ko, back.files) == (m, m.code, m.ko, m.files)


def test_an_unknown_code_is_a_programming_error():
    with pytest.raises(KeyError, match=r"no message form 'no\.such'"):
        Message("no.such")


def test_every_form_is_used_by_the_package():
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "pifi_ablation").rglob("*.py")
                       if p.name != "messages.py")
    unused = [code for code in FORMS if f'"{code}"' not in source]
    assert unused == []


def test_an_error_has_a_code_a_path_and_both_languages():
    err = LogError("a.json", "seed", "got string 'x'", "an integer >= 0")
    said = err.as_json()
    assert said == {"code": "log.unusable", "severity": "error", "path": "a.json", "key": "seed",
                    "en": "a.json: seed: got string 'x'; expected an integer >= 0", "ko": err.ko}
    assert "기대" in err.ko


def test_an_error_the_loader_writes_says_its_problem_in_korean(tmp_path):
    root = tmp_path / "results"
    write_upstream_results(root)
    log = sorted((root / "selection_logs").glob("*.json"))[0]
    log.write_text(log.read_text().replace('"seed": 2023', '"seed": "x"'))
    (error,) = measured.read(root).problems
    assert str(error).endswith("seed: got string 'x'; expected an integer >= 0")
    assert error.code == "log.value.wrong-type"
    assert error.ko.endswith("seed: 받은 값: 문자열 'x'; 기대한 것: 0 이상의 정수")
    grid = GridError("g.txt", "line 3", "bad")
    assert grid.ko == "g.txt: 3번째 줄: bad" and str(grid) == "g.txt: line 3: bad"
    assert LogError("a.json", "line 2, column 7", "x").ko == "a.json: 2번째 줄, 7번째 열: x"


def test_the_loader_says_everything_as_messages(tmp_path):
    root = tmp_path / "results"
    write_upstream_results(root)
    reading = measured.read(root)
    report = coverage(reading)
    said = [*reading.assumptions, *reading.warnings, *reading.notes.values(), report.summary,
            *(p.reason for p in reading.pending), *(why for _, why in reading.skipped)]
    assert said and all(isinstance(m, Message) for m in said), [m for m in said if not isinstance(m, Message)]


def test_validate_json_prints_every_message_with_code_severity_path_and_both_languages(tmp_path):
    root = tmp_path / "results"
    write_upstream_results(root)
    log = sorted((root / "selection_logs").glob("*.json"))[0]
    log.write_text(log.read_text().replace('"seed": 2023', '"seed": "x"'))
    run = subprocess.run([sys.executable, "-m", "pifi_ablation", "validate", "--json", str(root)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1
    out = json.loads(run.stdout)
    assert out["usable"] is False
    report = coverage(measured.read(root))
    assert len(out["messages"]) == 1 + len(report.assumptions) + len(report.warnings) + len(report.notes) + 1
    for m in out["messages"]:
        assert set(m) >= {"code", "severity", "path", "en", "ko"}
        assert m["code"] in FORMS or m["severity"] == "error"
    error = next(m for m in out["messages"] if m["severity"] == "error")
    assert error["path"] == "selection_logs/" + log.name and error["key"] == "seed"
    assert any(m["code"] == "runs.pending" and HANGUL.search(m["ko"]) for m in out["messages"])
    only = subprocess.run([sys.executable, "-m", "pifi_ablation", "validate", "--json", "--errors-only",
                           str(root)], capture_output=True, text=True, cwd=ROOT)
    assert [m["severity"] for m in json.loads(only.stdout)["messages"]] == ["error"]


def test_validate_json_of_a_path_that_is_not_a_folder_is_json_too(tmp_path):
    missing = tmp_path / "no-such-folder"
    run = subprocess.run([sys.executable, "-m", "pifi_ablation", "validate", "--json", str(missing)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2  # a usage error
    (error,) = json.loads(run.stdout)["messages"]
    assert (error["code"], error["severity"]) == ("source.folder.not-a-folder", "error")
    assert error["ko"].endswith("폴더가 아님; 기대한 것: 선택 로그(*_seed<N>.json)와 "
                                "그리드 파일(*_results.txt)이 있는 결과 폴더, 또는 'demo'")
    assert "error:" in run.stderr
