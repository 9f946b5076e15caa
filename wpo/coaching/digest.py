"""The weekly digest: every Monday morning each coach gets the week's signals by e-mail.

It runs as a task of Django's tasks framework on the database-backed worker (``db_worker``).
The task schedules its own next run for the following Monday at 07:00 (Europe/Amsterdam);
``manage.py schedule_digest`` (run by ``make run`` and at every deploy) starts the chain when no
run is waiting, so a lost run is picked up again. A coach gets at most one digest per ISO week:
the ``DigestSent`` row and the e-mail go in one transaction, and its unique week stops a second run.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wpo.lib.tasks import schedule_once
from wpo.orgs.models import Person

from . import early_signals
from .models import DigestSent, SignalSettings

DIGEST_WEEKDAY = 0  # Monday
DIGEST_TIME = time(7, 0)
SHOWN_PER_KIND = 5


def iso_week(moment: datetime) -> str:
    year, week, _day = timezone.localtime(moment).isocalendar()
    return f"{year}-W{week:02d}"


def next_run(now: datetime) -> datetime:
    """The next Monday 07:00 local time strictly after ``now``."""
    local = timezone.localtime(now)
    days_ahead = (DIGEST_WEEKDAY - local.weekday()) % 7
    candidate = datetime.combine(local.date() + timedelta(days=days_ahead), DIGEST_TIME, tzinfo=local.tzinfo)
    if candidate <= local:
        candidate += timedelta(days=7)
    return candidate


def digest_message(coach: Person, report: early_signals.SignalReport) -> EmailMessage:
    site = settings.SITE_URL
    total = len(report)
    lines = [
        _("Hallo %(name)s,") % {"name": coach.user.first_name or coach.name},
        "",
    ]
    if total:
        lines.append(
            ngettext(
                "Deze week is er %(count)s signaal in de WPO-trajecten.",
                "Deze week zijn er %(count)s signalen in de WPO-trajecten.",
                total,
            )
            % {"count": total}
        )
    else:
        lines.append(_("Deze week zijn er geen signalen. Alle trajecten lopen volgens afspraak."))
    for kind, count in report.counts():
        if not count:
            continue
        lines += ["", f"{kind.label} ({count})"]
        for signal in report.of_kind(kind)[:SHOWN_PER_KIND]:
            lines.append(f"- {signal.reason}")
            if signal.url:
                lines.append(f"  {signal.action}: {site}{signal.url}")
        if count > SHOWN_PER_KIND:
            lines.append(
                _("  En nog %(more)s: %(url)s")
                % {"more": count - SHOWN_PER_KIND, "url": f"{site}{reverse('coaching:signals')}?soort={kind.code}"}
            )
    lines += [
        "",
        _("Het hele overzicht: %(url)s") % {"url": site + reverse("coaching:overview")},
        "",
        _("Groet van het WPO-platform"),
        _("Wil je deze e-mail niet meer? Zet hem uit bij Signalen, Grenzen aanpassen."),
    ]
    subject = ngettext("WPO deze week: %(count)s signaal", "WPO deze week: %(count)s signalen", total) % {
        "count": total
    }
    return EmailMessage(subject=subject, body="\n".join(lines) + "\n", to=[coach.user.email])


def send_digest(coach: Person, week: str, now: datetime) -> bool:
    """Send this coach's digest for ``week`` unless it was sent already. True when sent."""
    report = early_signals.signals_for(coach, now)
    try:
        with transaction.atomic():
            DigestSent.objects.create(
                organization_id=coach.organization_id, coach=coach, week=week, sent_at=now, signal_count=len(report)
            )
            digest_message(coach, report).send()
    except IntegrityError:
        return False
    return True


def coaches_to_mail() -> list[Person]:
    switched_off = SignalSettings.objects.filter(digest_enabled=False).values("organization_id")
    return list(
        Person.objects.filter(is_coach=True, user__is_active=True)
        .exclude(user__email="")
        .exclude(organization_id__in=switched_off)
        .select_related("user", "organization")
        .order_by("organization_id", "pk")
    )


def send_all(now: datetime | None = None) -> int:
    now = now or timezone.now()
    week = iso_week(now)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE), timezone.override(timezone.get_default_timezone()):
        for coach in coaches_to_mail():
            sent += send_digest(coach, week, now)
    return sent


@task
def send_weekly_digests() -> str:
    sent = send_all()
    schedule(timezone.now())
    return f"{sent} sent"


def schedule(now: datetime | None = None) -> datetime | None:
    """Queue the next weekly run unless one is already waiting. Returns its time when it queued one."""
    return schedule_once(send_weekly_digests, next_run, now)
