"""Check signed packets: their PAdES signatures and (see :mod:`avtalsgen.pdf.pdfa`) their
PDF/A-2b structure.

:func:`verify_packet` validates every signature with pyHanko and returns a
:class:`VerificationReport` with one :class:`Verdict`; :func:`format_report` words it for a
registrar (what is signed, what is still to sign, whether the chains are trusted, what
happened to a file changed after signing) and :func:`exit_status` gives the exit status.
``avtalsgen sign`` and ``avtalsgen verify`` both print this report and exit with this status.

Each signature also gets its long-term status (:mod:`avtalsgen.signing.ltv`): the PAdES
level the file gives it and whether it is shown valid when it was made, from the file's
own validation data, offline. A signature shown valid then is trusted even after its
certificate expired or was revoked; one shown not valid then is a problem. Document time
stamps (B-LTA) are checked and listed apart from the signatures.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from asn1crypto import x509
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    async_validate_pdf_signature,
)
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext

from avtalsgen.errors import os_reason
from avtalsgen.i18n import _, format_time, join_words
from avtalsgen.pdf.pdfa import VerificationError, check_pdfa_structure
from avtalsgen.signing.ltv import (
    LongTermStatus,
    TimestampStatus,
    describe,
    describe_timestamp,
    document_timestamps,
    long_term_status,
    timestamp_signatures,
)
from avtalsgen.signing.names import common_name
from avtalsgen.signing.parties import Parties, key_id, organisations, party_word
from avtalsgen.signing.pki import is_demo_certificate
from avtalsgen.signing.reading import pdf_reader, read_pdf
from avtalsgen.signing.standing import PacketStanding, Standing

PADES_SUBFILTER = "/ETSI.CAdES.detached"

# What pyHanko and asn1crypto raise for damaged signature data.
_READ_ERRORS = (PdfError, SignatureValidationError, ValueError, KeyError, TypeError, zlib.error)

# pyHanko logs a traceback for every suspicious change it finds; the report says it instead.
# A NullHandler keeps Python's last-resort handler from printing those records to stderr
# while applications that configure logging still receive them.
logging.getLogger("pyhanko").addHandler(logging.NullHandler())


# --- signatures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureReport:
    """What was found about one signature."""

    field: str
    signer: str
    """The signer certificate's common name."""
    issuer: str
    signing_time: dt.datetime | None
    """The time the signer's software claims (PDF /M); not proof."""
    timestamp: dt.datetime | None
    """The time from a trusted RFC 3161 timestamp token, if there is one."""
    intact: bool
    """Document digest and cryptographic signature both check out."""
    coverage: str
    """"entire file", "entire revision" or a description of a non-standard coverage."""
    covers_whole_file: bool
    modification: str
    """What changed after the signature, in words ("nothing", "signatures and form fields")."""
    pades_level: str | None
    """"B-B" or "B-T"; None if the signature is not PAdES."""
    trusted: bool
    trust: str
    """How trust was decided, e.g. "chain to DEMO avtalsgen root CA"."""
    demo: bool
    problems: tuple[str, ...]
    """What is wrong with the signature itself (trust aside: see :attr:`trusted`)."""
    long_term: LongTermStatus | None = None
    """The PAdES level the file gives the signature and whether it is shown valid when it
    was made, from the file's own validation data (:mod:`avtalsgen.signing.ltv`)."""
    key: str = ""
    """The SHA-256 of the signer's public key (:func:`avtalsgen.signing.parties.key_id`):
    one key signing two parties' fields is told by it; "" when it cannot be read."""
    organisations: tuple[str, ...] = ()
    """The organisation names (O) of the signer's certificate."""

    @property
    def ok(self) -> bool:
        """Whether the signature holds: intact, as it should be, and trusted."""
        return not self.problems and self.trusted


