"""The Swedish months, as a date in running text names them ("1 januari 2027"): one list
for writing and reading such dates, without Babel (Babel's ``get_month_names("wide",
locale="sv")``, held to it by a test), since an unchanged case's rebuild reads dates
without importing Babel (docs/performance.md)."""

from __future__ import annotations

from typing import Final

#: January to December, lower case.
MONTHS: Final = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip
