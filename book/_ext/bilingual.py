"""Bilingual markup for the appendix: ``{en}``/``{ko}`` roles and directives.

A role wraps inline text (headings, captions) and a directive wraps blocks
(paragraphs, lists, equations) in an element of class ``lang-en`` or ``lang-ko``.

*Its static files*: ``book/_static/language.js``, the switch, shows one language at a time
(a two-button group, ``?lang=``, the choice kept in local storage); ``theme_words.js`` puts
the words outside those blocks (the theme's buttons, tooltips, labels, footer, caption
numbers, the tab title) into the language shown.
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
    # Sphinx orders a page's scripts by priority.  The switch comes after the theme's and the
    # extensions' scripts (500), at html_js_files' default (800), accessibility.js
    # (page_assets.py, 790) just before it; the theme's words after it, as they are switched
    # through the window.pifiLanguage.follow it defines, and search_ko.js (820) after them.
    app.add_js_file("language.js", priority=800)
    app.add_js_file("theme_words.js", priority=810)
    # The two languages' styles (which language shows), where html_css_files put them (800).
    app.add_css_file("language.css", priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
