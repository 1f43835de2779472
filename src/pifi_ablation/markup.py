"""The HTML of the book's blocks, from Jinja2 templates (``templates/``, next to this module).

Every value is escaped by the template (autoescape) unless it is already HTML, which the caller
marks with :func:`html` (a fragment another template rendered, or a table pandas wrote).  A
template's line breaks and indentation are for reading it only: the loader joins its lines, so
the blocks come out on one line, as the pages have always shown them; a sentence is therefore
never broken across template lines.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).with_name("templates")


def html(fragment: str) -> Any:
    """``fragment`` marked as HTML: a template pastes it as it is."""
    from markupsafe import Markup

    return Markup(fragment)


@cache
def _environment() -> Any:
    import jinja2

    class _JoinedLines(jinja2.FileSystemLoader):
        def get_source(self, environment: jinja2.Environment, template: str):
            source, filename, uptodate = super().get_source(environment, template)
            return "".join(line.strip() for line in source.splitlines()), filename, uptodate

    return jinja2.Environment(loader=_JoinedLines(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=False)


def render(template: str, **context: Any) -> str:
    """Template ``template`` filled with ``context``, as a plain string of HTML."""
    return str(_environment().get_template(template).render(**context))


def macro(template: str, name: str) -> Any:
    """Macro ``name`` of ``template`` (templates share small pieces, such as the two-language pair)."""
    return getattr(_environment().get_template(template).module, name)
