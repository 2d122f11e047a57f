"""Long-term PAdES signatures: the levels above B-B, added when a signature is made.

- **B-B**: the signature alone. Once the signer's certificate expires or is revoked, nothing
  in the file shows that it was valid when the signature was made.
- **B-T**: a signature time stamp from a time-stamping authority (RFC 3161) inside the
  signature: proof that the signature existed at that time.
- **B-LT**: validation data in the packet's document security store (DSS), an incremental
  update after the signature: the certificates of the signer's and the TSA's chains and, for
  each certificate that names one, an OCSP response or a CRL fetched from its services
  after the signature was made (with a /VRI entry for the signature). With them the
  signature can be validated at its signing time from the file alone, offline, for as long
  as the algorithms hold.
- **B-LTA**: a document time stamp over all of it (a /DocTimeStamp in a field of its own),
  which keeps the validation data itself provable after the TSA's certificate expires.

Every revision is written with :class:`avtalsgen.signing.archival.ArchivalWriter`, so the
packet stays PDF/A-2b. The document time stamp's field is invisible, zero-sized and outside
the page's crop box, prints (PDF/A-2 forbids hidden annotations) and has an empty
appearance of its own (PDF/A-2 wants one on every widget); PDF/UA does not ask to tag an
annotation outside the crop box (see pyHanko's ``InvisSigSettings``).

Where the validation data comes from is a :class:`RevocationSources`: by default pyHanko's
validation context fetches it from the OCSP responders and CRL distribution points the
certificates name (AIA, CRL DP), over HTTP, with a failure to reach one an error
(hard-fail): a B-LT signature without its validation data would not be B-LT. Given CRLs
instead (``sign --crl FILE``, or the DEMO root's CRL, issued in process), nothing is
fetched and those CRLs go into the DSS.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from asn1crypto import crl, pem, x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields as pdf_fields
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    EmbeddedPdfSignature,
    collect_validation_info,
)
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InsufficientRevinfoError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)

from avtalsgen.errors import AvtalsgenError
from avtalsgen.i18n import _
from avtalsgen.signing.archival import ArchivalWriter
from avtalsgen.signing.names import common_name
from avtalsgen.signing.reading import pdf_reader


class Level(StrEnum):
    """The PAdES baseline levels, lowest first."""

    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"

    @property
    def rank(self) -> int:
        """0 for B-B up to 3 for B-LTA."""
        return list(Level).index(self)

    @property
    def needs_timestamp(self) -> bool:
        """Whether the level needs a time-stamping authority (B-T and above)."""
        return self.rank >= Level.B_T.rank

    @property
    def needs_validation_data(self) -> bool:
        """Whether the level needs validation data in the DSS (B-LT and above)."""
        return self.rank >= Level.B_LT.rank


TIMESTAMP_FIELD = "tidsstampel"
"""Document time stamps go into fields named ``tidsstampel-1``, ``tidsstampel-2``, ..."""
TIMESTAMP_FIELD_TITLE = "Dokumenttidsstämpel"
"""The time stamp field's description (/TU), as a screen reader or a form list shows it."""

_OUT_OF_BOUNDS = -9999  # the time stamp widget's corners: zero-sized, outside the crop box
_PRINT, _LOCKED = 4, 128  # annotation flags


class LongTermError(AvtalsgenError):
    """Validation data or a document time stamp could not be added; nothing was written."""


@dataclass(frozen=True)
class RevocationSources:
    """Where the validation data of B-LT and B-LTA comes from: without ``crls``, the OCSP
    responders and CRLs the certificates name, fetched over HTTP; with them, these CRLs
    alone, nothing fetched."""

    crls: tuple[crl.CertificateList, ...] = ()

    @property
    def fetch(self) -> bool:
        """Whether the services the certificates name are asked."""
        return not self.crls


def load_crls(paths: Sequence[Path]) -> RevocationSources:
    """The CRLs in the files ``paths`` (DER or PEM) as the revocation sources.

    Raises :class:`LongTermError` naming a file that cannot be read or holds no CRL.
    """
    found = []
    for path in paths:
        try:
            data = Path(path).read_bytes()
            if pem.detect(data):
                blobs = [der for _kind, _headers, der in pem.unarmor(data, multiple=True)]
            else:
                blobs = [data]
            for der in blobs:
                value = crl.CertificateList.load(der)
                value.native  # noqa: B018 - parses the whole list now, not when it is used
                found.append(value)
        except (OSError, ValueError, TypeError) as exc:
            raise LongTermError(
                _("{path}: not a certificate revocation list (CRL): {detail}").format(
                    path=path, detail=exc
                )
            ) from None
    return RevocationSources(tuple(found))


