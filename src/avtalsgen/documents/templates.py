"""Where the Word templates are, when the command line does not say (``--templates``).

The templates belong to the project, not to the folder a command runs in: the nearest
``templates/`` folder above the case or meeting files (the project's own, as in this
repository, where ``cases/program/`` holds the program file and ``templates/`` lies beside
``cases/``), else the templates shipped with avtalsgen.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from avtalsgen.i18n import _, join_words

#: The name of a project's templates folder.
FOLDER = "templates"
#: How many folders above an input file are looked at (``cases/sammantraden/x.yaml`` finds
#: ``templates/`` beside ``cases/``).
LEVELS = 3
#: How Word's owner file begins: the lock file it keeps beside a document it has open
#: (``~$slutsforslag.docx`` beside ``beslutsforslag.docx``) and removes when it closes it.
LOCK_PREFIX = "~$"


def is_template(path: Path) -> bool:
    """Whether ``path`` names a Word document that may be a template: a ``.docx`` that is
    not one of Word's lock files."""
    return path.suffix.lower() == ".docx" and not path.name.startswith(LOCK_PREFIX)


def only_lock_files(folder: Path) -> str | None:
    """What to say of ``folder`` when it holds Word's lock files and no template (None
    otherwise): a template asked for is missing there, and what the user sees in the folder
    are files Word left of templates open or once open."""
    try:
        files = sorted(folder.glob("*.docx"))
    except OSError:
        return None
    locks = [path.name for path in files if path.name.startswith(LOCK_PREFIX)]
    if not locks or any(is_template(path) for path in files):
        return None
    return _(
        "the folder holds no template, only Word's lock files ({files}), which Word keeps "
        "beside a document while it has it open: a lock file is never a template. Put the "
        "templates in the folder; once no Word has them open, the lock files may be deleted"
    ).format(files=join_words(locks))


def shipped_templates() -> Path:
    """The templates that come with avtalsgen: in its package if installed with them, else
    those of the source tree it runs from (``src/avtalsgen`` -> ``templates/``)."""
    package = Path(__file__).resolve().parent.parent
    inside = package / FOLDER
    return inside if inside.is_dir() else package.parent.parent / FOLDER


def find_templates(inputs: Sequence[Path] = ()) -> Path:
    """The templates folder for the case or meeting files (or folders) ``inputs``: the
    nearest ``templates/`` holding a Word template (``*.docx``, not one of Word's lock files)
    in the folder of the first input or up to :data:`LEVELS` folders above it, else
    :func:`shipped_templates`."""
    for given in inputs[:1]:
        start = given.resolve()
        folder = start if start.is_dir() else start.parent
        for candidate in [folder, *folder.parents][: LEVELS + 1]:
            found = candidate / FOLDER
            if found.is_dir() and any(map(is_template, found.glob("*.docx"))):
                return found
    return shipped_templates()