class Verdict(StrEnum):
    """What a packet's signatures amount to, worst first."""

    INVALID = "invalid"
    """A signature is broken, the file was changed after a signature in a way signatures do
    not allow, a signature cannot be read, or the file is not PDF/A-2b."""
    NOT_TRUSTED = "not trusted"
    """Every signature is intact, but a signer's certificate leads to no trusted root."""
    SUPERSEDED = "superseded"
    """What is signed holds, but the case's decision or facts now replace the packet
    (:attr:`VerificationReport.standing`): nothing is to be signed in it."""
    ONE_PARTY = "one party"
    """Every signature holds, but one key signed both parties' fields, or the region's key
    the actor's (:attr:`VerificationReport.party_problem`): the other party has not
    signed, and its field is taken."""
    NOT_CERTIFIED = "not certified"
    """Every signature holds, but a protocol extract's certification is made with a key
    that may not certify it (:attr:`VerificationReport.certification`): it counts as not
    certified, and its field is taken."""
    INCOMPLETE = "incomplete"
    """What is signed holds; fields are still to sign (maybe all of them), or the case
    waits for the committee's decision (återremiss, bordläggning)."""
    COMPLETE = "complete"
    """Every field is signed, every signature intact and trusted, the file PDF/A-2b; or,
    for a rejected case's packet, there is no field and nothing to sign."""


@dataclass(frozen=True)
class VerificationReport:
    """The result of :func:`verify_packet`."""

    path: Path
    signatures: tuple[SignatureReport, ...]
    unsigned_fields: tuple[str, ...]
    pdfa_problems: tuple[str, ...]
    problems: tuple[str, ...]
    """Problems of the file as a whole (signature fields that cannot be read)."""
    timestamps: tuple[TimestampStatus, ...] = ()
    """The document time stamps (PAdES B-LTA), in the file's order."""
    shown_as: str = ""
    """How the report names the file when not by :attr:`path`: a file embedded in another
    is named in words ("protokollsutdrag § 212, embedded in paket.pdf"), since a path
    through the packet ("paket.pdf/protokollsutdrag-212.pdf") reads like a folder."""
    standing: PacketStanding | None = None
    """What the packet is to its case now, from its output folder
    (:func:`avtalsgen.signing.standing.packet_standing`): superseded, a rejected case's or
    a case's that waits for a decision; None when not asked or none of these."""
    certification: str | None = None
    """For a protocol extract whose field ``utdragsbestyrkande`` a key signed that may not
    certify it (:func:`avtalsgen.signing.certifier.signed_certification_problem`): why, and
    how a certified extract comes; None otherwise or when not asked."""
    parties: Parties | None = None
    """Who the packet's parties are (:func:`avtalsgen.signing.parties.parties_of`): the
    region's names and the signatories the agreement names; None when not asked."""

    new_packet: str = ""
    """How a new packet comes when :attr:`party_problem` says one is needed, from the case's
    output folder (:func:`avtalsgen.signing.judged.new_packet`); "" when not asked."""

    @property
    def party_problem(self) -> str | None:
        """Why the packet is not signed by both parties although their fields are signed,
        and how a new packet comes: one key signed both, or the actor's field is signed
        with the region's key (its certificate's organisation is the region's, or the key
        is one :attr:`parties` knows as the region's); None when neither."""
        from avtalsgen.signing.parties import ACTOR_FIELD, Parties, shared_key

        fields = shared_key([(sig.field, sig.key) for sig in self.signatures])
        fact = None
        if fields:
            signer = next(sig.signer for sig in self.signatures if sig.field == fields[0])
            fact = _(
                "the fields {fields} are all signed with one key ({signer}), and one key "
                "cannot sign for both parties: the other party has not signed this packet, "
                "and its field is taken"
            ).format(fields=join_words([repr(name) for name in fields]), signer=signer)
        parties = self.parties if self.parties is not None else Parties()
        for sig in self.signatures if fact is None else ():
            if sig.field == ACTOR_FIELD and parties.is_regions(sig.organisations, sig.key):
                whose = sig.organisations[0] if parties.is_regions(sig.organisations, "") else (
                    _("the region's seal"))  # fmt: skip
                fact = _(
                    "the actor's field 'aktor' is signed with a key of the region ({signer}, "
                    "{whose}): the actor has not signed this packet, and its field is taken"
                ).format(signer=sig.signer, whose=whose)
                break
        if fact is None:
            return None
        return f"{fact}. {self.new_packet or _new_packet_unknown()}"

    @property
    def remarks(self) -> tuple[str, ...]:
        """Remarks that are no problem: a signer's name that is not the signatory the
        agreement names (names differ for good reasons: a seal, a deputy, a name written
        otherwise). DEMO signatures are left out: their names are never the signatory's."""
        from avtalsgen.signing.parties import names_differ

        named = self.parties.signatories if self.parties is not None else {}
        said = []
        for sig in self.signatures:
            signatory = named.get(sig.field)
            if not signatory or sig.demo or not names_differ(sig.signer, signatory):
                continue
            text = _(
                "the field {field!r} is signed by {signer}, and the agreement names {named} as "
                "the signatory of {party}; names differ for good reasons too (a seal, a "
                "deputy, a name written otherwise), so check that the signer was the one to "
                "sign"
            )
            said.append(text.format(field=sig.field, signer=sig.signer, named=signatory,
                                    party=party_word(sig.field)))  # fmt: skip
        return tuple(said)

    @property
    def demo(self) -> bool:
        """Whether any signature was made with a DEMO certificate (not valid for real use)."""
        return any(s.demo for s in self.signatures)

    @property
    def verdict(self) -> Verdict:
        """The one verdict on the packet (see :class:`Verdict`)."""
        if self.problems or self.pdfa_problems or any(s.problems for s in self.signatures):
            return Verdict.INVALID
        if any(not t.intact for t in self.timestamps):
            return Verdict.INVALID
        if not all(s.trusted for s in self.signatures) or not all(
            t.trusted for t in self.timestamps
        ):
            return Verdict.NOT_TRUSTED
        standing = self.standing.standing if self.standing is not None else None
        if standing is Standing.SUPERSEDED:
            return Verdict.SUPERSEDED
        if self.party_problem is not None:
            return Verdict.ONE_PARTY
        if self.certification is not None:
            return Verdict.NOT_CERTIFIED
        if standing is Standing.WAITING:
            return Verdict.INCOMPLETE
        if standing is Standing.REJECTED and not self.unsigned_fields and not self.signatures:
            return Verdict.COMPLETE
        if self.unsigned_fields or not self.signatures:
            return Verdict.INCOMPLETE
        return Verdict.COMPLETE

    @property
    def ok(self) -> bool:
        """Whether the packet is complete and holds (:attr:`Verdict.COMPLETE`); see
        :attr:`demo` for demo signatures."""
        return self.verdict is Verdict.COMPLETE

    def all_problems(self) -> list[str]:
        """Every problem found (what makes the packet invalid, then untrusted signers),
        each naming its signature field or PDF/A."""
        found = list(self.problems)
        for sig in self.signatures:
            found += [
                _("signature {field!r}: {problem}").format(field=sig.field, problem=problem)
                for problem in sig.problems
            ]
        found += [_("PDF/A: {problem}").format(problem=p) for p in self.pdfa_problems]
        found += [t.problem for t in self.timestamps if t.problem and not t.intact]
        found += [
            _("signature {field!r}: the signer's certificate is not trusted: {why}").format(
                field=sig.field, why=sig.trust
            )
            for sig in self.signatures
            if not sig.trusted and not sig.problems
        ]
        found += [t.problem for t in self.timestamps if t.problem and t.intact]
        return found


