"""The preview's own copies of a case's documents, shown as soon as they passed the fact
check.

A save builds the case again (in the worker process, through the output folder's lock like
any build); the packet, the manifest and the build's record come after the documents' fact
check and take about as long again. So that the preview does not wait for them, the
checked PDFs are kept in the app's data folder, ``<data>/forhandsgranskning/<Dnr>/``, one
file per document, replaced at each preview; the preview page shows them while the build
goes on, and the output folder's documents once it has ended. Nothing here is written under
the output folder.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path

#: The folder of previews in the data folder.
FOLDER = "forhandsgranskning"


def keep(folder: Path, pdfs: Mapping[str, Path]) -> list[str]:
    """Keep ``pdfs`` (by document) as the preview in ``folder``, each replacing the one
    before; PDFs of documents the case no longer has are removed. The names kept. A build
    hands the documents of a case over as each passes the fact check (the first alone,
    then all): those kept already are left as they are."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    names = []
    for document, pdf in sorted(pdfs.items()):
        name = f"{document}.pdf"
        names.append(name)
        with contextlib.suppress(OSError):
            if (folder / name).samefile(pdf):  # kept already, by this build's hook before
                continue  # (and a rename onto a link of the same file would do nothing)
        temporary = folder / f".{name}.{secrets.token_hex(4)}"
        try:
            temporary.hardlink_to(pdf)  # the same file, no copy
        except OSError:
            shutil.copyfile(pdf, temporary)
        temporary.replace(folder / name)
    for old in folder.glob("*.pdf"):
        if old.name not in names:
            old.unlink(missing_ok=True)
    return names
