"""The decision of a paragraph in the words of the minutes, for its protokollsutdrag.

Bifall as proposed: the case's decision points verbatim. Bifall med ändring: "<nämnd>
beslutar enligt förslaget med den ändringen att …", the change written from what differs
from the proposal (or in the committee's words), then the decision points as decided.
Avslag, återremiss and bordläggning: the committee's wording, or the usual one, and the
reason. Votering, jäv and reservationer as the minutes record them. The documents are in
Swedish whatever the language of messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from babel.lists import format_list

from avtalsgen.documents import format as fmt
from avtalsgen.documents.financing import region_arligen
from avtalsgen.model import Finansiering
from avtalsgen.model.decision import Reservation, Utfall, Votering
from avtalsgen.model.money import Finansieringsregler, compute_financing
from avtalsgen.model.prose import fill_placeholders


@dataclass(frozen=True)
class Beslutstext:
    """A decision as the extract states it: lead paragraphs, then numbered points."""

    inledning: tuple[str, ...]
    """Paragraphs before the points (empty for a bifall as proposed)."""
    punkter: tuple[str, ...]
    """The decision points as decided, placeholders filled in (empty unless bifall)."""


def _och(parts: Sequence[str]) -> str:
    return str(format_list(list(parts), locale=fmt.LOCALE))


def _att_list(changes: Sequence[str]) -> str:
    """``att A, att B och att C``; a comma before "och" where A or B holds one itself,
    so that "sammanlagt …" stays with its amount."""
    clauses = [f"att {change}" for change in changes]
    head, last = clauses[:-1], clauses[-1]
    comma = "," if any("," in clause for clause in head) else ""
    return f"{', '.join(head)}{comma} och {last}"


def _sentence(text: str) -> str:
    """``text`` ending with a full stop (or the mark it has)."""
    text = text.strip()
    return text if text.endswith((".", "!", "?", ":")) else f"{text}."


def financing_changes(proposed: Finansiering, decided: Finansiering) -> list[str]:
    """What the decided financing changes, each a clause after "att" (Swedish): the region's
    amount (what the committee grants), the period, the sources, and the financiers."""
    rules = Finansieringsregler()  # the amounts do not depend on how they are paid
    before, after = compute_financing(proposed, rules), compute_financing(decided, rules)
    found = []
    amounts = [year.belopp for year in after.avtalsar]
    same_amounts = after.region_per_ar == before.region_per_ar and (
        after.region_per_ar is not None or amounts == [year.belopp for year in before.avtalsar]
    )
    if not same_amounts:
        amount = f"beloppet ska vara {region_arligen(after)}"
        if after.region_summa != before.region_summa:
            amount += f", sammanlagt {fmt.kronor(after.region_summa)}"
        found.append(amount)
    if decided.period != proposed.period:
        period = decided.period
        found.append(
            f"finansieringen ska gälla under perioden {fmt.iso(period.start)} till "
            f"{fmt.iso(period.slut)}"
        )
        if same_amounts and after.region_summa != before.region_summa:
            found[-1] += f", sammanlagt {fmt.kronor(after.region_summa)}"
    if after.kallor != before.kallor:
        found.append(f"medlen ska anvisas från {_och(after.kallor)}")
    rows = [(row.namn, row.summa) for row in after.finansiarer]
    if rows != [(row.namn, row.summa) for row in before.finansiarer] and (
        len(rows) > 1 or rows[0][0] != before.finansiarer[0].namn
    ):
        shares = _och([f"{fmt.kronor(amount)} från {name}" for name, amount in rows])
        found.append(f"finansieringen ska utgöras av {shares}")
    return found


def point_changes(proposed: Sequence[str], decided: Sequence[str]) -> list[str]:
    """What amended points change against the proposal's, point by point (Swedish)."""
    found = []
    for index in range(max(len(proposed), len(decided))):
        number = index + 1
        if index >= len(proposed):
            found.append(f"en ny punkt {number} läggs till")
        elif index >= len(decided):
            found.append(f"punkt {number} stryks")
        elif _norm(proposed[index]) != _norm(decided[index]):
            found.append(f"punkt {number} får ändrad lydelse")
    return found


