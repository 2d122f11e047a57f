"""How to put back a fact that a document made from an edited template no longer states:
where the templates that come with avtalsgen state it, by kind of document and group of
facts (:mod:`avtalsgen.documents.factcheck`), in words a Word user finds the place by."""

from __future__ import annotations

from pathlib import Path

from avtalsgen.i18n import N_, _

_PARAGRAPH = N_("write '{tag}' in a paragraph of its own below the title")
_HEADER = N_("write '{tag}' in the page header")
_ROW = N_("put back the table row {tag} under the heading '{heading}'")
_TEXT = N_("put back '{tag}', which prints the text that states it")
_TITLE = N_("put back '{tag}' below the title")

#: Per kind of document and group of facts (or place of a group: ``Dnr/every page``; or a
#: fact beyond the groups, by its name): how to put it back, the tag and the heading it
#: stands under.
_HINTS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("beslutsforslag", "Dnr"): (_PARAGRAPH, "Dnr {{ arende.dnr }}", ""),
    ("beslutsforslag", "Dnr/every page"): (_HEADER, "Dnr {{ arende.dnr }}", ""),
    ("beslutsforslag", "aktör"): (_TEXT, "{{p text.beslutspunkter }}", ""),
    ("beslutsforslag", "belopp"): (_TEXT, "{{p text.beslutspunkter }}", ""),
    ("beslutsforslag", "period"): (_TEXT, "{{p text.beslutspunkter }}", ""),
    ("beslutsforslag", "källa"): (_TEXT, "{{p text.beslutspunkter }}", ""),
    ("beslutsforslag", "totalt"): (
        _ROW, "'Totalt' | '{{ finansiering.summa|kr }}'", "Finansiering",
    ),
    ("beslutsforslag", "finansiärer"): (
        _ROW, "'{{ rad.namn }}' | '{{ rad.summa|belopp }}'", "Finansiering",
    ),
    ("beslutsforslag", "budgetår"): (
        _ROW, "'{{ rad.namn }}' | '{{ belopp|belopp }}' … '{{ rad.summa|belopp }}'",
        "Fördelning per budgetår",
    ),
    ("samarbetsavtal", "Dnr"): (_PARAGRAPH, "Dnr {{ arende.dnr }}", ""),
    ("samarbetsavtal", "Dnr/every page"): (_HEADER, "Dnr {{ arende.dnr }}", ""),
    ("samarbetsavtal", "aktör"): (
        _TITLE, "mellan {{ program.region.namn }} och {{ arende.aktor.namn }}", "",
    ),
    ("samarbetsavtal", "belopp"): (_TEXT, "{{p k.text }}", ""),
    ("samarbetsavtal", "period"): (_TEXT, "{{p k.text }}", ""),
    ("samarbetsavtal", "källa"): (_TEXT, "{{p k.text }}", ""),
    ("samarbetsavtal", "regionens andel"): (
        _ROW, "'Totalt' | … | '{{ avtal.finansiering.region_summa|kr }}'", "Belopp per avtalsår",
    ),
    ("samarbetsavtal", "avtalsår"): (
        _ROW,
        "'Avtalsår {{ ar.nummer }}' | '{{ ar.start|intervall(ar.slut) }}' | "
        "'{{ ar.belopp|kr }}'",
        "Belopp per avtalsår",
    ),
    ("samarbetsavtal", "utbetalningar"): (
        _ROW,
        "'{{ u.nummer }}' | '{{ u.avser }}' | '{{ u.datum|iso }}' | '{{ u.belopp|kr }}'",
        "Utbetalningsplan",
    ),
    ("protokollsutdrag", "Dnr"): (_PARAGRAPH, "Dnr {{ utdrag.dnr }}", ""),
    ("protokollsutdrag", "Dnr/every page"): (_HEADER, "Dnr {{ utdrag.dnr }}", ""),
    ("protokollsutdrag", "belopp"): (_TEXT, "{{p text.beslut }}", ""),
    ("protokollsutdrag", "period"): (_TEXT, "{{p text.beslut }}", ""),
    ("protokollsutdrag", "källa"): (_TEXT, "{{p text.beslut }}", ""),
    ("tillaggsavtal", "Dnr"): (_PARAGRAPH, "Dnr {{ arende.dnr }}", ""),
    ("tillaggsavtal", "Dnr/every page"): (_HEADER, "Dnr {{ arende.dnr }}", ""),
    ("tillaggsavtal", "aktör"): (
        _TITLE, "mellan {{ program.region.namn }} och {{ arende.aktor.namn }}", "",
    ),
    ("tillaggsavtal", "period"): (_TEXT, "{{p k.text }}", ""),
    ("tillaggsavtal", "källa"): (_TEXT, "{{p k.text }}", ""),
    ("tillaggsavtal", "avtalsår"): (
        _ROW,
        "'Avtalsår {{ ar.nummer }}' | '{{ ar.start|intervall(ar.slut) }}' | "
        "'{{ ar.belopp|kr }}'",
        "Belopp per avtalsår",
    ),
    # Facts beyond the groups, by their names (a tilläggsavtal's change, a secret's marking).
    ("tillaggsavtal", "ändringens datum"): (_TEXT, "{{p k.text }}", ""),
    ("tillaggsavtal", "avtalets beslut"): (_TEXT, "{{p k.text }}", ""),
    ("tillaggsavtal", "ändringens beslut"): (_TEXT, "{{p k.text }}", ""),
    ("tillaggsavtal", "ändringen gäller från"): (_TEXT, "{{p k.text }}", ""),
    ("beslutsforslag", "sekretess"): (_TEXT, "{{ sekretess }}", ""),
    ("samarbetsavtal", "sekretess"): (_TEXT, "{{ sekretess }}", ""),
    ("tillaggsavtal", "sekretess"): (_TEXT, "{{ sekretess }}", ""),
    ("protokollsutdrag", "sekretess"): (_TEXT, "{{ text.sekretess }}", ""),
}  # fmt: skip


def how_to_fix(document: str, group: str, template: Path | None) -> str:
    """What to do in ``template`` (the one ``document`` was made from) to state the facts
    of ``group`` again: :func:`what_to_do`, said of ``template``; when avtalsgen's templates
    give no place for them, that ``template`` no longer prints them and to put the tag back."""
    where = str(template) if template is not None else _("the template")
    what = what_to_do(document, group)
    if (document, group) not in _HINTS:
        return _("{template} no longer prints it: {what}").format(template=where, what=what)
    return _("in {template}: {what}").format(template=where, what=what)


def what_to_do(document: str, group: str) -> str:
    """What to put back in the template of ``document`` to state the facts of ``group``, as
    avtalsgen's own template does (``templates check``'s words)."""
    hint = _HINTS.get((document, group))
    if hint is None:
        return _(
            "put back the tag that states it, as the template that comes with avtalsgen has it"
        )
    return _("{how}, as the template that comes with avtalsgen has it").format(
        how=_what_to_do(hint)
    )


def _what_to_do(hint: tuple[str, str, str]) -> str:
    how, tag, heading = hint
    return _(how).format(tag=tag, heading=heading)
