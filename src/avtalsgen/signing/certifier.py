"""Whose key may certify a protocol extract (its field ``utdragsbestyrkande``), and what the
visible signature then says of the signer.

The secretary certifies that an extract agrees with the minutes; done digitally, it is the
secretary's electronic signature on the extract, or the region's seal's. The extract's page
says "Bestyrks av: <the meeting's secretary>, sekreterare". So a certificate certifies
only when its organisation is the region's (as :mod:`avtalsgen.signing.parties` tells it
for packets) and it is

- the secretary's: its name holds every word of the secretary the extract's record names
  (the visible signature then says "Sekreterare"), or
- the region's seal: its name holds the region's name ("Region Norrbotten sigill"; the
  visible signature then gives that name alone: a seal is no secretary).

Another person of the region is refused too: the page names the meeting's secretary, and
a signature of someone else under it would contradict it (a deputy who certifies is named
as the meeting's secretary first, and the extract made again). DEMO certificates are
judged by :mod:`avtalsgen.signing.demo` (an example meeting's extract only), as before.

``sign`` (the command line and the web app) asks :func:`judge` before anything is signed.
"""

from __future__ import annotations

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
        raise CertifierError(
            _l(
                "{file}: not certified: {problem}. Nothing was signed.",
                file=extract,
                problem=problem,
            )
        )
    if _is_demo(cert):
        return Certifier(signer, "" if seal else role)
    secretary = _secretary(extract)
    if secretary and not names_differ(signer, secretary):
        return Certifier(signer, SECRETARY_ROLE)
    return Certifier(signer, "")


def _problem(extract: Path, cert: x509.Certificate) -> str | None:
    """Why ``cert`` may not certify the extract at ``extract``, in words; None if it may."""
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
        return _(
            "the key of {signer} is not the region's ({whose}): an extract is certified by "
            "the region, with the key of its secretary ({secretary}) or the region's seal "
            "(--p12 FILE, or --pkcs11-lib with --token and --key)"
        ).format(signer=signer, whose=whose, secretary=named)
    if secretary and not names_differ(signer, secretary):
        return None
    if any(not names_differ(signer, name) for name in region):
        return None  # the region's seal: its name is the region's
    return _(
        "{signer} is not the secretary the extract names ({secretary}), and the extract "
        "says it is certified by {secretary}: certify it with {secretary}'s key or the "
        "region's seal; if {signer} is the meeting's secretary, name {signer} as "
        "sekreterare in the meeting's file and make the extract again (avtalsgen utdrag)"
    ).format(signer=signer, secretary=named)


def _secretary(extract: Path) -> str:
    """The secretary the extract's record names for the version that made it ("" if none)."""
    from avtalsgen.signing.demo import extract_facts

    facts = extract_facts(extract)
    named = facts.get("sekreterare") if facts is not None else None
    return named if isinstance(named, str) else ""


def _is_demo(cert: x509.Certificate) -> bool:
    from avtalsgen.signing.pki import is_demo_certificate

    return is_demo_certificate(common_name(cert.subject), common_name(cert.issuer))
