"""output/<Dnr>/manifest.json: what a case's documents were made from and with.

SHA-256 of every input and output, the versions of the tools, and the packet's signature
summary. It holds file names only (no machine paths), no secrets and no personal identity
numbers: signers appear by the name in their certificate.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from avtalsgen.build.tools import tool_versions
from avtalsgen.build.workspace import CaseFolder, atomic_write, parse_versioned

if TYPE_CHECKING:
    from avtalsgen.signing.parties import Signed
    from avtalsgen.signing.verify import VerificationReport


def sha256(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def signature_summary(report: VerificationReport) -> list[dict[str, object]]:
    """One entry per signature field: who signed when, at which level, and whether it holds."""
    entries: list[dict[str, object]] = [
        {
            "field": sig.field,
            "signer": sig.signer,
            "signing_time": sig.signing_time.isoformat() if sig.signing_time else None,
            "pades_level": sig.pades_level,
            "intact": sig.intact,
            "trusted": sig.trusted,
            "demo": sig.demo,
            "key_sha256": sig.key or None,
        }
        for sig in report.signatures
    ]
    entries += [{"field": name, "signer": None} for name in report.unsigned_fields]
    return entries


def write_manifest(
    folder: Path,
    inputs: Mapping[str, Path],
    outputs: Sequence[Path],
    packet: Path | None,
    fields: Sequence[str] = (),
    scratch: Path | None = None,
    conversions: Mapping[str, Mapping[str, object]] | None = None,
    stamp: str | None = None,
    decision: Mapping[str, object] | None = None,
    marking: str = "",
    extracts: Sequence[Path] = (),
    facts: Mapping[str, str] | None = None,
    facts_key_id: str | None = None,
) -> Path:
    """Write ``folder/manifest.json``: inputs by role, outputs by name, tools, and every
    version of the packet in the folder (``packets``; ``packet`` is the newest): the new
    one's signature fields (all empty until ``avtalsgen sign``), the SHA-256 of it and of
    the documents made with it, and ``stamp``, what its inputs hash to (a rebuild from the
    same inputs writes no new version beside a signed one: :func:`signed_and_current`);
    earlier versions as the manifest recorded them, with their signatures. Written first in
    ``scratch`` if given, a folder on the same file system (e.g. a staging folder).

    ``conversions`` says, by input role, how an attachment went into the packet: as given,
    or converted to PDF/A-2b (why, how, with which tools, and the SHA-256 of what the
    packet holds).

    ``decision`` is what the packet follows (the outcome, the meeting file, its date, § and
    line, whether an agreement follows), recorded in the new packet's entry (``beslut``);
    ``sign`` reads it to refuse signing an agreement an avslag left out. ``marking`` is the
    secrecy marking the packet carries (``sekretess``: null when none). ``extracts`` are
    the protocol extracts the packet holds, recorded with their SHA-256 (``utdrag``): an
    extract certified after the packet was signed is told by it (:func:`certified_after`).
    ``facts`` are the digests of the facts its documents state, by the case's key
    (``fakta``: see :func:`avtalsgen.build.superseded.packet_facts`): a signed packet
    whose facts are no longer the case's is superseded. ``facts_key_id`` names the secret
    they are digested with (``fakta_nyckel``: see
    :func:`avtalsgen.build.superseded.facts_key`), which the manifest never holds.
    """
    made = conversions or {}
    hashed: dict[Path, str] = {}

    def digest(path: Path) -> str:  # the packet and documents are named twice: read once
        if path not in hashed:
            hashed[path] = sha256(path)
        return hashed[path]

    packets = _kept_packets(folder, read_manifest(folder), packet)
    if packet is not None:
        parsed = parse_versioned(packet.name)
        packets.append(
            {
                "file": packet.name,
                "version": parsed[1] if parsed is not None else 1,
                "sha256": digest(packet),
                "inputs": stamp,
                "beslut": dict(decision) if decision is not None else None,
                "fakta": dict(facts) if facts is not None else None,
                "fakta_nyckel": facts_key_id if facts is not None else None,
                "sekretess": marking or None,
                "utdrag": {path.name: digest(path) for path in extracts},
                "documents": {path.name: digest(path) for path in outputs if path != packet},
                "signatures": [{"field": name, "signer": None} for name in fields],
                "ok": None,
            }
        )
        packets.sort(key=lambda entry: int(str(entry.get("version", 1))))
    data = {
        "tools": tool_versions(),
        "inputs": {
            role: {"file": p.name, "sha256": digest(p), **made.get(role, {})}
            for role, p in inputs.items()
        },
        "outputs": {path.name: digest(path) for path in outputs},
        "packet": packets[-1] if packets else None,
        "packets": packets,
    }
    path = CaseFolder(folder).manifest
    atomic_write(path, _json(data), scratch=scratch)
    return path


def read_manifest(folder: Path) -> dict[str, Any]:
    """The case folder ``folder``'s manifest as read ({} when it is missing or cannot be
    read)."""
    try:
        data = json.loads(CaseFolder(folder).manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _kept_packets(
    folder: Path, earlier: Mapping[str, Any], replaced: Path | None
) -> list[dict[str, Any]]:
    """The entries of the packet versions that stay in ``folder`` (every one but
    ``replaced``), as the manifest ``earlier`` recorded them (one from before versions were
    listed becomes the first)."""
    entries = earlier.get("packets")
    if not isinstance(entries, list):
        old = earlier.get("packet")
        entries = [old] if isinstance(old, dict) else []
    kept = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            continue
        name = Path(entry["file"]).name
        parsed = parse_versioned(name)
        if name == (replaced.name if replaced else None) or not (folder / name).is_file():
            continue
        kept.append({"version": parsed[1] if parsed else 1, **entry, "file": name})
    return kept


def signed_and_current(folder: Path, stamp: str) -> list[Path] | None:
    """The files of the packet version in force in ``folder`` (:func:`in_force`) and of the
    documents made with it, if it was built from inputs that hash to ``stamp``: a rebuild
    (``--force`` or not) would make the same packet, so nothing is made (the unsigned
    versions after it, if any, are drafts the build removes: :mod:`avtalsgen.build.drafts`).
    None otherwise."""
    entries = read_manifest(folder).get("packets")
    versions = CaseFolder(folder).packet_versions()
    if not isinstance(entries, list) or not versions:
        return None
    stamped = {e.get("file") for e in entries if isinstance(e, dict) and e.get("inputs") == stamp}
    if not stamped & {path.name for path in versions}:
        return None  # no version was made from these inputs: nothing is opened
    kept = in_force(versions, entries)
    if kept is None or kept.name not in stamped:
        return None
    entry = next(e for e in entries if isinstance(e, dict) and e.get("file") == kept.name)
    documents = entry.get("documents")
    names = list(documents) if isinstance(documents, dict) else []
    files = [folder / Path(str(name)).name for name in names]
    files += [kept, CaseFolder(folder).manifest]
    if not all(path.is_file() for path in files):
        return None
    return files


def in_force(versions: Sequence[Path], entries: Sequence[object] = ()) -> Path | None:
    """The packet version in force among ``versions`` (oldest first): the newest that
    carries a signature. A version after it that carries none is a draft, made for
    decisions that were the case's then (a tilläggsavtal of a meeting file removed since):
    when the inputs are again those the signed version was made from, or would make the
    same packet, the signed version stands and the drafts go, rather than a new version
    asking the parties to sign what they have signed. A version whose two parties' fields
    one key signed, or whose actor's field the region's key signed, as the manifest's
    ``entries`` record it (:func:`taken_by`), is in force for no one: the other party has
    not signed it and cannot, so the build makes a new version beside it (the signed file
    stays as it is) for each party to sign with its own key. None when none is signed so."""
    from avtalsgen.pdf.signed import is_signed

    twice = one_key_signed(versions[0].parent, entries) if versions else set()
    return next(
        (path for path in reversed(versions) if path.name not in twice and is_signed(path)), None
    )


def one_key_signed(folder: Path, entries: Sequence[object]) -> set[str]:
    """The names of the packet versions in ``folder`` one party's key signed for the other
    too (one key in both fields, or the region's in the actor's), among the manifest's
    ``entries`` (:func:`taken_by`)."""
    return {
        str(entry["file"])
        for entry in entries
        if isinstance(entry, dict) and taken_by(entry, folder) is not None
    }


#: The part of a Word file that holds its dates (of the build, where the case gives none):
#: two renderings of the same document differ there alone.
_DATES = "docProps/core.xml"
#: The inputs a packet holds as they are: the protocol extracts and the attachments.
_PARTS = ("protokollsutdrag ", "bilaga ")


def _content(docx: bytes) -> dict[str, bytes]:
    """A Word file's parts but its dates."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != _DATES}


