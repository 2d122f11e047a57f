"""The statuses the case list filters by, as the office knows them.

A case's status is ``avtalsgen status``'s line ("beslutat: bifall", "avtal undertecknat av
…", "tilläggsavtal nr 1 undertecknat av …; förlängning: …"); its first word is no status
("avtal", "beslutat:" with its colon). The list offers these instead, every one of them
whether a case has it now or not (a draft is one a new case has), each recognised by the
line's words in the language of the moment.
"""

from __future__ import annotations

from dataclasses import dataclass

from avtalsgen.i18n import N_, _


@dataclass(frozen=True)
class StatusKind:
    """A status the list can be filtered by: its value in the address and its words."""

    value: str
    words: str
    starts: tuple[str, ...]
    """The status lines' beginnings (``avtalsgen status``'s msgids, up to their first
    placeholder, ``{utfall}`` filled in with ``utfall``) that are of this kind."""
    utfall: str | None = None


#: In the order of a case's life.
KINDS = (
    StatusKind("utkast", N_("draft"), (N_("draft"),)),
    StatusKind("forslag", N_("proposal built"), (N_("proposal built"),)),
    StatusKind("aterremiss", N_("referred back"), (N_("referred back"),)),
    StatusKind("bordlaggning", N_("postponed"), (N_("postponed"),)),
    StatusKind("avslag", N_("rejected"), (N_("decided: {utfall}"),), N_("rejected")),
    StatusKind("beslutat", N_("granted, agreement to sign"), (N_("decided: {utfall}"),)),
    StatusKind("undertecknat", N_("agreement signed"), (N_("agreement signed by {names}"),)),
    StatusKind("tillaggsavtal", N_("tilläggsavtal"), (N_("tilläggsavtal nr {number}"),)),
    StatusKind(
        "ersatt",
        N_("signed packet superseded"),
        (N_("signed packet superseded: a new packet is needed"),),
    ),
    StatusKind(
        "fel",
        N_("errors in the case file"),
        (N_("errors in the case file"), N_("case file has problems")),
    ),
)


def _prefix(start: str, utfall: str | None) -> str:
    """A beginning in the current language: the msgid translated, up to its first
    placeholder (``{utfall}`` filled in first, when given)."""
    text = _(start)
    if utfall is not None:
        text = text.replace("{utfall}", _(utfall))
    return text.split("{", 1)[0]


def kind_of(status: str) -> str | None:
    """The value of the kind of a status line (the longest beginning that fits), None
    when none does."""
    found: tuple[int, str] | None = None
    for kind in KINDS:
        for start in kind.starts:
            prefix = _prefix(start, kind.utfall)
            if prefix and status.startswith(prefix) and (found is None or len(prefix) > found[0]):
                found = (len(prefix), kind.value)
    # A later decision changing a signed agreement ("…; tilläggsavtal nr 2 decided").
    if found is not None and found[1] == "undertecknat":
        marker = "; " + _("tilläggsavtal nr {number} decided").split("{", 1)[0]
        if marker in status:
            return "tillaggsavtal"
    return found[1] if found is not None else None


def choices() -> list[tuple[str, str]]:
    """The list's choices: each kind's value and words."""
    return [(kind.value, _(kind.words)) for kind in KINDS]
