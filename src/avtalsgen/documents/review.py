"""What staff leave in a template for each other while they review it, which no document
may carry: comments and tracked changes.

A comment in a template is a note to the next editor. LibreOffice exports Word's comments
as PDF annotations without an appearance (not PDF/A), and the warm converter's LibreOffice
failed on them ("illegal object given!"); a document sent to an actor would carry the
region's internal notes. So every rendered document is written without them.

A tracked change (Word's Granska > Spåra ändringar left on while editing) is shown by
LibreOffice as both texts, the deleted one struck through: an agreement read "Datum:
enligt den elektroniska underskriftenDatum: se underskriften". Whether the change is to
stand is the editors' decision, not avtalsgen's, so a template with tracked changes is
refused, saying where the first one is and how to accept or reject them.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING

from avtalsgen.i18n import _, ngettext

if TYPE_CHECKING:
    from docx.document import Document

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: The parts of a Word document whose text a document shows.
_TEXT_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
#: Word's elements of a tracked change (ECMA-376 17.13.5): text inserted, deleted or moved,
#: and properties changed.
_CHANGES = ("ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange", "sectPrChange",
            "tblPrChange", "tcPrChange", "trPrChange", "tblGridChange", "numberingChange",
            "cellIns", "cellDel", "cellMerge")  # fmt: skip
_CHANGE = re.compile(rf"<w:({'|'.join(_CHANGES)})[ >/]".encode())
#: A comment's marks in the text: its range and its reference (the run holding it).
_COMMENT_MARKS = ("commentRangeStart", "commentRangeEnd", "commentReference")
#: The relationships of a document to its comments (Word 2007's and those Word 2010-2016
#: added: commentsExtended, commentsIds, commentsExtensible).
_COMMENT_RELATIONSHIP = re.compile(r"/(comments|commentsExtended|commentsIds|commentsExtensible)$")


def tracked_changes_problem(data: bytes) -> str | None:
    """Why the template ``data`` (a .docx file's bytes) cannot be rendered because it holds
    tracked changes, naming the first; None when it holds none."""
    count, first = 0, ""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in sorted(archive.namelist(), key=lambda n: n != "word/document.xml"):
            if not _TEXT_PARTS.fullmatch(name):
                continue
            xml = archive.read(name)
            changes = len(_CHANGE.findall(xml))
            if changes and not count:
                first = _first_change(xml)
            count += changes
    if not count:
        return None
    return ngettext(
        "the template has {count} tracked change, not accepted or rejected ({first}); "
        "every document would show the deleted text beside the new: in Word choose Review > "
        "Accept > Accept All Changes (or Reject), in LibreOffice Edit > Track Changes > "
        "Manage > Accept All, then save the template",
        "the template has {count} tracked changes, not accepted or rejected (the first: "
        "{first}); every document would show the deleted text beside the new: in Word choose "
        "Review > Accept > Accept All Changes (or Reject), in LibreOffice Edit > Track Changes "
        "> Manage > Accept All, then save the template",
        count,
    ).format(count=count, first=first)


def _first_change(xml: bytes) -> str:
    """The first tracked change in the part ``xml``, in words: what was inserted or deleted
    and in which paragraph."""
    from lxml import etree

    root = etree.fromstring(xml)
    for element in root.iter(*(f"{{{_W}}}{tag}" for tag in _CHANGES)):
        tag = etree.QName(element).localname
        text = "".join(element.itertext()).strip()
        paragraph = next(element.iterancestors(f"{{{_W}}}p"), None)
        if paragraph is None and tag in ("ins", "del"):
            paragraph = next(element.iterdescendants(f"{{{_W}}}p"), None)
        around = "".join(paragraph.itertext()).strip() if paragraph is not None else ""
        if tag in ("del", "moveFrom") and text:
            return _("'{text}' deleted in the paragraph '{paragraph}'").format(
                text=text, paragraph=around
            )
        if tag in ("ins", "moveTo") and text:
            return _("'{text}' inserted in the paragraph '{paragraph}'").format(
                text=text, paragraph=around
            )
        if around:
            return _("a change of formatting in the paragraph '{paragraph}'").format(
                paragraph=around
            )
    return _("a change of formatting")


def drop_comments(document: Document) -> None:
    """Remove the comments, and their marks in the text, from the rendered ``document``."""
    part = document.part
    comment_ids = [
        rel_id
        for rel_id, rel in part.rels.items()
        if not rel.is_external and _COMMENT_RELATIONSHIP.search(rel.reltype)
    ]
    if not comment_ids:  # nearly every template: nothing to look for in the text
        return
    marks = {f"{{{_W}}}{tag}" for tag in _COMMENT_MARKS}
    run_tag, properties = f"{{{_W}}}r", f"{{{_W}}}rPr"
    for element in list(document.element.iter(*marks)):
        parent = element.getparent()
        parent.remove(element)
        if parent.tag == run_tag and all(child.tag == properties for child in parent):
            parent.getparent().remove(parent)
    for rel_id in comment_ids:
        part.rels.pop(rel_id)