def exit_status(verdict: Verdict, *, complete: bool = False) -> int:
    """The exit status of ``avtalsgen sign`` and ``verify`` for ``verdict``: 0 when what is
    signed holds (complete, or with fields still to sign unless ``complete`` is asked
    for), 1 otherwise."""
    if verdict is Verdict.COMPLETE or (verdict is Verdict.INCOMPLETE and not complete):
        return 0
    return 1


def verify_packet(
    path: Path,
    trust_roots: Sequence[Path] = (),
    *,
    allow_fetching: bool = False,
    validation_time: dt.datetime | None = None,
    lang: str | None = None,
) -> VerificationReport:
    """Validate every signature of the PDF at ``path`` and its PDF/A structure.

    ``trust_roots`` are PEM or DER files of trusted CA certificates (for demo-signed
    packets, the demo root :attr:`avtalsgen.signing.pki.DemoPki.root_cert`); with none, no signature
    is trusted. Empty signature fields are listed (:attr:`VerificationReport.unsigned_fields`),
    not problems: the verdict says whether the packet is complete.
    ``allow_fetching`` lets pyHanko fetch revocation information (OCSP, CRL) over the
    network; without it revocation is checked only against what the file holds
    (soft-fail). Raises :class:`VerificationError` if the file or a trust root cannot be read.
    """
    data = read_pdf(path, VerificationError)
    if allow_fetching and validation_time is not None:
        raise VerificationError(_("revocation data cannot be fetched for a past validation time"))
    roots = _load_roots(trust_roots)
    try:
        pdfa = tuple(check_pdfa_structure(path, lang))
    except VerificationError as exc:
        pdfa = (exc.message.removeprefix(f"{path}: "),)
    problems: list[str] = []
    try:
        reader = pdf_reader(data)
        fields = [(name, value is not None) for name, value, _ in enumerate_sig_fields(reader)]
    except _READ_ERRORS as exc:
        problems.append(_("the signature fields cannot be read: {error}").format(error=exc))
        return VerificationReport(path, (), (), pdfa, tuple(problems))
    unsigned = tuple(name for name, filled in fields if not filled)
    embedded, unreadable = _embedded_signatures(reader)
    reports, stamps = asyncio.run(
        _validate_all(reader, embedded, roots, allow_fetching, validation_time)
    )
    reports += [
        _failed(name, _("cannot be read: {error}").format(error=error))
        for name, error in unreadable
    ]
    return VerificationReport(path, tuple(reports), unsigned, pdfa, tuple(problems), tuple(stamps))


