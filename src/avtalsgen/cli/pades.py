"""The options that say how long-term a signature is: ``--tsa`` and ``--crl``.

``avtalsgen sign`` and ``avtalsgen serve`` (whose sign page signs as ``sign`` does) take
them alike, from the command line or the environment. Their help texts are translated as
the command line is defined, as the others are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from avtalsgen.i18n import _

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
