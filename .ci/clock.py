"""The clock for CI's second run: draw a moment in the next five years, or turn one into a faketime offset.

    python .ci/clock.py draw [--seed N]      prints a local date and time, e.g. "2029-03-25 02:30"
    python .ci/clock.py offset "2029-03-25 02:30"   prints libfaketime's relative spec, e.g. "+72488926"

Moments are read in Europe/Amsterdam, the product's time zone. The offset form ("+seconds") keeps
libfaketime independent of the TZ variable, which Django changes after start-up. Half of the draws
land on a moment known to break date arithmetic; the other half anywhere in the next five years.
"""

import random
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Amsterdam")
YEARS = 5


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute)


def _horizon(today: date) -> date:
    return today + timedelta(days=round(365.25 * YEARS))


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def awkward_moments(today: date) -> dict[str, Callable[[random.Random], datetime]]:
    """Each kind of awkward moment, as a function drawing one instance within the next five years."""
    end = _horizon(today)
    days = _days(today + timedelta(days=1), end)
    years = range(today.year, end.year + 1)

    def on(kind: Callable[[date], bool], hour: int, minute: int) -> Callable[[random.Random], datetime]:
        candidates = [d for d in days if kind(d)]
        return lambda rng: at(rng.choice(candidates), hour, minute)

    dst_nights = [d for y in years for d in (_last_sunday(y, 3), _last_sunday(y, 10)) if today < d <= end]
    return {
        "Monday before 07:00": lambda rng: on(lambda d: d.weekday() == 0, 6, rng.randrange(0, 60))(rng),
        "Sunday 23:30": on(lambda d: d.weekday() == 6, 23, 30),
        # 02:30 does not exist on the spring night and exists twice on the autumn night.
        "daylight-saving night": lambda rng: at(rng.choice(dst_nights), 2, 30),
        "31 December 23:59": on(lambda d: (d.month, d.day) == (12, 31), 23, 59),
        "29 February": lambda rng: on(lambda d: (d.month, d.day) == (2, 29), rng.randrange(0, 24), 0)(rng),
        "a quarter's first day": lambda rng: on(lambda d: d.day == 1 and d.month in (1, 4, 7, 10), 0, 5)(rng),
    }


def draw(rng: random.Random, today: date) -> tuple[str, datetime]:
    moments = awkward_moments(today)
    if rng.random() < 0.5:
        kind = rng.choice(sorted(moments))
        return kind, moments[kind](rng)
    day = rng.choice(_days(today + timedelta(days=1), _horizon(today)))
    return "any day", at(day, rng.randrange(24), rng.randrange(60))


def offset(moment: str) -> str:
    local = datetime.strptime(moment.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=ZONE)
    return f"{int(local.timestamp() - time.time()):+d}"


def main(argv: list[str]) -> int:
    if argv[:1] == ["draw"]:
        seed = int(argv[2]) if argv[1:2] == ["--seed"] else None
        kind, moment = draw(random.Random(seed), datetime.now(ZONE).date())
        print(f"{moment:%Y-%m-%d %H:%M}")
        print(f"({kind})", file=sys.stderr)
        return 0
    if argv[:1] == ["offset"] and len(argv) == 2:
        print(offset(argv[1]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