def load_certificates(path: Path) -> list[x509.Certificate]:
    """The certificates in a PEM (one or more) or DER file, as pyHanko wants them.

    Raises :class:`VerificationError` naming the file if it cannot be read or holds none.
    """
    try:
        data = path.read_bytes()
        if b"-----BEGIN" in data:
            found = crypto_x509.load_pem_x509_certificates(data)
        else:
            found = [crypto_x509.load_der_x509_certificate(data)]
    except (OSError, ValueError) as exc:
        reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
        raise VerificationError(
            _("{file}: cannot read certificates: {reason}").format(file=path, reason=reason)
        ) from exc
    return [x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in found]


def _load_roots(paths: Sequence[Path]) -> list[x509.Certificate]:
    return [cert for path in paths for cert in load_certificates(Path(path))]


def _embedded_signatures(
    reader: PdfFileReader,
) -> tuple[list[EmbeddedPdfSignature], list[tuple[str, str]]]:
    """The signatures in signing order, and (field, error) for those that cannot be read.
    Document time stamps are not signatures: see :func:`~avtalsgen.signing.ltv.document_timestamps`.
    """
    signatures, unreadable = [], []
    for name, value, field_ref in enumerate_sig_fields(reader, filled_status=True):
        if value is None:
            continue
        try:
            signature = EmbeddedPdfSignature(reader, field_ref, name)
            if signature.sig_object_type != "/DocTimeStamp":
                signatures.append(signature)
        except _READ_ERRORS as exc:
            unreadable.append((str(name), str(exc) or type(exc).__name__))
    return sorted(signatures, key=lambda s: s.signed_revision), unreadable


async def _validate_all(
    reader: PdfFileReader,
    signatures: Sequence[EmbeddedPdfSignature],
    roots: list[x509.Certificate],
    allow_fetching: bool,
    moment: dt.datetime | None,
) -> tuple[list[SignatureReport], list[TimestampStatus]]:
    reports = []
    # A document time stamp over the whole file after the last signature (B-LTA) takes over
    # the last signature's duty to cover the file; the difference analysis of every
    # signature still judges what the revisions between added.
    sealed = bool(signatures) and _sealed_after(reader, signatures[-1].signed_revision)
    for index, sig in enumerate(signatures):
        context = ValidationContext(trust_roots=roots, allow_fetching=allow_fetching, moment=moment)
        last = index == len(signatures) - 1 and not sealed
        reports.append(await _validate_one(sig, context, last, roots))
    return reports, await document_timestamps(reader, roots)


def _sealed_after(reader: PdfFileReader, revision: int) -> bool:
    """Whether a document time stamp made after ``revision`` covers the whole file."""
    for stamp in timestamp_signatures(reader):
        try:
            if stamp.signed_revision <= revision:
                continue
            if stamp.evaluate_signature_coverage() == SignatureCoverageLevel.ENTIRE_FILE:
                return True
        except _READ_ERRORS:
            continue
    return False


