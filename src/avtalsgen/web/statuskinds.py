"""The statuses the case list filters by, as the office knows them.

A case's status is ``avtalsgen status``'s line ("beslutat: bifall", "avtal undertecknat av
…", "tilläggsavtal nr 1 undertecknat av …; förlängning: …"); its first word is no status
("avtal", "beslutat:" with its colon). The list offers these instead, every one of them
whether a case has it now or not (a draft is one a new case has), each the code status
gives a case where it says the line (:attr:`avtalsgen.build.status.CaseStatus.kod`).
"""

from __future__ import annotations

from dataclasses import dataclass

from avtalsgen.i18n import N_, _


@dataclass(frozen=True)
class StatusKind:
    """A status the list can be filtered by: its code, the value in the address, and its
    words."""

    value: str
    words: str


#: In the order of a case's life.
KINDS = (
    StatusKind("utkast", N_("draft")),
    StatusKind("forslag", N_("proposal built")),
    StatusKind("aterremiss", N_("referred back")),
    StatusKind("bordlaggning", N_("postponed")),
    StatusKind("avslag", N_("rejected")),
    StatusKind("beslutat", N_("granted, agreement to sign")),
    StatusKind("undertecknat", N_("agreement signed")),
    StatusKind("tillaggsavtal", N_("tilläggsavtal")),
    StatusKind("ersatt", N_("signed packet superseded")),
    StatusKind("fel", N_("errors in the case file")),
)


def choices() -> list[tuple[str, str]]:
    """The list's choices: each kind's value and words."""
    return [(kind.value, _(kind.words)) for kind in KINDS]
