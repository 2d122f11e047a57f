"""How to put back a fact that a document made from an edited template no longer states:
where the templates that come with avtalsgen state it (its place in
:mod:`avtalsgen.documents.factplaces`' table), in words a Word user finds the place by."""

from __future__ import annotations

from pathlib import Path

from avtalsgen.documents.factplaces import HEADER, LINE, ROW, TEXT, TITLE, Place
from avtalsgen.i18n import N_, _

#: How to put a fact back, by the part of the document it stands in.
_HOW: dict[str, str] = {
    LINE: N_("write '{tag}' in a paragraph of its own below the title"),
    HEADER: N_("write '{tag}' in the page header"),
    ROW: N_("put back the table row {tag} under the heading '{heading}'"),
    TEXT: N_("put back '{tag}', which prints the text that states it"),
    TITLE: N_("put back '{tag}' below the title"),
}


def how_to_fix(place: Place | None, template: Path | None) -> str:
    """What to do in ``template`` (the one the document was made from) to state a fact
    again in its ``place``: :func:`what_to_do`, said of ``template``; when avtalsgen's
    templates give the fact no place (None), that ``template`` no longer prints it and to
    put the tag back."""
    where = str(template) if template is not None else _("the template")
    what = what_to_do(place)
    if place is None:
        return _("{template} no longer prints it: {what}").format(template=where, what=what)
    return _("in {template}: {what}").format(template=where, what=what)


def what_to_do(place: Place | None) -> str:
    """What to put back in a template to state a fact in its ``place``, as avtalsgen's own
    template does (``templates check``'s words)."""
    if place is None:
        return _(
            "put back the tag that states it, as the template that comes with avtalsgen has it"
        )
    how = _(_HOW[place.where]).format(tag=place.tag, heading=place.heading)
    return _("{how}, as the template that comes with avtalsgen has it").format(how=how)
