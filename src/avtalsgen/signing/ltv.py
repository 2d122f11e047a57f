"""Whether a signature was valid when it was made, shown from what the file holds alone.

For each signature :func:`long_term_status` says which PAdES level the file gives it
(:class:`avtalsgen.signing.longterm.Level`, read from the file's structure: a signature
time stamp; validation data in a DSS added after the signature; a document time stamp
after that) and whether the signature is shown valid at its signing time: pyHanko's
validation with a validation context made from the DSS (its certificates, OCSP responses
and CRLs), nothing fetched (``allow_fetching=False``), revocation data required where a
certificate names its source (hard-fail; revocation data issued after the time counts, as
it does for signatures validated years later), at the time of the signature time stamp.
A certificate that expired or was revoked after that time does not make the signature
invalid; one revoked before it does. Without a time stamp nothing shows when the signature
was made (B-B), and without validation data nothing shows that the certificate was not
revoked then (B-T): both are said.

:func:`document_timestamps` checks the document time stamps (B-LTA) themselves: intact,
and from a TSA that leads to a trusted root.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from asn1crypto import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    EmbeddedPdfSignature,
    async_validate_pdf_signature,
)
from pyhanko.sign.validation.errors import NoDSSFoundError, SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext

from avtalsgen.i18n import N_, _, format_time
from avtalsgen.signing.longterm import Level
from avtalsgen.signing.names import common_name

_READ_ERRORS = (PdfError, SignatureValidationError, ValueError, KeyError, TypeError, zlib.error)


@dataclass(frozen=True)
class LongTermStatus:
    """What the file shows about one signature in the long term."""

    level: Level
    """The PAdES level the file gives the signature."""
    valid_at_signing: bool | None
    """True: shown valid at its signing time from the embedded data; False: shown not valid
    then (revoked before, say); None: the embedded data cannot show either."""
    proven_time: dt.datetime | None
    """The earliest time the signature is proven to have existed (its time stamp)."""
    reason: str
    """Why validity cannot be shown, or why the signature was not valid ("" when valid)."""

    @property
    def problem(self) -> str | None:
        """The problem to report when the signature is shown not valid at its signing time."""
        if self.valid_at_signing is False:
            return _("not valid at its signing time: {reason}").format(reason=self.reason)
        return None


@dataclass(frozen=True)
class TimestampStatus:
    """A document time stamp (PAdES B-LTA) and what was found about it."""

    field: str
    time: dt.datetime | None
    intact: bool
    trusted: bool
    authority: str
    """The common name of the time-stamping authority's certificate."""

    @property
    def problem(self) -> str | None:
        """What is wrong with the time stamp, if anything."""
        if not self.intact:
            return _("document time stamp {field!r}: the time-stamped bytes were changed").format(
                field=self.field
            )
        if not self.trusted:
            return _(
                "document time stamp {field!r}: the time-stamping authority {authority} does "
                "not lead to a root certificate you trust"
            ).format(field=self.field, authority=self.authority)
        return None


async def long_term_status(
    sig: EmbeddedPdfSignature, roots: Sequence[x509.Certificate]
) -> LongTermStatus:
    """The long-term status of ``sig`` (see the module docstring), offline."""
    level = file_level(sig)
    stamped = signature_timestamp_time(sig)
    if level is Level.B_B or stamped is None:
        return LongTermStatus(Level.B_B, None, None, _(B_B_NOTE))
    if level is Level.B_T:  # no validation data in the file: nothing to show it with
        return LongTermStatus(level, None, stamped, _(B_T_NOTE))
    try:
        status = await async_validate_pdf_signature(
            sig,
            signer_validation_context=_dss_context(sig.reader, roots, stamped),
            ts_validation_context=_dss_context(sig.reader, roots, stamped),
            skip_diff=True,
        )
    except _READ_ERRORS as exc:
        return LongTermStatus(
            level, None, stamped, _("cannot be checked: {error}").format(error=exc)
        )
    if status.intact and status.valid and status.trusted:
        return LongTermStatus(level, True, stamped, "")
    if not (status.intact and status.valid):
        return LongTermStatus(level, False, stamped, _("the signed bytes were changed"))
    if status.revoked:
        return LongTermStatus(level, False, stamped, _(REVOKED))
    indic = status.trust_problem_indic
    name = str(indic.standard_name) if indic is not None else ""
    if name in ("EXPIRED", "NOT_YET_VALID", "OUT_OF_BOUNDS_NO_POE"):
        return LongTermStatus(level, False, stamped, _(OUT_OF_VALIDITY))
    if name == "NO_CERTIFICATE_CHAIN_FOUND":
        return LongTermStatus(level, None, stamped, _(NO_CHAIN))
    return LongTermStatus(
        level, None, stamped, _(NOT_ENOUGH).format(detail=name.replace("_", " ").lower())
    )


B_B_NOTE = N_(
    "no time stamp and no validation data: once the signer's certificate expires or is "
    "revoked, nobody can show that the signature was valid when it was made"
)
B_T_NOTE = N_(
    "time-stamped, but the file holds no validation data (OCSP responses or CRLs): once the "
    "signer's certificate expires or is revoked, nobody can show that it was not revoked "
    "when the signature was made"
)
REVOKED = N_("the certificate was revoked before the time stamp's time")
OUT_OF_VALIDITY = N_("the certificate was not valid at the time stamp's time")
NO_CHAIN = N_("the certificate does not lead to a root certificate you trust")
NOT_ENOUGH = N_("the validation data in the file does not show it ({detail})")


