"""Check signed packets: their PAdES signatures and (see :mod:`avtalsgen.pdf.pdfa`) their
PDF/A-2b structure.

:func:`verify_packet` validates every signature with pyHanko and returns a
:class:`VerificationReport`; :func:`format_report` turns it into English text for the CLI.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives import serialization
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

from avtalsgen.pdf.pdfa import VerificationError, check_pdfa_structure
from avtalsgen.signing.pki import is_demo_certificate

PADES_SUBFILTER = "/ETSI.CAdES.detached"

# What pyHanko and asn1crypto raise for damaged signature data.
_READ_ERRORS = (PdfError, SignatureValidationError, ValueError, KeyError, TypeError)

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

    @property
    def ok(self) -> bool:
        """Whether every check of this signature passed."""
        return not self.problems


@dataclass(frozen=True)
class VerificationReport:
    """The result of :func:`verify_packet`."""

    path: Path
    signatures: tuple[SignatureReport, ...]
    unsigned_fields: tuple[str, ...]
    pdfa_problems: tuple[str, ...]
    problems: tuple[str, ...]
    """Document-level problems (no signature, a field left unsigned, unreadable signatures)."""

    @property
    def demo(self) -> bool:
        """Whether any signature was made with a DEMO certificate (not valid for real use)."""
        return any(s.demo for s in self.signatures)

    @property
    def ok(self) -> bool:
        """Whether the packet passed every check; see :attr:`demo` for demo signatures."""
        return not self.all_problems()

    def all_problems(self) -> list[str]:
        """Every problem found, each naming its signature field or 'PDF/A'."""
        found = list(self.problems)
        for sig in self.signatures:
            found += [f"signature {sig.field!r}: {p}" for p in sig.problems]
        found += [f"PDF/A: {p}" for p in self.pdfa_problems]
        return found


def verify_packet(
    path: Path,
    trust_roots: Sequence[Path] = (),
    *,
    require_all_fields: bool = True,
    allow_fetching: bool = False,
    validation_time: dt.datetime | None = None,
    lang: str | None = None,
) -> VerificationReport:
    """Validate every signature of the PDF at ``path`` and its PDF/A structure.

    ``trust_roots`` are PEM or DER files of trusted CA certificates (for demo-signed
    packets, the demo root :attr:`avtalsgen.signing.pki.DemoPki.root_cert`); with none, no signature
    is trusted. With ``require_all_fields`` an empty signature field is a problem.
    ``allow_fetching`` lets pyHanko fetch revocation information (OCSP, CRL) over the
    network; without it revocation is checked only against what the file holds
    (soft-fail). Raises :class:`VerificationError` if the file or a trust root cannot be read.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise VerificationError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if not data.startswith(b"%PDF-"):
        raise VerificationError(f"{path}: not a PDF file")
    if allow_fetching and validation_time is not None:
        raise VerificationError("revocation data cannot be fetched for a past validation time")
    roots = _load_roots(trust_roots)
    try:
        pdfa = tuple(check_pdfa_structure(path, lang))
    except VerificationError as exc:
        pdfa = (exc.message.removeprefix(f"{path}: "),)
    problems: list[str] = []
    try:
        reader = PdfFileReader(io.BytesIO(data))
        fields = [(name, value is not None) for name, value, _ in enumerate_sig_fields(reader)]
    except _READ_ERRORS as exc:
        problems.append(f"the signature fields cannot be read: {exc}")
        return VerificationReport(path, (), (), pdfa, tuple(problems))
    unsigned = tuple(name for name, filled in fields if not filled)
    embedded, unreadable = _embedded_signatures(reader)
    if not embedded and not unreadable:
        problems.append("the file has no signatures")
    if require_all_fields:
        problems += [f"signature field {name!r} is not signed" for name in unsigned]
    reports = asyncio.run(_validate_all(embedded, roots, allow_fetching, validation_time))
    reports += [_failed(name, f"cannot be read: {error}") for name, error in unreadable]
    return VerificationReport(path, tuple(reports), unsigned, pdfa, tuple(problems))


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
        raise VerificationError(f"{path}: cannot read certificates: {exc}") from exc
    return [x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in found]


def _load_roots(paths: Sequence[Path]) -> list[x509.Certificate]:
    return [cert for path in paths for cert in load_certificates(Path(path))]


