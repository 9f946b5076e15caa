"""Calibration for the coach: how each werkplekopleider judges, beside the organisation's average.

Per person who judged (or whose participants achieved assignments): the share of first judgements
that said ‘nog niet’, how many weeks an assignment took from being given to ‘behaald’ per level, and
how often a second assessor agreed. The organisation's figure is the same count over everyone, so a
coach sees who judges far more strictly or leniently than the rest.

Two aggregate queries, whatever the number of people or assessments (``tests/test_calibration.py``
counts them at two sizes); the chart is inline SVG built here, with the numbers in a table beside it.
A figure resting on fewer than ``ENOUGH`` judgements or achievements is not shown as a number to
compare: "te weinig om iets over te zeggen".
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from wpo.curriculum.models import LEVELS
from wpo.orgs.access import in_org
from wpo.orgs.models import Person
from wpo.trajectories.models import Assessment, Judgement, ParticipantAssignment, Step

# Below this many judgements (or achievements) a share or an average says nothing about a person.
ENOUGH = 5
# A share this many percentage points from the organisation's is "far" from it.
FAR = 20
# The periods a coach can choose: the last twelve months (the default) or everything.
PERIODS = {"jaar": timedelta(days=365), "alles": None}
DEFAULT_PERIOD = "jaar"


@dataclass(frozen=True)
class Share:
    """``part`` of ``whole`` (e.g. ‘nog niet’ among all first judgements)."""

    part: int
    whole: int

    @property
    def enough(self) -> bool:
        return self.whole >= ENOUGH

    @property
    def percent(self) -> int | None:
        return round(100 * self.part / self.whole) if self.whole else None


@dataclass(frozen=True)
class Weeks:
    """The average number of weeks from an assignment's start to ‘behaald’ at one level."""

    level: str
    count: int
    days: float  # the sum over ``count`` achievements

    @property
    def enough(self) -> bool:
        return self.count >= ENOUGH

    @property
    def average(self) -> float | None:
        return round(self.days / self.count / 7, 1) if self.count else None


@dataclass
class Row:
    """One werkplekopleider (or the whole organisation)."""

    person_id: int | None
    name: str
    judgements: int = 0
    not_yet: int = 0
    seconds: int = 0
    agreed: int = 0
    weeks: dict[str, Weeks] = field(default_factory=dict)

    @property
    def not_yet_share(self) -> Share:
        return Share(self.not_yet, self.judgements)

    @property
    def agreement(self) -> Share:
        return Share(self.agreed, self.seconds)

    def weeks_at(self, level: str) -> Weeks:
        return self.weeks.get(level, Weeks(level, 0, 0.0))

    @property
    def levels(self) -> list[Weeks]:
        return [self.weeks_at(level) for level in LEVELS]


@dataclass(frozen=True)
class Calibration:
    period: str
    since: datetime | None
    rows: list[Row]
    organisation: Row

    def compared(self, row: Row) -> str:
        """‘strenger’, ‘milder’ or '' when ``row`` says ‘nog niet’ far more or less often than the
        organisation (both with enough judgements)."""
        mine, everyone = row.not_yet_share, self.organisation.not_yet_share
        if not (mine.enough and everyone.enough) or mine.percent is None or everyone.percent is None:
            return ""
        if mine.percent - everyone.percent >= FAR:
            return "strenger"
        if everyone.percent - mine.percent >= FAR:
            return "milder"
        return ""

    @property
    def judged_rows(self) -> list[Row]:
        return [row for row in self.rows if row.judgements]


def _days(value: timedelta | float | int | None) -> float:
    """A summed duration from the database in days. Backends differ: an interval, or microseconds."""
    if value is None:
        return 0.0
    if isinstance(value, timedelta):
        return value.total_seconds() / 86400
    return float(value) / 86_400_000_000


