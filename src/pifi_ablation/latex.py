"""LaTeX for the paper: one booktabs table per ablation and a file of number macros.

The macros hold every finding by a name derived from its glue key, so a
sentence in the paper and one in the appendix quote the same computed digits:
``ss_recommended_n`` becomes ``\\pifiSampleSizeRecommendedN``.
"""

from __future__ import annotations

import re
import textwrap

from pifi_ablation import study
from pifi_ablation.findings import NO_DATA, Finding
from pifi_ablation.provenance import Provenance
from pifi_ablation.tables import SummaryTable

MACRO_PREFIX = "pifi"
# Key prefixes spelled out, so macro names read as words.
_PREFIX_WORDS = {a.prefix: a.macro_word for a in study.SWEEPS}
_DIGITS = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]
# Characters that need escaping in LaTeX text, and the Unicode our labels use.
_TEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "−": r"$-$", "–": "--", "α": r"$\alpha$", "λ": r"$\lambda$", "ρ": r"$\rho$",
    "<": r"$<$", ">": r"$>$",
}
_TEX_RE = re.compile("|".join(re.escape(c) for c in _TEX_SPECIAL))


def tex_escape(text: str) -> str:
    r"""Text safe to place in a LaTeX document (pdfLaTeX, no extra packages).

    >>> tex_escape("45.0% of tweet_offensive, ρ < 0.001")
    '45.0\\% of tweet\\_offensive, $\\rho$ $<$ 0.001'
    """
    return _TEX_RE.sub(lambda m: _TEX_SPECIAL[m.group(0)], text)


def macro_name(key: str) -> str:
    """The LaTeX macro (without backslash) for a glue key: letters only, CamelCase.

    >>> macro_name("ss_recommended_n")
    'pifiSampleSizeRecommendedN'
    >>> macro_name("model_qwen2_0_5b_recovery_ci")
    'pifiModelQwenTwoZeroFiveBRecoveryCi'
    """
    words = []
    for i, part in enumerate(key.split("_")):
        if i == 0 and part in _PREFIX_WORDS:
            words.append(_PREFIX_WORDS[part])
            continue
        spelled = re.sub(r"\d", lambda m: _DIGITS[int(m.group(0))] + " ", part).split()
        words += [w[:1].upper() + w[1:] for w in spelled]
    return MACRO_PREFIX + "".join(words)


def source_note(provenance: Provenance) -> str:
    """One sentence naming the data source, for captions."""
    if provenance.is_demo:
        return "Illustrative simulation (demonstration data), not measurements."
    return (f"Measured data: {provenance.location}, {len(provenance.files)} files, "
            f"SHA-256 {provenance.short_hash}.")


def macro_entries(found: dict[str, Finding], provenance: Provenance
                  ) -> list[tuple[str, str, str]]:
    """(macro name, LaTeX value, description) for every finding, its interval and its n."""
    entries = [
        (f"{MACRO_PREFIX}DataSource", tex_escape(source_note(provenance)), "the data source"),
        (f"{MACRO_PREFIX}DataHash", provenance.short_hash, "content hash of the data (SHA-256, prefix)"),
    ]
    for key, finding in found.items():
        entries.append((macro_name(key), tex_escape(finding.text), finding.description))
        if finding.ci is not None:
            entries.append((macro_name(f"{key}_ci"), tex_escape(finding.ci_text),
                            f"95% CI of: {finding.description}"))
        if finding.n is not None:
            entries.append((macro_name(f"{key}_n"), str(finding.n), f"n behind: {finding.description}"))
    names = [name for name, _, _ in entries]
    duplicated = {n for n in names if names.count(n) > 1}
    if duplicated:
        raise ValueError(f"two findings map to the same macro: {sorted(duplicated)}")
    return entries


NO_DATA_ROW = "No data yet: the results folder holds no usable run for this ablation."


def no_data_macros(found: dict[str, Finding]) -> list[str]:
    """The macros (without backslash) that print ``[no data]``: each finding the data cannot give
    and its interval."""
    return _undefined_macros(found, lambda f: f.text == NO_DATA)


def reasoned_macros(found: dict[str, Finding]) -> list[str]:
    """The macros of undefined findings that print their reason instead ("the default is the
    best", "too few tasks", ...), with their intervals."""
    return _undefined_macros(found, lambda f: f.text != NO_DATA)