def signed_and_same(
    folder: Path,
    documents: Sequence[str],
    render: Callable[[str], bytes],
    inputs: Mapping[str, Path],
    titles: Mapping[str, str] | None = None,
    extracts: Collection[str] = (),
) -> list[Path] | None:
    """The files of the newest packet version in ``folder`` and of the documents made with
    it, as :func:`signed_and_current`, if that packet is signed and a rebuild would make
    the same packet from other inputs: the same ``documents`` (Word files alike but for
    their dates; ``render`` makes one, and is called only when the rest agrees) and the
    same protocol extracts and attachments. An edit that changes no document (a comment in
    the case file, a meeting on another matter in a meeting file) then makes no new packet
    version, unsigned beside the signed one, holding what was signed (for a tilläggsavtal
    a second "Tilläggsavtal nr 1"). Nor does an extract certified since (see
    :func:`certified_since`): the signed packet holds it as it was when the parties signed,
    and the certified extract is the file beside it (``avtalsgen status`` says so); a new
    version would ask them to sign what they have signed. An attachment is the same under
    the same title (``titles``, by input role, as the manifest's ``inputs`` record it,
    ``titel``): the packet's contents page and bookmarks state it, which no Word file does
    (a title edited made no new version, and the manifest then recorded the new title as
    what the signed packet states). The newest packet version is the one in force
    (:func:`in_force`): the unsigned versions after the newest signed one are drafts, and
    the signed one is compared by the extracts its entry records and ``extracts``, the
    names of those a rebuild's packet would hold (an extract of a meeting file removed
    since is in the folder, and no packet's). None otherwise."""
    data = read_manifest(folder)
    entries = data.get("packets")
    versions = CaseFolder(folder).packet_versions()
    if not isinstance(entries, list) or not versions:
        return None
    newest = in_force(versions, entries)  # signed; the unsigned versions after it are drafts
    if newest is None:
        return None
    entry = next((e for e in entries if isinstance(e, dict) and e.get("file") == newest.name), None)
    made = entry.get("documents") if entry is not None else None
    last = data.get("packet")
    if not isinstance(made, dict) or not isinstance(last, dict):
        return None
    recorded = data.get("inputs")
    if last.get("file") != newest.name:
        # The manifest's inputs are of a draft's build: the signed version's extracts are
        # those its entry records; its attachments are not recorded there.
        held = entry.get("utdrag") if entry is not None else None
        if not isinstance(held, dict) or any(role.startswith("bilaga ") for role in inputs):
            return None
        recorded = {f"protokollsutdrag {name}": {"sha256": digest} for name, digest in held.items()}
        wanted = {f"protokollsutdrag {name}" for name in extracts}
        inputs = {
            role: path
            for role, path in inputs.items()
            if not role.startswith("protokollsutdrag ") or role in wanted
        }
    words: dict[str, Path] = {}
    for name in made:
        parsed = parse_versioned(Path(str(name)).name)
        if parsed is not None and parsed[2] == ".docx":
            words[parsed[0]] = folder / Path(str(name)).name
    files = [folder / Path(str(name)).name for name in made]
    files += [newest, CaseFolder(folder).manifest]
    if sorted(words) != sorted(documents) or not all(path.is_file() for path in files):
        return None
    if not isinstance(recorded, dict):
        return None
    before = {
        role: value.get("sha256")
        for role, value in recorded.items()
        if role.startswith(_PARTS) and isinstance(value, dict)
    }
    try:
        now = {role: sha256(path) for role, path in inputs.items() if role.startswith(_PARTS)}
    except OSError:
        return None
    if before.keys() != now.keys():
        return None
    for role, title in (titles or {}).items():
        held = recorded.get(role)
        if not isinstance(held, dict) or held.get("titel") != title:
            return None  # another title, or one not recorded: the contents page may differ
    for role, digest in now.items():
        if digest != before[role] and not (
            role.startswith("protokollsutdrag ")
            and certified_since(inputs[role], str(before[role]))
        ):
            return None
    for document in documents:
        try:
            if _content(words[document].read_bytes()) != _content(render(document)):
                return None
        except (OSError, ValueError):  # zipfile.BadZipFile is a ValueError
            return None
    return files


