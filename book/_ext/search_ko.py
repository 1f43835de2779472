"""Search that finds Korean words by their stem.

Sphinx's English search splits on word characters and stems English words; a Korean
word carries its particles and endings (회복률은, 회복률이, 회복하는), so a search for
"회복" matched none of them.  The index built here is Sphinx's English one, plus, for
every Hangul word, each of its prefixes of two syllables or more: 회복률은 is found by
회복, 회복률 and 회복률은.  The query side needs nothing new (Sphinx's JavaScript leaves
Hangul as typed).

*Its static file* (``book/_static/search_ko.js``): the search page in the language shown,
Sphinx's messages in Korean and excerpts cut around the words as typed, from the text of
the language shown.
"""

from __future__ import annotations

import re

from sphinx import search
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.search.en import SearchEnglish

LANGUAGE = "pifi_en_ko"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


class SearchEnglishKorean(SearchEnglish):
    """English search whose index also holds the prefixes of Korean words."""

    lang = "en"
    language_name = "English and Korean"

    def split(self, input: str) -> list[str]:
        words = super().split(input)
        prefixes = [word[:end] for word in words if HANGUL.match(word)
                    for end in range(2, len(word))]
        return words + prefixes


def _configure(app: Sphinx, config: Config) -> None:
    config.html_search_language = LANGUAGE


def setup(app: Sphinx) -> dict[str, object]:
    search.languages[LANGUAGE] = SearchEnglishKorean
    # After the language switch (language.js, 800) and the theme's words (theme_words.js,
    # 810), whose functions it calls (bilingual.py).
    app.add_js_file("search_ko.js", priority=820)
    app.connect("config-inited", _configure)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
