"""The signed file written and checked beside its target, then moved into place: never a
half-written or unchecked signed packet.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from pyhanko.sign import fields as pdf_fields

from avtalsgen.build.workspace import atomic_write, place
from avtalsgen.errors import (
    OutputError,
    os_reason,
)
from avtalsgen.i18n import _, _l
from avtalsgen.pdf.pdfa import check_pdfa_structure, parse_pdf_date
from avtalsgen.signing.keysource import SigningError
from avtalsgen.signing.reading import pdf_reader
from avtalsgen.signing.verify import VerificationReport


def reported_time(report: VerificationReport | None, field_name: str) -> dt.datetime | None:
    """The signing time of ``field_name``'s signature as the verification of the signed
    file read it (None without one): the same time pyHanko wrote into its /M, so the file
    is not read a second time for it (some 12 % of a signature's CPU in a batch)."""
    found = [sig for sig in report.signatures if sig.field == field_name] if report else []
    return found[-1].signing_time if found else None


def signing_time(data: bytes, field_name: str) -> dt.datetime | None:
    """The signing time (/M) pyHanko wrote into the signature of ``field_name``."""
    reader = pdf_reader(data)
    for name, value, _path in pdf_fields.enumerate_sig_fields(reader, with_name=field_name):
        if name == field_name and value is not None:
            when = value.get_object().get("/M")
            return parse_pdf_date(str(when)) if when is not None else None
    return None


def trusted_check(
    field_name: str, signer: str, roots: Sequence[Path], target: Path
) -> Callable[[Path], VerificationReport]:
    """A check of the signed file before it is moved into place: its verification (against
    ``roots``), in which the signature of ``field_name`` must lead to one of ``roots``."""

    def check(made: Path) -> VerificationReport:
        from avtalsgen.signing.verify import verify_packet

        report = verify_packet(made, roots)
        untrusted = [
            sig.trust
            for sig in report.signatures
            if sig.field == field_name and not sig.trusted and not sig.problems
        ]
        if untrusted:
            why = untrusted[0]
            raise SigningError(
                _l(
                    "{file}: not signed: the certificate of {signer} cannot be traced to "
                    "a root certificate you trust ({why}). A signature the receiver "
                    "cannot validate is worse than none, so nothing was written: {file} "
                    "is as it was. Name the certificate of the CA that issued it with "
                    "--trust (repeatable), or once for every signing in "
                    "AVTALSGEN_TRUST, and sign again.",
                    file=target,
                    signer=signer,
                    why=why,
                )
            )
        return dataclasses.replace(report, path=target)

    return check


def write_checked(
    data: bytes,
    target: Path,
    overwrite: bool,
    scratch: Path | None,
    check: Callable[[Path], VerificationReport] | None = None,
    *,
    before: bytes | None = None,
) -> VerificationReport | None:
    """Write ``data`` in ``scratch`` (or beside ``target``), check it is PDF/A (and with
    ``check``, which verifies it and raises what it finds), then move it into place and
    check that the file in place is the file checked (its size and SHA-256); the
    verification ``check`` made, if any.

    A file in place that is not the file checked is taken away again: ``before`` (the
    target's earlier bytes, when signed in place) is put back, else it is removed."""
    try:
        folder = Path(tempfile.mkdtemp(prefix=".avtalsgen-sign-", dir=scratch or target.parent))
    except OSError as exc:
        raise OutputError(
            _("{file}: cannot write the signed file: {reason}").format(
                file=target, reason=os_reason(exc)
            )
        ) from exc
    made = folder / target.name
    report = None
    try:
        atomic_write(made, data)
        # The verification checks the PDF/A structure too: one reading of it, not two.
        report = check(made) if check is not None else None
        problems = list(report.pdfa_problems) if report else check_pdfa_structure(made)
        if problems:
            raise SigningError(
                _l(
                    "{file}: the signed file would not be PDF/A-2b: {problems}",
                    file=target,
                    problems="; ".join(problems),
                )
            )
        place(made, target, replace=overwrite)  # never overwrite unless asked
        if _digest(target) != _digest_of(data):
            _take_back(target, before)
            raise SigningError(
                _l(
                    "{file}: the file in place is not the signed file checked; it was "
                    "taken back: sign again",
                    file=target,
                )
            )
    except FileExistsError:
        raise SigningError(
            _l("{file}: already exists; refusing to overwrite it", file=target)
        ) from None
    except OSError as exc:
        raise OutputError(
            _("{file}: cannot write the signed file: {reason}").format(
                file=target, reason=os_reason(exc)
            )
        ) from exc
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return report


def _digest(path: Path) -> tuple[int, bytes]:
    """The size and SHA-256 of the file at ``path``."""
    with path.open("rb") as file:
        return _digest_of(file.read())


def _digest_of(data: bytes) -> tuple[int, bytes]:
    return len(data), hashlib.sha256(data).digest()


def _take_back(target: Path, before: bytes | None) -> None:
    """Put ``before`` back at ``target`` (signed in place), else remove ``target``."""
    if before is not None:
        atomic_write(target, before)
    else:
        target.unlink(missing_ok=True)
