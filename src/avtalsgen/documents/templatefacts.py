"""What ``templates check`` says of a template whose documents would fail the fact check
for a fact missing from its place (:mod:`avtalsgen.documents.factcheck`): the Dnr in the
page header and in a line of its own in the body, and the tables' rows that state the
financing, each looked for by the tags avtalsgen's own templates print them with (the
places :mod:`avtalsgen.documents.factplaces` gives words to)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from avtalsgen.documents.facthints import what_to_do
from avtalsgen.documents.factplaces import (
    HEADER,
    LABEL_ROOM,
    LINE,
    Place,
    checked_places,
    row_pattern,
)
from avtalsgen.documents.kinds import SIGNATURE_ANCHOR, SIGNATURE_BLOCKS
from avtalsgen.i18n import N_, _, ngettext

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{_W}t"))


def _prints(text: str, name: str) -> bool:
    """Whether ``text`` holds a tag that prints ``name`` (``{{ ar.belopp|kr }}``), however
    spaced."""
    return any(
        re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", "".join(tag.split()))
        for tag in re.findall(r"\{\{.*?\}\}", text)
    )


def _in_order(pattern: str, runs: tuple[str, ...]) -> bool:
    """Whether a row's ``pattern`` (:func:`row_pattern`) holds each of ``runs`` whole, one
    after the other: the cells the fact check reads side by side, in their order."""
    start = 0
    for run in runs:
        found = pattern.find(run, start)
        if found < 0:
            return False
        start = found + len(run)
    return True


def _found(place: Place, body: etree._Element, headers: Iterable[etree._Element]) -> bool:
    if place.where == HEADER:
        return any(_prints(_text(header), place.printed) for header in headers)
    if place.where == LINE:
        pending = ""
        for paragraph in body.iter(f"{_W}p"):
            text = pending + _text(paragraph)
            # A tag broken over paragraphs (Enter typed inside it) is one, as docxtpl reads
            # it: the paragraph it ends in is read with the ones before.
            pending = text if text.count("{{") > text.count("}}") else ""
            if not pending and _prints(text, place.printed):
                rest = re.sub(r"\{\{.*?\}\}", "", text)
                if len("".join(rest.split())) <= LABEL_ROOM:
                    return True
        return False
    # A row: its cells' label and values side by side in the order of avtalsgen's row, as
    # the fact check reads the row in the document ('Avtalsår 1 2023-10-01–2024-09-30
    # 2 000 000 kr': the amount before the period is not the row it looks for).
    return any(_in_order(row_pattern(_text(row)), place.row) for row in body.iter(f"{_W}tr"))


def missing_places(
    document: str, body: etree._Element, headers: Iterable[etree._Element]
) -> list[str]:
    """What the documents made from ``document``'s template (its body's parsed XML, its
    headers' parsed XML, as :class:`~avtalsgen.documents.templateplaces.PartText` parsed
    them) would not state where the fact check requires it, with what to put back."""
    places = checked_places(document)
    signatures = missing_signature_lines(document, body)
    if not places:
        return signatures
    parts = list(headers)
    return signatures + [
        _("the documents made from it would not state {fact}: {fix}").format(
            fact=_(place.said), fix=what_to_do(place)
        )
        for place in places
        if not _found(place, body, parts)
    ]


#: What each signed kind of document's signature blocks print their parties from.
_SIGNERS = {"samarbetsavtal": "avtal.underskrifter", "tillaggsavtal": "tillagg.underskrifter"}
#: Who signs in each block, in order.
_PARTIES = (N_("the region"), N_("the actor"))


def _block_lines(signers: str, index: int) -> tuple[tuple[str, str], ...]:
    """A signature block's lines as avtalsgen's template has them: each line and the
    variable it prints (none for the line the signature field goes under)."""
    each = f"{signers}[{index}]"
    return (
        (f"För {{{{ {each}.part }}}}", f"{each}.part"),
        (f"Ort: {{{{ {each}.ort }}}}", f"{each}.ort"),
        (SIGNATURE_ANCHOR, ""),
        (f"{{{{ {each}.namn }}}}", f"{each}.namn"),
        (f"{{{{ {each}.titel }}}}", f"{each}.titel"),
    )


def missing_signature_lines(document: str, body: etree._Element) -> list[str]:
    """The lines of the signature blocks that the documents made from ``document``'s
    template (its body's parsed XML) would not have: a block's lines, and the line
    'Datum: enligt den elektroniska underskriften' once in each block (the packet's
    signature field of each party goes under it)."""
    signers = _SIGNERS.get(document)
    if signers is None:
        return []
    expected = SIGNATURE_BLOCKS[document]
    texts = [_text(paragraph) for paragraph in body.iter(f"{_W}p")]
    problems = []
    for index in range(expected):
        lines = _block_lines(signers, index)
        missing = [
            line for line, printed in lines
            if printed and not any(_prints(text, printed) for text in texts)
        ]  # fmt: skip
        if missing:
            problems.append(
                _(
                    "the documents made from it would not have the whole signature block of "
                    "{party} (missing: {lines}): put back the block's lines in the clause on "
                    "the signatures, a paragraph each, {order}, as the template that comes "
                    "with avtalsgen has it"
                ).format(
                    party=_(_PARTIES[index]) if index < len(_PARTIES) else index + 1,
                    lines=", ".join(f"'{line}'" for line in missing),
                    order=" / ".join(f"'{line}'" for line, _printed in lines),
                )
            )
    anchors = sum(" ".join(text.split()) == SIGNATURE_ANCHOR for text in texts)
    if anchors != expected and not problems:  # a block missing: its lines are named
        problems.append(
            ngettext(
                "the line '{anchor}' is in it {count} time, not once in each of the "
                "{expected} signature blocks, below the line 'Ort: …': the packet's signature "
                "field of each party goes under it; write it back in each block as it is, as "
                "the template that comes with avtalsgen has it",
                "the line '{anchor}' is in it {count} times, not once in each of the "
                "{expected} signature blocks, below the line 'Ort: …': the packet's signature "
                "field of each party goes under it; write it back in each block as it is, as "
                "the template that comes with avtalsgen has it",
                anchors,
            ).format(anchor=SIGNATURE_ANCHOR, count=anchors, expected=expected)
        )
    return problems


#: A ``{%tc for %}`` loop that gives every budget year a column (``finansiering.budgetar``).
_YEAR_COLUMNS = re.compile(r"\{%\s*tc\s+for\s+\w+\s+in\s+[\w.]*\bbudgetar\s*%\}")


def year_columns(body: etree._Element) -> list[str]:
    """The tables of a template (its body's parsed XML) with a column for every budget year
    of the period: from five budget years on, the columns are too narrow for the amounts,
    which LibreOffice breaks over two lines in the cells (the fact check refuses them)."""
    problems = []
    for number, table in enumerate(body.iter(f"{_W}tbl"), 1):
        if _YEAR_COLUMNS.search(_text(table)) is None:
            continue
        rows = table.findall(f"{_W}tr")
        first = " | ".join(_text(cell).strip() for cell in rows[0].findall(f"{_W}tc"))
        problems.append(
            _(
                "table {number} ('{first}') gives every budget year a column of its own: from "
                "five budget years on its columns are too narrow for the amounts, which break "
                "over two lines; loop over finansiering.budgetar_tabeller instead, a table for "
                "each part of the years that its amounts leave room for ('{{%p for del in "
                "finansiering.budgetar_tabeller %}}' around the table, the columns from "
                "del.kolumner, each financier's row from del.finansiarer, the totals from "
                "del.totalt), as the template that comes with avtalsgen has it"
            ).format(number=number, first=first)
        )
    return problems
