"""A case folder's packet versions, its manifest and which of its PDFs are signed, each
read once.

``avtalsgen status`` asks many questions of one case folder (which packet holds the
agreement signed by every party, who signed the newest, whether a signed one lacks a
secrecy marking, whether the documents beside the newest still stand): asked of the files
each time, it read ``manifest.json`` three times per case and opened a packet version once
per question. A :class:`PacketFolder` reads each of them once, for a reader that writes
nothing while it asks; a writer (the build, ``sign``) reads the files afresh.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from avtalsgen.build.workspace import CaseFolder


class PacketFolder:
    """What a reader needs of a case folder's packets, each file read once."""

    def __init__(self, folder: CaseFolder) -> None:
        self.folder = folder
        self._signed: dict[Path, bool] = {}

    @cached_property
    def versions(self) -> list[Path]:
        """Every version of the packet in the folder, oldest first."""
        return self.folder.packet_versions()

    @cached_property
    def manifest(self) -> dict[str, Any]:
        """``manifest.json`` as read ({} when it is missing or cannot be read)."""
        from avtalsgen.build.manifest import read_manifest

        return read_manifest(self.folder.path)

    def is_signed(self, path: Path) -> bool:
        """:func:`avtalsgen.pdf.signed.is_signed` of ``path``, the file read the first time
        only."""
        from avtalsgen.pdf.signed import is_signed

        if path not in self._signed:
            self._signed[path] = is_signed(path)
        return self._signed[path]

    def newest_signed(self) -> Path | None:
        """The newest packet version with a signature, if any: the versions are opened from
        the newest, and no further than the first signed one."""
        return next((path for path in reversed(self.versions) if self.is_signed(path)), None)
