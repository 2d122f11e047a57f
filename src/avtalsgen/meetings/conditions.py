"""A co-financier's condition (``villkor``) and the decision points that state it.

The samarbetsavtal states every co-financier's condition of the financing it follows
("Regionens finansiering lämnas även under förutsättning att …"), so the points that propose
or decide the case must say the same:

- the beslutsförslag's points state each condition of the proposed financing, word for word
  (:func:`proposal_problems`), so that the proposal does not propose a condition its points
  do not carry;
- a decision keeps a condition the proposal's points stated only while its financing does,
  and states none the decided financing dropped (:func:`decision_problems`);
- a condition the decided financing adds, which no decided point states, is carried into
  the points as decided (:func:`carry`): the extract's "Beslutet har därmed följande
  lydelse" states the decision as decided.

Conditions and points are compared as they read (placeholders filled in, spaces folded,
case ignored); a condition's full stop is not part of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from avtalsgen.documents import format as fmt
from avtalsgen.i18n import _, join_words
from avtalsgen.model import Arende, Finansiering, Program
from avtalsgen.model.prose import fill_placeholders, placeholder_names
from avtalsgen.model.types import Loc

#: The placeholders that state the co-financiers' shares.
COFINANCING_PLACEHOLDERS = frozenset({"medfinansiering", "totalt_finansiering"})


def folded(text: str) -> str:
    """``text`` with its white space folded: as a decision's points are compared."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Condition:
    """One co-financier's condition as it reads."""

    place: int
    """The co-financier's place among the financing's ``finansiarer``."""
    namn: str
    """The co-financier's name."""
    text: str
    """The condition, placeholders filled in, without its full stop."""

    def stated_in(self, points: Sequence[str]) -> bool:
        """Whether one of ``points`` (as they read) states it word for word."""
        wanted = self.text.casefold()
        return any(wanted in folded(point).casefold() for point in points)


def conditions(money: Finansiering, values: dict[str, str]) -> list[Condition]:
    """The co-financiers' conditions of ``money``, in the order of its financiers."""
    return [
        Condition(place, row.namn, folded(fill_placeholders(row.villkor, values)).rstrip("."))
        for place, row in enumerate(money.finansiarer)
        if not row.region and row.villkor
    ]


def filled(points: Sequence[str], values: dict[str, str]) -> list[str]:
    """``points`` as they read."""
    return [fill_placeholders(point, values) for point in points]


def proposal_problems(arende: Arende, program: Program) -> list[tuple[Loc, str]]:
    """Each condition of the case's proposed financing that the beslutsförslag's points
    (``beslutspunkter``) do not state, at the condition, and each condition a point on the
    co-financing proposes ("… från {medfinansiering} och att …") that no co-financier's
    ``villkor`` gives, at the point (a valid case and program)."""
    money, points = arende.finansiering, arende.beslutspunkter
    if not any(row.villkor for row in money.medfinansiarer) and not any(
        _MORE_CONDITIONS.search(point) for point in points
    ):
        return []
    from avtalsgen.documents.context import placeholder_values

    values = placeholder_values(arende, program)
    read = filled(points, values)
    cofinancing = [n for n, p in enumerate(points, 1) if _states_cofinancing(p)]
    found = _unstated_conditions(points, money, values)
    for condition in conditions(money, values):
        if condition.stated_in(read):
            continue
        if cofinancing:
            fix = _(
                "complete point {number}, which states the co-financing, with “och att "
                "{condition}” (beslutspunkter[{index}])"
            ).format(number=cofinancing[-1], index=cofinancing[-1] - 1, condition=condition.text)
        else:
            fix = _(
                "add a point “Beslutet gäller under förutsättning av medfinansiering från "
                "{{medfinansiering}} och att {condition}.” to beslutspunkter"
            ).format(condition=condition.text)
        found.append(
            (
                ("finansiering", "finansiarer", condition.place, "villkor"),
                _(
                    "the samarbetsavtal states the condition “{condition}” on {name}'s share, "
                    "but no point of the beslutsförslag proposes it, and the proposal's points "
                    "and its financing must agree: {fix}"
                ).format(condition=condition.text, name=condition.namn, fix=fix),
            )
        )
    return found


#: A point on the co-financing that goes on to a condition of its own: what follows the
#: placeholder, from "och att" or "samt att".
_MORE_CONDITIONS = re.compile(
    r"\{(?:medfinansiering|totalt_finansiering)\}\s*,?\s*((?:och|samt) att\b.*)$", re.DOTALL
)
#: The words that join conditions: "och att", "samt att", a comma.
_JOINING = re.compile(r"\b(?:och|samt)\s+att\b|,|\batt\b")


def _unstated_conditions(
    points: Sequence[str], money: Finansiering, values: dict[str, str]
) -> list[tuple[Loc, str]]:
    """The conditions the proposal's points on the co-financing add after it ("… från
    {medfinansiering} och att X") that no co-financier's ``villkor`` gives: the draft
    agreement would not state them, at the point."""
    given = [condition.text.casefold() for condition in conditions(money, values)]
    found: list[tuple[Loc, str]] = []
    for index, point in enumerate(points):
        more = _MORE_CONDITIONS.search(point)
        if more is None:
            continue
        text = folded(fill_placeholders(more.group(1), values)).rstrip(".")
        text = re.sub(r"^(?:och|samt) att\s+", "", text)
        rest = text.casefold()
        for condition in given:
            rest = rest.replace(condition, " ")
        if not any(c.isalnum() for c in _JOINING.sub(" ", rest)):
            continue
        place = next(
            (
                str(n)
                for n, row in enumerate(money.finansiarer)
                if not row.region and row.namn.casefold() in text.casefold()
            ),
            "M",
        )
        found.append(
            (
                ("beslutspunkter", index),
                _(
                    "point {number} proposes the condition “{text}” after the co-financing, "
                    "but no co-financier's villkor in the financing gives it, so the "
                    "samarbetsavtal would not state it, and the proposal's points and its "
                    "financing must agree: give it under finansiering.finansiarer[{m}].villkor "
                    "(the co-financier it concerns)"
                ).format(number=index + 1, text=text, m=place),
            )
        )
    return found


