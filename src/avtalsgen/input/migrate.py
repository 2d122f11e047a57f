"""Case files written before financing had a form of its own: how to rewrite them.

Until each financier had its own amounts and source, a case's ``finansiering`` held one
``belopp_per_ar`` and one ``kalla`` for the whole financing and, per financier, its
``belopp`` over the whole period. Such a file is refused (one source for all cannot say which
financier pays from what, and a municipality listed as a financier read as the region's
money), with the section rewritten in the current form from the file's own values, ready to
paste: each financier's amount per year is its old total divided by the period's years (or,
where that is not whole kronor, its total per avtalsår), and its source is the part of the
old ``kalla`` its name contains. Guesses are marked with a comment to check.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from avtalsgen.i18n import _

#: Words in a financier's name that say it is a co-financier, and its slag.
_CO_FINANCIERS = (
    ("kommun", "kommun"),
    ("universitet", "universitet"),
    ("högskola", "universitet"),
    ("eu-projekt", "eu_projekt"),
    ("interreg", "eu_projekt"),
    ("egen insats", "egen_insats"),
)
_SOURCE_SEPARATORS = re.compile(r"\s*(?:,|\boch\b|\band\b|/|\+|&)\s*")


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _avtalsar_months(start: dt.date, months: int) -> list[int]:
    return [min(12, months - done) for done in range(0, months, 12)]


def _yaml_text(value: object) -> str:
    """A scalar as YAML writes it plainly (quoted where plain text would not read back)."""
    text = str(value)
    if re.fullmatch(r"[\w\u00c0-\u024f][\w\u00c0-\u024f .,()–-]*", text) and not re.fullmatch(
        r"(?i)yes|no|true|false|null|on|off|~|[0-9.]+", text
    ):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _source(name: str, candidates: list[str], rows: int) -> tuple[str, bool]:
    """The source of a financier named ``name``: the old kalla's part its name contains (or
    the only one, for the only financier); else the part of its name after ' - '. The bool
    says whether it is a guess."""
    folded = name.casefold()
    for candidate in candidates:
        if candidate and candidate.casefold() in folded:
            return candidate, False
    if rows == 1 and len(candidates) == 1:
        return candidates[0], False
    if " - " in name:
        return name.split(" - ", 1)[1].strip(), True
    return candidates[0] if candidates else "?", True


def rewrite(value: Mapping[str, Any]) -> list[str]:
    """The lines of a ``finansiering:`` section in the current form (indented as in a case
    file) with the old section's facts, or an empty list where the old values cannot be read
    (the message then says what to write without them)."""
    period = value.get("period")
    rows = value.get("finansiarer")
    if not isinstance(period, Mapping) or not isinstance(rows, list) or not rows:
        return []
    start, end = _date(period.get("start")), _date(period.get("slut"))
    if start is None or end is None or end < start:
        return []
    months = _months(start, end)
    kalla = value.get("kalla")
    candidates = [p for p in _SOURCE_SEPARATORS.split(str(kalla or "").strip()) if p]
    per_year = value.get("belopp_per_ar")
    lines = [
        "finansiering:",
        "  period:",
        f"    start: {start.isoformat()}",
        f"    slut: {end.isoformat()}",
        "  finansiarer:",
    ]
    for row in rows:
        if not isinstance(row, Mapping) or not isinstance(row.get("namn"), str):
            return []
        name = " ".join(row["namn"].split())
        amount = row.get("belopp")
        if len(rows) == 1 and isinstance(per_year, int) and not isinstance(per_year, bool):
            amount_line = f"belopp_per_ar: {per_year}"
        elif isinstance(amount, int) and not isinstance(amount, bool):
            rate = Fraction(amount * 12, months)
            if rate.denominator == 1:
                amount_line = f"belopp_per_ar: {rate.numerator}"
            else:  # the old total over each avtalsår by months, the remainder on the last
                shares = [Fraction(amount * m, months) for m in _avtalsar_months(start, months)]
                parts = [int(share) for share in shares[:-1]]
                parts.append(amount - sum(parts))
                amount_line = f"belopp_per_avtalsar: [{', '.join(map(str, parts))}]"
        else:
            return []
        lines.append(f"    - namn: {_yaml_text(name)}")
        slag = next((s for word, s in _CO_FINANCIERS if word in name.casefold()), None)
        if slag is not None:
            lines.append(f"      slag: {slag}  # " + _("check: a co-financier"))
        else:
            source, guessed = _source(name, candidates, len(rows))
            note = "  # " + _("check: a source the program file lists") if guessed else ""
            lines.append(f"      kalla: {_yaml_text(source)}{note}")
        lines.append(f"      {amount_line}")
    total = value.get("totalt")
    if isinstance(total, int) and not isinstance(total, bool):
        lines.append(f"  totalt: {total}")
    return lines


def old_form_message(value: Mapping[str, Any], first: int, last: int) -> str:
    """What to do with an old ``finansiering`` section on lines ``first`` to ``last``: the
    message and, where the values can be read, the section to write instead."""
    lines = rewrite(value)
    message = _(
        "written in the old form (one belopp_per_ar and kalla for the whole financing, each "
        "financier's belopp over the whole period); each financier now has its own amounts "
        "and source"
    )
    if not lines:
        return message + _(
            ": give each financier its namn, kalla (the region's source; a co-financier its "
            "slag instead) and belopp_per_ar, and remove belopp_per_ar, kalla and belopp "
            "(see avtalsgen schema arende)"
        )
    where = (
        _("line {first}").format(first=first)
        if first == last
        else _("lines {first}–{last}").format(first=first, last=last)
    )
    return (
        message
        + _(". Write instead of {where}:").format(where=where)
        + "\n"
        + "\n".join("    " + line for line in lines)
    )
