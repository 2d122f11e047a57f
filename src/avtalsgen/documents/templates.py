"""Where the Word templates are, when the command line does not say (``--templates``).

The templates belong to the project, not to the folder a command runs in: the nearest
``templates/`` folder above the case or meeting files (the project's own, as in this
repository, where ``cases/program/`` holds the program file and ``templates/`` lies beside
``cases/``), else the templates shipped with avtalsgen.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

#: The name of a project's templates folder.
FOLDER = "templates"
#: How many folders above an input file are looked at (``cases/sammantraden/x.yaml`` finds
#: ``templates/`` beside ``cases/``).
LEVELS = 3


def shipped_templates() -> Path:
    """The templates that come with avtalsgen: in its package if installed with them, else
    those of the source tree it runs from (``src/avtalsgen`` -> ``templates/``)."""
    package = Path(__file__).resolve().parent.parent
    inside = package / FOLDER
    return inside if inside.is_dir() else package.parent.parent / FOLDER


def find_templates(inputs: Sequence[Path] = ()) -> Path:
    """The templates folder for the case or meeting files (or folders) ``inputs``: the
    nearest ``templates/`` holding a Word template (``*.docx``) in the folder of the first
    input or up to :data:`LEVELS` folders above it, else :func:`shipped_templates`."""
    for given in inputs[:1]:
        start = given.resolve()
        folder = start if start.is_dir() else start.parent
        for candidate in [folder, *folder.parents][: LEVELS + 1]:
            found = candidate / FOLDER
            if found.is_dir() and any(found.glob("*.docx")):
                return found
    return shipped_templates()
