"""Short tables kept on one page, with the line that names them.

The payment plan and other short tables broke across pages (the agreement's "Utbetalningsplan"
with its first rows at the foot of one page and the rest on the next). Word keeps a table
together by "keep with next" on the paragraphs of every row but the last, and keeps a row
whole by "allow row to break across pages" turned off (``w:cantSplit``); LibreOffice reads
both. The renderer sets them on every table of the rendered document, whatever the
template (which staff edit in Word) says: each row whole, the rows of a table of at most
:data:`MOST_ROWS` rows together, and the short paragraph right before a table (its caption,
"Utbetalningsplan") with it. A longer table may need more than a page, and breaks where it
must; its heading row stays with its first row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.document import Document

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: The most rows a table kept on one page has (a heading row, a row per payment of a
#: quarterly plan over five years, a total): one of more rows breaks where it must.
MOST_ROWS = 24
#: The longest text of a paragraph before a table that is kept with it (a caption).
CAPTION_CHARACTERS = 100
#: What may come before ``w:keepNext`` in a paragraph's properties, and before
#: ``w:cantSplit`` in a row's (the schema's order).
_BEFORE_KEEP_NEXT = frozenset({f"{{{_W}}}pStyle"})
_BEFORE_CANT_SPLIT = frozenset(
    f"{{{_W}}}{name}"
    for name in ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter")
)


def keep_tables_together(document: Document) -> None:
    """Keep each short table of ``document``'s body on one page with its caption, and
    every row whole."""
    body = document.element.body
    for table in list(body.iter(f"{{{_W}}}tbl")):
        rows = table.findall(f"{{{_W}}}tr")
        for row in rows:
            _set_first(_properties(row, "trPr", 0), "cantSplit", _BEFORE_CANT_SPLIT)
        kept = rows[:-1] if len(rows) <= MOST_ROWS else rows[:1]
        for row in kept:
            for paragraph in row.iter(f"{{{_W}}}p"):
                _keep_with_next(paragraph)
        caption = table.getprevious()
        if (
            len(rows) <= MOST_ROWS
            and caption is not None
            and caption.tag == f"{{{_W}}}p"
            and 0 < len(_text(caption)) <= CAPTION_CHARACTERS
        ):
            _keep_with_next(caption)


def _keep_with_next(paragraph: Any) -> None:
    properties = _properties(paragraph, "pPr", 0)
    _set_first(properties, "keepNext", _BEFORE_KEEP_NEXT)


def _properties(element: Any, name: str, index: int) -> Any:
    """``element``'s properties element ``w:<name>``, made as its child ``index`` if it
    has none."""
    found = element.find(f"{{{_W}}}{name}")
    if found is None:
        found = element.makeelement(f"{{{_W}}}{name}", {})
        element.insert(index, found)
    return found


def _set_first(properties: Any, name: str, before: frozenset[str]) -> None:
    """``w:<name>`` in ``properties``, after the elements the schema puts ``before`` it."""
    tag = f"{{{_W}}}{name}"
    if properties.find(tag) is not None:
        return
    index = 0
    for position, child in enumerate(properties):
        if child.tag in before:
            index = position + 1
    properties.insert(index, properties.makeelement(tag, {}))


def _text(paragraph: Any) -> str:
    return "".join(node.text or "" for node in paragraph.iter(f"{{{_W}}}t")).strip()