#: How far the revocation data of a signature made now may be dated after the moment its
#: check began (or before, for data about to expire). pyHanko's default, one second, sets
#: aside an OCSP answer that takes longer to arrive, or comes from a responder whose clock
#: is a little ahead: the check then rests on the CA's CRL alone, which may not list a
#: revocation of the last days yet. Five minutes is the clock skew that such protocols
#: commonly allow.
REVOCATION_TOLERANCE = dt.timedelta(minutes=5)


def signing_context(
    roots: Sequence[x509.Certificate],
    certs: Sequence[x509.Certificate],
    sources: RevocationSources = RevocationSources(),
) -> ValidationContext:
    """A validation context trusting ``roots``, with ``certs`` (the signer's chain) as
    intermediates, that requires the revocation status of every certificate that names a
    source (hard-fail), fetching it or taking it from ``sources``' CRLs."""
    return ValidationContext(
        trust_roots=list(roots),
        other_certs=list(certs),
        allow_fetching=sources.fetch,
        crls=list(sources.crls),
        revocation_mode="hard-fail",
        time_tolerance=REVOCATION_TOLERANCE,
    )


async def check_signer(
    cert: x509.Certificate, certs: Sequence[x509.Certificate], context: ValidationContext
) -> None:
    """Check that ``cert`` leads to a trusted root and is not revoked now, as its OCSP
    responder or CRL says (fetched into ``context``, for the DSS).

    Raises :class:`LongTermError` saying what is wrong: no chain, revoked, expired, or the
    revocation status could not be had.
    """
    name = common_name(cert.subject)
    validator = CertificateValidator(
        cert, intermediate_certs=list(certs), validation_context=context
    )
    try:
        await validator.async_validate_usage(set())  # type: ignore[no-untyped-call]
    except RevokedError as exc:
        raise LongTermError(
            _(
                "the certificate of {name} is revoked ({detail}): a signature made with it "
                "now is not valid, and is not made"
            ).format(name=name, detail=exc)
        ) from None
    except (ExpiredError, NotYetValidError) as exc:
        raise LongTermError(
            _("the certificate of {name} is not valid now: {detail}").format(name=name, detail=exc)
        ) from None
    except InsufficientRevinfoError as exc:
        raise LongTermError(
            _(
                "the revocation status of the certificate of {name} cannot be had ({detail}); "
                "B-LT and B-LTA need the OCSP responder or the CRL that the certificates name"
            ).format(name=name, detail=exc)
        ) from None
    except PathBuildingError:
        raise LongTermError(
            _(
                "the certificate of {name} does not lead to a root certificate you trust: "
                "name the root with --trust (B-LT and B-LTA collect the validation data of "
                "the whole chain)"
            ).format(name=name)
        ) from None
    except PathValidationError as exc:
        raise LongTermError(
            _("the certificate of {name} cannot be validated: {detail}").format(
                name=name, detail=exc
            )
        ) from None


async def add_validation_data(
    data: bytes,
    field_name: str,
    roots: Sequence[x509.Certificate],
    certs: Sequence[x509.Certificate],
    when: dt.datetime,
    sources: RevocationSources = RevocationSources(),
) -> bytes:
    """``data`` with the validation data of the signature in ``field_name`` (its signer's
    and its time stamp's chains, with OCSP responses and CRLs fetched now, after the
    signature, or ``sources``' CRLs) added to the DSS in an incremental update, with a /VRI
    entry.

    Raises :class:`LongTermError` when a chain cannot be validated or the revocation data
    cannot be fetched.
    """
    reader = pdf_reader(data)
    signature = None
    for name, value, ref in pdf_fields.enumerate_sig_fields(reader, with_name=field_name):
        if name == field_name and value is not None:
            signature = EmbeddedPdfSignature(reader, ref, name)
    if signature is None:
        raise LongTermError(_("field {field!r} holds no signature").format(field=field_name))
    # A fresh context: revocation data from after the signature.
    context = signing_context(roots, certs, sources)
    try:
        paths = await collect_validation_info(signature, context)
    except (PathBuildingError, PathValidationError) as exc:
        raise LongTermError(
            _("the validation data of the signature cannot be collected: {detail}").format(
                detail=exc
            )
        ) from None
    finally:
        await context.aclose()  # type: ignore[no-untyped-call]
    writer = ArchivalWriter(io.BytesIO(data))
    writer.when = when
    DocumentSecurityStore.supply_dss_in_writer(
        writer,
        signature.pkcs7_content.hex().encode("ascii"),
        paths=paths,
        validation_context=context,
    )
    output = io.BytesIO()
    writer.write(output)  # type: ignore[no-untyped-call]
    return output.getvalue()


