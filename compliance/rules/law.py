"""The law a register is judged by on its evaluation date, in words a DPO recognises.

Built from the commencement dates in the reference data (seeds/reference/commencements.json), so
correcting a date there changes what the PDF report and the dashboard say, as it changes the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from .base import listing

BASE_LAW = "UK GDPR and the Data Protection Act 2018"


class Commenced(Protocol):
    provision: str
    amended_by: str
    in_force_from: date


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def law_of(as_of: date, commencements: Iterable[Commenced]) -> str:
    """E.g. "UK GDPR and the Data Protection Act 2018 as amended by the Data (Use and Access) Act 2025"."""
    items = sorted(commencements, key=lambda item: (item.in_force_from, item.provision))
    in_force = [item for item in items if item.in_force_from <= as_of]
    pending = [item for item in items if item.in_force_from > as_of]
    acts = list(dict.fromkeys(item.amended_by for item in in_force))
    text = f"{BASE_LAW} as amended by the {listing(acts)}" if acts else BASE_LAW
    if pending:
        later = listing(f"{item.provision} (from {long_date(item.in_force_from)})" for item in pending)
        text += f"; not yet in force: {later}"
    return text


def rules_as_of(as_of: date, commencements: Iterable[Commenced]) -> str:
    """The heading the PDF report and the dashboard show."""
    return f"Rules as of {long_date(as_of)}: {law_of(as_of, commencements)}"