def _embedded_signatures(
    reader: PdfFileReader,
) -> tuple[list[EmbeddedPdfSignature], list[tuple[str, str]]]:
    """The signatures in signing order, and (field, error) for those that cannot be read."""
    signatures, unreadable = [], []
    for name, value, field_ref in enumerate_sig_fields(reader, filled_status=True):
        if value is None:
            continue
        try:
            signatures.append(EmbeddedPdfSignature(reader, field_ref, name))
        except _READ_ERRORS as exc:
            unreadable.append((str(name), str(exc) or type(exc).__name__))
    return sorted(signatures, key=lambda s: s.signed_revision), unreadable


async def _validate_all(
    signatures: Sequence[EmbeddedPdfSignature],
    roots: list[x509.Certificate],
    allow_fetching: bool,
    moment: dt.datetime | None,
) -> list[SignatureReport]:
    reports = []
    for index, sig in enumerate(signatures):
        context = ValidationContext(trust_roots=roots, allow_fetching=allow_fetching, moment=moment)
        last = index == len(signatures) - 1
        reports.append(await _validate_one(sig, context, last))
    return reports


async def _validate_one(
    sig: EmbeddedPdfSignature, context: ValidationContext, last: bool
) -> SignatureReport:
    name = str(sig.field_name)
    if sig.sig_object_type != "/Sig":
        return _failed(name, f"is a {sig.sig_object_type} object, which is not checked")
    try:
        status = await async_validate_pdf_signature(
            sig, signer_validation_context=context, ts_validation_context=context
        )
    except _READ_ERRORS as exc:
        return _failed(name, f"cannot be validated: {exc}")
    return _report(sig, status, last)


def _failed(field: str, problem: str) -> SignatureReport:
    return SignatureReport(
        field=field,
        signer="?",
        issuer="?",
        signing_time=None,
        timestamp=None,
        intact=False,
        coverage="unknown",
        covers_whole_file=False,
        modification="unknown",
        pades_level=None,
        trusted=False,
        trust="not checked",
        demo=False,
        problems=(problem,),
    )


def _common_name(name: x509.Name) -> str:
    native = name.native
    value = native.get("common_name") if isinstance(native, dict) else None
    return str(value) if value else name.human_friendly


def _report(sig: EmbeddedPdfSignature, status: PdfSignatureStatus, last: bool) -> SignatureReport:
    problems = []
    cert = status.signing_cert
    signer, issuer = _common_name(cert.subject), _common_name(cert.issuer)
    intact = bool(status.intact and status.valid)
    if not status.intact:
        problems.append("the document digest does not match: signed bytes were changed")
    elif not status.valid:
        problems.append("the cryptographic signature is invalid")
    coverage = status.coverage
    covers_file = coverage == SignatureCoverageLevel.ENTIRE_FILE
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        coverage_text = "entire file"
    elif coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        coverage_text = "entire revision"
    else:
        coverage_text = "only part of its revision (non-standard byte range)"
        problems.append("the signature does not cover its whole revision")
    if last and not covers_file:
        problems.append("the last signature does not cover the whole file: it was changed after")
    modification, modification_ok = _modification(status)
    if not modification_ok:
        problems.append(f"changed after signing: {modification}")
    level, level_problems = _pades_level(sig, status)
    problems += level_problems
    trusted = bool(status.trusted)
    if not intact:  # pyHanko does not build a chain for a broken signature
        trust = "not checked, the signature is broken"
    else:
        trust = _trust_text(status)
        if not trusted:
            problems.append(f"the signer's certificate is not trusted: {trust}")
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
        trusted=trusted,
        trust=trust,
        demo=is_demo_certificate(signer, issuer),
        problems=tuple(problems),
    )


_DETAIL_CHARS = 160

_LEVEL_WORDS = {
    ModificationLevel.NONE: "nothing",
    ModificationLevel.LTA_UPDATES: "only validation data and document timestamps",
    ModificationLevel.FORM_FILLING: "only later signatures and form fields",
    ModificationLevel.ANNOTATIONS: "annotations",
    ModificationLevel.OTHER: "the document's content or structure",
}


def _modification(status: PdfSignatureStatus) -> tuple[str, bool]:
    diff = status.diff_result
    level = status.modification_level
    if isinstance(diff, SuspiciousModification):
        detail = str(diff).strip().splitlines()[0] if str(diff).strip() else "suspicious"
        if len(detail) > _DETAIL_CHARS:
            detail = detail[: _DETAIL_CHARS - 3] + "..."
        return f"the document's content or structure (pyHanko: {detail})", False
    if level is None:
        return "unknown (difference analysis not done)", False
    words = _LEVEL_WORDS[level]
    ok = level <= ModificationLevel.FORM_FILLING and status.docmdp_ok is not False
    if level <= ModificationLevel.FORM_FILLING and status.docmdp_ok is False:
        words += ", which the certification signature forbids"
    return words, ok


