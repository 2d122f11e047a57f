"""What ``templates check`` says of a template whose documents would fail the fact check
for a fact missing from its place (:mod:`avtalsgen.documents.factcheck`): the Dnr in the
page header and in a line of its own in the body, and the tables' rows that state the
financing, each looked for by the tags avtalsgen's own templates print them with."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from avtalsgen.documents.facthints import what_to_do
from avtalsgen.i18n import N_, _

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

#: Where a tag must stand: in a page header, in a paragraph of the body with little else
#: (a label), or all of them in one table row of the body.
HEADER, LINE, ROW = "header", "line", "row"
#: How much other text a paragraph that states the Dnr "on a line of its own" may hold.
_LABEL_ROOM = 30


@dataclass(frozen=True)
class Place:
    """Where a kind of document's template must print some facts."""

    group: str
    """The group of facts (:data:`avtalsgen.documents.factcheck.DOCUMENT_FACTS`), or the
    Dnr's place in the page header (``Dnr/every page``)."""
    where: str
    names: tuple[str, ...]
    """The variables it is printed with (each as a whole name: ``ar.belopp``)."""
    fact: str
    """What the documents would not state, in words (marked with N_)."""
    needs: str = ""
    """A text the row must hold as well (its label: 'Totalt')."""


_DNR_EVERY_PAGE = N_("the Dnr on every page")
_DNR_FIRST_PAGE = N_("the Dnr on the first page, on a line of its own")


def _dnr(name: str) -> tuple[Place, ...]:
    return (
        Place("Dnr/every page", HEADER, (name,), _DNR_EVERY_PAGE),
        Place("Dnr", LINE, (name,), _DNR_FIRST_PAGE),
    )


#: The places each kind of document's template must print facts in.
PLACES: dict[str, tuple[Place, ...]] = {
    "beslutsforslag": (
        *_dnr("arende.dnr"),
        Place("totalt", ROW, ("finansiering.summa|kr",), N_("the financing's total"), "Totalt"),
        Place("finansiärer", ROW, ("rad.namn", "rad.summa"), N_("each financier's total")),
    ),
    "samarbetsavtal": (
        *_dnr("arende.dnr"),
        Place(
            "avtalsår", ROW, ("ar.nummer", "ar.start", "ar.belopp"),
            N_("each avtalsår's amount in its row of the table"),
        ),
        Place(
            "utbetalningar", ROW, ("u.nummer", "u.avser", "u.datum", "u.belopp"),
            N_("each payment in its row of the payment plan"),
        ),
    ),
    "protokollsutdrag": _dnr("utdrag.dnr"),
    "tillaggsavtal": (
        *_dnr("arende.dnr"),
        Place(
            "avtalsår", ROW, ("ar.nummer", "ar.start", "ar.belopp"),
            N_("each avtalsår's amount in its row of the table"),
        ),
    ),
}  # fmt: skip


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{_W}t"))


def _prints(text: str, name: str) -> bool:
    """Whether ``text`` holds a tag that prints ``name`` (``{{ ar.belopp|kr }}``), however
    spaced."""
    return any(
        re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", "".join(tag.split()))
        for tag in re.findall(r"\{\{.*?\}\}", text)
    )


def _found(place: Place, body: etree._Element, headers: Iterable[etree._Element]) -> bool:
    if place.where == HEADER:
        return any(_prints(_text(header), place.names[0]) for header in headers)
    if place.where == LINE:
        pending = ""
        for paragraph in body.iter(f"{_W}p"):
            text = pending + _text(paragraph)
            # A tag broken over paragraphs (Enter typed inside it) is one, as docxtpl reads
            # it: the paragraph it ends in is read with the ones before.
            pending = text if text.count("{{") > text.count("}}") else ""
            if not pending and _prints(text, place.names[0]):
                rest = re.sub(r"\{\{.*?\}\}", "", text)
                if len("".join(rest.split())) <= _LABEL_ROOM:
                    return True
        return False
    for row in body.iter(f"{_W}tr"):
        text = _text(row)
        if place.needs in text and all(_prints(text, name) for name in place.names):
            return True
    return False


def missing_places(
    document: str, body: etree._Element, headers: Iterable[etree._Element]
) -> list[str]:
    """What the documents made from ``document``'s template (its body's parsed XML, its
    headers' parsed XML, as :class:`~avtalsgen.documents.templateplaces.PartText` parsed
    them) would not state where the fact check requires it, with what to put back."""
    places = PLACES.get(document, ())
    if not places:
        return []
    parts = list(headers)
    return [
        _("the documents made from it would not state {fact}: {fix}").format(
            fact=_(place.fact), fix=what_to_do(document, place.group)
        )
        for place in places
        if not _found(place, body, parts)
    ]