def _undefined_macros(found: dict[str, Finding], which) -> list[str]:
    names = []
    for key, finding in found.items():
        if not finding.defined and which(finding):
            names.append(macro_name(key))
            if finding.ci is not None:
                names.append(macro_name(f"{key}_ci"))
    return names


def macros_tex(found: dict[str, Finding], provenance: Provenance) -> str:
    """The macros file: one ``\\newcommand`` per finding, each under a comment saying what it is."""
    lines = [
        "% Numbers of the PiFi layer-selection ablations, written by `python -m pifi_ablation export`.",
        "% Do not edit: regenerate. Every value is the one the appendix quotes.",
        f"% Source: {source_note(provenance)}",
        f"% Content hash: {provenance.content_hash}",
        "",
    ]
    for names, what in ((no_data_macros(found), "No data (printed as [no data])"),
                        (reasoned_macros(found), "No value (printed as its reason)")):
        if names:  # said where the author looks first
            lines[-1:-1] = textwrap.wrap(f"{what} for {len(names)} macros: "
                                         + ", ".join(f"\\{m}" for m in names), width=100,
                                         initial_indent="% ", subsequent_indent="%   ",
                                         break_on_hyphens=False)
    for name, value, description in macro_entries(found, provenance):
        lines.append(f"% {description}")
        lines.append(f"\\newcommand{{\\{name}}}{{{value}}}")
    return "\n".join(lines) + "\n"


def macro_list_tex(found: dict[str, Finding], provenance: Provenance) -> str:
    """A longtable listing every macro with its value and meaning (the reference for authors)."""
    rows = [f"\\texttt{{\\textbackslash {name}}} & \\{name} & {tex_escape(description)} \\\\"
            for name, _, description in macro_entries(found, provenance)]
    return "\n".join([
        "% Every macro of findings_macros.tex with its value; written by the export.",
        r"\begingroup\footnotesize",
        r"\begin{longtable}{@{}p{0.45\textwidth}p{0.15\textwidth}p{0.34\textwidth}@{}}",
        r"\toprule", r"Macro & Value & Meaning \\", r"\midrule", r"\endhead",
        *rows,
        r"\bottomrule", r"\end{longtable}", r"\endgroup", "",
    ])


_HEADER_CHARS = 16  # a column head wraps to lines of about this many characters


def _header(label: str) -> list[str]:
    """A column head as lines: 'Mean signal quality (ρ) [95% CI]' becomes 'Mean signal',
    'quality (ρ)', '[95% CI]', so that long heads do not widen their columns."""
    top, _, interval = label.partition(" [")
    lines = textwrap.wrap(top, width=_HEADER_CHARS, break_long_words=False, break_on_hyphens=False)
    if interval:
        lines.append("[" + interval)
    return [tex_escape(line) for line in lines]


def table_tex(table: SummaryTable, provenance: Provenance) -> str:
    """A booktabs table of a chapter's summary, with caption and label."""
    frame = table.frame
    runs, tasks = "Runs (n)", "Tasks (n)"
    if runs in frame and tasks in frame and frame[runs].equals(frame[tasks]):
        frame = frame.drop(columns=runs)  # one run per task: the column would repeat n
    align = "l" + "r" * (len(frame.columns) - 1)
    heads = [_header(str(c)) for c in frame.columns]
    depth = max(len(h) for h in heads)
    head_rows = [" & ".join(h[i] if i < len(h) else "" for h in heads) + r" \\" for i in range(depth)]
    label = "tab:ablation-" + table.name.replace("_", "-")
    body = [" & ".join(tex_escape(str(v)) for v in row) + r" \\" for row in frame.itertuples(index=False)]
    if not body:  # an ablation the study has not run yet: the table says so rather than stay blank
        body = [f"\\multicolumn{{{len(frame.columns)}}}{{@{{}}l}}{{{NO_DATA_ROW}}} \\\\"]
    caption = f"{table.caption_en} {source_note(provenance)}"
    return "\n".join([
        f"% {table.name} ablation; written by `python -m pifi_ablation export`. Do not edit.",
        r"\begin{table*}[t]",
        r"\centering",
        r"\small",
        r"\setlength{\tabcolsep}{4pt}",
        f"\\begin{{tabular}}{{@{{}}{align}@{{}}}}",
        r"\toprule",
        *head_rows,
        r"\midrule",
        *body,
        r"\bottomrule",
        r"\end{tabular}",
        f"\\caption{{{tex_escape(caption)}}}",
        f"\\label{{{label}}}",
        r"\end{table*}",
        "",
    ])
