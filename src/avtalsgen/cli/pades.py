"""The options that say how long-term a signature is, ``--tsa`` and ``--crl``, and which
roots it must lead to, ``--trust``.

``avtalsgen sign`` and ``avtalsgen serve`` (whose sign page signs as ``sign`` does) take
``--tsa`` and ``--crl`` alike, ``sign`` and ``verify`` take ``--trust``, each from the
command line or the environment (a signer with a smart card sets the region's CA once).
Their help texts are translated as the command line is defined, as the others are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from avtalsgen.i18n import _
from avtalsgen.signing.trust import TRUST_ENV

#: The environment variables that name the time-stamping authority and the CRL files.
TSA_ENV = "AVTALSGEN_TSA_URL"
CRL_ENV = "AVTALSGEN_CRL"

TsaOption = Annotated[
    str | None,
    typer.Option(
        "--tsa",
        help=_("Timestamp server URL (makes PAdES B-T); by default {variable}.").format(
            variable=TSA_ENV
        ),
        metavar="URL",
        envvar=TSA_ENV,
        show_envvar=False,
    ),
]
CrlOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--crl",
        help=_(
            "A certificate revocation list (CRL file) as the validation data of B-LT and "
            "B-LTA, instead of asking the services the certificates name; repeatable; by "
            "default the files in {variable}."
        ).format(variable=CRL_ENV),
        metavar=_("FILE"),
        envvar=CRL_ENV,
        show_envvar=False,
    ),
]
TrustOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--trust",
        help=_(
            "A trusted CA certificate (PEM/DER): a signature must lead to one of them; "
            "repeatable; by default the files in {variable}."
        ).format(variable=TRUST_ENV),
        metavar=_("CERTIFICATE"),
        envvar=TRUST_ENV,
        show_envvar=False,
    ),
]
