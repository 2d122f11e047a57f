"""Signing with the server's key at a PAdES level chosen, as ``avtalsgen sign --niva``: the
key, the levels with what each means to the archive, the level offered first, why the
server cannot reach a level, and the signature itself. The sign page of a packet and the
certification of a protocol extract both use it, and the template partial levels.html."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from avtalsgen.i18n import N_
from avtalsgen.signing.levels import LEVELS
from avtalsgen.web.config import WebConfig

if TYPE_CHECKING:
    from avtalsgen.signing.keys import KeyChoice
    from avtalsgen.signing.sign import OpenKey, SignResult
    from avtalsgen.signing.verify import VerificationReport

#: What each level means to the archive (shown with its choice).
LEVEL_HELP = {
    "B-B": N_(
        "The signature and the signer's certificate only. Once the certificate has expired "
        "or been revoked, nobody can show that the signature was made while it was valid."
    ),
    "B-T": N_(
        "B-B with a time stamp from a time-stamping authority: shows that the signature "
        "existed at that time, whatever the signer's computer said."
    ),
    "B-LT": N_(
        "B-T with the validation data (the certificate chain and revocation lists) embedded: "
        "the signature can be checked without asking those services, even after they are "
        "gone."
    ),
    "B-LTA": N_(
        "B-LT with a document time stamp over it all, which the archive can renew before the "
        "algorithms weaken: for documents to be kept for a long time."
    ),
}


def trusted_roots() -> list[Path]:
    """The roots the server trusts, as ``avtalsgen sign`` and ``verify`` do: the CA
    certificates named in AVTALSGEN_TRUST (the region's seal's CA), and the DEMO PKI's
    root, where it exists."""
    from avtalsgen.signing.pki import default_demo_pki_dir
    from avtalsgen.signing.trust import trust_from_environment

    root = default_demo_pki_dir() / "root.pem"
    return [*trust_from_environment(), *([root] if root.is_file() else [])]


def server_key(config: WebConfig, role: str) -> tuple[Any, list[Path], bool]:
    """The server's key (the region's seal when configured, else the DEMO key for ``role``),
    the roots its report trusts, and whether it is the DEMO key."""
    from avtalsgen.signing.pki import ensure_demo_pki, ensure_demo_signer
    from avtalsgen.signing.sign import Pkcs12Key

    roots = trusted_roots()
    if config.seal_p12 is not None:
        passphrase = os.environ.get(config.seal_passphrase_env, "")
        return Pkcs12Key(config.seal_p12, passphrase.encode()), roots, False
    pki = ensure_demo_pki()
    signer = ensure_demo_signer(pki, role)
    return Pkcs12Key(signer.pkcs12, signer.passphrase), [*roots, pki.root_cert], True


def seal_keys(config: WebConfig) -> tuple[str, ...]:
    """The key of the server's seal (:func:`avtalsgen.signing.parties.key_id`), the
    region's whatever its certificate's organisation; none without a seal, or when it
    cannot be opened."""
    from avtalsgen.signing.parties import source_key

    if config.seal_p12 is None:
        return ()
    key, _roots, _demo = server_key(config, "region")
    found = source_key(key)
    return (found,) if found else ()


def default_level(config: WebConfig) -> str:
    """The level offered first: B-T when a time-stamping authority is set, else B-B (as
    ``avtalsgen sign`` chooses without ``--niva``)."""
    return "B-T" if config.tsa_url else "B-B"


def level_problem(config: WebConfig, level: str) -> str | None:
    """Why ``level`` cannot be signed at with the server's key and settings, if it cannot."""
    from avtalsgen.i18n import _

    if level not in LEVELS:
        return _("Choose one of the levels {levels}.").format(levels=", ".join(LEVELS))
    if level != "B-B" and config.seal_p12 is not None and not config.tsa_url:
        return _(
            "{level} needs a time stamp, and this server has no time-stamping authority set "
            "(avtalsgen serve --tsa, or {variable}). Choose B-B, or ask whoever runs the "
            "server to set one."
        ).format(level=level, variable="AVTALSGEN_TSA_URL")
    return None


