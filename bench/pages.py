"""The key pages the benchmark measures, and who opens them, chosen from the generated data.

Everything is picked in the big organisation (the one with ~2,000 running trajectories at full
scale), always by the same rule, so that two runs at different sizes measure the same pages.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from wpo.certificates.models import Certificate
from wpo.orgs.models import Person
from wpo.trajectories.models import CoachingConversation, ParticipantAssignment, Step, Trajectory


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    person: Person
    path: str
    # A POST sends this form; a GET sends nothing.
    data: dict[str, Any] | None
    target_ms: float
    group: str
    # PDF and xlsx are slow by nature: fewer iterations.
    heavy: bool = False
    # Timed requests go to these paths in turn (each a first request), not to ``path`` again.
    variants: tuple[str, ...] = ()
    # A page kept rendered in the cache (issue 21), measured as the first visit after a change:
    # before each request the kept copy is forgotten, as a write would ("person": the participant's
    # home page; "trajectory": the coach's overview after a write about one trajectory, the usual
    # write; "organization": the coach's overview and the report after a write about more, such as
    # the settings, which has the overview find every signal again).
    forget: str = ""
    trajectory_id: int | None = None

    def forget_kept(self) -> None:
        if self.forget == "person":
            from wpo.learn import home_cache

            home_cache.bump(self.person.pk)
        elif self.forget in ("trajectory", "organization"):
            from wpo.coaching import signal_cache

            signal_cache.bump(self.person.organization_id, self.trajectory_id)


# Issue 21: what a page's own SQL may cost at full scale, and what the page may cost on top of it.
SQL_BUDGET_MS = {"participant": 5.0, "trainer": 10.0, "coach": 25.0}
MAX_SERVER_PER_SQL = 2.0


def key_pages(organization_id: int, variants: int = 30) -> list[Page]:
    participant, pa, number = _practising_participant(organization_id)
    trainer = (
        Person.objects.filter(organization_id=organization_id, is_trainer=True)
        .annotate(n=Count("trained_trajectories", filter=Q(trained_trajectories__status=Trajectory.Status.ACTIVE)))
        .order_by("-n", "pk")
        .first()
    )
    coach = Person.objects.filter(organization_id=organization_id, is_coach=True).order_by("pk").first()
    pm = Person.objects.filter(organization_id=organization_id, is_project_manager=True).order_by("pk").first()
    assert trainer and coach and pm, "the generated organisation lacks a trainer, coach or project manager"
    conversation = (
        CoachingConversation.objects.filter(
            organization_id=organization_id, trajectory__trainer=trainer, held_at__isnull=True
        )
        .order_by("pk")
        .first()
    )
    assert conversation, "the trainer has no planned conversation"
    certificates = list(
        Certificate.objects.filter(organization_id=organization_id, kind=Certificate.Kind.TRAJECTORY)
        .order_by("pk")
        .values_list("pk", flat=True)[: variants + 1]
    )
    assert certificates, "the organisation has no certificate"
    certificate_path = f"/certificaten/{certificates[0]}/pdf/"
    return [
        Page("participant_home", "Deelnemer: start", participant, "/deelnemer/", None, 20, "participant"),
        Page(
            "participant_home_changed",
            "Deelnemer: start, na een wijziging",
            participant,
            "/deelnemer/",
            None,
            20,
            "participant",
            forget="person",
        ),
        Page(
            "practice_answer",
            "Deelnemer: oefenvraag beantwoorden (POST)",
            participant,
            f"/deelnemer/opdracht/{pa.pk}/vraag/{number}/",
            {"answer": "0"},
            20,
            "participant",
        ),
        Page("trainer_list", "Werkplekopleider: mijn deelnemers", trainer, "/opleider/", None, 50, "trainer"),
        Page(
            "conversation",
            "Werkplekopleider: begeleidingsgesprek",
            trainer,
            f"/opleider/gesprekken/{conversation.pk}/",
            None,
            50,
            "trainer",
        ),
        Page("coach_overview", "Coach: overzicht", coach, "/coach/", None, 50, "coach"),
        Page(
            "coach_overview_changed",
            "Coach: overzicht, na een wijziging",
            coach,
            "/coach/",
            None,
            50,
            "coach",
            forget="trajectory",
            trajectory_id=pa.trajectory_id,
        ),
        Page(
            "coach_overview_recounted",
            "Coach: overzicht, alles opnieuw geteld",
            coach,
            "/coach/",
            None,
            50,
            "coach",
            forget="organization",
        ),
        Page("report", "Projectmanager: rapportage", pm, "/rapportage/", None, 200, "report"),
        Page(
            "report_changed",
            "Projectmanager: rapportage, na een wijziging",
            pm,
            "/rapportage/",
            None,
            200,
            "report",
            forget="organization",
        ),
        # A certificate's PDF is rendered once and then cached: the first download of each of
        # ``variants`` certificates is timed, and repeated downloads of one separately.
        Page(
            "certificate_pdf",
            "Certificaat (PDF, eerste keer)",
            pm,
            certificate_path,
            None,
            150,
            "pdf",
            heavy=True,
            variants=tuple(f"/certificaten/{pk}/pdf/" for pk in certificates[1:]),
        ),
        Page("certificate_pdf_again", "Certificaat (PDF, opnieuw)", pm, certificate_path, None, 150, "pdf", heavy=True),
        Page(
            "report_xlsx",
            "Rapportage-export (xlsx, alles)",
            pm,
            "/rapportage/rapportage.xlsx?periode=alles",
            None,
            0,
            "export",
            heavy=True,
        ),
    ]


def _practising_participant(organization_id: int) -> tuple[Person, ParticipantAssignment, int]:
    """A participant of a running trajectory with an assignment in the practice step.

    The question answered is the first that is not an ordering question (that one takes a list).
    """
    candidates = (
        ParticipantAssignment.objects.filter(
            organization_id=organization_id,
            step=Step.PRACTISING,
            trajectory__status=Trajectory.Status.ACTIVE,
        )
        .select_related("trajectory__participant__user", "version")
        .order_by("pk")
    )
    for pa in candidates[:50]:
        for number, question in enumerate(pa.version.content.get("questions", []), start=1):
            if question.get("kind") != "order" and question.get("options"):
                return pa.trajectory.participant, pa, number
    raise AssertionError("no participant in the practice step")