def _states_cofinancing(point: str) -> bool:
    return bool(COFINANCING_PLACEHOLDERS & set(placeholder_names(point)))


def decision_problems(
    proposed_points: Sequence[str],
    decided_points: Sequence[str] | None,
    proposed: Finansiering,
    decided: Finansiering,
    values: dict[str, str],
    where: str,
) -> list[tuple[tuple[str | int, ...], str]]:
    """What a decision's points and its financing say differently of a condition, by the
    paragraph's key to blame: a condition the proposal's points stated that the decided
    points no longer state (struck or reworded) while the decided financing keeps it (the
    agreement would state it); a condition the decided points state that the decided
    financing dropped (the agreement would not). ``decided_points`` None: as proposed;
    ``where`` is the paragraph's key, ``paragrafer[N]``; ``values`` fill in both sets of
    points."""
    before = filled(proposed_points, values)
    after = before if decided_points is None else filled(decided_points, values)
    kept = conditions(decided, values)
    found: list[tuple[tuple[str | int, ...], str]] = []
    for condition in kept:
        if condition.stated_in(before) and not condition.stated_in(after):
            found.append(
                (
                    ("beslut",),
                    _(
                        "the proposal's points state the condition “{condition}” on {name}'s "
                        "share and the points as decided do not, but the financing still gives "
                        "it, so the samarbetsavtal would state a condition the committee struck: "
                        "give the decided financing under {where}.finansiering with {name} "
                        "without villkor, or keep the condition in the points"
                    ).format(condition=condition.text, name=condition.namn, where=where),
                )
            )
    decided_texts = {condition.text.casefold() for condition in kept}
    for condition in conditions(proposed, values):
        if condition.text.casefold() in decided_texts or not condition.stated_in(after):
            continue
        number = next(n for n, point in enumerate(after, 1) if condition.stated_in([point]))
        keys: tuple[str | int, ...] = ("beslut", number - 1) if decided_points else ()
        found.append(
            (
                keys or ("finansiering",),
                _(
                    "point {number} as decided states the condition “{condition}” on {name}'s "
                    "share, but the decided financing does not give it, so the samarbetsavtal "
                    "would not state it: give it as villkor of {name} under "
                    "{where}.finansiering, or the points as decided without it under "
                    "{where}.beslut"
                ).format(number=number, condition=condition.text, name=condition.namn, where=where),
            )
        )
    return found


def struck_problems(
    proposed_points: Sequence[str],
    pairs: Sequence[tuple[int | None, int | None]],
    decided_points: Sequence[str],
    decided: Finansiering,
    where: str,
) -> list[str]:
    """The proposal's points on the co-financing (``{medfinansiering}``) that the decision
    strikes, or rewords so that they no longer state it, while the decided financing still
    has co-financiers, whose shares the samarbetsavtal states as conditions of the region's
    financing: the agreement would state what the committee struck. A decision one of whose
    points still states the co-financing (moved to another point, say) strikes none of it.
    ``pairs`` are the points paired (:func:`avtalsgen.meetings.wording.pair_points`)."""
    names = [row.namn for row in decided.medfinansiarer]
    if not names or any(_states_cofinancing(point) for point in decided_points):
        return []
    found = []
    for old, new in pairs:
        if old is None or not _states_cofinancing(proposed_points[old]):
            continue
        if new is None:
            message = _(
                "point {number} of the proposal, which states the co-financing, is struck, "
                "but the financing still has {names} as co-financiers, whose shares the "
                "samarbetsavtal states as conditions of the region's financing: give the "
                "financing as decided under {where}.finansiering without them, or keep the point"
            )
        else:
            message = _(
                "point {number} of the proposal, which states the co-financing, no longer "
                "states it as decided, but the financing still has {names} as co-financiers, "
                "whose shares the samarbetsavtal states as conditions of the region's "
                "financing: give the financing as decided under {where}.finansiering without "
                "them, or keep {{medfinansiering}} in the point"
            )
        found.append(message.format(number=old + 1, names=join_words(names), where=where))
    return found


def carry(points: Sequence[str], raw: Sequence[str], missing: Sequence[Condition]) -> list[str]:
    """The points as decided (``points`` as they read, ``raw`` with their placeholders),
    carrying the conditions the decided financing adds that none of them states
    (``missing``): the last point on the co-financing completed with "och att …", else a
    point of their own at the end."""
    carried = list(points)
    if not missing:
        return carried
    said = fmt.och([condition.text for condition in missing])
    cofinancing = [index for index, point in enumerate(raw) if _states_cofinancing(point)]
    if cofinancing:
        index = cofinancing[-1]
        carried[index] = f"{folded(carried[index]).rstrip('.')} och att {said}."
    else:
        carried.append(f"Regionens finansiering lämnas även under förutsättning att {said}.")
    return carried
