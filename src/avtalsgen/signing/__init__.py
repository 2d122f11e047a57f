"""Signing and verifying packets and protocol extracts (PAdES, with pyHanko).

Importing the package puts off the import of pyHanko's aiohttp clients until a time stamp or
validation data is fetched over the network (:mod:`avtalsgen.signing.offline`): every module
that imports pyHanko is in it, so the stand-ins are in place first."""

from avtalsgen.signing import offline

offline.defer()
