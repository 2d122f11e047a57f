"""Whether a document is an example's, and whether its signature is the DEMO key's.

The DEMO key signs when no key is given (``avtalsgen sign`` without ``--p12`` or
``--pkcs11-lib``, the web app without the region's seal): right for the shipped examples,
never valid for real use. A real (non-example) meeting's extract certified with it is not
certified for real: ``expediera``, ``publicera`` and the web app's certification refuse to
count it as certified, as ``expediera`` refuses the examples' sender address for a real
meeting; ``sign`` says so when it used the DEMO key on a real case's or meeting's file.
"""

from __future__ import annotations

from pathlib import Path


def is_example(pdf: Path) -> bool | None:
    """Whether the document at ``pdf`` in a case's output folder is an example's: a
    protocol extract by its record (the version that made it: ``fakta.exempel``, the
    meeting's ``exempel``), another file (a packet) by the case its folder's build record
    names (``exempel``); None when that cannot be told."""
    from avtalsgen.build.workspace import EXTRACT, parse_versioned

    parsed = parse_versioned(pdf.name)
    if parsed is not None and parsed[0].startswith(f"{EXTRACT}-"):
        facts = extract_facts(pdf)
        example = facts.get("exempel") if facts is not None else None
        return example if isinstance(example, bool) else None
    from avtalsgen.build.recorded import recorded_history

    recorded = recorded_history(pdf.parent) if pdf.parent.is_dir() else None
    return None if recorded is None else recorded.case.arende.exempel


def extract_facts(pdf: Path) -> dict[str, object] | None:
    """The facts (``fakta``) the record of the protocol extract at ``pdf`` holds for the
    version that made it (its meeting's ``exempel``, its ``sekreterare``, …); None when
    that cannot be told (not an extract, no record, the file not in it)."""
    from avtalsgen.build.workspace import EXTRACT, parse_versioned
    from avtalsgen.errors import AvtalsgenError
    from avtalsgen.meetings.extract import read_record, record_path

    parsed = parse_versioned(pdf.name)
    if parsed is None or not parsed[0].startswith(f"{EXTRACT}-"):
        return None
    paragraf = parsed[0].removeprefix(f"{EXTRACT}-")
    if not paragraf.isdigit():
        return None
    try:
        record = read_record(record_path(pdf.parent, int(paragraf)))
    except (AvtalsgenError, OSError, ValueError):
        return None
    for version in (record or {}).get("versioner") or []:
        if isinstance(version, dict) and pdf.name in (version.get("filer") or []):
            facts = version.get("fakta")
            return dict(facts) if isinstance(facts, dict) else None
    return None


def signed_with_demo(pdf: Path, field: str) -> bool:
    """Whether the signature field ``field`` of the PDF at ``pdf`` is signed with a DEMO
    certificate (its signer's or issuer's common name says DEMO); False when it is not
    signed, or with another key, or the file cannot be read."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation import EmbeddedPdfSignature

    from avtalsgen.signing.names import common_name
    from avtalsgen.signing.pki import is_demo_certificate
    from avtalsgen.signing.reading import pdf_reader

    try:
        reader = pdf_reader(pdf.read_bytes())
        for name, value, ref in enumerate_sig_fields(reader, filled_status=True):
            if name != field or value is None:
                continue
            cert = EmbeddedPdfSignature(reader, ref, name).signer_cert
            return is_demo_certificate(common_name(cert.subject), common_name(cert.issuer))
    except (OSError, PdfError, ValueError, KeyError, TypeError):
        return False
    return False


def demo_certified_real(pdf: Path, field: str) -> bool:
    """Whether ``pdf`` is a real (non-example) document whose ``field`` the DEMO key
    signed: not certified for real."""
    return signed_with_demo(pdf, field) and is_example(pdf) is False


def refuse_demo_certification(pdf: Path, field: str, *, server: bool = False) -> None:
    """Refuse to certify (the field utdragsbestyrkande) the protocol extract at ``pdf``
    with the DEMO key when its meeting is not an example: expediera and publicera would not
    count the certification, and the field, once signed, cannot be signed again. ``server``:
    the web app's certification, whose key the server's settings choose.

    Raises :class:`avtalsgen.signing.keysource.SigningError`."""
    from avtalsgen.i18n import _l
    from avtalsgen.meetings.extract import SIGNATURE_FIELD
    from avtalsgen.signing.keysource import SigningError

    if field != SIGNATURE_FIELD or is_example(pdf) is not False:
        return
    if server:
        raise SigningError(
            _l(
                "{file} is an extract of a meeting that is not an example, and this server "
                "has no key of the region's (its seal): the DEMO key's certification is not "
                "valid for real use, and expediting and publishing would not count it. Ask "
                "whoever runs the server to give it the region's seal (avtalsgen serve "
                "--seal-p12), or certify the extract on the command line with the "
                "secretary's key. Nothing was signed.",
                file=pdf.name,
            )
        )
    raise SigningError(
        _l(
            "{file}: not signed: the extract is of a meeting that is not an example, and no "
            "key was given, so the DEMO key would certify it: a certification that is not "
            "valid for real use, which expediera and publicera do not count, in a field that "
            "cannot be signed again. Certify it with the secretary's key or the region's seal: "
            "--p12 FILE, or --pkcs11-lib with --token and --key. Nothing was signed.",
            file=pdf,
        )
    )


def demo_warning(pdf: Path) -> str | None:
    """What ``sign`` says after the DEMO key signed the document at ``pdf``, when it is a
    real (non-example) case's or meeting's: that no key was given and the signature is not
    valid for real use; None for an example's, or where that cannot be told."""
    from avtalsgen.i18n import _

    if is_example(pdf) is not False:
        return None
    return _(
        "warning: no key was given (--p12 or --pkcs11-lib), so the DEMO key signed {file}: "
        "the signature is not valid for real use, and the case is not an example"
    ).format(file=pdf)