def level_context(config: WebConfig, level: str, error: str | None) -> dict[str, Any]:
    """What the partial levels.html shows: each level with its help text and whether this
    server can reach it, the level chosen, the error at its field, and the server's key,
    time-stamping authority and CRL files."""
    from avtalsgen.i18n import _

    unreachable = _("Not with this server: it has no time-stamping authority set.")
    levels = [
        {"value": value, "help": _(LEVEL_HELP[value]),
         "note": unreachable if level_problem(config, value) else None}
        for value in LEVELS
    ]  # fmt: skip
    return {"levels": levels, "level": level, "error": error, "demo": config.seal_p12 is None,
            "tsa": config.tsa_url, "crls": [path.name for path in config.crls]}  # fmt: skip


def seal_refusal(config: WebConfig, field: str) -> str | None:
    """Why the server's key may not sign ``field``, if it may not: the region's seal never
    signs the actor's field (it made a packet look signed by both parties when the actor
    had not signed it). The DEMO key has a DEMO key of its own for the actor."""
    from avtalsgen.i18n import _
    from avtalsgen.signing.parties import ACTOR_FIELD

    if config.seal_p12 is None or field != ACTOR_FIELD:
        return None
    return _(
        "This server's key is the region's seal, and the field aktör is the actor's: the "
        "actor signs it with a key of its own (its signatory's e-ID or card), on the command "
        "line with avtalsgen sign --field aktor and that key. A signature with the region's "
        "seal there would make the packet look signed by both parties when the actor has "
        "not signed it. Nothing was signed."
    )


def key_choice(config: WebConfig, role: str) -> KeyChoice:
    """The server's key for ``role`` (:func:`server_key`) as the signing takes it."""
    from avtalsgen.signing.keys import KeyChoice

    source, roots, demo = server_key(config, role)
    return KeyChoice(source, role, tuple(roots), demo)


def sign_at_level(
    config: WebConfig, pdf: Path, field: str, role: str, level: str, scratch: Path
) -> VerificationReport:
    """:func:`signed_at_level` with the server's key opened for this one file: the signed
    file's verification."""
    report = signed_at_level(config, pdf, field, role, level, scratch).report
    assert report is not None  # require_trusted verifies it
    return report


def signed_at_level(
    config: WebConfig,
    pdf: Path,
    field: str,
    role: str,
    level: str,
    scratch: Path,
    *,
    opened: tuple[KeyChoice, OpenKey] | None = None,
) -> SignResult:
    """Sign ``field`` of ``pdf`` in place with the server's key at ``level``, as ``avtalsgen
    sign --niva`` does (the time-stamping authority and CRL files from the server's
    settings; the DEMO key reaches every level offline; a file that still shows unknown
    facts is refused with either key, as ``avtalsgen sign`` refuses it without
    ``--ofullstandig``; a packet superseded or out of date is refused as
    :func:`avtalsgen.build.superseded.refuse_unsignable` says); what was signed, with the
    signed file's verification against the roots the server trusts (made before it was
    moved into place). ``opened``: the server's key (:func:`key_choice`) as the signing of
    many packets opened it once (:func:`avtalsgen.signing.sign.open_key`); None: opened
    for this packet. The caller holds the output folder's session."""
    from avtalsgen.build.superseded import refuse_unsignable
    from avtalsgen.signing.demo import refuse_demo_certification
    from avtalsgen.signing.keys import revocation_sources, timestamp_source
    from avtalsgen.signing.parties import RegionKeyError
    from avtalsgen.signing.sign import sign_packet

    if (refused := seal_refusal(config, field)) is not None:
        raise RegionKeyError(refused)

    # As `avtalsgen sign`: nothing is signed in a packet without an agreement to sign,
    # superseded, or out of date (the next build makes it anew), as the server's builds
    # see it (its templates): the review found the web signing what the command line
    # refused.
    refuse_unsignable(pdf, templates=config.templates)
    if config.seal_p12 is None:  # the DEMO key certifies no real meeting's extract
        refuse_demo_certification(pdf, field, server=True)
    chosen, key = opened if opened is not None else (key_choice(config, role), None)
    result = sign_packet(pdf, pdf, field, key or chosen.key, role=role,
                         timestamp_url=config.tsa_url,
                         timestamper=timestamp_source(chosen, level, config.tsa_url),
                         level=level, trust_roots=chosen.roots,
                         revocation=revocation_sources(chosen, config.crls), overwrite=True,
                         scratch=scratch, allow_incomplete=False,
                         require_trusted=True,
                         seal=config.seal_p12 is not None)  # fmt: skip
    assert result.report is not None  # require_trusted verifies it
    return result
