"""The curriculum as a person reads it, for other apps: content with their werkplekopleider's name
filled in (wording.py), a question's options in the order this participant sees them, the new
national edition a person has not read yet, and their organisation's own example beside an assignment."""

from django.db.models import Exists, OuterRef

from wpo.orgs.access import in_org
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, may

from .models import Edition, EditionSeen, LocalExample
from .wording import fill_content, fill_trainer, shuffled_indices, trainer_first_name

__all__ = [
    "fill_content",
    "fill_trainer",
    "local_example_for",
    "shuffled_indices",
    "trainer_first_name",
    "unseen_edition",
]


def unseen_edition(person: Person | None) -> Edition | None:
    """The newest published edition, for the notice "Nieuwe editie van de WPO-opdrachten": only when
    it follows an earlier edition (the first one is not news) and the person has not opened its page.
    One query."""
    if person is None or not may(person, Ability.FOLLOW_EDITIONS):
        return None
    seen = EditionSeen.objects.filter(person=person, edition=OuterRef("pk"))
    newest = list(
        Edition.objects.filter(status=Edition.Status.PUBLISHED)
        .annotate(seen=Exists(seen))
        .order_by("-year", "-sequence")[:2]
    )
    if len(newest) < 2 or newest[0].seen:
        return None
    return newest[0]


def local_example_for(person: Person, assignment_id: int) -> LocalExample | None:
    """The person's organisation's own example beside the assignment; another organisation's never."""
    return in_org(person, LocalExample).filter(assignment_id=assignment_id).first()
