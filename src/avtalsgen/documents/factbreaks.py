"""Amounts and years that a table cell too narrow for them broke over two lines.

LibreOffice breaks a word that does not fit its cell wherever the cell ends, even an amount
written with no-break spaces: a beslutsförslag of five budget years printed "1 000 00" with
"0" on the next line, and "202" over "5". Read back without its line breaks the document
still states every figure, and read with them as spaces it states "1 000" where the
financier's amount is 1 000 000; either way a reader of the page sees a broken amount, and
the message must say so, naming the table, not a figure that is none of the financier's.

A line of the PDF's text (PDFium ends each with CR LF) that ends within an amount, and the
next line that goes on with its digits, are a broken cell: the line ends in a digit group
of one or two digits after another group ("1 000 00", "1 2"), or the next line starts with a
group that begins with 0 ("000"), or the two join into one of the document's years ("202"
and "5").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from avtalsgen.documents.factplaces import PLACES, ROW
from avtalsgen.i18n import _, ngettext

#: A line break between a digit and a digit, the lines' whitespace around it.
_BREAK = re.compile(r"(?<=\d)[ \u00a0]*\r\n[ \u00a0]*(?=\d)")
#: A line's end that is a digit group cut short after another ("1 000 00", "1 2").
_CUT_GROUP = re.compile(r"(?<![\d,.\-/])\d{1,3}(?:[ \u00a0]\d{3})*[ \u00a0]\d{1,2}$")
#: A line's last digits, and the next line's first digits with the groups after them.
_TAIL = re.compile(r"(?<![\d,.\-/])\d{1,3}(?:[ \u00a0]\d{1,3})*$")
_HEAD = re.compile(r"^\d{1,3}(?:[ \u00a0]\d{3})*(?![\d\-])")
_LEADING_ZERO = re.compile(r"^0\d")


def broken_cells(
    raw: str, kind: str, years: Iterable[int], file: str, template: Path | None
) -> list[str]:
    """What :mod:`this module <avtalsgen.documents.factbreaks>` finds broken in ``raw`` (the
    text of ``file``, a document of ``kind`` made from ``template``): for each table with an
    amount or year broken over two lines, the first such and how many there are, and what to
    do about it."""
    known_years = {str(year) for year in years}
    found: dict[str | None, list[tuple[str, str]]] = {}
    for match in _BREAK.finditer(raw):
        before = raw[raw.rfind("\n", 0, match.start()) + 1 : match.start()]
        after_end = raw.find("\r", match.end())
        after = raw[match.end() : after_end if after_end >= 0 else len(raw)]
        head = _HEAD.match(after)
        tail = _TAIL.search(before)
        if head is None or tail is None:
            continue
        left, right = _spaced(tail.group()), _spaced(head.group())
        cut = _CUT_GROUP.search(before)
        if cut is not None:
            left = _spaced(cut.group())
        elif left.split()[-1] + right.split()[0] in known_years and len(left.split()[-1]) < 4:
            left, right = left.split()[-1], right.split()[0]
        elif _LEADING_ZERO.match(right):
            left = left.split()[-1]
        else:
            continue
        found.setdefault(_table_heading(raw, match.start(), kind), []).append((left, right))
    where = str(template) if template is not None else _("the template")
    return [_problem(file, heading, breaks, where) for heading, breaks in found.items()]


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _problem(file: str, heading: str | None, breaks: list[tuple[str, str]], where: str) -> str:
    """The message for the cells of one table (under ``heading``, if known) broken over
    two lines, each with what ends one line and what starts the next."""
    table = (
        _("the table '{heading}'").format(heading=heading) if heading is not None else _("a table")
    )
    left, right = breaks[0]
    return ngettext(
        "{file}: an amount in {table} is broken over two lines ('{left}' at the end of one "
        "line, '{right}' at the start of the next): its column is too narrow for it; in "
        "{template}, make the column wider or give the table fewer columns, as the template "
        "that comes with avtalsgen has it",
        "{file}: {count} amounts in {table} are broken over two lines (the first: '{left}' "
        "at the end of one line, '{right}' at the start of the next): their columns are too "
        "narrow for them; in {template}, make the columns wider or give the table fewer "
        "columns, as the template that comes with avtalsgen has it",
        len(breaks),
    ).format(file=file, table=table, left=left, right=right, template=where, count=len(breaks))


def _table_heading(raw: str, at: int, kind: str) -> str | None:
    """The heading of the table (one the fact check reads rows under) that stands last
    before ``at`` in ``raw``, if any does."""
    found: tuple[int, str] | None = None
    for heading in dict.fromkeys(p.heading for p in PLACES if p.kind == kind and p.where == ROW):
        index = raw.rfind(heading, 0, at)
        if index >= 0 and (found is None or index > found[0]):
            found = (index, heading)
    return found[1] if found is not None else None
