"""What ``avtalsgen serve`` is started with: folders, address, security settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Minutes without a request after which a session ends.
IDLE_MINUTES = 30
#: Hours after which a session ends however busy it is.
MAX_SESSION_HOURS = 12
#: The largest upload accepted (a packet or extract to verify).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: The builds' lower CPU priority (see WebConfig.build_niceness).
BUILD_NICENESS = 10


@dataclass(frozen=True)
class WebConfig:
    """The folders the app works on and how it is reached.

    ``cases`` holds the case files (``*.yaml``) and the meeting files (``sammantraden/``);
    ``output`` the built documents; ``data`` the app's own state (the SQLite database and the
    CSRF secret).
    """

    cases: Path
    output: Path
    data: Path
    templates: Path
    #: Cookies are marked Secure (the app is reached over https, e.g. behind a proxy).
    secure_cookies: bool = False
    #: A header holding the authenticated user's name, set by a trusted reverse proxy; None
    #: (the default) trusts no header.
    proxy_user_header: str | None = None
    #: Addresses the proxy header is accepted from.
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    idle_minutes: int = IDLE_MINUTES
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    #: A PKCS#12 file holding the region's seal; None signs with the DEMO key.
    seal_p12: Path | None = None
    #: Environment variable with the seal's passphrase (never stored by the app).
    seal_passphrase_env: str = "AVTALSGEN_P12_PASSPHRASE"
    #: The time-stamping authority (RFC 3161 URL) for signatures from PAdES B-T on, as
    #: ``avtalsgen sign --tsa`` (AVTALSGEN_TSA_URL); None: only B-B with the seal (the DEMO
    #: key has its own authority, offline).
    tsa_url: str | None = None
    #: CRL files as the validation data of B-LT and B-LTA, as ``avtalsgen sign --crl``
    #: (AVTALSGEN_CRL); none: asked of the services the certificates name.
    crls: tuple[Path, ...] = ()
    #: LibreOffice workers for builds started from the web.
    jobs: int = 1
    #: A saved case is built again at once, for its preview.
    build_after_save: bool = True
    #: How much lower the CPU priority (``nice``) of the builds is than the pages': the
    #: worker process, and the warm converter with its LibreOffice when serve starts it. A
    #: batch that keeps every core busy then leaves the pages the CPU they ask for; on an
    #: idle machine it runs as fast as before.
    build_niceness: int = BUILD_NICENESS

    @property
    def meetings(self) -> Path:
        """The folder of meeting files."""
        return self.cases / "sammantraden"

    @property
    def database(self) -> Path:
        """The SQLite file holding users, sessions, the audit log, versions and jobs."""
        return self.data / "avtalsgen-web.sqlite3"
