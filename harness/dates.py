"""Feed dates: RFC 822/1123/2822 and RFC 3339/ISO 8601, read without the local zone or locale."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from harness.textsafe import shorten

__all__ = ["ParsedDate", "format_rfc822", "parse_feed_date", "to_utc_rfc3339", "zone_named"]

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_NUMBERS = (
    {name[:3]: i for i, name in enumerate(_MONTHS, 1)}
    | {name: i for i, name in enumerate(_MONTHS, 1)}
    | {"sept": 9}
)
_WEEKDAY_NUMBERS = {name[:3]: i for i, name in enumerate(_WEEKDAYS)} | {
    name: i for i, name in enumerate(_WEEKDAYS)
}
# RFC 822 section 5.1 zones (hours east of UTC).
_RFC_ZONES = {
    "gmt": 0,
    "ut": 0,
    "utc": 0,
    "z": 0,
    "est": -5,
    "edt": -4,
    "cst": -6,
    "cdt": -5,
    "mst": -7,
    "mdt": -6,
    "pst": -8,
    "pdt": -7,
}
# Not RFC 822, but unambiguous and seen in feeds: accepted with a note.
_OTHER_ZONES = {
    "cet": 1,
    "cest": 2,
    "eet": 2,
    "eest": 3,
    "wet": 0,
    "west": 1,
    "msk": 3,
    "jst": 9,
    "kst": 9,
    "hkt": 8,
    "aest": 10,
    "aedt": 11,
}

_RFC822 = re.compile(
    r"""
    (?:(?P<weekday>[a-z]+)\.?\ ?,?\ ?)?
    (?P<day>\d{1,2})[\ -](?P<month>[a-z]+)\.?[\ -](?P<year>\d{4}|\d{2})
    \ (?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?
    (?:\ ?(?P<zone>[a-z]+|(?:gmt|utc)?[+-]\d{2}:?\d{2}))?
    (?:\ ?\([^()]*\))?
    """,
    re.VERBOSE | re.ASCII | re.IGNORECASE,
)
_RFC3339 = re.compile(
    r"""
    (?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})
    (?:[t\ ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?
       \ ?(?P<zone>z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?)?
    """,
    re.VERBOSE | re.ASCII | re.IGNORECASE,
)
_MAX_LENGTH = 200  # the longest real form is ~70 characters; this bounds the regex work
_NUMERIC_ZONE = re.compile(r"(?:gmt|utc)?([+-])(\d{2}):?(\d{2})?", re.ASCII | re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A parsed feed date: an aware datetime in the zone as written, plus notes on odd forms."""

    value: datetime
    notes: tuple[str, ...] = ()


def parse_feed_date(text: str) -> ParsedDate:
    """Parse an RFC 822 or RFC 3339 feed date; raise ValueError with a short reason if it can't."""
    clean = " ".join(text.split())
    if not clean:
        raise ValueError("empty date")
    if len(clean) > _MAX_LENGTH:
        raise ValueError(f"{len(clean)} characters is too long for a date: {shorten(clean, 40)!r}")
    match = _RFC3339.fullmatch(clean)
    if match:
        return _from_rfc3339(match)
    match = _RFC822.fullmatch(clean)
    if match:
        return _from_rfc822(match)
    raise ValueError(f"not an RFC 822 or RFC 3339 date: {shorten(clean, 40)!r}")


def to_utc_rfc3339(dt: datetime) -> str:
    """An aware datetime as RFC 3339 UTC with whole seconds: '2023-12-06T15:45:03Z'."""
    u = _as_utc(dt)
    return f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z"


def format_rfc822(dt: datetime) -> str:
    """An aware datetime as an RFC 1123 GMT date: 'Wed, 06 Dec 2023 15:45:03 GMT'."""
    u = _as_utc(dt)
    weekday = _WEEKDAYS[u.weekday()][:3].title()
    month = _MONTHS[u.month - 1][:3].title()
    clock = f"{u.hour:02d}:{u.minute:02d}:{u.second:02d}"
    return f"{weekday}, {u.day:02d} {month} {u.year:04d} {clock} GMT"


def _as_utc(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime {dt.isoformat()}: give it a time zone")
    try:
        return dt.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{dt.isoformat()} is out of range in UTC") from None


def _from_rfc3339(m: re.Match[str]) -> ParsedDate:
    notes: list[str] = []
    if m["hour"] is None:
        notes.append("date only; read as midnight UTC")
        tz: timezone = UTC
    else:
        tz = _zone(m["zone"], notes)
    fraction = (m["fraction"] or "")[:6].ljust(6, "0")
    year, month, day, hour, minute, second = m.group(
        "year", "month", "day", "hour", "minute", "second"
    )
    parts = (int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    return _build((*parts, int(fraction)), tz, notes)


def _from_rfc822(m: re.Match[str]) -> ParsedDate:
    notes: list[str] = []
    month = _MONTH_NUMBERS.get(m["month"].lower())
    if month is None:
        raise ValueError(f"{m['month']!r} is not a month name")
    year = int(m["year"])
    if len(m["year"]) == 2:
        year += 2000 if year < 50 else 1900  # RFC 2822 section 4.3
        notes.append(f"two-digit year {m['year']!r} read as {year}")
    tz = _zone(m["zone"], notes)
    fields = (int(m["day"]), int(m["hour"]), int(m["minute"]), int(m["second"] or 0))
    day, hour, minute, second = fields
    parsed = _build((year, month, day, hour, minute, second, 0), tz, notes)
    weekday_notes = _weekday_notes(m["weekday"], parsed.value)
    return ParsedDate(parsed.value, parsed.notes + weekday_notes)


def _build(parts: tuple[int, ...], tz: timezone, notes: list[str]) -> ParsedDate:
    year, month, day, hour, minute, second, micro = parts
    if second == 60:
        notes.append("leap second :60 read as :59")
        second = 59
    try:
        value = datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    except ValueError as err:
        raise ValueError(f"impossible date: {err}") from None
    if not 1 < year < 9999:  # only there can an offset (under a day) move it out of range
        _as_utc(value)  # out of range once moved to UTC (year 1 with a positive offset)
    return ParsedDate(value, tuple(notes))


def _zone(token: str | None, notes: list[str]) -> timezone:
    if token is None:
        notes.append("no time zone; read as UTC")
        return UTC
    name = token.lower()
    if name in _RFC_ZONES:
        return _offset(_RFC_ZONES[name] * 60)
    if name in _OTHER_ZONES:
        hours = _OTHER_ZONES[name]
        notes.append(f"zone {token!r} is not an RFC 822 zone; read as UTC{hours:+03d}:00")
        return _offset(hours * 60)
    m = _NUMERIC_ZONE.fullmatch(token)
    if m is None:
        raise ValueError(f"unknown time zone {token!r}")
    hours, minutes = int(m[2]), int(m[3] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"time zone offset {token!r} is out of range")
    sign = -1 if m[1] == "-" else 1
    return _offset(sign * (hours * 60 + minutes))


def _offset(minutes: int) -> timezone:
    return UTC if minutes == 0 else timezone(timedelta(minutes=minutes))


def _weekday_notes(token: str | None, value: datetime) -> tuple[str, ...]:
    if token is None:
        return ()
    number = _WEEKDAY_NUMBERS.get(token.lower())
    if number is None:
        return (f"weekday {token!r} is not a weekday name",)
    actual = value.weekday()
    if number != actual:
        day_name = _WEEKDAYS[actual].title()
        return (f"weekday {token!r} does not match {value.date().isoformat()}, a {day_name}",)
    return ()


_FIXED = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})?$|^(?:UTC|GMT|Z)$", re.IGNORECASE)


def zone_named(name: str) -> tzinfo:
    """An IANA zone (``Asia/Shanghai``), or a fixed offset written ``+08:00``, ``UTC-5`` or
    ``UTC``; ValueError for anything else."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    fixed = _FIXED.match(name.strip())
    if fixed is not None:
        sign, hours, minutes = fixed.group(1), fixed.group(2), fixed.group(3)
        if sign is None:
            return UTC
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if delta >= timedelta(hours=24):
            raise ValueError(f"offset {name!r} is not under 24 hours")
        return timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None
