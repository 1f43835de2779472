"""Bilingual markup for the appendix: ``{en}``/``{ko}`` roles and directives.

A role wraps inline text (headings, captions) and a directive wraps blocks
(paragraphs, lists, equations) in an element of class ``lang-en`` or ``lang-ko``.
``book/_static/language.js`` shows one language at a time.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx

LANGUAGES = ("en", "ko")


def _role(lang: str):
    def role(name, rawtext, text, lineno, inliner, options=None, content=None):
        return [nodes.inline(rawtext, text, classes=[f"lang-{lang}"])], []

    return role


def _directive(lang: str) -> type[Directive]:
    class LanguageBlock(Directive):
        has_content = True

        def run(self):
            self.assert_has_content()
            node = nodes.container(classes=[f"lang-{lang}"])
            self.state.nested_parse(self.content, self.content_offset, node)
            return [node]

    LanguageBlock.__name__ = f"LanguageBlock_{lang}"
    return LanguageBlock


def setup(app: Sphinx) -> dict[str, object]:
    for lang in LANGUAGES:
        app.add_role(lang, _role(lang))
        app.add_directive(lang, _directive(lang))
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
