"""What a template file is, when it is not the Word document (.docx) its name says.

Staff edit the templates in Word or LibreOffice, and either may save a template in another
format under its .docx name (Word's "Word 97–2003", LibreOffice's own .odt, rich text),
or leave a file that is empty or cut short. Each is named as the office programs name it,
with how to save it again, instead of a zip library's words.
"""

from __future__ import annotations

import io
import zipfile

from avtalsgen.i18n import _

#: The first bytes of an OLE2 compound file: Word 97–2003 (.doc), also Word's .dot.
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
#: The member every Word document (.docx) has, and the one of an OpenDocument file.
_WORD_BODY = "word/document.xml"
_ODF_MIMETYPE = "mimetype"


def _save() -> str:
    return _(
        "open it in Word or LibreOffice and save it with Save as, file type Word document "
        "(.docx) (in LibreOffice: Word 2007–365)"
    )


def format_problem(data: bytes) -> str | None:
    """Why the bytes ``data`` of a template are not a Word document (.docx), in the words of
    the office programs and saying how to save it as one; None when they are."""
    if not data:
        return _("the file is empty (0 bytes): {fix}").format(fix=_save())
    if data.startswith(_OLE2):
        return _("the file is a Word 97–2003 document (.doc) with a .docx name: {fix}").format(
            fix=_save()
        )
    if data.lstrip().startswith(b"{\\rtf"):
        return _("the file is a rich text document (.rtf) with a .docx name: {fix}").format(
            fix=_save()
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = (
                archive.read(_ODF_MIMETYPE)[:100].decode("ascii", "replace")
                if _ODF_MIMETYPE in names
                else ""
            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        return _(
            "the file is not a Word document (.docx), or it was cut short while being saved "
            "or copied: {fix}"
        ).format(fix=_save())
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        return _(
            "the file is an OpenDocument file ({mimetype}) with a .docx name, as LibreOffice "
            "saves in its own format: {fix}"
        ).format(mimetype=mimetype, fix=_save())
    if _WORD_BODY not in names or "[Content_Types].xml" not in names:
        return _("the file is a zip archive but not a Word document (.docx): {fix}").format(
            fix=_save()
        )
    return None