def certified_since(extract: Path, recorded: str, data: bytes | None = None) -> bool:
    """Whether the protocol extract at ``extract`` (its bytes ``data``, if read already) is
    the file whose SHA-256 was ``recorded`` with its certification added since, and nothing
    else: a signature is added as an incremental update, so the file as it was is the start
    of the file as it is (up to an end-of-file marker), and the signature of the field
    ``utdragsbestyrkande`` covers the file to its end (nothing was added after it)."""
    if data is None:
        try:
            data = extract.read_bytes()
        except OSError:
            return False
    start = 0
    while (found := data.find(b"%%EOF", start)) != -1:
        start = found + len(b"%%EOF")
        for end in (start, start + 1, start + 2):  # the marker, then nothing, LF or CR LF
            if end < len(data) and hashlib.sha256(data[:end]).hexdigest() == recorded:
                return certification_ends(data)
    return False


def certification_ends(data: bytes) -> bool:
    """Whether the extract (its bytes) has its field ``utdragsbestyrkande`` signed with a
    signature whose byte range ends where the file does (nothing added after it)."""
    import io

    from avtalsgen.meetings.extract import SIGNATURE_FIELD
    from avtalsgen.pdf.signed import signature_value

    signature = signature_value(io.BytesIO(data), SIGNATURE_FIELD)
    if signature is None:
        return False
    ranges = signature.byte_range
    return len(ranges) == 4 and ranges[2] + ranges[3] == len(data)


