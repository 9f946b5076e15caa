"""The national curriculum as numbered editions: a draft collects every national change, publishing
makes them all current in one transaction, and the loader publishes content files as an edition.

Only a holder of the national permission (``permissions.may_edit_editions``) changes the draft or
publishes it; an organisation's own skills never enter an edition (``content.assignment_save``
publishes those at once). Work in progress keeps the version it started with: publishing changes
which version is current, never a participant's assignment.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wpo.lib import clock
from wpo.lib.refusals import Refused
from wpo.orgs.models import Person
from wpo.orgs.permissions import may_edit_editions

from .. import content_format
from ..models import Assignment, AssignmentVersion, Edition, EditionSeen, Skill, SubSkill

# The content in content/ is the 2025 basic product: a database's first edition carries its number.
FIRST_EDITION = "2025.1"
FIRST_NOTES = "De eerste editie van de WPO-opdrachten."


@dataclass
class LoadReport:
    skills: int = 0
    subskills: int = 0
    assignments: int = 0
    new_versions: list[str] = field(default_factory=list)
    # The national edition the load published, or the published edition the files turned out to be.
    edition: str | None = None
    already: str | None = None


# Reading the editions -----------------------------------------------------------------------------


def latest_published() -> Edition | None:
    return Edition.objects.filter(status=Edition.Status.PUBLISHED).order_by("-year", "-sequence").first()


def current_draft() -> Edition | None:
    return Edition.objects.filter(status=Edition.Status.DRAFT).first()


def published_editions() -> QuerySet[Edition]:
    return Edition.objects.filter(status=Edition.Status.PUBLISHED).order_by("-year", "-sequence")


def _state_of(edition: Edition) -> dict[tuple[str, int, str], dict[str, Any]]:
    """The text of every national assignment as edition ``edition`` left it, by (skill, sub, level):
    per assignment the highest version of that edition, an earlier one, or from before editions."""
    up_to = Q(edition__isnull=True) | Q(
        Q(edition__year__lt=edition.year) | Q(edition__year=edition.year, edition__sequence__lte=edition.sequence),
        edition__status=Edition.Status.PUBLISHED,
    )
    versions = (
        AssignmentVersion.objects.filter(up_to, assignment__subskill__skill__organization__isnull=True)
        .select_related("assignment__subskill__skill")
        .order_by("number")
    )
    state: dict[tuple[str, int, str], dict[str, Any]] = {}
    for version in versions:  # ascending: the highest number wins
        a = version.assignment
        state[(a.subskill.skill.code, a.subskill.number, a.level)] = version.content
    return state


# The draft ---------------------------------------------------------------------------------------


def _require_national(actor: Person | None) -> None:
    if actor is None or not may_edit_editions(actor):
        raise Refused(_("Alleen een redacteur van de methode-eigenaar mag de landelijke edities bewerken."))


def _check_number(number: str, *, edition: Edition | None = None) -> tuple[int, int]:
    """The number's order, refused when it is malformed, taken, or not after every published edition."""
    order = Edition.order_of(number)
    if order is None:
        raise Refused(
            _("‘%(number)s’ is geen editienummer. Schrijf het jaar, een punt en een volgnummer, zoals 2026.1.")
            % {"number": number},
            field="number",
        )
    taken = Edition.objects.filter(number=number.strip())
    if edition is not None and edition.pk is not None:
        taken = taken.exclude(pk=edition.pk)
    if taken.exists():
        raise Refused(_("Editie %(number)s bestaat al. Kies een nieuw nummer.") % {"number": number}, field="number")
    latest = latest_published()
    if latest is not None and order <= (latest.year, latest.sequence):
        raise Refused(
            _("Het nummer moet na de laatste editie (%(latest)s) komen, bijvoorbeeld %(next)s.")
            % {"latest": latest.number, "next": next_number()},
            field="number",
        )
    return order


def next_number() -> str:
    """The number a new draft gets: the next release of this year, or this year's first."""
    latest = latest_published()
    year = clock.today().year
    if latest is None:
        return FIRST_EDITION
    if year > latest.year:
        return f"{year}.1"
    return f"{latest.year}.{latest.sequence + 1}"


