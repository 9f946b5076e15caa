"""The evidence dossier (*bewijsmap*) of a certificate: what the participant did in practice, for an mbo
school that issues a praktijkverklaring.

Per achieved assignment: the work task, the dates, the observations the werkplekopleider shared with
the participant (never the others), the days of the independence week, both judgements with the
assessors' names and roles, and the curriculum's criterion. It says plainly that it is evidence, not a
diploma. A tagged PDF/UA-1 like the certificate. The participant downloads it from "Mijn certificaten".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wpo.curriculum.selectors import fill_content, fill_trainer
from wpo.lib.pdf import PDF_UA, html_to_pdf
from wpo.trajectories.models import Assessment, IndependenceDay, Observation, ParticipantAssignment, Step

from .models import Certificate

DOSSIER_CSS = Path(__file__).resolve().parent / "static" / "certificates" / "dossier.css"


def _assignments(certificate: Certificate) -> list[ParticipantAssignment]:
    qs = ParticipantAssignment.objects.filter(trajectory_id=certificate.trajectory_id, step=Step.ACHIEVED)
    if certificate.trajectory_skill_id is not None:
        qs = qs.filter(version__assignment__subskill__skill_id=certificate.trajectory_skill.skill_id)  # type: ignore[union-attr]
    return list(
        qs.select_related("version__assignment__subskill__skill")
        .prefetch_related(
            # Only what the werkplekopleider shared with the participant.
            Prefetch(
                "observations",
                queryset=Observation.objects.filter(shared_with_participant=True)
                .select_related("author__user")
                .order_by("observed_at", "pk"),
                to_attr="shared_observations",
            ),
            Prefetch("independence_days", queryset=IndependenceDay.objects.order_by("day")),
            Prefetch(
                "assessments",
                queryset=Assessment.objects.select_related("assessor__user", "second_assessor__user").order_by(
                    "assessed_at", "pk"
                ),
            ),
        )
        .order_by("version__assignment__subskill__skill__order", "version__assignment__subskill__number", "pk")
    )


def _role(person_id: int, trainer_id: int, is_coach: bool) -> str:
    if person_id == trainer_id:
        return str(_("werkplekopleider"))
    return str(_("coach")) if is_coach else str(_("werkplekopleider"))


def _judgements(assessment: Assessment, trainer_id: int) -> list[dict[str, Any]]:
    """Both judgements of an assessment: who, in what role, what, when."""
    found = [
        {
            "name": assessment.assessor.name,
            "role": _role(assessment.assessor_id, trainer_id, assessment.assessor.is_coach),
            "judgement": assessment.get_judgement_display(),
            "at": assessment.assessed_at,
        }
    ]
    if assessment.second_assessor is not None and assessment.second_judgement:
        found.append(
            {
                "name": assessment.second_assessor.name,
                "role": str(_("tweede beoordelaar")),
                "judgement": assessment.get_second_judgement_display(),
                "at": assessment.second_assessed_at,
            }
        )
    return found


def _entry(pa: ParticipantAssignment, trainer_id: int) -> dict[str, Any]:
    content = fill_content(pa.version.content)
    return {
        "pa": pa,
        "title": fill_trainer(pa.version.title),
        "subskill": pa.version.assignment.subskill,
        "level": pa.version.assignment.level,
        "work_task": content.get("work_task") or {},
        "criterion": str((content.get("trainer") or {}).get("criterion", "")),
        "observations": pa.shared_observations,  # type: ignore[attr-defined]
        "days": list(pa.independence_days.all()),
        "judgements": [j for a in pa.assessments.all() for j in _judgements(a, trainer_id)],
    }


def dossier_pdf(certificate: Certificate) -> bytes:
    snapshot = certificate.snapshot
    with translation.override(settings.LANGUAGE_CODE), timezone.override(timezone.get_default_timezone()):
        html = render_to_string(
            "certificates/print/dossier.html",
            {
                "certificate": certificate,
                "snapshot": snapshot,
                "entries": [_entry(pa, certificate.trajectory.trainer_id) for pa in _assignments(certificate)],
                "made_on": timezone.localdate(),
                "period_start": date.fromisoformat(snapshot["period_start"]),
                "period_end": date.fromisoformat(snapshot["period_end"]),
            },
        )
        return html_to_pdf(html, DOSSIER_CSS, PDF_UA)


def dossier_filename(certificate: Certificate) -> str:
    from django.utils.text import slugify

    return f"bewijsmap-{slugify(certificate.participant_name) or 'wpo'}-{certificate.display_code}.pdf"
