"""Which figures may be shown: pure rules over counted cells, tried by tests/property/test_national_suppression.py.

A figure describes a set of participants (``people``) in a number of organisations (``orgs``).

1. *Threshold.* A national figure about fewer than ``MIN_PEOPLE`` participants or fewer than
   ``MIN_ORGS`` organisations is suppressed; an organisation's own figure about fewer than
   ``MIN_PEOPLE`` participants too.
2. *Complementary cells.* The cells of one breakdown (the skills chosen in a quarter, the assignments
   achieved per level) add up to a total somebody may know or work out. When exactly one of them is
   suppressed, the total minus the shown ones would reveal it, so the smallest other non-empty cell is
   suppressed as well (``suppress_complements``).
3. *National minus one's own.* Someone who also sees their own organisation's figure (the project
   manager, in the report) could subtract it from the national one and learn the figure of the other
   organisations together. A national figure is shown beside an organisation only when that rest still
   meets the thresholds (``rest_shown``): at least ``MIN_PEOPLE`` participants in at least ``MIN_ORGS``
   other organisations.

Cells with nobody in them are not stored and are shown as 0: "nobody" describes no person.

What these rules do not cover, knowingly:

- *Two organisations together.* Two project managers who pool their own figures could subtract both
  from a national one; the rest is then only promised to be about at least 2 other organisations, and
  it may be fewer than 10 people. Collusion is outside what the page can prevent.
- *Night after night.* The current quarter is recomputed every night, so yesterday's national figure
  and today's differ by what happened in between (a trajectory or two). Only the method owner's
  editors see national figures on their own, and the difference names nobody; a stricter choice would
  be to publish only whole quarters.
- *The share of differing second judgements* is shown when the judgements it is about meet the
  thresholds; how many of them differed may itself be small (a share of 2% of 50). It says that some
  second judgement differed somewhere, not whose.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MIN_PEOPLE = 10
MIN_ORGS = 3


@dataclass
class Cell:
    """A counted figure before it is stored: ``people`` participants in ``orgs`` organisations."""

    value: float
    people: int
    orgs: int
    national: bool
    suppressed: bool = False

    def apply_threshold(self) -> None:
        self.suppressed = below_threshold(self.people, self.orgs, national=self.national)


def below_threshold(people: int, orgs: int, *, national: bool) -> bool:
    if people < MIN_PEOPLE:
        return True
    return national and orgs < MIN_ORGS


def suppress_complements(cells: Sequence[Cell]) -> None:
    """Within one breakdown: never exactly one suppressed cell among cells with people in them."""
    filled = [cell for cell in cells if cell.people > 0]
    hidden = [cell for cell in filled if cell.suppressed]
    shown = [cell for cell in filled if not cell.suppressed]
    if len(hidden) == 1 and shown:
        min(shown, key=lambda cell: (cell.people, cell.value)).suppressed = True


def rest_shown(national_people: int, national_orgs: int, own_people: int) -> bool:
    """May a national figure be shown beside an organisation's own (``own_people`` of its participants,
    0 when it has none in this figure)? Only when the other organisations alone meet the thresholds."""
    own_orgs = 1 if own_people > 0 else 0
    return not below_threshold(national_people - own_people, national_orgs - own_orgs, national=True)


def apply(groups: Iterable[Sequence[Cell]]) -> None:
    """Thresholds on every cell, then complementary suppression within each breakdown."""
    for group in groups:
        for cell in group:
            cell.apply_threshold()
        suppress_complements(group)
