"""How a certificate's subject or issuer is named in messages and reports."""

from __future__ import annotations

from asn1crypto import x509


def common_name(name: x509.Name) -> str:
    """The common name (CN) of ``name``, else its whole name in readable form."""
    native = name.native
    value = native.get("common_name") if isinstance(native, dict) else None
    return str(value) if value else name.human_friendly
