"""Tags that say which ablations the data source has data for, so a page can leave out the
sentences that quote a finding the data cannot give.

Any subset of the ablations renders (a lab's folder often holds default runs only).  Prose
that quotes an ablation's numbers sits in ``{only} pifi_data_<ablation>`` blocks; the page's
setup cell shows, in their place, what is missing and the command that produces it
(``Page.data_status``).  ``pifi_data_any`` is set when any ablation has data.  The tags are read
from the same source the pages execute against (``paths.default_source``).

They are kept in the build's doctree folder with the fingerprint of code and data
(``fresh_and_fast``) they were computed for, so a rebuild with nothing changed neither imports
pandas nor loads the data to find them again.
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

PREFIX = "pifi_data_"


def _tags(app: Sphinx) -> list[str]:
    from fresh_and_fast import app_fingerprint  # the sibling extension (book/_ext)

    kept = Path(app.doctreedir) / "pifi_data_tags.json"
    current = app_fingerprint(app)
    try:
        saved = json.loads(kept.read_text(encoding="utf-8"))
        if saved["fingerprint"] == current:
            return list(saved["tags"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    from pifi_ablation.book import data_tags

    tags = sorted(data_tags())
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(json.dumps({"fingerprint": current, "tags": tags}), encoding="utf-8")
    return tags


def _add_tags(app: Sphinx, config: Config) -> None:
    for tag in _tags(app):
        app.tags.add(tag)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("config-inited", _add_tags)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
