"""The rules of the room are written once: docs/rules.md shows exactly the table the code applies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib.chat import admission
from chalicelib.chat.admission import Knock, decide, seats

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def documented_rows() -> tuple[list[str], list[tuple[str, ...]]]:
    lines = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    cells = [tuple(cell.strip() for cell in line.strip().strip("|").split("|")) for line in lines]
    return list(cells[0]), [row for row in cells[1:] if not re.fullmatch(r"-+", row[0])]


def test_the_documented_table_is_the_table_the_code_applies():
    columns, rows = documented_rows()
    assert tuple(columns) == admission.COLUMNS
    assert rows == admission.table()


def test_the_table_covers_every_combination_once():
    rows = admission.table()
    inputs = {row[:4] for row in rows}
    assert len(rows) == len(inputs) == len(admission.ENTRY_MODES) * 2 * 2 * len(admission.WHO)


@pytest.mark.parametrize("mode", admission.ENTRY_MODES)
def test_without_a_mentor_nobody_sends_and_a_crisis_line_is_still_answered(mode):
    for who in admission.WHO:
        for locked in (False, True):
            door = decide(Knock(mode, False, locked, who))
            assert not door.may_send
            assert door.crisis in (admission.CRISIS_NOT_STORED, admission.CRISIS_NO_ROOM)
            if door.door == admission.ENTERS:
                assert door.may_read and door.send_refusal == "waiting_for_mentor"


def test_a_newcomer_at_a_waiting_room_reads_nothing_until_admitted():
    for present in (True, False):
        door = decide(Knock(admission.WAITING_ROOM, present, False, admission.NEWCOMER))
        assert (door.door, door.may_read, door.may_send, door.seat) == (
            admission.WAITS,
            False,
            False,
            admission.NO_SEAT,
        )


def test_a_lock_keeps_out_everyone_new_but_not_who_is_back_today():
    for mode in admission.ENTRY_MODES:
        assert decide(Knock(mode, True, True, admission.MEMBER)).refusal == "session_locked"
        assert decide(Knock(mode, True, True, admission.IN_SESSION)).door == admission.ENTERS


def test_members_may_go_a_little_over_the_capacity_newcomers_may_not():
    assert seats(admission.SEAT_CAPACITY, 15) == 15
    assert seats(admission.SEAT_OVER, 15) == 18
    assert seats(admission.SEAT_OVER, 2) == 3  # at least one over
    assert seats(admission.NO_SEAT, 15) == 0


def test_unknown_inputs_are_refused_loudly():
    with pytest.raises(ValueError):
        Knock("lobby", True, False, admission.MEMBER)
    with pytest.raises(ValueError):
        Knock(admission.OPEN, True, False, "stranger")
