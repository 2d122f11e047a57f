"""The case files of the cases folder and their Dnr, kept by the folder's listing.

Every list page and every case's page asks which files of the cases folder are case files
(a program file kept beside them is not: :func:`avtalsgen.input.kinds.file_kind`) and which
of them share a Dnr (:func:`avtalsgen.input.filednr.file_dnr`). Both read each file's YAML
once while it is unchanged, but asking them costs a ``stat`` and a resolution of its path
per file, some 2 ms a request for 50 cases. So the answers are kept by the folder's listing
(every ``*.yaml`` file's name and stamp, one ``scandir``): a file added, removed, renamed or
changed is a new listing, read again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from avtalsgen.web.stamps import Kept, listing


@dataclass(frozen=True)
class CaseIndex:
    """The case files of a folder as its listing was when read."""

    files: tuple[tuple[Path, tuple[int, int, int]], ...]
    """Each case file, in order of its name, with its stamp (time of change, size, inode)."""
    dnr_lines: Mapping[str, tuple[str, ...]]
    """By Dnr, the case files that give it, each as ``name:line`` of its ``dnr`` key."""


#: The index of each folder, by its path and listing (a handful of entries: it starts
#: again when full).
_INDEXES: Kept[CaseIndex] = Kept(64)
#: What each file is, by its path and stamp: whether it is a program file, and its Dnr and
#: the line of its ``dnr`` key. A save changes one file of the listing: the index is made
#: again from these, the saved file read alone.
_FILES: Kept[tuple[bool, str | None, int | None]] = Kept(5000)


def case_index(folder: Path) -> CaseIndex:
    """The case files of the cases folder ``folder`` (as
    :func:`avtalsgen.web.yamlfiles.case_files` finds them) and their Dnr, read again only
    when a ``*.yaml`` file of it is added, removed or changed."""
    files = listing(folder, (".yaml",))
    return _INDEXES.get(
        (str(folder), files), lambda: _read(folder, {entry[0]: entry[1:] for entry in files})
    )


def _read(folder: Path, stamps: Mapping[str, tuple[int, int, int]]) -> CaseIndex:
    from avtalsgen.web.yamlfiles import list_files

    files = []
    lines: dict[str, list[str]] = {}
    for path in list_files(folder):
        if path.name not in stamps:
            continue
        program, dnr, line = _file(path, stamps[path.name])
        if program:
            continue
        files.append((path, stamps[path.name]))
        if dnr is not None:
            lines.setdefault(dnr, []).append(f"{path.name}:{line}")
    return CaseIndex(tuple(files), {dnr: tuple(names) for dnr, names in lines.items()})


def _file(path: Path, now: tuple[int, int, int]) -> tuple[bool, str | None, int | None]:
    """Whether the file ``path`` (its stamp ``now``) is a program file, its Dnr as Namesakes
    reads it and the line of its ``dnr`` key as the refusal names it."""
    return _FILES.get((str(path), now), lambda: _read_file(path))


def _read_file(path: Path) -> tuple[bool, str | None, int | None]:
    from avtalsgen.input.filednr import file_dnr
    from avtalsgen.input.kinds import file_kind
    from avtalsgen.model import Program

    return (file_kind(path) is Program, *file_dnr(path))
