"""The decision of a paragraph in the words of the minutes, for its protokollsutdrag.

Bifall as proposed: the case's decision points verbatim. Bifall med ändring: "<nämnd>
beslutar enligt förslaget med den ändringen att …", the change written from what differs
from the proposal (or in the committee's words), then the decision points as decided.
Avslag, återremiss and bordläggning: the committee's wording, or the usual one, and the
reason. Votering, jäv and reservationer as the minutes record them. The documents are in
Swedish whatever the language of messages.
"""

from __future__ import annotations

import difflib
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from avtalsgen.documents import format as fmt
from avtalsgen.documents.financing import (
    DOCUMENTS,
    UTBETALNING,
    arligen,
    money_placeholders,
    per_kalenderar_steps,
    region_arligen,
)
from avtalsgen.meetings.conditions import carry, conditions, folded
from avtalsgen.model import Finansiering
from avtalsgen.model.decision import Reservation, Utfall, Votering
from avtalsgen.model.money import (
    Berakning,
    Finansiarsbelopp,
    Finansieringsregler,
    compute_financing,
)
from avtalsgen.model.prose import fill_placeholders, placeholder_names


@dataclass(frozen=True)
class Beslutstext:
    """A decision as the extract states it: lead paragraphs, then numbered points."""

    inledning: tuple[str, ...]
    """Paragraphs before the points (for a bifall as proposed, empty when the first point
    names the committee)."""
    punkter: tuple[str, ...]
    """The decision points as decided, placeholders filled in (empty unless bifall)."""


def _att_list(changes: Sequence[str]) -> str:
    """``att A, att B och att C``; a comma before "och" where A or B holds one itself,
    so that "sammanlagt …" stays with its amount. Not :func:`~avtalsgen.i18n.join_words`:
    Babel's Swedish list (CLDR's ``{0} och {1}``) never puts a comma before "och", and the
    decision is always in Swedish."""
    clauses = [f"att {change}" for change in changes]
    head, last = clauses[:-1], clauses[-1]
    comma = "," if any("," in clause for clause in head) else ""
    return f"{', '.join(head)}{comma} och {last}"


def _sentence(text: str) -> str:
    """``text`` ending with a full stop (or the mark it has)."""
    text = text.strip()
    return text if text.endswith((".", "!", "?", ":")) else f"{text}."


#: The placeholders that state each kind of financing fact: the region's amount (what the
#: committee grants) by their names; the period and the sources by the start of their names.
_AMOUNT_PLACEHOLDERS = frozenset(
    {"belopp_arligen", "belopp_per_ar", "belopp_per_avtalsar", "totalt"}
)
_PERIOD_PLACEHOLDERS = ("start", "slut", "antal_ar", "tidslangd")
_SOURCE_PLACEHOLDERS = ("kalla",)
#: The region's share per budget year, and each financier's share of the whole.
_BUDGET_PLACEHOLDERS = frozenset({"belopp_per_budgetar"})
_SHARE_PLACEHOLDERS = frozenset({"kalla_belopp", "medfinansiering", "totalt_finansiering"})


def _points_stating(points: Sequence[str], names: tuple[str, ...] | frozenset[str]) -> list[int]:
    """The numbers of the points (as written, with placeholders) that state a fact through
    a placeholder named in ``names`` (a set), or whose name starts with one of ``names``
    (a tuple)."""
    if isinstance(names, frozenset):
        return [n for n, point in enumerate(points, 1) if names & set(placeholder_names(point))]
    return [
        number
        for number, point in enumerate(points, 1)
        if any(name.startswith(names) for name in placeholder_names(point))
    ]


def _i_punkt(numbers: Sequence[int]) -> str:
    """`` i punkt 1`` / `` i punkterna 1 och 3`` ("" for none)."""
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f" i punkt {numbers[0]}"
    return f" i punkterna {fmt.och([str(n) for n in numbers])}"