def signature_timestamp_time(sig: EmbeddedPdfSignature) -> dt.datetime | None:
    """The time of the signature's time stamp token (unchecked), or None without one."""
    attributes = sig.signer_info["unsigned_attrs"]
    if not attributes.native:
        return None
    for attribute in attributes:
        if attribute["type"].native != "signature_time_stamp_token":
            continue
        try:
            token = attribute["values"][0]["content"]
            info = token["encap_content_info"]["content"].parsed
            when = info["gen_time"].native
        except (*_READ_ERRORS, AttributeError):
            return None
        return when if isinstance(when, dt.datetime) else None
    return None


def file_level(sig: EmbeddedPdfSignature) -> Level:
    """The PAdES level the file's structure gives ``sig``: B-T with a signature time stamp,
    B-LT with revocation data in a DSS updated after the signature, B-LTA with a document
    time stamp at or after that DSS."""
    if signature_timestamp_time(sig) is None:
        return Level.B_B
    dss_revision = _dss_revision(sig.reader)
    if dss_revision is None or dss_revision <= sig.signed_revision:
        return Level.B_T
    stamps = [ts.signed_revision for ts in timestamp_signatures(sig.reader)]
    if any(revision >= dss_revision for revision in stamps):
        return Level.B_LTA
    return Level.B_LT


async def document_timestamps(
    reader: PdfFileReader, roots: Sequence[x509.Certificate]
) -> list[TimestampStatus]:
    """Every document time stamp of the file, checked against ``roots`` with the DSS's
    validation data at the stamp's own time, offline."""
    found = []
    for stamp in timestamp_signatures(reader):
        field = str(stamp.field_name)
        try:
            when = stamp.self_reported_timestamp
            context = _dss_context(reader, roots, when)
            status = await async_validate_pdf_timestamp(stamp, context, skip_diff=True)
        except _READ_ERRORS:
            found.append(TimestampStatus(field, None, False, False, "?"))
            continue
        found.append(
            TimestampStatus(
                field=field,
                time=status.timestamp,
                intact=bool(status.intact and status.valid),
                trusted=bool(status.trusted),
                authority=common_name(status.signing_cert.subject),
            )
        )
    return found


def timestamp_signatures(reader: PdfFileReader) -> list[EmbeddedPdfSignature]:
    """The document time stamps of the file that can be read (one that cannot is the
    signature report's to tell)."""
    found = []
    for name, value, ref in enumerate_sig_fields(reader, filled_status=True):
        if value is None:
            continue
        try:
            stamp = EmbeddedPdfSignature(reader, ref, name)
            if stamp.sig_object_type == "/DocTimeStamp":
                found.append(stamp)
        except _READ_ERRORS:
            continue
    return found


def describe(status: LongTermStatus) -> str:
    """The long-term status in one line of the report."""
    if status.valid_at_signing is True and status.proven_time is not None:
        return _(
            "valid when it was made ({time}, by its time stamp), as the validation data in "
            "the file shows without asking anyone"
        ).format(time=format_time(status.proven_time))
    if status.valid_at_signing is False:
        return _("NOT valid when it was made: {reason}").format(reason=status.reason)
    if status.level in (Level.B_B, Level.B_T):
        return status.reason
    return _("cannot be shown valid when it was made: {reason}").format(reason=status.reason)


def describe_timestamp(stamp: TimestampStatus) -> str:
    """A document time stamp in one line of the report."""
    return _("Document time stamp {field!r}: {time}, {state}, {trust} ({authority})").format(
        field=stamp.field,
        time=format_time(stamp.time) if stamp.time else _("unknown time"),
        state=_("intact") if stamp.intact else _("BROKEN"),
        trust=_("trusted") if stamp.trusted else _("NOT trusted"),
        authority=stamp.authority,
    )


def _dss_context(
    reader: PdfFileReader, roots: Sequence[x509.Certificate], moment: dt.datetime | None
) -> ValidationContext:
    """A validation context at ``moment`` with the DSS's certificates, OCSP responses and
    CRLs, trusting ``roots``, fetching nothing."""
    settings: dict[str, object] = {
        "trust_roots": list(roots),
        "allow_fetching": False,
        "moment": moment,
        "revocation_mode": "hard-fail",
        "retroactive_revinfo": True,
        "ocsps": [],
        "crls": [],
    }
    try:
        return DocumentSecurityStore.read_dss(reader).as_validation_context(settings)
    except NoDSSFoundError:
        return ValidationContext(**settings)  # type: ignore[arg-type]


def _dss_revision(reader: PdfFileReader) -> int | None:
    """The revision that last changed the DSS (the revision after the signature's holds
    validation data added for it), or None without a DSS holding OCSP responses or CRLs."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except (*_READ_ERRORS, NoDSSFoundError):
        return None
    if not (dss.ocsps or dss.crls):
        return None
    ref = reader.root.raw_get("/DSS")
    if not isinstance(ref, generic.IndirectObject):
        return int(reader.xrefs.total_revisions) - 1
    return int(reader.xrefs.get_last_change(ref.reference))