def _locked_draft(*, create: bool) -> Edition | None:
    """The draft edition, locked for this transaction; made when ``create`` and there is none."""
    draft = Edition.objects.select_for_update().filter(status=Edition.Status.DRAFT).first()
    if draft is not None or not create:
        return draft
    number = next_number()
    year, sequence = Edition.order_of(number) or (0, 0)
    try:
        with transaction.atomic():
            return Edition.objects.create(number=number, year=year, sequence=sequence, status=Edition.Status.DRAFT)
    except IntegrityError:
        # Someone else made the draft (or took the number) at the same moment: use theirs.
        draft = Edition.objects.select_for_update().filter(status=Edition.Status.DRAFT).first()
        if draft is None:
            raise Refused(_("De concept-editie kon niet gemaakt worden. Probeer het nog een keer.")) from None
        return draft


@transaction.atomic
def edition_draft_update(*, actor: Person, number: str, notes: str) -> Edition:
    """Set the draft's number and release notes (making the draft when there is none)."""
    _require_national(actor)
    draft = _locked_draft(create=True)
    assert draft is not None
    number = number.strip()
    year, sequence = _check_number(number, edition=draft)
    notes = notes.strip()
    if len(notes) > content_format.MAX_NOTES:
        raise Refused(
            _("De tekst is te lang: hoogstens %(max)d tekens.") % {"max": content_format.MAX_NOTES}, field="notes"
        )
    draft.number, draft.year, draft.sequence, draft.notes = number, year, sequence, notes
    draft.save(update_fields=["number", "year", "sequence", "notes"])
    return draft


def draft_assignment_save(*, assignment: Assignment, content: dict[str, Any], actor: Person) -> AssignmentVersion:
    """Put checked content of a national assignment into the draft edition (made when there is none).

    Editing the same assignment again changes its draft version; content equal to the current
    version takes the assignment out of the draft again. Called by ``content.assignment_save`` in
    its transaction, with the assignment locked.
    """
    _require_national(actor)
    draft = _locked_draft(create=True)
    assert draft is not None
    pending = assignment.versions.filter(edition=draft).first()
    current = assignment.current_version
    if current is not None and current.content == content:
        if pending is not None:
            pending.delete()
        return current
    if pending is not None:
        pending.title, pending.content = content["title"], content
        pending.save(update_fields=["title", "content"])
        return pending
    last = assignment.versions.order_by("-number").first()
    return AssignmentVersion.objects.create(
        assignment=assignment,
        number=(last.number + 1) if last else 1,
        title=content["title"],
        content=content,
        edition=draft,
    )


@transaction.atomic
def draft_assignment_withdraw(*, assignment: Assignment, actor: Person) -> None:
    """Take an assignment's change out of the draft: it stays as the current edition has it."""
    _require_national(actor)
    draft = _locked_draft(create=False)
    if draft is None:
        return
    if Skill.objects.filter(pk=assignment.subskill.skill_id, edition=draft).exists():
        raise Refused(_("Een opdracht van een nieuwe skill hoort bij de editie van die skill."))
    AssignmentVersion.objects.filter(assignment=assignment, edition=draft).delete()


def draft_skill(actor: Person) -> Edition:
    """The draft edition a new national skill joins (made when there is none); the caller's
    transaction holds the lock."""
    _require_national(actor)
    draft = _locked_draft(create=True)
    assert draft is not None
    return draft


# Publishing --------------------------------------------------------------------------------------


def draft_problems(edition: Edition) -> list[str]:
    """What stands in the way of publishing ``edition``, in Dutch; empty when it can go out."""
    problems = []
    versions = list(edition.versions.select_related("assignment__subskill__skill"))
    new_skills = list(edition.new_skills.all())
    if not versions and not new_skills:
        problems.append(_("Er staat nog geen wijziging in deze editie."))
    if not edition.notes.strip():
        problems.append(_("Schrijf bij ‘Wat is er nieuw’ in gewone taal wat er veranderd is."))
    for skill in new_skills:
        empty = Assignment.objects.filter(subskill__skill=skill).exclude(versions__edition=edition).count()
        if empty:
            problems.append(
                ngettext(
                    "De nieuwe skill ‘%(name)s’ heeft nog %(count)d opdracht zonder tekst.",
                    "De nieuwe skill ‘%(name)s’ heeft nog %(count)d opdrachten zonder tekst.",
                    empty,
                )
                % {"name": skill.name, "count": empty}
            )
    from .content import assignment_check

    for version in versions:
        _checked, found, _score = assignment_check(version.content)
        if found:
            problems.append(
                _("‘%(title)s’ (%(code)s) voldoet niet meer aan de regels: %(problem)s")
                % {"title": version.title, "code": version.assignment.code, "problem": found[0]}
            )
    return problems