def certified_after(
    extract: Path, manifest: Mapping[str, Any], data: bytes | None = None
) -> str | None:
    """The newest packet version (its file name) that holds the protocol extract at
    ``extract`` (its bytes ``data``, if read already) as it was before it was certified,
    and that a party had signed by then, as ``manifest`` records them; None when there is
    none (the packet made since holds the certified extract, or no signed packet holds
    it)."""
    entries = manifest.get("packets")
    for entry in reversed(entries if isinstance(entries, list) else []):
        held = entry.get("utdrag") if isinstance(entry, dict) else None
        if not isinstance(held, dict) or not isinstance(held.get(extract.name), str):
            continue
        signed = any(isinstance(s, dict) and s.get("signer") for s in entry.get("signatures") or [])
        if not signed:
            return None
        if data is None:
            data = extract.read_bytes()
        recorded = held[extract.name]
        if hashlib.sha256(data).hexdigest() != recorded and certified_since(
            extract, recorded, data
        ):
            return str(entry.get("file"))
        return None
    return None


def update_signatures(
    packet: Path,
    report: VerificationReport,
    scratch: Path | None = None,
    notes: Mapping[str, Mapping[str, object]] | None = None,
) -> Path | None:
    """After signing, record the packet's signatures in the manifest beside it, if any, in
    that version's entry (written through ``scratch`` if given, as :func:`write_manifest`).
    ``notes`` adds to a signature's entry, by field (e.g. that it was signed with facts
    still unknown); the notes of earlier signatures of the same packet are kept."""
    folder = packet.parent
    data = read_manifest(folder)
    if not data:
        return None
    packets = _kept_packets(folder, data, None)
    entry = next((e for e in packets if e["file"] == packet.name), None)
    if entry is None:
        parsed = parse_versioned(packet.name)
        entry = {"file": packet.name, "version": parsed[1] if parsed else 1}
        packets.append(entry)
        packets.sort(key=lambda e: int(str(e.get("version", 1))))
    earlier: dict[str, dict[str, object]] = {}
    for old in entry.get("signatures", []):
        if isinstance(old, dict) and isinstance(old.get("field"), str):
            earlier[old["field"]] = old
    signatures = signature_summary(report)
    for signature in signatures:
        name = str(signature["field"])
        kept = {k: v for k, v in earlier.get(name, {}).items() if k in _NOTE_KEYS}
        if signature.get("signer") is not None:
            signature.update(kept)
        signature.update((notes or {}).get(name, {}))
    entry.update({"sha256": sha256(packet), "signatures": signatures, "ok": report.ok})
    data["packets"] = packets
    data["packet"] = packets[-1]
    data.setdefault("outputs", {})
    if packet.name in data["outputs"] or data["packet"] is entry:
        data["outputs"][packet.name] = sha256(packet)
    path = CaseFolder(folder).manifest
    atomic_write(path, _json(data), scratch=scratch)
    return path


