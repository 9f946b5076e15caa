"""Who may read the report, and the rows it counts: built on ``wpo.orgs.access``.

The report holds figures only, no names of participants. The project manager reports them to
clients; the coach (who keeps the overview of every trajectory) and the administrator may read
them too. Werkplekopleiders, participants and content editors may not. This tuple is the one
place that says so: the views' decorator and ``report_scope`` both use it.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from wpo.lib.db_router import reads_from_replica
from wpo.orgs.access import View, ability_required, in_org
from wpo.orgs.models import Department, Organization, Person
from wpo.orgs.permissions import Ability, may
from wpo.trajectories.models import ParticipantAssignment, Trajectory, TrajectorySkill


def may_read_report(person: Person) -> bool:
    return may(person, Ability.READ_REPORT)


def report_view(view: View) -> View:
    """Decorator for every report view (page and exports); their reads go to the replica, if any."""
    return ability_required(Ability.READ_REPORT)(reads_from_replica(view))


@dataclass(frozen=True)
class ReportScope:
    """Everything the report may count: one organisation's rows, nothing else."""

    organization: Organization
    trajectories: QuerySet[Trajectory]
    assignments: QuerySet[ParticipantAssignment]
    chosen_skills: QuerySet[TrajectorySkill]
    departments: QuerySet[Department]


def report_scope(person: Person) -> ReportScope:
    if not may_read_report(person):
        raise PermissionDenied
    return ReportScope(
        organization=person.organization,
        trajectories=in_org(person, Trajectory),
        assignments=in_org(person, ParticipantAssignment),
        chosen_skills=in_org(person, TrajectorySkill),
        departments=in_org(person, Department),
    )