def _pades_level(
    sig: EmbeddedPdfSignature, status: PdfSignatureStatus
) -> tuple[str | None, list[str]]:
    subfilter = str(sig.sig_object.get("/SubFilter"))
    if subfilter != PADES_SUBFILTER:
        return None, [f"not a PAdES signature (SubFilter {subfilter})"]
    attrs = {a["type"].native for a in sig.signer_info["signed_attrs"]}
    problems = []
    if not attrs & {"signing_certificate_v2", "signing_certificate"}:
        problems.append("PAdES: no signing-certificate attribute")
    if "signing_time" in attrs:
        problems.append("PAdES: a CMS signing-time attribute is not allowed")
    tst = status.timestamp_validity
    if tst is None:
        return "B-B", problems
    if not (tst.intact and tst.valid and tst.trusted):
        problems.append("the signature timestamp is not valid or not trusted")
        return "B-B", problems
    return "B-T", problems


def _trust_text(status: PdfSignatureStatus) -> str:
    if status.trusted and status.validation_path is not None:
        anchor = status.validation_path.trust_anchor
        return f"chain to {_anchor_name(anchor)}"
    if status.revoked:
        return "the certificate is revoked"
    indic = status.trust_problem_indic
    if indic is None:
        return "no chain to a trusted root"
    return {
        "NO_CERTIFICATE_CHAIN_FOUND": "no chain to a trusted root",
        "EXPIRED": "the certificate has expired",
        "NOT_YET_VALID": "the certificate is not yet valid",
        "OUT_OF_BOUNDS_NO_POE": "the certificate was not valid at the signing time",
        "CHAIN_CONSTRAINTS_FAILURE": "the certificate chain breaks its constraints",
        "SIG_CONSTRAINTS_FAILURE": "the certificate lacks the required key usage",
    }.get(indic.standard_name, str(indic.standard_name).replace("_", " ").lower())


def _anchor_name(anchor: object) -> str:
    authority = getattr(anchor, "authority", None)
    name = getattr(authority, "name", None)
    return _common_name(name) if isinstance(name, x509.Name) else str(anchor)


# --- text ---------------------------------------------------------------------------------


def format_report(report: VerificationReport) -> str:
    """The report as English text, one block per signature, for the CLI."""
    lines = [f"File: {report.path}", f"Result: {'OK' if report.ok else 'NOT OK'}"]
    if report.demo:
        lines.append(
            "DEMO: signed with DEMO certificates from avtalsgen's demo PKI; NOT valid for real use."
        )
    total = len(report.signatures)
    for number, sig in enumerate(report.signatures, start=1):
        lines += [
            "",
            f"Signature {number} of {total}, field {sig.field!r}: {'OK' if sig.ok else 'NOT OK'}",
            f"  Signer:       {sig.signer}{' (DEMO)' if sig.demo else ''}",
            f"  Issuer:       {sig.issuer}",
            f"  Signing time: {_time(sig.signing_time)} (claimed by the signer)",
        ]
        if sig.timestamp is not None:
            lines.append(f"  Timestamp:    {_time(sig.timestamp)} (trusted timestamp token)")
        lines += [
            f"  Integrity:    {'intact' if sig.intact else 'BROKEN'}",
            f"  Coverage:     {sig.coverage}",
            f"  Changed since: {sig.modification}",
            f"  PAdES level:  {sig.pades_level or 'not PAdES'}",
            f"  Trust:        {'trusted' if sig.trusted else 'NOT trusted'} ({sig.trust})",
        ]
        lines += [f"  Problem: {p}" for p in sig.problems]
    if report.unsigned_fields:
        lines += ["", "Unsigned fields: " + ", ".join(report.unsigned_fields)]
    lines += ["", "PDF/A-2b structure: " + ("OK" if not report.pdfa_problems else "NOT OK")]
    lines += [f"  Problem: {p}" for p in report.pdfa_problems]
    if report.problems:
        lines += ["", "Problems:"] + [f"  - {p}" for p in report.problems]
    return "\n".join(lines)


def _time(value: dt.datetime | None) -> str:
    return value.isoformat(sep=" ", timespec="seconds") if value else "unknown"