def record_facts(
    folder: Path,
    file: str,
    facts: Mapping[str, str] | None,
    scratch: Path | None = None,
    key_id: str | None = None,
) -> None:
    """Record ``facts`` (digested with the secret ``key_id`` names) as those of the packet
    version ``file`` in the manifest of ``folder`` (``fakta``, ``fakta_nyckel``), where it
    records other ones or none: a build that found that signed packet the same as it would
    make it now (see :func:`signed_and_same`) knows that it states the case's facts as they
    are now (an edit that no document states, a packet from before facts were recorded, or
    recorded with plain digests). Nothing is written when nothing changes."""
    data = read_manifest(folder)
    entries = data.get("packets")
    if facts is None or not isinstance(entries, list):
        return
    changed = False
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("file") != file:
            continue
        if entry.get("fakta") != facts or entry.get("fakta_nyckel") != key_id:
            entry["fakta"], entry["fakta_nyckel"] = dict(facts), key_id
            changed = True
            if isinstance(data.get("packet"), dict) and data["packet"].get("file") == file:
                data["packet"] = entry
    if changed:
        atomic_write(CaseFolder(folder).manifest, _json(data), scratch=scratch)


#: What a signature's entry may say besides the report's facts (see :func:`update_signatures`).
_NOTE_KEYS = ("ofullstandig", "uppgift_saknas")


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


#: The signature fields of an agreement's (and a tilläggsavtal's) packet.
PARTIES = ("region", "aktor")


