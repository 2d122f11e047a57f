"""What the next build of a case does with its newest packet version, asked as the build
asks it (:func:`avtalsgen.build.casework.load`).

``status`` (and the web app's pages, which show it), ``sign`` and ``verify`` say whether a
case's documents are out of date and whether a signed packet is superseded. The quick
answer, whether the inputs hash as the last build's did and the facts digest as the
manifest recorded them, says "changed" after any edit: a comment in the case file, the
actor's e-mail address that only ``expediera`` uses, a template saved again. The build
asks one more question before it makes a new version beside a signed one: whether it
would make the same packet (:func:`avtalsgen.build.casework.same_as_signed`, which renders
the Word files); if so, it keeps the signed packet and says 'oförändrat'. A
:class:`NextBuild` asks that question too, only where the quick answer says changed and a
party has signed the newest version, and once per case.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from avtalsgen.build.packets import PacketFolder
from avtalsgen.errors import AvtalsgenError

if TYPE_CHECKING:
    from avtalsgen.build.recorded import RecordedCase
    from avtalsgen.build.tillagg import Plan
    from avtalsgen.input.load import LoadedCase
    from avtalsgen.meetings.decisions import History
    from avtalsgen.pdf.packet import Attachment

#: The inputs of a build: their stamp, the files by role and the attachments.
Inputs = tuple[str, dict[str, Path], list["Attachment"]]


class NextBuild:
    """The next build of a case (``case`` and its decisions ``history``, the plan
    ``planned``) into its output folder ``packets`` with the templates ``templates``,
    as far as status and signing ask about it. Reads only."""

    def __init__(
        self,
        case: LoadedCase,
        history: History,
        planned: Plan,
        packets: PacketFolder,
        templates: Path,
        *,
        read: Mapping[Path, bytes] | None = None,
    ) -> None:
        self.case, self.history, self.planned = case, history, planned
        self.packets, self.templates = packets, templates
        self._given: dict[Path, bytes] = dict(read or {})
        """Inputs' bytes the caller read before (``read``, e.g. status's protocol extracts),
        which :attr:`inputs` takes instead of reading them again."""
        self._digests: dict[Path, str] = {}
        """Each input's SHA-256 as :attr:`inputs` read it for the stamp, for
        :meth:`changes` to compare without reading it again (the bytes are not kept: the
        attachments among them may be large)."""
        self._extracts: dict[Path, bytes] = {}
        """The protocol extracts' bytes as read for the stamp: a changed one is checked
        for a certification (:func:`avtalsgen.build.manifest.certified_since`)."""

    @classmethod
    def of(
        cls, folder: Path, recorded: RecordedCase | None, templates: Path | None = None
    ) -> NextBuild | None:
        """The next build into the case folder ``folder`` of the case its build record
        names (``recorded``, read by the caller), with ``templates`` (by default the
        folder the last build used, if it is there, else the one the build finds); None
        when that case cannot be told or its decisions have problems."""
        from avtalsgen.build.record import recorded_templates
        from avtalsgen.build.tillagg import plan as tillagg_plan
        from avtalsgen.build.workspace import Workspace
        from avtalsgen.documents.templates import find_templates

        if recorded is None or recorded.history.problems:
            return None
        case = recorded.case
        packets = PacketFolder(Workspace(folder.parent).case(case.arende.dnr))
        planned = tillagg_plan(recorded.history, packets)
        templates = templates or recorded_templates(folder) or find_templates([case.path])
        return cls(case, recorded.history, planned, packets, templates)

    @cached_property
    def inputs(self) -> Inputs | None:
        """The stamp of the inputs the build would make the documents from, those inputs
        by role, and the attachments (as the build finds them); None when a file cannot
        be read."""
        import hashlib

        from avtalsgen.build.casework import case_inputs
        from avtalsgen.build.record import input_stamp, with_decisions
        from avtalsgen.build.tools import tool_identity
        from avtalsgen.documents.kinds import DOCUMENTS
        from avtalsgen.pdf.packet import packet_bilagor, resolve_attachments

        case, planned, folder = self.case, self.planned, self.packets.folder
        try:
            bilagor = packet_bilagor(case, planned.change)
            attachments = resolve_attachments(case.path, bilagor)
            files = case_inputs(case, self.templates, list(planned.documents), attachments)
            inputs = with_decisions(files, case.path, folder.path, planned.unheld)
            extracts = {p for role, p in inputs.items() if role.startswith("protokollsutdrag ")}

            def keep(path: Path) -> bytes:
                data = self._given.pop(path, None)
                if data is None:
                    data = path.read_bytes()
                self._digests[path] = hashlib.sha256(data).hexdigest()
                if path in extracts:
                    self._extracts[path] = data
                return data

            stamp = input_stamp(inputs, [*DOCUMENTS, *planned.marker], tool_identity(), read=keep)
        except (AvtalsgenError, OSError):
            return None
        return stamp, inputs, attachments

    @property
    def built(self) -> bool:
        """Whether the case was built into its folder (it has a build record)."""
        return self.packets.folder.build_record.is_file()

    @cached_property
    def unchanged(self) -> bool:
        """Whether the inputs are those of the last build, whose outputs are all there:
        the quick answer, which the build gives first."""
        from avtalsgen.build.record import up_to_date

        inputs = self.inputs
        return inputs is not None and up_to_date(self.packets.folder.path, inputs[0]) is not None

    def changes(self) -> list[tuple[str, str, str]]:
        """The inputs that differ from those the documents were made from, as the
        manifest records them (by role, with their SHA-256): each as its role, how
        (``changed``, ``certified``: an extract certified since, ``added``, ``removed``) and
        its file's name. Empty when it cannot be told (no manifest), or no input differs
        (another avtalsgen or LibreOffice made them)."""
        from avtalsgen.build.manifest import certified_since

        inputs = self.inputs
        recorded = self.packets.manifest.get("inputs")
        if inputs is None or not isinstance(recorded, dict):
            return []
        found = []
        for role, path in inputs[1].items():
            before = recorded.get(role)
            if not isinstance(before, dict):
                found.append((role, "added", path.name))
                continue
            digest = str(before.get("sha256"))
            if self._digests.get(path) == digest:  # as read for the stamp
                continue
            certified = role.startswith("protokollsutdrag ") and certified_since(
                path, digest, data=self._extracts.get(path)
            )
            found.append((role, "certified" if certified else "changed", path.name))
        for role, before in recorded.items():
            if role not in inputs[1] and isinstance(before, dict):
                found.append((role, "removed", str(before.get("file") or role)))
        return found

    def keeps(self, packet: Path) -> bool:
        """Whether the build keeps the packet version ``packet`` as it is: it is the
        newest version, a party or more has signed it, and the build would make it from
        these inputs or make the same packet (an edit no document states, an extract
        certified since, a template saved again: see
        :func:`avtalsgen.build.casework.same_as_signed`). The build then says
        'oförändrat', makes no new version, and records the case's facts now as what the
        packet states."""
        versions = self.packets.versions
        if not versions or versions[-1].name != packet.name:
            return False
        return self.packets.is_signed(versions[-1]) and self._keeps_newest

    @cached_property
    def _keeps_newest(self) -> bool:
        import datetime as dt

        from avtalsgen.build.casework import TIMEZONE, same_as_signed
        from avtalsgen.build.manifest import signed_and_current
        from avtalsgen.build.stages import case_stages

        inputs = self.inputs
        if inputs is None:
            return False
        stamp, files, attachments = inputs
        folder, planned = self.packets.folder.path, self.planned
        try:
            kept = signed_and_current(folder, stamp)
            if kept is None:
                stages = case_stages(self.case, self.history, folder, planned)
                built = dt.datetime.now(TIMEZONE).replace(microsecond=0)
                kept = same_as_signed(
                    folder, planned, stages, self.templates, files, attachments, built
                )
        except (AvtalsgenError, OSError):
            return False
        return kept is not None and self.packets.versions[-1].name in {p.name for p in kept}
