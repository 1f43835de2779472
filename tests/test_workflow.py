"""The GitHub workflow: valid, audited, and doing what the README says CI does."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "appendix.yml"
BIN = Path(sys.executable).parent
COMMIT_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _using(steps: list[dict], action: str) -> list[dict]:
    return [step for step in steps if step.get("uses", "").startswith(f"{action}@")]


def _zizmor(path: Path) -> list[dict]:
    """zizmor's findings (offline, the default persona) for the workflows at ``path``."""
    result = subprocess.run([str(BIN / "zizmor"), "--offline", "--no-progress", "--format", "json",
                             str(path)], capture_output=True, text=True, check=False)
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


def test_workflow_validates_against_the_github_schema():
    result = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                             str(WORKFLOW)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_of_high_severity():
    findings = _zizmor(WORKFLOW)
    high = [(f["ident"], f["determinations"]["severity"]) for f in findings
            if f["determinations"]["severity"] == "High"]
    assert high == []
    assert findings == [], [f["ident"] for f in findings]


@pytest.mark.parametrize(("change", "ident"), [
    ("unpin", "unpinned-uses"),
    ("inject", "template-injection"),
])
def test_zizmor_would_catch_a_bad_change(tmp_path, change, ident):
    """The audit is live: an action pinned by tag, or a context pasted into a shell, is high."""
    text = WORKFLOW.read_text(encoding="utf-8")
    if change == "unpin":
        text = re.sub(r"actions/checkout@[0-9a-f]{40}", "actions/checkout@v7", text)
    else:
        text = text.replace("run: make book", 'run: echo "${{ github.event.head_commit.message }}"')
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "appendix.yml").write_text(text, encoding="utf-8")
    found = {(f["ident"], f["determinations"]["severity"]) for f in _zizmor(folder / "appendix.yml")}
    assert (ident, "High") in found


def test_every_action_is_pinned_by_commit(workflow):
    uses = [step["uses"] for step in _steps(workflow) if "uses" in step]
    assert uses
    assert [u for u in uses if not COMMIT_PIN.match(u)] == []
    # each pin names its release, for the reader and for update tools
    text = WORKFLOW.read_text(encoding="utf-8")
    for line in text.splitlines():
        if re.search(r"uses: \S+@[0-9a-f]{40}", line):
            assert re.search(r"# v\d+(\.\d+)*$", line), line


def test_least_permissions(workflow):
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    for step in _using(_steps(workflow), "actions/checkout"):
        assert step["with"]["persist-credentials"] is False


def test_it_runs_the_readme_commands_on_push_and_pull_request(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"push", "pull_request"}
    runs = [step["run"] for step in workflow["jobs"]["build"]["steps"] if "run" in step]
    assert "bash scripts/system-deps.sh" in runs
    order = [runs.index(f"make {target}") for target in ("test", "book", "pdf", "archive")]
    assert order == sorted(order)
    for command in runs:
        if command.startswith("make "):
            target = command.split()[1]
            dry = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True,
                                 check=False)
            assert dry.returncode == 0, f"the Makefile has no target {target!r}: {dry.stderr}"
    assert "make test" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_pip_is_cached_by_the_pinned_requirements(workflow):
    [cache] = _using(workflow["jobs"]["build"]["steps"], "actions/cache")
    assert cache["with"]["path"] == "~/.cache/pip"
    assert "hashFiles('appendix/requirements.txt'" in cache["with"]["key"]


def test_uploads_and_deploys_the_book(workflow):
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    uploads = [s["with"]["path"] for s in _using(build["steps"], "actions/upload-artifact")]
    assert "appendix/figures/" in uploads
    assert "appendix/_build/pdf/appendix-*.pdf" in uploads
    assert "appendix/_build/pifi-ablation-appendix.zip" in uploads
    [pages] = _using(build["steps"], "actions/upload-pages-artifact")
    assert pages["with"]["path"] == "appendix/_build/html"
    default_branch = ("github.event_name == 'push' && "
                      "github.ref_name == github.event.repository.default_branch")
    assert pages["if"] == default_branch
    assert deploy["if"] == default_branch
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