def financing_changes(
    proposed: Finansiering,
    decided: Finansiering,
    points: Sequence[str] = (),
    rules: Finansieringsregler | None = None,
) -> list[str]:
    """What the decided financing changes, each a clause after "att" (Swedish): the region's
    amount (what the committee grants), the period, the sources, the region's share per
    budget year where a point states it, the financiers, and how and from when the region's
    share is paid out (by the program's ``rules`` where a financing does not say); each
    names the decision points (``points``, as decided, with their placeholders) that state
    it ("beloppet i punkt 1 ska vara 600 000 kronor årligen"): the amount only those that
    state the region's amount, not its split on budget years or a co-financier's share."""
    amounts_only = Finansieringsregler()  # the amounts do not depend on how they are paid
    before = compute_financing(proposed, amounts_only)
    after = compute_financing(decided, amounts_only)
    found = []
    amounts = [year.belopp for year in after.avtalsar]
    same_amounts = after.region_per_ar == before.region_per_ar and (
        after.region_per_ar is not None or amounts == [year.belopp for year in before.avtalsar]
    )
    if not same_amounts:
        where = _i_punkt(_points_stating(points, _AMOUNT_PLACEHOLDERS))
        amount = f"beloppet{where} ska vara {region_arligen(after)}"
        if after.region_summa != before.region_summa:
            amount += f", sammanlagt {fmt.kronor(after.region_summa)}"
        found.append(amount)
    if decided.period != proposed.period:
        period = decided.period
        where = _i_punkt(_points_stating(points, _PERIOD_PLACEHOLDERS))
        # In running text as running text writes dates (domain.md), whatever form the
        # case's own point has: "från och med den 1 januari 2025 till och med …".
        found.append(f"perioden{where} ska vara {fmt.period_text(period.start, period.slut)}")
        if same_amounts and after.region_summa != before.region_summa:
            found[-1] += f", sammanlagt {fmt.kronor(after.region_summa)}"
    if after.kallor != before.kallor:
        where = _i_punkt(_points_stating(points, _SOURCE_PLACEHOLDERS))
        found.append(f"medlen{where} ska anvisas från {fmt.och(after.kallor)}")
    budget = [(year.ar, year.region) for year in after.budgetar]
    stating = _points_stating(points, _BUDGET_PLACEHOLDERS)
    if stating and budget != [(year.ar, year.region) for year in before.budgetar]:
        years = per_kalenderar_steps([ar for ar, _ in budget], [amount for _, amount in budget])
        found.append(f"fördelningen på budgetåren{_i_punkt(stating)} ska vara {years}")
    # A financier's amounts year by year, not only its sum: two sources of the region's
    # share split the same sum otherwise (ERP 1 000 000 a year becoming 1 200 000,
    # 1 000 000 and 800 000 beside regionala utvecklingsmedel's 500 000 a year changes
    # point 2's "ERP (1 000 000 kronor årligen)", which the region's amount does not tell).
    if _amounts(after.finansiarer) != _amounts(before.finansiarer) and not _told_by_amount(
        before, after
    ):
        # The points whose shares read otherwise now: a point naming the co-financiers
        # is not changed by the region's amount (told above).
        was, now = money_placeholders(before), money_placeholders(after)
        changed = frozenset(name for name in _SHARE_PLACEHOLDERS if was.get(name) != now.get(name))
        where = _i_punkt(_points_stating(points, changed)) if changed else ""
        shares = fmt.och([_share(row) for row in after.finansiarer])
        found.append(f"finansieringen{where} ska utgöras av {shares}")
    found += _condition_changes(proposed, decided, points)
    return found + _payment_changes(proposed, decided, rules or Finansieringsregler())


def _share(row: Finansiarsbelopp) -> str:
    """A financier's share as the decision points state it: "800 000 kronor årligen
    (sammanlagt 2 400 000 kronor) från X" where it gives a sum per year, "sammanlagt …" where
    its years differ (a whole-period sum alone read as the yearly amount the points beside it
    state: "ska vara 600 000 kronor årligen … och 600 000 kronor från kulturnämnden")."""
    in_all = DOCUMENTS.in_all.format(amount=DOCUMENTS.amount(row.summa))
    if row.per_ar is not None and row.per_ar != row.summa:
        amount = f"{arligen(row, ())} ({in_all})"
    elif row.per_ar is None and len(row.per_avtalsar) > 1:
        amount = in_all
    else:
        amount = DOCUMENTS.amount(row.summa)
    # The region's share by its source, as the point "Medlen anvisas från …" names it
    # (ERP, kulturnämndens anslag), not by the financier's label in the data.
    return f"{amount} från {row.kalla if row.region and row.kalla else row.namn}"


def _condition_changes(
    proposed: Finansiering, decided: Finansiering, points: Sequence[str]
) -> list[str]:
    """The co-financiers' conditions (``villkor``) the decision adds or drops, each once:
    the agreement states them, so the minutes do; a condition a decided point states word
    for word is told by that point's change."""

    def conditions(money: Finansiering) -> list[str]:
        return [folded(row.villkor).rstrip(".") for row in money.medfinansiarer if row.villkor]

    before, after = conditions(proposed), conditions(decided)
    stated = folded(" ".join(points)).casefold()
    added = [c for c in after if c not in before and c.casefold() not in stated]
    dropped = [c for c in before if c not in after]
    found = []
    if added:
        found.append(f"regionens finansiering även lämnas under förutsättning att {fmt.och(added)}")
    if dropped:
        # "villkoret att X stryks": "finansiering inte lämnas under förutsättning att X"
        # read as if the region's financing were refused.
        that = fmt.och([f"att {condition}" for condition in dropped])
        found.append(f"{'villkoret' if len(dropped) == 1 else 'villkoren'} {that} stryks")
    return found


