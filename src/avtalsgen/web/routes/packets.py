"""Paket: the packets to download and sign, and the verification of an uploaded PDF."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.response import Template

from avtalsgen.build.workspace import CaseFolder
from avtalsgen.errors import AvtalsgenError
from avtalsgen.i18n import _, ngettext
from avtalsgen.web import audit
from avtalsgen.web.config import WebConfig
from avtalsgen.web.forms import choice
from avtalsgen.web.pages import DNR, config_of, needs, output_file, page, user_of
from avtalsgen.web.serverpaths import shown_text
from avtalsgen.web.signing import (
    default_level,
    level_context,
    level_problem,
    seal_refusal,
    sign_at_level,
    trusted_roots,
)
from avtalsgen.web.signmany import FIELD_ROLES
from avtalsgen.web.stamps import Seen
from avtalsgen.web.status import case_rows

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _packets(config: WebConfig) -> dict[str, Any]:
    """The packets' rows (every case's with a packet) and the Dnr of each packet that cannot
    be signed yet: ``blocked``, it shows unknown facts (only the packet's text is read
    here, once a build), or ``refused``, the signing would refuse it for another reason
    (kept until a file it reads or the day changes); the case's page says what to do. A
    packet with a field to sign that the case's decision or facts now replace says so
    (``row.superseded``), and is neither."""
    from avtalsgen.web.packetstate import superseded_text
    from avtalsgen.web.packetversions import packet_versions
    from avtalsgen.web.readiness import packet_shows_unknown, signing_refusal

    seen = Seen(config)  # the stamps every row's kept results are asked by, taken once
    rows = [row for row in case_rows(config, seen) if row.packet]
    for row in rows:
        if row.dnr and row.packet and row.unsigned:
            row.superseded = superseded_text(config, row.stem, row.dnr, row.packet, seen)
    # Whether it shows any: its pages read up to the first that does (the case's page
    # reads them all, to list them).
    blocked = {
        row.dnr for row in rows
        if row.dnr and row.packet and row.unsigned and not row.superseded
        and packet_shows_unknown(config.output / row.dnr / row.packet,
                                 _stamp_in(seen, config.output / row.dnr, row.packet))
    }  # fmt: skip
    # Signable as to its facts, but refused for another reason (its minutes not justerade
    # yet, out of date): not offered either; the case's page says why. A superseded one
    # says so already (the signing's refusal is not asked: it reads the case and its next
    # build, some 10 ms, again after each build or save of the case).
    refused = {
        row.dnr for row in rows
        if row.dnr and row.packet and row.unsigned and row.dnr not in blocked
        and not row.superseded
        and signing_refusal(config, config.output / row.dnr / row.packet, row.stem, seen)
    }  # fmt: skip
    # What each version holds, for a case with more than one (a tilläggsavtal's beside the
    # signed agreement's): web/packetversions.py.
    versions = {
        row.dnr: packet_versions(config, row.stem, row.dnr, row.packets, seen)
        for row in rows if row.dnr and len(row.packets) > 1
    }  # fmt: skip
    # A packet with no field to sign: why, as `avtalsgen verify` says it (a rejected case's,
    # complete once the certified extract is in it; a case's that waits for a decision).
    standings = {
        row.dnr: found for row in rows
        if row.dnr and row.packet and not row.unsigned and not row.signed
        and (found := _standing(config, row.stem, config.output / row.dnr / row.packet, seen))
        is not None
    }  # fmt: skip
    # The fields the server's key may sign in many packets at once: not the actor's when
    # the key is the region's seal (web/signing.seal_refusal; its page would only refuse).
    many = [field for field in FIELD_ROLES if seal_refusal(config, field) is None]
    return {"rows": rows, "blocked": blocked, "refused": refused, "versions": versions,
            "standings": standings, "many_fields": many}  # fmt: skip


def _stamp_in(seen: Seen, folder: Path, name: str) -> tuple[int, int, int] | None:
    """The stamp of the file ``name`` in ``folder`` as the request's listing of the folder
    took it (:meth:`Seen.listing`, which the case's row is kept by): not taken again."""
    found = (entry for entry in seen.listing(folder) if entry[0] == name)
    return next(((mtime, size, inode) for _name, mtime, size, inode in found), None)


def _standing(config: WebConfig, stem: str, packet: Path, seen: Seen) -> dict[str, str] | None:
    """What a packet without signature fields is to its case, in the page's words: its
    ``kind`` (``rejected``: no signatures are needed; ``waiting``: not complete yet) and
    ``text``; None for one that is neither. Kept by the files it is read from
    (web/packetstate.py)."""
    from avtalsgen.signing.standing import Standing
    from avtalsgen.web.packetstate import standing

    found = standing(config, stem, packet, seen)
    if found is None or found.standing is Standing.SUPERSEDED:
        return None
    if found.standing is Standing.REJECTED:
        text = _("No signatures are needed: the committee rejected the case (§ {paragraf}, "
                 "{datum}).").format(paragraf=found.paragraf, datum=found.datum)  # fmt: skip
        return {"kind": "rejected", "text": text}
    return {"kind": "waiting", "text": _("Not complete: {why}.").format(why=found.text)}


@get("/paket", guards=[needs("read")], sync_to_thread=True)
def packet_list(request: Request[Any, Any, Any]) -> Template:
    """Every case's packet with its signature fields."""
    return page(request, "packets.html", **_packets(config_of(request)), report=None, error=None)


def _packet(config: WebConfig, dnr: str) -> Path:
    """The packet of ``dnr`` that is signed now: its newest version (``paket-v2.pdf`` with a
    tilläggsavtal beside a signed ``paket.pdf``), as the command line's sign advises; 404
    without one."""
    folder = config.output / dnr
    newest = CaseFolder(folder).newest_packet() if DNR.match(dnr) else None
    if newest is None:
        raise NotFoundException()
    return output_file(config, dnr, newest.name)


def _sign_page(
    request: Request[Any, Any, Any],
    dnr: str,
    field: str,
    level: str,
    error: str | None = None,
    *,
    packet: str,
    blockers: tuple[Any, ...] = (),
) -> Template:
    return page(request, "sign.html", dnr=dnr, field=field, packet=packet, blockers=blockers,
                **level_context(config_of(request), level, error),
                status_code=200 if error is None else 422)  # fmt: skip


@get("/paket/{dnr:str}/signera", guards=[needs("sign")])
async def sign_form(request: Request[Any, Any, Any], dnr: str, falt: str = "") -> Template:
    """The choice of level before a field of the case's packet is signed; or, when the
    packet cannot be signed yet (it shows unknown facts), what is to be done first, and no
    button to sign."""
    from litestar.concurrency import sync_to_thread

    return await sync_to_thread(_sign_form, request, dnr, falt)


def _sign_form(request: Request[Any, Any, Any], dnr: str, falt: str) -> Template:
    from avtalsgen.web.packetstate import superseded_text
    from avtalsgen.web.readiness import Blocker, signing_blockers, signing_refusal
    from avtalsgen.web.signing import seal_refusal

    if falt not in FIELD_ROLES or not DNR.match(dnr):
        raise NotFoundException()
    config = config_of(request)
    packet = _packet(config, dnr)  # 404 without a packet
    row = next((row for row in case_rows(config) if row.dnr == dnr), None)
    # A packet the case's decision replaced (one made before an avslag) is said so first,
    # not the facts it leaves unknown, which no one is to fill in for it.
    superseded = row is not None and superseded_text(config, row.stem, dnr, packet.name)
    blockers = signing_refusal(config, packet, row.stem) if row is not None and superseded else ()
    if not blockers and row is not None:
        blockers = signing_blockers(config, config.cases / f"{row.stem}.yaml", dnr, packet.name)
    if not blockers and row is not None:
        blockers = signing_refusal(config, packet, row.stem)
    if (refused := seal_refusal(config, falt)) is not None:  # the actor's, not the seal's
        blockers = (Blocker(refused),)
    return _sign_page(request, dnr, falt, default_level(config), packet=packet.name,
                      blockers=blockers)  # fmt: skip


@post("/paket/{dnr:str}/signera", guards=[needs("sign")], sync_to_thread=True)
def sign(request: Request[Any, Any, Any], dnr: str, data: Form) -> Template:
    """Sign one field of the case's packet with the server's key (the region's seal, or the
    DEMO key when none is configured), at the PAdES level chosen (as ``avtalsgen sign
    --niva``: the time-stamping authority and CRL files from the server's settings)."""
    from avtalsgen.build.manifest import update_signatures
    from avtalsgen.build.workspace import Workspace
    from avtalsgen.pdf.unknown import placeholder_count
    from avtalsgen.signing.sign import FieldSignedError, IncompleteError

    config = config_of(request)
    user = user_of(request)
    field = data.get("falt", "")
    level = data.get("niva") or default_level(config)
    error = None
    report = None
    if field not in FIELD_ROLES or not DNR.match(dnr):
        error = _("Unknown signature field.")
    elif (problem := level_problem(config, level)) is not None:
        # Refused at the level's field; nothing is signed.
        return _sign_page(request, dnr, field, level, problem, packet=_packet(config, dnr).name)
    else:
        packet = _packet(config, dnr)
        try:
            # The output folder's session, as the CLI's sign takes it: waits for a build.
            with Workspace(config.output).session("sign") as run:
                report = sign_at_level(config, packet, field, FIELD_ROLES[field], level,
                                       run.staging)  # fmt: skip
                update_signatures(packet, report, scratch=run.staging)
            audit.record(config.database, user.name, "sign", dnr=dnr,
                         detail=audit.texts(lambda: _("field {field}, {level}").format(
                             field=field, level=level)),
                         files=[packet],
                         root=config.output)  # fmt: skip
        except IncompleteError as exc:
            # No key signs a packet that still shows unknown facts (the command line's
            # --ofullstandig has no counterpart here): said in the office's words.
            count = sum(placeholder_count(fact) for fact in exc.facts)
            error = ngettext(
                "The packet of {dnr} still shows {count} unknown fact ([uppgift saknas]): "
                "{facts}. Fill it in on the case's page (or in its program file) and build "
                "again; a packet with unknown facts is signed with no key, the DEMO key "
                "included. Nothing was signed.",
                "The packet of {dnr} still shows {count} unknown facts ([uppgift saknas]): "
                "{facts}. Fill them in on the case's page (or in its program file) and build "
                "again; a packet with unknown facts is signed with no key, the DEMO key "
                "included. Nothing was signed.",
                count,
            ).format(dnr=dnr, count=count, facts="; ".join(exc.facts))
        except FieldSignedError:
            # Signed already (a form sent again: the back button, a reload), as the signing
            # found the file: said as such, not by the file's path and the field's key.
            error = _("The field {field} of the packet of {dnr} is signed already; nothing "
                      "was signed now.").format(field=choice(field), dnr=dnr)  # fmt: skip
        except AvtalsgenError as exc:
            error, failure = shown_text(exc.message, [config.output, config.cases]), exc
            # The reason in each reader's words (the record's, Swedish, whoever signed).
            audit.record(config.database, user.name, "sign", dnr=dnr,
                         detail=audit.texts(lambda: _("field {field}, {level} failed: {reason}")
                                            .format(field=field, level=level,
                                                    reason=failure.text())))  # fmt: skip
    # The answer to a form: in the browser's history as the list's address, so that a
    # reload or the back button asks for the list, not to send the form again (app.js).
    return page(request, "packets.html", **_packets(config), report=report, error=error, dnr=dnr,
                history="/paket", status_code=200 if error is None else 422)  # fmt: skip


@get("/verifiera", guards=[needs("verify")], sync_to_thread=False)
def verify_form(request: Request[Any, Any, Any]) -> Template:
    """The upload form for a signed packet or extract."""
    return page(request, "verify.html", report=None, error=None, name=None)


@post("/verifiera", guards=[needs("verify")], sync_to_thread=True)
def verify_upload(
    request: Request[Any, Any, Any],
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template:
    """Verify an uploaded PDF (size limited, PDF only); a broken or hostile file gives an
    error on the page, never a crash."""
    import dataclasses

    from avtalsgen.build.superseded import upload_packet
    from avtalsgen.signing.judged import judge
    from avtalsgen.signing.standing import Standing
    from avtalsgen.signing.verify import Verdict, verify_packet
    from avtalsgen.web.signing import seal_keys

    config = config_of(request)
    upload = data.get("fil")
    if not isinstance(upload, UploadFile):
        return page(request, "verify.html", report=None, error=_("Choose a PDF file."), name=None,
                    status_code=422)  # fmt: skip
    content = upload.file.read(config.max_upload_bytes + 1)
    name = Path(upload.filename or "fil.pdf").name[:100]
    error = None
    report = None
    valid = stale = False
    shown_temp = None
    if len(content) > config.max_upload_bytes:
        error = _("The file is too large (at most {megabytes} MB).").format(
            megabytes=config.max_upload_bytes // (1024 * 1024)
        )
    elif not content.startswith(b"%PDF-"):
        error = _("The file is not a PDF file.")
    else:
        handle, temp = tempfile.mkstemp(suffix=".pdf")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            try:
                report = verify_packet(Path(temp), trusted_roots())
                # Judged as `avtalsgen verify` judges it (signing/judged.py): a copy of a
                # packet of the output folder, what it is to its case now (superseded, a
                # rejected case's with nothing to sign, one that waits), its files named
                # below the folder; whose keys signed it (the seal is the region's), and how
                # a new packet comes where one party's key took the other's field.
                version = upload_packet(config.output, Path(temp))
                report = judge(report, version, lambda path: f"{path.parent.name}/{path.name}",
                               copy=True, region_keys=seal_keys(config),
                               commands=False)  # fmt: skip
                standing = report.standing
                # For the log: the signatures and whose keys made them (one party's key in
                # the other's field is not valid), then the supersession apart.
                unstood = dataclasses.replace(report, standing=None)
                valid = unstood.verdict is Verdict.COMPLETE
                stale = standing is not None and standing.standing is Standing.SUPERSEDED
            except AvtalsgenError as exc:
                error = _("The file could not be verified: {reason}").format(reason=exc.message)
            except Exception as exc:  # noqa: BLE001 - a hostile file must not crash the page
                error = _("The file could not be read as a signed PDF ({reason}).").format(
                    reason=type(exc).__name__
                )
            audit.record(
                config.database, user_of(request).name, "verify",
                detail=audit.texts(lambda: f"{name}: " + (  # validity first, then supersession
                    (_("valid") if valid else _("not valid"))
                    + ("; " + _("superseded") if stale else "")
                    if report else _("error: {error}").format(error=error))),
                hashes={name: audit.file_hash(Path(temp))},
            )  # fmt: skip
        finally:
            Path(temp).unlink(missing_ok=True)
        shown_temp = temp
    return page(request, "verify.html", report=report, error=error, name=name,
                hide_path=shown_temp if report else None,
                status_code=200 if error is None else 422)  # fmt: skip
