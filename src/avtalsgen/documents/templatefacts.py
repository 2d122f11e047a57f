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
from avtalsgen.i18n import _

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
    if not places:
        return []
    parts = list(headers)
    return [
        _("the documents made from it would not state {fact}: {fix}").format(
            fact=_(place.said), fix=what_to_do(place)
        )
        for place in places
        if not _found(place, body, parts)
    ]
