"""The ‘Wat doe je nu?’ box: short help for one role at one step or phase, folded open with a tap.

Use it in any template::

    {% load guidance %}
    {% guidance_for "trainer" pa.step %}          a step: a Step, its value ("working"), or the
    {% guidance_for "trainer" pa %}               ParticipantAssignment itself
    {% guidance_for "coach" trajectory.phase %}   a phase: a Phase or 1..4
    {% guidance_for "coach" trajectory %}         the trajectory's phase
    {% guidance_for "trainer" trajectory %}       the step of the trajectory's newest open assignment
    {% guidance_for "participant" item.pa %}      the participant's own, very simple words
    {% guidance_for "trainer" "elke-dag" %}       a theme, by its anchor on the help page
    {% guidance_for "coach" 2 open=True %}        shown unfolded

or, without a ``load`` line, ``{% include "guidance/box.html" with role="coach" subject=trajectory.phase %}``.

The role is a ``Role`` value or its Dutch name: ``trainer``/``werkplekopleider``, ``coach``,
``project_manager``/``projectmanager``, ``participant``/``deelnemer``. Theme anchors: trainer
``aanmelden``, ``startgesprek``, ``elke-dag``, ``observeren``, ``werk-aanpassen``, ``tweede-beoordelaar``;
project manager ``inbedden``, ``rapporteren``, ``escalaties``; participant ``begin``; phases
``fase-start`` … ``fase-afsluiting``; steps ``stap-klaargezet`` … ``stap-gestopt``.

``{% trajectory_guidance trajectory %}`` (or ``{% include "guidance/trajectory.html" %}``) is what
the trajectory page shows: the coach's box for the phase when the reader is a coach, and the
trainer's box for the current step.

When there is no help for the subject, nothing is rendered: a page never breaks on its help box.
No tag runs a query; a trajectory's assignments are read from its prefetched list when there is one.
"""

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, OnTrajectory, may, may_on
from wpo.trajectories.models import ParticipantAssignment, Phase, Step, Trajectory

from ..content import COACH, PARTICIPANT, TRAINER, Guide, Kind, Text, Topic, guide_for

register = template.Library()

MORE: dict[Kind, Text] = {
    Kind.STEP: _("Meer hulp bij deze stap"),
    Kind.PHASE: _("Meer hulp bij deze fase"),
    Kind.TOPIC: _("Meer hulp"),
}


def current_assignment(trajectory: Trajectory) -> ParticipantAssignment | None:
    """The assignment the trainer works on now: the newest open one, else the newest one."""
    assignments = sorted(trajectory.assignments.all(), key=lambda pa: (pa.created_at, pa.pk), reverse=True)
    return next((pa for pa in assignments if pa.is_open), assignments[0] if assignments else None)


def topic_for(guide: Guide, subject: object) -> tuple[Topic | None, ParticipantAssignment | None]:
    """The topic of ``guide`` that ``subject`` points at, and the assignment it came from, if any."""
    if isinstance(subject, Trajectory):
        if guide.by_phase:
            return guide.for_phase(subject.phase), None
        subject = current_assignment(subject)
        if subject is None:
            return None, None
    if isinstance(subject, ParticipantAssignment):
        return guide.for_step(subject.step), subject
    if isinstance(subject, Step):
        return guide.for_step(subject), None
    if isinstance(subject, int):
        return guide.for_phase(subject), None
    if isinstance(subject, str):
        if subject in Step.values:
            return guide.for_step(subject), None
        if subject.isdigit():
            return guide.for_phase(int(subject)), None
        return guide.for_anchor(subject), None
    return None, None


def box(
    guide: Guide,
    topic: Topic,
    *,
    pa: ParticipantAssignment | None = None,
    question: Text | None = None,
    open: bool = False,
) -> dict[str, Any]:
    simple = guide is PARTICIPANT
    suffix = f"-{pa.pk}" if pa is not None else ""
    return {
        "guide": guide,
        "topic": topic,
        "question": question or guide.question,
        "url": guide.url(topic),
        "more": _("Bekijk alle stappen") if simple else MORE[topic.kind],
        "open": open,
        "simple": simple,
        "box_id": f"hulp-{guide.slug}-{topic.anchor}{suffix}",
    }


@register.inclusion_tag("guidance/_boxes.html")
def guidance_for(role: str, subject: object, open: bool = False) -> dict[str, Any]:
    """A ‘Wat doe je nu?’ box for ``role`` at ``subject``; see the module docstring."""
    guide = guide_for(role)
    if guide is None:
        return {"boxes": []}
    topic, pa = topic_for(guide, subject)
    return {"boxes": [box(guide, topic, pa=pa, open=open)] if topic else []}


def _reader(context: template.Context) -> Person | None:
    request = context.get("request")
    person = getattr(request, "person", None) or context.get("current_person")
    return person if isinstance(person, Person) else None


@register.inclusion_tag("guidance/_boxes.html", takes_context=True)
def trajectory_guidance(context: template.Context, trajectory: Trajectory) -> dict[str, Any]:
    """The trajectory page's help: the coach's phase box for a coach, the trainer's step box for everyone."""
    reader = _reader(context)
    boxes: list[dict[str, Any]] = []
    coach = COACH
    if reader is not None and may(reader, Ability.COACH_TRAJECTORIES) and coach is not None:
        topic = coach.for_phase(Phase.CLOSING if trajectory.closed_at else trajectory.phase)
        if topic is not None:
            boxes.append(box(coach, topic))
    if trajectory.status == Trajectory.Status.ACTIVE:
        topic, pa = topic_for(TRAINER, trajectory)
        if topic is not None:
            # ‘Wat doe je nu?’ for the trainer; a coach or manager reads what the trainer does.
            mine = reader is not None and (
                reader.pk == trajectory.trainer_id
                or (may_on(reader, OnTrajectory.WORK, trajectory) and not may(reader, Ability.FOLLOW_ALL_TRAJECTORIES))
            )
            question = TRAINER.question if mine else _("Wat doet de werkplekopleider nu?")
            boxes.append(box(TRAINER, topic, pa=pa, question=question))
    return {"boxes": boxes}
