"""What one delivered message costs in DynamoDB, by room size and by platform size.

Counts every DynamoDB request (by operation) and the items each one read, through a wrapper
around botocore's API call, while one member of a room sends messages. The store is moto
in-process, so the counts are exact and the times are not meaningful (moto walks whole
tables). The point: the cost depends on the room's size, never on how many rooms exist.

    .venv/bin/python bench/fanout.py
"""
from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.meter import Meter, use_embedded_store  # noqa: E402

use_embedded_store()

from moto import mock_aws  # noqa: E402

from chalicelib import storage  # noqa: E402
from chalicelib.chat.service import Caller, ChatService  # noqa: E402

NOW = datetime(2026, 11, 26, 18, 30, tzinfo=timezone.utc)
MESSAGES = 20


class CountingSender:
    def __init__(self) -> None:
        self.posts = 0

    def send(self, recipient, frame) -> bool:
        self.posts += 1
        return True

    def close(self, recipient) -> None:
        pass


def populate(rooms: int, members_in_measured: int) -> str:
    """``rooms`` open sessions with 5 connected members each; the first has the measured size."""
    with storage.Organisation.batch_write() as batch:
        batch.save(storage.Organisation("org", name="Org"))
    first_session = ""
    with storage.Connection.batch_write() as connections, storage.Session.batch_write() as sessions, \
            storage.Group.batch_write() as groups:
        for room in range(rooms):
            group_id = f"g{room}"
            session_id = f"{group_id}:s"
            groups.save(storage.Group(group_id, org_id="org", name=f"Gruppe {room}", capacity=100))
            sessions.save(storage.Session(
                session_id, group_id=group_id, org_id="org", starts_at=NOW - timedelta(minutes=10),
                ends_at=NOW + timedelta(hours=1), status=storage.OPEN,
            ))
            size = members_in_measured if room == 0 else 5
            for member in range(size):
                connections.save(storage.Connection(
                    f"{room}-{member}", user_id=f"u{room}-{member}", pseudonym=f"Navn{member}",
                    role="participant", session_id=session_id, group_id=group_id,
                    session_ends_at=NOW + timedelta(hours=1), retention_days=30,
                    api_id="bench", stage="bench", connected_at=NOW, expires_at=NOW + timedelta(hours=2),
                ))
            if room == 0:
                first_session = session_id
    return first_session


def measure(meter: Meter, rooms: int, members: int) -> dict:
    with mock_aws():
        storage.create_tables()
        session_id = populate(rooms, members)
        sender = CountingSender()
        chat = ChatService(sender)
        author = Caller("0-0", "bench", "bench")
        meter.calls.clear()
        meter.items_read = 0
        meter.active = True
        for i in range(MESSAGES):
            frame = {"action": "send", "text": f"besked {i}", "client_id": f"c{i}", "session_id": session_id}
            chat.handle(author, json.dumps(frame), NOW + timedelta(seconds=3 * i))  # within flood limits
        meter.active = False
    requests = sum(meter.calls.values())
    return {
        "rooms": rooms,
        "members": members,
        "requests_per_message": requests / MESSAGES,
        "by_operation": {op: n / MESSAGES for op, n in sorted(meter.calls.items())},
        "items_read_per_message": meter.items_read / MESSAGES,
        "posts_per_message": sender.posts / MESSAGES,
    }


def main() -> None:
    meter = Meter()
    rows = [measure(meter, rooms, members) for rooms in (10, 1000) for members in (5, 15, 50)]
    print("| rooms on the platform | members in the room | DynamoDB requests / message | by operation "
          "| items read / message | posts / message |")
    print("| ---: | ---: | ---: | --- | ---: | ---: |")
    for row in rows:
        operations = ", ".join(f"{op} {n:g}" for op, n in row["by_operation"].items())
        print(f"| {row['rooms']} | {row['members']} | {row['requests_per_message']:g} | {operations} "
              f"| {row['items_read_per_message']:g} | {row['posts_per_message']:g} |")
    by_size: dict[int, set] = {}
    for row in rows:
        by_size.setdefault(row["members"], set()).add((row["requests_per_message"], row["items_read_per_message"]))
    steady = all(len(v) == 1 for v in by_size.values())
    print(f"\nCost independent of the number of rooms: {'yes' if steady else 'NO'}")


if __name__ == "__main__":
    main()
