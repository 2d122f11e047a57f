"""Whose key may sign which party's field of a packet.

An agreement is signed by two parties, each with its own key: the region in the field
``region``, the actor in the field ``aktor``. A signature says only whose certificate made
it, so three things are checked here, for ``sign``, ``verify`` and the manifest alike:

- one key (one certificate, or two certificates of the same key pair) cannot sign both
  parties' fields: the second party would then not have signed at all;
- a key that is the region's (the web server's seal, or a certificate whose organisation
  is the region's) cannot sign the actor's field;
- the name in the signer's certificate is compared with the signatory the agreement
  names (the program file's ``avtal.undertecknare.namn`` for the region, the case's
  ``avtal.undertecknare.namn`` for the actor): names differ in legitimate ways (a seal, a
  deputy, a name written otherwise), so a difference is a remark, never a refusal.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import x509

from avtalsgen.i18n import _, _l
from avtalsgen.signing.keysource import KeySource, KeyUnusable, SigningError
from avtalsgen.signing.names import common_name

#: The signature fields of an agreement's (and a tilläggsavtal's) packet, one per party.
PARTY_FIELDS = ("region", "aktor")
#: The actor's field, which the region's key may not sign.
ACTOR_FIELD = "aktor"


class SameKeyError(SigningError):
    """The other party's field of the packet is signed with the very key about to sign:
    nothing was signed."""


class RegionKeyError(KeyUnusable):
    """The region's key (its seal, or a certificate of the region's organisation) was to
    sign the actor's field: nothing was signed. It stops a signing of many packets at
    once, as a key that cannot sign does: it could sign none of them."""


def key_id(cert: x509.Certificate) -> str:
    """The SHA-256 (hex) of the certificate's public key: the same for every certificate
    of one key pair."""
    return hashlib.sha256(cert.public_key.dump()).hexdigest()


def source_key(source: KeySource) -> str | None:
    """The key (:func:`key_id`) of the certificate of the key ``source`` (a PKCS#12 file,
    a card); None when it cannot be opened."""
    from avtalsgen.signing.tokens import signer_of

    try:
        with signer_of(source) as (signer, _opened):
            cert = signer.signing_cert
    except SigningError:
        return None
    return key_id(cert) if cert is not None else None


def organisations(cert: x509.Certificate) -> tuple[str, ...]:
    """The organisation names (O) of the certificate's subject."""
    found = []
    for rdn in cert.subject.chosen:
        for attribute in rdn:
            if attribute["type"].native == "organization_name":
                found.append(str(attribute["value"].native))
    return tuple(found)


def _plain(name: str) -> str:
    """A name as compared: Unicode NFC, case folded, one space between words."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def is_region_organisation(names: Sequence[str], region: Sequence[str]) -> bool:
    """Whether one of the organisation names ``names`` is one of the region's ``region``."""
    wanted = {_plain(name) for name in region if name.strip()}
    return any(_plain(name) in wanted for name in names)


@dataclass(frozen=True)
class Parties:
    """Who the packet's parties are, as its case and the packet itself say."""

    region: tuple[str, ...] = ()
    """The region's names (legal and short): a certificate of that organisation is the
    region's."""
    signatories: Mapping[str, str] = field(default_factory=dict)
    """The signatory the agreement names, by the party's field (only those named)."""
    keys: tuple[str, ...] = ()
    """Keys known to be the region's whatever their certificates' organisation (the web
    server's seal), by :func:`key_id`."""

    def is_regions(self, organisations: Sequence[str], key: str) -> bool:
        """Whether a certificate of the organisations ``organisations`` and the key
        ``key`` (:func:`key_id`) is the region's."""
        return is_region_organisation(organisations, self.region) or bool(key and key in self.keys)


def parties_of(packet: Path, folder: Path | None = None, *, copy: bool = False) -> Parties:
    """The parties of the packet at ``packet``: from the case the build record of its
    output folder names (the program file's region and its signatory, the case's actor's
    signatory) where it can be read, and the region as the packet's author (its metadata
    says Region Norrbotten) in any case. The folder is the packet's own, or ``folder`` for
    a ``copy`` (the web's upload): None, a copy of no output folder's packet."""
    from avtalsgen.build.recorded import recorded_history

    region = [name for name in (_author(packet),) if name]
    signatories: dict[str, str] = {}
    read = folder if copy else packet.parent
    recorded = recorded_history(read) if read is not None and read.is_dir() else None
    if recorded is not None:
        program = recorded.case.program
        region = [program.region.namn, program.region.kort, *region]
        signer = program.avtal.undertecknare
        if signer.namn and not signer.by_role:  # an office names no person to compare
            signatories["region"] = str(signer.namn)
        actor = recorded.case.arende.avtal.undertecknare
        if actor.namn and not actor.by_role:
            signatories["aktor"] = str(actor.namn)
    return Parties(tuple(dict.fromkeys(region)), signatories)


