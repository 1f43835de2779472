"""Finding the files of a results folder by their names, and telling the study's files from
the others that real folders hold (grids of other LLMs or SLMs, base runs, notes).

Names are upstream's (PIFI-ILM at commit 11b64ce):

* selection logs ``{task}_{dataset}_{llm}_seed{seed}.json`` (``run_selection_only.py``);
* grid results ``{dataset}_{model_type}_{llm_model}_results.txt`` (the test code of
  ``Classification/`` and ``TextualEntailment/``, written to ``PiFi_Classification/`` and
  ``PiFi_TextualEntailment/`` under its ``--result_path``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pifi_ablation import registry
from pifi_ablation.messages import Message

LOG_NAME = re.compile(r"^(?P<stem>.+)_seed(?P<seed>[0-9]+)\.json$")
GRID_SUFFIX = "_results.txt"
STUDY_SLM = "bert"

# Upstream's --llm_model and --model_type choices (Classification/utils/arguments.py): a grid
# file named with one of these but outside the study is another experiment's, not a typo.
UPSTREAM_LLMS: tuple[str, ...] = (
    "llama2", "llama3", "llama3.1", "llama3.1_instruct", "mistral0.1", "mistral0.3", "qwen2_7b",
    "qwen2_0.5b", "qwen2_1.5b", "qwen2_72b", "gemma2", "falcon", "kollama", "gerllama", "chillama")
UPSTREAM_SLMS: tuple[str, ...] = (
    "bert", "bert_large", "modern_bert", "smollm", "roberta", "albert", "electra", "deberta",
    "debertav3", "bert-large", "roberta-large", "kcbert", "mbert")


def _longest_first(names: tuple[str, ...] | list[str]) -> list[str]:
    return sorted(names, key=len, reverse=True)


_LLMS = _longest_first(sorted(set(UPSTREAM_LLMS) | set(registry.LLM_TYPES)))
_SLMS = _longest_first(UPSTREAM_SLMS)
_DATASETS = _longest_first(list(registry.DATASET_NAMES))


@dataclass(frozen=True)
class GridName:
    """What a grid file's name says: its dataset, SLM and LLM, and whether the study uses it."""

    dataset: str
    slm: str
    llm: str
    outside: Message | None  # why the file is outside the study, or None

    @property
    def in_study(self) -> bool:
        return self.outside is None


def grid_name(name: str, slm: str = STUDY_SLM) -> GridName | None:
    """Split ``{dataset}_{slm}_{llm}_results.txt``; None when the name is not of that form.

    Dataset and LLM names hold underscores themselves, so known names are matched at both
    ends (longest first).

    >>> grid_name("sst2_bert_qwen2_1.5b_results.txt")
    GridName(dataset='sst2', slm='bert', llm='qwen2_1.5b', outside=None)
    >>> grid_name("sst2_bert_llama3.1_results.txt").outside
    'another LLM (llama3.1)'
    """
    if not name.endswith(GRID_SUFFIX):
        return None
    stem = name[: -len(GRID_SUFFIX)]
    llm = next((m for m in _LLMS if stem.endswith("_" + m) and len(stem) > len(m) + 1), None)
    if llm is None:
        return None
    rest = stem[: -len(llm) - 1]
    dataset = next((d for d in _DATASETS if rest.startswith(d + "_") and len(rest) > len(d) + 1), None)
    if dataset is not None:
        model_type = rest[len(dataset) + 1:]
    else:
        model_type = next((s for s in _SLMS if rest.endswith("_" + s) and len(rest) > len(s) + 1), None)
        if model_type is None:
            return None
        dataset = rest[: -len(model_type) - 1]
    if dataset not in registry.DATASET_NAMES:
        why: Message | None = Message("outside.dataset", name=dataset)
    elif llm not in registry.LLM_TYPES:
        why = Message("outside.llm", name=llm)
    elif model_type != slm:
        why = Message("outside.slm", name=model_type, study=slm)
    else:
        why = None
    return GridName(dataset, model_type, llm, why)


def log_outside(name: str) -> Message | None:
    """Why a selection log is outside the study by its name (an LLM upstream knows but the
    study does not use), or None."""
    match = LOG_NAME.match(name)
    if match is None:
        return None
    stem = match["stem"]
    llm = next((m for m in _LLMS if stem.endswith("_" + m)), None)
    if llm is not None and llm not in registry.LLM_TYPES:
        return Message("outside.llm", name=llm)
    return None


@dataclass
class Scan:
    """The files under a results folder, as :func:`scan` finds them.

    ``files`` are paths relative to the folder, through any link, in a fixed order; each
    file is listed once, by the first path that reaches it (``copies`` maps every other path
    that resolves to the same file to that first one).  ``hidden`` lists the hidden folders
    skipped (``.ipynb_checkpoints``, ``.git``: other tools' files, not the study's),
    ``loops`` the linked folders not entered again, ``broken`` the links to nothing (also in
    ``files``: one named as a log or grid is unusable input).
    """

    files: list[str] = field(default_factory=list)
    copies: dict[str, str] = field(default_factory=dict)
    hidden: list[str] = field(default_factory=list)
    loops: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)


def scan(root: Path) -> Scan:
    """Every file under ``root``, following links to folders and files (the README says "copy
    or link"), each read once by its resolved path, a linked folder entered once (no loops);
    hidden folders are skipped."""
    found = Scan()
    seen_dirs = {os.path.realpath(root)}
    seen_files: dict[str, str] = {}
    # Depth first, each folder's entries in name order, as os.walk(followlinks=True) would visit
    # them; os.scandir's entries know without another system call whether they are links, so a
    # folder of thousands of logs costs no stat per file.
    stack = [(os.fspath(root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=_name)
        except OSError:
            continue  # as os.walk: a folder that cannot be listed holds nothing to read
        real_here = os.path.realpath(folder)
        keep = []
        for entry in entries:
            if not _is_dir(entry):
                continue
            if entry.name.startswith("."):
                found.hidden.append(prefix + entry.name)
                continue
            real = os.path.realpath(entry.path)
            if real in seen_dirs:  # a link back up, or a second link to a folder already read
                found.loops.append(prefix + entry.name)
                continue
            seen_dirs.add(real)
            keep.append((entry.path, prefix + entry.name + "/"))
        for entry in entries:
            if _is_dir(entry):
                continue
            rel = prefix + entry.name
            if entry.is_symlink():
                if not Path(entry.path).exists():  # listed: by its name a log or grid the study cannot read
                    found.broken.append(rel)
                    found.files.append(rel)
                    continue
                real = os.path.realpath(entry.path)
            else:
                real = os.path.join(real_here, entry.name)  # noqa: PTH118  (a string per file, no Path)
            if real in seen_files:
                found.copies[rel] = seen_files[real]
                continue
            seen_files[real] = rel
            found.files.append(rel)
        stack.extend(reversed(keep))
    return found


def _name(entry: os.DirEntry) -> str:
    return entry.name


def _is_dir(entry: os.DirEntry) -> bool:
    """A folder, or a link to one (as os.walk counts it)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def walk(root: Path) -> list[str]:
    """Every file under ``root`` (see :func:`scan`), as a path relative to it with ``/``."""
    return scan(root).files