async def _validate_one(
    sig: EmbeddedPdfSignature,
    context: ValidationContext,
    last: bool,
    roots: Sequence[x509.Certificate],
) -> SignatureReport:
    name = str(sig.field_name)
    if sig.sig_object_type != "/Sig":
        return _failed(
            name,
            _("is a {kind} object, which is not checked").format(kind=sig.sig_object_type),
        )
    try:
        status = await async_validate_pdf_signature(
            sig, signer_validation_context=context, ts_validation_context=context
        )
    except _READ_ERRORS as exc:
        return _failed(name, _("cannot be validated: {error}").format(error=exc))
    return _report(sig, status, last, await long_term_status(sig, roots))


def _failed(field: str, problem: str) -> SignatureReport:
    return SignatureReport(
        field=field,
        signer="?",
        issuer="?",
        signing_time=None,
        timestamp=None,
        intact=False,
        coverage=_("unknown"),
        covers_whole_file=False,
        modification=_("unknown"),
        pades_level=None,
        trusted=False,
        trust=_("not checked"),
        demo=False,
        problems=(problem,),
    )


def _report(
    sig: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    last: bool,
    long_term: LongTermStatus | None = None,
) -> SignatureReport:
    problems = []
    cert = status.signing_cert
    signer, issuer = common_name(cert.subject), common_name(cert.issuer)
    intact = bool(status.intact and status.valid)
    if not status.intact:
        problems.append(_("the signed bytes were changed (the document digest does not match)"))
    elif not status.valid:
        problems.append(_("the cryptographic signature is invalid"))
    coverage = status.coverage
    covers_file = coverage == SignatureCoverageLevel.ENTIRE_FILE
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        coverage_text = _("entire file")
    elif coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        coverage_text = _("entire revision")
    else:
        coverage_text = _("only part of its revision (non-standard byte range)")
        problems.append(_("the signature does not cover its whole revision"))
    # What was changed after it first: that says what happened.
    modification, modification_ok = _modification(sig, status)
    if not modification_ok:
        problems.insert(0, _("changed after signing: {what}").format(what=modification))
    # After the last signature only its validation data and document time stamps may follow
    # (B-LT, B-LTA), as the difference analysis above has judged.
    lta_only = status.modification_level == ModificationLevel.LTA_UPDATES
    if last and not covers_file and not lta_only:
        problems.append(
            _("the last signature does not cover the whole file: something was added after it")
        )
    level, level_problems = _pades_level(sig, status)
    problems += level_problems
    trusted = bool(status.trusted)
    # pyHanko does not build a chain for a broken signature.
    trust = _trust_text(status) if intact else _("not checked, the signature is broken")
    if long_term is not None and level == "B-T":  # B-LT, B-LTA: what the file adds to it
        level = str(long_term.level)
    if long_term is not None and long_term.problem and intact:
        problems.append(long_term.problem)
    if long_term is not None and long_term.valid_at_signing and intact and not trusted:
        # Expired or revoked since: what counts is that it was valid when it was made.
        trusted = True
        trust = _("valid when it was made, as the validation data in the file shows")
    tst = status.timestamp_validity
    timestamp = tst.timestamp if tst is not None and tst.trusted else None
    return SignatureReport(
        field=str(sig.field_name),
        signer=signer,
        issuer=issuer,
        signing_time=status.signer_reported_dt,
        timestamp=timestamp,
        intact=intact,
        coverage=coverage_text,
        covers_whole_file=covers_file,
        modification=modification,
        pades_level=level,
        trusted=trusted and intact,
        trust=trust,
        demo=is_demo_certificate(signer, issuer),
        problems=tuple(problems),
        long_term=long_term,
        key=key_id(cert),
        organisations=organisations(cert),
    )


def _level_words(level: ModificationLevel) -> str:
    return {
        ModificationLevel.NONE: _("nothing"),
        ModificationLevel.LTA_UPDATES: _("only validation data and document timestamps"),
        ModificationLevel.FORM_FILLING: _("only later signatures and form fields"),
        ModificationLevel.ANNOTATIONS: _("annotations"),
        ModificationLevel.OTHER: _("the document's content or structure"),
    }[level]


