"""Where each kind of document states its facts: the one table the fact check
(:mod:`avtalsgen.documents.factcheck`), its hints (:mod:`avtalsgen.documents.facthints`)
and ``templates check`` (:mod:`avtalsgen.documents.templatefacts`) read.

Each place is given once: the kind of document, the fact (a group of facts of
:attr:`avtalsgen.documents.kinds.Kind.facts`, or a fact beyond them, by a stable
identifier, never by its translated name), the part of the document it stands in, and
the tag avtalsgen's own template prints it with. Where the part is a page header, a line of
its own or a table row, the fact check requires it there; ``templates check`` looks for
the places it gives words to (:attr:`Place.said`), with the tags in the order and company
the row's text must have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from avtalsgen.i18n import N_

#: The part of a document a fact stands in: running text (as a text the template prints
#: states it), below the title, a line of its own on the first page (outside the page
#: header; a short label such as 'Dnr' beside it at most), the page header of every page,
#: a table row (its cells' texts one after the other, as the form the fact check looks for
#: reads them).
TEXT, TITLE, LINE, HEADER, ROW = "text", "title", "line", "header", "row"
#: How much else a line that states a fact "on a line of its own" may hold (its label, a
#: date beside it), without spaces: a line of running text holds more.
LABEL_ROOM = 30
#: The groups of facts beyond a kind's own (:attr:`~avtalsgen.documents.kinds.Kind.facts`):
#: the change a tilläggsavtal makes (its date, the agreement's and the change's decisions,
#: the day it applies from), and the secrecy marking of a document that states a secret.
CHANGE, SECRECY = "ändringen", "sekretess"
#: Stands in a row's tag (:attr:`Place.tag`) for cells the row may have between others.
GAP = "…"


@dataclass(frozen=True)
class Place:
    """Where a kind of document states a fact, and how avtalsgen's template prints it."""

    kind: str
    """The kind of document (:attr:`avtalsgen.documents.kinds.Kind.name`)."""
    fact: str
    """The group of facts (:data:`avtalsgen.documents.factcheck.DOCUMENT_FACTS`), or the
    group of facts beyond them (:attr:`avtalsgen.documents.factcheck.Fact.group`)."""
    where: str
    """The part of the document: :data:`TEXT`, :data:`TITLE`, :data:`LINE`,
    :data:`HEADER` or :data:`ROW`."""
    tag: str
    """The tag that prints it, as the hint shows it; a row's cells each in quotes, between
    ``|`` (:data:`GAP` for cells that may come between)."""
    heading: str = ""
    """The heading a row stands under."""
    said: str = ""
    """What ``templates check`` says the documents would not state without it (marked
    with N_); empty: ``templates check`` does not look for it."""

    @cached_property
    def printed(self) -> str:
        """The variable a line or page header prints the fact with: the first tag's
        expression without spaces (``arende.dnr``)."""
        return "".join(re.findall(r"\{\{(.*?)\}\}", self.tag)[0].split())

    @cached_property
    def row(self) -> tuple[str, ...]:
        """A row's cells run together as :func:`row_pattern` reads a table row, each run of
        cells the fact check wants side by side one item (:data:`GAP` splits them)."""
        runs = [""]
        for cell, gap in re.findall(rf"'([^']*)'|({GAP})", self.tag):
            if gap:
                runs.append("")
            else:
                runs[-1] += row_pattern(cell)
        return tuple(run for run in runs if run)


#: What a table row's text is read as: each tag that prints a value as its expression
#: between these marks, statements and comments dropped (they print nothing), no spaces.
_PRINTED = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_STATEMENT = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.DOTALL)


def row_pattern(text: str) -> str:
    """``text`` (a table row's, its cells' texts one after the other) as the cells read in a
    document, with each printed value as its tag's expression: ``Avtalsår⟨ar.nummer⟩``.
    The fact check reads a row's text without spaces: a row holds the place when its
    pattern holds the place's, in the same order, nothing printed between."""
    text = _STATEMENT.sub("", text)
    text = _PRINTED.sub(lambda m: "⟨" + "".join(m.group(1).split()) + "⟩", text)
    return "".join(text.split())


_DNR_EVERY_PAGE = N_("the Dnr on every page")
_DNR_FIRST_PAGE = N_("the Dnr on the first page, on a line of its own")
_AVTALSAR = N_("each avtalsår's amount in its row of the table")
_AVTALSAR_ROW = (
    "'Avtalsår {{ ar.nummer }}' | '{{ ar.start|intervall(ar.slut) }}' | '{{ ar.belopp|kr }}'"
)

_TOTAL = N_("the region's total and the whole period in the row 'Totalt' of the table")


def _total_row(owner: str) -> str:
    """The row 'Totalt' of the table 'Belopp per avtalsår' (of ``avtal`` or ``tillagg``):
    the whole period and the region's total, as each avtalsår's row gives its own."""
    money = f"{owner}.finansiering"
    return (
        f"'Totalt' | '{{{{ {money}.start|intervall({money}.slut) }}}}' | "
        f"'{{{{ {money}.region_summa|kr }}}}'"
    )


