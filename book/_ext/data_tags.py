"""Tags that say which ablations the data source has data for, so a page can leave out the
sentences that quote a finding the data cannot give.

Any subset of the ablations renders (a lab's folder often holds default runs only).  Prose
that quotes an ablation's numbers sits in ``{only} pifi_data_<ablation>`` blocks; the page's
setup cell shows, in their place, what is missing and the command that produces it
(``Page.data_status``).  ``pifi_data_any`` is set when any ablation has data.  The tags are read
from the same source the pages execute against (``paths.default_source``).
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config

PREFIX = "pifi_data_"


def _add_tags(app: Sphinx, config: Config) -> None:
    from pifi_ablation.book import data_tags

    for tag in data_tags():
        app.tags.add(tag)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("config-inited", _add_tags)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
