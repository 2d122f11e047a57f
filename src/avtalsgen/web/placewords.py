"""The places in the case and meeting files that a run's, the log's or a case's message
names, said as the forms say them, with a link to the field.

A build reports a problem in the loader's words, ``RUN-00414-2025.yaml:19:
finansiering.period.start: … ange utbetalning: forsta_datum: …``, and the log records a save
as ``arende/RUN-00386-2023.yaml version 3``: the file's keys and the app's own names of its
files. The pages the office reads (Körning, Logg, a case's Läge) say them as the forms do:
``Finansiering › Period › Start`` linked to that field of the case's form (the link a
case's list of what to fill in has: ``/arenden/X#root[finansiering][period][start]``), the
file by its kind and name, and the message's own keys by the form's labels
(:func:`avtalsgen.web.formwords.form_message`: ``Finansiering › Utbetalning › Första
datum``). A place in a file with no form (the program file) stays as the loader names it.

Files are named relative to the cases folder (:mod:`avtalsgen.web.serverpaths` made them
so): a case file at its top (``X.yaml``), a meeting file in ``sammantraden/``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from avtalsgen.i18n import _

if TYPE_CHECKING:
    from avtalsgen.web.editing import Kind

#: ``file.yaml:line: field``, and the colon after it.
_PLACE = re.compile(
    r"(?<![\w/.-])(?P<file>(?:sammantraden/)?[\w.-]+\.yaml):(?P<line>\d+): "
    r"(?P<field>[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*|\[\d+\])*)(?:: )?"
)
#: A save as the log records it: ``arende/RUN-00386-2023.yaml version 3``.
_SAVE = re.compile(r"^(?P<kind>arende|sammantrade)/(?P<stem>[\w.-]+)\.yaml version (?P<n>\d+)$")


def _kind_of(file: str) -> tuple[Kind, str, str]:
    """The form's kind of a file named relative to the cases folder, its name and page."""
    from avtalsgen.web.editing import CASES, MEETINGS

    stem = file.rsplit("/", 1)[-1].removesuffix(".yaml")
    kind = MEETINGS if file.startswith("sammantraden/") else CASES
    return kind, stem, f"{kind.base}/{stem}"


def _anchor(field: str) -> str:
    """The form's id of a field named by the loader: ``root[finansiering][period][start]``."""
    return "root" + "".join(f"[{part}]" for part in re.split(r"[.\[\]]+", field) if part)


def _lines(text: str, unbroken: bool) -> Markup:
    """Text escaped, each line break kept as one; each date and Dnr kept on one line when
    ``unbroken`` (:func:`avtalsgen.web.app.dates_unbroken`)."""
    from avtalsgen.web.app import dates_unbroken

    def line_of(text: str) -> Markup:
        return Markup(dates_unbroken(text)) if unbroken else escape(text)

    return Markup("<br>").join(line_of(line) for line in text.split("\n"))


def linked_places(text: object, unbroken: bool = False) -> Markup:
    """``text`` (a message of a run, the log or a case's status) with each place in a case
    or meeting file said as the form says it and linked to its field (see the module's
    docstring); the rest escaped as it is (with its dates and Dnr kept on one line when
    ``unbroken``, as the log's narrow column needs)."""
    from avtalsgen.web.editing import CASES, MEETINGS, form_schema
    from avtalsgen.web.forms import field_title
    from avtalsgen.web.formwords import form_message

    if text is None:
        return Markup("")
    text = str(text)
    save = _SAVE.match(text)
    if save is not None:
        saved = CASES if save["kind"] == CASES.name else MEETINGS
        words = _("{kind} {name}, version {version}").format(
            kind=_(saved.title), name=save["stem"], version=save["n"]
        )
        return Markup('<a href="{href}">{words}</a>').format(
            href=f"{saved.base}/{save['stem']}/versioner", words=_lines(words, unbroken)
        )
    matches = list(_PLACE.finditer(text))
    if not matches:
        return _lines(text, unbroken)
    out = [_lines(text[: matches[0].start()], unbroken)]
    for number, match in enumerate(matches):
        end = matches[number + 1].start() if number + 1 < len(matches) else len(text)
        rest = text[match.end() : end]
        kind, stem, page = _kind_of(match["file"])
        schema = form_schema(kind.name)
        title = field_title(match["field"], schema)
        where = _("{kind} {name}, line {line}").format(
            kind=_(kind.title).lower(),
            name=stem,
            line=match["line"],
        )
        out.append(
            Markup('<a href="{href}">{title}</a> ({where}){colon}').format(
                href=f"{page}#{_anchor(match['field'])}",
                title=title,
                where=where,
                colon=": " if match.group(0).endswith(": ") else "",
            )
        )
        out.append(_lines(form_message(rest, match["field"], schema), unbroken))
    return Markup("").join(out)
