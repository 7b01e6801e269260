"""The small-count rule: how many came back is never shown for fewer than five people.

In a group of three, "2 came back" or "67 %" lets a mentor or an admin tell who came back; from five
people on the figure describes the group. The organisation's figures and the session summary both
leave it out (null, with ``too_few_participants`` in ``withheld``); the plain count of who came stays.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib import storage
from chalicelib.accounts.tags import attendance_tag
from chalicelib.accounts.tokens import ADMIN, Identity
from chalicelib.organisation import figures
from chalicelib.sessions import summary as session_summary
from tests.conftest import NOW, make_group, make_org, make_session

ADMIN_ANNE = Identity("m-anne", "Anne", ADMIN, "org-a")
WEEK = timedelta(weeks=1)
RETURNING = ("returning", "returning_8w", "returning_share")


@pytest.fixture
def group(tables):
    make_org()
    make_group()


def meet(weeks_ago: int, people: int, status: str = storage.CLOSED) -> storage.Session:
    """A session of g1 that ``people`` teens (the same ones every week) came to."""
    session = make_session(starts_at=NOW - weeks_ago * WEEK, status=status)
    tags = {attendance_tag("g1", f"teen-{n}") for n in range(people)}
    if tags:
        storage.Session(session.session_id).update(actions=[storage.Session.attendees.add(tags)])
    return storage.reload_session(session)


def row_of(session: storage.Session) -> dict:
    (row,) = [r for r in figures.figures(ADMIN_ANNE, 8, NOW)["sessions"] if r["session_id"] == session.session_id]
    return row


class TestFigures:
    def test_a_group_of_three_who_all_came_back_shows_no_returning_share(self, group):
        meet(2, 3)
        again = meet(1, 3)
        row = row_of(again)
        assert row["participants"] == 3  # "3 came" says nothing about any one of them
        assert (row["returning"], row["returning_8w"], row["returning_share"]) == (None, None, None)
        assert {field: row["withheld"][field] for field in RETURNING} == dict.fromkeys(
            RETURNING, "too_few_participants"
        )

    def test_a_group_of_six_who_all_came_back_shows_the_share(self, group):
        meet(2, 6)
        again = meet(1, 6)
        row = row_of(again)
        assert (row["participants"], row["returning"], row["returning_8w"], row["returning_share"]) == (6, 6, 6, 1.0)
        assert not set(RETURNING) & set(row["withheld"])

    @pytest.mark.parametrize(("people", "shown"), [(0, False), (1, False), (4, False), (5, True)])
    def test_five_is_where_the_share_starts_to_show(self, group, people, shown):
        meet(2, max(people, 1))
        row = row_of(meet(1, people))
        assert (row["returning_share"] is not None) is shown
        assert ("returning_share" in row["withheld"]) is not shown
        # The check-in's own rule still speaks for its fields, next to this one.
        assert row["withheld"]["checkin_average"] == "too_few_answers"


class TestSummary:
    def test_the_summary_of_three_who_came_back_leaves_out_how_many(self, group):
        meet(2, 3)
        closed = meet(1, 3)
        assert session_summary.write(closed, NOW)
        stored = json.loads(storage.reload_session(closed).summary)
        assert (stored["participants"], stored["returning"]) == (3, None)  # never written down
        assert stored["withheld"] == {"returning": "too_few_participants"}

    def test_the_summary_of_six_who_came_back_says_so(self, group):
        meet(2, 6)
        closed = meet(1, 6)
        summary = session_summary.summarise(closed, NOW)
        assert (summary["participants"], summary["returning"], summary["withheld"]) == (6, 6, {})

    def test_a_summary_written_before_the_rule_is_read_without_the_small_count(self, group):
        closed = meet(1, 3)
        old = {"participants": 3, "returning": 2, "messages": 9, "topic": "Venskaber"}
        storage.save_summary(closed, json.dumps(old))
        read = session_summary.read(storage.reload_session(closed))
        assert read is not None
        assert (read["participants"], read["returning"], read["messages"]) == (3, None, 9)
        assert read["withheld"] == {"returning": "too_few_participants"}
