"""One quotable value: :class:`Finding`, its formatting rules and the text of a value the data
cannot give.

The named findings themselves are computed in :mod:`pifi_ablation.findings` (the ablations),
:mod:`pifi_ablation.verdicts` (the paired comparisons) and :mod:`pifi_ablation.main_findings`
(the main results and selection signals), which all build on this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Format = Literal["pct", "share", "pp", "int", "setting", "rho", "p", "name", "sec"]
MISSING_TEXT = "n/a"  # an interval bound that is undefined (one task)
NO_DATA = "[no data]"  # the text of a finding that the loaded data cannot give
# Upstream's selection log has no elapsed_sec: where no run logged it, the time findings say so.
TIME_NOT_LOGGED = "not logged"


def format_value(value: float | int | str, fmt: Format) -> str:
    """Format one value by its rule.

    ``pct``: a fraction shown as a percentage with one decimal; ``share``: a
    fraction fixed by a rule, as a percentage with no more digits than it has; ``pp``: an
    accuracy difference in percentage points, one decimal, no unit (the prose
    says "percentage points" / "%p"); ``setting``: a hyper-parameter as given.

    >>> format_value(0.8534, "pct"), format_value(0.9, "share"), format_value(0.0213, "pp")
    ('85.3%', '90%', '2.1')
    >>> format_value(0.65, "setting")
    '0.65'
    """
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING_TEXT
    rule = _RULES.get(fmt)
    return rule(value) if rule else str(value)


_RULES = {
    "pct": lambda v: f"{100 * v:.1f}%",
    "share": lambda v: f"{100 * v:g}%",
    "pp": lambda v: f"{100 * v:.1f}",
    "int": lambda v: f"{int(v):d}",
    "setting": lambda v: f"{v:g}",
    "rho": lambda v: f"{v:.2f}",
    "p": lambda v: f"{v:.3f}" if v >= 0.001 else "< 0.001",
    "sec": lambda v: f"{v:.1f}",
}


@dataclass(frozen=True)
class Finding:
    """One quotable number (or name), with its interval and n where it is a mean."""

    key: str
    value: float | int | str
    fmt: Format
    description: str
    ci: tuple[float, float] | None = None
    n: int | None = None
    missing: str = NO_DATA  # the text of an undefined value
    # A computed phrase's Korean form: glued as ``{key}_ko``, never a LaTeX macro
    # (the paper is compiled by pdfLaTeX, in English).
    ko: str | None = None

    @property
    def defined(self) -> bool:
        return not (isinstance(self.value, float) and math.isnan(self.value))

    @property
    def text(self) -> str:
        return format_value(self.value, self.fmt) if self.defined else self.missing

    @property
    def ci_text(self) -> str:
        if self.ci is None or not self.defined:
            return self.missing
        low, high = (format_value(v, self.fmt) for v in self.ci)
        return f"[{low}, {high}]"

    def __repr__(self) -> str:  # the text/plain that MyST-NB's glue pastes
        return self.text

    def __str__(self) -> str:
        return self.text


def no_data(key: str, fmt: Format, description: str, **fields: object) -> Finding:
    """The finding ``key`` where the data loaded cannot give it: same key and macro, text
    ``[no data]`` (``fields``: ``ci``, ``n``, ``missing`` as for :class:`Finding`)."""
    return Finding(key, float("nan"), fmt, description, **fields)  # type: ignore[arg-type]
