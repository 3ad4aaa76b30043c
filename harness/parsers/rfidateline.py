"""RFI date lines: ``DD/MM/YYYY - HH:MM`` in the source's local time (Paris), DST edges named."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from harness.errors import ConfigError
from harness.model import Severity

__all__ = ["DATELINE", "DatelineNote", "load_zone", "local_dateline", "read_dateline"]

DATELINE = re.compile(r"(\d{2})/(\d{2})/(\d{4}) - (\d{2}):(\d{2})")


@dataclass(frozen=True, slots=True)
class DatelineNote:
    """What is wrong with a date line: a check id, a message, how much it counts."""

    check: str
    message: str
    severity: Severity


@lru_cache(maxsize=32)
def load_zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; :class:`ConfigError` naming it when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ConfigError(
            f"unknown time zone {name!r}: expected an IANA name such as 'Europe/Paris'"
        ) from None


def read_dateline(text: str, zone_name: str) -> tuple[dict[str, str | None], DatelineNote | None]:
    """The date line record (``text`` already normalised), and what is wrong with it, if any.

    A line that does not parse is a ``dateline-format`` problem; a local time on a DST edge
    (it occurs twice, or never) is read with fold=0 and noted as a warning.
    """
    local = local_dateline(text)
    if local is None:
        note = DatelineNote("dateline-format", "the date line does not parse", Severity.ERROR)
        return {"text": text, "time": None, "timezone": zone_name}, note
    aware = local.replace(tzinfo=load_zone(zone_name), fold=0)
    edge = _dst_note(aware)
    record: dict[str, str | None] = {"text": text, "time": aware.isoformat(), "timezone": zone_name}
    if edge is None:
        return record, None
    message = f"{text} is {edge.split('-')[1]} in {zone_name}; read with fold=0"
    return record, DatelineNote(edge, message, Severity.WARNING)


def local_dateline(text: str) -> datetime | None:
    """``DD/MM/YYYY - HH:MM`` as a naive datetime, or None."""
    match = DATELINE.fullmatch(text)
    if match is None:
        return None
    day, month, year, hour, minute = (int(g) for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute)
    except ValueError:
        return None


def _dst_note(aware: datetime) -> str | None:
    """The DST note: dateline-ambiguous (time occurs twice), dateline-nonexistent, or None."""
    if aware.utcoffset() != aware.replace(fold=1).utcoffset():
        round_trip = aware.astimezone(UTC).astimezone(aware.tzinfo).replace(tzinfo=None)
        if round_trip != aware.replace(tzinfo=None):
            return "dateline-nonexistent"
        return "dateline-ambiguous"
    return None
