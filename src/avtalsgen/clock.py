"""The current date, in one place: what has happened by today (a meeting held, a decision
taken) is read against it, and a test can move it."""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    """The current date."""
    return dt.date.today()
