"""The inventory: every form and upload of the project, and how to reach it.

Each ``Target`` names a URL, the role that uses it, the form classes that read its input (their
fields and kinds are read from the classes themselves, see ``strategies.value_for``), the POST
keys a view reads outside a form class, the uploads, and how to bring the world into the state
the view expects. ``test_every_form_class_is_in_the_inventory`` fails when a form class is added
to the project without a target here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django import forms as django_forms
from django.utils import timezone
from hypothesis import strategies as st

from wpo.accounts import forms as accounts_forms
from wpo.audit import forms as audit_forms
from wpo.certificates import forms as certificates_forms
from wpo.coaching import forms as coaching_forms
from wpo.coaching import views as coaching_views
from wpo.curriculum import forms as curriculum_forms
from wpo.evaluations import forms as evaluations_forms
from wpo.followup import forms as followup_forms
from wpo.intake import forms as intake_forms
from wpo.learn import forms as learn_forms
from wpo.meetings import forms as meetings_forms
from wpo.orgs import forms as orgs_forms
from wpo.orgs.models import Role
from wpo.packages import forms as packages_forms
from wpo.privacy import forms as privacy_forms
from wpo.reports import forms as reports_forms
from wpo.service import forms as service_forms
from wpo.trajectories import forms as trajectories_forms
from wpo.trajectories.models import Step

from ..factories import PASSWORD, World, make_certificate, make_meeting, make_problem, make_visit

LOGO_MAX = 1024 * 1024


@dataclass
class Context:
    """Organisation A (where the fuzzing happens) and organisation B (whose ids must never work)."""

    a: World
    b: World


@dataclass
class Prepared:
    kwargs: dict[str, Any] = field(default_factory=dict)
    query: str = ""
    # Extra keys with their plausible values: dynamic fields and keys read outside a form.
    keys: dict[str, st.SearchStrategy[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    url: str
    role: Role | None
    forms: tuple[type[django_forms.BaseForm], ...] = ()
    prefixes: tuple[str, ...] = ("",)
    # Upload field -> the size limit it promises (0: no limit of its own below Django's).
    files: dict[str, int] = field(default_factory=dict)
    prepare: Callable[[Context], Prepared] = lambda ctx: Prepared()
    method: str = "post"
    # Tables a refused request may write by design (the lockout's failure rows).
    writes_when_refused: frozenset[str] = frozenset()
    # How many CI examples this target gets, relative to the others (uploads get more).
    weight: int = 1
    # The view answers an accepted request in place (200), not with a redirect.
    answers_in_place: bool = False
    # Instead of a role of organisation A, a service-desk operator (wpo/service): "verified" (their
    # session typed a code of their app) or "new" (no app yet).
    operator: str = ""

    @property
    def id(self) -> str:
        return self.url if self.method == "post" else f"{self.url}[GET]"


def _to_step(ctx: Context, step: Step) -> None:
    from wpo.trajectories.workflow import move

    road = [Step.PRACTISING, Step.WORKING, Step.LOOKING_BACK, Step.INDEPENDENT, Step.ASSESSING]
    pa = ctx.a.pa
    for next_step in road[: road.index(step) + 1]:
        move(pa, next_step, actor=ctx.a.participant if next_step in road[:3] else ctx.a.trainer)


def _pa(step: Step | None = None, **keys: st.SearchStrategy[str]) -> Callable[[Context], Prepared]:
    def prepare(ctx: Context) -> Prepared:
        if step:
            _to_step(ctx, step)
        return Prepared({"pa_id": ctx.a.pa.pk}, keys=dict(keys))

    return prepare


def _steps() -> st.SearchStrategy[str]:
    return st.sampled_from([str(v) for v in Step.values])


def _triage(ctx: Context) -> Prepared:
    from wpo.coaching.early_signals import SNOOZABLE

    return Prepared(
        {"trajectory_id": ctx.a.trajectory.pk},
        keys={"soort": st.sampled_from([kind.code for kind in SNOOZABLE] + ["probleem", ""])},
    )


def _card(ctx: Context) -> Prepared:
    from wpo.accounts.services import login_card_issue

    issued = login_card_issue(participant=ctx.a.participant, issued_by=ctx.a.trainer)
    return Prepared({"token": issued.token}, keys={"pin": st.sampled_from([issued.pin, "0000", "123456"])})


def _login(ctx: Context) -> Prepared:
    names = [p.user.username for p in (ctx.a.participant, ctx.a.coach, ctx.b.trainer)]
    return Prepared(keys={"username": st.sampled_from(names), "password": st.just(PASSWORD)})


# Issuers the server must never fetch (tests/attacks/test_sso_fetch.py), next to good ones.
SSO_ISSUERS = [
    "https://login.microsoftonline.com/tenant-id/v2.0",
    "https://idp.example.org/",
    "http://idp.example.org",
    "https://127.0.0.1:8000",
    "https://10.0.0.1",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]",
    "https://[::ffff:127.0.0.1]",
    "https://localhost",
    "https://user:pw@idp.example.org",
    "https://idp.example.org:99999",
    "file:///etc/passwd",
    "javascript:alert(1)",
]


def _sso_settings(ctx: Context) -> Prepared:
    from wpo.accounts.models import OidcDomain, OidcProvider

    # Organisation B holds a verified domain that A's administrator must not be able to claim.
    theirs = OidcProvider.objects.create(
        organization=ctx.b.org, display_name="B", issuer="https://idp.example.org", client_id="b"
    )
    OidcDomain.objects.create(organization=ctx.b.org, provider=theirs, domain="zuid.example", verified=True)
    domains = ["noord.example", "Zuid.Example", "noord.example, noord.example", "@a.nl, b.nl", "geen domein", ", ,"]
    return Prepared(
        keys={
            "issuer": st.sampled_from(SSO_ISSUERS),
            "enabled": st.sampled_from(["on", ""]),
            "email_domains": st.sampled_from(domains),
        }
    )


def _certificate(ctx: Context) -> Prepared:
    return Prepared({"certificate_id": make_certificate(ctx.a).pk})


def _batch(ctx: Context) -> Prepared:
    ids = [str(make_certificate(ctx.a).pk), "0", str(make_certificate(ctx.b).pk)]
    return Prepared(keys={"certificaten": st.sampled_from(ids), "mensen": st.sampled_from(ids)})


def _skill(ctx: Context) -> Prepared:
    hard = "Ik vind het moeilijk om te vragen\nIk vind het moeilijk om te wachten"
    better = "Ik wil beter worden in vragen\nIk wil beter worden in wachten"
    return Prepared(
        {"skill_id": ctx.a.skill.pk},
        keys={
            "choice_card_hard_text": st.sampled_from([hard, hard + "\nIk vind het moeilijk om x", "Ik"]),
            "choice_card_better_text": st.sampled_from([better, better + "\n" + better]),
            "code": st.sampled_from(["eigen-skill", ctx.a.skill.code, ctx.b.skill.code, "A B", "x" * 60]),
        },
    )


# Questions that must be refused with a message, cheaply (tests/attacks/test_yaml_bomb.py): aliases that
# multiply ("billion laughs"), an anchor alone, a merge key, nesting, too long, too many questions.
HOSTILE_YAML = [
    '- &a "lol"\n- &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n'
    "- &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n- [*c, *c, *c]\n",
    "- &q {kind: order, prompt: x, steps: [a, b, c]}\n" + "- *q\n" * 50,
    "- {<<: *q}\n",
    "- " + "[" * 200 + "]" * 200 + "\n",
    "- kind: order\n  prompt: " + "x" * 31_000 + "\n",
    "".join(f"- {{kind: order, prompt: v{i}, steps: [a, b, c]}}\n" for i in range(40)),
]


def _assignment(ctx: Context) -> Prepared:
    from wpo.curriculum.forms import AssignmentForm
    from wpo.curriculum.models import Assignment

    assignment = Assignment.objects.filter(subskill__skill=ctx.a.skill).first()
    assert assignment and assignment.current_version
    initial = AssignmentForm.initial_from(assignment.current_version.content)
    keys = {k: st.sampled_from([str(v), str(v) + "\n" + str(v)]) for k, v in initial.items()}
    keys["action"] = st.sampled_from(["publish", "preview", ""])
    keys["questions"] = st.sampled_from(
        [initial["questions"], "- kind: order\n  steps: [a]", "{", "[]", "- 1", *HOSTILE_YAML]
    )
    return Prepared({"assignment_id": assignment.pk}, keys=keys)


def _skill_new(ctx: Context) -> Prepared:
    prepared = _skill(ctx)
    prepared.kwargs = {}
    return prepared


def _visit(held: bool = False, days: int = 7) -> Callable[[Context], Prepared]:
    def prepare(ctx: Context) -> Prepared:
        visit = make_visit(ctx.a.org, ctx.a.coach, ctx.a.department, days_from_now=days, held=held)
        owners = st.sampled_from([str(ctx.a.trainer.pk), str(ctx.a.coach.pk), str(ctx.b.trainer.pk)])
        keys = {"owner": owners, "trainers": st.sampled_from([str(ctx.a.trainer.pk), str(ctx.b.trainer.pk)])}
        for n in range(3):
            keys[f"actie-{n}-owner"] = owners
        keys.update({f"actie-{k}": st.sampled_from(["3", "0", "11", "x"]) for k in ("TOTAL_FORMS", "INITIAL_FORMS")})
        return Prepared({"visit_id": visit.pk}, keys=keys)

    return prepare


def _visit_plan(ctx: Context) -> Prepared:
    return Prepared(query=f"?afdeling={ctx.a.department.pk}", keys={"trainers": st.just(str(ctx.a.trainer.pk))})


def _action(ctx: Context) -> Prepared:
    visit = make_visit(ctx.a.org, ctx.a.coach, ctx.a.department, days_from_now=-1, held=True)
    action = visit.actions.create(
        organization=ctx.a.org,
        description="x",
        owner=ctx.a.trainer,
        due_on=timezone.localdate(),
        created_by=ctx.a.coach,
    )
    return Prepared({"action_id": action.pk}, keys={"klaar": st.just("ja"), "terug": st.just("lijst")})


def _problem(ctx: Context) -> Prepared:
    problem = make_problem(ctx.a.trainer, trajectory=ctx.a.trajectory)
    return Prepared({"problem_id": problem.pk}, keys={"version": st.sampled_from(["0", "1", "2"])})


def _raise(ctx: Context) -> Prepared:
    return Prepared(keys={"trajectory": st.sampled_from([str(ctx.a.trajectory.pk), str(ctx.b.trajectory.pk)])})


def _meeting(ctx: Context) -> Prepared:
    meeting = make_meeting(ctx.a.org, ctx.a.coach, [ctx.a.trainer, ctx.a.participant])
    people = [str(p.pk) for p in (ctx.a.trainer, ctx.a.participant, ctx.b.trainer)]
    keys = {"trainers": st.sampled_from(people), "participants": st.sampled_from(people)}
    return Prepared({"meeting_id": meeting.pk}, keys=keys)


def _meeting_record(ctx: Context) -> Prepared:
    meeting = make_meeting(
        ctx.a.org, ctx.a.coach, [ctx.a.trainer, ctx.a.participant], starts_at=timezone.now() - timedelta(days=1)
    )
    states = st.sampled_from(["present", "absent", "excused", "invited", "x"])
    keys = {f"persoon_{p.pk}": states for p in (ctx.a.trainer, ctx.a.participant, ctx.b.trainer)}
    return Prepared({"meeting_id": meeting.pk}, keys=keys)


def _meeting_plan(ctx: Context) -> Prepared:
    people = [str(p.pk) for p in (ctx.a.trainer, ctx.a.participant, ctx.b.trainer)]
    return Prepared(
        query="?soort=intervision",
        keys={"kind": st.sampled_from(["intervision", "kickoff", "x"]), "trainers": st.sampled_from(people)},
    )


def _person(ctx: Context) -> Prepared:
    roles = st.sampled_from([str(r) for r in Role] + ["superuser", ""])
    return Prepared({"person_id": ctx.a.participant.pk}, keys={"roles": roles})


def _person_new(ctx: Context) -> Prepared:
    prepared = _person(ctx)
    prepared.kwargs = {}
    return prepared


# The idempotency key of an answer sent from a phone (issue 18): new, repeated, empty or not a UUID.
SENT_KEYS = st.one_of(st.uuids().map(str), st.sampled_from(["1b4e28ba-2fa1-41d2-883f-0016d3cca427", "", "x"]))


def _answer(ctx: Context) -> Prepared:
    prepared = _pa(
        Step.PRACTISING,
        answer=st.sampled_from(["0", "1", "Waar"]),
        position=st.just("1"),
        idempotency_key=SENT_KEYS,
    )(ctx)
    prepared.kwargs["number"] = 1
    return prepared


def _department(ctx: Context) -> Prepared:
    return Prepared({"department_id": ctx.a.department.pk})


def _put_forward(ctx: Context) -> Prepared:
    from tests.factories import make_person

    newcomer = make_person(ctx.a.org, [], ctx.a.department)
    keys = {
        "employee": st.sampled_from([str(newcomer.pk), str(ctx.a.participant.pk), str(ctx.b.participant.pk), ""]),
        "department": st.sampled_from([str(ctx.a.department.pk), str(ctx.b.department.pk)]),
        "trainer": st.sampled_from([str(ctx.a.trainer.pk), str(ctx.b.trainer.pk), str(ctx.a.coach.pk)]),
        "source": st.sampled_from(["trainer", "employee", "coach", "x"]),
    }
    return Prepared(keys=keys)


def _interest(not_now: bool = False) -> Callable[[Context], Prepared]:
    def prepare(ctx: Context) -> Prepared:
        from tests.factories import make_interest
        from wpo.intake.services import interest_not_now

        interest = make_interest(ctx.a)
        if not_now:
            interest_not_now(actor=ctx.a.coach, interest=interest, reason="Later.")
        statuses = st.sampled_from(["interested", "invited", "not_now", "started", "x", ""])
        return Prepared(
            {"interest_id": interest.pk},
            keys={"expected": statuses, "richting": st.sampled_from(["omhoog", "omlaag", "x"])},
        )

    return prepare


def _start(ctx: Context) -> Prepared:
    from wpo.orgs.models import Person

    newcomer = Person.objects.create(organization=ctx.a.org, user=_user("nieuw"), is_participant=True)
    skill = str(ctx.a.skill.pk)
    keys = {
        f"skill_{skill}": st.sampled_from(["on", ""]),
        f"self_{skill}": st.sampled_from(["1", "2", "3", "x"]),
        "participant": st.sampled_from([str(newcomer.pk), str(ctx.a.participant.pk), str(ctx.b.participant.pk)]),
    }
    return Prepared(keys=keys)


def _user(name: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username=f"{name}-{timezone.now().timestamp()}", password=PASSWORD)


def _conversation(ctx: Context) -> Prepared:
    from wpo.trajectories.models import CoachingConversation

    conversation = CoachingConversation.objects.create(
        organization=ctx.a.org,
        trajectory=ctx.a.trajectory,
        participant_assignment=ctx.a.pa,
        planned_at=timezone.now() + timedelta(days=2),
    )
    return Prepared({"conversation_id": conversation.pk}, keys={"step_seen": _steps()})


def _trajectory(ctx: Context) -> Prepared:
    return Prepared(
        {"trajectory_id": ctx.a.trajectory.pk},
        keys={"expected_open": st.sampled_from(["0", "1", "2", "x", ""])},
    )


def _second_assessment(ctx: Context) -> Prepared:
    from wpo.trajectories.models import Assessment

    _to_step(ctx, Step.ASSESSING)
    assessment = Assessment.objects.create(
        organization=ctx.a.org,
        participant_assignment=ctx.a.pa,
        assessor=ctx.a.trainer,
        judgement="achieved",
        assessed_at=timezone.now(),
        second_assessor=ctx.a.coach,
    )
    return Prepared({"assessment_id": assessment.pk})


def _differing_assessment(ctx: Context) -> Prepared:
    """Two judgements that differ: the talk and its outcome are open (the fair sign-off, issue 16)."""
    prepared = _second_assessment(ctx)
    from wpo.trajectories.models import Assessment

    Assessment.objects.filter(pk=prepared.kwargs["assessment_id"]).update(second_judgement="not_yet")
    return prepared


def _skill_close(ctx: Context) -> Prepared:
    from tests.factories import achieve

    achieve(ctx.a)
    return Prepared(
        {"chosen_skill_id": ctx.a.trajectory.chosen_skills.get().pk},
        keys={"level": st.sampled_from(["A", "B", "C", "D", ""]), "pa": st.just(str(ctx.a.pa.pk))},
    )


def _ids(ctx: Context) -> st.SearchStrategy[str]:
    from wpo.curriculum.models import Assignment

    mine = [str(a.pk) for a in Assignment.objects.filter(subskill__skill=ctx.a.skill)]
    theirs = [str(a.pk) for a in Assignment.objects.filter(subskill__skill=ctx.b.skill)]
    return st.sampled_from(mine + theirs[:2])


def _give_next(ctx: Context) -> Prepared:
    from tests.factories import achieve

    achieve(ctx.a)
    return Prepared({"pa_id": ctx.a.pa.pk}, keys={"assignment": _ids(ctx)})


def _started(ctx: Context) -> None:
    from wpo.trajectories.models import Phase
    from wpo.trajectories.workflow import set_phase

    set_phase(ctx.a.trajectory, Phase.LEARN_WORK, actor=ctx.a.trainer)


def _evaluation_plan(ctx: Context) -> Prepared:
    _started(ctx)
    people = st.sampled_from([str(ctx.a.coach.pk), str(ctx.b.coach.pk), str(ctx.a.participant.pk)])
    return Prepared({"trajectory_id": ctx.a.trajectory.pk}, keys={"attendees": people})


def _evaluation_record(ctx: Context) -> Prepared:
    from tests.factories import make_skill
    from wpo.evaluations.models import InterimEvaluation

    _started(ctx)
    evaluation = InterimEvaluation.objects.create(
        organization=ctx.a.org, trajectory=ctx.a.trajectory, planned_at=timezone.now() + timedelta(days=2)
    )
    chosen = [str(c.pk) for t in (ctx.a, ctx.b) for c in t.trajectory.chosen_skills.all()]
    new = [str(make_skill(ctx.a.org).pk), str(ctx.a.skill.pk), str(ctx.b.skill.pk)]
    ends_on = ctx.a.trajectory.ends_on
    dates = [(ends_on + timedelta(days=d)).isoformat() for d in (-1, 0, 30, 400)]
    return Prepared(
        {"evaluation_id": evaluation.pk},
        keys={
            "skills_fit": st.sampled_from(["keep", "add", "drop", "swap", "x"]),
            "skill_out": st.sampled_from(chosen),
            "skill_in": st.sampled_from(new),
            "period": st.sampled_from(["stands", "extend", "x"]),
            "new_ends_on": st.sampled_from(dates),
            "seen_ends_on": st.sampled_from([ends_on.isoformat(), dates[2]]),
            "feeling": st.sampled_from(["good", "bit", "not_yet", "x"]),
        },
    )


def _invitation(ctx: Context) -> Prepared:
    from ..factories import make_invitation

    return Prepared({"token": make_invitation(ctx.a.administrator.user, ctx.a.org)})


def _second_request(ctx: Context) -> Prepared:
    _to_step(ctx, Step.ASSESSING)
    coaches = st.sampled_from([str(ctx.a.coach.pk), str(ctx.b.coach.pk), str(ctx.a.trainer.pk)])
    return Prepared({"pa_id": ctx.a.pa.pk}, keys={"coach": coaches, "expected_step": _steps()})


def _national_draft(ctx: Context) -> Prepared:
    """The method owner's editor (organisation A's content editor given the national right) and a
    national assignment changed in the draft edition, so that the draft exists and can be numbered."""
    from django.contrib.auth.models import Permission

    from tests.factories import make_skill
    from wpo.curriculum.models import Assignment, Edition
    from wpo.curriculum.services import assignment_save
    from wpo.orgs.models import Person

    ctx.a.content_editor.user.user_permissions.add(Permission.objects.get(codename="edit_national_curriculum"))
    editor = Person.objects.select_related("user").get(pk=ctx.a.content_editor.pk)
    national = make_skill(None)
    Edition.objects.create(
        number="2025.1", year=2025, sequence=1, status=Edition.Status.PUBLISHED, published_at=timezone.now()
    )
    assignment = Assignment.objects.filter(subskill__skill=national).first()
    assert assignment is not None and assignment.current_version is not None
    content = {**assignment.current_version.content, "title": "Een nieuwe titel"}
    assignment_save(assignment=assignment, content=content, actor=editor)
    numbers = ["2026.1", "2026.2", "2025.1", "2025.2", "2026", "2026.0", "26.1", "", " 2026.3 "]
    return Prepared(keys={"number": st.sampled_from(numbers)})


def _local_example(ctx: Context) -> Prepared:
    """A national assignment: organisation A's administrator puts A's own photo and line beside it
    (another organisation's reach is tests/attacks/test_edition_tenancy.py)."""
    from tests.factories import make_skill
    from wpo.curriculum.models import Assignment

    national = Assignment.objects.filter(subskill__skill=make_skill(None)).first()
    assert national is not None
    return Prepared(
        {"assignment_id": national.pk},
        keys={"action": st.sampled_from(["", "delete", "save"]), "remove_photo": st.sampled_from(["", "on"])},
    )


TARGETS: list[Target] = [
    # accounts
    Target(
        "accounts:login",
        None,
        (accounts_forms.LoginForm,),
        prepare=_login,
        writes_when_refused=frozenset({"accounts_loginfailure"}),
    ),
    Target(
        "accounts:card_login",
        None,
        (accounts_forms.PinForm,),
        prepare=_card,
        writes_when_refused=frozenset({"accounts_logincard", "accounts_loginfailure"}),
    ),
    Target(
        "accounts:two_factor",
        Role.COACH,
        (accounts_forms.CodeForm,),
        prepare=lambda ctx: Prepared(keys={"action": st.sampled_from(["start", "confirm", "disable", ""])}),
        answers_in_place=True,  # "start" shows a new, unconfirmed device on the same page
    ),
    Target("accounts:security_settings", Role.ADMINISTRATOR, (accounts_forms.SecurityPolicyForm,)),
    Target("accounts:sso_settings", Role.ADMINISTRATOR, (accounts_forms.OidcProviderForm,), prepare=_sso_settings),
    Target("accounts:sso_start", None, (accounts_forms.SsoStartForm,)),
    # audit and privacy
    Target("audit:log", Role.ADMINISTRATOR, (audit_forms.LogFilterForm,), method="get"),
    Target("privacy:retention", Role.ADMINISTRATOR, (privacy_forms.PrivacySettingsForm,)),
    Target(
        "privacy:anonymise",
        Role.ADMINISTRATOR,
        (privacy_forms.AnonymiseForm,),
        prepare=lambda ctx: Prepared({"person_id": ctx.a.participant.pk}),
    ),
    # certificates
    Target("certificates:revoke", Role.COACH, (certificates_forms.RevokeForm,), prepare=_certificate),
    Target("certificates:batch_new", Role.COACH, (certificates_forms.BatchForm,), prepare=_batch),
    Target("certificates:list", Role.COACH, (certificates_forms.ListFilterForm,), method="get"),
    Target("certificates:verify_form", None, (certificates_forms.VerifyForm,), method="get"),
    # coaching
    Target("coaching:overview", Role.COACH, (coaching_views.OverviewFilter,), method="get"),
    Target("coaching:signal_settings", Role.COACH, (coaching_views.SignalSettingsForm,)),
    # The triage of one signal of the world's trajectory; its signals may or may not be raised.
    Target("coaching:signal_snooze", Role.COACH, (coaching_forms.SnoozeForm,), prepare=_triage),
    Target("coaching:signal_wake", Role.COACH, (coaching_forms.WakeForm,), prepare=_triage),
    Target("coaching:signal_discussed", Role.COACH, (coaching_forms.DiscussedForm,), prepare=_triage),
    # curriculum: the content editor's forms; the curriculum exchange import is a management
    # command (tests/property/test_curriculum_import.py)
    Target(
        "curriculum:assignment_edit",
        Role.CONTENT_EDITOR,
        (curriculum_forms.AssignmentForm,),
        files={"video_file": 0},
        prepare=_assignment,
        weight=2,
    ),
    Target(
        "curriculum:skill_new",
        Role.CONTENT_EDITOR,
        (curriculum_forms.SkillForm, curriculum_forms.SubSkillForm),
        prefixes=("", "sub1", "sub2"),
        files={"pictogram_file": 50_000},
        prepare=_skill_new,
        weight=2,
    ),
    Target(
        "curriculum:skill_edit",
        Role.CONTENT_EDITOR,
        (curriculum_forms.SkillForm, curriculum_forms.SubSkillForm),
        prefixes=("", "sub1", "sub2"),
        files={"pictogram_file": 50_000},
        prepare=_skill,
    ),
    # The national editions (only with the national right) and an organisation's own example.
    Target("curriculum:edition_draft", Role.CONTENT_EDITOR, (curriculum_forms.EditionForm,), prepare=_national_draft),
    Target(
        "curriculum:local_example_edit",
        Role.ADMINISTRATOR,
        (curriculum_forms.LocalExampleForm,),
        files={"photo": 15 * 1024 * 1024},
        prepare=_local_example,
        weight=3,
    ),
    # evaluations (phase 3): plan, and record with a spoken answer, a change of skills, an extension
    Target("evaluations:plan", Role.TRAINER, (evaluations_forms.PlanForm,), prepare=_evaluation_plan),
    Target(
        "evaluations:detail",
        Role.TRAINER,
        (evaluations_forms.RecordForm,),
        files={"voice_note": 15 * 1024 * 1024},
        prepare=_evaluation_record,
        weight=3,
    ),
    # followup
    Target("followup:visit_plan", Role.COACH, (followup_forms.VisitForm,), prepare=_visit_plan),
    Target("followup:visit_plan", Role.COACH, (followup_forms.ChooseDepartmentForm,), method="get"),
    Target("followup:visit_edit", Role.COACH, (followup_forms.VisitForm,), prepare=_visit()),
    Target(
        "followup:visit_record",
        Role.COACH,
        (followup_forms.RecordVisitForm, followup_forms.ActionForm),
        prefixes=("", "actie-0", "actie-1", "actie-2"),
        prepare=_visit(days=-1),
    ),
    Target("followup:action_add", Role.COACH, (followup_forms.RequiredActionForm,), prepare=_visit(held=True, days=-1)),
    Target("followup:action_toggle", Role.TRAINER, prepare=_action),
    Target("followup:visits", Role.COACH, (followup_forms.VisitFilterForm,), method="get"),
    Target("followup:problem_raise", Role.TRAINER, (followup_forms.RaiseProblemForm,), prepare=_raise),
    Target("followup:problem_change", Role.COACH, (followup_forms.ProblemChangeForm,), prepare=_problem),
    Target("followup:problem_comment", Role.COACH, (followup_forms.CommentForm,), prepare=_problem),
    Target("followup:problems", Role.COACH, (followup_forms.ProblemFilterForm,), method="get"),
    # learn: the participant's look-back (photos, voice notes) and questions
    Target(
        "learn:look_back",
        Role.PARTICIPANT,
        (learn_forms.LookBackQuestionForm,),
        prefixes=("v0", "v1", "v2"),
        files={f"v{n}-{kind}": 15 * 1024 * 1024 for n in range(3) for kind in ("photo", "voice_note")},
        prepare=_pa(Step.LOOKING_BACK, idempotency_key=SENT_KEYS),
        weight=4,
    ),
    Target(
        "learn:ask",
        Role.PARTICIPANT,
        (learn_forms.QuestionForConversationForm,),
        files={"voice_note": 15 * 1024 * 1024},
        prepare=lambda ctx: Prepared(keys={"idempotency_key": SENT_KEYS}),
        weight=3,
    ),
    Target("learn:display", Role.PARTICIPANT, (learn_forms.DisplayForm,)),
    Target(
        "learn:answer",
        Role.PARTICIPANT,
        prepare=_answer,
        answers_in_place=True,
    ),
    # meetings
    # intake (phase 1): put forward, and the coach's moves
    Target("intake:put_forward", Role.TRAINER, (intake_forms.PutForwardForm,), prepare=_put_forward),
    Target("intake:interest_start", Role.COACH, (intake_forms.StartForm,), prepare=_interest()),
    Target("intake:interest_not_now", Role.COACH, (intake_forms.NotNowForm,), prepare=_interest()),
    Target("intake:interest_invite", Role.COACH, (intake_forms.NoteForm,), prepare=_interest()),
    Target("intake:interest_back", Role.COACH, (intake_forms.NoteForm,), prepare=_interest(not_now=True)),
    Target("intake:interest_move", Role.COACH, prepare=_interest()),
    Target("meetings:plan", Role.COACH, (meetings_forms.MeetingForm,), prepare=_meeting_plan),
    Target("meetings:change", Role.COACH, (meetings_forms.MeetingForm,), prepare=_meeting),
    Target("meetings:record", Role.COACH, (meetings_forms.AttendanceForm,), prepare=_meeting_record),
    # orgs: people, departments, the CSV import (upload here; preview and confirm in test_people_import.py)
    Target("orgs:person_new", Role.ADMINISTRATOR, (orgs_forms.PersonForm,), prepare=_person_new),
    Target("orgs:person_edit", Role.ADMINISTRATOR, (orgs_forms.PersonForm,), prepare=_person),
    Target("orgs:department_new", Role.ADMINISTRATOR, (orgs_forms.DepartmentForm,)),
    Target("orgs:department_edit", Role.ADMINISTRATOR, (orgs_forms.DepartmentForm,), prepare=_department),
    Target(
        "orgs:import_upload",
        Role.ADMINISTRATOR,
        (orgs_forms.PeopleImportForm,),
        files={"file": 2 * 1024 * 1024},
        weight=3,
    ),
    Target("orgs:organization", Role.ADMINISTRATOR, (orgs_forms.LogoForm,), files={"logo": LOGO_MAX}, weight=3),
    # reports
    Target("reports:report", Role.PROJECT_MANAGER, (reports_forms.ReportFilterForm,), method="get"),
    # service desk (servicebeheer): the operator's forms, and the invitation's password page
    Target("service:organization_new", None, (service_forms.OrganizationForm,), operator="verified"),
    Target(
        "service:organization_suspend",
        None,
        (service_forms.SuspendForm,),
        operator="verified",
        prepare=lambda ctx: Prepared({"organization_id": ctx.a.org.pk}),
    ),
    Target(
        "service:two_factor",
        None,
        (service_forms.OperatorCodeForm,),
        operator="new",
        answers_in_place=True,  # shows a new, unconfirmed device on the same page
    ),
    Target(
        "service:organization_close",
        None,
        (service_forms.CloseForm,),
        operator="verified",
        # Organisation A is not suspended: closing is refused whatever is typed, and nothing is written.
        prepare=lambda ctx: Prepared({"organization_id": ctx.a.org.pk}),
    ),
    Target("service:invitation", None, (service_forms.InvitationPasswordForm,), prepare=_invitation),
    # e-learning packages: the editor's upload of a .zip as an assignment's practice part
    Target(
        "packages:upload",
        Role.CONTENT_EDITOR,
        (packages_forms.PackageUploadForm,),
        files={"file": 0},
        prepare=lambda ctx: Prepared({"assignment_id": ctx.a.pa.version.assignment_id}),
        weight=2,
    ),
    # trajectories
    Target("trajectories:start", Role.TRAINER, (trajectories_forms.StartForm,), prepare=_start),
    Target("trajectories:introduce", Role.TRAINER, (trajectories_forms.WorkAdaptationForm,), prepare=_pa()),
    Target(
        "trajectories:observe",
        Role.TRAINER,
        (trajectories_forms.ObservationForm,),
        files={"photo": 15 * 1024 * 1024},
        prepare=_pa(Step.WORKING, behaviours=st.sampled_from(["Vraagt om hulp", "x"])),
        weight=3,
    ),
    Target(
        "trajectories:conversation_plan",
        Role.TRAINER,
        (trajectories_forms.ConversationForm,),
        prepare=lambda ctx: Prepared({"trajectory_id": ctx.a.trajectory.pk}),
    ),
    Target(
        "trajectories:conversation_edit", Role.TRAINER, (trajectories_forms.ConversationForm,), prepare=_conversation
    ),
    Target("trajectories:conversation", Role.TRAINER, (trajectories_forms.RecordForm,), prepare=_conversation),
    Target(
        "trajectories:assessment_start",
        Role.TRAINER,
        prepare=_pa(Step.INDEPENDENT, expected_step=_steps()),
    ),
    Target(
        "trajectories:assessment_record",
        Role.TRAINER,
        (trajectories_forms.AssessmentForm,),
        prepare=_pa(Step.ASSESSING, expected_step=_steps()),
    ),
    Target("trajectories:second_assessor_request", Role.TRAINER, prepare=_second_request),
    Target(
        "trajectories:second_assessment_record",
        Role.COACH,
        (trajectories_forms.SecondJudgementForm,),
        prepare=_second_assessment,
    ),
    Target(
        "trajectories:independence_day_record",
        Role.TRAINER,
        (trajectories_forms.IndependenceDayForm,),
        prepare=_pa(Step.INDEPENDENT),
    ),
    Target(
        "trajectories:assessment_talk_plan",
        Role.TRAINER,
        (trajectories_forms.TalkForm,),
        prepare=_differing_assessment,
    ),
    Target(
        "trajectories:assessment_outcome_record",
        Role.TRAINER,
        (trajectories_forms.OutcomeForm,),
        prepare=_differing_assessment,
    ),
    Target("trajectories:give_next", Role.TRAINER, prepare=_give_next),
    Target("trajectories:skill_close", Role.COACH, prepare=_skill_close),
    Target(
        "trajectories:trajectory_close", Role.TRAINER, (trajectories_forms.CloseTrajectoryForm,), prepare=_trajectory
    ),
    Target("trajectories:trajectory_stop", Role.TRAINER, (trajectories_forms.StopTrajectoryForm,), prepare=_trajectory),
]
