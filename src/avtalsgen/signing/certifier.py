"""Whose key may certify a protocol extract (its field ``utdragsbestyrkande``), and what the
visible signature then says of the signer.

The secretary certifies that an extract agrees with the minutes; done digitally, it is the
secretary's electronic signature on the extract, or the region's seal's. The extract's page
says "Bestyrks av: <the meeting's secretary>, sekreterare". So a certificate certifies
only when its organisation is the region's (as :mod:`avtalsgen.signing.parties` tells it
for packets) and it is

- the secretary's: its name holds every word of the secretary the extract's record names
  (the visible signature then says "Sekreterare"), or
- the region's seal: its name begins with the region's name ("Region Norrbotten sigill")
  and names no person (no given name or surname in its subject); the visible signature
  then gives that name alone: a seal is no secretary.

Another person of the region is refused too: the page names the meeting's secretary, and
a signature of someone else under it would contradict it (a deputy who certifies is named
as the meeting's secretary first, and the extract made again). DEMO certificates are
judged by :mod:`avtalsgen.signing.demo` (an example meeting's extract only), as before.

``sign`` (the command line and the web app) asks :func:`judge` before anything is signed;
``status``, ``expediera``, ``publicera``, ``verify`` and the web app's meeting page count an
extract as certified only when :func:`signed_certification_problem` finds nothing wrong
(an extract certified otherwise before this check existed: its field cannot be signed
again, so a new version of the extract is made and certified: :func:`not_counted`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509

from avtalsgen.i18n import _, _l
from avtalsgen.signing.keysource import KeyUnusable
from avtalsgen.signing.names import common_name
from avtalsgen.signing.parties import is_region_organisation, names_differ, organisations

#: The role the visible signature gives the secretary.
SECRETARY_ROLE = "Sekreterare"


class CertifierError(KeyUnusable):
    """The key may not certify the extract: nothing was signed. It stops a signing of many
    extracts at once, as a key that cannot sign does."""


@dataclass(frozen=True)
class Certifier:
    """Who certifies: the signer's name (from the certificate) and the role the visible
    signature states ("" for the seal)."""

    signer: str
    role: str


def judge(extract: Path, cert: x509.Certificate, role: str, *, seal: bool = False) -> Certifier:
    """Who ``cert`` is as the certifier of the protocol extract at ``extract``: the
    secretary (role "Sekreterare") or the region's seal (no role); a DEMO certificate keeps
    ``role`` (``seal``: the web server's seal, which states no role).

    Raises :class:`CertifierError` (before anything is signed) when ``cert`` is neither."""
    signer = common_name(cert.subject)
    problem = _problem(extract, cert)
    if problem is not None:
        why, instead = problem
        raise CertifierError(
            _l(
                "{file}: not certified: {problem}. {instead}. Nothing was signed.",
                file=extract,
                problem=why,
                instead=instead,
            )
        )
    if _is_demo(cert):
        return Certifier(signer, "" if seal else role)
    secretary = _secretary(extract)
    if secretary and not names_differ(signer, secretary):
        return Certifier(signer, SECRETARY_ROLE)
    return Certifier(signer, "")


def signed_certification_problem(extract: Path, data: bytes | None = None) -> str | None:
    """Why the certification of the protocol extract at ``extract`` (its bytes ``data``,
    if read already) does not count: the certificate that signed its field
    ``utdragsbestyrkande`` may not certify it (:func:`judge`); None when the field is not
    signed (said otherwise) or its certification counts."""
    cert = certifier_certificate(extract, data)
    if cert is None:
        return None
    problem = _problem(extract, cert)
    return None if problem is None else problem[0]


def not_counted(problem: str, extract: str, version: int | None, command: str) -> str:
    """What to say of the extract ``extract`` (its version ``version``) whose certification
    does not count for ``problem`` (:func:`signed_certification_problem`): that it counts as
    not certified, and how a certified one comes; ``command`` makes the extract again."""
    said = _(
        "{extract} is certified with a key that may not certify it: {problem}; so it counts "
        "as not certified, and its field cannot be signed again"
    ).format(extract=extract, problem=problem)
    if version != 1:
        return _(
            "{said}. A version of the extract certified with the secretary's key or the "
            "region's seal is needed"
        ).format(said=said)
    return _(
        "{said}. Move it out of the output folder, keeping it, with the .docx and .json of the "
        "same name beside it, make it again with {command} and certify it with the "
        "secretary's key or the region's seal"
    ).format(said=said, command=command)


def certifier_certificate(extract: Path, data: bytes | None = None) -> x509.Certificate | None:
    """The signer's certificate of the field ``utdragsbestyrkande`` of the PDF at
    ``extract`` (its bytes ``data``, if read already); None when it is not signed or cannot
    be read."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation import EmbeddedPdfSignature

    from avtalsgen.meetings.extract import SIGNATURE_FIELD
    from avtalsgen.signing.reading import pdf_reader

    try:
        reader = pdf_reader(extract.read_bytes() if data is None else data)
        for name, value, ref in enumerate_sig_fields(reader, filled_status=True):
            if name == SIGNATURE_FIELD and value is not None:
                return EmbeddedPdfSignature(reader, ref, name).signer_cert
    except (OSError, PdfError, ValueError, KeyError, TypeError):
        return None
    return None


def _problem(extract: Path, cert: x509.Certificate) -> tuple[str, str] | None:
    """Why ``cert`` may not certify the extract at ``extract``, and what certifies it
    instead, in words; None if it may. Where the extract's record names no secretary (a
    copy, a file outside an output folder), a person of the region is not refused."""
    from avtalsgen.signing.parties import parties_of

    if _is_demo(cert):
        return None
    signer = common_name(cert.subject)
    names = organisations(cert)
    region = parties_of(extract).region
    secretary = _secretary(extract)
    named = secretary or _("the meeting's secretary")
    if not is_region_organisation(names, region):
        whose = (
            _("a certificate of {org}").format(org=names[0])
            if names
            else _("a certificate that names no organisation")
        )
        why = _(
            "the key of {signer} is not the region's ({whose}): an extract is certified by "
            "the region, with the key of its secretary ({secretary}) or the region's seal"
        ).format(signer=signer, whose=whose, secretary=named)
        return why, _("Certify it with one of those: --p12 FILE, or --pkcs11-lib with --token "
                      "and --key")  # fmt: skip
    if not secretary or not names_differ(signer, secretary):
        return None
    if _is_seal(cert, region):
        return None
    why = _(
        "{signer} is not the secretary the extract names ({secretary}), and the extract "
        "says it is certified by {secretary}"
    ).format(signer=signer, secretary=named)
    return why, _(
        "Certify it with {secretary}'s key or the region's seal; if {signer} is the "
        "meeting's secretary, name {signer} as sekreterare in the meeting's file and make "
        "the extract again (avtalsgen utdrag)"
    ).format(signer=signer, secretary=named)


def _is_seal(cert: x509.Certificate, region: Sequence[str]) -> bool:
    """Whether ``cert`` (of the region's organisation) is the region's seal: its name begins
    with the region's ("Region Norrbotten sigill") and its subject names no person (no given
    name or surname, as an organisation's seal has none). A person's certificate whose name
    merely holds the region's words ("Erik Andersson Region Norrbotten", review21) is not."""
    subject = cert.subject.native
    if subject.get("given_name") or subject.get("surname"):
        return False
    words = common_name(cert.subject).casefold().split()
    return any(
        words[: len(name.split())] == name.casefold().split() for name in region if name.split()
    )


def _secretary(extract: Path) -> str:
    """The secretary the extract's record names for the version that made it ("" if none)."""
    from avtalsgen.signing.demo import extract_facts

    facts = extract_facts(extract)
    named = facts.get("sekreterare") if facts is not None else None
    return named if isinstance(named, str) else ""


def _is_demo(cert: x509.Certificate) -> bool:
    from avtalsgen.signing.pki import is_demo_certificate

    return is_demo_certificate(common_name(cert.subject), common_name(cert.issuer))