def signed_entry(
    folder: Path, nummer: int, manifest: Mapping[str, Any] | None = None
) -> dict[str, Any] | None:
    """The manifest's entry of the newest packet version in ``folder`` that holds the
    agreement (``nummer`` 0) or tilläggsavtal nr ``nummer`` and that every party has signed,
    as the manifest records it (the file itself is not read: see
    :func:`avtalsgen.build.tillagg.signed_packet`); ``manifest``: the folder's manifest as
    already read."""
    entries = (read_manifest(folder) if manifest is None else manifest).get("packets")
    for entry in reversed(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            continue
        decision = entry.get("beslut")
        if not isinstance(decision, dict) or decision.get("avtal") is not True:
            continue
        if decision.get("utfall") not in ("bifall", "bifall_med_andring"):
            continue
        if (decision.get("tillagg") or 0) != nummer:
            continue
        signatures = entry.get("signatures")
        signers = {
            s.get("field"): s.get("signer")
            for s in (signatures if isinstance(signatures, list) else [])
            if isinstance(s, dict)
        }
        if all(signers.get(name) for name in PARTIES) and taken_by(entry, folder) is None:
            return entry
    return None


def taking(entry: Mapping[str, Any], folder: Path) -> tuple[str, str] | None:
    """Whose signature took the other party's field of the packet version ``entry``
    records (its file in ``folder``), if one did: ("shared", signer) when one key signed
    both parties' fields, ("region", signer) when a key of the region's signed the actor's;
    None when each party signed with a key of its own.

    One key is told by the key each signature records (``key_sha256``), else, where an
    entry written before 90e7de5 records none, by the key of the certificate that signed
    that field of the packet itself (two people of one name are two keys); a field whose
    key can be told neither way is taken for a key of its own. The region's key in the
    actor's field (as the web's seal signed it before `sign` refused it) is looked for only
    in such an entry: since, `sign` checks the signer before it signs. The packet's
    signatures are read at most once."""
    from avtalsgen.signing.parties import ACTOR_FIELD, shared_key

    found = _party_signatures(entry)
    if not found:
        return None
    packet = folder / Path(str(entry.get("file"))).name
    unrecorded = any(not s.get("key_sha256") for s in found)
    read = _signed_in(packet) if unrecorded else {}
    keys = [
        (str(s["field"]), str(s.get("key_sha256") or _key_of(read.get(str(s["field"])))))
        for s in found
    ]
    if shared := shared_key(keys):
        return "shared", str(next(s["signer"] for s in found if s["field"] == shared[0]))
    actor = next((s for s in found if s["field"] == ACTOR_FIELD), None)
    if actor is None or actor.get("key_sha256"):
        return None
    if _regions_key(read.get(ACTOR_FIELD), packet):
        return "region", str(actor["signer"])
    return None


def taken_by(entry: Mapping[str, Any], folder: Path) -> str | None:
    """The signer whose signature took the other party's field of the packet version
    ``entry`` records (:func:`taking`): one key in both fields, or the region's key in the
    actor's; None when each party signed its own."""
    found = taking(entry, folder)
    return found[1] if found is not None else None


def _party_signatures(entry: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The signed party fields' signatures ``entry`` records."""
    signatures = entry.get("signatures")
    return [s for s in (signatures if isinstance(signatures, list) else [])
            if isinstance(s, dict) and s.get("field") in PARTIES and s.get("signer")]  # fmt: skip


def _key_of(signed: Signed | None) -> str:
    """The key (SHA-256 of its public key) of the certificate of ``signed``; "" for none."""
    from avtalsgen.signing.parties import key_id

    return key_id(signed.cert) if signed is not None else ""


def _regions_key(actor: Signed | None, packet: Path) -> bool:
    """Whether ``actor``, the actor's field of ``packet`` as signed, is signed with a
    certificate whose organisation is the region's, as the case's program file and the
    packet name the region (:func:`avtalsgen.signing.parties.parties_of`)."""
    from avtalsgen.signing.parties import is_region_organisation, organisations, parties_of

    if actor is None or not (names := organisations(actor.cert)):
        return False
    return is_region_organisation(names, parties_of(packet).region)


def _signed_in(packet: Path) -> dict[str, Signed]:
    """The party fields of ``packet`` as signed (each with its signer's certificate), by
    field; {} when the file cannot be read."""
    from pyhanko.pdf_utils.misc import PdfError

    from avtalsgen.signing.sign import party_signatures

    try:
        return {signed.field: signed for signed in party_signatures(packet.read_bytes())}
    except (OSError, PdfError, ValueError, KeyError, TypeError):
        return {}