def _dnr(kind: str, variable: str) -> tuple[Place, ...]:
    """The Dnr's places: a line of its own below the title, and every page's header."""
    tag = f"Dnr {{{{ {variable} }}}}"
    return (
        Place(kind, "Dnr", LINE, tag, said=_DNR_FIRST_PAGE),
        Place(kind, "Dnr", HEADER, tag, said=_DNR_EVERY_PAGE),
    )


def _texts(kind: str, tag: str, *facts: str) -> tuple[Place, ...]:
    """Facts that a text the template prints states (``{{p k.text }}``)."""
    return tuple(Place(kind, fact, TEXT, tag) for fact in facts)


_PARTIES = "mellan {{ program.region.namn }} och {{ arende.aktor.namn }}"

#: Every place a fact stands in, by kind of document.
PLACES: tuple[Place, ...] = (
    *_dnr("beslutsforslag", "arende.dnr"),
    *_texts("beslutsforslag", "{{p text.beslutspunkter }}", "aktör", "belopp", "period", "källa"),
    Place(
        "beslutsforslag", "totalt", ROW, "'Totalt' | '{{ finansiering.summa|kr }}'",
        "Finansiering", N_("the financing's total"),
    ),
    Place(
        "beslutsforslag", "finansiärer", ROW, "'{{ rad.namn }}' | '{{ rad.summa|belopp }}'",
        "Finansiering", N_("each financier's total"),
    ),
    Place(
        "beslutsforslag", "budgetår", ROW,
        f"'{{{{ rad.namn }}}}' | '{{{{ belopp|belopp }}}}' {GAP}",
        "Fördelning per budgetår",
    ),
    Place("beslutsforslag", SECRECY, TEXT, "{{ sekretess }}"),
    *_dnr("samarbetsavtal", "arende.dnr"),
    Place("samarbetsavtal", "aktör", TITLE, _PARTIES),
    *_texts("samarbetsavtal", "{{p k.text }}", "belopp", "period", "källa"),
    Place(
        "samarbetsavtal", "regionens andel", ROW, _total_row("avtal"), "Belopp per avtalsår",
        _TOTAL,
    ),
    Place("samarbetsavtal", "avtalsår", ROW, _AVTALSAR_ROW, "Belopp per avtalsår", _AVTALSAR),
    Place(
        "samarbetsavtal", "utbetalningar", ROW,
        "'{{ u.nummer }}' | '{{ u.avser }}' | '{{ u.datum|iso }}' | '{{ u.belopp|kr }}'",
        "Utbetalningsplan", N_("each payment in its row of the payment plan"),
    ),
    Place(
        "samarbetsavtal", "utbetalt", ROW, "'Totalt' | '{{ avtal.finansiering.region_summa|kr }}'",
        "Utbetalningsplan", N_("the region's total in the row 'Totalt' of the payment plan"),
    ),
    Place("samarbetsavtal", SECRECY, TEXT, "{{ sekretess }}"),
    *_dnr("protokollsutdrag", "utdrag.dnr"),
    *_texts("protokollsutdrag", "{{p text.beslut }}", "belopp", "period", "källa"),
    Place("protokollsutdrag", SECRECY, TEXT, "{{ text.sekretess }}"),
    *_dnr("tillaggsavtal", "arende.dnr"),
    Place("tillaggsavtal", "aktör", TITLE, _PARTIES),
    *_texts("tillaggsavtal", "{{p k.text }}", "period", "källa", CHANGE),
    Place("tillaggsavtal", "avtalsår", ROW, _AVTALSAR_ROW, "Belopp per avtalsår", _AVTALSAR),
    Place(
        "tillaggsavtal", "regionens andel", ROW, _total_row("tillagg"), "Belopp per avtalsår",
        _TOTAL,
    ),
    Place("tillaggsavtal", SECRECY, TEXT, "{{ sekretess }}"),
)  # fmt: skip

#: The places of each kind of document's facts, by kind and fact, in :data:`PLACES`' order.
_BY_FACT: dict[tuple[str, str], tuple[Place, ...]] = {
    key: tuple(p for p in PLACES if (p.kind, p.fact) == key)
    for key in dict.fromkeys((p.kind, p.fact) for p in PLACES)
}


def places_of(kind: str, fact: str) -> tuple[Place, ...]:
    """Where ``kind``'s documents state ``fact`` (a group of facts): empty when avtalsgen's
    templates give it no place."""
    return _BY_FACT.get((kind, fact), ())


def checked_places(kind: str) -> tuple[Place, ...]:
    """The places ``templates check`` looks for in ``kind``'s template."""
    return tuple(p for p in PLACES if p.kind == kind and p.said)