def _publish(edition: Edition, user: AbstractBaseUser | None) -> Edition:
    """Make every version of ``edition`` current, in the caller's transaction, with the edition
    and the assignments locked."""
    now = timezone.now()
    versions = list(edition.versions.order_by("assignment_id"))
    locked = {
        a.pk: a
        for a in Assignment.objects.select_for_update()
        .filter(pk__in=[v.assignment_id for v in versions])
        .order_by("pk")
    }
    for version in versions:
        assignment = locked[version.assignment_id]
        assignment.current_version = version
        assignment.save(update_fields=["current_version"])
    edition.versions.update(published_at=now, published_by=user)
    edition.status = Edition.Status.PUBLISHED
    edition.published_at = now
    edition.published_by = user  # type: ignore[assignment]
    edition.save(update_fields=["status", "published_at", "published_by"])
    return edition


@transaction.atomic
def edition_publish(*, edition: Edition, actor: Person) -> Edition:
    """Publish the draft edition: every changed assignment's new version becomes current, and new
    skills appear for every organisation, all in this one transaction."""
    _require_national(actor)
    locked = Edition.objects.select_for_update().filter(pk=edition.pk).first()
    if locked is None or not locked.is_draft:
        raise Refused(_("Deze editie is al gepubliceerd."))
    _check_number(locked.number, edition=locked)
    problems = draft_problems(locked)
    if problems:
        raise Refused(problems)
    return _publish(locked, actor.user)


# Who has read a new edition ----------------------------------------------------------------------


def edition_mark_seen(*, person: Person, edition: Edition) -> None:
    """Remember that ``person`` opened the page of a published edition (the notice then goes)."""
    if edition.is_draft:
        return
    EditionSeen.objects.get_or_create(
        organization_id=person.organization_id,
        person=person,
        edition=edition,
        defaults={"seen_at": timezone.now()},
    )


# Loading content files as an edition -------------------------------------------------------------


def _skill_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": data["name"],
        "order": data["order"],
        "explanation": data["explanation"],
        "pictogram_svg": data["pictogram_svg"],
        "choice_card_hard": data["choice_card"]["hard"],
        "choice_card_better": data["choice_card"]["better"],
    }


def _subskill_fields(sub: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": sub["name"],
        "description": sub["description"],
        "level_a": sub["levels"]["A"],
        "level_b": sub["levels"]["B"],
        "level_c": sub["levels"]["C"],
    }


SUBSKILL_FIELDS = ("name", "description", "level_a", "level_b", "level_c")