async def add_document_timestamp(data: bytes, timestamper: TimeStamper, when: dt.datetime) -> bytes:
    """``data`` with a document time stamp (PAdES B-LTA) over the whole file, in a new
    invisible field (see the module docstring), in an incremental update.

    Raises :class:`LongTermError` when the time-stamping authority fails.
    """
    writer = ArchivalWriter(io.BytesIO(data))
    writer.when = when
    name = _timestamp_field_name(writer)
    _add_timestamp_field(writer, name)
    output = io.BytesIO()
    try:
        await PdfTimeStamper(timestamper, field_name=name).async_timestamp_pdf(
            writer, "sha256", output=output
        )
    except TimestampRequestError as exc:
        raise LongTermError(
            _("the time-stamping authority failed: {detail}").format(detail=exc)
        ) from exc
    except (PyHankoSigningError, PdfError) as exc:
        raise LongTermError(
            _("the document time stamp cannot be added: {detail}").format(detail=exc)
        ) from exc
    return output.getvalue()


def _timestamp_field_name(writer: ArchivalWriter) -> str:
    names = {name for name, _value, _ref in pdf_fields.enumerate_sig_fields(writer)}
    number = 1
    while f"{TIMESTAMP_FIELD}-{number}" in names:
        number += 1
    return f"{TIMESTAMP_FIELD}-{number}"


def _add_timestamp_field(writer: ArchivalWriter, name: str) -> None:
    """An empty signature field ``name`` on the first page, outside its crop box, that
    prints and has an empty appearance (see the module docstring)."""
    pdf_fields.append_signature_field(
        writer,
        pdf_fields.SigFieldSpec(
            sig_field_name=name,
            on_page=0,
            readable_field_name=TIMESTAMP_FIELD_TITLE,
            invis_sig_settings=pdf_fields.InvisSigSettings(
                set_print_flag=True, set_hidden_flag=False, box_out_of_bounds=True
            ),
        ),
    )
    for field_name, _value, ref in pdf_fields.enumerate_sig_fields(writer):
        if field_name != name:
            continue
        widget = ref.get_object()
        if "/Kids" in widget:
            widget = widget["/Kids"][0].get_object()
        widget["/F"] = generic.NumberObject(_PRINT | _LOCKED)  # type: ignore[no-untyped-call]
        corner = generic.NumberObject(_OUT_OF_BOUNDS)  # type: ignore[no-untyped-call]
        widget["/Rect"] = generic.ArrayObject([corner] * 4)
        widget["/AP"] = _dictionary({"/N": writer.add_object(_empty_appearance())})
        writer.update_container(widget)
        return
    raise LongTermError(_("the time stamp field {field!r} was not made").format(field=name))


def _empty_appearance() -> generic.StreamObject:
    """A form XObject that draws nothing, on a zero-sized box."""
    zero = generic.NumberObject(0)  # type: ignore[no-untyped-call]
    return generic.StreamObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/XObject"),
            generic.NameObject("/Subtype"): generic.NameObject("/Form"),
            generic.NameObject("/BBox"): generic.ArrayObject([zero] * 4),
            generic.NameObject("/Resources"): _dictionary({}),
        },
        stream_data=b"",
    )


def _dictionary(entries: dict[str, generic.PdfObject]) -> generic.DictionaryObject:
    return generic.DictionaryObject(  # type: ignore[no-untyped-call]
        {generic.NameObject(key): value for key, value in entries.items()}
    )