def _modification(sig: EmbeddedPdfSignature, status: PdfSignatureStatus) -> tuple[str, bool]:
    """What changed after the signature, in words, and whether signatures allow it.

    pyHanko reports a change it cannot explain in its own terms ("There are unexplained
    xrefs in revision 3: ..."); what the later revisions changed is read here instead.
    """
    diff = status.diff_result
    level = status.modification_level
    if isinstance(diff, SuspiciousModification):
        changes = _changes_after(sig.reader, sig.signed_revision)
        if not changes:
            return _("objects of the file that a signature does not add"), False
        return join_words(changes), False
    if level is None:
        return _("unknown (difference analysis not done)"), False
    words = _level_words(level)
    ok = level <= ModificationLevel.FORM_FILLING and status.docmdp_ok is not False
    if level <= ModificationLevel.FORM_FILLING and status.docmdp_ok is False:
        words = _("{changes}, which the certification signature forbids").format(changes=words)
    return words, ok


def _changes_after(reader: PdfFileReader, revision: int) -> list[str]:
    """What the revisions after ``revision`` changed in the document, in words: pages added
    or changed, their text or drawings, signature fields, annotations. Objects that every
    signature changes (the catalog, the form, metadata, appearances) are not named."""
    pages, contents = _pages(reader)
    found: dict[str, None] = {}  # in order, once each
    drawn: set[int] = set()  # pages whose text or drawings changed
    for later in range(revision + 1, reader.xrefs.total_revisions):
        for ref in sorted(reader.xrefs.explicit_refs_in_revision(later), key=lambda r: r.idnum):
            try:
                obj = reader.get_object(ref, revision=later)  # type: ignore[no-untyped-call]
            except _READ_ERRORS:
                continue
            added = reader.xrefs.get_introducing_revision(ref) == later
            if ref.idnum in contents:
                drawn.add(contents[ref.idnum])
            what = _what_changed(ref.idnum, obj, added, pages, contents)
            if what is not None:
                found[what] = None
    # A page whose text changed was changed: say the text.
    changed_pages = {_("page {number} was changed").format(number=n) for n in drawn}
    return [what for what in found if what not in changed_pages]


def _pages(reader: PdfFileReader) -> tuple[dict[int, int], dict[int, int]]:
    """The page number of each page object and of each content stream, by object number."""
    pages: dict[int, int] = {}
    contents: dict[int, int] = {}

    def walk(node: object) -> None:
        if not isinstance(node, generic.IndirectObject):
            return
        value = node.get_object()  # type: ignore[no-untyped-call]
        if not isinstance(value, generic.DictionaryObject):
            return
        if value.get("/Type") == "/Pages":
            for kid in value.get("/Kids", ()):
                walk(kid)
            return
        number = len(pages) + 1
        pages[node.idnum] = number
        streams = value.raw_get("/Contents") if "/Contents" in value else None
        if isinstance(streams, generic.IndirectObject):
            target = streams.get_object()  # type: ignore[no-untyped-call]
            items = target if isinstance(target, generic.ArrayObject) else [streams]
            contents[streams.idnum] = number
        else:
            items = streams if isinstance(streams, generic.ArrayObject) else []
        for item in items:
            if isinstance(item, generic.IndirectObject):
                contents[item.idnum] = number

    with contextlib.suppress(*_READ_ERRORS):
        walk(reader.root.raw_get("/Pages"))
    return pages, contents


def _what_changed(
    idnum: int, obj: object, added: bool, pages: dict[int, int], contents: dict[int, int]
) -> str | None:
    if idnum in pages:
        template = _("page {number} was added") if added else _("page {number} was changed")
        return template.format(number=pages[idnum])
    if idnum in contents:
        return _("the text or drawings of page {number} were changed").format(
            number=contents[idnum]
        )
    if not isinstance(obj, generic.DictionaryObject):
        return None
    kind = obj.get("/Type")
    if kind == "/Pages":
        return _("pages were added or removed")
    if obj.get("/FT") == "/Sig" and "/V" not in obj:
        name = obj.get("/T")
        return _("the signature of field {field!r} was removed").format(field=str(name))
    if kind == "/Annot" and obj.get("/Subtype") != "/Widget":
        return _("a comment or other annotation was added or changed")
    return None


