"""pyHanko without aiohttp until something is fetched over the network.

pyHanko imports its aiohttp clients whenever its signers are imported: the time-stamp client
(``pyhanko.sign.timestamps`` imports ``HTTPTimeStamper`` from ``aiohttp_client``) and the
fetchers of OCSP responses and CRLs (``pyhanko.sign.validation.ades`` imports
``AIOHttpFetcherBackend``). aiohttp and what it brings (yarl, multidict, ...) is about a
fifth of the CPU that ``avtalsgen sign`` spends importing, and a signature with the DEMO key,
a PKCS#12 file or a card at B-B, or at any level with the DEMO key or CRL files, fetches
nothing. :func:`defer` puts a stand-in for those two modules in their place before pyHanko
is imported: it holds the classes pyHanko imports from them, and the first time one of them
is made (a time stamp from --tsa, a fetch of validation data) the real modules are imported
and the real class made. Nothing else changes: the classes are only ever made, never
subclassed or compared by pyHanko.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

#: The modules deferred, each with the classes pyHanko imports from it; the fetchers first,
#: since the time-stamp client imports a module of theirs.
DEFERRED = {
    "pyhanko_certvalidator.fetchers.aiohttp_fetchers": ("AIOHttpFetcherBackend",),
    "pyhanko.sign.timestamps.aiohttp_client": ("HTTPTimeStamper", "AIOHttpTimeStamper"),
}


class _StandIn(types.ModuleType):
    """A deferred module until :func:`load` imports the real one."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # what the import system asks of any module (__path__)
            raise AttributeError(name)
        return getattr(load(self.__name__), name)


def defer() -> None:
    """Put the stand-ins in place, unless pyHanko has imported the real modules already."""
    for name, classes in DEFERRED.items():
        if name in sys.modules:
            continue
        module = _StandIn(name, "A stand-in until aiohttp is needed (avtalsgen.signing.offline).")
        for cls in classes:
            setattr(module, cls, _deferred_class(name, cls))
        sys.modules[name] = module


def load(name: str) -> types.ModuleType:
    """The real module ``name`` (one of :data:`DEFERRED`), imported now with the others
    if it has not been."""
    for each in DEFERRED:
        if isinstance(sys.modules.get(each), _StandIn):
            del sys.modules[each]
            importlib.import_module(each)
    return sys.modules[name]


def _deferred_class(module: str, name: str) -> type:
    """A class whose instances are the real class's (made by its ``__new__``)."""

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
        return getattr(load(module), name)(*args, **kwargs)

    return type(
        name, (), {"__new__": __new__, "__module__": module, "__doc__": f"{name} (deferred)"}
    )