def _name(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or (username or "")


def calibration(coach: Person, period: str = DEFAULT_PERIOD, now: datetime | None = None) -> Calibration:
    """The calibration of ``coach``'s organisation over ``period`` (a key of ``PERIODS``): two queries."""
    period = period if period in PERIODS else DEFAULT_PERIOD
    span = PERIODS[period]
    since = (now or timezone.now()) - span if span is not None else None
    rows: dict[int, Row] = {}

    def row(pk: int, first: str | None, last: str | None, username: str | None) -> Row:
        return rows.setdefault(pk, Row(pk, _name(first, last, username)))

    # A first judgement still waiting blind for the second is left out: counted here, it would tell
    # the coach who is its second assessor what it says.
    judged = in_org(coach, Assessment).exclude(
        second_assessor__isnull=False, second_judgement="", settled_at__isnull=True
    )
    if since is not None:
        judged = judged.filter(assessed_at__gte=since)
    for item in (
        judged.values(
            "assessor_id", "assessor__user__first_name", "assessor__user__last_name", "assessor__user__username"
        )
        .annotate(
            n=Count("id"),
            not_yet=Count("id", filter=Q(judgement=Judgement.NOT_YET)),
            seconds=Count("id", filter=~Q(second_judgement="")),
            agreed=Count("id", filter=Q(second_judgement=F("judgement"))),
        )
        .order_by()
    ):
        r = row(
            item["assessor_id"],
            item["assessor__user__first_name"],
            item["assessor__user__last_name"],
            item["assessor__user__username"],
        )
        r.judgements, r.not_yet, r.seconds, r.agreed = item["n"], item["not_yet"], item["seconds"], item["agreed"]

    achieved = in_org(coach, ParticipantAssignment).filter(step=Step.ACHIEVED, achieved_at__isnull=False)
    if since is not None:
        achieved = achieved.filter(achieved_at__gte=since)
    trainer = "trajectory__trainer"
    for item in (
        achieved.values(
            f"{trainer}_id",
            f"{trainer}__user__first_name",
            f"{trainer}__user__last_name",
            f"{trainer}__user__username",
            "version__assignment__level",
        )
        .annotate(
            n=Count("id"),
            total=Sum(ExpressionWrapper(F("achieved_at") - F("created_at"), output_field=DurationField())),
        )
        .order_by()
    ):
        r = row(
            item[f"{trainer}_id"],
            item[f"{trainer}__user__first_name"],
            item[f"{trainer}__user__last_name"],
            item[f"{trainer}__user__username"],
        )
        level = item["version__assignment__level"]
        r.weeks[level] = Weeks(level, item["n"], _days(item["total"]))

    everyone = Row(None, _("Hele organisatie"))
    for r in rows.values():
        everyone.judgements += r.judgements
        everyone.not_yet += r.not_yet
        everyone.seconds += r.seconds
        everyone.agreed += r.agreed
        for level, weeks in r.weeks.items():
            so_far = everyone.weeks_at(level)
            everyone.weeks[level] = Weeks(level, so_far.count + weeks.count, so_far.days + weeks.days)
    ordered = sorted(rows.values(), key=lambda r: (r.name.lower(), r.person_id or 0))
    return Calibration(period=period, since=since, rows=ordered, organisation=everyone)


# The chart: the share of ‘nog niet’ per werkplekopleider, with the organisation's as a line ------------

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
INK = "#1a1a1a"
BAR = "#0072B2"
WIDTH = 320
NAME_CHARS = 28


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1].rstrip() + "…"


def not_yet_chart(result: Calibration) -> SafeString:
    """Horizontal bars (0–100 %) of the share of ‘nog niet’ per person with enough judgements, each
    with a dashed mark at the organisation's share. Empty when nobody has enough judgements."""
    shown = [r for r in result.judged_rows if r.not_yet_share.enough]
    everyone = result.organisation.not_yet_share
    if not shown or everyone.percent is None:
        return mark_safe("")
    room, bar_h, y = WIDTH - 48.0, 18, 30
    line_x = round(room * everyone.percent / 100, 1)
    parts = [
        format_html(
            '<text x="0" y="16" font-size="15">{}</text>',
            _("Stippellijn: gemiddeld %(percent)s %%") % {"percent": everyone.percent},
        )
    ]
    sentences = []
    for r in shown:
        percent = r.not_yet_share.percent or 0
        length = round(room * percent / 100, 1)
        parts.append(
            format_html('<text x="0" y="{}" font-weight="bold" font-size="15">{}</text>', y + 14, _short(r.name))
        )
        y += 20
        parts.append(
            format_html(
                '<rect x="0" y="{}" width="{}" height="{}" fill="#eef2f6"/>'
                '<rect x="0" y="{}" width="{}" height="{}" fill="{}" stroke="{}"/>'
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="4 3"/>'
                '<text x="{}" y="{}" font-size="15">{} %</text>',
                y,
                room,
                bar_h,
                y,
                max(length, 1),
                bar_h,
                BAR,
                INK,
                line_x,
                y - 3,
                line_x,
                y + bar_h + 3,
                INK,
                room + 6,
                y + bar_h - 4,
                percent,
            )
        )
        sentences.append(_("%(name)s: %(percent)s procent nog niet.") % {"name": r.name, "percent": percent})
        y += bar_h + 14
    title = _("Hoe vaak zegt elke werkplekopleider ‘nog niet’?")
    desc = " ".join(
        [*sentences, _("De hele organisatie: %(percent)s procent nog niet.") % {"percent": everyone.percent}]
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg chart-hbar" viewBox="0 0 {} {}" width="{}" '
        'height="{}" role="img" aria-labelledby="kalibratie-title" aria-describedby="kalibratie-desc" '
        'font-family="{}" font-size="14" fill="{}"><title id="kalibratie-title">{}</title>'
        '<desc id="kalibratie-desc">{}</desc>{}</svg>',
        WIDTH,
        y,
        WIDTH,
        y,
        FONT,
        INK,
        title,
        desc,
        mark_safe("".join(parts)),  # noqa: S308 (each part built with format_html)
    )