def _pades_level(
    sig: EmbeddedPdfSignature, status: PdfSignatureStatus
) -> tuple[str | None, list[str]]:
    subfilter = str(sig.sig_object.get("/SubFilter"))
    if subfilter != PADES_SUBFILTER:
        return None, [
            _("not a PAdES signature (SubFilter {subfilter})").format(subfilter=subfilter)
        ]
    attrs = {a["type"].native for a in sig.signer_info["signed_attrs"]}
    problems = []
    if not attrs & {"signing_certificate_v2", "signing_certificate"}:
        problems.append(_("PAdES: no signing-certificate attribute"))
    if "signing_time" in attrs:
        problems.append(_("PAdES: a CMS signing-time attribute is not allowed"))
    tst = status.timestamp_validity
    if tst is None:
        return "B-B", problems
    if not (tst.intact and tst.valid and tst.trusted):
        problems.append(_("the signature timestamp is not valid or not trusted"))
        return "B-B", problems
    return "B-T", problems


def _trust_text(status: PdfSignatureStatus) -> str:
    if status.trusted and status.validation_path is not None:
        anchor = status.validation_path.trust_anchor
        return _("chain to {root}").format(root=_anchor_name(anchor))
    if status.revoked:
        return _("the certificate is revoked")
    indic = status.trust_problem_indic
    if indic is None:
        return _("no chain to a trusted root")
    return {
        "NO_CERTIFICATE_CHAIN_FOUND": _("no chain to a trusted root"),
        "EXPIRED": _("the certificate has expired"),
        "NOT_YET_VALID": _("the certificate is not yet valid"),
        "OUT_OF_BOUNDS_NO_POE": _("the certificate was not valid at the signing time"),
        "CHAIN_CONSTRAINTS_FAILURE": _("the certificate chain breaks its constraints"),
        "SIG_CONSTRAINTS_FAILURE": _("the certificate lacks the required key usage"),
    }.get(indic.standard_name, str(indic.standard_name).replace("_", " ").lower())


def _anchor_name(anchor: object) -> str:
    authority = getattr(anchor, "authority", None)
    name = getattr(authority, "name", None)
    return common_name(name) if isinstance(name, x509.Name) else str(anchor)


# --- text ---------------------------------------------------------------------------------


def _new_packet_unknown() -> str:
    """How a new packet comes, said where the case's output folder was not asked."""
    return _(
        "A new packet is needed: build the case again and have each party sign the new packet "
        "with its own key; verify the case's packet in its output folder, which says whether "
        "the build makes the new one beside it"
    )


def verdict_line(report: VerificationReport, label: Callable[[str], str] | None = None) -> str:
    """The verdict in one sentence for a registrar: what the packet amounts to. A signature
    field is named as ``label`` gives it (the web's pages: a word, aktör); without one as
    the command line's ``--field`` takes it, quoted in a list ('aktor')."""
    verdict = report.verdict
    quoted, named = (label, label) if label is not None else (repr, str)
    fields = join_words([quoted(name) for name in report.unsigned_fields])
    standing = report.standing
    if verdict is Verdict.SUPERSEDED and standing is not None:
        return _("SUPERSEDED, not the packet to sign or to hand over: {why}").format(
            why=standing.text
        )
    if verdict is Verdict.ONE_PARTY:
        return _("NOT signed by both parties: {why}").format(why=report.party_problem)
    if verdict is Verdict.NOT_CERTIFIED:
        return _("NOT certified: {why}").format(why=report.certification)
    if verdict in (Verdict.COMPLETE, Verdict.INCOMPLETE) and standing is not None:
        if standing.standing is Standing.REJECTED:
            return _("complete: {why}").format(why=standing.text)
        if standing.standing is Standing.WAITING:
            return _("not complete: {why}").format(why=standing.text)
    if verdict is Verdict.COMPLETE:
        return _("complete: every field is signed, every signature is intact and trusted")
    if verdict is Verdict.INCOMPLETE and report.signatures:
        return _("not yet complete: what is signed holds; still to sign: {fields}").format(
            fields=fields
        )
    if verdict is Verdict.INCOMPLETE:
        return _("not signed yet; to sign: {fields}").format(fields=fields or _("no field"))
    if verdict is Verdict.NOT_TRUSTED:
        untrusted = [s for s in report.signatures if not s.trusted]
        return _(
            "NOT trusted: the signatures are intact, but {signers} cannot be traced to a root "
            "certificate you trust (name it with --trust)"
        ).format(signers=join_words([f"{s.signer} ({named(s.field)})" for s in untrusted]))
    return _("NOT valid: {problem}").format(problem=report.all_problems()[0])