def _payment_changes(
    proposed: Finansiering, decided: Finansiering, rules: Finansieringsregler
) -> list[str]:
    """How the region's share is paid, where the decision changes it: the agreement's payment
    plan follows the decided way, so the minutes say it (a decision that changed only that
    read as a bifall as proposed)."""
    found = []
    way_before = proposed.utbetalning.satt or rules.utbetalning
    way_after = decided.utbetalning.satt or rules.utbetalning
    if way_after != way_before:
        found.append(f"{rules.benamning} ska betalas ut {UTBETALNING[way_after]}")
    first = decided.utbetalning.forsta_datum
    if first != proposed.utbetalning.forsta_datum:
        if first is None:
            found.append("den första utbetalningen ska göras när perioden börjar")
        else:
            found.append(
                f"den första utbetalningen ska göras {fmt.datum_text(first)}, tillsammans med det "
                "som skulle ha betalats ut före den dagen"
            )
    return found


def _amounts(
    rows: Sequence[Finansiarsbelopp],
) -> list[tuple[str, tuple[int, ...], tuple[int, ...]]]:
    """Each financier's amounts as the points state them: per avtalsår and per budget year."""
    return [(row.namn, row.per_avtalsar, row.per_budgetar) for row in rows]


def _told_by_amount(before: Berakning, after: Berakning) -> bool:
    """Whether what the financiers' rows change is the region's amount alone, which the
    change of the amount tells: the region one financier under the same name, and every
    co-financier's row as it was."""
    region_before, region_after = before.region, after.region
    return (
        len(region_before) == len(region_after) == 1
        and region_before[0].namn == region_after[0].namn
        and _amounts(before.medfinansiarer) == _amounts(after.medfinansiarer)
    )


def pair_points(
    proposed: Sequence[str], decided: Sequence[str], values: dict[str, str]
) -> list[tuple[int | None, int | None]]:
    """The proposal's points paired with the decided ones, in order, as indexes: ``(i,
    j)`` for proposal point ``i`` as decided point ``j`` (the same, completed or reworded),
    ``(i, None)`` for a point struck, ``(None, j)`` for a new one. The points are compared
    as they read (``values`` filled in): the points that read the same pair first, so that
    striking point 4 of 5 leaves point 5 as it was; among the others, where the numbers
    differ, a decided point pairs with the proposal's point it reads most like."""
    before = [folded(fill_placeholders(point, values)) for point in proposed]
    after = [folded(fill_placeholders(point, values)) for point in decided]
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += [(i1 + k, j1 + k) for k in range(i2 - i1)]
        else:
            pairs += _pair_alike(before, after, range(i1, i2), range(j1, j2))
    return pairs


#: Beyond this many ways of pairing a run of changed points, they pair by their order.
_MOST_PAIRINGS = 5000


def _pair_alike(
    before: Sequence[str], after: Sequence[str], olds: range, news: range
) -> list[tuple[int | None, int | None]]:
    """A run of the proposal's points (``olds``) and the decided ones in their place
    (``news``), paired in order: where there are fewer on one side, each of those pairs
    with the one of the other side it reads most like (the order kept); the rest are
    struck or new."""
    fewer = min(len(olds), len(news))
    if len(olds) == len(news) or math.comb(max(len(olds), len(news)), fewer) > _MOST_PAIRINGS:
        kept_old, kept_new = list(olds[:fewer]), list(news[:fewer])
    elif len(olds) > len(news):
        kept_new = list(news)
        kept_old = list(
            max(
                itertools.combinations(olds, fewer),
                key=lambda chosen: _likeness(before, after, chosen, kept_new),
            )
        )
    else:
        kept_old = list(olds)
        kept_new = list(
            max(
                itertools.combinations(news, fewer),
                key=lambda chosen: _likeness(before, after, kept_old, chosen),
            )
        )
    pairs: list[tuple[int | None, int | None]] = list(zip(kept_old, kept_new, strict=True))
    pairs += [(i, None) for i in olds if i not in kept_old]
    pairs += [(None, j) for j in news if j not in kept_new]
    return sorted(pairs, key=lambda pair: _place(pair, pairs))


def _likeness(
    before: Sequence[str], after: Sequence[str], olds: Iterable[int], news: Iterable[int]
) -> float:
    return sum(
        difflib.SequenceMatcher(None, before[i], after[j]).ratio()
        for i, j in zip(olds, news, strict=True)
    )