def _author(packet: Path) -> str:
    """The packet's author as its document information states it ("" if none)."""
    import pikepdf

    from avtalsgen.pdf.pdffile import open_pdf

    try:
        with open_pdf(packet) as pdf:
            info = pdf.trailer.get("/Info")
            author = info.get("/Author") if isinstance(info, pikepdf.Dictionary) else None
            return str(author) if author is not None else ""
    except (OSError, pikepdf.PdfError, ValueError, TypeError):
        return ""


@dataclass(frozen=True)
class Signed:
    """A party's field as signed: its field, and the signer's certificate."""

    field: str
    cert: x509.Certificate


def check_signer(
    file: Path,
    field_name: str,
    cert: x509.Certificate,
    signed: Sequence[Signed],
    region: Sequence[str],
    *,
    seal: bool = False,
) -> None:
    """Refuse, before anything is signed, ``cert`` signing the party's field
    ``field_name`` of ``file`` when it is the key that signed the other party's field
    (``signed``: the party fields signed already), or when it is the region's key
    (``seal``: the web server's seal; or its organisation is one of ``region``) and the
    field is the actor's. Other fields (an extract's certification) are not checked.

    Raises :class:`SameKeyError` or :class:`RegionKeyError`."""
    if field_name not in PARTY_FIELDS:
        return
    signer = common_name(cert.subject)
    if field_name == ACTOR_FIELD:
        names = organisations(cert)
        if seal or is_region_organisation(names, region):
            whose = _l("the region's seal") if seal else _l("a certificate of {org}", org=names[0])
            raise RegionKeyError(
                _l(
                    "{file}: not signed: the key of {signer} is the region's ({whose}), and "
                    "the field 'aktor' is the actor's: the actor signs it with a key of its "
                    "own (its signatory's e-ID or card: avtalsgen sign {file} --field aktor "
                    "--p12 FILE, or --pkcs11-lib with --token and --key). A signature by the "
                    "region there would make the packet look signed by both parties when the "
                    "actor has not signed it; nothing was signed.",
                    file=file,
                    signer=signer,
                    whose=whose,
                )
            )
    mine = key_id(cert)
    for other in signed:
        if other.field == field_name or other.field not in PARTY_FIELDS:
            continue
        if key_id(other.cert) == mine:
            raise SameKeyError(
                _l(
                    "{file}: not signed: the field '{other}' is signed already with this very "
                    "key ({signer}), and one key cannot sign for both parties: the field "
                    "'{field}' is for the other party's own signature, made with its own "
                    "key. Sign '{field}' with that party's key; nothing was signed.",
                    file=file,
                    other=other.field,
                    signer=signer,
                    field=field_name,
                )
            )


def names_differ(signer: str, named: str) -> bool:
    """Whether the signer's name ``signer`` (a certificate's common name) does not hold
    every word of the name ``named`` the agreement gives its signatory ("Älvbrink, Sofia"
    holds "Sofia Älvbrink"; "Region Norrbotten sigill" does not)."""
    words = set(_plain(signer).replace(",", " ").split())
    return not all(word in words for word in _plain(named).replace(",", " ").split())


def shared_key(signatures: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """The party fields among ``signatures`` ((field, key id) of each signed field) that
    share one key, in order; empty when each party's field has a key of its own."""
    by_key: dict[str, list[str]] = {}
    for name, key in signatures:
        if name in PARTY_FIELDS and key:
            by_key.setdefault(key, []).append(name)
    for fields in by_key.values():
        if len(set(fields)) > 1:
            return tuple(dict.fromkeys(fields))
    return ()


def party_word(field_name: str) -> str:
    """The party a field is for, in words: the region, the actor."""
    return {"region": _("the region"), "aktor": _("the actor")}.get(field_name, field_name)