def format_report(report: VerificationReport) -> str:
    """The report in the language of messages, for ``avtalsgen sign`` and ``verify``: the
    verdict, what is signed, what is still to sign, trust, PDF/A, then each signature."""
    lines = [
        _("File: {path}").format(path=report.shown_as or report.path),
        _("Result: {verdict}").format(verdict=verdict_line(report)),
    ]
    if report.demo:
        lines.append(
            _(
                "DEMO: signed with DEMO certificates from avtalsgen's demo PKI; NOT valid for "
                "real use."
            )
        )
    if report.signatures:
        lines.append(_("Signed:"))
    elif report.verdict is Verdict.COMPLETE:  # a rejected case's: no field
        lines.append(_("Signed: nothing, and nothing is to be signed"))
    else:
        lines.append(_("Signed: nothing yet"))
    for sig in report.signatures:
        state = _("intact") if not sig.problems else _("NOT valid")
        trust = _("trusted") if sig.trusted else _("NOT trusted")
        lines.append(
            _("  {field}: {signer}, {time} – {state}, {trust}").format(
                field=sig.field,
                signer=sig.signer + (" (DEMO)" if sig.demo else ""),
                time=_time(sig.signing_time),
                state=state,
                trust=trust,
            )
        )
    if report.verdict is Verdict.SUPERSEDED:
        lines.append(_("Still to sign: nothing in this file, which is superseded"))
    elif report.verdict is Verdict.ONE_PARTY:
        lines.append(_("Still to sign: the other party, in a new packet (see above)"))
    elif report.verdict is Verdict.NOT_CERTIFIED:
        lines.append(_("Still to sign: nothing in this file; a new version of the extract "
                       "(see above)"))  # fmt: skip
    elif report.unsigned_fields:
        fields = ", ".join(report.unsigned_fields)
        lines.append(_("Still to sign: {fields}").format(fields=fields))
    else:
        lines.append(_("Still to sign: nothing"))
    untrusted = [sig for sig in report.signatures if not sig.trusted]
    if not report.signatures:
        lines.append(_("Trust: no signature to check"))
    elif not untrusted:
        lines.append(_("Trust: every signature leads to a root you trust"))
    else:
        for sig in untrusted:
            lines.append(
                _("Trust: NOT established for {field}: {why}").format(
                    field=sig.field, why=sig.trust
                )
            )
    lines.append(_("PDF/A-2b: holds") if not report.pdfa_problems else _("PDF/A-2b: does NOT hold"))
    lines += [_("Remark: {remark}").format(remark=remark) for remark in report.remarks]
    total = len(report.signatures)
    for number, sig in enumerate(report.signatures, start=1):
        verdict = _("OK") if sig.ok else _("NOT OK")
        lines += [
            "",
            _("Signature {number} of {total}, field {field!r}: {verdict}").format(
                number=number, total=total, field=sig.field, verdict=verdict
            ),
            _("  Signer:        {signer}").format(signer=sig.signer),
            _("  Issuer:        {issuer}").format(issuer=sig.issuer),
            _("  Signing time:  {time}, as the signer states it").format(
                time=_time(sig.signing_time)
            ),
        ]
        if sig.timestamp is not None:
            lines.append(
                _("  Timestamp:     {time}, from a trusted timestamp token").format(
                    time=_time(sig.timestamp)
                )
            )
        lines += [
            _("  Integrity:     {state}").format(state=_("intact") if sig.intact else _("BROKEN")),
            _("  Coverage:      {coverage}").format(coverage=sig.coverage),
            _("  Changed since: {changes}").format(changes=sig.modification),
            _("  PAdES level:   {level}").format(level=sig.pades_level or _("not PAdES")),
        ]
        if sig.long_term is not None:
            lines.append(_("  Long term:     {status}").format(status=describe(sig.long_term)))
        lines.append(
            _("  Trust:         {trust} ({why})").format(
                trust=_("trusted") if sig.trusted else _("NOT trusted"), why=sig.trust
            )
        )
    for stamp in report.timestamps:
        lines += ["", describe_timestamp(stamp)]
    problems = report.all_problems()
    if problems:
        lines += ["", _("Problems:")] + [f"  - {p}" for p in problems]
    return "\n".join(lines)


def _time(value: dt.datetime | None) -> str:
    """A signature's time as the report shows it: Swedish time, with its offset."""
    return format_time(value) if value else _("unknown")