def _place(
    pair: tuple[int | None, int | None], pairs: list[tuple[int | None, int | None]]
) -> tuple[float, int]:
    """Where a pair goes in the minutes: by the proposal's number, a new point after the
    proposal's point before it."""
    old, new = pair
    if old is not None:
        return (old, 0)
    assert new is not None
    before = [i for i, j in pairs if i is not None and j is not None and j < new]
    return (max(before) + 0.5 if before else -0.5, new)


def point_changes(
    proposed: Sequence[str], decided: Sequence[str], values: dict[str, str]
) -> list[str]:
    """What amended points change against the proposal's, point by point (Swedish), as the
    minutes say it: the points compared as they read, both with the decided facts filled
    in (``values``), so that another placeholder for the same text, or a decided amount,
    is not a change of wording (the amount is told by :func:`financing_changes`). A point
    is named by its number in the proposal, a new one by its number as decided. A quoted
    point goes without its full stop: the sentence of the lead ends after the quote."""
    found = []
    for old, new in pair_points(proposed, decided, values):
        if old is None:
            assert new is not None
            text = folded(fill_placeholders(decided[new], values)).rstrip(".")
            found.append(f"en ny punkt {new + 1} läggs till: ”{text}”")
            continue
        number = old + 1
        if new is None:
            found.append(f"punkt {number} stryks")
            continue
        before = folded(fill_placeholders(proposed[old], values))
        after = folded(fill_placeholders(decided[new], values))
        if before == after:
            continue
        stem = before.rstrip(".")
        if after.startswith(stem) and len(after.rstrip(".")) > len(stem):
            added = after[len(stem) :].strip().rstrip(".")
            found.append(f"punkt {number} kompletteras med ”{added}”")
        else:
            found.append(f"punkt {number} ska lyda: ”{after.rstrip('.')}”")
    return found


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
    rules: Finansieringsregler | None = None,
) -> Beslutstext:
    """The decision of a paragraph as its extract states it.

    ``proposed_points`` are the case's decision points and ``decided_points`` the amended
    ones (None: as proposed), both with their placeholders; ``wording`` is the committee's
    own wording of an avslag, återremiss or bordläggning (None: the usual one). Placeholders
    are filled with the decided facts in a bifall, with the proposal's otherwise; ``rules``
    are the program's, for how a financing that does not say is paid out.
    """
    if not utfall.granted:
        if wording:
            lines = tuple(_sentence(fill_placeholders(line, proposal_values)) for line in wording)
        else:
            lines = (_USUAL[utfall].format(namnd=namnd),)
        return Beslutstext(inledning=lines, punkter=())
    raw = decided_points or proposed_points
    read = [fill_placeholders(point, decided_values) for point in raw]
    # A condition the decided financing adds and no point states is part of the decision
    # as decided: the points carry it, as the agreement states it.
    missing = [c for c in conditions(decided, decided_values) if not c.stated_in(read)]
    points = tuple(carry(read, raw, missing))
    if utfall is Utfall.BIFALL:
        return _as_proposed(namnd, points)
    if andring is not None:
        changes = [fill_placeholders(andring, decided_values).rstrip(".")]
    else:
        changes = financing_changes(proposed, decided, decided_points or proposed_points, rules)
        if decided_points is not None:
            changes += point_changes(proposed_points, decided_points, decided_values)
    if not changes:  # the amended points read as the proposal's: decided as proposed
        return _as_proposed(namnd, points)
    if len(changes) == 1:
        lead = f"{namnd} beslutar enligt förslaget med den ändringen att {changes[0]}."
    else:
        lead = f"{namnd} beslutar enligt förslaget med de ändringarna {_att_list(changes)}."
    return Beslutstext(inledning=(lead, "Beslutet har därmed följande lydelse:"), punkter=points)


def _as_proposed(namnd: str, points: tuple[str, ...]) -> Beslutstext:
    """A bifall as proposed: its points verbatim, after "… beslutar enligt förslaget" unless
    the first point already says that the committee decides ("Regionala
    utvecklingsnämnden beslutar att …"), so that the extract always says who decided."""
    if points and points[0].casefold().startswith(namnd.casefold()):
        return Beslutstext(inledning=(), punkter=points)
    lead = f"{namnd} beslutar enligt förslaget."
    return Beslutstext(inledning=(lead, AS_PROPOSED_WORDING), punkter=points)


#: What follows the lead of a bifall as proposed whose points do not name the committee.
AS_PROPOSED_WORDING = "Beslutet har följande lydelse:"


def as_proposed_lead(lead: Sequence[str]) -> bool:
    """Whether ``lead`` is the one a bifall as proposed opens with (:func:`_as_proposed`):
    it follows from the points, which say the decision."""
    return len(lead) == 2 and lead[1] == AS_PROPOSED_WORDING


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
    return (f"{fmt.och(jav)} deltar inte i handläggningen på grund av jäv.",)


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
