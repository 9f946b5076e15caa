"""Calendar quarters and durations, for the national figures. The report (wpo.reports.figures) has the
same small helpers; the national app keeps its own, so that the report may read the national figures
without the two apps leaning on each other (tests/test_boundaries.py)."""

from datetime import date, timedelta

from django.utils.translation import gettext as _


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> date:
    return quarter_start(year + quarter // 4, quarter % 4 + 1) - timedelta(days=1)


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def quarter_label(year: int, quarter: int) -> str:
    return _("K%(quarter)s %(year)s") % {"quarter": quarter, "year": year}


def days_of(value: timedelta | float | int | None) -> float | None:
    """A duration from the database in days. Backends differ: an interval, or microseconds."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds() / 86400
    return float(value) / 86_400_000_000