def _norm(text: str) -> str:
    return " ".join(text.split())


def decision_text(
    namnd: str,
    utfall: Utfall,
    *,
    proposed_points: Sequence[str],
    decided_points: Sequence[str] | None,
    wording: Sequence[str] | None,
    andring: str | None,
    proposed: Finansiering,
    decided: Finansiering,
    proposal_values: dict[str, str],
    decided_values: dict[str, str],
) -> Beslutstext:
    """The decision of a paragraph as its extract states it.

    ``proposed_points`` are the case's decision points and ``decided_points`` the amended
    ones (None: as proposed), both with their placeholders; ``wording`` is the committee's
    own wording of an avslag, återremiss or bordläggning (None: the usual one). Placeholders
    are filled with the decided facts in a bifall, with the proposal's otherwise.
    """
    if not utfall.granted:
        if wording:
            lines = tuple(_sentence(fill_placeholders(line, proposal_values)) for line in wording)
        else:
            lines = (_USUAL[utfall].format(namnd=namnd),)
        return Beslutstext(inledning=lines, punkter=())
    points = tuple(
        fill_placeholders(point, decided_values) for point in decided_points or proposed_points
    )
    if utfall is Utfall.BIFALL:
        return Beslutstext(inledning=(), punkter=points)
    if andring is not None:
        changes = [fill_placeholders(andring, decided_values).rstrip(".")]
    else:
        changes = financing_changes(proposed, decided)
        if decided_points is not None:
            changes += point_changes(proposed_points, decided_points)
    if len(changes) == 1:
        lead = f"{namnd} beslutar enligt förslaget med den ändringen att {changes[0]}."
    else:
        lead = f"{namnd} beslutar enligt förslaget med de ändringarna {_att_list(changes)}."
    return Beslutstext(inledning=(lead, "Beslutet har därmed följande lydelse:"), punkter=points)


_USUAL = {
    Utfall.AVSLAG: "{namnd} avslår förslaget.",
    Utfall.ATERREMISS: "{namnd} beslutar att återremittera ärendet till förvaltningen.",
    Utfall.BORDLAGGNING: "{namnd} beslutar att bordlägga ärendet.",
}


def motivering_text(motivering: str | None, values: dict[str, str]) -> tuple[str, ...]:
    """The reason for an avslag, återremiss or bordläggning, as a paragraph."""
    if motivering is None:
        return ()
    return (f"Motivering: {_sentence(fill_placeholders(motivering, values))}",)


def _count(value: int, one: str, many: str) -> str:
    return f"{value} {one if value == 1 else many}"


def votering_text(votering: Votering | None) -> tuple[str, ...]:
    """The vote as the minutes record it."""
    if votering is None:
        return ()
    lines = ["Votering begärs och genomförs."]
    if votering.ordning:
        lines.append(f"Voteringsordning: {_sentence(votering.ordning)}")
    result = (
        f"Omröstningsresultat: {_count(votering.ja, 'ja-röst', 'ja-röster')} och "
        f"{_count(votering.nej, 'nej-röst', 'nej-röster')}"
    )
    if votering.avstar:
        result += f"; {_count(votering.avstar, 'ledamot', 'ledamöter')} avstår"
    lines.append(f"{result}.")
    return (" ".join(lines),)


def jav_text(jav: Sequence[str]) -> tuple[str, ...]:
    """Members who were jäviga: "… deltar inte i handläggningen på grund av jäv"."""
    if not jav:
        return ()
    return (f"{_och(jav)} deltar inte i handläggningen på grund av jäv.",)


def reservation_text(reservationer: Sequence[Reservation]) -> tuple[str, ...]:
    """One paragraph per member who reserved themselves against the decision."""
    lines = []
    for reservation in reservationer:
        text = f"{reservation.namn} reserverar sig mot beslutet"
        why = reservation.motivering
        if why and why[0].islower():
            text = f"{text} {_sentence(why)}"
        elif why:
            text = f"{text}. {_sentence(why)}"
        else:
            text += "."
        lines.append(text)
    return tuple(lines)