def _skill_changes(skills: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(codes of new national skills, codes of national skills whose text changed)."""
    existing = {s.code: s for s in Skill.objects.filter(organization__isnull=True).prefetch_related("subskills")}
    new, changed = [], []
    for data in skills:
        skill = existing.get(data["code"])
        if skill is None:
            new.append(data["code"])
            continue
        wanted = _skill_fields(data)
        stored_subs = {s.number: {k: getattr(s, k) for k in SUBSKILL_FIELDS} for s in skill.subskills.all()}
        wanted_subs = {sub["number"]: _subskill_fields(sub) for sub in data["subskills"]}
        if {k: getattr(skill, k) for k in wanted} != wanted or stored_subs != wanted_subs:
            changed.append(data["code"])
    return new, changed


def _assignment_changes(assignments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    current = {
        (a.subskill.skill.code, a.subskill.number, a.level): a.current_version.content if a.current_version else None
        for a in Assignment.objects.filter(subskill__skill__organization__isnull=True).select_related(
            "subskill__skill", "current_version"
        )
    }
    return [data for data in assignments if current.get((data["skill"], data["subskill"], data["level"])) != data]


def _is_state_of(edition: Edition, assignments: list[dict[str, Any]]) -> bool:
    state = _state_of(edition)
    return len(state) == len(assignments) and all(
        state.get((data["skill"], data["subskill"], data["level"])) == data for data in assignments
    )


def _matching_edition(assignments: list[dict[str, Any]]) -> Edition | None:
    """The newest published edition whose assignments are exactly these (the files are that edition)."""
    for edition in published_editions():
        if _is_state_of(edition, assignments):
            return edition
    return None


def edition_load(
    *, skills: list[dict[str, Any]], assignments: list[dict[str, Any]], number: str | None, notes: str | None
) -> LoadReport:
    """Publish checked content files (or an exchange document) as one national edition, in the
    caller's transaction. Unchanged content publishes nothing. Without a number, a database's first
    edition is 2025.1; later files that differ need a new number and release notes. Files that are
    an edition published before (content/ loaded again by ``make run`` after an editor published a
    later edition in the app) change nothing."""
    report = LoadReport(skills=len(skills), subskills=sum(len(s["subskills"]) for s in skills))
    report.assignments = len(assignments)
    new_skills, changed_skills = _skill_changes(skills)
    changed = _assignment_changes(assignments)
    if not (new_skills or changed_skills or changed):
        return report
    only_texts = not (new_skills or changed_skills)
    latest = latest_published()
    if number:
        number = number.strip()
        existing = Edition.objects.filter(number=number).first()
        if existing is not None:
            if existing.status == Edition.Status.PUBLISHED and only_texts and _is_state_of(existing, assignments):
                report.already = existing.number
                return report
            raise Refused(
                _("Editie %(number)s bestaat al en heeft andere teksten. Geef de nieuwe editie een eigen nummer.")
                % {"number": number}
            )
    elif latest is not None:
        match = _matching_edition(assignments) if only_texts else None
        if match is not None:
            report.already = match.number
            return report
        raise Refused(
            _(
                "De bestanden verschillen van editie %(latest)s (%(count)d opdracht(en), %(skills)d skill(s)). "
                "Publiceer ze als nieuwe editie met --edition (bijvoorbeeld %(next)s) en --notes."
            )
            % {
                "latest": latest.number,
                "count": len(changed),
                "skills": len(new_skills) + len(changed_skills),
                "next": next_number(),
            }
        )
    draft = current_draft()
    if draft is not None:
        raise Refused(
            _(
                "Er staat een concept-editie (%(number)s) klaar in de app. "
                "Publiceer die eerst of haal de wijzigingen eruit."
            )
            % {"number": draft.number}
        )
    number = number or FIRST_EDITION
    year, sequence = _check_number(number)
    if not (notes or "").strip():
        if latest is not None:
            raise Refused(
                _("Schrijf met --notes in gewone taal wat er in editie %(number)s nieuw is.") % {"number": number}
            )
        notes = FIRST_NOTES
    edition = Edition.objects.create(
        number=number, year=year, sequence=sequence, status=Edition.Status.DRAFT, notes=(notes or "").strip()
    )
    for data in skills:
        skill, created = Skill.objects.update_or_create(
            organization=None, code=data["code"], defaults=_skill_fields(data)
        )
        if created:
            skill.edition = edition
            skill.save(update_fields=["edition"])
        for sub in data["subskills"]:
            SubSkill.objects.update_or_create(skill=skill, number=sub["number"], defaults=_subskill_fields(sub))
    subskills = {
        (s.skill.code, s.number): s for s in SubSkill.objects.filter(skill__organization=None).select_related("skill")
    }
    for data in changed:
        assignment, _created = Assignment.objects.get_or_create(
            subskill=subskills[(data["skill"], data["subskill"])], level=data["level"]
        )
        last = assignment.versions.order_by("-number").first()
        AssignmentVersion.objects.create(
            assignment=assignment,
            number=(last.number + 1) if last else 1,
            title=data["title"],
            content=data,
            edition=edition,
        )
        report.new_versions.append(f"{data['skill']}/{data['subskill']}-{data['level']}")
    _publish(edition, None)
    report.edition = edition.number
    return report
