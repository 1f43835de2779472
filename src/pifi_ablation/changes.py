"""The book's "Changes since the previous release" page and the introduction's line on it.

Shown only when ``$PIFI_ABLATION_PREVIOUS`` names an archive of an earlier release (``make
archive``): the page compares that archive's ``findings.json`` with the data this build shows,
by :mod:`pifi_ablation.diff`, flagged rows first, in both languages.  The versions and dates are
``CITATION.cff``'s recorded ``version`` and ``date-released``, never the time of the build.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import Any

from pifi_ablation import paths
from pifi_ablation.diff import FLAGS, Diff, Side, diff_records, read_archive
from pifi_ablation.markup import html as as_html
from pifi_ablation.markup import render
from pifi_ablation.pages import Html
from pifi_ablation.release import load_source, record


@cache
def _changes(archive: str, source: str) -> Diff:
    old = Side(archive, "archive", read_archive(Path(archive)))
    return diff_records(old, Side(source, "demo" if source == "demo" else "folder",
                                  record(load_source(source))))


def changes(source: str | None = None) -> Diff | None:
    """The comparison with the previous release, or None when no previous release is named."""
    archive = paths.previous_archive()
    if archive is None:
        return None
    return _changes(str(archive), source or paths.default_source())


def _released(rec: Any, lang: str) -> str:
    version = html.escape(str(rec.get("version") or ("unknown" if lang == "en" else "미상")))
    date = rec.get("date_released")
    if lang == "en":
        return f"version {version}, released {html.escape(date)}" if date else \
            f"version {version} (no release date recorded)"
    return f"버전 {version}({html.escape(date)} 배포)" if date else f"버전 {version}(배포일 기록 없음)"


def release_line_html(d: Diff) -> str:
    """One line for the introduction: this version, and how many findings changed since the previous."""
    n, old, new = len(d.findings), d.old.record, d.new.record
    en = (f"This appendix is {_released(new, 'en')}; {n} finding(s) changed since "
          f"{_released(old, 'en')}: see the chapter <em>Changes since the previous release</em>.")
    ko = (f"이 부록은 {_released(new, 'ko')}이며, {_released(old, 'ko')} 이후 결과 {n}개가 바뀌었다. "
          "‘이전 릴리스 이후 바뀐 점’ 장을 참고한다.")
    return render("wrapped.html", cls="pifi-release-line", en=as_html(f"<p>{en}</p>"),
                  ko=as_html(f"<p>{ko}</p>"))


def show_release_line() -> Html | None:
    """The introduction's line, or nothing (no output at all) without a previous release."""
    d = changes()
    return None if d is None else Html(release_line_html(d))


def changes_html(d: Diff) -> str:
    """The page's body: what was compared, the runs, and the table of changed findings."""
    r = d.runs
    name = html.escape(Path(d.old.spec).name)
    flagged = len(d.flagged)
    en = (f"This build's data compared with the release record of {_released(d.old.record, 'en')} "
          f"(archive <code>{name}</code>). Runs: {len(r.added)} added, {len(r.removed)} removed, "
          f"{len(r.changed)} changed (a file's content differs). Findings: {len(d.findings)} changed, "
          f"{flagged} flagged; flagged rows come first.")
    ko = (f"이 빌드의 데이터를 {_released(d.old.record, 'ko')}의 릴리스 기록(아카이브 "
          f"<code>{name}</code>)과 비교한다. 실행: 추가 {len(r.added)}개, 삭제 {len(r.removed)}개, 변경 "
          f"{len(r.changed)}개(파일 내용이 다름). 결과: 변경 {len(d.findings)}개, 표시된 것 {flagged}개이며 "
          "표시된 행이 먼저 온다.")
    return render("wrapped.html", cls="pifi-changes",
                  en=as_html(render("changes.html", intro=as_html(en), unchanged="No finding changed.",
                                    heads=("Finding", "Previous", "Now", "Flags"), rows=_rows(d, "en"))),
                  ko=as_html(render("changes.html", intro=as_html(ko), unchanged="바뀐 결과는 없다.",
                                    heads=("결과", "이전", "현재", "표시"), rows=_rows(d, "ko"))))


def _rows(d: Diff, lang: str) -> list[tuple]:
    """The changed findings' rows: flagged (beyond added or removed), key, description (English
    only), previous and current values (HTML), flags."""
    return [(bool(set(c.flags) - {"added", "removed"}), c.key, c.description if lang == "en" else None,
             as_html(_cell(c.old, lang)), as_html(_cell(c.new, lang)),
             "; ".join(FLAGS[f][0 if lang == "en" else 1] for f in c.flags))
            for c in d.findings]


def _cell(r: Any, lang: str) -> str:
    """A finding's text, its interval and n on lines of their own (so that a phone's column holds them)."""
    if r is None:
        return "—"
    lines = [str(r.get("text" if lang == "en" else "text_ko") or r.get("text") or "")]
    if r.get("ci_text"):
        lines.append(str(r["ci_text"]))
    if r.get("n") is not None:
        lines.append(f"n = {r['n']}")
    return "<br>".join(html.escape(x) for x in lines)


def show_changes() -> Html:
    """The page's body (the page is in the table of contents only with a previous release)."""
    d = changes()
    if d is None:
        raise RuntimeError(f"${paths.PREVIOUS_ENV} is not set: the changes page is built only with a "
                           "previous release")
    return Html(changes_html(d))
