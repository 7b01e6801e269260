"""What one minute tick costs in DynamoDB with 10 and with 1,000 groups on the platform.

Every group has its next meeting planned; in the measured minute either no session or a few
sessions are due. The tick's cost must follow what is due, never how many groups exist.

    .venv/bin/python -m bench.tick
"""

from __future__ import annotations

from datetime import UTC, datetime

from bench.meter import Meter, install, use_embedded_store

use_embedded_store()
install()

from moto import mock_aws  # noqa: E402

from bench.fanout import CountingPoster  # noqa: E402
from bench.meter import METER  # noqa: E402
from chalicelib import storage  # noqa: E402
from chalicelib.delivery import Delivery  # noqa: E402
from chalicelib.sessions.keeper import SessionKeeper, plan_next  # noqa: E402

PLANNED_AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # a Monday
DUE_GROUPS = 3


def populate(groups: int) -> None:
    """Most groups meet at the weekend; the first DUE_GROUPS meet on Wednesday 18:00Z (19:00 CET)."""
    storage.Organisation("org", name="Org").save()
    for index in range(groups):
        due = index < DUE_GROUPS
        group = storage.Group(
            f"g{index}",
            org_id="org",
            name=f"Gruppe {index}",
            weekday=2 if due else 5 + index % 2,
            start_time="19:00" if due else f"{10 + index % 10}:00",
        )
        group.save()
        plan_next(group, PLANNED_AT)


def measure(meter: Meter, groups: int) -> list[tuple[str, int, float, float, dict[str, int]]]:
    rows = []
    with mock_aws():
        storage.create_tables()
        populate(groups)
        keeper = SessionKeeper(Delivery(CountingPoster()))
        for label, now in (
            ("nothing due", datetime(2026, 11, 24, 3, 0, tzinfo=UTC)),
            (f"{DUE_GROUPS} sessions open", datetime(2026, 11, 25, 18, 0, tzinfo=UTC)),
            (f"{DUE_GROUPS} sessions close", datetime(2026, 11, 25, 19, 30, tzinfo=UTC)),
        ):
            meter.clear()
            meter.active = True
            keeper.tick(now)
            meter.active = False
            priced = meter.take()
            calls: dict[str, int] = {}
            for request in priced:
                calls[request.operation] = calls.get(request.operation, 0) + 1
            rows.append(
                (label, len(priced), sum(r.write_units for r in priced), sum(r.read_units for r in priced), calls)
            )
    return rows


def main() -> None:
    print("| groups | minute | DynamoDB requests | write units | read units | by operation |")
    print("| ---: | --- | ---: | ---: | ---: | --- |")
    for groups in (10, 1000):
        for label, requests, writes, reads, calls in measure(METER, groups):
            operations = ", ".join(f"{op} {n}" for op, n in sorted(calls.items()))
            print(f"| {groups} | {label} | {requests} | {writes:g} | {reads:g} | {operations} |")


if __name__ == "__main__":
    main()
