"""Tags that say which ablations the data source has data for, so a page can leave out the
sentences that quote a finding the data cannot give.

Any subset of the ablations renders (a lab's folder often holds default runs only).  Prose
that quotes an ablation's numbers sits in ``{only} pifi_data_<ablation>`` blocks; the page's
setup cell shows, in their place, what is missing and the command that produces it
(``Page.data_status``).  ``pifi_data_any`` is set when any ablation has data.  The tags are read
from the same source the pages execute against (``paths.default_source``).

They are kept in the build's doctree folder with the fingerprint of code and data
(``rebuild_fingerprint``) they were computed for, so a rebuild with nothing changed neither imports
pandas nor loads the data to find them again.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

PREFIX = "pifi_data_"


def _tags(app: Sphinx) -> list[str]:
    from rebuild_fingerprint import app_fingerprint  # the sibling extension (book/_ext)

    kept = Path(app.doctreedir) / "pifi_data_tags.json"
    current = app_fingerprint(app)
    try:
        saved = json.loads(kept.read_text(encoding="utf-8"))
        if saved["fingerprint"] == current:
            return list(saved["tags"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    from pifi_ablation.pages import data_tags

    tags = sorted(data_tags())
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(json.dumps({"fingerprint": current, "tags": tags}), encoding="utf-8")
    return tags


def _add_tags(app: Sphinx, config: Config) -> None:
    for tag in _tags(app):
        app.tags.add(tag)


# Sections that only a tag's data fills, by section id (MyST's ``{only}`` cannot hold a
# heading): without the tag the section, its heading and its entry in the contents go.  The
# reproducibility chapter's coverage report exists for a results folder only (the demo source
# has no runs to count).
TAGGED_SECTIONS = {"coverage-of-the-ablation-grid": "pifi_source_results"}


def _drop_sections(app: Sphinx, doctree: nodes.document) -> None:
    for section in list(doctree.findall(nodes.section)):
        tags = [TAGGED_SECTIONS[i] for i in section["ids"] if i in TAGGED_SECTIONS]
        if tags and not all(app.tags.has(tag) for tag in tags):
            section.parent.remove(section)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("config-inited", _add_tags)
    app.connect("doctree-read", _drop_sections, priority=400)  # before the contents are collected
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
