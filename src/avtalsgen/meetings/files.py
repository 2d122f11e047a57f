"""Where a case's meeting files are: the ``sammantraden`` folder beside its case file.

Kept apart from the models, so that a build can tell a case up to date from the bytes of
its files alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

#: The folder beside the case files that holds the meeting files.
MEETINGS_FOLDER: Final = "sammantraden"


def meeting_files(case_path: Path) -> list[Path]:
    """The meeting files that may decide the case at ``case_path``: the ``*.yaml`` files in
    the ``sammantraden`` folder beside it."""
    return meetings_in(case_path.parent)


def meetings_in(cases: Path) -> list[Path]:
    """The ``*.yaml`` files in the ``sammantraden`` folder of the folder of case files
    ``cases``, in order of their names."""
    folder = cases / MEETINGS_FOLDER
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.glob("*.yaml") if path.is_file())


def meeting_inputs(case_path: Path, dnr: str) -> dict[str, Path]:
    """The meeting files a case's documents may depend on, by role (``sammantrade
    <name>``): those beside it that name its Dnr. Found from their bytes, without reading
    them as YAML, so that a build can tell a case up to date without the models."""
    needle = dnr.encode("ascii")
    return {
        f"sammantrade {path.name}": path
        for path in meeting_files(case_path)
        if needle in path.read_bytes()
    }
