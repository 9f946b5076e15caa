"""The country's figures never show a cell about too few people, whoever looks and however they subtract.

Small random countries (a few organisations, a handful of people per cell) go through the real
code: ``services.build_rows`` (national sums and suppression, as the nightly run stores them) and
``selectors.cells_of`` (what a page shows, for the method owner and beside each organisation's own).
Properties:

- every shown national cell is about at least 10 people in at least 3 organisations; every shown
  organisation cell about at least 10 people; a suppressed cell has no stored value;
- within a breakdown (skills, levels) never exactly one hidden cell among the filled ones, for the stored
  rows and for what each viewer sees: the total minus the shown parts never gives a single hidden cell;
- beside an organisation's own figures, national minus own (the other organisations together) is
  about at least 10 people in at least 3 organisations for every shown national cell.
"""

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from wpo.national.models import Measure
from wpo.national.selectors import cells_of
from wpo.national.services import BREAKDOWNS, Counted, Key, build_rows
from wpo.national.suppression import MIN_ORGS, MIN_PEOPLE

QUARTER = (2026, 1)
MEASURES = [
    (Measure.STARTED, ""),
    (Measure.FINISHED, ""),
    (Measure.ACTIVE, ""),
    (Measure.SKILL_CHOSEN, "s1"),
    (Measure.SKILL_CHOSEN, "s2"),
    (Measure.SKILL_CHOSEN, "s3"),
    (Measure.LEVEL_REACHED, "A"),
    (Measure.LEVEL_REACHED, "B"),
    (Measure.LEVEL_REACHED, "C"),
    (Measure.MEDIAN_WEEKS, "A"),
    (Measure.SECOND_JUDGED, ""),
    (Measure.SECOND_DIFFERED, ""),
]
NOW = datetime(2026, 5, 1, tzinfo=UTC)


@st.composite
def countries(draw: st.DrawFn) -> dict[Key, Counted]:
    """1-6 organisations; per cell 0-14 people (mostly near the threshold), a value of at least that."""
    organisations = draw(st.integers(min_value=1, max_value=6))
    counted: dict[Key, Counted] = {}
    for org in range(1, organisations + 1):
        for measure, key in MEASURES:
            people = draw(st.integers(min_value=0, max_value=14))
            if not people:
                continue
            value = people + draw(st.integers(min_value=0, max_value=3))
            cell = Counted(value=value, people=people)
            if measure == Measure.MEDIAN_WEEKS:
                cell.value, cell.days = 0, {draw(st.integers(min_value=1, max_value=60)): people}
            if measure == Measure.SECOND_DIFFERED:
                cell.differed = draw(st.integers(min_value=0, max_value=value))
            counted[(org, *QUARTER, measure, key)] = cell
    return counted


def _filled_groups(cells: dict[tuple[str, str], tuple[bool, int]]) -> dict[str, list[bool]]:
    """measure -> hidden flags of the breakdown's cells with people in them."""
    groups: dict[str, list[bool]] = {}
    for (measure, _key), (hidden, people) in cells.items():
        if measure in BREAKDOWNS and people > 0:
            groups.setdefault(measure, []).append(hidden)
    return groups


def _never_exactly_one_hidden(groups: dict[str, list[bool]]) -> None:
    for measure, hidden in groups.items():
        if any(not h for h in hidden):
            assert sum(hidden) != 1, f"{measure}: one hidden cell beside shown ones can be worked out"


@settings(settings.get_profile("ci"), max_examples=600)
@given(counted=countries())
def test_no_shown_cell_is_ever_below_the_thresholds(counted: dict[Key, Counted]) -> None:
    rows = build_rows(counted, NOW)
    by_org: dict[int | None, dict[tuple[str, str], tuple[bool, int]]] = {}
    for row in rows:
        if row.suppressed:
            assert row.value is None
        elif row.organization_id is None:
            assert row.people_count >= MIN_PEOPLE and row.org_count >= MIN_ORGS
        else:
            assert row.people_count >= MIN_PEOPLE
        by_org.setdefault(row.organization_id, {})[(row.measure, row.key)] = (row.suppressed, row.people_count)
    for cells in by_org.values():
        _never_exactly_one_hidden(_filled_groups(cells))

    national = {(r.measure, r.key): r for r in rows if r.organization_id is None}
    # The method owner's page: what is shown is what was stored as shown.
    page = cells_of(rows, [QUARTER], None)
    for (measure, key), row in national.items():
        assert page.get(*QUARTER, measure, key).hidden == row.suppressed

    # Beside each organisation's own: national minus own is never about too few.
    organisations = {org for (org, *_rest) in counted}
    for org in organisations:
        shown = cells_of(rows, [QUARTER], org)
        own = {(r.measure, r.key): r for r in rows if r.organization_id == org}
        seen: dict[tuple[str, str], tuple[bool, int]] = {}
        for (measure, key), row in national.items():
            cell = shown.get(*QUARTER, measure, key)
            seen[(measure, key)] = (cell.hidden, row.people_count)
            if cell.hidden:
                continue
            mine = own.get((measure, key))
            own_people = mine.people_count if mine else 0
            assert row.people_count - own_people >= MIN_PEOPLE
            assert row.org_count - (1 if own_people else 0) >= MIN_ORGS
            # The value shown is the stored one, never an organisation's own.
            assert cell.value == row.value
        _never_exactly_one_hidden(_filled_groups(seen))
        # The organisation's own cells: only its own rows, each shown only with 10 people or more.
        for (measure, key), row in own.items():
            mine_cell = shown.own_get(*QUARTER, measure, key)
            assert mine_cell.hidden == row.suppressed
            assert mine_cell.hidden or row.people_count >= MIN_PEOPLE
